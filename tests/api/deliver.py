#!/usr/bin/env python3
"""Delivery over HTTP against a real SMTP server (aiosmtpd, tests/cli/smtpd.py, started here
on 127.0.0.1 and stopped in finally): the worker of relm serve sends the outbox by itself,
POST /api/deliver (admins), delivery counts and failure reasons of a logged segment, retry
of errors, the body kept with an entry in GET /api/interactions/{n}, letters as PDF, and
several delivery runs at once sending every entry exactly once."""
import email
import email.policy
import glob
import os
import subprocess
import sys
import time
import urllib.request

from lib import RELM, SRCDIR, Server, check, eq, err_code, finish

PY = "/usr/bin/python3"  # Debian's python, which has python3-aiosmtpd


def start_smtpd(directory, *args):
    p = subprocess.Popen([PY, os.path.join(SRCDIR, "tests/cli/smtpd.py"), directory, *args],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline().strip()
    if not line.isdigit():
        p.kill()
        sys.exit("the test SMTP server did not start: %s" % p.stderr.read())
    return p, int(line)


def messages(directory):
    out = []
    for f in sorted(glob.glob(os.path.join(directory, "*.eml"))):
        with open(f, "rb") as fh:
            out.append(email.message_from_bytes(fh.read(), policy=email.policy.default))
    return out


def wait_for(pred, seconds=30):
    until = time.time() + seconds
    while time.time() < until:
        if pred():
            return True
        time.sleep(0.2)
    return pred()


smtpd = None
s = None
try:
    s = Server(serve_args=("--deliver-every", "1"))
    mail = os.path.join(s.dir, "mail")
    smtpd, port = start_smtpd(mail, "--reject", "ola@nordlys.example", "--state-db", s.db)
    admin, ann = s.client("admin"), s.client("ann")

    r = admin.post("/api/deliver", {})
    eq("POST /api/deliver without smtp_url is 422", 422, r.status)
    eq("setup_missing", "setup_missing", err_code(r))

    s.cli("setup", "update", "--sender-email", "news@cronus.example")
    s.cli("segment", "create", "--description", "Spring", "--interaction-template-code", "news",
          "--subject", "Vårnytt æøå")
    for ct in ("CT000005", "CT000007", "CT000008", "CT000009"):
        s.cli("segment", "add", "SEG00001", "--contact", ct)
    s.cli("segment", "log", "SEG00001", "--deliver")
    eq("four entries wait", 4, s.sql("SELECT count(*) FROM interaction_log_entry "
                                     "WHERE delivery_status = 'in_progress'")[0][0])
    r = ann.get("/api/logged-segments/1/delivery")
    eq("GET delivery: all waiting before the server is named", (0, 4, 0),
       (r.body.get("sent"), r.body.get("waiting"), r.body.get("failed")))

    # The worker of relm serve picks the outbox up once setup names a server.
    s.cli("setup", "update", "--smtp-url", "smtp://127.0.0.1:%d" % port)
    check("the worker sends without being asked",
          wait_for(lambda: s.sql("SELECT count(*) FROM interaction_log_entry "
                                 "WHERE delivery_status IN ('in_progress', 'sending')")[0][0] == 0),
          s.sql("SELECT entry_no, delivery_status FROM interaction_log_entry"))
    msgs = messages(mail)
    eq("three messages: one per entry but the refused one", 3, len(msgs))
    eq("subjects decode to the entry's subject", {"Vårnytt æøå"}, {str(m["Subject"]) for m in msgs})
    r = ann.get("/api/logged-segments/1/delivery")
    eq("GET delivery: 3 sent, 0 waiting, 1 failed", (3, 0, 1),
       (r.body.get("sent"), r.body.get("waiting"), r.body.get("failed")))
    f = (r.body.get("failures") or [{}])[0]
    eq("the failure names the entry's address", "ola@nordlys.example", f.get("contact_via"))
    check("and the server's answer", f.get("delivery_error", "").startswith("550 "), f)

    kari = s.sql("SELECT entry_no, message_id FROM interaction_log_entry WHERE contact_no = 'CT000007'")[0]
    r = ann.get("/api/interactions/%d" % kari[0])
    eq("GET an entry returns the body that went out", "Hei Kari, her er vårens nyheter.",
       r.body.get("attachment"))
    sent = [m for m in msgs if m["To"].addresses[0].addr_spec == "kari@nordlys.example"]
    eq("Kari's message carries the Message-ID stored on her entry", kari[1],
       sent[0]["Message-ID"].strip("<>") if sent else None)
    eq("and the body kept", "Hei Kari, her er vårens nyheter.",
       sent[0].get_body(("plain",)).get_content().strip() if sent else None)

    # Run now, as an admin only; retry the failure.
    r = ann.post("/api/deliver", {})
    eq("POST /api/deliver is for admins", 403, r.status)
    r = ann.post("/api/logged-segments/1/retry-errors", {})
    eq("POST retry-errors", (200, 1), (r.status, r.body.get("requeued")))
    r = admin.post("/api/deliver", {"logged_segment_entry_no": 1, "backoff_ms": 10})
    eq("POST /api/deliver runs the outbox", 200, r.status)
    eq("the entry failed again", "error", s.sql(
        "SELECT delivery_status FROM interaction_log_entry WHERE contact_no = 'CT000008'")[0][0])
    eq("no message was sent twice", 3, len(messages(mail)))
    eq("a bad limit is refused", 400, admin.post("/api/deliver", {"limit": "lots"}).status)
    eq("delivery of a missing logged segment is 404", 404,
       ann.get("/api/logged-segments/99/delivery").status)

    # Many entries, several runs at once (the worker, two CLI runs and a request): each
    # entry goes out exactly once.
    csv = os.path.join(s.dir, "many.csv")
    with open(csv, "w") as fh:
        fh.write("type,name,email,correspondence_type\n")
        for i in range(40):
            fh.write("person,Person %d,p%d@example.org,email\n" % (i, i))
    s.cli("contact", "import", csv)
    s.cli("segment", "create", "--description", "Many", "--interaction-template-code", "news",
          "--subject", "Many")
    s.cli("segment", "add", "SEG00002", "--where", "email~@example.org")
    s.cli("segment", "log", "SEG00002", "--deliver")
    n = s.sql("SELECT count(*) FROM interaction_log_entry WHERE logged_segment_entry_no = 2")[0][0]
    eq("forty entries in the outbox", 40, n)
    env = dict(os.environ, RELM_DB=s.db, RELM_TODAY="2026-03-15")
    runs = [subprocess.Popen([RELM, "deliver", "--logged-segment", "2"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    r = admin.post("/api/deliver", {"logged_segment_entry_no": 2})
    for p in runs:
        p.wait(timeout=120)
    check("all forty delivered",
          wait_for(lambda: s.sql("SELECT count(*) FROM interaction_log_entry WHERE "
                                 "logged_segment_entry_no = 2 AND delivered_at <> ''")[0][0] == 40))
    got = [m for m in messages(mail) if str(m["Subject"]) == "Many"]
    ids = [m["Message-ID"].strip("<>") for m in got]
    eq("exactly forty messages: none sent twice", 40, len(got))
    eq("each with the Message-ID of its own entry",
       sorted(x[0] for x in s.sql("SELECT message_id FROM interaction_log_entry "
                                  "WHERE logged_segment_entry_no = 2")), sorted(ids))
    states = {}
    for f in glob.glob(os.path.join(mail, "*.state")):
        with open(f) as fh:
            st = fh.read().strip()
        states[st] = states.get(st, 0) + 1
    eq("every message left after its claim was committed (the worker, the CLI and POST "
       "/api/deliver alike)", {"sending": len(messages(mail))}, states)

    # Letters.
    s.cli("template", "attachment", "set", "COVERLTR", "--text",
          "Kjære {{contact.first_name}}, takk for i år.")
    s.cli("segment", "create", "--description", "Brev", "--interaction-template-code", "coverltr")
    for ct in ("CT000005", "CT000010"):
        s.cli("segment", "add", "SEG00003", "--contact", ct)
    s.cli("segment", "log", "SEG00003", "--deliver")

    def get_pdf(client, path):
        req = urllib.request.Request(client.base + path)
        with client.opener.open(req, timeout=60) as resp:
            return resp.status, resp.headers.get("Content-Type"), resp.read()

    status, ctype, pdf = get_pdf(ann, "/api/logged-segments/3/letters.pdf")
    eq("GET letters.pdf is a PDF", (200, "application/pdf"), (status, ctype))
    path = os.path.join(s.dir, "letters.pdf")
    with open(path, "wb") as fh:
        fh.write(pdf)
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    eq("one page per letter", "2", [l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")][0])
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    check("with each contact's merged name and address",
          "Kjære Mark" in text and "Fenwick Close 8" in text and "Kjære Lee" in text
          and "Main Street 1" in text, text)
    eq("a preview marks nothing", 2, s.sql("SELECT count(*) FROM interaction_log_entry WHERE "
                                           "logged_segment_entry_no = 3 AND delivery_status = 'in_progress'")[0][0])
    status, ctype, pdf = get_pdf(ann, "/api/logged-segments/3/letters.pdf?mark=true")
    eq("?mark=true marks them delivered", 2, s.sql(
        "SELECT count(*) FROM interaction_log_entry WHERE logged_segment_entry_no = 3 AND "
        "delivery_status = '' AND delivered_at <> ''")[0][0])
finally:
    if s:
        s.stop()
    if smtpd:
        smtpd.terminate()
        smtpd.wait(timeout=10)
finish()
