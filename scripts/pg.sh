#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the tests.
#   scripts/pg.sh start DIR   create a cluster in DIR, start it on a free port of 127.0.0.1
#                             and print its URL: postgresql://relm-test@127.0.0.1:PORT
#                             (no database name: each test creates its own database)
#   scripts/pg.sh stop DIR    stop it (also when it is half started) and remove DIR
#   scripts/pg.sh url DIR     print the URL of the running server again
# The server refuses to run as root: as root the cluster belongs to the system user
# relm-test (created when missing). fsync is off: the data is thrown away anyway.
# RELM_PG_OPTS adds server options, e.g. "-c shared_buffers=6GB" (bench/pg_run.py).
# Fails loudly (exit 1, reason on stderr) when PostgreSQL cannot be found or started.
set -u
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
ROLE=relm-test

die() {
    echo "pg.sh: $*" >&2
    exit 1
}

# Run a command as the cluster's owner.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$ROLE" -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local dir=$1 port log
    [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_ctl" ] ||
        die "PostgreSQL 15 is not installed ($PGBIN/initdb missing): install the postgresql package (make deps)"
    if [ "$(id -u)" -eq 0 ] && ! getent passwd "$ROLE" >/dev/null; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$ROLE" ||
            die "cannot create the system user $ROLE to run the server as"
    fi
    stop "$dir"
    mkdir -p "$dir" || die "cannot create $dir"
    dir=$(cd "$dir" && pwd)
    local home=$dir
    if [ "$(id -u)" -eq 0 ]; then
        chown "$ROLE" "$dir"
        # A checkout under a private home (/root) is out of the server user's reach: the
        # cluster then lives in /tmp, and DIR says where.
        if ! runuser -u "$ROLE" -- test -w "$dir"; then
            home=$(mktemp -d /tmp/relm-pg.XXXXXX) || die "cannot create a directory in /tmp"
            chown "$ROLE" "$home"
            echo "$home" >"$dir/home"
        fi
    fi
    log=$home/server.log
    # C collation: text sorts by code point, as SQLite sorts it.
    as_owner "$PGBIN/initdb" -D "$home/data" -U "$ROLE" --auth=trust --encoding=UTF8 \
        --lc-collate=C --lc-ctype=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb in $home/data failed"; }
    for attempt in 1 2 3; do
        port=$(free_port) || die "no free port found"
        if as_owner "$PGBIN/pg_ctl" -D "$home/data" -l "$log" -w -t 60 start \
            -o "-p $port -h 127.0.0.1 -k $home -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${RELM_PG_OPTS:-}" \
            >/dev/null 2>&1; then
            echo "$port" >"$dir/port"
            echo "postgresql://$ROLE@127.0.0.1:$port"
            return 0
        fi
        # Another program may have taken the port in between: try another.
        as_owner "$PGBIN/pg_ctl" -D "$home/data" -m immediate stop >/dev/null 2>&1
    done
    cat "$log" >&2 2>/dev/null
    die "the PostgreSQL server in $dir did not start"
}

stop() {
    local dir=$1 home
    [ -d "$dir" ] || return 0
    home=$dir
    [ -f "$dir/home" ] && home=$(cat "$dir/home")
    if [ -f "$home/data/postmaster.pid" ]; then
        as_owner "$PGBIN/pg_ctl" -D "$home/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            as_owner "$PGBIN/pg_ctl" -D "$home/data" -m immediate stop >/dev/null 2>&1
    fi
    [ "$home" != "$dir" ] && rm -rf "$home"
    rm -rf "$dir"
}

[ $# -eq 2 ] || die "usage: scripts/pg.sh start|stop|url DIR"
case "$1" in
start) start "$2" ;;
stop) stop "$2" ;;
url)
    [ -f "$2/port" ] || die "no server is running in $2"
    echo "postgresql://$ROLE@127.0.0.1:$(cat "$2/port")"
    ;;
*) die "usage: scripts/pg.sh start|stop|url DIR" ;;
esac
