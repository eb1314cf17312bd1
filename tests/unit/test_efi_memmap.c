/* Unit tests for the UEFI memory map to E820 conversion (loader/uefi/memmap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../loader/uefi/efiboot.h"

#define PAGE 4096ull
#define MiB (1ull << 20)

/* A map as a firmware would return it, with a chosen descriptor size. */
struct map {
	unsigned char buf[128 * 48];
	size_t size;
	size_t desc_size;
};

static void map_init(struct map *m, size_t desc_size)
{
	memset(m, 0xa5, sizeof(*m)); /* padding past the 40 bytes is garbage */
	m->size = 0;
	m->desc_size = desc_size;
}

static void add(struct map *m, uint32_t type, uint64_t start, uint64_t pages)
{
	struct uefi_memory_descriptor d = {
	    .type = type,
	    .physical_start = start,
	    .virtual_start = 0,
	    .number_of_pages = pages,
	    .attribute = 0xf, /* UC|WC|WT|WB */
	};
	assert_true(m->size + m->desc_size <= sizeof(m->buf));
	memcpy(m->buf + m->size, &d, sizeof(d));
	m->size += m->desc_size;
}

static struct hvm_memmap_table_entry out[128];
static const char *why;

static int convert(struct map *m, size_t cap)
{
	memset(out, 0xcc, sizeof(out));
	why = NULL;
	return efi_memmap_to_e820(m->buf, m->size, m->desc_size, out, cap, &why);
}

static void check(int i, uint64_t addr, uint64_t size, uint32_t type)
{
	assert_int_equal(out[i].addr, addr);
	assert_int_equal(out[i].size, size);
	assert_int_equal(out[i].type, type);
	assert_int_equal(out[i].reserved, 0);
}

static void test_types(void **state)
{
	(void)state;
	assert_int_equal(efi_memtype_to_e820(UEFI_MEM_CONVENTIONAL), HVM_MEMMAP_TYPE_RAM);
	assert_int_equal(efi_memtype_to_e820(UEFI_MEM_LOADER_CODE), HVM_MEMMAP_TYPE_RAM);
	assert_int_equal(efi_memtype_to_e820(UEFI_MEM_LOADER_DATA), HVM_MEMMAP_TYPE_RAM);
	assert_int_equal(efi_memtype_to_e820(UEFI_MEM_BOOT_SERVICES_CODE), HVM_MEMMAP_TYPE_RAM);
	assert_int_equal(efi_memtype_to_e820(UEFI_MEM_BOOT_SERVICES_DATA), HVM_MEMMAP_TYPE_RAM);
	assert_int_equal(efi_memtype_to_e820(UEFI_MEM_ACPI_RECLAIM), HVM_MEMMAP_TYPE_ACPI);
	assert_int_equal(efi_memtype_to_e820(UEFI_MEM_ACPI_NVS), HVM_MEMMAP_TYPE_NVS);
	assert_int_equal(efi_memtype_to_e820(UEFI_MEM_UNUSABLE), HVM_MEMMAP_TYPE_UNUSABLE);
	/* The last three: OEM-defined, OS-defined, and the top of both. */
	static const uint32_t reserved[] = {
	    UEFI_MEM_RESERVED,
	    UEFI_MEM_RUNTIME_SERVICES_CODE,
	    UEFI_MEM_RUNTIME_SERVICES_DATA,
	    UEFI_MEM_MMIO,
	    UEFI_MEM_MMIO_PORT_SPACE,
	    UEFI_MEM_PAL_CODE,
	    UEFI_MEM_PERSISTENT,
	    UEFI_MEM_UNACCEPTED,
	    16,
	    0x70000000,
	    0x80000000,
	    0xffffffff,
	};
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		assert_int_equal(efi_memtype_to_e820(reserved[i]), HVM_MEMMAP_TYPE_RESERVED);
}

static void test_empty(void **state)
{
	struct map m;
	(void)state;
	map_init(&m, 48);
	assert_int_equal(convert(&m, 64), 0);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x100000, 0); /* empty descriptors vanish */
	assert_int_equal(convert(&m, 64), 0);
}

/* The RAM kinds a firmware splits memory into come out as one range. */
static void test_ram_kinds_merge(void **state)
{
	struct map m;
	(void)state;
	map_init(&m, 48);
	add(&m, UEFI_MEM_BOOT_SERVICES_CODE, 0, 0xa0);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x100000, 0x700);
	add(&m, UEFI_MEM_LOADER_DATA, 0x800000, 0x10);
	add(&m, UEFI_MEM_LOADER_CODE, 0x810000, 0x10);
	add(&m, UEFI_MEM_BOOT_SERVICES_DATA, 0x820000, 0x100);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x920000, 0x6e0);
	assert_int_equal(convert(&m, 64), 2);
	check(0, 0, 0xa0 * PAGE, HVM_MEMMAP_TYPE_RAM); /* the hole at 640 KiB stays */
	check(1, 0x100000, 0x920000 + 0x6e0 * PAGE - 0x100000, HVM_MEMMAP_TYPE_RAM);
}

static void test_sorts(void **state)
{
	struct map m;
	(void)state;
	map_init(&m, 40);
	add(&m, UEFI_MEM_MMIO, 0xffc00000, 0x400);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x200000, 0x100);
	add(&m, UEFI_MEM_ACPI_NVS, 0x100000, 0x100);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x1000, 0x9f);
	assert_int_equal(convert(&m, 64), 4);
	check(0, 0x1000, 0x9f * PAGE, HVM_MEMMAP_TYPE_RAM);
	check(1, 0x100000, MiB, HVM_MEMMAP_TYPE_NVS);
	check(2, 0x200000, MiB, HVM_MEMMAP_TYPE_RAM);
	check(3, 0xffc00000, 4 * MiB, HVM_MEMMAP_TYPE_RESERVED);
}

/* Different UEFI types that are all "reserved" merge; distinct E820 types don't. */
static void test_types_kept_apart(void **state)
{
	struct map m;
	(void)state;
	map_init(&m, 48);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x0, 0x100);
	add(&m, UEFI_MEM_RUNTIME_SERVICES_CODE, 0x100000, 0x10);
	add(&m, UEFI_MEM_RUNTIME_SERVICES_DATA, 0x110000, 0x10);
	add(&m, UEFI_MEM_RESERVED, 0x120000, 0x10);
	add(&m, UEFI_MEM_ACPI_RECLAIM, 0x130000, 0x10);
	add(&m, UEFI_MEM_ACPI_NVS, 0x140000, 0x10);
	add(&m, UEFI_MEM_UNUSABLE, 0x150000, 0x10);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x160000, 0x10);
	assert_int_equal(convert(&m, 64), 6);
	check(0, 0x0, MiB, HVM_MEMMAP_TYPE_RAM);
	check(1, 0x100000, 0x30000, HVM_MEMMAP_TYPE_RESERVED);
	check(2, 0x130000, 0x10000, HVM_MEMMAP_TYPE_ACPI);
	check(3, 0x140000, 0x10000, HVM_MEMMAP_TYPE_NVS);
	check(4, 0x150000, 0x10000, HVM_MEMMAP_TYPE_UNUSABLE);
	check(5, 0x160000, 0x10000, HVM_MEMMAP_TYPE_RAM);
}

/* Not touching: no merge across a gap, even of one page. */
static void test_gap_not_merged(void **state)
{
	struct map m;
	(void)state;
	map_init(&m, 48);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x100000, 1);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x102000, 1);
	assert_int_equal(convert(&m, 64), 2);
	check(0, 0x100000, PAGE, HVM_MEMMAP_TYPE_RAM);
	check(1, 0x102000, PAGE, HVM_MEMMAP_TYPE_RAM);
}

/* Overlaps are firmware bugs; RAM must never grow from them. */
static void test_overlap_reserved_wins(void **state)
{
	struct map m;
	(void)state;

	/* RAM, then reserved starting inside it: RAM cut at the reserved start. */
	map_init(&m, 48);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x100000, 0x100);
	add(&m, UEFI_MEM_RESERVED, 0x180000, 0x100);
	assert_int_equal(convert(&m, 64), 2);
	check(0, 0x100000, 0x80000, HVM_MEMMAP_TYPE_RAM);
	check(1, 0x180000, MiB, HVM_MEMMAP_TYPE_RESERVED);

	/* Reserved inside RAM: RAM before it kept, RAM after it dropped. */
	map_init(&m, 48);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x100000, 0x300);
	add(&m, UEFI_MEM_ACPI_NVS, 0x200000, 0x10);
	assert_int_equal(convert(&m, 64), 2);
	check(0, 0x100000, MiB, HVM_MEMMAP_TYPE_RAM);
	check(1, 0x200000, 0x10000, HVM_MEMMAP_TYPE_NVS);

	/* Reserved first, RAM starting inside it: RAM starts where it ends. */
	map_init(&m, 48);
	add(&m, UEFI_MEM_RESERVED, 0x100000, 0x100);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x180000, 0x100);
	assert_int_equal(convert(&m, 64), 2);
	check(0, 0x100000, MiB, HVM_MEMMAP_TYPE_RESERVED);
	check(1, 0x200000, 0x80000, HVM_MEMMAP_TYPE_RAM);

	/* RAM wholly inside reserved: gone. */
	map_init(&m, 48);
	add(&m, UEFI_MEM_RESERVED, 0x100000, 0x100);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x110000, 0x10);
	assert_int_equal(convert(&m, 64), 1);
	check(0, 0x100000, MiB, HVM_MEMMAP_TYPE_RESERVED);

	/* Same start: the reserved one wins whatever the order. */
	map_init(&m, 48);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x100000, 0x10);
	add(&m, UEFI_MEM_RESERVED, 0x100000, 0x10);
	assert_int_equal(convert(&m, 64), 1);
	check(0, 0x100000, 0x10000, HVM_MEMMAP_TYPE_RESERVED);
	map_init(&m, 48);
	add(&m, UEFI_MEM_RESERVED, 0x100000, 0x10);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x100000, 0x10);
	assert_int_equal(convert(&m, 64), 1);
	check(0, 0x100000, 0x10000, HVM_MEMMAP_TYPE_RESERVED);

	/* RAM cut back to nothing lets the entry before it meet the reserved one. */
	map_init(&m, 48);
	add(&m, UEFI_MEM_RESERVED, 0x0, 0x100);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x100000, 0x10);
	add(&m, UEFI_MEM_RUNTIME_SERVICES_DATA, 0x100000, 0x20);
	assert_int_equal(convert(&m, 64), 1);
	check(0, 0x0, 0x120000, HVM_MEMMAP_TYPE_RESERVED);
}

static void test_overlap_same_type(void **state)
{
	struct map m;
	(void)state;
	map_init(&m, 48);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x100000, 0x100);
	add(&m, UEFI_MEM_BOOT_SERVICES_DATA, 0x180000, 0x100); /* RAM too: union */
	add(&m, UEFI_MEM_LOADER_DATA, 0x190000, 0x1);	       /* inside: nothing new */
	assert_int_equal(convert(&m, 64), 1);
	check(0, 0x100000, 0x180000, HVM_MEMMAP_TYPE_RAM);
}

/* Above 4 GiB and at the very top of the address space. */
static void test_high(void **state)
{
	struct map m;
	(void)state;
	map_init(&m, 48);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x100000000ull, 0x40000);
	add(&m, UEFI_MEM_RESERVED, 0xfffffffffffff000ull, 0); /* empty: ignored */
	add(&m, UEFI_MEM_MMIO, 0xffffffffffffe000ull, 1);     /* ends at 2^64 - 4 KiB */
	assert_int_equal(convert(&m, 64), 2);
	check(0, 0x100000000ull, 1ull << 30, HVM_MEMMAP_TYPE_RAM);
	check(1, 0xffffffffffffe000ull, PAGE, HVM_MEMMAP_TYPE_RESERVED);
}

static void test_bad_arguments(void **state)
{
	struct map m;
	(void)state;

	map_init(&m, 32); /* smaller than a descriptor */
	add(&m, UEFI_MEM_CONVENTIONAL, 0, 1);
	assert_int_equal(convert(&m, 64), -SHOJI_EINVAL);
	assert_string_equal(why, "UEFI memory descriptor size is below 40 or not a multiple of 8");

	map_init(&m, 44); /* not a multiple of 8 */
	add(&m, UEFI_MEM_CONVENTIONAL, 0, 1);
	assert_int_equal(convert(&m, 64), -SHOJI_EINVAL);

	map_init(&m, 48);
	add(&m, UEFI_MEM_CONVENTIONAL, 0, 1);
	m.size -= 8; /* a torn descriptor */
	assert_int_equal(convert(&m, 64), -SHOJI_EINVAL);
	assert_string_equal(why, "UEFI memory map size is not a multiple of the descriptor size");

	map_init(&m, 48);
	add(&m, UEFI_MEM_CONVENTIONAL, 0xfffffffffffff000ull, 2); /* past 2^64 */
	assert_int_equal(convert(&m, 64), -SHOJI_EINVAL);
	assert_string_equal(why, "UEFI memory descriptor range wraps past 2^64");

	map_init(&m, 48);
	add(&m, UEFI_MEM_CONVENTIONAL, 0xfffffffffffff000ull, 1); /* ends at 2^64: no room */
	assert_int_equal(convert(&m, 64), -SHOJI_EINVAL);
}

/* One entry per non-empty descriptor is enough room, even when merging
 * would need less; one fewer is refused. */
static void test_capacity(void **state)
{
	struct map m;
	(void)state;
	map_init(&m, 48);
	for (int i = 0; i < 10; i++)
		add(&m, UEFI_MEM_CONVENTIONAL, (uint64_t)i * 0x10000, 0x10);
	add(&m, UEFI_MEM_CONVENTIONAL, 0x200000, 0); /* empty: needs no room */
	assert_int_equal(convert(&m, 10), 1);
	check(0, 0, 0xa0000, HVM_MEMMAP_TYPE_RAM);
	assert_int_equal(convert(&m, 9), -SHOJI_ENOMEM);
	assert_string_equal(why, "more UEFI memory descriptors than the memory map table holds");
	assert_int_equal(out[9].addr, 0xccccccccccccccccull); /* nothing past cap written */
}

/*
 * The map OVMF (Debian 12's OVMF_CODE_4M.fd, QEMU pc, 256 MiB, TCG) showed
 * BOOTX64.EFI at start, as {UEFI type, start, end}: 118 descriptors.
 */
static const struct {
	uint32_t type;
	uint64_t start, end;
} ovmf[] = {
    {7, 0x0, 0xa0000},		 {7, 0x100000, 0x806000},
    {10, 0x806000, 0x808000},	 {7, 0x808000, 0x810000},
    {10, 0x810000, 0x900000},	 {4, 0x900000, 0x1500000},
    {7, 0x1500000, 0xbb75000},	 {4, 0xbb75000, 0xbb95000},
    {7, 0xbb95000, 0xdfb6000},	 {1, 0xdfb6000, 0xdfca000},
    {7, 0xdfca000, 0xdfdb000},	 {4, 0xdfdb000, 0xe542000},
    {3, 0xe542000, 0xe5e0000},	 {7, 0xe5e0000, 0xe5e4000},
    {4, 0xe5e4000, 0xe5e5000},	 {2, 0xe5e5000, 0xe5e7000},
    {4, 0xe5e7000, 0xe624000},	 {3, 0xe624000, 0xe646000},
    {4, 0xe646000, 0xe64a000},	 {3, 0xe64a000, 0xe654000},
    {4, 0xe654000, 0xe656000},	 {3, 0xe656000, 0xe68c000},
    {4, 0xe68c000, 0xe68e000},	 {3, 0xe68e000, 0xe6a5000},
    {4, 0xe6a5000, 0xe6b0000},	 {3, 0xe6b0000, 0xe6c5000},
    {4, 0xe6c5000, 0xe6cd000},	 {3, 0xe6cd000, 0xe6f0000},
    {4, 0xe6f0000, 0xe6f2000},	 {3, 0xe6f2000, 0xe706000},
    {4, 0xe706000, 0xe70d000},	 {3, 0xe70d000, 0xe723000},
    {4, 0xe723000, 0xe726000},	 {3, 0xe726000, 0xe72f000},
    {4, 0xe72f000, 0xe731000},	 {3, 0xe731000, 0xe740000},
    {4, 0xe740000, 0xe743000},	 {3, 0xe743000, 0xe7a3000},
    {4, 0xe7a3000, 0xe7a4000},	 {3, 0xe7a4000, 0xe7ab000},
    {4, 0xe7ab000, 0xe7af000},	 {3, 0xe7af000, 0xe7bd000},
    {4, 0xe7bd000, 0xe7c0000},	 {3, 0xe7c0000, 0xe7cd000},
    {4, 0xe7cd000, 0xe7cf000},	 {3, 0xe7cf000, 0xe7d0000},
    {4, 0xe7d0000, 0xe7d2000},	 {3, 0xe7d2000, 0xe7e7000},
    {4, 0xe7e7000, 0xe7ed000},	 {3, 0xe7ed000, 0xe800000},
    {4, 0xe800000, 0xea01000},	 {3, 0xea01000, 0xea07000},
    {4, 0xea07000, 0xea0a000},	 {3, 0xea0a000, 0xea16000},
    {4, 0xea16000, 0xea17000},	 {3, 0xea17000, 0xea18000},
    {4, 0xea18000, 0xea1a000},	 {3, 0xea1a000, 0xea2d000},
    {4, 0xea2d000, 0xea30000},	 {3, 0xea30000, 0xea31000},
    {4, 0xea31000, 0xea32000},	 {3, 0xea32000, 0xea39000},
    {4, 0xea39000, 0xea40000},	 {3, 0xea40000, 0xea44000},
    {4, 0xea44000, 0xea4c000},	 {3, 0xea4c000, 0xea50000},
    {4, 0xea50000, 0xea52000},	 {3, 0xea52000, 0xea6f000},
    {4, 0xea6f000, 0xea71000},	 {3, 0xea71000, 0xea8f000},
    {4, 0xea8f000, 0xea9a000},	 {3, 0xea9a000, 0xeaa0000},
    {6, 0xeaa0000, 0xeba2000},	 {4, 0xeba2000, 0xefa2000},
    {3, 0xefa2000, 0xf011000},	 {4, 0xf011000, 0xf013000},
    {3, 0xf013000, 0xf02e000},	 {4, 0xf02e000, 0xf033000},
    {3, 0xf033000, 0xf034000},	 {4, 0xf034000, 0xf035000},
    {3, 0xf035000, 0xf037000},	 {4, 0xf037000, 0xf039000},
    {3, 0xf039000, 0xf03f000},	 {4, 0xf03f000, 0xf051000},
    {3, 0xf051000, 0xf064000},	 {4, 0xf064000, 0xf065000},
    {3, 0xf065000, 0xf068000},	 {4, 0xf068000, 0xf069000},
    {3, 0xf069000, 0xf06a000},	 {4, 0xf06a000, 0xf06b000},
    {3, 0xf06b000, 0xf06c000},	 {4, 0xf06c000, 0xf06e000},
    {3, 0xf06e000, 0xf071000},	 {4, 0xf071000, 0xf073000},
    {3, 0xf073000, 0xf075000},	 {4, 0xf075000, 0xf077000},
    {3, 0xf077000, 0xf07b000},	 {4, 0xf07b000, 0xf07d000},
    {3, 0xf07d000, 0xf07e000},	 {4, 0xf07e000, 0xf080000},
    {3, 0xf080000, 0xf089000},	 {4, 0xf089000, 0xf08d000},
    {3, 0xf08d000, 0xf090000},	 {4, 0xf090000, 0xf4ec000},
    {6, 0xf4ec000, 0xf5ec000},	 {5, 0xf5ec000, 0xf6ec000},
    {0, 0xf6ec000, 0xf76c000},	 {9, 0xf76c000, 0xf77e000},
    {10, 0xf77e000, 0xf7fe000},	 {4, 0xf7fe000, 0xfe00000},
    {7, 0xfe00000, 0xfe81000},	 {4, 0xfe81000, 0xfea1000},
    {3, 0xfea1000, 0xfecf000},	 {4, 0xfecf000, 0xfee0000},
    {3, 0xfee0000, 0xfef4000},	 {6, 0xfef4000, 0xff78000},
    {10, 0xff78000, 0x10000000}, {11, 0xffc00000, 0x100000000},
};

static void load_ovmf(struct map *m, int reversed)
{
	size_t n = sizeof(ovmf) / sizeof(ovmf[0]);
	map_init(m, 48);
	for (size_t i = 0; i < n; i++) {
		size_t j = reversed ? n - 1 - i : i;
		add(m, ovmf[j].type, ovmf[j].start, (ovmf[j].end - ovmf[j].start) / PAGE);
	}
}

static void check_ovmf(void)
{
	check(0, 0x0, 0xa0000, HVM_MEMMAP_TYPE_RAM);
	check(1, 0x100000, 0x706000, HVM_MEMMAP_TYPE_RAM);
	check(2, 0x806000, 0x2000, HVM_MEMMAP_TYPE_NVS);
	check(3, 0x808000, 0x8000, HVM_MEMMAP_TYPE_RAM);
	check(4, 0x810000, 0xf0000, HVM_MEMMAP_TYPE_NVS);
	check(5, 0x900000, 0xeaa0000 - 0x900000, HVM_MEMMAP_TYPE_RAM);
	check(6, 0xeaa0000, 0xeba2000 - 0xeaa0000, HVM_MEMMAP_TYPE_RESERVED); /* runtime data */
	check(7, 0xeba2000, 0xf4ec000 - 0xeba2000, HVM_MEMMAP_TYPE_RAM);
	check(8, 0xf4ec000, 0xf76c000 - 0xf4ec000,
	      HVM_MEMMAP_TYPE_RESERVED); /* runtime, reserved */
	check(9, 0xf76c000, 0xf77e000 - 0xf76c000, HVM_MEMMAP_TYPE_ACPI);
	check(10, 0xf77e000, 0xf7fe000 - 0xf77e000, HVM_MEMMAP_TYPE_NVS);
	check(11, 0xf7fe000, 0xfef4000 - 0xf7fe000, HVM_MEMMAP_TYPE_RAM);
	check(12, 0xfef4000, 0xff78000 - 0xfef4000, HVM_MEMMAP_TYPE_RESERVED);
	check(13, 0xff78000, 0x10000000 - 0xff78000, HVM_MEMMAP_TYPE_NVS);
	check(14, 0xffc00000, 0x400000, HVM_MEMMAP_TYPE_RESERVED); /* the flash */
}

/* 118 descriptors become 15 entries with 6 RAM ranges (what the kernel
 * reported: "249 MiB RAM in 6 ranges"), in either order. */
static void test_ovmf(void **state)
{
	struct map m;
	(void)state;
	load_ovmf(&m, 0);
	assert_int_equal(convert(&m, 128), 15);
	check_ovmf();
	load_ovmf(&m, 1);
	assert_int_equal(convert(&m, 128), 15);
	check_ovmf();

	uint64_t ram = 0;
	for (int i = 0; i < 15; i++)
		if (out[i].type == HVM_MEMMAP_TYPE_RAM)
			ram += out[i].size;
	assert_int_equal(ram >> 20, 249);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_types),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_ram_kinds_merge),
	    cmocka_unit_test(test_sorts),
	    cmocka_unit_test(test_types_kept_apart),
	    cmocka_unit_test(test_gap_not_merged),
	    cmocka_unit_test(test_overlap_reserved_wins),
	    cmocka_unit_test(test_overlap_same_type),
	    cmocka_unit_test(test_high),
	    cmocka_unit_test(test_bad_arguments),
	    cmocka_unit_test(test_capacity),
	    cmocka_unit_test(test_ovmf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
