/* Unit tests for the kernel-mode code verifier (isolation/verify.c, isolation/x86_decode.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../isolation/isolation.h"

/*
 * The byte vectors below were generated once, when the tests were written,
 * with GNU as 2.40 and objdump (one instruction per line, its disassembly
 * in the comment); nothing is assembled at run time.
 */

#define PAGE 4096
#define MAX_PAGES 4
#define CODE 0x1000u	 /* image offset of the first code page */
#define GATE 0x3000u	 /* the gate's entry, right after two code pages */
#define SLOT 0x40020000u /* 1 GiB + 1 x 128 KiB, as slot 1 */

/* --- an image of a few pages, some of them gaps ------------------------- */

struct image {
	uint64_t start;
	unsigned npages;
	bool gap[MAX_PAGES];
	uint8_t page[MAX_PAGES][PAGE];
};

static struct image img;

static uint8_t *img_page(void *ctx, uint64_t off)
{
	struct image *im = ctx;
	/* The verifier asks only for page-aligned offsets inside its view. */
	if (off % PAGE || off < im->start || off >= im->start + (uint64_t)im->npages * PAGE)
		fail_msg("page(0x%llx) outside the view", (unsigned long long)off);
	unsigned i = (unsigned)((off - im->start) / PAGE);
	return im->gap[i] ? NULL : im->page[i];
}

/* A fresh image of npages pages at CODE, all nop. */
static void img_reset(unsigned npages)
{
	memset(&img, 0, sizeof(img));
	img.start = CODE;
	img.npages = npages;
	memset(img.page, 0x90, sizeof(img.page));
}

static uint8_t *at(uint64_t off)
{
	assert_true(off >= img.start && off < img.start + (uint64_t)img.npages * PAGE);
	return &img.page[(off - img.start) / PAGE][(off - img.start) % PAGE];
}

static void put(uint64_t off, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*at(off + i) = bytes[i];
}

#define PUT(off, ...)                                                                              \
	put(off, (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}))

static uint8_t scratch[MAX_PAGES * PAGE / 8];

/* The entry the tests give: the first bundle of the first code page. */
static uint64_t first_entry(const struct code_view *v)
{
	for (uint64_t off = v->start; v->page && off % PAGE == 0 && off < v->end; off += PAGE)
		if (v->page(v->ctx, off))
			return off;
	return v->start;
}

static int verify(uint64_t gate, uint32_t slot, uint64_t *bad, const char **why)
{
	struct code_view v = {img.start, img.start + (uint64_t)img.npages * PAGE, img_page, &img};
	return verify_code(&v, gate, first_entry(&v), slot, scratch, sizeof(scratch), bad, why);
}

static void expect_ok_at(const char *what, uint64_t gate)
{
	uint64_t bad = 0;
	const char *why = NULL;
	if (verify(gate, SLOT, &bad, &why))
		fail_msg("%s: refused at 0x%llx: %s", what, (unsigned long long)bad, why);
}

static void expect_ok(const char *what)
{
	expect_ok_at(what, GATE);
}

/* Refused at off, with a reason that contains frag. */
static void expect_refused(const char *what, uint64_t off, const char *frag)
{
	uint64_t bad = 0xdead;
	const char *why = NULL;
	if (!verify(GATE, SLOT, &bad, &why))
		fail_msg("%s: accepted, want \"%s\" at 0x%llx", what, frag,
			 (unsigned long long)off);
	assert_non_null(why);
	if (bad != off || !strstr(why, frag))
		fail_msg("%s: refused at 0x%llx (%s), want 0x%llx (%s)", what,
			 (unsigned long long)bad, why, (unsigned long long)off, frag);
}

/* --- encodings, from the SDM, independent of x86_decode.c --------------- */

/* and $mask, %R32 (81 /4 id, REX.B for r8-r15). */
static size_t enc_and(uint8_t *p, unsigned r, uint32_t imm)
{
	size_t n = 0;
	if (r >= 8)
		p[n++] = 0x41;
	p[n++] = 0x81;
	p[n++] = (uint8_t)(0xe0 | (r & 7));
	for (int k = 0; k < 4; k++)
		p[n++] = (uint8_t)(imm >> (8 * k));
	return n;
}

/* or $imm, %R64 (REX.W 81 /1 id). */
static size_t enc_or(uint8_t *p, unsigned r, uint32_t imm)
{
	size_t n = 0;
	p[n++] = (uint8_t)(0x48 | (r >> 3));
	p[n++] = 0x81;
	p[n++] = (uint8_t)(0xc8 | (r & 7));
	for (int k = 0; k < 4; k++)
		p[n++] = (uint8_t)(imm >> (8 * k));
	return n;
}

/* jmp *%R (FF /4) or call *%R (FF /2). */
static size_t enc_br(uint8_t *p, unsigned r, bool call)
{
	size_t n = 0;
	if (r >= 8)
		p[n++] = 0x41;
	p[n++] = 0xff;
	p[n++] = (uint8_t)((call ? 0xd0 : 0xe0) | (r & 7));
	return n;
}

/* The masked sequence through register r; returns its length. */
static size_t enc_masked(uint8_t *p, unsigned r, bool call)
{
	size_t n = enc_and(p, r, CFI_MASK);
	n += enc_or(p + n, r, CFI_MARKER);
	return n + enc_br(p + n, r, call);
}

/* jmp rel32 / call rel32 / jcc rel32 / jmp rel8 at off to target. */
static void put_rel32(uint64_t off, uint8_t op, uint64_t target)
{
	int32_t rel = (int32_t)(target - (off + 5));
	uint8_t b[5] = {op, (uint8_t)rel, (uint8_t)(rel >> 8), (uint8_t)(rel >> 16),
			(uint8_t)(rel >> 24)};
	put(off, b, 5);
}

static void put_jcc32(uint64_t off, uint64_t target)
{
	int32_t rel = (int32_t)(target - (off + 6));
	uint8_t b[6] = {0x0f,
			0x84,
			(uint8_t)rel,
			(uint8_t)(rel >> 8),
			(uint8_t)(rel >> 16),
			(uint8_t)(rel >> 24)};
	put(off, b, 6);
}

static void put_rel8(uint64_t off, uint8_t op, uint64_t target)
{
	int64_t rel = (int64_t)(target - (off + 2));
	assert_true(rel >= -128 && rel <= 127);
	uint8_t b[2] = {op, (uint8_t)(int8_t)rel};
	put(off, b, 2);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* --- vectors ------------------------------------------------------------- */

struct insn_case {
	uint8_t bytes[15];
	uint8_t len;
	const char *asm_text;
	const char *frag; /* refused: part of the reason */
};

/* real_func: a function as the rewritten compiler output would look (real.s). */
static const uint8_t real_func[] = {
    0xf3, 0x0f, 0x1e, 0xfa,				  /* 00: endbr64 */
    0x55,						  /* 04: push %rbp */
    0x48, 0x89, 0xe5,					  /* 05: mov %rsp,%rbp */
    0x53,						  /* 08: push %rbx */
    0x48, 0x83, 0xec, 0x18,				  /* 09: sub $0x18,%rsp */
    0x48, 0x8b, 0x44, 0xf7, 0x10,			  /* 0d: mov 0x10(%rdi,%rsi,8),%rax */
    0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, /* 12: nopw 0x0(%rax,%rax,1) */
    0xe8, 0x80, 0x00, 0x00, 0x00,			  /* 1b: call a0 */
    0x89, 0x45, 0xec,					  /* 20: mov %eax,-0x14(%rbp) */
    0x48, 0x8d, 0x0d, 0xb6, 0x00, 0x00, 0x00,		  /* 23: lea 0xb6(%rip),%rcx */
    0x0f, 0xb6, 0x14, 0x01,				  /* 2a: movzbl (%rcx,%rax,1),%edx */
    0x85, 0xd2,						  /* 2e: test %edx,%edx */
    0x74, 0x0e,						  /* 30: je 40 */
    0x0f, 0x85, 0x48, 0x00, 0x00, 0x00,			  /* 32: jne 80 */
    0x0f, 0x1f, 0x00,					  /* 38: nopl (%rax) */
    0xe8, 0xc0, 0x1f, 0x00, 0x00,			  /* 3b: call 2000 */
    0x48, 0x89, 0xfa,					  /* 40: mov %rdi,%rdx */
    0xb9, 0x10, 0x00, 0x00, 0x00,			  /* 43: mov $0x10,%ecx */
    0x31, 0xc0,						  /* 48: xor %eax,%eax */
    0xf3, 0x48, 0xab,					  /* 4a: rep stos %rax,%es:(%rdi) */
    0xf0, 0x48, 0x0f, 0xb1, 0x13,			  /* 4d: lock cmpxchg %rdx,(%rbx) */
    0x48, 0x0f, 0x45, 0xc2,				  /* 52: cmovne %rdx,%rax */
    0x48, 0x6b, 0xc0, 0x64,				  /* 56: imul $0x64,%rax,%rax */
    0x48, 0xc1, 0xe0, 0x03,				  /* 5a: shl $0x3,%rax */
    0x66, 0x90,						  /* 5e: xchg %ax,%ax */
    0x49, 0xba, 0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34,
    0x12,					    /* 60: movabs $0x123456789abcdef0,%r10 */
    0xc7, 0x44, 0x8c, 0x08, 0x01, 0x00, 0x00, 0x00, /* 6a: movl $0x1,0x8(%rsp,%rcx,4) */
    0x4c, 0x01, 0x14, 0xc5, 0x00, 0x00, 0x00, 0x00, /* 72: add %r10,0x0(,%rax,8) */
    0xe9, 0x81, 0x1f, 0x00, 0x00,		    /* 7a: jmp 2000 */
    0x90,					    /* 7f: nop */
    0x48, 0x8b, 0x5d, 0xf8,			    /* 80: mov -0x8(%rbp),%rbx */
    0xc9,					    /* 84: leave */
    0x41, 0x5b,					    /* 85: pop %r11 */
    0x41, 0x81, 0xe3, 0xe0, 0xff, 0x01, 0x00,	    /* 87: and $0x1ffe0,%r11d */
    0x49, 0x81, 0xcb, 0x00, 0x00, 0xfe, 0x7f,	    /* 8e: or $0x7ffe0000,%r11 */
    0x41, 0xff, 0xe3,				    /* 95: jmp *%r11 */
    0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, /* 98: nopl 0x0(%rax,%rax,1) */
    0x31, 0xc0,					    /* a0: xor %eax,%eax */
    0x48, 0x03, 0x07,				    /* a2: add (%rdi),%rax */
    0x48, 0x83, 0xc7, 0x08,			    /* a5: add $0x8,%rdi */
    0xff, 0xce,					    /* a9: dec %esi */
    0x7f, 0xf5,					    /* ab: jg a2 */
    0x90,					    /* ad: nop */
    0x48, 0x89, 0xc2,				    /* ae: mov %rax,%rdx */
    0x81, 0xe2, 0xe0, 0xff, 0x01, 0x00,		    /* b1: and $0x1ffe0,%edx */
    0x48, 0x81, 0xca, 0x00, 0x00, 0xfe, 0x7f,	    /* b7: or $0x7ffe0000,%rdx */
    0xff, 0xd2,					    /* be: call *%rdx */
    0x41, 0x5b,					    /* c0: pop %r11 */
    0x41, 0x81, 0xe3, 0xe0, 0xff, 0x01, 0x00,	    /* c2: and $0x1ffe0,%r11d */
    0x49, 0x81, 0xcb, 0x00, 0x00, 0xfe, 0x7f,	    /* c9: or $0x7ffe0000,%r11 */
    0x41, 0xff, 0xe3,				    /* d0: jmp *%r11 */
    0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00,
    0x00, 0x00,	      /* d3: data16 cs nopw 0x0(%rax,%rax,1) */
    0x66, 0x90,	      /* de: xchg %ax,%ax */
    0x01, 0x02,	      /* e0: add %eax,(%rdx) */
    0x03, 0x04, 0x66, /* e2: add (%rsi,%riz,2),%eax */
    0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00,
    0x00, /* e5: cs nopw 0x0(%rax,%rax,1) */
    0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00,
    0x00, 0x00,				/* ef: data16 cs nopw 0x0(%rax,%rax,1) */
    0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00, /* fa: nopw 0x0(%rax,%rax,1) */
};

/* Forbidden instructions and the reason each is refused with. */
static const struct insn_case privileged[] = {
    {{0x0f, 0x20, 0xd8}, 3, "mov %cr3,%rax", "0F 20 (mov from a control register)"},
    {{0x0f, 0x22, 0xd8}, 3, "mov %rax,%cr3", "0F 22 (mov to a control register)"},
    {{0x0f, 0x22, 0xe0}, 3, "mov %rax,%cr4", "0F 22 (mov to a control register)"},
    {{0x0f, 0x21, 0xf8}, 3, "mov %db7,%rax", "0F 21 (mov from a debug register)"},
    {{0x0f, 0x23, 0xf8}, 3, "mov %rax,%db7", "0F 23 (mov to a debug register)"},
    {{0x0f, 0x30}, 2, "wrmsr", "0F 30 (wrmsr)"},
    {{0x0f, 0x32}, 2, "rdmsr", "0F 32 (rdmsr)"},
    {{0x0f, 0x33}, 2, "rdpmc", "rdpmc (0F 33)"},
    {{0xe4, 0x60}, 2, "in $0x60,%al", "in/out (E4-E7)"},
    {{0xed}, 1, "in (%dx),%eax", "in/out (EC-EF)"},
    {{0xe6, 0x80}, 2, "out %al,$0x80", "in/out (E4-E7)"},
    {{0xef}, 1, "out %eax,(%dx)", "in/out (EC-EF)"},
    {{0x6c}, 1, "insb", "ins/outs"},
    {{0x6f}, 1, "outsl", "ins/outs"},
    {{0xf3, 0x6e}, 2, "rep outsb", "ins/outs"},
    {{0xf4}, 1, "hlt", "F4 (hlt)"},
    {{0xfa}, 1, "cli", "FA (cli)"},
    {{0xfb}, 1, "sti", "FB (sti)"},
    {{0x9d}, 1, "popf", "popf (9D)"},
    {{0x0f, 0x01, 0x10}, 3, "lgdt (%rax)", "0F 01 /2 (lgdt)"},
    {{0x0f, 0x01, 0x1d, 0x10, 0x00, 0x00, 0x00}, 7, "lidt 0x10(%rip)", "0F 01 /3 (lidt)"},
    {{0x0f, 0x01, 0x00}, 3, "sgdt (%rax)", "sgdt (0F 01 /0)"},
    {{0x0f, 0x01, 0x08}, 3, "sidt (%rax)", "sidt (0F 01 /1)"},
    {{0x0f, 0x01, 0xf0}, 3, "lmsw %ax", "0F 01 (system group"},
    {{0x0f, 0x01, 0x20}, 3, "smsw (%rax)", "smsw (0F 01 /4)"},
    {{0x0f, 0x01, 0x38}, 3, "invlpg (%rax)", "0F 01 /7 (invlpg)"},
    {{0x0f, 0x01, 0xbc, 0xf7, 0x00, 0x10, 0x00, 0x00},
     8,
     "invlpg 0x1000(%rdi,%rsi,8)",
     "0F 01 /7 (invlpg)"},
    {{0x48, 0xcf}, 2, "iretq", "CF (iret)"},
    {{0xcf}, 1, "iret", "CF (iret)"},
    {{0x48, 0x0f, 0x07}, 3, "sysretq", "0F 07 (sysret)"},
    {{0x0f, 0x07}, 2, "sysret", "0F 07 (sysret)"},
    {{0x0f, 0x05}, 2, "syscall", "syscall (0F 05)"},
    {{0x0f, 0x34}, 2, "sysenter", "sysenter (0F 34)"},
    {{0x0f, 0x35}, 2, "sysexit", "0F 35 (sysexit)"},
    {{0x0f, 0x01, 0xf8}, 3, "swapgs", "0F 01 F8 (swapgs)"},
    {{0x0f, 0x01, 0xef}, 3, "wrpkru", "wrpkru (0F 01 EF)"},
    {{0x0f, 0x01, 0xee}, 3, "rdpkru", "rdpkru (0F 01 EE)"},
    {{0x0f, 0xae, 0x28}, 3, "xrstor (%rax)", "xrstor (0F AE /5)"},
    {{0x48, 0x0f, 0xae, 0x6c, 0x24, 0x40}, 6, "xrstor64 0x40(%rsp)", "xrstor (0F AE /5)"},
    {{0x0f, 0xc7, 0x18}, 3, "xrstors (%rax)", "xrstors (0F C7 /3)"},
    {{0x48, 0x0f, 0xc7, 0x1f}, 4, "xrstors64 (%rdi)", "xrstors (0F C7 /3)"},
    {{0x0f, 0xae, 0x08}, 3, "fxrstor (%rax)", "fxrstor (0F AE /1)"},
    {{0x48, 0x0f, 0xae, 0x0f}, 4, "fxrstor64 (%rdi)", "fxrstor (0F AE /1)"},
    {{0x0f, 0xae, 0x00}, 3, "fxsave (%rax)", "fxsave (0F AE /0)"},
    {{0x0f, 0xae, 0x20}, 3, "xsave (%rax)", "xsave (0F AE /4)"},
    {{0x0f, 0xc7, 0x28}, 3, "xsaves (%rax)", "xsaves (0F C7 /5)"},
    {{0x0f, 0xae, 0x38}, 3, "clflush (%rax)", "clflush (0F AE /7)"},
    {{0x0f, 0x01, 0xd1}, 3, "xsetbv", "0F 01 D1 (xsetbv)"},
    {{0x0f, 0x01, 0xd0}, 3, "xgetbv", "xgetbv (0F 01 D0)"},
    {{0xcd, 0x80}, 2, "int $0x80", "int n (CD)"},
    {{0xcd, 0x21}, 2, "int $0x21", "int n (CD)"},
    {{0xcc}, 1, "int3", "int3 (CC)"},
    {{0xf1}, 1, "int1", "int1 (F1)"},
    {{0xce}, 1, ".byte 0xce", "into (CE)"},
    {{0x0f, 0x00, 0xd8}, 3, "ltr %ax", "0F 00 /3 (ltr)"},
    {{0x0f, 0x00, 0xd0}, 3, "lldt %ax", "0F 00 /2 (lldt)"},
    {{0x0f, 0x00, 0xc8}, 3, "str %eax", "str (0F 00 /1)"},
    {{0x0f, 0x00, 0x28}, 3, "verw (%rax)", "verw (0F 00 /5)"},
    {{0x0f, 0x06}, 2, "clts", "0F 06 (clts)"},
    {{0x0f, 0x09}, 2, "wbinvd", "0F 09 (wbinvd)"},
    {{0x0f, 0x08}, 2, "invd", "0F 08 (invd)"},
    {{0x0f, 0x01, 0xcb}, 3, "stac", "0F 01 CB (stac)"},
    {{0x0f, 0x01, 0xca}, 3, "clac", "0F 01 CA (clac)"},
    {{0x0f, 0x01, 0xc8}, 3, "monitor", "0F 01 C8 (monitor)"},
    {{0x0f, 0x01, 0xc9}, 3, "mwait", "0F 01 C9 (mwait)"},
    {{0x0f, 0x01, 0xc1}, 3, "vmcall", "0F 01 C1 (vmcall)"},
    {{0x0f, 0x01, 0xc2}, 3, "vmlaunch", "0F 01 C2 (vmlaunch)"},
    {{0x0f, 0x01, 0xd8}, 3, "vmrun", "0F 01 D8 (vmrun)"},
    {{0x0f, 0x02, 0xc0}, 3, "lar %ax,%eax", "lar (0F 02)"},
    {{0x0f, 0x03, 0xc0}, 3, "lsl %ax,%eax", "lsl (0F 03)"},
    {{0x8e, 0xd8}, 2, "mov %eax,%ds", "mov to a segment register (8E)"},
    {{0x8c, 0xd8}, 2, "mov %ds,%eax", "mov from a segment register (8C)"},
    {{0x8e, 0xe0}, 2, "mov %eax,%fs", "mov to a segment register (8E)"},
    {{0x0f, 0xa0}, 2, "push %fs", "push/pop fs"},
    {{0x0f, 0xa9}, 2, "pop %gs", "push/pop gs"},
    {{0x0f, 0xb2, 0x00}, 3, "lss (%rax),%eax", "lss (0F B2)"},
    {{0x0f, 0xb5, 0x00}, 3, "lgs (%rax),%eax", "lfs/lgs"},
    {{0xff, 0x28}, 2, "ljmp *(%rax)", "far jump (FF /5)"},
    {{0xff, 0x18}, 2, "lcall *(%rax)", "far call (FF /3)"},
    {{0xcb}, 1, "lret", "far return (CA/CB)"},
    {{0xca, 0x08, 0x00}, 3, "lret $8", "far return (CA/CB)"},
    {{0xc3}, 1, "ret", "ret is not allowed (returns must be masked)"},
    {{0xc2, 0x08, 0x00}, 3, "ret $8", "ret is not allowed (returns must be masked)"},
    {{0xf3, 0xc3}, 2, "rep ret", "ret is not allowed (returns must be masked)"},
    {{0xc8, 0x10, 0x00, 0x00}, 4, "enter $16,$0", "enter (C8)"},
    {{0xd9, 0x00}, 2, "fld (%rax)", "x87 instruction (D8-DF, long double)"},
    {{0xdb, 0xe3}, 2, "fninit", "x87 instruction (D8-DF, long double)"},
    {{0xdb, 0x6c, 0x24, 0x08}, 4, "fldt 8(%rsp)", "x87 instruction (D8-DF, long double)"},
    {{0x9b}, 1, "fwait", "fwait (9B)"},
    {{0x0f, 0x77}, 2, "emms", "emms (0F 77)"},
    {{0x0f, 0x6f, 0xc8}, 3, "movq %mm0,%mm1", "MMX instruction (mm register)"},
    {{0x0f, 0xef, 0xc0}, 3, "pxor %mm0,%mm0", "MMX instruction (mm register)"},
    {{0x48, 0x0f, 0x6e, 0xc0}, 4, "movq %rax,%mm0", "MMX instruction (mm register)"},
    {{0x0f, 0x2a, 0xc1}, 3, "cvtpi2ps %mm1,%xmm0", "MMX instruction (mm register)"},
    {{0xf2, 0x0f, 0xd6, 0xc1}, 4, "movdq2q %xmm1,%mm0", "MMX instruction (mm register)"},
    {{0x0f, 0x71, 0xd0, 0x01}, 4, "psrlw $1,%mm0", "MMX instruction (mm register)"},
    {{0x66, 0x0f, 0xf7, 0xc1}, 4, "maskmovdqu %xmm1,%xmm0", "maskmovdqu (66 0F F7)"},
    {{0x0f, 0xf7, 0xc1}, 3, "maskmovq %mm1,%mm0", "MMX instruction (mm register)"},
    {{0xf2, 0x0f, 0xf0, 0x00}, 4, "lddqu (%rax),%xmm0", "SSE3 or later"},
    {{0xf2, 0x0f, 0x12, 0xc1}, 4, "movddup %xmm1,%xmm0", "SSE3 or later"},
    {{0x66, 0x0f, 0x7c, 0xc1}, 4, "haddpd %xmm1,%xmm0", "SSE3 or later"},
    {{0x66, 0x0f, 0x38, 0x00, 0xc1}, 5, "pshufb %xmm1,%xmm0", "0F 38"},
    {{0x66, 0xf3, 0x0f, 0x58, 0xc1}, 5, "66 F3 addss", "more than one of the prefixes"},
    {{0xf0, 0x0f, 0x58, 0x00}, 4, "lock addps (%rax),%xmm0", "lock prefix (F0)"},
    {{0x0f, 0x50, 0x00}, 3, "movmskps (%rax),%eax", "needs a register operand"},
    {{0x0f, 0x13, 0xc1}, 3, "movlps %xmm0,%xmm1 (mod 11)", "needs a memory operand"},
    {{0x66, 0x0f, 0x73, 0xe0, 0x01}, 5, "66 0F 73 /4", "66 0F 73: only psrlq"},
    {{0x0f, 0xc3, 0x00}, 3, "movnti %eax,(%rax)", "movnti (0F C3)"},
    {{0xc5, 0xf4, 0x58, 0xd0}, 4, "vaddps %ymm0,%ymm1,%ymm2", "VEX prefix (C4/C5)"},
    {{0xc4, 0x41, 0x31, 0xef, 0xd0}, 5, "vpxor %xmm8,%xmm9,%xmm10", "VEX prefix (C4/C5)"},
    {{0x62, 0xf1, 0x74, 0x48, 0x58, 0xd0}, 6, "vaddps %zmm0,%zmm1,%zmm2", "EVEX prefix (62)"},
    {{0xc4, 0xe2, 0x60, 0xf2, 0xc8}, 5, "andn %eax,%ebx,%ecx", "VEX prefix (C4/C5)"},
    {{0xf2, 0x0f, 0x38, 0xf0, 0xc0}, 5, "crc32b %al,%eax", "0F 38"},
    {{0x0f, 0x38, 0xf0, 0x00}, 4, "movbe (%rax),%eax", "0F 38"},
    {{0x66, 0x0f, 0x3a, 0x0f, 0xc8, 0x01}, 6, "palignr $1,%xmm0,%xmm1", "0F 3A"},
    {{0x0f, 0xc7, 0xf0}, 3, "rdrand %eax", "rdrand (0F C7 /6)"},
    {{0x0f, 0xc7, 0xf8}, 3, "rdseed %eax", "rdseed (0F C7 /7)"},
    {{0x0f, 0xc7, 0x30}, 3, "vmptrld (%rax)", "vmptrld/rdrand (0F C7 /6)"},
    {{0x0f, 0x37}, 2, "getsec", "getsec (0F 37)"},
    {{0xf3, 0x48, 0x0f, 0xae, 0xd0}, 5, "wrfsbase %rax", "rep prefix (F2/F3)"},
    {{0xf3, 0x48, 0x0f, 0xae, 0xc8}, 5, "rdgsbase %rax", "rep prefix (F2/F3)"},
    {{0x0f, 0xb9, 0xc0}, 3, "ud1 %eax,%eax", "ud1 (0F B9)"},
    {{0x0f, 0xff, 0xc0}, 3, "ud0 %eax,%eax", "ud0 (0F FF)"},
    {{0xc7, 0xf8, 0xfa, 0xff, 0xff, 0xff}, 6, "xbegin .", "xabort/xbegin (C6/C7 /7)"},
    {{0xc6, 0xf8, 0x01}, 3, "xabort $1", "xabort/xbegin (C6/C7 /7)"},
    {{0x0f, 0x01, 0xd5}, 3, "xend", "xend (0F 01 D5)"},
    {{0x0f, 0x0e}, 2, "femms", "3DNow!"},
    {{0x0f, 0x0f, 0xc8, 0x9e}, 4, "pfadd %mm0,%mm1", "3DNow!"},
    {{0x0f, 0xaa}, 2, "rsm", "0F AA (rsm)"},
    {{0x0f, 0x78, 0xc3}, 3, "vmread %rax,%rbx", "vmread/vmwrite"},
    {{0xa1, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
     9,
     "movabs 0x1000,%eax",
     "64-bit absolute address (A0-A3)"},
    {{0x48, 0xa3, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
     10,
     "movabs %rax,0x1000",
     "64-bit absolute address (A0-A3)"},
    {{0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00},
     9,
     "mov %fs:0x28,%rax",
     "fs segment prefix (64)"},
    {{0x65, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00},
     9,
     "mov %gs:0,%rax",
     "gs segment prefix (65)"},
    {{0x67, 0x8b, 0x00}, 3, "addr32 mov (%eax),%eax", "address-size prefix (67)"},
    {{0xff, 0xe0}, 2, "jmp *%rax", "indirect jump without the CFI mask"},
    {{0xff, 0x20}, 2, "jmp *(%rax)", "indirect jump through memory (FF /4)"},
    {{0xff, 0x24, 0xc5, 0x10, 0x00, 0x00, 0x00},
     7,
     "jmp *0x10(,%rax,8)",
     "indirect jump through memory (FF /4)"},
    {{0xff, 0x15, 0x10, 0x00, 0x00, 0x00},
     6,
     "call *0x10(%rip)",
     "indirect call through memory (FF /2)"},
    {{0x3e, 0xff, 0xe0}, 3, "notrack jmp *%rax", "prefix on the indirect branch"},
    {{0xf2, 0xeb, 0xfd}, 3, "bnd jmp .", "rep prefix (F2/F3)"},
    {{0x66, 0xe8, 0xfc, 0xff}, 4, "data16 call .", "operand-size prefix 66 on a branch"},
    {{0xf3, 0x0f, 0x1e, 0xfb}, 4, "endbr32", "endbr32 (F3 0F 1E FB)"},
};

/* Whitelisted instructions, as gas encodes them, with their lengths. */
static const struct insn_case allowed[] = {
    {{0x00, 0x00}, 2, "add %al,(%rax)", NULL},
    {{0x48, 0x01, 0xc3}, 3, "add %rax,%rbx", NULL},
    {{0x4c, 0x03, 0x3d, 0x78, 0x56, 0x34, 0x12}, 7, "add 0x12345678(%rip),%r15", NULL},
    {{0x14, 0x7f}, 2, "adc $0x7f,%al", NULL},
    {{0x15, 0x78, 0x56, 0x34, 0x12}, 5, "adc $0x12345678,%eax", NULL},
    {{0x66, 0x15, 0x34, 0x12}, 4, "adc $0x1234,%ax", NULL},
    {{0x19, 0x4d, 0xf8}, 3, "sbb %ecx,-0x8(%rbp)", NULL},
    {{0x41, 0x81, 0xe0, 0x00, 0xff, 0xff, 0xff}, 7, "and $0xffffff00,%r8d", NULL},
    {{0x80, 0xcb, 0x01}, 3, "or $0x1,%bl", NULL},
    {{0x45, 0x31, 0xe4}, 3, "xor %r12d,%r12d", NULL},
    {{0x48, 0x81, 0xec, 0x00, 0x10, 0x00, 0x00}, 7, "sub $0x1000,%rsp", NULL},
    {{0x48, 0x3d, 0xff, 0xff, 0xff, 0x7f}, 6, "cmp $0x7fffffff,%rax", NULL},
    {{0x80, 0x3c, 0x0f, 0x00}, 4, "cmpb $0x0,(%rdi,%rcx,1)", NULL},
    {{0x66, 0x81, 0x7e, 0x10, 0x34, 0x12}, 6, "cmpw $0x1234,0x10(%rsi)", NULL},
    {{0xf0, 0x83, 0x07, 0x01}, 4, "lock addl $0x1,(%rdi)", NULL},
    {{0xf0, 0x0f, 0xc1, 0x02}, 4, "lock xadd %eax,(%rdx)", NULL},
    {{0xf0, 0x48, 0x0f, 0xc7, 0x0e}, 5, "lock cmpxchg16b (%rsi)", NULL},
    {{0x0f, 0xc7, 0x0e}, 3, "cmpxchg8b (%rsi)", NULL},
    {{0x55}, 1, "push %rbp", NULL},
    {{0x41, 0x57}, 2, "push %r15", NULL},
    {{0x41, 0x5c}, 2, "pop %r12", NULL},
    {{0x68, 0x78, 0x56, 0x34, 0x12}, 5, "push $0x12345678", NULL},
    {{0x6a, 0x7f}, 2, "push $0x7f", NULL},
    {{0x66, 0x68, 0x34, 0x12}, 4, "pushw $0x1234", NULL},
    {{0xff, 0x74, 0x24, 0x08}, 4, "pushq 0x8(%rsp)", NULL},
    {{0x8f, 0x00}, 2, "popq (%rax)", NULL},
    {{0x9c}, 1, "pushf", NULL},
    {{0x48, 0x63, 0xc7}, 3, "movslq %edi,%rax", NULL},
    {{0x4c, 0x63, 0x0e}, 3, "movslq (%rsi),%r9", NULL},
    {{0x48, 0x69, 0xfe, 0x78, 0x56, 0x34, 0x12}, 7, "imul $0x12345678,%rsi,%rdi", NULL},
    {{0x48, 0x6b, 0xca, 0x10}, 4, "imul $0x10,%rdx,%rcx", NULL},
    {{0x48, 0x0f, 0xaf, 0xfe}, 4, "imul %rsi,%rdi", NULL},
    {{0x0f, 0xaf, 0x50, 0x04}, 4, "imul 0x4(%rax),%edx", NULL},
    {{0x70, 0x0e}, 2, "jo .+0x10", NULL},
    {{0x75, 0xde}, 2, "jnz .-0x20", NULL},
    {{0x0f, 0x84, 0xfa, 0x00, 0x00, 0x00}, 6, "jz .+0x100", NULL},
    {{0x0f, 0x8e, 0xfa, 0xef, 0xff, 0xff}, 6, "jle .-0x1000", NULL},
    {{0x84, 0xc3}, 2, "test %al,%bl", NULL},
    {{0x48, 0x85, 0xc0}, 3, "test %rax,%rax", NULL},
    {{0xa8, 0x80}, 2, "test $0x80,%al", NULL},
    {{0xa9, 0x78, 0x56, 0x34, 0x12}, 5, "test $0x12345678,%eax", NULL},
    {{0xf6, 0x47, 0x08, 0x01}, 4, "testb $0x1,0x8(%rdi)", NULL},
    {{0xf7, 0x04, 0x58, 0x00, 0x00, 0x01, 0x00}, 7, "testl $0x10000,(%rax,%rbx,2)", NULL},
    {{0x66, 0xf7, 0x00, 0x00, 0x80}, 5, "testw $0x8000,(%rax)", NULL},
    {{0x48, 0x93}, 2, "xchg %rax,%rbx", NULL},
    {{0x87, 0x07}, 2, "xchg %eax,(%rdi)", NULL},
    {{0x88, 0xc3}, 2, "mov %al,%bl", NULL},
    {{0x4a, 0x89, 0x84, 0xc7, 0xff, 0xff, 0xff, 0x7f}, 8, "mov %rax,0x7fffffff(%rdi,%r8,8)", NULL},
    {{0x8b, 0x4d, 0x80}, 3, "mov -0x80(%rbp),%ecx", NULL},
    {{0x49, 0x8b, 0x04, 0x24}, 4, "mov (%r12),%rax", NULL},
    {{0x49, 0x8b, 0x45, 0x00}, 4, "mov (%r13),%rax", NULL},
    {{0x8b, 0x14, 0x85, 0x00, 0x00, 0x00, 0x00}, 7, "mov 0x0(,%rax,4),%edx", NULL},
    {{0x48, 0x8b, 0x14, 0x24}, 4, "mov (%rsp),%rdx", NULL},
    {{0x4c, 0x8b, 0x1d, 0x10, 0x00, 0x00, 0x00}, 7, "mov 0x10(%rip),%r11", NULL},
    {{0xc6, 0x07, 0x41}, 3, "movb $0x41,(%rdi)", NULL},
    {{0x66, 0xc7, 0x07, 0x42, 0x41}, 5, "movw $0x4142,(%rdi)", NULL},
    {{0xc7, 0x07, 0x44, 0x43, 0x42, 0x41}, 6, "movl $0x41424344,(%rdi)", NULL},
    {{0x48, 0xc7, 0x44, 0x24, 0x18, 0xff, 0xff, 0xff, 0xff}, 9, "movq $-1,0x18(%rsp)", NULL},
    {{0x4b, 0xc7, 0x84, 0xf5, 0x44, 0x33, 0x22, 0x11, 0x78, 0x56, 0x34, 0x12},
     12,
     "movq $0x12345678,0x11223344(%r13,%r14,8)",
     NULL},
    {{0xb1, 0x12}, 2, "mov $0x12,%cl", NULL},
    {{0x41, 0xb9, 0x78, 0x56, 0x34, 0x12}, 6, "mov $0x12345678,%r9d", NULL},
    {{0x66, 0x41, 0xb9, 0x34, 0x12}, 5, "mov $0x1234,%r9w", NULL},
    {{0x49, 0xb9, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11},
     10,
     "movabs $0x1122334455667788,%r9",
     NULL},
    {{0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11},
     10,
     "movabs $0x1122334455667788,%rax",
     NULL},
    {{0x48, 0x8d, 0x44, 0xb7, 0x08}, 5, "lea 0x8(%rdi,%rsi,4),%rax", NULL},
    {{0x8d, 0x48, 0xff}, 3, "lea -0x1(%rax),%ecx", NULL},
    {{0x48, 0x8d, 0x35, 0x78, 0x56, 0x34, 0x12}, 7, "lea 0x12345678(%rip),%rsi", NULL},
    {{0x90}, 1, "nop", NULL},
    {{0x66, 0x90}, 2, "xchg %ax,%ax", NULL},
    {{0xf3, 0x90}, 2, "pause", NULL},
    {{0x49, 0x90}, 2, "xchg %r8,%rax", NULL},
    {{0x66, 0x98}, 2, "cbtw", NULL},
    {{0x98}, 1, "cwtl", NULL},
    {{0x48, 0x98}, 2, "cltq", NULL},
    {{0x66, 0x99}, 2, "cwtd", NULL},
    {{0x99}, 1, "cltd", NULL},
    {{0x48, 0x99}, 2, "cqto", NULL},
    {{0x9e}, 1, "sahf", NULL},
    {{0x9f}, 1, "lahf", NULL},
    {{0xa4}, 1, "movsb", NULL},
    {{0x48, 0xa5}, 2, "movsq", NULL},
    {{0xf3, 0xa4}, 2, "rep movsb", NULL},
    {{0xf3, 0x48, 0xa5}, 3, "rep movsq", NULL},
    {{0xf3, 0xaa}, 2, "rep stosb", NULL},
    {{0xf3, 0xab}, 2, "rep stosl", NULL},
    {{0xf3, 0xa6}, 2, "repz cmpsb", NULL},
    {{0xf2, 0xae}, 2, "repnz scasb", NULL},
    {{0x48, 0xad}, 2, "lodsq", NULL},
    {{0x48, 0xa7}, 2, "cmpsq", NULL},
    {{0xaf}, 1, "scasl", NULL},
    {{0xc1, 0xc0, 0x03}, 3, "rol $0x3,%eax", NULL},
    {{0x48, 0xc1, 0xca, 0x1f}, 4, "ror $0x1f,%rdx", NULL},
    {{0x48, 0xd3, 0xe0}, 3, "shl %cl,%rax", NULL},
    {{0xd1, 0xe8}, 2, "shr %eax", NULL},
    {{0x49, 0xc1, 0xf8, 0x3f}, 4, "sar $0x3f,%r8", NULL},
    {{0xd0, 0xd3}, 2, "rcl %bl", NULL},
    {{0x66, 0xc1, 0xdb, 0x02}, 4, "rcr $2,%bx", NULL},
    {{0xd0, 0x27}, 2, "shlb $1,(%rdi)", NULL},
    {{0x48, 0xd3, 0x6d, 0x08}, 4, "shrq %cl,0x8(%rbp)", NULL},
    {{0xb8, 0x01, 0x00, 0x00, 0x00}, 5, "movl $0x1,%eax", NULL},
    {{0xc9}, 1, "leave", NULL},
    {{0xd7}, 1, "xlat", NULL},
    {{0xe2, 0xee}, 2, "loop .-0x10", NULL},
    {{0xe1, 0xee}, 2, "loope .-0x10", NULL},
    {{0xe0, 0xee}, 2, "loopne .-0x10", NULL},
    {{0xe3, 0x1e}, 2, "jrcxz .+0x20", NULL},
    {{0xe8, 0xfb, 0x0f, 0x00, 0x00}, 5, "call .+0x1000", NULL},
    {{0xe9, 0xfb, 0x0f, 0x00, 0x00}, 5, "jmp .+0x1000", NULL},
    {{0xeb, 0x0e}, 2, "jmp .+0x10", NULL},
    {{0xf5}, 1, "cmc", NULL},
    {{0xf8}, 1, "clc", NULL},
    {{0xf9}, 1, "stc", NULL},
    {{0xfc}, 1, "cld", NULL},
    {{0xfd}, 1, "std", NULL},
    {{0x48, 0xf7, 0x10}, 3, "notq (%rax)", NULL},
    {{0xf7, 0xd8}, 2, "neg %eax", NULL},
    {{0x48, 0xf7, 0xe1}, 3, "mul %rcx", NULL},
    {{0x48, 0xf7, 0xe9}, 3, "imul %rcx", NULL},
    {{0x49, 0xf7, 0xf0}, 3, "div %r8", NULL},
    {{0xf7, 0x3f}, 2, "idivl (%rdi)", NULL},
    {{0xfe, 0x00}, 2, "incb (%rax)", NULL},
    {{0x48, 0xff, 0xc8}, 3, "decq %rax", NULL},
    {{0x41, 0xff, 0xc2}, 3, "inc %r10d", NULL},
    {{0x66, 0xff, 0xc9}, 3, "dec %cx", NULL},
    {{0x48, 0xff, 0x44, 0x24, 0x08}, 5, "incq 0x8(%rsp)", NULL},
    {{0xff, 0x0c, 0x98}, 3, "decl (%rax,%rbx,4)", NULL},
    {{0x48, 0x0f, 0x44, 0xd8}, 4, "cmove %rax,%rbx", NULL},
    {{0x0f, 0x4c, 0x0f}, 3, "cmovl (%rdi),%ecx", NULL},
    {{0x4d, 0x0f, 0x45, 0xc8}, 4, "cmovnz %r8,%r9", NULL},
    {{0x0f, 0xb6, 0x07}, 3, "movzbl (%rdi),%eax", NULL},
    {{0x0f, 0xb7, 0xc0}, 3, "movzwl %ax,%eax", NULL},
    {{0x48, 0x0f, 0xbe, 0x45, 0xff}, 5, "movsbq -0x1(%rbp),%rax", NULL},
    {{0x0f, 0xbf, 0xca}, 3, "movswl %dx,%ecx", NULL},
    {{0x66, 0x0f, 0xb6, 0xc0}, 4, "movzbw %al,%ax", NULL},
    {{0x0f, 0x94, 0xc0}, 3, "sete %al", NULL},
    {{0x0f, 0x95, 0x07}, 3, "setne (%rdi)", NULL},
    {{0x41, 0x0f, 0x9f, 0xc0}, 4, "setg %r8b", NULL},
    {{0x0f, 0xa3, 0xc1}, 3, "bt %eax,%ecx", NULL},
    {{0x48, 0x0f, 0xab, 0x07}, 4, "bts %rax,(%rdi)", NULL},
    {{0x0f, 0xba, 0xf0, 0x03}, 4, "btr $0x3,%eax", NULL},
    {{0x48, 0x0f, 0xba, 0xf8, 0x3f}, 5, "btc $0x3f,%rax", NULL},
    {{0x0f, 0xba, 0x2f, 0x1f}, 4, "btsl $0x1f,(%rdi)", NULL},
    {{0x48, 0x0f, 0xbc, 0xc8}, 4, "bsf %rax,%rcx", NULL},
    {{0x0f, 0xbd, 0xd0}, 3, "bsr %eax,%edx", NULL},
    {{0xf3, 0x48, 0x0f, 0xbc, 0xc8}, 5, "tzcnt %rax,%rcx", NULL},
    {{0xf3, 0x0f, 0xbd, 0xd0}, 4, "lzcnt %eax,%edx", NULL},
    {{0xf3, 0x48, 0x0f, 0xb8, 0xc7}, 5, "popcnt %rdi,%rax", NULL},
    {{0xf3, 0x0f, 0xb8, 0x0e}, 4, "popcnt (%rsi),%ecx", NULL},
    {{0x48, 0x0f, 0xa4, 0xc3, 0x04}, 5, "shld $0x4,%rax,%rbx", NULL},
    {{0x0f, 0xa5, 0xc3}, 3, "shld %cl,%eax,%ebx", NULL},
    {{0x48, 0x0f, 0xac, 0xc3, 0x04}, 5, "shrd $0x4,%rax,%rbx", NULL},
    {{0x48, 0x0f, 0xad, 0x07}, 4, "shrd %cl,%rax,(%rdi)", NULL},
    {{0x48, 0x0f, 0xb1, 0x0a}, 4, "cmpxchg %rcx,(%rdx)", NULL},
    {{0x0f, 0xb0, 0xd9}, 3, "cmpxchg %bl,%cl", NULL},
    {{0x48, 0x0f, 0xc1, 0xc3}, 4, "xadd %rax,%rbx", NULL},
    {{0x0f, 0xc0, 0x07}, 3, "xadd %al,(%rdi)", NULL},
    {{0x0f, 0xc8}, 2, "bswap %eax", NULL},
    {{0x49, 0x0f, 0xcc}, 3, "bswap %r12", NULL},
    {{0x0f, 0xa2}, 2, "cpuid", NULL},
    {{0x0f, 0x31}, 2, "rdtsc", NULL},
    {{0x0f, 0x01, 0xf9}, 3, "rdtscp", NULL},
    {{0xf3, 0x0f, 0x1e, 0xfa}, 4, "endbr64", NULL},
    {{0x0f, 0xae, 0xe8}, 3, "lfence", NULL},
    {{0x0f, 0xae, 0x54, 0x24, 0xfc}, 5, "ldmxcsr -0x4(%rsp)", NULL},
    {{0x0f, 0xae, 0x18}, 3, "stmxcsr (%rax)", NULL},
    {{0x0f, 0x28, 0xc8}, 3, "movaps %xmm0,%xmm1", NULL},
    {{0x0f, 0x10, 0x00}, 3, "movups (%rax),%xmm0", NULL},
    {{0x66, 0x0f, 0xef, 0xc0}, 4, "pxor %xmm0,%xmm0", NULL},
    {{0x66, 0x45, 0x0f, 0xef, 0xff}, 5, "pxor %xmm15,%xmm15", NULL},
    {{0xf2, 0x0f, 0x10, 0x05, 0x78, 0x56, 0x34, 0x12}, 8, "movsd 0x12345678(%rip),%xmm0", NULL},
    {{0xf3, 0x0f, 0x11, 0x44, 0x24, 0x04}, 6, "movss %xmm0,0x4(%rsp)", NULL},
    {{0xf2, 0x0f, 0x59, 0x84, 0x8f, 0x00, 0x01, 0x00, 0x00},
     9,
     "mulsd 0x100(%rdi,%rcx,4),%xmm0",
     NULL},
    {{0xf2, 0x48, 0x0f, 0x2a, 0xc7}, 5, "cvtsi2sd %rdi,%xmm0", NULL},
    {{0xf2, 0x48, 0x0f, 0x2c, 0xc0}, 5, "cvttsd2si %xmm0,%rax", NULL},
    {{0xf3, 0x0f, 0x5a, 0xc0}, 4, "cvtss2sd %xmm0,%xmm0", NULL},
    {{0x66, 0x0f, 0x2e, 0xc1}, 4, "ucomisd %xmm1,%xmm0", NULL},
    {{0x0f, 0x2f, 0x07}, 3, "comiss (%rdi),%xmm0", NULL},
    {{0x0f, 0xc2, 0xc1, 0x01}, 4, "cmpltps %xmm1,%xmm0", NULL},
    {{0x0f, 0xc6, 0xc0, 0x1b}, 4, "shufps $0x1b,%xmm0,%xmm0", NULL},
    {{0x66, 0x0f, 0x70, 0xc0, 0x4e}, 5, "pshufd $0x4e,%xmm0,%xmm0", NULL},
    {{0x66, 0x0f, 0x73, 0xd8, 0x08}, 5, "psrldq $0x8,%xmm0", NULL},
    {{0x66, 0x0f, 0x72, 0xe1, 0x1f}, 5, "psrad $0x1f,%xmm1", NULL},
    {{0x66, 0x0f, 0xd7, 0xc0}, 4, "pmovmskb %xmm0,%eax", NULL},
    {{0x66, 0x48, 0x0f, 0x6e, 0xc7}, 5, "movq %rdi,%xmm0", NULL},
    {{0xf3, 0x0f, 0x7e, 0x07}, 4, "movq (%rdi),%xmm0", NULL},
    {{0x66, 0x0f, 0xd6, 0x07}, 4, "movq %xmm0,(%rdi)", NULL},
    {{0x66, 0x0f, 0x7f, 0x07}, 4, "movdqa %xmm0,(%rdi)", NULL},
    {{0x0f, 0x12, 0xc1}, 3, "movhlps %xmm1,%xmm0", NULL},
    {{0x0f, 0x16, 0x07}, 3, "movhps (%rdi),%xmm0", NULL},
    {{0x66, 0x0f, 0xc4, 0xc0, 0x03}, 5, "pinsrw $0x3,%eax,%xmm0", NULL},
    {{0x66, 0x0f, 0xe6, 0xc0}, 4, "cvttpd2dq %xmm0,%xmm0", NULL},
    {{0x66, 0x0f, 0xe7, 0x07}, 4, "movntdq %xmm0,(%rdi)", NULL},
    {{0x0f, 0xae, 0xf0}, 3, "mfence", NULL},
    {{0x0f, 0xae, 0xf8}, 3, "sfence", NULL},
    {{0x0f, 0x18, 0x08}, 3, "prefetcht0 (%rax)", NULL},
    {{0x0f, 0x18, 0x57, 0x40}, 4, "prefetcht1 0x40(%rdi)", NULL},
    {{0x0f, 0x18, 0x18}, 3, "prefetcht2 (%rax)", NULL},
    {{0x0f, 0x18, 0x84, 0x0e, 0x00, 0x01, 0x00, 0x00}, 8, "prefetchnta 0x100(%rsi,%rcx,1)", NULL},
    {{0x0f, 0x0d, 0x08}, 3, "prefetchw (%rax)", NULL},
    {{0x0f, 0x1f, 0x00}, 3, "nopl (%rax)", NULL},
    {{0x0f, 0x1f, 0x00}, 3, "nopl 0x0(%rax)", NULL},
    {{0x66, 0x0f, 0x1f, 0x04, 0x00}, 5, "nopw 0x0(%rax,%rax,1)", NULL},
    {{0x0f, 0x1f, 0x04, 0x00}, 4, "nopl 0x0(%rax,%rax,1)", NULL},
    {{0x2e, 0x66, 0x0f, 0x1f, 0x04, 0x00}, 6, "cs nopw 0x0(%rax,%rax,1)", NULL},
    {{0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
     11,
     ".byte 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0, 0, 0, 0",
     NULL},
    {{0x66, 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
     12,
     ".byte 0x66, 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0, 0, 0, 0",
     NULL},
    {{0x0f, 0x1f, 0xc0}, 3, "nopl %eax", NULL},
    {{0x0f, 0x0b}, 2, "ud2", NULL},
    {{0x2e, 0xc7, 0x00, 0x01, 0x00, 0x00, 0x00}, 7, "cs movl $0x1,(%rax)", NULL},
    {{0x3e, 0x8b, 0x00}, 3, "ds mov (%rax),%eax", NULL},
    {{0xf0, 0x48, 0x83, 0x0c, 0x24, 0x01}, 6, "lock orq $0x1,(%rsp)", NULL},
    {{0x66, 0x81, 0x00, 0x34, 0x12}, 5, "addw $0x1234,(%rax)", NULL},
    {{0x66, 0x48, 0xc7, 0x00, 0x01, 0x02, 0x03, 0x04},
     8,
     ".byte 0x66, 0x48, 0xc7, 0x00, 0x01, 0x02, 0x03, 0x04",
     NULL},
    {{0x66, 0x48, 0xb8, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08},
     11,
     ".byte 0x66, 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8",
     NULL},
    {{0x66, 0xb8, 0x34, 0x12}, 4, ".byte 0x66, 0xb8, 0x34, 0x12", NULL},
    {{0x66, 0x68, 0x34, 0x12}, 4, ".byte 0x66, 0x68, 0x34, 0x12", NULL},
    {{0x66, 0x69, 0xc0, 0x34, 0x12}, 5, ".byte 0x66, 0x69, 0xc0, 0x34, 0x12", NULL},
    {{0x66, 0xa9, 0x34, 0x12}, 4, ".byte 0x66, 0xa9, 0x34, 0x12", NULL},
    {{0x66, 0xf7, 0xc0, 0x34, 0x12}, 5, ".byte 0x66, 0xf7, 0xc0, 0x34, 0x12", NULL},
    {{0x26, 0x2e, 0x36, 0x3e, 0x90}, 5, ".byte 0x26, 0x2e, 0x36, 0x3e, 0x90", NULL},
    {{0x2e, 0x74, 0x00}, 3, ".byte 0x2e, 0x74, 0x00", NULL},
    {{0x3e, 0x0f, 0x84, 0x00, 0x00, 0x00, 0x00}, 7, ".byte 0x3e, 0x0f, 0x84, 0, 0, 0, 0", NULL},
    {{0x48, 0xe9, 0x00, 0x00, 0x00, 0x00}, 6, ".byte 0x48, 0xe9, 0, 0, 0, 0", NULL},
    {{0x41, 0x90}, 2, ".byte 0x41, 0x90", NULL},
    {{0xf3, 0x41, 0x90}, 3, ".byte 0xf3, 0x41, 0x90", NULL},
    {{0x66, 0xf3, 0x0f, 0xb8, 0xc0}, 5, ".byte 0x66, 0xf3, 0x0f, 0xb8, 0xc0", NULL},
    {{0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
     8,
     ".byte 0x0f, 0x1f, 0x84, 0x00, 0, 0, 0, 0",
     NULL},
};

/* clang-format off */
/* objdump lengths of [prefix] OP 84 24 11 22 33 44 ...: none, 66, REX.W */
static const uint8_t objdump_len_map1[3][256] = {
    {
         7,  7,  7,  7,  2,  5,  0,  0,  7,  7,  7,  7,  2,  5,  0,  6,
         7,  7,  7,  7,  2,  5,  0,  0,  7,  7,  7,  7,  2,  5,  0,  0,
         7,  7,  7,  7,  2,  5,  4,  0,  7,  7,  7,  7,  2,  5,  4,  0,
         7,  7,  7,  7,  2,  5,  4,  0,  7,  7,  7,  7,  2,  5,  4,  0,
         4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,  4,
         1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,
         0,  0,  0,  7,  4,  4,  4,  4,  5, 11,  2,  8,  1,  1,  1,  1,
         2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,
         8, 11,  0,  8,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,
         1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  0,  1,  1,  1,  1,  1,
         9,  9,  9,  9,  1,  1,  1,  1,  2,  5,  1,  1,  1,  1,  1,  1,
         2,  2,  2,  2,  2,  2,  2,  2,  5,  5,  5,  5,  5,  5,  5,  5,
         8,  8,  3,  1,  0,  0,  8, 11,  4,  1,  3,  1,  1,  2,  0,  1,
         7,  7,  7,  7,  0,  0,  0,  1,  7,  7,  7,  7,  7,  7,  7,  7,
         2,  2,  2,  2,  2,  2,  2,  2,  5,  5,  0,  2,  1,  1,  1,  1,
         4,  1,  4,  4,  1,  1,  8, 11,  1,  1,  1,  1,  1,  1,  7,  7,
    },
    {
         8,  8,  8,  8,  3,  4,  0,  0,  8,  8,  8,  8,  3,  4,  0,  5,
         8,  8,  8,  8,  3,  4,  0,  0,  8,  8,  8,  8,  3,  4,  0,  0,
         8,  8,  8,  8,  3,  4,  5,  0,  8,  8,  8,  8,  3,  4,  5,  0,
         8,  8,  8,  8,  3,  4,  5,  0,  8,  8,  8,  8,  3,  4,  5,  0,
         5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,
         2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,
         0,  0,  0,  8,  5,  5,  5,  5,  4, 10,  3,  9,  2,  2,  2,  2,
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
         9, 10,  0,  9,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
         2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  0,  2,  2,  2,  2,  2,
        10, 10, 10, 10,  2,  2,  2,  2,  3,  4,  2,  2,  2,  2,  2,  2,
         3,  3,  3,  3,  3,  3,  3,  3,  4,  4,  4,  4,  4,  4,  4,  4,
         9,  9,  4,  2,  0,  0,  9, 10,  5,  2,  4,  2,  2,  3,  0,  2,
         8,  8,  8,  8,  0,  0,  0,  2,  8,  8,  8,  8,  8,  8,  8,  8,
         3,  3,  3,  3,  3,  3,  3,  3,  4,  4,  0,  3,  2,  2,  2,  2,
         5,  2,  5,  5,  2,  2,  9, 10,  2,  2,  2,  2,  2,  2,  8,  8,
    },
    {
         8,  8,  8,  8,  3,  6,  0,  0,  8,  8,  8,  8,  3,  6,  0,  7,
         8,  8,  8,  8,  3,  6,  0,  0,  8,  8,  8,  8,  3,  6,  0,  0,
         8,  8,  8,  8,  3,  6,  1,  0,  8,  8,  8,  8,  3,  6,  1,  0,
         8,  8,  8,  8,  3,  6,  1,  0,  8,  8,  8,  8,  3,  6,  1,  0,
         1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1,
         2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  2,
         0,  0,  0,  8,  1,  1,  1,  1,  6, 12,  3,  9,  2,  2,  2,  2,
         3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,  3,
         9, 12,  0,  9,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
         2,  2,  2,  2,  2,  2,  2,  2,  2,  2,  0,  1,  2,  2,  2,  2,
        10, 10, 10, 10,  2,  2,  2,  2,  3,  6,  2,  2,  2,  2,  2,  2,
         3,  3,  3,  3,  3,  3,  3,  3, 10, 10, 10, 10, 10, 10, 10, 10,
         9,  9,  4,  2,  0,  0,  9, 12,  5,  2,  4,  2,  2,  3,  0,  2,
         8,  8,  8,  8,  0,  0,  0,  2,  8,  8,  8,  8,  8,  8,  8,  8,
         3,  3,  3,  3,  3,  3,  3,  3,  6,  6,  0,  3,  2,  2,  2,  2,
         1,  2,  1,  1,  2,  2,  9, 12,  2,  2,  2,  2,  2,  2,  8,  8,
    },
};
/* objdump lengths of [prefix] 0F OP 84 24 11 22 33 44 ...: none, 66, REX.W */
static const uint8_t objdump_len_map0f[3][256] = {
    {
         8,  8,  8,  8,  0,  2,  2,  2,  2,  2,  0,  2,  0,  8,  2,  0,
         8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
         3,  3,  3,  3,  0,  0,  0,  0,  8,  8,  8,  8,  8,  8,  8,  8,
         2,  2,  2,  2,  2,  2,  0,  2,  0,  0,  0,  0,  0,  0,  0,  0,
         8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
         0,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
         8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  0,  0,  8,  8,
         9,  0,  0,  0,  8,  8,  8,  2,  8,  8,  0,  0,  0,  0,  8,  8,
         6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,
         8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,  8,
         2,  2,  2,  8,  9,  8,  0,  0,  2,  2,  2,  8,  9,  8,  8,  8,
         8,  8,  8,  8,  8,  8,  8,  8,  0,  8,  0,  8,  8,  8,  8,  8,
         8,  8,  9,  8,  9,  0,  9,  0,  2,  2,  2,  2,  2,  2,  2,  2,
         0,  8,  8,  8,  8,  8,  0,  0,  8,  8,  8,  8,  8,  8,  8,  8,
         8,  8,  8,  8,  8,  8,  0,  8,  8,  8,  8,  8,  8,  8,  8,  8,
         0,  8,  8,  8,  8,  8,  8,  0,  8,  8,  8,  8,  8,  8,  8,  8,
    },
    {
         9,  9,  9,  9,  0,  3,  3,  3,  3,  0,  0,  3,  0,  9,  3,  0,
         9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,
         4,  4,  4,  4,  0,  0,  0,  0,  9,  9,  9,  9,  9,  9,  9,  9,
         3,  3,  3,  3,  3,  3,  0,  3,  0,  0,  0,  0,  0,  0,  0,  0,
         9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,
         0,  9,  0,  0,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,
         9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,
        10,  0,  0,  0,  9,  9,  9,  0,  0,  0,  0,  0,  9,  9,  9,  9,
         5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,  5,
         9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,
         3,  3,  3,  9, 10,  9,  0,  0,  3,  3,  3,  9, 10,  9,  9,  9,
         9,  9,  9,  9,  9,  9,  9,  9,  0,  9,  0,  9,  9,  9,  9,  9,
         9,  9, 10,  0, 10,  0, 10,  0,  3,  3,  3,  3,  3,  3,  3,  3,
         9,  9,  9,  9,  9,  9,  9,  0,  9,  9,  9,  9,  9,  9,  9,  9,
         9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,
         0,  9,  9,  9,  9,  9,  9,  0,  9,  9,  9,  9,  9,  9,  9,  9,
    },
    {
         9,  9,  9,  9,  0,  3,  3,  3,  3,  3,  0,  3,  0,  9,  3,  0,
         9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,
         4,  4,  4,  4,  0,  0,  0,  0,  9,  9,  9,  9,  9,  9,  9,  9,
         3,  3,  3,  3,  3,  3,  0,  3,  0,  0,  0,  0,  0,  0,  0,  0,
         9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,
         0,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,
         9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  0,  0,  9,  9,
        10,  0,  0,  0,  9,  9,  9,  3,  9,  9,  0,  0,  0,  0,  9,  9,
         7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,
         9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,  9,
         3,  3,  3,  9, 10,  9,  0,  0,  3,  3,  3,  9, 10,  9,  9,  9,
         9,  9,  9,  9,  9,  9,  9,  9,  0,  9,  0,  9,  9,  9,  9,  9,
         9,  9, 10,  9, 10,  0, 10,  0,  3,  3,  3,  3,  3,  3,  3,  3,
         0,  9,  9,  9,  9,  9,  0,  0,  9,  9,  9,  9,  9,  9,  9,  9,
         9,  9,  9,  9,  9,  9,  0,  9,  9,  9,  9,  9,  9,  9,  9,  9,
         0,  9,  9,  9,  9,  9,  9,  0,  9,  9,  9,  9,  9,  9,  9,  9,
    },
};
/* clang-format on */

/* --- accepting real code ------------------------------------------------- */

/* The or instructions of real_func, whose markers become the slot base. */
static const unsigned real_func_ors[] = {0x8e, 0xb7, 0xc9};

static void test_accept_realistic_function(void **state)
{
	img_reset(2);
	put(CODE, real_func, sizeof(real_func));
	uint8_t before[2][PAGE];
	memcpy(before, img.page, sizeof(before));

	expect_ok("real_func");

	/* Exactly the three markers changed, each to the slot base. */
	for (size_t i = 0; i < 3; i++) {
		uint64_t imm = CODE + real_func_ors[i] + 3;
		assert_int_equal(le32(before[0] + (imm - CODE)), CFI_MARKER);
		assert_int_equal(le32(at(imm)), SLOT);
		memcpy(&before[0][imm - CODE], at(imm), 4);
	}
	assert_memory_equal(before, img.page, sizeof(before));
}

/* The same function with every slot base the scheme allows at its edges. */
static void test_patch_slot_bases(void **state)
{
	static const uint32_t bases[] = {0, CFI_SLOT_SIZE, 0x40000000u, 0x7ffe0000u};
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		img_reset(2);
		put(CODE, real_func, sizeof(real_func));
		uint64_t bad;
		const char *why;
		assert_int_equal(verify(GATE, bases[b], &bad, &why), 0);
		for (size_t i = 0; i < 3; i++)
			assert_int_equal(le32(at(CODE + real_func_ors[i] + 3)), bases[b]);
	}
}

/* Every register but rsp, jmp and call, in the 81 forms and rax's short ones. */
static void test_masked_every_register(void **state)
{
	for (unsigned r = 0; r < 16; r++) {
		if (r == 4)
			continue;
		for (int call = 0; call < 2; call++) {
			uint8_t seq[32];
			size_t n = enc_masked(seq, r, call);
			img_reset(2);
			/* A call ends its bundle; a jmp starts one. */
			uint64_t off = call ? CODE + 0x40 - n : CODE + 0x40;
			put(off, seq, n);
			uint64_t or_imm = off + (r >= 8 ? 7 : 6) + 3;
			put_rel8(CODE + 0x80, 0xeb, off); /* the and is a fine target */
			expect_ok("masked sequence");
			assert_int_equal(le32(at(or_imm)), SLOT);
			/* Patched code is not verified twice. */
			expect_refused("patched marker, verified again", or_imm - 3,
				       "or immediate is not CFI_MARKER");
		}
	}

	/* and $0x1ffe0,%eax; or $0x7ffe0000,%rax; jmp *%rax as gas writes it. */
	img_reset(2);
	PUT(CODE + 0x20, 0x25, 0xe0, 0xff, 0x01, 0x00, 0x48, 0x0d, 0x00, 0x00, 0xfe, 0x7f, 0xff,
	    0xe0);
	expect_ok("rax short forms");
	assert_int_equal(le32(at(CODE + 0x20 + 7)), SLOT);
	/* Mixed: the 81 and with the short or, and the other way round. */
	img_reset(2);
	PUT(CODE + 0x20, 0x81, 0xe0, 0xe0, 0xff, 0x01, 0x00, 0x48, 0x0d, 0x00, 0x00, 0xfe, 0x7f,
	    0xff, 0xe0);
	expect_ok("81 and, 0D or");
	img_reset(2);
	PUT(CODE + 0x20, 0x25, 0xe0, 0xff, 0x01, 0x00, 0x48, 0x81, 0xc8, 0x00, 0x00, 0xfe, 0x7f,
	    0xff, 0xe0);
	expect_ok("25 and, 81 or");
	/* REX.W on the branch changes nothing and is accepted. */
	img_reset(2);
	uint8_t seq[32];
	size_t n = enc_and(seq, 11, CFI_MASK);
	n += enc_or(seq + n, 11, CFI_MARKER);
	seq[n++] = 0x49, seq[n++] = 0xff, seq[n++] = 0xe3;
	put(CODE, seq, n);
	expect_ok("REX.WB jmp");
}

/* Direct calls and jumps to the gate; jmp rel32 across a page. */
static void test_gate_and_pages(void **state)
{
	img_reset(2);
	put_rel32(CODE + 0x1b, 0xe8, GATE);	     /* call gate, ends the bundle */
	put_rel32(CODE + 0x20, 0xe9, GATE);	     /* jmp gate */
	put_rel32(CODE + 0x25, 0xe9, CODE + 0x1040); /* into the next page */
	put_jcc32(CODE + 0x1040, CODE + 0x20);	     /* and back */
	put_rel8(CODE + 0x1046, 0x74, CODE + 0x1040);
	put_rel8(CODE + 0x1048, 0xe2, CODE + 0x1046); /* loop */
	put_rel8(CODE + 0x104a, 0xe3, CODE + 0x1060); /* jrcxz */
	put_rel32(CODE + 0x107b, 0xe8, CODE);	      /* call the start */
	expect_ok("gate and pages");

	/* The gate may be anywhere outside the code, e.g. before it. */
	img_reset(2);
	put_rel32(CODE + 0x1b, 0xe8, 0);
	expect_ok_at("gate at 0", 0);
}

/* --- refusing ---------------------------------------------------------- */

/* Each forbidden instruction at a bundle start, in mid-bundle, at the end. */
static void test_refuse_privileged(void **state)
{
	for (size_t i = 0; i < sizeof(privileged) / sizeof(privileged[0]); i++) {
		const struct insn_case *c = &privileged[i];
		const uint64_t offs[] = {CODE + 0x40, CODE + 0x45, CODE + 0x1000 - c->len,
					 CODE + 0x1000};
		for (size_t k = 0; k < 4; k++) {
			img_reset(2);
			put(offs[k], c->bytes, c->len);
			expect_refused(c->asm_text, offs[k], c->frag);
		}
	}
}

/*
 * Forbidden bytes inside another instruction's immediate or displacement
 * are harmless while no branch reaches them: decoding from bundle starts
 * never sees them.  A direct branch to them is refused.
 */
static void test_hidden_privileged(void **state)
{
	for (size_t i = 0; i < sizeof(privileged) / sizeof(privileged[0]); i++) {
		const struct insn_case *c = &privileged[i];
		if (c->len > 8)
			continue;
		/* movabs $imm64, %rax with the instruction in the imm64. */
		uint8_t movabs[10] = {0x48, 0xb8};
		memset(movabs + 2, 0x90, 8);
		memcpy(movabs + 2, c->bytes, c->len);
		img_reset(2);
		put(CODE + 0x40, movabs, sizeof(movabs));
		expect_ok(c->asm_text);

		put_rel8(CODE + 0x60, 0xeb, CODE + 0x42);
		expect_refused(c->asm_text, CODE + 0x60, "into the middle of an instruction");
		memset(at(CODE + 0x60), 0x90, 2);
		put_jcc32(CODE + 0x100, CODE + 0x42);
		expect_refused(c->asm_text, CODE + 0x100, "into the middle of an instruction");
		memset(at(CODE + 0x100), 0x90, 6);
		put_rel32(CODE + 0x13b, 0xe8, CODE + 0x42);
		expect_refused(c->asm_text, CODE + 0x13b, "into the middle of an instruction");
	}

	/* The examples of the brief: wrpkru in a mov's imm32, and in a disp32. */
	img_reset(2);
	PUT(CODE + 0x20, 0xb8, 0x0f, 0x01, 0xef, 0x00);		    /* mov $0xef010f, %eax */
	PUT(CODE + 0x25, 0x48, 0x8d, 0x05, 0x0f, 0x01, 0xef, 0x00); /* lea 0xef010f(%rip) */
	PUT(CODE + 0x2c, 0xc7, 0x00, 0x0f, 0x30, 0x0f, 0x05);	    /* movl $wrmsr;syscall */
	expect_ok("hidden wrpkru");
	put_rel8(CODE + 0x40, 0xeb, CODE + 0x21);
	expect_refused("jmp to hidden wrpkru", CODE + 0x40, "into the middle of an instruction");
	put_rel8(CODE + 0x40, 0xeb, CODE + 0x28);
	expect_refused("jmp to hidden wrpkru", CODE + 0x40, "into the middle of an instruction");
	put_rel8(CODE + 0x40, 0x75, CODE + 0x2e);
	expect_refused("jne to hidden wrmsr", CODE + 0x40, "into the middle of an instruction");
	put_rel8(CODE + 0x40, 0xeb, CODE + 0x25);
	expect_ok("jmp to the lea itself");
}

static void test_refuse_ret(void **state)
{
	static const struct {
		uint8_t b[4];
		size_t n;
	} rets[] = {{{0xc3}, 1},
		    {{0xc2, 0x08, 0x00}, 3},
		    {{0xf3, 0xc3}, 2},
		    {{0x48, 0xc3}, 2},
		    {{0x66, 0xc3}, 2}};
	for (size_t i = 0; i < sizeof(rets) / sizeof(rets[0]); i++) {
		img_reset(2);
		put(CODE + 0x80, rets[i].b, rets[i].n);
		expect_refused("ret", CODE + 0x80, "ret is not allowed (returns must be masked)");
	}
	/* pop %r11; jmp *%r11 is a return without the mask. */
	img_reset(2);
	PUT(CODE + 0x80, 0x41, 0x5b, 0x41, 0xff, 0xe3);
	expect_refused("unmasked return", CODE + 0x82, "indirect jump without the CFI mask");
}

static void test_refuse_unmasked_indirect(void **state)
{
	img_reset(2);
	PUT(CODE + 0x40, 0xff, 0xe0); /* jmp *%rax */
	expect_refused("jmp *%rax", CODE + 0x40, "indirect jump without the CFI mask");
	img_reset(2);
	PUT(CODE + 0x5e, 0xff, 0xd0); /* call *%rax, ending its bundle */
	expect_refused("call *%rax", CODE + 0x5e, "indirect call without the CFI mask");
	img_reset(2);
	PUT(CODE + 0x40, 0x41, 0xff, 0xe3); /* jmp *%r11 */
	expect_refused("jmp *%r11", CODE + 0x40, "indirect jump without the CFI mask");
	img_reset(2);
	PUT(CODE + 0x40, 0xff, 0x20); /* jmp *(%rax) */
	expect_refused("jmp *(%rax)", CODE + 0x40, "indirect jump through memory");
	img_reset(2);
	PUT(CODE + 0x40, 0xff, 0x24, 0xc5, 0x00, 0x10, 0x00, 0x00); /* jmp *0x1000(,%rax,8) */
	expect_refused("jump table", CODE + 0x40, "indirect jump through memory");
	img_reset(2);
	PUT(CODE + 0x5a, 0xff, 0x15, 0x00, 0x00, 0x00, 0x00); /* call *0(%rip) */
	expect_refused("call *mem", CODE + 0x5a, "indirect call through memory");

	/* Only an and, only an or, something in between. */
	uint8_t seq[40];
	size_t n = enc_and(seq, 0, CFI_MASK);
	n += enc_br(seq + n, 0, false);
	img_reset(2);
	put(CODE + 0x40, seq, n);
	expect_refused("and; jmp", CODE + 0x46, "indirect jump without the CFI mask");
	n = enc_or(seq, 0, CFI_MARKER);
	n += enc_br(seq + n, 0, false);
	img_reset(2);
	put(CODE + 0x40, seq, n);
	expect_refused("or; jmp", CODE + 0x47, "indirect jump without the CFI mask");
	n = enc_and(seq, 0, CFI_MASK);
	n += enc_or(seq + n, 0, CFI_MARKER);
	seq[n++] = 0x90;
	n += enc_br(seq + n, 0, false);
	img_reset(2);
	put(CODE + 0x40, seq, n);
	expect_refused("and; or; nop; jmp", CODE + 0x4e, "indirect jump without the CFI mask");
	n = enc_or(seq, 0, CFI_MARKER);
	n += enc_and(seq + n, 0, CFI_MASK);
	n += enc_br(seq + n, 0, false);
	img_reset(2);
	put(CODE + 0x40, seq, n);
	expect_refused("or; and; jmp", CODE + 0x4d, "indirect jump without the CFI mask");
}

/* A masked sequence with one thing wrong. */
static void test_refuse_bad_masked(void **state)
{
	uint8_t seq[40];
	size_t n;

	/* Registers: the or's, then the and's. */
	n = enc_and(seq, 11, CFI_MASK);
	n += enc_or(seq + n, 11, CFI_MARKER);
	n += enc_br(seq + n, 10, false);
	img_reset(2);
	put(CODE + 0x40, seq, n);
	expect_refused("or r11, jmp r10", CODE + 0x47, "registers differ");
	n = enc_and(seq, 10, CFI_MASK);
	n += enc_or(seq + n, 11, CFI_MARKER);
	n += enc_br(seq + n, 11, false);
	img_reset(2);
	put(CODE + 0x40, seq, n);
	expect_refused("and r10, jmp r11", CODE + 0x40, "registers differ");
	n = enc_and(seq, 3, CFI_MASK); /* ebx, and rbx's REX.B twin r11 */
	n += enc_or(seq + n, 11, CFI_MARKER);
	n += enc_br(seq + n, 11, false);
	img_reset(2);
	put(CODE + 0x40, seq, n);
	expect_refused("and ebx, jmp r11", CODE + 0x40, "registers differ");

	/* Masks and markers. */
	static const uint32_t masks[] = {0x1ffc0, 0xfffe0, 0x3ffe0, 0xffffffe0, 0x1ffe1, 0};
	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		n = enc_and(seq, 11, masks[i]);
		n += enc_or(seq + n, 11, CFI_MARKER);
		n += enc_br(seq + n, 11, false);
		img_reset(2);
		put(CODE + 0x40, seq, n);
		expect_refused("wrong mask", CODE + 0x40, "and mask is not 0x1ffe0");
	}
	static const uint32_t markers[] = {0x7ffe0001, SLOT, 0, 0xfffe0000};
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		n = enc_and(seq, 11, CFI_MASK);
		n += enc_or(seq + n, 11, markers[i]);
		n += enc_br(seq + n, 11, false);
		img_reset(2);
		put(CODE + 0x40, seq, n);
		expect_refused("wrong marker", CODE + 0x47, "or immediate is not CFI_MARKER");
	}

	/* rsp. */
	n = enc_masked(seq, 4, false);
	img_reset(2);
	put(CODE + 0x40, seq, n);
	expect_refused("rsp", CODE + 0x40, "masked sequence through rsp");

	/* and on the 64-bit register (REX.WB), or on the 32-bit one, 16-bit and. */
	img_reset(2);
	PUT(CODE + 0x40, 0x49, 0x81, 0xe3, 0xe0, 0xff, 0x01, 0x00, /* and $0x1ffe0,%r11 */
	    0x49, 0x81, 0xcb, 0x00, 0x00, 0xfe, 0x7f, 0x41, 0xff, 0xe3);
	expect_refused("64-bit and", CODE + 0x40, "and must use the 32-bit register");
	img_reset(2);
	PUT(CODE + 0x40, 0x41, 0x81, 0xe3, 0xe0, 0xff, 0x01, 0x00, /* or $0x7ffe0000,%r11d */
	    0x41, 0x81, 0xcb, 0x00, 0x00, 0xfe, 0x7f, 0x41, 0xff, 0xe3);
	expect_refused("32-bit or", CODE + 0x4e, "indirect jump without the CFI mask");
	img_reset(2);
	PUT(CODE + 0x40, 0x66, 0x41, 0x81, 0xe3, 0xe0, 0xff, /* and $0xffe0,%r11w */
	    0x49, 0x81, 0xcb, 0x00, 0x00, 0xfe, 0x7f, 0x41, 0xff, 0xe3);
	expect_refused("16-bit and", CODE + 0x4d, "indirect jump without the CFI mask");
	img_reset(2);
	PUT(CODE + 0x40, 0x40, 0x81, 0xe3, 0xe0, 0xff, 0x01, 0x00, /* and with an empty REX */
	    0x48, 0x81, 0xcb, 0x00, 0x00, 0xfe, 0x7f, 0xff, 0xe3);
	expect_refused("REX 40 and", CODE + 0x4e, "indirect jump without the CFI mask");
	img_reset(2);
	PUT(CODE + 0x40, 0x41, 0x81, 0xe3, 0xe0, 0xff, 0x01, 0x00, /* cs or */
	    0x2e, 0x49, 0x81, 0xcb, 0x00, 0x00, 0xfe, 0x7f, 0x41, 0xff, 0xe3);
	expect_refused("prefixed or", CODE + 0x4f, "indirect jump without the CFI mask");

	/* Prefixes on the branch: notrack (3E), 66, REX.R. */
	static const uint8_t br_prefix[][4] = {{0x3e, 0x41, 0xff, 0xe3},
					       {0x66, 0x41, 0xff, 0xe3},
					       {0x45, 0xff, 0xe3, 0x90},
					       {0xf2, 0x41, 0xff, 0xe3}};
	for (size_t i = 0; i < 4; i++) {
		n = enc_and(seq, 11, CFI_MASK);
		n += enc_or(seq + n, 11, CFI_MARKER);
		memcpy(seq + n, br_prefix[i], 4);
		img_reset(2);
		put(CODE + 0x40, seq, n + 4);
		expect_refused("prefixed jmp", CODE + 0x4e,
			       i == 3 ? "rep prefix" : "prefix on the indirect branch");
	}

	/* Split across bundles: after the and, after the or. */
	n = enc_masked(seq, 11, false);
	img_reset(2);
	put(CODE + 0x40 - 7, seq, n);
	expect_refused("split after the and", CODE + 0x40 - 7,
		       "masked sequence split across a bundle boundary");
	img_reset(2);
	put(CODE + 0x40 - 14, seq, n);
	expect_refused("split after the or", CODE + 0x40 - 14,
		       "masked sequence split across a bundle boundary");
	img_reset(2);
	put(CODE + 0x1000 - 7, seq, n); /* and across a page */
	expect_refused("split across pages", CODE + 0x1000 - 7,
		       "masked sequence split across a bundle boundary");

	/* A masked call must end its bundle too. */
	n = enc_masked(seq, 11, true);
	img_reset(2);
	put(CODE + 0x40, seq, n);
	expect_refused("masked call mid-bundle", CODE + 0x40 + n - 3,
		       "call does not end at a bundle boundary");
}

static void test_refuse_call_alignment(void **state)
{
	img_reset(2);
	put_rel32(CODE + 0x1a, 0xe8, CODE + 0x40);
	expect_refused("call ends at 0x1f", CODE + 0x1a, "call does not end at a bundle boundary");
	img_reset(2);
	put_rel32(CODE + 0x20, 0xe8, GATE);
	expect_refused("call gate mid-bundle", CODE + 0x20,
		       "call does not end at a bundle boundary");
	img_reset(2);
	put_rel32(CODE + 0x1b, 0xe8, CODE + 0x40);
	expect_ok("call ends at 0x20");
	/* jmp rel32 needs no alignment. */
	put_rel32(CODE + 0x50, 0xe9, GATE);
	expect_ok("jmp anywhere");
}

static void test_refuse_bad_targets(void **state)
{
	/* Into the middle of an instruction. */
	img_reset(2);
	PUT(CODE + 0x40, 0xb8, 0x01, 0x02, 0x03, 0x04); /* mov $imm, %eax */
	put_rel8(CODE + 0x20, 0xeb, CODE + 0x41);
	expect_refused("jmp mid mov", CODE + 0x20, "into the middle of an instruction");
	put_rel8(CODE + 0x20, 0xeb, CODE + 0x45);
	expect_ok("jmp after mov");

	/* Outside the code: below, above, far away; the gate only for rel32. */
	static const uint64_t outside[] = {
	    CODE - 1, CODE - 0x1000, GATE + 0x20, GATE - 0x1000 + 0x2000, 0, 0x7fffff00};
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		img_reset(2);
		put_rel32(CODE + 0x40, 0xe9, outside[i]);
		expect_refused("jmp outside", CODE + 0x40, "branch target outside the task's code");
		img_reset(2);
		put_jcc32(CODE + 0x40, outside[i]);
		expect_refused("jcc outside", CODE + 0x40, "branch target outside the task's code");
	}
	img_reset(2);
	put_rel32(CODE, 0xe9, CODE + 5 - 0x80000000ull); /* the most negative rel32 */
	expect_refused("jmp -2 GiB", CODE, "branch target outside the task's code");

	img_reset(2);
	put_jcc32(CODE + 0x40, GATE);
	expect_refused("jcc to the gate", CODE + 0x40, "only call rel32 and jmp rel32");
	img_reset(2);
	put_rel8(CODE + 0x1ff0, 0xeb, GATE);
	expect_refused("jmp rel8 to the gate", CODE + 0x1ff0, "only call rel32 and jmp rel32");
	img_reset(2);
	put_rel8(CODE + 0x1ff0, 0xe2, GATE);
	expect_refused("loop to the gate", CODE + 0x1ff0, "only call rel32 and jmp rel32");
	img_reset(2);
	put_rel32(CODE + 0x1ff0, 0xe9, GATE + 1);
	expect_refused("jmp to gate + 1", CODE + 0x1ff0, "branch target outside the task's code");

	/* Into a masked sequence: the and is fine, the or and the jmp are not. */
	uint8_t seq[32];
	size_t n = enc_masked(seq, 11, false); /* and 7, or 7, jmp 3 */
	const uint64_t targets[] = {CODE + 0x87, CODE + 0x8e, CODE + 0x95};
	for (size_t i = 0; i < 3; i++) {
		img_reset(2);
		put(CODE + 0x87, seq, n);
		put_rel8(CODE + 0x40, 0xeb, targets[i]);
		if (i == 0)
			expect_ok("jmp to the and");
		else
			expect_refused("jmp into a masked sequence", CODE + 0x40,
				       "direct branch into a masked sequence");
		img_reset(2);
		put(CODE + 0x87, seq, n);
		put_jcc32(CODE + 0x1000, targets[i]);
		if (i == 0)
			expect_ok("jcc to the and");
		else
			expect_refused("jcc into a masked sequence", CODE + 0x1000,
				       "direct branch into a masked sequence");
	}
	/* Into the real function's masked return, at its or. */
	img_reset(2);
	put(CODE, real_func, sizeof(real_func));
	put_rel32(CODE + 0x100, 0xe9, CODE + 0x8e);
	expect_refused("jmp into a masked return", CODE + 0x100,
		       "direct branch into a masked sequence");
}

static void test_refuse_bundle_crossing(void **state)
{
	img_reset(2);
	PUT(CODE + 0x1e, 0xb8, 0x01, 0x02, 0x03, 0x04); /* mov $imm, %eax over 0x20 */
	expect_refused("mov over a bundle", CODE + 0x1e, "instruction crosses a bundle boundary");
	img_reset(2);
	PUT(CODE + 0x3f, 0x31, 0xc0); /* xor over 0x40 */
	expect_refused("xor over a bundle", CODE + 0x3f, "instruction crosses a bundle boundary");
	img_reset(2);
	PUT(CODE + 0x3f, 0x66); /* a prefix alone at the end */
	expect_refused("prefix at the end", CODE + 0x3f, "instruction crosses a bundle boundary");
	img_reset(2);
	PUT(CODE + 0x3f, 0x0f); /* the escape alone */
	expect_refused("0F at the end", CODE + 0x3f, "instruction crosses a bundle boundary");
	img_reset(2);
	PUT(CODE + 0xffc, 0x48, 0x8b, 0x44, 0x24, 0x08); /* over the page */
	expect_refused("mov over a page", CODE + 0xffc, "instruction crosses a bundle boundary");
	img_reset(2);
	PUT(CODE + 0x3a, 0x48, 0x8b, 0x84, 0x24, 0x00, 0x01, 0x00, 0x00); /* disp32 over */
	expect_refused("disp32 over a bundle", CODE + 0x3a, "crosses a bundle boundary");
	img_reset(2);
	PUT(CODE + 0x3d, 0x48, 0x8b, 0x04); /* the SIB missing */
	expect_refused("no SIB", CODE + 0x3d, "crosses a bundle boundary");

	/* Truncated at the end of the code, and before a gap. */
	img_reset(2);
	PUT(CODE + 0x1ffd, 0x48, 0x8b, 0x44);
	expect_refused("truncated", CODE + 0x1ffd, "instruction truncated at the end of the code");
	img_reset(3);
	img.gap[1] = true;
	PUT(CODE + 0xfff, 0xe9);
	uint64_t bad;
	const char *why;
	assert_int_equal(verify(0x5000, SLOT, &bad, &why), -1);
	assert_int_equal(bad, CODE + 0xfff);
	assert_string_equal(why, "instruction truncated at the end of the code");
}

static void test_refuse_prefix_abuse(void **state)
{
	static const struct {
		uint8_t b[15];
		size_t n;
		const char *frag;
	} bad[] = {
	    {{0x67, 0x8b, 0x00}, 3, "address-size prefix (67)"},
	    {{0x67, 0xe3, 0x00}, 3, "address-size prefix (67)"}, /* jecxz */
	    {{0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0}, 9, "fs segment prefix (64)"},
	    {{0x65, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0}, 9, "gs segment prefix (65)"},
	    {{0x66, 0x66, 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}, 13, "more than 4"},
	    {{0x66, 0x66, 0x66, 0x2e, 0x48, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}, 13, "more than 4"},
	    {{0xf3, 0x48, 0x01, 0xc0}, 4, "rep prefix (F2/F3)"},
	    {{0xf2, 0x8b, 0x00}, 3, "rep prefix (F2/F3)"},
	    {{0xf2, 0x90}, 2, "rep prefix (F2/F3)"},
	    {{0xf2, 0xe9, 0, 0, 0, 0}, 6, "rep prefix (F2/F3)"}, /* bnd jmp */
	    {{0xf3, 0x0f, 0xaf, 0xc0}, 4, "rep prefix (F2/F3)"},
	    {{0xf3, 0xf2, 0xa4}, 3, "both F2 and F3"},
	    {{0x66, 0x0f, 0x84, 0, 0, 0, 0}, 7, "operand-size prefix 66 on a branch"},
	    {{0x66, 0xe9, 0, 0}, 4, "operand-size prefix 66 on a branch"},
	    {{0x66, 0x74, 0x00}, 3, "operand-size prefix 66 on a branch"},
	    {{0x66, 0x0f, 0xa2}, 3, "operand-size prefix 66 not allowed"},
	    {{0x66, 0x0f, 0xae, 0xf8}, 4, "operand-size prefix 66 not allowed"},
	    {{0x48, 0x66, 0x01, 0xc0}, 4, "REX prefix before a legacy prefix"},
	    {{0x48, 0x48, 0x01, 0xc0}, 4, "two REX prefixes"},
	    {{0x0f, 0xb8, 0xc0}, 3, "0F B8 without F3"},
	    {{0x0f, 0x1e, 0xfa}, 3, "0F 1E without F3"},
	    {{0xf3, 0x0f, 0x1e, 0xfb}, 4, "endbr32"},
	    {{0xf3, 0x0f, 0x1e, 0xc8}, 4, "only endbr64"},	 /* rdsspd */
	    {{0xf3, 0x0f, 0xae, 0xd0}, 4, "rep prefix (F2/F3)"}, /* wrfsbase */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		img_reset(2);
		put(CODE + 0x40, bad[i].b, bad[i].n);
		expect_refused(bad[i].frag, CODE + 0x40, bad[i].frag);
	}

	static const struct {
		uint8_t b[15];
		size_t n;
	} good[] = {
	    {{0x66, 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}, 12}, /* 4 prefixes */
	    {{0x2e, 0x3e, 0x26, 0x36, 0x90}, 5},
	    {{0xf3, 0x90}, 2},			 /* pause */
	    {{0xf3, 0x48, 0xab}, 3},		 /* rep stos */
	    {{0xf2, 0xae}, 2},			 /* repne scasb */
	    {{0xf0, 0x48, 0x0f, 0xc1, 0x07}, 5}, /* lock xadd */
	    {{0xf3, 0x0f, 0xbc, 0xc0}, 4},	 /* tzcnt */
	    {{0xf3, 0x48, 0x0f, 0xb8, 0xc0}, 5}, /* popcnt */
	    {{0xf3, 0x0f, 0x1e, 0xfa}, 4},	 /* endbr64 */
	    {{0x66, 0xf3, 0x0f, 0xbd, 0xc0}, 5}, /* lzcnt %ax,%ax */
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		img_reset(2);
		put(CODE + 0x40, good[i].b, good[i].n);
		expect_ok("prefixed instruction");
	}
}

/* Gaps: bytes there are never code, and never targets. */
static void test_gaps(void **state)
{
	uint64_t bad;
	const char *why;

	img_reset(4); /* [0x1000, 0x5000), the gate after it */
	img.gap[1] = true;
	img.gap[3] = true;
	memset(img.page[1], 0xf4, PAGE); /* hlt: unreachable */
	memset(img.page[3], 0xc3, PAGE); /* ret */
	put_rel32(CODE + 0x20, 0xe9, CODE + 0x2000);
	put_jcc32(CODE + 0x2000, CODE + 0x20);
	assert_int_equal(verify(0x5000, SLOT, &bad, &why), 0);

	put_rel32(CODE + 0x40, 0xe9, CODE + 0x1000);
	assert_int_equal(verify(0x5000, SLOT, &bad, &why), -1);
	assert_int_equal(bad, CODE + 0x40);
	assert_string_equal(why, "branch target outside the task's code");
	memset(at(CODE + 0x40), 0x90, 5);

	/* The gate may sit in a gap. */
	put_rel32(CODE + 0x5b, 0xe8, CODE + 0x3000);
	assert_int_equal(verify(CODE + 0x3000, SLOT, &bad, &why), 0);
	/* But not on code. */
	assert_int_equal(verify(CODE + 0x2000, SLOT, &bad, &why), -1);
	assert_string_equal(why, "gate offset inside the task's code");

	/* A masked sequence cut by a gap is not one. */
	uint8_t seq[32];
	size_t n = enc_and(seq, 11, CFI_MASK);
	put(CODE + 0x1000 - n, seq, n);
	n = enc_or(seq, 11, CFI_MARKER);
	n += enc_br(seq + n, 11, false);
	put(CODE + 0x2000, seq, n);
	assert_int_equal(verify(0x5000, SLOT, &bad, &why), -1);
	assert_int_equal(bad, CODE + 0x2007);
	assert_string_equal(why, "indirect jump without the CFI mask");

	/* Nothing but gaps: nothing to verify, and nowhere to start. */
	img_reset(2);
	img.gap[0] = img.gap[1] = true;
	memset(img.page, 0xcc, sizeof(img.page));
	expect_refused("all gaps", CODE, "entry point is not a bundle start in the task's code");
}

static void test_arguments(void **state)
{
	uint64_t bad = 0;
	const char *why = NULL;
	img_reset(2);
	struct code_view v = {CODE, CODE + 2 * PAGE, img_page, &img};

	assert_int_equal(
	    verify_code(&v, GATE, first_entry(&v), SLOT, scratch, 2 * PAGE / 8, &bad, &why), 0);
	assert_int_equal(
	    verify_code(&v, GATE, first_entry(&v), SLOT, scratch, 2 * PAGE / 8 - 1, &bad, &why),
	    -1);
	assert_string_equal(why, "scratch map too small");
	assert_int_equal(verify_code(&v, GATE, first_entry(&v), SLOT + 0x10000, scratch,
				     sizeof(scratch), &bad, &why),
			 -1);
	assert_string_equal(why, "slot base is not 128 KiB-aligned below 2 GiB");
	assert_int_equal(verify_code(&v, GATE, first_entry(&v), 0x80000000u, scratch,
				     sizeof(scratch), &bad, &why),
			 -1);
	assert_string_equal(why, "slot base is not 128 KiB-aligned below 2 GiB");
	assert_int_equal(verify_code(&v, GATE + 0x10, first_entry(&v), SLOT, scratch,
				     sizeof(scratch), &bad, &why),
			 -1);
	assert_string_equal(why, "gate offset is not bundle-aligned");
	assert_int_equal(verify_code(&v, CODE + 0x40, first_entry(&v), SLOT, scratch,
				     sizeof(scratch), &bad, &why),
			 -1);
	assert_string_equal(why, "gate offset inside the task's code");
	assert_int_equal(bad, CODE + 0x40);

	struct code_view odd = {CODE + 0x20, CODE + 2 * PAGE, img_page, &img};
	assert_int_equal(
	    verify_code(&odd, GATE, first_entry(&odd), SLOT, scratch, sizeof(scratch), &bad, &why),
	    -1);
	assert_string_equal(why, "code view is not a page-aligned range");
	struct code_view back = {CODE + PAGE, CODE, img_page, &img};
	assert_int_equal(verify_code(&back, GATE, first_entry(&back), SLOT, scratch,
				     sizeof(scratch), &bad, &why),
			 -1);
	assert_string_equal(why, "code view is not a page-aligned range");
	struct code_view nopage = {CODE, CODE + PAGE, NULL, &img};
	assert_int_equal(verify_code(&nopage, GATE, first_entry(&nopage), SLOT, scratch,
				     sizeof(scratch), &bad, &why),
			 -1);

	/* An empty view needs no scratch, but has no place for the entry. */
	struct code_view empty = {CODE, CODE, img_page, &img};
	assert_int_equal(verify_code(&empty, GATE, first_entry(&empty), SLOT, NULL, 0, &bad, &why),
			 -1);
	assert_string_equal(why, "entry point is not a bundle start in the task's code");

	/* The scratch map starts dirty: the verifier clears it. */
	memset(scratch, 0xff, sizeof(scratch));
	img_reset(2);
	PUT(CODE + 0x40, 0xb8, 0x01, 0x02, 0x03, 0x04);
	put_rel8(CODE + 0x20, 0xeb, CODE + 0x41);
	expect_refused("dirty scratch", CODE + 0x20, "into the middle of an instruction");
}

/* --- the decoder on its own --------------------------------------------- */

static void test_decode_allowed(void **state)
{
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		const struct insn_case *c = &allowed[i];
		struct x86_insn in;
		const char *why = NULL;
		int rc = x86_decode(c->bytes, c->len, &in, &why);
		if (rc != X86_OK)
			fail_msg("%s: %d %s", c->asm_text, rc, why ? why : "");
		if (in.len != c->len)
			fail_msg("%s: length %u, want %u", c->asm_text, in.len, c->len);
		/* One byte short is truncated, never misread. */
		assert_int_equal(x86_decode(c->bytes, c->len - 1u, &in, &why), X86_TRUNCATED);
	}
}

/* Opcode sweeps: which opcodes pass with ModRM 84 (/0, SIB + disp32), and lengths. */
static const char accept_map1[] = "xxxxxx..xxxxxx.-"
				  "xxxxxx..xxxxxx.."
				  "xxxxxx-.xxxxxx-."
				  "xxxxxx-.xxxxxx-."
				  "----------------"
				  "xxxxxxxxxxxxxxxx"
				  "...x----xxxx...."
				  "xxxxxxxxxxxxxxxx"
				  "xx.xxxxxxxxx.x.x"
				  "xxxxxxxxxx..x.xx"
				  "....xxxxxxxxxxxx"
				  "xxxxxxxxxxxxxxxx"
				  "xx....xx.x......"
				  "xxxx...x........"
				  "xxxx....xx.x...."
				  "-.--.xxxxx..xxxx";
static const char accept_map0f[] = "...........x...."
				   "xxxxxxxxx......x"
				   "........xx.x..xx"
				   ".x.............."
				   "xxxxxxxxxxxxxxxx"
				   ".xxxxxxxxxxxxxxx"
				   "................"
				   "................"
				   "xxxxxxxxxxxxxxxx"
				   "xxxxxxxxxxxxxxxx"
				   "..xxxx.....xxx.x"
				   "xx.x..xx...xxxxx"
				   "xxx...x.xxxxxxxx"
				   "................"
				   "................"
				   "................";

static void sweep(int map, const char *accept, const uint8_t len[3][256])
{
	static const uint8_t tail[] = {0x84, 0x24, 0x11, 0x22, 0x33, 0x44, 0x55,
				       0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc};
	static const uint8_t prefix[3] = {0, 0x66, 0x48};
	int accepted = 0;
	for (int p = 0; p < 3; p++) {
		for (unsigned op = 0; op < 256; op++) {
			if (accept[op] == '-')
				continue;
			uint8_t b[20];
			size_t n = 0;
			if (prefix[p])
				b[n++] = prefix[p];
			if (map)
				b[n++] = 0x0f;
			b[n++] = (uint8_t)op;
			memcpy(b + n, tail, sizeof(tail));
			n += sizeof(tail);
			struct x86_insn in;
			const char *why = NULL;
			int rc = x86_decode(b, n, &in, &why);
			if (p == 0 && (rc == X86_OK) != (accept[op] == 'x'))
				fail_msg("map %d opcode %02x: %s", map, op,
					 rc == X86_OK ? "accepted" : why);
			if (rc != X86_OK)
				continue;
			accepted++;
			assert_int_equal(in.map, map);
			assert_int_equal(in.op, op);
			if (in.len != len[p][op])
				fail_msg("map %d prefix %02x opcode %02x: length %u, objdump %u",
					 map, prefix[p], op, in.len, len[p][op]);
		}
	}
	assert_true(accepted > 100);
}

static void test_opcode_sweep(void **state)
{
	sweep(0, accept_map1, objdump_len_map1);
	sweep(1, accept_map0f, objdump_len_map0f);
}

/* Every ModRM byte of the groups that decide by exact value. */
static void test_modrm_groups(void **state)
{
	for (unsigned m = 0; m < 256; m++) {
		uint8_t b[16] = {0x0f, 0x01, (uint8_t)m};
		struct x86_insn in;
		const char *why = NULL;
		int rc = x86_decode(b, sizeof(b), &in, &why);
		assert_int_equal(rc, m == 0xf9 ? X86_OK : X86_REFUSED); /* rdtscp only */
		b[1] = 0xae;
		rc = x86_decode(b, sizeof(b), &in, &why);
		/* lfence, mfence, sfence; ldmxcsr, stmxcsr (/2, /3, memory) */
		bool mxcsr = m < 0xc0 && (((m >> 3) & 7) == 2 || ((m >> 3) & 7) == 3);
		assert_int_equal(rc, m == 0xe8 || m == 0xf0 || m == 0xf8 || mxcsr ? X86_OK
										  : X86_REFUSED);
		uint8_t e[16] = {0xf3, 0x0f, 0x1e, (uint8_t)m};
		rc = x86_decode(e, sizeof(e), &in, &why);
		assert_int_equal(rc, m == 0xfa ? X86_OK : X86_REFUSED);
		/* 0F C7: cmpxchg8b/16b (/1, memory) only. */
		b[1] = 0xc7;
		rc = x86_decode(b, sizeof(b), &in, &why);
		assert_int_equal(rc, ((m >> 3) & 7) == 1 && m < 0xc0 ? X86_OK : X86_REFUSED);
		/* FF: inc, dec, push any; call/jmp register only; far never. */
		b[0] = 0xff;
		b[1] = (uint8_t)m;
		rc = x86_decode(b, sizeof(b), &in, &why);
		unsigned reg = (m >> 3) & 7;
		bool ok = reg == 0 || reg == 1 || reg == 6 || ((reg == 2 || reg == 4) && m >= 0xc0);
		assert_int_equal(rc, ok ? X86_OK : X86_REFUSED);
		if (ok && m >= 0xc0 && (reg == 2 || reg == 4))
			assert_int_equal(in.branch, reg == 2 ? X86_BR_CALL_IND : X86_BR_JMP_IND);
	}
}

static void test_decode_fields(void **state)
{
	struct x86_insn in;
	const char *why;
	static const uint8_t jcc[] = {0x0f, 0x8e, 0xfa, 0xff, 0xff, 0xff}; /* jle .-0 */
	assert_int_equal(x86_decode(jcc, sizeof(jcc), &in, &why), X86_OK);
	assert_int_equal(in.branch, X86_BR_JCC);
	assert_int_equal(in.rel, -6);
	static const uint8_t jmp8[] = {0xeb, 0x80};
	assert_int_equal(x86_decode(jmp8, 2, &in, &why), X86_OK);
	assert_int_equal(in.branch, X86_BR_JMP8);
	assert_int_equal(in.rel, -128);
	static const uint8_t call[] = {0xe8, 0xff, 0xff, 0xff, 0x7f};
	assert_int_equal(x86_decode(call, 5, &in, &why), X86_OK);
	assert_int_equal(in.branch, X86_BR_CALL);
	assert_int_equal(in.rel, 0x7fffffff);
	static const uint8_t mov64[] = {0x49, 0xbb, 1, 2, 3, 4, 5, 6, 7, 8};
	assert_int_equal(x86_decode(mov64, 10, &in, &why), X86_OK);
	assert_int_equal(in.rex, 0x49);
	assert_int_equal(in.imm_at, 2);
	assert_int_equal(in.imm_len, 8);
	assert_true(in.imm == 0x0807060504030201ull);
	assert_int_equal(in.branch, X86_BR_NONE);
	static const uint8_t or_m[] = {0x49, 0x81, 0xcb, 0x00, 0x00, 0xfe, 0x7f};
	assert_int_equal(x86_decode(or_m, 7, &in, &why), X86_OK);
	assert_int_equal(in.modrm, 0xcb);
	assert_int_equal(in.imm_at, 3);
	assert_int_equal(in.imm, CFI_MARKER);
	static const uint8_t nop[] = {0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0};
	assert_int_equal(x86_decode(nop, sizeof(nop), &in, &why), X86_OK);
	assert_int_equal(in.nprefix, 3);
	assert_int_equal(in.legacy, X86_P66 | X86_PSEG);
	assert_int_equal(in.map, 1);
	assert_int_equal(in.len, 11);
	assert_int_equal(x86_decode(nop, 0, &in, &why), X86_TRUNCATED);
}

/* --- randomised, with the generator as the oracle ------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t rng_below(size_t n)
{
	return (size_t)(rng() % n);
}

/* allowed[] entries that are not branches (those need real targets). */
static bool plain(const struct insn_case *c)
{
	const char *a = c->asm_text;
	if (a[0] == 'j' || !strncmp(a, "loop", 4) || !strncmp(a, "call", 4))
		return false;
	return !strstr(a, "0xe9") && !strstr(a, "0x74,") && !strstr(a, "0x84, 0,");
}

/* A jcc rel8 (when it reaches) or rel32 at off to target, into b; its length. */
static size_t enc_jcc(uint8_t *b, uint64_t off, uint64_t target)
{
	int64_t rel8 = (int64_t)(target - (off + 2));
	if (rel8 >= -128 && (rng() & 1)) {
		b[0] = (uint8_t)(0x70 | rng_below(16));
		b[1] = (uint8_t)rel8;
		return 2;
	}
	int32_t rel = (int32_t)(target - (off + 6));
	b[0] = 0x0f;
	b[1] = (uint8_t)(0x80 | rng_below(16));
	for (int k = 0; k < 4; k++)
		b[2 + k] = (uint8_t)(rel >> (8 * k));
	return 6;
}

enum { RANDOM_CLEAN, RANDOM_FORBIDDEN, RANDOM_BAD_BRANCH };

/*
 * Pages of random whitelisted instructions packed into bundles, with
 * backward branches to earlier instruction starts; in some images now and
 * then a forbidden instruction, in others a branch into the middle of an
 * instruction.  The generator knows the answer: the first forbidden
 * instruction (pass 1), else the first bad branch (pass 2), else accepted.
 */
static void test_random_images(void **state)
{
	enum { N = 2 * PAGE };
	static uint64_t starts[N];
	static uint8_t lens[N];
	int outcomes[3] = {0, 0, 0};

	rng_state = 0x5eed1234abcdull;
	for (int round = 0; round < 600; round++) {
		int mode = (int)rng_below(3);
		uint64_t want_at = 0, branch_at = 0;
		const char *want = NULL;
		size_t ninsn = 0;
		img_reset(2);
		for (uint64_t off = CODE; off < CODE + N;) {
			unsigned room = BUNDLE_SIZE - (unsigned)(off % BUNDLE_SIZE);
			const struct insn_case *c = NULL;
			uint8_t b[16];
			size_t n;
			bool forbidden = false, bad_branch = false;
			if (mode == RANDOM_FORBIDDEN && rng_below(500) == 0) {
				c = &privileged[rng_below(sizeof(privileged) /
							  sizeof(privileged[0]))];
				forbidden = true;
			} else if (ninsn > 0 && rng_below(100) < 8) {
				size_t t = ninsn - 1 - rng_below(ninsn < 20 ? ninsn : 20);
				uint64_t target = starts[t];
				if (mode == RANDOM_BAD_BRANCH && lens[t] > 1 &&
				    rng_below(40) == 0) {
					target += 1 + rng_below(lens[t] - 1u);
					bad_branch = true;
				}
				n = enc_jcc(b, off, target);
			} else {
				do
					c = &allowed[rng_below(sizeof(allowed) /
							       sizeof(allowed[0]))];
				while (!plain(c));
			}
			if (c) {
				n = c->len;
				memcpy(b, c->bytes, n);
			}
			if (n > room) { /* one-byte nops to the end of the bundle */
				off += room;
				continue;
			}
			put(off, b, n);
			if (forbidden && !want) {
				want = c->frag;
				want_at = off;
			}
			if (bad_branch && !branch_at)
				branch_at = off;
			starts[ninsn] = off;
			lens[ninsn++] = (uint8_t)n;
			off += n;
		}
		if (want) {
			expect_refused("random image", want_at, want);
			outcomes[RANDOM_FORBIDDEN]++;
		} else if (branch_at) {
			expect_refused("random image", branch_at,
				       "into the middle of an instruction");
			outcomes[RANDOM_BAD_BRANCH]++;
		} else {
			expect_ok("random image");
			outcomes[RANDOM_CLEAN]++;
		}
	}
	/* Every outcome is exercised. */
	assert_true(outcomes[0] > 100 && outcomes[1] > 100 && outcomes[2] > 100);
}

/* Random bytes: refused with an offset in them, or accepted; never a crash. */
static void test_random_bytes(void **state)
{
	static const uint8_t hot[] = {0x0f, 0x01, 0xef, 0xc3, 0x66, 0x48, 0xff, 0xe0,
				      0x81, 0xe3, 0xf3, 0x90, 0xeb, 0x00, 0xe8, 0x2e};
	rng_state = 0xb17e5;
	int accepted = 0;
	for (int round = 0; round < 3000; round++) {
		img_reset(1);
		for (size_t i = 0; i < 64; i++)
			img.page[0][i] = rng() & 1 ? hot[rng_below(sizeof(hot))] : (uint8_t)rng();
		uint64_t bad;
		const char *why;
		struct code_view v = {CODE, CODE + PAGE, img_page, &img};
		int rc = verify_code(&v, GATE, first_entry(&v), SLOT, scratch, sizeof(scratch),
				     &bad, &why);
		if (rc) {
			assert_true(bad >= CODE && bad < CODE + 64);
			assert_non_null(why);
		} else {
			accepted++;
		}
	}
	assert_true(accepted < 3000);
}

/* The entry point must be a bundle start in the code (defect: an entry
 * two bytes into an instruction ran bytes hidden in its immediate). */
static void test_entry_point(void **state)
{
	uint64_t bad = 0;
	const char *why = NULL;
	img_reset(3);
	img.gap[1] = true;
	/* mov $0x90909090, %eax (b8 90 90 90 90): from its second byte on,
	 * bytes the decoder saw only as an immediate. */
	PUT(CODE + 0x20, 0xb8, 0x90, 0x90, 0x90, 0x90);
	struct code_view v = {CODE, CODE + 3 * PAGE, img_page, &img};
	static const struct {
		uint64_t entry;
		const char *what;
	} bad_entries[] = {
	    {CODE + 0x21, "inside an instruction's immediate"},
	    {CODE + 0x25, "an instruction start that is not a bundle start"},
	    {CODE + PAGE, "a gap page"},
	    {CODE + 3 * PAGE, "past the code"},
	    {CODE - 0x20, "before the code"},
	    {GATE + PAGE, "the gate"},
	    {~0ull - 31, "the top of the address space"},
	};
	for (size_t i = 0; i < sizeof(bad_entries) / sizeof(bad_entries[0]); i++) {
		assert_int_equal(verify_code(&v, GATE + PAGE, bad_entries[i].entry, SLOT, scratch,
					     sizeof(scratch), &bad, &why),
				 -1);
		if (strcmp(why, "entry point is not a bundle start in the task's code") ||
		    bad != bad_entries[i].entry)
			fail_msg("entry %s: %s at %#llx", bad_entries[i].what, why,
				 (unsigned long long)bad);
	}
	assert_int_equal(
	    verify_code(&v, GATE + PAGE, CODE + 0x20, SLOT, scratch, sizeof(scratch), &bad, &why),
	    0);
	assert_int_equal(verify_code(&v, GATE + PAGE, CODE + 2 * PAGE + 0x40, SLOT, scratch,
				     sizeof(scratch), &bad, &why),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accept_realistic_function),
	    cmocka_unit_test(test_patch_slot_bases),
	    cmocka_unit_test(test_masked_every_register),
	    cmocka_unit_test(test_gate_and_pages),
	    cmocka_unit_test(test_refuse_privileged),
	    cmocka_unit_test(test_hidden_privileged),
	    cmocka_unit_test(test_refuse_ret),
	    cmocka_unit_test(test_refuse_unmasked_indirect),
	    cmocka_unit_test(test_refuse_bad_masked),
	    cmocka_unit_test(test_refuse_call_alignment),
	    cmocka_unit_test(test_refuse_bad_targets),
	    cmocka_unit_test(test_refuse_bundle_crossing),
	    cmocka_unit_test(test_refuse_prefix_abuse),
	    cmocka_unit_test(test_gaps),
	    cmocka_unit_test(test_arguments),
	    cmocka_unit_test(test_entry_point),
	    cmocka_unit_test(test_decode_allowed),
	    cmocka_unit_test(test_opcode_sweep),
	    cmocka_unit_test(test_modrm_groups),
	    cmocka_unit_test(test_decode_fields),
	    cmocka_unit_test(test_random_images),
	    cmocka_unit_test(test_random_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
