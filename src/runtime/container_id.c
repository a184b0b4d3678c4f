/* Container attribution (container_id.h): cgroup naming schemes, the cgroup id resolver and
 * the `docker inspect` metadata. */
#include "runtime/container_id.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json_load.h"
#include "core/strmap.h"
#include "runtime/sensor_util.h"

#define CT_PATH_MAX 4096
#define CT_DEPTH_MAX 64
#define CT_ID_LEN 64

static void set_host(struct ct_ident *out)
{
    memcpy(out->id, "host", 5);
    memcpy(out->type, "host", 5);
}

static int is_hex64(const char *s, size_t n)
{
    if (n != CT_ID_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return 0;
    }
    return 1;
}

static int has_prefix(const char *s, size_t n, const char *p)
{
    size_t pn = strlen(p);
    return n >= pn && memcmp(s, p, pn) == 0;
}

static int set_id(struct ct_ident *out, const char *id, const char *type)
{
    memcpy(out->id, id, CT_ID_LEN);
    out->id[CT_ID_LEN] = '\0';
    snprintf(out->type, sizeof(out->type), "%s", type);
    return 1;
}

/* One component "<prefix><id>[.scope]" of a systemd-driver name. */
static const char *scoped_type(const char *c, size_t n, const char **id)
{
    static const struct {
        const char *prefix, *type;
    } schemes[] = {
        /* the conmon monitors first: their prefixes contain the container's */
        {"crio-conmon-", NULL},     {"libpod-conmon-", NULL},
        {"docker-", "docker"},      {"cri-containerd-", "containerd"},
        {"nerdctl-", "containerd"}, {"crio-", "cri-o"},
        {"libpod-", "podman"},
    };
    if (n > 6 && memcmp(c + n - 6, ".scope", 6) == 0)
        n -= 6;
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        size_t pn = strlen(schemes[i].prefix);
        if (!has_prefix(c, n, schemes[i].prefix))
            continue;
        if (!schemes[i].type || !is_hex64(c + pn, n - pn))
            return NULL;
        *id = c + pn;
        return schemes[i].type;
    }
    return NULL;
}

int ct_from_cgroup_path(const char *path, size_t n, struct ct_ident *out)
{
    const char *start[CT_DEPTH_MAX];
    size_t len[CT_DEPTH_MAX];
    size_t depth = 0;

    set_host(out);
    if (n > CT_PATH_MAX)
        return 0;
    for (size_t i = 0; i < n;) {
        while (i < n && path[i] == '/')
            i++;
        size_t b = i;
        while (i < n && path[i] != '/' && path[i] != '\0')
            i++;
        if (i > b) {
            if (depth == CT_DEPTH_MAX)
                return 0;
            start[depth] = path + b;
            len[depth] = i - b;
            depth++;
        }
        if (i < n && path[i] == '\0')
            break;
    }
    /* innermost first */
    for (size_t k = depth; k-- > 0;) {
        const char *id = NULL;
        const char *type = scoped_type(start[k], len[k], &id);
        if (type)
            return set_id(out, id, type);
        if (!is_hex64(start[k], len[k]))
            continue;
        /* a bare id: the parent names the runtime (cgroupfs drivers) */
        const char *bare = "docker";
        for (size_t a = 0; a < k; a++)
            if (has_prefix(start[a], len[a], "kubepods"))
                bare = "containerd";
        if (k > 0) {
            if (len[k - 1] == 6 && memcmp(start[k - 1], "docker", 6) == 0)
                bare = "docker";
            else if (len[k - 1] == 13 && memcmp(start[k - 1], "libpod_parent", 13) == 0)
                bare = "podman";
            else if (len[k - 1] == 4 && memcmp(start[k - 1], "crio", 4) == 0)
                bare = "cri-o";
        }
        return set_id(out, start[k], bare);
    }
    return 0;
}

int ct_from_proc_cgroup(const char *data, size_t n, struct ct_ident *out)
{
    /* pass 0: the v2 line "0::PATH"; pass 1: v1 lines "N:controllers:PATH" */
    for (int pass = 0; pass < 2; pass++) {
        size_t i = 0;
        while (i < n) {
            size_t b = i;
            while (i < n && data[i] != '\n')
                i++;
            size_t e = i;
            if (i < n)
                i++;
            const char *c1 = memchr(data + b, ':', e - b);
            if (!c1)
                continue;
            const char *c2 = memchr(c1 + 1, ':', (size_t)(data + e - (c1 + 1)));
            if (!c2)
                continue;
            int v2 = c1 - (data + b) == 1 && data[b] == '0' && c2 == c1 + 1;
            if ((pass == 0) != v2)
                continue;
            if (ct_from_cgroup_path(c2 + 1, (size_t)(data + e - (c2 + 1)), out))
                return 1;
        }
    }
    set_host(out);
    return 0;
}

/* ---- docker inspect metadata ---- */

#define CT_META_MAX_BYTES (16u << 20)
#define CT_META_MAX_ITEMS 100000

struct ct_meta_item {
    char id[CT_ID_LEN + 1];
    char *name, *image;
};

struct ct_meta {
    struct ct_meta_item *items;
    size_t n;
    struct strmap by_id;
};

void ct_meta_free(struct ct_meta *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->items[i].name);
        free(m->items[i].image);
    }
    free(m->items);
    strmap_release(&m->by_id);
    free(m);
}

static char *dup_str(json_t *v)
{
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    return strdup(s);
}

int ct_meta_parse(const char *data, size_t n, const char *file, struct ct_meta **out,
                  struct strata_error *err)
{
    json_t *root = NULL;
    int rc = json_load_document(data, n, file, CT_META_MAX_BYTES, 0, &root, err);
    if (rc != 0)
        return rc;
    if (!json_is_array(root)) {
        json_decref(root);
        return strata_error_set(
            err, STRATA_EFORMAT,
            "%s:1:1: not a `docker inspect` output (a JSON array of containers)", file);
    }
    size_t cnt = json_array_size(root);
    if (cnt > CT_META_MAX_ITEMS) {
        json_decref(root);
        return strata_error_set(err, STRATA_ELIMIT, "%s: %zu containers, more than the %u allowed",
                                file, cnt, CT_META_MAX_ITEMS);
    }
    struct ct_meta *m = calloc(1, sizeof(*m));
    if (!m || (cnt && !(m->items = calloc(cnt, sizeof(*m->items))))) {
        free(m);
        json_decref(root);
        return strata_error_nomem(err);
    }
    for (size_t i = 0; i < cnt; i++) {
        json_t *c = json_array_get(root, i);
        json_t *id = json_object_get(c, "Id");
        const char *ids = json_is_string(id) ? json_string_value(id) : NULL;
        if (!json_is_object(c) || !ids || !is_hex64(ids, strlen(ids))) {
            ct_meta_free(m);
            json_decref(root);
            return strata_error_set(err, STRATA_EFORMAT,
                                    "%s: container [%zu]: \"Id\" is not a 64-hex container id",
                                    file, i);
        }
        struct ct_meta_item *it = &m->items[m->n];
        memcpy(it->id, ids, CT_ID_LEN + 1);
        const char *name = json_is_string(json_object_get(c, "Name"))
                               ? json_string_value(json_object_get(c, "Name"))
                               : "";
        if (name[0] == '/')
            name++;
        it->name = strdup(name);
        it->image = dup_str(json_object_get(json_object_get(c, "Config"), "Image"));
        m->n++;
        if (!it->name || !it->image || strmap_put(&m->by_id, it->id, it) != 0) {
            ct_meta_free(m);
            json_decref(root);
            return strata_error_nomem(err);
        }
    }
    json_decref(root);
    *out = m;
    return 0;
}

int ct_meta_load(const char *file, struct ct_meta **out, struct strata_error *err)
{
    struct strbuf sb = STRBUF_INIT;
    int r = sensor_read_file(file, CT_META_MAX_BYTES, &sb);
    if (r == -2) {
        strbuf_release(&sb);
        return strata_error_set(err, STRATA_ELIMIT, "%s: more than the %u bytes allowed", file,
                                CT_META_MAX_BYTES);
    }
    if (r != 0) {
        int e = errno;
        strbuf_release(&sb);
        return strata_error_set(err, STRATA_EIO, "%s: %s", file, strerror(e));
    }
    int rc = ct_meta_parse(sb.buf ? sb.buf : "", sb.len, file, out, err);
    strbuf_release(&sb);
    return rc;
}

static const struct ct_meta_item *meta_find(const struct ct_meta *m, const char *id)
{
    return m ? strmap_get(&m->by_id, id) : NULL;
}

const char *ct_meta_name(const struct ct_meta *m, const char *id)
{
    const struct ct_meta_item *it = meta_find(m, id);
    return it ? it->name : NULL;
}

const char *ct_meta_image(const struct ct_meta *m, const char *id)
{
    const struct ct_meta_item *it = meta_find(m, id);
    return it ? it->image : NULL;
}

/* ---- resolver ---- */

#define CT_CACHE_SLOTS 4096 /* power of two; a full cache is emptied (cgroups come and go) */

struct ct_slot {
    uint64_t cgroup_id; /* 0 = empty */
    struct ct_ident ident;
};

struct ct_resolver {
    char mount[512];
    int mount_fd;
    uint64_t root_id; /* the cgroup2 root: a process there may still be in a v1 container */
    size_t used;
    struct ct_slot *slots;
    struct ct_ident scratch;
};

/* Finds "… - cgroup2 …" in mountinfo; the mount point is field 5 (octal escapes kept out:
 * a cgroup2 mount point with spaces is not supported). */
static int find_cgroup2(char *out, size_t cap)
{
    struct strbuf sb = STRBUF_INIT;
    int found = 0;
    if (sensor_read_file("/proc/self/mountinfo", 1u << 20, &sb) != 0 || !sb.buf) {
        strbuf_release(&sb);
        return 0;
    }
    for (char *line = sb.buf, *next; line && *line && !found; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *sep = strstr(line, " - ");
        if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
            continue;
        char *f = line;
        for (int i = 0; i < 4 && f; i++) {
            f = strchr(f, ' ');
            if (f)
                f++;
        }
        if (!f)
            continue;
        char *end = strchr(f, ' ');
        if (!end || (size_t)(end - f) >= cap || memchr(f, '\\', (size_t)(end - f)))
            continue;
        memcpy(out, f, (size_t)(end - f));
        out[end - f] = '\0';
        found = 1;
    }
    strbuf_release(&sb);
    return found;
}

int ct_resolver_new(const char *cgroup2_mount, struct ct_resolver **out, struct strata_error *err)
{
    struct ct_resolver *r = calloc(1, sizeof(*r));
    if (!r || !(r->slots = calloc(CT_CACHE_SLOTS, sizeof(*r->slots)))) {
        free(r);
        return strata_error_nomem(err);
    }
    r->mount_fd = -1;
    if (cgroup2_mount)
        snprintf(r->mount, sizeof(r->mount), "%s", cgroup2_mount);
    else if (!find_cgroup2(r->mount, sizeof(r->mount)))
        r->mount[0] = '\0';
    if (r->mount[0]) {
        r->mount_fd = open(r->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    if (r->mount_fd >= 0) {
        struct {
            struct file_handle fh;
            uint64_t id;
        } h;
        int mnt_id;
        h.fh.handle_bytes = sizeof(uint64_t);
        if (name_to_handle_at(r->mount_fd, "", &h.fh, &mnt_id, AT_EMPTY_PATH) == 0 &&
            h.fh.handle_bytes == sizeof(uint64_t))
            memcpy(&r->root_id, h.fh.f_handle, sizeof(uint64_t));
    }
    *out = r;
    return 0;
}

const char *ct_cgroup2_mount(const struct ct_resolver *r)
{
    return r->mount;
}

void ct_resolver_free(struct ct_resolver *r)
{
    if (!r)
        return;
    if (r->mount_fd >= 0)
        close(r->mount_fd);
    free(r->slots);
    free(r);
}

/* FILEID_KERNFS: a kernfs (cgroupfs) file handle is the node id, which is the cgroup id. */
#define FILEID_KERNFS_ 0xfe

int ct_cgroup_path(struct ct_resolver *r, uint64_t cgroup_id, char *buf, size_t cap)
{
    struct {
        struct file_handle fh;
        uint64_t id;
    } h;
    char link[64], target[CT_PATH_MAX];
    size_t ml = strlen(r->mount);

    if (r->mount_fd < 0 || cgroup_id == 0)
        return -1;
    h.fh.handle_bytes = sizeof(uint64_t);
    h.fh.handle_type = FILEID_KERNFS_;
    memcpy(h.fh.f_handle, &cgroup_id, sizeof(uint64_t));
    int fd = open_by_handle_at(r->mount_fd, &h.fh, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    close(fd);
    if (n < 0 || (size_t)n < ml || memcmp(target, r->mount, ml) != 0)
        return -1;
    target[n] = '\0';
    const char *rel = target + ml;
    if (*rel == '\0')
        rel = "/";
    if (strlen(rel) >= cap)
        return -1;
    memcpy(buf, rel, strlen(rel) + 1);
    return 0;
}

static int by_proc(uint32_t pid, struct ct_ident *out)
{
    char p[64];
    struct strbuf sb = STRBUF_INIT;
    int found = 0;
    snprintf(p, sizeof(p), "/proc/%u/cgroup", pid);
    if (pid && sensor_read_file(p, 64 * 1024, &sb) == 0 && sb.buf)
        found = ct_from_proc_cgroup(sb.buf, sb.len, out);
    strbuf_release(&sb);
    return found;
}

const struct ct_ident *ct_resolve(struct ct_resolver *r, uint64_t cgroup_id, uint32_t pid)
{
    char path[CT_PATH_MAX];

    /* the v2 root (or no id): a v1-only container shows up in /proc/PID/cgroup alone; not
     * cached, every process there may differ */
    if (cgroup_id == 0 || cgroup_id == r->root_id || r->mount_fd < 0) {
        if (!by_proc(pid, &r->scratch))
            set_host(&r->scratch);
        return &r->scratch;
    }
    size_t mask = CT_CACHE_SLOTS - 1;
    size_t i = (size_t)(cgroup_id * 0x9E3779B97F4A7C15ull >> 40) & mask;
    for (size_t probe = 0; probe < CT_CACHE_SLOTS; probe++, i = (i + 1) & mask) {
        if (r->slots[i].cgroup_id == cgroup_id)
            return &r->slots[i].ident;
        if (r->slots[i].cgroup_id == 0)
            break;
    }
    struct ct_ident id;
    if (ct_cgroup_path(r, cgroup_id, path, sizeof(path)) == 0)
        ct_from_cgroup_path(path, strlen(path), &id);
    else if (!by_proc(pid, &id)) {
        /* gone and unknown: not cached, a later event may find it */
        set_host(&r->scratch);
        return &r->scratch;
    }
    if (r->used >= CT_CACHE_SLOTS / 2) {
        memset(r->slots, 0, CT_CACHE_SLOTS * sizeof(*r->slots));
        r->used = 0;
    }
    i = (size_t)(cgroup_id * 0x9E3779B97F4A7C15ull >> 40) & mask;
    while (r->slots[i].cgroup_id != 0)
        i = (i + 1) & mask;
    r->slots[i].cgroup_id = cgroup_id;
    r->slots[i].ident = id;
    r->used++;
    return &r->slots[i].ident;
}
