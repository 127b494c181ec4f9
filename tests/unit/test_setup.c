/*
 * Marketing setup: series codes and the default salesperson must exist.
 */
#include <string.h>

#include "helpers.h"
#include "internal.h"

static void setup_refuses_unknown_series_and_salesperson(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_setup_t s;
    relm_mask_t given = 0;
    relm_record_init(&relm_setup_entity, &s);
    assert_int_equal(relm_record_set(&relm_setup_entity, &s, &given, "segment_nos", "NOPE", &err),
                     0);
    assert_int_equal(relm_setup_update(r, &s, given, &err), RELM_ENOTFOUND);
    assert_non_null(strstr(err.message, "segment_nos"));
    given = 0;
    relm_record_set(&relm_setup_entity, &s, &given, "default_salesperson_code", "XX", &err);
    assert_int_equal(relm_setup_update(r, &s, given, &err), RELM_ENOTFOUND);
    assert_non_null(strstr(err.message, "salesperson XX"));
    assert_int_equal(relm_setup_get(r, &s, &err), 0);
    assert_string_equal(s.segment_nos, "");
    assert_string_equal(s.default_salesperson_code, "");
    test_db_free(r);
}

static void setup_keeps_fields_not_given(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_setup_t s;
    test_seed_series(r);
    relm_mask_t given = 0;
    relm_record_init(&relm_setup_entity, &s);
    relm_record_set(&relm_setup_entity, &s, &given, "default_language_code", "nor", &err);
    assert_int_equal(relm_setup_update(r, &s, given, &err), 0);
    assert_int_equal(relm_setup_get(r, &s, &err), 0);
    assert_string_equal(s.default_language_code, "NOR");
    assert_string_equal(s.segment_nos, "SEG");
    assert_string_equal(s.contact_nos, "CONT");
    assert_int_equal(s.inherit_salesperson_code, 1);
    test_db_free(r);
}

/* Nothing writes attachment bodies to disk: that storage is refused, not stored. */
static void disk_attachment_storage_is_refused(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_setup_t s;
    relm_mask_t given = 0;
    relm_record_init(&relm_setup_entity, &s);
    assert_int_equal(
        relm_record_set(&relm_setup_entity, &s, &given, "attachment_storage", "disk", &err),
        RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "attachment_storage"));
    assert_non_null(strstr(err.message, "embedded"));
    assert_int_equal(
        relm_record_set(&relm_setup_entity, &s, &given, "attachment_storage", "embedded", &err), 0);
    assert_int_equal(relm_setup_update(r, &s, given, &err), 0);
    assert_int_equal(
        test_sql_int(r, "SELECT count(*) FROM marketing_setup WHERE attachment_storage = 'disk'"),
        0);
    /* A database that holds "disk" from before still reads, and other fields change. */
    assert_int_equal(
        relm_store_exec(r->store, "UPDATE marketing_setup SET attachment_storage = 'disk'", &err),
        0);
    relm_setup_t cur;
    assert_int_equal(relm_setup_get(r, &cur, &err), 0);
    assert_string_equal(cur.attachment_storage, "disk");
    relm_record_init(&relm_setup_entity, &s);
    given = 0;
    relm_record_set(&relm_setup_entity, &s, &given, "default_language_code", "NOR", &err);
    assert_int_equal(relm_setup_update(r, &s, given, &err), 0);
    test_db_free(r);
}

static void salesperson_rules(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_salesperson_t sp, got;
    relm_record_init(&relm_salesperson_entity, &sp);
    assert_int_equal(relm_salesperson_add(r, &sp, &err), RELM_EVALIDATION);
    relm_record_set(&relm_salesperson_entity, &sp, NULL, "code", "jo", &err);
    relm_record_set(&relm_salesperson_entity, &sp, NULL, "name", "Jim Olive", &err);
    assert_int_equal(relm_salesperson_add(r, &sp, &err), 0);
    assert_int_equal(relm_salesperson_add(r, &sp, &err), RELM_EEXISTS);
    assert_non_null(strstr(err.message, "salesperson JO"));
    relm_salesperson_t ch;
    relm_mask_t given = 0;
    relm_record_init(&relm_salesperson_entity, &ch);
    relm_record_set(&relm_salesperson_entity, &ch, &given, "job_title", "Boss", &err);
    assert_int_equal(relm_salesperson_update(r, "jo", &ch, given, &err), 0);
    assert_int_equal(relm_salesperson_get(r, "JO", &got, &err), 0);
    assert_string_equal(got.name, "Jim Olive");
    assert_string_equal(got.job_title, "Boss");
    assert_int_equal(relm_salesperson_get(r, "XX", &got, &err), RELM_ENOTFOUND);
    assert_string_equal(err.message, "salesperson XX does not exist");
    /* Referenced by history: kept. */
    assert_int_equal(test_sql_int(r, "INSERT INTO interaction_log_entry (entry_no, "
                                     "salesperson_code) VALUES (1, 'JO') RETURNING 1"),
                     1);
    assert_int_equal(relm_salesperson_delete(r, "JO", &err), RELM_EINUSE);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM salesperson"), 1);
    assert_int_equal(test_sql_int(r, "DELETE FROM interaction_log_entry RETURNING 1"), 1);
    assert_int_equal(relm_salesperson_delete(r, "JO", &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM salesperson"), 0);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(setup_refuses_unknown_series_and_salesperson),
        cmocka_unit_test(setup_keeps_fields_not_given),
        cmocka_unit_test(disk_attachment_storage_is_refused),
        cmocka_unit_test(salesperson_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
