/* results-json: a guest console's RESULT lines to a JSON array file, by shoji's own console code.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/console.h"

/*
 * usage: results-json --check PROG FILE
 *        results-json PROG CONSOLE FILE
 *
 * For tools/qemu-run and tools/esp-run, whose --json must be shoji run's.
 * --check: can FILE be written (not a directory, its folder exists and is
 * writable)?  The boot scripts ask before they boot, so a bad --json is a
 * usage error (status 2, "PROG: --json FILE: ..."), as it is for shoji.
 *
 * Otherwise CONSOLE (the guest's console as captured) goes through
 * vmm/console.c exactly as a guest's bytes do under shoji run --json: the
 * same rules for a result (vmm/json_check.c), the same array, the same
 * complaints and count of dropped lines on stderr, named PROG instead of
 * shoji.  FILE is written completely or not at all: a temporary file
 * beside it, renamed over it at the end.
 * Exit status: 0; 2 on a usage error, a console that cannot be read or a
 * FILE that cannot be written.
 */

static int usage(void)
{
	fputs("usage: results-json --check PROG FILE\n"
	      "       results-json PROG CONSOLE FILE\n",
	      stderr);
	return 2;
}

/* FILE's folder, into @dir (PATH_MAX bytes at least). */
static void folder_of(const char *file, char *dir, size_t cap)
{
	char copy[4096];
	snprintf(copy, sizeof(copy), "%s", file);
	snprintf(dir, cap, "%s", dirname(copy));
}

/* May FILE be created or replaced?  0, or 2 having said why. */
static int writable(const char *prog, const char *file)
{
	char dir[4096];
	struct stat st;

	if (strlen(file) >= sizeof(dir) - 32) {
		fprintf(stderr, "%s: --json %s: file name too long\n", prog, file);
		return 2;
	}
	if (!stat(file, &st) && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: --json %s: Is a directory\n", prog, file);
		return 2;
	}
	folder_of(file, dir, sizeof(dir));
	if (stat(dir, &st) || !S_ISDIR(st.st_mode) || access(dir, W_OK)) {
		fprintf(stderr, "%s: --json %s: cannot write in %s\n", prog, file, dir);
		return 2;
	}
	return 0;
}

/* The console's bytes through @c; 0, or -errno reading them. */
static int feed(struct console *c, int fd)
{
	static char buf[1 << 16];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		console_write(c, buf, (size_t)n);
	}
}

/* The console through shoji's code into the temporary file @out; 0, or
 * 2 having said why. */
static int convert(const char *prog, const char *console, int out)
{
	static struct console c;
	int in = open(console, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		fprintf(stderr, "%s: --json: cannot read the console %s: %s\n", prog, console,
			strerror(errno));
		return 2;
	}
	int sink = open("/dev/null", O_WRONLY | O_CLOEXEC);
	mode_t mask = umask(0);
	umask(mask);
	int rc = sink < 0 || fchmod(out, 0666 & ~mask); /* as shoji's open(2) would */
	if (!rc) {
		console_init(&c, sink, out);
		c.prog = prog;
		rc = feed(&c, in);
		if (rc)
			fprintf(stderr, "%s: --json: cannot read the console %s: %s\n", prog,
				console, strerror(-rc));
		else
			rc = console_finish(&c);
	}
	close(in);
	if (sink >= 0)
		close(sink);
	return rc ? 2 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--check"))
		return writable(argv[2], argv[3]);
	if (argc != 4)
		return usage();
	const char *prog = argv[1], *console = argv[2], *file = argv[3];
	if (writable(prog, file))
		return 2;

	char tmp[4096];
	folder_of(file, tmp, sizeof(tmp));
	strcat(tmp, "/.results-json.XXXXXX"); /* writable() left room */
	int out = mkstemp(tmp);
	if (out < 0) {
		fprintf(stderr, "%s: --json %s: %s\n", prog, file, strerror(errno));
		return 2;
	}
	int rc = convert(prog, console, out);
	if (close(out) && !rc)
		rc = 2;
	if (!rc && rename(tmp, file))
		rc = 2;
	if (rc) {
		unlink(tmp);
		fprintf(stderr, "%s: --json %s: not written\n", prog, file);
	}
	return rc;
}
