#!/usr/bin/env bash
# relm mail fetch against a real IMAP server: a throw-away Dovecot on 127.0.0.1 (plain
# passwords, no TLS) with a Maildir in the test's directory. The second fetch reads only
# the message added since; a changed UIDVALIDITY reads the mailbox again without logging
# twice. Dovecot is stopped on every exit; a Dovecot that does not start fails the test.
. "$(dirname "$0")/lib.sh"
export TZ=Europe/Oslo
M="$SRCDIR/tests/mail"
DOVECOT=${DOVECOT:-/usr/sbin/dovecot}
DV="$T/dovecot"
DVPID=""
SERVEPID=""

stop_dovecot() {
    if [ -n "$SERVEPID" ] && kill -0 "$SERVEPID" 2>/dev/null; then
        kill "$SERVEPID" 2>/dev/null
        wait "$SERVEPID" 2>/dev/null
    fi
    if [ -n "$DVPID" ] && kill -0 "$DVPID" 2>/dev/null; then
        kill "$DVPID" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$DVPID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$DVPID" 2>/dev/null || true
    fi
}
trap 'stop_dovecot; cleanup' EXIT

# Dovecot refuses to run its login and mail processes as root: as root they run as its own
# users, and the mailbox belongs to the mail user.
if [ "$(id -u)" = 0 ]; then
    LOGIN_USER=dovenull INTERNAL_USER=dovecot INTERNAL_GROUP=dovecot
    MAIL_UID=$(id -u dovecot) MAIL_GID=$(id -g dovecot)
    chmod 755 "$T"
else
    LOGIN_USER=$(id -un) INTERNAL_USER=$(id -un) INTERNAL_GROUP=$(id -gn)
    MAIL_UID=$(id -u) MAIL_GID=$(id -g)
fi
mkdir -p "$DV/base" "$DV/state" "$DV/mail/kari/cur" "$DV/mail/kari/new" "$DV/mail/kari/tmp"
echo "kari:{PLAIN}hemmelig-passord:$MAIL_UID:$MAIL_GID::$DV/mail/kari" >"$DV/passwd"
# The greeting names this test's server, so that the start-up check below cannot mistake
# another program that took the port for it.
GREETING="relm-test-dovecot-$$-$RANDOM"
# write_config PORT: the configuration of a server listening on 127.0.0.1:PORT
write_config() {
    cat >"$DV/dovecot.conf" <<EOF
protocols = imap
login_greeting = $GREETING
listen = 127.0.0.1
base_dir = $DV/base
state_dir = $DV/state
log_path = $DV/dovecot.log
info_log_path = $DV/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_login_user = $LOGIN_USER
default_internal_user = $INTERNAL_USER
default_internal_group = $INTERNAL_GROUP
mail_location = maildir:$DV/mail/%u
first_valid_uid = 1
first_valid_gid = 1
passdb {
  driver = passwd-file
  args = $DV/passwd
}
userdb {
  driver = passwd-file
  args = $DV/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $1
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service anvil {
  chroot =
}
EOF
}

deliver() { # deliver FILE NAME: put a message into the mailbox's new/
    cp "$1" "$DV/mail/kari/new/$2"
    [ "$(id -u)" = 0 ] && chown -R "$MAIL_UID:$MAIL_GID" "$DV/mail"
    return 0
}
deliver "$M/latin1_inbound.eml" 1.test
deliver "$M/unmatched.eml" 2.test

# greeted PORT: whether the server on 127.0.0.1:PORT greets with this test's greeting
greeted() {
    python3 - "$1" "$GREETING" <<'PY' 2>/dev/null
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2) as s:
    s.settimeout(5)
    sys.exit(0 if sys.argv[2].encode() in s.recv(4096) else 1)
PY
}
# The port is free when chosen but only bound when Dovecot starts: another program may take
# it in between, and then Dovecot exits at once. Then try another port. Dovecot is ready once
# it greets on the port; on a loaded machine that may take a while.
up=0
for attempt in 1 2 3 4 5; do
    PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    write_config "$PORT"
    "$DOVECOT" -c "$DV/dovecot.conf" -F >"$DV/stdout.log" 2>&1 &
    DVPID=$!
    until=$((SECONDS + 60))
    while [ "$SECONDS" -lt "$until" ]; do
        if greeted "$PORT"; then
            up=1
            break
        fi
        kill -0 "$DVPID" 2>/dev/null || break
        sleep 0.1
    done
    [ "$up" = 1 ] && break
    stop_dovecot
    echo "# dovecot did not start on port $PORT (attempt $attempt): $(tail -n 3 "$DV/dovecot.log" 2>/dev/null)"
done
if [ "$up" != 1 ]; then
    not_ok "dovecot starts on 127.0.0.1:$PORT" "$(cat "$DV/stdout.log" "$DV/dovecot.log" 2>/dev/null)"
    finish
    exit 1
fi
ok "dovecot starts on 127.0.0.1:$PORT"

"$RELM" init >/dev/null
"$RELM" salesperson add --code KARI --name "Kari Nordmann" --email kari@firma.no >/dev/null
"$RELM" salesperson add --code OLE --name "Ole Hansen" --email ole@firma.no >/dev/null
"$RELM" group add --code MAIL --description "E-mail" >/dev/null
"$RELM" template add --code EIN --interaction-group-code MAIL --description "E-mail received" >/dev/null
"$RELM" template add --code EOUT --interaction-group-code MAIL --description "E-mail sent" >/dev/null
"$RELM" setup set --inbound-email-template-code EIN --outbound-email-template-code EOUT >/dev/null
"$RELM" contact add --no CT1 --type company --name "Bjørn Ødegård AS" --email bjorn@kunde.no --salesperson-code OLE >/dev/null
"$RELM" contact add --no CT3 --type person --name "François Müller" --email f.muller@example.de --salesperson-code KARI >/dev/null
URL="imap://kari@127.0.0.1:$PORT/INBOX"
position() { sql "SELECT last_uid FROM mail_fetch_position WHERE mailbox = '$URL'"; }
count() { sql "SELECT count(*) FROM interaction_log_entry"; }

echo "hemmelig-passord" >"$T/password"
export RELM_IMAP_PASSWORD_FILE="$T/password"

expect_ok "the first fetch reads the mailbox" mail fetch "$URL" --json
assert_eq "two messages read: one logged, one unmatched" "2|1|1" \
    "$(json '"|".join(str(d[k]) for k in ("messages", "logged", "unmatched"))')"
assert_eq "the entry from IMAP" "CT1|Tilbud på kontormøbler|2026-03-10|14:30:00|<tilbud-1@kunde.no>" \
    "$(sql "SELECT contact_no||'|'||subject||'|'||date||'|'||time||'|'||message_id FROM interaction_log_entry")"
assert_eq "the message is kept with the entry" "1" \
    "$(sql "SELECT count(*) FROM attachment a JOIN interaction_log_entry e ON e.attachment_no = a.attachment_no WHERE a.kind = 'message'")"
assert_contains "the unmatched message names its IMAP UID" ";UID=2" "$(json 'd["unmatched_messages"][0]["source"]')"
assert_eq "the position is the last UID read" "2" "$(position)"
# The server's flags, asked over IMAP read-only (EXAMINE, FETCH FLAGS changes nothing).
flags() {
    python3 - "$PORT" <<'PY'
import imaplib, sys
m = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
m.login("kari", "hemmelig-passord")
m.select("INBOX", readonly=True)
_, data = m.uid("FETCH", "1:*", "(FLAGS)")
print(" ".join(d.decode() for d in data if d))
m.logout()
PY
}
f=$(flags)
case "$f" in
*"UID 1"*"UID 2"*) case "$f" in *Seen*) not_ok "fetched messages stay unread on the server" "$f" ;; *) ok "fetched messages stay unread on the server" ;; esac ;;
*) not_ok "fetched messages stay unread on the server" "the flags of both messages: $f" ;;
esac
uidvalidity=$(sql "SELECT uidvalidity FROM mail_fetch_position WHERE mailbox = '$URL'")
[ "${uidvalidity:-0}" -gt 0 ] && ok "the mailbox's UIDVALIDITY is stored" || not_ok "the mailbox's UIDVALIDITY is stored" "$uidvalidity"

deliver "$M/html_only.eml" 3.test
expect_ok "the second fetch" mail fetch "$URL" --json
assert_eq "only the new message is read" "1|1|0|0" \
    "$(json '"|".join(str(d[k]) for k in ("messages", "logged", "duplicates", "unmatched"))')"
assert_eq "and logged" "CT3|Grüße aus München – Bestellung" "$(json 'd["entries"][0]["contact_no"]+"|"+d["entries"][0]["subject"]')"
assert_eq "the position moved on" "3" "$(position)"
expect_ok "a fetch with nothing new" mail fetch "$URL"
assert_contains "reads nothing" "0 messages" "$OUT"
assert_eq "two entries in all" "2" "$(count)"

# A new UIDVALIDITY means the old UIDs say nothing: everything is read again, nothing twice.
sql "UPDATE mail_fetch_position SET uidvalidity = 1"
expect_ok "a fetch after the UIDVALIDITY changed" mail fetch "$URL" --json
assert_eq "reads the mailbox again and logs nothing twice" "3|0|2|1" \
    "$(json '"|".join(str(d[k]) for k in ("messages", "logged", "duplicates", "unmatched"))')"
assert_eq "with the server's UIDVALIDITY stored again" "$uidvalidity|3" \
    "$(sql "SELECT uidvalidity||'|'||last_uid FROM mail_fetch_position")"

n=$(count)
RELM_IMAP_PASSWORD=wrong run mail fetch "$URL"
assert_eq "a wrong password fails" "1" "$RC"
assert_contains "with the server's answer" "imap://kari@127.0.0.1:$PORT/INBOX" "$ERR"
run mail fetch "imap://kari@127.0.0.1:$PORT/Nope"
assert_eq "a mailbox that does not exist fails" "1" "$RC"
assert_eq "failed fetches change nothing" "$n|3" "$(count)|$(position)"

# relm serve fetches in the background -------------------------------------------------------
expect_exit 2 "--fetch-mail without --fetch-every is a usage error" serve --listen 127.0.0.1:0 --fetch-mail "$URL"
printf 'From: bjorn@kunde.no\nTo: ole@firma.no\nSubject: Fra bakgrunnen\nMessage-ID: <bg-1@kunde.no>\nDate: Fri, 13 Mar 2026 09:00:00 +0100\n\nx\n' >"$T/bg.eml"
"$RELM" serve --listen 127.0.0.1:0 --fetch-mail "$URL" --fetch-every 1 >"$T/serve.out" 2>"$T/serve.err" &
SERVEPID=$!
sleep 1.5
deliver "$T/bg.eml" 4.test
# The thread commits the entry and then writes its line: wait for both (they come within
# seconds; the generous bound is for a loaded machine).
got=""
until=$((SECONDS + 60))
while [ "$SECONDS" -lt "$until" ]; do
    got=$(sql "SELECT contact_no||'|'||subject FROM interaction_log_entry WHERE message_id = '<bg-1@kunde.no>'")
    [ -n "$got" ] && grep -q "1 messages: 1 entries logged" "$T/serve.err" && break
    sleep 0.1
done
assert_eq "relm serve --fetch-mail logs a message delivered while it runs" "CT1|Fra bakgrunnen" "$got"
assert_contains "and says so on standard error" "1 messages: 1 entries logged" "$(cat "$T/serve.err")"
kill "$SERVEPID"
wait "$SERVEPID"
assert_eq "relm serve with the fetch thread stops on SIGTERM" "0" "$?"
SERVEPID=""
assert_eq "the position is past the message" "4" "$(position)"

# A message with a line far longer than libcurl's usual buffer arrives whole.
python3 - "$T/long.eml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("From: bjorn@kunde.no\r\nTo: ole@firma.no\r\nSubject: Lang linje\r\n"
            "Message-ID: <long-1@kunde.no>\r\nDate: Fri, 13 Mar 2026 10:00:00 +0100\r\n\r\n"
            + "x" * 200000 + "\r\nslutt\r\n")
PY
deliver "$T/long.eml" 5.test
expect_ok "a fetch of a message with a 200,000-character line" mail fetch "$URL"
assert_eq "the kept message is the message as delivered" "$(wc -c <"$T/long.eml")" \
    "$(sql "SELECT length(a.body) FROM attachment a JOIN interaction_log_entry e ON e.attachment_no = a.attachment_no WHERE e.message_id = '<long-1@kunde.no>'")"
f=$(flags)
case "$f" in
*"UID 5"*) case "$f" in *Seen*) not_ok "messages fetched by relm serve and relm mail fetch stay unread" "$f" ;; *) ok "messages fetched by relm serve and relm mail fetch stay unread" ;; esac ;;
*) not_ok "messages fetched by relm serve and relm mail fetch stay unread" "$f" ;;
esac

# An administrator fetches the mailbox now over HTTP (POST /api/mail/fetch) -----------------------
printf 'From: bjorn@kunde.no\nTo: ole@firma.no\nSubject: Hent nå\nMessage-ID: <now-1@kunde.no>\nDate: Fri, 13 Mar 2026 10:00:00 +0100\n\nx\n' >"$T/now.eml"
printf 'From: stranger@nowhere.example\nTo: ole@firma.no\nSubject: Ukjent\nMessage-ID: <now-2@nowhere.example>\nDate: Fri, 13 Mar 2026 10:01:00 +0100\n\nx\n' >"$T/now2.eml"
printf 'correct horse battery\n' | "$RELM" user add boss --role admin --password-stdin >/dev/null
printf 'correct horse battery\n' | "$RELM" user add clerk --role user --password-stdin >/dev/null
boss=$("$RELM" token create --user boss 2>/dev/null)
clerk=$("$RELM" token create --user clerk 2>/dev/null)
# The thread fetches at start-up and then only after an hour: what arrives later waits.
# A message there before the start shows when the start-up fetch is done; only then do the
# two messages for the fetch over HTTP arrive.
printf 'From: bjorn@kunde.no\nTo: ole@firma.no\nSubject: Ved oppstart\nMessage-ID: <start-1@kunde.no>\nDate: Fri, 13 Mar 2026 09:30:00 +0100\n\nx\n' >"$T/start.eml"
deliver "$T/start.eml" 6.test
"$RELM" serve --listen 127.0.0.1:0 --fetch-mail "$URL" --fetch-every 3600 >"$T/serve2.out" 2>"$T/serve2.err" &
SERVEPID=$!
base="" started=""
until=$((SECONDS + 60))
while [ "$SECONDS" -lt "$until" ]; do
    base=$(grep -o 'http://127.0.0.1:[0-9]*' "$T/serve2.out" 2>/dev/null | head -1)
    grep -q "1 messages: 1 entries logged" "$T/serve2.err" 2>/dev/null && started=1
    [ -n "$base" ] && [ -n "$started" ] && break
    sleep 0.1
done
assert_eq "the start-up fetch logs what was there before" "1|CT1|Ved oppstart" \
    "$started|$(sql "SELECT contact_no||'|'||subject FROM interaction_log_entry WHERE message_id = '<start-1@kunde.no>'")"
deliver "$T/now.eml" 7.test
deliver "$T/now2.eml" 8.test
OUT=$(curl -s -H "Authorization: Bearer $boss" "$base/api/mail/mailbox")
assert_eq "GET /api/mail/mailbox names the mailbox relm serve fetches" "$URL" "$(json 'd["url"]')"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $clerk" "$base/api/mail/fetch")
assert_eq "a user may not fetch the mailbox: 403" "403" "$code"
OUT=$(curl -s -X POST -H "Authorization: Bearer $boss" "$base/api/mail/fetch")
assert_eq "an administrator fetches now: the summary of the new messages" "2|1|1|<now-2@nowhere.example>" \
    "$(json '"|".join(str(x) for x in (d["messages"], d["logged"], d["unmatched"], d["unmatched_messages"][0]["message_id"]))')"
assert_eq "the message is logged" "CT1|Hent nå" \
    "$(sql "SELECT contact_no||'|'||subject FROM interaction_log_entry WHERE message_id = '<now-1@kunde.no>'")"
OUT=$(curl -s -X POST -H "Authorization: Bearer $boss" "$base/api/mail/fetch")
assert_eq "a second fetch finds nothing new" "0" "$(json 'd["messages"]')"
kill "$SERVEPID"
wait "$SERVEPID"
SERVEPID=""

# What the server said, for a failure's diagnosis.
[ "$fail" -eq 0 ] || sed 's/^/#   dovecot: /' "$DV/dovecot.log" | tail -n 40
finish
