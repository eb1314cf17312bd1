/* Unit tests for the measurement API's RESULT lines (guest/user/lib/roi_line.c, roi_format.c):
 * tags, fixed point, counter and performance-counter deltas, overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "guest/user/lib/roi_format.h"

/* The line's text so far, NUL-terminated (the builder does not need it). */
static const char *text(struct roi_line *l)
{
	assert_true(l->at >= 0 && l->at <= ROI_LINE_MAX);
	l->buf[l->at < ROI_LINE_MAX ? l->at : ROI_LINE_MAX - 1] = 0;
	return l->buf;
}

static const char *ratio(uint64_t num, uint64_t den)
{
	static struct roi_line l;
	l.at = 0;
	roi_put_ratio(&l, num, den);
	return text(&l);
}

static void test_ratio(void **state)
{
	(void)state;
	assert_string_equal(ratio(0, 0), "null");
	assert_string_equal(ratio(5, 0), "null");
	assert_string_equal(ratio(0, 7), "0.000");
	assert_string_equal(ratio(1, 3), "0.333");
	assert_string_equal(ratio(2, 3), "0.667");
	assert_string_equal(ratio(398013, 1000), "398.013");
	assert_string_equal(ratio(1999, 1000), "1.999");
	/* Rounding up into the next whole number. */
	assert_string_equal(ratio(19995, 10000), "2.000");
	assert_string_equal(ratio(1234, 1), "1234.000");
	/* A total whose thousandfold passes 2^64. */
	assert_string_equal(ratio(UINT64_MAX, 1), "18446744073709551615.000");
	assert_string_equal(ratio(UINT64_MAX, 2), "9223372036854775807.500");
}

static void test_ns(void **state)
{
	(void)state;
	assert_int_equal(roi_ns(2200000, 2200000), 1000000); /* 1 ms at 2.2 GHz */
	assert_int_equal(roi_ns(3, 3000000), 1);
	assert_int_equal(roi_ns(2, 3000000), 0); /* truncated, as the kernel's clock */
	assert_int_equal(roi_ns(123, 0), 0);	 /* no frequency */
	/* 10^18 ticks at 1 GHz, far past where cycles * 10^6 overflows. */
	assert_int_equal(roi_ns(1000000000000000000ull, 1000000), 1000000000000000000ull);
}

static void test_string(void **state)
{
	struct roi_line l = {.at = 0};
	(void)state;
	roi_put_string(&l, "a\"b\\c\n\x01z");
	assert_string_equal(text(&l), "\"a\\\"b\\\\c\\u000a\\u0001z\"");
}

static const struct shoji_taskinfo info = {
    .id = 7,
    .mode = SHOJI_MODE_KERNEL,
    .group = 2,
    .pkey = 3,
    .tsc_khz = 2000000, /* 2 GHz: 1 tick is 0.5 ns */
    .slot_base = 0x40060000,
    .name = "bench_null",
};

/* A region of 1000 ticks over which each counter moved by a known amount. */
static struct roi region(void)
{
	struct roi r = {
	    .begin = {.tsc = 5000,
		      .st = {.task_switches = 10,
			     .cr3_writes = 20,
			     .wrpkru = 30,
			     .syscalls = 40,
			     .timer_ticks = 50,
			     .tlb_flushes = 60,
			     .ipc_fast = 70,
			     .shootdowns_sent = 3,
			     .shootdowns_received = 3}},
	    .end = {.tsc = 6000,
		    .st = {.task_switches = 210,
			   .cr3_writes = 20,
			   .wrpkru = 130,
			   .syscalls = 141,
			   .timer_ticks = 51,
			   .tlb_flushes = 65,
			   .ipc_fast = 170,
			   .shootdowns_sent = 203,
			   .shootdowns_received = 103}},
	};
	return r;
}

static void test_line(void **state)
{
	struct roi r = region();
	struct roi_line l;
	(void)state;
	int n = roi_format(
	    &l, &info, &r,
	    &(struct roi_report){
		.benchmark = "null_syscall", .variant = "getpid", .ops = 100, .warmup = 10});
	const char *want =
	    "RESULT {\"benchmark\":\"null_syscall\",\"mode\":\"kernel\",\"variant\":\"getpid\","
	    "\"task\":7,\"name\":\"bench_null\",\"group\":2,\"iterations\":100,\"warmup\":10,"
	    "\"cycles_per_op\":10.000,\"ns_per_op\":5.000,\"counters\":{\"task_switches\":2.000,"
	    "\"cr3_writes\":0.000,\"wrpkru\":1.000,\"tlb_flushes\":0.050,\"syscalls\":1.000,"
	    "\"timer_ticks\":0.010,\"shootdowns_sent\":2.000,\"shootdowns_received\":1.000}}\n";
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(text(&l), want);
}

/* The task's own cycle sum, its own measuring calls, more members, and a
 * task that does not know the TSC frequency. */
static void test_line_options(void **state)
{
	struct roi r = region();
	struct roi_line l;
	struct shoji_taskinfo slow = info;
	(void)state;
	slow.tsc_khz = 0;
	slow.mode = SHOJI_MODE_SHARED;
	int n = roi_format(&l, &slow, &r,
			   &(struct roi_report){.benchmark = "ipc_call_to_peer",
						.variant = "same-group",
						.ops = 100,
						.warmup = 10,
						.cycles = 250,
						.own_syscalls = 100,
						.extra = ",\"tsc_read_cycles\":40"});
	assert_true(n > 0);
	assert_non_null(strstr(text(&l), ",\"mode\":\"shared\","));
	assert_non_null(strstr(text(&l), "\"cycles_per_op\":2.500,\"ns_per_op\":null,"
					 "\"tsc_read_cycles\":40,\"counters\":{"));
	assert_non_null(strstr(text(&l), "\"syscalls\":0.000,"));
}

/* More system calls subtracted than counted: 0, never a wrapped count. */
static void test_syscalls_floor(void **state)
{
	struct roi r = region();
	struct roi_line l;
	(void)state;
	r.end.st.syscalls = r.begin.st.syscalls;
	assert_true(roi_format(&l, &info, &r,
			       &(struct roi_report){.benchmark = "b", .variant = "v", .ops = 1}) >
		    0);
	assert_non_null(strstr(text(&l), "\"syscalls\":0.000,"));
}

/* A name of SHOJI_TASK_NAME_MAX bytes without its NUL is cut, not run on. */
static void test_name_unterminated(void **state)
{
	struct shoji_taskinfo odd = info;
	struct roi_line l;
	(void)state;
	memset(odd.name, 'x', sizeof(odd.name));
	roi_line_start(&l, &odd, "b", "v");
	assert_non_null(
	    strstr(text(&l), ",\"name\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"group\":2"));
	odd.mode = 9;
	roi_line_start(&l, &odd, "b", "v");
	assert_non_null(strstr(text(&l), ",\"mode\":\"?\","));
}

/* The performance counters: per operation, modulo each counter's width
 * (a 48-bit counter that wrapped in the region), the two SYS_PMU calls
 * subtracted from the system calls; an event that differs between the
 * ends reads 0. */
static void test_pmu(void **state)
{
	struct roi r = region();
	struct roi_line l;
	(void)state;
	r.begin.pmu = (struct shoji_pmu){
	    .count = 3,
	    .event = {SHOJI_PMU_INSTRUCTIONS, SHOJI_PMU_CYCLES, SHOJI_PMU_DTLB_LOAD_WALKS},
	    .bits = {48, 48, 48},
	    .value = {1000, (1ull << 48) - 50, 7}};
	r.end.pmu = r.begin.pmu;
	r.end.pmu.value[0] = 1000 + 25000;
	r.end.pmu.value[1] = 150; /* wrapped: 200 cycles */
	r.end.pmu.value[2] = 7 + 3;
	r.end.st.syscalls = r.begin.st.syscalls + 100 + 3;
	int n = roi_format(&l, &info, &r,
			   &(struct roi_report){.benchmark = "b", .variant = "v", .ops = 100});
	assert_true(n > 0);
	assert_non_null(strstr(text(&l), "\"syscalls\":1.000,"));
	assert_non_null(strstr(text(&l),
			       ",\"shootdowns_received\":1.000},\"pmu\":{\"instructions\":250.000,"
			       "\"cycles\":2.000,\"dtlb_load_walks\":0.030}}\n"));
	assert_int_equal(roi_pmu_delta(&r, 1), 200);
	r.end.pmu.event[2] = SHOJI_PMU_ITLB_WALKS;
	assert_int_equal(roi_pmu_delta(&r, 2), 0);
	assert_int_equal(roi_pmu_delta(&r, 3), 0);
	assert_int_equal(roi_pmu_delta(&r, 1000), 0);

	/* No counters at either end, or a different number: no "pmu" member. */
	r.end.pmu.count = 2;
	roi_format(&l, &info, &r, &(struct roi_report){.benchmark = "b", .variant = "v", .ops = 1});
	assert_null(strstr(text(&l), "\"pmu\""));
	r.begin.pmu.count = r.end.pmu.count = 0;
	roi_format(&l, &info, &r, &(struct roi_report){.benchmark = "b", .variant = "v", .ops = 1});
	assert_null(strstr(text(&l), "\"pmu\""));
}

/* A line longer than ROI_LINE_MAX - 1 bytes: refused, the buffer never
 * overrun, and it stays refused whatever is appended. */
static void test_overflow(void **state)
{
	char extra[ROI_LINE_MAX + 100];
	struct roi r = region();
	struct roi_line l;
	(void)state;
	memset(extra, 'e', sizeof(extra) - 1);
	extra[sizeof(extra) - 1] = 0;
	memset(&l, 0, sizeof(l));
	int n = roi_format(
	    &l, &info, &r,
	    &(struct roi_report){.benchmark = "b", .variant = "v", .ops = 1, .extra = extra});
	assert_int_equal(n, -SHOJI_EMSGSIZE);
	assert_int_equal(l.at, ROI_LINE_MAX);
	roi_put(&l, "more");
	assert_int_equal(l.at, ROI_LINE_MAX);
	assert_int_equal(roi_line_finish(&l), -SHOJI_EMSGSIZE);

	/* Exactly ROI_LINE_MAX - 1 bytes fit (with the NUL vsnprintf adds). */
	l.at = 0;
	memset(extra, 'e', ROI_LINE_MAX - 3);
	extra[ROI_LINE_MAX - 3] = 0;
	roi_put(&l, "%s", extra);
	assert_int_equal(roi_line_finish(&l), ROI_LINE_MAX - 1);
	assert_memory_equal(l.buf + ROI_LINE_MAX - 3, "}\n", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ratio),
	    cmocka_unit_test(test_ns),
	    cmocka_unit_test(test_string),
	    cmocka_unit_test(test_line),
	    cmocka_unit_test(test_line_options),
	    cmocka_unit_test(test_syscalls_floor),
	    cmocka_unit_test(test_name_unterminated),
	    cmocka_unit_test(test_overflow),
	    cmocka_unit_test(test_pmu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
