#!/usr/bin/env bash
# relm contact import/export: CSV in, CSV out, all or nothing.
. "$(dirname "$0")/lib.sh"
"$RELM" init >/dev/null
"$RELM" salesperson add --code JO >/dev/null

printf 'no,type,name,first_name,surname,company_no,city,salesperson_code,email\r\n' >"$T/ok.csv"
printf 'C1,company,"Acme, ""Best"" Inc.",,,,Oslo,jo,info@acme.example\r\n' >>"$T/ok.csv"
printf 'P1,person,,Ann,Lee,c1,,,ann@acme.example\r\n' >>"$T/ok.csv"
printf 'C2,company,"Two\nLines",,,,Bergen,,\r\n' >>"$T/ok.csv"

expect_ok "import a file" contact import "$T/ok.csv"
assert_eq "reports the count" "imported 3 contacts" "$OUT"
assert_eq "no progress bar without a terminal" "" "$ERR"
assert_eq "quotes are undone" 'Acme, "Best" Inc.' "$(sql "SELECT name FROM contact WHERE no='C1'")"
assert_eq "the person is linked" "Ann Lee|Acme, \"Best\" Inc." "$(sql "SELECT name||'|'||company_name FROM contact WHERE no='P1'")"
assert_eq "a newline inside quotes is kept" "2" "$(sql "SELECT name FROM contact WHERE no='C2'" | wc -l | tr -d ' ')"

printf 'no,name\nD1,Delta\n' >"$T/json.csv"
expect_ok "import --json" contact import "$T/json.csv" --json
assert_eq "json count" "1" "$(json 'd["imported"]')"
expect_ok "import from standard input" contact import - < /dev/null
"$RELM" contact import - <"$T/json.csv" >"$T/out" 2>"$T/err"
assert_eq "a duplicate from stdin is refused" "1" "$?"
assert_eq "with the line" "relm: line 2: contact D1 already exists" "$(cat "$T/err")"

BEFORE=$(sql "SELECT count(*) FROM contact")
printf 'no,name,email\nE1,Echo,e@x.example\n"E2","Two\nlines",f@x.example\nE3,Bad,not-an-address\nE4,Never,\n' >"$T/bad.csv"
expect_exit 1 "a bad row fails the import" contact import "$T/bad.csv"
assert_contains "naming the physical line and field" "line 5: " "$ERR"
assert_contains "and the field" "email" "$ERR"
assert_eq "nothing was imported" "$BEFORE" "$(sql "SELECT count(*) FROM contact")"
assert_eq "not even the good rows" "0" "$(sql "SELECT count(*) FROM contact WHERE no LIKE 'E%'")"

printf 'no,name,shoe_size\nF1,Fox,42\n' >"$T/unknown.csv"
expect_exit 1 "an unknown column is refused" contact import "$T/unknown.csv"
assert_eq "naming it and how to map or skip it" 'relm: line 1: contact has no field "shoe_size" (column 3; map it with --map "shoe_size=FIELD" or skip it with --map "shoe_size=")' "$ERR"
printf 'no,name\nG1,"open\n' >"$T/open.csv"
expect_exit 1 "an unclosed quote is refused" contact import "$T/open.csv"
assert_eq "naming the line" "relm: line 2: a quoted field is not closed" "$ERR"
printf 'type,name\nperson,Ann\n' >"$T/nonum.csv"
expect_exit 1 "rows without a number need contact_nos" contact import "$T/nonum.csv"
assert_contains "naming the setting" "line 2: new contact: no is blank and marketing setup contact_nos" "$ERR"
assert_eq "the database is unchanged" "$BEFORE" "$(sql "SELECT count(*) FROM contact")"

expect_exit 1 "a missing file fails" contact import "$T/nope.csv"
assert_contains "naming it" "nope.csv cannot be opened" "$ERR"
expect_exit 2 "import without a file is a usage error" contact import
expect_exit 2 "export with two files is a usage error" contact export a b

sql "INSERT INTO no_series (code, description) VALUES ('CONT', 'Contacts');
     INSERT INTO no_series_line (series_code, line_no, starting_no) VALUES ('CONT', 10000, 'CT0001');
     UPDATE marketing_setup SET contact_nos = 'CONT';"
expect_ok "rows without a number are numbered from contact_nos" contact import "$T/nonum.csv"
assert_eq "numbered" "Ann|" "$(sql "SELECT name||'|'||company_no FROM contact WHERE no='CT0001'")"
assert_eq "the series moved" "CT0001" "$(sql "SELECT last_no_used FROM no_series_line")"
expect_exit 1 "typed numbers are refused when contact_nos disallows them" contact import "$T/json.csv"
assert_contains "naming the series" "number series CONT does not allow manual numbers" "$ERR"

expect_ok "export to standard output" contact export
assert_eq "header first" "no,type,name,company_no,company_name" "$(printf '%s\n' "$OUT" | head -1 | cut -d, -f1-5)"
assert_eq "companies before persons" "C1 C2 D1 CT0001 P1" "$(printf '%s\n' "$OUT" | tail -n +2 | grep -o '^[A-Z0-9]*,\(company\|person\)' | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//')"
expect_ok "export to a file" contact export "$T/all.csv"
assert_eq "quiet" "" "$OUT"

RELM_DB=$(new_db empty) || exit 1
"$RELM" init >/dev/null
"$RELM" salesperson add --code JO >/dev/null
expect_ok "the export imports into an empty database" contact import "$T/all.csv"
assert_eq "every row" "imported 5 contacts" "$OUT"
expect_ok "and exports again" contact export "$T/again.csv"
cmp -s "$T/all.csv" "$T/again.csv" && ok "the second export is identical to the first" || not_ok "exports differ" "$(diff "$T/all.csv" "$T/again.csv" | head -5)"

# bytes that are not text ----------------------------------------------------------------
BEFORE=$(sql "SELECT count(*) FROM contact")
printf 'no,name,city\nH1,Hotel,Oslo\nH2,Ho\000tel,Bergen\n' >"$T/nul.csv"
expect_exit 1 "a NUL byte inside a field is refused" contact import "$T/nul.csv"
assert_eq "naming line and column" "relm: line 3, column 2: a field holds a NUL byte (binary data cannot be imported)" "$ERR"
assert_eq "nothing was imported" "$BEFORE" "$(sql "SELECT count(*) FROM contact")"
printf 'no,name\nH3,\355\240\200x\n' >"$T/surrogate.csv"
expect_exit 1 "a UTF-16 surrogate (ED A0 80) is refused" contact import "$T/surrogate.csv"
assert_contains "naming line and field" "line 2: contact name: the value is not valid UTF-8" "$ERR"
printf 'no,name\nH4,\340\200\257\n' >"$T/overlong.csv"
expect_exit 1 "an overlong encoding is refused" contact import "$T/overlong.csv"
assert_contains "naming line and field" "line 2: contact name: the value is not valid UTF-8" "$ERR"
printf 'no,name\nH5,\364\220\200\200\n' >"$T/past.csv"
expect_exit 1 "a code point past U+10FFFF is refused" contact import "$T/past.csv"
assert_contains "naming the field" "contact name: the value is not valid UTF-8" "$ERR"
expect_exit 1 "the CLI refuses a surrogate in a flag" contact add --no H6 --name "$(printf 'a\355\277\277')"
assert_contains "naming the field" "contact name: the value is not valid UTF-8" "$ERR"
assert_eq "the database is unchanged" "$BEFORE" "$(sql "SELECT count(*) FROM contact")"

if command -v script >/dev/null; then
    RELM_DB=$(new_db big) || exit 1
    "$RELM" init >/dev/null
    awk 'BEGIN { print "no,name,city"; for (i = 0; i < 20000; i++) printf "N%06d,Name %d,City\n", i, i }' >"$T/big.csv"
    script -qec "$RELM contact import $T/big.csv" /dev/null >"$T/tty" 2>&1 </dev/null
    assert_contains "a terminal gets a progress bar" "importing [" "$(cat "$T/tty")"
    assert_contains "ending at 100%" "100%" "$(cat "$T/tty")"
    assert_eq "all rows" "20000" "$(sql "SELECT count(*) FROM contact")"
fi
finish
