/* Protection-key isolation shared by the kernel and host tools: PKRU
 * encoding, key allocation within a group, and the binary scanner. */
#ifndef ISOLATION_H
#define ISOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * PKRU (SDM Vol. 3A 4.6.2): for key i, bit 2i is AD (access disable) and
 * bit 2i+1 is WD (write disable).  It governs data accesses to user-mode
 * pages only; instruction fetches and supervisor pages are never checked.
 */
#define PKEYS 16
#define PKRU_AD(key) (1u << (2 * (key)))
#define PKRU_WD(key) (2u << (2 * (key)))
#define PKRU_DENY_ALL 0xffffffffu
_Static_assert(PKRU_AD(15) == 0x40000000u && PKRU_WD(15) == 0x80000000u, "PKRU key 15");

/* The PKRU value that lets a task touch pages of `key` and nothing else. */
static inline uint32_t pkru_only(unsigned key)
{
	return PKRU_DENY_ALL & ~(PKRU_AD(key) | PKRU_WD(key));
}

/* --- keys.c: keys of one group ------------------------------------------ */
/* Key 0 is never handed out: it stays the default key of pages nobody
 * owns, and a group holds at most PKEYS - 1 = 15 tasks. */
struct pkey_set {
	uint16_t used; /* bit k: key k taken */
};
void pkey_set_init(struct pkey_set *s);
/* The lowest free key (1..15), or -1 when the group is full. */
int pkey_alloc(struct pkey_set *s);
/* Returns key to the set; -1 when it was not taken (or is 0 / >= 16). */
int pkey_free(struct pkey_set *s, int key);
unsigned pkey_count(const struct pkey_set *s);

/* --- scan.c: instructions that change PKRU ------------------------------ */
enum scan_hit {
	SCAN_NONE = 0,
	SCAN_WRPKRU,  /* 0F 01 EF */
	SCAN_XRSTOR,  /* 0F AE /5, memory operand (XRSTOR, XRSTOR64) */
	SCAN_XRSTORS, /* 0F C7 /3, memory operand (XRSTORS, XRSTORS64) */
};
/* "WRPKRU", "XRSTOR", ... */
const char *scan_hit_name(enum scan_hit h);

/*
 * A streaming scanner: bytes may come in pieces (pages), and a pattern
 * that straddles two pieces is still found.  Every byte offset is a
 * possible instruction start: x86 code can be entered anywhere, so a
 * pattern hidden inside another instruction counts.
 */
struct scanner {
	uint64_t offset; /* bytes fed so far */
	uint8_t tail[2]; /* the last two bytes fed */
	unsigned ntail;
	enum scan_hit hit;
	uint64_t hit_offset; /* offset of the hit's first byte */
};
void scanner_init(struct scanner *s);
/* Feeds n bytes; returns true (and stops looking) at the first hit. */
bool scanner_feed(struct scanner *s, const uint8_t *buf, size_t n);
/* One-shot scan of a buffer; SCAN_NONE or the first hit, with *offset. */
enum scan_hit scan_buffer(const uint8_t *buf, size_t n, uint64_t *offset);

#endif
