/* stdlib.h for tasks: memory, number parsing, sorting, random numbers, ending the task. */
#ifndef SHOJI_STDLIB_H
#define SHOJI_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
/* rand()'s largest value, glibc's: code written for it keeps working. */
#define RAND_MAX 2147483647

/* (lib/malloc.c) Blocks 16-byte aligned, over sys_map().  malloc(0) and
 * calloc with a zero count return a unique pointer; a request too large
 * (a size computation that overflows included) returns NULL.  free(NULL)
 * does nothing; a pointer the heap did not hand out, or a block whose
 * header was overwritten, ends the task through abort(). */
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
void *realloc(void *ptr, size_t size);
void free(void *ptr);

/* (lib/strtol.c) C11 7.22.1.4: leading white space, an optional sign,
 * base 0 (prefix 0x / 0 / decimal) or 2..36; *endptr (when not NULL) past
 * the last digit used, or at nptr when there was none.  Out of range
 * values clamp to the type's limits (LONG_MAX, LONG_MIN, ULONG_MAX): the
 * runtime has no errno, so ERANGE is not reported.  An invalid base
 * returns 0 with *endptr at nptr. */
long strtol(const char *nptr, char **endptr, int base);
unsigned long strtoul(const char *nptr, char **endptr, int base);
long long strtoll(const char *nptr, char **endptr, int base);
unsigned long long strtoull(const char *nptr, char **endptr, int base);

/* (lib/stdlib.c) strtol(s, NULL, 10), narrowed for atoi (C11 7.22.1.2). */
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);
int abs(int v);
long labs(long v);
long long llabs(long long v);

/* (lib/qsort.c) Introsort: O(n log n) comparisons whatever the input;
 * not stable, as C allows. */
void qsort(void *base, size_t count, size_t size, int (*cmp)(const void *, const void *));
/* (lib/stdlib.c) C11 7.22.5.1; NULL when nothing matches. */
void *bsearch(const void *key, const void *base, size_t count, size_t size,
	      int (*cmp)(const void *, const void *));

/* (lib/rand.c) A per-task xorshift generator (not glibc's sequence);
 * srand(s) restarts it, unseeded it behaves as srand(1). */
int rand(void);
void srand(unsigned seed);

/* (lib/abort.c) Prints "abort" and ends the task with status 134 (128 +
 * SIGABRT, what a shell reports); atexit handlers do not run. */
_Noreturn void abort(void);
/* (lib/atexit.c) Runs the atexit() handlers, last registered first, then
 * ends the task with @status.  Returning from main() ends it without
 * running them (crt0.S calls sys_exit(): no cost on every task's way out). */
_Noreturn void exit(int status);
/* Registers @fn to run at exit(); at most 32.  Returns 0, or -1 when full. */
int atexit(void (*fn)(void));

#endif
