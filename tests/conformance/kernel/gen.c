/* Writes the kernel conformance corpus: one small kernel.elf, good or bad, per case in
 * tests/conformance/kernel/expect. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/format/elf64.h"
#include "shoji/pvh.h"

/*
 * Every image starts as the good one, shaped like our kernel
 * (guest/arch/x86_64/kernel.ld): a boot segment at 1 MiB holding the
 * entry, a higher-half text segment whose p_paddr follows it, a data+bss
 * segment, a PT_NOTE with a GNU note and then the PVH entry note, and a
 * PT_GNU_STACK.  Each case changes one thing.  The bytes depend on nothing
 * but this file, so the corpus is the same on every machine.
 */
#define PHOFF 64
#define NOTE_OFF 0x600
#define SHOFF 0x800
#define SEG0_OFF 0x1000
#define SEG1_OFF 0x2000
#define SEG2_OFF 0x3000
#define FILE_SIZE 0x4000
#define NPH 5
#define PH_NOTE 3

static unsigned char img[FILE_SIZE];
static size_t img_size;

static struct elf64_ehdr *eh(void)
{
	return (struct elf64_ehdr *)img;
}

static struct elf64_phdr *ph(int i)
{
	return (struct elf64_phdr *)(img + PHOFF) + i;
}

static void load(int i, uint64_t off, uint64_t paddr, uint64_t filesz, uint64_t memsz)
{
	*ph(i) = (struct elf64_phdr){
	    ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, off, paddr | (1ull << 63), paddr, filesz, memsz,
	    0x1000};
}

/* One note at @off, padded to @pad; returns where the next one goes. */
static size_t put_note(size_t off, const char *name, uint32_t type, const void *desc,
		       uint32_t descsz, size_t pad)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	struct elf64_nhdr nh = {namesz, descsz, type};
	memcpy(img + off, &nh, sizeof(nh));
	memcpy(img + off + sizeof(nh), name, namesz);
	size_t desc_off = (sizeof(nh) + namesz + pad - 1) & ~(pad - 1);
	memcpy(img + off + desc_off, desc, descsz);
	return off + ((desc_off + descsz + pad - 1) & ~(pad - 1));
}

/* The notes: a GNU build id, then the PVH entry with a @descsz-byte descriptor. */
static void notes(uint64_t entry, uint32_t descsz, size_t pad)
{
	static const uint8_t build_id[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t desc[16] = {0};
	memcpy(desc, &entry, sizeof(entry));
	memset(img + NOTE_OFF, 0, SHOFF - NOTE_OFF);
	size_t at = put_note(NOTE_OFF, "GNU", 3, build_id, sizeof(build_id), pad);
	at = put_note(at, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, desc, descsz, pad);
	ph(PH_NOTE)->p_filesz = ph(PH_NOTE)->p_memsz = at - NOTE_OFF;
	ph(PH_NOTE)->p_align = pad;
}

/*
 * The boot segment's code: every 16 bytes a stub that reports its number
 * N (1..16) on QEMU's isa-debug-exit port and stops, so that check.c can
 * see where QEMU's PVH loader entered an image all judges accept:
 * mov $N, %al; out %al, $0xf4; hlt; jmp .-1 (hlt between them).
 */
static void boot_stubs(void)
{
	memset(img + SEG0_OFF, 0xf4, 0x100); /* hlt */
	for (int n = 0; n < 16; n++) {
		static const uint8_t stub[] = {0xb0, 0, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd};
		memcpy(img + SEG0_OFF + 16 * n, stub, sizeof(stub));
		img[SEG0_OFF + 16 * n + 1] = (uint8_t)(n + 1);
	}
}

static void good(void)
{
	memset(img, 0, sizeof(img));
	img_size = FILE_SIZE;
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
	    .e_phnum = NPH,
	};
	load(0, SEG0_OFF, 0x100000, 0x100, 0x100);
	load(1, SEG1_OFF, 0x101000, 0x800, 0x800);
	load(2, SEG2_OFF, 0x102000, 0x100, 0x5000);
	*ph(PH_NOTE) = (struct elf64_phdr){ELF_PT_NOTE, ELF_PF_R, NOTE_OFF, 0, 0, 0, 0, 4};
	*ph(4) = (struct elf64_phdr){ELF_PT_GNU_STACK, ELF_PF_R | ELF_PF_W, 0, 0, 0, 0, 0, 16};
	notes(0x100000, 4, 4);
	boot_stubs();
}

/* The note in a SHT_NOTE section (null section, the note, no string table). */
static void note_in_section_only(void)
{
	ph(PH_NOTE)->p_type = ELF_PT_NULL;
	eh()->e_shoff = SHOFF;
	eh()->e_shentsize = 64;
	eh()->e_shnum = 2;
	uint32_t sh_type_note = 7;
	uint64_t off = NOTE_OFF, size = 0x30, align = 4;
	memcpy(img + SHOFF + 64 + 4, &sh_type_note, 4);
	memcpy(img + SHOFF + 64 + 24, &off, 8);
	memcpy(img + SHOFF + 64 + 32, &size, 8);
	memcpy(img + SHOFF + 64 + 48, &align, 8);
}

/* The notes, then a second PT_NOTE (in place of PT_GNU_STACK) holding one
 * more: a note @name of type @type for @entry. */
static void second_note_segment(const char *name, uint32_t type, uint32_t entry)
{
	size_t at = NOTE_OFF + ph(PH_NOTE)->p_filesz;
	size_t end = put_note(at, name, type, &entry, 4, 4);
	*ph(4) = (struct elf64_phdr){ELF_PT_NOTE, ELF_PF_R, at, 0, 0, end - at, end - at, 4};
}

/* p_align 1 and a note named "Linux" (6 bytes) before the PVH note:
 * QEMU would read the next note 2 bytes early. */
static void note_align_1_odd_name(void)
{
	static const uint8_t salt[4] = {1, 2, 3, 4};
	uint32_t entry = 0x100000;
	memset(img + NOTE_OFF, 0, SHOFF - NOTE_OFF);
	size_t at = put_note(NOTE_OFF, "Linux", 0x100, salt, sizeof(salt), 4);
	at = put_note(at, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4, 4);
	ph(PH_NOTE)->p_filesz = ph(PH_NOTE)->p_memsz = at - NOTE_OFF;
	ph(PH_NOTE)->p_align = 1;
}

/* A note of the PVH type with another name before the Xen one. */
static void note_other_name_first(void)
{
	uint32_t entry = 0x100010;
	memset(img + NOTE_OFF, 0, SHOFF - NOTE_OFF);
	size_t at = put_note(NOTE_OFF, "Qemu", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4, 4);
	entry = 0x100000;
	at = put_note(at, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, &entry, 4, 4);
	ph(PH_NOTE)->p_filesz = ph(PH_NOTE)->p_memsz = at - NOTE_OFF;
}

/* A multiboot header at @off: magic, @flags, a checksum that sums to 0
 * when @good, and (for the a.out kludge, flags bit 16) the addresses of
 * the boot segment with its second stub as the entry. */
static void multiboot(size_t off, uint32_t flags, bool good)
{
	uint32_t h[8] = {
	    0x1badb002, flags,	 0u - 0x1badb002 - flags - !good, 0x100000 + 0x40, 0x100000, 0,
	    0,		0x100010};
	memcpy(img + off, h, sizeof(h));
}

/* Code at 0 holding the entry: a boot segment at physical 0. */
static void entry_zero(void)
{
	load(4, SEG0_OFF, 0, 0x10, 0x10);
	ph(0)->p_offset = SEG0_OFF + 0x10;
	ph(0)->p_filesz = ph(0)->p_memsz = 0xf0;
	ph(0)->p_paddr = 0x100010;
	notes(0, 4, 4);
}

static void too_many_segments(void)
{
	eh()->e_phnum = 18;
	for (int i = 0; i < 17; i++)
		load(i, SEG0_OFF, 0x100000 + i * 0x1000, 0x10, 0x10);
	*ph(17) = (struct elf64_phdr){ELF_PT_NOTE, ELF_PF_R, NOTE_OFF, 0, 0, 0x30, 0x30, 4};
}

static void sixteen_segments(void)
{
	too_many_segments();
	eh()->e_phnum = 17;
	*ph(16) = *ph(17);
}

static void no_load(void)
{
	for (int i = 0; i < 3; i++)
		ph(i)->p_type = ELF_PT_NULL;
}

/* Each case: its name (the file is NAME.elf) and the change to the good image. */
#define CASES(X)                                                                                   \
	X(good, (void)0)                                                                           \
	X(good_note_desc_8, notes(0x100010, 8, 4))                                                 \
	X(good_empty_load_dropped, ph(4)->p_type = ELF_PT_LOAD)                                    \
	X(good_16_segments, sixteen_segments())                                                    \
	X(good_touching_segments, ph(1)->p_paddr = 0x100100)                                       \
	X(good_section_table_garbage, (eh()->e_shoff = 0xfffffff0, eh()->e_shnum = 22))            \
	X(good_entry_last_file_byte, notes(0x1020ff, 4, 4))                                        \
	X(good_note_align_1, ph(PH_NOTE)->p_align = 1)                                             \
	X(good_multiboot_bad_checksum, multiboot(0x780, 0x10000, false))                           \
	X(good_multiboot_past_8k, multiboot(0x2000, 0x10000, true))                                \
	X(empty_file, img_size = 0)                                                                \
	X(tiny_file, img_size = 3)                                                                 \
	X(bad_magic, img[1] = 'e')                                                                 \
	X(bzimage, (img[0] = 'M', img[1] = 'Z', memcpy(img + 0x202, "HdrS", 4)))                   \
	X(truncated_header, img_size = 40)                                                         \
	X(class_32, eh()->e_ident[ELF_EI_CLASS] = ELF_CLASS32)                                     \
	X(class_none, eh()->e_ident[ELF_EI_CLASS] = 0)                                             \
	X(big_endian, eh()->e_ident[ELF_EI_DATA] = ELF_DATA2MSB)                                   \
	X(ident_version_0, eh()->e_ident[ELF_EI_VERSION] = 0)                                      \
	X(extended_section_count, eh()->e_shoff = SHOFF)                                           \
	X(version_2, eh()->e_version = 2)                                                          \
	X(machine_386, eh()->e_machine = 3)                                                        \
	X(machine_aarch64, eh()->e_machine = 183)                                                  \
	X(type_dyn, eh()->e_type = ELF_ET_DYN)                                                     \
	X(type_rel, eh()->e_type = ELF_ET_REL)                                                     \
	X(phnum_0, eh()->e_phnum = 0)                                                              \
	X(phoff_0, eh()->e_phoff = 0)                                                              \
	X(phnum_xnum, eh()->e_phnum = ELF_PN_XNUM)                                                 \
	X(phentsize_64, eh()->e_phentsize = 64)                                                    \
	X(phdrs_past_end, eh()->e_phoff = FILE_SIZE - 100)                                         \
	X(phoff_wraps, eh()->e_phoff = UINT64_MAX - 8)                                             \
	X(phdrs_truncated, img_size = PHOFF + 20)                                                  \
	X(filesz_over_memsz, ph(2)->p_filesz = 0x6000)                                             \
	X(segment_past_end, ph(2)->p_offset = FILE_SIZE - 0x80)                                    \
	X(segment_offset_wraps, ph(2)->p_offset = UINT64_MAX)                                      \
	X(segment_truncated, img_size = SEG2_OFF + 0x80)                                           \
	X(segment_above_4g, ph(2)->p_paddr = 0x100000000ull)                                       \
	X(segment_crosses_4g, (ph(2)->p_paddr = 0xfffff000, ph(2)->p_memsz = 0x2000))              \
	X(segment_paddr_wraps, ph(2)->p_paddr = UINT64_MAX - 0x10)                                 \
	X(segments_overlap, ph(1)->p_paddr = 0x100080)                                             \
	X(segments_overlap_bss, ph(1)->p_paddr = 0x101f00)                                         \
	X(too_many_segments, too_many_segments())                                                  \
	X(no_load, no_load())                                                                      \
	X(no_note, ph(PH_NOTE)->p_type = ELF_PT_NULL)                                              \
	X(note_in_section_only, note_in_section_only())                                            \
	X(note_other_type, img[NOTE_OFF + 24 + 8] = 17)                                            \
	X(note_other_name, img[NOTE_OFF + 24 + 12 + 2] = 'm')                                      \
	X(note_align_8, notes(0x100010, 4, 8))                                                     \
	X(note_align_0, ph(PH_NOTE)->p_align = 0)                                                  \
	X(note_align_1_odd_name, note_align_1_odd_name())                                          \
	X(note_other_name_first, note_other_name_first())                                          \
	X(note_twice, second_note_segment("Xen", XEN_ELFNOTE_PHYS32_ENTRY, 0x100010))              \
	X(note_twice_other_name, second_note_segment("Qemu", XEN_ELFNOTE_PHYS32_ENTRY, 0x100010))  \
	X(note_desc_2, notes(0x100000, 2, 4))                                                      \
	X(note_desc_0, notes(0x100000, 0, 4))                                                      \
	X(note_desc_16, notes(0x100000, 16, 4))                                                    \
	X(note_runs_past_segment, ph(PH_NOTE)->p_filesz = 24 + 12 + 4 + 2)                         \
	X(note_segment_past_end, ph(PH_NOTE)->p_offset = FILE_SIZE - 8)                            \
	X(note_segment_offset_wraps, ph(PH_NOTE)->p_offset = UINT64_MAX - 4)                       \
	X(entry_outside_segments, notes(0x200000, 4, 4))                                           \
	X(entry_in_bss_only, notes(0x102200, 4, 4))                                                \
	X(entry_above_4g, notes(0x100100000ull, 8, 4))                                             \
	X(multiboot_header, multiboot(0x780, 0x10000, true))                                       \
	X(multiboot_header_elf, multiboot(0x780, 0, true))                                         \
	X(multiboot_header_last, multiboot(0x2000 - 12, 0, true))                                  \
	X(linux_boot_header, memcpy(img + 0x202, "HdrS", 4))                                       \
	X(entry_zero, entry_zero())                                                                \
	X(empty_load_past_end,                                                                     \
	  (ph(4)->p_type = ELF_PT_LOAD, ph(4)->p_offset = FILE_SIZE - 8, ph(4)->p_filesz = 0x10))

#define CASE_FUNCTION(name, change)                                                                \
	static void case_##name(void)                                                              \
	{                                                                                          \
		change;                                                                            \
	}
CASES(CASE_FUNCTION)

#define CASE_ENTRY(name, change) {#name, case_##name},
static const struct {
	const char *name;
	void (*change)(void);
} cases[] = {CASES(CASE_ENTRY)};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[4096];
		good();
		cases[i].change();
		snprintf(path, sizeof(path), "%s/%s.elf", argv[1], cases[i].name);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(img, 1, img_size, f) != img_size || fclose(f)) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	return 0;
}
