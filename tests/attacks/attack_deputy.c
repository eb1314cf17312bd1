/* attack_deputy: asks the kernel to touch the victim's memory for it; each call must fail. */
#include "attack.h"

/*
 * usage: attack_deputy [VICTIM]   (the victim's task id, default 1, or
 *                                  "self": a control run on own memory,
 *                                  where every call goes through)
 *
 * The kernel reaches task memory through its physmap, where the task's
 * PKRU does not apply: a confused deputy would read or write a neighbour's
 * memory for a task that names it in a system call.  Each call below
 * names one of the victim's secrets (or a range that runs into the
 * victim's slot) and must fail with its error, before anything moves.
 * Per call: "ATTACK deputy: trying <what>", then "deputy: refused <what>:
 * <ERR>" or "ATTACK deputy: SUCCEEDED (isolation broken): <what> returned
 * N".  Last line "deputy: N calls refused" and exit 0, or exit 1.
 *
 * The victim is blocked receiving from this task while these run: a
 * message that wrongly got through would reach it, and it would say so.
 */

static int refused, broken;

/* Records one call: @got its result, @want the error it must give. */
static void check(const char *what, long got, long want)
{
	if (got == -want) {
		printf("deputy: refused %s: %s\n", what, sys_errname(got));
		refused++;
		return;
	}
	printf("ATTACK deputy: SUCCEEDED (isolation broken): %s returned %ld (%s), want %s\n", what,
	       got, got < 0 ? sys_errname(got) : "success", sys_errname(-want));
	broken++;
}

#define TRY(what, call, want)                                                                      \
	do {                                                                                       \
		printf("ATTACK deputy: trying %s\n", what);                                        \
		check(what, call, want);                                                           \
	} while (0)

/* sys_write: the console would show the secret (the cases reject any
 * line with "-secret-" in it). */
static void via_write(const struct victim_addrs *a)
{
	TRY("write(victim data)", sys_write((void *)a->data, SECRET_LEN), SHOJI_EFAULT);
	TRY("write(victim stack)", sys_write((void *)a->stack, SECRET_LEN), SHOJI_EFAULT);
	TRY("write(victim heap)", sys_write((void *)a->heap, SECRET_LEN), SHOJI_EFAULT);
	TRY("write(victim code)", sys_write((void *)a->code, SECRET_LEN), SHOJI_EFAULT);
}

/* sys_stats: the kernel would write its counters over the secret. */
static void via_stats(const struct victim_addrs *a)
{
	TRY("stats(out = victim data)", sys_stats((struct shoji_stats *)a->data), SHOJI_EFAULT);
	TRY("stats(out = victim heap)", sys_stats((struct shoji_stats *)a->heap), SHOJI_EFAULT);
}

/* IPC: the kernel copies from a sender's buffer and into a receiver's. */
static void via_ipc(long victim, const struct victim_addrs *a)
{
	char buf[SECRET_LEN];

	TRY("send(victim, msg = victim data)", sys_send(victim, (void *)a->data, SECRET_LEN),
	    SHOJI_EFAULT);
	TRY("send(victim, msg = victim stack)", sys_send(victim, (void *)a->stack, SECRET_LEN),
	    SHOJI_EFAULT);
	TRY("call(victim, msg = victim heap)",
	    sys_call(victim, (void *)a->heap, SECRET_LEN, buf, sizeof(buf)), SHOJI_EFAULT);
	TRY("call(victim, reply buffer = victim data)",
	    sys_call(victim, "x", 1, (void *)a->data, SECRET_LEN), SHOJI_EFAULT);
	TRY("call(victim, reply buffer = victim stack)",
	    sys_call(victim, "x", 1, (void *)a->stack, SECRET_LEN), SHOJI_EFAULT);
	TRY("recv(victim, buffer = victim heap)",
	    sys_recv(victim, (void *)a->heap, SECRET_LEN, NULL), SHOJI_EFAULT);
	TRY("recv(any, buffer = victim data)", sys_recv(0, (void *)a->data, SECRET_LEN, NULL),
	    SHOJI_EFAULT);
	TRY("recv(any, sender id stored at victim stack)",
	    sys_recv(0, buf, sizeof(buf), (long *)a->stack), SHOJI_EFAULT);
	TRY("recv(victim, sender id stored at victim data)",
	    sys_recv(victim, buf, sizeof(buf), (long *)a->data), SHOJI_EFAULT);
}

/* Ranges that start in the attacker's own slot and end in the victim's,
 * or the other way round: only when the two slots are neighbours. */
static void via_straddle(long victim, const struct victim_addrs *a)
{
	uintptr_t own = user_region_base();
	uintptr_t vslot = a->data & ~(USER_SLOT_SIZE - 1);

	if (vslot + USER_SLOT_SIZE == own) {
		/* The victim's stack top, then our image. */
		TRY("write(from the victim's stack top into own image)",
		    sys_write((void *)(own - 8), 16), SHOJI_EFAULT);
		TRY("recv(any, buffer from the victim's stack top into own image)",
		    sys_recv(0, (void *)(own - 8), 16, NULL), SHOJI_EFAULT);
	} else if (own + USER_SLOT_SIZE == vslot) {
		/* Our stack top, then the victim's image. */
		TRY("write(from own stack top into the victim's image)",
		    sys_write((void *)(vslot - 8), 16), SHOJI_EFAULT);
		TRY("call(victim, reply buffer from own stack top into the victim's image)",
		    sys_call(victim, "x", 1, (void *)(vslot - 8), 16), SHOJI_EFAULT);
	} else {
		printf("deputy: the victim's slot is not next to mine: no straddling ranges\n");
	}
}

/* Memory calls: the victim's heap is not ours to unmap. */
static void via_memory(const struct victim_addrs *a)
{
	TRY("unmap(victim heap)", sys_unmap((void *)a->heap, 4096), SHOJI_EINVAL);
	/* prot bit 4 is PROT_EXEC in Linux: there is none here. */
	TRY("map(prot read|write|0x4)", sys_map(4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE | 0x4),
	    SHOJI_EINVAL);
}

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;

	if (argc > 2) {
		printf("attack_deputy: usage: attack_deputy [VICTIM|self]\n");
		return 1;
	}
	if (argc == 2 && !strcmp(argv[1], "self")) {
		static char own_data[SECRET_LEN] = "own--secret-D4t4";
		char own_stack[SECRET_LEN] = "own--secret-5t4k";
		long heap = sys_map(4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
		a = (struct victim_addrs){(uintptr_t)own_data, (uintptr_t)own_stack,
					  (uintptr_t)heap, (uintptr_t)main};
		printf("attack_deputy: control run: aiming at my own memory\n");
		via_write(&a);
		via_stats(&a);
		via_memory(&a);
		printf("deputy: %d calls refused, %d went through\n", refused, broken);
		return broken ? 1 : 0;
	}
	if (argc == 2 && attack_parse_id(argv[1], &victim) < 0) {
		printf("attack_deputy: usage: attack_deputy [VICTIM|self]\n");
		return 1;
	}
	if (attack_ask("attack_deputy", victim, &a) < 0)
		return 1;

	via_write(&a);
	via_stats(&a);
	via_ipc(victim, &a);
	via_straddle(victim, &a);
	via_memory(&a);
	attack_done(victim);
	if (broken) {
		printf("deputy: %d calls refused, %d went through\n", refused, broken);
		return 1;
	}
	printf("deputy: %d calls refused\n", refused);
	return 0;
}
