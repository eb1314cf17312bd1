/* The PKRU switch: how and when the kernel changes the protection-key
 * rights register, and the record that lets it skip needless writes. */
#ifndef ARCH_PKRU_H
#define ARCH_PKRU_H

#include <stdint.h>
#include "arch/x86_64/arch.h"

/*
 * PKRU holds the rights of the running code to each protection key's
 * user pages (its encoding and pkru_only(): isolation/isolation.h, SDM
 * Vol. 3A 4.6.2).  A task's value is set by the kernel when it joins its
 * group (task->pkru, core/group.c) and never read back from the CPU, so
 * nothing a task does can change what is written here.
 *
 * Who writes PKRU, and the rules:
 *  - pkru_switch() below, on the way to a ring-3 task (core/sched.h,
 *    sched_switch_now()), and with 0 into a `kernel` group, whose kernel
 *    memory is under KERNEL_PKEY (core/sched.c, sched_load_group()).  It
 *    writes only when the value differs from pkru_loaded: within a group
 *    of one key nothing is written at all.
 *  - The entry paths (entry.S, KERNEL_RIGHTS): every interrupt, exception
 *    and gate entry sets PKRU to 0, the kernel's rights, before any C
 *    runs, since a ring-0 task's PKRU denies the kernel its own data.  So
 *    the C code such an entry runs first calls pkru_entry_cleared()
 *    (arch/x86_64/trap.c), and the next switch writes the task's value
 *    again.  SYSCALL from ring 3 leaves PKRU alone: the kernel half is
 *    supervisor-only there, which PKRU does not govern.
 *  - The ring-0 exit (entry.S, return_to_ring0) writes expected_pkru, the
 *    value pkru_set_expected() left on a page tasks cannot write, and
 *    checks it: kernel data is out of reach after that WRPKRU.
 * WRPKRU (SDM Vol. 2C, WRPKRU) takes the value in EAX and faults unless
 * ECX and EDX are 0; it raises #UD unless CR4.PKE is set, hence the
 * cpu.pku tests (pkru_init()).
 */

/* What the kernel last wrote to PKRU from C (the entry paths' 0 recorded
 * by pkru_entry_cleared()); without PKU, the value of key 0 (pkru_init()). */
extern uint32_t pkru_loaded;
/* WRPKRU executed, C and entry.S together: the privileged-event counter. */
extern uint64_t stat_wrpkru;
/* On the .cpu_tables page, which tasks cannot write but the entry paths
 * read under any PKRU (arch/x86_64/paging.c): whether WRPKRU exists, and
 * the PKRU of the ring-0 task being returned to. */
extern uint8_t cpu_pku;
extern uint32_t expected_pkru;

/* RDPKRU (SDM Vol. 2B, RDPKRU): ECX must be 0. */
static inline uint32_t rdpkru(void)
{
	uint32_t eax, edx;
	__asm__ volatile("rdpkru" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline void wrpkru(uint32_t v)
{
	__asm__ volatile("wrpkru" : : "a"(v), "c"(0), "d"(0) : "memory");
}

/* PKRU becomes `pkru`, written only when it differs from what is loaded.
 * Inline: IPC's fast path switches on every message.  No test of
 * cpu.pku: without PKU only tasks of key 0 exist, and pkru_loaded holds
 * their value from pkru_init() on, so nothing is ever written. */
static inline void pkru_switch(uint32_t pkru)
{
	if (pkru_loaded != pkru) {
		wrpkru(pkru);
		pkru_loaded = pkru;
		stat_wrpkru++;
	}
}

/* An entry path set PKRU to 0 (KERNEL_RIGHTS, entry.S): the next switch
 * must write the task's value. */
static inline void pkru_entry_cleared(void)
{
	if (cpu.pku)
		pkru_loaded = 0;
}

/* Opens every key (the kernel's rights) and tells entry.S whether WRPKRU
 * exists.  Once, on the boot processor, after cpu_init() has set CR4.PKE
 * if it can. */
void pkru_init(void);
/* This CPU's expected_pkru in the physmap (pkru_init(), and smp.c for
 * the other CPUs): the page is read-only in the window. */
extern volatile uint32_t *expected_pkru_alias;
/* Leaves v in expected_pkru for the ring-0 exit: written through the
 * page's physmap alias, since the page is read-only in the kernel's own
 * mapping of it.  Inline: every return to a ring-0 task sets it. */
static inline void pkru_set_expected(uint32_t v)
{
	if (expected_pkru != v)
		*expected_pkru_alias = v;
}

#endif
