#!/usr/bin/env python3
"""Import of N contacts numbered from a number series, against the same rows with typed numbers.

Usage: bench/import.py [--n 1000000] [--rounds 3] [--build build] [--workdir /tmp/relm-bench]

Both files hold the same N company rows (name, city, e-mail); the typed file has a `no`
column (CT0000001...), the other has none, so relm takes every number from the contact
series (marketing setup contact_nos, which allows typed numbers too). Each run is one
`relm contact import` process on a fresh copy of an empty database (relm-bench-gen, its contacts
deleted), flushed to disk first; the two kinds alternate which runs first, round by
round. Prints the medians, their ratio and the peak RSS of each.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CITIES = ["Oslo", "Bergen", "London", "Stockholm", "Berlin"]


def write_csv(path, n, typed):
    with open(path, "w") as f:
        f.write(("no," if typed else "") + "type,name,city,email\n")
        for i in range(1, n + 1):
            no = "CT%07d," % i if typed else ""
            f.write("%scompany,Company %d,%s,info%d@example.com\n" % (no, i, CITIES[i % 5], i))


def fresh(src, dst):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(dst + suffix):
            os.remove(dst + suffix)
    shutil.copyfile(src, dst)
    os.sync()


def run(relm, db, csv):
    t0 = time.monotonic()
    out = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", relm, "--db", db, "contact", "import",
                          csv], check=True, capture_output=True, text=True)
    seconds = time.monotonic() - t0
    kib, user, system = out.stderr.strip().splitlines()[-1].split()
    return seconds, int(kib), float(user) + float(system)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--workdir", default="/tmp/relm-bench")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    w = lambda name: os.path.join(a.workdir, name)
    relm = os.path.join(a.build, "relm")
    base = w("import-base.db")
    if os.path.exists(base):
        os.remove(base)
    subprocess.run([os.path.join(a.build, "relm-bench-gen"), base, "10", "0"], check=True,
                   capture_output=True)
    # No contact yet; the series hands out CT9000001 on, so typed CT0000001... do not clash.
    subprocess.run(["sqlite3", base, "DELETE FROM contact; "
                    "UPDATE no_series SET manual_nos = 1 WHERE code = 'CONT'"], check=True)
    typed, series = w("import-typed.csv"), w("import-series.csv")
    write_csv(typed, a.n, True)
    write_csv(series, a.n, False)
    times = {"typed": [], "series": []}
    rss = {"typed": [], "series": []}
    cpu = {"typed": [], "series": []}
    for i in range(a.rounds):
        order = ("typed", "series") if i % 2 == 0 else ("series", "typed")
        for kind in order:
            fresh(base, w("import.db"))
            s, k, c = run(relm, w("import.db"), typed if kind == "typed" else series)
            times[kind].append(s)
            rss[kind].append(k)
            cpu[kind].append(c)
    t, s = statistics.median(times["typed"]), statistics.median(times["series"])
    print("import of %d contacts, %d rounds (median, min-max):" % (a.n, a.rounds))
    print("  typed numbers : %.2f s (%.2f-%.2f), peak RSS %.1f MiB" % (
        t, min(times["typed"]), max(times["typed"]), max(rss["typed"]) / 1024))
    print("  from a series : %.2f s (%.2f-%.2f), peak RSS %.1f MiB" % (
        s, min(times["series"]), max(times["series"]), max(rss["series"]) / 1024))
    print("  series / typed: %.2f×" % (s / t))
    ct, cs = statistics.median(cpu["typed"]), statistics.median(cpu["series"])
    print("  CPU (user + system): typed %.2f s, series %.2f s, series / typed %.2f×" % (
        ct, cs, cs / ct))
    for f in (typed, series, base, w("import.db")):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(f + suffix):
                os.remove(f + suffix)


if __name__ == "__main__":
    main()
