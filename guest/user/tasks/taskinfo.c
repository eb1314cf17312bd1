/* taskinfo: prints what SYS_TASKINFO says of the task, and measures N getpid and N yield calls with
 * the runtime's roi API. */
#include "roi.h"

/*
 * usage: taskinfo [N]
 *
 * Prints one line
 *   taskinfo: task I (NAME) MODE mode, group G key K, slot 0xB, tsc F kHz
 * for the case to hold against the kernel's "task I (NAME) started: MODE
 * mode, group G key K" line, and "taskinfo: EFAULT ok" when the call with a
 * pointer into the kernel is refused with -SHOJI_EFAULT.  With N, two
 * RESULT lines (lib/roi.h) follow: "roi_getpid", N sys_getpid() calls,
 * and "roi_yield", N sys_yield() calls, variant "check", for
 * tests/bench/roi.sh to read.  Exits 1 when a call fails.
 */

#define USAGE "taskinfo [N]"

int main(int argc, char **argv)
{
	struct shoji_taskinfo in;
	unsigned long n = 0;
	struct roi r;

	if (argc > 2 || (argc == 2 && (parse_ulong(argv[1], 10, &n) || !n))) {
		printf("usage: %s\n", USAGE);
		return 1;
	}
	long err = sys_taskinfo(&in);
	if (err) {
		printf("taskinfo: taskinfo failed: %s (%ld)\n", sys_errname(err), -err);
		return 1;
	}
	printf("taskinfo: task %u (%s) %s mode, group %u key %u, slot %#llx, tsc %llu kHz\n", in.id,
	       in.name, shoji_mode_name(in.mode), in.group, in.pkey, in.slot_base, in.tsc_khz);
	err = sys_taskinfo((struct shoji_taskinfo *)KERNEL_IMAGE_ADDR);
	if (err != -SHOJI_EFAULT) {
		printf("taskinfo: a kernel pointer gave %ld, want -EFAULT\n", err);
		return 1;
	}
	printf("taskinfo: EFAULT ok\n");
	if (!n)
		return 0;

	roi_begin(&r);
	for (unsigned long i = 0; i < n; i++)
		sys_getpid();
	roi_end(&r);
	roi_result(&r,
		   &(struct roi_report){.benchmark = "roi_getpid", .variant = "check", .ops = n});

	roi_begin(&r);
	for (unsigned long i = 0; i < n; i++)
		sys_yield();
	roi_end(&r);
	roi_result(&r,
		   &(struct roi_report){.benchmark = "roi_yield", .variant = "check", .ops = n});
	return 0;
}
