#!/usr/bin/env python3
"""Delivery benchmark: messages per second of `relm deliver` for N e-mail entries (default
10,000) against a local SMTP server (tests/cli/smtpd.py, aiosmtpd, on 127.0.0.1), and the
floor: relm-bench-smtp-floor, a plain libcurl loop sending N prebuilt messages to the same
kind of server. The server itself (Python) bounds both; the ratio shows what merging,
MIME building and the per-entry bookkeeping in the database add.

usage: bench/deliver.py [--n 10000] [--build build] [--workdir DIR]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3"  # Debian's python, which has python3-aiosmtpd


def smtpd(directory):
    p = subprocess.Popen([PY, os.path.join(SRC, "tests/cli/smtpd.py"), directory],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline().strip()
    if not line.isdigit():
        p.kill()
        sys.exit("the SMTP server did not start: %s" % p.stderr.read())
    return p, int(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--workdir")
    a = ap.parse_args()
    relm = os.path.join(a.build, "relm")
    floor = os.path.join(a.build, "relm-bench-smtp-floor")
    work = a.workdir or tempfile.mkdtemp(prefix="relm-bench-deliver-")
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, RELM_DB=os.path.join(work, "bench.db"), RELM_TODAY="2026-03-15")
    env.pop("RELM_SMTP_PASSWORD", None)

    def run(*args):
        subprocess.run([relm, *args], env=env, check=True, stdout=subprocess.DEVNULL)

    if os.path.exists(env["RELM_DB"]):
        os.remove(env["RELM_DB"])
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

    procs = []
    try:
        d1 = os.path.join(work, "mail-relm")
        p, port = smtpd(d1)
        procs.append(p)
        run("setup", "set", "--smtp-url", "smtp://127.0.0.1:%d" % port,
            "--sender-email", "news@cronus.example")
        t0 = time.monotonic()
        out = subprocess.run([relm, "deliver"], env=env, capture_output=True, text=True)
        t = time.monotonic() - t0
        print("relm deliver: %s (%.3f s, %.1f messages/s)" % (out.stdout.strip(), t, a.n / t))
        p.terminate()
        p.wait()
        shutil.rmtree(d1, ignore_errors=True)

        d2 = os.path.join(work, "mail-floor")
        p, port = smtpd(d2)
        procs.append(p)
        out = subprocess.run([floor, "smtp://127.0.0.1:%d" % port, str(a.n)], capture_output=True,
                             text=True)
        print("floor (libcurl loop): %s" % out.stdout.strip())
        p.terminate()
        p.wait()
        shutil.rmtree(d2, ignore_errors=True)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    if not a.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
