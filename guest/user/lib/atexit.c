/* exit() and atexit(): the handlers in a fixed table, run last registered first. */
#include <stdlib.h>
#include "user.h"

/* C11 7.22.4.2 asks for at least 32. */
#define ATEXIT_MAX 32

static void (*handlers[ATEXIT_MAX])(void);
static int nhandlers;

int atexit(void (*fn)(void))
{
	if (nhandlers == ATEXIT_MAX)
		return -1;
	handlers[nhandlers++] = fn;
	return 0;
}

_Noreturn void exit(int status)
{
	/* A handler that calls exit() ends the task there: each runs once. */
	while (nhandlers > 0)
		handlers[--nhandlers]();
	sys_exit(status);
}
