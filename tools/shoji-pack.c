/* shoji-pack: task specs to an initrd (cpio newc) and a kernel command line, as shoji packs. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/elf_load.h"
#include "vmm/hostfile.h"
#include "vmm/initrd.h"

/*
 * usage: build/shoji-pack --initrd FILE [--cmdline FILE] [--append STR]
 *                         [--kernel FILE] [--file HOSTPATH]... TASKSPEC...
 *
 * The same packing as `shoji run` (vmm/initrd.c, the rules of
 * loader/format/taskspec.c and elf_task.c): each TASKSPEC,
 * HOSTPATH[:MODE[@CPU][:ARG...]], puts HOSTPATH into the initrd under its task
 * name (its base name without ".elf") and one task=NAME[:MODE[@CPU][:ARG...]]
 * token on the command line, in order; then the --append string.  A
 * --file HOSTPATH is packed the same way, checked the same way, but gets
 * no token (a command line given whole with --append names it); the
 * --file files go into the initrd first.  Every task file is checked as
 * shoji checks it (task_image_check) before anything is written.
 *
 * --kernel FILE is checked as shoji checks its kernel (elf_judge: libelf
 * reads it, loader/format/kernel_elf.c's rules judge it), so QEMU's PVH
 * path and the UEFI image refuse the kernels shoji refuses, with the same
 * reason ("shoji-pack: kernel FILE: REASON").  Where shoji then places the
 * segments in its guest RAM is shoji's own business, not checked here.
 *
 * --initrd FILE receives the archive; --cmdline FILE the command line and
 * a newline ("-", the default, is stdout).
 *
 * Exit status: 0; 2 for a usage error or a refused input (a bad spec, a
 * missing file, a kernel or task image the rules refuse, two files with one name,
 * a command line over 4095 bytes), with one "shoji-pack: " line on
 * stderr; 1 when an output cannot be written.
 *
 * tools/qemu-run, tools/esp-run and loader/uefi/mkesp call it.
 */

#define STATUS_REFUSED 2
#define STATUS_OUTPUT 1

struct pack_opts {
	const char *initrd;
	const char *cmdline;
	const char *append;
	const char *kernel;
	char **files; /* --file arguments */
	int nfiles;
	char **specs;
	int nspecs;
};

static void usage(FILE *f)
{
	fputs("usage: shoji-pack --initrd FILE [--cmdline FILE] [--append STR] [--kernel FILE] "
	      "[--file HOSTPATH]... "
	      "HOSTPATH[:MODE[@CPU][:ARG...]]...\n",
	      f);
}

/* Returns 0, or the exit status of a usage error (after the message). */
static int parse_args(int argc, char **argv, struct pack_opts *o)
{
	static const struct option longopts[] = {
	    {"initrd", required_argument, NULL, 'o'},
	    {"cmdline", required_argument, NULL, 'c'},
	    {"append", required_argument, NULL, 'a'},
	    {"file", required_argument, NULL, 'f'},
	    {"kernel", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	*o = (struct pack_opts){.cmdline = "-"};
	o->files = calloc((size_t)argc, sizeof(*o->files));
	if (!o->files) {
		fputs("shoji-pack: out of memory\n", stderr);
		return STATUS_OUTPUT;
	}
	while ((opt = getopt_long(argc, argv, "+o:c:a:k:f:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			o->initrd = optarg;
			break;
		case 'c':
			o->cmdline = optarg;
			break;
		case 'a':
			o->append = optarg;
			break;
		case 'k':
			o->kernel = optarg;
			break;
		case 'f':
			o->files[o->nfiles++] = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return STATUS_REFUSED;
		}
	}
	if (!o->initrd) {
		fputs("shoji-pack: --initrd FILE is required\n", stderr);
		usage(stderr);
		return STATUS_REFUSED;
	}
	o->specs = argv + optind;
	o->nspecs = argc - optind;
	return 0;
}

/* Writes @len bytes of @buf to @path ("-": stdout). */
static int write_out(const char *path, const void *buf, size_t len)
{
	bool std = strcmp(path, "-") == 0;
	FILE *f = std ? stdout : fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || (std ? fflush(f) : fclose(f))) {
		fprintf(stderr, "shoji-pack: cannot write %s: %s\n", path, strerror(errno));
		return STATUS_OUTPUT;
	}
	return 0;
}

/* The kernel, judged as shoji judges it before it touches KVM (vmm/boot.c). */
static int check_kernel(const char *path)
{
	struct kernel_elf k;
	const char *why = "";
	void *file = NULL;
	size_t size;

	int rc = hostfile_read(path, KERNEL_FILE_MAX, &file, &size);
	if (rc) {
		fprintf(stderr, "shoji-pack: kernel %s: %s\n", path, strerror(-rc));
		return STATUS_REFUSED;
	}
	rc = elf_judge(file, size, &k, &why);
	free(file);
	if (rc) {
		fprintf(stderr, "shoji-pack: kernel %s: %s\n", path, why);
		return STATUS_REFUSED;
	}
	return 0;
}

/* Every file and spec into @p, then the append string. */
static int pack_all(const struct pack_opts *o, struct initrd_pack *p)
{
	char err[600];
	int rc = 0;

	for (int i = 0; i < o->nfiles && !rc; i++)
		rc = initrd_pack_spec(p, o->files[i], false, err, sizeof(err));
	for (int i = 0; i < o->nspecs && !rc; i++)
		rc = initrd_pack_spec(p, o->specs[i], true, err, sizeof(err));
	if (!rc)
		rc = initrd_pack_finish(p, o->append, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "shoji-pack: %s\n", err);
		return rc == -ENOMEM ? STATUS_OUTPUT : STATUS_REFUSED;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct initrd_pack p;
	struct pack_opts o;
	char line[SHOJI_CMDLINE_MAX + 1];

	int status = parse_args(argc, argv, &o);
	initrd_pack_init(&p);
	if (!status)
		status = pack_all(&o, &p);
	if (!status && o.kernel)
		status = check_kernel(o.kernel);
	if (!status)
		status = write_out(o.initrd, p.w.buf, p.w.len);
	if (!status) {
		int n = snprintf(line, sizeof(line), "%s\n", p.cmdline);
		status = write_out(o.cmdline, line, (size_t)n);
	}
	initrd_pack_free(&p);
	free(o.files);
	return status;
}
