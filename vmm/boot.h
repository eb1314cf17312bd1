/* Interface of vmm/boot.c: `shoji run`, the boot sequence. */
#ifndef SHOJI_VMM_BOOT_H
#define SHOJI_VMM_BOOT_H

/* cmd_run - `shoji run ...`: the boot sequence.  Returns the exit status. */
int cmd_run(int argc, char **argv);

#endif
