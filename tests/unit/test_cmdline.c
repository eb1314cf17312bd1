/* Unit tests for the kernel command line parser (guest/core/cmdline.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/kernel.h"
#include "loader/format/format.h"

#define MAX_TASKS 8

struct parsed {
	char buf[SHOJI_CMDLINE_MAX];
	struct task_spec tasks[MAX_TASKS];
	struct boot_options opt;
	char err[256];
	int rc;
};

/* Parses a copy of line with room for max_tasks tasks. */
static struct parsed *parse_max(const char *line, unsigned max_tasks)
{
	struct parsed *p = calloc(1, sizeof(*p));
	assert_non_null(p);
	assert_true(strlen(line) < sizeof(p->buf));
	assert_true(max_tasks <= MAX_TASKS);
	strcpy(p->buf, line);
	memset(p->err, 'X', sizeof(p->err) - 1); /* must be overwritten */
	p->opt.tasks = p->tasks;
	p->opt.max_tasks = max_tasks;
	p->rc = cmdline_parse(p->buf, &p->opt, p->err, sizeof(p->err));
	return p;
}

/* Expects line to parse; the caller frees the result. */
static struct parsed *parse_ok(const char *line)
{
	struct parsed *p = parse_max(line, MAX_TASKS);
	if (p->rc != 0)
		fail_msg("\"%s\" refused (%d): %s", line, p->rc, p->err);
	assert_string_equal(p->err, "");
	return p;
}

/* Expects line to be refused with a message holding each given phrase
 * (the bad token among them). */
static void refused_max(const char *line, unsigned max_tasks, const char *phrase1,
			const char *phrase2)
{
	struct parsed *p = parse_max(line, max_tasks);
	if (p->rc != -SHOJI_EINVAL)
		fail_msg("\"%s\": rc %d, want -SHOJI_EINVAL", line, p->rc);
	if (!strstr(p->err, phrase1))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", line, p->err, phrase1);
	if (phrase2 && !strstr(p->err, phrase2))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", line, p->err, phrase2);
	free(p);
}

static void refused(const char *line, const char *phrase1, const char *phrase2)
{
	refused_max(line, MAX_TASKS, phrase1, phrase2);
}

/* The task's strings must point into the parsed buffer (parsed in place). */
static void assert_in_buf(const struct parsed *p, const char *s)
{
	assert_true(s >= p->buf && s < p->buf + sizeof(p->buf));
}

/* Task i is name, in mode, pinned to pin (TASK_CPU_ANY: not pinned), with argc. */
static void assert_pinned(const struct parsed *p, unsigned i, const char *name, enum task_mode mode,
			  int pin, int argc)
{
	assert_true(i < p->opt.ntasks);
	const struct task_spec *t = &p->tasks[i];
	assert_string_equal(t->name, name);
	assert_in_buf(p, t->name);
	assert_int_equal(t->mode, mode);
	assert_int_equal(t->cpu, pin);
	assert_int_equal(t->argc, argc);
	assert_ptr_equal(t->argv[0], t->name);
	for (int a = 0; a < argc; a++)
		assert_in_buf(p, t->argv[a]);
	assert_null(t->argv[argc]);
}

/* An unpinned task: every spec without MODE@CPU. */
static void assert_task(const struct parsed *p, unsigned i, const char *name, enum task_mode mode,
			int argc)
{
	assert_pinned(p, i, name, mode, TASK_CPU_ANY, argc);
}

/* --- accepted command lines ------------------------------------------------ */

static void test_single_task_defaults(void **state)
{
	struct parsed *p = parse_ok("task=hello");
	assert_int_equal(p->opt.ntasks, 1);
	assert_task(p, 0, "hello", MODE_PROCESS, 1);
	assert_int_equal(p->opt.quantum_us, QUANTUM_DEFAULT_US);
	assert_int_equal(p->opt.pcid, -1);
	free(p);
}

static void test_repeated_tasks_in_order(void **state)
{
	struct parsed *p = parse_ok("task=c task=a:process task=b task=a");
	assert_int_equal(p->opt.ntasks, 4);
	assert_task(p, 0, "c", MODE_PROCESS, 1);
	assert_task(p, 1, "a", MODE_PROCESS, 1);
	assert_task(p, 2, "b", MODE_PROCESS, 1);
	assert_task(p, 3, "a", MODE_PROCESS, 1);
	free(p);
}

static void test_args_become_argv(void **state)
{
	struct parsed *p =
	    parse_ok("task=pingpong:process:server task=pingpong:process:client:1000");
	assert_int_equal(p->opt.ntasks, 2);
	assert_task(p, 0, "pingpong", MODE_PROCESS, 2);
	assert_string_equal(p->tasks[0].argv[1], "server");
	assert_task(p, 1, "pingpong", MODE_PROCESS, 3);
	assert_string_equal(p->tasks[1].argv[1], "client");
	assert_string_equal(p->tasks[1].argv[2], "1000");
	free(p);
}

static void test_most_args_accepted(void **state)
{
	char line[256] = "task=t:process";
	for (int i = 1; i <= SHOJI_TASK_ARGS_MAX; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), ":a%d", i);
	struct parsed *p = parse_ok(line);
	assert_task(p, 0, "t", MODE_PROCESS, SHOJI_TASK_ARGS_MAX + 1);
	for (int i = 1; i <= SHOJI_TASK_ARGS_MAX; i++) {
		char want[8];
		snprintf(want, sizeof(want), "a%d", i);
		assert_string_equal(p->tasks[0].argv[i], want);
	}
	free(p);
}

static void test_longest_name_accepted(void **state)
{
	char line[64] = "task=";
	memset(line + 5, 'n', SHOJI_TASK_NAME_MAX - 1);
	struct parsed *p = parse_ok(line);
	assert_int_equal(strlen(p->tasks[0].name), SHOJI_TASK_NAME_MAX - 1);
	free(p);
}

static void test_quantum(void **state)
{
	static const struct {
		const char *line;
		uint32_t us;
	} cases[] = {
	    {"task=a", QUANTUM_DEFAULT_US},
	    {"task=a quantum=1", 1000},
	    {"quantum=25 task=a", 25000},
	    {"task=a quantum=1000", 1000000},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed *p = parse_ok(cases[i].line);
		if (p->opt.quantum_us != cases[i].us)
			fail_msg("\"%s\": quantum_us %u, want %u", cases[i].line, p->opt.quantum_us,
				 cases[i].us);
		free(p);
	}
}

static void test_pcid(void **state)
{
	static const struct {
		const char *line;
		int pcid;
	} cases[] = {
	    {"task=a", -1},
	    {"task=a pcid=on", 1},
	    {"pcid=off task=a", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed *p = parse_ok(cases[i].line);
		if (p->opt.pcid != cases[i].pcid)
			fail_msg("\"%s\": pcid %d, want %d", cases[i].line, p->opt.pcid,
				 cases[i].pcid);
		free(p);
	}
}

static void test_audit_and_selftests(void **state)
{
	static const struct {
		const char *line;
		bool audit;
		int selftest;
	} cases[] = {
	    {"task=a", false, SELFTEST_NONE},
	    {"task=a audit=on", true, SELFTEST_NONE},
	    {"audit=on audit=off task=a", false, SELFTEST_NONE},
	    {"task=a audit=on selftest=audit-queue", true, SELFTEST_AUDIT_QUEUE},
	    {"selftest=audit-page task=a", false, SELFTEST_AUDIT_PAGE},
	    {"selftest=ap-silent task=a", false, SELFTEST_AP_SILENT},
	    {"task=a selftest=rsdp-scan", false, SELFTEST_RSDP_SCAN},
	    {"audit=on selftest=audit-cpu task=a", true, SELFTEST_AUDIT_CPU},
	    {"selftest=wake-ipi task=a", false, SELFTEST_WAKE_IPI},
	    {"task=a selftest=shootdown", false, SELFTEST_SHOOTDOWN},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed *p = parse_ok(cases[i].line);
		if (p->opt.audit != cases[i].audit || (int)p->opt.selftest != cases[i].selftest)
			fail_msg("\"%s\": audit %d selftest %d", cases[i].line, p->opt.audit,
				 p->opt.selftest);
		free(p);
	}
}

/* tlbhints=on|off: off unless asked, the last one wins, beside audit=. */
static void test_tlbhints(void **state)
{
	static const struct {
		const char *line;
		bool tlbhints, audit;
	} cases[] = {
	    {"task=a", false, false},
	    {"task=a tlbhints=on", true, false},
	    {"tlbhints=on tlbhints=off task=a", false, false},
	    {"task=a tlbhints=on audit=on", true, true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed *p = parse_ok(cases[i].line);
		if (p->opt.tlbhints != cases[i].tlbhints || p->opt.audit != cases[i].audit)
			fail_msg("\"%s\": tlbhints %d audit %d", cases[i].line, p->opt.tlbhints,
				 p->opt.audit);
		free(p);
	}
	refused("task=a tlbhints=yes", "tlbhints=yes", "on or off");
	refused("task=a tlbhints=", "tlbhints=", "on or off");
}

/* pmu=: off by default (the counters count every task's events), on
 * turns them on, the last one wins; nothing else. */
static void test_pmu_option(void **state)
{
	struct parsed *p = parse_ok("task=a");
	assert_false(p->opt.pmu);
	free(p);
	p = parse_ok("task=a pmu=on");
	assert_true(p->opt.pmu);
	free(p);
	p = parse_ok("pmu=on pmu=off task=a");
	assert_false(p->opt.pmu);
	free(p);
	p = parse_ok("pmu=off pmu=on task=a");
	assert_true(p->opt.pmu);
	free(p);
	refused("task=a pmu=maybe", "pmu=maybe", "on or off");
	refused("task=a pmu=", "pmu=", "on or off");
}

static void test_extra_whitespace(void **state)
{
	struct parsed *p = parse_ok("  \t task=a:process:x \t\t quantum=3\t task=b  \t\n");
	assert_int_equal(p->opt.ntasks, 2);
	assert_task(p, 0, "a", MODE_PROCESS, 2);
	assert_string_equal(p->tasks[0].argv[1], "x");
	assert_task(p, 1, "b", MODE_PROCESS, 1);
	assert_int_equal(p->opt.quantum_us, 3000);
	free(p);
}

/* A second parse of the same options starts from the defaults again. */
static void test_defaults_reset(void **state)
{
	struct parsed *p = parse_ok("task=a quantum=7 pcid=on");
	strcpy(p->buf, "task=b");
	assert_int_equal(cmdline_parse(p->buf, &p->opt, p->err, sizeof(p->err)), 0);
	assert_int_equal(p->opt.ntasks, 1);
	assert_int_equal(p->opt.quantum_us, QUANTUM_DEFAULT_US);
	assert_int_equal(p->opt.pcid, -1);
	free(p);
}

static void test_task_mode_name(void **state)
{
	assert_string_equal(task_mode_name(MODE_PROCESS), "process");
	assert_string_equal(task_mode_name(MODE_SHARED), "shared");
	assert_string_equal(task_mode_name(MODE_KERNEL), "kernel");
	assert_string_equal(task_mode_name(MODE_COUNT), "?");
	assert_string_equal(task_mode_name((enum task_mode)1000), "?");
}

/*
 * Modes that the kernel does not run yet are refused by name.  When a
 * mode lands, flip its `supported` here: the test then expects it to be
 * accepted with its mode and arguments.
 */
static const struct {
	const char *name;
	enum task_mode mode;
	bool supported;
} later_modes[] = {
    {"shared", MODE_SHARED, true},
    {"kernel", MODE_KERNEL, true},
};

static void test_later_modes(void **state)
{
	for (size_t i = 0; i < sizeof(later_modes) / sizeof(later_modes[0]); i++) {
		char line[128], token[64];
		snprintf(token, sizeof(token), "task=t:%s:x", later_modes[i].name);
		snprintf(line, sizeof(line), "task=a %s", token);
		if (!later_modes[i].supported) {
			refused(line, "not supported yet", token);
			continue;
		}
		struct parsed *p = parse_ok(line);
		assert_task(p, 1, "t", later_modes[i].mode, 2);
		assert_string_equal(p->tasks[1].argv[1], "x");
		free(p);
	}
}

/* MODE@CPU pins a task; copies share the pin, ARGs follow it, and an
 * ARG's '@' is only text. */
static void test_pinned(void **state)
{
	char line[128];
	snprintf(line, sizeof(line),
		 "task=pong:shared@1:x task=2*ping:process@0 task=k:kernel@%d task=a:shared:x@1",
		 ACPI_MAX_CPUS - 1);
	struct parsed *p = parse_ok(line);
	assert_int_equal(p->opt.ntasks, 5);
	assert_pinned(p, 0, "pong", MODE_SHARED, 1, 2);
	assert_string_equal(p->tasks[0].argv[1], "x");
	assert_pinned(p, 1, "ping", MODE_PROCESS, 0, 1);
	assert_pinned(p, 2, "ping", MODE_PROCESS, 0, 1);
	assert_pinned(p, 3, "k", MODE_KERNEL, ACPI_MAX_CPUS - 1, 1);
	assert_task(p, 4, "a", MODE_SHARED, 2);
	assert_string_equal(p->tasks[4].argv[1], "x@1");
	free(p);

	/* 16 ARGs after a pin; a 17th is refused as without one. */
	char many[256] = "task=t:kernel@3";
	for (int i = 1; i <= SHOJI_TASK_ARGS_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), ":%d", i);
	p = parse_ok(many);
	assert_pinned(p, 0, "t", MODE_KERNEL, 3, SHOJI_TASK_ARGS_MAX + 1);
	assert_string_equal(p->tasks[0].argv[SHOJI_TASK_ARGS_MAX], "16");
	free(p);
	strcat(many, ":17");
	refused(many, "more than 16 arguments", "task=t:kernel@3");
}

/* --- refused command lines -------------------------------------------------- */

static void test_no_task(void **state)
{
	refused("", "no task given", NULL);
	refused(" \t \n ", "no task given", NULL);
	refused("quantum=5 pcid=on", "no task given", NULL);
}

static void test_unknown_option(void **state)
{
	refused("task=a foo=bar", "unknown option", "foo=bar");
	refused("verbose task=a", "unknown option", "verbose"); /* no '=' */
	refused("task=a tasks=b", "unknown option", "tasks=b");
	refused("task=a =x", "unknown option", "=x");
	refused("task=a Task=b", "unknown option", "Task=b");
}

static void test_empty_name(void **state)
{
	refused("task=", "empty task name", "task=");
	refused("task=:process", "empty task name", "task=:process");
}

static void test_name_too_long(void **state)
{
	char line[64] = "task=";
	memset(line + 5, 'n', SHOJI_TASK_NAME_MAX);
	refused(line, "longer than", line);
}

static void test_unknown_mode(void **state)
{
	refused("task=a:fast", "unknown mode", "task=a:fast");
	refused("task=a:Process", "unknown mode", "'Process'");
	refused("task=a::x", "unknown mode", "task=a::x");
}

/* Every bad pin is refused naming the token, its mode field and why. */
static void test_bad_pin(void **state)
{
	char bad[128], line[64];
	snprintf(bad, sizeof(bad), "CPU index after @ is not a decimal number below %d",
		 ACPI_MAX_CPUS);
	static const char *const bad_cpu[] = {
	    "shared@",	 "shared@-1",  "shared@+1", "process@01", "kernel@00",
	    "shared@1x", "shared@1@2", "shared@@1", "shared@100", "shared@99999999999999999999",
	};
	for (size_t i = 0; i < sizeof(bad_cpu) / sizeof(bad_cpu[0]); i++) {
		snprintf(line, sizeof(line), "task=a:%s:x", bad_cpu[i]);
		char field[48];
		snprintf(field, sizeof(field), ": '%s': ", bad_cpu[i]);
		refused(line, bad, field);
	}
	snprintf(line, sizeof(line), "task=a:shared@%d", ACPI_MAX_CPUS);
	refused(line, bad, line);
	refused("task=a:@1", "a CPU pin needs a mode before @", "task=a:@1");
	refused("task=a:@", "a CPU pin needs a mode before @", "task=a:@");
	refused("task=3*a:@0:x", "a CPU pin needs a mode before @", "'@0'");
	refused("task=a:fast@1", "unknown mode", "'fast@1'");
}

static void test_too_many_args(void **state)
{
	char line[256] = "task=t:process";
	for (int i = 1; i <= SHOJI_TASK_ARGS_MAX + 1; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), ":%d", i);
	char phrase[32];
	snprintf(phrase, sizeof(phrase), "more than %d arguments", SHOJI_TASK_ARGS_MAX);
	refused(line, phrase, line);
}

/* The host's check of a TASKSPEC's tail (taskspec_parse) and the kernel's
 * reading of the same task token give one verdict. */
static void test_host_agrees(void **state)
{
	static const char *const tails[] = {
	    "",
	    ":process",
	    ":shared:x",
	    ":kernel:",
	    ":kernel::",
	    ":fast",
	    ":Process",
	    ":",
	    "::x",
	    ":shraed:a",
	    ":processx",
	    ":proces",
	    ":shared:1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16",
	    ":shared:1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17",
	    ":process:1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:",
	    ":shared@1:x",
	    ":process@0",
	    ":kernel@15::",
	    ":shared:x@1",
	    ":shared@16",
	    ":shared@-1",
	    ":shared@01",
	    ":shared@1x",
	    ":shared@",
	    ":@1",
	    ":@",
	    ":shared@1@2",
	    ":fast@1",
	    ":kernel@2:1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16",
	    ":kernel@2:1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17",
	};
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		char spec[128], line[128];
		struct taskspec t;
		const char *why;
		snprintf(spec, sizeof(spec), "t.elf%s", tails[i]);
		snprintf(line, sizeof(line), "task=t%s", tails[i]);
		bool host_ok = taskspec_parse(spec, &t, &why) == 0;
		struct parsed *p = parse_max(line, MAX_TASKS);
		if (host_ok != (p->rc == 0))
			fail_msg("'%s': the host %s it, the kernel %s it (%s)", tails[i],
				 host_ok ? "accepts" : "refuses", p->rc ? "refuses" : "accepts",
				 p->err);
		if (host_ok) {
			assert_int_equal(t.mode, p->tasks[0].mode);
			assert_int_equal(t.cpu, p->tasks[0].cpu);
		}
		free(p);
	}
}

static void test_too_many_tasks(void **state)
{
	refused_max("task=a task=b task=c", 2, "more than 2 tasks", "task=c");
	refused_max("task=a", 0, "more than 0 tasks", "task=a");
}

static void test_cpus(void **state)
{
	static const struct {
		const char *line;
		unsigned cpus;
	} cases[] = {
	    {"task=a", 0},
	    {"task=a cpus=1", 1},
	    {"cpus=4 task=a", 4},
	    {"task=a cpus=16", 16},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct parsed *p = parse_ok(cases[i].line);
		if (p->opt.cpus != cases[i].cpus)
			fail_msg("\"%s\": cpus %u, want %u", cases[i].line, p->opt.cpus,
				 cases[i].cpus);
		free(p);
	}
	refused("task=a cpus=0", "cpus=0", "between 1 and 16");
	refused("task=a cpus=17", "cpus=17", "between 1 and 16");
	refused("task=a cpus=two", "cpus=two", "between 1 and 16");
	refused("task=a cpus=", "cpus=", "between 1 and 16");
	refused("task=a cpus=18446744073709551618", "cpus=18446744073709551618",
		"between 1 and 16");
}

static void test_bad_quantum(void **state)
{
	refused("task=a quantum=0", "quantum=0", "between 1 and 1000");
	refused("task=a quantum=1001", "quantum=1001", "between 1 and 1000");
	refused("task=a quantum=abc", "quantum=abc", "between 1 and 1000");
	refused("task=a quantum=", "quantum=", "between 1 and 1000");
	refused("task=a quantum=10ms", "quantum=10ms", "between 1 and 1000");
	refused("task=a quantum=-1", "quantum=-1", "between 1 and 1000");
	/* 2^64 + 5: would wrap to 5 without the overflow check. */
	refused("task=a quantum=18446744073709551621", "quantum=18446744073709551621",
		"between 1 and 1000");
	refused("task=a quantum=4294967297", "quantum=4294967297", "between 1 and 1000");
}

static void test_bad_pcid(void **state)
{
	refused("task=a pcid=maybe", "pcid=maybe", "on or off");
	refused("task=a pcid=", "pcid=", "on or off");
	refused("task=a pcid=ON", "pcid=ON", "on or off");
}

static void test_bad_audit(void **state)
{
	refused("task=a audit=yes", "audit=yes", "on or off");
	refused("task=a audit=", "audit=", "on or off");
	refused("task=a selftest=audit", "selftest=audit", "wake-ipi or shootdown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_single_task_defaults),
	    cmocka_unit_test(test_repeated_tasks_in_order),
	    cmocka_unit_test(test_args_become_argv),
	    cmocka_unit_test(test_most_args_accepted),
	    cmocka_unit_test(test_longest_name_accepted),
	    cmocka_unit_test(test_quantum),
	    cmocka_unit_test(test_pcid),
	    cmocka_unit_test(test_cpus),
	    cmocka_unit_test(test_extra_whitespace),
	    cmocka_unit_test(test_pmu_option),
	    cmocka_unit_test(test_defaults_reset),
	    cmocka_unit_test(test_task_mode_name),
	    cmocka_unit_test(test_host_agrees),
	    cmocka_unit_test(test_later_modes),
	    cmocka_unit_test(test_no_task),
	    cmocka_unit_test(test_unknown_option),
	    cmocka_unit_test(test_empty_name),
	    cmocka_unit_test(test_name_too_long),
	    cmocka_unit_test(test_unknown_mode),
	    cmocka_unit_test(test_too_many_args),
	    cmocka_unit_test(test_pinned),
	    cmocka_unit_test(test_bad_pin),
	    cmocka_unit_test(test_too_many_tasks),
	    cmocka_unit_test(test_bad_quantum),
	    cmocka_unit_test(test_bad_pcid),
	    cmocka_unit_test(test_bad_audit),
	    cmocka_unit_test(test_audit_and_selftests),
	    cmocka_unit_test(test_tlbhints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
