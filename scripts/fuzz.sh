#!/usr/bin/env bash
# Run every libFuzzer target in fuzz/ for SECONDS each (default FUZZ_SECONDS or 600),
# starting from the seed corpus in fuzz/corpus/NAME/ (never written to: new inputs go to
# $FUZZ_BUILD/corpus/NAME). The library is built with clang under AddressSanitizer and
# UndefinedBehaviorSanitizer in $FUZZ_BUILD (default build-fuzz). A crash leaves its input
# in $FUZZ_BUILD/artifacts/ and fails the run. clang missing is a failure, not a skip.
# Ends with one line "N passed, N failed" counting targets.
set -u
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-${FUZZ_SECONDS:-600}}
FB=${FUZZ_BUILD:-build-fuzz}
TARGETS="csv json_record where merge"
if ! command -v clang >/dev/null; then
    echo "fuzz: clang is not installed (make deps installs clang and libclang-rt-14-dev)"
    echo "0 passed, 1 failed"
    exit 1
fi
if [ ! -f "$FB/build.ninja" ]; then
    CC=clang meson setup "$FB" -Dfuzz=true -Dtests=false -Db_sanitize=address,undefined \
        -Db_lundef=false -Dbuildtype=debug \
        -Dc_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" >/dev/null ||
        { echo "fuzz: meson setup $FB failed"; echo "0 passed, 1 failed"; exit 1; }
fi
ninja -C "$FB" $(for t in $TARGETS; do printf 'fuzz_%s ' "$t"; done) >/dev/null ||
    { ninja -C "$FB"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$FB/artifacts"
passed=0
failed=0
for t in $TARGETS; do
    mkdir -p "$FB/corpus/$t"
    log="$FB/fuzz_$t.log"
    if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$FB/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$FB/artifacts/$t-" \
        "$FB/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
        runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$')
        echo "ok - fuzz $t: ${SECONDS_EACH}s, ${runs:-?} runs, no crash"
        passed=$((passed + 1))
    else
        echo "not ok - fuzz $t: crashed (input in $FB/artifacts/, log $log)"
        grep -E '^(==|SUMMARY|#0|#1|#2|#3)' "$log" | head -20 | sed 's/^/#   /'
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
