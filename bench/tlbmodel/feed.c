/* feed.c: feeds the TLB model from an executed stream, keeps regions and hints, writes the JSON
 * lines. */
#include "bench/tlbmodel/feed.h"

#include <stdlib.h>

#include "bench/tlbmodel/pcidmap.h"
#include "shoji/tlbmark.h"

enum unmodelled { UNM_INVLPG, UNM_INVPCID, UNM_CR4, UNMODELLED };

/* pcid=model's events (docs/tlb-model.md): roots that got a PCID, PCIDs
 * taken from another root, PCIDs released by AS_FREE. */
enum model_event { PM_FRESH, PM_RECYCLED, PM_FREED, MODEL_EVENTS };

/* Everything a region reports, as running totals; a region is the
 * difference of two snapshots. */
struct stats {
	struct tlbm_counters tlb;
	uint64_t insns;
	uint64_t events[INSN_KINDS];
	uint64_t unmodelled[UNMODELLED];
	uint64_t pcids[MODEL_EVENTS];
	uint64_t hint_errors;
};

/* A hint whose loads are still coming (op 0: none), and one that is
 * complete and waits for its instruction (armed 0: none). */
struct hint {
	uint16_t op;
	unsigned need, got;
	uint64_t chunk[TLBMARK_CR3_LOADS];
	uint16_t armed;
	uint64_t value;	      /* CR3 value, CR4 bits, or the page */
	uint64_t type, pcid;  /* INVPCID */
	uint64_t frame, keep; /* CR3: the root's frame number, TLBMARK_CR3_KEEP */
};
_Static_assert(TLBMARK_CR3_LOADS >= TLBMARK_INVPCID_LOADS, "chunk holds every hint's loads");

/* One vCPU's state: a core with its own TLBs, regions and hint in
 * progress.  Only its vCPU's thread touches it (QEMU calls back on the
 * thread that runs the vCPU), so it needs no lock. */
struct core {
	struct feed *feed;
	unsigned index;
	struct tlbm *m;
	struct stats now, begin; /* now.tlb is refreshed from the model when read */
	int in_region;
	uint64_t regions, unpaired;
	struct hint h;
	struct pcidmap *pcids; /* pcid=model only */
};

/* The machine's: what every core reads.  The window is announced once,
 * by whichever vCPU runs the kernel's tlbhint_init(), and its hints may
 * come from any vCPU, so it and hints_seen are atomics; the output is
 * written a whole line at a time under the FILE's lock (flockfile()). */
struct feed {
	FILE *out;
	struct feed_options opt;
	_Atomic int hints_seen;	  /* a HINT_WINDOW hint completed */
	_Atomic int window_known; /* its first load was seen: window is the base */
	_Atomic uint64_t window;
	unsigned ncores;
	struct core cores[];
};

/* --- output --------------------------------------------------------------- */

static void put_kind(FILE *out, const char *name, const struct tlbm_counters *c, enum tlbm_kind k)
{
	fprintf(out,
		"\"%s\":{\"l1_misses\":%llu,\"l2_misses\":%llu,\"walks\":%llu,\"accesses\":%llu},",
		name, (unsigned long long)c->misses[TLBM_L1][k],
		(unsigned long long)c->misses[TLBM_L2][k], (unsigned long long)c->walks[k],
		(unsigned long long)(c->hits[TLBM_L1][k] + c->misses[TLBM_L1][k]));
}

/* The events of the output, in its order (docs/tlb-model.md). */
static const enum insn_kind event_order[] = {
    INSN_SYSCALL, INSN_SYSRET,	INSN_SYSENTER, INSN_SYSEXIT, INSN_IRETQ,   INSN_INT,   INSN_WRPKRU,
    INSN_RDPKRU,  INSN_MOV_CR3, INSN_MOV_CR4,  INSN_INVLPG,  INSN_INVPCID, INSN_XSAVE, INSN_XRSTOR,
};

/* The fields of a region and of the total, without the braces. */
static void put_stats(FILE *out, const struct stats *s)
{
	const struct tlbm_counters *c = &s->tlb;
	uint64_t dropped = 0;
	for (unsigned i = 0; i < TLBM_CAUSES; i++)
		dropped += c->dropped[i];
	fprintf(out, "\"insns\":%llu,", (unsigned long long)s->insns);
	put_kind(out, "fetch", c, TLBM_FETCH);
	put_kind(out, "load", c, TLBM_LOAD);
	put_kind(out, "store", c, TLBM_STORE);
	fprintf(
	    out,
	    "\"cr3_writes\":%llu,\"cr3_noflush\":%llu,\"flushes\":{\"cr3\":%llu,\"invlpg\":%llu,"
	    "\"invpcid\":%llu,\"cr4\":%llu},\"dropped\":%llu,\"events\":{",
	    (unsigned long long)c->cr3_writes, (unsigned long long)c->cr3_noflush,
	    (unsigned long long)c->flushes[TLBM_CAUSE_CR3],
	    (unsigned long long)c->flushes[TLBM_CAUSE_INVLPG],
	    (unsigned long long)(c->flushes[TLBM_CAUSE_INVPCID0] + c->flushes[TLBM_CAUSE_INVPCID1] +
				 c->flushes[TLBM_CAUSE_INVPCID2] + c->flushes[TLBM_CAUSE_INVPCID3]),
	    (unsigned long long)c->flushes[TLBM_CAUSE_CR4], (unsigned long long)dropped);
	for (unsigned i = 0; i < sizeof event_order / sizeof event_order[0]; i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "", insn_kind_name(event_order[i]),
			(unsigned long long)s->events[event_order[i]]);
	fprintf(out,
		"},\"unmodelled\":{\"invlpg\":%llu,\"invpcid\":%llu,\"cr4\":%llu},\"pcids\":{"
		"\"fresh\":%llu,\"recycled\":%llu,\"freed\":%llu},\"hint_errors\":%llu",
		(unsigned long long)s->unmodelled[UNM_INVLPG],
		(unsigned long long)s->unmodelled[UNM_INVPCID],
		(unsigned long long)s->unmodelled[UNM_CR4], (unsigned long long)s->pcids[PM_FRESH],
		(unsigned long long)s->pcids[PM_RECYCLED], (unsigned long long)s->pcids[PM_FREED],
		(unsigned long long)s->hint_errors);
}

/* cpu->now with the model's counters as they are. */
static const struct stats *stats_now(struct core *cpu)
{
	cpu->now.tlb = *tlbm_counters(cpu->m);
	return &cpu->now;
}

static void stats_sub(struct stats *out, const struct stats *end, const struct stats *start)
{
	tlbm_counters_sub(&out->tlb, &end->tlb, &start->tlb);
	out->insns = end->insns - start->insns;
	for (unsigned i = 0; i < INSN_KINDS; i++)
		out->events[i] = end->events[i] - start->events[i];
	for (unsigned i = 0; i < UNMODELLED; i++)
		out->unmodelled[i] = end->unmodelled[i] - start->unmodelled[i];
	for (unsigned i = 0; i < MODEL_EVENTS; i++)
		out->pcids[i] = end->pcids[i] - start->pcids[i];
	out->hint_errors = end->hint_errors - start->hint_errors;
}

/* --- regions ---------------------------------------------------------------- */

static void roi_begin(struct core *cpu)
{
	if (cpu->in_region)
		cpu->unpaired++; /* the open region is dropped, never joined */
	cpu->begin = *stats_now(cpu);
	cpu->in_region = 1;
}

static void roi_end(struct core *cpu)
{
	if (!cpu->in_region) {
		cpu->unpaired++;
		return;
	}
	struct stats d;
	stats_sub(&d, stats_now(cpu), &cpu->begin);
	/* The plugin counts an instruction before it runs, so the difference
	 * holds the BEGIN marker or the END marker, never both: one off makes
	 * it the instructions strictly between the two. */
	d.insns--;
	FILE *out = cpu->feed->out;
	flockfile(out); /* whole lines: another vCPU may be writing its own */
	fprintf(out, "{\"region\":%llu,\"vcpu\":%u,", (unsigned long long)cpu->regions++,
		cpu->index);
	put_stats(out, &d);
	fputs("}\n", out);
	funlockfile(out);
	cpu->in_region = 0;
}

/* --- hints -------------------------------------------------------------------- */

/* The loads each hint op takes. */
static const struct {
	uint16_t op;
	unsigned loads;
} hint_ops[] = {
    {TLBMARK_HINT_WINDOW, TLBMARK_WINDOW_LOADS}, {TLBMARK_CR3_FLUSH, TLBMARK_CR3_LOADS},
    {TLBMARK_CR3_NOFLUSH, TLBMARK_CR3_LOADS},	 {TLBMARK_INVLPG, TLBMARK_INVLPG_LOADS},
    {TLBMARK_INVPCID, TLBMARK_INVPCID_LOADS},	 {TLBMARK_CR4, TLBMARK_CR4_LOADS},
    {TLBMARK_AS_FREE, TLBMARK_AS_FREE_LOADS},
};

static void hint_error(struct core *cpu)
{
	cpu->now.hint_errors++;
	cpu->h.op = 0;
}

static void hint_start(struct core *cpu, uint16_t op)
{
	for (unsigned i = 0; i < sizeof hint_ops / sizeof hint_ops[0]; i++)
		if (hint_ops[i].op == op) {
			if (cpu->h.op)
				hint_error(cpu); /* the previous one never got its loads */
			cpu->h.op = op;
			cpu->h.need = hint_ops[i].loads;
			cpu->h.got = 0;
			return;
		}
	/* an unknown op: a NOP like any other */
}

/* A hint marker that a task ran (feed.h, feed_insn()): the kernel's
 * hints come from its image in the upper half only.  A hint error; the
 * kernel's hint in progress, if any, is left alone. */
static void hint_forged(struct core *cpu, uint16_t op)
{
	for (unsigned i = 0; i < sizeof hint_ops / sizeof hint_ops[0]; i++)
		if (hint_ops[i].op == op)
			cpu->now.hint_errors++;
}

/* The address of a page from its number's 36 bits (3 chunks from c),
 * sign-extended from the address's bit 47 (include/shoji/tlbmark.h). */
static uint64_t hint_page(const uint64_t *c)
{
	uint64_t va = (c[0] | c[1] << 12 | c[2] << 24) << TLBM_PAGE_SHIFT;
	return va & (UINT64_C(1) << 47) ? va | UINT64_C(0xffff000000000000) : va;
}

/* A frame number from its TLBMARK_FRAME_CHUNKS chunks, low first. */
static uint64_t hint_frame(const uint64_t *c)
{
	uint64_t f = 0;
	for (unsigned i = 0; i < TLBMARK_FRAME_CHUNKS; i++)
		f |= c[i] << (i * TLBMARK_CHUNK_BITS);
	return f;
}

/* CR4.PCIDE: the hint's with pcid=hints, always 1 with pcid=model (the
 * kernel's CR4 has none), never with pcid=off. */
static void apply_cr4(struct core *cpu, uint64_t bits)
{
	int pcide = cpu->feed->opt.pcid == FEED_PCID_MODEL ||
		    (cpu->feed->opt.pcid == FEED_PCID_HINTS && (bits & TLBMARK_CR4_PCIDE));
	tlbm_write_cr4(cpu->m, (bits & TLBMARK_CR4_PGE) != 0, pcide);
}

/* AS_FREE with pcid=model: the root's PCID is free, and its entries go
 * (INVPCID type 1 on that PCID, SDM Vol. 3A 4.10.4.1), so the next root
 * to get it starts empty even before its first activation flushes.
 * Elsewhere AS_FREE changes nothing. */
static void as_free(struct core *cpu, uint64_t frame)
{
	const char *why;
	uint16_t pcid = cpu->pcids ? pcidmap_release(cpu->pcids, frame) : 0;
	if (!pcid)
		return;
	cpu->now.pcids[PM_FREED]++;
	if (tlbm_invpcid(cpu->m, 1, pcid, 0, &why) < 0)
		cpu->now.hint_errors++; /* never: the model has CR4.PCIDE = 1 */
}

/* All the loads of cpu->h are in: announce the window, or arm the hint for
 * its instruction. */
static void hint_complete(struct core *cpu)
{
	struct hint *h = &cpu->h;
	h->armed = h->op;
	if (h->op == TLBMARK_HINT_WINDOW) {
		cpu->feed->hints_seen = 1;
		h->armed = 0;
		apply_cr4(cpu, h->chunk[1]);
	} else if (h->op == TLBMARK_AS_FREE) {
		h->armed = 0; /* no instruction follows: the root dies now */
		as_free(cpu, hint_frame(h->chunk));
	} else if (h->op == TLBMARK_CR3_FLUSH || h->op == TLBMARK_CR3_NOFLUSH) {
		h->keep = h->chunk[0] & TLBMARK_CR3_KEEP;
		h->value = h->chunk[1] | (h->op == TLBMARK_CR3_NOFLUSH ? TLBM_CR3_NOFLUSH : 0);
		h->frame = hint_frame(h->chunk + 2);
	} else if (h->op == TLBMARK_INVLPG) {
		h->value = hint_page(h->chunk);
	} else if (h->op == TLBMARK_INVPCID) {
		h->type = h->chunk[0];
		h->pcid = h->chunk[1];
		h->value = hint_page(h->chunk + 2);
	} else { /* TLBMARK_CR4 */
		h->value = h->chunk[0];
	}
	h->op = 0;
}

/* An access while a hint waits for its loads: 1 when it was the hint's;
 * anything else abandons the hint (a hint error) and is the model's. */
static int hint_load(struct core *cpu, uint64_t vaddr, int store)
{
	if (cpu->h.op == TLBMARK_HINT_WINDOW && cpu->h.got == 0 && !store) {
		cpu->feed->window = vaddr;
		cpu->feed->window_known = 1;
	} else if (store || !cpu->feed->window_known ||
		   vaddr - cpu->feed->window >= TLBMARK_WINDOW_SIZE) {
		hint_error(cpu);
		return 0;
	}
	cpu->h.chunk[cpu->h.got++] = vaddr - cpu->feed->window;
	if (cpu->h.got == cpu->h.need)
		hint_complete(cpu);
	return 1;
}

/* 1 when the armed hint is for an instruction of `op`'s kind (either CR3
 * op); a hint armed for another instruction is an error.  Disarms. */
static int hint_take(struct core *cpu, uint16_t op)
{
	uint16_t armed = cpu->h.armed;
	cpu->h.armed = 0;
	if (!armed)
		return 0;
	if (armed == TLBMARK_CR3_NOFLUSH)
		armed = TLBMARK_CR3_FLUSH;
	if (armed != op) {
		cpu->now.hint_errors++;
		return 0;
	}
	return 1;
}

/* --- what executes ------------------------------------------------------------ */

/* pcid=model: the root's model PCID becomes current, its entries kept
 * where the kernel says a PCID kernel would keep them, except when the
 * root just got its PCID (paging.c's `fresh`).  Without a hint the model
 * cannot know the root: a hint error once the kernel announced its
 * window or in a region (firmware and early boot write CR3 unhinted),
 * and a flush of PCID 0 as with pcid=off. */
static void cr3_model(struct core *cpu, int hinted)
{
	if (!hinted) {
		if (cpu->feed->hints_seen || cpu->in_region)
			cpu->now.hint_errors++;
		tlbm_write_cr3(cpu->m, 0);
		return;
	}
	int fresh, recycled;
	uint16_t pcid = pcidmap_activate(cpu->pcids, cpu->h.frame, &fresh, &recycled);
	cpu->now.pcids[PM_FRESH] += (uint64_t)fresh;
	cpu->now.pcids[PM_RECYCLED] += (uint64_t)recycled;
	tlbm_write_cr3(cpu->m, pcid | (cpu->h.keep && !fresh ? TLBM_CR3_NOFLUSH : 0));
}

/* pcid=off, and pcid=hints without a hint: a MOV to CR3 flushes the
 * non-global entries, as with CR4.PCIDE = 0. */
static void on_mov_cr3(struct core *cpu)
{
	int hinted = hint_take(cpu, TLBMARK_CR3_FLUSH);
	if (cpu->feed->opt.pcid == FEED_PCID_MODEL)
		cr3_model(cpu, hinted);
	else
		tlbm_write_cr3(cpu->m,
			       hinted && cpu->feed->opt.pcid == FEED_PCID_HINTS ? cpu->h.value : 0);
}

static void on_mov_cr4(struct core *cpu)
{
	if (hint_take(cpu, TLBMARK_CR4))
		apply_cr4(cpu, cpu->h.value);
	else
		cpu->now.unmodelled[UNM_CR4]++;
}

static void on_invlpg(struct core *cpu)
{
	if (hint_take(cpu, TLBMARK_INVLPG))
		tlbm_invlpg(cpu->m, cpu->h.value);
	else
		cpu->now.unmodelled[UNM_INVLPG]++;
}

static void on_invpcid(struct core *cpu)
{
	const char *why;
	if (!hint_take(cpu, TLBMARK_INVPCID))
		cpu->now.unmodelled[UNM_INVPCID]++;
	else if (tlbm_invpcid(cpu->m, (unsigned)cpu->h.type, (uint16_t)cpu->h.pcid, cpu->h.value,
			      &why) < 0)
		cpu->now.hint_errors++; /* the CPU raised #GP: nothing was invalidated */
}

/* Per class, what its execution does beyond being counted. */
static void (*const on_kind[INSN_KINDS])(struct core *cpu) = {
    [INSN_MOV_CR3] = on_mov_cr3,
    [INSN_MOV_CR4] = on_mov_cr4,
    [INSN_INVLPG] = on_invlpg,
    [INSN_INVPCID] = on_invpcid,
};

/* The core of `vcpu`, or NULL for an index the machine does not have. */
static struct core *core_of(struct feed *fd, unsigned vcpu)
{
	return vcpu < fd->ncores ? &fd->cores[vcpu] : NULL;
}

void feed_insn(struct feed *fd, unsigned vcpu, enum insn_kind kind, uint16_t op, int upper)
{
	struct core *cpu = core_of(fd, vcpu);
	if (!cpu || (unsigned)kind >= INSN_KINDS)
		return;
	cpu->now.events[kind]++;
	if (kind == INSN_MARKER && op == TLBMARK_ROI_BEGIN)
		roi_begin(cpu);
	else if (kind == INSN_MARKER && op == TLBMARK_ROI_END)
		roi_end(cpu);
	else if (kind == INSN_MARKER && upper)
		hint_start(cpu, op);
	else if (kind == INSN_MARKER)
		hint_forged(cpu, op);
	else if (on_kind[kind])
		on_kind[kind](cpu);
}

static int global_page(const struct feed *fd, uint64_t vaddr)
{
	return fd->opt.global_upper && (vaddr >> 63);
}

void feed_fetch(struct feed *fd, unsigned vcpu, uint64_t vaddr)
{
	struct core *cpu = core_of(fd, vcpu);
	if (cpu)
		tlbm_access(cpu->m, TLBM_FETCH, vaddr, global_page(fd, vaddr));
}

void feed_mem(struct feed *fd, unsigned vcpu, uint64_t vaddr, int store)
{
	struct core *cpu = core_of(fd, vcpu);
	if (!cpu || (cpu->h.op && hint_load(cpu, vaddr, store)))
		return;
	tlbm_access(cpu->m, store ? TLBM_STORE : TLBM_LOAD, vaddr, global_page(fd, vaddr));
}

uint64_t *feed_insn_counter(struct feed *fd, unsigned vcpu)
{
	struct core *cpu = core_of(fd, vcpu);
	return cpu ? &cpu->now.insns : NULL;
}

const struct tlbm *feed_model(struct feed *fd, unsigned vcpu)
{
	struct core *cpu = core_of(fd, vcpu);
	return cpu ? cpu->m : NULL;
}

/* --- life ----------------------------------------------------------------------- */

static const char *const pcid_names[] = {
    [FEED_PCID_OFF] = "off",
    [FEED_PCID_HINTS] = "hints",
    [FEED_PCID_MODEL] = "model",
};

static void feed_free(struct feed *fd)
{
	for (unsigned i = 0; i < fd->ncores; i++) {
		tlbm_free(fd->cores[i].m);
		pcidmap_free(fd->cores[i].pcids);
	}
	free(fd);
}

/* Each core's model and PCID map; 0, or -1 with *why set. */
static int cores_new(struct feed *fd, const struct tlbm_config *cfg, const char **why)
{
	for (unsigned i = 0; i < fd->ncores; i++) {
		struct core *cpu = &fd->cores[i];
		cpu->feed = fd;
		cpu->index = i;
		cpu->m = tlbm_new(cfg, why);
		if (!cpu->m)
			return -1;
		if (fd->opt.pcid == FEED_PCID_MODEL && !(cpu->pcids = pcidmap_new())) {
			*why = "out of memory";
			return -1;
		}
		/* Until a hint says otherwise: CR4.PGE as the global rule
		 * wants, CR4.PCIDE = 0, or 1 with pcid=model (on an empty
		 * model with PCID 0 this flushes nothing). */
		tlbm_write_cr4(cpu->m, fd->opt.global_upper, fd->opt.pcid == FEED_PCID_MODEL);
	}
	return 0;
}

struct feed *feed_new(const struct tlbm_config *cfg, const struct feed_options *opt, FILE *out,
		      const char **why)
{
	unsigned n = opt->vcpus ? opt->vcpus : 1;
	if (n > FEED_MAX_VCPUS) {
		*why = "too many vCPUs";
		return NULL;
	}
	struct feed *fd = calloc(1, sizeof *fd + n * sizeof fd->cores[0]);
	if (!fd) {
		*why = "out of memory";
		return NULL;
	}
	fd->out = out;
	fd->opt = *opt;
	fd->ncores = n;
	if (cores_new(fd, cfg, why) < 0) {
		feed_free(fd);
		return NULL;
	}
	/* Each line reaches the file whole as it ends: QEMU killed at a
	 * timeout (tools/qemu-run sends SIGKILL) runs no at_exit, and a
	 * buffer cut at 4 KiB would leave half a line. */
	setvbuf(out, NULL, _IOLBF, BUFSIZ);
	fprintf(out,
		"{\"tlbmodel\":{\"cpu\":\"%s\",\"source\":\"%s\",\"pcid\":\"%s\",\"global\":\"%s\","
		"\"hints_seen\":false,\"vcpus\":%u}}\n",
		cfg->name, cfg->source, pcid_names[opt->pcid], opt->global_upper ? "upper" : "none",
		n);
	return fd;
}

/* sum += the core's running totals.  stats_sub() only subtracts, and
 * a + b is a - (0 - b) in unsigned arithmetic, which wraps alike. */
static void stats_add(struct stats *sum, const struct stats *s)
{
	static const struct stats zero;
	struct stats neg, was = *sum;
	stats_sub(&neg, &zero, s);
	stats_sub(sum, &was, &neg);
}

void feed_finish(struct feed *fd)
{
	if (!fd)
		return;
	struct stats total = {0};
	uint64_t regions = 0, unpaired = 0;
	for (unsigned i = 0; i < fd->ncores; i++) {
		struct core *cpu = &fd->cores[i];
		stats_add(&total, stats_now(cpu));
		regions += cpu->regions;
		/* A region still open at exit never ended: unpaired too. */
		unpaired += cpu->unpaired + (cpu->in_region ? 1 : 0);
	}
	flockfile(fd->out);
	fputs("{\"total\":{", fd->out);
	put_stats(fd->out, &total);
	fprintf(fd->out, "},\"regions\":%llu,\"unpaired\":%llu,\"hints_seen\":%s,\"vcpus\":%u}\n",
		(unsigned long long)regions, (unsigned long long)unpaired,
		fd->hints_seen ? "true" : "false", fd->ncores);
	funlockfile(fd->out);
	feed_free(fd);
}
