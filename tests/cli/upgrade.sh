#!/usr/bin/env bash
# Schema upgrades: only relm init upgrades an older database, and it copies it first;
# every other command (reads included) refuses it and names relm init.
. "$(dirname "$0")/lib.sh"

mapfile -t files < <(ls "$SRCDIR"/lib/schema/[0-9]*.sql | sort)
prev_file=${files[${#files[@]} - 2]}
prev=$(basename "$prev_file" | cut -c1-3 | sed 's/^0*//')
OLD="$T/old.db"
sqlite3 "$OLD" "CREATE TABLE relm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO relm_meta VALUES ('schema_version', '$prev');"
for f in "${files[@]}"; do
    sqlite3 "$OLD" <"$f"
    [ "$f" = "$prev_file" ] && break
done
sqlite3 "$OLD" "INSERT INTO contact (no, type, name) VALUES ('OLD1', 'company', 'Old Ltd')"
version() { sqlite3 -batch -noheader "$1" "SELECT value FROM relm_meta WHERE key = 'schema_version'"; }

expect_exit 1 "a read on an older database is refused" --db "$OLD" contact list
assert_contains "naming relm init" "run relm init to upgrade it" "$ERR"
assert_eq "the schema is left as it was" "$prev" "$(version "$OLD")"
assert_eq "and nothing is copied" "" "$(ls "$T" | grep bak || true)"
expect_exit 1 "relm serve refuses it too" --db "$OLD" serve --listen 127.0.0.1:0
assert_contains "naming relm init" "run relm init to upgrade it" "$ERR"
assert_eq "still unchanged" "$prev" "$(version "$OLD")"

latest=$("$RELM" --db "$T/new.db" init --json | python3 -c "import json,sys; print(json.load(sys.stdin)['schema_version'])")
expect_ok "relm init upgrades it" --db "$OLD" init
assert_eq "saying where the copy is" \
    "upgraded $OLD to schema $latest; the database as it was is in $OLD.bak-v$prev" "$OUT"
assert_eq "the database has the latest schema" "$latest" "$(version "$OLD")"
assert_eq "the copy has the old one" "$prev" "$(version "$OLD.bak-v$prev")"
assert_eq "and the old rows" "Old Ltd" \
    "$(sqlite3 -batch -noheader "$OLD.bak-v$prev" "SELECT name FROM contact WHERE no = 'OLD1'")"
expect_ok "reads work after the upgrade" --db "$OLD" contact show OLD1
assert_contains "with the rows kept" "Old Ltd" "$OUT"
expect_ok "init again on the latest schema" --db "$OLD" init --json
assert_eq "copies nothing" "" "$(json 'd["backup"]')"
finish
