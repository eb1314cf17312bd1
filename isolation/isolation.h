/* Protection-key isolation shared by the kernel and host tools: PKRU
 * encoding, key allocation within a group, and the binary scanner. */
#ifndef ISOLATION_H
#define ISOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * PKRU (SDM Vol. 3A 4.6.2): for key i, bit 2i is AD (access disable) and
 * bit 2i+1 is WD (write disable).  It governs data accesses to user-mode
 * pages only; instruction fetches and supervisor pages are never checked.
 */
#define PKEYS 16
#define PKRU_AD(key) (1u << (2 * (key)))
#define PKRU_WD(key) (2u << (2 * (key)))
#define PKRU_DENY_ALL 0xffffffffu
_Static_assert(PKRU_AD(15) == 0x40000000u && PKRU_WD(15) == 0x80000000u, "PKRU key 15");

/* The PKRU value that lets a task touch pages of `key` and nothing else. */
static inline uint32_t pkru_only(unsigned key)
{
	return PKRU_DENY_ALL & ~(PKRU_AD(key) | PKRU_WD(key));
}

/* --- keys.c: keys of one group ------------------------------------------ */
/* Key 0 is never handed out: it stays the default key of pages nobody
 * owns, and a group holds at most PKEYS - 1 = 15 tasks. */
struct pkey_set {
	uint16_t used; /* bit k: key k taken */
};
void pkey_set_init(struct pkey_set *s);
/* The lowest free key (1..15), or -1 when the group is full. */
int pkey_alloc(struct pkey_set *s);
/* Returns key to the set; -1 when it was not taken (or is 0 / >= 16). */
int pkey_free(struct pkey_set *s, int key);
unsigned pkey_count(const struct pkey_set *s);

/* --- byte_find.c: the scans' fast path ---------------------------------- */
/* The index of the first b in buf[from, len), or len when there is none
 * (also when from >= len). */
size_t byte_find(const uint8_t *buf, size_t from, size_t len, uint8_t b);

/* --- scan.c: instructions that change PKRU ------------------------------ */
enum scan_hit {
	SCAN_NONE = 0,
	SCAN_WRPKRU,  /* 0F 01 EF */
	SCAN_XRSTOR,  /* 0F AE /5, memory operand (XRSTOR, XRSTOR64) */
	SCAN_XRSTORS, /* 0F C7 /3, memory operand (XRSTORS, XRSTORS64) */
};
/* "WRPKRU", "XRSTOR", ... */
const char *scan_hit_name(enum scan_hit h);

/*
 * A streaming scanner: bytes may come in pieces (pages), and a pattern
 * that straddles two pieces is still found.  Every byte offset is a
 * possible instruction start: x86 code can be entered anywhere, so a
 * pattern hidden inside another instruction counts.
 */
struct scanner {
	uint64_t offset; /* bytes fed so far */
	uint8_t tail[2]; /* the last two bytes fed */
	unsigned ntail;
	enum scan_hit hit;
	uint64_t hit_offset; /* offset of the hit's first byte */
};
void scanner_init(struct scanner *s);
/* Feeds n bytes; returns true (and stops looking) at the first hit. */
bool scanner_feed(struct scanner *s, const uint8_t *buf, size_t n);
/* One-shot scan of a buffer; SCAN_NONE or the first hit, with *offset. */
enum scan_hit scan_buffer(const uint8_t *buf, size_t n, uint64_t *offset);

/* --- x86_decode.c: length and whitelist of one instruction --------------- */
/*
 * A decoder for the general-purpose integer instructions gcc emits for
 * x86-64, and the SSE/SSE2 instructions on XMM registers compilers emit
 * for float, double and vector code (docs/security.md, "Floating point in
 * kernel mode"): it finds an instruction's length and refuses everything
 * outside the whitelist (privileged, PKRU-changing, x87, MMX, SSE3 and
 * later, VEX/EVEX, fxsave/fxrstor, segment and I/O instructions, prefixes
 * that change a length between vendors).  The rules of verify.c (masked sequences,
 * branch targets) are not its business: it only reports branches.
 */
enum x86_branch {
	X86_BR_NONE = 0,
	X86_BR_JCC,	 /* jcc rel8/rel32, loop/loope/loopne/jrcxz rel8 */
	X86_BR_JMP8,	 /* jmp rel8 (EB) */
	X86_BR_JMP32,	 /* jmp rel32 (E9) */
	X86_BR_CALL,	 /* call rel32 (E8) */
	X86_BR_JMP_IND,	 /* jmp *%reg (FF /4, register operand) */
	X86_BR_CALL_IND, /* call *%reg (FF /2, register operand) */
};

/* Legacy prefixes seen (x86_insn.legacy). */
#define X86_P66 0x01  /* operand size */
#define X86_PF0 0x02  /* lock */
#define X86_PF2 0x04  /* repne */
#define X86_PF3 0x08  /* rep */
#define X86_PSEG 0x10 /* 26, 2E, 36, 3E: no-ops in 64-bit mode */

struct x86_insn {
	uint8_t len;	 /* bytes, prefixes included (at most 15) */
	uint8_t nprefix; /* legacy prefixes and REX */
	uint8_t legacy;	 /* X86_P* */
	uint8_t rex;	 /* the REX byte, 0 when there is none */
	uint8_t map;	 /* 0: one-byte opcode map, 1: the 0F map */
	uint8_t op;	 /* the opcode byte (after 0F for map 1) */
	uint8_t modrm;	 /* when the opcode takes one, else 0 */
	uint8_t imm_at;	 /* offset of the immediate (or branch displacement) */
	uint8_t imm_len; /* its size: 0, 1, 2, 4 or 8 */
	uint8_t branch;	 /* enum x86_branch */
	uint64_t imm;	 /* the immediate as stored, zero-extended */
	int64_t rel;	 /* direct branches: the sign-extended displacement */
};

/* x86_decode() results. */
#define X86_OK 0
#define X86_REFUSED (-1)   /* not in the whitelist: *why says which */
#define X86_TRUNCATED (-2) /* needs more than avail bytes */

/*
 * Decodes the instruction at p, reading at most avail bytes.  Returns
 * X86_OK with *in filled, X86_REFUSED with *why (a constant string naming
 * the instruction or prefix), or X86_TRUNCATED.  Pure: no state.
 */
int x86_decode(const uint8_t *p, size_t avail, struct x86_insn *in, const char **why);

/* --- verify.c: load-time verification of kernel-mode task code ----------- */
/*
 * A `kernel` mode task runs at CPL 0, where protection keys still confine
 * its data accesses but not its instruction fetches, and every privileged
 * instruction works.  verify_code() checks its code Native Client style
 * (the scheme is described at the top of verify.c): bundles of
 * BUNDLE_SIZE bytes, a whitelist of instructions decoded from bundle
 * starts, direct branches only to instruction starts of the task's code
 * (or the gate), indirect branches only through the masked sequence
 *     and $CFI_MASK, %R32 ; or $CFI_MARKER, %R64 ; jmp/call *%R64
 * whose marker the verifier replaces with the task's slot base.
 */
#define BUNDLE_SIZE 32u
#define CFI_SLOT_SIZE 0x20000u /* 128 KiB: the reach of a masked branch */
#define CFI_MASK 0x1ffe0u      /* keeps an offset in the slot, bundle-aligned */
#define CFI_MARKER 0x7ffe0000u /* placeholder for the slot base in the code */
_Static_assert(CFI_MASK == CFI_SLOT_SIZE - BUNDLE_SIZE, "CFI mask");
_Static_assert((CFI_MARKER & CFI_MASK) == 0 && CFI_MARKER < 0x80000000u, "CFI marker");

/*
 * How the verifier sees the task's executable pages: image offsets
 * [start, end), both page-aligned (4 KiB); page(ctx, off) returns the page
 * at image offset off (writable, for patching), or 0 when that page is not
 * executable (a gap: bytes there are never reachable as code, and no
 * branch may target them).  Image offsets and run-time addresses must
 * agree modulo BUNDLE_SIZE.
 */
struct code_view {
	uint64_t start, end;
	uint8_t *(*page)(void *ctx, uint64_t page_offset);
	void *ctx;
};

/*
 * Verifies the code of v and patches every masked sequence's CFI_MARKER to
 * slot_base.  gate_offset: the image offset of the gate's entry (bundle-
 * aligned, outside the executable pages of v), the one place outside the
 * code that call rel32 and jmp rel32 may target.  entry: the image offset
 * where the kernel first runs the task (the ELF entry point); it must be a
 * bundle start in an executable page of v, as every address the kernel
 * starts or resumes ring-0 task code at is (gate returns are checked for
 * bundle alignment at run time, syscall.c), so that the task never starts
 * inside an instruction whose bytes were not decoded.  slot_base: the address
 * of the task's slot, CFI_SLOT_SIZE-aligned and below 2 GiB (the or's
 * imm32 is sign-extended).  scratch: scratch_len >= (end - start) / 8
 * bytes for the map of branch targets (one bit per byte), overwritten; on
 * success bit (off - start) is set exactly for the verified instruction
 * starts that branches may target (the map the oracle of tests/fuzz
 * checks reachability against).
 *
 * Returns 0, or -1 with *bad_offset (the image offset of the offending
 * instruction or byte; v->start for a bad argument) and *why, a constant
 * string: "privileged instruction 0F 01 /7 (invlpg)", "instruction crosses
 * a bundle boundary", "ret is not allowed (returns must be masked)", ...
 * On failure the pages may be partly patched: the caller refuses the
 * image anyway.
 */
int verify_code(const struct code_view *v, uint64_t gate_offset, uint64_t entry, uint32_t slot_base,
		uint8_t *scratch, size_t scratch_len, uint64_t *bad_offset, const char **why);

/* --- cfi_patch.c: the slot base for code that is not verified ----------- */
/*
 * Ring-3 tasks are not verified (page tables and keys confine them), but
 * code built for shoji still masks its branches, so the slot base must be
 * written into every `orq $CFI_MARKER, %r11` (49 81 CB imm32, the only
 * form tools/bundle-asm emits).  Patches each one in buf and returns how
 * many; a masked sequence never crosses a bundle, so neither a page.
 */
unsigned cfi_patch_markers(uint8_t *buf, size_t len, uint32_t slot_base);

/* --- nop_squash.c: shorter padding in bundled code (host tools) ---------- */
/*
 * Makes each run of two or more NOPs in code one instruction: a NOP of the
 * run's length, or a jmp rel8 over it (the scheme is described at the top
 * of nop_squash.c).  code: len bytes, len a multiple of BUNDLE_SIZE, the
 * first a bundle start.  scratch: len bytes, overwritten.  Returns 0 with
 * *runs (runs rewritten), or -1 when len is not whole bundles.
 */
int nop_squash(uint8_t *code, size_t len, uint8_t *scratch, unsigned *runs);

#endif
