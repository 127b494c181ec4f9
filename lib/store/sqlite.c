/*
 * The SQLite backend: a file database in WAL mode with foreign keys enforced, a busy
 * timeout so that concurrent writers queue, and synchronous=FULL so that a commit
 * survives a power cut. Write transactions start IMMEDIATE: the write lock is taken at
 * BEGIN, so a reader never has to be upgraded into a writer (which could deadlock).
 * The page cache is 16 MiB: large writes (imports, logging a segment) then spill to the
 * WAL far less often, and memory stays bounded whatever the data size.
 * Temporary storage stays on disk (the default): a sort over a million rows spills to a
 * temporary file instead of growing the process.
 * secure_delete is on: deleted and overwritten content is zeroed in its page, so text an
 * erasure removes (lib/privacy.c) does not linger in free space of the file.
 * relm_fold(text) is the store's case fold (relm_store_fold()): utf8proc's full Unicode
 * case folding with canonical composition, so "Ø" and "ø", "ß" and "ss" compare equal.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "store.h"

static int map_error(sqlite3 *db, int rc, relm_error_t *err)
{
    const char *msg = sqlite3_errmsg(db);
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        /* The engine's own words ("database is locked") mean nothing to a user. */
        return relm_error_set(err, RELM_EBUSY, "the database is busy with another job; try again");
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
            return relm_error_set(err, RELM_EINUSE, "the record is referenced by other records");
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
            return relm_error_set(err, RELM_EEXISTS, "the record already exists (%s)", msg);
        return relm_error_set(err, RELM_EVALIDATION, "a value is not allowed (%s)", msg);
    case SQLITE_NOMEM:
        return relm_error_set(err, RELM_ENOMEM, "out of memory in the database engine");
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
        return relm_error_set(err, RELM_EIO, "the database file cannot be written: %s", msg);
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return relm_error_set(err, RELM_ESCHEMA, "the file is not a usable database: %s", msg);
    default:
        return relm_error_set(err, RELM_ESTORAGE, "database error: %s", msg);
    }
}

/*
 * relm_fold(text): the case-folded, composed form of text (NULL stays NULL). ASCII-only
 * text, most of what is compared, is folded in place without utf8proc's allocation. Text
 * that is not valid UTF-8 is returned as it is: it can only equal itself.
 */
static void sq_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const unsigned char *in = sqlite3_value_text(argv[0]);
    int n = sqlite3_value_bytes(argv[0]);
    if (!in) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    int ascii = 1;
    for (int i = 0; i < n && ascii; i++)
        ascii = in[i] < 0x80;
    if (ascii) {
        char *out = sqlite3_malloc(n + 1);
        if (!out) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        for (int i = 0; i < n; i++)
            out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] + 32 : in[i]);
        out[n] = '\0';
        sqlite3_result_text(ctx, out, n, sqlite3_free);
        return;
    }
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t len =
        utf8proc_map(in, n, &folded, UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    if (len < 0) {
        if (len == UTF8PROC_ERROR_NOMEM)
            sqlite3_result_error_nomem(ctx);
        else
            sqlite3_result_text(ctx, (const char *)in, n, SQLITE_TRANSIENT);
        return;
    }
    sqlite3_result_text(ctx, (const char *)folded, (int)len, free);
}

/*
 * Before SQLite's first use: no memory statistics. relm never reads them, and keeping them
 * takes one process-wide mutex on every allocation, on which the server's pool threads,
 * each with its own connection, otherwise wait for each other.
 */
static void sq_init(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

static int sq_open(const char *target, int create, void **out, relm_error_t *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sq_init);
    sqlite3 *db = NULL;
    /*
     * No per-connection mutex: a relm_t is used by one thread at a time (relm.h), so the
     * lock SQLite would take around every call is never contended, only paid for.
     */
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(target, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        int code = (rc == SQLITE_CANTOPEN && !create) ? RELM_ENOTFOUND : RELM_EIO;
        relm_error_set(err, code, "database %s cannot be opened: %s%s", target,
                       db ? sqlite3_errmsg(db) : "out of memory",
                       code == RELM_ENOTFOUND ? " (run relm init to create it)" : "");
        sqlite3_close(db);
        return code;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, RELM_STORE_BUSY_MS);
    static const char *pragmas = "PRAGMA foreign_keys=ON;"
                                 "PRAGMA journal_mode=WAL;"
                                 "PRAGMA synchronous=FULL;"
                                 "PRAGMA secure_delete=ON;"
                                 "PRAGMA cache_size=-16384;";
    char *msg = NULL;
    rc = sqlite3_exec(db, pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
            relm_error_set(err, RELM_EBUSY, "the database is busy with another job; try again");
        else
            relm_error_set(err, rc == SQLITE_NOTADB ? RELM_ESCHEMA : RELM_ESTORAGE,
                           "database %s cannot be used: %s", target, msg ? msg : "unknown error");
        sqlite3_free(msg);
        sqlite3_close(db);
        return err ? err->code : RELM_ESTORAGE;
    }
    rc = sqlite3_create_function(db, "relm_fold", 1,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                 sq_fold, NULL, NULL);
    if (rc != SQLITE_OK) {
        relm_error_set(err, RELM_ESTORAGE, "database %s cannot be used: %s", target,
                       sqlite3_errmsg(db));
        sqlite3_close(db);
        return RELM_ESTORAGE;
    }
    *out = db;
    return 0;
}

static void sq_close(void *db)
{
    sqlite3_close_v2(db);
}

static int sq_exec(void *db, const char *sql, relm_error_t *err)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : map_error(db, rc, err);
}

static int sq_prepare(void *db, const char *sql, void **out, relm_error_t *err)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
    if (rc != SQLITE_OK)
        return map_error(db, rc, err);
    *out = s;
    return 0;
}

static void sq_finalize(void *s)
{
    sqlite3_finalize(s);
}

static void sq_reset(void *s)
{
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
}

static void sq_bind_text(void *s, int i, const char *v)
{
    sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

/* No copy: sq_reset clears the bindings before the caller may change the text. */
static void sq_bind_text_kept(void *s, int i, const char *v)
{
    sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static void sq_bind_int(void *s, int i, int64_t v)
{
    sqlite3_bind_int64(s, i, v);
}

static void sq_bind_null(void *s, int i)
{
    sqlite3_bind_null(s, i);
}

static int sq_step(void *db, void *s, relm_error_t *err)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        return RELM_STEP_ROW;
    if (rc == SQLITE_DONE)
        return RELM_STEP_DONE;
    rc = sqlite3_extended_errcode(db);
    int code = map_error(db, rc, err);
    sqlite3_reset(s);
    return code;
}

static const char *sq_text(void *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

static int64_t sq_integer(void *s, int i)
{
    return sqlite3_column_int64(s, i);
}

static int sq_is_null(void *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL;
}

static int sq_columns(void *s)
{
    return sqlite3_column_count(s);
}

static const char *sq_column_name(void *s, int i)
{
    return sqlite3_column_name(s, i);
}

static int64_t sq_changes(void *db)
{
    return sqlite3_changes64(db);
}

static int sq_sorts(void *s, int restart)
{
    return sqlite3_stmt_status(s, SQLITE_STMTSTATUS_SORT, restart);
}

/*
 * Read off the statement's bytecode (EXPLAIN): a sorter in it means the rows come out of
 * a sort. Opcode names are not a stable interface, so this only forecasts; the count of
 * sorts after the run (sq_sorts) is what the caller trusts.
 */
static int sq_plan_sorts(void *db, const char *sql)
{
    char *explain = sqlite3_mprintf("EXPLAIN %s", sql);
    sqlite3_stmt *s = NULL;
    int sorts = 1;
    if (explain && sqlite3_prepare_v2(db, explain, -1, &s, NULL) == SQLITE_OK) {
        sorts = 0;
        while (!sorts && sqlite3_step(s) == SQLITE_ROW) {
            const char *op = (const char *)sqlite3_column_text(s, 1);
            sorts = op && (strcmp(op, "SorterSort") == 0 || strcmp(op, "Sort") == 0);
        }
    }
    sqlite3_finalize(s);
    sqlite3_free(explain);
    return sorts;
}

static void sq_count(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    int64_t *n = sqlite3_user_data(ctx);
    sqlite3_result_int64(ctx, ++*n);
}

/* DIRECTONLY: a view or trigger cannot call it behind the caller's back. */
static int sq_sequence(void *db, int64_t *counter)
{
    return sqlite3_create_function(db, "relm_seq", 0, SQLITE_UTF8 | SQLITE_DIRECTONLY, counter,
                                   sq_count, NULL, NULL) != SQLITE_OK;
}

static void sq_busy_wait(void *db, int ms)
{
    sqlite3_busy_timeout(db, ms);
}

/*
 * SQLite's online backup: pages are copied in steps of 256, so writers are held up only
 * for one step at a time; a step that meets a lock waits briefly and tries again.
 */
static int sq_backup(void *db, const char *path, relm_error_t *err)
{
    sqlite3 *dest = NULL;
    int rc = sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        relm_error_set(err, RELM_EIO, "backup %s cannot be created: %s", path,
                       dest ? sqlite3_errmsg(dest) : "out of memory");
        sqlite3_close(dest);
        return RELM_EIO;
    }
    sqlite3_backup *b = sqlite3_backup_init(dest, "main", db, "main");
    if (!b) {
        relm_error_set(err, RELM_EIO, "backup %s cannot be made: %s", path, sqlite3_errmsg(dest));
        sqlite3_close(dest);
        return RELM_EIO;
    }
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(50);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc == SQLITE_DONE)
        rc = sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        relm_error_set(err, RELM_EIO, "backup %s failed: %s", path, sqlite3_errmsg(dest));
        sqlite3_close(dest);
        return RELM_EIO;
    }
    sqlite3_close(dest);
    return 0;
}

/* A negative cache_size counts KiB rather than pages. */
static int sq_set_cache_kib(void *db, int kib, relm_error_t *err)
{
    char sql[64];
    /* The number is formatted from an int, never from user text. */
    snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", kib);
    return sq_exec(db, sql, err);
}

const relm_store_backend_t relm_sqlite_backend = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .reset = sq_reset,
    .bind_text = sq_bind_text,
    .bind_text_kept = sq_bind_text_kept,
    .bind_int = sq_bind_int,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .text = sq_text,
    .integer = sq_integer,
    .is_null = sq_is_null,
    .columns = sq_columns,
    .column_name = sq_column_name,
    .changes = sq_changes,
    .sorts = sq_sorts,
    .plan_sorts = sq_plan_sorts,
    .sequence = sq_sequence,
    .sequence_sql = "relm_seq()",
    .fold_sql = "relm_fold",
    .begin_sql = "BEGIN IMMEDIATE",
    .busy_wait = sq_busy_wait,
    .backup = sq_backup,
    .set_cache_kib = sq_set_cache_kib,
};
