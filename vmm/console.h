/* Interface of vmm/console.c: the guest console, and RESULT lines streamed to the --json file. */
#ifndef SHOJI_VMM_CONSOLE_H
#define SHOJI_VMM_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The one buffer a guest fills: a line longer than this is passed through
 * in parts and is no result.  Nothing else the console keeps grows. */
#define CONSOLE_LINE_MAX 65536
/* Dropped RESULT lines complained about one by one; the rest are counted. */
#define CONSOLE_COMPLAINTS_MAX 3

struct console {
	const char *prog; /* names the messages on stderr: "shoji" */
	/* Set after console_init when several threads write (shoji's vCPU
	 * threads): a recursive mutex that every function below holds
	 * throughout, callbacks included; NULL (one writer): no lock. */
	pthread_mutex_t *lock;
	int out_fd;		     /* where guest output goes (stdout) */
	int json_fd;		     /* the --json file, or -1: results not collected */
	char line[CONSOLE_LINE_MAX]; /* the current line, not yet written */
	size_t len;
	bool overlong; /* the current line was flushed in parts */
	/* Asked when a write to out_fd is interrupted (a signal): true gives
	 * the output up (the timeout ran out while stdout was blocked). */
	bool (*give_up)(void *ctx);
	void *give_up_ctx;
	/* Shown each line's end (without its newline) after it was written
	 * out: the whole line, or what came after the part that
	 * console_flush or the line limit wrote out before (the kernel's
	 * bytes after a program's are kept for it then): a watcher of the
	 * guest's words (vmm/guest_linux.c). */
	void (*on_line)(void *ctx, const char *s, size_t n);
	void *on_line_ctx;
	/* How much of the current line a program wrote rather than the
	 * kernel (set by console_mark_program; on_line may read it). */
	size_t program_end;
	int out_err;	      /* the first error writing out_fd (-errno): copying stopped */
	uint64_t out_written; /* bytes written to out_fd */
	int json_err;	      /* the first error writing json_fd (-errno): results stopped */
	uint64_t nresults;    /* results written to the JSON file */
	uint64_t not_json;    /* RESULT lines dropped: not one JSON object */
	uint64_t too_long;    /* RESULT lines dropped: longer than CONSOLE_LINE_MAX */
};

/* console_init - output to @out_fd; RESULT lines to @json_fd when >= 0;
 * messages named "shoji" (tools/results-json.c names them its caller's).
 * Every field is reset but line[], which is only ever read below len and
 * is left untouched (so that its pages stay unused until a guest writes). */
void console_init(struct console *c, int out_fd, int json_fd);

/*
 * console_write - guest output bytes.  Whole lines are written to out_fd
 * at once (a line longer than CONSOLE_LINE_MAX in parts).  When collecting,
 * each complete line "RESULT {json}" whose payload (spaces, tabs and a
 * trailing CR around it ignored) is exactly one JSON object
 * (vmm/json_check.h) is appended to the JSON file at once, nothing kept;
 * any other RESULT line is dropped and counted in not_json or too_long,
 * the first CONSOLE_COMPLAINTS_MAX of them named on stderr.  A failed
 * write to out_fd (a closed or blocked stdout) stops the copying, says so
 * on stderr once and sets out_err; results are still collected.  A failed
 * write to json_fd does the same with json_err.  Returns 0: the guest's
 * run goes on whatever happens to its output.
 */
int console_write(struct console *c, const void *data, size_t len);

/*
 * console_mark_program - the bytes of the current line so far came (at
 * least the last of them) from a program, not from the kernel: the
 * device knows (vmm/dev_uart.c).  on_line watchers read only what comes
 * after them.  Reset at each line's end.
 */
void console_mark_program(struct console *c);

/*
 * console_show_prompt - write out an unfinished line that a guest waits
 * on (a shell's prompt), unless it may yet become a RESULT line (it
 * starts, or is the start of, "RESULT "): that one stays whole, so a
 * guest that pauses inside a result loses nothing.  0 (as console_write).
 */
int console_show_prompt(struct console *c);

/* console_flush - write out a partial last line.  0 (as console_write). */
int console_flush(struct console *c);

/* console_hold, console_release - keep @c's lock (when it has one)
 * across several calls, so that another thread's bytes cannot come
 * between (a line and its program mark).  The lock is recursive. */
void console_hold(struct console *c);
void console_release(struct console *c);

/*
 * console_finish - once every writer has stopped (it takes no lock):
 * flush, end the JSON array (the file is "[\n]\n" with no results, else
 * one element per line, ",\n" between them, "\n]\n" after), and say on
 * stderr how many RESULT lines were dropped, once.
 * Returns 0, or json_err (-errno) when the JSON file is incomplete.
 */
int console_finish(struct console *c);

#endif
