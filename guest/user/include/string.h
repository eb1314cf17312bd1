/* string.h for tasks: the mem* and str* functions (docs/task-runtime.md). */
#ifndef SHOJI_STRING_H
#define SHOJI_STRING_H

#include <stddef.h>

/* guest/lib/string.c, shared with the kernel: memcpy, memmove, memset,
 * memcmp, strlen, strcmp, strncmp, strchr. */
#include "lib/string.h"

/* (lib/string_extra.c) The rest of C11 7.24 that needs no locale and no
 * errno (no strcoll, strxfrm, strerror, strtok). */
void *memchr(const void *s, int c, size_t n);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strnlen(const char *s, size_t max);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strncat(char *dst, const char *src, size_t n);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strpbrk(const char *s, const char *accept);
/* POSIX: a malloc()ed copy, NULL when out of memory. */
char *strdup(const char *s);

#endif
