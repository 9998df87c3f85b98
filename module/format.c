// SPDX-License-Identifier: GPL-2.0
/*
 * Turns a decoded record into one text line, as specified in
 * Documentation/ABI.md. The module runs it in the readers' process
 * context; the gogrowth tool compiles the same file to print binary
 * recordings, so both write the same bytes: it needs nothing but
 * format_env.h.
 */
#include "format_env.h"
#include "format.h"

/* The largest -errno a return value holds, as the kernel's MAX_ERRNO. */
#define GG_MAX_ERRNO	4095

static const char * const gg_names[GG_EV_NR] = {
	[GG_EV_LOST] = "lost",
	[GG_EV_MMAP] = "mmap",
	[GG_EV_MUNMAP] = "munmap",
	[GG_EV_MREMAP] = "mremap",
	[GG_EV_MPROTECT] = "mprotect",
	[GG_EV_MADVISE] = "madvise",
	[GG_EV_BRK] = "brk",
	[GG_EV_FAULT] = "fault",
	[GG_EV_TLB_FLUSH] = "tlb_flush",
	[GG_EV_FORK] = "fork",
	[GG_EV_EXEC] = "exec",
	[GG_EV_EXIT] = "exit",
	[GG_EV_MARKER] = "marker",
};

static const char * const gg_origin_names[GG_ORIGIN_NR] = {
	[GG_ORIGIN_USER] = "user",
	[GG_ORIGIN_KERNEL] = "kernel",
	[GG_ORIGIN_GUP] = "gup",
};

static const char * const gg_level_names[GG_LVL_NR] = {
	[GG_LVL_NONE] = "none",
	[GG_LVL_PTE] = "pte",
	[GG_LVL_PMD] = "pmd",
	[GG_LVL_PUD] = "pud",
	[GG_LVL_P4D] = "p4d",
	[GG_LVL_PGD] = "pgd",
	[GG_LVL_UNKNOWN] = "unknown",
};

static const char * const gg_access_names[GG_ACCESS_NR] = {
	[GG_ACCESS_READ] = "read",
	[GG_ACCESS_WRITE] = "write",
	[GG_ACCESS_EXEC] = "exec",
};

static const char * const gg_lock_names[GG_LOCK_NR] = {
	[GG_LOCK_MMAP] = "mmap",
	[GG_LOCK_VMA] = "vma",
};

static const char * const gg_trans_names[GG_TRANS_NR] = {
	[GG_TRANS_UNKNOWN] = "unknown",
	[GG_TRANS_NONE_NONE] = "none->none",
	[GG_TRANS_NONE_PRESENT] = "none->present",
	[GG_TRANS_PRESENT_NONE] = "present->none",
	[GG_TRANS_RO_RW_COW] = "ro->rw-cow",
	[GG_TRANS_NEWPFN] = "present->present-newpfn",
	[GG_TRANS_RO_RW] = "ro->rw",
	[GG_TRANS_PRESENT] = "present->present",
};

static const char * const gg_result_names[GG_RESULT_NR] = {
	[GG_RESULT_MINOR] = "minor",
	[GG_RESULT_MAJOR] = "major",
	[GG_RESULT_RETRY] = "retry",
	[GG_RESULT_COMPLETED] = "completed",
	[GG_RESULT_OOM] = "oom",
	[GG_RESULT_SIGBUS] = "sigbus",
	[GG_RESULT_SIGSEGV] = "sigsegv",
	[GG_RESULT_HWPOISON] = "hwpoison",
	[GG_RESULT_FALLBACK] = "fallback",
	[GG_RESULT_ERROR] = "error",
};

static const char *gg_name(const char * const *table, unsigned int n,
			   unsigned int i)
{
	return i < n && table[i] ? table[i] : "unknown";
}

const char *gg_type_name(unsigned int type)
{
	return gg_name(gg_names, ARRAY_SIZE(gg_names), type);
}

const char *gg_origin_name(unsigned int origin)
{
	return gg_name(gg_origin_names, ARRAY_SIZE(gg_origin_names), origin);
}

const char *gg_level_name(unsigned int level)
{
	return gg_name(gg_level_names, ARRAY_SIZE(gg_level_names), level);
}

const char *gg_access_name(unsigned int access)
{
	return gg_name(gg_access_names, ARRAY_SIZE(gg_access_names), access);
}

const char *gg_lock_name(unsigned int lock)
{
	return gg_name(gg_lock_names, ARRAY_SIZE(gg_lock_names), lock);
}

const char *gg_trans_name(unsigned int trans)
{
	return gg_name(gg_trans_names, ARRAY_SIZE(gg_trans_names), trans);
}

const char *gg_result_name(unsigned int result)
{
	return gg_name(gg_result_names, ARRAY_SIZE(gg_result_names), result);
}

/* Appends to @buf at @pos; never writes past @size, always terminates. */
static __printf(4, 5) int gg_put(char *buf, size_t size, int pos,
				 const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	pos += vscnprintf(buf + pos, size - pos, fmt, args);
	va_end(args);
	return pos;
}

/* Space, '=', '\' and non-printable bytes become \xNN, so a line splits on spaces. */
static int gg_put_str(char *buf, size_t size, int pos, const char *key,
		      const char *s, unsigned int len)
{
	unsigned int i;

	pos = gg_put(buf, size, pos, " %s=", key);
	if (len > GG_STR_MAX)
		len = GG_STR_MAX;
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c < 0x21 || c > 0x7e || c == '=' || c == '\\')
			pos = gg_put(buf, size, pos, "\\x%02x", c);
		else
			pos = gg_put(buf, size, pos, "%c", c);
	}
	return pos;
}

/* A return value that is an address, or -errno in decimal. */
static int gg_put_addr_ret(char *buf, size_t size, int pos, s64 ret)
{
	if (ret < 0 && ret >= -GG_MAX_ERRNO)
		return gg_put(buf, size, pos, " ret=%lld", ret);
	return gg_put(buf, size, pos, " ret=0x%llx", (u64)ret);
}

/* "PWUADNH", a '-' for each bit not set. */
static void gg_flags_text(u8 bits, char out[8])
{
	static const char letters[] = "PWUADNH";
	int i;

	for (i = 0; i < 7; i++)
		out[i] = bits & (1 << i) ? letters[i] : '-';
	out[7] = '\0';
}

static int gg_put_fault(char *buf, size_t size, int pos,
			const struct gg_ev_fault *f)
{
	const struct gg_fault_decoded *d = &f->d;
	char of[8], nf[8];

	gg_flags_text(d->old_flags, of);
	gg_flags_text(d->new_flags, nf);
	pos = gg_put(buf, size, pos,
		     " addr=0x%llx ip=0x%llx access=%s origin=%s lock=%s level=%s",
		     f->addr, f->ip, gg_access_name(d->access),
		     gg_origin_name(f->origin), gg_lock_name(d->lock),
		     gg_level_name(d->level));
	pos = gg_put(buf, size, pos,
		     " old=0x%llx new=0x%llx old_flags=%s new_flags=%s old_pfn=0x%llx new_pfn=0x%llx",
		     f->old, f->new, of, nf, d->old_pfn, d->new_pfn);
	pos = gg_put(buf, size, pos,
		     " trans=%s result=%s vmf=0x%x node=%d fflags=0x%x",
		     gg_trans_name(d->trans), gg_result_name(d->result),
		     f->vmf, f->node, f->fflags);
	return gg_put(buf, size, pos, " ptes=%u ptes_start=0x%llx ptes_end=0x%llx",
		      f->ptes, f->ptes_start, f->ptes_end);
}

static int gg_put_tlb(char *buf, size_t size, int pos,
		      const struct gg_ev_tlb *t)
{
	pos = gg_put(buf, size, pos, " start=0x%llx end=0x%llx stride=%u",
		     t->start, t->end, t->stride);
	if (t->end == GG_TLB_FLUSH_ALL)
		pos = gg_put(buf, size, pos, " pages=all");
	else if (t->end >= t->start && t->stride < 64)
		pos = gg_put(buf, size, pos, " pages=%llu",
			     (t->end - t->start) >> t->stride);
	else
		pos = gg_put(buf, size, pos, " pages=0");
	return gg_put(buf, size, pos, " freed=%u", t->freed);
}

int gg_format(const struct gg_rec *r, char *buf, size_t size)
{
	const struct gg_hdr *h = &r->h;
	int pos;

	pos = gg_put(buf, size, 0,
		     "seq=%llu ts=%llu cpu=%u pid=%d tid=%d cr3=0x%llx pgd=0x%llx ev=%s",
		     h->seq, h->ts, h->cpu, h->pid, h->tid, h->cr3, h->pgd,
		     gg_type_name(h->type));

	switch (h->type) {
	case GG_EV_LOST:
		pos = gg_put(buf, size, pos, " count=%llu", r->u.lost.count);
		break;
	case GG_EV_MMAP: {
		const struct gg_ev_mmap *e = &r->u.mmap;

		pos = gg_put(buf, size, pos,
			     " addr=0x%llx len=%llu prot=0x%llx flags=0x%llx pgoff=%llu anon=%u",
			     e->addr, e->len, e->prot, e->flags, e->pgoff,
			     e->anon);
		if (!e->anon)
			pos = gg_put_str(buf, size, pos, "file", e->name,
					 e->name_len);
		pos = gg_put_addr_ret(buf, size, pos, e->ret);
		break;
	}
	case GG_EV_MUNMAP:
		pos = gg_put(buf, size, pos, " addr=0x%llx len=%llu ret=%lld",
			     r->u.munmap.addr, r->u.munmap.len,
			     r->u.munmap.ret);
		break;
	case GG_EV_MREMAP: {
		const struct gg_ev_mremap *e = &r->u.mremap;

		pos = gg_put(buf, size, pos,
			     " addr=0x%llx old_len=%llu new_len=%llu flags=0x%llx new_addr=0x%llx",
			     e->addr, e->old_len, e->new_len, e->flags,
			     e->new_addr);
		pos = gg_put_addr_ret(buf, size, pos, e->ret);
		break;
	}
	case GG_EV_MPROTECT:
		pos = gg_put(buf, size, pos,
			     " addr=0x%llx len=%llu prot=0x%llx ret=%lld",
			     r->u.mprotect.addr, r->u.mprotect.len,
			     r->u.mprotect.prot, r->u.mprotect.ret);
		break;
	case GG_EV_MADVISE:
		pos = gg_put(buf, size, pos,
			     " addr=0x%llx len=%llu advice=%lld ret=%lld",
			     r->u.madvise.addr, r->u.madvise.len,
			     r->u.madvise.advice, r->u.madvise.ret);
		break;
	case GG_EV_BRK:
		pos = gg_put(buf, size, pos, " brk=0x%llx ret=0x%llx",
			     r->u.brk.brk, r->u.brk.ret);
		break;
	case GG_EV_FAULT:
		pos = gg_put_fault(buf, size, pos, &r->u.fault);
		break;
	case GG_EV_TLB_FLUSH:
		pos = gg_put_tlb(buf, size, pos, &r->u.tlb);
		break;
	case GG_EV_FORK:
		pos = gg_put(buf, size, pos, " child=%d thread=%u",
			     r->u.fork.child, r->u.fork.thread);
		break;
	case GG_EV_EXEC:
		pos = gg_put_str(buf, size, pos, "filename", r->u.exec.s,
				 r->u.exec.len);
		break;
	case GG_EV_EXIT:
		pos = gg_put(buf, size, pos, " code=%d group_dead=%u",
			     r->u.exit.code, r->u.exit.group_dead);
		break;
	case GG_EV_MARKER:
		/* Verbatim: the writer guaranteed no NUL and no newline. */
		pos = gg_put(buf, size, pos, " text=%.*s",
			     r->u.marker.len < GG_STR_MAX ?
			     (int)r->u.marker.len : GG_STR_MAX,
			     r->u.marker.s);
		break;
	default:
		break;
	}
	return gg_put(buf, size, pos, "\n");
}
