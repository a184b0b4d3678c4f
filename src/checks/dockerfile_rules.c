/* The Dockerfile checker (docs/config-dockerfile.md): parses the file (dockerfile_parse.c) and
 * reports the DF-nnn rules about instructions and stages; the rules about the commands RUN
 * runs are in dockerfile_run.c. Every finding is positioned at the instruction it is about
 * and names its stage; no credential reaches a message in clear. */
#include "checks/dockerfile_rules.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/checks.h"
#include "core/strbuf.h"

const struct df_rule df_rules[DFR_COUNT] = {
    [DFR_BASE_LATEST] = {"DF-001", "Base image uses the latest tag or no tag", "MEDIUM",
                         "pin a version tag, and its digest: FROM image:1.2.3@sha256:<digest>"},
    [DFR_BASE_DIGEST] = {"DF-002", "Base image not pinned by digest", "LOW",
                         "add the digest of the tag: FROM image:tag@sha256:<digest> "
                         "(docker buildx imagetools inspect image:tag prints it)"},
    [DFR_ROOT] = {"DF-003", "Image runs as root", "HIGH",
                  "create an unprivileged user and switch to it at the end of the last stage: "
                  "RUN useradd -r -u 10001 app, then USER 10001"},
    [DFR_ADD_LOCAL] = {"DF-004", "ADD used where COPY would do", "LOW",
                       "use COPY for local files; ADD only to unpack a local tar archive"},
    [DFR_ADD_REMOTE] = {"DF-005", "ADD fetches a remote file unverified", "MEDIUM",
                        "add --checksum=sha256:<digest> (or pin a git source to a commit), or "
                        "download with curl and verify the checksum in the same RUN"},
    [DFR_PIPE_SHELL] = {"DF-006", "Remote script piped into a shell", "HIGH",
                        "download the script to a file, verify its checksum or signature, then "
                        "run it; or install from a package repository"},
    [DFR_SUDO] = {"DF-007", "sudo in RUN", "MEDIUM",
                  "RUN runs as root until a USER instruction: drop sudo, and switch users with "
                  "USER (or gosu/su-exec in an entrypoint)"},
    [DFR_APT_YES] = {"DF-008", "apt-get install without -y", "LOW",
                     "add -y (apt-get install -y …): a build cannot answer the prompt"},
    [DFR_APT_RECOMMENDS] = {"DF-009", "apt-get install without --no-install-recommends", "LOW",
                            "add --no-install-recommends and name what is really needed"},
    [DFR_APT_UPDATE_ALONE] = {"DF-010", "Package index update without install in the same RUN",
                              "MEDIUM",
                              "update and install in one RUN: apt-get update && apt-get install "
                              "-y … (a cached update layer makes later installs use a stale "
                              "index)"},
    [DFR_CACHE] = {"DF-011", "Package manager cache left in the layer", "LOW",
                   "clean in the same RUN (rm -rf /var/lib/apt/lists/*, apk add --no-cache, pip "
                   "install --no-cache-dir, npm cache clean --force, yum/dnf clean all), or use "
                   "RUN --mount=type=cache for the cache directory"},
    [DFR_UNPINNED] = {"DF-012", "Package versions not pinned", "LOW",
                      "pin versions (apt/apk pkg=1.2.3, pip pkg==1.2.3, npm pkg@1.2.3) or "
                      "install from a lock or requirements file"},
    [DFR_SECRET] = {"DF-013", "Credential in ENV or ARG", "HIGH",
                    "remove it and rotate it; pass secrets with RUN --mount=type=secret at build "
                    "time, or at run time (environment, mounted file), never in ENV or an ARG "
                    "default"},
    [DFR_PORT] = {"DF-014", "Remote-administration port exposed", "MEDIUM",
                  "do not run SSH, telnet, RDP or the Docker API in an application image; use "
                  "docker exec / kubectl exec to get a shell"},
    [DFR_HEALTHCHECK] = {"DF-015", "No HEALTHCHECK in the last stage", "LOW",
                         "add a HEALTHCHECK CMD that probes the service (or rely on the "
                         "orchestrator's probes and suppress this finding)"},
    [DFR_MAINTAINER] = {"DF-016", "MAINTAINER is deprecated", "LOW",
                        "use LABEL org.opencontainers.image.authors=\"…\""},
    [DFR_CD] = {"DF-017", "cd in RUN instead of WORKDIR", "LOW",
                "set the directory with WORKDIR (or use a subshell, or the command's own "
                "-C/--directory option)"},
    [DFR_WORKDIR] = {"DF-018", "Relative WORKDIR", "LOW",
                     "use an absolute path: the relative one depends on the base image's working "
                     "directory"},
    [DFR_MULTI_CMD] = {"DF-019", "Several CMD instructions in one stage", "LOW",
                       "keep one CMD per stage: only the last one takes effect"},
    [DFR_MULTI_ENTRYPOINT] = {"DF-020", "Several ENTRYPOINT instructions in one stage", "LOW",
                              "keep one ENTRYPOINT per stage: only the last one takes effect"},
    [DFR_WORLD_WRITABLE] = {"DF-021", "World-writable permissions", "MEDIUM",
                            "grant write access to the owner (and group) only, e.g. chmod 755 or "
                            "chown the files to the user that writes them"},
    [DFR_SETID] = {"DF-022", "setuid or setgid bit set", "HIGH",
                   "do not add setuid/setgid bits; give the program the capability it needs or "
                   "run it as the right user"},
};

/* ---- findings ---- */

int df_enabled(const struct df_check *k, enum df_rule_id r)
{
    return config_rule_enabled(k->ctx, df_rules[r].id);
}

static void clean_controls(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = '?';
}

int df_emit(struct df_check *k, enum df_rule_id r, const char *severity,
            const struct df_instruction *in, const char *fmt, ...)
{
    if (!df_enabled(k, r))
        return 0;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    clean_controls(msg);
    char resource[160];
    const char *res = NULL;
    if (in->stage >= 0 && (size_t)in->stage < k->f->n_stages) {
        const struct df_stage *st = &k->f->stages[in->stage];
        if (st->name)
            snprintf(resource, sizeof resource, "stage %.120s", st->name);
        else
            snprintf(resource, sizeof resource, "stage %zu", st->index);
        res = resource;
    }
    const struct df_rule *rule = &df_rules[r];
    struct config_finding f = {
        .id = rule->id,
        .title = rule->title,
        .severity = severity ? severity : rule->severity,
        .line = in->line,
        .column = in->column,
        .resource = res,
        .message = msg,
        .remediation = rule->remediation,
    };
    int rc = config_report(k->ctx, k->src, &f);
    return rc == STRATA_ENOMEM ? strata_error_nomem(k->err) : rc;
}

char *df_snippet(const char *text, size_t n, size_t max)
{
    /* blanks collapsed: joined continuation lines leave runs of indentation */
    char *copy = malloc(n + 1);
    if (copy == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n && text[i]; i++) {
        int blank = text[i] == ' ' || text[i] == '\t';
        if (blank && k > 0 && copy[k - 1] == ' ')
            continue;
        copy[k++] = blank ? ' ' : text[i];
    }
    copy[k] = '\0';
    struct strbuf sb = STRBUF_INIT;
    size_t hits;
    int rc = checks_redact_text(&sb, copy, &hits, NULL);
    free(copy);
    if (rc != 0) {
        strbuf_release(&sb);
        return NULL;
    }
    if (sb.len > max) {
        /* cut at a UTF-8 character boundary */
        size_t cut = max;
        while (cut > 0 && ((unsigned char)sb.buf[cut] & 0xC0) == 0x80)
            cut--;
        sb.len = cut;
        sb.buf[cut] = '\0';
        if (strbuf_adds(&sb, "…") != 0) {
            strbuf_release(&sb);
            return NULL;
        }
    }
    char *out = strbuf_detach(&sb);
    if (out)
        clean_controls(out);
    return out;
}

/* ---- file modes ---- */

static unsigned octal_bits(const char *m)
{
    size_t n = strlen(m);
    if (n == 0 || n > 5)
        return 0;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (m[i] < '0' || m[i] > '7')
            return 0;
        v = v * 8 + (unsigned)(m[i] - '0');
    }
    unsigned bits = 0;
    if ((v & 02) && !(v & 01000))
        bits |= DF_MODE_WORLD_WRITABLE;
    if (v & 04000)
        bits |= DF_MODE_SETUID;
    if (v & 02000)
        bits |= DF_MODE_SETGID;
    return bits;
}

unsigned df_mode_bits(const char *m)
{
    if (m == NULL || *m == '\0')
        return 0;
    if (isdigit((unsigned char)*m))
        return octal_bits(m);
    /* symbolic: [ugoa]*([-+=]([rwxXst]*|[ugo]))+ clauses separated by commas */
    unsigned bits = 0;
    int world_w = 0, sticky = 0;
    const char *p = m;
    while (*p) {
        int u = 0, g = 0, o = 0, all = 0;
        for (; *p && strchr("ugoa", *p); p++) {
            u |= *p == 'u';
            g |= *p == 'g';
            o |= *p == 'o';
            all |= *p == 'a';
        }
        int none = !(u || g || o || all);
        if (!*p || !strchr("+-=", *p))
            return 0;
        while (*p && strchr("+-=", *p)) {
            char op = *p++;
            int w = 0, s = 0, t = 0;
            for (; *p && strchr("rwxXstugo", *p); p++) {
                w |= *p == 'w';
                s |= *p == 's';
                t |= *p == 't';
            }
            if (op == '-')
                continue;
            /* with no who, chmod applies the umask: o+w is masked by the usual 022 */
            if (w && (o || all))
                world_w = 1;
            if (t && (o || all || none))
                sticky = 1;
            if (s && (u || all || none))
                bits |= DF_MODE_SETUID;
            if (s && (g || all || none))
                bits |= DF_MODE_SETGID;
        }
        if (*p == ',')
            p++;
        else if (*p)
            return 0;
    }
    if (world_w && !sticky)
        bits |= DF_MODE_WORLD_WRITABLE;
    return bits;
}

/* ---- instruction rules ---- */

static const struct df_flag *flag_of(const struct df_instruction *in, const char *name)
{
    const struct df_flag *found = NULL;
    for (size_t i = 0; i < in->n_flags; i++)
        if (strcmp(in->flags[i].name, name) == 0)
            found = &in->flags[i]; /* the last one wins, as in BuildKit */
    return found;
}

/* DF-001/DF-002 for one image reference (what = "base image", "COPY --from image"). */
static int check_image(struct df_check *k, const struct df_instruction *in, const char *ref,
                       const char *what)
{
    if (ref == NULL || *ref == '\0' || strcmp(ref, "scratch") == 0)
        return 0;
    const char *at = strchr(ref, '@');
    if (at && at[1] != '\0')
        return 0; /* pinned by digest */
    size_t name_n = at ? (size_t)(at - ref) : strlen(ref);
    const char *slash = NULL;
    for (const char *p = ref; p < ref + name_n; p++)
        if (*p == '/')
            slash = p;
    const char *colon =
        memchr(slash ? slash : ref, ':', name_n - (size_t)((slash ? slash : ref) - ref));
    char *show = df_snippet(ref, strlen(ref), 120);
    if (show == NULL)
        return strata_error_nomem(k->err);
    int rc;
    if (colon == NULL)
        rc = df_emit(k, DFR_BASE_LATEST, NULL, in,
                     "%s \"%s\" has no tag: the build takes whatever \"latest\" is at the time",
                     what, show);
    else if ((size_t)(ref + name_n - colon - 1) == 6 && strncmp(colon + 1, "latest", 6) == 0)
        rc = df_emit(k, DFR_BASE_LATEST, NULL, in,
                     "%s \"%s\" uses the latest tag: the build takes whatever it points to at "
                     "the time",
                     what, show);
    else
        rc = df_emit(k, DFR_BASE_DIGEST, NULL, in,
                     "%s \"%s\" is pinned by tag only; a tag can be moved to other content", what,
                     show);
    free(show);
    return rc;
}

static long stage_named(const struct df_file *f, const char *name)
{
    for (size_t i = 0; i < f->n_stages; i++)
        if (f->stages[i].name && strcasecmp(f->stages[i].name, name) == 0)
            return (long)i;
    return -1;
}

static int check_from(struct df_check *k, const struct df_instruction *in)
{
    const struct df_stage *st = &k->f->stages[in->stage];
    if (st->parent >= 0 || st->base_unresolved)
        return 0;
    return check_image(k, in, st->base, "base image");
}

/* COPY --from naming an image (not a stage name or index). */
static int check_copy_from(struct df_check *k, const struct df_instruction *in)
{
    const struct df_flag *fl = flag_of(in, "from");
    if (fl == NULL || fl->expanded == NULL || fl->unresolved || *fl->expanded == '\0')
        return 0;
    const char *v = fl->expanded;
    size_t d = strspn(v, "0123456789");
    if (v[d] == '\0' || stage_named(k->f, v) >= 0)
        return 0;
    return check_image(k, in, v, "COPY --from image");
}

static int check_chmod_flag(struct df_check *k, const struct df_instruction *in)
{
    const struct df_flag *fl = flag_of(in, "chmod");
    if (fl == NULL || fl->expanded == NULL || fl->unresolved)
        return 0;
    unsigned bits = df_mode_bits(fl->expanded);
    char *show = df_snippet(fl->expanded, strlen(fl->expanded), 40);
    if (show == NULL)
        return strata_error_nomem(k->err);
    int rc = 0;
    if (bits & DF_MODE_WORLD_WRITABLE)
        rc = df_emit(k, DFR_WORLD_WRITABLE, NULL, in,
                     "%s --chmod=%s makes the copied files world-writable", df_cmd_name(in->cmd),
                     show);
    if (rc == 0 && (bits & (DF_MODE_SETUID | DF_MODE_SETGID)))
        rc = df_emit(k, DFR_SETID, (bits & DF_MODE_SETUID) ? "HIGH" : "MEDIUM", in,
                     "%s --chmod=%s sets the %s bit on the copied files", df_cmd_name(in->cmd),
                     show, (bits & DF_MODE_SETUID) ? "setuid" : "setgid");
    free(show);
    return rc;
}

static int has_suffix_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* ADD unpacks local tar archives (plain, gzip, bzip2, xz, zstd): COPY cannot. */
static int looks_like_archive(const char *s)
{
    static const char *const ext[] = {".tar", ".tgz",  ".tbz",  ".tbz2", ".tb2",
                                      ".txz", ".tzst", ".gz",   ".bz2",  ".xz",
                                      ".zst", ".lz4",  ".lzma", ".taz",  ".tz2"};
    for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
        if (has_suffix_ci(s, ext[i]))
            return 1;
    return 0;
}

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int check_add(struct df_check *k, const struct df_instruction *in)
{
    if (in->n_words < 2)
        return 0;
    const struct df_flag *checksum = flag_of(in, "checksum");
    int local_reported = 0, remote_reported = 0;
    for (size_t i = 0; i + 1 < in->n_words; i++) {
        const struct df_word *w = &in->words[i];
        const char *v = w->value;
        if (!in->json && in->n_heredocs > 0 && strncmp(w->raw, "<<", 2) == 0) {
            if (!local_reported) {
                local_reported = 1;
                int rc = df_emit(k, DFR_ADD_LOCAL, NULL, in,
                                 "ADD of a here-document: COPY does the same without ADD's "
                                 "download and unpacking behaviour");
                if (rc != 0)
                    return rc;
            }
            continue;
        }
        if (w->unresolved || v == NULL || *v == '\0')
            continue;
        int url = strncasecmp(v, "http://", 7) == 0 || strncasecmp(v, "https://", 8) == 0;
        int git = strncmp(v, "git@", 4) == 0 || strncasecmp(v, "git://", 6) == 0 ||
                  strncasecmp(v, "ssh://", 6) == 0 ||
                  (url && strstr(v, ".git") != NULL &&
                   (has_suffix_ci(v, ".git") || strstr(v, ".git#") != NULL));
        char *show = NULL;
        int rc = 0;
        if (git) {
            const char *frag = strchr(v, '#');
            size_t fn = frag ? strcspn(frag + 1, ":") : 0;
            int commit = frag && fn == 40 && is_hex(frag + 1, 40);
            if (!commit && checksum == NULL && !remote_reported) {
                remote_reported = 1;
                if ((show = df_snippet(v, strlen(v), 120)) == NULL)
                    return strata_error_nomem(k->err);
                rc = df_emit(k, DFR_ADD_REMOTE, NULL, in,
                             "ADD %s: a git source not pinned to a commit can change between "
                             "builds",
                             show);
            }
        } else if (url) {
            if (checksum == NULL && !remote_reported) {
                remote_reported = 1;
                if ((show = df_snippet(v, strlen(v), 120)) == NULL)
                    return strata_error_nomem(k->err);
                rc = df_emit(k, DFR_ADD_REMOTE, NULL, in,
                             "ADD %s downloads a file without verifying it (no --checksum)", show);
            }
        } else if (!looks_like_archive(v) && !local_reported) {
            local_reported = 1;
            if ((show = df_snippet(v, strlen(v), 120)) == NULL)
                return strata_error_nomem(k->err);
            rc = df_emit(k, DFR_ADD_LOCAL, NULL, in,
                         "ADD %s copies a local file that is not an archive: COPY does the same "
                         "without ADD's download and unpacking behaviour",
                         show);
        }
        free(show);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* A value that is a reference ($X, ${X}) rather than a literal. */
static int is_reference(const char *raw)
{
    if (*raw == '"' || *raw == '\'')
        raw++;
    return *raw == '$';
}

static int check_secrets(struct df_check *k, const struct df_instruction *in)
{
    for (size_t i = 0; i < in->n_pairs; i++) {
        const struct df_pair *p = &in->pairs[i];
        if (p->raw == NULL || p->value == NULL || *p->value == '\0' || is_reference(p->raw) ||
            !checks_key_is_secret(p->key, strlen(p->key)))
            continue;
        struct strbuf sb = STRBUF_INIT;
        if (checks_redact_value(&sb, p->value, strlen(p->value)) != 0) {
            strbuf_release(&sb);
            return strata_error_nomem(k->err);
        }
        char key[80];
        snprintf(key, sizeof key, "%.64s%s", p->key, strlen(p->key) > 64 ? "…" : "");
        int rc = df_emit(k, DFR_SECRET, NULL, in,
                         in->cmd == DF_ENV
                             ? "ENV %s=%s puts a credential in the image configuration, visible "
                               "to anyone who can pull the image"
                             : "ARG %s=%s: the default value of a build argument is recorded "
                               "in the image history",
                         key, sb.buf);
        strbuf_release(&sb);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int check_expose(struct df_check *k, const struct df_instruction *in)
{
    static const struct {
        unsigned port;
        const char *what, *severity;
    } ports[] = {
        {22, "SSH", "MEDIUM"},
        {23, "telnet (unencrypted)", "HIGH"},
        {2375, "the Docker API without TLS", "HIGH"},
        {2376, "the Docker API", "MEDIUM"},
        {3389, "RDP", "MEDIUM"},
    };
    for (size_t i = 0; i < in->n_words; i++) {
        const struct df_word *w = &in->words[i];
        if (w->unresolved)
            continue;
        char *end;
        const char *v = w->value;
        if (!isdigit((unsigned char)*v))
            continue;
        unsigned long lo = strtoul(v, &end, 10), hi = lo;
        if (*end == '-' && isdigit((unsigned char)end[1]))
            hi = strtoul(end + 1, &end, 10);
        if (*end != '\0' && *end != '/')
            continue;
        for (size_t p = 0; p < sizeof ports / sizeof *ports; p++) {
            if (ports[p].port < lo || ports[p].port > hi)
                continue;
            int rc = df_emit(k, DFR_PORT, ports[p].severity, in, "EXPOSE %.40s: port %u is %s", v,
                             ports[p].port, ports[p].what);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

static int is_absolute(const char *p)
{
    return *p == '/' || *p == '\\' ||
           (isalpha((unsigned char)p[0]) && p[1] == ':' && (p[2] == '\\' || p[2] == '/'));
}

/* The stage chain of stage s: s, its parent stage, … (bounded by the stage count). */
#define FOR_CHAIN(f, s, var)                                                                       \
    for (long var = (long)(s), var##_n = 0; var >= 0 && (size_t)var##_n <= (f)->n_stages;          \
         var = (f)->stages[var].parent, var##_n++)

static int check_workdir(struct df_check *k, size_t idx)
{
    const struct df_instruction *in = &k->f->ins[idx];
    if (in->n_words != 1 || in->words[0].unresolved)
        return 0;
    const char *v = in->words[0].value;
    /* relative to an absolute WORKDIR set before it (in this stage or those it builds on) is
     * well defined */
    if (*v == '\0' || is_absolute(v) || (k->facts[idx] & DF_FACT_ABS_WORKDIR))
        return 0;
    char *show = df_snippet(v, strlen(v), 120);
    if (show == NULL)
        return strata_error_nomem(k->err);
    int rc = df_emit(k, DFR_WORKDIR, NULL, in,
                     "WORKDIR %s is relative, to the base image's working directory", show);
    free(show);
    return rc;
}

static int check_instruction(struct df_check *k, size_t idx)
{
    const struct df_instruction *in = &k->f->ins[idx];
    int rc = 0;
    switch (in->cmd) {
    case DF_FROM:
        rc = check_from(k, in);
        break;
    case DF_COPY:
        rc = check_copy_from(k, in);
        if (rc == 0)
            rc = check_chmod_flag(k, in);
        break;
    case DF_ADD:
        rc = check_add(k, in);
        if (rc == 0)
            rc = check_chmod_flag(k, in);
        break;
    case DF_RUN:
        rc = df_check_run(k, in);
        break;
    case DF_ENV:
    case DF_ARG:
        rc = check_secrets(k, in);
        break;
    case DF_EXPOSE:
        rc = check_expose(k, in);
        break;
    case DF_MAINTAINER:
        rc = df_emit(k, DFR_MAINTAINER, NULL, in,
                     "MAINTAINER is deprecated; the author belongs in a label");
        break;
    case DF_WORKDIR:
        rc = check_workdir(k, idx);
        break;
    default:
        break;
    }
    return rc;
}

/* DF-019/DF-020: every CMD (ENTRYPOINT) of a stage but its last one is dead. */
static int check_repeated(struct df_check *k, const struct df_stage *st, enum df_cmd cmd,
                          enum df_rule_id r)
{
    const struct df_file *f = k->f;
    long last = -1;
    for (size_t i = st->from + 1; i < st->end; i++)
        if (f->ins[i].cmd == cmd)
            last = (long)i;
    for (size_t i = st->from + 1; last >= 0 && i < (size_t)last; i++) {
        if (f->ins[i].cmd != cmd)
            continue;
        int rc = df_emit(k, r, NULL, &f->ins[i],
                         "%s is overridden by the %s at line %d of the same stage",
                         df_cmd_name(cmd), df_cmd_name(cmd), f->ins[last].line);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* The last instruction of kind cmd in the last stage, or in the stages it builds on. */
static const struct df_instruction *last_in_chain(const struct df_file *f, enum df_cmd cmd)
{
    FOR_CHAIN(f, (long)f->n_stages - 1, s)
    {
        const struct df_stage *st = &f->stages[s];
        for (size_t i = st->end; i > st->from + 1; i--)
            if (f->ins[i - 1].cmd == cmd)
                return &f->ins[i - 1];
    }
    return NULL;
}

static int is_root_user(const char *u)
{
    size_t n = strcspn(u, ":");
    if (n == 4 && strncmp(u, "root", 4) == 0)
        return 1;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (u[i] != '0')
            return 0;
    return 1;
}

static int check_last_stage(struct df_check *k)
{
    const struct df_file *f = k->f;
    const struct df_stage *last = &f->stages[f->n_stages - 1];
    const struct df_instruction *from = &f->ins[last->from];
    const struct df_instruction *user = last_in_chain(f, DF_USER);
    int rc = 0;
    if (user == NULL) {
        rc = df_emit(k, DFR_ROOT, "MEDIUM", from,
                     "the last stage sets no USER: the container runs as the base image's "
                     "user, root unless that image sets another");
    } else if (user->n_words == 1 && !user->words[0].unresolved &&
               is_root_user(user->words[0].value)) {
        char *show = df_snippet(user->words[0].value, strlen(user->words[0].value), 60);
        if (show == NULL)
            return strata_error_nomem(k->err);
        rc = df_emit(k, DFR_ROOT, NULL, user,
                     "USER %s: the container runs as root (the last USER of the last stage)", show);
        free(show);
    }
    if (rc != 0)
        return rc;
    const struct df_instruction *hc = last_in_chain(f, DF_HEALTHCHECK);
    if (hc == NULL)
        rc = df_emit(k, DFR_HEALTHCHECK, NULL, from,
                     "the last stage has no HEALTHCHECK: nothing tells a failing service from a "
                     "running one");
    else if (hc->n_words >= 1 && strcasecmp(hc->words[0].raw, "NONE") == 0)
        rc = df_emit(k, DFR_HEALTHCHECK, NULL, hc,
                     "HEALTHCHECK NONE disables the health check of the image");
    return rc;
}

static int is_posix_shell(const char *path)
{
    static const char *const shells[] = {"sh",  "bash", "dash",    "ash", "zsh",
                                         "ksh", "mksh", "busybox", NULL};
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    for (const char *const *s = shells; *s; s++)
        if (strcmp(b, *s) == 0)
            return 1;
    return 0;
}

static int run_mentions(const struct df_instruction *in, const char *word)
{
    if (strcasestr(in->text, word))
        return 1;
    for (size_t h = 0; h < in->n_heredocs; h++)
        if (strcasestr(in->heredocs[h].content, word))
            return 1;
    return 0;
}

/* One pass over the stages in order (a stage only builds on earlier ones). */
static unsigned char *compute_facts(const struct df_file *f)
{
    unsigned char *facts = calloc(f->n_ins ? f->n_ins : 1, 1);
    unsigned char *final = calloc(f->n_stages ? f->n_stages : 1, 1);
    if (facts == NULL || final == NULL) {
        free(facts);
        free(final);
        return NULL;
    }
    for (size_t s = 0; s < f->n_stages; s++) {
        const struct df_stage *st = &f->stages[s];
        unsigned char bits = st->parent >= 0 ? final[st->parent] : 0;
        facts[st->from] = bits;
        for (size_t i = st->from + 1; i < st->end; i++) {
            const struct df_instruction *in = &f->ins[i];
            if (in->cmd == DF_RUN) {
                if (!(bits & DF_FACT_APT_YES) && run_mentions(in, "Assume-Yes"))
                    bits |= DF_FACT_APT_YES;
                if (!(bits & DF_FACT_APT_NOREC) && run_mentions(in, "Install-Recommends"))
                    bits |= DF_FACT_APT_NOREC;
            }
            facts[i] = bits;
            if (in->cmd == DF_ENV || in->cmd == DF_ARG) {
                for (size_t p = 0; p < in->n_pairs; p++)
                    if (strcmp(in->pairs[p].key, "PIP_NO_CACHE_DIR") == 0) {
                        if (in->pairs[p].value && *in->pairs[p].value)
                            bits |= DF_FACT_PIP_NOCACHE;
                        else
                            bits &= (unsigned char)~DF_FACT_PIP_NOCACHE;
                    }
            } else if (in->cmd == DF_WORKDIR && in->n_words == 1 && !in->words[0].unresolved &&
                       is_absolute(in->words[0].value)) {
                bits |= DF_FACT_ABS_WORKDIR;
            } else if (in->cmd == DF_SHELL && in->n_words > 0) {
                char name[64];
                snprintf(name, sizeof name, "%s", in->words[0].raw);
                size_t n = strlen(name);
                if (n > 4 && strcasecmp(name + n - 4, ".exe") == 0)
                    name[n - 4] = '\0';
                if (is_posix_shell(name))
                    bits &= (unsigned char)~DF_FACT_NON_POSIX;
                else
                    bits |= DF_FACT_NON_POSIX;
            }
        }
        final[s] = bits;
    }
    free(final);
    return facts;
}

int config_check_dockerfile(struct config_ctx *c, const struct config_source *src,
                            struct strata_error *err)
{
    struct df_file *f = NULL;
    int rc = df_parse(src->path, src->data, src->len, &f, err);
    if (rc != 0)
        return rc;
    unsigned char *facts = compute_facts(f);
    if (facts == NULL) {
        df_free(f);
        return strata_error_nomem(err);
    }
    struct df_check k = {c, src, f, err, facts};
    for (size_t i = 0; i < f->n_ins && rc == 0; i++)
        rc = check_instruction(&k, i);
    for (size_t s = 0; s < f->n_stages && rc == 0; s++) {
        rc = check_repeated(&k, &f->stages[s], DF_CMD, DFR_MULTI_CMD);
        if (rc == 0)
            rc = check_repeated(&k, &f->stages[s], DF_ENTRYPOINT, DFR_MULTI_ENTRYPOINT);
    }
    if (rc == 0 && f->n_stages > 0)
        rc = check_last_stage(&k);
    free(facts);
    df_free(f);
    return rc;
}
