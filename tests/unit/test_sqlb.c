/*
 * The SQL builder (lib/sqlb.c): a statement that does not fit is refused, never run cut
 * short; filters escape LIKE's wildcards; text values are copies; one statement text
 * serves every LIMIT.
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "sqlb.h"

static void a_statement_past_its_capacity_is_refused_and_not_run(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    sqlb_t *b = sqlb_new(NULL);
    assert_non_null(b);
    sqlb_sql(b, "CREATE TABLE cut_short (x INTEGER)");
    char pad[1024];
    memset(pad, ' ', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    for (int i = 0; i < SQLB_MAX / (int)sizeof(pad) + 1; i++)
        sqlb_sql(b, pad);
    assert_true(b->overflow);
    assert_int_equal(sqlb_run(r, b, NULL, &err), RELM_EVALIDATION);
    assert_int_equal(test_table_exists(r, "cut_short"), 0);
    sqlb_reset(b);
    for (int i = 0; i <= SQLB_BINDS; i++)
        sqlb_int(b, i);
    assert_true(b->overflow);
    free(b);
    test_db_free(r);
}

static void a_contains_filter_matches_wildcards_literally(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    sqlb_t *b = sqlb_new(NULL);
    relm_filter_t f;
    assert_int_equal(relm_filter_parse(&relm_contact_entity, "name~50%_off", &f, &err), 0);
    sqlb_sql(b, "SELECT (SELECT name FROM (SELECT 'Sale 50%_off now' AS name) AS t WHERE 1 = 1");
    sqlb_filter(b, &relm_contact_entity, &f, NULL);
    sqlb_sql(b, ") IS NOT NULL, (SELECT name FROM (SELECT 'Sale 50 percent off' AS name) AS t "
                "WHERE 1 = 1");
    sqlb_filter(b, &relm_contact_entity, &f, NULL);
    sqlb_sql(b, ") IS NOT NULL");
    relm_stmt_t *s;
    assert_int_equal(sqlb_prepare(r, b, &s, &err), 0);
    assert_int_equal(relm_stmt_step(s, &err), RELM_STEP_ROW);
    assert_int_equal(relm_stmt_int(s, 0), 1);
    assert_int_equal(relm_stmt_int(s, 1), 0);
    relm_stmt_release(s);
    free(b);
    test_db_free(r);
}

static void bound_text_is_a_copy_of_the_callers_value(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    sqlb_t *b = sqlb_new(NULL);
    char v[16] = "before";
    sqlb_sql(b, "SELECT ? = 'before', ? IS NULL, ?");
    sqlb_text(b, v);
    sqlb_text(b, NULL);
    sqlb_int(b, 42);
    strcpy(v, "after");
    relm_stmt_t *s;
    assert_int_equal(sqlb_prepare(r, b, &s, &err), 0);
    assert_int_equal(relm_stmt_step(s, &err), RELM_STEP_ROW);
    assert_int_equal(relm_stmt_int(s, 0), 1);
    assert_int_equal(relm_stmt_int(s, 1), 1);
    assert_int_equal(relm_stmt_int(s, 2), 42);
    relm_stmt_release(s);
    free(b);
    test_db_free(r);
}

static void every_limit_shares_one_statement_text(void **state)
{
    (void)state;
    sqlb_t *a = sqlb_new(NULL), *b = sqlb_new(NULL);
    sqlb_sql(a, "SELECT 1");
    sqlb_limit(a, 10);
    sqlb_sql(b, "SELECT 1");
    sqlb_limit(b, 500);
    assert_string_equal(a->sql, b->sql);
    assert_int_equal(a->n, 1);
    sqlb_reset(a);
    sqlb_sql(a, "SELECT 1");
    sqlb_limit(a, 0);
    assert_string_equal(a->sql, "SELECT 1");
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_statement_past_its_capacity_is_refused_and_not_run),
        cmocka_unit_test(a_contains_filter_matches_wildcards_literally),
        cmocka_unit_test(bound_text_is_a_copy_of_the_callers_value),
        cmocka_unit_test(every_limit_shares_one_statement_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
