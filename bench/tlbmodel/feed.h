/* feed.h: what the TLB-model plugin does with what executes: model accesses, regions, hints, the
 * JSON lines. */
#ifndef SHOJI_TLBMODEL_FEED_H
#define SHOJI_TLBMODEL_FEED_H

/*
 * The plugin (bench/tlbmodel/plugin.c) is QEMU glue: it tells a feed what
 * each vCPU executes, in order, and the feed does the rest: feeds that
 * vCPU's model (tlbmodel.h: each vCPU is a core with its own TLBs), counts events, decodes the
 * kernel's hints (include/shoji/tlbmark.h) and writes the JSON lines of docs/tlb-model.md
 * ("Output").  Pure hosted C, no QEMU: the unit tests (tests/unit/test_tlbmodel_feed.c) drive it as
 * the plugin would, which also reaches what QEMU 7.2's TCG cannot run (PCIDs).
 */

#include <stdint.h>
#include <stdio.h>

#include "bench/tlbmodel/insn_class.h"
#include "bench/tlbmodel/tlbmodel.h"

/* pcid=: what a MOV to CR3 does to the model (docs/tlb-model.md). */
enum feed_pcid {
	FEED_PCID_OFF,	 /* every MOV to CR3 flushes, as with CR4.PCIDE = 0 */
	FEED_PCID_HINTS, /* the kernel's CR3 and CR4 hints set the PCID, bit 63 and CR4.PCIDE */
	FEED_PCID_MODEL, /* CR4.PCIDE = 1 and a model PCID per page-table root (pcidmap.h) */
};

struct feed_options {
	int global_upper; /* global=upper: bit 63 set means PTE_G (else no page is global) */
	enum feed_pcid pcid;
	unsigned vcpus; /* the machine's vCPUs, 0 to FEED_MAX_VCPUS (0 means 1) */
};

/* A bound on the allocation, above any -smp that tools/qemu-run passes (99). */
#define FEED_MAX_VCPUS 1024u

/*
 * Threads: the calls that name a vCPU touch only that vCPU's state, and
 * may run on that vCPU's thread concurrently with another vCPU's (QEMU's
 * MTTCG); lines are written whole under the FILE's lock (flockfile()).
 * feed_new() and feed_finish() run with no vCPU running.  A `vcpu` not
 * below the machine's count is ignored (a NULL from the getters).
 */

struct feed;

/* A feed over a new model of `cfg` per vCPU, writing to `out` (kept open; the
 * caller closes it after feed_finish(); no I/O on it before: it is made
 * line-buffered, so every line is written out whole as it ends, and a
 * QEMU killed mid-run leaves whole lines only).  Writes the first line.  NULL
 * with *why set when the model refuses the config, memory ran out, or
 * opt->vcpus is over FEED_MAX_VCPUS (tlbm_new()'s reasons, "out of
 * memory", "too many vCPUs"). */
struct feed *feed_new(const struct tlbm_config *cfg, const struct feed_options *opt, FILE *out,
		      const char **why);

/* `vcpu`'s counter of executed instructions: the plugin adds 1 per
 * instruction that vCPU runs, before it runs. */
uint64_t *feed_insn_counter(struct feed *fd, unsigned vcpu);

/* An instruction of `kind` (not INSN_NONE) is about to execute on
 * `vcpu`; `op` is
 * a marker's op; `upper` is 1 when the instruction lies in the upper
 * half of the address space (bit 63 set: the kernel's, where a task
 * never runs).  Counts it and does what it does to the model (MOV to
 * CR3, CR4, INVLPG, INVPCID), the vCPU's regions (ROI markers) or its
 * hints.
 * A hint marker outside the upper half is a task's forgery: counted as
 * a hint error and otherwise a NOP, so no task can announce a window
 * or arm a hint. */
void feed_insn(struct feed *fd, unsigned vcpu, enum insn_kind kind, uint16_t op, int upper);

/* An instruction fetch by `vcpu` from the page of `vaddr` (once per page
 * per translation block that runs). */
void feed_fetch(struct feed *fd, unsigned vcpu, uint64_t vaddr);

/* A load (store 0) or store (1) by `vcpu` at `vaddr`.  While a hint
 * waits for its loads on that vCPU, a load in the window is the hint's,
 * not the model's. */
void feed_mem(struct feed *fd, unsigned vcpu, uint64_t vaddr, int store);

/* `vcpu`'s model, for the tests (tlbm_holds()). */
const struct tlbm *feed_model(struct feed *fd, unsigned vcpu);

/* Writes the last line (the totals summed over the vCPUs, regions,
 * unpaired, hints_seen, vcpus) and frees the feed (NULL is allowed). */
void feed_finish(struct feed *fd);

#endif
