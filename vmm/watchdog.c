/* The timeout: a thread that kicks the vCPU out of KVM_RUN, and ends a KVM_RUN that never returns.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "watchdog.h"

#define KICK_SIGNAL SIGUSR1
#define HANG_GRACE_MS 2000
#define KICK_AGAIN_MS 100
/* The idle watch: every IDLE_POLL_MS, a vCPU thread that used less than
 * IDLE_CPU_NS of CPU since the last look is kicked once.  A halted vCPU
 * sleeps in KVM (its halt polling spins for microseconds at most); a
 * running one uses the whole interval. */
#define IDLE_POLL_MS 200
#define IDLE_CPU_NS 2000000ull

struct wd {
	pthread_t thread, target;
	pthread_mutex_t lock;
	pthread_cond_t cond; /* signalled on stop and on ack */
	struct timespec deadline;
	struct kvm_run *run;
	const char *hang_msg;
	int hang_status;
	void (*before_hang_exit)(void);
	bool stop, acked;
	bool watch_idle;    /* struct watchdog's watch_idle */
	clockid_t vcpu_cpu; /* the vCPU thread's CPU-time clock */
	int fired;	    /* read by the vCPU thread without the lock */
	int idle_kick;	    /* set before an idle kick, taken by watchdog_idle_kicked */
	int in_run;	    /* written by the vCPU thread without the lock */
};

/* What the vCPU thread was doing when it ignored the kicks, when it was
 * not in KVM_RUN: a hang message must not blame KVM for a blocked write. */
static const char hang_outside_run[] =
    "shoji: the vCPU thread did not stop within 2 s of the timeout's kick, outside KVM_RUN "
    "(handling an exit or writing the guest's output)\n";

/* The signal only has to interrupt KVM_RUN (no SA_RESTART). */
static void on_kick(int sig)
{
	(void)sig;
}

static void add_ms(struct timespec *t, uint64_t ms)
{
	t->tv_sec += (time_t)(ms / 1000);
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* Waits until @until, stop, or (when @for_ack) an ack.  With the lock held. */
static bool wait_until(struct wd *w, const struct timespec *until, bool for_ack)
{
	while (!w->stop && !(for_ack && w->acked))
		if (pthread_cond_timedwait(&w->cond, &w->lock, until) == ETIMEDOUT)
			return false;
	return true;
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static uint64_t cpu_ns(clockid_t clock)
{
	struct timespec t;
	if (clock_gettime(clock, &t))
		return 0;
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Waits for the deadline; on the way, with the idle watch on, kicks a
 * vCPU thread that has stopped using CPU.  True on stop. */
static bool wait_deadline(struct wd *w)
{
	uint64_t last = w->watch_idle ? cpu_ns(w->vcpu_cpu) : 0;
	for (;;) {
		struct timespec next = w->deadline;
		if (w->watch_idle) {
			clock_gettime(CLOCK_MONOTONIC, &next);
			add_ms(&next, IDLE_POLL_MS);
			if (before(&w->deadline, &next))
				next = w->deadline;
		}
		if (wait_until(w, &next, false))
			return true;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!before(&now, &w->deadline))
			return false;
		uint64_t used = cpu_ns(w->vcpu_cpu);
		if (used - last < IDLE_CPU_NS) {
			__atomic_store_n(&w->idle_kick, 1, __ATOMIC_SEQ_CST);
			pthread_kill(w->target, KICK_SIGNAL);
		}
		last = used;
	}
}

static void *watch(void *arg)
{
	struct wd *w = arg;

	pthread_mutex_lock(&w->lock);
	if (wait_deadline(w))
		goto out;
	/* immediate_exit covers a kick that lands just before KVM_RUN. */
	__atomic_store_n(&w->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&w->fired, 1, __ATOMIC_SEQ_CST);

	/* Kick again every 100 ms: without KVM_CAP_IMMEDIATE_EXIT a kick
	 * that lands just before KVM_RUN is lost. */
	struct timespec next = w->deadline;
	for (unsigned ms = 0; ms < HANG_GRACE_MS; ms += KICK_AGAIN_MS) {
		pthread_kill(w->target, KICK_SIGNAL);
		add_ms(&next, KICK_AGAIN_MS);
		if (wait_until(w, &next, true))
			goto out;
	}
	/* The kick was ignored: nothing more can be done from here. */
	const char *msg =
	    __atomic_load_n(&w->in_run, __ATOMIC_RELAXED) ? w->hang_msg : hang_outside_run;
	ssize_t n = write(STDERR_FILENO, msg, strlen(msg));
	(void)n;
	if (w->before_hang_exit)
		w->before_hang_exit();
	_exit(w->hang_status);
out:
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int watchdog_kick_setup(void)
{
	struct sigaction sa = {.sa_handler = on_kick};
	sigemptyset(&sa.sa_mask);
	return sigaction(KICK_SIGNAL, &sa, NULL) ? -errno : 0;
}

void watchdog_kick(pthread_t thread, struct kvm_run *run)
{
	__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(thread, KICK_SIGNAL);
}

int watchdog_start(struct watchdog *wdog, struct kvm_run *run, uint64_t ms, const char *hang_msg,
		   int hang_status)
{
	pthread_condattr_t ca;
	pthread_attr_t ta;
	sigset_t all, old;
	int rc;

	struct wd *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	if ((rc = watchdog_kick_setup()))
		goto fail_free;
	w->target = pthread_self();
	w->run = run;
	w->hang_msg = hang_msg;
	w->hang_status = hang_status;
	w->in_run = 1; /* until watchdog_in_kvm_run says otherwise */
	w->before_hang_exit = wdog->before_hang_exit;
	if (wdog->watch_idle) {
		if ((rc = -pthread_getcpuclockid(w->target, &w->vcpu_cpu)))
			goto fail_free;
		w->watch_idle = true;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	clock_gettime(CLOCK_MONOTONIC, &w->deadline);
	add_ms(&w->deadline, ms);

	/* The thread takes no signals: the kick is for the vCPU thread. */
	pthread_attr_init(&ta);
	pthread_attr_setstacksize(&ta, 64 * 1024);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = -pthread_create(&w->thread, &ta, watch, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&ta);
	if (rc)
		goto fail_sync;
	wdog->priv = w;
	return 0;

fail_sync:
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
fail_free:
	free(w);
	return rc;
}

bool watchdog_fired(struct watchdog *wdog)
{
	struct wd *w = wdog->priv;
	return w && __atomic_load_n(&w->fired, __ATOMIC_SEQ_CST);
}

bool watchdog_idle_kicked(struct watchdog *wdog)
{
	struct wd *w = wdog->priv;
	return w && __atomic_exchange_n(&w->idle_kick, 0, __ATOMIC_SEQ_CST);
}

void watchdog_in_kvm_run(struct watchdog *wdog, bool in)
{
	struct wd *w = wdog->priv;
	/* Twice per VM exit: a plain store.  The watchdog reads it seconds
	 * after the kick, only to word its message; no other memory hangs on
	 * it, so no fence is owed. */
	if (w)
		__atomic_store_n(&w->in_run, in, __ATOMIC_RELAXED);
}

void watchdog_ack(struct watchdog *wdog)
{
	struct wd *w = wdog->priv;
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->acked = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void watchdog_stop(struct watchdog *wdog)
{
	struct wd *w = wdog->priv;
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	/* A kick that fired leaves immediate_exit set: clear it for reuse. */
	__atomic_store_n(&w->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	free(w);
	wdog->priv = NULL;
}
