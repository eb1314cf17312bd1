/* roi_format.c: a region's RESULT line, tagged and in fixed point, built without a system call. */
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

uint64_t roi_ns(uint64_t cycles, uint64_t tsc_khz)
{
	if (!tsc_khz)
		return 0;
	/* ns = cycles * 10^6 / kHz, in two parts so that neither overflows
	 * (the remainder is below tsc_khz, itself far below 2^44). */
	return cycles / tsc_khz * 1000000 + cycles % tsc_khz * 1000000 / tsc_khz;
}

void roi_line_start(struct roi_line *l, const struct shoji_taskinfo *info, const char *benchmark,
		    const char *variant)
{
	char name[SHOJI_TASK_NAME_MAX];

	/* The kernel NUL-terminates it; a copy so that a bad one cannot run on. */
	memcpy(name, info->name, sizeof(name));
	name[sizeof(name) - 1] = 0;
	l->at = 0;
	roi_put(l, "RESULT {\"benchmark\":");
	roi_put_string(l, benchmark);
	roi_put(l, ",\"mode\":");
	roi_put_string(l, shoji_mode_name(info->mode));
	roi_put(l, ",\"variant\":");
	roi_put_string(l, variant);
	roi_put(l, ",\"task\":%u,\"name\":", info->id);
	roi_put_string(l, name);
	roi_put(l, ",\"group\":%u", info->group);
}

int roi_line_finish(struct roi_line *l)
{
	roi_put(l, "}\n");
	return l->at < ROI_LINE_MAX ? l->at : -SHOJI_EMSGSIZE;
}

/* The counters in the order the reports list them (bench/report/lib.jq). */
static const struct {
	const char *name;
	size_t offset;
} counters[] = {
    {"task_switches", offsetof(struct shoji_stats, task_switches)},
    {"cr3_writes", offsetof(struct shoji_stats, cr3_writes)},
    {"wrpkru", offsetof(struct shoji_stats, wrpkru)},
    {"tlb_flushes", offsetof(struct shoji_stats, tlb_flushes)},
    {"syscalls", offsetof(struct shoji_stats, syscalls)},
    {"timer_ticks", offsetof(struct shoji_stats, timer_ticks)},
};

static uint64_t counter(const struct shoji_stats *st, size_t offset)
{
	return *(const unsigned long long *)((const char *)st + offset);
}

int roi_format(struct roi_line *l, const struct shoji_taskinfo *info, const struct roi *r,
	       const struct roi_report *rep)
{
	uint64_t cycles = rep->cycles ? rep->cycles : roi_cycles(r);
	uint64_t own = ROI_OWN_SYSCALLS + rep->own_syscalls;

	roi_line_start(l, info, rep->benchmark, rep->variant);
	roi_put(l, ",\"iterations\":%lu,\"warmup\":%lu,\"cycles_per_op\":", (unsigned long)rep->ops,
		(unsigned long)rep->warmup);
	roi_put_ratio(l, cycles, rep->ops);
	roi_put(l, ",\"ns_per_op\":");
	if (info->tsc_khz)
		roi_put_ratio(l, roi_ns(cycles, info->tsc_khz), rep->ops);
	else
		roi_put(l, "null");
	if (rep->extra)
		roi_put(l, "%s", rep->extra);
	roi_put(l, ",\"counters\":{");
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		uint64_t d = counter(&r->end.st, counters[i].offset) -
			     counter(&r->begin.st, counters[i].offset);
		/* The measurement's own calls are not the workload's. */
		if (counters[i].offset == offsetof(struct shoji_stats, syscalls))
			d = d > own ? d - own : 0;
		roi_put(l, "%s\"%s\":", i ? "," : "", counters[i].name);
		roi_put_ratio(l, d, rep->ops);
	}
	roi_put(l, "}");
	return roi_line_finish(l);
}
