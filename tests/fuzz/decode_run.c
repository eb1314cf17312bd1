/* The differential test's loop, the kinds of refusal, and the report. */
#include <string.h>

#include "tests/fuzz/decode_diff.h"

void dd_run(struct dd_oracle *o, uint64_t seed, uint64_t count)
{
	struct dd_gen g;
	dd_gen_init(&g, seed);
	for (uint64_t k = 0; k < count; k++) {
		uint8_t buf[DD_BUF];
		size_t avail = dd_gen_next(&g, buf);
		dd_check(o, buf, avail);
	}
}

/* The kind of a refusal, by the first word of its reason that matches. */
static const struct {
	const char *word;
	enum dd_refusal kind;
} refusal_words[] = {
    {"VEX", DD_REF_VECTOR},
    {"XOP", DD_REF_VECTOR},
    {"x87", DD_REF_VECTOR},
    {"SSE", DD_REF_VECTOR},
    {"MMX", DD_REF_VECTOR},
    {"3DNow", DD_REF_VECTOR},
    {"fwait", DD_REF_VECTOR},
    {"fxsave", DD_REF_VECTOR},
    {"fxrstor", DD_REF_VECTOR},
    {"mxcsr", DD_REF_VECTOR},
    {"0F 38", DD_REF_VECTOR},
    {"0F 3A", DD_REF_VECTOR},
    {"privileged", DD_REF_PRIVILEGED},
    {"prefix", DD_REF_PREFIX},
    {"15 bytes", DD_REF_LENGTH},
    {"invalid", DD_REF_INVALID},
    {"needs a memory", DD_REF_INVALID},
    {"ret", DD_REF_CONTROL},
    {"far pointer", DD_REF_SYSTEM},
    {"far", DD_REF_CONTROL},
    {"int", DD_REF_CONTROL},
    {"through memory", DD_REF_CONTROL},
    {"sys", DD_REF_CONTROL},
    {"I/O", DD_REF_SYSTEM},
    {"PKRU", DD_REF_SYSTEM},
    {"segment", DD_REF_SYSTEM},
    {"push/pop", DD_REF_SYSTEM},
    {"dt (", DD_REF_SYSTEM},
};

enum dd_refusal dd_refusal_kind(const char *why)
{
	for (unsigned k = 0; why && k < sizeof(refusal_words) / sizeof(refusal_words[0]); k++)
		if (strstr(why, refusal_words[k].word))
			return refusal_words[k].kind;
	return DD_REF_OTHER;
}

static const char *const refusal_names[DD_REF_COUNT] = {
    [DD_REF_PREFIX] = "prefix",		[DD_REF_VECTOR] = "x87/SSE/VEX/EVEX/XOP",
    [DD_REF_PRIVILEGED] = "privileged", [DD_REF_CONTROL] = "control transfer",
    [DD_REF_SYSTEM] = "system",		[DD_REF_INVALID] = "invalid",
    [DD_REF_LENGTH] = "over 15 bytes",	[DD_REF_OTHER] = "other",
};

void dd_summary(const struct dd_oracle *o, FILE *f)
{
	const struct dd_counts *n = &o->n;
	fprintf(f,
		"decode-diff: %llu sequences, %llu accepted, %llu refused, %llu truncated, "
		"%llu disagreements\n",
		(unsigned long long)n->sequences, (unsigned long long)n->accepted,
		(unsigned long long)n->refused, (unsigned long long)n->truncated,
		(unsigned long long)n->disagreements);
	fprintf(f, "decode-diff: refused as");
	for (unsigned k = 0; k < DD_REF_COUNT; k++)
		fprintf(f, "%s %s %llu", k ? "," : "", refusal_names[k],
			(unsigned long long)n->refused_as[k]);
	fprintf(f, " (%llu of them valid for Zydis)\n", (unsigned long long)n->refused_valid);
}
