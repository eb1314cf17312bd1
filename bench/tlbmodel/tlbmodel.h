/* tlbmodel.h: a model of an x86-64 core's TLBs, fed by accesses and invalidations. */
#ifndef SHOJI_TLBMODEL_H
#define SHOJI_TLBMODEL_H

/*
 * A model, never a measurement (docs/tlb-model.md). It counts the hits,
 * misses and page walks that a TLB of a given shape would see for a
 * stream of virtual addresses and the invalidating events of the Intel
 * SDM Vol. 3A 4.10 ("Caching Translation Information"). Pure hosted C:
 * no globals, no I/O, deterministic (same events, same counts).
 *
 * Shape: an L1 instruction TLB (fetches), an L1 data TLB (loads and
 * stores), and a second level: one unified STLB (Intel), or a separate
 * L2 instruction TLB beside an L2 data TLB (AMD Zen) when l2i.entries is
 * not 0. Each TLB has `entries` entries in `ways`-way sets (ways ==
 * entries: fully associative), indexed by the low bits of the virtual page
 * number (vpn % sets), with true LRU replacement per set.
 *
 * An access that hits L1 touches nothing else. An L1 miss looks in the
 * second level: a hit there fills L1; a miss there is a page walk, which
 * fills the second level and L1.
 *
 * Simplifications (each could change the counts on real hardware):
 * - 4 KiB pages only. 2 MiB and 1 GiB pages are not modelled: an access
 *   to a large page counts as an access to its 4 KiB page.
 * - Non-inclusive: evicting a second-level entry leaves the L1 copy (no
 *   back-invalidation). Neither vendor documents its TLBs as inclusive,
 *   and non-inclusion needs no extra state; invalidations reach every level.
 * - No paging-structure caches (SDM 4.10.3), so a walk is a walk whatever
 *   its depth; no speculative or prefetching fills; no hashed set index
 *   (real STLBs may hash); no SMT sharing; no accessed/dirty-bit updates.
 * - A TLB entry never holds a stale translation: the model does not know
 *   the page tables, so it cannot see a PTE change that was not followed
 *   by an invalidation.
 * - The global bit of an access is the PTE's G bit as the caller saw it;
 *   with CR4.PGE = 0 it is ignored (SDM 4.10.2.4).
 */

#include <stdint.h>

#define TLBM_PAGE_SHIFT 12
#define TLBM_PCID_MASK 0xfffu		     /* CR3[11:0] with CR4.PCIDE = 1 (SDM 4.10.1) */
#define TLBM_CR3_NOFLUSH (UINT64_C(1) << 63) /* MOV to CR3 bit 63 (SDM 4.10.4.1) */

/* What the access does: which L1 it uses, and how it is counted. */
enum tlbm_kind { TLBM_FETCH, TLBM_LOAD, TLBM_STORE, TLBM_KINDS };

/* The two counted levels: L1 (ITLB or DTLB) and the second level
 * (STLB, or the L2 ITLB / L2 DTLB of a split second level). */
enum tlbm_level { TLBM_L1, TLBM_L2, TLBM_LEVELS };

/* The TLBs themselves, for tlbm_holds(). TLBM_L2I exists only in a
 * config with l2i.entries != 0. */
enum tlbm_tlb { TLBM_ITLB, TLBM_DTLB, TLBM_STLB, TLBM_L2I, TLBM_TLBS };

/* Why entries were invalidated. */
enum tlbm_cause {
	TLBM_CAUSE_CR3,	     /* MOV to CR3 that flushes */
	TLBM_CAUSE_INVLPG,   /* INVLPG */
	TLBM_CAUSE_INVPCID0, /* INVPCID type 0, individual address */
	TLBM_CAUSE_INVPCID1, /* INVPCID type 1, single context */
	TLBM_CAUSE_INVPCID2, /* INVPCID type 2, all contexts with globals */
	TLBM_CAUSE_INVPCID3, /* INVPCID type 3, all contexts but globals */
	TLBM_CAUSE_CR4,	     /* MOV to CR4 that changes PGE or clears PCIDE */
	TLBM_CAUSES
};

/* One TLB's shape: ways must divide entries; ways == entries is fully
 * associative. entries == 0 is allowed only for l2i (no split). */
struct tlbm_geometry {
	uint32_t entries;
	uint32_t ways;
};

/* A core's TLBs. `name` and `source` say where the numbers come from. */
struct tlbm_config {
	const char *name;
	const char *source;
	struct tlbm_geometry itlb; /* L1, fetches */
	struct tlbm_geometry dtlb; /* L1, loads and stores */
	struct tlbm_geometry stlb; /* second level: unified, or data only when l2i is set */
	struct tlbm_geometry l2i;  /* second level for fetches; entries 0: fetches use stlb */
};

/* The counts. Plain integers, so a snapshot is a struct copy. */
struct tlbm_counters {
	uint64_t hits[TLBM_LEVELS][TLBM_KINDS];
	uint64_t misses[TLBM_LEVELS][TLBM_KINDS];
	uint64_t walks[TLBM_KINDS];	  /* == misses[TLBM_L2][kind] */
	uint64_t flushes[TLBM_CAUSES];	  /* events that invalidated (an empty TLB too) */
	uint64_t dropped[TLBM_CAUSES];	  /* valid entries they invalidated, all TLBs */
	uint64_t cr3_writes, cr3_noflush; /* every MOV to CR3; those with bit 63 set */
};

struct tlbm;

/* The preset called `name` ("skylake", "zen2"), or NULL when there is
 * none. The numbers and their sources are in tlbmodel.c and
 * docs/tlb-model.md. */
const struct tlbm_config *tlbm_preset(const char *name);

/* The name of the i-th preset (0, 1, ...), NULL past the last. */
const char *tlbm_preset_name(unsigned i);

/* Checks a config: 0, or -1 with *why saying which TLB's geometry is
 * wrong ("stlb: ways must divide entries", ...). */
int tlbm_config_check(const struct tlbm_config *cfg, const char **why);

/* A model with empty TLBs and zero counters, CR4.PGE = 1, CR4.PCIDE = 0,
 * current PCID 0 (a kernel that enabled global pages; the caller sets the
 * real CR4 with tlbm_write_cr4() before the first access). The config is
 * copied. NULL with *why set when the config is wrong (tlbm_config_check)
 * or memory ran out ("out of memory"). Free with tlbm_free(). */
struct tlbm *tlbm_new(const struct tlbm_config *cfg, const char **why);

/* Frees a model (NULL is allowed). */
void tlbm_free(struct tlbm *m);

/* One access to vaddr (its page, vaddr >> 12) in the current PCID;
 * kind is TLBM_FETCH, TLBM_LOAD or TLBM_STORE (a caller's promise, not
 * checked); `global`: the page's PTE has G set. Returns the level that
 * hit: TLBM_L1, TLBM_L2, or TLBM_LEVELS for a page walk. Never fails. */
enum tlbm_level tlbm_access(struct tlbm *m, enum tlbm_kind kind, uint64_t vaddr, int global);

/* MOV to CR3 (SDM 4.10.4.1). CR4.PCIDE = 0: invalidates every non-global
 * entry of PCID 0, bits 11:0 and 63 ignored. CR4.PCIDE = 1: the current
 * PCID becomes value & 0xfff; with bit 63 clear, that PCID's non-global
 * entries are invalidated, with bit 63 set none are. Never fails (the
 * CPU that executed it already checked reserved bits). */
void tlbm_write_cr3(struct tlbm *m, uint64_t value);

/* MOV to CR4, only PGE and PCIDE (SDM 4.10.4.1): invalidates every entry,
 * global ones too, when PGE changes or PCIDE goes from 1 to 0. Setting
 * PCIDE keeps the current PCID (0: the CPU refuses PCIDE=1 otherwise).
 * Clearing PCIDE makes the current PCID 0 (SDM 4.10.1). Never fails. */
void tlbm_write_cr4(struct tlbm *m, int pge, int pcide);

/* INVLPG vaddr (SDM 4.10.4.1): invalidates the page's entries of the
 * current PCID and its global entries of every PCID. Never fails. */
void tlbm_invlpg(struct tlbm *m, uint64_t vaddr);

/* INVPCID (SDM 4.10.4.1 and the INVPCID instruction, Vol. 2A):
 *   type 0: the non-global entries for vaddr's page tagged pcid;
 *   type 1: every non-global entry tagged pcid;
 *   type 2: every entry, global ones too;
 *   type 3: every non-global entry, of every PCID.
 * vaddr is used by type 0 only, pcid by types 0 and 1. Returns 0, or -1
 * with *why set and nothing invalidated where the CPU raises #GP:
 * "INVPCID type above 3", "INVPCID PCID above 0xfff", "INVPCID PCID not 0
 * with CR4.PCIDE = 0" (types 0 and 1). */
int tlbm_invpcid(struct tlbm *m, unsigned type, uint16_t pcid, uint64_t vaddr, const char **why);

/* 1 when TLB `which` holds an entry that a lookup of vaddr's page in
 * PCID `pcid` would use (same page, and same PCID or global), else 0 (also
 * for TLBM_L2I in a config without one). Changes nothing, LRU included. */
int tlbm_holds(const struct tlbm *m, enum tlbm_tlb which, uint64_t vaddr, uint16_t pcid);

/* The current PCID (0 while CR4.PCIDE = 0). */
uint16_t tlbm_pcid(const struct tlbm *m);

/* The counters so far (a snapshot: copy the struct). */
const struct tlbm_counters *tlbm_counters(const struct tlbm *m);

/* Zeroes the counters; the TLBs' contents stay. */
void tlbm_reset_counters(struct tlbm *m);

/* *out = *end - *start, field by field: the counts of a region between
 * two snapshots. out may be the same as start or end. */
void tlbm_counters_sub(struct tlbm_counters *out, const struct tlbm_counters *end,
		       const struct tlbm_counters *start);

#endif
