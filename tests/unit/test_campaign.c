/*
 * Campaigns: numbers from campaign_nos, date and salesperson checks, refused deletes,
 * and listing a campaign's entries.
 */
#include <string.h>

#include "helpers.h"

static void new_campaign(relm_campaign_t *c, const char *no, const char *desc)
{
    relm_error_t err = {0};
    relm_record_init(&relm_campaign_entity, c);
    if (no)
        relm_record_set(&relm_campaign_entity, c, NULL, "no", no, &err);
    relm_record_set(&relm_campaign_entity, c, NULL, "description", desc, &err);
}

static void allow_manual_numbers(relm_t *r)
{
    relm_error_t err = {0};
    relm_no_series_t ns;
    relm_mask_t given = 0;
    relm_record_init(&relm_no_series_entity, &ns);
    relm_record_set(&relm_no_series_entity, &ns, &given, "manual_nos", "true", &err);
    if (relm_numseries_update(r, "CAMP", &ns, given, &err))
        fail_msg("series: %s", err.message);
}

static void
campaign_number_comes_from_campaign_nos_and_a_rolled_back_add_gives_it_back(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_campaign_t c;
    test_seed_series(r);
    new_campaign(&c, NULL, "Spring launch");
    assert_int_equal(relm_campaign_add(r, &c, &err), 0);
    assert_string_equal(c.no, "CMP1001");

    assert_int_equal(relm_begin(r, &err), 0);
    new_campaign(&c, NULL, "Rolled back");
    assert_int_equal(relm_campaign_add(r, &c, &err), 0);
    assert_string_equal(c.no, "CMP1002");
    relm_rollback(r);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign"), 1);

    new_campaign(&c, NULL, "Summer");
    assert_int_equal(relm_campaign_add(r, &c, &err), 0);
    assert_string_equal(c.no, "CMP1002");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign WHERE no = 'CMP1002' AND "
                                     "description = 'Summer'"),
                     1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE series_code = "
                                     "'CAMP' AND last_no_used = 'CMP1002'"),
                     1);
    test_db_free(r);
}

static void a_blank_number_without_campaign_nos_is_a_setup_error(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_campaign_t c;
    new_campaign(&c, NULL, "Nowhere");
    assert_int_equal(relm_campaign_add(r, &c, &err), RELM_ESETUP);
    assert_non_null(strstr(err.message, "marketing setup campaign_nos"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign"), 0);
    /* Without a series a typed number is the only way, and it is allowed. */
    new_campaign(&c, "c-1", "Typed");
    assert_int_equal(relm_campaign_add(r, &c, &err), 0);
    assert_string_equal(c.no, "C-1");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign WHERE no = 'C-1'"), 1);
    test_db_free(r);
}

static void a_typed_number_needs_manual_nos_and_must_be_new(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_campaign_t c;
    test_seed_series(r);
    new_campaign(&c, "MINE", "Typed");
    assert_int_equal(relm_campaign_add(r, &c, &err), RELM_EMANUALNOS);
    assert_non_null(strstr(err.message, "CAMP"));
    assert_string_equal(c.no, "MINE");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign"), 0);
    assert_int_equal(
        test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE last_no_used <> ''"), 0);
    allow_manual_numbers(r);
    assert_int_equal(relm_campaign_add(r, &c, &err), 0);
    assert_int_equal(relm_campaign_add(r, &c, &err), RELM_EEXISTS);
    assert_string_equal(err.message, "campaign MINE already exists");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign"), 1);
    test_db_free(r);
}

static void an_ending_date_before_the_starting_date_is_refused_and_no_number_is_used(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_campaign_t c;
    test_seed_series(r);
    new_campaign(&c, NULL, "Backwards");
    relm_record_set(&relm_campaign_entity, &c, NULL, "starting_date", "2026-06-01", &err);
    relm_record_set(&relm_campaign_entity, &c, NULL, "ending_date", "2026-05-31", &err);
    assert_int_equal(relm_campaign_add(r, &c, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "ending_date 2026-05-31 is before starting_date"));
    assert_string_equal(c.no, "");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign"), 0);
    assert_int_equal(
        test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE last_no_used <> ''"), 0);
    assert_int_equal(
        relm_record_set(&relm_campaign_entity, &c, NULL, "ending_date", "2026-02-30", &err),
        RELM_EVALIDATION);
    relm_record_set(&relm_campaign_entity, &c, NULL, "ending_date", "2026-06-01", &err);
    assert_int_equal(relm_campaign_add(r, &c, &err), 0);
    assert_string_equal(c.no, "CMP1001");
    test_db_free(r);
}

static void a_campaign_salesperson_must_exist(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_campaign_t c, got;
    test_seed_series(r);
    new_campaign(&c, NULL, "With a salesperson");
    relm_record_set(&relm_campaign_entity, &c, NULL, "salesperson_code", "jo", &err);
    assert_int_equal(relm_campaign_add(r, &c, &err), RELM_ENOTFOUND);
    assert_non_null(strstr(err.message, "salesperson JO does not exist"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign"), 0);
    relm_salesperson_t sp;
    relm_record_init(&relm_salesperson_entity, &sp);
    relm_record_set(&relm_salesperson_entity, &sp, NULL, "code", "JO", &err);
    assert_relm_ok(relm_salesperson_add(r, &sp, &err));
    relm_record_set(&relm_campaign_entity, &c, NULL, "activated", "true", &err);
    relm_record_set(&relm_campaign_entity, &c, NULL, "status_code", "active", &err);
    assert_int_equal(relm_campaign_add(r, &c, &err), 0);
    assert_int_equal(relm_campaign_get(r, "cmp1001", &got, &err), 0);
    assert_string_equal(got.salesperson_code, "JO");
    assert_string_equal(got.status_code, "ACTIVE");
    assert_int_equal(got.activated, 1);
    assert_int_equal(relm_campaign_get(r, "nope", &got, &err), RELM_ENOTFOUND);
    assert_string_equal(err.message, "campaign NOPE does not exist");
    test_db_free(r);
}

static void a_campaign_update_checks_dates_and_salesperson_and_keeps_the_number(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    const relm_entity_t *e = &relm_campaign_entity;
    relm_campaign_t c, ch, got;
    test_seed_series(r);
    new_campaign(&c, NULL, "Spring");
    relm_record_set(e, &c, NULL, "starting_date", "2026-03-01", &err);
    assert_relm_ok(relm_campaign_add(r, &c, &err));
    relm_mask_t given = 0;
    relm_record_init(e, &ch);
    relm_record_set(e, &ch, &given, "ending_date", "2026-02-01", &err);
    assert_int_equal(relm_campaign_update(r, "CMP1001", &ch, given, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "campaign CMP1001: ending_date"));
    given = 0;
    relm_record_set(e, &ch, &given, "salesperson_code", "XX", &err);
    assert_int_equal(relm_campaign_update(r, "CMP1001", &ch, given, &err), RELM_ENOTFOUND);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign WHERE ending_date = '' AND "
                                     "salesperson_code = ''"),
                     1);
    given = 0;
    relm_record_set(e, &ch, &given, "no", "OTHER", &err);
    relm_record_set(e, &ch, &given, "ending_date", "2026-06-30", &err);
    relm_record_set(e, &ch, &given, "description", "Spring launch", &err);
    assert_int_equal(relm_campaign_update(r, "cmp1001", &ch, given, &err), 0);
    assert_int_equal(relm_campaign_get(r, "CMP1001", &got, &err), 0);
    assert_string_equal(got.ending_date, "2026-06-30");
    assert_string_equal(got.starting_date, "2026-03-01");
    assert_string_equal(got.description, "Spring launch");
    assert_int_equal(relm_campaign_update(r, "NOPE", &ch, given, &err), RELM_ENOTFOUND);
    test_db_free(r);
}

static void deleting_a_campaign_deletes_its_entries_and_keeps_its_interactions(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_campaign_t c;
    test_seed_series(r);
    new_campaign(&c, NULL, "Spring");
    assert_relm_ok(relm_campaign_add(r, &c, &err));
    new_campaign(&c, NULL, "Autumn");
    assert_relm_ok(relm_campaign_add(r, &c, &err));
    test_sql_int(r, "INSERT INTO campaign_entry (entry_no, campaign_no) VALUES "
                    "(1, 'CMP1001'), (2, 'CMP1001'), (3, 'CMP1002') RETURNING 1");
    test_sql_int(r, "INSERT INTO interaction_log_entry (entry_no, campaign_no, campaign_entry_no, "
                    "cost) VALUES (1, 'CMP1001', 1, 100), (2, 'CMP1001', 2, 200), "
                    "(3, 'CMP1002', 3, 400) RETURNING 1");

    relm_interaction_group_t g;
    relm_record_init(&relm_group_entity, &g);
    relm_record_set(&relm_group_entity, &g, NULL, "code", "MAIL", &err);
    assert_relm_ok(relm_group_add(r, &g, &err));
    relm_interaction_template_t t;
    relm_record_init(&relm_template_entity, &t);
    relm_record_set(&relm_template_entity, &t, NULL, "code", "NEWS", &err);
    relm_record_set(&relm_template_entity, &t, NULL, "interaction_group_code", "MAIL", &err);
    relm_record_set(&relm_template_entity, &t, NULL, "campaign_no", "CMP1001", &err);
    assert_relm_ok(relm_template_add(r, &t, &err));
    assert_int_equal(relm_campaign_delete(r, "CMP1001", &err), RELM_EINUSE);
    assert_string_equal(err.message, "campaign CMP1001 is the campaign of 1 interaction template "
                                     "and cannot be deleted");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 3);
    assert_int_equal(
        test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE campaign_entry_no > 0"),
        3);
    assert_relm_ok(relm_template_delete(r, "NEWS", &err));

    assert_int_equal(relm_campaign_delete(r, "cmp1001", &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign"), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "campaign_no = 'CMP1001' AND campaign_entry_no = 0"),
                     2);
    /* The other campaign is untouched. */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "campaign_no = 'CMP1002' AND campaign_entry_no = 3"),
                     1);
    assert_int_equal(relm_campaign_delete(r, "CMP1001", &err), RELM_ENOTFOUND);
    test_db_free(r);
}

/* Campaign CMP1001 with entry 1 (logged segment 7) and entry 2, two interactions each. */
static relm_t *entries_db(void)
{
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_campaign_t c;
    test_seed_series(r);
    new_campaign(&c, NULL, "Spring");
    assert_relm_ok(relm_campaign_add(r, &c, &err));
    test_sql_int(r, "INSERT INTO logged_segment (entry_no, segment_no) VALUES (7, 'SEG1') "
                    "RETURNING 1");
    test_sql_int(r, "INSERT INTO campaign_entry (entry_no, campaign_no, logged_segment_entry_no) "
                    "VALUES (1, 'CMP1001', 7), (2, 'CMP1001', 0) RETURNING 1");
    test_sql_int(r, "INSERT INTO interaction_log_entry (entry_no, campaign_no, campaign_entry_no, "
                    "logged_segment_entry_no, cost) VALUES (1, 'CMP1001', 1, 7, 100), "
                    "(2, 'CMP1001', 1, 7, 200), (3, 'CMP1001', 2, 0, 400), "
                    "(4, 'CMP1001', 2, 0, 800), (5, '', 0, 0, 1600) RETURNING 1");
    return r;
}

static void cancel_toggles_a_campaign_entry_with_its_interactions(void **state)
{
    (void)state;
    relm_t *r = entries_db();
    relm_error_t err = {0};
    relm_totals_t st;
    assert_relm_ok(relm_campaign_entry_cancel(r, 2, &err));
    assert_int_equal(test_sql_int(r, "SELECT canceled FROM campaign_entry WHERE entry_no = 2"), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "canceled = 1 AND entry_no IN (3, 4)"),
                     2);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "canceled = 1"),
                     2);
    assert_relm_ok(relm_campaign_stats(r, "CMP1001", &st, &err));
    assert_int_equal(st.no_of_interactions, 2);
    assert_int_equal(st.cost, 300);
    relm_campaign_entry_t ce;
    assert_relm_ok(relm_campaign_entry_get(r, 2, &ce, &err));
    assert_int_equal(ce.canceled, 1);
    /* Undo. */
    assert_relm_ok(relm_campaign_entry_cancel(r, 2, &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "canceled = 1"),
                     0);
    assert_int_equal(test_sql_int(r, "SELECT canceled FROM campaign_entry WHERE entry_no = 2"), 0);
    assert_int_equal(relm_campaign_entry_cancel(r, 99, &err), RELM_ENOTFOUND);
    assert_string_equal(err.message, "campaign entry 99 does not exist");
    test_db_free(r);
}

static void undo_cancel_under_a_canceled_logged_segment_is_refused(void **state)
{
    (void)state;
    relm_t *r = entries_db();
    relm_error_t err = {0};
    assert_relm_ok(relm_logged_segment_cancel(r, 7, &err));
    assert_int_equal(test_sql_int(r, "SELECT canceled FROM campaign_entry WHERE entry_no = 1"), 1);
    assert_int_equal(relm_campaign_entry_cancel(r, 1, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "logged segment 7, which is canceled"));
    assert_int_equal(test_sql_int(r, "SELECT canceled FROM campaign_entry WHERE entry_no = 1"), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "canceled = 1 AND entry_no IN (1, 2)"),
                     2);
    /* Cancelling one entry of an active logged segment is allowed. */
    assert_relm_ok(relm_logged_segment_cancel(r, 7, &err));
    assert_relm_ok(relm_campaign_entry_cancel(r, 1, &err));
    assert_int_equal(test_sql_int(r, "SELECT canceled FROM logged_segment"), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "canceled = 1 AND entry_no IN (1, 2)"),
                     2);
    test_db_free(r);
}

static void a_canceled_campaign_entry_is_deleted_with_its_interactions(void **state)
{
    (void)state;
    relm_t *r = entries_db();
    relm_error_t err = {0};
    int64_t n = -1;
    assert_int_equal(relm_campaign_entry_delete(r, 2, &n, &err), RELM_EINUSE);
    assert_string_equal(err.message,
                        "campaign entry 2 is not canceled and cannot be deleted (cancel it first)");
    assert_int_equal(n, -1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry"), 5);
    assert_relm_ok(relm_campaign_entry_cancel(r, 2, &err));
    assert_relm_ok(relm_campaign_entry_delete(r, 2, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry"), 3);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "entry_no IN (3, 4)"),
                     0);
    assert_int_equal(relm_campaign_entry_delete(r, 2, NULL, &err), RELM_ENOTFOUND);
    test_db_free(r);
}

static int count_row(void *ctx, const void *rec)
{
    const relm_campaign_entry_t *ce = rec;
    int *n = ctx;
    assert_string_equal(ce->campaign_no, "CMP1001");
    (*n)++;
    return 0;
}

static void campaign_entries_are_listed_by_campaign_and_read_only(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    const relm_entity_t *e = &relm_campaign_entry_entity;
    test_sql_int(r, "INSERT INTO campaign_entry (entry_no, campaign_no, description, "
                    "segment_no, canceled) VALUES (1, 'CMP1001', 'Seg', 'SEG00001', 0), "
                    "(2, 'CMP1002', '', '', 0), (3, 'CMP1001', '', '', 1) RETURNING 1");
    relm_filter_t f;
    assert_int_equal(relm_filter_parse(e, "campaign_no=cmp1001", &f, &err), 0);
    int n = 0;
    assert_int_equal(relm_list(r, e, &f, 1, 0, count_row, &n, &err), 0);
    assert_int_equal(n, 2);
    relm_campaign_entry_t ce;
    relm_record_init(e, &ce);
    assert_int_equal(relm_record_set(e, &ce, NULL, "campaign_no", "X", &err), RELM_EVALIDATION);
    assert_null(e->add);
    assert_null(e->remove);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            campaign_number_comes_from_campaign_nos_and_a_rolled_back_add_gives_it_back),
        cmocka_unit_test(a_blank_number_without_campaign_nos_is_a_setup_error),
        cmocka_unit_test(a_typed_number_needs_manual_nos_and_must_be_new),
        cmocka_unit_test(an_ending_date_before_the_starting_date_is_refused_and_no_number_is_used),
        cmocka_unit_test(a_campaign_salesperson_must_exist),
        cmocka_unit_test(a_campaign_update_checks_dates_and_salesperson_and_keeps_the_number),
        cmocka_unit_test(deleting_a_campaign_deletes_its_entries_and_keeps_its_interactions),
        cmocka_unit_test(cancel_toggles_a_campaign_entry_with_its_interactions),
        cmocka_unit_test(undo_cancel_under_a_canceled_logged_segment_is_refused),
        cmocka_unit_test(a_canceled_campaign_entry_is_deleted_with_its_interactions),
        cmocka_unit_test(campaign_entries_are_listed_by_campaign_and_read_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
