/* Reading Java archives from memory with libzip: the artifacts of one archive and, to a
 * bounded depth, of the archives inside it. Every read is bounded (java_archive.h); nothing
 * an archive says (sizes, names, counts) is trusted further than those bounds. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zip.h>

#include "core/strbuf.h"
#include "inventory/java_archive.h"

void java_artifact_list_free(struct java_artifact_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].group_id);
        free(l->v[i].artifact_id);
        free(l->v[i].version);
        free(l->v[i].path);
        free(l->v[i].license);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

struct walk {
    uint64_t inflated; /* bytes inflated so far for this top-level file */
    struct java_artifact_list *out;
    struct strata_error *err;
};

/* Maven's id pattern ([A-Za-z0-9_.-]+, as its model validator requires of groupId and
 * artifactId). */
static int valid_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > JAVA_MAX_ID_LEN)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

/* Printable ASCII without spaces, and not an unresolved Maven property ("${project.version}"
 * in an unfiltered manifest). */
static int valid_version(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > JAVA_MAX_ID_LEN || strstr(s, "${") != NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

static int add_artifact(struct walk *w, const char *group, const char *artifact,
                        const char *version, const char *path, size_t first,
                        enum java_source source)
{
    struct java_artifact_list *l = w->out;
    /* A shaded jar may carry the same pom.properties twice (duplicate entries). */
    for (size_t i = first; i < l->n; i++)
        if (strcmp(l->v[i].artifact_id, artifact) == 0 && strcmp(l->v[i].version, version) == 0 &&
            (l->v[i].group_id ? group && strcmp(l->v[i].group_id, group) == 0 : group == NULL))
            return 0;
    if (l->n >= JAVA_MAX_ARTIFACTS) {
        l->truncated = 1;
        return 0;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        struct java_artifact *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return strata_error_nomem(w->err);
        l->v = v;
        l->cap = cap;
    }
    struct java_artifact *a = &l->v[l->n];
    memset(a, 0, sizeof *a);
    a->group_id = group ? strdup(group) : NULL;
    a->artifact_id = strdup(artifact);
    a->version = strdup(version);
    a->path = strdup(path);
    a->source = source;
    l->n++;
    if ((group && !a->group_id) || !a->artifact_id || !a->version || !a->path)
        return strata_error_nomem(w->err);
    return 0;
}

/* Reads entry idx whole into *data (malloc'd) when it is at most max bytes uncompressed, not
 * encrypted, intact (CRC checked by libzip) and within the top-level budget. Returns 0 when
 * read, 1 when skipped, STRATA_ENOMEM. */
static int read_entry(struct walk *w, zip_t *z, zip_uint64_t idx, uint64_t max, uint8_t **data,
                      size_t *len)
{
    *data = NULL;
    *len = 0;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, idx, 0, &st) != 0)
        return 1;
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return 1;
    /* The declared size is only a first guess: the inflated stream is bounded as it is read. */
    if ((st.valid & ZIP_STAT_SIZE) && st.size > max) {
        w->out->truncated = 1;
        return 1;
    }
    if (w->inflated >= JAVA_MAX_TOTAL_BYTES) {
        w->out->truncated = 1;
        return 1;
    }
    zip_file_t *f = zip_fopen_index(z, idx, 0);
    if (f == NULL)
        return 1;
    size_t cap = (st.valid & ZIP_STAT_SIZE) ? (size_t)st.size + 1 : 65536;
    uint8_t *buf = malloc(cap);
    size_t n = 0;
    int rc = buf ? 0 : strata_error_nomem(w->err);
    while (rc == 0) {
        if (n == cap) {
            size_t ncap = cap * 2 > max + 1 ? (size_t)max + 1 : cap * 2;
            uint8_t *nb = ncap > cap ? realloc(buf, ncap) : NULL;
            if (nb == NULL) {
                rc = ncap > cap ? strata_error_nomem(w->err) : 1;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        zip_int64_t k = zip_fread(f, buf + n, cap - n);
        if (k < 0) {
            rc = 1; /* corrupt data or a CRC mismatch */
            break;
        }
        if (k == 0)
            break;
        n += (size_t)k;
        if (n > max || w->inflated + n > JAVA_MAX_TOTAL_BYTES) {
            w->out->truncated = 1;
            rc = 1;
        }
    }
    zip_fclose(f);
    /* Bytes inflated count against the budget even when the entry is then dropped: entries
     * sharing one compressed stream must not inflate it again and again for free. */
    w->inflated += n;
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* "META-INF/maven/<g>/<a>/pom.properties": copies g and a out (bounded by valid_id later). */
static int pom_properties_name(const char *name, char *g, char *a, size_t cap)
{
    static const char pre[] = "META-INF/maven/", suf[] = "/pom.properties";
    size_t n = strlen(name), pl = sizeof pre - 1, sl = sizeof suf - 1;
    if (n <= pl + sl || strncmp(name, pre, pl) != 0 || strcmp(name + n - sl, suf) != 0)
        return 0;
    const char *mid = name + pl;
    size_t ml = n - pl - sl;
    const char *slash = memchr(mid, '/', ml);
    if (slash == NULL || slash == mid || slash == mid + ml - 1 ||
        memchr(slash + 1, '/', (size_t)(mid + ml - slash - 1)) != NULL)
        return 0;
    size_t gl = (size_t)(slash - mid), al = ml - gl - 1;
    if (gl >= cap || al >= cap)
        return 0;
    memcpy(g, mid, gl);
    g[gl] = '\0';
    memcpy(a, slash + 1, al);
    a[al] = '\0';
    return 1;
}

static int from_pom_properties(struct walk *w, zip_t *z, zip_uint64_t idx, const char *g,
                               const char *a, const char *path, size_t first, int *found)
{
    uint8_t *data;
    size_t len;
    int rc = read_entry(w, z, idx, JAVA_MAX_META_BYTES, &data, &len);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    struct java_kv_list kv;
    struct strata_error perr = {0};
    rc = java_properties_parse(data, len, path, &kv, &perr);
    free(data);
    if (rc != 0) /* an unreadable pom.properties is as good as absent */
        return rc == STRATA_ENOMEM ? strata_error_nomem(w->err) : 0;
    const char *group = java_kv_get(&kv, "groupId", 0);
    const char *artifact = java_kv_get(&kv, "artifactId", 0);
    const char *version = java_kv_get(&kv, "version", 0);
    if (group == NULL)
        group = g;
    if (artifact == NULL)
        artifact = a;
    if (valid_id(group) && valid_id(artifact) && valid_version(version)) {
        rc = add_artifact(w, group, artifact, version, path, first, JAVA_FROM_POM_PROPERTIES);
        *found = 1;
    }
    java_kv_list_free(&kv);
    return rc;
}

static const char *first_valid(const struct java_kv_list *kv, const char *const *keys,
                               int (*valid)(const char *))
{
    for (size_t i = 0; keys[i] != NULL; i++) {
        const char *v = java_kv_get(kv, keys[i], 1);
        if (v != NULL && valid(v))
            return v;
    }
    return NULL;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int java_bundle_license(const char *value, char **out)
{
    *out = NULL;
    size_t n = value ? strlen(value) : 0;
    if (n == 0 || n > JAVA_MAX_LICENSE_LEN || strstr(value, "<<EXTERNAL>>") != NULL)
        return 0;
    struct strbuf sb = STRBUF_INIT;
    int rc = 0, parts = 0;
    for (size_t i = 0; rc == 0 && i < n;) {
        /* one clause: up to a ',' outside double quotes */
        size_t s = i;
        int quoted = 0;
        while (i < n && (quoted || value[i] != ',')) {
            quoted ^= value[i] == '"';
            i++;
        }
        size_t e = i++;
        size_t semi = s;
        for (int q = 0; semi < e && (q || value[semi] != ';'); semi++)
            q ^= value[semi] == '"';
        e = semi; /* ";link=…", ";description=…" are attributes */
        while (s < e && (is_blank(value[s]) || value[s] == '"'))
            s++;
        while (e > s && (is_blank(value[e - 1]) || value[e - 1] == '"'))
            e--;
        if (e == s)
            continue;
        /* "Apache License, Version 2.0": a clause that is only a version continues the name */
        int cont = parts > 0 && (strncasecmp(value + s, "version", 7) == 0 ||
                                 (value[s] >= '0' && value[s] <= '9'));
        if (cont)
            rc = strbuf_adds(&sb, ", ");
        else if (parts > 0)
            rc = strbuf_adds(&sb, " OR ");
        if (rc == 0)
            rc = strbuf_add(&sb, value + s, e - s);
        parts++;
    }
    if (rc != 0 || sb.len == 0) {
        strbuf_release(&sb);
        return rc;
    }
    *out = strbuf_detach(&sb);
    return *out ? 0 : STRATA_ENOMEM;
}

/* Sets the Bundle-License of the artifact at index at (when the value names one). */
static int set_license(struct walk *w, size_t at, const struct java_kv_list *kv)
{
    const char *v = java_kv_get(kv, "Bundle-License", 1);
    if (v == NULL || at >= w->out->n || w->out->v[at].license != NULL)
        return 0;
    if (java_bundle_license(v, &w->out->v[at].license) != 0)
        return strata_error_nomem(w->err);
    return 0;
}

/* The pom.properties artifact of an archive that has exactly one: its manifest's license. */
static int license_from_manifest(struct walk *w, zip_t *z, zip_int64_t man_idx, const char *path,
                                 size_t at)
{
    uint8_t *data;
    size_t len;
    int rc = read_entry(w, z, (zip_uint64_t)man_idx, JAVA_MAX_META_BYTES, &data, &len);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    struct java_kv_list kv = {0};
    struct strata_error perr = {0};
    rc = java_manifest_parse(data, len, path, &kv, &perr);
    free(data);
    if (rc != 0)
        return rc == STRATA_ENOMEM ? strata_error_nomem(w->err) : 0;
    rc = set_license(w, at, &kv);
    java_kv_list_free(&kv);
    return rc;
}

/* No pom.properties: the manifest's main section, then the file name (docs: "Precedence"). */
static int from_manifest_or_name(struct walk *w, zip_t *z, zip_int64_t man_idx, const char *base,
                                 const char *path, size_t first)
{
    static const char *const group_keys[] = {"Implementation-Vendor-Id", "Group-Id", NULL};
    /* An artifactId-shaped title, a Jenkins short name; a bundle's symbolic name is dotted
     * like a Java package ("org.apache.commons.lang3"), so the file name comes first. */
    static const char *const title_keys[] = {"Implementation-Title", "Short-Name", NULL};
    static const char *const bundle_keys[] = {"Bundle-SymbolicName", "Specification-Title", NULL};
    static const char *const version_keys[] = {"Implementation-Version", "Plugin-Version",
                                               "Bundle-Version", "Specification-Version", NULL};
    struct java_kv_list kv = {0};
    int rc = 0;
    if (man_idx >= 0) {
        uint8_t *data;
        size_t len;
        rc = read_entry(w, z, (zip_uint64_t)man_idx, JAVA_MAX_META_BYTES, &data, &len);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            struct strata_error perr = {0};
            rc = java_manifest_parse(data, len, path, &kv, &perr);
            free(data);
            if (rc == STRATA_ENOMEM)
                return strata_error_nomem(w->err);
            if (rc != 0)
                memset(&kv, 0, sizeof kv); /* an unreadable manifest is as good as absent */
        }
        rc = 0;
    }
    /* Bundle-SymbolicName may carry directives: "org.x.y;singleton:=true". */
    const char *bsn = java_kv_get(&kv, "Bundle-SymbolicName", 1);
    if (bsn != NULL) {
        size_t semi = strcspn(bsn, ";");
        for (size_t i = 0; i < kv.n; i++)
            if (kv.v[i].value == bsn)
                kv.v[i].value[semi] = '\0';
    }
    char *fa = NULL, *fv = NULL;
    if (java_name_from_file(base, &fa, &fv) == STRATA_ENOMEM) {
        java_kv_list_free(&kv);
        return strata_error_nomem(w->err);
    }
    const char *group = first_valid(&kv, group_keys, valid_id);
    const char *artifact = first_valid(&kv, title_keys, valid_id);
    const char *version = first_valid(&kv, version_keys, valid_version);
    enum java_source src = artifact || version ? JAVA_FROM_MANIFEST : JAVA_FROM_FILE_NAME;
    if (artifact == NULL && valid_id(fa))
        artifact = fa;
    if (artifact == NULL && (artifact = first_valid(&kv, bundle_keys, valid_id)) != NULL)
        src = JAVA_FROM_MANIFEST;
    if (version == NULL && valid_version(fv))
        version = fv;
    if (artifact != NULL && version != NULL) {
        size_t before = w->out->n;
        rc = add_artifact(w, group, artifact, version, path, first, src);
        if (rc == 0 && w->out->n > before)
            rc = set_license(w, before, &kv);
    }
    free(fa);
    free(fv);
    java_kv_list_free(&kv);
    return rc;
}

/* Names we would put into a report path: no control bytes, bounded. */
static int printable_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 4096)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
            return 0;
    return 1;
}

static int walk_archive(struct walk *w, const uint8_t *data, size_t len, const char *path,
                        const char *base, int depth);

static int walk_nested(struct walk *w, zip_t *z, zip_uint64_t idx, const char *name,
                       const char *path, int depth)
{
    uint8_t *data;
    size_t len;
    int rc = read_entry(w, z, idx, JAVA_MAX_NESTED_BYTES, &data, &len);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    struct strbuf sub = STRBUF_INIT;
    if (strbuf_adds(&sub, path) || strbuf_adds(&sub, "!/") || strbuf_adds(&sub, name)) {
        free(data);
        strbuf_release(&sub);
        return strata_error_nomem(w->err);
    }
    const char *slash = strrchr(name, '/');
    rc = walk_archive(w, data, len, sub.buf, slash ? slash + 1 : name, depth + 1);
    free(data);
    strbuf_release(&sub);
    return rc;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Bytes before the zip proper (a launch script in front of a Spring Boot "executable" jar,
 * a self-extractor stub): Java finds the archive through the end record wherever it starts,
 * libzip wants it at offset 0. 0 when there are none or the end record is not found. */
static size_t prefix_len(const uint8_t *data, size_t len)
{
    if (len < 22)
        return 0;
    size_t lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
    for (size_t i = len - 22 + 1; i-- > lo;) {
        if (memcmp(data + i, "PK\5\6", 4) != 0)
            continue;
        uint32_t cd_size = le32(data + i + 12), cd_off = le32(data + i + 16);
        if (cd_size == 0xffffffffu || cd_off == 0xffffffffu) /* zip64: left to libzip */
            return 0;
        if ((uint64_t)cd_size + cd_off > i)
            return 0;
        return i - cd_size - cd_off;
    }
    return 0;
}

static zip_t *open_zip(const uint8_t *data, size_t len, zip_error_t *ze)
{
    zip_source_t *src = zip_source_buffer_create(data, len, 0, ze);
    zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, ze) : NULL;
    if (z == NULL && src != NULL)
        zip_source_free(src);
    return z;
}

/* Reads one archive. A top-level file that is not a zip is an error; a nested one that is
 * not is skipped. */
static int walk_archive(struct walk *w, const uint8_t *data, size_t len, const char *path,
                        const char *base, int depth)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_t *z = len ? open_zip(data, len, &ze) : NULL;
    size_t skip = z == NULL && len ? prefix_len(data, len) : 0;
    if (skip > 0 && zip_error_code_zip(&ze) != ZIP_ER_MEMORY) {
        zip_error_fini(&ze);
        zip_error_init(&ze);
        z = open_zip(data + skip, len - skip, &ze);
    }
    if (z == NULL) {
        int rc = 0;
        if (zip_error_code_zip(&ze) == ZIP_ER_MEMORY)
            rc = strata_error_nomem(w->err);
        else if (depth == 0)
            rc = strata_error_set(w->err, STRATA_EFORMAT, "%s: not a readable zip archive: %s",
                                  path, len ? zip_error_strerror(&ze) : "empty file");
        zip_error_fini(&ze);
        return rc;
    }
    zip_error_fini(&ze);
    zip_int64_t n = zip_get_num_entries(z, 0);
    if (n < 0)
        n = 0;
    if ((zip_uint64_t)n > JAVA_MAX_ENTRIES) {
        w->out->truncated = 1;
        n = JAVA_MAX_ENTRIES;
    }
    size_t first = w->out->n;
    zip_int64_t man_idx = -1;
    int found = 0, rc = 0;
    char g[JAVA_MAX_ID_LEN + 1], a[JAVA_MAX_ID_LEN + 1];
    for (zip_int64_t i = 0; rc == 0 && i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (name == NULL)
            continue;
        if (pom_properties_name(name, g, a, sizeof g))
            rc = from_pom_properties(w, z, (zip_uint64_t)i, g, a, path, first, &found);
        else if (man_idx < 0 && strcasecmp(name, "META-INF/MANIFEST.MF") == 0)
            man_idx = i; /* the first one, as a streaming reader would see it */
    }
    if (rc == 0 && !found)
        rc = from_manifest_or_name(w, z, man_idx, base, path, first);
    else if (rc == 0 && man_idx >= 0 && w->out->n == first + 1)
        rc = license_from_manifest(w, z, man_idx, path, first);
    for (zip_int64_t i = 0; rc == 0 && depth < JAVA_MAX_DEPTH && i < n; i++) {
        const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
        if (name == NULL || !java_is_archive_name(name) || !printable_name(name))
            continue;
        /* libzip's name buffer may be reused: keep a copy across the nested read. */
        char *copy = strdup(name);
        if (copy == NULL) {
            rc = strata_error_nomem(w->err);
            break;
        }
        rc = walk_nested(w, z, (zip_uint64_t)i, copy, path, depth);
        free(copy);
    }
    zip_discard(z);
    return rc;
}

int java_archive_read(const uint8_t *data, size_t len, const char *path,
                      struct java_artifact_list *out, struct strata_error *err)
{
    memset(out, 0, sizeof *out);
    struct walk w = {0, out, err};
    const char *slash = strrchr(path, '/');
    int rc = walk_archive(&w, data, len, path, slash ? slash + 1 : path, 0);
    if (rc != 0)
        java_artifact_list_free(out);
    return rc;
}
