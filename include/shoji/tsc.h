/* tsc.h: the ordered TSC read that the task runtime and the Linux baselines both measure with. */
#ifndef SHOJI_TSC_H
#define SHOJI_TSC_H

#include <stdint.h>

/*
 * LFENCE before RDTSC keeps earlier instructions from being still in
 * flight, LFENCE after keeps later ones from starting before the read
 * (SDM Vol. 2B, RDTSC); both are allowed by the kernel-mode verifier.
 * Under QEMU -icount shift=0 one tick is one guest instruction.
 * `before` and `after` are assembler text (string literals, "" for none)
 * in the same asm statement, so that nothing the compiler emits comes
 * between them and the read: the TLB-model plugin's region markers
 * (include/shoji/tlbmark.h) go there.  Evaluates to the TSC.
 */
#define SHOJI_RDTSC(before, after)                                                                 \
	({                                                                                         \
		uint32_t lo_, hi_;                                                                 \
		__asm__ volatile(before "lfence\n\trdtsc\n\tlfence\n\t" after                      \
				 : "=a"(lo_), "=d"(hi_)                                            \
				 :                                                                 \
				 : "memory");                                                      \
		(uint64_t) hi_ << 32 | lo_;                                                        \
	})

#endif
