/* attack_krw: a ring-0 task reads or writes memory it does not own; the kernel must kill it. */
#include "attack.h"

/*
 * usage: attack_krw OP TARGET [VICTIM|self]
 *   OP      read   load SECRET_LEN bytes at the target
 *           write  store SECRET_LEN bytes there
 *   TARGET  data, stack, heap, code   the victim's (see attack.h)
 *           kimage    the kernel image, 0xffffffff80100000 (KERNEL_IMAGE_ADDR)
 *           gate      ktask_gate, the kernel's entry for ring-0 tasks (its
 *                     address read from this task's own trampoline)
 *           physmap   the kernel's map of all RAM, at physical 1 MiB (the
 *                     kernel image; its stack, heap, task structures and
 *                     page tables are in the same map, under the same key)
 *           lapic     the local APIC's registers (the fixmap,
 *                     0xffffffffffe00000): its timer is what preempts
 *                     ring-0 tasks; offset 0x320 is the timer's LVT entry
 *           tramp     (write only) the gate's address inside this
 *                     task's own trampoline (image offset
 *                     SHOJI_GATE_OFFSET + 2); reading it is allowed, the
 *                     page has the task's key
 *   VICTIM  the victim's task id (default 1), or "self": data, stack,
 *           heap and code are then the attacker's own, a control that must
 *           report SUCCEEDED.
 *
 * Built like every task, so it passes the kernel-mode verifier and runs
 * at CPL 0 in `kernel` mode.  There, page-level U/S protection no longer
 * separates it from the kernel: what keeps it out is the protection key.
 * The kernel's memory is user pages under key 15 on the ring-0 kernel
 * half, the victim's pages carry the victim's key, and PKRU denies both:
 * "task N (attack_krw) killed: protection-key violation at ADDR (read|
 * write), ..., key 15 owned by the kernel" or "... key K owned by task V
 * (victim)".  The trampoline is a read-only page of the task's own key:
 * a store there is a plain write fault (CR0.WP makes read-only pages
 * binding at CPL 0 too, SDM Vol. 3A 4.6.1); were it writable, a task could
 * send every ring-0 task's next system call wherever it liked, since all
 * share the one frame.
 */

#define NAME "attack_krw"

/* The attacker's own memory, for VICTIM "self". */
static char own_data[SECRET_LEN] __attribute__((aligned(16))) = "own--secret-D4t4";

static __attribute__((noinline)) uint64_t own_peek(void)
{
	return *(const volatile uint64_t *)(uintptr_t)own_data;
}

static int usage(void)
{
	printf(NAME ": usage: " NAME
		    " read|write data|stack|heap|code|kimage|gate|physmap|lapic|tramp "
		    "[VICTIM|self]\n");
	return 1;
}

/* The target's address by name: the victim's (attack_pick) or the
 * kernel's; 0 for an unknown name. */
static uint64_t pick(const struct victim_addrs *a, const char *target)
{
	uint64_t addr = attack_pick(a, target);

	if (addr)
		return addr;
	if (!strcmp(target, "kimage"))
		return KERNEL_IMAGE_ADDR;
	if (!strcmp(target, "gate"))
		return attack_ktask_gate();
	if (!strcmp(target, "physmap"))
		return 0xffff800000100000UL;
	if (!strcmp(target, "lapic"))
		return 0xffffffffffe00320UL;
	if (!strcmp(target, "tramp"))
		return user_region_base() + SHOJI_GATE_OFFSET + 2;
	return 0;
}

/* @op is "read" or "write" (main() checks). */
static int attack(const char *op, const char *target, uint64_t addr, long victim)
{
	attack_read_write("kernel-", op, target, addr);
	/* Still here: tell the victim, which then checks its secrets. */
	attack_done(victim);
	return 1;
}

/* VICTIM "self": the same access to the attacker's own memory. */
static int control(const char *op, const char *target)
{
	char own_stack[SECRET_LEN] __attribute__((aligned(16)));
	struct victim_addrs a;

	if (!attack_pick(&(struct victim_addrs){1, 1, 1, 1}, target))
		return usage(); /* kimage, gate, ...: no memory of my own there */
	if (attack_own(NAME, &a, (uintptr_t)own_data, own_stack, (uintptr_t)own_peek) < 0)
		return 1;
	return attack(op, target, attack_pick(&a, target), 0);
}

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;

	if (argc < 3 || argc > 4 || (strcmp(argv[1], "read") && strcmp(argv[1], "write")))
		return usage();
	if (argc == 4 && !strcmp(argv[3], "self"))
		return control(argv[1], argv[2]);
	if (argc == 4 && attack_parse_id(argv[3], &victim) < 0)
		return usage();
	if (!pick(&(struct victim_addrs){1, 1, 1, 1}, argv[2]) ||
	    (!strcmp(argv[2], "tramp") && strcmp(argv[1], "write")))
		return usage();
	if (attack_ask(NAME, victim, &a) < 0)
		return 1;
	return attack(argv[1], argv[2], pick(&a, argv[2]), victim);
}
