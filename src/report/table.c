/* The human report: a header naming the target, a layers table, a packages table, the
 * vulnerabilities grouped by package with totals per severity, and a one-line summary. Everything
 * printed comes from the image, so it is sanitized: a hostile created_by must not be able to move
 * the cursor or recolor the terminal. */
#include "report/report_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

#define CREATED_BY_COLS 60
#define SHORT_ID_HEX 12

#define SGR_BOLD "\033[1m"
#define SGR_DIM "\033[2m"
#define SGR_CYAN "\033[36m"
#define SGR_RESET "\033[0m"
#define SGR_YELLOW "\033[33m"

#define VULN_ID_COLS 40

struct out {
    FILE *f;
    int color;
};

static const char *sgr(const struct out *o, const char *code)
{
    return o->color ? code : "";
}

/* Display columns of a UTF-8 string, counting one per code point (no wide-char tables: the
 * names in package databases are ASCII in practice, and a miscount only shifts padding). */
static size_t cols(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

/* Appends s with control characters replaced (newlines and tabs become spaces, other
 * controls '?'), whitespace runs collapsed, cut to max columns with an ellipsis (0: no cut).
 * Controls are C0, DEL and C1 (U+0080-U+009F, which some terminals obey as escapes); bytes
 * that are not valid UTF-8 become '?' too, so what reaches the terminal is clean UTF-8. */
static int add_clean(struct strbuf *sb, const char *s, size_t max)
{
    size_t start = sb->len, ncols = 0, n = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    int space = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = 1;
            i++;
            continue;
        }
        if (space && sb->len > start) {
            if (max && ncols + 1 > max)
                goto cut;
            if (strbuf_addch(sb, ' ') != 0)
                return STRATA_ENOMEM;
            ncols++;
        }
        space = 0;
        size_t len = c < 0x80 ? 1 : rj_utf8_seq_len(p + i, n - i);
        int printable = len == 1   ? c >= 0x20 && c != 0x7f
                        : len == 2 ? !(c == 0xc2 && p[i + 1] < 0xa0)
                                   : len > 0;
        if (max && ncols + 1 > max)
            goto cut;
        if ((printable ? strbuf_add(sb, p + i, len) : strbuf_addch(sb, '?')) != 0)
            return STRATA_ENOMEM;
        ncols++;
        i += len ? len : 1;
    }
    return 0;
cut:
    /* Drop the last column to make room for the ellipsis, on a code point boundary. */
    while (sb->len > start) {
        unsigned char c = (unsigned char)sb->buf[--sb->len];
        if ((c & 0xc0) != 0x80)
            break;
    }
    sb->buf[sb->len] = '\0';
    return strbuf_adds(sb, "\xe2\x80\xa6");
}

static char *clean(const char *s, size_t max)
{
    struct strbuf sb = STRBUF_INIT;
    if (add_clean(&sb, s ? s : "", max) != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    if (sb.len == 0) {
        strbuf_release(&sb);
        return strdup("-");
    }
    return strbuf_detach(&sb);
}

/* docker history style: the shell wrapper says nothing, the instruction does. */
static char *clean_created_by(const char *s)
{
    if (s == NULL)
        return strdup("-");
    while (*s == ' ')
        s++;
    struct strbuf sb = STRBUF_INIT;
    int rc = 0;
    static const char nop[] = "/bin/sh -c #(nop) ", sh[] = "/bin/sh -c ",
                      run_sh[] = "RUN /bin/sh -c ";
    if (strncmp(s, nop, sizeof nop - 1) == 0) {
        s += sizeof nop - 1;
    } else if (strncmp(s, sh, sizeof sh - 1) == 0) {
        s += sizeof sh - 1;
        rc = strbuf_adds(&sb, "RUN ");
    } else if (strncmp(s, run_sh, sizeof run_sh - 1) == 0) {
        s += sizeof run_sh - 1;
        rc = strbuf_adds(&sb, "RUN ");
    }
    size_t len = strlen(s);
    static const char bk[] = " # buildkit";
    if (len >= sizeof bk - 1 && strcmp(s + len - (sizeof bk - 1), bk) == 0)
        len -= sizeof bk - 1;
    char *body = strndup(s, len);
    if (rc != 0 || body == NULL) {
        free(body);
        strbuf_release(&sb);
        return NULL;
    }
    size_t used = cols(sb.buf ? sb.buf : "");
    rc = add_clean(&sb, body, CREATED_BY_COLS > used ? CREATED_BY_COLS - used : 1);
    free(body);
    if (rc != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return sb.len ? strbuf_detach(&sb) : (strbuf_release(&sb), strdup("-"));
}

static char *short_id(const char *id)
{
    if (id == NULL)
        return strdup("-");
    const char *colon = strchr(id, ':');
    const char *hex = colon ? colon + 1 : id;
    char buf[SHORT_ID_HEX + 1];
    snprintf(buf, sizeof buf, "%s", hex);
    return clean(buf, 0);
}

static char *human_size(uint64_t n)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    char buf[32];
    if (n < 1024) {
        snprintf(buf, sizeof buf, "%" PRIu64 " B", n);
    } else {
        double v = (double)n / 1024.0;
        size_t u = 0;
        while (v >= 1024.0 && u + 1 < sizeof units / sizeof units[0]) {
            v /= 1024.0;
            u++;
        }
        snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    }
    return strdup(buf);
}

static char *int_cell(long long v)
{
    char buf[24];
    if (v < 0)
        return strdup("-");
    snprintf(buf, sizeof buf, "%lld", v);
    return strdup(buf);
}

/* A table of cleaned cells; cells[row * ncols + col], row 0 is the header. */
struct table {
    size_t ncols, nrows;
    char **cells;
    const int *right; /* per column: right-align */
    size_t sev_col;   /* column holding severity words, colored by severity; SIZE_MAX: none */
};

static int table_init(struct table *t, size_t ncols, size_t nrows, const int *right)
{
    t->ncols = ncols;
    t->nrows = nrows;
    t->right = right;
    t->sev_col = SIZE_MAX;
    t->cells = calloc(ncols * nrows, sizeof *t->cells);
    return t->cells ? 0 : STRATA_ENOMEM;
}

static void table_free(struct table *t)
{
    for (size_t i = 0; t->cells && i < t->ncols * t->nrows; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
}

static int table_ok(const struct table *t)
{
    for (size_t i = 0; i < t->ncols * t->nrows; i++) {
        if (t->cells[i] == NULL)
            return 0;
    }
    return 1;
}

static void pad(FILE *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc(' ', f);
}

/* One color per severity, from the loudest down; UNKNOWN is dim. */
static const char *severity_sgr(const char *severity)
{
    static const char *const codes[] = {SGR_DIM, "\033[34m", SGR_YELLOW, "\033[31m", "\033[1;31m"};
    return codes[strata_severity_rank(severity)];
}

static void table_print(const struct out *o, const struct table *t)
{
    size_t width[16] = {0};
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols && c < 16; c++) {
            size_t w = cols(t->cells[r * t->ncols + c]);
            if (w > width[c])
                width[c] = w;
        }
    }
    for (size_t r = 0; r < t->nrows; r++) {
        fputs("  ", o->f);
        if (r == 0)
            fputs(sgr(o, SGR_BOLD), o->f);
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            size_t gap = width[c] - cols(cell);
            int last = c + 1 == t->ncols;
            if (t->right[c])
                pad(o->f, gap);
            /* Package names stand out; the rest of a data row stays plain. */
            int hl = r > 0 && c == 0 && o->color && !t->right[c] && *cell != '\0';
            const char *code = hl ? SGR_CYAN : "";
            if (r > 0 && c == t->sev_col && o->color) {
                hl = 1;
                code = severity_sgr(cell);
            }
            fprintf(o->f, "%s%s%s", code, cell, hl ? SGR_RESET : "");
            if (!t->right[c] && !last)
                pad(o->f, gap);
            if (!last)
                fputs("  ", o->f);
        }
        if (r == 0)
            fputs(sgr(o, SGR_RESET), o->f);
        fputc('\n', o->f);
    }
}

static int print_header(const struct out *o, const struct strata_report *r)
{
    const char *labels[4] = {"Target", "Kind", "Digest", "OS"};
    char *values[4] = {NULL, NULL, NULL, NULL};
    values[0] = clean(r->target.name, 0);
    values[1] = clean(r->target.kind, 0);
    values[2] = clean(r->target.digest, 0);
    if (r->os.pretty_name != NULL && *r->os.pretty_name != '\0') {
        values[3] = clean(r->os.pretty_name, 0);
    } else {
        struct strbuf sb = STRBUF_INIT;
        int rc = strbuf_addf(&sb, "%s%s%s", r->os.family ? r->os.family : "",
                             r->os.version ? " " : "", r->os.version ? r->os.version : "");
        values[3] = rc == 0 ? clean(sb.buf ? sb.buf : "", 0) : NULL;
        strbuf_release(&sb);
    }
    int rc = 0;
    for (size_t i = 0; i < 4; i++)
        rc = rc ? rc : (values[i] == NULL ? STRATA_ENOMEM : 0);
    if (rc == 0) {
        for (size_t i = 0; i < 4; i++) {
            int dim = i == 2 && strcmp(values[i], "-") != 0;
            fprintf(o->f, "%s%-7s%s %s%s%s\n", sgr(o, SGR_BOLD), labels[i], sgr(o, SGR_RESET),
                    dim ? sgr(o, SGR_DIM) : "", values[i], dim ? sgr(o, SGR_RESET) : "");
        }
    }
    for (size_t i = 0; i < 4; i++)
        free(values[i]);
    return rc;
}

static int print_layers(const struct out *o, const struct strata_report *r)
{
    static const int right[4] = {1, 0, 1, 0};
    static const char *const head[4] = {"#", "DIFF ID", "SIZE", "CREATED BY"};
    struct table t;
    if (table_init(&t, 4, r->n_layers + 1, right) != 0)
        return STRATA_ENOMEM;
    for (size_t c = 0; c < 4; c++)
        t.cells[c] = strdup(head[c]);
    for (size_t i = 0; i < r->n_layers; i++) {
        const struct strata_layer *l = &r->layers[i];
        char **row = &t.cells[(i + 1) * 4];
        row[0] = int_cell(l->index);
        row[1] = short_id(l->diff_id ? l->diff_id : l->digest);
        row[2] = human_size(l->size);
        row[3] = clean_created_by(l->created_by);
    }
    int rc = table_ok(&t) ? 0 : STRATA_ENOMEM;
    if (rc == 0) {
        fprintf(o->f, "\n%sLayers (%zu)%s\n", sgr(o, SGR_BOLD), r->n_layers, sgr(o, SGR_RESET));
        table_print(o, &t);
    }
    table_free(&t);
    return rc;
}

static int print_packages(const struct out *o, const struct strata_report *r)
{
    static const int right[5] = {0, 0, 0, 0, 1};
    static const char *const head[5] = {"NAME", "VERSION", "TYPE", "ARCH", "LAYER"};
    if (r->n_packages == 0) {
        fprintf(o->f, "\n%sPackages%s: none found\n", sgr(o, SGR_BOLD), sgr(o, SGR_RESET));
        return 0;
    }
    /* A filesystem has no layers: a column of dashes would only be noise. */
    size_t nc = r->n_layers > 0 ? 5 : 4;
    struct table t;
    if (table_init(&t, nc, r->n_packages + 1, right) != 0)
        return STRATA_ENOMEM;
    for (size_t c = 0; c < nc; c++)
        t.cells[c] = strdup(head[c]);
    for (size_t i = 0; i < r->n_packages; i++) {
        const struct strata_package *p = &r->packages[i];
        char **row = &t.cells[(i + 1) * nc];
        row[0] = clean(p->name, 0);
        row[1] = clean(p->version, 0);
        row[2] = clean(p->type, 0);
        row[3] = clean(p->arch, 0);
        if (nc == 5)
            row[4] = int_cell(p->layer_index);
    }
    int rc = table_ok(&t) ? 0 : STRATA_ENOMEM;
    if (rc == 0) {
        fprintf(o->f, "\n%sPackages (%zu)%s\n", sgr(o, SGR_BOLD), r->n_packages, sgr(o, SGR_RESET));
        table_print(o, &t);
    }
    table_free(&t);
    return rc;
}

/* ---- vulnerabilities ---- */

struct vuln_row {
    const struct strata_vulnerability *v;
    size_t order; /* position in the report: the last tie-breaker, so the sort is stable */
    int rank;
    int group_rank; /* highest rank in the finding's package group */
};

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_package(const struct strata_vulnerability *a, const struct strata_vulnerability *b)
{
    int c = cmp_str(a->package_name, b->package_name);
    if (c == 0)
        c = cmp_str(a->package_version, b->package_version);
    if (c == 0)
        c = cmp_str(a->package_type, b->package_type);
    return c;
}

static int cmp_by_package(const void *pa, const void *pb)
{
    const struct vuln_row *a = pa, *b = pb;
    int c = cmp_package(a->v, b->v);
    return c ? c : (a->order > b->order) - (a->order < b->order);
}

/* Most severe package first, then by package; within a package most severe first, then by
 * CVSS score and id. */
static int cmp_grouped(const void *pa, const void *pb)
{
    const struct vuln_row *a = pa, *b = pb;
    int c = b->group_rank - a->group_rank;
    if (c == 0)
        c = cmp_package(a->v, b->v);
    if (c == 0)
        c = b->rank - a->rank;
    if (c == 0)
        c = (b->v->cvss_score > a->v->cvss_score) - (b->v->cvss_score < a->v->cvss_score);
    if (c == 0)
        c = cmp_str(a->v->id, b->v->id);
    return c ? c : (a->order > b->order) - (a->order < b->order);
}

/* "CVE-2024-1 (DSA-5001-1)", "+N" when there are more aliases. */
static char *id_cell(const struct strata_vulnerability *v)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = add_clean(&sb, v->id ? v->id : "-", VULN_ID_COLS);
    if (rc == 0 && v->n_aliases > 0 && v->aliases[0] != NULL) {
        rc = strbuf_adds(&sb, " (");
        rc = rc ? rc : add_clean(&sb, v->aliases[0], VULN_ID_COLS);
        rc = rc ? rc
                : (v->n_aliases > 1 ? strbuf_addf(&sb, " +%zu)", v->n_aliases - 1)
                                    : strbuf_addch(&sb, ')'));
    }
    if (rc != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

static char *status_cell(const struct strata_vulnerability *v)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = add_clean(&sb, v->status ? v->status : "-", 0);
    if (rc == 0 && v->suppressed)
        rc = strbuf_adds(&sb, " [suppressed]");
    if (rc != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

static int print_warnings(const struct out *o, const struct strata_report *r)
{
    for (size_t i = 0; i < r->vuln_scan.n_warnings; i++) {
        char *w = clean(r->vuln_scan.warnings[i], 0);
        if (w == NULL)
            return STRATA_ENOMEM;
        fprintf(o->f, "%sWarning:%s %s\n", sgr(o, SGR_YELLOW), sgr(o, SGR_RESET), w);
        free(w);
    }
    return 0;
}

static int print_vuln_table(const struct out *o, const struct strata_report *r,
                            struct vuln_row *rows, size_t n)
{
    static const int right[7] = {0, 0, 0, 0, 0, 0, 1};
    static const char *const head[7] = {"PACKAGE", "INSTALLED", "ID",   "SEVERITY",
                                        "STATUS",  "FIXED IN",  "LAYER"};
    size_t nc = r->n_layers > 0 ? 7 : 6;
    struct table t;
    if (table_init(&t, nc, n + 1, right) != 0)
        return STRATA_ENOMEM;
    t.sev_col = 3;
    for (size_t c = 0; c < nc; c++)
        t.cells[c] = strdup(head[c]);
    for (size_t i = 0; i < n; i++) {
        const struct strata_vulnerability *v = rows[i].v;
        char **row = &t.cells[(i + 1) * nc];
        /* The package is named once, on the first row of its group. */
        int first = i == 0 || cmp_package(rows[i - 1].v, v) != 0;
        row[0] = first ? clean(v->package_name, 0) : strdup("");
        row[1] = first ? clean(v->package_version, 0) : strdup("");
        row[2] = id_cell(v);
        row[3] = strdup(rj_severity(v->severity));
        row[4] = status_cell(v);
        row[5] = clean(v->fixed_version, 0);
        if (nc == 7)
            row[6] = int_cell(v->layer_index);
    }
    int rc = table_ok(&t) ? 0 : STRATA_ENOMEM;
    if (rc == 0)
        table_print(o, &t);
    table_free(&t);
    return rc;
}

/* Suppressed findings, when shown, say who suppressed them and why. */
static int print_suppressed(const struct out *o, const struct vuln_row *rows, size_t n,
                            size_t n_suppressed)
{
    if (n_suppressed == 0)
        return 0;
    fprintf(o->f, "\n%sSuppressed (%zu, not in the total)%s\n", sgr(o, SGR_BOLD), n_suppressed,
            sgr(o, SGR_RESET));
    for (size_t i = 0; i < n; i++) {
        const struct strata_vulnerability *v = rows[i].v;
        if (!v->suppressed)
            continue;
        char *id = clean(v->id, VULN_ID_COLS), *pkg = clean(v->package_name, 0);
        char *by = clean(v->suppressed_by, 0), *why = clean(v->suppression_reason, 0);
        int ok = id && pkg && by && why;
        if (ok)
            fprintf(o->f, "  %s in %s: by %s: %s\n", id, pkg, by, why);
        free(id);
        free(pkg);
        free(by);
        free(why);
        if (!ok)
            return STRATA_ENOMEM;
    }
    return 0;
}

static int print_vulnerabilities(const struct out *o, const struct strata_report *r,
                                 const struct strata_report_write_opts *opts)
{
    if (!r->vuln_scan.ran && r->n_vulnerabilities == 0) {
        /* Matching did not run: never "none found"; say why when we know. */
        if (r->vuln_scan.n_warnings == 0)
            return 0;
        fprintf(o->f, "\n%sVulnerabilities: not checked%s\n", sgr(o, SGR_BOLD), sgr(o, SGR_RESET));
        return print_warnings(o, r);
    }
    size_t n = rj_vulns_shown(r, opts), hidden = r->n_vulnerabilities - n;
    struct vuln_row *rows = calloc(n ? n : 1, sizeof *rows);
    if (rows == NULL)
        return STRATA_ENOMEM;
    size_t k = 0, counts[5] = {0}, n_suppressed = 0, total = 0;
    for (size_t i = 0; i < r->n_vulnerabilities; i++) {
        const struct strata_vulnerability *v = &r->vulnerabilities[i];
        if (!rj_vuln_shown(opts, v))
            continue;
        rows[k] = (struct vuln_row){v, i, strata_severity_rank(v->severity), 0};
        if (v->suppressed) {
            n_suppressed++;
        } else {
            counts[rows[k].rank]++;
            total++;
        }
        k++;
    }
    /* Two passes: by package to find each group's worst severity, then the display order. */
    qsort(rows, n, sizeof *rows, cmp_by_package);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int worst = 0;
        for (; j < n && cmp_package(rows[i].v, rows[j].v) == 0; j++)
            worst = rows[j].rank > worst ? rows[j].rank : worst;
        for (; i < j; i++)
            rows[i].group_rank = worst;
    }
    qsort(rows, n, sizeof *rows, cmp_grouped);

    int rc = 0;
    if (n == 0) {
        /* With warnings, part of the inventory was not judged: do not claim it is clean. */
        fprintf(o->f, "\n%s%s%s\n", sgr(o, SGR_BOLD),
                r->vuln_scan.n_warnings ? "No vulnerabilities found in the packages that could be "
                                          "checked; see the warnings below."
                                        : "No vulnerabilities found.",
                sgr(o, SGR_RESET));
        rc = print_warnings(o, r);
    } else {
        fprintf(o->f, "\n%sVulnerabilities (%zu)%s\n", sgr(o, SGR_BOLD), n, sgr(o, SGR_RESET));
        rc = print_warnings(o, r);
        rc = rc ? rc : print_vuln_table(o, r, rows, n);
        if (rc == 0) {
            static const char *const words[5] = {"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
            fprintf(o->f, "%sTotal: %zu%s (", sgr(o, SGR_BOLD), total, sgr(o, SGR_RESET));
            for (int s = 4; s >= 0; s--) {
                int paint = o->color && counts[s] > 0;
                fprintf(o->f, "%s%s%s %zu%s", s < 4 ? ", " : "",
                        paint ? severity_sgr(words[s]) : "", words[s], counts[s],
                        paint ? SGR_RESET : "");
            }
            fputs(")\n", o->f);
        }
        rc = rc ? rc : print_suppressed(o, rows, n, n_suppressed);
    }
    if (rc == 0 && hidden > 0)
        fprintf(o->f, "%zu suppressed finding%s not shown.\n", hidden, hidden == 1 ? "" : "s");
    free(rows);
    return rc;
}

/* ---- misconfigurations ---- */

/* "where" then ":line" or ":line:col" when line > 0 (column only when > 0): the WHERE cell
 * of misconfigurations and secrets. */
static char *where_cell(const char *where, int line, int column)
{
    struct strbuf sb = STRBUF_INIT;
    int rc = add_clean(&sb, where ? where : "-", 60);
    if (rc == 0 && line > 0)
        rc = column > 0 ? strbuf_addf(&sb, ":%d:%d", line, column) : strbuf_addf(&sb, ":%d", line);
    if (rc != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

/* The message, after the resource it is about when there is one ("Deployment/ns/web: …"). */
static char *misconf_text(const struct strata_misconfiguration *m)
{
    const char *msg = m->message ? m->message : m->title ? m->title : "";
    if (m->resource == NULL)
        return clean(msg, 100);
    struct strbuf sb = STRBUF_INIT;
    char *out = NULL;
    if (strbuf_addf(&sb, "%s: %s", m->resource, msg) == 0)
        out = clean(sb.buf, 100);
    strbuf_release(&sb);
    return out;
}

/* Printed only when there are findings, so reports of scans without checks keep their shape.
 * Messages hold redacted values only (src/checks/ redacts before the report sees them). */
static int print_misconfigurations(const struct out *o, const struct strata_report *r)
{
    static const int right[5] = {0, 0, 0, 1, 0};
    static const char *const head[5] = {"SEVERITY", "ID", "WHERE", "LAYER", "FINDING"};
    size_t n = r->n_misconfigurations;
    if (n == 0)
        return 0;
    struct table t;
    if (table_init(&t, 5, n + 1, right) != 0)
        return STRATA_ENOMEM;
    t.sev_col = 0;
    for (size_t c = 0; c < 5; c++)
        t.cells[c] = strdup(head[c]);
    for (size_t i = 0; i < n; i++) {
        const struct strata_misconfiguration *m = &r->misconfigurations[i];
        char **row = &t.cells[(i + 1) * 5];
        row[0] = strdup(rj_severity(m->severity));
        row[1] = clean(m->id, 0);
        row[2] = where_cell(m->path ? m->path : m->evidence, m->line, m->column);
        row[3] = int_cell(m->layer_index);
        row[4] = misconf_text(m);
    }
    int rc = table_ok(&t) ? 0 : STRATA_ENOMEM;
    if (rc == 0) {
        fprintf(o->f, "\n%sMisconfigurations (%zu)%s\n", sgr(o, SGR_BOLD), n, sgr(o, SGR_RESET));
        table_print(o, &t);
    }
    table_free(&t);
    return rc;
}

/* ---- secrets ---- */

static char *secret_state(const struct strata_secret *s)
{
    char buf[48];
    if (s->in_final_fs < 0)
        return strdup(s->location && strncmp(s->location, "history", 7) == 0 ? "history"
                                                                             : "config");
    if (s->in_final_fs)
        return strdup("present");
    if (s->deleted_in_layer >= 0)
        snprintf(buf, sizeof buf, "removed in layer %d", s->deleted_in_layer);
    else
        snprintf(buf, sizeof buf, "removed");
    return strdup(buf);
}

/* Printed only when there are findings. Excerpts are redacted by the engine. */
static int print_secrets(const struct out *o, const struct strata_report *r)
{
    enum { NC = 6 };
    static const int right[NC] = {0, 0, 0, 1, 0, 0};
    static const char *const head[NC] = {"SEVERITY", "RULE", "WHERE", "LAYER", "STATE", "EXCERPT"};
    size_t n = r->n_secrets;
    if (n == 0)
        return 0;
    struct table t;
    if (table_init(&t, NC, n + 1, right) != 0)
        return STRATA_ENOMEM;
    t.sev_col = 0;
    for (size_t c = 0; c < NC; c++)
        t.cells[c] = strdup(head[c]);
    for (size_t i = 0; i < n; i++) {
        const struct strata_secret *s = &r->secrets[i];
        char **row = &t.cells[(i + 1) * NC];
        row[0] = strdup(rj_severity(s->severity));
        row[1] = clean(s->rule_id, 0);
        row[2] = where_cell(s->path ? s->path : s->location, s->path ? s->line : 0, 0);
        row[3] = int_cell(s->layer_index);
        row[4] = secret_state(s);
        row[5] = clean(s->excerpt, 0);
    }
    int rc = table_ok(&t) ? 0 : STRATA_ENOMEM;
    if (rc == 0) {
        fprintf(o->f, "\n%sSecrets (%zu)%s\n", sgr(o, SGR_BOLD), n, sgr(o, SGR_RESET));
        table_print(o, &t);
    }
    table_free(&t);
    return rc;
}

/* ---- licenses ---- */

/* "Denied by --license-deny (2 packages): zlib1g, libzstd1": at most 20 named. */
static int print_denied_packages(const struct out *o, const struct strata_report *r)
{
    if (r->n_denied_license_packages == 0)
        return 0;
    struct strbuf sb = STRBUF_INIT;
    size_t shown = 0;
    int rc =
        strbuf_addf(&sb, "Denied by --license-deny (%zu package%s):", r->n_denied_license_packages,
                    r->n_denied_license_packages == 1 ? "" : "s");
    for (size_t i = 0; rc == 0 && i < r->n_packages && shown < 20; i++) {
        const struct strata_package *p = &r->packages[i];
        if (!p->license_denied)
            continue;
        rc = strbuf_addf(&sb, "%s %s", shown ? "," : "", p->name ? p->name : "?");
        shown++;
    }
    if (rc == 0 && shown < r->n_denied_license_packages)
        rc = strbuf_addf(&sb, ", … (the JSON marks each with license_denied)");
    if (rc == 0) {
        char *line = clean(sb.buf, 0);
        if (line == NULL)
            rc = STRATA_ENOMEM;
        else
            fprintf(o->f, "%s\n", line);
        free(line);
    }
    strbuf_release(&sb);
    return rc;
}

/* Licenses shown in the table: the most used ones and every denied one; the JSON has all. */
#define TABLE_MAX_LICENSES 20

/* The DENIED column only when --license-deny denied something. */
static int print_licenses(const struct out *o, const struct strata_report *r)
{
    static const int right[4] = {0, 0, 1, 0};
    static const char *const head[4] = {"LICENSE", "CATEGORY", "PACKAGES", "DENIED"};
    size_t n = 0, nc = 3;
    if (r->n_licenses == 0)
        return 0;
    for (size_t i = 0; i < r->n_licenses; i++) {
        nc = r->licenses[i].denied ? 4 : nc;
        n += i < TABLE_MAX_LICENSES || r->licenses[i].denied;
    }
    struct table t;
    if (table_init(&t, nc, n + 1, right) != 0)
        return STRATA_ENOMEM;
    for (size_t c = 0; c < nc; c++)
        t.cells[c] = strdup(head[c]);
    for (size_t i = 0, k = 0; i < r->n_licenses; i++) {
        const struct strata_license_count *l = &r->licenses[i];
        if (i >= TABLE_MAX_LICENSES && !l->denied)
            continue;
        char **row = &t.cells[(++k) * nc];
        row[0] = clean(l->license, 60);
        row[1] = clean(l->category, 0);
        row[2] = int_cell((long long)l->packages);
        if (nc == 4)
            row[3] = strdup(l->denied ? "DENIED" : "-");
    }
    int rc = table_ok(&t) ? 0 : STRATA_ENOMEM;
    if (rc == 0) {
        fprintf(o->f, "\n%sLicenses (%zu)%s\n", sgr(o, SGR_BOLD), r->n_licenses, sgr(o, SGR_RESET));
        table_print(o, &t);
        if (n < r->n_licenses)
            fprintf(o->f, "%zu more license%s used by fewer packages in the JSON report.\n",
                    r->n_licenses - n, r->n_licenses - n == 1 ? "" : "s");
        rc = print_denied_packages(o, r);
    }
    table_free(&t);
    return rc;
}

/* "127 packages (deb 127) in 4 layers": per-type counts in name order. */
static int print_summary(const struct out *o, const struct strata_report *r)
{
    struct type_count {
        const char *type;
        size_t n;
    } *types = calloc(r->n_packages ? r->n_packages : 1, sizeof *types);
    if (types == NULL)
        return STRATA_ENOMEM;
    size_t nt = 0;
    for (size_t i = 0; i < r->n_packages; i++) {
        const char *ty = r->packages[i].type ? r->packages[i].type : "unknown";
        size_t j = 0;
        while (j < nt && strcmp(types[j].type, ty) != 0)
            j++;
        if (j == nt)
            types[nt++].type = ty;
        types[j].n++;
    }
    /* Insertion sort: a handful of types at most. */
    for (size_t i = 1; i < nt; i++) {
        for (size_t j = i; j > 0 && strcmp(types[j - 1].type, types[j].type) > 0; j--) {
            struct type_count tmp = types[j];
            types[j] = types[j - 1];
            types[j - 1] = tmp;
        }
    }
    struct strbuf sb = STRBUF_INIT;
    int rc = strbuf_addf(&sb, "%zu package%s", r->n_packages, r->n_packages == 1 ? "" : "s");
    for (size_t i = 0; rc == 0 && i < nt; i++) {
        char *ty = clean(types[i].type, 0);
        rc = ty ? strbuf_addf(&sb, "%s%s %zu", i ? ", " : " (", ty, types[i].n) : STRATA_ENOMEM;
        free(ty);
    }
    if (rc == 0 && nt > 0)
        rc = strbuf_addch(&sb, ')');
    if (rc == 0 && r->n_layers > 0)
        rc = strbuf_addf(&sb, " in %zu layer%s", r->n_layers, r->n_layers == 1 ? "" : "s");
    if (rc == 0)
        fprintf(o->f, "\n%s%s%s\n", sgr(o, SGR_BOLD), sb.buf, sgr(o, SGR_RESET));
    strbuf_release(&sb);
    free(types);
    return rc;
}

/* ---- configuration reports (strata config) ---- */

static int print_pss(const struct out *o, const struct strata_report *r)
{
    enum { NC = 5 };
    static const int right[NC] = {0, 0, 0, 1, 0};
    static const char *const head[NC] = {"RESOURCE", "WHERE", "LEVEL", "SCORE", "VIOLATIONS"};
    if (r->n_pss == 0)
        return 0;
    struct table t;
    if (table_init(&t, NC, r->n_pss + 1, right) != 0)
        return STRATA_ENOMEM;
    for (size_t c = 0; c < NC; c++)
        t.cells[c] = strdup(head[c]);
    for (size_t i = 0; i < r->n_pss; i++) {
        const struct strata_pss_result *p = &r->pss[i];
        char **row = &t.cells[(i + 1) * NC];
        char where[32], score[16], count[16];
        snprintf(where, sizeof where, ":%d", p->line);
        snprintf(score, sizeof score, "%d", p->score);
        snprintf(count, sizeof count, "%zu", p->n_violations);
        struct strbuf sb = STRBUF_INIT;
        int rc = add_clean(&sb, p->path ? p->path : "-", 50);
        rc = rc ? rc : strbuf_adds(&sb, p->line > 0 ? where : "");
        row[0] = clean(p->resource, 60);
        row[1] = rc == 0 ? strbuf_detach(&sb) : NULL;
        strbuf_release(&sb);
        row[2] = clean(p->level_satisfied, 0);
        row[3] = strdup(score);
        row[4] = strdup(count);
    }
    int rc = table_ok(&t) ? 0 : STRATA_ENOMEM;
    if (rc == 0) {
        fprintf(o->f, "\n%sPod Security Standards (%zu workloads)%s\n", sgr(o, SGR_BOLD), r->n_pss,
                sgr(o, SGR_RESET));
        table_print(o, &t);
    }
    table_free(&t);
    return rc;
}

static int write_config_table(const struct out *o, const struct strata_report *r)
{
    fprintf(o->f, "%sTarget%s  %s\n", sgr(o, SGR_BOLD), sgr(o, SGR_RESET),
            r->target.name ? r->target.name : "-");
    int rc = print_misconfigurations(o, r);
    if (rc == 0 && r->n_misconfigurations == 0)
        fprintf(o->f, "\n%sMisconfigurations%s: none found\n", sgr(o, SGR_BOLD), sgr(o, SGR_RESET));
    if (rc == 0)
        rc = print_pss(o, r);
    if (rc == 0) {
        size_t by[5] = {0};
        for (size_t i = 0; i < r->n_misconfigurations; i++) {
            int k = strata_severity_rank(r->misconfigurations[i].severity);
            by[k >= 0 && k <= 4 ? k : 0]++;
        }
        fprintf(o->f, "\n%sTotal: %zu (CRITICAL %zu, HIGH %zu, MEDIUM %zu, LOW %zu)%s\n",
                sgr(o, SGR_BOLD), r->n_misconfigurations, by[4], by[3], by[2], by[1],
                sgr(o, SGR_RESET));
    }
    return rc;
}

int strata_report_write_table(const struct strata_report *r, FILE *out,
                              const struct strata_report_write_opts *opts, struct strata_error *err)
{
    struct out o = {out, opts->color};
    errno = 0; /* so a stale errno is not reported as the cause */
    /* configuration reports (strata config, strata netpol audit) have no image header */
    if (r->target.kind != NULL &&
        (strcmp(r->target.kind, "config") == 0 || strcmp(r->target.kind, "netpol") == 0)) {
        int crc = write_config_table(&o, r);
        if (crc != 0)
            return strata_error_nomem(err);
        if (fflush(out) != 0 || ferror(out))
            return strata_error_set(err, STRATA_EIO, "writing report: %s",
                                    errno ? strerror(errno) : "write error");
        return 0;
    }
    int rc = print_header(&o, r);
    if (rc == 0 && r->n_layers > 0)
        rc = print_layers(&o, r);
    if (rc == 0)
        rc = print_packages(&o, r);
    if (rc == 0)
        rc = print_vulnerabilities(&o, r, opts);
    if (rc == 0)
        rc = print_misconfigurations(&o, r);
    if (rc == 0)
        rc = print_secrets(&o, r);
    if (rc == 0)
        rc = print_licenses(&o, r);
    if (rc == 0)
        rc = print_summary(&o, r);
    if (rc != 0)
        return strata_error_nomem(err);
    if (fflush(out) != 0 || ferror(out))
        return strata_error_set(err, STRATA_EIO, "writing report: %s",
                                errno ? strerror(errno) : "write error");
    return 0;
}
