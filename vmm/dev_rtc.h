/* Interface of vmm/dev_rtc.c: the CMOS clock's registers, readable without a machine (for the unit
 * test). */
#ifndef SHOJI_VMM_DEV_RTC_H
#define SHOJI_VMM_DEV_RTC_H

#include <stdint.h>
#include <time.h>

/* MC146818A registers (Motorola data sheet, "Address map"); 0x32 is the
 * PC's century byte. */
enum {
	RTC_SECONDS = 0x00,
	RTC_MINUTES = 0x02,
	RTC_HOURS = 0x04,
	RTC_WEEKDAY = 0x06,
	RTC_DAY = 0x07,
	RTC_MONTH = 0x08,
	RTC_YEAR = 0x09,
	RTC_REG_A = 0x0a,
	RTC_REG_B = 0x0b,
	RTC_REG_C = 0x0c,
	RTC_REG_D = 0x0d,
	RTC_CENTURY = 0x32
};
#define RTC_CMOS_BYTES 128
#define RTC_A_DIVIDER 0x26 /* 32.768 kHz time base, 1024 Hz rate; UIP (bit 7) never set */
#define RTC_A_UIP 0x80	   /* update in progress: read-only (data sheet, "Register A") */
#define RTC_B_24H 0x02
#define RTC_B_BINARY 0x04 /* DM: binary, not BCD */
#define RTC_D_VRT 0x80	  /* valid RAM and time */

struct rtc {
	uint8_t index; /* the last index written to port 0x70, NMI bit dropped */
	uint8_t cmos[RTC_CMOS_BYTES];
};

/* rtc_init - registers after power-up: A, B (24-hour, BCD), D; the rest 0. */
void rtc_init(struct rtc *r);

/*
 * rtc_cmos_read - register @index (0..127) at host time @now (UTC).  The
 * date and time registers give @now in the format register B asks for
 * (BCD or binary, 12- or 24-hour, data sheet "Time, calendar and alarm
 * data modes"); register C reads 0 (no interrupt flags: the clock raises
 * no interrupts); the others read what was last written.
 */
uint8_t rtc_cmos_read(const struct rtc *r, unsigned index, time_t now);

/*
 * rtc_cmos_write - register @index (0..127).  The date and time registers
 * and C and D are not written: the guest reads the host's clock and cannot
 * set it; the alarms, A, B and the CMOS RAM keep what is written, but for
 * A's update-in-progress bit and B's set bit (the clock never updates
 * visibly and never stops).
 */
void rtc_cmos_write(struct rtc *r, unsigned index, uint8_t val);

#endif
