/* Loading kernel.elf into guest memory with libelf: PT_LOAD by p_paddr, entry from the PVH note. */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>

#include "vmm.h"

#define ENOEXEC_WHY(s) (*why = (s), -ENOEXEC)

/* The PVH entry from one block of notes, if it is there. */
static int scan_notes(Elf_Data *d, uint32_t *entry, bool *found, const char **why)
{
	GElf_Nhdr nh;
	size_t off = 0, next, name_off, desc_off;

	while (off < d->d_size && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)d->d_buf + name_off;
		if (nh.n_type == XEN_ELFNOTE_PHYS32_ENTRY && nh.n_namesz == 4 &&
		    !memcmp(name, "Xen", 4)) {
			const unsigned char *desc = (const unsigned char *)d->d_buf + desc_off;
			uint64_t v = 0;
			if (nh.n_descsz != 4 && nh.n_descsz != 8)
				return ENOEXEC_WHY("PVH entry note has a descriptor of neither 4 "
						   "nor 8 bytes");
			for (unsigned i = nh.n_descsz; i-- > 0;)
				v = v << 8 | desc[i]; /* little-endian, as the file */
			if (v > UINT32_MAX)
				return ENOEXEC_WHY("PVH entry note points above 4 GiB");
			*entry = (uint32_t)v;
			*found = true;
			return 0;
		}
		off = next;
	}
	return 0;
}

/* Looks through PT_NOTE segments, then SHT_NOTE sections. */
static int find_pvh_entry(Elf *e, size_t size, size_t phnum, uint32_t *entry, const char **why)
{
	bool found = false;
	int rc;

	for (size_t i = 0; i < phnum && !found; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph))
			return ENOEXEC_WHY("truncated: a program header cannot be read");
		if (ph.p_type != PT_NOTE || ph.p_filesz == 0)
			continue;
		Elf_Data *d = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, ph.p_filesz,
						   ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
		if (!d)
			return ENOEXEC_WHY("truncated: a note segment is past the end of the file");
		if ((rc = scan_notes(d, entry, &found, why)))
			return rc;
	}
	size_t shnum;
	if (found || elf_getshdrnum(e, &shnum))
		goto out; /* no readable section table: the segments were the only hope */
	for (Elf_Scn *scn = elf_nextscn(e, NULL); scn && !found; scn = elf_nextscn(e, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		if (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset)
			return ENOEXEC_WHY("truncated: a note section is past the end of the file");
		Elf_Data *d = elf_getdata(scn, NULL);
		if (d && (rc = scan_notes(d, entry, &found, why)))
			return rc;
	}
out:
	return found ? 0 : ENOEXEC_WHY("no PVH entry note (Xen, XEN_ELFNOTE_PHYS32_ENTRY)");
}

/* Every check on one PT_LOAD, before anything is copied. */
static int check_load(const struct guest_mem *m, const GElf_Phdr *ph, size_t size, gpa_t avoid_lo,
		      gpa_t avoid_hi, const char **why)
{
	if (ph->p_filesz > ph->p_memsz)
		return ENOEXEC_WHY("a PT_LOAD segment has p_filesz > p_memsz");
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return ENOEXEC_WHY("truncated: a PT_LOAD segment's bytes are past the end of the "
				   "file");
	if (!guest_ptr(m, ph->p_paddr, ph->p_memsz)) {
		*why = "a PT_LOAD segment is outside guest memory (p_paddr + p_memsz past the "
		       "end of RAM; try a larger --memory)";
		return -ERANGE;
	}
	if (ph->p_paddr < avoid_hi && avoid_lo < ph->p_paddr + ph->p_memsz) {
		*why =
		    "a PT_LOAD segment overlaps the boot area (shoji's start info and probe code)";
		return -ERANGE;
	}
	return 0;
}

int elf_load(const struct guest_mem *m, void *file, size_t size, gpa_t avoid_lo, gpa_t avoid_hi,
	     struct elf_image *img, const char **why)
{
	const unsigned char *id = file;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t phnum;
	int rc;

	if (size < SELFMAG || memcmp(id, ELFMAG, SELFMAG))
		return ENOEXEC_WHY("not an ELF file");
	if (size < EI_NIDENT)
		return ENOEXEC_WHY("truncated: ELF identification cut short");
	if (id[EI_CLASS] != ELFCLASS64)
		return ENOEXEC_WHY("not a 64-bit ELF (ELFCLASS64 needed)");
	if (id[EI_DATA] != ELFDATA2LSB)
		return ENOEXEC_WHY("not a little-endian ELF");
	if (size < sizeof(Elf64_Ehdr))
		return ENOEXEC_WHY("truncated: ELF header cut short");
	if (elf_version(EV_CURRENT) == EV_NONE)
		return ENOEXEC_WHY("libelf is older than this ELF version");

	Elf *e = elf_memory(file, size);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		rc = ENOEXEC_WHY("not an ELF file libelf can read");
		goto out;
	}
	if (!gelf_getehdr(e, &eh)) {
		rc = ENOEXEC_WHY("truncated: ELF header cannot be read");
		goto out;
	}
	if (eh.e_machine != EM_X86_64) {
		rc = ENOEXEC_WHY("not an x86-64 ELF (e_machine is not EM_X86_64)");
		goto out;
	}
	if (eh.e_phnum == 0) {
		rc = ENOEXEC_WHY("no program headers");
		goto out;
	}
	/* e_phnum as written: libelf's count is clamped to what the file holds. */
	phnum = eh.e_phnum;
	if (phnum == PN_XNUM && elf_getphdrnum(e, &phnum)) {
		rc = ENOEXEC_WHY("truncated: the program header count cannot be read");
		goto out;
	}
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phoff > size ||
	    phnum > (size - eh.e_phoff) / sizeof(Elf64_Phdr)) {
		rc = ENOEXEC_WHY("truncated: program headers past the end of the file");
		goto out;
	}

	/* Pass 1: check everything, so a refused file leaves guest memory alone. */
	bool any = false;
	img->lo = UINT64_MAX;
	img->hi = 0;
	for (size_t i = 0; i < phnum; i++) {
		if (!gelf_getphdr(e, (int)i, &ph)) {
			rc = ENOEXEC_WHY("truncated: a program header cannot be read");
			goto out;
		}
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if ((rc = check_load(m, &ph, size, avoid_lo, avoid_hi, why)))
			goto out;
		any = true;
		if (ph.p_paddr < img->lo)
			img->lo = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > img->hi)
			img->hi = ph.p_paddr + ph.p_memsz;
	}
	if (!any) {
		rc = ENOEXEC_WHY("no PT_LOAD segment");
		goto out;
	}
	if ((rc = find_pvh_entry(e, size, phnum, &img->entry, why)))
		goto out;
	bool entry_ok = false;
	for (size_t i = 0; i < phnum; i++) {
		gelf_getphdr(e, (int)i, &ph);
		if (ph.p_type == PT_LOAD && img->entry >= ph.p_paddr &&
		    img->entry - ph.p_paddr < ph.p_filesz)
			entry_ok = true;
	}
	if (!entry_ok) {
		rc = ENOEXEC_WHY("the PVH entry is not inside a loaded segment");
		goto out;
	}

	/* Pass 2: copy, then zero the bss part of each segment. */
	for (size_t i = 0; i < phnum; i++) {
		gelf_getphdr(e, (int)i, &ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		uint8_t *dst = guest_ptr(m, ph.p_paddr, ph.p_memsz);
		memcpy(dst, (const uint8_t *)file + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
	}
	rc = 0;
out:
	elf_end(e);
	return rc;
}
