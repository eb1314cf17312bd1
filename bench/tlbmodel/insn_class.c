/* insn_class.c: classifies x86-64 instructions by their bytes for the TLB-model plugin. */
#include "bench/tlbmodel/insn_class.h"

#include "shoji/tlbmark.h"

/*
 * Encodings: Intel SDM Vol. 2 (instruction pages of each mnemonic) and,
 * for the prefixes, Vol. 2A 2.1 and 2.2.1: legacy prefixes first, REX
 * last, immediately before the opcode (a REX followed by another prefix
 * is ignored).  Instructions are at most 15 bytes (2.3.11).
 */
#define INSN_MAX 15

enum map { MAP_1B, MAP_0F, MAP_0F38 };
enum mod { ANY_MOD, MEM, NO_MODRM }; /* MEM: ModRM.mod != 11b */
enum prefix {
	P_ANY,	  /* any legacy prefix */
	P_66,	  /* 66 required (a mandatory prefix), no F2/F3 */
	P_NONE,	  /* none of 66, F2, F3: they select another instruction */
	P_ANY_W1, /* any legacy prefix, REX.W required */
};
#define ANY_REG (-1)
#define NO_EXACT 0 /* no instruction of the table has ModRM 00 exactly */

/* One row: opcode map and byte, then what ModRM, REX and prefixes must be. */
struct rule {
	uint8_t map, op;
	int8_t reg;	  /* ModRM.reg with REX.R (0-15), or ANY_REG */
	uint8_t mod;	  /* enum mod */
	uint8_t exact;	  /* ModRM must equal it (NO_EXACT: no such rule) */
	uint8_t prefixes; /* enum prefix */
	uint8_t kind;	  /* enum insn_kind */
};

static const struct rule rules[] = {
    {MAP_0F, 0x05, ANY_REG, NO_MODRM, NO_EXACT, P_ANY, INSN_SYSCALL},
    {MAP_0F, 0x07, ANY_REG, NO_MODRM, NO_EXACT, P_ANY_W1, INSN_SYSRET},
    {MAP_0F, 0x34, ANY_REG, NO_MODRM, NO_EXACT, P_ANY, INSN_SYSENTER},
    {MAP_0F, 0x35, ANY_REG, NO_MODRM, NO_EXACT, P_ANY, INSN_SYSEXIT},
    {MAP_1B, 0xcf, ANY_REG, NO_MODRM, NO_EXACT, P_ANY_W1, INSN_IRETQ},
    {MAP_1B, 0xcd, ANY_REG, NO_MODRM, NO_EXACT, P_ANY, INSN_INT},
    {MAP_0F, 0x01, ANY_REG, ANY_MOD, 0xef, P_NONE, INSN_WRPKRU},
    {MAP_0F, 0x01, ANY_REG, ANY_MOD, 0xee, P_NONE, INSN_RDPKRU},
    {MAP_0F, 0x01, 7, MEM, NO_EXACT, P_ANY, INSN_INVLPG},
    {MAP_0F, 0x22, 3, ANY_MOD, NO_EXACT, P_ANY, INSN_MOV_CR3}, /* mod is ignored (register form) */
    {MAP_0F, 0x22, 4, ANY_MOD, NO_EXACT, P_ANY, INSN_MOV_CR4},
    {MAP_0F38, 0x82, ANY_REG, MEM, NO_EXACT, P_66, INSN_INVPCID},
    {MAP_0F, 0xae, 4, MEM, NO_EXACT, P_NONE, INSN_XSAVE},  /* F3: PTWRITE */
    {MAP_0F, 0xae, 5, MEM, NO_EXACT, P_NONE, INSN_XRSTOR}, /* mod 11b: LFENCE */
    {MAP_0F, 0xae, 6, MEM, NO_EXACT, P_NONE, INSN_XSAVE},  /* XSAVEOPT; 66: CLWB */
    {MAP_0F, 0xc7, 3, MEM, NO_EXACT, P_NONE, INSN_XRSTOR}, /* XRSTORS */
    {MAP_0F, 0xc7, 4, MEM, NO_EXACT, P_NONE, INSN_XSAVE},  /* XSAVEC */
    {MAP_0F, 0xc7, 5, MEM, NO_EXACT, P_NONE, INSN_XSAVE},  /* XSAVES */
};

static const char *const kind_names[INSN_KINDS] = {
    [INSN_NONE] = "none",	  [INSN_SYSCALL] = "syscall", [INSN_SYSRET] = "sysret",
    [INSN_SYSENTER] = "sysenter", [INSN_SYSEXIT] = "sysexit", [INSN_IRETQ] = "iretq",
    [INSN_INT] = "int",		  [INSN_WRPKRU] = "wrpkru",   [INSN_RDPKRU] = "rdpkru",
    [INSN_MOV_CR3] = "mov_cr3",	  [INSN_MOV_CR4] = "mov_cr4", [INSN_INVLPG] = "invlpg",
    [INSN_INVPCID] = "invpcid",	  [INSN_XSAVE] = "xsave",     [INSN_XRSTOR] = "xrstor",
    [INSN_MARKER] = "marker",
};

const char *insn_kind_name(enum insn_kind kind)
{
	return (unsigned)kind < INSN_KINDS ? kind_names[kind] : "none";
}

/* The prefixes and opcode of one instruction, as far as the rules need. */
struct parsed {
	unsigned npre; /* legacy prefix bytes */
	uint8_t p66, prep, rex;
	uint8_t map, op;
	int modrm; /* -1: the bytes end before it */
};

static int legacy_prefix(uint8_t b)
{
	static const uint8_t pre[] = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26,
				      0x2e, 0x36, 0x3e, 0x64, 0x65};
	for (unsigned i = 0; i < sizeof pre; i++)
		if (pre[i] == b)
			return 1;
	return 0;
}

/* 0 with *x filled, -1 when the bytes end before the opcode. */
static int parse(const uint8_t *p, size_t n, struct parsed *x)
{
	size_t i = 0;
	*x = (struct parsed){.modrm = -1};
	for (; i < n && i < INSN_MAX; i++) {
		if (legacy_prefix(p[i])) {
			x->npre++;
			x->p66 |= p[i] == 0x66;
			x->prep |= p[i] == 0xf2 || p[i] == 0xf3;
			x->rex = 0; /* a REX before a prefix is ignored */
		} else if ((p[i] & 0xf0) == 0x40) {
			x->rex = p[i];
		} else {
			break;
		}
	}
	if (i >= n || i >= INSN_MAX)
		return -1;
	x->map = MAP_1B;
	if (p[i] == 0x0f) {
		x->map = MAP_0F;
		if (++i < n && p[i] == 0x38) {
			x->map = MAP_0F38;
			i++;
		}
		if (i >= n)
			return -1;
	}
	x->op = p[i++];
	if (i < n)
		x->modrm = p[i];
	return 0;
}

static int prefixes_match(const struct parsed *x, uint8_t want)
{
	switch (want) {
	case P_66:
		return x->p66 && !x->prep;
	case P_NONE:
		return !x->p66 && !x->prep;
	case P_ANY_W1:
		return (x->rex & 0x08) != 0;
	default:
		return 1;
	}
}

static int rule_matches(const struct rule *r, const struct parsed *x)
{
	if (r->map != x->map || r->op != x->op || !prefixes_match(x, r->prefixes))
		return 0;
	if (r->mod == NO_MODRM)
		return 1;
	if (x->modrm < 0)
		return 0;
	if (r->exact != NO_EXACT)
		return x->modrm == r->exact;
	if (r->mod == MEM && (x->modrm >> 6) == 3)
		return 0;
	int reg = (x->modrm >> 3 & 7) | (x->rex & 0x04) << 1;
	return r->reg == ANY_REG || r->reg == reg;
}

/* The marker: exactly 0F 1F 80 disp32, no prefix, disp32's top half "SH". */
static int marker(const uint8_t *p, size_t n, uint16_t *op)
{
	if (n < TLBMARK_LEN || p[0] != 0x0f || p[1] != 0x1f || p[2] != 0x80)
		return 0;
	uint32_t disp =
	    (uint32_t)p[3] | (uint32_t)p[4] << 8 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 24;
	if (disp >> 16 != TLBMARK_SIG)
		return 0;
	*op = (uint16_t)disp;
	return 1;
}

struct insn_class insn_classify(const uint8_t *p, size_t n)
{
	struct insn_class c = {INSN_NONE, 0};
	struct parsed x;
	if (marker(p, n, &c.op)) {
		c.kind = INSN_MARKER;
		return c;
	}
	if (parse(p, n, &x) < 0)
		return c;
	for (unsigned i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rule_matches(&rules[i], &x)) {
			c.kind = rules[i].kind;
			return c;
		}
	return c;
}
