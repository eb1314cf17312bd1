/* attack_wrpkru: carries a plain WRPKRU in its code; the loader must refuse the image. */
#include "attack.h"

/*
 * usage: attack_wrpkru [VICTIM]      (the victim's task id, default 1)
 *
 * WRPKRU is an unprivileged instruction: a task that can execute it sets
 * its own PKRU and opens every key (SDM Vol. 2B, WRPKRU).  Shared mode is
 * only sound if no task image holds one, so the kernel scans every
 * executable page at load and refuses the image, and with it the whole
 * command line, before any task runs: "task image attack_wrpkru refused:
 * WRPKRU instruction at image offset 0x...", machine status 3.  Were it
 * loaded, this task would open all keys and read the victim's secret.
 */

#define NAME "attack_wrpkru"

/* An ordinary, aligned WRPKRU: ECX = EDX = 0, EAX = 0 (every key open). */
static __attribute__((noinline)) void open_all_keys(void)
{
	__asm__ volatile("wrpkru" : : "a"(0), "c"(0), "d"(0) : "memory");
}

/* What this attack tries; the kernel must not let it return. */
static void attempt(void)
{
	printf("ATTACK wrpkru: trying WRPKRU with EAX = 0\n");
	open_all_keys();
}

int main(int argc, char **argv)
{
	return attack_code_main(argc, argv, NAME, "wrpkru", "WRPKRU", attempt);
}
