/* shoji: the command word decides; each command lives in its own file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shoji/abi.h"

#include "boot.h"
#include "info.h"
#include "options.h"
#include "vmm.h"

static int cmd_help(int argc, char **argv)
{
	opts_usage(stdout);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	printf("shoji %s (abi %d)\n", SHOJI_VERSION, SHOJI_ABI_VERSION);
	return 0;
}

static const struct {
	const char *word;
	int (*run)(int argc, char **argv); /* the arguments after the word */
} commands[] = {
    {"run", cmd_run},	{"info", cmd_info},	    {"--help", cmd_help},     {"-h", cmd_help},
    {"help", cmd_help}, {"--version", cmd_version}, {"version", cmd_version},
};

/* A standard descriptor that was closed at exec would be taken by the
 * next open (/dev/kvm, the --json file) and then read as the guest's
 * input or written as its console: give it /dev/null first. */
static void standard_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) < 0)
			_exit(SHOJI_STATUS_USAGE);
}

int main(int argc, char **argv)
{
	standard_fds_open();
	if (argc < 2) {
		fprintf(stderr, "shoji: no command (run, info; see shoji --help)\n");
		return SHOJI_STATUS_USAGE;
	}
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].word))
			return commands[i].run(argc - 2, argv + 2);
	fprintf(stderr, "shoji: unknown command '%s' (run, info; see shoji --help)\n", argv[1]);
	return SHOJI_STATUS_USAGE;
}
