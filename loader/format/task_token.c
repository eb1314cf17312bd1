/* A task token's MODE and ARGs: one rule for the kernel's command line and the host's specs. */
#include "format.h"

/*
 * Freestanding: no library calls, no state.  The kernel reads its
 * command line with these (guest/core/cmdline.c); every host packer
 * checks a TASKSPEC's tail with them (taskspec_parse), so a mode the
 * kernel would refuse never reaches a machine.
 */

_Static_assert(SHOJI_TASK_ARGS_MAX == 16, "the reason below says 16");

/* In enum task_token_mode order. */
static const char *const mode_names[TASK_MODE_COUNT] = {
    [TASK_MODE_PROCESS] = "process",
    [TASK_MODE_SHARED] = "shared",
    [TASK_MODE_KERNEL] = "kernel",
};

const char *task_token_mode_name(unsigned mode)
{
	return mode < TASK_MODE_COUNT ? mode_names[mode] : "?";
}

int task_token_mode(const char *s, size_t len)
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

int task_token_check_tail(const char *tail, int *mode, const char **why)
{
	*mode = TASK_MODE_PROCESS;
	if (tail[0] == '\0')
		return 0;
	const char *m = tail + 1; /* tail[0] is ':' */
	size_t len = 0;
	while (m[len] != '\0' && m[len] != ':')
		len++;
	*mode = task_token_mode(m, len);
	if (*mode < 0) {
		*why = "unknown mode (process, shared or kernel)";
		return -SHOJI_EINVAL;
	}
	unsigned args = 0;
	for (const char *c = m + len; *c != '\0'; c++)
		if (*c == ':' && ++args > SHOJI_TASK_ARGS_MAX) {
			*why = "more than 16 arguments";
			return -SHOJI_EINVAL;
		}
	return 0;
}
