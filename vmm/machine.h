/* The machine: what one `shoji run` guest has; vmm/boot.c builds it, vmm/run_loop.c runs it. */
#ifndef SHOJI_VMM_MACHINE_H
#define SHOJI_VMM_MACHINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "guest_mem.h"
#include "io.h"
#include "trace.h"
#include "vcpu.h"
#include "vmm.h"

struct machine {
	int kvm_fd, vm_fd;
	struct guest_mem mem;
	unsigned ncpus;			  /* --cpus: vCPU 0 boots, the others wait for SIPI */
	struct vcpu vcpu[SHOJI_CPUS_MAX]; /* vCPU i: KVM vCPU id i, APIC ID i */
	struct exit_stats stats[SHOJI_CPUS_MAX]; /* vCPU i's, counted by its thread */
	struct trace_first_output first_output;	 /* when a task first wrote (trace.h) */
	struct io_bus io;
	struct console con;
	/* With several vCPUs, con.lock points here: it serialises the
	 * console (its line, counters and watchers: panicked, and
	 * end_status when a watcher sets it).  With one, con.lock is NULL. */
	pthread_mutex_t con_lock;
	bool trace;	/* --trace-exits */
	uint32_t entry; /* the kernel's PVH entry */
	gpa_t initrd;	/* where the initrd was put */
	uint64_t initrd_size;
	uint64_t start_ns, first_run_ns; /* trace_now_ns() at `run` and at the first KVM_RUN */
	bool is_linux; /* the kernel carries Linux's ELF note (vmm/guest_linux.h) */
	bool panicked; /* its console said Linux's panic line */
	/* RUN_CONTINUE, or the status the machine ended with: set once, by
	 * machine_claim_end() (a watcher calls it under con_lock), read by
	 * every vCPU thread after each exit. */
	int end_status;
};

/*
 * machine_claim_end - ends the machine with @status unless something else
 * (another vCPU, a watcher) ended it first: a compare-and-swap on
 * m->end_status.  True when this call ended it: whoever says why says it
 * only then, so a run that ended otherwise prints nothing of a later end.
 * Every vCPU thread leaves its loop on seeing the end (vmm/run_loop.h).
 */
static inline bool machine_claim_end(struct machine *m, int status)
{
	int running = RUN_CONTINUE;
	return __atomic_compare_exchange_n(&m->end_status, &running, status, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

#endif
