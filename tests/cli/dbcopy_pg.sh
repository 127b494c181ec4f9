#!/usr/bin/env bash
# relm db copy through PostgreSQL: a SQLite database with every kind of record, copied to
# PostgreSQL and back, dumps exactly as it did; on PostgreSQL the values, counters and
# number series are the source's; a PostgreSQL target with data is refused untouched.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pg_lib.sh"
. "$(dirname "$0")/dbcopy_data.sh"
# sq QUERY: a query on the SQLite source
sq() { sqlite3 -batch -noheader "$RELM_DB" "$1"; }
export RELM_DB="$T/test.db"
fill_every_kind "$RELM_DB"
sqlite3 "$RELM_DB" .dump >"$T/source.sql"

pg_new_db roundtrip
PG=$PG_URL
expect_ok "copy SQLite into an empty PostgreSQL database" db copy "$RELM_DB" "$PG"
assert_contains "every table matches" "every table matches its source" "$OUT"
expect_ok "and back into a new SQLite file" db copy "$PG" "$T/back.db"
assert_contains "every table matches again" "every table matches its source" "$OUT"
sqlite3 "$T/back.db" .dump >"$T/back.sql"
if cmp -s "$T/source.sql" "$T/back.sql"; then ok "the round trip dumps exactly as the original"
else not_ok "the round trip dumps exactly as the original" "$(diff "$T/source.sql" "$T/back.sql" | head -20)"; fi
assert_eq "the dump holds every kind of record" "0" \
    "$(for t in contact interaction_template_language attachment segment_line segment_removed_line \
        logged_segment campaign_entry interaction_comment app_user user_session api_token \
        login_throttle mail_fetch_position privacy_erasure saved_criteria_step; do
        grep -c "^INSERT INTO $t VALUES" "$T/back.sql" | grep -qx 0 && echo "$t"; done | wc -l)"

# on PostgreSQL ----------------------------------------------------------------------------
pgq() { psql_ -d "$PG" -c "$1"; }
assert_eq "the largest integers are exact" "9223372036854775807|-9223372036854775808" \
    "$(pgq "SELECT duration || '|' || cost FROM interaction_log_entry WHERE entry_no = 1")"
assert_eq "non-ASCII text is the same text" \
    "$(sqlite3 "$RELM_DB" "SELECT attachment FROM interaction_template WHERE code = 'ABSTRACT'")" \
    "$(pgq "SELECT attachment FROM interaction_template WHERE code = 'ABSTRACT'")"
assert_eq "a body kept in base64 is unchanged" "AAEC/w==|båt.bin" \
    "$(pgq "SELECT body || '|' || file_name FROM attachment WHERE attachment_no = 9223372036854775806")"
RELM_DB="$PG" expect_ok "PostgreSQL takes the next contact number" numseries next CONT
pg_next=$OUT
expect_ok "as the source does" numseries next CONT
assert_eq "the same number" "$OUT" "$pg_next"
RELM_DB="$PG" expect_ok "PostgreSQL logs an interaction" interaction create --contact CT000001 \
    --interaction-template-code OUTGOING --json
assert_eq "numbered after the source's last entry" \
    "$(( $(sq "SELECT value FROM relm_counter WHERE name = 'interaction_log_entry'") + 1 ))" \
    "$(json 'd["entry_no"]')"
RELM_DB="$PG" expect_ok "the copied users are on PostgreSQL" user list --json
assert_eq "both users are there" "ann,bjorn" "$(json '",".join(sorted(u["name"] for u in d))')"

# refusals ---------------------------------------------------------------------------------
before=$(pgq "SELECT count(*) || '/' || max(entry_no) FROM interaction_log_entry")
expect_exit 1 "a PostgreSQL target holding data is refused" db copy "$T/back.db" "$PG"
assert_contains "saying so" "already holds data" "$ERR"
assert_eq "and left as it was" "$before" \
    "$(pgq "SELECT count(*) || '/' || max(entry_no) FROM interaction_log_entry")"

pg_new_db fresh
RELM_DB="$PG_URL" expect_ok "relm init on an empty PostgreSQL database" init
expect_ok "a freshly initialised PostgreSQL database takes a copy" db copy "$RELM_DB" "$PG_URL"
assert_eq "with the source's counters" \
    "$(sq "SELECT group_concat(name || '=' || value, ',') FROM (SELECT * FROM relm_counter ORDER BY name)")" \
    "$(psql_ -d "$PG_URL" -c "SELECT string_agg(name || '=' || value, ',' ORDER BY name) FROM relm_counter")"

pg_new_db older
RELM_DB="$PG_URL" "$RELM" init >/dev/null
psql_ -d "$PG_URL" -c "UPDATE relm_meta SET value = '21' WHERE key = 'schema_version'"
expect_exit 1 "an older PostgreSQL target is refused" db copy "$RELM_DB" "$PG_URL"
assert_contains "naming relm init" "relm init" "$ERR"
assert_eq "nothing is copied" "0" "$(psql_ -d "$PG_URL" -c "SELECT count(*) FROM contact")"
expect_exit 1 "a database that does not exist is refused as a source" \
    db copy "$PG_SERVER/relm_test_no_such_database" "$T/none.db"
finish
