/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GOGROWTH_DEBUGFS_H
#define GOGROWTH_DEBUGFS_H

int gg_debugfs_init(void);
void gg_debugfs_exit(void);

#endif /* GOGROWTH_DEBUGFS_H */
