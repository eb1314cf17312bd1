/* kvserver: a key-value store served over IPC, one request per call, until every client has quit.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <user.h>

#include "kvproto.h"

/*
 * usage: kvserver [CLIENTS]   (default 1)
 *
 * Keeps up to TABLE_SLOTS entries in an open-addressing hash table on the
 * heap (malloc), answers each request with sys_reply_recv (the reply and
 * the next receive in one system call) and exits 0 after the CLIENTS-th
 * KV_QUIT, printing what it served.
 */

#define TABLE_SLOTS 1024 /* a power of two */

/* A slot once used stays used (open addressing probes past it); a
 * deleted key's slot is used but not live. */
struct entry {
	uint8_t used, live, klen, vlen;
	char key[KV_KEY_MAX];
	char val[KV_VAL_MAX];
};

static struct entry *table;

/* FNV-1a over the key's bytes. */
static unsigned hash(const char *k, unsigned n)
{
	uint32_t h = 2166136261u;
	for (unsigned i = 0; i < n; i++)
		h = (h ^ (uint8_t)k[i]) * 16777619u;
	return h & (TABLE_SLOTS - 1);
}

/* The slot holding @key, or the free slot where it would go; NULL when
 * the table is full and the key is not in it. */
static struct entry *lookup(const char *key, unsigned klen)
{
	unsigned h = hash(key, klen);
	for (unsigned i = 0; i < TABLE_SLOTS; i++) {
		struct entry *e = &table[(h + i) & (TABLE_SLOTS - 1)];
		if (!e->used || (e->klen == klen && !memcmp(e->key, key, klen)))
			return e;
	}
	return NULL;
}

/* Answers one request in @m, in place; returns the reply's length. */
static size_t serve(struct kv_msg *m, long len)
{
	if (len < 4 || m->klen > KV_KEY_MAX || m->vlen > KV_VAL_MAX) {
		m->op = KV_BAD;
		return 4;
	}
	struct entry *e = lookup(m->key, m->klen);
	switch (m->op) {
	case KV_PUT:
		if (!e) {
			m->op = KV_FULL;
			return 4;
		}
		e->used = e->live = 1;
		e->klen = m->klen;
		e->vlen = m->vlen;
		memcpy(e->key, m->key, m->klen);
		memcpy(e->val, m->val, m->vlen);
		m->op = KV_OK;
		return 4;
	case KV_GET:
		if (!e || !e->live) {
			m->op = KV_MISSING;
			return 4;
		}
		m->op = KV_OK;
		m->vlen = e->vlen;
		memcpy(m->val, e->val, e->vlen);
		return sizeof(*m);
	case KV_DEL:
		m->op = e && e->live ? KV_OK : KV_MISSING;
		if (e)
			e->live = 0;
		return 4;
	default:
		m->op = KV_BAD;
		return 4;
	}
}

int main(int argc, char **argv)
{
	int clients = argc > 1 ? atoi(argv[1]) : 1;
	if (clients < 1) {
		printf("usage: kvserver [CLIENTS]\n");
		return 2;
	}
	table = calloc(TABLE_SLOTS, sizeof(*table));
	if (!table) {
		printf("kvserver: no memory for %d entries\n", TABLE_SLOTS);
		return 1;
	}

	struct kv_msg m;
	long from = 0, served = 0;
	long len = sys_recv(0, &m, sizeof(m), &from);
	for (;;) {
		if (len < 0) {
			printf("kvserver: receive failed: %s\n", sys_errname(len));
			return 1;
		}
		bool quit = len >= 4 && m.op == KV_QUIT;
		if (quit && --clients == 0)
			break;
		size_t rlen = 4;
		if (quit)
			m.op = KV_OK;
		else
			rlen = serve(&m, len);
		served++;
		len = sys_reply_recv(from, &m, rlen, &m, sizeof(m), &from);
	}
	m.op = KV_OK;
	sys_send(from, &m, 4); /* the last client's KV_QUIT */
	free(table);
	printf("kvserver: served %ld requests\n", served);
	return 0;
}
