/* Length and whitelist of one x86-64 instruction, from opcode tables. */
#include "isolation/isolation.h"

/*
 * Instruction format (SDM Vol. 2A 2.1-2.2): legacy prefixes, REX, opcode
 * (one byte, or 0F and one byte), ModRM, SIB, displacement, immediate.
 * The tables below say, per opcode, whether it takes a ModRM byte, which
 * immediate follows, whether it is a branch, and whether it is allowed;
 * the opcodes whose ModRM.reg selects the instruction ("groups") have a
 * second table indexed by reg, and the SSE opcodes, whose mandatory prefix
 * selects the instruction, a third indexed by prefix (sse_rows[]).
 * Anything not marked OK (or PFX, whose row decides) is refused with the
 * entry's reason, or a generic one.  The SSE test sits on the refusal
 * path, so integer code decodes with no extra step.
 */

/* opinfo.flags */
#define OK 0x01	     /* allowed (subject to its group) */
#define M 0x02	     /* takes a ModRM byte */
#define REP 0x04     /* F2 and F3 allowed (string instructions) */
#define F3 0x08	     /* F3 allowed (pause, tzcnt, lzcnt) */
#define NEED_F3 0x10 /* F3 required (popcnt, endbr64); why says so */
#define NO66 0x20    /* no operand-size prefix */
#define LK 0x40	     /* lock allowed, with a memory operand (check_lock()) */
#define PFX 0x80     /* SSE, not OK itself: the mandatory prefix picks the form (sse_rows[]) */

/* opinfo.imm: the immediate (or displacement of a direct branch) */
enum imm_kind {
	IMM_NONE = 0,
	IMM_B,	   /* imm8 */
	IMM_Z,	   /* imm16 with 66, else imm32 */
	IMM_V,	   /* mov r, imm (B8+r): imm64 with REX.W, else as IMM_Z */
	IMM_REL8,  /* rel8 */
	IMM_REL32, /* rel32 (66 is refused on branches) */
};

/* opinfo.group: the opcodes whose ModRM.reg picks the instruction */
enum group_id {
	G_NONE = 0,
	G_ALU,	 /* 80 81 83: add..cmp r/m, imm */
	G_LEA,	 /* 8D: lea takes a memory operand only */
	G_8F,	 /* pop r/m */
	G_SHIFT, /* C0 C1 D0-D3 */
	G_MOVI,	 /* C6 C7: mov r/m, imm */
	G_F6,	 /* test/not/neg/mul/imul/div/idiv r/m8 */
	G_F7,	 /* the same, r/m16/32/64 */
	G_FE,	 /* inc/dec r/m8 */
	G_FF,	 /* inc/dec/call/jmp/push r/m */
	G_0F00,	 /* sldt, str, lldt, ltr, verr, verw */
	G_0F01,	 /* descriptor tables, VMX, monitor, xsetbv, swapgs, PKRU... */
	G_0F0D,	 /* prefetchw */
	G_0F18,	 /* prefetch hints */
	G_0F1E,	 /* endbr64 */
	G_0F1F,	 /* multi-byte nop */
	G_0FAE,	 /* fences; fxsave, xrstor, ldmxcsr, clflush... */
	G_0FBA,	 /* bt/bts/btr/btc r/m, imm8 */
	G_0FC7,	 /* cmpxchg8b/16b; xrstors, xsaves, rdrand, vmptrld... */
	G_SSE71, /* 66 0F 71: psrlw, psraw, psllw xmm, imm8 */
	G_SSE72, /* 66 0F 72: psrld, psrad, pslld xmm, imm8 */
	G_SSE73, /* 66 0F 73: psrlq, psrldq, psllq, pslldq xmm, imm8 */
	G_COUNT,
};

struct opinfo {
	uint8_t flags;
	uint8_t imm;	 /* enum imm_kind */
	uint8_t branch;	 /* enum x86_branch */
	uint8_t group;	 /* enum group_id */
	const char *why; /* refused: the reason; NEED_F3: the reason without it */
};

/* A ModRM byte and its name, for groups that refuse by exact value. */
struct modrm_name {
	uint8_t modrm;
	const char *why;
};

struct opgroup {
	uint8_t mem_ok;			/* bit r: /r with a memory operand is allowed */
	uint8_t reg_ok;			/* bit r: /r with a register operand (mod 3) */
	uint8_t lock_ok;		/* bit r: /r takes lock (memory operand only) */
	uint8_t imm0;			/* immediate of /0 when it has its own (test) */
	uint8_t nexact;			/* > 0: only these exact ModRM bytes are allowed */
	uint8_t exact[3];		/* ... (0F 01 F9, 0F AE E8/F0/F8, 0F 1E FA) */
	uint8_t br[8];			/* branch kind of /r with a register operand */
	const char *why[8];		/* refused /r (memory operand; mod 3 unless exact) */
	const char *why_reg;		/* refused mod 3 of an exact group */
	const struct modrm_name *names; /* refused mod 3 ModRM bytes, by name */
	uint8_t nnames;
};

#define WHY(s)                                                                                     \
	{                                                                                          \
		0, 0, 0, 0, s                                                                      \
	}
#define SEG_PUSHPOP WHY("push/pop of a segment register: invalid in 64-bit mode")
#define BCD WHY("BCD instruction: invalid in 64-bit mode")

/* add..cmp (00-3F): the four r/m forms, then al, imm8 and eAX, imm.  The
 * r/m, reg forms (memory destination) take lock, but not cmp's (lk). */
#define ALU_RM(b, lk)                                                                              \
	[(b)...(b) + 1] = {.flags = OK | M | (lk)}, [(b) + 2 ...(b) + 3] = {.flags = OK | M}
#define ALU_AL(b) [(b) + 4] = {.flags = OK, .imm = IMM_B}
#define ALU_AX(b) [(b) + 5] = {.flags = OK, .imm = IMM_Z}
#define ALU(b, lk) ALU_RM(b, lk), ALU_AL(b), ALU_AX(b)

/* The one-byte opcode map (SDM Vol. 2D A.3, Table A-2).  Prefix bytes
 * never reach it: x86_decode() takes them first. */
static const struct opinfo map1[256] = {
    ALU(0x00, LK), /* add */
    ALU(0x08, LK), /* or */
    ALU(0x10, LK), /* adc */
    ALU(0x18, LK), /* sbb */
    ALU(0x20, LK), /* and */
    ALU(0x28, LK), /* sub */
    ALU(0x30, LK), /* xor */
    ALU(0x38, 0),  /* cmp */
    [0x06] = SEG_PUSHPOP,
    [0x07] = SEG_PUSHPOP,
    [0x0e] = SEG_PUSHPOP,
    [0x16] = SEG_PUSHPOP,
    [0x17] = SEG_PUSHPOP,
    [0x1e] = SEG_PUSHPOP,
    [0x1f] = SEG_PUSHPOP,
    [0x27] = BCD,
    [0x2f] = BCD,
    [0x37] = BCD,
    [0x3f] = BCD,
    [0x50 ... 0x5f] = {.flags = OK}, /* push/pop r64 */
    [0x60 ... 0x61] = WHY("pusha/popa: invalid in 64-bit mode"),
    [0x62] = WHY("EVEX prefix (62) not allowed"),
    [0x63] = {.flags = OK | M},		      /* movsxd */
    [0x68] = {.flags = OK, .imm = IMM_Z},     /* push imm */
    [0x69] = {.flags = OK | M, .imm = IMM_Z}, /* imul r, r/m, imm */
    [0x6a] = {.flags = OK, .imm = IMM_B},     /* push imm8 */
    [0x6b] = {.flags = OK | M, .imm = IMM_B}, /* imul r, r/m, imm8 */
    [0x6c ... 0x6f] = WHY("I/O instruction ins/outs (6C-6F) not allowed"),
    [0x70 ... 0x7f] = {.flags = OK | NO66, .imm = IMM_REL8, .branch = X86_BR_JCC},
    [0x80] = {.flags = OK | M, .imm = IMM_B, .group = G_ALU}, /* group 1: add..cmp r/m, imm */
    [0x81] = {.flags = OK | M, .imm = IMM_Z, .group = G_ALU},
    [0x82] = WHY("opcode 82: invalid in 64-bit mode"),
    [0x83] = {.flags = OK | M, .imm = IMM_B, .group = G_ALU},
    [0x84 ... 0x85] = {.flags = OK | M},      /* test */
    [0x86 ... 0x87] = {.flags = OK | M | LK}, /* xchg */
    [0x88 ... 0x8b] = {.flags = OK | M},      /* mov */
    [0x8c] = WHY("mov from a segment register (8C) not allowed"),
    [0x8d] = {.flags = OK | M, .group = G_LEA},
    [0x8e] = WHY("mov to a segment register (8E) not allowed"),
    [0x8f] = {.flags = OK | M, .group = G_8F},
    [0x90] = {.flags = OK | F3},     /* nop, xchg r8, rax; F3 90 is pause */
    [0x91 ... 0x99] = {.flags = OK}, /* xchg, cbw/cwde/cdqe, cwd/cdq/cqo */
    [0x9a] = WHY("far call (9A): invalid in 64-bit mode"),
    [0x9b] = WHY("fwait (9B) not allowed (no x87)"),
    [0x9c] = {.flags = OK}, /* pushf */
    [0x9d] = WHY("popf (9D) not allowed (it can set IF, IOPL, AC, TF)"),
    [0x9e ... 0x9f] = {.flags = OK}, /* sahf, lahf */
    [0xa0 ... 0xa3] = WHY("mov with a 64-bit absolute address (A0-A3) not allowed"),
    [0xa4 ... 0xa7] = {.flags = OK | REP}, /* movs, cmps */
    [0xa8] = {.flags = OK, .imm = IMM_B},  /* test al, imm8 */
    [0xa9] = {.flags = OK, .imm = IMM_Z},  /* test eax, imm */
    [0xaa ... 0xaf] = {.flags = OK | REP}, /* stos, lods, scas */
    [0xb0 ... 0xb7] = {.flags = OK, .imm = IMM_B},
    [0xb8 ... 0xbf] = {.flags = OK, .imm = IMM_V},
    [0xc0 ... 0xc1] = {.flags = OK | M, .imm = IMM_B, .group = G_SHIFT},
    [0xc2 ... 0xc3] = WHY("ret is not allowed (returns must be masked)"),
    [0xc4 ... 0xc5] = WHY("VEX prefix (C4/C5) not allowed"),
    [0xc6] = {.flags = OK | M, .imm = IMM_B, .group = G_MOVI},
    [0xc7] = {.flags = OK | M, .imm = IMM_Z, .group = G_MOVI},
    [0xc8] = WHY("enter (C8) not allowed"),
    [0xc9] = {.flags = OK}, /* leave */
    [0xca ... 0xcb] = WHY("far return (CA/CB) not allowed"),
    [0xcc] = WHY("int3 (CC) not allowed"),
    [0xcd] = WHY("int n (CD) not allowed"),
    [0xce] = WHY("into (CE): invalid in 64-bit mode"),
    [0xcf] = WHY("privileged instruction CF (iret)"),
    [0xd0 ... 0xd3] = {.flags = OK | M, .group = G_SHIFT},
    [0xd4 ... 0xd5] = BCD,
    [0xd6] = WHY("opcode D6 (salc): invalid in 64-bit mode"),
    [0xd7] = {.flags = OK}, /* xlat */
    [0xd8 ... 0xdf] = WHY("x87 instruction (D8-DF, long double) not admitted in kernel mode"),
    /* loopne, loope, loop, jrcxz */
    [0xe0 ... 0xe3] = {.flags = OK | NO66, .imm = IMM_REL8, .branch = X86_BR_JCC},
    [0xe4 ... 0xe7] = WHY("I/O instruction in/out (E4-E7) not allowed"),
    [0xe8] = {.flags = OK | NO66, .imm = IMM_REL32, .branch = X86_BR_CALL},
    [0xe9] = {.flags = OK | NO66, .imm = IMM_REL32, .branch = X86_BR_JMP32},
    [0xea] = WHY("far jump (EA): invalid in 64-bit mode"),
    [0xeb] = {.flags = OK | NO66, .imm = IMM_REL8, .branch = X86_BR_JMP8},
    [0xec ... 0xef] = WHY("I/O instruction in/out (EC-EF) not allowed"),
    [0xf1] = WHY("int1 (F1) not allowed"),
    [0xf4] = WHY("privileged instruction F4 (hlt)"),
    [0xf5] = {.flags = OK}, /* cmc */
    [0xf6] = {.flags = OK | M, .group = G_F6},
    [0xf7] = {.flags = OK | M, .group = G_F7},
    [0xf8 ... 0xf9] = {.flags = OK}, /* clc, stc */
    [0xfa] = WHY("privileged instruction FA (cli)"),
    [0xfb] = WHY("privileged instruction FB (sti)"),
    [0xfc ... 0xfd] = {.flags = OK}, /* cld, std */
    [0xfe] = {.flags = OK | M, .group = G_FE},
    [0xff] = {.flags = OK | M, .group = G_FF},
};

/*
 * SSE and SSE2 (SDM Vol. 2D A.3, Table A-4): the prefix 66, F3 or F2 (or
 * none) before 0F selects the instruction, so each opcode marked PFX in
 * map0f has a row here, one form per prefix.  Admitted: the forms on XMM
 * registers, GPRs and memory that compilers emit for float, double and
 * integer vector code (docs/security.md, "Floating point in kernel
 * mode").  Refused: the MMX forms (mm registers alias the x87 state),
 * SSE3 and later, the implicit-rdi store of maskmovdqu.  Every SSE/SSE2
 * instruction is ModRM and, for the ones marked so in map0f, an imm8: the
 * length never depends on the prefix, REX.W or the form.
 */
enum sse_form {
	S_NO = 0, /* no SSE/SSE2 instruction (invalid, or another extension) */
	S_RM,	  /* admitted, register or memory operand */
	S_MEM,	  /* admitted with a memory operand only */
	S_REG,	  /* admitted with a register operand only */
	S_MMX,	  /* an MMX form: refused */
	S_NEW,	  /* SSE3 or later (SSE4a): refused */
	S_BAD,	  /* refused with the row's why */
};

/* The columns of a row: which of 66, F3, F2 came (at most one). */
enum sse_col { C_NONE, C_66, C_F3, C_F2, C_COUNT };

struct sse_row {
	uint8_t form[C_COUNT];
	const char *why; /* S_BAD */
};

#define R4(a, b, c, d)                                                                             \
	{                                                                                          \
		{                                                                                  \
			a, b, c, d                                                                 \
		}                                                                                  \
	}
/* ps, pd, ss, sd (add, sqrt, ...); ps, pd only (and, unpck, movaps...) */
#define PS_PD_SS_SD R4(S_RM, S_RM, S_RM, S_RM)
#define PS_PD R4(S_RM, S_RM, S_NO, S_NO)
/* integer SIMD: the MMX form without a prefix, the XMM form with 66 */
#define INT_SIMD R4(S_MMX, S_RM, S_NO, S_NO)

static const struct sse_row sse_rows[256] = {
    [0x10 ... 0x11] = PS_PD_SS_SD,		    /* movups, movupd, movss, movsd */
    [0x12] = R4(S_RM, S_MEM, S_NEW, S_NEW),	    /* movlps/movhlps, movlpd; movsldup, movddup */
    [0x13] = R4(S_MEM, S_MEM, S_NO, S_NO),	    /* movlps, movlpd m64, xmm */
    [0x14 ... 0x15] = PS_PD,			    /* unpcklps/pd, unpckhps/pd */
    [0x16] = R4(S_RM, S_MEM, S_NEW, S_NO),	    /* movhps/movlhps, movhpd; movshdup */
    [0x17] = R4(S_MEM, S_MEM, S_NO, S_NO),	    /* movhps, movhpd m64, xmm */
    [0x28 ... 0x29] = PS_PD,			    /* movaps, movapd */
    [0x2a] = R4(S_MMX, S_MMX, S_RM, S_RM),	    /* cvtpi2ps/pd; cvtsi2ss/sd */
    [0x2b] = R4(S_MEM, S_MEM, S_NEW, S_NEW),	    /* movntps, movntpd; movntss/sd */
    [0x2c ... 0x2d] = R4(S_MMX, S_MMX, S_RM, S_RM), /* cvt(t)ps2pi/pd2pi; cvt(t)ss2si/sd2si */
    [0x2e ... 0x2f] = PS_PD,			    /* ucomiss/sd, comiss/sd */
    [0x50] = R4(S_REG, S_REG, S_NO, S_NO),	    /* movmskps, movmskpd */
    [0x51] = PS_PD_SS_SD,			    /* sqrt */
    [0x52 ... 0x53] = R4(S_RM, S_NO, S_RM, S_NO),   /* rsqrtps/ss, rcpps/ss */
    [0x54 ... 0x57] = PS_PD,			    /* and, andn, or, xor */
    [0x58 ... 0x5a] = PS_PD_SS_SD,		    /* add, mul, cvtps2pd/pd2ps/ss2sd/sd2ss */
    [0x5b] = R4(S_RM, S_RM, S_RM, S_NO),	    /* cvtdq2ps, cvtps2dq, cvttps2dq */
    [0x5c ... 0x5f] = PS_PD_SS_SD,		    /* sub, min, div, max */
    [0x60 ... 0x6b] = INT_SIMD,			    /* punpckl*, packsswb, pcmpgt*, packuswb... */
    [0x6c ... 0x6d] = R4(S_NO, S_RM, S_NO, S_NO),   /* punpcklqdq, punpckhqdq */
    [0x6e] = INT_SIMD,				    /* movd/movq xmm, r/m */
    [0x6f] = R4(S_MMX, S_RM, S_RM, S_NO),	    /* movdqa, movdqu xmm, m */
    [0x70] = R4(S_MMX, S_RM, S_RM, S_RM),	    /* pshufd, pshufhw, pshuflw */
    [0x71 ... 0x73] = R4(S_MMX, S_REG, S_NO, S_NO), /* shifts by imm8 (G_SSE7x) */
    [0x74 ... 0x76] = INT_SIMD,			    /* pcmpeqb/w/d */
    [0x7c ... 0x7d] = R4(S_NO, S_NEW, S_NO, S_NEW), /* haddpd/ps, hsubpd/ps */
    [0x7e] = R4(S_MMX, S_RM, S_RM, S_NO),	    /* movd/movq r/m, xmm; movq xmm, xmm/m64 */
    [0x7f] = R4(S_MMX, S_RM, S_RM, S_NO),	    /* movdqa, movdqu m, xmm */
    [0xc2] = PS_PD_SS_SD,			    /* cmpps/pd/ss/sd */
    [0xc4] = INT_SIMD,				    /* pinsrw */
    [0xc5] = R4(S_MMX, S_REG, S_NO, S_NO),	    /* pextrw r32, xmm */
    [0xc6] = PS_PD,				    /* shufps, shufpd */
    [0xd0] = R4(S_NO, S_NEW, S_NO, S_NEW),	    /* addsubpd, addsubps */
    [0xd1 ... 0xd5] = INT_SIMD,			    /* psrlw/d/q, paddq, pmullw */
    [0xd6] = R4(S_NO, S_RM, S_MMX, S_MMX),	    /* movq xmm/m64, xmm; movq2dq, movdq2q */
    [0xd7] = R4(S_MMX, S_REG, S_NO, S_NO),	    /* pmovmskb */
    [0xd8 ... 0xe5] = INT_SIMD,		   /* psubus, pminub, pand, paddus, pavg, psra... */
    [0xe6] = R4(S_NO, S_RM, S_RM, S_RM),   /* cvttpd2dq, cvtdq2pd, cvtpd2dq */
    [0xe7] = R4(S_MMX, S_MEM, S_NO, S_NO), /* movntdq */
    [0xe8 ... 0xef] = INT_SIMD,		   /* psubs, pminsw, por, padds, pmaxsw, pxor */
    [0xf0] = R4(S_NO, S_NO, S_NO, S_NEW),  /* lddqu */
    [0xf1 ... 0xf6] = INT_SIMD,		   /* psll, pmuludq, pmaddwd, psadbw */
    [0xf7] = {{S_MMX, S_BAD},
	      "maskmovdqu (66 0F F7) not allowed: it stores through an implicit rdi"},
    [0xf8 ... 0xfe] = INT_SIMD, /* psub, padd */
};

/* Why a refused form is refused, by form. */
static const char *const sse_why[] = {
    [S_NO] = "SSE opcode with this prefix (none, 66, F3, F2): no SSE/SSE2 instruction",
    [S_MMX] = "MMX instruction (mm register) not allowed: MMX aliases the x87 state",
    [S_NEW] = "SSE3 or later instruction not allowed (SSE2 at most)",
    [S_MEM] = "SSE instruction needs a memory operand here (mod 11 is #UD)",
    [S_REG] = "SSE instruction needs a register operand here",
};

/* The 0F map (SDM Vol. 2D A.3, Tables ). */
static const struct opinfo map0f[256] = {
    [0x00] = {.flags = OK | M, .group = G_0F00},
    [0x01] = {.flags = OK | M | NO66, .group = G_0F01},
    [0x02] = WHY("lar (0F 02) not allowed"),
    [0x03] = WHY("lsl (0F 03) not allowed"),
    [0x05] = WHY("syscall (0F 05) not allowed"),
    [0x06] = WHY("privileged instruction 0F 06 (clts)"),
    [0x07] = WHY("privileged instruction 0F 07 (sysret)"),
    [0x08] = WHY("privileged instruction 0F 08 (invd)"),
    [0x09] = WHY("privileged instruction 0F 09 (wbinvd)"),
    [0x0b] = {.flags = OK | NO66}, /* ud2 */
    [0x0d] = {.flags = OK | M | NO66, .group = G_0F0D},
    [0x0e ... 0x0f] = WHY("3DNow! instruction (0F 0E, 0F 0F) not allowed"),
    [0x10 ... 0x17] = {.flags = M | PFX},
    [0x18] = {.flags = OK | M | NO66, .group = G_0F18},
    [0x19 ... 0x1d] = WHY("hint or reserved-NOP opcode (0F 19-1D) not allowed"),
    [0x1e] = {.flags = OK | M | NO66 | NEED_F3,
	      .group = G_0F1E,
	      .why = "0F 1E without F3 (reserved NOP) not allowed"},
    [0x1f] = {.flags = OK | M, .group = G_0F1F}, /* nop r/m */
    [0x20] = WHY("privileged instruction 0F 20 (mov from a control register)"),
    [0x21] = WHY("privileged instruction 0F 21 (mov from a debug register)"),
    [0x22] = WHY("privileged instruction 0F 22 (mov to a control register)"),
    [0x23] = WHY("privileged instruction 0F 23 (mov to a debug register)"),
    [0x28 ... 0x2f] = {.flags = M | PFX},
    [0x30] = WHY("privileged instruction 0F 30 (wrmsr)"),
    [0x31] = {.flags = OK | NO66}, /* rdtsc */
    [0x32] = WHY("privileged instruction 0F 32 (rdmsr)"),
    [0x33] = WHY("rdpmc (0F 33) not allowed"),
    [0x34] = WHY("sysenter (0F 34) not allowed"),
    [0x35] = WHY("privileged instruction 0F 35 (sysexit)"),
    [0x37] = WHY("getsec (0F 37) not allowed"),
    [0x38] = WHY("three-byte opcode map 0F 38 not allowed (SSE, movbe, crc32...)"),
    [0x3a] = WHY("three-byte opcode map 0F 3A not allowed (SSE)"),
    [0x40 ... 0x4f] = {.flags = OK | M}, /* cmovcc */
    [0x50 ... 0x6f] = {.flags = M | PFX},
    [0x70] = {.flags = M | PFX, .imm = IMM_B}, /* pshufd, pshufhw, pshuflw */
    [0x71] = {.flags = M | PFX, .imm = IMM_B, .group = G_SSE71},
    [0x72] = {.flags = M | PFX, .imm = IMM_B, .group = G_SSE72},
    [0x73] = {.flags = M | PFX, .imm = IMM_B, .group = G_SSE73},
    [0x74 ... 0x76] = {.flags = M | PFX},
    [0x77] = WHY("emms (0F 77) not allowed (no MMX)"),
    [0x78 ... 0x79] = WHY("privileged instruction 0F 78/79 (vmread/vmwrite)"),
    [0x7a ... 0x7b] = WHY("0F 7A/7B: invalid opcode"),
    [0x7c ... 0x7f] = {.flags = M | PFX},
    [0x80 ... 0x8f] = {.flags = OK | NO66, .imm = IMM_REL32, .branch = X86_BR_JCC},
    [0x90 ... 0x9f] = {.flags = OK | M}, /* setcc */
    [0xa0 ... 0xa1] = WHY("push/pop fs (0F A0/A1) not allowed"),
    [0xa2] = {.flags = OK | NO66},	      /* cpuid */
    [0xa3] = {.flags = OK | M},		      /* bt */
    [0xa4] = {.flags = OK | M, .imm = IMM_B}, /* shld imm8 */
    [0xa5] = {.flags = OK | M},		      /* shld cl */
    [0xa8 ... 0xa9] = WHY("push/pop gs (0F A8/A9) not allowed"),
    [0xaa] = WHY("privileged instruction 0F AA (rsm)"),
    [0xab] = {.flags = OK | M | LK},	      /* bts */
    [0xac] = {.flags = OK | M, .imm = IMM_B}, /* shrd imm8 */
    [0xad] = {.flags = OK | M},		      /* shrd cl */
    [0xae] = {.flags = OK | M | NO66, .group = G_0FAE},
    [0xaf] = {.flags = OK | M},		      /* imul r, r/m */
    [0xb0 ... 0xb1] = {.flags = OK | M | LK}, /* cmpxchg */
    [0xb2] = WHY("far pointer load lss (0F B2) not allowed"),
    [0xb3] = {.flags = OK | M | LK}, /* btr */
    [0xb4 ... 0xb5] = WHY("far pointer load lfs/lgs (0F B4/B5) not allowed"),
    [0xb6 ... 0xb7] = {.flags = OK | M}, /* movzx */
    /* F3 0F B8 is popcnt */
    [0xb8] = {.flags = OK | M | NEED_F3, .why = "0F B8 without F3 (jmpe) not allowed"},
    [0xb9] = WHY("ud1 (0F B9) not allowed"),
    [0xba] = {.flags = OK | M, .imm = IMM_B, .group = G_0FBA},
    [0xbb] = {.flags = OK | M | LK},	       /* btc */
    [0xbc ... 0xbd] = {.flags = OK | M | F3},  /* bsf, bsr; F3: tzcnt, lzcnt */
    [0xbe ... 0xbf] = {.flags = OK | M},       /* movsx */
    [0xc0 ... 0xc1] = {.flags = OK | M | LK},  /* xadd */
    [0xc2] = {.flags = M | PFX, .imm = IMM_B}, /* cmpps/pd/ss/sd */
    [0xc3] = WHY("movnti (0F C3) not allowed"),
    [0xc4 ... 0xc6] = {.flags = M | PFX, .imm = IMM_B}, /* pinsrw, pextrw, shufps/pd */
    [0xc7] = {.flags = OK | M | NO66, .group = G_0FC7},
    [0xc8 ... 0xcf] = {.flags = OK}, /* bswap */
    [0xd0 ... 0xfe] = {.flags = M | PFX},
    [0xff] = WHY("ud0 (0F FF) not allowed"),
};

static const struct modrm_name names_0f01[] = {
    {0xc1, "privileged instruction 0F 01 C1 (vmcall)"},
    {0xc2, "privileged instruction 0F 01 C2 (vmlaunch)"},
    {0xc3, "privileged instruction 0F 01 C3 (vmresume)"},
    {0xc4, "privileged instruction 0F 01 C4 (vmxoff)"},
    {0xc8, "privileged instruction 0F 01 C8 (monitor)"},
    {0xc9, "privileged instruction 0F 01 C9 (mwait)"},
    {0xca, "privileged instruction 0F 01 CA (clac)"},
    {0xcb, "privileged instruction 0F 01 CB (stac)"},
    {0xd0, "xgetbv (0F 01 D0) not allowed"},
    {0xd1, "privileged instruction 0F 01 D1 (xsetbv)"},
    {0xd5, "xend (0F 01 D5) not allowed"},
    {0xd6, "xtest (0F 01 D6) not allowed"},
    {0xd8, "privileged instruction 0F 01 D8 (vmrun)"},
    {0xe8, "serialize (0F 01 E8) not allowed"},
    {0xee, "rdpkru (0F 01 EE) not allowed"},
    {0xef, "wrpkru (0F 01 EF) not allowed: it changes PKRU"},
    {0xf8, "privileged instruction 0F 01 F8 (swapgs)"},
    {0xfa, "privileged instruction 0F 01 FA (monitorx)"},
    {0xfb, "privileged instruction 0F 01 FB (mwaitx)"},
    {0xfc, "clzero (0F 01 FC) not allowed"},
};

static const struct modrm_name names_0f1e[] = {
    {0xfb, "endbr32 (F3 0F 1E FB) not allowed"},
};

static const struct opgroup groups[G_COUNT] = {
    [G_ALU] = {.mem_ok = 0xff, .reg_ok = 0xff, .lock_ok = 0x7f}, /* /7 is cmp */
    [G_LEA] = {.mem_ok = 0xff, .why = {[0 ... 7] = "lea with a register operand: invalid opcode"}},
    [G_8F] = {.mem_ok = 0x01,
	      .reg_ok = 0x01,
	      .why = {[1 ... 7] = "8F /1-/7 (XOP prefix) not allowed"}},
    [G_SHIFT] = {.mem_ok = 0xbf,
		 .reg_ok = 0xbf,
		 .why = {[6] = "undocumented shift /6 (C0/C1/D0-D3) not allowed"}},
    [G_MOVI] = {.mem_ok = 0x01,
		.reg_ok = 0x01,
		.why = {[1 ... 6] = "C6/C7 /1-/6: invalid opcode",
			[7] = "xabort/xbegin (C6/C7 /7) not allowed"}},
    [G_F6] = {.mem_ok = 0xfd,
	      .reg_ok = 0xfd,
	      .lock_ok = 0x0c, /* not, neg */
	      .imm0 = IMM_B,
	      .why = {[1] = "undocumented test alias (F6 /1) not allowed"}},
    [G_F7] = {.mem_ok = 0xfd,
	      .reg_ok = 0xfd,
	      .lock_ok = 0x0c,
	      .imm0 = IMM_Z,
	      .why = {[1] = "undocumented test alias (F7 /1) not allowed"}},
    [G_FE] = {.mem_ok = 0x03,
	      .reg_ok = 0x03,
	      .lock_ok = 0x03,
	      .why = {[2 ... 7] = "FE /2-/7: invalid opcode"}},
    [G_FF] = {.mem_ok = 0x43,
	      .reg_ok = 0x57,
	      .lock_ok = 0x03, /* inc, dec */
	      .br = {[2] = X86_BR_CALL_IND, [4] = X86_BR_JMP_IND},
	      .why = {[2] = "indirect call through memory (FF /2) not allowed",
		      [3] = "far call (FF /3) not allowed",
		      [4] = "indirect jump through memory (FF /4) not allowed",
		      [5] = "far jump (FF /5) not allowed",
		      [7] = "FF /7: invalid opcode"}},
    [G_0F00] = {.why = {"sldt (0F 00 /0) not allowed", "str (0F 00 /1) not allowed",
			"privileged instruction 0F 00 /2 (lldt)",
			"privileged instruction 0F 00 /3 (ltr)", "verr (0F 00 /4) not allowed",
			"verw (0F 00 /5) not allowed", "0F 00 /6: invalid opcode",
			"0F 00 /7: invalid opcode"}},
    [G_0F01] = {.nexact = 1,
		.exact = {0xf9}, /* rdtscp */
		.why = {"sgdt (0F 01 /0) not allowed", "sidt (0F 01 /1) not allowed",
			"privileged instruction 0F 01 /2 (lgdt)",
			"privileged instruction 0F 01 /3 (lidt)", "smsw (0F 01 /4) not allowed",
			"rstorssp (0F 01 /5) not allowed", "privileged instruction 0F 01 /6 (lmsw)",
			"privileged instruction 0F 01 /7 (invlpg)"},
		.why_reg = "privileged instruction 0F 01 (system group; only rdtscp 0F 01 F9)",
		.names = names_0f01,
		.nnames = sizeof(names_0f01) / sizeof(names_0f01[0])},
    [G_0F0D] = {.mem_ok = 0x02,
		.why = {[0 ... 7] = "0F 0D: only prefetchw (/1) with a memory operand"}},
    [G_0F18] = {.mem_ok = 0x0f,
		.why = {[0 ... 7] = "0F 18: only prefetch /0-/3 with a memory operand"}},
    [G_0F1E] = {.nexact = 1,
		.exact = {0xfa}, /* endbr64 */
		.why = {[0 ... 7] = "F3 0F 1E with a memory operand not allowed"},
		.why_reg = "F3 0F 1E: only endbr64 (FA) is allowed",
		.names = names_0f1e,
		.nnames = 1},
    [G_0F1F] = {.mem_ok = 0x01,
		.reg_ok = 0x01,
		.why = {[1 ... 7] = "0F 1F /1-/7 (reserved NOP) not allowed"}},
    /* ldmxcsr, stmxcsr: MXCSR is the task's own (its FXSAVE image); a
     * reserved bit set or an unmasked exception faults the task. */
    [G_0FAE] = {.mem_ok = 0x0c,
		.nexact = 3,
		.exact = {0xe8, 0xf0, 0xf8}, /* lfence, mfence, sfence */
		.why = {"fxsave (0F AE /0) not allowed",
			"fxrstor (0F AE /1) not allowed: it loads the whole x87/SSE state", 0, 0,
			"xsave (0F AE /4) not allowed",
			"xrstor (0F AE /5) not allowed: it can change PKRU",
			"xsaveopt (0F AE /6) not allowed", "clflush (0F AE /7) not allowed"},
		.why_reg = "0F AE: only lfence, mfence, sfence (E8, F0, F8) are allowed"},
    [G_SSE71] = {.reg_ok = 0x54,
		 .why = {[0 ... 7] = "66 0F 71: only psrlw, psraw, psllw (/2 /4 /6)"}},
    [G_SSE72] = {.reg_ok = 0x54,
		 .why = {[0 ... 7] = "66 0F 72: only psrld, psrad, pslld (/2 /4 /6)"}},
    [G_SSE73] = {.reg_ok = 0xcc,
		 .why = {[0 ... 7] = "66 0F 73: only psrlq, psrldq, psllq, pslldq (/2 /3 /6 /7)"}},
    [G_0FBA] = {.mem_ok = 0xf0,
		.reg_ok = 0xf0,
		.lock_ok = 0xe0,
		.why = {[0 ... 3] = "0F BA /0-/3: invalid opcode"}},
    [G_0FC7] = {.mem_ok = 0x02,
		.lock_ok = 0x02, /* cmpxchg8b/16b */
		.why = {"0F C7 /0: invalid opcode", "0F C7 /1 needs a memory operand",
			"0F C7 /2: invalid opcode",
			"xrstors (0F C7 /3) not allowed: it can change PKRU",
			"xsavec (0F C7 /4) not allowed", "xsaves (0F C7 /5) not allowed",
			"vmptrld/rdrand (0F C7 /6) not allowed",
			"vmptrst/rdseed (0F C7 /7) not allowed"}},
};

/* Legacy prefixes (SDM Vol. 2A 2.1.1); the refused ones carry PX_BAD. */
#define PX_BAD 0x80
static const uint8_t prefix_bits[256] = {
    [0x26] = X86_PSEG, [0x2e] = X86_PSEG,   [0x36] = X86_PSEG, [0x3e] = X86_PSEG,
    [0x64] = PX_BAD,   [0x65] = PX_BAD | 1, [0x66] = X86_P66,  [0x67] = PX_BAD | 2,
    [0xf0] = X86_PF0,  [0xf2] = X86_PF2,    [0xf3] = X86_PF3,
};
static const char *const prefix_why[3] = {
    "fs segment prefix (64) not allowed",
    "gs segment prefix (65) not allowed",
    "address-size prefix (67) not allowed",
};

#define MAX_PREFIXES 4
#define MAX_LEN 15

static int refuse(const char **why, const char *s)
{
	*why = s;
	return X86_REFUSED;
}

/* Whether the ModRM byte passes the group; *why when it does not. */
static bool group_allows(const struct opgroup *g, uint8_t modrm, const char **why)
{
	unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7;
	if (((mod == 3 ? g->reg_ok : g->mem_ok) >> reg) & 1)
		return true;
	for (unsigned k = 0; mod == 3 && k < g->nexact; k++)
		if (g->exact[k] == modrm)
			return true;
	*why = 0;
	if (mod == 3) {
		for (unsigned k = 0; k < g->nnames; k++)
			if (g->names[k].modrm == modrm)
				*why = g->names[k].why;
		if (!*why && g->nexact)
			*why = g->why_reg;
	}
	if (!*why)
		*why = g->why[reg];
	if (!*why)
		*why = "opcode extension (ModRM.reg) not in the whitelist";
	return false;
}

/* Size of an immediate of this kind, given the prefixes. */
static unsigned imm_size(enum imm_kind k, uint8_t rex, uint8_t legacy)
{
	bool w = rex & 8, o16 = legacy & X86_P66;
	static const uint8_t fixed[] = {
	    [IMM_NONE] = 0, [IMM_B] = 1, [IMM_REL8] = 1, [IMM_REL32] = 4};
	if (k == IMM_Z)
		return w ? 4 : o16 ? 2 : 4;
	if (k == IMM_V)
		return w ? 8 : o16 ? 2 : 4;
	return fixed[k];
}

/* Prefixes: legacy ones in any order, then at most one REX. */
static int decode_prefixes(const uint8_t *p, size_t avail, struct x86_insn *in, size_t *at,
			   const char **why)
{
	size_t i = 0;
	for (;; i++) {
		if (i >= avail)
			return X86_TRUNCATED;
		uint8_t b = p[i], bits = prefix_bits[b];
		bool rex = (b & 0xf0) == 0x40;
		if (!bits && !rex)
			break;
		if (bits & PX_BAD)
			return refuse(why, prefix_why[bits & 3]);
		if (in->rex)
			return refuse(why, rex ? "two REX prefixes"
					       : "REX prefix before a legacy prefix");
		if (++in->nprefix > MAX_PREFIXES)
			return refuse(why, "more than 4 prefixes");
		if (rex)
			in->rex = b;
		else
			in->legacy |= bits;
	}
	*at = i;
	return X86_OK;
}

/*
 * A PFX opcode: the SSE form its prefixes pick (sse_rows[]), and the
 * operand that form needs, read from the ModRM byte at p[i] before the
 * SIB and displacement are (a refusal does not wait for them).  Only
 * admitted forms return X86_OK.  One mandatory prefix at most: with two,
 * which one counts is a rule of the CPU that nothing here needs.
 */
static int sse_form(const struct x86_insn *in, const uint8_t *p, size_t avail, size_t i,
		    const char **why)
{
	uint8_t px = in->legacy & (X86_P66 | X86_PF2 | X86_PF3);
	if (px & (px - 1))
		return refuse(why, "SSE instruction with more than one of the prefixes 66, F2, F3");
	enum sse_col c = px == X86_P66	 ? C_66
			 : px == X86_PF3 ? C_F3
			 : px == X86_PF2 ? C_F2
					 : C_NONE;
	const struct sse_row *r = &sse_rows[in->op];
	enum sse_form form = (enum sse_form)r->form[c];
	if (form == S_BAD)
		return refuse(why, r->why);
	if (form != S_RM && form != S_MEM && form != S_REG)
		return refuse(why, sse_why[form]);
	if (i >= avail)
		return X86_TRUNCATED;
	bool reg = (p[i] >> 6) == 3;
	if ((form == S_MEM && reg) || (form == S_REG && !reg))
		return refuse(why, sse_why[form]);
	return X86_OK;
}

/* F2/F3/66 against what the opcode takes. */
static int check_prefixes(const struct opinfo *e, const struct x86_insn *in, const char **why)
{
	uint8_t rep = in->legacy & (X86_PF2 | X86_PF3);
	if (rep == (X86_PF2 | X86_PF3))
		return refuse(why, "both F2 and F3 prefixes");
	if ((e->flags & NEED_F3) && rep != X86_PF3)
		return refuse(why, e->why);
	if (rep && !(e->flags & REP) && !(rep == X86_PF3 && (e->flags & (F3 | NEED_F3))))
		return refuse(why, "rep prefix (F2/F3) on an instruction that takes none");
	if ((in->legacy & X86_P66) && (e->flags & NO66))
		return refuse(why, e->branch
				       ? "operand-size prefix 66 on a branch (Intel and AMD "
					 "disagree on its length)"
				       : "operand-size prefix 66 not allowed on this instruction");
	return X86_OK;
}

/*
 * Lock (SDM Vol. 2A 3.2, LOCK): only add, adc, and, btc, btr, bts, cmpxchg,
 * cmpxchg8b/16b, dec, inc, neg, not, or, sbb, sub, xor, xadd and xchg take
 * it, and only with a memory destination; anything else raises #UD, so is
 * no instruction at all (Zydis refuses it too).  Needs the ModRM.
 */
static int check_lock(const struct opinfo *e, const struct x86_insn *in, const char **why)
{
	if (!(in->legacy & X86_PF0))
		return X86_OK;
	unsigned reg = (in->modrm >> 3) & 7;
	bool ok = e->group ? (groups[e->group].lock_ok >> reg) & 1 : (e->flags & LK) != 0;
	if (!(e->flags & M) || (in->modrm >> 6) == 3 || !ok)
		return refuse(why, "lock prefix (F0) on an instruction that takes none");
	return X86_OK;
}

/* Bytes of SIB and displacement after a ModRM byte; needs the SIB at p. */
static unsigned modrm_tail(uint8_t modrm, const uint8_t *p, size_t avail, size_t i, int *rc)
{
	unsigned mod = modrm >> 6, rm = modrm & 7, n = 0;
	*rc = X86_OK;
	if (mod == 3)
		return 0;
	if (rm == 4) { /* SIB follows; base 101 with mod 00 means disp32 */
		if (i >= avail) {
			*rc = X86_TRUNCATED;
			return 0;
		}
		n = 1;
		if (mod == 0 && (p[i] & 7) == 5)
			return n + 4;
	}
	if (mod == 1)
		return n + 1;
	if (mod == 2 || rm == 5) /* mod 00, rm 101: RIP + disp32 */
		return n + 4;
	return n;
}

/* A group's verdict on the ModRM byte, and the immediate and branch kind
 * of the instruction it picks. */
static int apply_group(const struct opgroup *g, struct x86_insn *in, enum imm_kind *imm,
		       const char **why)
{
	unsigned reg = (in->modrm >> 3) & 7;
	if (!group_allows(g, in->modrm, why))
		return X86_REFUSED;
	if (reg == 0 && g->imm0)
		*imm = g->imm0;
	if ((in->modrm >> 6) == 3)
		in->branch = g->br[reg];
	/* AMD honours 66 on near branches (AMD64 APM Vol. 1 3.7.9, Table
	 * 3-9): jmp *%ax, to a 16-bit address; Intel ignores it. */
	if (in->branch && (in->legacy & X86_P66))
		return refuse(why, "66 prefix on the indirect branch: AMD reads a 16-bit target");
	return X86_OK;
}

/* The ModRM byte at *at and what hangs on it: the group, lock, then the
 * SIB and displacement; *at moves past them. */
static int decode_modrm(const struct opinfo *e, const uint8_t *p, size_t avail, size_t *at,
			struct x86_insn *in, enum imm_kind *imm, const char **why)
{
	if (*at >= avail)
		return X86_TRUNCATED;
	in->modrm = p[(*at)++];
	int rc = e->group ? apply_group(&groups[e->group], in, imm, why) : X86_OK;
	if (!rc)
		rc = check_lock(e, in, why);
	if (!rc)
		*at += modrm_tail(in->modrm, p, avail, *at, &rc);
	return rc;
}

int x86_decode(const uint8_t *p, size_t avail, struct x86_insn *in, const char **why)
{
	size_t i = 0;
	*in = (struct x86_insn){0};
	int rc = decode_prefixes(p, avail, in, &i, why);
	if (rc)
		return rc;

	const struct opinfo *e = &map1[p[i]];
	in->op = p[i++];
	if (in->op == 0x0f) {
		if (i >= avail)
			return X86_TRUNCATED;
		in->map = 1;
		in->op = p[i++];
		e = &map0f[in->op];
	}
	/* PFX entries are not OK by themselves: their sse_rows[] form is. */
	if (e->flags & OK)
		rc = check_prefixes(e, in, why);
	else if (e->flags & PFX)
		rc = sse_form(in, p, avail, i, why);
	else
		rc = refuse(why, e->why	   ? e->why
				 : in->map ? "opcode not in the whitelist (0F map)"
					   : "opcode not in the whitelist (one-byte map)");
	if (rc)
		return rc;

	enum imm_kind imm = e->imm;
	in->branch = e->branch;
	rc = (e->flags & M) ? decode_modrm(e, p, avail, &i, in, &imm, why) : check_lock(e, in, why);
	if (rc)
		return rc;

	in->imm_at = (uint8_t)i;
	in->imm_len = (uint8_t)imm_size(imm, in->rex, in->legacy);
	if (i + in->imm_len > MAX_LEN)
		return refuse(why, "instruction longer than 15 bytes");
	if (i + in->imm_len > avail)
		return X86_TRUNCATED;
	for (unsigned k = 0; k < in->imm_len; k++)
		in->imm |= (uint64_t)p[i + k] << (8 * k);
	i += in->imm_len;
	in->len = (uint8_t)i;

	if (imm == IMM_REL8)
		in->rel = (int8_t)in->imm;
	else if (imm == IMM_REL32)
		in->rel = (int32_t)(uint32_t)in->imm;
	return X86_OK;
}
