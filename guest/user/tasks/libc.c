/* libc: the C runtime in a task: malloc churn, qsort, strtol, snprintf, ctype, assert. */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "user.h"

/*
 * usage: libc [abort]
 *
 * Runs each check below and prints "libc: N checks passed", or a "libc:
 * FAIL" line for the first that fails (then exits 1).  With "abort" it
 * then fails an assert on purpose, which must print the assertion's line
 * and end the task with status 134.
 */

static int checks;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			printf("libc: FAIL line %d: %s\n", __LINE__, #cond);                       \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Blocks of many sizes allocated, filled, freed in a shuffled order and
 * allocated again: no block overlaps another, each keeps its bytes. */
static void check_malloc(void)
{
	enum { N = 200 };
	static unsigned char *blocks[N];
	static size_t sizes[N];
	srand(7);
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < N; i++) {
			sizes[i] = (size_t)rand() % (i % 10 == 0 ? 20000 : 300);
			blocks[i] = malloc(sizes[i]);
			CHECK(blocks[i] && ((uintptr_t)blocks[i] & 15) == 0);
			memset(blocks[i], i, sizes[i]);
		}
		for (int i = 0; i < N; i++) {
			blocks[i] = realloc(blocks[i], sizes[i] + 40);
			CHECK(blocks[i]);
			for (size_t j = 0; j < sizes[i]; j++)
				CHECK(blocks[i][j] == (unsigned char)i);
		}
		for (int i = 0; i < N; i++)
			free(blocks[(i * 7) % N]);
	}
	int *z = calloc(1000, sizeof(int));
	CHECK(z);
	for (int i = 0; i < 1000; i++)
		CHECK(z[i] == 0);
	free(z);
	CHECK(calloc((size_t)1 << 62, 16) == NULL);
	CHECK(malloc((size_t)-1) == NULL);
	free(NULL);
	char *d = strdup("runtime");
	CHECK(d && strcmp(d, "runtime") == 0);
	free(d);
}

static void check_qsort(void)
{
	enum { N = 1000 };
	static int v[N];
	for (int i = 0; i < N; i++)
		v[i] = rand() % 500;
	qsort(v, N, sizeof(v[0]), cmp_int);
	for (int i = 1; i < N; i++)
		CHECK(v[i - 1] <= v[i]);
	int key = v[N / 2];
	int *hit = bsearch(&key, v, N, sizeof(v[0]), cmp_int);
	CHECK(hit && *hit == key);
}

static void check_strings(void)
{
	char *end;
	CHECK(strtol("  -0x1F rest", &end, 0) == -31 && strcmp(end, " rest") == 0);
	CHECK(strtoul("777", NULL, 8) == 511);
	CHECK(strtol("99999999999999999999", NULL, 10) == __LONG_MAX__);
	CHECK(strtoll("-99999999999999999999", NULL, 10) == -__LONG_LONG_MAX__ - 1);
	CHECK(atoi("  42x") == 42);
	CHECK(isdigit('7') && !isdigit('a') && isspace('\t') && toupper('q') == 'Q');
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "[%5d|%-4s|%x]", -42, "ab", 255u);
	CHECK(n == 15 && strcmp(buf, "[  -42|ab  |ff]") == 0);
	CHECK(strstr("hello world", "o w") && strrchr("a/b/c", '/')[1] == 'c');
	CHECK(strspn("abcde", "cab") == 3 && strcspn("abcde", "d") == 3);
	struct timespec t0, t1;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &t0) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &t1) == 0);
	CHECK(t1.tv_sec > t0.tv_sec || (t1.tv_sec == t0.tv_sec && t1.tv_nsec >= t0.tv_nsec));
}

int main(int argc, char **argv)
{
	check_malloc();
	check_qsort();
	check_strings();
	assert(checks > 0);
	printf("libc: %d checks passed\n", checks);
	if (argc > 1 && strcmp(argv[1], "abort") == 0)
		assert(checks < 0);
	return 0;
}
