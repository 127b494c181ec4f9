/*
 * The database handle: open, schema migrations, user and work date.
 *
 * The schema version lives in relm_meta. Opening an older database applies the missing
 * migrations in one transaction (so a failed upgrade leaves the old schema intact);
 * opening a newer one is refused, because this library cannot know what it would break.
 */
#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "schema/schema.h"

int relm_schema_latest(void)
{
    return relm_migrations[relm_migration_count - 1].version;
}

static int read_version(relm_t *r, int *version, relm_error_t *err)
{
    relm_stmt_t *s;
    relm_error_t ignored;
    *version = 0;
    /* A missing relm_meta table means a database relm never initialised. */
    if (relm_stmt_prepare(r->store, "SELECT value FROM relm_meta WHERE key = 'schema_version'", &s,
                          &ignored))
        return 0;
    int rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW)
        *version = atoi(relm_stmt_text(s, 0));
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

static int is_postgres(const relm_t *r)
{
    return strcmp(relm_store_engine(r->store), "postgresql") == 0;
}

/*
 * A database relm never initialised must be empty: tables of another program there mean
 * the URL names the wrong database, and relm must not mix its tables into it.
 */
static int check_foreign_tables(relm_t *r, const char *url, relm_error_t *err)
{
    int64_t n = 0;
    int rc = relm_count(r,
                        "SELECT count(*) FROM information_schema.tables "
                        "WHERE table_schema = current_schema()",
                        NULL, &n, err);
    if (rc == 0 && n > 0)
        rc = relm_error_set(err, RELM_ESCHEMA,
                            "database %s holds %lld tables but no relm schema: it is not a relm "
                            "database; give relm init an empty database",
                            url, (long long)n);
    return rc;
}

static int migrate(relm_t *r, int from, relm_error_t *err)
{
    int pg = is_postgres(r);
    int rc = relm_store_begin(r->store, err);
    if (rc)
        return rc;
    if (pg)
        rc = relm_store_exec(r->store, relm_pg_functions, err);
    if (rc == 0 && from == 0)
        rc = relm_store_exec(r->store,
                             "CREATE TABLE IF NOT EXISTS relm_meta (key TEXT PRIMARY KEY, "
                             "value TEXT NOT NULL);"
                             "INSERT INTO relm_meta (key, value) VALUES ('schema_version', '0') "
                             "ON CONFLICT (key) DO NOTHING;",
                             err);
    for (int i = 0; rc == 0 && i < relm_migration_count; i++) {
        if (relm_migrations[i].version <= from)
            continue;
        const char *sql =
            pg && relm_migrations[i].pg_sql ? relm_migrations[i].pg_sql : relm_migrations[i].sql;
        rc = relm_store_exec(r->store, sql, err);
        if (rc) {
            char msg[sizeof(err->message)];
            snprintf(msg, sizeof(msg), "%s", err ? err->message : "");
            relm_error_set(err, RELM_ESCHEMA, "migration %s failed: %s", relm_migrations[i].name,
                           msg);
            rc = RELM_ESCHEMA;
        }
    }
    /* Migration 027 adds the folded copies of contacts; only C can fold them. */
    if (rc == 0 && from > 0 && from < 27)
        rc = relm_contact_refold_all(r, err);
    if (rc == 0) {
        relm_stmt_t *s;
        rc = relm_stmt_prepare(
            r->store, "UPDATE relm_meta SET value = ? WHERE key = 'schema_version'", &s, err);
        if (rc == 0) {
            char v[16];
            snprintf(v, sizeof(v), "%d", relm_schema_latest());
            relm_stmt_bind_text(s, 1, v);
            rc = relm_stmt_run(s, err);
        }
    }
    return relm_tx_end(r, rc, err);
}

/*
 * Copy the database to PATH.bak-vN before upgrading it from version from: a migration
 * that goes wrong in a way its transaction cannot undo (a bug in relm, a full disk at the
 * wrong moment) must not cost the data. An existing copy is never overwritten.
 */
static int backup_before_migration(relm_t *r, const char *url, int from, relm_error_t *err)
{
    const char *path = url;
    if (strncmp(path, "sqlite:", 7) == 0) {
        path += 7;
        if (strncmp(path, "//", 2) == 0)
            path += 2;
    }
    char name[sizeof(r->migration_backup)];
    for (int i = 1; i < 100; i++) {
        int n = i == 1 ? snprintf(name, sizeof(name), "%s.bak-v%d", path, from)
                       : snprintf(name, sizeof(name), "%s.bak-v%d.%d", path, from, i);
        if (n < 0 || n >= (int)sizeof(name))
            return relm_error_set(err, RELM_EIO, "database %s: the backup file name is too long",
                                  url);
        if (access(name, F_OK) != 0)
            break;
        if (i == 99)
            return relm_error_set(err, RELM_EIO,
                                  "database %s: %s.bak-v%d.2 to .99 exist; move old backups away "
                                  "before upgrading",
                                  url, path, from);
    }
    relm_error_t e = {0};
    int rc = relm_backup(r, name, 0, &e);
    if (rc)
        return relm_error_set(err, RELM_EIO,
                              "database %s was not upgraded from schema %d: the backup before "
                              "the upgrade failed: %s",
                              url, from, e.message);
    relm_copy(r->migration_backup, sizeof(r->migration_backup), name);
    return 0;
}

const char *relm_migration_backup(const relm_t *r)
{
    return r->migration_backup;
}

/*
 * The URL as messages show it: a password in a PostgreSQL URL (scheme://user:password@host)
 * becomes "***", so that it does not end up in logs and terminals.
 */
static void shown_url(const char *url, char *out, size_t n)
{
    snprintf(out, n, "%s", url);
    const char *scheme = strstr(url, "://");
    if (strncmp(url, "postgres", 8) != 0 || !scheme)
        return;
    const char *auth = scheme + 3, *at = strchr(auth, '@'), *colon = strchr(auth, ':');
    const char *slash = strchr(auth, '/');
    if (!at || !colon || colon > at || (slash && slash < at))
        return;
    snprintf(out, n, "%.*s***%s", (int)(colon + 1 - url), url, at);
}

int relm_open(const char *target, int flags, relm_t **out, relm_error_t *err)
{
    char url[1024];
    shown_url(target, url, sizeof(url));
    *out = NULL;
    relm_t *r = calloc(1, sizeof(*r));
    if (!r)
        return relm_error_set(err, RELM_ENOMEM, "out of memory opening %s", url);
    int rc = relm_store_open(target, flags & RELM_OPEN_CREATE, &r->store, err);
    if (rc) {
        free(r);
        return rc;
    }
    relm_set_workdate(r, NULL, NULL);
    rc = read_version(r, &r->schema_version, err);
    if (rc == 0 && r->schema_version > relm_schema_latest())
        rc = relm_error_set(err, RELM_ESCHEMA,
                            "database %s has schema version %d, newer than this relm (%d): "
                            "upgrade relm",
                            url, r->schema_version, relm_schema_latest());
    else if (rc == 0 && r->schema_version == 0 && !(flags & RELM_OPEN_CREATE))
        rc =
            relm_error_set(err, RELM_ESCHEMA, "database %s is not initialised: run relm init", url);
    else if (rc == 0 && r->schema_version > 0 && r->schema_version < relm_schema_latest() &&
             (flags & RELM_OPEN_NO_MIGRATE))
        rc = relm_error_set(err, RELM_ESCHEMA,
                            "database %s has schema version %d, older than this relm (%d): run "
                            "relm init to upgrade it (%s)",
                            url, r->schema_version, relm_schema_latest(),
                            is_postgres(r) ? "take a pg_dump first" : "it is backed up first");
    else if (rc == 0 && r->schema_version < relm_schema_latest()) {
        /*
         * A PostgreSQL database is not copied first: relm cannot write a server's backup
         * (pg_dump does), and the upgrade is one transaction there, DDL included, so a
         * failed one leaves the old schema as it was.
         */
        if (r->schema_version == 0 && is_postgres(r))
            rc = check_foreign_tables(r, url, err);
        else if (r->schema_version > 0 && is_postgres(r))
            relm_error_warn(err,
                            "database %s was upgraded from schema %d in place; relm makes no "
                            "copy of a PostgreSQL database: keep pg_dump backups",
                            url, r->schema_version);
        else if (r->schema_version > 0)
            rc = backup_before_migration(r, target, r->schema_version, err);
        if (rc == 0)
            rc = migrate(r, r->schema_version, err);
        if (rc == 0)
            r->schema_version = relm_schema_latest();
    }
    if (rc) {
        relm_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

void relm_close(relm_t *r)
{
    if (!r)
        return;
    relm_store_close(r->store);
    free(r);
}

int relm_schema_version(relm_t *r)
{
    return r->schema_version;
}

void relm_set_user(relm_t *r, const char *user_id)
{
    relm_copy(r->user_id, sizeof(r->user_id), user_id ? user_id : "");
}

const char *relm_user(const relm_t *r)
{
    return r->user_id;
}

int relm_set_workdate(relm_t *r, const char *date, relm_error_t *err)
{
    if (!date || !*date) {
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(r->workdate, sizeof(r->workdate), "%Y-%m-%d", &tm);
        return 0;
    }
    if (!relm_valid_date(date))
        return relm_error_set(err, RELM_EVALIDATION, "work date \"%s\" is not a date (YYYY-MM-DD)",
                              date);
    relm_copy(r->workdate, sizeof(r->workdate), date);
    return 0;
}

const char *relm_workdate(const relm_t *r)
{
    return r->workdate;
}

int relm_set_cache_size(relm_t *r, int kib, relm_error_t *err)
{
    return relm_store_set_cache_kib(r->store, kib, err);
}

void relm_set_busy_timeout(relm_t *r, int ms)
{
    relm_store_set_busy_wait(r->store, ms < 0 ? 0 : ms);
}

int relm_begin(relm_t *r, relm_error_t *err)
{
    return relm_store_begin(r->store, err);
}

int relm_commit(relm_t *r, relm_error_t *err)
{
    return relm_store_commit(r->store, err);
}

void relm_rollback(relm_t *r)
{
    relm_store_rollback(r->store);
}

int relm_backup(relm_t *r, const char *path, int force, relm_error_t *err)
{
    char tmp[4096];
    if (!path || !*path)
        return relm_error_set(err, RELM_EUSAGE, "backup needs a file name");
    if (!force && access(path, F_OK) == 0)
        return relm_error_set(err, RELM_EEXISTS,
                              "backup %s already exists (give --force to overwrite it)", path);
    if (snprintf(tmp, sizeof(tmp), "%s.part", path) >= (int)sizeof(tmp))
        return relm_error_set(err, RELM_EUSAGE, "backup file name is too long");
    unlink(tmp);
    int rc = relm_store_backup(r->store, tmp, err);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = relm_error_set(err, RELM_EIO, "backup %s cannot be put in place: %s", path,
                            strerror(errno));
    if (rc)
        unlink(tmp);
    return rc;
}

int relm_ping(relm_t *r, relm_error_t *err)
{
    int64_t n = 0;
    return relm_count(r, "SELECT count(*) FROM relm_meta", NULL, &n, err);
}

static int64_t file_size(const char *path, const char *suffix)
{
    char p[4096];
    struct stat st;
    snprintf(p, sizeof(p), "%s%s", path, suffix);
    return stat(p, &st) == 0 ? (int64_t)st.st_size : 0;
}

int relm_database_size(relm_t *r, int64_t *bytes, relm_error_t *err)
{
    *bytes = 0;
    if (is_postgres(r))
        return relm_count(r, "SELECT pg_database_size(current_database())", NULL, bytes, err);
    /* SQLite names the file it opened; the pages in the log are not in the file yet. */
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(
        r->store, "SELECT file FROM pragma_database_list WHERE name = 'main'", &s, err);
    if (rc)
        return rc;
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        const char *file = relm_stmt_text(s, 0);
        if (file && *file)
            *bytes = file_size(file, "") + file_size(file, "-wal");
    }
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

int relm_tx_end(relm_t *r, int rc, relm_error_t *err)
{
    if (rc == 0)
        return relm_store_commit(r->store, err);
    relm_store_rollback(r->store);
    return rc;
}

atomic_ulong relm_tx_retries;

/*
 * A pause before run attempt+1 of an aborted transaction: random, so that two jobs that
 * collided do not collide again in step, and growing (up to 10, 20, 40, 80 ms) so that a
 * busy database gets room.
 */
static void backoff(int attempt)
{
    static _Thread_local uint64_t seed;
    if (!seed) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        seed = ((uint64_t)now.tv_nsec << 20) ^ (uint64_t)now.tv_sec ^ (uint64_t)(uintptr_t)&seed;
        seed |= 1;
    }
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    long max_us = 10000L << (attempt - 1);
    long us = 1000 + (long)(seed % (uint64_t)max_us);
    struct timespec ts = {us / 1000000L, (us % 1000000L) * 1000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

int relm_transaction(relm_t *r, relm_tx_fn fn, void *ctx, relm_error_t *err)
{
    int rc;
    if (relm_store_depth(r->store) > 0) {
        /* Nested: the outermost transaction is the one that can be run again. */
        if ((rc = relm_store_begin(r->store, err)))
            return rc;
        return relm_tx_end(r, fn(r, ctx, err), err);
    }
    for (int attempt = 1;; attempt++) {
        if ((rc = relm_store_begin(r->store, err)))
            return rc;
        rc = relm_tx_end(r, fn(r, ctx, err), err);
        if (rc == 0 || !relm_store_conflict(r->store))
            return rc;
        if (attempt == RELM_TX_ATTEMPTS)
            break;
        atomic_fetch_add(&relm_tx_retries, 1);
        backoff(attempt);
    }
    return relm_error_set(err, RELM_EBUSY,
                          "the database was changed by other jobs at the same time, %d times "
                          "over; nothing was saved; try again",
                          RELM_TX_ATTEMPTS);
}
