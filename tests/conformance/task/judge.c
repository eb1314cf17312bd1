/* task-judge: writes the task-image corpus; judges images, specs and kernel command lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/layout.h"
#include "core/cmdline.h"
#include "images.h"
#include "vmm/hostfile.h"
#include "vmm/initrd.h"

/*
 * usage: task-judge gen DIR             write the corpus images into DIR
 *        task-judge guest FILE...       the guest kernel's parser
 *        task-judge shoji FILE...       shoji's host check (libelf + rules)
 *        task-judge specs APPEND SPEC... shoji's packing (vmm/initrd.c)
 *        task-judge kernel LINE         the kernel's command-line parser
 *
 * guest and shoji print one line a file: "accepted" or "refused: REASON".
 * specs prints "cmdline: LINE" and "initrd: NAME..." (the archive read
 * back with cpio_next), or "error: MESSAGE".  kernel prints "tasks: " and
 * each task as "NAME MODE[@CPU] 'ARG'...", " | " between them, or
 * "refused: MESSAGE" (guest/core/cmdline.c's).  Exit status 0, or 2 for a
 * usage error or a file that cannot be read or written.
 * tests/conformance/task/run compares these with build/shoji-pack and
 * with tests/conformance/task/expect.
 */

/* The guest loads a task with elf_task_parse(file, size, SLOT_IMAGE_MAX),
 * then elf_task_note_check (guest/core/task_load.c, which asserts the
 * bound too); the host checks against ELF_TASK_SPAN_MAX. */
_Static_assert(SLOT_IMAGE_MAX == ELF_TASK_SPAN_MAX, "host and guest allow the same span");

#define FILE_MAX (16u << 20)

static int gen(const char *dir)
{
	static struct corpus_image m;
	char path[4096];
	for (unsigned i = 0; i < corpus_ncases; i++) {
		corpus_cases[i].make(&m);
		snprintf(path, sizeof(path), "%s/%s", dir, corpus_cases[i].name);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(m.buf, 1, m.size, f) != m.size || fclose(f)) {
			fprintf(stderr, "task-judge: cannot write %s: %s\n", path, strerror(errno));
			return 2;
		}
	}
	return 0;
}

static int judge(bool guest, char **files, int n)
{
	for (int i = 0; i < n; i++) {
		void *data;
		size_t size;
		const char *why;
		char reason[200];
		struct elf_task t;
		int rc = hostfile_read(files[i], FILE_MAX, &data, &size);
		if (rc) {
			fprintf(stderr, "task-judge: %s: %s\n", files[i], strerror(-rc));
			return 2;
		}
		static char note_why[ELF_TASK_NOTE_WHY_MAX];
		if (guest) { /* guest/core/task_load.c's two checks */
			rc = elf_task_parse(data, size, SLOT_IMAGE_MAX, &t, &why);
			if (rc)
				task_image_reason(&t, SLOT_IMAGE_MAX, why, reason, sizeof(reason));
			else if ((rc = elf_task_note_check(&t, note_why, &why)))
				snprintf(reason, sizeof(reason), "%s", why);
		} else {
			rc = task_image_check(data, size, &t, reason, sizeof(reason));
		}
		if (rc)
			printf("refused: %s\n", reason);
		else
			printf("accepted\n");
		free(data);
	}
	return 0;
}

static int specs(const char *append, char **spec, int n)
{
	struct cpio_writer w;
	static char cmdline[SHOJI_CMDLINE_MAX];
	char err[600];
	struct cpio_entry e;
	const char *why;
	size_t off = 0;

	cpio_writer_init(&w);
	if (initrd_from_specs(spec, n, append, &w, cmdline, sizeof(cmdline), err, sizeof(err))) {
		printf("error: %s\n", err);
		cpio_writer_free(&w);
		return 0;
	}
	printf("cmdline: %s\ninitrd:", cmdline);
	while (cpio_next(w.buf, w.len, &off, &e, &why) == 1)
		printf(" %s", e.name);
	printf("\n");
	cpio_writer_free(&w);
	return 0;
}

/* Room for every case's tasks; the kernel's own limit is guest/core/main.c's. */
#define KERNEL_TASKS 64

static int kernel(const char *line)
{
	static char buf[SHOJI_CMDLINE_MAX];
	static struct task_spec tasks[KERNEL_TASKS];
	struct boot_options opt = {.tasks = tasks, .max_tasks = KERNEL_TASKS};
	char err[300];

	if (strlen(line) >= sizeof(buf)) {
		fprintf(stderr, "task-judge: a command line of %zu bytes or more\n", sizeof(buf));
		return 2;
	}
	strcpy(buf, line);
	if (cmdline_parse(buf, &opt, err, sizeof(err))) {
		printf("refused: %s\n", err);
		return 0;
	}
	printf("tasks:");
	for (unsigned i = 0; i < opt.ntasks; i++) {
		const struct task_spec *t = &tasks[i];
		printf("%s %s", i ? " |" : "", t->name);
		printf(" %s", task_mode_name(t->mode));
		if (t->cpu != TASK_CPU_ANY)
			printf("@%d", t->cpu);
		for (int a = 1; a < t->argc; a++)
			printf(" '%s'", t->argv[a]); /* quoted: an ARG may be empty */
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "gen"))
		return gen(argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "guest"))
		return judge(true, argv + 2, argc - 2);
	if (argc >= 2 && !strcmp(argv[1], "shoji"))
		return judge(false, argv + 2, argc - 2);
	if (argc >= 3 && !strcmp(argv[1], "specs"))
		return specs(argv[2], argv + 3, argc - 3);
	if (argc == 3 && !strcmp(argv[1], "kernel"))
		return kernel(argv[2]);
	fputs("usage: task-judge gen DIR | guest FILE... | shoji FILE... | specs APPEND SPEC... | "
	      "kernel LINE\n",
	      stderr);
	return 2;
}
