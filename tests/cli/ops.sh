#!/usr/bin/env bash
# Operating relm: online backups that refuse to overwrite, API tokens that expire, and a
# password change that revokes a user's tokens.
. "$(dirname "$0")/lib.sh"
"$RELM" init --demo >/dev/null

# backup (an online copy of the SQLite file; PostgreSQL is backed up with its own tools) ---
if ! db_is_pg; then
    expect_ok "relm backup copies the database" backup "$T/copy.db"
    assert_eq "the copy has the same contacts" "$(sql "SELECT group_concat(no) FROM contact")" \
        "$(sqlite3 -batch -noheader "$T/copy.db" "SELECT group_concat(no) FROM contact")"
    RELM_DB="$T/copy.db" expect_ok "relm opens the copy" contact show CT000001
    expect_ok "a contact added after the backup" contact add --type company --name "Later Ltd"
    expect_exit 1 "a backup onto an existing file is refused" backup "$T/copy.db"
    assert_contains "naming --force" "--force" "$ERR"
    assert_eq "the old copy is left alone" "0" \
        "$(sqlite3 -batch -noheader "$T/copy.db" "SELECT count(*) FROM contact WHERE name = 'Later Ltd'")"
    expect_ok "--force overwrites it" backup "$T/copy.db" --force
    assert_eq "with the current rows" "1" \
        "$(sqlite3 -batch -noheader "$T/copy.db" "SELECT count(*) FROM contact WHERE name = 'Later Ltd'")"
    expect_exit 2 "backup needs a path" backup
fi

# tokens ---------------------------------------------------------------------------------
printf 'correct horse battery\n' | "$RELM" user add ann --password-stdin >/dev/null
expect_ok "a token is made" token create --user ann
now=$(date +%s)
left=$(( $(sql "SELECT expires_at FROM api_token WHERE id = 1") - now ))
assert_eq "it expires in 90 days" "1" "$(( left > 90 * 86400 - 120 && left <= 90 * 86400 + 120 ))"
expect_ok "--expires-in 7 makes a week-long token" token create --user ann --expires-in 7
left=$(( $(sql "SELECT expires_at FROM api_token WHERE id = 2") - now ))
assert_eq "it expires in 7 days" "1" "$(( left > 7 * 86400 - 120 && left <= 7 * 86400 + 120 ))"
expect_ok "--expires-in 0 makes a token that never expires" token create --user ann --expires-in 0
assert_eq "stored as 0" "0" "$(sql "SELECT expires_at FROM api_token WHERE id = 3")"
expect_exit 2 "--expires-in past 3650 days is refused" token create --user ann --expires-in 4000
expect_exit 2 "--expires-in that is no number is refused" token create --user ann --expires-in soon
assert_eq "and makes no token" "3" "$(sql "SELECT count(*) FROM api_token")"
expect_ok "token list shows expires_at" token list --json
assert_eq "for every token" "3" "$(json 'sum(1 for t in d if "expires_at" in t)')"
printf 'another good password\n' | "$RELM" user passwd ann --password-stdin >/dev/null
assert_eq "a password change revokes every token of the user" "3" \
    "$(sql "SELECT count(*) FROM api_token WHERE revoked = 1")"
finish
