/* libcfloat: printf's float conversions in a task built with SSE (needs FPU state). */
#include <stdio.h>
#include <string.h>

/*
 * Prints fixed values with %f, %e and %g, and checks snprintf's text of a
 * few against what C11 and glibc give: "libcfloat: N checks passed", or a
 * "libcfloat: FAIL" line (exit 1).
 */
int main(void)
{
	static const struct {
		const char *fmt, *want;
		double v;
	} cases[] = {
	    {"%.2f", "0.12", 0.125},	       {"%.0f", "2", 2.5},
	    {"%e", "1.000000e+100", 1e100},    {"%g", "0.0001", 0.0001},
	    {"%+08.3f", "-003.142", -3.14159}, {"%G", "1E-05", 0.00001},
	};
	int checks = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[64];
		snprintf(buf, sizeof(buf), cases[i].fmt, cases[i].v);
		if (strcmp(buf, cases[i].want) != 0) {
			printf("libcfloat: FAIL %s gave \"%s\", want \"%s\"\n", cases[i].fmt, buf,
			       cases[i].want);
			return 1;
		}
		checks++;
	}
	printf("libcfloat: %f %e %g\n", 3.25, -1234.5, 1e-10);
	printf("libcfloat: %d checks passed\n", checks);
	return 0;
}
