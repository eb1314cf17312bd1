/* Unit tests: x86_decode() against Zydis (tests/fuzz/decode_oracle.c), bounded for make test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "isolation/isolation.h"
#include "tests/fuzz/decode_diff.h"

/* make fuzz runs ten times as many (tests/fuzz/fuzz.mk, DECODE_DIFF_COUNT). */
#define SEQUENCES 1000000u
#define SEED 1u

/* Generated sequences, both decoders: no disagreement, and every kind of
 * outcome met (else the generator has gone blind). */
static void test_generated(void **state)
{
	struct dd_oracle o;
	dd_oracle_init(&o, stdout, 20);
	dd_run(&o, SEED, SEQUENCES);
	dd_summary(&o, stdout);
	if (o.n.disagreements)
		fail_msg("%llu disagreements between x86_decode() and Zydis (above)",
			 (unsigned long long)o.n.disagreements);
	assert_int_equal(o.n.sequences, SEQUENCES);
	assert_true(o.n.accepted > SEQUENCES / 10);
	assert_true(o.n.truncated > SEQUENCES / 100);
	for (unsigned k = 0; k < DD_REF_COUNT; k++)
		if (k != DD_REF_LENGTH && !o.n.refused_as[k])
			fail_msg("no refusal of kind %u: the generator misses a shape", k);
}

struct seq {
	uint8_t b[8];
	uint8_t n;
	const char *what;
};

/* What the differential test found x86_decode() accepting, and the CPU
 * (or one vendor's) reading otherwise: each must stay refused. */
static const struct seq found[] = {
    {{0xf0, 0x90}, 2, "lock nop (#UD)"},
    {{0xf0, 0x8b, 0x00}, 3, "lock mov (#UD)"},
    {{0xf0, 0x39, 0x00}, 3, "lock cmp (#UD)"},
    {{0xf0, 0x01, 0xc0}, 3, "lock add to a register (#UD)"},
    {{0xf0, 0x03, 0x00}, 3, "lock add with a memory source (#UD)"},
    {{0xf0, 0x83, 0x38, 0x01}, 4, "lock cmp $imm (#UD)"},
    {{0xf0, 0xff, 0x30}, 3, "lock push (#UD)"},
    {{0xf0, 0x0f, 0xa3, 0x00}, 4, "lock bt (#UD)"},
    {{0xf0, 0x0f, 0xba, 0x20, 0x01}, 5, "lock bt $imm (#UD)"},
    {{0x8d, 0xc0}, 2, "lea with a register operand (#UD)"},
    {{0x66, 0xff, 0xe0}, 3, "jmp *%ax on AMD"},
    {{0x66, 0x41, 0xff, 0xd3}, 4, "call *%r11w on AMD"},
};

/* ... and their legal neighbours, which must stay accepted. */
static const struct seq kept[] = {
    {{0xf0, 0x01, 0x00}, 3, "lock add %eax,(%rax)"},
    {{0xf0, 0x48, 0x0f, 0xc7, 0x0e}, 5, "lock cmpxchg16b (%rsi)"},
    {{0xf0, 0x0f, 0xc1, 0x02}, 4, "lock xadd %eax,(%rdx)"},
    {{0xf0, 0x83, 0x30, 0x01}, 4, "lock xorl $1,(%rax)"},
    {{0xf0, 0xf7, 0x18}, 3, "lock negl (%rax)"},
    {{0xf0, 0xfe, 0x08}, 3, "lock decb (%rax)"},
    {{0xf0, 0x0f, 0xba, 0x28, 0x01}, 5, "lock btsl $1,(%rax)"},
    {{0xf0, 0x87, 0x00}, 3, "lock xchg %eax,(%rax)"},
    {{0x48, 0x8d, 0x04, 0x24}, 4, "lea (%rsp),%rax"},
    {{0x41, 0xff, 0xe3}, 3, "jmp *%r11"},
    {{0x66, 0xff, 0xc9}, 3, "dec %cx"},
};

static void check_seq(const struct seq *s, int want)
{
	uint8_t buf[DD_BUF] = {0};
	memcpy(buf, s->b, s->n);
	struct x86_insn in;
	const char *why = "";
	int rc = x86_decode(buf, sizeof(buf), &in, &why);
	if (rc != want)
		fail_msg("%s: x86_decode() %s (%s)", s->what, rc == X86_OK ? "accepts" : "refuses",
			 rc == X86_OK ? "" : why);
	if (rc == X86_OK && in.len != s->n)
		fail_msg("%s: length %u, want %u", s->what, in.len, s->n);
	struct dd_oracle o;
	dd_oracle_init(&o, stdout, 5);
	if (dd_check(&o, buf, sizeof(buf)))
		fail_msg("%s: disagreement with Zydis (above)", s->what);
}

static void test_found(void **state)
{
	for (size_t k = 0; k < sizeof(found) / sizeof(found[0]); k++)
		check_seq(&found[k], X86_REFUSED);
	for (size_t k = 0; k < sizeof(kept) / sizeof(kept[0]); k++)
		check_seq(&kept[k], X86_OK);
}

/* The same seed gives the same sequences (a failure can be replayed). */
static void test_replay(void **state)
{
	struct dd_gen a, b;
	dd_gen_init(&a, 42);
	dd_gen_init(&b, 42);
	for (unsigned k = 0; k < 1000; k++) {
		uint8_t x[DD_BUF], y[DD_BUF];
		assert_int_equal(dd_gen_next(&a, x), dd_gen_next(&b, y));
		assert_memory_equal(x, y, DD_BUF);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_found),
	    cmocka_unit_test(test_replay),
	    cmocka_unit_test(test_generated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
