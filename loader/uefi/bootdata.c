/* The firmware's memory map, converted, as the start info's (the region itself:
 * loader/format/start_info.c). */
#include "efiboot.h"

int efi_bootdata_set_memmap(const struct start_info_layout *bd, const void *map, size_t map_size,
			    size_t desc_size, const char **why)
{
	int n = efi_memmap_to_e820(map, map_size, desc_size, bd->memmap, bd->memmap_cap, why);
	if (n < 0)
		return n;
	int err = start_info_set_memmap(bd, (size_t)n, why);
	return err ? err : n;
}
