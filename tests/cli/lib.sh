# Black-box test helpers: source this, then call the checks, then `finish`.
# Each check prints "ok - ..." or "not ok - ..." and counts; finish prints the totals
# and exits non-zero when any check failed.
#
# The database is a SQLite file in a temporary directory, or, when RELM_TEST_PG names a
# PostgreSQL server (postgresql://USER@HOST:PORT, no database name), a database of its own
# on that server, created here and dropped on exit. A test meant for PostgreSQL sets
# RELM_TEST_REQUIRE_PG=1 so that a missing server fails it instead of silently testing SQLite.
set -u
: "${RELM:?RELM must name the relm binary}"
T=$(mktemp -d)
PG_SERVER=${RELM_TEST_PG:-}
PG_SERVER=${PG_SERVER%/}
if [ "${RELM_TEST_REQUIRE_PG:-}" = 1 ] && [ -z "$PG_SERVER" ]; then
    echo "Bail out! RELM_TEST_PG must name the PostgreSQL server for this test"
    rm -rf "$T"
    exit 1
fi

# psql ARGS...: the PostgreSQL client, quiet, without the user's ~/.psqlrc, stopping at
# the first error; unaligned rows separated by "|" without headers, like sqlite3 prints them
psql_() { psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 "$@"; }

# db_is_pg: true when the tests run against PostgreSQL
db_is_pg() { [ -n "$PG_SERVER" ]; }

# new_db NAME: print the location of a new, empty database (a file path, or the URL of a
# database created on the PostgreSQL server and dropped on exit)
new_db() {
    if db_is_pg; then
        local name
        name="relm_test_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')_$1"
        psql_ -d "$PG_SERVER/postgres" -c "CREATE DATABASE $name" >&2 || {
            echo "Bail out! cannot create database $name on $PG_SERVER" >&2
            return 1
        }
        echo "$name" >>"$T/pg_databases"
        echo "$PG_SERVER/$name"
    else
        echo "$T/$1.db"
    fi
}

cleanup() {
    if db_is_pg && [ -f "$T/pg_databases" ]; then
        while read -r name; do
            psql_ -d "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" ||
                echo "# could not drop database $name"
        done <"$T/pg_databases"
    fi
    rm -rf "$T"
}
trap cleanup EXIT
RELM_DB=$(new_db test) || { echo "Bail out! no test database"; exit 1; }
export RELM_DB
export RELM_TODAY=2026-03-15
unset RELM_USER || true
pass=0
fail=0
OUT=""
ERR=""
RC=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# run ARGS...: run relm, capture stdout/stderr/exit code
run() {
    "$RELM" "$@" >"$T/out" 2>"$T/err" </dev/null
    RC=$?
    OUT=$(cat "$T/out")
    ERR=$(cat "$T/err")
}

# expect_ok DESC ARGS...: relm must exit 0
expect_ok() {
    local d=$1; shift
    run "$@"
    if [ "$RC" -eq 0 ]; then ok "$d"; else not_ok "$d" "exit $RC" "stderr: $ERR"; fi
}

# expect_exit CODE DESC ARGS...: relm must exit CODE
expect_exit() {
    local code=$1 d=$2; shift 2
    run "$@"
    if [ "$RC" -eq "$code" ]; then ok "$d"; else not_ok "$d" "exit $RC, wanted $code" "stdout: $OUT" "stderr: $ERR"; fi
}

# assert_eq DESC EXPECTED ACTUAL
assert_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}

# assert_contains DESC NEEDLE HAYSTACK
assert_contains() {
    case "$3" in *"$2"*) ok "$1" ;; *) not_ok "$1" "missing: $2" "in: $3" ;; esac
}

# sql_at DB QUERY: print the result of QUERY (one or more statements) on database DB (a
# SQLite file or a PostgreSQL URL), one row a line, columns separated by "|", NULL as empty.
# Queries are written in the SQL both engines accept (no group_concat: join rows in the shell).
sql_at() {
    case $1 in
    postgresql://* | postgres://*) printf '%s\n' "$2" | psql_ -d "$1" -f - ;;
    *) sqlite3 -batch -noheader "$1" "$2" ;;
    esac
}

# sql QUERY: print the result of a query on the test database
sql() { sql_at "$RELM_DB" "$1"; }

# db_dump: the whole test database (schema and rows) as text, to show that nothing changed
db_dump() {
    # pg_dump's \restrict lines carry a key that is new each time.
    if db_is_pg; then
        pg_dump --no-owner -d "$RELM_DB" | grep -v '^\\\(un\)\?restrict '
    else
        sqlite3 "$RELM_DB" .dump
    fi
}

# joined SEP: the lines of stdin joined with SEP (what group_concat does in SQLite)
joined() { paste -sd "$1" -; }

# json EXPR: evaluate a python expression over the parsed $OUT as `d`
json() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
