/* Ending the machine through the exit port (docs/architecture.md). */
#include <shoji/abi.h>
#include "arch/x86_64/arch.h"

_Noreturn void machine_exit(int status)
{
	outb(SHOJI_PORT_EXIT, (uint8_t)status);
	/* Only reached on a platform without the exit device. */
	halt_forever();
}
