/* Task specs to initrd and kernel command line, as tools/qemu-run packs them. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vmm.h"

static int __attribute__((format(printf, 4, 5)))
fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

int taskspec_parse(const char *spec, struct taskspec *out, char *err, size_t errlen)
{
	for (const char *c = spec; *c; c++)
		if (isspace((unsigned char)*c))
			return fail(-EINVAL, err, errlen,
				    "task spec '%s' contains white space (the kernel command line "
				    "splits on it)",
				    spec);
	size_t plen = strcspn(spec, ":");
	if (plen == 0)
		return fail(-EINVAL, err, errlen, "task spec '%s' has no file", spec);
	if (plen >= sizeof(out->path))
		return fail(-EINVAL, err, errlen, "task spec '%.40s...': file name too long", spec);
	memcpy(out->path, spec, plen);
	out->path[plen] = 0;
	out->rest = spec + plen;

	const char *base = strrchr(out->path, '/');
	base = base ? base + 1 : out->path;
	size_t nlen = strlen(base);
	if (nlen >= 4 && !strcmp(base + nlen - 4, ".elf"))
		nlen -= 4;
	if (nlen == 0)
		return fail(-EINVAL, err, errlen, "task file %s gives an empty task name",
			    out->path);
	if (nlen >= SHOJI_TASK_NAME_MAX)
		return fail(-EINVAL, err, errlen,
			    "task file %s: task name '%.*s' is longer than %d bytes", out->path,
			    (int)nlen, base, SHOJI_TASK_NAME_MAX - 1);
	memcpy(out->name, base, nlen);
	out->name[nlen] = 0;

	/* The mode and arguments go to the kernel as written: it is the one
	 * authority on them, so shoji and QEMU refuse a bad spec alike. */
	return 0;
}

/* The command line being written: @len bytes used of @room (the NUL included). */
struct cmdbuf {
	char *s;
	size_t len, room;
};

/* Appends a token made of @a @b @c, after a space unless it is the first. */
static int cmdline_add(struct cmdbuf *c, const char *a, const char *b, const char *d)
{
	size_t add = (c->len ? 1 : 0) + strlen(a) + strlen(b) + strlen(d);
	if (add >= c->room - c->len) /* the NUL needs a byte too */
		return -E2BIG;
	c->len += (size_t)snprintf(c->s + c->len, c->room - c->len, "%s%s%s%s", c->len ? " " : "",
				   a, b, d);
	return 0;
}

struct packed {
	char name[SHOJI_TASK_NAME_MAX];
	char real[PATH_MAX];
};

/* Packs the file of @t unless a file of that name is already in. */
static int pack_one(const struct taskspec *t, struct packed *done, unsigned *ndone,
		    struct cpio_writer *w, char *err, size_t errlen)
{
	char real[PATH_MAX];
	struct stat st;
	void *data = NULL;
	size_t size;
	const char *why;

	if (stat(t->path, &st) || !realpath(t->path, real)) {
		if (errno == ENOENT)
			return fail(-ENOENT, err, errlen, "task file %s not found", t->path);
		return fail(-errno, err, errlen, "task file %s: %s", t->path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return fail(-EINVAL, err, errlen, "task file %s is not a regular file", t->path);
	for (unsigned i = 0; i < *ndone; i++) {
		if (strcmp(done[i].name, t->name))
			continue;
		if (!strcmp(done[i].real, real))
			return 0; /* the same file again: packed once */
		return fail(-EINVAL, err, errlen, "two task files named %s: %s and %s", t->name,
			    done[i].real, real);
	}
	int rc = hostfile_read(t->path, 0xffffffffu, &data, &size);
	if (rc)
		return fail(rc, err, errlen, "task file %s: %s", t->path, strerror(-rc));
	rc = cpio_writer_add(w, t->name, data, size, &why);
	free(data);
	if (rc)
		return fail(rc == -SHOJI_ENOMEM ? -ENOMEM : -EINVAL, err, errlen,
			    "task file %s: cannot pack it as '%s': %s", t->path, t->name, why);
	snprintf(done[*ndone].name, sizeof(done[*ndone].name), "%s", t->name);
	memcpy(done[*ndone].real, real, sizeof(real));
	(*ndone)++;
	return 0;
}

int initrd_from_specs(char *const specs[], int n, const char *append, struct cpio_writer *w,
		      char *cmdline, size_t cap, char *err, size_t errlen)
{
	struct taskspec t;
	struct packed *done = NULL;
	unsigned ndone = 0;
	struct cmdbuf c = {cmdline, 0, cap < SHOJI_CMDLINE_MAX ? cap : SHOJI_CMDLINE_MAX};
	const char *why;
	int rc = 0;

	cmdline[0] = 0;
	if (n > 0 && !(done = calloc((size_t)n, sizeof(*done))))
		return fail(-ENOMEM, err, errlen, "out of memory packing the initrd");
	for (int i = 0; i < n; i++) {
		rc = taskspec_parse(specs[i], &t, err, errlen);
		if (rc)
			goto out;
		rc = pack_one(&t, done, &ndone, w, err, errlen);
		if (rc)
			goto out;
		if (cmdline_add(&c, "task=", t.name, t.rest)) {
			rc = fail(
			    -E2BIG, err, errlen,
			    "kernel command line too long at task spec '%s' (at most %d bytes)",
			    specs[i], SHOJI_CMDLINE_MAX - 1);
			goto out;
		}
	}
	if (append && *append && cmdline_add(&c, append, "", "")) {
		rc = fail(-E2BIG, err, errlen,
			  "kernel command line too long with --append (at most %d bytes)",
			  SHOJI_CMDLINE_MAX - 1);
		goto out;
	}
	rc = cpio_writer_finish(w, &why);
	if (rc)
		rc = fail(-ENOMEM, err, errlen, "packing the initrd: %s", why);
out:
	free(done);
	return rc;
}
