/* Task images: validation and relocation of static position-independent x86-64 ELF64 files. */
#include "format.h"

/*
 * Freestanding: no library calls, no state.  Fields are decoded byte by
 * byte (the file may be only 4-aligned inside a cpio archive), and every
 * bounds check compares a length against what remains (size - off) so that
 * hostile 64-bit values cannot wrap an addition.
 */

#define PAGE_MASK ((uint64_t)ELF_TASK_PAGE_SIZE - 1)

static void read_rela(const uint8_t *p, struct elf64_rela *r)
{
	r->r_offset = elf_rd64(p + offsetof(struct elf64_rela, r_offset));
	r->r_info = elf_rd64(p + offsetof(struct elf64_rela, r_info));
	r->r_addend = (int64_t)elf_rd64(p + offsetof(struct elf64_rela, r_addend));
}

/* Does [off, off + len) lie inside [0, size)? */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Does [a, a + len) lie inside [lo, lo + span)?  lo + span must not wrap. */
static bool in_range(uint64_t a, uint64_t len, uint64_t lo, uint64_t span)
{
	return a >= lo && a - lo <= span && len <= span - (a - lo);
}

/* Validate one PT_LOAD on its own and, when non-empty, append it to @t. */
static int add_load(struct elf_task *t, const struct elf64_phdr *ph, uint64_t max_span,
		    const char **why)
{
	if (ph->p_filesz > ph->p_memsz) {
		*why = "segment file size exceeds memory size";
		return -SHOJI_EINVAL;
	}
	if (!in_file(ph->p_offset, ph->p_filesz, t->size)) {
		*why = "segment runs past end of file";
		return -SHOJI_EINVAL;
	}
	/* The end must also survive rounding up to a page. */
	if (ph->p_vaddr > UINT64_MAX - PAGE_MASK ||
	    ph->p_memsz > UINT64_MAX - PAGE_MASK - ph->p_vaddr) {
		*why = "segment size overflows";
		return -SHOJI_EINVAL;
	}
	uint64_t end = (ph->p_vaddr + ph->p_memsz + PAGE_MASK) & ~PAGE_MASK;
	if (end > max_span) {
		t->span = end; /* for the caller's message (ELF_TASK_TOO_LARGE_FMT) */
		*why = "image too large";
		return -SHOJI_EINVAL;
	}
	if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1)) != 0) {
		*why = "segment alignment is not a power of two";
		return -SHOJI_EINVAL;
	}
	/* Page-aligned segments are copied page by page: a byte's offset in
	 * its page must be the same in the file and in memory. */
	if (ph->p_align >= ELF_TASK_PAGE_SIZE && ((ph->p_vaddr - ph->p_offset) & PAGE_MASK) != 0) {
		*why = "segment file offset and address are not congruent modulo the page size";
		return -SHOJI_EINVAL;
	}
	if ((ph->p_flags & ELF_PF_W) && (ph->p_flags & ELF_PF_X)) {
		*why = "segment is both writable and executable";
		return -SHOJI_EINVAL;
	}
	if (ph->p_memsz == 0)
		return 0; /* maps nothing */
	/* Pages are mapped by their segments' flags, none for none: the
	 * kernel could not copy such a segment's bytes in. */
	if ((ph->p_flags & ELF_PF_RWX) == 0) {
		*why = "segment has no permissions (none of R, W, X)";
		return -SHOJI_EINVAL;
	}
	if (t->nseg == ELF_TASK_MAX_SEGMENTS) {
		*why = "too many segments (more than 8 non-empty PT_LOAD)";
		return -SHOJI_EINVAL;
	}
	struct elf_task_segment *s = &t->seg[t->nseg++];
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	s->flags = ph->p_flags & ELF_PF_RWX;
	return 0;
}

/* Sort by vaddr (insertion sort: at most 8), then check the segments
 * against each other and compute the span. */
static int check_layout(struct elf_task *t, const char **why)
{
	for (unsigned i = 1; i < t->nseg; i++) {
		struct elf_task_segment s = t->seg[i];
		unsigned j = i;
		for (; j > 0 && t->seg[j - 1].vaddr > s.vaddr; j--)
			t->seg[j] = t->seg[j - 1];
		t->seg[j] = s;
	}
	/* Sorted by start: if any two overlap, two neighbours do. */
	for (unsigned i = 0; i + 1 < t->nseg; i++) {
		if (t->seg[i].vaddr + t->seg[i].memsz > t->seg[i + 1].vaddr) {
			*why = "segments overlap";
			return -SHOJI_EINVAL;
		}
	}
	/* Permissions are per page: a page holding the end of a W segment and
	 * the start of an X one would have to be both.  Any pair may share a
	 * page (a small segment between them can lie inside it). */
	for (unsigned i = 0; i < t->nseg; i++) {
		for (unsigned j = i + 1; j < t->nseg; j++) {
			const struct elf_task_segment *a = &t->seg[i], *b = &t->seg[j];
			uint32_t both = a->flags | b->flags;
			if (!((both & ELF_PF_W) && (both & ELF_PF_X)))
				continue;
			uint64_t a_last = (a->vaddr + a->memsz - 1) & ~PAGE_MASK;
			uint64_t b_first = b->vaddr & ~PAGE_MASK;
			if (a_last >= b_first) {
				*why = "segments share a page with conflicting permissions "
				       "(writable and executable)";
				return -SHOJI_EINVAL;
			}
		}
	}
	const struct elf_task_segment *last = &t->seg[t->nseg - 1];
	t->span = (last->vaddr + last->memsz + PAGE_MASK) & ~PAGE_MASK;
	return 0;
}

/*
 * Check relocation @i: R_X86_64_NONE (returns 0, *is_none = true) or
 * R_X86_64_RELATIVE whose 8-byte target lies in a writable segment and
 * whose addend lies in [0, span].
 */
static int check_rela(const struct elf_task *t, uint64_t i, struct elf64_rela *r, bool *is_none,
		      const char **why)
{
	read_rela(t->file + t->rela_off + i * sizeof(struct elf64_rela), r);
	uint32_t type = ELF_R_TYPE(r->r_info);
	*is_none = type == ELF_R_X86_64_NONE;
	if (*is_none)
		return 0;
	if (type != ELF_R_X86_64_RELATIVE) {
		*why = "unsupported relocation type (only R_X86_64_RELATIVE)";
		return -SHOJI_EINVAL;
	}
	bool inside = false;
	for (unsigned s = 0; s < t->nseg && !inside; s++)
		inside = (t->seg[s].flags & ELF_PF_W) &&
			 in_range(r->r_offset, 8, t->seg[s].vaddr, t->seg[s].memsz);
	if (!inside) {
		*why = "relocation target outside writable segments";
		return -SHOJI_EINVAL;
	}
	if (r->r_addend < 0 || (uint64_t)r->r_addend > t->span) {
		*why = "relocation addend outside the image";
		return -SHOJI_EINVAL;
	}
	return 0;
}

/* The tags of the dynamic section we act on. */
struct dyn_info {
	bool has_rela;
	uint64_t rela, relasz, relaent;
};

/* Read the PT_DYNAMIC entries at [off, off + len) up to DT_NULL. */
static int read_dynamic(const struct elf_task *t, uint64_t off, uint64_t len, struct dyn_info *d,
			const char **why)
{
	d->has_rela = false;
	d->rela = d->relasz = 0;
	d->relaent = sizeof(struct elf64_rela);
	for (uint64_t n = 0; n < len / sizeof(struct elf64_dyn); n++) {
		const uint8_t *p = t->file + off + n * sizeof(struct elf64_dyn);
		int64_t tag = (int64_t)elf_rd64(p + offsetof(struct elf64_dyn, d_tag));
		uint64_t val = elf_rd64(p + offsetof(struct elf64_dyn, d_val));
		switch (tag) {
		case ELF_DT_NULL:
			return 0;
		case ELF_DT_NEEDED:
			*why = "needs shared libraries (DT_NEEDED)";
			return -SHOJI_EINVAL;
		case ELF_DT_RELA:
			d->has_rela = true;
			d->rela = val;
			break;
		case ELF_DT_RELASZ:
			d->relasz = val;
			break;
		case ELF_DT_RELAENT:
			d->relaent = val;
			break;
		case ELF_DT_RELSZ:
		case ELF_DT_PLTRELSZ:
		case ELF_DT_RELRSZ:
			if (val != 0) {
				*why = "unsupported relocation table (DT_REL, DT_RELR or "
				       "DT_JMPREL): only DT_RELA";
				return -SHOJI_EINVAL;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Find the DT_RELA table in the file: it is an address, so translate it
 * through the file-backed part of a PT_LOAD. */
static int locate_rela(struct elf_task *t, const struct dyn_info *d, const char **why)
{
	if (d->relasz == 0)
		return 0;
	if (!d->has_rela) {
		*why = "DT_RELASZ without DT_RELA";
		return -SHOJI_EINVAL;
	}
	if (d->relaent != sizeof(struct elf64_rela)) {
		*why = "unsupported relocation entry size (DT_RELAENT is not 24)";
		return -SHOJI_EINVAL;
	}
	if (d->relasz % sizeof(struct elf64_rela) != 0) {
		*why = "relocation table size is not a multiple of 24 (DT_RELASZ)";
		return -SHOJI_EINVAL;
	}
	for (unsigned s = 0; s < t->nseg; s++) {
		const struct elf_task_segment *g = &t->seg[s];
		if (in_range(d->rela, d->relasz, g->vaddr, g->filesz)) {
			t->rela_off = g->offset + (d->rela - g->vaddr);
			t->rela_count = d->relasz / sizeof(struct elf64_rela);
			return 0;
		}
	}
	*why = "relocation table (DT_RELA) is not inside the file bytes of one segment";
	return -SHOJI_EINVAL;
}

static void clear_task(struct elf_task *t)
{
	t->file = 0;
	t->size = 0;
	t->entry = t->span = 0;
	t->nseg = 0;
	for (unsigned i = 0; i < ELF_TASK_MAX_SEGMENTS; i++) {
		t->seg[i].vaddr = t->seg[i].memsz = 0;
		t->seg[i].offset = t->seg[i].filesz = 0;
		t->seg[i].flags = 0;
	}
	t->rela_off = t->rela_count = 0;
}

/* The identification bytes and the header's size: can this be read as
 * a little-endian ELF64 at all? */
static int check_ident(const uint8_t *f, size_t size, const char **why)
{
	if (size < 4 || f[ELF_EI_MAG0] != ELF_MAG0 || f[ELF_EI_MAG1] != ELF_MAG1 ||
	    f[ELF_EI_MAG2] != ELF_MAG2 || f[ELF_EI_MAG3] != ELF_MAG3) {
		*why = "not an ELF file (bad magic)";
		return -SHOJI_EINVAL;
	}
	if (size < sizeof(struct elf64_ehdr)) {
		*why = "truncated ELF header";
		return -SHOJI_EINVAL;
	}
	if (f[ELF_EI_CLASS] != ELF_CLASS64) {
		*why = "not a 64-bit ELF";
		return -SHOJI_EINVAL;
	}
	if (f[ELF_EI_DATA] != ELF_DATA2LSB) {
		*why = "not little-endian";
		return -SHOJI_EINVAL;
	}
	/* The real count would sit in section 0, which libelf (the host's
	 * check) reads first and refuses the file over when it is bad. */
	if (elf_rd16(f + offsetof(struct elf64_ehdr, e_shnum)) == 0 &&
	    elf_rd64(f + offsetof(struct elf64_ehdr, e_shoff)) != 0) {
		*why = "extended section count (e_shnum 0, e_shoff set): not supported";
		return -SHOJI_EINVAL;
	}
	return 0;
}

/* Version, machine and type: an x86-64 position-independent executable. */
static int check_type(const struct elf64_ehdr *eh, const char **why)
{
	if (eh->e_ident[ELF_EI_VERSION] != ELF_EV_CURRENT || eh->e_version != ELF_EV_CURRENT) {
		*why = "unsupported ELF version";
		return -SHOJI_EINVAL;
	}
	if (eh->e_machine != ELF_EM_X86_64) {
		*why = "not an x86-64 ELF";
		return -SHOJI_EINVAL;
	}
	if (eh->e_type == ELF_ET_EXEC) {
		*why = "not position-independent (ET_EXEC): build the task with -static-pie";
		return -SHOJI_EINVAL;
	}
	if (eh->e_type != ELF_ET_DYN) {
		*why = "not an executable (ELF type is not ET_DYN)";
		return -SHOJI_EINVAL;
	}
	return 0;
}

/* The program header table: its count, entry size and place in the file. */
static int check_phdr_table(const struct elf64_ehdr *eh, size_t size, const char **why)
{
	if (eh->e_phnum == 0) {
		*why = "no loadable segments";
		return -SHOJI_EINVAL;
	}
	/* gABI: e_phoff 0 means the file has no table, whatever e_phnum says
	 * (libelf, and so the host's check, then reads none). */
	if (eh->e_phoff == 0) {
		*why = "no program header table (e_phoff is 0)";
		return -SHOJI_EINVAL;
	}
	if (eh->e_phnum == ELF_PN_XNUM) {
		*why = "too many program headers (extended numbering)";
		return -SHOJI_EINVAL;
	}
	if (eh->e_phentsize != sizeof(struct elf64_phdr)) {
		*why = "program header entry size is not 56 bytes";
		return -SHOJI_EINVAL;
	}
	/* phnum < 65535, so the product cannot overflow. */
	if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), size)) {
		*why = "program headers run past end of file";
		return -SHOJI_EINVAL;
	}
	return 0;
}

/* Where the one PT_DYNAMIC is in the file, if any. */
struct dyn_place {
	bool present;
	uint64_t off, len;
};

/* A PT_DYNAMIC: at most one, its bytes inside the file. */
static int take_dynamic(const struct elf64_phdr *ph, size_t size, struct dyn_place *dyn,
			const char **why)
{
	if (dyn->present) {
		*why = "more than one PT_DYNAMIC";
		return -SHOJI_EINVAL;
	}
	if (!in_file(ph->p_offset, ph->p_filesz, size)) {
		*why = "dynamic section runs past end of file";
		return -SHOJI_EINVAL;
	}
	dyn->present = true;
	dyn->off = ph->p_offset;
	dyn->len = ph->p_filesz;
	return 0;
}

/* One program header, by type. */
static int take_phdr(struct elf_task *t, const struct elf64_phdr *ph, uint64_t max_span,
		     struct dyn_place *dyn, const char **why)
{
	switch (ph->p_type) {
	case ELF_PT_LOAD:
		return add_load(t, ph, max_span, why);
	case ELF_PT_INTERP:
		*why = "needs a dynamic linker (PT_INTERP)";
		return -SHOJI_EINVAL;
	case ELF_PT_TLS:
		*why = "thread-local storage (PT_TLS) is not supported";
		return -SHOJI_EINVAL;
	case ELF_PT_DYNAMIC:
		return take_dynamic(ph, t->size, dyn, why);
	default: /* PT_NOTE, PT_PHDR, PT_GNU_*: nothing to load */
		return 0;
	}
}

/* Every program header, in file order; then the segments as a whole. */
static int take_phdrs(struct elf_task *t, const struct elf64_ehdr *eh, uint64_t max_span,
		      struct dyn_place *dyn, const char **why)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;
		elf64_read_phdr(t->file + eh->e_phoff + i * sizeof(struct elf64_phdr), &ph);
		int r = take_phdr(t, &ph, max_span, dyn, why);
		if (r < 0)
			return r;
	}
	if (t->nseg == 0) {
		*why = "no loadable segments";
		return -SHOJI_EINVAL;
	}
	return check_layout(t, why);
}

/* The entry point lies in an executable segment. */
static int check_entry(struct elf_task *t, uint64_t entry, const char **why)
{
	bool entry_ok = false;
	for (unsigned s = 0; s < t->nseg && !entry_ok; s++)
		entry_ok = (t->seg[s].flags & ELF_PF_X) &&
			   in_range(entry, 1, t->seg[s].vaddr, t->seg[s].memsz);
	if (!entry_ok) {
		*why = "entry point is not in an executable segment";
		return -SHOJI_EINVAL;
	}
	t->entry = entry;
	return 0;
}

/* The dynamic section's tags, the relocation table they name, and every
 * relocation in it: a bad one is refused now, before the caller loads
 * anything. */
static int check_dynamic(struct elf_task *t, const struct dyn_place *dyn, const char **why)
{
	if (dyn->present) {
		struct dyn_info d;
		int r = read_dynamic(t, dyn->off, dyn->len, &d, why);
		if (r < 0)
			return r;
		r = locate_rela(t, &d, why);
		if (r < 0)
			return r;
	}
	for (uint64_t i = 0; i < t->rela_count; i++) {
		struct elf64_rela rel;
		bool none;
		int r = check_rela(t, i, &rel, &none, why);
		if (r < 0)
			return r;
	}
	return 0;
}

int elf_task_parse(const void *file, size_t size, uint64_t max_span, struct elf_task *out,
		   const char **why)
{
	struct elf64_ehdr eh;
	struct dyn_place dyn = {false, 0, 0};
	int r;

	clear_task(out);
	out->file = file;
	out->size = size;
	if ((r = check_ident(out->file, size, why)))
		return r;
	elf64_read_ehdr(out->file, &eh);
	if ((r = check_type(&eh, why)) || (r = check_phdr_table(&eh, size, why)))
		return r;
	if ((r = take_phdrs(out, &eh, max_span, &dyn, why)))
		return r;
	if ((r = check_entry(out, eh.e_entry, why)))
		return r;
	return check_dynamic(out, &dyn, why);
}

int elf_task_relocate(const struct elf_task *t, uint64_t base,
		      int (*write64)(void *ctx, uint64_t offset, uint64_t value), void *ctx,
		      const char **why)
{
	if (base & PAGE_MASK) {
		*why = "load base is not page-aligned";
		return -SHOJI_EINVAL;
	}
	if (t->span > UINT64_MAX - base) {
		*why = "load base too high: the image would wrap the address space";
		return -SHOJI_EINVAL;
	}
	for (uint64_t i = 0; i < t->rela_count; i++) {
		struct elf64_rela rel;
		bool none;
		int r = check_rela(t, i, &rel, &none, why);
		if (r < 0)
			return r;
		if (none)
			continue;
		r = write64(ctx, rel.r_offset, base + (uint64_t)rel.r_addend);
		if (r != 0) {
			*why = "writing a relocation failed";
			return r < 0 ? r : -SHOJI_EFAULT;
		}
	}
	return 0;
}

int elf_task_page_flags(const struct elf_task *t, uint64_t page_offset)
{
	uint64_t page = page_offset & ~PAGE_MASK;
	int flags = 0;

	for (unsigned s = 0; s < t->nseg; s++) {
		const struct elf_task_segment *g = &t->seg[s];
		uint64_t first = g->vaddr & ~PAGE_MASK;
		uint64_t last = (g->vaddr + g->memsz - 1) & ~PAGE_MASK;
		if (page >= first && page <= last)
			flags |= (int)g->flags;
	}
	return flags;
}
