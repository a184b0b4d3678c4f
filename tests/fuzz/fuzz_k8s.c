/* libFuzzer: the Kubernetes checker over arbitrary YAML. The first byte picks the --pss level
 * (0, 1, 2); the rest is the manifest file. Every error must name the file; every finding must
 * have an id, a known severity, a valid UTF-8 message without control characters and a
 * position inside the file; every PSS result a known level. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/k8s_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
    size_t lines; /* of the input */
};

static void text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t l = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : 4;
        if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && *p < 0xc2) || *p > 0xf4)
            __builtin_trap();
        for (size_t i = 1; i < l; i++)
            if ((p[i] & 0xc0) != 0x80)
                __builtin_trap();
        p += l;
    }
}

static int finding(void *u, const struct config_finding *f)
{
    const struct state *s = u;
    if (f->id == NULL || f->id[0] == '\0' || f->title == NULL || f->message == NULL ||
        f->remediation == NULL || f->severity == NULL)
        __builtin_trap();
    if (strcmp(f->severity, "CRITICAL") && strcmp(f->severity, "HIGH") &&
        strcmp(f->severity, "MEDIUM") && strcmp(f->severity, "LOW"))
        __builtin_trap();
    if (f->line < 0 || (size_t)f->line > s->lines || f->column < 0)
        __builtin_trap();
    text_ok(f->message);
    if (f->resource)
        text_ok(f->resource);
    return 0;
}

static int pss(void *u, const char *resource, int line, const char *level, const char *const *v,
               size_t n, int score)
{
    const struct state *s = u;
    (void)score;
    if (strcmp(level, "privileged") && strcmp(level, "baseline") && strcmp(level, "restricted"))
        __builtin_trap();
    if (line < 1 || (size_t)line > s->lines)
        __builtin_trap();
    text_ok(resource);
    for (size_t i = 0; i < n; i++)
        text_ok(v[i]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int level = data[0] % 3;
    data++;
    size--;
    /* the framework hands checkers NUL-terminated text */
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct state s = {1};
    /* an upper bound of the lines a YAML reader may count: \n, \r, NEL, LS, PS */
    for (size_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)text[i];
        s.lines += c == '\n' || c == '\r' || c == 0x85 || (c == 0xa8 || c == 0xa9);
    }
    struct k8s_sink sink = {&s, level, NULL, finding, pss};
    struct config_source src = {"m.yaml", text, size, CONFIG_KUBERNETES};
    struct strata_error err = {0};
    int rc = k8s_check_source(&sink, &src, &err);
    if (rc != 0 && strncmp(err.msg, "m.yaml", 6) != 0)
        __builtin_trap();
    free(text);
    return 0;
}
