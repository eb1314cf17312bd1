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

struct feed {
	struct tlbm *m;
	FILE *out;
	struct feed_options opt;
	struct stats now, begin; /* now.tlb is refreshed from the model when read */
	int in_region;
	uint64_t regions, unpaired;
	int hints_seen;	  /* a HINT_WINDOW hint completed */
	int window_known; /* its first load was seen: window is the base */
	uint64_t window;
	struct hint h;
	struct pcidmap *pcids; /* pcid=model only */
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

/* fd->now with the model's counters as they are. */
static const struct stats *stats_now(struct feed *fd)
{
	fd->now.tlb = *tlbm_counters(fd->m);
	return &fd->now;
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

static void roi_begin(struct feed *fd)
{
	if (fd->in_region)
		fd->unpaired++; /* the open region is dropped, never joined */
	fd->begin = *stats_now(fd);
	fd->in_region = 1;
}

static void roi_end(struct feed *fd)
{
	if (!fd->in_region) {
		fd->unpaired++;
		return;
	}
	struct stats d;
	stats_sub(&d, stats_now(fd), &fd->begin);
	/* The plugin counts an instruction before it runs, so the difference
	 * holds the BEGIN marker or the END marker, never both: one off makes
	 * it the instructions strictly between the two. */
	d.insns--;
	fprintf(fd->out, "{\"region\":%llu,", (unsigned long long)fd->regions++);
	put_stats(fd->out, &d);
	fputs("}\n", fd->out);
	fd->in_region = 0;
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

static void hint_error(struct feed *fd)
{
	fd->now.hint_errors++;
	fd->h.op = 0;
}

static void hint_start(struct feed *fd, uint16_t op)
{
	for (unsigned i = 0; i < sizeof hint_ops / sizeof hint_ops[0]; i++)
		if (hint_ops[i].op == op) {
			if (fd->h.op)
				hint_error(fd); /* the previous one never got its loads */
			fd->h.op = op;
			fd->h.need = hint_ops[i].loads;
			fd->h.got = 0;
			return;
		}
	/* an unknown op: a NOP like any other */
}

/* A hint marker that a task ran (feed.h, feed_insn()): the kernel's
 * hints come from its image in the upper half only.  A hint error; the
 * kernel's hint in progress, if any, is left alone. */
static void hint_forged(struct feed *fd, uint16_t op)
{
	for (unsigned i = 0; i < sizeof hint_ops / sizeof hint_ops[0]; i++)
		if (hint_ops[i].op == op)
			fd->now.hint_errors++;
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
static void apply_cr4(struct feed *fd, uint64_t bits)
{
	int pcide = fd->opt.pcid == FEED_PCID_MODEL ||
		    (fd->opt.pcid == FEED_PCID_HINTS && (bits & TLBMARK_CR4_PCIDE));
	tlbm_write_cr4(fd->m, (bits & TLBMARK_CR4_PGE) != 0, pcide);
}

/* AS_FREE with pcid=model: the root's PCID is free, and its entries go
 * (INVPCID type 1 on that PCID, SDM Vol. 3A 4.10.4.1), so the next root
 * to get it starts empty even before its first activation flushes.
 * Elsewhere AS_FREE changes nothing. */
static void as_free(struct feed *fd, uint64_t frame)
{
	const char *why;
	uint16_t pcid = fd->pcids ? pcidmap_release(fd->pcids, frame) : 0;
	if (!pcid)
		return;
	fd->now.pcids[PM_FREED]++;
	if (tlbm_invpcid(fd->m, 1, pcid, 0, &why) < 0)
		fd->now.hint_errors++; /* never: the model has CR4.PCIDE = 1 */
}

/* All the loads of fd->h are in: announce the window, or arm the hint for
 * its instruction. */
static void hint_complete(struct feed *fd)
{
	struct hint *h = &fd->h;
	h->armed = h->op;
	if (h->op == TLBMARK_HINT_WINDOW) {
		fd->hints_seen = 1;
		h->armed = 0;
		apply_cr4(fd, h->chunk[1]);
	} else if (h->op == TLBMARK_AS_FREE) {
		h->armed = 0; /* no instruction follows: the root dies now */
		as_free(fd, hint_frame(h->chunk));
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
static int hint_load(struct feed *fd, uint64_t vaddr, int store)
{
	if (fd->h.op == TLBMARK_HINT_WINDOW && fd->h.got == 0 && !store) {
		fd->window = vaddr;
		fd->window_known = 1;
	} else if (store || !fd->window_known || vaddr - fd->window >= TLBMARK_WINDOW_SIZE) {
		hint_error(fd);
		return 0;
	}
	fd->h.chunk[fd->h.got++] = vaddr - fd->window;
	if (fd->h.got == fd->h.need)
		hint_complete(fd);
	return 1;
}

/* 1 when the armed hint is for an instruction of `op`'s kind (either CR3
 * op); a hint armed for another instruction is an error.  Disarms. */
static int hint_take(struct feed *fd, uint16_t op)
{
	uint16_t armed = fd->h.armed;
	fd->h.armed = 0;
	if (!armed)
		return 0;
	if (armed == TLBMARK_CR3_NOFLUSH)
		armed = TLBMARK_CR3_FLUSH;
	if (armed != op) {
		fd->now.hint_errors++;
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
static void cr3_model(struct feed *fd, int hinted)
{
	if (!hinted) {
		if (fd->hints_seen || fd->in_region)
			fd->now.hint_errors++;
		tlbm_write_cr3(fd->m, 0);
		return;
	}
	int fresh, recycled;
	uint16_t pcid = pcidmap_activate(fd->pcids, fd->h.frame, &fresh, &recycled);
	fd->now.pcids[PM_FRESH] += (uint64_t)fresh;
	fd->now.pcids[PM_RECYCLED] += (uint64_t)recycled;
	tlbm_write_cr3(fd->m, pcid | (fd->h.keep && !fresh ? TLBM_CR3_NOFLUSH : 0));
}

/* pcid=off, and pcid=hints without a hint: a MOV to CR3 flushes the
 * non-global entries, as with CR4.PCIDE = 0. */
static void on_mov_cr3(struct feed *fd)
{
	int hinted = hint_take(fd, TLBMARK_CR3_FLUSH);
	if (fd->opt.pcid == FEED_PCID_MODEL)
		cr3_model(fd, hinted);
	else
		tlbm_write_cr3(fd->m, hinted && fd->opt.pcid == FEED_PCID_HINTS ? fd->h.value : 0);
}

static void on_mov_cr4(struct feed *fd)
{
	if (hint_take(fd, TLBMARK_CR4))
		apply_cr4(fd, fd->h.value);
	else
		fd->now.unmodelled[UNM_CR4]++;
}

static void on_invlpg(struct feed *fd)
{
	if (hint_take(fd, TLBMARK_INVLPG))
		tlbm_invlpg(fd->m, fd->h.value);
	else
		fd->now.unmodelled[UNM_INVLPG]++;
}

static void on_invpcid(struct feed *fd)
{
	const char *why;
	if (!hint_take(fd, TLBMARK_INVPCID))
		fd->now.unmodelled[UNM_INVPCID]++;
	else if (tlbm_invpcid(fd->m, (unsigned)fd->h.type, (uint16_t)fd->h.pcid, fd->h.value,
			      &why) < 0)
		fd->now.hint_errors++; /* the CPU raised #GP: nothing was invalidated */
}

/* Per class, what its execution does beyond being counted. */
static void (*const on_kind[INSN_KINDS])(struct feed *fd) = {
    [INSN_MOV_CR3] = on_mov_cr3,
    [INSN_MOV_CR4] = on_mov_cr4,
    [INSN_INVLPG] = on_invlpg,
    [INSN_INVPCID] = on_invpcid,
};

void feed_insn(struct feed *fd, enum insn_kind kind, uint16_t op, int upper)
{
	if ((unsigned)kind >= INSN_KINDS)
		return;
	fd->now.events[kind]++;
	if (kind == INSN_MARKER && op == TLBMARK_ROI_BEGIN)
		roi_begin(fd);
	else if (kind == INSN_MARKER && op == TLBMARK_ROI_END)
		roi_end(fd);
	else if (kind == INSN_MARKER && upper)
		hint_start(fd, op);
	else if (kind == INSN_MARKER)
		hint_forged(fd, op);
	else if (on_kind[kind])
		on_kind[kind](fd);
}

static int global_page(const struct feed *fd, uint64_t vaddr)
{
	return fd->opt.global_upper && (vaddr >> 63);
}

void feed_fetch(struct feed *fd, uint64_t vaddr)
{
	tlbm_access(fd->m, TLBM_FETCH, vaddr, global_page(fd, vaddr));
}

void feed_mem(struct feed *fd, uint64_t vaddr, int store)
{
	if (fd->h.op && hint_load(fd, vaddr, store))
		return;
	tlbm_access(fd->m, store ? TLBM_STORE : TLBM_LOAD, vaddr, global_page(fd, vaddr));
}

uint64_t *feed_insn_counter(struct feed *fd)
{
	return &fd->now.insns;
}

const struct tlbm *feed_model(const struct feed *fd)
{
	return fd->m;
}

/* --- life ----------------------------------------------------------------------- */

static const char *const pcid_names[] = {
    [FEED_PCID_OFF] = "off",
    [FEED_PCID_HINTS] = "hints",
    [FEED_PCID_MODEL] = "model",
};

struct feed *feed_new(const struct tlbm_config *cfg, const struct feed_options *opt, FILE *out,
		      const char **why)
{
	struct feed *fd = calloc(1, sizeof *fd);
	if (!fd) {
		*why = "out of memory";
		return NULL;
	}
	fd->m = tlbm_new(cfg, why);
	if (!fd->m) {
		free(fd);
		return NULL;
	}
	if (opt->pcid == FEED_PCID_MODEL && !(fd->pcids = pcidmap_new())) {
		tlbm_free(fd->m);
		free(fd);
		*why = "out of memory";
		return NULL;
	}
	/* Each line reaches the file whole as it ends: QEMU killed at a
	 * timeout (tools/qemu-run sends SIGKILL) runs no at_exit, and a
	 * buffer cut at 4 KiB would leave half a line. */
	setvbuf(out, NULL, _IOLBF, BUFSIZ);
	fd->out = out;
	fd->opt = *opt;
	/* Until a hint says otherwise: CR4.PGE as the global rule wants,
	 * CR4.PCIDE = 0, or 1 with pcid=model (on an empty model with PCID 0
	 * this flushes nothing). */
	tlbm_write_cr4(fd->m, opt->global_upper, opt->pcid == FEED_PCID_MODEL);
	fprintf(out,
		"{\"tlbmodel\":{\"cpu\":\"%s\",\"source\":\"%s\",\"pcid\":\"%s\",\"global\":\"%s\","
		"\"hints_seen\":false}}\n",
		cfg->name, cfg->source, pcid_names[opt->pcid],
		opt->global_upper ? "upper" : "none");
	return fd;
}

void feed_finish(struct feed *fd)
{
	if (!fd)
		return;
	fputs("{\"total\":{", fd->out);
	put_stats(fd->out, stats_now(fd));
	/* A region still open at exit never ended: unpaired too. */
	fprintf(fd->out, "},\"regions\":%llu,\"unpaired\":%llu,\"hints_seen\":%s}\n",
		(unsigned long long)fd->regions,
		(unsigned long long)(fd->unpaired + (fd->in_region ? 1 : 0)),
		fd->hints_seen ? "true" : "false");
	tlbm_free(fd->m);
	pcidmap_free(fd->pcids);
	free(fd);
}
