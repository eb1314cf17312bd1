/* kvproto.h: the key-value store's messages, shared by kvserver.c and kvclient.c. */
#ifndef KVPROTO_H
#define KVPROTO_H

#include <stdint.h>

/*
 * One request per IPC call, one reply per request.  Keys and values are
 * byte strings of at most KV_KEY_MAX and KV_VAL_MAX bytes, so a message
 * is at most 64 bytes: every request takes the kernel's IPC fast path
 * when the server waits (SHOJI_IPC_FAST_MAX, include/shoji/abi.h).
 */
#define KV_KEY_MAX 16
#define KV_VAL_MAX 40

enum kv_op {
	KV_PUT = 1,  /* key, value: stored; reply KV_OK */
	KV_GET = 2,  /* key: reply KV_OK with the value, or KV_MISSING */
	KV_DEL = 3,  /* key: reply KV_OK, or KV_MISSING */
	KV_QUIT = 4, /* this client is done; the server exits after the last */
};

enum kv_status {
	KV_OK = 0,
	KV_MISSING = 1,
	KV_FULL = 2,
	KV_BAD = 3, /* a malformed request */
};

struct kv_msg {
	uint8_t op;   /* enum kv_op in a request, enum kv_status in a reply */
	uint8_t klen; /* bytes of key */
	uint8_t vlen; /* bytes of value */
	uint8_t pad;
	char key[KV_KEY_MAX];
	char val[KV_VAL_MAX];
};
_Static_assert(sizeof(struct kv_msg) == 60, "a message fits the IPC fast path");

#endif
