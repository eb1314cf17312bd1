/* The device table: every device shoji gives a guest, attached in order. */
#include <stdio.h>

#include "devices.h"

/* Add a device here and nowhere else: `shoji run` never names one. */
static const struct device *const devices[] = {
    &dev_uart, /* COM1: the console */
    &dev_exit, /* port 0xf4: ends the machine with a status */
};

int devices_attach(struct machine *m)
{
	for (unsigned i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		int rc = devices[i]->attach(m);
		if (rc) {
			fprintf(stderr, "shoji: device %s: cannot attach\n", devices[i]->name);
			return rc;
		}
	}
	return 0;
}
