/* Interface of vmm/trace.c: --trace-exits, exits by reason and shoji's own memory. */
#ifndef SHOJI_VMM_TRACE_H
#define SHOJI_VMM_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#define EXIT_REASONS_MAX 64

/* One vCPU's exits: written by its own thread only, read by others
 * (trace_task_output) with relaxed atomic loads, so no lock. */
struct exit_stats {
	uint64_t count[EXIT_REASONS_MAX]; /* by KVM_EXIT_* */
	uint64_t other;			  /* reasons >= EXIT_REASONS_MAX */
	uint64_t eintr;			  /* KVM_RUN returned -EINTR */
};

/* The machine's first task output: set once, by whichever vCPU's exit
 * brought it (a compare-and-swap on seen). */
struct trace_first_output {
	int seen;	       /* a task wrote through the console device */
	uint64_t exits_before; /* exits of every vCPU before the one that brought it */
};

struct machine; /* machine.h */

/* trace_exit - count one exit (always; cheap: no lock, no locked
 * instruction). */
void trace_exit(struct exit_stats *s, uint32_t reason);

/* trace_eintr - count one KVM_RUN that returned -EINTR. */
void trace_eintr(struct exit_stats *s);

/* trace_task_output - the exit being handled brings a task's first
 * output (vmm/dev_hvcon.c): the exits of all vCPUs before it are kept,
 * once. */
void trace_task_output(struct machine *m);

/* trace_summary - exits by reason (with several vCPUs, a line per vCPU
 * "shoji: vCPU I exits by reason: ..." first, then the machine's total
 * line as with one), the exits before the first task output, the time
 * from start to the first KVM_RUN, then shoji's resident memory, guest
 * RAM resident and the difference (shoji's own), on stderr.  Called
 * after every vCPU thread has ended. */
void trace_summary(const struct machine *m);

/* trace_vmrss - resident memory of this process in bytes
 * (/proc/self/smaps_rollup, else VmRSS), 0 when unknown. */
uint64_t trace_vmrss(void);

/* trace_now_ns - CLOCK_MONOTONIC in nanoseconds. */
uint64_t trace_now_ns(void);

#endif
