/* Unit tests: the registry client API (registry.h) the signing and policy code builds on —
 * monolithic blob uploads, manifest PUT by tag and by digest (a cosign-style
 * "sha256-<hex>.sig" tag too), GET/HEAD of manifests and blobs, tag lists — against Debian's
 * docker-registry (CNCF distribution) started here on a free 127.0.0.1 port, then the image
 * pushed that way scanned back through `strata image`'s source. Skipped when docker-registry
 * is not installed. Also the Link-header pagination parser, offline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "source/image_source.h"
#include "source/registry.h"
#include "source/registry_http.h"
#include "strata/scan.h"

#define REGISTRY_BIN "/usr/bin/docker-registry"

extern char **environ;

struct fixture {
    pid_t pid;
    int port;
    char dir[64];
    char ref[64];
};

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &l) != 0) {
        if (s >= 0)
            close(s);
        return -1;
    }
    close(s);
    return ntohs(a.sin_port);
}

static int can_connect(int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    if (s >= 0)
        close(s);
    return ok;
}

static int start_registry(void **state)
{
    static struct fixture f;
    memset(&f, 0, sizeof f);
    *state = &f;
    if (access(REGISTRY_BIN, X_OK) != 0)
        return 0; /* tests skip */
    snprintf(f.dir, sizeof f.dir, "/tmp/strata-regtest-XXXXXX");
    if (mkdtemp(f.dir) == NULL || (f.port = free_port()) < 0)
        return -1;
    char cfg[128], log[128];
    snprintf(cfg, sizeof cfg, "%s/config.yml", f.dir);
    snprintf(log, sizeof log, "%s/log", f.dir);
    FILE *c = fopen(cfg, "w");
    if (c == NULL)
        return -1;
    fprintf(c,
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
            "    rootdirectory: %s/data\nhttp:\n  addr: 127.0.0.1:%d\n",
            f.dir, f.port);
    fclose(c);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char *argv[] = {"docker-registry", "serve", cfg, NULL};
    int rc = posix_spawn(&f.pid, REGISTRY_BIN, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    for (int i = 0; i < 100 && !can_connect(f.port); i++) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    snprintf(f.ref, sizeof f.ref, "127.0.0.1:%d/push/app:1", f.port);
    return can_connect(f.port) ? 0 : -1;
}

static int stop_registry(void **state)
{
    struct fixture *f = *state;
    if (f->pid > 0) {
        kill(f->pid, SIGTERM);
        waitpid(f->pid, NULL, 0);
    }
    if (f->dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
        if (system(cmd) != 0)
            return -1;
    }
    return 0;
}

static struct registry_client *client(struct fixture *f, const char *text)
{
    struct image_ref r;
    struct strata_error err = {0};
    if (image_ref_parse(text, &r, &err) != 0)
        fail_msg("%s", err.msg);
    struct registry_options o = {.insecure = 1, .timeout_s = 20, .docker_config = ""};
    struct registry_client *c = NULL;
    if (registry_client_open(&r, &o, &c, &err) != 0)
        fail_msg("%s", err.msg);
    image_ref_free(&r);
    (void)f;
    return c;
}

/* A one-file tar layer holding etc/os-release. */
static void make_layer(struct strbuf *out)
{
    static const char body[] = "ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Pushed\"\n";
    char hdr[512];
    memset(hdr, 0, sizeof hdr);
    strcpy(hdr, "etc/os-release");
    strcpy(hdr + 100, "0000644");
    strcpy(hdr + 108, "0000000");
    strcpy(hdr + 116, "0000000");
    snprintf(hdr + 124, 12, "%011o", (unsigned)strlen(body));
    strcpy(hdr + 136, "14735264000");
    memset(hdr + 148, ' ', 8);
    hdr[156] = '0';
    memcpy(hdr + 257, "ustar", 6);
    memcpy(hdr + 263, "00", 2);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += (unsigned char)hdr[i];
    snprintf(hdr + 148, 8, "%06o", sum);
    strbuf_add(out, hdr, 512);
    char block[512] = {0};
    memcpy(block, body, strlen(body));
    strbuf_add(out, block, 512);
    char zero[1024] = {0};
    strbuf_add(out, zero, sizeof zero);
}

static void test_push_and_pull(void **state)
{
    struct fixture *f = *state;
    if (f->pid == 0)
        skip();
    struct registry_client *c = client(f, f->ref);
    struct strata_error err = {0};
    struct registry_manifest m;
    int exists = 1;
    char d[STRATA_DIGEST_STRLEN];
    assert_int_equal(registry_get_manifest(c, "1", &m, &err), STRATA_ENOTFOUND);
    assert_non_null(strstr(err.msg, f->ref));
    assert_int_equal(registry_resolve(c, "1", &exists, d, &err), 0);
    assert_false(exists);

    struct strbuf layer = STRBUF_INIT;
    make_layer(&layer);
    char layer_digest[STRATA_DIGEST_STRLEN], diff_id[STRATA_DIGEST_STRLEN];
    assert_int_equal(sha256_buffer_str(layer.buf, layer.len, diff_id), 0);
    struct strbuf config = STRBUF_INIT;
    strbuf_addf(&config,
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                "\"diff_ids\":[\"%s\"]},\"history\":[{\"created_by\":\"pushed by a test\"}]}",
                diff_id);
    char config_digest[STRATA_DIGEST_STRLEN];
    assert_int_equal(registry_put_blob(c, layer.buf, layer.len, layer_digest, &err), 0);
    assert_string_equal(layer_digest, diff_id);
    assert_int_equal(registry_put_blob(c, config.buf, config.len, config_digest, &err), 0);
    /* a second upload of the same bytes is a HEAD that finds it */
    assert_int_equal(registry_put_blob(c, config.buf, config.len, d, &err), 0);
    assert_string_equal(d, config_digest);
    uint64_t size = 0;
    assert_int_equal(registry_blob_exists(c, config_digest, &exists, &size, &err), 0);
    assert_true(exists);
    assert_int_equal(size, config.len);

    struct strbuf man = STRBUF_INIT;
    strbuf_addf(&man,
                "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":"
                "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%zu},"
                "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                "\"digest\":\"%s\",\"size\":%zu}]}",
                REGISTRY_MT_OCI_MANIFEST, config_digest, config.len, layer_digest, layer.len);
    char man_digest[STRATA_DIGEST_STRLEN];
    if (registry_put_manifest(c, "1", REGISTRY_MT_OCI_MANIFEST, man.buf, man.len, man_digest,
                              &err) != 0)
        fail_msg("%s", err.msg);
    /* by digest, and under a cosign-style signature tag */
    assert_int_equal(
        registry_put_manifest(c, man_digest, REGISTRY_MT_OCI_MANIFEST, man.buf, man.len, d, &err),
        0);
    char sig_tag[80];
    snprintf(sig_tag, sizeof sig_tag, "sha256-%s.sig", man_digest + 7);
    assert_int_equal(
        registry_put_manifest(c, sig_tag, REGISTRY_MT_OCI_MANIFEST, man.buf, man.len, d, &err), 0);
    assert_int_equal(
        registry_put_manifest(c, man_digest, REGISTRY_MT_OCI_MANIFEST, "{}", 2, d, &err),
        STRATA_EUSAGE); /* the content is not that digest */

    assert_int_equal(registry_get_manifest(c, "1", &m, &err), 0);
    assert_int_equal(m.len, man.len);
    assert_memory_equal(m.data, man.buf, man.len);
    assert_string_equal(m.digest, man_digest);
    assert_string_equal(m.media_type, REGISTRY_MT_OCI_MANIFEST);
    registry_manifest_release(&m);
    assert_int_equal(registry_get_manifest(c, man_digest, &m, &err), 0);
    registry_manifest_release(&m);
    assert_int_equal(registry_resolve(c, sig_tag, &exists, d, &err), 0);
    assert_true(exists);
    assert_string_equal(d, man_digest);

    char *data;
    size_t len;
    assert_int_equal(registry_get_blob(c, config_digest, 1 << 20, &data, &len, &err), 0);
    assert_int_equal(len, config.len);
    assert_memory_equal(data, config.buf, len);
    free(data);
    assert_int_equal(registry_get_blob(c, config_digest, 10, &data, &len, &err), STRATA_ELIMIT);
    assert_int_equal(registry_get_blob(c,
                                       "sha256:0000000000000000000000000000000000000000000000"
                                       "000000000000000000",
                                       1 << 20, &data, &len, &err),
                     STRATA_ENOTFOUND);

    struct registry_tags tags;
    assert_int_equal(registry_list_tags(c, &tags, &err), 0);
    assert_int_equal(tags.n, 2);
    int saw1 = 0, saw_sig = 0;
    for (size_t i = 0; i < tags.n; i++) {
        saw1 |= strcmp(tags.v[i], "1") == 0;
        saw_sig |= strcmp(tags.v[i], sig_tag) == 0;
    }
    assert_true(saw1 && saw_sig);
    registry_tags_release(&tags);
    registry_client_free(c);

    /* the pushed image scans back through the registry source */
    char cache[128];
    snprintf(cache, sizeof cache, "%s/cache", f->dir);
    struct registry_options o = {
        .insecure = 1, .timeout_s = 20, .docker_config = "", .cache_dir = cache};
    struct strata_scan_opts so = {.skip = STRATA_SCANNER_SECRETS | STRATA_SCANNER_MISCONFIG,
                                  .registry = &o};
    struct strata_report *r = NULL;
    int rc = strata_scan_image(f->ref, &so, &r, &err);
    if (rc != 0)
        fail_msg("%s", err.msg);
    assert_string_equal(r->target.kind, "registry");
    assert_string_equal(r->target.name, f->ref);
    assert_string_equal(r->target.digest, man_digest);
    assert_string_equal(r->os.family, "alpine");
    assert_int_equal(r->n_layers, 1);
    strata_report_free(r);
    strbuf_release(&layer);
    strbuf_release(&config);
    strbuf_release(&man);
}

static void test_link_header(void **state)
{
    (void)state;
    struct image_ref r;
    struct strata_error err = {0};
    assert_int_equal(image_ref_parse("reg.example:5000/app", &r, &err), 0);
    struct registry_options o = {.docker_config = ""};
    struct registry_client *c;
    assert_int_equal(registry_client_open(&r, &o, &c, &err), 0);
    image_ref_free(&r);
    int oom = 0;
    char *u = reg_link_next(c, "</v2/app/tags/list?last=b&n=2>; rel=\"next\"", &oom);
    assert_string_equal(u, "https://reg.example:5000/v2/app/tags/list?last=b&n=2");
    free(u);
    u = reg_link_next(c, "<https://reg.example:5000/v2/app/tags/list?last=c>; rel=\"next\"", &oom);
    assert_non_null(u);
    free(u);
    /* another host, another scheme, no rel=next, broken syntax, controls: no next page */
    assert_null(reg_link_next(c, "<https://evil.example/v2/x>; rel=\"next\"", &oom));
    assert_null(reg_link_next(c, "<http://reg.example:5000/v2/x>; rel=\"next\"", &oom));
    assert_null(reg_link_next(c, "</v2/app/tags/list?last=b>; rel=\"prev\"", &oom));
    assert_null(reg_link_next(c, "</v2/app/tags/list?last=b; rel=\"next\"", &oom));
    assert_null(reg_link_next(c, "</v2/a b>; rel=\"next\"", &oom));
    assert_null(reg_link_next(c, NULL, &oom));
    assert_false(oom);
    /* references that would leave the URL path are refused before anything is sent */
    static const char *const bad_refs[] = {"../x", "a/b",       "1?x=1", "a#b",      "",
                                           ".a",   "sha256:00", "a b",   "a\r\nX: y"};
    struct registry_manifest m;
    char d[STRATA_DIGEST_STRLEN];
    int exists;
    for (size_t i = 0; i < sizeof bad_refs / sizeof bad_refs[0]; i++) {
        assert_int_equal(registry_get_manifest(c, bad_refs[i], &m, &err), STRATA_EUSAGE);
        assert_int_equal(registry_resolve(c, bad_refs[i], &exists, d, &err), STRATA_EUSAGE);
        assert_int_equal(
            registry_put_manifest(c, bad_refs[i], REGISTRY_MT_OCI_MANIFEST, "{}", 2, d, &err),
            STRATA_EUSAGE);
    }
    registry_client_free(c);
    /* options refused before anything is sent */
    assert_int_equal(image_ref_parse("reg.example/app", &r, &err), 0);
    struct registry_options half = {.username = "u"};
    assert_int_equal(registry_client_open(&r, &half, &c, &err), STRATA_EUSAGE);
    struct registry_options ca = {.ca_file = "/nonexistent/ca.pem"};
    assert_int_equal(registry_client_open(&r, &ca, &c, &err), STRATA_EUSAGE);
    assert_non_null(strstr(err.msg, "/nonexistent/ca.pem"));
    image_ref_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_and_pull),
        cmocka_unit_test(test_link_header),
    };
    return cmocka_run_group_tests(tests, start_registry, stop_registry);
}
