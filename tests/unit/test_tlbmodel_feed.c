/* Unit tests for the TLB-model plugin's feed (bench/tlbmodel/feed.h): regions, hints, PCIDs and the
 * JSON lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/tlbmodel/feed.h"
#include "shoji/tlbmark.h"

/*
 * The feed is driven as bench/tlbmodel/plugin.c drives it: the instruction
 * counter, feed_insn() before a classified instruction, feed_fetch() and
 * feed_mem() for its accesses.  The model is a roomy fully associative
 * one, so whatever is gone was invalidated.  The kernel side of the hints
 * (guest/arch/x86_64/tlbhint.c) is replayed by hand: a marker, then byte
 * loads at WINDOW + chunk.
 */

static const struct tlbm_config roomy = {"roomy", "test", {16, 16}, {16, 16}, {64, 64}, {0, 0}};
#define WINDOW UINT64_C(0xffffffff80200000)
#define USER(n) (UINT64_C(0x400000) + (uint64_t)(n)*4096)
#define KERNEL(n) (UINT64_C(0xffffffff80400000) + (uint64_t)(n)*4096)

struct rig {
	struct feed *fd;
	unsigned vcpu; /* the vCPU that runs what the helpers below run */
	char *text;
	size_t size;
	FILE *out;
};

/* A feed of a machine with `vcpus` vCPUs; the helpers run vCPU 0's. */
static void rig_open_smp(struct rig *r, int global_upper, enum feed_pcid pcid, unsigned vcpus)
{
	const char *why = NULL;
	struct feed_options opt = {.global_upper = global_upper, .pcid = pcid, .vcpus = vcpus};
	r->vcpu = 0;
	r->out = open_memstream(&r->text, &r->size);
	assert_non_null(r->out);
	r->fd = feed_new(&roomy, &opt, r->out, &why);
	if (!r->fd)
		fail_msg("feed_new: %s", why);
}

static void rig_open(struct rig *r, int global_upper, enum feed_pcid pcid)
{
	rig_open_smp(r, global_upper, pcid, 1);
}

/* Ends the feed; r->text holds every line. */
static void rig_close(struct rig *r)
{
	feed_finish(r->fd);
	fclose(r->out);
}

static void rig_free(struct rig *r)
{
	free(r->text);
}

/* Line n (0: the header) contains `want`. */
static void line_has(const struct rig *r, unsigned n, const char *want)
{
	const char *p = r->text;
	for (unsigned i = 0; i < n && p; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	assert_non_null(p);
	const char *end = strchr(p, '\n');
	assert_non_null(end);
	char *line = strndup(p, (size_t)(end - p));
	if (!strstr(line, want))
		fail_msg("line %u: %s\nwants: %s", n, line, want);
	free(line);
}

/* One instruction that runs: counted, then classified (as the plugin);
 * upper: it lies in the upper half (the kernel's image). */
static void insn_at(struct rig *r, enum insn_kind kind, uint16_t op, int upper)
{
	(*feed_insn_counter(r->fd, r->vcpu))++;
	if (kind != INSN_NONE)
		feed_insn(r->fd, r->vcpu, kind, op, upper);
}

/* An instruction of the kernel's (the hints' and the privileged ones). */
static void insn(struct rig *r, enum insn_kind kind, uint16_t op)
{
	insn_at(r, kind, op, 1);
}

static void load(struct rig *r, uint64_t va)
{
	insn(r, INSN_NONE, 0);
	feed_mem(r->fd, r->vcpu, va, 0);
}

/* A hint: its marker, then one load per chunk. */
static void hint(struct rig *r, uint16_t op, const uint64_t *chunks, unsigned n)
{
	insn(r, INSN_MARKER, op);
	for (unsigned i = 0; i < n; i++) {
		insn(r, INSN_NONE, 0);
		feed_mem(r->fd, r->vcpu, WINDOW + chunks[i], 0);
	}
}

static void announce(struct rig *r, uint64_t cr4_bits)
{
	hint(r, TLBMARK_HINT_WINDOW, (uint64_t[]){0, cr4_bits}, 2);
}

/* The kernel's MOV to CR3 of root `frame` with a hint: the flags (keep:
 * TLBMARK_CR3_KEEP), the PCID, the frame in 4 chunks. */
static void cr3_root(struct rig *r, uint64_t frame, uint16_t pcid, int noflush, int keep)
{
	hint(r, noflush ? TLBMARK_CR3_NOFLUSH : TLBMARK_CR3_FLUSH,
	     (uint64_t[]){keep ? TLBMARK_CR3_KEEP : 0, pcid, frame & 0xfff, frame >> 12 & 0xfff,
			  frame >> 24 & 0xfff, frame >> 36 & 0xf},
	     TLBMARK_CR3_LOADS);
	insn(r, INSN_MOV_CR3, 0);
}

/* The kernel's MOV to CR3 with a hint (hinted) or without. */
static void cr3(struct rig *r, uint16_t pcid, int noflush, int hinted)
{
	if (hinted)
		cr3_root(r, 0, pcid, noflush, noflush);
	else
		insn(r, INSN_MOV_CR3, 0);
}

/* A kernel without PCIDs (pcid=off) switching to root `frame`: bit 63
 * clear; keep as paging.c says (not the root's first activation). */
static void switch_to(struct rig *r, uint64_t frame, int keep)
{
	cr3_root(r, frame, 0, 0, keep);
}

static void as_free(struct rig *r, uint64_t frame)
{
	hint(r, TLBMARK_AS_FREE,
	     (uint64_t[]){frame & 0xfff, frame >> 12 & 0xfff, frame >> 24 & 0xfff,
			  frame >> 36 & 0xf},
	     TLBMARK_AS_FREE_LOADS);
}

static void invlpg(struct rig *r, uint64_t va, int hinted)
{
	uint64_t vpn = va >> 12;
	if (hinted)
		hint(r, TLBMARK_INVLPG,
		     (uint64_t[]){vpn & 0xfff, vpn >> 12 & 0xfff, vpn >> 24 & 0xfff}, 3);
	insn(r, INSN_INVLPG, 0);
}

static void test_header_and_total(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, FEED_PCID_OFF);
	rig_close(&r);
	line_has(&r, 0,
		 "{\"tlbmodel\":{\"cpu\":\"roomy\",\"source\":\"test\",\"pcid\":\"off\","
		 "\"global\":\"upper\",\"hints_seen\":false,\"vcpus\":1}}");
	line_has(&r, 1, "{\"total\":{\"insns\":0,");
	line_has(&r, 1, "},\"regions\":0,\"unpaired\":0,\"hints_seen\":false,\"vcpus\":1}");
	rig_free(&r);
}

/* A region: the instructions strictly between its markers, and the loads
 * of 3 pages twice (3 walks). */
static void test_region(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, FEED_PCID_OFF);
	load(&r, USER(99)); /* before the region: not in it */
	insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < 3; i++)
			load(&r, USER(i));
	insn(&r, INSN_SYSCALL, 0);
	insn(&r, INSN_MARKER, TLBMARK_ROI_END);
	rig_close(&r);
	line_has(&r, 1,
		 "{\"region\":0,\"vcpu\":0,\"insns\":7,\"fetch\":{\"l1_misses\":0,\"l2_misses\":0,"
		 "\"walks\":0,\"accesses\":0},\"load\":{\"l1_misses\":3,\"l2_misses\":3,"
		 "\"walks\":3,\"accesses\":6},");
	line_has(&r, 1, "\"events\":{\"syscall\":1,\"sysret\":0,");
	line_has(&r, 2, "\"regions\":1,\"unpaired\":0");
	line_has(&r, 2, "\"load\":{\"l1_misses\":4,\"l2_misses\":4,\"walks\":4,\"accesses\":7}");
	rig_free(&r);
}

/* END without BEGIN, and BEGIN twice: counted, never joined; an open
 * region at exit is unpaired too. */
static void test_unpaired(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, FEED_PCID_OFF);
	insn(&r, INSN_MARKER, TLBMARK_ROI_END);
	insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
	load(&r, USER(1));
	insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
	load(&r, USER(2));
	insn(&r, INSN_MARKER, TLBMARK_ROI_END);
	insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
	rig_close(&r);
	/* the one region is the second BEGIN's: one load */
	line_has(&r, 1, "{\"region\":0,\"vcpu\":0,\"insns\":1,");
	line_has(&r, 1, "\"load\":{\"l1_misses\":1,\"l2_misses\":1,\"walks\":1,\"accesses\":1}");
	line_has(&r, 2, "\"regions\":1,\"unpaired\":3,");
	rig_free(&r);
}

/* pcid=off: every MOV to CR3 flushes the user pages; global=upper keeps
 * the kernel's. */
static void test_cr3_flushes(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, FEED_PCID_OFF);
	load(&r, USER(1));
	load(&r, KERNEL(1));
	cr3(&r, 0, 0, 0);
	assert_false(tlbm_holds(feed_model(r.fd, 0), TLBM_DTLB, USER(1), 0));
	assert_true(tlbm_holds(feed_model(r.fd, 0), TLBM_DTLB, KERNEL(1), 0));
	rig_close(&r);
	line_has(&r, 1, "\"cr3_writes\":1,\"cr3_noflush\":0,\"flushes\":{\"cr3\":1,");
	line_has(&r, 1, "\"mov_cr3\":1,");
	rig_free(&r);
}

/* global=none: the kernel's pages go too. */
static void test_global_none(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 0, FEED_PCID_OFF);
	load(&r, KERNEL(1));
	cr3(&r, 0, 0, 0);
	assert_false(tlbm_holds(feed_model(r.fd, 0), TLBM_DTLB, KERNEL(1), 0));
	rig_close(&r);
	line_has(&r, 0, "\"global\":\"none\"");
	rig_free(&r);
}

/* Two tasks' PCIDs switched with bit 63 set: task 1's page survives the
 * round trip under pcid=hints (no second walk), and does not under
 * pcid=off, which ignores the hints' PCID and bit 63. */
static void pcid_round_trip(enum feed_pcid pcid, const char *want_load, const char *want_cr3)
{
	struct rig r;
	rig_open(&r, 1, pcid);
	announce(&r, TLBMARK_CR4_PGE | TLBMARK_CR4_PCIDE);
	cr3(&r, 1, 0, 1);
	insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
	load(&r, USER(5));
	cr3(&r, 2, 1, 1);
	load(&r, USER(6));
	cr3(&r, 1, 1, 1);
	load(&r, USER(5));
	insn(&r, INSN_MARKER, TLBMARK_ROI_END);
	assert_int_equal(tlbm_pcid(feed_model(r.fd, 0)), pcid == FEED_PCID_HINTS ? 1 : 0);
	rig_close(&r);
	line_has(&r, 1, want_load);
	line_has(&r, 1, want_cr3);
	line_has(&r, 1, "\"hint_errors\":0");
	line_has(&r, 2, "\"hints_seen\":true,\"vcpus\":1}");
	rig_free(&r);
}

static void test_pcid_noflush(void **state)
{
	(void)state;
	pcid_round_trip(FEED_PCID_HINTS,
			"\"load\":{\"l1_misses\":2,\"l2_misses\":2,\"walks\":2,\"accesses\":3}",
			"\"cr3_writes\":2,\"cr3_noflush\":2,\"flushes\":{\"cr3\":0,");
	pcid_round_trip(FEED_PCID_OFF,
			"\"load\":{\"l1_misses\":3,\"l2_misses\":3,\"walks\":3,\"accesses\":3}",
			"\"cr3_writes\":2,\"cr3_noflush\":0,\"flushes\":{\"cr3\":2,");
}

/* INVLPG: with a hint the page goes (an upper-half page too, its address
 * sign-extended from the chunks); without one nothing changes and it is
 * counted as unmodelled. */
static void test_invlpg(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, FEED_PCID_HINTS);
	announce(&r, TLBMARK_CR4_PGE);
	load(&r, USER(3));
	load(&r, USER(4));
	load(&r, KERNEL(7));
	invlpg(&r, USER(3), 1);
	invlpg(&r, KERNEL(7), 1);
	invlpg(&r, USER(4), 0);
	const struct tlbm *m = feed_model(r.fd, 0);
	assert_false(tlbm_holds(m, TLBM_DTLB, USER(3), 0));
	assert_false(tlbm_holds(m, TLBM_DTLB, KERNEL(7), 0));
	assert_true(tlbm_holds(m, TLBM_DTLB, USER(4), 0));
	rig_close(&r);
	line_has(&r, 1, "\"flushes\":{\"cr3\":0,\"invlpg\":2,");
	line_has(&r, 1, "\"unmodelled\":{\"invlpg\":1,\"invpcid\":0,\"cr4\":0},");
	line_has(&r, 1, "\"hint_errors\":0}");
	/* the hints' loads are not the model's: 3 loads, no more */
	line_has(&r, 1, "\"load\":{\"l1_misses\":3,\"l2_misses\":3,\"walks\":3,\"accesses\":3}");
	rig_free(&r);
}

/* CR4: a hinted PGE toggle flushes the global pages; without a hint it is
 * unmodelled. */
static void test_cr4(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, FEED_PCID_OFF);
	announce(&r, TLBMARK_CR4_PGE);
	load(&r, KERNEL(1));
	insn(&r, INSN_MOV_CR4, 0);
	assert_true(tlbm_holds(feed_model(r.fd, 0), TLBM_DTLB, KERNEL(1), 0));
	hint(&r, TLBMARK_CR4, (uint64_t[]){0}, 1);
	insn(&r, INSN_MOV_CR4, 0);
	hint(&r, TLBMARK_CR4, (uint64_t[]){TLBMARK_CR4_PGE}, 1);
	insn(&r, INSN_MOV_CR4, 0);
	assert_false(tlbm_holds(feed_model(r.fd, 0), TLBM_DTLB, KERNEL(1), 0));
	rig_close(&r);
	line_has(&r, 1, "\"flushes\":{\"cr3\":0,\"invlpg\":0,\"invpcid\":0,\"cr4\":2}");
	line_has(&r, 1, "\"unmodelled\":{\"invlpg\":0,\"invpcid\":0,\"cr4\":1}");
	rig_free(&r);
}

/* A hint broken by a store, by a load outside the window, by a new hint,
 * or armed for another instruction: each is a hint error, and the access
 * that broke it is the model's. */
static void test_hint_errors(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, FEED_PCID_HINTS);
	announce(&r, TLBMARK_CR4_PGE | TLBMARK_CR4_PCIDE);
	insn(&r, INSN_MARKER, TLBMARK_CR3_NOFLUSH);
	insn(&r, INSN_NONE, 0);
	feed_mem(r.fd, r.vcpu, WINDOW + 1, 1); /* a store */
	insn(&r, INSN_MARKER, TLBMARK_CR3_NOFLUSH);
	load(&r, WINDOW + TLBMARK_WINDOW_SIZE); /* one past the window */
	insn(&r, INSN_MARKER, TLBMARK_INVLPG);
	insn(&r, INSN_MARKER, TLBMARK_CR3_FLUSH); /* the INVLPG hint never got its loads */
	for (unsigned i = 0; i < TLBMARK_CR3_LOADS; i++)
		load(&r, WINDOW + 3);
	invlpg(&r, USER(1), 0); /* armed for a MOV to CR3 */
	cr3(&r, 0, 0, 0);	/* unhinted now: flushes */
	rig_close(&r);
	line_has(&r, 1, "\"hint_errors\":4}");
	line_has(&r, 1, "\"store\":{\"l1_misses\":1,");
	line_has(&r, 1, "\"load\":{\"l1_misses\":1,");
	line_has(&r, 1, "\"unmodelled\":{\"invlpg\":1,");
	line_has(&r, 1, "\"cr3_noflush\":0,\"flushes\":{\"cr3\":1,");
	rig_free(&r);
}

/* Roots by frame number: A and B two processes' (B's frame uses all 4
 * chunks), K the kernel's. */
#define ROOT_A UINT64_C(0x1234)
#define ROOT_B UINT64_C(0xabcdef5678)
#define ROOT_K UINT64_C(0x99)

/* pcid=model, a kernel without PCIDs (bit 63 always clear): A->B->A
 * keeps A's page (one walk for it, not two); a root's first activation
 * flushes its PCID, and so does an activation the kernel says a PCID
 * kernel would not keep (paging.c's `fresh` after aspace_unmap_range()). */
static void test_model_switch(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, FEED_PCID_MODEL);
	announce(&r, TLBMARK_CR4_PGE); /* the kernel's CR4 has no PCIDE */
	const struct tlbm *m = feed_model(r.fd, 0);
	insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
	switch_to(&r, ROOT_A, 0);
	assert_int_equal(tlbm_pcid(m), 1);
	load(&r, USER(5));
	switch_to(&r, ROOT_B, 0);
	assert_int_equal(tlbm_pcid(m), 2);
	load(&r, USER(6));
	switch_to(&r, ROOT_A, 1);
	assert_int_equal(tlbm_pcid(m), 1);
	load(&r, USER(5)); /* kept: an L1 hit */
	assert_true(tlbm_holds(m, TLBM_DTLB, USER(6), 2));
	insn(&r, INSN_MARKER, TLBMARK_ROI_END);
	switch_to(&r, ROOT_A, 0); /* not kept: A's entries go */
	assert_false(tlbm_holds(m, TLBM_DTLB, USER(5), 1));
	assert_true(tlbm_holds(m, TLBM_DTLB, USER(6), 2));
	rig_close(&r);
	line_has(&r, 0, "\"pcid\":\"model\"");
	line_has(&r, 1, "\"load\":{\"l1_misses\":2,\"l2_misses\":2,\"walks\":2,\"accesses\":3}");
	line_has(&r, 1, "\"cr3_writes\":3,\"cr3_noflush\":1,\"flushes\":{\"cr3\":2,");
	line_has(&r, 1, "\"pcids\":{\"fresh\":2,\"recycled\":0,\"freed\":0},\"hint_errors\":0");
	line_has(&r, 2, "\"cr3_writes\":4,\"cr3_noflush\":1,\"flushes\":{\"cr3\":3,");
	rig_free(&r);
}

/* AS_FREE: the root's PCID is free and its entries go (INVPCID type 1);
 * the next root gets that PCID and starts empty; a freed root whose frame
 * comes back is fresh, even when the hint says keep. */
static void test_model_free(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, FEED_PCID_MODEL);
	announce(&r, TLBMARK_CR4_PGE);
	const struct tlbm *m = feed_model(r.fd, 0);
	switch_to(&r, ROOT_A, 0);
	load(&r, USER(5));
	load(&r, KERNEL(1));
	switch_to(&r, ROOT_K, 0);
	as_free(&r, ROOT_A);
	assert_false(tlbm_holds(m, TLBM_DTLB, USER(5), 1));
	assert_true(tlbm_holds(m, TLBM_DTLB, KERNEL(1), 1)); /* global */
	switch_to(&r, ROOT_B, 0);
	assert_int_equal(tlbm_pcid(m), 1); /* A's, free again */
	load(&r, USER(5));
	switch_to(&r, ROOT_K, 1);
	as_free(&r, ROOT_B);
	as_free(&r, ROOT_B); /* no PCID any more: nothing */
	switch_to(&r, ROOT_A, 1);
	assert_int_equal(tlbm_pcid(m), 1);
	assert_false(tlbm_holds(m, TLBM_DTLB, USER(5), 1));
	rig_close(&r);
	line_has(&r, 1, "\"load\":{\"l1_misses\":3,\"l2_misses\":3,\"walks\":3,\"accesses\":3}");
	line_has(&r, 1, "\"invpcid\":2,");
	line_has(&r, 1, "\"cr3_writes\":5,\"cr3_noflush\":1,");
	line_has(&r, 1, "\"pcids\":{\"fresh\":4,\"recycled\":0,\"freed\":2},\"hint_errors\":0");
	rig_free(&r);
}

/* More roots than PCIDs: root 4095 (the 4096th) takes the PCID of the
 * root activated longest ago (root 0's, 1), root 0 then takes root 1's
 * (2) and flushes what root 1 left in it.  After 5000 roots, one of them
 * twice (906 recycled: roots 0 to 905 lost theirs in turn, root 0 got one
 * back), roots 906-4999 and root 0 still have theirs: the map's deletions
 * kept every entry reachable. */
static void test_model_recycle(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, FEED_PCID_MODEL);
	announce(&r, TLBMARK_CR4_PGE);
	const struct tlbm *m = feed_model(r.fd, 0);
	for (uint64_t f = 0; f < 4095; f++) {
		switch_to(&r, 0x100 + f, 0);
		if (f == 1)
			load(&r, USER(1));
	}
	assert_int_equal(tlbm_pcid(m), 4095);
	assert_true(tlbm_holds(m, TLBM_DTLB, USER(1), 2));
	switch_to(&r, 0x100 + 4095, 0);
	assert_int_equal(tlbm_pcid(m), 1);
	switch_to(&r, 0x100, 1);
	assert_int_equal(tlbm_pcid(m), 2);
	assert_false(tlbm_holds(m, TLBM_DTLB, USER(1), 2));
	for (uint64_t f = 4096; f < 5000; f++)
		switch_to(&r, 0x100 + f, 0);
	insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
	for (uint64_t f = 906; f < 5000; f++)
		switch_to(&r, 0x100 + f, 1);
	switch_to(&r, 0x100, 1);
	insn(&r, INSN_MARKER, TLBMARK_ROI_END);
	rig_close(&r);
	line_has(&r, 1, "\"cr3_writes\":4095,\"cr3_noflush\":4095,");
	line_has(&r, 1, "\"pcids\":{\"fresh\":0,\"recycled\":0,\"freed\":0}");
	/* 5000 roots, root 0 twice; 4095 PCIDs */
	line_has(&r, 2, "\"pcids\":{\"fresh\":5001,\"recycled\":906,\"freed\":0}");
	rig_free(&r);
}

/* pcid=model needs the kernel's hints: an unhinted MOV to CR3 is a hint
 * error once the window is announced, or in a region, and flushes PCID 0;
 * before both (firmware, early boot) it just flushes.  AS_FREE under
 * pcid=off changes nothing. */
static void test_model_unhinted(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, FEED_PCID_MODEL);
	cr3(&r, 0, 0, 0);
	insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
	cr3(&r, 0, 0, 0);
	insn(&r, INSN_MARKER, TLBMARK_ROI_END);
	announce(&r, TLBMARK_CR4_PGE);
	switch_to(&r, ROOT_A, 0);
	cr3(&r, 0, 0, 0);
	assert_int_equal(tlbm_pcid(feed_model(r.fd, 0)), 0);
	rig_close(&r);
	line_has(&r, 1, "\"hint_errors\":1}");
	line_has(&r, 2, "\"hint_errors\":2}");
	rig_free(&r);

	rig_open(&r, 1, FEED_PCID_OFF);
	announce(&r, TLBMARK_CR4_PGE);
	switch_to(&r, ROOT_A, 1);
	load(&r, USER(5));
	as_free(&r, ROOT_A);
	assert_true(tlbm_holds(feed_model(r.fd, 0), TLBM_DTLB, USER(5), 0));
	rig_close(&r);
	line_has(&r, 1, "\"pcids\":{\"fresh\":0,\"recycled\":0,\"freed\":0},\"hint_errors\":0");
	rig_free(&r);
}

/* A task (code in the lower half) runs the hint markers itself, with
 * loads from its own page: it must not move the window, announce one,
 * or arm a hint for the kernel's next MOV to CR3; each forged marker is
 * a hint error and its loads are the model's. */
static void test_forged_hints(void **state)
{
	(void)state;
	struct rig r;
	rig_open(&r, 1, 1);
	insn_at(&r, INSN_MARKER, TLBMARK_HINT_WINDOW, 0); /* no window announced yet */
	load(&r, USER(0));
	load(&r, USER(0) + (TLBMARK_CR4_PGE | TLBMARK_CR4_PCIDE));
	rig_close(&r);
	line_has(&r, 1, "\"hint_errors\":1},");
	line_has(&r, 1, "\"hints_seen\":false,\"vcpus\":1}");
	rig_free(&r);

	rig_open(&r, 1, 1);
	announce(&r, TLBMARK_CR4_PGE | TLBMARK_CR4_PCIDE);
	insn_at(&r, INSN_MARKER, TLBMARK_HINT_WINDOW, 0); /* a window of its own */
	load(&r, USER(0));
	load(&r, USER(0) + (TLBMARK_CR4_PGE | TLBMARK_CR4_PCIDE));
	insn_at(&r, INSN_MARKER, TLBMARK_CR3_NOFLUSH, 0); /* for the kernel's next switch */
	load(&r, USER(0) + 5);
	insn_at(&r, INSN_MARKER, TLBMARK_CR3_NOFLUSH, 0); /* from the kernel's window */
	load(&r, WINDOW + 5);
	cr3(&r, 0, 0, 0); /* the kernel's, unhinted: flushes */
	rig_close(&r);
	line_has(&r, 1, "\"hint_errors\":3},");
	line_has(&r, 1, "\"load\":{\"l1_misses\":2,\"l2_misses\":2,\"walks\":2,\"accesses\":4}");
	line_has(&r, 1, "\"cr3_writes\":1,\"cr3_noflush\":0,\"flushes\":{\"cr3\":1,");
	rig_free(&r);
}

/* A region's line is in the file as soon as it ends, whole: a QEMU
 * killed later (tools/qemu-run's timeout) runs no at_exit and flushes
 * nothing.  A real file (a memory stream is never line-buffered). */
static void test_lines_out_whole(void **state)
{
	(void)state;
	const char *why = NULL;
	struct feed_options opt = {.global_upper = 1};
	FILE *out = tmpfile();
	assert_non_null(out);
	struct rig r = {.fd = feed_new(&roomy, &opt, out, &why)};
	assert_non_null(r.fd);
	for (int i = 0; i < 20; i++) { /* about 700 bytes a line: past a 4 KiB buffer */
		insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
		load(&r, USER(i));
		insn(&r, INSN_MARKER, TLBMARK_ROI_END);
		struct stat st;
		char last = 0;
		assert_int_equal(fstat(fileno(out), &st), 0);
		assert_true(st.st_size > 0);
		assert_int_equal(pread(fileno(out), &last, 1, st.st_size - 1), 1);
		assert_int_equal(last, '\n');
	}
	feed_finish(r.fd);
	fclose(out);
}

/* --- several vCPUs: a core each ------------------------------------------------ */

/* Each vCPU has its own TLBs: a load on one fills only its own, a CR3
 * write on one flushes only its own. */
static void test_smp_tlbs(void **state)
{
	(void)state;
	struct rig r;
	rig_open_smp(&r, 1, FEED_PCID_OFF, 2);
	load(&r, USER(1));
	r.vcpu = 1;
	load(&r, USER(2));
	cr3(&r, 0, 0, 0);
	assert_true(tlbm_holds(feed_model(r.fd, 0), TLBM_DTLB, USER(1), 0));
	assert_false(tlbm_holds(feed_model(r.fd, 0), TLBM_DTLB, USER(2), 0));
	assert_false(tlbm_holds(feed_model(r.fd, 1), TLBM_DTLB, USER(1), 0));
	assert_false(tlbm_holds(feed_model(r.fd, 1), TLBM_DTLB, USER(2), 0));
	assert_null(feed_model(r.fd, 2));		       /* no such vCPU */
	feed_insn(r.fd, 2, INSN_MARKER, TLBMARK_ROI_BEGIN, 1); /* ignored */
	rig_close(&r);
	line_has(&r, 0, "\"hints_seen\":false,\"vcpus\":2}}");
	/* the total is the sum: 2 loads, one flush */
	line_has(&r, 1, "\"load\":{\"l1_misses\":2,\"l2_misses\":2,\"walks\":2,\"accesses\":2}");
	line_has(&r, 1, "\"cr3_writes\":1,");
	line_has(&r, 1, "\"regions\":0,\"unpaired\":0,\"hints_seen\":false,\"vcpus\":2}");
	rig_free(&r);
}

/* Regions are per vCPU, interleaved: each counts its own vCPU's
 * instructions and loads, and is numbered among its vCPU's regions.  A
 * region opened on vCPU 0 and closed on vCPU 1 is unpaired on both,
 * never joined: no line. */
static void test_smp_regions(void **state)
{
	(void)state;
	struct rig r;
	rig_open_smp(&r, 1, FEED_PCID_OFF, 2);
	insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
	load(&r, USER(1));
	r.vcpu = 1;
	insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
	load(&r, USER(2));
	load(&r, USER(3));
	r.vcpu = 0;
	load(&r, USER(4));
	r.vcpu = 1;
	insn(&r, INSN_MARKER, TLBMARK_ROI_END);
	r.vcpu = 0;
	insn(&r, INSN_MARKER, TLBMARK_ROI_END);
	insn(&r, INSN_MARKER, TLBMARK_ROI_BEGIN);
	load(&r, USER(5));
	r.vcpu = 1;
	insn(&r, INSN_MARKER, TLBMARK_ROI_END);
	rig_close(&r);
	line_has(&r, 1, "{\"region\":0,\"vcpu\":1,\"insns\":2,");
	line_has(&r, 1, "\"load\":{\"l1_misses\":2,\"l2_misses\":2,\"walks\":2,\"accesses\":2}");
	line_has(&r, 2, "{\"region\":0,\"vcpu\":0,\"insns\":2,");
	line_has(&r, 2, "\"load\":{\"l1_misses\":2,\"l2_misses\":2,\"walks\":2,\"accesses\":2}");
	line_has(&r, 3, "{\"total\":{");
	line_has(&r, 3, "\"regions\":2,\"unpaired\":2,");
	rig_free(&r);
}

/* A hint applies to the vCPU that ran it: vCPU 0's INVLPG hint, its
 * loads interleaved with vCPU 1's own, invalidates on vCPU 0 only; vCPU
 * 1's INVLPG without its own hint is unmodelled.  The window, announced
 * once on vCPU 0, is the machine's. */
static void test_smp_hints(void **state)
{
	(void)state;
	struct rig r;
	rig_open_smp(&r, 1, FEED_PCID_HINTS, 2);
	announce(&r, TLBMARK_CR4_PGE);
	for (r.vcpu = 0; r.vcpu < 2; r.vcpu++) {
		load(&r, USER(3));
		load(&r, USER(4));
	}
	uint64_t vpn3 = USER(3) >> 12, vpn4 = USER(4) >> 12;
	r.vcpu = 0;
	insn(&r, INSN_MARKER, TLBMARK_INVLPG);
	r.vcpu = 1;
	insn(&r, INSN_MARKER, TLBMARK_INVLPG);
	for (unsigned i = 0; i < 3; i++) {
		feed_mem(r.fd, 0, WINDOW + (vpn3 >> (12 * i) & 0xfff), 0);
		feed_mem(r.fd, 1, WINDOW + (vpn4 >> (12 * i) & 0xfff), 0);
	}
	r.vcpu = 0;
	insn(&r, INSN_INVLPG, 0); /* vCPU 0's hint: USER(3) */
	insn(&r, INSN_INVLPG, 0); /* unhinted: vCPU 1's hint is not vCPU 0's */
	const struct tlbm *m0 = feed_model(r.fd, 0), *m1 = feed_model(r.fd, 1);
	assert_false(tlbm_holds(m0, TLBM_DTLB, USER(3), 0));
	assert_true(tlbm_holds(m0, TLBM_DTLB, USER(4), 0));
	assert_true(tlbm_holds(m1, TLBM_DTLB, USER(3), 0));
	assert_true(tlbm_holds(m1, TLBM_DTLB, USER(4), 0));
	r.vcpu = 1;
	insn(&r, INSN_INVLPG, 0); /* vCPU 1's hint: USER(4) */
	assert_true(tlbm_holds(m1, TLBM_DTLB, USER(3), 0));
	assert_false(tlbm_holds(m1, TLBM_DTLB, USER(4), 0));
	rig_close(&r);
	line_has(&r, 1, "\"flushes\":{\"cr3\":0,\"invlpg\":2,");
	line_has(&r, 1, "\"unmodelled\":{\"invlpg\":1,\"invpcid\":0,\"cr4\":0},");
	line_has(&r, 1, "\"hint_errors\":0}");
	line_has(&r, 1, "\"hints_seen\":true,\"vcpus\":2}");
	rig_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_and_total), cmocka_unit_test(test_region),
	    cmocka_unit_test(test_unpaired),	     cmocka_unit_test(test_cr3_flushes),
	    cmocka_unit_test(test_global_none),	     cmocka_unit_test(test_pcid_noflush),
	    cmocka_unit_test(test_invlpg),	     cmocka_unit_test(test_cr4),
	    cmocka_unit_test(test_hint_errors),	     cmocka_unit_test(test_model_switch),
	    cmocka_unit_test(test_model_free),	     cmocka_unit_test(test_model_recycle),
	    cmocka_unit_test(test_model_unhinted),   cmocka_unit_test(test_forged_hints),
	    cmocka_unit_test(test_lines_out_whole),  cmocka_unit_test(test_smp_tlbs),
	    cmocka_unit_test(test_smp_regions),	     cmocka_unit_test(test_smp_hints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
