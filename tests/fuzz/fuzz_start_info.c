/* libFuzzer target: the PVH start info builder (loader/format/start_info.c) against what the kernel
 * reads back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader/format/format.h"

/*
 * The input: a header (the region's size and physical address, the memory
 * map's room and entry count, the initrd and RSDP) and then the command
 * line's bytes (NUL-terminated here, so embedded NULs end it early, as in
 * C).  The region is malloc'd at exactly the size asked for, so ASan
 * catches any write past it.  Properties:
 *  - a refusal writes nothing (the region keeps its fill byte);
 *  - an acceptance gives a region the kernel's reader
 *    (guest/core/bootinfo.c) can follow: every physical address it finds
 *    lies inside the region and below START_INFO_LIMIT, and reads back the
 *    command line, the initrd and the RSDP that went in;
 *  - start_info_set_memmap accepts exactly 1..memmap_cap entries.
 */

struct header {
	uint32_t buf_size;
	uint32_t phys; /* low 32 bits; the top bit moves it above 4 GiB */
	uint16_t memmap_cap;
	uint16_t entries;
	uint64_t initrd_phys, initrd_size, rsdp;
} __attribute__((packed));

#define FILL 0xa5

static uint64_t phys_of(const struct header *h)
{
	uint64_t p = h->phys & 0x7fffffffu;
	return h->phys & 0x80000000u ? p << 8 : p;
}

/* The kernel's view: @paddr..+@len inside the region at @phys of @size bytes. */
static int inside(uint64_t paddr, uint64_t len, uint64_t phys, size_t size)
{
	return paddr >= phys && paddr - phys <= size && len <= size - (paddr - phys) &&
	       paddr + len <= START_INFO_LIMIT;
}

static void check_accepted(const unsigned char *b, size_t size, uint64_t phys,
			   const struct start_info_params *p, const struct header *h)
{
	const struct hvm_start_info *si = (const void *)b;

	if (si->magic != HVM_START_MAGIC || si->version != 1 || si->memmap_entries != 0)
		abort();
	if (!inside(si->memmap_paddr, (uint64_t)h->memmap_cap * 16, phys, size))
		abort();
	if (si->rsdp_paddr != p->rsdp_phys)
		abort();
	size_t clen = strlen(p->cmdline);
	if (!clen != !si->cmdline_paddr)
		abort();
	if (clen && (!inside(si->cmdline_paddr, clen + 1, phys, size) ||
		     memcmp(b + (si->cmdline_paddr - phys), p->cmdline, clen + 1)))
		abort();
	if (!p->initrd_size != !si->nr_modules || (si->nr_modules && si->nr_modules != 1))
		abort();
	if (si->nr_modules) {
		if (!inside(si->modlist_paddr, sizeof(struct hvm_modlist_entry), phys, size))
			abort();
		const struct hvm_modlist_entry *m = (const void *)(b + (si->modlist_paddr - phys));
		if (m->paddr != p->initrd_phys || m->size != p->initrd_size)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct header h;
	struct start_info_layout l;
	const char *why = NULL;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	h.buf_size %=
	    START_INFO_MEMMAP_OFF + 64 * 16 + 64; /* up to a little past the biggest map */
	h.memmap_cap %= 80;

	char *cmdline = malloc(size - sizeof(h) + 1);
	memcpy(cmdline, data + sizeof(h), size - sizeof(h));
	cmdline[size - sizeof(h)] = 0;
	unsigned char *b = malloc(h.buf_size ? h.buf_size : 1);
	memset(b, FILL, h.buf_size);

	struct start_info_params p = {cmdline, h.initrd_phys, h.initrd_size, h.rsdp};
	uint64_t phys = phys_of(&h);
	int rc = start_info_init(b, h.buf_size, phys, h.memmap_cap, &p, &l, &why);
	if (rc) {
		if (!why)
			abort();
		for (size_t i = 0; i < h.buf_size; i++)
			if (b[i] != FILL)
				abort(); /* "nothing is written on failure" */
	} else {
		check_accepted(b, h.buf_size, phys, &p, &h);
		why = NULL;
		rc = start_info_set_memmap(&l, h.entries, &why);
		if ((rc == 0) != (h.entries >= 1 && h.entries <= h.memmap_cap) || (rc && !why))
			abort();
		if (rc == 0 && ((const struct hvm_start_info *)b)->memmap_entries != h.entries)
			abort();
	}
	free(b);
	free(cmdline);
	return 0;
}
