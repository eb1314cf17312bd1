/* Unit tests for the task runtime's strtol family, atoi, abs and ctype, against glibc. */
#include <ctype.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/*
 * The runtime's files define functions of the C library's names, so they
 * are compiled into this file (test_libc_parse_SRCS is empty) with each
 * name renamed to shoji_NAME.  glibc's functions are taken by address
 * first (its ctype macros undefined, so the names are the functions):
 * host_NAME below is glibc's, shoji_NAME the code under test, declared by
 * the runtime's own headers (guest/user/include).
 */
#undef isalnum
#undef isalpha
#undef isblank
#undef iscntrl
#undef isdigit
#undef isgraph
#undef islower
#undef isprint
#undef ispunct
#undef isspace
#undef isupper
#undef isxdigit
#undef tolower
#undef toupper
static int (*const host_ctype[])(int) = {isalnum, isalpha,  isblank, iscntrl, isdigit,
					 isgraph, islower,  isprint, ispunct, isspace,
					 isupper, isxdigit, tolower, toupper};
static long (*const host_strtol)(const char *, char **, int) = strtol;
static unsigned long (*const host_strtoul)(const char *, char **, int) = strtoul;
static long long (*const host_strtoll)(const char *, char **, int) = strtoll;
static unsigned long long (*const host_strtoull)(const char *, char **, int) = strtoull;
static int (*const host_atoi)(const char *) = atoi;
static long (*const host_atol)(const char *) = atol;
static long long (*const host_atoll)(const char *) = atoll;
static int (*const host_abs)(int) = abs;
static long (*const host_labs)(long) = labs;
static long long (*const host_llabs)(long long) = llabs;

#define isalnum shoji_isalnum
#define isalpha shoji_isalpha
#define isblank shoji_isblank
#define iscntrl shoji_iscntrl
#define isdigit shoji_isdigit
#define isgraph shoji_isgraph
#define islower shoji_islower
#define isprint shoji_isprint
#define ispunct shoji_ispunct
#define isspace shoji_isspace
#define isupper shoji_isupper
#define isxdigit shoji_isxdigit
#define tolower shoji_tolower
#define toupper shoji_toupper
#define strtol shoji_strtol
#define strtoul shoji_strtoul
#define strtoll shoji_strtoll
#define strtoull shoji_strtoull
#define atoi shoji_atoi
#define atol shoji_atol
#define atoll shoji_atoll
#define abs shoji_abs
#define labs shoji_labs
#define llabs shoji_llabs
#define bsearch shoji_bsearch
#include "../../guest/user/include/ctype.h"
#include "../../guest/user/include/stdlib.h"
#include "../../guest/user/lib/ctype.c"
#include "../../guest/user/lib/stdlib.c"
#include "../../guest/user/lib/strtol.c"

/* Every class and case mapping over EOF and all 256 byte values. */
static void test_ctype_all(void **state)
{
	static int (*const ours[])(int) = {
	    shoji_isalnum, shoji_isalpha,  shoji_isblank, shoji_iscntrl, shoji_isdigit,
	    shoji_isgraph, shoji_islower,  shoji_isprint, shoji_ispunct, shoji_isspace,
	    shoji_isupper, shoji_isxdigit, shoji_tolower, shoji_toupper};
	for (size_t f = 0; f < sizeof(host_ctype) / sizeof(host_ctype[0]); f++)
		for (int c = EOF; c < 256; c++) {
			int want = host_ctype[f](c), got = ours[f](c);
			if (f < 12 ? !want != !got : want != got)
				fail_msg("ctype function %zu of %d: got %d, want %d", f, c, got,
					 want);
		}
}

/* Parses @s in @base with all four functions of each library and
 * compares values and end pointers. */
static void check_str(const char *s, int base)
{
	char *we, *ge;
	long wl = host_strtol(s, &we, base), gl = shoji_strtol(s, &ge, base);
	if (wl != gl || we != ge)
		fail_msg("strtol(\"%s\", %d): got %ld end +%td, want %ld end +%td", s, base, gl,
			 ge - s, wl, we - s);
	unsigned long wu = host_strtoul(s, &we, base), gu = shoji_strtoul(s, &ge, base);
	if (wu != gu || we != ge)
		fail_msg("strtoul(\"%s\", %d): got %lu end +%td, want %lu end +%td", s, base, gu,
			 ge - s, wu, we - s);
	long long wll = host_strtoll(s, &we, base), gll = shoji_strtoll(s, &ge, base);
	if (wll != gll || we != ge)
		fail_msg("strtoll(\"%s\", %d): got %lld, want %lld", s, base, gll, wll);
	unsigned long long wull = host_strtoull(s, &we, base), gull = shoji_strtoull(s, &ge, base);
	if (wull != gull || we != ge)
		fail_msg("strtoull(\"%s\", %d): got %llu, want %llu", s, base, gull, wull);
	assert_true(shoji_strtol(s, NULL, base) == gl); /* endptr NULL is fine */
	if (base == 10) {
		assert_int_equal(shoji_atol(s), host_atol(s));
		assert_int_equal(shoji_atoll(s), host_atoll(s));
		if (wl >= INT_MIN && wl <= INT_MAX) /* atoi out of int range is undefined */
			assert_int_equal(shoji_atoi(s), host_atoi(s));
	}
}

static const char *const edge_strings[] = {
    "",
    " ",
    "0",
    "-0",
    "+0",
    "0x",
    "0X",
    "0x1g",
    "0xg",
    "-0x",
    "0b101",
    "08",
    "0777",
    "  \t\n\v\f\r42",
    "42abc",
    "-",
    "+",
    "+-1",
    "--1",
    " - 1",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "-18446744073709551615",
    "-18446744073709551616",
    "99999999999999999999999999999",
    "-99999999999999999999999999999",
    "0x7fffffffffffffff",
    "0x8000000000000000",
    "0xffffffffffffffff",
    "0x10000000000000000",
    "-0x8000000000000000",
    "zzzzzzzzzzzzz",
    "ZZZZZZZZZZZZZ",
    "1y",
    "\x80"
    "1",
    "2147483647",
    "2147483648",
    "-2147483649",
    "1e5",
    "00000000000000000000000000000000000001",
};

/* Every edge string in every base, and a few invalid bases. */
static void test_strtol_edges(void **state)
{
	static const int bases[] = {0, 2, 3, 8, 10, 16, 35, 36};
	for (size_t i = 0; i < sizeof(edge_strings) / sizeof(edge_strings[0]); i++)
		for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
			check_str(edge_strings[i], bases[b]);
	/* An invalid base: 0, the end at the start (glibc also sets EINVAL). */
	static const int bad[] = {1, 37, -1, 100};
	for (size_t b = 0; b < 4; b++) {
		char *end;
		const char *s = "12";
		assert_int_equal(shoji_strtol(s, &end, bad[b]), 0);
		assert_ptr_equal(end, s);
		assert_int_equal(shoji_strtoull(s, &end, bad[b]), 0);
		assert_ptr_equal(end, s);
	}
}

/* Random strings of digits, letters, signs, spaces and prefixes. */
static void test_strtol_random(void **state)
{
	static const char alphabet[] = "0123456789abcdefxyzXYZ+- \t0x";
	srand(1);
	for (int i = 0; i < 20000; i++) {
		char s[48];
		int n = rand() % (int)(sizeof(s) - 1);
		for (int j = 0; j < n; j++)
			s[j] = (rand() % 4) ? "0123456789"[rand() % 10]
					    : alphabet[rand() % (sizeof(alphabet) - 1)];
		s[n] = 0;
		check_str(s, rand() % 3 == 0 ? 0 : 2 + rand() % 35);
	}
	/* Every value's own text parses back, at the ends of each range. */
	for (int i = 0; i < 5000; i++) {
		char s[48];
		long long v = ((long long)rand() << 33) ^ ((long long)rand() << 2) ^ rand();
		snprintf(s, sizeof(s), i & 1 ? "%lld" : "%#llx", i & 2 ? -v : v);
		check_str(s, i & 4 ? 0 : (i & 1 ? 10 : 16));
	}
}

static void test_abs(void **state)
{
	static const long long v[] = {0, 1, -1, 42, -42, INT_MAX, -INT_MAX, LLONG_MAX, -LLONG_MAX};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (v[i] >= -INT_MAX && v[i] <= INT_MAX)
			assert_int_equal(shoji_abs((int)v[i]), host_abs((int)v[i]));
		assert_true(shoji_labs((long)v[i]) == host_labs((long)v[i]));
		assert_true(shoji_llabs(v[i]) == host_llabs(v[i]));
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctype_all),
	    cmocka_unit_test(test_strtol_edges),
	    cmocka_unit_test(test_strtol_random),
	    cmocka_unit_test(test_abs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
