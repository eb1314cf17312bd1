/* audit=on (audit.c): the kernel checking its own invariants. */
#ifndef CORE_AUDIT_H
#define CORE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

extern bool audit_enabled;
/* How many checks ran at an IPC fast path's SYSRET exit (ipc_fast.c),
 * printed with the run's end so that a test can see they happen. */
extern uint64_t audit_fast_exits;
/* Allocates the audit's frame map, routes the entry paths through the
 * audited dispatchers and prints one line.  Before any task runs. */
void audit_init(void);
/* Checks every invariant audit.c lists, after `event` ("a system call")
 * of task id `task`; panics naming the first broken one. */
void audit_check(const char *event, uint32_t task);
/* selftest=audit-queue|audit-page: breaks one invariant on purpose (the
 * first task queued twice; a stray page in its heap window), which the
 * audit must name at its first check. */
void audit_break(bool queue);
/* selftest=audit-cpu: with a second CPU up and idle, its records say it
 * has the tables of task 1's group loaded, which it never installed (a
 * switch there would skip loading them), and the audit must name that
 * at its first check; with one CPU, nothing. */
void audit_break_cpu(void);

#endif
