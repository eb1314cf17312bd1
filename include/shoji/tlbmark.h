/* tlbmark.h: the marker instruction that tells the TLB-model plugin about regions and kernel hints.
 */
#ifndef SHOJI_TLBMARK_H
#define SHOJI_TLBMARK_H

/*
 * A marker is the 7-byte NOP `0F 1F 80 imm32` (nopl imm32(%rax): 0F 1F /0
 * with ModRM 0x80, mod 10, rm 000, a 32-bit displacement), one of the
 * recommended multi-byte NOPs of the Intel SDM Vol. 2B, NOP.  A NOP
 * retires as one instruction and accesses no memory (the operand is never
 * read), so a marker costs one instruction and nothing else, on hardware
 * and under QEMU alike; only the QEMU plugin (bench/tlbmodel/plugin.c,
 * docs/tlb-model.md) gives it a meaning.  The displacement's top 16 bits
 * are TLBMARK_SIG ("SH"), its low 16 bits the op.  isolation/nop_squash.c
 * leaves NOPs with a non-zero displacement alone, and the kernel-mode
 * verifier accepts 0F 1F /0 with any memory operand.
 *
 * Hint ops (the kernel's `tlbhints=on`, guest/arch/x86_64/tlbhint.h) are
 * followed by byte loads from the hint window, each carrying a 12-bit
 * chunk of a value as its offset into the window (TLBMARK_CHUNK_BITS):
 *   HINT_WINDOW: 1 load of window[0] (the plugin learns the base), then
 *                1 load: the CR4 bits (TLBMARK_CR4_PGE | TLBMARK_CR4_PCIDE);
 *   CR3:         6 loads: the flags (TLBMARK_CR3_KEEP); the PCID (bits
 *                11:0) of the next MOV to CR3, whose bit 63 is the op:
 *                CR3_NOFLUSH set, CR3_FLUSH clear; the page-table root's
 *                frame number (bits 51:12 of the value) in 4 chunks, low
 *                first;
 *   INVLPG:      3 loads: bits 11:0, 23:12 and 35:24 of the page number
 *                (the address's bits 47:12) of the next INVLPG, which is
 *                sign-extended from the address's bit 47 (canonical, SDM
 *                Vol. 1 3.3.7.1);
 *   INVPCID:     5 loads: the type, the PCID, then the page as INVLPG's;
 *   CR4:         1 load: the CR4 bits the next MOV to CR4 writes;
 *   AS_FREE:     4 loads: the frame number of a page-table root that is
 *                about to be freed, as CR3's (no instruction follows: the
 *                address space dies here, before its frame can be reused).
 */
#define TLBMARK_SIG 0x5348u /* "SH" */
#define TLBMARK_LEN 7	    /* bytes */
#define TLBMARK_CHUNK_BITS 12
#define TLBMARK_WINDOW_SIZE (1u << TLBMARK_CHUNK_BITS)
#define TLBMARK_CR4_PGE 0x1u
#define TLBMARK_CR4_PCIDE 0x2u
/* The CR3 hint's flags: a kernel with PCIDs would set bit 63 here (keep
 * this address space's entries: not its first load, not compact). */
#define TLBMARK_CR3_KEEP 0x1u
#define TLBMARK_FRAME_CHUNKS 4 /* a frame number, bits 51:12: 40 bits */

/* The ops (the displacement's low 16 bits), without a suffix: they are
 * pasted into assembler text. */
#define TLBMARK_ROI_BEGIN 0x0001
#define TLBMARK_ROI_END 0x0002
#define TLBMARK_HINT_WINDOW 0x0010
#define TLBMARK_CR3_FLUSH 0x0011
#define TLBMARK_CR3_NOFLUSH 0x0012
#define TLBMARK_INVLPG 0x0013
#define TLBMARK_INVPCID 0x0014
#define TLBMARK_CR4 0x0015
#define TLBMARK_AS_FREE 0x0016

/* The loads each hint op is followed by. */
#define TLBMARK_WINDOW_LOADS 2
#define TLBMARK_CR3_LOADS (2 + TLBMARK_FRAME_CHUNKS)
#define TLBMARK_INVLPG_LOADS 3
#define TLBMARK_INVPCID_LOADS 5
#define TLBMARK_CR4_LOADS 1
#define TLBMARK_AS_FREE_LOADS TLBMARK_FRAME_CHUNKS

#define TLBMARK_STR_(x) #x
#define TLBMARK_STR(x) TLBMARK_STR_(x)

/* The marker as assembler text, for an asm statement: a string literal
 * when op is a literal or a macro for one (the ops above). */
#define TLBMARK_ASM(op) ".byte 0x0f, 0x1f, 0x80\n\t.long (0x53480000 | " TLBMARK_STR(op) ")\n\t"

#ifndef __ASSEMBLY__
_Static_assert(TLBMARK_SIG << 16 == 0x53480000u, "TLBMARK_ASM spells the signature out");

/* Executes marker `op` (a constant: one of the ops above). */
#define tlbmark(op) __asm__ volatile(TLBMARK_ASM(op))
#endif

#endif
