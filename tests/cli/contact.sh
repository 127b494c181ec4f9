#!/usr/bin/env bash
# relm contact: add, list, show, update, delete, and the rules behind them.
. "$(dirname "$0")/lib.sh"
"$RELM" init >/dev/null

expect_exit 1 "a contact without a number and without contact_nos is refused" contact add --name Acme
assert_contains "the error names the setting" "marketing setup contact_nos" "$ERR"
assert_eq "nothing written" "0" "$(sql "SELECT count(*) FROM contact")"

"$RELM" numseries add --code CONT >/dev/null
"$RELM" numseries line add CONT --starting-no CT000001 >/dev/null
"$RELM" setup set --contact-nos CONT >/dev/null
"$RELM" salesperson add --code JO --name "Jim Olive" >/dev/null

expect_ok "add a company numbered from the series" contact add --name "Cronus, Ltd." --address "Main St 1" --city London --country-code gb --salesperson-code jo --json
assert_eq "it got the first number" "CT000001" "$(json 'd["no"]')"
assert_eq "a company is its own company" "CT000001|Cronus, Ltd." "$(json 'd["company_no"]+"|"+d["company_name"]')"
assert_eq "json has timestamps" "True" "$(json 'len(d["created_at"]) == 20 and d["created_at"].endswith("Z")')"
assert_eq "stored" "company|GB|JO" "$(sql "SELECT type||'|'||country_code||'|'||salesperson_code FROM contact WHERE no='CT000001'")"

expect_ok "add a person of that company" contact add --type person --first-name Ann --middle-name B. --surname Lee --company-no ct000001 --json
assert_eq "the name is composed" "Ann B. Lee" "$(json 'd["name"]')"
assert_eq "company name, salesperson and address are inherited" "Cronus, Ltd.|JO|Main St 1|London|GB" "$(json '"|".join([d["company_name"], d["salesperson_code"], d["address"], d["city"], d["country_code"]])')"
PERSON=$(json 'd["no"]')
assert_eq "the person got the next number" "CT000002" "$PERSON"

expect_ok "a salesperson given as blank is not inherited" contact add --type person --name Bo --company-no CT000001 --salesperson-code "" --json
assert_eq "blank salesperson" "" "$(json 'd["salesperson_code"]')"

expect_exit 1 "a person of a missing company is refused" contact add --type person --name X --company-no CT999
assert_contains "the error names the company" "company_no CT999 does not exist" "$ERR"
expect_exit 1 "a contact without a name is refused" contact add --city Oslo
assert_contains "the error names the field" "name is required" "$ERR"
expect_exit 1 "an unknown salesperson is refused" contact add --name Y --salesperson-code ZZ
assert_contains "the error names it" "salesperson_code ZZ does not exist" "$ERR"
expect_exit 1 "a bad e-mail is refused" contact add --name Y --email nope
assert_contains "naming the field" "contact email" "$ERR"
expect_exit 1 "a bad type is refused" contact add --name Y --type robot
expect_exit 2 "an unknown flag is a usage error" contact add --name Y --shoe-size 9
expect_exit 2 "a read-only field is not a flag" contact add --name Y --created-at 2020-01-01T00:00:00
expect_exit 1 "a typed number is refused while the series disallows it" contact add --no X1 --name Typed
assert_contains "naming the series" "CONT" "$ERR"
assert_eq "nothing was written by the refusals" "3" "$(sql "SELECT count(*) FROM contact")"
assert_eq "and no number was used up" "CT000003" "$(sql "SELECT last_no_used FROM no_series_line")"

sql "UPDATE no_series SET manual_nos = 1 WHERE code = 'CONT'"
expect_ok "a typed number once the series allows it" contact add --no x1 --name Typed
expect_exit 1 "a typed number that exists is refused" contact add --no X1 --name Again
assert_eq "the error" "relm: contact X1 already exists" "$ERR"

expect_ok "show includes statistics" contact show ct000001 --json
assert_eq "statistics keys" "0|0.00|" "$(json 'str(d["no_of_interactions"])+"|"+d["cost"]+"|"+d["date_of_last_interaction"]')"
expect_ok "show as text" contact show CT000001
assert_contains "field: value lines" "company_name" "$OUT"
assert_contains "with statistics" "no_of_postponed_interactions" "$OUT"
expect_exit 1 "show a missing contact" contact show NOPE
assert_eq "with a sentence" "relm: contact NOPE does not exist" "$ERR"
expect_exit 2 "show without a number" contact show

expect_ok "list --json" contact list --json
assert_eq "every contact" "4" "$(json 'len(d)')"
expect_ok "list --where" contact list --where type=person --json
assert_eq "persons only" "CT000002 CT000003" "$(json '" ".join(x["no"] for x in d)')"
expect_ok "list without a terminal is tab-separated" contact list
assert_eq "the header names every field" "no	type	name	company_no" "$(printf '%s\n' "$OUT" | head -1 | cut -f1-4)"
if command -v script >/dev/null; then
    script -qec "$RELM contact list" /dev/null >"$T/tty" 2>&1 </dev/null
    assert_contains "a terminal gets the short table" "no        type     name" "$(head -1 "$T/tty")"
    assert_eq "with the chosen columns" "7" "$(head -1 "$T/tty" | wc -w | tr -d ' ')"
fi

expect_ok "update a person's surname recomposes the name" contact update $PERSON --surname Larsen --json
assert_eq "new name" "Ann B. Larsen" "$(json 'd["name"]')"
expect_ok "renaming the company" contact update CT000001 --name "Cronus Group"
assert_eq "renames it on its persons" "2" "$(sql "SELECT count(*) FROM contact WHERE type='person' AND company_name='Cronus Group'")"
expect_exit 1 "a company with persons cannot become a person" contact update CT000001 --type person
assert_contains "naming the count" "company of 2 persons" "$ERR"
assert_eq "still a company" "company" "$(sql "SELECT type FROM contact WHERE no='CT000001'")"
expect_exit 2 "update without fields is a usage error" contact update CT000001
expect_exit 1 "update a missing contact" contact update NOPE --city Oslo

expect_exit 1 "deleting a company with persons is refused" contact delete CT000001
assert_contains "naming it and the count" "contact CT000001 is the company of 2 persons" "$ERR"
assert_eq "all rows remain" "4" "$(sql "SELECT count(*) FROM contact")"

sql "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, salesperson_code, cost) VALUES (1, 'X1', 'X1', 'JO', 100), (2, 'CT000003', 'CT000001', 'JO', 200), (3, 'CT000001', 'CT000001', 'JO', 400)"
sql "INSERT INTO segment_header (no, description) VALUES ('SEG9', 'Open'); INSERT INTO segment_line (segment_no, line_no, contact_no) VALUES ('SEG9', 10000, 'X1')"
expect_exit 1 "deleting a contact on a segment not yet logged is refused" contact delete X1
assert_contains "naming the segment" "contact X1 is on segment SEG9" "$ERR"
assert_eq "X1 remains" "1" "$(sql "SELECT count(*) FROM contact WHERE no='X1'")"
expect_ok "deleting a person moves its entries to its company" contact delete CT000003 --json
assert_eq "json count" "1" "$(json 'd["deleted"]')"
assert_eq "the entry now belongs to the company" "CT000001|CT000001|200" "$(sql "SELECT contact_no||'|'||contact_company_no||'|'||cost FROM interaction_log_entry WHERE entry_no=2")"
expect_ok "the company's statistics still count it" contact show CT000001 --json
assert_eq "company statistics" "2|6.00" "$(json 'str(d["no_of_interactions"])+"|"+d["cost"]')"
expect_exit 1 "the company with a person left is still refused without --with-persons" contact delete CT000001
assert_contains "the error says how" "with_persons" "$ERR"
expect_ok "salesperson statistics before" salesperson show JO --json
SP_BEFORE=$(json 'str(d["no_of_interactions"])+"|"+d["cost"]')
expect_ok "deleting the company with --with-persons" contact delete CT000001 --with-persons
assert_eq "deleted text" "deleted contact CT000001" "$OUT"
assert_eq "company and person are gone" "X1" "$(sql "SELECT no FROM contact ORDER BY no" | joined ,)"
assert_eq "the entries stay, detached" "2,3" "$(sql "SELECT entry_no FROM interaction_log_entry WHERE contact_no='' AND contact_company_no='' ORDER BY entry_no" | joined ,)"
expect_ok "salesperson statistics after" salesperson show JO --json
assert_eq "salesperson statistics are unchanged" "$SP_BEFORE" "$(json 'str(d["no_of_interactions"])+"|"+d["cost"]')"
expect_exit 1 "delete a missing contact" contact delete NOPE

sql "DELETE FROM segment_line"
"$RELM" salesperson add --code AH >/dev/null
"$RELM" setup set --default-salesperson-code AH >/dev/null
expect_ok "a new company without a salesperson takes the setup default" contact add --name "Default AS" --json
assert_eq "the default salesperson" "AH" "$(sql "SELECT salesperson_code FROM contact WHERE name='Default AS'")"
COMPANY=$(json 'd["no"]')
expect_ok "a company with its own salesperson" contact add --name "Own AS" --salesperson-code JO --json
OWN=$(json 'd["no"]')
expect_ok "a person of it inherits the company's salesperson, not the default" contact add --type person --name Eva --company-no "$OWN" --json
assert_eq "the company's salesperson wins" "JO" "$(json 'd["salesperson_code"]')"
"$RELM" setup set --inherit-salesperson-code false >/dev/null
expect_ok "with inherit off a person takes the default" contact add --type person --name Finn --company-no "$OWN" --json
assert_eq "the default" "AH" "$(json 'd["salesperson_code"]')"
expect_ok "a salesperson given as blank stays blank" contact add --name "None AS" --salesperson-code "" --json
assert_eq "blank" "" "$(sql "SELECT salesperson_code FROM contact WHERE name='None AS'")"

expect_ok "contact --help" contact --help
assert_contains "help names import" "import [--format csv|vcard] FILE" "$OUT"
assert_contains "help names erase" "erase NO" "$OUT"
assert_contains "help names export-data" "export-data NO" "$OUT"
assert_contains "help names --with-persons" "--with-persons" "$OUT"
assert_contains "help names fields" "--correspondence-type" "$OUT"
expect_exit 2 "an unknown verb is a usage error" contact frobnicate
finish
