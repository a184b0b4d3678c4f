/* The JSON position index of json_pos.h: an iterative scanner (no recursion, so nesting depth
 * costs no stack) that keeps the current path in one buffer. */
#include "checks/json_pos.h"

#include <stdio.h>
#include <string.h>

#include "strata/error.h"

#define MAX_NEST 4096 /* frames tracked; jansson refuses deeper documents anyway */

struct frame {
    char kind;       /* '{' or '[' */
    size_t path_len; /* the path's length at this container */
    long index;      /* next element index of an array */
    int recording;   /* the path is within bounds */
};

struct scan {
    const char *d;
    size_t len, i;
    int line;
    size_t line_start;
};

static void skip_ws(struct scan *s)
{
    while (s->i < s->len) {
        char c = s->d[s->i];
        if (c == '\n') {
            s->line++;
            s->line_start = s->i + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        s->i++;
    }
}

/* Skips a string starting at its quote; *escaped set when it holds a backslash. Returns 0 at
 * the end of the text. */
static int skip_string(struct scan *s, int *escaped)
{
    *escaped = 0;
    s->i++;
    while (s->i < s->len) {
        char c = s->d[s->i++];
        if (c == '\\') {
            *escaped = 1;
            s->i++;
        } else if (c == '"') {
            return 1;
        } else if (c == '\n') {
            return 0; /* not valid JSON */
        }
    }
    return 0;
}

static int record(struct json_pos *p, const char *path, size_t n, int line, int col,
                  size_t max_entries)
{
    if (p->n >= max_entries || strmap_getn(&p->map, path, n) != NULL)
        return 0;
    char *key = arena_strndup(&p->arena, path, n);
    struct json_pos_at *at = arena_alloc(&p->arena, sizeof *at);
    if (key == NULL || at == NULL)
        return STRATA_ENOMEM;
    at->line = line;
    at->col = col;
    if (strmap_put(&p->map, key, at) != 0)
        return STRATA_ENOMEM;
    p->n++;
    return 0;
}

int json_pos_build(struct json_pos *p, const char *data, size_t len, int max_depth,
                   size_t max_entries)
{
    memset(p, 0, sizeof *p);
    struct frame st[64];
    size_t depth = 0, extra = 0; /* containers nested deeper than st are only counted */
    char path[JSON_POS_MAX_PATH];
    size_t plen = 0; /* sizeof path: the current path is not recordable */
    struct scan s = {.d = data, .len = len, .line = 1};
    int rc = 0;
    for (;;) {
        skip_ws(&s);
        if (s.i >= s.len)
            break;
        char c = s.d[s.i];
        struct frame *top = depth ? &st[depth - 1] : NULL;
        int col = (int)(s.i - s.line_start) + 1;
        if (c == '}' || c == ']') {
            if (extra > 0)
                extra--;
            else if (depth > 0)
                plen = st[--depth].path_len;
            s.i++;
            continue;
        }
        if (c == ',' || c == ':') {
            s.i++;
            continue;
        }
        int in_object = extra == 0 && top != NULL && top->kind == '{';
        if (in_object && c == '"') {
            /* a string directly inside an object is a key when ':' follows */
            size_t start = s.i;
            int esc;
            if (!skip_string(&s, &esc))
                break;
            size_t save_i = s.i;
            int save_line = s.line;
            size_t save_ls = s.line_start;
            skip_ws(&s);
            if (s.i < s.len && s.d[s.i] == ':') {
                /* the member's path: container path + name */
                plen = top->path_len;
                size_t n = save_i - start - 2;
                if (top->recording && !esc && (int)depth <= max_depth &&
                    plen + n + 1 < sizeof path) {
                    memcpy(path + plen, s.d + start + 1, n);
                    plen += n;
                    path[plen++] = JSON_POS_SEP[0];
                    if ((rc = record(p, path, plen, save_line, (int)(start - save_ls) + 1,
                                     max_entries)) != 0)
                        break;
                } else {
                    plen = sizeof path; /* not recordable: children are not either */
                }
                s.i++; /* the ':' */
                continue;
            }
            continue; /* not valid JSON */
        }
        /* a value: inside an array it is an element with its own path */
        if (extra == 0 && top != NULL && top->kind == '[') {
            char idx[24];
            int n = snprintf(idx, sizeof idx, "%ld" JSON_POS_SEP, top->index++);
            plen = top->path_len;
            if (top->recording && (int)depth <= max_depth && plen + (size_t)n < sizeof path) {
                memcpy(path + plen, idx, (size_t)n);
                plen += (size_t)n;
                if ((rc = record(p, path, plen, s.line, col, max_entries)) != 0)
                    break;
            } else {
                plen = sizeof path;
            }
        }
        if (c == '{' || c == '[') {
            if (extra > 0 || depth >= sizeof st / sizeof st[0]) {
                if (extra >= MAX_NEST)
                    break;
                extra++;
            } else {
                int ok = plen < sizeof path && (depth == 0 || st[depth - 1].recording);
                st[depth++] = (struct frame){c, ok ? plen : 0, 0, ok};
            }
            s.i++;
            continue;
        }
        if (c == '"') {
            int esc;
            if (!skip_string(&s, &esc))
                break;
            continue;
        }
        /* a number, true, false or null */
        while (s.i < s.len && s.d[s.i] != ',' && s.d[s.i] != '}' && s.d[s.i] != ']' &&
               s.d[s.i] != ' ' && s.d[s.i] != '\n' && s.d[s.i] != '\t' && s.d[s.i] != '\r')
            s.i++;
    }
    if (rc != 0)
        json_pos_free(p);
    return rc;
}

void json_pos_free(struct json_pos *p)
{
    strmap_release(&p->map);
    arena_release(&p->arena);
    p->n = 0;
}

const struct json_pos_at *json_pos_get(const struct json_pos *p, const char *path)
{
    return strmap_get(&p->map, path);
}
