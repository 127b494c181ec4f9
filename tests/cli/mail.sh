#!/usr/bin/env bash
# relm mail import: Maildir, mbox and .eml messages logged as interactions; the summary and
# its --json lists; duplicates, unmatched and broken messages; the setup check.
. "$(dirname "$0")/lib.sh"
export TZ=Europe/Oslo
M="$SRCDIR/tests/mail"
"$RELM" init >/dev/null

"$RELM" salesperson add --code KARI --name "Kari Nordmann" --email kari@firma.no >/dev/null
"$RELM" salesperson add --code OLE --name "Ole Hansen" --email ole@firma.no >/dev/null
"$RELM" group add --code MAIL --description "E-mail" >/dev/null
"$RELM" template add --code EIN --interaction-group-code MAIL --description "E-mail received" >/dev/null
"$RELM" template add --code EOUT --interaction-group-code MAIL --description "E-mail sent" >/dev/null
"$RELM" contact add --no CT1 --type company --name "Bjørn Ødegård AS" --email bjorn@kunde.no --salesperson-code OLE >/dev/null
"$RELM" contact add --no CT2 --type person --name "Åse Ærø" --email aase@eksempel.no >/dev/null
"$RELM" contact add --no CT3 --type person --name "François Müller" --email f.muller@example.de --salesperson-code KARI >/dev/null
"$RELM" campaign add --no CMP1 --description "Vårkampanje" >/dev/null
count() { sql "SELECT count(*) FROM interaction_log_entry $1"; }

# setup ------------------------------------------------------------------------------------
expect_exit 1 "import without the inbound template setting is refused" mail import "$M/latin1_inbound.eml"
assert_contains "the error names the setting" "inbound_email_template_code" "$ERR"
"$RELM" setup set --inbound-email-template-code EIN >/dev/null
expect_exit 1 "import without the outbound template setting is refused" mail import "$M/latin1_inbound.eml"
assert_contains "the error names the outbound setting" "outbound_email_template_code" "$ERR"
assert_eq "nothing imported" "0|0" "$(count "")|$(sql "SELECT count(*) FROM attachment")"
"$RELM" setup set --outbound-email-template-code EOUT >/dev/null

# a delivered campaign message the reply answers
sql "INSERT INTO campaign_entry (entry_no, campaign_no, description) VALUES (77, 'CMP1', 'Utsendelse');
     INSERT INTO interaction_log_entry (entry_no, contact_no, date, description, campaign_no, campaign_entry_no,
       message_id, delivered_at, interaction_template_code, salesperson_code)
     VALUES (900, 'CT2', '2026-03-01', 'Vårkampanje', 'CMP1', 77, '<campaign-1@relm.test>', '2026-03-01T10:00:00Z', 'EOUT', 'KARI');"

# the corpus ---------------------------------------------------------------------------------
expect_ok "import the .eml corpus" mail import --json "$M"/*.eml
assert_eq "summary counts" "8|7|0|1|2" \
    "$(json '"|".join(str(d[k]) for k in ("messages", "logged", "duplicates", "unmatched", "warnings"))')"
assert_eq "the unmatched sender is listed with a reason" \
    "stranger@nowhere.example|Kjøp billige klokker|no contact or salesperson has the sender's e-mail stranger@nowhere.example" \
    "$(json '"|".join([d["unmatched_messages"][0]["from"], d["unmatched_messages"][0]["subject"], d["unmatched_messages"][0]["reason"]])')"
assert_contains "the broken message is a warning" "broken.eml: the message cannot be read as a mail message; skipped" \
    "$(json '"\n".join(w["source"].split("/")[-1]+": "+w["warning"] for w in d["warning_messages"])')"
assert_contains "the missing Date is a warning" "it has no Date" "$(json '[w["warning"] for w in d["warning_messages"]]')"
assert_eq "Latin-1 encoded-word subject and name, local date, case-insensitive From" \
    "CT1|Tilbud på kontormøbler|2026-03-10|14:30:00|inbound|them|EIN|OLE|BJORN@Kunde.NO" \
    "$(sql "SELECT contact_no||'|'||subject||'|'||date||'|'||time||'|'||information_flow||'|'||initiated_by||'|'||interaction_template_code||'|'||salesperson_code||'|'||contact_via FROM interaction_log_entry WHERE message_id = '<tilbud-1@kunde.no>'")"
assert_eq "UTF-8 subject; the contact without salesperson gets the one it wrote to" \
    "CT2|Møte om årsavtalen – ønsker ny dato|2026-03-11|10:05:00|KARI" \
    "$(sql "SELECT contact_no||'|'||subject||'|'||date||'|'||time||'|'||salesperson_code FROM interaction_log_entry WHERE message_id = '<aarsavtale-2@eksempel.no>'")"
assert_eq "HTML-only message with raw UTF-8 headers" "CT3|Grüße aus München – Bestellung" \
    "$(sql "SELECT contact_no||'|'||subject FROM interaction_log_entry WHERE message_id = '<bestellung-3@example.de>'")"
assert_eq "no Date: the work date" "2026-03-15|100" \
    "$(sql "SELECT date||'|'||length(subject) FROM interaction_log_entry WHERE message_id = '<uten-dato-4@kunde.no>'")"
assert_eq "the salesperson's message: an outbound entry per contact recipient" "CT2,CT3|outbound|us|KARI|EOUT" \
    "$(sql "SELECT contact_no FROM interaction_log_entry WHERE subject = 'Referat fra møtet' ORDER BY contact_no" | joined ,)|$(sql "SELECT min(information_flow)||'|'||min(initiated_by)||'|'||min(salesperson_code)||'|'||min(interaction_template_code) FROM interaction_log_entry WHERE subject = 'Referat fra møtet'")"
assert_eq "the reply joins the delivered entry's campaign as a response" "CMP1|77|1" \
    "$(sql "SELECT campaign_no||'|'||campaign_entry_no||'|'||campaign_response FROM interaction_log_entry WHERE message_id = '<svar-6@eksempel.no>'")"
assert_eq "the reply names the entry it answers" "900" \
    "$(json '[e["reply_to_entry_no"] for e in d["entries"] if e["message_id"] == "<svar-6@eksempel.no>"][0]')"
assert_eq "each entry keeps its message" "7|7|1" \
    "$(sql "SELECT count(*)||'|'||sum(CASE WHEN a.kind = 'message' AND a.content_type = 'message/rfc822' THEN 1 ELSE 0 END)||'|'||sum(CASE WHEN a.encoding = 'base64' THEN 1 ELSE 0 END) FROM interaction_log_entry e JOIN attachment a ON a.attachment_no = e.attachment_no AND a.entry_no = e.entry_no")"
assert_eq "the kept UTF-8 message is the file" "$(cat "$M/html_only.eml")" \
    "$(sql "SELECT body FROM attachment a JOIN interaction_log_entry e ON e.attachment_no = a.attachment_no WHERE e.message_id = '<bestellung-3@example.de>'")"

# again: duplicates --------------------------------------------------------------------------
n=$(count "")
expect_ok "import the same messages again" mail import "$M/latin1_inbound.eml" "$M/outbound.eml"
assert_contains "reported as duplicates, not errors" "2 messages: 0 entries logged, 2 duplicates, 0 unmatched, 0 warnings" "$OUT"
assert_contains "the duplicate names the entry" "is already logged as entry" "$OUT"
assert_eq "nothing new logged" "$n" "$(count "")"

# Maildir and mbox made here ---------------------------------------------------------------
mkdir -p "$T/Maildir/cur" "$T/Maildir/new" "$T/Maildir/tmp"
printf 'From: bjorn@kunde.no\nTo: ole@firma.no\nSubject: =?UTF-8?Q?Bl=C3=A5b=C3=A6r?=\nMessage-ID: <md-1@kunde.no>\nDate: Mon, 09 Mar 2026 12:00:00 +0100\n\nx\n' >"$T/Maildir/cur/1.host:2,S"
printf 'From: Aase@Eksempel.no\nTo: kari@firma.no\nSubject: Ny\nMessage-ID: <md-2@eksempel.no>\nDate: Mon, 09 Mar 2026 13:00:00 +0100\n\ny\n' >"$T/Maildir/new/2.host"
cp "$M/latin1_inbound.eml" "$T/Maildir/new/3.host"
expect_ok "import a Maildir folder" mail import "$T/Maildir" --json
assert_eq "cur and new read; the copy already logged is a duplicate" "3|2|1" \
    "$(json '"|".join(str(d[k]) for k in ("messages", "logged", "duplicates"))')"
assert_eq "decoded subjects from the Maildir" "Blåbær|Ny" \
    "$(sql "SELECT subject FROM interaction_log_entry WHERE message_id LIKE '<md-%' ORDER BY message_id" | joined '|')"

printf 'From bjorn@kunde.no Tue Mar 10 10:00:00 2026\nFrom: bjorn@kunde.no\nSubject: Post 1\nMessage-ID: <mb-1@kunde.no>\nDate: Tue, 10 Mar 2026 10:00:00 +0100\n\n>From here\n\nFrom f.muller@example.de Wed Mar 11 10:00:00 2026\nFrom: f.muller@example.de\nSubject: Post 2\nMessage-ID: <mb-2@example.de>\nDate: Wed, 11 Mar 2026 10:00:00 +0100\n\nz\n' >"$T/box.mbox"
expect_ok "import an mbox file" mail import "$T/box.mbox"
assert_contains "two messages from the mbox" "2 messages: 2 entries logged" "$OUT"
assert_eq "the mbox messages are logged with their subjects" "CT1 Post 1|CT3 Post 2" \
    "$(sql "SELECT contact_no||' '||subject FROM interaction_log_entry WHERE message_id LIKE '<mb-%' ORDER BY message_id" | joined '|')"

# refusals ---------------------------------------------------------------------------------
n=$(count "")
expect_exit 1 "a path that does not exist is refused" mail import "$T/nope.eml"
assert_contains "naming the path" "nope.eml" "$ERR"
mkdir -p "$T/plain"
expect_exit 1 "a directory that is no Maildir is refused" mail import "$T/plain"
assert_contains "saying so" "no Maildir" "$ERR"
expect_exit 2 "no path is a usage error" mail import
expect_exit 2 "a password option does not exist" mail fetch imap://kari@127.0.0.1/INBOX --password x
export RELM_IMAP_PASSWORD=x
expect_exit 1 "a password in the URL is refused" mail fetch imap://kari:x@127.0.0.1/INBOX
unset RELM_IMAP_PASSWORD
expect_exit 1 "fetch without a password in the environment is refused" mail fetch imap://kari@127.0.0.1/INBOX
assert_contains "naming the variables" "RELM_IMAP_PASSWORD" "$ERR"
assert_eq "refusals change nothing" "$n" "$(count "")"

# Addresses match ignoring case for all of Unicode (a non-ASCII local part, an IDN domain).
"$RELM" contact add --no CT9 --type person --name "Øyvind Ås" --email "øyvind.ås@blåbær.no" >/dev/null
printf 'From: ØYVIND.ÅS@BLÅBÆR.NO\nTo: ole@firma.no\nSubject: Unicode\nMessage-ID: <uni-1@blåbær.no>\nDate: Fri, 13 Mar 2026 09:00:00 +0100\n\nhei\n' >"$T/uni.eml"
expect_ok "a sender written in other case than the contact's non-ASCII e-mail" mail import --json "$T/uni.eml"
assert_eq "is matched to the contact" "1|0|CT9" "$(json 'str(d["logged"])+"|"+str(d["unmatched"])+"|"+d["entries"][0]["contact_no"]')"

finish
