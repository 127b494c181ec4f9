#!/usr/bin/env bash
# The whole test suite: a normal build with every test, then the unit and black-box tests
# again under AddressSanitizer and UndefinedBehaviorSanitizer. Ends with one line
# "N passed, N failed" counting test programs over both runs.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ASAN=${ASAN:-build-asan}
passed=0
failed=0

count() { # count LOGFILE
    local ok fail
    ok=$(grep -Eo '^Ok: +[0-9]+' "$1" | grep -Eo '[0-9]+' | tail -1)
    fail=$(grep -Eo '^(Fail|Timeout|Unexpected Pass): +[0-9]+' "$1" | grep -Eo '[0-9]+' | paste -sd+ | bc)
    passed=$((passed + ${ok:-0}))
    failed=$((failed + ${fail:-0}))
}

setup() { # setup DIR [meson options]
    local dir=$1; shift
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@" >/dev/null || { echo "meson setup $dir failed"; exit 1; }
    fi
}

setup "$BUILD"
ninja -C "$BUILD" >/dev/null || { ninja -C "$BUILD"; echo "0 passed, 1 failed"; exit 1; }
meson test -C "$BUILD" --print-errorlogs --num-processes 2 | tee "$BUILD/check.log"
count "$BUILD/check.log"

setup "$ASAN" -Db_sanitize=address,undefined -Db_lundef=false \
    -Dc_args=-fno-sanitize-recover=all -Dbuildtype=debug
ninja -C "$ASAN" >/dev/null || { ninja -C "$ASAN"; echo "$passed passed, $((failed + 1)) failed"; exit 1; }
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    meson test -C "$ASAN" --suite unit --suite cli --print-errorlogs --num-processes 2 \
    --timeout-multiplier 3 | tee "$ASAN/check.log"
count "$ASAN/check.log"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
