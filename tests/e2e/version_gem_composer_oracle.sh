# E2E for `strata version compare --type gem|composer|nuget`. RubyGems against Ruby's own
# Gem::Version (Debian's ruby) and Composer against Composer\Semver (Debian's php-cli and
# php-composer-semver, which composer depends on): seeded generated pairs plus hand-picked
# examples, every answer compared. NuGet has no reference installable here (no .NET on
# Debian 12): it is checked against a curated table from NuGet's documented rules here and
# in tests/unit/test_version_gem_nuget_composer.c.
. "$SRCROOT/tests/e2e/lib.inc"

py=/usr/bin/python3
[ -x "$py" ] || py=python3
gen="$SRCROOT/tests/e2e/version_oracle_gen_gc.py"

if [ ! -x "$STRATA" ]; then
    skip version-gem-composer "strata is not built ($STRATA)"
    exit 0
fi
if [ "$(echo '1.0 1.0.0' | "$STRATA" version compare --type gem - 2>/dev/null)" != "=" ]; then
    skip version-gem-composer "'strata version compare --type gem -' does not work in this build"
    exit 0
fi

strata_answers() { # TYPE PAIRS OUT
    "$STRATA" version compare --type "$1" - <"$2" 2>"$3.err" | sed 's/^error:.*/error/' >"$3"
}

judge() { # NAME PAIRS EXPECTED GOT WHAT
    local name=$1 pairs=$2 exp=$3 got=$4 what=$5
    local n
    n=$(wc -l <"$pairs")
    if [ "$(wc -l <"$got")" -ne "$n" ] || [ "$(wc -l <"$exp")" -ne "$n" ]; then
        fail "$name" "answer count differs: $n pairs, $(wc -l <"$exp") expected, $(wc -l <"$got") from strata: $(head -3 "$got.err" 2>/dev/null)"
        return
    fi
    paste -d' ' "$pairs" "$exp" "$got" | awk '$3 != $4' >"$got.diff"
    if [ -s "$got.diff" ]; then
        fail "$name" "$(wc -l <"$got.diff") of $n pairs disagree with $what (A B expected strata): $(head -5 "$got.diff" | tr '\n' ';')"
    else
        pass "$name: $n pairs agree with $what ($(grep -c '^<$' "$exp") <, $(grep -c '^=$' "$exp") =, $(grep -c '^>$' "$exp") >, $(grep -c '^error$' "$exp") invalid)"
    fi
}

# --- RubyGems against Gem::Version ------------------------------------------------------------
if command -v ruby >/dev/null; then
    "$py" "$gen" gem 6000 20260101 >"$WORK/gem.pairs"
    ruby "$SRCROOT/tests/e2e/version_oracle_gem.rb" <"$WORK/gem.pairs" >"$WORK/gem.exp"
    strata_answers gem "$WORK/gem.pairs" "$WORK/gem.got"
    judge "gem oracle" "$WORK/gem.pairs" "$WORK/gem.exp" "$WORK/gem.got" \
        "RubyGems $(ruby -e 'print Gem::VERSION')"
else
    skip "gem oracle" "ruby is not installed (Debian package: ruby)"
fi

# --- Composer against Composer\Semver -----------------------------------------------------------
semver_dir=/usr/share/php
if command -v php >/dev/null && [ -f "$semver_dir/Composer/Semver/autoload.php" ]; then
    "$py" "$gen" composer 6000 20260101 >"$WORK/composer.pairs"
    php "$SRCROOT/tests/e2e/version_oracle_composer.php" "$semver_dir" <"$WORK/composer.pairs" >"$WORK/composer.exp"
    strata_answers composer "$WORK/composer.pairs" "$WORK/composer.got"
    judge "composer oracle" "$WORK/composer.pairs" "$WORK/composer.exp" "$WORK/composer.got" \
        "Composer\\Semver $(dpkg-query -W -f='${Version}' php-composer-semver 2>/dev/null)"
else
    skip "composer oracle" "php or Composer\\Semver is not installed (Debian packages: php-cli php-composer-semver)"
fi

# --- NuGet: curated table -----------------------------------------------------------------------
# Lines: A B EXPECTED  # rule. EXPECTED is <, =, > or error.
sed -e 's/[[:space:]]*#.*//' -e '/^$/d' >"$WORK/nuget.table" <<'TABLE'
1.0 1.0.0 =                       # missing parts are 0
1 1.0.0.0 =                       # a single number is N.0
1.0.0.0 1.0.0 =                   # a zero revision is the same version
1.00 1.0 =                        # leading zeros are insignificant
1.01.1 1.1.1 =
1.0.01.0 1.0.1 =
1.0.0.1 1.0.0 >                   # the fourth part is the revision
1.0.7+r3456 1.0.7 =               # metadata is ignored
1.0.1 1.0.1-zzz >                 # NuGet's documented order, highest first
1.0.1-zzz 1.0.1-rc.10 >
1.0.1-rc.10 1.0.1-rc.2 >          # numeric labels by value
1.0.1-rc.2 1.0.1-open >
1.0.1-open 1.0.1-beta >
1.0.1-beta 1.0.1-alpha2 >
1.0.1-alpha2 1.0.1-alpha10 >      # alpha10 is text: ordinal order
1.0.1-alpha10 1.0.1-aaa >
1.0.0-RC.1 1.0.0-rc.1 =           # labels compare case-insensitively
1.0.0-alpha 1.0.0-alpha.1 <       # a longer label list wins on an equal prefix
1.0.0-1 1.0.0-a <                 # a number is below text
1.0.0-2147483648 1.0.0-3 >        # beyond int: text, above any number
1.0.0-alpha+a 1.0.0-alpha+b =
2147483647.0 2147483646.9 >       # numbers are .NET ints
2147483648.0 1.0 error
1.0.0.0.0 1.0 error               # at most four parts
1.0.0-01 1.0 error                # numeric label with a leading zero
1.0.0- 1.0 error                  # empty label
1.0.0+ 1.0 error                  # empty metadata
1.0.0-a..b 1.0 error
1..0 1.0 error
.1 1.0 error
v1.0 1.0 error                    # no v prefix in NuGet
1.0.0-a_b 1.0 error               # labels are [0-9A-Za-z-]
TABLE
awk '{print $1, $2}' "$WORK/nuget.table" >"$WORK/nuget.pairs"
awk '{print $3}' "$WORK/nuget.table" >"$WORK/nuget.exp"
strata_answers nuget "$WORK/nuget.pairs" "$WORK/nuget.got"
judge "nuget table (NuGet.Versioning rules; no .NET installed)" "$WORK/nuget.pairs" \
    "$WORK/nuget.exp" "$WORK/nuget.got" "the curated table"
