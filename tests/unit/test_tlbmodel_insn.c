/* Unit tests for the TLB-model plugin's instruction classes (bench/tlbmodel/insn_class.h), checked
 * against Zydis. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <Zydis/Zydis.h>

#include "bench/tlbmodel/insn_class.h"
#include "shoji/tlbmark.h"

/*
 * Each case: the bytes, the class insn_classify() must give, the bytes
 * it needs to know it (fewer must give INSN_NONE: truncated), and what
 * Zydis says the bytes are (mnemonic, length; cr: the control register
 * a MOV writes), which checks that the case's bytes are what its comment
 * says.  zm 0: Zydis is not asked (an encoding it would refuse).
 */
struct tcase {
	const char *what;
	uint8_t b[15];
	uint8_t len;
	enum insn_kind kind;
	uint16_t op;
	uint8_t needed;
	ZydisMnemonic zm;
	ZydisRegister cr;
};

#define MARK(op)                                                                                   \
	{                                                                                          \
		0x0f, 0x1f, 0x80, (op)&0xff, (op) >> 8, 0x48, 0x53                                 \
	}

static const struct tcase cases[] = {
    /* every class */
    {"syscall", {0x0f, 0x05}, 2, INSN_SYSCALL, 0, 2, ZYDIS_MNEMONIC_SYSCALL, 0},
    {"sysretq", {0x48, 0x0f, 0x07}, 3, INSN_SYSRET, 0, 3, ZYDIS_MNEMONIC_SYSRET, 0},
    {"sysenter", {0x0f, 0x34}, 2, INSN_SYSENTER, 0, 2, ZYDIS_MNEMONIC_SYSENTER, 0},
    {"sysexit", {0x0f, 0x35}, 2, INSN_SYSEXIT, 0, 2, ZYDIS_MNEMONIC_SYSEXIT, 0},
    {"sysexitq", {0x48, 0x0f, 0x35}, 3, INSN_SYSEXIT, 0, 3, ZYDIS_MNEMONIC_SYSEXIT, 0},
    {"iretq", {0x48, 0xcf}, 2, INSN_IRETQ, 0, 2, ZYDIS_MNEMONIC_IRETQ, 0},
    {"int 0x80", {0xcd, 0x80}, 2, INSN_INT, 0, 1, ZYDIS_MNEMONIC_INT, 0},
    {"wrpkru", {0x0f, 0x01, 0xef}, 3, INSN_WRPKRU, 0, 3, ZYDIS_MNEMONIC_WRPKRU, 0},
    {"rdpkru", {0x0f, 0x01, 0xee}, 3, INSN_RDPKRU, 0, 3, ZYDIS_MNEMONIC_RDPKRU, 0},
    {"mov cr3, rax",
     {0x0f, 0x22, 0xd8},
     3,
     INSN_MOV_CR3,
     0,
     3,
     ZYDIS_MNEMONIC_MOV,
     ZYDIS_REGISTER_CR3},
    {"mov cr3, r8",
     {0x41, 0x0f, 0x22, 0xd8},
     4,
     INSN_MOV_CR3,
     0,
     4,
     ZYDIS_MNEMONIC_MOV,
     ZYDIS_REGISTER_CR3},
    {"mov cr3, rdi (REX.W)",
     {0x48, 0x0f, 0x22, 0xdf},
     4,
     INSN_MOV_CR3,
     0,
     4,
     ZYDIS_MNEMONIC_MOV,
     ZYDIS_REGISTER_CR3},
    {"mov cr4, rax",
     {0x0f, 0x22, 0xe0},
     3,
     INSN_MOV_CR4,
     0,
     3,
     ZYDIS_MNEMONIC_MOV,
     ZYDIS_REGISTER_CR4},
    {"mov cr4, r15",
     {0x49, 0x0f, 0x22, 0xe7},
     4,
     INSN_MOV_CR4,
     0,
     4,
     ZYDIS_MNEMONIC_MOV,
     ZYDIS_REGISTER_CR4},
    {"invlpg [rax]", {0x0f, 0x01, 0x38}, 3, INSN_INVLPG, 0, 3, ZYDIS_MNEMONIC_INVLPG, 0},
    {"invlpg [r9+0x10]",
     {0x41, 0x0f, 0x01, 0x79, 0x10},
     5,
     INSN_INVLPG,
     0,
     4,
     ZYDIS_MNEMONIC_INVLPG,
     0},
    {"invpcid rax, [rcx]",
     {0x66, 0x0f, 0x38, 0x82, 0x01},
     5,
     INSN_INVPCID,
     0,
     5,
     ZYDIS_MNEMONIC_INVPCID,
     0},
    {"invpcid r8, [r9]",
     {0x66, 0x45, 0x0f, 0x38, 0x82, 0x01},
     6,
     INSN_INVPCID,
     0,
     6,
     ZYDIS_MNEMONIC_INVPCID,
     0},
    {"xsave [rax]", {0x0f, 0xae, 0x20}, 3, INSN_XSAVE, 0, 3, ZYDIS_MNEMONIC_XSAVE, 0},
    {"xsave64 [rax]", {0x48, 0x0f, 0xae, 0x20}, 4, INSN_XSAVE, 0, 4, ZYDIS_MNEMONIC_XSAVE64, 0},
    {"xrstor [rax]", {0x0f, 0xae, 0x28}, 3, INSN_XRSTOR, 0, 3, ZYDIS_MNEMONIC_XRSTOR, 0},
    {"xsaveopt [rax]", {0x0f, 0xae, 0x30}, 3, INSN_XSAVE, 0, 3, ZYDIS_MNEMONIC_XSAVEOPT, 0},
    {"xrstors [rax]", {0x0f, 0xc7, 0x18}, 3, INSN_XRSTOR, 0, 3, ZYDIS_MNEMONIC_XRSTORS, 0},
    {"xsavec [rax]", {0x0f, 0xc7, 0x20}, 3, INSN_XSAVE, 0, 3, ZYDIS_MNEMONIC_XSAVEC, 0},
    {"xsaves [rax]", {0x0f, 0xc7, 0x28}, 3, INSN_XSAVE, 0, 3, ZYDIS_MNEMONIC_XSAVES, 0},
    {"marker ROI_BEGIN", MARK(TLBMARK_ROI_BEGIN), 7, INSN_MARKER, TLBMARK_ROI_BEGIN, 7,
     ZYDIS_MNEMONIC_NOP, 0},
    {"marker ROI_END", MARK(TLBMARK_ROI_END), 7, INSN_MARKER, TLBMARK_ROI_END, 7,
     ZYDIS_MNEMONIC_NOP, 0},
    {"marker CR3_NOFLUSH", MARK(TLBMARK_CR3_NOFLUSH), 7, INSN_MARKER, TLBMARK_CR3_NOFLUSH, 7,
     ZYDIS_MNEMONIC_NOP, 0},
    {"marker op 0xffff", MARK(0xffff), 7, INSN_MARKER, 0xffff, 7, ZYDIS_MNEMONIC_NOP, 0},
    /* near misses: other instructions of the same opcodes */
    {"sysret (32-bit)", {0x0f, 0x07}, 2, INSN_NONE, 0, 0, ZYDIS_MNEMONIC_SYSRET, 0},
    {"iretd", {0xcf}, 1, INSN_NONE, 0, 0, ZYDIS_MNEMONIC_IRETD, 0},
    {"int3", {0xcc}, 1, INSN_NONE, 0, 0, ZYDIS_MNEMONIC_INT3, 0},
    {"mov cr0, rax",
     {0x0f, 0x22, 0xc0},
     3,
     INSN_NONE,
     0,
     0,
     ZYDIS_MNEMONIC_MOV,
     ZYDIS_REGISTER_CR0},
    {"mov rax, cr3 (a read)", {0x0f, 0x20, 0xd8}, 3, INSN_NONE, 0, 0, ZYDIS_MNEMONIC_MOV, 0},
    {"mov cr11 (REX.R: #UD)", {0x44, 0x0f, 0x22, 0xd8}, 4, INSN_NONE, 0, 0, 0, 0},
    {"swapgs (0F 01 /7, mod 11)", {0x0f, 0x01, 0xf8}, 3, INSN_NONE, 0, 0, ZYDIS_MNEMONIC_SWAPGS, 0},
    {"rdtscp", {0x0f, 0x01, 0xf9}, 3, INSN_NONE, 0, 0, ZYDIS_MNEMONIC_RDTSCP, 0},
    {"invpcid without 66", {0x0f, 0x38, 0x82, 0x01}, 4, INSN_NONE, 0, 0, 0, 0},
    {"lfence (0F AE /5, mod 11)", {0x0f, 0xae, 0xe8}, 3, INSN_NONE, 0, 0, ZYDIS_MNEMONIC_LFENCE, 0},
    {"clwb (66 0F AE /6)", {0x66, 0x0f, 0xae, 0x30}, 4, INSN_NONE, 0, 0, ZYDIS_MNEMONIC_CLWB, 0},
    {"clflush (0F AE /7)", {0x0f, 0xae, 0x38}, 3, INSN_NONE, 0, 0, ZYDIS_MNEMONIC_CLFLUSH, 0},
    {"cmpxchg16b (0F C7 /1)",
     {0x48, 0x0f, 0xc7, 0x08},
     4,
     INSN_NONE,
     0,
     0,
     ZYDIS_MNEMONIC_CMPXCHG16B,
     0},
    {"nop with a zero displacement",
     {0x0f, 0x1f, 0x80, 0, 0, 0, 0},
     7,
     INSN_NONE,
     0,
     0,
     ZYDIS_MNEMONIC_NOP,
     0},
    {"nop: wrong signature",
     {0x0f, 0x1f, 0x80, 0x01, 0x00, 0x48, 0x54},
     7,
     INSN_NONE,
     0,
     0,
     ZYDIS_MNEMONIC_NOP,
     0},
    {"nop: signature swapped",
     {0x0f, 0x1f, 0x80, 0x01, 0x00, 0x53, 0x48},
     7,
     INSN_NONE,
     0,
     0,
     ZYDIS_MNEMONIC_NOP,
     0},
    {"marker behind a 66 prefix",
     {0x66, 0x0f, 0x1f, 0x80, 0x01, 0x00, 0x48, 0x53},
     8,
     INSN_NONE,
     0,
     0,
     ZYDIS_MNEMONIC_NOP,
     0},
    {"marker with ModRM 0x84 (SIB)",
     {0x0f, 0x1f, 0x84, 0x00, 0x01, 0x00, 0x48, 0x53},
     8,
     INSN_NONE,
     0,
     0,
     ZYDIS_MNEMONIC_NOP,
     0},
    {"add eax, imm32", {0x05, 0x01, 0x00, 0x48, 0x53}, 5, INSN_NONE, 0, 0, ZYDIS_MNEMONIC_ADD, 0},
};
#define NCASES (sizeof cases / sizeof cases[0])

static void test_classes(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NCASES; i++) {
		const struct tcase *t = &cases[i];
		struct insn_class c = insn_classify(t->b, t->len);
		if (c.kind != t->kind || c.op != t->op)
			fail_msg("%s: class %s op %#x, want %s op %#x", t->what,
				 insn_kind_name(c.kind), c.op, insn_kind_name(t->kind), t->op);
	}
}

/* The bytes end before the class is known: INSN_NONE, never a guess. */
static void test_truncated(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NCASES; i++) {
		const struct tcase *t = &cases[i];
		for (uint8_t n = 0; n < t->needed; n++) {
			struct insn_class c = insn_classify(t->b, n);
			if (c.kind != INSN_NONE)
				fail_msg("%s cut to %u bytes: class %s", t->what, n,
					 insn_kind_name(c.kind));
		}
	}
}

/* Zydis agrees that each case's bytes are the instruction its name says,
 * of the length given (so the classes are checked against real encodings). */
static void test_zydis(void **state)
{
	(void)state;
	ZydisDecoder d;
	assert_true(
	    ZYAN_SUCCESS(ZydisDecoderInit(&d, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)));
	for (unsigned i = 0; i < NCASES; i++) {
		const struct tcase *t = &cases[i];
		ZydisDecodedInstruction zi;
		ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
		if (!t->zm)
			continue;
		if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&d, t->b, t->len, &zi, ops)))
			fail_msg("%s: Zydis refuses it", t->what);
		if (zi.mnemonic != t->zm || zi.length != t->len)
			fail_msg("%s: Zydis says %s, %u bytes", t->what,
				 ZydisMnemonicGetString(zi.mnemonic), zi.length);
		if (t->cr &&
		    (ops[0].type != ZYDIS_OPERAND_TYPE_REGISTER || ops[0].reg.value != t->cr))
			fail_msg("%s: Zydis writes %s", t->what,
				 ZydisRegisterGetString(ops[0].reg.value));
	}
}

/* Bytes after the instruction do not change its class (QEMU may hand a
 * longer buffer than the instruction; the classifier reads what it needs). */
static void test_trailing_bytes(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NCASES; i++) {
		const struct tcase *t = &cases[i];
		uint8_t buf[32];
		memset(buf, 0xcc, sizeof buf);
		memcpy(buf, t->b, t->len);
		struct insn_class c = insn_classify(buf, sizeof buf);
		if (c.kind != t->kind)
			fail_msg("%s followed by int3s: class %s", t->what, insn_kind_name(c.kind));
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(insn_kind_name(INSN_MOV_CR3), "mov_cr3");
	assert_string_equal(insn_kind_name(INSN_IRETQ), "iretq");
	assert_string_equal(insn_kind_name(INSN_KINDS), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_classes), cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_zydis),   cmocka_unit_test(test_trailing_bytes),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
