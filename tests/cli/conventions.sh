#!/usr/bin/env bash
# Conventions every noun shares: JSON output is always valid JSON, "--" ends the options,
# an option that needs a value never takes the next --flag, numbers are parsed one way,
# and the stamps relm writes are UTC in RFC 3339 form.
. "$(dirname "$0")/lib.sh"

valid_json() { printf '%s' "$OUT" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; }

# --- JSON output goes through the JSON library -------------------------------------------
QDB="$T/a\"b\\c.db"
expect_ok "init --json with a quote and a backslash in the database name" --json --db "$QDB" init
if valid_json; then ok "init --json prints valid JSON"; else not_ok "init --json prints valid JSON" "$OUT"; fi
assert_eq "the database name survives the round trip" "$QDB" "$(json 'd["database"]')"

expect_ok "init --demo" init --demo
expect_ok "create a segment" --json segment create --description 'Say "hi"\ now'
SEG=$(json 'd["no"]')
lower=$(printf '%s' "$SEG" | tr 'A-Z' 'a-z')
expect_ok "segment add with a lower-case number" --json segment add "$lower" --contact CT000001
assert_eq "segment add echoes the canonical number" "$SEG|1" "$(json 'd["segment_no"]+"|"+str(d["added"])')"
expect_ok "segment reduce with a lower-case number" --json segment reduce "$lower" --where no=CT000001
assert_eq "segment reduce echoes the canonical number" "$SEG|1" "$(json 'd["segment_no"]+"|"+str(d["removed"])')"
expect_ok "segment add by criteria" --json segment add "$SEG" --where city=London
expect_ok "criteria save with a quote in the code" --json segment criteria save "$SEG" 'Q"1'
if valid_json; then ok "criteria save prints valid JSON"; else not_ok "criteria save prints valid JSON" "$OUT"; fi
expect_ok "numseries next --json" --json numseries next CAMP
assert_eq "next number and no warning" "CMP1002|None" "$(json 'd["no"]+"|"+str(d["warning"])')"
expect_ok "log an interaction" interaction create --contact CT000005 --template OUTGOING
expect_ok "log another" interaction create --contact CT000006 --template OUTGOING
expect_ok "interaction cancel --json" --json interaction cancel 1 2
assert_eq "cancel lists each entry" "1:True 2:True" "$(json '" ".join("%d:%s" % (e["entry_no"], e["canceled"]) for e in d)')"
expect_ok "numseries line delete --json" --json numseries line delete TASK 10000
assert_eq "line delete prints JSON" "1" "$(json 'd["deleted"]')"
expect_ok "template language delete --json" --json template language delete NEWS NOR
assert_eq "language delete prints JSON" "1" "$(json 'd["deleted"]')"

# --- "--" ends the options ------------------------------------------------------------------
expect_ok "-- before a positional argument" contact show --json -- CT000001
assert_eq "the contact is shown" "CT000001" "$(json 'd["no"]')"
expect_exit 1 "after --, a word starting with -- is an argument, not a flag" contact show -- --json
assert_contains "it was looked up as a contact" "contact --JSON" "$ERR"
expect_exit 1 "after --, --help is an argument too" contact show -- --help
assert_contains "it was looked up as a contact" "contact --HELP" "$ERR"

run --json contact show -- -x
assert_eq "\"-x\" is taken as a contact number" "1" "$RC"
assert_contains "the message names it" "-X" "$ERR"

# --- an option that needs a value never swallows the next flag -------------------------------
before=$(sql "SELECT count(*) FROM contact")
expect_exit 2 "--name followed by --json is a usage error" contact add --name --json
assert_contains "the message names the option" "--name needs a value" "$ERR"
expect_exit 2 "--name followed by another field flag is a usage error" contact add --name --city Oslo
assert_contains "the message names the option" "--name needs a value" "$ERR"
expect_exit 2 "--where followed by --limit is a usage error" contact list --where --limit 3
assert_contains "the message names the option" "--where needs a value" "$ERR"
expect_exit 2 "--db with no URL after the noun is a usage error" contact list --db --json
assert_eq "no contact was added" "$before" "$(sql "SELECT count(*) FROM contact")"
expect_ok "a value starting with - is given with =" --json contact add --name=--json --city=-x
assert_eq "the name and city are kept as typed" "--json|-x" "$(json 'd["name"]+"|"+d["city"]')"
expect_ok "a value starting with a single - may follow the flag" --json contact add --name -dash
assert_eq "the name is kept" "-dash" "$(json 'd["name"]')"
expect_ok "global flags before the noun" --db "$RELM_DB" --json salesperson show JO
assert_eq "shown as JSON" "JO" "$(json 'd["code"]')"

# --- one number parser; --limit parsed once -----------------------------------------------
expect_exit 2 "contact list --limit \"\" is a usage error" contact list --limit ""
assert_contains "the message names --limit" "--limit" "$ERR"
expect_exit 2 "campaign entries --limit \"\" is a usage error" campaign entries CMP1001 --limit ""
assert_contains "the message names --limit" "--limit" "$ERR"
expect_exit 2 "interaction list --limit 0 is a usage error" interaction list --limit 0
expect_exit 2 "--limit with a sign is a usage error" contact list --limit +3
expect_exit 2 "an out-of-range --limit is refused" contact list --limit 99999999999999999999
assert_contains "too large, not clamped" "too large" "$ERR"
expect_ok "--limit=2" --json contact list --limit=2
assert_eq "two contacts" "2" "$(json 'len(d)')"
expect_exit 2 "an out-of-range entry number is refused" interaction show 99999999999999999999
assert_contains "named as an entry no." "entry no. \"99999999999999999999\" is too large" "$ERR"
expect_exit 2 "an entry number with blanks is refused" interaction show " 1"
expect_exit 2 "an out-of-range line number is refused" segment line remove "$SEG" 99999999999999999999
expect_exit 2 "a logged segment entry of 0 is refused" logged-segment show 0
expect_exit 2 "a number series line of -1 is refused" numseries line delete TASK -1
expect_exit 2 "a token id that is not a number is refused" token revoke 1x
expect_exit 2 "an out-of-range --logged-segment is refused" interaction list --logged-segment 99999999999999999999

# --- stamps are UTC, RFC 3339 --------------------------------------------------------------
expect_ok "add a contact" --json contact add --name Stampy
STAMP_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'
created=$(json 'd["created_at"]')
if [[ $created =~ $STAMP_RE ]]; then ok "created_at is RFC 3339 UTC ($created)"; else not_ok "created_at is RFC 3339 UTC" "$created"; fi
assert_eq "modified_at equals created_at on a new contact" "$created" "$(json 'd["modified_at"]')"
expect_ok "log an interaction" --json interaction create --contact CT000005 --template OUTGOING
ie=$(json 'd["created_at"]')
if [[ $ie =~ $STAMP_RE ]]; then ok "interaction created_at is RFC 3339 UTC ($ie)"; else not_ok "interaction created_at is RFC 3339 UTC" "$ie"; fi
assert_eq "date and time stay the local work date and time" "2026-03-15" "$(json 'd["date"]')"
# A stamp written by an older relm (no Z) is still read and filtered in time order.
sql "UPDATE contact SET created_at = '2020-01-02T03:04:05', modified_at = '2020-01-02T03:04:05' WHERE no = 'CT000001'"
expect_ok "show a contact with an old stamp" --json contact show CT000001
assert_eq "the old stamp is read as stored" "2020-01-02T03:04:05" "$(json 'd["created_at"]')"
expect_ok "filter on stamps across old and new rows" --json contact list --where "created_at<2021-01-01"
assert_eq "only the old row is older" "CT000001" "$(json '" ".join(x["no"] for x in d)')"
expect_ok "and the other way round" --json contact list --where "created_at>=$created"
assert_eq "the new rows are not older than a new stamp" "False" "$(json 'any(x["no"] == "CT000001" for x in d)')"

# --- every noun dispatches its verbs the same way ---------------------------------------
for noun in setup numseries contact salesperson group template campaign interaction segment \
    logged-segment mail user token; do
    expect_exit 2 "$noun: an unknown verb is a usage error" "$noun" frobnicate
    assert_eq "$noun: the message names the noun and its help" \
        "relm: $noun: unknown verb \"frobnicate\" (see relm $noun --help)" "$ERR"
done
for words in "setup show" "numseries line list" "contact import" "campaign entry show" \
    "template language set" "logged-segment reuse" "user list" "user passwd" "token create" \
    "mail fetch" "segment line set"; do
    # shellcheck disable=SC2086
    expect_ok "relm $words --help prints the noun's help" $words --help
    assert_contains "relm $words --help: the help is the noun's" "usage: relm ${words%% *}" "$OUT"
done
expect_exit 2 "a missing sub-verb is a usage error" campaign entry
assert_eq "naming the sub-verbs" "relm: usage: relm campaign entry show|cancel|delete ..." "$ERR"
expect_exit 2 "an unknown sub-verb is a usage error" template attachment frob ABC
assert_contains "naming the verb it belongs to" 'template attachment: unknown verb "frob"' "$ERR"
expect_exit 2 "options belong to their verb: user list takes no --enable" user list --enable
expect_exit 2 "and token list no arguments" token list ann

# --- docs/cli.md, the --help texts and the options parsed name the same flags -----------
# (the man pages and completions are made from --help, so these three are all there is)
help_flags=$(for noun in "" init setup numseries contact salesperson group template campaign \
    interaction segment logged-segment mail deliver serve user token backup db; do
    # shellcheck disable=SC2086
    "$RELM" $noun --help 2>&1
done | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
doc_flags=$(grep -o -- '--[a-z][a-z0-9-]*' "$SRCDIR/docs/cli.md" | sort -u)
parsed_flags=$(grep -oh -- '"--[a-z][a-z0-9-]*"' "$SRCDIR"/cli/*.c | tr -d '"' | sort -u)
assert_eq "every flag docs/cli.md names is in a --help" "" \
    "$(comm -23 <(printf '%s\n' "$doc_flags") <(printf '%s\n' "$help_flags") | joined ' ')"
assert_eq "every option the CLI parses is in a --help" "" \
    "$(comm -23 <(printf '%s\n' "$parsed_flags") <(printf '%s\n' "$help_flags") | joined ' ')"
assert_eq "the flags are found at all" "yes" \
    "$([ "$(printf '%s\n' "$parsed_flags" | wc -l)" -gt 50 ] && echo yes)"

finish
