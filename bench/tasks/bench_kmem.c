/* bench_kmem: kernel memory held for a task (SYS_KMEM), reported by the first and last of many. */
#include "bench.h"

/*
 * usage: bench_kmem MODE COUNT     (started as task=COUNT*bench_kmem:MODE:MODE:COUNT)
 *        bench_kmem quiet          (exits 0 at once: a filler that takes a slot)
 *
 * The copy with id 1 and the copy with id COUNT print one RESULT line
 * "kmem_per_task", variant "<COUNT> tasks", with "bytes": what sys_kmem()
 * reports for them (their task structure and an equal share of their
 * group's page tables and structure).  The others exit silently.  Not a
 * timing: cycles_per_op and ns_per_op are null.  The total over all tasks
 * comes from the kernel's "task N (NAME) started: ..., B bytes of kernel
 * memory" lines (bench/run adds them up).
 */

#define USAGE "bench_kmem MODE COUNT | bench_kmem quiet"

int main(int argc, char **argv)
{
	unsigned long count;

	if (argc == 2 && strcmp(argv[1], "quiet") == 0)
		return 0;
	if (argc != 3 || bench_check_mode(argv[1]) || bench_arg(argv, 2, &count, USAGE))
		return bench_usage(USAGE);
	/* Every copy yields once before it exits, so each sees all the others
	 * alive at its first run (all are created before any runs): the last
	 * one's group share is not inflated by neighbours already gone. */
	long id = sys_getpid();
	if (id != 1 && (unsigned long)id != count) {
		sys_yield();
		return 0;
	}
	long bytes = sys_kmem();
	if (bytes < 0)
		bench_fail("bench_kmem", "kmem", bytes);
	/* The tags say the task's id ("task"), which tells the first copy's
	 * line from the last's. */
	struct roi_line l;
	char variant[32];
	snprintf(variant, sizeof(variant), "%lu tasks", count);
	roi_line_start(&l, roi_taskinfo(), "kmem_per_task", variant);
	roi_put(&l,
		",\"iterations\":1,\"cycles_per_op\":null,\"ns_per_op\":null,\"bytes\":%ld,"
		"\"counters\":{}",
		bytes);
	roi_line_print(&l);
	sys_yield();
	return 0;
}
