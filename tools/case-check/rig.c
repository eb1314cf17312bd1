/* rig.c: reads tools/kvm-rig output: each command's output and status, and why the rig stopped. */
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

/* Opens @dir/@name.@n for writing; NULL with errno set. */
static FILE *open_numbered(const char *dir, const char *name, long n)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s.%ld", dir, name, n) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return fopen(path, "w");
}

/* Whether @line is "### rig: cmd @n exit STATUS"; sets *@status. */
static bool status_line(const char *line, long n, long *status)
{
	char head[64];
	char *end;
	int len = snprintf(head, sizeof(head), "### rig: cmd %ld exit ", n);
	if (strncmp(line, head, (size_t)len))
		return false;
	const char *p = line + len;
	if (*p < '0' || *p > '9')
		return false;
	*status = strtol(p, &end, 10);
	return *end == 0;
}

long rig_split(FILE *rig_out, const char *dir)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long n = 1, status;
	FILE *out = open_numbered(dir, "out", n), *rc;
	while (out && (len = getline(&line, &cap, rig_out)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = 0;
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = 0;
		if (!status_line(line, n, &status)) {
			fprintf(out, "%s\n", line);
			continue;
		}
		if (!(rc = open_numbered(dir, "rc", n)))
			break;
		fprintf(rc, "%ld\n", status);
		if (fclose(rc) || fclose(out)) {
			out = NULL;
			break;
		}
		out = open_numbered(dir, "out", ++n);
	}
	int err = errno;
	free(line);
	if (!out || fclose(out)) {
		errno = out ? errno : err;
		return -1;
	}
	return n - 1;
}

void rig_reason(FILE *rig_err, char *why, long *running)
{
	/* Lines of kvm-rig that are no reason: progress and warnings. */
	static const char *const not_reasons[] = {"last lines of the console",
						  "warning:", "fetching", "prepared"};
	static const char prefix[] = "kvm-rig: ";
	char *line = NULL, last_plain[CASE_WHY_MAX] = "";
	size_t cap = 0;
	ssize_t len;
	regex_t during;
	regmatch_t m[2];
	bool have_during = regcomp(&during, "during cmd ([0-9]+) of", REG_EXTENDED) == 0;

	*why = 0;
	*running = 0;
	while ((len = getline(&line, &cap, rig_err)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = 0;
		if (have_during && !*running && regexec(&during, line, 2, m, 0) == 0)
			*running = strtol(line + m[1].rm_so, NULL, 10);
		if (line[0] != ' ')
			snprintf(last_plain, sizeof(last_plain), "%s", line);
		if (strncmp(line, prefix, strlen(prefix)))
			continue;
		bool reason = true;
		for (size_t i = 0; i < sizeof(not_reasons) / sizeof(not_reasons[0]); i++)
			reason = reason && !strstr(line, not_reasons[i]);
		if (reason)
			snprintf(why, CASE_WHY_MAX, "%s", line + strlen(prefix));
	}
	if (!*why)
		snprintf(why, CASE_WHY_MAX, "%s", last_plain);
	free(line);
	if (have_during)
		regfree(&during);
}
