/* shoji.cfg: the kernel command line, with comments and blank lines allowed. */
#include "efiboot.h"

/* The message below names the limit the loader passes as cap. */
_Static_assert(SHOJI_CMDLINE_MAX == 4096, "update the length message");

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int fail(char *out, const char **why, const char *reason, int err)
{
	out[0] = 0;
	*why = reason;
	return err;
}

int efi_config_parse(const char *text, size_t len, char *out, size_t cap, const char **why)
{
	size_t pos = 0, n = 0;

	out[0] = 0;
	if (len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
	    (unsigned char)text[2] == 0xbf)
		pos = 3; /* UTF-8 byte order mark */

	while (pos < len) {
		/* One line: [start, end) without its "\n" or "\r\n". */
		size_t start = pos, end;
		while (pos < len && text[pos] != '\n')
			pos++;
		end = pos;
		if (pos < len)
			pos++; /* the '\n' */
		if (end > start && text[end - 1] == '\r')
			end--;

		for (size_t i = start; i < end; i++) {
			unsigned char c = (unsigned char)text[i];
			if (c == '\r')
				return fail(out, why, "carriage return inside a line",
					    -SHOJI_EINVAL);
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				return fail(out, why, "control character (not a tab) in the file",
					    -SHOJI_EINVAL);
		}

		/* A '#' opening a word starts the comment. */
		for (size_t i = start; i < end; i++) {
			if (text[i] == '#' && (i == start || is_blank(text[i - 1]))) {
				end = i;
				break;
			}
		}
		while (start < end && is_blank(text[start]))
			start++;
		while (end > start && is_blank(text[end - 1]))
			end--;
		if (start == end)
			continue;

		/* n + separator + the line + NUL must fit in cap. */
		size_t need = (n ? 1 : 0) + (end - start);
		if (need > cap - 1 - n)
			return fail(out, why, "kernel command line longer than 4095 bytes",
				    -SHOJI_EMSGSIZE);
		if (n)
			out[n++] = ' ';
		for (size_t i = start; i < end; i++)
			out[n++] = text[i];
		out[n] = 0;
	}
	return (int)n;
}
