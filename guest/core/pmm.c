/* Physical page allocator: one bit per 4 KiB frame, lowest frame first. */
#include "core/pmm.h"

#define FRAME 4096ull

static bool frame_used(const struct pmm *p, uint64_t i)
{
	return p->bitmap[i / 64] & (1ull << (i % 64));
}

void pmm_init(struct pmm *p, uint64_t *bitmap, uint64_t base, uint64_t npages)
{
	p->base = base;
	p->npages = npages;
	p->bitmap = bitmap;
	p->free = 0;
	p->hint = 0;
	for (uint64_t i = 0; i < (npages + 63) / 64; i++)
		bitmap[i] = ~0ull;
}

/* Frame indexes [*first, *last) of [start, end) clipped to the bitmap:
 * frames wholly inside when !outward (frees round inwards), frames touched
 * at all when outward (reservations round outwards).  Clipping comes
 * first, so no arithmetic here can wrap. */
static void clip(const struct pmm *p, uint64_t start, uint64_t end, bool outward, uint64_t *first,
		 uint64_t *last)
{
	uint64_t limit = p->base + p->npages * FRAME;
	uint64_t s = start < p->base ? p->base : start;
	uint64_t e = end > limit ? limit : end;
	*first = *last = 0;
	if (s >= e)
		return;
	s -= p->base;
	e -= p->base;
	*first = outward ? s / FRAME : (s + FRAME - 1) / FRAME;
	*last = outward ? (e + FRAME - 1) / FRAME : e / FRAME;
}

/* Mask of bits [lo, hi) of one bitmap word, 0 <= lo < hi <= 64. */
static uint64_t bits(unsigned lo, unsigned hi)
{
	uint64_t upto = hi == 64 ? ~0ull : (1ull << hi) - 1;
	return upto & ~((1ull << lo) - 1);
}

/* Set bits of x (SWAR, no POPCNT instruction or libgcc call needed). */
static unsigned popcount64(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* Sets (used) or clears (free) frames [first, last), a word at a time:
 * the boot frees all of RAM through here.  Returns how many changed. */
static uint64_t mark(struct pmm *p, uint64_t first, uint64_t last, bool used)
{
	uint64_t n = 0;
	while (first < last) {
		uint64_t w = first / 64, end = last - w * 64 < 64 ? last - w * 64 : 64;
		uint64_t m = bits((unsigned)(first % 64), (unsigned)end);
		uint64_t change = used ? ~p->bitmap[w] & m : p->bitmap[w] & m;
		n += popcount64(change);
		p->bitmap[w] ^= change;
		first = w * 64 + end;
	}
	return n;
}

uint64_t pmm_mark_free(struct pmm *p, uint64_t start, uint64_t end)
{
	uint64_t first, last;
	clip(p, start, end, false, &first, &last);
	uint64_t n = mark(p, first, last, false);
	p->free += n;
	if (first < last && first < p->hint)
		p->hint = first;
	return n;
}

uint64_t pmm_mark_used(struct pmm *p, uint64_t start, uint64_t end)
{
	uint64_t first, last;
	clip(p, start, end, true, &first, &last);
	uint64_t n = mark(p, first, last, true);
	p->free -= n;
	return n;
}

uint64_t pmm_alloc(struct pmm *p)
{
	if (!p->free)
		return 0;
	/* The hint only moves up on allocation and down on free, so every
	 * word below it is full. */
	for (uint64_t w = p->hint / 64; w < (p->npages + 63) / 64; w++) {
		if (p->bitmap[w] == ~0ull)
			continue;
		uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(~p->bitmap[w]);
		if (i >= p->npages)
			break;
		p->bitmap[w] |= 1ull << (i % 64);
		p->free--;
		p->hint = i;
		return p->base + i * FRAME;
	}
	return 0;
}

int pmm_free(struct pmm *p, uint64_t phys)
{
	if (phys < p->base || (phys - p->base) % FRAME || (phys - p->base) / FRAME >= p->npages)
		return -SHOJI_EINVAL;
	uint64_t i = (phys - p->base) / FRAME;
	if (!frame_used(p, i))
		return -SHOJI_EINVAL;
	p->bitmap[i / 64] &= ~(1ull << (i % 64));
	p->free++;
	if (i < p->hint)
		p->hint = i;
	return 0;
}

int pmm_frame_used(const struct pmm *p, uint64_t phys)
{
	if (phys < p->base || (phys - p->base) % FRAME || (phys - p->base) / FRAME >= p->npages)
		return -SHOJI_EINVAL;
	return frame_used(p, (phys - p->base) / FRAME);
}
