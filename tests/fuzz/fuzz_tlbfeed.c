/* libFuzzer target: the TLB-model plugin's feed (bench/tlbmodel/feed.c) under any executed stream,
 * its JSON lines checked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shoji/tlbmark.h"

#include "bench/tlbmodel/feed.h"
#include "vmm/json_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input drives the feed as bench/tlbmodel/plugin.c does, from a
 * hostile guest: byte 0 picks the preset and the options (global=,
 * pcid=off|hints|model, one vCPU or two), then events
 * of 10 bytes: a type (bit 2: the vCPU, with two), a byte and 8 bytes of
 * address (or a kind, an op and the upper-half bit).  Types: an instruction of any class (a
 * marker with any op, in either half), a fetch, a load, a store; the
 * addresses favour the window and the pages next to it, where the hints
 * are.  Whatever the stream:
 *   - every line written is exactly one JSON object (vmm/json_check.c:
 *     what bench/steps/tlbjoin.jq's jq reads);
 *   - with no hint marker in the upper half (the kernel's), no hint is
 *     taken: no window (hints_seen false) and no MOV to CR3 without a
 *     flush (cr3_noflush 0).
 */
#define WINDOW UINT64_C(0xffffffff80200000)
#define EVENT 10

static uint64_t address(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p + 1, sizeof(v));
	switch (p[0] & 3) {
	case 0: /* in or near the window */
		return WINDOW + (v & 0x3fff) - 0x1000;
	case 1: /* a user page */
		return v & 0xffffffffffull;
	default:
		return v;
	}
}

static void check_lines(const char *text, size_t len, int kernel_hints)
{
	const char *why, *last = text;
	for (const char *p = text; p < text + len;) {
		const char *nl = memchr(p, '\n', (size_t)(text + len - p));
		if (!nl)
			__builtin_trap(); /* a line without its end */
		if (!json_check_object(p, (size_t)(nl - p), &why))
			__builtin_trap();
		last = p;
		p = nl + 1;
	}
	if (!kernel_hints &&
	    (!strstr(last, "\"hints_seen\":false,") || !strstr(last, "\"cr3_noflush\":0,")))
		__builtin_trap(); /* a task's hint was taken */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = NULL;
	size_t len = 0;
	const char *why;
	int kernel_hints = 0;

	if (size < 1)
		return 0;
	struct feed_options opt = {.global_upper = data[0] & 1,
				   .pcid = (enum feed_pcid)((data[0] >> 1 & 3) % 3),
				   .vcpus = 1u + (data[0] >> 4 & 1)};
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return 0;
	struct feed *fd = feed_new(tlbm_preset(data[0] & 8 ? "zen2" : "skylake"), &opt, out, &why);
	if (!fd)
		__builtin_trap();
	for (size_t at = 1; at + EVENT <= size; at += EVENT) {
		const uint8_t *e = data + at;
		unsigned vcpu = (e[0] >> 2 & 1) % opt.vcpus; /* two cores interleaved */
		switch (e[0] % 4) {
		case 0: {
			enum insn_kind kind = (enum insn_kind)(e[1] % INSN_KINDS);
			uint16_t op = (uint16_t)(e[2] & 0x80 ? e[3] & 0x1f : e[3] | e[4] << 8);
			int upper = e[5] & 1;
			(*feed_insn_counter(fd, vcpu))++;
			if (kind == INSN_NONE)
				break;
			if (kind == INSN_MARKER && upper && op >= TLBMARK_HINT_WINDOW)
				kernel_hints = 1;
			feed_insn(fd, vcpu, kind, op, upper);
			break;
		}
		case 1:
			feed_fetch(fd, vcpu, address(e + 1));
			break;
		default:
			feed_mem(fd, vcpu, address(e + 1), e[0] % 4 == 3);
			break;
		}
	}
	feed_finish(fd);
	fclose(out);
	check_lines(text, len, kernel_hints);
	free(text);
	return 0;
}
