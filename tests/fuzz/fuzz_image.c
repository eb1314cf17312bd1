/* libFuzzer target: the task-image path of the kernel under the semantic oracle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

/*
 * An input that starts with the ELF magic is an image as it is (the seeds
 * are the real tasks); anything else is fuzz bytes for img_generate(),
 * which wraps mostly valid bundled code in a minimal image, so that many
 * images pass the verifier and the oracle has something to check.  Every
 * image is loaded in kernel mode and, as the ring-3 modes load it, with
 * the markers patched instead.  An image accepted in kernel mode that the
 * oracle faults is a verifier bug: the message, then a trap.
 *
 * Accepted encodings that raise #UD (oracle_result.undefined) trap too:
 * they stop the task rather than let it out, but the whitelist promises
 * real instructions only, and the two it once took (tests/fuzz/repro/
 * README) are refused now.  FUZZ_IMAGE_LENIENT=1 in the environment
 * counts them instead.  An image elf_task_parse accepted that then fails
 * to copy or relocate traps as well: the parser let through what the
 * loader cannot load.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	unsigned long images, parsed, accepted, checked, violations, undefined;
} count;

static void report(void)
{
	fprintf(stderr,
		"fuzz_image: %lu images, %lu parsed, %lu accepted (kernel mode), %lu oracle "
		"checks, %lu violations, %lu accepted with a reachable #UD encoding\n",
		count.images, count.parsed, count.accepted, count.checked, count.violations,
		count.undefined);
}

static void fault(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_image: %s: %s\n", what, msg);
	report();
	__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct img_slot slot;
	static uint8_t gen[IMG_GEN_MAX];
	static bool registered;
	const uint8_t *file = data;

	if (!registered)
		registered = !atexit(report);
	if (size < 4 || memcmp(data,
			       "\x7f"
			       "ELF",
			       4)) {
		size = img_generate(data, size, gen);
		file = gen;
	}
	count.images++;
	enum img_stage st = img_load(&slot, file, size, IMG_KERNEL);
	count.parsed += st > IMG_PARSE;
	/* elf_task_parse promises a loadable image: its segments land on
	 * mapped pages and its relocations in writable ones. */
	if (st == IMG_COPY || st == IMG_RELOCATE)
		fault("parsed, then refused while loading", slot.why);
	if (st == IMG_ACCEPTED) {
		struct oracle_result r;
		count.accepted++;
		count.checked++;
		if (oracle_check(&slot, slot.map, slot.img.entry, &r)) {
			count.violations++;
			fault("VIOLATION in an accepted image", r.msg);
		}
		if (r.undefined) {
			char msg[96];
			count.undefined++;
			snprintf(msg, sizeof(msg), "%s at %#llx", r.undefined_why,
				 (unsigned long long)r.undefined_at);
			if (!getenv("FUZZ_IMAGE_LENIENT"))
				fault("accepted, with a reachable #UD encoding", msg);
		}
	}
	if (st > IMG_PARSE)
		img_load(&slot, file, size, IMG_RING3);
	return 0;
}
