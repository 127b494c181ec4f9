#!/usr/bin/env bash
# The relm tool as a whole: version, help, exit codes, --db, --json, init, demo data.
. "$(dirname "$0")/lib.sh"

expect_ok "--version prints the version" --version
assert_contains "version names relm" "relm 0." "$OUT"

expect_exit 2 "no arguments is a usage error" 
assert_contains "usage on stderr" "usage: relm" "$ERR"

expect_exit 2 "an unknown noun is a usage error" frobnicate list
assert_contains "error names the noun" 'unknown noun "frobnicate"' "$ERR"

expect_exit 2 "an unknown global option is a usage error" --colour
expect_ok "help lists the nouns" help
assert_contains "help names contact" "contact" "$OUT"
expect_ok "a noun's --help lists its fields" contact --help
assert_contains "contact help names --privacy-blocked" "--privacy-blocked" "$OUT"

expect_exit 1 "commands on a missing database fail" salesperson list
assert_contains "and say how to create it" "relm init" "$ERR"
if ! db_is_pg; then
    [ ! -e "$RELM_DB" ] && ok "a read does not create the database" || not_ok "a read created $RELM_DB"
fi

expect_ok "init creates the database" init
assert_contains "init reports the schema" "schema" "$OUT"
latest=$("$RELM" --version | sed 's/.*schema \([0-9]*\).*/\1/')
assert_eq "the schema version is recorded" "$latest" "$(sql "SELECT value FROM relm_meta WHERE key='schema_version'")"
expect_ok "init again is harmless" init

if db_is_pg; then
    OTHER=$(new_db other) || exit 1
    expect_ok "--db selects another database" --db "$OTHER" init --json
    assert_eq "init --json names the database" "$OTHER" "$(json 'd["database"]')"
    assert_eq "and creates the schema there" "$latest" "$(sql_at "$OTHER" "SELECT value FROM relm_meta WHERE key='schema_version'")"
else
    expect_ok "--db selects another database" --db "sqlite:$T/other.db" init --json
    assert_eq "init --json names the database" "sqlite:$T/other.db" "$(json 'd["database"]')"
    [ -f "$T/other.db" ] && ok "sqlite: URL creates the file" || not_ok "no $T/other.db"
fi

expect_ok "salesperson add" salesperson add --code jo --name "Jim Olive" --email jim@example.com
assert_eq "the code is upper-cased" "JO" "$(sql "SELECT code FROM salesperson")"
expect_exit 1 "a duplicate salesperson is refused" salesperson add --code JO
assert_contains "the error names it" "salesperson JO already exists" "$ERR"
expect_exit 1 "a bad e-mail is refused" salesperson add --code AH --email not-an-address
assert_contains "the error names the field" "email" "$ERR"
assert_eq "nothing was written" "1" "$(sql "SELECT count(*) FROM salesperson")"
expect_exit 2 "an unknown field is a usage error" salesperson add --code AH --shoe-size 9

expect_ok "salesperson show --json" --json salesperson show jo
assert_eq "json has canonical keys" "Jim Olive|0|0.00" "$(json 'd["name"]+"|"+str(d["no_of_interactions"])+"|"+d["cost"]')"
expect_ok "salesperson update" salesperson update JO --job-title "Sales Manager" --blocked
assert_eq "update changed the fields" "Sales Manager|1" "$(sql "SELECT job_title||'|'||blocked FROM salesperson")"
expect_ok "salesperson list --json" salesperson list --json
assert_eq "list prints an array" "1" "$(json 'len(d)')"
expect_ok "list --where filters" salesperson list --where "name~olive" --json
assert_eq "filter matched" "JO" "$(json 'd[0]["code"]')"
expect_ok "list --where with no match" salesperson list --where "code=ZZ" --json
assert_eq "empty array" "0" "$(json 'len(d)')"
expect_exit 1 "list --where on an unknown field fails" salesperson list --where "shoe=1"
expect_ok "tab-separated list without a terminal" salesperson list
assert_eq "header line first" "code	name	email	phone_no	job_title	blocked" "$(printf '%s\n' "$OUT" | head -1)"
expect_exit 1 "showing a missing salesperson fails" salesperson show XX
assert_eq "with a sentence" "relm: salesperson XX does not exist" "$ERR"
expect_ok "salesperson delete" salesperson delete JO
assert_eq "deleted" "0" "$(sql "SELECT count(*) FROM salesperson")"

DEMO=$(new_db demo) || exit 1
expect_ok "init --demo on a new database" --db "$DEMO" init --demo
assert_eq "demo has contacts" "10" "$(sql_at "$DEMO" "SELECT count(*) FROM contact")"
assert_eq "demo has templates" "6" "$(sql_at "$DEMO" "SELECT count(*) FROM interaction_template")"
expect_exit 1 "init --demo twice is refused" --db "$DEMO" init --demo
assert_eq "and adds nothing" "10" "$(sql_at "$DEMO" "SELECT count(*) FROM contact")"

NEW=$(new_db new) || exit 1
sql_at "$NEW" "CREATE TABLE relm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO relm_meta VALUES ('schema_version','999');"
expect_exit 1 "a newer database is refused" --db "$NEW" salesperson list
assert_contains "naming the versions" "newer than this relm" "$ERR"

finish
