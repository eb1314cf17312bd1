/* Unit tests for the host terminal's character mode (vmm/host_tty.c), on a pseudo-terminal. */
#define _GNU_SOURCE /* posix_openpt, ptsname */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <termios.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_char_mode_and_restore),
	    cmocka_unit_test(test_not_a_tty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
