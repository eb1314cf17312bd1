/* Task specs to initrd and command line on the host: files, real paths, messages around rules. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hostfile.h"
#include "initrd.h"

/* A cpio newc entry holds at most 4 GiB - 1 (8 hex digits). */
#define TASK_FILE_MAX 0xffffffffu
/* How much of a spec a message quotes. */
#define SPEC_QUOTE 100

static int __attribute__((format(printf, 4, 5)))
fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

void initrd_pack_init(struct initrd_pack *p)
{
	cpio_writer_init(&p->w);
	p->files = NULL;
	p->nfiles = p->cap = 0;
	cmdline_init(&p->cmd, p->cmdline, sizeof(p->cmdline));
}

void initrd_pack_free(struct initrd_pack *p)
{
	cpio_writer_free(&p->w);
	for (unsigned i = 0; i < p->nfiles; i++) {
		free((char *)p->files[i].name);
		free((char *)p->files[i].id);
	}
	free(p->files);
	p->files = NULL;
	p->nfiles = p->cap = 0;
}

/* Remembers a packed file (name and real path) for the duplicate rule. */
static int remember(struct initrd_pack *p, const char *name, const char *real)
{
	if (p->nfiles == p->cap) {
		unsigned cap = p->cap ? p->cap * 2 : 8;
		struct taskspec_file *f = realloc(p->files, cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		p->files = f;
		p->cap = cap;
	}
	char *n = strdup(name), *r = strdup(real);
	if (!n || !r) {
		free(n);
		free(r);
		return -ENOMEM;
	}
	p->files[p->nfiles++] = (struct taskspec_file){n, r};
	return 0;
}

/* Reads, checks and packs @path as @name: a task file the rules refuse
 * never reaches the initrd. */
static int pack_file(struct initrd_pack *p, const char *path, const char *name, const char *real,
		     char *err, size_t errlen)
{
	void *data = NULL;
	size_t size;
	const char *why;
	struct elf_task img;
	char reason[200];

	int rc = hostfile_read(path, TASK_FILE_MAX, &data, &size);
	if (rc)
		return fail(rc, err, errlen, "task file %s: %s", path, strerror(-rc));
	if (task_image_check(data, size, &img, reason, sizeof(reason))) {
		free(data);
		return fail(-EINVAL, err, errlen, "task file %s: %s", path, reason);
	}
	rc = cpio_writer_add(&p->w, name, data, size, &why);
	free(data);
	if (rc)
		return fail(rc == -SHOJI_ENOMEM ? -ENOMEM : -EINVAL, err, errlen,
			    "task file %s: cannot pack it as '%s': %s", path, name, why);
	if (remember(p, name, real))
		return fail(-ENOMEM, err, errlen, "out of memory packing the initrd");
	return 0;
}

/* The file of @t, unless the same real file is packed under its name. */
static int pack_once(struct initrd_pack *p, const struct taskspec *t, char *err, size_t errlen)
{
	char path[TASKSPEC_PATH_MAX], real[PATH_MAX];
	struct stat st;
	unsigned clash;
	const char *why;

	memcpy(path, t->path, t->path_len);
	path[t->path_len] = '\0';
	if (stat(path, &st) || !realpath(path, real)) {
		if (errno == ENOENT)
			return fail(-ENOENT, err, errlen, "task file %s not found", path);
		return fail(-errno, err, errlen, "task file %s: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return fail(-EINVAL, err, errlen, "task file %s is not a regular file", path);
	int r = taskspec_dedup(p->files, p->nfiles, t->name, real, &clash, &why);
	if (r < 0)
		return fail(-EINVAL, err, errlen, "two task files named %s: %s and %s", t->name,
			    p->files[clash].id, real);
	if (r == 1)
		return 0; /* the same file again: packed once */
	return pack_file(p, path, t->name, real, err, errlen);
}

int initrd_pack_spec(struct initrd_pack *p, const char *spec, bool start, char *err, size_t errlen)
{
	struct taskspec t;
	const char *why;
	const char *dots = strlen(spec) > SPEC_QUOTE ? "..." : "";

	if (taskspec_parse(spec, &t, &why))
		return fail(-EINVAL, err, errlen, "task spec '%.*s%s': %s", SPEC_QUOTE, spec, dots,
			    why);
	if (!start && t.rest[0] != '\0')
		return fail(-EINVAL, err, errlen,
			    "task file '%.*s%s': a file to pack only takes no mode or arguments",
			    SPEC_QUOTE, spec, dots);
	int rc = pack_once(p, &t, err, errlen);
	if (rc)
		return rc;
	if (start && cmdline_add_task(&p->cmd, &t, &why))
		return fail(-E2BIG, err, errlen,
			    "kernel command line too long at task spec '%.*s%s' (at most %d bytes)",
			    SPEC_QUOTE, spec, dots, SHOJI_CMDLINE_MAX - 1);
	return 0;
}

int initrd_pack_finish(struct initrd_pack *p, const char *append, char *err, size_t errlen)
{
	const char *why;

	if (append && cmdline_check_text(append, &why))
		return fail(-EINVAL, err, errlen, "--append '%.*s%s': %s", SPEC_QUOTE, append,
			    strlen(append) > SPEC_QUOTE ? "..." : "", why);
	if (append && cmdline_append(&p->cmd, append, &why))
		return fail(-E2BIG, err, errlen,
			    "kernel command line too long with --append (at most %d bytes)",
			    SHOJI_CMDLINE_MAX - 1);
	if (cpio_writer_finish(&p->w, &why))
		return fail(-ENOMEM, err, errlen, "packing the initrd: %s", why);
	return 0;
}

int initrd_from_specs(char *const specs[], int n, const char *append, struct cpio_writer *w,
		      char *cmdline, size_t cap, char *err, size_t errlen)
{
	struct initrd_pack p;
	int rc = 0;

	initrd_pack_init(&p);
	if (cap < sizeof(p.cmdline))
		cmdline_init(&p.cmd, p.cmdline, cap);
	for (int i = 0; i < n && !rc; i++)
		rc = initrd_pack_spec(&p, specs[i], true, err, errlen);
	if (!rc)
		rc = initrd_pack_finish(&p, append, err, errlen);
	snprintf(cmdline, cap, "%s", rc ? "" : p.cmdline);
	cpio_writer_free(w);
	*w = p.w; /* the archive is the caller's now */
	cpio_writer_init(&p.w);
	initrd_pack_free(&p);
	return rc;
}
