/* parse.c: reads a case file ("key: value" lines, case.h) into a struct case_file. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

#define KIND_BIT(k) (1u << (k))
#define BOTH (KIND_BIT(CASE_GUEST) | KIND_BIT(CASE_CHECK))

/* What a key's setter reports: done, a bad value (why set), no memory. */
enum set_result { SET_OK, SET_BAD, SET_NOMEM };

typedef enum set_result (*setter)(struct case_file *c, char *value, char *why);

static void say(char *why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, CASE_WHY_MAX, fmt, ap);
	va_end(ap);
}

/* Replaces *@slot (freed) by a copy of @value, or NULL for "". */
static enum set_result set_string(char **slot, const char *value)
{
	char *copy = NULL;
	if (*value && !(copy = strdup(value)))
		return SET_NOMEM;
	free(*slot);
	*slot = copy;
	return SET_OK;
}

static void free_tasks(struct case_file *c)
{
	for (size_t i = 0; i < c->ntasks; i++)
		free(c->tasks[i]);
	free(c->tasks);
	c->tasks = NULL;
	c->ntasks = 0;
}

/* tasks: the value split at blanks, as the shell's read -a did. */
static enum set_result set_tasks(struct case_file *c, char *value, char *why)
{
	free_tasks(c);
	for (char *save = NULL, *w = strtok_r(value, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		char **grown = realloc(c->tasks, (c->ntasks + 1) * sizeof(*grown));
		if (!grown)
			return SET_NOMEM;
		c->tasks = grown;
		if (!(c->tasks[c->ntasks] = strdup(w)))
			return SET_NOMEM;
		c->ntasks++;
	}
	return SET_OK;
}

static bool all_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static enum set_result set_lines(struct case_file *c, char *value, char *why)
{
	if (!all_digits(value) || strlen(value) > 9) {
		say(why, "lines wants a number");
		return SET_BAD;
	}
	c->lines = strtol(value, NULL, 10);
	return SET_OK;
}

/* Adds a condition of @kind with the regexes @a and (order) @b. */
static enum set_result add_cond(struct case_file *c, enum case_cond_kind kind, const char *a,
				const char *b, char *why)
{
	struct case_cond *grown = realloc(c->conds, (c->nconds + 1) * sizeof(*grown));
	if (!grown)
		return SET_NOMEM;
	c->conds = grown;
	struct case_cond *cond = &c->conds[c->nconds];
	const char *text[2] = {a, b};
	cond->kind = kind;
	for (int i = 0; i < 2; i++) {
		cond->text[i] = NULL;
		if (!text[i])
			continue;
		int err = regcomp(&cond->re[i], text[i], REG_EXTENDED | REG_NOSUB);
		if (err) {
			char msg[128];
			regerror(err, &cond->re[i], msg, sizeof(msg));
			say(why, "bad regex /%s/: %s", text[i], msg);
			if (i == 1) {
				regfree(&cond->re[0]);
				free(cond->text[0]);
			}
			return SET_BAD;
		}
		if (!(cond->text[i] = strdup(text[i]))) {
			regfree(&cond->re[i]);
			if (i == 1) {
				regfree(&cond->re[0]);
				free(cond->text[0]);
			}
			return SET_NOMEM;
		}
	}
	c->nconds++;
	return SET_OK;
}

static enum set_result set_expect(struct case_file *c, char *value, char *why)
{
	return add_cond(c, COND_EXPECT, value, NULL, why);
}

static enum set_result set_reject(struct case_file *c, char *value, char *why)
{
	return add_cond(c, COND_REJECT, value, NULL, why);
}

/* order: A <<< B, split at the first " <<< ". */
static enum set_result set_order(struct case_file *c, char *value, char *why)
{
	static const char sep[] = " <<< ";
	char *at = strstr(value, sep);
	if (!at) {
		say(why, "order wants 'A <<< B'");
		return SET_BAD;
	}
	*at = 0;
	return add_cond(c, COND_ORDER, value, at + strlen(sep), why);
}

/* A key whose value is kept as written: its string field in struct case_file. */
#define TEXT(field) NULL, offsetof(struct case_file, field)

/* status and timeout are kept as text and checked once the file is read
 * (check_whole): a later line may still set them. */
static const struct key {
	const char *name;
	unsigned kinds; /* KIND_BIT()s of the files that may use it */
	bool substitute;
	setter set;  /* NULL: the value is kept as text at @text */
	size_t text; /* offset of its char * in struct case_file */
} keys[] = {
    {"tasks", KIND_BIT(CASE_GUEST), false, set_tasks, 0},
    {"append", KIND_BIT(CASE_GUEST), false, TEXT(append)},
    {"timeout", KIND_BIT(CASE_GUEST), false, TEXT(timeout)},
    {"qemu-cpu", KIND_BIT(CASE_GUEST), false, TEXT(qemu_cpu)},
    {"cpus", KIND_BIT(CASE_GUEST), false, TEXT(cpus)},
    {"skip-rig", KIND_BIT(CASE_GUEST), false, TEXT(skip_rig)},
    {"command", KIND_BIT(CASE_CHECK), true, TEXT(command)},
    {"lines", KIND_BIT(CASE_CHECK), false, set_lines, 0},
    {"status", BOTH, false, TEXT(status)},
    {"expect", BOTH, true, set_expect, 0},
    {"reject", BOTH, true, set_reject, 0},
    {"order", BOTH, true, set_order, 0},
    {"skip", BOTH, false, TEXT(skip)},
};

/* Gives @value to @k's setter, or keeps it as @k's text. */
static enum set_result set_key(const struct key *k, struct case_file *c, char *value, char *why)
{
	if (k->set)
		return k->set(c, value, why);
	return set_string((char **)((char *)c + k->text), value);
}

/* @value with every substitution applied, freshly allocated; NULL when
 * memory runs out. */
static char *substitute(const char *value, const struct case_subst *subst, size_t nsubst)
{
	char *s = strdup(value);
	for (size_t i = 0; s && i < nsubst; i++) {
		size_t from = strlen(subst[i].from), to = strlen(subst[i].to), n = 0;
		if (!from)
			continue;
		for (const char *p = strstr(s, subst[i].from); p;
		     p = strstr(p + from, subst[i].from))
			n++;
		if (!n)
			continue;
		char *out = malloc(strlen(s) - n * from + n * to + 1), *w = out;
		if (!out) {
			free(s);
			return NULL;
		}
		for (const char *r = s, *p; *r; r = p + from) {
			if (!(p = strstr(r, subst[i].from))) {
				strcpy(w, r);
				w += strlen(r);
				break;
			}
			memcpy(w, r, (size_t)(p - r));
			w += p - r;
			memcpy(w, subst[i].to, to);
			w += to;
		}
		*w = 0;
		free(s);
		s = out;
	}
	return s;
}

/* One line: ignored, or "key: value" given to its key's setter. */
static enum set_result parse_line(struct case_file *c, char *line, const struct case_subst *subst,
				  size_t nsubst, char *why)
{
	char *p = line, *end;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return SET_OK;
	for (p = line; (*p >= 'a' && *p <= 'z') || *p == '-'; p++)
		;
	if (p == line || *p != ':') {
		say(why, "not 'key: value'");
		return SET_BAD;
	}
	*p = 0;
	char *value = p + 1;
	while (isspace((unsigned char)*value))
		value++;
	for (end = value + strlen(value); end > value && isspace((unsigned char)end[-1]); end--)
		;
	*end = 0;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].name, line) || !(keys[i].kinds & KIND_BIT(c->kind)))
			continue;
		if (!keys[i].substitute)
			return set_key(&keys[i], c, value, why);
		char *v = substitute(value, subst, nsubst);
		if (!v)
			return SET_NOMEM;
		enum set_result r = set_key(&keys[i], c, v, why);
		free(v);
		return r;
	}
	say(why, "unknown key '%s'", line);
	return SET_BAD;
}

/* After the last line: what must be there, and the default timeout. */
static int check_whole(struct case_file *c, char *why)
{
	if (!all_digits(c->status)) {
		say(why, "no 'status: N' line");
		return -1;
	}
	if (c->kind == CASE_CHECK && !c->command) {
		say(why, "no 'command:' line");
		return -1;
	}
	if (c->cpus && (!all_digits(c->cpus) || c->cpus[0] == '0' || strlen(c->cpus) > 2)) {
		say(why, "cpus '%s' is not a number of CPUs from 1 to 99", c->cpus);
		return -1;
	}
	if (!c->timeout && !(c->timeout = strdup("30"))) {
		say(why, "out of memory");
		return -1;
	}
	/* N or N.N, as the runners' outer limits expect. */
	const char *t = c->timeout, *dot = strchr(t, '.');
	size_t whole = dot ? (size_t)(dot - t) : strlen(t);
	char int_part[32];
	bool ok = whole > 0 && whole < sizeof(int_part);
	if (ok) {
		memcpy(int_part, t, whole);
		int_part[whole] = 0;
		ok = all_digits(int_part) && (!dot || all_digits(dot + 1)) && whole <= 9;
	}
	if (!ok) {
		say(why, "timeout '%s' is not a number of seconds", t);
		return -1;
	}
	return 0;
}

int case_parse(const char *path, enum case_kind kind, const struct case_subst *subst, size_t nsubst,
	       struct case_file *c, char *why)
{
	*c = (struct case_file){.kind = kind, .lines = -1};
	FILE *f = fopen(path, "r");
	if (!f) {
		say(why, "cannot read: %s", strerror(errno));
		return -1;
	}
	char *line = NULL, lwhy[CASE_WHY_MAX];
	size_t cap = 0;
	long n = 0;
	int rc = 0;
	while (getline(&line, &cap, f) >= 0) {
		n++;
		line[strcspn(line, "\n")] = 0;
		enum set_result r = parse_line(c, line, subst, nsubst, lwhy);
		if (r == SET_OK)
			continue;
		if (r == SET_NOMEM)
			say(why, "out of memory");
		else
			say(why, "line %ld: %s", n, lwhy);
		rc = -1;
		break;
	}
	if (!rc && ferror(f)) {
		say(why, "cannot read: %s", strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	if (!rc)
		rc = check_whole(c, why);
	if (rc)
		case_free(c);
	return rc;
}

void case_free(struct case_file *c)
{
	free_tasks(c);
	free(c->append);
	free(c->command);
	free(c->skip);
	free(c->qemu_cpu);
	free(c->skip_rig);
	free(c->cpus);
	free(c->status);
	free(c->timeout);
	for (size_t i = 0; i < c->nconds; i++) {
		for (int k = 0; k < 2; k++) {
			if (c->conds[i].text[k]) {
				regfree(&c->conds[i].re[k]);
				free(c->conds[i].text[k]);
			}
		}
	}
	free(c->conds);
	*c = (struct case_file){.kind = c->kind, .lines = -1};
}
