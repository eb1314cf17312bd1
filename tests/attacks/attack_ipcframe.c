/* attack_ipcframe: a message written where a ring-0 receiver's return frame goes must not steer its
 * return. */
#include "attack.h"

/*
 * usage: attack_ipcframe server CLIENT ROUNDS | client SERVER ROUNDS
 *
 * A ring-0 task returns from the gate through five words the kernel
 * writes just below its RSP (RAX, RCX, RDX, RFLAGS and RIP, popped by
 * return_to_ring0 in entry.S, sched_return.c).  The server receives into
 * a buffer that is exactly that region, or its top 16 bytes (the IPC fast
 * path moves 8..16-byte messages in two registers, longer ones through a
 * kernel buffer: ipc_fast.c), and the client's messages are the address
 * of the server's hijacked() over and over (the server sends it first).  The kernel must write the
 * message first and the frame after it, so that the server comes back from each receive where it
 * called it; if the frame came first, the message would be the RIP it returns to, and hijacked()
 * would run in ring 0.
 *
 *   server: sends &hijacked to CLIENT, then ROUNDS times, receives into the 16, 40 and 64 bytes
 * below RSP client: ROUNDS times, sends 16, 40 and 64 bytes of &hijacked (it yields first, so that
 * the server is waiting: the fast path) The server prints "ipcframe server: N receives came back"
 * and exits 0; "ATTACK ipcframe: SUCCEEDED ..." from hijacked() means the message steered the
 * return.
 */

#define NAME "ipcframe"

__attribute__((noinline, used)) static void hijacked(void)
{
	printf("ATTACK ipcframe: SUCCEEDED (isolation broken): the message became the return "
	       "address\n");
	sys_exit(1);
}

/* recv(CLIENT, the LEN bytes below RSP, LEN, no *from) through the
 * trampoline; its result. */
#define RECV_BELOW_SP(len, src)                                                                    \
	({                                                                                         \
		long rax_;                                                                         \
		__asm__ volatile("lea -" #len "(%%rsp), %%rsi\n\t"                                 \
				 "call __ehdr_start + %c[gate]"                                    \
				 : "=a"(rax_)                                                      \
				 : "a"(SYS_RECV), "D"(src), "d"((long)(len)),                      \
				   "r"(r10_), [gate] "i"(SHOJI_GATE_OFFSET)                        \
				 : "rsi", "rcx", "r11", "memory");                                 \
		rax_;                                                                              \
	})

static int server(long cl, long rounds)
{
	register long r10_ __asm__("r10") = 0; /* no *from */
	uint64_t target = (uint64_t)hijacked;
	long ok = 0, r = sys_send(cl, &target, sizeof(target));
	if (r != sizeof(target)) {
		printf(NAME " server: sending the address failed: %ld\n", r);
		return 1;
	}
	for (long i = 0; i < rounds; i++) {
		long n16 = RECV_BELOW_SP(16, cl);
		long n40 = RECV_BELOW_SP(40, cl);
		long n64 = RECV_BELOW_SP(64, cl);
		if (n16 != 16 || n40 != 40 || n64 != 64) {
			printf(NAME " server: round %ld received %ld, %ld, %ld bytes\n", i, n16,
			       n40, n64);
			return 1;
		}
		ok += 3;
	}
	printf(NAME " server: %ld receives came back\n", ok);
	return 0;
}

static int client(long srv, long rounds)
{
	uint64_t evil[8], target = 0;
	long got = sys_recv(srv, &target, sizeof(target), 0);
	if (got != sizeof(target)) {
		printf(NAME " client: no address from the server: %ld\n", got);
		return 1;
	}
	for (unsigned i = 0; i < 8; i++)
		evil[i] = target;
	for (long i = 0; i < rounds; i++) {
		static const long len[3] = {16, 40, 64};
		for (int k = 0; k < 3; k++) {
			sys_yield();
			long r = sys_send(srv, evil, (size_t)len[k]);
			if (r != len[k]) {
				printf(NAME " client: send of %ld bytes: %ld\n", len[k], r);
				return 1;
			}
		}
	}
	printf(NAME " client: %ld rounds sent\n", rounds);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long a = 0, b = 0;
	if (argc == 4 && !strcmp(argv[1], "server") && !parse_ulong(argv[2], 10, &a) &&
	    !parse_ulong(argv[3], 10, &b))
		return server((long)a, (long)b);
	if (argc == 4 && !strcmp(argv[1], "client") && !parse_ulong(argv[2], 10, &a) &&
	    !parse_ulong(argv[3], 10, &b))
		return client((long)a, (long)b);
	printf(NAME ": usage: attack_ipcframe server CLIENT ROUNDS | client SERVER ROUNDS\n");
	return 1;
}
