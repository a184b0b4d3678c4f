/* libFuzzer target: image references (reference.h), which also come from Kubernetes
 * manifests and Dockerfiles the policy checks. An accepted reference re-parses from its
 * canonical form to the same parts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct image_ref r, again;
    struct strata_error err = {0};
    if (image_ref_parse(text, &r, &err) == 0) {
        if (image_ref_parse(r.canonical, &again, &err) != 0)
            __builtin_trap();
        if (!same(r.registry, again.registry) || !same(r.repository, again.repository) ||
            !same(r.digest, again.digest) || !same(r.canonical, again.canonical))
            __builtin_trap();
        if (r.tag && !same(r.tag, again.tag))
            __builtin_trap();
        image_ref_endpoint(&r);
        image_ref_is_loopback(&r);
        image_ref_free(&again);
        image_ref_free(&r);
    }
    free(text);
    return 0;
}
