#!/usr/bin/env python3
"""relm benchmark on PostgreSQL: relm against a libpq floor on the same server.

Usage: bench/pg_run.py [--sizes 10000,100000] [--rounds 3] [--history 1000000]
                       [--queries 2000] [--server postgresql://USER@HOST:PORT]
                       [--build build] [--out bench/RESULTS.md]

Without --server (or RELM_TEST_PG) a throw-away server is started with scripts/pg.sh
(fsync off: the figures measure relm and the server, not the disk). For every size N a
deterministic SQLite database (relm-bench-gen, relm-bench prep) is moved to PostgreSQL
with `relm db copy` (timed: the copy is a figure too) and analysed; each measured run
gets a fresh copy of it (CREATE DATABASE ... TEMPLATE), after a CHECKPOINT, interleaved
round by round, alternating which of relm and its floor runs first:
  log        relm_segment_log() of the N-line segment with follow-up (relm-bench log)
  floor      the same writes by hand-written SQL through libpq in one transaction
             (relm-bench-pgfloor log)
  criteria   add all N contacts by criteria, reduce, refine, undo (relm-bench criteria)
  add floor  the add's lines by one hand-written INSERT ... SELECT (relm-bench-pgfloor add)
and once, on a database of the largest N contacts with --history entries, the newest-20
history query of --queries random persons (median and p99).
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from run import fmt_s, mib, secs  # noqa: E402  (the SQLite runner's number formats)


def run_json(cmd, env=None):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise SystemExit("%s failed: %s" % (" ".join(cmd), p.stderr))
    return json.loads(p.stdout.strip().splitlines()[-1])


def psql(url, sql):
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c",
                        sql], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("psql %s: %s" % (sql, p.stderr))
    return p.stdout.strip()


class Pg:
    def __init__(self, server):
        self.server = server.rstrip("/")
        self.admin = self.server + "/postgres"

    def url(self, name):
        return self.server + "/" + name

    def fresh(self, name, template=None):
        psql(self.admin, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
        psql(self.admin, "CREATE DATABASE %s%s" % (name, " TEMPLATE " + template if template else ""))
        return self.url(name)

    def drop(self, name):
        psql(self.admin, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--history", type=int, default=1000000)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--server", default=os.environ.get("RELM_TEST_PG", ""))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--workdir", default="/tmp/relm-pgbench")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    gen = os.path.join(a.build, "relm-bench-gen")
    bench = os.path.join(a.build, "relm-bench")
    floor = os.path.join(a.build, "relm-bench-pgfloor")
    relm = os.path.join(a.build, "relm")
    os.makedirs(a.workdir, exist_ok=True)
    w = lambda name: os.path.join(a.workdir, name)
    cluster = None
    if not a.server:
        cluster = tempfile.mkdtemp(prefix="relm-pgbench-")
        p = subprocess.run(["bash", os.path.join(ROOT, "scripts", "pg.sh"), "start", cluster],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit("no PostgreSQL server: %s" % p.stderr)
        a.server = p.stdout.strip()
    pg = Pg(a.server)
    version = psql(pg.admin, "SHOW server_version")
    settings = psql(pg.admin, "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) "
                              "FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', "
                              "'shared_buffers', 'full_page_writes')")
    try:
        results = {}
        for n in sizes:
            results[n] = measure(a, n, pg, gen, bench, floor, relm, w)
        hist_n = max(sizes)
        print("history: generating %d contacts, %d entries" % (hist_n, a.history), file=sys.stderr)
        hist = w("history.db")
        if os.path.exists(hist):
            os.remove(hist)
        subprocess.run([gen, hist, str(hist_n), str(a.history)], check=True, capture_output=True)
        url = pg.fresh("relm_bench_history")
        t0 = time.monotonic()
        subprocess.run([relm, "db", "copy", hist, url], check=True, capture_output=True)
        copy_seconds = time.monotonic() - t0
        psql(url, "VACUUM ANALYZE")
        h = run_json([bench, "history", url, str(a.queries)])
        pg.drop("relm_bench_history")
        os.remove(hist)
    finally:
        if cluster:
            subprocess.run(["bash", os.path.join(ROOT, "scripts", "pg.sh"), "stop", cluster],
                           capture_output=True)
    write_report(a, sizes, results, h, hist_n, copy_seconds, version, settings)


def measure(a, n, pg, gen, bench, floor, relm, w):
    print("N = %d: generating" % n, file=sys.stderr)
    base, seg = w("base-%d.db" % n), w("seg-%d.db" % n)
    for f in (base, seg):
        if os.path.exists(f):
            os.remove(f)
    subprocess.run([gen, base, str(n), "0"], check=True, capture_output=True)
    subprocess.run(["cp", base, seg], check=True)
    run_json([bench, "prep", seg])
    r = {"copy": [], "log": [], "floor": [], "log_rss": [], "floor_rss": [], "criteria": [],
         "reduce": [], "refine": [], "undo": [], "criteria_rss": [], "addfloor": [],
         "addfloor_rss": []}
    templates = {}
    for name, src in (("seg", seg), ("base", base)):
        tname = "relm_bench_%s_%d" % (name, n)
        url = pg.fresh(tname)
        t0 = time.monotonic()
        subprocess.run([relm, "db", "copy", src, url], check=True, capture_output=True)
        r["copy"].append(time.monotonic() - t0)
        psql(url, "VACUUM ANALYZE")
        templates[name] = tname
    ops = {"log": [bench, "log"], "floor": [floor, "log"], "criteria": [bench, "criteria"],
           "addfloor": [floor, "add"]}
    for i in range(a.rounds):
        print("N = %d: round %d" % (n, i + 1), file=sys.stderr)
        first = 0 if i % 2 == 0 else 1
        for tmpl, count, pair in (("seg", "entries", ("log", "floor")),
                                  ("base", "added", ("criteria", "addfloor"))):
            for op in (pair[first], pair[1 - first]):
                url = pg.fresh("relm_bench_work", templates[tmpl])
                psql(pg.admin, "CHECKPOINT")
                j = run_json(ops[op] + [url])
                if j[count] != n:
                    raise SystemExit("%s: %s %d, expected %d" % (op, count, j[count], n))
                r[op].append(j["seconds"])
                r[op + "_rss"].append(j["rss_kib"])
                for k in ("reduce", "refine", "undo"):
                    if k + "_seconds" in j:
                        r[k].append(j[k + "_seconds"])
    pg.drop("relm_bench_work")
    for t in templates.values():
        pg.drop(t)
    for f in (base, seg):
        os.remove(f)
    return r


def write_report(a, sizes, results, h, hist_n, copy_seconds, version, settings):
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True).stdout.strip() or "unknown"
    try:
        load = "%.1f" % os.getloadavg()[0]
    except OSError:
        load = "unknown"
    L = []
    L.append("## %s — relm %s — PostgreSQL" % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
                                              rev))
    L.append("")
    L.append("Machine: %s, %d cores, %s %s, load average %s when the report was written. "
             "PostgreSQL %s on the same machine (%s), reached over TCP on 127.0.0.1. %d rounds, "
             "interleaved relm/floor (alternating which runs first, each on a fresh copy of "
             "the database made from a template after a CHECKPOINT); each figure is the median "
             "with min–max; the floor is hand-written SQL through libpq in one transaction "
             "(bench/pg_floor.c). The databases were moved from SQLite with `relm db copy` "
             "and analysed (VACUUM ANALYZE) first." % (
                 cpu, os.cpu_count(), platform.system(), platform.release(), load, version,
                 settings, a.rounds))
    L.append("")
    L.append("| N | log + follow-up (relm) | floor | relm / floor | add by criteria | add floor "
             "| add / floor | reduce | refine | undo | db copy (2 databases) |")
    L.append("|---:|---|---|---:|---|---|---:|---|---|---|---|")
    for n in sizes:
        r = results[n]
        ratio = statistics.median(r["log"]) / statistics.median(r["floor"])
        add_ratio = statistics.median(r["criteria"]) / statistics.median(r["addfloor"])
        L.append("| %d | %s | %s | %.2f× | %s | %s | %.2f× | %s | %s | %s | %s |" % (
            n, fmt_s(r["log"]), fmt_s(r["floor"]), ratio, fmt_s(r["criteria"]),
            fmt_s(r["addfloor"]), add_ratio, fmt_s(r["reduce"]), fmt_s(r["refine"]),
            fmt_s(r["undo"]), " + ".join(secs(c) for c in r["copy"])))
    L.append("")
    L.append("Peak RSS of the client process (the server's memory is not counted):")
    L.append("")
    L.append("| N | log (relm) | floor | criteria | add floor |")
    L.append("|---:|---|---|---|---|")
    for n in sizes:
        r = results[n]
        L.append("| %d | %s | %s | %s | %s |" % (n, mib(max(r["log_rss"])), mib(max(r["floor_rss"])),
                                                 mib(max(r["criteria_rss"])),
                                                 mib(max(r["addfloor_rss"]))))
    L.append("")
    L.append("History query (newest 20 entries of a random person, %d contacts, %d entries "
             "moved with `relm db copy` in %.0f s, %d queries): median %s, p99 %s, max %s, "
             "peak RSS %s. Targets: log ≤ 1.25× its floor; history p99 ≤ 2 ms." % (
                 hist_n, a.history, copy_seconds, h["queries"], secs(h["seconds"]),
                 secs(h["p99_seconds"]), secs(h["max_seconds"]), mib(h["rss_kib"])))
    L.append("")
    section = "\n".join(L) + "\n"
    title = ("# relm benchmark results\n\nNewest first. Produced by `bench/run.py`; see "
             "bench/README.md.\n\n")
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
