/*
 * Schema migrations: a new database gets the latest schema, an older one is upgraded in
 * place, a newer one and a foreign file are refused.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

static void tmp_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "/tmp/relm-schema-%d-%s.db", (int)getpid(), name);
    unlink(buf);
}

static void remove_db(const char *path)
{
    char p[300];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static void raw_exec(const char *path, const char *sql)
{
    relm_store_t *st;
    relm_error_t err = {0};
    assert_int_equal(relm_store_open(path, 1, &st, &err), 0);
    if (relm_store_exec(st, sql, &err))
        fail_msg("%s", err.message);
    relm_store_close(st);
}

static void a_new_database_has_the_latest_schema(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    assert_int_equal(relm_schema_version(r), relm_schema_latest());
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM marketing_setup"), 1);
    assert_true(test_sql_int(r, "SELECT count(*) FROM relm_counter") >= 4);
    test_db_free(r);
}

static void opening_without_init_is_refused(void **state)
{
    (void)state;
    char path[128];
    relm_t *r = NULL;
    relm_error_t err = {0};
    tmp_path(path, sizeof(path), "foreign");
    raw_exec(path, "CREATE TABLE other (x INTEGER)");
    assert_int_equal(relm_open(path, 0, &r, &err), RELM_ESCHEMA);
    assert_non_null(strstr(err.message, "relm init"));
    remove_db(path);
}

static void an_older_database_is_upgraded_in_place(void **state)
{
    (void)state;
    char path[128];
    relm_t *r = NULL;
    relm_error_t err = {0};
    tmp_path(path, sizeof(path), "old");
    /* Version 0: a database whose meta table exists but holds no migration yet. */
    raw_exec(path, "CREATE TABLE relm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                   "INSERT INTO relm_meta VALUES ('schema_version', '0');");
    /* Without CREATE, version 0 counts as "not initialised". */
    assert_int_equal(relm_open(path, 0, &r, &err), RELM_ESCHEMA);
    assert_int_equal(relm_open(path, RELM_OPEN_CREATE, &r, &err), 0);
    assert_int_equal(relm_schema_version(r), relm_schema_latest());
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact"), 0);
    relm_close(r);
    assert_int_equal(relm_open(path, 0, &r, &err), 0);
    relm_close(r);
    remove_db(path);
}

static void a_newer_database_is_refused(void **state)
{
    (void)state;
    char path[128], sql[128];
    relm_t *r = NULL;
    relm_error_t err = {0};
    tmp_path(path, sizeof(path), "new");
    assert_int_equal(relm_open(path, RELM_OPEN_CREATE, &r, &err), 0);
    relm_close(r);
    snprintf(sql, sizeof(sql), "UPDATE relm_meta SET value = '%d'", relm_schema_latest() + 1);
    raw_exec(path, sql);
    assert_int_equal(relm_open(path, 0, &r, &err), RELM_ESCHEMA);
    assert_non_null(strstr(err.message, "newer"));
    assert_int_equal(relm_open(path, RELM_OPEN_CREATE, &r, &err), RELM_ESCHEMA);
    remove_db(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_new_database_has_the_latest_schema),
        cmocka_unit_test(opening_without_init_is_refused),
        cmocka_unit_test(an_older_database_is_upgraded_in_place),
        cmocka_unit_test(a_newer_database_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
