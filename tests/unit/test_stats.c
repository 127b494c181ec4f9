/*
 * Statistics over the interaction log: the bounds on money and durations that keep every
 * sum inside an int64_t, sums over logs that hold larger amounts from before the bound, and
 * cancel lists that would toggle an entry twice.
 *
 * The fixture is the demo data (templates OUTGOING/ABSTRACT, salesperson AH, group PHONE,
 * persons CT000005.. of company CT000001).
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"

#define KV(...) ((const char *const[]){__VA_ARGS__, NULL})

static relm_t *demo_db(void)
{
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    if (relm_demo_fill(r, &err))
        fail_msg("demo: %s", err.message);
    return r;
}

static int64_t log_kv(relm_t *r, const char *const *kv)
{
    relm_interaction_t rec;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(&relm_interaction_entity, &rec);
    for (int i = 0; kv[i]; i += 2)
        if (relm_record_set(&relm_interaction_entity, &rec, &given, kv[i], kv[i + 1], &err))
            fail_msg("%s=%s: %s", kv[i], kv[i + 1], err.message);
    if (relm_interaction_create(r, &rec, given, &err))
        fail_msg("create: %s", err.message);
    return rec.entry_no;
}

/* Give entries amounts relm no longer accepts, as a log written before the bound may hold. */
static void force_amounts(relm_t *r, const char *cost, const char *duration)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "UPDATE interaction_log_entry SET cost = %s, duration = %s RETURNING entry_no", cost,
             duration);
    test_sql_int(r, sql);
}

static void money_and_durations_outside_the_range_are_refused_naming_the_field(void **state)
{
    (void)state;
    const relm_entity_t *e = &relm_interaction_entity;
    relm_interaction_t rec;
    relm_error_t err = {0};
    relm_record_init(e, &rec);
    assert_int_equal(relm_record_set(e, &rec, NULL, "cost", "9999999.99", &err), 0);
    assert_int_equal(rec.cost, RELM_HUNDREDTHS_MAX);
    assert_int_equal(relm_record_set(e, &rec, NULL, "duration", "0", &err), 0);

    assert_int_equal(relm_record_set(e, &rec, NULL, "cost", "10000000.00", &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "cost"));
    assert_non_null(strstr(err.message, "9999999.99"));
    assert_int_equal(relm_record_set(e, &rec, NULL, "cost", "92233720368547749.99", &err),
                     RELM_EVALIDATION);
    assert_int_equal(relm_record_set(e, &rec, NULL, "cost", "-0.01", &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "interaction log entry cost"));
    assert_non_null(strstr(err.message, "negative"));
    assert_int_equal(relm_record_set(e, &rec, NULL, "duration", "-5", &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "duration"));
    assert_int_equal(rec.cost, RELM_HUNDREDTHS_MAX);
    assert_int_equal(rec.duration, 0);

    relm_interaction_template_t t;
    relm_record_init(&relm_template_entity, &t);
    assert_int_equal(
        relm_record_set(&relm_template_entity, &t, NULL, "unit_cost", "10000000", &err),
        RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "unit_cost"));
    assert_int_equal(relm_record_set(&relm_template_entity, &t, NULL, "unit_duration", "-1", &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "unit_duration"));
}

static void sums_at_the_largest_amount_are_exact(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    for (int i = 0; i < 3; i++)
        log_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING", "date",
                     "2026-03-01", "salesperson_code", "AH", "cost", "9999999.99", "duration",
                     "9999999.99"));
    relm_contact_stats_t cs;
    assert_int_equal(relm_contact_stats(r, "CT000005", &cs, &err), 0);
    assert_int_equal(cs.cost, 3 * RELM_HUNDREDTHS_MAX);
    assert_int_equal(cs.duration, 3 * RELM_HUNDREDTHS_MAX);
    assert_string_equal(err.warning, "");
    test_db_free(r);
}

static void sums_over_amounts_past_int64_saturate_with_a_warning(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    for (int i = 0; i < 2; i++)
        log_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING", "date",
                     "2026-03-01", "salesperson_code", "AH"));
    log_kv(r, KV("contact_no", "CT000006", "interaction_template_code", "OUTGOING", "date",
                 "2026-03-02", "salesperson_code", "AH"));
    /* Two entries of 92233720368547749.99 overflow an int64_t sum. */
    force_amounts(r, "9223372036854774999", "9223372036854774999");

    relm_contact_stats_t cs;
    assert_int_equal(relm_contact_stats(r, "CT000005", &cs, &err), 0);
    assert_int_equal(cs.no_of_interactions, 2);
    assert_int_equal(cs.cost, INT64_MAX);
    assert_int_equal(cs.duration, INT64_MAX);
    assert_non_null(strstr(err.warning, "contact CT000005 cost: the sum is too large"));

    relm_error_t e2 = {0};
    relm_totals_t t;
    assert_int_equal(relm_salesperson_stats(r, "AH", &t, &e2), 0);
    assert_int_equal(t.no_of_interactions, 3);
    assert_int_equal(t.cost, INT64_MAX);
    assert_non_null(strstr(e2.warning, "salesperson AH cost"));
    assert_int_equal(relm_group_stats(r, "PHONE", &t, &e2), 0);
    assert_int_equal(t.cost, INT64_MAX);
    assert_int_equal(relm_template_stats(r, "OUTGOING", &t, &e2), 0);
    assert_int_equal(t.duration, INT64_MAX);
    assert_int_equal(relm_contact_stats(r, "CT000001", &cs, &e2), 0);
    assert_int_equal(cs.cost, INT64_MAX);
    test_db_free(r);
}

static void large_old_amounts_that_fit_are_summed_exactly(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    log_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING", "date",
                 "2026-03-01", "salesperson_code", "AH", "cost", "1.00"));
    log_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING", "date",
                 "2026-03-02", "salesperson_code", "AH", "cost", "2.00"));
    /* One entry beyond the bound, one negative amount from before negatives were refused. */
    test_sql_int(r, "UPDATE interaction_log_entry SET cost = 100000000000 WHERE entry_no = 1 "
                    "RETURNING entry_no");
    test_sql_int(r, "UPDATE interaction_log_entry SET duration = -250 WHERE entry_no = 2 "
                    "RETURNING entry_no");
    relm_contact_stats_t cs;
    assert_int_equal(relm_contact_stats(r, "CT000005", &cs, &err), 0);
    assert_int_equal(cs.cost, 100000000000 + 200);
    assert_int_equal(cs.duration, 1000 - 250);
    assert_string_equal(err.warning, "");
    test_db_free(r);
}

static void a_cancel_list_naming_an_entry_twice_is_refused_and_the_figures_stay(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t a = log_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING",
                             "date", "2026-03-01", "salesperson_code", "AH"));
    int64_t b = log_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING",
                             "date", "2026-03-02", "salesperson_code", "AH"));
    int64_t twice[] = {a, b, a};
    assert_int_equal(relm_interaction_cancel(r, twice, 3, &err), RELM_EVALIDATION);
    char want[96];
    snprintf(want, sizeof(want), "interaction log entry %lld is listed more than once",
             (long long)a);
    assert_non_null(strstr(err.message, want));
    assert_int_equal(test_sql_int(r, "SELECT sum(canceled) FROM interaction_log_entry"), 0);
    relm_contact_stats_t cs;
    assert_int_equal(relm_contact_stats(r, "CT000005", &cs, &err), 0);
    assert_int_equal(cs.no_of_interactions, 2);

    int64_t both[] = {a, b};
    assert_int_equal(relm_interaction_cancel(r, both, 2, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT sum(canceled) FROM interaction_log_entry"), 2);
    test_db_free(r);
}

/* Shells show statistics through the entity description: each operation is the named call. */
static void the_entity_statistics_operation_gives_the_records_figures(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    log_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING", "date",
                 "2026-03-01", "salesperson_code", "AH", "cost", "12.50"));
    relm_contact_stats_t direct, generic;
    assert_int_equal(relm_contact_stats(r, "CT000005", &direct, &err), 0);
    assert_ptr_equal(relm_contact_entity.stats_entity, &relm_contact_stats_entity);
    assert_int_equal(relm_contact_entity.stats(r, "CT000005", &generic, &err), 0);
    assert_memory_equal(&direct, &generic, sizeof(direct));
    relm_totals_t t, u;
    assert_ptr_equal(relm_salesperson_entity.stats_entity, &relm_totals_entity);
    assert_int_equal(relm_salesperson_entity.stats(r, "AH", &t, &err), 0);
    assert_int_equal(t.cost, 1250);
    assert_int_equal(relm_template_entity.stats(r, "OUTGOING", &t, &err), 0);
    assert_int_equal(relm_template_stats(r, "OUTGOING", &u, &err), 0);
    assert_memory_equal(&t, &u, sizeof(t));
    assert_ptr_equal(relm_campaign_entity.stats_entity, &relm_campaign_totals_entity);
    assert_non_null(relm_group_entity.stats);
    assert_null(relm_no_series_entity.stats);
    assert_null(relm_no_series_entity.stats_entity);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(money_and_durations_outside_the_range_are_refused_naming_the_field),
        cmocka_unit_test(sums_at_the_largest_amount_are_exact),
        cmocka_unit_test(sums_over_amounts_past_int64_saturate_with_a_warning),
        cmocka_unit_test(large_old_amounts_that_fit_are_summed_exactly),
        cmocka_unit_test(a_cancel_list_naming_an_entry_twice_is_refused_and_the_figures_stay),
        cmocka_unit_test(the_entity_statistics_operation_gives_the_records_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
