/* `strata policy check`: judges images (and the image references written in Dockerfiles,
 * Kubernetes manifests and compose files) against a trust policy (docs/policy.md). The facts
 * come from here — the image's digest (local archive or registry), its newest scan record,
 * the current database, its signatures — and the verdicts from src/policy/trust_policy*.c. */
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checks/config.h"
#include "cli/cli.h"
#include "cli/trust_cli.h"
#include "core/file_walk.h"
#include "policy/cosign.h"
#include "policy/cosign_registry.h"
#include "policy/scan_store.h"
#include "policy/trust_policy.h"
#include "source/image_source.h"
#include "strata/scan.h"
#include "strata/vulnscan.h"
#include "vulndb/vulndb.h"

static const char policy_help[] =
    "usage: strata policy check --policy FILE [options] [IMAGE...] [--files PATH...]\n"
    "\n"
    "Judge images against a trust policy (docs/policy.md has a complete example): allowed\n"
    "registries and repositories, digest pinning, required signature keys, how recent the\n"
    "last scan of the image's digest and the vulnerability database it used must be, and\n"
    "what that scan may have found (vulnerabilities per severity, denied licenses, forbidden\n"
    "image checks, setuid files outside an allow-list, secrets). Every rule prints PASS or\n"
    "FAIL with the reason. Images are judged by their newest scan record ('strata image'\n"
    "records every scan; 'strata scans list' shows them), not scanned again — unless\n"
    "--rescan is given.\n"
    "\n"
    "IMAGE is what 'strata image' takes: an archive or OCI layout, or a registry reference\n"
    "(REGISTRY/REPO:TAG, @sha256:…, docker://REF).\n"
    "\n"
    "options:\n"
    "      --policy FILE     the policy (YAML), required\n"
    "      --files PATH      also check the image references written in Dockerfiles (FROM,\n"
    "                        COPY --from, RUN --mount from=), Kubernetes manifests (image:)\n"
    "                        and compose files against the registry and pinning rules, each\n"
    "                        at FILE:LINE:COL; a directory is walked (repeatable)\n"
    "      --rescan          scan an image again when its last scan is missing, older than\n"
    "                        scan.max_age, made with an older database than the current one,\n"
    "                        or cannot judge a rule; the new scan is recorded and judged\n"
    "      --db FILE         the vulnerability database (default: $STRATA_DB, else\n"
    "                        $XDG_CACHE_HOME/strata/db/strata.db): the 'current' one\n"
    "      --scans-db FILE   the scan store (default: $STRATA_SCANS_DB, else scans.db next\n"
    "                        to the default vulnerability database)\n"
    "      --platform P      os/arch[/variant] to pick from a multi-platform image\n"
    "  -f, --format FMT      table (default), json or sarif (the failures, each located at\n"
    "                        the policy rule or the file position)\n"
    "  -o, --output FILE     write the result to FILE instead of stdout\n"
    "  -q, --quiet           no notes on stderr\n"
    "  -h, --help            this help\n"
    "\n"
    "%s"
    "\n"
    "exit codes: 0 every rule passed, 1 a rule failed, 2 usage or input error (bad policy,\n"
    "unreadable image or file; the others are still judged), 3 internal error\n"
    "\n"
    "examples:\n"
    "  strata policy check --policy policy.yaml app.tar\n"
    "  strata policy check --policy policy.yaml --rescan registry.example.com/app:1.0\n"
    "  strata policy check --policy policy.yaml --files k8s/ --files Dockerfile -f sarif\n";

enum { OPT_POLICY = 1000, OPT_FILES, OPT_RESCAN, OPT_DB, OPT_SCANS_DB, OPT_PLATFORM };

#define MAX_ARGS 4096

struct image_eval {
    const char *input;
    struct tp_image img;
    char digest[STRATA_DIGEST_STRLEN];
    struct scan_record rec;
    int have_rec;
    int rescanned;
    char *error; /* the image could not be judged */
    struct tp_results res;
    /* signatures, fetched when a rule asks */
    int remote;
    const char *ref_text;
    int is_layout;
    char *layout_dir;
    struct trust_remote t;
    struct cosign_sigset set;
    int set_state; /* 0 not fetched, 1 fetched, -1 failed (set_error) */
    char set_error[STRATA_ERROR_MAX];
};

struct ref_eval {
    char *file, *text, *resource;
    int line, col;
    struct tp_results res;
};

struct run {
    const struct trust_policy *p;
    struct trust_registry reg;
    const char *db, *scans_db, *platform;
    int rescan, quiet;
    char current_db[64];
    int have_db;
    char db_path[4096];
    struct image_eval *images;
    size_t n_images;
    struct ref_eval *refs;
    size_t n_refs, cap_refs;
    size_t input_errors;
    const char *cur_file;
};

/* ---- facts ---- */

/* The database's build time, when there is a database. A --db that cannot be opened is an
 * error; no database at the default place is not. */
static int current_db(struct run *r, struct strata_error *err)
{
    if (vulndb_default_path(r->db, r->db_path, sizeof r->db_path) != 0)
        return strata_error_set(err, STRATA_EUSAGE, "the database path is too long");
    struct stat st;
    if (r->db == NULL && stat(r->db_path, &st) != 0)
        return 0;
    sqlite3 *db;
    int rc = vulndb_open(r->db_path, &db, err);
    if (rc != 0)
        return rc;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'built_at'", -1, &q, NULL) ==
            SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) != NULL) {
        snprintf(r->current_db, sizeof r->current_db, "%s",
                 (const char *)sqlite3_column_text(q, 0));
        r->have_db = 1;
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    return 0;
}

static int load_record(struct run *r, struct image_eval *e, struct strata_error *err)
{
    if (e->have_rec) {
        scan_record_release(&e->rec);
        e->have_rec = 0;
    }
    e->img.record = NULL;
    struct scan_store *s;
    int rc = scan_store_open(r->scans_db, 0, &s, err);
    if (rc == STRATA_ENOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    int found = 0;
    rc = scan_store_latest(s, e->digest, &e->rec, &found, err);
    scan_store_close(s);
    if (rc == 0 && found) {
        e->have_rec = 1;
        e->img.record = &e->rec;
    }
    return rc;
}

/* The verifier the policy calls per key: fetches the image's signatures once. */
static int verify_key(void *ctx, const struct tp_key *key, char *reason, size_t size)
{
    struct image_eval *e = ctx;
    if (e->set_state == 0) {
        struct strata_error err = {0};
        int rc;
        if (e->remote)
            rc = cosign_registry_fetch(e->t.client, e->t.repo, e->digest, &e->set, &err);
        else if (e->is_layout)
            rc = cosign_layout_fetch(e->layout_dir, e->digest, &e->set, &err);
        else
            rc = strata_error_set(&err, STRATA_EUSAGE,
                                  "signatures are read from a registry or an OCI layout "
                                  "directory; this local archive carries none");
        e->set_state = rc == 0 ? 1 : -1;
        if (rc != 0)
            snprintf(e->set_error, sizeof e->set_error, "%s", err.msg);
    }
    if (e->set_state < 0) {
        snprintf(reason, size, "%s", e->set_error);
        return 1;
    }
    if (key->pub == NULL) {
        snprintf(reason, size, "the key was not loaded");
        return 1;
    }
    return cosign_sigset_verify(&e->set, key->pub, e->digest,
                                e->img.has_ref ? e->img.ref.name : NULL, reason, size);
}

/* Opens the image enough to know its digest and reference. */
static int open_image(struct run *r, struct image_eval *e, struct strata_error *err)
{
    e->img.input = e->input;
    e->img.verify = verify_key;
    e->img.verify_ctx = e;
    e->remote = trust_is_remote(e->input, &e->ref_text);
    if (e->remote) {
        int rc = trust_remote_open(e->ref_text, &r->reg.o, &e->t, err);
        if (rc != 0)
            return rc;
        snprintf(e->digest, sizeof e->digest, "%s", e->t.digest);
        struct strata_error rerr = {0};
        e->img.has_ref = trust_ref_parse(e->ref_text, strlen(e->ref_text), &e->img.ref, &rerr) == 0;
        e->img.ref_is_input = e->img.has_ref;
        e->img.digest = e->digest;
        return 0;
    }
    struct image_source *src = NULL;
    int rc = image_source_open(e->input, r->platform, e->remote ? &r->reg.o : NULL, &src, err);
    if (rc != 0)
        return rc;
    if (src->digest != NULL && digest_is_valid_sha256(src->digest)) {
        snprintf(e->digest, sizeof e->digest, "%s", src->digest);
        e->img.digest = e->digest;
    }
    /* An archive's own name counts as its reference when it is one (a RepoTag, a full
     * ref.name); a bare OCI tag ("1.0") is not. */
    struct strata_error rerr = {0};
    if (src->name != NULL && strchr(src->name, '/') != NULL)
        e->img.has_ref = trust_ref_parse(src->name, strlen(src->name), &e->img.ref, &rerr) == 0;
    e->is_layout = strcmp(src->kind, "oci-layout") == 0;
    if (e->is_layout && (e->layout_dir = strdup(src->path)) == NULL)
        rc = strata_error_nomem(err);
    image_source_free(src);
    return rc;
}

/* A new scan of the image, matched against the current database and recorded. */
static int rescan(struct run *r, struct image_eval *e, struct strata_error *err)
{
    struct strata_scan_opts so = {.platform = r->platform,
                                  .registry = e->remote ? &r->reg.o : NULL};
    struct strata_report *report = NULL;
    int rc = strata_scan_image(e->input, &so, &report, err);
    if (rc == 0 && r->have_db)
        rc = strata_match_vulnerabilities(report, r->db_path, NULL, err);
    if (rc == 0 && report->target.digest != NULL && strcmp(report->target.digest, e->digest) != 0)
        rc = strata_error_set(err, STRATA_EDIGEST, "%s changed while it was judged: %s, now %s",
                              e->input, e->digest, report->target.digest);
    if (rc == 0) {
        struct scan_record_meta m = {.source = e->input, .tool_version = STRATA_VERSION};
        rc = scan_store_record(r->scans_db, report, &m, err);
    }
    strata_report_free(report);
    if (rc == 0)
        e->rescanned = 1;
    return rc;
}

static void judge_image(struct run *r, struct image_eval *e)
{
    struct strata_error err = {0};
    e->img.now = (int64_t)time(NULL);
    e->img.current_db_built_at = r->have_db ? r->current_db : NULL;
    int rc = open_image(r, e, &err);
    if (rc == 0 && e->img.digest != NULL)
        rc = load_record(r, e, &err);
    if (rc == 0 && r->rescan && tp_needs_rescan(r->p, &e->img)) {
        if (!r->quiet)
            fprintf(stderr, "strata: %s: %s; scanning it again\n", e->input,
                    e->have_rec ? "the last scan cannot satisfy the policy" : "no scan record");
        rc = rescan(r, e, &err);
        if (rc == 0)
            rc = load_record(r, e, &err);
        e->img.now = (int64_t)time(NULL); /* the record is newer than the first look */
    }
    if (rc == 0)
        rc = tp_evaluate_image(r->p, &e->img, &e->res, &err);
    if (rc != 0) {
        e->error = strdup(err.msg);
        r->input_errors++;
        fprintf(stderr, "strata: %s\n", err.msg);
    }
}

/* ---- references in files ---- */

static int on_ref(void *ctx, const struct tp_file_ref *ref)
{
    struct run *r = ctx;
    if (r->n_refs == r->cap_refs) {
        size_t nc = r->cap_refs ? r->cap_refs * 2 : 16;
        struct ref_eval *nv = realloc(r->refs, nc * sizeof *nv);
        if (nv == NULL)
            return STRATA_ENOMEM;
        r->refs = nv, r->cap_refs = nc;
    }
    struct ref_eval *e = &r->refs[r->n_refs];
    memset(e, 0, sizeof *e);
    e->file = strdup(r->cur_file);
    e->text = strdup(ref->text);
    e->resource = ref->resource ? strdup(ref->resource) : NULL;
    e->line = ref->line, e->col = ref->col;
    r->n_refs++;
    struct strata_error err = {0};
    if (e->file == NULL || e->text == NULL || (ref->resource && e->resource == NULL) ||
        tp_evaluate_reference(r->p, ref->text, ref->unresolved, &e->res, &err) != 0)
        return STRATA_ENOMEM;
    return 0;
}

static int on_file(void *user, const char *name, const char *data, size_t len, int explicit,
                   struct strata_error *err)
{
    struct run *r = user;
    if (!explicit && config_detect(name, data, len) != CONFIG_DOCKERFILE &&
        config_detect(name, data, len) != CONFIG_KUBERNETES &&
        config_detect(name, data, len) != CONFIG_COMPOSE)
        return 1;
    r->cur_file = name;
    int rc = tp_file_refs(name, data, len, on_ref, r, err);
    if (rc == STRATA_ENOMEM && err->msg[0] == '\0')
        strata_error_nomem(err);
    return rc;
}

static void on_file_error(const struct strata_error *err, void *user)
{
    struct run *r = user;
    r->input_errors++;
    fprintf(stderr, "strata: %s\n", err->msg);
}

/* ---- output ---- */

static void print_results(FILE *out, const struct tp_results *res)
{
    for (size_t i = 0; i < res->n; i++)
        fprintf(out, "  %s  %-16s %s\n", res->v[i].pass ? "PASS" : "FAIL", res->v[i].rule,
                res->v[i].reason);
}

static void write_table(FILE *out, struct run *r, size_t failed, size_t checks)
{
    fprintf(out, "policy %s\n", r->p->path);
    for (size_t i = 0; i < r->n_images; i++) {
        const struct image_eval *e = &r->images[i];
        fprintf(out, "\nIMAGE %s%s%s\n", e->input, e->digest[0] ? "  " : "", e->digest);
        if (e->error != NULL) {
            fprintf(out, "  ERROR %s\n", e->error);
            continue;
        }
        if (e->have_rec) {
            char when[32];
            time_t t = (time_t)e->rec.scanned_at;
            struct tm tm;
            gmtime_r(&t, &tm);
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
            fprintf(out, "  scan record: %s, database %s%s\n", when,
                    e->rec.db_built_at ? e->rec.db_built_at : "none",
                    e->rescanned ? " (scanned now, --rescan)" : "");
        }
        print_results(out, &e->res);
    }
    if (r->n_refs > 0)
        fprintf(out, "\nREFERENCES in files\n");
    for (size_t i = 0; i < r->n_refs; i++) {
        const struct ref_eval *e = &r->refs[i];
        for (size_t k = 0; k < e->res.n; k++)
            fprintf(out, "  %s  %-9s %s:%d:%d  %s%s%s%s\n", e->res.v[k].pass ? "PASS" : "FAIL",
                    e->res.v[k].rule, e->file, e->line, e->col, e->res.v[k].reason,
                    e->resource ? " (" : "", e->resource ? e->resource : "",
                    e->resource ? ")" : "");
    }
    fprintf(out, "\nRESULT: %s — %zu of %zu check%s failed (%zu image%s, %zu reference%s%s)\n",
            failed || r->input_errors ? "FAIL" : "PASS", failed, checks, checks == 1 ? "" : "s",
            r->n_images, r->n_images == 1 ? "" : "s", r->n_refs, r->n_refs == 1 ? "" : "s",
            r->input_errors ? "; some inputs could not be judged" : "");
}

static json_t *rules_json(const struct tp_results *res, int *bad)
{
    json_t *arr = json_array();
    *bad |= arr == NULL;
    for (size_t i = 0; i < res->n; i++) {
        json_t *o = json_object();
        *bad |= o == NULL;
        *bad |= json_object_set_new(o, "rule", json_string(res->v[i].rule)) != 0;
        *bad |=
            json_object_set_new(o, "result", json_string(res->v[i].pass ? "pass" : "fail")) != 0;
        *bad |= json_object_set_new(o, "reason", json_string(res->v[i].reason)) != 0;
        *bad |= json_object_set_new(o, "policy_line", json_integer(res->v[i].line)) != 0;
        *bad |= json_object_set_new(o, "policy_column", json_integer(res->v[i].col)) != 0;
        *bad |= json_array_append_new(arr, o) != 0;
    }
    return arr;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int write_json(FILE *out, struct run *r, size_t failed)
{
    int bad = 0;
    json_t *root = json_object(), *imgs = json_array(), *refs = json_array();
    bad |= root == NULL || imgs == NULL || refs == NULL;
    bad |= json_object_set_new(root, "schema", json_string("strata.policy-check/v1")) != 0;
    bad |= json_object_set_new(root, "policy", json_string(r->p->path)) != 0;
    bad |= json_object_set_new(root, "result",
                               json_string(failed || r->input_errors ? "fail" : "pass")) != 0;
    bad |= json_object_set_new(root, "failed", json_integer((json_int_t)failed)) != 0;
    bad |= json_object_set_new(root, "database_built_at",
                               str_or_null(r->have_db ? r->current_db : NULL)) != 0;
    for (size_t i = 0; i < r->n_images; i++) {
        const struct image_eval *e = &r->images[i];
        json_t *o = json_object();
        char name[1200];
        if (e->img.has_ref)
            trust_ref_format(&e->img.ref, name, sizeof name);
        bad |= o == NULL;
        bad |= json_object_set_new(o, "input", json_string(e->input)) != 0;
        bad |= json_object_set_new(o, "reference", str_or_null(e->img.has_ref ? name : NULL)) != 0;
        bad |= json_object_set_new(o, "digest", str_or_null(e->digest[0] ? e->digest : NULL)) != 0;
        bad |= json_object_set_new(o, "result",
                                   json_string(e->error                     ? "error"
                                               : tp_results_failed(&e->res) ? "fail"
                                                                            : "pass")) != 0;
        if (e->error)
            bad |= json_object_set_new(o, "error", json_string(e->error)) != 0;
        json_t *scan = json_null();
        if (e->have_rec) {
            scan = json_object();
            bad |= json_object_set_new(scan, "id", json_integer(e->rec.id)) != 0;
            bad |= json_object_set_new(scan, "scanned_at", json_integer(e->rec.scanned_at)) != 0;
            bad |= json_object_set_new(scan, "db_built_at", str_or_null(e->rec.db_built_at)) != 0;
        }
        bad |= json_object_set_new(o, "scan", scan) != 0;
        bad |= json_object_set_new(o, "rescanned", json_boolean(e->rescanned)) != 0;
        bad |= json_object_set_new(o, "rules", rules_json(&e->res, &bad)) != 0;
        bad |= json_array_append_new(imgs, o) != 0;
    }
    for (size_t i = 0; i < r->n_refs; i++) {
        const struct ref_eval *e = &r->refs[i];
        json_t *o = json_object();
        bad |= o == NULL;
        bad |= json_object_set_new(o, "file", json_string(e->file)) != 0;
        bad |= json_object_set_new(o, "line", json_integer(e->line)) != 0;
        bad |= json_object_set_new(o, "column", json_integer(e->col)) != 0;
        bad |= json_object_set_new(o, "reference", json_string(e->text)) != 0;
        bad |= json_object_set_new(o, "resource", str_or_null(e->resource)) != 0;
        bad |= json_object_set_new(o, "result",
                                   json_string(tp_results_failed(&e->res) ? "fail" : "pass")) != 0;
        bad |= json_object_set_new(o, "rules", rules_json(&e->res, &bad)) != 0;
        bad |= json_array_append_new(refs, o) != 0;
    }
    bad |= json_object_set_new(root, "images", imgs) != 0;
    bad |= json_object_set_new(root, "references", refs) != 0;
    int rc = bad ? STRATA_ENOMEM : 0;
    if (rc == 0 && (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
                    fputc('\n', out) == EOF))
        rc = STRATA_EIO;
    json_decref(root);
    return rc;
}

static const char *remediation(const char *rule)
{
    static const struct {
        const char *rule, *text;
    } t[] = {
        {TP_RULE_REGISTRY, "Use an image from a registry or repository the policy allows."},
        {TP_RULE_PINNING, "Refer to the image by digest: NAME@sha256:…"},
        {TP_RULE_SIGNATURE, "Sign the image with the required key: strata sign --key KEY IMAGE"},
        {TP_RULE_SCAN_AGE, "Scan the image again (strata image, or strata policy check --rescan)."},
        {TP_RULE_SCAN_DB, "Update the database and scan again (strata db update; --rescan)."},
        {TP_RULE_DB_AGE, "Update the database (strata db update) and scan again."},
        {TP_RULE_VULNS, "Update the packages with fixes, or rebuild from a patched base."},
        {TP_RULE_LICENSES, "Remove or replace the packages whose license is denied."},
        {TP_RULE_CHECKS, "Fix the image checks the policy forbids (docs/checks-image.md)."},
        {TP_RULE_SETUID, "Strip the setuid/setgid bits the application does not need."},
        {TP_RULE_SECRETS, "Remove the secrets from the image and revoke them."},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (strcmp(t[i].rule, rule) == 0)
            return t[i].text;
    return "See docs/policy.md.";
}

static int add_failure(struct strata_report *rep, const struct tp_result *res, const char *path,
                       int line, int col, const char *resource, const char *subject)
{
    char id[64], title[96], *msg = NULL;
    snprintf(id, sizeof id, "POLICY-");
    for (const char *p = res->rule; *p && strlen(id) + 1 < sizeof id; p++) {
        size_t n = strlen(id);
        id[n] = *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
        id[n + 1] = '\0';
    }
    snprintf(title, sizeof title, "Image trust policy: %s", res->rule);
    if (asprintf(&msg, "%s: %s", subject, res->reason) < 0)
        return STRATA_ENOMEM;
    int rc = strata_report_add_misconf(rep, id, NULL, title, "HIGH", path, -1, msg,
                                       remediation(res->rule), resource);
    free(msg);
    if (rc != 0)
        return rc;
    struct strata_misconfiguration *m = &rep->misconfigurations[rep->n_misconfigurations - 1];
    m->line = line, m->column = col;
    int oom = 0;
    m->resource = strata_strdup_or_null(resource, &oom);
    return oom ? STRATA_ENOMEM : 0;
}

/* SARIF through the report writer: one misconfiguration-like result per failure, located at
 * the policy rule (images) or at the reference in its file. */
static int write_sarif(struct run *r, const char *output)
{
    struct strata_report *rep = strata_report_new();
    if (rep == NULL)
        return EXIT_INTERNAL;
    int oom = 0, rc = 0;
    rep->target.name = strata_strdup_or_null(r->p->path, &oom);
    rep->target.kind = strata_strdup_or_null("policy", &oom);
    for (size_t i = 0; i < r->n_images && rc == 0; i++) {
        const struct image_eval *e = &r->images[i];
        for (size_t k = 0; k < e->res.n && rc == 0; k++)
            if (!e->res.v[k].pass)
                rc = add_failure(rep, &e->res.v[k], r->p->path, e->res.v[k].line, e->res.v[k].col,
                                 e->input, e->input);
    }
    for (size_t i = 0; i < r->n_refs && rc == 0; i++) {
        const struct ref_eval *e = &r->refs[i];
        for (size_t k = 0; k < e->res.n && rc == 0; k++)
            if (!e->res.v[k].pass)
                rc = add_failure(rep, &e->res.v[k], e->file, e->line, e->col, e->resource, e->text);
    }
    if (rc != 0 || oom) {
        strata_report_free(rep);
        return EXIT_INTERNAL;
    }
    rc = cli_write_report(rep, STRATA_FORMAT_SARIF, output, 0);
    strata_report_free(rep);
    return rc;
}

static void run_release(struct run *r)
{
    for (size_t i = 0; i < r->n_images; i++) {
        struct image_eval *e = &r->images[i];
        if (e->have_rec)
            scan_record_release(&e->rec);
        tp_results_release(&e->res);
        cosign_sigset_release(&e->set);
        trust_remote_close(&e->t);
        free(e->layout_dir);
        free(e->error);
    }
    free(r->images);
    for (size_t i = 0; i < r->n_refs; i++) {
        free(r->refs[i].file);
        free(r->refs[i].text);
        free(r->refs[i].resource);
        tp_results_release(&r->refs[i].res);
    }
    free(r->refs);
    trust_registry_clear(&r->reg);
}

static int check(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"policy", required_argument, NULL, OPT_POLICY},
        {"files", required_argument, NULL, OPT_FILES},
        {"rescan", no_argument, NULL, OPT_RESCAN},
        {"db", required_argument, NULL, OPT_DB},
        {"scans-db", required_argument, NULL, OPT_SCANS_DB},
        {"platform", required_argument, NULL, OPT_PLATFORM},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        TRUST_REGISTRY_LONG_OPTS,
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "policy check ";
    const char *policy_path = NULL, *output = NULL;
    const char *files[MAX_ARGS];
    size_t n_files = 0;
    int format = 0; /* 0 table, 1 json, 2 sarif */
    struct run r = {0};
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:o:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_POLICY:
            policy_path = optarg;
            break;
        case OPT_FILES:
            if (n_files >= MAX_ARGS)
                return cli_usage_error(cmd, "--files: at most %d", MAX_ARGS);
            files[n_files++] = optarg;
            break;
        case OPT_RESCAN:
            r.rescan = 1;
            break;
        case OPT_DB:
            r.db = optarg;
            break;
        case OPT_SCANS_DB:
            r.scans_db = optarg;
            break;
        case OPT_PLATFORM:
            r.platform = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "table") == 0)
                format = 0;
            else if (strcmp(optarg, "json") == 0)
                format = 1;
            else if (strcmp(optarg, "sarif") == 0)
                format = 2;
            else
                return cli_usage_error(cmd, "--format: expected table, json or sarif, got '%s'",
                                       optarg);
            break;
        case 'o':
            output = optarg;
            break;
        case 'q':
            r.quiet = 1;
            break;
        case 'h':
            printf(policy_help, trust_registry_help);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        default: {
            int rc = trust_registry_option(c, optarg, &r.reg, cmd);
            if (rc < 0)
                return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
            if (rc != 0)
                return rc;
        }
        }
    }
    if (policy_path == NULL)
        return cli_usage_error(cmd, "--policy FILE is required");
    if (optind >= argc && n_files == 0)
        return cli_usage_error(cmd, "nothing to check: give IMAGEs and/or --files PATH");
    if ((size_t)(argc - optind) > MAX_ARGS)
        return cli_usage_error(cmd, "at most %d images", MAX_ARGS);
    int rc = trust_registry_finish(&r.reg, cmd);
    if (rc != 0)
        return rc;
    struct strata_error err = {0};
    struct trust_policy *p = NULL;
    if (trust_policy_load(policy_path, &p, &err) != 0 || current_db(&r, &err) != 0) {
        trust_policy_free(p);
        trust_registry_clear(&r.reg);
        return cli_fail(&err);
    }
    r.p = p;
    r.n_images = (size_t)(argc - optind);
    r.images = calloc(r.n_images ? r.n_images : 1, sizeof *r.images);
    if (r.images == NULL) {
        trust_policy_free(p);
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < r.n_images; i++) {
        r.images[i].input = argv[optind + (int)i];
        judge_image(&r, &r.images[i]);
    }
    if (n_files > 0) {
        struct file_walk_stats st = {0};
        if (file_walk(files, n_files, CONFIG_MAX_FILE, on_file, on_file_error, &r, &st, &err) !=
            0) {
            run_release(&r);
            trust_policy_free(p);
            return cli_fail(&err);
        }
    }
    size_t failed = 0, checks = 0;
    for (size_t i = 0; i < r.n_images; i++)
        failed += tp_results_failed(&r.images[i].res), checks += r.images[i].res.n;
    for (size_t i = 0; i < r.n_refs; i++)
        failed += tp_results_failed(&r.refs[i].res), checks += r.refs[i].res.n;
    int status = r.input_errors ? EXIT_USAGE : failed ? EXIT_FINDINGS : EXIT_CLEAN;
    if (format == 2) {
        rc = write_sarif(&r, output);
        if (rc != 0)
            status = rc;
    } else {
        FILE *out = output ? fopen(output, "w") : stdout;
        if (out == NULL) {
            fprintf(stderr, "strata: %s: cannot write\n", output);
            status = EXIT_USAGE;
        } else {
            int wrc = 0;
            if (format == 1)
                wrc = write_json(out, &r, failed);
            else
                write_table(out, &r, failed, checks);
            if (fflush(out) != 0 || wrc != 0 || (out != stdout && fclose(out) != 0)) {
                fprintf(stderr, "strata: cannot write the result\n");
                status = wrc == STRATA_ENOMEM ? EXIT_INTERNAL : EXIT_USAGE;
            }
        }
    }
    run_release(&r);
    trust_policy_free(p);
    return status;
}

int cmd_policy(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "check") == 0)
        return check(argc - 1, argv + 1);
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf(policy_help, trust_registry_help);
        return EXIT_CLEAN;
    }
    if (argc < 2)
        return cli_usage_error("policy ", "missing subcommand (check)");
    return cli_usage_error("policy ", "unknown subcommand '%s' (expected check)", argv[1]);
}
