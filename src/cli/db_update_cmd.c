/* `strata db update`: download the vulnerability feeds (or take local files) and rebuild the
 * database atomically. The work is in src/vulndb/update.c; this file parses flags, shows
 * progress and maps errors to exit codes. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "vulndb/update.h"
#include "vulndb/vulndb.h"

static const char update_help[] =
    "usage: strata db update [--db FILE] [--feeds FILE | --from DIR] [options]\n"
    "\n"
    "Download the vulnerability feeds and rebuild the database in one step. The new\n"
    "database replaces the old one atomically: if any feed fails to download or\n"
    "import, or the update is interrupted, the previous database stays as it was.\n"
    "\n"
    "the feed list ('NAME URL' lines, '#' comments), first found wins:\n"
    "  --feeds FILE\n"
    "  $XDG_CONFIG_HOME/strata/feeds.conf (default ~/.config/strata/feeds.conf)\n"
    "  the built-in list: OSV.dev (Go, PyPI, npm, crates.io, Debian, Alpine, Maven,\n"
    "  RubyGems, Packagist, NuGet), the Debian security tracker, Alpine secdb.\n"
    "  Print it with --print-feeds and save it as the start of your own list.\n"
    "\n"
    "options:\n"
    "  --db FILE          the database (default: $STRATA_DB, else\n"
    "                     $XDG_CACHE_HOME/strata/db/strata.db, else\n"
    "                     ~/.cache/strata/db/strata.db); its directory is created\n"
    "  --feeds FILE       the feed list to download\n"
    "  --from DIR         air-gapped: build from local files instead of downloading;\n"
    "                     every file and directory in DIR is a source (OSV zips or\n"
    "                     JSON directories, Debian tracker JSON, Alpine secdb JSON);\n"
    "                     names starting with '.' are skipped\n"
    "  --print-feeds      print the feed list that would be used, and exit\n"
    "  --retries N        retries per feed on 429, 5xx, timeouts and dropped\n"
    "                     connections, backing off from 1 s (default 3)\n"
    "  --timeout SECONDS  limit for all downloads together (default 3600; 0: none)\n"
    "  --max-size SIZE    largest download per feed (default 2G; suffix K, M, G)\n"
    "  -q, --quiet        no progress or summary on stderr\n"
    "  -h, --help         this help\n"
    "\n"
    "Downloads go to a temporary '.strata-update-*' directory next to the database,\n"
    "removed afterwards. Proxies: libcurl's http_proxy, https_proxy, no_proxy.\n"
    "Progress is shown when stderr is a terminal. See docs/strata-db-update.md.\n"
    "\n"
    "exit codes: 0 updated, 2 usage error or a feed failed to download or import\n"
    "            (the message names the URL or file), 3 internal error\n"
    "\n"
    "examples:\n"
    "  strata db update\n"
    "  strata db update --db /var/lib/strata/strata.db --feeds /etc/strata/feeds.conf\n"
    "  strata db update --print-feeds > ~/.config/strata/feeds.conf\n"
    "  strata db update --from /media/usb/strata-feeds        # offline\n";

enum {
    OPT_DB = 256,
    OPT_FEEDS,
    OPT_FROM,
    OPT_PRINT,
    OPT_RETRIES,
    OPT_TIMEOUT,
    OPT_MAX_SIZE,
};

static volatile sig_atomic_t cancelled, building;

/* While downloading, a signal stops the transfer and the update fails cleanly. Once the build
 * runs it cannot be stopped midway, so the signal does what it always does and ends the
 * process: the builder's temporary file is never renamed and the old database stays. */
static void on_signal(int sig)
{
    cancelled = 1;
    if (building) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

struct progress_ctx {
    int tty, quiet;
};

static void human(uint64_t b, char *out, size_t cap)
{
    if (b >= (1ULL << 20))
        snprintf(out, cap, "%.1f MiB", (double)b / (1 << 20));
    else if (b >= 1024)
        snprintf(out, cap, "%.1f KiB", (double)b / 1024);
    else
        snprintf(out, cap, "%llu B", (unsigned long long)b);
}

/* Progress on a terminal: one rewritten line per feed, kept when the feed is done. */
static void show_progress(void *ctx, const struct vulndb_update_progress *p)
{
    const struct progress_ctx *pc = ctx;
    if (p->event == VULNDB_UPDATE_BUILD_START)
        building = 1;
    if (p->event == VULNDB_UPDATE_RETRY && !pc->quiet)
        fprintf(stderr, "%sstrata: warning: %s: %s; retrying in %.1f s (attempt %u failed)\n",
                pc->tty ? "\r\033[K" : "", p->url, p->detail, (double)p->wait_ms / 1000,
                p->attempt);
    if (!pc->tty)
        return;
    char got[32], tot[32];
    switch (p->event) {
    case VULNDB_UPDATE_FEED_START:
        fprintf(stderr, "\r[%zu/%zu] %s ...\033[K", p->index + 1, p->count, p->name);
        break;
    case VULNDB_UPDATE_FEED_PROGRESS:
        human(p->received, got, sizeof got);
        if (p->total) {
            human(p->total, tot, sizeof tot);
            fprintf(stderr, "\r[%zu/%zu] %s  %s / %s\033[K", p->index + 1, p->count, p->name, got,
                    tot);
        } else {
            fprintf(stderr, "\r[%zu/%zu] %s  %s\033[K", p->index + 1, p->count, p->name, got);
        }
        break;
    case VULNDB_UPDATE_FEED_DONE:
        human(p->received, got, sizeof got);
        fprintf(stderr, "\r[%zu/%zu] %s  %s\033[K\n", p->index + 1, p->count, p->name, got);
        break;
    case VULNDB_UPDATE_RETRY:
        break; /* printed above, also when stderr is not a terminal */
    case VULNDB_UPDATE_BUILD_START:
        fprintf(stderr, "\rbuilding the database from %zu sources ...\033[K\n", p->count);
        break;
    }
    fflush(stderr);
}

int cmd_db_update(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"feeds", required_argument, NULL, OPT_FEEDS},
        {"from", required_argument, NULL, OPT_FROM},
        {"print-feeds", no_argument, NULL, OPT_PRINT},
        {"retries", required_argument, NULL, OPT_RETRIES},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"max-size", required_argument, NULL, OPT_MAX_SIZE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "db update ";
    const char *db_arg = NULL, *feeds_arg = NULL, *from = NULL;
    int print = 0, quiet = 0;
    long retries = 3, timeout = 3600;
    uint64_t max_size = 0;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":qh", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            db_arg = optarg;
            break;
        case OPT_FEEDS:
            feeds_arg = optarg;
            break;
        case OPT_FROM:
            from = optarg;
            break;
        case OPT_PRINT:
            print = 1;
            break;
        case OPT_RETRIES:
            if (cli_parse_long(optarg, 0, 20, &retries) != 0)
                return cli_usage_error(cmd, "--retries: expected 0..20, got '%s'", optarg);
            break;
        case OPT_TIMEOUT:
            if (cli_parse_long(optarg, 0, 7 * 24 * 3600, &timeout) != 0)
                return cli_usage_error(cmd, "--timeout: expected seconds (0: none), got '%s'",
                                       optarg);
            break;
        case OPT_MAX_SIZE:
            if (cli_parse_size(optarg, &max_size) != 0)
                return cli_usage_error(cmd,
                                       "--max-size: expected a size like 512M or 2G, "
                                       "got '%s'",
                                       optarg);
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(update_help, stdout);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (from && feeds_arg)
        return cli_usage_error(cmd, "--from builds from local files; it cannot be combined "
                                    "with --feeds");

    struct strata_error err = {0};
    struct vulndb_feeds feeds = {0};
    if (from == NULL || print) {
        if (from)
            return cli_usage_error(cmd, "--print-feeds and --from do not go together");
        int rc = vulndb_feeds_load(feeds_arg, &feeds, &err);
        if (rc != 0)
            return cli_fail(&err);
        if (print) {
            fputs(feeds.text, stdout);
            fprintf(stderr, "(%zu feeds from %s)\n", feeds.n, feeds.origin);
            vulndb_feeds_free(&feeds);
            return ferror(stdout) ? EXIT_INTERNAL : EXIT_CLEAN;
        }
    }

    char db[4096];
    int prc = vulndb_default_path(db_arg, db, sizeof db);
    if (prc != 0) {
        vulndb_feeds_free(&feeds);
        if (prc == STRATA_ENOTFOUND)
            return cli_usage_error(cmd, "no home directory to keep the database in: pass --db "
                                        "FILE or set STRATA_DB or XDG_CACHE_HOME");
        return cli_usage_error(cmd, "the database path is too long");
    }

    struct sigaction sa = {0}, old_int, old_term;
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    int tty = !quiet && isatty(STDERR_FILENO);
    struct progress_ctx pc = {.tty = tty, .quiet = quiet};
    struct vulndb_update_options uo = {
        .feeds = &feeds,
        .from_dir = from,
        .retries = (unsigned)retries,
        .timeout_s = timeout,
        .max_file_bytes = max_size,
        .user_agent = "strata/" STRATA_VERSION " (db update)",
        .cancel = &cancelled,
        .progress = show_progress,
        .progress_ctx = &pc,
        .build_progress = tty,
        .tool_version = STRATA_VERSION,
    };
    struct vulndb_update_stats st;
    int rc = vulndb_update(db, &uo, &st, &err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    vulndb_feeds_free(&feeds);
    if (rc != 0) {
        if (tty)
            fputs("\r\033[K", stderr);
        return cli_fail(&err);
    }
    if (!quiet) {
        char got[32];
        human(st.bytes, got, sizeof got);
        if (from)
            fprintf(stderr, "updated %s from %zu local sources in %s (%.1f s)\n", db, st.sources,
                    from, (double)st.elapsed_ms / 1000);
        else
            fprintf(stderr, "updated %s from %zu feeds (%s downloaded, %.1f s)\n", db, st.sources,
                    got, (double)st.elapsed_ms / 1000);
    }
    return EXIT_CLEAN;
}
