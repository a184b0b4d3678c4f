/* `strata version compare`: the version comparators as a plumbing command, one pair from the
 * command line or a stream of pairs from stdin (fast enough to feed a whole advisory set). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "strata/version.h"

static const char version_help[] =
    "usage: strata version compare --type TYPE A B\n"
    "       strata version compare --type TYPE -\n"
    "\n"
    "Compare package versions exactly as the ecosystem's own tool does, and print\n"
    "'<' (A is older), '=' (the same version) or '>' (A is newer).\n"
    "\n"
    "types:\n"
    "  deb     Debian/Ubuntu (dpkg): [epoch:]upstream[-revision], '~' before anything\n"
    "  apk     Alpine (apk-tools): 1.2.3a_rc1~hash-r4\n"
    "  rpm     RHEL/Fedora/SUSE (rpm): [epoch:]version[-release], '~' and '^'\n"
    "  semver  npm and others (Semantic Versioning 2.0.0)\n"
    "  pep440  Python packages (PEP 440)\n"
    "  go      Go modules (v1.2.3, pseudo-versions)\n"
    "  maven   Java artifacts (Maven ComparableVersion)\n"
    "  gem     Ruby gems (RubyGems Gem::Version)\n"
    "  nuget   .NET packages (NuGet.Versioning)\n"
    "  composer PHP packages (Composer normalize + version_compare)\n"
    "\n"
    "With '-' instead of A B, reads lines 'A B' (separated by spaces or tabs) from stdin\n"
    "and prints one answer per line, in order. A line with an invalid version, or without\n"
    "exactly two fields, prints 'error: line N: ...' in its place; the others are still\n"
    "answered and the exit code is 2.\n"
    "\n"
    "options:\n"
    "  -t, --type TYPE   the version scheme (required)\n"
    "  -h, --help        this help\n"
    "\n"
    "exit codes: 0 compared, 2 usage error or an invalid version, 3 internal error\n"
    "\n"
    "examples:\n"
    "  strata version compare --type deb 1:1.2-1 1.3-1          # >  (the epoch wins)\n"
    "  strata version compare --type deb 2.0~rc1 2.0            # <  ('~' is pre-release)\n"
    "  strata version compare --type rpm 1.0-1.el9 1.0-2.el9    # <\n"
    "  strata version compare --type apk 1.2_rc1-r0 1.2-r0      # <\n"
    "  printf '1.0 1.0-0\\n1.0a 1.0+b\\n' | strata version compare --type deb -\n";

/* The longest stdin line accepted: two versions of the library's 4096-byte limit and
 * separators. Longer lines are reported and skipped without buffering them. */
#define LINE_MAX_LEN 8300

static const char *answer(int cmp)
{
    return cmp < 0 ? "<" : cmp > 0 ? ">" : "=";
}

static int is_field_sep(int c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Answers one stdin line (without its newline); returns 1 when it was an error line. */
static int compare_line(enum strata_version_type t, char *line, size_t len, size_t lineno)
{
    if (memchr(line, '\0', len) != NULL) {
        printf("error: line %zu: NUL byte\n", lineno);
        return 1;
    }
    char *field[2] = {NULL, NULL};
    size_t nfields = 0, i = 0;
    while (i < len) {
        while (i < len && is_field_sep((unsigned char)line[i]))
            i++;
        if (i == len)
            break;
        if (nfields < 2)
            field[nfields] = line + i;
        nfields++;
        while (i < len && !is_field_sep((unsigned char)line[i]))
            i++;
        if (i < len)
            line[i++] = '\0'; /* terminates the field in place: no copy, no allocation */
    }
    line[len] = '\0';
    if (nfields != 2) {
        printf("error: line %zu: expected two versions, found %zu field%s\n", lineno, nfields,
               nfields == 1 ? "" : "s");
        return 1;
    }
    struct strata_error err = {0};
    int cmp;
    if (strata_version_compare(t, field[0], field[1], &cmp, &err) != 0) {
        printf("error: line %zu: %s\n", lineno, err.msg);
        return 1;
    }
    fputs(answer(cmp), stdout);
    putchar('\n');
    return 0;
}

/* Reads stdin in blocks of whatever is available and answers line by line; one fixed
 * buffer, no allocation. Answers are flushed after each block, so a program can also drive
 * the command as a coprocess, one line at a time, while a file or a fast pipe still gets
 * large writes. */
static int compare_stream(enum strata_version_type t)
{
    static char buf[1 << 16];
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    size_t have = 0, lineno = 0;
    int errors = 0, skipping = 0, eof = 0;
    while (!eof) {
        ssize_t n = read(STDIN_FILENO, buf + have, sizeof buf - 1 - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fflush(stdout);
            struct strata_error err = {0};
            strata_error_set(&err, STRATA_EIO, "stdin: read error after line %zu: %s", lineno,
                             strerror(errno));
            return cli_fail(&err);
        }
        if (n == 0)
            eof = 1;
        have += (size_t)n;
        size_t start = 0;
        for (;;) {
            char *nl = memchr(buf + start, '\n', have - start);
            size_t end;
            if (nl != NULL) {
                end = (size_t)(nl - buf);
            } else if (eof && have > start) {
                end = have; /* last line without a newline */
            } else {
                break;
            }
            if (skipping) { /* the tail of an overlong line already reported */
                skipping = 0;
            } else {
                lineno++;
                size_t len = end - start;
                if (len > LINE_MAX_LEN) {
                    printf("error: line %zu: longer than %d bytes\n", lineno, LINE_MAX_LEN);
                    errors = 1;
                } else {
                    errors |= compare_line(t, buf + start, len, lineno);
                }
            }
            start = end + (nl != NULL);
            if (nl == NULL)
                break;
        }
        /* Keep the unfinished line; if it alone fills the buffer it is overlong: report it
         * now and drop bytes until its newline. */
        memmove(buf, buf + start, have - start);
        have -= start;
        if (have == sizeof buf - 1) {
            if (!skipping) {
                lineno++;
                printf("error: line %zu: longer than %d bytes\n", lineno, LINE_MAX_LEN);
                errors = 1;
                skipping = 1;
            }
            have = 0;
        }
        fflush(stdout);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        struct strata_error err = {0};
        strata_error_set(&err, STRATA_EIO, "stdout: write error");
        return cli_fail(&err);
    }
    return errors ? EXIT_USAGE : EXIT_CLEAN;
}

static int cmd_compare(int argc, char **argv)
{
    static const struct option long_opts[] = {
        {"type", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *cmd = "version ";
    const char *type_name = NULL;
    int c;
    opterr = 0;
    optind = 1;
    /* Options may come before or after the versions; "--" ends them, for a version that
     * starts with '-'. */
    while ((c = getopt_long(argc, argv, ":t:h", long_opts, NULL)) != -1) {
        switch (c) {
        case 't':
            type_name = optarg;
            break;
        case 'h':
            fputs(version_help, stdout);
            return EXIT_CLEAN;
        case ':':
            return cli_usage_error(cmd, "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (type_name == NULL)
        return cli_usage_error(cmd, "compare: --type is required (deb, apk, rpm, semver, "
                                    "pep440, go, maven, gem, nuget, composer)");
    enum strata_version_type t;
    if (strata_version_type_parse(type_name, &t) != 0)
        return cli_usage_error(cmd,
                               "--type: unknown type '%s' (deb, apk, rpm, semver, pep440, "
                               "go, maven, gem, nuget, composer)",
                               type_name);
    int nargs = argc - optind;
    if (nargs == 1 && strcmp(argv[optind], "-") == 0)
        return compare_stream(t);
    if (nargs != 2)
        return cli_usage_error(cmd, "compare: expected two versions A B, or '-' to read pairs "
                                    "from stdin");
    struct strata_error err = {0};
    int cmp;
    int rc = strata_version_compare(t, argv[optind], argv[optind + 1], &cmp, &err);
    if (rc != 0)
        return cli_fail(&err);
    puts(answer(cmp));
    return EXIT_CLEAN;
}

int cmd_version(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("version ", "expected a subcommand: compare");
    const char *sub = argv[1];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        fputs(version_help, stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(sub, "compare") == 0)
        return cmd_compare(argc - 1, argv + 1);
    return cli_usage_error("version ", "unknown subcommand '%s' (expected: compare)", sub);
}
