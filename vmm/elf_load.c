/* Loading kernel.elf into guest memory: libelf reads it, loader/format/kernel_elf.c judges it. */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>

#include "elf_load.h"
#include "vmm.h"

/* The reader's callbacks see the libelf handle. */
struct libelf_reader {
	struct kernel_elf_reader r;
	Elf *e;
};

/* The first callback: libelf is handed the file only once rule 1 passed. */
static int libelf_ehdr(void *ctx, struct elf64_ehdr *out)
{
	struct libelf_reader *lr = ctx;
	GElf_Ehdr eh;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	lr->e = elf_memory((char *)lr->r.file, lr->r.size);
	if (!gelf_getehdr(lr->e, &eh))
		return -1;
	_Static_assert(sizeof(eh.e_ident) == sizeof(out->e_ident), "e_ident");
	memcpy(out->e_ident, eh.e_ident, sizeof(out->e_ident));
	out->e_type = eh.e_type;
	out->e_machine = eh.e_machine;
	out->e_version = eh.e_version;
	out->e_entry = eh.e_entry;
	out->e_phoff = eh.e_phoff;
	out->e_shoff = eh.e_shoff;
	out->e_flags = eh.e_flags;
	out->e_ehsize = eh.e_ehsize;
	out->e_phentsize = eh.e_phentsize;
	out->e_phnum = eh.e_phnum;
	out->e_shentsize = eh.e_shentsize;
	out->e_shnum = eh.e_shnum;
	out->e_shstrndx = eh.e_shstrndx;
	return 0;
}

static int libelf_phdr(void *ctx, unsigned index, struct elf64_phdr *out)
{
	GElf_Phdr ph;

	if (index > INT32_MAX || !gelf_getphdr(((struct libelf_reader *)ctx)->e, (int)index, &ph))
		return -1;
	*out = (struct elf64_phdr){ph.p_type,  ph.p_flags,  ph.p_offset, ph.p_vaddr,
				   ph.p_paddr, ph.p_filesz, ph.p_memsz,	 ph.p_align};
	return 0;
}

static const void *libelf_bytes(void *ctx, uint64_t offset, uint64_t len)
{
	if (offset > INT64_MAX)
		return NULL;
	Elf_Data *d = elf_getdata_rawchunk(((struct libelf_reader *)ctx)->e, (int64_t)offset, len,
					   ELF_T_BYTE);
	return d ? d->d_buf : NULL;
}

/*
 * The rules, reading through libelf.  Rule 1 (identification) runs on the
 * raw bytes before libelf is asked (format.h says why), so elf_memory sees
 * only 64-bit little-endian files of 64 bytes or more with a plain
 * section count.
 */
int elf_judge(void *file, size_t size, struct kernel_elf *k, const char **why)
{
	struct libelf_reader lr = {{file, size, libelf_ehdr, libelf_phdr, libelf_bytes, &lr}, NULL};
	int rc = kernel_elf_read(&lr.r, k, why);

	elf_end(lr.e);
	if (rc == -SHOJI_EINVAL)
		return -ENOEXEC;
	return rc ? -EIO : 0;
}

/* Guest RAM and the avoided range: the checks that are shoji's own. */
static int check_placement(const struct guest_mem *m, const struct kernel_elf *k, gpa_t avoid_lo,
			   gpa_t avoid_hi, const char **why)
{
	for (unsigned i = 0; i < k->nseg; i++) {
		const struct kernel_elf_segment *s = &k->seg[i];
		if (!guest_ptr(m, s->paddr, s->memsz)) {
			*why = "a PT_LOAD segment is outside guest memory (p_paddr + p_memsz past "
			       "the end of RAM; try a larger --memory)";
			return -ERANGE;
		}
		if (s->paddr < avoid_hi && avoid_lo < s->paddr + s->memsz) {
			*why = "a PT_LOAD segment overlaps the boot area (shoji's start info and "
			       "probe code)";
			return -ERANGE;
		}
	}
	return 0;
}

int elf_load(struct guest_mem *m, void *file, size_t size, gpa_t avoid_lo, gpa_t avoid_hi,
	     struct elf_image *img, const char **why)
{
	struct kernel_elf k;
	int rc;

	if ((rc = elf_judge(file, size, &k, why)))
		return rc;
	if ((rc = check_placement(m, &k, avoid_lo, avoid_hi, why)))
		return rc;
	/* Fresh RAM is zero already: its bss needs no zeroing (a kernel's bss
	 * is most of its memsz).  The rules keep segments apart, so no
	 * segment's bytes land on another's bss. */
	bool zero = guest_mem_is_zero(m, k.lo, k.hi - k.lo);
	guest_mem_written(m, k.lo, k.hi - k.lo);
	for (unsigned i = 0; i < k.nseg; i++) {
		uint8_t *dst = guest_ptr(m, k.seg[i].paddr, k.seg[i].memsz);
		memcpy(dst, (const uint8_t *)file + k.seg[i].offset, k.seg[i].filesz);
		if (!zero)
			memset(dst + k.seg[i].filesz, 0, k.seg[i].memsz - k.seg[i].filesz);
	}
	*img = (struct elf_image){k.entry, k.lo, k.hi, k.is_linux};
	return 0;
}
