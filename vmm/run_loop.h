/* Interface of vmm/run_loop.c: the VMM run loop: KVM_RUN until the guest ends the machine. */
#ifndef SHOJI_VMM_RUN_LOOP_H
#define SHOJI_VMM_RUN_LOOP_H

#include <stdint.h>

#include "machine.h"

/*
 * run_loop - KVM_RUN on every vCPU until the guest ends the machine.
 * @timeout_ms, @timeout_str: the time limit and its spelling for messages.
 * vCPU 0 runs on the calling thread, vCPU i > 0 on a thread of its own;
 * each has a watchdog (vmm/watchdog.h) that kicks it at the deadline and
 * when it stops using CPU.  Exits are dispatched through a table by
 * KVM_EXIT_* reason.  The first vCPU to end the machine sets
 * m->end_status (machine_claim_end, vmm/machine.h: later ends are dropped, unsaid) and
 * kicks every other vCPU out of KVM_RUN (immediate_exit and the signal);
 * all threads are joined before it returns m->end_status:
 * the exit port's byte, whichever vCPU wrote it; machine_end()'s status
 * when the guest halts with interrupts disabled or resets the machine
 * (vmm/dev_reset.c); a watcher's (vmm/guest_linux.c);
 * SHOJI_STATUS_TIMEOUT ("guest timed out after N s", said once);
 * SHOJI_STATUS_CRASH after dumping the vCPU, named "vCPU I: " with
 * several, for a triple fault, failed entry, internal error, an
 * unexpected exit or a failing KVM_RUN.
 *
 * Halted for good: the watchdog's idle kick finds the vCPU
 * KVM_MP_STATE_HALTED with RFLAGS.IF clear, and nothing the guest set up
 * can still send it an NMI or INIT: its LVT LINT0 is not in NMI mode
 * (KVM's PIT sends NMIs through it) and no unmasked I/O APIC entry is in
 * NMI or INIT mode.  With one vCPU, that ends the machine.  With several, another vCPU could still
 * wake it (an NMI or INIT by IPI), so the machine ends only when every other vCPU's last idle check
 * found it halted for good or waiting for SIPI (KVM_MP_STATE_UNINITIALIZED or INIT_RECEIVED), its
 * thread has used under 2 ms of CPU since (a vCPU woken runs), no exit came since, and that held at
 * two idle checks of this vCPU in a row (200 ms apart). APs waiting for SIPI alone never end it:
 * the boot processor exits. A halted vCPU writes out the console's unfinished line (a prompt) only
 * when every other vCPU's last idle check found it halted too and it has
 * not run since: an idle AP never cuts a line another vCPU is writing.
 */
int run_loop(struct machine *m, uint64_t timeout_ms, const char *timeout_str);

/*
 * machine_crash - from a device's handler, on a vCPU thread: the vCPU
 * that made the access is dumped (as for a triple fault) with @what,
 * unless another vCPU ended the machine first.  Returns
 * SHOJI_STATUS_CRASH, for the handler to return.
 */
int machine_crash(struct machine *m, const char *what);

/*
 * machine_end - the guest ended the machine without the exit port, as
 * @how says ("halted with interrupts disabled ...").  A Linux kernel
 * (m->is_linux) ends that way by design: says so on stderr and returns
 * 0, or SHOJI_EXIT_PANIC (2) once it said it panicked (m->panicked).
 * Any other kernel has its exit port: the calling vCPU is dumped as for
 * a crash and the status is SHOJI_STATUS_CRASH.  Called on a vCPU
 * thread; says nothing when another vCPU ended the machine first.
 */
int machine_end(struct machine *m, const char *how);

#endif
