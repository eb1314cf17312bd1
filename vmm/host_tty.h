/* Interface of vmm/host_tty.c: the host terminal in character mode while a guest reads its console.
 */
#ifndef SHOJI_VMM_HOST_TTY_H
#define SHOJI_VMM_HOST_TTY_H

/*
 * host_tty_char_mode - when @fd is a terminal: each key goes to the guest
 * as typed, not echoed by the host (the guest echoes), Enter as CR as on
 * a serial line; the terminal's signal keys stay (Ctrl-C ends shoji).
 * The terminal is restored by host_tty_restore, at exit, and on SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT before they take their default action; on
 * SIGTSTP (Ctrl-Z) before shoji stops, character mode coming back when
 * it is continued.
 * Returns 0 (also when @fd is no terminal: nothing to do) or -errno.
 */
int host_tty_char_mode(int fd);

/* host_tty_restore - the terminal as it was; safe to call any time. */
void host_tty_restore(void);

#endif
