#!/usr/bin/env bash
# relm interaction: create, postpone/resume, cancel, evaluate, delete, list with cursors,
# and the statistics they move.
. "$(dirname "$0")/lib.sh"
"$RELM" init --demo >/dev/null

count() { sql "SELECT count(*) FROM interaction_log_entry $1"; }
stat() { run contact show "$1" --json; json "d[\"$2\"]"; }

# create ---------------------------------------------------------------------------------
expect_ok "create from a contact" interaction create --contact CT000005 --template outgoing --json
assert_eq "entry 1 with the template's defaults" "1|Outgoing call|0.50|10.00|outbound|PHONE" \
    "$(json 'str(d["entry_no"])+"|"+d["description"]+"|"+d["cost"]+"|"+d["duration"]+"|"+d["information_flow"]+"|"+d["interaction_group_code"]')"
assert_eq "stored with the contact's company and e-mail" "1|CT000001|email|mark@cardoxy.example|2026-03-15|0|0" \
    "$(sql "SELECT entry_no||'|'||contact_company_no||'|'||correspondence_type||'|'||contact_via||'|'||date||'|'||postponed||'|'||canceled FROM interaction_log_entry")"
assert_eq "statistics count it" "1|0.50|2026-03-15" \
    "$(run contact show CT000005 --json; json 'str(d["no_of_interactions"])+"|"+d["cost"]+"|"+d["date_of_last_interaction"]')"
assert_eq "the company's statistics include its person" "1" "$(stat CT000001 no_of_interactions)"

expect_ok "canonical flag names" interaction create --contact-no CT000007 --interaction-template-code NEWS --json
assert_eq "the contact's language variant" "NOR|Nyhetsbrev" "$(json 'd["language_code"]+"|"+d["description"]')"
assert_eq "the template's campaign gets a campaign entry" "1|CMP1001" \
    "$(sql "SELECT count(*)||'|'||min(campaign_no) FROM campaign_entry WHERE entry_no = (SELECT campaign_entry_no FROM interaction_log_entry WHERE entry_no = 2)")"

expect_ok "from a salesperson" interaction create --salesperson bd --contact CT000002 --template INCOMING \
    --date 2026-03-01 --time 08:15:00 --subject "Price list" --evaluation neutral --json
assert_eq "salesperson and given fields kept" "BD|2026-03-01|08:15:00|Price list|neutral|inbound" \
    "$(sql "SELECT salesperson_code||'|'||date||'|'||time||'|'||subject||'|'||evaluation||'|'||information_flow FROM interaction_log_entry WHERE entry_no = 3")"
expect_ok "from an entry" interaction create --from-entry 3 --template OUTGOING --json
assert_eq "contact and salesperson of entry 3" "4|CT000002|BD" "$(json 'str(d["entry_no"])+"|"+d["contact_no"]+"|"+d["salesperson_code"]')"
expect_ok "create prints the entry" interaction create --contact CT000001 --template abstract --cost 3
assert_contains "field: value lines" "description                 Abstract letter" "$OUT"
assert_eq "given cost" "300" "$(sql "SELECT cost FROM interaction_log_entry WHERE entry_no = 5")"

# refusals --------------------------------------------------------------------------------
n=$(count "")
expect_exit 1 "e-mail to a contact without an address is refused" interaction create --contact CT000006 --template NEWS
assert_contains "the error names contact and field" "contact CT000006 has no email" "$ERR"
expect_exit 1 "fax without a fax no. is refused" interaction create --contact CT000005 --template OUTGOING --correspondence-type fax
assert_contains "naming fax_no" "fax_no" "$ERR"
expect_ok "privacy-block a contact" contact update CT000009 --privacy-blocked
expect_exit 1 "a privacy-blocked contact gets no interaction" interaction create --contact CT000009 --template OUTGOING
assert_contains "privacy error" "CT000009" "$ERR"
expect_exit 1 "a template is required" interaction create --contact CT000005
assert_contains "naming the field" "interaction_template_code" "$ERR"
expect_exit 1 "an unknown template is refused" interaction create --contact CT000005 --template NOPE
expect_exit 1 "an unknown salesperson is refused" interaction create --contact CT000005 --template OUTGOING --salesperson ZZ
expect_exit 1 "an unknown campaign is refused" interaction create --contact CT000005 --template OUTGOING --campaign NOPE
expect_exit 2 "no contact is a usage error" interaction create --template OUTGOING
expect_exit 2 "an unknown flag is a usage error" interaction create --contact CT000005 --colour red
expect_exit 1 "a bad value is refused" interaction create --contact CT000005 --template OUTGOING --evaluation great
expect_exit 2 "entry numbers are not typed" interaction create --contact CT000005 --template OUTGOING --entry-no 99
expect_exit 2 "contact_via is set by relm" interaction create --contact CT000005 --template OUTGOING --contact-via x
assert_eq "nothing was written by the refusals" "$n" "$(count "")"
assert_eq "no campaign entry either" "1" "$(sql "SELECT count(*) FROM campaign_entry")"

# postpone, resume, delete ---------------------------------------------------------------------
expect_exit 1 "postpone without a template is refused" interaction create --contact CT000005 --description "Call back" --postpone
assert_contains "naming the field" "interaction_template_code" "$ERR"
expect_ok "postpone skips the e-mail check and keeps every default" \
    interaction create --contact CT000006 --template NEWS --subject Spring --date 2026-03-01 --time 08:00:00 --postpone --json
p=$(json 'd["entry_no"]')
assert_eq "stored as postponed: a full row, no campaign entry" "1|Newsletter|10|email|CMP1001|0|CT000001|JO|EMAIL|Spring" \
    "$(sql "SELECT postponed||'|'||description||'|'||cost||'|'||correspondence_type||'|'||campaign_no||'|'||campaign_entry_no||'|'||contact_company_no||'|'||salesperson_code||'|'||interaction_group_code||'|'||subject FROM interaction_log_entry WHERE entry_no = $p")"
assert_eq "no campaign entry written" "1" "$(sql "SELECT count(*) FROM campaign_entry")"
assert_eq "postponed entries do not count" "0|1" \
    "$(run contact show CT000006 --json; json 'str(d["no_of_interactions"])+"|"+str(d["no_of_postponed_interactions"])')"
expect_ok "list the salesperson's postponed entries" interaction list --postponed --salesperson JO --json
assert_eq "the postponed entry" "$p" "$(json '",".join(str(e["entry_no"]) for e in d)')"
expect_ok "list per contact hides postponed entries" interaction list --contact CT000005 --json
assert_eq "one normal entry" "1" "$(json '",".join(str(e["entry_no"]) for e in d)')"
expect_exit 1 "resume runs the e-mail check" interaction resume "$p"
assert_contains "naming the contact and field" "contact CT000006 has no email" "$ERR"
assert_eq "still postponed" "1" "$(sql "SELECT postponed FROM interaction_log_entry WHERE entry_no = $p")"
expect_ok "resume with another correspondence type" interaction resume "$p" --correspondence-type hard_copy --json
assert_eq "same entry, finished, keeping what was stored, dated today" "$p|false|Newsletter|Spring|2026-03-15|hard_copy" \
    "$(json 'str(d["entry_no"])+"|"+str(d["postponed"]).lower()+"|"+d["description"]+"|"+d["subject"]+"|"+d["date"]+"|"+d["correspondence_type"]')"
assert_eq "joined the campaign's shared campaign entry" "1|1" \
    "$(sql "SELECT count(*)||'|'||min(CASE WHEN description = 'Interactions' THEN 1 ELSE 0 END) FROM campaign_entry")"
assert_eq "no postponed entry left" "0" "$(count "WHERE postponed = 1")"
assert_eq "statistics count it now" "1|0" \
    "$(run contact show CT000006 --json; json 'str(d["no_of_interactions"])+"|"+str(d["no_of_postponed_interactions"])')"
expect_exit 1 "a normal entry cannot be deleted" interaction delete 1
assert_contains "the error names the entry" "entry 1 " "$ERR"
assert_eq "it is still there" "1" "$(count "WHERE entry_no = 1")"
expect_ok "postpone another" interaction create --contact CT000006 --template OUTGOING --postpone --comment "Ring after lunch" --json
q=$(json 'd["entry_no"]')
assert_eq "with its comment" "1" "$(sql "SELECT count(*) FROM interaction_comment WHERE entry_no = $q")"
expect_ok "delete a postponed entry" interaction delete "$q"
assert_eq "gone" "0" "$(count "WHERE entry_no = $q")"
assert_eq "its comment went with it" "0" "$(sql "SELECT count(*) FROM interaction_comment WHERE entry_no = $q")"
expect_exit 1 "deleting it again: not found" interaction delete "$q"
expect_exit 2 "a bad entry number is a usage error" interaction delete abc

# salesperson, description, correspondence type (r2) ---------------------------------------------
expect_ok "a contact without salesperson or correspondence type" contact add --type company --name "Quiet AS" --json
quiet=$(json 'd["no"]')
sql "UPDATE contact SET salesperson_code = '', correspondence_type = '' WHERE no = '$quiet'"
n=$(count "")
expect_exit 1 "no salesperson anywhere: refused although setup has a default" interaction create --contact "$quiet" --template OUTGOING
assert_contains "naming the field" "salesperson_code" "$ERR"
RELM_USER=bd expect_ok "the signed-in user's salesperson wins over the contact's" interaction create --contact CT000005 --template OUTGOING --json
assert_eq "BD, not the contact's JO" "BD" "$(json 'd["salesperson_code"]')"
RELM_USER=bd expect_ok "the user's salesperson serves a contact without one" interaction create --contact "$quiet" --template OUTGOING --json
assert_eq "blank correspondence type, not setup's e-mail" "BD|" "$(json 'd["salesperson_code"]+"|"+d["correspondence_type"]')"
sql "INSERT INTO interaction_template (code, interaction_group_code, description) VALUES ('NODESC', 'PHONE', '')"
expect_exit 1 "a template without description needs one typed" interaction create --contact CT000005 --template NODESC
assert_contains "naming description" "description" "$ERR"
expect_exit 1 "so does postponing" interaction create --contact CT000005 --template NODESC --postpone
assert_contains "naming description" "description" "$ERR"
expect_ok "typed, it is logged" interaction create --contact CT000005 --template NODESC --description "Typed"
assert_eq "three written" "$((n + 3))" "$(count "")"
sql "DELETE FROM interaction_log_entry WHERE entry_no > $n"

# comments ---------------------------------------------------------------------------------------
expect_ok "create with comments" interaction create --contact CT000005 --template OUTGOING --comment "Asked for prices" --comment "Call in May" --json
cm=$(json 'd["entry_no"]')
assert_eq "the JSON lists them" "10000:Asked for prices,20000:Call in May" \
    "$(json '",".join(str(c["line_no"])+":"+c["comment"] for c in d["comments"])')"
expect_ok "add a comment later" interaction comment add "$cm" "Sent the offer" --date 2026-03-20
assert_eq "stored with its date" "30000|2026-03-20|Sent the offer" \
    "$(sql "SELECT line_no||'|'||date||'|'||comment FROM interaction_comment WHERE entry_no = $cm AND line_no = 30000")"
expect_ok "list comments" interaction comment list "$cm" --json
assert_eq "three lines in order" "10000,20000,30000" "$(json '",".join(str(c["line_no"]) for c in d)')"
expect_ok "show prints them" interaction show "$cm"
assert_contains "under comments" "20000     2026-03-15  Call in May" "$OUT"
expect_ok "delete a comment" interaction comment delete "$cm" 20000
assert_eq "two left" "2" "$(sql "SELECT count(*) FROM interaction_comment WHERE entry_no = $cm")"
expect_exit 1 "deleting it again: not found" interaction comment delete "$cm" 20000
assert_contains "naming the line" "20000" "$ERR"
expect_exit 1 "a blank comment is refused" interaction comment add "$cm" " "
expect_exit 1 "a comment on an unknown entry is refused" interaction comment add 999 "x"
expect_exit 2 "comment needs a verb" interaction comment "$cm"
n=$(count "")
expect_exit 1 "a too long comment refuses the whole create" interaction create --contact CT000005 --template OUTGOING --comment "$(printf 'x%.0s' $(seq 81))"
assert_eq "no entry written" "$n" "$(count "")"
expect_ok "cancel it" interaction cancel "$cm"
expect_ok "delete it" interaction delete "$cm"
assert_eq "its comments went with it" "0" "$(sql "SELECT count(*) FROM interaction_comment WHERE entry_no = $cm")"

# cancel, evaluate, delete-canceled ---------------------------------------------------------------
before=$(stat CT000001 no_of_interactions)
expect_ok "cancel an entry" interaction cancel 1
assert_eq "reported" "interaction log entry 1 canceled" "$OUT"
assert_eq "canceled in the database" "1" "$(sql "SELECT canceled FROM interaction_log_entry WHERE entry_no = 1")"
assert_eq "the company's statistics drop it" "$((before - 1))" "$(stat CT000001 no_of_interactions)"
expect_ok "undo-cancel" interaction cancel 1 --json
assert_eq "restored" "False" "$(json 'd[0]["canceled"]')"
assert_eq "the statistics take it back" "$before" "$(stat CT000001 no_of_interactions)"
expect_ok "cancel the campaign interaction" interaction cancel 2
expect_ok "list --active" interaction list --active --json
assert_eq "--active leaves the canceled entry out" "$(sql "SELECT entry_no FROM interaction_log_entry WHERE canceled = 0 AND postponed = 0 ORDER BY entry_no" | joined ,)" "$(json '",".join(str(e["entry_no"]) for e in sorted(d, key=lambda e: e["entry_no"]))')"
expect_ok "list --canceled" interaction list --canceled --json
assert_eq "--canceled lists only the canceled entry" "2" "$(json '",".join(str(e["entry_no"]) for e in d)')"
expect_exit 1 "--active with --canceled is refused" interaction list --active --canceled
assert_contains "naming both" "active and canceled exclude each other" "$ERR"
assert_eq "the shared campaign entry is not canceled with it" "0" "$(sql "SELECT canceled FROM campaign_entry")"
sql "UPDATE campaign_entry SET canceled = 1"
expect_exit 1 "undo-cancel is refused while its campaign entry is canceled" interaction cancel 1 2
assert_contains "naming the entry and campaign entry" "entry 2 cannot be restored while its campaign entry 1 is canceled" "$ERR"
assert_eq "all or nothing: entry 1 was not toggled" "0" "$(sql "SELECT canceled FROM interaction_log_entry WHERE entry_no = 1")"
sql "UPDATE campaign_entry SET canceled = 0"
expect_exit 1 "cancel with an unknown entry changes nothing" interaction cancel 1 999
assert_eq "entry 1 untouched" "0" "$(sql "SELECT canceled FROM interaction_log_entry WHERE entry_no = 1")"

expect_ok "evaluate" interaction evaluate 1 --evaluation very-positive --attempt-failed
assert_eq "stored" "very_positive|1" "$(sql "SELECT evaluation||'|'||attempt_failed FROM interaction_log_entry WHERE entry_no = 1")"
expect_ok "a failed attempt on the company's latest entry" interaction evaluate 4 --attempt-failed
assert_eq "is not its last interaction, but its last attempt; their call is no attempt of ours" "2026-03-01|2026-03-15" \
    "$(run contact show CT000002 --json; json 'd["date_of_last_interaction"]+"|"+d["last_date_attempted"]')"
expect_ok "our call to Adatum" interaction create --contact CT000003 --template OUTGOING --date 2026-03-10
expect_ok "their later call to us" interaction create --contact CT000003 --template INCOMING --date 2026-03-20
assert_eq "the last attempt counts only what we initiated" "2026-03-20|2026-03-10" \
    "$(run contact show CT000003 --json; json 'd["date_of_last_interaction"]+"|"+d["last_date_attempted"]')"
expect_ok "evaluate again without --attempt-failed keeps it" interaction evaluate 1 --evaluation positive
assert_eq "kept" "positive|1" "$(sql "SELECT evaluation||'|'||attempt_failed FROM interaction_log_entry WHERE entry_no = 1")"
expect_exit 2 "evaluate needs something to set" interaction evaluate 1

expect_ok "cancel two more" interaction cancel 3 4
expect_ok "delete canceled by template" interaction delete-canceled --template INCOMING
assert_eq "one deleted" "1" "$OUT"
assert_eq "entry 3 gone" "0" "$(count "WHERE entry_no = 3")"
expect_ok "delete canceled up to a date" interaction delete-canceled --to 2026-02-28 --json
assert_eq "none so old" "0" "$(json 'd["deleted"]')"
expect_ok "a dry run counts" interaction delete-canceled --dry-run --json
assert_eq "two would go" "2" "$(json 'd["would_delete"]')"
assert_eq "nothing deleted" "2" "$(count "WHERE canceled = 1")"
expect_ok "filter by salesperson, group, contact and entry range" interaction delete-canceled --salesperson BD --group phone --contact CT000002 --entry-no-from 4 --entry-no-to 4
assert_eq "entry 4 deleted" "1|0" "$OUT|$(count "WHERE entry_no = 4")"
expect_ok "filter by campaign" interaction delete-canceled --campaign CMP1001 --from 2026-03-15
assert_eq "entry 2 deleted" "1" "$OUT"
assert_eq "no canceled entry left" "0" "$(count "WHERE canceled = 1")"
assert_eq "the shared campaign entry stays: entry $p still uses it" "1" "$(sql "SELECT count(*) FROM campaign_entry")"
expect_exit 1 "a bad date is refused" interaction delete-canceled --from 2026-13-01
expect_exit 2 "a bad entry number is a usage error" interaction delete-canceled --entry-no-from x
expect_exit 2 "--before is gone (use --to)" interaction delete-canceled --before 2026-03-01

# listing with cursors ---------------------------------------------------------------------------
expect_ok "one entry for BD" interaction create --contact CT000005 --template MEETINV --salesperson BD --json
b=$(json 'd["entry_no"]')
for d in 2026-01-05 2026-02-10 2026-02-10 2026-03-02 2026-03-02 2026-03-02 2026-01-20; do
    "$RELM" interaction create --contact CT000008 --template OUTGOING --date "$d" --time 10:00:00 >/dev/null
done
want=$(sql "SELECT entry_no FROM interaction_log_entry WHERE postponed = 0 ORDER BY date DESC, time DESC, entry_no DESC" | joined ,)
got="" cursor="" pages=0
while :; do
    if [ -n "$cursor" ]; then run interaction list --limit 3 --after "$cursor"; else run interaction list --limit 3; fi
    [ "$RC" -eq 0 ] || { not_ok "list page" "$ERR"; break; }
    pages=$((pages + 1))
    rows=$(printf '%s\n' "$OUT" | tail -n +2 | cut -f1 | paste -sd, -)
    [ -n "$rows" ] && got="${got:+$got,}$rows"
    cursor=$(printf '%s\n' "$ERR" | sed -n 's/^next cursor: //p')
    [ -n "$cursor" ] || break
    [ "$pages" -lt 20 ] || break
done
assert_eq "pages of 3 return every entry once, newest first" "$want" "$got"
expect_ok "list --json pages" interaction list --limit 4 --json
c1=$(printf '%s\n' "$ERR" | sed -n 's/^next cursor: //p')
assert_eq "an array of four entries, like every list; the cursor on stderr" "list|4|yes" \
    "$(json 'type(d).__name__+"|"+str(len(d))')|$([ -n "$c1" ] && echo yes || echo no)"
expect_ok "the next page" interaction list --limit 100 --after "$c1" --json
assert_eq "the rest, and no further cursor" "$(( $(count "WHERE postponed = 0") - 4 ))|" \
    "$(json 'str(len(d))')|$ERR"
expect_ok "filter by date range and contact" interaction list --contact CT000008 --from 2026-02-01 --to 2026-02-28 --json
assert_eq "two in February" "2" "$(json 'len(d)')"
expect_ok "filter by company includes persons" interaction list --contact CT000002 --json
assert_eq "company CT000002 and its persons" "$(count "WHERE contact_company_no = 'CT000002' AND postponed = 0")" "$(json 'len(d)')"
expect_ok "filter by salesperson and template" interaction list --salesperson BD --template MEETINV --json
assert_eq "that entry only" "$b" "$(json '",".join(str(e["entry_no"]) for e in d)')"
expect_exit 2 "a bad cursor is a usage error" interaction list --after yesterday
# --sort FIELD[:desc]: pages of 3 by cost, highest first, follow the sort key in the cursor
want=$(sql "SELECT entry_no FROM interaction_log_entry WHERE postponed = 0 ORDER BY cost DESC, entry_no DESC" | joined ,)
got="" cursor="" pages=0
while :; do
    if [ -n "$cursor" ]; then run interaction list --sort cost:desc --limit 3 --after "$cursor"; else run interaction list --sort cost:desc --limit 3; fi
    [ "$RC" -eq 0 ] || { not_ok "sorted list page" "$ERR"; break; }
    pages=$((pages + 1))
    rows=$(printf '%s\n' "$OUT" | tail -n +2 | cut -f1 | paste -sd, -)
    [ -n "$rows" ] && got="${got:+$got,}$rows"
    cursor=$(printf '%s\n' "$ERR" | sed -n 's/^next cursor: //p')
    [ -n "$cursor" ] || break
    [ "$pages" -lt 20 ] || break
done
assert_eq "--sort cost:desc pages return every entry once, costliest first" "$want" "$got"
expect_ok "sort by the contact's name" interaction list --sort contact_name --json
want=$(sql "SELECT e.entry_no FROM interaction_log_entry e LEFT JOIN contact c ON c.no = e.contact_no WHERE e.postponed = 0 ORDER BY COALESCE(c.name, ''), e.entry_no" | joined ,)
assert_eq "--sort contact_name: by name, then entry no." "$want" "$(json '",".join(str(e["entry_no"]) for e in d)')"
expect_ok "search the log" interaction list --search nordmann --json
assert_eq "--search finds the contact's name, ignoring case" \
    "$(sql "SELECT count(*) FROM interaction_log_entry e JOIN contact c ON c.no = e.contact_no WHERE e.postponed = 0 AND (lower(c.name) LIKE '%nordmann%' OR lower(e.description) LIKE '%nordmann%' OR lower(e.subject) LIKE '%nordmann%')")" \
    "$(json 'len(d)')"
sql "UPDATE interaction_log_entry SET delivery_status = 'error' WHERE entry_no = 1" >/dev/null
expect_ok "the outbox" interaction list --outbox --json
assert_eq "--outbox lists the e-mails waiting or failed, not canceled" \
    "$(sql "SELECT entry_no FROM interaction_log_entry WHERE delivery_status <> '' AND canceled = 0 AND postponed = 0 ORDER BY entry_no DESC" | joined ,)" \
    "$(json '",".join(str(e["entry_no"]) for e in d)')"
sql "UPDATE interaction_log_entry SET delivery_status = '' WHERE entry_no = 1" >/dev/null
expect_exit 1 "an unknown sort field is refused" interaction list --sort "cost; DROP TABLE contact"
assert_contains "the error names the sort" "sort" "$ERR"
run interaction list --sort cost:desc --limit 1
c2=$(printf '%s\n' "$ERR" | sed -n 's/^next cursor: //p')
expect_exit 1 "a cursor of another sort is refused" interaction list --sort duration --after "$c2"
expect_ok "show" interaction show 1 --json
assert_eq "show returns the entry" "1|CT000005" "$(json 'str(d["entry_no"])+"|"+d["contact_no"]')"
expect_exit 1 "show an unknown entry" interaction show 999

# the terminal dialog ---------------------------------------------------------------------------
# dialog ARGS...: run relm on a pseudo-terminal, typing the lines of $ANSWERS (\x04 = Ctrl-D)
dialog() {
    OUT=$(ANSWERS="$ANSWERS" python3 - "$RELM" "$@" <<'EOF'
import os, pty, select, signal, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
done = False

def read_some(deadline):
    """Read what is there until deadline; False once the program has ended."""
    global out
    left = deadline - time.monotonic()
    if left <= 0:
        return True
    ready, _, _ = select.select([fd], [], [], left)
    if not ready:
        return True
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return False
    if not chunk:
        return False
    out += chunk
    return True

# Answer each prompt (text ending in ": ") only once it is shown, like a person would.
for answer in os.environ["ANSWERS"].split("|"):
    seen = len(out)
    deadline = time.monotonic() + 10
    while not done and not out[seen:].rstrip(b" ").endswith(b":") and time.monotonic() < deadline:
        done = not read_some(deadline)
    if done:
        break
    os.write(fd, answer.encode().replace(b"^D", b"\x04"))
# Then read until the program ends; one still waiting after 15 s has hung: kill it.
deadline = time.monotonic() + 15
while not done:
    if time.monotonic() >= deadline:
        os.kill(pid, signal.SIGKILL)
        out += b"\n[killed: still waiting for input]\n"
        break
    done = not read_some(deadline)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 124)
EOF
)
    RC=$?
}
if python3 -c 'import pty' 2>/dev/null; then
    n=$(count "")
    ANSWERS=$'OUTGOING\n|\n|\n|\n|\n|Dialog call\n|\n|\n|\n|\n|\n|\n|\n|\n|Dialog note\n|\n|y\n'
    dialog interaction create --contact CT000010
    assert_eq "the dialog logs on y" "0" "$RC"
    assert_contains "it shows the template's defaults" "Description [Outgoing call]" "$OUT"
    assert_eq "one entry written with the typed description" "1" \
        "$(count "WHERE entry_no > $n AND contact_no = 'CT000010' AND description = 'Dialog call' AND postponed = 0 AND interaction_template_code = 'OUTGOING'")"
    assert_eq "and the comment typed" "Dialog note" \
        "$(sql "SELECT comment FROM interaction_comment WHERE entry_no = (SELECT max(entry_no) FROM interaction_log_entry)")"
    n=$(count "")
    ANSWERS=$'OUTGOING\n|^D|n\n'
    dialog interaction create --contact CT000010
    assert_eq "cancel, then No: exit 0" "0" "$RC"
    assert_contains "asking whether to finish later" "Do you want to finish this interaction later?" "$OUT"
    assert_eq "nothing saved" "$n" "$(count "")"
    ANSWERS=$'NEWS\n|^D|y\n'
    dialog interaction create --contact CT000010
    assert_eq "cancel, then Yes postpones" "0" "$RC"
    assert_contains "printing the postponed entry" "postponed as interaction log entry" "$OUT"
    assert_eq "stored postponed with the template's defaults, without the e-mail check" "1" \
        "$(count "WHERE contact_no = 'CT000010' AND postponed = 1 AND interaction_template_code = 'NEWS' AND description = 'Newsletter' AND correspondence_type = 'email' AND salesperson_code = 'JO'")"
    sql "DELETE FROM interaction_log_entry WHERE contact_no = 'CT000010' AND postponed = 1"
    # NEWS, then Enter at each of the 13 other fields and the comment, then "y" to log it now.
    ANSWERS=$'NEWS\n'
    for _ in $(seq 14); do ANSWERS+=$'|\n'; done
    ANSWERS+=$'|y\n|y\n'
    dialog interaction create --contact CT000006
    assert_contains "a refused dialog says why" "contact CT000006 has no email" "$OUT"
    assert_eq "and, asked, keeps it as postponed" "0|1" \
        "$RC|$(count "WHERE contact_no = 'CT000006' AND postponed = 1 AND interaction_template_code = 'NEWS'")"
    r=$(sql "SELECT entry_no FROM interaction_log_entry WHERE contact_no = 'CT000006' AND postponed = 1")
    ANSWERS=$'\n|^D|n\n'
    dialog interaction resume "$r"
    assert_eq "a canceled resume keeps it postponed" "0|1" \
        "$RC|$(count "WHERE entry_no = $r AND postponed = 1")"
    ANSWERS=$'\n|\n|\n|\n|\n|\n|\n|hard_copy\n|\n|\n|\n|\n|\n|\n|\n|y\n'
    dialog interaction resume "$r"
    assert_eq "resume in the dialog" "0" "$RC"
    assert_contains "shows the stored template" "Interaction template code [NEWS]" "$OUT"
    assert_eq "finishes the same entry" "hard_copy|0|1" \
        "$(sql "SELECT correspondence_type||'|'||postponed||'|'||CASE WHEN campaign_entry_no > 0 THEN 1 ELSE 0 END FROM interaction_log_entry WHERE entry_no = $r")"
else
    ok "# skip: no python pty"
fi

# Verb dispatch: an unknown verb names the noun; help after a verb prints the noun's help.
expect_exit 2 "an unknown interaction verb is a usage error" interaction frobnicate
assert_contains "the message names the noun and its help" 'interaction: unknown verb "frobnicate" (see relm interaction --help)' "$ERR"
expect_exit 2 "no verb prints the usage" interaction
assert_contains "with the verbs" "usage: relm interaction" "$OUT"
expect_ok "--help after a verb prints the noun's help" interaction list --help
assert_contains "the help lists the verbs" "usage: relm interaction" "$OUT"
finish
