/* bench_boot: boot time from the guest's side: the TSC and kernel clock at a task's start. */
#include "bench.h"

/*
 * usage: bench_boot MODE
 *
 * Start it as the only task.  Reads the TSC as the first thing main()
 * does (crt0.S runs five instructions before) and the kernel's clock
 * right after, and prints one RESULT line "boot", variant "first task":
 *   tsc_at_main      the guest TSC: under KVM, ticks since the vCPU was
 *                    created (KVM starts a new vCPU's TSC at 0); under
 *                    QEMU -icount shift=0, instructions since reset;
 *   clock_ns_at_main sys_clock(): nanoseconds since the kernel read the
 *                    TSC frequency (tsc_init), i.e. the rest of the boot.
 * The line is the task's first output, so a host-side stopwatch that
 * waits for "RESULT" times exec to this task's first console line.
 */

int main(int argc, char **argv)
{
	uint64_t tsc = bench_tsc();
	long ns = sys_clock();

	struct roi_line l;

	if (argc != 2 || bench_check_mode(argv[1]))
		return bench_usage("bench_boot MODE");
	roi_line_start(&l, roi_taskinfo(), "boot", "first task");
	roi_put(&l,
		",\"iterations\":1,\"cycles_per_op\":null,\"ns_per_op\":null,\"tsc_at_main\":%lu,"
		"\"clock_ns_at_main\":%ld,\"counters\":{}",
		(unsigned long)tsc, ns);
	roi_line_print(&l);
	return 0;
}
