#!/usr/bin/env python3
"""A batch job in another process (a 50,000-row import) never makes user requests fail:
reads go on at once, changes wait for it (in order of arrival) up to --busy-timeout and
are then told, in words a user understands, that the database is busy."""
import os
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from lib import RELM, Server, check, eq, err_code, finish  # noqa: E402

ROWS = 50000
BUSY_MSG = "the database is busy with another job; try again"


def holds_write_lock(db):
    """Whether another connection holds the database's write lock right now."""
    con = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        con.close()


s = Server(demo=False, threads=8)
try:
    bot = s.client()
    bot.bearer = s.token
    web = s.client("ann")
    eq("a contact can be added before the import", 201,
       bot.post("/api/contacts", {"no": "A1", "type": "company", "name": "Before Ltd"}).status)
    path = os.path.join(s.dir, "big.csv")
    with open(path, "w") as f:
        f.write("no,type,name,city\n")
        for i in range(ROWS):
            f.write("B%06d,company,Batch %d,Oslo\n" % (i, i))

    job = subprocess.Popen([RELM, "contact", "import", path], env=s.env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    locked = False
    for _ in range(400):
        if holds_write_lock(s.db):
            locked = True
            break
        if job.poll() is not None:
            break
        time.sleep(0.01)
    check("the import holds the write lock while it runs", locked)

    slow = []
    statuses = []
    for i in range(6):
        t0 = time.monotonic()
        r = (bot if i % 2 else web).get("/api/contacts?limit=5")
        slow.append(time.monotonic() - t0)
        statuses.append(r.status)
    during = holds_write_lock(s.db)
    eq("GETs during the import succeed, with a token and with a session", [200] * 6, statuses)
    check("without waiting for it (slowest %.2f s)" % max(slow), max(slow) < 1.0)
    check("the import was still running during the GETs", during and job.poll() is None)

    t0 = time.monotonic()
    r = bot.post("/api/contacts", {"no": "A2", "type": "company", "name": "During Ltd"})
    took = time.monotonic() - t0
    if r.status == 201:
        ok_post = True
    else:
        ok_post = (r.status == 503 and err_code(r) == "busy" and
                   r.body["error"]["message"] == BUSY_MSG and
                   (r.headers.get("Retry-After") or "").isdigit())
    check("a POST during the import waits for it and succeeds, or is told the database is "
          "busy (%s after %.1f s)" % (r.status, took), ok_post, r.body)
    out, err = job.communicate(timeout=120)
    eq("the import succeeds", "imported %d contacts" % ROWS, out.strip())
    eq("all of its rows are there", ROWS,
       s.sql("SELECT count(*) FROM contact WHERE no LIKE 'B%'")[0][0])
    eq("the POST made during the import is there exactly when it said 201",
       1 if r.status == 201 else 0,
       s.sql("SELECT count(*) FROM contact WHERE name = 'During Ltd'")[0][0])

    # Writers queued behind a job are served in order of arrival.
    hold = sqlite3.connect(s.db, timeout=10, isolation_level=None)
    hold.execute("BEGIN IMMEDIATE")
    results = {}

    def post(i):
        results[i] = bot.post("/api/contacts", {"no": "Q%d" % i, "type": "company",
                                                "name": "Queued %d" % i})

    threads = []
    for i in range(5):
        t = threading.Thread(target=post, args=(i,))
        t.start()
        threads.append(t)
        time.sleep(0.3)
    time.sleep(0.5)
    hold.execute("ROLLBACK")
    hold.close()
    for t in threads:
        t.join(timeout=60)
    eq("five writes queued behind a job all succeed once it ends", [201] * 5,
       [results[i].status if i in results else None for i in range(5)])
    order = [row[0] for row in s.sql(
        "SELECT name FROM contact WHERE name LIKE 'Queued %' ORDER BY rowid")]
    eq("in the order they arrived", ["Queued %d" % i for i in range(5)], order)
finally:
    s.stop()

# Past --busy-timeout a change is refused in plain words and changes nothing.
s = Server(demo=False, args=("--busy-timeout", "2"))
try:
    bot = s.client()
    bot.bearer = s.token
    hold = sqlite3.connect(s.db, timeout=10, isolation_level=None)
    hold.execute("BEGIN IMMEDIATE")
    t0 = time.monotonic()
    r = bot.post("/api/contacts", {"no": "L1", "type": "company", "name": "Late Ltd"})
    took = time.monotonic() - t0
    hold.execute("ROLLBACK")
    hold.close()
    eq("a write still blocked after --busy-timeout is 503", 503, r.status)
    check("after waiting about that long (%.1f s)" % took, 1.5 < took < 6)
    eq("with the error code busy", "busy", err_code(r))
    eq("and the busy message, never the engine's", BUSY_MSG,
       (r.body or {}).get("error", {}).get("message"))
    check("and Retry-After", (r.headers.get("Retry-After") or "").isdigit(), dict(r.headers))
    eq("it changed nothing", 0, s.sql("SELECT count(*) FROM contact WHERE name = 'Late Ltd'")[0][0])
finally:
    s.stop()
finish()
