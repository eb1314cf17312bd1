/* loader/format/: the boot formats every boot path shares: initrd (cpio), task image and kernel
 * (ELF64), PVH start info, task specs. */
#ifndef SHOJI_LOADER_FORMAT_H
#define SHOJI_LOADER_FORMAT_H

/*
 * Pure parsing on plain buffers, shared by the VMM (host) and the guest
 * kernel (freestanding): cpio.c, elf_task.c, task_token.c and taskspec.c call no library
 * function, allocate nothing and keep no state.  cpio_pack.c is host only.
 *
 * Conventions, for every function here:
 *  - errors are negative SHOJI_E* codes (shoji/abi.h);
 *  - every function taking `const char **why` sets *why, on any failure,
 *    to a constant human-readable reason naming what failed (callers print
 *    "task image NAME refused: <why>"); on success *why is left alone;
 *  - every size and offset read from a file is checked against the buffer
 *    length before use, without overflow.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shoji/abi.h"
#include "shoji/pvh.h"
#include "shoji/acpi.h"

#include "elf64.h"

/* ==================================================================== */
/* cpio "newc" archives (cpio.c)                                        */
/* ==================================================================== */

/*
 * Format: each entry is a 110-byte ASCII header, "070701" then 13 fields of
 * 8 hex digits (ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
 * devminor, rdevmajor, rdevminor, namesize, check); then the name,
 * namesize bytes including its NUL, padded so header+name ends 4-aligned;
 * then filesize bytes of data padded to 4.  The entry named "TRAILER!!!"
 * ends the archive.  Offsets are relative to the archive start.
 */
#define CPIO_MAGIC "070701"
#define CPIO_HEADER_SIZE 110
#define CPIO_TRAILER "TRAILER!!!"
#define CPIO_NAME_MAX 255 /* longest name cpio_writer_add accepts */

/* mode bits: file type (as in st_mode) */
#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_REG 0100000u
#define CPIO_MODE_DIR 0040000u

struct cpio_entry {
	const char *name; /* points into the archive; NUL-terminated there */
	size_t name_len;  /* without the NUL */
	const void *data; /* points into the archive */
	size_t size;	  /* bytes of data */
	uint32_t mode;	  /* type and permission bits */
};

/*
 * cpio_next - read the archive entry at *offset.
 * @archive, @len: the archive bytes.
 * @offset: in: where the entry starts (0 for the first; must be 4-aligned);
 *          out: where the next entry starts.  Not moved at the trailer.
 * @out:    filled for an ordinary entry (name and data point into @archive).
 * Returns 1 for an entry (and advances *offset), 0 at the TRAILER!!! entry
 * (end of archive; *out not filled), or -SHOJI_EINVAL with *why when
 * *offset is past @len or not 4-aligned, or the archive is malformed:
 * truncated header, bad magic, non-hex digit, zero name size, name not
 * NUL-terminated or with an embedded NUL, name or data (with padding) past
 * @len, or no trailer before @len.
 */
int cpio_next(const void *archive, size_t len, size_t *offset, struct cpio_entry *out,
	      const char **why);

/*
 * cpio_find - look up the regular file called @name (exact byte match,
 * no path handling).
 * @archive, @len: the archive bytes.
 * @name: NUL-terminated name to look for.
 * @out:  filled when found.
 * Returns 0 when found; 1 when the archive is well-formed up to its trailer
 * but holds no entry of that name (*why = "no such file in the initrd");
 * -SHOJI_EINVAL with *why when the archive is malformed before a match is
 * found, or when the entry of that name is not a regular file.
 * The first entry of a given name wins.
 */
int cpio_find(const void *archive, size_t len, const char *name, struct cpio_entry *out,
	      const char **why);

/* ==================================================================== */
/* cpio writer (cpio_pack.c, host only)                                 */
/* ==================================================================== */

/*
 * Builds an archive in a growable malloc'd buffer: init, add files, finish,
 * then use buf[0..len), then free.  Entries are regular files, mode 0644,
 * mtime 0, so the same inputs give the same bytes.
 */
struct cpio_writer {
	unsigned char *buf; /* the archive so far (malloc'd; NULL when empty) */
	size_t len;	    /* bytes used */
	size_t cap;	    /* bytes allocated */
	unsigned count;	    /* files added */
	bool finished;	    /* trailer written: no more adds */
};

/* cpio_writer_init - start an empty archive.  Cannot fail. */
void cpio_writer_init(struct cpio_writer *w);

/*
 * cpio_writer_add - append a regular file.
 * @name: NUL-terminated file name, 1..CPIO_NAME_MAX bytes, no '/', not
 *        ".", "..", or "TRAILER!!!", and not already in the archive.
 * @data, @size: contents (@data may be NULL when @size is 0); at most
 *        0xffffffff bytes (a newc size field is 8 hex digits).
 * Returns 0; -SHOJI_EINVAL with *why for a refused name or size or after
 * cpio_writer_finish; -SHOJI_ENOMEM with *why when the buffer cannot grow
 * (the archive is then unchanged).
 */
int cpio_writer_add(struct cpio_writer *w, const char *name, const void *data, size_t size,
		    const char **why);

/*
 * cpio_writer_finish - append the TRAILER!!! entry; the archive is then
 * complete in w->buf[0..w->len).
 * Returns 0; -SHOJI_EINVAL with *why when already finished; -SHOJI_ENOMEM
 * with *why when the buffer cannot grow.
 */
int cpio_writer_finish(struct cpio_writer *w, const char **why);

/* cpio_writer_free - release the buffer and reset @w to empty.  Safe to
 * call twice. */
void cpio_writer_free(struct cpio_writer *w);

/* ==================================================================== */
/* ELF task images (elf_task.c)                                         */
/* ==================================================================== */

/*
 * A task image is a static position-independent ELF64 for x86-64
 * (ET_DYN, no PT_INTERP, no PT_TLS, no DT_NEEDED): the kernel picks a base,
 * copies each PT_LOAD to base + vaddr, zeroes the rest of its memsz, and
 * applies the R_X86_64_RELATIVE relocations.  All addresses in struct
 * elf_task are offsets from that base.
 */
#define ELF_TASK_MAX_SEGMENTS 8
#define ELF_TASK_PAGE_SIZE 4096u

struct elf_task_segment {
	uint64_t vaddr;	 /* offset from the load base */
	uint64_t memsz;	 /* > 0: empty PT_LOADs are dropped */
	uint64_t offset; /* file offset of the first byte */
	uint64_t filesz; /* bytes from the file; the rest up to memsz is zero */
	uint32_t flags;	 /* ELF_PF_R/W/X; never both W and X */
};

struct elf_task {
	const uint8_t *file; /* the image as given to elf_task_parse */
	size_t size;
	uint64_t entry; /* relative to load base 0; inside an X segment */
	uint64_t span;	/* bytes from 0 to the page-rounded end of the highest segment */
	unsigned nseg;	/* 1..ELF_TASK_MAX_SEGMENTS */
	struct elf_task_segment seg[ELF_TASK_MAX_SEGMENTS]; /* PT_LOAD, sorted by vaddr */
	uint64_t rela_off;   /* file offset of the Elf64_Rela table (0 when none) */
	uint64_t rela_count; /* entries in it (0 when none) */
};

/*
 * elf_task_parse - validate a task image and describe it.
 * @file, @size: the image bytes; must stay valid while @out is used.
 * @max_span: the largest span the caller can place (bytes of address space).
 * @out: filled on success (fields with nothing to say are zero);
 *       unspecified after a failure.
 * Checks: ELF identification (magic, 64-bit, little-endian, version), no
 * extended section count (e_shnum 0 with e_shoff set: libelf reads the
 * count from section 0 and refuses the file when that is bad), x86-64,
 * ET_DYN (ET_EXEC refused: build with -static-pie); program headers at a
 * non-zero e_phoff (0 means no table, gABI) inside the file; each PT_LOAD:
 * filesz <= memsz, file bytes inside the file, vaddr + memsz without
 * overflow and within @max_span, alignment a power of two and
 * offset/address congruent modulo the page size, not both W and X, and
 * (when non-empty) at least one of R, W, X; at most ELF_TASK_MAX_SEGMENTS
 * non-empty PT_LOADs, at least one; no two overlapping; no page shared by
 * a W and an X segment; no PT_INTERP, no PT_TLS, at most one PT_DYNAMIC;
 * the entry inside an X segment; the dynamic section inside the file, no
 * DT_NEEDED, no DT_REL/DT_RELR/PLT relocation tables, the DT_RELA table
 * inside one segment's file bytes with 24-byte entries; every relocation
 * as elf_task_relocate requires (so that a bad image is refused before
 * anything is loaded).
 * Other program headers (PT_NOTE, PT_PHDR, PT_GNU_*) are ignored.
 * Returns 0, or -SHOJI_EINVAL with *why naming the failed check.  After
 * a refusal out->span exceeds @max_span only when *why is "image too
 * large": it is then the page-rounded end of the segment that does not
 * fit, for the caller's message (elf_task_too_large).
 */
int elf_task_parse(const void *file, size_t size, uint64_t max_span, struct elf_task *out,
		   const char **why);

/*
 * elf_task_too_large - after elf_task_parse refused @t with @max_span: was
 * it "image too large"?  Then callers print, with their own snprintf,
 *   ELF_TASK_TOO_LARGE_FMT, ELF_TASK_TOO_LARGE_ARGS(t, max_span)
 * ("image too large: 96 KiB of memory span, the limit is 88 KiB"); spans
 * are page multiples, so the KiB are exact.
 */
static inline bool elf_task_too_large(const struct elf_task *t, uint64_t max_span)
{
	return t->span > max_span;
}
#define ELF_TASK_TOO_LARGE_FMT "image too large: %llu KiB of memory span, the limit is %llu KiB"
#define ELF_TASK_TOO_LARGE_ARGS(t, max_span)                                                       \
	(unsigned long long)((t)->span >> 10), (unsigned long long)((uint64_t)(max_span) >> 10)

/*
 * elf_task_relocate - apply the image's relocations for load base @base.
 * @t:    a parsed image.
 * @base: the load address; page-aligned, and base + span must not wrap.
 * @write64: stores @value at image offset @offset (the caller adds base and
 *        knows how to reach the memory); returns 0, or a negative code
 *        which stops relocation and is returned (a positive one is
 *        returned as -SHOJI_EFAULT).
 * @ctx:  passed to @write64.
 * R_X86_64_RELATIVE stores base + addend at r_offset; R_X86_64_NONE is
 * skipped.  Checked again here: the type, the target [r_offset, r_offset+8)
 * inside a writable segment's memsz, and 0 <= addend <= span (a pointer
 * one past the end of the image is legal C).
 * Returns 0; -SHOJI_EINVAL with *why for a bad base or relocation; the
 * write64 error with *why = "writing a relocation failed".  Relocations
 * before the failing one have been applied.
 */
int elf_task_relocate(const struct elf_task *t, uint64_t base,
		      int (*write64)(void *ctx, uint64_t offset, uint64_t value), void *ctx,
		      const char **why);

/*
 * elf_task_page_flags - permissions the kernel's mapper should give a page.
 * @t: a parsed image.
 * @page_offset: offset of the page from the load base (rounded down to a
 *        page boundary).
 * Returns the union of the ELF_PF_* flags of the segments whose memory
 * touches that page, or 0 when none does (a hole: leave it unmapped).
 * Never both ELF_PF_W and ELF_PF_X, since elf_task_parse refuses that.
 */
int elf_task_page_flags(const struct elf_task *t, uint64_t page_offset);

/*
 * elf_task_note - find the task note (shoji/note.h) of an image.
 * @t: an image elf_task_parse accepted.
 * @note: on success, the note's descriptor.
 * @desc_off: on success, the file offset of the descriptor (where
 *        tools/task-seal writes the conventions).
 * Walks the entries of every PT_NOTE segment.  Returns 0, or -SHOJI_EINVAL
 * with *why: no shoji note, more than one, a descriptor that is not 8
 * bytes, an entry or a segment running past its bounds.
 */
int elf_task_note(const struct elf_task *t, struct shoji_task_note *note, uint64_t *desc_off,
		  const char **why);

/*
 * elf_task_note_check - the rule the kernel and shoji apply to a task
 * image's note: there is one (elf_task_note), built for
 * SHOJI_ABI_VERSION, with every SHOJI_CONV_REQUIRED bit set.
 * @t: an image elf_task_parse accepted.
 * @buf: ELF_TASK_NOTE_WHY_MAX bytes, for a reason that names numbers.
 * Returns 0, or -SHOJI_EINVAL with *why: elf_task_note's reasons,
 * "built for shoji ABI N, this is ABI M: ..." (in @buf), "not sealed: ...".
 */
#define ELF_TASK_NOTE_WHY_MAX 96
int elf_task_note_check(const struct elf_task *t, char *buf, const char **why);

/*
 * The largest span of a task image: a task's slot holds its image from
 * offset 0 up to the system-call gate page at SHOJI_GATE_OFFSET
 * (guest/arch/x86_64/layout.h, SLOT_IMAGE_MAX).  The guest passes that to
 * elf_task_parse; the host checks a task file against this same bound.
 */
#define ELF_TASK_SPAN_MAX ((uint64_t)SHOJI_GATE_OFFSET)

/* ==================================================================== */
/* The task= token's MODE, CPU pin and ARGs (task_token.c)             */
/* ==================================================================== */

/*
 * A task token is task=NAME[:MODE[@CPU][:ARG...]] on the kernel command
 * line (docs/architecture.md, "Which tasks run"); a TASKSPEC ends the
 * same way.  The kernel (guest/core/cmdline.c, its enum task_mode in this
 * order) and every host packer (taskspec_parse) read MODE and its pin and
 * count the ARGs with these, so a host refuses before boot what the
 * kernel would.  CPU is a CPU index (0 the boot processor, then the
 * others in the order they came up), below ACPI_MAX_CPUS; where a pinned
 * task runs is the kernel's placement, not this rule's.
 */
enum task_token_mode { TASK_MODE_PROCESS, TASK_MODE_SHARED, TASK_MODE_KERNEL, TASK_MODE_COUNT };
#define TASK_CPU_ANY (-1) /* a task without a pin: the kernel places it */

/* task_token_mode_name - "process", "shared", "kernel"; "?" for any other @mode. */
const char *task_token_mode_name(unsigned mode);

/*
 * task_token_mode - judge the MODE field @s[0..@len) (not NUL-terminated):
 * "MODE" or "MODE@CPU".
 * @cpu: receives CPU, 0..ACPI_MAX_CPUS-1, or TASK_CPU_ANY without an '@'
 *       (and on refusal).
 * The names are lower case and exact; CPU is decimal, with no sign, no
 * leading zero (but "0" itself) and nothing after it.
 * Returns the enum task_token_mode value, or -SHOJI_EINVAL with *why:
 * "unknown mode (process, shared or kernel)" (an empty MODE too),
 * "a CPU pin needs a mode before @ (process@N, shared@N or kernel@N)"
 * ("@1", "@"), or "CPU index after @ is not a decimal number below 16
 * (no sign or leading zero)" (16 being ACPI_MAX_CPUS; "shared@",
 * "shared@-1", "shared@16", "shared@01", "shared@1x", "shared@1@2").
 */
int task_token_mode(const char *s, size_t len, int *cpu, const char **why);

/*
 * task_token_check_tail - check the tail after NAME: "" or
 * ":MODE[@CPU][:ARG...]".
 * @tail: NUL-terminated; "" or starting with ':'.
 * @mode: receives the mode (TASK_MODE_PROCESS for ""); unspecified on refusal.
 * @cpu:  receives the pin (TASK_CPU_ANY for "" or a MODE without one);
 *        unspecified on refusal.
 * Refuses (-SHOJI_EINVAL) what task_token_mode refuses, with its *why,
 * and more than SHOJI_TASK_ARGS_MAX ARGs, *why "more than 16 arguments".
 * An ARG may be empty, or hold an '@' (only MODE's is a pin); its length
 * is bounded only by the command line's.
 * Returns 0 or -SHOJI_EINVAL.
 */
int task_token_check_tail(const char *tail, int *mode, int *cpu, const char **why);

/* ==================================================================== */
/* Task image symbols (elf_sym.c)                                       */
/* ==================================================================== */

/*
 * Which function of a task image an image offset lies in, for the line
 * that reports a killed task (guest/core/fault_site.c): read at kill time
 * from the image file itself, so no task carries anything for it.  The
 * file is as hostile as any task image and may be stripped: a missing or
 * bad symbol table only means no name.
 */
#define ELF_SYM_NAME_MAX 64 /* bytes of a name given back; longer ones are cut */

struct elf_sym {
	const char *name; /* into the file; name_len bytes, NOT NUL-terminated */
	size_t name_len;  /* 1..ELF_SYM_NAME_MAX */
	uint64_t value;	  /* st_value: the function's offset from the load base */
	uint64_t size;	  /* st_size; 0 when the symbol gives none */
};

/*
 * elf_sym_find - the function symbol that covers image offset @off.
 * @file, @size: an ELF64 little-endian file (anything at all is safe).
 * @off:  an offset from the load base (a static PIE's symbol values are
 *        such offsets).
 * @out:  filled when found.
 * Reads the first SHT_SYMTAB section and its linked SHT_STRTAB: the
 * section table, both sections and every name must lie inside the file
 * (sh_entsize 64 and 24, e_shnum 1..65279 with no extended numbering).
 * Of the STT_FUNC symbols that are defined (st_shndx not SHN_UNDEF), have
 * a non-empty name and start at or below @off, and cover it (@off -
 * st_value < st_size) or give no size (st_size 0), the highest st_value
 * wins; at a tie, one with a size.  A name runs to its NUL inside the
 * string table; one longer than ELF_SYM_NAME_MAX is cut to it; an empty
 * one, one the table ends inside, or one with a byte other than graphic
 * ASCII (0x21-0x7e) before the cut is skipped: the name is printed inside
 * a kernel line, which a newline or an escape would let a task forge.
 * Returns 1 with @out filled; 0 when the file has no usable symbol table
 * or no symbol covers @off.  Never reads outside [@file, @file + @size);
 * loops run once per section header and once per symbol, reading at
 * most ELF_SYM_NAME_MAX + 1 bytes of a name.
 */
int elf_sym_find(const void *file, size_t size, uint64_t off, struct elf_sym *out);

/* ==================================================================== */
/* Task specs and the kernel command line (taskspec.c)                  */
/* ==================================================================== */

/*
 * A TASKSPEC is HOSTPATH[:MODE[@CPU][:ARG...]] (docs/architecture.md,
 * "Which tasks run"): every boot path's host side (shoji, tools/qemu-run,
 * tools/esp-run, loader/uefi/mkesp) packs HOSTPATH into the initrd under
 * the task name, its base name without a trailing ".elf", and writes the
 * kernel command-line token task=NAME[:MODE[@CPU][:ARG...]].  MODE, its
 * pin and the ARGs go to the kernel as written, after the kernel's own rule for them
 * (task_token_check_tail) has passed them: a typo is refused on the host.
 */
#define TASKSPEC_PATH_MAX 4096 /* bytes of HOSTPATH, with a NUL */

struct taskspec {
	const char *path;		/* HOSTPATH: points into the spec, NOT NUL-terminated */
	size_t path_len;		/* 1..TASKSPEC_PATH_MAX-1 bytes */
	char name[SHOJI_TASK_NAME_MAX]; /* the task name, NUL-terminated */
	const char *rest;		/* ":MODE[@CPU][:ARG...]" or "": the spec's tail */
	int mode;			/* enum task_token_mode */
	int cpu;			/* the pin, or TASK_CPU_ANY */
};

/*
 * taskspec_parse - split and check one TASKSPEC (no file access).
 * @spec: NUL-terminated.
 * @out:  filled on success; path and rest point into @spec.
 * Refuses (-SHOJI_EINVAL, *why completing "task spec 'SPEC': "): white
 * space anywhere (the kernel splits its command line on it), any other
 * control character (byte below 0x20, or 0x7f: the UEFI loader's
 * shoji.cfg refuses them, loader/uefi/config.c), an empty
 * HOSTPATH, a HOSTPATH of TASKSPEC_PATH_MAX bytes or more, an empty task
 * name ("dir/.elf", "dir/"), a name of SHOJI_TASK_NAME_MAX bytes or more,
 * a name the initrd cannot hold ("." , "..", "TRAILER!!!"), a name the
 * kernel would read as a copy count (digits then '*', as in "2*x"), and a
 * tail the kernel would refuse (task_token_check_tail: an unknown mode,
 * a bad CPU pin, too many ARGs).
 * Returns 0 or -SHOJI_EINVAL.
 */
int taskspec_parse(const char *spec, struct taskspec *out, const char **why);

/*
 * A file already in the initrd: its task name, and what identifies the
 * host file (the host passes its real path: only the host can resolve it).
 */
struct taskspec_file {
	const char *name;
	const char *id;
};

/*
 * taskspec_dedup - the duplicate rule: the same file named twice is packed
 * once; two different files with one task name are refused.
 * @packed, @n: the files packed so far.
 * @name, @id:  the file to pack next (NUL-terminated).
 * @clash:      on refusal, the index in @packed of the other file.
 * Returns 0 (pack it), 1 (the same @id is packed under @name already: pack
 * nothing), or -SHOJI_EINVAL with *why = "two task files with one name".
 */
int taskspec_dedup(const struct taskspec_file *packed, unsigned n, const char *name, const char *id,
		   unsigned *clash, const char **why);

/*
 * The kernel command line being written into a caller's buffer: tokens
 * separated by one space, NUL-terminated at every step.
 */
struct cmdline_buf {
	char *s;
	size_t len; /* bytes used, without the NUL */
	size_t cap; /* bytes of @s, the NUL included: at most SHOJI_CMDLINE_MAX */
};

/*
 * cmdline_init - start an empty command line in @s[0..@cap).
 * @cap is clamped to SHOJI_CMDLINE_MAX (the kernel's limit, the NUL
 * included); @cap >= 1.
 */
void cmdline_init(struct cmdline_buf *c, char *s, size_t cap);

/*
 * cmdline_add_task - append the token task=NAME[:MODE[@CPU][:ARG...]] for @t.
 * Returns 0, or -SHOJI_EINVAL with *why = "kernel command line too long
 * (at most 4095 bytes)"; the line is then unchanged.
 */
int cmdline_add_task(struct cmdline_buf *c, const struct taskspec *t, const char **why);

/*
 * cmdline_check_text - may @s (NUL-terminated) go onto the kernel command
 * line as it is?  Every boot path must carry it, and the UEFI loader's
 * shoji.cfg holds no control character but tab (loader/uefi/config.c).
 * Returns 0, or -SHOJI_EINVAL with *why = "contains a control character
 * other than tab (the UEFI loader's shoji.cfg refuses it)".
 */
int cmdline_check_text(const char *s, const char **why);

/*
 * cmdline_append - append @s (NUL-terminated) as it is, after a space
 * unless the line is empty; an empty @s adds nothing.
 * Returns 0, or -SHOJI_EINVAL with *why as cmdline_check_text, or as
 * cmdline_add_task when too long; the line is then unchanged.
 */
int cmdline_append(struct cmdline_buf *c, const char *s, const char **why);

/* ==================================================================== */
/* The kernel, kernel.elf (kernel_elf.c)                                */
/* ==================================================================== */

/*
 * What a bootable kernel.elf is, for every path that boots one: shoji (on
 * the host, reading the file with libelf, vmm/elf_load.c), the UEFI
 * loader (loader/uefi/kernel.c, this file's raw reader) and the host tools
 * that check a kernel for QEMU's PVH path (kernel_elf_check).  Each rule
 * below exists here only; a path adds only what is its own (where guest
 * RAM ends, which pages the firmware gives).
 *
 * The rules, in the order they are checked (the first failure is the
 * reason given):
 *  1. identification, from the file's first bytes: the \177ELF magic, at
 *     least the 64-byte header, ELFCLASS64, ELFDATA2LSB, EV_CURRENT; and no
 *     extended section count (e_shnum 0 with e_shoff set: the real count
 *     would sit in section 0, which libelf insists on reading before it
 *     gives the header; a kernel has a few dozen sections); and no other
 *     kernel format that QEMU's -kernel tries before the PVH note: no
 *     Linux boot protocol signature ("HdrS" at 0x202), no multiboot
 *     header (magic 0x1BADB002, checksum summing to 0, 4-aligned in the
 *     first 8 KiB);
 *  2. the header: e_version EV_CURRENT, EM_X86_64, ET_EXEC (a kernel is
 *     linked at fixed physical addresses), 1..65534 program headers
 *     (PN_XNUM refused: a kernel has a handful) at a non-zero e_phoff
 *     (0 means no table, gABI), 56 bytes each, the table inside the file;
 *  3. each PT_LOAD with p_memsz > 0 (empty ones are dropped): p_filesz <=
 *     p_memsz, its file bytes inside the file, [p_paddr, p_paddr +
 *     p_memsz) below 4 GiB (the PVH entry runs with paging off, in 32-bit
 *     mode) and overlapping no other PT_LOAD; at least one, at most
 *     KERNEL_ELF_MAX_SEGMENTS; an empty one's file bytes inside the file
 *     too (QEMU's loader reads them).  Segments are placed by p_paddr:
 *     p_vaddr is the higher-half address the kernel's own page tables give
 *     them;
 *  4. the PVH entry note, found through PT_NOTE program headers only: a
 *     note named "Xen" of type XEN_ELFNOTE_PHYS32_ENTRY whose descriptor
 *     is 4 or 8 bytes (little-endian) holding an address below 4 GiB.
 *     Every non-empty PT_NOTE (its bytes inside the file) has p_align 1,
 *     2 or 4 (below 4, every note's name and descriptor sizes multiples
 *     of 4), and all its notes are walked, each padded to 4; a note
 *     running past its segment is refused.  There is exactly one note of
 *     that type in all of them, and it is named Xen.  Why so strict:
 *     QEMU's PVH loader (QEMU 7.2, read_pvh_start_addr and
 *     get_elf_note_type) pads notes by p_align as it is (0 crashes it, 8
 *     moves the descriptor 4 bytes on, 1 leaves an odd-sized name
 *     unpadded), takes the first note of the type whatever its name, and
 *     the one in the last PT_NOTE that holds one; with these rules it
 *     enters where shoji and the UEFI loader do.
 *     Section headers are never read: our kernel carries the note in a
 *     PT_NOTE (guest/arch/x86_64/kernel.ld), QEMU's PVH loader finds it
 *     the same way, and the UEFI loader has no reason to parse sections;
 *  5. the entry inside some PT_LOAD's file bytes [p_paddr, p_paddr +
 *     p_filesz): an entry in the bss would run zeroes; and not 0, which
 *     QEMU's PVH loader reads as no note.
 *
 * Readers.  The rules read the file through struct kernel_elf_reader, and
 * ask it only for what they have already placed inside the file, so a
 * reader never has to judge anything: kernel_elf_check uses the raw
 * reader here (byte by byte, any alignment, freestanding); shoji fills one
 * with libelf (gelf_getehdr, gelf_getphdr, elf_getdata_rawchunk).  Rule 1
 * reads the raw bytes in every path, because libelf gives no header at
 * all for a file it does not recognise.  The notes are walked here, on
 * the bytes libelf hands over, not with gelf_getnote: how notes are
 * padded and what a note cut short means are rules too, and gelf_getnote
 * answers 0 alike at the end of the notes and at a malformed one, so the
 * rule would have to be written a second time around it.  tests/conformance/kernel/ and
 * tests/fuzz/fuzz_kernel_elf.c hold both readers to the same verdict and
 * reason on every file.
 */
#define KERNEL_ELF_MAX_SEGMENTS 16
#define KERNEL_ELF_PHYS_LIMIT (1ull << 32) /* segments and entry lie below */

struct kernel_elf_segment {
	uint64_t paddr;	 /* where it is loaded (p_paddr) */
	uint64_t memsz;	 /* > 0 */
	uint64_t offset; /* file offset of the first byte */
	uint64_t filesz; /* bytes from the file; the rest up to memsz is zero */
};

struct kernel_elf {
	uint32_t entry; /* the PVH 32-bit entry, physical */
	uint64_t lo;	/* lowest p_paddr loaded */
	uint64_t hi;	/* highest p_paddr + p_memsz; <= KERNEL_ELF_PHYS_LIMIT */
	bool is_linux;	/* a note is named "Linux": a Linux vmlinux (vmm/guest_linux.h) */
	unsigned nseg;	/* 1..KERNEL_ELF_MAX_SEGMENTS */
	struct kernel_elf_segment seg[KERNEL_ELF_MAX_SEGMENTS]; /* sorted by paddr */
};

/*
 * How the rules read a file.  Every callback returns 0 (or a pointer), or
 * a negative value (NULL) when the reader itself failed; the rules then
 * return -SHOJI_EFAULT with *why naming the read that failed.  The raw
 * reader never fails, so a reader failure is a reader that is stricter
 * than the rules (the differential fuzzer looks for exactly that).
 */
struct kernel_elf_reader {
	const void *file; /* the whole file: rule 1 reads its first 64 bytes */
	uint64_t size;	  /* bytes in it */
	/* the file header; called once rule 1 has passed */
	int (*ehdr)(void *ctx, struct elf64_ehdr *out);
	/* program header @index (< e_phnum), once the table is inside the file */
	int (*phdr)(void *ctx, unsigned index, struct elf64_phdr *out);
	/* @len > 0 bytes at @offset, a range inside the file (any alignment) */
	const void *(*bytes)(void *ctx, uint64_t offset, uint64_t len);
	void *ctx; /* passed to each callback */
};

/*
 * kernel_elf_read - judge a kernel through @r by the rules above.
 * @out: filled on success; unspecified after a failure.
 * Returns 0; -SHOJI_EINVAL with *why naming the first rule broken;
 * -SHOJI_EFAULT with *why when a callback of @r failed.
 */
int kernel_elf_read(const struct kernel_elf_reader *r, struct kernel_elf *out, const char **why);

/*
 * kernel_elf_check - kernel_elf_read with the raw reader: the one call
 * that judges a whole kernel file held in a buffer.
 * @file, @size: the kernel.elf bytes (any alignment; @file may be NULL
 *        when @size is 0).
 * Returns 0 with *out filled, or -SHOJI_EINVAL with *why.
 */
int kernel_elf_check(const void *file, size_t size, struct kernel_elf *out, const char **why);

/* ==================================================================== */
/* The PVH start info (start_info.c)                                    */
/* ==================================================================== */

/*
 * What the kernel finds at EBX on its PVH entry (include/shoji/pvh.h: the
 * Xen layout), built by shoji (vmm/startinfo.c, in guest RAM) and by the
 * UEFI loader (loader/uefi/bootdata.c, in pages below 1 GiB) in one
 * region, laid out as:
 *
 *   phys + 0                      struct hvm_start_info
 *   phys + START_INFO_MODLIST_OFF struct hvm_modlist_entry (the initrd)
 *   phys + START_INFO_CMDLINE_OFF the command line, SHOJI_CMDLINE_MAX bytes
 *   phys + START_INFO_MEMMAP_OFF  struct hvm_memmap_table_entry[memmap_cap]
 *
 * The kernel reads all of it through its boot mapping of the first GiB
 * (guest/core/bootinfo.c), so the region must end at or below
 * START_INFO_LIMIT.  The memory map is the caller's (shoji knows its guest
 * RAM, the UEFI loader converts the firmware's map after the region is
 * laid out): it writes the entries into layout->memmap and then calls
 * start_info_set_memmap.
 */
#define START_INFO_MODLIST_OFF 64u
#define START_INFO_CMDLINE_OFF 128u
#define START_INFO_MEMMAP_OFF (START_INFO_CMDLINE_OFF + SHOJI_CMDLINE_MAX)
#define START_INFO_LIMIT (1ull << 30)

_Static_assert(START_INFO_MODLIST_OFF >= sizeof(struct hvm_start_info), "start info fits");
_Static_assert(START_INFO_CMDLINE_OFF >= START_INFO_MODLIST_OFF + sizeof(struct hvm_modlist_entry),
	       "module list fits");
_Static_assert(START_INFO_MEMMAP_OFF % 8 == 0, "memory map aligned");

struct start_info_params {
	const char *cmdline;  /* NUL-terminated; "" gives cmdline_paddr 0 */
	uint64_t initrd_phys; /* the one module; ignored when initrd_size is 0 */
	uint64_t initrd_size; /* 0: no module (nr_modules 0, modlist_paddr 0) */
	uint64_t rsdp_phys;   /* the ACPI RSDP, 0 when unknown */
};

/* Where each part lies, as the caller sees the region. */
struct start_info_layout {
	struct hvm_start_info *si;
	uint64_t si_phys; /* EBX at the kernel entry */
	struct hvm_modlist_entry *mod;
	char *cmdline;
	struct hvm_memmap_table_entry *memmap;
	size_t memmap_cap; /* entries memmap has room for */
};

/* start_info_size - bytes of the region for a memory map of @memmap_cap entries. */
size_t start_info_size(size_t memmap_cap);

/*
 * start_info_init - lay out and fill the region, all but the memory map.
 * @buf, @buf_size: the region as the caller reaches it, 8-byte aligned, at
 *        least start_info_size(@memmap_cap) bytes; that much is zeroed.
 * @phys: its physical address, 8-byte aligned.
 * @memmap_cap: memory map entries to make room for.
 * @p:    what the kernel is given.
 * @out:  where each part lies.
 * The start info is magic HVM_START_MAGIC, version 1 (memmap fields
 * valid), with memmap_paddr set and memmap_entries 0.
 * Returns 0; -SHOJI_EINVAL with *why for a misaligned or short region, a
 * region not ending at or below START_INFO_LIMIT, or an initrd range that
 * wraps past 2^64; -SHOJI_EMSGSIZE with *why for a command line of more
 * than SHOJI_CMDLINE_MAX - 1 bytes.  Nothing is written on failure.
 */
int start_info_init(void *buf, size_t buf_size, uint64_t phys, size_t memmap_cap,
		    const struct start_info_params *p, struct start_info_layout *out,
		    const char **why);

/*
 * start_info_set_memmap - record that layout->memmap holds @entries
 * entries.  Returns 0, or -SHOJI_EINVAL with *why when @entries is 0 (the
 * kernel needs a memory map) or above memmap_cap.
 */
int start_info_set_memmap(const struct start_info_layout *l, size_t entries, const char **why);

/* ==================================================================== */
/* ACPI: the RSDP, the RSDT/XSDT and the MADT's CPUs (acpi.c)           */
/* ==================================================================== */

/*
 * What the kernel reads to find the other CPUs (guest/arch/x86_64/acpi_find.c
 * fetches the bytes; these judge them).  Layouts: ACPI 6.5, 5.2.5.3 (RSDP),
 * 5.2.6 (the system description table header), 5.2.7 and 5.2.8 (RSDT and
 * XSDT), 5.2.12 (MADT) with 5.2.12.2 (Processor Local APIC, type 0) and
 * 5.2.12.12 (Processor Local x2APIC, type 9).  Every table comes from
 * firmware or a VMM and is treated as hostile: lengths are checked against
 * the bytes given before anything is read, sums are checked, nothing wraps.
 * The revision 0 layouts are include/shoji/acpi.h's, which shoji writes
 * (vmm/acpi.c); what only a reader needs (revision 2's XSDT, x2APIC
 * entries) is here.
 */
#define ACPI_RSDP_V2_LEN 36u /* revision >= 2: with the XSDT and its checksum */
#define ACPI_XSDT_SIG "XSDT"
#define ACPI_HEADER_LEN sizeof(struct acpi_sdt_header)
#define ACPI_MADT_FIXED sizeof(struct acpi_madt) /* where its entries start */
/* The most CPUs the kernel starts (guest/arch/x86_64/smp.c); CPUs past
 * it are counted, not started. */
#define ACPI_MAX_CPUS 16

/* Where the RSDP points: the XSDT's address when its revision has one
 * that is not 0, else the RSDT's. */
struct acpi_root {
	uint64_t table;
	bool xsdt; /* entries are 8 bytes (XSDT), else 4 (RSDT) */
};

/*
 * acpi_rsdp_parse - judge the RSDP in @buf (@len bytes; ACPI_RSDP_V2_LEN
 * is enough for any revision) and say where the root table lies.
 * Returns 0, or -SHOJI_EINVAL with *why: "RSDP signature is not 'RSD PTR '",
 * "RSDP shorter than 20 bytes", "RSDP checksum is wrong", "RSDP of
 * revision 2 is shorter than its length", "RSDP extended checksum is wrong",
 * "RSDP names no root table".
 */
int acpi_rsdp_parse(const void *buf, size_t len, struct acpi_root *out, const char **why);

/*
 * acpi_rsdp_scan - the first 16-byte aligned offset in @buf (@len bytes)
 * holding an RSDP that acpi_rsdp_parse accepts, the way an OS scans the
 * EBDA's first KiB and 0xE0000-0xFFFFF (ACPI 6.5, 5.2.5.1); @len when none.
 */
size_t acpi_rsdp_scan(const void *buf, size_t len);

/*
 * acpi_table_length - the length a table's header (@buf, @len bytes) claims.
 * Returns 0 with *out, or -SHOJI_EINVAL with *why: "ACPI table header
 * truncated", "ACPI table length is shorter than its header".
 */
int acpi_table_length(const void *buf, size_t len, uint32_t *out, const char **why);

/*
 * acpi_table_check - the whole table in @buf (@len bytes): its header's
 * length fits @len and its bytes sum to 0 mod 256.  @sig (4 bytes, or
 * NULL for any) must be its signature.  Returns 0, or -SHOJI_EINVAL with
 * *why: the reasons of acpi_table_length, "ACPI table is longer than the
 * bytes read", "ACPI table signature does not match", "ACPI table checksum
 * is wrong".
 */
int acpi_table_check(const void *buf, size_t len, const char *sig, const char **why);

/*
 * acpi_root_count - how many whole entries the checked RSDT or XSDT in
 * @buf (@len bytes, accepted by acpi_table_check) has; a trailing partial
 * entry counts as none.  acpi_root_entry - entry @i < that count.
 */
size_t acpi_root_count(const void *buf, size_t len, bool xsdt);
uint64_t acpi_root_entry(const void *buf, bool xsdt, size_t i);

/* The CPUs an MADT lists as usable (enabled, or online capable), in
 * table order, at most ACPI_MAX_CPUS. */
struct madt_cpus {
	uint32_t lapic_phys; /* the local APIC's address (no override read) */
	unsigned n;
	uint32_t apic_id[ACPI_MAX_CPUS];
	unsigned over_limit; /* usable CPUs past ACPI_MAX_CPUS, not listed */
	unsigned x2apic;     /* usable x2APIC entries with an ID above 254, not listed:
				the xAPIC cannot address them */
};

/*
 * madt_parse - the usable CPUs of the MADT in @buf (@len bytes, checked by
 * acpi_table_check with signature "APIC").  Duplicated APIC IDs count once.
 * Returns 0, or -SHOJI_EINVAL with *why: "MADT shorter than its 44 fixed
 * bytes", "MADT entry header past the end of the table", "MADT entry of
 * length 0 or 1", "MADT entry runs past the end of the table", "MADT local
 * APIC entry shorter than 8 bytes", "MADT x2APIC entry shorter than 16
 * bytes".
 */
int madt_parse(const void *buf, size_t len, struct madt_cpus *out, const char **why);

#endif
