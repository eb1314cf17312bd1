/* Linux as a guest: its panic, read from its console lines (the reasons are in guest_linux.h). */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <string.h>

#include "shoji/abi.h"

#include "console.h"
#include "guest_linux.h"
#include "machine.h"
#include "vmm.h"

/* kernel/panic.c: panic() prints the first with pr_emerg, the second
 * before it loops for ever; printk's time stamp or a log prefix may
 * come before either. */
static const char panic_open[] = "Kernel panic - not syncing";
static const char panic_close[] = "---[ end Kernel panic - not syncing";

bool linux_panic_line(const char *s, size_t n, bool *end)
{
	if (memmem(s, n, panic_close, sizeof(panic_close) - 1)) {
		*end = true;
		return true;
	}
	*end = false;
	return memmem(s, n, panic_open, sizeof(panic_open) - 1) != NULL;
}

static void on_line(void *ctx, const char *s, size_t n)
{
	struct machine *m = ctx;
	bool end;

	/* Only what the kernel wrote after the last byte a program wrote. */
	size_t from = m->con.program_end < n ? m->con.program_end : n;
	if (!linux_panic_line(s + from, n - from, &end))
		return;
	m->panicked = true;
	if (end && m->end_status == RUN_CONTINUE) {
		fprintf(stderr, "shoji: the Linux guest panicked: the run ends with status %d\n",
			SHOJI_EXIT_PANIC);
		m->end_status = SHOJI_EXIT_PANIC;
	}
}

void linux_watch_console(struct machine *m)
{
	m->con.on_line = on_line;
	m->con.on_line_ctx = m;
}
