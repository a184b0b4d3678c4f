/* Rule outputs: "%proc.name read %fd.name" compiled into literal and field segments at load
 * (an unknown field is an error there), and filled from a matched event. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "runtime/rules_internal.h"

static int is_field_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.';
}

static int push_seg(struct arena *a, struct out_seg **segs, size_t *n, size_t *cap,
                    const struct out_seg *s)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        struct out_seg *ns = arena_alloc(a, nc * sizeof *ns);
        if (ns == NULL)
            return STRATA_ENOMEM;
        if (*n > 0)
            memcpy(ns, *segs, *n * sizeof *ns);
        *segs = ns;
        *cap = nc;
    }
    (*segs)[(*n)++] = *s;
    return 0;
}

int rt_output_compile(struct arena *a, const struct rs_joined *j, struct out_seg **out, size_t *n,
                      struct strata_error *err)
{
    const char *s = j->buf;
    size_t len = j->len, i = 0, lit = 0, cap = 0;
    *out = NULL;
    *n = 0;
    /* a folded block scalar ends with a line break */
    while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
        len--;
    while (i <= len) {
        if (i < len && s[i] != '%') {
            i++;
            continue;
        }
        /* flush the literal before i */
        if (i > lit) {
            struct out_seg seg = {s + lit, (uint32_t)(i - lit), 0, -1};
            if (push_seg(a, out, n, &cap, &seg) != 0)
                return strata_error_nomem(err);
        }
        if (i == len)
            break;
        size_t start = i + 1, e = start;
        if (e < len && s[e] == '%') { /* "%%" is one '%' */
            lit = e;
            i = e + 1;
            continue;
        }
        while (e < len && is_field_char(s[e]))
            e++;
        if (e < len && s[e] == '[') {
            size_t b = e + 1;
            while (b < len && s[b] >= '0' && s[b] <= '9')
                b++;
            if (b < len && s[b] == ']' && b > e + 1)
                e = b + 1;
        }
        size_t fe = e;
        while (fe > start && s[fe - 1] == '.') /* "%proc.name." ends a sentence */
            fe--;
        int32_t arg;
        int bad;
        int f = fe > start ? rt_field_parse(s + start, fe - start, &arg, &bad) : -1;
        if (f < 0 || bad) {
            if (memchr(s + start, '.', fe - start) != NULL) {
                char where[600];
                rs_where(j, start - 1, fe - start + 1, where, sizeof where);
                return strata_error_set(err, STRATA_EFORMAT, "%s: output: unknown field %%%.*s",
                                        where, (int)(fe - start < 100 ? fe - start : 100),
                                        s + start);
            }
            lit = i; /* "50%" or "%d": literal */
            i++;
            continue;
        }
        struct out_seg seg = {NULL, 0, (uint16_t)f, arg};
        if (push_seg(a, out, n, &cap, &seg) != 0)
            return strata_error_nomem(err);
        lit = i = fe;
    }
    return 0;
}

static int add_val(struct strbuf *sb, const struct rf_val *v)
{
    char buf[INET6_ADDRSTRLEN];
    switch (v->type) {
    case RF_STR:
        return strbuf_add(sb, v->s, v->n);
    case RF_UINT:
        return strbuf_addf(sb, "%" PRIu64, v->u);
    case RF_BOOL:
        return strbuf_adds(sb, v->u ? "true" : "false");
    case RF_INT:
        return strbuf_addf(sb, "%" PRId64, v->i);
    case RF_IP:
        inet_ntop(v->family == RT_AF_INET ? AF_INET : AF_INET6, v->ip, buf, sizeof buf);
        return strbuf_adds(sb, buf);
    case RF_STRLIST:
    case RF_UINTLIST:
        for (uint32_t i = 0; i < v->n; i++) {
            int rc = i > 0 ? strbuf_addch(sb, ' ') : 0;
            if (rc == 0)
                rc = v->type == RF_STRLIST ? strbuf_add(sb, v->list[i].s, v->list[i].n)
                                           : strbuf_addf(sb, "%" PRIu64, v->ulist[i]);
            if (rc != 0)
                return rc;
        }
        return 0;
    }
    return 0;
}

int rt_rule_format_output(const struct rt_rule *rule, struct rt_eval *e, const struct rt_event *ev,
                          struct strbuf *out)
{
    if (e->ev != ev) { /* another event than the one the context evaluated last */
        e->ev = ev;
        e->stamp++;
    }
    for (size_t i = 0; i < rule->nout; i++) {
        const struct out_seg *s = &rule->out[i];
        int rc;
        if (s->lit != NULL) {
            rc = strbuf_add(out, s->lit, s->len);
        } else {
            struct rf_val v;
            memset(&v, 0, sizeof v);
            rc = rf_extract(e, s->field, s->arg, &v) ? add_val(out, &v) : strbuf_adds(out, "<NA>");
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}
