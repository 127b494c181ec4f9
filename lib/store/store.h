/*
 * The storage interface: the only door between domain code and a database engine.
 *
 * Domain files speak SQL that SQLite and PostgreSQL both accept, with `?` for every
 * parameter (a backend rewrites placeholders to its own form), and never see an engine
 * type. A store is opened by URL: "sqlite:PATH" or a plain path for SQLite,
 * "postgresql://USER@HOST:PORT/DBNAME" (or postgres://) for a PostgreSQL server.
 *
 * Statements are cached per store by their SQL text: relm_stmt_prepare() returns a
 * statement owned by the store, ready to bind; relm_stmt_release() hands it back (reset,
 * bindings cleared). Every prepared statement must be released exactly once.
 *
 * Transactions nest: the outermost relm_store_begin() starts a write transaction (taking
 * the write lock at once, so two writers queue rather than deadlock), inner ones are
 * savepoints. relm_store_rollback() undoes only the innermost level.
 *
 * An engine that runs transactions side by side (PostgreSQL) can abort one to let another
 * go on: a deadlock or a serialization failure. Such a failure is remembered for the
 * outermost transaction (relm_store_conflict) whatever level it happened in: a savepoint
 * rolled back over it does not make the rest of the transaction whole again, so the
 * outermost commit refuses (RELM_EBUSY) and the transaction can only be run again from its
 * start (relm_transaction in lib/relm.c does so).
 */
#ifndef RELM_STORE_H
#define RELM_STORE_H

#include <stdint.h>

#include "relm/error.h"

typedef struct relm_store relm_store_t;
typedef struct relm_stmt relm_stmt_t;

enum { RELM_STEP_ROW = 1, RELM_STEP_DONE = 0 };

/* Open the store named by url; *out is owned by the caller (relm_store_close). */
/* create: make the database if it does not exist (otherwise a missing one is not_found). */
int relm_store_open(const char *url, int create, relm_store_t **out, relm_error_t *err);
void relm_store_close(relm_store_t *st);

/* Name of the backend ("sqlite" or "postgresql"). */
const char *relm_store_engine(const relm_store_t *st);

/* Run SQL text without parameters (schema scripts; several statements allowed). */
int relm_store_exec(relm_store_t *st, const char *sql, relm_error_t *err);

int relm_store_begin(relm_store_t *st, relm_error_t *err);
/* Commit the innermost level; when that fails the level is rolled back, so it is closed either way.
 */
int relm_store_commit(relm_store_t *st, relm_error_t *err);
/* Roll back the innermost level; always succeeds from the caller's point of view. */
void relm_store_rollback(relm_store_t *st);
int relm_store_depth(const relm_store_t *st);
/*
 * Whether the engine aborted the current outermost transaction (or, between transactions,
 * the last one) for a deadlock or a serialization failure: running it again from its start
 * may succeed. Cleared when the next outermost transaction begins.
 */
int relm_store_conflict(const relm_store_t *st);

/*
 * How long (milliseconds) a statement waits for a lock another connection holds before
 * it fails with RELM_EBUSY; 0 fails at once. Open stores wait RELM_STORE_BUSY_MS.
 */
#define RELM_STORE_BUSY_MS 10000
void relm_store_set_busy_wait(relm_store_t *st, int ms);
/* The wait last set (RELM_STORE_BUSY_MS until set). */
int relm_store_busy_wait(const relm_store_t *st);

/*
 * Copy the whole database, while others go on using it, into a new database file at
 * path (created, or overwritten when it exists). RELM_EUSAGE when the engine cannot.
 */
int relm_store_backup(relm_store_t *st, const char *path, relm_error_t *err);

/*
 * Size the page cache to kib KiB (at least 64); 0 when the engine has no such setting or
 * it was applied, else a negative code with err filled.
 */
int relm_store_set_cache_kib(relm_store_t *st, int kib, relm_error_t *err);

/* Rows changed by the last statement. */
int64_t relm_store_changes(relm_store_t *st);

/* Prepare (or take from the cache) a statement; release it with relm_stmt_release. */
int relm_stmt_prepare(relm_store_t *st, const char *sql, relm_stmt_t **out, relm_error_t *err);
void relm_stmt_release(relm_stmt_t *s);

/* Parameters are numbered from 1. A NULL text binds SQL NULL. */
void relm_stmt_bind_text(relm_stmt_t *s, int i, const char *v);
void relm_stmt_bind_int(relm_stmt_t *s, int i, int64_t v);
void relm_stmt_bind_null(relm_stmt_t *s, int i);
/*
 * Bind text the caller keeps unchanged until the statement is released (relm_stmt_run
 * releases it): the engine may read it in place instead of copying it. A NULL text binds
 * SQL NULL.
 */
void relm_stmt_bind_text_kept(relm_stmt_t *s, int i, const char *v);

/* RELM_STEP_ROW, RELM_STEP_DONE, or a negative code (with err filled). */
int relm_stmt_step(relm_stmt_t *s, relm_error_t *err);

/* Columns are numbered from 0. Text is valid until the next step or release; "" for NULL. */
const char *relm_stmt_text(relm_stmt_t *s, int i);
int64_t relm_stmt_int(relm_stmt_t *s, int i);
int relm_stmt_is_null(relm_stmt_t *s, int i);
int relm_stmt_columns(relm_stmt_t *s);
const char *relm_stmt_column_name(relm_stmt_t *s, int i);

/*
 * A row counter for INSERT ... SELECT ... ORDER BY. SQLite's ROW_NUMBER() copies every row
 * it numbers into a buffer before it hands it on; a function that counts the rows as they
 * are produced costs next to nothing. relm_store_sequence() sets the counter to zero and
 * gives the SQL that counts (NULL when the engine has none: use ROW_NUMBER()).
 * The count follows the ORDER BY only when no sort stood between the scan and the output
 * (the plan read an index in that order): check relm_stmt_sorts() after the run.
 */
const char *relm_store_sequence(relm_store_t *st);
int64_t relm_store_sequence_value(const relm_store_t *st);
/* Whether the engine's plan for sql sorts its rows: a forecast (1 when it cannot tell). */
int relm_store_plan_sorts(relm_store_t *st, const char *sql);
/* Sorts the statement has run since it was prepared or last asked; asking restarts it. */
int relm_stmt_sorts(relm_stmt_t *s);

/*
 * The engine's case-folding SQL function: "F" such that F(a) = F(b) when a and b differ
 * only in case, for all of Unicode ("KONTORMØBLER" and "kontormøbler"). Domain code writes
 * F(column) LIKE F(?) for contains and F(column) = F(?) for case-blind equality.
 */
const char *relm_store_fold(const relm_store_t *st);

/* Convenience: step a statement expected to finish without rows, then release it. */
int relm_stmt_run(relm_stmt_t *s, relm_error_t *err);

/*
 * The backend table. Each engine fills one; store.c does caching, nesting and dispatch.
 */
typedef struct relm_store_backend {
    const char *name;
    int (*open)(const char *target, int create, void **db, relm_error_t *err);
    void (*close)(void *db);
    int (*exec)(void *db, const char *sql, relm_error_t *err);
    int (*prepare)(void *db, const char *sql, void **stmt, relm_error_t *err);
    void (*finalize)(void *stmt);
    void (*reset)(void *stmt);
    void (*bind_text)(void *stmt, int i, const char *v);
    void (*bind_int)(void *stmt, int i, int64_t v);
    void (*bind_null)(void *stmt, int i);
    int (*step)(void *db, void *stmt, relm_error_t *err);
    const char *(*text)(void *stmt, int i);
    int64_t (*integer)(void *stmt, int i);
    int (*is_null)(void *stmt, int i);
    int (*columns)(void *stmt);
    const char *(*column_name)(void *stmt, int i);
    int64_t (*changes)(void *db);
    int (*sorts)(void *stmt, int restart);        /* may be NULL */
    int (*plan_sorts)(void *db, const char *sql); /* may be NULL */
    /* Make sequence_sql count into *counter; NULL, or non-zero when it cannot. */
    int (*sequence)(void *db, int64_t *counter);
    const char *sequence_sql;
    const char *fold_sql;                /* a one-argument Unicode case-folding function */
    const char *begin_sql;               /* the statement that opens a write transaction */
    void (*busy_wait)(void *db, int ms); /* may be NULL */
    int (*backup)(void *db, const char *path, relm_error_t *err); /* may be NULL */
    /* Size the connection's page cache to kib KiB; may be NULL (no such setting). */
    int (*set_cache_kib)(void *db, int kib, relm_error_t *err);
    /*
     * Whether a statement failed with a deadlock or serialization failure since last asked
     * (asking clears it); may be NULL (an engine that never aborts a transaction so).
     */
    int (*take_conflict)(void *db);
    /* bind_text for text that stays unchanged until reset; may be NULL (bind_text copies). */
    void (*bind_text_kept)(void *stmt, int i, const char *v);
} relm_store_backend_t;

extern const relm_store_backend_t relm_sqlite_backend;
extern const relm_store_backend_t relm_postgres_backend;

#endif
