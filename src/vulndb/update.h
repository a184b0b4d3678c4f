/* 'strata db update': download the configured feeds (or take local files) and rebuild the
 * vulnerability database with vulndb_build(), which replaces the old file atomically. Any
 * failure — a feed that does not download, a corrupt archive, a failed build, an interruption —
 * leaves the previous database byte-identical.
 *
 * Feed list (feeds.conf): one "NAME URL" per line; '#' starts a comment line; blank lines are
 * ignored. NAME: 1-64 of [A-Za-z0-9._-], not starting with '.', unique. URL: http:// or
 * https://, at most 2048 bytes, no spaces or control bytes, unique. At most 256 feeds, file
 * at most 1 MiB. Lookup: an explicit path, else $XDG_CONFIG_HOME/strata/feeds.conf (XDG's
 * default ~/.config when unset), else the built-in list compiled from rules/feeds.conf. */
#ifndef STRATA_VULNDB_UPDATE_H
#define STRATA_VULNDB_UPDATE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "strata/error.h"

#define FEEDS_MAX 256
#define FEEDS_FILE_MAX (1024 * 1024)
#define FEED_NAME_MAX 64
#define FEED_URL_MAX 2048

struct vulndb_feed {
    char *name;
    char *url;
    unsigned line; /* in the feeds file */
};

struct vulndb_feeds {
    struct vulndb_feed *v;
    size_t n;
    char *text;   /* the whole file as read (or the built-in text) */
    char *origin; /* the file's path, or "built-in feeds.conf" */
};

/* The built-in list: rules/feeds.conf as compiled in. */
const char *vulndb_default_feeds_text(void);

/* Parses text[0..len) into out (which the caller frees with vulndb_feeds_free). Errors are
 * STRATA_EFORMAT / STRATA_ELIMIT, "ORIGIN: line N: what". */
int vulndb_feeds_parse(const char *text, size_t len, const char *origin, struct vulndb_feeds *out,
                       struct strata_error *err);

/* Finds, reads and parses the feed list as described above; explicit (from --feeds) wins and
 * must exist. */
int vulndb_feeds_load(const char *explicit_path, struct vulndb_feeds *out,
                      struct strata_error *err);

void vulndb_feeds_free(struct vulndb_feeds *f);

enum vulndb_update_event {
    VULNDB_UPDATE_FEED_START,    /* a download begins (index, name, url) */
    VULNDB_UPDATE_FEED_PROGRESS, /* bytes arrive (received, total) */
    VULNDB_UPDATE_FEED_DONE,     /* the download is complete and looks sane */
    VULNDB_UPDATE_RETRY,         /* an attempt failed and will be retried (attempt, detail,
                                    wait_ms) */
    VULNDB_UPDATE_BUILD_START,   /* vulndb_build starts on count sources */
};

struct vulndb_update_progress {
    enum vulndb_update_event event;
    size_t index, count; /* 0-based feed index, number of feeds */
    const char *name, *url;
    uint64_t received, total; /* bytes; total 0 when unknown */
    unsigned attempt;         /* RETRY: the attempt that failed, 1-based */
    const char *detail;       /* RETRY: what went wrong */
    int64_t wait_ms;          /* RETRY: the pause before the next attempt */
};

typedef void (*vulndb_update_progress_fn)(void *ctx, const struct vulndb_update_progress *p);

struct vulndb_update_options {
    const struct vulndb_feeds *feeds; /* what to download; ignored with from_dir */
    const char *from_dir;             /* build from the files and directories in it instead */
    unsigned retries;                 /* per feed, after the first attempt */
    unsigned backoff_ms;              /* first retry delay (doubles); 0: 1000 */
    long timeout_s;                   /* all downloads together; 0: no limit */
    long connect_timeout_s;           /* 0: 30 */
    long stall_timeout_s;             /* 0: 60 */
    uint64_t max_file_bytes;          /* per download; 0: UPDATE_MAX_FILE_DEFAULT */
    uint64_t max_total_bytes;         /* all downloads; 0: UPDATE_MAX_TOTAL_DEFAULT */
    const char *user_agent;
    volatile sig_atomic_t *cancel; /* set from a signal handler to stop early */
    vulndb_update_progress_fn progress;
    void *progress_ctx;
    int build_progress;       /* passed to vulndb_build */
    const char *tool_version; /* passed to vulndb_build (meta 'strata_version') */
};

#define UPDATE_MAX_FILE_DEFAULT (2ULL << 30)  /* 2 GiB */
#define UPDATE_MAX_TOTAL_DEFAULT (8ULL << 30) /* 8 GiB */

struct vulndb_update_stats {
    size_t sources; /* feeds downloaded, or entries of from_dir */
    uint64_t bytes; /* downloaded */
    int64_t elapsed_ms;
};

/* Creates db_path's directory if missing, takes an exclusive lock (a second concurrent update
 * fails at once), downloads every feed into a fresh ".strata-update-XXXXXX" directory next to
 * db_path (removed afterwards, also stale ones from killed runs), checks each download
 * (HTTP 200, complete, a zip that opens, not an HTML page), and calls vulndb_build(). Error
 * messages name the feed's URL; a build error about a downloaded file names its URL instead
 * of the temporary path. */
int vulndb_update(const char *db_path, const struct vulndb_update_options *opt,
                  struct vulndb_update_stats *stats, struct strata_error *err);

#endif
