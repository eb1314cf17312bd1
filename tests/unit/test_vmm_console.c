/* Unit tests for the guest console (vmm/console.c): line output, RESULT lines streamed to --json,
 * failing outputs. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* Finishes the console and compares the JSON file @jfd with @want. */
static void expect_json(int jfd, const char *want)
{
	assert_int_equal(console_finish(&con), 0);
	char *s = contents(jfd);
	assert_string_equal(s, want);
	free(s);
	close(jfd);
}

static bool give_up_answer;
static unsigned give_up_asked;

static bool give_up(void *ctx)
{
	(void)ctx;
	give_up_asked++;
	return give_up_answer;
}

static void test_lines_pass_through(void **state)
{
	int fd = out_fd(), jfd = out_fd();
	console_init(&con, fd, jfd);
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
	expect_json(jfd, "[\n]\n");
	close(fd);
}

/* console_init resets every field but the line buffer, wherever the
 * fields lie around it: a console that held anything starts afresh. */
static void test_init_resets_a_used_console(void **state)
{
	int fd = out_fd();
	memset(&con, 0xa5, sizeof(con));
	console_init(&con, fd, -1);
	assert_int_equal(con.len, 0);
	assert_false(con.overlong);
	assert_null(con.give_up);
	assert_null(con.on_line);
	assert_int_equal(con.program_end, 0);
	assert_int_equal(con.out_err, 0);
	assert_int_equal(con.out_written, 0);
	assert_int_equal(con.nresults + con.not_json + con.too_long, 0);
	put("one\n");
	assert_int_equal(console_finish(&con), 0);
	char *s = contents(fd);
	assert_string_equal(s, "one\n");
	free(s);
	close(fd);
}

static void test_results(void **state)
{
	int fd = out_fd(), jfd = out_fd();
	console_init(&con, fd, jfd);
	put("boot\nRESULT {\"benchmark\":\"ipc\",\"cycles\":120}\n");
	put("RES");
	put("ULT  {\"benchmark\":\"null\"}  \r\n"); /* split, extra spaces, CR */
	put("not a RESULT {\"x\":1}\n");
	put("RESULT nope\nRESULT {broken\n");
	char *s = contents(fd);
	assert_non_null(strstr(s, "RESULT {\"benchmark\":\"ipc\",\"cycles\":120}\n"));
	free(s);
	assert_int_equal(con.nresults, 2);
	assert_int_equal(con.not_json, 2);
	expect_json(jfd,
		    "[\n{\"benchmark\":\"ipc\",\"cycles\":120},\n{\"benchmark\":\"null\"}\n]\n");
	close(fd);
}

/* What the old brace check let through: each would break the JSON file. */
static void test_not_json_dropped(void **state)
{
	static const char *const bad[] = {
	    "RESULT {hello world}\n",	 "RESULT {\"a\":1}, {\"b\":2}\n",
	    "RESULT {\"a\":\"\x01\"}\n", "RESULT {\"a\":\"\xff\"}\n",
	    "RESULT {\"a\":01}\n",
	};
	int fd = out_fd(), jfd = out_fd();
	console_init(&con, fd, jfd);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		put(bad[i]);
	assert_int_equal(console_write(&con, "RESULT {\"a\":\"\0\"}\n", 17), 0); /* a NUL */
	put("RESULT {\"ok\":[1,2.5e3,true,null,\"\\u00e9\"]}\n");
	assert_int_equal(con.not_json, 6);
	assert_int_equal(con.nresults, 1);
	expect_json(jfd, "[\n{\"ok\":[1,2.5e3,true,null,\"\\u00e9\"]}\n]\n");
	close(fd);
}

/* Results go to the file as they come: nothing kept in memory. */
static void test_results_streamed(void **state)
{
	int fd = out_fd(), jfd = out_fd();
	console_init(&con, fd, jfd);
	put("RESULT {\"n\":1}\n");
	char *s = contents(jfd);
	assert_string_equal(s, "[\n{\"n\":1}");
	free(s);
	put("RESULT {\"n\":2}\n");
	s = contents(jfd);
	assert_string_equal(s, "[\n{\"n\":1},\n{\"n\":2}");
	free(s);
	expect_json(jfd, "[\n{\"n\":1},\n{\"n\":2}\n]\n");
	close(fd);
}

static void test_not_collecting(void **state)
{
	int fd = out_fd();
	console_init(&con, fd, -1);
	put("RESULT {\"a\":1}\n");
	put("RESULT nope\n");
	assert_int_equal(con.nresults, 0);
	assert_int_equal(con.not_json, 0);
	assert_int_equal(console_finish(&con), 0);
	close(fd);
}

static void test_flushed_line_is_no_result(void **state)
{
	int fd = out_fd(), jfd = out_fd();
	console_init(&con, fd, jfd);
	put("RESULT {\"a\":");
	console_flush(&con);
	put("1}\n");
	assert_int_equal(con.nresults, 0);
	char *s = contents(fd);
	assert_string_equal(s, "RESULT {\"a\":1}\n");
	free(s);
	expect_json(jfd, "[\n]\n");
	close(fd);
}

static void test_overlong_line(void **state)
{
	int fd = out_fd(), jfd = out_fd();
	console_init(&con, fd, jfd);
	size_t n = CONSOLE_LINE_MAX + 100;
	char *big = malloc(n + 1);
	memcpy(big, "RESULT {", 8);
	memset(big + 8, 'x', n - 10);
	big[n - 2] = '}';
	big[n - 1] = '\n';
	big[n] = 0;
	put(big);
	assert_int_equal(con.nresults, 0);
	assert_int_equal(con.too_long, 1);
	char *s = contents(fd);
	assert_string_equal(s, big); /* all of it still reaches the output */
	free(s);
	free(big);
	put("RESULT {\"after\":1}\n"); /* the next line is a line again */
	assert_int_equal(con.nresults, 1);
	expect_json(jfd, "[\n{\"after\":1}\n]\n");
	close(fd);
}

/* A closed output stops the copying, not the console: results go on. */
static void test_write_error(void **state)
{
	int jfd = out_fd();
	console_init(&con, -1, jfd);
	assert_int_equal(console_write(&con, "x\n", 2), 0);
	assert_int_equal(con.out_err, -EBADF);
	put("RESULT {\"a\":1}\n");
	assert_int_equal(con.out_written, 0);
	expect_json(jfd, "[\n{\"a\":1}\n]\n");
}

static void test_broken_pipe(void **state)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	signal(SIGPIPE, SIG_IGN);
	console_init(&con, p[1], -1);
	put("first\n");
	close(p[0]);
	put("second\n");
	put("third\n");
	assert_int_equal(con.out_err, -EPIPE);
	assert_int_equal(con.out_written, 6);
	assert_int_equal(console_finish(&con), 0);
	close(p[1]);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A blocked output interrupted by a signal: give_up decides. */
static void test_blocked_output_gives_up(void **state)
{
	int p[2];
	struct sigaction sa = {.sa_handler = on_alarm}; /* no SA_RESTART: write returns */
	assert_int_equal(pipe(p), 0);
	sigaction(SIGALRM, &sa, NULL);
	console_init(&con, p[1], -1);
	con.give_up = give_up;
	give_up_answer = true;
	give_up_asked = 0;
	size_t n = 1 << 20; /* far more than a pipe holds */
	char *big = malloc(n);
	memset(big, 'x', n - 1);
	big[n - 1] = '\n';
	alarm(1);
	assert_int_equal(console_write(&con, big, n), 0);
	alarm(0);
	assert_int_equal(con.out_err, -EINTR);
	assert_true(give_up_asked >= 1);
	free(big);
	close(p[0]);
	close(p[1]);
}

/* Complaints are counted, whatever their number, and the file still parses. */
static void test_many_dropped(void **state)
{
	int fd = out_fd(), jfd = out_fd(), efd = out_fd();
	int saved = dup(STDERR_FILENO);
	console_init(&con, fd, jfd);
	fflush(stderr);
	dup2(efd, STDERR_FILENO);
	for (int i = 0; i < 1000; i++)
		put("RESULT {x}\n");
	assert_int_equal(console_finish(&con), 0);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_int_equal(con.not_json, 1000);
	char *err = contents(efd);
	unsigned lines = 0;
	for (const char *q = err; (q = strstr(q, "dropping a RESULT line")); q++)
		lines++;
	assert_int_equal(lines, CONSOLE_COMPLAINTS_MAX);
	assert_non_null(strstr(err, "1000 RESULT lines dropped (1000 not one JSON object"));
	free(err);
	char *s = contents(jfd);
	assert_string_equal(s, "[\n]\n");
	free(s);
	close(jfd);
	close(efd);
	close(fd);
}

/* A prompt is written out when the guest waits; an unfinished RESULT
 * line, or the start of one, stays whole and still counts. */
static void test_show_prompt(void **state)
{
	int ofd = out_fd(), jfd = out_fd();
	console_init(&con, ofd, jfd);
	put("~ # ");
	assert_int_equal(console_show_prompt(&con), 0);
	char *s = contents(ofd);
	assert_string_equal(s, "~ # ");
	free(s);
	put("ls\nRES");
	console_show_prompt(&con);
	put("ULT {\"a\":");
	console_show_prompt(&con);
	put("1}\n");
	s = contents(ofd);
	assert_string_equal(s, "~ # ls\nRESULT {\"a\":1}\n");
	free(s);
	expect_json(jfd, "[\n{\"a\":1}\n]\n");
	close(ofd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines_pass_through),
	    cmocka_unit_test(test_init_resets_a_used_console),
	    cmocka_unit_test(test_results),
	    cmocka_unit_test(test_not_json_dropped),
	    cmocka_unit_test(test_results_streamed),
	    cmocka_unit_test(test_not_collecting),
	    cmocka_unit_test(test_flushed_line_is_no_result),
	    cmocka_unit_test(test_overlong_line),
	    cmocka_unit_test(test_write_error),
	    cmocka_unit_test(test_broken_pipe),
	    cmocka_unit_test(test_blocked_output_gives_up),
	    cmocka_unit_test(test_many_dropped),
	    cmocka_unit_test(test_show_prompt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
