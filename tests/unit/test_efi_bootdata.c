/* Unit tests for the UEFI loader's start info builder (loader/uefi/bootdata.c). */
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

static _Alignas(8) unsigned char region[EFIBOOT_MEMMAP_OFF + CAP * 24 + 64];
static struct efi_bootdata bd;

static void test_size(void **state)
{
	(void)state;
	assert_int_equal(efi_bootdata_size(0), 128 + SHOJI_CMDLINE_MAX);
	assert_int_equal(efi_bootdata_size(CAP), 128 + SHOJI_CMDLINE_MAX + CAP * 24);
}

static void test_layout(void **state)
{
	(void)state;
	memset(region, 0xee, sizeof(region));
	efi_bootdata_init(region, PHYS, CAP, "task=hello", 0x1000000, 0x2345, 0xf0000, &bd);

	assert_ptr_equal(bd.si, region);
	assert_int_equal(bd.si_phys, PHYS);
	assert_ptr_equal(bd.mod, region + EFIBOOT_MODLIST_OFF);
	assert_ptr_equal(bd.cmdline, (char *)region + EFIBOOT_CMDLINE_OFF);
	assert_ptr_equal(bd.memmap, region + EFIBOOT_MEMMAP_OFF);
	assert_int_equal(bd.memmap_cap, CAP);

	const struct hvm_start_info *si = bd.si;
	assert_int_equal(si->magic, HVM_START_MAGIC);
	assert_int_equal(si->version, 1);
	assert_int_equal(si->flags, 0);
	assert_int_equal(si->nr_modules, 1);
	assert_int_equal(si->modlist_paddr, PHYS + EFIBOOT_MODLIST_OFF);
	assert_int_equal(si->cmdline_paddr, PHYS + EFIBOOT_CMDLINE_OFF);
	assert_int_equal(si->rsdp_paddr, 0xf0000);
	assert_int_equal(si->memmap_paddr, PHYS + EFIBOOT_MEMMAP_OFF);
	assert_int_equal(si->memmap_entries, 0);
	assert_int_equal(si->reserved, 0);

	assert_int_equal(bd.mod->paddr, 0x1000000);
	assert_int_equal(bd.mod->size, 0x2345);
	assert_int_equal(bd.mod->cmdline_paddr, 0);
	assert_int_equal(bd.mod->reserved, 0);
	assert_string_equal(bd.cmdline, "task=hello");

	/* The whole region is cleared, nothing past it touched. */
	assert_int_equal(((unsigned char *)bd.memmap)[CAP * 24 - 1], 0);
	assert_int_equal(region[efi_bootdata_size(CAP)], 0xee);

	bd.memmap[0] = (struct hvm_memmap_table_entry){0, 0xa0000, HVM_MEMMAP_TYPE_RAM, 0};
	bd.memmap[1] = (struct hvm_memmap_table_entry){0x100000, 0x100000, HVM_MEMMAP_TYPE_RAM, 0};
	efi_bootdata_set_memmap(&bd, 2);
	assert_int_equal(si->memmap_entries, 2);
}

/* What guest/core/bootinfo.c needs: everything inside the first GiB. */
static void test_inside_first_gib(void **state)
{
	(void)state;
	uint64_t phys = EFIBOOT_LOW_LIMIT - efi_bootdata_size(CAP);
	efi_bootdata_init(region, phys, CAP, "x", 0x1000, 1, 0, &bd);
	assert_true(bd.si->memmap_paddr + CAP * sizeof(struct hvm_memmap_table_entry) <=
		    EFIBOOT_LOW_LIMIT);
	assert_true(bd.si->cmdline_paddr + SHOJI_CMDLINE_MAX <= EFIBOOT_LOW_LIMIT);
}

static void test_no_initrd_no_cmdline(void **state)
{
	(void)state;
	efi_bootdata_init(region, PHYS, CAP, "", 0x1000000, 0, 0, &bd);
	assert_int_equal(bd.si->nr_modules, 0);
	assert_int_equal(bd.si->modlist_paddr, 0);
	assert_int_equal(bd.mod->paddr, 0);
	assert_int_equal(bd.si->cmdline_paddr, 0); /* "0 when none" */
	assert_int_equal(bd.si->rsdp_paddr, 0);
}

static void test_long_cmdline_cut(void **state)
{
	(void)state;
	char *line = malloc(SHOJI_CMDLINE_MAX + 100);
	assert_non_null(line);
	memset(line, 'a', SHOJI_CMDLINE_MAX + 99);
	line[SHOJI_CMDLINE_MAX + 99] = 0;
	memset(region, 0xee, sizeof(region));
	efi_bootdata_init(region, PHYS, CAP, line, 0, 0, 0, &bd);
	assert_int_equal(strlen(bd.cmdline), SHOJI_CMDLINE_MAX - 1);
	/* The memory map after it is untouched by the copy (zeroed). */
	assert_int_equal(((unsigned char *)bd.memmap)[0], 0);
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_size),
	    cmocka_unit_test(test_layout),
	    cmocka_unit_test(test_inside_first_gib),
	    cmocka_unit_test(test_no_initrd_no_cmdline),
	    cmocka_unit_test(test_long_cmdline_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
