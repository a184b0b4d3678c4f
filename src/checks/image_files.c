/* Filesystem checks over the final view: CIS 4.8 setuid/setgid files, one finding per file
 * and one summary with the image-wide removal (STRATA-DI-0004), and world-writable
 * directories (without the sticky bit) and files. Metadata only: no file is read. */
#include "checks/checks.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/os_owner.h"

enum kind { SETUID_SETGID, WW_DIR, WW_FILE };

struct cand {
    char *path; /* view path, no leading '/' */
    enum kind kind;
    uint32_t mode, uid, gid;
    int layer;
    const char *owner; /* OS package name (the report's string), NULL when none lists it */
};

struct walk {
    struct cand *c;
    size_t n, cap;
    size_t per_kind[3];
    size_t suid_total; /* setuid/setgid files, also those past the per-kind bound */
    int rc;
};

/* setuid/setgid files stock Debian and Alpine images ship (their passwd, util-linux, mount,
 * login, PAM, busybox packages). Matched without a leading "usr/" so both merged and
 * unmerged /usr layouts match. Only a file an OS package owns is allow-listed: the same
 * path outside any package is planted. */
static const char *const allowed_suid[] = {
    "bin/chfn",
    "bin/chsh",
    "bin/gpasswd",
    "bin/mount",
    "bin/newgrp",
    "bin/passwd",
    "bin/su",
    "bin/umount",
    "bin/chage",
    "bin/expiry",
    "sbin/unix_chkpwd",
    "bin/wall",
    "bin/write.ul",
    "bin/bsd-write",
    "bin/crontab",
    "bin/ssh-agent",
    "bin/bbsuid",
    "bin/sudo",
    "sbin/pam_extrausers_chkpwd",
    "lib/dbus-1.0/dbus-daemon-launch-helper",
    "lib/openssh/ssh-keysign",
};

/* A user's allow-list entry (--setuid-allow) is a glob over the absolute path and is trusted
 * whoever owns the file: the user has looked at it. 2 user-allowed, 1 default, 0 not. */
static int suid_allowed(const char *path, const char *owner, const char *const *extra)
{
    for (size_t i = 0; extra != NULL && extra[i] != NULL; i++) {
        const char *g = extra[i];
        if (fnmatch(*g == '/' ? g + 1 : g, path, FNM_PATHNAME) == 0)
            return 2;
    }
    if (owner == NULL)
        return 0;
    if (strncmp(path, "usr/", 4) == 0)
        path += 4;
    for (size_t i = 0; i < sizeof allowed_suid / sizeof *allowed_suid; i++) {
        if (strcmp(path, allowed_suid[i]) == 0)
            return 1;
    }
    return 0;
}

static int collect(const struct strata_node_info *n, void *arg)
{
    struct walk *w = arg;
    if (n->deleted_by >= 0 || n->path == NULL || *n->path == '\0')
        return 0;
    enum kind k;
    if (n->type == STRATA_FT_REG && (n->mode & 06000))
        k = SETUID_SETGID;
    else if (n->type == STRATA_FT_DIR && (n->mode & 0002) && !(n->mode & 01000))
        k = WW_DIR;
    else if (n->type == STRATA_FT_REG && (n->mode & 0002))
        k = WW_FILE;
    else
        return 0;
    if (k == SETUID_SETGID)
        w->suid_total++;
    if (w->per_kind[k] >= CHECKS_MAX_FILE_FINDINGS)
        return 0;
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 32;
        struct cand *c = realloc(w->c, cap * sizeof *c);
        if (c == NULL)
            return w->rc = STRATA_ENOMEM;
        w->c = c;
        w->cap = cap;
    }
    struct cand *c = &w->c[w->n];
    if ((c->path = strdup(n->path)) == NULL)
        return w->rc = STRATA_ENOMEM;
    c->kind = k;
    c->mode = n->mode & 07777;
    c->uid = n->uid;
    c->gid = n->gid;
    c->layer = n->layer;
    c->owner = NULL;
    w->n++;
    w->per_kind[k]++;
    /* A setuid file that is also world-writable gets both findings. */
    if (k == SETUID_SETGID && (n->mode & 0002) && w->per_kind[WW_FILE] < CHECKS_MAX_FILE_FINDINGS)
        return collect(&(struct strata_node_info){.path = n->path,
                                                  .type = n->type,
                                                  .mode = n->mode & ~06000u,
                                                  .uid = n->uid,
                                                  .gid = n->gid,
                                                  .layer = n->layer,
                                                  .deleted_by = -1},
                       arg);
    return 0;
}

/* Sets each candidate's owner from the OS packages' file lists. */
static int find_owners(struct cand *c, size_t n, const struct strata_view *view,
                       const struct strata_report *r)
{
    if (n == 0)
        return 0;
    const char **paths = calloc(n, sizeof *paths), **owners = calloc(n, sizeof *owners);
    int rc = paths && owners ? 0 : STRATA_ENOMEM;
    for (size_t i = 0; i < n && rc == 0; i++)
        paths[i] = c[i].path;
    if (rc == 0)
        rc = inventory_os_owners(r, view, paths, n, owners);
    for (size_t i = 0; i < n && rc == 0; i++)
        c[i].owner = owners[i];
    free(paths);
    free(owners);
    return rc;
}

static int emit(const struct cand *c, const char *const *setuid_allow, struct strata_report *r)
{
    struct strbuf path = STRBUF_INIT, msg = STRBUF_INIT;
    int rc = strbuf_addch(&path, '/');
    rc = rc ? rc : strbuf_adds(&path, c->path);
    const char *id, *cis = NULL, *title, *severity, *remediation;
    char mode[8];
    snprintf(mode, sizeof mode, "%04o", (unsigned)c->mode);
    if (c->kind == SETUID_SETGID) {
        int suid = (c->mode & 04000) != 0, sgid = (c->mode & 02000) != 0;
        int allowed = suid_allowed(c->path, c->owner, setuid_allow);
        id = "CIS-DI-0008";
        cis = "4.8";
        title = "setuid/setgid file";
        severity = allowed ? "LOW" : c->owner == NULL ? "HIGH" : "MEDIUM";
        remediation = "Remove the setuid/setgid bit (chmod u-s,g-s) from binaries the "
                      "application does not need, and run containers with "
                      "--security-opt=no-new-privileges.";
        rc = rc ? rc
                : strbuf_addf(&msg, "%s file %s (mode %s, uid %u, gid %u) ",
                              suid && sgid ? "setuid and setgid"
                              : suid       ? "setuid"
                                           : "setgid",
                              path.buf, mode, (unsigned)c->uid, (unsigned)c->gid);
        const char *note = allowed == 2   ? " (on the --setuid-allow list)"
                           : allowed == 1 ? " (on the default allow-list)"
                                          : "";
        if (rc == 0 && c->owner != NULL)
            rc = strbuf_addf(&msg, "from package %s%s.", c->owner, note);
        else if (rc == 0)
            rc = strbuf_addf(&msg, "that no OS package owns%s.", allowed ? note : " (planted)");
    } else {
        int dir = c->kind == WW_DIR;
        id = dir ? "STRATA-DI-0002" : "STRATA-DI-0003";
        title = dir ? "World-writable directory without the sticky bit" : "World-writable file";
        severity = "MEDIUM";
        remediation = dir ? "Remove write permission for others (chmod o-w) or set the sticky "
                            "bit (chmod +t) as /tmp has."
                          : "Remove write permission for others (chmod o-w).";
        rc = rc ? rc
                : strbuf_addf(&msg, "world-writable %s %s (mode %s, uid %u, gid %u)%s%s%s.",
                              dir ? "directory" : "file", path.buf, mode, (unsigned)c->uid,
                              (unsigned)c->gid, dir ? " without the sticky bit" : "",
                              c->owner ? ", from package " : ", no OS package owns it",
                              c->owner ? c->owner : "");
    }
    if (rc == 0)
        rc = strata_report_add_misconf(r, id, cis, title, severity, path.buf, c->layer, msg.buf,
                                       remediation, path.buf);
    strbuf_release(&path);
    strbuf_release(&msg);
    return rc;
}

/* One finding for all setuid/setgid files but those the user allow-listed: the per-file
 * findings say which files, this one gives the image-wide removal in one line and the
 * no-new-privileges run option, which defuses any setuid file left (Dockle's advice for
 * CIS-DI-0008). */
static int emit_summary(const struct walk *w, const char *const *setuid_allow,
                        struct strata_report *r)
{
    size_t user = 0, by_default = 0, planted = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->c[i].kind != SETUID_SETGID)
            continue;
        int allowed = suid_allowed(w->c[i].path, w->c[i].owner, setuid_allow);
        user += allowed == 2;
        by_default += allowed == 1;
        planted += !allowed && w->c[i].owner == NULL;
    }
    size_t total = w->suid_total - user;
    if (total == 0)
        return 0;
    struct strbuf msg = STRBUF_INIT;
    int rc =
        strbuf_addf(&msg, "The image has %zu setuid/setgid file%s", total, total == 1 ? "" : "s");
    const char *sep = " (";
    if (rc == 0 && by_default > 0) {
        rc = strbuf_addf(&msg, "%s%zu on the default allow-list", sep, by_default);
        sep = ", ";
    }
    if (rc == 0 && planted > 0) {
        rc = strbuf_addf(&msg, "%s%zu that no OS package owns", sep, planted);
        sep = "; ";
    }
    if (rc == 0 && user > 0) {
        rc = strbuf_addf(&msg, "%s%zu more on the --setuid-allow list not counted",
                         *sep == ' ' ? " (" : "; ", user);
        sep = "; ";
    }
    if (rc == 0 && *sep != ' ')
        rc = strbuf_addch(&msg, ')');
    rc = rc ? rc
            : strbuf_adds(&msg, ": each lets a process in the container gain its owner's "
                                "privileges; the CIS-DI-0008 findings list them.");
    if (rc == 0)
        rc = strata_report_add_misconf(
            r, "STRATA-DI-0004", "4.8", "setuid/setgid bits not stripped", "LOW", NULL, -1, msg.buf,
            "Strip the bits in the last RUN step of the Dockerfile: "
            "`find / -xdev -perm /6000 -type f -exec chmod a-s {} +` (then restore the bit only "
            "on a binary the application needs), and run containers with "
            "`--security-opt=no-new-privileges` (Kubernetes: allowPrivilegeEscalation: false) "
            "so no setuid file left can raise privileges.",
            "filesystem");
    strbuf_release(&msg);
    return rc;
}

int checks_image_files(const struct strata_view *view, const char *const *setuid_allow,
                       struct strata_report *r, struct strata_error *err)
{
    struct walk w = {0};
    strata_view_foreach(view, collect, &w);
    int rc = w.rc;
    if (rc == 0)
        rc = find_owners(w.c, w.n, view, r);
    for (size_t i = 0; i < w.n && rc == 0; i++)
        rc = emit(&w.c[i], setuid_allow, r);
    if (rc == 0)
        rc = emit_summary(&w, setuid_allow, r);
    for (size_t i = 0; i < w.n; i++)
        free(w.c[i].path);
    free(w.c);
    return rc == 0 ? 0 : strata_error_nomem(err);
}
