/* ctype.h's classes in the "C" locale: one table of class bits for the 128 ASCII bytes. */
#include <ctype.h>

enum {
	C_CNTRL = 1,
	C_SPACE = 2,
	C_BLANK = 4,
	C_PUNCT = 8,
	C_DIGIT = 16,
	C_UPPER = 32,
	C_LOWER = 64,
	C_XDIGIT = 128
};

/* C11 7.4.1 and 5.2.1: the basic character set; 0x80-0xff belong to no
 * class in the "C" locale. */
static const unsigned char classes[128] = {
    [0 ... 8] = C_CNTRL,
    ['\t'] = C_CNTRL | C_SPACE | C_BLANK,
    ['\n' ... '\r'] = C_CNTRL | C_SPACE,
    [14 ... 31] = C_CNTRL,
    [' '] = C_SPACE | C_BLANK,
    ['!' ... '/'] = C_PUNCT,
    ['0' ... '9'] = C_DIGIT | C_XDIGIT,
    [':' ... '@'] = C_PUNCT,
    ['A' ... 'F'] = C_UPPER | C_XDIGIT,
    ['G' ... 'Z'] = C_UPPER,
    ['[' ... '`'] = C_PUNCT,
    ['a' ... 'f'] = C_LOWER | C_XDIGIT,
    ['g' ... 'z'] = C_LOWER,
    ['{' ... '~'] = C_PUNCT,
    [127] = C_CNTRL,
};

/* The class bits of @c: none for EOF, bytes above 127 and other values. */
static unsigned bits(int c)
{
	return c >= 0 && c < 128 ? classes[c] : 0;
}

int isalnum(int c)
{
	return (bits(c) & (C_UPPER | C_LOWER | C_DIGIT)) != 0;
}

int isalpha(int c)
{
	return (bits(c) & (C_UPPER | C_LOWER)) != 0;
}

int isblank(int c)
{
	return (bits(c) & C_BLANK) != 0;
}

int iscntrl(int c)
{
	return (bits(c) & C_CNTRL) != 0;
}

int isdigit(int c)
{
	return (bits(c) & C_DIGIT) != 0;
}

int isgraph(int c)
{
	return (bits(c) & (C_PUNCT | C_UPPER | C_LOWER | C_DIGIT)) != 0;
}

int islower(int c)
{
	return (bits(c) & C_LOWER) != 0;
}

int isprint(int c)
{
	return c == ' ' || isgraph(c);
}

int ispunct(int c)
{
	return (bits(c) & C_PUNCT) != 0;
}

int isspace(int c)
{
	return (bits(c) & C_SPACE) != 0;
}

int isupper(int c)
{
	return (bits(c) & C_UPPER) != 0;
}

int isxdigit(int c)
{
	return (bits(c) & C_XDIGIT) != 0;
}

int tolower(int c)
{
	return isupper(c) ? c + ('a' - 'A') : c;
}

int toupper(int c)
{
	return islower(c) ? c - ('a' - 'A') : c;
}
