/* A bounded line reader over a recording. Lines are cut at '\n' (a "\r\n" ending is taken
 * too); NUL bytes stay in the line and make it invalid JSON, they do not end it early. */
#include "runtime/replay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct rt_replay {
    FILE *f;
    int own;
    char *path;
    char *buf;   /* RT_JSON_LINE_MAX + 1 bytes of the current line */
    size_t line; /* lines read */
    size_t event_line;
};

int rt_replay_open(struct rt_replay **out, const char *path, struct strata_error *err)
{
    struct rt_replay *r = calloc(1, sizeof *r);
    if (r == NULL || (r->buf = malloc(RT_JSON_LINE_MAX + 1)) == NULL ||
        (r->path = strdup(strcmp(path, "-") == 0 ? "<stdin>" : path)) == NULL) {
        rt_replay_close(r);
        return strata_error_nomem(err);
    }
    if (strcmp(path, "-") == 0) {
        r->f = stdin;
    } else {
        r->f = fopen(path, "rb");
        r->own = 1;
        if (r->f == NULL) {
            int e = errno;
            rt_replay_close(r);
            return strata_error_set(err, STRATA_EIO, "%s: %s", path, strerror(e));
        }
    }
    *out = r;
    return 0;
}

/* Reads one line into r->buf: 1 with *len, 0 at the end, or STRATA_ELIMIT / STRATA_EIO. */
static int read_line(struct rt_replay *r, size_t *len, struct strata_error *err)
{
    size_t n = 0;
    int c;
    while ((c = getc_unlocked(r->f)) != EOF && c != '\n') {
        if (n == RT_JSON_LINE_MAX) {
            r->line++;
            return strata_error_set(err, STRATA_ELIMIT, "%s:%zu: line longer than %u bytes",
                                    r->path, r->line, RT_JSON_LINE_MAX);
        }
        r->buf[n++] = (char)c;
    }
    if (c == EOF && ferror(r->f))
        return strata_error_set(err, STRATA_EIO, "%s: read error", r->path);
    if (c == EOF && n == 0)
        return 0;
    r->line++;
    if (n > 0 && r->buf[n - 1] == '\r')
        n--;
    r->buf[n] = '\0';
    *len = n;
    return 1;
}

int rt_replay_next(struct rt_replay *r, struct rt_event *ev, struct strata_error *err)
{
    for (;;) {
        size_t len = 0;
        int rc = read_line(r, &len, err);
        if (rc <= 0)
            return rc;
        size_t i = 0;
        while (i < len && (r->buf[i] == ' ' || r->buf[i] == '\t'))
            i++;
        if (i == len)
            continue; /* blank line */
        r->event_line = r->line;
        rc = rt_event_from_json(r->buf, len, r->path, r->line, ev, err);
        return rc != 0 ? rc : 1;
    }
}

size_t rt_replay_line(const struct rt_replay *r)
{
    return r->event_line;
}

void rt_replay_close(struct rt_replay *r)
{
    if (r == NULL)
        return;
    if (r->own && r->f != NULL)
        fclose(r->f);
    free(r->buf);
    free(r->path);
    free(r);
}
