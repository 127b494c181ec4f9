"""relm serve across a restart of its PostgreSQL server.

The test starts a PostgreSQL server of its own (scripts/pg.sh), since it restarts it, and
fails when it cannot. A request waiting in the database when the server restarts fails
cleanly (a JSON error, nothing written, the process keeps running); the requests after
the restart work, on every worker thread's connection.
"""
import os
import subprocess
import tempfile
import threading
import time

from lib import SRCDIR, Client, check, eq, err_code, finish
import pg_lib
from pg_lib import Serve, cli, new_database, psql, value

PG_SH = os.path.join(SRCDIR, "scripts", "pg.sh")
PGBIN = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
cluster = tempfile.mkdtemp(prefix="relm-pg-restart-")


def as_owner(*cmd):
    """Run a command as the cluster's owner (pg.sh runs the server as relm-test under root)."""
    if os.getuid() == 0:
        cmd = ("runuser", "-u", "relm-test", "--") + cmd
    # Output to a file: a server started here must not hold a pipe of this process open.
    with open(os.path.join(cluster, "restart.out"), "w+") as out:
        p = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, text=True, timeout=120)
        out.seek(0)
        return p.returncode, out.read()


try:
    p = subprocess.run(["bash", PG_SH, "start", cluster], capture_output=True, text=True,
                       timeout=180)
    if p.returncode != 0:
        print("Bail out! a PostgreSQL server could not be started: %s" % p.stderr, flush=True)
        raise SystemExit(1)
    server_url = p.stdout.strip()
    DB = new_database("restart", server=server_url)
    cli(DB, "init", "--demo")
    token = cli(DB, "token", "create", "--user", "ann", check_rc=False).strip()
    if not token:
        cli(DB, "user", "add", "ann", "--role", "user", "--password-stdin",
            input="correct horse battery\n")
        token = cli(DB, "token", "create", "--user", "ann").strip()
    serve = Serve(DB, threads=3)

    def client():
        c = Client(serve.base)
        c.bearer = token
        return c

    for i in range(6):
        eq("request %d before the restart" % (i + 1), 200, client().get("/api/contacts").status)

    # Stall the request inside its own INSERT. A lock held by another session would not do:
    # a fast shutdown ends the sessions one by one, and the holder may end first, grant the
    # lock and let the waiting request commit before its own session is ended.
    psql(DB, "CREATE FUNCTION stall_lost_contact() RETURNS trigger LANGUAGE plpgsql AS $$ "
             "BEGIN IF NEW.name = 'Lost In Restart Ltd' THEN PERFORM pg_sleep(120); END IF; "
             "RETURN NEW; END $$")
    psql(DB, "CREATE TRIGGER stall_lost_contact BEFORE INSERT ON contact FOR EACH ROW "
             "EXECUTE FUNCTION stall_lost_contact()")
    in_flight = {}

    def waiting_request():
        in_flight["r"] = client().post("/api/contacts", {"type": "company",
                                                         "name": "Lost In Restart Ltd"})

    t = threading.Thread(target=waiting_request)
    t.start()
    deadline = time.time() + 20
    while time.time() < deadline and value(
            DB, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' "
                "AND query LIKE 'INSERT INTO contact%'") != "1":
        time.sleep(0.05)
    check("a request waits in the database", t.is_alive())
    rc, out = as_owner(os.path.join(PGBIN, "pg_ctl"), "-D", os.path.join(cluster, "data"),
                       "-l", os.path.join(cluster, "server.log"), "-m", "fast", "-w", "-t", "60",
                       "restart")
    check("the PostgreSQL server restarts", rc == 0, out)
    t.join(timeout=60)
    res = in_flight.get("r")
    check("the request in flight is answered", res is not None)
    if res is not None:
        eq("with a server error", 500, res.status)
        check("as a JSON error naming the lost connection",
              err_code(res) == "io" and "connection" in res.body["error"]["message"], res.body)
    check("relm serve keeps running", serve.proc.poll() is None, serve.read_log()[-2000:])
    statuses = [client().get("/api/contacts").status for _ in range(12)]
    eq("every request after the restart works, on every thread", [200] * 12, statuses)
    r = client().post("/api/contacts", {"type": "company", "name": "After Restart Ltd"})
    eq("a change after the restart is written", 201, r.status)
    eq("the request lost in the restart wrote nothing", "0",
       value(DB, "SELECT count(*) FROM contact WHERE name = 'Lost In Restart Ltd'"))
    eq("the one after it is there", "1",
       value(DB, "SELECT count(*) FROM contact WHERE name = 'After Restart Ltd'"))
    serve.stop()
finally:
    pg_lib._cleanup()
    subprocess.run(["bash", PG_SH, "stop", cluster], capture_output=True, timeout=120)
finish()
