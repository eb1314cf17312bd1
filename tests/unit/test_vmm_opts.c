/* Unit tests for shoji's command line (vmm/options.c): sizes, seconds, bounds, options. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../vmm/options.h"

static void test_sizes(void **state)
{
	uint64_t v;
	static const struct {
		const char *s;
		uint64_t bytes;
	} ok[] = {
	    {"128M", 128ull << 20}, {"1G", 1ull << 30},	    {"1g", 1ull << 30},
	    {"512", 512ull << 20},  {"64MiB", 64ull << 20}, {"64MB", 64ull << 20},
	    {"4096K", 4ull << 20},  {"3G", 3ull << 30},	    {"2k", 2048},
	};
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 0;
		assert_int_equal(opts_parse_size(ok[i].s, &v), 0);
		assert_int_equal(v, ok[i].bytes);
	}
	static const char *const bad[] = {"",
					  "M",
					  "12X",
					  "0",
					  "0G",
					  "-1",
					  "1.5G",
					  "1GG",
					  "1 G",
					  "128Mi",
					  "99999999999999999999",
					  "17179869184G",
					  "12B"};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(opts_parse_size(bad[i], &v), -EINVAL);
}

static void test_seconds(void **state)
{
	uint64_t ms;
	assert_int_equal(opts_parse_seconds("30", &ms), 0);
	assert_int_equal(ms, 30000);
	assert_int_equal(opts_parse_seconds("0.5", &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(opts_parse_seconds("1.25", &ms), 0);
	assert_int_equal(ms, 1250);
	assert_int_equal(opts_parse_seconds("0.001", &ms), 0);
	assert_int_equal(ms, 1);
	assert_int_equal(opts_parse_seconds("604800", &ms), 0); /* 7 days */
	static const char *const bad[] = {"",	    "0",   "0.0",    "1.",
					  ".5",	    "abc", "1.2345", "-1",
					  "604801", "1e3", "30s",    "99999999999999999999"};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(opts_parse_seconds(bad[i], &ms), -EINVAL);
}

static void test_memory_bounds(void **state)
{
	char err[256];
	assert_int_equal(opts_check_memory(16ull << 20, 0, err, sizeof(err)), 0);
	assert_int_equal(opts_check_memory(3ull << 30, 0, err, sizeof(err)), 0);
	assert_int_equal(opts_check_memory(8ull << 20, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "too small"));
	assert_int_equal(opts_check_memory((16ull << 20) + 4096, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "whole number of MiB"));
	assert_int_equal(opts_check_memory(4ull << 30, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "at most 3G"));
	assert_int_equal(opts_check_memory(2ull << 30, 1ull << 30, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "more than this host's 1024 MiB"));
	assert_int_equal(opts_check_memory(512ull << 20, 1ull << 30, err, sizeof(err)), 0);
}

static int parse(struct run_opts *o, char *err, int argc, ...)
{
	static char *argv[32];
	va_list ap;
	va_start(ap, argc);
	for (int i = 0; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	return opts_parse_run(argc, argv, o, err, 256);
}

static void test_defaults(void **state)
{
	struct run_opts o;
	char err[256];
	assert_int_equal(parse(&o, err, 0), 0);
	assert_null(o.kernel);
	assert_null(o.initrd);
	assert_null(o.append);
	assert_null(o.json);
	assert_int_equal(o.memory, 128ull << 20);
	assert_int_equal(o.timeout_ms, 30000);
	assert_int_equal(o.cpus, 1);
	assert_string_equal(o.timeout_str, "30");
	assert_false(o.trace_exits);
	assert_false(o.help);
	assert_int_equal(o.nspecs, 0);
}

static void test_options_and_specs(void **state)
{
	struct run_opts o;
	char err[256];
	assert_int_equal(parse(&o, err, 12, "a.elf", "--kernel", "k.elf", "b.elf:shared:x",
			       "--memory=1G", "--timeout", "2.5", "--trace-exits", "--append",
			       "quantum=5", "--json=out.json", "c.elf"),
			 0);
	assert_string_equal(o.kernel, "k.elf");
	assert_string_equal(o.append, "quantum=5");
	assert_string_equal(o.json, "out.json");
	assert_int_equal(o.memory, 1ull << 30);
	assert_int_equal(o.timeout_ms, 2500);
	assert_string_equal(o.timeout_str, "2.5");
	assert_true(o.trace_exits);
	assert_int_equal(o.nspecs, 3);
	assert_string_equal(o.specs[0], "a.elf");
	assert_string_equal(o.specs[1], "b.elf:shared:x");
	assert_string_equal(o.specs[2], "c.elf");
}

static void test_double_dash(void **state)
{
	struct run_opts o;
	char err[256];
	assert_int_equal(parse(&o, err, 3, "--", "--weird.elf", "-x"), 0);
	assert_int_equal(o.nspecs, 2);
	assert_string_equal(o.specs[0], "--weird.elf");
	assert_string_equal(o.specs[1], "-x");
}

static void test_errors(void **state)
{
	struct run_opts o;
	char err[256];
	assert_int_equal(parse(&o, err, 1, "--frob"), -EINVAL);
	assert_string_equal(err, "unknown option --frob (see shoji --help)");
	assert_int_equal(parse(&o, err, 1, "--frob=3"), -EINVAL);
	assert_string_equal(err, "unknown option --frob (see shoji --help)");
	assert_int_equal(parse(&o, err, 1, "-x"), -EINVAL);
	assert_int_equal(parse(&o, err, 1, "--kernel"), -EINVAL);
	assert_string_equal(err, "--kernel wants a value");
	assert_int_equal(parse(&o, err, 1, "--trace-exits=yes"), -EINVAL);
	assert_string_equal(err, "--trace-exits takes no value");
	assert_int_equal(parse(&o, err, 2, "--memory", "lots"), -EINVAL);
	assert_non_null(strstr(err, "not 'lots'"));
	assert_int_equal(parse(&o, err, 2, "--memory", "4G"), -EINVAL);
	assert_non_null(strstr(err, "at most 3G"));
	assert_int_equal(parse(&o, err, 2, "--memory", "1M"), -EINVAL);
	assert_int_equal(parse(&o, err, 2, "--timeout", "0"), -EINVAL);
	assert_non_null(strstr(err, "--timeout wants seconds"));
	assert_int_equal(parse(&o, err, 2, "--timeout", "soon"), -EINVAL);
	assert_int_equal(parse(&o, err, 1, "--json="), -EINVAL);
	assert_int_equal(parse(&o, err, 3, "--initrd", "i.cpio", "a.elf"), -EINVAL);
	assert_non_null(strstr(err, "--initrd and task files exclude each other"));
}

/* --cpus: 1..SHOJI_CPUS_MAX, digits only; KVM's own bound is boot.c's. */
static void test_cpus(void **state)
{
	struct run_opts o;
	char err[256];
	static const struct {
		const char *v;
		unsigned n;
	} ok[] = {{"1", 1}, {"2", 2}, {"4", 4}, {"8", 8}, {"64", SHOJI_CPUS_MAX}, {"02", 2}};
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse(&o, err, 2, "--cpus", ok[i].v), 0);
		assert_int_equal(o.cpus, ok[i].n);
	}
	assert_int_equal(parse(&o, err, 1, "--cpus=3"), 0);
	assert_int_equal(o.cpus, 3);
	static const char *const bad[] = {
	    "0", "65", "-1", "", "2x", "1.5", " 2", "four", "99999999999999999999"};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[100];
		assert_int_equal(parse(&o, err, 2, "--cpus", bad[i]), -EINVAL);
		snprintf(want, sizeof(want),
			 "--cpus wants a number of vCPUs from 1 to 64, not '%s'", bad[i]);
		assert_string_equal(err, want);
	}
	assert_int_equal(parse(&o, err, 1, "--cpus"), -EINVAL);
	assert_string_equal(err, "--cpus wants a value");

	/* KVM's bound, once /dev/kvm is open (vmm/boot.c). */
	assert_int_equal(opts_check_cpus(8, 8, err, sizeof(err)), 0);
	assert_int_equal(opts_check_cpus(1, 1, err, sizeof(err)), 0);
	assert_int_equal(opts_check_cpus(9, 8, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--cpus 9: this KVM allows at most 8 vCPUs in a VM "
				 "(KVM_CAP_MAX_VCPUS)");
	assert_int_equal(opts_check_cpus(2, 1, err, sizeof(err)), -EINVAL);
}

static void test_initrd_alone(void **state)
{
	struct run_opts o;
	char err[256];
	assert_int_equal(parse(&o, err, 4, "--initrd", "i.cpio", "--append", "task=a"), 0);
	assert_string_equal(o.initrd, "i.cpio");
	assert_int_equal(o.nspecs, 0);
}

static void test_help(void **state)
{
	struct run_opts o;
	char err[256];
	assert_int_equal(parse(&o, err, 2, "a.elf", "--help"), 0);
	assert_true(o.help);
	assert_int_equal(parse(&o, err, 1, "-h"), 0);
	assert_true(o.help);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sizes),
	    cmocka_unit_test(test_seconds),
	    cmocka_unit_test(test_memory_bounds),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_options_and_specs),
	    cmocka_unit_test(test_double_dash),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_cpus),
	    cmocka_unit_test(test_initrd_alone),
	    cmocka_unit_test(test_help),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
