# E2E: `strata db update` against a real HTTP server on 127.0.0.1 (tests/e2e/db_update_server.py):
# a full update from the shared advisory data (OSV zips, Alpine secdb) when present, then every
# way a download can go wrong — interrupted body, corrupt or truncated archive, 404, 500s,
# an HTML page, size and time limits, a busy lock — each leaving the previous database
# byte-identical with exit 2 and a message naming the URL; retries that succeed (500 then 200,
# 429 with Retry-After); --from DIR; feed-list lookup and the built-in list matching
# rules/feeds.conf; the default database directory created on demand.
. "$SRCROOT/tests/e2e/lib.inc"

if [ ! -x "$STRATA" ]; then
    fail db_update "no strata binary at $STRATA"
    exit 0
fi
if ! command -v python3 >/dev/null; then
    skip db_update "python3 is needed for the test HTTP server"
    exit 0
fi

srv="$WORK/srv"
mkdir -p "$srv/small" "$srv/bad"
# Small feeds made here, so that the failure cases run without the shared data too.
python3 - "$srv" <<'PY'
import json, sys, zipfile
srv = sys.argv[1]
rec = {"schema_version": "1.6.0", "id": "GO-2024-9901", "modified": "2024-05-02T00:00:00Z",
       "published": "2024-05-01T00:00:00Z", "aliases": ["CVE-2024-99001"],
       "summary": "example.com/m: crafted input crashes the parser",
       "affected": [{"package": {"ecosystem": "Go", "name": "example.com/m"},
                     "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]}]}
with zipfile.ZipFile(srv + "/small/all.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(40):  # big enough that half of it is not a zip
        r = dict(rec, id="GO-2024-%04d" % (9900 + i), aliases=["CVE-2024-%05d" % (99000 + i)])
        z.writestr(r["id"] + ".json", json.dumps(r, indent=1))
secdb = {"distroversion": "v3.19", "reponame": "main",
         "urlprefix": "https://dl-cdn.alpinelinux.org/alpine",
         "apkurl": "{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk",
         "archs": ["x86_64"],
         "packages": [{"pkg": {"name": "openssl", "secfixes": {"3.1.4-r1": ["CVE-2023-5678"]}}}]}
with open(srv + "/small/main.json", "w") as f:
    json.dump(secdb, f, indent=1)
data = open(srv + "/small/all.zip", "rb").read()
open(srv + "/bad/truncated.zip", "wb").write(data[: len(data) * 2 // 3])
garbled = bytearray(data)
for i in range(len(garbled) - 200, len(garbled)):  # the central directory, mostly
    garbled[i] ^= 0x5A
open(srv + "/bad/garbled.zip", "wb").write(bytes(garbled))
open(srv + "/bad/notzip.zip", "wb").write(b'{"this": "is json"}\n')
text = open(srv + "/small/main.json").read()
open(srv + "/bad/truncated.json", "w").write(text[: len(text) // 2])
open(srv + "/big.bin", "wb").write(b"PK" + b"\0" * 300000)
PY

have_data=0
if [ -d "$SHARED/data/vulndb/osv" ]; then
    have_data=1
    ln -s "$SHARED/data/vulndb/osv" "$srv/osv"
    ln -s "$SHARED/data/vulndb/alpine-secdb" "$srv/alpine-secdb"
fi

log="$WORK/requests.log"
: >"$log"
python3 "$SRCROOT/tests/e2e/db_update_server.py" "$srv" "$WORK/port" "$log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null' EXIT
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
if [ ! -s "$WORK/port" ]; then
    fail db_update_server "the test HTTP server did not start"
    exit 0
fi
base="http://127.0.0.1:$(cat "$WORK/port")"

# Keep the user's configuration and cache out of it.
export XDG_CONFIG_HOME="$WORK/xdg-config" XDG_CACHE_HOME="$WORK/xdg-cache" HOME="$WORK/home"
unset STRATA_DB
mkdir -p "$HOME"

db="$WORK/db/strata.db"
q() { sqlite3 -readonly "$1" "$2" 2>&1; }
nreq() { grep -c -- "$1" "$log"; }
no_leftovers() { ! ls -a "$(dirname "$db")" | grep -q '^\.strata-update-'; }

printf 'small-osv %s/small/all.zip\nsmall-alpine %s/small/main.json\n' "$base" "$base" >"$WORK/small.conf"

# --- help, usage, the feed list ------------------------------------------------------------
out=$("$STRATA" db update --help 2>&1)
if [ $? -eq 0 ] && grep -q '^usage: strata db update' <<<"$out" && grep -q -- '--from DIR' <<<"$out"; then
    pass db_update_help
else
    fail db_update_help "$out"
fi
expect_exit db_update_bad_retries 2 -- "$STRATA" db update --retries many
expect_exit db_update_extra_arg 2 -- "$STRATA" db update extra
expect_exit db_update_from_and_feeds 2 -- "$STRATA" db update --from "$srv" --feeds "$WORK/small.conf"

if "$STRATA" db update --print-feeds 2>/dev/null | cmp -s - "$SRCROOT/rules/feeds.conf"; then
    pass db_update_builtin_feeds_match_rules
else
    fail db_update_builtin_feeds_match_rules "the compiled-in list differs from rules/feeds.conf: run rules/embed-feeds.sh >src/vulndb/feeds_default.h"
fi
n=$(grep -cE '^(osv-|debian-tracker|alpine-)' "$SRCROOT/rules/feeds.conf")
if [ "$n" -ge 12 ] && grep -q 'osv-vulnerabilities.storage.googleapis.com/Go/all.zip' "$SRCROOT/rules/feeds.conf" &&
    grep -q 'security-tracker.debian.org/tracker/data/json' "$SRCROOT/rules/feeds.conf"; then
    pass db_update_default_feed_list
else
    fail db_update_default_feed_list "$n feeds"
fi
mkdir -p "$XDG_CONFIG_HOME/strata"
cp "$WORK/small.conf" "$XDG_CONFIG_HOME/strata/feeds.conf"
if "$STRATA" db update --print-feeds 2>/dev/null | cmp -s - "$WORK/small.conf"; then
    pass db_update_xdg_feeds
else
    fail db_update_xdg_feeds "$XDG_CONFIG_HOME/strata/feeds.conf not used"
fi
rm -f "$XDG_CONFIG_HOME/strata/feeds.conf"
printf '# comment\nok %s/small/all.zip\nbroken-line-without-url\n' "$base" >"$WORK/broken.conf"
expect_exit db_update_bad_conf 2 -- "$STRATA" db update --db "$db" --feeds "$WORK/broken.conf"
grep -q "broken.conf: line 3: expected 'NAME URL'" <<<"$LAST_ERR" || fail db_update_bad_conf_msg "$LAST_ERR"
printf 'local file:///etc/passwd\n' >"$WORK/file.conf"
expect_exit db_update_conf_not_http 2 -- "$STRATA" db update --db "$db" --feeds "$WORK/file.conf"
grep -q "line 1: column 7: 'file:///etc/passwd' is not an http:// or https:// URL" <<<"$LAST_ERR" ||
    fail db_update_conf_not_http_msg "$LAST_ERR"
printf 'a %s/small/all.zip\na %s/small/main.json\n' "$base" "$base" >"$WORK/dup.conf"
expect_exit db_update_conf_duplicate 2 -- "$STRATA" db update --db "$db" --feeds "$WORK/dup.conf"
expect_exit db_update_conf_missing 2 -- "$STRATA" db update --db "$db" --feeds "$WORK/nonexistent.conf"
[ ! -e "$db" ] && pass db_update_no_db_after_bad_conf || fail db_update_no_db_after_bad_conf "database created"

# --- a full update -------------------------------------------------------------------------
if [ "$have_data" = 1 ]; then
    {
        for e in Go PyPI crates.io Debian npm; do
            [ -f "$srv/osv/$e/all.zip" ] && echo "osv-$e $base/osv/$e/all.zip"
        done
        for f in "$srv"/alpine-secdb/v3.*/*.json; do
            rel=${f#"$srv"/}
            v=${rel#alpine-secdb/}
            echo "alpine-${v%%/*}-$(basename "$f" .json) $base/$rel"
        done
    } >"$WORK/full.conf"
    nfeeds=$(wc -l <"$WORK/full.conf")
    start=$(date +%s)
    expect_exit db_update_full 0 -- "$STRATA" db update --db "$WORK/full.db" --feeds "$WORK/full.conf"
    secs=$(($(date +%s) - start))
    got=$(q "$WORK/full.db" "select count(*) from sources")
    [ "$got" = "$nfeeds" ] && pass db_update_full_sources || fail db_update_full_sources "$got sources, want $nfeeds"
    got=$(q "$WORK/full.db" "select count(*) from sources where kind='alpine-secdb'")
    [ "$got" = 18 ] && pass db_update_full_alpine || fail db_update_full_alpine "$got alpine-secdb sources, want 18"
    # SOURCES.md: Go 4,291 records of which 17 withdrawn; crates.io 1,205 of which 13 withdrawn
    got=$(q "$WORK/full.db" "select count(*) from advisories where advisory_id like 'GO-%'")
    [ "$got" = 4274 ] && pass db_update_full_go_count || fail db_update_full_go_count "$got GO- advisories, want 4274"
    got=$(q "$WORK/full.db" "select count(distinct ecosystem) from affected where ecosystem like 'Alpine:%'")
    [ "$got" = 9 ] && pass db_update_full_alpine_branches || fail db_update_full_alpine_branches "$got, want 9"
    got=$(q "$WORK/full.db" "select value from meta where key='schema_version'")
    [ "$got" = 1 ] && pass db_update_full_schema || fail db_update_full_schema "$got"
    # Sources are recorded under the URL they came from, not the temporary download path.
    got=$(q "$WORK/full.db" "select count(*) from sources where location not like 'http://127.0.0.1:%'")
    [ "$got" = 0 ] && pass db_update_full_locations_are_urls || fail db_update_full_locations_are_urls "$got sources not recorded by URL: $(q "$WORK/full.db" "select location from sources limit 2")"
    echo "info: full update of $nfeeds feeds in ${secs}s"
    if "$STRATA" db info --db "$WORK/full.db" >/dev/null 2>&1; then
        pass db_update_full_info
    else
        fail db_update_full_info "strata db info failed on the new database"
    fi
else
    skip db_update_full "$SHARED/data/vulndb is absent; the failure cases use generated feeds"
fi

# --- the database the failure cases must preserve ------------------------------------------
expect_exit db_update_small 0 -- "$STRATA" db update --db "$db" --feeds "$WORK/small.conf"
got=$(q "$db" "select count(*) from advisories")
[ "$got" -ge 41 ] 2>/dev/null && pass db_update_small_content || fail db_update_small_content "$got advisories"
got=$(q "$db" "select count(*) from sources")
[ "$got" = 2 ] && pass db_update_small_sources || fail db_update_small_sources "$got"
no_leftovers && pass db_update_small_cleanup || fail db_update_small_cleanup "download directory left behind"
cp "$db" "$WORK/before.db"

# fails NAME URL [extra flags]: an update with the small feeds plus URL must exit 2, name URL,
# keep the database byte-identical and leave no download directory.
fails() {
    local name=$1 url=$2
    shift 2
    printf 'small-osv %s/small/all.zip\nbad %s\n' "$base" "$url" >"$WORK/$name.conf"
    expect_exit "$name" 2 -- "$STRATA" db update --db "$db" --feeds "$WORK/$name.conf" "$@"
    grep -qF -- "$url" <<<"$LAST_ERR" || fail "${name}_names_url" "$LAST_ERR"
    if cmp -s "$db" "$WORK/before.db"; then
        pass "${name}_db_intact"
    else
        fail "${name}_db_intact" "database changed"
        cp "$WORK/before.db" "$db" # keep the next cases independent
    fi
    no_leftovers || fail "${name}_cleanup" "download directory left behind"
    MSG=$LAST_ERR
}

fails db_update_interrupted "$base/x/short/small/all.zip" --retries 1
grep -q 'download interrupted' <<<"$MSG" && grep -q 'after 2 attempts' <<<"$MSG" ||
    fail db_update_interrupted_msg "$MSG"
fails db_update_truncated_zip "$base/bad/truncated.zip"
grep -q 'corrupt zip archive' <<<"$MSG" || fail db_update_truncated_zip_msg "$MSG"
fails db_update_garbled_zip "$base/bad/garbled.zip"
fails db_update_not_a_zip "$base/bad/notzip.zip"
fails db_update_truncated_json "$base/bad/truncated.json"
fails db_update_404 "$base/x/status/404"
grep -q 'HTTP 404 Not Found' <<<"$MSG" || fail db_update_404_msg "$MSG"
[ "$(nreq /x/status/404)" = 1 ] && pass db_update_404_not_retried || fail db_update_404_not_retried "$(nreq /x/status/404) requests"
fails db_update_403 "$base/x/status/403"
fails db_update_500 "$base/x/status/500" --retries 2
grep -q 'HTTP 500 Internal Server Error (after 3 attempts)' <<<"$MSG" || fail db_update_500_msg "$MSG"
[ "$(nreq /x/status/500)" = 3 ] && pass db_update_500_retried || fail db_update_500_retried "$(nreq /x/status/500) requests"
fails db_update_html "$base/x/html"
grep -q 'HTML' <<<"$MSG" || fail db_update_html_msg "$MSG"
fails db_update_max_size "$base/big.bin" --max-size 100K
grep -q 'larger than the limit of 102400 bytes' <<<"$MSG" || fail db_update_max_size_msg "$MSG"
fails db_update_max_size_chunked "$base/x/chunked/big.bin" --max-size 100K
fails db_update_total_timeout "$base/x/stall/x" --timeout 2 --retries 0
grep -q 'total time limit' <<<"$MSG" || fail db_update_total_timeout_msg "$MSG"
fails db_update_refused "http://127.0.0.1:1/all.zip" --retries 0
fails db_update_no_such_host "http://no-such-host.invalid/all.zip" --retries 0

# a second update while one holds the lock
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "w")
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(30)' "$(dirname "$db")/.strata.db.lock" "$WORK/locked" &
locker=$!
for _ in $(seq 100); do [ -e "$WORK/locked" ] && break; sleep 0.1; done
expect_exit db_update_locked 2 -- "$STRATA" db update --db "$db" --feeds "$WORK/small.conf"
grep -q "another 'strata db update' is running" <<<"$LAST_ERR" || fail db_update_locked_msg "$LAST_ERR"
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null
cmp -s "$db" "$WORK/before.db" && pass db_update_locked_db_intact || fail db_update_locked_db_intact "changed"

# a stale download directory from a killed run is removed by the next update
mkdir -p "$(dirname "$db")/.strata-update-stale1"
: >"$(dirname "$db")/.strata-update-stale1/001-x.zip"

# --- retries that succeed ------------------------------------------------------------------
printf 'flaky %s/x/flaky/1/k1/small/all.zip\nbusy %s/x/busy/k2/small/main.json\n' "$base" "$base" >"$WORK/retry.conf"
expect_exit db_update_retry_succeeds 0 -- "$STRATA" db update --db "$db" --feeds "$WORK/retry.conf"
[ "$(nreq /x/flaky/1/k1/)" = 2 ] && pass db_update_500_then_200 || fail db_update_500_then_200 "$(nreq /x/flaky/1/k1/) requests"
[ "$(nreq /x/busy/k2/)" = 2 ] && pass db_update_429_then_200 || fail db_update_429_then_200 "$(nreq /x/busy/k2/) requests"
cmp -s "$db" "$WORK/before.db" && fail db_update_retry_replaced "database not rebuilt" || pass db_update_retry_replaced
got=$(q "$db" "select count(*) from sources")
[ "$got" = 2 ] && pass db_update_retry_sources || fail db_update_retry_sources "$got"
no_leftovers && pass db_update_stale_removed || fail db_update_stale_removed "stale download directory still there"

# --- --from DIR ----------------------------------------------------------------------------
mkdir -p "$WORK/from"
cp "$srv/small/all.zip" "$WORK/from/go.zip"
cp "$srv/small/main.json" "$WORK/from/alpine-main.json"
: >"$WORK/from/.hidden"
expect_exit db_update_from 0 -- "$STRATA" db update --db "$WORK/from.db" --from "$WORK/from"
got=$(q "$WORK/from.db" "select count(*) from sources")
[ "$got" = 2 ] && pass db_update_from_sources || fail db_update_from_sources "$got"
nbefore=$(wc -l <"$log")
"$STRATA" db update --db "$WORK/from.db" --from "$WORK/from" -q 2>/dev/null
[ "$(wc -l <"$log")" = "$nbefore" ] && pass db_update_from_offline || fail db_update_from_offline "requests made"
if [ "$have_data" = 1 ]; then
    mkdir -p "$WORK/from-shared"
    ln -s "$SHARED/data/vulndb/osv/npm/all.zip" "$WORK/from-shared/npm.zip"
    ln -s "$SHARED/data/vulndb/alpine-secdb/v3.11/main.json" "$WORK/from-shared/alpine-3.11-main.json"
    expect_exit db_update_from_shared 0 -- "$STRATA" db update --db "$WORK/from-shared.db" --from "$WORK/from-shared"
    got=$(q "$WORK/from-shared.db" "select count(*) from affected where ecosystem='npm'")
    [ "$got" -ge 400 ] 2>/dev/null && pass db_update_from_shared_npm || fail db_update_from_shared_npm "$got npm entries"
fi
cp "$WORK/from.db" "$WORK/from-before.db"
cp "$srv/bad/truncated.json" "$WORK/from/broken.json"
expect_exit db_update_from_broken 2 -- "$STRATA" db update --db "$WORK/from.db" --from "$WORK/from"
grep -q "$WORK/from/broken.json" <<<"$LAST_ERR" || fail db_update_from_broken_msg "$LAST_ERR"
cmp -s "$WORK/from.db" "$WORK/from-before.db" && pass db_update_from_broken_db_intact || fail db_update_from_broken_db_intact "changed"
mkdir -p "$WORK/empty"
expect_exit db_update_from_empty 2 -- "$STRATA" db update --db "$WORK/from.db" --from "$WORK/empty"
expect_exit db_update_from_missing 2 -- "$STRATA" db update --db "$WORK/from.db" --from "$WORK/nonexistent"

# --- the default location ------------------------------------------------------------------
expect_exit db_update_default_dir 0 -- "$STRATA" db update --feeds "$WORK/small.conf"
[ -s "$XDG_CACHE_HOME/strata/db/strata.db" ] && pass db_update_default_dir_created ||
    fail db_update_default_dir_created "no $XDG_CACHE_HOME/strata/db/strata.db"
