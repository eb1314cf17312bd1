/* A task token's MODE, CPU pin and ARGs: one rule for the kernel's command line and host specs. */
#include "format.h"

/*
 * Freestanding: no library calls, no state.  The kernel reads its
 * command line with these (guest/core/cmdline.c); every host packer
 * checks a TASKSPEC's tail with them (taskspec_parse), so a mode or a
 * pin the kernel would refuse never reaches a machine.
 */

_Static_assert(SHOJI_TASK_ARGS_MAX == 16, "the reason below says 16");

#define STR(x) #x
#define XSTR(x) STR(x)

/* The first index a pin refuses, in a reason (so ACPI_MAX_CPUS must stay
 * a plain number). */
#define CPU_LIMIT_TEXT XSTR(ACPI_MAX_CPUS)

/* In enum task_token_mode order. */
static const char *const mode_names[TASK_MODE_COUNT] = {
    [TASK_MODE_PROCESS] = "process",
    [TASK_MODE_SHARED] = "shared",
    [TASK_MODE_KERNEL] = "kernel",
};

static const char reason_mode[] = "unknown mode (process, shared or kernel)";
static const char reason_no_mode[] =
    "a CPU pin needs a mode before @ (process@N, shared@N or kernel@N)";
static const char reason_cpu[] =
    "CPU index after @ is not a decimal number below " CPU_LIMIT_TEXT " (no sign or leading zero)";

const char *task_token_mode_name(unsigned mode)
{
	return mode < TASK_MODE_COUNT ? mode_names[mode] : "?";
}

/* The mode named by s[0..len) exactly, or -1. */
static int mode_lookup(const char *s, size_t len)
{
	for (int m = 0; m < TASK_MODE_COUNT; m++) {
		const char *n = mode_names[m];
		size_t i = 0;
		while (i < len && n[i] != '\0' && n[i] == s[i])
			i++;
		if (i == len && n[i] == '\0')
			return m;
	}
	return -1;
}

/* The CPU index s[0..len): decimal, no sign, no leading zero but "0"
 * itself, below ACPI_MAX_CPUS; -1 for anything else.  The value is
 * compared with the limit after every digit, so nothing can wrap. */
static int cpu_index(const char *s, size_t len)
{
	if (len == 0 || (len > 1 && s[0] == '0'))
		return -1;
	int cpu = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		cpu = cpu * 10 + (s[i] - '0');
		if (cpu >= ACPI_MAX_CPUS)
			return -1;
	}
	return cpu;
}

int task_token_mode(const char *s, size_t len, int *cpu, const char **why)
{
	size_t at = 0;
	while (at < len && s[at] != '@')
		at++;
	*cpu = TASK_CPU_ANY;
	if (at == 0 && len > 0) {
		*why = reason_no_mode;
		return -SHOJI_EINVAL;
	}
	int mode = mode_lookup(s, at);
	if (mode < 0) {
		*why = reason_mode;
		return -SHOJI_EINVAL;
	}
	if (at == len)
		return mode;
	*cpu = cpu_index(s + at + 1, len - at - 1);
	if (*cpu < 0) {
		*cpu = TASK_CPU_ANY;
		*why = reason_cpu;
		return -SHOJI_EINVAL;
	}
	return mode;
}

int task_token_check_tail(const char *tail, int *mode, int *cpu, const char **why)
{
	*mode = TASK_MODE_PROCESS;
	*cpu = TASK_CPU_ANY;
	if (tail[0] == '\0')
		return 0;
	const char *m = tail + 1; /* tail[0] is ':' */
	size_t len = 0;
	while (m[len] != '\0' && m[len] != ':')
		len++;
	*mode = task_token_mode(m, len, cpu, why);
	if (*mode < 0)
		return -SHOJI_EINVAL;
	unsigned args = 0;
	for (const char *c = m + len; *c != '\0'; c++)
		if (*c == ':' && ++args > SHOJI_TASK_ARGS_MAX) {
			*why = "more than 16 arguments";
			return -SHOJI_EINVAL;
		}
	return 0;
}
