/* The host terminal in character mode while a guest reads its console, restored however shoji ends.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "host_tty.h"

static struct termios saved, char_mode;
static int saved_fd = -1;
static volatile sig_atomic_t changed;

void host_tty_restore(void)
{
	/* tcsetattr is async-signal-safe: the handlers call this too. */
	if (changed) {
		tcsetattr(saved_fd, TCSAFLUSH, &saved);
		changed = 0;
	}
}

static void on_signal(int sig)
{
	host_tty_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int restore_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

/* Ctrl-Z: the shell gets its terminal back as it was, and shoji its
 * character mode when continued (fg). */
static void on_stop(int sig)
{
	bool was = changed;
	sigset_t self;
	host_tty_restore();
	signal(sig, SIG_DFL);
	/* The signal is blocked in its own handler: let it through. */
	sigemptyset(&self);
	sigaddset(&self, sig);
	pthread_sigmask(SIG_UNBLOCK, &self, NULL);
	raise(sig); /* stops here until SIGCONT */
	struct sigaction sa = {.sa_handler = on_stop};
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	if (was && tcsetattr(saved_fd, TCSAFLUSH, &char_mode) == 0)
		changed = 1;
}

int host_tty_char_mode(int fd)
{
	struct termios t;
	static bool at_exit;

	if (!isatty(fd))
		return 0;
	if (tcgetattr(fd, &saved))
		return -errno;
	t = saved;
	/* POSIX termios, General Terminal Interface: no line editing or
	 * echo, CR kept as CR, no XON/XOFF (Ctrl-S, Ctrl-Q go to the guest);
	 * ISIG stays, so Ctrl-C still interrupts shoji. */
	t.c_lflag &= (tcflag_t) ~(ICANON | ECHO | ECHONL | IEXTEN);
	t.c_iflag &= (tcflag_t) ~(ICRNL | INLCR | IGNCR | IXON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	saved_fd = fd;
	if (!at_exit) {
		at_exit = true;
		atexit(host_tty_restore);
		for (unsigned i = 0; i < sizeof(restore_signals) / sizeof(restore_signals[0]);
		     i++) {
			struct sigaction sa = {.sa_handler = on_signal};
			sigemptyset(&sa.sa_mask);
			sigaction(restore_signals[i], &sa, NULL);
		}
		struct sigaction sa = {.sa_handler = on_stop};
		sigemptyset(&sa.sa_mask);
		sigaction(SIGTSTP, &sa, NULL);
	}
	char_mode = t;
	if (tcsetattr(fd, TCSAFLUSH, &t))
		return -errno;
	changed = 1;
	return 0;
}
