/*
 * Criteria steps: add by filters and options, reduce, refine, exact undo, redo, discarding
 * undone steps, saving and reusing criteria.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "segment_fixture.h"

static const char *contacts(relm_t *r, const char *no)
{
    return segment_lines_text(r, no, "contact_no", "contact_no", ",");
}

static int64_t add_where(relm_t *r, const char *no, unsigned options, const char *w1,
                         const char *w2)
{
    relm_criteria_t c;
    relm_error_t err = {0};
    relm_criteria_init(&c);
    c.options = options;
    if (w1 && relm_criteria_where(&c, w1, &err))
        fail_msg("%s", err.message);
    if (w2 && relm_criteria_where(&c, w2, &err))
        fail_msg("%s", err.message);
    int64_t n = -1;
    if (relm_segment_add_contacts(r, no, &c, &n, &err))
        fail_msg("add: %s", err.message);
    return n;
}

static void add_skips_excluded_and_privacy_blocked_contacts(void **state)
{
    (void)state;
    relm_t *r = fixture();
    char no[RELM_CODE20_SZ];
    new_segment(r, "Oslo", "LTR", no);
    assert_int_equal(add_where(r, no, 0, "city=Oslo", NULL), 2);
    assert_string_equal(contacts(r, no), "P3,P4"); /* C2 skipped: its person P3 is added */
    assert_int_equal(add_where(r, no, RELM_CRIT_IGNORE_EXCLUSION, "city=Oslo", NULL), 1);
    assert_string_equal(contacts(r, no), "P3,P4,X1");
    assert_int_equal(add_where(r, no, RELM_CRIT_ALLOW_COMPANY_WITH_PERSONS, "city=Oslo", NULL), 1);
    assert_string_equal(contacts(r, no), "C2,P3,P4,X1");
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line WHERE contact_no = 'B1'"), 0);
    /* Line numbers continue 10000 apart; each line names the step that added it. */
    assert_string_equal(qs(r, "SELECT group_concat(line_no || ':' || contact_no || ':' || "
                              "added_by_step, ' ') FROM (SELECT * FROM segment_line ORDER BY "
                              "line_no)"),
                        "10000:P3:1 20000:P4:1 30000:X1:2 40000:C2:3");
    test_db_free(r);
}

static const char *numbering(relm_t *r, const char *no)
{
    return segment_lines_text(r, no, "line_no || ':' || contact_no", "line_no", " ");
}

/*
 * Lines are numbered in contact order whichever way the contacts are read: through the
 * key in order (counted as they come) or through a filter's index (then sorted).
 */
static void lines_are_numbered_in_contact_order(void **state)
{
    (void)state;
    relm_t *r = fixture();
    char all[RELM_CODE20_SZ], oslo[RELM_CODE20_SZ];
    unsigned every = RELM_CRIT_IGNORE_EXCLUSION | RELM_CRIT_ALLOW_COMPANY_WITH_PERSONS;
    new_segment(r, "All", "LTR", all);
    assert_int_equal(add_where(r, all, every, NULL, NULL), 7);
    assert_string_equal(numbering(r, all), "10000:C1 20000:C2 30000:P1 40000:P2 50000:P3 "
                                           "60000:P4 70000:X1");
    new_segment(r, "Oslo", "LTR", oslo);
    assert_int_equal(add_where(r, oslo, every, "city=Oslo", NULL), 4);
    assert_string_equal(numbering(r, oslo), "10000:C2 20000:P3 30000:P4 40000:X1");
    /* A later step numbers on after the last line, skipping contacts already in. */
    assert_int_equal(add_where(r, oslo, every, NULL, NULL), 3);
    assert_string_equal(numbering(r, oslo), "10000:C2 20000:P3 30000:P4 40000:X1 50000:C1 "
                                            "60000:P1 70000:P2");
    test_db_free(r);
}

static void a_company_whose_persons_are_in_the_segment_is_skipped(void **state)
{
    (void)state;
    relm_t *r = fixture();
    char no[RELM_CODE20_SZ];
    new_segment(r, "Persons first", "LTR", no);
    assert_int_equal(add_where(r, no, 0, "type=person", "city=London"), 2);
    /* C1's persons P1 and P2 are in: C1 stays out; C2 has none in and comes in. */
    assert_int_equal(add_where(r, no, 0, "type=company", NULL), 1);
    assert_string_equal(contacts(r, no), "C2,P1,P2");
    assert_int_equal(add_where(r, no, RELM_CRIT_ALLOW_COMPANY_WITH_PERSONS, "type=company", NULL),
                     1);
    assert_string_equal(contacts(r, no), "C1,C2,P1,P2");
    test_db_free(r);
}

static void expand_company_brings_its_persons(void **state)
{
    (void)state;
    relm_t *r = fixture();
    char no[RELM_CODE20_SZ], no2[RELM_CODE20_SZ], no3[RELM_CODE20_SZ];
    new_segment(r, "A", "LTR", no);
    new_segment(r, "B", "LTR", no2);
    new_segment(r, "C", "LTR", no3);
    assert_int_equal(add_where(r, no, 0, "name~cardoxy", NULL), 1);
    assert_string_equal(contacts(r, no), "C1");
    assert_int_equal(add_where(r, no2, RELM_CRIT_EXPAND_COMPANY, "name~cardoxy", NULL), 2);
    assert_string_equal(contacts(r, no2), "P1,P2");
    assert_int_equal(add_where(r, no3,
                               RELM_CRIT_EXPAND_COMPANY | RELM_CRIT_ALLOW_COMPANY_WITH_PERSONS,
                               "name~cardoxy", NULL),
                     3);
    assert_string_equal(contacts(r, no3), "C1,P1,P2");
    test_db_free(r);
}

static void filters_cover_contact_fields_and_interaction_history(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "History", "LTR", no);
    exec_sql(r, "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, "
                "date, interaction_template_code, campaign_no, canceled) VALUES "
                "(1, 'P1', 'C1', '2026-02-01', 'LTR', '', 0),"
                "(2, 'P3', 'C2', '2026-01-01', 'LTR', 'CMP1001', 0),"
                "(3, 'P2', 'C1', '2026-02-01', 'LTR', '', 1)");
    relm_criteria_t c;
    relm_criteria_init(&c);
    snprintf(c.interaction_template_code, sizeof(c.interaction_template_code), "LTR");
    snprintf(c.from, sizeof(c.from), "2026-01-15");
    int64_t n = 0;
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), 0);
    assert_string_equal(contacts(r, no), "P1"); /* P2's entry is canceled, P3's too early */
    relm_criteria_init(&c);
    snprintf(c.campaign_no, sizeof(c.campaign_no), "CMP1001");
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), 0);
    assert_string_equal(contacts(r, no), "P1,P3");
    assert_int_equal(add_where(r, no, 0, "salesperson_code=ah", "type=person"), 1);
    assert_string_equal(contacts(r, no), "P1,P2,P3");
    assert_int_equal(add_where(r, no, 0, "no>=P4", NULL), 1);
    assert_string_equal(contacts(r, no), "P1,P2,P3,P4");

    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "nosuchfield=1", &err), RELM_EVALIDATION);
    assert_int_equal(relm_criteria_where(&c, "city", &err), RELM_EVALIDATION);
    snprintf(c.from, sizeof(c.from), "2026-13-99");
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), RELM_EVALIDATION);
    assert_int_equal(relm_segment_add_contacts(r, "NOPE", &c, &n, &err), RELM_ENOTFOUND);
    test_db_free(r);
}

static const char dump_lines_sql[] =
    "SELECT group_concat(x, ';') FROM (SELECT segment_no || line_no || contact_no || "
    "contact_company_no || salesperson_code || date || description || interaction_template_code "
    "|| subject || language_code || correspondence_type || information_flow || initiated_by || "
    "cost || duration || evaluation || attempt_failed || campaign_no || campaign_target || "
    "campaign_response || contact_via || opportunity_no || personalised || added_by_step AS x "
    "FROM segment_line ORDER BY segment_no, line_no)";

static void undo_after_reduce_restores_personalised_lines_exactly(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Reduce", "LTR", no);
    add_where(r, no, RELM_CRIT_ALLOW_COMPANY_WITH_PERSONS, NULL, NULL);
    assert_string_equal(contacts(r, no), "C1,C2,P1,P2,P3,P4");
    relm_segment_line_t lc;
    relm_mask_t lg = 0;
    relm_record_init(&relm_segment_line_entity, &lc);
    set_field(&relm_segment_line_entity, &lc, &lg, "subject", "Personal");
    set_field(&relm_segment_line_entity, &lc, &lg, "evaluation", "positive");
    set_field(&relm_segment_line_entity, &lc, &lg, "contact_via", "by hand");
    int64_t p1_line = q(r, "SELECT line_no FROM segment_line WHERE contact_no = 'P1'");
    assert_int_equal(relm_segment_line_update(r, no, p1_line, &lc, lg, &err), 0);
    char before[4096];
    snprintf(before, sizeof(before), "%s", qs(r, dump_lines_sql));

    relm_criteria_t c;
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "city=London", &err), 0);
    int64_t n = 0;
    assert_int_equal(relm_segment_reduce(r, no, &c, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(contacts(r, no), "C2,P3,P4");
    assert_int_equal(q(r, "SELECT count(*) FROM segment_removed_line"), 3);
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_string_equal(qs(r, dump_lines_sql), before);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_removed_line"), 0);
    assert_int_equal(q(r, "SELECT undone FROM segment_criteria_step WHERE action = 'reduce'"), 1);

    /* Redo re-applies it; undo again restores it again. */
    assert_int_equal(relm_segment_redo(r, no, &err), 0);
    assert_string_equal(contacts(r, no), "C2,P3,P4");
    assert_int_equal(relm_segment_redo(r, no, &err), RELM_ENOTFOUND);
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_string_equal(qs(r, dump_lines_sql), before);

    /* Refine keeps only the matching lines; undo brings the rest back. */
    assert_int_equal(relm_segment_refine(r, no, &c, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(contacts(r, no), "C1,P1,P2");
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_string_equal(qs(r, dump_lines_sql), before);
    test_db_free(r);
}

static void undo_of_an_add_removes_its_lines_and_a_new_step_discards_undone_ones(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Steps", "LTR", no);
    assert_int_equal(relm_segment_undo(r, no, &err), RELM_ENOTFOUND);
    add_line(r, no, "P4"); /* by hand: not a step */
    add_where(r, no, 0, "city=London", NULL);
    assert_string_equal(contacts(r, no), "P1,P2,P4");
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_string_equal(contacts(r, no), "P4");
    relm_segment_t s;
    assert_int_equal(relm_segment_get(r, no, &s, &err), 0);
    assert_int_equal(s.no_of_criteria_actions, 0);
    assert_int_equal(relm_segment_undo(r, no, &err), RELM_ENOTFOUND);
    assert_int_equal(relm_segment_redo(r, no, &err), 0);
    assert_string_equal(contacts(r, no), "P1,P2,P4");

    relm_criteria_t c;
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "no=P1", &err), 0);
    assert_int_equal(relm_segment_reduce(r, no, &c, NULL, &err), 0);
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_criteria_step WHERE undone = 1"), 1);
    /* A new step discards the undone reduce: redo has nothing left. */
    add_where(r, no, 0, "city=Oslo", NULL);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_criteria_step"), 2);
    assert_int_equal(q(r, "SELECT group_concat(step_no || action, ',') FROM "
                          "(SELECT * FROM segment_criteria_step ORDER BY step_no)") >= 0,
                     1);
    assert_string_equal(qs(r, "SELECT group_concat(step_no || action, ',') FROM "
                              "(SELECT * FROM segment_criteria_step ORDER BY step_no)"),
                        "1add,2add");
    assert_int_equal(relm_segment_redo(r, no, &err), RELM_ENOTFOUND);
    test_db_free(r);
}

static void saved_criteria_replay_on_another_segment(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char a[RELM_CODE20_SZ], b[RELM_CODE20_SZ];
    new_segment(r, "A", "LTR", a);
    new_segment(r, "B", "NEWS", b);
    assert_int_equal(relm_criteria_save(r, a, "EMPTY", "", &err), RELM_EVALIDATION);
    add_where(r, a, RELM_CRIT_EXPAND_COMPANY, "type=company", "exclude_from_segment=false");
    relm_criteria_t c;
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "email=", &err), 0);
    assert_int_equal(relm_segment_reduce(r, a, &c, NULL, &err), 0);
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "city~on", &err), 0);
    assert_int_equal(relm_segment_refine(r, a, &c, NULL, &err), 0);
    assert_string_equal(contacts(r, a), "P1");
    assert_int_equal(relm_criteria_save(r, a, "london", "London with e-mail", &err), 0);
    assert_int_equal(relm_criteria_save(r, a, "LONDON", "", &err), RELM_EEXISTS);
    assert_int_equal(q(r, "SELECT count(*) FROM saved_criteria_step WHERE criteria_code = "
                          "'LONDON'"),
                     3);
    assert_int_equal(relm_criteria_reuse(r, "london", b, &err), 0);
    assert_string_equal(contacts(r, b), "P1");
    assert_int_equal(q(r, "SELECT count(*) FROM segment_criteria_step WHERE segment_no = "
                          "'SEG00002' AND undone = 0"),
                     3);
    /* The lines take the target segment's header. */
    assert_string_equal(qs(r, "SELECT interaction_template_code FROM segment_line WHERE "
                              "segment_no = 'SEG00002'"),
                        "NEWS");
    assert_int_equal(relm_criteria_reuse(r, "NOPE", b, &err), RELM_ENOTFOUND);
    assert_int_equal(relm_criteria_delete(r, "LONDON", &err), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM saved_criteria_step"), 0);
    test_db_free(r);
}

static void criteria_round_trip_through_json(void **state)
{
    (void)state;
    relm_criteria_t c, back;
    relm_error_t err = {0};
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "city=Oslo", &err), 0);
    assert_int_equal(relm_criteria_where(&c, "name~a\"b", &err), 0);
    snprintf(c.interaction_template_code, sizeof(c.interaction_template_code), "LTR");
    snprintf(c.to, sizeof(c.to), "2026-01-01");
    c.options = RELM_CRIT_EXPAND_COMPANY | RELM_CRIT_IGNORE_EXCLUSION;
    char *f = relm_criteria_filters_json(&c), *o = relm_criteria_options_json(&c);
    assert_int_equal(relm_criteria_from_json(&back, f, o, &err), 0);
    assert_int_equal(back.nfilters, 2);
    assert_string_equal(back.filters[1].value, "a\"b");
    assert_string_equal(back.filters[1].op, "~");
    assert_string_equal(back.interaction_template_code, "LTR");
    assert_string_equal(back.to, "2026-01-01");
    assert_int_equal(back.options, c.options);
    free(f);
    free(o);
    assert_int_equal(relm_criteria_from_json(&back,
                                             "{\"filters\":[{\"field\":\"x; DROP\","
                                             "\"op\":\"=\",\"value\":\"1\"}]}",
                                             "{}", &err),
                     RELM_EVALIDATION);
    assert_int_equal(relm_criteria_from_json(&back, "not json", "{}", &err), RELM_EVALIDATION);
}

static void interaction_members_are_normalised_like_fields(void **state)
{
    (void)state;
    relm_criteria_t c;
    relm_error_t err = {0};
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_set(&c, "interaction_template_code", " outgoing ", &err), 0);
    assert_string_equal(c.interaction_template_code, "OUTGOING");
    assert_int_equal(relm_criteria_set(&c, "campaign_no", "cmp1001", &err), 0);
    assert_string_equal(c.campaign_no, "CMP1001");
    assert_int_equal(relm_criteria_set(&c, "from", "2026-01-01", &err), 0);
    assert_string_equal(c.from, "2026-01-01");
    assert_int_equal(relm_criteria_set(&c, "to", "2026-02-30", &err), RELM_EVALIDATION);
    assert_string_equal(err.message, "criteria to: \"2026-02-30\" is not a date (YYYY-MM-DD)");
    assert_string_equal(c.to, "");
    assert_int_equal(relm_criteria_set(&c, "interaction_template_code", "elevenchars", &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "longer than 10 characters"));
    assert_string_equal(c.interaction_template_code, "OUTGOING");
    assert_int_equal(relm_criteria_set(&c, "colour", "red", &err), RELM_EVALIDATION);
    assert_int_equal(relm_criteria_set(&c, "campaign_no", NULL, &err), 0);
    assert_string_equal(c.campaign_no, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_skips_excluded_and_privacy_blocked_contacts),
        cmocka_unit_test(lines_are_numbered_in_contact_order),
        cmocka_unit_test(a_company_whose_persons_are_in_the_segment_is_skipped),
        cmocka_unit_test(expand_company_brings_its_persons),
        cmocka_unit_test(filters_cover_contact_fields_and_interaction_history),
        cmocka_unit_test(undo_after_reduce_restores_personalised_lines_exactly),
        cmocka_unit_test(undo_of_an_add_removes_its_lines_and_a_new_step_discards_undone_ones),
        cmocka_unit_test(saved_criteria_replay_on_another_segment),
        cmocka_unit_test(criteria_round_trip_through_json),
        cmocka_unit_test(interaction_members_are_normalised_like_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
