/* Tasks: creation from the initrd, exit, kill, and how the machine ends. */
#include "core/task.h"
#include "core/audit.h"
#include "core/cmdline.h"
#include "core/console.h"
#include "core/fault_site.h"
#include "core/group.h"
#include "core/ipc.h"
#include "core/kheap.h"
#include "core/memory.h"
#include "core/sched.h"
#include "core/task_load.h"
#include "lib/lib.h"
#include "loader/format/format.h"

struct task *current PERCPU;
struct task *task_table[TASK_MAX];
static uint32_t next_id = 1;
static unsigned alive, exited_ok, failed;

uint32_t task_id_end(void)
{
	return next_id;
}

uint64_t task_kernel_bytes(const struct task *t)
{
	/* Its own structure, and an equal share of its group's: a process
	 * task pays for a whole page-table tree, a shared one for 1/n; and
	 * its FPU image once it has used the FPU (arch/x86_64/fpu.c). */
	return kheap_class_size(sizeof(*t)) + group_share_bytes(t->group) + fpu_kernel_bytes(t);
}

static void task_free(struct task *t)
{
	sched_fpu_free(t);
	group_leave(t);
	task_table[t->id] = 0;
	kfree(t, sizeof(*t));
}

/* One task from its spec, not yet runnable; 0 with *why on refusal. */
static struct task *task_create(const struct task_spec *spec, const void *initrd,
				size_t initrd_size, const char **why)
{
	struct cpio_entry file;
	int rc = cpio_find(initrd, initrd_size, spec->name, &file, why);
	if (rc) {
		if (rc > 0)
			*why = "no such file in the initrd";
		return 0;
	}
	if (next_id == TASK_MAX) {
		*why = "too many tasks";
		return 0;
	}
	if (spec->cpu >= 0 && (unsigned)spec->cpu >= smp_ncpus) {
		*why = "pinned to a CPU that is not up";
		return 0;
	}
	struct task *t = kmalloc(sizeof(*t));
	if (!t) {
		*why = "out of kernel memory";
		return 0;
	}
	t->id = next_id;
	t->mode = (uint8_t)spec->mode;
	t->name = spec->name;
	if (group_join(t, spec->cpu)) {
		*why = "out of memory for page tables";
		kfree(t, sizeof(*t));
		return 0;
	}
	task_table[t->id] = t;
	if (task_load_image(t, file.data, file.size, spec, why)) {
		task_free(t);
		return 0;
	}
	next_id++;
	return t;
}

void tasks_create_all(const struct boot_options *opt, const void *initrd, size_t initrd_size)
{
	struct task *made[opt->ntasks];

	fault_site_init(initrd, initrd_size); /* kill lines read the images again */
	for (unsigned i = 0; i < opt->ntasks; i++) {
		const char *why = "unknown reason";
		made[i] = task_create(&opt->tasks[i], initrd, initrd_size, &why);
		if (!made[i]) {
			kprintf("task image %s refused: %s\n", opt->tasks[i].name, why);
			machine_exit(SHOJI_EXIT_REFUSED);
		}
	}
	/* All images are good: only now does any task become runnable. */
	for (unsigned i = 0; i < opt->ntasks; i++) {
		made[i]->state = TASK_RUNNABLE;
		sched_enqueue(made[i], false);
		alive++;
	}
	for (unsigned i = 0; i < opt->ntasks; i++) {
		char on[16] = ""; /* its CPU, where there is more than one */
		if (smp_ncpus > 1)
			snprintf(on, sizeof(on), ", cpu %u", made[i]->cpu);
		kprintf("task %u (%s) started: %s mode, group %u key %u, %lu bytes of kernel "
			"memory%s\n",
			made[i]->id, made[i]->name, task_mode_name((enum task_mode)made[i]->mode),
			made[i]->group->id, made[i]->slot, task_kernel_bytes(made[i]), on);
	}
}

static void task_end(struct task *t, bool ok)
{
	/* Only its own CPU ends a task, in a world section: a process
	 * task's own tree is that CPU's alone to change (paging.c), its run
	 * queue and FPU record are reached at this CPU's addresses, and
	 * group_leave() shoots down the other CPUs that may cache its pages. */
	if (smp_ncpus > 1 && (!sched_in_world || task_cpu(t) != cpu_self.index))
		panic("task %u (%s) of CPU %u ended on CPU %u %s a world section", t->id, t->name,
		      task_cpu(t), cpu_self.index, sched_in_world ? "in" : "outside");
	if (t->state == TASK_RUNNABLE && t != current)
		sched_dequeue(t);
	t->state = TASK_DEAD;
	ipc_task_gone(t);
	sched_forget(t);
	if (t == current)
		current = 0;
	task_free(t);
	alive--;
	if (ok)
		exited_ok++;
	else
		failed++;
	if (!alive) {
		if (audit_enabled)
			kprintf("audit: %lu checks at IPC fast-path exits\n", audit_fast_exits);
		kprintf("shoji: all tasks done: %u exited 0, %u failed\n", exited_ok, failed);
		machine_exit(failed ? SHOJI_EXIT_TASK_FAILED : SHOJI_EXIT_OK);
	}
}

void task_exit(struct task *t, int status)
{
	if (status)
		kprintf("task %u (%s) exited with status %d\n", t->id, t->name, status);
	task_end(t, status == 0);
}

static void task_vkill(struct task *t, const char *fmt, va_list ap)
{
	char reason[384]; /* a page fault's line, with a function's name (trap.c) */
	vsnprintf(reason, sizeof(reason), fmt, ap);
	kprintf("task %u (%s) killed: %s\n", t->id, t->name, reason);
	task_end(t, false);
}

void task_kill(struct task *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	task_vkill(t, fmt, ap);
	va_end(ap);
}

void task_kill_alone(struct task *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	world_enter();
	task_vkill(t, fmt, ap);
	world_leave();
	va_end(ap);
}
