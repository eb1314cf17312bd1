/* sysfuzz: SYS_MAP and SYS_UNMAP against a model of the heap window, and the sequences that fill it
 * and exhaust memory. */
#include "sysfuzz.h"

/*
 * SYS_MAP hands out the window's next address and moves it past the
 * mapping and one unmapped guard page; it never moves back
 * (guest/core/task_memory.c).  So the model knows what each map must return: that
 * address, or ENOMEM when the window has no room for it (or memory ran
 * out: the only thing it cannot know), and what each unmap must do: 0 when
 * every page is one the fuzzer mapped and still has, else EINVAL, all or
 * nothing.  Small mappings stay tracked (struct fz_map) for the buffer
 * generator: scratch ones as destinations, pattern ones checked before
 * they go, read-only ones checked to stay zero.
 */

#define PROT_RW (SHOJI_PROT_READ | SHOJI_PROT_WRITE)
#define CHUNK_FILL (4UL << 20)
#define CHUNK_DRAIN (2UL << 20)
#define DRAIN_MAX 64

static uint64_t room(const struct fz *f)
{
	return f->heap_next < f->heap_hi ? f->heap_hi - f->heap_next : 0;
}

static uint64_t pattern(const struct fz *f, uint64_t va)
{
	return (va * 0x9e3779b97f4a7c15ULL) ^ f->seed ^ 0x5046;
}

static uint64_t pages_of(uint64_t len)
{
	return (len + FZ_PAGE - 1) / FZ_PAGE;
}

static bool in_window(const struct fz *f, uint64_t va)
{
	return va - f->heap_lo < FZ_HEAP_WINDOW;
}

enum fz_page fz_heap_kind(const struct fz *f, uint64_t va)
{
	for (unsigned i = 0; i < FZ_MAPS; i++) {
		const struct fz_map *m = &f->maps[i];
		uint64_t pg = (va - m->va) / FZ_PAGE;
		if (!m->pages || va < m->va || pg >= m->pages || !(m->live >> pg & 1))
			continue;
		return m->use == MU_SCRATCH ? PG_SCRATCH : m->use == MU_PATTERN ? PG_KEEP : PG_RO;
	}
	return PG_BAD;
}

/* A run of live pages of a random tracked mapping (scratch ones only when
 * scratch_only). */
static bool live_run(struct fz *f, bool scratch_only, uint64_t *lo, uint64_t *hi)
{
	unsigned start = (unsigned)fz_below(f, FZ_MAPS);
	for (unsigned k = 0; k < FZ_MAPS; k++) {
		struct fz_map *m = &f->maps[(start + k) % FZ_MAPS];
		if (!m->pages || !m->live || (scratch_only && m->use != MU_SCRATCH))
			continue;
		unsigned pg = (unsigned)fz_below(f, m->pages);
		while (!(m->live >> pg & 1))
			pg = (pg + 1) % m->pages;
		unsigned a = pg, b = pg + 1;
		while (a > 0 && (m->live >> (a - 1) & 1))
			a--;
		while (b < m->pages && (m->live >> b & 1))
			b++;
		*lo = m->va + a * FZ_PAGE;
		*hi = m->va + b * FZ_PAGE;
		return true;
	}
	return false;
}

bool fz_heap_scratch(struct fz *f, uint64_t *lo, uint64_t *hi)
{
	return live_run(f, true, lo, hi);
}

bool fz_heap_region(struct fz *f, uint64_t *lo, uint64_t *hi)
{
	return live_run(f, false, lo, hi);
}

/* Fresh pages must read zero: a sample of each (every page of a small
 * mapping, 16 of a large one). */
static void check_zero(struct fz *f, uint64_t va, uint64_t pages)
{
	uint64_t step = pages > 16 ? pages / 16 : 1;
	for (uint64_t i = 0; i < pages; i += step) {
		const volatile uint64_t *p = (const volatile uint64_t *)(va + i * FZ_PAGE);
		unsigned w = (unsigned)fz_below(f, FZ_PAGE / 8);
		if (p[0] || p[w] || p[FZ_PAGE / 8 - 1]) {
			fz_bug(f, "mapped page %#lx is not zeroed",
			       (unsigned long)(va + i * FZ_PAGE));
			return;
		}
	}
}

/* Checks the pages [first, first + n) of m that are live: a pattern page
 * must hold its pattern, a read-only one zero. */
static void check_map(struct fz *f, const struct fz_map *m, unsigned first, unsigned n)
{
	for (unsigned i = first; i < first + n && i < m->pages; i++) {
		if (!(m->live >> i & 1) || m->use == MU_SCRATCH)
			continue;
		uint64_t va = m->va + i * FZ_PAGE;
		const volatile uint64_t *p = (const volatile uint64_t *)va;
		for (unsigned w = 0; w < FZ_PAGE / 8; w++) {
			uint64_t want = m->use == MU_PATTERN ? pattern(f, va + w * 8) : 0;
			if (p[w] != want) {
				fz_bug(f, "heap page %#lx changed: word %u is %#lx, want %#lx",
				       (unsigned long)va, w, (unsigned long)p[w],
				       (unsigned long)want);
				break;
			}
		}
	}
}

/* What SYS_MAP(len, prot) must return: 0 for "the next address (or
 * ENOMEM if memory is short)", else the error. */
static long map_expect(const struct fz *f, uint64_t len, uint64_t prot)
{
	if (!len || !prot || (prot & ~(uint64_t)PROT_RW))
		return -SHOJI_EINVAL;
	if (len > FZ_HEAP_WINDOW || pages_of(len) * FZ_PAGE > room(f))
		return -SHOJI_ENOMEM;
	return 0;
}

/* SYS_MAP, checked against the model, which follows the kernel.  Returns
 * the result; a mapping outside the window is a bug, kept away from. */
static long do_map(struct fz *f, uint64_t len, uint64_t prot)
{
	long want = map_expect(f, len, prot);
	long r = fz_syscall(f, SYS_MAP, len, prot, fz_edge(f), fz_edge(f), 0, 0);

	if (r < 0) {
		if (r != (want ? want : -SHOJI_ENOMEM))
			fz_bug(f, "map(%#lx, %#lx) = %s, want %s", (unsigned long)len,
			       (unsigned long)prot, sys_errname(r),
			       want ? sys_errname(want) : "an address");
		return r;
	}
	uint64_t va = (uint64_t)r;
	if (want)
		fz_bug(f, "map(%#lx, %#lx) = %#lx, want %s (window [%#lx, %#lx), next %#lx)",
		       (unsigned long)len, (unsigned long)prot, (unsigned long)va,
		       sys_errname(want), (unsigned long)f->heap_lo, (unsigned long)f->heap_hi,
		       (unsigned long)f->heap_next);
	else if (va != f->heap_next)
		fz_bug(f, "map(%#lx) = %#lx, want the window's next address %#lx",
		       (unsigned long)len, (unsigned long)va, (unsigned long)f->heap_next);
	bool ours = !want && va == f->heap_next && in_window(f, va);
	f->heap_next = va + (pages_of(len) + 1) * FZ_PAGE; /* where the kernel goes on */
	if (!ours)
		return -SHOJI_EFAULT; /* not to be touched: the model keeps it bad */
	check_zero(f, va, pages_of(len));
	return r;
}

/* What SYS_UNMAP(va, len) must return by the model. */
static long unmap_expect(const struct fz *f, uint64_t va, uint64_t len)
{
	if (!len || (va & (FZ_PAGE - 1)) || !in_window(f, va) || len > f->heap_hi - va)
		return -SHOJI_EINVAL;
	uint64_t pages = pages_of(len);
	if (pages > FZ_MAP_PAGES) /* tracked mappings are shorter, guard pages part them */
		return -SHOJI_EINVAL;
	for (uint64_t i = 0; i < pages; i++)
		if (fz_heap_kind(f, va + i * FZ_PAGE) == PG_BAD)
			return -SHOJI_EINVAL;
	return 0;
}

/* Marks [va, va + pages) unmapped in the model. */
static void forget(struct fz *f, uint64_t va, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t p = va + i * FZ_PAGE;
		for (unsigned k = 0; k < FZ_MAPS; k++) {
			struct fz_map *m = &f->maps[k];
			if (m->pages && p >= m->va && (p - m->va) / FZ_PAGE < m->pages)
				m->live &= ~(1UL << ((p - m->va) / FZ_PAGE));
			if (m->pages && !m->live)
				m->pages = 0;
		}
		f->freed[f->nfreed++ % (sizeof(f->freed) / sizeof(f->freed[0]))] = p;
	}
	if (f->nfreed > sizeof(f->freed) / sizeof(f->freed[0]))
		f->nfreed = sizeof(f->freed) / sizeof(f->freed[0]);
}

/* SYS_UNMAP, checked against the model: what goes is checked first, and
 * what a refused unmap covered must still be there (all or nothing). */
static long do_unmap(struct fz *f, uint64_t va, uint64_t len)
{
	long want = unmap_expect(f, va, len);
	for (unsigned k = 0; !want && k < FZ_MAPS; k++) {
		const struct fz_map *m = &f->maps[k];
		if (m->pages && va < m->va + m->pages * FZ_PAGE && va + len > m->va)
			check_map(f, m, 0, m->pages);
	}
	long r = fz_syscall(f, SYS_UNMAP, va, len, fz_edge(f), 0, 0, 0);
	if (r != want)
		fz_bug(f, "unmap(%#lx, %#lx) = %s, want %s", (unsigned long)va, (unsigned long)len,
		       r ? sys_errname(r) : "0", want ? sys_errname(want) : "0");
	if (!r && want == 0) {
		forget(f, va, pages_of(len));
	} else if (!r) {
		/* The kernel took what it should not have: stop using it. */
		if (len <= FZ_MAP_PAGES * FZ_PAGE && !(va & (FZ_PAGE - 1)))
			forget(f, va, pages_of(len));
	} else if (in_window(f, va) && len <= FZ_MAP_PAGES * FZ_PAGE) {
		for (uint64_t p = va & ~(FZ_PAGE - 1); p < va + len; p += FZ_PAGE)
			if (fz_heap_kind(f, p) != PG_BAD) /* faults if it went */
				(void)*(const volatile uint64_t *)p;
	}
	return r;
}

/* SYS_UNMAP of a mapping the fuzzer made and did not track: must be 0. */
static void unmap_whole(struct fz *f, uint64_t va, uint64_t len)
{
	long r = fz_syscall(f, SYS_UNMAP, va, len, 0, 0, 0, 0);
	if (r)
		fz_bug(f, "unmap(%#lx, %#lx) of its own mapping = %s, want 0", (unsigned long)va,
		       (unsigned long)len, sys_errname(r));
}

/* Tracks a fresh mapping of pages at va (false when there is no room:
 * the caller unmaps it). */
static bool track(struct fz *f, uint64_t va, uint64_t pages, uint64_t prot)
{
	if (pages > FZ_MAP_PAGES)
		return false;
	for (unsigned k = 0; k < FZ_MAPS; k++) {
		struct fz_map *m = &f->maps[k];
		if (m->pages)
			continue;
		m->va = va;
		m->pages = (unsigned)pages;
		m->live = pages == 64 ? ~0UL : (1UL << pages) - 1;
		m->use = !(prot & SHOJI_PROT_WRITE) ? MU_RO
			 : fz_chance(f, 500)	    ? MU_PATTERN
						    : MU_SCRATCH;
		if (m->use == MU_PATTERN)
			for (uint64_t w = 0; w < pages * FZ_PAGE / 8; w++)
				((volatile uint64_t *)va)[w] = pattern(f, va + w * 8);
		return true;
	}
	return false;
}

/* SYS_MAP, and what it gave tracked (or unmapped at once when it cannot
 * be): the model never loses a page. */
static void map_keep(struct fz *f, uint64_t len, uint64_t prot)
{
	long r = do_map(f, len, prot);
	if (r >= 0 && !track(f, (uint64_t)r, pages_of(len), prot))
		unmap_whole(f, (uint64_t)r, len);
}

void fz_heap_map(struct fz *f)
{
	static const uint64_t prots[] = {SHOJI_PROT_READ, SHOJI_PROT_WRITE, PROT_RW, PROT_RW};
	uint64_t len, prot;

	if (fz_chance(f, 750)) { /* sane: what a task asks */
		uint64_t pages = 1 + fz_below(f, fz_chance(f, 200) ? FZ_MAP_PAGES : 4);
		len = pages * FZ_PAGE - (fz_chance(f, 300) ? fz_below(f, FZ_PAGE) : 0);
		prot = prots[fz_below(f, 4)];
	} else {
		len = fz_chance(f, 500) ? fz_edge(f) : fz_len(f, 1UL << 20, true);
		prot = fz_chance(f, 700) ? 1 + fz_below(f, 3) : fz_edge(f);
		/* A large map zeroes its pages (or all free memory before
		 * ENOMEM): rarely, so that a run stays quick. */
		if (len > (8UL << 20) && len <= FZ_HEAP_WINDOW && !fz_chance(f, 30))
			len &= (1UL << 20) - 1;
	}
	map_keep(f, len, prot);
}

void fz_heap_unmap(struct fz *f)
{
	uint64_t va, len, r = fz_below(f, 10);
	struct fz_map *m = 0;

	for (unsigned k = 0, s = (unsigned)fz_below(f, FZ_MAPS); k < FZ_MAPS && !m; k++)
		if (f->maps[(s + k) % FZ_MAPS].pages)
			m = &f->maps[(s + k) % FZ_MAPS];
	if (r < 6 && m) {
		uint64_t i = fz_below(f, m->pages);
		switch (fz_below(f, 5)) {
		case 0: /* all of it (some pages may be gone already) */
			va = m->va, len = m->pages * FZ_PAGE;
			break;
		case 1: /* a piece */
			va = m->va + i * FZ_PAGE;
			len = (1 + fz_below(f, m->pages - i)) * FZ_PAGE -
			      (fz_chance(f, 300) ? fz_below(f, FZ_PAGE) : 0);
			break;
		case 2: /* all of it and the guard page after it */
			va = m->va, len = (m->pages + 1) * FZ_PAGE;
			break;
		case 3: /* one page, by a length under a page */
			va = m->va + i * FZ_PAGE, len = 1 + fz_below(f, FZ_PAGE);
			break;
		default: /* not page-aligned */
			va = m->va + i * FZ_PAGE + 1 + fz_below(f, FZ_PAGE - 1), len = FZ_PAGE;
			break;
		}
	} else if (r < 7 && f->nfreed) { /* twice */
		va = f->freed[fz_below(f, f->nfreed)], len = FZ_PAGE;
	} else if (r < 8) { /* never mapped: ahead of the next address, the window's end */
		va = fz_chance(f, 700) ? f->heap_next + fz_below(f, 4) * FZ_PAGE
				       : f->heap_hi - FZ_PAGE;
		len = (1 + fz_below(f, 2)) * FZ_PAGE;
	} else {
		va = fz_chance(f, 500) ? fz_bad_addr(f) : fz_edge(f);
		len = fz_len(f, 1UL << 20, true);
	}
	do_unmap(f, va, len);
}

void fz_heap_fill(struct fz *f)
{
	uint64_t leave = fz_below(f, 3); /* pages left free before the window's end */
	uint64_t end = f->heap_hi - leave * FZ_PAGE, chunk = CHUNK_FILL;
	unsigned starved = 0;

	printf("sysfuzz: task %ld: filling its heap window to %lu pages before its end\n", f->id,
	       (unsigned long)leave);
	while (f->heap_next < end) {
		uint64_t want = end - f->heap_next;
		uint64_t len = want < chunk ? want : chunk;
		long r = do_map(f, len, PROT_RW);
		if (r == -SHOJI_ENOMEM) { /* memory is short: others hold it */
			if (chunk > FZ_PAGE) {
				chunk /= 2;
			} else if (++starved > 100) {
				printf(
				    "sysfuzz: task %ld: memory stayed short, window not filled\n",
				    f->id);
				return;
			} else {
				fz_syscall(f, SYS_YIELD, 0, 0, 0, 0, 0, 0);
			}
			continue;
		}
		if (r < 0)
			return; /* a bug, reported */
		unmap_whole(f, (uint64_t)r, len);
	}
	/* Full, but for the pages left: the window's last page maps (and
	 * stays, a buffer at the window's very end), then every map must
	 * fail. */
	map_keep(f, FZ_PAGE + 1, SHOJI_PROT_READ);
	map_keep(f, 1, PROT_RW);
	map_keep(f, FZ_PAGE, PROT_RW);
	map_keep(f, FZ_PAGE, SHOJI_PROT_WRITE);
}

void fz_heap_drain(struct fz *f)
{
	uint64_t got[DRAIN_MAX];
	unsigned n = 0;

	while (n < DRAIN_MAX && room(f) >= CHUNK_DRAIN) {
		long r = do_map(f, CHUNK_DRAIN, PROT_RW);
		if (r < 0)
			break; /* ENOMEM: memory ran out, the point of it */
		got[n++] = (uint64_t)r;
	}
	/* Let the others meet the shortage too, then give it back. */
	fz_syscall(f, SYS_YIELD, 0, 0, 0, 0, 0, 0);
	map_keep(f, FZ_PAGE, PROT_RW);
	while (n)
		unmap_whole(f, got[--n], CHUNK_DRAIN);
}

void fz_heap_release(struct fz *f)
{
	for (unsigned k = 0; k < FZ_MAPS; k++) {
		struct fz_map *m = &f->maps[k];
		while (m->pages) {
			unsigned a = 0;
			while (!(m->live >> a & 1))
				a++;
			unsigned b = a;
			while (b < m->pages && (m->live >> b & 1))
				b++;
			uint64_t before = m->live;
			do_unmap(f, m->va + a * FZ_PAGE, (b - a) * FZ_PAGE);
			if (m->pages && m->live == before)
				m->pages = 0; /* refused (reported): let it be */
		}
	}
}
