/* Unit tests for task image validation and relocation (loader/format/elf_task.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../loader/format/format.h"

/*
 * The builder makes this image, which every test starts from and then
 * damages in one place:
 *
 *   file offset / vaddr
 *   0x0000  ELF header, program headers     \  PT_LOAD R+X  [0x0000, 0x1000)
 *   0x0800  entry point                     /
 *   0x1000  dynamic section (RELA, RELASZ,  \
 *           RELAENT, NULL)                   |  PT_LOAD R+W  file [0x1000, 0x2000)
 *   0x1100  Elf64_Rela[4]                    |               memory [0x1000, 0x3000)
 *   0x1200  two pointers to relocate         |
 *   0x2ff8  (bss) a pointer to the end      /
 *
 *   span 0x3000
 */
#define FILE_SIZE 0x2000
#define TEXT_PH 0
#define DATA_PH 1
#define DYN_PH 2
#define DYN_OFF 0x1000
#define RELA_OFF 0x1100
#define NRELA 4
#define ENTRY 0x800
#define SPAN 0x3000
#define MAX_SPAN (1ull << 30)

struct img {
	uint8_t buf[FILE_SIZE + 64];
	size_t size;
	unsigned nph;
};

static void put16(struct img *m, uint64_t off, uint16_t v)
{
	memcpy(m->buf + off, &v, 2); /* the host is little-endian, like x86-64 */
}

static void put32(struct img *m, uint64_t off, uint32_t v)
{
	memcpy(m->buf + off, &v, 4);
}

static void put64(struct img *m, uint64_t off, uint64_t v)
{
	memcpy(m->buf + off, &v, 8);
}

static uint64_t ph_at(unsigned i)
{
	return sizeof(struct elf64_ehdr) + i * sizeof(struct elf64_phdr);
}

/* Append a program header and bump e_phnum. */
static unsigned add_ph(struct img *m, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
		       uint64_t filesz, uint64_t memsz, uint64_t align)
{
	unsigned i = m->nph++;
	uint64_t p = ph_at(i);
	put32(m, p + offsetof(struct elf64_phdr, p_type), type);
	put32(m, p + offsetof(struct elf64_phdr, p_flags), flags);
	put64(m, p + offsetof(struct elf64_phdr, p_offset), off);
	put64(m, p + offsetof(struct elf64_phdr, p_vaddr), vaddr);
	put64(m, p + offsetof(struct elf64_phdr, p_paddr), vaddr);
	put64(m, p + offsetof(struct elf64_phdr, p_filesz), filesz);
	put64(m, p + offsetof(struct elf64_phdr, p_memsz), memsz);
	put64(m, p + offsetof(struct elf64_phdr, p_align), align);
	put16(m, offsetof(struct elf64_ehdr, e_phnum), (uint16_t)m->nph);
	return i;
}

/* Overwrite one 64-bit field of program header @i. */
static void set_ph64(struct img *m, unsigned i, size_t field, uint64_t v)
{
	put64(m, ph_at(i) + field, v);
}

static void set_ph32(struct img *m, unsigned i, size_t field, uint32_t v)
{
	put32(m, ph_at(i) + field, v);
}

static void set_dyn(struct img *m, unsigned n, int64_t tag, uint64_t val)
{
	put64(m, DYN_OFF + n * 16, (uint64_t)tag);
	put64(m, DYN_OFF + n * 16 + 8, val);
}

static void set_rela(struct img *m, unsigned n, uint64_t off, uint32_t type, int64_t addend)
{
	uint64_t p = RELA_OFF + n * sizeof(struct elf64_rela);
	put64(m, p + offsetof(struct elf64_rela, r_offset), off);
	put64(m, p + offsetof(struct elf64_rela, r_info), type);
	put64(m, p + offsetof(struct elf64_rela, r_addend), (uint64_t)addend);
}

/* The ELF header alone, no program headers. */
static void build_header(struct img *m)
{
	memset(m, 0, sizeof(*m));
	m->size = FILE_SIZE;
	m->buf[0] = ELF_MAG0;
	m->buf[1] = ELF_MAG1;
	m->buf[2] = ELF_MAG2;
	m->buf[3] = ELF_MAG3;
	m->buf[ELF_EI_CLASS] = ELF_CLASS64;
	m->buf[ELF_EI_DATA] = ELF_DATA2LSB;
	m->buf[ELF_EI_VERSION] = ELF_EV_CURRENT;
	put16(m, offsetof(struct elf64_ehdr, e_type), ELF_ET_DYN);
	put16(m, offsetof(struct elf64_ehdr, e_machine), ELF_EM_X86_64);
	put32(m, offsetof(struct elf64_ehdr, e_version), ELF_EV_CURRENT);
	put64(m, offsetof(struct elf64_ehdr, e_entry), ENTRY);
	put64(m, offsetof(struct elf64_ehdr, e_phoff), sizeof(struct elf64_ehdr));
	put16(m, offsetof(struct elf64_ehdr, e_ehsize), sizeof(struct elf64_ehdr));
	put16(m, offsetof(struct elf64_ehdr, e_phentsize), sizeof(struct elf64_phdr));
}

/* The image drawn above. */
static void build_valid(struct img *m)
{
	build_header(m);
	add_ph(m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0, 0, 0x1000, 0x1000, 0x1000);
	add_ph(m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, 0x1000, 0x1000, 0x1000, 0x2000, 0x1000);
	add_ph(m, ELF_PT_DYNAMIC, ELF_PF_R | ELF_PF_W, DYN_OFF, DYN_OFF, 4 * 16, 4 * 16, 8);
	set_dyn(m, 0, ELF_DT_RELA, RELA_OFF);
	set_dyn(m, 1, ELF_DT_RELASZ, NRELA * sizeof(struct elf64_rela));
	set_dyn(m, 2, ELF_DT_RELAENT, sizeof(struct elf64_rela));
	set_dyn(m, 3, ELF_DT_NULL, 0);
	set_rela(m, 0, 0x1200, ELF_R_X86_64_RELATIVE, ENTRY);
	set_rela(m, 1, 0x1208, ELF_R_X86_64_RELATIVE, 0x1000);
	set_rela(m, 2, 0x1210, ELF_R_X86_64_NONE, 0);
	set_rela(m, 3, SPAN - 8, ELF_R_X86_64_RELATIVE, SPAN); /* one past the end */
}

static void expect_ok(const struct img *m, struct elf_task *t)
{
	const char *why = NULL;
	int r = elf_task_parse(m->buf, m->size, MAX_SPAN, t, &why);
	if (r != 0)
		fail_msg("refused: %s", why);
	assert_null(why);
}

/* Parse must refuse with a reason containing @phrase.  The image is copied
 * to a buffer of exactly its size, so that a read past the end shows under
 * AddressSanitizer. */
static void expect_refused_span(const struct img *m, uint64_t max_span, const char *phrase)
{
	struct elf_task t;
	const char *why = NULL;
	uint8_t *copy = malloc(m->size ? m->size : 1);
	assert_non_null(copy);
	memcpy(copy, m->buf, m->size);
	int r = elf_task_parse(copy, m->size, max_span, &t, &why);
	free(copy);
	assert_int_equal(r, -SHOJI_EINVAL);
	assert_non_null(why);
	if (!strstr(why, phrase))
		fail_msg("reason \"%s\" lacks \"%s\"", why, phrase);
}

static void expect_refused(const struct img *m, const char *phrase)
{
	expect_refused_span(m, MAX_SPAN, phrase);
}

/* --- write64 recorder for elf_task_relocate --- */

struct writes {
	unsigned n;
	uint64_t off[16], val[16];
	int fail_at; /* index of the call that fails, -1 for none */
	int fail_rc;
};

static int record(void *ctx, uint64_t offset, uint64_t value)
{
	struct writes *w = ctx;
	if ((int)w->n == w->fail_at)
		return w->fail_rc;
	assert_true(w->n < 16);
	w->off[w->n] = offset;
	w->val[w->n] = value;
	w->n++;
	return 0;
}

/* --- valid images --- */

static void test_valid_image(void **state)
{
	struct img m;
	struct elf_task t;
	build_valid(&m);
	expect_ok(&m, &t);
	assert_ptr_equal(t.file, m.buf);
	assert_int_equal(t.size, FILE_SIZE);
	assert_int_equal(t.entry, ENTRY);
	assert_int_equal(t.span, SPAN);
	assert_int_equal(t.nseg, 2);
	assert_int_equal(t.seg[0].vaddr, 0);
	assert_int_equal(t.seg[0].memsz, 0x1000);
	assert_int_equal(t.seg[0].flags, ELF_PF_R | ELF_PF_X);
	assert_int_equal(t.seg[1].vaddr, 0x1000);
	assert_int_equal(t.seg[1].offset, 0x1000);
	assert_int_equal(t.seg[1].filesz, 0x1000);
	assert_int_equal(t.seg[1].memsz, 0x2000);
	assert_int_equal(t.seg[1].flags, ELF_PF_R | ELF_PF_W);
	assert_int_equal(t.rela_off, RELA_OFF);
	assert_int_equal(t.rela_count, NRELA);

	assert_int_equal(elf_task_page_flags(&t, 0), ELF_PF_R | ELF_PF_X);
	assert_int_equal(elf_task_page_flags(&t, 0xfff), ELF_PF_R | ELF_PF_X);
	assert_int_equal(elf_task_page_flags(&t, 0x1000), ELF_PF_R | ELF_PF_W);
	assert_int_equal(elf_task_page_flags(&t, 0x2abc), ELF_PF_R | ELF_PF_W);
	assert_int_equal(elf_task_page_flags(&t, SPAN), 0);
	assert_int_equal(elf_task_page_flags(&t, UINT64_MAX), 0);
}

static void test_relocate(void **state)
{
	struct img m;
	struct elf_task t;
	struct writes w = {.fail_at = -1};
	const char *why = NULL;
	const uint64_t base = 0x40000000;
	build_valid(&m);
	expect_ok(&m, &t);
	assert_int_equal(elf_task_relocate(&t, base, record, &w, &why), 0);
	assert_int_equal(w.n, 3); /* R_X86_64_NONE skipped */
	assert_int_equal(w.off[0], 0x1200);
	assert_int_equal(w.val[0], base + ENTRY);
	assert_int_equal(w.off[1], 0x1208);
	assert_int_equal(w.val[1], base + 0x1000);
	assert_int_equal(w.off[2], SPAN - 8);
	assert_int_equal(w.val[2], base + SPAN);

	/* Base 0 is a legal base too (the values are then the addends). */
	w.n = 0;
	assert_int_equal(elf_task_relocate(&t, 0, record, &w, &why), 0);
	assert_int_equal(w.val[0], ENTRY);
}

static void test_relocate_write_fails(void **state)
{
	struct img m;
	struct elf_task t;
	struct writes w = {.fail_at = 1, .fail_rc = -SHOJI_EFAULT};
	const char *why = NULL;
	build_valid(&m);
	expect_ok(&m, &t);
	assert_int_equal(elf_task_relocate(&t, 0x10000, record, &w, &why), -SHOJI_EFAULT);
	assert_non_null(strstr(why, "writing a relocation failed"));
	assert_int_equal(w.n, 1);
	/* A positive error from the callback still comes back negative. */
	w = (struct writes){.fail_at = 0, .fail_rc = 5};
	assert_int_equal(elf_task_relocate(&t, 0x10000, record, &w, &why), -SHOJI_EFAULT);
}

static void test_relocate_bad_base(void **state)
{
	struct img m;
	struct elf_task t;
	struct writes w = {.fail_at = -1};
	const char *why = NULL;
	build_valid(&m);
	expect_ok(&m, &t);
	assert_int_equal(elf_task_relocate(&t, 0x10010, record, &w, &why), -SHOJI_EINVAL);
	assert_non_null(strstr(why, "not page-aligned"));
	assert_int_equal(elf_task_relocate(&t, UINT64_MAX & ~0xfffull, record, &w, &why),
			 -SHOJI_EINVAL);
	assert_non_null(strstr(why, "wrap"));
	assert_int_equal(w.n, 0);
}

static void test_relocate_rechecks(void **state)
{
	/* The file changes after parsing: relocate must not trust it. */
	struct img m;
	struct elf_task t;
	struct writes w = {.fail_at = -1};
	const char *why = NULL;
	build_valid(&m);
	expect_ok(&m, &t);
	set_rela(&m, 0, 0x1200, 1 /* R_X86_64_64 */, 0);
	assert_int_equal(elf_task_relocate(&t, 0x10000, record, &w, &why), -SHOJI_EINVAL);
	assert_non_null(strstr(why, "unsupported relocation type"));
	set_rela(&m, 0, 0x100, ELF_R_X86_64_RELATIVE, 0);
	assert_int_equal(elf_task_relocate(&t, 0x10000, record, &w, &why), -SHOJI_EINVAL);
	assert_non_null(strstr(why, "outside writable segments"));
	assert_int_equal(w.n, 0);
}

static void test_no_dynamic(void **state)
{
	struct img m;
	struct elf_task t;
	struct writes w = {.fail_at = -1};
	const char *why = NULL;
	build_valid(&m);
	set_ph32(&m, DYN_PH, offsetof(struct elf64_phdr, p_type), ELF_PT_NOTE);
	expect_ok(&m, &t);
	assert_int_equal(t.rela_off, 0);
	assert_int_equal(t.rela_count, 0);
	assert_int_equal(elf_task_relocate(&t, 0x10000, record, &w, &why), 0);
	assert_int_equal(w.n, 0);
}

static void test_unsorted_and_ignored_headers(void **state)
{
	/* Data before text in the table, an empty PT_LOAD, and the headers a
	 * real linker adds: all fine. */
	struct img m;
	struct elf_task t;
	build_header(&m);
	add_ph(&m, ELF_PT_PHDR, ELF_PF_R, 64, 64, 7 * 56, 7 * 56, 8);
	add_ph(&m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, 0x1000, 0x1000, 0x1000, 0x2000, 0x1000);
	add_ph(&m, ELF_PT_LOAD, ELF_PF_R, 0, 0x5000, 0, 0, 0x1000); /* empty */
	add_ph(&m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0, 0, 0x1000, 0x1000, 0x1000);
	add_ph(&m, ELF_PT_GNU_STACK, ELF_PF_R | ELF_PF_W, 0, 0, 0, 0, 16);
	add_ph(&m, ELF_PT_GNU_RELRO, ELF_PF_R, 0x1000, 0x1000, 0x100, 0x100, 1);
	add_ph(&m, ELF_PT_GNU_PROPERTY, ELF_PF_R, 0x200, 0x200, 0x20, 0x20, 8);
	expect_ok(&m, &t);
	assert_int_equal(t.nseg, 2);
	assert_int_equal(t.seg[0].vaddr, 0);
	assert_int_equal(t.seg[1].vaddr, 0x1000);
	assert_int_equal(t.span, SPAN);
}

static void test_read_only_shares_page_with_code(void **state)
{
	/* R and R+X in one page is fine: the page is R+X. */
	struct img m;
	struct elf_task t;
	build_valid(&m);
	set_ph64(&m, TEXT_PH, offsetof(struct elf64_phdr, p_filesz), 0x900);
	set_ph64(&m, TEXT_PH, offsetof(struct elf64_phdr, p_memsz), 0x900);
	add_ph(&m, ELF_PT_LOAD, ELF_PF_R, 0x900, 0x900, 0x100, 0x100, 0x1000);
	expect_ok(&m, &t);
	assert_int_equal(t.nseg, 3);
	assert_int_equal(elf_task_page_flags(&t, 0), ELF_PF_R | ELF_PF_X);
}

static void test_unaligned_buffer(void **state)
{
	/* Inside a cpio archive a file is only 4-aligned; try an odd address. */
	struct img m;
	struct elf_task t;
	struct writes w = {.fail_at = -1};
	const char *why = NULL;
	uint8_t *copy = malloc(FILE_SIZE + 1);
	build_valid(&m);
	memcpy(copy + 1, m.buf, FILE_SIZE);
	assert_int_equal(elf_task_parse(copy + 1, FILE_SIZE, MAX_SPAN, &t, &why), 0);
	assert_int_equal(elf_task_relocate(&t, 0x10000, record, &w, &why), 0);
	assert_int_equal(w.n, 3);
	free(copy);
}

static void test_max_span_exact(void **state)
{
	struct img m;
	struct elf_task t;
	const char *why = NULL;
	build_valid(&m);
	assert_int_equal(elf_task_parse(m.buf, m.size, SPAN, &t, &why), 0);
}

/* --- malformed: header --- */

static void test_truncated(void **state)
{
	struct img m;
	build_valid(&m);
	m.size = sizeof(struct elf64_ehdr) - 1;
	expect_refused(&m, "truncated ELF header");
	m.size = 3;
	expect_refused(&m, "bad magic");
	m.size = 0;
	expect_refused(&m, "bad magic");
}

static void test_bad_magic(void **state)
{
	struct img m;
	build_valid(&m);
	m.buf[1] = 'e';
	expect_refused(&m, "not an ELF file (bad magic)");
}

static void test_32_bit(void **state)
{
	struct img m;
	build_valid(&m);
	m.buf[ELF_EI_CLASS] = ELF_CLASS32;
	expect_refused(&m, "not a 64-bit ELF");
}

static void test_big_endian(void **state)
{
	struct img m;
	build_valid(&m);
	m.buf[ELF_EI_DATA] = ELF_DATA2MSB;
	expect_refused(&m, "not little-endian");
}

static void test_bad_version(void **state)
{
	struct img m;
	build_valid(&m);
	m.buf[ELF_EI_VERSION] = 2;
	expect_refused(&m, "unsupported ELF version");
	build_valid(&m);
	put32(&m, offsetof(struct elf64_ehdr, e_version), 0);
	expect_refused(&m, "unsupported ELF version");
}

static void test_wrong_machine(void **state)
{
	struct img m;
	build_valid(&m);
	put16(&m, offsetof(struct elf64_ehdr, e_machine), 183); /* EM_AARCH64 */
	expect_refused(&m, "not an x86-64 ELF");
}

static void test_et_exec(void **state)
{
	struct img m;
	build_valid(&m);
	put16(&m, offsetof(struct elf64_ehdr, e_type), ELF_ET_EXEC);
	expect_refused(&m, "not position-independent (ET_EXEC): build the task with -static-pie");
}

static void test_et_rel(void **state)
{
	struct img m;
	build_valid(&m);
	put16(&m, offsetof(struct elf64_ehdr, e_type), ELF_ET_REL);
	expect_refused(&m, "not ET_DYN");
}

static void test_phentsize(void **state)
{
	struct img m;
	build_valid(&m);
	put16(&m, offsetof(struct elf64_ehdr, e_phentsize), 32);
	expect_refused(&m, "entry size is not 56");
}

static void test_phdrs_out_of_range(void **state)
{
	struct img m;
	build_valid(&m);
	put64(&m, offsetof(struct elf64_ehdr, e_phoff), FILE_SIZE - 100);
	expect_refused(&m, "program headers run past end of file");
	put64(&m, offsetof(struct elf64_ehdr, e_phoff), FILE_SIZE + 8);
	expect_refused(&m, "program headers run past end of file");
	put64(&m, offsetof(struct elf64_ehdr, e_phoff), UINT64_MAX - 16); /* would wrap */
	expect_refused(&m, "program headers run past end of file");
	build_valid(&m);
	put16(&m, offsetof(struct elf64_ehdr, e_phnum), 200);
	expect_refused(&m, "program headers run past end of file");
	put16(&m, offsetof(struct elf64_ehdr, e_phnum), ELF_PN_XNUM);
	expect_refused(&m, "too many program headers");
}

static void test_no_loadable_segments(void **state)
{
	struct img m;
	build_header(&m);
	expect_refused(&m, "no loadable segments");
	add_ph(&m, ELF_PT_NOTE, ELF_PF_R, 0x200, 0x200, 0x20, 0x20, 4);
	add_ph(&m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0, 0, 0, 0, 0x1000); /* empty */
	expect_refused(&m, "no loadable segments");
}

static void test_too_many_segments(void **state)
{
	struct img m;
	build_header(&m);
	for (unsigned i = 0; i < ELF_TASK_MAX_SEGMENTS + 1; i++)
		add_ph(&m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0, i * 0x1000ull, 0x100, 0x100,
		       0x1000);
	expect_refused(&m, "too many segments");
}

/* --- malformed: segments --- */

static void test_segment_past_end_of_file(void **state)
{
	struct img m;
	build_valid(&m);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_filesz), 0x1001);
	expect_refused(&m, "segment runs past end of file");
	build_valid(&m);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_offset), UINT64_MAX - 0xfff);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_vaddr), UINT64_MAX - 0xfff);
	expect_refused(&m, "segment runs past end of file");
}

static void test_filesz_exceeds_memsz(void **state)
{
	struct img m;
	build_valid(&m);
	set_ph64(&m, TEXT_PH, offsetof(struct elf64_phdr, p_memsz), 0xfff);
	expect_refused(&m, "segment file size exceeds memory size");
}

static void test_vaddr_memsz_overflow(void **state)
{
	struct img m;
	build_valid(&m);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_vaddr), 0xfffffffffffff000ull);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_memsz), 0x2000);
	expect_refused(&m, "segment size overflows");
	/* The end fits, but rounding it up to a page would wrap. */
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_filesz), 0x800);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_vaddr), 0xfffffffffffff000ull);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_memsz), 0x1000 - 1);
	expect_refused(&m, "segment size overflows");
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_vaddr), UINT64_MAX);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_memsz), 0x1000);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_align), 1);
	expect_refused(&m, "segment size overflows");
}

static void test_span_over_max(void **state)
{
	struct img m;
	build_valid(&m);
	expect_refused_span(&m, SPAN - 1, "image too large");
	expect_refused_span(&m, 0x2ff0, "image too large"); /* end fits, rounded end does not */
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_memsz), 1ull << 40);
	expect_refused(&m, "image too large");
}

/* A refusal for size leaves the span it needed, for the callers' message;
 * any other refusal leaves none over the limit. */
static void test_span_over_max_numbers(void **state)
{
	struct img m;
	struct elf_task t;
	const char *why;
	build_valid(&m);
	assert_int_equal(elf_task_parse(m.buf, m.size, SPAN - 0x1000, &t, &why), -SHOJI_EINVAL);
	assert_true(elf_task_too_large(&t, SPAN - 0x1000));
	assert_int_equal(t.span, SPAN);
	char msg[100];
	snprintf(msg, sizeof(msg), ELF_TASK_TOO_LARGE_FMT, ELF_TASK_TOO_LARGE_ARGS(&t, 0x2000));
	assert_string_equal(msg, "image too large: 12 KiB of memory span, the limit is 8 KiB");

	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_align), 3);
	assert_int_equal(elf_task_parse(m.buf, m.size, MAX_SPAN, &t, &why), -SHOJI_EINVAL);
	assert_false(elf_task_too_large(&t, MAX_SPAN));
}

static void test_alignment(void **state)
{
	struct img m;
	build_valid(&m);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_align), 0x3000);
	expect_refused(&m, "not a power of two");
	build_valid(&m);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_vaddr), 0x1010);
	expect_refused(&m, "not congruent modulo the page size");
}

static void test_overlapping_segments(void **state)
{
	struct img m;
	build_valid(&m);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_vaddr), 0);
	set_ph32(&m, DATA_PH, offsetof(struct elf64_phdr, p_flags), ELF_PF_R);
	expect_refused(&m, "segments overlap");
	/* Overlap by one byte. */
	build_valid(&m);
	set_ph64(&m, TEXT_PH, offsetof(struct elf64_phdr, p_memsz), 0x1001);
	expect_refused(&m, "segments overlap");
}

static void test_wx_segment(void **state)
{
	struct img m;
	build_valid(&m);
	set_ph32(&m, DATA_PH, offsetof(struct elf64_phdr, p_flags), ELF_PF_R | ELF_PF_W | ELF_PF_X);
	expect_refused(&m, "segment is both writable and executable");
}

static void test_wx_share_page(void **state)
{
	/* Text ends at 0xf00, data starts at 0xf80: page 0 would be W+X. */
	struct img m;
	build_valid(&m);
	set_ph64(&m, TEXT_PH, offsetof(struct elf64_phdr, p_filesz), 0xf00);
	set_ph64(&m, TEXT_PH, offsetof(struct elf64_phdr, p_memsz), 0xf00);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_offset), 0xf80);
	set_ph64(&m, DATA_PH, offsetof(struct elf64_phdr, p_vaddr), 0xf80);
	expect_refused(&m, "segments share a page with conflicting permissions");
}

static void test_wx_share_page_not_neighbours(void **state)
{
	/* X, then R, then W, all in page 0: the X and W segments are not
	 * adjacent in the sorted list but still share the page. */
	struct img m;
	build_header(&m);
	add_ph(&m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0, 0, 0x900, 0x900, 0x1000);
	add_ph(&m, ELF_PT_LOAD, ELF_PF_R, 0x900, 0x900, 0x100, 0x100, 0x1000);
	add_ph(&m, ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, 0xa00, 0xa00, 0x100, 0x1000, 0x1000);
	expect_refused(&m, "segments share a page with conflicting permissions");
}

static void test_interp(void **state)
{
	struct img m;
	build_valid(&m);
	add_ph(&m, ELF_PT_INTERP, ELF_PF_R, 0x200, 0x200, 0x1c, 0x1c, 1);
	expect_refused(&m, "needs a dynamic linker (PT_INTERP)");
}

static void test_tls(void **state)
{
	struct img m;
	build_valid(&m);
	add_ph(&m, ELF_PT_TLS, ELF_PF_R, 0x1800, 0x1800, 0x10, 0x20, 8);
	expect_refused(&m, "thread-local storage (PT_TLS) is not supported");
}

static void test_entry_outside_code(void **state)
{
	struct img m;
	build_valid(&m);
	put64(&m, offsetof(struct elf64_ehdr, e_entry), 0x1800); /* data */
	expect_refused(&m, "entry point is not in an executable segment");
	put64(&m, offsetof(struct elf64_ehdr, e_entry), 0x1000); /* one past text */
	expect_refused(&m, "entry point is not in an executable segment");
	put64(&m, offsetof(struct elf64_ehdr, e_entry), 0x100000); /* nowhere */
	expect_refused(&m, "entry point is not in an executable segment");
}

/* --- malformed: dynamic section and relocations --- */

static void test_dynamic_past_end(void **state)
{
	struct img m;
	build_valid(&m);
	set_ph64(&m, DYN_PH, offsetof(struct elf64_phdr, p_offset), FILE_SIZE - 16);
	set_ph64(&m, DYN_PH, offsetof(struct elf64_phdr, p_filesz), 32);
	expect_refused(&m, "dynamic section runs past end of file");
	set_ph64(&m, DYN_PH, offsetof(struct elf64_phdr, p_offset), UINT64_MAX - 8);
	expect_refused(&m, "dynamic section runs past end of file");
}

static void test_two_dynamic(void **state)
{
	struct img m;
	build_valid(&m);
	add_ph(&m, ELF_PT_DYNAMIC, ELF_PF_R, DYN_OFF, DYN_OFF, 64, 64, 8);
	expect_refused(&m, "more than one PT_DYNAMIC");
}

static void test_needed(void **state)
{
	struct img m;
	build_valid(&m);
	set_dyn(&m, 3, ELF_DT_NEEDED, 1);
	expect_refused(&m, "DT_NEEDED");
}

static void test_other_relocation_tables(void **state)
{
	struct img m;
	struct elf_task t;
	build_valid(&m);
	set_dyn(&m, 2, ELF_DT_RELSZ, 16);
	expect_refused(&m, "unsupported relocation table");
	set_dyn(&m, 2, ELF_DT_PLTRELSZ, 24);
	expect_refused(&m, "unsupported relocation table");
	set_dyn(&m, 2, ELF_DT_RELRSZ, 8);
	expect_refused(&m, "unsupported relocation table");
	/* An empty PLT table is harmless. */
	set_dyn(&m, 2, ELF_DT_PLTRELSZ, 0);
	expect_ok(&m, &t);
}

static void test_rela_outside_file(void **state)
{
	struct img m;
	build_valid(&m);
	set_dyn(&m, 0, ELF_DT_RELA, 0x2800); /* in bss: no file bytes */
	expect_refused(&m, "DT_RELA");
	set_dyn(&m, 0, ELF_DT_RELA, 0x100000); /* in no segment */
	expect_refused(&m, "DT_RELA");
	set_dyn(&m, 0, ELF_DT_RELA, 0x1fe8); /* starts inside, runs out */
	expect_refused(&m, "DT_RELA");
	set_dyn(&m, 0, ELF_DT_RELA, RELA_OFF);
	set_dyn(&m, 1, ELF_DT_RELASZ, 0xffffffffffffffe8ull); /* multiple of 24, wraps */
	expect_refused(&m, "DT_RELA");
}

static void test_rela_table_shape(void **state)
{
	struct img m;
	build_valid(&m);
	set_dyn(&m, 2, ELF_DT_RELAENT, 16);
	expect_refused(&m, "DT_RELAENT");
	build_valid(&m);
	set_dyn(&m, 1, ELF_DT_RELASZ, 25);
	expect_refused(&m, "not a multiple of 24");
	build_valid(&m);
	set_dyn(&m, 0, 21 /* DT_DEBUG: ignored */, 0);
	expect_refused(&m, "DT_RELASZ without DT_RELA");
}

static void test_bad_relocation_type(void **state)
{
	struct img m;
	build_valid(&m);
	set_rela(&m, 1, 0x1208, 1 /* R_X86_64_64 */, 0);
	expect_refused(&m, "unsupported relocation type");
	set_rela(&m, 1, 0x1208, 37 /* R_X86_64_IRELATIVE */, 0x800);
	expect_refused(&m, "unsupported relocation type");
}

static void test_relocation_target(void **state)
{
	struct img m;
	build_valid(&m);
	set_rela(&m, 1, 0x800, ELF_R_X86_64_RELATIVE, 0); /* in text */
	expect_refused(&m, "relocation target outside writable segments");
	set_rela(&m, 1, SPAN - 4, ELF_R_X86_64_RELATIVE, 0); /* straddles the end */
	expect_refused(&m, "relocation target outside writable segments");
	set_rela(&m, 1, 0xffc, ELF_R_X86_64_RELATIVE, 0); /* straddles text/data */
	expect_refused(&m, "relocation target outside writable segments");
	set_rela(&m, 1, UINT64_MAX - 3, ELF_R_X86_64_RELATIVE, 0); /* wraps */
	expect_refused(&m, "relocation target outside writable segments");
}

static void test_relocation_addend(void **state)
{
	struct img m;
	build_valid(&m);
	set_rela(&m, 1, 0x1208, ELF_R_X86_64_RELATIVE, SPAN + 1);
	expect_refused(&m, "addend outside the image");
	set_rela(&m, 1, 0x1208, ELF_R_X86_64_RELATIVE, -8);
	expect_refused(&m, "addend outside the image");
}

/* --- real compiler output, when the tasks have been built --- */

struct image_mem {
	uint8_t *mem;
	uint64_t span;
	const struct elf_task *t;
};

static int write_mem(void *ctx, uint64_t offset, uint64_t value)
{
	struct image_mem *im = ctx;
	assert_true(offset <= im->span - 8);
	assert_true(elf_task_page_flags(im->t, offset) & ELF_PF_W);
	memcpy(im->mem + offset, &value, 8);
	return 0;
}

static void test_real_static_pie(void **state)
{
	const char *dir = getenv("SHOJI_BUILD");
	char path[4096];
	snprintf(path, sizeof(path), "%s/tasks/hello.elf", dir ? dir : "build");
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		print_message("%s not built yet: skipped\n", path);
		skip();
	}
	static uint8_t file[1 << 22];
	size_t size = fread(file, 1, sizeof(file), fp);
	fclose(fp);
	assert_true(size > 0 && size < sizeof(file));

	struct elf_task t;
	const char *why = NULL;
	if (elf_task_parse(file, size, 1ull << 30, &t, &why) != 0)
		fail_msg("%s refused: %s", path, why);
	assert_true(t.nseg >= 1);
	for (uint64_t p = 0; p < t.span; p += ELF_TASK_PAGE_SIZE) {
		int f = elf_task_page_flags(&t, p);
		assert_false((f & ELF_PF_W) && (f & ELF_PF_X));
	}
	assert_true(elf_task_page_flags(&t, t.entry) & ELF_PF_X);

	/* Load it as the kernel would, relocate, and check every pointer. */
	struct image_mem im = {calloc(1, t.span), t.span, &t};
	assert_non_null(im.mem);
	for (unsigned i = 0; i < t.nseg; i++)
		memcpy(im.mem + t.seg[i].vaddr, file + t.seg[i].offset, t.seg[i].filesz);
	const uint64_t base = 0x400000000ull;
	assert_int_equal(elf_task_relocate(&t, base, write_mem, &im, &why), 0);
	for (uint64_t i = 0; i < t.rela_count; i++) {
		struct elf64_rela r;
		memcpy(&r, file + t.rela_off + i * sizeof(r), sizeof(r));
		if (ELF_R_TYPE(r.r_info) != ELF_R_X86_64_RELATIVE)
			continue;
		uint64_t v;
		memcpy(&v, im.mem + r.r_offset, 8);
		assert_int_equal(v, base + (uint64_t)r.r_addend);
	}
	free(im.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_image),
	    cmocka_unit_test(test_relocate),
	    cmocka_unit_test(test_relocate_write_fails),
	    cmocka_unit_test(test_relocate_bad_base),
	    cmocka_unit_test(test_relocate_rechecks),
	    cmocka_unit_test(test_no_dynamic),
	    cmocka_unit_test(test_unsorted_and_ignored_headers),
	    cmocka_unit_test(test_read_only_shares_page_with_code),
	    cmocka_unit_test(test_unaligned_buffer),
	    cmocka_unit_test(test_max_span_exact),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_bad_magic),
	    cmocka_unit_test(test_32_bit),
	    cmocka_unit_test(test_big_endian),
	    cmocka_unit_test(test_bad_version),
	    cmocka_unit_test(test_wrong_machine),
	    cmocka_unit_test(test_et_exec),
	    cmocka_unit_test(test_et_rel),
	    cmocka_unit_test(test_phentsize),
	    cmocka_unit_test(test_phdrs_out_of_range),
	    cmocka_unit_test(test_no_loadable_segments),
	    cmocka_unit_test(test_too_many_segments),
	    cmocka_unit_test(test_segment_past_end_of_file),
	    cmocka_unit_test(test_filesz_exceeds_memsz),
	    cmocka_unit_test(test_vaddr_memsz_overflow),
	    cmocka_unit_test(test_span_over_max),
	    cmocka_unit_test(test_span_over_max_numbers),
	    cmocka_unit_test(test_alignment),
	    cmocka_unit_test(test_overlapping_segments),
	    cmocka_unit_test(test_wx_segment),
	    cmocka_unit_test(test_wx_share_page),
	    cmocka_unit_test(test_wx_share_page_not_neighbours),
	    cmocka_unit_test(test_interp),
	    cmocka_unit_test(test_tls),
	    cmocka_unit_test(test_entry_outside_code),
	    cmocka_unit_test(test_dynamic_past_end),
	    cmocka_unit_test(test_two_dynamic),
	    cmocka_unit_test(test_needed),
	    cmocka_unit_test(test_other_relocation_tables),
	    cmocka_unit_test(test_rela_outside_file),
	    cmocka_unit_test(test_rela_table_shape),
	    cmocka_unit_test(test_bad_relocation_type),
	    cmocka_unit_test(test_relocation_target),
	    cmocka_unit_test(test_relocation_addend),
	    cmocka_unit_test(test_real_static_pie),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
