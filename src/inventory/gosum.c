#include "inventory/gosum.h"

#include <stdlib.h>
#include <string.h>

#include "core/input_size.h"
#include "core/strmap.h"
#include "inventory/gomod.h"
#include "core/vec.h"
#include "strata/version.h"

void gosum_free(struct gosum *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].path);
        free(s->v[i].version);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}

int gosum_needed(const char *go)
{
    /* No "go" line means Go 1.16 semantics (the go command's own rule). */
    if (go == NULL)
        return 1;
    char *end;
    unsigned long major = strtoul(go, &end, 10);
    if (end == go || *end != '.')
        return major < 1;
    unsigned long minor = strtoul(end + 1, NULL, 10);
    return major < 1 || (major == 1 && minor < 17);
}

static int cmp_module(const void *a, const void *b)
{
    return strcmp(((const struct gosum_module *)a)->path, ((const struct gosum_module *)b)->path);
}

/* Splits one line into exactly three blank-separated fields. */
static int fields(const char *s, size_t n, const char *f[3], size_t fl[3])
{
    size_t k = 0, i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i == n)
            break;
        if (k == 3)
            return -1;
        f[k] = s + i;
        while (i < n && s[i] != ' ' && s[i] != '\t')
            i++;
        fl[k] = (size_t)(s + i - f[k]);
        k++;
    }
    return k == 3 ? 0 : (k == 0 ? 1 : -1);
}

static int add_version(struct gosum *out, size_t *cap, struct strmap *index, const char *mp,
                       size_t ml, const char *ver, size_t vl)
{
    char *v = strndup(ver, vl);
    if (v == NULL)
        return STRATA_ENOMEM;
    uintptr_t at = (uintptr_t)strmap_getn(index, mp, ml);
    if (at != 0) {
        struct gosum_module *m = &out->v[at - 1];
        int cmp = 0;
        struct strata_error ignored = {0};
        /* A version the Go comparator cannot read keeps the one already chosen. */
        if (strata_version_compare(STRATA_VERSION_GO, v, m->version, &cmp, &ignored) == 0 &&
            cmp > 0) {
            free(m->version);
            m->version = v;
        } else {
            free(v);
        }
        return 0;
    }
    struct gosum_module *nv = vec_grow(out->v, out->n, cap, sizeof *nv);
    char *p = nv ? strndup(mp, ml) : NULL;
    if (nv != NULL)
        out->v = nv;
    if (p == NULL) {
        free(v);
        return STRATA_ENOMEM;
    }
    out->v[out->n++] = (struct gosum_module){p, v};
    /* The index keys point into out->v[].path, which never moves once allocated. */
    return strmap_put(index, p, (void *)(uintptr_t)out->n);
}

int gosum_parse(const uint8_t *data, size_t len, const char *path, struct gosum *out,
                struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = input_size_check(path, len, GOSUM_MAX_FILE, err);
    if (rc != 0)
        return rc;
    struct strmap index = STRMAP_INIT;
    size_t cap = 0, lineno = 0;
    const char *s = (const char *)data, *end = s + len;
    while (rc == 0 && s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        lineno++;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        const char *f[3];
        size_t fl[3];
        int k = memchr(s, '\0', n) ? -1 : fields(s, n, f, fl);
        if (k < 0 || (k == 0 && (fl[0] > GOMOD_MAX_TOKEN || fl[1] > GOMOD_MAX_TOKEN || fl[2] < 3 ||
                                 memcmp(f[2], "h1:", 3) != 0))) {
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%zu: expected 'module version h1:hash'",
                                  path, lineno);
            break;
        }
        if (k == 0) {
            static const char gomod_suffix[] = "/go.mod";
            size_t sl = sizeof gomod_suffix - 1;
            int only_gomod = fl[1] > sl && memcmp(f[1] + fl[1] - sl, gomod_suffix, sl) == 0;
            if (!only_gomod) {
                if (out->n >= GOMOD_MAX_ENTRIES) {
                    rc = strata_error_set(err, STRATA_ELIMIT, "%s:%zu: more than %u modules", path,
                                          lineno, GOMOD_MAX_ENTRIES);
                    break;
                }
                rc = add_version(out, &cap, &index, f[0], fl[0], f[1], fl[1]);
                if (rc != 0)
                    rc = strata_error_nomem(err);
            }
        }
        s += (nl ? (size_t)(nl - s) + 1 : (size_t)(end - s));
    }
    strmap_release(&index);
    if (rc == 0 && out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, cmp_module);
    return rc;
}
