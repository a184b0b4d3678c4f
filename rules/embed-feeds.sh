#!/bin/sh
# Regenerates src/vulndb/feeds_default.h from rules/feeds.conf, so that the feed list compiled
# into strata and the shipped file are the same text. Run from the source root:
#   rules/embed-feeds.sh > src/vulndb/feeds_default.h
# tests/e2e/db_update.sh checks that the two agree.
set -eu
conf=${1:-rules/feeds.conf}
printf '%s\n' "/* Generated from rules/feeds.conf by rules/embed-feeds.sh: do not edit. */"
printf '%s\n' "#ifndef STRATA_VULNDB_FEEDS_DEFAULT_H" "#define STRATA_VULNDB_FEEDS_DEFAULT_H" ""
printf '%s\n' "// clang-format off" "static const char feeds_default_conf[] ="
# Escape backslashes and double quotes; every line ends with \n inside the literal.
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' "$conf"
printf '%s\n' "    ;" "// clang-format on" "" "#endif"
