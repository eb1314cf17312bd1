/* Unit tests for the task build of vsnprintf and its float conversions, against glibc. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <math.h>

#include <cmocka.h>

/*
 * As tests/unit/test_fmt.c does, fmt.c is compiled into this file with
 * vsnprintf and snprintf renamed to shoji_*, here with SHOJI_USER defined
 * as in a task's build (USER_CFLAGS), and fmt_float.c beside it.  The
 * double's bits come from rt_va_double_bits(), which a task takes from
 * guest/user/lib/printf_fp.c and this file defines with the host's
 * va_arg; fmt_float_hook is set as printf_fp.c sets it.  user.h (through
 * fmt_float.c's runtime.h) declares main with arguments, so main has them.
 */
#define SHOJI_USER
#define vsnprintf shoji_vsnprintf
#define snprintf shoji_snprintf
int shoji_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int shoji_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#include "../../guest/lib/fmt.c"
#include "../../guest/user/lib/fmt_float.c"
#undef vsnprintf
#undef snprintf

uint64_t rt_va_double_bits(va_list *ap)
{
	double d = va_arg(*ap, double);
	uint64_t bits;
	memcpy(&bits, &d, sizeof(bits));
	return bits;
}

#define BUF 2048

static double from_bits(uint64_t bits)
{
	double d;
	memcpy(&d, &bits, sizeof(d));
	return d;
}

/* Formats @v with @fmt (one conversion, maybe a '*' width and precision
 * first) by libc and by fmt.c and compares length and bytes. */
static void check_fmt(const char *fmt, int star_w, int star_p, int stars, double v)
{
	char want[BUF], got[BUF];
	int wn, gn;
	memset(got, 0x7e, sizeof(got));
	fmt_float_hook = fmt_float;
	if (stars == 2) {
		wn = snprintf(want, sizeof(want), fmt, star_w, star_p, v);
		gn = shoji_snprintf(got, sizeof(got), fmt, star_w, star_p, v);
	} else if (stars == 1) {
		wn = snprintf(want, sizeof(want), fmt, star_p, v);
		gn = shoji_snprintf(got, sizeof(got), fmt, star_p, v);
	} else {
		wn = snprintf(want, sizeof(want), fmt, v);
		gn = shoji_snprintf(got, sizeof(got), fmt, v);
	}
	assert_true(wn >= 0 && wn < BUF);
	if (gn != wn || memcmp(want, got, (size_t)wn + 1))
		fail_msg("snprintf(\"%s\", %a): got %d \"%s\", want %d \"%s\"", fmt, v, gn, got, wn,
			 want);
}

/*
 * glibc 2.36 drops the zeros '#' keeps when %#g rounds up to a new power
 * of ten (printf("%#g", 999999.5) gives "1.e+06", C11 7.21.6.1p6 and p8
 * want "1.00000e+06").  So %#g and %#G are checked against C11's own
 * rule carried out with the host's %e and %f: X the exponent %e gives at
 * precision P - 1, then %#.(P-1-X)f when P > X >= -4, else %#.(P-1)e.
 */
static void check_alt_g(const char *flags, const char *width, int prec, char conv, double v)
{
	char fmt[32], want[BUF], got[BUF];
	int p = prec < 0 ? 6 : prec ? prec : 1;
	snprintf(want, sizeof(want), "%.*e", p - 1, v);
	int x = isfinite(v) ? atoi(strchr(want, 'e') + 1) : 0;
	int exp_style = !(p > x && x >= -4);
	snprintf(fmt, sizeof(fmt), "%%%s%s.%d%c", flags, width, exp_style ? p - 1 : p - 1 - x,
		 exp_style ? conv - 'g' + 'e' : conv - 'g' + 'f');
	int wn = snprintf(want, sizeof(want), fmt, v);
	snprintf(fmt, sizeof(fmt), "%%%s%s.%d%c", flags, width, prec < 0 ? 6 : prec, conv);
	fmt_float_hook = fmt_float;
	memset(got, 0x7e, sizeof(got));
	int gn = shoji_snprintf(got, sizeof(got), fmt, v);
	if (gn != wn || memcmp(want, got, (size_t)wn + 1))
		fail_msg("snprintf(\"%s\", %a): got %d \"%s\", want %d \"%s\"", fmt, v, gn, got, wn,
			 want);
}

/* check_fmt() of one format put together, or check_alt_g() for %#g. */
static void check_parts(const char *flags, const char *width, const char *prec, char conv, double v)
{
	char fmt[32];
	if (strchr(flags, '#') && (conv | 0x20) == 'g' && isfinite(v)) {
		check_alt_g(flags, width, *prec ? atoi(prec + 1) : -1, conv, v);
		return;
	}
	snprintf(fmt, sizeof(fmt), "%%%s%s%s%c", flags, width, prec, conv);
	check_fmt(fmt, 0, 0, 0, v);
}

static const char convs[] = "feEgGF";
static const char *const flag_sets[] = {"",   "-",  "+",  " ",	"#",	 "0",	"-+", "+ ",
					"#0", "-#", "+0", " 0", "-+ #0", "+#0", " #"};
static const char *const widths[] = {"", "1", "8", "25"};
static const char *const precs[] = {"", ".0", ".1", ".3", ".6", ".10", ".17", ".40"};

/* Every conversion, flag set, width and precision of the lists above. */
static void check_all_formats(double v)
{
	for (const char *c = convs; *c; c++)
		for (size_t f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++)
			for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
				for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
					check_parts(flag_sets[f], widths[w], precs[p], *c, v);
}

/* Values where rounding, exponents and special cases change. */
static const double edges[] = {
    0.0,
    1.0,
    0.5,
    1.5,
    2.5,
    0.125,
    0.375,
    1e-5,
    1e-4,
    9.5e-5,
    99999.5,
    999999.5,
    1e15,
    1e16,
    1e17,
    1e21,
    1e22,
    1e23,
    123.456,
    0.1,
    0.3,
    2.0 / 3,
    1e300,
    1e-300,
    5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    4503599627370495.5,
    9007199254740993.0,
    0.000123456789,
    1234567.0,
    9.9999999e-5,
    0.99999999,
    9.9999999,
    65536.0,
    3.14159265358979,
};

static void test_edges(void **state)
{
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		check_all_formats(edges[i]);
		check_all_formats(-edges[i]);
	}
}

static void test_special(void **state)
{
	check_all_formats(INFINITY);
	check_all_formats(-INFINITY);
	check_all_formats(NAN);
	check_all_formats(-NAN);
}

/* Ties round to even (glibc rounds the exact value), and what is only
 * near a tie in decimal is not one in binary. */
static void test_ties(void **state)
{
	static const struct {
		const char *fmt, *want;
		double v;
	} cases[] = {
	    {"%.2f", "0.12", 0.125}, {"%.0f", "2", 2.5},    {"%.0f", "4", 3.5},
	    {"%.0f", "0", 0.5},	     {"%.1f", "0.1", 0.15}, {"%.2e", "1.12e+00", 1.125},
	    {"%.0e", "2e+00", 2.5},  {"%.1g", "0.2", 0.25},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char got[64];
		fmt_float_hook = fmt_float;
		shoji_snprintf(got, sizeof(got), cases[i].fmt, cases[i].v);
		assert_string_equal(got, cases[i].want);
		check_fmt(cases[i].fmt, 0, 0, 0, cases[i].v);
	}
}

/* The exact expansion of the extremes, every digit. */
static void test_long_precision(void **state)
{
	check_fmt("%.1100f", 0, 0, 0, 5e-324);
	check_fmt("%.800e", 0, 0, 0, 5e-324);
	check_fmt("%.400f", 0, 0, 0, 1.7976931348623157e308);
	check_fmt("%.330e", 0, 0, 0, 1.7976931348623157e308);
	check_fmt("%.1080g", 0, 0, 0, 2.2250738585072014e-308);
	check_fmt("%#.0f", 0, 0, 0, 7.0);
	check_fmt("%#.0e", 0, 0, 0, 7.0);
	check_fmt("%#g", 0, 0, 0, 100000.0);
	check_alt_g("#", "", -1, 'g', 999999.5); /* glibc's "1.e+06" */
}

/* '*' width and precision, negative ones included. */
static void test_star(void **state)
{
	static const int stars[] = {-30, -12, -1, 0, 1, 5, 12, 30};
	for (size_t i = 0; i < 8; i++)
		for (size_t j = 0; j < 8; j++) {
			check_fmt("%*.*f", stars[i], stars[j], 2, -3.0625);
			check_fmt("%*.*e", stars[i], stars[j], 2, 1234.5);
			check_fmt("%-*.*g", stars[i], stars[j], 2, 0.0001234);
			check_fmt("%.*g", 0, stars[j], 1, 6.02214076e23);
		}
}

/* Random bit patterns: every exponent, subnormals included. */
static void test_random(void **state)
{
	srand(16);
	for (int i = 0; i < 20000; i++) {
		uint64_t bits =
		    ((uint64_t)rand() << 62) ^ ((uint64_t)rand() << 31) ^ (uint64_t)rand();
		double v = from_bits(bits);
		if (isnan(v))
			continue;
		check_parts(flag_sets[rand() % (sizeof(flag_sets) / sizeof(flag_sets[0]))],
			    widths[rand() % (sizeof(widths) / sizeof(widths[0]))],
			    precs[rand() % (sizeof(precs) / sizeof(precs[0]))], convs[rand() % 6],
			    v);
	}
	/* Values of ordinary size, where %f prints many digits. */
	for (int i = 0; i < 20000; i++) {
		double v = (rand() - RAND_MAX / 2) / (double)(1 << (rand() % 40)) * 1000;
		check_fmt(i & 1 ? "%.12f" : "%.15g", 0, 0, 0, v);
		check_fmt(i & 1 ? "%+.9e" : "% -14.7f", 0, 0, 0, v);
	}
}

/* The task build's integer conversions take the '+' and ' ' flags too,
 * and a float conversion among integers takes its double in order. */
static void test_int_sign_flags_and_mix(void **state)
{
	static const int values[] = {0, 1, -1, 42, INT_MAX, INT_MIN};
	static const char *const fmts[] = {"%+d", "% d", "%+5d", "% -5d|", "%+05d", "% +d", "%+u"};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
			char want[64], got[64];
			int wn = snprintf(want, sizeof(want), fmts[f], values[i]);
			int gn = shoji_snprintf(got, sizeof(got), fmts[f], values[i]);
			assert_int_equal(gn, wn);
			assert_string_equal(got, want);
		}
	char want[128], got[128];
	fmt_float_hook = fmt_float;
	int wn =
	    snprintf(want, sizeof(want), "[%d %.3f %s %e %ld %g]", 7, 2.5, "x", -1e-7, 9L, 1e9);
	int gn =
	    shoji_snprintf(got, sizeof(got), "[%d %.3f %s %e %ld %g]", 7, 2.5, "x", -1e-7, 9L, 1e9);
	assert_int_equal(gn, wn);
	assert_string_equal(got, want);
}

/* Without the hook (a task built without SSE) a float conversion is
 * printed as an unknown one, and the text is cut at the buffer's end. */
static void test_no_hook_and_truncation(void **state)
{
	char got[16];
	const char *fmt = "%f|%d"; /* no literal: -Wformat knows no hook */
	fmt_float_hook = NULL;
	assert_int_equal(shoji_snprintf(got, sizeof(got), fmt, 1), 4);
	assert_string_equal(got, "%f|1");
	fmt_float_hook = fmt_float;
	assert_int_equal(shoji_snprintf(got, 6, "%f", 3.14159), 8);
	assert_string_equal(got, "3.141");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_special),
	    cmocka_unit_test(test_ties),
	    cmocka_unit_test(test_long_precision),
	    cmocka_unit_test(test_star),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_int_sign_flags_and_mix),
	    cmocka_unit_test(test_no_hook_and_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
