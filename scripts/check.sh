#!/usr/bin/env bash
# The whole test suite: a normal build with every test (unit, CLI, HTTP API, browser,
# benchmark smoke run, formatting), then the unit, CLI and API tests again under
# AddressSanitizer and UndefinedBehaviorSanitizer, then every fuzz target for a short while
# (FUZZ_CHECK_SECONDS each, default 10; scripts/fuzz.sh). The unit tests run a second time
# on PostgreSQL (suite unit-pg), with the tests that exist only for PostgreSQL (suites
# cli-pg, api-pg): a throw-away server (scripts/pg.sh) is started for them and stopped
# afterwards, whatever the outcome. Ends with one line "N passed, N failed,
# N skipped" counting test programs over all runs.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ASAN=${ASAN:-build-asan}
passed=0
failed=0
skipped=0

count() { # count LOGFILE
    local ok fail
    ok=$(grep -Eo '^Ok: +[0-9]+' "$1" | grep -Eo '[0-9]+' | tail -1)
    fail=$(grep -Eo '^(Fail|Timeout|Unexpected Pass): +[0-9]+' "$1" | grep -Eo '[0-9]+' | paste -sd+ | bc)
    skip=$(grep -Eo '^Skipped: +[0-9]+' "$1" | grep -Eo '[0-9]+' | tail -1)
    passed=$((passed + ${ok:-0}))
    failed=$((failed + ${fail:-0}))
    skipped=$((skipped + ${skip:-0}))
}

setup() { # setup DIR [meson options]
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@" >/dev/null || { echo "meson setup $dir failed"; exit 1; }
    fi
}

# The browser tests drive Debian's Chromium through playwright-core (never a downloaded browser).
if [ ! -d tests/browser/node_modules/playwright-core ]; then
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund >/dev/null) ||
        { echo "npm ci in tests/browser failed"; echo "0 passed, 1 failed"; exit 1; }
fi

setup "$BUILD"
ninja -C "$BUILD" >/dev/null || { ninja -C "$BUILD"; echo "0 passed, 1 failed"; exit 1; }
meson test -C "$BUILD" --print-errorlogs --num-processes 2 --no-suite unit-pg | tee "$BUILD/check.log"
count "$BUILD/check.log"

# The tests on PostgreSQL, on one server for the whole run (RELM_TEST_PG).
PGDIR=$PWD/$BUILD/pg-check
trap 'scripts/pg.sh stop "$PGDIR"' EXIT
if RELM_TEST_PG=$(scripts/pg.sh start "$PGDIR"); then
    RELM_TEST_PG=$RELM_TEST_PG meson test -C "$BUILD" --suite unit-pg --suite cli-pg \
        --suite api-pg --print-errorlogs --num-processes 2 | tee "$BUILD/check-pg.log"
    count "$BUILD/check-pg.log"
else
    echo "the PostgreSQL test server did not start: the unit-pg, cli-pg and api-pg suites fail"
    failed=$((failed + 1))
fi
scripts/pg.sh stop "$PGDIR"

setup "$ASAN" -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fno-sanitize-recover=all -Dbuildtype=debug
ninja -C "$ASAN" >/dev/null || { ninja -C "$ASAN"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C "$ASAN" --suite unit --suite cli --suite api --print-errorlogs --num-processes 2 \
    --timeout-multiplier 3 | tee "$ASAN/check.log"
count "$ASAN/check.log"

scripts/fuzz.sh "${FUZZ_CHECK_SECONDS:-10}" | tee "$ASAN/fuzz.log"
fuzz_ok=$(grep -c '^ok - fuzz' "$ASAN/fuzz.log")
fuzz_bad=$(grep -c '^not ok' "$ASAN/fuzz.log")
# No target line at all (clang missing, build failed) counts as one failure.
[ "$fuzz_ok" -eq 0 ] && [ "$fuzz_bad" -eq 0 ] && fuzz_bad=1
passed=$((passed + fuzz_ok))
failed=$((failed + fuzz_bad))

# On CI nothing may be skipped: a skipped browser test means a missing install step.
if [ -n "${CI:-}" ] && [ "$skipped" -gt 0 ]; then
    echo "$skipped tests were skipped on CI"
    failed=$((failed + skipped))
    skipped=0
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
