/* plugin.c: the QEMU TCG plugin that feeds the TLB model from a running guest and writes per-region counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shoji/tlbmark.h"
#include "bench/tlbmodel/insn_class.h"
#include "bench/tlbmodel/qemu_plugin_api.h"
#include "bench/tlbmodel/tlbmodel.h"

/*
 * docs/tlb-model.md ("The plugin") says what it does, its arguments and
 * its output.  In short: every translation block's instruction pages are
 * fed to the model as fetches when they execute, every memory access as a
 * load or store by virtual address; the instructions of insn_class.h are
 * counted, and MOV to CR3 / CR4, INVLPG and INVPCID act on the model as
 * far as the plugin knows their operands (QEMU 7.2 gives a plugin no
 * register values: the kernel's hints, include/shoji/tlbmark.h, supply
 * them).  One vCPU: the state below is the machine's.
 */

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum unmodelled { UNM_INVLPG, UNM_INVPCID, UNM_CR4, UNMODELLED };

/* Everything a region reports, as running totals; a region is the
 * difference of two snapshots. */
struct stats {
	struct tlbm_counters tlb;
	uint64_t insns;
	uint64_t events[INSN_KINDS];
	uint64_t unmodelled[UNMODELLED];
	uint64_t hint_errors;
};

/* A hint whose loads are still coming (op 0: none), and one that is
 * complete and waits for its instruction (armed 0: none). */
struct hint {
	uint16_t op;
	unsigned need, got;
	uint64_t chunk[TLBMARK_INVPCID_LOADS];
	uint16_t armed;
	uint64_t value, value2, value3; /* CR3 value / CR4 bits / page; INVPCID type, PCID */
};

static struct {
	struct tlbm *m;
	FILE *out;
	int global_upper, pcid_hints;
	struct stats now, begin; /* now.tlb is refreshed from the model when read */
	int in_region;
	uint64_t regions, unpaired;
	int hints_seen;
	uint64_t window;
	struct hint h;
} st;

/* --- arguments ------------------------------------------------------------ */

static const char *const cpu_values[] = {"skylake", "zen2", NULL};
static const char *const global_values[] = {"upper", "none", NULL};
static const char *const pcid_values[] = {"off", "hints", NULL};

/* One argument: its name, the values it takes (NULL: any, a file), where
 * the value goes, and its default (NULL: required). */
static struct arg {
	const char *name;
	const char *const *values;
	const char *value;
	const char *dflt;
} args[] = {
    {"cpu", cpu_values, NULL, NULL},
    {"out", NULL, NULL, NULL},
    {"global", global_values, NULL, "upper"},
    {"pcid", pcid_values, NULL, "off"},
};
#define NARGS (sizeof args / sizeof args[0])

static int refuse(const char *fmt, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof msg, fmt, what);
	qemu_plugin_outs(msg);
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
				      "out=FILE, global=upper|none, pcid=off|hints)\n",
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

/* --- output --------------------------------------------------------------- */

static void put_kind(FILE *f, const char *name, const struct tlbm_counters *c, enum tlbm_kind k)
{
	fprintf(f,
		"\"%s\":{\"l1_misses\":%llu,\"l2_misses\":%llu,\"walks\":%llu,\"accesses\":%llu},",
		name, (unsigned long long)c->misses[TLBM_L1][k],
		(unsigned long long)c->misses[TLBM_L2][k], (unsigned long long)c->walks[k],
		(unsigned long long)(c->hits[TLBM_L1][k] + c->misses[TLBM_L1][k]));
}

/* The events of the output, in its order (docs/tlb-model.md). */
static const enum insn_kind event_order[] = {
    INSN_SYSCALL, INSN_SYSRET,	INSN_SYSENTER, INSN_SYSEXIT, INSN_IRETQ, INSN_INT,   INSN_WRPKRU,
    INSN_RDPKRU,  INSN_MOV_CR3, INSN_MOV_CR4,  INSN_INVLPG,  INSN_INVPCID, INSN_XSAVE, INSN_XRSTOR,
};

/* The fields of a region and of the total, without the braces. */
static void put_stats(FILE *f, const struct stats *s)
{
	const struct tlbm_counters *c = &s->tlb;
	uint64_t dropped = 0;
	for (unsigned i = 0; i < TLBM_CAUSES; i++)
		dropped += c->dropped[i];
	fprintf(f, "\"insns\":%llu,", (unsigned long long)s->insns);
	put_kind(f, "fetch", c, TLBM_FETCH);
	put_kind(f, "load", c, TLBM_LOAD);
	put_kind(f, "store", c, TLBM_STORE);
	fprintf(f,
		"\"cr3_writes\":%llu,\"cr3_noflush\":%llu,\"flushes\":{\"cr3\":%llu,\"invlpg\":%llu,"
		"\"invpcid\":%llu,\"cr4\":%llu},\"dropped\":%llu,\"events\":{",
		(unsigned long long)c->cr3_writes, (unsigned long long)c->cr3_noflush,
		(unsigned long long)c->flushes[TLBM_CAUSE_CR3],
		(unsigned long long)c->flushes[TLBM_CAUSE_INVLPG],
		(unsigned long long)(c->flushes[TLBM_CAUSE_INVPCID0] + c->flushes[TLBM_CAUSE_INVPCID1] +
				     c->flushes[TLBM_CAUSE_INVPCID2] + c->flushes[TLBM_CAUSE_INVPCID3]),
		(unsigned long long)c->flushes[TLBM_CAUSE_CR4], (unsigned long long)dropped);
	for (unsigned i = 0; i < sizeof event_order / sizeof event_order[0]; i++)
		fprintf(f, "%s\"%s\":%llu", i ? "," : "", insn_kind_name(event_order[i]),
			(unsigned long long)s->events[event_order[i]]);
	fprintf(f, "},\"unmodelled\":{\"invlpg\":%llu,\"invpcid\":%llu,\"cr4\":%llu},\"hint_errors\":%llu",
		(unsigned long long)s->unmodelled[UNM_INVLPG],
		(unsigned long long)s->unmodelled[UNM_INVPCID],
		(unsigned long long)s->unmodelled[UNM_CR4], (unsigned long long)s->hint_errors);
}

/* st.now with the model's counters as they are. */
static const struct stats *stats_now(void)
{
	st.now.tlb = *tlbm_counters(st.m);
	return &st.now;
}

static void stats_sub(struct stats *out, const struct stats *end, const struct stats *start)
{
	tlbm_counters_sub(&out->tlb, &end->tlb, &start->tlb);
	out->insns = end->insns - start->insns;
	for (unsigned i = 0; i < INSN_KINDS; i++)
		out->events[i] = end->events[i] - start->events[i];
	for (unsigned i = 0; i < UNMODELLED; i++)
		out->unmodelled[i] = end->unmodelled[i] - start->unmodelled[i];
	out->hint_errors = end->hint_errors - start->hint_errors;
}

/* --- regions and hints ------------------------------------------------------ */

static void roi_begin(void)
{
	if (st.in_region)
		st.unpaired++; /* the open region is dropped, never joined */
	st.begin = *stats_now();
	st.in_region = 1;
}

static void roi_end(void)
{
	if (!st.in_region) {
		st.unpaired++;
		return;
	}
	struct stats d;
	stats_sub(&d, stats_now(), &st.begin);
	d.insns--; /* the instructions strictly between the markers (the END marker's excluded) */
	fprintf(st.out, "{\"region\":%llu,", (unsigned long long)st.regions++);
	put_stats(st.out, &d);
	fputs("}\n", st.out);
	st.in_region = 0;
}

/* The loads each hint op takes (0: not a hint op). */
static const struct {
	uint16_t op;
	unsigned loads;
} hint_ops[] = {
    {TLBMARK_HINT_WINDOW, TLBMARK_WINDOW_LOADS}, {TLBMARK_CR3_FLUSH, TLBMARK_CR3_LOADS},
    {TLBMARK_CR3_NOFLUSH, TLBMARK_CR3_LOADS},	 {TLBMARK_INVLPG, TLBMARK_INVLPG_LOADS},
    {TLBMARK_INVPCID, TLBMARK_INVPCID_LOADS},	 {TLBMARK_CR4, TLBMARK_CR4_LOADS},
};

static void hint_error(void)
{
	st.now.hint_errors++;
	st.h.op = 0;
}

static void hint_start(uint16_t op)
{
	for (unsigned i = 0; i < sizeof hint_ops / sizeof hint_ops[0]; i++)
		if (hint_ops[i].op == op) {
			if (st.h.op)
				hint_error(); /* the previous one never got its loads */
			st.h.op = op;
			st.h.need = hint_ops[i].loads;
			st.h.got = 0;
			return;
		}
	/* an unknown op: a marker like any other NOP */
}

/* A page number of 36 bits (4 chunks from c), sign-extended from bit 35. */
static uint64_t hint_page(const uint64_t *c)
{
	uint64_t vpn = c[0] | c[1] << 12 | c[2] << 24 | c[3] << 36;
	uint64_t va = vpn << TLBM_PAGE_SHIFT;
	return va & (UINT64_C(1) << 47) ? va | UINT64_C(0xffff000000000000) : va;
}

static void apply_cr4(uint64_t bits)
{
	tlbm_write_cr4(st.m, (bits & TLBMARK_CR4_PGE) != 0,
		       st.pcid_hints && (bits & TLBMARK_CR4_PCIDE));
}

/* All the loads of st.h are in: announce the window, or arm the hint for
 * its instruction. */
static void hint_complete(void)
{
	const uint64_t *c = st.h.chunk;
	st.h.armed = st.h.op;
	switch (st.h.op) {
	case TLBMARK_HINT_WINDOW:
		st.hints_seen = 1;
		st.h.armed = 0;
		apply_cr4(c[1]);
		break;
	case TLBMARK_CR3_FLUSH:
	case TLBMARK_CR3_NOFLUSH:
		st.h.value = c[0] | (st.h.op == TLBMARK_CR3_NOFLUSH ? TLBM_CR3_NOFLUSH : 0);
		break;
	case TLBMARK_INVLPG:
		st.h.value = hint_page(c);
		break;
	case TLBMARK_INVPCID:
		st.h.value2 = c[0];
		st.h.value3 = c[1];
		st.h.value = hint_page(c + 2);
		break;
	default: /* TLBMARK_CR4 */
		st.h.value = c[0];
		break;
	}
	st.h.op = 0;
}

/* A load while a hint waits for its loads: 1 when it was the hint's. */
static int hint_load(uint64_t vaddr, int store)
{
	if (st.h.op == TLBMARK_HINT_WINDOW && st.h.got == 0 && !store)
		st.window = vaddr;
	else if (store || !st.hints_seen || vaddr - st.window >= TLBMARK_WINDOW_SIZE) {
		hint_error();
		return 0;
	}
	st.h.chunk[st.h.got++] = vaddr - st.window;
	if (st.h.got == st.h.need)
		hint_complete();
	return 1;
}

/* The armed hint for an instruction of `op`'s kind (either CR3 op), or
 * 0; a hint armed for another instruction is an error and goes. */
static int hint_take(uint16_t op)
{
	uint16_t armed = st.h.armed;
	st.h.armed = 0;
	if (!armed)
		return 0;
	if (armed == TLBMARK_CR3_NOFLUSH)
		armed = TLBMARK_CR3_FLUSH;
	if (armed != op) {
		st.now.hint_errors++;
		return 0;
	}
	return 1;
}

/* --- what executes ---------------------------------------------------------- */

static void on_mov_cr3(void)
{
	uint64_t v = hint_take(TLBMARK_CR3_FLUSH) && st.pcid_hints ? st.h.value : 0;
	tlbm_write_cr3(st.m, v);
}

static void on_mov_cr4(void)
{
	if (hint_take(TLBMARK_CR4))
		apply_cr4(st.h.value);
	else
		st.now.unmodelled[UNM_CR4]++;
}

static void on_invlpg(void)
{
	if (hint_take(TLBMARK_INVLPG))
		tlbm_invlpg(st.m, st.h.value);
	else
		st.now.unmodelled[UNM_INVLPG]++;
}

static void on_invpcid(void)
{
	const char *why;
	if (!hint_take(TLBMARK_INVPCID))
		st.now.unmodelled[UNM_INVPCID]++;
	else if (tlbm_invpcid(st.m, (unsigned)st.h.value2, (uint16_t)st.h.value3, st.h.value,
			      &why) < 0)
		st.now.hint_errors++; /* the CPU raised #GP: nothing was invalidated */
}

static void on_marker(uint16_t op)
{
	if (op == TLBMARK_ROI_BEGIN)
		roi_begin();
	else if (op == TLBMARK_ROI_END)
		roi_end();
	else
		hint_start(op);
}

/* Per class, what its execution does beyond being counted. */
static void (*const on_kind[INSN_KINDS])(void) = {
    [INSN_MOV_CR3] = on_mov_cr3,
    [INSN_MOV_CR4] = on_mov_cr4,
    [INSN_INVLPG] = on_invlpg,
    [INSN_INVPCID] = on_invpcid,
};

/* userdata: the class, kind in bits 15:0 and a marker's op in 31:16. */
static void exec_insn(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	uintptr_t u = (uintptr_t)udata;
	enum insn_kind k = (enum insn_kind)(u & 0xffff);
	st.now.events[k]++;
	if (k == INSN_MARKER)
		on_marker((uint16_t)(u >> 16));
	else if (on_kind[k])
		on_kind[k]();
}

static int global_page(uint64_t vaddr)
{
	return st.global_upper && (vaddr >> 63);
}

/* userdata: the address of a page the block's instructions run from. */
static void exec_fetch(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	uint64_t va = (uint64_t)(uintptr_t)udata;
	tlbm_access(st.m, TLBM_FETCH, va, global_page(va));
}

static void exec_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *udata)
{
	(void)vcpu;
	(void)udata;
	int store = qemu_plugin_mem_is_store(info);
	if (st.h.op && hint_load(vaddr, store))
		return;
	tlbm_access(st.m, store ? TLBM_STORE : TLBM_LOAD, vaddr, global_page(vaddr));
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
		qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
							   &st.now.insns, 1);
		qemu_plugin_register_vcpu_mem_cb(insn, exec_mem, QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_RW, NULL);
		struct insn_class c = insn_classify(qemu_plugin_insn_data(insn), size);
		if (c.kind != INSN_NONE)
			qemu_plugin_register_vcpu_insn_exec_cb(
			    insn, exec_insn, QEMU_PLUGIN_CB_NO_REGS,
			    (void *)(uintptr_t)((uintptr_t)c.kind | (uintptr_t)c.op << 16));
	}
}

/* --- install and exit ------------------------------------------------------- */

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	fputs("{\"total\":{", st.out);
	put_stats(st.out, stats_now());
	fprintf(st.out, "},\"regions\":%llu,\"unpaired\":%llu,\"hints_seen\":%s}\n",
		(unsigned long long)st.regions,
		(unsigned long long)(st.unpaired + (st.in_region ? 1 : 0)),
		st.hints_seen ? "true" : "false");
	fclose(st.out);
	tlbm_free(st.m);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
					   char **argv)
{
	const char *why;
	if (parse_args(argc, argv) < 0)
		return -1;
	if (!info->system_emulation)
		return refuse("tlbmodel: %s: system emulation only\n", info->target_name);
	if (info->system.smp_vcpus != 1)
		return refuse("tlbmodel: %s: one vCPU only (-smp 1)\n", "smp");
	const struct tlbm_config *cfg = tlbm_preset(args[0].value);
	st.m = tlbm_new(cfg, &why);
	if (!st.m)
		return refuse("tlbmodel: model: %s\n", why);
	st.out = fopen(args[1].value, "w");
	if (!st.out) {
		tlbm_free(st.m);
		return refuse("tlbmodel: out=%s: cannot write\n", args[1].value);
	}
	st.global_upper = !strcmp(args[2].value, "upper");
	st.pcid_hints = !strcmp(args[3].value, "hints");
	/* Until a hint says otherwise: CR4.PGE as the global rule wants,
	 * CR4.PCIDE = 0 (tlbm_write_cr4 flushes nothing on an empty model). */
	tlbm_write_cr4(st.m, st.global_upper, 0);
	fprintf(st.out,
		"{\"tlbmodel\":{\"cpu\":\"%s\",\"source\":\"%s\",\"pcid\":\"%s\",\"global\":\"%s\","
		"\"hints_seen\":false}}\n",
		cfg->name, cfg->source, args[3].value, args[2].value);
	qemu_plugin_register_vcpu_tb_trans_cb(id, translate);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
