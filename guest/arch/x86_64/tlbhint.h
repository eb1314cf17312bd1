/* tlbhint.h: the kernel's hints to the QEMU TLB-model plugin (tlbhints=on), inline at each CR3, CR4
 * and INVLPG site and where an address space dies. */
#ifndef ARCH_X86_64_TLBHINT_H
#define ARCH_X86_64_TLBHINT_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/x86.h"
#include "shoji/tlbmark.h"

/*
 * QEMU 7.2's plugin interface shows a plugin that a MOV to CR3 ran, not
 * the value it wrote (docs/tlb-model.md).  With tlbhints=on the kernel
 * says it: right before each such instruction a marker
 * (include/shoji/tlbmark.h) and byte loads from tlbhint_window, each
 * load's offset one 12-bit chunk of the operand.  A marker is a NOP and
 * the loads read a page nobody writes, so a hint changes no state.
 *
 * Off (the default), a site costs the flag test: the hints are inline asm
 * behind an unlikely branch, never a call, so that a function that writes
 * CR3 needs no stack frame for them.  Each hint is one asm statement, so
 * nothing the compiler emits comes between the marker and its loads (the
 * plugin abandons a hint another access interrupts); the kernel runs
 * these sites with interrupts off, so no handler comes between either.
 *
 * Each function takes the value the next instruction writes (CR3, CR4)
 * or the address it invalidates (INVLPG), and must come right before it;
 * tlbhint_as_free() comes before an address space's root is freed.
 */

extern bool tlbhints_on;
extern const volatile uint8_t tlbhint_window[TLBMARK_WINDOW_SIZE];

/* Sets the flag and, when on, announces the window and CR4's PGE and
 * PCIDE bits as they are, and prints "paging: tlbhints on (window 0x...)".
 * Call it once, when CR4 has its boot value (tlbhint.c). */
void tlbhint_init(bool on);

/* The byte of the window whose offset is chunk i of v. */
#define TLBHINT_CHUNK(v, i)                                                                        \
	(&tlbhint_window[((v) >> ((i)*TLBMARK_CHUNK_BITS)) & (TLBMARK_WINDOW_SIZE - 1)])

/* A marker and one load (op a literal or a tlbmark.h op). */
#define TLBHINT_1(op, p0)                                                                          \
	do {                                                                                       \
		uint32_t t_;                                                                       \
		__asm__ volatile(TLBMARK_ASM(op) "movzbl (%1), %0"                                 \
				 : "=&r"(t_)                                                       \
				 : "r"(p0)                                                         \
				 : "memory");                                                      \
	} while (0)

/* The CR4 bits the plugin models, as TLBMARK_CR4_* bits. */
static inline uint64_t tlbhint_cr4_bits(uint64_t cr4)
{
	return (cr4 & CR4_PGE ? TLBMARK_CR4_PGE : 0) | (cr4 & CR4_PCIDE ? TLBMARK_CR4_PCIDE : 0);
}

/* One load whose offset is bits s+11:s of %[v], masked by m (assembler
 * text; %[t] a 64-bit scratch register, %[w] the window). */
#define TLBHINT_LOAD(s, m)                                                                         \
	"mov %[v], %[t]\n\tshr $" #s ", %[t]\n\tand $" #m ", %[t]\n\t"                             \
	"movzbl (%[w],%[t]), %k[t]\n\t"

/* The frame number of the page-table root in %[v]: bits 51:12 in 4 loads
 * (TLBMARK_FRAME_CHUNKS), low first. */
#define TLBHINT_FRAME                                                                              \
	TLBHINT_LOAD(12, 0xfff)                                                                    \
	TLBHINT_LOAD(24, 0xfff) TLBHINT_LOAD(36, 0xfff) TLBHINT_LOAD(48, 0xf)

/* The CR3 hint in one asm statement: the flags, the PCID, the frame.
 * The flags come from *fresh, read before the marker (a load the model
 * counts, as a PCID kernel reads `fresh` there), KEEP its negation; the
 * marker is CR3_NOFLUSH or CR3_FLUSH by bit 63, a branch inside the
 * statement (no access: the plugin sees only the marker that runs), so
 * that each site has one copy of the loads: two made the kernel image a
 * page longer, and its boot 275 instructions (mapping that page).  The
 * scratch and the window sit in fixed registers: left to the compiler,
 * aspace_activate() gained a register move per switch with hints off. */
#define TLBHINT_CR3(cr3, fresh)                                                                    \
	do {                                                                                       \
		register uint64_t t_ __asm__("r11");                                               \
		register const volatile uint8_t *w_ __asm__("r10") = tlbhint_window;               \
		_Static_assert(TLBMARK_CR3_KEEP == 1, "KEEP is !fresh");                           \
		__asm__ volatile(                                                                  \
		    "movzbl %[f], %k[t]\n\txor $1, %k[t]\n\ttest %[v], %[v]\n\t"                   \
		    "js 1f\n\t" TLBMARK_ASM(                                                       \
			TLBMARK_CR3_FLUSH) "jmp 2f\n"                                              \
					   "1:\n\t" TLBMARK_ASM(                                   \
					       TLBMARK_CR3_NOFLUSH) "2:\n\t"                       \
								    "movzbl (%[w],%[t]), "         \
								    "%k[t]\n\t" TLBHINT_LOAD(      \
									0, 0xfff) TLBHINT_FRAME    \
		    : [t] "=&r"(t_)                                                                \
		    : [v] "r"(cr3), [f] "m"(*(fresh)), [w] "r"(w_)                                 \
		    : "memory", "cc");                                                             \
	} while (0)

_Static_assert(CR3_NOFLUSH == 1ull << 63, "the hint tests bit 63 by its sign");

/* A `fresh` for CR3 writes that a kernel with PCIDs makes with bit 63
 * clear whatever the address space (the kernel's own root, compact ones). */
extern const bool tlbhint_flush;

/* cr3: the value the next MOV to CR3 writes; *fresh: whether a kernel
 * with PCIDs would flush the address space's entries here (bit 63 clear:
 * aspace_activate()'s as->fresh, else &tlbhint_flush), which the plugin's
 * pcid=model uses while this kernel runs without PCIDs.  A pointer, read
 * only with hints on: as a value, `as->fresh` was loaded on every switch
 * with hints off too. */
static inline __attribute__((always_inline)) void tlbhint_cr3(uint64_t cr3, const bool *fresh)
{
	if (__builtin_expect(tlbhints_on, 0))
		TLBHINT_CR3(cr3, fresh);
}

/* The page-table root at physical address `root` is about to be freed:
 * the plugin's pcid=model releases its model PCID. */
static inline __attribute__((always_inline)) void tlbhint_as_free(uint64_t root)
{
	if (__builtin_expect(!tlbhints_on, 1))
		return;
	uint64_t t;
	__asm__ volatile(TLBMARK_ASM(TLBMARK_AS_FREE) TLBHINT_FRAME
			 : [t] "=&r"(t)
			 : [v] "r"(root), [w] "r"(tlbhint_window)
			 : "memory", "cc");
}

static inline __attribute__((always_inline)) void tlbhint_cr4(uint64_t cr4)
{
	if (__builtin_expect(tlbhints_on, 0))
		TLBHINT_1(TLBMARK_CR4, TLBHINT_CHUNK(tlbhint_cr4_bits(cr4), 0));
}

/* The page number in 3 chunks: address bits 47:12. */
static inline __attribute__((always_inline)) void tlbhint_invlpg(uint64_t va)
{
	if (__builtin_expect(!tlbhints_on, 1))
		return;
	uint64_t vpn = va >> 12;
	uint32_t t;
	__asm__ volatile(TLBMARK_ASM(TLBMARK_INVLPG) "movzbl (%1), %0\n\tmovzbl (%2), %0\n\t"
						     "movzbl (%3), %0"
			 : "=&r"(t)
			 : "r"(TLBHINT_CHUNK(vpn, 0)), "r"(TLBHINT_CHUNK(vpn, 1)),
			   "r"(TLBHINT_CHUNK(vpn, 2))
			 : "memory");
}

/* The kernel's MOV to CR3, MOV to CR4 and INVLPG: the hint, then the
 * instruction (x86.h's raw_* are for these alone). */
static inline __attribute__((always_inline)) void tlb_write_cr3(uint64_t cr3, const bool *fresh)
{
	tlbhint_cr3(cr3, fresh);
	raw_write_cr3(cr3);
}

static inline __attribute__((always_inline)) void tlb_write_cr4(uint64_t cr4)
{
	tlbhint_cr4(cr4);
	raw_write_cr4(cr4);
}

static inline __attribute__((always_inline)) void tlb_invlpg(uint64_t va)
{
	tlbhint_invlpg(va);
	raw_invlpg(va);
}

#endif
