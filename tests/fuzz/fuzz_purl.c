/* libFuzzer target: strata_purl_parse. A parse either fails with a message naming the purl and
 * an offset, or gives a lowercase type and a non-empty name whose canonical rebuild (through
 * strata_purl) parses again to the same parts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strata/error.h"
#include "strata/purl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct strata_purl_parts p;
    struct strata_error err = {0};
    int rc = strata_purl_parse((const char *)data, size, &p, &err);
    if (rc != 0) {
        if (rc != STRATA_ENOMEM &&
            (strncmp(err.msg, "purl '", 6) != 0 || !strstr(err.msg, "offset ")))
            __builtin_trap();
        if (p.type != NULL || p.name != NULL || p.n_qualifiers != 0)
            __builtin_trap();
        return 0;
    }
    if (p.type == NULL || p.type[0] == '\0' || p.name == NULL || p.name[0] == '\0')
        __builtin_trap();
    for (const char *c = p.type; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            __builtin_trap();
    for (size_t i = 1; i < p.n_qualifiers; i++)
        if (strcmp(p.qualifier_keys[i - 1], p.qualifier_keys[i]) >= 0)
            __builtin_trap();
    /* strata_purl encodes a namespace whole ('/' as %2F), so only slash-free ones rebuild. */
    if (p.namespace_ == NULL || strchr(p.namespace_, '/') == NULL) {
        const char *pairs[2 * STRATA_PURL_MAX_QUALIFIERS + 1];
        size_t n = p.n_qualifiers < 16 ? p.n_qualifiers : 0; /* the builder keeps 16 */
        for (size_t i = 0; i < n; i++) {
            pairs[2 * i] = p.qualifier_keys[i];
            pairs[2 * i + 1] = p.qualifier_values[i];
        }
        pairs[2 * n] = NULL;
        char *built = strata_purl(p.type, p.namespace_, p.name, p.version, pairs);
        struct strata_purl_parts q;
        if (built != NULL && strata_purl_parse(built, strlen(built), &q, &err) == 0) {
            if (!same(p.type, q.type) || !same(p.namespace_, q.namespace_) ||
                !same(p.name, q.name) || !same(p.version, q.version) || q.n_qualifiers != n)
                __builtin_trap();
            strata_purl_parts_free(&q);
        } else if (built != NULL && strlen(built) <= STRATA_PURL_MAX_LEN &&
                   strcmp(p.type, "conan") != 0 && strcmp(p.type, "swift") != 0 &&
                   strcmp(p.type, "cran") != 0) {
            __builtin_trap(); /* a canonical purl must parse (type rules aside) */
        }
        free(built);
    }
    strata_purl_parts_free(&p);
    return 0;
}
