#!/usr/bin/env bash
# relm numseries: series, lines, next numbers and their limits.
. "$(dirname "$0")/lib.sh"
"$RELM" init >/dev/null

expect_ok "add a series" numseries add --code seg --description "Segments"
expect_ok "add a line" numseries line add SEG --starting-no SEG00009 --ending-no SEG00011 --warning-no SEG00010
assert_eq "line numbered 10000" "10000|SEG00009" "$(sql "SELECT line_no||'|'||starting_no FROM no_series_line")"
expect_ok "next gives the starting number" numseries next SEG
assert_eq "first number" "SEG00009" "$OUT"
expect_ok "next increments keeping the width" numseries next SEG
assert_eq "second number" "SEG00010" "$OUT"
assert_contains "at the warning number there is a warning" "warning" "$ERR"
expect_ok "next --json" numseries next SEG --json
assert_eq "json number" "SEG00011" "$(json 'd["no"]')"
expect_exit 1 "past the ending number" numseries next SEG
assert_eq "the error" "relm: no more numbers in series SEG" "$ERR"
assert_eq "nothing consumed" "SEG00011" "$(sql "SELECT last_no_used FROM no_series_line")"

expect_exit 1 "a line without digits is refused" numseries line add SEG --starting-no ABC
assert_eq "no line added" "1" "$(sql "SELECT count(*) FROM no_series_line")"
expect_exit 1 "a line for a missing series is refused" numseries line add NOPE --starting-no A1
expect_exit 2 "a bad line number is a usage error" numseries line delete SEG abc
expect_ok "line list --json" numseries line list SEG --json
assert_eq "one line" "1" "$(json 'len(d)')"
expect_ok "line update" numseries line update SEG 10000 --ending-no SEG00020
expect_ok "numbers flow again" numseries next SEG
assert_eq "next after raising the end" "SEG00012" "$OUT"

expect_ok "a date-ordered series" numseries add --code D --date-order
expect_ok "its line" numseries line add D --starting-no D1
expect_ok "take on a date" numseries next D --date 2026-03-10
expect_exit 1 "an earlier date is refused" numseries next D --date 2026-03-01
assert_contains "naming the last date" "2026-03-10" "$ERR"

expect_ok "setup uses the series" setup set --segment-nos SEG
expect_exit 1 "a series named by setup cannot be deleted" numseries delete SEG
assert_contains "the error names the setting" "segment_nos" "$ERR"
assert_eq "still there" "1" "$(sql "SELECT count(*) FROM no_series WHERE code='SEG'")"
expect_ok "show --json" numseries show D --json
assert_eq "show returns the series" "D|True" "$(json 'd["code"]+"|"+str(d["date_order"])')"
expect_ok "delete an unused series" numseries delete D
assert_eq "its lines went with it" "0" "$(sql "SELECT count(*) FROM no_series_line WHERE series_code='D'")"
finish
