/* plugin.c: the QEMU TCG plugin that feeds the TLB model from a running guest and writes per-region
 * counts. */
#include <stdio.h>
#include <string.h>

#include "bench/tlbmodel/feed.h"
#include "bench/tlbmodel/insn_class.h"
#include "bench/tlbmodel/qemu_plugin_api.h"

/*
 * docs/tlb-model.md ("The plugin") says what it does, its arguments and
 * its output.  This file is the QEMU glue: when a block is translated it
 * classifies each instruction (insn_class.h) and asks for the callbacks
 * below; when they run, the feed (feed.h) does the rest for the vCPU
 * QEMU names, on that vCPU's thread.
 */

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static struct feed *feed;
static FILE *out;
/* QEMU 7.2's inline add has one counter for all vCPUs, and is no atomic
 * add under MTTCG: with one vCPU it counts, with more a callback adds to
 * the vCPU's own counter. */
static int inline_count;

/* --- arguments ------------------------------------------------------------ */

enum { ARG_CPU, ARG_OUT, ARG_GLOBAL, ARG_PCID };
static const char *const cpu_values[] = {"skylake", "zen2", NULL};
static const char *const global_values[] = {"upper", "none", NULL};
/* In enum feed_pcid's order. */
static const char *const pcid_values[] = {"off", "hints", "model", NULL};

/* One argument: its name, the values it takes (NULL: any, a file), where
 * the value goes, and its default (NULL: required). */
static struct arg {
	const char *name;
	const char *const *values;
	const char *value;
	const char *dflt;
} args[] = {
    [ARG_CPU] = {"cpu", cpu_values, NULL, NULL},
    [ARG_OUT] = {"out", NULL, NULL, NULL},
    [ARG_GLOBAL] = {"global", global_values, NULL, "upper"},
    [ARG_PCID] = {"pcid", pcid_values, NULL, "off"},
};
#define NARGS (sizeof args / sizeof args[0])

/* Prints why the plugin refuses to install (stderr: QEMU 7.2's
 * qemu_plugin_outs() writes only with -d plugin, and QEMU's own message,
 * "qemu_plugin_install returned error code -1", names no cause); -1. */
static int refuse(const char *fmt, const char *what)
{
	fprintf(stderr, fmt, what);
	return -1;
}

static int value_known(const struct arg *a, const char *v)
{
	if (!a->values)
		return *v != 0;
	for (unsigned i = 0; a->values[i]; i++)
		if (!strcmp(a->values[i], v))
			return 1;
	return 0;
}

static int parse_args(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		unsigned j = 0;
		while (j < NARGS && (!eq || strlen(args[j].name) != (size_t)(eq - argv[i]) ||
				     strncmp(args[j].name, argv[i], (size_t)(eq - argv[i]))))
			j++;
		if (j == NARGS)
			return refuse("tlbmodel: unknown argument '%s' (known: cpu=skylake|zen2, "
				      "out=FILE, global=upper|none, pcid=off|hints|model)\n",
				      argv[i]);
		if (!value_known(&args[j], eq + 1))
			return refuse("tlbmodel: bad value in '%s'\n", argv[i]);
		args[j].value = eq + 1;
	}
	for (unsigned j = 0; j < NARGS; j++) {
		if (!args[j].value)
			args[j].value = args[j].dflt;
		if (!args[j].value)
			return refuse("tlbmodel: missing argument %s=\n", args[j].name);
	}
	return 0;
}

/* --- what executes ---------------------------------------------------------- */

/* userdata: the class, kind in bits 15:0 and a marker's op in 31:16;
 * bit 32 set when the instruction lies in the upper half (the kernel's:
 * feed.h, feed_insn()). */
#define UPPER_BIT 32
_Static_assert(sizeof(uintptr_t) * 8 > UPPER_BIT, "userdata holds the upper-half bit");

static void exec_insn(unsigned int vcpu, void *udata)
{
	uintptr_t u = (uintptr_t)udata;
	feed_insn(feed, vcpu, (enum insn_kind)(u & 0xffff), (uint16_t)(u >> 16),
		  (int)(u >> UPPER_BIT & 1));
}

/* userdata: the address of a page the block's instructions run from. */
static void exec_fetch(unsigned int vcpu, void *udata)
{
	feed_fetch(feed, vcpu, (uint64_t)(uintptr_t)udata);
}

static void exec_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	(void)udata;
	feed_mem(feed, vcpu, vaddr, qemu_plugin_mem_is_store(info));
}

static void exec_count(unsigned int vcpu, void *udata)
{
	(void)udata;
	uint64_t *n = feed_insn_counter(feed, vcpu);
	if (n)
		(*n)++;
}

static void fetch_cb(struct qemu_plugin_insn *insn, uint64_t page)
{
	qemu_plugin_register_vcpu_insn_exec_cb(insn, exec_fetch, QEMU_PLUGIN_CB_NO_REGS,
					       (void *)(uintptr_t)(page << TLBM_PAGE_SHIFT));
}

static void translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	size_t n = qemu_plugin_tb_n_insns(tb);
	uint64_t last = 0;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(insn);
		size_t size = qemu_plugin_insn_size(insn);
		uint64_t first = va >> TLBM_PAGE_SHIFT, end = (va + size - 1) >> TLBM_PAGE_SHIFT;
		/* Each page once per block, when its first instruction runs; an
		 * instruction across a page boundary fetches both. */
		if (i == 0 || first != last)
			fetch_cb(insn, first);
		if (end != first)
			fetch_cb(insn, end);
		last = end;
		if (inline_count)
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
								   feed_insn_counter(feed, 0), 1);
		else
			qemu_plugin_register_vcpu_insn_exec_cb(insn, exec_count,
							       QEMU_PLUGIN_CB_NO_REGS, NULL);
		qemu_plugin_register_vcpu_mem_cb(insn, exec_mem, QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_RW, NULL);
		struct insn_class c = insn_classify(qemu_plugin_insn_data(insn), size);
		if (c.kind != INSN_NONE)
			qemu_plugin_register_vcpu_insn_exec_cb(
			    insn, exec_insn, QEMU_PLUGIN_CB_NO_REGS,
			    (void *)(uintptr_t)((uintptr_t)c.kind | (uintptr_t)c.op << 16 |
						(uintptr_t)(va >> 63) << UPPER_BIT));
	}
}

/* --- install and exit ------------------------------------------------------- */

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	feed_finish(feed);
	fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
					   char **argv)
{
	const char *why;
	if (parse_args(argc, argv) < 0)
		return -1;
	if (!info->system_emulation)
		return refuse("tlbmodel: %s: system emulation only\n", info->target_name);
	/* max_vcpus: a vCPU plugged in later has an index below it. */
	struct feed_options opt = {.global_upper = !strcmp(args[ARG_GLOBAL].value, "upper"),
				   .vcpus = (unsigned)info->system.max_vcpus};
	inline_count = opt.vcpus == 1;
	while (strcmp(pcid_values[opt.pcid], args[ARG_PCID].value))
		opt.pcid++;
	out = fopen(args[ARG_OUT].value, "w");
	if (!out)
		return refuse("tlbmodel: out=%s: cannot write\n", args[ARG_OUT].value);
	feed = feed_new(tlbm_preset(args[ARG_CPU].value), &opt, out, &why);
	if (!feed) {
		fclose(out);
		return refuse("tlbmodel: model: %s\n", why);
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, translate);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
