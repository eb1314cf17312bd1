/* The kernel core: every part's header, for the files that use them all
 * (main.c, audit.c, the arch layer) and the host unit tests. */
#ifndef CORE_KERNEL_H
#define CORE_KERNEL_H

/*
 * The parts, each a .c file with the header of the same name beside it,
 * in layers: a part calls only the parts listed before it (the arch layer,
 * arch/x86_64/arch.h, and the library, lib/lib.h, are below them all).
 *
 *   console, bootinfo, pmm, kheap, memory, cmdline   the foundation
 *   task.h                the task structure and table: data, no calls
 *   sched                 the run queue and the switch to a task
 *   uaccess               checked access to a task's memory
 *   group                 page tables shared by tasks (tells sched when
 *                         one is freed)
 *   task_memory           pages in a task's windows, the heap calls
 *   task_load             the task loader
 *   fault_site            where a killed task's fault was (its image's
 *                         symbols, read again from the initrd)
 *   ipc                   the general IPC path
 *   task.c                creation and the end of tasks: ending one
 *                         undoes every part above (IPC partners, run
 *                         queue, group)
 *   audit                 audit=on, reading every part
 *   sched_return          the task to return to: ends tasks in a
 *                         deadlock or with a forged ring-0 frame
 *   syscall_table         the handlers, by number
 *   ipc_fast, syscall, arch/x86_64/trap.c   the entry layer, called by
 *                         entry.S only
 * tests/style/core-layers.sh checks the built objects against this list.
 */

#include "core/console.h"
#include "core/bootinfo.h"
#include "core/pmm.h"
#include "core/kheap.h"
#include "core/memory.h"
#include "core/cmdline.h"
#include "core/task.h"
#include "core/sched.h"
#include "core/uaccess.h"
#include "core/group.h"
#include "core/task_memory.h"
#include "core/task_load.h"
#include "core/fault_site.h"
#include "core/ipc.h"
#include "core/audit.h"
#include "core/sched_return.h"
#include "core/syscall.h"
#include "core/ipc_fast.h"
#include "lib/lib.h"

#endif
