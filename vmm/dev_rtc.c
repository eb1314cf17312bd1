/* The CMOS clock on ports 0x70-0x71: the host's date and time, read-only, so Linux's rtc_cmos finds
 * a working clock. */
#include <pthread.h>
#include <string.h>

#include "dev_rtc.h"
#include "devices.h"
#include "io.h"
#include "machine.h"
#include "vmm.h"

/*
 * Without it, port 0x71 reads 0xff: Linux's rtc_cmos driver waits on the
 * update-in-progress bit for seconds at boot and calls the clock broken.
 * The time itself reaches Linux by kvmclock (KVM's wall clock); this
 * clock answers hwclock and /dev/rtc0.
 */
#define RTC_PORT_INDEX 0x70
#define RTC_INDEX_NMI_MASK 0x80
#define RTC_B_SET 0x80
#define RTC_HOURS_PM 0x80

void rtc_init(struct rtc *r)
{
	memset(r, 0, sizeof(*r));
	r->cmos[RTC_REG_A] = RTC_A_DIVIDER;
	r->cmos[RTC_REG_B] = RTC_B_24H;
	r->cmos[RTC_REG_D] = RTC_D_VRT;
}

static uint8_t encode(const struct rtc *r, unsigned v)
{
	if (r->cmos[RTC_REG_B] & RTC_B_BINARY)
		return (uint8_t)v;
	return (uint8_t)((v / 10) << 4 | (v % 10));
}

static uint8_t hours(const struct rtc *r, unsigned h)
{
	if (r->cmos[RTC_REG_B] & RTC_B_24H)
		return encode(r, h);
	/* 12-hour mode: 12, 1..11, with bit 7 for PM. */
	unsigned h12 = h % 12 ? h % 12 : 12;
	return encode(r, h12) | (h >= 12 ? RTC_HOURS_PM : 0);
}

/* The date and time registers, read from the host's clock: 0-9 but the
 * alarms (1, 3, 5), and the century. */
static bool clock_register(unsigned index)
{
	if (index == RTC_CENTURY)
		return true;
	return index <= RTC_YEAR && !((index & 1) && index < RTC_WEEKDAY);
}

uint8_t rtc_cmos_read(const struct rtc *r, unsigned index, time_t now)
{
	struct tm t;
	index %= RTC_CMOS_BYTES;
	if (!clock_register(index))
		return r->cmos[index]; /* C stays 0: rtc_cmos_write keeps none */
	if (!gmtime_r(&now, &t))
		return 0;
	switch (index) {
	case RTC_SECONDS:
		return encode(r, (unsigned)t.tm_sec % 60); /* a leap second reads as 0 */
	case RTC_MINUTES:
		return encode(r, (unsigned)t.tm_min);
	case RTC_HOURS:
		return hours(r, (unsigned)t.tm_hour);
	case RTC_WEEKDAY:
		return encode(r, (unsigned)t.tm_wday + 1); /* Sunday is 1 */
	case RTC_DAY:
		return encode(r, (unsigned)t.tm_mday);
	case RTC_MONTH:
		return encode(r, (unsigned)t.tm_mon + 1);
	case RTC_YEAR:
		return encode(r, (unsigned)(t.tm_year + 1900) % 100);
	default: /* RTC_CENTURY */
		return encode(r, (unsigned)(t.tm_year + 1900) / 100 % 100);
	}
}

void rtc_cmos_write(struct rtc *r, unsigned index, uint8_t val)
{
	index %= RTC_CMOS_BYTES;
	if (clock_register(index) || index == RTC_REG_C || index == RTC_REG_D)
		return;
	if (index == RTC_REG_A)
		val &= (uint8_t)~RTC_A_UIP; /* read-only: set, it would stall rtc_cmos's reads */
	if (index == RTC_REG_B)
		val &= (uint8_t)~RTC_B_SET; /* the clock never stops to be set */
	r->cmos[index] = val;
}

static struct rtc rtc;
/* The index and the CMOS bytes, for vCPU threads that touch them at
 * once; which vCPU's index a data access uses is the guest's to order,
 * as on a PC.  Rare accesses: the lock costs nothing that matters. */
static pthread_mutex_t rtc_lock = PTHREAD_MUTEX_INITIALIZER;

static void rtc_access(struct rtc *r, uint16_t off, bool write, uint8_t *data, unsigned size)
{
	if (off == 0) { /* the index port: write-only on a PC */
		if (write)
			r->index = data[0] & (uint8_t)~RTC_INDEX_NMI_MASK;
		else
			memset(data, 0xff, size);
		return;
	}
	if (write) {
		rtc_cmos_write(r, r->index, data[0]);
	} else {
		memset(data, 0, size);
		data[0] = rtc_cmos_read(r, r->index, time(NULL));
	}
}

static int rtc_pio(void *ctx, uint16_t off, bool write, uint8_t *data, unsigned size)
{
	pthread_mutex_lock(&rtc_lock);
	rtc_access(ctx, off, write, data, size);
	pthread_mutex_unlock(&rtc_lock);
	return RUN_CONTINUE;
}

static int rtc_attach(struct machine *m)
{
	rtc_init(&rtc);
	return io_register(&m->io, RTC_PORT_INDEX, 2, "CMOS clock", rtc_pio, &rtc);
}

const struct device dev_rtc = {.name = "CMOS clock", .attach = rtc_attach};
