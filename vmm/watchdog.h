/* Interface of vmm/watchdog.c: the timeout: a thread that kicks the vCPU out of KVM_RUN. */
#ifndef SHOJI_VMM_WATCHDOG_H
#define SHOJI_VMM_WATCHDOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/kvm.h>

/*
 * A thread that, at the deadline, sets kvm_run.immediate_exit and sends
 * SIGUSR1 to the vCPU thread, so KVM_RUN returns -EINTR (whether the
 * signal lands inside KVM_RUN or just before it), and again every
 * 100 ms.  If the vCPU thread does not call watchdog_ack within 2 s after
 * the first kick, it ends the process with @hang_status, printing
 * @hang_msg when the vCPU thread was in KVM_RUN (a KVM_RUN that never
 * returns), or a message saying it was outside KVM_RUN when the thread
 * said so with watchdog_in_kvm_run (a write that blocks, say).
 */
struct watchdog {
	/* Set before watchdog_start: also kick the vCPU thread (the same
	 * signal, without immediate_exit) whenever it used less than 2 ms of
	 * CPU in the last 200 ms.  A guest halted in KVM_RUN then comes back
	 * to the run loop, which can ask KVM whether anything can ever wake
	 * it (vmm/run_loop.c). */
	bool watch_idle;
	/* Set before watchdog_start, or NULL: called from the watchdog's
	 * thread just before the hang exit, which skips atexit handlers
	 * (run_loop.c restores the host terminal; vmm/host_tty.h).  It must
	 * be async-signal-safe: the vCPU thread is stuck anywhere. */
	void (*before_hang_exit)(void);
	void *priv; /* the thread's state (opaque) */
};

/* watchdog_kick_setup - install the kick signal's handler (it only
 * interrupts KVM_RUN), before any thread can be kicked.  0 or -errno.
 * watchdog_start does it too. */
int watchdog_kick_setup(void);

/* watchdog_kick - kick @thread out of KVM_RUN for good: sets @run's
 * immediate_exit (a KVM_RUN about to start returns at once) and sends
 * the kick signal (one inside returns -EINTR).  For another vCPU's end
 * of the machine (vmm/run_loop.c). */
void watchdog_kick(pthread_t thread, struct kvm_run *run);

/* watchdog_start - arm for @ms from now; the calling thread is the one
 * kicked.  0 or -errno. */
int watchdog_start(struct watchdog *w, struct kvm_run *run, uint64_t ms, const char *hang_msg,
		   int hang_status);

/* watchdog_fired - whether the deadline has passed (the kick was sent). */
bool watchdog_fired(struct watchdog *w);

/* watchdog_idle_kicked - whether an idle kick was sent since the last
 * call (and no longer). */
bool watchdog_idle_kicked(struct watchdog *w);

/* watchdog_in_kvm_run - the vCPU thread is entering (@in true) or has left
 * KVM_RUN: what the hang message blames.  Until first called, the thread
 * counts as in KVM_RUN. */
void watchdog_in_kvm_run(struct watchdog *w, bool in);

/* watchdog_ack - the vCPU thread saw the kick: stand down the hang exit. */
void watchdog_ack(struct watchdog *w);

/* watchdog_stop - disarm and join; safe on a watchdog never started. */
void watchdog_stop(struct watchdog *w);

#endif
