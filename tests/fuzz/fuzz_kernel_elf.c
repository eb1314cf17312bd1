/* libFuzzer target: the kernel ELF rules read through libelf (vmm/elf_load.c) and through the raw
 * reader must agree on every input. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/uefi/efiboot.h"
#include "vmm/elf_load.h"
#include "vmm/startinfo.h"
#include "vmm/vmm.h"

/*
 * Differential: elf_judge (libelf: gelf_getehdr, gelf_getphdr,
 * elf_getdata_rawchunk) and kernel_elf_check (raw bytes) run the same
 * rules (loader/format/kernel_elf.c) through different readers, so they
 * must give the same verdict, the same reason and the same description;
 * and libelf must never fail on a range the rules have placed inside the
 * file (-EIO).  Any difference aborts.  An accepted kernel is then loaded
 * (elf_load: placement and copy) and parsed by the UEFI loader
 * (loader/uefi/kernel.c: its page ranges) to exercise those too.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void differ(const char *what, const char *a, const char *b)
{
	fprintf(stderr, "fuzz_kernel_elf: %s: libelf \"%s\", raw \"%s\"\n", what, a ? a : "accept",
		b ? b : "accept");
	abort();
}

/* Field by field: the structs' padding is not part of the description. */
static bool same_kernel(const struct kernel_elf *a, const struct kernel_elf *b)
{
	if (a->entry != b->entry || a->lo != b->lo || a->hi != b->hi || a->nseg != b->nseg)
		return false;
	for (unsigned i = 0; i < a->nseg; i++)
		if (a->seg[i].paddr != b->seg[i].paddr || a->seg[i].memsz != b->seg[i].memsz ||
		    a->seg[i].offset != b->seg[i].offset || a->seg[i].filesz != b->seg[i].filesz)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ram[4 << 20];
	static struct efi_kernel ek;
	struct kernel_elf via_libelf, raw;
	const char *why_libelf = NULL, *why_raw = NULL;

	/* libelf reads the file in place and may write it: give it a copy. */
	void *file = malloc(size ? size : 1);
	if (!file)
		return 0;
	memcpy(file, data, size);
	int rc_libelf = elf_judge(file, size, &via_libelf, &why_libelf);
	int rc_raw = kernel_elf_check(data, size, &raw, &why_raw);

	if (rc_libelf == -EIO)
		differ("libelf failed where the rules read", why_libelf, why_raw);
	if ((rc_libelf == 0) != (rc_raw == 0))
		differ("verdicts differ", why_libelf, why_raw);
	if (rc_raw && strcmp(why_libelf, why_raw))
		differ("reasons differ", why_libelf, why_raw);
	if (!rc_raw && !same_kernel(&via_libelf, &raw))
		differ("descriptions differ", NULL, NULL);

	if (!rc_raw) {
		struct guest_mem m;
		struct elf_image img;
		const char *why;
		memcpy(file, data, size);
		guest_mem_wrap(&m, ram, sizeof(ram));
		elf_load(&m, file, size, BOOT_AREA_START, BOOT_AREA_END, &img, &why);
		if (efi_kernel_parse(data, size, &ek, &why))
			differ("the UEFI loader refused what the rules accept", NULL, why);
	}
	free(file);
	return 0;
}
