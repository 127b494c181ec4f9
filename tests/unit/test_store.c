/*
 * The storage interface: transactions nest, statements are cached but never shared by
 * two open cursors, parameters are bound, errors carry codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

static void exec_sql(relm_t *r, const char *sql)
{
    relm_error_t err = {0};
    if (relm_store_exec(r->store, sql, &err))
        fail_msg("%s: %s", sql, err.message);
}

static void nested_rollback_undoes_only_the_inner_level(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    exec_sql(r, "CREATE TABLE t (v INTEGER)");
    assert_int_equal(relm_begin(r, &err), 0);
    exec_sql(r, "INSERT INTO t VALUES (1)");
    assert_int_equal(relm_begin(r, &err), 0);
    exec_sql(r, "INSERT INTO t VALUES (2)");
    relm_rollback(r);
    assert_int_equal(relm_store_depth(r->store), 1);
    assert_int_equal(relm_commit(r, &err), 0);
    assert_int_equal(relm_store_depth(r->store), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM t"), 1);
    assert_int_equal(test_sql_int(r, "SELECT sum(v) FROM t"), 1);
    assert_int_equal(relm_begin(r, &err), 0);
    exec_sql(r, "INSERT INTO t VALUES (5)");
    relm_rollback(r);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM t"), 1);
    test_db_free(r);
}

/* Run sql (with %s for the sequence) and give the sorts it ran. */
static int run_counted(relm_t *r, const char *fmt, const char *seq)
{
    char sql[256];
    relm_stmt_t *s;
    relm_error_t err = {0};
    snprintf(sql, sizeof(sql), fmt, seq);
    assert_int_equal(relm_stmt_prepare(r->store, sql, &s, &err), 0);
    relm_stmt_sorts(s);
    while (relm_stmt_step(s, &err) == RELM_STEP_ROW)
        ;
    int sorts = relm_stmt_sorts(s);
    relm_stmt_release(s);
    return sorts;
}

static void the_sequence_counts_rows_in_output_order_unless_a_sort_intervened(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    exec_sql(r, "CREATE TABLE src (k TEXT PRIMARY KEY, v INTEGER);"
                "INSERT INTO src VALUES ('b', 1), ('c', 3), ('a', 2);"
                "CREATE TABLE dst (n INTEGER, k TEXT)");
    const char *seq = relm_store_sequence(r->store);
    if (test_on_pg()) {
        /* PostgreSQL has no row counter: callers number with ROW_NUMBER() (table.c). */
        assert_null(seq);
        assert_int_equal(relm_store_plan_sorts(r->store, "SELECT k FROM src ORDER BY k"), 1);
        test_db_free(r);
        return;
    }
    assert_non_null(seq);
    /* Read through the key's index in order: counted as produced, no sort. */
    assert_int_equal(relm_store_plan_sorts(r->store, "SELECT k FROM src ORDER BY k"), 0);
    assert_int_equal(relm_store_plan_sorts(r->store, "SELECT k FROM src ORDER BY v"), 1);
    assert_int_equal(run_counted(r, "INSERT INTO dst SELECT %s, k FROM src ORDER BY k", seq), 0);
    assert_int_equal(relm_store_sequence_value(r->store), 3);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM dst WHERE n || k IN "
                                     "('1a', '2b', '3c')"),
                     3);
    /* Restarted at every call; an order no index gives needs a sort, and says so. */
    seq = relm_store_sequence(r->store);
    assert_int_equal(relm_store_sequence_value(r->store), 0);
    assert_true(run_counted(r, "INSERT INTO dst SELECT %s, k FROM src ORDER BY v", seq) > 0);
    assert_int_equal(relm_store_sequence_value(r->store), 3);
    test_db_free(r);
}

static void parameters_are_bound_not_spliced(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_stmt_t *s;
    exec_sql(r, "CREATE TABLE t (name TEXT, n BIGINT)");
    assert_int_equal(relm_stmt_prepare(r->store, "INSERT INTO t VALUES (?, ?)", &s, &err), 0);
    relm_stmt_bind_text(s, 1, "x'); DROP TABLE t; --");
    relm_stmt_bind_int(s, 2, 9007199254740993LL);
    assert_int_equal(relm_stmt_run(s, &err), 0);
    assert_int_equal(relm_stmt_prepare(r->store, "SELECT name, n FROM t", &s, &err), 0);
    assert_int_equal(relm_stmt_step(s, &err), RELM_STEP_ROW);
    assert_string_equal(relm_stmt_text(s, 0), "x'); DROP TABLE t; --");
    assert_true(relm_stmt_int(s, 1) == 9007199254740993LL);
    assert_int_equal(relm_stmt_step(s, &err), RELM_STEP_DONE);
    relm_stmt_release(s);
    test_db_free(r);
}

static void text_bound_in_place_is_written_and_a_rebind_takes_the_new_text(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_stmt_t *s;
    exec_sql(r, "CREATE TABLE t (name TEXT, other TEXT)");
    char buf[16] = "first";
    for (int i = 0; i < 2; i++) {
        assert_int_equal(relm_stmt_prepare(r->store, "INSERT INTO t VALUES (?, ?)", &s, &err), 0);
        relm_stmt_bind_text_kept(s, 1, buf);
        relm_stmt_bind_text_kept(s, 2, NULL);
        assert_int_equal(relm_stmt_run(s, &err), 0);
        /* Released: the statement no longer reads the buffer. */
        memcpy(buf, "later", 6);
    }
    assert_int_equal(
        test_sql_int(r, "SELECT count(*) FROM t WHERE name = 'first' AND other IS NULL"), 1);
    assert_int_equal(
        test_sql_int(r, "SELECT count(*) FROM t WHERE name = 'later' AND other IS NULL"), 1);
    test_db_free(r);
}

static void the_same_sql_twice_gives_two_cursors(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_stmt_t *a, *b;
    exec_sql(r, "CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2), (3)");
    const char *sql = "SELECT v FROM t ORDER BY v";
    assert_int_equal(relm_stmt_prepare(r->store, sql, &a, &err), 0);
    assert_int_equal(relm_stmt_step(a, &err), RELM_STEP_ROW);
    assert_int_equal(relm_stmt_prepare(r->store, sql, &b, &err), 0);
    assert_ptr_not_equal(a, b);
    int n = 0;
    while (relm_stmt_step(b, &err) == RELM_STEP_ROW)
        n++;
    assert_int_equal(n, 3);
    assert_int_equal(relm_stmt_int(a, 0), 1);
    relm_stmt_release(b);
    relm_stmt_release(a);
    relm_stmt_t *c;
    assert_int_equal(relm_stmt_prepare(r->store, sql, &c, &err), 0);
    assert_true(c == a || c == b);
    relm_stmt_release(c);
    test_db_free(r);
}

static void constraint_failures_map_to_codes(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_stmt_t *s;
    assert_int_equal(
        relm_stmt_prepare(r->store, "INSERT INTO salesperson (code) VALUES (?)", &s, &err), 0);
    relm_stmt_bind_text(s, 1, "JO");
    assert_int_equal(relm_stmt_run(s, &err), 0);
    assert_int_equal(
        relm_stmt_prepare(r->store, "INSERT INTO salesperson (code) VALUES (?)", &s, &err), 0);
    relm_stmt_bind_text(s, 1, "JO");
    assert_int_equal(relm_stmt_run(s, &err), RELM_EEXISTS);
    assert_int_equal(relm_stmt_prepare(r->store, "SELECT nonsense FROM nowhere", &s, &err),
                     RELM_ESTORAGE);
    assert_non_null(strstr(err.message, "nowhere"));
    test_db_free(r);
}

static void urls_name_the_engine(void **state)
{
    (void)state;
    relm_t *r = NULL;
    relm_error_t err = {0};
    assert_int_equal(relm_open("postgres:relm", 0, &r, &err), RELM_EUSAGE);
    assert_null(r);
    assert_non_null(strstr(err.message, "postgresql://USER@HOST:PORT/DBNAME"));
    /* A server that cannot be reached is an I/O failure naming the database. */
    assert_int_equal(
        relm_open("postgresql://relm@127.0.0.1:1/nowhere?connect_timeout=5", 0, &r, &err),
        RELM_EIO);
    assert_null(r);
    assert_non_null(strstr(err.message, "PostgreSQL database nowhere cannot be opened"));
    assert_int_equal(relm_open("sqlite:", 0, &r, &err), RELM_EUSAGE);
    assert_int_equal(relm_open("/nonexistent-dir/x.db", 0, &r, &err), RELM_ENOTFOUND);
    assert_non_null(strstr(err.message, "relm init"));
}

static void a_locked_database_is_busy_in_words_a_user_understands(void **state)
{
    (void)state;
    relm_t *r = test_db_new(), *other = NULL;
    relm_error_t err = {0};
    assert_int_equal(relm_open(test_db_path(r), 0, &other, &err), 0);
    assert_int_equal(relm_begin(r, &err), 0);
    relm_store_set_busy_wait(other->store, 0);
    if (test_on_pg()) {
        /* PostgreSQL locks rows, not the database: both take the same counter. */
        int64_t first = 0;
        assert_int_equal(relm_counter_take(r, "attachment", 1, &first, &err), 0);
        assert_int_equal(relm_begin(other, &err), 0);
        assert_int_equal(relm_counter_take(other, "attachment", 1, &first, &err), RELM_EBUSY);
        relm_rollback(other);
    } else {
        assert_int_equal(relm_begin(other, &err), RELM_EBUSY);
    }
    assert_string_equal(relm_error_name(err.code), "busy");
    assert_string_equal(err.message, "the database is busy with another job; try again");
    relm_rollback(r);
    relm_close(other);
    test_db_free(r);
}

static void a_backup_is_a_database_with_the_same_rows(void **state)
{
    (void)state;
    relm_t *r = test_db_new(), *copy = NULL;
    relm_error_t err = {0};
    char path[4200];
    exec_sql(r, "CREATE TABLE t (v INTEGER)");
    exec_sql(r, "INSERT INTO t VALUES (1), (2), (3)");
    if (test_on_pg()) {
        /* A server's database is backed up with pg_dump: relm says so. */
        assert_int_equal(relm_backup(r, "/tmp/relm-pg-backup-never-written", 0, &err), RELM_EUSAGE);
        assert_non_null(strstr(err.message, "pg_dump"));
        assert_int_equal(access("/tmp/relm-pg-backup-never-written", F_OK), -1);
        test_db_free(r);
        return;
    }
    snprintf(path, sizeof(path), "%s.backup", test_db_path(r));
    remove(path);
    assert_int_equal(relm_backup(r, path, 0, &err), 0);
    assert_int_equal(relm_open(path, 0, &copy, &err), 0);
    assert_int_equal(test_sql_int(copy, "SELECT sum(v) FROM t"), 6);
    relm_close(copy);
    exec_sql(r, "INSERT INTO t VALUES (4)");
    assert_int_equal(relm_backup(r, path, 0, &err), RELM_EEXISTS);
    assert_non_null(strstr(err.message, "--force"));
    assert_int_equal(relm_open(path, 0, &copy, &err), 0);
    assert_int_equal(test_sql_int(copy, "SELECT sum(v) FROM t"), 6); /* left alone */
    relm_close(copy);
    assert_int_equal(relm_backup(r, path, 1, &err), 0);
    assert_int_equal(relm_open(path, 0, &copy, &err), 0);
    assert_int_equal(test_sql_int(copy, "SELECT sum(v) FROM t"), 10);
    relm_close(copy);
    remove(path);
}

static int64_t size_on_disk(const char *path, const char *suffix)
{
    char p[4200];
    struct stat st;
    snprintf(p, sizeof(p), "%s%s", path, suffix);
    return stat(p, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* relm_database_size: SQLite's file and log as they lie on disk, PostgreSQL's own figure. */
static void the_database_size_is_the_space_the_engine_takes(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    int64_t size = -1;
    exec_sql(r, "CREATE TABLE t (v INTEGER)");
    exec_sql(r, "INSERT INTO t VALUES (1), (2), (3)");
    assert_int_equal(relm_database_size(r, &size, &err), 0);
    assert_true(size > 0);
    if (test_on_pg()) {
        /* The server may add a map file of its own in between: within a megabyte. */
        int64_t want = test_sql_int(r, "SELECT pg_database_size(current_database())");
        assert_true(size > want - (1 << 20) && size < want + (1 << 20));
    } else {
        const char *path = test_db_path(r);
        assert_int_equal(size, size_on_disk(path, "") + size_on_disk(path, "-wal"));
    }
    test_db_free(r);
}

/* error.h: the library never clears err, so a warning from an earlier call survives. */
static void open_keeps_the_callers_warnings(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_error_warn(&err, "an earlier warning");
    relm_t *again = NULL;
    assert_int_equal(relm_open(test_db_path(r), 0, &again, &err), 0);
    assert_string_equal(err.warning, "an earlier warning");
    relm_close(again);
    test_db_free(r);
}

/* The page cache size is the backend's setting: any size is accepted (64 KiB at least). */
static void the_cache_size_is_set_through_the_backend(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    assert_int_equal(relm_set_cache_size(r, 1, &err), 0);
    if (test_on_pg()) {
        /* PostgreSQL's cache is the server's (shared_buffers): accepted, nothing to set. */
        assert_int_equal(relm_set_cache_size(r, 2048, &err), 0);
        test_db_free(r);
        return;
    }
    assert_int_equal(test_sql_int(r, "PRAGMA cache_size"), -64);
    assert_int_equal(relm_set_cache_size(r, 2048, &err), 0);
    assert_int_equal(test_sql_int(r, "PRAGMA cache_size"), -2048);
    test_db_free(r);
}

/* A `?` inside a quoted literal or name is text, not a parameter (PostgreSQL rewrites to $n). */
static void a_question_mark_in_a_literal_is_not_a_parameter(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_stmt_t *s;
    assert_int_equal(
        relm_stmt_prepare(r->store, "SELECT '?''?' || ? AS \"a?\", ? + 1 -- a ? here\n", &s, &err),
        0);
    relm_stmt_bind_text(s, 1, "x");
    relm_stmt_bind_int(s, 2, 41);
    assert_int_equal(relm_stmt_step(s, &err), RELM_STEP_ROW);
    assert_string_equal(relm_stmt_text(s, 0), "?'?x");
    assert_int_equal(relm_stmt_int(s, 1), 42);
    assert_string_equal(relm_stmt_column_name(s, 0), "a?");
    relm_stmt_release(s);
    test_db_free(r);
}

/* Comparisons read back as 1 and 0 on both engines, and 64-bit values fit every number. */
static void truth_values_are_one_and_zero_and_numbers_are_64_bit(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_stmt_t *s;
    assert_int_equal(relm_stmt_prepare(r->store, "SELECT 1 = 1, 1 = 2, ? IS NULL", &s, &err), 0);
    relm_stmt_bind_null(s, 1);
    assert_int_equal(relm_stmt_step(s, &err), RELM_STEP_ROW);
    assert_string_equal(relm_stmt_text(s, 0), "1");
    assert_int_equal(relm_stmt_int(s, 0), 1);
    assert_string_equal(relm_stmt_text(s, 1), "0");
    assert_int_equal(relm_stmt_int(s, 2), 1);
    relm_stmt_release(s);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE entry_no "
                                     "< 9223372036854775807"),
                     0);
    assert_int_equal(relm_stmt_prepare(r->store,
                                       "SELECT count(*) FROM logged_segment WHERE entry_no < ?", &s,
                                       &err),
                     0);
    relm_stmt_bind_int(s, 1, INT64_MAX);
    assert_int_equal(relm_stmt_step(s, &err), RELM_STEP_ROW);
    assert_int_equal(relm_stmt_int(s, 0), 0);
    relm_stmt_release(s);
    test_db_free(r);
}

/* Fill t (k INTEGER, v TEXT) with k = 1..n and v = 'v' || k, written by the engine itself. */
static void fill_numbers(relm_t *r, int n)
{
    char sql[256];
    exec_sql(r, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
    snprintf(sql, sizeof(sql),
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
             "INSERT INTO t SELECT i, 'v' || i FROM n",
             n);
    exec_sql(r, sql);
}

/* Step s (k, v rows of fill_numbers) from row `from` on: every row in order, the right v. */
static int step_numbers(relm_stmt_t *s, int from)
{
    relm_error_t err = {0};
    char want[32];
    int k = from, rc;
    while ((rc = relm_stmt_step(s, &err)) == RELM_STEP_ROW) {
        snprintf(want, sizeof(want), "v%d", k);
        assert_int_equal(relm_stmt_int(s, 0), k);
        assert_string_equal(relm_stmt_text(s, 1), want);
        k++;
    }
    assert_int_equal(rc, RELM_STEP_DONE);
    return k - from;
}

/*
 * Domain code steps one statement while another still has rows: on PostgreSQL the first
 * one's rows stream, and whatever else needs the connection (another SELECT, a write, a
 * new statement, a savepoint) leaves the first one whole: it goes on with its next row,
 * its current row still readable.
 */
static void a_statement_stepped_while_another_has_rows_goes_on_whole(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    fill_numbers(r, 5000);
    exec_sql(r, "CREATE TABLE w (k INTEGER)");
    relm_stmt_t *a, *b;
    assert_int_equal(relm_begin(r, &err), 0);
    assert_int_equal(
        relm_stmt_prepare(r->store, "SELECT k, v FROM t WHERE k >= ? ORDER BY k", &a, &err), 0);
    relm_stmt_bind_int(a, 1, 1);
    assert_int_equal(relm_stmt_step(a, &err), RELM_STEP_ROW);
    assert_int_equal(relm_stmt_step(a, &err), RELM_STEP_ROW);
    const char *held = relm_stmt_text(a, 1);
    assert_string_equal(held, "v2");
    /* B: another SELECT, stepped to its end. */
    assert_int_equal(relm_stmt_prepare(r->store, "SELECT count(*), sum(k) FROM t", &b, &err), 0);
    assert_int_equal(relm_stmt_step(b, &err), RELM_STEP_ROW);
    assert_int_equal(relm_stmt_int(b, 0), 5000);
    assert_int_equal(relm_stmt_int(b, 1), 5000 * 5001 / 2);
    assert_int_equal(relm_stmt_step(b, &err), RELM_STEP_DONE);
    relm_stmt_release(b);
    /* A write and its count, a savepoint, a statement prepared for the first time. */
    assert_int_equal(
        relm_stmt_prepare(r->store, "INSERT INTO w SELECT k FROM t WHERE k <= ?", &b, &err), 0);
    relm_stmt_bind_int(b, 1, 7);
    assert_int_equal(relm_stmt_run(b, &err), 0);
    assert_int_equal(relm_store_changes(r->store), 7);
    assert_int_equal(relm_begin(r, &err), 0);
    exec_sql(r, "UPDATE w SET k = k + 100");
    assert_int_equal(relm_commit(r, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT sum(k) FROM w"), 7 * 100 + 28);
    /* A's current row is still the one it was on, and it goes on from there. */
    assert_string_equal(held, "v2");
    assert_int_equal(relm_stmt_int(a, 0), 2);
    assert_int_equal(step_numbers(a, 3), 4998);
    relm_stmt_release(a);
    /* Released part way, run again with another binding: from its start. */
    assert_int_equal(
        relm_stmt_prepare(r->store, "SELECT k, v FROM t WHERE k >= ? ORDER BY k", &a, &err), 0);
    relm_stmt_bind_int(a, 1, 4000);
    assert_int_equal(relm_stmt_step(a, &err), RELM_STEP_ROW);
    assert_int_equal(relm_stmt_int(a, 0), 4000);
    relm_stmt_release(a);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM w"), 7);
    assert_int_equal(
        relm_stmt_prepare(r->store, "SELECT k, v FROM t WHERE k >= ? ORDER BY k", &a, &err), 0);
    relm_stmt_bind_int(a, 1, 4990);
    assert_int_equal(step_numbers(a, 4990), 11);
    relm_stmt_release(a);
    assert_int_equal(relm_commit(r, &err), 0);
    /* A limit above a page streams too (below it the rows arrive whole): the same rows. */
    assert_int_equal(relm_stmt_prepare(r->store, "SELECT k, v FROM t ORDER BY k LIMIT ?", &a, &err),
                     0);
    relm_stmt_bind_int(a, 1, 4500);
    assert_int_equal(relm_stmt_step(a, &err), RELM_STEP_ROW);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM w"), 7);
    assert_int_equal(step_numbers(a, 2), 4499);
    relm_stmt_release(a);
    assert_int_equal(relm_stmt_prepare(r->store, "SELECT k, v FROM t ORDER BY k LIMIT ?", &a, &err),
                     0);
    relm_stmt_bind_int(a, 1, 20);
    assert_int_equal(relm_stmt_step(a, &err), RELM_STEP_ROW);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM w"), 7);
    assert_int_equal(step_numbers(a, 2), 19);
    relm_stmt_release(a);
    /* Between transactions the same. */
    assert_int_equal(
        relm_stmt_prepare(r->store, "SELECT k, v FROM t WHERE k >= ? ORDER BY k", &a, &err), 0);
    relm_stmt_bind_int(a, 1, 1);
    assert_int_equal(relm_stmt_step(a, &err), RELM_STEP_ROW);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM w"), 7);
    assert_int_equal(relm_stmt_int(a, 0), 1);
    assert_int_equal(step_numbers(a, 2), 4999);
    relm_stmt_release(a);
    test_db_free(r);
}

/* A failure the server finds part way through the rows reaches the statement that failed. */
static void a_failure_in_rows_read_ahead_reaches_its_own_statement(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    fill_numbers(r, 3000);
    relm_stmt_t *a;
    /* Row 2500 fails (division by zero; SQLite: an integer overflow), rows before it come. */
    const char *sql = test_on_pg()
                          ? "SELECT k, 1 / (2500 - k) FROM generate_series(1, 3000) AS g(k)"
                          : "SELECT k, CASE WHEN k = 2500 THEN abs(k - 2500 - "
                            "9223372036854775807 - 1) ELSE k END FROM t ORDER BY k";
    assert_int_equal(relm_stmt_prepare(r->store, sql, &a, &err), 0);
    int rc, rows = 0;
    while ((rc = relm_stmt_step(a, &err)) == RELM_STEP_ROW) {
        assert_int_equal(relm_stmt_int(a, 0), rows + 1);
        if (++rows == 10)
            assert_int_equal(test_sql_int(r, "SELECT count(*) FROM t"), 3000);
    }
    assert_true(rc < 0);
    assert_int_equal(rows, 2499);
    relm_stmt_release(a);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM t"), 3000);
    test_db_free(r);
}

/* Kilobytes the process has taken at its peak (VmHWM), or -1. */
static long peak_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    long kib = -1;
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}

#if defined(__SANITIZE_ADDRESS__)
#define MEMORY_CHECKED 0 /* freed memory waits in quarantine: the peak says nothing */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEMORY_CHECKED 0
#else
#define MEMORY_CHECKED 1
#endif
#else
#define MEMORY_CHECKED 1
#endif

/*
 * A result far larger than memory should hold: every row once, in order, with its values
 * (count and checksums); on PostgreSQL read one row at a time, so the process does not
 * grow by the size of the result.
 */
static void a_big_result_gives_every_row_and_streams(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    const int n = 100000;
    fill_numbers(r, n);
    exec_sql(r,
             "UPDATE t SET v = v || '-' || " /* about 600 bytes a row: 60 MB in all */
             "'................................................................................"
             "................................................................................"
             "................................................................................"
             "................................................................................"
             "................................................................................"
             "................................................................................"
             "................................................................................'");
    relm_stmt_t *s;
    long before = peak_kib();
    assert_int_equal(relm_stmt_prepare(r->store, "SELECT k, v FROM t ORDER BY k", &s, &err), 0);
    int64_t rows = 0, sum = 0, bytes = 0, mismatch = 0;
    char want[32];
    int rc;
    while ((rc = relm_stmt_step(s, &err)) == RELM_STEP_ROW) {
        int64_t k = relm_stmt_int(s, 0);
        const char *v = relm_stmt_text(s, 1);
        int w = snprintf(want, sizeof(want), "v%lld-", (long long)k);
        mismatch += k != rows + 1 || strncmp(v, want, (size_t)w) != 0;
        sum += k;
        bytes += (int64_t)strlen(v);
        rows++;
    }
    assert_int_equal(rc, RELM_STEP_DONE);
    relm_stmt_release(s);
    long grown = peak_kib() - before;
    assert_int_equal(rows, n);
    assert_int_equal(mismatch, 0);
    assert_int_equal(sum, (int64_t)n * (n + 1) / 2);
    assert_int_equal(bytes, test_sql_int(r, "SELECT sum(length(v)) FROM t"));
    assert_true(bytes > 50 * 1000 * 1000);
    if (test_on_pg() && MEMORY_CHECKED && before > 0)
        assert_true(grown < 16 * 1024); /* KiB: a whole result would be over 50 MB */
    test_db_free(r);
}

/*
 * PostgreSQL: a connection the server dropped while it was idle (a restart, an ended
 * session) is found before the next statement, which reconnects and runs, its statement
 * prepared again on the new connection. (A statement in flight when the connection goes
 * fails with io: tests/api/reconnect_pg.py.)
 */
static void a_connection_dropped_while_idle_is_made_again_for_the_next_statement(void **state)
{
    (void)state;
    if (!test_on_pg()) {
        print_message("SQLite has no connection to lose\n");
        return;
    }
    relm_t *r = test_db_new(), *killer = NULL;
    relm_error_t err = {0};
    const char *sql = "SELECT count(*) FROM contact WHERE no <> ?";
    relm_stmt_t *s;
    assert_int_equal(relm_stmt_prepare(r->store, sql, &s, &err), 0);
    relm_stmt_bind_text(s, 1, "X");
    assert_int_equal(relm_stmt_step(s, &err), RELM_STEP_ROW);
    relm_stmt_release(s);
    int64_t pid = test_sql_int(r, "SELECT pg_backend_pid()");
    assert_int_equal(relm_open(test_db_path(r), 0, &killer, &err), 0);
    char kill[96];
    /* Returns once the backend has ended (a pause would race with a slow machine). */
    snprintf(kill, sizeof(kill), "SELECT pg_terminate_backend(%lld, 60000)", (long long)pid);
    assert_int_equal(test_sql_int(killer, kill), 1);
    relm_close(killer);
    int64_t n = -1;
    assert_int_equal(relm_count(r, "SELECT count(*) FROM contact", NULL, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(relm_stmt_prepare(r->store, sql, &s, &err), 0);
    relm_stmt_bind_text(s, 1, "X");
    assert_int_equal(relm_stmt_step(s, &err), RELM_STEP_ROW);
    assert_int_equal(relm_stmt_int(s, 0), 0);
    relm_stmt_release(s);
    assert_true(test_sql_int(r, "SELECT pg_backend_pid()") != pid);
    test_db_free(r);
}

/* PostgreSQL: a connection lost inside a transaction fails until the caller rolls back. */
static void a_connection_lost_in_a_transaction_is_not_silently_replaced(void **state)
{
    (void)state;
    if (!test_on_pg()) {
        print_message("SQLite has no connection to lose\n");
        return;
    }
    relm_t *r = test_db_new(), *killer = NULL;
    relm_error_t err = {0};
    int64_t first = 0;
    assert_int_equal(relm_begin(r, &err), 0);
    assert_int_equal(relm_counter_take(r, "attachment", 1, &first, &err), 0);
    int64_t pid = test_sql_int(r, "SELECT pg_backend_pid()");
    assert_int_equal(relm_open(test_db_path(r), 0, &killer, &err), 0);
    char kill[96];
    snprintf(kill, sizeof(kill), "SELECT pg_terminate_backend(%lld, 60000)", (long long)pid);
    assert_int_equal(test_sql_int(killer, kill), 1);
    assert_int_equal(relm_counter_take(r, "attachment", 1, &first, &err), RELM_EIO);
    /* Not on a new connection outside the transaction: the caller has to roll back first. */
    assert_int_equal(relm_counter_take(r, "attachment", 1, &first, &err), RELM_EIO);
    assert_non_null(strstr(err.message, "during a transaction"));
    relm_rollback(r);
    assert_int_equal(relm_counter_take(r, "attachment", 1, &first, &err), 0);
    assert_int_equal(first, 1); /* the lost transaction's number was given back */
    relm_close(killer);
    test_db_free(r);
}

/*
 * PostgreSQL: relm init creates the schema in an empty database, but refuses one that
 * holds another program's tables; opening without init names relm init.
 */
static void init_refuses_a_database_of_another_program(void **state)
{
    (void)state;
    if (!test_on_pg()) {
        print_message("PostgreSQL only (a SQLite file of another program is not a relm file)\n");
        return;
    }
    relm_t *r = NULL;
    relm_error_t err = {0};
    char url[300];
    snprintf(url, sizeof(url), "%s", test_pg_empty_db());
    assert_int_equal(relm_open(url, 0, &r, &err), RELM_ESCHEMA);
    assert_non_null(strstr(err.message, "run relm init"));
    relm_store_t *st = NULL;
    assert_int_equal(relm_store_open(url, 0, &st, &err), 0);
    assert_int_equal(relm_store_exec(st, "CREATE TABLE invoices (id INTEGER)", &err), 0);
    relm_store_close(st);
    assert_int_equal(relm_open(url, RELM_OPEN_CREATE, &r, &err), RELM_ESCHEMA);
    assert_null(r);
    assert_non_null(strstr(err.message, "not a relm database"));
    /* Nothing of relm's was left in it. */
    assert_int_equal(relm_store_open(url, 0, &st, &err), 0);
    relm_stmt_t *s;
    assert_int_equal(relm_stmt_prepare(st,
                                       "SELECT count(*) FROM information_schema.tables WHERE "
                                       "table_schema = current_schema()",
                                       &s, &err),
                     0);
    assert_int_equal(relm_stmt_step(s, &err), RELM_STEP_ROW);
    assert_int_equal(relm_stmt_int(s, 0), 1);
    relm_stmt_release(s);
    assert_int_equal(relm_store_exec(st, "DROP TABLE invoices", &err), 0);
    relm_store_close(st);
    assert_int_equal(relm_open(url, RELM_OPEN_CREATE, &r, &err), 0);
    assert_int_equal(relm_schema_version(r), relm_schema_latest());
    assert_string_equal(relm_store_engine(r->store), "postgresql");
    relm_close(r);
}

/*
 * PostgreSQL: an older schema is refused by every open but relm init's, asking for a
 * pg_dump; the upgrade runs in place without a copy and warns so.
 */
static void a_postgres_upgrade_asks_for_pg_dump_and_makes_no_copy(void **state)
{
    (void)state;
    if (!test_on_pg()) {
        print_message("PostgreSQL only (SQLite's upgrade copy: test_schema)\n");
        return;
    }
    relm_t *r = test_db_new(), *again = NULL;
    relm_error_t err = {0};
    char url[300];
    snprintf(url, sizeof(url), "%s", test_db_path(r));
    /* Back to schema 21: without migration 022's table and counter, 027's columns or 029's
     * indexes. */
    assert_int_equal(relm_store_exec(r->store,
                                     "DROP TABLE privacy_erasure; DELETE FROM relm_counter WHERE "
                                     "name = 'privacy_erasure'; DROP INDEX contact_email_folded; "
                                     "ALTER TABLE contact DROP COLUMN search_folded; "
                                     "ALTER TABLE contact DROP COLUMN email_folded; "
                                     "DROP INDEX ile_date; DROP INDEX ile_canceled; "
                                     "DROP INDEX ile_postponed; "
                                     "UPDATE relm_meta SET value = '21' "
                                     "WHERE key = 'schema_version'",
                                     &err),
                     0);
    assert_int_equal(relm_open(url, RELM_OPEN_NO_MIGRATE, &again, &err), RELM_ESCHEMA);
    assert_non_null(strstr(err.message, "take a pg_dump first"));
    relm_error_t up = {0};
    assert_int_equal(relm_open(url, RELM_OPEN_CREATE, &again, &up), 0);
    assert_int_equal(relm_schema_version(again), relm_schema_latest());
    assert_string_equal(relm_migration_backup(again), "");
    assert_non_null(strstr(up.warning, "pg_dump"));
    assert_int_equal(test_sql_int(again, "SELECT count(*) FROM privacy_erasure"), 0);
    assert_int_equal(test_sql_int(again, "SELECT count(*) FROM contact WHERE email_folded <> ''"),
                     0);
    relm_close(again);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nested_rollback_undoes_only_the_inner_level),
        cmocka_unit_test(parameters_are_bound_not_spliced),
        cmocka_unit_test(text_bound_in_place_is_written_and_a_rebind_takes_the_new_text),
        cmocka_unit_test(the_same_sql_twice_gives_two_cursors),
        cmocka_unit_test(a_statement_stepped_while_another_has_rows_goes_on_whole),
        cmocka_unit_test(a_failure_in_rows_read_ahead_reaches_its_own_statement),
        cmocka_unit_test(a_big_result_gives_every_row_and_streams),
        cmocka_unit_test(constraint_failures_map_to_codes),
        cmocka_unit_test(urls_name_the_engine),
        cmocka_unit_test(open_keeps_the_callers_warnings),
        cmocka_unit_test(the_cache_size_is_set_through_the_backend),
        cmocka_unit_test(a_question_mark_in_a_literal_is_not_a_parameter),
        cmocka_unit_test(init_refuses_a_database_of_another_program),
        cmocka_unit_test(a_postgres_upgrade_asks_for_pg_dump_and_makes_no_copy),
        cmocka_unit_test(truth_values_are_one_and_zero_and_numbers_are_64_bit),
        cmocka_unit_test(a_connection_dropped_while_idle_is_made_again_for_the_next_statement),
        cmocka_unit_test(a_connection_lost_in_a_transaction_is_not_silently_replaced),
        cmocka_unit_test(the_sequence_counts_rows_in_output_order_unless_a_sort_intervened),
        cmocka_unit_test(a_locked_database_is_busy_in_words_a_user_understands),
        cmocka_unit_test(a_backup_is_a_database_with_the_same_rows),
        cmocka_unit_test(the_database_size_is_the_space_the_engine_takes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
