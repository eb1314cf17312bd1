/* The attack suite's protocol: the victim's addresses, how an attacker gets them, and the proof. */
#ifndef ATTACK_H
#define ATTACK_H

/*
 * Every attack case runs a `victim` task and attackers (the C files of
 * tests/attacks, cases NAME.case there).  An attacker asks the victim for the
 * addresses of its secrets with sys_call(VICTIM_ASK) and gets a struct
 * victim_addrs back; then it attacks.  The rules of the output, which the
 * cases match:
 *
 *   ATTACK <name>: trying <what>                      before each attempt
 *   ATTACK <name>: SUCCEEDED (isolation broken) ...   right after it: must
 *                                                     never appear
 *
 * An attacker the kernel is meant to kill dies between the two lines.  One
 * that is meant to survive (its system calls must fail) ends by sending
 * VICTIM_DONE to the victim.  The victim waits for each attacker it served
 * by name (sys_recv from that id), so a killed attacker releases it with
 * -SHOJI_ESRCH instead of leaving it blocked, then checks its secrets.
 *
 * The helpers are static inline: each attack task is one C file linked with
 * the task runtime alone (guest/user/user.mk).
 */

#include "user.h"

#define VICTIM_ASK "addresses?"
#define VICTIM_DONE "done"
#define SECRET_LEN 16 /* each secret: 16 printable bytes, no NUL */

/* What the victim publishes: where its secrets live, and one of its
 * functions (it reads the data secret), all absolute addresses. */
struct victim_addrs {
	uint64_t data;	/* SECRET_LEN bytes in its image's writable data */
	uint64_t stack; /* SECRET_LEN bytes in main()'s frame */
	uint64_t heap;	/* SECRET_LEN bytes at the start of a sys_map() page */
	uint64_t code;	/* uint64_t victim_peek(void): returns the data secret's first 8 bytes */
};

/* Parses a task id (decimal, > 0) into *id; 0 or -1. */
static inline int attack_parse_id(const char *s, long *id)
{
	unsigned long v;
	if (parse_ulong(s, 10, &v) < 0 || v == 0 || v > 0x7fffffffUL)
		return -1;
	*id = (long)v;
	return 0;
}

/* Asks task @victim for its addresses.  0, or prints why (as @name) and
 * returns -1. */
static inline int attack_ask(const char *name, long victim, struct victim_addrs *a)
{
	long n = sys_call(victim, VICTIM_ASK, sizeof(VICTIM_ASK) - 1, a, sizeof(*a));
	if (n != (long)sizeof(*a)) {
		printf("%s: asking task %ld for addresses failed: %ld (%s)\n", name, victim, n,
		       n < 0 ? sys_errname(n) : "short reply");
		return -1;
	}
	printf("%s: task %ld has data at %#lx, stack at %#lx, heap at %#lx, code at %#lx\n", name,
	       victim, (unsigned long)a->data, (unsigned long)a->stack, (unsigned long)a->heap,
	       (unsigned long)a->code);
	return 0;
}

/*
 * The start of an attacker whose one argument is the victim's task id
 * (usage: @name [VICTIM]; *victim holds the default on entry): parses it
 * into *victim and asks that task for its addresses.  0, or prints the
 * usage or what failed and returns -1.
 */
static inline int attack_begin(int argc, char **argv, const char *name, long *victim,
			       struct victim_addrs *a)
{
	if (argc > 2 || (argc == 2 && attack_parse_id(argv[1], victim) < 0)) {
		printf("%s: usage: %s [VICTIM]\n", name, name);
		return -1;
	}
	return attack_ask(name, *victim, a);
}

/* The address in @a named @target (data, stack, heap or code); 0 for
 * another name. */
static inline uint64_t attack_pick(const struct victim_addrs *a, const char *target)
{
	if (!strcmp(target, "data"))
		return a->data;
	if (!strcmp(target, "stack"))
		return a->stack;
	if (!strcmp(target, "heap"))
		return a->heap;
	if (!strcmp(target, "code"))
		return a->code;
	return 0;
}

/* Copies @n bytes of @src to @dst (n + 1 bytes) as text, '.' for the
 * bytes that are not printable, for a SUCCEEDED line. */
static inline const char *attack_show(char *dst, const volatile char *src, int n)
{
	for (int i = 0; i < n; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '.';
	dst[n] = 0;
	return dst;
}

/* Tells the victim this attacker is finished (it survived its attack);
 * @victim 0 is none (a control run on the attacker's own memory). */
static inline void attack_done(long victim)
{
	if (victim)
		sys_send(victim, VICTIM_DONE, sizeof(VICTIM_DONE) - 1);
}

/*
 * The direct access of attack_rw and attack_krw: @op "read" loads
 * SECRET_LEN bytes at @addr, "write" stores SECRET_LEN bytes there, each
 * between the two ATTACK lines of "<@prefix><op>-<@target>".  0, or -1
 * (nothing done) for another @op.
 */
static inline int attack_read_write(const char *prefix, const char *op, const char *target,
				    uint64_t addr)
{
	char buf[SECRET_LEN + 1];

	if (!strcmp(op, "read")) {
		printf("ATTACK %s%s-%s: trying to read %d bytes at %#lx\n", prefix, op, target,
		       SECRET_LEN, (unsigned long)addr);
		attack_show(buf, (const volatile char *)addr, SECRET_LEN);
		printf("ATTACK %s%s-%s: SUCCEEDED (isolation broken): read \"%s\"\n", prefix, op,
		       target, buf);
	} else if (!strcmp(op, "write")) {
		printf("ATTACK %s%s-%s: trying to write %d bytes at %#lx\n", prefix, op, target,
		       SECRET_LEN, (unsigned long)addr);
		for (int i = 0; i < SECRET_LEN; i++)
			((volatile char *)addr)[i] = "overwritten-by-A"[i];
		printf("ATTACK %s%s-%s: SUCCEEDED (isolation broken): wrote at %#lx\n", prefix, op,
		       target, (unsigned long)addr);
	} else {
		return -1;
	}
	return 0;
}

/*
 * The start of the "self" control of attack_rw and attack_krw: fills @a
 * with the attacker's own memory of the victim's four kinds, its @data
 * secret and its @code (which reads @data), @stack (SECRET_LEN bytes in
 * the caller's frame) and a fresh sys_map() page, each holding a secret
 * of its own, and says so (as @name).  0, or prints why not and returns
 * -1.
 */
static inline int attack_own(const char *name, struct victim_addrs *a, uint64_t data, char *stack,
			     uint64_t code)
{
	long heap = sys_map(4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE);

	if (heap <= 0) {
		printf("%s: map failed: %s\n", name, sys_errname(heap));
		return -1;
	}
	memcpy(stack, "own--secret-5t4k", SECRET_LEN);
	memcpy((void *)heap, "own--secret-H34p", SECRET_LEN);
	*a = (struct victim_addrs){data, (uintptr_t)stack, (uintptr_t)heap, code};
	printf("%s: control run: aiming at my own memory\n", name);
	return 0;
}

/*
 * Calls the code at @fn with EAX = ECX = EDX = 0.  When @fn is "WRPKRU;
 * RET" that writes PKRU = 0, which opens every protection key to the
 * caller (SDM Vol. 3A 4.6.2): the aim of every code attack.  @fn is held in
 * a register other than the three, which the code may change.
 */
/*
 * The call is written as raw bytes (FF D3, call *%rbx): an attacker is not
 * bound to shoji's compiler pipeline, and tools/bundle-asm would otherwise
 * mask the branch back into the attacker's own slot, so the page
 * protections under test would never be reached.  (Kernel mode refuses
 * such code at load; ring-3 modes rely on page rights and keys.)
 */
static inline void attack_call_pkru0(uintptr_t fn)
{
	register uintptr_t target __asm__("rbx") = fn;
	__asm__ volatile("xor %%eax, %%eax\n\t"
			 "xor %%ecx, %%ecx\n\t"
			 "xor %%edx, %%edx\n\t"
			 ".byte 0xff, 0xd3"
			 : "+r"(target)
			 :
			 : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
}

/* Calls @fn unmasked (raw FF D3, as above) and returns its RAX. */
static inline uint64_t attack_call_raw(uintptr_t fn)
{
	register uintptr_t target __asm__("rbx") = fn;
	uint64_t ret;
	__asm__ volatile(".byte 0xff, 0xd3"
			 : "=a"(ret), "+r"(target)
			 :
			 : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory");
	return ret;
}

/*
 * Calls @fn through an ordinary C function pointer and returns its RAX.
 * Unlike attack_call_raw(), this is the call every task's code makes:
 * tools/bundle-asm turns it into the masked sequence (and $0x1ffe0; or
 * $slot_base; call *%r11), so the target that is really called is the
 * bundle start @fn & 0x1ffe0 of the caller's OWN slot, whatever @fn is.
 * The volatile keeps gcc from calling a known constant directly.
 */
static inline uint64_t attack_call_masked(uintptr_t fn)
{
	uint64_t (*volatile f)(void) = (uint64_t(*)(void))fn;
	return f();
}

/* Where a masked branch to @fn really goes, in the caller's slot. */
static inline uintptr_t attack_masked_target(uintptr_t fn)
{
	return user_region_base() | (fn & 0x1ffe0);
}

/*
 * The address of ktask_gate, the kernel's entry for ring-0 tasks: a
 * `kernel` task's trampoline page (its own key, read-only, readable)
 * starts with "movabs $ktask_gate, %rcx" (48 B9 imm64), so bytes 2..9 of
 * image offset SHOJI_GATE_OFFSET hold it.  Meaningless in other modes.
 */
static inline uint64_t attack_ktask_gate(void)
{
	const volatile uint8_t *t =
	    (const volatile uint8_t *)(user_region_base() + SHOJI_GATE_OFFSET);
	uint64_t g = 0;
	for (int i = 9; i >= 2; i--)
		g = g << 8 | t[i];
	return g;
}

/* The proof of a broken PKRU: reads the victim's data secret.  A task
 * whose PKRU still shuts the victim out is killed at the load. */
static inline void attack_read_victim(const char *name, const struct victim_addrs *a)
{
	char got[SECRET_LEN + 1];

	printf("ATTACK %s: trying to read the victim's data at %#lx\n", name,
	       (unsigned long)a->data);
	attack_show(got, (const volatile char *)a->data, SECRET_LEN);
	printf("ATTACK %s: SUCCEEDED (isolation broken): read \"%s\"\n", name, got);
}

/*
 * main() of the code attacks: ask the victim for its addresses, run
 * @attempt (which prints what it tries, and which the kernel must never
 * let finish), and if it did finish, say so and prove it by reading the
 * victim's secret.  usage: NAME [VICTIM] (the victim's task id, default 1).
 */
static inline int attack_code_main(int argc, char **argv, const char *name, const char *label,
				   const char *what, void (*attempt)(void))
{
	struct victim_addrs a;
	long victim = 1;

	if (attack_begin(argc, argv, name, &victim, &a) < 0)
		return 1;
	attempt();
	printf("ATTACK %s: SUCCEEDED (isolation broken): %s ran\n", label, what);
	attack_read_victim(label, &a);
	attack_done(victim);
	return 1;
}

#endif
