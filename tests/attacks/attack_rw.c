/* attack_rw: reads, writes or calls into the victim's memory directly; the kernel must kill it. */
#include "attack.h"

/*
 * usage: attack_rw OP TARGET [VICTIM]
 *   OP      read   load SECRET_LEN bytes at the target
 *           write  store SECRET_LEN bytes there
 *           call   call the target as a function (TARGET code only)
 *   TARGET  data, stack, heap or code: which of the victim's addresses
 *   VICTIM  the victim's task id (default 1), or "self": the attacker's
 *           own memory of the same kinds, a control that shows the attack
 *           itself works (it must then report SUCCEEDED)
 *
 * In shared mode the victim's pages are mapped in the attacker's page
 * table, tagged with the victim's key, and the attacker's PKRU denies that
 * key: the access must end in "task N (attack_rw) killed: protection-key
 * violation at ADDR (read|write), ..., key K owned by task V (victim)".
 * From another page table (a process task, a second group) the address is
 * not mapped at all: "page fault ... [P=0 ...]".  For "call code" the
 * fetch itself is allowed (keys do not govern instruction fetches, SDM
 * Vol. 3A 4.6.2): the victim's code runs with the attacker's PKRU, and its
 * load of the victim's data is what faults.
 */

#define NAME "attack_rw"

/* The attacker's own memory, for VICTIM "self". */
static char own_data[SECRET_LEN] __attribute__((aligned(16))) = "own--secret-D4t4";

static __attribute__((noinline)) uint64_t own_peek(void)
{
	return *(const volatile uint64_t *)(uintptr_t)own_data;
}

static int usage(void)
{
	printf(NAME ": usage: " NAME " read|write|call data|stack|heap|code [VICTIM|self]\n");
	return 1;
}

static int attack(const char *op, const char *target, uint64_t addr, long victim)
{
	char buf[SECRET_LEN + 1];

	if (!strcmp(op, "call") && !strcmp(target, "code")) {
		printf("ATTACK %s-%s: trying to call %#lx, which reads its owner's data\n", op,
		       target, (unsigned long)addr);
		volatile uint64_t v = attack_call_raw(addr);
		printf("ATTACK %s-%s: SUCCEEDED (isolation broken): it returned \"%s\"\n", op,
		       target, attack_show(buf, (const volatile char *)&v, sizeof(v)));
	} else if (attack_read_write("", op, target, addr) < 0) {
		return usage();
	}
	/* Still here: tell the victim, which then checks its secrets. */
	attack_done(victim);
	return 1;
}

/* VICTIM "self": the same attack on the attacker's own memory. */
static int control(const char *op, const char *target)
{
	char own_stack[SECRET_LEN] __attribute__((aligned(16)));
	struct victim_addrs a;

	if (attack_own(NAME, &a, (uintptr_t)own_data, own_stack, (uintptr_t)own_peek) < 0)
		return 1;
	uint64_t addr = attack_pick(&a, target);
	return addr ? attack(op, target, addr, 0) : usage();
}

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;

	if (argc < 3 || argc > 4 ||
	    (strcmp(argv[1], "read") && strcmp(argv[1], "write") && strcmp(argv[1], "call")))
		return usage();
	if (argc == 4 && !strcmp(argv[3], "self"))
		return control(argv[1], argv[2]);
	if (argc == 4 && attack_parse_id(argv[3], &victim) < 0)
		return usage();
	if (attack_ask(NAME, victim, &a) < 0)
		return 1;
	uint64_t addr = attack_pick(&a, argv[2]);
	if (!addr)
		return usage();
	return attack(argv[1], argv[2], addr, victim);
}
