/* The task-image conformance corpus: the valid image, and the damage each case does to it. */
#include <string.h>

#include "images.h"
#include "loader/format/format.h"

#define FILE_SIZE 0x2000
#define DYN_OFF 0x1000
#define RELA_OFF 0x1100
#define NRELA 4
#define ENTRY 0x800
#define SPAN 0x3000
#define TEXT_PH 0
#define DATA_PH 1
#define DYN_PH 2
#define NOTE_PH 3
#define NOTE_OFF 0x700 /* the task note, in the text page */
#define NOTE_DESC (NOTE_OFF + 12 + 8)
#define EM_AARCH64 183
#define ET_REL 1

_Static_assert(FILE_SIZE <= CORPUS_IMAGE_MAX, "the valid image fits the buffer");

static void put16(struct corpus_image *m, uint64_t off, uint16_t v)
{
	memcpy(m->buf + off, &v, 2); /* the host is little-endian, like x86-64 */
}

static void put32(struct corpus_image *m, uint64_t off, uint32_t v)
{
	memcpy(m->buf + off, &v, 4);
}

static void put64(struct corpus_image *m, uint64_t off, uint64_t v)
{
	memcpy(m->buf + off, &v, 8);
}

static uint64_t ph_at(unsigned i)
{
	return sizeof(struct elf64_ehdr) + i * sizeof(struct elf64_phdr);
}

#define EH(field) offsetof(struct elf64_ehdr, field)
#define PH(field) offsetof(struct elf64_phdr, field)

/* Appends a program header and counts it in e_phnum. */
static void add_ph(struct corpus_image *m, uint32_t type, uint32_t flags, uint64_t off,
		   uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t align)
{
	uint64_t p = ph_at(m->nph++);
	put32(m, p + PH(p_type), type);
	put32(m, p + PH(p_flags), flags);
	put64(m, p + PH(p_offset), off);
	put64(m, p + PH(p_vaddr), vaddr);
	put64(m, p + PH(p_paddr), vaddr);
	put64(m, p + PH(p_filesz), filesz);
	put64(m, p + PH(p_memsz), memsz);
	put64(m, p + PH(p_align), align);
	put16(m, EH(e_phnum), (uint16_t)m->nph);
}

static void set_ph64(struct corpus_image *m, unsigned i, size_t field, uint64_t v)
{
	put64(m, ph_at(i) + field, v);
}

static void set_dyn(struct corpus_image *m, unsigned n, int64_t tag, uint64_t val)
{
	put64(m, DYN_OFF + n * 16, (uint64_t)tag);
	put64(m, DYN_OFF + n * 16 + 8, val);
}

static void set_rela(struct corpus_image *m, unsigned n, uint64_t off, uint32_t type,
		     int64_t addend)
{
	uint64_t p = RELA_OFF + n * sizeof(struct elf64_rela);
	put64(m, p + offsetof(struct elf64_rela, r_offset), off);
	put64(m, p + offsetof(struct elf64_rela, r_info), type);
	put64(m, p + offsetof(struct elf64_rela, r_addend), (uint64_t)addend);
}

/* A shoji note (shoji/note.h) at @off: header, "shoji" padded to 8, the
 * descriptor. */
static void put_note(struct corpus_image *m, uint64_t off, uint32_t type, uint32_t conventions)
{
	put32(m, off, 6);
	put32(m, off + 4, sizeof(struct shoji_task_note));
	put32(m, off + 8, type);
	memcpy(m->buf + off + 12, SHOJI_NOTE_NAME, 6);
	put32(m, off + 20, SHOJI_ABI_VERSION);
	put32(m, off + 24, conventions);
}

static void header(struct corpus_image *m)
{
	memset(m, 0, sizeof(*m));
	m->size = FILE_SIZE;
	memcpy(m->buf, "\177ELF", 4);
	m->buf[ELF_EI_CLASS] = ELF_CLASS64;
	m->buf[ELF_EI_DATA] = ELF_DATA2LSB;
	m->buf[ELF_EI_VERSION] = ELF_EV_CURRENT;
	put16(m, EH(e_type), ELF_ET_DYN);
	put16(m, EH(e_machine), ELF_EM_X86_64);
	put32(m, EH(e_version), ELF_EV_CURRENT);
	put64(m, EH(e_entry), ENTRY);
	put64(m, EH(e_phoff), sizeof(struct elf64_ehdr));
	put16(m, EH(e_ehsize), sizeof(struct elf64_ehdr));
	put16(m, EH(e_phentsize), sizeof(struct elf64_phdr));
}

void corpus_valid(struct corpus_image *m)
{
	header(m);
	add_ph(m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0, 0, 0x1000, 0x1000, 0x1000);
	add_ph(m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, 0x1000, 0x1000, 0x1000, 0x2000, 0x1000);
	add_ph(m, ELF_PT_DYNAMIC, ELF_PF_R | ELF_PF_W, DYN_OFF, DYN_OFF, 4 * 16, 4 * 16, 8);
	m->buf[ENTRY] = 0xf4;	  /* hlt */
	m->buf[ENTRY + 1] = 0xeb; /* jmp back to the hlt */
	m->buf[ENTRY + 2] = 0xfd;
	set_dyn(m, 0, ELF_DT_RELA, RELA_OFF);
	set_dyn(m, 1, ELF_DT_RELASZ, NRELA * sizeof(struct elf64_rela));
	set_dyn(m, 2, ELF_DT_RELAENT, sizeof(struct elf64_rela));
	set_dyn(m, 3, ELF_DT_NULL, 0);
	set_rela(m, 0, 0x1200, ELF_R_X86_64_RELATIVE, ENTRY);
	set_rela(m, 1, 0x1208, ELF_R_X86_64_RELATIVE, 0x1000);
	set_rela(m, 2, 0x1210, ELF_R_X86_64_NONE, 0);
	set_rela(m, 3, SPAN - 8, ELF_R_X86_64_RELATIVE, SPAN); /* one past the end */
	put_note(m, NOTE_OFF, SHOJI_NOTE_TASK, SHOJI_CONV_REQUIRED);
	add_ph(m, ELF_PT_NOTE, ELF_PF_R, NOTE_OFF, NOTE_OFF, 12 + 8 + 8, 12 + 8 + 8, 4);
}

/* --- accepted ------------------------------------------------------------ */

/* No dynamic section: nothing to relocate. */
static void no_dynamic(struct corpus_image *m)
{
	corpus_valid(m);
	put32(m, ph_at(DYN_PH) + PH(p_type), ELF_PT_NULL);
}

/* Program headers with nothing to load are ignored; an empty PT_LOAD too. */
static void extra_headers(struct corpus_image *m)
{
	corpus_valid(m);
	add_ph(m, ELF_PT_NOTE, ELF_PF_R, 0x100, 0x100, 8, 8, 4);
	add_ph(m, ELF_PT_LOAD, ELF_PF_R, 0, 0x5000, 0, 0, 0x1000);
}

/* The image ends exactly where the system-call gate page starts. */
static void span_max(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, DATA_PH, PH(p_memsz), ELF_TASK_SPAN_MAX - 0x1000);
}

/* Eight segments, the most the kernel takes. */
static void eight_segments(struct corpus_image *m)
{
	no_dynamic(m);
	for (uint64_t i = 0; i < 6; i++)
		add_ph(m, ELF_PT_LOAD, ELF_PF_R, 0, 0x4000 + i * 0x1000, 0, 0x100, 0x1000);
}

/* --- refused: the ELF header ------------------------------------------------ */

static void empty(struct corpus_image *m)
{
	memset(m, 0, sizeof(*m));
}

static void bad_magic(struct corpus_image *m)
{
	corpus_valid(m);
	m->buf[1] = 'X';
}

static void truncated_header(struct corpus_image *m)
{
	corpus_valid(m);
	m->size = sizeof(struct elf64_ehdr) - 1;
}

/* e_shnum 0 with e_shoff set: the count is in section 0, here the ELF
 * header's own bytes from 16 on, whose sh_size is huge (libelf refuses). */
static void extended_shnum(struct corpus_image *m)
{
	corpus_valid(m);
	put64(m, EH(e_shoff), 16);
}

static void class32(struct corpus_image *m)
{
	corpus_valid(m);
	m->buf[ELF_EI_CLASS] = 1; /* ELFCLASS32 */
}

static void big_endian(struct corpus_image *m)
{
	corpus_valid(m);
	m->buf[ELF_EI_DATA] = 2; /* ELFDATA2MSB */
}

static void bad_version(struct corpus_image *m)
{
	corpus_valid(m);
	put32(m, EH(e_version), 2);
}

static void not_x86_64(struct corpus_image *m)
{
	corpus_valid(m);
	put16(m, EH(e_machine), EM_AARCH64);
}

static void et_exec(struct corpus_image *m)
{
	corpus_valid(m);
	put16(m, EH(e_type), ELF_ET_EXEC);
}

static void et_rel(struct corpus_image *m)
{
	corpus_valid(m);
	put16(m, EH(e_type), ET_REL);
}

/* --- refused: the program header table -------------------------------------- */

static void no_phdrs(struct corpus_image *m)
{
	corpus_valid(m);
	put16(m, EH(e_phnum), 0);
}

/*
 * e_phoff 0 (gABI: no table) with the ELF header read as the table:
 * header 0 is the header itself (type \177ELF), header 1 at byte 56 has
 * type e_phnum | e_shentsize << 16 = PT_NOTE, headers 2 and 3 are the
 * valid image's PT_LOADs.  Read as a table it loads; libelf reads none.
 */
static void phoff_zero(struct corpus_image *m)
{
	uint8_t load[2 * sizeof(struct elf64_phdr)];

	no_dynamic(m);
	memcpy(load, m->buf + ph_at(TEXT_PH), sizeof(load));
	memset(m->buf + ph_at(0), 0, 3 * sizeof(struct elf64_phdr));
	memcpy(m->buf + 2 * sizeof(struct elf64_phdr), load, sizeof(load));
	put64(m, EH(e_phoff), 0);
	put16(m, EH(e_phnum), ELF_PT_NOTE);
	put16(m, EH(e_shentsize), 0);
}

static void phnum_xnum(struct corpus_image *m)
{
	corpus_valid(m);
	put16(m, EH(e_phnum), ELF_PN_XNUM);
}

static void phentsize(struct corpus_image *m)
{
	corpus_valid(m);
	put16(m, EH(e_phentsize), 32);
}

static void phdrs_past_end(struct corpus_image *m)
{
	corpus_valid(m);
	put64(m, EH(e_phoff), FILE_SIZE - 8);
}

/* --- refused: one segment ------------------------------------------------------ */

static void filesz_over_memsz(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, TEXT_PH, PH(p_filesz), 0x1001);
}

static void segment_past_file(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, DATA_PH, PH(p_filesz), 0x1001);
}

static void segment_overflow(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, DATA_PH, PH(p_vaddr), UINT64_MAX - 0x800);
}

static void too_large(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, DATA_PH, PH(p_memsz), ELF_TASK_SPAN_MAX - 0x1000 + 1);
}

static void align_not_pow2(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, DATA_PH, PH(p_align), 0x3000);
}

static void incongruent(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, DATA_PH, PH(p_vaddr), 0x1800);
}

static void wx_segment(struct corpus_image *m)
{
	corpus_valid(m);
	put32(m, ph_at(TEXT_PH) + PH(p_flags), ELF_PF_R | ELF_PF_W | ELF_PF_X);
}

/* A segment no page may be mapped for (no R, W or X): the kernel maps
 * pages by flags and could not copy its bytes in. */
static void no_permissions(struct corpus_image *m)
{
	corpus_valid(m);
	add_ph(m, ELF_PT_LOAD, 0, 0x800, 0x4800, 0x10, 0x10, 0x1000);
}

static void nine_segments(struct corpus_image *m)
{
	eight_segments(m);
	add_ph(m, ELF_PT_LOAD, ELF_PF_R, 0, 0xa000, 0, 0x100, 0x1000);
}

static void interp(struct corpus_image *m)
{
	corpus_valid(m);
	add_ph(m, ELF_PT_INTERP, ELF_PF_R, 0x100, 0x100, 8, 8, 1);
}

static void tls(struct corpus_image *m)
{
	corpus_valid(m);
	add_ph(m, ELF_PT_TLS, ELF_PF_R, 0x1000, 0x1000, 0, 8, 8);
}

static void two_dynamic(struct corpus_image *m)
{
	corpus_valid(m);
	add_ph(m, ELF_PT_DYNAMIC, ELF_PF_R | ELF_PF_W, DYN_OFF, DYN_OFF, 4 * 16, 4 * 16, 8);
}

static void dynamic_past_end(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, DYN_PH, PH(p_filesz), FILE_SIZE);
}

/* --- refused: the segments together ------------------------------------------------ */

static void only_empty_loads(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, TEXT_PH, PH(p_filesz), 0);
	set_ph64(m, TEXT_PH, PH(p_memsz), 0);
	set_ph64(m, DATA_PH, PH(p_filesz), 0);
	set_ph64(m, DATA_PH, PH(p_memsz), 0);
}

static void overlap(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, TEXT_PH, PH(p_memsz), 0x1001);
}

/* Text ends and data starts in one page: it would have to be W and X. */
static void wx_page(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, TEXT_PH, PH(p_filesz), 0x800 + 8);
	set_ph64(m, TEXT_PH, PH(p_memsz), 0x800 + 8);
	set_ph64(m, DATA_PH, PH(p_align), 16);
	set_ph64(m, DATA_PH, PH(p_vaddr), 0x900);
	set_ph64(m, DATA_PH, PH(p_offset), 0x900);
}

static void entry_outside(struct corpus_image *m)
{
	corpus_valid(m);
	put64(m, EH(e_entry), 0x1200);
}

/* --- refused: the dynamic section and relocations ------------------------------------ */

static void dt_needed(struct corpus_image *m)
{
	corpus_valid(m);
	set_dyn(m, 2, ELF_DT_NEEDED, 1);
}

static void dt_rel(struct corpus_image *m)
{
	corpus_valid(m);
	set_dyn(m, 2, ELF_DT_RELSZ, 16);
}

static void relasz_without_rela(struct corpus_image *m)
{
	corpus_valid(m);
	set_dyn(m, 0, ELF_DT_RELAENT, sizeof(struct elf64_rela));
}

static void relaent(struct corpus_image *m)
{
	corpus_valid(m);
	set_dyn(m, 2, ELF_DT_RELAENT, 16);
}

static void relasz_odd(struct corpus_image *m)
{
	corpus_valid(m);
	set_dyn(m, 1, ELF_DT_RELASZ, NRELA * sizeof(struct elf64_rela) - 1);
}

static void rela_outside(struct corpus_image *m)
{
	corpus_valid(m);
	set_dyn(m, 0, ELF_DT_RELA, 0x2000); /* bss: no file bytes */
}

static void rela_type(struct corpus_image *m)
{
	corpus_valid(m);
	set_rela(m, 1, 0x1208, 1 /* R_X86_64_64 */, 0);
}

static void rela_readonly(struct corpus_image *m)
{
	corpus_valid(m);
	set_rela(m, 1, ENTRY, ELF_R_X86_64_RELATIVE, 0);
}

static void rela_negative(struct corpus_image *m)
{
	corpus_valid(m);
	set_rela(m, 1, 0x1208, ELF_R_X86_64_RELATIVE, -1);
}

static void rela_past_end(struct corpus_image *m)
{
	corpus_valid(m);
	set_rela(m, 1, 0x1208, ELF_R_X86_64_RELATIVE, SPAN + 1);
}

/* --- the task note (loader/format/elf_task_note.c) ------------------------ */

/* Another note first in the same segment (a GNU one): skipped by size. */
static void note_among_others(struct corpus_image *m)
{
	corpus_valid(m);
	put32(m, NOTE_OFF - 0x20, 4);
	put32(m, NOTE_OFF - 0x20 + 4, 16);
	put32(m, NOTE_OFF - 0x20 + 8, 3); /* NT_GNU_BUILD_ID */
	memcpy(m->buf + NOTE_OFF - 0x20 + 12, "GNU", 4);
	set_ph64(m, NOTE_PH, PH(p_offset), NOTE_OFF - 0x20);
	set_ph64(m, NOTE_PH, PH(p_filesz), 0x20 + 28);
}

static void note_missing(struct corpus_image *m)
{
	corpus_valid(m);
	put32(m, ph_at(NOTE_PH) + PH(p_type), ELF_PT_NULL);
}

static void note_wrong_type(struct corpus_image *m)
{
	corpus_valid(m);
	put32(m, NOTE_OFF + 8, SHOJI_NOTE_TASK + 1);
}

static void note_unsealed(struct corpus_image *m)
{
	corpus_valid(m);
	put32(m, NOTE_DESC + 4, 0);
}

static void note_half_sealed(struct corpus_image *m)
{
	corpus_valid(m);
	put32(m, NOTE_DESC + 4, SHOJI_CONV_SQUASHED);
}

static void note_other_abi(struct corpus_image *m)
{
	corpus_valid(m);
	put32(m, NOTE_DESC, 4);
}

static void note_twice(struct corpus_image *m)
{
	corpus_valid(m);
	add_ph(m, ELF_PT_NOTE, ELF_PF_R, NOTE_OFF, NOTE_OFF, 28, 28, 4);
}

static void note_descsz(struct corpus_image *m)
{
	corpus_valid(m);
	put32(m, NOTE_OFF + 4, 4);
}

static void note_past_segment(struct corpus_image *m)
{
	corpus_valid(m);
	put32(m, NOTE_OFF, 0xfffffff0u); /* namesz: padding it must not wrap */
}

static void note_segment_past_file(struct corpus_image *m)
{
	corpus_valid(m);
	set_ph64(m, NOTE_PH, PH(p_filesz), UINT64_MAX - NOTE_OFF + 1);
}

const struct corpus_case corpus_cases[] = {
    {"valid", corpus_valid},
    {"no-dynamic", no_dynamic},
    {"extra-headers", extra_headers},
    {"span-max", span_max},
    {"eight-segments", eight_segments},
    {"empty", empty},
    {"bad-magic", bad_magic},
    {"truncated-header", truncated_header},
    {"extended-shnum", extended_shnum},
    {"class32", class32},
    {"big-endian", big_endian},
    {"bad-version", bad_version},
    {"not-x86-64", not_x86_64},
    {"et-exec", et_exec},
    {"et-rel", et_rel},
    {"no-phdrs", no_phdrs},
    {"phoff-zero", phoff_zero},
    {"phnum-xnum", phnum_xnum},
    {"phentsize", phentsize},
    {"phdrs-past-end", phdrs_past_end},
    {"filesz-over-memsz", filesz_over_memsz},
    {"segment-past-file", segment_past_file},
    {"segment-overflow", segment_overflow},
    {"too-large", too_large},
    {"align-not-pow2", align_not_pow2},
    {"incongruent", incongruent},
    {"wx-segment", wx_segment},
    {"no-permissions", no_permissions},
    {"nine-segments", nine_segments},
    {"interp", interp},
    {"tls", tls},
    {"two-dynamic", two_dynamic},
    {"dynamic-past-end", dynamic_past_end},
    {"only-empty-loads", only_empty_loads},
    {"overlap", overlap},
    {"wx-page", wx_page},
    {"entry-outside", entry_outside},
    {"dt-needed", dt_needed},
    {"dt-rel", dt_rel},
    {"relasz-without-rela", relasz_without_rela},
    {"relaent", relaent},
    {"relasz-odd", relasz_odd},
    {"rela-outside", rela_outside},
    {"rela-type", rela_type},
    {"rela-readonly", rela_readonly},
    {"rela-negative", rela_negative},
    {"rela-past-end", rela_past_end},
    {"note-among-others", note_among_others},
    {"note-missing", note_missing},
    {"note-wrong-type", note_wrong_type},
    {"note-unsealed", note_unsealed},
    {"note-half-sealed", note_half_sealed},
    {"note-other-abi", note_other_abi},
    {"note-twice", note_twice},
    {"note-descsz", note_descsz},
    {"note-past-segment", note_past_segment},
    {"note-segment-past-file", note_segment_past_file},
};
const unsigned corpus_ncases = sizeof(corpus_cases) / sizeof(corpus_cases[0]);
