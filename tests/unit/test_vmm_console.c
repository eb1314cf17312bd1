/* Unit tests for the guest console (vmm/console.c): line output and RESULT lines for --json. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../vmm/console.h"

static struct console con;

/* Everything written to @fd so far, NUL-terminated (malloc'd). */
static char *contents(int fd)
{
	off_t n = lseek(fd, 0, SEEK_END);
	char *s = malloc((size_t)n + 1);
	assert_int_equal(pread(fd, s, (size_t)n, 0), n);
	s[n] = 0;
	return s;
}

static int out_fd(void)
{
	int fd = memfd_create("console", 0);
	assert_true(fd >= 0);
	return fd;
}

static void put(const char *s)
{
	assert_int_equal(console_write(&con, s, strlen(s)), 0);
}

static void expect_json(const char *want)
{
	int fd = out_fd();
	assert_int_equal(console_json(&con, fd), 0);
	char *s = contents(fd);
	assert_string_equal(s, want);
	free(s);
	close(fd);
}

static void test_lines_pass_through(void **state)
{
	int fd = out_fd();
	console_init(&con, fd, true);
	put("hello ");
	char *s = contents(fd);
	assert_string_equal(s, ""); /* a partial line waits */
	free(s);
	put("world\nsecond line\nthird");
	s = contents(fd);
	assert_string_equal(s, "hello world\nsecond line\n");
	free(s);
	assert_int_equal(console_flush(&con), 0);
	s = contents(fd);
	assert_string_equal(s, "hello world\nsecond line\nthird");
	free(s);
	assert_int_equal(con.nresults, 0);
	expect_json("[\n]\n");
	console_free(&con);
	close(fd);
}

static void test_results(void **state)
{
	int fd = out_fd();
	console_init(&con, fd, true);
	put("boot\nRESULT {\"benchmark\":\"ipc\",\"cycles\":120}\n");
	put("RES");
	put("ULT  {\"benchmark\":\"null\"}  \r\n"); /* split, extra spaces, CR */
	put("not a RESULT {\"x\":1}\n");
	put("RESULT nope\nRESULT {broken\n");
	char *s = contents(fd);
	assert_non_null(strstr(s, "RESULT {\"benchmark\":\"ipc\",\"cycles\":120}\n"));
	free(s);
	assert_int_equal(con.nresults, 2);
	assert_int_equal(con.malformed, 2);
	expect_json("[\n{\"benchmark\":\"ipc\",\"cycles\":120},\n{\"benchmark\":\"null\"}\n]\n");
	console_free(&con);
	close(fd);
}

static void test_not_collecting(void **state)
{
	int fd = out_fd();
	console_init(&con, fd, false);
	put("RESULT {\"a\":1}\n");
	assert_int_equal(con.nresults, 0);
	assert_int_equal(con.malformed, 0);
	console_free(&con);
	close(fd);
}

static void test_flushed_line_is_no_result(void **state)
{
	int fd = out_fd();
	console_init(&con, fd, true);
	put("RESULT {\"a\":");
	console_flush(&con);
	put("1}\n");
	assert_int_equal(con.nresults, 0);
	char *s = contents(fd);
	assert_string_equal(s, "RESULT {\"a\":1}\n");
	free(s);
	console_free(&con);
	close(fd);
}

static void test_overlong_line(void **state)
{
	int fd = out_fd();
	console_init(&con, fd, true);
	size_t n = CONSOLE_LINE_MAX + 100;
	char *big = malloc(n + 1);
	memcpy(big, "RESULT {", 8);
	memset(big + 8, 'x', n - 10);
	big[n - 2] = '}';
	big[n - 1] = '\n';
	big[n] = 0;
	put(big);
	assert_int_equal(con.nresults, 0);
	assert_int_equal(con.malformed, 1);
	char *s = contents(fd);
	assert_string_equal(s, big); /* all of it still reaches the output */
	free(s);
	free(big);
	put("RESULT {\"after\":1}\n"); /* the next line is a line again */
	assert_int_equal(con.nresults, 1);
	console_free(&con);
	close(fd);
}

static void test_write_error(void **state)
{
	console_init(&con, -1, false);
	assert_int_equal(console_write(&con, "x\n", 2), -EBADF);
	console_free(&con);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines_pass_through),
	    cmocka_unit_test(test_results),
	    cmocka_unit_test(test_not_collecting),
	    cmocka_unit_test(test_flushed_line_is_no_result),
	    cmocka_unit_test(test_overlong_line),
	    cmocka_unit_test(test_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
