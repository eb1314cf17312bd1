/* The run loop: KVM_RUN, VM exits dispatched through a table, the timeout. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "shoji/abi.h"

#include "console.h"
#include "dump.h"
#include "host_tty.h"
#include "io.h"
#include "machine.h"
#include "run_loop.h"
#include "trace.h"
#include "vmm.h"
#include "watchdog.h"

#define RFLAGS_IF (1u << 9)

typedef int (*exit_handler)(struct machine *m);

/* The vCPU is beyond saving: show why and everything it had. */
static int crash(struct machine *m, const char *what)
{
	console_flush(&m->con);
	dump_vcpu(&m->vcpu, what);
	return SHOJI_STATUS_CRASH;
}

static int exit_io(struct machine *m)
{
	struct kvm_run *run = m->vcpu.run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;

	/* count > 1 for rep ins/outs: one access per element. */
	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size) {
		int rc = io_port(&m->io, run->io.port, write, data, run->io.size);
		if (rc != RUN_CONTINUE)
			return rc;
	}
	return RUN_CONTINUE;
}

static int exit_mmio(struct machine *m)
{
	struct kvm_run *run = m->vcpu.run;
	unsigned len = run->mmio.len <= sizeof(run->mmio.data) ? run->mmio.len : 8;
	return io_mmio(&m->io, run->mmio.phys_addr, run->mmio.is_write, run->mmio.data, len);
}

int machine_end(struct machine *m, const char *how)
{
	char what[200];
	if (!m->is_linux) {
		snprintf(what, sizeof(what),
			 "the guest %s without writing a status to the exit port (only a Linux "
			 "kernel ends a run that way)",
			 how);
		return crash(m, what);
	}
	console_flush(&m->con);
	fprintf(stderr, "shoji: the guest %s: the run ends\n", how);
	return m->panicked ? SHOJI_EXIT_PANIC : SHOJI_EXIT_OK;
}

/* A vCPU halted with interrupts disabled: only an NMI, SMI or INIT
 * could wake it (SDM Vol. 2A, HLT), and shoji sends none.  That is how
 * Linux without ACPI powers off and halts (guest_linux.h). */
static int halted_for_good(struct machine *m)
{
	return machine_end(m, "halted with interrupts disabled (a power off or halt)");
}

static bool interrupts_off(struct machine *m)
{
	struct kvm_regs r;
	return ioctl(m->vcpu.fd, KVM_GET_REGS, &r) == 0 && !(r.rflags & RFLAGS_IF);
}

/* KVM's own local APIC waits out HLT in the kernel (the vCPU is then
 * KVM_MP_STATE_HALTED), so this exit comes only without it. */
static int exit_hlt(struct machine *m)
{
	return interrupts_off(m) ? halted_for_good(m) : RUN_CONTINUE;
}

/* The watchdog kicked a vCPU that stopped using CPU: halted for good, or
 * waiting for an interrupt?  A halted guest's unfinished line (a shell's
 * prompt) is written out meanwhile; a vCPU that is merely starved of
 * host CPU is not halted, and its line stays whole. */
static int idle_check(struct machine *m)
{
	struct kvm_mp_state mp;
	if (ioctl(m->vcpu.fd, KVM_GET_MP_STATE, &mp) || mp.mp_state != KVM_MP_STATE_HALTED)
		return RUN_CONTINUE;
	if (interrupts_off(m))
		return halted_for_good(m);
	console_show_prompt(&m->con);
	return RUN_CONTINUE;
}

static int exit_shutdown(struct machine *m)
{
	return crash(m, "guest shut the vCPU down (triple fault)");
}

static int exit_fail_entry(struct machine *m)
{
	return crash(m, "KVM could not enter the guest (KVM_EXIT_FAIL_ENTRY)");
}

static int exit_internal_error(struct machine *m)
{
	return crash(m, "KVM reported an internal error running the guest");
}

static int exit_intr(struct machine *m)
{
	return RUN_CONTINUE; /* a signal; the loop checks the watchdog */
}

static const exit_handler handlers[] = {
    [KVM_EXIT_IO] = exit_io,
    [KVM_EXIT_MMIO] = exit_mmio,
    [KVM_EXIT_HLT] = exit_hlt,
    [KVM_EXIT_SHUTDOWN] = exit_shutdown,
    [KVM_EXIT_FAIL_ENTRY] = exit_fail_entry,
    [KVM_EXIT_INTERNAL_ERROR] = exit_internal_error,
    [KVM_EXIT_INTR] = exit_intr,
};

static int timed_out(struct machine *m, const char *timeout_str)
{
	console_flush(&m->con);
	fprintf(stderr, "shoji: guest timed out after %s s\n", timeout_str);
	if (m->trace) {
		struct kvm_regs r;
		if (ioctl(m->vcpu.fd, KVM_GET_REGS, &r) == 0)
			fprintf(stderr, "shoji: the guest was at RIP %#llx\n",
				(unsigned long long)r.rip);
	}
	return SHOJI_STATUS_TIMEOUT;
}

/* A console write interrupted by the watchdog's kick gives up: a blocked
 * stdout must not hold the vCPU thread past the timeout. */
static bool console_give_up(void *wd)
{
	return watchdog_fired(wd);
}

int run_loop(struct machine *m, uint64_t timeout_ms, const char *timeout_str)
{
	struct kvm_run *run = m->vcpu.run;
	/* The hang exit skips atexit: a terminal in character mode would
	 * stay so (vmm/host_tty.h). */
	struct watchdog wd = {.watch_idle = true, .before_hang_exit = host_tty_restore};
	char hang_msg[160];
	int status = RUN_CONTINUE;

	snprintf(hang_msg, sizeof(hang_msg),
		 "shoji: guest timed out after %s s, and KVM_RUN did not return when kicked\n",
		 timeout_str);
	int rc = watchdog_start(&wd, run, timeout_ms, hang_msg, SHOJI_STATUS_TIMEOUT);
	if (rc) {
		fprintf(stderr, "shoji: cannot start the timeout thread: %s\n", strerror(-rc));
		return SHOJI_STATUS_CRASH;
	}
	m->con.give_up = console_give_up;
	m->con.give_up_ctx = &wd;
	m->first_run_ns = trace_now_ns();
	while (status == RUN_CONTINUE) {
		watchdog_in_kvm_run(&wd, true);
		int ran = ioctl(m->vcpu.fd, KVM_RUN, 0);
		watchdog_in_kvm_run(&wd, false);
		if (ran < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				m->stats.eintr++;
				if (watchdog_fired(&wd)) {
					watchdog_ack(&wd);
					status = timed_out(m, timeout_str);
				} else if (watchdog_idle_kicked(&wd)) {
					status = idle_check(m);
				}
				continue;
			}
			fprintf(stderr, "shoji: KVM_RUN: %s\n", strerror(errno));
			status = crash(m, "KVM_RUN failed");
			break;
		}
		uint32_t reason = run->exit_reason;
		trace_exit(&m->stats, reason);
		exit_handler h =
		    reason < sizeof(handlers) / sizeof(handlers[0]) ? handlers[reason] : NULL;
		if (!h) {
			status = crash(m, "unexpected VM exit");
			break;
		}
		status = h(m);
		if (status == RUN_CONTINUE)
			status = m->end_status; /* a watcher's end (guest_linux.c) */
		/* A guest spinning on port I/O exits often: notice the deadline. */
		if (status == RUN_CONTINUE && watchdog_fired(&wd)) {
			watchdog_ack(&wd);
			status = timed_out(m, timeout_str);
		}
	}
	console_flush(&m->con);
	m->con.give_up = NULL;
	watchdog_stop(&wd);
	return status;
}
