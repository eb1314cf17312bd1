/* One byte sequence through x86_decode() and Zydis, compared field by field. */
#include <stdarg.h>
#include <string.h>

#include "isolation/isolation.h"
#include "tests/fuzz/decode_diff.h"

/*
 * When x86_decode() accepts (X86_OK), Zydis must decode the same bytes,
 * the way Intel reads them and the way AMD does (AMD honours 66 on near
 * branches, AMD64 APM Vol. 1 3.7.9; Intel fixes their operand size at 64
 * bits, SDM Vol. 2A JMP, CALL), and agree on everything the verifier
 * (isolation/verify.c) reads:
 *   - the length, and a legacy encoding (no VEX/EVEX/XOP/3DNow!);
 *   - the legacy prefixes (x86_insn.legacy), the REX byte, their count;
 *   - the opcode map and byte, the ModRM byte;
 *   - the immediate: offset, size, value (the masked sequence's and/or);
 *   - the branch kind; for direct branches the displacement, for
 *     indirect ones the register (rule 5 of verify.c);
 *   - and that the instruction is none of those the whitelist keeps out:
 *     privileged, PKRU-changing, I/O, interrupts, system calls, returns,
 *     far or memory-indirect branches, popf, segment or system registers,
 *     fs/gs or 32-bit addressing, x87 or MMX state (the tables below);
 *     an SSE instruction must be one of the SSE/SSE2 set the whitelist
 *     admits (dd_sse_admitted(), by Zydis' names and register classes);
 *   - the verifier's masked forms (mask_and_reg, marker_or_reg) are the
 *     and of a 32-bit register and the or of a 64-bit one it assumes;
 *   - every shorter buffer: x86_decode() says X86_TRUNCATED and Zydis runs
 *     out of data too (so a truncated instruction is never accepted short).
 * When x86_decode() says X86_TRUNCATED, Zydis must run out of data on the
 * same bytes.  A refusal (X86_REFUSED) is safe; it is counted by kind.
 */

struct dd_case {
	struct dd_oracle *o;
	const uint8_t *buf;
	size_t avail;
	enum dd_vendor vendor; /* whose reading zi and ops are */
	struct x86_insn in;
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	unsigned bad;
};

static const char *mnemonic(const struct dd_case *c)
{
	const char *s = ZydisMnemonicGetString(c->zi.mnemonic);
	return s ? s : "?";
}

static const char *category(const struct dd_case *c)
{
	const char *s = ZydisCategoryGetString(c->zi.meta.category);
	return s ? s : "?";
}

/* Reports one disagreement: the bytes, then what differs. */
__attribute__((format(printf, 2, 3))) static void disagree(struct dd_case *c, const char *fmt, ...)
{
	struct dd_oracle *o = c->o;
	c->bad++;
	if (!o->log || o->logged >= o->log_max)
		return;
	o->logged++;
	fprintf(o->log, "decode-diff: disagreement on");
	for (size_t k = 0; k < c->avail && k < 16; k++)
		fprintf(o->log, " %02x", c->buf[k]);
	static const char *const vendor[DD_VENDORS] = {"Intel", "AMD"};
	fprintf(o->log, "%s (avail %zu, %s): ", c->avail > 16 ? " ..." : "", c->avail,
		vendor[c->vendor]);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(o->log, fmt, ap);
	va_end(ap);
	fputc('\n', o->log);
}

/* The register of a mod-11 ModRM operand, REX.B included (as verify.c). */
static unsigned rm_reg(const struct x86_insn *in)
{
	return (in->modrm & 7) | (in->rex & 1) << 3;
}

static void check_length(struct dd_case *c)
{
	if (c->in.len != c->zi.length)
		disagree(c, "length %u, Zydis %u (%s)", c->in.len, c->zi.length, mnemonic(c));
	if (c->zi.encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY)
		disagree(c, "accepted, Zydis encoding %d (%s)", c->zi.encoding, mnemonic(c));
}

/* x86_insn.legacy bit of each legacy prefix x86_decode() may accept. */
static const uint8_t legacy_bit[256] = {
    [0x66] = X86_P66,  [0xf0] = X86_PF0,  [0xf2] = X86_PF2,  [0xf3] = X86_PF3,
    [0x26] = X86_PSEG, [0x2e] = X86_PSEG, [0x36] = X86_PSEG, [0x3e] = X86_PSEG,
};

static void check_prefixes(struct dd_case *c)
{
	const ZydisDecodedInstruction *z = &c->zi;
	uint8_t legacy = 0, rex = 0;
	for (unsigned k = 0; k < z->raw.prefix_count; k++) {
		uint8_t v = z->raw.prefixes[k].value;
		if ((v & 0xf0) == 0x40 && z->raw.prefixes[k].type == ZYDIS_PREFIX_TYPE_IGNORED)
			disagree(c, "accepted with REX %02x, which the CPU ignores (%s)", v,
				 mnemonic(c));
		else if ((v & 0xf0) == 0x40)
			rex = v;
		else if (legacy_bit[v])
			legacy |= legacy_bit[v];
		else
			disagree(c, "accepted with prefix %02x (%s)", v, mnemonic(c));
	}
	if (c->in.legacy != legacy)
		disagree(c, "legacy prefixes %#x, Zydis %#x (%s)", c->in.legacy, legacy,
			 mnemonic(c));
	if (c->in.rex != rex)
		disagree(c, "REX %#x, Zydis %#x (%s)", c->in.rex, rex, mnemonic(c));
	if (c->in.nprefix != z->raw.prefix_count)
		disagree(c, "%u prefixes, Zydis %u (%s)", c->in.nprefix, z->raw.prefix_count,
			 mnemonic(c));
}

static void check_opcode(struct dd_case *c)
{
	static const ZydisOpcodeMap maps[2] = {ZYDIS_OPCODE_MAP_DEFAULT, ZYDIS_OPCODE_MAP_0F};
	const ZydisDecodedInstruction *z = &c->zi;
	if (c->in.map > 1 || maps[c->in.map] != z->opcode_map || c->in.op != z->opcode)
		disagree(c, "opcode map %u byte %02x, Zydis map %d byte %02x (%s)", c->in.map,
			 c->in.op, z->opcode_map, z->opcode, mnemonic(c));
	uint8_t modrm = 0;
	if (z->attributes & ZYDIS_ATTRIB_HAS_MODRM)
		modrm = (uint8_t)(z->raw.modrm.mod << 6 | z->raw.modrm.reg << 3 | z->raw.modrm.rm);
	if (c->in.modrm != modrm)
		disagree(c, "ModRM %02x, Zydis %02x (%s)", c->in.modrm, modrm, mnemonic(c));
}

static void check_immediate(struct dd_case *c)
{
	const struct ZydisDecodedInstructionRawImm_ *z = &c->zi.raw.imm[0];
	unsigned len = z->size / 8;
	if (c->zi.raw.imm[1].size)
		disagree(c, "accepted with two immediates (%s)", mnemonic(c));
	if (c->in.imm_len != len) {
		disagree(c, "immediate of %u bytes, Zydis %u (%s)", c->in.imm_len, len,
			 mnemonic(c));
		return;
	}
	uint64_t mask = len == 8 ? ~0ull : (1ull << (8 * len)) - 1;
	if (len && (c->in.imm_at != z->offset || c->in.imm != (z->value.u & mask)))
		disagree(c, "immediate %#llx at %u, Zydis %#llx at %u (%s)",
			 (unsigned long long)c->in.imm, c->in.imm_at,
			 (unsigned long long)(z->value.u & mask), z->offset, mnemonic(c));
}

/* What Zydis must say for each x86_insn.branch. */
static const struct {
	ZydisInstructionCategory category;
	ZydisBranchType type; /* X86_BR_JCC: by the displacement's size */
	bool reg;	      /* through a register (else direct, relative) */
} branch_rules[] = {
    [X86_BR_JCC] = {ZYDIS_CATEGORY_COND_BR, ZYDIS_BRANCH_TYPE_NONE, false},
    [X86_BR_JMP8] = {ZYDIS_CATEGORY_UNCOND_BR, ZYDIS_BRANCH_TYPE_SHORT, false},
    [X86_BR_JMP32] = {ZYDIS_CATEGORY_UNCOND_BR, ZYDIS_BRANCH_TYPE_NEAR, false},
    [X86_BR_CALL] = {ZYDIS_CATEGORY_CALL, ZYDIS_BRANCH_TYPE_NEAR, false},
    [X86_BR_JMP_IND] = {ZYDIS_CATEGORY_UNCOND_BR, ZYDIS_BRANCH_TYPE_NEAR, true},
    [X86_BR_CALL_IND] = {ZYDIS_CATEGORY_CALL, ZYDIS_BRANCH_TYPE_NEAR, true},
};

static void check_direct(struct dd_case *c)
{
	const struct ZydisDecodedInstructionRawImm_ *z = &c->zi.raw.imm[0];
	if (!z->is_relative || z->value.s != c->in.rel || z->size != 8 * c->in.imm_len)
		disagree(c, "displacement %lld (%u bytes), Zydis %lld (%u bits%s) (%s)",
			 (long long)c->in.rel, c->in.imm_len, (long long)z->value.s, z->size,
			 z->is_relative ? "" : ", not relative", mnemonic(c));
}

static void check_indirect(struct dd_case *c)
{
	const ZydisDecodedOperand *op = &c->ops[0];
	ZydisRegister want = (ZydisRegister)(ZYDIS_REGISTER_RAX + rm_reg(&c->in));
	if (c->zi.operand_count < 1 || op->type != ZYDIS_OPERAND_TYPE_REGISTER ||
	    op->reg.value != want)
		disagree(
		    c, "indirect branch through %s, Zydis %s (%s)", ZydisRegisterGetString(want),
		    op->type == ZYDIS_OPERAND_TYPE_REGISTER ? ZydisRegisterGetString(op->reg.value)
							    : "not a register",
		    mnemonic(c));
}

static void check_branch(struct dd_case *c)
{
	const ZydisDecodedInstruction *z = &c->zi;
	unsigned br = c->in.branch;
	if (br == X86_BR_NONE) {
		if (z->meta.branch_type != ZYDIS_BRANCH_TYPE_NONE)
			disagree(c, "not a branch, Zydis branch type %d (%s)", z->meta.branch_type,
				 mnemonic(c));
		return;
	}
	if (br >= sizeof(branch_rules) / sizeof(branch_rules[0]) || !branch_rules[br].category) {
		disagree(c, "branch kind %u unknown (%s)", br, mnemonic(c));
		return;
	}
	ZydisBranchType type = branch_rules[br].type;
	if (br == X86_BR_JCC)
		type = c->in.imm_len == 1 ? ZYDIS_BRANCH_TYPE_SHORT : ZYDIS_BRANCH_TYPE_NEAR;
	if (z->meta.category != branch_rules[br].category || z->meta.branch_type != type)
		disagree(c, "branch kind %u, Zydis category %s type %d (%s)", br, category(c),
			 z->meta.branch_type, mnemonic(c));
	if (branch_rules[br].reg)
		check_indirect(c);
	else
		check_direct(c);
}

/* What the whitelist must keep out, by name (the category check below
 * would catch most too; these say why). */
static const struct {
	ZydisMnemonic mnemonic;
	const char *why;
} forbidden[] = {
    {ZYDIS_MNEMONIC_WRPKRU, "changes PKRU"},
    {ZYDIS_MNEMONIC_XRSTOR, "can change PKRU"},
    {ZYDIS_MNEMONIC_XRSTOR64, "can change PKRU"},
    {ZYDIS_MNEMONIC_XRSTORS, "can change PKRU"},
    {ZYDIS_MNEMONIC_XRSTORS64, "can change PKRU"},
    {ZYDIS_MNEMONIC_POPF, "sets IF, IOPL, AC at CPL 0"},
    {ZYDIS_MNEMONIC_POPFD, "sets IF, IOPL, AC at CPL 0"},
    {ZYDIS_MNEMONIC_POPFQ, "sets IF, IOPL, AC at CPL 0"},
    {ZYDIS_MNEMONIC_SYSCALL, "system call"},
    {ZYDIS_MNEMONIC_SYSENTER, "system call"},
    {ZYDIS_MNEMONIC_INT, "interrupt"},
    {ZYDIS_MNEMONIC_INT1, "interrupt"},
    {ZYDIS_MNEMONIC_INT3, "interrupt"},
    {ZYDIS_MNEMONIC_INTO, "interrupt"},
    {ZYDIS_MNEMONIC_IRET, "interrupt return"},
    {ZYDIS_MNEMONIC_IRETD, "interrupt return"},
    {ZYDIS_MNEMONIC_IRETQ, "interrupt return"},
    {ZYDIS_MNEMONIC_RET, "return (returns must be masked)"},
    {ZYDIS_MNEMONIC_ENTER, "not in the whitelist"},
    {ZYDIS_MNEMONIC_XBEGIN, "a branch x86_decode() does not report"},
};

/* Categories all of whose instructions the whitelist may hold (branches:
 * check_branch decides). */
static const bool category_ok[ZYDIS_CATEGORY_MAX_VALUE + 1] = {
    [ZYDIS_CATEGORY_BINARY] = true,   [ZYDIS_CATEGORY_BITBYTE] = true,
    [ZYDIS_CATEGORY_CMOV] = true,     [ZYDIS_CATEGORY_CONVERT] = true,
    [ZYDIS_CATEGORY_DATAXFER] = true, [ZYDIS_CATEGORY_FLAGOP] = true,
    [ZYDIS_CATEGORY_LOGICAL] = true,  [ZYDIS_CATEGORY_NOP] = true,
    [ZYDIS_CATEGORY_WIDENOP] = true,  [ZYDIS_CATEGORY_POP] = true,
    [ZYDIS_CATEGORY_PUSH] = true,     [ZYDIS_CATEGORY_ROTATE] = true,
    [ZYDIS_CATEGORY_SHIFT] = true,    [ZYDIS_CATEGORY_SEMAPHORE] = true,
    [ZYDIS_CATEGORY_SETCC] = true,    [ZYDIS_CATEGORY_STRINGOP] = true,
    [ZYDIS_CATEGORY_PREFETCH] = true, [ZYDIS_CATEGORY_LZCNT] = true,
    [ZYDIS_CATEGORY_COND_BR] = true,  [ZYDIS_CATEGORY_UNCOND_BR] = true,
    [ZYDIS_CATEGORY_CALL] = true,
};

/* ... and single instructions of mixed categories (MISC, SYSTEM, SSE,
 * BMI1, CET). */
static const ZydisMnemonic mnemonic_ok[] = {
    ZYDIS_MNEMONIC_LEA,	   ZYDIS_MNEMONIC_LEAVE,   ZYDIS_MNEMONIC_XLAT,	  ZYDIS_MNEMONIC_CPUID,
    ZYDIS_MNEMONIC_PAUSE,  ZYDIS_MNEMONIC_UD2,	   ZYDIS_MNEMONIC_LFENCE, ZYDIS_MNEMONIC_MFENCE,
    ZYDIS_MNEMONIC_SFENCE, ZYDIS_MNEMONIC_RDTSC,   ZYDIS_MNEMONIC_RDTSCP, ZYDIS_MNEMONIC_POPCNT,
    ZYDIS_MNEMONIC_TZCNT,  ZYDIS_MNEMONIC_ENDBR64,
};

/*
 * The SSE and SSE2 instructions the whitelist admits (docs/security.md,
 * "Floating point in kernel mode"), by Zydis' names, from the manual's
 * lists (SDM Vol. 1 10.4, 11.4) less what is left out on purpose: the
 * forms on MMX registers (cvtpi2ps, movdq2q, ...: the register check in
 * dd_sse_admitted() keeps the MMX forms of shared names out too),
 * maskmovdqu (a store through an implicit rdi) and movnti.
 */
static const ZydisMnemonic sse_ok[] = {
    /* SSE */
    ZYDIS_MNEMONIC_ADDPS,
    ZYDIS_MNEMONIC_ADDSS,
    ZYDIS_MNEMONIC_ANDNPS,
    ZYDIS_MNEMONIC_ANDPS,
    ZYDIS_MNEMONIC_CMPPS,
    ZYDIS_MNEMONIC_CMPSS,
    ZYDIS_MNEMONIC_COMISS,
    ZYDIS_MNEMONIC_CVTSI2SS,
    ZYDIS_MNEMONIC_CVTSS2SI,
    ZYDIS_MNEMONIC_CVTTSS2SI,
    ZYDIS_MNEMONIC_DIVPS,
    ZYDIS_MNEMONIC_DIVSS,
    ZYDIS_MNEMONIC_LDMXCSR,
    ZYDIS_MNEMONIC_MAXPS,
    ZYDIS_MNEMONIC_MAXSS,
    ZYDIS_MNEMONIC_MINPS,
    ZYDIS_MNEMONIC_MINSS,
    ZYDIS_MNEMONIC_MOVAPS,
    ZYDIS_MNEMONIC_MOVHLPS,
    ZYDIS_MNEMONIC_MOVHPS,
    ZYDIS_MNEMONIC_MOVLHPS,
    ZYDIS_MNEMONIC_MOVLPS,
    ZYDIS_MNEMONIC_MOVMSKPS,
    ZYDIS_MNEMONIC_MOVNTPS,
    ZYDIS_MNEMONIC_MOVSS,
    ZYDIS_MNEMONIC_MOVUPS,
    ZYDIS_MNEMONIC_MULPS,
    ZYDIS_MNEMONIC_MULSS,
    ZYDIS_MNEMONIC_ORPS,
    ZYDIS_MNEMONIC_RCPPS,
    ZYDIS_MNEMONIC_RCPSS,
    ZYDIS_MNEMONIC_RSQRTPS,
    ZYDIS_MNEMONIC_RSQRTSS,
    ZYDIS_MNEMONIC_SHUFPS,
    ZYDIS_MNEMONIC_SQRTPS,
    ZYDIS_MNEMONIC_SQRTSS,
    ZYDIS_MNEMONIC_STMXCSR,
    ZYDIS_MNEMONIC_SUBPS,
    ZYDIS_MNEMONIC_SUBSS,
    ZYDIS_MNEMONIC_UCOMISS,
    ZYDIS_MNEMONIC_UNPCKHPS,
    ZYDIS_MNEMONIC_UNPCKLPS,
    ZYDIS_MNEMONIC_XORPS,
    /* SSE2: double precision */
    ZYDIS_MNEMONIC_ADDPD,
    ZYDIS_MNEMONIC_ADDSD,
    ZYDIS_MNEMONIC_ANDNPD,
    ZYDIS_MNEMONIC_ANDPD,
    ZYDIS_MNEMONIC_CMPPD,
    ZYDIS_MNEMONIC_CMPSD,
    ZYDIS_MNEMONIC_COMISD,
    ZYDIS_MNEMONIC_CVTDQ2PD,
    ZYDIS_MNEMONIC_CVTDQ2PS,
    ZYDIS_MNEMONIC_CVTPD2DQ,
    ZYDIS_MNEMONIC_CVTPD2PS,
    ZYDIS_MNEMONIC_CVTPS2DQ,
    ZYDIS_MNEMONIC_CVTPS2PD,
    ZYDIS_MNEMONIC_CVTSD2SI,
    ZYDIS_MNEMONIC_CVTSD2SS,
    ZYDIS_MNEMONIC_CVTSI2SD,
    ZYDIS_MNEMONIC_CVTSS2SD,
    ZYDIS_MNEMONIC_CVTTPD2DQ,
    ZYDIS_MNEMONIC_CVTTPS2DQ,
    ZYDIS_MNEMONIC_CVTTSD2SI,
    ZYDIS_MNEMONIC_DIVPD,
    ZYDIS_MNEMONIC_DIVSD,
    ZYDIS_MNEMONIC_MAXPD,
    ZYDIS_MNEMONIC_MAXSD,
    ZYDIS_MNEMONIC_MINPD,
    ZYDIS_MNEMONIC_MINSD,
    ZYDIS_MNEMONIC_MOVAPD,
    ZYDIS_MNEMONIC_MOVHPD,
    ZYDIS_MNEMONIC_MOVLPD,
    ZYDIS_MNEMONIC_MOVMSKPD,
    ZYDIS_MNEMONIC_MOVNTPD,
    ZYDIS_MNEMONIC_MOVSD,
    ZYDIS_MNEMONIC_MOVUPD,
    ZYDIS_MNEMONIC_MULPD,
    ZYDIS_MNEMONIC_MULSD,
    ZYDIS_MNEMONIC_ORPD,
    ZYDIS_MNEMONIC_SHUFPD,
    ZYDIS_MNEMONIC_SQRTPD,
    ZYDIS_MNEMONIC_SQRTSD,
    ZYDIS_MNEMONIC_SUBPD,
    ZYDIS_MNEMONIC_SUBSD,
    ZYDIS_MNEMONIC_UCOMISD,
    ZYDIS_MNEMONIC_UNPCKHPD,
    ZYDIS_MNEMONIC_UNPCKLPD,
    ZYDIS_MNEMONIC_XORPD,
    /* SSE2: integer SIMD on XMM registers, moves */
    ZYDIS_MNEMONIC_MOVD,
    ZYDIS_MNEMONIC_MOVQ,
    ZYDIS_MNEMONIC_MOVDQA,
    ZYDIS_MNEMONIC_MOVDQU,
    ZYDIS_MNEMONIC_MOVNTDQ,
    ZYDIS_MNEMONIC_PACKSSDW,
    ZYDIS_MNEMONIC_PACKSSWB,
    ZYDIS_MNEMONIC_PACKUSWB,
    ZYDIS_MNEMONIC_PADDB,
    ZYDIS_MNEMONIC_PADDD,
    ZYDIS_MNEMONIC_PADDQ,
    ZYDIS_MNEMONIC_PADDSB,
    ZYDIS_MNEMONIC_PADDSW,
    ZYDIS_MNEMONIC_PADDUSB,
    ZYDIS_MNEMONIC_PADDUSW,
    ZYDIS_MNEMONIC_PADDW,
    ZYDIS_MNEMONIC_PAND,
    ZYDIS_MNEMONIC_PANDN,
    ZYDIS_MNEMONIC_PAVGB,
    ZYDIS_MNEMONIC_PAVGW,
    ZYDIS_MNEMONIC_PCMPEQB,
    ZYDIS_MNEMONIC_PCMPEQD,
    ZYDIS_MNEMONIC_PCMPEQW,
    ZYDIS_MNEMONIC_PCMPGTB,
    ZYDIS_MNEMONIC_PCMPGTD,
    ZYDIS_MNEMONIC_PCMPGTW,
    ZYDIS_MNEMONIC_PEXTRW,
    ZYDIS_MNEMONIC_PINSRW,
    ZYDIS_MNEMONIC_PMADDWD,
    ZYDIS_MNEMONIC_PMAXSW,
    ZYDIS_MNEMONIC_PMAXUB,
    ZYDIS_MNEMONIC_PMINSW,
    ZYDIS_MNEMONIC_PMINUB,
    ZYDIS_MNEMONIC_PMOVMSKB,
    ZYDIS_MNEMONIC_PMULHUW,
    ZYDIS_MNEMONIC_PMULHW,
    ZYDIS_MNEMONIC_PMULLW,
    ZYDIS_MNEMONIC_PMULUDQ,
    ZYDIS_MNEMONIC_POR,
    ZYDIS_MNEMONIC_PSADBW,
    ZYDIS_MNEMONIC_PSHUFD,
    ZYDIS_MNEMONIC_PSHUFHW,
    ZYDIS_MNEMONIC_PSHUFLW,
    ZYDIS_MNEMONIC_PSLLD,
    ZYDIS_MNEMONIC_PSLLDQ,
    ZYDIS_MNEMONIC_PSLLQ,
    ZYDIS_MNEMONIC_PSLLW,
    ZYDIS_MNEMONIC_PSRAD,
    ZYDIS_MNEMONIC_PSRAW,
    ZYDIS_MNEMONIC_PSRLD,
    ZYDIS_MNEMONIC_PSRLDQ,
    ZYDIS_MNEMONIC_PSRLQ,
    ZYDIS_MNEMONIC_PSRLW,
    ZYDIS_MNEMONIC_PSUBB,
    ZYDIS_MNEMONIC_PSUBD,
    ZYDIS_MNEMONIC_PSUBQ,
    ZYDIS_MNEMONIC_PSUBSB,
    ZYDIS_MNEMONIC_PSUBSW,
    ZYDIS_MNEMONIC_PSUBUSB,
    ZYDIS_MNEMONIC_PSUBUSW,
    ZYDIS_MNEMONIC_PSUBW,
    ZYDIS_MNEMONIC_PUNPCKHBW,
    ZYDIS_MNEMONIC_PUNPCKHDQ,
    ZYDIS_MNEMONIC_PUNPCKHQDQ,
    ZYDIS_MNEMONIC_PUNPCKHWD,
    ZYDIS_MNEMONIC_PUNPCKLBW,
    ZYDIS_MNEMONIC_PUNPCKLDQ,
    ZYDIS_MNEMONIC_PUNPCKLQDQ,
    ZYDIS_MNEMONIC_PUNPCKLWD,
    ZYDIS_MNEMONIC_PXOR,
};

/* Register classes an admitted SSE instruction may name besides the
 * general ones of regclass_ok (MXCSR has none: ldmxcsr, stmxcsr, and the
 * arithmetic's status flags). */
static bool sse_register_ok(ZydisRegister r)
{
	ZydisRegisterClass k = ZydisRegisterGetClass(r);
	return k == ZYDIS_REGCLASS_XMM || k == ZYDIS_REGCLASS_GPR8 || k == ZYDIS_REGCLASS_GPR16 ||
	       k == ZYDIS_REGCLASS_GPR32 || k == ZYDIS_REGCLASS_GPR64 ||
	       k == ZYDIS_REGCLASS_FLAGS || k == ZYDIS_REGCLASS_IP || r == ZYDIS_REGISTER_MXCSR;
}

bool dd_sse_admitted(const ZydisDecodedInstruction *z, const ZydisDecodedOperand *ops)
{
	if (z->encoding != ZYDIS_INSTRUCTION_ENCODING_LEGACY)
		return false;
	bool named = false;
	for (unsigned k = 0; k < sizeof(sse_ok) / sizeof(sse_ok[0]); k++)
		named |= z->mnemonic == sse_ok[k];
	if (!named)
		return false;
	/* every MMX form names an mm register (SDM Vol. 2, each form's operands) */
	for (unsigned k = 0; k < z->operand_count; k++)
		if (ops[k].type == ZYDIS_OPERAND_TYPE_REGISTER &&
		    !sse_register_ok(ops[k].reg.value))
			return false;
	return true;
}

static void check_whitelist(struct dd_case *c)
{
	const ZydisDecodedInstruction *z = &c->zi;
	for (unsigned k = 0; k < sizeof(forbidden) / sizeof(forbidden[0]); k++)
		if (z->mnemonic == forbidden[k].mnemonic)
			disagree(c, "accepted, Zydis %s: %s", mnemonic(c), forbidden[k].why);
	if (z->attributes & ZYDIS_ATTRIB_IS_PRIVILEGED)
		disagree(c, "accepted, Zydis %s: privileged (CPL 0 only)", mnemonic(c));
	if (z->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
		disagree(c, "accepted, Zydis %s: far branch", mnemonic(c));
	if (z->attributes & (ZYDIS_ATTRIB_FPU_STATE_CR | ZYDIS_ATTRIB_FPU_STATE_CW |
			     ZYDIS_ATTRIB_XMM_STATE_CR | ZYDIS_ATTRIB_XMM_STATE_CW))
		disagree(c, "accepted, Zydis %s: saves or restores the x87/SSE state", mnemonic(c));
	if (dd_sse_admitted(z, c->ops))
		return;
	if (z->meta.category <= ZYDIS_CATEGORY_MAX_VALUE && category_ok[z->meta.category])
		return;
	for (unsigned k = 0; k < sizeof(mnemonic_ok) / sizeof(mnemonic_ok[0]); k++)
		if (z->mnemonic == mnemonic_ok[k])
			return;
	disagree(c, "accepted, Zydis %s of category %s: not in the whitelist", mnemonic(c),
		 category(c));
}

/* Register classes an accepted instruction may name, explicitly or not. */
static const bool regclass_ok[ZYDIS_REGCLASS_MAX_VALUE + 1] = {
    [ZYDIS_REGCLASS_GPR8] = true,  [ZYDIS_REGCLASS_GPR16] = true, [ZYDIS_REGCLASS_GPR32] = true,
    [ZYDIS_REGCLASS_GPR64] = true, [ZYDIS_REGCLASS_FLAGS] = true, [ZYDIS_REGCLASS_IP] = true,
};

static void check_operand(struct dd_case *c, const ZydisDecodedOperand *op)
{
	if (op->type == ZYDIS_OPERAND_TYPE_REGISTER &&
	    !regclass_ok[ZydisRegisterGetClass(op->reg.value)] &&
	    !(dd_sse_admitted(&c->zi, c->ops) && sse_register_ok(op->reg.value)))
		disagree(c, "accepted, Zydis %s names register %s", mnemonic(c),
			 ZydisRegisterGetString(op->reg.value));
	if (op->type == ZYDIS_OPERAND_TYPE_POINTER)
		disagree(c, "accepted, Zydis %s takes a far pointer", mnemonic(c));
	if (op->type != ZYDIS_OPERAND_TYPE_MEMORY)
		return;
	if (op->mem.segment == ZYDIS_REGISTER_FS || op->mem.segment == ZYDIS_REGISTER_GS)
		disagree(c, "accepted, Zydis %s addresses through %s", mnemonic(c),
			 ZydisRegisterGetString(op->mem.segment));
	/* A call's push to the stack is a hidden memory operand. */
	if (c->zi.meta.branch_type != ZYDIS_BRANCH_TYPE_NONE &&
	    op->visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT)
		disagree(c, "accepted, Zydis %s branches through memory", mnemonic(c));
}

static void check_operands(struct dd_case *c)
{
	for (unsigned k = 0; k < c->zi.operand_count; k++)
		check_operand(c, &c->ops[k]);
	if (c->zi.address_width != 64)
		disagree(c, "accepted, Zydis %s with %u-bit addresses", mnemonic(c),
			 c->zi.address_width);
}

/*
 * The masked sequence's and/or as verify.c recognises them (map 0, no
 * legacy prefix; the REX bytes it allows; ModRM & F8, 0 for the
 * accumulator forms): Zydis must see that operation on a register of
 * that width, numbered as rm_reg() numbers it, with that immediate.
 */
static const struct {
	uint8_t op, modrm, rex[2];
	ZydisMnemonic mnemonic;
	uint8_t width;
} masked_forms[] = {
    {0x25, 0x00, {0x00, 0x00}, ZYDIS_MNEMONIC_AND, 32}, /* and $imm32, %eax */
    {0x81, 0xe0, {0x00, 0x41}, ZYDIS_MNEMONIC_AND, 32}, /* and $imm32, %R32 */
    {0x0d, 0x00, {0x48, 0x48}, ZYDIS_MNEMONIC_OR, 64},	/* or $imm32, %rax */
    {0x81, 0xc8, {0x48, 0x49}, ZYDIS_MNEMONIC_OR, 64},	/* or $imm32, %R64 */
};

static void check_masked_form(struct dd_case *c, unsigned k)
{
	const ZydisDecodedOperand *op = c->ops;
	ZydisRegister base = masked_forms[k].width == 32 ? ZYDIS_REGISTER_EAX : ZYDIS_REGISTER_RAX;
	ZydisRegister want = (ZydisRegister)(base + (masked_forms[k].modrm ? rm_reg(&c->in) : 0));
	int64_t imm = masked_forms[k].width == 32 ? (int64_t)(uint32_t)c->in.imm
						  : (int64_t)(int32_t)(uint32_t)c->in.imm;
	if (c->zi.mnemonic != masked_forms[k].mnemonic ||
	    c->zi.operand_width != masked_forms[k].width || c->zi.operand_count < 2 ||
	    op[0].type != ZYDIS_OPERAND_TYPE_REGISTER || op[0].reg.value != want ||
	    op[1].type != ZYDIS_OPERAND_TYPE_IMMEDIATE ||
	    (masked_forms[k].width == 32 ? (int64_t)(uint32_t)op[1].imm.value.u
					 : op[1].imm.value.s) != imm)
		disagree(c, "masked-sequence form %u (%s %s, %#llx), Zydis %s %u-bit", k,
			 masked_forms[k].mnemonic == ZYDIS_MNEMONIC_AND ? "and" : "or",
			 ZydisRegisterGetString(want), (unsigned long long)imm, mnemonic(c),
			 c->zi.operand_width);
}

static void check_masked_forms(struct dd_case *c)
{
	const struct x86_insn *in = &c->in;
	if (in->map != 0 || in->legacy)
		return;
	for (unsigned k = 0; k < sizeof(masked_forms) / sizeof(masked_forms[0]); k++) {
		if (in->op != masked_forms[k].op ||
		    (masked_forms[k].modrm && (in->modrm & 0xf8) != masked_forms[k].modrm))
			continue;
		if (in->rex == masked_forms[k].rex[0] || in->rex == masked_forms[k].rex[1])
			check_masked_form(c, k);
	}
}

/* Zydis (Intel) on the first n bytes, without the operands. */
static ZyanStatus zydis_length(struct dd_oracle *o, const uint8_t *buf, size_t n,
			       ZydisDecodedInstruction *zi)
{
	return ZydisDecoderDecodeInstruction(&o->zydis[DD_INTEL], 0, buf, n, zi);
}

static void check_truncation(struct dd_case *c)
{
	for (size_t n = 0; n < c->in.len; n++) {
		struct x86_insn in;
		const char *why = 0;
		int rc = x86_decode(c->buf, n, &in, &why);
		if (rc != X86_TRUNCATED)
			disagree(c, "cut to %zu bytes: %s, not truncated", n,
				 rc == X86_OK ? "accepted" : why);
		ZydisDecodedInstruction zi;
		ZyanStatus st = zydis_length(c->o, c->buf, n, &zi);
		if (st != ZYDIS_STATUS_NO_MORE_DATA)
			disagree(c, "cut to %zu bytes: Zydis status %#x, not out of data", n,
				 (unsigned)st);
	}
}

static void (*const accepted_checks[])(struct dd_case *c) = {
    check_length,    check_prefixes, check_opcode,	 check_immediate,  check_branch,
    check_whitelist, check_operands, check_masked_forms, check_truncation,
};

static void compare_accepted(struct dd_case *c)
{
	for (c->vendor = 0; c->vendor < DD_VENDORS; c->vendor++) {
		ZyanStatus st = ZydisDecoderDecodeFull(&c->o->zydis[c->vendor], c->buf, c->avail,
						       &c->zi, c->ops);
		if (!ZYAN_SUCCESS(st)) {
			disagree(c, "accepted (length %u), Zydis refuses it (status %#x)",
				 c->in.len, (unsigned)st);
			continue;
		}
		for (unsigned k = 0; k < sizeof(accepted_checks) / sizeof(accepted_checks[0]); k++)
			accepted_checks[k](c);
	}
}

static void compare_truncated(struct dd_case *c)
{
	ZyanStatus st = zydis_length(c->o, c->buf, c->avail, &c->zi);
	if (st != ZYDIS_STATUS_NO_MORE_DATA)
		disagree(c, "truncated, Zydis status %#x%s%s", (unsigned)st,
			 ZYAN_SUCCESS(st) ? ": decodes " : "", ZYAN_SUCCESS(st) ? mnemonic(c) : "");
}

void dd_oracle_init(struct dd_oracle *o, FILE *log, unsigned log_max)
{
	*o = (struct dd_oracle){.log = log, .log_max = log_max};
	for (unsigned v = 0; v < DD_VENDORS; v++)
		ZydisDecoderInit(&o->zydis[v], ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZydisDecoderEnableMode(&o->zydis[DD_AMD], ZYDIS_DECODER_MODE_AMD_BRANCHES, ZYAN_TRUE);
}

unsigned dd_check(struct dd_oracle *o, const uint8_t *buf, size_t avail)
{
	struct dd_case c = {.o = o, .buf = buf, .avail = avail};
	const char *why = 0;
	int rc = x86_decode(buf, avail, &c.in, &why);
	o->n.sequences++;
	if (rc == X86_OK) {
		o->n.accepted++;
		compare_accepted(&c);
	} else if (rc == X86_TRUNCATED) {
		o->n.truncated++;
		compare_truncated(&c);
	} else {
		o->n.refused++;
		o->n.refused_as[dd_refusal_kind(why)]++;
		if (ZYAN_SUCCESS(zydis_length(o, buf, avail, &c.zi)))
			o->n.refused_valid++;
	}
	o->n.disagreements += c.bad;
	return c.bad;
}
