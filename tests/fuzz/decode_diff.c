/* decode-diff: x86_decode() against Zydis over generated sequences (make fuzz). */
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/decode_diff.h"

/*
 * usage: decode-diff [--count N] [--seed S] [--log L]
 *
 * Runs N sequences (default 10^7) from seed S (default 1) through
 * dd_check(), describes the first L disagreements (default 50) on stderr, prints the
 * summary and exits 1 when there was any disagreement, 2 on bad usage.
 */
static int usage(void)
{
	fprintf(stderr, "usage: decode-diff [--count N] [--seed S] [--log L]\n");
	return 2;
}

static int number(const char *s, uint64_t *v)
{
	char *end;
	if (!s || !*s)
		return -1;
	*v = strtoull(s, &end, 0);
	return *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t count = 10000000, seed = 1, log = 50;
	for (int k = 1; k < argc; k += 2) {
		uint64_t *v = !strcmp(argv[k], "--count")  ? &count
			      : !strcmp(argv[k], "--seed") ? &seed
			      : !strcmp(argv[k], "--log")  ? &log
							   : 0;
		if (!v || number(argv[k + 1], v))
			return usage();
	}
	struct dd_oracle o;
	dd_oracle_init(&o, stderr, log > 100000 ? 100000 : (unsigned)log);
	dd_run(&o, seed, count);
	dd_summary(&o, stdout);
	return o.n.disagreements ? 1 : 0;
}
