/* Shorter padding in bundled code: NOP runs become one NOP, or a jump over them. */
#include <string.h>

#include "isolation/isolation.h"

/*
 * Bundled code pads a lot (tools/bundle-asm.c): GNU as fills the room
 * before an instruction that would cross a bundle with one-byte NOPs, and
 * every call is preceded by an alignment and a fixed 27-byte pad so that
 * it ends its bundle.  A call thus runs up to six NOPs, an instruction
 * moved to the next bundle up to 31.  Here each run of two or more
 * NOPs that execution falls into becomes one instruction: a NOP of the
 * run's length when the run fits one NOP inside one bundle, else
 * `jmp rel8` to the run's end, the rest of the run one-byte NOPs.
 *
 * Semantics stay: NOPs do nothing, and a jump over NOPs does nothing
 * either.  Everything the verifier checks stays true: the bytes decode
 * from every bundle start as before, the jump targets the instruction
 * after the run (an instruction start), and a run never moves an
 * instruction.  Where a direct branch lands inside a run, the run is cut
 * there, so the landing point starts an instruction that reaches the end.
 * A bundle start inside a run (where a masked branch could land) is a
 * one-byte NOP, which runs on to the end.
 *
 * Only the NOPs assemblers emit are touched (canonical_nop()): a NOP-like
 * instruction with a non-zero displacement may hide bytes someone meant
 * to be there.  A bundle the decoder refuses is left alone, and no run
 * crosses it.
 */

/* The recommended multi-byte NOPs (SDM Vol. 2B, NOP, table 4-12), and the
 * 10- and 11-byte forms GNU as emits. */
static const uint8_t nops[12][11] = {
    [1] = {0x90},
    [2] = {0x66, 0x90},
    [3] = {0x0f, 0x1f, 0x00},
    [4] = {0x0f, 0x1f, 0x40, 0x00},
    [5] = {0x0f, 0x1f, 0x44, 0x00, 0x00},
    [6] = {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
    [7] = {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
    [8] = {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    [9] = {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    [10] = {0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    [11] = {0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
};
#define NOP_MAX 11u

/* 90 or 66 90; else 66/2E prefixes, 0F 1F with reg 0 and an all-zero
 * SIB and displacement: what .p2align, .nops and bundle padding emit. */
static bool canonical_nop(const uint8_t *p, const struct x86_insn *in)
{
	if (in->rex)
		return false;
	if (in->map == 0)
		return in->op == 0x90 && in->len == 1 + (in->legacy == X86_P66) &&
		       (in->legacy & ~X86_P66) == 0;
	if (in->map != 1 || in->op != 0x1f || (in->modrm & 0x38) ||
	    (in->legacy & ~(X86_P66 | X86_PSEG)))
		return false;
	for (unsigned i = 0; i < in->nprefix; i++)
		if (p[i] != 0x66 && p[i] != 0x2e)
			return false;
	for (unsigned i = in->nprefix + 3; i < in->len; i++) /* after 0F 1F ModRM */
		if (p[i])
			return false;
	uint8_t m = in->modrm;
	return m == 0x00 || m == 0x40 || m == 0x44 || m == 0x80 || m == 0x84;
}

/* Per byte of the code: what decoding found there. */
enum {
	AT_NONE = 0,	/* inside an instruction, or in a refused bundle */
	AT_INSN = 1,	/* an instruction starts here */
	AT_NOP = 2,	/* ... and it is a canonical NOP */
	AT_TARGET = 4,	/* a direct branch lands here */
	AT_REFUSED = 8, /* the bundle could not be decoded */
};

/* Rewrites [s, e), a run of NOPs with no branch landing after s; at_end
 * when the run ends the code. */
static unsigned squash_run(uint8_t *code, uint64_t s, uint64_t e, bool at_end)
{
	uint64_t len = e - s;
	if (len <= NOP_MAX && s / BUNDLE_SIZE == (e - 1) / BUNDLE_SIZE) {
		memcpy(code + s, nops[len], len);
		return 1;
	}
	/* A jump to the end of the code targets no instruction of it, which
	 * the verifier refuses (the padding after a task's last function,
	 * up to its page end, is such a run). */
	if (at_end)
		return 0;
	if (s % BUNDLE_SIZE == BUNDLE_SIZE - 1) /* a jmp there would cross */
		code[s++] = 0x90;
	if (e - s < 2 || e - s - 2 > 127)
		return 0;
	memset(code + s, 0x90, e - s);
	code[s] = 0xeb; /* jmp rel8 (SDM Vol. 2A, JMP) */
	code[s + 1] = (uint8_t)(e - s - 2);
	return 1;
}

int nop_squash(uint8_t *code, size_t len, uint8_t *scratch, unsigned *runs)
{
	*runs = 0;
	if (len % BUNDLE_SIZE)
		return -1;
	memset(scratch, AT_NONE, len);

	/* Decode bundle by bundle; note NOPs and where direct branches land. */
	for (size_t b = 0; b < len; b += BUNDLE_SIZE) {
		for (size_t p = b; p < b + BUNDLE_SIZE;) {
			struct x86_insn in;
			const char *why;
			if (x86_decode(code + p, b + BUNDLE_SIZE - p, &in, &why) != X86_OK) {
				for (size_t q = b; q < b + BUNDLE_SIZE; q++)
					scratch[q] = AT_REFUSED;
				break;
			}
			scratch[p] |= AT_INSN | (canonical_nop(code + p, &in) ? AT_NOP : 0);
			if (in.branch != X86_BR_NONE && in.branch != X86_BR_JMP_IND &&
			    in.branch != X86_BR_CALL_IND) {
				int64_t t = (int64_t)(p + in.len) + in.rel;
				if (t >= 0 && (uint64_t)t < len)
					scratch[t] |= AT_TARGET;
			}
			p += in.len;
		}
	}

	/* Runs: consecutive canonical NOPs, cut where a branch lands. */
	for (size_t p = 0; p < len;) {
		if (!(scratch[p] & AT_NOP) || (scratch[p] & AT_REFUSED)) {
			p++;
			continue;
		}
		size_t s = p, count = 0;
		do {
			count++;
			p++;
			while (p < len && !(scratch[p] & (AT_INSN | AT_REFUSED)))
				p++;
		} while (p < len && (scratch[p] & AT_NOP) &&
			 !(scratch[p] & (AT_TARGET | AT_REFUSED)));
		if (count >= 2)
			*runs += squash_run(code, s, p, p == len);
	}
	return 0;
}
