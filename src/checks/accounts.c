/* Account checks over the image's own /etc/passwd, /etc/shadow and /etc/group (Dockle's
 * DKL-LI-0001 and DKL-LI-0002): accounts anyone can become without a password, several
 * accounts (or groups) behind one id or one name, and password hashes left in the
 * world-readable /etc/passwd. The files are untrusted bytes: lines are split with memchr and
 * never assumed to be C strings, and no password field's content is ever copied out. */
#include "checks/checks.h"

#include <stdlib.h>
#include <string.h>

/* One line of an account file: name:password:id:… */
struct entry {
    const char *name, *pw;
    size_t name_len, pw_len;
    long long id; /* uid / gid; -1 when the field is missing or not a 32-bit number */
    size_t line;  /* 1-based */
};

struct table {
    struct entry *e;
    size_t n;
};

struct ctx {
    struct strata_report *r;
    const struct checks_account_text *files;
    struct table t[CHECKS_ACCOUNT_FILES];
    size_t per_kind[4]; /* findings per check kind, bounded by CHECKS_MAX_FILE_FINDINGS */
    int rc;
};

enum kind { EMPTY_PASSWORD, DUPLICATE_ID, DUPLICATE_NAME, HASH_IN_PASSWD };

static const char *const display_path[CHECKS_ACCOUNT_FILES] = {
    [CHECKS_PASSWD] = "/etc/passwd",
    [CHECKS_SHADOW] = "/etc/shadow",
    [CHECKS_GROUP] = "/etc/group",
};

/* ---- parsing ---- */

/* The id field: 1 to 10 digits, at most 2^32-1, ending the field; else -1. */
static long long parse_id(const char *p, const char *end)
{
    long long v = 0;
    size_t digits = 0;
    while (p < end && *p >= '0' && *p <= '9' && digits < 11) {
        v = v * 10 + (*p++ - '0');
        digits++;
    }
    if (digits == 0 || digits > 10 || v > 4294967295LL || (p < end && *p != ':'))
        return -1;
    return v;
}

/* Splits one line (CR stripped) into an entry; 0 when it is not an account line: empty, a
 * comment, an NIS compat line (+user, -user, +@netgroup) or without a ':' after a name. */
static int parse_line(const char *line, size_t len, struct entry *e)
{
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (len == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-')
        return 0;
    const char *end = line + len;
    const char *c1 = memchr(line, ':', len);
    if (c1 == NULL || c1 == line)
        return 0;
    e->name = line;
    e->name_len = (size_t)(c1 - line);
    e->pw = c1 + 1;
    const char *c2 = memchr(e->pw, ':', (size_t)(end - e->pw));
    e->pw_len = (size_t)((c2 ? c2 : end) - e->pw);
    e->id = c2 ? parse_id(c2 + 1, end) : -1;
    return 1;
}

static int parse_table(const char *data, size_t len, struct table *t)
{
    size_t cap = 0, line = 0;
    for (size_t i = 0; i < len && t->n < CHECKS_MAX_ACCOUNTS;) {
        const char *s = data + i;
        const char *nl = memchr(s, '\n', len - i);
        size_t ll = nl ? (size_t)(nl - s) : len - i;
        i += ll + 1;
        line++;
        struct entry e;
        if (!parse_line(s, ll, &e))
            continue;
        e.line = line;
        if (t->n == cap) {
            cap = cap ? cap * 2 : 64;
            struct entry *grown = realloc(t->e, cap * sizeof *grown);
            if (grown == NULL)
                return STRATA_ENOMEM;
            t->e = grown;
        }
        t->e[t->n++] = e;
    }
    return 0;
}

/* ---- messages ---- */

/* An account name for a message: at most 64 bytes, anything but printable ASCII as '?'
 * (names are untrusted bytes: NULs, escapes, invalid UTF-8). */
static int add_name(struct strbuf *sb, const char *name, size_t n)
{
    size_t k = n > 64 ? 64 : n;
    int rc = 0;
    for (size_t i = 0; i < k && rc == 0; i++) {
        unsigned char c = (unsigned char)name[i];
        rc = strbuf_addch(sb, c > 0x20 && c < 0x7f ? (char)c : '?');
    }
    return rc == 0 && k < n ? strbuf_adds(sb, "\xe2\x80\xa6") : rc;
}

static void add(struct ctx *c, enum kind k, enum checks_account_file f, const char *severity,
                size_t line, const struct strbuf *msg, int rc)
{
    static const struct {
        const char *id, *title, *remediation;
    } defs[] = {
        [EMPTY_PASSWORD] = {"DKL-LI-0001", "Account with an empty password",
                            "Lock the account (`usermod -p '*' NAME` or `passwd -l NAME`): "
                            "accounts in an image need no password, and an empty field lets "
                            "anyone become them (su, login) without one."},
        [DUPLICATE_ID] = {"DKL-LI-0002", "Duplicate uid or gid",
                          "Give every account its own uid and every group its own gid; "
                          "`pwck -r` and `grpck -r` list the duplicates."},
        [DUPLICATE_NAME] = {"DKL-LI-0002", "Duplicate user or group name",
                            "Remove the duplicate lines (`pwck -r` and `grpck -r` list them); "
                            "only the first one is used, the others hide mistakes."},
        [HASH_IN_PASSWD] = {"STRATA-DI-0005", "Password hash in /etc/passwd",
                            "Move the hash to /etc/shadow (`pwconv`) or lock the account with "
                            "`*`: /etc/passwd is readable by every user of the container."},
    };
    if (c->rc == 0 && rc != 0)
        c->rc = rc;
    if (c->rc != 0)
        return;
    char evidence[48];
    snprintf(evidence, sizeof evidence, "%s:%zu", display_path[f], line);
    c->rc =
        strata_report_add_misconf(c->r, defs[k].id, NULL, defs[k].title, severity, display_path[f],
                                  c->files[f].layer, msg->buf, defs[k].remediation, evidence);
}

/* Room for one more finding of kind k. */
static int room(struct ctx *c, enum kind k)
{
    if (c->rc != 0 || c->per_kind[k] >= CHECKS_MAX_FILE_FINDINGS)
        return 0;
    c->per_kind[k]++;
    return 1;
}

/* ---- lookups ---- */

static int cmp_name(const struct entry *a, const struct entry *b)
{
    size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
    int d = memcmp(a->name, b->name, n);
    if (d != 0)
        return d;
    return a->name_len < b->name_len ? -1 : a->name_len > b->name_len;
}

static int by_name(const void *va, const void *vb)
{
    const struct entry *a = va, *b = vb;
    int d = cmp_name(a, b);
    return d != 0 ? d : (a->line > b->line) - (a->line < b->line);
}

static int by_id(const void *va, const void *vb)
{
    const struct entry *a = va, *b = vb;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return (a->line > b->line) - (a->line < b->line);
}

/* The uid passwd (sorted by name) gives name, -1 when not listed. */
static long long uid_of(const struct table *passwd_by_name, const struct entry *who)
{
    size_t lo = 0, hi = passwd_by_name->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = cmp_name(&passwd_by_name->e[mid], who);
        if (d == 0) {
            while (mid > 0 && cmp_name(&passwd_by_name->e[mid - 1], who) == 0)
                mid--; /* the first line wins, as getpwnam does */
            return passwd_by_name->e[mid].id;
        }
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* ---- checks ---- */

static void empty_password(struct ctx *c, enum checks_account_file f, const struct entry *e,
                           long long uid)
{
    if (!room(c, EMPTY_PASSWORD))
        return;
    struct strbuf msg = STRBUF_INIT;
    int rc = strbuf_adds(&msg, "account ");
    rc = rc ? rc : add_name(&msg, e->name, e->name_len);
    rc = rc ? rc : (uid >= 0 ? strbuf_addf(&msg, " (uid %lld)", uid) : 0);
    rc = rc ? rc
            : strbuf_addf(&msg, " has an empty password field on line %zu of %s%s", e->line,
                          display_path[f],
                          f == CHECKS_PASSWD ? " (so /etc/shadow is not consulted)" : "");
    rc = rc ? rc
            : strbuf_adds(&msg, uid == 0 ? ": anyone in the container can become root without "
                                           "a password."
                                         : ": it can be logged into (su, login) without a "
                                           "password.");
    add(c, EMPTY_PASSWORD, f, uid == 0 ? "CRITICAL" : "HIGH", e->line, &msg, rc);
    strbuf_release(&msg);
}

/* A password field of /etc/passwd that is neither a pointer to the shadow file ("x", the
 * "##name" of old systems) nor locked ('*', '!'), nor empty: a crypt hash. */
static int is_hash(const struct entry *e)
{
    if (e->pw_len == 0 || e->pw[0] == '*' || e->pw[0] == '!')
        return 0;
    if (e->pw_len == 1 && e->pw[0] == 'x')
        return 0;
    return !(e->pw_len >= 2 && e->pw[0] == '#' && e->pw[1] == '#');
}

static void check_passwords(struct ctx *c, const struct table *passwd_by_name)
{
    const struct table *pw = &c->t[CHECKS_PASSWD];
    for (size_t i = 0; i < pw->n && c->rc == 0; i++) {
        const struct entry *e = &pw->e[i];
        if (e->pw_len == 0) {
            empty_password(c, CHECKS_PASSWD, e, e->id);
        } else if (is_hash(e) && room(c, HASH_IN_PASSWD)) {
            struct strbuf msg = STRBUF_INIT;
            int rc = strbuf_adds(&msg, "account ");
            rc = rc ? rc : add_name(&msg, e->name, e->name_len);
            rc = rc ? rc
                    : strbuf_addf(&msg,
                                  " keeps its password hash on line %zu of the world-readable "
                                  "/etc/passwd (hash not shown).",
                                  e->line);
            add(c, HASH_IN_PASSWD, CHECKS_PASSWD, "MEDIUM", e->line, &msg, rc);
            strbuf_release(&msg);
        }
    }
    const struct table *sh = &c->t[CHECKS_SHADOW];
    for (size_t i = 0; i < sh->n && c->rc == 0; i++)
        if (sh->e[i].pw_len == 0)
            empty_password(c, CHECKS_SHADOW, &sh->e[i], uid_of(passwd_by_name, &sh->e[i]));
}

/* Appends "name (line N), name (line M), …" for entries [from, to). */
static int add_names(struct strbuf *msg, const struct entry *e, size_t from, size_t to)
{
    int rc = 0;
    for (size_t i = from; i < to && i - from < CHECKS_MAX_NAMES_QUOTED && rc == 0; i++) {
        rc = i > from ? strbuf_adds(msg, ", ") : 0;
        rc = rc ? rc : add_name(msg, e[i].name, e[i].name_len);
        rc = rc ? rc : strbuf_addf(msg, " (line %zu)", e[i].line);
    }
    if (rc == 0 && to - from > CHECKS_MAX_NAMES_QUOTED)
        rc = strbuf_addf(msg, " and %zu more", to - from - CHECKS_MAX_NAMES_QUOTED);
    return rc;
}

/* One finding per id that several different names share. e is sorted by id. */
static void duplicate_ids(struct ctx *c, enum checks_account_file f, const struct entry *e,
                          size_t n)
{
    const char *what = f == CHECKS_PASSWD ? "uid" : "gid";
    for (size_t i = 0; i < n && c->rc == 0;) {
        size_t j = i + 1, distinct = 0;
        while (j < n && e[j].id == e[i].id) {
            distinct += cmp_name(&e[j], &e[i]) != 0;
            j++;
        }
        /* the same name twice is a duplicate name, reported as such */
        if (e[i].id >= 0 && distinct > 0 && room(c, DUPLICATE_ID)) {
            struct strbuf msg = STRBUF_INIT;
            int rc = strbuf_addf(&msg, "%s %lld is shared by %zu %s in %s: ", what, e[i].id, j - i,
                                 f == CHECKS_PASSWD ? "accounts" : "groups", display_path[f]);
            rc = rc ? rc : add_names(&msg, e, i, j);
            rc = rc ? rc
                    : strbuf_adds(&msg, e[i].id == 0 && f == CHECKS_PASSWD
                                            ? "; every one of them is root."
                                            : "; files and permissions of one are the others'.");
            const char *sev = f == CHECKS_GROUP ? "LOW" : e[i].id == 0 ? "HIGH" : "MEDIUM";
            add(c, DUPLICATE_ID, f, sev, e[i + 1].line, &msg, rc);
            strbuf_release(&msg);
        }
        i = j;
    }
}

/* One finding per name listed more than once. e is sorted by name. */
static void duplicate_names(struct ctx *c, enum checks_account_file f, const struct entry *e,
                            size_t n)
{
    for (size_t i = 0; i < n && c->rc == 0;) {
        size_t j = i + 1;
        while (j < n && cmp_name(&e[j], &e[i]) == 0)
            j++;
        if (j - i > 1 && room(c, DUPLICATE_NAME)) {
            struct strbuf msg = STRBUF_INIT;
            int rc = strbuf_addf(&msg, "%s ", f == CHECKS_PASSWD ? "user" : "group");
            rc = rc ? rc : add_name(&msg, e[i].name, e[i].name_len);
            rc = rc ? rc
                    : strbuf_addf(&msg, " is listed %zu times in %s, on lines ", j - i,
                                  display_path[f]);
            for (size_t k = i; k < j && k - i < CHECKS_MAX_NAMES_QUOTED && rc == 0; k++)
                rc = strbuf_addf(&msg, "%s%zu", k > i ? ", " : "", e[k].line);
            if (rc == 0 && j - i > CHECKS_MAX_NAMES_QUOTED)
                rc = strbuf_addf(&msg, " and %zu more", j - i - CHECKS_MAX_NAMES_QUOTED);
            rc = rc ? rc : strbuf_adds(&msg, "; lookups by name use the first.");
            add(c, DUPLICATE_NAME, f, f == CHECKS_GROUP ? "LOW" : "MEDIUM", e[i + 1].line, &msg,
                rc);
            strbuf_release(&msg);
        }
        i = j;
    }
}

/* Duplicate ids and names of passwd or group; sorts a copy of the table. */
static void check_duplicates(struct ctx *c, enum checks_account_file f, struct table *sorted)
{
    qsort(sorted->e, sorted->n, sizeof *sorted->e, by_id);
    duplicate_ids(c, f, sorted->e, sorted->n);
    qsort(sorted->e, sorted->n, sizeof *sorted->e, by_name);
    duplicate_names(c, f, sorted->e, sorted->n);
}

static int copy_table(const struct table *from, struct table *to)
{
    to->n = from->n;
    to->e = malloc((from->n ? from->n : 1) * sizeof *to->e);
    if (to->e == NULL)
        return STRATA_ENOMEM;
    if (from->n > 0)
        memcpy(to->e, from->e, from->n * sizeof *to->e);
    return 0;
}

int checks_accounts(const struct checks_account_text files[CHECKS_ACCOUNT_FILES],
                    struct strata_report *r, struct strata_error *err)
{
    struct ctx c = {.r = r, .files = files};
    struct table passwd_sorted = {0}, group_sorted = {0};
    for (size_t f = 0; f < CHECKS_ACCOUNT_FILES && c.rc == 0; f++) {
        size_t len =
            files[f].len > CHECKS_MAX_ACCOUNT_FILE ? CHECKS_MAX_ACCOUNT_FILE : files[f].len;
        if (files[f].data != NULL)
            c.rc = parse_table(files[f].data, len, &c.t[f]);
    }
    if (c.rc == 0)
        c.rc = copy_table(&c.t[CHECKS_PASSWD], &passwd_sorted);
    if (c.rc == 0)
        c.rc = copy_table(&c.t[CHECKS_GROUP], &group_sorted);
    if (c.rc == 0) {
        check_duplicates(&c, CHECKS_PASSWD, &passwd_sorted); /* leaves it sorted by name */
        check_passwords(&c, &passwd_sorted);
        check_duplicates(&c, CHECKS_GROUP, &group_sorted);
    }
    for (size_t f = 0; f < CHECKS_ACCOUNT_FILES; f++)
        free(c.t[f].e);
    free(passwd_sorted.e);
    free(group_sorted.e);
    return c.rc == 0 ? 0 : strata_error_nomem(err);
}
