/* Interface of vmm/info.c: `shoji info`, whether this KVM can run shoji guests. */
#ifndef SHOJI_VMM_INFO_H
#define SHOJI_VMM_INFO_H

/* cmd_info - `shoji info`: KVM, capabilities, PKU, probe, verdict.
 * Returns 0 when this KVM can run shoji guests, SHOJI_STATUS_NO_KVM when
 * not. */
int cmd_info(int argc, char **argv);

#endif
