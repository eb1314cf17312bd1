/* insn_class.h: which x86-64 instructions the TLB-model plugin counts or acts on, from their bytes.
 */
#ifndef SHOJI_TLBMODEL_INSN_CLASS_H
#define SHOJI_TLBMODEL_INSN_CLASS_H

/*
 * The plugin (bench/tlbmodel/plugin.c) classifies each instruction once,
 * when QEMU translates it, from its bytes (qemu_plugin_insn_data()), and
 * acts on the class each time it executes.  Pure: no QEMU, no I/O; tested
 * by tests/unit/test_tlbmodel_insn.c against hand-written encodings and
 * Zydis.  Only 64-bit mode encodings are classified.
 */

#include <stddef.h>
#include <stdint.h>

/* The classes. The events' order is the output's ("events" in
 * docs/tlb-model.md); INSN_MARKER carries its op in insn_class.op. */
enum insn_kind {
	INSN_NONE = 0, /* anything else, and truncated or unknown bytes */
	INSN_SYSCALL,
	INSN_SYSRET, /* with REX.W (SYSRETQ); the 32-bit form is INSN_NONE */
	INSN_SYSENTER,
	INSN_SYSEXIT,
	INSN_IRETQ, /* with REX.W; IRET/IRETD are INSN_NONE */
	INSN_INT,   /* INT imm8 (CD ib), not INT3 or INT1 */
	INSN_WRPKRU,
	INSN_RDPKRU,
	INSN_MOV_CR3,
	INSN_MOV_CR4,
	INSN_INVLPG, /* 0F 01 /7 with a memory operand */
	INSN_INVPCID,
	INSN_XSAVE,  /* XSAVE, XSAVEOPT, XSAVEC, XSAVES (and their REX.W forms) */
	INSN_XRSTOR, /* XRSTOR, XRSTORS */
	INSN_MARKER, /* include/shoji/tlbmark.h */
	INSN_KINDS
};

struct insn_class {
	enum insn_kind kind;
	uint16_t op; /* INSN_MARKER: the marker's op; else 0 */
};

/* Classifies the instruction at p[0..n) (n: the bytes QEMU says it has;
 * extra bytes after it are ignored).  Never fails: bytes that are not
 * one of the classes, or that end before the class is known, are
 * INSN_NONE. */
struct insn_class insn_classify(const uint8_t *p, size_t n);

/* The output name of a kind ("syscall", "mov_cr3", ...; "none", "marker"). */
const char *insn_kind_name(enum insn_kind kind);

#endif
