/* bundle-asm: rewrites gcc's x86-64 assembly so that kernel-mode tasks
 * pass the load-time verifier (isolation/verify.c). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isolation/isolation.h"
#include "shoji/tlbmark.h"

/*
 * usage: bundle-asm IN.s OUT.s
 *
 * The scheme (docs/security.md, "kernel mode"): code comes in 32-byte
 * bundles no instruction crosses (.bundle_align_mode 5); every call ends
 * at a bundle end, so return addresses are bundle starts; and every
 * indirect branch, `ret` included, goes through R11 and
 *
 *	andl $CFI_MASK, %r11d    keep the offset inside the 128 KiB slot,
 *	                         32-byte aligned (41 81 E3 id: 7 bytes)
 *	orq  $CFI_MARKER, %r11   the loader writes the slot base here (7 bytes)
 *	jmp|call *%r11           (3 bytes)
 *
 * locked into one bundle.  R11 is free at every call, tail call and
 * return (SysV ABI: call-clobbered, never an argument), provided the
 * compiler does not assume a callee leaves it alone: task code is built
 * with -fno-ipa-ra (Makefile), tests/style/call-clobber.sh checks the
 * built tasks, guest/user/tasks/clobber.c runs the case.  GNU as has no
 * "align to end" for locked groups, so a call is padded to end its bundle
 * by hand: align, then multi-byte NOPs of the right length.  Everything
 * else passes through unchanged; the verifier, not this tool, decides
 * what is allowed.  Build task code with -fno-jump-tables
 * -falign-functions=32 -fcf-protection=none.
 *
 * One exception: the TLB-model marker (include/shoji/tlbmark.h) is a
 * 7-byte NOP written as data (.byte, then .long), which the assembler's
 * bundling does not see as one instruction, so it is locked into one
 * bundle here; where it did not cross a boundary already, nothing moves.
 */

#define MASKED_LEN 17u /* and + or + call/jmp through r11 */
#define DIRECT_CALL_LEN 5u

static void masked(FILE *out, const char *op, bool call)
{
	if (call) /* end the bundle: the return address is the next one */
		fprintf(out, "\t.p2align 5\n\t.nops %u\n", BUNDLE_SIZE - MASKED_LEN);
	fprintf(out, "\t.bundle_lock\n");
	fprintf(out, "\tandl\t$%#x, %%r11d\n", CFI_MASK);
	fprintf(out, "\torq\t$%#x, %%r11\n", CFI_MARKER);
	fprintf(out, "\t%s\t*%%r11\n", op);
	fprintf(out, "\t.bundle_unlock\n");
}

/* An indirect jmp/call operand, "*%reg" or "*MEM": into R11, then masked. */
static void indirect(FILE *out, const char *op, const char *operand)
{
	if (strcmp(operand, "*%r11"))
		fprintf(out, "\tmovq\t%s, %%r11\n", operand + 1);
	masked(out, op, !strcmp(op, "call"));
}

/* Splits "\tmnemonic\toperands" into its two words; 0 for other lines. */
static int split(char *s, char **mn, char **ops)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (!isalpha((unsigned char)*s))
		return 0;
	*mn = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	if (*s)
		*s++ = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	*ops = s;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	return 1;
}

/* Whether @line is the first line of a marker (TLBMARK_ASM's ".byte"
 * line, whatever the op), leading blanks aside. */
static bool marker_start(const char *line)
{
	static const char marker[] = TLBMARK_ASM(0);
	size_t len = strcspn(marker, "\n");

	while (*line == ' ' || *line == '\t')
		line++;
	return !strncmp(line, marker, len) && (line[len] == '\n' || !line[len]);
}

static int rewrite(FILE *in, FILE *out, const char *file)
{
	char line[4096], copy[4096];
	int n = 0;

	fprintf(out, "\t.bundle_align_mode 5\n");
	while (fgets(line, sizeof(line), in)) {
		char *mn, *ops;
		n++;
		memcpy(copy, line, sizeof(copy));
		if (marker_start(line)) {
			/* The marker's two lines, locked: its .long follows. */
			fprintf(out, "\t.bundle_lock\n%s", line);
			if (!fgets(line, sizeof(line), in)) {
				fprintf(stderr, "%s:%d: a TLB marker cut short\n", file, n);
				return -1;
			}
			n++;
			fprintf(out, "%s\t.bundle_unlock\n", line);
			continue;
		}
		if (!split(copy, &mn, &ops) || mn[strlen(mn) - 1] == ':') {
			fputs(line, out);
			continue;
		}
		if (!strcmp(mn, "ret") || !strcmp(mn, "retq")) {
			if (*ops) {
				fprintf(stderr, "%s:%d: ret with an operand\n", file, n);
				return -1;
			}
			fprintf(out, "\tpopq\t%%r11\n");
			masked(out, "jmp", false);
		} else if ((!strcmp(mn, "call") || !strcmp(mn, "callq")) && ops[0] == '*') {
			indirect(out, "call", ops);
		} else if ((!strcmp(mn, "jmp") || !strcmp(mn, "jmpq")) && ops[0] == '*') {
			indirect(out, "jmp", ops);
		} else if (!strcmp(mn, "call") || !strcmp(mn, "callq")) {
			/* call rel32 is 5 bytes: pad so that it ends the bundle */
			fprintf(out, "\t.p2align 5\n\t.nops %u\n%s", BUNDLE_SIZE - DIRECT_CALL_LEN,
				line);
		} else if (!strcmp(mn, "endbr64")) {
			continue; /* no CET here; the verifier would accept it anyway */
		} else {
			fputs(line, out);
		}
	}
	/* End the code on a bundle boundary: the bytes after it (the next
	 * object's code, or the zeros that fill the last page) must decode
	 * from a bundle start too. */
	fprintf(out, "\t.text\n\t.p2align 5\n");
	return ferror(in) ? -1 : 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bundle-asm IN.s OUT.s\n");
		return 2;
	}
	FILE *in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	FILE *out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		fclose(in);
		return 1;
	}
	int rc = rewrite(in, out, argv[1]);
	fclose(in);
	if (fclose(out) || rc) {
		remove(argv[2]);
		return 1;
	}
	return 0;
}
