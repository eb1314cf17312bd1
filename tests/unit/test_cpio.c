/* Unit tests for the cpio newc reader (loader/format/cpio.c) and writer (cpio_pack.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../loader/format/format.h"

/* --- a hand builder, independent of cpio_pack.c, for malformed archives --- */

struct arc {
	unsigned char buf[4096];
	size_t len;
};

/* Append a header with the given magic, mode, file size and name size. */
static void put_header(struct arc *a, const char *magic, uint32_t mode, uint32_t filesize,
		       uint32_t namesize)
{
	char h[CPIO_HEADER_SIZE + 1];
	snprintf(h, sizeof(h), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, 1u,
		 mode, 0u, 0u, 1u, 0u, filesize, 0u, 0u, 0u, 0u, namesize, 0u);
	assert_true(a->len + CPIO_HEADER_SIZE <= sizeof(a->buf));
	memcpy(a->buf + a->len, h, CPIO_HEADER_SIZE);
	a->len += CPIO_HEADER_SIZE;
}

static void put_bytes(struct arc *a, const void *p, size_t n)
{
	assert_true(a->len + n <= sizeof(a->buf));
	if (n == 0)
		return; /* p may be NULL */
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void put_pad(struct arc *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* A well-formed entry: header, name with NUL, padding, data, padding. */
static void put_entry(struct arc *a, const char *name, uint32_t mode, const void *data,
		      uint32_t size)
{
	put_header(a, CPIO_MAGIC, mode, size, (uint32_t)strlen(name) + 1);
	put_bytes(a, name, strlen(name) + 1);
	put_pad(a);
	put_bytes(a, data, size);
	put_pad(a);
}

static void put_trailer(struct arc *a)
{
	put_entry(a, CPIO_TRAILER, 0, NULL, 0);
}

/* Expect cpio_next at offset 0 to fail with a reason containing @phrase.
 * The archive is copied to a buffer of exactly its length, so that a read
 * past the end shows under AddressSanitizer. */
static void expect_bad(const struct arc *a, const char *phrase)
{
	size_t off = 0;
	struct cpio_entry e;
	const char *why = NULL;
	unsigned char *copy = malloc(a->len ? a->len : 1);
	assert_non_null(copy);
	memcpy(copy, a->buf, a->len);
	assert_int_equal(cpio_next(copy, a->len, &off, &e, &why), -SHOJI_EINVAL);
	free(copy);
	assert_non_null(why);
	if (!strstr(why, phrase))
		fail_msg("reason \"%s\" lacks \"%s\"", why, phrase);
	assert_int_equal(off, 0);
}

/* --- reader: valid archives --- */

static void test_hand_built_archive(void **state)
{
	struct arc a = {0};
	put_entry(&a, "a", CPIO_MODE_REG | 0644, "x", 1);    /* 112: name pad 0 */
	put_entry(&a, "bb", CPIO_MODE_REG | 0755, "yz", 2);  /* 113: name pad 3 */
	put_entry(&a, "empty", CPIO_MODE_REG | 0644, "", 0); /* zero-size file */
	put_entry(&a, "dir", CPIO_MODE_DIR | 0755, "", 0);
	put_trailer(&a);

	size_t off = 0;
	struct cpio_entry e;
	const char *why = NULL;

	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), 1);
	assert_int_equal(e.name_len, 1);
	assert_string_equal(e.name, "a");
	assert_int_equal(e.size, 1);
	assert_memory_equal(e.data, "x", 1);
	assert_int_equal(e.mode, CPIO_MODE_REG | 0644);
	assert_int_equal((const unsigned char *)e.data - a.buf, 112);
	assert_int_equal(off, 116);

	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), 1);
	assert_string_equal(e.name, "bb");
	assert_int_equal((const unsigned char *)e.data - a.buf, 116 + 116);
	assert_memory_equal(e.data, "yz", 2);
	assert_int_equal(e.mode, CPIO_MODE_REG | 0755);
	assert_int_equal(off % 4, 0);

	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), 1);
	assert_string_equal(e.name, "empty");
	assert_int_equal(e.size, 0);

	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), 1);
	assert_string_equal(e.name, "dir");
	assert_int_equal(e.mode & CPIO_MODE_TYPE, CPIO_MODE_DIR);

	size_t at_trailer = off;
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), 0);
	assert_int_equal(off, at_trailer);
	assert_null(why);
}

static void test_lowercase_hex_accepted(void **state)
{
	struct arc a = {0};
	put_entry(&a, "f", CPIO_MODE_REG | 0644, "0123456789abcdefXY", 18); /* size 0x12 */
	put_trailer(&a);
	memcpy(a.buf + 6 + 8, "000081a4", 8); /* mode, lower case */
	size_t off = 0;
	struct cpio_entry e;
	const char *why = NULL;
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), 1);
	assert_int_equal(e.mode, 0100644);
	assert_int_equal(e.size, 18);
}

static void test_trailer_without_padding(void **state)
{
	struct arc a = {0};
	put_header(&a, CPIO_MAGIC, 0, 0, sizeof(CPIO_TRAILER));
	put_bytes(&a, CPIO_TRAILER, sizeof(CPIO_TRAILER)); /* 121 bytes, no pad */
	size_t off = 0;
	struct cpio_entry e;
	const char *why = NULL;
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), 0);
}

static void test_find(void **state)
{
	struct arc a = {0};
	put_entry(&a, "dir", CPIO_MODE_DIR | 0755, "", 0);
	put_entry(&a, "hello", CPIO_MODE_REG | 0644, "first", 5);
	put_entry(&a, "hello2", CPIO_MODE_REG | 0644, "second", 6);
	put_trailer(&a);

	struct cpio_entry e;
	const char *why = NULL;
	assert_int_equal(cpio_find(a.buf, a.len, "hello2", &e, &why), 0);
	assert_int_equal(e.size, 6);
	assert_memory_equal(e.data, "second", 6);
	assert_int_equal(cpio_find(a.buf, a.len, "hello", &e, &why), 0);
	assert_memory_equal(e.data, "first", 5);

	assert_int_equal(cpio_find(a.buf, a.len, "hell", &e, &why), 1);
	assert_non_null(strstr(why, "no such file"));
	why = NULL;
	assert_int_equal(cpio_find(a.buf, a.len, "", &e, &why), 1);
	assert_non_null(why);

	why = NULL;
	assert_int_equal(cpio_find(a.buf, a.len, "dir", &e, &why), -SHOJI_EINVAL);
	assert_non_null(strstr(why, "not a regular file"));
}

static void test_find_malformed(void **state)
{
	struct arc a = {0};
	put_entry(&a, "one", CPIO_MODE_REG | 0644, "1", 1); /* no trailer */
	struct cpio_entry e;
	const char *why = NULL;
	assert_int_equal(cpio_find(a.buf, a.len, "two", &e, &why), -SHOJI_EINVAL);
	assert_non_null(strstr(why, "without TRAILER"));
	/* Found before the damage: still found. */
	assert_int_equal(cpio_find(a.buf, a.len, "one", &e, &why), 0);
}

/* --- reader: malformed archives --- */

static void test_empty_archive(void **state)
{
	struct arc a = {0};
	expect_bad(&a, "without TRAILER");
}

static void test_missing_trailer(void **state)
{
	struct arc a = {0};
	put_entry(&a, "f", CPIO_MODE_REG | 0644, "abc", 3);
	size_t off = 0;
	struct cpio_entry e;
	const char *why = NULL;
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), 1);
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), -SHOJI_EINVAL);
	assert_non_null(strstr(why, "without TRAILER"));
}

static void test_truncated_header(void **state)
{
	struct arc a = {0};
	put_trailer(&a);
	a.len = CPIO_HEADER_SIZE - 1;
	expect_bad(&a, "truncated cpio header");
	a.len = 6;
	expect_bad(&a, "truncated cpio header");
}

static void test_bad_magic(void **state)
{
	struct arc a = {0};
	put_header(&a, "070707", CPIO_MODE_REG, 0, 2); /* old portable format */
	put_bytes(&a, "x", 2);
	put_pad(&a);
	put_trailer(&a);
	expect_bad(&a, "bad cpio magic");
}

static void test_non_hex_digit(void **state)
{
	struct arc a = {0};
	put_entry(&a, "f", CPIO_MODE_REG | 0644, "abc", 3);
	put_trailer(&a);
	a.buf[6 + 8 * 6 + 7] = 'g'; /* last digit of filesize */
	expect_bad(&a, "bad hex digit");
	a.buf[6 + 8 * 6 + 7] = ' ';
	expect_bad(&a, "bad hex digit");
	a.buf[6 + 8 * 6 + 7] = '3';
	a.buf[6 + 8 * 12] = 'x'; /* check field, last in the header */
	expect_bad(&a, "bad hex digit");
}

static void test_zero_name_size(void **state)
{
	struct arc a = {0};
	put_header(&a, CPIO_MAGIC, CPIO_MODE_REG, 0, 0);
	put_pad(&a);
	put_trailer(&a);
	expect_bad(&a, "name size is zero");
}

static void test_name_past_end(void **state)
{
	struct arc a = {0};
	put_header(&a, CPIO_MAGIC, CPIO_MODE_REG, 0, 20);
	put_bytes(&a, "short", 6);
	expect_bad(&a, "name runs past end");
}

static void test_name_size_huge(void **state)
{
	/* 0xffffffff: must not wrap an offset computation. */
	struct arc a = {0};
	put_header(&a, CPIO_MAGIC, CPIO_MODE_REG, 0, 0xffffffffu);
	put_bytes(&a, "x", 2);
	put_pad(&a);
	put_trailer(&a);
	expect_bad(&a, "name runs past end");
}

static void test_name_not_terminated(void **state)
{
	struct arc a = {0};
	put_header(&a, CPIO_MAGIC, CPIO_MODE_REG, 0, 3);
	put_bytes(&a, "abc", 3);
	put_pad(&a);
	put_trailer(&a);
	expect_bad(&a, "not NUL-terminated");
}

static void test_name_embedded_nul(void **state)
{
	struct arc a = {0};
	put_header(&a, CPIO_MAGIC, CPIO_MODE_REG, 0, 4);
	put_bytes(&a, "a\0b", 4);
	put_pad(&a);
	put_trailer(&a);
	expect_bad(&a, "contains a NUL");
}

static void test_name_padding_past_end(void **state)
{
	struct arc a = {0};
	put_header(&a, CPIO_MAGIC, CPIO_MODE_REG, 0, 2); /* 112 bytes: needs no pad */
	put_bytes(&a, "ab\0", 3);			 /* namesize 3: 113, pad 3 */
	a.buf[6 + 8 * 11 + 7] = '3';
	expect_bad(&a, "name padding runs past end");
}

static void test_size_past_end(void **state)
{
	struct arc a = {0};
	put_entry(&a, "f", CPIO_MODE_REG | 0644, "abcd", 4);
	a.len -= 1; /* one data byte missing, and no trailer */
	expect_bad(&a, "file size runs past end");
}

static void test_size_huge(void **state)
{
	struct arc a = {0};
	put_header(&a, CPIO_MAGIC, CPIO_MODE_REG, 0xffffffffu, 2);
	put_bytes(&a, "f", 2);
	put_pad(&a);
	put_trailer(&a);
	expect_bad(&a, "file size runs past end");
}

static void test_data_padding_past_end(void **state)
{
	struct arc a = {0};
	put_entry(&a, "f", CPIO_MODE_REG | 0644, "a", 1);
	a.len -= 3; /* data present, padding cut */
	expect_bad(&a, "data padding runs past end");
}

static void test_bad_offsets(void **state)
{
	struct arc a = {0};
	put_trailer(&a);
	struct cpio_entry e;
	const char *why = NULL;
	size_t off = a.len + 4;
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), -SHOJI_EINVAL);
	assert_non_null(strstr(why, "offset past end"));
	off = SIZE_MAX;
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), -SHOJI_EINVAL);
	assert_non_null(strstr(why, "offset past end"));
	off = 2;
	assert_int_equal(cpio_next(a.buf, a.len, &off, &e, &why), -SHOJI_EINVAL);
	assert_non_null(strstr(why, "not 4-byte aligned"));
}

/* --- writer --- */

static void test_writer_round_trip(void **state)
{
	static const char *names[] = {"a", "bb", "ccc", "dddd", "zero"};
	static const char *datas[] = {"1", "22", "333", "44444", ""};
	struct cpio_writer w;
	const char *why = NULL;

	cpio_writer_init(&w);
	for (int i = 0; i < 5; i++)
		assert_int_equal(cpio_writer_add(&w, names[i], datas[i], strlen(datas[i]), &why),
				 0);
	assert_int_equal(w.count, 5);
	assert_int_equal(cpio_writer_finish(&w, &why), 0);
	assert_null(why);
	assert_int_equal(w.len % 4, 0);

	/* The first header, byte for byte: pins the format. */
	static const char first[] = "070701"	/* magic */
				    "00000001"	/* ino */
				    "000081A4"	/* mode: regular, 0644 */
				    "00000000"	/* uid */
				    "00000000"	/* gid */
				    "00000001"	/* nlink */
				    "00000000"	/* mtime */
				    "00000001"	/* filesize */
				    "00000000"	/* devmajor */
				    "00000000"	/* devminor */
				    "00000000"	/* rdevmajor */
				    "00000000"	/* rdevminor */
				    "00000002"	/* namesize: "a" and its NUL */
				    "00000000"; /* check */
	_Static_assert(sizeof(first) == CPIO_HEADER_SIZE + 1, "a header is 110 characters");
	assert_memory_equal(w.buf, first, CPIO_HEADER_SIZE);
	assert_memory_equal(w.buf + CPIO_HEADER_SIZE, "a\0", 2);

	size_t off = 0;
	struct cpio_entry e;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(cpio_next(w.buf, w.len, &off, &e, &why), 1);
		assert_string_equal(e.name, names[i]);
		assert_int_equal(e.size, strlen(datas[i]));
		assert_memory_equal(e.data, datas[i], e.size);
		assert_int_equal(e.mode, CPIO_MODE_REG | 0644);
	}
	assert_int_equal(cpio_next(w.buf, w.len, &off, &e, &why), 0);
	assert_int_equal(cpio_find(w.buf, w.len, "dddd", &e, &why), 0);
	assert_memory_equal(e.data, "44444", 5);
	cpio_writer_free(&w);
	assert_null(w.buf);
	cpio_writer_free(&w);
}

static void test_writer_empty_archive(void **state)
{
	struct cpio_writer w;
	const char *why = NULL;
	cpio_writer_init(&w);
	assert_int_equal(cpio_writer_finish(&w, &why), 0);
	size_t off = 0;
	struct cpio_entry e;
	assert_int_equal(cpio_next(w.buf, w.len, &off, &e, &why), 0);
	assert_int_equal(cpio_find(w.buf, w.len, "x", &e, &why), 1);
	cpio_writer_free(&w);
}

static void test_writer_grows(void **state)
{
	/* Past the first 4 KiB allocation several times. */
	static unsigned char big[20000];
	char name[16];
	struct cpio_writer w;
	const char *why = NULL;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7);
	cpio_writer_init(&w);
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		assert_int_equal(cpio_writer_add(&w, name, big, sizeof(big) - (size_t)i, &why), 0);
	}
	assert_int_equal(cpio_writer_finish(&w, &why), 0);
	struct cpio_entry e;
	assert_int_equal(cpio_find(w.buf, w.len, "f7", &e, &why), 0);
	assert_int_equal(e.size, sizeof(big) - 7);
	assert_memory_equal(e.data, big, e.size);
	cpio_writer_free(&w);
}

/* The NUL after each name and the padding after it and after the data are
 * zero even where the buffer held other bytes: only they are zeroed. */
static void test_writer_pads_with_zeroes(void **state)
{
	static const char *names[] = {"a", "bb", "ccc", "dddd"};
	struct cpio_writer w;
	const char *why = NULL;

	cpio_writer_init(&w);
	w.cap = 4096;
	w.buf = malloc(w.cap);
	assert_non_null(w.buf);
	memset(w.buf, 0xa5, w.cap);
	for (int i = 0; i < 4; i++)
		assert_int_equal(cpio_writer_add(&w, names[i], "xyz", (size_t)i, &why), 0);
	assert_int_equal(cpio_writer_finish(&w, &why), 0);
	size_t off = 0;
	struct cpio_entry e;
	for (int i = 0; i < 4; i++) {
		size_t start = off;
		assert_int_equal(cpio_next(w.buf, w.len, &off, &e, &why), 1);
		size_t data = (size_t)((const unsigned char *)e.data - w.buf);
		for (size_t at = start + CPIO_HEADER_SIZE + strlen(names[i]); at < data; at++)
			assert_int_equal(w.buf[at], 0); /* the NUL and the name's padding */
		for (size_t at = data + e.size; at < off; at++)
			assert_int_equal(w.buf[at], 0); /* the data's padding */
	}
	cpio_writer_free(&w);
}

static void expect_add_refused(struct cpio_writer *w, const char *name, size_t size,
			       const char *phrase)
{
	const char *why = NULL;
	size_t len = w->len;
	assert_int_equal(cpio_writer_add(w, name, NULL, size, &why), -SHOJI_EINVAL);
	assert_non_null(why);
	assert_non_null(strstr(why, phrase));
	assert_int_equal(w->len, len);
}

static void test_writer_refuses(void **state)
{
	struct cpio_writer w;
	const char *why = NULL;
	char name[300];

	cpio_writer_init(&w);
	assert_int_equal(cpio_writer_add(&w, "task", "x", 1, &why), 0);
	expect_add_refused(&w, "", 0, "empty file name");
	expect_add_refused(&w, "a/b", 0, "contains '/'");
	expect_add_refused(&w, "/", 0, "contains '/'");
	expect_add_refused(&w, ".", 0, "\".\"");
	expect_add_refused(&w, "..", 0, "\"..\"");
	expect_add_refused(&w, CPIO_TRAILER, 0, "reserved");
	expect_add_refused(&w, "task", 0, "duplicate");
	expect_add_refused(&w, "huge", (size_t)0xffffffffu + 1, "4 GiB");

	memset(name, 'n', sizeof(name));
	name[256] = '\0';
	expect_add_refused(&w, name, 0, "longer than 255");
	name[255] = '\0';
	assert_int_equal(cpio_writer_add(&w, name, NULL, 0, &why), 0);
	assert_int_equal(w.count, 2);

	assert_int_equal(cpio_writer_finish(&w, &why), 0);
	expect_add_refused(&w, "late", 0, "already finished");
	why = NULL;
	assert_int_equal(cpio_writer_finish(&w, &why), -SHOJI_EINVAL);
	assert_non_null(strstr(why, "already finished"));

	struct cpio_entry e;
	assert_int_equal(cpio_find(w.buf, w.len, name, &e, &why), 0);
	assert_int_equal(e.name_len, 255);
	cpio_writer_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hand_built_archive),
	    cmocka_unit_test(test_lowercase_hex_accepted),
	    cmocka_unit_test(test_trailer_without_padding),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_find_malformed),
	    cmocka_unit_test(test_empty_archive),
	    cmocka_unit_test(test_missing_trailer),
	    cmocka_unit_test(test_truncated_header),
	    cmocka_unit_test(test_bad_magic),
	    cmocka_unit_test(test_non_hex_digit),
	    cmocka_unit_test(test_zero_name_size),
	    cmocka_unit_test(test_name_past_end),
	    cmocka_unit_test(test_name_size_huge),
	    cmocka_unit_test(test_name_not_terminated),
	    cmocka_unit_test(test_name_embedded_nul),
	    cmocka_unit_test(test_name_padding_past_end),
	    cmocka_unit_test(test_size_past_end),
	    cmocka_unit_test(test_size_huge),
	    cmocka_unit_test(test_data_padding_past_end),
	    cmocka_unit_test(test_bad_offsets),
	    cmocka_unit_test(test_writer_round_trip),
	    cmocka_unit_test(test_writer_empty_archive),
	    cmocka_unit_test(test_writer_grows),
	    cmocka_unit_test(test_writer_pads_with_zeroes),
	    cmocka_unit_test(test_writer_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
