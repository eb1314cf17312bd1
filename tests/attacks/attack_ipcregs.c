/* attack_ipcregs: every register a task holds across its IPC calls comes back as it left it, none
 * of the partner's or the kernel's. */
#include "attack.h"

/*
 * usage: attack_ipcregs server CLIENT ROUNDS buf|word
 *        attack_ipcregs client SERVER ROUNDS buf|word
 *
 * The IPC fast paths keep a blocked receiver's checked buffers in three
 * words of its saved frame that a system call does not keep (RCX, R11
 * and the error code: core/ipc.h), and return by SYSRET or through the
 * ring-0 exit.  Both partners here load every register they can into a
 * pattern of their own (different per task and per round) before each
 * call, and check after it that each one came back: the arguments RDI,
 * RSI, RDX, R10, R8, R9 and RBX, R12-R15 untouched (but the results a
 * call defines: RAX, and for reply_recv_w RDX and RSI), RCX the
 * trampoline's return address and R11 sane flags in ring 3, and in ring 0
 * neither RCX nor R11 a kernel address, nor the partner's pattern.
 *
 *   client: ROUNDS calls (call, or call_w) of a 16-byte message, each
 *           reply checked, and at least ROUNDS messages on the fast paths
 *           (SYS_STATS), then "bye" by send
 *   server: receives, then answers every call with reply_recv (or
 *           reply_recv_w) until "bye"
 * Each prints "ipcregs ROLE: ROUNDS rounds, registers intact" and exits
 * 0, or "ATTACK ipcregs: SUCCEEDED ..." naming the register, and exits 1.
 */

#define NAME "ipcregs"

extern const char __ehdr_start[];

/* What came back from one call: the registers in struct order. */
struct regs_out {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15;
};

static const char *const reg_name[] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8",
				       "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

static int ring0;

/* One system call through the trampoline with every register set from
 * `in` (the same layout), the registers after it into `out`. */
static void call_all(const struct regs_out *in, struct regs_out *out)
{
	register uint64_t rbx __asm__("rbx") = in->rbx;
	register uint64_t r8 __asm__("r8") = in->r8;
	register uint64_t r9 __asm__("r9") = in->r9;
	register uint64_t r10 __asm__("r10") = in->r10;
	register uint64_t r11 __asm__("r11") = in->r11;
	register uint64_t r12 __asm__("r12") = in->r12;
	register uint64_t r13 __asm__("r13") = in->r13;
	register uint64_t r14 __asm__("r14") = in->r14;
	register uint64_t r15 __asm__("r15") = in->r15;
	uint64_t rax = in->rax, rcx = in->rcx, rdx = in->rdx, rsi = in->rsi, rdi = in->rdi;

	__asm__ volatile("call __ehdr_start + %c[gate]"
			 : "+a"(rax), "+b"(rbx), "+c"(rcx), "+d"(rdx), "+S"(rsi), "+D"(rdi),
			   "+r"(r8), "+r"(r9), "+r"(r10), "+r"(r11), "+r"(r12), "+r"(r13),
			   "+r"(r14), "+r"(r15)
			 : [gate] "i"(SHOJI_GATE_OFFSET)
			 : "memory");
	out->rax = rax, out->rbx = rbx, out->rcx = rcx, out->rdx = rdx, out->rsi = rsi;
	out->rdi = rdi, out->r8 = r8, out->r9 = r9, out->r10 = r10, out->r11 = r11;
	out->r12 = r12, out->r13 = r13, out->r14 = r14, out->r15 = r15;
}

/* A pattern no other task or round uses: task id, round, register. */
static uint64_t pattern(long self, long round, unsigned reg)
{
	return 0x5a00000000000000ull | (uint64_t)self << 40 | (uint64_t)round << 8 | reg;
}

static void fill(struct regs_out *in, long self, long round)
{
	uint64_t *w = (uint64_t *)in;
	for (unsigned i = 0; i < sizeof(*in) / 8; i++)
		w[i] = pattern(self, round, i);
}

/* 0 when `out` is what `in` must come back as, `defined` the mask of
 * registers (index bits) the call sets; else prints what leaked. */
static int check(const char *role, long self, long partner, long round, const struct regs_out *in,
		 const struct regs_out *out, unsigned defined)
{
	const uint64_t *a = (const uint64_t *)in, *b = (const uint64_t *)out;
	int bad = 0;
	for (unsigned i = 0; i < sizeof(*in) / 8; i++) {
		const char *why = 0;
		uint64_t v = b[i];
		if (defined >> i & 1)
			continue; /* the call's results, checked by the caller */
		if ((v >> 40) == ((0x5a00000000000000ull >> 40) | (uint64_t)partner))
			why = "holds the partner's value";
		else if (v >= 0xffff800000000000ull)
			why = "holds a kernel address";
		else if (i == 2 || i == 9) { /* rcx, r11 */
			if (!ring0 && i == 2 && v != (uint64_t)__ehdr_start + SHOJI_GATE_OFFSET + 2)
				why = "is not the trampoline's return address";
			if (!ring0 && i == 9 && (v & ~0xdd5ull) != 0x202)
				why = "is not the task's flags";
		} else if (v != a[i])
			why = "changed";
		if (why) {
			printf("ATTACK ipcregs: SUCCEEDED (isolation broken): %s round %ld: %s = "
			       "%#lx %s\n",
			       role, round, reg_name[i], (unsigned long)v, why);
			bad = 1;
		}
	}
	(void)self;
	return bad;
}

#define RAX (1u << 0)
#define RDX (1u << 3)
#define RSI (1u << 4)

static int client(long self, long srv, long rounds, int word)
{
	uint64_t msg[2], reply[2];
	struct regs_out in, out;
	struct shoji_stats before, after;
	sys_stats(&before);
	for (long i = 0; i < rounds; i++) {
		fill(&in, self, i);
		msg[0] = 0x1100 + (uint64_t)i, msg[1] = 0x2200 + (uint64_t)i;
		reply[0] = reply[1] = 0;
		in.rdi = (uint64_t)srv;
		if (word) {
			in.rax = SYS_CALL_W, in.rsi = msg[0];
		} else {
			in.rax = SYS_CALL, in.rsi = (uint64_t)msg, in.rdx = sizeof(msg);
			in.r10 = (uint64_t)reply, in.r8 = sizeof(reply);
		}
		call_all(&in, &out);
		if (check("client", self, srv, i, &in, &out, RAX | (word ? RDX : 0)))
			return 1;
		uint64_t got = word ? out.rdx : reply[0];
		if ((long)out.rax != (word ? 8 : 16) || got != ~msg[0] ||
		    (!word && reply[1] != ~msg[1])) {
			printf(NAME " client: round %ld: reply %ld %#lx, wanted %#lx\n", i,
			       (long)out.rax, (unsigned long)got, (unsigned long)~msg[0]);
			return 1;
		}
	}
	sys_stats(&after);
	/* The point is the fast paths: most of the 2 x ROUNDS messages take them. */
	if (after.ipc_fast - before.ipc_fast < (uint64_t)rounds) {
		printf(NAME " client: only %lu messages on the fast paths\n",
		       (unsigned long)(after.ipc_fast - before.ipc_fast));
		return 1;
	}
	long r = sys_send(srv, "bye", 3);
	printf(NAME " client: %ld rounds, registers intact (bye: %ld)\n", rounds, r);
	return r == 3 ? 0 : 1;
}

static int server(long self, long cl, long rounds, int word)
{
	uint64_t msg[2] = {0, 0}, reply[2];
	long from = 0;
	long n = sys_recv(0, msg, sizeof(msg), &from);
	uint64_t got = msg[0];
	struct regs_out in, out;
	for (long i = 0;; i++) {
		if (n == 3 && !memcmp(&got, "bye", 3))
			break;
		if (n != (word ? 8 : 16) || from != cl || got != 0x1100 + (uint64_t)i) {
			printf(NAME " server: round %ld: %ld bytes %#lx from %ld\n", i, n,
			       (unsigned long)got, from);
			return 1;
		}
		fill(&in, self, i);
		reply[0] = ~got, reply[1] = ~msg[1];
		msg[0] = msg[1] = 0;
		in.rdi = (uint64_t)from;
		if (word) {
			in.rax = SYS_REPLY_RECV_W, in.rsi = reply[0];
		} else {
			in.rax = SYS_REPLY_RECV, in.rsi = (uint64_t)reply, in.rdx = sizeof(reply);
			in.r10 = (uint64_t)msg, in.r8 = sizeof(msg), in.r9 = (uint64_t)&from;
		}
		call_all(&in, &out);
		if (check("server", self, cl, i, &in, &out, RAX | (word ? RDX | RSI : 0)))
			return 1;
		n = (long)out.rax;
		if (word) {
			got = out.rdx, from = (long)out.rsi;
			msg[1] = 0x2200 + (uint64_t)i + 1;
		} else {
			got = msg[0];
		}
		if (i + 1 > rounds + 1)
			return 1;
	}
	printf(NAME " server: %ld rounds, registers intact\n", rounds);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long peer = 0, rounds = 0;
	if (argc != 5 || parse_ulong(argv[2], 10, &peer) || parse_ulong(argv[3], 10, &rounds) ||
	    (strcmp(argv[4], "buf") && strcmp(argv[4], "word"))) {
		printf(NAME ": usage: attack_ipcregs server|client PEER ROUNDS buf|word\n");
		return 1;
	}
	/* The ring-0 trampoline starts with MOVABS to RCX (task_load.c). */
	ring0 = (uint8_t)__ehdr_start[SHOJI_GATE_OFFSET] == 0x48;
	long self = sys_getpid(), word = !strcmp(argv[4], "word");
	if (!strcmp(argv[1], "server"))
		return server(self, (long)peer, (long)rounds, (int)word);
	if (!strcmp(argv[1], "client"))
		return client(self, (long)peer, (long)rounds, (int)word);
	printf(NAME ": unknown role %s\n", argv[1]);
	return 1;
}
