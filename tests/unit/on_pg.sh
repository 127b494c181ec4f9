#!/usr/bin/env bash
# Run one unit test program against PostgreSQL: on the server named by RELM_TEST_PG
# (postgresql://USER@HOST:PORT, no database name; scripts/check.sh starts one for the
# whole run), or else on a server of its own started here (scripts/pg.sh) and stopped
# when the program ends, passed or failed. No server: the test fails.
# Usage: on_pg.sh BUILDDIR PROGRAM [ARGS...]
set -u
build=$1
shift
if [ -n "${RELM_TEST_PG:-}" ]; then
    exec "$@"
fi
dir=$build/pg-$(basename "$1")-$$
trap '"$SRCDIR/scripts/pg.sh" stop "$dir"' EXIT
RELM_TEST_PG=$("$SRCDIR/scripts/pg.sh" start "$dir") || {
    echo "on_pg.sh: no PostgreSQL server for $1" >&2
    exit 1
}
export RELM_TEST_PG
"$@"
