#!/usr/bin/env python3
"""Slow and idle clients cannot keep relm serve from answering others: connections per
client address are limited, idle connections and requests that trickle in are dropped,
and a body announced larger than the limit is answered 413 before it is sent."""
import http.client
import os
import resource
import select
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, finish  # noqa: E402

PER_ADDRESS = 16
IDLE = 3
REQUEST = 5
SOCKETS = 600

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < SOCKETS + 100:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, SOCKETS + 200), hard))


def healthz(source="127.0.0.1", timeout=3):
    """Status of GET /healthz from the given source address, or the error text."""
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=timeout,
                                   source_address=(source, 0))
    try:
        c.request("GET", "/healthz")
        return c.getresponse().status
    except OSError as e:
        return repr(e)
    finally:
        c.close()


def closed_by_server(sock, wait):
    """Whether the server closes sock (EOF or reset) within wait seconds."""
    end = time.monotonic() + wait
    while time.monotonic() < end:
        r, _, _ = select.select([sock], [], [], max(0.0, end - time.monotonic()))
        if not r:
            return False
        try:
            if sock.recv(4096) == b"":
                return True
        except OSError:
            return True
    return False


def connect():
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    return sock


s = Server(demo=False, args=("--max-per-address", str(PER_ADDRESS), "--idle-timeout", str(IDLE),
                             "--request-timeout", str(REQUEST)))
socks = []
try:
    # Many idle sockets from one address, half of them with a request line and no end of
    # headers: more than the server's whole connection limit.
    for i in range(SOCKETS):
        try:
            sock = connect()
        except OSError:
            continue
        if i % 2:
            try:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            except OSError:
                pass
        socks.append(sock)
    time.sleep(0.5)
    open_now = 0
    for sock in socks:
        r, _, _ = select.select([sock], [], [], 0)
        if not r:
            open_now += 1
    check("the server keeps at most --max-per-address connections from one address open "
          "(%d of %d still open)" % (open_now, len(socks)), open_now <= PER_ADDRESS)

    t0 = time.monotonic()
    eq("a request from another address is answered while one address holds %d sockets"
       % SOCKETS, 200, healthz("127.0.0.2"))
    took = time.monotonic() - t0
    check("and at once (%.2f s, under 1 s)" % took, took < 1)

    # The idle sockets are closed after --idle-timeout: the flooding address itself is
    # answered again a few seconds later (bounded retries).
    got = None
    t0 = time.monotonic()
    for _ in range(20):
        got = healthz()
        if got == 200:
            break
        time.sleep(0.5)
    eq("once the idle connections time out, the same address is answered again", 200, got)
    check("within a few seconds (%.1f s)" % (time.monotonic() - t0),
          time.monotonic() - t0 < IDLE + 5)
    for sock in socks:
        sock.close()
    socks = []

    # A body that trickles in (one byte a second, never idle long enough to time out) is
    # dropped once the request has taken longer than --request-timeout.
    sock = connect()
    socks.append(sock)
    sock.sendall(b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000\r\n\r\n")
    t0 = time.monotonic()
    dropped = False
    for _ in range(REQUEST + IDLE + 4):
        try:
            sock.sendall(b" ")
        except OSError:
            dropped = True
            break
        if closed_by_server(sock, 1.0):
            dropped = True
            break
    took = time.monotonic() - t0
    check("a body trickling in is dropped after --request-timeout (%.1f s)" % took,
          dropped and took < REQUEST + IDLE + 3)

    # An announced oversized body gets 413 without the body being sent.
    sock = connect()
    socks.append(sock)
    sock.sendall(b"POST /api/contacts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 50000000\r\n\r\n")
    sock.settimeout(3)
    t0 = time.monotonic()
    try:
        reply = sock.recv(4096)
    except OSError as e:
        reply = repr(e).encode()
    first = reply.split(b"\r\n", 1)[0].decode(errors="replace")
    eq("a Content-Length above 1 MiB is answered 413 before the body is sent",
       "HTTP/1.1 413", first[:12])
    check("at once (under 2 s)", time.monotonic() - t0 < 2)
    check("with the error code too_large", b'"too_large"' in reply, reply[:300])
    eq("and the server still answers afterwards", 200, healthz())
finally:
    for sock in socks:
        sock.close()
    log = s.stop()
finish()
