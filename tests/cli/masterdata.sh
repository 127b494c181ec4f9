#!/usr/bin/env bash
# Master data through the CLI: salespersons, interaction groups, templates (language
# variants, attachments) and campaigns. Output, canonical --json keys, exit codes, and the
# database after refused operations.
. "$(dirname "$0")/lib.sh"
NL=$'\n'
"$RELM" init >/dev/null

# --- salespersons ---
expect_ok "salesperson add" salesperson add --code jo --name "Jim Olive" --json
assert_eq "salesperson --json keys are canonical" "blocked,code,email,job_title,name,phone_no" \
    "$(json '",".join(sorted(d))')"
expect_ok "salesperson show has statistics" salesperson show jo --json
assert_eq "statistics keys" "0|0.00|0.00" \
    "$(json 'str(d["no_of_interactions"])+"|"+d["cost"]+"|"+d["duration"]')"
expect_exit 1 "a duplicate salesperson is refused" salesperson add --code JO
expect_ok "an unused salesperson can be deleted" salesperson add --code tmp
expect_ok "delete it" salesperson delete TMP
assert_eq "it is gone" "0" "$(sql "SELECT count(*) FROM salesperson WHERE code = 'TMP'")"

# --- interaction groups ---
expect_ok "group add" group add --code letter --description Letters
assert_contains "add prints the group" "LETTER" "$OUT"
assert_eq "the group is stored upper-cased" "LETTER|Letters" \
    "$(sql "SELECT code||'|'||description FROM interaction_group")"
expect_exit 1 "a group needs a code" group add --description Nameless
assert_contains "the error names the field" "code is required" "$ERR"
expect_exit 1 "a duplicate group is refused" group add --code LETTER
assert_contains "naming it" "interaction group LETTER already exists" "$ERR"
expect_exit 1 "a group code longer than 10 is refused" group add --code ABCDEFGHIJK
expect_exit 2 "an unknown group field is a usage error" group add --code X --colour red
assert_eq "one group" "1" "$(sql "SELECT count(*) FROM interaction_group")"
expect_ok "group show --json" group show letter --json
assert_eq "group --json keys" "code,cost,description,duration,no_of_interactions" \
    "$(json '",".join(sorted(d))')"
expect_ok "group list --json" group list --json
assert_eq "group list has the group" "LETTER" "$(json 'd[0]["code"]')"
expect_exit 1 "show of a missing group fails" group show nope
assert_contains "naming it" "interaction group NOPE does not exist" "$ERR"
expect_exit 2 "show without a code is a usage error" group show
expect_exit 2 "an unknown verb is a usage error" group frob

# --- interaction templates ---
expect_exit 1 "a template's group must exist" template add --code abstract \
    --interaction-group-code nope
assert_contains "the error names the group" "interaction group NOPE does not exist" "$ERR"
expect_exit 1 "a template needs a group" template add --code abstract
assert_contains "naming the field" "interaction_group_code is required" "$ERR"
expect_exit 1 "an unknown information flow is refused" template add --code abstract \
    --interaction-group-code letter --information-flow sideways
expect_exit 1 "a template's campaign must exist" template add --code abstract \
    --interaction-group-code letter --campaign-no CMP9
assert_eq "no template was written" "0" "$(sql "SELECT count(*) FROM interaction_template")"
expect_ok "template add" template add --code abstract --interaction-group-code letter \
    --description "Abstract" --unit-cost 2.5 --unit-duration 5 --information-flow outbound \
    --initiated-by us --correspondence-type hard-copy --language-code enu --json
assert_eq "values are stored exactly" "250|500|outbound|us|hard_copy|ENU" \
    "$(sql "SELECT unit_cost||'|'||unit_duration||'|'||information_flow||'|'||initiated_by||'|'||correspondence_type||'|'||language_code FROM interaction_template")"
assert_eq "template --json keys are canonical" \
    "campaign_no,campaign_response,campaign_target,code,correspondence_type,description,ignore_contact_corresp_type,information_flow,initiated_by,interaction_group_code,language_code,unit_cost,unit_duration" \
    "$(json '",".join(sorted(d))')"
expect_ok "template show --json" template show ABSTRACT --json
assert_eq "money as text, booleans as booleans, statistics" "2.50|5.00|False|0" \
    "$(json 'd["unit_cost"]+"|"+d["unit_duration"]+"|"+str(d["ignore_contact_corresp_type"])+"|"+str(d["no_of_interactions"])')"
expect_ok "template update" template update abstract --description "Abstract letter"
assert_eq "updated" "Abstract letter" "$(sql "SELECT description FROM interaction_template")"
expect_exit 1 "update to a missing group is refused" template update abstract \
    --interaction-group-code nope
assert_eq "the group is unchanged" "LETTER" \
    "$(sql "SELECT interaction_group_code FROM interaction_template")"
expect_exit 2 "update without fields is a usage error" template update abstract
expect_ok "template list" template list
assert_contains "lists the template" "ABSTRACT" "$OUT"

expect_exit 1 "a group with templates cannot be deleted" group delete letter
assert_contains "the error says why" "has 1 interaction templates" "$ERR"
assert_eq "the group stays" "1" "$(sql "SELECT count(*) FROM interaction_group")"

# --- language variants ---
printf 'Hei {{contact.first_name}}\n' >"$T/nor.txt"
expect_ok "language set" template language set abstract nor --description Sammendrag \
    --attachment-file "$T/nor.txt" --json
assert_eq "set prints the variant" "ABSTRACT|NOR|Sammendrag" \
    "$(json 'd["template_code"]+"|"+d["language_code"]+"|"+d["description"]')"
assert_eq "the variant is stored with its attachment" "Sammendrag|Hei {{contact.first_name}}" \
    "$(sql "SELECT description||'|'||rtrim(attachment, '$NL') FROM interaction_template_language")"
expect_ok "language set without --description keeps it" template language set ABSTRACT NOR
assert_eq "description and attachment kept" "Sammendrag|Hei {{contact.first_name}}" \
    "$(sql "SELECT description||'|'||rtrim(attachment, '$NL') FROM interaction_template_language")"
expect_ok "a second variant" template language set ABSTRACT deu --description Zusammenfassung
expect_ok "language list --json" template language list abstract --json
assert_eq "variants in language order" "DEU,NOR" "$(json '",".join(v["language_code"] for v in d)')"
expect_exit 1 "a variant of a missing template is refused" template language set NOPE NOR
expect_exit 1 "an unreadable attachment file fails" template language set ABSTRACT NOR \
    --attachment-file "$T/missing.txt"
expect_exit 2 "language set needs a language" template language set ABSTRACT
expect_exit 2 "an unknown language verb is a usage error" template language frob ABSTRACT

# --- attachments ---
expect_ok "attachment set --text" template attachment set abstract --text "Dear {{contact.name}}"
expect_ok "attachment show" template attachment show ABSTRACT
assert_eq "prints the body" "Dear {{contact.name}}" "$OUT"
expect_ok "attachment show --language" template attachment show ABSTRACT --language nor
assert_eq "prints the variant body" "Hei {{contact.first_name}}" "$OUT"
expect_ok "attachment show --json" template attachment show ABSTRACT --language NOR --json
assert_eq "json keys" "attachment,language_code,template_code" "$(json '",".join(sorted(d))')"
printf 'Liebe {{contact.name}}\n' >"$T/deu.txt"
expect_ok "attachment set --file" template attachment set ABSTRACT --language DEU --file "$T/deu.txt"
assert_eq "stored" "Liebe {{contact.name}}" \
    "$(sql "SELECT rtrim(attachment, '$NL') FROM interaction_template_language WHERE language_code = 'DEU'")"
expect_exit 2 "--file and --text together are a usage error" template attachment set ABSTRACT \
    --file "$T/deu.txt" --text x
expect_exit 2 "neither --file nor --text is a usage error" template attachment set ABSTRACT
expect_exit 1 "an attachment for a missing variant is refused" template attachment set ABSTRACT \
    --language FRA --text x
assert_contains "naming the variant" "has no language variant FRA" "$ERR"
expect_exit 1 "a missing template's attachment fails" template attachment show NOPE
expect_ok "language delete" template language delete ABSTRACT deu
assert_eq "one variant left" "NOR" "$(sql "SELECT language_code FROM interaction_template_language ORDER BY language_code" | joined ,)"
expect_exit 1 "deleting it again fails" template language delete ABSTRACT DEU

# --- a template in use ---
sql "INSERT INTO interaction_log_entry (entry_no, interaction_template_code, interaction_group_code) VALUES (1, 'ABSTRACT', 'LETTER')"
expect_exit 1 "a template in use by log entries cannot be deleted" template delete abstract
assert_contains "the error says why" "used by 1 interaction log entries" "$ERR"
assert_eq "the template stays" "1" "$(sql "SELECT count(*) FROM interaction_template")"
assert_eq "its variant stays" "1" "$(sql "SELECT count(*) FROM interaction_template_language")"
expect_ok "group statistics count the entry" group show LETTER --json
assert_eq "one interaction" "1" "$(json 'd["no_of_interactions"]')"
sql "DELETE FROM interaction_log_entry"
expect_ok "an unused template can be deleted" template delete abstract
assert_eq "with its variants" "0|0" \
    "$(sql "SELECT (SELECT count(*) FROM interaction_template)||'|'||(SELECT count(*) FROM interaction_template_language)")"
expect_ok "then the group" group delete LETTER
assert_eq "the group is gone" "0" "$(sql "SELECT count(*) FROM interaction_group")"

# --- campaigns ---
expect_exit 1 "a campaign without a number or campaign_nos is refused" campaign add --description Spring
assert_contains "naming the setting" "marketing setup campaign_nos" "$ERR"
assert_eq "nothing written" "0" "$(sql "SELECT count(*) FROM campaign")"
"$RELM" numseries add --code CAMP >/dev/null
"$RELM" numseries line add CAMP --starting-no CMP1001 >/dev/null
"$RELM" setup set --campaign-nos CAMP >/dev/null
expect_ok "campaign add takes a number" campaign add --description Spring \
    --starting-date 2026-03-01 --ending-date 2026-06-30 --salesperson-code jo --activated --json
assert_eq "numbered from the series" "CMP1001" "$(json 'd["no"]')"
assert_eq "campaign --json keys are canonical" \
    "activated,description,ending_date,no,salesperson_code,starting_date,status_code" \
    "$(json '",".join(sorted(d))')"
assert_eq "stored" "CMP1001|JO|1" "$(sql "SELECT no||'|'||salesperson_code||'|'||activated FROM campaign")"
expect_exit 1 "an ending date before the starting date is refused" campaign add \
    --starting-date 2026-03-01 --ending-date 2026-02-01
assert_contains "naming the field" "ending_date" "$ERR"
expect_exit 1 "an unknown salesperson is refused" campaign add --salesperson-code XX
expect_exit 1 "a typed number needs manual numbers" campaign add --no MINE
assert_eq "one campaign, series used once" "1|CMP1001" \
    "$(sql "SELECT (SELECT count(*) FROM campaign)||'|'||(SELECT last_no_used FROM no_series_line)")"
expect_ok "campaign show --json" campaign show cmp1001 --json
assert_eq "with campaign statistics" "0|0|0" \
    "$(json 'str(d["no_of_entries"])+"|"+str(d["no_of_responses"])+"|"+str(d["no_of_interactions"])')"
expect_ok "campaign update" campaign update CMP1001 --status-code active
assert_eq "updated" "ACTIVE" "$(sql "SELECT status_code FROM campaign")"
expect_exit 1 "update with ending before starting is refused" campaign update CMP1001 \
    --ending-date 2026-01-01
assert_eq "unchanged" "2026-06-30" "$(sql "SELECT ending_date FROM campaign")"
expect_ok "campaign entries --json" campaign entries CMP1001 --json
assert_eq "none yet" "0" "$(json 'len(d)')"
sql "INSERT INTO campaign_entry (entry_no, campaign_no, description, segment_no) VALUES (1, 'CMP1001', 'Spring mailing', 'SEG00001'), (2, 'OTHER', '', '')"
expect_ok "campaign entries lists the campaign's entries" campaign entries cmp1001 --json
assert_eq "one entry, canonical keys" "1|campaign_no,canceled,date,description,entry_no,logged_segment_entry_no,salesperson_code,segment_no,user_id" \
    "$(json 'str(len(d))+"|"+",".join(sorted(d[0]))')"
expect_exit 1 "entries of a missing campaign fail" campaign entries NOPE
expect_exit 2 "entries without a number is a usage error" campaign entries
sql "INSERT INTO interaction_log_entry (entry_no, campaign_no, campaign_entry_no, cost) VALUES (1, 'CMP1001', 1, 100), (2, 'CMP1001', 1, 200), (3, 'CMP1001', 3, 400)"
sql "INSERT INTO campaign_entry (entry_no, campaign_no, description) VALUES (3, 'CMP1001', 'Interactions')"
expect_ok "campaign entry show" campaign entry show 1 --json
assert_eq "shows the entry" "1|CMP1001|False" "$(json 'str(d["entry_no"])+"|"+d["campaign_no"]+"|"+str(d["canceled"])')"
expect_exit 1 "a campaign entry that is not canceled cannot be deleted" campaign entry delete 1
assert_contains "the error says why" "campaign entry 1 is not canceled" "$ERR"
assert_eq "its interactions stay" "2" "$(sql "SELECT count(*) FROM interaction_log_entry WHERE campaign_entry_no = 1")"
expect_ok "cancel a campaign entry" campaign entry cancel 1 --json
assert_eq "it is canceled" "True" "$(json 'd["canceled"]')"
assert_eq "with its interaction log entries, and only those" "1,2" "$(sql "SELECT entry_no FROM interaction_log_entry WHERE canceled = 1 ORDER BY entry_no" | joined ,)"
expect_ok "the campaign's statistics drop them" campaign show CMP1001 --json
assert_eq "one interaction left" "1|4.00" "$(json 'str(d["no_of_interactions"])+"|"+d["cost"]')"
expect_ok "undo the cancel" campaign entry cancel 1
assert_eq "none canceled" "0" "$(sql "SELECT count(*) FROM interaction_log_entry WHERE canceled = 1")"
"$RELM" campaign entry cancel 1 >/dev/null
expect_ok "delete the canceled campaign entry" campaign entry delete 1
assert_eq "prints how many interactions went" "deleted campaign entry 1 and 2 interaction log entries" "$OUT"
assert_eq "the entry and its interactions are gone" "0|0" "$(sql "SELECT (SELECT count(*) FROM campaign_entry WHERE entry_no = 1)||'|'||(SELECT count(*) FROM interaction_log_entry WHERE campaign_entry_no = 1)")"
expect_exit 1 "a missing campaign entry" campaign entry show 1
assert_contains "not found" "campaign entry 1 does not exist" "$ERR"
expect_exit 2 "a bad entry no. is a usage error" campaign entry cancel abc
expect_exit 2 "an unknown entry verb is a usage error" campaign entry frob 3
expect_ok "campaign --help names the entry verbs" campaign --help
assert_contains "entry cancel" "entry cancel ENTRY" "$OUT"
expect_ok "deleting a campaign deletes its campaign entries" campaign delete CMP1001 --json
assert_eq "the campaign and its entries are gone" "0|0" "$(sql "SELECT (SELECT count(*) FROM campaign)||'|'||(SELECT count(*) FROM campaign_entry WHERE campaign_no = 'CMP1001')")"
assert_eq "its interaction log entries stay with campaign_no, without the entry no." "3|CMP1001|0" "$(sql "SELECT entry_no||'|'||campaign_no||'|'||campaign_entry_no FROM interaction_log_entry")"
finish
