/* Unit tests for the physical page allocator (guest/core/pmm.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/kernel.h"

#define FRAME 4096ull
#define BASE 0x100000ull /* 1 MiB: frame 0 of every allocator here */
#define CANARY 0x5a5a5a5a5a5a5a5aull

/* An allocator over npages frames at BASE, every frame used, with a
 * canary word after the bitmap. */
struct fixture {
	struct pmm p;
	uint64_t bitmap[16]; /* up to 15 * 64 frames, plus the canary */
	uint64_t npages;
};

static void setup_n(struct fixture *f, uint64_t npages)
{
	uint64_t words = (npages + 63) / 64;
	assert_true(words < sizeof(f->bitmap) / sizeof(f->bitmap[0]));
	for (size_t i = 0; i < sizeof(f->bitmap) / sizeof(f->bitmap[0]); i++)
		f->bitmap[i] = i % 2 ? 0 : CANARY; /* garbage, both ways */
	f->npages = npages;
	pmm_init(&f->p, f->bitmap, BASE, npages);
	assert_int_equal(f->bitmap[words], words % 2 ? 0 : CANARY);
}

static uint64_t frame(uint64_t i)
{
	return BASE + i * FRAME;
}

/* Frees every frame of the allocator. */
static void free_all(struct fixture *f)
{
	assert_int_equal(pmm_mark_free(&f->p, 0, UINT64_MAX), f->npages - f->p.free);
	assert_int_equal(f->p.free, f->npages);
}

static void test_init_marks_all_used(void **state)
{
	struct fixture f;
	setup_n(&f, 130);
	assert_int_equal(f.p.base, BASE);
	assert_int_equal(f.p.npages, 130);
	assert_int_equal(f.p.free, 0);
	for (int w = 0; w < 3; w++)
		assert_true(f.bitmap[w] == ~0ull);
	assert_int_equal(pmm_alloc(&f.p), 0);
	assert_int_equal(pmm_free(&f.p, frame(1)), 0); /* it was used */
	assert_int_equal(f.p.free, 1);
}

static void test_mark_free_rounds_inwards(void **state)
{
	struct fixture f;
	setup_n(&f, 64);
	/* Only frame 1 lies wholly inside [BASE + 1, BASE + 3 frames - 1). */
	assert_int_equal(pmm_mark_free(&f.p, BASE + 1, frame(3) - 1), 1);
	assert_int_equal(f.p.free, 1);
	assert_int_equal(pmm_alloc(&f.p), frame(1));
	assert_int_equal(pmm_alloc(&f.p), 0);

	/* Less than a frame, even across a frame boundary: nothing. */
	assert_int_equal(pmm_mark_free(&f.p, frame(5) + 8, frame(6) + 8), 0);
	assert_int_equal(pmm_mark_free(&f.p, frame(5), frame(5)), 0);
	assert_int_equal(f.p.free, 0);

	/* Exact frames; frames already free do not count again. */
	assert_int_equal(pmm_mark_free(&f.p, frame(10), frame(14)), 4);
	assert_int_equal(pmm_mark_free(&f.p, frame(8), frame(12)), 2);
	assert_int_equal(f.p.free, 6);
	for (uint64_t i = 8; i < 14; i++)
		assert_int_equal(pmm_alloc(&f.p), frame(i));
	assert_int_equal(pmm_alloc(&f.p), 0);
}

static void test_mark_used_rounds_outwards(void **state)
{
	struct fixture f;
	setup_n(&f, 64);
	free_all(&f);
	/* [frame 1 + 1, frame 2 + 1) touches frames 1 and 2. */
	assert_int_equal(pmm_mark_used(&f.p, frame(1) + 1, frame(2) + 1), 2);
	assert_int_equal(f.p.free, 62);
	/* One byte touches one frame; frames already used do not count. */
	assert_int_equal(pmm_mark_used(&f.p, frame(2) + 100, frame(2) + 101), 0);
	assert_int_equal(pmm_mark_used(&f.p, frame(4) + 100, frame(4) + 101), 1);
	assert_int_equal(pmm_mark_used(&f.p, frame(9), frame(9)), 0); /* empty */
	assert_int_equal(pmm_mark_used(&f.p, frame(9), frame(8)), 0); /* reversed */
	assert_int_equal(f.p.free, 61);
	assert_int_equal(pmm_alloc(&f.p), frame(0));
	assert_int_equal(pmm_alloc(&f.p), frame(3));
	assert_int_equal(pmm_alloc(&f.p), frame(5));
}

/* Parts of a range outside the bitmap are ignored. */
static void test_mark_clipped_to_bitmap(void **state)
{
	struct fixture f;
	setup_n(&f, 70);
	assert_int_equal(pmm_mark_free(&f.p, 0, BASE), 0);
	assert_int_equal(pmm_mark_free(&f.p, frame(70), frame(200)), 0);
	assert_int_equal(pmm_mark_free(&f.p, 0, frame(2)), 2);
	assert_int_equal(pmm_mark_free(&f.p, frame(68), frame(1000)), 2);
	assert_int_equal(f.p.free, 4);
	assert_int_equal(pmm_mark_free(&f.p, 0, UINT64_MAX), 66);
	assert_int_equal(f.p.free, 70);
	assert_int_equal(pmm_mark_used(&f.p, 0, BASE), 0);
	assert_int_equal(pmm_mark_used(&f.p, frame(70), frame(200)), 0);
	assert_int_equal(pmm_mark_used(&f.p, 0, frame(1)), 1);
	assert_int_equal(pmm_mark_used(&f.p, frame(69), frame(1000)), 1);
	assert_int_equal(f.p.free, 68);
	/* The bits past frame 70 stay set: nothing outside is ever free. */
	assert_true((f.bitmap[1] >> 6) == (~0ull >> 6));
}

/* A reservation reaching the top of the address space, as a memory map
 * entry "to the end" would give. */
static void test_mark_used_to_top_of_address_space(void **state)
{
	struct fixture f;
	setup_n(&f, 64);
	free_all(&f);
	assert_int_equal(pmm_mark_used(&f.p, frame(60), UINT64_MAX), 4);
	assert_int_equal(f.p.free, 60);
	assert_int_equal(pmm_mark_used(&f.p, frame(10) + 1, UINT64_MAX - 100), 50);
	assert_int_equal(f.p.free, 10);
}

static void test_alloc_lowest_first_until_exhausted(void **state)
{
	struct fixture f;
	setup_n(&f, 200);
	free_all(&f);
	for (uint64_t i = 0; i < 200; i++) {
		assert_int_equal(pmm_alloc(&f.p), frame(i));
		assert_int_equal(f.p.free, 199 - i);
	}
	assert_int_equal(pmm_alloc(&f.p), 0);
	assert_int_equal(pmm_alloc(&f.p), 0);
	assert_int_equal(f.p.free, 0);
}

/* A frame freed below the hint is the next one handed out. */
static void test_free_then_realloc(void **state)
{
	struct fixture f;
	setup_n(&f, 200);
	free_all(&f);
	for (uint64_t i = 0; i < 200; i++)
		assert_int_equal(pmm_alloc(&f.p), frame(i));
	assert_int_equal(pmm_free(&f.p, frame(150)), 0);
	assert_int_equal(pmm_free(&f.p, frame(37)), 0);
	assert_true(f.p.hint <= 37);
	assert_int_equal(pmm_free(&f.p, frame(12)), 0);
	assert_true(f.p.hint <= 12);
	assert_int_equal(f.p.free, 3);
	assert_int_equal(pmm_alloc(&f.p), frame(12));
	assert_int_equal(pmm_alloc(&f.p), frame(37));
	assert_int_equal(pmm_alloc(&f.p), frame(150));
	assert_int_equal(pmm_alloc(&f.p), 0);

	/* mark_free below the hint lowers it too. */
	assert_int_equal(pmm_mark_free(&f.p, frame(3), frame(4)), 1);
	assert_int_equal(pmm_alloc(&f.p), frame(3));
}

static void test_bad_free(void **state)
{
	struct fixture f;
	setup_n(&f, 100);
	free_all(&f);
	uint64_t a = pmm_alloc(&f.p);
	uint64_t b = pmm_alloc(&f.p);
	assert_int_equal(b, frame(1));
	assert_int_equal(f.p.free, 98);

	assert_int_equal(pmm_free(&f.p, a), 0);
	assert_int_equal(pmm_free(&f.p, a), -SHOJI_EINVAL);	    /* double free */
	assert_int_equal(pmm_free(&f.p, frame(50)), -SHOJI_EINVAL); /* never allocated */
	assert_int_equal(pmm_free(&f.p, b + 1), -SHOJI_EINVAL);
	assert_int_equal(pmm_free(&f.p, b + FRAME - 1), -SHOJI_EINVAL);
	assert_int_equal(pmm_free(&f.p, BASE - FRAME), -SHOJI_EINVAL);
	assert_int_equal(pmm_free(&f.p, 0), -SHOJI_EINVAL);
	assert_int_equal(pmm_free(&f.p, frame(100)), -SHOJI_EINVAL);
	assert_int_equal(pmm_free(&f.p, frame(1000)), -SHOJI_EINVAL);
	assert_int_equal(pmm_free(&f.p, UINT64_MAX & ~(FRAME - 1)), -SHOJI_EINVAL);
	assert_int_equal(f.p.free, 99);
	/* What the audit asks: used, free, or not a frame of this allocator. */
	assert_int_equal(pmm_frame_used(&f.p, b), 1);
	assert_int_equal(pmm_frame_used(&f.p, a), 0);
	assert_int_equal(pmm_frame_used(&f.p, b + 1), -SHOJI_EINVAL);
	assert_int_equal(pmm_frame_used(&f.p, frame(100)), -SHOJI_EINVAL);
	assert_int_equal(pmm_frame_used(&f.p, BASE - FRAME), -SHOJI_EINVAL);
	assert_int_equal(pmm_free(&f.p, b), 0);
	assert_int_equal(pmm_frame_used(&f.p, b), 0);
	assert_int_equal(f.p.free, 100);
}

/* With npages not a multiple of 64, the bits past npages in the last word
 * never become frames, whatever was in the bitmap before init. */
static void test_partial_last_word(void **state)
{
	static const uint64_t sizes[] = {1, 3, 63, 65, 70, 127, 129};
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct fixture f;
		uint64_t n = sizes[s];
		setup_n(&f, n);
		free_all(&f);
		for (uint64_t i = 0; i < n; i++)
			assert_int_equal(pmm_alloc(&f.p), frame(i));
		assert_int_equal(pmm_alloc(&f.p), 0);
		/* Free only the last frame: it comes back, nothing past it. */
		assert_int_equal(pmm_free(&f.p, frame(n - 1)), 0);
		assert_int_equal(pmm_alloc(&f.p), frame(n - 1));
		assert_int_equal(pmm_alloc(&f.p), 0);
		assert_int_equal(pmm_free(&f.p, frame(n)), -SHOJI_EINVAL);
	}
}

/* --- randomized, against a reference model ------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64: fixed seed, the same sequence on every run */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

#define MODEL_PAGES 300 /* not a multiple of 64 */

struct model {
	bool used[MODEL_PAGES];
	uint64_t free;
};

static uint64_t model_lowest_free(const struct model *m)
{
	for (uint64_t i = 0; i < MODEL_PAGES; i++)
		if (!m->used[i])
			return i;
	return MODEL_PAGES;
}

/* Frame index of address a, clamped to [0, MODEL_PAGES]; round up or down. */
static uint64_t model_index(uint64_t a, bool up)
{
	if (a <= BASE)
		return 0;
	uint64_t i = (a - BASE + (up ? FRAME - 1 : 0)) / FRAME;
	return i > MODEL_PAGES ? MODEL_PAGES : i;
}

static uint64_t model_mark(struct model *m, uint64_t start, uint64_t end, bool used)
{
	/* free: whole frames inside; used: every frame touched */
	if (end <= start)
		return 0;
	uint64_t first = model_index(start, !used), last = model_index(end, used), n = 0;
	for (uint64_t i = first; i < last; i++) {
		if (m->used[i] != used) {
			m->used[i] = used;
			n++;
		}
	}
	if (used)
		m->free -= n;
	else
		m->free += n;
	return n;
}

/* An address from a little below the allocator to a little past it. */
static uint64_t random_addr(void)
{
	uint64_t span = (MODEL_PAGES + 4) * FRAME;
	uint64_t a = BASE - 2 * FRAME + rng() % span;
	return rng() % 2 ? a & ~(FRAME - 1) : a;
}

static void test_random_against_model(void **state)
{
	uint64_t bitmap[(MODEL_PAGES + 63) / 64];
	struct pmm p;
	struct model m;
	memset(&m, 0, sizeof(m));
	for (int i = 0; i < MODEL_PAGES; i++)
		m.used[i] = true;
	pmm_init(&p, bitmap, BASE, MODEL_PAGES);

	for (int step = 0; step < 200000; step++) {
		uint64_t r = rng() % 100;
		if (r < 45) {
			uint64_t want = model_lowest_free(&m);
			uint64_t got = pmm_alloc(&p);
			if (want == MODEL_PAGES) {
				assert_int_equal(got, 0);
			} else {
				if (got != frame(want))
					fail_msg("step %d: alloc gave %#llx, want %#llx", step,
						 (unsigned long long)got,
						 (unsigned long long)frame(want));
				m.used[want] = true;
				m.free--;
			}
		} else if (r < 90) {
			uint64_t a = random_addr();
			bool ok = a >= BASE && (a - BASE) % FRAME == 0 &&
				  (a - BASE) / FRAME < MODEL_PAGES && m.used[(a - BASE) / FRAME];
			int rc = pmm_free(&p, a);
			if (rc != (ok ? 0 : -SHOJI_EINVAL))
				fail_msg("step %d: free(%#llx) = %d", step, (unsigned long long)a,
					 rc);
			if (ok) {
				m.used[(a - BASE) / FRAME] = false;
				m.free++;
			}
		} else {
			uint64_t s = random_addr(), e = s + rng() % (40 * FRAME);
			bool used = r < 95;
			uint64_t want = model_mark(&m, s, e, used);
			uint64_t got = used ? pmm_mark_used(&p, s, e) : pmm_mark_free(&p, s, e);
			if (got != want)
				fail_msg("step %d: mark_%s(%#llx, %#llx) = %llu, want %llu", step,
					 used ? "used" : "free", (unsigned long long)s,
					 (unsigned long long)e, (unsigned long long)got,
					 (unsigned long long)want);
		}
		if (p.free != m.free)
			fail_msg("step %d: free %llu, want %llu", step, (unsigned long long)p.free,
				 (unsigned long long)m.free);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_marks_all_used),
	    cmocka_unit_test(test_mark_free_rounds_inwards),
	    cmocka_unit_test(test_mark_used_rounds_outwards),
	    cmocka_unit_test(test_mark_clipped_to_bitmap),
	    cmocka_unit_test(test_mark_used_to_top_of_address_space),
	    cmocka_unit_test(test_alloc_lowest_first_until_exhausted),
	    cmocka_unit_test(test_free_then_realloc),
	    cmocka_unit_test(test_bad_free),
	    cmocka_unit_test(test_partial_last_word),
	    cmocka_unit_test(test_random_against_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
