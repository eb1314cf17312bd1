/* Unit tests for the task-spec rules: names, duplicates, the command line (taskspec.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../loader/format/format.h"

static void expect_spec(const char *spec, const char *path, const char *name, const char *rest)
{
	struct taskspec t;
	const char *why = NULL;
	assert_int_equal(taskspec_parse(spec, &t, &why), 0);
	assert_null(why);
	assert_int_equal(t.path_len, strlen(path));
	assert_memory_equal(t.path, path, t.path_len);
	assert_string_equal(t.name, name);
	assert_string_equal(t.rest, rest);
}

static void expect_refused(const char *spec, const char *reason)
{
	struct taskspec t;
	const char *why = NULL;
	assert_int_equal(taskspec_parse(spec, &t, &why), -SHOJI_EINVAL);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void test_parse(void **state)
{
	expect_spec("build/tasks/hello.elf", "build/tasks/hello.elf", "hello", "");
	expect_spec("x/pingpong.elf:shared:server:3", "x/pingpong.elf", "pingpong",
		    ":shared:server:3");
	expect_spec("k.elf:process:a::b", "k.elf", "k", ":process:a::b");
	expect_spec("noext", "noext", "noext", "");
	expect_spec("a.elf.elf", "a.elf.elf", "a.elf", "");
	expect_spec("/abs/elf", "/abs/elf", "elf", "");
	expect_spec(".elfx", ".elfx", ".elfx", "");
	expect_spec("a.elf:kernel:", "a.elf", "a", ":kernel:"); /* one empty ARG */
	expect_spec("x*2.elf", "x*2.elf", "x*2", "");		/* not a count */
	expect_spec("d/abcdefghijabcdefghijabcdefghij1.elf",
		    "d/abcdefghijabcdefghijabcdefghij1.elf", "abcdefghijabcdefghijabcdefghij1",
		    ""); /* 31 bytes: the longest */
}

/* The kernel's rule for MODE and the ARGs (task_token_check_tail), on the host. */
static void test_parse_tail(void **state)
{
	const char *mode = "unknown mode (process, shared or kernel)";
	expect_refused("a.elf:bogus", mode);
	expect_refused("a.elf:shraed", mode);
	expect_refused("a.elf:Process", mode);
	expect_refused("a.elf:", mode);
	expect_refused("a.elf::x", mode);
	expect_refused("a.elf:processx", mode);
	expect_refused("a.elf:proces", mode);

	char spec[128] = "a.elf:shared";
	for (int i = 1; i <= SHOJI_TASK_ARGS_MAX; i++)
		snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), ":%d", i);
	struct taskspec t;
	const char *why = NULL;
	assert_int_equal(taskspec_parse(spec, &t, &why), 0);
	assert_int_equal(t.mode, TASK_MODE_SHARED);
	strcat(spec, ":");
	expect_refused(spec, "more than 16 arguments"); /* an empty 17th */

	static const struct {
		const char *spec;
		int mode;
	} modes[] = {
	    {"a.elf", TASK_MODE_PROCESS},	    {"a.elf:process", TASK_MODE_PROCESS},
	    {"a.elf:shared:x", TASK_MODE_SHARED},   {"a.elf:kernel", TASK_MODE_KERNEL},
	    {"a.elf:shared:x@1", TASK_MODE_SHARED}, /* an ARG's '@' is no pin */
	    {"a.elf:kernel::@", TASK_MODE_KERNEL},
	};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(taskspec_parse(modes[i].spec, &t, &why), 0);
		assert_int_equal(t.mode, modes[i].mode);
		assert_int_equal(t.cpu, TASK_CPU_ANY);
	}
}

/* MODE@CPU pins the task to a CPU index below ACPI_MAX_CPUS; the tail
 * goes on as written. */
static void test_parse_pin(void **state)
{
	static const struct {
		const char *spec, *rest;
		int mode, cpu;
	} pins[] = {
	    {"a.elf:process@0", ":process@0", TASK_MODE_PROCESS, 0},
	    {"x/pong.elf:shared@1:x", ":shared@1:x", TASK_MODE_SHARED, 1},
	    {"a.elf:kernel@10::", ":kernel@10::", TASK_MODE_KERNEL, 10},
	    {"a.elf:shared@9:@2", ":shared@9:@2", TASK_MODE_SHARED, 9},
	};
	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		struct taskspec t;
		const char *why = NULL;
		assert_int_equal(taskspec_parse(pins[i].spec, &t, &why), 0);
		assert_null(why);
		assert_int_equal(t.mode, pins[i].mode);
		assert_int_equal(t.cpu, pins[i].cpu);
		assert_string_equal(t.rest, pins[i].rest);
	}

	/* The last CPU index, and 16 ARGs after a pin. */
	char spec[128];
	struct taskspec t;
	const char *why = NULL;
	snprintf(spec, sizeof(spec), "a.elf:shared@%d", ACPI_MAX_CPUS - 1);
	for (int i = 1; i <= SHOJI_TASK_ARGS_MAX; i++)
		snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), ":%d", i);
	assert_int_equal(taskspec_parse(spec, &t, &why), 0);
	assert_int_equal(t.cpu, ACPI_MAX_CPUS - 1);
	strcat(spec, ":17");
	expect_refused(spec, "more than 16 arguments");
}

static void test_parse_pin_refused(void **state)
{
	char cpu[128], past[32];
	snprintf(cpu, sizeof(cpu),
		 "CPU index after @ is not a decimal number below %d (no sign or leading zero)",
		 ACPI_MAX_CPUS);
	const char *no_mode = "a CPU pin needs a mode before @ (process@N, shared@N or kernel@N)";
	static const char *const bad_cpu[] = {
	    "a.elf:shared@",
	    "a.elf:shared@-1",
	    "a.elf:shared@+1",
	    "a.elf:process@01",
	    "a.elf:kernel@00",
	    "a.elf:shared@1x",
	    "a.elf:shared@x",
	    "a.elf:shared@1@2",
	    "a.elf:shared@@1",
	    "a.elf:shared@100:x",
	    "a.elf:shared@99999999999999999999",
	    "a.elf:shared@1.0",
	};
	for (size_t i = 0; i < sizeof(bad_cpu) / sizeof(bad_cpu[0]); i++)
		expect_refused(bad_cpu[i], cpu);
	snprintf(past, sizeof(past), "a.elf:shared@%d", ACPI_MAX_CPUS);
	expect_refused(past, cpu);
	expect_refused("a.elf:@1", no_mode);
	expect_refused("a.elf:@", no_mode);
	expect_refused("a.elf:@1:x", no_mode);
	const char *mode = "unknown mode (process, shared or kernel)";
	expect_refused("a.elf:fast@1", mode);
	expect_refused("a.elf:Shared@1", mode);
	expect_refused("a.elf:shared1@1", mode);
}

static void test_parse_refused(void **state)
{
	const char *space = "contains white space (the kernel command line splits on it)";
	expect_refused("a b.elf", space);
	expect_refused("a.elf:process:x\ty", space);
	expect_refused("a.elf\n", space);
	expect_refused("a.elf:\r", space);
	/* The UEFI loader's shoji.cfg carries no other control character. */
	const char *control =
	    "contains a control character (the UEFI loader's shoji.cfg refuses it)";
	expect_refused("a.elf:process:x\001y", control);
	expect_refused("a\033[1m.elf", control);
	expect_refused("a.elf:kernel:\177", control);
	expect_refused("", "has no file");
	expect_refused(":shared", "has no file");
	expect_refused("dir/.elf", "gives an empty task name");
	expect_refused("dir/", "gives an empty task name");
	expect_refused(".elf:kernel", "gives an empty task name");
	expect_refused("d/abcdefghijabcdefghijabcdefghij12.elf",
		       "task name is longer than 31 bytes");
	expect_refused("..", "task name is \".\" or \"..\"");
	expect_refused("a/..elf", "task name is \".\" or \"..\"");
	expect_refused("x/TRAILER!!!", "task name TRAILER!!! is reserved (it ends a cpio archive)");
	expect_refused("12*x.elf:shared", "task name starts with a copy count (digits then '*')");
}

/* HOSTPATH may be up to TASKSPEC_PATH_MAX - 1 bytes; the name is its tail. */
static void test_path_limit(void **state)
{
	static char path[TASKSPEC_PATH_MAX + 8];
	memset(path, 'a', TASKSPEC_PATH_MAX - 1 - 6);
	strcpy(path + TASKSPEC_PATH_MAX - 1 - 6, "/x.elf");
	assert_int_equal(strlen(path), TASKSPEC_PATH_MAX - 1);
	expect_spec(path, path, "x", "");
	path[0] = 'b';
	memmove(path + 1, path, TASKSPEC_PATH_MAX);
	expect_refused(path, "file name too long");
}

static void test_dedup(void **state)
{
	const struct taskspec_file packed[] = {{"hello", "/r/hello.elf"}, {"ping", "/r/ping.elf"}};
	unsigned clash = 99;
	const char *why = NULL;
	assert_int_equal(taskspec_dedup(packed, 2, "pong", "/r/pong.elf", &clash, &why), 0);
	assert_int_equal(taskspec_dedup(packed, 2, "ping", "/r/ping.elf", &clash, &why), 1);
	assert_int_equal(taskspec_dedup(packed, 0, "ping", "/r/ping.elf", &clash, &why), 0);
	assert_null(why);
	assert_int_equal(taskspec_dedup(packed, 2, "ping", "/s/ping.elf", &clash, &why),
			 -SHOJI_EINVAL);
	assert_int_equal(clash, 1);
	assert_string_equal(why, "two task files with one name");
	/* Names compare whole: "hell" is not "hello". */
	assert_int_equal(taskspec_dedup(packed, 2, "hell", "/s/hell", &clash, &why), 0);
}

static void test_cmdline(void **state)
{
	char buf[SHOJI_CMDLINE_MAX + 64];
	struct cmdline_buf c;
	struct taskspec t;
	const char *why = NULL;

	cmdline_init(&c, buf, sizeof(buf));
	assert_int_equal(c.cap, SHOJI_CMDLINE_MAX); /* clamped to the kernel's limit */
	assert_string_equal(buf, "");
	assert_int_equal(cmdline_append(&c, "", &why), 0);
	assert_string_equal(buf, "");
	assert_int_equal(taskspec_parse("x/hello.elf:shared:a", &t, &why), 0);
	assert_int_equal(cmdline_add_task(&c, &t, &why), 0);
	assert_int_equal(taskspec_parse("ping", &t, &why), 0);
	assert_int_equal(cmdline_add_task(&c, &t, &why), 0);
	assert_int_equal(cmdline_append(&c, "quantum=5 pcid=off", &why), 0);
	assert_string_equal(buf, "task=hello:shared:a task=ping quantum=5 pcid=off");
	assert_int_equal(c.len, strlen(buf));
	assert_null(why);
}

/* Appended text may hold a tab, no other control character, and a
 * refusal leaves the line as it was. */
static void test_cmdline_control(void **state)
{
	char buf[64];
	struct cmdline_buf c;
	const char *why = NULL;

	cmdline_init(&c, buf, sizeof(buf));
	assert_int_equal(cmdline_append(&c, "quantum=5\tpcid=off", &why), 0);
	assert_null(why);
	assert_int_equal(cmdline_check_text("a\tb c", &why), 0);
	assert_null(why);
	assert_int_equal(cmdline_append(&c, "audit=on\nx", &why), -SHOJI_EINVAL);
	assert_string_equal(why, "contains a control character other than tab (the UEFI "
				 "loader's shoji.cfg refuses it)");
	assert_int_equal(cmdline_append(&c, "\001", &why), -SHOJI_EINVAL);
	assert_int_equal(cmdline_check_text("x\177", &why), -SHOJI_EINVAL);
	assert_string_equal(buf, "quantum=5\tpcid=off");
}

static void test_cmdline_limit(void **state)
{
	char buf[SHOJI_CMDLINE_MAX], fill[SHOJI_CMDLINE_MAX + 1];
	struct cmdline_buf c;
	struct taskspec t;
	const char *why = NULL;

	/* "task=hello " + 4084 bytes = 4095: fits; one more does not, and the
	 * line is left as it was. */
	assert_int_equal(taskspec_parse("hello.elf", &t, &why), 0);
	cmdline_init(&c, buf, sizeof(buf));
	assert_int_equal(cmdline_add_task(&c, &t, &why), 0);
	memset(fill, 'q', sizeof(fill));
	fill[4085] = '\0';
	assert_int_equal(cmdline_append(&c, fill, &why), -SHOJI_EINVAL);
	assert_string_equal(why, "kernel command line too long (at most 4095 bytes)");
	assert_string_equal(buf, "task=hello");
	fill[4084] = '\0';
	assert_int_equal(cmdline_append(&c, fill, &why), 0);
	assert_int_equal(strlen(buf), SHOJI_CMDLINE_MAX - 1);
	assert_int_equal(cmdline_add_task(&c, &t, &why), -SHOJI_EINVAL);
	assert_int_equal(strlen(buf), SHOJI_CMDLINE_MAX - 1);

	/* A small buffer is its own limit. */
	char small[8];
	cmdline_init(&c, small, sizeof(small));
	assert_int_equal(cmdline_append(&c, "1234567", &why), 0);
	assert_int_equal(cmdline_append(&c, "x", &why), -SHOJI_EINVAL);
	assert_string_equal(small, "1234567");
	cmdline_init(&c, small, sizeof(small));
	assert_int_equal(cmdline_append(&c, "12345678", &why), -SHOJI_EINVAL);
	assert_string_equal(small, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),	    cmocka_unit_test(test_parse_refused),
	    cmocka_unit_test(test_cmdline_control), cmocka_unit_test(test_path_limit),
	    cmocka_unit_test(test_dedup),	    cmocka_unit_test(test_cmdline),
	    cmocka_unit_test(test_cmdline_limit),   cmocka_unit_test(test_parse_tail),
	    cmocka_unit_test(test_parse_pin),	    cmocka_unit_test(test_parse_pin_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
