/* The semantic oracle: what a verified kernel-mode image can execute, found with Zydis. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <Zydis/Zydis.h>

#include "image.h"

/*
 * Independent of isolation/x86_decode.c and of the verifier's rules: the
 * question is only "which instructions can run, and may any of them leave
 * the sandbox?".  Where control can go (isolation/verify.c, top comment,
 * gives the rules this checks the consequences of):
 *
 *  - the entry point (the kernel starts the task there);
 *  - every bundle start (32-byte aligned) of the slot: a masked jmp/call
 *    (and $0x1ffe0 ; or $slot_base ; jmp/call *R) lands on any of them;
 *    in the image's executable pages they must be verified starts, in the
 *    gate page the first is the gate and the rest ud2 (the kernel fills
 *    it), everywhere else a fetch faults;
 *  - the next instruction, unless this one is a jmp (a call's next
 *    instruction is its return address);
 *  - the target of a direct branch (jcc, jmp, call, loop, jrcxz, xbegin).
 *
 * Falling off the end of an executable run is allowed (verify.c: "the
 * last bundle of an executable run may fall through into whatever page
 * follows it"): the page after it is not executable or unmapped (a fetch
 * faults) or the gate page, whose first byte is the gate; an instruction
 * that straddles into a non-executable page faults too, but one that
 * straddles into the gate page would run kernel-provided bytes as its
 * tail, and is a violation.
 *
 * Whether a register is masked depends on the path, so the walk's state
 * is (offset, mask state): NONE, AND(R) after an and that leaves R in
 * [0, 0x1ffe0] and 32-byte aligned, OR(R) after an or that then makes R
 * slot_base + that.  Only a jmp/call *R in state OR(R) is an allowed
 * indirect branch.  Roots and branch targets start in state NONE, so a
 * jump into the middle of a masked sequence reaches an unmasked branch.
 */

#define NSTATES 33 /* NONE, AND(R) for 16 R, OR(R) for 16 R */
#define ST_NONE 0u
#define ST_AND(r) (1u + (r))
#define ST_OR(r) (17u + (r))
#define REG_RSP_ID 4
#define MAX_INSN 15

struct oracle {
	const struct img_slot *s;
	const uint8_t *map;
	struct oracle_result *r;
	ZydisDecoder intel, amd;
};

/* Per (state, offset): decoded already.  Per offset: queued as a root. */
static uint8_t seen[NSTATES][SLOT_IMAGE_MAX / 8];
static uint8_t queued[SLOT_IMAGE_MAX / 8];
static uint32_t stack[SLOT_IMAGE_MAX];
static unsigned nstack;

static bool bit_test_set(uint8_t *bits, uint64_t i)
{
	bool was = (bits[i / 8] >> (i % 8)) & 1;
	bits[i / 8] |= (uint8_t)(1u << (i % 8));
	return was;
}

static int violation(struct oracle *o, uint64_t at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->r->msg, sizeof(o->r->msg), fmt, ap);
	va_end(ap);
	o->r->at = at;
	return -1;
}

static bool exec_at(const struct img_slot *s, uint64_t off)
{
	return off < SLOT_IMAGE_MAX && (s->flags[off / IMG_PAGE] & ELF_PF_X);
}

/* The verifier's claim: off is a verified instruction start. */
static bool map_has(const struct oracle *o, uint64_t off)
{
	const struct code_view *v = &o->s->view;
	if (off < v->start || off >= v->end)
		return false;
	uint64_t i = off - v->start;
	return (o->map[i / 8] >> (i % 8)) & 1;
}

/*
 * The ring-0 trampoline page as task_load.c trampoline_frame(true) builds it:
 * movabs $ktask_gate, %rcx ; jmp *%rcx, then ud2 to the end.  Only its
 * first bytes matter here, as the tail of an instruction that straddles
 * into it; the address is any kernel address.
 */
static void gate_bytes(uint8_t *p, size_t n)
{
	static const uint8_t code[12] = {0x48, 0xb9, 0x00, 0x10, 0x10, 0x80,
					 0xff, 0xff, 0xff, 0xff, 0xff, 0xe1};
	for (size_t i = 0; i < n; i++)
		p[i] = i < sizeof(code) ? code[i] : (i % 2 ? 0x0b : 0x0f);
}

/* Up to MAX_INSN bytes at off, as the CPU would fetch them: to the end of
 * the executable run, then the gate page when the run ends at it.
 * *run_end: where the run ends. */
static size_t fetch(const struct img_slot *s, uint64_t off, uint8_t *buf, uint64_t *run_end)
{
	uint64_t end = (off & ~(uint64_t)(IMG_PAGE - 1)) + IMG_PAGE;
	while (exec_at(s, end))
		end += IMG_PAGE;
	*run_end = end;
	size_t n = end - off < MAX_INSN ? (size_t)(end - off) : MAX_INSN;
	memcpy(buf, s->mem + off, n);
	if (n < MAX_INSN && end == SLOT_GATE) {
		gate_bytes(buf + n, MAX_INSN - n);
		n = MAX_INSN;
	}
	return n;
}

/* --- what may not run ---------------------------------------------------- */

/* By category: I/O, interrupts, system calls and returns, VMX, segments,
 * fs/gs base, user interrupts, SGX. */
static const char *const bad_category[ZYDIS_CATEGORY_MAX_VALUE + 1] = {
    [ZYDIS_CATEGORY_IO] = "I/O instruction",
    [ZYDIS_CATEGORY_IOSTRINGOP] = "I/O string instruction",
    [ZYDIS_CATEGORY_INTERRUPT] = "software interrupt",
    [ZYDIS_CATEGORY_SYSCALL] = "system call instruction",
    [ZYDIS_CATEGORY_SYSRET] = "system return instruction",
    [ZYDIS_CATEGORY_VTX] = "virtualization instruction",
    [ZYDIS_CATEGORY_SEGOP] = "segment load",
    [ZYDIS_CATEGORY_RDWRFSGS] = "fs/gs base access",
    [ZYDIS_CATEGORY_UINTR] = "user-interrupt instruction",
    [ZYDIS_CATEGORY_SGX] = "SGX instruction",
};

/* By mnemonic: what changes PKRU, interrupt or privilege state, descriptor
 * tables, caches and TLBs; some of these Zydis does not mark privileged
 * (lgdt, lidt, vmmcall). */
static const char *const bad_mnemonic[ZYDIS_MNEMONIC_MAX_VALUE + 1] = {
    [ZYDIS_MNEMONIC_WRPKRU] = "wrpkru (changes PKRU)",
    [ZYDIS_MNEMONIC_XRSTOR] = "xrstor (can change PKRU)",
    [ZYDIS_MNEMONIC_XRSTOR64] = "xrstor64 (can change PKRU)",
    [ZYDIS_MNEMONIC_XRSTORS] = "xrstors (can change PKRU)",
    [ZYDIS_MNEMONIC_XRSTORS64] = "xrstors64 (can change PKRU)",
    [ZYDIS_MNEMONIC_XSETBV] = "xsetbv",
    [ZYDIS_MNEMONIC_IRET] = "iret",
    [ZYDIS_MNEMONIC_IRETD] = "iretd",
    [ZYDIS_MNEMONIC_IRETQ] = "iretq",
    [ZYDIS_MNEMONIC_HLT] = "hlt",
    [ZYDIS_MNEMONIC_CLI] = "cli",
    [ZYDIS_MNEMONIC_STI] = "sti",
    [ZYDIS_MNEMONIC_POPF] = "popf (sets IF, IOPL, AC, TF at CPL 0)",
    [ZYDIS_MNEMONIC_POPFD] = "popfd (sets IF, IOPL, AC, TF at CPL 0)",
    [ZYDIS_MNEMONIC_POPFQ] = "popfq (sets IF, IOPL, AC, TF at CPL 0)",
    [ZYDIS_MNEMONIC_LGDT] = "lgdt",
    [ZYDIS_MNEMONIC_LIDT] = "lidt",
    [ZYDIS_MNEMONIC_LLDT] = "lldt",
    [ZYDIS_MNEMONIC_LTR] = "ltr",
    [ZYDIS_MNEMONIC_LMSW] = "lmsw",
    [ZYDIS_MNEMONIC_CLTS] = "clts",
    [ZYDIS_MNEMONIC_INVD] = "invd",
    [ZYDIS_MNEMONIC_WBINVD] = "wbinvd",
    [ZYDIS_MNEMONIC_INVLPG] = "invlpg",
    [ZYDIS_MNEMONIC_INVLPGA] = "invlpga",
    [ZYDIS_MNEMONIC_INVPCID] = "invpcid",
    [ZYDIS_MNEMONIC_SWAPGS] = "swapgs",
    [ZYDIS_MNEMONIC_WRMSR] = "wrmsr",
    [ZYDIS_MNEMONIC_RDMSR] = "rdmsr",
    [ZYDIS_MNEMONIC_RSM] = "rsm",
    [ZYDIS_MNEMONIC_VMCALL] = "vmcall (a hypercall to the VMM)",
    [ZYDIS_MNEMONIC_VMMCALL] = "vmmcall (a hypercall to the VMM)",
    [ZYDIS_MNEMONIC_VMFUNC] = "vmfunc",
    [ZYDIS_MNEMONIC_MONITOR] = "monitor",
    [ZYDIS_MNEMONIC_MWAIT] = "mwait",
    [ZYDIS_MNEMONIC_MONITORX] = "monitorx",
    [ZYDIS_MNEMONIC_MWAITX] = "mwaitx",
    [ZYDIS_MNEMONIC_CLAC] = "clac",
    [ZYDIS_MNEMONIC_STAC] = "stac",
    [ZYDIS_MNEMONIC_PCONFIG] = "pconfig",
    [ZYDIS_MNEMONIC_ENCLS] = "encls",
    [ZYDIS_MNEMONIC_RSTORSSP] = "rstorssp",
    [ZYDIS_MNEMONIC_SETSSBSY] = "setssbsy",
    [ZYDIS_MNEMONIC_WRSSD] = "wrssd",
    [ZYDIS_MNEMONIC_WRSSQ] = "wrssq",
};

/* Why this instruction may not run at CPL 0 in a task, or 0. */
static const char *forbidden(const ZydisDecodedInstruction *in, const ZydisDecodedOperand *ops)
{
	if (bad_mnemonic[in->mnemonic])
		return bad_mnemonic[in->mnemonic];
	if (bad_category[in->meta.category])
		return bad_category[in->meta.category];
	if (in->attributes & ZYDIS_ATTRIB_IS_PRIVILEGED)
		return "privileged instruction";
	if (in->meta.branch_type == ZYDIS_BRANCH_TYPE_FAR)
		return "far branch";
	/* AMD honours 66 on near branches in 64-bit mode (a 16-bit target,
	 * AMD64 APM Vol. 3, "Near Branches"), Intel ignores it; Zydis models
	 * that for relative branches only, so the prefix itself is the tell. */
	if (in->meta.branch_type != ZYDIS_BRANCH_TYPE_NONE &&
	    (in->attributes & ZYDIS_ATTRIB_HAS_OPERANDSIZE))
		return "operand-size prefix on a branch (Intel and AMD differ)";
	for (unsigned i = 0; i < in->operand_count; i++) {
		if (ops[i].type != ZYDIS_OPERAND_TYPE_REGISTER)
			continue;
		ZydisRegisterClass c = ZydisRegisterGetClass(ops[i].reg.value);
		if (c == ZYDIS_REGCLASS_CONTROL || c == ZYDIS_REGCLASS_DEBUG)
			return "control or debug register access";
		if (c == ZYDIS_REGCLASS_SEGMENT &&
		    (ops[i].actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
			return "segment register write";
	}
	return 0;
}

/* --- the masked sequence ------------------------------------------------- */

/* The GPR (0-15) of an explicit register operand of width 32 or 64, or -1. */
static int gpr(const ZydisDecodedOperand *op, unsigned *width)
{
	if (op->type != ZYDIS_OPERAND_TYPE_REGISTER)
		return -1;
	ZydisRegisterClass c = ZydisRegisterGetClass(op->reg.value);
	if (c != ZYDIS_REGCLASS_GPR32 && c != ZYDIS_REGCLASS_GPR64)
		return -1;
	*width = c == ZYDIS_REGCLASS_GPR32 ? 32 : 64;
	return ZydisRegisterGetId(op->reg.value);
}

/* The immediate as the instruction uses it: extended to the operand width,
 * and a 32-bit result zero-extended into the 64-bit register. */
static uint64_t imm_value(const ZydisDecodedOperand *op, unsigned width)
{
	uint64_t v = op->imm.is_signed ? (uint64_t)op->imm.value.s : op->imm.value.u;
	return width == 32 ? (uint32_t)v : v;
}

/* The state after instruction `in`, which ran in state st. */
static unsigned next_state(const struct oracle *o, unsigned st, const ZydisDecodedInstruction *in,
			   const ZydisDecodedOperand *ops)
{
	unsigned w;
	if (in->operand_count_visible != 2 || ops[1].type != ZYDIS_OPERAND_TYPE_IMMEDIATE)
		return ST_NONE;
	int r = gpr(&ops[0], &w);
	if (r < 0 || r == REG_RSP_ID)
		return ST_NONE;
	uint64_t imm = imm_value(&ops[1], w);
	if (in->mnemonic == ZYDIS_MNEMONIC_AND && (imm & ~(uint64_t)CFI_MASK) == 0)
		return ST_AND(r);
	if (in->mnemonic == ZYDIS_MNEMONIC_OR && st == ST_AND(r) && imm == o->s->base)
		return ST_OR(r);
	return ST_NONE;
}

/* Whether `in` is jmp/call through the 64-bit register that state st
 * masked. */
static bool masked_branch(unsigned st, const ZydisDecodedInstruction *in,
			  const ZydisDecodedOperand *ops)
{
	unsigned w;
	if (st < ST_OR(0) || in->operand_count_visible != 1)
		return false;
	return gpr(&ops[0], &w) == (int)(st - ST_OR(0)) && w == 64 && in->operand_width == 64;
}

/* --- the walk ------------------------------------------------------------ */

/*
 * A root or a direct branch's target, entered in state NONE: the gate, a
 * fault, or code to walk.  from: the branch's offset, for the message.
 */
static int land(struct oracle *o, uint64_t target, uint64_t from, const char *how)
{
	if (target == SLOT_GATE)
		return 0;
	if (target >= SLOT_SIZE)
		return violation(o, from, "%s at %#llx goes to slot offset %#llx, outside the slot",
				 how, (unsigned long long)from, (unsigned long long)target);
	if (target > SLOT_GATE && target < SLOT_GATE + IMG_PAGE)
		return violation(o, from, "%s at %#llx goes to %#llx, inside the gate page", how,
				 (unsigned long long)from, (unsigned long long)target);
	if (!exec_at(o->s, target))
		return 0; /* not executable: the fetch faults */
	if (!bit_test_set(queued, target))
		stack[nstack++] = (uint32_t)target;
	return 0;
}

/* An encoding that raises #UD, reached: execution stops there, and the
 * result counts it (the verifier had no business accepting it). */
static int undefined(struct oracle *o, uint64_t off, const char *why)
{
	if (!o->r->undefined++) {
		o->r->undefined_at = off;
		o->r->undefined_why = why;
	}
	return 1;
}

/*
 * lea with a register operand (8D, ModRM.mod 11) is #UD (SDM Vol. 2A, LEA:
 * "#UD if source operand is not a memory location"), and Zydis refuses to
 * decode it.  Told apart from other bytes Zydis refuses: after prefixes,
 * 8D with mod 11, which with mod 00 (and rm 000, so no SIB or
 * displacement) Zydis decodes as lea.
 */
static bool lea_register(const struct oracle *o, const uint8_t *buf, size_t n)
{
	static const uint8_t prefixes[] = {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65,
					   0x66, 0x67, 0xf0, 0xf2, 0xf3};
	size_t p = 0;
	while (p < n && ((buf[p] & 0xf0) == 0x40 || memchr(prefixes, buf[p], sizeof(prefixes))))
		p++;
	if (p + 2 > n || buf[p] != 0x8d || (buf[p + 1] >> 6) != 3)
		return false;
	uint8_t mem[MAX_INSN];
	memcpy(mem, buf, n);
	mem[p + 1] &= 0x38;
	ZydisDecodedInstruction in;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
	return ZYAN_SUCCESS(ZydisDecoderDecodeFull(&o->intel, mem, n, &in, ops)) &&
	       in.mnemonic == ZYDIS_MNEMONIC_LEA && in.length == p + 2;
}

/* Decodes the instruction at off with both vendors' rules; 1 when it
 * faults before running (#UD, or a fetch from a non-executable page). */
static int decode(struct oracle *o, uint64_t off, ZydisDecodedInstruction *in,
		  ZydisDecodedOperand *ops)
{
	uint8_t buf[MAX_INSN];
	uint64_t run_end;
	size_t n = fetch(o->s, off, buf, &run_end);
	ZyanStatus st = ZydisDecoderDecodeFull(&o->intel, buf, n, in, ops);
	if (st == ZYDIS_STATUS_NO_MORE_DATA && run_end != SLOT_GATE)
		return 1;		     /* its tail is in a page that is not executable */
	if (st == ZYDIS_STATUS_ILLEGAL_LOCK) /* SDM Vol. 2A 3.2, LOCK: #UD */
		return undefined(o, off, "lock prefix on an instruction that takes none");
	if (st == ZYDIS_STATUS_DECODING_ERROR && lea_register(o, buf, n))
		return undefined(o, off, "lea with a register operand");
	if (!ZYAN_SUCCESS(st))
		return violation(o, off, "instruction at %#llx: Zydis cannot decode it (%#x)",
				 (unsigned long long)off, (unsigned)st);
	if (off + in->length > run_end)
		return violation(o, off, "instruction at %#llx runs into the gate page",
				 (unsigned long long)off);

	ZydisDecodedInstruction a;
	ZydisDecodedOperand aops[ZYDIS_MAX_OPERAND_COUNT];
	st = ZydisDecoderDecodeFull(&o->amd, buf, n, &a, aops);
	if (!ZYAN_SUCCESS(st) || a.length != in->length || a.mnemonic != in->mnemonic ||
	    a.operand_width != in->operand_width)
		return violation(o, off,
				 "instruction at %#llx: Intel and AMD decode it differently",
				 (unsigned long long)off);
	return 0;
}

/* Walks from a root at off, state NONE, along fall-through. */
static int walk(struct oracle *o, uint64_t off)
{
	const struct img_slot *s = o->s;
	unsigned st = ST_NONE;

	for (;;) {
		if (off == SLOT_GATE || !exec_at(s, off))
			return 0; /* fell into the gate, or onto a page that faults */
		if (bit_test_set(seen[st], off))
			return 0;
		o->r->insns++;

		ZydisDecodedInstruction in;
		ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
		int rc = decode(o, off, &in, ops);
		if (rc)
			return rc > 0 ? 0 : -1;

		bool masked = masked_branch(st, &in, ops);
		unsigned next = next_state(o, st, &in, ops);
		bool masking_or =
		    st >= ST_AND(0) && st < ST_OR(0) && next == st - ST_AND(0) + ST_OR(0);
		/* The verifier's map: every instruction that runs is a verified
		 * start, but the or and the branch of a masked sequence, which
		 * only run after its and. */
		if (!map_has(o, off) && !masked && !masking_or)
			return violation(o, off,
					 "instruction at %#llx runs but is not a verified start",
					 (unsigned long long)off);
		const char *bad = forbidden(&in, ops);
		if (bad)
			return violation(o, off, "%s at %#llx can run", bad,
					 (unsigned long long)off);

		uint64_t at = s->base + off, target;
		bool direct = false;
		for (unsigned i = 0; i < in.operand_count_visible; i++) {
			if (ops[i].type != ZYDIS_OPERAND_TYPE_IMMEDIATE || !ops[i].imm.is_relative)
				continue;
			if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&in, &ops[i], at, &target)))
				return violation(o, off, "branch at %#llx: no target",
						 (unsigned long long)off);
			if (land(o, target - s->base, off, "direct branch"))
				return -1;
			direct = true;
		}
		if (in.meta.category == ZYDIS_CATEGORY_RET)
			return violation(o, off, "return at %#llx can run",
					 (unsigned long long)off);
		if (in.meta.branch_type != ZYDIS_BRANCH_TYPE_NONE && !direct && !masked)
			return violation(o, off, "indirect %s at %#llx without the mask",
					 in.mnemonic == ZYDIS_MNEMONIC_CALL ? "call" : "jump",
					 (unsigned long long)off);
		if (in.mnemonic == ZYDIS_MNEMONIC_JMP)
			return 0; /* direct: its target is queued; masked: bundle starts */
		off += in.length;
		st = next;
	}
}

static void decoders_init(struct oracle *o)
{
	ZydisDecoderInit(&o->intel, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZydisDecoderInit(&o->amd, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZydisDecoderEnableMode(&o->amd, ZYDIS_DECODER_MODE_AMD_BRANCHES, ZYAN_TRUE);
}

int oracle_check(const struct img_slot *s, const uint8_t *map, uint64_t entry,
		 struct oracle_result *r)
{
	struct oracle o = {.s = s, .map = map, .r = r};
	*r = (struct oracle_result){0};
	decoders_init(&o);
	memset(seen, 0, sizeof(seen));
	memset(queued, 0, sizeof(queued));
	nstack = 0;

	/* The entry, then every bundle start of every executable page. */
	if (!exec_at(s, entry) || !map_has(&o, entry))
		return violation(&o, entry, "the entry point %#llx is not a verified start",
				 (unsigned long long)entry);
	if (land(&o, entry, entry, "entry"))
		return -1;
	for (uint64_t off = 0; off < SLOT_IMAGE_MAX; off += BUNDLE_SIZE)
		if (exec_at(s, off) && land(&o, off, off, "bundle start"))
			return -1;
	r->roots = nstack;

	while (nstack) {
		if (walk(&o, stack[--nstack]))
			return -1;
	}
	return 0;
}
