/* Unit tests for the shoji.cfg parser (loader/uefi/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../loader/uefi/efiboot.h"

static char out[SHOJI_CMDLINE_MAX];
static const char *why;

static int parse_n(const char *text, size_t len)
{
	memset(out, 'X', sizeof(out));
	why = NULL;
	return efi_config_parse(text, len, out, sizeof(out), &why);
}

static int parse(const char *text)
{
	return parse_n(text, strlen(text));
}

static void ok(const char *text, const char *want)
{
	assert_int_equal(parse(text), (int)strlen(want));
	assert_string_equal(out, want);
	assert_null(why);
}

static void test_one_line(void **state)
{
	(void)state;
	ok("task=hello\n", "task=hello");
	ok("task=hello", "task=hello"); /* no newline at the end */
	ok("task=hello:process:world task=spin quantum=2\n",
	   "task=hello:process:world task=spin quantum=2");
	ok("task=hello\r\n", "task=hello"); /* written on Windows */
	ok("  \ttask=hello  \t\n", "task=hello");
	ok("task=a\t task=b\n", "task=a\t task=b"); /* inner blanks kept */
}

static void test_empty(void **state)
{
	(void)state;
	ok("", "");
	ok("\n\n\n", "");
	ok("   \t \r\n", "");
	ok("# nothing to run\n", "");
	assert_int_equal(parse_n(NULL, 0), 0);
	assert_string_equal(out, "");
}

static void test_comments(void **state)
{
	(void)state;
	ok("# shoji kernel command line\ntask=hello\n", "task=hello");
	ok("   # indented comment\ntask=hello\n", "task=hello");
	ok("task=hello # the greeting\n", "task=hello");
	ok("task=hello\t# after a tab\n", "task=hello");
	ok("task=hello:process:#1\n", "task=hello:process:#1"); /* '#' inside a word */
	ok("task=hello #1 #2\n", "task=hello");
	ok("#task=hello\ntask=spin\n", "task=spin");
	ok("task=hello#\n", "task=hello#");
}

static void test_lines_joined(void **state)
{
	(void)state;
	ok("task=pingpong:process:server\n"
	   "\n"
	   "# the client\n"
	   "  task=pingpong:process:client:1000  \n"
	   "quantum=5",
	   "task=pingpong:process:server task=pingpong:process:client:1000 quantum=5");
	ok("a\r\nb\r\n", "a b");
}

static void test_bom(void **state)
{
	(void)state;
	ok("\xef\xbb\xbftask=hello\n", "task=hello");
	ok("\xef\xbb\xbf", "");
	/* Only at the start of the file. */
	ok("task=a \xef\xbb\xbf\n", "task=a \xef\xbb\xbf");
}

static void test_bad_characters(void **state)
{
	(void)state;
	assert_int_equal(parse_n("task=a\0b\n", 9), -SHOJI_EINVAL);
	assert_string_equal(why, "control character (not a tab) in the file");
	assert_string_equal(out, "");

	assert_int_equal(parse("task=a\x1b[0m\n"), -SHOJI_EINVAL);
	assert_int_equal(parse("task=a\x7f\n"), -SHOJI_EINVAL);
	assert_int_equal(parse("task=a\fb\n"), -SHOJI_EINVAL);
	/* Even in a comment: a file with such bytes is not a text file. */
	assert_int_equal(parse("# \x01\n"), -SHOJI_EINVAL);

	assert_int_equal(parse("task=a\rtask=b\n"), -SHOJI_EINVAL);
	assert_string_equal(why, "carriage return inside a line");
	assert_int_equal(parse("task=a\r\r\n"), -SHOJI_EINVAL);
	assert_string_equal(out, "");
}

static void test_length_limit(void **state)
{
	(void)state;
	char *text = malloc(2 * SHOJI_CMDLINE_MAX);
	assert_non_null(text);

	/* 4095 bytes: fits with its NUL. */
	memset(text, 'a', SHOJI_CMDLINE_MAX - 1);
	text[SHOJI_CMDLINE_MAX - 1] = '\n';
	assert_int_equal(parse_n(text, SHOJI_CMDLINE_MAX), SHOJI_CMDLINE_MAX - 1);
	assert_int_equal(strlen(out), SHOJI_CMDLINE_MAX - 1);

	/* 4096 bytes: refused, and the output is empty, not cut. */
	memset(text, 'a', SHOJI_CMDLINE_MAX);
	assert_int_equal(parse_n(text, SHOJI_CMDLINE_MAX), -SHOJI_EMSGSIZE);
	assert_string_equal(why, "kernel command line longer than 4095 bytes");
	assert_string_equal(out, "");

	/* Comments and blanks do not count against the limit. */
	memset(text, ' ', 2 * SHOJI_CMDLINE_MAX);
	text[0] = 'a';
	text[2] = '#';
	assert_int_equal(parse_n(text, 2 * SHOJI_CMDLINE_MAX), 1);

	/* The space joining two lines does: 2047 + 1 + 2047 = 4095 fits, one more does not. */
	memset(text, 'b', 2 * SHOJI_CMDLINE_MAX);
	text[2047] = '\n';
	assert_int_equal(parse_n(text, 2047 + 1 + 2047), SHOJI_CMDLINE_MAX - 1);
	assert_int_equal(out[2047], ' ');
	assert_int_equal(parse_n(text, 2047 + 1 + 2048), -SHOJI_EMSGSIZE);
	free(text);
}

/* A small buffer: cap counts the NUL. */
static void test_small_cap(void **state)
{
	(void)state;
	char small[4];
	const char *w = NULL;
	assert_int_equal(efi_config_parse("abc", 3, small, sizeof(small), &w), 3);
	assert_string_equal(small, "abc");
	assert_int_equal(efi_config_parse("abcd", 4, small, sizeof(small), &w), -SHOJI_EMSGSIZE);
	assert_string_equal(small, "");
	char one[1];
	assert_int_equal(efi_config_parse("# x\n", 4, one, sizeof(one), &w), 0);
	assert_int_equal(efi_config_parse("x", 1, one, sizeof(one), &w), -SHOJI_EMSGSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_line),	 cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_comments),	 cmocka_unit_test(test_lines_joined),
	    cmocka_unit_test(test_bom),		 cmocka_unit_test(test_bad_characters),
	    cmocka_unit_test(test_length_limit), cmocka_unit_test(test_small_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
