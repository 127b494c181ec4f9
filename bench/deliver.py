#!/usr/bin/env python3
"""Delivery benchmark: messages per second of `relm deliver` for N e-mail entries (default
10,000) against a local SMTP server (tests/cli/smtpd.py, aiosmtpd, on 127.0.0.1), and the
floor: relm-bench-smtp-floor, a plain libcurl loop sending N prebuilt messages to the same
kind of server. Rounds are interleaved, alternating which of the two runs first, each
against a fresh server and relm on a fresh copy of the same database. Besides the time,
the CPU time of the sender (relm or the floor) and of the server process is reported: the
Python server bounds both, and its CPU time per message shows by how much.

usage: bench/deliver.py [--n 10000] [--rounds 3] [--build build] [--workdir DIR]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"  # Debian's python, which has python3-aiosmtpd
TICK = os.sysconf("SC_CLK_TCK")


def smtpd(directory):
    p = subprocess.Popen([PY, os.path.join(SRC, "tests/cli/smtpd.py"), directory,
                          "--lifetime", "3600"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline().strip()
    if not line.isdigit():
        p.kill()
        sys.exit("the SMTP server did not start: %s" % p.stderr.read())
    return p, int(line)


def cpu_of(pid):
    """User + system CPU seconds of a running process so far."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def timed(argv, env=None):
    """Run argv; (wall seconds, CPU seconds of the process, stdout)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    t = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit("%s failed (%d): %s%s" % (argv[0], p.returncode, out, err))
    return t, ru.ru_utime + ru.ru_stime, out.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--workdir")
    a = ap.parse_args()
    relm = os.path.join(a.build, "relm")
    floor = os.path.join(a.build, "relm-bench-smtp-floor")
    work = a.workdir or tempfile.mkdtemp(prefix="relm-bench-deliver-")
    os.makedirs(work, exist_ok=True)
    base = os.path.join(work, "base.db")
    env = dict(os.environ, RELM_DB=base, RELM_TODAY="2026-03-15")
    env.pop("RELM_SMTP_PASSWORD", None)

    def run(*args, db=base):
        subprocess.run([relm, *args], env=dict(env, RELM_DB=db), check=True,
                       stdout=subprocess.DEVNULL)

    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(base + suffix):
            os.remove(base + suffix)
    run("init", "--demo")
    csv = os.path.join(work, "contacts.csv")
    with open(csv, "w") as f:
        f.write("type,name,first_name,email,city,correspondence_type\n")
        for i in range(a.n):
            f.write("person,Bench Person %d,Bench,p%d@bench.example,Oslo,email\n" % (i, i))
    run("contact", "import", csv)
    run("segment", "create", "--description", "Bench", "--interaction-template-code", "news",
        "--subject", "Vårnytt æøå")
    run("segment", "add", "SEG00001", "--where", "email~@bench.example")
    run("segment", "log", "SEG00001", "--deliver")

    results = {"relm": [], "floor": []}
    procs = []

    def one(kind, rnd):
        d = os.path.join(work, "mail-%s-%d" % (kind, rnd))
        p, port = smtpd(d)
        procs.append(p)
        try:
            url = "smtp://127.0.0.1:%d" % port
            if kind == "relm":
                db = os.path.join(work, "round.db")
                for suffix in ("-wal", "-shm"):
                    if os.path.exists(db + suffix):
                        os.remove(db + suffix)
                shutil.copyfile(base, db)
                run("setup", "set", "--smtp-url", url, "--sender-email", "news@cronus.example",
                    db=db)
                subprocess.run(["sync"], check=True)
                s0 = cpu_of(p.pid)
                t, cpu, out = timed([relm, "deliver"], env=dict(env, RELM_DB=db))
            else:
                subprocess.run(["sync"], check=True)
                s0 = cpu_of(p.pid)
                t, cpu, out = timed([floor, url, str(a.n)])
            server_cpu = cpu_of(p.pid) - s0
            got = len([f for f in os.listdir(d) if f.endswith(".eml")])
        finally:
            p.terminate()
            p.wait()
            shutil.rmtree(d, ignore_errors=True)
        if got != a.n:
            sys.exit("%s: the server received %d messages of %d (%s)" % (kind, got, a.n, out))
        results[kind].append((t, cpu, server_cpu))
        print("round %d %-5s %.2f s  %.1f messages/s  sender CPU %.2f s  server CPU %.2f s  (%s)"
              % (rnd + 1, kind, t, a.n / t, cpu, server_cpu, out), flush=True)

    try:
        for rnd in range(a.rounds):
            order = ("relm", "floor") if rnd % 2 == 0 else ("floor", "relm")
            for kind in order:
                one(kind, rnd)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()

    def med(kind, i):
        return statistics.median(r[i] for r in results[kind])

    def rng(kind, i):
        v = [r[i] for r in results[kind]]
        return min(v), max(v)

    print()
    print("| run | time (median, min–max) | messages/s | sender CPU | server CPU |")
    print("|---|---|---:|---:|---:|")
    for kind, name in (("relm", "relm deliver"), ("floor", "floor (libcurl loop)")):
        lo, hi = rng(kind, 0)
        print("| %s | %.2f s (%.2f–%.2f s) | %.0f | %.2f s | %.2f s |"
              % (name, med(kind, 0), lo, hi, a.n / med(kind, 0), med(kind, 1), med(kind, 2)))
    print()
    print("relm / floor throughput: %.2f× (per round: %s)"
          % (med("floor", 0) / med("relm", 0),
             ", ".join("%.2f×" % (f[0] / r[0]) for r, f in zip(results["relm"],
                                                               results["floor"]))))
    if not a.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
