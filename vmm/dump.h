/* Interface of vmm/dump.c: register dumps: the last VM exit and the vCPU's registers, on stderr. */
#ifndef SHOJI_VMM_DUMP_H
#define SHOJI_VMM_DUMP_H

#include <stdint.h>

#include "vcpu.h"

/* exit_reason_name - "KVM_EXIT_IO" etc., "unknown" for others. */
const char *exit_reason_name(uint32_t reason);

/*
 * dump_vcpu - print @what, the last exit (reason and its fields: port,
 * MMIO address, entry failure reason, internal error suberror and data),
 * the general registers, RIP, RFLAGS, control registers (CR2: the
 * faulting address), EFER, segments, GDT/IDT and any pending exception,
 * on stderr.
 */
void dump_vcpu(struct vcpu *v, const char *what);

#endif
