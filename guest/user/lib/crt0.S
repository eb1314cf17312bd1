/* crt0.S: the task entry point, from the kernel's initial stack to main() and sys_exit(). */

/*
 * The kernel enters here at CPL 3 with every register zero except RSP,
 * which is 16-byte aligned and points at:
 *
 *   rsp + 0         argc
 *   rsp + 8         argv[0] ... argv[argc-1]   (argv[0] is the task name)
 *   rsp + 8+8*argc  NULL                       (end of argv)
 *                   NULL                       (empty envp)
 *
 * The image is already relocated (the kernel applies R_X86_64_RELATIVE),
 * so there is nothing to fix up here.  The SysV ABI wants RSP 16-byte
 * aligned at a call (AMD64 psABI 3.2.2); align it again anyway, so that a
 * misaligned entry stack cannot turn into a fault deep inside the task.
 */
	.text
	.globl _start
	.type _start, @function
_start:
	xor	%ebp, %ebp		/* outermost frame: ends backtraces */
	mov	(%rsp), %rdi		/* argc */
	lea	8(%rsp), %rsi		/* argv */
	and	$-16, %rsp
	call	main
	mov	%eax, %edi
	call	runtime_exit		/* sys_exit(), never returns (exit.c) */
	ud2
	.size _start, . - _start

/*
 * The task note (shoji/note.h): the ABI this image is built for, and no
 * conventions yet; tools/task-seal sets them once it has checked the
 * linked image.  Here, in the one object every task links, so an image
 * linked without the runtime has none and is refused.  ELF notes: namesz,
 * descsz, type, then the name and the descriptor, each padded to 4 bytes
 * (gABI "Note Section").
 */
#include <shoji/note.h>
	.section .note.shoji, "a", @note
	.balign 4
	.long	6, 8, SHOJI_NOTE_TASK
	.asciz	SHOJI_NOTE_NAME
	.balign 4
	.long	SHOJI_ABI_VERSION, 0

	.section .note.GNU-stack, "", @progbits
