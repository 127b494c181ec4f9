#!/usr/bin/env python3
"""The interaction log's listing at scale on SQLite: history query against its floor, and
every filter, sort and search of the listing, first page and the page after it.

Usage: bench/list_bench.py [--contacts 1000000] [--entries 1000000,10000000]
                           [--queries 10000] [--rounds 3] [--build build] [--dir /tmp]
                           [--keep] [--only TEXT|TEXT...] [--cap 30]

For each size M of the log it generates a database (relm-bench-gen, N contacts and M
entries; kept and reused with --keep), marks a few entries as they are in a working log
(1 in 1,000 canceled, 1 in 10,000 postponed, 1 in 10,000 in the e-mail outbox), then runs
`relm-bench history DB Q` (relm against the same SELECT by hand, query by query) and
`relm-bench list DB R` (each case's first page of 20 and the next page through its
cursor, median of R, one run when a page takes over half a second, a page stopped after
--cap seconds, with SQLite's plan of the statement relm ran). Prints a Markdown report with the load average before and after
each part and the growth per 10x of the log between consecutive sizes.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def secs(v):
    if v < 0:
        return "> %.0f s (stopped)" % -v
    if v < 0.001:
        return "%.1f µs" % (v * 1e6)
    if v < 1:
        return "%.2f ms" % (v * 1e3)
    return "%.2f s" % v


def load():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def lines_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(l) for l in out.strip().splitlines() if l.startswith("{")]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--contacts", type=int, default=1000000)
    ap.add_argument("--entries", default="1000000,10000000")
    ap.add_argument("--queries", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--dir", default="/tmp")
    ap.add_argument("--keep", action="store_true", help="keep and reuse the databases")
    ap.add_argument("--only", default=None,
                    help="only the list cases whose name contains one of these |-separated texts")
    ap.add_argument("--cap", type=float, default=30, help="stop a page after this many seconds")
    a = ap.parse_args()
    gen = os.path.join(a.build, "relm-bench-gen")
    bench = os.path.join(a.build, "relm-bench")
    sizes = [int(s) for s in a.entries.split(",")]
    hist, lists, notes = {}, {}, []
    for m in sizes:
        db = os.path.join(a.dir, "relm-list-%d-%d.db" % (a.contacts, m))
        if not (a.keep and os.path.exists(db)):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)
            t0 = time.monotonic()
            subprocess.run([gen, db, str(a.contacts), str(m)], check=True, capture_output=True)
            notes.append("%d entries generated in %.0f s" % (m, time.monotonic() - t0))
        marked = subprocess.run(["sqlite3", db, "SELECT count(*) FROM interaction_log_entry "
                                 "WHERE canceled = 1"], check=True, capture_output=True,
                                text=True).stdout.strip()
        if marked == "0":
            subprocess.run(["sqlite3", db,
                            "UPDATE interaction_log_entry SET canceled = 1 WHERE entry_no % 1000 = 7;"
                            "UPDATE interaction_log_entry SET postponed = 1 WHERE entry_no % 10000 = 3;"
                            "UPDATE interaction_log_entry SET delivery_status = 'error' "
                            "WHERE entry_no % 10000 = 5; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);"],
                           check=True, capture_output=True)
        l0 = load()
        hist[m] = lines_json([bench, "history", db, str(a.queries)])[-1]
        hist[m]["load"] = "%s → %s" % (l0, load())
        l0 = load()
        cmd = [bench, "list", db, str(a.rounds)] + ([a.only] if a.only else [])
        env = dict(os.environ, RELM_BENCH_LIST_CAP=str(a.cap))
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
        lists[m] = {c["case"]: c for c in (json.loads(l) for l in out.splitlines() if l.startswith("{"))}
        lists[m]["_load"] = "%s → %s" % (l0, load())
        if not a.keep:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.remove(db + suffix)

    out = ["## Interaction listing on SQLite — %s UTC" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
           "",
           "`bench/list_bench.py --contacts %d --entries %s --queries %d --rounds %d`; %s. "
           "Machine: %d cores, shared." % (a.contacts, a.entries, a.queries, a.rounds,
                                           "; ".join(notes) or "databases reused",
                                           os.cpu_count()),
           "",
           "History query (newest 20 entries of a random person), relm against its floor in "
           "the same process, query by query:",
           "",
           "| entries | relm median | relm p99 | floor median | floor p99 | p99 relm / floor | relm max | load average |",
           "|---:|---|---|---|---|---:|---|---|"]
    for m in sizes:
        h = hist[m]
        out.append("| %d | %s | %s | %s | %s | %.2f× | %s | %s |" % (
            m, secs(h["seconds"]), secs(h["p99_seconds"]), secs(h["floor_seconds"]),
            secs(h["floor_p99_seconds"]), h["p99_seconds"] / h["floor_p99_seconds"],
            secs(h["max_seconds"]), h["load"]))
    for lo, hi in zip(sizes, sizes[1:]):
        out.append("")
        out.append("Growth %d → %d (%.0f× the log): relm p99 %.2f×, floor p99 %.2f×, relm median "
                   "%.2f×." % (lo, hi, hi / lo, hist[hi]["p99_seconds"] / hist[lo]["p99_seconds"],
                               hist[hi]["floor_p99_seconds"] / hist[lo]["floor_p99_seconds"],
                               hist[hi]["seconds"] / hist[lo]["seconds"]))
    out.append("")
    out.append("Listing, pages of 20 (`relm-bench list`): first page and the page after it, "
               "median of %d (one run when over 0.5 s); the plan is SQLite's for the first page "
               "at the largest size." % a.rounds)
    out.append("")
    head = "| case |"
    rule = "|---|"
    for m in sizes:
        head += " first, %d | next, %d |" % (m, m)
        rule += "---|---|"
    if len(sizes) > 1:
        head += " growth per 10× |"
        rule += "---:|"
    out.append(head + " plan |")
    out.append(rule + "---|")
    big = sizes[-1]
    for name, c in lists[big].items():
        if name.startswith("_"):
            continue
        row = "| %s |" % name
        for m in sizes:
            cm = lists[m].get(name)
            row += " %s (%d) | %s |" % (secs(cm["first_seconds"]), cm["first_rows"],
                                        secs(cm["next_seconds"]) if cm["next_rows"] else "—")
        if len(sizes) > 1:
            lo = lists[sizes[0]].get(name)
            if c["first_seconds"] > 0 and lo["first_seconds"] > 0:
                g = (c["first_seconds"] / lo["first_seconds"]) ** (1.0 / math.log10(big / sizes[0]))
                row += " %.1f× |" % g
            else:
                row += " — |"
        row += " %s |" % c["plan"].replace("|", "/")
        out.append(row)
    out.append("")
    out.append("Load average during the listing: " + ", ".join(
        "%d entries %s" % (m, lists[m]["_load"]) for m in sizes) + ".")
    print("\n".join(out))


if __name__ == "__main__":
    main()
