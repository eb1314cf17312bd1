/* A minimal static-PIE task image around generated code, laid out by the fuzz bytes. */
#include <string.h>

#include "image.h"

/*
 * The first five fuzz bytes are a header, the rest feeds img_gen_code():
 *
 *   [0] layout: bits 2:0 code pages - 1 (1-8); bit 3 split the code in two
 *       runs with a page between; bit 4 that page is read-only data (full
 *       of WRPKRU bytes, which must not matter: it is not executable),
 *       else a hole; bit 5 the code ends where the gate starts (so the last
 *       bundle falls through into it); bit 6 raw code (the fuzz bytes as
 *       they are); bit 7 the entry is moved off its bundle start
 *   [1..2] the entry's bundle, among the code's bundles
 *   [3] how far the entry is moved (bit 7 of [0])
 *   [4] the share of dangerous instructions, in 1024ths (up to a quarter)
 *
 * The file is laid out as memory is (file offset = address), like the
 * linker does for the real tasks:
 *
 *   page 0          R    ELF header, program headers, the RELA table
 *   code run A      R-X
 *   between         R or nothing (bit 3)
 *   code run B      R-X
 *   data page       RW   the dynamic section and one relocated pointer
 *
 * With bit 5 the data page moves to page 1 and the code to the top.
 */

#define RELA_AT 0x200u	/* in page 0 */
#define DYN_SIZE 64u	/* four Elf64_Dyn */
#define RELOC_AT 0x100u /* in the data page */

struct layout {
	unsigned a_first, a_pages; /* code run A */
	unsigned b_first, b_pages; /* code run B (b_pages 0: none) */
	bool between_ro;	   /* the page between is R data */
	unsigned data;		   /* the RW page */
	unsigned end;		   /* pages in the image */
};

static void plan(uint8_t lay, struct layout *l)
{
	unsigned code = 1 + (lay & 7), split = (lay & 8) && code > 1;
	*l = (struct layout){.a_pages = split ? code / 2 : code, .between_ro = lay & 16};
	l->b_pages = code - l->a_pages;
	unsigned total = code + split;
	if (lay & 32) {
		l->data = 1;
		l->a_first = IMG_PAGES - total;
		l->end = IMG_PAGES;
	} else {
		l->a_first = 1;
		l->data = 1 + total;
		l->end = l->data + 1;
	}
	l->b_first = l->a_first + l->a_pages + split;
}

static void wr64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8); /* the host is little-endian, as ELF64 LSB is */
}

static void phdr(uint8_t *out, unsigned *n, uint32_t type, uint32_t flags, uint64_t at,
		 uint64_t filesz, uint64_t memsz)
{
	struct elf64_phdr ph = {.p_type = type,
				.p_flags = flags,
				.p_offset = at,
				.p_vaddr = at,
				.p_paddr = at,
				.p_filesz = filesz,
				.p_memsz = memsz,
				.p_align = type == ELF_PT_LOAD ? IMG_PAGE : 8};
	memcpy(out + sizeof(struct elf64_ehdr) + *n * sizeof(ph), &ph, sizeof(ph));
	(*n)++;
}

/* Data that would be refused as code: WRPKRU, again and again. */
static void wrpkru_page(uint8_t *p)
{
	static uint8_t page[IMG_PAGE];
	if (!page[0])
		for (unsigned k = 0; k + 3 <= IMG_PAGE; k += 3)
			memcpy(page + k, "\x0f\x01\xef", 3);
	memcpy(p, page, IMG_PAGE);
}

/* The image offset of bundle k of the code, counting run A then run B. */
static uint64_t bundle_at(const struct layout *l, unsigned k)
{
	unsigned per_page = IMG_PAGE / BUNDLE_SIZE, page = k / per_page;
	unsigned first = page < l->a_pages ? l->a_first : l->b_first - l->a_pages;
	return (uint64_t)(first + page) * IMG_PAGE + (k % per_page) * BUNDLE_SIZE;
}

size_t img_generate(const uint8_t *in, size_t n, uint8_t *out)
{
	uint8_t h[5] = {0};
	for (unsigned k = 0; k < sizeof(h) && k < n; k++)
		h[k] = in[k];
	struct layout l;
	plan(h[0], &l);
	size_t size = (size_t)l.end * IMG_PAGE;
	memset(out, 0, size);

	bool exec[IMG_PAGES] = {0};
	for (unsigned p = 0; p < l.a_pages; p++)
		exec[l.a_first + p] = true;
	for (unsigned p = 0; p < l.b_pages; p++)
		exec[l.b_first + p] = true;
	if (l.b_pages && l.between_ro)
		wrpkru_page(out + (size_t)(l.b_first - 1) * IMG_PAGE);
	img_gen_code(out, exec, in + (n < 5 ? n : 5), n < 5 ? 0 : n - 5, h[4] / 4u, h[0] & 64);

	unsigned code_bundles = (l.a_pages + l.b_pages) * (IMG_PAGE / BUNDLE_SIZE);
	uint64_t entry = bundle_at(&l, (h[1] | h[2] << 8) % code_bundles);
	if (h[0] & 128)
		entry += h[3] % BUNDLE_SIZE;

	/* Program headers: page 0, the code runs, the page between, the
	 * data page, the dynamic section. */
	unsigned nph = 0;
	uint64_t data = (uint64_t)l.data * IMG_PAGE;
	phdr(out, &nph, ELF_PT_LOAD, ELF_PF_R, 0, RELA_AT + sizeof(struct elf64_rela),
	     RELA_AT + sizeof(struct elf64_rela));
	phdr(out, &nph, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, (uint64_t)l.a_first * IMG_PAGE,
	     (uint64_t)l.a_pages * IMG_PAGE, (uint64_t)l.a_pages * IMG_PAGE);
	if (l.b_pages && l.between_ro)
		phdr(out, &nph, ELF_PT_LOAD, ELF_PF_R, (uint64_t)(l.b_first - 1) * IMG_PAGE,
		     IMG_PAGE, IMG_PAGE);
	if (l.b_pages)
		phdr(out, &nph, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, (uint64_t)l.b_first * IMG_PAGE,
		     (uint64_t)l.b_pages * IMG_PAGE, (uint64_t)l.b_pages * IMG_PAGE);
	phdr(out, &nph, ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, data, RELOC_AT + 8, IMG_PAGE);
	phdr(out, &nph, ELF_PT_DYNAMIC, ELF_PF_R | ELF_PF_W, data, DYN_SIZE, DYN_SIZE);

	static const int64_t tags[4] = {ELF_DT_RELA, ELF_DT_RELASZ, ELF_DT_RELAENT, ELF_DT_NULL};
	const uint64_t vals[4] = {RELA_AT, sizeof(struct elf64_rela), sizeof(struct elf64_rela), 0};
	for (unsigned k = 0; k < 4; k++) {
		wr64(out + data + 16 * k, (uint64_t)tags[k]);
		wr64(out + data + 16 * k + 8, vals[k]);
	}
	/* One pointer to the entry, relocated (R_X86_64_RELATIVE). */
	wr64(out + RELA_AT, data + RELOC_AT);
	wr64(out + RELA_AT + 8, ELF_R_X86_64_RELATIVE);
	wr64(out + RELA_AT + 16, entry);

	struct elf64_ehdr eh = {
	    .e_ident = {0x7f, 'E', 'L', 'F', ELF_CLASS64, ELF_DATA2LSB, ELF_EV_CURRENT},
	    .e_type = ELF_ET_DYN,
	    .e_machine = ELF_EM_X86_64,
	    .e_version = ELF_EV_CURRENT,
	    .e_entry = entry,
	    .e_phoff = sizeof(struct elf64_ehdr),
	    .e_ehsize = sizeof(struct elf64_ehdr),
	    .e_phentsize = sizeof(struct elf64_phdr),
	    .e_phnum = (uint16_t)nph};
	memcpy(out, &eh, sizeof(eh));
	return size;
}
