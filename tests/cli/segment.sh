#!/usr/bin/env bash
# relm segment / logged-segment on the demo data: header, lines, criteria with undo/redo,
# saved criteria, log with follow-up, cancel, delete and reuse of logged segments.
. "$(dirname "$0")/lib.sh"
"$RELM" init --demo >/dev/null

expect_ok "create a segment from the series" segment create --description "Spring mailing" --interaction-template-code abstract --json
assert_eq "numbered from segment_nos, dated on the work date" "SEG00001|2026-03-15|ABSTRACT|Abstract letter|2.50" \
    "$(json 'd["no"]+"|"+d["date"]+"|"+d["interaction_template_code"]+"|"+d["subject"]+"|"+d["unit_cost"]')"
expect_exit 1 "a typed no. is refused when the series has no manual numbers" segment create --no MINE --description X
assert_contains "naming the series" "SEG" "$ERR"
expect_exit 2 "an unknown flag is a usage error" segment create --nonsense 1
expect_exit 1 "an unknown template is refused" segment set SEG00001 --interaction-template-code NOPE

expect_ok "add a contact by hand" segment add SEG00001 --contact CT000009
expect_ok "adding it again is a no-op" segment add SEG00001 --contact ct000009 --json
assert_eq "nothing added" "0" "$(json 'd["added"]')"
sql "UPDATE contact SET privacy_blocked = 1 WHERE no = 'CT000010'"
expect_exit 1 "a privacy-blocked contact is refused" segment add SEG00001 --contact CT000010
assert_contains "with the reason" "privacy" "$ERR"

expect_ok "add London by criteria" segment add SEG00001 --where city=London --json
assert_eq "the company and its two persons" "3" "$(json 'd["added"]')"
assert_eq "lines 10000 apart, each naming its step (the hand-added one too)" \
    "10000:CT000009:1 20000:CT000001:2 30000:CT000005:2 40000:CT000006:2" \
    "$(sql "SELECT line_no||':'||contact_no||':'||added_by_step FROM segment_line ORDER BY line_no" | joined ' ')"
expect_ok "add Oslo persons with their company" segment add SEG00001 --where city=Oslo --where type=person --allow-related-companies --json
assert_eq "two persons and their company" "3" "$(json 'd["added"]')"
assert_eq "seven lines" "7" "$(sql "SELECT count(*) FROM segment_line")"
expect_exit 2 "r1's option name is gone" segment add SEG00001 --where city=Oslo --allow-company-with-persons
assert_eq "NOR persons get the header's language (no variant for ABSTRACT)" "ENU" \
    "$(sql "SELECT language_code FROM segment_line WHERE contact_no = 'CT000007'")"

expect_ok "personalise a line" segment line set SEG00001 30000 --subject "For Mark" --cost 9
assert_eq "the line is personalised" "1|For Mark|900" "$(sql "SELECT personalised||'|'||subject||'|'||cost FROM segment_line WHERE line_no = 30000")"
expect_ok "change the header's template" segment set SEG00001 --interaction-template-code COVERLTR
assert_eq "the personalised line keeps its values" "ABSTRACT|For Mark" "$(sql "SELECT interaction_template_code||'|'||subject FROM segment_line WHERE line_no = 30000")"
assert_eq "the others follow" "6" "$(sql "SELECT count(*) FROM segment_line WHERE interaction_template_code = 'COVERLTR'")"
assert_eq "COVERLTR ignores the contact's type" "6" "$(sql "SELECT count(*) FROM segment_line WHERE interaction_template_code = 'COVERLTR' AND correspondence_type = 'hard_copy'")"

expect_ok "reduce by city" segment reduce SEG00001 --where city=Oslo --json
assert_eq "three removed" "3" "$(json 'd["removed"]')"
expect_ok "reduce by name" segment reduce SEG00001 --where "name~mark"
assert_eq "three lines left" "CT000001,CT000006,CT000009" "$(sql "SELECT contact_no FROM segment_line ORDER BY contact_no" | joined ,)"
expect_ok "undo the last reduce" segment undo SEG00001
assert_eq "the personalised line is back exactly" "30000|1|ABSTRACT|For Mark|900|2" \
    "$(sql "SELECT line_no||'|'||personalised||'|'||interaction_template_code||'|'||subject||'|'||cost||'|'||added_by_step FROM segment_line WHERE contact_no = 'CT000005'")"
expect_ok "redo it" segment redo SEG00001
assert_eq "removed again" "0" "$(sql "SELECT count(*) FROM segment_line WHERE contact_no = 'CT000005'")"
expect_ok "undo again" segment undo SEG00001
expect_ok "steps --json" segment steps SEG00001 --json
assert_eq "five steps (the hand add first), the last undone" "add,add,add,reduce,reduce|1" "$(json '",".join(s["action"] for s in d)+"|"+str(sum(1 for s in d if s["undone"]))')"
expect_ok "refine to persons" segment refine SEG00001 --where type=person
assert_eq "a new step discards the undone one" "5" "$(sql "SELECT count(*) FROM segment_criteria_step")"
expect_exit 1 "redo with nothing undone" segment redo SEG00001

expect_ok "save the criteria" segment criteria save SEG00001 LONDON --description "London people"
expect_ok "a second segment" segment create --description "Copy" --interaction-template-code OUTGOING
expect_ok "reuse the criteria" segment criteria reuse london SEG00002 --json
assert_eq "the same contacts (the hand-added one too)" "$(sql "SELECT contact_no FROM segment_line WHERE segment_no='SEG00001' ORDER BY 1" | joined ,)" \
    "$(sql "SELECT contact_no FROM segment_line WHERE segment_no='SEG00002' ORDER BY 1" | joined ,)"
expect_ok "show --json counts lines and steps" segment show SEG00002 --json
assert_eq "counts" "$(sql "SELECT count(*) FROM segment_line WHERE segment_no='SEG00002'")|5" "$(json 'str(d["no_of_lines"])+"|"+str(d["no_of_criteria_actions"])')"
expect_ok "lines --json" segment lines SEG00002 --json
assert_eq "lines of SEG00002" "$(sql "SELECT count(*) FROM segment_line WHERE segment_no='SEG00002'")" "$(json 'len(d)')"

expect_ok "list --where keeps the matching segments" segment list --where description=Copy --json
assert_eq "SEG00002 alone, with its line count" \
    "SEG00002|$(sql "SELECT count(*) FROM segment_line WHERE segment_no='SEG00002'")" \
    "$(json '",".join(x["no"] for x in d)+"|"+str(d[0]["no_of_lines"])')"
expect_ok "several filters all apply (~ ignores case)" segment list --where "description~SPRING" --where no!=SEG00002 --json
assert_eq "SEG00001 alone" "SEG00001" "$(json '",".join(x["no"] for x in d)')"
expect_ok "list --limit" segment list --where "description!=none" --limit 1 --json
assert_eq "the first segment" "SEG00001" "$(json '",".join(x["no"] for x in d)')"
expect_exit 1 "a filter on a computed count is refused" segment list --where no_of_lines=0
assert_contains "naming the field" "no field \"no_of_lines\"" "$ERR"
expect_exit 2 "list takes no arguments" segment list SEG00001

expect_ok "an empty segment" segment create --description "Empty" --interaction-template-code ABSTRACT
expect_exit 1 "logging it is refused" segment log SEG00003
assert_eq "the error" "relm: segment SEG00003 is empty" "$ERR"
sql "UPDATE marketing_setup SET segment_nos = ''"
before=$(db_dump)
expect_exit 1 "follow-up without segment_nos is refused" segment log SEG00001 --follow-up
assert_contains "naming the setting" "marketing setup segment_nos" "$ERR"
assert_eq "nothing was written" "$before" "$(db_dump)"
sql "UPDATE marketing_setup SET segment_nos = 'SEG'"
sql "UPDATE segment_line SET correspondence_type = 'email' WHERE segment_no = 'SEG00001' AND contact_no = 'CT000006'"
expect_exit 1 "deliver refuses an e-mail line without an address" segment log SEG00001 --deliver
assert_contains "naming the contact and the field" "CT000006 has no email" "$ERR"

n=$(sql "SELECT count(*) FROM segment_line WHERE segment_no='SEG00001'")
expect_ok "log with follow-up" segment log SEG00001 --follow-up --json
assert_eq "result" "1|$n|SEG00004|1" "$(json 'str(d["logged_segment_entry_no"])+"|"+str(d["entries"])+"|"+d["follow_up_no"]+"|"+str(d["blank_correspondence"])')"
assert_contains "the blank correspondence type is reported" "blank correspondence" "$ERR"
assert_eq "entries written" "$n" "$(sql "SELECT count(*) FROM interaction_log_entry WHERE logged_segment_entry_no = 1")"
assert_eq "the segment is gone" "0" "$(sql "SELECT count(*) FROM segment_header WHERE no = 'SEG00001'")"
assert_eq "the follow-up holds the same contacts" "$n" "$(sql "SELECT count(*) FROM segment_line WHERE segment_no = 'SEG00004'")"
expect_exit 1 "a second log is refused" segment log SEG00001
assert_contains "as already logged" "already been logged" "$ERR"
expect_ok "plain log output" segment log SEG00002
assert_contains "prints the entry and count" "logged segment 2:" "$OUT"

expect_ok "logged-segment list --json" logged-segment list --json
assert_eq "two, newest first" "2,1|$n" "$(json '",".join(str(x["entry_no"]) for x in d)+"|"+str(d[1]["no_of_interactions"])')"
expect_ok "cancel" logged-segment cancel 1 --json
assert_eq "canceled" "True" "$(json 'd["canceled"]')"
assert_eq "all its entries canceled" "$n" "$(sql "SELECT count(*) FROM interaction_log_entry WHERE logged_segment_entry_no = 1 AND canceled = 1")"
expect_ok "undo the cancel" logged-segment cancel 1
assert_eq "none canceled" "0" "$(sql "SELECT count(*) FROM interaction_log_entry WHERE canceled = 1")"
sql "UPDATE interaction_log_entry SET evaluation = 'positive' WHERE logged_segment_entry_no = 1 AND contact_no = 'CT000006'"
expect_ok "reuse the positive contacts" logged-segment reuse 1 --evaluation positive
assert_eq "prints the new no." "SEG00005" "$OUT"
assert_eq "holding that contact" "CT000006" "$(sql "SELECT contact_no FROM segment_line WHERE segment_no = 'SEG00005' ORDER BY contact_no" | joined ,)"
sql "UPDATE interaction_log_entry SET canceled = 1 WHERE logged_segment_entry_no = 2 AND entry_no = (SELECT min(entry_no) FROM interaction_log_entry WHERE logged_segment_entry_no = 2)"
m=$(sql "SELECT count(*) FROM interaction_log_entry WHERE logged_segment_entry_no = 2")
expect_ok "show counts the entries in the logged segment's own state" logged-segment show 2 --json
assert_eq "one canceled entry is not counted" "$((m - 1))" "$(json 'd["no_of_interactions"]')"
expect_exit 1 "deleting a logged segment that is not canceled is refused" logged-segment delete 2
assert_contains "the error says why" "logged segment 2 is not canceled" "$ERR"
assert_eq "it stays" "1" "$(sql "SELECT count(*) FROM logged_segment WHERE entry_no = 2")"
expect_ok "cancel it" logged-segment cancel 2 --json
assert_eq "a canceled logged segment counts its canceled entries" "$m" "$(json 'd["no_of_interactions"]')"
expect_ok "delete the canceled logged segment" logged-segment delete 2
assert_eq "prints how many entries stayed" "deleted logged segment 2: $m interaction log entries kept" "$OUT"
assert_eq "it is gone" "0" "$(sql "SELECT count(*) FROM logged_segment WHERE entry_no = 2")"
assert_eq "its entries stay, detached, with their segment no." "$m" "$(sql "SELECT count(*) FROM interaction_log_entry WHERE logged_segment_entry_no = 0 AND segment_no = 'SEG00002' AND canceled = 1")"
expect_exit 1 "deleting it again" logged-segment delete 2
assert_contains "not found" "logged segment 2 does not exist" "$ERR"
expect_ok "logged-segment --help" logged-segment --help
assert_contains "help names delete" "delete ENTRY" "$OUT"
expect_exit 2 "a bad entry no. is a usage error" logged-segment show abc
expect_exit 1 "a missing entry" logged-segment show 99
expect_ok "a segment to deliver" segment create --description "Deliver" --interaction-template-code coverltr --json
DLV=$(json 'd["no"]')
"$RELM" segment add "$DLV" --contact CT000009 >/dev/null
"$RELM" segment add "$DLV" --contact CT000005 >/dev/null
sql "UPDATE interaction_template SET attachment = '' WHERE code = 'COVERLTR'; DELETE FROM interaction_template_language WHERE template_code = 'COVERLTR'"
expect_exit 1 "deliver refuses a line whose template has no attachment" segment log "$DLV" --deliver
assert_contains "naming the line and the template" "line 10000: interaction template COVERLTR has no attachment to deliver" "$ERR"
assert_eq "nothing was logged" "0" "$(sql "SELECT count(*) FROM interaction_log_entry WHERE segment_no = '$DLV'")"
expect_ok "set the attachment" template attachment set COVERLTR --text "Dear {{contact.name}}"
expect_ok "then deliver logs" segment log "$DLV" --deliver
assert_eq "every hard-copy line is in the outbox" "2|hard_copy:in_progress" "$(sql "SELECT count(*) FROM interaction_log_entry WHERE segment_no = '$DLV'")|$(sql "SELECT DISTINCT correspondence_type||':'||delivery_status FROM interaction_log_entry WHERE segment_no = '$DLV'" | joined ,)"
# relm sends no faxes: with --deliver a fax line fails at once instead of waiting for ever.
sql "UPDATE contact SET fax_no = '+47 22 00 00 00' WHERE no = 'CT000009'"
expect_ok "a segment with a fax line" segment create --description "Fax" --interaction-template-code coverltr --json
FAX=$(json 'd["no"]')
"$RELM" segment add "$FAX" --contact CT000009 >/dev/null
"$RELM" segment add "$FAX" --contact CT000005 >/dev/null
expect_ok "make the first line a fax" segment line set "$FAX" 10000 --correspondence-type fax
expect_ok "deliver logs the fax line" segment log "$FAX" --deliver --json
FAXLS=$(json 'd["logged_segment_entry_no"]')
assert_eq "the result counts the fax not sent" "1" "$(json 'd["faxes_not_sent"]')"
assert_contains "a warning says relm does not send faxes" "1 fax entries were logged as failed: relm does not send faxes" "$ERR"
assert_eq "the fax entry failed with the reason, the letter waits" "fax:error:relm does not send faxes,hard_copy:in_progress:" \
    "$(sql "SELECT correspondence_type||':'||delivery_status||':'||delivery_error FROM interaction_log_entry WHERE segment_no = '$FAX' ORDER BY entry_no" | joined ,)"
expect_ok "the delivery of the logged segment" logged-segment delivery "$FAXLS"
assert_contains "counts the fax as failed, naming why" "relm does not send faxes" "$OUT"
assert_contains "says the letter waits to be printed and how" "1 letters wait to be printed: relm logged-segment print $FAXLS --output FILE" "$OUT"
expect_ok "print the letter" logged-segment print "$FAXLS" --output "$T/fax-segment.pdf"
expect_ok "the delivery counts again" logged-segment delivery "$FAXLS" --json
assert_eq "printed: no letters wait, one sent, the fax failed" "0 1 0 1" "$(json 'd["letters"], d["sent"], d["waiting"], d["failed"]' | tr -d '(),')"
expect_ok "delete a segment" segment delete SEG00005
assert_eq "its lines went with it" "0" "$(sql "SELECT count(*) FROM segment_line WHERE segment_no = 'SEG00005'")"
expect_exit 2 "an unknown verb" segment frobnicate

# r2: a new header takes the signed-in user's salesperson; lines take none from setup.
printf 'correct horse battery\n' | "$RELM" user add ann --salesperson-code ah --password-stdin >/dev/null
RELM_USER=ann "$RELM" segment create --description "Ann's mailing" --json >"$T/out"
OUT=$(cat "$T/out")
assert_eq "a new segment takes the user's account salesperson and the work date" "AH|2026-03-15" "$(json 'd["salesperson_code"]+"|"+d["date"]')"
expect_ok "a segment without a salesperson" segment create --description "No salesperson" --interaction-template-code abstract --json
bare=$(json 'd["no"]')
sql "UPDATE contact SET salesperson_code = '', correspondence_type = '' WHERE no = 'CT000009'"
expect_ok "add a contact without a salesperson" segment add "$bare" --contact CT000009
assert_eq "the line has none (setup's default JO is no fallback), and the header's type" "|hard_copy" \
    "$(sql "SELECT salesperson_code||'|'||correspondence_type FROM segment_line WHERE segment_no = '$bare'")"

# r2: a typed description stays when the line's template changes.
expect_ok "the line follows its template's description" segment line set "$bare" 10000 --interaction-template-code coverltr
assert_eq "the template's description" "Cover letter|0" "$(sql "SELECT description||'|'||description_typed FROM segment_line WHERE segment_no = '$bare'")"
expect_ok "type a description" segment line set "$bare" 10000 --description "Robin's letter"
expect_ok "change the line's template again" segment line set "$bare" 10000 --interaction-template-code abstract --json
assert_eq "the typed description stays" "ABSTRACT|Robin's letter|1" "$(json 'd["interaction_template_code"]+"|"+d["description"]+"|"+str(int(d["description_typed"]))')"

# r2: adding and removing a line by hand are criteria steps.
expect_ok "remove the line by hand" segment line remove "$bare" 10000
expect_ok "show" segment show "$bare" --json
assert_eq "no lines, two steps (add, remove)" "0|2" "$(json 'str(d["no_of_lines"])+"|"+str(d["no_of_criteria_actions"])')"
expect_ok "undo the removal" segment undo "$bare"
assert_eq "the line is back with its typed description" "10000|Robin's letter|1" \
    "$(sql "SELECT line_no||'|'||description||'|'||description_typed FROM segment_line WHERE segment_no = '$bare'")"
expect_ok "undo the hand add" segment undo "$bare"
assert_eq "the segment is empty again" "0" "$(sql "SELECT count(*) FROM segment_line WHERE segment_no = '$bare'")"
expect_ok "redo the hand add" segment redo "$bare"
assert_eq "the contact is back" "CT000009" "$(sql "SELECT contact_no FROM segment_line WHERE segment_no = '$bare' ORDER BY contact_no" | joined ,)"

# r2: the criteria options with the ERP's meanings.
expect_ok "a segment for the options" segment create --description "Options" --json
o=$(json 'd["no"]')
lines_of() { sql "SELECT contact_no FROM segment_line WHERE segment_no = '$1' ORDER BY contact_no" | joined ,; }
expect_ok "expand from a person (lower-case no.)" segment add "$o" --where no=ct000007 --expand-company --json
assert_eq "brings its company and its colleague" "CT000002,CT000007,CT000008" "$(lines_of "$o")"
expect_ok "add a London person" segment add "$o" --where no=CT000005
expect_ok "refine by Kari, entire companies" segment refine "$o" --where name~kari --entire-companies --json
assert_eq "keeps every line of her company" "1|CT000002,CT000007,CT000008" "$(json 'd["removed"]')|$(lines_of "$o")"
expect_ok "reduce by Ola, entire companies" segment reduce "$o" --where no=CT000008 --entire-companies --json
assert_eq "removes every line of his company" "3|" "$(json 'd["removed"]')|$(lines_of "$o")"
expect_ok "steps --json" segment steps "$o" --json
assert_eq "each step records its option" '{"entire_companies": true}' "$(json 'json.dumps(json.loads(d[-1]["options"]))')"
steps_before=$(sql "SELECT count(*) FROM segment_criteria_step WHERE segment_no = '$o'")
expect_exit 1 "an add option on reduce is refused" segment reduce "$o" --where no=CT000008 --expand-company
assert_contains "naming the option" "expand_company" "$ERR"
expect_exit 1 "entire companies on add is refused" segment add "$o" --where no=CT000008 --entire-companies
expect_ok "undo the reduce" segment undo "$o"
assert_eq "the company is back" "CT000002,CT000007,CT000008" "$(lines_of "$o")"

# Codes in criteria are normalised by the library; bad input is refused and records nothing.
sql "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, date, interaction_template_code, campaign_no, salesperson_code, evaluation) VALUES (9001, 'CT000006', 'CT000001', '2026-02-01', 'NEWS', '', 'JO', 'positive'), (9002, 'CT000010', 'CT000004', '2026-02-01', 'NEWS', '', 'BD', 'negative')"
expect_ok "a segment for history" segment create --description "History" --json
hst=$(json 'd["no"]')
expect_ok "criteria with lower-case codes" segment add "$hst" --interaction-template-code " news " --salesperson-code jo --evaluation Positive --json
assert_eq "one line" "1|CT000006" "$(json 'd["added"]')|$(lines_of "$hst")"
assert_eq "the step holds the codes as they ran" '{"filters":[],"interaction_template_code":"NEWS","evaluation":"positive","salesperson_code":"JO"}' \
    "$(sql "SELECT filters FROM segment_criteria_step WHERE segment_no = '$hst'")"
expect_exit 1 "a bad evaluation is refused" segment add "$hst" --evaluation great
assert_contains "naming the field" "evaluation" "$ERR"
expect_exit 1 "a bad date is refused" segment add "$hst" --from 2026-13-01
expect_exit 1 "a filter that is not UTF-8 is refused" segment add "$hst" --where "$(printf 'city=Oslo\xff')"
assert_contains "saying so" "UTF-8" "$ERR"
expect_exit 1 "a code that is not UTF-8 is refused" segment add "$hst" --has-interaction "$(printf 'news\xc3')"
assert_eq "no step was recorded for any of them" "1" "$(sql "SELECT count(*) FROM segment_criteria_step WHERE segment_no = '$hst'")"
sql "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, date, interaction_template_code, canceled) VALUES (9003, 'CT000007', 'CT000002', '2026-02-01', 'NEWS', 1)"
expect_ok "not canceled entries only" segment add "$hst" --interaction-template-code news --canceled false --json
assert_eq "the canceled entry does not count (CT000010 is privacy blocked)" "CT000006" "$(lines_of "$hst")"
expect_ok "every entry counts unless a filter says otherwise" segment add "$hst" --interaction-template-code news --json
assert_eq "the canceled entry counts too" "CT000006,CT000007" "$(lines_of "$hst")"
expect_exit 1 "canceled takes true or false" segment add "$hst" --canceled maybe
expect_ok "logged-segment reuse takes true/false" logged-segment reuse 1 --attempt-failed false --json
expect_exit 1 "and refuses anything else" logged-segment reuse 1 --attempt-failed maybe
finish
