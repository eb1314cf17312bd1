/* Unit tests: float-heavy task code as the compilers emit it (tests/fpu/) passes the kernel-mode
 * verifier. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../fuzz/image.h"

/*
 * build/tests/fpu/fpu-code.elf is the C files of tests/fpu/ compiled with
 * USER_FPU_CFLAGS, bundled and linked like every task (tests/tests.mk).
 * Loaded as the kernel loads a `kernel` mode task (tests/fuzz/image.h:
 * parse, relocate, scan, verify), it must be accepted, and the oracle
 * (Zydis) must find nothing in it that can leave the sandbox.  That it
 * really holds the SSE the issue is about is checked too, so that a
 * compiler change cannot make this test pass on integer code alone.
 */

static struct img_slot slot;
static uint8_t file[1 << 20];
static struct oracle_result res;

/* build/tests/fpu/fpu-code.elf, from this binary's build/tests/unit/. */
static bool elf_path(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = 0;
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return false;
		*slash = 0;
	}
	return snprintf(out, len, "%s/fpu/fpu-code.elf", exe) < (int)len;
}

/* Loads the fixture in kernel mode; skips the test when it is not built. */
static void load(void)
{
	char path[PATH_MAX];
	assert_true(elf_path(path, sizeof(path)));
	FILE *f = fopen(path, "rb");
	if (!f) {
		print_message("%s not built (make all builds it): skipped\n", path);
		skip();
	}
	size_t n = fread(file, 1, sizeof(file), f);
	bool whole = feof(f);
	fclose(f);
	if (!whole)
		fail_msg("%s: larger than the test's buffer (%zu bytes)", path, sizeof(file));
	enum img_stage st = img_load(&slot, file, n, IMG_KERNEL);
	if (st != IMG_ACCEPTED)
		fail_msg("%s refused at stage %d: %s (image offset %#llx)", path, st,
			 slot.why ? slot.why : "?", (unsigned long long)slot.bad_offset);
}

static void test_verified(void **state)
{
	load();
	if (oracle_check(&slot, slot.map, slot.img.entry, &res))
		fail_msg("oracle: %s at image offset %#llx", res.msg, (unsigned long long)res.at);
	assert_int_equal(res.undefined, 0);
}

/* (mandatory prefix, 0F opcode) pairs the fixture must hold: packed and
 * scalar float and double arithmetic, conversions, compares, masks,
 * integer SIMD, the moves of vectorized loops. */
static const struct {
	uint8_t prefix, op;
	const char *name;
} wanted[] = {
    {0x00, 0x59, "mulps"},    {0x00, 0x58, "addps"},	 {0xf2, 0x59, "mulsd"},
    {0xf3, 0x58, "addss"},    {0xf2, 0x51, "sqrtsd"},	 {0xf3, 0x51, "sqrtss"},
    {0xf2, 0x2a, "cvtsi2sd"}, {0xf2, 0x2c, "cvttsd2si"}, {0xf3, 0x5a, "cvtss2sd"},
    {0x66, 0x2f, "comisd"},   {0x66, 0x2e, "ucomisd"},	 {0x66, 0x54, "andpd"},
    {0x00, 0xc6, "shufps"},   {0x66, 0xfe, "paddd"},	 {0x66, 0xef, "pxor"},
    {0x66, 0x70, "pshufd"},   {0x66, 0x6f, "movdqa"},	 {0xf3, 0x6f, "movdqu"},
    {0x66, 0x73, "psrldq"},   {0x66, 0xf4, "pmuludq"},	 {0x66, 0x66, "pcmpgtd"},
    {0x66, 0x67, "packuswb"}, {0x66, 0x50, "movmskpd"},	 {0x00, 0x11, "movups"},
};

/* The legacy prefix that selects an SSE form: 66, F3, F2 or none. */
static uint8_t mandatory(const struct x86_insn *in)
{
	return in->legacy & X86_PF2   ? 0xf2
	       : in->legacy & X86_PF3 ? 0xf3
	       : in->legacy & X86_P66 ? 0x66
				      : 0;
}

static void test_holds_sse(void **state)
{
	load();
	bool seen[sizeof(wanted) / sizeof(wanted[0])] = {0};
	for (uint64_t off = slot.view.start; off < slot.view.end; off += IMG_PAGE) {
		const uint8_t *p = img_exec_page(&slot, off);
		for (size_t at = 0; p && at < IMG_PAGE;) {
			struct x86_insn in;
			const char *why = "";
			if (x86_decode(p + at, IMG_PAGE - at, &in, &why) != X86_OK)
				fail_msg("offset %#llx: %s (the verifier accepted it)",
					 (unsigned long long)(off + at), why);
			for (size_t k = 0; in.map == 1 && k < sizeof(wanted) / sizeof(wanted[0]);
			     k++)
				seen[k] |=
				    in.op == wanted[k].op && mandatory(&in) == wanted[k].prefix;
			at += in.len;
		}
	}
	for (size_t k = 0; k < sizeof(wanted) / sizeof(wanted[0]); k++)
		if (!seen[k])
			fail_msg("no %s in the fixture's code: tests/fpu/ no longer makes "
				 "the compiler emit it",
				 wanted[k].name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_verified),
	    cmocka_unit_test(test_holds_sse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
