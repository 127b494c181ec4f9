# Black-box test helpers: source this, then call the checks, then `finish`.
# Each check prints "ok - ..." or "not ok - ..." and counts; finish prints the totals
# and exits non-zero when any check failed.
set -u
: "${RELM:?RELM must name the relm binary}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export RELM_DB="$T/test.db"
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

# sql QUERY: print the result of a query on the test database
sql() { sqlite3 -batch -noheader "$RELM_DB" "$1"; }

# json EXPR: evaluate a python expression over the parsed $OUT as `d`
json() { printf '%s' "$OUT" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
