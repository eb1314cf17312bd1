/* Interface of vmm/run_loop.c: the VMM run loop: KVM_RUN until the guest ends the machine. */
#ifndef SHOJI_VMM_RUN_LOOP_H
#define SHOJI_VMM_RUN_LOOP_H

#include <stdint.h>

#include "machine.h"

/*
 * run_loop - KVM_RUN until the guest ends the machine.
 * @timeout_ms, @timeout_str: the time limit and its spelling for messages.
 * Exits are dispatched through a table by KVM_EXIT_* reason.  Returns
 * the exit port's byte; SHOJI_STATUS_TIMEOUT ("guest timed out after N
 * s"); SHOJI_STATUS_CRASH after dumping the vCPU for a triple fault,
 * failed entry, internal error, halt with interrupts off, an unexpected
 * exit or a failing KVM_RUN.
 */
int run_loop(struct machine *m, uint64_t timeout_ms, const char *timeout_str);

#endif
