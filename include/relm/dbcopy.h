/*
 * Copying a whole relm database to another one: SQLite to PostgreSQL, PostgreSQL to
 * SQLite, or SQLite to SQLite (relm db copy).
 */
#ifndef RELM_DBCOPY_H
#define RELM_DBCOPY_H

#include <stdint.h>

#include "relm/error.h"

/* Tables a copy carries at most (every table of the schema; a test keeps it true). */
#define RELM_DBCOPY_MAX_TABLES 48

/* What a copy did to one table, and the check that source and target agree. */
typedef struct relm_dbcopy_table {
    const char *name;    /* static */
    int64_t rows;        /* rows read from the source */
    int64_t target_rows; /* rows read back from the target */
    char checksum[65];   /* hex BLAKE2b-256 sum over the source's rows */
    char target_checksum[65];
    int match; /* rows and checksums agree */
} relm_dbcopy_table_t;

typedef struct relm_dbcopy_result {
    int ntables;
    relm_dbcopy_table_t tables[RELM_DBCOPY_MAX_TABLES];
    int64_t rows;   /* rows copied in all */
    int mismatches; /* tables whose count or checksum differ */
} relm_dbcopy_result_t;

/* Progress of a copy: table being copied, rows copied so far of total (all tables). */
typedef void (*relm_dbcopy_progress_fn)(void *ctx, const char *table, int64_t done, int64_t total);

/*
 * Copy every table of the relm database at from_url into the database at to_url (URLs as
 * relm_open takes them). The target must be empty (it is then initialised) or freshly
 * initialised: a target holding any record, or a counter that has moved, is refused
 * (already_exists) and left as it was. Both must have this relm's schema version; an
 * older one is refused (schema) naming relm init, a newer one naming an upgrade of relm.
 *
 * Tables are copied in an order in which every reference finds its row, each in one
 * transaction of the target: rows stream from one statement over the source (in the
 * source's own storage order) into batched inserts, never a whole table in memory.
 * Counters and number series positions are rows like any other and arrive as they were.
 * The source is read inside one transaction, so the copy is one consistent state of it.
 *
 * Afterwards each table of the target is read back and its row count and checksum (an
 * order-independent sum of BLAKE2b hashes over each row's values as text, NULL told
 * apart from blank, so both engines give the same figure) compared with the source's:
 * *res (may be NULL) holds both per table. A mismatch is an error (storage, naming the
 * first table that differs); the copied tables stay in the target for inspection.
 * A copy that fails part way keeps the tables it committed: empty the target (a new file,
 * or drop and create the PostgreSQL database) before copying again.
 * progress may be NULL. Errors: usage (a URL is blank or both name the same database),
 * the engines' own (not_found, io, busy, ...) when a database cannot be opened or written.
 */
int relm_db_copy(const char *from_url, const char *to_url, relm_dbcopy_progress_fn progress,
                 void *pctx, relm_dbcopy_result_t *res, relm_error_t *err);

#endif
