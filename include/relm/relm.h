/*
 * librelm: relationship management (contacts, interactions, segments, campaigns).
 *
 * Umbrella header and the database handle. A relm_t is one connection to one database;
 * it is not thread-safe (give each thread its own). Every fallible call returns 0 or a
 * negative RELM_E* code and fills the caller's relm_error_t.
 */
#ifndef RELM_H
#define RELM_H

#include "relm/error.h"
#include "relm/record.h"

#define RELM_VERSION "0.1.0"

typedef struct relm relm_t;

enum {
    RELM_OPEN_CREATE = 1,     /* create the database if missing and apply every migration */
    RELM_OPEN_NO_MIGRATE = 2, /* refuse an older schema instead of upgrading it */
};

/*
 * Open the database at url ("sqlite:PATH" or a plain path). An older schema is upgraded
 * in place, after the database has been copied (online backup) to PATH.bak-vN, N the old
 * version (PATH.bak-vN.2, ... when that exists; relm_migration_backup says where); when
 * the copy cannot be made nothing is upgraded (io). With RELM_OPEN_NO_MIGRATE an older
 * schema is refused instead (schema, naming `relm init`). A newer one is refused
 * (schema); a database that was never initialised is refused unless RELM_OPEN_CREATE is
 * given. *out is the caller's (relm_close).
 */
int relm_open(const char *url, int flags, relm_t **out, relm_error_t *err);
void relm_close(relm_t *r);

/*
 * The file the database was copied to before relm_open upgraded its schema (borrowed,
 * valid until relm_close), or "" when opening upgraded nothing.
 */
const char *relm_migration_backup(const relm_t *r);

/* Schema version of the open database and the version this library writes. */
int relm_schema_version(relm_t *r);
int relm_schema_latest(void);

/* The signed-in user (recorded as user_id); borrowed string copied in. */
void relm_set_user(relm_t *r, const char *user_id);
const char *relm_user(const relm_t *r);

/* Work date (YYYY-MM-DD) used for defaults and number series; default: today. */
int relm_set_workdate(relm_t *r, const char *date, relm_error_t *err);
const char *relm_workdate(const relm_t *r);

/*
 * Size the connection's page cache to kib KiB (default 16 MiB). A server opens one
 * connection per worker thread; a small cache each keeps memory flat as threads are added.
 */
int relm_set_cache_size(relm_t *r, int kib, relm_error_t *err);

/*
 * How long (milliseconds) a write on this connection waits for another job (an import,
 * a segment log, another server) to release the database before failing with RELM_EBUSY
 * ("the database is busy with another job; try again"); default 10000, 0 fails at once.
 * Reads never wait for writers.
 */
void relm_set_busy_timeout(relm_t *r, int ms);

/* Transactions spanning several library calls (they nest). */
int relm_begin(relm_t *r, relm_error_t *err);
int relm_commit(relm_t *r, relm_error_t *err);
void relm_rollback(relm_t *r);

/* How often relm_transaction() runs a transaction the database aborted before it gives up. */
#define RELM_TX_ATTEMPTS 5

/* The work of one transaction: 0 to commit, or a RELM_E* code (err filled) to roll back. */
typedef int (*relm_tx_fn)(relm_t *r, void *ctx, relm_error_t *err);

/*
 * Run fn(r, ctx, err) in one transaction: begin, fn, commit when fn returned 0, else roll
 * back and return fn's code. When the database aborts the transaction to let another go on
 * (on PostgreSQL a deadlock or a serialization failure, in fn or at commit), everything is
 * rolled back and fn runs again from the start after a short random pause, up to
 * RELM_TX_ATTEMPTS runs in all; after the last one the call fails with RELM_EBUSY ("the
 * database was changed by other jobs at the same time ...; nothing was saved; try again").
 * So fn must be safe to run again: it must set up whatever it fills (output records,
 * counts) afresh on each run rather than build on an earlier run's, and do nothing
 * outside the database that cannot be undone.
 *
 * Inside a transaction already open (relm_begin, or another relm_transaction), fn runs
 * once in a savepoint that is rolled back when it fails; an abort for a conflict makes the
 * outermost transaction fail at commit, so the outermost relm_transaction runs the whole
 * of it again. On SQLite, whose writers queue at the start of a transaction, nothing is
 * aborted so and fn runs once.
 */
int relm_transaction(relm_t *r, relm_tx_fn fn, void *ctx, relm_error_t *err);

/*
 * Copy the open database, while others go on using it, to a new database file at path.
 * An existing file is refused (already_exists) unless force; the copy is written beside
 * it and renamed into place, so path never holds half a copy. io when it cannot be made.
 */
int relm_backup(relm_t *r, const char *path, int force, relm_error_t *err);

/* Does the database answer a query? 0, or the engine's error (busy, io, ...). */
int relm_ping(relm_t *r, relm_error_t *err);

/*
 * The space the database takes, in bytes, into *bytes: for SQLite its file and write-ahead
 * log, for PostgreSQL what the server reports for the database. 0, or the engine's error.
 */
int relm_database_size(relm_t *r, int64_t *bytes, relm_error_t *err);

/*
 * Generic listing of an entity's rows, streamed to fn one at a time (never loaded into
 * memory as a whole). filters may be NULL; limit <= 0 means no limit. Rows come in key
 * order. The record passed to fn is borrowed for the duration of the call.
 */
int relm_list(relm_t *r, const relm_entity_t *e, const relm_filter_t *filters, int nfilters,
              long limit, relm_row_fn fn, void *ctx, relm_error_t *err);

#include "relm/numseries.h"
#include "relm/setup.h"
#include "relm/salesperson.h"
#include "relm/contact.h"
#include "relm/template.h"
#include "relm/campaign.h"
#include "relm/stats.h"
#include "relm/interaction.h"
#include "relm/segment.h"
#include "relm/user.h"
#include "relm/privacy.h"
#include "relm/vcard.h"
#include "relm/demo.h"
#include "relm/mail.h"
#include "relm/deliver.h"
#include "relm/dbcopy.h"

#endif
