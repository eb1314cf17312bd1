/* Unit tests for NOP squashing in bundled code (isolation/nop_squash.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../isolation/isolation.h"

#define B BUNDLE_SIZE

/* Code is built byte by byte into a buffer of whole bundles. */
struct code {
	uint8_t b[4 * B];
	size_t at;
};

static void put(struct code *c, const uint8_t *bytes, size_t n)
{
	assert_true(c->at + n <= sizeof(c->b));
	memcpy(c->b + c->at, bytes, n);
	c->at += n;
}

static void put_nops1(struct code *c, size_t n) /* one-byte NOPs, as GNU as pads bundles */
{
	while (n--)
		put(c, (const uint8_t[]){0x90}, 1);
}

static const uint8_t mov_eax[5] = {0xb8, 7, 0, 0, 0}; /* mov $7, %eax */
static const uint8_t movq_rsp[9] = {0x48, 0xc7, 0x44, 0x24, 0x40,
				    0,	  0,	0,    0}; /* movq $0,0x40(%rsp) */
static const uint8_t nop11[11] = {0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0};
static const uint8_t nop5[5] = {0x0f, 0x1f, 0x44, 0, 0};

/* Fills the rest of c with push %rax (50), a one-byte instruction. */
static void fill(struct code *c)
{
	memset(c->b + c->at, 0x50, sizeof(c->b) - c->at);
	c->at = sizeof(c->b);
}

static unsigned squash(struct code *c)
{
	uint8_t scratch[sizeof(c->b)];
	unsigned runs = 99;
	assert_int_equal(nop_squash(c->b, sizeof(c->b), scratch, &runs), 0);
	return runs;
}

/* Instructions executed from `from` until `to` by falling through and
 * following jmp rel8 (what the CPU does over padding), or -1 when the
 * walk leaves [from, to] or meets a non-NOP, non-jump instruction. */
static int executed(const struct code *c, size_t from, size_t to)
{
	int n = 0;
	for (size_t p = from; p != to; n++) {
		struct x86_insn in;
		const char *why;
		if (p > to || x86_decode(c->b + p, sizeof(c->b) - p, &in, &why) != X86_OK)
			return -1;
		if (in.branch == X86_BR_JMP8)
			p += in.len + (size_t)in.rel;
		else if ((in.map == 0 && in.op == 0x90) || (in.map == 1 && in.op == 0x1f))
			p += in.len;
		else
			return -1;
	}
	return n;
}

/* Every bundle still decodes from its start to its end, no instruction
 * crossing (the verifier's first rule). */
static void assert_bundles_decode(const struct code *c)
{
	for (size_t b = 0; b < sizeof(c->b); b += B) {
		size_t p = b;
		while (p < b + B) {
			struct x86_insn in;
			const char *why;
			assert_int_equal(x86_decode(c->b + p, b + B - p, &in, &why), X86_OK);
			p += in.len;
		}
		assert_int_equal(p, b + B);
	}
}

static void test_bundle_padding_becomes_one_nop(void **state)
{
	struct code c = {.at = 0};
	put(&c, mov_eax, 5);
	put_nops1(&c, 7);
	put(&c, movq_rsp, 9); /* moved by the assembler to the next bundle */
	fill(&c);
	struct code before = c;

	assert_int_equal(squash(&c), 1);
	assert_int_equal(executed(&c, 5, 12), 1);
	assert_memory_equal(c.b, before.b, 5);
	assert_memory_equal(c.b + 12, before.b + 12, sizeof(c.b) - 12);
	assert_bundles_decode(&c);
}

static void test_call_padding_becomes_a_jump(void **state)
{
	/* .p2align 5 then .nops 27 then call rel32, as bundle-asm emits */
	struct code c = {.at = 0};
	put(&c, mov_eax, 5);
	put(&c, nop11, 11);
	put(&c, nop11, 11);
	put(&c, nop5, 5); /* to the bundle's end: 5 + 27 = 32 */
	put(&c, nop11, 11);
	put(&c, nop11, 11);
	put(&c, nop5, 5);
	put(&c, (const uint8_t[]){0xe8, 0x10, 0, 0, 0}, 5); /* call, ends bundle 1 */
	fill(&c);
	struct code before = c;

	assert_int_equal(executed(&before, 5, 59), 6);
	assert_int_equal(squash(&c), 1);
	assert_int_equal(executed(&c, 5, 59), 1);
	assert_int_equal(c.b[5], 0xeb);
	assert_memory_equal(c.b + 59, before.b + 59, sizeof(c.b) - 59);
	/* A masked branch may land on bundle 1's start: it still reaches the call. */
	assert_true(executed(&c, B, 59) > 0);
	assert_bundles_decode(&c);
}

static void test_branch_target_inside_run(void **state)
{
	struct code c = {.at = 0};
	put(&c, (const uint8_t[]){0xeb, 4}, 2); /* jmp to offset 6, inside the NOPs */
	put_nops1(&c, 8);			/* 2..9 */
	put(&c, mov_eax, 5);
	fill(&c);

	assert_int_equal(squash(&c), 2);
	assert_int_equal(executed(&c, 2, 10), 2); /* 2..5, then 6..9 */
	assert_int_equal(executed(&c, 6, 10), 1); /* the branch lands on an instruction */
	assert_bundles_decode(&c);
}

static void test_left_alone(void **state)
{
	struct code c = {.at = 0};
	/* one NOP: nothing to gain */
	put(&c, mov_eax, 5);
	put_nops1(&c, 1);
	put(&c, mov_eax, 5);
	/* NOPs with a non-zero displacement: may hide bytes on purpose */
	put(&c, (const uint8_t[]){0x0f, 0x1f, 0x80, 0x0f, 0x01, 0xef, 0x00}, 7);
	put(&c, (const uint8_t[]){0x0f, 0x1f, 0x80, 0x0f, 0x01, 0xef, 0x00}, 7);
	fill(&c);
	/* a bundle the decoder refuses (WRPKRU) keeps its NOPs */
	c.at = 2 * B;
	put_nops1(&c, 4);
	put(&c, (const uint8_t[]){0x0f, 0x01, 0xef}, 3);
	struct code before = c;

	assert_int_equal(squash(&c), 0);
	assert_memory_equal(c.b, before.b, sizeof(c.b));
}

static void test_jump_never_crosses_a_bundle(void **state)
{
	/* A long run starting on a bundle's last byte. */
	struct code c = {.at = 0};
	put_nops1(&c, B - 1);
	memset(c.b, 0x50, B - 1); /* pushes, not NOPs, up to offset 30 */
	put_nops1(&c, 20);	  /* 31..50 */
	put(&c, mov_eax, 5);
	fill(&c);

	assert_int_equal(squash(&c), 1);
	assert_int_equal(c.b[B - 1], 0x90);
	assert_int_equal(c.b[B], 0xeb);
	assert_int_equal(executed(&c, B - 1, 51), 2);
	assert_bundles_decode(&c);
}

/* Padding that ends the code (after a task's last function, to its page
 * end) is no jump to the end: that target is outside the code, which the
 * verifier refuses.  A run that fits one NOP still becomes one. */
static void test_run_at_the_end(void **state)
{
	struct code c = {.at = 0};
	memset(c.b, 0x50, 3 * B);
	c.at = 3 * B;
	put(&c, mov_eax, 5);
	put_nops1(&c, B - 5);
	struct code before = c;
	assert_int_equal(squash(&c), 0);
	assert_memory_equal(c.b, before.b, sizeof(c.b));

	c.at = 3 * B + 5;
	memset(c.b + c.at, 0x50, B - 5 - 7);
	c.at += B - 5 - 7;
	put_nops1(&c, 7);
	assert_int_equal(squash(&c), 1);
	assert_int_equal(executed(&c, 4 * B - 7, 4 * B), 1);
	assert_bundles_decode(&c);
}

static void test_not_whole_bundles(void **state)
{
	uint8_t code[B + 1], scratch[B + 1];
	unsigned runs;
	memset(code, 0x90, sizeof(code));
	assert_int_equal(nop_squash(code, sizeof(code), scratch, &runs), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bundle_padding_becomes_one_nop),
	    cmocka_unit_test(test_call_padding_becomes_a_jump),
	    cmocka_unit_test(test_branch_target_inside_run),
	    cmocka_unit_test(test_left_alone),
	    cmocka_unit_test(test_jump_never_crosses_a_bundle),
	    cmocka_unit_test(test_run_at_the_end),
	    cmocka_unit_test(test_not_whole_bundles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
