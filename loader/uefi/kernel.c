/* kernel.elf for the UEFI loader: PT_LOAD segments by physical address and the PVH entry note. */
#include "efiboot.h"
#include "loader/format/elf64.h"

#define FOUR_GIB (1ull << 32)

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -SHOJI_EINVAL;
}

/* [off, off + len) inside a file of @size bytes, without overflow. */
static int inside(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Looks for the XEN_ELFNOTE_PHYS32_ENTRY note in one PT_NOTE segment.
 * Returns 1 and sets *entry when found, 0 when not, or -SHOJI_EINVAL.
 */
static int find_pvh_note(const uint8_t *f, size_t size, const struct elf64_phdr *ph,
			 uint64_t *entry, const char **why)
{
	if (!inside(ph->p_offset, ph->p_filesz, size))
		return bad(why, "a PT_NOTE segment lies outside the file");

	const uint8_t *p = f + ph->p_offset;
	uint64_t left = ph->p_filesz;
	while (left >= sizeof(struct elf64_nhdr)) {
		struct elf64_nhdr nh;
		__builtin_memcpy(&nh, p, sizeof(nh));
		uint64_t name_sz = ((uint64_t)nh.n_namesz + 3) & ~3ull;
		uint64_t desc_sz = ((uint64_t)nh.n_descsz + 3) & ~3ull;
		uint64_t total = sizeof(nh) + name_sz + desc_sz;
		if (total > left)
			return bad(why, "an ELF note runs past its PT_NOTE segment");

		const uint8_t *name = p + sizeof(nh);
		const uint8_t *desc = name + name_sz;
		if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh.n_namesz == 4 && name[0] == 'X' &&
		    name[1] == 'e' && name[2] == 'n' && name[3] == 0) {
			if (nh.n_descsz == 4) {
				*entry = le32(desc);
			} else if (nh.n_descsz == 8) {
				*entry = le32(desc) | (uint64_t)le32(desc + 4) << 32;
			} else {
				return bad(why,
					   "the PVH entry note's descriptor is not 4 or 8 bytes");
			}
			return 1;
		}
		p += total;
		left -= total;
	}
	return 0;
}

/* Inserts @s into the array sorted by paddr; refuses an overlap. */
static int add_segment(struct efi_kernel *k, const struct efi_kernel_segment *s, const char **why)
{
	unsigned i = k->nseg;

	if (k->nseg == EFI_KERNEL_MAX_SEGMENTS)
		return bad(why, "more than 16 non-empty PT_LOAD segments");
	while (i > 0 && k->seg[i - 1].paddr > s->paddr) {
		k->seg[i] = k->seg[i - 1];
		i--;
	}
	k->seg[i] = *s;
	k->nseg++;
	if ((i > 0 && k->seg[i - 1].paddr + k->seg[i - 1].memsz > s->paddr) ||
	    (i + 1 < k->nseg && s->paddr + s->memsz > k->seg[i + 1].paddr))
		return bad(why, "two PT_LOAD segments overlap in physical memory");
	return 0;
}

int efi_kernel_parse(const void *file, size_t size, struct efi_kernel *out, const char **why)
{
	const uint8_t *f = file;
	struct elf64_ehdr eh;
	uint64_t entry = 0;
	int found = 0, err;

	__builtin_memset(out, 0, sizeof(*out));
	if (size < sizeof(eh))
		return bad(why, "shorter than an ELF header");
	__builtin_memcpy(&eh, f, sizeof(eh));
	if (eh.e_ident[ELF_EI_MAG0] != ELF_MAG0 || eh.e_ident[ELF_EI_MAG1] != ELF_MAG1 ||
	    eh.e_ident[ELF_EI_MAG2] != ELF_MAG2 || eh.e_ident[ELF_EI_MAG3] != ELF_MAG3)
		return bad(why, "not an ELF file (bad magic)");
	if (eh.e_ident[ELF_EI_CLASS] != ELF_CLASS64)
		return bad(why, "not a 64-bit ELF file");
	if (eh.e_ident[ELF_EI_DATA] != ELF_DATA2LSB)
		return bad(why, "not a little-endian ELF file");
	if (eh.e_ident[ELF_EI_VERSION] != ELF_EV_CURRENT || eh.e_version != ELF_EV_CURRENT)
		return bad(why, "unknown ELF version");
	if (eh.e_machine != ELF_EM_X86_64)
		return bad(why, "not an x86-64 ELF file");
	if (eh.e_type != ELF_ET_EXEC)
		return bad(why, "not an executable ELF file (ET_EXEC)");
	if (eh.e_phnum == 0 || eh.e_phnum == ELF_PN_XNUM)
		return bad(why, "no program headers");
	if (eh.e_phentsize != sizeof(struct elf64_phdr))
		return bad(why, "program header size is not 56");
	if (!inside(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(struct elf64_phdr), size))
		return bad(why, "program headers lie outside the file");

	for (unsigned i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;
		__builtin_memcpy(&ph, f + eh.e_phoff + (uint64_t)i * sizeof(ph), sizeof(ph));

		if (ph.p_type == ELF_PT_NOTE && !found) {
			found = find_pvh_note(f, size, &ph, &entry, why);
			if (found < 0)
				return found;
		}
		if (ph.p_type != ELF_PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz > ph.p_memsz)
			return bad(why, "a PT_LOAD segment has filesz > memsz");
		if (!inside(ph.p_offset, ph.p_filesz, size))
			return bad(why, "a PT_LOAD segment's bytes lie outside the file");
		if (ph.p_paddr >= FOUR_GIB || ph.p_memsz > FOUR_GIB - ph.p_paddr)
			return bad(why, "a PT_LOAD segment's physical range is not below 4 GiB");

		struct efi_kernel_segment s = {ph.p_paddr, ph.p_memsz, ph.p_offset, ph.p_filesz};
		err = add_segment(out, &s, why);
		if (err)
			return err;
	}
	if (out->nseg == 0)
		return bad(why, "no PT_LOAD segment");
	if (!found)
		return bad(why, "no PVH entry note (Xen ELF note 18): not a PVH kernel");
	if (entry >= FOUR_GIB)
		return bad(why, "the PVH entry is not below 4 GiB");

	int in_code = 0;
	for (unsigned i = 0; i < out->nseg; i++)
		if (entry >= out->seg[i].paddr && entry < out->seg[i].paddr + out->seg[i].filesz)
			in_code = 1;
	if (!in_code)
		return bad(why, "the PVH entry is outside the segments loaded from the file");

	out->entry = (uint32_t)entry;
	for (unsigned i = 0; i < out->nseg; i++) {
		/* Below 4 GiB, so rounding up cannot wrap. */
		uint64_t lo = out->seg[i].paddr & ~(uint64_t)(EFIBOOT_PAGE_SIZE - 1);
		uint64_t hi = (out->seg[i].paddr + out->seg[i].memsz + EFIBOOT_PAGE_SIZE - 1) &
			      ~(uint64_t)(EFIBOOT_PAGE_SIZE - 1);
		struct efi_kernel_range *prev = out->nrange ? &out->range[out->nrange - 1] : 0;
		if (prev && lo <= prev->hi) {
			if (hi > prev->hi)
				prev->hi = hi;
		} else {
			out->range[out->nrange].lo = lo;
			out->range[out->nrange].hi = hi;
			out->nrange++;
		}
	}
	out->lo = out->range[0].lo;
	out->hi = out->range[out->nrange - 1].hi;
	return 0;
}
