/* Interface of vmm/run_loop.c: the VMM run loop: KVM_RUN until the guest ends the machine. */
#ifndef SHOJI_VMM_RUN_LOOP_H
#define SHOJI_VMM_RUN_LOOP_H

#include <stdint.h>

#include "machine.h"

/*
 * run_loop - KVM_RUN until the guest ends the machine.
 * @timeout_ms, @timeout_str: the time limit and its spelling for messages.
 * Exits are dispatched through a table by KVM_EXIT_* reason.  Returns
 * the exit port's byte; machine_end()'s status when the guest halts with
 * interrupts disabled (seen when the watchdog's idle kick finds the vCPU
 * KVM_MP_STATE_HALTED with RFLAGS.IF clear) or resets the machine
 * (vmm/dev_reset.c); a watcher's m->end_status (vmm/guest_linux.c);
 * SHOJI_STATUS_TIMEOUT ("guest timed out after N s"); SHOJI_STATUS_CRASH
 * after dumping the vCPU for a triple fault, failed entry, internal
 * error, an unexpected exit or a failing KVM_RUN.
 */
int run_loop(struct machine *m, uint64_t timeout_ms, const char *timeout_str);

/*
 * machine_end - the guest ended the machine without the exit port, as
 * @how says ("halted with interrupts disabled ...").  A Linux kernel
 * (m->is_linux) ends that way by design: says so on stderr and returns
 * 0, or SHOJI_EXIT_PANIC (2) once it said it panicked (m->panicked).
 * Any other kernel has its exit port: its vCPU is dumped as for a crash
 * and the status is SHOJI_STATUS_CRASH.
 */
int machine_end(struct machine *m, const char *how);

#endif
