/* Unit tests for the UEFI loader's start info (loader/format/start_info.c as the loader calls it,
 * loader/uefi/bootdata.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../loader/uefi/efiboot.h"

#define PHYS 0x3fe00000ull /* somewhere below 1 GiB */
#define CAP 40

static _Alignas(8) unsigned char region[START_INFO_MEMMAP_OFF + CAP * 24 + 64];
static struct start_info_layout bd;
static const char *why;

static int init(uint64_t phys, const char *cmdline, uint64_t initrd, uint64_t initrd_size,
		uint64_t rsdp)
{
	const struct start_info_params p = {cmdline, initrd, initrd_size, rsdp};
	why = NULL;
	return start_info_init(region, sizeof(region), phys, CAP, &p, &bd, &why);
}

static void test_size(void **state)
{
	(void)state;
	assert_int_equal(start_info_size(0), 128 + SHOJI_CMDLINE_MAX);
	assert_int_equal(start_info_size(CAP), 128 + SHOJI_CMDLINE_MAX + CAP * 24);
}

static void test_layout(void **state)
{
	(void)state;
	memset(region, 0xee, sizeof(region));
	assert_int_equal(init(PHYS, "task=hello", 0x1000000, 0x2345, 0xf0000), 0);
	assert_null(why);

	assert_ptr_equal(bd.si, region);
	assert_int_equal(bd.si_phys, PHYS);
	assert_ptr_equal(bd.mod, region + START_INFO_MODLIST_OFF);
	assert_ptr_equal(bd.cmdline, (char *)region + START_INFO_CMDLINE_OFF);
	assert_ptr_equal(bd.memmap, region + START_INFO_MEMMAP_OFF);
	assert_int_equal(bd.memmap_cap, CAP);

	const struct hvm_start_info *si = bd.si;
	assert_int_equal(si->magic, HVM_START_MAGIC);
	assert_int_equal(si->version, 1);
	assert_int_equal(si->flags, 0);
	assert_int_equal(si->nr_modules, 1);
	assert_int_equal(si->modlist_paddr, PHYS + START_INFO_MODLIST_OFF);
	assert_int_equal(si->cmdline_paddr, PHYS + START_INFO_CMDLINE_OFF);
	assert_int_equal(si->rsdp_paddr, 0xf0000);
	assert_int_equal(si->memmap_paddr, PHYS + START_INFO_MEMMAP_OFF);
	assert_int_equal(si->memmap_entries, 0);
	assert_int_equal(si->reserved, 0);

	assert_int_equal(bd.mod->paddr, 0x1000000);
	assert_int_equal(bd.mod->size, 0x2345);
	assert_int_equal(bd.mod->cmdline_paddr, 0);
	assert_int_equal(bd.mod->reserved, 0);
	assert_string_equal(bd.cmdline, "task=hello");

	/* The whole region is cleared, nothing past it touched. */
	assert_int_equal(((unsigned char *)bd.memmap)[CAP * 24 - 1], 0);
	assert_int_equal(region[start_info_size(CAP)], 0xee);
}

/* The firmware's map goes straight into the region, and its count into the start info. */
static void test_set_memmap(void **state)
{
	(void)state;
	struct uefi_memory_descriptor map[2] = {
	    {UEFI_MEM_CONVENTIONAL, 0, 0, 0, 0xa0000 / 4096, 0},
	    {UEFI_MEM_BOOT_SERVICES_DATA, 0, 0x100000, 0, 0x100, 0},
	};
	assert_int_equal(init(PHYS, "x", 0, 0, 0), 0);
	assert_int_equal(efi_bootdata_set_memmap(&bd, map, sizeof(map), sizeof(map[0]), &why), 2);
	assert_int_equal(bd.si->memmap_entries, 2);
	assert_int_equal(bd.memmap[1].addr, 0x100000);
	assert_int_equal(bd.memmap[1].type, HVM_MEMMAP_TYPE_RAM);

	assert_int_equal(efi_bootdata_set_memmap(&bd, map, 0, sizeof(map[0]), &why), -SHOJI_EINVAL);
	assert_string_equal(why, "the memory map is empty");
	assert_int_equal(start_info_set_memmap(&bd, CAP + 1, &why), -SHOJI_EINVAL);
	assert_int_equal(bd.si->memmap_entries, 2);
}

/* What guest/core/bootinfo.c needs: everything inside the first GiB. */
static void test_inside_first_gib(void **state)
{
	(void)state;
	uint64_t phys = EFIBOOT_LOW_LIMIT - start_info_size(CAP);
	assert_int_equal(init(phys, "x", 0x1000, 1, 0), 0);
	assert_true(bd.si->memmap_paddr + CAP * sizeof(struct hvm_memmap_table_entry) <=
		    EFIBOOT_LOW_LIMIT);
	assert_true(bd.si->cmdline_paddr + SHOJI_CMDLINE_MAX <= EFIBOOT_LOW_LIMIT);
	/* 8 bytes higher and the region would cross it: refused. */
	assert_int_equal(init(phys + 8, "x", 0x1000, 1, 0), -SHOJI_EINVAL);
	assert_string_equal(why, "the start info region does not end within the first GiB");
}

static void test_no_initrd_no_cmdline(void **state)
{
	(void)state;
	assert_int_equal(init(PHYS, "", 0x1000000, 0, 0), 0);
	assert_int_equal(bd.si->nr_modules, 0);
	assert_int_equal(bd.si->modlist_paddr, 0);
	assert_int_equal(bd.mod->paddr, 0);
	assert_int_equal(bd.si->cmdline_paddr, 0); /* "0 when none" */
	assert_int_equal(bd.si->rsdp_paddr, 0);
}

/* A command line longer than the room is refused, and the region left alone. */
static void test_long_cmdline(void **state)
{
	(void)state;
	char *line = malloc(SHOJI_CMDLINE_MAX + 100);
	assert_non_null(line);
	memset(line, 'a', SHOJI_CMDLINE_MAX + 99);
	line[SHOJI_CMDLINE_MAX + 99] = 0;
	memset(region, 0xee, sizeof(region));
	assert_int_equal(init(PHYS, line, 0, 0, 0), -SHOJI_EMSGSIZE);
	assert_string_equal(why, "kernel command line longer than 4095 bytes");
	assert_int_equal(region[START_INFO_MEMMAP_OFF], 0xee);
	line[SHOJI_CMDLINE_MAX - 1] = 0; /* 4095 bytes: the most there is room for */
	assert_int_equal(init(PHYS, line, 0, 0, 0), 0);
	assert_int_equal(strlen(bd.cmdline), SHOJI_CMDLINE_MAX - 1);
	assert_int_equal(((unsigned char *)bd.memmap)[0], 0);
	free(line);
}

static void test_bad_region(void **state)
{
	(void)state;
	const struct start_info_params p = {"", 0, 0, 0};
	assert_int_equal(start_info_init(region + 4, sizeof(region) - 4, PHYS, 1, &p, &bd, &why),
			 -SHOJI_EINVAL);
	assert_string_equal(why, "the start info region is not 8-byte aligned");
	assert_int_equal(
	    start_info_init(region, start_info_size(CAP) - 1, PHYS, CAP, &p, &bd, &why),
	    -SHOJI_EINVAL);
	assert_string_equal(why, "the start info region is too small");
	assert_int_equal(init(PHYS, "", UINT64_MAX - 10, 0x100, 0), -SHOJI_EINVAL);
	assert_string_equal(why, "the initrd's range wraps past 2^64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_size),
	    cmocka_unit_test(test_layout),
	    cmocka_unit_test(test_set_memmap),
	    cmocka_unit_test(test_inside_first_gib),
	    cmocka_unit_test(test_no_initrd_no_cmdline),
	    cmocka_unit_test(test_long_cmdline),
	    cmocka_unit_test(test_bad_region),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
