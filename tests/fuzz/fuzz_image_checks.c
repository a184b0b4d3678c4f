/* Fuzzes the image checks: the input is an image config document (any JSON) and, as text, a
 * history step for the credential redactor, the /etc/passwd, /etc/shadow and /etc/group of
 * the account checks (the input split at form feeds, or the whole input as each), and the
 * path list of a layer (one path per line) for the leftover and setuid checks and their path
 * classifiers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "core/path.h"
#include "image/view_build.h"

#define MAX_PATHS 512

static void accounts(const char *text, size_t size)
{
    struct checks_account_text files[CHECKS_ACCOUNT_FILES];
    const char *p = text, *end = text + size;
    for (int f = 0; f < CHECKS_ACCOUNT_FILES; f++) {
        const char *ff = memchr(p, '\f', (size_t)(end - p));
        files[f] = (struct checks_account_text){p, (size_t)((ff ? ff : end) - p), f};
        p = ff ? ff + 1 : p;
    }
    struct checks_account_text whole[CHECKS_ACCOUNT_FILES] = {
        {text, size, 0}, {text, size, 0}, {text, size, 0}};
    for (int pass = 0; pass < 2; pass++) {
        struct strata_report *r = strata_report_new();
        struct strata_error err = {0};
        if (r != NULL)
            checks_accounts(pass ? whole : files, r, &err);
        strata_report_free(r);
    }
}

/* Each line a path (normalized as the tar walker would); the byte after a leading '!' picks
 * the entry's type and mode bits. */
static void view_checks(const char *text, size_t size)
{
    struct layer_entry *e = calloc(MAX_PATHS, sizeof *e);
    char(*paths)[STRATA_PATH_MAX] = malloc(MAX_PATHS * sizeof *paths);
    size_t n = 0;
    for (const char *p = text, *end = text + size; e && paths && p < end && n < MAX_PATHS;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((nl ? nl : end) - p);
        unsigned sel = 0;
        const char *name = p;
        if (len >= 2 && p[0] == '!') {
            sel = (unsigned char)p[1];
            name += 2;
            len -= 2;
        }
        enum path_verdict v = path_normalize(name, len, paths[n], STRATA_PATH_MAX);
        if ((v == PATH_OK || v == PATH_ABSOLUTE) && paths[n][0] != '\0') {
            e[n] = (struct layer_entry){.path = paths[n],
                                        .type = sel & 1 ? STRATA_FT_DIR : STRATA_FT_REG,
                                        .mode = (sel & 2 ? 04755u : 0644u) | (sel & 4 ? 2u : 0u) |
                                                (sel & 8 ? 01000u : 0u),
                                        .size = sel & 16 ? 0 : len,
                                        .whiteout = sel & 32 ? WHITEOUT_FILE : WHITEOUT_NONE};
            n++;
        }
        p = nl ? nl + 1 : end;
    }
    struct strata_view *view = e && paths ? view_new() : NULL;
    struct strata_error err = {0};
    if (view != NULL && view_apply_layer(view, 0, e, n, &err) == 0) {
        static const char *const allow[] = {"/usr/local/*", NULL};
        struct strata_report *r = strata_report_new();
        if (r != NULL) {
            checks_leftovers(view, r, &err);
            checks_image_files(view, allow, r, &err);
            strata_report_sort_misconfigurations(r);
        }
        strata_report_free(r);
    }
    for (size_t i = 0; i < n; i++) {
        size_t len;
        checks_cache_of(e[i].path, &len);
        checks_unneeded_of(e[i].path, &len);
    }
    view_free(view);
    free(paths);
    free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct strbuf sb = STRBUF_INIT;
    size_t hits = 0;
    checks_redact_text(&sb, text, &hits, NULL);
    strbuf_release(&sb);
    checks_passwd_uid(text, size, "root", 4);
    json_t *cfg = json_loadb((const char *)data, size, 0, NULL);
    struct strata_report *r = strata_report_new();
    struct strata_error err = {0};
    if (r != NULL) {
        checks_image_config(cfg, text, text, size, 3, r, &err);
        strata_report_sort_misconfigurations(r);
    }
    strata_report_free(r);
    json_decref(cfg);
    accounts(text, size);
    view_checks(text, size);
    free(text);
    return 0;
}
