#!/usr/bin/env python3
"""relm benchmark on PostgreSQL: relm against a libpq floor on the same server.

Usage: bench/pg_run.py [--sizes 10000,100000] [--rounds 3] [--history-entries 1000000]
                       [--history-contacts N] [--history-build server|copy]
                       [--history-rounds 3] [--queries 2000] [--prewarm]
                       [--pg-setting NAME=VALUE ...] [--server postgresql://USER@HOST:PORT]
                       [--build build] [--out bench/RESULTS.md]

The history target (p99 <= 2 ms at 10,000,000 entries), on a server with the memory
settings docs/operations.md recommends (here: 25 % and 75 % of 24 GiB):
  bench/pg_run.py --sizes '' --history-entries 10000000 --history-contacts 100000 \
      --pg-setting shared_buffers=6GB --pg-setting effective_cache_size=18GB --prewarm

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
and once, on a database of --history-contacts contacts (default: the largest N) with
--history-entries entries, the newest-20 history query of --queries random persons,
--history-rounds rounds of relm and its floor (relm-bench-pgfloor history: the same
statement, prepared, through libpq), alternating which runs first, each run asking for
other persons; median, p99 and max of each run, and the load average beside them. The
entries are written by the server itself (--history-build server, INSERT ... SELECT with
the generator's distributions: minutes for 10,000,000 where `relm db copy` takes 20) and
analysed (VACUUM (ANALYZE)) before the runs.
"""
import argparse
import datetime
import json
import os
import platform
import shlex
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
    ap.add_argument("--history-entries", "--history", dest="history", type=int, default=1000000)
    ap.add_argument("--history-contacts", type=int, default=0,
                    help="contacts of the history database (default: the largest size)")
    ap.add_argument("--history-build", choices=("server", "copy"), default="server",
                    help="entries written by the server (INSERT ... SELECT, the generator's "
                         "distributions) or generated on SQLite and moved with relm db copy")
    ap.add_argument("--history-rounds", type=int, default=3)
    ap.add_argument("--keep-history", action="store_true",
                    help="leave the database relm_bench_history on the server")
    ap.add_argument("--pg-setting", action="append", default=[],
                    help="NAME=VALUE for the throw-away server (repeatable), e.g. "
                         "shared_buffers=6GB: docs/operations.md's recommended settings")
    ap.add_argument("--log-only", action="store_true",
                    help="measure the log and its floor only, not the add by criteria")
    ap.add_argument("--prewarm", action="store_true",
                    help="load the log table, its contact index and the contacts into the "
                         "server's buffers (pg_prewarm) before the history runs")
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--server", default=os.environ.get("RELM_TEST_PG", ""))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--workdir", default="/tmp/relm-pgbench")
    ap.add_argument("--out", default=os.path.join(HERE, "RESULTS.md"))
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",") if s]
    if not a.history_contacts:
        a.history_contacts = max(sizes) if sizes else 100000
    gen = os.path.join(a.build, "relm-bench-gen")
    bench = os.path.join(a.build, "relm-bench")
    floor = os.path.join(a.build, "relm-bench-pgfloor")
    relm = os.path.join(a.build, "relm")
    os.makedirs(a.workdir, exist_ok=True)
    w = lambda name: os.path.join(a.workdir, name)
    cluster = None
    if not a.server:
        cluster = tempfile.mkdtemp(prefix="relm-pgbench-")
        env = dict(os.environ)
        env["RELM_PG_OPTS"] = " ".join("-c " + o for o in a.pg_setting)
        p = subprocess.run(["bash", os.path.join(ROOT, "scripts", "pg.sh"), "start", cluster],
                           capture_output=True, text=True, env=env)
        if p.returncode != 0:
            raise SystemExit("no PostgreSQL server: %s" % p.stderr)
        a.server = p.stdout.strip()
    pg = Pg(a.server)
    version = psql(pg.admin, "SHOW server_version")
    settings = psql(pg.admin, "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) "
                              "FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', "
                              "'shared_buffers', 'full_page_writes', 'effective_cache_size')")
    try:
        results = {}
        for n in sizes:
            results[n] = measure(a, n, pg, gen, bench, floor, relm, w)
        hist = history(a, pg, gen, bench, floor, relm, w) if a.history > 0 else None
    finally:
        if cluster:
            subprocess.run(["bash", os.path.join(ROOT, "scripts", "pg.sh"), "stop", cluster],
                           capture_output=True)
    write_report(a, sizes, results, hist, version, settings)


# The entries of relm-bench-gen (bench/gen.c, history()) written by the server itself: the
# same columns, values and distributions (a random contact of the N, its company, one of the
# five templates with its group, cost and duration, a date in 2020-2026 and a time of day, the
# salesperson of the contact, 1 in 20 failed), drawn by PostgreSQL's random() from a fixed
# seed instead of the generator's xorshift. Numbers are taken from relm's counter as
# relm_counter_take() takes them. The log's secondary indexes are dropped for the load and
# built again afterwards (by sorting, as the generator does on SQLite).
HISTORY_SQL = """
SELECT setseed(0.42);
CREATE TEMP TABLE ile_indexes AS SELECT indexname, indexdef FROM pg_indexes
 WHERE tablename = 'interaction_log_entry' AND indexname NOT LIKE '%%pkey';
DO $$ DECLARE i record; BEGIN
 FOR i IN SELECT indexname FROM ile_indexes LOOP EXECUTE 'DROP INDEX ' || i.indexname; END LOOP;
END $$;
UPDATE relm_counter SET value = value + %(m)d WHERE name = 'interaction_log_entry';
INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, date, time,
 description, information_flow, initiated_by, interaction_group_code, interaction_template_code,
 cost, duration, salesperson_code, correspondence_type, language_code, attempt_failed, created_at)
SELECT f.first + g.k - 1, 'CT' || lpad(g.c::text, 7, '0'),
 'CT' || lpad(((g.c - 1) / 10 * 10 + 1)::text, 7, '0'),
 (2020 + g.y)::text || '-' || lpad((1 + g.mo)::text, 2, '0') || '-' || lpad((1 + g.d)::text, 2, '0'),
 lpad((8 + g.h)::text, 2, '0') || ':' || lpad(g.mi::text, 2, '0') || ':00',
 (ARRAY['ABSTRACT', 'OUTGOING', 'INCOMING', 'MEETINV', 'NEWS'])[g.t + 1], 'outbound', 'us',
 (ARRAY['LETTER', 'PHONE', 'PHONE', 'MEETING', 'EMAIL'])[g.t + 1],
 (ARRAY['ABSTRACT', 'OUTGOING', 'INCOMING', 'MEETINV', 'NEWS'])[g.t + 1],
 50 * g.t, 500 + 100 * g.t, (ARRAY['JO', 'AH', 'BD'])[g.c %% 3 + 1], '', 'ENU', g.failed,
 '2026-01-01T00:00:00'
FROM (SELECT value - %(m)d + 1 AS first FROM relm_counter WHERE name = 'interaction_log_entry') f,
 (SELECT k, 1 + floor(random() * %(n)d)::bigint AS c, floor(random() * 5)::int AS t,
   floor(random() * 7)::int AS y, floor(random() * 12)::int AS mo, floor(random() * 28)::int AS d,
   floor(random() * 9)::int AS h, floor(random() * 60)::int AS mi,
   (random() < 0.05)::int AS failed
  FROM generate_series(1, %(m)d) k) g;
SET maintenance_work_mem = '512MB';
DO $$ DECLARE i record; BEGIN
 FOR i IN SELECT indexdef FROM ile_indexes LOOP EXECUTE i.indexdef; END LOOP;
END $$;
"""


def fill_history(url, n, m):
    """M entries over the N contacts of relm_bench_history, written by the server."""
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", url],
                       input=HISTORY_SQL % {"n": n, "m": m}, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit("filling the history: %s" % p.stderr)


def history(a, pg, gen, bench, floor, relm, w):
    """The newest-20 history query over --history-entries entries, relm against its floor."""
    n = a.history_contacts
    print("history: %d contacts, %d entries (%s)" % (n, a.history, a.history_build),
          file=sys.stderr)
    db = w("history.db")
    if os.path.exists(db):
        os.remove(db)
    t0 = time.monotonic()
    subprocess.run([gen, db, str(n), str(a.history if a.history_build == "copy" else 0)],
                   check=True, capture_output=True)
    url = pg.fresh("relm_bench_history")
    subprocess.run([relm, "db", "copy", db, url], check=True, capture_output=True)
    os.remove(db)
    if a.history_build == "server":
        fill_history(url, n, a.history)
    build_seconds = time.monotonic() - t0
    # What docs/operations.md asks after a bulk load: statistics and the visibility map
    # (hint bits set once, here, rather than by the first queries).
    t0 = time.monotonic()
    psql(url, "VACUUM (ANALYZE)")
    vacuum_seconds = time.monotonic() - t0
    size = psql(url, "SELECT pg_size_pretty(pg_table_size('interaction_log_entry')) || ' + ' || "
                     "pg_size_pretty(pg_indexes_size('interaction_log_entry'))")
    plan = psql(url, "EXPLAIN SELECT * FROM interaction_log_entry WHERE postponed = 0 "
                     "AND contact_no = 'CT0000002' ORDER BY date DESC, time DESC, entry_no "
                     "DESC LIMIT 21")
    runs = []
    psql(pg.admin, "CHECKPOINT")
    if a.prewarm:
        # A server that has been answering for a while holds what the history reads in its
        # buffers; a restarted one starts empty. pg_prewarm (contrib) loads the log table,
        # its contact index and the contacts, for relm and the floor alike.
        psql(url, "CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        psql(url, "SELECT pg_prewarm('interaction_log_entry'), pg_prewarm('ile_contact'), "
                  "pg_prewarm('contact'), pg_prewarm('contact_pkey')")
    for i in range(a.history_rounds):
        first = 0 if i % 2 == 0 else 1
        for side in (("relm", "floor")[first], ("relm", "floor")[1 - first]):
            # Every run asks for other persons (its own seed): none finds the pages of the
            # run before it in the cache.
            seed = str(1000 + 2 * i + (side == "floor"))
            load = os.getloadavg()[0]
            cmd = ([bench, "history", url, str(a.queries), seed] if side == "relm" else
                   [floor, "history", url, str(a.queries), seed])
            j = run_json(cmd)
            j["side"], j["round"], j["load"] = side, i + 1, (load + os.getloadavg()[0]) / 2
            print("history round %d %s: median %s p99 %s (load %.1f)" % (
                i + 1, side, secs(j["seconds"]), secs(j["p99_seconds"]), j["load"]),
                file=sys.stderr)
            runs.append(j)
    if not a.keep_history:
        pg.drop("relm_bench_history")
    return {"contacts": n, "entries": a.history, "build": a.history_build,
            "build_seconds": build_seconds, "vacuum_seconds": vacuum_seconds, "size": size,
            "plan": plan, "runs": runs, "prewarm": a.prewarm}


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
    for name, src in (("seg", seg), ("base", base))[:1 if a.log_only else 2]:
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
                                  ("base", "added", ("criteria", "addfloor")))[
                                      :1 if a.log_only else 2]:
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


def write_report(a, sizes, results, h, version, settings):
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
             "PostgreSQL %s on the same machine (%s), reached over TCP on 127.0.0.1. " % (
                 cpu, os.cpu_count(), platform.system(), platform.release(), load, version,
                 settings) + ("" if not sizes else "%d rounds, "
             "interleaved relm/floor (alternating which runs first, each on a fresh copy of "
             "the database made from a template after a CHECKPOINT); each figure is the median "
             "with min–max; the floor is hand-written SQL through libpq in one transaction "
             "(bench/pg_floor.c). The databases were moved from SQLite with `relm db copy` "
             "and analysed (VACUUM ANALYZE) first." % a.rounds))
    L.append("")
    if sizes:
        L.append("| N | log + follow-up (relm) | floor | relm / floor | add by criteria | add floor "
                 "| add / floor | reduce | refine | undo | db copy (2 databases) |")
        L.append("|---:|---|---|---:|---|---|---:|---|---|---|---|")
        for n in sizes:
            r = results[n]
            ratio = statistics.median(r["log"]) / statistics.median(r["floor"])
            if a.log_only:
                # Figures not measured print as a dash.
                for k in ("criteria", "addfloor", "reduce", "refine", "undo", "criteria_rss",
                          "addfloor_rss"):
                    r[k] = r[k] or [float("nan")]
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
    if h:
        L.append("History query (newest 20 entries of a random person, limit 20 asked: 21 read) "
                 "over %d contacts and %d entries (%s in %.0f s, then VACUUM (ANALYZE) in "
                 "%.0f s; table + indexes %s), %d queries per run, every run other persons; "
                 "relm (relm_interaction_list: the contact's type, then the page) against the "
                 "floor (the page's prepared statement through libpq, bench/pg_floor.c); load "
                 "= the 1-minute load average over the run; %s. Target: p99 ≤ 2 ms." % (
                     h["contacts"], h["entries"],
                     "written by the server (INSERT ... SELECT)" if h["build"] == "server"
                     else "moved from SQLite with `relm db copy`",
                     h["build_seconds"], h["vacuum_seconds"], h["size"], a.queries,
                     "the log table, its contact index and the contacts loaded into the "
                     "server's buffers first (pg_prewarm)" if h["prewarm"] else
                     "the server's buffers as the build and VACUUM left them"))
        L.append("")
        L.append("| round | side | median | p99 | max | load | peak RSS |")
        L.append("|---:|---|---|---|---|---:|---|")
        for j in h["runs"]:
            L.append("| %d | %s | %s | %s | %s | %.1f | %s |" % (
                j["round"], j["side"], secs(j["seconds"]), secs(j["p99_seconds"]),
                secs(j["max_seconds"]), j["load"], mib(j["rss_kib"])))
        L.append("")
        L.append("Plan: `" + " / ".join(l.strip() for l in h["plan"].splitlines()) + "`")
        L.append("")
        args, skip = [], False
        for x in sys.argv[1:]:
            # Where this run wrote is no part of what it measured.
            if not skip and not x.startswith(("--out", "--workdir")):
                args.append(shlex.quote(x))
            skip = x in ("--out", "--workdir")
        L.append("Reproduce: `python3 bench/pg_run.py %s`" % " ".join(args))
    L.append("")
    section = "\n".join(L) + "\n"
    for nan in ("nan s (nan s–nan s)", "nan×", "nan MiB"):
        section = section.replace(nan, "—")
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
