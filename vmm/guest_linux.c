/* Linux as a guest: its panic, read from its console lines (the reasons are in guest_linux.h). */
#include <stdio.h>
#include <string.h>

#include "shoji/abi.h"

#include "console.h"
#include "guest_linux.h"
#include "machine.h"
#include "vmm.h"

/* kernel/panic.c: panic() prints the first with pr_emerg, the second
 * before it loops for ever.  Each opens its console line, after
 * printk's prefixes only: a syslog level "<0>" (console_msg_format=
 * syslog) and bracketed fields, the time stamp and the caller id
 * (kernel/printk/printk.c, info_print_prefix).  Words further on are
 * another message's, which may quote what a user chose (fs/exec.c
 * names the file run). */
static const char panic_open[] = "Kernel panic - not syncing";
static const char panic_close[] = "---[ end Kernel panic - not syncing";

/* How many bytes of @s (@n) printk's prefixes take. */
static size_t prefix_len(const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n || (s[i] != '<' && s[i] != '['))
			return i;
		const char *close = memchr(s + i, s[i] == '<' ? '>' : ']', n - i);
		if (!close)
			return i;
		i = (size_t)(close - s) + 1;
	}
}

static bool starts_with(const char *s, size_t n, const char *word, size_t wlen)
{
	return n >= wlen && !memcmp(s, word, wlen);
}

bool linux_panic_line(const char *s, size_t n, bool *end)
{
	size_t p = prefix_len(s, n);
	s += p;
	n -= p;
	*end = starts_with(s, n, panic_close, sizeof(panic_close) - 1);
	return *end || starts_with(s, n, panic_open, sizeof(panic_open) - 1);
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
	/* Under the console's lock (several vCPUs); a vCPU that ended the
	 * machine otherwise meanwhile keeps its status. */
	if (end && machine_claim_end(m, SHOJI_EXIT_PANIC))
		fprintf(stderr, "shoji: the Linux guest panicked: the run ends with status %d\n",
			SHOJI_EXIT_PANIC);
}

void linux_watch_console(struct machine *m)
{
	m->con.on_line = on_line;
	m->con.on_line_ctx = m;
}
