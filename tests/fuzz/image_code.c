/* Bundled x86-64 task code from fuzz bytes: templates, bundle packing, branch fix-ups. */
#include <string.h>

#include "image.h"

/*
 * Random bytes almost never pass the verifier, so the fuzz bytes pick
 * instructions from tables instead: one byte chooses a template, the next
 * ones its registers and immediates.  The safe table holds what the
 * verifier accepts (tools/bundle-asm emits the same shapes): ordinary
 * integer instructions, calls that end at a bundle end, masked indirect
 * branches, direct branches to instruction starts, the gate.  The
 * dangerous table holds what it must refuse or what the oracle must look
 * at closely: privileged and PKRU-changing bytes, broken masked sequences,
 * jumps into instructions, instructions across bundle boundaries, raw fuzz
 * bytes.  A byte below `danger` picks from the dangerous table, so the
 * header decides how many images can be accepted.
 *
 * Encodings are written from the SDM (Vol. 2, opcode map A-2 and the
 * instruction pages); the comments give the assembly.
 */

#define MAX_STARTS (SLOT_IMAGE_MAX / 2)
#define MAX_FIXUPS (SLOT_IMAGE_MAX / 2)

/* Where a branch's displacement should point. */
enum fix_kind {
	FIX_START,  /* an instruction start recorded so far or later */
	FIX_GATE,   /* the gate (SLOT_GATE) */
	FIX_INSIDE, /* one to three bytes into an instruction, or into a hidden one */
	FIX_RAW,    /* whatever the fuzz bytes say */
};

/* One instruction (or a short sequence) before it is placed. */
struct ins {
	uint8_t b[32];
	unsigned n;
	bool at_end;   /* must end at a bundle end (calls) */
	bool straddle; /* placed across a bundle boundary on purpose */
	int fix_at;    /* offset in b of the displacement (always last), or -1 */
	uint8_t fix_size, fix_kind, sel;
	int hidden; /* offset in b of bytes worth jumping into, or -1 */
};

struct fixup {
	uint64_t at; /* image offset of the displacement */
	uint8_t size, kind, sel;
};

struct gen {
	const uint8_t *in;
	size_t n, i;
	uint8_t *img;
	const bool *exec; /* per page */
	uint64_t pos, bundle_end;
	bool done;
	unsigned danger;
	uint32_t starts[MAX_STARTS], hidden[MAX_STARTS];
	unsigned nstarts, nhidden, nfix;
	struct fixup fix[MAX_FIXUPS];
};

static uint8_t u8(struct gen *g)
{
	return g->i < g->n ? g->in[g->i++] : 0;
}

static void put(struct ins *i, unsigned byte)
{
	i->b[i->n++] = (uint8_t)byte;
}

static void put32(struct ins *i, uint32_t v)
{
	for (int k = 0; k < 4; k++)
		put(i, (v >> (8 * k)) & 0xff);
}

static void put_fuzz(struct gen *g, struct ins *i, unsigned n)
{
	while (n--)
		put(i, u8(g));
}

static void put_bytes(struct ins *i, const uint8_t *p, unsigned n)
{
	while (n--)
		put(i, *p++);
}

/* A displacement of size bytes, filled in by resolve(). */
static void put_rel(struct gen *g, struct ins *i, unsigned size, enum fix_kind kind)
{
	i->fix_at = (int)i->n;
	i->fix_size = (uint8_t)size;
	i->fix_kind = (uint8_t)kind;
	i->sel = u8(g);
	for (unsigned k = 0; k < size; k++)
		put(i, 0);
}

static unsigned rex(unsigned w, unsigned r, unsigned b)
{
	return 0x40 | w << 3 | (r >> 3) << 2 | (b >> 3);
}

/* --- safe templates ------------------------------------------------------ */

/* The recommended multi-byte NOPs (SDM Vol. 2B, NOP, Table 4-12). */
static const uint8_t nops[9][9] = {
    {0x90},
    {0x66, 0x90},
    {0x0f, 0x1f, 0x00},
    {0x0f, 0x1f, 0x40, 0x00},
    {0x0f, 0x1f, 0x44, 0x00, 0x00},
    {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
    {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
    {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
};

static void t_nop(struct gen *g, struct ins *i)
{
	unsigned n = 1 + u8(g) % 9;
	put_bytes(i, nops[n - 1], n);
}

static void t_mov_rr(struct gen *g, struct ins *i) /* mov %S, %D */
{
	unsigned s = u8(g) & 15, d = u8(g) & 15;
	put(i, rex(1, s, d)), put(i, 0x89), put(i, 0xc0 | (s & 7) << 3 | (d & 7));
}

static void t_alu_imm8(struct gen *g, struct ins *i) /* add..cmp $imm8, %D */
{
	unsigned op = u8(g) & 7, d = u8(g) & 15;
	put(i, rex(1, 0, d)), put(i, 0x83), put(i, 0xc0 | op << 3 | (d & 7));
	put_fuzz(g, i, 1);
}

static void t_mov_imm32(struct gen *g, struct ins *i) /* mov $imm32, %D32 */
{
	unsigned d = u8(g) & 15;
	if (d >= 8)
		put(i, 0x41);
	put(i, 0xb8 + (d & 7));
	put_fuzz(g, i, 4);
}

/* movabs $imm64, %D: the immediate is fuzz bytes, so it may hide an
 * instruction (or a WRPKRU the scanner must find). */
static void t_movabs(struct gen *g, struct ins *i)
{
	unsigned d = u8(g) & 15;
	put(i, rex(1, 0, d)), put(i, 0xb8 + (d & 7));
	i->hidden = (int)i->n + (u8(g) & 7);
	put_fuzz(g, i, 8);
}

/* mov disp8(%B), %R or mov %R, disp8(%B); rsp and r12 need a SIB byte. */
static void t_mem(struct gen *g, struct ins *i)
{
	unsigned c = u8(g), r = u8(g) & 15, base = u8(g) & 15;
	put(i, rex(1, r, base)), put(i, c & 1 ? 0x89 : 0x8b);
	put(i, 0x40 | (r & 7) << 3 | (base & 7));
	if ((base & 7) == 4)
		put(i, 0x24);
	put_fuzz(g, i, 1);
}

static void t_lea_rip(struct gen *g, struct ins *i) /* lea rel32(%rip), %R */
{
	unsigned r = u8(g) & 15;
	put(i, rex(1, r, 0)), put(i, 0x8d), put(i, 0x05 | (r & 7) << 3);
	put_fuzz(g, i, 4);
}

static void t_push_pop(struct gen *g, struct ins *i)
{
	unsigned c = u8(g), r = c & 15;
	if (r >= 8)
		put(i, 0x41);
	put(i, (c & 16 ? 0x58 : 0x50) + (r & 7));
}

static void t_jcc8(struct gen *g, struct ins *i)
{
	put(i, 0x70 | (u8(g) & 15));
	put_rel(g, i, 1, FIX_START);
}

static void t_jcc32(struct gen *g, struct ins *i)
{
	put(i, 0x0f), put(i, 0x80 | (u8(g) & 15));
	put_rel(g, i, 4, FIX_START);
}

static void t_jmp(struct gen *g, struct ins *i) /* jmp rel8 or rel32 */
{
	bool near = u8(g) & 1;
	put(i, near ? 0xe9 : 0xeb);
	put_rel(g, i, near ? 4 : 1, FIX_START);
}

static void t_loop(struct gen *g, struct ins *i) /* loopne, loope, loop, jrcxz */
{
	put(i, 0xe0 + (u8(g) & 3));
	put_rel(g, i, 1, FIX_START);
}

static void t_call(struct gen *g, struct ins *i) /* call rel32, to code or the gate */
{
	put(i, 0xe8);
	put_rel(g, i, 4, u8(g) & 1 ? FIX_GATE : FIX_START);
	i->at_end = true;
}

static void t_jmp_gate(struct gen *g, struct ins *i)
{
	put(i, 0xe9);
	put_rel(g, i, 4, FIX_GATE);
}

/* and $0x1ffe0, %R32 ; or $CFI_MARKER, %R ; jmp/call *%R (verify.c rule 5);
 * prefix: a legacy prefix to put on the branch, or 0. */
static void masked(struct ins *i, unsigned r, uint32_t mask, uint32_t marker, unsigned op,
		   unsigned prefix)
{
	if (r == 0) {
		put(i, 0x25), put32(i, mask);
		put(i, 0x48), put(i, 0x0d), put32(i, marker);
	} else {
		if (r >= 8)
			put(i, 0x41);
		put(i, 0x81), put(i, 0xe0 | (r & 7)), put32(i, mask);
		put(i, rex(1, 0, r)), put(i, 0x81), put(i, 0xc8 | (r & 7)), put32(i, marker);
	}
	if (prefix)
		put(i, prefix);
	if (r >= 8)
		put(i, 0x41);
	put(i, 0xff), put(i, op | (r & 7));
}

static unsigned not_rsp(struct gen *g)
{
	unsigned r = u8(g) & 15;
	return r == 4 ? 11 : r;
}

static void t_masked_jmp(struct gen *g, struct ins *i)
{
	masked(i, not_rsp(g), CFI_MASK, CFI_MARKER, 0xe0, 0);
}

static void t_masked_call(struct gen *g, struct ins *i)
{
	masked(i, not_rsp(g), CFI_MASK, CFI_MARKER, 0xd0, 0);
	i->at_end = true;
}

static void t_return(struct gen *g, struct ins *i) /* pop %r11 ; masked jmp *%r11 */
{
	put(i, 0x41), put(i, 0x5b);
	masked(i, 11, CFI_MASK, CFI_MARKER, 0xe0, 0);
}

/* Fixed instructions the whitelist takes; [0] is the length. */
static const uint8_t misc[][8] = {
    {2, 0x0f, 0x31},		       /* rdtsc */
    {2, 0x0f, 0xa2},		       /* cpuid */
    {2, 0x0f, 0x0b},		       /* ud2 */
    {1, 0x9c},			       /* pushf */
    {3, 0x0f, 0xae, 0xe8},	       /* lfence */
    {1, 0xfc},			       /* cld */
    {2, 0x48, 0x99},		       /* cqo */
    {2, 0xf3, 0xa4},		       /* rep movsb */
    {3, 0xf3, 0x48, 0xab},	       /* rep stosq */
    {4, 0xf3, 0x0f, 0x1e, 0xfa},       /* endbr64 */
    {2, 0xf3, 0x90},		       /* pause */
    {4, 0x48, 0x0f, 0xaf, 0xc3},       /* imul %rbx, %rax */
    {3, 0x0f, 0x94, 0xc0},	       /* sete %al */
    {4, 0x48, 0x0f, 0x45, 0xc1},       /* cmovne %rcx, %rax */
    {4, 0x48, 0xc1, 0xe0, 0x05},       /* shl $5, %rax */
    {3, 0x48, 0x0f, 0xc8},	       /* bswap %rax */
    {3, 0x0f, 0xb6, 0xc1},	       /* movzbl %cl, %eax */
    {4, 0xf0, 0x48, 0x01, 0x07},       /* lock add %rax, (%rdi) */
    {1, 0xc9},			       /* leave */
    {4, 0x48, 0x0f, 0xc7, 0x0f},       /* cmpxchg16b (%rdi) */
    {5, 0xf3, 0x48, 0x0f, 0xb8, 0xc1}, /* popcnt %rcx, %rax */
    {3, 0x0f, 0x0d, 0x0f},	       /* prefetchw (%rdi) */
    {3, 0x48, 0x85, 0xc0},	       /* test %rax, %rax */
    {3, 0x48, 0x31, 0xc0},	       /* xor %rax, %rax */
    {4, 0x2e, 0x48, 0x8b, 0x07},       /* mov %cs:(%rdi), %rax: a no-op segment prefix */
    {1, 0xd7},			       /* xlat */
    {1, 0x9f},			       /* lahf */
};

static void t_misc(struct gen *g, struct ins *i)
{
	const uint8_t *m = misc[u8(g) % (sizeof(misc) / sizeof(misc[0]))];
	put_bytes(i, m + 1, m[0]);
}

/* --- dangerous templates ------------------------------------------------- */

/* Each must be refused wherever it can run, or (the last two) #UD; [0] is
 * the length. */
static const uint8_t bad[][8] = {
    {3, 0x0f, 0x01, 0xef},	       /* wrpkru */
    {3, 0x0f, 0xae, 0x2f},	       /* xrstor (%rdi) */
    {4, 0x48, 0x0f, 0xc7, 0x1f},       /* xrstors64 (%rdi) */
    {1, 0xc3},			       /* ret */
    {3, 0xc2, 0x08, 0x00},	       /* ret $8 */
    {1, 0xcc},			       /* int3 */
    {2, 0xcd, 0x80},		       /* int $0x80 */
    {1, 0xf4},			       /* hlt */
    {1, 0xfa},			       /* cli */
    {1, 0x9d},			       /* popf */
    {2, 0x0f, 0x05},		       /* syscall */
    {3, 0x48, 0x0f, 0x07},	       /* sysretq */
    {2, 0x48, 0xcf},		       /* iretq */
    {1, 0xee},			       /* out %al, (%dx) */
    {3, 0x0f, 0x22, 0xd8},	       /* mov %rax, %cr3 */
    {2, 0x0f, 0x30},		       /* wrmsr */
    {3, 0x0f, 0x01, 0xf8},	       /* swapgs */
    {3, 0x0f, 0x01, 0x1f},	       /* lidt (%rdi) */
    {3, 0x0f, 0x01, 0xc1},	       /* vmcall */
    {3, 0x0f, 0x01, 0xd9},	       /* vmmcall */
    {2, 0xff, 0x2f},		       /* ljmp *(%rdi) */
    {1, 0xcb},			       /* lret */
    {2, 0x8e, 0xd0},		       /* mov %eax, %ss */
    {2, 0x0f, 0xa1},		       /* pop %fs */
    {5, 0xf3, 0x48, 0x0f, 0xae, 0xd0}, /* wrfsbase %rax */
    {2, 0xff, 0xe0},		       /* jmp *%rax, unmasked */
    {2, 0xff, 0xd0},		       /* call *%rax, unmasked */
    {2, 0xff, 0x20},		       /* jmp *(%rax) */
    {3, 0x3e, 0xff, 0xe0},	       /* notrack jmp *%rax */
    {4, 0x64, 0x48, 0x8b, 0x00},       /* mov %fs:(%rax), %rax */
    {3, 0x67, 0x8b, 0x00},	       /* mov (%eax), %eax */
    {2, 0xd9, 0xe8},		       /* fld1 (x87) */
    {3, 0x0f, 0x28, 0xc1},	       /* movaps %xmm1, %xmm0 */
    {3, 0xc5, 0xf8, 0x77},	       /* vzeroupper (VEX) */
    {4, 0x66, 0xe9, 0x00, 0x00},       /* jmp rel16: Intel and AMD disagree */
    {6, 0xc7, 0xf8, 0, 0, 0, 0},       /* xbegin */
    {3, 0x0f, 0x01, 0xee},	       /* rdpkru */
    {1, 0xf1},			       /* int1 */
    {2, 0xf0, 0x90},		       /* lock nop: the whitelist takes it, the CPU #UDs */
    {2, 0x8d, 0xc0},		       /* lea %eax, %eax: the same */
};

static void t_bad(struct gen *g, struct ins *i)
{
	const uint8_t *m = bad[u8(g) % (sizeof(bad) / sizeof(bad[0]))];
	put_bytes(i, m + 1, m[0]);
}

/* A masked sequence with one thing wrong. */
static void t_bad_masked(struct gen *g, struct ins *i)
{
	unsigned c = u8(g), r = not_rsp(g);
	switch (c % 8) {
	case 0: /* a mask that keeps bits 3:0 */
		masked(i, r, 0x1fff0, CFI_MARKER, 0xe0, 0);
		break;
	case 1: /* no marker */
		masked(i, r, CFI_MASK, 0x1000, 0xe0, 0);
		break;
	case 2: /* through rsp */
		masked(i, 4, CFI_MASK, CFI_MARKER, 0xe0, 0);
		break;
	case 3: /* the branch through another register */
		masked(i, r, CFI_MASK, CFI_MARKER, 0xe0, 0);
		i->b[i->n - 1] ^= 1;
		break;
	case 4: /* a prefix on the branch (66: jmp *%R16 on AMD) */
		masked(i, r, CFI_MASK, CFI_MARKER, 0xe0, c & 8 ? 0x66 : 0x2e);
		break;
	case 5: /* split across a bundle boundary */
		masked(i, r, CFI_MASK, CFI_MARKER, 0xe0, 0);
		i->straddle = true;
		break;
	case 6: /* a masked call that does not end the bundle */
		masked(i, r, CFI_MASK, CFI_MARKER, 0xd0, 0);
		put(i, 0x90);
		break;
	default: /* the 64-bit and: bits 63:32 would follow the mask's sign */
		put(i, rex(1, 0, r)), put(i, 0x81), put(i, 0xe0 | (r & 7)), put32(i, CFI_MASK);
		put(i, rex(1, 0, r)), put(i, 0x81), put(i, 0xc8 | (r & 7)), put32(i, CFI_MARKER);
		put(i, rex(0, 0, r)), put(i, 0xff), put(i, 0xe0 | (r & 7));
		break;
	}
}

/* Branches to where they must not go. */
static void t_bad_branch(struct gen *g, struct ins *i)
{
	unsigned c = u8(g);
	switch (c % 5) {
	case 0: /* into an instruction */
		put(i, 0xe9), put_rel(g, i, 4, FIX_INSIDE);
		break;
	case 1: /* jcc to the gate: only call and jmp rel32 may go there */
		put(i, 0x0f), put(i, 0x84), put_rel(g, i, 4, FIX_GATE);
		break;
	case 2: /* a call that does not end its bundle */
		put(i, 0xe8), put_rel(g, i, 4, FIX_START);
		break;
	case 3: /* anywhere */
		put(i, 0xe9), put_rel(g, i, 4, FIX_RAW);
		break;
	default: /* a short jump anywhere near */
		put(i, 0x70 | (c >> 4)), put_rel(g, i, 1, FIX_RAW);
		break;
	}
}

static void t_raw(struct gen *g, struct ins *i) /* 1-15 fuzz bytes as they are */
{
	put_fuzz(g, i, 1 + u8(g) % 15);
	i->straddle = u8(g) & 1;
	i->sel = u8(g);
}

static void t_straddle(struct gen *g, struct ins *i) /* a good instruction, badly placed */
{
	t_movabs(g, i);
	i->straddle = true;
	i->sel = u8(g);
}

typedef void (*emit_fn)(struct gen *g, struct ins *i);

static const emit_fn safe[] = {
    t_nop,	  t_mov_rr, t_alu_imm8, t_mov_imm32, t_movabs, t_mem,  t_lea_rip,
    t_push_pop,	  t_jcc8,   t_jcc32,	t_jmp,	     t_loop,   t_call, t_jmp_gate,
    t_masked_jmp, t_return, t_misc,	t_misc,	     t_jcc8,   t_mem,  t_masked_call,
};

static const emit_fn dangerous[] = {
    t_bad, t_bad, t_bad_masked, t_bad_branch, t_raw, t_straddle,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* --- packing into bundles ------------------------------------------------ */

/* Fills [pos, bundle_end) with NOPs. */
static void pad(struct gen *g, uint64_t to)
{
	while (g->pos < to) {
		unsigned n = to - g->pos < 9 ? (unsigned)(to - g->pos) : 9;
		memcpy(g->img + g->pos, nops[n - 1], n);
		g->pos += n;
	}
}

/* Moves to the next bundle of an executable page, or sets done. */
static void next_bundle(struct gen *g)
{
	pad(g, g->bundle_end);
	while (g->pos < SLOT_IMAGE_MAX && !g->exec[g->pos / IMG_PAGE])
		g->pos += IMG_PAGE;
	g->done = g->pos >= SLOT_IMAGE_MAX;
	g->bundle_end = g->pos + BUNDLE_SIZE;
}

static void record(uint32_t *list, unsigned *n, uint64_t off)
{
	if (*n < MAX_STARTS)
		list[(*n)++] = (uint32_t)off;
}

static void place(struct gen *g, struct ins *i)
{
	if (!i->n)
		return;
	if (i->straddle) {
		/* Start 1..n-1 bytes before the bundle end, when the next
		 * bundle is executable; it ends up in the next one. */
		uint64_t next = g->bundle_end;
		if (i->n < 2 || next >= SLOT_IMAGE_MAX || !g->exec[next / IMG_PAGE] ||
		    next - g->pos < 1)
			return;
		uint64_t at = next - 1 - i->sel % (i->n - 1);
		if (at < g->pos)
			at = g->pos;
		pad(g, at);
		g->bundle_end = next + BUNDLE_SIZE;
	} else {
		if (g->pos + i->n > g->bundle_end)
			next_bundle(g);
		if (g->done)
			return;
		if (i->at_end)
			pad(g, g->bundle_end - i->n);
		record(g->starts, &g->nstarts, g->pos);
	}
	memcpy(g->img + g->pos, i->b, i->n);
	if (i->hidden >= 0)
		record(g->hidden, &g->nhidden, g->pos + (unsigned)i->hidden);
	if (i->fix_at >= 0 && g->nfix < MAX_FIXUPS)
		g->fix[g->nfix++] =
		    (struct fixup){g->pos + (unsigned)i->fix_at, i->fix_size, i->fix_kind, i->sel};
	g->pos += i->n;
	if (g->pos == g->bundle_end)
		next_bundle(g);
}

/* The first recorded start at or after off (they are in order). */
static unsigned first_start(const struct gen *g, uint64_t off)
{
	unsigned lo = 0, hi = g->nstarts;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (g->starts[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A start within reach of a displacement of size bytes ending at end. */
static uint64_t reachable_start(const struct gen *g, uint64_t end, unsigned size, uint8_t sel)
{
	if (!g->nstarts)
		return end;
	if (size == 4)
		return g->starts[sel % g->nstarts];
	unsigned lo = first_start(g, end < 128 ? 0 : end - 128), hi = first_start(g, end + 128);
	return hi > lo ? g->starts[lo + sel % (hi - lo)] : end;
}

/* Writes every displacement now that all starts are known. */
static void resolve(struct gen *g)
{
	for (unsigned k = 0; k < g->nfix; k++) {
		const struct fixup *f = &g->fix[k];
		uint64_t end = f->at + f->size, target = end;
		switch (f->kind) {
		case FIX_START:
			target = reachable_start(g, end, f->size, f->sel);
			break;
		case FIX_GATE:
			target = SLOT_GATE;
			break;
		case FIX_INSIDE:
			if (g->nhidden && (f->sel & 1))
				target = g->hidden[(f->sel >> 1) % g->nhidden];
			else if (g->nstarts)
				target = g->starts[f->sel % g->nstarts] + 1 + f->sel % 3;
			break;
		default: /* FIX_RAW: the selector, sign-extended, as the distance */
			target = end + (uint64_t)(int64_t)(int8_t)f->sel * (f->size == 4 ? 97 : 1);
			break;
		}
		uint64_t rel = target - end;
		for (unsigned b = 0; b < f->size; b++)
			g->img[f->at + b] = (uint8_t)(rel >> (8 * b));
	}
}

/* A page of NOP bundles (9 + 9 + 9 + 5 bytes each): what code is before
 * the fuzz bytes overwrite it, and after they run out. */
static void nop_fill(uint8_t *img, const bool *exec)
{
	static uint8_t page[IMG_PAGE];
	if (!page[0]) {
		for (unsigned b = 0; b < IMG_PAGE; b += BUNDLE_SIZE) {
			memcpy(page + b, nops[8], 9);
			memcpy(page + b + 9, nops[8], 9);
			memcpy(page + b + 18, nops[8], 9);
			memcpy(page + b + 27, nops[4], 5);
		}
	}
	for (unsigned p = 0; p < IMG_PAGES; p++)
		if (exec[p])
			memcpy(img + (size_t)p * IMG_PAGE, page, IMG_PAGE);
}

void img_gen_code(uint8_t *img, const bool *exec, const uint8_t *in, size_t n, unsigned danger,
		  bool raw)
{
	static struct gen g;
	g = (struct gen){.in = in, .n = n, .img = img, .exec = exec, .danger = danger};
	nop_fill(img, exec);
	g.bundle_end = 0;
	next_bundle(&g);

	if (raw) {
		for (uint64_t p = g.pos; p < SLOT_IMAGE_MAX && g.i < g.n; p += IMG_PAGE) {
			size_t k = g.n - g.i < IMG_PAGE ? g.n - g.i : IMG_PAGE;
			if (exec[p / IMG_PAGE])
				memcpy(img + p, in + g.i, k), g.i += k;
		}
		return;
	}
	while (!g.done && g.i < g.n) {
		struct ins i = {.fix_at = -1, .hidden = -1};
		unsigned c = u8(&g);
		if (c < g.danger)
			dangerous[u8(&g) % COUNT(dangerous)](&g, &i);
		else
			safe[c % COUNT(safe)](&g, &i);
		place(&g, &i);
	}
	if (!g.done)
		pad(&g, g.bundle_end); /* the bundles after it are NOPs already */
	resolve(&g);
}
