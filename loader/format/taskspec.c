/* Task specs: HOSTPATH[:MODE[:ARG...]] to task name and command-line token; the duplicate rule. */
#include "format.h"

/*
 * Freestanding: no library calls, no state.  Every length is counted
 * against its limit before anything is copied.
 */

#define ELF_SUFFIX ".elf"
#define ELF_SUFFIX_LEN 4
#define TASK_TOKEN "task="

_Static_assert(SHOJI_CMDLINE_MAX == 4096, "the reasons below say 4095 bytes");
_Static_assert(SHOJI_TASK_NAME_MAX == 32, "the reasons below say 31 bytes");

/* The kernel splits its command line on these (guest/core/cmdline.c),
 * the C locale's isspace() set. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static size_t cstr_len(const char *s)
{
	size_t n = 0;
	while (s[n] != '\0')
		n++;
	return n;
}

static bool cstr_equal(const char *a, const char *b)
{
	size_t i = 0;
	for (; a[i] != '\0' && a[i] == b[i]; i++)
		;
	return a[i] == b[i];
}

/* The UEFI loader's shoji.cfg holds no control character but tab
 * (loader/uefi/config.c), so no path may put one on the command line. */
static bool is_control(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

/* White space anywhere in the spec would split its token in two; any
 * other control character only one boot path could carry. */
static int check_chars(const char *spec, const char **why)
{
	for (const char *c = spec; *c; c++) {
		if (is_space(*c)) {
			*why = "contains white space (the kernel command line splits on it)";
			return -SHOJI_EINVAL;
		}
		if (is_control(*c)) {
			*why = "contains a control character (the UEFI loader's shoji.cfg "
			       "refuses it)";
			return -SHOJI_EINVAL;
		}
	}
	return 0;
}

/* HOSTPATH runs up to the first ':'. */
static int split_path(const char *spec, struct taskspec *out, const char **why)
{
	size_t n = 0;
	while (spec[n] != '\0' && spec[n] != ':')
		n++;
	if (n == 0) {
		*why = "has no file";
		return -SHOJI_EINVAL;
	}
	if (n >= TASKSPEC_PATH_MAX) {
		*why = "file name too long";
		return -SHOJI_EINVAL;
	}
	out->path = spec;
	out->path_len = n;
	out->rest = spec + n;
	return 0;
}

/* The task name: the base name of HOSTPATH without a trailing ".elf". */
static int take_name(struct taskspec *out, const char **why)
{
	size_t start = out->path_len;
	while (start > 0 && out->path[start - 1] != '/')
		start--;
	const char *base = out->path + start;
	size_t n = out->path_len - start;
	if (n >= ELF_SUFFIX_LEN) {
		const char *tail = base + n - ELF_SUFFIX_LEN;
		bool suffix = true;
		for (unsigned i = 0; i < ELF_SUFFIX_LEN; i++)
			suffix = suffix && tail[i] == ELF_SUFFIX[i];
		if (suffix)
			n -= ELF_SUFFIX_LEN;
	}
	if (n == 0) {
		*why = "gives an empty task name";
		return -SHOJI_EINVAL;
	}
	if (n >= SHOJI_TASK_NAME_MAX) {
		*why = "task name is longer than 31 bytes";
		return -SHOJI_EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		out->name[i] = base[i];
	out->name[n] = '\0';
	return 0;
}

/* Names the initrd cannot hold, or the kernel would misread. */
static int check_name(const char *name, const char **why)
{
	if (cstr_equal(name, ".") || cstr_equal(name, "..")) {
		*why = "task name is \".\" or \"..\"";
		return -SHOJI_EINVAL;
	}
	if (cstr_equal(name, CPIO_TRAILER)) {
		*why = "task name TRAILER!!! is reserved (it ends a cpio archive)";
		return -SHOJI_EINVAL;
	}
	/* task=2*x starts two copies of x (guest/core/cmdline.c). */
	size_t digits = 0;
	while (name[digits] >= '0' && name[digits] <= '9')
		digits++;
	if (digits > 0 && name[digits] == '*') {
		*why = "task name starts with a copy count (digits then '*')";
		return -SHOJI_EINVAL;
	}
	return 0;
}

int taskspec_parse(const char *spec, struct taskspec *out, const char **why)
{
	int r = check_chars(spec, why);
	if (r == 0)
		r = split_path(spec, out, why);
	if (r == 0)
		r = take_name(out, why);
	if (r == 0)
		r = check_name(out->name, why);
	if (r == 0)
		r = task_token_check_tail(out->rest, &out->mode, &out->cpu, why);
	return r;
}

int taskspec_dedup(const struct taskspec_file *packed, unsigned n, const char *name, const char *id,
		   unsigned *clash, const char **why)
{
	for (unsigned i = 0; i < n; i++) {
		if (!cstr_equal(packed[i].name, name))
			continue;
		if (cstr_equal(packed[i].id, id))
			return 1;
		*clash = i;
		*why = "two task files with one name";
		return -SHOJI_EINVAL;
	}
	return 0;
}

void cmdline_init(struct cmdline_buf *c, char *s, size_t cap)
{
	c->s = s;
	c->len = 0;
	c->cap = cap < SHOJI_CMDLINE_MAX ? cap : SHOJI_CMDLINE_MAX;
	s[0] = '\0';
}

/* Appends the pieces @p[0..n) as one token; all or nothing. */
static int add_token(struct cmdline_buf *c, const char *const *p, unsigned n, const char **why)
{
	size_t need = c->len ? 1 : 0;
	for (unsigned i = 0; i < n; i++) {
		size_t l = cstr_len(p[i]);
		if (l >= c->cap) /* keeps the sum below SIZE_MAX */
			goto too_long;
		need += l;
	}
	if (need >= c->cap - c->len) /* the NUL needs a byte too */
		goto too_long;
	if (need == 0)
		return 0;
	if (c->len)
		c->s[c->len++] = ' ';
	for (unsigned i = 0; i < n; i++)
		for (const char *q = p[i]; *q; q++)
			c->s[c->len++] = *q;
	c->s[c->len] = '\0';
	return 0;
too_long:
	*why = "kernel command line too long (at most 4095 bytes)";
	return -SHOJI_EINVAL;
}

int cmdline_add_task(struct cmdline_buf *c, const struct taskspec *t, const char **why)
{
	const char *p[] = {TASK_TOKEN, t->name, t->rest};
	return add_token(c, p, 3, why);
}

int cmdline_check_text(const char *s, const char **why)
{
	for (; *s; s++) {
		if (is_control(*s) && *s != '\t') {
			*why = "contains a control character other than tab (the UEFI loader's "
			       "shoji.cfg refuses it)";
			return -SHOJI_EINVAL;
		}
	}
	return 0;
}

int cmdline_append(struct cmdline_buf *c, const char *s, const char **why)
{
	if (cmdline_check_text(s, why))
		return -SHOJI_EINVAL;
	if (s[0] == '\0')
		return 0;
	return add_token(c, &s, 1, why);
}
