/* libFuzzer target: task specs to initrd and command line (vmm/initrd.c, taskspec.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cmdline.h"
#include "tests/conformance/task/images.h"
#include "vmm/initrd.h"

/*
 * The input: the first line is the --append string, each further line a
 * TASKSPEC (at most MAX_SPECS), relative to a scratch folder holding
 * a.elf, b (valid images), sub/a.elf (another valid image: the same task
 * name, another file), bad.elf (a refused image) and the folder sub.
 * Nothing may crash; and when the packing succeeds, what it wrote must
 * read back: cpio_find finds every spec's task name with that file's
 * size, the archive holds each name once, and the command line is the
 * task=NAME[:MODE[@CPU][:ARG...]] tokens, in order, then the append
 * string, as computed here independently.  And for every spec, packed or
 * not, the host's rule for its tail (task_token_check_tail) and the
 * kernel's parser (cmdline_parse, on task=t and the tail) give one
 * verdict, and when both accept, one mode and one CPU pin.
 */

#define MAX_SPECS 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put(const char *path, const char *corpus_name)
{
	static struct corpus_image m;
	for (unsigned c = 0; c < corpus_ncases; c++)
		if (!strcmp(corpus_cases[c].name, corpus_name))
			corpus_cases[c].make(&m);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(m.buf, 1, m.size, f) != m.size || fclose(f))
		abort();
}

/* The scratch folder, and the folder to come back to: libFuzzer reads
 * its corpus and writes crash inputs relative to it. */
static char dir[] = "/tmp/fuzz_taskspec.XXXXXX";
static int home = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	home = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (home < 0 || !mkdtemp(dir) || chdir(dir) || mkdir("sub", 0755))
		abort();
	put("a.elf", "valid");
	put("b", "no-dynamic");
	put("sub/a.elf", "span-max");
	put("bad.elf", "too-large");
	if (fchdir(home))
		abort();
	return 0;
}

/* The task name and the tail of @spec, computed without the library. */
static void split(const char *spec, char *name, size_t cap, const char **rest)
{
	const char *colon = strchr(spec, ':');
	size_t plen = colon ? (size_t)(colon - spec) : strlen(spec);
	const char *base = spec;
	for (size_t i = 0; i < plen; i++)
		if (spec[i] == '/')
			base = spec + i + 1;
	size_t n = (size_t)(spec + plen - base);
	if (n >= 4 && !memcmp(base + n - 4, ".elf", 4))
		n -= 4;
	snprintf(name, cap, "%.*s", (int)n, base);
	*rest = spec + plen;
}

/* What a successful packing must read back as. */
static void check(char **specs, int n, const char *append, const struct cpio_writer *w,
		  const char *cmdline)
{
	static char want[2 * SHOJI_CMDLINE_MAX];
	size_t len = 0;
	unsigned names = 0;
	for (int i = 0; i < n; i++) {
		char name[SHOJI_TASK_NAME_MAX + 8];
		const char *rest, *why;
		struct cpio_entry e;
		struct stat st;
		split(specs[i], name, sizeof(name), &rest);
		len += (size_t)snprintf(want + len, sizeof(want) - len, "%stask=%s%s",
					len ? " " : "", name, rest);
		if (cpio_find(w->buf, w->len, name, &e, &why) != 0)
			__builtin_trap(); /* a started task missing from the initrd */
		char path[TASKSPEC_PATH_MAX + sizeof(dir)];
		snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(rest - specs[i]), specs[i]);
		if (stat(path, &st) || (size_t)st.st_size != e.size)
			__builtin_trap(); /* another file's bytes under that name */
	}
	if (*append)
		snprintf(want + len, sizeof(want) - len, "%s%s", len ? " " : "", append);
	if (strcmp(want, cmdline))
		__builtin_trap(); /* the command line is not the tokens */
	size_t off = 0;
	struct cpio_entry e, f;
	const char *why;
	while (cpio_next(w->buf, w->len, &off, &e, &why) == 1) {
		names++;
		if (cpio_find(w->buf, w->len, e.name, &f, &why) != 0 || f.data != e.data)
			__builtin_trap(); /* a name twice */
	}
	if (names > (unsigned)n)
		__builtin_trap();
}

/* The host and the kernel judge the tail of @spec alike. */
static void check_tail(const char *spec)
{
	static char line[SHOJI_CMDLINE_MAX];
	static struct task_spec task;
	const char *rest = strchr(spec, ':'), *why;
	int mode, cpu;
	char err[300];

	/* The kernel splits its command line at these; the host refuses them. */
	if (!rest || strpbrk(rest, " \t") ||
	    (size_t)snprintf(line, sizeof(line), "task=t%s", rest) >= sizeof(line))
		return;
	bool host_ok = task_token_check_tail(rest, &mode, &cpu, &why) == 0;
	struct boot_options opt = {.tasks = &task, .max_tasks = 1};
	bool kernel_ok = cmdline_parse(line, &opt, err, sizeof(err)) == 0;
	if (host_ok != kernel_ok)
		__builtin_trap(); /* one side refuses what the other takes */
	if (host_ok && ((int)task.mode != mode || task.cpu != cpu))
		__builtin_trap(); /* another mode or pin */
}

/* Only the scratch folder: no absolute paths, no way up out of it. */
static bool confined(const char *spec)
{
	return spec[0] != '/' && strncmp(spec, "..", 2) && !strstr(spec, "/../..") &&
	       !strstr(spec, "a/..") && !strstr(spec, "b/..");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[1 << 16];
	static char cmdline[SHOJI_CMDLINE_MAX], err[600];
	char *specs[MAX_SPECS];
	int n = 0;

	if (size >= sizeof(buf) || memchr(data, 0, size))
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *append = buf, *nl = strchr(buf, '\n');
	while (nl && n < MAX_SPECS) {
		*nl = '\0';
		specs[n] = nl + 1;
		if (!confined(specs[n]))
			return 0;
		n++;
		nl = strchr(nl + 1, '\n');
	}
	if (nl)
		return 0;
	for (int i = 0; i < n; i++)
		check_tail(specs[i]);

	struct cpio_writer w;
	cpio_writer_init(&w);
	if (chdir(dir))
		abort();
	int rc =
	    initrd_from_specs(specs, n, append, &w, cmdline, sizeof(cmdline), err, sizeof(err));
	if (fchdir(home))
		abort();
	if (rc == 0)
		check(specs, n, append, &w, cmdline);
	else if (!err[0])
		__builtin_trap(); /* a refusal without a message */
	cpio_writer_free(&w);
	return 0;
}
