/* Interface of vmm/guest_linux.c: what shoji knows of Linux as a guest: its panic, read from its
 * console. */
#ifndef SHOJI_VMM_GUEST_LINUX_H
#define SHOJI_VMM_GUEST_LINUX_H

#include <stdbool.h>
#include <stddef.h>

struct machine; /* machine.h */

/*
 * A Linux kernel ends a machine in four ways; shoji ends the run on each
 * (docs/architecture.md, "How the machine ends"):
 *  - power off and halt: without ACPI, Linux halts its CPU with
 *    interrupts disabled (native_machine_halt, stop_this_cpu); the run
 *    loop sees a vCPU halted that nothing can wake (vmm/run_loop.c);
 *  - reboot: a pulse on the keyboard controller's reset line
 *    (vmm/dev_reset.c);
 *  - panic: "Kernel panic - not syncing: ..." on the console, then with
 *    panic=N a reboot after N seconds, with the default panic=0 a loop
 *    that never ends, closed by a line "---[ end Kernel panic - not
 *    syncing: ... ]---".  No device tells shoji (Linux's pvpanic needs
 *    ACPI or PCI), so the console does: after the first line the run's
 *    status is 2, as for shoji's own kernel's panic, and the second line
 *    ends the run.  Each counts only where those words open the line
 *    (after printk's prefixes): elsewhere they are another message's,
 *    which may quote a user's string.
 * Only a kernel that carries Linux's ELF note is watched: under shoji's
 * own kernel any task may print those words.  And only the kernel's own
 * console writes count: Linux writes them with the UART's interrupts
 * disabled (serial8250_console_write clears IER), a program's output
 * goes through the tty with the transmit interrupt on, so vmm/dev_uart.c
 * marks the bytes written that way (console_mark_program) and a program
 * that prints the panic words ends nothing.  (Root can still reach the
 * kernel's console through /dev/kmsg; it may also just power off.)
 */

/* linux_watch_console - watch @m's console for Linux's panic lines. */
void linux_watch_console(struct machine *m);

/* linux_panic_line - whether the console line @s (@n bytes; printk's
 * "<N>" and "[...]" prefixes may come first) opens (*end false) or closes
 * (*end true) Linux's panic report. */
bool linux_panic_line(const char *s, size_t n, bool *end);

#endif
