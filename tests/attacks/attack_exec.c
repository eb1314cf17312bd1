/* attack_exec: makes code at run time (WRPKRU; RET) and runs it; W^X and NX must stop it. */
#include "attack.h"

/*
 * usage: attack_exec WHERE [VICTIM]     (VICTIM: task id, default 1)
 *   heap    writes the code into a sys_map() page and calls it
 *   stack   writes it into a stack buffer and calls it
 *   data    calls it where it sits, in the image's writable data
 *   rodata  calls it where it sits, in the image's read-only data
 *   text    writes it over one of its own functions, then calls that
 *   gate    writes it into the system-call trampoline the kernel maps at
 *           image offset SHOJI_GATE_OFFSET, then calls it there
 *
 * The load-time scanner keeps WRPKRU out of a task's executable pages; code
 * made after loading would get around it, so no page a task can write may
 * be executable, and data pages are never executable (sys_map has no exec
 * bit, every image page is W^X).  The code is 0F 01 EF C3 (WRPKRU; RET):
 * run with EAX = ECX = EDX = 0 it sets PKRU to 0, and the attacker would
 * then read the victim's secret.  The kernel must kill the task at the
 * fetch ("page fault at ADDR (instruction fetch) ... [P=1 ... I=1 ...]"),
 * or, for "text" and "gate", at the write into a read-only code page
 * ("page fault at ADDR (write) ... [P=1 W=1 ...]").  The trampoline is one
 * frame the kernel maps into every slot: were it writable, one task would
 * plant code in every task's path into the kernel.
 *
 * The code bytes live in writable data and are copied with volatile loads,
 * so the compiler cannot fold them into an immediate in the task's own
 * code, which the loader would refuse.
 */

#define NAME "attack_exec"
#define CODE_LEN 4

static volatile uint8_t data_code[CODE_LEN] = {0x0f, 0x01, 0xef, 0xc3};
static const uint8_t rodata_code[CODE_LEN] = {0x0f, 0x01, 0xef, 0xc3};

/* A function of ours that "text" overwrites. */
static __attribute__((noinline)) void placeholder(void)
{
	__asm__ volatile("" ::: "memory");
}

static void copy_code(volatile uint8_t *dst)
{
	for (int i = 0; i < CODE_LEN; i++)
		dst[i] = data_code[i];
}

static int usage(void)
{
	printf(NAME ": usage: " NAME " heap|stack|data|rodata|text|gate [VICTIM]\n");
	return 1;
}

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;
	volatile uint8_t stack_code[16];
	uintptr_t code;

	if (argc < 2 || argc > 3 || (argc == 3 && attack_parse_id(argv[2], &victim) < 0))
		return usage();
	const char *where = argv[1];
	if (strcmp(where, "heap") && strcmp(where, "stack") && strcmp(where, "data") &&
	    strcmp(where, "rodata") && strcmp(where, "text") && strcmp(where, "gate"))
		return usage();
	if (attack_ask(NAME, victim, &a) < 0)
		return 1;

	if (!strcmp(where, "heap")) {
		long page = sys_map(4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
		if (page <= 0) {
			printf(NAME ": map failed: %s\n", sys_errname(page));
			return 1;
		}
		code = (uintptr_t)page;
		copy_code((volatile uint8_t *)code);
	} else if (!strcmp(where, "stack")) {
		code = (uintptr_t)stack_code;
		copy_code(stack_code);
	} else if (!strcmp(where, "data")) {
		code = (uintptr_t)data_code;
	} else if (!strcmp(where, "rodata")) {
		code = (uintptr_t)rodata_code;
	} else {
		/* Past the trampoline's SYSCALL; RET, where it holds UD2s. */
		code = !strcmp(where, "text") ? (uintptr_t)placeholder
					      : user_region_base() + SHOJI_GATE_OFFSET + 0x100;
		printf("ATTACK exec-%s: trying to write code over the code at %#lx\n", where,
		       (unsigned long)code);
		copy_code((volatile uint8_t *)code);
		printf("ATTACK exec-%s: SUCCEEDED (isolation broken): wrote into code\n", where);
	}

	printf("ATTACK exec-%s: trying to run WRPKRU; RET placed at %#lx\n", where,
	       (unsigned long)code);
	attack_call_pkru0(code);
	printf("ATTACK exec-%s: SUCCEEDED (isolation broken): ran code at %#lx\n", where,
	       (unsigned long)code);
	attack_read_victim("exec", &a);
	attack_done(victim);
	return 1;
}
