#!/usr/bin/env bash
# relm setup: show and set marketing setup.
. "$(dirname "$0")/lib.sh"
"$RELM" init >/dev/null

expect_ok "setup show --json" setup show --json
assert_eq "defaults" "embedded|True|" "$(json 'd["attachment_storage"]+"|"+str(d["inherit_salesperson_code"])+"|"+d["segment_nos"]')"
expect_exit 1 "an unknown series is refused" setup set --segment-nos NOPE
assert_contains "naming the setting and series" "segment_nos: number series NOPE does not exist" "$ERR"
assert_eq "setup unchanged" "" "$(sql "SELECT segment_nos FROM marketing_setup")"
expect_exit 1 "an unknown correspondence type is refused" setup set --default-correspondence-type pigeon
expect_exit 2 "set without fields is a usage error" setup set
"$RELM" numseries add --code SEG >/dev/null
expect_ok "set a series" setup set --segment-nos seg --default-language-code nor --inherit-salesperson-code false
assert_eq "stored" "SEG|NOR|0" "$(sql "SELECT segment_nos||'|'||default_language_code||'|'||inherit_salesperson_code FROM marketing_setup")"
expect_exit 1 "disk storage is refused: nothing would write there" setup set --attachment-storage disk --attachment-storage-path /srv/relm
assert_contains "naming the one storage" "is not one of" "$ERR"
assert_eq "setup unchanged" "embedded|" "$(sql "SELECT attachment_storage||'|'||attachment_storage_path FROM marketing_setup")"
expect_ok "help offers only the storage relm has" setup --help
assert_eq "embedded only" "choice: embedded" "$(printf '%s\n' "$OUT" | sed -n 's/^  --attachment-storage  *//p')"
finish
