/*
 * Copying a whole database (relm_db_copy): every row of every table arrives with its
 * values and types, counters go on where they were, the check compares counts and
 * checksums, and a target with data or another schema version is refused untouched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "segment_fixture.h"

int relm_dbcopy_table_count(void);
const char *relm_dbcopy_table_name(int i);

static void tmp_path(char *buf, size_t n, const char *name)
{
    char p[300];
    snprintf(buf, n, "/tmp/relm-dbcopy-%d-%s.db", (int)getpid(), name);
    unlink(buf);
    snprintf(p, sizeof(p), "%s-wal", buf);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", buf);
    unlink(p);
}

/* A new initialised SQLite database at a temporary path (whatever engine the tests use). */
static relm_t *sqlite_new(const char *name, char *path, size_t n)
{
    relm_t *r = NULL;
    relm_error_t err = {0};
    tmp_path(path, n, name);
    if (relm_open(path, RELM_OPEN_CREATE, &r, &err))
        fail_msg("open %s: %s", path, err.message);
    return r;
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The rows of table as sorted lines of their values (NULL written as \N), columns in the
 * order cols names them: a comparison of two databases independent of the checksum.
 */
static char *rows_text(relm_t *r, const char *table, const char *cols)
{
    char sql[1024];
    snprintf(sql, sizeof(sql), "SELECT %s FROM %s", cols, table);
    relm_stmt_t *s;
    relm_error_t err = {0};
    if (relm_stmt_prepare(r->store, sql, &s, &err))
        fail_msg("%s: %s", sql, err.message);
    char **lines = NULL;
    size_t nlines = 0, total = 1;
    while (relm_stmt_step(s, &err) == RELM_STEP_ROW) {
        size_t len = 1;
        for (int i = 0; i < relm_stmt_columns(s); i++)
            len += strlen(relm_stmt_text(s, i)) + 3;
        char *line = malloc(len);
        line[0] = '\0';
        for (int i = 0; i < relm_stmt_columns(s); i++) {
            strcat(line, i ? "|" : "");
            strcat(line, relm_stmt_is_null(s, i) ? "\\N" : relm_stmt_text(s, i));
        }
        lines = realloc(lines, (nlines + 1) * sizeof(*lines));
        lines[nlines++] = line;
        total += len + 1;
    }
    relm_stmt_release(s);
    if (nlines > 1)
        qsort(lines, nlines, sizeof(*lines), cmp_lines);
    char *out = malloc(total);
    out[0] = '\0';
    for (size_t i = 0; i < nlines; i++) {
        strcat(out, lines[i]);
        strcat(out, "\n");
        free(lines[i]);
    }
    free(lines);
    return out;
}

/* The column list of table as the database has it ("a, b, c"). */
static void columns_of(relm_t *r, const char *table, char *out, size_t n)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT * FROM %s LIMIT 1", table);
    relm_stmt_t *s;
    relm_error_t err = {0};
    if (relm_stmt_prepare(r->store, sql, &s, &err))
        fail_msg("%s: %s", sql, err.message);
    relm_stmt_step(s, &err);
    out[0] = '\0';
    for (int i = 0; i < relm_stmt_columns(s); i++) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%s", i ? ", " : "", relm_stmt_column_name(s, i));
    }
    relm_stmt_release(s);
}

/* A source with every kind of record: the segment fixture, a logged segment, users, ... */
static relm_t *populated(void)
{
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Spring mailing", "LTR", no);
    add_line(r, no, "C1");
    add_line(r, no, "P2");
    relm_log_result_t res;
    if (relm_segment_log(r, no, 0, &res, NULL, NULL, &err))
        fail_msg("log: %s", err.message);
    new_segment(r, "Not yet logged", "NEWS", no);
    add_line(r, no, "P1");
    relm_user_t u;
    relm_record_init(&relm_user_entity, &u);
    snprintf(u.name, sizeof(u.name), "kari");
    if (relm_user_add(r, &u, "a long enough password", &err))
        fail_msg("user: %s", err.message);
    exec_sql(r, "UPDATE interaction_template SET attachment = 'Kjære {name}, æøå ÆØÅ – ✓' "
                "WHERE code = 'LTR';"
                "INSERT INTO attachment (attachment_no, entry_no, kind, content_type, body) "
                "VALUES (9223372036854775807, 1, 'sent', 'text/plain', 'Grüße aus Tromsø 🙂');"
                "INSERT INTO interaction_comment (entry_no, line_no, date, comment) "
                "VALUES (1, 10000, '2026-03-15', '0123 stays text');"
                "UPDATE interaction_log_entry SET cost = -9223372036854775807 - 1, "
                "duration = 9223372036854775807 WHERE entry_no = 2;"
                "UPDATE relm_counter SET value = 9223372036854775000 WHERE name = 'attachment';"
                "INSERT INTO login_throttle (scope, subject, failures, last_failure, "
                "blocked_until) VALUES ('name', 'kari', 3, 1780000000, 0);");
    return r;
}

static void attach(relm_t *r, const char *path)
{
    char sql[512];
    snprintf(sql, sizeof(sql), "ATTACH DATABASE '%s' AS tgt", path);
    exec_sql(r, sql);
}

static void a_copy_has_every_row_of_every_table_with_its_values_and_types(void **state)
{
    (void)state;
    relm_t *r = populated();
    char to[128];
    tmp_path(to, sizeof(to), "every");
    relm_dbcopy_result_t res;
    relm_error_t err = {0};
    if (relm_db_copy(test_db_path(r), to, NULL, NULL, &res, &err))
        fail_msg("copy: %s", err.message);
    assert_int_equal(res.mismatches, 0);
    assert_int_equal(res.ntables, relm_dbcopy_table_count());
    relm_t *t = NULL;
    assert_int_equal(relm_open(to, RELM_OPEN_NO_MIGRATE, &t, &err), 0);
    int64_t rows = 0;
    for (int i = 0; i < res.ntables; i++) {
        const char *name = res.tables[i].name;
        char cols[2048];
        columns_of(r, name, cols, sizeof(cols));
        char *a = rows_text(r, name, cols), *b = rows_text(t, name, cols);
        if (strcmp(a, b) != 0)
            fail_msg("table %s differs:\n%s---\n%s", name, a, b);
        free(a);
        free(b);
        assert_true(res.tables[i].match);
        assert_int_equal(res.tables[i].rows, res.tables[i].target_rows);
        assert_string_equal(res.tables[i].checksum, res.tables[i].target_checksum);
        rows += res.tables[i].rows;
    }
    assert_int_equal(res.rows, rows);
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM logged_segment"), 1);
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM interaction_log_entry"), 2);
    assert_int_equal(
        test_sql_int(t, "SELECT count(*) FROM attachment WHERE body = 'Grüße aus Tromsø 🙂' "
                        "AND attachment_no = 9223372036854775807"),
        1);
    /* The target is SQLite: the values have the storage classes relm writes. */
    assert_int_equal(test_sql_int(t,
                                  "SELECT count(*) FROM interaction_comment "
                                  "WHERE typeof(comment) = 'text' AND comment = '0123 stays text'"),
                     1);
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM interaction_log_entry "
                                     "WHERE cost = -9223372036854775807 - 1 "
                                     "AND typeof(cost) = 'integer'"),
                     1);
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM interaction_log_entry "
                                     "WHERE typeof(entry_no) <> 'integer' "
                                     "OR typeof(contact_no) <> 'text'"),
                     0);
    relm_close(t);
    test_db_free(r);
    tmp_path(to, sizeof(to), "every");
}

static void numbers_go_on_in_the_copy_where_they_stood_in_the_source(void **state)
{
    (void)state;
    relm_t *r = populated();
    char to[128];
    tmp_path(to, sizeof(to), "numbers");
    relm_error_t err = {0};
    assert_int_equal(relm_db_copy(test_db_path(r), to, NULL, NULL, NULL, &err), 0);
    relm_t *c = NULL;
    assert_int_equal(relm_open(to, RELM_OPEN_NO_MIGRATE, &c, &err), 0);
    char a[RELM_CODE20_SZ], b[RELM_CODE20_SZ];
    assert_relm_ok(relm_numseries_next(r, "SEG", "2026-03-15", a, &err));
    assert_relm_ok(relm_numseries_next(c, "SEG", "2026-03-15", b, &err));
    assert_string_equal(a, b);
    int64_t x = 0, y = 0;
    relm_begin(r, &err);
    assert_relm_ok(relm_counter_take(r, "interaction_log_entry", 1, &x, &err));
    relm_rollback(r);
    relm_begin(c, &err);
    assert_relm_ok(relm_counter_take(c, "interaction_log_entry", 1, &y, &err));
    relm_rollback(c);
    assert_int_equal(x, 3);
    assert_int_equal(y, 3);
    relm_close(c);
    test_db_free(r);
    tmp_path(to, sizeof(to), "numbers");
}

static void a_freshly_initialised_target_takes_the_copy(void **state)
{
    (void)state;
    relm_t *r = populated();
    relm_t *t = test_db_new();
    relm_error_t err = {0};
    relm_dbcopy_result_t res;
    assert_int_equal(relm_db_copy(test_db_path(r), test_db_path(t), NULL, NULL, &res, &err), 0);
    assert_int_equal(res.mismatches, 0);
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM contact"),
                     test_sql_int(r, "SELECT count(*) FROM contact"));
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM marketing_setup"), 1);
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM marketing_setup "
                                     "WHERE default_salesperson_code = 'JO'"),
                     1);
    test_db_free(t);
    test_db_free(r);
}

static void a_target_holding_data_is_refused_and_left_as_it_was(void **state)
{
    (void)state;
    relm_t *r = populated();
    relm_t *t = test_db_new();
    exec_sql(t, "INSERT INTO salesperson (code, name) VALUES ('ZZ', 'Zed')");
    relm_error_t err = {0};
    assert_int_equal(relm_db_copy(test_db_path(r), test_db_path(t), NULL, NULL, NULL, &err),
                     RELM_EEXISTS);
    assert_non_null(strstr(err.message, "salesperson"));
    assert_non_null(strstr(err.message, "already holds data"));
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM salesperson"), 1);
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM contact"), 0);

    relm_t *u = test_db_new();
    exec_sql(u, "UPDATE relm_counter SET value = 5 WHERE name = 'logged_segment'");
    relm_error_t err2 = {0};
    assert_int_equal(relm_db_copy(test_db_path(r), test_db_path(u), NULL, NULL, NULL, &err2),
                     RELM_EEXISTS);
    assert_non_null(strstr(err2.message, "counters"));
    assert_int_equal(
        test_sql_int(u, "SELECT value FROM relm_counter WHERE name = 'logged_segment'"), 5);
    test_db_free(u);
    test_db_free(t);
    test_db_free(r);
}

static void an_older_schema_on_either_side_is_refused_naming_relm_init(void **state)
{
    (void)state;
    relm_t *r = populated();
    relm_t *t = test_db_new();
    char older[32];
    snprintf(older, sizeof(older), "%d", relm_schema_latest() - 1);
    char sql[128];
    snprintf(sql, sizeof(sql), "UPDATE relm_meta SET value = '%s' WHERE key = 'schema_version'",
             older);
    exec_sql(t, sql);
    relm_error_t err = {0};
    assert_int_equal(relm_db_copy(test_db_path(r), test_db_path(t), NULL, NULL, NULL, &err),
                     RELM_ESCHEMA);
    assert_non_null(strstr(err.message, "target"));
    assert_non_null(strstr(err.message, "relm init"));
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM contact"), 0);

    relm_error_t err2 = {0};
    relm_t *empty = test_db_new();
    assert_int_equal(relm_db_copy(test_db_path(t), test_db_path(empty), NULL, NULL, NULL, &err2),
                     RELM_ESCHEMA);
    assert_non_null(strstr(err2.message, "source"));
    assert_non_null(strstr(err2.message, "relm init"));
    test_db_free(empty);
    test_db_free(t);
    test_db_free(r);
}

static void a_copy_onto_its_own_source_is_refused(void **state)
{
    (void)state;
    relm_t *r = populated();
    char url[300];
    snprintf(url, sizeof(url), "sqlite:%s", test_db_path(r));
    relm_error_t err = {0};
    assert_int_equal(relm_db_copy(test_db_path(r), url, NULL, NULL, NULL, &err), RELM_EUSAGE);
    assert_non_null(strstr(err.message, "same database"));
    relm_error_t err2 = {0};
    const char *pw = "postgresql://kari:secret@127.0.0.1:1/relm";
    assert_int_equal(relm_db_copy(pw, pw, NULL, NULL, NULL, &err2), RELM_EUSAGE);
    assert_null(strstr(err2.message, "secret"));
    assert_non_null(strstr(err2.message, "postgresql://kari@127.0.0.1:1/relm"));
    test_db_free(r);
}

/* A target that changes rows as they arrive: the check must see it. */
static void a_target_that_differs_from_the_source_fails_the_check(void **state)
{
    (void)state;
    relm_t *r = populated();
    relm_t *t = test_db_new();
    if (test_on_pg())
        exec_sql(t, "CREATE FUNCTION garble() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN NEW.name := NEW.name || '?'; RETURN NEW; END $$;"
                    "CREATE TRIGGER garble BEFORE INSERT ON contact FOR EACH ROW "
                    "EXECUTE FUNCTION garble()");
    else
        exec_sql(t, "CREATE TRIGGER garble AFTER INSERT ON contact BEGIN "
                    "UPDATE contact SET name = name || '?' WHERE no = NEW.no; END");
    relm_dbcopy_result_t res;
    relm_error_t err = {0};
    assert_int_equal(relm_db_copy(test_db_path(r), test_db_path(t), NULL, NULL, &res, &err),
                     RELM_ESTORAGE);
    assert_non_null(strstr(err.message, "contact"));
    assert_int_equal(res.mismatches, 1);
    assert_int_equal(res.ntables, relm_dbcopy_table_count());
    for (int i = 0; i < res.ntables; i++)
        assert_int_equal(res.tables[i].match, strcmp(res.tables[i].name, "contact") != 0);
    test_db_free(t);
    test_db_free(r);
}

/* Each table is one transaction: a table that fails is rolled back, earlier ones stay. */
static void a_table_that_cannot_be_written_stops_the_copy_after_the_tables_before_it(void **state)
{
    (void)state;
    relm_t *r = populated();
    char path[128];
    relm_t *t = sqlite_new("refusing", path, sizeof(path));
    exec_sql(t, "CREATE TRIGGER refuse BEFORE INSERT ON contact "
                "WHEN NEW.no = 'P2' BEGIN SELECT RAISE(ABORT, 'contact P2 refused'); END");
    relm_dbcopy_result_t res;
    relm_error_t err = {0};
    assert_int_not_equal(relm_db_copy(test_db_path(r), path, NULL, NULL, &res, &err), 0);
    assert_non_null(strstr(err.message, "copying table contact"));
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM salesperson"),
                     test_sql_int(r, "SELECT count(*) FROM salesperson"));
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM contact"), 0);
    assert_int_equal(test_sql_int(t, "SELECT count(*) FROM interaction_log_entry"), 0);
    relm_close(t);
    tmp_path(path, sizeof(path), "refusing");
    test_db_free(r);
}

static void the_checksum_tells_null_from_blank(void **state)
{
    (void)state;
    char pa[128], pb[128];
    relm_t *a = sqlite_new("null-src-a", pa, sizeof(pa)),
           *b = sqlite_new("null-src-b", pb, sizeof(pb));
    /* SQLite lets a text key be NULL; the copy and its check must keep it NULL. */
    exec_sql(a, "INSERT INTO saved_criteria (code, description) VALUES (NULL, 'x')");
    exec_sql(b, "INSERT INTO saved_criteria (code, description) VALUES ('', 'x')");
    char to_a[128], to_b[128];
    tmp_path(to_a, sizeof(to_a), "null-a");
    tmp_path(to_b, sizeof(to_b), "null-b");
    relm_dbcopy_result_t ra, rb;
    relm_error_t err = {0};
    assert_int_equal(relm_db_copy(pa, to_a, NULL, NULL, &ra, &err), 0);
    assert_int_equal(relm_db_copy(pb, to_b, NULL, NULL, &rb, &err), 0);
    int found = 0;
    for (int i = 0; i < ra.ntables; i++)
        if (strcmp(ra.tables[i].name, "saved_criteria") == 0) {
            found = 1;
            assert_int_equal(ra.tables[i].rows, 1);
            assert_string_not_equal(ra.tables[i].checksum, rb.tables[i].checksum);
        }
    assert_true(found);
    attach(a, to_a);
    assert_int_equal(test_sql_int(a, "SELECT count(*) FROM tgt.saved_criteria WHERE code IS NULL"),
                     1);
    relm_close(a);
    relm_close(b);
    tmp_path(pa, sizeof(pa), "null-src-a");
    tmp_path(pb, sizeof(pb), "null-src-b");
    tmp_path(to_a, sizeof(to_a), "null-a");
    tmp_path(to_b, sizeof(to_b), "null-b");
}

typedef struct progress {
    int64_t last, total, calls, backwards;
} progress_t;

static void record_progress(void *ctx, const char *table, int64_t done, int64_t total)
{
    progress_t *p = ctx;
    assert_non_null(table);
    if (done < p->last)
        p->backwards++;
    p->last = done;
    p->total = total;
    p->calls++;
}

static void progress_counts_every_row_up_to_the_total(void **state)
{
    (void)state;
    relm_t *r = populated();
    char to[128];
    tmp_path(to, sizeof(to), "progress");
    progress_t p = {0, 0, 0, 0};
    relm_dbcopy_result_t res;
    relm_error_t err = {0};
    assert_int_equal(relm_db_copy(test_db_path(r), to, record_progress, &p, &res, &err), 0);
    assert_true(p.calls >= res.ntables);
    assert_int_equal(p.backwards, 0);
    assert_int_equal(p.last, res.rows);
    assert_int_equal(p.total, res.rows);
    test_db_free(r);
    tmp_path(to, sizeof(to), "progress");
}

/* The copy's list is the schema's: a table a migration adds must be added to the copy. */
static void the_copy_knows_every_table_in_an_order_that_satisfies_references(void **state)
{
    (void)state;
    char path[128];
    relm_t *r = sqlite_new("tables", path, sizeof(path));
    int n = relm_dbcopy_table_count();
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                     "AND name NOT LIKE 'sqlite_%'"),
                     n);
    for (int i = 0; i < n; i++) {
        char sql[256];
        const char *t = relm_dbcopy_table_name(i);
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                 "AND name = '%s'",
                 t);
        if (test_sql_int(r, sql) != 1)
            fail_msg("table %s is not in the schema", t);
        /* Every table it refers to comes earlier in the list. */
        relm_stmt_t *s;
        relm_error_t err = {0};
        snprintf(sql, sizeof(sql), "SELECT \"table\" FROM pragma_foreign_key_list('%s')", t);
        assert_int_equal(relm_stmt_prepare(r->store, sql, &s, &err), 0);
        while (relm_stmt_step(s, &err) == RELM_STEP_ROW) {
            const char *ref = relm_stmt_text(s, 0);
            int at = -1;
            for (int k = 0; k < n; k++)
                if (strcmp(relm_dbcopy_table_name(k), ref) == 0)
                    at = k;
            if (at < 0 || at >= i)
                fail_msg("table %s refers to %s, which is copied after it", t, ref);
        }
        relm_stmt_release(s);
    }
    relm_close(r);
    tmp_path(path, sizeof(path), "tables");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_copy_has_every_row_of_every_table_with_its_values_and_types),
        cmocka_unit_test(numbers_go_on_in_the_copy_where_they_stood_in_the_source),
        cmocka_unit_test(a_freshly_initialised_target_takes_the_copy),
        cmocka_unit_test(a_target_holding_data_is_refused_and_left_as_it_was),
        cmocka_unit_test(an_older_schema_on_either_side_is_refused_naming_relm_init),
        cmocka_unit_test(a_copy_onto_its_own_source_is_refused),
        cmocka_unit_test(a_target_that_differs_from_the_source_fails_the_check),
        cmocka_unit_test(a_table_that_cannot_be_written_stops_the_copy_after_the_tables_before_it),
        cmocka_unit_test(the_checksum_tells_null_from_blank),
        cmocka_unit_test(progress_counts_every_row_up_to_the_total),
        cmocka_unit_test(the_copy_knows_every_table_in_an_order_that_satisfies_references),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
