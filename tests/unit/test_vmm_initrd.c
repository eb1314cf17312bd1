/* Unit tests for the host's packing of task specs, image check included (vmm/initrd.c). */
#include <errno.h>
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

#include "../../tests/conformance/task/images.h"
#include "../../vmm/initrd.h"

static char dir[64];

/* The files' contents: images of the conformance corpus
 * (tests/conformance/task/images.c), each different. */
enum { IMG_HELLO, IMG_PINGPONG, IMG_OTHER, IMG_DATA, IMG_BIG, NIMG };
static const char *const img_case[NIMG] = {"valid", "no-dynamic", "span-max", "eight-segments",
					   "too-large"};
static struct corpus_image img[NIMG];

static void put_file(const char *rel, unsigned which)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(img[which].buf, 1, img[which].size, f), img[which].size);
	fclose(f);
}

static void make_images(void)
{
	for (unsigned i = 0; i < NIMG; i++)
		for (unsigned c = 0; c < corpus_ncases; c++)
			if (!strcmp(corpus_cases[c].name, img_case[i]))
				corpus_cases[c].make(&img[i]);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/test_vmm_initrd.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/other", dir);
	mkdir(sub, 0755);
	make_images();
	put_file("hello.elf", IMG_HELLO);
	put_file("pingpong.elf", IMG_PINGPONG);
	put_file("other/hello.elf", IMG_OTHER);
	put_file("data", IMG_DATA);
	put_file("big.elf", IMG_BIG);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

/* "DIR/rel" in a static buffer; @n picks one of two so two can be live. */
static char *p(int n, const char *rel)
{
	static char buf[4][256];
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", dir, rel);
	return buf[n];
}

/* The archive holds exactly the named files, with their contents, in order. */
static void expect_archive(const struct cpio_writer *w, const char *const *names,
			   const unsigned *contents, unsigned n)
{
	size_t off = 0;
	struct cpio_entry e;
	const char *why;
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(cpio_next(w->buf, w->len, &off, &e, &why), 1);
		assert_string_equal(e.name, names[i]);
		assert_int_equal(e.size, img[contents[i]].size);
		assert_memory_equal(e.data, img[contents[i]].buf, e.size);
	}
	assert_int_equal(cpio_next(w->buf, w->len, &off, &e, &why), 0);
}

static void test_pack(void **state)
{
	struct cpio_writer w;
	char cmdline[SHOJI_CMDLINE_MAX], err[512];
	char spec1[300];
	snprintf(spec1, sizeof(spec1), "%s:shared:server", p(1, "pingpong.elf"));
	char *specs[] = {p(0, "hello.elf"), spec1, p(2, "data:kernel:1:2")};
	cpio_writer_init(&w);
	assert_int_equal(initrd_from_specs(specs, 3, "quantum=5", &w, cmdline, sizeof(cmdline), err,
					   sizeof(err)),
			 0);
	assert_string_equal(
	    cmdline, "task=hello task=pingpong:shared:server task=data:kernel:1:2 quantum=5");
	static const char *const names[] = {"hello", "pingpong", "data"};
	static const unsigned contents[] = {IMG_HELLO, IMG_PINGPONG, IMG_DATA};
	expect_archive(&w, names, contents, 3);
	cpio_writer_free(&w);
}

static void test_same_file_twice(void **state)
{
	struct cpio_writer w;
	char cmdline[SHOJI_CMDLINE_MAX], err[512];
	char s0[300], s1[300];
	snprintf(s0, sizeof(s0), "%s:process:server", p(0, "pingpong.elf"));
	/* The same file by another path: packed once, started twice. */
	snprintf(s1, sizeof(s1), "%s/other/../pingpong.elf:process:client", dir);
	char *specs[] = {s0, s1};
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(specs, 2, NULL, &w, cmdline, sizeof(cmdline), err, sizeof(err)), 0);
	assert_string_equal(cmdline, "task=pingpong:process:server task=pingpong:process:client");
	static const char *const names[] = {"pingpong"};
	static const unsigned contents[] = {IMG_PINGPONG};
	expect_archive(&w, names, contents, 1);
	cpio_writer_free(&w);
}

static void test_name_clash(void **state)
{
	struct cpio_writer w;
	char cmdline[SHOJI_CMDLINE_MAX], err[512];
	char *specs[] = {p(0, "hello.elf"), p(1, "other/hello.elf")};
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(specs, 2, NULL, &w, cmdline, sizeof(cmdline), err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "two task files named hello: "));
	assert_non_null(strstr(err, "/other/hello.elf"));
	cpio_writer_free(&w);
}

static void test_missing_and_odd_files(void **state)
{
	struct cpio_writer w;
	char cmdline[SHOJI_CMDLINE_MAX], err[512];
	char *missing[] = {p(0, "nope.elf:shared")};
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(missing, 1, NULL, &w, cmdline, sizeof(cmdline), err, sizeof(err)),
	    -ENOENT);
	char want[300];
	snprintf(want, sizeof(want), "task file %s/nope.elf not found", dir);
	assert_string_equal(err, want);
	cpio_writer_free(&w);

	char *a_dir[] = {p(0, "other")};
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(a_dir, 1, NULL, &w, cmdline, sizeof(cmdline), err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "is not a regular file"));
	cpio_writer_free(&w);

	char *bad_mode[] = {p(0, "hello.elf:fast")};
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(bad_mode, 1, NULL, &w, cmdline, sizeof(cmdline), err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "hello.elf:fast': unknown mode (process, shared or kernel)"));
	cpio_writer_free(&w);

	char *dot[] = {p(0, ".")};
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(dot, 1, NULL, &w, cmdline, sizeof(cmdline), err, sizeof(err)),
	    -EINVAL);
	cpio_writer_free(&w);
}

static void test_no_specs(void **state)
{
	struct cpio_writer w;
	char cmdline[SHOJI_CMDLINE_MAX], err[512];
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(NULL, 0, "task=x", &w, cmdline, sizeof(cmdline), err, sizeof(err)),
	    0);
	assert_string_equal(cmdline, "task=x");
	expect_archive(&w, NULL, NULL, 0); /* just the trailer */
	cpio_writer_free(&w);

	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(NULL, 0, NULL, &w, cmdline, sizeof(cmdline), err, sizeof(err)), 0);
	assert_string_equal(cmdline, "");
	cpio_writer_free(&w);
}

static void test_cmdline_too_long(void **state)
{
	struct cpio_writer w;
	char cmdline[SHOJI_CMDLINE_MAX], err[512];
	char *specs[] = {p(0, "hello.elf")};
	char *append = malloc(SHOJI_CMDLINE_MAX);
	/* "task=hello " + append = 4095 bytes exactly: fits. */
	size_t n = SHOJI_CMDLINE_MAX - 1 - strlen("task=hello ");
	memset(append, 'q', n);
	append[n] = 0;
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(specs, 1, append, &w, cmdline, sizeof(cmdline), err, sizeof(err)), 0);
	assert_int_equal(strlen(cmdline), SHOJI_CMDLINE_MAX - 1);
	cpio_writer_free(&w);

	append[n] = 'q';
	append[n + 1] = 0; /* one byte more */
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(specs, 1, append, &w, cmdline, sizeof(cmdline), err, sizeof(err)),
	    -E2BIG);
	assert_non_null(strstr(err, "too long with --append"));
	cpio_writer_free(&w);
	free(append);

	/* Too many task tokens. */
	char *many[400];
	for (int i = 0; i < 400; i++)
		many[i] = p(0, "hello.elf:process:argument");
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(many, 400, NULL, &w, cmdline, sizeof(cmdline), err, sizeof(err)),
	    -E2BIG);
	assert_non_null(strstr(err, "kernel command line too long at task spec"));
	cpio_writer_free(&w);
}

/* A task image the rules refuse is refused on the host, naming the file,
 * before it reaches the initrd. */
static void test_bad_image(void **state)
{
	struct cpio_writer w;
	char cmdline[SHOJI_CMDLINE_MAX], err[512], want[300];
	char *specs[] = {p(0, "hello.elf"), p(1, "big.elf:shared")};
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(specs, 2, NULL, &w, cmdline, sizeof(cmdline), err, sizeof(err)),
	    -EINVAL);
	snprintf(
	    want, sizeof(want),
	    "task file %s/big.elf: image too large: 92 KiB of memory span, the limit is 88 KiB",
	    dir);
	assert_string_equal(err, want);
	cpio_writer_free(&w);
}

/* The check itself: the rules' reason; libelf reads what the rules accept. */
static void test_image_check(void **state)
{
	static struct corpus_image m;
	struct elf_task t;
	char why[200] = "";
	memcpy(&m, &img[IMG_HELLO], sizeof(m));
	assert_int_equal(task_image_check(m.buf, m.size, &t, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	memcpy(&m, &img[IMG_DATA], sizeof(m));
	assert_int_equal(task_image_check(m.buf, m.size, &t, why, sizeof(why)), 0);
	memcpy(&m, &img[IMG_BIG], sizeof(m));
	assert_int_equal(task_image_check(m.buf, m.size, &t, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "image too large: 92 KiB of memory span, the limit is 88 KiB");
	char text[] = "#!/bin/sh\n";
	assert_int_equal(task_image_check(text, strlen(text), &t, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "not an ELF file (bad magic)");
}

/* A spec's own errors, in the host's words. */
static void test_bad_spec(void **state)
{
	struct cpio_writer w;
	char cmdline[SHOJI_CMDLINE_MAX], err[512];
	char *specs[] = {"a b.elf"};
	cpio_writer_init(&w);
	assert_int_equal(
	    initrd_from_specs(specs, 1, NULL, &w, cmdline, sizeof(cmdline), err, sizeof(err)),
	    -EINVAL);
	assert_string_equal(err, "task spec 'a b.elf': contains white space (the kernel command "
				 "line splits on it)");
	cpio_writer_free(&w);
}

/* A file packed without a token (shoji-pack --file), checked the same. */
static void test_pack_only(void **state)
{
	static struct initrd_pack pk;
	char err[512], spec[300];
	initrd_pack_init(&pk);
	assert_int_equal(initrd_pack_spec(&pk, p(0, "pingpong.elf"), false, err, sizeof(err)), 0);
	assert_int_equal(initrd_pack_spec(&pk, p(1, "hello.elf:shared"), true, err, sizeof(err)),
			 0);
	assert_int_equal(initrd_pack_finish(&pk, "task=pingpong", err, sizeof(err)), 0);
	assert_string_equal(pk.cmdline, "task=hello:shared task=pingpong");
	static const char *const names[] = {"pingpong", "hello"};
	static const unsigned contents[] = {IMG_PINGPONG, IMG_HELLO};
	expect_archive(&pk.w, names, contents, 2);
	initrd_pack_free(&pk);

	initrd_pack_init(&pk);
	snprintf(spec, sizeof(spec), "%s:shared", p(0, "pingpong.elf"));
	assert_int_equal(initrd_pack_spec(&pk, spec, false, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "a file to pack only takes no mode or arguments"));
	assert_int_equal(initrd_pack_spec(&pk, p(0, "big.elf"), false, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "big.elf: image too large"));
	initrd_pack_free(&pk);
	initrd_pack_free(&pk); /* twice is safe */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pack),       cmocka_unit_test(test_same_file_twice),
	    cmocka_unit_test(test_name_clash), cmocka_unit_test(test_missing_and_odd_files),
	    cmocka_unit_test(test_no_specs),   cmocka_unit_test(test_cmdline_too_long),
	    cmocka_unit_test(test_bad_image),  cmocka_unit_test(test_image_check),
	    cmocka_unit_test(test_bad_spec),   cmocka_unit_test(test_pack_only),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
