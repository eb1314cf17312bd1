/* Unit tests for the CMOS clock (vmm/dev_rtc.c): the host's time in the formats register B asks
 * for, and what the guest cannot write. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../vmm/dev_rtc.h"

/* 2026-12-07 15:04:05 UTC, a Monday. */
#define NOW ((time_t)1796655845)

static void test_bcd_24h(void **state)
{
	struct rtc r;
	rtc_init(&r);
	assert_int_equal(rtc_cmos_read(&r, RTC_SECONDS, NOW), 0x05);
	assert_int_equal(rtc_cmos_read(&r, RTC_MINUTES, NOW), 0x04);
	assert_int_equal(rtc_cmos_read(&r, RTC_HOURS, NOW), 0x15);
	assert_int_equal(rtc_cmos_read(&r, RTC_WEEKDAY, NOW), 2);
	assert_int_equal(rtc_cmos_read(&r, RTC_DAY, NOW), 0x07);
	assert_int_equal(rtc_cmos_read(&r, RTC_MONTH, NOW), 0x12);
	assert_int_equal(rtc_cmos_read(&r, RTC_YEAR, NOW), 0x26);
	assert_int_equal(rtc_cmos_read(&r, RTC_CENTURY, NOW), 0x20);
	/* Never updating, always valid, no interrupt flags. */
	assert_int_equal(rtc_cmos_read(&r, RTC_REG_A, NOW) & 0x80, 0);
	assert_int_equal(rtc_cmos_read(&r, RTC_REG_D, NOW), RTC_D_VRT);
	assert_int_equal(rtc_cmos_read(&r, RTC_REG_C, NOW), 0);
}

static void test_binary_12h(void **state)
{
	struct rtc r;
	rtc_init(&r);
	rtc_cmos_write(&r, RTC_REG_B, RTC_B_BINARY);
	assert_int_equal(rtc_cmos_read(&r, RTC_HOURS, NOW), 0x80 | 3); /* 3 PM */
	assert_int_equal(rtc_cmos_read(&r, RTC_MONTH, NOW), 12);
	assert_int_equal(rtc_cmos_read(&r, RTC_YEAR, NOW), 26);
	/* Midnight and noon are 12 in 12-hour mode. */
	assert_int_equal(rtc_cmos_read(&r, RTC_HOURS, NOW - 15 * 3600), 12);
	assert_int_equal(rtc_cmos_read(&r, RTC_HOURS, NOW - 3 * 3600), 0x80 | 12);
}

/* The guest reads the host's clock and cannot set it; the set bit does
 * not stick; alarms and CMOS RAM keep what is written. */
static void test_writes(void **state)
{
	struct rtc r;
	rtc_init(&r);
	rtc_cmos_write(&r, RTC_SECONDS, 0x59);
	rtc_cmos_write(&r, RTC_YEAR, 0x99);
	rtc_cmos_write(&r, RTC_REG_D, 0);
	rtc_cmos_write(&r, RTC_REG_B, 0x80 | RTC_B_24H);
	assert_int_equal(rtc_cmos_read(&r, RTC_SECONDS, NOW), 0x05);
	assert_int_equal(rtc_cmos_read(&r, RTC_YEAR, NOW), 0x26);
	assert_int_equal(rtc_cmos_read(&r, RTC_REG_D, NOW), RTC_D_VRT);
	assert_int_equal(rtc_cmos_read(&r, RTC_REG_B, NOW), RTC_B_24H);
	/* Register A keeps its rate, but its update-in-progress bit is the
	 * clock's: set, Linux's mc146818_avoid_UIP would wait for ever. */
	rtc_cmos_write(&r, RTC_REG_A, 0x80 | 0x2f);
	assert_int_equal(rtc_cmos_read(&r, RTC_REG_A, NOW), 0x2f);
	rtc_cmos_write(&r, 1, 0x30); /* seconds alarm */
	rtc_cmos_write(&r, 0x40, 0xab);
	assert_int_equal(rtc_cmos_read(&r, 1, NOW), 0x30);
	assert_int_equal(rtc_cmos_read(&r, 0x40, NOW), 0xab);
	/* An index past the 128 bytes wraps, as the 7-bit index does. */
	assert_int_equal(rtc_cmos_read(&r, 0xc0, NOW), 0xab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bcd_24h),
	    cmocka_unit_test(test_binary_12h),
	    cmocka_unit_test(test_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
