#!/usr/bin/env python3
"""The log's write cost before and after a change: `relm-bench log` of two builds against
the lean floor, in the same run.

Usage: bench/ab_log.py --before OLD_BUILD [--after build] [--n 100000] [--rounds 3]
                       [--dir /tmp]

Each build generates its own database of N contacts (so that each has its own schema) and
builds segment BENCH of every contact (`relm-bench prep`); then, round by round, with the
order rotating, each build logs the segment with follow-up on a fresh copy flushed to disk
first, and the lean floor (`relm-bench leanfloor`, the after build) runs on a fresh copy of
the after database. Prints the medians (min-max), each build / lean floor and after /
before, with the load average before and after.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run import run_json, copy_db, fmt_s  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", default=os.path.join(os.path.dirname(HERE), "build"))
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--dir", default="/tmp")
    a = ap.parse_args()
    dbs = {}
    for side, build in (("before", a.before), ("after", a.after)):
        db = os.path.join(a.dir, "relm-ab-%s.db" % side)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        subprocess.run([os.path.join(build, "relm-bench-gen"), db, str(a.n)], check=True,
                       capture_output=True)
        subprocess.run([os.path.join(build, "relm-bench"), "prep", db], check=True,
                       capture_output=True)
        dbs[side] = db
    work = os.path.join(a.dir, "relm-ab-work.db")
    runs = [("before", a.before, "log", dbs["before"]), ("after", a.after, "log", dbs["after"]),
            ("lean floor", a.after, "leanfloor", dbs["after"])]
    t = {r[0]: [] for r in runs}
    load0 = open("/proc/loadavg").read().split()[0]
    for k in range(a.rounds):
        for name, build, op, db in runs[k % 3:] + runs[:k % 3]:
            copy_db(db, work)
            t[name].append(run_json([os.path.join(build, "relm-bench"), op, work])["seconds"])
    load1 = open("/proc/loadavg").read().split()[0]
    for f in list(dbs.values()) + [work]:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(f + suffix):
                os.remove(f + suffix)
    med = {k: statistics.median(v) for k, v in t.items()}
    print("| N | before | after | lean floor | before / lean floor | after / lean floor | "
          "after / before | load average |")
    print("|---:|---|---|---|---:|---:|---:|---|")
    print("| %d | %s | %s | %s | %.2f× | %.2f× | %.2f× | %s → %s |" % (
        a.n, fmt_s(t["before"]), fmt_s(t["after"]), fmt_s(t["lean floor"]),
        med["before"] / med["lean floor"], med["after"] / med["lean floor"],
        med["after"] / med["before"], load0, load1))


if __name__ == "__main__":
    main()
