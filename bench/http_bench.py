#!/usr/bin/env python3
"""relm serve against a minimal libmicrohttpd + SQLite floor (relm-bench-http-floor).

Two routes, each signed in with a bearer token: the history of a person (GET
/api/interactions?contact_no=...&limit=20) and Create Interaction (POST /api/interactions).
For each route and round, relm serve and the floor run one after the other (the order
alternating from round to round) with the same number of pool threads on a copy of the same
database, loaded by wrk (bench/http.lua) with the same connections and wrk threads.
Reported: requests per second (median of the rounds), p99 latency, relm / floor, and the
peak RSS of each server.

    bench/http_bench.py                                  # 100,000 contacts, 1,000,000 entries
    bench/http_bench.py --contacts 10000 --entries 100000 --seconds 5
    bench/http_bench.py --callgrind 300                  # instructions per request instead

--callgrind N runs each server under callgrind and counts the instructions of N requests
sent one at a time on one connection (after 20 to warm up): a figure that does not depend
on what else the machine is doing, for before/after comparisons of one change.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import http.client

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def make_db(a):
    os.makedirs(a.workdir, exist_ok=True)
    base = os.path.join(a.workdir, "http-%d-%d.db" % (a.contacts, a.entries))
    tok_file = base + ".token"
    relm = os.path.join(a.build, "relm")
    # A database kept from an earlier run is used again only when this build opens it
    # (a build with a newer schema refuses it until upgraded: make a new one instead).
    fresh = os.path.exists(base) and os.path.exists(tok_file) and subprocess.run(
        [relm, "--db", base, "setup", "show"], capture_output=True).returncode == 0
    if not fresh:
        for suffix in ("", "-wal", "-shm", ".token"):
            if os.path.exists(base + suffix):
                os.remove(base + suffix)
        run([os.path.join(a.build, "relm-bench-gen"), base, str(a.contacts), str(a.entries)])
        run([relm, "--db", base, "user", "add", "bench", "--role", "admin", "--full-name",
             "Bench", "--salesperson-code", "JO", "--password-stdin"], input="bench-password-1\n")
        tok = run([relm, "--db", base, "token", "create", "--user", "bench", "--expires-in",
                   "0"]).stdout.split()[-1]
        run(["sqlite3", base, "PRAGMA wal_checkpoint(TRUNCATE)"])
        with open(tok_file, "w") as f:
            f.write(tok)
    with open(tok_file) as f:
        return base, f.read().strip()


def fresh_copy(base, path):
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    shutil.copyfile(base, path)
    os.sync()


def server_cmd(a, which, db, token, port):
    if which == "relm":
        return [os.path.join(a.build, "relm"), "--db", db, "serve", "--listen",
                "127.0.0.1:%d" % port, "--threads", str(a.threads), "--deliver-every", "0",
                "--max-per-address", "65536",
                "--log-file", a.log_file or os.path.join(a.workdir, "serve.log")]
    return [os.path.join(a.build, "relm-bench-http-floor"), db, str(port), str(a.threads), token]


def start(cmd, prefix=()):
    p = subprocess.Popen(list(prefix) + cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    line = p.stdout.readline()
    if "serving" not in line:
        p.kill()
        sys.exit("server did not start: %s: %r" % (" ".join(cmd), line))
    return p


def stop(p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def peak_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"VmHWM:\s+(\d+)", f.read())
    return int(m.group(1)) if m else 0


def cpu_seconds(pid):
    """User + system CPU time of a process so far: per request, a cost that the load of a
    shared machine changes far less than requests per second."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def load(a, which, route, base, token):
    db = os.path.join(a.workdir, "run.db")
    fresh_copy(base, db)
    port = free_port()
    p = start(server_cmd(a, which, db, token, port))
    try:
        cpu0 = cpu_seconds(p.pid)
        out = run(["wrk", "-t%d" % a.wrk_threads, "-c%d" % a.connections, "-d%ds" % a.seconds,
                   "--timeout", "30s", "-s", os.path.join(HERE, "http.lua"),
                   "http://127.0.0.1:%d" % port, "--", route, token, str(a.contacts)]).stdout
        cpu = cpu_seconds(p.pid) - cpu0
        rss = peak_rss_kib(p.pid)
    finally:
        stop(p)
    res = json.loads([l for l in out.splitlines() if l.startswith("{")][-1])
    res["rss_kib"] = rss
    res["cpu_us"] = cpu * 1e6 / max(res["requests"], 1)
    return res


def person(rnd, contacts):
    k = rnd.randint(1, contacts)
    if (k - 1) % 10 == 0:  # every 10th contact is a company
        k += 1
    return "CT%07d" % min(k, contacts)


def requests(port, token, contacts, n, route, seed):
    rnd = random.Random(seed)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    h = {"Authorization": "Bearer " + token}
    for _ in range(n):
        if route == "post":
            body = json.dumps({"contact_no": person(rnd, contacts),
                               "interaction_template_code": "OUTGOING",
                               "description": "Bench call"})
            c.request("POST", "/api/interactions", body,
                      dict(h, **{"Content-Type": "application/json"}))
        else:
            c.request("GET", "/api/interactions?contact_no=%s&limit=20" %
                      person(rnd, contacts), headers=h)
        r = c.getresponse()
        r.read()
        if r.status not in (200, 201):
            sys.exit("%s answered %d" % (route, r.status))
    c.close()


def callgrind(a, which, route, base, token):
    db = os.path.join(a.workdir, "run.db")
    fresh_copy(base, db)
    port = free_port()
    out = os.path.join(a.workdir, "%s-%s.cg" % (which, route))
    for f in os.listdir(a.workdir):
        if f.startswith(os.path.basename(out)):
            os.remove(os.path.join(a.workdir, f))
    p = start(server_cmd(a, which, db, token, port),
              ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out])
    try:
        requests(port, token, a.contacts, 20, route, 1)
        run(["callgrind_control", "-z", str(p.pid)])
        requests(port, token, a.contacts, a.callgrind, route, 2)
        run(["callgrind_control", "-d", str(p.pid)])
    finally:
        stop(p)
    dumps = sorted((f for f in os.listdir(a.workdir) if f.startswith(os.path.basename(out) + ".")),
                   key=lambda f: os.path.getsize(os.path.join(a.workdir, f)))
    text = run(["callgrind_annotate", os.path.join(a.workdir, dumps[-1])]).stdout
    total = int(re.search(r"([\d,]+) \(100.0%\)\s+PROGRAM TOTALS", text).group(1).replace(",", ""))
    return total // a.callgrind


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--contacts", type=int, default=100000)
    ap.add_argument("--entries", type=int, default=1000000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2, help="server pool threads (both sides)")
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--routes", default="get,post")
    ap.add_argument("--log-file", default=None, help="relm serve's request log (default: a file "
                    "in the work directory; off: none)")
    ap.add_argument("--callgrind", type=int, default=0, metavar="N")
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--workdir", default="/tmp/relm-bench-http")
    a = ap.parse_args()
    base, token = make_db(a)
    routes = a.routes.split(",")
    print("# %d contacts, %d entries; %d server threads, %d connections, %d wrk threads, "
          "%d s per run" % (a.contacts, a.entries, a.threads, a.connections, a.wrk_threads,
                           a.seconds))
    if a.callgrind:
        print("| route | relm instr/request | floor instr/request | relm / floor |")
        print("|---|---|---|---|")
        for route in routes:
            r = callgrind(a, "relm", route, base, token)
            f = callgrind(a, "floor", route, base, token)
            print("| %s | %d | %d | %.2f |" % (route, r, f, r / f), flush=True)
        return
    results = {(w, r): [] for w in ("relm", "floor") for r in routes}
    for i in range(a.rounds):
        order = ("relm", "floor") if i % 2 == 0 else ("floor", "relm")
        for route in routes:
            for which in order:
                res = load(a, which, route, base, token)
                results[(which, route)].append(res)
                print("round %d %s %s: %s" % (i + 1, route, which, json.dumps(res)),
                      file=sys.stderr, flush=True)
    print("| route | relm req/s | floor req/s | relm / floor | relm p99 ms | floor p99 ms | "
          "per-round ratios | relm CPU µs/request | floor CPU µs/request | relm peak RSS MiB | "
          "floor peak RSS MiB | errors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for route in routes:
        rl, fl = results[("relm", route)], results[("floor", route)]
        rr = statistics.median(x["rps"] for x in rl)
        fr = statistics.median(x["rps"] for x in fl)
        ratios = ", ".join("%.2f" % (x["rps"] / y["rps"]) for x, y in zip(rl, fl))
        print("| %s | %.0f (%.0f–%.0f) | %.0f (%.0f–%.0f) | **%.2f** | %.1f | %.1f | %s | %.0f | "
              "%.0f | %.1f | %.1f | %d / %d |" % (
                  route, rr, min(x["rps"] for x in rl), max(x["rps"] for x in rl), fr,
                  min(x["rps"] for x in fl), max(x["rps"] for x in fl), rr / fr,
                  statistics.median(x["p99_ms"] for x in rl),
                  statistics.median(x["p99_ms"] for x in fl), ratios,
                  statistics.median(x["cpu_us"] for x in rl),
                  statistics.median(x["cpu_us"] for x in fl),
                  max(x["rss_kib"] for x in rl) / 1024, max(x["rss_kib"] for x in fl) / 1024,
                  sum(x["errors"] for x in rl), sum(x["errors"] for x in fl)))


if __name__ == "__main__":
    main()
