/* libFuzzer target: the Java archive reader (libzip from memory, nested archives, bounds) and
 * the pom.properties, manifest and file-name parsers on the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/java_archive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_kv(int rc, const struct java_kv_list *kv, const struct strata_error *err,
                     const char *path)
{
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err->msg, path, strlen(path)) != 0)
        __builtin_trap();
    if (rc != 0 && rc != STRATA_EFORMAT && rc != STRATA_ELIMIT && rc != STRATA_ENOMEM)
        __builtin_trap();
    for (size_t i = 0; rc == 0 && i < kv->n; i++)
        if (kv->v[i].key == NULL || kv->v[i].value == NULL)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct java_artifact_list l;
    struct strata_error err = {0};
    int rc = java_archive_read(data, size, "app.war", &l, &err);
    if (rc != 0 && rc != STRATA_ENOMEM && strncmp(err.msg, "app.war: ", 9) != 0)
        __builtin_trap();
    if (rc != 0 && rc != STRATA_EFORMAT && rc != STRATA_ENOMEM)
        __builtin_trap();
    if (rc != 0 && l.n != 0)
        __builtin_trap();
    for (size_t i = 0; i < l.n; i++) {
        const struct java_artifact *a = &l.v[i];
        if (a->artifact_id == NULL || a->version == NULL || a->path == NULL ||
            strncmp(a->path, "app.war", 7) != 0)
            __builtin_trap();
    }
    java_artifact_list_free(&l);

    if (size > JAVA_MAX_META_BYTES)
        return 0;
    struct java_kv_list kv;
    rc = java_properties_parse(data, size, "p.properties", &kv, &err);
    check_kv(rc, &kv, &err, "p.properties:");
    java_kv_list_free(&kv);
    rc = java_manifest_parse(data, size, "MANIFEST.MF", &kv, &err);
    check_kv(rc, &kv, &err, "MANIFEST.MF:");
    java_kv_list_free(&kv);

    char name[256];
    size_t n = size < sizeof name - 1 ? size : sizeof name - 1;
    memcpy(name, data, n);
    name[n] = '\0';
    char *a, *v;
    if (java_name_from_file(name, &a, &v) == 0) {
        if (a[0] == '\0' || v[0] == '\0')
            __builtin_trap();
        free(a);
        free(v);
    }
    return 0;
}
