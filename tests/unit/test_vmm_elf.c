/* Unit tests for kernel ELF loading (vmm/elf_load.c: libelf, loader/format/kernel_elf.c's rules) on
 * crafted buffers. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../vmm/elf_load.h"
#include "../../vmm/guest_mem.h"
#include "../../vmm/probe.h"
#include "../../vmm/startinfo.h"
#include "../../vmm/vmm.h"

/*
 * The crafted kernel:
 *   0x000  Elf64_Ehdr
 *   0x040  program headers: PT_LOAD (code), PT_NOTE
 *   0x100  the note: "Xen", XEN_ELFNOTE_PHYS32_ENTRY, 4-byte entry
 *   0x180  section headers (only when with_sections): null, SHT_NOTE
 *   0x200  16 bytes of code, loaded at 1 MiB with 0x1000 bytes of memory
 */
#define LOAD_AT 0x100000u
#define FILE_SIZE 0x210u
#define NOTE_OFF 0x100u
#define CODE_OFF 0x200u

static uint8_t file[FILE_SIZE];
static uint8_t ram[4u << 20];
static struct guest_mem mem;

static Elf64_Ehdr *eh(void)
{
	return (Elf64_Ehdr *)file;
}

static Elf64_Phdr *ph(int i)
{
	return (Elf64_Phdr *)(file + sizeof(Elf64_Ehdr)) + i;
}

static Elf64_Nhdr *note(void)
{
	return (Elf64_Nhdr *)(file + NOTE_OFF);
}

static void build(bool with_sections)
{
	memset(file, 0, sizeof(file));
	Elf64_Ehdr *e = eh();
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = LOAD_AT;
	e->e_phoff = sizeof(Elf64_Ehdr);
	e->e_ehsize = sizeof(Elf64_Ehdr);
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = 2;

	*ph(0) = (Elf64_Phdr){.p_type = PT_LOAD,
			      .p_flags = PF_R | PF_X,
			      .p_offset = CODE_OFF,
			      .p_vaddr = 0xffffffff80000000ull + LOAD_AT,
			      .p_paddr = LOAD_AT,
			      .p_filesz = 16,
			      .p_memsz = 0x1000,
			      .p_align = 0x1000};
	*ph(1) = (Elf64_Phdr){.p_type = PT_NOTE,
			      .p_flags = PF_R,
			      .p_offset = NOTE_OFF,
			      .p_filesz = sizeof(Elf64_Nhdr) + 4 + 4,
			      .p_align = 4};
	*note() = (Elf64_Nhdr){.n_namesz = 4, .n_descsz = 4, .n_type = XEN_ELFNOTE_PHYS32_ENTRY};
	memcpy(file + NOTE_OFF + sizeof(Elf64_Nhdr), "Xen", 4);
	uint32_t entry = LOAD_AT + 4;
	memcpy(file + NOTE_OFF + sizeof(Elf64_Nhdr) + 4, &entry, 4);
	for (int i = 0; i < 16; i++)
		file[CODE_OFF + i] = (uint8_t)(0x90 + i);

	if (with_sections) {
		/* The note only in a section: no PT_NOTE. */
		e->e_phnum = 1;
		e->e_shoff = 0x180;
		e->e_shentsize = sizeof(Elf64_Shdr);
		e->e_shnum = 2;
		Elf64_Shdr *sh = (Elf64_Shdr *)(file + 0x180);
		sh[1] = (Elf64_Shdr){.sh_type = SHT_NOTE,
				     .sh_flags = SHF_ALLOC,
				     .sh_offset = NOTE_OFF,
				     .sh_size = sizeof(Elf64_Nhdr) + 8,
				     .sh_addralign = 4};
	}
	memset(ram, 0xaa, sizeof(ram));
	guest_mem_wrap(&mem, ram, sizeof(ram));
}

/* Moves the code segment to @paddr, and the PVH entry with it. */
static void move_code(uint64_t paddr)
{
	uint32_t entry = (uint32_t)paddr + 4;
	ph(0)->p_paddr = paddr;
	memcpy(file + NOTE_OFF + sizeof(Elf64_Nhdr) + 4, &entry, 4);
}

static int load(size_t size, struct elf_image *img, const char **why)
{
	return elf_load(&mem, file, size, 0, PROBE_AREA_END, img, why);
}

/* A refused file must name why, and leave guest memory untouched. */
static void expect_refused(size_t size, int rc, const char *reason)
{
	struct elf_image img;
	const char *why = NULL;
	assert_int_equal(load(size, &img, &why), rc);
	assert_non_null(why);
	if (!strstr(why, reason))
		fail_msg("expected \"%s\" in \"%s\"", reason, why);
	assert_int_equal(ram[LOAD_AT], 0xaa);
}

static void test_good_load(void **state)
{
	struct elf_image img;
	const char *why = NULL;
	build(false);
	assert_int_equal(load(FILE_SIZE, &img, &why), 0);
	assert_int_equal(img.entry, LOAD_AT + 4);
	assert_int_equal(img.lo, LOAD_AT);
	assert_int_equal(img.hi, LOAD_AT + 0x1000);
	for (int i = 0; i < 16; i++)
		assert_int_equal(ram[LOAD_AT + i], 0x90 + i);
	for (int i = 16; i < 0x1000; i++) /* the bss part is zeroed */
		assert_int_equal(ram[LOAD_AT + i], 0);
	assert_int_equal(ram[LOAD_AT + 0x1000], 0xaa); /* nothing beyond memsz */
	assert_int_equal(ram[LOAD_AT - 1], 0xaa);
}

/* Fresh RAM from guest_mem_alloc needs no bss zeroing, but a second load
 * into the same RAM must zero what the first run left there. */
static void test_load_into_fresh_then_used_ram(void **state)
{
	struct guest_mem fresh = {0};
	struct elf_image img;
	const char *why = NULL;
	build(false);
	assert_int_equal(guest_mem_alloc(&fresh, sizeof(ram)), 0);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(elf_load(&fresh, file, FILE_SIZE, 0, PROBE_AREA_END, &img, &why),
				 0);
		uint8_t *seg = guest_ptr(&fresh, LOAD_AT, 0x1000);
		assert_int_equal(seg[0], 0x90);
		for (int i = 16; i < 0x1000; i++)
			assert_int_equal(seg[i], 0);
		memset(seg + 16, 0x55, 0x1000 - 16); /* what a guest might leave */
		assert_false(guest_mem_is_zero(&fresh, LOAD_AT, 0x1000));
	}
	guest_mem_free(&fresh);
}

/* One rule for every boot path (loader/format/format.h): notes are found
 * through PT_NOTE only, as the UEFI loader and QEMU find them. */
static void test_note_only_in_section(void **state)
{
	build(true);
	expect_refused(FILE_SIZE, -ENOEXEC, "no PVH entry note");
}

static void test_eight_byte_note(void **state)
{
	struct elf_image img;
	const char *why = NULL;
	build(false);
	note()->n_descsz = 8;
	ph(1)->p_filesz = sizeof(Elf64_Nhdr) + 4 + 8;
	uint64_t entry = LOAD_AT + 8;
	memcpy(file + NOTE_OFF + sizeof(Elf64_Nhdr) + 4, &entry, 8);
	assert_int_equal(load(FILE_SIZE, &img, &why), 0);
	assert_int_equal(img.entry, LOAD_AT + 8);

	entry = 0x100000000ull;
	memcpy(file + NOTE_OFF + sizeof(Elf64_Nhdr) + 4, &entry, 8);
	memset(ram, 0xaa, sizeof(ram));
	expect_refused(FILE_SIZE, -ENOEXEC, "the PVH entry is not below 4 GiB");
}

static void test_not_elf(void **state)
{
	build(false);
	memcpy(file, "#!/bin/sh\n", 10);
	expect_refused(FILE_SIZE, -ENOEXEC, "not an ELF file");
	build(false);
	expect_refused(3, -ENOEXEC, "not an ELF file");
	expect_refused(0, -ENOEXEC, "not an ELF file");
}

static void test_not_64_bit(void **state)
{
	build(false);
	eh()->e_ident[EI_CLASS] = ELFCLASS32;
	expect_refused(FILE_SIZE, -ENOEXEC, "not a 64-bit ELF");
}

static void test_big_endian(void **state)
{
	build(false);
	eh()->e_ident[EI_DATA] = ELFDATA2MSB;
	expect_refused(FILE_SIZE, -ENOEXEC, "not a little-endian ELF");
}

static void test_not_x86_64(void **state)
{
	build(false);
	eh()->e_machine = EM_AARCH64;
	expect_refused(FILE_SIZE, -ENOEXEC, "not an x86-64 ELF");
	eh()->e_machine = EM_386;
	expect_refused(FILE_SIZE, -ENOEXEC, "not an x86-64 ELF");
}

static void test_truncated(void **state)
{
	build(false);
	expect_refused(10, -ENOEXEC, "truncated"); /* inside e_ident */
	expect_refused(40, -ENOEXEC, "truncated"); /* inside the ELF header */
	expect_refused(sizeof(Elf64_Ehdr) + 20, -ENOEXEC,
		       "truncated: program headers past the end");
	expect_refused(NOTE_OFF + 4, -ENOEXEC, "PT_LOAD segment's bytes are past the end");
	expect_refused(CODE_OFF + 8, -ENOEXEC, "PT_LOAD segment's bytes are past the end");

	build(false);
	ph(1)->p_offset = 0x10000; /* a note segment past the end */
	expect_refused(FILE_SIZE, -ENOEXEC, "PT_NOTE segment is past the end");
	build(false);
	ph(0)->p_offset = UINT64_MAX - 4; /* offset + filesz wraps */
	expect_refused(FILE_SIZE, -ENOEXEC, "PT_LOAD segment's bytes are past the end");
	build(false);
	eh()->e_phoff = UINT64_MAX - 8;
	expect_refused(FILE_SIZE, -ENOEXEC, "truncated: program headers past the end");
}

static void test_no_program_headers(void **state)
{
	build(false);
	eh()->e_phnum = 0;
	expect_refused(FILE_SIZE, -ENOEXEC, "no program headers");
	build(false);
	ph(0)->p_type = PT_NULL;
	expect_refused(FILE_SIZE, -ENOEXEC, "no PT_LOAD segment");
}

static void test_filesz_over_memsz(void **state)
{
	build(false);
	ph(0)->p_memsz = 8;
	expect_refused(FILE_SIZE, -ENOEXEC, "p_filesz > p_memsz");
}

static void test_outside_guest_memory(void **state)
{
	build(false);
	move_code(sizeof(ram) - 0x800); /* starts inside, ends outside */
	expect_refused(FILE_SIZE, -ERANGE, "outside guest memory");
	/* Past 4 GiB the shared rules refuse first: the PVH entry runs with paging off. */
	build(false);
	ph(0)->p_paddr = 0x100000000ull;
	expect_refused(FILE_SIZE, -ENOEXEC, "physical range is not below 4 GiB");
	build(false);
	ph(0)->p_paddr = UINT64_MAX - 0x10; /* paddr + memsz wraps */
	expect_refused(FILE_SIZE, -ENOEXEC, "physical range is not below 4 GiB");
}

static void test_boot_area(void **state)
{
	build(false);
	move_code(0x7000); /* [0x6000, 0x8000) is the start info region */
	expect_refused(FILE_SIZE, -ERANGE, "boot area");
	build(false);
	move_code(0);
	expect_refused(FILE_SIZE, -ERANGE, "boot area");
}

static void test_no_pvh_note(void **state)
{
	build(false);
	note()->n_type = 17;
	expect_refused(FILE_SIZE, -ENOEXEC, "no PVH entry note");
	build(false);
	memcpy(file + NOTE_OFF + sizeof(Elf64_Nhdr), "Xem", 4);
	expect_refused(FILE_SIZE, -ENOEXEC, "a note of the PVH entry's type is not named Xen");
	build(false);
	ph(1)->p_type = PT_NULL;
	expect_refused(FILE_SIZE, -ENOEXEC, "no PVH entry note");
	build(false);
	note()->n_descsz = 2;
	ph(1)->p_filesz = sizeof(Elf64_Nhdr) + 4 + 4;
	expect_refused(FILE_SIZE, -ENOEXEC, "not 4 or 8 bytes");
}

static void test_entry_outside(void **state)
{
	build(false);
	uint32_t entry = LOAD_AT + 0x800; /* in memsz, but not in the file's bytes */
	memcpy(file + NOTE_OFF + sizeof(Elf64_Nhdr) + 4, &entry, 4);
	expect_refused(FILE_SIZE, -ENOEXEC, "outside the segments' bytes from the file");
}

static void test_real_kernel_if_built(void **state)
{
	/* build/kernel.elf, when make has built it: the real thing loads. */
	static uint8_t big[8u << 20];
	FILE *f = fopen("build/kernel.elf", "rb");
	if (!f)
		skip();
	static uint8_t k[4u << 20];
	size_t n = fread(k, 1, sizeof(k), f);
	fclose(f);
	struct guest_mem m;
	struct elf_image img;
	const char *why = NULL;
	guest_mem_wrap(&m, big, sizeof(big));
	assert_int_equal(elf_load(&m, k, n, 0, PROBE_AREA_END, &img, &why), 0);
	assert_true(img.entry >= 0x100000 && img.entry < img.hi);
	assert_int_equal(img.lo, 0x100000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_load),
	    cmocka_unit_test(test_load_into_fresh_then_used_ram),
	    cmocka_unit_test(test_note_only_in_section),
	    cmocka_unit_test(test_eight_byte_note),
	    cmocka_unit_test(test_not_elf),
	    cmocka_unit_test(test_not_64_bit),
	    cmocka_unit_test(test_big_endian),
	    cmocka_unit_test(test_not_x86_64),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_no_program_headers),
	    cmocka_unit_test(test_filesz_over_memsz),
	    cmocka_unit_test(test_outside_guest_memory),
	    cmocka_unit_test(test_boot_area),
	    cmocka_unit_test(test_no_pvh_note),
	    cmocka_unit_test(test_entry_outside),
	    cmocka_unit_test(test_real_kernel_if_built),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
