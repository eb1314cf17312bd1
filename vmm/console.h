/* Interface of vmm/console.c: the guest console, and the RESULT lines kept for --json. */
#ifndef SHOJI_VMM_CONSOLE_H
#define SHOJI_VMM_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#define CONSOLE_LINE_MAX 65536

struct console {
	int out_fd;		     /* where guest output goes (stdout) */
	bool collect;		     /* keep RESULT lines for the JSON file */
	char line[CONSOLE_LINE_MAX]; /* the current line, not yet written */
	size_t len;
	bool overlong; /* the current line was flushed in parts */
	char *results; /* JSON array elements so far, ",\n" separated */
	size_t results_len;
	unsigned nresults;
	unsigned malformed; /* RESULT lines skipped */
};

/* console_init - output to @out_fd; @collect keeps RESULT lines. */
void console_init(struct console *c, int out_fd, bool collect);

/*
 * console_write - guest output bytes.  Whole lines are written to out_fd
 * at once (a line longer than CONSOLE_LINE_MAX in parts).  With collect,
 * each complete line "RESULT {json}" adds its payload to the results when
 * the payload starts with '{' and ends with '}' (trailing CR and spaces
 * ignored); any other RESULT line is counted in malformed and reported on
 * stderr.  Returns 0, or -errno when writing or growing failed.
 */
int console_write(struct console *c, const void *data, size_t len);

/* console_flush - write out a partial last line.  0 or -errno. */
int console_flush(struct console *c);

/* console_json - write the collected results to @fd as a JSON array, one
 * element per line.  0 or -errno. */
int console_json(struct console *c, int fd);

/* console_free - release the results. */
void console_free(struct console *c);

#endif
