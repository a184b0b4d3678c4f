/* strata host: the result model and the run over the sections (host.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/host_internal.h"

const char *host_status_name(enum host_status s)
{
    static const char *const names[HOST_STATUS_COUNT] = {"PASS", "WARN", "INFO", "NOTE"};
    return (unsigned)s < HOST_STATUS_COUNT ? names[s] : "INFO";
}

int host_result(struct host_ctx *c, const char *id, const char *title, enum host_status s)
{
    struct host_report *r = c->rep;
    if (r->n_checks == c->cap_checks) {
        size_t cap = c->cap_checks ? c->cap_checks * 2 : 64;
        struct host_check *v = realloc(r->checks, cap * sizeof *v);
        if (v == NULL)
            return STRATA_ENOMEM;
        r->checks = v;
        c->cap_checks = cap;
    }
    r->checks[r->n_checks++] = (struct host_check){.id = id, .title = title, .status = s};
    r->totals[s]++;
    return 0;
}

int host_detail(struct host_ctx *c, const char *fmt, ...)
{
    struct host_report *r = c->rep;
    if (r->n_checks == 0)
        return 0;
    struct host_check *k = &r->checks[r->n_checks - 1];
    if (k->n_details >= HOST_MAX_DETAILS) {
        k->n_more_details++;
        return 0;
    }
    char *s = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        return STRATA_ENOMEM;
    /* details quote names from the tree: keep them printable on one line */
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    char **v = realloc(k->details, (k->n_details + 1) * sizeof *v);
    if (v == NULL) {
        free(s);
        return STRATA_ENOMEM;
    }
    k->details = v;
    k->details[k->n_details++] = s;
    return 0;
}

void host_report_free(struct host_report *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_checks; i++) {
        for (size_t j = 0; j < r->checks[i].n_details; j++)
            free(r->checks[i].details[j]);
        free(r->checks[i].details);
    }
    free(r->checks);
    free(r->root);
    free(r);
}

const struct host_check *host_report_find(const struct host_report *r, const char *id)
{
    for (size_t i = 0; r != NULL && i < r->n_checks; i++)
        if (strcmp(r->checks[i].id, id) == 0)
            return &r->checks[i];
    return NULL;
}

/* ---- account names ---- */

/* The first field of the line of an account file whose third field is id. */
static const char *name_of(const char *data, size_t len, unsigned id, char *buf, size_t cap)
{
    const char *p = data, *end = data + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *f[4] = {p, NULL, NULL, NULL};
        int k = 1;
        for (const char *q = p; q < le && k < 4; q++)
            if (*q == ':')
                f[k++] = q + 1;
        if (k == 4) {
            char *e;
            unsigned long v = strtoul(f[2], &e, 10);
            size_t nlen = (size_t)(f[1] - 1 - f[0]);
            if (e != f[2] && *e == ':' && v == id && nlen > 0 && nlen < cap) {
                memcpy(buf, f[0], nlen);
                buf[nlen] = '\0';
                return buf;
            }
        }
        p = nl ? nl + 1 : end;
    }
    return NULL;
}

const char *host_user_name(const struct host_ctx *c, unsigned uid, char *buf, size_t cap)
{
    if (c->passwd == NULL)
        return uid == 0 ? "root" : NULL;
    return name_of(c->passwd, c->passwd_len, uid, buf, cap);
}

const char *host_group_name(const struct host_ctx *c, unsigned gid, char *buf, size_t cap)
{
    if (c->group == NULL)
        return gid == 0 ? "root" : NULL;
    return name_of(c->group, c->group_len, gid, buf, cap);
}

/* ---- the run ---- */

int host_run(const struct host_options *o, struct host_report **out, struct strata_error *err)
{
    *out = NULL;
    struct host_ctx c = {.mounts_file = o->mounts_file, .err = err};
    const char *root = o->root ? o->root : "/";
    c.root.fd = -1;
    int rc = host_root_open(&c.root, root, err);
    if (rc != 0)
        return rc;
    c.rep = calloc(1, sizeof *c.rep);
    if (c.rep == NULL || (c.rep->root = strdup(root)) == NULL) {
        rc = strata_error_nomem(err);
        goto done;
    }
    /* a missing or oversized account file leaves names unresolved (only uid/gid 0 known) */
    if (host_root_read(&c.root, "/etc/passwd", HOST_MAX_TEXT_FILE, &c.passwd, &c.passwd_len) != 0)
        c.passwd = NULL;
    if (host_root_read(&c.root, "/etc/group", HOST_MAX_TEXT_FILE, &c.group, &c.group_len) != 0)
        c.group = NULL;
    if ((rc = host_daemon_load(&c)) != 0)
        goto done;
    if ((rc = host_section1(&c)) == 0 && (rc = host_section2(&c)) == 0 &&
        (rc = host_section3(&c)) == 0)
        rc = host_section5(&c);
    if (rc == STRATA_ENOMEM)
        strata_error_nomem(err);
done:
    host_daemon_free(&c.daemon);
    free(c.passwd);
    free(c.group);
    host_root_close(&c.root);
    if (rc != 0) {
        host_report_free(c.rep);
        return rc;
    }
    *out = c.rep;
    return 0;
}
