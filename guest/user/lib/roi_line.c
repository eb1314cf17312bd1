/* roi_line.c: a RESULT line's text: the tags, JSON strings, fixed-point ratios, the length limit;
 * no system call. */
#include <stdarg.h>

#include "lib/lib.h"
#include "roi_format.h"

void roi_put(struct roi_line *l, const char *fmt, ...)
{
	va_list ap;

	if (l->at >= ROI_LINE_MAX)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(l->buf + l->at, (size_t)(ROI_LINE_MAX - l->at), fmt, ap);
	va_end(ap);
	/* vsnprintf says what the whole text needed: past the end means cut. */
	l->at = n < 0 || n >= ROI_LINE_MAX - l->at ? ROI_LINE_MAX : l->at + n;
}

void roi_put_string(struct roi_line *l, const char *s)
{
	roi_put(l, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			roi_put(l, "\\%c", c);
		else if (c < 0x20) /* RFC 8259, section 7: controls as \u00XX */
			roi_put(l, "\\u%04x", c);
		else
			roi_put(l, "%c", c);
	}
	roi_put(l, "\"");
}

void roi_put_ratio(struct roi_line *l, uint64_t num, uint64_t den)
{
	if (!den) {
		roi_put(l, "null");
		return;
	}
	/* The integer part and the remainder apart: num * 1000 could pass
	 * 2^64, rem * 1000 cannot while den is below 2^54. */
	uint64_t whole = num / den, rem = num % den;
	uint64_t milli = (rem * 1000 + den / 2) / den;
	if (milli == 1000)
		whole++, milli = 0;
	roi_put(l, "%lu.%03lu", (unsigned long)whole, (unsigned long)milli);
}

void roi_line_start(struct roi_line *l, const struct shoji_taskinfo *info, const char *benchmark,
		    const char *variant)
{
	const char *const tag[][2] = {
	    {"benchmark", benchmark}, {"mode", shoji_mode_name(info->mode)}, {"variant", variant}};
	char name[SHOJI_TASK_NAME_MAX];

	/* The kernel NUL-terminates it; a copy so that a bad one cannot run on. */
	memcpy(name, info->name, sizeof(name));
	name[sizeof(name) - 1] = 0;
	l->at = 0;
	roi_put(l, "RESULT {");
	for (unsigned i = 0; i < sizeof(tag) / sizeof(tag[0]); i++) {
		roi_put(l, "%s\"%s\":", i ? "," : "", tag[i][0]);
		roi_put_string(l, tag[i][1]);
	}
	roi_put(l, ",\"task\":%u,\"name\":", info->id);
	roi_put_string(l, name);
	roi_put(l, ",\"group\":%u", info->group);
}

int roi_line_finish(struct roi_line *l)
{
	roi_put(l, "}\n");
	return l->at < ROI_LINE_MAX ? l->at : -SHOJI_EMSGSIZE;
}
