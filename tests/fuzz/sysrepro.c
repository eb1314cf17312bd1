/* sysrepro: small deterministic reproducers of the kernel bugs sysfuzz found, one scenario per
 * argument. */
#include "user.h"

/*
 * usage: sysrepro wait-any                 receive from any task; say so if that ends
 *        sysrepro wait-for ID [THEN]       receive from task ID; then send "go" to
 *                                          task THEN, if given; then receive from any
 *                                          task (which a correct kernel never ends)
 *        sysrepro yield-wait-for ID        yield once, then as wait-for ID: the last
 *                                          task to block when all do
 *        sysrepro zero-recv                the receiver of zero-send
 *        sysrepro zero-send ID             zero-length buffers at addresses outside
 *                                          the task, which the kernel accepts at entry
 *        sysrepro heap-wrap                fill the heap window exactly, then map again
 *        sysrepro heap-keep ID             a mapped page, checked after task ID ends
 *
 * Each prints "sysrepro: task N: ..." lines saying what the kernel did and
 * what it must do, and exits 1 when they differ (the cases in
 * tests/guest/cases/sysfuzz-repro-*.case say what a correct kernel
 * prints).
 */

#define HEAP_AREA 0x100000000UL
#define HEAP_WINDOW 0x10000000UL
#define SLOT_SIZE 0x20000UL
#define TASK_AREA 0x40000000UL
#define CHUNK (4UL << 20)
#define RW (SHOJI_PROT_READ | SHOJI_PROT_WRITE)
#define KERNEL_ADDR 0xffffffff80100000UL /* the kernel image: never a task's */

static long self;

static int wait_for(long id, long then)
{
	char buf[16];
	long r = sys_recv(id, buf, sizeof(buf), 0);
	if (r < 0)
		printf("sysrepro: task %ld: receive from task %ld = %ld (%s)\n", self, id, r,
		       sys_errname(r));
	else
		printf("sysrepro: task %ld: receive from task %ld = %ld\n", self, id, r);
	if (then) {
		r = sys_send(then, "go", 2);
		printf("sysrepro: task %ld: send to task %ld = %ld\n", self, then, r);
	}
	r = sys_recv(0, buf, sizeof(buf), 0);
	printf("sysrepro: task %ld: receive from any task = %ld, but nobody sent: the kernel "
	       "resumed a blocked task\n",
	       self, r);
	return 1;
}

/* The receiver of zero-send: a zero-length buffer in the kernel's half
 * (must take a message, truncated to nothing), then a good one (must take
 * a message from a zero-length buffer in the kernel's half). */
static int zero_recv(void)
{
	char buf[16];
	long from = 0;
	long r = sys_recv(0, (void *)KERNEL_ADDR, 0, 0);
	printf("sysrepro: task %ld: receive into 0 bytes at %#lx = %ld, want 0\n", self,
	       KERNEL_ADDR, r);
	long r2 = sys_recv(0, buf, sizeof(buf), &from);
	printf("sysrepro: task %ld: receive of a message sent from 0 bytes at %#lx = %ld, want 0\n",
	       self, KERNEL_ADDR, r2);
	return r || r2;
}

static int zero_send(long to)
{
	long r = sys_send(to, "hello", 5);
	printf("sysrepro: task %ld: send of 5 bytes into a 0-byte buffer = %ld, want 0\n", self, r);
	long r2 = sys_send(to, (const void *)KERNEL_ADDR, 0);
	printf("sysrepro: task %ld: send of 0 bytes from %#lx = %ld, want 0\n", self, KERNEL_ADDR,
	       r2);
	return r || r2;
}

/* Maps and unmaps until the window's next address is its end, exactly;
 * then every map must fail with ENOMEM. */
static int heap_wrap(void)
{
	uint64_t slot = ((uint64_t)(uintptr_t)&self - TASK_AREA) / SLOT_SIZE;
	uint64_t lo = HEAP_AREA + slot * HEAP_WINDOW, end = lo + HEAP_WINDOW, next = lo;

	while (next < end) {
		uint64_t len = end - next < CHUNK ? end - next : CHUNK;
		long va = sys_map(len, RW);
		if (va < 0) {
			printf("sysrepro: task %ld: map(%#lx) = %s\n", self, (unsigned long)len,
			       sys_errname(va));
			return 1;
		}
		sys_unmap((void *)va, len);
		next = (uint64_t)va + len + 4096; /* a guard page after each */
	}
	printf("sysrepro: task %ld: heap window [%#lx, %#lx) used up to %#lx\n", self,
	       (unsigned long)lo, (unsigned long)end, (unsigned long)next);
	int bad = 0;
	for (int i = 0; i < 2; i++) {
		long va = sys_map(4096, RW);
		if (va < 0)
			printf("sysrepro: task %ld: map(4096) = %s, want ENOMEM\n", self,
			       sys_errname(va));
		else
			printf("sysrepro: task %ld: map(4096) = %#lx, outside the window, want "
			       "ENOMEM\n",
			       self, (unsigned long)va);
		bad |= va != -SHOJI_ENOMEM;
	}
	return bad;
}

/* A page at the start of the window, written, then checked after task id
 * (which may have mapped past its own window into this one) is gone. */
static int heap_keep(long id)
{
	long va = sys_map(4096, RW);
	if (va < 0)
		return 1;
	for (int i = 0; i < 512; i++)
		((volatile uint64_t *)va)[i] = 0x6b656570UL + (uint64_t)i;
	char buf[8];
	sys_recv(id, buf, sizeof(buf), 0); /* ESRCH when it ends */
	printf("sysrepro: task %ld: task %ld is gone; reading my page at %#lx\n", self, id,
	       (unsigned long)va);
	for (int i = 0; i < 512; i++)
		if (((volatile uint64_t *)va)[i] != 0x6b656570UL + (uint64_t)i) {
			printf("sysrepro: task %ld: my page changed\n", self);
			return 1;
		}
	printf("sysrepro: task %ld: my page is intact\n", self);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long id = 0, then = 0;

	self = sys_getpid();
	if (argc >= 3 && parse_ulong(argv[2], 10, &id))
		id = 0;
	if (argc >= 4 && parse_ulong(argv[3], 10, &then))
		then = 0;
	if (argc == 2 && !strcmp(argv[1], "wait-any")) {
		char buf[16];
		long r = sys_recv(0, buf, sizeof(buf), 0);
		printf("sysrepro: task %ld: receive from any task = %ld\n", self, r);
		return 1;
	}
	if ((argc == 3 || argc == 4) && id && !strcmp(argv[1], "wait-for"))
		return wait_for((long)id, (long)then);
	if (argc == 3 && id && !strcmp(argv[1], "yield-wait-for")) {
		sys_yield();
		return wait_for((long)id, 0);
	}
	if (argc == 2 && !strcmp(argv[1], "zero-recv"))
		return zero_recv();
	if (argc == 3 && id && !strcmp(argv[1], "zero-send"))
		return zero_send((long)id);
	if (argc == 2 && !strcmp(argv[1], "heap-wrap"))
		return heap_wrap();
	if (argc == 3 && id && !strcmp(argv[1], "heap-keep"))
		return heap_keep((long)id);
	printf("sysrepro: usage: sysrepro wait-any | wait-for ID [THEN] | yield-wait-for ID | "
	       "zero-recv | zero-send ID | heap-wrap | heap-keep ID\n");
	return 2;
}
