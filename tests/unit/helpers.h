/*
 * Shared fixtures for the unit tests: a fresh database file per test.
 */
#ifndef RELM_TEST_HELPERS_H
#define RELM_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "relm/relm.h"

/*
 * A new initialised database in a temporary file, work date 2026-03-15. When
 * RELM_TEST_PG holds a PostgreSQL server URL without database name
 * (postgresql://USER@HOST:PORT), a new database on that server instead.
 */
relm_t *test_db_new(void);
/* Close it and remove its files (or drop the PostgreSQL database). */
void test_db_free(relm_t *r);
/* Path (or URL) of the database behind r (valid until test_db_free). */
const char *test_db_path(relm_t *r);
/* Whether the tests run on PostgreSQL (RELM_TEST_PG is set). */
int test_on_pg(void);
/* PostgreSQL: the URL of a new empty database (dropped with the server), else NULL. */
const char *test_pg_empty_db(void);

/* Number series CT/SEG/CMP with one line each, and marketing setup pointing at them. */
void test_seed_series(relm_t *r);

/* Fail the test with the library's message unless expr returns 0. */
#define assert_relm_ok(expr)                                                                       \
    do {                                                                                           \
        relm_error_t e_;                                                                           \
        relm_error_clear(&e_);                                                                     \
        int rc_ = (expr);                                                                          \
        (void)e_;                                                                                  \
        if (rc_ != 0)                                                                              \
            fail_msg("%s returned %d (%s)", #expr, rc_, relm_error_name(rc_));                     \
    } while (0)

/* Run a SQL query returning one integer (for asserting database state). */
int64_t test_sql_int(relm_t *r, const char *sql);

/*
 * Engine-neutral test tools (SQLite or PostgreSQL, whichever the tests run on).
 * test_fail_inserts: make inserts into table fail with message (when: a condition on NEW,
 * or NULL for every row), as a full disk or a bug would; test_drop_failure undoes it.
 */
void test_fail_inserts(relm_t *r, const char *name, const char *table, const char *when,
                       const char *message);
void test_drop_failure(relm_t *r, const char *name, const char *table);
/* 1 when the table exists, else 0; the number of columns of a table. */
int64_t test_table_exists(relm_t *r, const char *table);
int64_t test_column_count(relm_t *r, const char *table);
/* SQL for the current Unix time in seconds. */
const char *test_sql_unix_now(void);
/* Run sql (DELETE ...) with foreign keys unchecked. */
void test_delete_unchecked(relm_t *r, const char *sql);

#endif
