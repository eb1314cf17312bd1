/* Task image symbols: the function an image offset lies in, from the file's .symtab (format.h). */
#include "format.h"

#define SHDR_SIZE sizeof(struct elf64_shdr)
#define SYM_SIZE sizeof(struct elf64_sym)
#define SHN_LORESERVE 0xff00 /* e_shnum at or past it: extended numbering (gABI) */

/* Whether [off, off + len) lies inside a file of @size bytes, without
 * forming off + len. */
static bool in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

/* Section @i of the table at @shoff (already checked inside the file). */
static void section(const uint8_t *f, uint64_t shoff, unsigned i, struct elf64_shdr *sh)
{
	elf64_read_shdr(f + shoff + (uint64_t)i * SHDR_SIZE, sh);
}

/* The symbol table and its string table, both inside the file: 0, or -1
 * when there is none usable. */
static int find_tables(const uint8_t *f, size_t size, struct elf64_shdr *sym,
		       struct elf64_shdr *str)
{
	struct elf64_ehdr eh;

	if (size < sizeof(eh))
		return -1;
	elf64_read_ehdr(f, &eh);
	if (eh.e_ident[ELF_EI_MAG0] != ELF_MAG0 || eh.e_ident[ELF_EI_MAG1] != ELF_MAG1 ||
	    eh.e_ident[ELF_EI_MAG2] != ELF_MAG2 || eh.e_ident[ELF_EI_MAG3] != ELF_MAG3 ||
	    eh.e_ident[ELF_EI_CLASS] != ELF_CLASS64 || eh.e_ident[ELF_EI_DATA] != ELF_DATA2LSB)
		return -1;
	if (eh.e_shentsize != SHDR_SIZE || eh.e_shnum == 0 || eh.e_shnum >= SHN_LORESERVE ||
	    !in_file(eh.e_shoff, (uint64_t)eh.e_shnum * SHDR_SIZE, size))
		return -1;
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		section(f, eh.e_shoff, i, sym);
		if (sym->sh_type != ELF_SHT_SYMTAB)
			continue;
		if (sym->sh_entsize != SYM_SIZE || !in_file(sym->sh_offset, sym->sh_size, size) ||
		    sym->sh_link == 0 || sym->sh_link >= eh.e_shnum)
			return -1;
		section(f, eh.e_shoff, sym->sh_link, str);
		if (str->sh_type != ELF_SHT_STRTAB || !in_file(str->sh_offset, str->sh_size, size))
			return -1;
		return 0;
	}
	return -1;
}

/* A byte a name may hold: graphic ASCII.  The name is printed inside a
 * kernel line (guest/core/fault_site.c), where a newline would start a
 * line that passes for the kernel's (docs/architecture.md, "The
 * console") and an escape or a space could rewrite what the line says. */
static bool name_byte(uint8_t c)
{
	return c > ' ' && c < 0x7f;
}

/* The name at @at in the string table: its length up to its NUL, cut at
 * ELF_SYM_NAME_MAX (so at most that many + 1 bytes are read); 0 when
 * empty, outside the table, cut short by the table's end, or holding a
 * byte name_byte() refuses before the cut. */
static size_t name_length(const uint8_t *strtab, uint64_t strsize, uint64_t at)
{
	size_t n = 0;

	if (at >= strsize)
		return 0;
	while (n <= ELF_SYM_NAME_MAX && n < strsize - at && strtab[at + n]) {
		if (n < ELF_SYM_NAME_MAX && !name_byte(strtab[at + n]))
			return 0;
		n++;
	}
	if (n > ELF_SYM_NAME_MAX)
		return ELF_SYM_NAME_MAX;
	return n < strsize - at ? n : 0;
}

/* Whether @s covers @off and beats the best so far (@have: one exists). */
static bool better(const struct elf64_sym *s, uint64_t off, bool have, const struct elf_sym *best)
{
	if (ELF_ST_TYPE(s->st_info) != ELF_STT_FUNC || s->st_shndx == ELF_SHN_UNDEF ||
	    s->st_value > off)
		return false;
	if (s->st_size && off - s->st_value >= s->st_size)
		return false;
	if (!have || s->st_value > best->value)
		return true;
	return s->st_value == best->value && s->st_size && !best->size;
}

int elf_sym_find(const void *file, size_t size, uint64_t off, struct elf_sym *out)
{
	const uint8_t *f = file;
	struct elf64_shdr symtab, strtab;
	bool have = false;

	if (!f || find_tables(f, size, &symtab, &strtab))
		return 0;
	const uint8_t *names = f + strtab.sh_offset;
	uint64_t count = symtab.sh_size / SYM_SIZE;
	for (uint64_t i = 1; i < count; i++) { /* symbol 0 is the undefined one */
		struct elf64_sym s;
		elf64_read_sym(f + symtab.sh_offset + i * SYM_SIZE, &s);
		if (!better(&s, off, have, out))
			continue;
		size_t n = name_length(names, strtab.sh_size, s.st_name);
		if (!n)
			continue;
		*out = (struct elf_sym){(const char *)names + s.st_name, n, s.st_value, s.st_size};
		have = true;
	}
	return have;
}
