/* Connectivity diff (np_diff.h). Each side is walked once (np_engine_each) into: the
 * workload→workload pairs keyed by names, and per workload the outside address ranges it is
 * reachable from and can reach, each with its allowance. Allowances are interned by their
 * text, so equal ones compare as pointers and the JSON can give the structured form. */
#include "netpol/np_diff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/strmap.h"
#include "core/vec.h"
#include "report/json_writer.h"

struct allow_rec {
    const char *text;
    struct np_allow a;
};

struct seg {
    uint32_t lo, hi;
    const struct allow_rec *al;
};

struct pair_rec {
    const char *key; /* "src\ndst" */
    const struct allow_rec *al;
    int seen;
};

struct side {
    struct np_engine *e;
    size_t n_wl;
    struct np_names nm;
    struct vec pairs;      /* struct pair_rec, walk order */
    struct strmap pair_ix; /* key -> index + 1 */
    struct strmap wl_ix;   /* workload name -> index + 1 */
    struct vec *in, *out;  /* per workload: struct seg from / to outside */
    struct np_cidr **xr;   /* per external entity: its ranges (cached) */
    size_t *xn;
};

struct diff {
    struct arena arena;
    struct strmap allows; /* text -> struct allow_rec * */
    struct side s[2];
    struct strbuf sb;
    enum np_format fmt;
    FILE *out;
    struct json_writer jw;
    struct np_diff_stats *st;
    int rc;
};

static const struct allow_rec *intern_allow(struct diff *d, const struct np_allow *a)
{
    strbuf_reset(&d->sb);
    if (np_allow_format(a, &d->sb) != 0)
        return NULL;
    struct allow_rec *r = strmap_get(&d->allows, d->sb.buf);
    if (r != NULL)
        return r;
    r = arena_alloc(&d->arena, sizeof *r);
    if (r == NULL || (r->text = arena_strdup(&d->arena, d->sb.buf)) == NULL)
        return NULL;
    memset(&r->a, 0, sizeof r->a);
    if (np_allow_copy(a, &r->a) != 0) {
        np_allow_release(&r->a);
        return NULL;
    }
    if (strmap_put(&d->allows, r->text, r) != 0)
        return NULL;
    return r;
}

struct walk_ctx {
    struct diff *d;
    struct side *s;
};

static int collect(void *u, size_t src, size_t dst, const struct np_allow *a)
{
    struct walk_ctx *w = u;
    struct diff *d = w->d;
    struct side *s = w->s;
    const struct allow_rec *al = intern_allow(d, a);
    if (al == NULL)
        return STRATA_ENOMEM;
    if (src < s->n_wl && dst < s->n_wl) {
        strbuf_reset(&d->sb);
        if (strbuf_addf(&d->sb, "%s\n%s", s->nm.name[src], s->nm.name[dst]) != 0)
            return STRATA_ENOMEM;
        struct pair_rec *pr = vec_push(&s->pairs, sizeof *pr);
        if (pr == NULL || (pr->key = arena_strdup(&d->arena, d->sb.buf)) == NULL)
            return STRATA_ENOMEM;
        pr->al = al;
        return strmap_put(&s->pair_ix, pr->key, (void *)(uintptr_t)s->pairs.n);
    }
    int from_outside = src >= s->n_wl;
    size_t x = from_outside ? src : dst, wl = from_outside ? dst : src, k = x - s->n_wl;
    struct vec *v = from_outside ? &s->in[wl] : &s->out[wl];
    if (s->xr[k] == NULL && np_entity_ranges(s->e, x, &s->xr[k], &s->xn[k]) != 0)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < s->xn[k]; i++) {
        struct seg *g = vec_push(v, sizeof *g);
        if (g == NULL)
            return STRATA_ENOMEM;
        *g = (struct seg){s->xr[k][i].lo, s->xr[k][i].hi, al};
    }
    return 0;
}

static int seg_cmp(const void *x, const void *y)
{
    const struct seg *a = x, *b = y;
    return (a->lo > b->lo) - (a->lo < b->lo);
}

static int side_build(struct diff *d, struct side *s, struct np_engine *e)
{
    s->e = e;
    s->pair_ix = (struct strmap)STRMAP_INIT;
    s->wl_ix = (struct strmap)STRMAP_INIT;
    if (np_names_build(e, &s->nm) != 0)
        return STRATA_ENOMEM;
    size_t n = np_engine_entities(e);
    while (s->n_wl < n && !np_entity_is_external(e, s->n_wl))
        s->n_wl++;
    s->in = calloc(s->n_wl + 1, sizeof *s->in);
    s->out = calloc(s->n_wl + 1, sizeof *s->out);
    s->xr = calloc(n - s->n_wl + 1, sizeof *s->xr);
    s->xn = calloc(n - s->n_wl + 1, sizeof *s->xn);
    if (s->in == NULL || s->out == NULL || s->xr == NULL || s->xn == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < s->n_wl; i++)
        if (strmap_put(&s->wl_ix, s->nm.name[i], (void *)(uintptr_t)(i + 1)) != 0)
            return STRATA_ENOMEM;
    struct walk_ctx w = {d, s};
    int rc = np_engine_each(e, collect, &w);
    for (size_t i = 0; rc == 0 && i < s->n_wl; i++) {
        if (s->in[i].n > 1)
            qsort(s->in[i].p, s->in[i].n, sizeof(struct seg), seg_cmp);
        if (s->out[i].n > 1)
            qsort(s->out[i].p, s->out[i].n, sizeof(struct seg), seg_cmp);
    }
    return rc;
}

static void side_release(struct side *s)
{
    size_t n_x = s->nm.n > s->n_wl ? s->nm.n - s->n_wl : 0;
    for (size_t i = 0; i < s->n_wl; i++) {
        if (s->in)
            free(s->in[i].p);
        if (s->out)
            free(s->out[i].p);
    }
    for (size_t k = 0; s->xr && k < n_x; k++)
        free(s->xr[k]);
    free(s->in);
    free(s->out);
    free(s->xr);
    free(s->xn);
    free(s->pairs.p);
    strmap_release(&s->pair_ix);
    strmap_release(&s->wl_ix);
    np_names_release(&s->nm);
}

/* ---- output ---- */

static void emit(struct diff *d, char sign, const char *src, size_t src_len, const char *dst,
                 size_t dst_len, const struct allow_rec *before, const struct allow_rec *after)
{
    if (sign == '+')
        d->st->added++;
    else if (sign == '-')
        d->st->removed++;
    else
        d->st->changed++;
    if (d->fmt == NP_FMT_JSON) {
        /* written in three passes (removed, added, changed) by the caller's ordering */
        struct json_writer *jw = &d->jw;
        jw_begin_object(jw);
        strbuf_reset(&d->sb);
        if (strbuf_add(&d->sb, src, src_len) != 0) {
            d->rc = STRATA_ENOMEM;
            return;
        }
        jw_key(jw, "src");
        jw_string(jw, d->sb.buf);
        strbuf_reset(&d->sb);
        if (strbuf_add(&d->sb, dst, dst_len) != 0) {
            d->rc = STRATA_ENOMEM;
            return;
        }
        jw_key(jw, "dst");
        jw_string(jw, d->sb.buf);
        if (sign == '~') {
            jw_key(jw, "before");
            np_json_ports(jw, &before->a);
            jw_key(jw, "after");
            np_json_ports(jw, &after->a);
        } else {
            jw_key(jw, "ports");
            np_json_ports(jw, sign == '+' ? &after->a : &before->a);
        }
        jw_end_object(jw);
        return;
    }
    if (sign == '~')
        fprintf(d->out, "~ %.*s -> %.*s  %s => %s\n", (int)src_len, src, (int)dst_len, dst,
                before->text, after->text);
    else
        fprintf(d->out, "%c %.*s -> %.*s  %s\n", sign, (int)src_len, src, (int)dst_len, dst,
                (sign == '+' ? after : before)->text);
}

static void emit_pair(struct diff *d, char sign, const char *key, const struct allow_rec *before,
                      const struct allow_rec *after)
{
    const char *nl = strchr(key, '\n');
    emit(d, sign, key, (size_t)(nl - key), nl + 1, strlen(nl + 1), before, after);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

struct piece {
    uint32_t lo, hi;
    const struct allow_rec *a, *b; /* before, after (NULL: no connection) */
};

static int rec_cmp(const struct allow_rec *x, const struct allow_rec *y)
{
    if (x == y)
        return 0;
    if (x == NULL || y == NULL)
        return x == NULL ? -1 : 1;
    return strcmp(x->text, y->text);
}

static int piece_cmp(const void *p, const void *q)
{
    const struct piece *x = p, *y = q;
    int c = rec_cmp(x->a, y->a);
    if (c == 0)
        c = rec_cmp(x->b, y->b);
    return c ? c : (x->lo > y->lo) - (x->lo < y->lo);
}

/* Outside-address changes of workload name wl in one direction: the two sides' segment
 * lists walked together over their common refinement; the pieces whose allowance changed
 * grouped by (before, after), each group named by its CIDRs (or "0.0.0.0/0 except …"). want:
 * '-' removed, '+' added, '~' changed. */
static void emit_outside(struct diff *d, const char *wl, const struct vec *va, const struct vec *vb,
                         int from_outside, char want)
{
    const struct seg *a = va ? va->p : NULL, *b = vb ? vb->p : NULL;
    size_t na = va ? va->n : 0, nb = vb ? vb->n : 0, i = 0, j = 0;
    struct vec pieces = {0};
    uint64_t at = 0;
    while (at <= 0xffffffffu && d->rc == 0) {
        while (i < na && a[i].hi < at)
            i++;
        while (j < nb && b[j].hi < at)
            j++;
        const struct allow_rec *xa = i < na && a[i].lo <= at ? a[i].al : NULL;
        const struct allow_rec *xb = j < nb && b[j].lo <= at ? b[j].al : NULL;
        uint64_t end = 0xffffffffu;
        if (i < na)
            end = min_u64(end, a[i].lo <= at ? a[i].hi : (uint64_t)a[i].lo - 1);
        if (j < nb)
            end = min_u64(end, b[j].lo <= at ? b[j].hi : (uint64_t)b[j].lo - 1);
        char kind = xa == xb ? 0 : xa == NULL ? '+' : xb == NULL ? '-' : '~';
        if (kind == want) {
            struct piece *pc = pieces.n ? (struct piece *)pieces.p + pieces.n - 1 : NULL;
            if (pc != NULL && pc->a == xa && pc->b == xb && (uint64_t)pc->hi + 1 == at)
                pc->hi = (uint32_t)end;
            else if ((pc = vec_push(&pieces, sizeof *pc)) == NULL)
                d->rc = STRATA_ENOMEM;
            else
                *pc = (struct piece){(uint32_t)at, (uint32_t)end, xa, xb};
        }
        at = end + 1;
    }
    struct piece *p = pieces.p;
    if (pieces.n > 1)
        qsort(p, pieces.n, sizeof *p, piece_cmp);
    struct np_cidr *r = malloc((pieces.n + 1) * sizeof *r);
    struct strbuf name = STRBUF_INIT;
    if (r == NULL)
        d->rc = STRATA_ENOMEM;
    for (size_t k = 0; k < pieces.n && d->rc == 0;) {
        size_t m = k, n = 0;
        for (; m < pieces.n && p[m].a == p[k].a && p[m].b == p[k].b; m++)
            r[n++] = (struct np_cidr){p[m].lo, p[m].hi};
        strbuf_reset(&name);
        if (np_ranges_name(r, n, &name) != 0) {
            d->rc = STRATA_ENOMEM;
            break;
        }
        if (from_outside)
            emit(d, want, name.buf, name.len, wl, strlen(wl), p[k].a, p[k].b);
        else
            emit(d, want, wl, strlen(wl), name.buf, name.len, p[k].a, p[k].b);
        k = m;
    }
    free(r);
    free(pieces.p);
    strbuf_release(&name);
}

static const struct vec *segs_of(const struct side *s, const char *wl, int from_outside)
{
    void *v = strmap_get(&s->wl_ix, wl);
    if (v == NULL)
        return NULL;
    size_t i = (size_t)(uintptr_t)v - 1;
    return from_outside ? &s->in[i] : &s->out[i];
}

static void emit_all(struct diff *d, char want)
{
    struct side *A = &d->s[0], *B = &d->s[1];
    struct pair_rec *pa = A->pairs.p, *pb = B->pairs.p;
    if (want == '-') {
        for (size_t i = 0; i < A->pairs.n; i++)
            if (strmap_get(&B->pair_ix, pa[i].key) == NULL)
                emit_pair(d, '-', pa[i].key, pa[i].al, NULL);
    } else {
        for (size_t i = 0; i < B->pairs.n; i++) {
            void *v = strmap_get(&A->pair_ix, pb[i].key);
            const struct allow_rec *before = v ? pa[(uintptr_t)v - 1].al : NULL;
            if (want == '+' && before == NULL)
                emit_pair(d, '+', pb[i].key, NULL, pb[i].al);
            else if (want == '~' && before != NULL && before != pb[i].al)
                emit_pair(d, '~', pb[i].key, before, pb[i].al);
        }
    }
    /* outside addresses, per workload of A then the workloads only in B */
    for (int dir = 1; dir >= 0; dir--) {
        for (size_t w = 0; w < A->n_wl && d->rc == 0; w++)
            emit_outside(d, A->nm.name[w], dir ? &A->in[w] : &A->out[w],
                         segs_of(B, A->nm.name[w], dir), dir, want);
        for (size_t w = 0; w < B->n_wl && d->rc == 0; w++)
            if (strmap_get(&A->wl_ix, B->nm.name[w]) == NULL)
                emit_outside(d, B->nm.name[w], NULL, dir ? &B->in[w] : &B->out[w], dir, want);
    }
}

int np_diff_write(struct np_engine *a, struct np_engine *b, enum np_format fmt, FILE *out,
                  struct np_diff_stats *st, struct strata_error *err)
{
    struct diff d = {.arena = ARENA_INIT,
                     .allows = STRMAP_INIT,
                     .sb = STRBUF_INIT,
                     .fmt = fmt,
                     .out = out,
                     .st = st};
    memset(st, 0, sizeof *st);
    int rc = side_build(&d, &d.s[0], a);
    if (rc == 0)
        rc = side_build(&d, &d.s[1], b);
    if (rc == 0 && fmt == NP_FMT_JSON) {
        if (jw_init(&d.jw, out) != 0)
            rc = STRATA_ENOMEM;
        else
            jw_begin_object(&d.jw);
    }
    static const char order[] = {'-', '+', '~'};
    static const char *const keys[] = {"removed", "added", "changed"};
    for (int k = 0; k < 3 && rc == 0; k++) {
        if (fmt == NP_FMT_JSON) {
            jw_key(&d.jw, keys[k]);
            jw_begin_array(&d.jw);
        }
        emit_all(&d, order[k]);
        rc = d.rc;
        if (fmt == NP_FMT_JSON)
            jw_end_array(&d.jw);
    }
    if (fmt == NP_FMT_JSON && d.jw.buf != NULL) {
        if (rc == 0) {
            jw_key(&d.jw, "summary");
            jw_begin_object(&d.jw);
            jw_key(&d.jw, "added");
            jw_integer(&d.jw, (long long)st->added);
            jw_key(&d.jw, "removed");
            jw_integer(&d.jw, (long long)st->removed);
            jw_key(&d.jw, "changed");
            jw_integer(&d.jw, (long long)st->changed);
            jw_end_object(&d.jw);
            jw_end_object(&d.jw);
        }
        if (jw_finish(&d.jw) != 0 && rc == 0)
            rc = STRATA_EIO;
    } else if (rc == 0 && (fflush(out) != 0 || ferror(out))) {
        rc = STRATA_EIO;
    }
    side_release(&d.s[0]);
    side_release(&d.s[1]);
    /* the interned allowances own port sets */
    for (size_t i = 0; i < d.allows.cap; i++)
        if (d.allows.slots[i].key != NULL)
            np_allow_release(&((struct allow_rec *)d.allows.slots[i].value)->a);
    strmap_release(&d.allows);
    strbuf_release(&d.sb);
    arena_release(&d.arena);
    if (rc == STRATA_ENOMEM)
        return strata_error_nomem(err);
    if (rc == STRATA_EIO)
        return strata_error_set(err, rc, "writing the diff: %s", strerror(errno));
    return rc;
}
