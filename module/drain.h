/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unload's wait for tasks still in code of the module that no hook
 * guards any more: the fault wrapper, the do_mmap landings, the system
 * calls' task work. Each keeps a count of the tasks inside, raised before
 * a task is sent there and dropped on its way out.
 */
#ifndef GOGROWTH_DRAIN_H
#define GOGROWTH_DRAIN_H

#include <linux/atomic.h>

/*
 * Sleeps until @inside is zero, saying so in the kernel log every 10 s
 * (a fault can wait long, on I/O or on userfaultfd), then waits one
 * tasks-RCU grace period for the last tasks out, which may still be on
 * the instructions after their drop. @what names them in the log.
 */
void gg_drain(atomic_t *inside, const char *what);

#endif /* GOGROWTH_DRAIN_H */
