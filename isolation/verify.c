/* Load-time verification of kernel-mode task code: bundles, whitelist, masked branches. */
#include "isolation/isolation.h"

/*
 * A `kernel` mode task runs at CPL 0.  Protection keys confine its data
 * accesses to user-mode pages (PKRU does not govern supervisor pages at
 * any CPL), they do not restrict instruction fetch (SDM Vol. 3A 4.6.2),
 * and at CPL 0 every privileged instruction works.  So the kernel verifies the task's code once, at
 * load, in the manner of Native Client (Sehr et al., "Adapting Software
 * Fault Isolation to Contemporary CPU Architectures", USENIX Security
 * 2010), and the code can then do nothing worse than the instructions it
 * was seen to contain:
 *
 *  1. Bundles.  The code is cut into BUNDLE_SIZE (32) byte bundles; no
 *     instruction crosses a bundle boundary.  Image offsets and addresses
 *     agree modulo 32 (the slot base is 128 KiB-aligned).
 *
 *  2. Whitelist.  Every instruction is decoded from bundle starts,
 *     sequentially, through the whole bundle (fall-through reaches every
 *     byte of it), by x86_decode(): general-purpose integer instructions
 *     and SSE/SSE2 on XMM registers, no privileged or PKRU-changing ones,
 *     no x87/MMX/AVX, no fs/gs or address-size prefixes.  The offsets where instructions start
 *     are recorded in a bit map (scratch).  Bytes inside an instruction
 *     (an immediate holding 0F 01 EF, say) are not instruction starts and
 *     cannot be reached: rules 3 and 5 see to it.
 *
 *  3. Direct branches (jcc, jmp, call, loop, jrcxz) must target a recorded
 *     instruction start in the task's executable pages, or, for call rel32
 *     and jmp rel32 only, exactly gate_offset, where the kernel maps its gate
 *     trampoline.  The second and third instructions of a masked sequence
 *     (below) are not targets: the map loses them.
 *
 *  4. Calls (direct and masked) end exactly at a bundle boundary, so every
 *     return address is bundle-aligned and a masked return can reach it.
 *
 *  5. Indirect branches exist only as the masked sequence, consecutive and
 *     inside one bundle, with one register R (any GPR but rsp):
 *         and $0x1ffe0, %R32     81 /4 id, mod 11 (REX.B only; 25 id for eax)
 *         or  $CFI_MARKER, %R64  REX.W 81 /1 id, mod 11 (REX.W 0D id for rax)
 *         jmp *%R64 / call *%R64 FF /4 or FF /2, mod 11, no legacy prefix
 *     The 32-bit and clears bits 63:17 and 4:0 (a 32-bit write zero-extends,
 *     SDM Vol. 1 3.4.1.1); the verifier rewrites the or's CFI_MARKER to
 *     slot_base (128 KiB-aligned, below 2^31 as the imm32 is sign-extended).
 *     R then holds slot_base + (R & CFI_MASK): a bundle start in the slot.
 *     Returns are `pop %r11` and the masked jmp through r11; ret is refused.
 *
 * Where a masked branch can land: any 32-byte-aligned address of the slot.
 * In the task's code every bundle start is an instruction start that is
 * not inside a masked sequence (rules 1, 5); in the gate page only the
 * first bundle is an entry, every other byte is ud2 (the kernel fills it);
 * the task's data and stack are not executable and the rest of the slot is
 * unmapped, so a fetch there faults.
 *
 * Not checked here, for the kernel to provide: rsp is an ordinary
 * register (interrupts at CPL 0 push onto it unless the vector has an IST
 * stack), DF may be set on entry to the gate, and the last bundle of an
 * executable run may fall through into whatever page follows it.
 *
 * The entry point.  The kernel starts a task at its ELF entry, which must
 * be a bundle start in the code (so an instruction start that is not part
 * of a masked sequence): an entry two bytes into an instruction would run
 * bytes the decoder never saw as instructions.  The other places the
 * kernel resumes ring-0 task code at are return addresses (bundle-aligned,
 * checked by gate_dispatch()) and RIPs the CPU saved while the task ran.
 *
 * Two passes over the executable pages: the first decodes and records
 * instruction starts, checks rules 1, 2, 4, 5 and patches the markers; the
 * second decodes again (same lengths: only imm32 bytes changed) and checks
 * the targets of direct branches against the finished map (rule 3).
 */

#define PAGE_SIZE 4096u
#define BUNDLES_PER_PAGE (PAGE_SIZE / BUNDLE_SIZE)
#define REG_RSP 4

/* The run state of the verifier; lives on the caller's stack. */
struct verifier {
	const struct code_view *v;
	uint64_t gate;
	uint32_t slot_base;
	uint8_t *map; /* bit (off - start): a valid direct-branch target */
	uint64_t bad;
	const char *why;
};

/* A decoded instruction and its image offset. */
struct seen {
	bool valid;
	uint64_t off;
	uint8_t *bytes;
	struct x86_insn in;
};

static int fail(struct verifier *s, uint64_t off, const char *why)
{
	s->bad = off;
	s->why = why;
	return -1;
}

static void map_set(uint8_t *map, uint64_t i)
{
	map[i / 8] |= (uint8_t)(1u << (i % 8));
}

static void map_clear(uint8_t *map, uint64_t i)
{
	map[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

static bool map_test(const uint8_t *map, uint64_t i)
{
	return (map[i / 8] >> (i % 8)) & 1;
}

/* The executable page holding image offset off, or 0 (gap, or outside). */
static uint8_t *page_at(const struct code_view *v, uint64_t off)
{
	if (off < v->start || off >= v->end)
		return 0;
	return v->page(v->ctx, off & ~(uint64_t)(PAGE_SIZE - 1));
}

/* The register of a mod-11 ModRM operand, REX.B included. */
static unsigned rm_reg(const struct x86_insn *in)
{
	return (in->modrm & 7) | (in->rex & 1) << 3;
}

/*
 * `and $imm32, %R32`: 81 /4 with a register operand, no prefix but REX.B
 * (a REX.W would keep bits 63:32 defined by the sign of the imm, a 66
 * would leave bits 63:16 alone), or 25 id for eax, the form assemblers
 * pick.  Returns the register, -1 when it is no such and, -2 when it is
 * the 64-bit and (told apart for the message).
 */
static int mask_and_reg(const struct x86_insn *in)
{
	if (in->map != 0 || in->legacy)
		return -1;
	if (in->op == 0x25 && !in->rex)
		return 0;
	if (in->op != 0x81 || (in->modrm & 0xf8) != 0xe0)
		return -1;
	if (in->rex == 0 || in->rex == 0x41)
		return (int)rm_reg(in);
	return (in->rex & 8) ? -2 : -1;
}

/* `or $imm32, %R64`: REX.W 81 /1, mod 11, or REX.W 0D id for rax. */
static int marker_or_reg(const struct x86_insn *in)
{
	if (in->map != 0 || in->legacy)
		return -1;
	if (in->op == 0x0d && in->rex == 0x48)
		return 0;
	if (in->op != 0x81 || (in->modrm & 0xf8) != 0xc8)
		return -1;
	return (in->rex == 0x48 || in->rex == 0x49) ? (int)rm_reg(in) : -1;
}

/*
 * The jmp or call *%R at br closes a masked sequence: the two instructions
 * before it (prev[0], prev[1]) must be the and and the or, in its bundle.
 */
static int check_masked(struct verifier *s, const struct seen prev[2], const struct seen *br)
{
	const struct x86_insn *in = &br->in;
	bool call = in->branch == X86_BR_CALL_IND;
	const char *unmasked =
	    call ? "indirect call without the CFI mask" : "indirect jump without the CFI mask";

	if (in->legacy || (in->rex & ~0x09) != (in->rex ? 0x40 : 0))
		return fail(s, br->off, "masked sequence: prefix on the indirect branch");
	int r = (int)rm_reg(in);
	if (!prev[1].valid || marker_or_reg(&prev[1].in) < 0)
		return fail(s, br->off, unmasked);
	if (marker_or_reg(&prev[1].in) != r)
		return fail(s, prev[1].off, "masked sequence: registers differ (or)");
	if (prev[1].in.imm != CFI_MARKER)
		return fail(s, prev[1].off, "masked sequence: or immediate is not CFI_MARKER");
	int a = prev[0].valid ? mask_and_reg(&prev[0].in) : -1;
	if (a == -2)
		return fail(s, prev[0].off, "masked sequence: and must use the 32-bit register");
	if (a < 0)
		return fail(s, br->off, unmasked);
	if (a != r)
		return fail(s, prev[0].off, "masked sequence: registers differ (and)");
	if (prev[0].in.imm != CFI_MASK)
		return fail(s, prev[0].off, "masked sequence: and mask is not 0x1ffe0");
	if (r == REG_RSP)
		return fail(s, prev[0].off, "masked sequence through rsp");
	if (prev[0].off / BUNDLE_SIZE != br->off / BUNDLE_SIZE)
		return fail(s, prev[0].off, "masked sequence split across a bundle boundary");
	if (call && (br->off + in->len) % BUNDLE_SIZE)
		return fail(s, br->off, "call does not end at a bundle boundary");

	/* Accepted: the marker becomes the slot base; the or and the branch
	 * are no longer branch targets. */
	uint8_t *imm = prev[1].bytes + prev[1].in.imm_at;
	for (unsigned k = 0; k < 4; k++)
		imm[k] = (uint8_t)(s->slot_base >> (8 * k));
	map_clear(s->map, prev[1].off - s->v->start);
	map_clear(s->map, br->off - s->v->start);
	return 0;
}

/*
 * Decodes one bundle (pass 1).  prev carries the last two instructions in
 * from the bundle before (for the message when a sequence is split).
 */
static int scan_bundle(struct verifier *s, uint8_t *b, uint64_t off, bool last, struct seen prev[2])
{
	for (unsigned pos = 0; pos < BUNDLE_SIZE;) {
		struct seen cur = {.valid = true, .off = off + pos, .bytes = b + pos};
		const char *why = 0;
		int rc = x86_decode(b + pos, BUNDLE_SIZE - pos, &cur.in, &why);
		if (rc == X86_TRUNCATED)
			return fail(s, cur.off,
				    last ? "instruction truncated at the end of the code"
					 : "instruction crosses a bundle boundary");
		if (rc)
			return fail(s, cur.off, why);
		map_set(s->map, cur.off - s->v->start);
		pos += cur.in.len;

		if (cur.in.branch == X86_BR_CALL && pos != BUNDLE_SIZE)
			return fail(s, cur.off, "call does not end at a bundle boundary");
		if (cur.in.branch == X86_BR_JMP_IND || cur.in.branch == X86_BR_CALL_IND) {
			if (check_masked(s, prev, &cur))
				return -1;
		}
		prev[0] = prev[1];
		prev[1] = cur;
	}
	return 0;
}

/* Why a direct branch to target (not in the map) is refused. */
static const char *bad_target(struct verifier *s, uint64_t target)
{
	const struct code_view *v = s->v;
	if (target == s->gate)
		return "only call rel32 and jmp rel32 may target the gate";
	uint8_t *p = page_at(v, target);
	if (!p)
		return "branch target outside the task's code";

	/* An instruction start the map lost belongs to a masked sequence. */
	uint64_t bundle = target & ~(uint64_t)(BUNDLE_SIZE - 1);
	uint8_t *b = p + (bundle & (PAGE_SIZE - 1));
	for (unsigned pos = 0; pos < BUNDLE_SIZE;) {
		struct x86_insn t;
		const char *why;
		if (x86_decode(b + pos, BUNDLE_SIZE - pos, &t, &why))
			break;
		if (bundle + pos == target)
			return "direct branch into a masked sequence";
		pos += t.len;
	}
	return "direct branch into the middle of an instruction";
}

/* Checks the direct branches of one bundle (pass 2). */
static int check_targets(struct verifier *s, uint8_t *b, uint64_t off)
{
	const struct code_view *v = s->v;
	for (unsigned pos = 0; pos < BUNDLE_SIZE;) {
		struct x86_insn in;
		const char *why;
		if (x86_decode(b + pos, BUNDLE_SIZE - pos, &in, &why))
			return fail(s, off + pos, "internal error: bundle changed between passes");
		uint64_t at = off + pos, target = at + in.len + (uint64_t)in.rel;
		pos += in.len;
		if (in.branch != X86_BR_JCC && in.branch != X86_BR_JMP8 &&
		    in.branch != X86_BR_JMP32 && in.branch != X86_BR_CALL)
			continue;
		if (target == s->gate && (in.branch == X86_BR_JMP32 || in.branch == X86_BR_CALL))
			continue;
		/* Gap pages have no bits in the map: never targets. */
		if (target >= v->start && target < v->end && map_test(s->map, target - v->start))
			continue;
		return fail(s, at, bad_target(s, target));
	}
	return 0;
}

/* The arguments, before anything is touched. */
static int check_args(struct verifier *s, size_t scratch_len)
{
	const struct code_view *v = s->v;
	if (!v->page || v->start > v->end || (v->start | v->end) % PAGE_SIZE)
		return fail(s, v->start, "code view is not a page-aligned range");
	if (scratch_len < (v->end - v->start) / 8)
		return fail(s, v->start, "scratch map too small");
	if (s->slot_base % CFI_SLOT_SIZE || s->slot_base >= 0x80000000u)
		return fail(s, v->start, "slot base is not 128 KiB-aligned below 2 GiB");
	if (s->gate % BUNDLE_SIZE)
		return fail(s, v->start, "gate offset is not bundle-aligned");
	if (page_at(v, s->gate))
		return fail(s, s->gate, "gate offset inside the task's code");
	return 0;
}

/* The entry point, against the finished map (see the top). */
static int check_entry(struct verifier *s, uint64_t entry)
{
	const struct code_view *v = s->v;
	if (entry % BUNDLE_SIZE || !page_at(v, entry) || !map_test(s->map, entry - v->start))
		return fail(s, entry, "entry point is not a bundle start in the task's code");
	return 0;
}

int verify_code(const struct code_view *v, uint64_t gate_offset, uint64_t entry, uint32_t slot_base,
		uint8_t *scratch, size_t scratch_len, uint64_t *bad_offset, const char **why)
{
	struct verifier s = {.v = v, .gate = gate_offset, .slot_base = slot_base, .map = scratch};
	int rc = check_args(&s, scratch_len);
	for (uint64_t i = 0; !rc && i < (v->end - v->start) / 8; i++)
		scratch[i] = 0;

	/* Pass 1: decode, record, check bundles and masked sequences, patch. */
	struct seen prev[2] = {{0}, {0}};
	for (uint64_t pg = v->start; !rc && pg < v->end; pg += PAGE_SIZE) {
		uint8_t *p = v->page(v->ctx, pg);
		if (!p) {
			prev[0].valid = prev[1].valid = false;
			continue;
		}
		bool last_page = !page_at(v, pg + PAGE_SIZE);
		for (unsigned k = 0; !rc && k < BUNDLES_PER_PAGE; k++)
			rc = scan_bundle(&s, p + k * BUNDLE_SIZE, pg + k * BUNDLE_SIZE,
					 last_page && k == BUNDLES_PER_PAGE - 1, prev);
	}

	/* Pass 2: direct branch targets against the finished map. */
	for (uint64_t pg = v->start; !rc && pg < v->end; pg += PAGE_SIZE) {
		uint8_t *p = v->page(v->ctx, pg);
		for (unsigned k = 0; p && !rc && k < BUNDLES_PER_PAGE; k++)
			rc = check_targets(&s, p + k * BUNDLE_SIZE, pg + k * BUNDLE_SIZE);
	}
	if (!rc)
		rc = check_entry(&s, entry);

	if (rc) {
		*bad_offset = s.bad;
		*why = s.why;
	}
	return rc;
}
