/*
 * Schema migrations: a new database gets the latest schema, an older one is upgraded in
 * place, a newer one and a foreign file are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"
#include "schema.h"

static void tmp_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "/tmp/relm-schema-%d-%s.db", (int)getpid(), name);
    unlink(buf);
}

static void remove_db(const char *path)
{
    char p[300];
    for (int v = 1; v <= relm_schema_latest(); v++) {
        snprintf(p, sizeof(p), "%s.bak-v%d", path, v);
        unlink(p);
        snprintf(p, sizeof(p), "%s.bak-v%d.2", path, v);
        unlink(p);
    }
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

static const char *sql_text(relm_t *r, char *buf, size_t n, const char *sql)
{
    relm_stmt_t *s;
    relm_error_t err = {0};
    if (relm_stmt_prepare(r->store, sql, &s, &err))
        fail_msg("%s: %s", sql, err.message);
    buf[0] = '\0';
    if (relm_stmt_step(s, &err) == RELM_STEP_ROW)
        snprintf(buf, n, "%s", relm_stmt_text(s, 0));
    relm_stmt_release(s);
    return buf;
}

/* A database at path as schema version v left it, holding rows (SQL), then opened. */
static relm_t *open_from_version(const char *path, int v, const char *rows)
{
    char sql[160];
    relm_t *r = NULL;
    relm_error_t err = {0};
    snprintf(sql, sizeof(sql),
             "CREATE TABLE relm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
             "INSERT INTO relm_meta VALUES ('schema_version', '%d');",
             v);
    raw_exec(path, sql);
    for (int i = 0; i < relm_migration_count && relm_migrations[i].version <= v; i++)
        raw_exec(path, relm_migrations[i].sql);
    raw_exec(path, rows);
    assert_int_equal(relm_open(path, 0, &r, &err), 0);
    assert_int_equal(relm_schema_version(r), relm_schema_latest());
    return r;
}

/* Version 11 held segment lines in a rowid table with five b-trees; 12 keys them by line. */
static void segment_lines_survive_the_move_to_a_table_keyed_by_line(void **state)
{
    (void)state;
    char path[128], sql[128];
    tmp_path(path, sizeof(path), "v11");
    relm_t *r = open_from_version(
        path, 11,
        "INSERT INTO segment_header (no, description) VALUES ('SEG1', 'Old');"
        "INSERT INTO segment_line (segment_no, line_no, contact_no, contact_company_no, subject, "
        "personalised, added_by_step) VALUES ('SEG1', 20000, 'P2', 'C1', 'Two', 1, 3), "
        "('SEG1', 10000, 'P1', 'C1', 'One', 0, 3);");
    assert_string_equal(sql_text(r, sql, sizeof(sql),
                                 "SELECT group_concat(line_no || contact_no || subject || "
                                 "personalised || added_by_step, ' ') FROM segment_line"),
                        "10000P1One03 20000P2Two13");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM sqlite_master WHERE name = "
                                     "'segment_line' AND sql LIKE '%WITHOUT ROWID%'"),
                     1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                     "AND tbl_name = 'segment_line' AND sql IS NOT NULL"),
                     1);
    relm_close(r);
    remove_db(path);
}

/* Version 22 had no folded copies of contacts: the upgrade fills them for every contact. */
static void contacts_of_an_older_database_are_found_by_search_after_the_upgrade(void **state)
{
    (void)state;
    char path[128];
    tmp_path(path, sizeof(path), "v22");
    relm_t *r = open_from_version(path, 22,
                                  "INSERT INTO contact (no, type, name, email, city) VALUES "
                                  "('K1', 'company', 'Nordlys Kontormøbler AS', "
                                  "'Post@Blåbær.NO', 'Tromsø');");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE email_folded = "
                                     "'post@blåbær.no' AND search_folded LIKE '%kontormøbler%' "
                                     "AND search_folded LIKE '%tromsø%'"),
                     1);
    relm_close(r);
    remove_db(path);
}

/* Version 27 listed the log without an index in date order: the upgrade adds it (and those
 * of the canceled and the postponed entries) to the entries already there. */
static void the_log_of_an_older_database_is_indexed_in_date_order_after_the_upgrade(void **state)
{
    (void)state;
    char path[128];
    tmp_path(path, sizeof(path), "v27");
    relm_t *r = open_from_version(
        path, 27,
        "INSERT INTO contact (no, type, name) VALUES ('K1', 'company', 'Old Ltd');"
        "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, date, "
        "time, description, canceled, postponed) VALUES "
        "(1, 'K1', 'K1', '2026-01-02', '10:00:00', 'Older', 0, 0),"
        "(2, 'K1', 'K1', '2026-03-04', '09:00:00', 'Newer', 1, 0),"
        "(3, 'K1', 'K1', '2026-02-01', '08:00:00', 'Draft', 0, 1);");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                     "AND name IN ('ile_date', 'ile_canceled', 'ile_postponed')"),
                     3);
    /* The salesperson's and the template's indexes end in the listing's order. */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                                     "AND name IN ('ile_salesperson', 'ile_template') AND "
                                     "replace(sql, char(10), '') LIKE '%date, time,%entry_no)'"),
                     2);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry INDEXED BY "
                                     "ile_date WHERE date > '2026-01-01'"),
                     3);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry INDEXED BY "
                                     "ile_canceled WHERE canceled = 1 AND date > ''"),
                     1);
    assert_int_equal(test_sql_int(r, "SELECT entry_no FROM interaction_log_entry INDEXED BY "
                                     "ile_postponed WHERE postponed = 1 AND date > ''"),
                     3);
    relm_close(r);
    remove_db(path);
}

/* The schema version recorded in the database file at path (-1: none). */
static int version_in_file(const char *path)
{
    relm_store_t *st;
    relm_stmt_t *s;
    relm_error_t err = {0};
    int v = -1;
    if (access(path, F_OK) != 0 || relm_store_open(path, 0, &st, &err))
        return -1;
    if (relm_stmt_prepare(st, "SELECT value FROM relm_meta WHERE key = 'schema_version'", &s,
                          &err) == 0) {
        if (relm_stmt_step(s, &err) == RELM_STEP_ROW)
            v = atoi(relm_stmt_text(s, 0));
        relm_stmt_release(s);
    }
    relm_store_close(st);
    return v;
}

/* The version before the latest: the one an upgrade most often starts from. */
static int previous_version(void)
{
    return relm_migrations[relm_migration_count - 2].version;
}

static void an_upgrade_first_copies_the_database_beside_it(void **state)
{
    (void)state;
    char path[128], bak[160];
    int v = previous_version();
    tmp_path(path, sizeof(path), "bak");
    relm_t *r = open_from_version(path, v, "INSERT INTO relm_meta VALUES ('marker', 'kept');");
    snprintf(bak, sizeof(bak), "%s.bak-v%d", path, v);
    assert_string_equal(relm_migration_backup(r), bak);
    relm_close(r);
    assert_int_equal(version_in_file(bak), v);
    assert_int_equal(version_in_file(path), relm_schema_latest());
    /* Opening the upgraded database copies nothing again. */
    relm_error_t err = {0};
    assert_int_equal(relm_open(path, 0, &r, &err), 0);
    assert_string_equal(relm_migration_backup(r), "");
    relm_close(r);
    remove_db(path);
}

static void an_earlier_backup_is_never_overwritten(void **state)
{
    (void)state;
    char path[128], bak[160], bak2[170], buf[8] = "";
    int v = previous_version();
    tmp_path(path, sizeof(path), "bak2");
    snprintf(bak, sizeof(bak), "%s.bak-v%d", path, v);
    snprintf(bak2, sizeof(bak2), "%s.bak-v%d.2", path, v);
    unlink(bak2);
    FILE *f = fopen(bak, "w");
    assert_non_null(f);
    fputs("old", f);
    fclose(f);
    relm_t *r = open_from_version(path, v, "SELECT 1;");
    assert_string_equal(relm_migration_backup(r), bak2);
    relm_close(r);
    f = fopen(bak, "r");
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof(buf), f));
    fclose(f);
    assert_string_equal(buf, "old");
    assert_int_equal(version_in_file(bak2), v);
    remove_db(path);
}

static void an_older_database_is_refused_without_migrating_when_asked(void **state)
{
    (void)state;
    char path[128], sql[160], bak[160];
    relm_t *r = NULL;
    relm_error_t err = {0};
    int v = previous_version();
    tmp_path(path, sizeof(path), "nomig");
    snprintf(sql, sizeof(sql),
             "CREATE TABLE relm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
             "INSERT INTO relm_meta VALUES ('schema_version', '%d');",
             v);
    raw_exec(path, sql);
    for (int i = 0; i < relm_migration_count && relm_migrations[i].version <= v; i++)
        raw_exec(path, relm_migrations[i].sql);
    assert_int_equal(relm_open(path, RELM_OPEN_NO_MIGRATE, &r, &err), RELM_ESCHEMA);
    assert_null(r);
    assert_non_null(strstr(err.message, "older than this relm"));
    assert_non_null(strstr(err.message, "relm init"));
    assert_int_equal(version_in_file(path), v);
    snprintf(bak, sizeof(bak), "%s.bak-v%d", path, v);
    assert_int_equal(access(bak, F_OK), -1);
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
        cmocka_unit_test(segment_lines_survive_the_move_to_a_table_keyed_by_line),
        cmocka_unit_test(contacts_of_an_older_database_are_found_by_search_after_the_upgrade),
        cmocka_unit_test(the_log_of_an_older_database_is_indexed_in_date_order_after_the_upgrade),
        cmocka_unit_test(a_newer_database_is_refused),
        cmocka_unit_test(an_upgrade_first_copies_the_database_beside_it),
        cmocka_unit_test(an_earlier_backup_is_never_overwritten),
        cmocka_unit_test(an_older_database_is_refused_without_migrating_when_asked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
