"""PostgreSQL for the API tests that need it (suite api-pg).

RELM_TEST_PG names the server (postgresql://USER@HOST:PORT, no database name; scripts/pg.sh
start DIR starts one). Without it a test fails when RELM_TEST_REQUIRE_PG=1 (the api-pg
suite) and is skipped (exit 77) otherwise. new_database() makes a database of the test's
own, dropped at exit; serve() starts `relm serve` on a URL and stops it at exit.
"""
import atexit
import os
import re
import signal
import subprocess
import sys
import tempfile

from lib import RELM, TODAY, check

PG_SERVER = os.environ.get("RELM_TEST_PG", "").rstrip("/")
if not PG_SERVER:
    if os.environ.get("RELM_TEST_REQUIRE_PG") == "1":
        print("Bail out! RELM_TEST_PG must name the PostgreSQL server for this test", flush=True)
        sys.exit(1)
    print("1..0 # SKIP RELM_TEST_PG is not set", flush=True)
    sys.exit(77)

WORKDIR = tempfile.mkdtemp(prefix="relm-pg-")
_databases = []
_servers = []


def psql(url, query):
    """Rows of query on the database at url, each a list of text values (psql -A -t)."""
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1",
                        "-d", url, "-c", query], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("psql %s: %s" % (query, p.stderr.strip()))
    return [line.split("\x1f") for line in p.stdout.splitlines() if line != ""]


def value(url, query):
    rows = psql(url, query)
    return rows[0][0] if rows else None


def new_database(tag, server=None):
    server = server or PG_SERVER
    name = "relm_test_%s_%s" % (os.urandom(6).hex(), tag)
    psql(server + "/postgres", "CREATE DATABASE %s" % name)
    _databases.append((server, name))
    return server + "/" + name


def cli(db, *args, input=None, check_rc=True):
    env = dict(os.environ, RELM_DB=db, RELM_TODAY=TODAY)
    env.pop("RELM_USER", None)
    p = subprocess.run([RELM, *args], env=env, input=input or "", text=True,
                       capture_output=True, timeout=120)
    if check_rc and p.returncode != 0:
        raise RuntimeError("relm %s failed: %s" % (" ".join(args), p.stderr))
    return p.stdout


class Serve:
    """relm serve on db, a free port of 127.0.0.1; stopped by stop() or at exit."""

    def __init__(self, db, threads=4, args=()):
        self.log = open(os.path.join(WORKDIR, "serve-%d.log" % len(_servers)), "w+")
        env = dict(os.environ, RELM_DB=db, RELM_TODAY=TODAY)
        env.pop("RELM_USER", None)
        self.proc = subprocess.Popen(
            [RELM, "serve", "--listen", "127.0.0.1:0", "--threads", str(threads),
             "--log-file", "off", *args],
            env=env, stdout=subprocess.PIPE, stderr=self.log, text=True)
        _servers.append(self)
        self.stopped = False
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.stop()
            raise RuntimeError("relm serve did not start: %r %s" % (line, self.read_log()))
        self.base = "http://127.0.0.1:%s" % m.group(1)

    def read_log(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if not self.stopped:
            self.stopped = True
            check("relm serve %s exits with status 0" % getattr(self, "base", ""),
                  self.proc.returncode == 0, "exit status %s" % self.proc.returncode,
                  *self.read_log().splitlines()[-20:])


def _cleanup():
    """Stop the servers and drop the databases (once, also when called again at exit)."""
    for s in _servers:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait(timeout=5)
    while _databases:
        server, name = _databases.pop()
        try:
            psql(server + "/postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
        except Exception as e:  # the server may be gone already
            print("# could not drop database %s: %s" % (name, e), flush=True)


atexit.register(_cleanup)
