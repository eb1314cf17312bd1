/* task_load_image() (guest/core/task_load.c) on the host, over a buffer standing for a slot. */
#include <stdio.h>
#include <string.h>

#include "isolation/image_load.h"

/*
 * Each step below names the part of guest/core/task_load.c it mirrors; the
 * kernel's page tables become s->flags (which pages are mapped, and how)
 * and s->mem (their bytes).  What the kernel does after the checks (the
 * trampoline, the stack, the arguments) cannot refuse a well-formed image
 * and is left out.  The one difference: the kernel's out-of-memory paths,
 * which no image can cause on the host.
 */

/* task_load.c image_write(): a write into mapped pages only, whatever their
 * rights; an unmapped page is -SHOJI_EFAULT. */
static int slot_write(struct img_slot *s, uint64_t off, const void *src, uint64_t len)
{
	if (off > SLOT_IMAGE_MAX || len > SLOT_IMAGE_MAX - off)
		return -SHOJI_EFAULT;
	for (uint64_t p = off / IMG_PAGE; len && p <= (off + len - 1) / IMG_PAGE; p++)
		if (!s->flags[p])
			return -SHOJI_EFAULT;
	memcpy(s->mem + off, src, len);
	return 0;
}

/* task_load.c reloc_write(). */
static int reloc_write(void *ctx, uint64_t offset, uint64_t value)
{
	return slot_write(ctx, offset, &value, sizeof(value));
}

/* task_load.c code_page(): executable pages only (mapped, since their flags are
 * not 0). */
uint8_t *img_exec_page(void *ctx, uint64_t off)
{
	struct img_slot *s = ctx;
	if (off >= SLOT_IMAGE_MAX || !(elf_task_page_flags(&s->img, off) & ELF_PF_X))
		return 0;
	return s->mem + (off & ~(uint64_t)(IMG_PAGE - 1));
}

/* task_load.c scan_code(): whole executable pages as one stream, reset across a
 * gap, so a pattern straddling two adjacent pages is found. */
static int scan_code(struct img_slot *s)
{
	static char msg[96];
	struct scanner sc;
	uint64_t last = 0;

	scanner_init(&sc);
	for (uint64_t off = 0; off < s->img.span; off += IMG_PAGE) {
		if (!(elf_task_page_flags(&s->img, off) & ELF_PF_X))
			continue;
		if (off != last + IMG_PAGE)
			scanner_init(&sc);
		last = off;
		uint64_t stream_start = off - sc.offset;
		if (scanner_feed(&sc, s->mem + off, IMG_PAGE)) {
			snprintf(msg, sizeof(msg), "%s instruction at image offset %#llx",
				 scan_hit_name(sc.hit),
				 (unsigned long long)(stream_start + sc.hit_offset));
			s->why = msg;
			return -SHOJI_EPERM;
		}
	}
	return 0;
}

/* task_load.c verify_ring0(): the view runs from the first executable page to
 * the end of the last; the pages between that are not executable are
 * gaps (img_exec_page returns 0 for them). */
static int verify_ring0(struct img_slot *s)
{
	static char msg[128];
	struct code_view *v = &s->view;

	*v = (struct code_view){.start = ~0ull, .end = 0, .page = img_exec_page, .ctx = s};
	for (uint64_t off = 0; off < s->img.span; off += IMG_PAGE) {
		if (elf_task_page_flags(&s->img, off) & ELF_PF_X) {
			if (off < v->start)
				v->start = off;
			v->end = off + IMG_PAGE;
		}
	}
	const char *w = "no executable pages";
	if (!v->end)
		v->start = 0;
	else if (!verify_code(v, SLOT_GATE, s->img.entry, (uint32_t)s->base, s->map, sizeof(s->map),
			      &s->bad_offset, &w))
		return 0;
	snprintf(msg, sizeof(msg), "kernel-mode code: %s at image offset %#llx", w,
		 (unsigned long long)s->bad_offset);
	s->why = msg;
	return -SHOJI_EPERM;
}

/* task_load.c patch_ring3(). */
static void patch_ring3(struct img_slot *s)
{
	for (uint64_t off = 0; off < s->img.span; off += IMG_PAGE) {
		uint8_t *p = img_exec_page(s, off);
		if (p)
			cfi_patch_markers(p, IMG_PAGE, (uint32_t)s->base);
	}
}

enum img_stage img_load(struct img_slot *s, const void *file, size_t size, enum img_mode mode)
{
	memset(s->flags, 0, sizeof(s->flags));
	memset(s->map, 0, sizeof(s->map));
	s->base = slot_base(IMG_SLOT);
	s->view = (struct code_view){0};
	s->why = 0;
	s->bad_offset = 0;

	/* task_load_image(), in its order. */
	if (elf_task_parse(file, size, SLOT_IMAGE_MAX, &s->img, &s->why)) {
		if (elf_task_too_large(&s->img, SLOT_IMAGE_MAX)) { /* with the kernel's numbers */
			snprintf(s->why_text, sizeof(s->why_text), ELF_TASK_TOO_LARGE_FMT,
				 ELF_TASK_TOO_LARGE_ARGS(&s->img, SLOT_IMAGE_MAX));
			s->why = s->why_text;
		}
		return IMG_PARSE;
	}

	/* Map the pages the segments touch (zeroed, map_zeroed()), then copy
	 * each segment's file bytes. */
	for (uint64_t off = 0; off < s->img.span; off += IMG_PAGE) {
		int f = elf_task_page_flags(&s->img, off);
		s->flags[off / IMG_PAGE] = (uint8_t)f;
		if (f)
			memset(s->mem + off, 0, IMG_PAGE);
	}
	for (unsigned i = 0; i < s->img.nseg; i++) {
		const struct elf_task_segment *g = &s->img.seg[i];
		if (slot_write(s, g->vaddr, s->img.file + g->offset, g->filesz)) {
			s->why = "out of memory";
			return IMG_COPY;
		}
	}
	if (elf_task_relocate(&s->img, s->base, reloc_write, s, &s->why))
		return IMG_RELOCATE;
	if (scan_code(s))
		return IMG_SCAN;
	if (mode == IMG_KERNEL) {
		if (verify_ring0(s))
			return IMG_VERIFY;
	} else {
		patch_ring3(s);
	}
	return IMG_ACCEPTED;
}
