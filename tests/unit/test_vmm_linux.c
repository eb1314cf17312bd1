/* Unit tests for Linux as a guest (vmm/guest_linux.c): its panic lines, through the console, set
 * the run's status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "shoji/abi.h"

#include "../../vmm/console.h"
#include "../../vmm/guest_linux.h"
#include "../../vmm/machine.h"
#include "../../vmm/vmm.h"

static bool is_panic(const char *s, bool *end)
{
	return linux_panic_line(s, strlen(s), end);
}

/* What Linux 6.1's panic() prints, with printk's time stamps. */
static void test_lines(void **state)
{
	bool end;
	assert_true(is_panic("[    1.234567] Kernel panic - not syncing: Attempted to kill init! "
			     "exitcode=0x00000700",
			     &end));
	assert_false(end);
	assert_true(
	    is_panic("[    1.300000] ---[ end Kernel panic - not syncing: Attempted to kill "
		     "init! exitcode=0x00000700 ]---",
		     &end));
	assert_true(end);
	assert_false(is_panic("Kernel panic - not", &end));
	assert_false(is_panic("kernel panic: shoji's own words", &end));
	assert_false(is_panic("", &end));
	/* A kernel message quoting a user's string (fs/exec.c's NULL argv
	 * warning names the file run, which any user may name so). */
	assert_false(is_panic("[    4.000000] process 'sh' launched '/tmp/Kernel panic - not "
			      "syncing' with NULL argv: empty string added",
			      &end));
	assert_false(is_panic("[    4.000000] process 'sh' launched '/tmp/---[ end Kernel panic "
			      "- not syncing' with NULL argv: empty string added",
			      &end));
	/* printk's prefixes: syslog level, time stamp, caller id. */
	assert_true(is_panic("<0>[    1.0][    T1] Kernel panic - not syncing: x", &end));
	assert_true(is_panic("Kernel panic - not syncing: without a time stamp", &end));
}

static void write_str(struct console *c, const char *s)
{
	console_write(c, s, strlen(s));
}

/* A machine running a Linux kernel, its console watched, its output to a
 * scratch file (returned, for the caller to close). */
static FILE *watched(struct machine *m)
{
	FILE *sink = tmpfile();
	assert_non_null(sink);
	memset(m, 0, sizeof(*m));
	m->end_status = RUN_CONTINUE;
	console_init(&m->con, fileno(sink), -1);
	linux_watch_console(m);
	return sink;
}

/* Through the console: a line counts once complete; the opening line
 * marks the run, the closing one ends it. */
static void test_console(void **state)
{
	static struct machine m;
	FILE *sink = watched(&m);

	write_str(&m.con, "Kernel panic - not syncing in the middle of a line, unfinished");
	assert_false(m.panicked);
	write_str(&m.con, "\n[ 2.0] Kernel panic - not syncing: VFS: Unable to mount root fs\r\n");
	assert_true(m.panicked);
	assert_int_equal(m.end_status, RUN_CONTINUE);
	write_str(&m.con, "[ 2.1] ---[ end Kernel panic - not syncing: VFS ]---\r\n");
	assert_int_equal(m.end_status, SHOJI_EXIT_PANIC);
	fclose(sink);
}

/* What a program wrote (the UART's transmit interrupt on) is not the
 * kernel's: the words end nothing; the kernel's after it on the same
 * line still count. */
static void test_program_output(void **state)
{
	static struct machine m;
	FILE *sink = watched(&m);

	write_str(&m.con, "Kernel panic - not syncing: printed by a program");
	console_mark_program(&m.con);
	write_str(&m.con, "\n---[ end Kernel panic - not syncing: printed by a program ]---");
	console_mark_program(&m.con);
	write_str(&m.con, "\n");
	assert_false(m.panicked);
	assert_int_equal(m.end_status, RUN_CONTINUE);

	write_str(&m.con, "a program's unfinished line");
	console_mark_program(&m.con);
	write_str(&m.con, "[ 3.0] Kernel panic - not syncing: the kernel's\n");
	assert_true(m.panicked);
	fclose(sink);
}

/* The kernel's panic line after a program's unfinished line that the
 * console wrote out meanwhile (the guest idled: vmm/run_loop.c's
 * idle_check flushes) still counts: with panic=N the reset that follows
 * must end the run with 2, not 0. */
static void test_after_flush(void **state)
{
	static struct machine m;
	FILE *sink = watched(&m);

	write_str(&m.con, "Press enter: ");
	console_mark_program(&m.con);
	console_flush(&m.con);
	write_str(&m.con, "[ 3.0] Kernel panic - not syncing: Attempted to kill init!\r\n");
	assert_true(m.panicked);
	fclose(sink);
}

/* A program's line longer than the console's buffer, the kernel's panic
 * line after it, wherever the buffer's end falls: still the kernel's. */
static void test_after_overlong(void **state)
{
	static struct machine m;
	static char filler[CONSOLE_LINE_MAX + 100];
	static const size_t before[] = {CONSOLE_LINE_MAX + 50, CONSOLE_LINE_MAX - 1,
					CONSOLE_LINE_MAX - 10, CONSOLE_LINE_MAX - 30};
	memset(filler, 'x', sizeof(filler));

	for (unsigned i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		FILE *sink = watched(&m);
		for (size_t k = 0; k < before[i]; k++) {
			console_write(&m.con, filler, 1);
			console_mark_program(&m.con);
		}
		write_str(&m.con, "[ 3.0] Kernel panic - not syncing: Attempted to kill init!\r\n");
		assert_true(m.panicked);
		/* ... and the program's own words there stay its own. */
		write_str(&m.con, "\n");
		m.panicked = false;
		for (size_t k = 0; k < before[i]; k++) {
			console_write(&m.con, filler, 1);
			console_mark_program(&m.con);
		}
		write_str(&m.con, "Kernel panic - not syncing");
		console_mark_program(&m.con);
		write_str(&m.con, "\n");
		assert_false(m.panicked);
		fclose(sink);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines),	   cmocka_unit_test(test_console),
	    cmocka_unit_test(test_program_output), cmocka_unit_test(test_after_flush),
	    cmocka_unit_test(test_after_overlong),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
