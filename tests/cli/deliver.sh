#!/usr/bin/env bash
# relm deliver and relm interaction show on the demo data, against a real SMTP server
# (aiosmtpd, tests/cli/smtpd.py) on 127.0.0.1: merge fields checked when a body is saved,
# one MIME message per entry with its merged body, outcomes recorded on the entries,
# temporary and permanent failures, retrying errors, entries left being sent.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's python, which has python3-aiosmtpd
"$RELM" init --demo >/dev/null

SMTPD_PID=""
# start_smtpd DIR [ARGS]: start the test server storing messages in DIR; sets PORT.
start_smtpd() {
    local dir=$1; shift
    rm -f "$T/port"
    "$PY" "$SRCDIR/tests/cli/smtpd.py" "$dir" "$@" >"$T/port" 2>"$T/smtpd.err" </dev/null &
    SMTPD_PID=$!
    # Python and aiosmtpd start within a second or so; much later on a loaded machine.
    local until=$((SECONDS + 60))
    while [ "$SECONDS" -lt "$until" ]; do
        [ -s "$T/port" ] && break
        kill -0 "$SMTPD_PID" 2>/dev/null || break
        sleep 0.1
    done
    PORT=$(cat "$T/port")
    if [ -z "$PORT" ]; then
        echo "Bail out! the test SMTP server did not start: $(cat "$T/smtpd.err")"
        exit 1
    fi
}
stop_smtpd() {
    if [ -n "$SMTPD_PID" ]; then
        kill "$SMTPD_PID" 2>/dev/null
        wait "$SMTPD_PID" 2>/dev/null
        SMTPD_PID=""
    fi
}
trap 'stop_smtpd; cleanup' EXIT

# mail EXPR FILE: evaluate a python expression over the parsed message `m` (email.message)
mail() {
    "$PY" - "$2" "$1" <<'PYEOF'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
def body(kind):
    p = m.get_body(preferencelist=(kind,))
    return p.get_content().strip() if p else None
print(eval(sys.argv[2]))
PYEOF
}

# ---- merge fields are checked when a body is saved ----
expect_exit 1 "an unknown field of a known source is refused" template attachment set NEWS --text "Hi {{contact.nme}}"
assert_contains "naming the field" "unknown merge field {{contact.nme}}" "$ERR"
expect_exit 1 "an unknown source is refused" template attachment set NEWS --text "Hi {{kontakt.name}}"
assert_contains "naming it" "{{kontakt.name}}" "$ERR"
printf 'Hei {{contact.fornavn}}\n' >"$T/bad.txt"
expect_exit 1 "a language variant naming an unknown field is refused" template language set NEWS NOR --attachment-file "$T/bad.txt"
assert_contains "naming the template, language and field" "interaction template NEWS language NOR: unknown merge field {{contact.fornavn}}" "$ERR"
assert_eq "the variant is unchanged" "Hei {{contact.first_name}}, her er vårens nyheter." \
    "$(sql "SELECT attachment FROM interaction_template_language WHERE template_code = 'NEWS' AND language_code = 'NOR'")"
expect_ok "every source is known" template attachment set NEWS --text "Dear {{contact.name}} ({{contact.city}}), {{entry.subject}} from {{salesperson.name}} / {{setup.sender_email}}{{contact.fax_no}}."
expect_ok "text between braces that is not a field stays text" template attachment set COVERLTR --text "{{ not a field }} {{contact.name}}"

# ---- an outbox ----
expect_exit 1 "without smtp_url deliver is refused" deliver
assert_contains "naming the setup field" "smtp_url" "$ERR"

"$RELM" salesperson update AH --email "" >/dev/null
"$RELM" setup update --sender-email news@cronus.example >/dev/null
"$RELM" segment create --description "Spring" --interaction-template-code news --subject "Vårnytt æøå" >/dev/null
for ct in CT000005 CT000007 CT000008 CT000009 CT000001; do "$RELM" segment add SEG00001 --contact $ct >/dev/null; done
expect_ok "log with deliver" segment log SEG00001 --deliver
assert_eq "five entries wait in the outbox" "5" "$(sql "SELECT count(*) FROM interaction_log_entry WHERE delivery_status = 'in_progress' AND correspondence_type = 'email'")"
CANCELED=$(sql "SELECT entry_no FROM interaction_log_entry WHERE contact_no = 'CT000001'")
expect_ok "cancel one entry" interaction cancel "$CANCELED"

start_smtpd "$T/mail" --reject ola@nordlys.example
"$RELM" setup update --smtp-url "smtp://127.0.0.1:$PORT" >/dev/null
expect_exit 1 "deliver exits 1 when an entry failed" deliver --backoff-ms 10
assert_eq "the summary counts sent, failed and waiting" "sent 3, failed 1, waiting 0" "$OUT"
assert_eq "one message per entry sent, none for the canceled or refused entry" "3" "$(ls "$T/mail"/*.eml | wc -l)"
assert_eq "the canceled entry stays in the outbox untouched" "in_progress|0|" \
    "$(sql "SELECT delivery_status||'|'||delivery_attempts||'|'||message_id FROM interaction_log_entry WHERE entry_no = $CANCELED")"
assert_eq "sent entries: status cleared, delivered_at an RFC 3339 Z stamp, one attempt" "3" \
    "$(sql "SELECT delivered_at FROM interaction_log_entry WHERE delivery_status = '' AND delivery_attempts = 1 AND canceled = 0" | grep -Ec '^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$')"
assert_eq "the refused entry: error with the server's answer, not retried" "error|550 5.1.1 <ola@nordlys.example>: mailbox unavailable|1" \
    "$(sql "SELECT delivery_status||'|'||delivery_error||'|'||delivery_attempts FROM interaction_log_entry WHERE contact_no = 'CT000008'")"

for f in "$T"/mail/*.eml; do
    to=$(mail 'm["To"].addresses[0].addr_spec' "$f")
    no=$(sql "SELECT entry_no FROM interaction_log_entry WHERE contact_via = '$to' AND logged_segment_entry_no = 1")
    assert_eq "message to $to: Message-ID is the one stored on entry $no" "$(sql "SELECT message_id FROM interaction_log_entry WHERE entry_no = $no")" \
        "$(mail 'm["Message-ID"].strip("<>")' "$f")"
    assert_eq "message to $to: the subject decodes to the entry's subject" "Vårnytt æøå" "$(mail 'm["Subject"]' "$f")"
    assert_contains "message to $to: the subject is an encoded word" "=?" "$(grep -i '^Subject:' "$f")"
    assert_eq "message to $to: envelope recipient is contact_via" "$to" "$(sed -n 2p "${f%.eml}.env")"
    body=$(mail 'body("plain")' "$f")
    expect_ok "show entry $no" interaction show "$no" --json
    assert_eq "message to $to: the body went out as stored with the entry" "$body" "$(json 'd["attachment"].strip()')"
    assert_eq "entry $no: attachment_no points at a merged attachment" "merged|$no" \
        "$(sql "SELECT a.kind||'|'||a.entry_no FROM attachment a JOIN interaction_log_entry e ON e.attachment_no = a.attachment_no WHERE e.entry_no = $no")"
done
KARI=$(ls "$T"/mail/*.eml | while read -r f; do [ "$(mail 'm["To"].addresses[0].addr_spec' "$f")" = kari@nordlys.example ] && echo "$f"; done)
assert_eq "Kari (NOR) gets the NOR variant, merged" "Hei Kari, her er vårens nyheter." "$(mail 'body("plain")' "$KARI")"
assert_eq "from her salesperson's address, else setup's sender" "news@cronus.example" "$(mail 'm["From"].addresses[0].addr_spec' "$KARI")"
assert_contains "sent with a Date" "2" "$(mail 'm["Date"].datetime.year' "$KARI")"
MARK=$(ls "$T"/mail/*.eml | while read -r f; do [ "$(mail 'm["To"].addresses[0].addr_spec' "$f")" = mark@cardoxy.example ] && echo "$f"; done)
assert_eq "Mark gets every source merged, an empty value as empty text" "Dear Mark McArthur (London), Vårnytt æøå from Jim Olive / news@cronus.example." "$(mail 'body("plain")' "$MARK")"
assert_eq "from his salesperson's e-mail and name" "Jim Olive <jim.olive@cronus.example>" "$(mail 'str(m["From"])' "$MARK")"
assert_eq "plain text only for a text body" "text/plain" "$(mail 'm.get_content_type()' "$MARK")"
expect_ok "interaction show prints the body kept" interaction show "$(sql "SELECT entry_no FROM interaction_log_entry WHERE contact_no = 'CT000005'")"
assert_contains "after an attachment heading" "attachment
Dear Mark McArthur (London)" "$OUT"

expect_ok "nothing is left to send" deliver
assert_eq "summary" "sent 0, failed 0, waiting 0" "$OUT"
assert_eq "no message more" "3" "$(ls "$T/mail"/*.eml | wc -l)"

# ---- HTML bodies ----
"$RELM" template attachment set MEETINV --text "<p>Dear {{contact.name}}, {{entry.subject}}</p>" >/dev/null
"$RELM" contact update CT000009 --name "Robin <b>Brown</b> & Co" >/dev/null
"$RELM" segment create --description "Meeting" --interaction-template-code meetinv --subject "Meet" >/dev/null
"$RELM" segment add SEG00002 --contact CT000009 >/dev/null
"$RELM" segment log SEG00002 --deliver >/dev/null
expect_ok "deliver the HTML letter" deliver --logged-segment 2
HTML=$(ls "$T"/mail/*.eml | tail -1)
assert_eq "an HTML body goes as text/plain plus text/html alternatives" "multipart/alternative|text/plain,text/html" \
    "$(mail 'm.get_content_type()+"|"+",".join(p.get_content_type() for p in m.iter_parts())' "$HTML")"
assert_eq "merged values are escaped in the HTML part" "<p>Dear Robin &lt;b&gt;Brown&lt;/b&gt; &amp; Co, Meet</p>" "$(mail 'body("html")' "$HTML")"
assert_eq "and read as text in the plain part" "Dear Robin <b>Brown</b> & Co, Meet" "$(mail 'body("plain")' "$HTML")"

# ---- the server is down: temporary failures are retried, then recorded ----
stop_smtpd
"$RELM" segment create --description "Down" --interaction-template-code news --subject "Down" >/dev/null
"$RELM" segment add SEG00003 --contact CT000005 >/dev/null
"$RELM" segment add SEG00003 --contact CT000007 >/dev/null
"$RELM" segment log SEG00003 --deliver >/dev/null
expect_exit 1 "with the server down every entry fails" deliver --tries 3 --backoff-ms 10 --logged-segment 3
assert_eq "summary" "sent 0, failed 2, waiting 0" "$OUT"
assert_eq "each tried three times, the error says why" "2|3" \
    "$(sql "SELECT count(*)||'|'||min(delivery_attempts) FROM interaction_log_entry WHERE logged_segment_entry_no = 3 AND delivery_status = 'error' AND delivery_error LIKE '%connect%'")"
expect_ok "errors are not resent without --retry-errors" deliver --logged-segment 3
assert_eq "summary" "sent 0, failed 0, waiting 0" "$OUT"

start_smtpd "$T/mail2" --reject ola@nordlys.example --temp-reject busy@example.org
"$RELM" setup update --smtp-url "smtp://127.0.0.1:$PORT" >/dev/null
MID=$(sql "SELECT message_id FROM interaction_log_entry WHERE logged_segment_entry_no = 3 AND contact_no = 'CT000005'")
expect_ok "--retry-errors resends them" deliver --retry-errors --logged-segment 3
assert_eq "summary" "sent 2, failed 0, waiting 0" "$OUT"
assert_eq "two messages" "2" "$(ls "$T/mail2"/*.eml | wc -l)"
assert_eq "delivered, attempts counted over the runs, error cleared" "2|4" \
    "$(sql "SELECT count(*)||'|'||min(delivery_attempts) FROM interaction_log_entry WHERE logged_segment_entry_no = 3 AND delivery_status = '' AND delivered_at <> '' AND delivery_error = ''")"
assert_eq "a resent entry keeps its Message-ID" "1" "$(grep -l "$MID" "$T"/mail2/*.eml | wc -l)"
assert_eq "the 550 of logged segment 1 was left alone" "error" "$(sql "SELECT delivery_status FROM interaction_log_entry WHERE contact_no = 'CT000008' AND logged_segment_entry_no = 1")"

# ---- an entry left being sent by a run that stopped ----
"$RELM" segment create --description "Crash" --interaction-template-code news --subject "Crash" >/dev/null
"$RELM" segment add SEG00004 --contact CT000009 >/dev/null
"$RELM" segment log SEG00004 --deliver >/dev/null
sql "UPDATE interaction_log_entry SET delivery_status = 'sending' WHERE logged_segment_entry_no = 4"
STALE=$(sql "SELECT entry_no FROM interaction_log_entry WHERE logged_segment_entry_no = 4")
expect_ok "a run finds it" deliver --logged-segment 4
assert_contains "and reports it by number" "($STALE) were being sent when a delivery stopped" "$ERR"
assert_eq "without resending it" "2|sending" "$(ls "$T/mail2"/*.eml | wc -l)|$(sql "SELECT delivery_status FROM interaction_log_entry WHERE entry_no = $STALE")"
expect_ok "--retry-errors resends it" deliver --logged-segment 4 --retry-errors
assert_eq "sent" "3|" "$(ls "$T/mail2"/*.eml | wc -l)|$(sql "SELECT delivery_status FROM interaction_log_entry WHERE entry_no = $STALE")"

# ---- the password comes from the environment or a file, never the database ----
"$RELM" setup update --smtp-user mailer >/dev/null
sql "UPDATE interaction_log_entry SET delivery_status = 'in_progress' WHERE entry_no = $STALE"
expect_exit 1 "a login without a password is refused before anything is sent" deliver
assert_contains "naming both places" "RELM_SMTP_PASSWORD_FILE" "$ERR"
assert_eq "the entry still waits" "in_progress" "$(sql "SELECT delivery_status FROM interaction_log_entry WHERE entry_no = $STALE")"
RELM_SMTP_PASSWORD_FILE="$T/nope" run deliver
assert_eq "an unreadable password file is an error" "1" "$RC"
assert_contains "naming the file" "$T/nope" "$ERR"
"$RELM" setup update --smtp-user "" >/dev/null

# ---- hard copy: merged letters to PDF ----
"$RELM" template attachment set COVERLTR --text "Kjære {{contact.first_name}},

Vi takker for samarbeidet. Ærlig talt ønsker Øystein og Åse dere en god vår: ettsværtlangtordutenmellomromsommåbrytesinneiordetforåfåplasspålinjenpåsiden.

Hilsen {{salesperson.name}}" >/dev/null
"$RELM" segment create --description "Brev" --interaction-template-code coverltr --subject "Takk for i år" >/dev/null
for ct in CT000005 CT000007 CT000010; do "$RELM" segment add SEG00005 --contact $ct >/dev/null; done
"$RELM" segment log SEG00005 --deliver >/dev/null
LS=$(sql "SELECT max(entry_no) FROM logged_segment")
"$RELM" interaction cancel "$(sql "SELECT entry_no FROM interaction_log_entry WHERE logged_segment_entry_no = $LS AND contact_no = 'CT000005'")" >/dev/null
expect_ok "print the logged segment's letters" logged-segment print "$LS" --output "$T/letters.pdf"
assert_eq "prints how many" "printed 2 letters to $T/letters.pdf" "$OUT"
assert_eq "one page per letter (the canceled entry has none)" "2" "$(pdfinfo "$T/letters.pdf" | sed -n 's/^Pages: *//p')"
P1=$(pdftotext -f 1 -l 1 "$T/letters.pdf" -)
P2=$(pdftotext -f 2 -l 2 "$T/letters.pdf" -)
assert_contains "letters in line order: Kari first, with her address block" "Kari Nordmann
Nordlys Kontormøbler AS
Storgata 12
0155 Oslo" "$P1"
assert_contains "merged in Norwegian" "Kjære Kari," "$P1"
assert_contains "the subject" "Takk for i år" "$P1"
assert_contains "a long word is wrapped, not cut" "ettsværtlangtord" "$P1"
assert_contains "and goes on past the line" "påsiden." "$(printf '%s' "$P1" | tr -d '\n-')"
assert_contains "Lee's letter on page 2 with his address" "Lee Chen
Fabrikam Inc.
Main Street 1
98052 Redmond" "$P2"
assert_contains "merged with his salesperson" "Hilsen Jim Olive" "$P2"
assert_eq "printed entries are delivered: in_progress cleared, delivered_at set, body kept" "2" \
    "$(sql "SELECT count(*) FROM interaction_log_entry e JOIN attachment a ON a.attachment_no = e.attachment_no WHERE e.logged_segment_entry_no = $LS AND e.canceled = 0 AND e.delivery_status = '' AND e.delivered_at <> '' AND a.body LIKE 'Kjære %'")"
assert_eq "the canceled one is untouched" "in_progress|" \
    "$(sql "SELECT delivery_status||'|'||delivered_at FROM interaction_log_entry WHERE logged_segment_entry_no = $LS AND canceled = 1")"
expect_ok "the delivery counts" logged-segment delivery "$LS" --json
assert_eq "two sent, none waiting or failed" "2 0 0" "$(json 'd["sent"], d["waiting"], d["failed"]' | tr -d '(),')"
expect_ok "print one entry" interaction print "$(sql "SELECT min(entry_no) FROM interaction_log_entry WHERE logged_segment_entry_no = $LS AND canceled = 0")" --output "$T/one.pdf"
assert_eq "one page" "1" "$(pdfinfo "$T/one.pdf" | sed -n 's/^Pages: *//p')"
assert_contains "Kari's letter" "Kjære Kari," "$(pdftotext "$T/one.pdf" -)"
expect_exit 1 "a logged segment without hard-copy entries has nothing to print" logged-segment print 1 --output "$T/none.pdf"
assert_contains "says so" "logged segment 1 has no hard-copy entries to print" "$ERR"
expect_exit 2 "print needs --output" logged-segment print "$LS"
expect_exit 1 "an unwritable output is an error" logged-segment print "$LS" --output "$T/no/such/dir/x.pdf"
expect_ok "the failures of logged segment 1" logged-segment delivery 1
assert_contains "name the refused entry and why" "ola@nordlys.example  550 5.1.1" "$OUT"
assert_contains "after the counts (the canceled entry is not counted)" "sent 3, waiting 0, failed 1" "$OUT"
expect_ok "retry-errors puts them back" logged-segment retry-errors 1
assert_eq "one" "1 entries back in the outbox" "$OUT"

# ---- a 4xx answer is temporary: tried again, then recorded ----
"$RELM" contact add --type person --name "Busy Body" --email busy@example.org >/dev/null
BUSY=$(sql "SELECT no FROM contact WHERE email = 'busy@example.org'")
run segment create --description "Busy" --interaction-template-code news --subject "Busy" --json
BSEG=$(json 'd["no"]')
"$RELM" segment add "$BSEG" --contact "$BUSY" >/dev/null
"$RELM" segment log "$BSEG" --deliver >/dev/null
BLS=$(sql "SELECT max(entry_no) FROM logged_segment")
expect_exit 1 "a mailbox answering 451 fails the run" deliver --logged-segment "$BLS" --tries 2 --backoff-ms 10
assert_eq "after the tries allowed, with the server's answer" "error|2|451 4.3.0 <busy@example.org>: try again later" \
    "$(sql "SELECT delivery_status||'|'||delivery_attempts||'|'||delivery_error FROM interaction_log_entry WHERE logged_segment_entry_no = $BLS")"

# ---- a fax entry an older relm left in the outbox: failed at once, never retried ----
sql "UPDATE interaction_log_entry SET correspondence_type = 'fax', delivery_status = 'in_progress', delivery_error = '', delivery_attempts = 0 WHERE logged_segment_entry_no = $BLS"
expect_exit 1 "a run fails the waiting fax entry" deliver --logged-segment "$BLS"
assert_eq "and counts it as failed" "sent 0, failed 1, waiting 0" "$OUT"
assert_eq "with the reason and no attempt" "error|0|relm does not send faxes" \
    "$(sql "SELECT delivery_status||'|'||delivery_attempts||'|'||delivery_error FROM interaction_log_entry WHERE logged_segment_entry_no = $BLS")"
expect_ok "retrying errors leaves it failed" deliver --logged-segment "$BLS" --retry-errors
assert_eq "nothing requeued" "sent 0, failed 0, waiting 0|error" \
    "$OUT|$(sql "SELECT delivery_status FROM interaction_log_entry WHERE logged_segment_entry_no = $BLS")"

expect_exit 2 "deliver takes no arguments" deliver 12
expect_ok "deliver --help" deliver --help
assert_contains "help names --retry-errors" "--retry-errors" "$OUT"
stop_smtpd
finish
