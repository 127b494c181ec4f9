#!/usr/bin/env bash
# relm contact: a person's data (export-data, erase), Unicode-aware matching, vCard and CSV.
. "$(dirname "$0")/lib.sh"
"$RELM" init --demo >/dev/null

# a person's data --------------------------------------------------------------------------------
expect_ok "add a person with values found nowhere else" contact add --type person --first-name Quintessa \
    --surname Zyborowski --email q.zyborowski@private.example --city Zyborville --salesperson-code AH --json
P=$(json 'd["no"]')
expect_ok "log a call with a subject and a comment" interaction create --contact "$P" --template OUTGOING \
    --subject "Zybor divorce" --comment "mornings only pls" --json
E=$(json 'd["entry_no"]')
sql "INSERT INTO attachment (attachment_no, entry_no, kind, body) VALUES (9001, $E, 'sent', 'Dear Quintessa')"

expect_ok "export-data prints one JSON document" contact export-data "$P"
assert_eq "it holds the record, the entry, its comment and its kept body" \
    "q.zyborowski@private.example|Zybor divorce|mornings only pls|Dear Quintessa" \
    "$(json '"|".join([d["contact"]["email"], d["interactions"][0]["subject"], d["interactions"][0]["comments"][0]["comment"], d["interactions"][0]["attachments"][0]["body"]])')"
expect_ok "export-data --output writes the file" contact export-data "$P" --output "$T/person.json"
assert_eq "the file holds the contact" "$P" "$(python3 -c "import json; print(json.load(open('$T/person.json'))['contact']['no'])")"
expect_exit 1 "export-data of an unknown contact is refused" contact export-data CT999999
assert_contains "the error names the contact" "CT999999" "$ERR"
expect_exit 2 "export-data without a number is a usage error" contact export-data

SP_BEFORE=$("$RELM" salesperson show AH --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['no_of_interactions'], d['cost'], d['duration'])")
TPL_BEFORE=$("$RELM" template show OUTGOING --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['no_of_interactions'], d['cost'], d['duration'])")
assert_eq "the figures count the person's entry" "True" "$([ "${SP_BEFORE%% *}" -ge 1 ] && echo True)"
expect_exit 1 "erase of an unknown contact is refused" contact erase CT999999
assert_eq "and records nothing" "0" "$(sql "SELECT count(*) FROM privacy_erasure")"
RELM_USER=dpo expect_ok "erase anonymises the contact" contact erase "$P" --json
assert_eq "it reports what it removed" "1|1|1" "$(json '"|".join(str(d[k]) for k in ["entries_anonymised","attachments_deleted","comments_deleted"])')"
assert_eq "the record is blanked and blocked" "Erased contact|||1" \
    "$(sql "SELECT name||'|'||email||'|'||city||'|'||privacy_blocked FROM contact WHERE no='$P'")"
assert_eq "the entry stays without its subject" "1|" "$(sql "SELECT count(*)||'|'||max(subject) FROM interaction_log_entry WHERE contact_no='$P'")"
assert_eq "kept body and comment are gone" "0|0" "$(sql "SELECT (SELECT count(*) FROM attachment)||'|'||(SELECT count(*) FROM interaction_comment WHERE entry_no=$E)")"
assert_eq "who erased whom is recorded" "$P|dpo" "$(sql "SELECT contact_no||'|'||erased_by FROM privacy_erasure")"
assert_eq "salesperson statistics unchanged" "$SP_BEFORE" \
    "$("$RELM" salesperson show AH --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['no_of_interactions'], d['cost'], d['duration'])")"
assert_eq "template statistics unchanged" "$TPL_BEFORE" \
    "$("$RELM" template show OUTGOING --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['no_of_interactions'], d['cost'], d['duration'])")"
# The bytes of the SQLite file (PostgreSQL keeps its files on the server).
if ! db_is_pg; then
    sqlite3 "$RELM_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
    for v in Quintessa Zyborowski q.zyborowski@private.example Zyborville "Zybor divorce" "mornings only pls"; do
        if grep -qaF "$v" "$RELM_DB" "$RELM_DB-wal" 2>/dev/null; then
            not_ok "\"$v\" is gone from the database file"
        else
            ok "\"$v\" is gone from the database file"
        fi
    done
fi
expect_exit 1 "the erased contact gets no new interaction" interaction create --contact "$P" --template OUTGOING

# Unicode-aware matching -----------------------------------------------------------------------
expect_ok "name~KONTORMØBLER finds Kontormøbler" contact list --where "name~KONTORMØBLER" --json
assert_eq "the demo company" "Nordlys Kontormøbler AS" "$(json '",".join(c["name"] for c in d)')"
expect_ok "e-mail equality folds case" contact list --where "email=POST@NORDLYS.EXAMPLE" --json
assert_eq "the same company" "Nordlys Kontormøbler AS" "$(json '",".join(c["name"] for c in d)')"
expect_ok "other equality stays exact" contact list --where "city=OSLO" --json
assert_eq "nothing found" "0" "$(json 'len(d)')"
"$RELM" segment create --description "Folded" --json >"$T/seg.json"
SEG=$(python3 -c "import json; print(json.load(open('$T/seg.json'))['no'])")
expect_ok "segment criteria fold case too" segment add "$SEG" --where "name~KONTORMØBLER"
assert_eq "the company is on the segment" "1" "$(sql "SELECT count(*) FROM segment_line l JOIN contact c ON c.no = l.contact_no WHERE l.segment_no = '$SEG' AND c.name = 'Nordlys Kontormøbler AS'")"

# vCard ------------------------------------------------------------------------------------------
"$RELM" contact update CT000002 --address-2 "Bygg B; 3. etasje, inngang vest" >/dev/null
expect_ok "export --format vcard writes vCard 4.0 to standard output" contact export --format vcard
assert_contains "a 4.0 card" $'BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org' "$OUT"
assert_contains "escaped structured values" 'ADR;TYPE=work:;Bygg B\; 3. etasje\, inngang vest;Storgata 12;Oslo;;0155;NO' "$OUT"
expect_ok "--vcard-version 3.0 --output writes a 3.0 file" contact export --format vcard --vcard-version 3.0 --output "$T/all3.vcf"
assert_eq "one card per contact" "$(sql "SELECT count(*) FROM contact")" "$(grep -c '^BEGIN:VCARD' "$T/all3.vcf")"
assert_eq "no line longer than 75 octets" "0" "$(LC_ALL=C awk '{ sub(/\r$/, ""); if (length($0) > 75) n++ } END { print n+0 }' "$T/all3.vcf")"
"$RELM" contact export --output "$T/before.csv"
mkdb() {
    RELM_DB=$(new_db "$1") || exit 1
    export RELM_DB
    "$RELM" init >/dev/null
    "$RELM" numseries add --code CONT --manual-nos true >/dev/null
    "$RELM" numseries line add CONT --starting-no CT000001 >/dev/null
    "$RELM" setup set --contact-nos CONT >/dev/null
    for sp in JO AH BD; do "$RELM" salesperson add --code $sp >/dev/null; done
}
MAIN_DB=$RELM_DB
mkdb copy
expect_ok "import --format vcard reads the export back" contact import --format vcard "$T/all3.vcf"
assert_contains "it reports the count" "imported $(grep -c '^BEGIN:VCARD' "$T/all3.vcf") contacts" "$OUT"
"$RELM" contact export --output "$T/after.csv"
assert_eq "the round trip gives the same contacts" "" "$(diff "$T/before.csv" "$T/after.csv")"
cat >"$T/apple.vcf" <<'VCF'
BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//macOS 14.4//EN
N:Nordmann;Kari;;;
FN:Kari Nordmann
ORG:Fjord Consulting AS;
EMAIL;type=INTERNET;type=WORK;type=pref:kari@fjord.example
TEL;type=CELL;type=VOICE;type=pref:+47 912 34 567
item1.ADR;type=WORK;type=pref:;;Bryggen 1;Bergen;;5003;Norway
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Broken Card
EMAIL:broken-at-example
END:VCARD
VCF
mkdb apple
expect_exit 1 "a bad card refuses the import" contact import --format vcard "$T/apple.vcf"
assert_contains "naming the card and the property" "card 2: EMAIL" "$ERR"
assert_eq "nothing imported" "0" "$(sql "SELECT count(*) FROM contact")"
head -n 10 "$T/apple.vcf" >"$T/apple1.vcf"
expect_ok "an Apple card is imported" contact import --format vcard "$T/apple1.vcf"
assert_eq "as a person with its company name, e-mail, mobile and address" \
    "person|Kari Nordmann|Fjord Consulting AS|kari@fjord.example|+47 912 34 567|Bryggen 1|Bergen|NO" \
    "$(sql "SELECT type||'|'||name||'|'||company_name||'|'||email||'|'||mobile_phone_no||'|'||address||'|'||city||'|'||country_code FROM contact")"
expect_exit 2 "an unknown format is a usage error" contact import --format ldif "$T/apple1.vcf"
export RELM_DB=$MAIN_DB

# CSV --------------------------------------------------------------------------------------------
printf 'First Name;Last Name;E-mail Address;Company;Business Phone;Mobile Phone;City;ZIP/Postal Code;Country/Region;Notes\r\nK\xe5re;\xd8stby;kare@fjell.example;Fjell AS;+47 22 00 00 00;+47 900 00 000;Troms\xf8;9008;Norway;coffee\r\nOla;Feil;not-an-address;;;;Oslo;0150;NO;\r\n;;post@firma.example;Firma AS;;;Bergen;5003;NO;\r\n' >"$T/crm.csv"
COUNT=$(sql "SELECT count(*) FROM contact")
expect_exit 1 "an unknown column is refused" contact import "$T/crm.csv" --delimiter ";" --encoding windows-1252
assert_contains "with the way to map or skip it" '--map "Notes="' "$ERR"
expect_exit 1 "a dry run with a bad row exits 1" contact import "$T/crm.csv" --delimiter ";" --encoding windows-1252 --map "Notes=" --dry-run
assert_contains "it reports the rows it would import" "import  line 2:" "$OUT"
assert_contains "and names them" "person Kåre Østby" "$OUT"
assert_contains "every row it would refuse" 'refuse  line 3: contact email: "not-an-address"' "$OUT"
assert_contains "a company row is named by its Company column" "company Firma AS" "$OUT"
assert_contains "and the totals" "2 contacts would be imported, 1 rows refused" "$OUT"
assert_eq "a dry run writes nothing" "$COUNT" "$(sql "SELECT count(*) FROM contact")"
expect_ok "dry run as JSON" contact import "$T/crm.csv" --delimiter ";" --encoding windows-1252 --map "Notes=" --dry-run --json --map "E-mail Address="
assert_eq "without the e-mail column every row would be imported" "3|0|3" "$(json '"|".join(str(x) for x in [d["would_import"], d["would_refuse"], len(d["rows"])])')"
assert_eq "a JSON row says what it would add" "person|Kåre Østby" "$(json 'd["rows"][0]["type"] + "|" + d["rows"][0]["name"]')"
expect_exit 1 "the real import refuses the whole file" contact import "$T/crm.csv" --delimiter ";" --encoding windows-1252 --map "Notes="
assert_contains "naming the line" "line 3: contact email" "$ERR"
assert_eq "nothing imported" "$COUNT" "$(sql "SELECT count(*) FROM contact")"
expect_ok "mapped, re-encoded and semicolon-separated rows are imported" contact import "$T/crm.csv" --delimiter semicolon --encoding ISO-8859-1 --skip-unknown --map "E-mail Address=" --json
assert_eq "all three" "3" "$(json 'd["imported"]')"
assert_eq "with their fields" "person|Kåre Østby|Fjell AS|+47 22 00 00 00|+47 900 00 000|Tromsø|9008|NO" \
    "$(sql "SELECT type||'|'||name||'|'||company_name||'|'||phone_no||'|'||mobile_phone_no||'|'||city||'|'||post_code||'|'||country_code FROM contact WHERE first_name = 'Kåre'")"
expect_exit 1 "input that is not valid in its encoding is refused" contact import "$T/crm.csv" --delimiter ";" --skip-unknown
assert_contains "naming the line" "not valid UTF-8" "$ERR"
expect_exit 2 "a map without = is a usage error" contact import "$T/crm.csv" --map "Notes"
expect_exit 2 "a long delimiter is a usage error" contact import "$T/crm.csv" --delimiter ";;"
expect_exit 2 "an unknown encoding is a usage error" contact import "$T/crm.csv" --encoding KLINGON-8
assert_contains "naming it" "KLINGON-8" "$ERR"
"$RELM" contact update CT000001 --name "=cmd|' /C calc'!A0" >/dev/null
expect_ok "export --excel" contact export --excel --output "$T/excel.csv"
assert_eq "starts with a UTF-8 byte order mark" "efbbbf" "$(head -c 3 "$T/excel.csv" | od -An -tx1 | tr -d ' \n')"
assert_contains "a formula is neutralised" "'=cmd|' /C calc'!A0" "$(cat "$T/excel.csv")"
expect_ok "a plain export keeps the value" contact export
assert_contains "as it is" ",=cmd|' /C calc'!A0," "$OUT"

finish
