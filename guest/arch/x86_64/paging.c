/* Page tables: the kernel's mappings and per-task address spaces. */
#include <shoji/abi.h>
#include "arch/x86_64/arch.h"
#include "core/kernel.h"

extern char __kernel_text_start[], __kernel_text_end[];
extern char __kernel_rodata_start[], __kernel_rodata_end[];
extern char __kernel_data_start[], __kernel_end[];

static uint64_t kernel_pml4[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static bool physmap_ready;
static bool pcid_on;
static uint8_t pcid_used[4096 / 8]; /* PCID 0 stays the kernel's */
uint64_t stat_cr3_writes PERCPU_STAT, stat_tlb_flushes PERCPU_STAT;

/* Kernel half: PML4 slots shared by every address space. */
#define KERNEL_PML4_FIRST 256

uint64_t kernel_virt_to_phys(const void *va)
{
	/* The window is this CPU's copy (arch.h); the boot processor's is
	 * the image's own pages, also before percpu_base[0] is set. */
	uintptr_t v = (uintptr_t)va, w = (uintptr_t)__cpu_tables_start;
	uintptr_t base = percpu_base[cpu_self.index];
	if (v - w < (uintptr_t)(__percpu_end - __cpu_tables_start) && base)
		return base - PHYSMAP_BASE + (v - w);
	return v - KERNEL_VMA;
}

/* The image's physical address of va, the boot processor's window
 * included: for the tables paging_init() and paging_cpu_roots() build. */
static uint64_t image_phys(const void *va)
{
	return (uint64_t)va - KERNEL_VMA;
}

/*
 * Page-table pages are reached through the physmap once it exists.
 * Before that (while paging_init builds it) the boot tables map the
 * first GiB at KERNEL_VMA, and the allocator hands out low pages first.
 */
static uint64_t *table_virt(uint64_t phys)
{
	if (physmap_ready)
		return phys_to_virt(phys);
	if (phys >= (1ull << 30))
		panic("early page table above 1 GiB: %lx", phys);
	return (uint64_t *)(KERNEL_VMA + phys);
}

static uint64_t table_alloc(void)
{
	uint64_t phys = pmm_alloc_page();
	if (phys)
		memset(table_virt(phys), 0, PAGE_SIZE);
	return phys;
}

/*
 * Walks from root to the table at `level` that holds va's entry,
 * creating missing tables with `table_flags` when `create`.  Returns
 * 0 when a table is missing (or cannot be allocated).
 */
static uint64_t *walk_from(uint64_t *t, int top, uint64_t va, int level, bool create,
			   uint64_t table_flags, uint32_t *count)
{
	for (int l = top; l > level; l--) {
		uint64_t *e = &t[pt_index(va, l)];
		if (!(*e & PTE_P)) {
			if (!create)
				return 0;
			uint64_t phys = table_alloc();
			if (!phys)
				return 0;
			if (count)
				(*count)++;
			*e = phys | table_flags;
		} else if (*e & PTE_PS) {
			return 0; /* no large pages below user or walked addresses */
		}
		t = table_virt(pte_addr(*e));
	}
	return &t[pt_index(va, level)];
}

static uint64_t *walk(uint64_t root, uint64_t va, int level, bool create, uint64_t table_flags,
		      uint32_t *count)
{
	return walk_from(table_virt(root), 4, va, level, create, table_flags, count);
}

/*
 * Two kernel halves.  The normal one, for ring-3 tasks: every kernel page
 * supervisor-only (and global).  The ring-0 one, for `kernel` mode groups:
 * a task running at CPL 0 may touch any supervisor page, and protection
 * keys govern user pages only (SDM Vol. 3A 4.6.2), so there the kernel's
 * memory (code, rodata, data, bss, kernel stack, heap and page tables
 * through the physmap, the local APIC) is mapped as user pages under
 * KERNEL_PKEY, which a task's PKRU denies.  Code still executes (keys do
 * not govern fetches; only the gate is reachable: the verifier confines a
 * task's jumps).  What interrupt delivery must reach whatever PKRU holds
 * stays supervisor: the CPU tables (read-only) and the IST stacks
 * (writable, and wiped once a frame is copied out).
 * No ring-0 page is global, so a CR3 switch really changes the rights.
 */
static uint64_t ktask_pml4[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

extern char __cpu_tables_start[], __cpu_tables_end[];
extern char __ist_stacks_start[], __ist_stacks_end[];

static void kmap(uint64_t *root, uint64_t va, uint64_t pte, int level)
{
	bool user = root == ktask_pml4;
	uint64_t *e =
	    walk(kernel_virt_to_phys(root), va, level, true, PTE_P | PTE_W | (user ? PTE_U : 0), 0);
	if (!e)
		panic("out of memory for kernel page tables at %lx", va);
	*e = pte;
}

/* Rights of a kernel image page in the normal half and the ring-0 one. */
static void map_kernel_page(uint64_t va, uint64_t normal, uint64_t ring0)
{
	uint64_t phys = image_phys((void *)va);
	kmap(kernel_pml4, va, pte_make(phys, normal | PTE_P | PTE_G, 0), 1);
	kmap(ktask_pml4, va, pte_make(phys, ring0 | PTE_P, ring0 & PTE_U ? KERNEL_PKEY : 0), 1);
}

static bool in(uint64_t va, const char *start, const char *end)
{
	return va >= (uint64_t)start && va < (uint64_t)end;
}

static void map_kernel_image(void)
{
	/* Ring 0: all but the CPU tables and IST stacks under KERNEL_PKEY,
	 * code included (keys do not stop fetches, so it still runs, but a
	 * task cannot read it). */
	const uint64_t k = PTE_U;

	for (uint64_t va = KERNEL_VMA + KERNEL_PHYS; va < (uint64_t)__kernel_end; va += PAGE_SIZE) {
		if (in(va, __kernel_text_start, __kernel_text_end))
			map_kernel_page(va, 0, k);
		else if (in(va, __cpu_tables_start, __cpu_tables_end))
			map_kernel_page(va, PTE_W | PTE_NX, PTE_NX);
		else if (in(va, __ist_stacks_start, __ist_stacks_end))
			map_kernel_page(va, PTE_W | PTE_NX, PTE_W | PTE_NX);
		else if (in(va, __kernel_data_start, __kernel_end))
			map_kernel_page(va, PTE_W | PTE_NX, k | PTE_W | PTE_NX);
		else /* boot code and tables, rodata */
			map_kernel_page(va, PTE_NX, k | PTE_NX);
	}
}

void paging_init(const uint64_t *ram_start, const uint64_t *ram_end, unsigned nranges)
{
	/* The physmap: every 2 MiB chunk that overlaps RAM, never device
	 * holes (a write-back mapping of MMIO invites speculative reads). */
	for (unsigned i = 0; i < nranges; i++) {
		uint64_t a = ram_start[i] & ~(LARGE_PAGE_SIZE - 1);
		for (; a < ram_end[i]; a += LARGE_PAGE_SIZE) {
			uint64_t pte = a | PTE_P | PTE_W | PTE_PS | PTE_NX;
			kmap(kernel_pml4, PHYSMAP_BASE + a, pte | PTE_G, 2);
			kmap(ktask_pml4, PHYSMAP_BASE + a,
			     pte | PTE_U | ((uint64_t)KERNEL_PKEY << PTE_PKEY_SHIFT), 2);
		}
	}
	/* The image, with per-section rights (W^X for the kernel too).  The
	 * boot code and tables below .text stay mapped read-only, so the whole
	 * image from KERNEL_VMA + 1 MiB is present, supervisor-only. */
	map_kernel_image();
	/* The fixmap's page tables exist from now on, so the kernel half's
	 * PML4 slots never change after address spaces copy them. */
	walk(kernel_virt_to_phys(kernel_pml4), FIXMAP_BASE, 1, true, PTE_P | PTE_W, 0);
	walk(kernel_virt_to_phys(ktask_pml4), FIXMAP_BASE, 1, true, PTE_P | PTE_W | PTE_U, 0);

	tlb_write_cr3(kernel_virt_to_phys(kernel_pml4), &tlbhint_flush);
	stat_cr3_writes++;
	physmap_ready = true;
	/* The boot processor's window is the image's own pages (arch.h). */
	percpu_base[0] = (uintptr_t)phys_to_virt(image_phys(__cpu_tables_start));
}

void paging_map_device(uint64_t va, uint64_t phys)
{
	const uint64_t dev = PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX;
	kmap(kernel_pml4, va, pte_make(phys, dev | PTE_G, 0), 1);
	kmap(ktask_pml4, va, pte_make(phys, dev | PTE_U, KERNEL_PKEY), 1);
	tlb_invlpg(va);
}

/* The page the read-only window maps now, 1 (not a page address) when
 * none; its PTE in the fixmap's table, found once. */
static uint64_t peek_page = 1;
static uint64_t *peek_pte;

static void peek_set(uint64_t pte)
{
	if (!peek_pte)
		peek_pte =
		    walk(kernel_virt_to_phys(kernel_pml4), FIXMAP_PEEK, 1, true, PTE_P | PTE_W, 0);
	*peek_pte = pte;
	tlb_invlpg(FIXMAP_PEEK);
}

bool paging_read_phys(void *dst, uint64_t phys, size_t len)
{
	uint32_t r[4];
	cpuid(0x80000008, 0, r); /* EAX[7:0]: MAXPHYADDR (SDM Vol. 2A, CPUID) */
	unsigned bits = r[0] & 0xff;
	uint64_t limit = U64(1) << (bits >= 32 && bits <= 52 ? bits : 36); /* 36: no such leaf */
	if (phys > limit || len > limit - phys)
		return false;
	uint8_t *d = dst;
	while (len) {
		uint64_t page = phys & ~(uint64_t)(PAGE_SIZE - 1), off = phys - page;
		size_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
		if (page != peek_page)
			peek_set(pte_make(page, PTE_P | PTE_NX, 0));
		peek_page = page;
		memcpy(d, (const void *)(FIXMAP_PEEK + off), n);
		d += n, phys += n, len -= n;
	}
	return true;
}

void paging_read_phys_end(void)
{
	if (peek_page != 1)
		peek_set(0);
	peek_page = 1;
}

void paging_enable_pcid(bool on)
{
	pcid_on = on;
}

bool paging_pcid_enabled(void)
{
	return pcid_on;
}

static uint16_t pcid_alloc(void)
{
	for (unsigned p = 1; p < 4096; p++) {
		if (!(pcid_used[p / 8] & (1u << (p % 8)))) {
			pcid_used[p / 8] |= (uint8_t)(1u << (p % 8));
			return (uint16_t)p;
		}
	}
	return 0; /* none left: this address space flushes on every load */
}

/*
 * Compact address spaces (arch.h): per kind and per CPU, the root they all
 * run on (its PML4, and its physical address: the CR3 they load) and the
 * PDPT under its PML4 slot 0, and whose 8 entries that PDPT holds now.
 * The PDPT is the CPU's: one page per kind, allocated, on every CPU, with
 * the first compact address space of the kind.  The roots are the CPU's
 * too (paging_cpu_roots()): all the same but for the window's pages and
 * slot 0.  In the window, so the switch reaches this CPU's at a fixed
 * address; another CPU's through percpu_of(), which is how a compact
 * space installed on several CPUs is found (compact_cpus()).
 */
static struct compact_root {
	uint64_t *pml4;
	uint64_t *pdpt;
	struct aspace *installed;
	uint64_t root;
} compact_roots[2] PERCPU = {{kernel_pml4, 0, 0, 0}, {ktask_pml4, 0, 0, 0}};

_Static_assert(HEAP_AREA + SLOTS * HEAP_WINDOW <= COMPACT_END,
	       "every user window lies in the compact entries");
_Static_assert(TASK_AREA >= (U64(1) << 30), "PDPT entry 0 (the null page's) stays empty");

/* The compact root of as's kind on CPU index. */
static struct compact_root *compact_root(const struct aspace *as, unsigned index)
{
	return &percpu_of(compact_roots, index)[as->ring0];
}

/* The physical address of a root: the boot processor's are in the image,
 * the others' in the physmap. */
static uint64_t root_phys(const uint64_t *pml4)
{
	uintptr_t va = (uintptr_t)pml4;
	return va >= KERNEL_VMA ? kernel_virt_to_phys(pml4) : va - PHYSMAP_BASE;
}

/* Loaded here: CR3 holds its root and, if compact, its entries are
 * installed.  Only as's own CPU ever loads an own tree (struct aspace). */
static bool aspace_loaded(const struct aspace *as)
{
	uint64_t cr3 = read_cr3() & PTE_ADDR_MASK;
	if (as->compact)
		return cr3 == compact_roots[as->ring0].root &&
		       compact_roots[as->ring0].installed == as;
	return as->cpu == cpu_self.index && cr3 == as->root;
}

/* The CPUs other than this one that have the compact as installed: a
 * bit each (bit i, CPU index i).  Only they can hold its entries in a
 * TLB, since installing it flushes (aspace_activate()), and only their
 * switches change it, which their locks keep still meanwhile. */
static uint32_t compact_cpus(const struct aspace *as)
{
	uint32_t cpus = 0;
	for (unsigned i = 0; i < smp_ncpus; i++)
		if (i != cpu_self.index && compact_root(as, i)->installed == as)
			cpus |= 1u << i;
	return cpus;
}

static int compact_init(struct aspace *as)
{
	/* Every CPU's PDPT of the kind: the group's tasks may run on any. */
	for (unsigned i = 0; i < smp_ncpus; i++) {
		struct compact_root *c = compact_root(as, i);
		if (c->pdpt)
			continue;
		uint64_t pdpt = table_alloc();
		if (!pdpt)
			return -SHOJI_ENOMEM;
		c->pdpt = table_virt(pdpt);
		c->pml4[0] = pdpt | PTE_P | PTE_W | PTE_U; /* the leaves decide */
		c->root = root_phys(c->pml4);
	}
	as->root = 0; /* each CPU runs it on its own root */
	for (int i = 0; i < COMPACT_PDPTES; i++)
		as->upper[i] = 0;
	as->pt_pages = 0;
	as->pcid = 0; /* every activation flushes: nothing to keep */
	as->fresh = false;
	return 0;
}

int aspace_init(struct aspace *as, bool ring0, bool compact, unsigned index)
{
	as->ring0 = ring0;
	as->compact = compact;
	as->cpu = (uint8_t)index;
	as->loaded = false;
	if (compact)
		return compact_init(as);
	uint64_t root = table_alloc();
	if (!root)
		return -SHOJI_ENOMEM;
	uint64_t *t = table_virt(root);
	/* The kernel half of its CPU's root: that CPU's window. */
	const uint64_t *kernel_half = percpu_of(compact_roots, index)[ring0].pml4;
	for (int i = KERNEL_PML4_FIRST; i < PT_ENTRIES; i++)
		t[i] = kernel_half[i];
	as->root = root;
	as->pt_pages = 1;
	as->pcid = pcid_on ? pcid_alloc() : 0;
	as->fresh = true;
	return 0;
}

static void free_tree(uint64_t table, int level)
{
	uint64_t *t = table_virt(table);
	int n = level == 4 ? KERNEL_PML4_FIRST : PT_ENTRIES;
	for (int i = 0; i < n; i++) {
		uint64_t e = t[i];
		if (!(e & PTE_P))
			continue;
		if (level > 1)
			free_tree(pte_addr(e), level - 1);
		else if (e & PTE_SW_OWNED)
			pmm_free_page(pte_addr(e));
	}
	pmm_free_page(table);
}

/* An own tree only its CPU loads, so only that CPU can flush it: changed
 * elsewhere once loaded would leave stale entries there (a task refused
 * at boot is freed on the boot processor, never loaded). */
static void own_tree_here(const struct aspace *as, const char *what)
{
	if (!as->compact && as->cpu != cpu_self.index && as->loaded)
		panic("address space of CPU %u %s on CPU %u", as->cpu, what, cpu_self.index);
}

/* Never free tables a CPU may walk or cache: the compact as out of every
 * CPU's PDPT first, then flushed on each that has that root loaded (this
 * one) or may have (the others, by shootdown: tlb_shootdown()). */
static void compact_uninstall(struct aspace *as)
{
	uint32_t others = compact_cpus(as);
	bool here = compact_roots[as->ring0].installed == as;
	for (unsigned i = 0; i < smp_ncpus; i++) {
		struct compact_root *c = compact_root(as, i);
		if (c->installed != as)
			continue;
		for (int e = 0; e < COMPACT_PDPTES; e++)
			c->pdpt[e] = 0;
		c->installed = 0;
	}
	if (here && (read_cr3() & PTE_ADDR_MASK) == compact_roots[as->ring0].root) {
		tlb_write_cr3(compact_roots[as->ring0].root,
			      &tlbhint_flush); /* PCID 0, bit 63 clear: a flush */
		stat_cr3_writes++;
		stat_tlb_flushes++;
	}
	if (others)
		tlb_shootdown(others, 0, ~U64(0));
}

void aspace_destroy(struct aspace *as)
{
	if (as->compact) {
		compact_uninstall(as);
		for (int i = 0; i < COMPACT_PDPTES; i++)
			if (as->upper[i] & PTE_P)
				free_tree(pte_addr(as->upper[i]), 2);
		for (int i = 0; i < COMPACT_PDPTES; i++)
			as->upper[i] = 0;
		as->pt_pages = 0;
		return;
	}
	if (!as->root)
		return;
	own_tree_here(as, "destroyed");
	/* Never free the tables the CPU is walking. */
	if ((read_cr3() & PTE_ADDR_MASK) == as->root) {
		tlb_write_cr3(root_phys(compact_roots[0].pml4), &tlbhint_flush);
		stat_cr3_writes++;
	}
	tlbhint_as_free(as->root); /* before the frame can be reused */
	free_tree(as->root, 4);
	if (as->pcid)
		pcid_used[as->pcid / 8] &= (uint8_t) ~(1u << (as->pcid % 8));
	as->root = 0;
	as->pt_pages = 0;
}

int aspace_map(struct aspace *as, uint64_t va, uint64_t pte)
{
	if (va >= USER_END || (va & (PAGE_SIZE - 1)))
		return -SHOJI_EINVAL;
	/* Intermediate levels allow everything; the leaf decides. */
	const uint64_t table = PTE_P | PTE_W | PTE_U;
	uint64_t *e;
	if (as->compact) {
		if (va >= COMPACT_END)
			return -SHOJI_EINVAL;
		e = walk_from(as->upper, 3, va, 1, true, table, &as->pt_pages);
		/* A new PDPT entry goes live at once on every CPU that has
		 * as installed (a new entry needs no flush: nothing cached it). */
		for (unsigned i = 0; i < smp_ncpus; i++) {
			struct compact_root *c = compact_root(as, i);
			if (c->installed == as)
				c->pdpt[pt_index(va, 3)] = as->upper[pt_index(va, 3)];
		}
	} else {
		e = walk(as->root, va, 1, true, table, &as->pt_pages);
	}
	if (!e)
		return -SHOJI_ENOMEM;
	if (*e & PTE_P)
		return -SHOJI_EINVAL;
	*e = pte;
	return 0;
}

/* The hot path of every checked access to task memory: a read-only walk
 * through the physmap, no table creation, no boot-time cases. */
uint64_t *aspace_leaf(struct aspace *as, uint64_t va)
{
	if (va >= (as->compact ? COMPACT_END : USER_END))
		return 0;
	int l = as->compact ? 3 : 4;
	const uint64_t *t = as->compact ? as->upper : phys_to_virt(as->root);
	for (; l > 1; l--) {
		uint64_t e = t[pt_index(va, l)];
		if ((e & (PTE_P | PTE_PS)) != PTE_P)
			return 0;
		t = phys_to_virt(pte_addr(e));
	}
	return (uint64_t *)t + pt_index(va, 1);
}

/* aspace_walk_user() below one table: t at `level`, mapping from va. */
static uint32_t walk_tables(const uint64_t *t, int level, uint64_t va, unsigned n,
			    aspace_leaf_fn fn, void *ctx)
{
	uint32_t tables = 0;
	uint64_t span = U64(1) << (PAGE_SHIFT + 9 * (level - 1));
	for (unsigned i = 0; i < n; i++, va += span) {
		uint64_t e = t[i];
		if (!(e & PTE_P))
			continue;
		if (level == 1 || (e & PTE_PS)) {
			fn(ctx, va, e, level);
			continue;
		}
		tables +=
		    1 + walk_tables(phys_to_virt(pte_addr(e)), level - 1, va, PT_ENTRIES, fn, ctx);
	}
	return tables;
}

uint32_t aspace_walk_user(struct aspace *as, aspace_leaf_fn fn, void *ctx)
{
	if (as->compact)
		return walk_tables(as->upper, 3, 0, COMPACT_PDPTES, fn, ctx);
	return 1 + walk_tables(phys_to_virt(as->root), 4, 0, KERNEL_PML4_FIRST, fn, ctx);
}

/* The CPU sets the accessed (and, for leaves, dirty) bit in the live
 * entries as it walks them (SDM Vol. 3A 4.8): not a difference. */
bool aspace_compact_in_sync(const struct aspace *as, unsigned index)
{
	if (!as->compact)
		return true;
	const struct compact_root *c = compact_root(as, index);
	if (c->installed != as)
		return true;
	for (int i = 0; i < COMPACT_PDPTES; i++)
		if ((c->pdpt[i] ^ as->upper[i]) & ~(PTE_A | PTE_D))
			return false;
	return true;
}

const struct aspace *aspace_installed(unsigned index, bool ring0)
{
	return percpu_of(compact_roots, index)[ring0].installed;
}

void paging_flush_global(void)
{
	/* Toggling CR4.PGE flushes every TLB entry, global ones and all
	 * PCIDs' included (SDM Vol. 3A 4.10.4.1). */
	uint64_t cr4 = read_cr4();
	tlb_write_cr4(cr4 & ~CR4_PGE);
	tlb_write_cr4(cr4);
	stat_tlb_flushes++;
}

/*
 * Three passes, so that one shootdown covers the range: every present
 * leaf loses PTE_P (atomically: a CPU walking it sets A and D with locked
 * writes, SDM Vol. 3A 4.8) and keeps its frame; the other CPUs that may
 * cache the range flush it; then each such leaf is flushed here, cleared
 * and handed to fn.  Here: loaded, each entry goes by INVLPG; not loaded,
 * its PCID may still hold entries for the range (SDM Vol. 3A 4.10.4), so
 * its next load flushes (a compact one flushes at every activation).  A leaf that is not present is
 * otherwise 0 everywhere else (aspace_map() writes whole entries, this function zeroes them), so
 * "not present, not 0" means "revoked here" between the passes.
 */
void aspace_unmap_range(struct aspace *as, uint64_t va, uint64_t end, aspace_unmapped_fn fn,
			void *ctx)
{
	own_tree_here(as, "changed");
	uint64_t first = end, last = va;
	for (uint64_t p = va; p < end; p += PAGE_SIZE) {
		uint64_t *e = aspace_leaf(as, p);
		if (!e || !(__atomic_fetch_and(e, ~PTE_P, __ATOMIC_RELAXED) & PTE_P))
			continue;
		first = p < first ? p : first;
		last = p;
	}
	if (first == end)
		return;
	uint32_t others = as->compact ? compact_cpus(as) : 0;
	if (others)
		tlb_shootdown(others, first, last + PAGE_SIZE);
	bool here = aspace_loaded(as); /* nothing below writes CR3 */
	if (!here && !as->compact)
		as->fresh = true;
	for (uint64_t p = first; p <= last; p += PAGE_SIZE) {
		uint64_t *e = aspace_leaf(as, p);
		if (!e || !*e || (*e & PTE_P))
			continue;
		uint64_t old = __atomic_exchange_n(e, 0, __ATOMIC_RELAXED);
		if (here) {
			tlb_invlpg(p);
			stat_tlb_flushes++;
		}
		fn(ctx, p, old | PTE_P);
	}
}

void aspace_activate(struct aspace *as)
{
	as->loaded = true;
	if (as->compact) {
		/* This CPU's root, whichever CPUs have as installed too. */
		struct compact_root *c = &compact_roots[as->ring0];
		uint64_t *pdpt = c->pdpt; /* once: the stores could alias c */
		for (int i = 0; i < COMPACT_PDPTES; i++)
			pdpt[i] = as->upper[i];
		c->installed = as;
		/* PCID 0, bit 63 clear: the TLB entries and the cached paging
		 * structures of the previous entries go (SDM Vol. 3A 4.10.4.1). */
		tlb_write_cr3(c->root, &tlbhint_flush);
		stat_cr3_writes++;
		stat_tlb_flushes++;
		return;
	}
	uint64_t cr3 = as->root | as->pcid;
	/* CR3 bit 63 keeps this PCID's TLB entries (SDM Vol. 3A 4.10.4.1);
	 * a fresh address space may inherit a recycled PCID's, so not then. */
	if (as->pcid && !as->fresh)
		cr3 |= CR3_NOFLUSH;
	else
		stat_tlb_flushes++;
	tlb_write_cr3(cr3, &as->fresh);
	as->fresh = false;
	stat_cr3_writes++;
}

/* A copy of the table at phys, or 0; counted in *n, its address in got[]. */
static uint64_t table_copy(uint64_t phys, uint64_t *got, unsigned *n)
{
	uint64_t c = pmm_alloc_page();
	if (c) {
		memcpy(table_virt(c), table_virt(phys), PAGE_SIZE);
		got[(*n)++] = c;
	}
	return c;
}

/*
 * A root for one CPU made from the boot processor's root `from`: copies of
 * the PML4, of the tables down to the page table that maps the window
 * (kernel.ld keeps the window under one), in which the window's pages map
 * window_phys, with the rights the boot processor's have.  Slot 0, the
 * compact PDPT's, starts empty (compact_init()).  WINDOW_TABLES pages,
 * in got[] from *n; 0 when out of memory.
 */
#define WINDOW_TABLES 4
static uint64_t window_root(const uint64_t *from, uint64_t window_phys, uint64_t *got, unsigned *n)
{
	uint64_t va = (uint64_t)__cpu_tables_start;
	uint64_t root = table_copy(kernel_virt_to_phys(from), got, n);
	if (!root)
		return 0;
	uint64_t *t = table_virt(root);
	t[0] = 0;
	for (int l = 4; l > 1; l--) {
		uint64_t *e = &t[pt_index(va, l)];
		uint64_t c = table_copy(pte_addr(*e), got, n);
		if (!c)
			return 0;
		*e = c | (*e & ~PTE_ADDR_MASK);
		t = table_virt(c);
	}
	for (uint64_t off = 0; va + off < (uint64_t)__percpu_end; off += PAGE_SIZE) {
		uint64_t *e = &t[pt_index(va + off, 1)];
		*e = (window_phys + off) | (*e & ~PTE_ADDR_MASK);
	}
	return root;
}

uint64_t paging_cpu_roots(unsigned index, uint64_t window_phys)
{
	uint64_t got[2 * WINDOW_TABLES];
	unsigned n = 0;
	uint64_t normal = window_root(kernel_pml4, window_phys, got, &n);
	uint64_t ring0 = normal ? window_root(ktask_pml4, window_phys, got, &n) : 0;
	if (!ring0) {
		while (n)
			pmm_free_page(got[--n]);
		return 0;
	}
	struct compact_root *c = percpu_of(compact_roots, index);
	c[0] = (struct compact_root){.pml4 = table_virt(normal)};
	c[1] = (struct compact_root){.pml4 = table_virt(ring0)};
	return normal;
}
