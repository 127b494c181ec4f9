#!/usr/bin/env bash
# kill -9 during a 20,000-line segment log and a 20,000-row CSV import, at several points:
# each time the database passes PRAGMA integrity_check and holds all of the job or none
# of it (the segment intact and nothing logged, or every line logged and the segment gone;
# no imported row, or every one), and relm goes on working on it.
. "$(dirname "$0")/lib.sh"
ROUNDS=${CRASH_ROUNDS:-5}
N=20000
BASE="$T/base.db"

"$RELM" --db "$BASE" init --demo >/dev/null
{
    echo "type,name,city"
    for ((i = 0; i < N; i++)); do echo "company,Crash $i,Kville"; done
} >"$T/k.csv"
"$RELM" --db "$BASE" contact import "$T/k.csv" >/dev/null
"$RELM" --db "$BASE" segment create --description Crash --interaction-template-code ABSTRACT >/dev/null
"$RELM" --db "$BASE" segment add SEG00001 --where city=Kville >/dev/null
sqlite3 "$BASE" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
base_contacts=$(sqlite3 "$BASE" "SELECT count(*) FROM contact")
assert_eq "the segment to log has $N lines" "$N" \
    "$(sqlite3 "$BASE" "SELECT count(*) FROM segment_line WHERE segment_no = 'SEG00001'")"

fresh() { # a copy of the base database at $RELM_DB
    rm -f "$RELM_DB" "$RELM_DB-wal" "$RELM_DB-shm"
    cp "$BASE" "$RELM_DB"
}

now_ms() { date +%s%3N; }

# How long cmd takes on a fresh copy, in ms: the kills below fall inside that time, so
# they hit the running job on a fast machine and under sanitizers alike.
duration_of() {
    fresh
    local t0
    t0=$(now_ms)
    "$RELM" "$@" >/dev/null 2>&1
    echo $(($(now_ms) - t0))
}

# Kill cmd after a random pause of 5% to 90% of its duration $DUR (ms); sets KILLED=1 when
# it was still running.
kill_during() {
    "$RELM" "$@" >/dev/null 2>&1 &
    local pid=$!
    local ms=$((DUR * (5 + RANDOM % 86) / 100))
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    KILLED=0
    if kill -9 "$pid" 2>/dev/null; then KILLED=1; fi
    wait "$pid" 2>/dev/null || true
}

integrity() { sql "PRAGMA integrity_check"; }

DUR=$(duration_of segment log SEG00001)
killed_logs=0
for ((round = 1; round <= ROUNDS; round++)); do
    fresh
    kill_during segment log SEG00001
    killed_logs=$((killed_logs + KILLED))
    assert_eq "log round $round: integrity_check after kill -9" "ok" "$(integrity)"
    state=$(sql "SELECT (SELECT count(*) FROM logged_segment) || ' ' ||
                        (SELECT count(*) FROM interaction_log_entry WHERE logged_segment_entry_no > 0) || ' ' ||
                        (SELECT count(*) FROM segment_header WHERE no = 'SEG00001') || ' ' ||
                        (SELECT count(*) FROM segment_line WHERE segment_no = 'SEG00001')")
    if [ "$state" = "0 0 1 $N" ] || [ "$state" = "1 $N 0 0" ]; then
        ok "log round $round: all or nothing (logged segments, entries, segment, lines: $state)"
    else
        not_ok "log round $round: all or nothing" "logged segments, entries, segment, lines: $state"
    fi
    if [ "$state" = "0 0 1 $N" ]; then
        expect_ok "log round $round: the segment can still be logged" segment log SEG00001
        assert_eq "log round $round: with every line" "$N" \
            "$(sql "SELECT count(*) FROM interaction_log_entry WHERE logged_segment_entry_no > 0")"
    fi
done
check_killed() { # what count rounds
    if [ "$2" -gt 0 ]; then ok "$1: at least one kill hit the running job ($2 of $ROUNDS)"
    else not_ok "$1: no kill hit the running job"; fi
}
check_killed "segment log" "$killed_logs"

DUR=$(duration_of contact import "$T/k.csv")
killed_imports=0
for ((round = 1; round <= ROUNDS; round++)); do
    fresh
    kill_during contact import "$T/k.csv"
    killed_imports=$((killed_imports + KILLED))
    assert_eq "import round $round: integrity_check after kill -9" "ok" "$(integrity)"
    count=$(sql "SELECT count(*) FROM contact")
    if [ "$count" = "$base_contacts" ] || [ "$count" = "$((base_contacts + N))" ]; then
        ok "import round $round: all or nothing ($((count - base_contacts)) rows imported)"
    else
        not_ok "import round $round: all or nothing" "$((count - base_contacts)) of $N rows imported"
    fi
    expect_ok "import round $round: relm goes on adding contacts" contact add --type company \
        --name "After $round"
done
check_killed "contact import" "$killed_imports"
finish
