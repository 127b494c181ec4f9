#!/usr/bin/env python3
"""A small SMTP server for the delivery tests (aiosmtpd), on 127.0.0.1 and a free port.

usage: smtpd.py DIR [--reject ADDRESS]... [--temp-reject ADDRESS]... [--state-db DB]

Every message received is stored as DIR/NNNN.eml (the bytes as received) with the
envelope in DIR/NNNN.env (MAIL FROM, then one RCPT TO per line). RCPT TO an address given
with --reject is answered 550, with --temp-reject 451. The port is printed on stdout as
soon as the server listens; the server stops on SIGTERM, when its parent exits, or after
--lifetime seconds (default 600). With --state-db (a SQLite file or a PostgreSQL URL), the
delivery_status of each message's entry as committed when the message arrived goes to
DIR/NNNN.state.
"""
import argparse
import email
import os
import signal
import socket
import sqlite3
import subprocess
import threading
import time

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory, reject, temp_reject, state_db=None):
        self.dir = directory
        self.state_db = state_db
        self.reject = {a.lower() for a in reject}
        self.temp_reject = {a.lower() for a in temp_reject}
        self.n = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if address.lower() in self.temp_reject:
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            n = self.n
        base = os.path.join(self.dir, "%04d" % n)
        with open(base + ".env", "w") as f:
            f.write("\n".join([envelope.mail_from] + list(envelope.rcpt_tos)) + "\n")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".eml.tmp", base + ".eml")
        if self.state_db:
            with open(base + ".state", "w") as f:
                f.write(committed_status(self.state_db, envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


def committed_status(db, content):
    """The delivery_status of the message's entry as another connection sees it while the
    message arrives: what the sender has committed, not what its transaction holds."""
    mid = email.message_from_bytes(content)["Message-ID"].strip().strip("<>")
    q = "SELECT delivery_status FROM interaction_log_entry WHERE message_id = "
    if "://" not in db:
        con = sqlite3.connect(db, timeout=10)
        try:
            row = con.execute(q + "?", (mid,)).fetchone()
        finally:
            con.close()
        return row[0] if row else "(no entry)"
    out = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-v", "mid=" + mid, db],
                         input=q + ":'mid';\n", capture_output=True, text=True, check=True)
    return out.stdout.strip() or "(no entry)"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--temp-reject", action="append", default=[])
    ap.add_argument("--lifetime", type=float, default=600)
    ap.add_argument("--state-db", help="write each message's committed delivery_status to NNNN.state")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    store = Store(a.dir, a.reject, a.temp_reject, a.state_db)
    # The port is free when chosen but bound only by start(): another program may take it in
    # between. Then choose another.
    for attempt in range(5):
        ctl = Controller(store, hostname="127.0.0.1", port=free_port())
        try:
            ctl.start()
            break
        except OSError:
            if attempt == 4:
                raise
    print(ctl.port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    # Never outlive the test: stop when the parent is gone or after --lifetime seconds.
    parent, deadline = os.getppid(), time.monotonic() + a.lifetime
    while not done.wait(0.5):
        if os.getppid() != parent or time.monotonic() > deadline:
            break
    ctl.stop()


if __name__ == "__main__":
    main()
