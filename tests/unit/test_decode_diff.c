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
    {{0x0f, 0x6f, 0xc8}, 3, "movq %mm0,%mm1 (MMX)"},
    {{0x66, 0x0f, 0xf7, 0xc1}, 4, "maskmovdqu %xmm1,%xmm0 (store through rdi)"},
    {{0x0f, 0xae, 0x08}, 3, "fxrstor (%rax)"},
    {{0xf2, 0x0f, 0xf0, 0x00}, 4, "lddqu (%rax),%xmm0 (SSE3)"},
    {{0xc5, 0xf8, 0x58, 0xc0}, 4, "vaddps %xmm0,%xmm0,%xmm0 (AVX)"},
    {{0x66, 0xf2, 0x0f, 0x58, 0xc0}, 5, "66 F2 addsd (two mandatory prefixes)"},
    {{0x66, 0x0f, 0x50, 0x00}, 4, "movmskpd with a memory operand (#UD)"},
    {{0x66, 0x0f, 0x73, 0xe0, 0x01}, 5, "66 0F 73 /4 (no such shift)"},
    {{0xf0, 0x0f, 0x58, 0x00}, 4, "lock addps (#UD)"},
    {{0xd9, 0xe8}, 2, "fld1 (x87)"},
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
    {{0xf2, 0x48, 0x0f, 0x2a, 0xc0}, 5, "cvtsi2sd %rax,%xmm0"},
    {{0xf2, 0x4c, 0x0f, 0x2c, 0xc1}, 5, "cvttsd2si %xmm1,%r8"},
    {{0x66, 0x0f, 0x73, 0xd8, 0x08}, 5, "psrldq $8,%xmm0"},
    {{0xf2, 0x0f, 0x10, 0x05, 1, 2, 3, 4}, 8, "movsd 0x04030201(%rip),%xmm0"},
    {{0x66, 0x0f, 0xc5, 0xc0, 0x01}, 5, "pextrw $1,%xmm0,%eax"},
    {{0x0f, 0xc2, 0x4c, 0x24, 0x08, 0x01}, 6, "cmpltps 8(%rsp),%xmm1"},
    {{0x66, 0x48, 0x0f, 0x7e, 0xc0}, 5, "movq %xmm0,%rax"},
    {{0x0f, 0xae, 0x54, 0x24, 0xfc}, 5, "ldmxcsr -4(%rsp)"},
    {{0x2e, 0x66, 0x0f, 0xef, 0xc0}, 5, "cs pxor %xmm0,%xmm0"},
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

/* The SSE opcodes the sweep below covers: every PFX opcode of the 0F map
 * (isolation/x86_decode.c) and its neighbours. */
static const struct {
	uint8_t first, last;
} sse_opcodes[] = {{0x10, 0x17}, {0x28, 0x2f}, {0x50, 0x7f},
		   {0xc2, 0xc6}, {0xd0, 0xfe}, {0xae, 0xae}};

/* None, one mandatory prefix, each with no REX and with REX.W, R, B, X
 * and all four; a segment prefix that changes nothing.  (Two mandatory
 * prefixes are refused though the CPU decodes them: test_found.) */
static const uint8_t sweep_mandatory[] = {0, 0x66, 0xf3, 0xf2};
static const uint8_t sweep_rex[] = {0, 0x48, 0x44, 0x41, 0x42, 0x4f};

/* One sequence: the prefixes, 0F op, ModRM, a SIB (base 101 or not), then
 * bytes for a displacement and an immediate. */
static size_t sse_sequence(uint8_t *b, unsigned pfx, unsigned rex, bool seg, uint8_t op,
			   unsigned modrm, uint8_t sib)
{
	static const uint8_t tail[] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99};
	size_t n = 0;
	if (seg)
		b[n++] = 0x2e;
	if (sweep_mandatory[pfx])
		b[n++] = sweep_mandatory[pfx];
	if (sweep_rex[rex])
		b[n++] = sweep_rex[rex];
	b[n++] = 0x0f;
	b[n++] = op;
	b[n++] = (uint8_t)modrm;
	b[n++] = sib;
	memcpy(b + n, tail, sizeof(tail));
	return n + sizeof(tail);
}

/*
 * Every SSE encoding (each prefix set, opcode, ModRM, SIB kind): where
 * x86_decode() accepts, the oracle agrees on everything (length first);
 * and x86_decode() accepts exactly what Zydis reads as an admitted
 * SSE/SSE2 instruction (dd_sse_admitted()), no more and no fewer.  0F AE
 * only with a memory operand (its register forms are the fences).
 */
static void test_sse_sweep(void **state)
{
	struct dd_oracle o;
	dd_oracle_init(&o, stdout, 20);
	unsigned accepted = 0, wrong = 0;
	for (unsigned k = 0; k < sizeof(sse_opcodes) / sizeof(sse_opcodes[0]); k++)
		for (unsigned op = sse_opcodes[k].first; op <= sse_opcodes[k].last; op++)
			for (unsigned v = 0; v < 4 * 6 * 2 * 2 * 256; v++) {
				unsigned modrm = v & 255, sib = (v >> 8) & 1, seg = (v >> 9) & 1;
				unsigned rex = (v >> 10) % 6, pfx = (v >> 10) / 6;
				if (op == 0xae && modrm >= 0xc0)
					continue;
				uint8_t b[DD_BUF] = {0};
				sse_sequence(b, pfx, rex, seg, (uint8_t)op, modrm,
					     sib ? 0x25 : 0x58);
				dd_check(&o, b, sizeof(b));
				struct x86_insn in;
				const char *why = "";
				bool ours = x86_decode(b, sizeof(b), &in, &why) == X86_OK;
				ZydisDecodedInstruction zi;
				ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
				bool ref = ZYAN_SUCCESS(ZydisDecoderDecodeFull(
					       &o.zydis[DD_INTEL], b, sizeof(b), &zi, ops)) &&
					   dd_sse_admitted(&zi, ops);
				accepted += ours;
				if (ours != ref && wrong++ < 20)
					printf("sse-sweep: %02x %02x %02x %02x %02x %02x: "
					       "x86_decode() "
					       "%s (%s), Zydis %s\n",
					       b[0], b[1], b[2], b[3], b[4], b[5],
					       ours ? "accepts" : "refuses", ours ? "" : why,
					       ref ? ZydisMnemonicGetString(zi.mnemonic)
						   : "not an admitted SSE instruction");
			}
	dd_summary(&o, stdout);
	printf("sse-sweep: %u accepted, %u classified otherwise than Zydis\n", accepted, wrong);
	if (o.n.disagreements || wrong)
		fail_msg("SSE sweep: %llu disagreements, %u classifications differ (above)",
			 (unsigned long long)o.n.disagreements, wrong);
	assert_true(accepted > 0);
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
	    cmocka_unit_test(test_sse_sweep),
	    cmocka_unit_test(test_generated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
