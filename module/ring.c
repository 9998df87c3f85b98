// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU event ring, the accounting of lost events and the wake-up of
 * readers.
 *
 * Writers run in probe context (fprobes, kretprobes, kprobes, tracepoints)
 * and in process context (marker writes). Each write runs with interrupts
 * off on its CPU, so the per-CPU counters, the pending-lost count and the
 * order of the (seq, ts) pair in the ring never interleave with another
 * write on the same CPU. None of the hooks runs in NMI context.
 *
 * Every entry of the ring carries, ahead of the record, its index among the
 * entries written on its CPU. The kernel's ring buffer can drop entries a
 * consuming reader never gets (Documentation/guarantees.md, "Known
 * problems"); the consumers tell them by a jump of that index, and deliver
 * a lost record for them instead of a silent gap.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/ring_buffer.h>
#include <linux/sched.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <asm/special_insns.h>

#include "compat.h"
#include "decode.h"
#include "format.h"
#include "hook.h"
#include "ring.h"
#include "trace.h"

struct gg_cpu_stats {
	seqcount_t sc;		/* lets stats see a consistent triple */
	u64 generated;
	u64 recorded;
	u64 lost;
	u64 pending;		/* lost since the last record on this CPU */
	u64 written;		/* ring entries, events and lost records */
	u64 by_type[GG_EV_NR];
};

/* What the ring holds per record. */
struct gg_ring_ent {
	u64 index;		/* the CPU's written count before this one */
	struct gg_rec rec;
};

#define GG_ENT_SIZE(len) \
	(offsetof(struct gg_ring_ent, rec) + sizeof(struct gg_hdr) + (len))

/*
 * The consumers' side, under gg_read_mutex: per CPU the index the next
 * entry must have, and the entries found missing; one record held back
 * while the lost record for the entries missing before it goes first.
 */
struct gg_consumed {
	u64 *next_index;
	u64 *undelivered;
	bool held;
	struct gg_rec held_rec;
};

struct gg_probe_ref {
	const struct gg_hook *hook;
	unsigned long base;	/* nmissed at the last clear */
};

#define GG_MAX_PROBES	16

static struct trace_buffer *gg_buf;
static unsigned long gg_buf_bytes;
static DEFINE_PER_CPU(struct gg_cpu_stats, gg_stats);
static struct gg_consumed gg_consumed;
static atomic64_t gg_seq = ATOMIC64_INIT(0);
static bool gg_enabled = true;
static bool gg_paused;
static bool gg_shutdown;
static unsigned long gg_clear_gen;

static struct gg_probe_ref gg_probes[GG_MAX_PROBES];
static unsigned int gg_nprobes;
static atomic_long_t gg_missed_seen = ATOMIC_LONG_INIT(0);

/* Serialises consumers, snapshots and control (clear, enable). */
static DEFINE_MUTEX(gg_read_mutex);

DECLARE_WAIT_QUEUE_HEAD(gg_ring_wq);
static struct irq_work gg_iw;

static void gg_iw_fn(struct irq_work *work)
{
	wake_up_interruptible(&gg_ring_wq);
}

int gg_ring_init(unsigned long bytes_per_cpu)
{
	int cpu;

	for_each_possible_cpu(cpu)
		seqcount_init(&per_cpu_ptr(&gg_stats, cpu)->sc);
	init_irq_work(&gg_iw, gg_iw_fn);
	gg_consumed.next_index = kcalloc(nr_cpu_ids, sizeof(u64), GFP_KERNEL);
	gg_consumed.undelivered = kcalloc(nr_cpu_ids, sizeof(u64), GFP_KERNEL);
	/* No RB_FL_OVERWRITE: a full ring refuses new events, counted as lost. */
	if (gg_consumed.next_index && gg_consumed.undelivered)
		gg_buf = ring_buffer_alloc(bytes_per_cpu, 0);
	if (!gg_buf) {
		gg_ring_free();
		return -ENOMEM;
	}
	gg_buf_bytes = bytes_per_cpu;
	return 0;
}

void gg_ring_shutdown(void)
{
	WRITE_ONCE(gg_shutdown, true);
	wake_up_interruptible_all(&gg_ring_wq);
	irq_work_sync(&gg_iw);
}

void gg_ring_free(void)
{
	irq_work_sync(&gg_iw);
	if (gg_buf)
		ring_buffer_free(gg_buf);
	gg_buf = NULL;
	kfree(gg_consumed.next_index);
	kfree(gg_consumed.undelivered);
	gg_consumed.next_index = NULL;
	gg_consumed.undelivered = NULL;
}

bool gg_ring_shutting_down(void)
{
	return READ_ONCE(gg_shutdown);
}

bool gg_recording(void)
{
	return READ_ONCE(gg_enabled) && !READ_ONCE(gg_paused);
}

static unsigned long gg_probe_missed(const struct gg_probe_ref *p)
{
	return gg_hook_missed(p->hook);
}

static unsigned long gg_missed_total(void)
{
	/* Pairs with the release in gg_ring_track_probe(). */
	unsigned int i, n = smp_load_acquire(&gg_nprobes);
	unsigned long sum = 0;

	for (i = 0; i < n; i++)
		sum += gg_probe_missed(&gg_probes[i]);
	return sum;
}

void gg_ring_track_probe(const struct gg_hook *hook)
{
	struct gg_probe_ref *p;

	if (WARN_ON_ONCE(gg_nprobes >= GG_MAX_PROBES))
		return;
	p = &gg_probes[gg_nprobes];
	p->hook = hook;
	p->base = gg_probe_missed(p);
	atomic_long_add(p->base, &gg_missed_seen);
	/* Probe context reads the table locklessly: publish the entry last. */
	smp_store_release(&gg_nprobes, gg_nprobes + 1);
}

/* Forget misses that happened while nothing was being recorded. */
void gg_ring_rebase_missed(void)
{
	atomic_long_set(&gg_missed_seen, gg_missed_total());
}

static inline void gg_add(u64 *ctr, u64 n)
{
	WRITE_ONCE(*ctr, *ctr + n);
}

/*
 * A missed probe hit is a lost event, but the hook (fprobe, kretprobe,
 * kprobe) only counts it. Charge new misses to the CPU that notices them
 * first, with IRQs off.
 */
static void gg_account_missed(struct gg_cpu_stats *st)
{
	unsigned long seen = atomic_long_read(&gg_missed_seen);
	unsigned long now = gg_missed_total();
	unsigned long delta = now - seen;

	if (!delta || (long)delta < 0)
		return;
	if (atomic_long_cmpxchg(&gg_missed_seen, seen, now) != seen)
		return;
	/* Missed events take their seq numbers too: the gap shows where. */
	atomic64_add(delta, &gg_seq);
	gg_add(&st->generated, delta);
	gg_add(&st->lost, delta);
	gg_add(&st->pending, delta);
}

static void gg_fill_hdr(struct gg_hdr *h, enum gg_type type, u64 seq, u64 ts,
			const struct mm_struct *mm, u32 len)
{
	h->seq = seq;
	h->ts = ts;
	h->type = type;
	h->cpu = smp_processor_id();
	h->len = len;
	if (type == GG_EV_LOST) {
		h->cr3 = 0;
		h->pgd = 0;
		h->pid = 0;
		h->tid = 0;
		return;
	}
	h->cr3 = __read_cr3();
	h->pgd = mm ? __pa(mm->pgd) : 0;
	h->pid = task_tgid_nr(current);
	h->tid = task_pid_nr(current);
}

/* Like PERF_RECORD_LOST: tell the reader how many events are missing here. */
static bool gg_write_lost(struct gg_cpu_stats *st, u64 ts)
{
	struct ring_buffer_event *ev;
	struct gg_ring_ent *ent;
	struct gg_rec *rec;
	u32 len = sizeof(rec->u.lost);

	ev = ring_buffer_lock_reserve(gg_buf, GG_ENT_SIZE(len));
	if (!ev)
		return false;
	ent = ring_buffer_event_data(ev);
	ent->index = st->written++;
	rec = &ent->rec;
	gg_fill_hdr(&rec->h, GG_EV_LOST, atomic64_inc_return(&gg_seq), ts,
		    NULL, len);
	rec->u.lost.count = st->pending;
	gg_rb_unlock_commit(gg_buf, ev);
	WRITE_ONCE(st->pending, 0);
	return true;
}

static void gg_wake(void)
{
	/* Probe context may hold scheduler locks: wake from an irq_work. */
	if (wq_has_sleeper(&gg_ring_wq))
		irq_work_queue(&gg_iw);
}

void gg_emit(enum gg_type type, const struct mm_struct *mm,
	     const void *payload, u32 len)
{
	struct ring_buffer_event *ev;
	struct gg_ring_ent *ent;
	struct gg_cpu_stats *st;
	unsigned long flags;
	u64 seq, ts;

	if (WARN_ON_ONCE(type >= GG_EV_NR || len > sizeof(ent->rec.u)))
		return;
	local_irq_save(flags);
	if (!gg_recording())
		goto out;
	st = this_cpu_ptr(&gg_stats);
	ts = ktime_get_mono_fast_ns();
	raw_write_seqcount_begin(&st->sc);
	gg_account_missed(st);
	/*
	 * The seq is the event's whether or not it is recorded: a reader sees
	 * a gap where events were lost, and the lost record that follows on
	 * this CPU says how many.
	 */
	seq = atomic64_inc_return(&gg_seq);
	if (static_branch_unlikely(&gg_trace_key)) {
		struct gg_hdr h;

		gg_fill_hdr(&h, type, seq, ts, mm, len);
		gg_trace_emit(&h, payload);
	}
	gg_add(&st->generated, 1);
	gg_add(&st->by_type[type], 1);
	if (st->pending && !gg_write_lost(st, ts))
		goto lost;
	ev = ring_buffer_lock_reserve(gg_buf, GG_ENT_SIZE(len));
	if (!ev)
		goto lost;
	ent = ring_buffer_event_data(ev);
	ent->index = st->written++;
	gg_fill_hdr(&ent->rec.h, type, seq, ts, mm, len);
	memcpy(&ent->rec.u, payload, len);
	gg_rb_unlock_commit(gg_buf, ev);
	gg_add(&st->recorded, 1);
	raw_write_seqcount_end(&st->sc);
	gg_wake();
	goto out;
lost:
	gg_add(&st->lost, 1);
	gg_add(&st->pending, 1);
	raw_write_seqcount_end(&st->sc);
out:
	local_irq_restore(flags);
}

bool gg_ring_enabled(void)
{
	return READ_ONCE(gg_enabled);
}

void gg_ring_set_enabled(bool on)
{
	mutex_lock(&gg_read_mutex);
	if (on && !gg_enabled)
		gg_ring_rebase_missed();
	WRITE_ONCE(gg_enabled, on);
	mutex_unlock(&gg_read_mutex);
}

void gg_ring_clear(void)
{
	unsigned int i;
	int cpu;

	mutex_lock(&gg_read_mutex);
	WRITE_ONCE(gg_paused, true);
	/* Writers run with IRQs off: after this none is half-way through. */
	synchronize_rcu();
	ring_buffer_reset(gg_buf);
	for_each_possible_cpu(cpu) {
		struct gg_cpu_stats *st = per_cpu_ptr(&gg_stats, cpu);

		st->generated = 0;
		st->recorded = 0;
		st->lost = 0;
		st->pending = 0;
		st->written = 0;
		memset(st->by_type, 0, sizeof(st->by_type));
		gg_consumed.next_index[cpu] = 0;
		gg_consumed.undelivered[cpu] = 0;
	}
	gg_consumed.held = false;
	for (i = 0; i < gg_nprobes; i++)
		gg_probes[i].base = gg_probe_missed(&gg_probes[i]);
	gg_ring_rebase_missed();
	gg_clear_gen++;
	WRITE_ONCE(gg_paused, false);
	mutex_unlock(&gg_read_mutex);
}

static void gg_stats_snap(int cpu, struct gg_cpu_stats *out)
{
	struct gg_cpu_stats *st = per_cpu_ptr(&gg_stats, cpu);
	unsigned int seq;
	int i;

	do {
		seq = read_seqcount_begin(&st->sc);
		out->generated = READ_ONCE(st->generated);
		out->recorded = READ_ONCE(st->recorded);
		out->lost = READ_ONCE(st->lost);
		for (i = 0; i < GG_EV_NR; i++)
			out->by_type[i] = READ_ONCE(st->by_type[i]);
	} while (read_seqcount_retry(&st->sc, seq));
}

void gg_ring_show_stats(struct seq_file *m)
{
	struct gg_cpu_stats snap, total = {};
	u64 undelivered, total_undelivered = 0;
	unsigned int i, nprobes;
	unsigned long flags;
	int cpu;

	/* Misses nobody has charged yet still have to show up as lost. */
	local_irq_save(flags);
	if (gg_recording()) {
		struct gg_cpu_stats *st = this_cpu_ptr(&gg_stats);

		raw_write_seqcount_begin(&st->sc);
		gg_account_missed(st);
		raw_write_seqcount_end(&st->sc);
	}
	local_irq_restore(flags);

	seq_printf(m, "enabled %d\n", gg_ring_enabled());
	seq_printf(m, "ring_bytes_per_cpu %lu\n", gg_buf_bytes);
	seq_printf(m, "record_version %d\n", GG_RECORD_VERSION);
	for_each_possible_cpu(cpu) {
		gg_stats_snap(cpu, &snap);
		/*
		 * Entries the ring never delivered were recorded, and are lost
		 * to the reader: counted as lost, and shown on their own.
		 */
		undelivered = READ_ONCE(gg_consumed.undelivered[cpu]);
		snap.recorded -= min(undelivered, snap.recorded);
		snap.lost += undelivered;
		total_undelivered += undelivered;
		total.generated += snap.generated;
		total.recorded += snap.recorded;
		total.lost += snap.lost;
		for (i = 0; i < GG_EV_NR; i++)
			total.by_type[i] += snap.by_type[i];
		if (!cpu_online(cpu) && !snap.generated)
			continue;
		seq_printf(m, "cpu%d generated %llu recorded %llu lost %llu entries %lu bytes %lu undelivered %llu\n",
			   cpu, snap.generated, snap.recorded, snap.lost,
			   ring_buffer_entries_cpu(gg_buf, cpu),
			   ring_buffer_bytes_cpu(gg_buf, cpu), undelivered);
	}
	seq_puts(m, "events");
	for (i = 0; i < GG_EV_NR; i++) {
		if (i == GG_EV_LOST)
			continue;
		seq_printf(m, " %s %llu", gg_type_name(i), total.by_type[i]);
	}
	seq_printf(m, "\ntotal generated %llu recorded %llu lost %llu undelivered %llu\n",
		   total.generated, total.recorded, total.lost, total_undelivered);
	seq_puts(m, "missed_probes");
	/* Pairs with the release in gg_ring_track_probe(). */
	nprobes = smp_load_acquire(&gg_nprobes);
	for (i = 0; i < nprobes; i++)
		seq_printf(m, " %s %lu", gg_probes[i].hook->symbol,
			   gg_probe_missed(&gg_probes[i]) - gg_probes[i].base);
	seq_puts(m, "\nhooks");
	for (i = 0; i < nprobes; i++)
		seq_printf(m, " %s %s", gg_probes[i].hook->symbol,
			   gg_hook_kind(gg_probes[i].hook));
	seq_putc(m, '\n');
}

/* ---- readers ---- */

void gg_ring_read_lock(void)
{
	mutex_lock(&gg_read_mutex);
}

void gg_ring_read_unlock(void)
{
	mutex_unlock(&gg_read_mutex);
}

static struct gg_ring_ent *gg_ent(struct ring_buffer_event *ev)
{
	return ring_buffer_event_data(ev);
}

static bool gg_before(const struct gg_hdr *a, const struct gg_hdr *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	return a->seq < b->seq;
}

/*
 * The CPU whose next event (as @peek sees it) is the oldest, so readers
 * merge the per-CPU rings in time order; -1 when every ring is empty.
 */
static int gg_oldest_cpu(struct ring_buffer_event *(*peek)(void *ctx, int cpu),
			 void *ctx)
{
	struct gg_hdr best = {};
	int cpu, best_cpu = -1;

	for_each_possible_cpu(cpu) {
		struct ring_buffer_event *ev = peek(ctx, cpu);
		const struct gg_hdr *h;

		if (!ev)
			continue;
		h = &gg_ent(ev)->rec.h;
		if (best_cpu < 0 || gg_before(h, &best)) {
			best = *h;
			best_cpu = cpu;
		}
	}
	return best_cpu;
}

static struct ring_buffer_event *gg_live_peek(void *ctx, int cpu)
{
	return ring_buffer_peek(gg_buf, cpu, NULL, NULL);
}

/*
 * Whether gg_ring_consume() finds a record now: the same peek, not
 * ring_buffer_empty(). The two can disagree (records the reader never gets,
 * Documentation/guarantees.md, "Known problems"), and a reader woken by
 * empty() that then found nothing to consume went round without sleeping.
 */
bool gg_ring_has_data(void)
{
	return READ_ONCE(gg_consumed.held) ||
	       gg_oldest_cpu(gg_live_peek, NULL) >= 0;
}

static void gg_copy(struct gg_rec *out, struct ring_buffer_event *ev)
{
	size_t n = ring_buffer_event_length(ev);

	n = n > offsetof(struct gg_ring_ent, rec) ?
		n - offsetof(struct gg_ring_ent, rec) : 0;
	n = min(n, sizeof(*out));
	memset(out, 0, sizeof(*out));
	memcpy(out, &gg_ent(ev)->rec, n);
	if (n < sizeof(out->h))
		out->h.len = 0;
	else
		out->h.len = min_t(u32, out->h.len, n - sizeof(out->h));
	gg_decode(out);
}

/*
 * The lost record for @count entries of @cpu the ring never delivered,
 * placed just before @next, the entry that came after them. It takes a seq
 * of its own, as a lost record written by gg_write_lost() does.
 */
static void gg_undelivered_rec(struct gg_rec *out, int cpu, u64 count,
			       const struct gg_hdr *next)
{
	memset(out, 0, sizeof(*out));
	out->h.seq = atomic64_inc_return(&gg_seq);
	out->h.ts = next->ts;
	out->h.type = GG_EV_LOST;
	out->h.cpu = cpu;
	out->h.len = sizeof(out->u.lost);
	out->u.lost.count = count;
	gg_decode(out);
}

bool gg_ring_consume(struct gg_rec *out)
{
	struct ring_buffer_event *ev;
	u64 index, missing;
	int cpu;

	mutex_lock(&gg_read_mutex);
	if (gg_consumed.held) {
		*out = gg_consumed.held_rec;
		WRITE_ONCE(gg_consumed.held, false);
		mutex_unlock(&gg_read_mutex);
		return true;
	}
	cpu = gg_oldest_cpu(gg_live_peek, NULL);
	if (cpu >= 0) {
		ev = ring_buffer_consume(gg_buf, cpu, NULL, NULL);
		if (ev) {
			index = gg_ent(ev)->index;
			missing = index > gg_consumed.next_index[cpu] ?
				  index - gg_consumed.next_index[cpu] : 0;
			gg_consumed.next_index[cpu] = index + 1;
			if (missing) {
				gg_copy(&gg_consumed.held_rec, ev);
				WRITE_ONCE(gg_consumed.held, true);
				WRITE_ONCE(gg_consumed.undelivered[cpu],
					   gg_consumed.undelivered[cpu] + missing);
				gg_undelivered_rec(out, cpu, missing,
						   &gg_consumed.held_rec.h);
			} else {
				gg_copy(out, ev);
			}
		} else {
			cpu = -1;
		}
	}
	mutex_unlock(&gg_read_mutex);
	return cpu >= 0;
}

struct gg_snap {
	u64 max_seq;
	unsigned long gen;
	struct ring_buffer_iter **it;
	u64 *last;		/* last seq returned per CPU */
};

struct gg_snap *gg_snap_open(void)
{
	struct gg_snap *s;
	int cpu;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->it = kcalloc(nr_cpu_ids, sizeof(*s->it), GFP_KERNEL);
	s->last = kcalloc(nr_cpu_ids, sizeof(*s->last), GFP_KERNEL);
	if (!s->it || !s->last)
		goto fail;
	mutex_lock(&gg_read_mutex);
	/* The snapshot ends at what was recorded when it was opened. */
	s->max_seq = atomic64_read(&gg_seq);
	s->gen = gg_clear_gen;
	for_each_possible_cpu(cpu) {
		s->it[cpu] = ring_buffer_read_start(gg_buf, cpu, GFP_KERNEL);
		/* An online CPU has a ring: leaving it out would hide its events. */
		if (!s->it[cpu] && cpu_online(cpu)) {
			mutex_unlock(&gg_read_mutex);
			gg_snap_close(s);
			return NULL;
		}
	}
	mutex_unlock(&gg_read_mutex);
	return s;
fail:
	kfree(s->it);
	kfree(s->last);
	kfree(s);
	return NULL;
}

/*
 * Head of one CPU's iterator that belongs to the snapshot. A concurrent
 * consumer makes the iterator restart at the read position, which can
 * replay events this snapshot already returned: skip those.
 */
static struct ring_buffer_event *gg_snap_peek(struct gg_snap *s, int cpu)
{
	struct ring_buffer_event *ev;
	const struct gg_hdr *h;

	while ((ev = ring_buffer_iter_peek(s->it[cpu], NULL))) {
		h = &gg_ent(ev)->rec.h;
		if (h->seq > s->max_seq)
			return NULL;
		if (h->seq > s->last[cpu])
			return ev;
		ring_buffer_iter_advance(s->it[cpu]);
	}
	return NULL;
}

static struct ring_buffer_event *gg_snap_peek_any(void *ctx, int cpu)
{
	struct gg_snap *s = ctx;

	return s->it[cpu] ? gg_snap_peek(s, cpu) : NULL;
}

/* Caller holds gg_ring_read_lock(). */
bool gg_snap_next(struct gg_snap *s, struct gg_rec *out)
{
	struct ring_buffer_event *ev;
	int best_cpu;

	if (s->gen != gg_clear_gen)
		return false;
	best_cpu = gg_oldest_cpu(gg_snap_peek_any, s);
	if (best_cpu < 0)
		return false;
	ev = gg_snap_peek(s, best_cpu);
	if (!ev)
		return false;
	gg_copy(out, ev);
	s->last[best_cpu] = out->h.seq;
	ring_buffer_iter_advance(s->it[best_cpu]);
	return true;
}

void gg_snap_close(struct gg_snap *s)
{
	int cpu;

	if (!s)
		return;
	for_each_possible_cpu(cpu)
		if (s->it[cpu])
			ring_buffer_read_finish(s->it[cpu]);
	kfree(s->it);
	kfree(s->last);
	kfree(s);
}
