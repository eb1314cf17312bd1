/* kvclient: fills the key-value server, reads every key back and checks it, measuring the reads. */
#include <stdio.h>
#include <stdlib.h>
#include <roi.h>
#include <string.h>
#include <user.h>

#include "kvproto.h"

/*
 * usage: kvclient SERVER_ID [KEYS]   (KEYS default 200, at most 1000)
 *
 * Puts KEYS keys "key-<i>" with the values "value <i> <i*i>", gets each
 * back and compares, deletes the even ones and checks that they are gone,
 * then sends KV_QUIT.  The gets are the region of interest: its RESULT
 * line (the runtime's measurement API, docs/measuring.md) gives cycles and
 * the kernel's events per get.  Exits 0 when every reply was right, 1 at
 * the first wrong one (naming it).
 */

static long server;

/* One request, its reply in @m; ends the task when the call fails. */
static void call(struct kv_msg *m)
{
	long n = sys_call(server, m, sizeof(*m), m, sizeof(*m));
	if (n < 4) {
		printf("kvclient: call to task %ld failed: %s\n", server,
		       n < 0 ? sys_errname(n) : "short reply");
		exit(1);
	}
}

static void request(struct kv_msg *m, enum kv_op op, unsigned i)
{
	memset(m, 0, sizeof(*m));
	m->op = (uint8_t)op;
	m->klen = (uint8_t)snprintf(m->key, sizeof(m->key), "key-%u", i);
}

static void expect(const struct kv_msg *m, enum kv_status want, const char *what, unsigned i)
{
	if (m->op != want) {
		printf("kvclient: %s of key-%u: status %u, expected %u\n", what, i, m->op, want);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	server = argc > 1 ? atol(argv[1]) : 0;
	unsigned keys = argc > 2 ? (unsigned)atoi(argv[2]) : 200;
	if (server <= 0 || keys == 0 || keys > 1000) {
		printf("usage: kvclient SERVER_ID [KEYS]  (1 <= KEYS <= 1000)\n");
		return 2;
	}
	struct kv_msg m;
	struct roi r;
	char want[KV_VAL_MAX];

	for (unsigned i = 0; i < keys; i++) {
		request(&m, KV_PUT, i);
		m.vlen = (uint8_t)snprintf(m.val, sizeof(m.val), "value %u %u", i, i * i);
		call(&m);
		expect(&m, KV_OK, "put", i);
	}

	roi_begin(&r);
	for (unsigned i = 0; i < keys; i++) {
		request(&m, KV_GET, i);
		call(&m);
		expect(&m, KV_OK, "get", i);
		int n = snprintf(want, sizeof(want), "value %u %u", i, i * i);
		if (m.vlen != n || memcmp(m.val, want, (size_t)n)) {
			printf("kvclient: get of key-%u: \"%.*s\", expected \"%s\"\n", i, m.vlen,
			       m.val, want);
			return 1;
		}
	}
	roi_end(&r);
	roi_result(
	    &r, &(struct roi_report){.benchmark = "kvstore_get", .variant = "keys", .ops = keys});

	for (unsigned i = 0; i < keys; i += 2) {
		request(&m, KV_DEL, i);
		call(&m);
		expect(&m, KV_OK, "delete", i);
	}
	for (unsigned i = 0; i < keys; i++) {
		request(&m, KV_GET, i);
		call(&m);
		expect(&m, i % 2 ? KV_OK : KV_MISSING, "get after delete", i);
	}
	request(&m, KV_QUIT, 0);
	call(&m);
	printf("kvclient: %u keys put, read back and half deleted: all replies right\n", keys);
	return 0;
}
