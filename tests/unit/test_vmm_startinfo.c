/* Unit tests for the PVH start info builder (vmm/startinfo.c on loader/format/start_info.c) and
 * initrd placement. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../vmm/startinfo.h"
#include "../../vmm/vmm.h"

#define RAM (16u << 20)

static int setup(void **state)
{
	struct guest_mem *m = malloc(sizeof(*m));
	void *buf = malloc(RAM);
	if (!m || !buf)
		return -1;
	memset(buf, 0xaa, RAM);
	guest_mem_wrap(m, buf, RAM);
	*state = m;
	return 0;
}

static int teardown(void **state)
{
	struct guest_mem *m = *state;
	free(m->host);
	free(m);
	return 0;
}

static void test_layout(void **state)
{
	struct guest_mem *m = *state;
	const char *why = NULL;
	gpa_t si_at = 0;

	assert_int_equal(
	    startinfo_build(m, "task=hello quantum=5", 0xf00000, 0x1234, 0, &si_at, &why), 0);
	assert_int_equal(si_at, BOOT_START_INFO);
	const struct hvm_start_info *si = guest_ptr(m, si_at, sizeof(*si));
	assert_int_equal(si->magic, HVM_START_MAGIC);
	assert_int_equal(si->version, 1);
	assert_int_equal(si->flags, 0);
	assert_int_equal(si->rsdp_paddr, 0);
	assert_int_equal(si->cmdline_paddr, BOOT_START_INFO + START_INFO_CMDLINE_OFF);
	assert_string_equal((const char *)guest_ptr(m, si->cmdline_paddr, 1),
			    "task=hello quantum=5");

	assert_int_equal(si->memmap_paddr, BOOT_START_INFO + START_INFO_MEMMAP_OFF);
	assert_int_equal(si->memmap_entries, 3);
	const struct hvm_memmap_table_entry *mm = guest_ptr(m, si->memmap_paddr, 3 * sizeof(*mm));
	assert_int_equal(mm[0].addr, 0);
	assert_int_equal(mm[0].size, 0x9fc00);
	assert_int_equal(mm[0].type, HVM_MEMMAP_TYPE_RAM);
	assert_int_equal(mm[1].addr, 0x9fc00);
	assert_int_equal(mm[1].size, 0x100000 - 0x9fc00);
	assert_int_equal(mm[1].type, HVM_MEMMAP_TYPE_RESERVED);
	assert_int_equal(mm[2].addr, 0x100000);
	assert_int_equal(mm[2].size, RAM - 0x100000);
	assert_int_equal(mm[2].type, HVM_MEMMAP_TYPE_RAM);

	assert_int_equal(si->nr_modules, 1);
	assert_int_equal(si->modlist_paddr, BOOT_START_INFO + START_INFO_MODLIST_OFF);
	const struct hvm_modlist_entry *mod = guest_ptr(m, si->modlist_paddr, sizeof(*mod));
	assert_int_equal(mod->paddr, 0xf00000);
	assert_int_equal(mod->size, 0x1234);
	assert_int_equal(mod->cmdline_paddr, 0);

	/* The boot area is cleared; memory outside it is left alone. */
	assert_int_equal(*(uint8_t *)guest_ptr(m, BOOT_AREA_END - 1, 1), 0);
	assert_int_equal(*(uint8_t *)guest_ptr(m, BOOT_AREA_START - 1, 1), 0xaa);
	assert_int_equal(*(uint8_t *)guest_ptr(m, BOOT_AREA_END, 1), 0xaa);
}

static void test_no_initrd(void **state)
{
	struct guest_mem *m = *state;
	const char *why = NULL;
	gpa_t si_at;
	assert_int_equal(startinfo_build(m, "", 0, 0, 0, &si_at, &why), 0);
	const struct hvm_start_info *si = guest_ptr(m, si_at, sizeof(*si));
	assert_int_equal(si->nr_modules, 0);
	assert_int_equal(si->modlist_paddr, 0);
	assert_int_equal(si->cmdline_paddr, 0); /* "0 when none" (include/shoji/pvh.h) */
}

static void test_cmdline_limit(void **state)
{
	struct guest_mem *m = *state;
	const char *why = NULL;
	gpa_t si_at;
	char *c = malloc(SHOJI_CMDLINE_MAX + 1);
	memset(c, 'x', SHOJI_CMDLINE_MAX - 1);
	c[SHOJI_CMDLINE_MAX - 1] = 0; /* 4095 characters: the most there is room for */
	assert_int_equal(startinfo_build(m, c, 0, 0, 0, &si_at, &why), 0);
	const struct hvm_start_info *si = guest_ptr(m, si_at, sizeof(*si));
	assert_int_equal(strlen(guest_ptr(m, si->cmdline_paddr, 1)), SHOJI_CMDLINE_MAX - 1);
	c[SHOJI_CMDLINE_MAX - 1] = 'x';
	c[SHOJI_CMDLINE_MAX] = 0; /* one more */
	assert_int_equal(startinfo_build(m, c, 0, 0, 0, &si_at, &why), -E2BIG);
	assert_non_null(strstr(why, "command line longer than 4095"));
	free(c);
}

static void test_bad_initrd(void **state)
{
	struct guest_mem *m = *state;
	const char *why = NULL;
	gpa_t si_at;
	assert_int_equal(startinfo_build(m, "", RAM - 0x800, 0x1000, 0, &si_at, &why), -EINVAL);
	assert_non_null(strstr(why, "initrd is outside guest memory"));
	assert_int_equal(startinfo_build(m, "", UINT64_MAX - 10, 0x100, 0, &si_at, &why), -EINVAL);
}

static void test_too_small(void **state)
{
	static uint8_t small[BOOT_HIGH_RAM];
	struct guest_mem m;
	const char *why = NULL;
	gpa_t si_at;
	guest_mem_wrap(&m, small, sizeof(small));
	assert_int_equal(startinfo_build(&m, "", 0, 0, 0, &si_at, &why), -EINVAL);
	assert_non_null(strstr(why, "too small"));
}

static void test_initrd_place(void **state)
{
	struct guest_mem *m = *state;
	const char *why = NULL;
	gpa_t at = 0;

	assert_int_equal(initrd_place(m, 0x1234, 0x200000, &at, &why), 0);
	assert_int_equal(at, RAM - 0x2000); /* page-aligned, ending at or below the top */
	assert_int_equal(at % GUEST_PAGE_SIZE, 0);
	assert_true(at + 0x1234 <= RAM);

	assert_int_equal(initrd_place(m, 0x1000, 0x200000, &at, &why), 0);
	assert_int_equal(at, RAM - 0x1000);
	assert_int_equal(initrd_place(m, 0, 0x200000, &at, &why), 0);
	assert_int_equal(at, RAM);

	/* Exactly fits above the kernel, then one byte too many. */
	assert_int_equal(initrd_place(m, RAM - 0x200000, 0x200000, &at, &why), 0);
	assert_int_equal(at, 0x200000);
	assert_int_equal(initrd_place(m, RAM - 0x200000 + 1, 0x200000, &at, &why), -ENOSPC);
	assert_non_null(strstr(why, "above the kernel"));
	assert_int_equal(initrd_place(m, RAM + 1, 0x200000, &at, &why), -ENOSPC);
	assert_non_null(strstr(why, "larger than guest memory"));
	assert_int_equal(initrd_place(m, UINT64_MAX, 0, &at, &why), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_initrd, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cmdline_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_initrd, setup, teardown),
	    cmocka_unit_test(test_too_small),
	    cmocka_unit_test_setup_teardown(test_initrd_place, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
