/* attack_kmask: masked calls and returns aimed outside the slot; the mask keeps them in it. */
#include <stdbool.h>

#include "attack.h"

/*
 * usage: attack_kmask TARGET [VICTIM]      (the victim's task id, default 1)
 *
 * Every indirect branch a kernel-mode task may have is masked: "and
 * $0x1ffe0, %r11d; or $slot_base, %r11; jmp|call *%r11", returns included
 * (tools/bundle-asm writes them, the verifier insists on them).  Whatever
 * address the task computes, the branch lands on the bundle start with the
 * same bits 16:5 in the task's OWN slot.  Each TARGET aims an ordinary C
 * function pointer (or a return) at a forbidden place and shows where it
 * really lands:
 *
 *   code    the victim's code (victim_peek, which returns its data
 *           secret): lands at the same offset in this task's image, on
 *           one of its landing pads (below), which returns its own
 *           address.  The task survives: "kmask: the call to 0x... came
 *           back from 0x..., my own landing pad", exit 0.
 *   ret     a masked return (pop %r11; masked jmp) to a kernel text
 *           address in ktask_gate's 128 KiB window: lands on a landing
 *           pad, same report, exit 0.
 *   gate    a call to a kernel text address in ktask_gate's window, the
 *           one whose low bits name this slot's trampoline + 0x20: lands
 *           on the trampoline's second bundle, UD2: killed, "invalid
 *           opcode, rip <own slot + 0x16020>".
 *   kernel  a call to the kernel image, 0xffffffff80100000: low bits 0,
 *           so it lands on this task's own first page (ELF headers,
 *           readable, not executable): killed, "page fault at <own slot
 *           base> (instruction fetch)".
 *   vstack  a call to the victim's stack: lands in this task's own stack
 *           (not executable): killed, a fetch fault inside its own slot.
 *   heap    writes WRPKRU; RET into a sys_map page and calls it: heap
 *           windows are 256 MiB-aligned, so the call lands on this task's
 *           first page, not the heap: killed as for "kernel".
 *   stack   writes WRPKRU; RET into its own stack and calls it: the mask
 *           keeps the address (it is in the slot), the stack is not
 *           executable: killed, a fetch fault at that address.
 *
 * In `kernel` mode an unmasked branch is refused at load (attack_kindirect,
 * attack_kret; attack_exec's raw call: exec-*-kernel cases): the verifier
 * is the first wall and the mask is what remains.  The code is the same in
 * every mode, so these land the same way in `shared` mode.
 *
 * The landing pads: 1024 bundles at image offsets 0x1000-0x9000 (the
 * section sorts before all other code), each "lea .(%rip), %rax; ret":
 * called, a pad returns its own address.  Victim code lives in that range
 * of the victim's slot too (same runtime, similar size); a task whose
 * target falls elsewhere says so and exits 1 rather than run code at an
 * unknown spot.
 */

#define NAME "attack_kmask"
#define PADS_START 0x1000
#define PADS_END 0x9000
#define RET_PAD_OFFSET 0x2000 /* where "ret" aims, inside the pads */

__asm__(".pushsection .text.unlikely.kmask_pads, \"ax\", @progbits\n"
	".p2align 12\n"
	"kmask_pads:\n\t"
	".rept (0x9000 - 0x1000) / 32\n\t"
	"lea .(%rip), %rax\n\t"
	"ret\n\t"
	".p2align 5\n\t"
	".endr\n"
	"kmask_pads_end:\n\t"
	".popsection\n");
extern const char kmask_pads[], kmask_pads_end[];

/* push %rdi; ret: a return to @target, masked like every return. */
__asm__(".pushsection .text.kmask_ret_to, \"ax\", @progbits\n"
	".p2align 5\n"
	".type ret_to, @function\n"
	"ret_to:\n\t"
	"push %rdi\n\t"
	"ret\n\t"
	".size ret_to, . - ret_to\n\t"
	".p2align 5\n"
	".popsection\n");
uint64_t ret_to(uintptr_t target);

static const uint8_t wrpkru_ret[4] = {0x0f, 0x01, 0xef, 0xc3};

static int usage(void)
{
	printf(NAME ": usage: " NAME " code|ret|gate|kernel|vstack|heap|stack [VICTIM]\n");
	return 1;
}

/* The address in ktask_gate's 128 KiB window whose offset bits are @off. */
static uintptr_t gate_window(uint64_t off)
{
	return (attack_ktask_gate() & ~(uintptr_t)0x1ffff) | off;
}

static bool on_pad(uintptr_t x)
{
	return x >= (uintptr_t)kmask_pads && x < (uintptr_t)kmask_pads_end && x % 32 == 0;
}

int main(int argc, char **argv)
{
	struct victim_addrs a;
	long victim = 1;
	volatile uint8_t stack_code[64] __attribute__((aligned(32)));
	uintptr_t aim;

	if (argc < 2 || argc > 3 || (argc == 3 && attack_parse_id(argv[2], &victim) < 0))
		return usage();
	const char *t = argv[1];
	if (strcmp(t, "code") && strcmp(t, "ret") && strcmp(t, "gate") && strcmp(t, "kernel") &&
	    strcmp(t, "vstack") && strcmp(t, "heap") && strcmp(t, "stack"))
		return usage();
	if ((uintptr_t)kmask_pads != user_region_base() + PADS_START ||
	    (uintptr_t)kmask_pads_end != user_region_base() + PADS_END) {
		printf(NAME ": the landing pads are at %p-%p, not at image offsets %#x-%#x\n",
		       (const void *)kmask_pads, (const void *)kmask_pads_end, PADS_START,
		       PADS_END);
		return 1;
	}
	if (attack_ask(NAME, victim, &a) < 0)
		return 1;

	if (!strcmp(t, "code")) {
		aim = a.code;
		if (!on_pad(attack_masked_target(aim))) {
			printf(NAME ": the victim's code at %#lx is outside the pads' offsets\n",
			       (unsigned long)aim);
			attack_done(victim);
			return 1;
		}
	} else if (!strcmp(t, "ret")) {
		aim = gate_window(RET_PAD_OFFSET);
	} else if (!strcmp(t, "gate")) {
		aim = gate_window(SHOJI_GATE_OFFSET + 0x20);
	} else if (!strcmp(t, "kernel")) {
		aim = KERNEL_IMAGE_ADDR;
	} else if (!strcmp(t, "vstack")) {
		aim = a.stack;
	} else if (!strcmp(t, "heap")) {
		long page = sys_map(4096, SHOJI_PROT_READ | SHOJI_PROT_WRITE);
		if (page <= 0) {
			printf(NAME ": map failed: %s\n", sys_errname(page));
			return 1;
		}
		aim = (uintptr_t)page;
	} else {
		aim = (uintptr_t)stack_code;
	}
	if (!strcmp(t, "heap") || !strcmp(t, "stack"))
		for (unsigned i = 0; i < sizeof(wrpkru_ret); i++)
			((volatile uint8_t *)aim)[i] = wrpkru_ret[i];

	uintptr_t lands = attack_masked_target(aim);
	if (!strcmp(t, "ret") || !strcmp(t, "gate"))
		printf("kmask: ktask_gate is at %#lx\n", (unsigned long)attack_ktask_gate());
	printf("ATTACK kmask-%s: trying a masked %s to %#lx (the mask makes it %#lx)\n", t,
	       strcmp(t, "ret") ? "call" : "return", (unsigned long)aim, (unsigned long)lands);
	uint64_t back = strcmp(t, "ret") ? attack_call_masked(aim) : ret_to(aim);
	if (back == lands && on_pad(back)) {
		printf("kmask: the %s to %#lx came back from %#lx, my own landing pad\n",
		       strcmp(t, "ret") ? "call" : "return", (unsigned long)aim,
		       (unsigned long)back);
		attack_done(victim);
		return 0;
	}
	printf("ATTACK kmask-%s: SUCCEEDED (isolation broken): it returned %#lx\n", t,
	       (unsigned long)back);
	attack_done(victim);
	return 1;
}
