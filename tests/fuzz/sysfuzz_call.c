/* sysfuzz: one random system call: the table of calls and their weights, the calls that are not
 * IPC, the oracles' helpers. */
#include "sysfuzz.h"

/*
 * Every call goes through fz_syscall() (or fz_syscall_w() for the word
 * calls), which counts it and keeps its arguments for a BUG line.  The
 * IPC calls are in sysfuzz_ipc.c, the memory calls in sysfuzz_heap.c;
 * the others are here, each with the result it must have.
 */

/* Printable text for SYS_WRITE: a write prints one of its tails, a whole
 * line that no case's pattern matches. */
static const char junk[] = "~ fuzz junk line: the kernel wrote these bytes ~~~~~~~~~~~~~~~~~\n";

static void count(struct fz *f, uint64_t nr, long r)
{
	unsigned i = nr < SYS_COUNT ? (unsigned)nr : SYS_COUNT;
	f->count[i]++;
	if (r >= 0)
		f->ok[i]++;
	if (++f->calls % (f->role == ROLE_CHAOS ? FZ_PROGRESS_CHAOS : FZ_PROGRESS) == 0)
		printf("sysfuzz: task %ld: %lu calls, %ld ms\n", f->id, (unsigned long)f->calls,
		       sys_clock() / 1000000);
}

long fz_syscall(struct fz *f, uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		uint64_t a5, uint64_t a6)
{
	f->cur_nr = nr;
	f->cur_a[0] = a1, f->cur_a[1] = a2, f->cur_a[2] = a3;
	f->cur_a[3] = a4, f->cur_a[4] = a5, f->cur_a[5] = a6;
	long r = syscall6((long)nr, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5, (long)a6);
	count(f, nr, r);
	return r;
}

long fz_syscall_w(struct fz *f, uint64_t nr, long dest, uint64_t word, uint64_t *rdx, uint64_t *rsi)
{
	f->cur_nr = nr;
	f->cur_a[0] = (uint64_t)dest, f->cur_a[1] = word;
	f->cur_a[2] = f->cur_a[3] = f->cur_a[4] = f->cur_a[5] = 0;
	unsigned long d = 0, s = 0;
	long r = syscall_w((long)nr, dest, word, &d, &s);
	*rdx = d, *rsi = s;
	count(f, nr, r);
	return r;
}

void fz_bug(struct fz *f, const char *fmt, ...)
{
	char what[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (++f->bugs > 20)
		return; /* counted in the summary */
	printf("sysfuzz: task %ld BUG: %s [call #%lu: %ld %#lx %#lx %#lx %#lx %#lx %#lx]\n", f->id,
	       what, (unsigned long)f->calls, (long)f->cur_nr, (unsigned long)f->cur_a[0],
	       (unsigned long)f->cur_a[1], (unsigned long)f->cur_a[2], (unsigned long)f->cur_a[3],
	       (unsigned long)f->cur_a[4], (unsigned long)f->cur_a[5]);
}

/* Checks a result that must be exactly want. */
void fz_expect(struct fz *f, const char *what, long r, long want)
{
	if (r != want)
		fz_bug(f, "%s = %ld (%s), want %ld (%s)", what, r, r < 0 ? sys_errname(r) : "ok",
		       want, want < 0 ? sys_errname(want) : "ok");
}

/* An address the model says is bad for len bytes (never 0, which some
 * calls take for "none"). */
uint64_t fz_bad_ptr(struct fz *f, uint64_t len, bool write)
{
	for (unsigned i = 0; i < 8; i++) {
		uint64_t va = fz_bad_addr(f);
		if (va && fz_classify(f, va, len, write) == CL_BAD)
			return va;
	}
	return FZ_KERNEL_VMA + 0x100000;
}

static void call_write(struct fz *f)
{
	uint64_t va, len, r = fz_below(f, 100);
	long want;

	if (r < 10) { /* a tail of the junk line */
		len = 1 + fz_below(f, sizeof(junk) - 1);
		va = (uint64_t)(uintptr_t)junk + sizeof(junk) - 1 - len;
		want = (long)len;
	} else if (r < 30) { /* nothing, from anywhere */
		len = 0;
		va = fz_chance(f, 500) ? fz_bad_addr(f) : fz_edge(f);
		want = 0;
	} else { /* must be refused: a readable range would print garbage */
		if (fz_buffer(f, false, 2 * FZ_PAGE, &va, &len) != CL_BAD) {
			len = 1 + fz_len(f, FZ_PAGE, true);
			if (!len)
				len = 1;
			va = fz_bad_ptr(f, len, false);
		}
		want = -SHOJI_EFAULT;
	}
	fz_expect(f, "write", fz_syscall(f, SYS_WRITE, va, len, fz_edge(f), 0, 0, 0), want);
}

/* Where a call that writes @size bytes is to write: mostly the scratch
 * page, else a random buffer, and a bad pointer instead of memory the
 * fuzzer must keep intact; *c gets its class. */
static uint64_t out_buffer(struct fz *f, uint64_t size, enum fz_class *c)
{
	uint64_t va, len;

	if (fz_chance(f, 600))
		va = fz_scratch(f, size);
	else
		fz_buffer(f, true, size, &va, &len);
	*c = fz_classify(f, va, size, true);
	if (*c == CL_KEEP)
		va = fz_bad_ptr(f, size, true), *c = CL_BAD;
	return va;
}

static void call_stats(struct fz *f)
{
	enum fz_class c;
	uint64_t va = out_buffer(f, sizeof(struct shoji_stats), &c);
	long r = fz_syscall(f, SYS_STATS, va, fz_edge(f), fz_edge(f), 0, 0, 0);
	fz_expect(f, "stats", r, c == CL_BAD ? -SHOJI_EFAULT : 0);
	if (r || c == CL_BAD)
		return;
	struct shoji_stats st;
	memcpy(&st, (const void *)va, sizeof(st));
	if (st.syscalls < f->last_syscalls)
		fz_bug(f, "stats: %llu system calls, after %lu before", st.syscalls,
		       (unsigned long)f->last_syscalls);
	f->last_syscalls = st.syscalls;
}

/* SYS_TASKINFO: EFAULT for a bad buffer, else what the fuzzer knows of
 * itself (its id, mode, slot and name), and the same group and TSC
 * frequency every time. */
static void call_taskinfo(struct fz *f)
{
	struct shoji_taskinfo in;
	enum fz_class c;
	uint64_t va = out_buffer(f, sizeof(in), &c);
	long r = fz_syscall(f, SYS_TASKINFO, va, fz_edge(f), fz_edge(f), 0, 0, 0);
	fz_expect(f, "taskinfo", r, c == CL_BAD ? -SHOJI_EFAULT : 0);
	if (r || c == CL_BAD)
		return;
	memcpy(&in, (const void *)va, sizeof(in));
	if (in.id != (unsigned long)f->id || strcmp(shoji_mode_name(in.mode), f->mode) ||
	    in.slot_base != f->base || in.pkey != f->slot || in.tsc_khz == 0 ||
	    strncmp(in.name, f->name, sizeof(in.name)))
		fz_bug(f,
		       "taskinfo: id %u mode %u key %u base %#llx %llu kHz name %.31s, want id %ld "
		       "mode %s key %u base %#lx name %s",
		       in.id, in.mode, in.pkey, in.slot_base, in.tsc_khz, in.name, f->id, f->mode,
		       f->slot, (unsigned long)f->base, f->name);
	if (!f->info_seen)
		f->info_seen = true, f->info_group = in.group, f->info_khz = in.tsc_khz;
	if (in.group != f->info_group || in.tsc_khz != f->info_khz)
		fz_bug(f, "taskinfo: group %u and %llu kHz, after group %u and %lu kHz", in.group,
		       in.tsc_khz, f->info_group, (unsigned long)f->info_khz);
}

/* SYS_PMU's answer is well formed: count valid entries of known events
 * and plausible widths, the rest zero. */
static bool pmu_well_formed(const struct shoji_pmu *p, long r)
{
	if (p->count != (unsigned long)r || p->reserved)
		return false;
	for (unsigned i = 0; i < SHOJI_PMU_MAX; i++) {
		bool valid = i < p->count;
		if (valid ? !p->event[i] || p->event[i] >= SHOJI_PMU_EVENT_COUNT ||
				p->bits[i] < 32 || p->bits[i] > 64
			  : p->event[i] || p->bits[i] || p->value[i])
			return false;
	}
	return true;
}

/* SYS_PMU: EFAULT for a bad buffer, else a well-formed answer with as
 * many counters every time (none without a PMU, never garbage). */
static void call_pmu(struct fz *f)
{
	struct shoji_pmu p;
	enum fz_class c;
	uint64_t va = out_buffer(f, sizeof(p), &c);
	long r = fz_syscall(f, SYS_PMU, va, fz_edge(f), fz_edge(f), 0, 0, 0);
	if (c == CL_BAD) {
		fz_expect(f, "pmu", r, -SHOJI_EFAULT);
		return;
	}
	if (r < 0 || r > SHOJI_PMU_MAX) {
		fz_bug(f, "pmu: returned %ld, want 0..%d", r, SHOJI_PMU_MAX);
		return;
	}
	memcpy(&p, (const void *)va, sizeof(p));
	if (!pmu_well_formed(&p, r))
		fz_bug(f, "pmu: malformed answer (returned %ld, count %u)", r, p.count);
	if (f->pmu_count < 0)
		f->pmu_count = (int)r;
	if (r != f->pmu_count)
		fz_bug(f, "pmu: %ld counters, after %d", r, f->pmu_count);
}

static void call_yield(struct fz *f)
{
	fz_expect(f, "yield", fz_syscall(f, SYS_YIELD, fz_edge(f), fz_edge(f), 0, 0, 0, 0), 0);
}

static void call_getpid(struct fz *f)
{
	fz_expect(f, "getpid", fz_syscall(f, SYS_GETPID, fz_edge(f), 0, fz_edge(f), 0, 0, 0),
		  f->id);
}

static void call_clock(struct fz *f)
{
	long r = fz_syscall(f, SYS_CLOCK, fz_edge(f), 0, 0, 0, 0, fz_edge(f));
	if (r < f->last_clock)
		fz_bug(f, "clock went back from %ld to %ld", f->last_clock, r);
	f->last_clock = r;
}

static void call_kmem(struct fz *f)
{
	/* Its structure and a share of its group's page tables: those of a
	 * full heap window are 128 pages, and a group holds up to 15 tasks. */
	long r = fz_syscall(f, SYS_KMEM, fz_edge(f), fz_edge(f), fz_edge(f), 0, 0, 0);
	if (r <= 0 || r > (16L << 20))
		fz_bug(f, "kmem = %ld", r);
}

/* Numbers past the table: ENOSYS, whatever the arguments (and whatever
 * the low bits: a kernel that cut the number to 32 bits would run a real
 * call). */
static void call_invalid(struct fz *f)
{
	static const uint64_t nr[] = {SYS_COUNT,
				      SYS_COUNT + 1,
				      31,
				      32,
				      63,
				      64,
				      65,
				      127,
				      255,
				      256,
				      0x7fffffffUL,
				      0x80000000UL,
				      0xffffffffUL,
				      1UL << 32,
				      1UL << 63,
				      (uint64_t)-1,
				      (uint64_t)INT64_MAX};
	uint64_t n = nr[fz_below(f, sizeof(nr) / sizeof(nr[0]))];
	if (fz_chance(f, 300)) /* a valid call in the low bits */
		n = (fz_chance(f, 500) ? 1UL << 32 : 1UL << 63) | (1 + fz_below(f, SYS_COUNT - 1));
	else if (fz_chance(f, 100))
		n = SYS_COUNT + fz_rand(f) % (1UL << 40);
	uint64_t a[6];
	for (unsigned i = 0; i < 6; i++)
		a[i] = fz_chance(f, 500) ? fz_edge(f) : fz_bad_addr(f);
	fz_expect(f, "an invalid call number", fz_syscall(f, n, a[0], a[1], a[2], a[3], a[4], a[5]),
		  -SHOJI_ENOSYS);
}

/* The calls and their weights: the IPC and memory calls most. */
static const struct {
	unsigned weight;
	void (*run)(struct fz *f);
} table[SYS_COUNT + 1] = {
    [SYS_EXIT] = {0, 0}, /* the end of the run, never fuzzed */
    [SYS_WRITE] = {6, call_write},
    [SYS_YIELD] = {3, call_yield},
    [SYS_GETPID] = {2, call_getpid},
    [SYS_CLOCK] = {2, call_clock},
    [SYS_SEND] = {10, fz_ipc_send},
    [SYS_RECV] = {8, fz_ipc_recv},
    [SYS_CALL] = {10, fz_ipc_call},
    [SYS_MAP] = {10, fz_heap_map},
    [SYS_UNMAP] = {10, fz_heap_unmap},
    [SYS_KMEM] = {2, call_kmem},
    [SYS_STATS] = {5, call_stats},
    [SYS_REPLY_RECV] = {8, fz_ipc_reply_recv},
    [SYS_CALL_W] = {8, fz_ipc_call_w},
    [SYS_REPLY_RECV_W] = {8, fz_ipc_reply_recv_w},
    [SYS_TASKINFO] = {3, call_taskinfo},
    [SYS_PMU] = {3, call_pmu},
    [SYS_COUNT] = {4, call_invalid},
};

void fz_call_one(struct fz *f)
{
	if (f->drain_at && f->calls >= f->drain_at) {
		f->drain_at = 0;
		fz_heap_drain(f);
		return;
	}
	if (f->fill_at && f->calls >= f->fill_at) {
		f->fill_at = 0;
		fz_heap_fill(f);
		return;
	}
	unsigned total = 0;
	for (unsigned i = 0; i <= SYS_COUNT; i++)
		total += table[i].weight;
	unsigned r = (unsigned)fz_below(f, total), i = 0;
	while (r >= table[i].weight)
		r -= table[i++].weight;
	table[i].run(f);
}
