/* The run loop: a thread per vCPU in KVM_RUN, VM exits dispatched through a table, the machine's
 * end and the timeout. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

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
/* With several vCPUs, a vCPU found stuck (run_loop in vmm/run_loop.h)
 * counts as still stuck while its thread has used less CPU than this
 * since: a vCPU that an IPI woke runs, and uses CPU. */
#define STUCK_CPU_NS 2000000ull
/* Idle checks in a row that must find the whole machine stuck before it
 * ends, with several vCPUs: a vCPU just woken may not have run yet. */
#define STUCK_CHECKS 2

/* What a vCPU's idle check found, in order: each includes the ones
 * before it. */
enum idleness {
	IDLE_RUNS,    /* it ran since (an exit, or CPU used) */
	IDLE_WAITS,   /* halted, waiting for an interrupt: it writes nothing meanwhile */
	IDLE_FOR_GOOD /* halted for good, or an AP waiting for SIPI */
};

/* One vCPU's thread (vCPU 0's is the caller of run_loop). */
struct vcpu_thread {
	struct machine *m;
	struct run *r;
	unsigned index;
	struct vcpu *v;
	struct watchdog wd;
	pthread_t thread;
	bool created;	   /* thread is ours to join (vCPUs 1..) */
	clockid_t cpu;	   /* the thread's CPU-time clock */
	int stuck;	   /* what its last idle check found (enum idleness), unless it ran since */
	uint64_t stuck_ns; /* its CPU time then */
	unsigned confirmed; /* idle checks in a row that found every vCPU stuck */
	bool done;	    /* left its loop: no more kicks (under r->kick_lock) */
};

/* What the vCPU threads share. */
struct run {
	uint64_t timeout_ms;
	const char *timeout_str;
	pthread_mutex_t kick_lock; /* the done flags: a thread ended is kicked no more */
	struct vcpu_thread t[SHOJI_CPUS_MAX];
};

/* The vCPU this thread runs: what a crash dumps, what the console's give-up asks. */
static __thread struct vcpu_thread *self;

typedef int (*exit_handler)(struct vcpu_thread *t);

static bool machine_ended(struct machine *m)
{
	return __atomic_load_n(&m->end_status, __ATOMIC_SEQ_CST) != RUN_CONTINUE;
}

/* The vCPU is beyond saving: show why and everything it had.  Only the
 * vCPU that ends the machine is dumped; with several, named. */
static int crash(struct vcpu_thread *t, const char *what)
{
	struct machine *m = t->m;
	char named[300];

	if (!machine_claim_end(m, SHOJI_STATUS_CRASH))
		return SHOJI_STATUS_CRASH;
	console_flush(&m->con);
	if (m->ncpus > 1) {
		snprintf(named, sizeof(named), "vCPU %u: %s", t->index, what);
		what = named;
	}
	dump_vcpu(t->v, what);
	return SHOJI_STATUS_CRASH;
}

int machine_crash(struct machine *m, const char *what)
{
	return crash(self, what);
}

static int exit_io(struct vcpu_thread *t)
{
	struct kvm_run *run = t->v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool write = run->io.direction == KVM_EXIT_IO_OUT;

	/* count > 1 for rep ins/outs: one access per element. */
	for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size) {
		int rc = io_port(&t->m->io, run->io.port, write, data, run->io.size);
		if (rc != RUN_CONTINUE)
			return rc;
	}
	return RUN_CONTINUE;
}

static int exit_mmio(struct vcpu_thread *t)
{
	struct kvm_run *run = t->v->run;
	unsigned len = run->mmio.len <= sizeof(run->mmio.data) ? run->mmio.len : 8;
	return io_mmio(&t->m->io, run->mmio.phys_addr, run->mmio.is_write, run->mmio.data, len);
}

int machine_end(struct machine *m, const char *how)
{
	char what[200];
	if (!m->is_linux) {
		snprintf(what, sizeof(what),
			 "the guest %s without writing a status to the exit port (only a Linux "
			 "kernel ends a run that way)",
			 how);
		return crash(self, what);
	}
	int status = m->panicked ? SHOJI_EXIT_PANIC : SHOJI_EXIT_OK;
	if (machine_claim_end(m, status)) {
		console_flush(&m->con);
		fprintf(stderr, "shoji: the guest %s: the run ends\n", how);
	}
	return status;
}

/* A vCPU halted with interrupts disabled: only an NMI, SMI or INIT
 * could wake it (SDM Vol. 2A, HLT), and shoji sends none.  That is how
 * Linux without ACPI powers off and halts (guest_linux.h). */
static int halted_for_good(struct vcpu_thread *t)
{
	return machine_end(t->m, "halted with interrupts disabled (a power off or halt)");
}

static bool interrupts_off(struct vcpu_thread *t)
{
	struct kvm_regs r;
	return ioctl(t->v->fd, KVM_GET_REGS, &r) == 0 && !(r.rflags & RFLAGS_IF);
}

/* LVT LINT0 (SDM Vol. 3A 11.5.1, the local APIC register at 0x350):
 * bits 10:8 its delivery mode, bit 16 its mask. */
#define LAPIC_LVT0 0x350
#define LVT_MODE(v) ((v) >> 8 & 7u)
#define LVT_MASKED (1u << 16)
/* Delivery modes that wake a CPU halted with interrupts off (SDM Vol.
 * 3A 11.6.1 and Vol. 2A, HLT); the I/O APIC's field is the same
 * (82093AA data sheet, 3.2.4). */
#define MODE_NMI 4u
#define MODE_INIT 5u
_Static_assert(LAPIC_LVT0 + 4 <= sizeof(((struct kvm_lapic_state *)0)->regs),
	       "LINT0 lies in KVM's local APIC page");

/* Can the guest still wake this vCPU with nothing of shoji's?  KVM's PIT
 * sends an NMI at every tick through a LINT0 in NMI mode (the NMI
 * watchdog's virtual-wire route), and an I/O APIC entry in NMI or INIT
 * mode sends one when its line rises (the PIT's, COM1's).  Either makes
 * a halt with interrupts off a wait, not a power off.  On this vCPU's
 * own thread (KVM_GET_LAPIC waits for a vCPU in KVM_RUN). */
static bool may_be_woken(struct vcpu_thread *t)
{
	struct kvm_lapic_state lapic;
	uint32_t lvt0;
	if (ioctl(t->v->fd, KVM_GET_LAPIC, &lapic) == 0) {
		memcpy(&lvt0, lapic.regs + LAPIC_LVT0, sizeof(lvt0));
		if (!(lvt0 & LVT_MASKED) && LVT_MODE(lvt0) == MODE_NMI)
			return true;
	}
	struct kvm_irqchip chip = {.chip_id = KVM_IRQCHIP_IOAPIC};
	if (ioctl(t->m->vm_fd, KVM_GET_IRQCHIP, &chip) == 0)
		for (unsigned i = 0; i < KVM_IOAPIC_NUM_PINS; i++) {
			unsigned mode = chip.chip.ioapic.redirtbl[i].fields.delivery_mode;
			if (!chip.chip.ioapic.redirtbl[i].fields.mask &&
			    (mode == MODE_NMI || mode == MODE_INIT))
				return true;
		}
	return false;
}

/* KVM's own local APIC waits out HLT in the kernel (the vCPU is then
 * KVM_MP_STATE_HALTED), so this exit comes only without it. */
static int exit_hlt(struct vcpu_thread *t)
{
	return interrupts_off(t) ? halted_for_good(t) : RUN_CONTINUE;
}

static uint64_t cpu_ns(clockid_t clock)
{
	struct timespec ts;
	if (clock_gettime(clock, &ts))
		return UINT64_MAX;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void set_stuck(struct vcpu_thread *t, enum idleness idle)
{
	if (idle != IDLE_RUNS)
		__atomic_store_n(&t->stuck_ns, cpu_ns(t->cpu), __ATOMIC_RELAXED);
	__atomic_store_n(&t->stuck, idle, __ATOMIC_RELEASE);
}

/* Every other vCPU at least @idle at its last idle check, and none has
 * run since (vmm/run_loop.h). */
static bool others_idle(struct vcpu_thread *t, enum idleness idle)
{
	for (unsigned i = 0; i < t->m->ncpus; i++) {
		struct vcpu_thread *o = &t->r->t[i];
		if (o == t)
			continue;
		if (__atomic_load_n(&o->stuck, __ATOMIC_ACQUIRE) < (int)idle)
			return false;
		uint64_t then = __atomic_load_n(&o->stuck_ns, __ATOMIC_RELAXED);
		if (cpu_ns(o->cpu) - then >= STUCK_CPU_NS)
			return false;
	}
	return true;
}

/* The watchdog kicked a vCPU that stopped using CPU: halted for good, or
 * waiting for an interrupt (or, an AP, for SIPI)?  A halted guest's
 * unfinished line (a shell's prompt) is written out meanwhile, once
 * every vCPU is idle; a vCPU that is merely starved of host CPU is not
 * halted, and its line stays whole. */
static int idle_check(struct vcpu_thread *t)
{
	struct kvm_mp_state mp;
	if (ioctl(t->v->fd, KVM_GET_MP_STATE, &mp))
		return RUN_CONTINUE;
	bool for_sipi =
	    mp.mp_state == KVM_MP_STATE_UNINITIALIZED || mp.mp_state == KVM_MP_STATE_INIT_RECEIVED;
	bool halted = mp.mp_state == KVM_MP_STATE_HALTED;
	bool for_good = halted && interrupts_off(t) && !may_be_woken(t);
	set_stuck(t, for_sipi || for_good ? IDLE_FOR_GOOD : halted ? IDLE_WAITS : IDLE_RUNS);
	/* The prompt only when no vCPU may be writing: an idle AP must not
	 * cut the line another vCPU is in the middle of. */
	if (halted && !for_good && others_idle(t, IDLE_WAITS))
		console_show_prompt(&t->m->con);
	if (!for_good || !others_idle(t, IDLE_FOR_GOOD)) {
		t->confirmed = 0;
		return RUN_CONTINUE;
	}
	if (++t->confirmed < (t->m->ncpus > 1 ? STUCK_CHECKS : 1))
		return RUN_CONTINUE;
	return halted_for_good(t);
}

static int exit_shutdown(struct vcpu_thread *t)
{
	return crash(t, "guest shut the vCPU down (triple fault)");
}

static int exit_fail_entry(struct vcpu_thread *t)
{
	return crash(t, "KVM could not enter the guest (KVM_EXIT_FAIL_ENTRY)");
}

static int exit_internal_error(struct vcpu_thread *t)
{
	return crash(t, "KVM reported an internal error running the guest");
}

static int exit_intr(struct vcpu_thread *t)
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

static int timed_out(struct vcpu_thread *t)
{
	struct machine *m = t->m;
	watchdog_ack(&t->wd);
	if (!machine_claim_end(m, SHOJI_STATUS_TIMEOUT))
		return SHOJI_STATUS_TIMEOUT;
	console_flush(&m->con);
	fprintf(stderr, "shoji: guest timed out after %s s\n", t->r->timeout_str);
	struct kvm_regs r;
	if (m->trace && ioctl(t->v->fd, KVM_GET_REGS, &r) == 0) {
		if (m->ncpus == 1)
			fprintf(stderr, "shoji: the guest was at RIP %#llx\n",
				(unsigned long long)r.rip);
		else
			fprintf(stderr, "shoji: vCPU %u was at RIP %#llx\n", t->index,
				(unsigned long long)r.rip);
	}
	return SHOJI_STATUS_TIMEOUT;
}

/* A console write interrupted by a kick gives up once this thread's
 * deadline has passed: a blocked stdout must not hold a vCPU thread past
 * the timeout.  Another vCPU's end of the machine kicks it too, but its
 * write goes on: what the guest wrote before its end is not dropped.
 * (Called by the thread that holds the console.) */
static bool console_give_up(void *ctx)
{
	(void)ctx;
	return self && watchdog_fired(&self->wd);
}

/* KVM_RUN returned an error: the watchdog's kick, another vCPU's, or a failure. */
static int run_failed(struct vcpu_thread *t)
{
	if (errno != EINTR && errno != EAGAIN) {
		fprintf(stderr, "shoji: KVM_RUN: %s\n", strerror(errno));
		return crash(t, "KVM_RUN failed");
	}
	trace_eintr(&t->m->stats[t->index]);
	if (watchdog_fired(&t->wd))
		return timed_out(t);
	if (watchdog_idle_kicked(&t->wd))
		return idle_check(t);
	return RUN_CONTINUE;
}

/* One exit: counted and dispatched. */
static int handle_exit(struct vcpu_thread *t)
{
	uint32_t reason = t->v->run->exit_reason;
	trace_exit(&t->m->stats[t->index], reason);
	if (t->m->ncpus > 1 && __atomic_load_n(&t->stuck, __ATOMIC_RELAXED))
		set_stuck(t, IDLE_RUNS);
	exit_handler h = reason < sizeof(handlers) / sizeof(handlers[0]) ? handlers[reason] : NULL;
	if (!h)
		return crash(t, "unexpected VM exit");
	int status = h(t);
	/* A guest spinning on port I/O exits often: notice the deadline. */
	if (status == RUN_CONTINUE && watchdog_fired(&t->wd))
		status = timed_out(t);
	return status;
}

/* Stops every other vCPU that has not stopped: immediate_exit for one
 * about to enter KVM_RUN, the signal for one inside it. */
static void kick_others(struct vcpu_thread *t)
{
	pthread_mutex_lock(&t->r->kick_lock);
	t->done = true;
	for (unsigned i = 0; i < t->m->ncpus; i++) {
		struct vcpu_thread *o = &t->r->t[i];
		if (!o->done)
			watchdog_kick(o->thread, o->v->run);
	}
	pthread_mutex_unlock(&t->r->kick_lock);
}

/* One vCPU until the machine ends; the status is the machine's. */
static void run_vcpu(struct vcpu_thread *t)
{
	struct machine *m = t->m;
	/* The hang exit skips atexit: a terminal in character mode would
	 * stay so (vmm/host_tty.h). */
	char hang_msg[160];

	self = t;
	t->wd = (struct watchdog){.watch_idle = true, .before_hang_exit = host_tty_restore};
	snprintf(hang_msg, sizeof(hang_msg),
		 "shoji: guest timed out after %s s, and KVM_RUN did not return when kicked\n",
		 t->r->timeout_str);
	int rc = -pthread_getcpuclockid(pthread_self(), &t->cpu);
	if (!rc)
		rc = watchdog_start(&t->wd, t->v->run, t->r->timeout_ms, hang_msg,
				    SHOJI_STATUS_TIMEOUT);
	if (rc) {
		fprintf(stderr, "shoji: cannot start the timeout thread: %s\n", strerror(-rc));
		machine_claim_end(m, SHOJI_STATUS_CRASH);
	}
	if (t->index == 0)
		m->first_run_ns = trace_now_ns();
	while (!machine_ended(m)) {
		watchdog_in_kvm_run(&t->wd, true);
		int ran = ioctl(t->v->fd, KVM_RUN, 0);
		watchdog_in_kvm_run(&t->wd, false);
		int status = ran < 0 ? run_failed(t) : handle_exit(t);
		if (status != RUN_CONTINUE)
			machine_claim_end(m, status);
	}
	kick_others(t);
	watchdog_stop(&t->wd);
}

static void *vcpu_main(void *arg)
{
	run_vcpu(arg);
	return NULL;
}

/* Threads for vCPUs 1..: they take the kick signal, as the caller does. */
static int start_aps(struct run *r, struct machine *m)
{
	for (unsigned i = 1; i < m->ncpus; i++) {
		int rc = pthread_create(&r->t[i].thread, NULL, vcpu_main, &r->t[i]);
		if (rc) {
			fprintf(stderr, "shoji: cannot start vCPU %u's thread: %s\n", i,
				strerror(rc));
			machine_claim_end(m, SHOJI_STATUS_CRASH);
			return -rc;
		}
		r->t[i].created = true;
	}
	return 0;
}

int run_loop(struct machine *m, uint64_t timeout_ms, const char *timeout_str)
{
	struct run *r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "shoji: cannot allocate the vCPU threads' state\n");
		return SHOJI_STATUS_CRASH;
	}
	r->timeout_ms = timeout_ms;
	r->timeout_str = timeout_str;
	pthread_mutex_init(&r->kick_lock, NULL);
	for (unsigned i = 0; i < m->ncpus; i++)
		r->t[i] = (struct vcpu_thread){.m = m, .r = r, .index = i, .v = &m->vcpu[i]};
	r->t[0].thread = pthread_self();
	m->con.give_up = console_give_up;
	m->con.give_up_ctx = NULL;

	/* The kick's handler first: a thread may be kicked as soon as it
	 * exists.  No kick before every thread is made: kick_lock. */
	int rc = watchdog_kick_setup();
	if (rc) {
		fprintf(stderr, "shoji: cannot set up the vCPU kick signal: %s\n", strerror(-rc));
		free(r);
		return SHOJI_STATUS_CRASH;
	}
	pthread_mutex_lock(&r->kick_lock);
	rc = start_aps(r, m);
	for (unsigned i = 1; i < m->ncpus; i++)
		r->t[i].done = !r->t[i].created; /* one never made is kicked never */
	pthread_mutex_unlock(&r->kick_lock);
	if (!rc)
		run_vcpu(&r->t[0]);
	else
		kick_others(&r->t[0]);
	for (unsigned i = 1; i < m->ncpus; i++)
		if (r->t[i].created)
			pthread_join(r->t[i].thread, NULL);
	self = NULL;
	console_flush(&m->con);
	m->con.give_up = NULL;
	pthread_mutex_destroy(&r->kick_lock);
	free(r);
	return m->end_status;
}
