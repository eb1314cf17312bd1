/* The FXSAVE image's layout, for the kernel (fpu.c) and for tasks that read their own registers. */
#ifndef ARCH_FXSAVE_H
#define ARCH_FXSAVE_H

#include <stdint.h>

/*
 * The 64-bit FXSAVE image (FXSAVE64/FXRSTOR64: SDM Vol. 1 10.5.1, Vol. 2A
 * FXSAVE, the 64-bit-mode layout): x87 control, status and tag words, the
 * last instruction and operand pointers, MXCSR, ST0-7 (or MM0-7) in 16
 * bytes each, XMM0-15; the CPU writes nothing in the last 96 bytes.
 * FXRSTOR faults (#GP) on a misaligned image or reserved MXCSR bits set.
 */
struct fxsave_area {
	uint16_t fcw, fsw;
	uint8_t ftw, reserved1;
	uint16_t fop;
	uint64_t fip, fdp;
	uint32_t mxcsr, mxcsr_mask;
	uint8_t st[8][16];
	uint8_t xmm[16][16];
	uint8_t available[96];
} __attribute__((aligned(16)));
_Static_assert(sizeof(struct fxsave_area) == 512, "FXSAVE image is 512 bytes");
_Static_assert(__builtin_offsetof(struct fxsave_area, mxcsr) == 24, "FXSAVE MXCSR");
_Static_assert(__builtin_offsetof(struct fxsave_area, st) == 32, "FXSAVE ST0");
_Static_assert(__builtin_offsetof(struct fxsave_area, xmm) == 160, "FXSAVE XMM0");

#endif
