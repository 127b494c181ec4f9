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
expect_ok "postpone without a template" interaction create --contact CT000005 --description "Call back" --postpone --json
p=$(json 'd["entry_no"]')
assert_eq "stored as postponed" "1|Call back||CT000001" \
    "$(sql "SELECT postponed||'|'||description||'|'||interaction_template_code||'|'||contact_company_no FROM interaction_log_entry WHERE entry_no = $p")"
assert_eq "postponed entries do not count" "1|1" \
    "$(run contact show CT000005 --json; json 'str(d["no_of_interactions"])+"|"+str(d["no_of_postponed_interactions"])')"
expect_ok "list the postponed" interaction list --postponed --json
assert_eq "only the postponed entry" "$p" "$(json '",".join(str(e["entry_no"]) for e in d["entries"])')"
expect_ok "list per contact hides postponed entries" interaction list --contact CT000005 --json
assert_eq "one normal entry" "1" "$(json '",".join(str(e["entry_no"]) for e in d["entries"])')"
expect_exit 1 "resume without a template is refused" interaction resume "$p"
assert_eq "still postponed" "1" "$(sql "SELECT postponed FROM interaction_log_entry WHERE entry_no = $p")"
expect_ok "resume with a template" interaction resume "$p" --template OUTGOING --json
assert_eq "same entry, finished, keeping what was filled" "$p|false|Call back|0.50" \
    "$(json 'str(d["entry_no"])+"|"+str(d["postponed"]).lower()+"|"+d["description"]+"|"+d["cost"]')"
assert_eq "no postponed entry left" "0" "$(count "WHERE postponed = 1")"
assert_eq "statistics count it now" "2|0" \
    "$(run contact show CT000005 --json; json 'str(d["no_of_interactions"])+"|"+str(d["no_of_postponed_interactions"])')"
expect_exit 1 "a normal entry cannot be deleted" interaction delete 1
assert_contains "the error names the entry" "entry 1 " "$ERR"
assert_eq "it is still there" "1" "$(count "WHERE entry_no = 1")"
expect_ok "postpone another" interaction create --contact CT000006 --template OUTGOING --postpone --json
q=$(json 'd["entry_no"]')
expect_ok "delete a postponed entry" interaction delete "$q"
assert_eq "gone" "0" "$(count "WHERE entry_no = $q")"
expect_exit 1 "deleting it again: not found" interaction delete "$q"
expect_exit 2 "a bad entry number is a usage error" interaction delete abc

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
assert_eq "its campaign entry follows" "1" "$(sql "SELECT canceled FROM campaign_entry")"
expect_exit 1 "cancel with an unknown entry changes nothing" interaction cancel 1 999
assert_eq "entry 1 untouched" "0" "$(sql "SELECT canceled FROM interaction_log_entry WHERE entry_no = 1")"

expect_ok "evaluate" interaction evaluate 1 --evaluation very-positive --attempt-failed
assert_eq "stored" "very_positive|1" "$(sql "SELECT evaluation||'|'||attempt_failed FROM interaction_log_entry WHERE entry_no = 1")"
expect_ok "a failed attempt on the company's latest entry" interaction evaluate 4 --attempt-failed
assert_eq "is not its last interaction, but its last attempt" "2026-03-01|2026-03-15" \
    "$(run contact show CT000002 --json; json 'd["date_of_last_interaction"]+"|"+d["last_date_attempted"]')"
expect_ok "evaluate again without --attempt-failed keeps it" interaction evaluate 1 --evaluation positive
assert_eq "kept" "positive|1" "$(sql "SELECT evaluation||'|'||attempt_failed FROM interaction_log_entry WHERE entry_no = 1")"
expect_exit 2 "evaluate needs something to set" interaction evaluate 1

expect_ok "cancel two more" interaction cancel 3 4
expect_ok "delete canceled by template" interaction delete-canceled --template INCOMING
assert_eq "one deleted" "1" "$OUT"
assert_eq "entry 3 gone" "0" "$(count "WHERE entry_no = 3")"
expect_ok "delete canceled before a date" interaction delete-canceled --before 2026-03-01 --json
assert_eq "none so old" "0" "$(json 'd["deleted"]')"
expect_ok "delete every canceled entry" interaction delete-canceled
assert_eq "two deleted" "2" "$OUT"
assert_eq "no canceled entry left" "0" "$(count "WHERE canceled = 1")"
assert_eq "the campaign entry went with its interaction" "0" "$(sql "SELECT count(*) FROM campaign_entry")"

# listing with cursors ---------------------------------------------------------------------------
expect_ok "one entry for BD" interaction create --contact CT000005 --template MEETINV --salesperson BD --json
b=$(json 'd["entry_no"]')
for d in 2026-01-05 2026-02-10 2026-02-10 2026-03-02 2026-03-02 2026-03-02 2026-01-20; do
    "$RELM" interaction create --contact CT000008 --template OUTGOING --date "$d" --time 10:00:00 >/dev/null
done
want=$(sql "SELECT group_concat(entry_no) FROM (SELECT entry_no FROM interaction_log_entry WHERE postponed = 0 ORDER BY date DESC, time DESC, entry_no DESC)")
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
c1=$(json 'd["next_cursor"]')
assert_eq "four entries and a cursor" "4|yes" "$(json 'str(len(d["entries"]))+"|"+("yes" if d["next_cursor"] else "no")')"
expect_ok "the next page" interaction list --limit 100 --after "$c1" --json
assert_eq "the rest, and no further cursor" "$(( $(count "WHERE postponed = 0") - 4 ))|None" \
    "$(json 'str(len(d["entries"]))+"|"+str(d["next_cursor"])')"
expect_ok "filter by date range and contact" interaction list --contact CT000008 --from 2026-02-01 --to 2026-02-28 --json
assert_eq "two in February" "2" "$(json 'len(d["entries"])')"
expect_ok "filter by company includes persons" interaction list --contact CT000002 --json
assert_eq "company CT000002 and its persons" "$(count "WHERE contact_company_no = 'CT000002' AND postponed = 0")" "$(json 'len(d["entries"])')"
expect_ok "filter by salesperson and template" interaction list --salesperson BD --template MEETINV --json
assert_eq "that entry only" "$b" "$(json '",".join(str(e["entry_no"]) for e in d["entries"])')"
expect_exit 2 "a bad cursor is a usage error" interaction list --after yesterday
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
    ANSWERS=$'OUTGOING\n|\n|\n|\n|\n|Dialog call\n|\n|\n|\n|\n|\n|\n|\n|\n|y\n'
    dialog interaction create --contact CT000010
    assert_eq "the dialog logs on y" "0" "$RC"
    assert_contains "it shows the template's defaults" "Description [Outgoing call]" "$OUT"
    assert_eq "one entry written with the typed description" "1" \
        "$(count "WHERE entry_no > $n AND contact_no = 'CT000010' AND description = 'Dialog call' AND postponed = 0 AND interaction_template_code = 'OUTGOING'")"
    ANSWERS=$'NEWS\n|^D'
    dialog interaction create --contact CT000010
    assert_eq "Ctrl-D postpones" "0" "$RC"
    assert_contains "printing the postponed entry" "postponed as interaction log entry" "$OUT"
    assert_eq "stored postponed with the template" "1" \
        "$(count "WHERE contact_no = 'CT000010' AND postponed = 1 AND interaction_template_code = 'NEWS'")"
    # NEWS, then Enter at each of the 13 other fields, then "y" to log it now.
    ANSWERS=$'NEWS\n'
    for _ in $(seq 13); do ANSWERS+=$'|\n'; done
    ANSWERS+=$'|y\n'
    dialog interaction create --contact CT000006
    assert_eq "a refused dialog exits 1" "1" "$RC"
    assert_contains "saying why" "contact CT000006 has no email" "$OUT"
    assert_eq "and keeps what was typed as postponed" "1" \
        "$(count "WHERE contact_no = 'CT000006' AND postponed = 1 AND interaction_template_code = 'NEWS'")"
    r=$(sql "SELECT entry_no FROM interaction_log_entry WHERE contact_no = 'CT000006' AND postponed = 1")
    ANSWERS=$'\n|\n|\n|\n|\n|\n|\n|hard_copy\n|\n|\n|\n|\n|\n|\n|y\n'
    dialog interaction resume "$r"
    assert_eq "resume in the dialog" "0" "$RC"
    assert_contains "shows the stored template" "Interaction template code [NEWS]" "$OUT"
    assert_eq "finishes the same entry" "hard_copy|0|1" \
        "$(sql "SELECT correspondence_type||'|'||postponed||'|'||(campaign_entry_no > 0) FROM interaction_log_entry WHERE entry_no = $r")"
else
    ok "# skip: no python pty"
fi
finish
