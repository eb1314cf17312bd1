/* The kernel ELF rules, once for every boot path, and the raw reader kernel_elf_check uses. */
#include "format.h"

/*
 * Freestanding: no library calls, no state.  Every range check compares a
 * length against what remains (size - off), so that hostile 64-bit values
 * cannot wrap an addition.  The rules are in format.h, numbered as the
 * steps of kernel_elf_read below.
 */

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -SHOJI_EINVAL;
}

static int reader_failed(const char **why, const char *reason)
{
	*why = reason;
	return -SHOJI_EFAULT;
}

/* Does [off, off + len) lie inside [0, size)? */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* --- the raw reader -------------------------------------------------- */

static int raw_ehdr(void *ctx, struct elf64_ehdr *e)
{
	const uint8_t *p = ((const struct kernel_elf_reader *)ctx)->file;

	elf64_read_ehdr(p, e);
	return 0;
}

static int raw_phdr(void *ctx, unsigned index, struct elf64_phdr *ph)
{
	const uint8_t *f = ((const struct kernel_elf_reader *)ctx)->file;
	const uint8_t *p = f + elf_rd64(f + offsetof(struct elf64_ehdr, e_phoff)) +
			   (uint64_t)index * sizeof(struct elf64_phdr);

	elf64_read_phdr(p, ph);
	return 0;
}

static const void *raw_bytes(void *ctx, uint64_t offset, uint64_t len)
{
	return (const uint8_t *)((const struct kernel_elf_reader *)ctx)->file + offset;
}

int kernel_elf_check(const void *file, size_t size, struct kernel_elf *out, const char **why)
{
	struct kernel_elf_reader r = {file, size, raw_ehdr, raw_phdr, raw_bytes, NULL};
	r.ctx = &r;
	return kernel_elf_read(&r, out, why);
}

/* --- 1. identification, from the raw bytes --------------------------- */

/*
 * QEMU's -kernel tries the Linux boot protocol ("HdrS" at 0x202, the
 * Linux/x86 boot protocol's header signature) and then multiboot (a header, magic
 * 0x1BADB002 with flags and a checksum summing to 0, 4-aligned in the
 * first 8 KiB: Multiboot Specification 0.6.96, 3.1.1) before the PVH
 * note; a kernel holding either would not boot by PVH there.
 */
#define LINUX_HDRS_OFF 0x202
#define LINUX_HDRS 0x53726448u /* "HdrS" */
#define MULTIBOOT_MAGIC 0x1badb002u
#define MULTIBOOT_SEARCH 8192u

static int check_other_formats(const uint8_t *f, uint64_t size, const char **why)
{
	if (size >= LINUX_HDRS_OFF + 4 && elf_rd32(f + LINUX_HDRS_OFF) == LINUX_HDRS)
		return bad(why, "a Linux boot protocol header (HdrS at 0x202): QEMU would boot "
				"it as a bzImage, not by the PVH note");
	uint64_t end = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;
	for (uint64_t i = 0; i + 12 <= end; i += 4) {
		uint32_t magic = elf_rd32(f + i), flags = elf_rd32(f + i + 4),
			 sum = elf_rd32(f + i + 8);
		if (magic == MULTIBOOT_MAGIC && (uint32_t)(magic + flags + sum) == 0)
			return bad(why, "a multiboot header in the first 8 KiB: QEMU would boot "
					"it by multiboot, not by the PVH note");
	}
	return 0;
}

static int check_ident(const uint8_t *f, uint64_t size, const char **why)
{
	if (size < 4 || f[ELF_EI_MAG0] != ELF_MAG0 || f[ELF_EI_MAG1] != ELF_MAG1 ||
	    f[ELF_EI_MAG2] != ELF_MAG2 || f[ELF_EI_MAG3] != ELF_MAG3) {
		/* What a Linux user tries first: /boot/vmlinuz. */
		if (size >= LINUX_HDRS_OFF + 4 && elf_rd32(f + LINUX_HDRS_OFF) == LINUX_HDRS)
			return bad(why,
				   "a bzImage (the Linux boot protocol's HdrS at 0x202), not an "
				   "ELF file: give the uncompressed vmlinux, which carries the "
				   "PVH note");
		return bad(why, "not an ELF file (no \\177ELF magic)");
	}
	if (size < sizeof(struct elf64_ehdr))
		return bad(why, "truncated: ELF header cut short");
	if (f[ELF_EI_CLASS] != ELF_CLASS64)
		return bad(why, "not a 64-bit ELF file (ELFCLASS64 needed)");
	if (f[ELF_EI_DATA] != ELF_DATA2LSB)
		return bad(why, "not a little-endian ELF file (ELFDATA2LSB needed)");
	if (f[ELF_EI_VERSION] != ELF_EV_CURRENT)
		return bad(why, "unknown ELF version (EV_CURRENT needed)");
	if (elf_rd16(f + offsetof(struct elf64_ehdr, e_shnum)) == 0 &&
	    elf_rd64(f + offsetof(struct elf64_ehdr, e_shoff)) != 0)
		return bad(why, "extended section count (e_shnum 0, e_shoff set): not supported");
	return check_other_formats(f, size, why);
}

/* --- 2. the header --------------------------------------------------- */

static int check_header(const struct elf64_ehdr *eh, uint64_t size, const char **why)
{
	if (eh->e_version != ELF_EV_CURRENT)
		return bad(why, "unknown ELF version (EV_CURRENT needed)");
	if (eh->e_machine != ELF_EM_X86_64)
		return bad(why, "not an x86-64 ELF file (EM_X86_64 needed)");
	if (eh->e_type != ELF_ET_EXEC)
		return bad(why, "not an executable ELF file (ET_EXEC)");
	/* gABI: e_phoff 0 means there is no table, whatever e_phnum says. */
	if (eh->e_phnum == 0 || eh->e_phoff == 0)
		return bad(why, "no program headers");
	if (eh->e_phnum == ELF_PN_XNUM)
		return bad(why, "e_phnum is PN_XNUM (an extended count): not supported");
	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return bad(why, "program header size is not 56 bytes");
	if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr), size))
		return bad(why, "truncated: program headers past the end of the file");
	return 0;
}

/* --- 3. the PT_LOAD segments ----------------------------------------- */

static int check_load(const struct elf64_phdr *ph, uint64_t size, const char **why)
{
	if (ph->p_filesz > ph->p_memsz)
		return bad(why, "a PT_LOAD segment has p_filesz > p_memsz");
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return bad(why,
			   "truncated: a PT_LOAD segment's bytes are past the end of the file");
	if (ph->p_paddr >= KERNEL_ELF_PHYS_LIMIT ||
	    ph->p_memsz > KERNEL_ELF_PHYS_LIMIT - ph->p_paddr)
		return bad(why, "a PT_LOAD segment's physical range is not below 4 GiB");
	return 0;
}

/* Inserts @ph into the list sorted by paddr; refuses an overlap. */
static int add_segment(struct kernel_elf *k, const struct elf64_phdr *ph, const char **why)
{
	unsigned i = k->nseg;

	if (k->nseg == KERNEL_ELF_MAX_SEGMENTS)
		return bad(why, "more than 16 non-empty PT_LOAD segments");
	while (i > 0 && k->seg[i - 1].paddr > ph->p_paddr) {
		k->seg[i] = k->seg[i - 1];
		i--;
	}
	k->seg[i] =
	    (struct kernel_elf_segment){ph->p_paddr, ph->p_memsz, ph->p_offset, ph->p_filesz};
	k->nseg++;
	/* Below 4 GiB (check_load), so paddr + memsz cannot wrap. */
	if ((i > 0 && k->seg[i - 1].paddr + k->seg[i - 1].memsz > ph->p_paddr) ||
	    (i + 1 < k->nseg && ph->p_paddr + ph->p_memsz > k->seg[i + 1].paddr))
		return bad(why, "two PT_LOAD segments overlap in physical memory");
	return 0;
}

static int read_segments(const struct kernel_elf_reader *r, unsigned phnum, struct kernel_elf *k,
			 const char **why)
{
	struct elf64_phdr ph;
	int err;

	for (unsigned i = 0; i < phnum; i++) {
		if (r->phdr(r->ctx, i, &ph))
			return reader_failed(why, "the ELF reader could not read a program header");
		if (ph.p_type != ELF_PT_LOAD)
			continue;
		/* QEMU's loader reads an empty segment's file bytes too. */
		if (ph.p_memsz == 0 && !in_file(ph.p_offset, ph.p_filesz, r->size))
			return bad(why, "truncated: a PT_LOAD segment's bytes are past the end "
					"of the file");
		if (ph.p_memsz == 0)
			continue;
		if ((err = check_load(&ph, r->size, why)) || (err = add_segment(k, &ph, why)))
			return err;
	}
	if (k->nseg == 0)
		return bad(why, "no PT_LOAD segment");
	k->lo = k->seg[0].paddr;
	for (unsigned i = 0; i < k->nseg; i++)
		if (k->seg[i].paddr + k->seg[i].memsz > k->hi)
			k->hi = k->seg[i].paddr + k->seg[i].memsz;
	return 0;
}

/* --- 4. the PVH entry note ------------------------------------------- */

static bool named_xen(const struct elf64_nhdr *nh, const uint8_t *name)
{
	return nh->n_namesz == 4 && name[0] == 'X' && name[1] == 'e' && name[2] == 'n' &&
	       name[3] == 0;
}

/* Every Linux vmlinux since 4.18 carries notes named "Linux" (the build
 * salt note of Linux's build-salt.h). */
static bool named_linux(const struct elf64_nhdr *nh, const uint8_t *name)
{
	static const char linux_name[6] = "Linux";
	if (nh->n_namesz != sizeof(linux_name))
		return false;
	for (unsigned i = 0; i < sizeof(linux_name); i++)
		if (name[i] != (uint8_t)linux_name[i])
			return false;
	return true;
}

/*
 * Walks all the notes in @len bytes: each a 12-byte header, the name from
 * offset 12, the descriptor and the next note each at the next multiple
 * of 4; with @sizes4, every size a multiple of 4 (so that padding to the
 * segment's smaller p_align, as QEMU does, lands on the same bytes).  The
 * PVH note sets *entry and *found; a second one, or a note of its type
 * with another name, is refused; a note named Linux sets *is_linux.
 * Returns 0 or -SHOJI_EINVAL.
 */
static int walk_notes(const uint8_t *p, uint64_t len, bool sizes4, uint64_t *entry, bool *found,
		      bool *is_linux, const char **why)
{
	while (len >= sizeof(struct elf64_nhdr)) {
		struct elf64_nhdr nh = {elf_rd32(p), elf_rd32(p + 4), elf_rd32(p + 8)};
		if (sizes4 && ((nh.n_namesz | nh.n_descsz) & 3))
			return bad(why, "a note's name or descriptor size is not a multiple of 4 "
					"in a PT_NOTE whose p_align is below 4");
		/* Sizes are 32-bit: these sums cannot wrap. */
		uint64_t desc_off = (sizeof(nh) + (uint64_t)nh.n_namesz + 3) & ~3ull;
		uint64_t next = (desc_off + nh.n_descsz + 3) & ~3ull;
		if (next > len)
			return bad(why, "an ELF note runs past the end of its PT_NOTE segment");
		if (named_linux(&nh, p + sizeof(nh)))
			*is_linux = true;
		if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY) {
			if (!named_xen(&nh, p + sizeof(nh)))
				return bad(why, "a note of the PVH entry's type is not named Xen");
			if (*found)
				return bad(why, "more than one PVH entry note");
			if (nh.n_descsz != 4 && nh.n_descsz != 8)
				return bad(why,
					   "the PVH entry note's descriptor is not 4 or 8 bytes");
			*entry = nh.n_descsz == 4 ? elf_rd32(p + desc_off) : elf_rd64(p + desc_off);
			*found = true;
		}
		p += next;
		len -= next;
	}
	return 0;
}

static int find_entry(const struct kernel_elf_reader *r, unsigned phnum, uint64_t *entry,
		      bool *is_linux, const char **why)
{
	struct elf64_phdr ph;
	bool found = false;
	int err;

	for (unsigned i = 0; i < phnum; i++) {
		if (r->phdr(r->ctx, i, &ph))
			return reader_failed(why, "the ELF reader could not read a program header");
		if (ph.p_type != ELF_PT_NOTE || ph.p_filesz == 0)
			continue;
		if (!in_file(ph.p_offset, ph.p_filesz, r->size))
			return bad(why, "truncated: a PT_NOTE segment is past the end of the file");
		if (ph.p_align != 1 && ph.p_align != 2 && ph.p_align != 4)
			return bad(why, "a PT_NOTE segment's p_align is not 1, 2 or 4");
		const uint8_t *notes = r->bytes(r->ctx, ph.p_offset, ph.p_filesz);
		if (!notes)
			return reader_failed(why,
					     "the ELF reader could not read a PT_NOTE segment");
		if ((err = walk_notes(notes, ph.p_filesz, ph.p_align < 4, entry, &found, is_linux,
				      why)))
			return err;
	}
	if (!found)
		return bad(why,
			   "no PVH entry note (Xen, XEN_ELFNOTE_PHYS32_ENTRY): not a PVH kernel");
	return 0;
}

/* --- 5. the entry in loaded file bytes ------------------------------- */

static int check_entry(const struct kernel_elf *k, uint64_t entry, const char **why)
{
	if (entry >= KERNEL_ELF_PHYS_LIMIT)
		return bad(why, "the PVH entry is not below 4 GiB");
	/* QEMU's PVH loader reads an entry of 0 as no note at all. */
	if (entry == 0)
		return bad(why, "the PVH entry is 0");
	for (unsigned i = 0; i < k->nseg; i++)
		if (entry >= k->seg[i].paddr && entry - k->seg[i].paddr < k->seg[i].filesz)
			return 0;
	return bad(why, "the PVH entry is outside the segments' bytes from the file");
}

int kernel_elf_read(const struct kernel_elf_reader *r, struct kernel_elf *out, const char **why)
{
	struct elf64_ehdr eh;
	uint64_t entry = 0;
	int err;

	*out = (struct kernel_elf){0};
	if ((err = check_ident(r->file, r->size, why)))
		return err;
	if (r->ehdr(r->ctx, &eh))
		return reader_failed(why, "the ELF reader could not read the file header");
	if ((err = check_header(&eh, r->size, why)))
		return err;
	if ((err = read_segments(r, eh.e_phnum, out, why)))
		return err;
	if ((err = find_entry(r, eh.e_phnum, &entry, &out->is_linux, why)))
		return err;
	if ((err = check_entry(out, entry, why)))
		return err;
	out->entry = (uint32_t)entry;
	return 0;
}
