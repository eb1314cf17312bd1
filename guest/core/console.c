/* Kernel console output: kprintf and panic, and tasks' bytes marked apart from the kernel's lines.
 */
#include <shoji/abi.h>
#include "core/console.h"
#include "arch/x86_64/arch.h"
#include "lib/lib.h"

#define KPRINTF_MAX 512 /* bytes kprintf writes at most, with the NUL */

/*
 * The convention (docs/architecture.md, "The console"): a kernel line
 * always starts a line, and starts with one of these words; a task's line
 * that starts with one of them, even in part (a task may write a line a
 * byte at a time), is marked "[task ID] " first.  So a line that opens
 * with one of the words is the kernel's.  "shoji" covers "shoji kernel"
 * and "shoji:", "task " every task line, "kernel " "kernel panic:".
 */
static const char *const kernel_words[] = {
    "shoji",   "task ", "kernel ",  "boot:",	 "memory:", "time:", "timer:",
    "paging:", "cpu:",	"cmdline:", "deadlock:", "audit:",  "pmu:",  "shootdown:",
};

/* Whether the console is at the start of a line, and whether a task's
 * bytes left a line open (the kernel ends it before a line of its own).
 * A carriage return starts a line for the marking (a terminal shows what
 * follows at a line's start) but leaves it open for the kernel: readers
 * split lines at newlines, and a kernel line after "...\r" would not
 * start one for them. */
static bool at_line_start = true;
static bool task_line_open;

static bool line_end(char c)
{
	return c == '\n' || c == '\r';
}

/* Whether the n bytes at s could be (the start of) a kernel line. */
static bool kernel_like(const char *s, size_t n)
{
	for (size_t w = 0; w < sizeof(kernel_words) / sizeof(kernel_words[0]); w++) {
		size_t i = 0;
		while (kernel_words[w][i] && i < n && s[i] == kernel_words[w][i])
			i++;
		if (!kernel_words[w][i] || i == n)
			return true;
	}
	return false;
}

/* One CPU at a time writes, so lines and the line state stay whole: the
 * CPU's index + 1 while it writes.  A CPU that faults while writing (a
 * panic inside a write) goes on, owning it already. */
static uint32_t console_owner;
static void kernel_write_locked(char *s, size_t n);

static void console_take(void)
{
	uint32_t me = cpu_self.index + 1, none = 0;
	if (__atomic_load_n(&console_owner, __ATOMIC_RELAXED) == me)
		return;
	while (!__atomic_compare_exchange_n(&console_owner, &none, me, false, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		none = 0;
		pause();
	}
}

static void console_drop(void)
{
	__atomic_store_n(&console_owner, 0, __ATOMIC_RELEASE);
}

/* The kernel's bytes, a whole line or more: an open task line is ended
 * first.  buf has one byte free before s for that newline. */
static void kernel_write(char *s, size_t n)
{
	console_take();
	kernel_write_locked(s, n);
	console_drop();
}

static void kernel_write_locked(char *s, size_t n)
{
	if (task_line_open) {
		*--s = '\n';
		n++;
	}
	serial_write(s, n);
	task_line_open = false;
	at_line_start = n ? line_end(s[n - 1]) : at_line_start;
}

static int kvprintf(const char *fmt, va_list ap)
{
	char buf[1 + KPRINTF_MAX];
	int n = vsnprintf(buf + 1, KPRINTF_MAX, fmt, ap);
	kernel_write(buf + 1, n < KPRINTF_MAX ? (size_t)n : KPRINTF_MAX - 1);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

static void task_write_locked(uint32_t id, const char *s, size_t n);

void console_task_write(uint32_t id, const char *s, size_t n)
{
	console_take();
	task_write_locked(id, s, n);
	console_drop();
}

static void task_write_locked(uint32_t id, const char *s, size_t n)
{
	size_t from = 0; /* bytes before it are written */
	for (size_t i = 0; i < n; i++) {
		bool starts = i ? line_end(s[i - 1]) : at_line_start;
		if (!starts || !kernel_like(s + i, n - i))
			continue;
		char mark[24];
		int m = snprintf(mark, sizeof(mark), "[task %u] ", id);
		if (i > from)
			serial_write_task(s + from, i - from);
		serial_write_task(mark, (size_t)m);
		from = i;
	}
	if (n > from)
		serial_write_task(s + from, n - from);
	if (n) {
		at_line_start = line_end(s[n - 1]);
		task_line_open = s[n - 1] != '\n';
	}
}

_Noreturn void panic(const char *fmt, ...)
{
	static const char prefix[] = "kernel panic: ";
	const size_t plen = sizeof(prefix) - 1;
	char buf[1 + sizeof(prefix) - 1 + KPRINTF_MAX];
	va_list ap;

	/* One write (one exit under shoji), the bytes three kprintfs made:
	 * the message cut as kprintf cuts it, then the newline. */
	memcpy(buf + 1, prefix, plen);
	va_start(ap, fmt);
	int n = vsnprintf(buf + 1 + plen, KPRINTF_MAX, fmt, ap);
	va_end(ap);
	size_t len = plen + (n < KPRINTF_MAX ? (size_t)n : KPRINTF_MAX - 1);
	buf[1 + len++] = '\n';
	kernel_write(buf + 1, len);
	machine_exit(SHOJI_EXIT_PANIC);
}
