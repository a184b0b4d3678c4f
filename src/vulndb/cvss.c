/* CVSS v3.0 / v3.1 base score calculator. See cvss.h for the rules; the formulas are those of
 * the FIRST CVSS v3.1 specification, section 7.1 (base) and Appendix A (Roundup). */
#include "vulndb/cvss.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

enum metric_id {
    M_AV,
    M_AC,
    M_PR,
    M_UI,
    M_S,
    M_C,
    M_I,
    M_A,
    N_BASE, /* metrics before this one are base metrics, all required */
    M_E = N_BASE,
    M_RL,
    M_RC,
    M_CR,
    M_IR,
    M_AR,
    M_MAV,
    M_MAC,
    M_MPR,
    M_MUI,
    M_MS,
    M_MC,
    M_MI,
    M_MA,
    N_METRICS,
};

struct metric_def {
    const char *name;
    const char *values; /* the allowed one-letter values */
    const char *want;   /* the same, for messages */
};

static const struct metric_def metrics[N_METRICS] = {
    [M_AV] = {"AV", "NALP", "N, A, L or P"},
    [M_AC] = {"AC", "LH", "L or H"},
    [M_PR] = {"PR", "NLH", "N, L or H"},
    [M_UI] = {"UI", "NR", "N or R"},
    [M_S] = {"S", "UC", "U or C"},
    [M_C] = {"C", "HLN", "H, L or N"},
    [M_I] = {"I", "HLN", "H, L or N"},
    [M_A] = {"A", "HLN", "H, L or N"},
    [M_E] = {"E", "XUPFH", "X, U, P, F or H"},
    [M_RL] = {"RL", "XOTWU", "X, O, T, W or U"},
    [M_RC] = {"RC", "XURC", "X, U, R or C"},
    [M_CR] = {"CR", "XLMH", "X, L, M or H"},
    [M_IR] = {"IR", "XLMH", "X, L, M or H"},
    [M_AR] = {"AR", "XLMH", "X, L, M or H"},
    [M_MAV] = {"MAV", "XNALP", "X, N, A, L or P"},
    [M_MAC] = {"MAC", "XLH", "X, L or H"},
    [M_MPR] = {"MPR", "XNLH", "X, N, L or H"},
    [M_MUI] = {"MUI", "XNR", "X, N or R"},
    [M_MS] = {"MS", "XUC", "X, U or C"},
    [M_MC] = {"MC", "XNLH", "X, N, L or H"},
    [M_MI] = {"MI", "XNLH", "X, N, L or H"},
    [M_MA] = {"MA", "XNLH", "X, N, L or H"},
};

/* Copies at most 80 bytes of s into out, replacing bytes that are not printable ASCII (and
 * quotes) with '?', so that a hostile vector cannot garble the terminal or the message. */
static const char *printable(const char *s, char *out, size_t cap)
{
    size_t i = 0;
    for (; s[i] && i + 4 < cap && i < 80; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i] = (c >= 0x20 && c < 0x7f && c != '\'') ? (char)c : '?';
    }
    if (s[i] && i + 4 <= cap) {
        memcpy(out + i, "...", 3);
        i += 3;
    }
    out[i] = '\0';
    return out;
}

/* x >= 0 and small: no libm needed. */
static long long floor_ll(double x)
{
    return (long long)x;
}

static long long ceil_ll(double x)
{
    long long n = (long long)x;
    return (double)n < x ? n + 1 : n;
}

double cvss30_roundup(double x)
{
    if (!(x > 0))
        return 0.0;
    return (double)ceil_ll(x * 10.0) / 10.0;
}

double cvss31_roundup(double x)
{
    if (!(x > 0))
        return 0.0;
    long long i = floor_ll(x * 100000.0 + 0.5); /* round to nearest integer */
    if (i % 10000 == 0)
        return (double)i / 100000.0;
    return (double)(i / 10000 + 1) / 10.0;
}

static double weight(enum metric_id m, char v, bool scope_changed)
{
    switch (m) {
    case M_AV:
        return v == 'N' ? 0.85 : v == 'A' ? 0.62 : v == 'L' ? 0.55 : 0.2;
    case M_AC:
        return v == 'L' ? 0.77 : 0.44;
    case M_PR:
        if (v == 'N')
            return 0.85;
        if (v == 'L')
            return scope_changed ? 0.68 : 0.62;
        return scope_changed ? 0.5 : 0.27;
    case M_UI:
        return v == 'N' ? 0.85 : 0.62;
    case M_C:
    case M_I:
    case M_A:
        return v == 'H' ? 0.56 : v == 'L' ? 0.22 : 0.0;
    default:
        return 0.0;
    }
}

static double pow15(double x)
{
    double x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
    return x8 * x4 * x2 * x;
}

static int fail_at(struct strata_error *err, int code, const char *vector, size_t pos,
                   const char *what)
{
    char shown[96];
    return strata_error_set(err, code, "CVSS vector '%s': position %zu: %s",
                            printable(vector, shown, sizeof shown), pos + 1, what);
}

int cvss3_base_score(const char *vector, double *score, struct strata_error *err)
{
    char what[160];
    if (vector == NULL)
        return strata_error_set(err, STRATA_EFORMAT, "CVSS vector: missing (NULL)");
    size_t len = strnlen(vector, CVSS3_VECTOR_MAX + 1);
    if (len > CVSS3_VECTOR_MAX) {
        snprintf(what, sizeof what, "longer than %d bytes", CVSS3_VECTOR_MAX);
        return fail_at(err, STRATA_ELIMIT, vector, CVSS3_VECTOR_MAX, what);
    }
    bool v30;
    if (strncmp(vector, "CVSS:3.1/", 9) == 0)
        v30 = false;
    else if (strncmp(vector, "CVSS:3.0/", 9) == 0)
        v30 = true;
    else
        return fail_at(err, STRATA_EFORMAT, vector, 0,
                       "does not start with 'CVSS:3.0/' or 'CVSS:3.1/'");

    char value[N_METRICS] = {0};
    size_t pos = 9;
    for (;;) {
        const char *comp = vector + pos;
        size_t clen = strcspn(comp, "/");
        if (clen == 0)
            return fail_at(err, STRATA_EFORMAT, vector, pos,
                           comp[0] ? "empty metric ('//')" : "empty metric (trailing '/')");
        const char *colon = memchr(comp, ':', clen);
        if (colon == NULL) {
            snprintf(what, sizeof what, "'%.*s' is not METRIC:VALUE", (int)(clen > 16 ? 16 : clen),
                     comp);
            return fail_at(err, STRATA_EFORMAT, vector, pos, what);
        }
        size_t nlen = (size_t)(colon - comp);
        int id = -1;
        for (int m = 0; m < N_METRICS; m++) {
            if (strlen(metrics[m].name) == nlen && memcmp(metrics[m].name, comp, nlen) == 0) {
                id = m;
                break;
            }
        }
        if (id < 0) {
            char raw[17], name[24];
            size_t k = nlen < sizeof raw - 1 ? nlen : sizeof raw - 1;
            memcpy(raw, comp, k);
            raw[k] = '\0';
            snprintf(what, sizeof what, "unknown metric '%s'", printable(raw, name, sizeof name));
            return fail_at(err, STRATA_EFORMAT, vector, pos, what);
        }
        if (value[id]) {
            snprintf(what, sizeof what, "metric %s given twice", metrics[id].name);
            return fail_at(err, STRATA_EFORMAT, vector, pos, what);
        }
        size_t vlen = clen - nlen - 1;
        char v = vlen == 1 ? colon[1] : '\0';
        if (v == '\0' || strchr(metrics[id].values, v) == NULL) {
            snprintf(what, sizeof what, "invalid value for %s (want %s)", metrics[id].name,
                     metrics[id].want);
            return fail_at(err, STRATA_EFORMAT, vector, pos + nlen + 1, what);
        }
        value[id] = v;
        pos += clen;
        if (vector[pos] == '\0')
            break;
        pos++; /* the '/' */
    }
    for (int m = 0; m < N_BASE; m++) {
        if (!value[m]) {
            snprintf(what, sizeof what,
                     "base metric %s missing (AV, AC, PR, UI, S, C, I, A "
                     "are required)",
                     metrics[m].name);
            return fail_at(err, STRATA_EFORMAT, vector, len, what);
        }
    }

    bool changed = value[M_S] == 'C';
    double iss = 1.0 - (1.0 - weight(M_C, value[M_C], changed)) *
                           (1.0 - weight(M_I, value[M_I], changed)) *
                           (1.0 - weight(M_A, value[M_A], changed));
    double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow15(iss - 0.02) : 6.42 * iss;
    double expl = 8.22 * weight(M_AV, value[M_AV], changed) * weight(M_AC, value[M_AC], changed) *
                  weight(M_PR, value[M_PR], changed) * weight(M_UI, value[M_UI], changed);
    double base = 0.0;
    if (impact > 0) {
        double sum = changed ? 1.08 * (impact + expl) : impact + expl;
        if (sum > 10.0)
            sum = 10.0;
        base = v30 ? cvss30_roundup(sum) : cvss31_roundup(sum);
    }
    *score = base;
    return 0;
}

const char *cvss3_severity(double score)
{
    /* Compare in tenths so that 3.9000000001 from arithmetic still counts as 3.9. */
    if (!(score >= 0.0 && score <= 10.0))
        return "UNKNOWN";
    long long t = floor_ll(score * 10.0 + 0.5);
    if (t == 0)
        return "NONE";
    if (t < 40)
        return "LOW";
    if (t < 70)
        return "MEDIUM";
    if (t < 90)
        return "HIGH";
    return "CRITICAL";
}
