/* case.h: the case-file language of the test runners, output checks, and the rig output split. */
#ifndef CASE_H
#define CASE_H

#include <regex.h>
#include <stdio.h>
#include <stddef.h>

/*
 * A case file holds "key: value" lines; blank lines and lines starting
 * with '#' are ignored, and blanks around a value are dropped (write [ ]
 * for a space that matters at the end of a regex).  Two kinds share it:
 *
 *  - a guest case, NAME.case (tests/guest/cases, tests/attacks), run by
 *    tests/guest/run-cases on a platform; keys:
 *      tasks:    SPEC...    the tasks, in order; SPEC is NAME[:MODE[@CPU][:ARG...]],
 *                           NAME meaning build/tasks/NAME.elf, or a path
 *                           relative to the repository root when it has a '/'
 *      append:   STR        more kernel command line (optional)
 *      timeout:  S          seconds before the runner gives up (default 30)
 *      qemu-cpu: MODEL      run with QEMU's CPU model MODEL (tools/qemu-run
 *                           --cpu); skipped on platforms that cannot choose
 *                           the CPU (shoji, the rig)
 *      cpus:     N          run with N CPUs, 1-99 (the runner's --cpus N:
 *                           tools/qemu-run, tools/esp-run); skipped on
 *                           platforms whose runner takes no --cpus
 *      skip-rig: REASON     skipped, with REASON, in the emulated-KVM rig
 *                           (tests/guest/run-cases --rig), run elsewhere
 *  - a check of shoji itself, NAME.check (tests/vmm/checks), run by
 *    tests/vmm/run; keys:
 *      command:  SH         the command, run with sh -c in the repository root
 *      lines:    N          at most N output lines
 *
 * and both:
 *      status:   N          the exit status (required)
 *      expect:   REGEX      some output line matches (repeatable)
 *      reject:   REGEX      no output line matches (repeatable)
 *      order:    A <<< B    the first line matching A comes before the first
 *                           line matching B (repeatable)
 *      skip:     REASON     do not run it; report it skipped
 *
 * Regexes are extended (grep -E), matched against each output line with
 * any trailing carriage return removed.  A key given twice keeps its last
 * value, except the repeatable ones.
 */

enum case_kind {
	CASE_GUEST, /* NAME.case */
	CASE_CHECK, /* NAME.check */
};

enum case_cond_kind {
	COND_EXPECT,
	COND_REJECT,
	COND_ORDER,
};

/* One expect, reject or order line: its regexes as written (after the
 * substitutions) and compiled; re[1] and text[1] only for order. */
struct case_cond {
	enum case_cond_kind kind;
	char *text[2];
	regex_t re[2];
};

/* A parsed case file.  Strings are NULL when their key is absent or its
 * value is empty. */
struct case_file {
	enum case_kind kind;
	char **tasks;
	size_t ntasks;
	char *append;
	char *command;
	char *skip;
	char *qemu_cpu;
	char *skip_rig;
	char *cpus;    /* digits, 1-99, as written */
	char *status;  /* digits, as written */
	char *timeout; /* as written; "30" when absent */
	long lines;    /* -1: no limit */
	struct case_cond *conds;
	size_t nconds;
};

/* A text replaced in command, expect, reject and order values. */
struct case_subst {
	const char *from;
	const char *to;
};

/* The size of a reason buffer for case_parse(). */
#define CASE_WHY_MAX 512

/*
 * Reads the case file @path of @kind into @c, applying the @nsubst
 * substitutions @subst first.  Returns 0, or -1 with @why (CASE_WHY_MAX
 * bytes) saying what is wrong: "cannot read: <errno text>", "line N: not
 * 'key: value'", "line N: unknown key 'K'", "line N: order wants 'A <<<
 * B'", "line N: bad regex /RE/: <regerror text>", "line N: lines wants a
 * number", "no 'status: N' line", "cpus 'N' is not a number of CPUs from 1 to
 * 99", "timeout 'T' is not a number of
 * seconds", "no 'command:' line" (a check), "out of memory".  On failure
 * @c holds nothing to free.
 */
int case_parse(const char *path, enum case_kind kind, const struct case_subst *subst, size_t nsubst,
	       struct case_file *c, char *why);

/* Frees what case_parse() put into @c. */
void case_free(struct case_file *c);

/*
 * Checks the output @out (read to its end) and the exit status @status
 * against @c: the status first, then each expect, reject and order line
 * in that order, then the line limit.  Writes each problem to @report,
 * "; " between them ("status 1, want 0", "no line matches /RE/", "line N
 * matches rejected /RE/", "/A/ (line N) does not come before /B/ (line
 * M)", "N lines of output, want at most M"; a guest case says "timed out
 * (status 124), want status N" and "no exit status: reset or triple fault
 * (status 125), want status N" for those two).  Returns the number of
 * problems, or -1 when @out cannot be read or memory runs out (@report
 * then has the reason).
 */
int case_check(const struct case_file *c, FILE *out, long status, FILE *report);

/*
 * Splits the stdout of `tools/kvm-rig run`, @rig_out, at its "### rig: cmd
 * N exit STATUS" lines (only the next N counts, so that a command printing
 * such a line cannot shift the others) into @dir/out.N (command N's
 * output, trailing carriage returns removed; out.1 always) and @dir/rc.N
 * (its status, for each command that ended).  Returns the number of
 * commands that ended, or -1 with errno set when a file cannot be written.
 */
long rig_split(FILE *rig_out, const char *dir);

/*
 * Reads the stderr of `tools/kvm-rig run`, @rig_err, for why it stopped:
 * writes to @why (CASE_WHY_MAX bytes) its last "kvm-rig: " message that
 * is not a progress note or a warning (the prefix dropped), or else its
 * last line that is not indented, or "" when it has none; sets *@running
 * to N of its first "during cmd N of" (the command it stopped in), or 0.
 */
void rig_reason(FILE *rig_err, char *why, long *running);

#endif
