/* sysfuzz: the random source, the fuzzer's model of its own memory, and the value, id and buffer
 * generators. */
#include "sysfuzz.h"

/*
 * The model says, for any address, what the kernel must do with it when
 * the fuzzer hands it over: the image pages as the ELF program headers
 * say (the kernel maps each page with the OR of its segments' flags,
 * loader/format/elf_task.c), the trampoline page read-only, the guard page
 * unmapped, the stack read-write, the heap window as sysfuzz_heap.c
 * tracks it, everything else refused.  So every generated buffer has a
 * known fate, and the oracles can insist on it.
 */

extern const char __ehdr_start[];

/* The only own memory the kernel may write (receive buffers, stats):
 * whole pages, so the model can mark them. */
static uint8_t scratch[FZ_SCRATCH_PAGES * FZ_PAGE] __attribute__((aligned(4096)));

/* ELF64 program headers, as far as the model needs them (System V gABI,
 * "Program Header"). */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD 1
#define PF_W 2

uint64_t fz_rand(struct fz *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t fz_below(struct fz *f, uint64_t n)
{
	return n ? fz_rand(f) % n : 0;
}

bool fz_chance(struct fz *f, unsigned per)
{
	return fz_below(f, 1000) < per;
}

uint64_t fz_sum(const volatile uint8_t *p, uint64_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (uint64_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

uint64_t fz_ro_sum(const struct fz *f)
{
	uint64_t h = 0;
	for (uint64_t off = 0; off < f->span; off += FZ_PAGE)
		if (f->img[off / FZ_PAGE] == PG_RO)
			h = h * 31 + fz_sum((const uint8_t *)(f->base + off), FZ_PAGE);
	return h;
}

void fz_model_init(struct fz *f)
{
	const uint8_t *eh = (const uint8_t *)__ehdr_start;
	uint64_t phoff = *(const uint64_t *)(eh + 32);
	uint16_t phentsize = *(const uint16_t *)(eh + 54), phnum = *(const uint16_t *)(eh + 56);
	uint8_t flags[FZ_GATE_OFF / FZ_PAGE] = {0};

	f->base = (uint64_t)(uintptr_t)__ehdr_start;
	f->slot = (unsigned)((f->base - FZ_TASK_AREA) / FZ_SLOT_SIZE);
	f->span = 0;
	for (unsigned i = 0; i < phnum; i++) {
		const struct phdr *p = (const struct phdr *)(eh + phoff + i * phentsize);
		if (p->type != PT_LOAD || !p->memsz)
			continue;
		uint64_t first = p->vaddr / FZ_PAGE, last = (p->vaddr + p->memsz - 1) / FZ_PAGE;
		for (uint64_t pg = first; pg <= last && pg < FZ_GATE_OFF / FZ_PAGE; pg++)
			flags[pg] |= (uint8_t)(p->flags | 0x80); /* 0x80: some segment */
		if ((last + 1) * FZ_PAGE > f->span)
			f->span = (last + 1) * FZ_PAGE;
	}
	uint64_t s_lo = (uint64_t)(uintptr_t)scratch, s_hi = s_lo + sizeof(scratch);
	for (uint64_t pg = 0; pg < f->span / FZ_PAGE; pg++) {
		uint64_t va = f->base + pg * FZ_PAGE;
		if (!flags[pg])
			f->img[pg] = PG_BAD;
		else if (!(flags[pg] & PF_W))
			f->img[pg] = PG_RO;
		else
			f->img[pg] = va >= s_lo && va < s_hi ? PG_SCRATCH : PG_KEEP;
	}
	/* The trampoline page starts with SYSCALL (0f 05) for ring 3, with
	 * "movabs $ktask_gate, %rcx" (48 b9) for ring 0 (task_load.c). */
	const volatile uint8_t *gate = (const volatile uint8_t *)(f->base + FZ_GATE_OFF);
	f->mode = f->slot == 0 ? "process" : gate[0] == 0x48 ? "kernel" : "shared";
	f->heap_lo = FZ_HEAP_AREA + (uint64_t)f->slot * FZ_HEAP_WINDOW;
	f->heap_hi = f->heap_lo + FZ_HEAP_WINDOW;
	f->heap_next = f->heap_lo;
	f->ro_sum = fz_ro_sum(f);
}

enum fz_page fz_page_kind(const struct fz *f, uint64_t va)
{
	if (va - f->base < FZ_SLOT_SIZE) {
		uint64_t off = va - f->base;
		if (off < FZ_GATE_OFF)
			return off < f->span ? (enum fz_page)f->img[off / FZ_PAGE] : PG_BAD;
		if (off < FZ_GUARD_OFF)
			return PG_RO;
		if (off < FZ_STACK_OFF)
			return PG_BAD;
		return off < FZ_STACK_OFF + FZ_STACK_SCRATCH ? PG_SCRATCH : PG_KEEP;
	}
	if (va - f->heap_lo < FZ_HEAP_WINDOW)
		return fz_heap_kind(f, va);
	return PG_BAD;
}

enum fz_class fz_classify(const struct fz *f, uint64_t va, uint64_t len, bool write)
{
	bool keep = false;

	if (!len)
		return CL_OK;
	/* No own range is this long (mappings are at most 64 pages, guard
	 * pages part them), and a range that wraps is nobody's. */
	if (len > (1UL << 20) || va + len < va)
		return CL_BAD;
	for (uint64_t p = va & ~(FZ_PAGE - 1); p < va + len; p += FZ_PAGE) {
		enum fz_page k = fz_page_kind(f, p);
		if (k == PG_BAD || (write && k == PG_RO))
			return CL_BAD;
		if (write && k == PG_KEEP)
			keep = true;
	}
	return keep ? CL_KEEP : CL_OK;
}

uint64_t fz_edge(struct fz *f)
{
	static const uint64_t v[] = {
	    0,
	    1,
	    2,
	    7,
	    8,
	    9,
	    63,
	    64,
	    65,
	    4095,
	    4096,
	    4097,
	    8192,
	    0x7fffffffUL,
	    0x80000000UL,
	    0xffffffffUL,
	    1UL << 32,
	    (1UL << 32) + 1,
	    1UL << 63,
	    (uint64_t)INT64_MAX,
	    (uint64_t)INT64_MIN + 1,
	    (uint64_t)-1,
	    (uint64_t)-2,
	    (uint64_t)-4096,
	    FZ_HEAP_WINDOW - 1,
	    FZ_HEAP_WINDOW,
	    FZ_HEAP_WINDOW + 1,
	    FZ_SLOT_SIZE,
	    FZ_TASK_AREA,
	    FZ_HEAP_AREA,
	    FZ_KERNEL_VMA,
	    FZ_PHYSMAP,
	    0x0000800000000000UL,
	    FZ_TASK_MAX - 1,
	    FZ_TASK_MAX,
	    SHOJI_IPC_MAX + 1,
	};
	switch (fz_below(f, 8)) {
	case 0:
		return f->base + fz_below(f, FZ_SLOT_SIZE);
	case 1:
		return f->heap_next + fz_below(f, 3) * FZ_PAGE - FZ_PAGE;
	case 2:
		return fz_rand(f);
	default:
		return v[fz_below(f, sizeof(v) / sizeof(v[0]))];
	}
}

uint64_t fz_len(struct fz *f, uint64_t max, bool huge_ok)
{
	static const uint64_t small[] = {0,    1,    2,	   7,	 8,    9,    15,   16,
					 17,   31,   32,   33,	 63,   64,   65,   127,
					 128,  255,  256,  511,	 512,  1023, 1024, 2047,
					 2048, 4095, 4096, 4097, 8191, 8192, 8193, 16384};
	static const uint64_t huge[] = {
	    1UL << 20,		 FZ_HEAP_WINDOW,
	    FZ_HEAP_WINDOW + 1,	 1UL << 32,
	    (1UL << 32) + 8,	 1UL << 63,
	    (uint64_t)INT64_MAX, (uint64_t)-1,
	    (uint64_t)-4096,	 (uint64_t)-FZ_PAGE + 1,
	};
	uint64_t r = fz_below(f, 100), v;

	if (huge_ok && r < 8)
		return huge[fz_below(f, sizeof(huge) / sizeof(huge[0]))];
	if (r < 65)
		v = small[fz_below(f, sizeof(small) / sizeof(small[0]))];
	else
		v = fz_below(f, max + 1);
	return v <= max ? v : max;
}

uint64_t fz_bad_addr(struct fz *f)
{
	static const uint64_t noncanon[] = {
	    0x0000800000000000UL, 0x8000000000000000UL, 0x0000ffffffffffffUL, 0xffff7fffffffffffUL,
	    0xdead0000dead0000UL, 0x00ff000000001000UL, 0x7fff800000000000UL,
	};
	uint64_t off = fz_chance(f, 500) ? fz_below(f, FZ_PAGE) : fz_below(f, 4) * 8;
	unsigned other = (unsigned)((f->slot + 1 + fz_below(f, FZ_SLOTS - 1)) % FZ_SLOTS);
	uint64_t other_slot = FZ_TASK_AREA + other * FZ_SLOT_SIZE;

	switch (fz_below(f, 16)) {
	case 0: /* the null page */
		return fz_below(f, FZ_PAGE);
	case 1: /* the guard page under the stack */
		return f->base + FZ_GUARD_OFF + off;
	case 2: /* between the image and the trampoline */
		if (f->span < FZ_GATE_OFF)
			return f->base + f->span + fz_below(f, FZ_GATE_OFF - f->span);
		return f->base + FZ_GUARD_OFF;
	case 3: { /* a neighbour's slot: image, data, trampoline, stack */
		static const uint64_t at[] = {0,	   0x1000,	 0x5000,
					      FZ_GATE_OFF, FZ_STACK_OFF, FZ_SLOT_SIZE - 0x100};
		return other_slot + at[fz_below(f, sizeof(at) / sizeof(at[0]))] + fz_below(f, 64);
	}
	case 4: /* a neighbour's heap window: its first mappings */
		return FZ_HEAP_AREA + other * FZ_HEAP_WINDOW + fz_below(f, 3) * FZ_PAGE + off;
	case 5: /* the own window, where nothing is mapped */
		if (f->nfreed && fz_chance(f, 500))
			return f->freed[fz_below(f, f->nfreed)] + off;
		return f->heap_next + fz_below(f, 4) * FZ_PAGE + off;
	case 6: { /* the window's edges: its last page, one past it, one below */
		uint64_t at[] = {f->heap_hi - FZ_PAGE, f->heap_hi, f->heap_lo - FZ_PAGE};
		return at[fz_below(f, 3)] + off;
	}
	case 7: /* the kernel image */
		return FZ_KERNEL_VMA + (fz_chance(f, 500) ? 0x100000 + fz_below(f, 0x10) * FZ_PAGE
							  : fz_below(f, 16UL << 20));
	case 8: /* the physmap: all RAM */
		return FZ_PHYSMAP + (fz_chance(f, 300) ? 0x100000 : fz_below(f, 128UL << 20));
	case 9: /* the local APIC */
		return FZ_FIXMAP + off;
	case 10:
		return noncanon[fz_below(f, sizeof(noncanon) / sizeof(noncanon[0]))] + off;
	case 11: /* the top of memory: ranges there wrap */
		return (uint64_t)-FZ_PAGE + off;
	case 12: /* the end of the user half */
		return 0x00007ffffffff000UL + off;
	case 13: /* just outside the task area */
		return fz_chance(f, 500) ? FZ_TASK_AREA - FZ_PAGE + off
					 : FZ_TASK_AREA + FZ_SLOTS * FZ_SLOT_SIZE + off;
	case 14: /* just outside the heap area */
		return fz_chance(f, 500) ? FZ_HEAP_AREA - FZ_PAGE + off
					 : FZ_HEAP_AREA + FZ_SLOTS * FZ_HEAP_WINDOW + off;
	default:
		return fz_edge(f);
	}
}

/* A region of own memory to take a buffer from: scratch only for a write,
 * any readable kind for a read. */
static void region(struct fz *f, bool write, uint64_t *lo, uint64_t *hi)
{
	uint64_t stack_lo = f->base + FZ_STACK_OFF;
	unsigned r = (unsigned)fz_below(f, write ? 3 : 6);

	if (r == 2 && (write ? fz_heap_scratch(f, lo, hi) : fz_heap_region(f, lo, hi)))
		return;
	if (r == 1) {
		*lo = stack_lo;
		*hi = stack_lo + FZ_STACK_SCRATCH;
		return;
	}
	if (r == 3) { /* the whole stack, up to its top (argv) */
		*lo = stack_lo;
		*hi = f->base + FZ_SLOT_SIZE;
		return;
	}
	if (r == 4) { /* the trampoline page */
		*lo = f->base + FZ_GATE_OFF;
		*hi = *lo + FZ_PAGE;
		return;
	}
	if (r == 5) { /* a run of readable image pages */
		uint64_t pg = fz_below(f, f->span / FZ_PAGE);
		uint64_t a = pg, b = pg + 1;
		if (f->img[pg] != PG_BAD) {
			while (a > 0 && f->img[a - 1] != PG_BAD)
				a--;
			while (b < f->span / FZ_PAGE && f->img[b] != PG_BAD)
				b++;
			*lo = f->base + a * FZ_PAGE;
			*hi = f->base + b * FZ_PAGE;
			return;
		}
	}
	*lo = (uint64_t)(uintptr_t)scratch;
	*hi = *lo + sizeof(scratch);
}

/* An offset for a buffer of len in [lo, hi): at either end or anywhere. */
static uint64_t place(struct fz *f, uint64_t lo, uint64_t hi, uint64_t len)
{
	uint64_t room = hi - lo - len;
	switch (fz_below(f, 4)) {
	case 0:
		return lo;
	case 1:
		return hi - len;
	case 2: { /* ending at a page boundary inside the region */
		uint64_t b = (lo + fz_below(f, hi - lo) + FZ_PAGE) & ~(FZ_PAGE - 1);
		if (b > hi)
			b = hi;
		return b >= lo + len ? b - len : lo;
	}
	default:
		return lo + fz_below(f, room + 1);
	}
}

enum fz_class fz_buffer(struct fz *f, bool write, uint64_t max, uint64_t *va, uint64_t *len)
{
	uint64_t lo, hi, r = fz_below(f, 100);

	region(f, write, &lo, &hi);
	if (r < 70) { /* valid */
		*len = fz_len(f, max < hi - lo ? max : hi - lo, false);
		*va = place(f, lo, hi, *len);
	} else if (r < 82) { /* straddling one end of the region */
		uint64_t in = 1 + fz_below(f, fz_chance(f, 500) ? 64 : FZ_PAGE);
		uint64_t out = 1 + fz_below(f, fz_chance(f, 500) ? 64 : FZ_PAGE);
		if (in > hi - lo)
			in = hi - lo;
		*len = in + out;
		*va = fz_chance(f, 500) ? hi - in : lo - out;
	} else if (r < 95) { /* a bad address */
		*va = fz_bad_addr(f);
		*len = fz_len(f, max, true);
		if (!*len && fz_chance(f, 800))
			*len = 1 + fz_below(f, 64);
	} else { /* a valid start, a length that runs off or wraps */
		uint64_t wild[] = {(uint64_t)-1, 1UL << 63, (uint64_t)INT64_MAX,
				   -lo,		 1UL << 32, FZ_HEAP_WINDOW + 1};
		*va = lo + fz_below(f, hi - lo);
		*len = wild[fz_below(f, sizeof(wild) / sizeof(wild[0]))];
	}
	enum fz_class c = fz_classify(f, *va, *len, write);
	/* Never let the kernel write the fuzzer's own state: a kernel
	 * address instead, refused whatever the length. */
	for (unsigned tries = 0; c == CL_KEEP && tries < 8; tries++) {
		*va = fz_bad_addr(f);
		c = fz_classify(f, *va, *len, write);
	}
	if (c == CL_KEEP) {
		*va = FZ_KERNEL_VMA + 0x100000;
		c = CL_BAD;
	}
	return c;
}

uint64_t fz_scratch(struct fz *f, uint64_t len)
{
	uint64_t lo, hi;
	region(f, true, &lo, &hi);
	return place(f, lo, hi, len);
}

/* --- task ids ----------------------------------------------------------- */

int fz_ids_find(const struct fz_ids *s, long id)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->id[i] == id)
			return (int)i;
	return -1;
}

enum fz_idk fz_id_kind(const struct fz *f, long id)
{
	if (id == f->id)
		return ID_SELF;
	if (id == 0)
		return ID_ZERO;
	if (fz_ids_find(&f->clients, id) >= 0)
		return ID_CLIENT;
	if (fz_ids_find(&f->servers, id) >= 0)
		return ID_SERVER;
	if (fz_ids_find(&f->victims, id) >= 0)
		return ID_VICTIM;
	return ID_NONE;
}

long fz_id(struct fz *f, enum fz_idk *kind)
{
	static const unsigned weight[] = {[ID_SELF] = 8,    [ID_CLIENT] = 25, [ID_SERVER] = 30,
					  [ID_VICTIM] = 12, [ID_ZERO] = 10,   [ID_NONE] = 15};
	unsigned r = (unsigned)fz_below(f, 100), k = 0;
	while (r >= weight[k]) {
		r -= weight[k];
		k++;
	}
	const struct fz_ids *s = k == ID_CLIENT	  ? &f->clients
				 : k == ID_SERVER ? &f->servers
				 : k == ID_VICTIM ? &f->victims
						  : 0;
	*kind = (enum fz_idk)k;
	if (k == ID_SELF)
		return f->id;
	if (k == ID_ZERO)
		return 0;
	if (s && s->n) {
		long id = s->id[fz_below(f, s->n)];
		*kind = fz_id_kind(f, id); /* the own id is in its set too */
		return id;
	}
	*kind = ID_NONE;
	const long none[] = {FZ_TASK_MAX - 1,
			     FZ_TASK_MAX,
			     FZ_TASK_MAX + 1,
			     65535,
			     (long)(1UL << 32 | (uint64_t)f->id),
			     (long)(1UL << 63 | (uint64_t)f->id),
			     -1,
			     -f->id,
			     0x7fffffff,
			     (long)(0x80000000UL | (uint64_t)f->id),
			     (long)(0x100000000UL + 1)};
	return none[fz_below(f, sizeof(none) / sizeof(none[0]))];
}
