/* attack_big: an image whose data runs past its slot into the next one; the loader must refuse it.
 */
#include "attack.h"

/*
 * usage: attack_big [VICTIM]      (the victim's task id, default 2: the
 *                                  victim starts right after, in the next slot)
 *
 * A slot is 128 KiB: the image (at most 88 KiB, up to the system-call
 * trampoline), a guard page and the stack.  This image's zeroed data is
 * 160 KiB, so mapped as it asks it would cover its own trampoline and
 * stack and run on into the next slot, the victim's, where the victim's
 * memory would simply be part of this task's array.  The loader must
 * refuse the image: "task image attack_big refused: image too large: 184
 * KiB of memory span, the limit is 88 KiB", status 3, before any task
 * runs; the host refuses it even earlier (shoji or build/shoji-pack:
 * "task file .../attack_big.elf: image too large: ...", status 2), with
 * the same rules (tests/attacks/big-image.case).
 */

#define NAME "attack_big"

static char big[160 << 10];

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 2;

	if (attack_begin(argc, argv, NAME, &victim, &a) < 0)
		return 1;
	uintptr_t start = (uintptr_t)big, end = start + sizeof(big);
	if (a.data < start || a.data + SECRET_LEN > end) {
		printf(NAME ": the victim's data at %#lx is outside my array [%#lx, %#lx)\n",
		       (unsigned long)a.data, (unsigned long)start, (unsigned long)end);
		attack_done(victim);
		return 1;
	}
	attack_read_victim("big", &a);
	attack_done(victim);
	return 1;
}
