/* The UEFI memory map turned into the E820-style map of the PVH start info. */
#include "efiboot.h"

uint32_t efi_memtype_to_e820(uint32_t uefi_type)
{
	switch (uefi_type) {
	case UEFI_MEM_LOADER_CODE:
	case UEFI_MEM_LOADER_DATA:
	case UEFI_MEM_BOOT_SERVICES_CODE:
	case UEFI_MEM_BOOT_SERVICES_DATA:
	case UEFI_MEM_CONVENTIONAL:
		return HVM_MEMMAP_TYPE_RAM;
	case UEFI_MEM_ACPI_RECLAIM:
		return HVM_MEMMAP_TYPE_ACPI;
	case UEFI_MEM_ACPI_NVS:
		return HVM_MEMMAP_TYPE_NVS;
	case UEFI_MEM_UNUSABLE:
		return HVM_MEMMAP_TYPE_UNUSABLE;
	default:
		return HVM_MEMMAP_TYPE_RESERVED;
	}
}

static uint64_t end_of(const struct hvm_memmap_table_entry *e)
{
	return e->addr + e->size;
}

/* Insertion sort by address: the map has tens to a few hundred entries,
 * and this runs after ExitBootServices, where there is no allocator. */
static void sort_by_addr(struct hvm_memmap_table_entry *t, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct hvm_memmap_table_entry e = t[i];
		size_t j = i;
		while (j > 0 && t[j - 1].addr > e.addr) {
			t[j] = t[j - 1];
			j--;
		}
		t[j] = e;
	}
}

/*
 * Walks the sorted entries once, writing the result over the input (the
 * output index never passes the input index).  Invariant: out[0..m) is
 * sorted, free of overlaps, and no two neighbours of the same type touch.
 */
static size_t merge(struct hvm_memmap_table_entry *t, size_t n)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		struct hvm_memmap_table_entry cur = t[i];

		if (m > 0 && cur.addr < end_of(&t[m - 1])) {
			struct hvm_memmap_table_entry *prev = &t[m - 1];
			uint64_t pend = end_of(prev), cend = end_of(&cur);

			if (cur.type == prev->type) {
				if (cend > pend)
					prev->size = cend - prev->addr;
				continue;
			}
			if (prev->type == HVM_MEMMAP_TYPE_RAM) {
				/* RAM never wins an overlap; its tail past cur is lost. */
				prev->size = cur.addr - prev->addr;
				if (prev->size == 0)
					m--;
			} else {
				if (cend <= pend)
					continue;
				cur.addr = pend;
				cur.size = cend - pend;
			}
		}
		if (m > 0 && t[m - 1].type == cur.type && end_of(&t[m - 1]) == cur.addr) {
			t[m - 1].size += cur.size;
			continue;
		}
		t[m++] = cur;
	}
	return m;
}

int efi_memmap_to_e820(const void *map, size_t map_size, size_t desc_size,
		       struct hvm_memmap_table_entry *out, size_t cap, const char **why)
{
	const unsigned char *p = map;
	size_t n = 0;

	if (desc_size < sizeof(struct uefi_memory_descriptor) || desc_size % 8) {
		*why = "UEFI memory descriptor size is below 40 or not a multiple of 8";
		return -SHOJI_EINVAL;
	}
	if (map_size % desc_size) {
		*why = "UEFI memory map size is not a multiple of the descriptor size";
		return -SHOJI_EINVAL;
	}

	for (size_t off = 0; off < map_size; off += desc_size) {
		struct uefi_memory_descriptor d;

		__builtin_memcpy(&d, p + off, sizeof(d));
		if (d.number_of_pages == 0)
			continue;
		if (d.number_of_pages > (UINT64_MAX - d.physical_start) / EFIBOOT_PAGE_SIZE) {
			*why = "UEFI memory descriptor range wraps past 2^64";
			return -SHOJI_EINVAL;
		}
		if (n == cap) {
			*why = "more UEFI memory descriptors than the memory map table holds";
			return -SHOJI_ENOMEM;
		}
		out[n].addr = d.physical_start;
		out[n].size = d.number_of_pages * EFIBOOT_PAGE_SIZE;
		out[n].type = efi_memtype_to_e820(d.type);
		out[n].reserved = 0;
		n++;
	}

	sort_by_addr(out, n);
	return (int)merge(out, n);
}
