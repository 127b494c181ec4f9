#!/usr/bin/env python3
"""Mail capture and vCard benchmarks: time, throughput and peak RSS of

1. `relm mail import MAILDIR` of --messages generated messages (default 100,000) from
   contacts to a salesperson, against the floor relm-bench-mail-floor: the same files read
   and parsed with GMime alone (no database, no matching);
2. `relm contact import --format vcard` of --contacts generated cards (default 1,000,000),
   against the floor: the same rows written by plain SQL (Python's sqlite3, one prepared
   INSERT in one transaction, on a database made by `relm init`, with the rows built before
   the clock starts);
3. `relm contact export --format vcard` of those contacts, against the floor: the same
   columns read by one SELECT and written as vCard lines (Python's sqlite3).

Rounds are interleaved, alternating which of the two runs first. Peak RSS is the maximum
resident size of the measured process (relm, or the floor's own process).

usage: bench/portability.py [--messages 100000] [--contacts 1000000] [--rounds 3]
                            [--build build] [--workdir DIR] [--skip-mail] [--skip-vcard]
"""
import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIRST = ["Kari", "Ola", "Åse", "Bjørn", "Mark", "Sarah", "Øyvind", "Robin", "Lee", "Ingrid"]
LAST = ["Nordmann", "Hansen", "Ødegård", "McArthur", "Lindgren", "Brown", "Chen", "Berg"]
CITIES = ["Oslo", "Bergen", "Tromsø", "London", "Cambridge", "Stockholm"]


def run_measured(argv, env=None, stdout=subprocess.DEVNULL):
    """Run argv: (wall seconds, peak RSS in MiB)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, env=env, stdout=stdout, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    t = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("%s failed: %s" % (" ".join(argv), err.decode(errors="replace")[-2000:]))
    return t, ru.ru_maxrss / 1024.0


def in_child(fn, *args):
    """Run fn(*args) in a child process (its own peak RSS): (wall seconds, RSS MiB, result)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            t, result = fn(*args)
            os.write(w, ("%r|%r" % (t, result)).encode())
            os._exit(0)
        except BaseException as e:  # noqa: BLE001 - reported by the parent
            os.write(w, ("error|%r" % e).encode())
            os._exit(1)
    os.close(w)
    data = b""
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    _, status, ru = os.wait4(pid, 0)
    head, tail = data.decode().split("|", 1)
    if head == "error" or os.waitstatus_to_exitcode(status) != 0:
        sys.exit("floor failed: %s" % tail)
    return float(head), ru.ru_maxrss / 1024.0, tail


def fresh_db(relm, path, *setup):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    env = dict(os.environ, RELM_DB=path, RELM_TODAY="2026-03-15")
    subprocess.run([relm, "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    for args in setup:
        subprocess.run([relm, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["sync"], check=True)
    return env


def report(title, n, unit, results):
    print()
    print("### %s (%d %s, %d rounds)" % (title, n, unit, len(results["relm"])))
    print()
    print("| run | time (median, min–max) | %s/s | peak RSS |" % unit)
    print("|---|---|---:|---:|")
    for kind in ("relm", "floor"):
        ts = [t for t, _ in results[kind]]
        print("| %s | %.2f s (%.2f–%.2f s) | %.0f | %.1f MiB |"
              % (kind, statistics.median(ts), min(ts), max(ts), n / statistics.median(ts),
                 max(m for _, m in results[kind])))
    rel = statistics.median(t for t, _ in results["relm"]) / \
        statistics.median(t for t, _ in results["floor"])
    print()
    print("relm / floor time: %.2f× (per round: %s)" % (
        rel, ", ".join("%.2f×" % (a[0] / b[0]) for a, b in zip(results["relm"], results["floor"]))))
    sys.stdout.flush()


# ---- Maildir ----

def make_maildir(d, n, contacts):
    os.makedirs(os.path.join(d, "cur"), exist_ok=True)
    os.makedirs(os.path.join(d, "new"), exist_ok=True)
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    body = ("Hei,\n\nTakk for sist. Her er tilbudet vi snakket om, med priser for "
            "kontormøbler levert i mars.\n\nVennlig hilsen\n") * 8
    for i in range(n):
        c = i % contacts
        with open(os.path.join(d, "cur", "%09d.bench:2,S" % i), "w") as f:
            f.write("From: Kontakt %d <k%d@kunde.example>\nTo: Kari Selger <kari@firma.example>\n"
                    "Subject: Tilbud nr. %d på kontormøbler\nMessage-ID: <bench-%d@kunde.example>\n"
                    "Date: Fri, 13 Mar 2026 09:%02d:%02d +0100\nMIME-Version: 1.0\n"
                    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s"
                    % (c, c, i, i, (i // 60) % 60, i % 60, body))


def bench_mail(a, relm, work):
    n, contacts = a.messages, min(a.messages, 1000)
    d = os.path.join(work, "Maildir")
    shutil.rmtree(d, ignore_errors=True)
    make_maildir(d, n, contacts)
    csv = os.path.join(work, "mail-contacts.csv")
    with open(csv, "w") as f:
        f.write("no,type,name,email,city\n")
        for c in range(contacts):
            f.write("K%05d,person,Kontakt %d,k%d@kunde.example,Oslo\n" % (c, c, c))
    base = os.path.join(work, "mail-base.db")
    fresh_db(relm, base,
             ["salesperson", "add", "--code", "KARI", "--name", "Kari Selger", "--email",
              "kari@firma.example"],
             ["group", "add", "--code", "MAIL", "--description", "E-mail"],
             ["template", "add", "--code", "EIN", "--interaction-group-code", "MAIL",
              "--description", "E-mail received"],
             ["template", "add", "--code", "EOUT", "--interaction-group-code", "MAIL",
              "--description", "E-mail sent"],
             ["setup", "set", "--inbound-email-template-code", "EIN",
              "--outbound-email-template-code", "EOUT"],
             ["contact", "import", csv])
    floor = os.path.join(a.build, "relm-bench-mail-floor")
    results = {"relm": [], "floor": []}
    for rnd in range(a.rounds):
        for kind in (("relm", "floor") if rnd % 2 == 0 else ("floor", "relm")):
            if kind == "relm":
                db = os.path.join(work, "mail-round.db")
                for suffix in ("-wal", "-shm"):
                    if os.path.exists(db + suffix):
                        os.remove(db + suffix)
                shutil.copyfile(base, db)
                subprocess.run(["sync"], check=True)
                env = dict(os.environ, RELM_DB=db, RELM_TODAY="2026-03-15", TZ="Europe/Oslo")
                t, rss = run_measured([relm, "mail", "import", d], env=env)
                got = sqlite3.connect(db).execute(
                    "SELECT count(*) FROM interaction_log_entry").fetchone()[0]
                if got != n:
                    sys.exit("relm mail import logged %d entries of %d" % (got, n))
            else:
                subprocess.run(["sync"], check=True)
                t, rss = run_measured([floor, d])
            results[kind].append((t, rss))
            print("round %d %-5s %.2f s  %.0f messages/s  peak RSS %.1f MiB"
                  % (rnd + 1, kind, t, n / t, rss), flush=True)
    report("Maildir import", n, "messages", results)
    shutil.rmtree(d, ignore_errors=True)


# ---- vCard ----

def person(i):
    fn, sn = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
    return ("V%07d" % (i + 1), fn, sn, "%s %s" % (fn, sn),
            "p%d@eksempel.example" % i, CITIES[i % len(CITIES)], "+47 %08d" % (20000000 + i))


def make_vcards(path, n):
    with open(path, "w", newline="") as f:
        for i in range(n):
            no, fn, sn, name, email, city, tel = person(i)
            f.write("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:%s\r\nN:%s;%s;;;\r\nEMAIL:%s\r\n"
                    "TEL;TYPE=work:%s\r\nADR;TYPE=work:;;Storgata %d;%s;;0150;Norway\r\n"
                    "X-RELM-NO:%s\r\nX-RELM-TYPE:person\r\nEND:VCARD\r\n"
                    % (name, sn, fn, email, tel, i % 200 + 1, city, no))


def import_floor(db, n):
    rows = [(no, "person", name, fn, sn, email, city, tel, "NO", "email",
             "2026-03-15T00:00:00", "2026-03-15T00:00:00")
            for no, fn, sn, name, email, city, tel in (person(i) for i in range(n))]
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    t0 = time.monotonic()
    con.execute("BEGIN")
    con.executemany("INSERT INTO contact (no, type, name, first_name, surname, email, city, "
                    "phone_no, country_code, correspondence_type, created_at, modified_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute("COMMIT")
    t = time.monotonic() - t0
    con.close()
    return t, n


def export_floor(db, out):
    con = sqlite3.connect(db)
    t0 = time.monotonic()
    k = 0
    with open(out, "w", newline="") as f:
        for no, name, fn, sn, email, tel, addr, city, pc, cc in con.execute(
                "SELECT no, name, first_name, surname, email, phone_no, address, city, "
                "post_code, country_code FROM contact ORDER BY no"):
            f.write("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:%s\r\nFN:%s\r\nN:%s;%s;;;\r\nEMAIL:%s\r\n"
                    "TEL:%s\r\nADR:;;%s;%s;;%s;%s\r\nEND:VCARD\r\n"
                    % (no, name, sn, fn, email, tel, addr, city, pc, cc))
            k += 1
    t = time.monotonic() - t0
    con.close()
    return t, k


def bench_vcard(a, relm, work):
    n = a.contacts
    vcf = os.path.join(work, "contacts.vcf")
    make_vcards(vcf, n)
    imp = {"relm": [], "floor": []}
    exp = {"relm": [], "floor": []}
    db = os.path.join(work, "vcard-round.db")
    out = os.path.join(work, "export.vcf")
    for rnd in range(a.rounds):
        for kind in (("relm", "floor") if rnd % 2 == 0 else ("floor", "relm")):
            env = fresh_db(relm, db)
            if kind == "relm":
                t, rss = run_measured([relm, "contact", "import", "--format", "vcard", vcf],
                                      env=env)
            else:
                t, rss, _ = in_child(import_floor, db, n)
            got = sqlite3.connect(db).execute("SELECT count(*) FROM contact").fetchone()[0]
            if got != n:
                sys.exit("%s import wrote %d contacts of %d" % (kind, got, n))
            imp[kind].append((t, rss))
            print("round %d import %-5s %.2f s  %.0f contacts/s  peak RSS %.1f MiB"
                  % (rnd + 1, kind, t, n / t, rss), flush=True)
            if kind != "relm":
                continue
            # The export of what relm imported: relm's and the floor's from the same rows.
            subprocess.run(["sync"], check=True)
            for ek in (("relm", "floor") if rnd % 2 == 0 else ("floor", "relm")):
                if ek == "relm":
                    t, rss = run_measured([relm, "contact", "export", "--format", "vcard",
                                           "--output", out], env=env)
                else:
                    t, rss, _ = in_child(export_floor, db, out)
                exp[ek].append((t, rss))
                print("round %d export %-5s %.2f s  %.0f contacts/s  peak RSS %.1f MiB"
                      % (rnd + 1, ek, t, n / t, rss), flush=True)
    report("vCard import", n, "contacts", imp)
    report("vCard export", n, "contacts", exp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100000)
    ap.add_argument("--contacts", type=int, default=1000000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--workdir")
    ap.add_argument("--skip-mail", action="store_true")
    ap.add_argument("--skip-vcard", action="store_true")
    a = ap.parse_args()
    relm = os.path.join(a.build, "relm")
    work = a.workdir or tempfile.mkdtemp(prefix="relm-bench-portability-")
    os.makedirs(work, exist_ok=True)
    try:
        if not a.skip_mail:
            bench_mail(a, relm, work)
        if not a.skip_vcard:
            bench_vcard(a, relm, work)
    finally:
        if not a.workdir:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
