/* Unit tests for the strict JSON validator (vmm/json_check.c) that guards the --json file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../vmm/json_check.h"

static bool ok(const char *s)
{
	const char *why = NULL;
	bool r = json_check_object(s, strlen(s), &why);
	assert_true(r || why); /* a refusal always says why */
	return r;
}

static void test_accepts(void **state)
{
	static const char *const good[] = {
	    "{}",
	    " {\t}\r\n",
	    "{\"a\":1}",
	    "{\"benchmark\":\"ipc\",\"mode\":\"shared\",\"cycles\":120,\"ns\":35.25}",
	    "{\"a\":-0,\"b\":0.5,\"c\":1e10,\"d\":-2.5E-3,\"e\":1E+2}",
	    "{\"a\":[],\"b\":[1,[2,[3]]],\"c\":{\"d\":{}}}",
	    "{\"a\":true,\"b\":false,\"c\":null}",
	    "{\"esc\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\"}",
	    "{\"utf8\":\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}",
	    "{\"\":\"\"}",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!ok(good[i]))
			fail_msg("refused: %s", good[i]);
	}
}

static void test_refuses(void **state)
{
	static const char *const bad[] = {
	    "",
	    "[]",
	    "\"s\"",
	    "1",
	    "{",
	    "}",
	    "{hello world}",
	    "{\"a\":1}, {\"b\":2}",
	    "{\"a\":1}x",
	    "{\"a\":1,}",
	    "{\"a\"}",
	    "{\"a\" 1}",
	    "{a:1}",
	    "{'a':1}",
	    "{\"a\":01}",
	    "{\"a\":1.}",
	    "{\"a\":.5}",
	    "{\"a\":+1}",
	    "{\"a\":1e}",
	    "{\"a\":-}",
	    "{\"a\":NaN}",
	    "{\"a\":Infinity}",
	    "{\"a\":tru}",
	    "{\"a\":nul}",
	    "{\"a\":[1,]}",
	    "{\"a\":[1 2]}",
	    "{\"a\":\"unterminated}",
	    "{\"a\":\"\\x\"}",
	    "{\"a\":\"\\u12\"}",
	    "{\"a\":\"\\u12g4\"}",
	    "{\"a\":\"tab\there\"}",
	    "{\"a\":\"\x01\"}",
	    "{\"a\":\"\x7f\xff\"}",
	    "{\"a\":\"\xc0\xaf\"}",	    /* overlong '/' */
	    "{\"a\":\"\xed\xa0\x80\"}",	    /* a UTF-8 surrogate */
	    "{\"a\":\"\xf4\x90\x80\x80\"}", /* above U+10FFFF */
	    "{\"a\":\"\xe2\x82\"}",	    /* truncated */
	    "{\"a\":\"\x80\"}",
	    "{\"a\":1\x0b}", /* a vertical tab is no JSON whitespace */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ok(bad[i]))
			fail_msg("accepted: %s", bad[i]);
	}
}

/* The length is the bound: no NUL is looked for, and one inside is refused. */
static void test_length_bounds(void **state)
{
	const char *why;
	assert_false(json_check_object("{\"a\":\"\0\"}", 9, &why));
	assert_false(json_check_object("{\"a\":1}", 6, &why));
	assert_true(json_check_object("{\"a\":1}garbage", 7, &why));
}

/* An object holding @levels - 1 nested arrays: @levels levels in all. */
static bool nested(int levels, const char **why)
{
	char s[4 * JSON_DEPTH_MAX + 16];
	size_t n = 0;

	memcpy(s, "{\"a\":", 5);
	n = 5;
	for (int i = 1; i < levels; i++)
		s[n++] = '[';
	for (int i = 1; i < levels; i++)
		s[n++] = ']';
	s[n++] = '}';
	return json_check_object(s, n, why);
}

static void test_depth(void **state)
{
	const char *why;
	assert_true(nested(JSON_DEPTH_MAX, &why));
	assert_false(nested(JSON_DEPTH_MAX + 1, &why));
	assert_string_equal(why, "nested too deep");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepts),
	    cmocka_unit_test(test_refuses),
	    cmocka_unit_test(test_length_bounds),
	    cmocka_unit_test(test_depth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
