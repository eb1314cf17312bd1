/* badptr: hands system calls bad pointers and arguments; each must fail with its specific error. */
#include "user.h"

/*
 * usage: badptr [PEER]
 *
 * A task's mistake must cost that task an error code, never the kernel and
 * never another task: every pointer a system call takes is checked against
 * the caller's own mapped memory.  Each check prints "badptr: ok <what>" or
 * "badptr: FAIL <what>: got <ret>, want <err>"; the last line is
 * "badptr: <n> checks passed" and the exit status 0, or 1 after a failure.
 *
 * recv and call block, so their checks only terminate if the kernel checks
 * the buffers on entry, as the ABI promises; a hang here is a failure too.
 *
 * PEER is the id of a `pingpong server` task, waiting in recv: the send and
 * call checks go to it, since only a live destination shows whether the
 * kernel checks a buffer before delivering (the caller itself would be
 * refused as a deadlock first).  The bad messages must never reach it; at
 * the end badptr ends it with "bye", and it reports "served 0 round trips".
 * Without PEER those checks are left out.
 */

#define KERNEL_IMAGE KERNEL_IMAGE_ADDR /* mapped, but for the kernel only */
#define NON_CANONICAL USER_HALF_END
#define UNMAPPED_LOW 0x10000UL /* below slot 0: no task lives there */

static int passed, failed;

/* Names a system call result for a FAIL line. */
static const char *result_name(long ret)
{
	return ret < 0 ? sys_errname(ret) : "success";
}

/* Records one check: @got is what the call returned, @want what it must
 * return (a negated error, or 0 for success), @alt a second acceptable
 * error or 0 for none. */
static void check(const char *what, long got, long want, long alt)
{
	if (got == want || (alt && got == alt)) {
		printf("badptr: ok %s\n", what);
		passed++;
		return;
	}
	failed++;
	if (alt)
		printf("badptr: FAIL %s: got %ld (%s), want %ld (%s) or %ld (%s)\n", what, got,
		       result_name(got), want, result_name(want), alt, result_name(alt));
	else
		printf("badptr: FAIL %s: got %ld (%s), want %ld (%s)\n", what, got,
		       result_name(got), want, result_name(want));
}

static long data_word = 42; /* something of ours in the image's data */

/* Pointers to console output: each must be refused before a byte is shown. */
static void check_write(void)
{
	char buf[64] = "this text must not appear\n";
	uintptr_t region_end = user_region_base() + USER_SLOT_SIZE;
	uintptr_t neighbour = user_neighbour_base();

	check("write from a kernel address", sys_write((void *)KERNEL_IMAGE, 16), -SHOJI_EFAULT, 0);
	check("write from a non-canonical address", sys_write((void *)NON_CANONICAL, 16),
	      -SHOJI_EFAULT, 0);
	check("write across the end of the user half", sys_write((void *)(USER_HALF_END - 8), 16),
	      -SHOJI_EFAULT, 0);
	check("write from NULL", sys_write(NULL, 16), -SHOJI_EFAULT, 0);
	check("write from an unmapped user address", sys_write((void *)UNMAPPED_LOW, 16),
	      -SHOJI_EFAULT, 0);
	/* The neighbour's image and stack at the offsets where ours are: in
	 * shared mode that is another task's live memory. */
	check("write from the neighbour region's image",
	      sys_write((void *)(neighbour + ((uintptr_t)&data_word - user_region_base())), 8),
	      -SHOJI_EFAULT, 0);
	check("write from the neighbour region's stack",
	      sys_write((void *)(neighbour + ((uintptr_t)buf - user_region_base())), 8),
	      -SHOJI_EFAULT, 0);
	check("write from a range that wraps (kernel start)",
	      sys_write((void *)0xfffffffffffff000UL, 0x2000), -SHOJI_EFAULT, 0);
	check("write from a range that wraps (own buffer, huge length)",
	      sys_write(buf, ~(size_t)0 - 15), -SHOJI_EFAULT, 0);
	/* Starts in our own stack, runs past the top of our region. */
	check("write from a range running into unmapped memory",
	      sys_write(buf, region_end - (uintptr_t)buf + 4096), -SHOJI_EFAULT, 0);
}

/* Blocking calls: the buffers must be refused at entry. */
static void check_ipc(long peer)
{
	char buf[64] = "badptr";
	char reply[64];

	check("recv into a kernel address", sys_recv(0, (void *)KERNEL_IMAGE, 64, NULL),
	      -SHOJI_EFAULT, 0);
	check("recv into a non-canonical address", sys_recv(0, (void *)NON_CANONICAL, 64, NULL),
	      -SHOJI_EFAULT, 0);
	check("recv with the sender id going to a kernel address",
	      sys_recv(0, buf, sizeof(buf), (long *)KERNEL_IMAGE), -SHOJI_EFAULT, 0);
	check("send to task 9999 (no such task)", sys_send(9999, buf, 6), -SHOJI_ESRCH, 0);
	if (!peer) {
		printf("badptr: no PEER task given: send and call checks left out\n");
		return;
	}
	check("call with the reply buffer in kernel memory",
	      sys_call(peer, buf, 6, (void *)KERNEL_IMAGE, 64), -SHOJI_EFAULT, 0);
	check("call with the reply buffer past the user half",
	      sys_call(peer, buf, 6, (void *)(USER_HALF_END - 8), 64), -SHOJI_EFAULT, 0);
	check("call with the message in kernel memory",
	      sys_call(peer, (void *)KERNEL_IMAGE, 16, reply, sizeof(reply)), -SHOJI_EFAULT, 0);
	check("send from a kernel address", sys_send(peer, (void *)KERNEL_IMAGE, 16), -SHOJI_EFAULT,
	      0);
	check("send from the neighbour region",
	      sys_send(peer, (void *)(user_neighbour_base() + 0x1000), 16), -SHOJI_EFAULT, 0);

	/* Ranges at the edges of our stack, where the IPC fast path checks
	 * them itself (guest/core/ipc_fast.c): the stack ends at the top of
	 * our region, and the peer waits for anyone, so a range let through
	 * would reach it. */
	uintptr_t stack_end = user_region_base() + USER_SLOT_SIZE;
	check("call with the reply buffer across the end of the stack",
	      sys_call(peer, buf, 6, (void *)(stack_end - 4), 8), -SHOJI_EFAULT, 0);
	check("call with a reply capacity that wraps",
	      sys_call(peer, buf, 6, reply, ~(size_t)0 - 7), -SHOJI_EFAULT, 0);
	check("call with the message across the end of the stack",
	      sys_call(peer, (void *)(stack_end - 4), 8, reply, sizeof(reply)), -SHOJI_EFAULT, 0);
	check("reply_recv with the sender id across the end of the stack",
	      sys_reply_recv(peer, buf, 6, reply, sizeof(reply), (long *)(stack_end - 4)),
	      -SHOJI_EFAULT, 0);
	/* End the peer; its count of served requests tells whether a bad
	 * message got through anyway. */
	long n = sys_call(peer, "bye", 3, reply, sizeof(reply));
	check("call to end the peer", n < 0 ? n : 0, 0, 0);
}

/* Memory calls: bad arguments, and unmap of what map did not return. */
static void check_memory(void)
{
	char local[16];

	check("map with unknown prot bits (0x100)",
	      sys_map(4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE | 0x100), -SHOJI_EINVAL, 0);
	check("map of length 0", sys_map(0, SHOJI_PROT_READ | SHOJI_PROT_WRITE), -SHOJI_EINVAL,
	      -SHOJI_ENOMEM);
	check("map of 2^62 bytes", sys_map(1UL << 62, SHOJI_PROT_READ | SHOJI_PROT_WRITE),
	      -SHOJI_EINVAL, -SHOJI_ENOMEM);
	/* Rounding this up to pages wraps to 0 in careless arithmetic. */
	check("map of 2^64 - 1 bytes", sys_map(~(size_t)0, SHOJI_PROT_READ | SHOJI_PROT_WRITE),
	      -SHOJI_EINVAL, -SHOJI_ENOMEM);
	check("unmap of own stack", sys_unmap(local, sizeof(local)), -SHOJI_EINVAL, 0);
	check("unmap of own image", sys_unmap(&data_word, 4096), -SHOJI_EINVAL, 0);
	check("unmap of a kernel address", sys_unmap((void *)KERNEL_IMAGE, 4096), -SHOJI_EINVAL, 0);

	/* A good mapping, to see the calls work at all and that an address
	 * cannot be unmapped twice. */
	long addr = sys_map(4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
	if (addr <= 0) { /* 0 is no mapping either: slots start at 1 GiB */
		printf("badptr: FAIL map of one page: got %ld (%s), want an address\n", addr,
		       result_name(addr));
		failed++;
		return;
	}
	check("map of one page", 0, 0, 0);
	*(volatile long *)addr = data_word;
	check("unmap of a mapped page", sys_unmap((void *)addr, 4096), 0, 0);
	check("unmap of the same page again", sys_unmap((void *)addr, 4096), -SHOJI_EINVAL, 0);
	check("write from the unmapped page", sys_write((void *)addr, 8), -SHOJI_EFAULT, 0);
}

int main(int argc, char **argv)
{
	unsigned long peer = 0;

	if (argc > 2 || (argc == 2 && (parse_ulong(argv[1], 10, &peer) < 0 || peer == 0))) {
		printf("badptr: usage: badptr [PEER] (PEER: the id of a pingpong server)\n");
		return 1;
	}
	check_write();
	check_memory();
	check_ipc((long)peer);
	if (failed) {
		printf("badptr: %d checks passed, %d failed\n", passed, failed);
		return 1;
	}
	printf("badptr: %d checks passed\n", passed);
	return 0;
}
