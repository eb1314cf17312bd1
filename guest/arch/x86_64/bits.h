/* Constants usable from both C and assembly. */
#ifndef ARCH_BITS_H
#define ARCH_BITS_H

#ifdef __ASSEMBLY__
#define U64(x) x
#else
#define U64(x) x##ul /* LP64: the type of uint64_t */
#endif
#define BIT(n) (U64(1) << (n))

#endif
