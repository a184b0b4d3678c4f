/* Container attribution: every cgroup naming scheme with real-shaped paths (as Docker,
 * containerd, CRI-O, Podman and the kubelet create them), /proc/PID/cgroup files of cgroup v1,
 * v2 and hybrid hosts, the `docker inspect` metadata, hostile paths, and the cgroup id
 * resolver against this machine's own cgroup v2 mount when there is one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/container_id.h"

#define ID1 "3f1c9b2a7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"
#define ID2 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void expect(const char *path, const char *id, const char *type)
{
    struct ct_ident ct;
    int r = ct_from_cgroup_path(path, strlen(path), &ct);
    if (strcmp(ct.id, id) != 0 || strcmp(ct.type, type) != 0)
        fail_msg("%s: got %s/%s, want %s/%s", path, ct.id, ct.type, id, type);
    assert_int_equal(r, strcmp(id, "host") != 0);
}

static void test_docker(void **state)
{
    (void)state;
    /* systemd cgroup driver (Docker's default on systemd hosts with cgroup v2) */
    expect("/system.slice/docker-" ID1 ".scope", ID1, "docker");
    /* cgroupfs driver */
    expect("/docker/" ID1, ID1, "docker");
    /* docker-in-docker: the inner container wins */
    expect("/docker/" ID2 "/docker/" ID1, ID1, "docker");
    /* Kubernetes on dockershim, systemd driver */
    expect("/kubepods.slice/kubepods-burstable.slice/"
           "kubepods-burstable-pod0f7d6a2c_3b1e_4d6f_9a8b_7c6d5e4f3a2b.slice/docker-" ID1 ".scope",
           ID1, "docker");
    /* a sub-cgroup a container made for itself (systemd inside the container) */
    expect("/system.slice/docker-" ID1 ".scope/init.scope", ID1, "docker");
}

static void test_containerd(void **state)
{
    (void)state;
    expect("/kubepods.slice/kubepods-besteffort.slice/"
           "kubepods-besteffort-pod7a1b2c3d_4e5f_6a7b_8c9d_0e1f2a3b4c5d.slice/"
           "cri-containerd-" ID1 ".scope",
           ID1, "containerd");
    /* kubelet with the cgroupfs driver: the bare id below the pod */
    expect("/kubepods/besteffort/pod7a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d/" ID1, ID1, "containerd");
    expect("/kubepods/pod7a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d/" ID2, ID2, "containerd");
    expect("/system.slice/nerdctl-" ID1 ".scope", ID1, "containerd");
}

static void test_crio(void **state)
{
    (void)state;
    expect("/kubepods.slice/kubepods-burstable.slice/"
           "kubepods-burstable-pod2c1d_3e4f.slice/crio-" ID1 ".scope",
           ID1, "cri-o");
    /* the conmon monitor is not the container */
    expect("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod2c1d_3e4f.slice/"
           "crio-conmon-" ID1 ".scope",
           "host", "host");
    expect("/crio/" ID2, ID2, "cri-o");
}

static void test_podman(void **state)
{
    (void)state;
    expect("/machine.slice/libpod-" ID1 ".scope", ID1, "podman");
    /* rootless, with the container's own sub-cgroup (cgroup v2 "container" leaf) */
    expect("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID1
           ".scope/container",
           ID1, "podman");
    expect("/libpod_parent/libpod-" ID2, ID2, "podman");
    expect("/machine.slice/libpod-conmon-" ID1 ".scope", "host", "host");
}

static void test_host(void **state)
{
    (void)state;
    expect("/", "host", "host");
    expect("", "host", "host");
    expect("/user.slice/user-0.slice/session-3.scope", "host", "host");
    expect("/system.slice/docker.service", "host", "host");
    expect("/init.scope", "host", "host");
    /* almost ids: 63 and 65 hex digits, upper case, a non-hex letter */
    expect("/docker/"
           "3f1c9b2a7d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e",
           "host", "host");
    expect("/docker/" ID1 "0", "host", "host");
    expect("/docker/3F1C9B2A7D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8", "host",
           "host");
    expect("/system.slice/docker-"
           "g" ID1 ".scope",
           "host", "host");
    expect("/system.slice/docker-.scope", "host", "host");
}

static void test_hostile(void **state)
{
    (void)state;
    struct ct_ident ct;
    /* deep nesting over the component bound: host, no crash */
    char *deep = malloc(70 * 3 + 80);
    assert_non_null(deep);
    deep[0] = '\0';
    for (int i = 0; i < 70; i++)
        strcat(deep, "/a");
    strcat(deep, "/docker/" ID1);
    assert_int_equal(ct_from_cgroup_path(deep, strlen(deep), &ct), 0);
    free(deep);
    /* a path over 4096 bytes */
    size_t n = 5000;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'a', n);
    assert_int_equal(ct_from_cgroup_path(big, n, &ct), 0);
    free(big);
    /* an embedded NUL ends the path */
    const char nul[] = "/docker/\0" ID1;
    assert_int_equal(ct_from_cgroup_path(nul, sizeof(nul) - 1, &ct), 0);
    /* slashes only, doubled slashes */
    expect("////", "host", "host");
    expect("//docker//" ID1 "//", ID1, "docker");
}

static void test_proc_cgroup(void **state)
{
    (void)state;
    struct ct_ident ct;
    /* cgroup v2 only */
    const char *v2 = "0::/system.slice/docker-" ID1 ".scope\n";
    assert_int_equal(ct_from_proc_cgroup(v2, strlen(v2), &ct), 1);
    assert_string_equal(ct.id, ID1);
    /* cgroup v1 (Docker with cgroupfs on an old host) */
    const char *v1 = "12:pids:/docker/" ID2 "\n11:memory:/docker/" ID2 "\n"
                     "1:name=systemd:/docker/" ID2 "\n0::/\n";
    assert_int_equal(ct_from_proc_cgroup(v1, strlen(v1), &ct), 1);
    assert_string_equal(ct.id, ID2);
    assert_string_equal(ct.type, "docker");
    /* hybrid: the v2 line wins over v1 lines */
    const char *hy = "4:memory:/docker/" ID2 "\n0::/strata-test.slice/docker-" ID1 ".scope\n";
    assert_int_equal(ct_from_proc_cgroup(hy, strlen(hy), &ct), 1);
    assert_string_equal(ct.id, ID1);
    /* this machine's own shape: v1 hierarchies with a non-container path, no newline at end */
    const char *host = "9:name=systemd:/\n4:memory:/process_api/653a2f257cc2d94e\n0::/";
    assert_int_equal(ct_from_proc_cgroup(host, strlen(host), &ct), 0);
    assert_string_equal(ct.id, "host");
    /* garbage */
    const char *junk = "no colons here\n::\n:\n\n";
    assert_int_equal(ct_from_proc_cgroup(junk, strlen(junk), &ct), 0);
}

static void test_meta(void **state)
{
    (void)state;
    struct strata_error err = {0};
    struct ct_meta *m = NULL;
    /* the shape `docker inspect` prints (abridged to the keys read, plus others kept) */
    const char *js = "[\n    {\n        \"Id\": \"" ID1 "\",\n"
                     "        \"Created\": \"2025-01-01T10:00:00.000000000Z\",\n"
                     "        \"Path\": \"nginx\",\n        \"Image\": \"sha256:" ID2 "\",\n"
                     "        \"Name\": \"/web\",\n"
                     "        \"Config\": {\"Hostname\": \"3f1c9b2a7d4e\", \"Image\": "
                     "\"nginx:1.25\"}\n    },\n"
                     "    {\"Id\": \"" ID2 "\", \"Name\": \"/db\", \"Config\": {}}\n]\n";
    assert_int_equal(ct_meta_parse(js, strlen(js), "inspect.json", &m, &err), 0);
    assert_string_equal(ct_meta_name(m, ID1), "web");
    assert_string_equal(ct_meta_image(m, ID1), "nginx:1.25");
    assert_string_equal(ct_meta_name(m, ID2), "db");
    assert_string_equal(ct_meta_image(m, ID2), "");
    assert_null(ct_meta_name(m, "host"));
    ct_meta_free(m);

    const char *bad[] = {"{}", "[{\"Id\": 5}]", "[{\"Id\": \"abc\"}]", "[1]", "[", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        m = NULL;
        int rc = ct_meta_parse(bad[i], strlen(bad[i]), "inspect.json", &m, &err);
        assert_true(rc < 0);
        assert_null(m);
        assert_non_null(strstr(err.msg, "inspect.json"));
    }
    assert_true(ct_meta_load("/nonexistent/inspect.json", &m, &err) == STRATA_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent/inspect.json"));
}

/* Creates a Docker-like scope under the real cgroup v2 mount and resolves its id (the
 * directory's inode number) back to the container. Skipped without cgroup v2 or root. */
static void test_resolver(void **state)
{
    (void)state;
    struct strata_error err = {0};
    struct ct_resolver *r = NULL;
    assert_int_equal(ct_resolver_new(NULL, &r, &err), 0);
    const char *mnt = ct_cgroup2_mount(r);
    char dir[1024], scope[1200];
    struct stat st;
    snprintf(dir, sizeof(dir), "%s/strata-unit-%d.slice", mnt, (int)getpid());
    snprintf(scope, sizeof(scope), "%s/docker-%s.scope", dir, ID1);
    if (!mnt[0] || geteuid() != 0 || mkdir(dir, 0755) != 0) {
        ct_resolver_free(r);
        skip();
    }
    assert_int_equal(mkdir(scope, 0755), 0);
    assert_int_equal(stat(scope, &st), 0);
    const struct ct_ident *ct = ct_resolve(r, st.st_ino, 0);
    assert_string_equal(ct->id, ID1);
    assert_string_equal(ct->type, "docker");
    /* cached: the same answer after the directory is gone */
    rmdir(scope);
    ct = ct_resolve(r, st.st_ino, 0);
    assert_string_equal(ct->id, ID1);
    char path[512];
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(ct_cgroup_path(r, st.st_ino, path, sizeof(path)), 0);
    assert_non_null(strstr(path, "/strata-unit-"));
    rmdir(dir);
    /* an id that is no cgroup: the host */
    ct = ct_resolve(r, 0x7fffffffffffull, 0);
    assert_string_equal(ct->id, "host");
    ct_resolver_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_docker),      cmocka_unit_test(test_containerd),
        cmocka_unit_test(test_crio),        cmocka_unit_test(test_podman),
        cmocka_unit_test(test_host),        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_proc_cgroup), cmocka_unit_test(test_meta),
        cmocka_unit_test(test_resolver),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
