/* fpstate: a task's FPU state: isolation, the clean first state, kernel memory, FP faults. */
#include <stdbool.h>

#include "user.h"

#include "arch/x86_64/fxsave.h"

/*
 * usage: fpstate secret [YIELDS]   loads a secret into XMM0-15 and ST0-7,
 *                                  yields YIELDS times (default 20), then
 *                                  checks every register is as it left it
 *        fpstate fresh             its first FPU instruction must see the
 *                                  clean state (XMM0-15 and ST0-7 zero,
 *                                  FCW 0x37F, MXCSR 0x1F80), not another
 *                                  task's; then leaves junk in every
 *                                  register and yields, for `secret`
 *        fpstate server            serves ROUNDS calls (buffers, then words:
 *                                  the IPC fast paths); its first FPU
 *                                  instruction, after the first message,
 *                                  must see the clean state, not the
 *                                  client's secret; then leaves junk
 *        fpstate client SERVER     a secret in every register, ROUNDS
 *                                  calls to SERVER, the secret intact
 *        fpstate kmem              sys_kmem() before and after its first
 *                                  FPU instruction: 512 bytes more after
 *        fpstate divzero           unmasks SIMD divide-by-zero and divides
 *                                  by zero: the kernel kills it (#XM)
 *        fpstate x87               the same with the x87 unit (#MF)
 *
 * Each prints one line "fpstate MODE: ..." saying what it saw, and exits
 * 1 when that is wrong.  Built with USER_FPU_CFLAGS (guest/user/user.mk);
 * the registers are read with FXSAVE, the task's own copy of what the
 * kernel keeps (SDM Vol. 1 10.5.1).
 */

/*
 * Built twice: fpstate.elf reads its registers with FXSAVE and uses x87
 * too, which kernel mode refuses, so it runs in process and shared mode;
 * fpstate_sse.elf (FPSTATE_SSE_ONLY) keeps to the SSE the kernel-mode
 * verifier admits (docs/security.md), so that the same checks run in
 * kernel mode, over XMM0-15 and MXCSR.
 */
#ifdef FPSTATE_SSE_ONLY
#define REGISTERS "XMM0-15 and MXCSR"

/* The registers an SSE task can see, in FXSAVE's layout; the x87 part as
 * a clean image has it, so that the comparisons below stay the same. */
static void fxsave(struct fxsave_area *a)
{
	memset(a, 0, sizeof(*a));
	a->fcw = 0x37f;
	__asm__ volatile("stmxcsr %0" : "=m"(a->mxcsr));
	__asm__ volatile("movdqu %%xmm0, 0(%1)\n\tmovdqu %%xmm1, 16(%1)\n\t"
			 "movdqu %%xmm2, 32(%1)\n\tmovdqu %%xmm3, 48(%1)\n\t"
			 "movdqu %%xmm4, 64(%1)\n\tmovdqu %%xmm5, 80(%1)\n\t"
			 "movdqu %%xmm6, 96(%1)\n\tmovdqu %%xmm7, 112(%1)\n\t"
			 "movdqu %%xmm8, 128(%1)\n\tmovdqu %%xmm9, 144(%1)\n\t"
			 "movdqu %%xmm10, 160(%1)\n\tmovdqu %%xmm11, 176(%1)\n\t"
			 "movdqu %%xmm12, 192(%1)\n\tmovdqu %%xmm13, 208(%1)\n\t"
			 "movdqu %%xmm14, 224(%1)\n\tmovdqu %%xmm15, 240(%1)"
			 : "=m"(*(uint8_t(*)[256])a->xmm)
			 : "r"(a->xmm));
}
#else
#define REGISTERS "XMM0-15, ST0-7, FCW and MXCSR"

static void fxsave(struct fxsave_area *a)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*a));
}
#endif

/* 16 XMM registers from 256 bytes at p, 8 x87 registers pushed from the
 * 8 integers at q (ST0 is the last). */
static void load_registers(const uint8_t *p, const int64_t *q)
{
	__asm__ volatile("movdqu 0(%0), %%xmm0\n\tmovdqu 16(%0), %%xmm1\n\t"
			 "movdqu 32(%0), %%xmm2\n\tmovdqu 48(%0), %%xmm3\n\t"
			 "movdqu 64(%0), %%xmm4\n\tmovdqu 80(%0), %%xmm5\n\t"
			 "movdqu 96(%0), %%xmm6\n\tmovdqu 112(%0), %%xmm7\n\t"
			 "movdqu 128(%0), %%xmm8\n\tmovdqu 144(%0), %%xmm9\n\t"
			 "movdqu 160(%0), %%xmm10\n\tmovdqu 176(%0), %%xmm11\n\t"
			 "movdqu 192(%0), %%xmm12\n\tmovdqu 208(%0), %%xmm13\n\t"
			 "movdqu 224(%0), %%xmm14\n\tmovdqu 240(%0), %%xmm15"
			 :
			 : "r"(p), "m"(*(const uint8_t(*)[256])p)
			 : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8",
			   "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
#ifndef FPSTATE_SSE_ONLY
	__asm__ volatile("fninit\n\tfildq 0(%0)\n\tfildq 8(%0)\n\tfildq 16(%0)\n\t"
			 "fildq 24(%0)\n\tfildq 32(%0)\n\tfildq 40(%0)\n\tfildq 48(%0)\n\t"
			 "fildq 56(%0)"
			 :
			 : "r"(q), "m"(*(const int64_t(*)[8])q));
#else
	(void)q;
#endif
}

/* What FXSAVE shows of the registers: control, status, tags, MXCSR and
 * the 24 data registers (not the last-instruction pointers). */
static bool same_state(const struct fxsave_area *a, const struct fxsave_area *b)
{
	return a->fcw == b->fcw && a->fsw == b->fsw && a->ftw == b->ftw && a->mxcsr == b->mxcsr &&
	       memcmp(a->st, b->st, sizeof(a->st)) == 0 &&
	       memcmp(a->xmm, b->xmm, sizeof(a->xmm)) == 0;
}

static int secret(unsigned long yields)
{
	static uint8_t xmm[256];
	static int64_t st[8];
	static struct fxsave_area was, now;

	for (unsigned i = 0; i < sizeof(xmm); i++)
		xmm[i] = (uint8_t)(0xa5 ^ (i * 7));
	for (unsigned i = 0; i < 8; i++)
		st[i] = 0x5ec7e7000 + i;
	load_registers(xmm, st);
	fxsave(&was);
	for (unsigned long i = 0; i < yields; i++)
		sys_yield();
	fxsave(&now);
	if (!same_state(&was, &now)) {
		printf("fpstate secret: CHANGED: its registers are not as it left them\n");
		return 1;
	}
	printf("fpstate secret: " REGISTERS " intact after %lu yields\n", yields);
	return 0;
}

#define ROUNDS 40 /* calls of each kind, buffer and word */

/* The first FPU instruction of a task that has run: the clean state,
 * else the first register that is not ("fpstate WHO: LEAK: ..."). */
static bool first_state_clean(const char *who)
{
	static const struct fxsave_area clean = {.fcw = 0x37f, .mxcsr = 0x1f80};
	static struct fxsave_area now;

	fxsave(&now);
	if (same_state(&now, &clean))
		return true;
	for (unsigned r = 0; r < 16; r++)
		for (unsigned b = 0; b < 16; b++)
			if (now.xmm[r][b]) {
				printf("fpstate %s: LEAK: XMM%u byte %u is %#x\n", who, r, b,
				       now.xmm[r][b]);
				return false;
			}
	printf("fpstate %s: LEAK: FCW %#x FSW %#x FTW %#x MXCSR %#x or an x87 register is not "
	       "clean\n",
	       who, now.fcw, now.fsw, now.ftw, now.mxcsr);
	return false;
}

/* Junk in every register and MXCSR, for the other task to not see. */
static void leave_junk(void)
{
	static uint8_t junk[256];
	static const int64_t junk_st[8] = {-1, -2, -3, -4, -5, -6, -7, -8};
	uint32_t mxcsr = 0x7f80; /* round toward zero: a state of its own */

	memset(junk, 0xee, sizeof(junk));
	load_registers(junk, junk_st);
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
}

static int fresh(void)
{
	if (!first_state_clean("fresh")) /* its first FPU instruction */
		return 1;
	printf("fpstate fresh: clean state, no other task's registers\n");
	leave_junk();
	sys_yield();
	sys_yield();
	return 0;
}

/* Buffers on the stacks, as the buffer fast path wants them; nothing
 * before the check that the compiler could do with SSE. */
static int server(void)
{
	static const char reply[16] = "fine";
	char buf[16];
	unsigned long word = 0;
	long from, n = sys_recv(0, buf, sizeof(buf), &from);

	if (n < 0 || !first_state_clean("server"))
		return 1;
	leave_junk();
	/* replies to buffer calls 1..ROUNDS-1, then to call ROUNDS and the
	 * word calls but the last, each reply with the next receive */
	for (int i = 1; i < ROUNDS && n >= 0; i++)
		n = sys_reply_recv(from, reply, sizeof(reply), buf, sizeof(buf), &from);
	for (int i = 0; i < ROUNDS && n >= 0; i++)
		n = sys_reply_recv_w(from, word + 1, &word, &from);
	if (n >= 0)
		n = sys_send(from, &word, sizeof(word));
	if (n < 0) {
		printf("fpstate server: IPC failed: %s\n", sys_errname(n));
		return 1;
	}
	return 0;
}

static int client(unsigned long srv)
{
	static uint8_t xmm[256];
	static int64_t st[8];
	static struct fxsave_area was, now;
	struct shoji_stats before, after;
	char msg[16] = "how are you", rbuf[16];
	unsigned long word = 0;
	long n = 0;

	for (unsigned i = 0; i < sizeof(xmm); i++)
		xmm[i] = (uint8_t)(0x3c ^ (i * 11));
	for (unsigned i = 0; i < 8; i++)
		st[i] = 0xc11e47000 + i;
	sys_stats(&before);
	load_registers(xmm, st);
	fxsave(&was);
	for (int i = 0; i < ROUNDS && n >= 0; i++)
		n = sys_call((long)srv, msg, sizeof(msg), rbuf, sizeof(rbuf));
	for (int i = 0; i < ROUNDS && n >= 0; i++)
		n = sys_call_w((long)srv, word, &word);
	fxsave(&now);
	sys_stats(&after);
	if (n < 0) {
		printf("fpstate client: IPC failed: %s\n", sys_errname(n));
		return 1;
	}
	if (!same_state(&was, &now)) {
		printf("fpstate client: CHANGED: its registers are not as it left them\n");
		return 1;
	}
	printf("fpstate client: " REGISTERS " intact after %d calls, %llu by the IPC fast path\n",
	       2 * ROUNDS, after.ipc_fast - before.ipc_fast);
	return 0;
}

static int kmem(void)
{
	long before = sys_kmem();
	__asm__ volatile("xorps %%xmm0, %%xmm0" : : : "xmm0"); /* its first FPU instruction */
	long after = sys_kmem();
	printf("fpstate kmem: %ld bytes before its first FPU instruction, %ld after (+%ld)\n",
	       before, after, after - before);
	return after - before == 512 ? 0 : 1;
}

static int divzero(void)
{
	uint32_t mxcsr = 0x1f80 & ~(1u << 9); /* ZM clear: divide by zero unmasked */
	double x = 1.0, zero = 0.0;
	__asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
	printf("fpstate divzero: dividing by zero, unmasked\n");
	__asm__ volatile("divsd %1, %0" : "+x"(x) : "x"(zero));
	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	printf("fpstate divzero: SURVIVED, MXCSR %#x afterwards\n", mxcsr);
	return 1;
}

#ifndef FPSTATE_SSE_ONLY
static int x87(void)
{
	uint16_t fcw = 0x37f & ~(1u << 2); /* ZM clear */
	printf("fpstate x87: dividing by zero, unmasked\n");
	__asm__ volatile("fninit\n\tfldcw %0\n\tfld1\n\tfldz\n\tfdivrp\n\tfwait" : : "m"(fcw));
	printf("fpstate x87: SURVIVED\n");
	return 1;
}
#else
static int x87(void)
{
	printf("fpstate x87: not in the SSE-only build\n");
	return 1;
}
#endif

int main(int argc, char **argv)
{
	unsigned long yields = 20;

	if (argc >= 2 && strcmp(argv[1], "secret") == 0 &&
	    (argc == 2 || (argc == 3 && parse_ulong(argv[2], 10, &yields) == 0)))
		return secret(yields);
	if (argc == 2 && strcmp(argv[1], "fresh") == 0)
		return fresh();
	if (argc == 2 && strcmp(argv[1], "server") == 0)
		return server();
	if (argc == 3 && strcmp(argv[1], "client") == 0 && parse_ulong(argv[2], 10, &yields) == 0)
		return client(yields);
	if (argc == 2 && strcmp(argv[1], "kmem") == 0)
		return kmem();
	if (argc == 2 && strcmp(argv[1], "divzero") == 0)
		return divzero();
	if (argc == 2 && strcmp(argv[1], "x87") == 0)
		return x87();
	printf("fpstate: usage: fpstate secret [YIELDS] | fresh | server | client SERVER | kmem | "
	       "divzero | x87\n");
	return 1;
}
