/* Interface of vmm/exit_value.c: what a guest's write to the exit port means for shoji's status. */
#ifndef SHOJI_VMM_EXIT_VALUE_H
#define SHOJI_VMM_EXIT_VALUE_H

#include <stddef.h>
#include <stdint.h>

/*
 * exit_value_status - the exit status a write to the exit port gives.
 * @offset: the port written, from SHOJI_PORT_EXIT (0..3);
 * @data, @size: the bytes written (little-endian, @size 1, 2 or 4);
 * @msg, @msglen: on a refused write, "shoji: ..." naming what the guest
 *  wrote (no newline); left alone otherwise.
 * Returns the guest's status (SHOJI_EXIT_OK..SHOJI_EXIT_REFUSED of
 * include/shoji/abi.h) for a one-byte write of 0..3 to SHOJI_PORT_EXIT
 * itself; SHOJI_STATUS_BAD_EXIT (vmm/vmm.h) for anything else (another
 * value, width or port), so that no guest can end shoji with one of
 * shoji's own statuses (124 timeout, 125 crash, 126 no KVM) or, through
 * a wider write whose low byte is 0, with success.
 */
int exit_value_status(uint16_t offset, const uint8_t *data, unsigned size, char *msg,
		      size_t msglen);

#endif
