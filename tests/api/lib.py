"""Black-box helpers for the HTTP API tests: a relm server on a temporary database.

Each test file builds a Server (the built binary, a fresh database, a free port on
127.0.0.1), talks to it with Client (python3 stdlib only: urllib with a cookie jar and the
CSRF token), prints "ok - ..." / "not ok - ..." per check and ends with finish().
"""
import http.cookiejar
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

RELM = os.environ.get("RELM")
if not RELM:
    sys.exit("RELM must name the relm binary")
SRCDIR = os.environ.get("SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
TODAY = "2026-03-15"
PASSWORD = "correct horse battery"

_passed = 0
_failed = 0


def ok(desc):
    global _passed
    _passed += 1
    print("ok - %s" % desc, flush=True)


def not_ok(desc, *details):
    global _failed
    _failed += 1
    print("not ok - %s" % desc, flush=True)
    for d in details:
        print("#   %s" % d, flush=True)


def check(desc, cond, *details):
    if cond:
        ok(desc)
    else:
        not_ok(desc, *details)
    return cond


def eq(desc, expected, actual):
    return check(desc, expected == actual, "expected: %r" % (expected,), "actual:   %r" % (actual,))


def finish():
    print("%d passed, %d failed" % (_passed, _failed), flush=True)
    sys.exit(1 if _failed else 0)


class Server:
    """relm serve on a temporary database; users admin (admin) and ann (user)."""

    def __init__(self, demo=True, threads=4, args=(), env=None, serve_args=()):
        self.dir = tempfile.mkdtemp(prefix="relm-api-")
        self.db = os.path.join(self.dir, "test.db")
        self.env = dict(os.environ, RELM_DB=self.db, RELM_TODAY=TODAY)
        self.env.pop("RELM_USER", None)
        self.cli("init", *(["--demo"] if demo else []))
        self.cli("user", "add", "admin", "--role", "admin", "--full-name", "Ada Admin",
                 input=PASSWORD + "\n")
        self.cli("user", "add", "ann", "--role", "user", "--password-stdin",
                 input=PASSWORD + "\n")
        self.token = self.cli("token", "create", "--user", "ann").strip()
        self.log = open(os.path.join(self.dir, "serve.log"), "w+")
        self.proc = subprocess.Popen(
            [RELM, "serve", "--listen", "127.0.0.1:0", "--threads", str(threads), *args,
             *serve_args],
            env=dict(self.env, **(env or {})), stdout=subprocess.PIPE, stderr=self.log,
            text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.stop()
            sys.exit("relm serve did not start: %r" % line)
        self.port = int(m.group(1))
        self.base = "http://127.0.0.1:%d" % self.port

    def cli(self, *args, input=None, check=True):
        p = subprocess.run([RELM, *args], env=self.env, input=input or "", text=True,
                           capture_output=True, timeout=60)
        if check and p.returncode != 0:
            raise RuntimeError("relm %s failed: %s" % (" ".join(args), p.stderr))
        return p.stdout

    def sql(self, query, *params):
        con = sqlite3.connect(self.db, timeout=10)
        try:
            rows = con.execute(query, params).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.seek(0)
        log = self.log.read()
        if not getattr(self, "stopped", False):
            self.stopped = True
            check("the server exits with status 0 (sanitizers clean)", self.proc.returncode == 0,
                  "exit status %s" % self.proc.returncode, *log.splitlines()[-30:])
        return log

    def client(self, user=None):
        c = Client(self.base)
        if user:
            status, body, _ = c.login(user, PASSWORD)
            if status != 200:
                raise RuntimeError("login %s failed: %s %s" % (user, status, body))
        return c


class Response:
    def __init__(self, status, body, headers):
        self.status = status
        self.body = body
        self.headers = headers

    def __iter__(self):
        return iter((self.status, self.body, self.headers))


class Client:
    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None
        self.bearer = None

    def request(self, method, path, body=None, raw=None, headers=None, csrf=True):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        h = {"Accept": "application/json"}
        if data is not None:
            h["Content-Type"] = "application/json"
        if self.bearer:
            h["Authorization"] = "Bearer " + self.bearer
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        h.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with self.opener.open(req, timeout=60) as resp:
                status, text, hdrs = resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as e:
            status, text, hdrs = e.code, e.read(), e.headers
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text.decode(errors="replace")
        return Response(status, parsed, hdrs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body if body is not None else {}, **kw)

    def patch(self, path, body, **kw):
        return self.request("PATCH", path, body, **kw)

    def put(self, path, body, **kw):
        return self.request("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, name, password):
        r = self.request("POST", "/api/login", {"name": name, "password": password}, csrf=False)
        if r.status == 200:
            self.csrf = r.body.get("csrf_token")
        return r


def err_code(r):
    try:
        return r.body["error"]["code"]
    except (TypeError, KeyError):
        return None


def routes():
    """(method, pattern) pairs the server registers."""
    out = subprocess.run([RELM, "serve", "--print-routes"], capture_output=True, text=True,
                         check=True).stdout
    return [tuple(line.split(" ", 1)) for line in out.splitlines() if line.strip()]
