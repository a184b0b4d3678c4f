/* The configuration-check framework of config.h: rule selection, inline suppressions, the
 * --pss level, file kind detection and adding findings to the report. The checkers
 * (dockerfile_rules.c, k8s_*.c, compose.c, docker_inspect.c) only find things. */
#include "checks/config.h"

#include <ctype.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/strmap.h"
#include "core/yaml_guard.h"

/* Bounds of the rules file. */
#define RULES_MAX_FILE (1u << 20)
#define RULES_MAX_IDS 4096
#define RULES_MAX_ID 128

struct config_ctx {
    struct strata_report *r;
    int pss_level;
    struct arena arena;     /* the rule ids' text */
    struct strmap disabled; /* id -> 1 */
    struct strmap enabled;  /* id -> 1; when not empty, only these run */
    size_t n_enabled;
    size_t suppressed;
    size_t dropped;
    void *state[CONFIG_DOCKER_INSPECT + 1]; /* run-wide state per kind */
    struct config_source **kept;            /* sources kept for finish-time findings */
    size_t n_kept, cap_kept;
    /* line starts of the source last reported on, for the suppression comments */
    const struct config_source *lines_of;
    size_t *line_start;
    unsigned char *line_tagged; /* the line holds "strata:ignore" */
    size_t n_lines;
};

int config_pss_level(const struct config_ctx *c)
{
    return c->pss_level;
}

size_t config_ctx_suppressed(const struct config_ctx *c)
{
    return c->suppressed;
}

void config_report_dropped(struct config_ctx *c, size_t n)
{
    c->dropped += n;
}

size_t config_ctx_dropped(const struct config_ctx *c)
{
    return c->dropped;
}

void **config_ctx_state(struct config_ctx *c, enum config_kind kind)
{
    return &c->state[(unsigned)kind <= CONFIG_DOCKER_INSPECT ? kind : CONFIG_UNKNOWN];
}

const struct config_source *config_ctx_keep_source(struct config_ctx *c,
                                                   const struct config_source *src)
{
    if (c->n_kept == c->cap_kept) {
        size_t cap = c->cap_kept ? c->cap_kept * 2 : 8;
        struct config_source **k = realloc(c->kept, cap * sizeof *k);
        if (k == NULL)
            return NULL;
        c->kept = k;
        c->cap_kept = cap;
    }
    struct config_source *copy = calloc(1, sizeof *copy);
    char *path = copy ? strdup(src->path) : NULL;
    char *data = path ? malloc(src->len + 1) : NULL;
    if (data == NULL) {
        free(path);
        free(copy);
        return NULL;
    }
    memcpy(data, src->data, src->len);
    data[src->len] = '\0';
    *copy = (struct config_source){path, data, src->len, src->kind};
    c->kept[c->n_kept++] = copy;
    return copy;
}

int config_ctx_finish(struct config_ctx *c, struct strata_error *err)
{
    int rc = 0;
    for (unsigned k = 0; k <= CONFIG_DOCKER_INSPECT; k++) {
        void *st = c->state[k];
        c->state[k] = NULL;
        if (st != NULL && rc == 0)
            rc = config_finish_kind(c, (enum config_kind)k, st, err);
        else if (st != NULL)
            config_free_kind_state((enum config_kind)k, st);
    }
    return rc;
}

int config_rule_enabled(const struct config_ctx *c, const char *id)
{
    if (id == NULL)
        return 0;
    if (c->pss_level > 0 && strncmp(id, "PSS-", 4) != 0)
        return 0;
    if (c->pss_level == 1 && strncmp(id, "PSS-RESTRICTED-", 15) == 0)
        return 0;
    if (strmap_get(&c->disabled, id) != NULL)
        return 0;
    return c->n_enabled == 0 || strmap_get(&c->enabled, id) != NULL;
}

/* ---- the rules file ---- */

/* libfyaml 0.7 marks tokens, not nodes: a collection is where its first scalar is. */
static const struct fy_mark *node_mark(struct fy_node *n, int depth)
{
    if (n == NULL || depth > 8)
        return NULL;
    if (fy_node_is_scalar(n)) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        return t ? fy_token_start_mark(t) : NULL;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        return p ? node_mark(fy_node_pair_key(p), depth + 1) : NULL;
    }
    return node_mark(fy_node_sequence_iterate(n, &it), depth + 1);
}

static int node_error(struct strata_error *err, const char *path, struct fy_node *n,
                      const char *what)
{
    const struct fy_mark *m = node_mark(n, 0);
    int col = m ? m->column + 1 : 1;
    /* libfyaml marks a quoted scalar after its opening quote; point at the quote */
    struct fy_token *t = n && fy_node_is_scalar(n) ? fy_node_get_scalar_token(n) : NULL;
    if (t != NULL && col > 1 &&
        (fy_token_scalar_style(t) == FYSS_SINGLE_QUOTED ||
         fy_token_scalar_style(t) == FYSS_DOUBLE_QUOTED))
        col--;
    return strata_error_set(err, STRATA_EFORMAT, "%s:%d:%d: %s", path, m ? m->line + 1 : 1, col,
                            what);
}

static int is_rule_id(const char *s, size_t n)
{
    if (n == 0 || n > RULES_MAX_ID)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.' && s[i] != '_')
            return 0;
    return 1;
}

/* A sequence of rule ids into map. */
static int read_ids(struct fy_node *seq, const char *path, struct arena *arena, struct strmap *map,
                    size_t *count, struct strata_error *err)
{
    if (!fy_node_is_sequence(seq))
        return node_error(err, path, seq, "expected a list of rule ids");
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(seq, &it)) != NULL) {
        size_t n = 0;
        const char *s = fy_node_is_scalar(item) ? fy_node_get_scalar(item, &n) : NULL;
        if (s == NULL || !is_rule_id(s, n))
            return node_error(err, path, item, "expected a rule id (letters, digits, '-', '.')");
        if (*count >= RULES_MAX_IDS)
            return node_error(err, path, item, "more than 4096 rule ids");
        char *id = arena_strndup(arena, s, n);
        if (id == NULL)
            return strata_error_nomem(err);
        for (char *p = id; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        if (strmap_put(map, id, (void *)1) != 0)
            return strata_error_nomem(err);
        (*count)++;
    }
    return 0;
}

static void diag_sink(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag, (void)user, (void)buf, (void)len;
}

static int read_rules_file(struct config_ctx *c, const char *path, struct strata_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return strata_error_set(err, STRATA_EIO, "%s: cannot open: %m", path);
    char *buf = malloc(RULES_MAX_FILE + 1);
    size_t len = buf ? fread(buf, 1, RULES_MAX_FILE + 1, f) : 0;
    int bad = buf == NULL ? STRATA_ENOMEM : ferror(f) ? STRATA_EIO : 0;
    fclose(f);
    if (bad == 0 && len > RULES_MAX_FILE)
        bad = STRATA_ELIMIT;
    if (bad != 0) {
        free(buf);
        return bad == STRATA_ENOMEM
                   ? strata_error_nomem(err)
                   : strata_error_set(err, bad, "%s: %s", path,
                                      bad == STRATA_ELIMIT ? "larger than 1 MiB" : "read error");
    }
    int rc = config_ctx_add_rules(c, path, buf, len, err);
    free(buf);
    return rc;
}

int config_ctx_add_rules(struct config_ctx *c, const char *path, const char *buf, size_t len,
                         struct strata_error *err)
{
    if (len > RULES_MAX_FILE)
        return strata_error_set(err, STRATA_ELIMIT, "%s: larger than 1 MiB", path);
    int grc = yaml_guard(path, buf, len, err);
    if (grc != 0)
        return grc;
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.output_fn = diag_sink;
    struct fy_diag *diag = fy_diag_create(&dc);
    if (diag != NULL)
        fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pc = {.flags = FYPCF_QUIET | FYPCF_DISABLE_RECYCLING, .diag = diag};
    struct fy_document *doc = diag ? fy_document_build_from_string(&pc, buf, len) : NULL;
    int rc = 0;
    if (doc == NULL) {
        int line = 1, col = 1;
        void *it = NULL;
        struct fy_diag_error *de;
        while (diag != NULL && (de = fy_diag_errors_iterate(diag, &it)) != NULL)
            if (de->type == FYET_ERROR) {
                line = de->line > 0 ? de->line : 1, col = de->column > 0 ? de->column : 1;
                break;
            }
        rc = strata_error_set(err, STRATA_EFORMAT, "%s:%d:%d: not valid YAML", path, line, col);
    }
    struct fy_node *root = doc ? fy_document_root(doc) : NULL;
    if (rc == 0 && root != NULL && !fy_node_is_mapping(root))
        rc = node_error(err, path, root, "expected a mapping with 'disable' and/or 'enable'");
    void *it = NULL;
    struct fy_node_pair *pair;
    while (rc == 0 && root != NULL && (pair = fy_node_mapping_iterate(root, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(pair), *v = fy_node_pair_value(pair);
        size_t n = 0;
        const char *key = fy_node_is_scalar(k) ? fy_node_get_scalar(k, &n) : NULL;
        size_t dummy = 0;
        if (key != NULL && n == 7 && memcmp(key, "disable", 7) == 0)
            rc = read_ids(v, path, &c->arena, &c->disabled, &dummy, err);
        else if (key != NULL && n == 6 && memcmp(key, "enable", 6) == 0)
            rc = read_ids(v, path, &c->arena, &c->enabled, &c->n_enabled, err);
        else
            rc = node_error(err, path, k, "unknown key (expected 'disable' or 'enable')");
    }
    if (doc != NULL)
        fy_document_destroy(doc);
    if (diag != NULL)
        fy_diag_destroy(diag);
    return rc;
}

int config_ctx_new(const struct config_options *o, struct strata_report *r, struct config_ctx **out,
                   struct strata_error *err)
{
    struct config_ctx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return strata_error_nomem(err);
    c->r = r;
    c->pss_level = o ? o->pss_level : 0;
    int rc = o && o->rules_file ? read_rules_file(c, o->rules_file, err) : 0;
    if (rc != 0) {
        config_ctx_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void config_ctx_free(struct config_ctx *c)
{
    if (c == NULL)
        return;
    for (unsigned k = 0; k <= CONFIG_DOCKER_INSPECT; k++)
        if (c->state[k] != NULL)
            config_free_kind_state((enum config_kind)k, c->state[k]);
    for (size_t i = 0; i < c->n_kept; i++) {
        free((char *)c->kept[i]->path);
        free((char *)c->kept[i]->data);
        free(c->kept[i]);
    }
    free(c->kept);
    strmap_release(&c->disabled);
    strmap_release(&c->enabled);
    arena_release(&c->arena);
    free(c->line_start);
    free(c->line_tagged);
    free(c);
}

/* ---- inline suppressions ---- */

static int index_lines(struct config_ctx *c, const struct config_source *src)
{
    if (c->lines_of == src && c->line_start != NULL)
        return 0;
    size_t n = 1;
    for (size_t i = 0; i < src->len; i++)
        n += src->data[i] == '\n';
    size_t *ls = malloc(n * sizeof *ls);
    unsigned char *tagged = calloc(n, 1);
    if (ls == NULL || tagged == NULL) {
        free(ls);
        free(tagged);
        return STRATA_ENOMEM;
    }
    size_t k = 0;
    ls[k++] = 0;
    for (size_t i = 0; i < src->len; i++)
        if (src->data[i] == '\n')
            ls[k++] = i + 1;
    /* one pass for the tag, so a finding on a line without one costs nothing (a one-line
     * manifest with 60,000 findings must not rescan its megabytes 60,000 times) */
    static const char tag[] = "strata:ignore";
    size_t line = 0;
    for (const char *p = src->data, *end = src->data + src->len;
         (p = memmem(p, (size_t)(end - p), tag, sizeof tag - 1)) != NULL; p++) {
        size_t off = (size_t)(p - src->data);
        while (line + 1 < n && ls[line + 1] <= off)
            line++;
        tagged[line] = 1;
    }
    free(c->line_start);
    free(c->line_tagged);
    c->line_start = ls;
    c->line_tagged = tagged;
    c->n_lines = n;
    c->lines_of = src;
    return 0;
}

/* Does 1-based line hold `# strata:ignore ID[,ID…] reason` naming id? */
static int line_suppresses(const struct config_ctx *c, const struct config_source *src, int line,
                           const char *id)
{
    if (line < 1 || (size_t)line > c->n_lines || !c->line_tagged[line - 1])
        return 0;
    size_t from = c->line_start[line - 1];
    size_t to = (size_t)line < c->n_lines ? c->line_start[line] : src->len;
    const char *s = src->data + from, *end = src->data + to;
    static const char tag[] = "strata:ignore";
    for (const char *p = s; p + sizeof tag - 1 <= end; p++) {
        if (memcmp(p, tag, sizeof tag - 1) != 0)
            continue;
        /* it must be inside a comment */
        const char *h = memchr(s, '#', (size_t)(p - s));
        if (h == NULL)
            continue;
        p += sizeof tag - 1;
        if (p < end && (*p == '=' || *p == ':'))
            p++;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        /* a comma-separated id list, then the reason, which is required: a suppression
         * nobody can explain is not one */
        size_t idn = strlen(id);
        int named = 0;
        while (p < end) {
            const char *q = p;
            while (q < end && *q != ',' && *q != ' ' && *q != '\t' && *q != '\n' && *q != '\r')
                q++;
            named = named || ((size_t)(q - p) == idn && strncasecmp(p, id, idn) == 0);
            p = q;
            if (q >= end || *q != ',')
                break;
            p = q + 1;
        }
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        return named && p < end && *p != '\n' && *p != '\r';
    }
    return 0;
}

static int suppressed(struct config_ctx *c, const struct config_source *src,
                      const struct config_finding *f)
{
    if (f->line <= 0 || src->data == NULL || index_lines(c, src) != 0)
        return 0;
    return line_suppresses(c, src, f->line, f->id) || line_suppresses(c, src, f->line - 1, f->id);
}

/* ---- findings ---- */

void config_ctx_new_source(struct config_ctx *c)
{
    c->lines_of = NULL;
}

int config_report(struct config_ctx *c, const struct config_source *src,
                  const struct config_finding *f)
{
    if (!config_rule_enabled(c, f->id))
        return 0;
    if (suppressed(c, src, f)) {
        c->suppressed++;
        return 0;
    }
    return strata_report_add_misconf_at(c->r, f->id, f->cis, f->title, f->severity, src->path,
                                        f->line, f->column, f->resource, f->message,
                                        f->remediation);
}

int config_report_pss(struct config_ctx *c, const struct config_source *src, const char *resource,
                      int line, const char *level_satisfied, const char *const *violations,
                      size_t n_violations, int score)
{
    struct strata_pss_result *p = strata_report_add_pss(c->r);
    if (p == NULL)
        return STRATA_ENOMEM;
    int oom = 0;
    p->resource = strata_strdup_or_null(resource, &oom);
    p->path = strata_strdup_or_null(src->path, &oom);
    p->level_satisfied = strata_strdup_or_null(level_satisfied, &oom);
    p->line = line > 0 ? line : 0;
    p->score = score;
    if (n_violations > 0 && (p->violations = calloc(n_violations, sizeof *p->violations)) == NULL)
        oom = 1;
    for (size_t i = 0; !oom && i < n_violations; i++) {
        p->violations[i] = strata_strdup_or_null(violations[i], &oom);
        p->n_violations = i + 1;
    }
    return oom ? STRATA_ENOMEM : 0;
}

/* ---- kind detection ---- */

static int name_is(const char *base, const char *prefix, const char *suffix)
{
    size_t b = strlen(base), p = strlen(prefix), s = strlen(suffix);
    return b >= p + s && strncasecmp(base, prefix, p) == 0 && strcasecmp(base + b - s, suffix) == 0;
}

/* Is there a line starting with word (at column 0) followed by ':'? */
static int has_top_key(const char *data, size_t len, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i + n < len; i++) {
        if ((i == 0 || data[i - 1] == '\n') && memcmp(data + i, word, n) == 0 &&
            (data[i + n] == ':'))
            return 1;
    }
    return 0;
}

/* The first instruction word of a Dockerfile-looking text, skipping comments and blanks. */
static int looks_like_dockerfile(const char *data, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
            i++;
        if (i < len && data[i] == '#') {
            while (i < len && data[i] != '\n')
                i++;
            continue;
        }
        return (len - i >= 5 && strncasecmp(data + i, "FROM ", 5) == 0) ||
               (len - i >= 4 && strncasecmp(data + i, "ARG ", 4) == 0);
    }
    return 0;
}

enum config_kind config_detect(const char *path, const char *data, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcasecmp(base, "Dockerfile") == 0 || strcasecmp(base, "Containerfile") == 0 ||
        name_is(base, "Dockerfile.", "") || name_is(base, "", ".Dockerfile") ||
        name_is(base, "Containerfile.", "") || name_is(base, "", ".containerfile"))
        return CONFIG_DOCKERFILE;
    int yaml = name_is(base, "", ".yaml") || name_is(base, "", ".yml");
    int json = name_is(base, "", ".json");
    if (yaml && (name_is(base, "docker-compose", "") || name_is(base, "compose.", "") ||
                 name_is(base, "compose-", "") || name_is(base, "docker-compose.", "")))
        return CONFIG_COMPOSE;
    size_t skip = 0;
    while (skip < len && isspace((unsigned char)data[skip]))
        skip++;
    if ((json || !yaml) && skip < len && (data[skip] == '[' || data[skip] == '{')) {
        /* docker inspect: objects with "Id" and "HostConfig" */
        if (strstr(data + skip, "\"HostConfig\"") != NULL && strstr(data + skip, "\"Id\"") != NULL)
            return CONFIG_DOCKER_INSPECT;
        if (strstr(data + skip, "\"apiVersion\"") != NULL && strstr(data + skip, "\"kind\""))
            return CONFIG_KUBERNETES; /* JSON is YAML */
        return CONFIG_UNKNOWN;
    }
    if (yaml || !json) {
        if (has_top_key(data, len, "apiVersion") && has_top_key(data, len, "kind"))
            return CONFIG_KUBERNETES;
        if (strstr(data, "\napiVersion:") != NULL || strstr(data, "\n  apiVersion:") != NULL)
            return CONFIG_KUBERNETES; /* a List, or documents after a comment */
        if (has_top_key(data, len, "services"))
            return CONFIG_COMPOSE;
    }
    /* content alone decides only for a name without an extension ("recipe", not "x.md") */
    if (!yaml && !json && strchr(base, '.') == NULL && looks_like_dockerfile(data, len))
        return CONFIG_DOCKERFILE;
    return CONFIG_UNKNOWN;
}
