/* Reads a secrets rule pack (YAML, libfyaml's document API). The schema is fixed and shallow:
 * the walk descends only where the schema says a collection is, so nesting elsewhere is a
 * type error, not recursion; aliases are rejected (no expansion); every string and list is
 * bounded (secrets.h). Errors name file:line:col of the offending key or value. */
#include "secrets/rules.h"

#include <errno.h>
#include <libfyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/yaml_guard.h"

struct loader {
    const char *name;
    struct strata_error *err;
    struct secrets_rules *rs;
};

static void where_of(struct fy_node *n, int *line, int *col)
{
    *line = 0;
    *col = 0;
    struct fy_token *t = n ? fy_node_get_scalar_token(n) : NULL;
    const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
    if (m != NULL && m->line >= 0 && m->column >= 0) {
        *line = m->line + 1;
        *col = m->column + 1;
        /* libfyaml marks a quoted scalar after its opening quote; point at the quote */
        enum fy_scalar_style st = fy_token_scalar_style(t);
        if ((st == FYSS_SINGLE_QUOTED || st == FYSS_DOUBLE_QUOTED) && *col > 1)
            (*col)--;
    }
}

static int fail(struct loader *L, struct fy_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct loader *L, struct fy_node *at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line, col;
    where_of(at, &line, &col);
    if (line > 0)
        return strata_error_set(L->err, STRATA_EFORMAT, "%s:%d:%d: %s", L->name, line, col, msg);
    return strata_error_set(L->err, STRATA_EFORMAT, "%s: %s", L->name, msg);
}

void secrets_list_clear(struct secrets_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i]);
        free(l->where[i].file);
    }
    free(l->items);
    free(l->where);
    memset(l, 0, sizeof *l);
}

void secrets_rule_clear(struct secrets_rule *r)
{
    free(r->id);
    free(r->title);
    free(r->prefix);
    free(r->regex);
    free(r->suffix);
    free(r->regex_at.file);
    secrets_list_clear(&r->keywords);
    secrets_list_clear(&r->allow);
    memset(r, 0, sizeof *r);
}

void secrets_rules_clear(struct secrets_rules *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        secrets_rule_clear(&rs->rules[i]);
    free(rs->rules);
    secrets_list_clear(&rs->allow_paths);
    secrets_list_clear(&rs->allow_values);
    memset(rs, 0, sizeof *rs);
}

/* A scalar's text as a new C string, bounded by max; NUL bytes inside are rejected. */
static int scalar(struct loader *L, struct fy_node *key, struct fy_node *n, size_t max, char **out)
{
    const char *what = key ? fy_node_get_scalar0(key) : NULL;
    if (n == NULL || fy_node_is_alias(n))
        return fail(L, n ? n : key, "%s: aliases are not allowed", what ? what : "value");
    if (fy_node_get_type(n) != FYNT_SCALAR)
        return fail(L, key, "%s: expected a string", what ? what : "value");
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len);
    if (s == NULL)
        return fail(L, n, "%s: expected a string", what ? what : "value");
    if (len > max)
        return fail(L, n, "%s: longer than %zu bytes", what ? what : "value", max);
    if (memchr(s, '\0', len) != NULL)
        return fail(L, n, "%s: NUL byte in value", what ? what : "value");
    *out = strndup(s, len);
    return *out ? 0 : strata_error_nomem(L->err);
}

static int list_add(struct loader *L, struct secrets_list *l, char *item, struct fy_node *at)
{
    char **items = realloc(l->items, (l->n + 1) * sizeof *items);
    if (items == NULL) {
        free(item);
        return strata_error_nomem(L->err);
    }
    l->items = items;
    struct secrets_where *w = realloc(l->where, (l->n + 1) * sizeof *w);
    if (w == NULL) {
        free(item);
        return strata_error_nomem(L->err);
    }
    l->where = w;
    w[l->n].file = strdup(L->name);
    if (w[l->n].file == NULL) {
        free(item);
        return strata_error_nomem(L->err);
    }
    where_of(at, &w[l->n].line, &w[l->n].col);
    l->items[l->n++] = item;
    return 0;
}

static int string_list(struct loader *L, struct fy_node *key, struct fy_node *n, size_t max_item,
                       struct secrets_list *out)
{
    const char *what = fy_node_get_scalar0(key);
    if (n == NULL || fy_node_is_alias(n) || fy_node_get_type(n) != FYNT_SEQUENCE)
        return fail(L, key, "%s: expected a list of strings", what ? what : "value");
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(n, &it)) != NULL) {
        if (out->n >= SECRETS_MAX_LIST)
            return fail(L, item, "%s: more than %d entries", what ? what : "list",
                        SECRETS_MAX_LIST);
        char *s = NULL;
        int rc = scalar(L, key, item, max_item, &s);
        if (rc == 0 && s[0] == '\0') {
            free(s);
            return fail(L, item, "%s: empty entry", what ? what : "list");
        }
        if (rc == 0)
            rc = list_add(L, out, s, item);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int parse_severity(const char *s, enum secrets_severity *out)
{
    static const struct {
        const char *name;
        enum secrets_severity sev;
    } names[] = {{"LOW", SECRETS_LOW},
                 {"MEDIUM", SECRETS_MEDIUM},
                 {"HIGH", SECRETS_HIGH},
                 {"CRITICAL", SECRETS_CRITICAL}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(s, names[i].name) == 0) {
            *out = names[i].sev;
            return 0;
        }
    return -1;
}

static int valid_id(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            return 0;
    return 1;
}

static int parse_rule(struct loader *L, struct fy_node *n, struct secrets_rule *r)
{
    if (fy_node_is_alias(n) || fy_node_get_type(n) != FYNT_MAPPING)
        return fail(L, n, "rules: each rule must be a mapping");
    struct fy_node *first_key = NULL;
    void *it = NULL;
    struct fy_node_pair *p;
    int rc = 0;
    while (rc == 0 && (p = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        const char *key = k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar0(k) : NULL;
        if (key == NULL)
            return fail(L, k, "rule: keys must be strings");
        if (first_key == NULL)
            first_key = k;
        char **dst = NULL;
        size_t max = SECRETS_MAX_TEXT;
        if (strcmp(key, "id") == 0)
            dst = &r->id;
        else if (strcmp(key, "title") == 0)
            dst = &r->title;
        else if (strcmp(key, "prefix") == 0)
            dst = &r->prefix, max = SECRETS_MAX_REGEX;
        else if (strcmp(key, "regex") == 0)
            dst = &r->regex, max = SECRETS_MAX_REGEX;
        else if (strcmp(key, "suffix") == 0)
            dst = &r->suffix, max = SECRETS_MAX_REGEX;
        if (dst != NULL) {
            if (*dst != NULL)
                return fail(L, k, "rule: duplicate key '%s'", key);
            rc = scalar(L, k, v, max, dst);
            if (rc == 0 && dst == &r->regex) {
                r->regex_at.file = strdup(L->name);
                if (r->regex_at.file == NULL)
                    return strata_error_nomem(L->err);
                where_of(v, &r->regex_at.line, &r->regex_at.col);
            }
        } else if (strcmp(key, "severity") == 0) {
            char *s = NULL;
            rc = scalar(L, k, v, SECRETS_MAX_TEXT, &s);
            if (rc == 0 && parse_severity(s, &r->severity) != 0)
                rc = fail(L, v, "severity: '%s' is not LOW, MEDIUM, HIGH or CRITICAL", s);
            free(s);
        } else if (strcmp(key, "entropy") == 0) {
            char *s = NULL, *end = NULL;
            rc = scalar(L, k, v, 32, &s);
            if (rc == 0) {
                errno = 0;
                double d = strtod(s, &end);
                if (errno != 0 || end == s || *end != '\0' || !(d >= 0.0 && d <= 8.0))
                    rc = fail(L, v, "entropy: '%s' is not a number from 0 to 8", s);
                else
                    r->entropy = d;
            }
            free(s);
        } else if (strcmp(key, "keywords") == 0) {
            rc = string_list(L, k, v, SECRETS_MAX_TEXT, &r->keywords);
            for (size_t i = 0; rc == 0 && i < r->keywords.n; i++)
                for (char *c = r->keywords.items[i]; *c; c++)
                    if (*c >= 'A' && *c <= 'Z')
                        *c = (char)(*c - 'A' + 'a');
        } else if (strcmp(key, "allow") == 0) {
            rc = string_list(L, k, v, SECRETS_MAX_REGEX, &r->allow);
        } else {
            return fail(L, k, "rule: unknown key '%s'", key);
        }
    }
    if (rc != 0)
        return rc;
    struct fy_node *at = first_key ? first_key : n;
    if (r->id == NULL)
        return fail(L, at, "rule: missing 'id'");
    if (!valid_id(r->id))
        return fail(L, at, "rule %s: id must be lowercase letters, digits, '-' or '_'", r->id);
    if (r->regex == NULL || r->regex[0] == '\0')
        return fail(L, at, "rule %s: missing 'regex'", r->id);
    if (r->severity == 0)
        return fail(L, at, "rule %s: missing 'severity'", r->id);
    if (r->keywords.n == 0)
        return fail(L, at, "rule %s: missing 'keywords' (at least one literal)", r->id);
    if (r->title == NULL) {
        r->title = strdup(r->id);
        if (r->title == NULL)
            return strata_error_nomem(L->err);
    }
    return 0;
}

/* Adds r (moved) to the set; a rule with the same id replaces the earlier one in place. */
static int put_rule(struct loader *L, struct secrets_rule *r, struct fy_node *at)
{
    struct secrets_rules *rs = L->rs;
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->rules[i].id, r->id) == 0) {
            secrets_rule_clear(&rs->rules[i]);
            rs->rules[i] = *r;
            return 0;
        }
    if (rs->n >= SECRETS_MAX_RULES) {
        secrets_rule_clear(r);
        return fail(L, at, "more than %d rules", SECRETS_MAX_RULES);
    }
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 64;
        struct secrets_rule *nr = realloc(rs->rules, cap * sizeof *nr);
        if (nr == NULL) {
            secrets_rule_clear(r);
            return strata_error_nomem(L->err);
        }
        rs->rules = nr;
        rs->cap = cap;
    }
    rs->rules[rs->n++] = *r;
    return 0;
}

static int parse_allow(struct loader *L, struct fy_node *key, struct fy_node *v)
{
    if (v == NULL || fy_node_is_alias(v) || fy_node_get_type(v) != FYNT_MAPPING)
        return fail(L, key, "allow: expected a mapping with 'paths' and/or 'values'");
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(v, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p);
        const char *name = k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar0(k) : NULL;
        int rc;
        if (name != NULL && strcmp(name, "paths") == 0)
            rc = string_list(L, k, fy_node_pair_value(p), SECRETS_MAX_TEXT, &L->rs->allow_paths);
        else if (name != NULL && strcmp(name, "values") == 0)
            rc = string_list(L, k, fy_node_pair_value(p), SECRETS_MAX_REGEX, &L->rs->allow_values);
        else
            rc = fail(L, k, "allow: unknown key '%s'", name ? name : "?");
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int parse_root(struct loader *L, struct fy_node *root)
{
    if (root == NULL)
        return fail(L, NULL, "empty rule file");
    if (fy_node_is_alias(root) || fy_node_get_type(root) != FYNT_MAPPING)
        return fail(L, root, "the rule file must be a mapping with 'rules'");
    struct fy_node *rules = NULL, *rules_key = NULL;
    void *it = NULL;
    struct fy_node_pair *p;
    while ((p = fy_node_mapping_iterate(root, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
        const char *name = k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar0(k) : NULL;
        if (name == NULL)
            return fail(L, k, "keys must be strings");
        int rc = 0;
        if (strcmp(name, "version") == 0) {
            char *s = NULL;
            rc = scalar(L, k, v, 16, &s);
            if (rc == 0 && strcmp(s, "1") != 0)
                rc = fail(L, v, "version: only version 1 is known, not '%s'", s);
            free(s);
        } else if (strcmp(name, "replace") == 0) {
            char *s = NULL;
            rc = scalar(L, k, v, 16, &s);
            if (rc == 0 && strcmp(s, "true") == 0) {
                for (size_t i = 0; i < L->rs->n; i++)
                    secrets_rule_clear(&L->rs->rules[i]);
                L->rs->n = 0;
            } else if (rc == 0 && strcmp(s, "false") != 0) {
                rc = fail(L, v, "replace: expected true or false, not '%s'", s);
            }
            free(s);
        } else if (strcmp(name, "allow") == 0) {
            rc = parse_allow(L, k, v);
        } else if (strcmp(name, "rules") == 0) {
            rules = v;
            rules_key = k;
        } else {
            rc = fail(L, k, "unknown key '%s'", name);
        }
        if (rc != 0)
            return rc;
    }
    if (rules == NULL)
        return 0; /* a file of allow-lists only */
    if (fy_node_is_alias(rules))
        return fail(L, rules_key, "rules: aliases are not allowed");
    if (fy_node_get_type(rules) != FYNT_SEQUENCE)
        return fail(L, rules_key, "rules: expected a list of rules");
    it = NULL;
    struct fy_node *rn;
    while ((rn = fy_node_sequence_iterate(rules, &it)) != NULL) {
        struct secrets_rule r = {0};
        int rc = parse_rule(L, rn, &r);
        if (rc != 0) {
            secrets_rule_clear(&r);
            return rc;
        }
        rc = put_rule(L, &r, rules_key);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static void diag_sink(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

int secrets_rules_parse(struct secrets_rules *rs, const char *name, const char *data, size_t len,
                        struct strata_error *err)
{
    if (len > SECRETS_MAX_RULE_FILE)
        return strata_error_set(err, STRATA_ELIMIT, "%s: rule file larger than %u bytes", name,
                                SECRETS_MAX_RULE_FILE);
    const char *nul = memchr(data, '\0', len);
    if (nul != NULL)
        return strata_error_set(err, STRATA_EFORMAT, "%s: byte %zu: NUL byte in YAML input", name,
                                (size_t)(nul - data));
    /* libfyaml 0.7.12 loops forever on a malformed directive (core/yaml_guard.h) */
    int grc = yaml_guard(name, data, len, err);
    if (grc != 0)
        return grc;
    struct loader L = {.name = name, .err = err, .rs = rs};
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.output_fn = diag_sink;
    dc.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dc);
    if (diag == NULL)
        return strata_error_nomem(err);
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pc = {0};
    pc.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2 | FYPCF_JSON_NONE;
    pc.diag = diag;
    struct fy_document *doc = fy_document_build_from_string(&pc, len ? data : "", len);
    int rc;
    if (doc == NULL) {
        rc = strata_error_set(err, STRATA_EFORMAT, "%s: empty rule file", name);
        void *it = NULL;
        struct fy_diag_error *de;
        while ((de = fy_diag_errors_iterate(diag, &it)) != NULL) {
            if (de->type != FYET_ERROR)
                continue;
            rc = strata_error_set(err, STRATA_EFORMAT, "%s:%d:%d: invalid YAML: %s", name,
                                  de->line > 0 ? de->line : 1, de->column > 0 ? de->column : 1,
                                  de->msg ? de->msg : "syntax error");
            break;
        }
    } else {
        rc = parse_root(&L, fy_document_root(doc));
        fy_document_destroy(doc);
    }
    fy_diag_destroy(diag);
    return rc;
}
