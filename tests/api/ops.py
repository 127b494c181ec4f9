#!/usr/bin/env python3
"""relm serve left running: login throttling, all-or-nothing requests, token lifetime,
busy databases, the request log, /healthz, /metrics, 405 Allow, --listen, backups."""
import json
import os
import re
import socket
import sqlite3
import subprocess
import threading
import time
import urllib.request

from lib import PASSWORD, RELM, Server, check, db_is_pg, eq, err_code, finish, table_names

PROXY = ("--trust-proxy",)


def from_address(c, address, proto=None):
    """Headers a trusted proxy would add for a client at address."""
    h = {"X-Forwarded-For": "203.0.113.250, " + address}
    if proto:
        h["X-Forwarded-Proto"] = proto
    return h


def write_sql(s, query, *params):
    s.sql(query, *params)


def login(s, name, password, headers=None):
    c = s.client()
    return c.request("POST", "/api/login", {"name": name, "password": password}, csrf=False,
                     headers=headers)


# --- Login throttle -------------------------------------------------------------------
s = Server(threads=8, args=PROXY)
try:
    # A concurrent burst of 20 wrong passwords checks at most the free failures (+1).
    barrier = threading.Barrier(20)
    statuses = []
    lock = threading.Lock()

    def attempt():
        barrier.wait()
        r = login(s, "admin", "wrong password", from_address(None, "198.51.100.1"))
        with lock:
            statuses.append(r.status)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = statuses.count(401)
    check("a concurrent burst of 20 wrong passwords checks at most 4 of them",
          checked <= 4, sorted(statuses))
    eq("and throttles the rest with 429", 20 - checked, statuses.count(429))

    # One name from rotating addresses is throttled all the same.
    st = [login(s, "ann", "wrong password", from_address(None, "198.51.100.%d" % (10 + i))).status
          for i in range(3)]
    eq("three wrong passwords for ann from three addresses are 401", [401] * 3, st)
    r = login(s, "ann", PASSWORD, from_address(None, "198.51.100.20"))
    eq("the next try for ann from a fourth address is 429", 429, r.status)

    # One password sprayed over many names from one address is throttled.
    st = [login(s, "user%d" % i, "Summer2026!", from_address(None, "192.0.2.77")).status
          for i in range(10)]
    eq("ten names with one password from one address are 401", [401] * 10, st)
    r = login(s, "user99", "Summer2026!", from_address(None, "192.0.2.77"))
    eq("the eleventh name from that address is 429", 429, r.status)
    eq("with the error code too_many_attempts", "too_many_attempts", err_code(r))

    # Failures for unknown names do not grow the table without bound: only a checked attempt
    # adds a row (its name's), a throttled one adds none. (How many of the 40 come after a
    # wait has run out depends on the machine's speed, so the rows are counted per answer.)
    before = s.sql("SELECT count(*) FROM login_throttle")[0][0]
    codes = [login(s, "ghost%d" % i, "wrong password", from_address(None, "192.0.2.88")).status
             for i in range(40)]
    after = s.sql("SELECT count(*) FROM login_throttle")[0][0]
    eq("of 40 unknown names from one address the first ten are checked, the eleventh throttled",
       [401] * 10 + [429], codes[:11])
    eq("they add one throttle row for the address and one per checked name, none for the %d "
       "throttled" % codes.count(429), 1 + codes.count(401), after - before)
    eq("the login_failure table of old is gone", False, "login_failure" in table_names(s.db))

    # Secure cookies when a trusted proxy says https.
    r = login(s, "admin", PASSWORD, from_address(None, "192.0.2.5", "https"))
    eq("admin signs in through the proxy", 200, r.status)
    cookie = r.headers.get("Set-Cookie", "")
    check("the session cookie is Secure when the proxy says https", "; Secure" in cookie, cookie)
    r = login(s, "admin", PASSWORD, from_address(None, "192.0.2.5", "http"))
    cookie = r.headers.get("Set-Cookie", "")
    check("and not Secure over plain http", "Secure" not in cookie, cookie)

    # The request log names the proxy's client.
    log = open(os.path.join(s.dir, "serve.log")).read()
    lines = [json.loads(l) for l in log.splitlines() if l.startswith("{")]
    check("the request log names the forwarded address",
          any(l["address"] == "192.0.2.5" and l["route"] == "/api/login" for l in lines),
          lines[-3:])
finally:
    s.stop()

r = None
s = Server()
try:
    # Two servers on one database share the counts.
    other = subprocess.Popen([RELM, "serve", "--listen", "127.0.0.1:0", "--log-file", "off"],
                             env=s.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
    try:
        port = re.search(r"http://127\.0\.0\.1:(\d+)/", other.stdout.readline()).group(1)
        second = "http://127.0.0.1:%s" % port
        st = []
        for i in range(3):
            base = s.base if i % 2 == 0 else second
            c = s.client()
            c.base = base
            st.append(c.request("POST", "/api/login", {"name": "ann", "password": "wrong"},
                                csrf=False).status)
        eq("three wrong passwords over two servers are 401", [401] * 3, st)
        c = s.client()
        c.base = second
        r = c.request("POST", "/api/login", {"name": "ann", "password": PASSWORD}, csrf=False)
        eq("the fourth, on the second server, is 429", 429, r.status)
    finally:
        other.terminate()
        other.wait(timeout=15)
    r = login(s, "admin", PASSWORD, {"X-Forwarded-For": "192.0.2.9",
                                      "X-Forwarded-Proto": "https"})
    cookie = r.headers.get("Set-Cookie", "")
    check("without --trust-proxy X-Forwarded-Proto does not make cookies Secure",
          "Secure" not in cookie, cookie)
finally:
    s.stop()

# --- A failed request changes nothing (RELM_FAULT=reply test hook) --------------------
s = Server(env={"RELM_FAULT": "reply"})
try:
    bot = s.client()
    bot.bearer = s.token
    no = s.sql("SELECT no FROM contact ORDER BY no LIMIT 1")[0][0]
    city = s.sql("SELECT city FROM contact WHERE no = ?", no)[0][0]
    n = s.sql("SELECT count(*) FROM contact")[0][0]
    r = bot.patch("/api/contacts/" + no, {"city": "Nowhere"})
    eq("a PATCH whose reply cannot be built is 500", 500, r.status)
    eq("and the contact is unchanged", city, s.sql("SELECT city FROM contact WHERE no = ?", no)[0][0])
    r = bot.post("/api/contacts", {"type": "company", "name": "Ghost Ltd"})
    eq("a POST whose reply cannot be built is 500", 500, r.status)
    eq("and no contact was added", n, s.sql("SELECT count(*) FROM contact")[0][0])
finally:
    s.stop()

# --- Tokens, sessions, CSRF, keys, busy databases, operations -------------------------
s = Server()
try:
    admin = s.client("admin")
    ann = s.client("ann")
    bot = s.client()
    bot.bearer = s.token

    # PATCH that would change the key is refused.
    r = admin.patch("/api/salespersons/" + s.sql("SELECT code FROM salesperson LIMIT 1")[0][0],
                    {"code": "RENAMED"})
    eq("a PATCH that changes the key is 422", 422, r.status)
    eq("with the error code validation", "validation", err_code(r))
    eq("and nothing was renamed", 0,
       s.sql("SELECT count(*) FROM salesperson WHERE code = 'RENAMED'")[0][0])
    code = s.sql("SELECT code FROM salesperson LIMIT 1")[0][0]
    r = admin.patch("/api/salespersons/" + code, {"code": code.lower(), "name": "Same Key"})
    eq("a PATCH repeating the key is 200", 200, r.status)

    # CSRF tokens are stored hashed.
    stored = [row[0] for row in s.sql("SELECT csrf_token FROM user_session")]
    check("the CSRF token is not stored in clear", ann.csrf not in stored, ann.csrf, stored)
    r = ann.post("/api/contacts", {"type": "company", "name": "Csrf Ltd"})
    eq("and still works", 201, r.status)
    eq("GET /api/me gives the same CSRF token again", ann.csrf, ann.get("/api/me").body.get(
        "csrf_token"))

    # Tokens expire: 90 days by default, --expires-in DAYS, and expired ones are refused.
    exp = s.sql("SELECT expires_at FROM api_token WHERE user_name = 'ann'")[0][0]
    check("a token expires in 90 days by default", abs(exp - (time.time() + 90 * 86400)) < 120,
          exp)
    tok = s.cli("token", "create", "--user", "admin", "--expires-in", "1").strip()
    exp = s.sql("SELECT max(expires_at) FROM api_token WHERE user_name = 'admin'")[0][0]
    check("--expires-in 1 makes it expire in a day", abs(exp - (time.time() + 86400)) < 120, exp)
    p = subprocess.run([RELM, "token", "create", "--user", "admin", "--expires-in", "-3"],
                       env=s.env, capture_output=True, text=True)
    check("--expires-in -3 is refused", p.returncode != 0, p.returncode, p.stderr)
    old = s.client()
    old.bearer = tok
    eq("the new token signs in", 200, old.get("/api/me").status)
    write_sql(s, "UPDATE api_token SET expires_at = 1000 WHERE user_name = 'admin'")
    r = old.get("/api/me")
    eq("an expired token is 401", 401, r.status)
    check("saying that it has expired", "expired" in (r.body or {}).get("error", {}).get(
        "message", ""), r.body)

    # Reads never wait behind a write: a bearer GET while another job holds the write lock.
    eq("a bearer GET works", 200, bot.get("/api/me").status)
    used = s.sql("SELECT last_used_at FROM api_token WHERE user_name = 'ann'")[0][0]
    check("and stamps last_used_at", used != "", used)
    write_sql(s, "UPDATE api_token SET last_used_at = 'x', last_used_unix = 0 "
              "WHERE user_name = 'ann'")
    # SQLite's one write lock (PostgreSQL writers do not lock out other writers this way).
    if not db_is_pg():
        job = sqlite3.connect(s.db, timeout=10, isolation_level=None)
        job.execute("BEGIN IMMEDIATE")
        job.execute("UPDATE relm_meta SET value = value WHERE key = 'schema_version'")
        t0 = time.time()
        r = bot.get("/api/contacts?limit=2")
        took = time.time() - t0
        eq("a bearer GET while a batch job writes is 200", 200, r.status)
        check("and does not wait for the job", took < 3, took)
        t0 = time.time()
        r = bot.post("/api/contacts", {"type": "company", "name": "Busy Ltd"})
        eq("a write while the job holds the database is 503", 503, r.status)
        eq("with the error code busy", "busy", err_code(r))
        msg = (r.body or {}).get("error", {}).get("message", "")
        eq("and a message a user understands",
           "the database is busy with another job; try again", msg)
        check("no engine message reaches the user", "locked" not in msg, msg)
        check("and a Retry-After header", (r.headers.get("Retry-After") or "").isdigit(),
              dict(r.headers))
        job.execute("ROLLBACK")
        job.close()
        eq("the use was not stamped while the job held the lock", "x",
           s.sql("SELECT last_used_at FROM api_token WHERE user_name = 'ann'")[0][0])
        bot.get("/api/me")
        stamped = s.sql("SELECT last_used_at FROM api_token WHERE user_name = 'ann'")[0][0]
        check("it is stamped at the next use", stamped != "x", stamped)
        write_sql(s, "UPDATE api_token SET last_used_at = 'y' WHERE user_name = 'ann'")
        bot.get("/api/me")
        eq("but not again within five minutes", "y",
           s.sql("SELECT last_used_at FROM api_token WHERE user_name = 'ann'")[0][0])

    # A password change revokes every token and session of the user.
    eq("ann's session works", 200, ann.get("/api/me").status)
    s.cli("user", "passwd", "ann", "--password-stdin", input="another good password\n")
    eq("after a password change ann's token is 401", 401, bot.get("/api/me").status)
    eq("and ann's session is 401", 401, ann.get("/api/me").status)
    eq("admin's session goes on", 200, admin.get("/api/me").status)

    # /healthz, /metrics, 405 with Allow.
    anon = s.client()
    with urllib.request.urlopen(s.base + "/healthz", timeout=10) as resp:
        eq("GET /healthz is 200", 200, resp.status)
        eq("and says ok", b"ok\n", resp.read())
    with urllib.request.urlopen(s.base + "/metrics", timeout=10) as resp:
        text = resp.read().decode()
        check("GET /metrics is Prometheus text",
              resp.headers.get("Content-Type", "").startswith("text/plain"), resp.headers)
    check("metrics count requests by route and status",
          re.search(r'relm_http_requests_total\{method="GET",route="/api/me",status="200"\} \d+',
                    text), text[:800])
    check("metrics count 401s apart", 'route="/api/me",status="401"' in text, text[:800])
    check("metrics have a latency histogram",
          'relm_http_request_duration_seconds_bucket{le="+Inf"}' in text and
          "relm_http_request_duration_seconds_count" in text, text[-800:])
    m = re.search(r"relm_database_size_bytes (\d+)", text)
    if db_is_pg():
        size = s.sql("SELECT pg_database_size(current_database())")[0][0]
        check("metrics give the database size", m and abs(int(m.group(1)) - size) < 1 << 20,
              size, text[-300:])
    else:
        check("metrics give the database size", m and int(m.group(1)) == os.path.getsize(s.db) +
              (os.path.getsize(s.db + "-wal") if os.path.exists(s.db + "-wal") else 0),
              text[-300:])
    r = anon.request("DELETE", "/api/me")
    eq("DELETE /api/me is 405", 405, r.status)
    eq("with Allow naming the methods", "GET, HEAD", r.headers.get("Allow"))
    r = admin.request("PUT", "/api/contacts")
    eq("PUT /api/contacts is 405", 405, r.status)
    eq("with Allow GET, HEAD, POST", "GET, HEAD, POST", r.headers.get("Allow"))
    r = anon.request("POST", "/index.html", {})
    eq("POST on a page is 405 with Allow", "GET, HEAD", r.headers.get("Allow"))

    # The request log: one JSON line per request.
    r = admin.get("/api/contacts/" + s.sql("SELECT no FROM contact LIMIT 1")[0][0])
    time.sleep(0.2)
    log = open(os.path.join(s.dir, "serve.log")).read()
    lines = [json.loads(l) for l in log.splitlines() if l.startswith("{")]
    hit = [l for l in lines if l.get("route") == "/api/contacts/{no}" and l.get("method") == "GET"]
    check("the request log has the route pattern of a request", hit, lines[-3:])
    if hit:
        l = hit[-1]
        eq("its fields", ["time", "method", "route", "status", "duration_ms", "user", "address"],
           list(l))
        check("time is RFC 3339 UTC",
              re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", l["time"]), l)
        eq("status, user and address", (200, "admin", "127.0.0.1"),
           (l["status"], l["user"], l["address"]))
        check("duration in ms", isinstance(l["duration_ms"], (int, float)) and
              l["duration_ms"] >= 0, l)

    # relm backup: an online copy of the SQLite file (PostgreSQL has its own tools).
    if not db_is_pg():
        dest = os.path.join(s.dir, "copy.db")
        out = s.cli("backup", dest)
        check("relm backup reports the copy", "copy.db" in out, out)
        con = sqlite3.connect(dest)
        eq("the copy opens and has the same contacts",
           s.sql("SELECT no, name FROM contact ORDER BY no"),
           con.execute("SELECT no, name FROM contact ORDER BY no").fetchall())
        con.close()
        size = os.path.getsize(dest)
        admin.post("/api/contacts", {"type": "company", "name": "After Backup Ltd"})
        p = subprocess.run([RELM, "backup", dest], env=s.env, capture_output=True, text=True)
        check("a second backup to the same file is refused", p.returncode != 0, p.returncode)
        check("saying why", "--force" in p.stderr, p.stderr)
        eq("and the file is left alone", size, os.path.getsize(dest))
        s.cli("backup", dest, "--force")
        con = sqlite3.connect(dest)
        eq("--force overwrites it with the current rows", 1,
           con.execute("SELECT count(*) FROM contact WHERE name = 'After Backup Ltd'").fetchone()[0])
        con.close()
        p = subprocess.run([RELM, "--db", dest, "contact", "list"], env=dict(s.env, RELM_DB=dest),
                           capture_output=True, text=True)
        eq("relm opens the copy", 0, p.returncode)
finally:
    s.stop()

# --- --listen takes host names and IPv6 ------------------------------------------------


def serve_on(listen, db_env):
    p = subprocess.Popen([RELM, "serve", "--listen", listen, "--log-file", "off"], env=db_env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    return p, line


def stop(p):
    p.terminate()
    try:
        p.wait(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


p, line = serve_on("localhost:0", s.env)
m = re.search(r"http://(\S+):(\d+)/", line)
check("--listen localhost:0 serves", m, line, p.stderr.read() if not m else "")
if m:
    with urllib.request.urlopen("http://%s:%s/healthz" % (m.group(1), m.group(2)),
                                timeout=10) as resp:
        eq("and answers /healthz", 200, resp.status)
stop(p)

has_v6 = socket.has_ipv6
try:
    socket.socket(socket.AF_INET6).bind(("::1", 0))
except OSError:
    has_v6 = False
if has_v6:
    p, line = serve_on("[::1]:0", s.env)
    m = re.search(r"http://\[::1\]:(\d+)/", line)
    check("--listen [::1]:0 serves on IPv6", m, line)
    if m:
        with urllib.request.urlopen("http://[::1]:%s/healthz" % m.group(1), timeout=10) as resp:
            eq("and answers /healthz there", 200, resp.status)
    stop(p)
else:
    print("ok - # SKIP no IPv6 loopback here")
p = subprocess.run([RELM, "serve", "--listen", "::1:8080"], env=s.env, capture_output=True,
                   text=True, timeout=20)
check("an IPv6 address without brackets is refused", p.returncode != 0 and "brackets" in
      p.stderr, p.returncode, p.stderr)
finish()
