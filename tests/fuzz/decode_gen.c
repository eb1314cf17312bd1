/* Byte sequences for the decoder differential test: structured shapes and noise. */
#include <string.h>

#include "isolation/isolation.h"
#include "tests/fuzz/decode_diff.h"

/*
 * Each sequence is one shape (the table at the bottom) written into a
 * scratch buffer, cut to DD_BUF bytes, over a buffer of random bytes:
 * what a shape leaves unsaid (a SIB, a displacement, an immediate) is
 * random.  The shapes follow the instruction format (SDM Vol. 2A 2.1):
 * legacy prefixes in any order and number, REX in and out of place, the
 * escapes of every opcode map and encoding (0F, 0F 38, 0F 3A, 3DNow! 0F
 * 0F, VEX C4/C5, EVEX 62, XOP 8F), every ModRM, SIB and displacement
 * form, branches with edge displacements, and the verifier's own masked
 * sequence with its register and immediate varied.
 */

#define SCRATCH 64
_Static_assert(DD_BUF % 8 == 0, "dd_gen_next fills the buffer 8 bytes at a time");

/* splitmix64 (Steele, Lea, Flood 2014): small, fast, and any seed works. */
static uint64_t next64(struct dd_gen *g)
{
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned below(struct dd_gen *g, unsigned n)
{
	return (unsigned)((next64(g) >> 32) * n >> 32);
}

static uint8_t byte(struct dd_gen *g)
{
	return (uint8_t)(next64(g) >> 56);
}

/* Displacements and immediates: the edges of every size, the verifier's
 * constants, or anything. */
static const uint32_t edge_words[] = {
    0,		1,	  0x7f,	      0x80,	  0xff,	      0x7fff,
    0x8000,	0xffff,	  0x7fffffff, 0x80000000, 0xffffff80, 0xfffffffe,
    0xffffffff, CFI_MASK, CFI_MARKER, 0x0f01ef90, /* wrpkru in an immediate */
};

static size_t put_word(struct dd_gen *g, uint8_t *b)
{
	uint32_t w = below(g, 2) ? edge_words[below(g, sizeof(edge_words) / sizeof(edge_words[0]))]
				 : (uint32_t)next64(g);
	for (unsigned k = 0; k < 4; k++)
		b[k] = (uint8_t)(w >> (8 * k));
	return 4;
}

/* A ModRM byte (SDM Vol. 2A 2.1.5), its SIB, then three words for the
 * displacement and immediate.  rm 100 (SIB) and 101 (RIP-relative with
 * mod 00) come more often than chance, and so does SIB base 101. */
static size_t put_operands(struct dd_gen *g, uint8_t *b, unsigned reg)
{
	unsigned mod = below(g, 4), rm = below(g, 4) ? below(g, 8) : 4 + below(g, 2);
	size_t n = 0;
	b[n++] = (uint8_t)(mod << 6 | (reg & 7) << 3 | rm);
	if (mod != 3 && rm == 4)
		b[n++] = (uint8_t)((byte(g) & 0xf8) | (below(g, 3) ? below(g, 8) : 5));
	for (unsigned k = 0; k < 3; k++)
		n += put_word(g, b + n);
	return n;
}

static const uint8_t legacy_prefixes[] = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26,
					  0x2e, 0x36, 0x3e, 0x64, 0x65};

/* A run of legacy prefixes (none, a few, or past the length limit,
 * repeats allowed) with REX absent, last, inside, or twice. */
static size_t put_prefixes(struct dd_gen *g, uint8_t *b)
{
	unsigned pick = below(g, 10);
	unsigned count = pick < 3 ? 0 : pick < 8 ? 1 + below(g, 4) : 5 + below(g, 11);
	size_t n = 0;
	for (unsigned k = 0; k < count; k++)
		b[n++] = legacy_prefixes[below(g, sizeof(legacy_prefixes))];
	unsigned rex = below(g, 10);
	if (rex >= 4)
		b[n++] = (uint8_t)(0x40 | below(g, 16));
	if (rex >= 8 && n > 1) { /* one more REX among the legacy prefixes */
		size_t at = below(g, (unsigned)n);
		memmove(b + at + 1, b + at, n - at);
		b[at] = (uint8_t)(0x40 | below(g, 16));
		n++;
	}
	return n;
}

/* The escape bytes of opcode map m: one-byte, 0F, 0F 38, 0F 3A. */
static size_t put_map(uint8_t *b, unsigned m)
{
	static const uint8_t esc[4][2] = {{0}, {0x0f}, {0x0f, 0x38}, {0x0f, 0x3a}};
	static const uint8_t len[4] = {0, 1, 2, 2};
	memcpy(b, esc[m], len[m]);
	return len[m];
}

/* Prefix sets the sweep tries every opcode and ModRM under, the most
 * telling first; byte 0 is the count, 0x40 stands for any REX. */
static const uint8_t sweep_prefixes[][3] = {
    {0},       {1, 0x66},	{1, 0xf3},	 {1, 0xf0},	  {1, 0x48},	   {1, 0xf2},
    {1, 0x40}, {2, 0x66, 0x48}, {2, 0xf3, 0x40}, {2, 0xf0, 0x48}, {2, 0x66, 0xf3}, {2, 0xf0, 0x66},
    {1, 0x2e}, {2, 0xf2, 0x40},
};
#define NSWEEP (sizeof(sweep_prefixes) / sizeof(sweep_prefixes[0]))

/*
 * Every opcode and ModRM in turn, of the one-byte and 0F maps under each
 * prefix set (2^17 sequences a set), then of the 0F 38 and 0F 3A maps
 * likewise; each followed by a SIB (base 101 more often than chance) and
 * three words.
 */
static size_t shape_sweep(struct dd_gen *g, uint8_t *b)
{
	uint64_t c = g->sweep++, round = c >> 17;
	const uint8_t *p = sweep_prefixes[round % NSWEEP];
	size_t n = p[0];
	for (size_t k = 0; k < n; k++)
		b[k] = p[k + 1] == 0x40 ? (uint8_t)(0x40 | below(g, 16)) : p[k + 1];
	unsigned map = (unsigned)((c >> 16) & 1) + 2 * (unsigned)((round / NSWEEP) & 1);
	n += put_map(b + n, map);
	b[n++] = (uint8_t)(c >> 8);
	b[n++] = (uint8_t)c;
	b[n++] = (uint8_t)((byte(g) & 0xf8) | (below(g, 3) ? below(g, 8) : 5));
	for (unsigned k = 0; k < 3; k++)
		n += put_word(g, b + n);
	return n;
}

/* Prefixes, then an opcode of any map with operands. */
static size_t shape_prefixed(struct dd_gen *g, uint8_t *b)
{
	size_t n = put_prefixes(g, b);
	unsigned map = below(g, 10);
	n += put_map(b + n, map < 5 ? 0 : map < 8 ? 1 : map - 6);
	b[n++] = byte(g);
	return n + put_operands(g, b + n, below(g, 8));
}

/* Direct branches with edge displacements; FF /2-/5 (near and far,
 * register or memory) in every form. */
static size_t shape_branch(struct dd_gen *g, uint8_t *b)
{
	static const struct {
		uint8_t op[2], len, vary; /* vary: the opcode bits drawn at random */
	} kinds[] = {
	    {{0x70}, 1, 0x0f},	     /* jcc rel8 */
	    {{0xe0}, 1, 0x03},	     /* loopne, loope, loop, jrcxz */
	    {{0xeb}, 1, 0x00},	     /* jmp rel8 */
	    {{0xe9}, 1, 0x00},	     /* jmp rel32 */
	    {{0xe8}, 1, 0x00},	     /* call rel32 */
	    {{0x0f, 0x80}, 2, 0x0f}, /* jcc rel32 */
	    {{0xff}, 1, 0x00},	     /* call/jmp through r/m */
	};
	size_t n = below(g, 3) ? 0 : put_prefixes(g, b);
	unsigned k = below(g, sizeof(kinds) / sizeof(kinds[0]));
	memcpy(b + n, kinds[k].op, kinds[k].len);
	n += kinds[k].len;
	b[n - 1] |= (uint8_t)(byte(g) & kinds[k].vary);
	if (kinds[k].op[0] == 0xff)
		return n + put_operands(g, b + n, 2 + below(g, 4));
	/* rel8 is the low byte of the word: its edges are among the words'. */
	return n + put_word(g, b + n);
}

/* The verifier's masked sequence (verify.c, rule 5), one instruction of
 * it, with its REX, register and immediate varied. */
static size_t shape_masked(struct dd_gen *g, uint8_t *b)
{
	static const uint8_t rexes[] = {0, 0, 0x40, 0x41, 0x48, 0x49, 0x44, 0x4c};
	static const struct {
		uint8_t op, reg; /* reg 8: no ModRM */
	} forms[] = {
	    {0x81, 4}, /* and $imm32, %R32 */
	    {0x81, 1}, /* or $imm32, %R64 */
	    {0xff, 4}, /* jmp *%R64 */
	    {0xff, 2}, /* call *%R64 */
	    {0x25, 8}, /* and $imm32, %eax */
	    {0x0d, 8}, /* or $imm32, %rax */
	};
	size_t n = below(g, 4) ? 0 : put_prefixes(g, b);
	uint8_t rex = rexes[below(g, sizeof(rexes))];
	unsigned f = below(g, sizeof(forms) / sizeof(forms[0]));
	if (rex)
		b[n++] = rex;
	b[n++] = forms[f].op;
	if (forms[f].reg < 8)
		b[n++] = (uint8_t)(0xc0 | forms[f].reg << 3 | below(g, 8));
	static const uint32_t imm[2] = {CFI_MASK, CFI_MARKER};
	uint32_t w = below(g, 4) ? imm[below(g, 2)] : (uint32_t)next64(g);
	for (unsigned k = 0; k < 4; k++)
		b[n + k] = (uint8_t)(w >> (8 * k));
	return n + 4;
}

/* The escapes of the other encodings: VEX (C4, C5), EVEX (62), XOP (8F,
 * map select 8-10), 3DNow! (0F 0F, opcode in the last byte). */
static size_t shape_escape(struct dd_gen *g, uint8_t *b)
{
	static const uint8_t esc[] = {0xc4, 0xc5, 0x62, 0x8f};
	static const uint8_t payload[] = {2, 1, 3, 2};
	size_t n = below(g, 2) ? 0 : put_prefixes(g, b);
	unsigned k = below(g, 5);
	if (k == 4) {
		b[n++] = 0x0f;
		b[n++] = 0x0f;
		return n + put_operands(g, b + n, below(g, 8));
	}
	b[n++] = esc[k];
	for (unsigned i = 0; i < payload[k]; i++)
		b[n++] = byte(g);
	if (k == 3 && below(g, 2))
		b[n - 2] = (uint8_t)((b[n - 2] & 0xe0) | (8 + below(g, 3)));
	b[n++] = byte(g);
	return n + put_operands(g, b + n, below(g, 8));
}

/* Bytes drawn mostly from those that start or steer an instruction. */
static size_t shape_soup(struct dd_gen *g, uint8_t *b)
{
	static const uint8_t steer[] = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x3e, 0x64, 0x65,
					0x40, 0x41, 0x48, 0x4f, 0x0f, 0x38, 0x3a, 0x0f, 0xc4,
					0xc5, 0x62, 0x8f, 0x90, 0xff, 0x81, 0xe8, 0xeb, 0x01,
					0xae, 0xc7, 0x1e, 0xfa, 0xef, 0xb8, 0xf7, 0x8d, 0x00};
	size_t n = 1 + below(g, DD_BUF);
	for (size_t k = 0; k < n; k++)
		b[k] = below(g, 3) ? steer[below(g, sizeof(steer))] : byte(g);
	return n;
}

/* Noise: the random bytes under the shape are the sequence. */
static size_t shape_random(struct dd_gen *g, uint8_t *b)
{
	return 0;
}

static const struct {
	size_t (*put)(struct dd_gen *g, uint8_t *b);
	unsigned weight;
} shapes[] = {
    {shape_sweep, 15}, {shape_prefixed, 8}, {shape_branch, 3}, {shape_masked, 3},
    {shape_escape, 3}, {shape_soup, 2},	    {shape_random, 1},
};
#define NSHAPES (sizeof(shapes) / sizeof(shapes[0]))

void dd_gen_init(struct dd_gen *g, uint64_t seed)
{
	*g = (struct dd_gen){.state = seed};
}

size_t dd_gen_next(struct dd_gen *g, uint8_t buf[DD_BUF])
{
	unsigned total = 0;
	for (unsigned k = 0; k < NSHAPES; k++)
		total += shapes[k].weight;
	for (unsigned k = 0; k < DD_BUF; k += 8) {
		uint64_t r = next64(g);
		memcpy(buf + k, &r, 8);
	}
	unsigned pick = below(g, total), k = 0;
	while (pick >= shapes[k].weight)
		pick -= shapes[k++].weight;
	uint8_t s[SCRATCH];
	size_t n = shapes[k].put(g, s);
	memcpy(buf, s, n < DD_BUF ? n : DD_BUF);
	/* One in eight is cut short, anywhere, empty included. */
	return below(g, 8) ? DD_BUF : below(g, DD_BUF + 1);
}
