// SPDX-License-Identifier: GPL-2.0
/*
 * The user interface: /sys/kernel/debug/gogrowth/, see Documentation/ABI.md.
 *
 * Every file holds a reference on the module while open (debugfs calls
 * ->release even after removal), so rmmod fails with EBUSY rather than
 * unloading under an open file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/threads.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "debugfs.h"
#include "event.h"
#include "format.h"
#include "ring.h"
#include "target.h"

static struct dentry *gg_dir;

/* ---- events: a non-consuming snapshot, merged across CPUs ---- */

struct gg_events_priv {
	struct gg_snap *snap;
	struct gg_rec rec;	/* the record at index idx, kept for re-show */
	loff_t idx;
	bool started;
	bool valid;
	char line[GG_LINE_MAX];
};

/*
 * The ring iterators only go forward, so the current record is copied out
 * and only next() advances: seq_file may show the same position twice when
 * its buffer overflows.
 */
static void *gg_events_start(struct seq_file *m, loff_t *pos)
{
	struct gg_events_priv *p = m->private;

	gg_ring_read_lock();
	if (!p->started) {
		p->started = true;
		p->idx = 0;
		p->valid = gg_snap_next(p->snap, &p->rec);
	}
	while (p->valid && p->idx < *pos) {
		p->valid = gg_snap_next(p->snap, &p->rec);
		p->idx++;
	}
	if (*pos != p->idx || !p->valid)
		return NULL;
	return p;
}

static void *gg_events_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct gg_events_priv *p = m->private;

	p->valid = gg_snap_next(p->snap, &p->rec);
	p->idx = ++*pos;
	return p->valid ? p : NULL;
}

static void gg_events_stop(struct seq_file *m, void *v)
{
	gg_ring_read_unlock();
}

static int gg_events_show(struct seq_file *m, void *v)
{
	struct gg_events_priv *p = v;
	int len = gg_format(&p->rec, p->line, sizeof(p->line));

	seq_write(m, p->line, len);
	return 0;
}

static const struct seq_operations gg_events_sops = {
	.start = gg_events_start,
	.next = gg_events_next,
	.stop = gg_events_stop,
	.show = gg_events_show,
};

static int gg_events_open(struct inode *inode, struct file *file)
{
	struct gg_events_priv *p;
	int ret;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->snap = gg_snap_open();
	if (!p->snap) {
		kfree(p);
		return -ENOMEM;
	}
	ret = seq_open(file, &gg_events_sops);
	if (ret) {
		gg_snap_close(p->snap);
		kfree(p);
		return ret;
	}
	((struct seq_file *)file->private_data)->private = p;
	return 0;
}

static int gg_events_release(struct inode *inode, struct file *file)
{
	struct gg_events_priv *p = ((struct seq_file *)file->private_data)->private;

	gg_snap_close(p->snap);
	kfree(p);
	return seq_release(inode, file);
}

static const struct file_operations gg_events_fops = {
	.owner = THIS_MODULE,
	.open = gg_events_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = gg_events_release,
};

/*
 * ---- events_pipe and events_raw: consuming, blocking ----
 * The same reader; events_pipe hands out each record as a text line,
 * events_raw as the record itself (<linux/gogrowth.h>).
 */

struct gg_pipe {
	struct mutex lock;	/* one reader of this open file at a time */
	bool raw;
	struct gg_rec rec;
	size_t len;		/* bytes of the record not yet fully read */
	size_t off;
	char line[GG_LINE_MAX];
};

/* The record as events_raw carries it: header, payload, zeros to 8 bytes. */
static size_t gg_raw_bytes(const struct gg_rec *r, char *buf)
{
	size_t n = sizeof(r->h) + r->h.len;
	size_t size = GG_RECORD_SIZE(r->h.len);

	BUILD_BUG_ON(GG_RECORD_SIZE(sizeof(r->u)) > GG_LINE_MAX);
	memcpy(buf, r, n);
	memset(buf + n, 0, size - n);
	return size;
}

static int gg_pipe_open_as(struct inode *inode, struct file *file, bool raw)
{
	struct gg_pipe *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	mutex_init(&p->lock);
	p->raw = raw;
	file->private_data = p;
	return nonseekable_open(inode, file);
}

static int gg_pipe_open(struct inode *inode, struct file *file)
{
	return gg_pipe_open_as(inode, file, false);
}

static int gg_raw_open(struct inode *inode, struct file *file)
{
	return gg_pipe_open_as(inode, file, true);
}

static int gg_pipe_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static bool gg_pipe_ready(void)
{
	return gg_ring_has_data() || gg_ring_shutting_down();
}

/*
 * A consumed event is written into the per-file buffer before any of it is
 * copied out, so a short read or a fault in copy_to_user() keeps the rest
 * for the next read: no record is lost or repeated.
 */
static ssize_t gg_pipe_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct gg_pipe *p = file->private_data;
	ssize_t done = 0;
	int ret = 0;

	if (!count)
		return 0;
	if (file->f_flags & O_NONBLOCK) {
		if (!mutex_trylock(&p->lock))
			return -EAGAIN;
	} else if (mutex_lock_interruptible(&p->lock)) {
		return -ERESTARTSYS;
	}
	while (done < count) {
		size_t n;

		if (p->off == p->len) {
			if (gg_ring_consume(&p->rec)) {
				p->len = p->raw ?
					 gg_raw_bytes(&p->rec, p->line) :
					 gg_format(&p->rec, p->line,
						   sizeof(p->line));
				p->off = 0;
				continue;
			}
			if (done)
				break;
			if (gg_ring_shutting_down())
				break;
			if (file->f_flags & O_NONBLOCK) {
				ret = -EAGAIN;
				break;
			}
			/* Nothing read yet and nothing to wait for: stay killable. */
			if (signal_pending(current)) {
				ret = -ERESTARTSYS;
				break;
			}
			/* Sleep unlocked: a non-blocking read must not wait behind us. */
			mutex_unlock(&p->lock);
			ret = wait_event_interruptible(gg_ring_wq,
						       gg_pipe_ready());
			if (ret)
				return ret;
			if (mutex_lock_interruptible(&p->lock))
				return -ERESTARTSYS;
			continue;
		}
		n = min(count - done, p->len - p->off);
		if (copy_to_user(ubuf + done, p->line + p->off, n)) {
			ret = -EFAULT;
			break;
		}
		p->off += n;
		done += n;
	}
	mutex_unlock(&p->lock);
	return done ? done : ret;
}

static __poll_t gg_pipe_poll(struct file *file, poll_table *wait)
{
	struct gg_pipe *p = file->private_data;

	poll_wait(file, &gg_ring_wq, wait);
	if (READ_ONCE(p->off) != READ_ONCE(p->len) || gg_ring_has_data())
		return EPOLLIN | EPOLLRDNORM;
	if (gg_ring_shutting_down())
		return EPOLLHUP;
	return 0;
}

static const struct file_operations gg_pipe_fops = {
	.owner = THIS_MODULE,
	.open = gg_pipe_open,
	.read = gg_pipe_read,
	.poll = gg_pipe_poll,
	.release = gg_pipe_release,
};

static const struct file_operations gg_raw_fops = {
	.owner = THIS_MODULE,
	.open = gg_raw_open,
	.read = gg_pipe_read,
	.poll = gg_pipe_poll,
	.release = gg_pipe_release,
};

/* ---- pid ---- */

/* A decimal integer and at most one trailing newline, nothing else. */
static int gg_parse_int(const char __user *ubuf, size_t count, int *val)
{
	char buf[24];
	int ret;

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = kstrtoint(buf, 10, val);
	return ret == -ERANGE ? -EINVAL : ret;
}

static ssize_t gg_pid_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[24];
	int len = scnprintf(buf, sizeof(buf), "%d\n", gg_target_nr());

	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t gg_pid_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	int nr, ret;

	ret = gg_parse_int(ubuf, count, &nr);
	if (ret)
		return ret;
	/* Out of any pid's range is malformed, not merely absent. */
	if (nr < 0 || nr > PID_MAX_LIMIT)
		return -EINVAL;
	ret = gg_target_set(nr);
	return ret ? ret : count;
}

static const struct file_operations gg_pid_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = gg_pid_read,
	.write = gg_pid_write,
	.llseek = default_llseek,
};

/* ---- marker ---- */

static ssize_t gg_marker_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[GG_STR_MAX + 1];
	struct gg_ev_str e;
	size_t len = count;

	if (count > sizeof(buf))
		return -E2BIG;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	if (len && buf[len - 1] == '\n')
		len--;
	if (len > GG_STR_MAX)
		return -E2BIG;
	if (!len || memchr(buf, '\0', len) || memchr(buf, '\n', len))
		return -EINVAL;
	e.len = len;
	memcpy(e.s, buf, len);
	gg_emit(GG_EV_MARKER, current->mm, &e,
		GG_STR_PAYLOAD(struct gg_ev_str, s, len));
	return count;
}

static const struct file_operations gg_marker_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = gg_marker_write,
};

/* ---- enable ---- */

static ssize_t gg_enable_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char buf[3] = { gg_ring_enabled() ? '1' : '0', '\n', '\0' };

	return simple_read_from_buffer(ubuf, count, ppos, buf, 2);
}

static ssize_t gg_enable_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	int val, ret;

	ret = gg_parse_int(ubuf, count, &val);
	if (ret)
		return ret;
	if (val != 0 && val != 1)
		return -EINVAL;
	gg_ring_set_enabled(val);
	return count;
}

static const struct file_operations gg_enable_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = gg_enable_read,
	.write = gg_enable_write,
	.llseek = default_llseek,
};

/* ---- clear ---- */

static ssize_t gg_clear_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	gg_ring_clear();
	return count;
}

static const struct file_operations gg_clear_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = gg_clear_write,
};

/* ---- stats ---- */

static int gg_stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "target_pid %d\n", gg_target_nr());
	gg_ring_show_stats(m);
	return 0;
}

static int gg_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, gg_stats_show, NULL);
}

static const struct file_operations gg_stats_fops = {
	.owner = THIS_MODULE,
	.open = gg_stats_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

struct gg_file {
	const char *name;
	umode_t mode;
	const struct file_operations *fops;
};

static const struct gg_file gg_files[] = {
	{ "events", 0400, &gg_events_fops },
	{ "events_pipe", 0400, &gg_pipe_fops },
	{ "events_raw", 0400, &gg_raw_fops },
	{ "pid", 0600, &gg_pid_fops },
	{ "marker", 0200, &gg_marker_fops },
	{ "enable", 0600, &gg_enable_fops },
	{ "clear", 0200, &gg_clear_fops },
	{ "stats", 0400, &gg_stats_fops },
};

int gg_debugfs_init(void)
{
	struct dentry *d;
	unsigned int i;

	gg_dir = debugfs_create_dir("gogrowth", NULL);
	if (IS_ERR(gg_dir))
		return PTR_ERR(gg_dir);
	for (i = 0; i < ARRAY_SIZE(gg_files); i++) {
		d = debugfs_create_file(gg_files[i].name, gg_files[i].mode,
					gg_dir, NULL, gg_files[i].fops);
		if (IS_ERR(d)) {
			debugfs_remove_recursive(gg_dir);
			gg_dir = NULL;
			return PTR_ERR(d);
		}
	}
	return 0;
}

void gg_debugfs_exit(void)
{
	debugfs_remove_recursive(gg_dir);
	gg_dir = NULL;
}
