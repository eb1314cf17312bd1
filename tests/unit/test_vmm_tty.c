/* Unit tests for the host terminal's character mode (vmm/host_tty.c), on a pseudo-terminal. */
#define _GNU_SOURCE /* posix_openpt, ptsname */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <termios.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../vmm/host_tty.h"

static int open_pty(int *master)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(*master >= 0);
	assert_int_equal(grantpt(*master), 0);
	assert_int_equal(unlockpt(*master), 0);
	int slave = open(ptsname(*master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	return slave;
}

static void test_char_mode_and_restore(void **state)
{
	int master, slave = open_pty(&master);
	struct termios before, during, after;

	assert_int_equal(tcgetattr(slave, &before), 0);
	assert_true(before.c_lflag & ICANON); /* a new pty starts in line mode */
	assert_int_equal(host_tty_char_mode(slave), 0);
	assert_int_equal(tcgetattr(slave, &during), 0);
	assert_false(during.c_lflag & (ICANON | ECHO));
	assert_false(during.c_iflag & ICRNL);
	assert_true(during.c_lflag & ISIG); /* Ctrl-C still ends shoji */
	host_tty_restore();
	assert_int_equal(tcgetattr(slave, &after), 0);
	assert_int_equal(after.c_lflag, before.c_lflag);
	assert_int_equal(after.c_iflag, before.c_iflag);
	host_tty_restore(); /* twice is harmless */
	close(slave);
	close(master);
}

/* Not a terminal: nothing to do, no error. */
static void test_not_a_tty(void **state)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(host_tty_char_mode(p[0]), 0);
	host_tty_restore();
	close(p[0]);
	close(p[1]);
}

/* Ctrl-Z: stopped, the terminal is back in line mode for the shell;
 * continued, shoji's character mode is back.  A child does it. */
static void test_stop_and_continue(void **state)
{
	int master, slave = open_pty(&master);
	struct termios t;
	int st;

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* A group of its own whose parent is outside it is not
		 * orphaned: SIGTSTP then stops it (an orphaned group's is
		 * discarded, as under make or CI). */
		if (setpgid(0, 0) || host_tty_char_mode(slave))
			_exit(2);
		raise(SIGTSTP);
		if (tcgetattr(slave, &t) || (t.c_lflag & ICANON))
			_exit(3); /* not back in character mode */
		host_tty_restore();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, WUNTRACED), pid);
	assert_true(WIFSTOPPED(st));
	assert_int_equal(tcgetattr(slave, &t), 0);
	assert_true(t.c_lflag & ICANON);
	assert_true(t.c_lflag & ECHO);
	kill(pid, SIGCONT);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(slave);
	close(master);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_char_mode_and_restore),
	    cmocka_unit_test(test_not_a_tty),
	    cmocka_unit_test(test_stop_and_continue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
