/* Unit tests for the task runtime's string.h functions, against glibc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* strncpy and strncat truncating is what is tested here. */
#pragma GCC diagnostic ignored "-Wstringop-truncation"

/* Compiled in and renamed to shoji_*, as tests/unit/test_libc_parse.c
 * explains; the runtime's string.h declares the renamed functions.
 * strdup's malloc stays glibc's. */
#define memcpy shoji_memcpy
#define memmove shoji_memmove
#define memset shoji_memset
#define memcmp shoji_memcmp
#define strlen shoji_strlen
#define strcmp shoji_strcmp
#define strncmp shoji_strncmp
#define strchr shoji_strchr
#define memchr shoji_memchr
#define strrchr shoji_strrchr
#define strstr shoji_strstr
#define strnlen shoji_strnlen
#define strcpy shoji_strcpy
#define strncpy shoji_strncpy
#define strcat shoji_strcat
#define strncat shoji_strncat
#define strspn shoji_strspn
#define strcspn shoji_strcspn
#define strpbrk shoji_strpbrk
#define strdup shoji_strdup
#include "../../guest/user/include/string.h"
#include "../../guest/lib/string.c"
#include "../../guest/user/lib/string_extra.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strcmp
#undef strncmp
#undef strchr
#undef memchr
#undef strrchr
#undef strstr
#undef strnlen
#undef strcpy
#undef strncpy
#undef strcat
#undef strncat
#undef strspn
#undef strcspn
#undef strpbrk
#undef strdup

/* The sign of a comparison: C fixes only that. */
static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* A random string of @n bytes over a small alphabet (so searches hit),
 * high bytes included. */
static void random_string(char *s, size_t n)
{
	static const char alphabet[] = "abcab\x80\xff";
	for (size_t i = 0; i < n; i++)
		s[i] = alphabet[rand() % (sizeof(alphabet) - 1)];
	s[n] = 0;
}

/* The search and length functions on random strings and needles. */
static void test_search(void **state)
{
	srand(9);
	for (int i = 0; i < 20000; i++) {
		char s[64], t[8];
		random_string(s, (size_t)(rand() % 40));
		random_string(t, (size_t)(rand() % 4));
		int c = i % 5 == 0 ? 0 : (unsigned char)"abcz\x80"[rand() % 5];
		size_t n = (size_t)(rand() % 50), len = strlen(s);
		assert_int_equal(shoji_strlen(s), len);
		assert_int_equal(shoji_strnlen(s, n), strnlen(s, n));
		assert_ptr_equal(shoji_strchr(s, c), strchr(s, c));
		assert_ptr_equal(shoji_strrchr(s, c), strrchr(s, c));
		assert_ptr_equal(shoji_memchr(s, c, n < len ? n : len),
				 memchr(s, c, n < len ? n : len));
		assert_ptr_equal(shoji_strstr(s, t), strstr(s, t));
		assert_int_equal(shoji_strspn(s, t), strspn(s, t));
		assert_int_equal(shoji_strcspn(s, t), strcspn(s, t));
		assert_ptr_equal(shoji_strpbrk(s, t), strpbrk(s, t));
		assert_int_equal(sign(shoji_strcmp(s, t)), sign(strcmp(s, t)));
		assert_int_equal(sign(shoji_strncmp(s, t, n % 5)), sign(strncmp(s, t, n % 5)));
		assert_int_equal(sign(shoji_memcmp(s, t, len < 3 ? len : 3)),
				 sign(memcmp(s, t, len < 3 ? len : 3)));
	}
}

/* The copying functions: the same bytes as glibc in the whole buffer,
 * what lies past the copy included. */
static void test_copy(void **state)
{
	srand(10);
	for (int i = 0; i < 20000; i++) {
		char src[64], a[160], b[160];
		random_string(src, (size_t)(rand() % 40));
		size_t n = (size_t)(rand() % 60);
		int fill = rand() % 3;
		memset(a, 'X', sizeof(a));
		memset(b, 'X', sizeof(b));
		a[fill * 10] = b[fill * 10] = 0; /* a prefix for strcat */
		switch (i % 6) {
		case 0:
			assert_ptr_equal(shoji_strcpy(a, src), a);
			strcpy(b, src);
			break;
		case 1:
			assert_ptr_equal(shoji_strncpy(a, src, n), a);
			strncpy(b, src, n);
			break;
		case 2:
			assert_ptr_equal(shoji_strcat(a, src), a);
			strcat(b, src);
			break;
		case 3:
			assert_ptr_equal(shoji_strncat(a, src, n), a);
			strncat(b, src, n);
			break;
		case 4:
			assert_ptr_equal(shoji_memmove(a + fill, a + 7, n), a + fill);
			memmove(b + fill, b + 7, n);
			break;
		default:
			assert_ptr_equal(shoji_memset(a + fill, src[0], n + 70), a + fill);
			memset(b + fill, src[0], n + 70);
			assert_ptr_equal(shoji_memcpy(a + 1, src, n), a + 1);
			memcpy(b + 1, src, n);
		}
		assert_memory_equal(a, b, sizeof(a));
	}
	char *d = shoji_strdup("a copy");
	assert_non_null(d);
	assert_string_equal(d, "a copy");
	free(d);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_search),
	    cmocka_unit_test(test_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
