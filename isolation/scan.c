/* Finds the instructions that can change PKRU, at every byte offset. */
#include "isolation/isolation.h"

static const char *const hit_names[] = {
    [SCAN_NONE] = "nothing",
    [SCAN_WRPKRU] = "WRPKRU",
    [SCAN_XRSTOR] = "XRSTOR",
    [SCAN_XRSTORS] = "XRSTORS",
};

const char *scan_hit_name(enum scan_hit h)
{
	return h <= SCAN_XRSTORS ? hit_names[h] : "?";
}

/*
 * The three-byte windows that matter (SDM Vol. 2): WRPKRU is 0F 01 EF.
 * XRSTOR is 0F AE with ModRM.reg = 5 and ModRM.mod != 3 (mod 3 with reg 5
 * is LFENCE); XRSTORS is 0F C7 with reg = 3 and a memory operand.  REX.W
 * (the 64 forms) and other prefixes come before 0F and change nothing
 * here.  A memory-operand XRSTOR restores PKRU when XCR0 enables it; the
 * kernel leaves CR4.OSXSAVE clear, so both #UD today, but the scanner does
 * not rely on that.
 */
static enum scan_hit window(uint8_t a, uint8_t b, uint8_t c)
{
	if (a != 0x0f)
		return SCAN_NONE;
	bool mem = (c & 0xc0) != 0xc0;
	unsigned reg = (c >> 3) & 7;
	if (b == 0x01 && c == 0xef)
		return SCAN_WRPKRU;
	if (b == 0xae && reg == 5 && mem)
		return SCAN_XRSTOR;
	if (b == 0xc7 && reg == 3 && mem)
		return SCAN_XRSTORS;
	return SCAN_NONE;
}

void scanner_init(struct scanner *s)
{
	s->offset = 0;
	s->ntail = 0;
	s->hit = SCAN_NONE;
	s->hit_offset = 0;
}

/* A hit of the window starting at offset `at` of the piece being fed
 * (-2 and -1: in the tail, as unsigned arithmetic wraps); the bytes up to
 * the window's end count as fed.  Returns true. */
static bool record_hit(struct scanner *s, enum scan_hit h, uint64_t at)
{
	s->hit = h;
	s->hit_offset = s->offset + at;
	s->offset += at + 3;
	return true;
}

/* One byte through the three-byte window; true on a hit (at the window's start). */
static bool step(struct scanner *s, uint8_t c, size_t i)
{
	if (s->ntail < 2) {
		s->tail[s->ntail++] = c;
		return false;
	}
	enum scan_hit h = window(s->tail[0], s->tail[1], c);
	if (h)
		return record_hit(s, h, (uint64_t)i - 2);
	s->tail[0] = s->tail[1];
	s->tail[1] = c;
	return false;
}

/*
 * The windows that end in the first two bytes also start in the tail, so
 * those bytes go through step(); every later window lies in buf, and only
 * one starting with 0F can hit, so byte_find() skips to each 0F (the
 * kernel scans every page of every task image through here).
 */
bool scanner_feed(struct scanner *s, const uint8_t *buf, size_t n)
{
	if (s->hit)
		return true;
	for (size_t i = 0; i < n && i < 2; i++)
		if (step(s, buf[i], i))
			return true;
	if (n < 3) {
		s->offset += n;
		return false;
	}
	for (size_t j = byte_find(buf, 0, n - 2, 0x0f); j < n - 2;
	     j = byte_find(buf, j + 1, n - 2, 0x0f)) {
		enum scan_hit h = window(buf[j], buf[j + 1], buf[j + 2]);
		if (h)
			return record_hit(s, h, j);
	}
	s->tail[0] = buf[n - 2];
	s->tail[1] = buf[n - 1];
	s->ntail = 2;
	s->offset += n;
	return false;
}

enum scan_hit scan_buffer(const uint8_t *buf, size_t n, uint64_t *offset)
{
	struct scanner s;
	scanner_init(&s);
	scanner_feed(&s, buf, n);
	if (s.hit && offset)
		*offset = s.hit_offset;
	return s.hit;
}
