/* The task loader: a task's image, trampoline, stack and arguments
 * mapped into its slot, its code scanned and (ring 0) verified. */
#include "core/task_load.h"
#include "core/group.h"
#include "core/memory.h"
#include "core/task.h"
#include "core/task_memory.h"
#include "isolation/isolation.h"
#include "lib/lib.h"
#include "loader/format/format.h"

#define AS(t) (&(t)->group->as)

/* Kernel-side write into a task's mapped pages, whatever their rights
 * (loading writes read-only code pages). */
static int image_write(struct task *t, uint64_t va, const void *src, uint64_t len)
{
	const uint8_t *s = src;
	while (len) {
		uint64_t *e = aspace_leaf(AS(t), va & ~(PAGE_SIZE - 1));
		if (!e || !(*e & PTE_P))
			return -SHOJI_EFAULT;
		uint64_t off = va & (PAGE_SIZE - 1);
		uint64_t n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
		memcpy((uint8_t *)phys_to_virt(pte_addr(*e)) + off, s, n);
		s += n, va += n, len -= n;
	}
	return 0;
}

static int reloc_write(void *ctx, uint64_t offset, uint64_t value)
{
	struct task *t = ctx;
	return image_write(t, slot_base(t->slot) + offset, &value, sizeof(value));
}

_Static_assert(SLOT_GATE == SHOJI_GATE_OFFSET, "the trampoline is where tasks call it");

/*
 * The system-call trampoline tasks call at image offset SHOJI_GATE_OFFSET:
 * one read-only frame per kind, shared by every task of that kind (never
 * freed with one).  Ring 3: SYSCALL; RET.  Ring 0: a jump to the gate
 * (entry.S).  Every other byte is ud2, so that each 32-byte bundle of the
 * page, the places a ring-0 task's masked jumps can reach, starts with a
 * trap.
 */
extern char ktask_gate[], ktask_gate_mp[];

static uint64_t trampoline_frame(bool ring0)
{
	static uint64_t frames[2];
	uint8_t code[16];
	unsigned n = 0;

	if (frames[ring0])
		return frames[ring0];
	if (ring0) {
		uint64_t gate = (uint64_t)(entry_mp ? ktask_gate_mp : ktask_gate);
		code[n++] = 0x48, code[n++] = 0xb9; /* movabs $ktask_gate, %rcx */
		memcpy(code + n, &gate, 8);
		n += 8;
		code[n++] = 0xff, code[n++] = 0xe1; /* jmp *%rcx */
	} else {
		code[n++] = 0x0f, code[n++] = 0x05; /* syscall */
		code[n++] = 0xc3;		    /* ret */
	}
	uint64_t frame = page_alloc_zeroed();
	if (!frame)
		return 0;
	uint8_t *p = phys_to_virt(frame);
	for (unsigned i = 0; i < PAGE_SIZE; i += 2)
		p[i] = 0x0f, p[i + 1] = 0x0b; /* ud2 */
	memcpy(p, code, n);
	return frames[ring0] = frame;
}

/*
 * A ring-0 task's code must pass the verifier (isolation/verify.c): no
 * privileged instruction reachable, jumps only inside its code or to the
 * trampoline.  It sees the executable pages as mapped, and patches the
 * slot base into the masked branches.  Ring-3 tasks, which page tables and
 * keys confine whatever their code does, only get the slot base patched.
 */
struct code_ctx {
	struct task *t;
	const struct elf_task *img;
};

static uint8_t *code_page(void *ctx, uint64_t off)
{
	struct code_ctx *c = ctx;
	if (!(elf_task_page_flags(c->img, off) & ELF_PF_X))
		return 0;
	uint64_t *e = aspace_leaf(AS(c->t), slot_base(c->t->slot) + off);
	return e && (*e & PTE_P) ? phys_to_virt(pte_addr(*e)) : 0;
}

static void patch_ring3(struct task *t, const struct elf_task *img)
{
	struct code_ctx ctx = {t, img};
	for (uint64_t off = 0; off < img->span; off += PAGE_SIZE) {
		uint8_t *p = code_page(&ctx, off);
		if (p)
			cfi_patch_markers(p, PAGE_SIZE, (uint32_t)slot_base(t->slot));
	}
}

static int verify_ring0(struct task *t, const struct elf_task *img, const char **why)
{
	static uint8_t scratch[SLOT_IMAGE_MAX / 8];
	static char msg[128];
	struct code_ctx ctx = {t, img};
	struct code_view v = {.start = ~0ull, .end = 0, .page = code_page, .ctx = &ctx};

	for (uint64_t off = 0; off < img->span; off += PAGE_SIZE) {
		if (elf_task_page_flags(img, off) & ELF_PF_X) {
			if (off < v.start)
				v.start = off;
			v.end = off + PAGE_SIZE;
		}
	}
	uint64_t bad = 0;
	const char *w = "no executable pages";
	if (v.end && !verify_code(&v, SLOT_GATE, img->entry, (uint32_t)slot_base(t->slot), scratch,
				  sizeof(scratch), &bad, &w))
		return 0;
	snprintf(msg, sizeof(msg), "kernel-mode code: %s at image offset %#lx", w, bad);
	*why = msg;
	return -SHOJI_EPERM;
}

/* argc, argv[], NULL, envp NULL at the stack top (System V ABI 3.4.1
 * order, without auxv); returns the initial RSP, 16-byte aligned. */
static int push_args(struct task *t, const struct task_spec *spec, uint64_t *rsp)
{
	uint64_t sp = slot_base(t->slot) + SLOT_SIZE;
	uint64_t ptrs[SHOJI_TASK_ARGS_MAX + 2];

	for (int i = spec->argc - 1; i >= 0; i--) {
		uint64_t n = strlen(spec->argv[i]) + 1;
		sp -= n;
		if (image_write(t, sp, spec->argv[i], n))
			return -SHOJI_EFAULT;
		ptrs[i] = sp;
	}
	uint64_t words = 1 + (uint64_t)spec->argc + 2;
	sp = (sp - words * 8) & ~15ull;
	uint64_t w = sp, argc = (uint64_t)spec->argc, zero = 0;
	if (image_write(t, w, &argc, 8))
		return -SHOJI_EFAULT;
	for (int i = 0; i < spec->argc; i++)
		if (image_write(t, w += 8, &ptrs[i], 8))
			return -SHOJI_EFAULT;
	if (image_write(t, w + 8, &zero, 8) || image_write(t, w + 16, &zero, 8))
		return -SHOJI_EFAULT;
	*rsp = sp;
	return 0;
}

/*
 * No instruction that can change PKRU may sit anywhere in the task's
 * executable pages, at any byte offset: the pages are scanned as they
 * will be mapped (whole pages, so read-only bytes sharing a page with
 * code count too), as one stream, so a pattern across a page boundary
 * is found.  Returns 0, or -SHOJI_EPERM with *why naming it and where.
 */
static int scan_code(struct task *t, const struct elf_task *img, const char **why)
{
	static char msg[96];
	struct scanner sc;
	uint64_t base = slot_base(t->slot), last = 0;

	scanner_init(&sc);
	for (uint64_t off = 0; off < img->span; off += PAGE_SIZE) {
		if (!(elf_task_page_flags(img, off) & ELF_PF_X))
			continue;
		if (off != last + PAGE_SIZE) /* a gap: patterns do not span it */
			scanner_init(&sc);
		last = off;
		uint64_t *e = aspace_leaf(AS(t), base + off);
		uint64_t stream_start = off - sc.offset;
		if (scanner_feed(&sc, phys_to_virt(pte_addr(*e)), PAGE_SIZE)) {
			snprintf(msg, sizeof(msg), "%s instruction at image offset %#lx",
				 scan_hit_name(sc.hit), stream_start + sc.hit_offset);
			*why = msg;
			return -SHOJI_EPERM;
		}
	}
	return 0;
}

/* The host (shoji, shoji-pack) refuses an image before boot by the same span. */
_Static_assert(SLOT_IMAGE_MAX == ELF_TASK_SPAN_MAX, "host and guest allow the same image span");

int task_load_image(struct task *t, const void *file, size_t size, const struct task_spec *spec,
		    const char **why)
{
	struct elf_task img;
	uint64_t base = slot_base(t->slot);
	int rc = elf_task_parse(file, size, SLOT_IMAGE_MAX, &img, why);
	static char note_why[ELF_TASK_NOTE_WHY_MAX];
	if (!rc) /* how it was built: refused in every mode if not by the SDK */
		rc = elf_task_note_check(&img, note_why, why);
	else if (elf_task_too_large(&img, SLOT_IMAGE_MAX)) {
		static char msg[96];
		snprintf(msg, sizeof(msg), ELF_TASK_TOO_LARGE_FMT,
			 ELF_TASK_TOO_LARGE_ARGS(&img, SLOT_IMAGE_MAX));
		*why = msg;
	}
	if (rc)
		return rc;

	*why = "out of memory";
	for (uint64_t off = 0; off < img.span; off += PAGE_SIZE) {
		int f = elf_task_page_flags(&img, off);
		if (f &&
		    task_map_zeroed(t, base + off, 1, task_page_flags(f & ELF_PF_W, f & ELF_PF_X)))
			return -SHOJI_ENOMEM;
	}
	for (unsigned i = 0; i < img.nseg; i++) {
		const struct elf_task_segment *s = &img.seg[i];
		if (image_write(t, base + s->vaddr, img.file + s->offset, s->filesz))
			return -SHOJI_EFAULT;
	}
	rc = elf_task_relocate(&img, base, reloc_write, t, why);
	if (rc)
		return rc;
	rc = scan_code(t, &img, why);
	if (!rc && t->mode == MODE_KERNEL)
		rc = verify_ring0(t, &img, why);
	else if (!rc)
		patch_ring3(t, &img);
	if (rc)
		return rc;

	*why = "out of memory for the trampoline";
	uint64_t tramp = trampoline_frame(t->mode == MODE_KERNEL);
	if (!tramp || aspace_map(AS(t), base + SLOT_GATE, pte_make(tramp, PTE_P | PTE_U, t->slot)))
		return -SHOJI_ENOMEM;

	*why = "out of memory for the stack";
	if (task_map_zeroed(t, base + SLOT_SIZE - USER_STACK_SIZE, USER_STACK_SIZE / PAGE_SIZE,
			    task_page_flags(true, false)))
		return -SHOJI_ENOMEM;
	uint64_t rsp;
	*why = "arguments do not fit on the stack";
	if (push_args(t, spec, &rsp))
		return -SHOJI_EFAULT;

	t->regs = (struct regs){
	    .rip = base + img.entry,
	    .cs = t->mode == MODE_KERNEL ? SEL_KERNEL_CS : SEL_USER_CS,
	    .rflags = RFLAGS_IF | RFLAGS_RESERVED1,
	    .rsp = rsp,
	    .ss = t->mode == MODE_KERNEL ? SEL_KERNEL_DS : SEL_USER_DS,
	};
	t->heap_next = heap_base(t->slot);
	return 0;
}
