/* sysfuzz: the system-call fuzzer's state, its model of its own memory, and its parts. */
#ifndef SYSFUZZ_H
#define SYSFUZZ_H

/*
 * sysfuzz is one task (tests/fuzz/sysfuzz*.c, linked with the task runtime)
 * that makes seeded random system calls with edge-case numbers and
 * arguments, the way an outside attacker's fuzzer would, and checks every
 * result it can predict against its own model of what the kernel must do
 * (an "oracle").  A prediction that fails prints one line
 *
 *   sysfuzz: task ID BUG: <what> [call #N: nr A1 A2 A3 A4 A5 A6]
 *
 * and makes the task end with status 1.  The parts:
 *   sysfuzz_model.c  the random source, the task's own address layout (read
 *                    from its ELF headers), what each page of it is, and
 *                    the generators of values, task ids and buffers
 *   sysfuzz_heap.c   map/unmap: the model of the heap window (the kernel's
 *                    next address, every page mapped), the sequences that
 *                    fill the window and exhaust memory
 *   sysfuzz_call.c   one random call: the table of calls, the calls that
 *                    are not IPC or memory, the oracles' helpers
 *   sysfuzz_ipc.c    the IPC calls, the rules that keep blocking IPC
 *                    from deadlocking, their oracles
 *   sysfuzz.c        main(): the roles, the messages between fuzzers, the
 *                    end of the run
 */

#include <stdbool.h>

#include "user.h"

/* The kernel's layout (guest/arch/x86_64/layout.h), as a task sees it. */
#define FZ_PAGE 4096UL
#define FZ_TASK_AREA 0x40000000UL
#define FZ_SLOT_SIZE 0x20000UL
#define FZ_SLOTS 16
#define FZ_GATE_OFF 0x16000UL  /* the trampoline page (SHOJI_GATE_OFFSET) */
#define FZ_GUARD_OFF 0x17000UL /* the unmapped page under the stack */
#define FZ_STACK_OFF 0x18000UL /* the 32 KiB stack, up to the slot's end */
#define FZ_HEAP_AREA 0x100000000UL
#define FZ_HEAP_WINDOW 0x10000000UL /* 256 MiB per slot */
#define FZ_KERNEL_VMA 0xffffffff80000000UL
#define FZ_PHYSMAP 0xffff800000000000UL
#define FZ_FIXMAP 0xffffffffffe00000UL
#define FZ_TASK_MAX 4096 /* task ids are 1..4095 (guest/core/task.h) */

/* Scratch memory: the only own memory a system call may write into. */
#define FZ_SCRATCH_PAGES 3
#define FZ_STACK_SCRATCH (2 * FZ_PAGE) /* the stack's lowest 8 KiB */

/* What one page of the caller's memory is to the fuzzer. */
enum fz_page {
	PG_BAD,	    /* not the caller's (or not mapped): any access is refused */
	PG_RO,	    /* readable, not writable: code, read-only data, the trampoline */
	PG_SCRATCH, /* readable and writable, and the kernel may write it */
	PG_KEEP,    /* readable and writable, but it holds the fuzzer's own state */
};

/* What a range of addresses is for an access (fz_classify()). */
enum fz_class {
	CL_OK,	 /* the kernel must accept it */
	CL_BAD,	 /* the kernel must refuse it: a page is not the caller's, or
		    not writable for a write */
	CL_KEEP, /* writable, but the fuzzer's own state: never passed for a write */
};

/* A task-id set from the command line ("4-9", "1,3,5-6", "-" for none). */
#define FZ_IDS_MAX 32
struct fz_ids {
	long id[FZ_IDS_MAX];
	unsigned n;
};

/* A mapping the fuzzer made and still tracks: up to 64 pages, each bit of
 * `live` one page still mapped. */
#define FZ_MAPS 24
#define FZ_MAP_PAGES 64
enum fz_map_use {
	MU_SCRATCH, /* read-write, a destination for the kernel's writes */
	MU_PATTERN, /* read-write, filled with a pattern checked before unmap */
	MU_RO,	    /* read-only: zero, checked before unmap */
};
struct fz_map {
	uint64_t va;
	uint64_t live;
	unsigned pages;
	enum fz_map_use use;
};

enum fz_role { ROLE_CLIENT, ROLE_SERVER, ROLE_CHAOS };

/* The whole state of one fuzzer. */
struct fz {
	enum fz_role role;
	long id;
	const char *name; /* argv[0]: the spec's name */
	unsigned long seed;
	uint64_t rng;
	const char *mode; /* "process", "shared", "kernel" */
	uint64_t calls;	  /* system calls made */
	uint64_t budget;  /* fuzz calls to make (servers: at most) */
	uint64_t bugs;	  /* oracle failures */
	struct fz_ids clients, servers, victims;
	bool victim_dead[FZ_IDS_MAX];
	unsigned victim_waits[FZ_IDS_MAX]; /* blocking calls on each live victim */
	unsigned client_waits;		   /* blocking calls on higher clients */

	/* the slot: image, trampoline, guard, stack */
	unsigned slot;
	uint64_t base;
	uint64_t span;			    /* image bytes, whole pages */
	uint8_t img[FZ_GATE_OFF / FZ_PAGE]; /* enum fz_page of each image page */
	uint64_t ro_sum;		    /* checksum of the read-only pages at start */

	/* the heap window: the kernel's next SYS_MAP address, modelled */
	uint64_t heap_lo, heap_hi, heap_next;
	struct fz_map maps[FZ_MAPS];
	uint64_t freed[8]; /* pages unmapped lately (bad addresses now) */
	unsigned nfreed;
	uint64_t fill_at;  /* call count at which the window is filled (0: never) */
	uint64_t drain_at; /* call count at which memory is exhausted (0: never) */

	/* servers: senders to answer (one at most, by the rules), clients
	 * that said goodbye */
	long pending[16];
	unsigned npending;
	bool byed[FZ_IDS_MAX];
	unsigned nbyed;

	long last_clock;
	uint64_t last_syscalls;				  /* SYS_STATS's counter, last seen */
	bool info_seen;					  /* SYS_TASKINFO answered once */
	unsigned info_group;				  /* its group then */
	uint64_t info_khz;				  /* and TSC frequency */
	int pmu_count;					  /* SYS_PMU's first answer, -1 before */
	uint64_t count[SYS_COUNT + 1], ok[SYS_COUNT + 1]; /* [SYS_COUNT]: invalid numbers */
	uint64_t delivered;				  /* IPC messages received */

	/* the call in flight, for BUG lines */
	uint64_t cur_nr, cur_a[6];
};

/* --- sysfuzz_model.c ----------------------------------------------------- */

/* Reads the caller's layout (slot, ELF program headers, heap window) into f
 * and checksums its read-only pages. */
void fz_model_init(struct fz *f);
/* The random source (splitmix64, seeded from f->seed and the task id). */
uint64_t fz_rand(struct fz *f);
/* A number in [0, n) (0 when n is 0). */
uint64_t fz_below(struct fz *f, uint64_t n);
/* True with probability per/1000. */
bool fz_chance(struct fz *f, unsigned per);
/* An interesting 64-bit value: 0, -1, 1 << 63, page and window edges, ... */
uint64_t fz_edge(struct fz *f);
/* A length: 0, 1, word and fast-path edges, page edges, SHOJI_IPC_MAX +-
 * 1, huge; at most max unless the pick is one of the huge ones and
 * huge_ok. */
uint64_t fz_len(struct fz *f, uint64_t max, bool huge_ok);
/* What page va is to the caller, and what [va, va + len) is for a read or
 * a write. */
enum fz_page fz_page_kind(const struct fz *f, uint64_t va);
enum fz_class fz_classify(const struct fz *f, uint64_t va, uint64_t len, bool write);
/* An address the kernel must refuse: the null page, the guard page,
 * neighbours' slots and windows, unmapped parts of the own window, the
 * kernel image, the physmap, non-canonical addresses, the top of memory. */
uint64_t fz_bad_addr(struct fz *f);
/*
 * A buffer for a system call that reads (write false) or writes it: most
 * often a valid one (own memory of any kind for a read, scratch for a
 * write) of a length up to max, else one that straddles the end of a valid
 * region, a bad address or a huge length.  Never a write into the
 * fuzzer's own state (CL_KEEP).  Returns its class.
 */
enum fz_class fz_buffer(struct fz *f, bool write, uint64_t max, uint64_t *va, uint64_t *len);
/* A valid scratch buffer of exactly len bytes (len <= FZ_PAGE). */
uint64_t fz_scratch(struct fz *f, uint64_t len);
/* Checksum of n bytes (FNV-1a). */
uint64_t fz_sum(const volatile uint8_t *p, uint64_t n);
/* Checksum of the read-only image pages now. */
uint64_t fz_ro_sum(const struct fz *f);

/* Kinds of task id fz_id() picks. */
enum fz_idk { ID_SELF, ID_CLIENT, ID_SERVER, ID_VICTIM, ID_ZERO, ID_NONE };
/* A task id of kind *kind (ID_NONE: one that cannot exist: 4095, 4096,
 * 1 << 32 | own id, -1, ...); a kind whose set is empty becomes ID_NONE. */
long fz_id(struct fz *f, enum fz_idk *kind);
/* The kind of a task id, by the sets (ID_NONE when in none). */
enum fz_idk fz_id_kind(const struct fz *f, long id);
/* Index of id in the set, or -1. */
int fz_ids_find(const struct fz_ids *s, long id);

/* --- sysfuzz_heap.c ------------------------------------------------------- */

/* One random SYS_MAP (edge or sane arguments) or SYS_UNMAP (own mappings,
 * whole or in pieces, twice, never mapped, edges), checked against the
 * model. */
void fz_heap_map(struct fz *f);
void fz_heap_unmap(struct fz *f);
/* The sequences, each run once at its call count: fill the window with
 * map/unmap until exactly its end (then SYS_MAP must say ENOMEM), and map
 * until memory runs out, then give it back. */
void fz_heap_fill(struct fz *f);
void fz_heap_drain(struct fz *f);
/* Checks every tracked mapping (patterns, zeroes) and unmaps them all. */
void fz_heap_release(struct fz *f);
/* A tracked scratch mapping's range for the buffer generator: false when
 * there is none.  fz_heap_region() gives any tracked mapping's (a read
 * source). */
bool fz_heap_scratch(struct fz *f, uint64_t *lo, uint64_t *hi);
bool fz_heap_region(struct fz *f, uint64_t *lo, uint64_t *hi);
/* The kind of page va in the own window, by the model. */
enum fz_page fz_heap_kind(const struct fz *f, uint64_t va);

/* --- sysfuzz_call.c ------------------------------------------------------- */

/* Makes one random system call of the fuzzer's role, checks its result. */
void fz_call_one(struct fz *f);
/* The raw system call, counted (and progress printed every FZ_PROGRESS
 * calls, FZ_PROGRESS_CHAOS for a chaos fuzzer, which is killed in the
 * end: what it did is what it printed). */
long fz_syscall(struct fz *f, uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		uint64_t a5, uint64_t a6);
long fz_syscall_w(struct fz *f, uint64_t nr, long dest, uint64_t word, uint64_t *rdx,
		  uint64_t *rsi);
/* Checks a result that must be exactly want (a BUG line when not). */
void fz_expect(struct fz *f, const char *what, long r, long want);
/* An address the model says is bad for len bytes (never 0, which some
 * calls take for "none"). */
uint64_t fz_bad_ptr(struct fz *f, uint64_t len, bool write);

/* --- sysfuzz_ipc.c ---------------------------------------------------------- */

/* One random call of each IPC kind, by the rules of blocking. */
void fz_ipc_send(struct fz *f);
void fz_ipc_call(struct fz *f);
void fz_ipc_call_w(struct fz *f);
void fz_ipc_recv(struct fz *f);
void fz_ipc_reply_recv(struct fz *f);
void fz_ipc_reply_recv_w(struct fz *f);
/* IPC calls the roles make on purpose: a reply_recv to dest (sane: with
 * good buffers), a reply_recv_w, a receive from any task with good
 * buffers.  Each is checked, and what it receives is handed to
 * fz_on_message()/fz_on_word(); they return the kernel's result. */
long fz_reply_recv(struct fz *f, long dest, bool sane);
long fz_reply_recv_w(struct fz *f, long dest, uint64_t word);
long fz_recv_any(struct fz *f);
/* Reports an oracle failure about the call in flight. */
void fz_bug(struct fz *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define FZ_PROGRESS 1000
#define FZ_PROGRESS_CHAOS 100

/* --- sysfuzz.c ------------------------------------------------------------ */

/* A message received into the fuzzer's own buffer buf (n bytes, from task
 * from, 0 when unknown): frames are checked, goodbyes counted, senders
 * queued for an answer (servers). */
void fz_on_message(struct fz *f, const void *buf, uint64_t n, long from);
/* The same for a word message (call_w's reply, reply_recv_w). */
void fz_on_word(struct fz *f, uint64_t word, uint64_t n, long from);
/* Fills a scratch buffer with a framed message the receiver can check. */
void fz_frame(struct fz *f, uint64_t va, uint64_t len);
/* Whether a server has heard goodbye from every client. */
bool fz_all_byed(const struct fz *f);

#endif
