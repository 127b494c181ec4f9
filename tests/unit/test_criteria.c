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

/* options: space-separated names of relm_criteria_entity's options, or NULL. */
static void set_options(relm_criteria_t *c, const char *options)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", options ? options : "");
    for (char *save = NULL, *o = strtok_r(buf, " ", &save); o; o = strtok_r(NULL, " ", &save))
        set_field(&relm_criteria_entity, c, NULL, o, "true");
}

static int64_t add_where(relm_t *r, const char *no, const char *options, const char *w1,
                         const char *w2)
{
    relm_criteria_t c;
    relm_error_t err = {0};
    relm_criteria_init(&c);
    set_options(&c, options);
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
    assert_int_equal(add_where(r, no, NULL, "city=Oslo", NULL), 3);
    assert_string_equal(contacts(r, no), "C2,P3,P4");
    assert_int_equal(add_where(r, no, "ignore_exclusion", "city=Oslo", NULL), 1);
    assert_string_equal(contacts(r, no), "C2,P3,P4,X1");
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line WHERE contact_no = 'B1'"), 0);
    /* Line numbers continue 10000 apart; each line names the step that added it. */
    assert_string_equal(qs(r, "SELECT group_concat(line_no || ':' || contact_no || ':' || "
                              "added_by_step, ' ') FROM (SELECT * FROM segment_line ORDER BY "
                              "line_no) AS q"),
                        "10000:C2:1 20000:P3:1 30000:P4:1 40000:X1:2");
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
    const char *every = "ignore_exclusion";
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

static void allow_related_companies_adds_the_company_of_every_matched_person(void **state)
{
    (void)state;
    relm_t *r = fixture();
    char no[RELM_CODE20_SZ], no2[RELM_CODE20_SZ];
    new_segment(r, "Persons", "LTR", no);
    new_segment(r, "Persons and companies", "LTR", no2);
    /* Without the option a company whose persons are in is no different from any other. */
    assert_int_equal(add_where(r, no, NULL, "type=person", "city=London"), 2);
    assert_int_equal(add_where(r, no, NULL, "type=company", NULL), 2);
    assert_string_equal(contacts(r, no), "C1,C2,P1,P2");
    /* P3 brings C2, P1 and P2 bring C1 once; P4 has no company; no colleague comes along. */
    assert_int_equal(add_where(r, no2, "allow_related_companies", "type=person", NULL), 6);
    assert_string_equal(contacts(r, no2), "C1,C2,P1,P2,P3,P4");
    /* A matched company brings nothing more. */
    char no3[RELM_CODE20_SZ];
    new_segment(r, "Company", "LTR", no3);
    assert_int_equal(add_where(r, no3, "allow_related_companies", "no=C1", NULL), 1);
    test_db_free(r);
}

static void expand_company_brings_every_contact_sharing_the_company_no(void **state)
{
    (void)state;
    relm_t *r = fixture();
    char no[RELM_CODE20_SZ], no2[RELM_CODE20_SZ], no3[RELM_CODE20_SZ], no4[RELM_CODE20_SZ];
    new_segment(r, "A", "LTR", no);
    new_segment(r, "B", "LTR", no2);
    new_segment(r, "C", "LTR", no3);
    new_segment(r, "D", "LTR", no4);
    assert_int_equal(add_where(r, no, NULL, "name~cardoxy", NULL), 1);
    assert_string_equal(contacts(r, no), "C1");
    /* A matched company brings its persons. */
    assert_int_equal(add_where(r, no2, "expand_company", "name~cardoxy", NULL), 3);
    assert_string_equal(contacts(r, no2), "C1,P1,P2");
    /* A matched person brings its company and colleagues; P4 (no company) only itself. */
    assert_int_equal(add_where(r, no3, "expand_company", "no=P1", NULL), 3);
    assert_string_equal(contacts(r, no3), "C1,P1,P2");
    assert_int_equal(
        add_where(r, no4, "expand_company allow_related_companies", "city=Oslo", "type=person"), 3);
    assert_string_equal(contacts(r, no4), "C2,P3,P4");
    /* The exclusion still applies to the contacts the option brings. */
    exec_sql(r, "UPDATE contact SET exclude_from_segment = 1 WHERE no = 'P2'");
    char no5[RELM_CODE20_SZ];
    new_segment(r, "E", "LTR", no5);
    assert_int_equal(add_where(r, no5, "expand_company", "no=C1", NULL), 2);
    assert_string_equal(contacts(r, no5), "C1,P1");
    test_db_free(r);
}

static void entire_companies_reduces_and_refines_by_company(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Entire", "LTR", no);
    add_where(r, no, NULL, NULL, NULL);
    assert_string_equal(contacts(r, no), "C1,C2,P1,P2,P3,P4");
    relm_criteria_t c;
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "no=P1", &err), 0);
    set_options(&c, "entire_companies");
    int64_t n = 0;
    /* P1 matches: every line of company C1 goes. */
    assert_int_equal(relm_segment_reduce(r, no, &c, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(contacts(r, no), "C2,P3,P4");
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_string_equal(contacts(r, no), "C1,C2,P1,P2,P3,P4");
    /* Refine keeps the lines of the companies of the matched contacts (P4: only itself). */
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "name~kari", &err), 0);
    set_options(&c, "entire_companies");
    assert_int_equal(relm_segment_refine(r, no, &c, &n, &err), 0);
    assert_int_equal(n, 4);
    assert_string_equal(contacts(r, no), "C2,P3");
    assert_string_equal(qs(r, "SELECT options FROM segment_criteria_step WHERE action = 'refine'"),
                        "{\"entire_companies\":true}");
    /* Redo runs the recorded option again. */
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_int_equal(relm_segment_redo(r, no, &err), 0);
    assert_string_equal(contacts(r, no), "C2,P3");
    /* Options belong to their actions. */
    relm_criteria_init(&c);
    set_options(&c, "expand_company");
    assert_int_equal(relm_segment_reduce(r, no, &c, &n, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "expand_company"));
    relm_criteria_init(&c);
    set_options(&c, "entire_companies");
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), RELM_EVALIDATION);
    assert_string_equal(contacts(r, no), "C2,P3");
    test_db_free(r);
}

/* Runs a reduce (keep 0) or refine (keep 1) on a fresh segment of C1,C2,P1,P2,P3,P4; returns
 * the lines left and sets *removed. The step is undone after, leaving all six lines. */
static const char *step_on_all(relm_t *r, const char *no, relm_criteria_t *c, int keep,
                               int64_t *removed)
{
    relm_error_t err = {0};
    static char left[256];
    *removed = -1;
    if ((keep ? relm_segment_refine : relm_segment_reduce)(r, no, c, removed, &err))
        fail_msg("%s: %s", keep ? "refine" : "reduce", err.message);
    snprintf(left, sizeof(left), "%s", contacts(r, no));
    if (relm_segment_undo(r, no, &err))
        fail_msg("undo: %s", err.message);
    assert_string_equal(contacts(r, no), "C1,C2,P1,P2,P3,P4");
    return left;
}

/*
 * Companies C1 (C1, P1, P2) and C2 (C2, P3) are matched only in part, P4 has no company:
 * without entire_companies only the matched contacts' lines count; with it every line of
 * a matched contact's company counts too, the contact's company counted from the contact
 * (not the line), and a contact with no company stands alone. Reduce and refine split the
 * segment into complements either way.
 */
static void reduce_and_refine_split_partly_matched_companies_by_entire_companies(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Split", "LTR", no);
    add_where(r, no, NULL, NULL, NULL);
    assert_string_equal(contacts(r, no), "C1,C2,P1,P2,P3,P4");
    relm_criteria_t c;
    int64_t n;

    /* P1 alone of company C1. */
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "no=P1", &err), 0);
    assert_string_equal(step_on_all(r, no, &c, 0, &n), "C1,C2,P2,P3,P4");
    assert_int_equal(n, 1);
    assert_string_equal(step_on_all(r, no, &c, 1, &n), "P1");
    assert_int_equal(n, 5);
    set_options(&c, "entire_companies");
    assert_string_equal(step_on_all(r, no, &c, 0, &n), "C2,P3,P4");
    assert_int_equal(n, 3);
    assert_string_equal(step_on_all(r, no, &c, 1, &n), "C1,P1,P2");
    assert_int_equal(n, 3);

    /* The persons in Oslo: P3 of company C2 (not C2 itself) and P4 with no company. */
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "city=Oslo", &err), 0);
    assert_int_equal(relm_criteria_where(&c, "type=person", &err), 0);
    assert_string_equal(step_on_all(r, no, &c, 0, &n), "C1,C2,P1,P2");
    assert_int_equal(n, 2);
    assert_string_equal(step_on_all(r, no, &c, 1, &n), "P3,P4");
    assert_int_equal(n, 4);
    set_options(&c, "entire_companies");
    assert_string_equal(step_on_all(r, no, &c, 0, &n), "C1,P1,P2");
    assert_int_equal(n, 3);
    assert_string_equal(step_on_all(r, no, &c, 1, &n), "C2,P3,P4");
    assert_int_equal(n, 3);

    /* By interaction history: P2's entry matches, bringing company C1 with the option. */
    exec_sql(r, "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, "
                "date, interaction_template_code, campaign_no, canceled) VALUES "
                "(1, 'P2', 'C1', '2026-02-01', 'LTR', '', 0)");
    relm_criteria_init(&c);
    snprintf(c.interaction_template_code, sizeof(c.interaction_template_code), "LTR");
    assert_string_equal(step_on_all(r, no, &c, 0, &n), "C1,C2,P1,P3,P4");
    assert_string_equal(step_on_all(r, no, &c, 1, &n), "P2");
    set_options(&c, "entire_companies");
    assert_string_equal(step_on_all(r, no, &c, 0, &n), "C2,P3,P4");
    assert_string_equal(step_on_all(r, no, &c, 1, &n), "C1,P1,P2");

    /* A contact that moved company after it was added is judged by its company now. */
    exec_sql(r, "UPDATE contact SET company_no = 'C2' WHERE no = 'P1'");
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "no=P3", &err), 0);
    set_options(&c, "entire_companies");
    assert_string_equal(step_on_all(r, no, &c, 0, &n), "C1,P2,P4");
    assert_int_equal(n, 3);
    assert_string_equal(step_on_all(r, no, &c, 1, &n), "C2,P1,P3");
    assert_int_equal(n, 3);
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
    set_field(&relm_criteria_entity, &c, NULL, "canceled", "false");
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), 0);
    assert_string_equal(contacts(r, no), "P1"); /* P2's entry is canceled, P3's too early */
    /* Without the canceled filter every entry counts, as in the ERP. */
    set_field(&relm_criteria_entity, &c, NULL, "canceled", "");
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), 0);
    assert_string_equal(contacts(r, no), "P1,P2");
    relm_criteria_init(&c);
    set_field(&relm_criteria_entity, &c, NULL, "canceled", "TRUE");
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), 0);
    assert_string_equal(contacts(r, no), "P1,P2"); /* the canceled entry alone selects P2 */
    assert_int_equal(n, 1);
    relm_criteria_init(&c);
    snprintf(c.campaign_no, sizeof(c.campaign_no), "CMP1001");
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), 0);
    assert_string_equal(contacts(r, no), "P1,P2,P3");
    assert_int_equal(add_where(r, no, NULL, "salesperson_code=ah", "type=person"), 0);
    assert_string_equal(contacts(r, no), "P1,P2,P3");
    assert_int_equal(add_where(r, no, NULL, "no>=P4", NULL), 1);
    assert_string_equal(contacts(r, no), "P1,P2,P3,P4");

    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "nosuchfield=1", &err), RELM_EVALIDATION);
    assert_int_equal(relm_criteria_where(&c, "city", &err), RELM_EVALIDATION);
    /* A library caller writing a member by hand is checked when the step is recorded. */
    snprintf(c.from, sizeof(c.from), "2026-13-99");
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), RELM_EVALIDATION);
    relm_criteria_init(&c);
    snprintf(c.postponed, sizeof(c.postponed), "maybe");
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
    "FROM segment_line ORDER BY segment_no, line_no) AS q";

static void undo_after_reduce_restores_personalised_lines_exactly(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Reduce", "LTR", no);
    add_where(r, no, NULL, NULL, NULL);
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
    add_where(r, no, NULL, "city=London", NULL);
    assert_string_equal(contacts(r, no), "C1,P1,P2");
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_string_equal(contacts(r, no), "");
    relm_segment_t s;
    assert_int_equal(relm_segment_get(r, no, &s, &err), 0);
    assert_int_equal(s.no_of_criteria_actions, 0);
    assert_int_equal(relm_segment_undo(r, no, &err), RELM_ENOTFOUND);
    assert_int_equal(relm_segment_redo(r, no, &err), 0);
    assert_string_equal(contacts(r, no), "C1,P1,P2");

    relm_criteria_t c;
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "no=P1", &err), 0);
    assert_int_equal(relm_segment_reduce(r, no, &c, NULL, &err), 0);
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_criteria_step WHERE undone = 1"), 1);
    /* A new step discards the undone reduce: redo has nothing left. */
    add_where(r, no, NULL, "city=Oslo", NULL);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_criteria_step"), 2);
    assert_int_equal(q(r, "SELECT group_concat(step_no || action, ',') FROM "
                          "(SELECT * FROM segment_criteria_step ORDER BY step_no) AS q") >= 0,
                     1);
    assert_string_equal(qs(r, "SELECT group_concat(step_no || action, ',') FROM "
                              "(SELECT * FROM segment_criteria_step ORDER BY step_no) AS q"),
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
    add_where(r, a, "expand_company", "type=company", "exclude_from_segment=false");
    relm_criteria_t c;
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "email=", &err), 0);
    assert_int_equal(relm_segment_reduce(r, a, &c, NULL, &err), 0);
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "city~on", &err), 0);
    assert_int_equal(relm_segment_refine(r, a, &c, NULL, &err), 0);
    assert_string_equal(contacts(r, a), "C1,P1");
    assert_int_equal(relm_criteria_save(r, a, "london", "London with e-mail", &err), 0);
    assert_int_equal(relm_criteria_save(r, a, "LONDON", "", &err), RELM_EEXISTS);
    assert_int_equal(q(r, "SELECT count(*) FROM saved_criteria_step WHERE criteria_code = "
                          "'LONDON'"),
                     3);
    assert_int_equal(relm_criteria_reuse(r, "london", b, &err), 0);
    assert_string_equal(contacts(r, b), "C1,P1");
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
    set_field(&relm_criteria_entity, &c, NULL, "interaction_template_code", " ltr ");
    set_field(&relm_criteria_entity, &c, NULL, "to", "2026-01-01");
    set_field(&relm_criteria_entity, &c, NULL, "evaluation", "Very-Positive");
    set_field(&relm_criteria_entity, &c, NULL, "salesperson_code", "jo");
    set_options(&c, "expand_company ignore_exclusion");
    char *f = relm_criteria_filters_json(&c), *o = relm_criteria_options_json(&c);
    assert_int_equal(relm_criteria_from_json(&back, f, o, &err), 0);
    assert_int_equal(back.nfilters, 2);
    assert_string_equal(back.filters[1].value, "a\"b");
    assert_string_equal(back.filters[1].op, "~");
    assert_string_equal(back.interaction_template_code, "LTR");
    assert_string_equal(back.to, "2026-01-01");
    assert_string_equal(back.evaluation, "very_positive");
    assert_string_equal(back.salesperson_code, "JO");
    assert_int_equal(back.expand_company, 1);
    assert_int_equal(back.ignore_exclusion, 1);
    assert_int_equal(back.allow_related_companies, 0);
    assert_string_equal(o, "{\"expand_company\":true,\"ignore_exclusion\":true}");
    free(f);
    free(o);
    /* A step recorded under r1's option name reads as allow_related_companies; codes and
     * dates recorded before they were normalised are read normalised (or refused). */
    assert_int_equal(relm_criteria_from_json(&back, "{\"filters\":[],\"campaign_no\":\"cmp1\"}",
                                             "{\"allow_company_with_persons\":true}", &err),
                     0);
    assert_int_equal(back.allow_related_companies, 1);
    assert_string_equal(back.campaign_no, "CMP1");
    assert_int_equal(
        relm_criteria_from_json(&back, "{\"filters\":[],\"from\":\"2026-13-01\"}", "{}", &err),
        RELM_EVALIDATION);
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
    assert_int_equal(relm_record_set(&relm_criteria_entity, &c, NULL, "interaction_template_code",
                                     " outgoing ", &err),
                     0);
    assert_string_equal(c.interaction_template_code, "OUTGOING");
    assert_int_equal(
        relm_record_set(&relm_criteria_entity, &c, NULL, "campaign_no", "cmp1001", &err), 0);
    assert_string_equal(c.campaign_no, "CMP1001");
    assert_int_equal(relm_record_set(&relm_criteria_entity, &c, NULL, "from", "2026-01-01", &err),
                     0);
    assert_string_equal(c.from, "2026-01-01");
    assert_int_equal(relm_record_set(&relm_criteria_entity, &c, NULL, "to", "2026-02-30", &err),
                     RELM_EVALIDATION);
    assert_string_equal(err.message, "criteria to: \"2026-02-30\" is not a date (YYYY-MM-DD)");
    assert_string_equal(c.to, "");
    assert_int_equal(relm_record_set(&relm_criteria_entity, &c, NULL, "interaction_template_code",
                                     "elevenchars", &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "longer than 10 characters"));
    assert_string_equal(c.interaction_template_code, "OUTGOING");
    assert_int_equal(relm_record_set(&relm_criteria_entity, &c, NULL, "colour", "red", &err),
                     RELM_EVALIDATION);
    assert_int_equal(relm_record_set(&relm_criteria_entity, &c, NULL, "campaign_no", NULL, &err),
                     0);
    assert_string_equal(c.campaign_no, "");
}

static const char *steps(relm_t *r)
{
    return qs(r, "SELECT group_concat(x, ' ') FROM (SELECT step_no || action || undone || ':' || "
                 "filters || options AS x FROM segment_criteria_step ORDER BY step_no) AS q");
}

static void adding_and_removing_a_line_by_hand_are_criteria_steps(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "By hand", "LTR", no);
    add_line(r, no, "p4");
    add_line(r, no, "X1"); /* excluded from segments, but chosen by hand */
    add_line(r, no, "P4"); /* already in: a no-op, no step */
    assert_string_equal(contacts(r, no), "P4,X1");
    assert_string_equal(steps(r), "1add0:{\"filters\":[{\"field\":\"no\",\"op\":\"=\",\"value\":"
                                  "\"P4\"}]}{\"ignore_exclusion\":true} 2add0:{\"filters\":[{"
                                  "\"field\":\"no\",\"op\":\"=\",\"value\":\"X1\"}]}{"
                                  "\"ignore_exclusion\":true}");
    assert_int_equal(q(r, "SELECT added_by_step FROM segment_line WHERE contact_no = 'X1'"),
                     q(r, "SELECT id FROM segment_criteria_step WHERE step_no = 2"));
    relm_segment_t s;
    assert_int_equal(relm_segment_get(r, no, &s, &err), 0);
    assert_int_equal(s.no_of_criteria_actions, 2);
    /* Undo takes the hand-added line away; redo brings it back, exclusion ignored again. */
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_string_equal(contacts(r, no), "P4");
    assert_int_equal(relm_segment_get(r, no, &s, &err), 0);
    assert_int_equal(s.no_of_criteria_actions, 1);
    assert_int_equal(relm_segment_redo(r, no, &err), 0);
    assert_string_equal(contacts(r, no), "P4,X1");

    /* Removing a personalised line by hand: undo restores it exactly, redo removes it. */
    relm_segment_line_t lc;
    relm_mask_t lg = 0;
    relm_record_init(&relm_segment_line_entity, &lc);
    set_field(&relm_segment_line_entity, &lc, &lg, "subject", "Only for P4");
    int64_t line = q(r, "SELECT line_no FROM segment_line WHERE contact_no = 'P4'");
    assert_int_equal(relm_segment_line_update(r, no, line, &lc, lg, &err), 0);
    char before[1024];
    snprintf(before, sizeof(before), "%s", qs(r, dump_lines_sql));
    assert_int_equal(relm_segment_line_delete(r, no, line, &err), 0);
    assert_string_equal(contacts(r, no), "X1");
    assert_int_equal(relm_segment_get(r, no, &s, &err), 0);
    assert_int_equal(s.no_of_criteria_actions, 3);
    assert_string_equal(qs(r, "SELECT action || ':' || filters FROM segment_criteria_step WHERE "
                              "step_no = 3"),
                        "reduce:{\"filters\":[{\"field\":\"no\",\"op\":\"=\",\"value\":\"P4\"}]}");
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_string_equal(qs(r, dump_lines_sql), before);
    assert_int_equal(relm_segment_redo(r, no, &err), 0);
    assert_string_equal(contacts(r, no), "X1");
    /* The line of a contact deleted since goes without a step (no step could select it). */
    add_line(r, no, "P3");
    test_delete_unchecked(r, "DELETE FROM contact WHERE no = 'P3'");
    int64_t steps_before = q(r, "SELECT count(*) FROM segment_criteria_step");
    line = q(r, "SELECT line_no FROM segment_line WHERE contact_no = 'P3'");
    assert_int_equal(relm_segment_line_delete(r, no, line, &err), 0);
    assert_string_equal(contacts(r, no), "X1");
    assert_int_equal(q(r, "SELECT count(*) FROM segment_criteria_step"), steps_before);
    /* A refused hand add records nothing. */
    assert_int_equal(relm_segment_line_add(r, no, "B1", NULL, &err), RELM_EPRIVACY);
    assert_int_equal(relm_segment_line_add(r, no, "NOPE", NULL, &err), RELM_ENOTFOUND);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_criteria_step"), steps_before);
    test_db_free(r);
}

static void a_filter_that_is_not_utf8_is_refused_and_records_nothing(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Bytes", "LTR", no);
    relm_criteria_t c;
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "city=Oslo\xff", &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "UTF-8"));
    assert_int_equal(c.nfilters, 0);
    assert_int_equal(relm_record_set(&relm_criteria_entity, &c, NULL, "interaction_template_code",
                                     "LTR\xc3", &err),
                     RELM_EVALIDATION);
    /* A library caller writing the filter by hand is refused by the step itself. */
    assert_int_equal(relm_criteria_where(&c, "city=Oslo", &err), 0);
    snprintf(c.filters[0].value, sizeof(c.filters[0].value), "Oslo\xff");
    int64_t n = 0;
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "city"));
    assert_int_equal(q(r, "SELECT count(*) FROM segment_criteria_step"), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line"), 0);
    test_db_free(r);
}

static void a_step_runs_what_it_records(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ], again[RELM_CODE20_SZ];
    new_segment(r, "Recorded", "LTR", no);
    new_segment(r, "Again", "LTR", again);
    exec_sql(r, "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, "
                "date, interaction_template_code, campaign_no, segment_no, evaluation, "
                "salesperson_code) VALUES "
                "(1, 'P1', 'C1', '2026-02-01', 'LTR', 'CMP1001', 'SEG00009', 'positive', 'JO'),"
                "(2, 'P2', 'C1', '2026-02-01', 'LTR', 'CMP1001', 'SEG00009', 'negative', 'JO'),"
                "(3, 'P3', 'C2', '2026-02-01', 'LTR', 'CMP1001', 'SEG00008', 'positive', 'AH')");
    relm_criteria_t c;
    relm_criteria_init(&c);
    set_field(&relm_criteria_entity, &c, NULL, "interaction_template_code", "ltr");
    set_field(&relm_criteria_entity, &c, NULL, "segment_no", "seg00009");
    set_field(&relm_criteria_entity, &c, NULL, "evaluation", "positive");
    set_field(&relm_criteria_entity, &c, NULL, "salesperson_code", " jo ");
    set_options(&c, "expand_company");
    int64_t n = 0;
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), 0);
    assert_string_equal(contacts(r, no), "C1,P1,P2");
    assert_string_equal(qs(r, "SELECT filters || options FROM segment_criteria_step"),
                        "{\"filters\":[],\"interaction_template_code\":\"LTR\",\"segment_no\":"
                        "\"SEG00009\",\"evaluation\":\"positive\",\"salesperson_code\":\"JO\"}"
                        "{\"expand_company\":true}");
    /* Saved and replayed, the step selects the same contacts. */
    assert_int_equal(relm_criteria_save(r, no, "REC", "", &err), 0);
    assert_int_equal(relm_criteria_reuse(r, "rec", again, &err), 0);
    assert_string_equal(contacts(r, again), "C1,P1,P2");
    /* from after to is refused. */
    relm_criteria_init(&c);
    set_field(&relm_criteria_entity, &c, NULL, "from", "2026-03-01");
    set_field(&relm_criteria_entity, &c, NULL, "to", "2026-02-01");
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), RELM_EVALIDATION);
    test_db_free(r);
}

static void contains_and_email_equality_fold_case_for_all_of_unicode(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    exec_sql(r, "UPDATE contact SET name = 'Nordlys Kontormøbler AS', "
                "email = 'Åse.Berg@Nordlys.example' WHERE no = 'C2'");
    /* Full case folding: "ß" folds to "ss". */
    exec_sql(r, "UPDATE contact SET city = 'Straße' WHERE no = 'P3'");
    char no[RELM_CODE20_SZ];
    new_segment(r, "Folded", "LTR", no);
    assert_int_equal(add_where(r, no, NULL, "name~KONTORMØBLER", NULL), 1);
    assert_string_equal(contacts(r, no), "C2");
    assert_int_equal(add_where(r, no, NULL, "city~STRASSE", NULL), 1);
    assert_string_equal(contacts(r, no), "C2,P3");
    relm_criteria_t c;
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "email=åSE.BERG@NORDLYS.EXAMPLE", &err), 0);
    int64_t n = 0;
    assert_int_equal(relm_segment_reduce(r, no, &c, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(contacts(r, no), "P3");
    /* Equality on other text fields stays exact. */
    assert_int_equal(add_where(r, no, NULL, "name=NORDLYS KONTORMØBLER AS", NULL), 0);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(contains_and_email_equality_fold_case_for_all_of_unicode),
        cmocka_unit_test(add_skips_excluded_and_privacy_blocked_contacts),
        cmocka_unit_test(lines_are_numbered_in_contact_order),
        cmocka_unit_test(allow_related_companies_adds_the_company_of_every_matched_person),
        cmocka_unit_test(expand_company_brings_every_contact_sharing_the_company_no),
        cmocka_unit_test(entire_companies_reduces_and_refines_by_company),
        cmocka_unit_test(reduce_and_refine_split_partly_matched_companies_by_entire_companies),
        cmocka_unit_test(filters_cover_contact_fields_and_interaction_history),
        cmocka_unit_test(undo_after_reduce_restores_personalised_lines_exactly),
        cmocka_unit_test(undo_of_an_add_removes_its_lines_and_a_new_step_discards_undone_ones),
        cmocka_unit_test(saved_criteria_replay_on_another_segment),
        cmocka_unit_test(criteria_round_trip_through_json),
        cmocka_unit_test(interaction_members_are_normalised_like_fields),
        cmocka_unit_test(adding_and_removing_a_line_by_hand_are_criteria_steps),
        cmocka_unit_test(a_filter_that_is_not_utf8_is_refused_and_records_nothing),
        cmocka_unit_test(a_step_runs_what_it_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
