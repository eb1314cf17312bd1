/* The guest console: line-at-a-time output, and RESULT {json} lines streamed to --json. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "json_check.h"

#define RESULT_PREFIX "RESULT "
#define QUOTE_MAX 60 /* bytes of a dropped line shown */

/* Writes all of @p, or fails: -errno, or -EINTR when give_up says so. */
static int write_all(const struct console *c, int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno != EINTR)
			return -errno;
		if (w < 0 || (size_t)w < n) {
			if (c->give_up && c->give_up(c->give_up_ctx))
				return -EINTR;
		}
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		}
	}
	return 0;
}

void console_init(struct console *c, int out_fd, int json_fd)
{
	/* All but the line buffer, which is read only below len: zeroing its
	 * 64 KiB would make every page of it resident for nothing. */
	const size_t rest = offsetof(struct console, line) + sizeof(c->line);
	memset(c, 0, offsetof(struct console, line));
	memset((char *)c + rest, 0, sizeof(*c) - rest);
	c->prog = "shoji";
	c->out_fd = out_fd;
	c->json_fd = json_fd;
}

/* Guest output to out_fd until the first failure; then nothing, said once. */
static void out(struct console *c, const char *p, size_t n)
{
	if (c->out_err || !n)
		return;
	int rc = write_all(c, c->out_fd, p, n);
	if (!rc) {
		c->out_written += n;
		return;
	}
	c->out_err = rc;
	if (rc == -EINTR)
		fprintf(stderr,
			"%s: stdout was blocked when the timeout ran out: the guest's console "
			"output after %" PRIu64 " bytes was dropped\n",
			c->prog, c->out_written);
	else
		fprintf(stderr,
			"%s: stdout: %s: the guest's console output after %" PRIu64
			" bytes is dropped; the guest runs on\n",
			c->prog, strerror(-rc), c->out_written);
}

static void json_out(struct console *c, const char *p, size_t n)
{
	if (c->json_err)
		return;
	c->json_err = write_all(c, c->json_fd, p, n);
	if (c->json_err)
		fprintf(stderr, "%s: --json: %s: no more results are written\n", c->prog,
			strerror(-c->json_err));
}

/* Names a dropped line on stderr, its bytes escaped: the first few only. */
static void complain(struct console *c, const char *why, const char *s, size_t n)
{
	if (c->not_json + c->too_long > CONSOLE_COMPLAINTS_MAX)
		return;
	char quoted[QUOTE_MAX * 4 + 1];
	size_t q = 0;
	for (size_t i = 0; i < n && i < QUOTE_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			quoted[q++] = (char)ch;
		else
			q += (size_t)snprintf(quoted + q, 5, "\\x%02x", ch);
	}
	quoted[q] = 0;
	fprintf(stderr, "%s: --json: dropping a RESULT line (%s): %s%s\n", c->prog, why, quoted,
		n > QUOTE_MAX ? "..." : "");
}

/* A complete line (without its '\n'): is it a result? */
static void scan_line(struct console *c, const char *s, size_t n)
{
	const size_t plen = strlen(RESULT_PREFIX);
	const char *why;

	if (c->json_fd < 0 || n < plen || memcmp(s, RESULT_PREFIX, plen))
		return;
	s += plen;
	n -= plen;
	while (n && (s[0] == ' ' || s[0] == '\t'))
		s++, n--;
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!json_check_object(s, n, &why)) {
		c->not_json++;
		complain(c, why, s, n);
		return;
	}
	json_out(c, c->nresults ? ",\n" : "[\n", 2);
	json_out(c, s, n);
	c->nresults++;
}

/* A full buffer: write out what a program wrote and keep the kernel's
 * bytes after it (all of them when a program wrote none or the last),
 * so a watcher still reads a kernel line that a program's long one ran
 * into.  The kernel's part is never the whole buffer for Linux, whose
 * console lines are short (printk's LOG_LINE_MAX, 1 KiB); if it is, all
 * of it goes. */
static void write_out_program_part(struct console *c)
{
	size_t keep = c->program_end ? c->len - c->program_end : 0;
	out(c, c->line, c->len - keep);
	memmove(c->line, c->line + c->len - keep, keep);
	c->len = keep;
	c->program_end = 0;
}

void console_hold(struct console *c)
{
	if (c->lock)
		pthread_mutex_lock(c->lock);
}

void console_release(struct console *c)
{
	if (c->lock)
		pthread_mutex_unlock(c->lock);
}

int console_write(struct console *c, const void *data, size_t len)
{
	const char *p = data;
	console_hold(c);

	for (size_t i = 0; i < len; i++) {
		c->line[c->len++] = p[i];
		if (p[i] == '\n') {
			out(c, c->line, c->len);
			if (!c->overlong)
				scan_line(c, c->line, c->len - 1);
			if (c->on_line)
				c->on_line(c->on_line_ctx, c->line, c->len - 1);
			c->len = 0;
			c->program_end = 0;
			c->overlong = false;
		} else if (c->len == sizeof(c->line)) {
			/* Too long to be a result anyone wants: pass it through. */
			if (c->json_fd >= 0 && !c->overlong &&
			    !memcmp(c->line, RESULT_PREFIX, strlen(RESULT_PREFIX))) {
				c->too_long++;
				complain(c, "longer than the line limit", c->line, c->len);
			}
			write_out_program_part(c);
			c->overlong = true;
		}
	}
	console_release(c);
	return 0;
}

void console_mark_program(struct console *c)
{
	console_hold(c);
	c->program_end = c->len;
	console_release(c);
}

static void flush(struct console *c)
{
	out(c, c->line, c->len);
	if (c->len)
		c->overlong = true; /* the rest of this line is no result either */
	c->len = 0;
	c->program_end = 0;
}

int console_show_prompt(struct console *c)
{
	const size_t plen = strlen(RESULT_PREFIX);
	console_hold(c);
	size_t n = c->len < plen ? c->len : plen;
	if (c->json_fd < 0 || c->overlong || memcmp(c->line, RESULT_PREFIX, n))
		flush(c);
	console_release(c);
	return 0;
}

int console_flush(struct console *c)
{
	console_hold(c);
	flush(c);
	console_release(c);
	return 0;
}

/* Called when every writer has stopped: no lock. */
int console_finish(struct console *c)
{
	flush(c);
	if (c->json_fd < 0)
		return 0;
	if (c->nresults)
		json_out(c, "\n]\n", 3);
	else
		json_out(c, "[\n]\n", 4);
	uint64_t dropped = c->not_json + c->too_long;
	if (dropped)
		fprintf(stderr,
			"%s: --json: %" PRIu64 " results written, %" PRIu64
			" RESULT lines dropped (%" PRIu64 " not one JSON object, %" PRIu64
			" longer than %d bytes)\n",
			c->prog, c->nresults, dropped, c->not_json, c->too_long, CONSOLE_LINE_MAX);
	return c->json_err;
}
