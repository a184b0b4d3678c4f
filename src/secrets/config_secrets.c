/* Secrets in the image config and history: every Env entry, label, the Cmd and Entrypoint
 * words and every history step's created_by go through the same engine as files. Dockerfile
 * steps that set variables (ENV, ARG, LABEL) are also scanned as one KEY=value line per
 * assignment, the shape the env-file rules know ("ENV DB_PASSWORD=x NODE_ENV=y" holds the
 * same credential as an env file's "DB_PASSWORD=x" line). */
#include <string.h>

#include "checks/checks.h"
#include "core/strbuf.h"
#include "secrets/image_secrets.h"

/* Entries of each config list and history steps examined (a real image has a few dozen). */
#define CONFIG_MAX_ITEMS 4096

struct config_scan {
    struct strata_report *r;
    const char *location;
    int layer;
    size_t first; /* secrets of this location start here (for de-duplication) */
    int oom;
};

static int same_finding(const struct strata_secret *s, const struct secrets_finding *f)
{
    return strcmp(s->rule_id, f->rule_id) == 0 && strcmp(s->excerpt, f->excerpt) == 0;
}

static int on_finding(const struct secrets_finding *f, void *user)
{
    struct config_scan *c = user;
    /* the raw step and its KEY=value lines may both show one credential */
    for (size_t i = c->first; i < c->r->n_secrets; i++)
        if (same_finding(&c->r->secrets[i], f))
            return 0;
    struct strata_secret *s = strata_report_add_secret(c->r);
    if (s == NULL)
        return c->oom = 1, -1;
    int oom = 0;
    s->rule_id = strata_strdup_or_null(f->rule_id, &oom);
    s->title = strata_strdup_or_null(f->title, &oom);
    s->severity = strata_strdup_or_null(secrets_severity_name(f->severity), &oom);
    s->excerpt = strata_strdup_or_null(f->excerpt, &oom);
    s->location = strata_strdup_or_null(c->location, &oom);
    s->layer_index = c->layer;
    if (oom)
        return c->oom = 1, -1;
    return 0;
}

static int scan_text(struct secrets_engine *e, struct config_scan *c, const char *text, size_t n,
                     struct strata_error *err)
{
    int rc = secrets_scan(e, c->location, text, n, on_finding, c, err);
    if (c->oom)
        return strata_error_nomem(err);
    return rc < 0 ? rc : 0;
}

/* Scans "text\n": the env-file rules want a line end after the value. */
static int scan_line(struct secrets_engine *e, struct config_scan *c, struct strbuf *sb,
                     const char *text, size_t n, struct strata_error *err)
{
    strbuf_reset(sb);
    if (strbuf_add(sb, text, n) != 0 || strbuf_addch(sb, '\n') != 0)
        return strata_error_nomem(err);
    return scan_text(e, c, sb->buf, sb->len, err);
}

/* ENV/ARG/LABEL a=b "c=d e" f=g as lines "a=b\nc=d e\nf=g\n" (quotes dropped). */
static int assignment_lines(struct strbuf *sb, const char *ins)
{
    static const char *const words[] = {"ENV ", "ARG ", "LABEL "};
    const char *p = NULL;
    for (size_t i = 0; i < 3 && p == NULL; i++)
        if (strncmp(ins, words[i], strlen(words[i])) == 0)
            p = ins + strlen(words[i]);
    if (p == NULL)
        return 0;
    strbuf_reset(sb);
    int rc = 0;
    while (*p != '\0' && rc == 0) {
        while (*p == ' ' || *p == '\t')
            p++;
        char quote = 0;
        for (; *p != '\0' && (quote || (*p != ' ' && *p != '\t')) && rc == 0; p++) {
            if ((*p == '"' || *p == '\'') && (!quote || quote == *p))
                quote = quote ? 0 : *p;
            else
                rc = strbuf_addch(sb, *p);
        }
        rc = rc ? rc : strbuf_addch(sb, '\n');
    }
    return rc ? rc : 1;
}

static int scan_history(struct secrets_engine *e, const json_t *hist, size_t n_layers,
                        struct strata_report *r, struct strata_error *err)
{
    struct strbuf sb = STRBUF_INIT;
    size_t layer = 0;
    int rc = 0;
    for (size_t i = 0; i < json_array_size(hist) && i < CONFIG_MAX_ITEMS && rc == 0; i++) {
        const json_t *h = json_array_get(hist, i);
        int empty = json_is_true(json_object_get(h, "empty_layer"));
        /* the i-th non-empty entry describes layer i (as source_apply_config) */
        int li = !empty && layer < n_layers ? (int)layer : -1;
        layer += !empty;
        const char *cb = json_string_value(json_object_get(h, "created_by"));
        if (cb == NULL)
            continue;
        char loc[48];
        snprintf(loc, sizeof loc, "history[%zu]", i);
        struct config_scan c = {.r = r, .location = loc, .layer = li, .first = r->n_secrets};
        rc = scan_line(e, &c, &sb, cb, strlen(cb), err);
        if (rc == 0) {
            int a = assignment_lines(&sb, checks_history_instruction(cb));
            if (a < 0)
                rc = strata_error_nomem(err);
            else if (a > 0)
                rc = scan_text(e, &c, sb.buf, sb.len, err);
        }
    }
    strbuf_release(&sb);
    return rc;
}

static int scan_config_lists(struct secrets_engine *e, const json_t *cfg, struct strata_report *r,
                             struct strata_error *err)
{
    struct strbuf sb = STRBUF_INIT, words = STRBUF_INIT;
    char loc[300];
    int rc = 0;
    const json_t *env = json_object_get(cfg, "Env");
    for (size_t i = 0; i < json_array_size(env) && i < CONFIG_MAX_ITEMS && rc == 0; i++) {
        const char *v = json_string_value(json_array_get(env, i));
        snprintf(loc, sizeof loc, "config.Env[%zu]", i);
        struct config_scan c = {.r = r, .location = loc, .layer = -1, .first = r->n_secrets};
        if (v != NULL)
            rc = scan_line(e, &c, &sb, v, strlen(v), err);
    }
    const char *key;
    const json_t *val;
    size_t k = 0;
    json_object_foreach((json_t *)json_object_get(cfg, "Labels"), key, val)
    {
        if (rc != 0 || k++ >= CONFIG_MAX_ITEMS)
            break;
        const char *v = json_string_value(val);
        if (v == NULL)
            continue;
        snprintf(loc, sizeof loc, "config.Labels.%.256s", key);
        struct config_scan c = {.r = r, .location = loc, .layer = -1, .first = r->n_secrets};
        strbuf_reset(&words);
        if (strbuf_adds(&words, key) != 0 || strbuf_addch(&words, '=') != 0 ||
            strbuf_adds(&words, v) != 0)
            rc = strata_error_nomem(err);
        else
            rc = scan_line(e, &c, &sb, words.buf, words.len, err);
    }
    static const char *const cmds[] = {"Entrypoint", "Cmd"};
    for (size_t j = 0; j < 2 && rc == 0; j++) {
        const json_t *a = json_object_get(cfg, cmds[j]);
        strbuf_reset(&words);
        for (size_t i = 0; i < json_array_size(a) && i < CONFIG_MAX_ITEMS && rc == 0; i++) {
            const char *w = json_string_value(json_array_get(a, i));
            if (w != NULL &&
                ((i > 0 && strbuf_addch(&words, ' ') != 0) || strbuf_adds(&words, w) != 0))
                rc = strata_error_nomem(err);
        }
        snprintf(loc, sizeof loc, "config.%s", cmds[j]);
        struct config_scan c = {.r = r, .location = loc, .layer = -1, .first = r->n_secrets};
        if (rc == 0 && words.len > 0)
            rc = scan_line(e, &c, &sb, words.buf, words.len, err);
    }
    strbuf_release(&sb);
    strbuf_release(&words);
    return rc;
}

int secrets_scan_config(struct secrets_engine *e, const json_t *config, size_t n_layers,
                        struct strata_report *r, struct strata_error *err)
{
    if (!json_is_object(config))
        return 0;
    const json_t *cfg = json_object_get(config, "config");
    int rc = json_is_object(cfg) ? scan_config_lists(e, cfg, r, err) : 0;
    const json_t *hist = json_object_get(config, "history");
    if (rc == 0 && json_is_array(hist))
        rc = scan_history(e, hist, n_layers, r, err);
    if (rc != 0)
        strata_error_prefix(err, "image config: ");
    strata_report_sort_secrets(r);
    return rc;
}
