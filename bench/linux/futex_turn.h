/* futex_turn.h: the futex calls of the Linux baselines that hand a turn word between two tasks. */
#ifndef SHOJI_BENCH_LINUX_FUTEX_TURN_H
#define SHOJI_BENCH_LINUX_FUTEX_TURN_H

#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * The futex system call on @w with @op | @priv (@priv FUTEX_PRIVATE_FLAG
 * between threads, 0 on a MAP_SHARED word between processes) and @val;
 * no timeout.  Returns what the call returns (futex(2)).
 */
static inline long futex(uint32_t *w, int op, uint32_t val, int priv)
{
	return syscall(SYS_futex, w, op | priv, val, NULL, NULL, 0);
}

/* Waits while *w == @busy (FUTEX_WAIT, again after each wake-up); returns
 * the system calls made. */
static inline uint64_t wait_while(uint32_t *w, uint32_t busy, int priv)
{
	uint64_t calls = 0;
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == busy) {
		futex(w, FUTEX_WAIT, busy, priv);
		calls++;
	}
	return calls;
}

#endif
