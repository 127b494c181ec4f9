# Source this (after lib.sh): fill_every_kind DB fills the relm database DB with every
# kind of record relm keeps, through relm itself where it can: contacts (keys out of
# order, non-ASCII text), templates with language variants and bodies, segments with
# criteria steps and undo copies, logged segments, campaign entries, comments, e-mail
# captured with its attachments, users, sessions and tokens, login throttling, and the
# largest integers a BIGINT holds.
fill_every_kind() {
    local db=$1
    local q=(-batch -noheader "$db")
    R() { RELM_DB="$db" "$RELM" "$@" >/dev/null || echo "fill_every_kind: relm $* failed" >&2; }
    R init --demo
    R contact add --type person --name "Åse Ødegård" --city "Tromsø" --email aase@example.no
    R contact add --type company --name "Ærlig Æble ApS — 北京" --city "København"
    sqlite3 "${q[@]}" "INSERT INTO contact (no, name, city) VALUES ('AAA000', 'First by key, last in', 'Zürich')"
    R template attachment set ABSTRACT --text "Kjære {{contact.name}}, æøå ÆØÅ – ✓ 🙂"
    R template language set ABSTRACT NOR --description "Sammendrag på norsk"
    R template attachment set ABSTRACT --language NOR --text "Hei {{contact.name}} — ha en fin dag"
    R segment create --description "Vårkampanje 2026" --interaction-template-code ABSTRACT \
        --campaign-no CMP1001
    R segment add SEG00001 --where city=London
    R segment add SEG00001 --where city=Oslo
    R segment reduce SEG00001 --where "name~mark"
    R segment undo SEG00001
    R segment reduce SEG00001 --where city=Oslo
    R segment criteria save SEG00001 LONDON --description "London people"
    R segment log SEG00001 --follow-up
    R segment create --description "Not logged yet" --interaction-template-code OUTGOING
    R segment add SEG00003 --where type=company
    R segment add SEG00003 --where city=London
    R segment undo SEG00003
    R segment reduce SEG00003 --where city=Oslo
    R interaction create --contact CT000001 --interaction-template-code OUTGOING \
        --description "Ringte om tilbudet – «ja»" --comment "Første kommentar" --comment "Second"
    R interaction create --contact CT000002 --interaction-template-code OUTGOING --postpone
    R setup set --inbound-email-template-code ABSTRACT --outbound-email-template-code OUTGOING
    sqlite3 "${q[@]}" "UPDATE contact SET email = 'aase@eksempel.no' WHERE no = 'CT000003'"
    R mail import "$SRCDIR/tests/mail/utf8_attachment.eml" "$SRCDIR/tests/mail/latin1_inbound.eml"
    printf 'correct horse battery\n' | R user add ann --role admin --password-stdin
    printf 'another good password\n' | R user add bjorn --password-stdin
    R token create --user ann --description "Nattlig jobb"
    sqlite3 "${q[@]}" "
        INSERT INTO user_session (token_hash, user_name, csrf_token, created_at, expires_at)
            VALUES ('h1', 'ann', 'c1', '2026-03-15T10:00:00Z', 9223372036854775807);
        INSERT INTO login_throttle (scope, subject, failures, last_failure, blocked_until)
            VALUES ('name', 'bjørn', 3, 1780000000, 0), ('address', '192.0.2.1', 7, 1780000001, 1780000900);
        INSERT INTO attachment (attachment_no, entry_no, kind, content_type, file_name, encoding, body)
            VALUES (9223372036854775806, 1, 'sent', 'application/octet-stream', 'båt.bin', 'base64', 'AAEC/w==');
        UPDATE relm_counter SET value = 9223372036854775806 WHERE name = 'attachment';
        UPDATE interaction_log_entry SET cost = -9223372036854775807 - 1, duration = 9223372036854775807
            WHERE entry_no = 1;
        INSERT INTO mail_fetch_position (mailbox, uidvalidity, last_uid, fetched_at)
            VALUES ('imaps://kari@mail.example.com/INBOX', 4294967295, 12, '2026-03-15T10:00:00Z');
        INSERT INTO privacy_erasure (erasure_no, contact_no, contact_type, erased_by, erased_at)
            VALUES (1, 'CT000099', 'person', 'ann', '2026-03-15T10:00:00Z');"
}
