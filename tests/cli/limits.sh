#!/usr/bin/env bash
# Input limits through the CLI: money and durations within 0..9999999.99, statistics that
# read even when the log holds larger amounts from before the bound, filters with blanks
# around the operator and <>, and a cancel list that names an entry twice.
. "$(dirname "$0")/lib.sh"
"$RELM" init --demo >/dev/null

count() { sql "SELECT count(*) FROM interaction_log_entry"; }

# money and durations -------------------------------------------------------------------
expect_exit 1 "a cost past the largest amount is refused" \
    interaction create --contact CT000005 --template outgoing --cost 92233720368547749.99
assert_contains "naming the field and the bound" "cost: \"92233720368547749.99\" is larger than 9999999.99" "$ERR"
expect_exit 1 "a negative cost is refused" interaction create --contact CT000005 --template outgoing --cost -0.50
assert_contains "naming the field" "interaction log entry cost: \"-0.50\" must not be negative" "$ERR"
expect_exit 1 "a negative duration is refused" interaction create --contact CT000005 --template outgoing --duration -1
assert_contains "naming the field" "duration: \"-1\" must not be negative" "$ERR"
assert_eq "nothing was logged" "0" "$(count)"
expect_exit 1 "a template's unit cost past the bound is refused" template update OUTGOING --unit-cost 10000000
assert_contains "naming unit_cost" "unit_cost" "$ERR"
assert_eq "the template is unchanged" "50" "$(sql "SELECT unit_cost FROM interaction_template WHERE code = 'OUTGOING'")"
expect_ok "the largest amount is taken" \
    interaction create --contact CT000005 --template outgoing --cost 9999999.99 --duration 9999999.99 --json
assert_eq "stored exactly" "999999999|999999999" "$(sql "SELECT cost||'|'||duration FROM interaction_log_entry")"

# statistics over amounts from before the bound --------------------------------------------
expect_ok "a second entry" interaction create --contact CT000005 --template outgoing
sql "UPDATE interaction_log_entry SET cost = 9223372036854774999"
expect_ok "the contact still reads" contact show CT000005 --json
assert_eq "its cost sum is held at the largest value" "2|92233720368547758.07" \
    "$(json 'str(d["no_of_interactions"])+"|"+d["cost"]')"
assert_eq "with a warning naming the contact and field" \
    "relm: warning: contact CT000005 cost: the sum is too large and is shown as the largest value" "$ERR"
expect_ok "the company still reads" contact show CT000001 --json
expect_ok "the salesperson still reads" salesperson show JO --json
assert_eq "with the sum held" "92233720368547758.07" "$(json 'd["cost"]')"
expect_ok "the template still reads" template show OUTGOING --json
expect_ok "the group still reads" group show PHONE --json
assert_eq "durations still add up exactly" "10000009.99" "$(json 'd["duration"]')"

# filters ------------------------------------------------------------------------------------
expect_ok "blanks around the operator" contact list --where "city = London" --json
assert_eq "match the value without them" "3" "$(json 'len(d)')"
expect_ok "<> is not-equal" contact list --where "city<>London" --json
assert_eq "every other contact" "$(sql "SELECT count(*) FROM contact WHERE city <> 'London'")" "$(json 'len(d)')"
assert_eq "none of them in London" "0" "$(json 'sum(1 for c in d if c["city"] == "London")')"

# cancel --------------------------------------------------------------------------------------
expect_exit 1 "a cancel list naming an entry twice is refused" interaction cancel 1 1
assert_contains "naming the entry" "interaction log entry 1 is listed more than once" "$ERR"
assert_eq "the entry is not canceled" "0" "$(sql "SELECT canceled FROM interaction_log_entry WHERE entry_no = 1")"
expect_ok "a list of distinct entries" interaction cancel 1 2
assert_eq "both toggled" "1|1" "$(sql "SELECT canceled FROM interaction_log_entry ORDER BY entry_no" | joined '|')"

finish
