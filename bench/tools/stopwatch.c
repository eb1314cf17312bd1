/* stopwatch: times a program from exec to its first output byte and to its first given lines. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: stopwatch [-p PREFIX]... -- CMD [ARG...]
 *
 * Runs CMD with its standard output on a pipe, copies that output to our
 * own standard output unchanged, and then prints
 *
 *   STOPWATCH <microseconds> first byte
 *   STOPWATCH <microseconds> <PREFIX>      (one per -p, in order; "-" when
 *                                           no line started with it)
 *
 * where microseconds count from the child's last clock reading before
 * execve() (CLOCK_MONOTONIC) to the read() that returned the first byte
 * of the output, or of the first line starting with PREFIX.  A line is
 * timed by the read that brought its first byte.  Exit status: CMD's
 * (128 + signal when killed), 127 when it could not be run, 2 on a usage
 * error.  Static, so that it runs in the emulated-KVM rig's initramfs.
 */

#define MAX_PREFIXES 8

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* Marks the prefixes the line (@len bytes) starts with, if not seen yet. */
static void match(char *line, size_t len, const char **prefix, int np, double *seen, double t)
{
	line[len] = 0;
	for (int p = 0; p < np; p++)
		if (seen[p] < 0 && !strncmp(line, prefix[p], strlen(prefix[p])))
			seen[p] = t;
}

static int usage(void)
{
	fprintf(stderr, "usage: stopwatch [-p PREFIX]... -- CMD [ARG...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *prefix[MAX_PREFIXES];
	double seen[MAX_PREFIXES];
	int np = 0, i = 1;

	for (; i < argc && strcmp(argv[i], "--"); i++) {
		if (strcmp(argv[i], "-p") || i + 1 >= argc || np == MAX_PREFIXES)
			return usage();
		seen[np] = -1;
		prefix[np++] = argv[++i];
	}
	if (i + 1 >= argc)
		return usage();
	char **cmd = argv + i + 1;

	int fd[2];
	double *t0 =
	    mmap(NULL, sizeof(double), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t0 == MAP_FAILED || pipe(fd)) {
		perror("stopwatch");
		return 127;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("stopwatch: fork");
		return 127;
	}
	if (pid == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		*t0 = now_us();
		execvp(cmd[0], cmd);
		fprintf(stderr, "stopwatch: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	close(fd[1]);

	/* The current line's first bytes (enough to compare with the
	 * prefixes) and when its first byte came. */
	char line[256];
	size_t len = 0;
	int at_start = 1, compared = 0;
	double first = -1, line_t = 0;
	char buf[4096];
	ssize_t n;

	while ((n = read(fd[0], buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		double t = now_us();
		if (first < 0)
			first = t;
		fwrite(buf, 1, (size_t)n, stdout);
		for (ssize_t k = 0; k < n; k++) {
			if (at_start) {
				line_t = t;
				len = 0;
				compared = 0;
				at_start = 0;
			}
			if (buf[k] == '\n') {
				if (!compared)
					match(line, len, prefix, np, seen, line_t);
				at_start = 1;
			} else if (!compared) {
				line[len++] = buf[k];
				if (len + 1 == sizeof(line)) { /* long enough to tell */
					match(line, len, prefix, np, seen, line_t);
					compared = 1;
				}
			}
		}
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	fflush(stdout);
	if (first < 0)
		printf("STOPWATCH - first byte\n");
	else
		printf("STOPWATCH %.1f first byte\n", first - *t0);
	for (int p = 0; p < np; p++) {
		if (seen[p] < 0)
			printf("STOPWATCH - %s\n", prefix[p]);
		else
			printf("STOPWATCH %.1f %s\n", seen[p] - *t0, prefix[p]);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
