/* attack_fuzz: random system calls with hostile arguments, from many tasks at once. */
#include "attack.h"

/*
 * usage: attack_fuzz SEED TASKS OPS
 *
 * One of TASKS copies (task ids 1..TASKS, any mix of modes) that each make
 * OPS system calls drawn at random (xorshift64, seeded with SEED and the
 * task id): every call of the ABI and numbers past its end, with
 * partners among the live, the dead, the caller itself and ids that never
 * existed, with pointers into its own stack and heap, its read-only code,
 * unmapped pages, a neighbour's slot, the kernel and non-canonical
 * addresses, with lengths around every boundary the kernel checks (0, 8,
 * the fast path's 64, a page, SHOJI_IPC_MAX, huge), mapping and unmapping
 * (whole, partial, twice), and busy loops of random length in between so
 * that the timer preempts at random places.  IPC between the copies
 * blocks, meets, fails when a partner dies, and ends in deadlocks the
 * kernel resolves by killing the blocked.
 *
 * What must hold (with audit=on, after every call, fault and interrupt):
 * no kernel panic, no broken invariant, no hang; every call returns an
 * error or a result, never a fault.  Each copy ends with status 3, on
 * purpose, so that the machine's status is 1 however many the deadlock
 * resolver ended: 2 is a panic, a timeout a hang.
 */

#define RW (SHOJI_PROT_READ | SHOJI_PROT_WRITE)
#define MAXMAPS 16

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t pick(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static struct {
	uint64_t va, len;
} maps[MAXMAPS];
static unsigned nmaps;
static long ntasks;
/* Writable data in the image.  Pointers land in the first 256 bytes and
 * lengths that pass are at most 8192, so the fuzzer's own state (above)
 * is never a receive buffer: the kernel writes only where it was told. */
#define ROOM 8704
static char gbuf[ROOM];

static const unsigned long lens[] = {
    0,	       1,    7,		  8, 9, 63, 64, 65, 128, 4095, 4096, 4097, 8192, SHOJI_IPC_MAX + 1,
    1ul << 40, ~0ul, 0x7ffffffful};

static uint64_t any_len(void)
{
	return lens[pick(sizeof(lens) / sizeof(lens[0]))];
}

static uint64_t small_len(void)
{
	static const unsigned long s[] = {0, 1, 8, 16, 63, 64, 65, 100};
	return s[pick(sizeof(s) / sizeof(s[0]))];
}

static long any_id(void)
{
	switch (pick(8)) {
	case 0:
		return 0;
	case 1:
		return sys_getpid();
	case 2:
		return ntasks + 1 + (long)pick(3);
	case 3:
		return (long)(((uint64_t)1 << 32) + 1 + pick((uint64_t)ntasks));
	case 4:
		return -1;
	default: /* mostly a server (odd ids), which is mostly waiting */
		return pick(16) ? 1 + 2 * (long)pick(((uint64_t)ntasks + 1) / 2)
				: 1 + (long)pick((uint64_t)ntasks);
	}
}

/* A partner that makes reply_recv fail before it can wait. */
static long bad_id(void)
{
	static const long ids[] = {0, -1, 4095, 4096};
	return pick(5) ? ids[pick(4)] : sys_getpid();
}

/* A pointer: mostly good ones (stack buffer, heap, data), some hostile. */
static uint64_t any_ptr(char *stack, uint64_t stack_len)
{
	uint64_t base = user_region_base();
	switch (pick(16)) {
	case 0:
		return 0;
	case 1:
		return KERNEL_IMAGE_ADDR;
	case 2:
		return 0xffff800000100000ul; /* the physmap */
	case 3:
		return user_neighbour_base() + pick(4096);
	case 4:
		return (uint64_t)main; /* read-only code */
	case 5:			       /* the trampoline, the guard page below the stack */
		return base + (pick(2) ? 0x17000 : 0x18000) - 8;
	case 6:
		return base + 0x20000 - 8 - pick(64); /* the very top of the stack */
	case 7:
		return USER_HALF_END - 8;
	case 8:
		return 0x100000000ul + pick(16) * 0x10000000ul; /* some heap window */
	case 9:
	case 10:
		if (nmaps) {
			unsigned m = (unsigned)pick(nmaps);
			return maps[m].va + pick(maps[m].len + 64);
		}
		/* fall through */
	case 11:
		return (uint64_t)gbuf + pick(256);
	default:
		return (uint64_t)stack + pick(stack_len < 256 ? stack_len : 256);
	}
}

static void spin(void)
{
	for (volatile uint64_t i = pick(4) ? pick(2000) : pick(200000); i; i--)
		;
}

static void op_map(void)
{
	uint64_t len = pick(4) ? (1 + pick(4)) * 4096 - pick(2) : any_len();
	int prot = pick(8) ? RW : (int)pick(8);
	long va = sys_map(len, prot);
	if (va > 0 && nmaps < MAXMAPS) {
		maps[nmaps].va = (uint64_t)va;
		maps[nmaps].len = (len + 4095) & ~4095ul;
		nmaps++;
		if (prot & SHOJI_PROT_WRITE)
			((volatile char *)va)[0] = 1;
		else
			(void)((volatile char *)va)[0];
	}
}

static void op_unmap(void)
{
	if (nmaps && pick(4)) {
		unsigned m = (unsigned)pick(nmaps);
		uint64_t va = maps[m].va, len = maps[m].len;
		switch (pick(4)) {
		case 0: /* partial: the tail pages */
			if (len > 4096) {
				uint64_t cut = 4096 * (1 + pick(len / 4096 - 1));
				if (!sys_unmap((void *)(va + cut), len - cut))
					maps[m].len = cut;
				return;
			}
			break;
		case 1: /* past its end, into the guard page */
			sys_unmap((void *)va, len + 4096);
			return;
		default:
			break;
		}
		if (!sys_unmap((void *)va, len)) {
			maps[m] = maps[--nmaps];
		}
		return;
	}
	char b[16];
	sys_unmap((void *)any_ptr(b, sizeof(b)), any_len());
}

int main(int argc, char **argv)
{
	unsigned long seed = 0, n = 0, ops = 0;
	char buf[ROOM], rbuf[ROOM]; /* as gbuf */
	long self = sys_getpid();

	if (argc != 4 || parse_ulong(argv[1], 0, &seed) || parse_ulong(argv[2], 0, &n) ||
	    parse_ulong(argv[3], 0, &ops) || !n) {
		printf("attack_fuzz: usage: attack_fuzz SEED TASKS OPS\n");
		return 1;
	}
	ntasks = (long)n;
	rng = seed * 0x9e3779b97f4a7c15ul + (uint64_t)self * 0xbf58476d1ce4e5b9ul + 1;
	memset(buf, 'f', 256);

	int server = (int)(self % 2);
	long client = 0; /* a server's last sender */
	for (unsigned long i = 0; server || i < ops; i++) {
		long from = 0;
		unsigned long w = 0;
		uint64_t p1 = any_ptr(buf, sizeof(buf)), p2 = any_ptr(rbuf, sizeof(rbuf));
		uint64_t l1 = pick(3) ? small_len() : any_len();
		uint64_t l2 = pick(3) ? small_len() : any_len();
		uint64_t pf = pick(3) ? 0 : any_ptr(rbuf, sizeof(rbuf));
		long r;
		if (server && pick(8)) {
			/* A server: answer the last sender and wait for the next. */
			if (!client)
				r = sys_recv(0, rbuf, 256, &from);
			else if (pick(3))
				r = syscall6(SYS_REPLY_RECV, client, (long)p1, (long)l1,
					     pick(2) ? (long)rbuf : (long)p2,
					     pick(2) ? 256 : (long)l2, (long)&from);
			else
				r = sys_reply_recv_w(client, rnd(), &w, &from);
			if (r == -SHOJI_EAGAIN || r == -SHOJI_ESRCH) {
				client = 0; /* gone, or not waiting (anymore) */
				r = sys_recv(0, rbuf, 256, &from);
			}
			if (r >= 0)
				client = from;
			continue;
		}
		switch (pick(20)) {
		case 0:
		case 1:
			sys_send(any_id(), (void *)p1, l1);
			break;
		case 2:
			if (!pick(8))
				sys_recv(pick(2) ? 0 : any_id(), (void *)p2, l2, (long *)pf);
			break;
		case 3:
		case 4:
			sys_call(any_id(), (void *)p1, l1, (void *)p2, l2);
			break;
		case 5: /* a reply, then a wait for any task: a client's fails first */
			syscall6(SYS_REPLY_RECV, server ? any_id() : bad_id(), (long)p1, (long)l1,
				 (long)p2, (long)l2, (long)pf);
			break;
		case 6:
		case 7:
			sys_call_w(any_id(), rnd(), &w);
			break;
		case 8:
			sys_reply_recv_w(server ? any_id() : bad_id(), rnd(), &w, &from);
			break;
		case 9:
		case 10:
			op_map();
			break;
		case 11:
			op_unmap();
			break;
		case 12:
			sys_yield();
			break;
		case 13:
			sys_stats((struct shoji_stats *)any_ptr(buf, sizeof(buf)));
			break;
		case 14:
			/* len 0 anywhere; else only hostile pointers (no noise) */
			if (pick(2))
				sys_write((void *)p1, 0);
			else
				sys_write(
				    (void *)(KERNEL_IMAGE_ADDR -
					     pick(2) * (KERNEL_IMAGE_ADDR - user_neighbour_base())),
				    1 + pick(64));
			break;
		case 15:
			syscall6((long)(SYS_COUNT + pick(70)) * (pick(8) ? 1 : -1), (long)p1,
				 (long)l1, (long)p2, (long)l2, (long)pf, 0);
			break;
		case 16:
			sys_kmem();
			sys_clock();
			break;
		default:
			spin();
			break;
		}
	}
	printf("attack_fuzz: task %ld made %lu calls, %u mappings left\n", self, ops, nmaps);
	return 3;
}
