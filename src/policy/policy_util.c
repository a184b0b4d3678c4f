/* Shared helpers of the policy module: bounded file reading, UTF-8 validation, positions,
 * dates and a case-insensitive id index. */
#include "policy/policy_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int policy_read_file(const char *path, size_t max, char **data, size_t *len,
                     struct strata_error *err)
{
    *data = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO must not hang; it is refused below as not a regular file. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return strata_error_set(err, STRATA_EFORMAT, "%s: not a regular file", path);
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > max) {
        close(fd);
        return strata_error_set(err, STRATA_ELIMIT,
                                "%s: file is larger than the limit of %zu bytes", path, max);
    }
    /* The size can change under us: read at most max + 1 bytes and judge by what arrived. */
    size_t cap = (size_t)st.st_size + 1;
    char *buf = malloc(cap + 1);
    if (buf == NULL) {
        close(fd);
        return strata_error_nomem(err);
    }
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap > max)
                break;
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *nb = realloc(buf, ncap + 1);
            if (nb == NULL) {
                free(buf);
                close(fd);
                return strata_error_nomem(err);
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            close(fd);
            return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(e));
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (n > max) {
        free(buf);
        return strata_error_set(err, STRATA_ELIMIT,
                                "%s: file is larger than the limit of %zu bytes", path, max);
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int policy_utf8_valid(const char *data, size_t len, size_t *bad)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned cp, min;
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            *bad = i;
            return 0;
        }
        if (len - i <= need) {
            *bad = i;
            return 0;
        }
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                *bad = i;
                return 0;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            *bad = i;
            return 0;
        }
        i += need + 1;
    }
    return 1;
}

void policy_line_col(const char *data, size_t off, int *line, int *col)
{
    long l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (data[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l > 0x7fffffff ? 0x7fffffff : (int)l;
    *col = c > 0x7fffffff ? 0x7fffffff : (int)c;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int parse_ymd(const char *s, int *y, int *m, int *d)
{
    if (digits(s, 4, y) != 0 || s[4] != '-' || digits(s + 5, 2, m) != 0 || s[7] != '-' ||
        digits(s + 8, 2, d) != 0)
        return -1;
    if (*y < 1000 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return -1;
    return 0;
}

int policy_parse_date(const char *s, size_t n, int32_t *yyyymmdd)
{
    int y, m, d;
    if (n != 10 || parse_ymd(s, &y, &m, &d) != 0)
        return -1;
    *yyyymmdd = (int32_t)(y * 10000 + m * 100 + d);
    return 0;
}

int32_t policy_today_utc(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || gmtime_r(&now, &tm) == NULL)
        return -1;
    return (int32_t)((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday);
}

void policy_format_date(int32_t v, char out[11])
{
    int y = (int)(v / 10000), m = (int)(v / 100 % 100), d = (int)(v % 100);
    out[0] = (char)('0' + y / 1000 % 10);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10);
    out[9] = (char)('0' + d % 10);
    out[10] = '\0';
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's civil algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int policy_parse_rfc3339(const char *s, int64_t *secs)
{
    int y, mo, d, h, mi, se;
    size_t n = strlen(s);
    if (n < 20 || parse_ymd(s, &y, &mo, &d) != 0 || (s[10] != 'T' && s[10] != 't') ||
        digits(s + 11, 2, &h) != 0 || s[13] != ':' || digits(s + 14, 2, &mi) != 0 || s[16] != ':' ||
        digits(s + 17, 2, &se) != 0)
        return -1;
    if (h > 23 || mi > 59 || se > 60)
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        const char *q = p;
        while (*p >= '0' && *p <= '9')
            p++;
        if (p == q)
            return -1;
    }
    int offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) != 0 || p[3] != ':' || digits(p + 4, 2, &om) != 0 || oh > 23 ||
            om > 59)
            return -1;
        offset = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return -1;
    }
    if (*p != '\0')
        return -1;
    *secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
    return 0;
}

int policy_text_clean(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
            return 0;
    }
    return 1;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Compares a (any case) with key (lower case) the way the index is sorted. */
static int key_cmp(const char *a, const char *key)
{
    for (;; a++, key++) {
        int x = ascii_lower((unsigned char)*a), y = (unsigned char)*key;
        if (x != y)
            return x < y ? -1 : 1;
        if (x == 0)
            return 0;
    }
}

int policy_ascii_ieq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return 0;
    for (;; a++, b++) {
        int x = ascii_lower((unsigned char)*a), y = ascii_lower((unsigned char)*b);
        if (x != y)
            return 0;
        if (x == 0)
            return 1;
    }
}

int policy_id_index_add(struct policy_id_index *ix, const char *id, size_t item)
{
    if (ix->n == ix->cap) {
        size_t cap = ix->cap ? ix->cap * 2 : 16;
        struct policy_id_ref *v = realloc(ix->v, cap * sizeof *v);
        if (v == NULL)
            return STRATA_ENOMEM;
        ix->v = v;
        ix->cap = cap;
    }
    char *k = strdup(id);
    if (k == NULL)
        return STRATA_ENOMEM;
    for (char *p = k; *p; p++)
        *p = (char)ascii_lower((unsigned char)*p);
    ix->v[ix->n].key = k;
    ix->v[ix->n].item = item;
    ix->n++;
    return 0;
}

static int ref_cmp(const void *a, const void *b)
{
    const struct policy_id_ref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c != 0)
        return c;
    return x->item < y->item ? -1 : x->item > y->item;
}

void policy_id_index_sort(struct policy_id_index *ix)
{
    if (ix->n < 2)
        return;
    qsort(ix->v, ix->n, sizeof *ix->v, ref_cmp);
    size_t k = 1;
    for (size_t i = 1; i < ix->n; i++) {
        if (ref_cmp(&ix->v[i], &ix->v[k - 1]) == 0)
            free(ix->v[i].key);
        else
            ix->v[k++] = ix->v[i];
    }
    ix->n = k;
}

size_t policy_id_index_find(const struct policy_id_index *ix, const char *id,
                            const struct policy_id_ref **first)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_cmp(id, ix->v[mid].key) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < ix->n && key_cmp(id, ix->v[end].key) == 0)
        end++;
    *first = lo < ix->n ? &ix->v[lo] : NULL;
    return end - lo;
}

void policy_id_index_release(struct policy_id_index *ix)
{
    for (size_t i = 0; i < ix->n; i++)
        free(ix->v[i].key);
    free(ix->v);
    ix->v = NULL;
    ix->n = ix->cap = 0;
}
