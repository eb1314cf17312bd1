/* attack_kpriv_lidt: loads an IDT of its own (0F 01 /3); the verifier must refuse the image. */
#define KCODE_TASK "attack_kpriv_lidt"
#define KCODE_NAME "kpriv-lidt"
#define KCODE_WHAT "lidt (0F 01 /3): an IDT whose timer vector is my own code"
#include "kcode.h"

/* The next interrupt would run the attacker's handler with the kernel's
 * rights still to be set up by nobody.  Expected: "... refused:
 * kernel-mode code: privileged instruction 0F 01 /3 (lidt) at image
 * offset 0x...". */
static uint8_t idt[4096] __attribute__((aligned(16)));

static void kcode_run(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = {sizeof(idt) - 1, (uintptr_t)idt};
	__asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}
