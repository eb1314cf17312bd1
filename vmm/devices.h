/* Interface of vmm/devices.c: the device table (vmm/dev_uart.c, vmm/dev_exit.c). */
#ifndef SHOJI_VMM_DEVICES_H
#define SHOJI_VMM_DEVICES_H

struct machine; /* machine.h */

/* A device: attach registers its ports on the machine's bus. */
struct device {
	const char *name;
	int (*attach)(struct machine *m); /* 0 or -errno */
};

/* devices_attach - attach every device in the table (devices.c).
 * 0, or the first -errno (its message already printed). */
int devices_attach(struct machine *m);

extern const struct device dev_uart; /* dev_uart.c: COM1 16550, output only */
extern const struct device dev_exit; /* dev_exit.c: the exit port */

#endif
