/* case-check: the test runners' parser: plans cases, judges outputs, splits the rig's output. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

/*
 * usage: case-check plan [--cpu] [--smp] [--rig] [-D FROM=TO]... FILE ROOT
 *        case-check check [-D FROM=TO]... FILE OUTPUT STATUS
 *        case-check split RIG-STDOUT RIG-STDERR DIR
 *
 * FILE is a case file (case.h): a check of shoji (tests/vmm/checks) when
 * its name ends in ".check", else a guest case.  -D replaces FROM by TO
 * in its command, expect, reject and order values.
 *
 * plan prints what running the case takes, one "KEY VALUE" line each:
 * "bad WHY" (a bad case file) or "skip REASON" alone; else for a guest
 * case "secs S" (its timeout rounded up), "limit S" (its timeout plus 30 s,
 * an outer bound for a runner that ignores --timeout), an "arg A" line per
 * runner argument (--timeout S, --append STR, --cpu MODEL, --cpus N, then the task
 * specs, each path under ROOT/), a "file P" line per task spec's path
 * relative to ROOT and "cmd C", those arguments as one sh -c word list
 * with the paths relative to ROOT; for a check, "command C".  --cpu: the
 * platform can choose QEMU's CPU model (else a case with qemu-cpu is
 * skipped).  --smp: its runner takes --cpus N (else a case asking for more
 * than one CPU is skipped).  --rig: it is the emulated-KVM rig (a case
 * with skip-rig is skipped, with its reason).
 *
 * check judges the output in the file OUTPUT and the exit status STATUS:
 * exit 0 and prints nothing when the case passes; exit 1 and prints one
 * line, what failed ("; " between the problems), when it does not.
 *
 * split splits the rig's stdout into DIR/out.N and DIR/rc.N (case.h,
 * rig_split()) and prints "ended N" (the commands that ended), "running
 * K" (the command the rig stopped in, 0 when none) and "why TEXT" (the
 * rig's reason for stopping, from its stderr; may be empty).
 *
 * Exit status 2 on a usage error or a file that cannot be read or
 * written, with the reason on stderr.
 */

#define MAX_SUBST 16

static int usage(void)
{
	fputs("usage: case-check plan [--cpu] [--smp] [--rig] [-D FROM=TO]... FILE ROOT\n"
	      "       case-check check [-D FROM=TO]... FILE OUTPUT STATUS\n"
	      "       case-check split RIG-STDOUT RIG-STDERR DIR\n",
	      stderr);
	return 2;
}

static int fail(const char *what, const char *why)
{
	fprintf(stderr, "case-check: %s: %s\n", what, why);
	return 2;
}

/* The options of plan and check: --cpu, --smp and --rig (plan only) and
 * -D FROM=TO. */
struct opts {
	bool cpu, smp, rig;
	struct case_subst subst[MAX_SUBST];
	size_t nsubst;
};

/* Reads the options at *@argv on; leaves *@argv at the first operand.
 * 0, or -1 on a bad option. */
static int read_opts(char ***argv, bool allow_cpu, struct opts *o)
{
	char **a = *argv;
	*o = (struct opts){0};
	for (; *a && a[0][0] == '-'; a++) {
		char *eq;
		if (allow_cpu && !strcmp(*a, "--cpu")) {
			o->cpu = true;
		} else if (allow_cpu && !strcmp(*a, "--smp")) {
			o->smp = true;
		} else if (allow_cpu && !strcmp(*a, "--rig")) {
			o->rig = true;
		} else if (!strcmp(*a, "-D") && a[1] && (eq = strchr(a[1], '=')) && eq != a[1] &&
			   o->nsubst < MAX_SUBST) {
			*eq = 0;
			o->subst[o->nsubst++] = (struct case_subst){a[1], eq + 1};
			a++;
		} else {
			return -1;
		}
	}
	*argv = a;
	return 0;
}

static enum case_kind kind_of(const char *path)
{
	size_t n = strlen(path);
	return n >= 6 && !strcmp(path + n - 6, ".check") ? CASE_CHECK : CASE_GUEST;
}

/* @s as one word for sh -c: bare when it is plain, else single-quoted. */
static void print_word(const char *s)
{
	static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789_./:=,+@%-";
	if (*s && strspn(s, plain) == strlen(s)) {
		fputs(s, stdout);
		return;
	}
	putchar('\'');
	for (; *s; s++)
		fputs(*s == '\'' ? "'\\''" : (char[]){*s, 0}, stdout);
	putchar('\'');
}

/* Task spec NAME[:REST]: its file's path relative to the repository
 * root (build/tasks/NAME.elf unless NAME has a '/') into @path, and
 * where REST starts. */
static const char *spec_path(const char *spec, char *path, size_t size)
{
	size_t name = strcspn(spec, ":");
	if (memchr(spec, '/', name))
		snprintf(path, size, "%.*s", (int)name, spec);
	else
		snprintf(path, size, "build/tasks/%.*s.elf", (int)name, spec);
	return spec + name;
}

/* Whether the case asks for more than the one CPU every runner gives. */
static bool several_cpus(const struct case_file *c)
{
	return c->cpus && strcmp(c->cpus, "1");
}

static void print_guest_plan(const struct case_file *c, const char *root)
{
	char path[4096];
	double t = strtod(c->timeout, NULL);
	long secs = (long)t + ((double)(long)t != t);

	printf("secs %ld\nlimit %g\n", secs, t + 30);
	printf("arg --timeout\narg %s\n", c->timeout);
	if (c->append)
		printf("arg --append\narg %s\n", c->append);
	if (c->qemu_cpu)
		printf("arg --cpu\narg %s\n", c->qemu_cpu);
	if (several_cpus(c))
		printf("arg --cpus\narg %s\n", c->cpus);
	for (size_t i = 0; i < c->ntasks; i++) {
		const char *rest = spec_path(c->tasks[i], path, sizeof(path));
		printf("arg %s/%s%s\nfile %s\n", root, path, rest, path);
	}
	fputs("cmd --timeout ", stdout);
	print_word(c->timeout);
	if (c->append) {
		fputs(" --append ", stdout);
		print_word(c->append);
	}
	if (several_cpus(c))
		printf(" --cpus %s", c->cpus);
	for (size_t i = 0; i < c->ntasks; i++) {
		const char *rest = spec_path(c->tasks[i], path, sizeof(path));
		char word[8192];
		snprintf(word, sizeof(word), "%s%s", path, rest);
		putchar(' ');
		print_word(word);
	}
	putchar('\n');
}

static int cmd_plan(char **argv)
{
	struct opts o;
	struct case_file c;
	char why[CASE_WHY_MAX];

	if (read_opts(&argv, true, &o) < 0 || !argv[0] || !argv[1] || argv[2])
		return usage();
	if (case_parse(argv[0], kind_of(argv[0]), o.subst, o.nsubst, &c, why) < 0) {
		printf("bad %s\n", why);
		return 0;
	}
	if (c.skip)
		printf("skip %s\n", c.skip);
	else if (c.skip_rig && o.rig)
		printf("skip %s\n", c.skip_rig);
	else if (c.qemu_cpu && !o.cpu)
		printf("skip needs QEMU's CPU model %s (tools/qemu-run --cpu)\n", c.qemu_cpu);
	else if (several_cpus(&c) && !o.smp)
		printf("skip needs %s CPUs (a runner that takes --cpus N)\n", c.cpus);
	else if (c.kind == CASE_CHECK)
		printf("command %s\n", c.command);
	else
		print_guest_plan(&c, argv[1]);
	case_free(&c);
	return fflush(stdout) ? fail("stdout", strerror(errno)) : 0;
}

static int cmd_check(char **argv)
{
	struct opts o;
	struct case_file c;
	char why[CASE_WHY_MAX], *end;

	if (read_opts(&argv, false, &o) < 0 || !argv[0] || !argv[1] || !argv[2] || argv[3])
		return usage();
	long status = strtol(argv[2], &end, 10);
	if (end == argv[2] || *end)
		return usage();
	if (case_parse(argv[0], kind_of(argv[0]), o.subst, o.nsubst, &c, why) < 0)
		return fail(argv[0], why);
	FILE *out = fopen(argv[1], "r");
	if (!out) {
		case_free(&c);
		return fail(argv[1], strerror(errno));
	}
	int problems = case_check(&c, out, status, stdout);
	fclose(out);
	case_free(&c);
	if (problems)
		putchar('\n');
	if (problems < 0)
		return fail(argv[1], "cannot read or out of memory");
	return problems ? 1 : 0;
}

static int cmd_split(char **argv)
{
	char why[CASE_WHY_MAX];
	long running;

	if (!argv[0] || !argv[1] || !argv[2] || argv[3])
		return usage();
	FILE *out = fopen(argv[0], "r"), *err = fopen(argv[1], "r");
	if (!out || !err) {
		int e = errno;
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return fail(out ? argv[1] : argv[0], strerror(e));
	}
	long ended = rig_split(out, argv[2]);
	int e = errno;
	rig_reason(err, why, &running);
	fclose(out);
	fclose(err);
	if (ended < 0)
		return fail(argv[2], strerror(e));
	printf("ended %ld\nrunning %ld\nwhy %s\n", ended, running, why);
	return 0;
}

static const struct command {
	const char *name;
	int (*run)(char **argv);
} commands[] = {
    {"plan", cmd_plan},
    {"check", cmd_check},
    {"split", cmd_split},
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argv + 2);
	return usage();
}
