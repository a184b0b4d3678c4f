/* Shared by the reporters in src/report/ only; not part of the public API. */
#ifndef STRATA_REPORT_INTERNAL_H
#define STRATA_REPORT_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "strata/reporter.h"

/* One writer per format; opts is never NULL here (the dispatcher supplies defaults). */
int strata_report_write_table(const struct strata_report *r, FILE *out,
                              const struct strata_report_write_opts *opts,
                              struct strata_error *err);
int strata_report_write_json(const struct strata_report *r, FILE *out,
                             const struct strata_report_write_opts *opts, struct strata_error *err);
int strata_report_write_cyclonedx(const struct strata_report *r, FILE *out,
                                  const struct strata_report_write_opts *opts,
                                  struct strata_error *err);
int strata_report_write_spdx(const struct strata_report *r, FILE *out,
                             const struct strata_report_write_opts *opts, struct strata_error *err);
int strata_report_write_sarif(const struct strata_report *r, FILE *out,
                              const struct strata_report_write_opts *opts,
                              struct strata_error *err);

/* ---- JSON building. Every helper takes ownership of v (also on failure) and sets *bad
 * when anything failed, so a writer builds the whole tree and checks once at the end. ---- */

/* A JSON string for s, null for NULL. Invalid UTF-8 (image metadata is untrusted) is
 * repaired with U+FFFD instead of failing. Returns NULL only on ENOMEM. */
json_t *rj_str(const char *s);
/* Length of the valid UTF-8 sequence at p (at most n bytes available, n >= 1), 0 if invalid.
 * Rejects overlongs, surrogates and code points above U+10FFFF, as jansson does. */
size_t rj_utf8_seq_len(const unsigned char *p, size_t n);
void rj_put(json_t *obj, const char *key, json_t *v, int *bad);
/* Puts the string, or JSON null when s is NULL. */
void rj_put_str(json_t *obj, const char *key, const char *s, int *bad);
/* Puts the string only when s is neither NULL nor empty (for optional SBOM fields). */
void rj_put_opt_str(json_t *obj, const char *key, const char *s, int *bad);
void rj_append(json_t *arr, json_t *v, int *bad);
/* A JSON array of the n strings (licenses, aliases, warnings), NULL entries left out, each
 * through rj_str. Returns NULL only on ENOMEM, which the rj_put taking it then flags. */
json_t *rj_str_array(char *const *items, size_t n, int *bad);

/* Dumps root with 2-space indent, insertion key order and a trailing newline; flushes. */
int rj_dump(const json_t *root, FILE *out, struct strata_error *err);

/* Fills buf (>= 21 bytes) with the report time as "YYYY-MM-DDTHH:MM:SSZ": opts->timestamp
 * (validated), else SOURCE_DATE_EPOCH, else now. */
int rj_timestamp(const struct strata_report_write_opts *opts, char *buf, size_t size,
                 struct strata_error *err);

/* RFC 4122 name-based UUID (version 5, SHA-1) of name in the URL namespace, written as 36
 * lowercase characters + NUL into out[37]. Deterministic: same name, same UUID. */
int rj_uuid5(const char *name, size_t len, char out[37]);

/* 1 when p->licenses[i] is empty or repeats an earlier entry: SBOMs list each license once. */
/* Is l a canonical SPDX expression (as the license pass writes them) naming only listed ids
 * and exceptions? Only such strings go into SBOM fields that must hold a valid expression;
 * a stated name the pass has not normalised ("GPL-2+") is never guessed into one there. */
int rj_license_expr_canonical(const char *l);
int rj_license_skip(const struct strata_package *p, size_t i);

/* Canonical SPDX license identifier when s is (case-insensitively) one of a fixed list of
 * common identifiers, else NULL. Deliberately short: we only claim an id when we are sure
 * both SBOM schemas and consumers know it. */
const char *rj_spdx_license_id(const char *s);

/* A set of strings for dedupe (bom-refs, SPDXIDs). Copies what it stores. */
struct rj_strset {
    char **slots;
    size_t cap;
    size_t len;
};
/* Returns 1 if s was added, 0 if already present, -1 on ENOMEM. */
int rj_strset_add(struct rj_strset *set, const char *s);
void rj_strset_free(struct rj_strset *set);

/* ---- vulnerabilities ---- */

struct strbuf;

/* 1 when the finding is printed: not suppressed, or suppressed ones are asked for. */
int rj_vuln_shown(const struct strata_report_write_opts *opts,
                  const struct strata_vulnerability *v);
/* Number of findings rj_vuln_shown lets through. */
size_t rj_vulns_shown(const struct strata_report *r, const struct strata_report_write_opts *opts);
/* Index in r->packages of the package a finding is about: same purl, else same type, name and
 * version. -1 when the report does not list it. */
long rj_vuln_package(const struct strata_report *r, const struct strata_vulnerability *v);
/* The canonical severity word ("CRITICAL" … "LOW", anything else "UNKNOWN"). */
const char *rj_severity(const char *severity);
/* Appends s percent-encoded for a URI: unreserved characters stay, so does '/' when
 * keep_slash; every other byte (':' too, so a relative reference never reads as a scheme, and
 * any invalid UTF-8) becomes %XX. Returns 0 or STRATA_ENOMEM. */
int rj_uri_encode(struct strbuf *sb, const char *s, int keep_slash);
/* Where people read about an advisory id: NVD for CVE-, GitHub for GHSA-, the Debian tracker
 * for DSA-/DLA-/DTSA-, else osv.dev. Appends the URL (id percent-encoded) and returns 0 or
 * STRATA_ENOMEM; *source (may be NULL) gets the name of that database. */
int rj_vuln_url(struct strbuf *sb, const char *id, const char **source);

#endif
