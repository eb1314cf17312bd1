/* The kernel core: memory, tasks, scheduling, system calls and IPC. */
#ifndef CORE_KERNEL_H
#define CORE_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <shoji/abi.h>
#include "arch/x86_64/arch.h"
#include "arch/x86_64/pkru.h"
#include "isolation/isolation.h"

/* --- console.c ------------------------------------------------------------ */
/* printf to the console; %d %i %u %x %lx %lu %ld %s %c %p, widths, 0 and -. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "kernel panic: ..." and ends the machine with SHOJI_EXIT_PANIC.
 * Only for broken kernel invariants; a task's mistake never panics. */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- bootinfo.c: what the PVH start info tells the kernel ---------------- */
#define BOOT_MAX_RANGES 32
struct boot_info {
	uint64_t ram_start[BOOT_MAX_RANGES], ram_end[BOOT_MAX_RANGES];
	unsigned nranges;
	/* Physical ranges the loader used that must not be allocated. */
	uint64_t used_start[8], used_end[8];
	unsigned nused;
	uint64_t initrd_phys, initrd_size; /* 0 when no module */
	char cmdline[SHOJI_CMDLINE_MAX];
};
/* Copies what the kernel needs out of the start info at start_info_phys
 * (still reached through the boot mapping of the first GiB); panics with
 * the reason when the magic, version or a pointer is wrong. */
void bootinfo_read(uint32_t start_info_phys, struct boot_info *bi);

/* --- pmm.c: physical page allocator (pure: no hardware access) --------- */
struct pmm {
	uint64_t base;	  /* physical address of frame 0 */
	uint64_t npages;  /* frames covered by the bitmap */
	uint64_t *bitmap; /* bit set = frame used; npages bits */
	uint64_t free;	  /* frames free now */
	uint64_t hint;	  /* next frame to look at */
};
/* Covers [base, base + npages pages) with every frame marked used.
 * bitmap must hold npages bits.  base must be page-aligned. */
void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t base, uint64_t npages);
/* Marks whole frames inside [start, end) free or used; the parts of the
 * range outside the bitmap are ignored.  Returns frames changed. */
uint64_t pmm_mark_free(struct pmm *p, uint64_t start, uint64_t end);
uint64_t pmm_mark_used(struct pmm *p, uint64_t start, uint64_t end);
/* Lowest-first allocation of one frame: its physical address, 0 when none. */
uint64_t pmm_alloc(struct pmm *p);
/* Frees one frame; returns -SHOJI_EINVAL for an address outside the
 * allocator, unaligned, or already free (a double free). */
int pmm_free(struct pmm *p, uint64_t phys);
/* 1 when the frame at phys is allocated, 0 when free, -SHOJI_EINVAL for
 * an address outside the allocator or unaligned. */
int pmm_frame_used(const struct pmm *p, uint64_t phys);

/* --- kheap.c: kernel heap, size classes over pages (pure) -------------- */
#define KHEAP_CLASSES 8 /* 16, 32, ... 2048 bytes */
struct kheap {
	void *free[KHEAP_CLASSES];
	uint64_t pages;			/* pages taken from the provider */
	uint64_t in_use[KHEAP_CLASSES]; /* objects handed out per class */
	void *(*page_alloc)(void *ctx); /* returns one page-aligned 4 KiB page or 0 */
	void *ctx;
};
void kheap_init(struct kheap *h, void *(*page_alloc)(void *ctx), void *ctx);
/* size bytes (1..2048), 16-byte aligned, not zeroed; 0 when out of memory
 * or size is 0 or too large. */
void *kheap_alloc(struct kheap *h, size_t size);
/* Returns an object to its class: size must be the size it was asked with. */
void kheap_free(struct kheap *h, void *p, size_t size);
/* Bytes an object of size really takes (its class size); 0 if too large. */
size_t kheap_class_size(size_t size);

/* --- memory.c: the kernel's allocators, set up from the memory map ----- */
/* Builds the page allocator from bi's RAM ranges minus the kernel image,
 * the loader's data and the first MiB, then the page tables and the heap.
 * Prints one line with the memory the kernel has. */
void memory_init(const struct boot_info *bi);
uint64_t pmm_alloc_page(void);	   /* not zeroed; 0 when none */
void pmm_free_page(uint64_t phys); /* panics on a double free */
uint64_t page_alloc_zeroed(void);  /* 0 when none */
void *kmalloc(size_t size);	   /* kheap_alloc on the kernel heap, zeroed */
void kfree(void *p, size_t size);
uint64_t memory_free_pages(void);
/* The page allocator itself, read-only, for the audit (audit.c). */
const struct pmm *memory_pmm(void);

/* --- cmdline.c: kernel command line (pure) ------------------------------ */
enum task_mode { MODE_PROCESS, MODE_SHARED, MODE_KERNEL, MODE_COUNT };
struct task_spec {
	const char *name; /* file in the initrd */
	enum task_mode mode;
	int argc; /* argv[0] is the name */
	const char *argv[SHOJI_TASK_ARGS_MAX + 2];
};
struct boot_options {
	uint32_t quantum_us; /* scheduler time slice, from quantum=MS */
	int pcid;	     /* -1 auto (use when the CPU has it), 0 off, 1 on */
	enum {
		SELFTEST_NONE,
		SELFTEST_KERNEL_FAULT,
		SELFTEST_TRIPLE_FAULT,
		SELFTEST_AUDIT_QUEUE,
		SELFTEST_AUDIT_PAGE,
	} selftest;
	bool audit; /* audit=on: check the kernel's invariants (audit.c) */
	unsigned ntasks;
	struct task_spec *tasks; /* caller's array of max_tasks entries */
	unsigned max_tasks;
};
#define QUANTUM_DEFAULT_US 10000
/* Parses buf in place (tokens split on spaces; strings in `opt` point into
 * buf).  0, or -SHOJI_EINVAL with a message naming the bad token in err. */
int cmdline_parse(char *buf, struct boot_options *opt, char *err, size_t errlen);
/* "process", "shared", "kernel". */
const char *task_mode_name(enum task_mode m);

/* --- task.c: tasks and their lifetime --------------------------------- */
enum task_state { TASK_RUNNABLE = 1, TASK_SEND_BLOCKED, TASK_RECV_BLOCKED, TASK_DEAD };
#define TASK_MAX 4096 /* ids 1..TASK_MAX-1 */

/*
 * A task is its saved registers plus a few words: 256 bytes, one heap
 * object.  No kernel stack, no FPU area (see entry.S and cpu.c); its page
 * tables belong to its group.
 */
struct task {
	struct regs regs;	  /* saved user state; entry.S writes here */
	struct task *next, *prev; /* run queue links */
	struct task *sendq;	  /* tasks blocked sending to this one, FIFO */
	struct task *sendq_next;
	struct group *group; /* the page tables it runs on */
	const char *name;    /* the spec's name (lives as long as the kernel) */
	uint64_t heap_next;  /* next free address for SYS_MAP; past the window when full */
	uint32_t pages;	     /* frames it owns: image, stack and SYS_MAP pages */
	uint32_t id;
	uint32_t ipc_peer; /* blocked: the partner id, 0 = any */
	uint32_t pkru;	   /* set by the kernel, never read back from the CPU */
	uint8_t state;
	uint8_t mode; /* enum task_mode */
	uint8_t slot; /* its slot in the group, and its protection key */
};
_Static_assert(sizeof(struct task) <= 256, "a task fits a 256-byte heap object");

extern struct task *current;
/* Validates every spec's image in the initrd and creates the tasks, all
 * or none: on the first refusal prints "task image NAME refused: WHY"
 * and ends the machine with SHOJI_EXIT_REFUSED. */
void tasks_create_all(const struct boot_options *opt, const void *initrd, size_t initrd_size);
/* The end of what t's heap window may hold: its map cursor, clamped to
 * the window (the cursor lies one guard page past the window after a
 * mapping that ends there, vm.c). */
static inline uint64_t task_heap_end(const struct task *t)
{
	uint64_t end = heap_base(t->slot) + HEAP_WINDOW;
	return t->heap_next < end ? t->heap_next : end;
}
/* One past the highest task id handed out so far: no task has an id at
 * or above it (ids are never reused). */
uint32_t task_id_end(void);
/* Every task by id (0: none); task_by_id() is the way to read it. */
extern struct task *task_table[TASK_MAX];
/* The live task with this id, or 0 (inline: IPC looks one up per call). */
static inline struct task *task_by_id(uint64_t id)
{
	struct task *t = id && id < TASK_MAX ? task_table[id] : 0;
	return t && t->state != TASK_DEAD ? t : 0;
}
/* Ends t with status (exit) and frees it; the machine ends with the
 * rules of docs/architecture.md when it was the last. */
void task_exit(struct task *t, int status);
/* Kills t: prints "task ID (NAME) killed: REASON" and ends it. */
void task_kill(struct task *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The current task took exception r->vector: kill it with the fault line. */
void task_fault(struct regs *r, uint64_t cr2);
/* Kernel memory held for t, in bytes (task structure and page tables). */
uint64_t task_kernel_bytes(const struct task *t);

/* --- group.c: page tables shared by tasks -------------------------------- */
/*
 * A group is one page table.  A `process` task is alone in a group of its
 * own, in slot 0 with key 0; `shared` tasks fill slots 1-15 of a shared
 * group, each slot's pages tagged with the slot number as protection key.
 */
struct group {
	struct aspace as;
	struct pkey_set keys;
	uint8_t mode;
	uint32_t id;
	struct task *member[SLOTS];
};
/* Puts t (t->mode set) into a group: a new one for `process`, the first
 * shared group with a free key (or a new one) for `shared`.  Sets
 * t->group, t->slot and t->pkru.  0 or -SHOJI_ENOMEM. */
int group_join(struct task *t);
/* Unmaps and frees t's pages, returns its key; frees the group (its
 * page tables) when t was the last member. */
void group_leave(struct task *t);
/* The member of g owning protection key `key`, or 0. */
struct task *group_member(struct group *g, unsigned key);
/* The group with id i (0..TASK_MAX-1), or 0: for the audit. */
struct group *group_at(unsigned i);
/* Kernel memory of g (structure and page tables) divided among members. */
uint64_t group_share_bytes(const struct group *g);
/* Groups that exist now. */
unsigned group_count(void);

/* --- sched.c: round-robin scheduler ------------------------------------ */
/* Statistics for the privileged-event counters. */
extern uint64_t stat_task_switches, stat_timer_ticks;
/* Appends t (runnable) to the run queue; `front` makes it run next. */
void sched_enqueue(struct task *t, bool front);
void sched_dequeue(struct task *t);
/* t has just become runnable (ipc_complete()): queues it, unless it is
 * current, which is never on the run queue (the rules are in sched.c). */
static inline void sched_ready(struct task *t, bool front)
{
	if (t != current)
		sched_enqueue(t, front);
}
/* The timer interrupt: acknowledge and rotate the running task. */
void sched_timer_tick(void);
/* Current task yields: it goes to the back of the queue. */
void sched_yield(void);
/* Makes sure `current` is a runnable task with its address space loaded,
 * idling or ending the machine when none is left.  Called before every
 * return to user mode. */
void sched_prepare_return(void);
/* What the CPU holds now (sched.c); only the scheduler and the inline
 * switch below write it.  PKRU has its own record (arch/x86_64/pkru.h). */
struct sched_cpu {
	struct task *on_cpu;	    /* whose regs cpu_frame_top points at */
	struct group *loaded_group; /* whose page tables CR3 holds */
};
extern struct sched_cpu sched_cpu;
/* Loads another group's page tables: the cold step of a switch, out of
 * line and keeping every register, so the callers' hot paths need not
 * keep their values in callee-saved registers around it. */
__attribute__((no_caller_saved_registers)) void sched_load_group(struct group *g);
/*
 * t (runnable, off the run queue) becomes current with its page tables and
 * PKRU loaded; a ring-0 task still needs sched_prepare_return() to write
 * its return frame.  Inline: IPC's fast path switches on every message.
 * PKRU is t->pkru, which the kernel set at creation: nothing a task does
 * can change what is written here.  A ring-3 task gets it now (its kernel
 * half is supervisor-only, so the kernel keeps its own rights); a ring-0
 * task on the way out, in return_to_ring0 (entry.S).
 */
static inline void sched_switch_now(struct task *t)
{
	current = t;
	if (sched_cpu.on_cpu != t) {
		sched_cpu.on_cpu = t;
		stat_task_switches++;
		cpu_frame_top = (uint64_t)(&t->regs + 1);
		if (sched_cpu.loaded_group != t->group)
			sched_load_group(t->group);
	}
	cpu_return_ring0 = t->mode == MODE_KERNEL;
	if (t->mode != MODE_KERNEL)
		pkru_switch(t->pkru);
}
/* The run queue's sentinel (its list runs from ->next back to it): for
 * the audit. */
const struct task *sched_run_queue(void);
/* Starts the first task; never returns. */
_Noreturn void sched_start(void);
/* A task stopped existing: its registers are no longer the ones loaded. */
void sched_forget(struct task *t);
/* A group's page tables are gone (CR3 no longer holds them). */
void sched_forget_group(struct group *g);

/* --- uaccess.c: the kernel's only way into task memory ----------------- */
/* One rule for every check and copy here: a range of length 0 names no
 * memory, and is accepted at any address (as write(2) takes a null
 * pointer with length 0).  A check that passes a range must never be
 * followed by a copy of the same range that fails. */
/* 0 when [va, va+len) lies in t's own slot or heap window and every page
 * is mapped for user access (and writable when `write`) with t's
 * protection key; else -SHOJI_EFAULT. */
int uaccess_check(struct task *t, uint64_t va, uint64_t len, bool write);
/* The lowest address of t's stack window, which is mapped, writable and
 * under t's own key from load to exit (SYS_UNMAP takes heap pages only). */
static inline uint64_t uaccess_stack_low(const struct task *t)
{
	return slot_base(t->slot) + SLOT_SIZE - USER_STACK_SIZE;
}
/* Whether [va, va+len) lies in t's stack window: such a range needs no
 * walk to be checked.  range_in_window() written out, the same two
 * comparisons: through the helper, GCC 12 allocates ipc_fast()'s
 * registers worse (2 instructions per message). */
static inline bool uaccess_in_stack(const struct task *t, uint64_t va, uint64_t len)
{
	return len <= USER_STACK_SIZE && va - uaccess_stack_low(t) <= USER_STACK_SIZE - len;
}
/* SMAP stops the kernel's accesses to user pages (SDM Vol. 3A 4.6.1);
 * these lift it around a direct access (STAC/CLAC).  On the ring-0 kernel
 * half SMAP is off in CR4, where they change only RFLAGS.AC, which checks
 * nothing at CPL 0. */
static inline void uaccess_open(void)
{
	if (cpu.smap)
		__asm__ volatile("stac" ::: "memory");
}
static inline void uaccess_close(void)
{
	if (cpu.smap)
		__asm__ volatile("clac" ::: "memory");
}
/* Copies len bytes between the kernel and the stack of the current task,
 * in a range uaccess_in_stack() accepted, straight through the task's own
 * addresses, which its loaded page tables and PKRU allow; between
 * uaccess_open() and uaccess_close().  Messages and frames are small and
 * mostly whole words: from 8 bytes on, words, the last one ending at len
 * (it may overlap the one before); below, bytes. */
static inline void uaccess_stack_copy(void *dst, const void *src, uint64_t len)
{
	typedef uint64_t __attribute__((may_alias, aligned(1))) word;
	if (len >= sizeof(word)) {
		uint64_t last = len - sizeof(word);
		for (uint64_t i = 0; i < last; i += sizeof(word))
			*(word *)((uint8_t *)dst + i) = *(const word *)((const uint8_t *)src + i);
		*(word *)((uint8_t *)dst + last) = *(const word *)((const uint8_t *)src + last);
	} else {
		for (uint64_t i = 0; i < len; i++)
			((uint8_t *)dst)[i] = ((const uint8_t *)src)[i];
	}
}
/* Copies through the physmap after the same check; 0 or -SHOJI_EFAULT. */
int copy_from_task(struct task *t, void *dst, uint64_t va, uint64_t len);
int copy_to_task(struct task *t, uint64_t va, const void *src, uint64_t len);
/* Copies len bytes from task s at sva to task d at dva (IPC). */
int copy_task_to_task(struct task *d, uint64_t dva, struct task *s, uint64_t sva, uint64_t len);

/* --- syscall.c ------------------------------------------------------------- */
/* Handler result meaning "do not store a result now": the task blocked
 * (its result comes later) or no longer exists. */
#define SYSCALL_DEFERRED INT64_MIN
typedef int64_t (*syscall_fn)(struct task *self, const struct regs *r);
/* syscall_table.c: the handler of each call by number, 0 where none. */
extern const syscall_fn syscall_table[SYS_COUNT];
extern uint64_t stat_syscalls, stat_ipc_fast;
/* Called by entry.S only (after ipc_fast()), with the entry convention of
 * ipc_fast(). */
void syscall_dispatch(void);
/* The ring-0 tasks' gate (entry.S): reads RDX and the return address the
 * gate left on the task's stack, then runs the call like syscall_dispatch. */
void gate_dispatch(void);
/* What entry.S calls instead with audit=on: the same, the fast paths
 * offered here, then audit_check(). */
void syscall_dispatch_audited(void);
void gate_dispatch_audited(void);

/* --- audit.c: audit=on, the kernel checking itself ------------------------- */
extern bool audit_enabled;
/* Allocates the audit's frame map, routes the entry paths through the
 * audited dispatchers and prints one line.  Before any task runs. */
void audit_init(void);
/* Checks every invariant audit.c lists, after `event` ("a system call")
 * of task id `task`; panics naming the first broken one. */
void audit_check(const char *event, uint32_t task);
/* selftest=audit-queue|audit-page: breaks one invariant on purpose (the
 * first task queued twice; a stray page in its heap window), which the
 * audit must name at its first check. */
void audit_break(bool queue);

/* --- ipc.c --------------------------------------------------------------- */
int64_t sys_send(struct task *self, const struct regs *r);
int64_t sys_recv(struct task *self, const struct regs *r);
int64_t sys_call(struct task *self, const struct regs *r);
int64_t sys_reply_recv(struct task *self, const struct regs *r);
int64_t sys_call_w(struct task *self, const struct regs *r);
int64_t sys_reply_recv_w(struct task *self, const struct regs *r);
/* t is dying: fail every IPC partner waiting on it with -SHOJI_ESRCH. */
void ipc_task_gone(struct task *t);

/* What ipc.c and ipc_fast.c share about a task in IPC, whose arguments
 * are still in its saved registers (ipc.c says which). */
/* Whether its message is a word in RSI (call_w, reply_recv_w), and
 * whether it receives into RDX: the same two calls. */
static inline bool ipc_word(const struct task *t)
{
	return t->regs.rax == SYS_CALL_W || t->regs.rax == SYS_REPLY_RECV_W;
}
/* Whether its send half waits for a reply (call, call_w). */
static inline bool ipc_is_call(const struct task *t)
{
	return t->regs.rax == SYS_CALL || t->regs.rax == SYS_CALL_W;
}
/* The buffer of a task blocked in a receive, not a word one. */
static inline void ipc_recv_buffer(const struct task *t, uint64_t *buf, uint64_t *cap,
				   uint64_t *from)
{
	if (t->regs.rax == SYS_RECV) {
		*buf = t->regs.rsi, *cap = t->regs.rdx, *from = t->regs.r10;
	} else { /* waiting for the reply to a call, or replied and receiving */
		*buf = t->regs.r10, *cap = t->regs.r8;
		*from = t->regs.rax == SYS_REPLY_RECV ? t->regs.r9 : 0;
	}
}
/* A word receiver r's results from sender s: the message's first 8 bytes
 * in RDX, and for reply_recv_w s's id in RSI (ipc_complete() writes RAX). */
static inline void ipc_word_deliver(struct task *r, uint64_t word, const struct task *s)
{
	r->regs.rdx = word;
	if (r->regs.rax == SYS_REPLY_RECV_W)
		r->regs.rsi = s->id;
}
/* Whether r waits for a message from s. */
static inline bool ipc_waits_for(const struct task *r, const struct task *s)
{
	return r->state == TASK_RECV_BLOCKED && (!r->ipc_peer || r->ipc_peer == s->id);
}
/* Ends t's wait in IPC with result res: runnable again, no partner. */
static inline void ipc_complete(struct task *t, int64_t res)
{
	t->regs.rax = (uint64_t)res;
	t->state = TASK_RUNNABLE;
	t->ipc_peer = 0;
}

/* --- ipc_fast.c ----------------------------------------------------------
 * The fast paths: ipc_fast() of send, call and reply_recv for short
 * messages on the tasks' stacks, ipc_fast_word() of call_w and
 * reply_recv_w to a word receiver; each counted in stat_syscalls and
 * stat_ipc_fast, false when the general path must run.  When true, the
 * receiver is current and ready to be returned to.  The SYSCALL entry
 * (entry.S) offers them their calls first, the gate (gate_dispatch())
 * after its checks.  Entry convention (ENTRY_CFLAGS, guest/kernel.mk):
 * they may clobber RBX and R12-R15, so only entry.S and syscall.c, built
 * the same way, call them. */
bool ipc_fast(struct task *self);
bool ipc_fast_word(struct task *self);
/* The calls the fast paths take, as a bit mask of their numbers: they
 * must be given only these, call_w and reply_recv_w (the two highest)
 * to ipc_fast_word(), the others to ipc_fast() (ipc_fast_offer()). */
#define IPC_FAST_CALLS                                                                             \
	(1ull << SYS_SEND | 1ull << SYS_CALL | 1ull << SYS_REPLY_RECV | 1ull << SYS_CALL_W |       \
	 1ull << SYS_REPLY_RECV_W)
static inline bool ipc_fast_offer(struct task *t)
{
	uint64_t nr = t->regs.rax;
	if (nr >= 64 || !(IPC_FAST_CALLS >> nr & 1))
		return false;
	return nr >= SYS_CALL_W ? ipc_fast_word(t) : ipc_fast(t);
}

/* --- task_load.c: the task loader ----------------------------------------- */
/* Maps the image, trampoline, stack and argv of a new task into its
 * group's page tables and sets its registers.  0 or a negative error with
 * *why set: the ELF file refused (loader/format/elf_task.c), out of
 * memory, a PKRU-changing instruction in its code, or, for a ring-0 task,
 * code the verifier refuses (isolation/verify.c). */
int task_load_image(struct task *t, const void *file, size_t size, const struct task_spec *spec,
		    const char **why);

/* --- task_memory.c: pages in a task's windows, and the heap calls ---------- */
/* The leaf flags of a page a task owns: user, writable or not,
 * executable or not (never both, by the callers). */
static inline uint64_t task_page_flags(bool write, bool exec)
{
	return PTE_P | PTE_U | PTE_SW_OWNED | (write ? PTE_W : 0) | (exec ? 0 : PTE_NX);
}
/* Maps `pages` zeroed frames at va with flags, tagged with t's key, and
 * counts them in t->pages.  0 or -SHOJI_ENOMEM (then nothing of it stays
 * mapped). */
int task_map_zeroed(struct task *t, uint64_t va, uint64_t pages, uint64_t flags);
/* SYS_MAP and SYS_UNMAP (include/shoji/abi.h). */
int64_t sys_map(struct task *self, const struct regs *r);
int64_t sys_unmap(struct task *self, const struct regs *r);

/* --- lib: freestanding C library shared with the task runtime ---------- */
#include "lib/lib.h"

#endif
