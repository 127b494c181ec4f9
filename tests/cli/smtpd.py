#!/usr/bin/env python3
"""A small SMTP server for the delivery tests (aiosmtpd), on 127.0.0.1 and a free port.

usage: smtpd.py DIR [--reject ADDRESS]... [--temp-reject ADDRESS]...

Every message received is stored as DIR/NNNN.eml (the bytes as received) with the
envelope in DIR/NNNN.env (MAIL FROM, then one RCPT TO per line). RCPT TO an address given
with --reject is answered 550, with --temp-reject 451. The port is printed on stdout as
soon as the server listens; the server stops on SIGTERM, when its parent exits, or after
--lifetime seconds (default 600).
"""
import argparse
import os
import signal
import socket
import threading
import time

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory, reject, temp_reject):
        self.dir = directory
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
        return "250 Message accepted for delivery"


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
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    ctl = Controller(Store(a.dir, a.reject, a.temp_reject), hostname="127.0.0.1",
                     port=free_port())
    ctl.start()
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
