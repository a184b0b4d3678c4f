/* Fast rows for `strata netpol conn` (np_conn_rows.h). The JSON bytes are those the report's
 * JSON writer (report/json_writer.h) gives, which tests/golden/netpol/conn.json pins: names
 * and port lists are rendered by that writer once and reused. */
#include "netpol/np_conn_rows.h"

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "report/json_writer.h"

#define OUTBUF (1u << 20)

struct cached {
    uint64_t hash;
    struct np_allow a; /* a copy, to compare */
    char *text;        /* the row's tail: ports and end of row */
    size_t len;
};

/* The engine hands the same few allowance objects over and over: a pointer-keyed front
 * (checked for equal content: an address may be reused) saves hashing them per row. */
#define ROWS_FRONT 256u

struct np_rows {
    const struct np_allow *front_key[ROWS_FRONT];
    const struct cached *front_val[ROWS_FRONT];
    enum np_format fmt;
    FILE *out;
    char **src, **dst; /* per entity: the row's head and middle */
    size_t *src_len, *dst_len;
    size_t n;
    struct cached *cache;
    size_t cap, used;
    char *buf;
    size_t len;
    size_t rows;
    int failed;
};

static int flush(struct np_rows *r)
{
    if (r->len > 0 && fwrite(r->buf, 1, r->len, r->out) != r->len)
        r->failed = 1;
    r->len = 0;
    return r->failed ? STRATA_EIO : 0;
}

static int put(struct np_rows *r, const char *s, size_t n)
{
    if (r->len + n > OUTBUF && flush(r) != 0)
        return STRATA_EIO;
    if (n > OUTBUF) {
        if (fwrite(s, 1, n, r->out) != n)
            r->failed = 1;
        return r->failed ? STRATA_EIO : 0;
    }
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    return 0;
}

/* What the JSON writer makes of one top-level value, without its final newline, every line
 * after the first indented by indent spaces (the depth the value will sit at). */
static char *json_fragment(const char *s, const struct np_allow *a, int indent)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    if (f == NULL)
        return NULL;
    struct json_writer jw;
    int ok = jw_init(&jw, f) == 0;
    if (ok) {
        if (a != NULL)
            np_json_ports(&jw, a);
        else
            jw_string(&jw, s);
        ok = jw_finish(&jw) == 0;
    }
    if (fclose(f) != 0 || !ok) {
        free(mem);
        return NULL;
    }
    struct strbuf sb = STRBUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < len && rc == 0; i++) {
        if (mem[i] == '\n' && i + 1 == len)
            break;
        rc = strbuf_addch(&sb, mem[i]);
        if (rc == 0 && mem[i] == '\n')
            for (int k = 0; k < indent && rc == 0; k++)
                rc = strbuf_addch(&sb, ' ');
    }
    free(mem);
    char *out = rc == 0 ? strbuf_detach(&sb) : NULL;
    strbuf_release(&sb);
    return out;
}

static int csv_quote(struct strbuf *sb, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL)
        return strbuf_adds(sb, s);
    int rc = strbuf_addch(sb, '"');
    for (; *s && rc == 0; s++)
        rc = (*s == '"' ? strbuf_addch(sb, '"') : 0) || strbuf_addch(sb, *s);
    return rc || strbuf_addch(sb, '"');
}

static char *end_text(struct np_rows *r, const char *name, int is_src, int width)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = 0;
    switch (r->fmt) {
    case NP_FMT_TABLE:
        rc = strbuf_addf(&sb, "%-*s  ", width, name);
        break;
    case NP_FMT_CSV:
        rc = csv_quote(&sb, name) || strbuf_addch(&sb, ',');
        break;
    default: { /* JSON */
        char *q = json_fragment(name, NULL, 0);
        rc = q == NULL ||
             strbuf_addf(&sb, is_src ? "    {\n      \"src\": %s,\n" : "      \"dst\": %s,\n", q);
        if (rc == 0 && !is_src)
            rc = strbuf_adds(&sb, "      \"ports\": ");
        free(q);
        break;
    }
    }
    char *out = rc == 0 ? strbuf_detach(&sb) : NULL;
    strbuf_release(&sb);
    return out;
}

struct np_rows *np_rows_new(enum np_format fmt, const struct np_names *nm, int width, int dwidth,
                            FILE *out)
{
    struct np_rows *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->fmt = fmt;
    r->out = out;
    r->n = nm->n;
    r->src = calloc(nm->n + 1, sizeof *r->src);
    r->dst = calloc(nm->n + 1, sizeof *r->dst);
    r->src_len = calloc(nm->n + 1, sizeof *r->src_len);
    r->dst_len = calloc(nm->n + 1, sizeof *r->dst_len);
    r->buf = malloc(OUTBUF);
    int ok = r->src && r->dst && r->src_len && r->dst_len && r->buf;
    for (size_t i = 0; ok && i < nm->n; i++) {
        r->src[i] = end_text(r, nm->name[i], 1, width);
        r->dst[i] = end_text(r, nm->name[i], 0, dwidth);
        ok = r->src[i] != NULL && r->dst[i] != NULL;
        if (ok) {
            r->src_len[i] = strlen(r->src[i]);
            r->dst_len[i] = strlen(r->dst[i]);
        }
    }
    if (!ok) {
        np_rows_free(r);
        return NULL;
    }
    return r;
}

void np_rows_free(struct np_rows *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++) {
        if (r->src)
            free(r->src[i]);
        if (r->dst)
            free(r->dst[i]);
    }
    for (size_t i = 0; i < r->cap; i++)
        if (r->cache[i].text != NULL) {
            np_allow_release(&r->cache[i].a);
            free(r->cache[i].text);
        }
    free(r->cache);
    free(r->src);
    free(r->dst);
    free(r->src_len);
    free(r->dst_len);
    free(r->buf);
    free(r);
}

int np_rows_begin(struct np_rows *r)
{
    switch (r->fmt) {
    case NP_FMT_CSV:
        return put(r, "src,dst,ports\n", 14);
    case NP_FMT_JSON:
        return put(r, "{\n  \"connections\": [", 20);
    default:
        return 0; /* the table's header is written by the caller, who knows the widths */
    }
}

static char *tail_text(struct np_rows *r, const struct np_allow *a)
{
    struct strbuf sb = STRBUF_INIT, txt = STRBUF_INIT;
    int rc = 0;
    if (r->fmt == NP_FMT_JSON) {
        char *frag = json_fragment(NULL, a, 6);
        rc = frag == NULL || strbuf_addf(&sb, "%s\n    }", frag);
        free(frag);
    } else {
        rc = np_allow_format(a, &txt);
        if (rc == 0)
            rc = (r->fmt == NP_FMT_CSV ? csv_quote(&sb, txt.buf) : strbuf_adds(&sb, txt.buf)) ||
                 strbuf_addch(&sb, '\n');
    }
    strbuf_release(&txt);
    char *out = rc == 0 ? strbuf_detach(&sb) : NULL;
    strbuf_release(&sb);
    return out;
}

static int grow(struct np_rows *r)
{
    size_t nc = r->cap ? r->cap * 2 : 64;
    struct cached *t = calloc(nc, sizeof *t);
    if (t == NULL)
        return STRATA_ENOMEM;
    for (size_t i = 0; i < r->cap; i++) {
        if (r->cache[i].text == NULL)
            continue;
        size_t k = r->cache[i].hash & (nc - 1);
        while (t[k].text != NULL)
            k = (k + 1) & (nc - 1);
        t[k] = r->cache[i];
    }
    free(r->cache);
    r->cache = t;
    r->cap = nc;
    memset(r->front_key, 0, sizeof r->front_key); /* the entries moved */
    return 0;
}

static const struct cached *lookup(struct np_rows *r, const struct np_allow *a)
{
    if (r->used * 2 >= r->cap && grow(r) != 0)
        return NULL;
    uint64_t h = np_allow_hash(a);
    size_t k = h & (r->cap - 1);
    while (r->cache[k].text != NULL) {
        if (r->cache[k].hash == h && np_allow_equal(&r->cache[k].a, a))
            return &r->cache[k];
        k = (k + 1) & (r->cap - 1);
    }
    struct cached *c = &r->cache[k];
    memset(&c->a, 0, sizeof c->a);
    if (np_allow_copy(a, &c->a) != 0) {
        np_allow_release(&c->a);
        return NULL;
    }
    if ((c->text = tail_text(r, a)) == NULL) {
        np_allow_release(&c->a);
        return NULL;
    }
    c->hash = h;
    c->len = strlen(c->text);
    r->used++;
    return c;
}

int np_rows_put(struct np_rows *r, size_t src, size_t dst, const struct np_allow *a)
{
    size_t f = ((uintptr_t)a >> 4) % ROWS_FRONT;
    const struct cached *c = r->front_key[f] == a ? r->front_val[f] : NULL;
    if (c == NULL || !np_allow_equal(&c->a, a)) {
        if ((c = lookup(r, a)) == NULL)
            return STRATA_ENOMEM;
        r->front_key[f] = a;
        r->front_val[f] = c;
    }
    if (r->fmt == NP_FMT_JSON && put(r, r->rows ? ",\n" : "\n", r->rows ? 2 : 1) != 0)
        return STRATA_EIO;
    r->rows++;
    if (put(r, r->src[src], r->src_len[src]) != 0 || put(r, r->dst[dst], r->dst_len[dst]) != 0 ||
        put(r, c->text, c->len) != 0)
        return STRATA_EIO;
    return 0;
}

int np_rows_end(struct np_rows *r, const struct np_conn_stats *st)
{
    if (r->fmt == NP_FMT_JSON) {
        char tail[512];
        int n = snprintf(tail, sizeof tail,
                         "%s,\n  \"summary\": {\n    \"workloads\": %zu,\n"
                         "    \"external_entities\": %zu,\n    \"connections\": %zu,\n"
                         "    \"isolated_ingress\": %zu,\n    \"isolated_egress\": %zu\n  }\n}\n",
                         r->rows ? "\n  ]" : "]", st->workloads, st->externals, st->connections,
                         st->isolated_ingress, st->isolated_egress);
        if (put(r, tail, (size_t)n) != 0)
            return STRATA_EIO;
    }
    if (flush(r) != 0 || fflush(r->out) != 0 || ferror(r->out))
        return STRATA_EIO;
    return 0;
}
