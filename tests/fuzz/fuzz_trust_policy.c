/* libFuzzer target: the trust policy reader and the image references in files. The first
 * byte picks what the rest is: 0 a policy (parsed without reading key files, then evaluated
 * against a fixed image and scan record, and against a reference cut from the input), 1 a
 * Dockerfile, 2 a Kubernetes manifest, 3 a compose file (their references collected). Every
 * error must carry a message; every result a reason. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/trust_policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DIG "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int fake_verify(void *ctx, const struct tp_key *key, char *reason, size_t size)
{
    (void)ctx;
    if (key->path[0] & 1)
        return 0;
    strncpy(reason, "no", size);
    return 1;
}

static void check_results(const struct tp_results *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->v[i].reason == NULL || r->v[i].rule == NULL)
            __builtin_trap();
}

static int on_ref(void *ctx, const struct tp_file_ref *ref)
{
    (void)ctx;
    if (ref->text == NULL || ref->line < 0 || ref->col < 0)
        __builtin_trap();
    return 0;
}

static void policy(const char *text, size_t len)
{
    struct strata_error err = {0};
    struct trust_policy *p = NULL;
    if (trust_policy_parse("p.yaml", text, len, 0, &p, &err) != 0) {
        if (err.msg[0] == '\0')
            __builtin_trap();
        return;
    }
    static struct scan_check checks[] = {{"CIS-DI-0001", "MEDIUM", NULL},
                                         {"CIS-DI-0008", "HIGH", "/usr/bin/su"}};
    static struct scan_license lic[] = {{"MIT OR GPL-3.0-only", 2, "a 1"}, {"(((", 1, "b 2"}};
    struct scan_record rec = {0};
    rec.digest = (char *)DIG;
    rec.scanned_at = 1700000000;
    rec.db_built_at = (char *)"2023-11-01T00:00:00Z";
    rec.vulns_checked = rec.checks_checked = rec.secrets_checked = 1;
    rec.vulns[4] = 3, rec.fixable[4] = 1, rec.secrets = 2;
    rec.checks = checks, rec.n_checks = 2;
    rec.licenses = lic, rec.n_licenses = 2;
    struct tp_image img = {0};
    img.input = "registry.example.com/team/app:1";
    trust_ref_parse(img.input, strlen(img.input), &img.ref, &err);
    img.has_ref = img.ref_is_input = 1;
    img.digest = DIG;
    img.record = &rec;
    img.current_db_built_at = "2023-11-02T00:00:00Z";
    img.now = 1700100000;
    img.verify = fake_verify;
    struct tp_results r = {0};
    if (tp_evaluate_image(p, &img, &r, &err) == 0)
        check_results(&r);
    tp_results_release(&r);
    (void)tp_needs_rescan(p, &img);
    img.record = NULL;
    (void)tp_needs_rescan(p, &img);
    /* a reference made of the first printable run of the input */
    char ref[200];
    size_t n = 0;
    while (n < len && n < sizeof ref - 1 && text[n] > ' ' && text[n] < 0x7f)
        n++;
    memcpy(ref, text, n);
    ref[n] = '\0';
    if (tp_evaluate_reference(p, ref, n & 1, &r, &err) == 0)
        check_results(&r);
    tp_results_release(&r);
    trust_policy_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned which = data[0] & 3;
    /* NUL-terminated copy: the readers want data[len] == '\0' */
    char *text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    size_t len = size - 1;
    if (which == 0) {
        policy(text, len);
    } else {
        static const char *const names[] = {NULL, "Dockerfile", "deploy.yaml",
                                            "docker-compose.yml"};
        struct strata_error err = {0};
        int rc = tp_file_refs(names[which], text, len, on_ref, NULL, &err);
        if (rc != 0 && err.msg[0] == '\0')
            __builtin_trap();
    }
    free(text);
    return 0;
}
