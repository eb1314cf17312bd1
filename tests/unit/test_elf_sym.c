/* Unit tests for the symbol lookup of killed tasks' lines (loader/format/elf_sym.c). */
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
 * The builder makes this file, which every test starts from and then
 * changes in one place:
 *
 *   0x000  ELF header (e_shoff 0x100, 3 sections)
 *   0x100  section headers: [0] null, [1] .symtab (link 2), [2] .strtab
 *   0x200  Elf64_Sym[NSYM]
 *   0x400  string table, STR_SIZE bytes
 */
#define SHOFF 0x100
#define SYMOFF 0x200
#define STROFF 0x400
#define STR_SIZE 0x100
#define FILE_SIZE (STROFF + STR_SIZE)
#define NSYM 8

struct img {
	uint8_t buf[FILE_SIZE];
	size_t size;
	unsigned nsym;	 /* symbols so far, the null one included */
	unsigned strlen; /* bytes of the string table used */
};

static void put(struct img *m, uint64_t off, uint64_t v, size_t n)
{
	memcpy(m->buf + off, &v, n); /* the host is little-endian, like x86-64 */
}

static uint64_t sh_at(unsigned i)
{
	return SHOFF + i * sizeof(struct elf64_shdr);
}

static void section(struct img *m, unsigned i, uint32_t type, uint64_t off, uint64_t size,
		    uint32_t link, uint64_t entsize)
{
	put(m, sh_at(i) + offsetof(struct elf64_shdr, sh_type), type, 4);
	put(m, sh_at(i) + offsetof(struct elf64_shdr, sh_offset), off, 8);
	put(m, sh_at(i) + offsetof(struct elf64_shdr, sh_size), size, 8);
	put(m, sh_at(i) + offsetof(struct elf64_shdr, sh_link), link, 4);
	put(m, sh_at(i) + offsetof(struct elf64_shdr, sh_entsize), entsize, 8);
}

/* Appends a symbol named @name; returns its index. */
static unsigned sym(struct img *m, const char *name, uint8_t type, uint16_t shndx, uint64_t value,
		    uint64_t size)
{
	unsigned i = m->nsym++;
	uint64_t at = SYMOFF + i * sizeof(struct elf64_sym);
	size_t n = strlen(name) + 1;
	memcpy(m->buf + STROFF + m->strlen, name, n);
	put(m, at + offsetof(struct elf64_sym, st_name), m->strlen, 4);
	put(m, at + offsetof(struct elf64_sym, st_info), 0x10 | type, 1); /* STB_GLOBAL */
	put(m, at + offsetof(struct elf64_sym, st_shndx), shndx, 2);
	put(m, at + offsetof(struct elf64_sym, st_value), value, 8);
	put(m, at + offsetof(struct elf64_sym, st_size), size, 8);
	m->strlen += (unsigned)n;
	section(m, 1, ELF_SHT_SYMTAB, SYMOFF, m->nsym * sizeof(struct elf64_sym), 2,
		sizeof(struct elf64_sym));
	return i;
}

/* The base file: a main at 0x1000 (0x40 bytes), a helper at 0x1040 with
 * no size, an object at 0x1010 and an undefined function at 0x1020 (both
 * never chosen). */
static void build(struct img *m)
{
	memset(m, 0, sizeof(*m));
	m->size = FILE_SIZE;
	const uint8_t ident[] = {ELF_MAG0,    ELF_MAG1,	    ELF_MAG2,	   ELF_MAG3,
				 ELF_CLASS64, ELF_DATA2LSB, ELF_EV_CURRENT};
	memcpy(m->buf, ident, sizeof(ident));
	put(m, offsetof(struct elf64_ehdr, e_type), ELF_ET_DYN, 2);
	put(m, offsetof(struct elf64_ehdr, e_shoff), SHOFF, 8);
	put(m, offsetof(struct elf64_ehdr, e_shentsize), sizeof(struct elf64_shdr), 2);
	put(m, offsetof(struct elf64_ehdr, e_shnum), 3, 2);
	m->nsym = 1;   /* the null symbol */
	m->strlen = 1; /* the empty name */
	section(m, 2, ELF_SHT_STRTAB, STROFF, STR_SIZE, 0, 0);
	sym(m, "main", ELF_STT_FUNC, 5, 0x1000, 0x40);
	sym(m, "helper", ELF_STT_FUNC, 5, 0x1040, 0);
	sym(m, "table", 1 /* STT_OBJECT */, 5, 0x1010, 0x100);
	sym(m, "extern_fn", ELF_STT_FUNC, ELF_SHN_UNDEF, 0x1020, 0x10);
}

/* The name found for @off, or "" when none. */
static const char *lookup(const struct img *m, uint64_t off, uint64_t *value)
{
	static char name[ELF_SYM_NAME_MAX + 1];
	struct elf_sym s;
	if (!elf_sym_find(m->buf, m->size, off, &s))
		return "";
	assert_true(s.name_len >= 1 && s.name_len <= ELF_SYM_NAME_MAX);
	memcpy(name, s.name, s.name_len);
	name[s.name_len] = 0;
	if (value)
		*value = s.value;
	return name;
}

static void test_inside_a_function(void **state)
{
	(void)state;
	struct img m;
	uint64_t v = 0;
	build(&m);
	assert_string_equal(lookup(&m, 0x1000, &v), "main");
	assert_int_equal(v, 0x1000);
	assert_string_equal(lookup(&m, 0x102c, &v), "main"); /* not the object, not the undefined */
	assert_string_equal(lookup(&m, 0x103f, NULL), "main");
}

static void test_size_zero_is_the_nearest_below(void **state)
{
	(void)state;
	struct img m;
	build(&m);
	assert_string_equal(lookup(&m, 0x1040, NULL), "helper");
	assert_string_equal(lookup(&m, 0x5000, NULL), "helper");
}

static void test_nothing_below_or_past_a_size(void **state)
{
	(void)state;
	struct img m;
	build(&m);
	assert_string_equal(lookup(&m, 0xfff, NULL), "");
	assert_string_equal(lookup(&m, 0, NULL), "");
	/* main ends at 0x1040 and nothing without a size lies below it */
	build(&m);
	put(&m, SYMOFF + 2 * sizeof(struct elf64_sym) + offsetof(struct elf64_sym, st_value),
	    0x2000, 8);
	assert_string_equal(lookup(&m, 0x1040, NULL), "");
}

static void test_a_tie_prefers_a_size(void **state)
{
	(void)state;
	struct img m;
	build(&m);
	sym(&m, "alias", ELF_STT_FUNC, 5, 0x1040, 0x10); /* after helper, same value */
	assert_string_equal(lookup(&m, 0x1044, NULL), "alias");
	assert_string_equal(lookup(&m, 0x1050, NULL), "helper"); /* past alias's size */
}

static void test_stripped_and_not_elf(void **state)
{
	(void)state;
	struct img m;
	build(&m);
	put(&m, sh_at(1) + offsetof(struct elf64_shdr, sh_type), 1 /* SHT_PROGBITS */, 4);
	assert_string_equal(lookup(&m, 0x1000, NULL), "");
	build(&m);
	put(&m, offsetof(struct elf64_ehdr, e_shnum), 0, 2);
	assert_string_equal(lookup(&m, 0x1000, NULL), "");
	build(&m);
	m.buf[0] = 0;
	assert_string_equal(lookup(&m, 0x1000, NULL), "");
	build(&m);
	m.buf[ELF_EI_CLASS] = ELF_CLASS32;
	assert_string_equal(lookup(&m, 0x1000, NULL), "");
	assert_int_equal(elf_sym_find(NULL, 0, 0, &(struct elf_sym){0}), 0);
}

/* One field of the base file set to @v (@n bytes): no symbol found. */
static void refused(uint64_t off, uint64_t v, size_t n)
{
	struct img m;
	build(&m);
	assert_string_equal(lookup(&m, 0x1000, NULL), "main");
	put(&m, off, v, n);
	assert_string_equal(lookup(&m, 0x1000, NULL), "");
}

static void test_bad_tables_mean_no_symbol(void **state)
{
	(void)state;
	const uint64_t sym1 = sh_at(1), str2 = sh_at(2);
	refused(offsetof(struct elf64_ehdr, e_shentsize), 40, 2);
	refused(offsetof(struct elf64_ehdr, e_shoff), FILE_SIZE - 64, 8);
	refused(offsetof(struct elf64_ehdr, e_shoff), UINT64_MAX - 63, 8);
	refused(offsetof(struct elf64_ehdr, e_shnum), 0xff00, 2); /* extended numbering */
	refused(sym1 + offsetof(struct elf64_shdr, sh_entsize), 16, 8);
	refused(sym1 + offsetof(struct elf64_shdr, sh_offset), UINT64_MAX - 8, 8);
	refused(sym1 + offsetof(struct elf64_shdr, sh_size), FILE_SIZE, 8);
	refused(sym1 + offsetof(struct elf64_shdr, sh_link), 0, 4);
	refused(sym1 + offsetof(struct elf64_shdr, sh_link), 3, 4);
	refused(sym1 + offsetof(struct elf64_shdr, sh_link), 1, 4); /* not a STRTAB */
	refused(str2 + offsetof(struct elf64_shdr, sh_offset), FILE_SIZE + 1, 8);
	refused(str2 + offsetof(struct elf64_shdr, sh_size), UINT64_MAX, 8);
}

static void test_bad_names_are_skipped(void **state)
{
	(void)state;
	struct img m;
	const uint64_t name1 =
	    SYMOFF + sizeof(struct elf64_sym) + offsetof(struct elf64_sym, st_name);
	build(&m);
	put(&m, name1, 0, 4); /* the empty name */
	assert_string_equal(lookup(&m, 0x1000, NULL), "");
	build(&m);
	put(&m, name1, STR_SIZE, 4); /* past the table */
	assert_string_equal(lookup(&m, 0x1000, NULL), "");
	build(&m);
	put(&m, name1, 0xffffffff, 4);
	assert_string_equal(lookup(&m, 0x1000, NULL), "");
	/* a name the table ends inside: no NUL before its end */
	build(&m);
	memset(m.buf + STROFF + STR_SIZE - 4, 'x', 4);
	put(&m, name1, STR_SIZE - 4, 4);
	assert_string_equal(lookup(&m, 0x1000, NULL), "");
}

static void test_long_names_are_cut(void **state)
{
	(void)state;
	struct img m;
	char longname[ELF_SYM_NAME_MAX + 20];
	memset(longname, 'f', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	build(&m);
	sym(&m, longname, ELF_STT_FUNC, 5, 0x3000, 0x10);
	const char *got = lookup(&m, 0x3008, NULL);
	assert_int_equal(strlen(got), ELF_SYM_NAME_MAX);
	assert_memory_equal(got, longname, ELF_SYM_NAME_MAX);
	/* exactly ELF_SYM_NAME_MAX bytes: whole */
	longname[ELF_SYM_NAME_MAX] = 0;
	build(&m);
	sym(&m, longname, ELF_STT_FUNC, 5, 0x3000, 0x10);
	assert_string_equal(lookup(&m, 0x3008, NULL), longname);
}

/* A name is printed inside the kernel's line for a killed task
 * (guest/core/fault_site.c): one with a byte that is not graphic ASCII
 * (a newline would start a line that passes for the kernel's, an escape
 * would rewrite the terminal's) is skipped like an empty one. */
static void test_unprintable_names_are_skipped(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "f\nshoji: all tasks done: 5 exited 0, 0 failed",
	    "f\rtask 2 (victim) exited",
	    "f\x1b[2K",
	    "f\tx",
	    "f x",
	    "f\x7f",
	    "f\xc3\xa9",
	};
	struct img m;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build(&m);
		sym(&m, bad[i], ELF_STT_FUNC, 5, 0x3000, 0x10);
		assert_string_equal(lookup(&m, 0x3008, NULL), "helper");
	}
	build(&m);
	sym(&m, "_ZN3foo3barEv.cold$1@v", ELF_STT_FUNC, 5, 0x3000, 0x10);
	assert_string_equal(lookup(&m, 0x3008, NULL), "_ZN3foo3barEv.cold$1@v");
}

/* Every prefix of the file is safe, and finds main only when whole. */
static void test_every_truncation(void **state)
{
	(void)state;
	struct img m;
	build(&m);
	for (size_t n = 0; n < FILE_SIZE; n++) {
		struct elf_sym s;
		uint8_t *copy = malloc(n ? n : 1); /* exact size: ASan and valgrind see overreads */
		assert_non_null(copy);
		memcpy(copy, m.buf, n);
		int found = elf_sym_find(copy, n, 0x1000, &s);
		free(copy);
		assert_int_equal(found, 0);
	}
	assert_string_equal(lookup(&m, 0x1000, NULL), "main");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_inside_a_function),
	    cmocka_unit_test(test_size_zero_is_the_nearest_below),
	    cmocka_unit_test(test_nothing_below_or_past_a_size),
	    cmocka_unit_test(test_a_tie_prefers_a_size),
	    cmocka_unit_test(test_stripped_and_not_elf),
	    cmocka_unit_test(test_bad_tables_mean_no_symbol),
	    cmocka_unit_test(test_bad_names_are_skipped),
	    cmocka_unit_test(test_long_names_are_cut),
	    cmocka_unit_test(test_unprintable_names_are_skipped),
	    cmocka_unit_test(test_every_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
