/* check.c: judges an output and its exit status against a case (case.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

/* An output, one string a line (trailing "\r\n" removed), as grep sees it. */
struct output {
	char **line;
	size_t n;
	size_t newlines; /* what wc -l counts */
};

static void output_free(struct output *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->line[i]);
	free(o->line);
}

static int output_read(FILE *f, struct output *o)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	*o = (struct output){0};
	while ((len = getline(&buf, &cap, f)) >= 0) {
		if (len > 0 && buf[len - 1] == '\n') {
			o->newlines++;
			buf[--len] = 0;
		}
		if (len > 0 && buf[len - 1] == '\r')
			buf[--len] = 0;
		char **grown = realloc(o->line, (o->n + 1) * sizeof(*grown));
		if (!grown || !(o->line = grown, o->line[o->n] = strdup(buf))) {
			free(buf);
			output_free(o);
			return -1;
		}
		o->n++;
	}
	free(buf);
	if (ferror(f)) {
		output_free(o);
		return -1;
	}
	return 0;
}

/* The number (from 1) of the first line @re matches, or 0. */
static size_t first_line(const struct output *o, const regex_t *re)
{
	for (size_t i = 0; i < o->n; i++)
		if (regexec(re, o->line[i], 0, NULL, 0) == 0)
			return i + 1;
	return 0;
}

/* Prints one problem, "; " after the first. */
static void problem(FILE *report, int *count, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(FILE *report, int *count, const char *fmt, ...)
{
	va_list ap;
	if ((*count)++)
		fputs("; ", report);
	va_start(ap, fmt);
	vfprintf(report, fmt, ap);
	va_end(ap);
}

static void check_status(const struct case_file *c, long status, FILE *report, int *count)
{
	if (status == strtol(c->status, NULL, 10))
		return;
	if (c->kind == CASE_GUEST && status == 124)
		problem(report, count, "timed out (status 124), want status %s", c->status);
	else if (c->kind == CASE_GUEST && status == 125)
		problem(report, count,
			"no exit status: reset or triple fault (status 125), want status %s",
			c->status);
	else
		problem(report, count, "status %ld, want %s", status, c->status);
}

static void check_cond(const struct case_cond *cond, const struct output *o, FILE *report,
		       int *count)
{
	size_t a = first_line(o, &cond->re[0]), b;
	switch (cond->kind) {
	case COND_EXPECT:
		if (!a)
			problem(report, count, "no line matches /%s/", cond->text[0]);
		break;
	case COND_REJECT:
		if (a)
			problem(report, count, "line %zu matches rejected /%s/", a, cond->text[0]);
		break;
	case COND_ORDER:
		b = first_line(o, &cond->re[1]);
		if (!a)
			problem(report, count, "no line matches /%s/", cond->text[0]);
		else if (!b)
			problem(report, count, "no line matches /%s/", cond->text[1]);
		else if (a >= b)
			problem(report, count,
				"/%s/ (line %zu) does not come before /%s/ (line %zu)",
				cond->text[0], a, cond->text[1], b);
		break;
	}
}

int case_check(const struct case_file *c, FILE *out, long status, FILE *report)
{
	static const enum case_cond_kind order[] = {COND_EXPECT, COND_REJECT, COND_ORDER};
	struct output o;
	int count = 0;

	if (output_read(out, &o) < 0) {
		fputs("cannot read the output", report);
		return -1;
	}
	check_status(c, status, report, &count);
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (size_t i = 0; i < c->nconds; i++)
			if (c->conds[i].kind == order[k])
				check_cond(&c->conds[i], &o, report, &count);
	if (c->lines >= 0 && o.newlines > (size_t)c->lines)
		problem(report, &count, "%zu lines of output, want at most %ld", o.newlines,
			c->lines);
	output_free(&o);
	return count;
}
