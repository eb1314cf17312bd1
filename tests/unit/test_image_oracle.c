/* The task-image path under the semantic oracle: a bounded, deterministic replay of fuzz_image. */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../fuzz/image.h"

/*
 * What make fuzz does for a while, done here for a fixed set of inputs:
 * every real task in kernel mode, and GENERATED images from a fixed seed,
 * each loaded as the kernel does and, when accepted, checked by the
 * oracle.  Then the oracle's teeth: doctored verifier results (a map bit
 * cleared, an entry two bytes into an instruction, refused code treated
 * as accepted) must each be reported.
 */

#define GENERATED 5000

static struct img_slot slot;
/* Generated images, and real task files, which carry their symbols and
 * debug sections too (sysfuzz.elf is some 200 KB): room for both. */
static uint8_t file[1 << 20];
_Static_assert(sizeof(file) >= IMG_GEN_MAX, "room for a generated image");
static struct oracle_result res;
static uint8_t all_ones[SLOT_IMAGE_MAX / 8];

/* build/tasks, next to this binary (build/tests/unit/). */
static int tasks_dir(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = 0;
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return -1;
		*slash = 0;
	}
	return snprintf(out, len, "%s/tasks", exe) < (int)len ? 0 : -1;
}

static size_t read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(file, 1, sizeof(file), f);
	if (!feof(f))
		fail_msg("%s: larger than the test's buffer (%zu bytes)", path, sizeof(file));
	fclose(f);
	return n;
}

static unsigned undefined;   /* accepted images with a reachable #UD encoding */
static unsigned long walked; /* instructions the oracle decoded */

/* Loads in kernel mode; when accepted, the oracle must agree. */
static enum img_stage load_and_check(const char *what, size_t size, unsigned *checked)
{
	enum img_stage st = img_load(&slot, file, size, IMG_KERNEL);
	if (st == IMG_ACCEPTED) {
		if (oracle_check(&slot, slot.map, slot.img.entry, &res))
			fail_msg("%s: accepted, but the oracle says: %s", what, res.msg);
		(*checked)++;
		undefined += res.undefined > 0;
		walked += res.insns;
	}
	return st;
}

static void test_real_tasks(void **state)
{
	char dir[PATH_MAX - 256], path[PATH_MAX];
	unsigned tasks = 0, accepted = 0;
	bool hello = false;
	(void)state;

	DIR *d = tasks_dir(dir, sizeof(dir)) ? NULL : opendir(dir);
	if (!d) {
		print_message("build/tasks not found (make all builds it)\n");
		skip();
	}
	for (struct dirent *e; (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".elf"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		tasks++;
		if (load_and_check(e->d_name, read_file(path), &accepted) == IMG_ACCEPTED &&
		    !strcmp(e->d_name, "hello.elf"))
			hello = true;
	}
	closedir(d);
	print_message("real tasks: %u, %u accepted in kernel mode and checked\n", tasks, accepted);
	assert_true(tasks > 0);
	assert_true(hello); /* every task binary is built to pass the verifier */
}

/* xorshift64*: the same images on every run. */
static uint64_t rng = 0x5eed0f0a11ce5u;

static uint8_t next_byte(void)
{
	rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
	return (uint8_t)((rng * 0x2545f4914f6cdd1dull) >> 56);
}

static void test_generated_images(void **state)
{
	static const uint8_t dangers[] = {0, 0, 0, 4, 8, 24, 80}; /* a quarter of that in 256ths */
	static uint8_t in[2048];
	unsigned parsed = 0, accepted = 0;
	(void)state;

	for (unsigned k = 0; k < GENERATED; k++) {
		size_t n = 5 + 64 + next_byte() * 7u;
		for (size_t i = 0; i < n; i++)
			in[i] = next_byte();
		if (k % 8)
			in[0] &= 0xbf; /* raw code (bit 6), almost always refused: 1 in 8 */
		if (k % 4)
			in[0] &= 0x7f; /* a moved entry (bit 7): 1 in 4 */
		in[4] = dangers[k % sizeof(dangers)];
		size_t size = img_generate(in, n, file);
		char what[32];
		snprintf(what, sizeof(what), "generated image %u", k);
		enum img_stage st = load_and_check(what, size, &accepted);
		parsed += st > IMG_PARSE;
		if (st > IMG_PARSE)
			img_load(&slot, file, size, IMG_RING3);
	}
	print_message("test_image_oracle: %u images, %u parsed, %u accepted (kernel mode), "
		      "%u oracle checks (%lu instructions), 0 violations, %u accepted with a "
		      "reachable #UD encoding\n",
		      GENERATED, parsed, accepted, accepted, walked, undefined);
	assert_int_equal(parsed, GENERATED);
	/* The generator is only useful when the verifier takes a fair share. */
	assert_true(accepted > GENERATED / 4);
}

/* --- the oracle's teeth -------------------------------------------------- */

/*
 * A generated image, all NOPs (layout 0: one code page at CODE; layout 32:
 * one code page that ends at the gate), loaded in kernel mode after one
 * bundle at image offset at is replaced: n bytes, at its start or (tail)
 * at its end, the rest 0x90.
 */
#define CODE 0x1000u

static enum img_stage load_code(const uint8_t *bytes, size_t n, uint64_t at, uint8_t layout,
				bool tail)
{
	const uint8_t hdr[5] = {layout, 0, 0, 0, 0};
	size_t size = img_generate(hdr, sizeof(hdr), file);
	assert_true(at % BUNDLE_SIZE == 0 && n <= BUNDLE_SIZE);
	memset(file + at, 0x90, BUNDLE_SIZE);
	memcpy(file + at + (tail ? BUNDLE_SIZE - n : 0), bytes, n);
	return img_load(&slot, file, size, IMG_KERNEL);
}

/* The view as verify_ring0() builds it, for images refused before it. */
static void set_view(void)
{
	slot.view = (struct code_view){.start = ~0ull, .page = img_exec_page, .ctx = &slot};
	for (uint64_t off = 0; off < SLOT_IMAGE_MAX; off += IMG_PAGE) {
		if (slot.flags[off / IMG_PAGE] & ELF_PF_X) {
			if (off < slot.view.start)
				slot.view.start = off;
			slot.view.end = off + IMG_PAGE;
		}
	}
}

static void expect_violation(const uint8_t *map, uint64_t entry, const char *frag)
{
	if (!oracle_check(&slot, map, entry, &res))
		fail_msg("the oracle found nothing, want \"%s\"", frag);
	if (!strstr(res.msg, frag))
		fail_msg("the oracle says \"%s\", want \"%s\"", res.msg, frag);
}

static void clear_bit(uint8_t *map, uint64_t off)
{
	uint64_t i = off - slot.view.start;
	map[i / 8] &= (uint8_t) ~(1u << (i % 8));
}

/* A real task, accepted: its map without one instruction start. */
static void test_cleared_map_bit(void **state)
{
	char dir[PATH_MAX - 256], path[PATH_MAX];
	static uint8_t map[sizeof(slot.map)];
	(void)state;

	if (tasks_dir(dir, sizeof(dir)) || access(dir, R_OK)) {
		print_message("build/tasks not found (make all builds it)\n");
		skip();
	}
	snprintf(path, sizeof(path), "%s/hello.elf", dir);
	assert_int_equal(img_load(&slot, file, read_file(path), IMG_KERNEL), IMG_ACCEPTED);
	uint64_t entry = slot.img.entry;
	assert_int_equal(oracle_check(&slot, slot.map, entry, &res), 0);

	memcpy(map, slot.map, sizeof(map));
	clear_bit(map, entry);
	expect_violation(map, entry, "entry point");

	/* The entry's second instruction runs by falling through. */
	uint64_t second = entry + 1;
	memcpy(map, slot.map, sizeof(map));
	while (!((map[(second - slot.view.start) / 8] >> ((second - slot.view.start) % 8)) & 1))
		second++;
	clear_bit(map, second);
	expect_violation(map, entry, "not a verified start");
}

/* mov $0x9080cd90, %eax: two bytes in, it is nop ; int $0x80. */
static const uint8_t hides_int[] = {0xb8, 0x90, 0xcd, 0x80, 0x90};

/* The verifier accepts the code from its bundle start and refuses the
 * entry two bytes in; the oracle, given that map and the bad entry (the
 * verifier's entry check switched off), must refuse it too, on the map
 * and, with a map that claims every byte, on what runs there. */
static void test_entry_inside_instruction(void **state)
{
	(void)state;
	assert_int_equal(load_code(hides_int, sizeof(hides_int), CODE, 0, false), IMG_ACCEPTED);
	assert_int_equal(oracle_check(&slot, slot.map, CODE, &res), 0);
	expect_violation(slot.map, CODE + 2, "entry point");
	expect_violation(all_ones, CODE + 2, "software interrupt");

	/* The same image with its ELF entry there: refused by the verifier. */
	const uint8_t hdr[5] = {0x80, 0, 0, 2, 0};
	size_t size = img_generate(hdr, sizeof(hdr), file);
	memcpy(file + CODE, hides_int, sizeof(hides_int));
	assert_int_equal(img_load(&slot, file, size, IMG_KERNEL), IMG_VERIFY);
	assert_non_null(strstr(slot.why, "entry point is not a bundle start"));
}

/* Code the pipeline refuses, treated as accepted with a map that claims
 * every byte: the oracle must name what is wrong with it. */
struct refused {
	uint8_t bytes[24];
	uint8_t n;
	const char *frag;
};

static const struct refused refused[] = {
    {{0xc3}, 1, "return"},
    {{0xff, 0xe0}, 2, "indirect jump at 0x1000 without the mask"},
    {{0xff, 0xd0}, 2, "indirect call at 0x1000 without the mask"},
    {{0x0f, 0x01, 0xef}, 3, "wrpkru"},
    {{0x0f, 0xae, 0x2f}, 3, "xrstor"},
    {{0xf4}, 1, "hlt"},
    {{0xfa}, 1, "cli"},
    {{0x9d}, 1, "popf"},
    {{0xcd, 0x80}, 2, "software interrupt"},
    {{0x0f, 0x22, 0xd8}, 3, "privileged"},
    {{0x0f, 0x01, 0x1f}, 3, "lidt"},
    {{0x0f, 0x30}, 2, "wrmsr"},
    {{0x0f, 0x01, 0xf8}, 3, "swapgs"},
    {{0x48, 0x0f, 0x07}, 3, "system return"},
    {{0x48, 0xcf}, 2, "iretq"},
    {{0xee}, 1, "I/O"},
    {{0x0f, 0x01, 0xc1}, 3, "vmcall"},
    {{0x8e, 0xd0}, 2, "segment"},
    {{0xff, 0x2f}, 2, "far branch"},
    {{0x66, 0xe9, 0x00, 0x00, 0x00, 0x00}, 6, "Intel and AMD"},
    {{0x06}, 1, "cannot decode"},
    /* and $0x1ffe0, %r11d ; or $slot, %r11 ; jmp *%rax: another register */
    {{0x41, 0x81, 0xe3, 0xe0, 0xff, 0x01, 0x00, 0x49, 0x81, 0xcb, 0x00, 0x00, 0x02, 0x40, 0xff,
      0xe0},
     16,
     "without the mask"},
    /* and $0x1fff0, %r11d ; or $slot, %r11 ; jmp *%r11: bits 4:0 kept */
    {{0x41, 0x81, 0xe3, 0xf0, 0xff, 0x01, 0x00, 0x49, 0x81, 0xcb, 0x00, 0x00, 0x02, 0x40, 0x41,
      0xff, 0xe3},
     17,
     "without the mask"},
    /* jmp +7 into the or of a masked sequence */
    {{0xeb, 0x07, 0x41, 0x81, 0xe3, 0xe0, 0xff, 0x01, 0x00, 0x49, 0x81, 0xcb, 0x00, 0x00, 0x02,
      0x40, 0x41, 0xff, 0xe3},
     19,
     "without the mask"},
    /* and $0x1ffe0, %r11d ; or $slot, %r11 ; data16 jmp *%r11 (AMD: *%r11w) */
    {{0x41, 0x81, 0xe3, 0xe0, 0xff, 0x01, 0x00, 0x49, 0x81, 0xcb, 0x00, 0x00, 0x02, 0x40, 0x66,
      0x41, 0xff, 0xe3},
     18,
     "operand-size prefix on a branch"},
    {{0x66, 0x74, 0x00}, 3, "operand-size prefix on a branch"}, /* data16 je .+3 */
    /* jmp rel32 to image offset 0x40000: out of the slot */
    {{0xe9, 0xfb, 0xef, 0x03, 0x00}, 5, "outside the slot"},
};

static void test_refused_as_accepted(void **state)
{
	(void)state;
	for (unsigned k = 0; k < sizeof(refused) / sizeof(refused[0]); k++) {
		const struct refused *c = &refused[k];
		enum img_stage st = load_code(c->bytes, c->n, CODE, 0, false);
		if (st == IMG_ACCEPTED)
			fail_msg("case %u (%s): the pipeline accepted it", k, c->frag);
		set_view();
		expect_violation(all_ones, CODE, c->frag);
	}
}

/* The last instruction of code that ends at the gate page runs into it:
 * the verifier refuses it, the oracle must too. */
static void test_runs_into_gate(void **state)
{
	/* movabs $imm64, %rax: 10 bytes, 8 of them left in the page */
	static const uint8_t movabs[] = {0x48, 0xb8, 1, 2, 3, 4, 5, 6};
	/* a 10-byte one that ends at the gate */
	static const uint8_t fits[] = {0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8};
	uint64_t bundle = SLOT_GATE - BUNDLE_SIZE;
	(void)state;

	assert_int_equal(load_code(movabs, sizeof(movabs), bundle, 32, true), IMG_VERIFY);
	assert_non_null(strstr(slot.why, "truncated"));
	set_view();
	expect_violation(all_ones, bundle, "runs into the gate page");

	/* Ending exactly at the gate instead is allowed: it falls into it. */
	assert_int_equal(load_code(fits, sizeof(fits), bundle, 32, true), IMG_ACCEPTED);
	assert_int_equal(oracle_check(&slot, slot.map, bundle, &res), 0);
}

/*
 * Encodings that raise #UD, which the verifier's whitelist accepts (see
 * tests/fuzz/repro/README): the oracle must see them, stop there, and
 * count them.  Once the whitelist refuses them, the pipeline refuses the
 * image and this still passes.
 */
static const struct refused undefined_cases[] = {
    {{0x8d, 0xc0}, 2, "lea with a register operand"},			/* lea %eax, %eax */
    {{0x48, 0x8d, 0xc3}, 3, "lea with a register operand"},		/* lea %rbx, %rax */
    {{0xf0, 0x90}, 2, "lock prefix on an instruction that takes none"}, /* lock nop */
    {{0xf0, 0x48, 0x89, 0xc3}, 4, "lock prefix on an instruction that takes none"},
};

static void test_undefined_encodings(void **state)
{
	(void)state;
	for (unsigned k = 0; k < sizeof(undefined_cases) / sizeof(undefined_cases[0]); k++) {
		const struct refused *c = &undefined_cases[k];
		if (load_code(c->bytes, c->n, CODE, 0, false) != IMG_ACCEPTED)
			continue; /* the whitelist refuses it now */
		assert_int_equal(oracle_check(&slot, slot.map, CODE, &res), 0);
		assert_int_equal(res.undefined, 1);
		assert_int_equal(res.undefined_at, CODE);
		assert_string_equal(res.undefined_why, c->frag);
	}
}

int main(void)
{
	memset(all_ones, 0xff, sizeof(all_ones));
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_tasks),
	    cmocka_unit_test(test_generated_images),
	    cmocka_unit_test(test_cleared_map_bit),
	    cmocka_unit_test(test_entry_inside_instruction),
	    cmocka_unit_test(test_refused_as_accepted),
	    cmocka_unit_test(test_runs_into_gate),
	    cmocka_unit_test(test_undefined_encodings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
