/*
 * The PostgreSQL backend: one libpq connection per store, named by a URL
 * (postgresql://user@host:port/dbname or postgres://...; libpq's own parameters such as
 * ?sslmode=require and the PG* environment variables apply).
 *
 * Statements: the `?` placeholders of the domain SQL become $1, $2, ... (a `?` inside a
 * quoted literal, a quoted name or a comment stays). Each statement is prepared once per
 * connection under a generated name, parameter types left for the server to infer from
 * their use, as SQLite does; where the server cannot infer one (SELECT ? in an INSERT's
 * column list, ? IS NULL) the statement is run with the types of its bindings instead
 * (integers as bigint, text and NULL as text). Values are read as text, integers parsed from
 * it, booleans shown as 1 and 0 as SQLite shows them.
 *
 * Rows of a SELECT stream: libpq's single-row mode hands them over one at a time
 * as the server sends them, so reading a million rows takes the memory of one, as on
 * SQLite, in the same round trips as a whole result. A connection that streams can run
 * nothing else, and domain code may step a second statement while the first still has
 * rows: when another statement (or anything else) needs the connection, the rest of the
 * streaming one is read ahead into memory first (settle) and stepped from there, as a
 * whole result would be. Other statements (writes, transaction control) arrive whole, so
 * that their changed-row counts are known at their first step, and so does a SELECT whose
 * own LIMIT caps it at WHOLE_ROWS rows or fewer (a page, a lookup): one result costs less
 * than a result per row, and its memory is bounded all the same.
 *
 * Transactions: BEGIN (read committed); nesting is savepoints (store.c). Writers are
 * serialised where it matters by row locks: counters are taken with UPDATE ... RETURNING
 * (lib/table.c), number series lines with UPDATE (lib/numseries.c), so two connections
 * never hand out one number and a rolled-back transaction gives its numbers back. Read
 * committed never fails with a serialisation error of its own; a deadlock (two
 * transactions locking the same rows in opposite order) or a serialization failure
 * (40P01, 40001) fails the statement with RELM_EBUSY and marks the transaction as one that
 * may succeed when run again (take_conflict, relm_store_conflict): relm_transaction()
 * rolls it back and runs it again.
 *
 * A statement that waits longer than the busy wait for a lock fails with RELM_EBUSY
 * (lock_timeout). A lost connection fails the statement in flight with RELM_EIO; the next
 * use reconnects (PQreset) and prepares its statements again on the new connection.
 *
 * relm_fold(text) is created by the schema (lib/relm.c) as lower() of the NFC form, with
 * ICU's root locale when the server has it, so that it folds all of Unicode whatever the
 * database's own locale. The database must be UTF-8: others are refused at open.
 */
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store.h"

#define BOOL_OID 16
#define INT8_OID 20
#define TEXT_OID 25

/* A SELECT limited to this many rows arrives whole; more (or no limit): it streams. */
#define WHOLE_ROWS 1000

typedef struct pg_db {
    PGconn *conn;
    char *name;      /* database name, for messages (the URL may hold a password) */
    unsigned epoch;  /* bumped on every reconnect: statements prepared before are gone */
    unsigned serial; /* for statement names */
    int busy_ms;
    int64_t changes;
    int tx_lost;  /* the connection died inside a transaction: only ROLLBACK goes on */
    int conflict; /* a statement failed with a deadlock or serialization failure */

    struct pg_stmt *streaming; /* the statement whose rows are arriving, if any */
} pg_db_t;

/* Where a statement's run is. */
enum {
    RUN_IDLE,   /* not run since its last reset (or its run failed) */
    RUN_STREAM, /* its rows are arriving on the connection (it is db->streaming) */
    RUN_WHOLE   /* the server is done with it: rows left are in res and ahead */
};

typedef struct pg_stmt {
    pg_db_t *db;
    char *sql; /* with $n placeholders */
    int nparams;
    char name[32];
    unsigned epoch; /* the connection epoch it was prepared in; 0: not prepared */
    int typed;      /* run with the bindings' types (PQexecParams), not prepared */
    char **values;
    Oid *types;
    int streams;     /* a SELECT: its rows are read one at a time (single-row mode) */
    int limit;       /* its top-level LIMIT: a constant n, -n for parameter $n, 0: none */
    int run;         /* RUN_IDLE, RUN_STREAM or RUN_WHOLE */
    int in_tx;       /* the run started inside a transaction */
    PGresult *res;   /* the rows at hand: one (streaming) or all of a whole result */
    PGresult *desc;  /* column description before the first run */
    int row;         /* the current row of res */
    PGresult *ahead; /* rows read ahead (settle), stepped when res is used up */
    int late_rc;     /* a failure found while reading ahead, reported after those rows */
    relm_error_t late_err;
} pg_stmt_t;

static const char *sqlstate(const PGresult *res)
{
    const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return s ? s : "";
}

/* The server's message, its first line only, without libpq's "ERROR:  " prefix. */
static void server_message(pg_db_t *db, const PGresult *res, char *out, size_t n)
{
    const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!m || !*m)
        m = PQerrorMessage(db->conn);
    snprintf(out, n, "%s", m && *m ? m : "no message from the server");
    out[strcspn(out, "\n")] = '\0'; /* libpq adds hints on further lines */
    size_t l = strlen(out);
    while (l > 0 && (out[l - 1] == '\n' || out[l - 1] == ' '))
        out[--l] = '\0';
}

static int connection_lost(pg_db_t *db)
{
    return PQstatus(db->conn) != CONNECTION_OK;
}

/* Map a failed result (or a dead connection) to a relm code with a sentence a user reads. */
static int map_error(pg_db_t *db, const PGresult *res, relm_error_t *err)
{
    char msg[400];
    const char *st = sqlstate(res);
    server_message(db, res, msg, sizeof(msg));
    if (connection_lost(db) || strncmp(st, "08", 2) == 0 || strncmp(st, "57P", 3) == 0)
        return relm_error_set(err, RELM_EIO,
                              "the connection to the database server was lost (%s); the "
                              "operation was not completed",
                              msg);
    if (strcmp(st, "23505") == 0)
        return relm_error_set(err, RELM_EEXISTS, "the record already exists (%s)", msg);
    if (strcmp(st, "23503") == 0)
        return relm_error_set(err, RELM_EINUSE, "the record is referenced by other records");
    if (strncmp(st, "23", 2) == 0)
        return relm_error_set(err, RELM_EVALIDATION, "a value is not allowed (%s)", msg);
    if (strcmp(st, "55P03") == 0 || strcmp(st, "57014") == 0)
        return relm_error_set(err, RELM_EBUSY, "the database is busy with another job; try again");
    if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0) {
        db->conflict = 1; /* the store marks its transaction: running it again may succeed */
        return relm_error_set(err, RELM_EBUSY,
                              "the database was changed by another job at the same time; "
                              "nothing was saved; try again");
    }
    if (strcmp(st, "25P02") == 0)
        return relm_error_set(err, RELM_ESTORAGE,
                              "an earlier statement of this transaction failed; it is "
                              "rolled back");
    if (strcmp(st, "53100") == 0 || strcmp(st, "53200") == 0)
        return relm_error_set(err, strcmp(st, "53200") == 0 ? RELM_ENOMEM : RELM_EIO,
                              "the database server is out of %s (%s)",
                              strcmp(st, "53200") == 0 ? "memory" : "disk space", msg);
    if (strncmp(st, "22", 2) == 0)
        return relm_error_set(err, RELM_EVALIDATION, "a value is not allowed (%s)", msg);
    if (strcmp(st, "42501") == 0)
        return relm_error_set(
            err, RELM_EIO, "the database user may not do this in database %s (%s)", db->name, msg);
    return relm_error_set(err, RELM_ESTORAGE, "database error: %s", msg);
}

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Session settings every (re)connection starts with. */
static int session_setup(pg_db_t *db, relm_error_t *err)
{
    char sql[160];
    const char *enc = PQparameterStatus(db->conn, "server_encoding");
    if (!enc || strcmp(enc, "UTF8") != 0)
        return relm_error_set(err, RELM_ESCHEMA,
                              "database %s has encoding %s; relm needs a UTF8 database "
                              "(CREATE DATABASE ... ENCODING 'UTF8' TEMPLATE template0)",
                              db->name, enc ? enc : "unknown");
    if (PQsetClientEncoding(db->conn, "UTF8") != 0)
        return relm_error_set(err, RELM_EIO, "database %s: the client encoding cannot be set",
                              db->name);
    PQsetNoticeProcessor(db->conn, quiet, NULL);
    snprintf(sql, sizeof(sql),
             "SET client_min_messages = warning; SET lock_timeout = %d; "
             "SET DateStyle = 'ISO'; SET standard_conforming_strings = on",
             db->busy_ms > 0 ? db->busy_ms : 1);
    PGresult *res = PQexec(db->conn, sql);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : map_error(db, res, err);
    PQclear(res);
    return rc;
}

/*
 * Read whatever waits on an idle connection. A server that ended the session sent its
 * last message (taken as a notice) and closed the socket: the message and the end of the
 * stream can take two reads, after which libpq marks the connection bad.
 */
static void drain_idle(pg_db_t *db)
{
    struct pollfd p = {PQsocket(db->conn), POLLIN, 0};
    for (int i = 0; i < 4 && p.fd >= 0 && poll(&p, 1, 0) == 1; i++)
        if (!PQconsumeInput(db->conn) || connection_lost(db))
            return;
}

static void settle(pg_db_t *db);

/* Reconnect when the connection was lost; statements are prepared again lazily. */
static int ensure_connection(pg_db_t *db, relm_error_t *err)
{
    settle(db); /* a statement still streaming gives up the connection first */
    /* What the lost transaction did is gone: its caller must roll back before going on. */
    if (db->tx_lost)
        return relm_error_set(err, RELM_EIO,
                              "the connection to the database server was lost during a "
                              "transaction; nothing of it was saved");
    /*
     * Between transactions, read what the server sent while the connection sat idle: a
     * server that restarted (or ended the session) has closed it, and libpq only learns so
     * on reading. Found now, the connection is made again before the statement instead of
     * the statement failing on it.
     */
    if (!connection_lost(db) && PQtransactionStatus(db->conn) == PQTRANS_IDLE)
        drain_idle(db);
    if (!connection_lost(db))
        return 0;
    PQreset(db->conn);
    if (connection_lost(db)) {
        char msg[400];
        server_message(db, NULL, msg, sizeof(msg));
        return relm_error_set(err, RELM_EIO, "the database server of %s cannot be reached (%s)",
                              db->name, msg);
    }
    db->epoch++;
    return session_setup(db, err);
}

static int pg_open(const char *target, int create, void **out, relm_error_t *err)
{
    (void)create;
    pg_db_t *db = calloc(1, sizeof(*db));
    if (!db)
        return relm_error_set(err, RELM_ENOMEM, "out of memory opening a database");
    db->epoch = 1;
    db->busy_ms = RELM_STORE_BUSY_MS;
    db->conn = PQconnectdb(target);
    if (!db->conn) {
        free(db);
        return relm_error_set(err, RELM_ENOMEM, "out of memory opening a database");
    }
    const char *dbname = PQdb(db->conn);
    db->name = strdup(dbname && *dbname ? dbname : "(unnamed)");
    if (!db->name) {
        PQfinish(db->conn);
        free(db);
        return relm_error_set(err, RELM_ENOMEM, "out of memory opening a database");
    }
    int rc;
    if (PQstatus(db->conn) != CONNECTION_OK) {
        char msg[400];
        server_message(db, NULL, msg, sizeof(msg));
        /* libpq has no code for "no such database": its message is all there is. */
        int missing = strstr(msg, "does not exist") != NULL;
        rc = relm_error_set(err, missing ? RELM_ENOTFOUND : RELM_EIO,
                            "PostgreSQL database %s cannot be opened: %s%s", db->name, msg,
                            missing ? " (create it with createdb, then run relm init)" : "");
    } else {
        rc = session_setup(db, err);
    }
    if (rc) {
        PQfinish(db->conn);
        free(db->name);
        free(db);
        return rc;
    }
    *out = db;
    return 0;
}

static void pg_close(void *p)
{
    pg_db_t *db = p;
    PQfinish(db->conn);
    free(db->name);
    free(db);
}

/* After a statement failed: remember a connection that died inside a transaction. */
static void note_lost(pg_db_t *db, int in_tx)
{
    if (in_tx && connection_lost(db))
        db->tx_lost = 1;
}

static int in_transaction(pg_db_t *db)
{
    PGTransactionStatusType t = PQtransactionStatus(db->conn);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

/* Append the rows of r to *into (made with r's columns when NULL); 0, or -1 out of memory. */
static int keep_rows(PGresult **into, const PGresult *r)
{
    int n = PQntuples(r), nf = PQnfields(r);
    if (!*into && !(*into = PQcopyResult(r, PG_COPYRES_ATTRS)))
        return -1;
    int base = PQntuples(*into);
    for (int t = 0; t < n; t++)
        for (int f = 0; f < nf; f++) {
            int null = PQgetisnull(r, t, f);
            if (!PQsetvalue(*into, base + t, f, null ? NULL : PQgetvalue(r, t, f),
                            null ? -1 : PQgetlength(r, t, f)))
                return -1;
        }
    return 0;
}

/*
 * Something else needs the connection while a statement streams: read the rest of its
 * rows into memory (its current row stays valid) and let it step on from there. Only then
 * does a result take memory in proportion to its rows, as every result did before rows
 * streamed. A failure on the way is reported by the statement's step after those rows.
 */
static void settle(pg_db_t *db)
{
    pg_stmt_t *s = db->streaming;
    if (!s)
        return;
    db->streaming = NULL;
    s->run = RUN_WHOLE;
    PGresult *r;
    while ((r = PQgetResult(db->conn)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (s->late_rc) {
            /* after a failure: drain only */
        } else if (st == PGRES_TUPLES_OK && !s->ahead) {
            s->ahead = r; /* the rows arrived whole after all (or there are none left) */
            r = NULL;
        } else if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) {
            if (keep_rows(&s->ahead, r)) {
                PQclear(s->ahead);
                s->ahead = NULL;
                s->late_rc = relm_error_set(&s->late_err, RELM_ENOMEM,
                                            "out of memory reading the rows of a query");
            }
        } else if (st != PGRES_COMMAND_OK) {
            s->late_rc = map_error(db, r, &s->late_err);
            note_lost(db, s->in_tx);
        }
        PQclear(r);
    }
}

/* The streaming statement is reset before its end: read and drop the rest of its rows. */
static void discard(pg_db_t *db)
{
    pg_stmt_t *s = db->streaming;
    db->streaming = NULL;
    PGresult *r;
    while ((r = PQgetResult(db->conn)) != NULL) {
        if (PQresultStatus(r) == PGRES_FATAL_ERROR) {
            /* Nobody reads the message, but a conflict or a lost transaction must count. */
            relm_error_t ignored;
            map_error(db, r, &ignored);
            note_lost(db, s->in_tx);
        }
        PQclear(r);
    }
}

static int pg_exec(void *p, const char *sql, relm_error_t *err)
{
    pg_db_t *db = p;
    if (strcmp(sql, "ROLLBACK") == 0 && db->tx_lost) {
        db->tx_lost = 0; /* the server rolled it back when the connection died */
        return ensure_connection(db, err);
    }
    int rc = ensure_connection(db, err);
    if (rc)
        return rc;
    int in_tx = in_transaction(db);
    PGresult *res = PQexec(db->conn, sql);
    ExecStatusType s = PQresultStatus(res);
    rc = (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_EMPTY_QUERY)
             ? 0
             : map_error(db, res, err);
    if (rc)
        note_lost(db, in_tx);
    PQclear(res);
    return rc;
}

/*
 * Copy sql with every `?` outside literals, quoted names and comments replaced by $n;
 * *nparams is the number of placeholders.
 */
static char *rewrite_placeholders(const char *sql, int *nparams)
{
    size_t n = strlen(sql), cap = n + 1;
    for (const char *c = sql; *c; c++)
        if (*c == '?')
            cap += 6;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t o = 0;
    int k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = sql[i];
        if (c == '\'' || c == '"') {
            /* A doubled quote inside stays inside: copy to the closing one. */
            out[o++] = c;
            for (i++; i < n; i++) {
                out[o++] = sql[i];
                if (sql[i] == c) {
                    if (i + 1 < n && sql[i + 1] == c)
                        out[o++] = sql[++i];
                    else
                        break;
                }
            }
        } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            for (; i < n && sql[i] != '\n'; i++)
                out[o++] = sql[i];
            if (i < n)
                out[o++] = sql[i];
        } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            out[o++] = sql[i++];
            out[o++] = sql[i++];
            for (; i < n && !(sql[i] == '*' && i + 1 < n && sql[i + 1] == '/'); i++)
                out[o++] = sql[i];
            if (i < n) {
                out[o++] = sql[i++];
                out[o++] = sql[i];
            }
        } else if (c == '?') {
            o += (size_t)snprintf(out + o, cap - o, "$%d", ++k);
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    *nparams = k;
    return out;
}

/*
 * Errors that mean "the server could not settle a parameter's type from its use": the
 * statement is then run with the types of its bindings.
 */
static int untyped_parameter(const char *st)
{
    return strcmp(st, "42P18") == 0 || strcmp(st, "42804") == 0 || strcmp(st, "42883") == 0 ||
           strcmp(st, "42725") == 0;
}

/* A failure inside a transaction aborts it in PostgreSQL: a savepoint keeps it usable. */
static void savepoint(pg_db_t *db, const char *sql)
{
    PQclear(PQexec(db->conn, sql));
}

static int prepare_now(pg_stmt_t *s, relm_error_t *err)
{
    pg_db_t *db = s->db;
    if (s->typed || s->epoch == db->epoch)
        return 0;
    int rc = ensure_connection(db, err);
    if (rc)
        return rc;
    int in_tx = PQtransactionStatus(db->conn) == PQTRANS_INTRANS;
    if (in_tx)
        savepoint(db, "SAVEPOINT relm_prepare");
    snprintf(s->name, sizeof(s->name), "relm_%u", ++db->serial);
    PGresult *res = PQprepare(db->conn, s->name, s->sql, s->nparams, NULL);
    if (PQresultStatus(res) == PGRES_COMMAND_OK) {
        PQclear(res);
        if (in_tx)
            savepoint(db, "RELEASE SAVEPOINT relm_prepare");
        s->epoch = db->epoch;
        return 0;
    }
    if (in_tx && !connection_lost(db)) {
        savepoint(db, "ROLLBACK TO SAVEPOINT relm_prepare");
        savepoint(db, "RELEASE SAVEPOINT relm_prepare");
    }
    if (untyped_parameter(sqlstate(res)) && s->nparams > 0) {
        PQclear(res);
        s->typed = 1;
        return 0;
    }
    rc = map_error(db, res, err);
    note_lost(db, in_tx);
    PQclear(res);
    return rc;
}

static void clear_bindings(pg_stmt_t *s)
{
    for (int i = 0; i < s->nparams; i++) {
        free(s->values[i]);
        s->values[i] = NULL;
        s->types[i] = 0;
    }
}

/* Forget the run: the next step runs the statement again (bindings stay). */
static void end_run(pg_stmt_t *s)
{
    PQclear(s->res);
    PQclear(s->ahead);
    s->res = s->ahead = NULL;
    s->row = -1;
    s->run = RUN_IDLE;
    s->late_rc = 0;
}

static void pg_finalize(void *p)
{
    pg_stmt_t *s = p;
    if (!s)
        return;
    if (s->db->streaming == s)
        discard(s->db);
    PQclear(s->ahead);
    PQclear(s->res);
    PQclear(s->desc);
    clear_bindings(s);
    free(s->values);
    free(s->types);
    free(s->sql);
    free(s);
}

/* A statement that may return many rows: a SELECT (read in leading blanks and brackets). */
static int returns_rows(const char *sql)
{
    sql += strspn(sql, " \t\r\n(");
    return strncasecmp(sql, "SELECT", 6) == 0;
}

/*
 * The LIMIT at the top level of sql (outside brackets and quotes, so not a subquery's): the
 * constant (0 when above WHOLE_ROWS), -n for the parameter $n, 0 when there is none.
 */
static int limit_of(const char *sql)
{
    int depth = 0, limit = 0;
    for (const char *c = sql; *c; c++) {
        if (*c == '\'' || *c == '"') {
            const char *end = strchr(c + 1, *c); /* a doubled quote: two literals, as good */
            if (!end)
                break;
            c = end;
        } else if (*c == '(') {
            depth++;
        } else if (*c == ')') {
            depth--;
        } else if (depth == 0 && c > sql && strchr(" \t\r\n)", c[-1]) &&
                   strncasecmp(c, "LIMIT", 5) == 0 && c[5] && strchr(" \t\r\n", c[5])) {
            const char *v = c + 5 + strspn(c + 5, " \t\r\n");
            int param = *v == '$';
            long n = strtol(v + param, NULL, 10);
            limit = n <= 0 ? 0 : param ? (int)-n : n > WHOLE_ROWS ? 0 : (int)n;
        }
    }
    return limit;
}

/* Whether this run of s may return more than WHOLE_ROWS rows: then its rows stream. */
static int may_be_long(const pg_stmt_t *s)
{
    if (!s->streams)
        return 0;
    long long n = s->limit;
    if (n < 0) {
        const char *v = -n <= s->nparams ? s->values[-n - 1] : NULL;
        n = v ? strtoll(v, NULL, 10) : 0;
    }
    return n <= 0 || n > WHOLE_ROWS;
}

static int pg_prepare(void *p, const char *sql, void **out, relm_error_t *err)
{
    pg_db_t *db = p;
    pg_stmt_t *s = calloc(1, sizeof(*s));
    if (!s)
        return relm_error_set(err, RELM_ENOMEM, "out of memory preparing a statement");
    s->db = db;
    s->row = -1;
    s->streams = returns_rows(sql);
    s->sql = rewrite_placeholders(sql, &s->nparams);
    if (s->sql && s->nparams > 0) {
        s->values = calloc((size_t)s->nparams, sizeof(*s->values));
        s->types = calloc((size_t)s->nparams, sizeof(*s->types));
    }
    if (!s->sql || (s->nparams > 0 && (!s->values || !s->types))) {
        pg_finalize(s);
        return relm_error_set(err, RELM_ENOMEM, "out of memory preparing a statement");
    }
    if (s->streams)
        s->limit = limit_of(s->sql);
    int rc = prepare_now(s, err);
    if (rc) {
        pg_finalize(s);
        return rc;
    }
    *out = s;
    return 0;
}

static void pg_reset(void *p)
{
    pg_stmt_t *s = p;
    if (s->db->streaming == s)
        discard(s->db);
    end_run(s);
    clear_bindings(s);
}

static void bind_value(pg_stmt_t *s, int i, char *v, Oid type)
{
    if (i < 1 || i > s->nparams) {
        free(v);
        return;
    }
    free(s->values[i - 1]);
    s->values[i - 1] = v;
    s->types[i - 1] = type;
}

static void pg_bind_text(void *p, int i, const char *v)
{
    bind_value(p, i, strdup(v), TEXT_OID);
}

static void pg_bind_int(void *p, int i, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    bind_value(p, i, strdup(buf), INT8_OID);
}

static void pg_bind_null(void *p, int i)
{
    bind_value(p, i, NULL, TEXT_OID);
}

/* INSERT, UPDATE, DELETE and MERGE count changed rows; other statements keep the last count. */
static void note_changes(pg_db_t *db, const PGresult *res)
{
    const char *cmd = PQcmdStatus((PGresult *)res);
    if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
        strncmp(cmd, "DELETE", 6) == 0 || strncmp(cmd, "MERGE", 5) == 0)
        db->changes = strtoll(PQcmdTuples((PGresult *)res), NULL, 10);
}

/* Run s: a SELECT that may be long starts streaming, other statements arrive whole. */
static int start_run(pg_db_t *db, pg_stmt_t *s, relm_error_t *err)
{
    int rc = ensure_connection(db, err);
    if (rc == 0)
        rc = prepare_now(s, err);
    if (rc)
        return rc;
    const char *const *values = (const char *const *)s->values;
    s->in_tx = in_transaction(db);
    if (may_be_long(s)) {
        int sent =
            s->typed
                ? PQsendQueryParams(db->conn, s->sql, s->nparams, s->types, values, NULL, NULL, 0)
                : PQsendQueryPrepared(db->conn, s->name, s->nparams, values, NULL, NULL, 0);
        if (!sent) {
            rc = map_error(db, NULL, err);
            note_lost(db, s->in_tx);
            return rc;
        }
        /* When libpq cannot switch, the rows arrive whole: they are stepped the same way. */
        PQsetSingleRowMode(db->conn);
        s->run = RUN_STREAM;
        db->streaming = s;
        return 0;
    }
    PGresult *res =
        s->typed ? PQexecParams(db->conn, s->sql, s->nparams, s->types, values, NULL, NULL, 0)
                 : PQexecPrepared(db->conn, s->name, s->nparams, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        rc = map_error(db, res, err);
        note_lost(db, s->in_tx);
        PQclear(res);
        return rc;
    }
    note_changes(db, res);
    s->res = res;
    s->row = -1;
    s->run = RUN_WHOLE;
    return 0;
}

/* The next row (or rows) of the streaming statement s into res, or the end of its run. */
static int receive(pg_db_t *db, pg_stmt_t *s, relm_error_t *err)
{
    PGresult *r = PQgetResult(db->conn);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_COMMAND_OK;
    if (st == PGRES_SINGLE_TUPLE) {
        PQclear(s->res);
        s->res = r;
        s->row = -1;
        return 0;
    }
    /* The run's last result: read on to the end of it so that the connection is free. */
    db->streaming = NULL;
    s->run = RUN_WHOLE;
    if (!r)
        return 0;
    PGresult *more;
    while ((more = PQgetResult(db->conn)) != NULL)
        PQclear(more);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
        note_changes(db, r);
        PQclear(s->res);
        s->res = r; /* no rows in single-row mode, but the columns for pg_columns() */
        s->row = -1;
        return 0;
    }
    int rc = map_error(db, r, err);
    note_lost(db, s->in_tx);
    PQclear(r);
    return rc;
}

static int pg_step(void *p, void *sp, relm_error_t *err)
{
    pg_db_t *db = p;
    pg_stmt_t *s = sp;
    int rc;
    if (s->run == RUN_IDLE && (rc = start_run(db, s, err)) != 0)
        return rc;
    for (;;) {
        if (s->res && s->row + 1 < PQntuples(s->res)) {
            s->row++;
            return RELM_STEP_ROW;
        }
        if (s->run == RUN_STREAM) {
            if ((rc = receive(db, s, err)) != 0) {
                end_run(s);
                return rc;
            }
        } else if (s->ahead) {
            PQclear(s->res);
            s->res = s->ahead;
            s->ahead = NULL;
            s->row = -1;
        } else if (s->late_rc) {
            rc = s->late_rc;
            if (err)
                *err = s->late_err;
            end_run(s);
            return rc;
        } else {
            if (s->res)
                s->row = PQntuples(s->res);
            return RELM_STEP_DONE;
        }
    }
}

static int on_row(const pg_stmt_t *s, int i)
{
    return s->res && s->row >= 0 && s->row < PQntuples(s->res) && i >= 0 && i < PQnfields(s->res);
}

static const char *pg_text(void *p, int i)
{
    pg_stmt_t *s = p;
    if (!on_row(s, i) || PQgetisnull(s->res, s->row, i))
        return NULL;
    const char *v = PQgetvalue(s->res, s->row, i);
    if (PQftype(s->res, i) == BOOL_OID)
        return *v == 't' ? "1" : "0";
    return v;
}

static int64_t pg_integer(void *p, int i)
{
    pg_stmt_t *s = p;
    if (!on_row(s, i) || PQgetisnull(s->res, s->row, i))
        return 0;
    const char *v = PQgetvalue(s->res, s->row, i);
    if (PQftype(s->res, i) == BOOL_OID)
        return *v == 't';
    return strtoll(v, NULL, 10);
}

static int pg_is_null(void *p, int i)
{
    pg_stmt_t *s = p;
    return !on_row(s, i) || PQgetisnull(s->res, s->row, i);
}

/* The result's shape: of the last run, or described by the server before a run. */
static const PGresult *shape(pg_stmt_t *s)
{
    if (s->res)
        return s->res;
    if (!s->desc && !s->typed && s->epoch == s->db->epoch) {
        settle(s->db);
        s->desc = PQdescribePrepared(s->db->conn, s->name);
    }
    return s->desc && PQresultStatus(s->desc) == PGRES_COMMAND_OK ? s->desc : NULL;
}

static int pg_columns(void *p)
{
    const PGresult *r = shape(p);
    return r ? PQnfields(r) : 0;
}

static const char *pg_column_name(void *p, int i)
{
    const PGresult *r = shape(p);
    return r && i >= 0 && i < PQnfields(r) ? PQfname(r, i) : NULL;
}

static int64_t pg_changes(void *p)
{
    return ((pg_db_t *)p)->changes;
}

/* lock_timeout 0 would wait for ever: the shortest wait stands for "fail at once". */
static void pg_busy_wait(void *p, int ms)
{
    pg_db_t *db = p;
    char sql[64];
    db->busy_ms = ms;
    settle(db);
    if (connection_lost(db))
        return; /* session_setup applies it on reconnect */
    snprintf(sql, sizeof(sql), "SET lock_timeout = %d", ms > 0 ? ms : 1);
    PQclear(PQexec(db->conn, sql));
}

static int pg_take_conflict(void *p)
{
    pg_db_t *db = p;
    int c = db->conflict;
    db->conflict = 0;
    return c;
}

static int pg_backup(void *p, const char *path, relm_error_t *err)
{
    pg_db_t *db = p;
    (void)path;
    return relm_error_set(err, RELM_EUSAGE,
                          "database %s is on a PostgreSQL server: back it up with pg_dump "
                          "(pg_dump -Fc -f FILE DBNAME), not with relm",
                          db->name);
}

const relm_store_backend_t relm_postgres_backend = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_text = pg_bind_text,
    .bind_int = pg_bind_int,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .text = pg_text,
    .integer = pg_integer,
    .is_null = pg_is_null,
    .columns = pg_columns,
    .column_name = pg_column_name,
    .changes = pg_changes,
    .sorts = NULL,
    .plan_sorts = NULL,
    .sequence = NULL,
    .sequence_sql = NULL,
    .fold_sql = "relm_fold",
    .begin_sql = "BEGIN",
    .busy_wait = pg_busy_wait,
    .backup = pg_backup,
    .set_cache_kib = NULL,
    .take_conflict = pg_take_conflict,
};
