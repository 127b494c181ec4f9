/*
 * Storage dispatch: URL parsing, the statement cache and nested transactions.
 *
 * The cache maps SQL text to prepared statements. A statement handed out is marked
 * busy; asking for the same SQL while it is busy (a nested iteration) prepares a second
 * one, so callers never share a cursor.
 */
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "store.h"

#define CACHE_BUCKETS 256
#define RECENT_SLOTS  64

struct relm_stmt {
    relm_store_t *store;
    char *sql;
    void *handle;
    int busy;
    struct relm_stmt *next;
};

struct relm_store {
    const relm_store_backend_t *be;
    void *db;
    int depth;
    int conflict; /* the outermost transaction was aborted for a deadlock or serialization */
    int busy_ms;  /* the wait set by relm_store_set_busy_wait */
    int has_sequence;
    int64_t sequence;
    struct relm_stmt *cache[CACHE_BUCKETS];
    /* Last statement seen per SQL address: a hit skips hashing the text (hot loops). */
    struct {
        const char *sql;
        struct relm_stmt *stmt;
    } recent[RECENT_SLOTS];
};

static unsigned hash_sql(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % CACHE_BUCKETS;
}

int relm_store_open(const char *url, int create, relm_store_t **out, relm_error_t *err)
{
    const relm_store_backend_t *be = &relm_sqlite_backend;
    const char *target = url;
    *out = NULL;
    if (strncmp(url, "sqlite:", 7) == 0) {
        target = url + 7;
        if (strncmp(target, "//", 2) == 0)
            target += 2;
    } else if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
        /* libpq reads the URL itself (host, port, user, database, ?sslmode=...). */
        be = &relm_postgres_backend;
    } else if (strncmp(url, "postgres:", 9) == 0 || strncmp(url, "postgresql:", 11) == 0) {
        return relm_error_set(err, RELM_EUSAGE,
                              "database URL \"%s\": write postgresql://USER@HOST:PORT/DBNAME", url);
    }
    if (!*target)
        return relm_error_set(err, RELM_EUSAGE, "database URL \"%s\" names no file", url);
    relm_store_t *st = calloc(1, sizeof(*st));
    if (!st)
        return relm_error_set(err, RELM_ENOMEM, "out of memory opening %s", url);
    st->be = be;
    st->busy_ms = RELM_STORE_BUSY_MS;
    int rc = be->open(target, create, &st->db, err);
    if (rc) {
        free(st);
        return rc;
    }
    st->has_sequence = be->sequence && be->sequence_sql && be->sequence(st->db, &st->sequence) == 0;
    *out = st;
    return 0;
}

void relm_store_close(relm_store_t *st)
{
    if (!st)
        return;
    while (st->depth > 0)
        relm_store_rollback(st);
    for (int b = 0; b < CACHE_BUCKETS; b++) {
        struct relm_stmt *s = st->cache[b];
        while (s) {
            struct relm_stmt *next = s->next;
            st->be->finalize(s->handle);
            free(s->sql);
            free(s);
            s = next;
        }
    }
    st->be->close(st->db);
    free(st);
}

const char *relm_store_fold(const relm_store_t *st)
{
    return st->be->fold_sql;
}

const char *relm_store_engine(const relm_store_t *st)
{
    return st->be->name;
}

/* After a failure: remember that the engine aborted the transaction for a conflict. */
static int noted(relm_store_t *st, int rc)
{
    if (rc < 0 && st->be->take_conflict && st->be->take_conflict(st->db))
        st->conflict = 1;
    return rc;
}

int relm_store_exec(relm_store_t *st, const char *sql, relm_error_t *err)
{
    return noted(st, st->be->exec(st->db, sql, err));
}

int relm_store_set_cache_kib(relm_store_t *st, int kib, relm_error_t *err)
{
    if (!st->be->set_cache_kib)
        return 0;
    return st->be->set_cache_kib(st->db, kib < 64 ? 64 : kib, err);
}

/* Run a transaction-control statement through the statement cache (no re-parsing). */
static int control(relm_store_t *st, const char *sql, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(st, sql, &s, err);
    return rc ? rc : relm_stmt_run(s, err);
}

static void savepoint_sql(char *buf, size_t n, const char *verb, int level)
{
    snprintf(buf, n, "%s s%d", verb, level);
}

int relm_store_begin(relm_store_t *st, relm_error_t *err)
{
    char sql[32];
    int rc;
    if (st->depth == 0) {
        /* A new transaction: what aborted an earlier one no longer counts. */
        st->conflict = 0;
        if (st->be->take_conflict)
            st->be->take_conflict(st->db);
        rc = control(st, st->be->begin_sql, err);
    } else {
        savepoint_sql(sql, sizeof(sql), "SAVEPOINT", st->depth);
        rc = control(st, sql, err);
    }
    if (rc == 0)
        st->depth++;
    return rc;
}

int relm_store_commit(relm_store_t *st, relm_error_t *err)
{
    char sql[32];
    int rc;
    if (st->depth <= 0)
        return relm_error_set(err, RELM_EUSAGE, "commit without a transaction");
    if (st->depth == 1) {
        /*
         * Part of the transaction was aborted by the engine (a savepoint rolled back over a
         * deadlock does not bring that part back): commit nothing, so that it is run again
         * whole.
         */
        if (st->conflict) {
            relm_store_rollback(st);
            return relm_error_set(err, RELM_EBUSY,
                                  "the database was changed by another job at the same time; "
                                  "nothing was saved; try again");
        }
        rc = control(st, "COMMIT", err);
        if (rc) {
            relm_store_rollback(st);
            return rc;
        }
    } else {
        savepoint_sql(sql, sizeof(sql), "RELEASE", st->depth - 1);
        rc = control(st, sql, err);
        if (rc) {
            relm_store_rollback(st);
            return rc;
        }
    }
    st->depth--;
    return 0;
}

void relm_store_rollback(relm_store_t *st)
{
    relm_error_t ignored;
    char sql[32];
    if (st->depth <= 0)
        return;
    if (st->depth == 1) {
        /* ROLLBACK must also run when statements are pending: no cache for it. */
        st->be->exec(st->db, "ROLLBACK", &ignored);
    } else {
        savepoint_sql(sql, sizeof(sql), "ROLLBACK TO", st->depth - 1);
        control(st, sql, &ignored);
        savepoint_sql(sql, sizeof(sql), "RELEASE", st->depth - 1);
        control(st, sql, &ignored);
    }
    st->depth--;
}

int relm_store_depth(const relm_store_t *st)
{
    return st->depth;
}

int relm_store_conflict(const relm_store_t *st)
{
    return st->conflict;
}

void relm_store_set_busy_wait(relm_store_t *st, int ms)
{
    st->busy_ms = ms;
    if (st->be->busy_wait)
        st->be->busy_wait(st->db, ms);
}

int relm_store_busy_wait(const relm_store_t *st)
{
    return st->busy_ms;
}

int relm_store_backup(relm_store_t *st, const char *path, relm_error_t *err)
{
    if (!st->be->backup)
        return relm_error_set(err, RELM_EUSAGE, "the %s store cannot make backups", st->be->name);
    return st->be->backup(st->db, path, err);
}

int64_t relm_store_changes(relm_store_t *st)
{
    return st->be->changes(st->db);
}

const char *relm_store_sequence(relm_store_t *st)
{
    st->sequence = 0;
    return st->has_sequence ? st->be->sequence_sql : NULL;
}

int64_t relm_store_sequence_value(const relm_store_t *st)
{
    return st->sequence;
}

int relm_store_plan_sorts(relm_store_t *st, const char *sql)
{
    return st->be->plan_sorts ? st->be->plan_sorts(st->db, sql) : 1;
}

int relm_stmt_sorts(relm_stmt_t *s)
{
    /* Without the count, assume the worst: the caller then numbers with ROW_NUMBER(). */
    return s->store->be->sorts ? s->store->be->sorts(s->handle, 1) : 1;
}

int relm_stmt_prepare(relm_store_t *st, const char *sql, relm_stmt_t **out, relm_error_t *err)
{
    unsigned slot = (unsigned)(((uintptr_t)sql >> 3) % RECENT_SLOTS);
    struct relm_stmt *hot = st->recent[slot].stmt;
    /* The address is only a hint (a caller's buffer may hold other SQL now): compare. */
    if (hot && st->recent[slot].sql == sql && !hot->busy && strcmp(hot->sql, sql) == 0) {
        hot->busy = 1;
        *out = hot;
        return 0;
    }
    unsigned b = hash_sql(sql);
    for (struct relm_stmt *s = st->cache[b]; s; s = s->next) {
        if (!s->busy && strcmp(s->sql, sql) == 0) {
            s->busy = 1;
            st->recent[slot].sql = sql;
            st->recent[slot].stmt = s;
            *out = s;
            return 0;
        }
    }
    struct relm_stmt *s = calloc(1, sizeof(*s));
    if (!s || !(s->sql = strdup(sql))) {
        free(s);
        return relm_error_set(err, RELM_ENOMEM, "out of memory preparing a statement");
    }
    int rc = st->be->prepare(st->db, sql, &s->handle, err);
    if (rc) {
        free(s->sql);
        free(s);
        return rc;
    }
    s->store = st;
    s->busy = 1;
    s->next = st->cache[b];
    st->cache[b] = s;
    st->recent[slot].sql = sql;
    st->recent[slot].stmt = s;
    *out = s;
    return 0;
}

void relm_stmt_release(relm_stmt_t *s)
{
    if (!s)
        return;
    s->store->be->reset(s->handle);
    s->busy = 0;
}

void relm_stmt_bind_text(relm_stmt_t *s, int i, const char *v)
{
    if (v)
        s->store->be->bind_text(s->handle, i, v);
    else
        s->store->be->bind_null(s->handle, i);
}

void relm_stmt_bind_text_kept(relm_stmt_t *s, int i, const char *v)
{
    if (v && s->store->be->bind_text_kept)
        s->store->be->bind_text_kept(s->handle, i, v);
    else
        relm_stmt_bind_text(s, i, v);
}

void relm_stmt_bind_int(relm_stmt_t *s, int i, int64_t v)
{
    s->store->be->bind_int(s->handle, i, v);
}

void relm_stmt_bind_null(relm_stmt_t *s, int i)
{
    s->store->be->bind_null(s->handle, i);
}

int relm_stmt_step(relm_stmt_t *s, relm_error_t *err)
{
    return noted(s->store, s->store->be->step(s->store->db, s->handle, err));
}

const char *relm_stmt_text(relm_stmt_t *s, int i)
{
    const char *t = s->store->be->text(s->handle, i);
    return t ? t : "";
}

int64_t relm_stmt_int(relm_stmt_t *s, int i)
{
    return s->store->be->integer(s->handle, i);
}

int relm_stmt_is_null(relm_stmt_t *s, int i)
{
    return s->store->be->is_null(s->handle, i);
}

int relm_stmt_columns(relm_stmt_t *s)
{
    return s->store->be->columns(s->handle);
}

const char *relm_stmt_column_name(relm_stmt_t *s, int i)
{
    return s->store->be->column_name(s->handle, i);
}

int relm_stmt_run(relm_stmt_t *s, relm_error_t *err)
{
    int rc;
    while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW)
        ;
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}
