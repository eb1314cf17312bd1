/* Unit tests for task specs, initrd packing and the command line (vmm/initrd.c). */
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

#include "../../vmm/vmm.h"

static char dir[64];

static void put_file(const char *rel, const char *content)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/test_vmm_initrd.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/other", dir);
	mkdir(sub, 0755);
	put_file("hello.elf", "HELLO");
	put_file("pingpong.elf", "PINGPONG");
	put_file("other/hello.elf", "ANOTHER HELLO");
	put_file("data", "DATA");
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

static void test_parse(void **state)
{
	struct taskspec t;
	char err[256];
	assert_int_equal(taskspec_parse("build/tasks/hello.elf", &t, err, sizeof(err)), 0);
	assert_string_equal(t.path, "build/tasks/hello.elf");
	assert_string_equal(t.name, "hello");
	assert_string_equal(t.rest, "");
	assert_int_equal(taskspec_parse("x/pingpong.elf:shared:server:3", &t, err, sizeof(err)), 0);
	assert_string_equal(t.path, "x/pingpong.elf");
	assert_string_equal(t.name, "pingpong");
	assert_string_equal(t.rest, ":shared:server:3");
	assert_int_equal(taskspec_parse("k.elf:kernel", &t, err, sizeof(err)), 0);
	assert_int_equal(taskspec_parse("k.elf:process:a::b", &t, err, sizeof(err)), 0);
	assert_int_equal(taskspec_parse("noext", &t, err, sizeof(err)), 0);
	assert_string_equal(t.name, "noext");
	assert_int_equal(taskspec_parse("a.elf.elf", &t, err, sizeof(err)), 0);
	assert_string_equal(t.name, "a.elf");
	assert_int_equal(taskspec_parse("/abs/elf", &t, err, sizeof(err)), 0);
	assert_string_equal(t.name, "elf");
}

static void test_parse_errors(void **state)
{
	struct taskspec t;
	char err[256];
	/* Modes are the kernel's to judge: a bad one passes through. */
	assert_int_equal(taskspec_parse("a.elf:bogus", &t, err, sizeof(err)), 0);
	assert_string_equal(t.rest, ":bogus");
	assert_int_equal(taskspec_parse(":shared", &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "has no file"));
	assert_int_equal(taskspec_parse("", &t, err, sizeof(err)), -EINVAL);
	assert_int_equal(taskspec_parse("dir/.elf", &t, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "task file dir/.elf gives an empty task name");
	assert_int_equal(taskspec_parse("dir/", &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "empty task name"));
	assert_int_equal(taskspec_parse("a b.elf", &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "white space"));
	assert_int_equal(taskspec_parse("a.elf:process:x\ty", &t, err, sizeof(err)), -EINVAL);
	assert_int_equal(
	    taskspec_parse("d/abcdefghijabcdefghijabcdefghij12.elf", &t, err, sizeof(err)),
	    -EINVAL);
	assert_non_null(strstr(err, "longer than 31 bytes"));
	/* 31 bytes is the longest name the kernel takes. */
	assert_int_equal(
	    taskspec_parse("d/abcdefghijabcdefghijabcdefghij1.elf", &t, err, sizeof(err)), 0);
}

/* The archive holds exactly the named files, with their contents, in order. */
static void expect_archive(const struct cpio_writer *w, const char *const *names,
			   const char *const *contents, unsigned n)
{
	size_t off = 0;
	struct cpio_entry e;
	const char *why;
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(cpio_next(w->buf, w->len, &off, &e, &why), 1);
		assert_string_equal(e.name, names[i]);
		assert_int_equal(e.size, strlen(contents[i]));
		assert_memory_equal(e.data, contents[i], e.size);
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
	static const char *const contents[] = {"HELLO", "PINGPONG", "DATA"};
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
	static const char *const contents[] = {"PINGPONG"};
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
	    0);
	assert_non_null(strstr(cmdline, "task=hello:fast"));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),      cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_pack),       cmocka_unit_test(test_same_file_twice),
	    cmocka_unit_test(test_name_clash), cmocka_unit_test(test_missing_and_odd_files),
	    cmocka_unit_test(test_no_specs),   cmocka_unit_test(test_cmdline_too_long),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
