"""relm serve on PostgreSQL: a write request the database aborts for a conflict is run again.

A real deadlock: a psql session locks counter row X (interaction_log_entry); a POST
/api/interactions for a campaign without a shared campaign entry locks counter row Y
(campaign_entry) and waits for X; the psql session then asks for Y. PostgreSQL aborts the
request's transaction (its deadlock check runs first: the psql session waits 60 s before
looking); relm serve runs the request again, which is answered 201 and written once, its
number the next one. Then serialization failures (a trigger raises 40001 a given number of
times): twice is still a 201 written once; every time is a 503 with relm's own sentence and
nothing written.
"""
import subprocess
import threading
import time

from lib import Client, check, eq, err_code, finish
import pg_lib
from pg_lib import Serve, cli, new_database, value

try:
    DB = new_database("retry")
    cli(DB, "init", "--demo")
    cli(DB, "user", "add", "ann", "--role", "user", "--password-stdin",
        input="correct horse battery\n")
    token = cli(DB, "token", "create", "--user", "ann").strip()
    serve = Serve(DB, threads=2)

    def client():
        c = Client(serve.base)
        c.bearer = token
        return c

    def counter(name):
        return int(value(DB, "SELECT value FROM relm_counter WHERE name = '%s'" % name))

    def wait_for(desc, query, want):
        deadline = time.time() + 30
        while time.time() < deadline and value(DB, query) != want:
            time.sleep(0.02)
        eq(desc, want, value(DB, query))

    # CMP1001's shared entries are set aside: the request takes a campaign entry number.
    value(DB, "UPDATE campaign_entry SET canceled = 1 WHERE campaign_no = 'CMP1001' AND "
              "logged_segment_entry_no = 0 AND segment_no = ''")
    before = counter("interaction_log_entry")
    entries = int(value(DB, "SELECT count(*) FROM interaction_log_entry"))

    holder = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", DB],
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    holder.stdin.write("SET application_name = 'holder';\nSET deadlock_timeout = '60s';\nBEGIN;\n"
                       "UPDATE relm_counter SET value = value WHERE name = "
                       "'interaction_log_entry';\n")
    holder.stdin.flush()
    wait_for("the psql session holds the entry counter",
             "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'holder' "
             "AND state = 'idle in transaction'", "1")
    answer = {}

    def request():
        answer["r"] = client().post("/api/interactions", {
            "contact_no": "CT000005", "interaction_template_code": "OUTGOING",
            "campaign_no": "CMP1001", "description": "Deadlocked once"})

    t0 = time.time()
    t = threading.Thread(target=request)
    t.start()
    wait_for("the request holds the campaign entry counter and waits for the entry counter",
             "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
             "query LIKE 'UPDATE relm_counter%'", "1")
    holder.stdin.write("UPDATE relm_counter SET value = value WHERE name = 'campaign_entry';\n"
                       "COMMIT;\n")
    holder.stdin.close()
    t.join(timeout=60)
    holder_err = holder.stderr.read()
    eq("the psql session was not the one aborted", 0, holder.wait(timeout=60))
    check("it saw no error", holder_err == "", holder_err)
    r = answer.get("r")
    check("the request is answered", r is not None)
    eq("a request aborted by a deadlock is run again and answered 201", 201, r.status)
    print("# the deadlock was resolved and the request answered in %.2f s" % (time.time() - t0))
    no = r.body["entry_no"]
    eq("its entry has the next number (none skipped)", before + 1, no)
    eq("it is written once", "1",
       value(DB, "SELECT count(*) FROM interaction_log_entry WHERE description = "
                 "'Deadlocked once'"))
    eq("and no other entry is", entries + 1,
       int(value(DB, "SELECT count(*) FROM interaction_log_entry")))
    eq("the counter moved by one", before + 1, counter("interaction_log_entry"))
    check("the server log holds no database error", "deadlock" not in serve.read_log(),
          serve.read_log()[-2000:])

    # Serialization failures raised by a trigger, counted by a sequence (not rolled back).
    value(DB, "CREATE SEQUENCE conflict_count")
    value(DB, "CREATE TABLE conflict_limit (n BIGINT)")
    value(DB, "INSERT INTO conflict_limit VALUES (2)")
    value(DB, "CREATE FUNCTION conflict_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
              "IF nextval('conflict_count') <= (SELECT n FROM conflict_limit) THEN RAISE "
              "EXCEPTION 'could not serialize access due to concurrent update' USING ERRCODE "
              "= '40001'; END IF; RETURN NULL; END $$")
    value(DB, "CREATE TRIGGER conflict_tr BEFORE INSERT ON interaction_log_entry FOR EACH "
              "STATEMENT EXECUTE FUNCTION conflict_fn()")
    before = counter("interaction_log_entry")
    r = client().post("/api/interactions", {"contact_no": "CT000005",
                                            "interaction_template_code": "OUTGOING",
                                            "description": "Serialized twice"})
    eq("a request aborted twice by serialization failures is answered 201", 201, r.status)
    eq("with the next number", before + 1, r.body.get("entry_no"))
    eq("written once", "1",
       value(DB, "SELECT count(*) FROM interaction_log_entry WHERE description = "
                 "'Serialized twice'"))

    value(DB, "UPDATE conflict_limit SET n = 1000000")
    before = counter("interaction_log_entry")
    r = client().post("/api/interactions", {"contact_no": "CT000005",
                                            "interaction_template_code": "OUTGOING",
                                            "description": "Never serialized"})
    eq("a request the database aborts every time is answered 503", 503, r.status)
    eq("as busy", "busy", err_code(r))
    eq("in relm's own words", "the database was changed by other jobs at the same time, 5 "
       "times over; nothing was saved; try again", r.body["error"]["message"])
    check("with Retry-After", r.headers.get("Retry-After") is not None, r.headers)
    eq("nothing was written", "0",
       value(DB, "SELECT count(*) FROM interaction_log_entry WHERE description = "
                 "'Never serialized'"))
    eq("no number was used", before, counter("interaction_log_entry"))
    serve.stop()
finally:
    pg_lib._cleanup()
finish()
