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

/* A new initialised database in a temporary file, work date 2026-03-15. */
relm_t *test_db_new(void);
/* Close it and remove its files. */
void test_db_free(relm_t *r);
/* Path of the database file behind r (valid until test_db_free). */
const char *test_db_path(relm_t *r);

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

#endif
