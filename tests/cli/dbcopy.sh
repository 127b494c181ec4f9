#!/usr/bin/env bash
# relm db copy between SQLite databases: the copy dumps identically to its source, numbers
# go on where they stood, the summary lists a count and checksum per table; a target with
# data, an older schema and the source itself are refused and left alone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dbcopy_data.sh"
# sq QUERY: a query on the SQLite source
sq() { sqlite3 -batch -noheader "$RELM_DB" "$1"; }
# The copy between two SQLite files, whatever database the other CLI tests run on.
export RELM_DB="$T/test.db"
fill_every_kind "$RELM_DB"

expect_ok "copy into a new file" db copy "$RELM_DB" "$T/copy.db"
assert_contains "the summary ends with the totals" "every table matches its source" "$OUT"
assert_contains "a line per table with its count" "contact " "$OUT"
assert_eq "one line per table, every one ok" \
    "$(sqlite3 -batch -noheader "$RELM_DB" "SELECT count(*) FROM sqlite_master WHERE type = 'table'")" \
    "$(printf '%s\n' "$OUT" | grep -c ' ok$')"
sqlite3 "$RELM_DB" .dump >"$T/source.sql"
sqlite3 "$T/copy.db" .dump >"$T/copy.sql"
if cmp -s "$T/source.sql" "$T/copy.sql"; then ok "the copy dumps identically to its source"
else not_ok "the copy dumps identically to its source" "$(diff "$T/source.sql" "$T/copy.sql" | head -10)"; fi
assert_eq "rows keep the source's order, not the key's" "AAA000" \
    "$(sqlite3 -batch -noheader "$T/copy.db" "SELECT no FROM contact ORDER BY rowid DESC LIMIT 1")"

RELM_DB="$T/copy.db" expect_ok "the copy takes the next contact number" numseries next CONT
copy_next=$OUT
expect_ok "the source takes its next one" numseries next CONT
assert_eq "they are the same number" "$OUT" "$copy_next"
RELM_DB="$T/copy.db" expect_ok "the copy logs an interaction" interaction create --contact CT000001 \
    --interaction-template-code OUTGOING --json
assert_eq "numbered after the source's last entry" \
    "$(( $(sq "SELECT value FROM relm_counter WHERE name = 'interaction_log_entry'") + 1 ))" "$(json 'd["entry_no"]')"

expect_ok "--json gives the summary as an object" --json db copy "$RELM_DB" "$T/copy2.db"
assert_eq "every table with matching counts and checksums" "28|0|1" \
    "$(json 'str(len(d["tables"]))+"|"+str(d["mismatches"])+"|"+str(int(all(t["match"] and t["rows"] == t["target_rows"] and t["checksum"] == t["target_checksum"] for t in d["tables"])))')"
assert_eq "and the total" "$(sq "SELECT count(*) FROM contact")" \
    "$(json '[t["rows"] for t in d["tables"] if t["table"] == "contact"][0]')"

"$RELM" --db "$T/fresh.db" init >/dev/null
expect_ok "a freshly initialised target takes a copy" db copy "$RELM_DB" "sqlite:$T/fresh.db"
assert_eq "with the source's setup" "$(sq "SELECT contact_nos FROM marketing_setup")" \
    "$(sqlite3 -batch -noheader "$T/fresh.db" "SELECT contact_nos FROM marketing_setup")"

# refusals ---------------------------------------------------------------------------------
sum() { sqlite3 "$1" .dump | md5sum; }
before=$(sum "$T/copy.db")
expect_exit 1 "a target holding data is refused" db copy "$RELM_DB" "$T/copy.db"
assert_contains "saying so" "already holds data" "$ERR"
assert_eq "and it is left as it was" "$before" "$(sum "$T/copy.db")"

"$RELM" --db "$T/old.db" init >/dev/null
sqlite3 "$T/old.db" "UPDATE relm_meta SET value = '21' WHERE key = 'schema_version'"
expect_exit 1 "an older target is refused" db copy "$RELM_DB" "$T/old.db"
assert_contains "naming relm init" "relm init" "$ERR"
assert_contains "and which side" "target" "$ERR"
expect_exit 1 "an older source is refused" db copy "$T/old.db" "$T/new.db"
assert_contains "naming relm init for the source" "source" "$ERR"
assert_eq "no target is made" "0" "$([ -e "$T/new.db" ] && echo 1 || echo 0)"
expect_exit 1 "a missing source is refused" db copy "$T/nothing.db" "$T/new.db"
expect_exit 2 "the source as its own target is a usage error" db copy "$RELM_DB" "sqlite:$RELM_DB"
expect_exit 2 "copy needs two URLs" db copy "$RELM_DB"
expect_exit 2 "an unknown verb is a usage error" db move "$RELM_DB" "$T/x.db"
expect_ok "db --help describes copy" db --help
assert_contains "with the refusal of a target with data" "refused" "$OUT"

# a copy that does not match its source fails ----------------------------------------------
"$RELM" --db "$T/garbled.db" init >/dev/null
sqlite3 "$T/garbled.db" "CREATE TRIGGER garble AFTER INSERT ON contact BEGIN
    UPDATE contact SET city = city || '!' WHERE no = NEW.no; END"
expect_exit 1 "a target that changes rows fails the check" db copy "$RELM_DB" "$T/garbled.db"
assert_contains "the summary marks the table" "DIFFERS" "$OUT"
assert_eq "only that table" "contact" "$(printf '%s\n' "$OUT" | awk '/DIFFERS$/ {print $1}')"
assert_contains "the error names it" "contact" "$ERR"
finish
