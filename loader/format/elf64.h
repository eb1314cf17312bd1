/* ELF64 on-disk layouts and constants the loader reads (System V gABI, x86-64 psABI). */
#ifndef SHOJI_LOADER_ELF64_H
#define SHOJI_LOADER_ELF64_H

/*
 * Defined here rather than taken from <elf.h> because this header is
 * compiled freestanding (-nostdinc) into the guest kernel.  Names carry an
 * ELF_ / elf64_ prefix so that a host file which also includes <elf.h>
 * sees no clash.  Only what the loader needs is here.
 *
 * Every field is little-endian on disk (we accept ELFDATA2LSB only).  Files
 * may sit at any byte alignment (a cpio archive aligns data to 4 only), so
 * the parsers decode fields byte by byte into these structs instead of
 * casting the file pointer.
 */

#include <stddef.h>
#include <stdint.h>

/* --- file header ----------------------------------------------------- */

#define ELF_NIDENT 16

/* e_ident[] indices and values */
#define ELF_EI_MAG0 0
#define ELF_EI_MAG1 1
#define ELF_EI_MAG2 2
#define ELF_EI_MAG3 3
#define ELF_EI_CLASS 4
#define ELF_EI_DATA 5
#define ELF_EI_VERSION 6
#define ELF_EI_OSABI 7

#define ELF_MAG0 0x7f
#define ELF_MAG1 'E'
#define ELF_MAG2 'L'
#define ELF_MAG3 'F'
#define ELF_CLASS32 1
#define ELF_CLASS64 2
#define ELF_DATA2LSB 1
#define ELF_DATA2MSB 2
#define ELF_EV_CURRENT 1

/* e_type */
#define ELF_ET_REL 1
#define ELF_ET_EXEC 2 /* fixed addresses: what -static produces */
#define ELF_ET_DYN 3  /* position-independent: what -static-pie produces */

/* e_machine */
#define ELF_EM_X86_64 62

/* e_phnum value meaning "real count is in section header 0" */
#define ELF_PN_XNUM 0xffff

struct elf64_ehdr {
	uint8_t e_ident[ELF_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};
_Static_assert(sizeof(struct elf64_ehdr) == 64, "Elf64_Ehdr is 64 bytes");
_Static_assert(offsetof(struct elf64_ehdr, e_type) == 16, "e_type at 16");
_Static_assert(offsetof(struct elf64_ehdr, e_machine) == 18, "e_machine at 18");
_Static_assert(offsetof(struct elf64_ehdr, e_version) == 20, "e_version at 20");
_Static_assert(offsetof(struct elf64_ehdr, e_entry) == 24, "e_entry at 24");
_Static_assert(offsetof(struct elf64_ehdr, e_phoff) == 32, "e_phoff at 32");
_Static_assert(offsetof(struct elf64_ehdr, e_shoff) == 40, "e_shoff at 40");
_Static_assert(offsetof(struct elf64_ehdr, e_flags) == 48, "e_flags at 48");
_Static_assert(offsetof(struct elf64_ehdr, e_ehsize) == 52, "e_ehsize at 52");
_Static_assert(offsetof(struct elf64_ehdr, e_phentsize) == 54, "e_phentsize at 54");
_Static_assert(offsetof(struct elf64_ehdr, e_phnum) == 56, "e_phnum at 56");
_Static_assert(offsetof(struct elf64_ehdr, e_shstrndx) == 62, "e_shstrndx at 62");

/* --- program headers ------------------------------------------------- */

/* p_type */
#define ELF_PT_NULL 0
#define ELF_PT_LOAD 1
#define ELF_PT_DYNAMIC 2
#define ELF_PT_INTERP 3
#define ELF_PT_NOTE 4
#define ELF_PT_SHLIB 5
#define ELF_PT_PHDR 6
#define ELF_PT_TLS 7
#define ELF_PT_GNU_EH_FRAME 0x6474e550
#define ELF_PT_GNU_STACK 0x6474e551
#define ELF_PT_GNU_RELRO 0x6474e552
#define ELF_PT_GNU_PROPERTY 0x6474e553

/* p_flags */
#define ELF_PF_X 0x1
#define ELF_PF_W 0x2
#define ELF_PF_R 0x4
#define ELF_PF_RWX (ELF_PF_R | ELF_PF_W | ELF_PF_X)

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};
_Static_assert(sizeof(struct elf64_phdr) == 56, "Elf64_Phdr is 56 bytes");
_Static_assert(offsetof(struct elf64_phdr, p_flags) == 4, "p_flags at 4");
_Static_assert(offsetof(struct elf64_phdr, p_offset) == 8, "p_offset at 8");
_Static_assert(offsetof(struct elf64_phdr, p_vaddr) == 16, "p_vaddr at 16");
_Static_assert(offsetof(struct elf64_phdr, p_paddr) == 24, "p_paddr at 24");
_Static_assert(offsetof(struct elf64_phdr, p_filesz) == 32, "p_filesz at 32");
_Static_assert(offsetof(struct elf64_phdr, p_memsz) == 40, "p_memsz at 40");
_Static_assert(offsetof(struct elf64_phdr, p_align) == 48, "p_align at 48");

/* --- dynamic section ------------------------------------------------- */

/* d_tag */
#define ELF_DT_NULL 0
#define ELF_DT_NEEDED 1
#define ELF_DT_PLTRELSZ 2
#define ELF_DT_RELA 7
#define ELF_DT_RELASZ 8
#define ELF_DT_RELAENT 9
#define ELF_DT_REL 17
#define ELF_DT_RELSZ 18
#define ELF_DT_RELENT 19
#define ELF_DT_JMPREL 23
#define ELF_DT_RELRSZ 35
#define ELF_DT_RELR 36

struct elf64_dyn {
	int64_t d_tag;
	uint64_t d_val; /* d_un: d_val or d_ptr, same bits */
};
_Static_assert(sizeof(struct elf64_dyn) == 16, "Elf64_Dyn is 16 bytes");
_Static_assert(offsetof(struct elf64_dyn, d_val) == 8, "d_val at 8");

/* --- relocations ----------------------------------------------------- */

/* r_info: symbol index in the high 32 bits, type in the low 32 */
#define ELF_R_SYM(info) ((uint32_t)((uint64_t)(info) >> 32))
#define ELF_R_TYPE(info) ((uint32_t)((uint64_t)(info)&0xffffffffu))

/* x86-64 psABI relocation types we handle */
#define ELF_R_X86_64_NONE 0
#define ELF_R_X86_64_RELATIVE 8 /* *(u64 *)(B + r_offset) = B + r_addend */

struct elf64_rela {
	uint64_t r_offset;
	uint64_t r_info;
	int64_t r_addend;
};
_Static_assert(sizeof(struct elf64_rela) == 24, "Elf64_Rela is 24 bytes");
_Static_assert(offsetof(struct elf64_rela, r_info) == 8, "r_info at 8");
_Static_assert(offsetof(struct elf64_rela, r_addend) == 16, "r_addend at 16");

/* --- notes ----------------------------------------------------------- */

/* A note is this header, then the name (n_namesz bytes with its NUL,
 * padded to 4), then the descriptor (n_descsz bytes, padded to 4). */
struct elf64_nhdr {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
};
_Static_assert(sizeof(struct elf64_nhdr) == 12, "Elf64_Nhdr is 12 bytes");
_Static_assert(offsetof(struct elf64_nhdr, n_descsz) == 4, "n_descsz at 4");
_Static_assert(offsetof(struct elf64_nhdr, n_type) == 8, "n_type at 8");

/* --- section headers and symbols (gABI "Sections", "Symbol Table") --- */

/* sh_type */
#define ELF_SHT_SYMTAB 2
#define ELF_SHT_STRTAB 3

struct elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};
_Static_assert(sizeof(struct elf64_shdr) == 64, "Elf64_Shdr is 64 bytes");
_Static_assert(offsetof(struct elf64_shdr, sh_type) == 4, "sh_type at 4");
_Static_assert(offsetof(struct elf64_shdr, sh_offset) == 24, "sh_offset at 24");
_Static_assert(offsetof(struct elf64_shdr, sh_size) == 32, "sh_size at 32");
_Static_assert(offsetof(struct elf64_shdr, sh_link) == 40, "sh_link at 40");
_Static_assert(offsetof(struct elf64_shdr, sh_entsize) == 56, "sh_entsize at 56");

/* st_info: the type in the low four bits */
#define ELF_ST_TYPE(info) ((info)&0xf)
#define ELF_STT_FUNC 2
#define ELF_SHN_UNDEF 0

struct elf64_sym {
	uint32_t st_name;
	uint8_t st_info;
	uint8_t st_other;
	uint16_t st_shndx;
	uint64_t st_value;
	uint64_t st_size;
};
_Static_assert(sizeof(struct elf64_sym) == 24, "Elf64_Sym is 24 bytes");
_Static_assert(offsetof(struct elf64_sym, st_info) == 4, "st_info at 4");
_Static_assert(offsetof(struct elf64_sym, st_shndx) == 6, "st_shndx at 6");
_Static_assert(offsetof(struct elf64_sym, st_value) == 8, "st_value at 8");
_Static_assert(offsetof(struct elf64_sym, st_size) == 16, "st_size at 16");

/* --- decoding, byte by byte (any alignment, little-endian) ---------- */

static inline uint16_t elf_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t elf_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t elf_rd64(const uint8_t *p)
{
	return (uint64_t)elf_rd32(p) | (uint64_t)elf_rd32(p + 4) << 32;
}

/* elf64_read_ehdr - decode the ELF header at @p (sizeof(struct elf64_ehdr) bytes). */
static inline void elf64_read_ehdr(const uint8_t *p, struct elf64_ehdr *e)
{
	for (int i = 0; i < ELF_NIDENT; i++)
		e->e_ident[i] = p[i];
	e->e_type = elf_rd16(p + offsetof(struct elf64_ehdr, e_type));
	e->e_machine = elf_rd16(p + offsetof(struct elf64_ehdr, e_machine));
	e->e_version = elf_rd32(p + offsetof(struct elf64_ehdr, e_version));
	e->e_entry = elf_rd64(p + offsetof(struct elf64_ehdr, e_entry));
	e->e_phoff = elf_rd64(p + offsetof(struct elf64_ehdr, e_phoff));
	e->e_shoff = elf_rd64(p + offsetof(struct elf64_ehdr, e_shoff));
	e->e_flags = elf_rd32(p + offsetof(struct elf64_ehdr, e_flags));
	e->e_ehsize = elf_rd16(p + offsetof(struct elf64_ehdr, e_ehsize));
	e->e_phentsize = elf_rd16(p + offsetof(struct elf64_ehdr, e_phentsize));
	e->e_phnum = elf_rd16(p + offsetof(struct elf64_ehdr, e_phnum));
	e->e_shentsize = elf_rd16(p + offsetof(struct elf64_ehdr, e_shentsize));
	e->e_shnum = elf_rd16(p + offsetof(struct elf64_ehdr, e_shnum));
	e->e_shstrndx = elf_rd16(p + offsetof(struct elf64_ehdr, e_shstrndx));
}

/* elf64_read_phdr - decode the program header at @p (56 bytes). */
static inline void elf64_read_phdr(const uint8_t *p, struct elf64_phdr *ph)
{
	ph->p_type = elf_rd32(p + offsetof(struct elf64_phdr, p_type));
	ph->p_flags = elf_rd32(p + offsetof(struct elf64_phdr, p_flags));
	ph->p_offset = elf_rd64(p + offsetof(struct elf64_phdr, p_offset));
	ph->p_vaddr = elf_rd64(p + offsetof(struct elf64_phdr, p_vaddr));
	ph->p_paddr = elf_rd64(p + offsetof(struct elf64_phdr, p_paddr));
	ph->p_filesz = elf_rd64(p + offsetof(struct elf64_phdr, p_filesz));
	ph->p_memsz = elf_rd64(p + offsetof(struct elf64_phdr, p_memsz));
	ph->p_align = elf_rd64(p + offsetof(struct elf64_phdr, p_align));
}

/* elf64_read_shdr - decode the section header at @p (64 bytes). */
static inline void elf64_read_shdr(const uint8_t *p, struct elf64_shdr *sh)
{
	sh->sh_name = elf_rd32(p + offsetof(struct elf64_shdr, sh_name));
	sh->sh_type = elf_rd32(p + offsetof(struct elf64_shdr, sh_type));
	sh->sh_flags = elf_rd64(p + offsetof(struct elf64_shdr, sh_flags));
	sh->sh_addr = elf_rd64(p + offsetof(struct elf64_shdr, sh_addr));
	sh->sh_offset = elf_rd64(p + offsetof(struct elf64_shdr, sh_offset));
	sh->sh_size = elf_rd64(p + offsetof(struct elf64_shdr, sh_size));
	sh->sh_link = elf_rd32(p + offsetof(struct elf64_shdr, sh_link));
	sh->sh_info = elf_rd32(p + offsetof(struct elf64_shdr, sh_info));
	sh->sh_addralign = elf_rd64(p + offsetof(struct elf64_shdr, sh_addralign));
	sh->sh_entsize = elf_rd64(p + offsetof(struct elf64_shdr, sh_entsize));
}

/* elf64_read_sym - decode the symbol at @p (24 bytes). */
static inline void elf64_read_sym(const uint8_t *p, struct elf64_sym *s)
{
	s->st_name = elf_rd32(p + offsetof(struct elf64_sym, st_name));
	s->st_info = p[offsetof(struct elf64_sym, st_info)];
	s->st_other = p[offsetof(struct elf64_sym, st_other)];
	s->st_shndx = elf_rd16(p + offsetof(struct elf64_sym, st_shndx));
	s->st_value = elf_rd64(p + offsetof(struct elf64_sym, st_value));
	s->st_size = elf_rd64(p + offsetof(struct elf64_sym, st_size));
}

#endif
