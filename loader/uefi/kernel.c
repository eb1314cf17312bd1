/* kernel.elf for the UEFI loader: judged by loader/format/'s rules, then the pages to allocate. */
#include "efiboot.h"

#define PAGE_MASK ((uint64_t)EFIBOOT_PAGE_SIZE - 1)

/* Each segment's pages, merged where neighbours (sorted by paddr) share or touch a page. */
static void page_ranges(struct efi_kernel *k)
{
	k->nrange = 0;
	for (unsigned i = 0; i < k->elf.nseg; i++) {
		const struct kernel_elf_segment *s = &k->elf.seg[i];
		/* Below 4 GiB (kernel_elf_check), so rounding up cannot wrap. */
		uint64_t lo = s->paddr & ~PAGE_MASK;
		uint64_t hi = (s->paddr + s->memsz + PAGE_MASK) & ~PAGE_MASK;
		struct efi_kernel_range *prev = k->nrange ? &k->range[k->nrange - 1] : 0;
		if (prev && lo <= prev->hi) {
			if (hi > prev->hi)
				prev->hi = hi;
		} else {
			k->range[k->nrange++] = (struct efi_kernel_range){lo, hi};
		}
	}
	k->lo = k->range[0].lo;
	k->hi = k->range[k->nrange - 1].hi;
}

int efi_kernel_parse(const void *file, size_t size, struct efi_kernel *out, const char **why)
{
	int err = kernel_elf_check(file, size, &out->elf, why);
	if (err)
		return err;
	page_ranges(out);
	return 0;
}
