/* Unit tests for the UEFI loader's kernel ELF checks (loader/uefi/kernel.c on
 * loader/format/kernel_elf.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../loader/uefi/efiboot.h"
#include "../../loader/format/elf64.h"

/*
 * A kernel shaped like ours (guest/arch/x86_64/kernel.ld): a boot segment
 * at 1 MiB holding the 32-bit entry, a higher-half text segment whose
 * p_paddr follows it, a data+bss segment, and the Xen PVH note.
 */
#define PHOFF 64
#define NOTE_OFF 0x200
#define SEG0_OFF 0x1000
#define SEG1_OFF 0x2000
#define SEG2_OFF 0x3000
#define FILE_SIZE 0x4000

static _Alignas(16) uint8_t file[FILE_SIZE + 16];
static struct efi_kernel k;
static const char *why;

#define NO_NOTE "no PVH entry note (Xen, XEN_ELFNOTE_PHYS32_ENTRY): not a PVH kernel"

static struct elf64_ehdr *eh(void)
{
	return (struct elf64_ehdr *)file;
}

static struct elf64_phdr *ph(int i)
{
	return (struct elf64_phdr *)(file + PHOFF) + i;
}

/* Program header @i as a PT_LOAD. */
static void load(int i, uint32_t flags, uint64_t off, uint64_t vaddr, uint64_t paddr,
		 uint64_t filesz, uint64_t memsz)
{
	*ph(i) = (struct elf64_phdr){
	    .p_type = ELF_PT_LOAD,
	    .p_flags = flags,
	    .p_offset = off,
	    .p_vaddr = vaddr,
	    .p_paddr = paddr,
	    .p_filesz = filesz,
	    .p_memsz = memsz,
	    .p_align = 0x1000,
	};
}

static void put_note(size_t off, const char *name, uint32_t type, const void *desc, uint32_t descsz)
{
	struct elf64_nhdr nh = {(uint32_t)strlen(name) + 1, descsz, type};
	memcpy(file + off, &nh, sizeof(nh));
	off += sizeof(nh);
	memcpy(file + off, name, nh.n_namesz);
	off += (nh.n_namesz + 3) & ~3u;
	memcpy(file + off, desc, descsz);
}

static void build(void)
{
	memset(file, 0, sizeof(file));
	*eh() = (struct elf64_ehdr){
	    .e_ident = {ELF_MAG0, ELF_MAG1, ELF_MAG2, ELF_MAG3, ELF_CLASS64, ELF_DATA2LSB,
			ELF_EV_CURRENT},
	    .e_type = ELF_ET_EXEC,
	    .e_machine = ELF_EM_X86_64,
	    .e_version = ELF_EV_CURRENT,
	    .e_entry = 0x100000,
	    .e_phoff = PHOFF,
	    .e_ehsize = sizeof(struct elf64_ehdr),
	    .e_phentsize = sizeof(struct elf64_phdr),
	    .e_phnum = 5,
	};
	load(0, ELF_PF_R | ELF_PF_X, SEG0_OFF, 0x100000, 0x100000, 0x100, 0x100);
	load(1, ELF_PF_R | ELF_PF_X, SEG1_OFF, 0xffffffff80101000ull, 0x101000, 0x800, 0x800);
	load(2, ELF_PF_R | ELF_PF_W, SEG2_OFF, 0xffffffff80102000ull, 0x102000, 0x100, 0x5000);
	*ph(3) = (struct elf64_phdr){ELF_PT_NOTE, ELF_PF_R, NOTE_OFF, 0, 0, 0x40, 0x40, 4};
	*ph(4) = (struct elf64_phdr){ELF_PT_GNU_STACK, ELF_PF_R | ELF_PF_W, 0, 0, 0, 0, 0, 16};
	/* A note of another owner first, then the PVH entry. */
	uint32_t build_id[2] = {0x11111111, 0x22222222};
	put_note(NOTE_OFF, "GNU", 3, build_id, 8);
	uint32_t entry = 0x100000;
	put_note(NOTE_OFF + 12 + 4 + 8, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
	memset(file + SEG0_OFF, 0xc3, 0x100);
}

static int parse(void)
{
	why = NULL;
	return efi_kernel_parse(file, FILE_SIZE, &k, &why);
}

static void refused(const char *want)
{
	assert_int_equal(parse(), -SHOJI_EINVAL);
	assert_non_null(why);
	assert_string_equal(why, want);
}

static void test_good(void **state)
{
	(void)state;
	build();
	assert_int_equal(parse(), 0);
	assert_null(why);
	assert_int_equal(k.elf.entry, 0x100000);
	assert_int_equal(k.lo, 0x100000);
	assert_int_equal(k.hi, 0x107000); /* 0x102000 + 0x5000 */
	assert_int_equal(k.elf.nseg, 3);
	assert_int_equal(k.elf.seg[0].paddr, 0x100000);
	assert_int_equal(k.elf.seg[0].offset, SEG0_OFF);
	assert_int_equal(k.elf.seg[1].paddr, 0x101000); /* p_paddr, not the higher-half p_vaddr */
	assert_int_equal(k.elf.seg[2].filesz, 0x100);
	assert_int_equal(k.elf.seg[2].memsz, 0x5000);
	/* Touching segments: one range to allocate. */
	assert_int_equal(k.nrange, 1);
	assert_int_equal(k.range[0].lo, 0x100000);
	assert_int_equal(k.range[0].hi, 0x107000);
}

/* A sparse kernel claims its segments' pages, not the gaps between them. */
static void test_ranges(void **state)
{
	(void)state;
	build();
	ph(1)->p_paddr = 0x400000;
	ph(2)->p_paddr = 0xffc00010; /* up to 0xffc05010 */
	assert_int_equal(parse(), 0);
	assert_int_equal(k.nrange, 3);
	assert_int_equal(k.range[0].lo, 0x100000);
	assert_int_equal(k.range[0].hi, 0x101000);
	assert_int_equal(k.range[1].lo, 0x400000);
	assert_int_equal(k.range[1].hi, 0x401000);
	assert_int_equal(k.range[2].lo, 0xffc00000);
	assert_int_equal(k.range[2].hi, 0xffc06000);
	assert_int_equal(k.lo, 0x100000);
	assert_int_equal(k.hi, 0xffc06000);

	/* Two segments in one page: one range. */
	build();
	ph(1)->p_paddr = 0x100200; /* seg 0 ends at 0x100100 */
	ph(1)->p_memsz = ph(1)->p_filesz = 0x100;
	assert_int_equal(parse(), 0);
	assert_int_equal(k.nrange, 2);
	assert_int_equal(k.range[0].lo, 0x100000);
	assert_int_equal(k.range[0].hi, 0x101000);
	assert_int_equal(k.range[1].lo, 0x102000);
}

static void test_sorted_and_rounded(void **state)
{
	(void)state;
	build();
	/* Program headers out of order, segments not page-aligned. */
	struct elf64_phdr t = *ph(0);
	*ph(0) = *ph(2);
	*ph(2) = t;
	ph(0)->p_paddr = 0x102010;
	ph(0)->p_memsz = 0x4ff1; /* ends at 0x107001 */
	assert_int_equal(parse(), 0);
	assert_int_equal(k.elf.seg[0].paddr, 0x100000);
	assert_int_equal(k.elf.seg[2].paddr, 0x102010);
	assert_int_equal(k.lo, 0x100000);
	assert_int_equal(k.hi, 0x108000);
	assert_int_equal(k.nrange, 1);
}

static void test_empty_load_dropped(void **state)
{
	(void)state;
	build();
	ph(4)->p_type = ELF_PT_LOAD; /* memsz 0 */
	assert_int_equal(parse(), 0);
	assert_int_equal(k.elf.nseg, 3);
}

/* The file may sit at any alignment in memory. */
static void test_unaligned(void **state)
{
	(void)state;
	build();
	memmove(file + 3, file, FILE_SIZE);
	why = NULL;
	assert_int_equal(efi_kernel_parse(file + 3, FILE_SIZE, &k, &why), 0);
	assert_int_equal(k.elf.entry, 0x100000);
}

static void test_8_byte_note(void **state)
{
	(void)state;
	build();
	uint64_t entry = 0x101010;
	ph(3)->p_filesz = 0x40;
	memset(file + NOTE_OFF, 0, 0x40);
	put_note(NOTE_OFF, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 8);
	assert_int_equal(parse(), 0);
	assert_int_equal(k.elf.entry, 0x101010);

	entry = 0x100100000ull;
	put_note(NOTE_OFF, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 8);
	refused("the PVH entry is not below 4 GiB");
}

static void test_bad_header(void **state)
{
	(void)state;
	build();
	why = NULL;
	assert_int_equal(efi_kernel_parse(file, 63, &k, &why), -SHOJI_EINVAL);
	assert_string_equal(why, "truncated: ELF header cut short");

	build();
	file[1] = 'e';
	refused("not an ELF file (no \\177ELF magic)");
	build();
	eh()->e_ident[ELF_EI_CLASS] = ELF_CLASS32;
	refused("not a 64-bit ELF file (ELFCLASS64 needed)");
	build();
	eh()->e_ident[ELF_EI_DATA] = ELF_DATA2MSB;
	refused("not a little-endian ELF file (ELFDATA2LSB needed)");
	build();
	eh()->e_version = 2;
	refused("unknown ELF version (EV_CURRENT needed)");
	build();
	eh()->e_machine = 3; /* EM_386 */
	refused("not an x86-64 ELF file (EM_X86_64 needed)");
	build();
	eh()->e_type = ELF_ET_DYN;
	refused("not an executable ELF file (ET_EXEC)");
	build();
	eh()->e_phnum = 0;
	refused("no program headers");
	build();
	eh()->e_phnum = ELF_PN_XNUM;
	refused("e_phnum is PN_XNUM (an extended count): not supported");
	build();
	eh()->e_shoff = 0x100; /* e_shnum 0: the count would be in section 0 */
	refused("extended section count (e_shnum 0, e_shoff set): not supported");
	build();
	eh()->e_phentsize = 64;
	refused("program header size is not 56 bytes");
	build();
	eh()->e_phoff = FILE_SIZE - 100;
	refused("truncated: program headers past the end of the file");
	build();
	eh()->e_phoff = UINT64_MAX - 8; /* offset + size wraps */
	refused("truncated: program headers past the end of the file");
}

static void test_bad_segments(void **state)
{
	(void)state;
	build();
	ph(2)->p_filesz = 0x6000;
	refused("a PT_LOAD segment has p_filesz > p_memsz");
	build();
	ph(2)->p_offset = FILE_SIZE - 0x80;
	refused("truncated: a PT_LOAD segment's bytes are past the end of the file");
	build();
	ph(2)->p_offset = UINT64_MAX;
	refused("truncated: a PT_LOAD segment's bytes are past the end of the file");
	build();
	ph(2)->p_paddr = 0xfffff000;
	ph(2)->p_memsz = 0x2000;
	refused("a PT_LOAD segment's physical range is not below 4 GiB");
	build();
	ph(2)->p_paddr = 0x100000000ull;
	refused("a PT_LOAD segment's physical range is not below 4 GiB");
	build();
	ph(1)->p_paddr = 0x100080; /* inside segment 0 */
	refused("two PT_LOAD segments overlap in physical memory");
	build();
	ph(1)->p_paddr = 0x101f00; /* runs into segment 2 */
	refused("two PT_LOAD segments overlap in physical memory");
	build();
	for (int i = 0; i < 3; i++)
		ph(i)->p_type = ELF_PT_NULL;
	refused("no PT_LOAD segment");
}

static void test_too_many_segments(void **state)
{
	(void)state;
	build();
	/* 17 one-page PT_LOADs, and the note last (18 headers run over the
	 * note's bytes, but the 17th PT_LOAD is refused before the note is read). */
	eh()->e_phnum = 18;
	for (int i = 0; i < 17; i++)
		load(i, ELF_PF_R, SEG0_OFF, 0, 0x100000 + i * 0x1000, 0x10, 0x10);
	*ph(17) = (struct elf64_phdr){ELF_PT_NOTE, ELF_PF_R, NOTE_OFF, 0, 0, 0x40, 0x40, 4};
	refused("more than 16 non-empty PT_LOAD segments");
	eh()->e_phnum = 16; /* 16 loads, no note */
	refused(NO_NOTE);
}

static void test_notes(void **state)
{
	uint32_t entry = 0x100000;
	(void)state;

	build();
	ph(3)->p_type = ELF_PT_NULL;
	refused(NO_NOTE);

	build();
	memset(file + NOTE_OFF, 0, 0x40);
	put_note(NOTE_OFF, "Xen", 17, &entry, 4); /* another Xen note type */
	refused(NO_NOTE);

	build();
	memset(file + NOTE_OFF, 0, 0x40);
	put_note(NOTE_OFF, "Xe", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4); /* another owner */
	refused("a note of the PVH entry's type is not named Xen");

	build();
	ph(3)->p_align = 8; /* QEMU's PVH loader would read the entry 4 bytes on */
	refused("a PT_NOTE segment's p_align is not 1, 2 or 4");

	build();
	memset(file + NOTE_OFF, 0, 0x40);
	put_note(NOTE_OFF, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 2);
	refused("the PVH entry note's descriptor is not 4 or 8 bytes");

	build();
	ph(3)->p_filesz = 12 + 4 + 8 + 12; /* the second note's header only */
	refused("an ELF note runs past the end of its PT_NOTE segment");

	build();
	ph(3)->p_offset = FILE_SIZE - 8;
	refused("truncated: a PT_NOTE segment is past the end of the file");

	build();
	memset(file + NOTE_OFF, 0, 0x40);
	entry = 0x102200; /* in segment 2's memory, but in its bss */
	put_note(NOTE_OFF, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
	refused("the PVH entry is outside the segments' bytes from the file");

	build();
	memset(file + NOTE_OFF, 0, 0x40);
	entry = 0x200000; /* nowhere */
	put_note(NOTE_OFF, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4);
	refused("the PVH entry is outside the segments' bytes from the file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_sorted_and_rounded),
	    cmocka_unit_test(test_empty_load_dropped),
	    cmocka_unit_test(test_unaligned),
	    cmocka_unit_test(test_8_byte_note),
	    cmocka_unit_test(test_bad_header),
	    cmocka_unit_test(test_bad_segments),
	    cmocka_unit_test(test_too_many_segments),
	    cmocka_unit_test(test_notes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
