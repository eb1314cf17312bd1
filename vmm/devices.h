/* Interface of vmm/devices.c: the device table (vmm/dev_*.c). */
#ifndef SHOJI_VMM_DEVICES_H
#define SHOJI_VMM_DEVICES_H

struct machine; /* machine.h */

/* A device: attach registers its ports on the machine's bus; detach,
 * where there is one, stops what attach or the guest started (a thread).
 * With several vCPUs, any vCPU thread may call a device's handlers at
 * once: a device that keeps state locks it (COM1, the CMOS clock), and
 * reaches the console only through its functions, which lock it
 * (docs/architecture.md, "Several vCPUs", lists the locks). */
struct device {
	const char *name;
	int (*attach)(struct machine *m); /* 0 or -errno */
	void (*detach)(struct machine *m);
};

/* devices_attach - attach every device in the table (devices.c).
 * 0, or the first -errno (its message already printed). */
int devices_attach(struct machine *m);

/* devices_detach - detach every device that has a detach, in reverse
 * order; safe after a failed or partial devices_attach. */
void devices_detach(struct machine *m);

extern const struct device dev_uart;  /* dev_uart.c: COM1, a 16550A with interrupts */
extern const struct device dev_hvcon; /* dev_hvcon.c: shoji's console device */
extern const struct device dev_exit;  /* dev_exit.c: the exit port */
extern const struct device dev_reset; /* dev_reset.c: the PC's reset lines (reboot) */
extern const struct device dev_rtc;   /* dev_rtc.c: the CMOS clock (read-only time) */

#endif
