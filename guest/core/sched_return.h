/* The return path (sched_return.c): which task the kernel returns to,
 * and its return frame; above task.c, since it ends tasks. */
#ifndef CORE_SCHED_RETURN_H
#define CORE_SCHED_RETURN_H

/* Makes sure `current` is a runnable task with its address space loaded
 * (and, for a ring-0 task, its return frame written), ending the tasks of
 * a deadlock, or a ring-0 task whose frame is forged, on the way; ends the
 * machine when none is left.  Called before every return to a task. */
void sched_prepare_return(void);
/* Starts the first task; never returns. */
_Noreturn void sched_start(void);

#endif
