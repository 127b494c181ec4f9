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
assert_eq "two persons (their company is skipped)" "2" "$(json 'd["added"]')"
assert_eq "lines 10000 apart, each naming its step" "10000:CT000009:0 20000:CT000005:1 30000:CT000006:1" \
    "$(sql "SELECT group_concat(line_no||':'||contact_no||':'||added_by_step, ' ') FROM (SELECT * FROM segment_line ORDER BY line_no)")"
expect_ok "add Oslo companies with their persons and the company" segment add SEG00001 --where city=Oslo --where type=company --expand-company --allow-company-with-persons
assert_eq "six lines" "6" "$(sql "SELECT count(*) FROM segment_line")"
assert_eq "NOR persons get the header's language (no variant for ABSTRACT)" "ENU" \
    "$(sql "SELECT language_code FROM segment_line WHERE contact_no = 'CT000007'")"

expect_ok "personalise a line" segment line set SEG00001 20000 --subject "For Mark" --cost 9
assert_eq "the line is personalised" "1|For Mark|900" "$(sql "SELECT personalised||'|'||subject||'|'||cost FROM segment_line WHERE line_no = 20000")"
expect_ok "change the header's template" segment set SEG00001 --interaction-template-code COVERLTR
assert_eq "the personalised line keeps its values" "ABSTRACT|For Mark" "$(sql "SELECT interaction_template_code||'|'||subject FROM segment_line WHERE line_no = 20000")"
assert_eq "the others follow" "5" "$(sql "SELECT count(*) FROM segment_line WHERE interaction_template_code = 'COVERLTR'")"
assert_eq "COVERLTR ignores the contact's type" "5" "$(sql "SELECT count(*) FROM segment_line WHERE interaction_template_code = 'COVERLTR' AND correspondence_type = 'hard_copy'")"

expect_ok "reduce by city" segment reduce SEG00001 --where city=Oslo --json
assert_eq "three removed" "3" "$(json 'd["removed"]')"
expect_ok "reduce by name" segment reduce SEG00001 --where "name~mark"
assert_eq "two lines left" "CT000006,CT000009" "$(sql "SELECT group_concat(contact_no, ',') FROM (SELECT contact_no FROM segment_line ORDER BY contact_no)")"
expect_ok "undo the last reduce" segment undo SEG00001
assert_eq "the personalised line is back exactly" "20000|1|ABSTRACT|For Mark|900|1" \
    "$(sql "SELECT line_no||'|'||personalised||'|'||interaction_template_code||'|'||subject||'|'||cost||'|'||added_by_step FROM segment_line WHERE contact_no = 'CT000005'")"
expect_ok "redo it" segment redo SEG00001
assert_eq "removed again" "0" "$(sql "SELECT count(*) FROM segment_line WHERE contact_no = 'CT000005'")"
expect_ok "undo again" segment undo SEG00001
expect_ok "steps --json" segment steps SEG00001 --json
assert_eq "four steps, the last undone" "add,add,reduce,reduce|1" "$(json '",".join(s["action"] for s in d)+"|"+str(sum(1 for s in d if s["undone"]))')"
expect_ok "refine to persons" segment refine SEG00001 --where type=person
assert_eq "a new step discards the undone one" "4" "$(sql "SELECT count(*) FROM segment_criteria_step")"
expect_exit 1 "redo with nothing undone" segment redo SEG00001

expect_ok "save the criteria" segment criteria save SEG00001 LONDON --description "London people"
expect_ok "a second segment" segment create --description "Copy" --interaction-template-code OUTGOING
expect_ok "reuse the criteria" segment criteria reuse london SEG00002 --json
assert_eq "the same contacts (less the hand-added one)" "$(sql "SELECT group_concat(contact_no) FROM (SELECT contact_no FROM segment_line WHERE segment_no='SEG00001' AND added_by_step > 0 ORDER BY 1)")" \
    "$(sql "SELECT group_concat(contact_no) FROM (SELECT contact_no FROM segment_line WHERE segment_no='SEG00002' ORDER BY 1)")"
expect_ok "show --json counts lines and steps" segment show SEG00002 --json
assert_eq "counts" "$(sql "SELECT count(*) FROM segment_line WHERE segment_no='SEG00002'")|4" "$(json 'str(d["no_of_lines"])+"|"+str(d["no_of_criteria_actions"])')"
expect_ok "lines --json" segment lines SEG00002 --json
assert_eq "lines of SEG00002" "$(sql "SELECT count(*) FROM segment_line WHERE segment_no='SEG00002'")" "$(json 'len(d)')"

expect_ok "an empty segment" segment create --description "Empty" --interaction-template-code ABSTRACT
expect_exit 1 "logging it is refused" segment log SEG00003
assert_eq "the error" "relm: segment SEG00003 is empty" "$ERR"
sql "UPDATE marketing_setup SET segment_nos = ''"
before=$(sql ".dump")
expect_exit 1 "follow-up without segment_nos is refused" segment log SEG00001 --follow-up
assert_contains "naming the setting" "marketing setup segment_nos" "$ERR"
assert_eq "nothing was written" "$before" "$(sql ".dump")"
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
assert_eq "holding that contact" "CT000006" "$(sql "SELECT group_concat(contact_no) FROM segment_line WHERE segment_no = 'SEG00005'")"
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
assert_eq "every hard-copy line is in the outbox" "2|hard_copy:in_progress" "$(sql "SELECT count(*)||'|'||group_concat(DISTINCT correspondence_type||':'||delivery_status) FROM interaction_log_entry WHERE segment_no = '$DLV'")"
expect_ok "delete a segment" segment delete SEG00005
assert_eq "its lines went with it" "0" "$(sql "SELECT count(*) FROM segment_line WHERE segment_no = 'SEG00005'")"
expect_exit 2 "an unknown verb" segment frobnicate
finish
