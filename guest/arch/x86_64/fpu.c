/* Tasks' x87/SSE state: FXSAVE images allocated on first use (#NM), switched eagerly. */
#include "arch/x86_64/arch.h"
#include "core/kernel.h"
#include "lib/lib.h"

/*
 * Why FXSAVE and not XSAVE: XSAVE's images can carry PKRU (state component
 * 9), so a restorable image would be a WRPKRU by other means; CR4.OSXSAVE
 * stays clear (cpu.c) and the images are FXSAVE's, which hold x87 and
 * SSE only (docs/security.md).
 *
 * The images are kept by task id, not in struct task: that is one
 * 256-byte heap object, full, and a pointer more would double every
 * task's kernel memory, FPU or not.  The table is in pages of pointers,
 * each allocated when a task of its range of ids first uses the FPU and
 * kept (at most TASK_MAX pointers, 32 KiB): a table in the kernel's BSS
 * would cost every boot the time to zero it, FPU or not.
 */
#define IMAGES_PER_PAGE (PAGE_SIZE / sizeof(struct fxsave_area *))
static struct fxsave_area **image_pages[(TASK_MAX + IMAGES_PER_PAGE - 1) / IMAGES_PER_PAGE];
uint32_t fpu_tasks PERCPU; /* tasks of this CPU: a task runs on one CPU */

/* Where task id's image pointer is kept; 0 when its page does not exist
 * (yet, or for want of memory when make is true). */
static struct fxsave_area **image_at(uint32_t id, bool make)
{
	struct fxsave_area ***page = &image_pages[id / IMAGES_PER_PAGE];
	if (!*page && make) {
		uint64_t phys = page_alloc_zeroed();
		if (phys)
			*page = phys_to_virt(phys);
	}
	return *page ? &(*page)[id % IMAGES_PER_PAGE] : 0;
}

/* Task id's image, or 0. */
static struct fxsave_area *image_of(uint32_t id)
{
	struct fxsave_area **at = image_at(id, false);
	return at ? *at : 0;
}

/* What the CPU holds: whose registers the FPU has (0: the clean image),
 * and CR0.TS as last written, so that no switch reads CR0.  cpu_init()
 * sets TS before any task runs. */
static struct {
	uint32_t live;
	bool ts;
} fpu_cpu PERCPU = {.ts = true};

/* The state a task starts with: FNINIT's x87 control word (every x87
 * exception masked, 64-bit precision) and MXCSR's power-on value (every
 * SIMD exception masked, round to nearest), everything else 0 (SDM Vol.
 * 1 8.1.5 and 10.2.3.1; Vol. 3A 9.1.1, Table 9-1).  Loading it also
 * scrubs a task's registers away. */
static const struct fxsave_area clean = {.fcw = 0x37f, .mxcsr = 0x1f80};

static void fxsave(struct fxsave_area *a)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*a));
}

/* The x87 pointers' value for every task on a CPU whose FXRSTOR keeps
 * them (cpu.fxsave_leak): what loading this constant leaves. */
static const uint32_t pointer_scrub;

/*
 * Loads an image.  Where FXRSTOR keeps the last x87 instruction's
 * pointers (cpu.fxsave_leak), an x87 load of a kernel constant first
 * overwrites them, after FNCLEX (no exception pending, so it cannot
 * fault) and EMMS (an empty register stack, so it cannot overflow), as
 * Linux does for the same erratum: no task sees where another's last x87
 * instruction and operand were (CVE-2006-1056).  TS is clear at every
 * call, so these do not raise #NM.
 */
static void fxrstor(const struct fxsave_area *a)
{
	if (cpu.fxsave_leak)
		__asm__ volatile("fnclex\n\temms\n\tfildl %0" : : "m"(pointer_scrub));
	__asm__ volatile("fxrstor64 %0" : : "m"(*a));
}

/* CR0.TS: set while the running task has no state, so that its first x87
 * or SSE instruction raises #NM (SDM Vol. 3A 2.5 and 13.4; with CR0.MP
 * WAIT/FWAIT too).  CLTS clears it without reading CR0. */
static void set_ts(bool on)
{
	if (on == fpu_cpu.ts)
		return;
	if (on)
		write_cr0(read_cr0() | CR0_TS);
	else
		__asm__ volatile("clts" : : : "memory");
	fpu_cpu.ts = on;
}

void fpu_switch_to(const struct task *t)
{
	if (fpu_cpu.live == t->id)
		return;
	struct fxsave_area *next = image_of(t->id);
	if (fpu_cpu.live) /* TS is clear: the previous task had state */
		fxsave(image_of(fpu_cpu.live));
	if (next) {
		set_ts(false);
		fxrstor(next);
		fpu_cpu.live = t->id;
	} else if (fpu_cpu.live) {
		fxrstor(&clean);
		set_ts(true);
		fpu_cpu.live = 0;
	}
}

bool fpu_first_use(const struct task *t)
{
	if (image_of(t->id) || !fpu_cpu.ts)
		panic("#NM from task %u, which has FPU state (CR0.TS %s)", t->id,
		      fpu_cpu.ts ? "set" : "clear");
	struct fxsave_area **at = image_at(t->id, true);
	struct fxsave_area *a = at ? kmalloc(sizeof(*a)) : 0;
	if (!a)
		return false;
	*at = a;
	fpu_tasks++;
	set_ts(false);
	fxrstor(&clean);
	fpu_cpu.live = t->id;
	return true;
}

void fpu_task_free(const struct task *t)
{
	struct fxsave_area **at = image_at(t->id, false);
	struct fxsave_area *a = at ? *at : 0;
	if (!a)
		return;
	if (fpu_cpu.live == t->id) {
		fxrstor(&clean);
		set_ts(true);
		fpu_cpu.live = 0;
	}
	*at = 0;
	fpu_tasks--;
	kfree(a, sizeof(*a));
}

uint64_t fpu_kernel_bytes(const struct task *t)
{
	return image_of(t->id) ? kheap_class_size(sizeof(struct fxsave_area)) : 0;
}

/* The six exception flags, in the same bits of FSW and MXCSR, and masked
 * by the same bits of FCW and MXCSR[12:7] (SDM Vol. 1 8.1.3, 10.2.3). */
static const char *const fp_flags[6] = {
    "invalid operation", "denormal operand", "divide by zero", "overflow", "underflow", "precision",
};

/* The names of the flags set in `flags` and clear in `masks`, joined. */
static void flag_names(char *buf, size_t len, unsigned flags, unsigned masks)
{
	size_t at = 0;
	buf[0] = 0;
	for (unsigned i = 0; i < 6; i++)
		if ((flags & ~masks) & (1u << i) && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "",
					       fp_flags[i]);
	if (!at)
		snprintf(buf, len, "no unmasked flag");
}

void fpu_fault_describe(const struct task *t, uint64_t vector, char *buf, size_t len)
{
	struct fxsave_area *a = image_of(t->id);
	char names[96];
	if (!a || fpu_cpu.live != t->id) { /* it ran an FPU instruction: it has state */
		snprintf(buf, len, "%s (no FPU state)", exception_name(vector));
		return;
	}
	fxsave(a);
	if (vector == VEC_XM) {
		flag_names(names, sizeof(names), a->mxcsr & 0x3f, (a->mxcsr >> 7) & 0x3f);
		snprintf(buf, len, "SIMD floating-point exception (%s, MXCSR %#x)", names,
			 a->mxcsr);
	} else {
		flag_names(names, sizeof(names), a->fsw & 0x3f, a->fcw & 0x3f);
		snprintf(buf, len, "x87 floating-point error (%s%s, FSW %#x)", names,
			 a->fsw & BIT(6) ? ", stack fault" : "", a->fsw);
	}
}

/* The FPU holds the clean image: everything FXSAVE writes but MXCSR_MASK
 * (the CPU's, not state) and the last-instruction pointers' fields. */
static bool holds_clean(void)
{
	static struct fxsave_area now;
	set_ts(false);
	fxsave(&now);
	set_ts(true);
	return now.fcw == clean.fcw && now.fsw == 0 && now.ftw == 0 && now.mxcsr == clean.mxcsr &&
	       !memcmp(now.st, clean.st, sizeof(now.st)) &&
	       !memcmp(now.xmm, clean.xmm, sizeof(now.xmm));
}

const char *fpu_check(const struct task *t)
{
	bool has = image_of(t->id) != 0;
	bool ts = read_cr0() & CR0_TS;
	uint32_t n = 0;
	for (uint32_t id = 1; id < task_id_end(); id++)
		n += image_of(id) && task_table[id] && task_table[id]->cpu == t->cpu;
	if (n != fpu_tasks) /* this CPU's: t is current here */
		return "the count of this CPU's tasks with FPU state is not the images held";
	if (ts != fpu_cpu.ts)
		return "CR0.TS is not what the kernel last wrote";
	if (ts == has)
		return "CR0.TS is set for a task with FPU state, or clear for one without";
	if (fpu_cpu.live != (has ? t->id : 0))
		return "the FPU holds another task's registers than current's";
	if (!has && !holds_clean())
		return "the FPU of a task without FPU state holds more than the clean image";
	return 0;
}
