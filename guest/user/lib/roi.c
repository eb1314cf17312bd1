/* roi.c: the measurement API's system calls: the task's SYS_TASKINFO, kept, and the RESULT line's
 * write. */
#include "roi.h"

static struct shoji_taskinfo info;
static int have_info;

const struct shoji_taskinfo *roi_taskinfo(void)
{
	if (!have_info) {
		long err = sys_taskinfo(&info);
		if (err) {
			printf("roi: taskinfo failed: %s (%ld)\n", sys_errname(err), -err);
			sys_exit(1);
		}
		have_info = 1;
	}
	return &info;
}

void roi_write(const struct roi_line *l, int len)
{
	if (len < 0) {
		printf("roi: RESULT line longer than %d bytes\n", ROI_LINE_MAX - 1);
		sys_exit(1);
	}
	sys_write(l->buf, (size_t)len);
}
