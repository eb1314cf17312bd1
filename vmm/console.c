/* The guest console: line-at-a-time output, and the RESULT {json} lines kept for --json. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"

#define RESULT_PREFIX "RESULT "

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void console_init(struct console *c, int out_fd, bool collect)
{
	c->out_fd = out_fd;
	c->collect = collect;
	c->len = 0;
	c->overlong = false;
	c->results = NULL;
	c->results_len = 0;
	c->nresults = 0;
	c->malformed = 0;
}

static int add_result(struct console *c, const char *json, size_t n)
{
	size_t need = c->results_len + 2 + n + 1;
	char *p = realloc(c->results, need);
	if (!p)
		return -ENOMEM;
	c->results = p;
	if (c->nresults)
		p[c->results_len++] = ',', p[c->results_len++] = '\n';
	memcpy(p + c->results_len, json, n);
	c->results_len += n;
	p[c->results_len] = 0;
	c->nresults++;
	return 0;
}

/* A complete line (without its '\n'): is it a result? */
static int scan_line(struct console *c, const char *s, size_t n)
{
	const size_t plen = strlen(RESULT_PREFIX);
	if (!c->collect || n < plen || memcmp(s, RESULT_PREFIX, plen))
		return 0;
	s += plen;
	n -= plen;
	while (n && (s[0] == ' ' || s[0] == '\t'))
		s++, n--;
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n < 2 || s[0] != '{' || s[n - 1] != '}') {
		c->malformed++;
		fprintf(stderr, "shoji: ignoring a RESULT line that is not one JSON object: %.*s\n",
			(int)(n < 60 ? n : 60), s);
		return 0;
	}
	return add_result(c, s, n);
}

int console_write(struct console *c, const void *data, size_t len)
{
	const char *p = data;
	int rc;

	for (size_t i = 0; i < len; i++) {
		c->line[c->len++] = p[i];
		if (p[i] == '\n') {
			rc = write_all(c->out_fd, c->line, c->len);
			if (!rc && !c->overlong)
				rc = scan_line(c, c->line, c->len - 1);
			c->len = 0;
			c->overlong = false;
			if (rc)
				return rc;
		} else if (c->len == sizeof(c->line)) {
			/* Too long to be a result anyone wants: pass it through. */
			if (c->collect && !c->overlong &&
			    !memcmp(c->line, RESULT_PREFIX, strlen(RESULT_PREFIX))) {
				c->malformed++;
				fprintf(stderr,
					"shoji: ignoring a RESULT line longer than %d bytes\n",
					CONSOLE_LINE_MAX);
			}
			rc = write_all(c->out_fd, c->line, c->len);
			c->len = 0;
			c->overlong = true;
			if (rc)
				return rc;
		}
	}
	return 0;
}

int console_flush(struct console *c)
{
	int rc = write_all(c->out_fd, c->line, c->len);
	if (c->len)
		c->overlong = true; /* the rest of this line is no result either */
	c->len = 0;
	return rc;
}

int console_json(struct console *c, int fd)
{
	int rc = write_all(fd, "[\n", 2);
	if (!rc && c->nresults)
		rc = write_all(fd, c->results, c->results_len);
	if (!rc)
		rc = write_all(fd, c->nresults ? "\n]\n" : "]\n", c->nresults ? 3 : 2);
	return rc;
}

void console_free(struct console *c)
{
	free(c->results);
	c->results = NULL;
	c->results_len = 0;
	c->nresults = 0;
}
