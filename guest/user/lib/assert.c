/* assert()'s failure path: names the expression and where it is, then abort(). */
#include <assert.h>
#include <stdlib.h>
#include "user.h"

_Noreturn void __assert_fail_shoji(const char *expr, const char *file, int line, const char *func)
{
	printf("assertion failed: %s, file %s, line %d, function %s\n", expr, file, line, func);
	abort();
}
