/* shoji ABI shared by the VMM, the guest kernel, the tasks and the loaders. */
#ifndef SHOJI_ABI_H
#define SHOJI_ABI_H

/*
 * C11 (for its static asserts), no includes but its sibling shoji/note.h
 * (SHOJI_ABI_VERSION and the task note, which the task runtime's assembly
 * reads too): this header is compiled freestanding into the kernel and the
 * tasks, and hosted into the VMM, the loaders and the tests.
 */
#include "shoji/note.h"

/* Machine exit statuses (docs/architecture.md, "How the machine ends"). */
#define SHOJI_EXIT_OK 0		 /* every task exited with 0 */
#define SHOJI_EXIT_TASK_FAILED 1 /* a task exited non-zero or was killed */
#define SHOJI_EXIT_PANIC 2	 /* kernel panic */
#define SHOJI_EXIT_REFUSED 3	 /* command line or a task image refused */

/* Platform devices (docs/architecture.md, "Guest/platform devices"). */
#define SHOJI_PORT_COM1 0x3f8
#define SHOJI_PORT_EXIT 0xf4

/*
 * shoji's console device: a whole buffer per VM exit, where COM1 costs two
 * port exits a byte (its LSR read and THR write).  shoji advertises it in
 * CPUID leaf SHOJI_CPUID_HVCON, the first leaf past KVM's block
 * 0x40000000..0x400000ff (which Linux reads for kvmclock and shoji keeps
 * KVM's; hypervisor blocks come in steps of 0x100, Linux's
 * hypervisor_cpuid_base()): EAX = SHOJI_CPUID_HVCON (the block's highest
 * leaf), EBX:ECX:EDX = "ShojiConsole".  Elsewhere (bare metal, QEMU) that
 * leaf holds anything, never the signature; a kernel then uses COM1.
 *
 * A request is one 32-bit OUT to SHOJI_PORT_HVCON (the device claims
 * SHOJI_HVCON_PORTS ports; reads give all ones) of the guest-physical
 * address of a struct shoji_hvcon_req, which names the bytes: the request
 * below 4 GiB, the bytes anywhere in guest RAM.  shoji reads both from
 * guest RAM while the vCPU waits, so the guest may reuse them at once.
 * Anything else ends the run as a crash of the guest (shoji's status 125,
 * docs/architecture.md "How the machine ends"): another access width or
 * port, a request or bytes not wholly in guest RAM (the address and length
 * wrapping included), len over SHOJI_HVCON_MAX, an unknown flag.
 */
#define SHOJI_PORT_HVCON 0x520
#define SHOJI_HVCON_PORTS 4
#define SHOJI_CPUID_HVCON 0x40000100u
#define SHOJI_HVCON_SIG_EBX 0x6a6f6853u /* "Shoj" */
#define SHOJI_HVCON_SIG_ECX 0x6e6f4369u /* "iCon" */
#define SHOJI_HVCON_SIG_EDX 0x656c6f73u /* "sole" */
/* Bytes one request may carry: bounds what one exit does; a longer write
 * takes several requests (a line may span any number). */
#define SHOJI_HVCON_MAX 4096
/* The bytes are a task's (its SYS_WRITE), not the kernel's: shoji's
 * --trace-exits counts the exits before the first of them. */
#define SHOJI_HVCON_TASK 0x1u

struct shoji_hvcon_req {
	unsigned long long addr; /* guest-physical address of the first byte */
	unsigned int len;	 /* bytes, at most SHOJI_HVCON_MAX */
	unsigned int flags;	 /* SHOJI_HVCON_TASK or 0 */
};
_Static_assert(sizeof(struct shoji_hvcon_req) == 16, "shoji_hvcon_req: 16 bytes");
_Static_assert(__builtin_offsetof(struct shoji_hvcon_req, len) == 8, "shoji_hvcon_req.len");
_Static_assert(__builtin_offsetof(struct shoji_hvcon_req, flags) == 12, "shoji_hvcon_req.flags");

/*
 * System calls.  A task calls the trampoline the kernel maps at image
 * offset SHOJI_GATE_OFFSET (`call __ehdr_start + SHOJI_GATE_OFFSET`),
 * with the number in RAX and the arguments in RDI, RSI, RDX, R10, R8, R9
 * (the Linux convention, so the compiler's view of clobbers is the
 * familiar one: RCX and R11 are lost).  For ring-3 tasks the trampoline is
 * SYSCALL; RET, for ring-0 tasks a gate: the same binary runs in every
 * mode.  The result comes back in RAX: >= 0 on success, -SHOJI_Exxx on
 * error.
 */
#define SHOJI_GATE_OFFSET 0x16000
enum shoji_sys {
	SYS_EXIT = 0,	       /* exit(status): never returns */
	SYS_WRITE = 1,	       /* write(buf, len): console; returns len */
	SYS_YIELD = 2,	       /* yield(): to the back of the run queue; returns 0 */
	SYS_GETPID = 3,	       /* getpid(): the task id (1, 2, ...) */
	SYS_CLOCK = 4,	       /* clock(): nanoseconds since boot */
	SYS_SEND = 5,	       /* send(dest, buf, len): blocks until dest receives;
				  returns the bytes delivered */
	SYS_RECV = 6,	       /* recv(src, buf, cap, from*): src 0 = any task;
				  blocks until a message arrives; returns its length,
				  *from (if not 0, 64 bits) gets the sender's id */
	SYS_CALL = 7,	       /* call(dest, buf, len, rbuf, rcap): send to dest, then
				  receive from dest alone; returns the reply length */
	SYS_MAP = 8,	       /* map(len, prot): anonymous zeroed memory, len rounded
				  up to pages; returns its address */
	SYS_UNMAP = 9,	       /* unmap(addr, len): pages returned by map only */
	SYS_KMEM = 10,	       /* kmem(): bytes of kernel memory held for the caller */
	SYS_STATS = 11,	       /* stats(struct shoji_stats *): the kernel's event
				  counters since boot; returns 0 */
	SYS_REPLY_RECV = 12,   /* reply_recv(dest, buf, len, rbuf, rcap, from*):
				  a server's loop in one call: the reply to dest,
				  which must be waiting for the caller (else
				  -EAGAIN, nothing moves), then recv(0, rbuf,
				  rcap, from); returns the received length */
	SYS_CALL_W = 13,       /* call_w(dest, word): call with the message in a
				  register (L4's short IPC): sends the 8 bytes of
				  word (RSI), then receives the reply from dest
				  alone into RDX (its first 8 bytes, zero-extended);
				  returns the reply length, at most 8 */
	SYS_REPLY_RECV_W = 14, /* reply_recv_w(dest, word): reply_recv with
				  the messages in registers: replies the 8 bytes
				  of word (RSI) to dest, which must be waiting
				  for the caller (else -EAGAIN, nothing moves),
				  then receives from any task into RDX (first 8
				  bytes, zero-extended), the sender's id into
				  RSI; returns the received length, at most 8 */
	SYS_TASKINFO = 15,     /* taskinfo(struct shoji_taskinfo *): who the
				  caller is (id, name, mode, group, key) and the
				  TSC frequency; returns 0 */
	SYS_PMU = 16,	       /* pmu(struct shoji_pmu *): the vCPU's performance
				  counters the kernel programmed at boot, read
				  now; returns how many are valid (0: none) */
	SYS_COUNT
};

/* Privileged events the kernel counts (SYS_STATS), for benchmarks and for
 * tests that a switch inside a group writes PKRU and not CR3. */
struct shoji_stats {
	unsigned long long task_switches; /* the running task changed */
	unsigned long long cr3_writes;	  /* address-space loads */
	unsigned long long wrpkru;	  /* PKRU writes */
	unsigned long long syscalls;
	unsigned long long timer_ticks;
	unsigned long long tlb_flushes;		/* CR3 loads that flush, INVLPG,
						   full flushes */
	unsigned long long ipc_fast;		/* send and call messages delivered
						   by the kernel's IPC fast path */
	unsigned long long shootdowns_sent;	/* TLB shootdown requests, one
						   per CPU asked to flush */
	unsigned long long shootdowns_received; /* the same, served */
};

/* prot bits for SYS_MAP.  There is no execute bit: mapped memory is never
 * executable, so a task cannot create code at run time. */
#define SHOJI_PROT_READ 0x1
#define SHOJI_PROT_WRITE 0x2

/*
 * Word messages (SYS_CALL_W, SYS_REPLY_RECV_W) are 8-byte messages that
 * live in registers instead of buffers, and mix with the others: a
 * buffer receiver gets the word's 8 bytes (truncated to its buffer as any
 * message), a word receiver gets the first 8 bytes of any message, and
 * the result is the length delivered either way.
 */
#define SHOJI_IPC_WORD 8

/* Largest message SYS_SEND/SYS_CALL move in one go. */
#define SHOJI_IPC_MAX 4096
/* Messages up to this size, between buffers on the tasks' stacks, to a
 * task already waiting, take the kernel's IPC fast path (SYS_STATS
 * counts them in ipc_fast). */
#define SHOJI_IPC_FAST_MAX 64

/* Error numbers (returned negated), values as in Linux for familiarity. */
#define SHOJI_EPERM 1
#define SHOJI_ESRCH 3
#define SHOJI_EAGAIN 11
#define SHOJI_ENOMEM 12
#define SHOJI_EFAULT 14
#define SHOJI_EINVAL 22
#define SHOJI_ENOSYS 38
#define SHOJI_EDEADLK 35
#define SHOJI_EMSGSIZE 90

/* Kernel command line limits. */
#define SHOJI_CMDLINE_MAX 4096
#define SHOJI_TASK_NAME_MAX 32 /* bytes of a task name, with the NUL */
#define SHOJI_TASK_ARGS_MAX 16 /* argv entries after the name */

/* How a task runs (docs/architecture.md, "Which tasks run"): the MODE of its
 * task=NAME:MODE spec. */
enum shoji_mode {
	SHOJI_MODE_PROCESS = 0, /* ring 3, a page table of its own */
	SHOJI_MODE_SHARED = 1,	/* ring 3, a protection key in a shared page table */
	SHOJI_MODE_KERNEL = 2,	/* ring 0, verified code, a key in a shared table */
	SHOJI_MODE_COUNT
};

/* The mode's name as the command line spells it; "?" for no mode. */
static inline const char *shoji_mode_name(unsigned int mode)
{
	static const char *const names[SHOJI_MODE_COUNT] = {
	    [SHOJI_MODE_PROCESS] = "process",
	    [SHOJI_MODE_SHARED] = "shared",
	    [SHOJI_MODE_KERNEL] = "kernel",
	};
	return mode < SHOJI_MODE_COUNT ? names[mode] : "?";
}

/*
 * What SYS_TASKINFO tells a task about itself: what the kernel's "task N
 * (NAME) started: MODE mode, group G key K" line says, and the TSC
 * frequency it calibrated, so that a task can turn TSC ticks into time
 * without a system call.  Fixed for the task's life.
 */
struct shoji_taskinfo {
	unsigned int id;    /* SYS_GETPID's id */
	unsigned int mode;  /* enum shoji_mode */
	unsigned int group; /* its group (page table); process tasks each their own */
	unsigned int pkey;  /* its slot, the protection key of its pages; 0 in process mode */
	unsigned long long tsc_khz;	/* TSC ticks per millisecond, as the
					    kernel's "time: TSC N kHz" line */
	unsigned long long slot_base;	/* where its image starts (its slot) */
	char name[SHOJI_TASK_NAME_MAX]; /* the spec's name, NUL-terminated (cut if longer) */
};
_Static_assert(sizeof(struct shoji_taskinfo) == 64, "shoji_taskinfo: 64 bytes");
_Static_assert(__builtin_offsetof(struct shoji_taskinfo, tsc_khz) == 16, "shoji_taskinfo.tsc_khz");
_Static_assert(__builtin_offsetof(struct shoji_taskinfo, name) == 32, "shoji_taskinfo.name");

/*
 * The events SYS_PMU reports (docs/measuring.md, "Performance counters";
 * the codes per CPU: guest/arch/x86_64/pmu_events.c).  The walk events
 * count page walks that completed (loads, stores, instruction fetches that
 * missed every TLB level); AMD's data-TLB event does not tell loads from
 * stores, hence SHOJI_PMU_DTLB_WALKS beside the Intel pair.
 */
enum shoji_pmu_event {
	SHOJI_PMU_NONE = 0,
	SHOJI_PMU_INSTRUCTIONS = 1,	/* instructions retired */
	SHOJI_PMU_CYCLES = 2,		/* unhalted core cycles */
	SHOJI_PMU_DTLB_LOAD_WALKS = 3,	/* loads that missed every TLB level, walk completed */
	SHOJI_PMU_DTLB_STORE_WALKS = 4, /* stores, the same */
	SHOJI_PMU_DTLB_WALKS = 5,	/* loads and stores together (AMD) */
	SHOJI_PMU_ITLB_WALKS = 6,	/* instruction fetches, the same */
	SHOJI_PMU_STLB_HITS = 7,	/* data accesses that missed the first level
					   and hit the second-level TLB */
	SHOJI_PMU_EVENT_COUNT
};

/* The event's name in RESULT lines; "?" for no event. */
static inline const char *shoji_pmu_event_name(unsigned int event)
{
	static const char *const names[SHOJI_PMU_EVENT_COUNT] = {
	    [SHOJI_PMU_INSTRUCTIONS] = "instructions",
	    [SHOJI_PMU_CYCLES] = "cycles",
	    [SHOJI_PMU_DTLB_LOAD_WALKS] = "dtlb_load_walks",
	    [SHOJI_PMU_DTLB_STORE_WALKS] = "dtlb_store_walks",
	    [SHOJI_PMU_DTLB_WALKS] = "dtlb_walks",
	    [SHOJI_PMU_ITLB_WALKS] = "itlb_walks",
	    [SHOJI_PMU_STLB_HITS] = "stlb_hits",
	};
	return event && event < SHOJI_PMU_EVENT_COUNT ? names[event] : "?";
}

/*
 * What SYS_PMU copies out: the first count entries of event, bits and
 * value are valid, the rest zero.  The counters run from boot in every
 * ring and are the vCPU's, not the task's (like the TSC): a region's
 * count is the difference of two reads, modulo 2^bits, and includes
 * whatever else ran on the vCPU meanwhile (other tasks, the kernel,
 * the reads' own system calls).  count is 0 when the kernel has no
 * counters (no PMU, pmu=off): the kernel's "pmu:" line says why.
 */
#define SHOJI_PMU_MAX 8
struct shoji_pmu {
	unsigned int count;			 /* valid entries, 0..SHOJI_PMU_MAX */
	unsigned char event[SHOJI_PMU_MAX];	 /* enum shoji_pmu_event */
	unsigned char bits[SHOJI_PMU_MAX];	 /* the counter's width: values wrap there */
	unsigned int reserved;			 /* 0 */
	unsigned long long value[SHOJI_PMU_MAX]; /* the counters, read in this call */
};
_Static_assert(sizeof(struct shoji_pmu) == 88, "shoji_pmu: 88 bytes");
_Static_assert(__builtin_offsetof(struct shoji_pmu, value) == 24, "shoji_pmu.value");

#endif
