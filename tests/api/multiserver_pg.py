"""Three relm serve processes on one PostgreSQL database.

Clients create contacts and interactions through all three at once; two servers log
different segments while the third tries to log one of the same segments at the same
moment. Afterwards: no duplicate or missing entry or contact numbers (the series are
gap-free), exactly one log per segment, every acknowledged write in the database. A
session made through one server is valid on the others, and the login throttle counts
failed attempts made through any of them.
"""
import threading
import time

from lib import PASSWORD, Client, check, eq, err_code, finish, ok
from pg_lib import Serve, cli, new_database, psql, value

DB = new_database("multi")
cli(DB, "init", "--demo")
cli(DB, "user", "add", "admin", "--role", "admin", "--password-stdin", input=PASSWORD + "\n")
cli(DB, "user", "add", "ann", "--role", "user", "--password-stdin", input=PASSWORD + "\n")
TOKEN = cli(DB, "token", "create", "--user", "ann").strip()
servers = [Serve(DB, threads=4, args=("--trust-proxy",)) for _ in range(3)]


def q(query):
    return psql(DB, query)


def bot(server):
    c = Client(server.base)
    c.bearer = TOKEN
    return c


def post_retrying(c, path, body, tries=20):
    """POST, again after a 503 busy (nothing was written then); the last response."""
    for _ in range(tries):
        r = c.post(path, body)
        if r.status != 503:
            return r
        time.sleep(0.05)
    return r


# ---- contacts and interactions through all three servers at once ------------------------
WORKERS_PER_SERVER = 3
ROUNDS = 12
acks = {"contacts": [], "entries": []}
failures = []
lock = threading.Lock()
start = threading.Barrier(WORKERS_PER_SERVER * len(servers))


def worker(sidx, widx):
    c = bot(servers[sidx])
    start.wait()
    for i in range(ROUNDS):
        tag = "s%dw%di%d" % (sidx, widx, i)
        city = "Bergen" if (widx + i) % 2 == 0 else "Tromsø"
        r = post_retrying(c, "/api/contacts", {"type": "company", "name": "Firma " + tag,
                                               "city": city, "salesperson_code": "JO"})
        with lock:
            if r.status == 201:
                acks["contacts"].append((r.body["no"], "Firma " + tag))
            else:
                failures.append(("contact", tag, r.status, r.body))
        r = post_retrying(c, "/api/interactions", {"contact_no": "CT000001",
                                                   "interaction_template_code": "OUTGOING",
                                                   "subject": "Call " + tag})
        with lock:
            if r.status == 201:
                acks["entries"].append((r.body["entry_no"], "Call " + tag))
            else:
                failures.append(("interaction", tag, r.status, r.body))


threads = [threading.Thread(target=worker, args=(s, w))
           for s in range(len(servers)) for w in range(WORKERS_PER_SERVER)]
for t in threads:
    t.start()
for t in threads:
    t.join()
total = WORKERS_PER_SERVER * len(servers) * ROUNDS
eq("every concurrent write was acknowledged", [], failures)
eq("%d contacts acknowledged" % total, total, len(acks["contacts"]))
eq("no contact number was handed out twice", len(acks["contacts"]),
   len(set(no for no, _ in acks["contacts"])))
db_contacts = dict((no, name) for no, name in q("SELECT no, name FROM contact"))
eq("every acknowledged contact is in the database with its name", [],
   [a for a in acks["contacts"] if db_contacts.get(a[0]) != a[1]])
series = sorted(int(no[2:]) for no in db_contacts if no.startswith("CT"))
eq("contact numbers run from CT000001 without a gap or a repeat",
   list(range(1, len(series) + 1)), series)
eq("the series' last number used is the highest contact number",
   "CT%06d" % len(series), value(DB, "SELECT last_no_used FROM no_series_line "
                                     "WHERE series_code = 'CONT'"))
eq("no entry number was handed out twice", len(acks["entries"]),
   len(set(no for no, _ in acks["entries"])))
db_entries = dict((int(no), subj) for no, subj in
                  q("SELECT entry_no, subject FROM interaction_log_entry"))
eq("every acknowledged entry is in the database with its subject", [],
   [a for a in acks["entries"] if db_entries.get(a[0]) != a[1]])
eq("entry numbers run from 1 without a gap", list(range(1, len(db_entries) + 1)),
   sorted(db_entries))

# ---- two segments logged at once, one of them by two servers -----------------------------
admin = bot(servers[0])
segs = []
for city in ("Bergen", "Tromsø"):
    r = admin.post("/api/segments", {"description": "Mailing " + city,
                                     "interaction_template_code": "OUTGOING"})
    eq("segment for %s is created" % city, 201, r.status)
    no = r.body["no"]
    r = admin.post("/api/segments/%s/add-contacts" % no, {"where": ["city=" + city]})
    eq("its contacts are added", total // 2, r.body.get("lines_added"))
    segs.append(no)
results = {}
go = threading.Barrier(3 + 3)
chatter_acks = []


def log(sidx, no, key):
    c = bot(servers[sidx])
    go.wait()
    results[key] = c.post("/api/segments/%s/log" % no, {"follow_up": True})


def chatter(sidx):
    """Interactions created on every server while the segments are logged."""
    c = bot(servers[sidx])
    go.wait()
    for i in range(8):
        r = post_retrying(c, "/api/interactions", {"contact_no": "CT000002",
                                                   "interaction_template_code": "OUTGOING",
                                                   "subject": "During the log %d/%d" % (sidx, i)})
        with lock:
            chatter_acks.append((r.status, r.body.get("entry_no") if r.status == 201 else r.body,
                                 "During the log %d/%d" % (sidx, i)))


threads = [threading.Thread(target=log, args=(0, segs[0], "a")),
           threading.Thread(target=log, args=(1, segs[1], "b")),
           threading.Thread(target=log, args=(2, segs[0], "a2"))]
threads += [threading.Thread(target=chatter, args=(s,)) for s in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join()
eq("the segment logged by one server alone is logged", 200, results["b"].status)
statuses = sorted([results["a"].status, results["a2"].status])
eq("of the two servers logging the same segment, one logs it and one is refused (409)",
   [200, 409], statuses)
loser = results["a"] if results["a"].status == 409 else results["a2"]
eq("the refusal says why", "conflict", err_code(loser))
eq("every interaction made during the logs was acknowledged", [],
   [a for a in chatter_acks if a[0] != 201])
eq("exactly one log per segment", [[segs[0], "1"], [segs[1], "1"]],
   q("SELECT segment_no, count(*) FROM logged_segment GROUP BY segment_no ORDER BY 1"))
per_log = q("SELECT l.segment_no, count(e.entry_no) FROM logged_segment l "
            "JOIN interaction_log_entry e ON e.logged_segment_entry_no = l.entry_no "
            "GROUP BY l.segment_no ORDER BY 1")
eq("each log wrote one entry per line", [[segs[0], str(total // 2)], [segs[1], str(total // 2)]],
   per_log)
entries = [int(r[0]) for r in q("SELECT entry_no FROM interaction_log_entry ORDER BY 1")]
eq("entry numbers still run from 1 without a gap or a repeat",
   list(range(1, len(entries) + 1)), entries)
eq("the counter stands at the last entry", str(len(entries)),
   value(DB, "SELECT value FROM relm_counter WHERE name = 'interaction_log_entry'"))
eq("logged segment numbers run from 1 without a gap", ["1", "2"],
   [r[0] for r in q("SELECT entry_no FROM logged_segment ORDER BY 1")])
db_entries = dict((int(no), subj) for no, subj in
                  q("SELECT entry_no, subject FROM interaction_log_entry"))
eq("every entry acknowledged during the logs is in the database", [],
   [a for a in chatter_acks if db_entries.get(a[1]) != a[2]])
eq("the follow-up segments were numbered apart", 2,
   len(set(r.body.get("follow_up_no") for r in (results["b"], results["a"], results["a2"])
           if r.status == 200)))

# ---- a session made through one server is valid on the others -----------------------------
ann = Client(servers[0].base)
r = ann.login("ann", PASSWORD)
eq("ann signs in through server 1", 200, r.status)
for i, s in enumerate(servers[1:], 2):
    c = Client(s.base)
    c.jar = ann.jar
    c.opener = ann.opener
    c.csrf = ann.csrf
    c.base = s.base
    r = c.get("/api/me")
    eq("server %d knows the session" % i, (200, "ann"), (r.status, (r.body or {}).get("name")))
    r = c.post("/api/contacts", {"type": "company", "name": "Made on server %d" % i})
    eq("and takes a change with its CSRF token", 201, r.status)
other = Client(servers[1].base)
other.opener = ann.opener
other.csrf = ann.csrf
eq("sign out through server 2", 204, other.post("/api/logout").status)
r = Client.get(ann, "/api/me")
eq("the session is gone on server 1 too", 401, r.status)

# ---- the login throttle counts attempts made through any server -----------------------------


def attempt(sidx, name, password, address):
    c = Client(servers[sidx].base)
    return c.request("POST", "/api/login", {"name": name, "password": password}, csrf=False,
                     headers={"X-Forwarded-For": address})


eq("a wrong password through server 1 is refused", 401,
   attempt(0, "admin", "wrong", "192.0.2.1").status)
eq("through server 2", 401, attempt(1, "admin", "wrong", "192.0.2.2").status)
eq("through server 3: the third failure", 401, attempt(2, "admin", "wrong", "192.0.2.3").status)
r = attempt(0, "admin", PASSWORD, "192.0.2.4")
eq("then even the right password waits, through server 1 (429)", 429, r.status)
eq("counted once per attempt", "3",
   value(DB, "SELECT failures FROM login_throttle WHERE scope = 'name' AND subject = 'admin'"))

# Attempts at the same moment through all three: none is lost.
N = 9
codes = [None] * N
go = threading.Barrier(N)


def hammer(i):
    go.wait()
    codes[i] = attempt(i % 3, "ann", "wrong", "198.51.100.%d" % (i + 1)).status


threads = [threading.Thread(target=hammer, args=(i,)) for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
check("each concurrent attempt is refused (401) or throttled (429)",
      all(c in (401, 429) for c in codes), codes)
eq("every attempt that was checked is counted, whichever server took it",
   str(codes.count(401)),
   value(DB, "SELECT failures FROM login_throttle WHERE scope = 'name' AND subject = 'ann'"))

for s in servers:
    s.stop()
ok("the three servers stopped")
finish()
