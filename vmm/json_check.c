/* A strict JSON validator (RFC 8259): RESULT lines reach the --json file only when they pass. */
#include <stdint.h>
#include <string.h>

#include "json_check.h"

struct cursor {
	const unsigned char *p, *end;
	const char *why;
};

static bool fail(struct cursor *c, const char *why)
{
	if (!c->why)
		c->why = why;
	return false;
}

static int peek(const struct cursor *c)
{
	return c->p < c->end ? *c->p : -1;
}

/* RFC 8259 section 2: space, tab, LF, CR. */
static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static bool literal(struct cursor *c, const char *word)
{
	for (; *word; word++, c->p++)
		if (c->p >= c->end || *c->p != (unsigned char)*word)
			return fail(c, "unknown literal (only true, false, null)");
	return true;
}

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool digits(struct cursor *c)
{
	if (!is_digit(peek(c)))
		return fail(c, "bad number");
	while (is_digit(peek(c)))
		c->p++;
	return true;
}

/* Section 6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number(struct cursor *c)
{
	if (peek(c) == '-')
		c->p++;
	if (peek(c) == '0')
		c->p++;
	else if (!digits(c))
		return false;
	if (peek(c) == '.') {
		c->p++;
		if (!digits(c))
			return false;
	}
	if (peek(c) == 'e' || peek(c) == 'E') {
		c->p++;
		if (peek(c) == '+' || peek(c) == '-')
			c->p++;
		if (!digits(c))
			return false;
	}
	return true;
}

/* One UTF-8 sequence of 2..4 bytes starting at c->p (RFC 3629 section 4:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
static bool utf8(struct cursor *c)
{
	static const struct {
		unsigned char lead_lo, lead_hi, len;
		uint32_t min;
	} forms[] = {
	    {0xc2, 0xdf, 2, 0x80},
	    {0xe0, 0xef, 3, 0x800},
	    {0xf0, 0xf4, 4, 0x10000},
	};
	unsigned char b = *c->p;
	for (unsigned f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		if (b < forms[f].lead_lo || b > forms[f].lead_hi)
			continue;
		unsigned len = forms[f].len;
		if ((size_t)(c->end - c->p) < len)
			return fail(c, "truncated UTF-8 sequence");
		uint32_t cp = b & (0x7f >> len);
		for (unsigned i = 1; i < len; i++) {
			if ((c->p[i] & 0xc0) != 0x80)
				return fail(c, "bad UTF-8 sequence");
			cp = cp << 6 | (c->p[i] & 0x3f);
		}
		if (cp < forms[f].min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return fail(c, "bad UTF-8 sequence");
		c->p += len;
		return true;
	}
	return fail(c, "bad UTF-8 byte");
}

static bool hex4(struct cursor *c)
{
	for (int i = 0; i < 4; i++, c->p++) {
		int ch = peek(c);
		if (!is_digit(ch) && !(ch >= 'a' && ch <= 'f') && !(ch >= 'A' && ch <= 'F'))
			return fail(c, "bad \\u escape");
	}
	return true;
}

/* Section 7, from the opening quote. */
static bool string(struct cursor *c)
{
	c->p++;
	for (;;) {
		int ch = peek(c);
		if (ch < 0)
			return fail(c, "unterminated string");
		if (ch == '"') {
			c->p++;
			return true;
		}
		if (ch < 0x20)
			return fail(c, "control character in a string");
		if (ch >= 0x80) {
			if (!utf8(c))
				return false;
			continue;
		}
		c->p++;
		if (ch != '\\')
			continue;
		ch = peek(c);
		if (ch < 0)
			return fail(c, "unterminated string");
		c->p++;
		if (ch == 'u') {
			if (!hex4(c))
				return false;
		} else if (!memchr("\"\\/bfnrt", ch, 8)) {
			return fail(c, "bad string escape");
		}
	}
}

static bool value(struct cursor *c, unsigned depth);

/* An object or array, from its opening bracket: members "key": value, or values. */
static bool container(struct cursor *c, unsigned depth, bool object)
{
	const int close = object ? '}' : ']';

	if (depth >= JSON_DEPTH_MAX)
		return fail(c, "nested too deep");
	c->p++;
	skip_ws(c);
	if (peek(c) == close) {
		c->p++;
		return true;
	}
	for (;;) {
		if (object) {
			skip_ws(c);
			if (peek(c) != '"')
				return fail(c, "object key is not a string");
			if (!string(c))
				return false;
			skip_ws(c);
			if (peek(c) != ':')
				return fail(c, "missing ':' after an object key");
			c->p++;
		}
		if (!value(c, depth + 1))
			return false;
		skip_ws(c);
		int ch = peek(c);
		if (ch < 0)
			return fail(c, object ? "unterminated object" : "unterminated array");
		c->p++;
		if (ch == close)
			return true;
		if (ch != ',')
			return fail(c, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static bool value(struct cursor *c, unsigned depth)
{
	skip_ws(c);
	switch (peek(c)) {
	case '{':
		return container(c, depth, true);
	case '[':
		return container(c, depth, false);
	case '"':
		return string(c);
	case 't':
		return literal(c, "true");
	case 'f':
		return literal(c, "false");
	case 'n':
		return literal(c, "null");
	case -1:
		return fail(c, "value missing");
	default:
		return number(c);
	}
}

bool json_check_object(const char *s, size_t n, const char **why)
{
	struct cursor c = {(const unsigned char *)s, (const unsigned char *)s + n, NULL};

	skip_ws(&c);
	if (peek(&c) != '{') {
		*why = "not an object";
		return false;
	}
	if (!container(&c, 0, true)) {
		*why = c.why;
		return false;
	}
	skip_ws(&c);
	if (c.p != c.end) {
		*why = "more after the object";
		return false;
	}
	return true;
}
