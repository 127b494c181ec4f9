# PostgreSQL for the tests that need it (source after lib.sh). RELM_TEST_PG names the
# server (postgresql://USER@HOST:PORT, no database name, e.g. from scripts/pg.sh start).
# Without it the test fails when RELM_TEST_REQUIRE_PG=1 (the cli-pg suite) and is skipped
# (exit 77) otherwise. pg_new_db NAME creates a database of the test's own and prints its
# URL; every database made is dropped on exit, also when the test fails.
PG_SERVER=${RELM_TEST_PG:-}
PG_SERVER=${PG_SERVER%/}
if [ -z "$PG_SERVER" ]; then
    if [ "${RELM_TEST_REQUIRE_PG:-}" = 1 ]; then
        echo "Bail out! RELM_TEST_PG must name the PostgreSQL server for this test"
        exit 1
    fi
    echo "1..0 # SKIP RELM_TEST_PG is not set"
    exit 77
fi
PG_DBS=()

# psql_ ARGS...: quiet, without ~/.psqlrc, stopping at the first error, rows as "a|b"
psql_() { psql -X -q -A -t -F '|' -v ON_ERROR_STOP=1 "$@"; }

pg_cleanup() {
    for name in "${PG_DBS[@]}"; do
        psql_ -d "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" ||
            echo "# could not drop database $name"
    done
    # lib.sh's own clean-up, when it has one, else its temporary directory.
    if declare -F cleanup >/dev/null; then cleanup; else rm -rf "$T"; fi
}
trap pg_cleanup EXIT

pg_new_db() {
    local name
    name="relm_test_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')_$1"
    psql_ -d "$PG_SERVER/postgres" -c "CREATE DATABASE $name" >&2 ||
        { echo "Bail out! cannot create database $name on $PG_SERVER"; exit 1; }
    PG_DBS+=("$name")
    PG_URL="$PG_SERVER/$name"
}
