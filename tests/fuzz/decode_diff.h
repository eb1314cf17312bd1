/* Differential test of x86_decode() against Zydis: the generator, the oracle, the counts. */
#ifndef DECODE_DIFF_H
#define DECODE_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <Zydis/Zydis.h>

/*
 * x86_decode() (isolation/x86_decode.c) decides, for the kernel-mode
 * verifier, where instructions start and what they are.  If its idea of
 * an instruction's length, branch kind, displacement, immediate or
 * prefixes differed from the CPU's, a task could hide instructions the
 * verifier never saw.  Zydis 4 (a full decoder, 64-bit mode) stands in
 * for the CPU: every sequence x86_decode() accepts must decode in Zydis
 * to the same thing, and be none of the instructions the whitelist is
 * there to keep out.  A refusal is always safe; it is only counted.
 */

/* Bytes of one generated sequence: past the 15-byte limit (SDM Vol. 2A
 * 2.3.11), so prefix runs can push an instruction over it. */
#define DD_BUF 24

/* --- decode_gen.c: byte sequences ----------------------------------------- */
struct dd_gen {
	uint64_t state; /* splitmix64 */
	uint64_t sweep; /* the next (map, opcode, ModRM) of the sweep */
};

void dd_gen_init(struct dd_gen *g, uint64_t seed);
/*
 * Writes the next sequence to buf (DD_BUF bytes) and returns how many of
 * them the decoders may read: usually all, sometimes fewer, so that every
 * truncation point is met.  Deterministic for a given seed.
 */
size_t dd_gen_next(struct dd_gen *g, uint8_t buf[DD_BUF]);

/* --- decode_oracle.c: one sequence, both decoders ------------------------- */
/* Why x86_decode() refused, by the wording of its reason (for the report). */
enum dd_refusal {
	DD_REF_PREFIX,	   /* 64, 65, 67, REX misplaced, too many, rep/66 misplaced */
	DD_REF_VECTOR,	   /* x87, MMX, SSE, 3DNow!, VEX, EVEX, XOP, 0F 38/3A maps */
	DD_REF_PRIVILEGED, /* CPL 0 only */
	DD_REF_CONTROL,	   /* ret, far, int, syscall, indirect through memory */
	DD_REF_SYSTEM,	   /* I/O, segments, PKRU, descriptor tables, TSX... */
	DD_REF_INVALID,	   /* invalid in 64-bit mode, invalid opcode or form */
	DD_REF_LENGTH,	   /* over 15 bytes */
	DD_REF_OTHER,	   /* valid but outside the whitelist */
	DD_REF_COUNT,
};

struct dd_counts {
	uint64_t sequences;
	uint64_t accepted;
	uint64_t refused;
	uint64_t truncated;
	uint64_t refused_as[DD_REF_COUNT];
	uint64_t refused_valid; /* refused, though Zydis decodes them */
	uint64_t disagreements;
};

/* The CPU vendors' readings Zydis offers: Intel's, and AMD's where the
 * operand-size prefix 66 shortens near branches. */
enum dd_vendor {
	DD_INTEL,
	DD_AMD,
	DD_VENDORS,
};

struct dd_oracle {
	ZydisDecoder zydis[DD_VENDORS];
	struct dd_counts n;
	FILE *log;	  /* where disagreements are described (may be 0) */
	unsigned logged;  /* ... how many so far */
	unsigned log_max; /* ... and at most */
};

/* Long mode, 64-bit stack, both vendors; disagreements go to log (0:
 * nowhere), at most log_max of them. */
void dd_oracle_init(struct dd_oracle *o, FILE *log, unsigned log_max);
/*
 * Decodes buf[0..avail) with x86_decode() and Zydis and compares them
 * (the checks are listed at the top of decode_oracle.c); counts the
 * outcome in o->n.  Returns the disagreements found in this sequence.
 */
unsigned dd_check(struct dd_oracle *o, const uint8_t *buf, size_t avail);
/*
 * The reference's verdict on an SSE instruction: whether Zydis' reading
 * (z and its operands) is one of the SSE/SSE2 instructions on XMM
 * registers that the whitelist admits (the list in decode_oracle.c,
 * docs/security.md).  False for everything else, SSE or not.
 */
bool dd_sse_admitted(const ZydisDecodedInstruction *z, const ZydisDecodedOperand *ops);

/* --- decode_run.c: the loop and the report ------------------------------- */
/* The kind of refusal x86_decode()'s reason why names (DD_REF_OTHER when
 * none). */
enum dd_refusal dd_refusal_kind(const char *why);
/* count sequences of dd_gen from seed through dd_check. */
void dd_run(struct dd_oracle *o, uint64_t seed, uint64_t count);
/* "decode-diff: N sequences, A accepted, R refused, T truncated, D disagreements"
 * and a second line with the refusals by kind. */
void dd_summary(const struct dd_oracle *o, FILE *f);

#endif
