/* The machine: what one `shoji run` guest has; vmm/boot.c builds it, vmm/run_loop.c runs it. */
#ifndef SHOJI_VMM_MACHINE_H
#define SHOJI_VMM_MACHINE_H

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
	struct vcpu vcpu;
	struct io_bus io;
	struct console con;
	struct exit_stats stats;
	bool trace;	/* --trace-exits */
	uint32_t entry; /* the kernel's PVH entry */
	gpa_t initrd;	/* where the initrd was put */
	uint64_t initrd_size;
	uint64_t start_ns, first_run_ns; /* trace_now_ns() at `run` and at the first KVM_RUN */
	bool is_linux;	/* the kernel carries Linux's ELF note (vmm/guest_linux.h) */
	bool panicked;	/* its console said Linux's panic line */
	int end_status; /* RUN_CONTINUE, or the status a device or watcher ended the run with */
};

#endif
