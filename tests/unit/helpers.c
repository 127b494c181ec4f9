/*
 * Unit test fixtures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

#define MAX_OPEN 16

static struct {
    relm_t *r;
    char path[256];
    char pg_name[64]; /* the database created on the PostgreSQL server, or "" */
} open_dbs[MAX_OPEN];

/* The PostgreSQL server URL (without database name) from RELM_TEST_PG, or NULL. */
static const char *pg_server(void)
{
    static char url[256];
    const char *v = getenv("RELM_TEST_PG");
    if (!v || !*v)
        return NULL;
    snprintf(url, sizeof(url), "%s", v);
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        url[--n] = '\0';
    return url;
}

int test_on_pg(void)
{
    return pg_server() != NULL;
}

/* Run one statement on the server's maintenance database (CREATE / DROP DATABASE). */
static void pg_admin(const char *sql)
{
    char url[300];
    relm_store_t *st = NULL;
    relm_error_t err = {0};
    snprintf(url, sizeof(url), "%s/postgres", pg_server());
    if (relm_store_open(url, 0, &st, &err))
        fail_msg("PostgreSQL server %s (RELM_TEST_PG): %s", url, err.message);
    int rc = relm_store_exec(st, sql, &err);
    relm_store_close(st);
    if (rc)
        fail_msg("%s: %s", sql, err.message);
}

const char *test_pg_empty_db(void)
{
    static char url[300];
    static int serial;
    char sql[128];
    if (!test_on_pg())
        return NULL;
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS relm_empty_%d_%d WITH (FORCE)",
             (int)getpid(), ++serial);
    pg_admin(sql);
    snprintf(sql, sizeof(sql), "CREATE DATABASE relm_empty_%d_%d", (int)getpid(), serial);
    pg_admin(sql);
    snprintf(url, sizeof(url), "%s/relm_empty_%d_%d", pg_server(), (int)getpid(), serial);
    return url;
}

relm_t *test_db_new(void)
{
    char path[256], pg_name[64] = "";
    if (test_on_pg()) {
        /* A database of its own per test: the name is unique per process and call. */
        static int serial;
        char sql[128];
        snprintf(pg_name, sizeof(pg_name), "relm_test_%d_%d", (int)getpid(), ++serial);
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", pg_name);
        pg_admin(sql);
        snprintf(sql, sizeof(sql), "CREATE DATABASE %s", pg_name);
        pg_admin(sql);
        snprintf(path, sizeof(path), "%s/%s", pg_server(), pg_name);
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof(path), "%s/relm-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        close(fd);
        unlink(path);
    }
    relm_t *r = NULL;
    relm_error_t err = {0};
    int rc = relm_open(path, RELM_OPEN_CREATE, &r, &err);
    if (rc)
        fail_msg("open %s: %s", path, err.message);
    /* SQLite's group_concat(x, sep), which the tests use to read rows back in one string. */
    if (pg_name[0] &&
        relm_store_exec(r->store,
                        "CREATE FUNCTION group_concat_step(acc text, v text, sep text) "
                        "RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN v IS NULL "
                        "THEN acc WHEN acc IS NULL THEN v ELSE acc || sep || v END $$; "
                        "CREATE AGGREGATE group_concat(text, text) "
                        "(SFUNC = group_concat_step, STYPE = text)",
                        &err))
        fail_msg("group_concat on %s: %s", path, err.message);
    assert_int_equal(relm_set_workdate(r, "2026-03-15", &err), 0);
    for (int i = 0; i < MAX_OPEN; i++) {
        if (!open_dbs[i].r) {
            open_dbs[i].r = r;
            snprintf(open_dbs[i].path, sizeof(open_dbs[i].path), "%s", path);
            snprintf(open_dbs[i].pg_name, sizeof(open_dbs[i].pg_name), "%s", pg_name);
            break;
        }
    }
    return r;
}

const char *test_db_path(relm_t *r)
{
    for (int i = 0; i < MAX_OPEN; i++)
        if (open_dbs[i].r == r)
            return open_dbs[i].path;
    return "";
}

void test_db_free(relm_t *r)
{
    for (int i = 0; i < MAX_OPEN; i++) {
        if (open_dbs[i].r == r) {
            char p[300];
            relm_close(r);
            open_dbs[i].r = NULL;
            if (open_dbs[i].pg_name[0]) {
                /* FORCE: a test may leave a second connection of its own open. */
                snprintf(p, sizeof(p), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
                         open_dbs[i].pg_name);
                pg_admin(p);
                return;
            }
            unlink(open_dbs[i].path);
            snprintf(p, sizeof(p), "%s-wal", open_dbs[i].path);
            unlink(p);
            snprintf(p, sizeof(p), "%s-shm", open_dbs[i].path);
            unlink(p);
            open_dbs[i].r = NULL;
            return;
        }
    }
    relm_close(r);
}

int64_t test_sql_int(relm_t *r, const char *sql)
{
    int64_t v = -1;
    relm_error_t err;
    if (relm_count(r, sql, NULL, &v, &err))
        fail_msg("%s: %s", sql, err.message);
    return v;
}

static void add_series(relm_t *r, const char *code, const char *start)
{
    relm_error_t err;
    relm_no_series_t ns;
    relm_record_init(&relm_no_series_entity, &ns);
    snprintf(ns.code, sizeof(ns.code), "%s", code);
    snprintf(ns.description, sizeof(ns.description), "%s numbers", code);
    if (relm_numseries_add(r, &ns, &err))
        fail_msg("series %s: %s", code, err.message);
    relm_no_series_line_t l;
    relm_record_init(&relm_no_series_line_entity, &l);
    snprintf(l.series_code, sizeof(l.series_code), "%s", code);
    snprintf(l.starting_no, sizeof(l.starting_no), "%s", start);
    if (relm_numseries_line_add(r, &l, &err))
        fail_msg("series line %s: %s", code, err.message);
}

void test_seed_series(relm_t *r)
{
    relm_error_t err;
    add_series(r, "CONT", "CT000001");
    add_series(r, "SEG", "SEG00001");
    add_series(r, "CAMP", "CMP1001");
    relm_setup_t s;
    relm_mask_t given = 0;
    relm_record_init(&relm_setup_entity, &s);
    relm_record_set(&relm_setup_entity, &s, &given, "contact_nos", "CONT", &err);
    relm_record_set(&relm_setup_entity, &s, &given, "segment_nos", "SEG", &err);
    relm_record_set(&relm_setup_entity, &s, &given, "campaign_nos", "CAMP", &err);
    if (relm_setup_update(r, &s, given, &err))
        fail_msg("setup: %s", err.message);
}

static void exec_or_fail(relm_t *r, const char *sql)
{
    relm_error_t err = {0};
    if (relm_store_exec(r->store, sql, &err))
        fail_msg("%s: %s", sql, err.message);
}

void test_fail_inserts(relm_t *r, const char *name, const char *table, const char *when,
                       const char *message)
{
    char sql[1024];
    /* Names and texts come from the test itself, never from data. */
    if (test_on_pg())
        snprintf(sql, sizeof(sql),
                 "CREATE FUNCTION %s_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                 "IF %s THEN RAISE EXCEPTION '%s'; END IF; RETURN NEW; END $$; "
                 "CREATE TRIGGER %s BEFORE INSERT ON %s FOR EACH ROW EXECUTE FUNCTION %s_fn()",
                 name, when ? when : "true", message, name, table, name);
    else
        snprintf(sql, sizeof(sql),
                 "CREATE TRIGGER %s BEFORE INSERT ON %s %s%s BEGIN SELECT RAISE(ABORT, '%s'); END",
                 name, table, when ? "WHEN " : "", when ? when : "", message);
    exec_or_fail(r, sql);
}

void test_drop_failure(relm_t *r, const char *name, const char *table)
{
    char sql[256];
    if (test_on_pg())
        snprintf(sql, sizeof(sql), "DROP TRIGGER %s ON %s; DROP FUNCTION %s_fn()", name, table,
                 name);
    else
        snprintf(sql, sizeof(sql), "DROP TRIGGER %s", name);
    exec_or_fail(r, sql);
}

int64_t test_table_exists(relm_t *r, const char *table)
{
    char sql[256];
    if (test_on_pg())
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                 "current_schema() AND table_name = '%s'",
                 table);
    else
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'", table);
    return test_sql_int(r, sql);
}

int64_t test_column_count(relm_t *r, const char *table)
{
    char sql[256];
    if (test_on_pg())
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                 "current_schema() AND table_name = '%s'",
                 table);
    else
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM pragma_table_info('%s')", table);
    return test_sql_int(r, sql);
}

const char *test_sql_unix_now(void)
{
    return test_on_pg() ? "CAST(extract(epoch FROM now()) AS BIGINT)"
                        : "CAST(strftime('%s', 'now') AS INTEGER)";
}

void test_delete_unchecked(relm_t *r, const char *sql)
{
    char buf[512];
    /* The foreign keys are not checked while it runs (a database a bug left inconsistent). */
    if (test_on_pg())
        snprintf(buf, sizeof(buf),
                 "SET session_replication_role = replica; %s; "
                 "SET session_replication_role = DEFAULT",
                 sql);
    else
        snprintf(buf, sizeof(buf), "PRAGMA foreign_keys = OFF; %s; PRAGMA foreign_keys = ON", sql);
    exec_or_fail(r, buf);
}
