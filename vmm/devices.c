/* The device table: every device shoji gives a guest, attached in order. */
#include <stdio.h>

#include "devices.h"

/* Add a device here and nowhere else: `shoji run` never names one. */
static const struct device *const devices[] = {
    &dev_uart,	/* COM1: the console */
    &dev_hvcon, /* port 0x520: the console, a buffer per exit */
    &dev_exit,	/* port 0xf4: ends the machine with a status */
    &dev_reset, /* ports 0x64 and 0xcf9: a reboot ends the machine */
    &dev_rtc,	/* ports 0x70-0x71: the date, for Linux's rtc_cmos */
};
#define NDEVICES (sizeof(devices) / sizeof(devices[0]))

int devices_attach(struct machine *m)
{
	for (unsigned i = 0; i < NDEVICES; i++) {
		int rc = devices[i]->attach(m);
		if (rc) {
			fprintf(stderr, "shoji: device %s: cannot attach\n", devices[i]->name);
			return rc;
		}
	}
	return 0;
}

void devices_detach(struct machine *m)
{
	for (unsigned i = NDEVICES; i-- > 0;)
		if (devices[i]->detach)
			devices[i]->detach(m);
}
