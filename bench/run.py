#!/usr/bin/env python3
"""relm benchmark runner: relm against the storage floor at several sizes.

Usage: bench/run.py [--sizes 10000,100000,1000000] [--rounds 3] [--history 10000000]
                    [--queries 10000] [--cli-runs 30] [--page-rounds 201] [--build build]
                    [--out bench/RESULTS.md]

For every size N it generates a deterministic database (relm-bench-gen), then measures,
interleaved round by round (relm, floor, floor, relm, relm, floor, ...), each run in its
own process, on a fresh copy flushed to disk first:
  log       log a segment of N lines with follow-up through librelm
  floor     the same writes with hand-written SQL in one transaction
  leanfloor the same logical work on the least schema: every column of the entries, but
            only the two indexes any history needs, and the follow-up copied into a table
            of its own with no secondary index
  criteria  add N contacts by criteria, then reduce, refine, undo
  addfloor  the lines of that add with hand-written SQL (ROW_NUMBER(), one transaction)
  cli       create one interaction through the relm command (whole process)
  pages     the first and the last page of 50 lines of the N-line segment (keyset paging:
            the last must cost what the first does), alternated in one process
and once, on a database of the largest N with --history entries, the newest-20 history
query of --queries random contacts (median and p99). Figures are medians with min-max;
the log is also reported as a ratio to the floor measured in the same run.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def copy_db(src, dst):
    """Copy a database, then flush: the kernel's writeback of the copy (and of the run
    before) would otherwise land in the next measured run."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(dst + suffix):
            os.remove(dst + suffix)
    shutil.copyfile(src, dst)
    os.sync()


def fmt_s(values):
    med = statistics.median(values)
    return "%s (%s–%s)" % (secs(med), secs(min(values)), secs(max(values)))


def secs(v):
    if v < 0.001:
        return "%.1f µs" % (v * 1e6)
    if v < 1:
        return "%.1f ms" % (v * 1e3)
    return "%.2f s" % v


def mib(kib):
    return "%.1f MiB" % (kib / 1024.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--history", type=int, default=10000000, help="entries for the history query")
    ap.add_argument("--queries", type=int, default=10000)
    ap.add_argument("--cli-runs", type=int, default=30)
    ap.add_argument("--page-rounds", type=int, default=201, help="first/last page pairs timed")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--workdir", default="/tmp/relm-bench")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    gen = os.path.join(a.build, "relm-bench-gen")
    bench = os.path.join(a.build, "relm-bench")
    relm = os.path.join(a.build, "relm")
    os.makedirs(a.workdir, exist_ok=True)
    w = lambda name: os.path.join(a.workdir, name)

    results = {}
    for n in sizes:
        print("N = %d: generating" % n, file=sys.stderr)
        base, seg, work = w("base-%d.db" % n), w("seg-%d.db" % n), w("work.db")
        if os.path.exists(base):
            os.remove(base)
        subprocess.run([gen, base, str(n), "0"], check=True, capture_output=True)
        copy_db(base, seg)
        run_json([bench, "prep", seg])
        pages = run_json([bench, "pages", seg, str(a.page_rounds)])
        r = {"pages": pages, "log": [], "floor": [], "log_rss": [], "floor_rss": [],
             "leanfloor": [], "leanfloor_rss": [], "criteria": [],
             "reduce": [], "refine": [], "undo": [], "criteria_rss": [], "addfloor": [],
             "addfloor_rss": [], "cli": [], "cli_rss": []}
        for i in range(a.rounds):
            print("N = %d: round %d" % (n, i + 1), file=sys.stderr)
            # relm first in one round, its floor first in the next: neither always runs
            # on the heels of the other's writes.
            for src, count, ops in ((seg, "entries", ("log", "leanfloor", "floor")),
                                    (base, "added", ("criteria", "addfloor"))):
                for op in (ops if i % 2 == 0 else tuple(reversed(ops))):
                    copy_db(src, work)
                    j = run_json([bench, op, work])
                    if j[count] != n:
                        raise SystemExit("%s: %s %d, expected %d" % (op, count, j[count], n))
                    r[op].append(j["seconds"])
                    r[op + "_rss"].append(j["rss_kib"])
                    for k in ("reduce", "refine", "undo"):
                        if k + "_seconds" in j:
                            r[k].append(j[k + "_seconds"])
        copy_db(base, work)
        os.environ["RELM_DB"] = work
        os.environ["RELM_TODAY"] = "2026-03-15"
        j = run_json([bench, "cli", str(a.cli_runs), relm, "interaction", "create", "--contact",
                      "CT0000002", "--template", "OUTGOING", "--description", "Benchmark call"])
        r["cli"] = [j["seconds"], j["min_seconds"], j["max_seconds"]]
        r["cli_rss"] = [j["rss_kib"]]
        results[n] = r
        for f in (base, seg, work):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(f + suffix):
                    os.remove(f + suffix)

    hist_n = max(sizes)
    print("history: generating %d contacts, %d entries" % (hist_n, a.history), file=sys.stderr)
    hist = w("history.db")
    if os.path.exists(hist):
        os.remove(hist)
    t0 = time.monotonic()
    subprocess.run([gen, hist, str(hist_n), str(a.history)], check=True, capture_output=True)
    gen_seconds = time.monotonic() - t0
    h = run_json([bench, "history", hist, str(a.queries)])
    os.remove(hist)

    write_report(a, sizes, results, h, hist_n, gen_seconds)


def write_report(a, sizes, results, h, hist_n, gen_seconds):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip() or "unknown"
    lines = []
    lines.append("## %s — relm %s" % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), rev))
    lines.append("")
    lines.append("Machine: %s, %d cores, %.0f GiB, %s %s. %d rounds, interleaved relm/floor "
                 "(alternating which runs first, each on a copy flushed to disk); "
                 "each figure is the median with min–max; RSS is the peak of the process "
                 "that ran the operation." % (cpu, os.cpu_count(), mem, platform.system(),
                                              platform.release(), a.rounds))
    lines.append("")
    lines.append("| N | log + follow-up (relm) | lean floor | relm / lean | floor | relm / floor | add by criteria | add floor | add / floor | reduce | refine | undo | CLI create |")
    lines.append("|---:|---|---|---:|---|---:|---|---|---:|---|---|---|---|")
    for n in sizes:
        r = results[n]
        ratio = statistics.median(r["log"]) / statistics.median(r["floor"])
        lean = statistics.median(r["log"]) / statistics.median(r["leanfloor"])
        add_ratio = statistics.median(r["criteria"]) / statistics.median(r["addfloor"])
        lines.append("| %d | %s | %s | %.2f× | %s | %.2f× | %s | %s | %.2f× | %s | %s | %s | %s |" % (
            n, fmt_s(r["log"]), fmt_s(r["leanfloor"]), lean, fmt_s(r["floor"]), ratio,
            fmt_s(r["criteria"]),
            fmt_s(r["addfloor"]), add_ratio, fmt_s(r["reduce"]), fmt_s(r["refine"]),
            fmt_s(r["undo"]), fmt_s(r["cli"])))
    lines.append("")
    lines.append("Peak RSS:")
    lines.append("")
    lines.append("| N | log (relm) | lean floor | floor | criteria | CLI create |")
    lines.append("|---:|---|---|---|---|---|")
    for n in sizes:
        r = results[n]
        lines.append("| %d | %s | %s | %s | %s | %s |" % (
            n, mib(max(r["log_rss"])), mib(max(r["leanfloor_rss"])), mib(max(r["floor_rss"])),
            mib(max(r["criteria_rss"])),
            mib(max(r["cli_rss"]))))
    lines.append("")
    lines.append("Segment lines, one page of 50 as the API asks for it (limit + 1 after a "
                 "cursor), first and last page alternated in one process, %d pairs, median; "
                 "for scale, the last page found by streaming every line and skipping "
                 "(median of 3):" % a.page_rounds)
    lines.append("")
    lines.append("| N | first page | last page | last / first | stream and skip |")
    lines.append("|---:|---|---|---:|---|")
    for n in sizes:
        p = results[n]["pages"]
        lines.append("| %d | %s | %s | %.2f× | %s |" % (
            n, secs(p["first_seconds"]), secs(p["last_seconds"]), p["last_over_first"],
            secs(p["skip_seconds"])))
    if len(sizes) > 1:
        lines.append("")
        lines.append("Growth (median time at N divided by median time at the previous N, "
                     "against the growth of N):")
        lines.append("")
        lines.append("| from → to | N grows | log | lean floor | floor | add by criteria |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for lo, hi in zip(sizes, sizes[1:]):
            g = lambda k: statistics.median(results[hi][k]) / statistics.median(results[lo][k])
            lines.append("| %d → %d | %.0f× | %.1f× | %.1f× | %.1f× | %.1f× |" % (
                lo, hi, hi / lo, g("log"), g("leanfloor"), g("floor"), g("criteria")))
    lines.append("")
    lines.append("History query (newest 20 entries of a random person, %d contacts, %d entries, "
                 "%d queries): median %s, p99 %s, max %s, peak RSS %s (database generated in "
                 "%.0f s)." % (hist_n, a.history, h["queries"], secs(h["seconds"]),
                               secs(h["p99_seconds"]), secs(h["max_seconds"]), mib(h["rss_kib"]),
                               gen_seconds))
    if "floor_seconds" in h:
        lines.append("Its floor, the same SELECT written by hand and prepared once (bench/bench.c, "
                     "`relm-bench history`), alternating with relm query by query in the same "
                     "process: median %s, p99 %s, max %s; relm / floor: median %.2f×, p99 %.2f×." % (
                         secs(h["floor_seconds"]), secs(h["floor_p99_seconds"]),
                         secs(h["floor_max_seconds"]), h["seconds"] / h["floor_seconds"],
                         h["p99_seconds"] / h["floor_p99_seconds"]))
    lines.append("")
    section = "\n".join(lines) + "\n"

    title = "# relm benchmark results\n\nNewest first. Produced by `bench/run.py`; see bench/README.md.\n\n"
    previous = ""
    if os.path.exists(a.out):
        with open(a.out) as f:
            old = f.read()
        previous = old[len(title):] if old.startswith(title) else old
    with open(a.out, "w") as f:
        f.write(title + section + ("\n" + previous if previous.strip() else ""))
    print(section)


if __name__ == "__main__":
    main()
