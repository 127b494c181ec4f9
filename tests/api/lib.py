"""Black-box helpers for the HTTP API tests: a relm server on a temporary database.

Each test file builds a Server (the built binary, a fresh database, a free port on
127.0.0.1), talks to it with Client (python3 stdlib only: urllib with a cookie jar and the
CSRF token), prints "ok - ..." / "not ok - ..." per check and ends with finish().

The database is a SQLite file in the server's temporary directory, or, when RELM_TEST_PG
names a PostgreSQL server (postgresql://USER@HOST:PORT, no database name), a database of its
own on that server, created here and dropped when the test ends. A test meant for
PostgreSQL runs with RELM_TEST_REQUIRE_PG=1, so that a missing server fails it instead of
silently testing SQLite. Tests read and change the database only through sql_at() /
Server.sql(), in SQL both engines accept.
"""
import atexit
import http.cookiejar
import json
import os
import re
import secrets
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

PG_SERVER = os.environ.get("RELM_TEST_PG", "").rstrip("/")
if os.environ.get("RELM_TEST_REQUIRE_PG") == "1" and not PG_SERVER:
    print("Bail out! RELM_TEST_PG must name the PostgreSQL server for this test", flush=True)
    sys.exit(1)

_passed = 0
_failed = 0
_pg_databases = []


def db_is_pg():
    """Whether the tests run against PostgreSQL."""
    return bool(PG_SERVER)


def _is_url(db):
    return db.startswith(("postgresql://", "postgres://"))


def _psql(db, script, variables=()):
    """Run script with psql on database URL db; its output without headers or alignment."""
    args = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db]
    for name, value in variables:
        args += ["-v", "%s=%s" % (name, value)]
    p = subprocess.run(args, input=script, text=True, capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("psql on %s failed: %s\n%s" % (db, p.stderr.strip(), script))
    return p.stdout


def _drop_pg_databases():
    while _pg_databases:
        name = _pg_databases.pop()
        try:
            _psql(PG_SERVER + "/postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
        except RuntimeError as e:
            print("# could not drop database %s: %s" % (name, e), flush=True)


def new_db(directory, name):
    """The location of a new, empty database: a file in directory, or the URL of a database
    created on the PostgreSQL server and dropped when the test ends."""
    if not PG_SERVER:
        return os.path.join(directory, name + ".db")
    dbname = "relm_test_%s_%s" % (secrets.token_hex(6), name)
    if not _pg_databases:
        atexit.register(_drop_pg_databases)
        # A test stopped by its time limit still drops its databases.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    _psql(PG_SERVER + "/postgres", "CREATE DATABASE %s" % dbname)
    _pg_databases.append(dbname)
    return PG_SERVER + "/" + dbname


def copy_db(src, directory, name):
    """A new database (see new_db) holding what src holds; src may be in use."""
    dst = new_db(directory, name)
    if _is_url(src):
        dump = subprocess.run(["pg_dump", "--no-owner", "-d", src], capture_output=True,
                              text=True, timeout=120, check=True).stdout
        _psql(dst, dump)
    else:
        a, b = sqlite3.connect(src, timeout=10), sqlite3.connect(dst)
        try:
            a.backup(b)
        finally:
            a.close()
            b.close()
    return dst


def _pg_bind(query, params):
    """query with its ? placeholders (outside quotes) as psql variables :'pN'; NULL, numbers
    and booleans are written in place."""
    out, variables, n, quote = [], [], 0, None
    for ch in query:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            if n >= len(params):
                raise ValueError("too few parameters for %r" % query)
            v = params[n]
            n += 1
            if v is None:
                out.append("NULL")
            elif isinstance(v, bool):
                out.append("1" if v else "0")
            elif isinstance(v, (int, float)):
                out.append(("(%r)" if v < 0 else "%r") % v)
            else:
                variables.append(("p%d" % n, str(v)))
                out.append(":'p%d'" % n)
            continue
        out.append(ch)
    if n != len(params):
        raise ValueError("%d parameters for %d placeholders in %r" % (len(params), n, query))
    return "".join(out), variables


def sql_at(db, query, *params):
    """Run one statement on database db (a SQLite file or a PostgreSQL URL), with ?
    placeholders, and commit. A query's rows come back as a list of tuples of int, float,
    str or None, the same from both engines."""
    if not _is_url(db):
        con = sqlite3.connect(db, timeout=10)
        try:
            rows = con.execute(query, params).fetchall()
            con.commit()
            return rows
        finally:
            con.close()
    q, variables = _pg_bind(query.strip().rstrip(";"), params)
    if not re.match(r"(?is)\s*(SELECT|WITH|VALUES)\b", q):
        _psql(db, q + ";\n", variables)
        return []
    # Each row as a JSON object, read back as a tuple in column order (json keeps
    # duplicate names), so that numbers stay numbers and NULL is None.
    out = _psql(db, "SELECT coalesce(json_agg(q), '[]') FROM (%s) AS q;\n" % q, variables)
    return json.loads(out, object_pairs_hook=lambda pairs: tuple(v for _, v in pairs))


def table_names(db):
    """The names of the tables of database db, sorted."""
    if _is_url(db):
        q = ("SELECT table_name FROM information_schema.tables WHERE table_schema = "
             "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
    else:
        q = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
             "ORDER BY name")
    return [t for (t,) in sql_at(db, q)]


def table_columns(db, table):
    """The column names of table in database db, in their order."""
    if _is_url(db):
        return [c for (c,) in sql_at(db, "SELECT column_name FROM information_schema.columns "
                                         "WHERE table_schema = current_schema() AND "
                                         "table_name = ? ORDER BY ordinal_position", table)]
    return [c[1] for c in sql_at(db, "PRAGMA table_info(%s)" % table)]


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
        self.db = new_db(self.dir, "test")
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
        """sql_at() on this server's database."""
        return sql_at(self.db, query, *params)

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
