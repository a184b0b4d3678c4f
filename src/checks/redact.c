/* Finding and redacting credentials in image metadata text: Env entries, labels, and the
 * shell commands of history entries. The rules are deliberately simple and documented in
 * docs/checks-image.md; they are about what a Dockerfile author typed, not about secret
 * formats in files (src/secrets/ handles those). */
#include "checks/checks.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define REDACTED "*****"
#define REDACT_KEEP 4
#define REDACT_SHORT 12

int checks_redact_value(struct strbuf *sb, const char *value, size_t n)
{
    if (n > REDACT_SHORT && strbuf_add(sb, value, REDACT_KEEP) != 0)
        return STRATA_ENOMEM;
    return strbuf_adds(sb, REDACTED);
}

/* Case-insensitive search of needle in the n bytes at s. */
static int contains_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        if (strncasecmp(s + i, needle, m) == 0)
            return 1;
    }
    return 0;
}

static int ends_with_ci(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && strncasecmp(s + n - m, suffix, m) == 0;
}

int checks_key_is_secret(const char *key, size_t n)
{
    static const char *const words[] = {"PASSWORD", "PASSWD",      "PASSPHRASE", "SECRET",
                                        "TOKEN",    "API_KEY",     "APIKEY",     "ACCESS_KEY",
                                        "AUTH_KEY", "PRIVATE_KEY", "CREDENTIAL"};
    /* A key naming where the secret is kept is the practice the CIS rule recommends. */
    static const char *const refs[] = {"_FILE", "_PATH", "_DIR", "_LOCATION"};
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++) {
        if (ends_with_ci(key, n, refs[i]))
            return 0;
    }
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        if (contains_ci(key, n, words[i]))
            return 1;
    }
    return 0;
}

static int is_key_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '.' || c == '-';
}

/* Where a word may start: the beginning, after blanks or shell punctuation. */
static int word_start(const char *text, size_t i)
{
    if (i == 0)
        return 1;
    unsigned char p = (unsigned char)text[i - 1];
    return isspace(p) || strchr(";&|(\"'`", p) != NULL;
}

/* Length of the value at s: a quoted string up to its closing quote (quotes included), else
 * up to a blank or shell punctuation. */
static size_t value_len(const char *s)
{
    if (*s == '"' || *s == '\'') {
        const char *end = strchr(s + 1, *s);
        return end ? (size_t)(end - s) + 1 : strlen(s);
    }
    size_t n = 0;
    while (s[n] && !isspace((unsigned char)s[n]) && strchr(";&|)`", s[n]) == NULL)
        n++;
    return n;
}

/* Appends the value at s (n bytes) redacted, keeping its quotes. A reference ($VAR, ${VAR})
 * or an empty value is copied as is and returns 0; else returns 1 (a credential). */
static int put_value(struct strbuf *out, const char *s, size_t n, int *oom)
{
    const char *v = s;
    size_t vn = n;
    char quote = 0;
    if (n >= 1 && (*s == '"' || *s == '\'')) {
        quote = *s;
        v = s + 1;
        vn = n >= 2 && s[n - 1] == quote ? n - 2 : n - 1;
    }
    if (vn == 0 || *v == '$') {
        if (strbuf_add(out, s, n) != 0)
            *oom = 1;
        return 0;
    }
    if ((quote && strbuf_addch(out, quote) != 0) || checks_redact_value(out, v, vn) != 0 ||
        (quote && n >= 2 && s[n - 1] == quote && strbuf_addch(out, quote) != 0))
        *oom = 1;
    return 1;
}

/* Options whose argument is a secret. */
static const char *const secret_options[] = {"--password", "--passwd", "--token", "--secret",
                                             "--api-key"};

/* Tries the credential forms at text[i] (a word start). Returns the bytes consumed (copied or
 * redacted into out), 0 when nothing matched. */
static size_t try_word(struct strbuf *out, const char *text, size_t i, size_t *hits,
                       const char **kind, int *oom)
{
    const char *s = text + i;
    /* curl -u user:pass, --user user:pass, --user=user:pass */
    size_t opt = 0;
    if (strncmp(s, "-u", 2) == 0 && (s[2] == ' ' || s[2] == '\t'))
        opt = 2;
    else if (strncmp(s, "--user", 6) == 0 && (s[6] == ' ' || s[6] == '=' || s[6] == '\t'))
        opt = 6;
    if (opt) {
        size_t j = opt;
        while (s[j] == ' ' || s[j] == '\t' || (s[j] == '=' && j == opt))
            j++;
        size_t n = value_len(s + j);
        const char *colon = memchr(s + j, ':', n);
        if (colon == NULL)
            return 0;
        size_t upto = (size_t)(colon - s) + 1;
        size_t rest = j + n - upto;
        if (strbuf_add(out, s, upto) != 0)
            *oom = 1;
        /* A closing quote of "user:pass" stays. */
        int q = (s[j] == '"' || s[j] == '\'') && rest > 0 && s[j + n - 1] == s[j];
        if (put_value(out, s + upto, rest - (size_t)q, oom) && (*hits)++ == 0 && kind)
            *kind = "user:password on a command line";
        if (q && strbuf_addch(out, s[j]) != 0)
            *oom = 1;
        return j + n;
    }
    for (size_t k = 0; k < sizeof secret_options / sizeof *secret_options; k++) {
        size_t m = strlen(secret_options[k]);
        if (strncmp(s, secret_options[k], m) != 0 || (s[m] != '=' && s[m] != ' '))
            continue;
        size_t j = m + 1;
        while (s[m] == ' ' && s[j] == ' ')
            j++;
        if (s[j] == '-')
            return 0; /* the next option, not a value */
        size_t n = value_len(s + j);
        if (strbuf_add(out, s, j) != 0)
            *oom = 1;
        if (put_value(out, s + j, n, oom) && (*hits)++ == 0 && kind)
            *kind = "password option on a command line";
        return j + n;
    }
    /* KEY=VALUE with a secret KEY */
    size_t kn = 0;
    while (is_key_char((unsigned char)s[kn]))
        kn++;
    if (kn > 0 && s[kn] == '=' && checks_key_is_secret(s, kn)) {
        size_t n = value_len(s + kn + 1);
        if (strbuf_add(out, s, kn + 1) != 0)
            *oom = 1;
        if (put_value(out, s + kn + 1, n, oom) && (*hits)++ == 0 && kind)
            *kind = "secret assignment";
        return kn + 1 + n;
    }
    return 0;
}

/* scheme://user:pass@host at text[i] == ':' of "://". Returns bytes consumed or 0. */
static size_t try_url(struct strbuf *out, const char *text, size_t i, size_t *hits,
                      const char **kind, int *oom)
{
    const char *s = text + i + 3;
    size_t n = 0, colon = 0;
    while (s[n] && s[n] != '@' && s[n] != '/' && !isspace((unsigned char)s[n]) &&
           strchr("\"'`;&|", s[n]) == NULL) {
        if (s[n] == ':' && colon == 0)
            colon = n + 1;
        n++;
    }
    if (s[n] != '@' || colon == 0)
        return 0;
    if (strbuf_add(out, text + i, 3 + colon) != 0)
        *oom = 1;
    if (put_value(out, s + colon, n - colon, oom) && (*hits)++ == 0 && kind)
        *kind = "password in a URL";
    return 3 + n;
}

int checks_redact_text(struct strbuf *out, const char *text, size_t *hits, const char **kind)
{
    int oom = 0;
    *hits = 0;
    if (kind)
        *kind = NULL;
    size_t len = strlen(text);
    for (size_t i = 0; i < len && !oom;) {
        size_t used = 0;
        if (word_start(text, i))
            used = try_word(out, text, i, hits, kind, &oom);
        if (used == 0 && strncmp(text + i, "://", 3) == 0)
            used = try_url(out, text, i, hits, kind, &oom);
        if (used == 0) {
            if (strbuf_addch(out, text[i]) != 0)
                oom = 1;
            used = 1;
        }
        i += used;
    }
    if (out->buf == NULL && strbuf_adds(out, "") != 0)
        oom = 1;
    return oom ? STRATA_ENOMEM : 0;
}
