/* Unit tests for the scanner of PKRU-changing instructions (isolation/scan.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../isolation/isolation.h"

#define PAGE 4096

/* --- helpers, independent of scan.c ------------------------------------- */

/* xorshift64*: a fixed seed keeps every run identical. */
static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* A uniform-enough value in [0, n). */
static size_t rng_below(size_t n)
{
	return (size_t)(rng() % n);
}

/*
 * The reference classification of the three bytes at one offset, written
 * from the SDM tables rather than from scan.c: ModRM is mod(7:6) reg(5:3)
 * rm(2:0), and mod 3 means a register operand.
 */
static enum scan_hit ref_at(const uint8_t *p)
{
	if (p[0] != 0x0f)
		return SCAN_NONE;
	unsigned mod = p[2] / 64;
	unsigned reg = (p[2] / 8) % 8;
	if (p[1] == 0x01 && p[2] == 0xef)
		return SCAN_WRPKRU;
	if (p[1] == 0xae && reg == 5 && mod != 3)
		return SCAN_XRSTOR;
	if (p[1] == 0xc7 && reg == 3 && mod != 3)
		return SCAN_XRSTORS;
	return SCAN_NONE;
}

/* The naive scan: try every offset, report the first hit. */
static enum scan_hit ref_scan(const uint8_t *buf, size_t n, uint64_t *offset)
{
	for (size_t i = 0; i + 3 <= n; i++) {
		enum scan_hit h = ref_at(buf + i);
		if (h != SCAN_NONE) {
			*offset = i;
			return h;
		}
	}
	return SCAN_NONE;
}

/* One-shot scan expecting exactly (want, want_off); want_off unused for NONE. */
static void expect_buffer(const uint8_t *buf, size_t n, enum scan_hit want, uint64_t want_off)
{
	uint64_t off = 0xdeadbeef;
	enum scan_hit h = scan_buffer(buf, n, &off);
	if (h != want)
		fail_msg("scan_buffer(n=%zu): got %s, want %s", n, scan_hit_name(h),
			 scan_hit_name(want));
	if (want == SCAN_NONE)
		assert_int_equal(off, 0xdeadbeef); /* untouched */
	else if (off != want_off)
		fail_msg("scan_buffer(n=%zu): %s at %llu, want %llu", n, scan_hit_name(h),
			 (unsigned long long)off, (unsigned long long)want_off);
}

/* Feeds buf in pieces of the given sizes (cycled), expecting (want, want_off). */
static void expect_chunked(const uint8_t *buf, size_t n, const size_t *sizes, size_t nsizes,
			   enum scan_hit want, uint64_t want_off)
{
	struct scanner s;
	scanner_init(&s);
	size_t pos = 0, k = 0;
	bool hit = false;
	while (pos < n) {
		size_t len = sizes[k++ % nsizes];
		if (len > n - pos)
			len = n - pos;
		hit = scanner_feed(&s, buf + pos, len);
		pos += len;
		if (hit) {
			/* The hit lies in what was fed, and it ends in this piece. */
			assert_true(s.hit_offset + 3 <= pos);
			assert_true(s.hit_offset + 3 > pos - len);
			break;
		}
	}
	if (s.hit != want || hit != (want != SCAN_NONE))
		fail_msg("chunked(n=%zu): got %s, want %s", n, scan_hit_name(s.hit),
			 scan_hit_name(want));
	if (want != SCAN_NONE && s.hit_offset != want_off)
		fail_msg("chunked(n=%zu): %s at %llu, want %llu", n, scan_hit_name(s.hit),
			 (unsigned long long)s.hit_offset, (unsigned long long)want_off);
	if (want == SCAN_NONE)
		assert_int_equal(s.offset, n);
}

/* Random chunk sizes: single bytes, page-sized pieces, odd sizes. */
static void expect_random_chunks(const uint8_t *buf, size_t n, enum scan_hit want,
				 uint64_t want_off)
{
	static const size_t menu[] = {1, 2, 3, 5, 7, 127, 4093, 4095, PAGE, PAGE + 1};
	size_t sizes[16];
	for (size_t i = 0; i < 16; i++) {
		if (rng() & 1)
			sizes[i] = menu[rng_below(sizeof(menu) / sizeof(menu[0]))];
		else
			sizes[i] = 1 + rng_below(600);
	}
	expect_chunked(buf, n, sizes, 16, want, want_off);
}

/* Fills buf with random bytes that are never 0x0F: no pattern can start. */
static void fill_pattern_free(uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b;
		do
			b = (uint8_t)rng();
		while (b == 0x0f);
		buf[i] = b;
	}
}

struct pattern {
	enum scan_hit kind;
	uint8_t bytes[3];
};

/* One representative of each kind (memory operands for the XRSTORs). */
static const struct pattern patterns[] = {
    {SCAN_WRPKRU, {0x0f, 0x01, 0xef}},	/* wrpkru */
    {SCAN_XRSTOR, {0x0f, 0xae, 0x28}},	/* xrstor [rax] */
    {SCAN_XRSTOR, {0x0f, 0xae, 0x6d}},	/* xrstor [rbp+disp8] */
    {SCAN_XRSTOR, {0x0f, 0xae, 0xac}},	/* xrstor [sib+disp32] */
    {SCAN_XRSTORS, {0x0f, 0xc7, 0x18}}, /* xrstors [rax] */
    {SCAN_XRSTORS, {0x0f, 0xc7, 0x5f}}, /* xrstors [rdi+disp8] */
    {SCAN_XRSTORS, {0x0f, 0xc7, 0x9e}}, /* xrstors [rsi+disp32] */
};
#define NPATTERNS (sizeof(patterns) / sizeof(patterns[0]))

/* --- fixed cases ---------------------------------------------------------- */

static void test_each_pattern_at_start_middle_end(void **state)
{
	for (size_t p = 0; p < NPATTERNS; p++) {
		uint8_t buf[16];
		memset(buf, 0x90, sizeof(buf)); /* nop */

		memcpy(buf, patterns[p].bytes, 3);
		expect_buffer(buf, sizeof(buf), patterns[p].kind, 0);
		expect_buffer(buf, 3, patterns[p].kind, 0); /* exactly the pattern */

		memset(buf, 0x90, sizeof(buf));
		memcpy(buf + 7, patterns[p].bytes, 3);
		expect_buffer(buf, sizeof(buf), patterns[p].kind, 7);

		memset(buf, 0x90, sizeof(buf));
		memcpy(buf + sizeof(buf) - 3, patterns[p].bytes, 3);
		expect_buffer(buf, sizeof(buf), patterns[p].kind, sizeof(buf) - 3);
		/* One byte short: the truncated pattern is not a hit. */
		expect_buffer(buf, sizeof(buf) - 1, SCAN_NONE, 0);
		expect_buffer(buf, sizeof(buf) - 2, SCAN_NONE, 0);
	}
}

static void test_empty_and_short(void **state)
{
	static const uint8_t w[] = {0x0f, 0x01, 0xef};
	expect_buffer(NULL, 0, SCAN_NONE, 0);
	expect_buffer(w, 1, SCAN_NONE, 0);
	expect_buffer(w, 2, SCAN_NONE, 0);
	expect_buffer(w, 3, SCAN_WRPKRU, 0);
	/* offset may be NULL. */
	assert_int_equal(scan_buffer(w, 3, NULL), SCAN_WRPKRU);
	assert_int_equal(scan_buffer(w, 2, NULL), SCAN_NONE);

	struct scanner s;
	scanner_init(&s);
	assert_false(scanner_feed(&s, NULL, 0));
	assert_int_equal(s.offset, 0);
	assert_int_equal(s.hit, SCAN_NONE);
}

/* mov eax, 0xef010f: the immediate holds WRPKRU, reachable by a jump to +1. */
static void test_wrpkru_inside_mov(void **state)
{
	static const uint8_t mov[] = {0xb8, 0x0f, 0x01, 0xef, 0x00};
	expect_buffer(mov, sizeof(mov), SCAN_WRPKRU, 1);

	/* lea rax, [rip + 0x00ef010f]: WRPKRU in the displacement. */
	static const uint8_t lea[] = {0x48, 0x8d, 0x05, 0x0f, 0x01, 0xef, 0x00};
	expect_buffer(lea, sizeof(lea), SCAN_WRPKRU, 3);

	/* A 0F that starts nothing, then a real 0F AE /5 right after it. */
	static const uint8_t dbl[] = {0x0f, 0x0f, 0xae, 0x28};
	expect_buffer(dbl, sizeof(dbl), SCAN_XRSTOR, 1);
}

/* Every ModRM byte after 0F AE and 0F C7 (SDM Vol. 2B, XRSTOR / XRSTORS). */
static void test_modrm_exhaustive(void **state)
{
	for (unsigned m = 0; m < 256; m++) {
		unsigned mod = m >> 6, reg = (m >> 3) & 7;
		uint8_t buf[5] = {0x90, 0x0f, 0xae, (uint8_t)m, 0x90};

		/* 0F AE: reg 5 with memory is XRSTOR; mod 3 reg 5 is LFENCE. */
		enum scan_hit want = (reg == 5 && mod != 3) ? SCAN_XRSTOR : SCAN_NONE;
		expect_buffer(buf, sizeof(buf), want, 1);
		if (m == 0xe8)
			assert_int_equal(want, SCAN_NONE); /* lfence itself */

		/* 0F C7: reg 3 with memory is XRSTORS (mod 3 is not). */
		buf[2] = 0xc7;
		want = (reg == 3 && mod != 3) ? SCAN_XRSTORS : SCAN_NONE;
		expect_buffer(buf, sizeof(buf), want, 1);

		/* 0F 01: only EF (WRPKRU); EE is RDPKRU, which reads PKRU. */
		buf[2] = 0x01;
		want = m == 0xef ? SCAN_WRPKRU : SCAN_NONE;
		expect_buffer(buf, sizeof(buf), want, 1);
	}
}

/* Every second and third byte after 0F, checked against the reference. */
static void test_all_two_byte_tails(void **state)
{
	int hits = 0;
	for (unsigned b = 0; b < 256; b++) {
		for (unsigned c = 0; c < 256; c++) {
			uint8_t buf[3] = {0x0f, (uint8_t)b, (uint8_t)c};
			enum scan_hit want = ref_at(buf);
			expect_buffer(buf, 3, want, 0);
			hits += want != SCAN_NONE;
		}
	}
	/* 1 WRPKRU + 24 XRSTOR + 24 XRSTORS ModRM values (3 mods x 8 rms). */
	assert_int_equal(hits, 1 + 24 + 24);

	/* And no first byte but 0F starts anything. */
	for (unsigned a = 0; a < 256; a++) {
		if (a == 0x0f)
			continue;
		for (size_t p = 0; p < NPATTERNS; p++) {
			uint8_t buf[3] = {(uint8_t)a, patterns[p].bytes[1], patterns[p].bytes[2]};
			expect_buffer(buf, 3, SCAN_NONE, 0);
		}
	}
}

/* LFENCE, MFENCE, SFENCE, XSAVE, FXRSTOR and friends are not reported. */
static void test_neighbours_not_reported(void **state)
{
	static const uint8_t quiet[][3] = {
	    {0x0f, 0xae, 0xe8}, /* lfence */
	    {0x0f, 0xae, 0xf0}, /* mfence */
	    {0x0f, 0xae, 0xf8}, /* sfence */
	    {0x0f, 0xae, 0x20}, /* xsave [rax] */
	    {0x0f, 0xae, 0x08}, /* fxrstor [rax] */
	    {0x0f, 0xae, 0x30}, /* xsaveopt [rax] */
	    {0x0f, 0xc7, 0x08}, /* cmpxchg8b [rax] */
	    {0x0f, 0xc7, 0x20}, /* xsavec [rax] */
	    {0x0f, 0xc7, 0x28}, /* xsaves [rax] */
	    {0x0f, 0xc7, 0xf0}, /* rdrand eax */
	    {0x0f, 0xc7, 0xd8}, /* mod 3 reg 3: not a memory form */
	    {0x0f, 0x01, 0xee}, /* rdpkru */
	    {0x0f, 0x01, 0xd0}, /* xgetbv */
	    {0x0f, 0x01, 0xd1}, /* xsetbv */
	};
	for (size_t i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		expect_buffer(quiet[i], 3, SCAN_NONE, 0);
}

/* REX.W and other prefixes come before 0F: the hit is at the 0F. */
static void test_prefixed_forms(void **state)
{
	static const uint8_t xrstor64[] = {0x48, 0x0f, 0xae, 0x28};   /* xrstor64 [rax] */
	static const uint8_t xrstors64[] = {0x48, 0x0f, 0xc7, 0x1f};  /* xrstors64 [rdi] */
	static const uint8_t rexb[] = {0x49, 0x0f, 0xae, 0x2c, 0x24}; /* xrstor [r12] */
	static const uint8_t seg[] = {0x64, 0x48, 0x0f, 0xae, 0x28};  /* fs: xrstor64 */
	static const uint8_t pfx[] = {0x66, 0x0f, 0x01, 0xef};	      /* 66 wrpkru */
	expect_buffer(xrstor64, sizeof(xrstor64), SCAN_XRSTOR, 1);
	expect_buffer(xrstors64, sizeof(xrstors64), SCAN_XRSTORS, 1);
	expect_buffer(rexb, sizeof(rexb), SCAN_XRSTOR, 1);
	expect_buffer(seg, sizeof(seg), SCAN_XRSTOR, 2);
	expect_buffer(pfx, sizeof(pfx), SCAN_WRPKRU, 1);
}

/* --- streaming ------------------------------------------------------------ */

/* Every split of a buffer into two and three feeds, and byte by byte. */
static void test_split_every_point(void **state)
{
	for (size_t p = 0; p < NPATTERNS; p++) {
		for (size_t at = 0; at <= 6; at++) {
			uint8_t buf[10];
			memset(buf, 0x90, sizeof(buf));
			memcpy(buf + at, patterns[p].bytes, 3);
			size_t n = sizeof(buf);

			for (size_t i = 0; i <= n; i++) {
				for (size_t j = i; j <= n; j++) {
					size_t sizes[3] = {i, j - i, n - j};
					struct scanner s;
					scanner_init(&s);
					bool hit = false;
					size_t pos = 0;
					for (int k = 0; k < 3 && !hit; k++) {
						hit = scanner_feed(&s, buf + pos, sizes[k]);
						pos += sizes[k];
					}
					assert_true(hit);
					assert_int_equal(s.hit, patterns[p].kind);
					assert_int_equal(s.hit_offset, at);
				}
			}

			struct scanner s;
			scanner_init(&s);
			size_t i;
			for (i = 0; i < n; i++) {
				bool hit = scanner_feed(&s, buf + i, 1);
				assert_int_equal(hit, i >= at + 2);
				if (hit)
					break;
			}
			assert_int_equal(i, at + 2); /* stops on the last byte */
			assert_int_equal(s.hit, patterns[p].kind);
			assert_int_equal(s.hit_offset, at);
		}
	}
}

/* The 1+2 and 2+1 splits of WRPKRU, by name. */
static void test_split_wrpkru(void **state)
{
	static const uint8_t w[] = {0x0f, 0x01, 0xef};
	struct scanner s;

	scanner_init(&s);
	assert_false(scanner_feed(&s, w, 1));
	assert_true(scanner_feed(&s, w + 1, 2));
	assert_int_equal(s.hit, SCAN_WRPKRU);
	assert_int_equal(s.hit_offset, 0);

	scanner_init(&s);
	assert_false(scanner_feed(&s, w, 2));
	assert_true(scanner_feed(&s, w + 2, 1));
	assert_int_equal(s.hit, SCAN_WRPKRU);
	assert_int_equal(s.hit_offset, 0);

	/* After some clean bytes: offsets are absolute. */
	static const uint8_t nops[5] = {0x90, 0x90, 0x90, 0x90, 0x90};
	scanner_init(&s);
	assert_false(scanner_feed(&s, nops, 5));
	assert_false(scanner_feed(&s, w, 1));
	assert_false(scanner_feed(&s, nops, 0)); /* an empty piece keeps the tail */
	assert_false(scanner_feed(&s, w + 1, 1));
	assert_true(scanner_feed(&s, w + 2, 1));
	assert_int_equal(s.hit_offset, 5);
}

static void test_init_resets(void **state)
{
	static const uint8_t w[] = {0x90, 0x0f, 0x01, 0xef};
	static const uint8_t nops[4] = {0x90, 0x90, 0x90, 0x90};
	struct scanner s;

	scanner_init(&s);
	assert_true(scanner_feed(&s, w, sizeof(w)));
	scanner_init(&s);
	assert_int_equal(s.hit, SCAN_NONE);
	assert_int_equal(s.offset, 0);
	assert_int_equal(s.ntail, 0);
	assert_false(scanner_feed(&s, nops, sizeof(nops)));
	assert_int_equal(s.offset, 4);
	assert_true(scanner_feed(&s, w, sizeof(w)));
	assert_int_equal(s.hit_offset, 5);

	/* A half-fed pattern does not survive init. */
	scanner_init(&s);
	assert_false(scanner_feed(&s, w + 1, 2));
	scanner_init(&s);
	assert_false(scanner_feed(&s, w + 3, 1));
	assert_int_equal(s.hit, SCAN_NONE);

	/* Init over garbage. */
	memset(&s, 0xa5, sizeof(s));
	scanner_init(&s);
	assert_false(scanner_feed(&s, w, 3));
	assert_true(scanner_feed(&s, w + 3, 1));
	assert_int_equal(s.hit_offset, 1);
}

static void test_feed_after_hit(void **state)
{
	static const uint8_t x[] = {0x90, 0x90, 0x0f, 0xae, 0x28, 0x90};
	static const uint8_t w[] = {0x0f, 0x01, 0xef};
	struct scanner s;

	scanner_init(&s);
	assert_true(scanner_feed(&s, x, sizeof(x)));
	assert_int_equal(s.hit, SCAN_XRSTOR);
	assert_int_equal(s.hit_offset, 2);

	/* Still true, first hit kept, whatever comes next. */
	assert_true(scanner_feed(&s, w, sizeof(w)));
	assert_true(scanner_feed(&s, x, 0));
	assert_true(scanner_feed(&s, NULL, 0));
	static const uint8_t nops[3] = {0x90, 0x90, 0x90};
	assert_true(scanner_feed(&s, nops, sizeof(nops)));
	assert_int_equal(s.hit, SCAN_XRSTOR);
	assert_int_equal(s.hit_offset, 2);

	/* Two patterns in one buffer: the first wins. */
	static const uint8_t two[] = {0x0f, 0xc7, 0x18, 0x0f, 0x01, 0xef};
	expect_buffer(two, sizeof(two), SCAN_XRSTORS, 0);
	expect_buffer(two + 1, sizeof(two) - 1, SCAN_WRPKRU, 2);
	/* Overlapping: 0F AE 0F 01 EF has only WRPKRU (0F is not reg 5). */
	static const uint8_t ovl[] = {0x0f, 0xae, 0x0f, 0x01, 0xef};
	expect_buffer(ovl, sizeof(ovl), SCAN_WRPKRU, 2);
}

/* 3 pages fed in pages; WRPKRU straddles a page boundary. */
static void test_page_straddle(void **state)
{
	static uint8_t buf[3 * PAGE];
	static const uint8_t w[] = {0x0f, 0x01, 0xef};
	static const size_t starts[] = {PAGE - 1,     PAGE - 2, 2 * PAGE - 1,
					2 * PAGE - 2, PAGE - 3, PAGE};
	const size_t page = PAGE;

	rng_seed(0x5ca9);
	for (size_t t = 0; t < sizeof(starts) / sizeof(starts[0]); t++) {
		fill_pattern_free(buf, sizeof(buf));
		memcpy(buf + starts[t], w, 3);
		expect_chunked(buf, sizeof(buf), &page, 1, SCAN_WRPKRU, starts[t]);
		expect_buffer(buf, sizeof(buf), SCAN_WRPKRU, starts[t]);
	}

	/* A pattern-free 3 pages: nothing, and every byte counted. */
	fill_pattern_free(buf, sizeof(buf));
	expect_chunked(buf, sizeof(buf), &page, 1, SCAN_NONE, 0);
}

/* --- randomised ----------------------------------------------------------- */

/* Random buffers rich in the interesting bytes, against the naive scan. */
static void test_random_against_reference(void **state)
{
	static const uint8_t hot[] = {0x0f, 0x01, 0xef, 0xae, 0xc7, 0x28, 0x18, 0xe8, 0xd8, 0x48};
	uint8_t buf[300];
	int found = 0;

	rng_seed(0x1234abcd);
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = 1 + rng_below(300);
		unsigned density = (unsigned)rng_below(4); /* how often a hot byte */
		for (size_t i = 0; i < n; i++) {
			if (rng_below(8) < density)
				buf[i] = hot[rng_below(sizeof(hot))];
			else
				buf[i] = (uint8_t)rng();
		}
		/* Half the time, a random ModRM straight after 0F AE / 0F C7. */
		if (n >= 3 && (rng() & 1)) {
			size_t at = rng_below(n - 2);
			buf[at] = 0x0f;
			buf[at + 1] = (rng() & 1) ? 0xae : 0xc7;
			buf[at + 2] = (uint8_t)rng();
			if (rng() & 1) /* force the reg field of a hit, any mod */
				buf[at + 2] = (uint8_t)((buf[at + 2] & 0xc7) |
							(buf[at + 1] == 0xae ? 5 : 3) << 3);
		}

		uint64_t ref_off = 0;
		enum scan_hit ref = ref_scan(buf, n, &ref_off);
		expect_buffer(buf, n, ref, ref_off);
		expect_random_chunks(buf, n, ref, ref_off);
		found += ref != SCAN_NONE;
	}
	/* The generator must exercise both outcomes. */
	assert_true(found > 2000);
	assert_true(found < 18000);
}

/* Each pattern planted at every offset of a pattern-free random buffer. */
static void test_plant_every_offset(void **state)
{
	static uint8_t buf[300];

	rng_seed(0xfeedface);
	for (int round = 0; round < 4; round++) {
		fill_pattern_free(buf, sizeof(buf));
		expect_buffer(buf, sizeof(buf), SCAN_NONE, 0);
		for (size_t p = 0; p < NPATTERNS; p++) {
			for (size_t at = 0; at + 3 <= sizeof(buf); at++) {
				uint8_t saved[3];
				memcpy(saved, buf + at, 3);
				memcpy(buf + at, patterns[p].bytes, 3);

				expect_buffer(buf, sizeof(buf), patterns[p].kind, at);
				expect_buffer(buf, at + 3, patterns[p].kind, at);
				expect_buffer(buf + at, sizeof(buf) - at, patterns[p].kind, 0);
				expect_random_chunks(buf, sizeof(buf), patterns[p].kind, at);

				memcpy(buf + at, saved, 3);
			}
		}
	}
}

/* The same over a larger buffer fed in page-sized and odd pieces. */
static void test_plant_every_offset_paged(void **state)
{
	enum { N = 2 * PAGE + 123 };
	static uint8_t buf[N];
	static const size_t paged[] = {PAGE};
	static const size_t odd[] = {4093, 7, 1, 4099, 2};

	rng_seed(0xabad1dea);
	fill_pattern_free(buf, N);
	expect_buffer(buf, N, SCAN_NONE, 0);
	for (size_t p = 0; p < NPATTERNS; p++) {
		for (size_t at = 0; at + 3 <= N; at++) {
			uint8_t saved[3];
			memcpy(saved, buf + at, 3);
			memcpy(buf + at, patterns[p].bytes, 3);

			expect_buffer(buf, N, patterns[p].kind, at);
			expect_chunked(buf, N, paged, 1, patterns[p].kind, at);
			expect_chunked(buf, N, odd, 5, patterns[p].kind, at);
			if (at % 97 == 0 || (at % PAGE) >= PAGE - 2 || (at % PAGE) == 0)
				expect_random_chunks(buf, N, patterns[p].kind, at);

			memcpy(buf + at, saved, 3);
		}
	}
}

/* Every memory-form ModRM of XRSTOR and XRSTORS, planted with REX.W. */
static void test_plant_all_modrm_rex(void **state)
{
	static uint8_t buf[64];
	rng_seed(0x77);
	for (unsigned mod = 0; mod < 3; mod++) {
		for (unsigned rm = 0; rm < 8; rm++) {
			for (size_t at = 1; at + 3 <= sizeof(buf); at++) {
				fill_pattern_free(buf, sizeof(buf));
				buf[at - 1] = 0x48;
				buf[at] = 0x0f;
				buf[at + 1] = 0xae;
				buf[at + 2] = (uint8_t)(mod << 6 | 5 << 3 | rm);
				expect_buffer(buf, sizeof(buf), SCAN_XRSTOR, at);
				expect_random_chunks(buf, sizeof(buf), SCAN_XRSTOR, at);
				buf[at + 1] = 0xc7;
				buf[at + 2] = (uint8_t)(mod << 6 | 3 << 3 | rm);
				expect_buffer(buf, sizeof(buf), SCAN_XRSTORS, at);
				expect_random_chunks(buf, sizeof(buf), SCAN_XRSTORS, at);
			}
		}
	}
}

static void test_hit_names(void **state)
{
	assert_string_equal(scan_hit_name(SCAN_WRPKRU), "WRPKRU");
	assert_string_equal(scan_hit_name(SCAN_XRSTOR), "XRSTOR");
	assert_string_equal(scan_hit_name(SCAN_XRSTORS), "XRSTORS");
	assert_non_null(scan_hit_name(SCAN_NONE));
	assert_string_equal(scan_hit_name(SCAN_NONE), "nothing");
	assert_string_equal(scan_hit_name((enum scan_hit)(SCAN_XRSTORS + 1)), "?");
	assert_string_equal(scan_hit_name((enum scan_hit)1000), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_pattern_at_start_middle_end),
	    cmocka_unit_test(test_empty_and_short),
	    cmocka_unit_test(test_wrpkru_inside_mov),
	    cmocka_unit_test(test_modrm_exhaustive),
	    cmocka_unit_test(test_all_two_byte_tails),
	    cmocka_unit_test(test_neighbours_not_reported),
	    cmocka_unit_test(test_prefixed_forms),
	    cmocka_unit_test(test_split_every_point),
	    cmocka_unit_test(test_split_wrpkru),
	    cmocka_unit_test(test_init_resets),
	    cmocka_unit_test(test_feed_after_hit),
	    cmocka_unit_test(test_page_straddle),
	    cmocka_unit_test(test_random_against_reference),
	    cmocka_unit_test(test_plant_every_offset),
	    cmocka_unit_test(test_plant_every_offset_paged),
	    cmocka_unit_test(test_plant_all_modrm_rex),
	    cmocka_unit_test(test_hit_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
