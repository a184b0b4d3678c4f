/* `strata db build|info|update`: build the vulnerability database from feed files and show
 * what a database holds. 'update' lives in db_update_cmd.c. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "vulndb/vulndb.h"

static const char db_help[] =
    "usage: strata db <subcommand> [options]\n"
    "\n"
    "Build, update and inspect the vulnerability database: one SQLite file that scans read\n"
    "offline.\n"
    "\n"
    "subcommands:\n"
    "  build --output FILE SOURCE...   build a database from local feed files\n"
    "  info [--db FILE]                show what a database holds and how old it is\n"
    "  update                          download the feeds and rebuild the default database\n"
    "\n"
    "The default database is $STRATA_DB, else $XDG_CACHE_HOME/strata/db/strata.db, else\n"
    "~/.cache/strata/db/strata.db. 'strata db <subcommand> --help' says more.\n";

static const char build_help[] =
    "usage: strata db build [--output FILE] [--quiet] SOURCE...\n"
    "\n"
    "Build a vulnerability database from local feed files. Each SOURCE is recognised by its\n"
    "content:\n"
    "  an OSV zip            e.g. osv.dev's <Ecosystem>/all.zip, one OSV record per member\n"
    "  a directory           walked for *.json: OSV records and Alpine secdb files\n"
    "  an OSV record         one <ID>.json\n"
    "  Debian tracker JSON   https://security-tracker.debian.org/tracker/data/json\n"
    "  an Alpine secdb file  https://secdb.alpinelinux.org/v3.X/main.json\n"
    "\n"
    "The database is written to a temporary file next to FILE and renamed into place only\n"
    "when every source imported cleanly: a failed build leaves an existing FILE untouched.\n"
    "Withdrawn OSV records, tracker entries that are not affected or undetermined, and\n"
    "releases strata does not map (sid) are skipped and counted in the summary.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   where to write the database (default: the default database,\n"
    "                      $STRATA_DB or ~/.cache/strata/db/strata.db)\n"
    "  -q, --quiet         print nothing but errors\n"
    "  -h, --help          this help\n"
    "\n"
    "exit codes: 0 built, 2 usage error or bad input (the message names the file, the zip\n"
    "            member and the JSON line/column), 3 internal error\n"
    "\n"
    "examples:\n"
    "  strata db build -o vuln.db osv/Go/all.zip osv/PyPI/all.zip alpine-secdb/\n"
    "  strata db build -o vuln.db debian-tracker.json\n"
    "  STRATA_DB=vuln.db strata image app.tar\n";

static const char info_help[] =
    "usage: strata db info [--db FILE] [--format table|json]\n"
    "\n"
    "Show a vulnerability database: schema version, when and by which strata it was built,\n"
    "each source (kind, location, records, newest record date, ecosystems) and the number of\n"
    "advisories and affected-package entries per ecosystem.\n"
    "\n"
    "options:\n"
    "      --db FILE        the database (default: $STRATA_DB, else\n"
    "                       $XDG_CACHE_HOME/strata/db/strata.db, else\n"
    "                       ~/.cache/strata/db/strata.db)\n"
    "  -f, --format FMT     table (default) or json\n"
    "  -h, --help           this help\n"
    "\n"
    "exit codes: 0 shown, 2 usage error, no database or not a strata database,\n"
    "            3 internal error\n";

/* ---- db build ------------------------------------------------------------------------------ */

/* mkdir -p for the directory part of path. */
static int make_parent_dirs(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

static void human_size(long long n, char *out, size_t cap)
{
    if (n >= 1000 * 1000)
        snprintf(out, cap, "%.1f MB", (double)n / 1e6);
    else if (n >= 1000)
        snprintf(out, cap, "%.1f kB", (double)n / 1e3);
    else
        snprintf(out, cap, "%lld bytes", n);
}

static int print_build_summary(const char *path, const struct vulndb_build_stats *s)
{
    struct strata_error err = {0};
    sqlite3 *db;
    if (vulndb_open(path, &db, &err) != 0)
        return cli_fail(&err);
    struct stat st;
    char size[32] = "?";
    if (stat(path, &st) == 0)
        human_size((long long)st.st_size, size, sizeof size);
    printf("built %s in %.1f s: %ld advisories, %ld affected entries, %ld aliases, %s\n", path,
           s->seconds, s->advisories, s->affected, s->aliases, size);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT kind, location, records, newest, ecosystems FROM sources "
                           "ORDER BY id",
                           -1, &q, NULL) == SQLITE_OK) {
        while (sqlite3_step(q) == SQLITE_ROW) {
            const char *eco = (const char *)sqlite3_column_text(q, 4);
            const char *newest = (const char *)sqlite3_column_text(q, 3);
            printf("  %-15s %7lld records  newest %-27s  %s\n      %s\n",
                   (const char *)sqlite3_column_text(q, 0), sqlite3_column_int64(q, 2),
                   newest ? newest : "-", eco && eco[0] ? eco : "-",
                   (const char *)sqlite3_column_text(q, 1));
        }
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
    if (s->withdrawn || s->not_affected || s->undetermined || s->unknown_releases ||
        s->unparsed_ids) {
        printf("skipped:");
        const char *sep = " ";
        if (s->withdrawn) {
            printf("%s%ld withdrawn OSV records", sep, s->withdrawn);
            sep = ", ";
        }
        if (s->not_affected) {
            printf("%s%ld not-affected entries", sep, s->not_affected);
            sep = ", ";
        }
        if (s->undetermined) {
            printf("%s%ld undetermined tracker entries", sep, s->undetermined);
            sep = ", ";
        }
        if (s->unknown_releases) {
            printf("%s%ld tracker entries for sid or unknown releases", sep, s->unknown_releases);
            sep = ", ";
        }
        if (s->unparsed_ids)
            printf("%s%ld secdb entries without a usable id", sep, s->unparsed_ids);
        printf("\n");
    }
    return EXIT_CLEAN;
}

static int cmd_build(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "db build ";
    const char *output = NULL;
    int quiet = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(build_help, stdout);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error(cmd, "expected at least one SOURCE (an OSV zip, a directory, or "
                                    "a JSON file)");
    char path[PATH_MAX];
    if (output == NULL) {
        int rc = vulndb_default_path(NULL, path, sizeof path);
        if (rc != 0)
            return cli_usage_error(cmd, "no default database path (set HOME or STRATA_DB, or "
                                        "pass --output FILE)");
        if (make_parent_dirs(path) != 0) {
            fprintf(stderr, "strata: %s: cannot create its directory: %s\n", path, strerror(errno));
            return EXIT_USAGE;
        }
        output = path;
    } else if (output[0] == '\0') {
        return cli_usage_error(cmd, "--output: empty file name");
    }
    struct vulndb_build_options opt = {
        .progress = !quiet && isatty(STDERR_FILENO),
        .tool_version = STRATA_VERSION,
    };
    struct vulndb_build_stats stats;
    struct strata_error err = {0};
    int rc = vulndb_build_ex(output, argv + optind, (size_t)(argc - optind), &opt, &stats, &err);
    if (rc != 0)
        return cli_fail(&err);
    if (quiet)
        return EXIT_CLEAN;
    return print_build_summary(output, &stats);
}

/* ---- db info ------------------------------------------------------------------------------- */

static char *dup_text(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? strdup((const char *)t) : NULL;
}

static int db_fail(sqlite3 *db, const char *path)
{
    fprintf(stderr, "strata: %s: %s\n", path, sqlite3_errmsg(db));
    return EXIT_USAGE;
}

/* Reads everything info shows into a JSON object (the json format prints it as is). */
static int collect_info(sqlite3 *db, const char *path, json_t **out)
{
    json_t *root = json_object();
    json_t *sources = json_array(), *ecos = json_array();
    int bad = root == NULL || sources == NULL || ecos == NULL;
    if (!bad) {
        bad |= json_object_set_new(root, "path", json_string(path)) != 0;
        bad |= json_object_set_new(root, "sources", sources) != 0;
        bad |= json_object_set_new(root, "ecosystems", ecos) != 0;
    }
    if (bad) {
        json_decref(root);
        return EXIT_INTERNAL;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta ORDER BY key", -1, &st, NULL) !=
        SQLITE_OK)
        goto db_error;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        const char *v = (const char *)sqlite3_column_text(st, 1);
        if (k == NULL || v == NULL)
            continue;
        if (strcmp(k, "schema_version") == 0)
            bad |= json_object_set_new(root, k, json_integer(atoi(v))) != 0;
        else if (strcmp(k, "built_at") == 0 || strcmp(k, "strata_version") == 0)
            bad |= json_object_set_new(root, k, json_string(v)) != 0;
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db,
                           "SELECT kind, location, records, newest, ecosystems FROM sources "
                           "ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        goto db_error;
    long long total_records = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_t *s = json_object(), *el = json_array();
        if (s == NULL || el == NULL) {
            json_decref(s);
            json_decref(el);
            bad = 1;
            break;
        }
        char *e = dup_text(st, 4);
        for (char *tok = e ? strtok(e, ",") : NULL; tok; tok = strtok(NULL, ","))
            bad |= json_array_append_new(el, json_string(tok)) != 0;
        free(e);
        const char *newest = (const char *)sqlite3_column_text(st, 3);
        total_records += sqlite3_column_int64(st, 2);
        bad |= json_object_set_new(s, "kind",
                                   json_string((const char *)sqlite3_column_text(st, 0))) != 0;
        bad |= json_object_set_new(s, "location",
                                   json_string((const char *)sqlite3_column_text(st, 1))) != 0;
        bad |= json_object_set_new(s, "records", json_integer(sqlite3_column_int64(st, 2))) != 0;
        bad |= json_object_set_new(s, "newest", newest ? json_string(newest) : json_null()) != 0;
        bad |= json_object_set_new(s, "ecosystems", el) != 0;
        bad |= json_array_append_new(sources, s) != 0;
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db,
                           "SELECT ecosystem, count(DISTINCT advisory), count(*) FROM affected "
                           "GROUP BY ecosystem ORDER BY ecosystem",
                           -1, &st, NULL) != SQLITE_OK)
        goto db_error;
    long long total_affected = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        json_t *o = json_object();
        if (o == NULL) {
            bad = 1;
            break;
        }
        total_affected += sqlite3_column_int64(st, 2);
        bad |= json_object_set_new(o, "ecosystem",
                                   json_string((const char *)sqlite3_column_text(st, 0))) != 0;
        bad |= json_object_set_new(o, "advisories", json_integer(sqlite3_column_int64(st, 1))) != 0;
        bad |= json_object_set_new(o, "affected", json_integer(sqlite3_column_int64(st, 2))) != 0;
        bad |= json_array_append_new(ecos, o) != 0;
    }
    sqlite3_finalize(st);
    json_t *totals = json_pack("{s:I, s:I}", "records", (json_int_t)total_records, "affected",
                               (json_int_t)total_affected);
    bad |= totals == NULL || json_object_set_new(root, "totals", totals) != 0;
    if (bad) {
        json_decref(root);
        return EXIT_INTERNAL;
    }
    *out = root;
    return EXIT_CLEAN;
db_error:
    json_decref(root);
    return db_fail(db, path);
}

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "-";
}

static void print_info_table(const json_t *info)
{
    printf("database        %s\n", jstr(info, "path"));
    printf("schema version  %lld\n",
           (long long)json_integer_value(json_object_get(info, "schema_version")));
    printf("built           %s (strata %s)\n", jstr(info, "built_at"),
           jstr(info, "strata_version"));
    struct stat st;
    char size[32];
    if (stat(jstr(info, "path"), &st) == 0) {
        human_size((long long)st.st_size, size, sizeof size);
        printf("size            %s\n", size);
    }
    printf("\nSOURCES\n%-15s %8s  %-27s  %s\n", "KIND", "RECORDS", "NEWEST", "LOCATION");
    size_t i;
    const json_t *s;
    json_array_foreach(json_object_get(info, "sources"), i, s)
    {
        printf("%-15s %8lld  %-27s  %s\n", jstr(s, "kind"),
               (long long)json_integer_value(json_object_get(s, "records")), jstr(s, "newest"),
               jstr(s, "location"));
        printf("%-15s %8s  ecosystems: ", "", "");
        size_t j;
        const json_t *e;
        json_array_foreach(json_object_get(s, "ecosystems"), j, e)
        {
            printf("%s%s", j ? ", " : "", json_string_value(e));
        }
        printf("%s\n", json_array_size(json_object_get(s, "ecosystems")) ? "" : "-");
    }
    printf("\n%-20s %10s %10s\n", "ECOSYSTEM", "ADVISORIES", "AFFECTED");
    json_array_foreach(json_object_get(info, "ecosystems"), i, s)
    {
        printf("%-20s %10lld %10lld\n", jstr(s, "ecosystem"),
               (long long)json_integer_value(json_object_get(s, "advisories")),
               (long long)json_integer_value(json_object_get(s, "affected")));
    }
    const json_t *t = json_object_get(info, "totals");
    printf("%-20s %10lld %10lld\n", "total (records)",
           (long long)json_integer_value(json_object_get(t, "records")),
           (long long)json_integer_value(json_object_get(t, "affected")));
}

static int cmd_info(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "db info ";
    const char *db_path = NULL, *format = "table";
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":d:f:h", long_opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db_path = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'h':
            fputs(info_help, stdout);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error(cmd, "--format: '%s' is not table or json", format);
    char path[PATH_MAX];
    if (vulndb_default_path(db_path, path, sizeof path) != 0)
        return cli_usage_error(cmd, "no database path (set HOME or STRATA_DB, or pass --db)");
    struct strata_error err = {0};
    sqlite3 *db;
    if (vulndb_open(path, &db, &err) != 0)
        return cli_fail(&err);
    json_t *info = NULL;
    int rc = collect_info(db, path, &info);
    sqlite3_close(db);
    if (rc != EXIT_CLEAN)
        return rc;
    if (strcmp(format, "json") == 0) {
        if (json_dumpf(info, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
            rc = EXIT_INTERNAL;
        putchar('\n');
    } else {
        print_info_table(info);
    }
    json_decref(info);
    if (fflush(stdout) != 0)
        rc = EXIT_INTERNAL;
    return rc;
}

int cmd_db(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("db ", "expected a subcommand: build, info or update");
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        fputs(db_help, stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(sub, "build") == 0)
        return cmd_build(argc - 1, argv + 1);
    if (strcmp(sub, "info") == 0)
        return cmd_info(argc - 1, argv + 1);
    if (strcmp(sub, "update") == 0)
        return cmd_db_update(argc - 1, argv + 1);
    return cli_usage_error("db ", "unknown subcommand '%s' (expected: build, info, update)", sub);
}
