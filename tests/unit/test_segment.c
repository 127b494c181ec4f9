/*
 * Segments: header numbering and defaults, the Interaction section from a template, lines
 * and their contact rules, personalisation and applying the header to all lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "segment_fixture.h"

static void create_numbers_from_segment_nos_and_dates_on_the_work_date(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Spring mailing", NULL, no);
    assert_string_equal(no, "SEG00001");
    assert_string_equal(qs(r, "SELECT date FROM segment_header WHERE no = 'SEG00001'"),
                        "2026-03-15");
    new_segment(r, "Second", NULL, no);
    assert_string_equal(no, "SEG00002");

    relm_segment_t s;
    relm_record_init(&relm_segment_entity, &s);
    set_field(&relm_segment_entity, &s, NULL, "no", "MINE");
    assert_int_equal(relm_segment_add(r, &s, 0, &err), RELM_EMANUALNOS);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_header"), 2);
    exec_sql(r, "UPDATE no_series SET manual_nos = 1 WHERE code = 'SEG'");
    assert_int_equal(relm_segment_add(r, &s, 0, &err), 0);
    assert_string_equal(s.no, "MINE");
    assert_int_equal(relm_segment_add(r, &s, 0, &err), RELM_EEXISTS);
    test_db_free(r);
}

static void create_without_segment_nos_is_refused(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    exec_sql(r, "UPDATE marketing_setup SET segment_nos = ''");
    relm_segment_t s;
    relm_record_init(&relm_segment_entity, &s);
    assert_int_equal(relm_segment_add(r, &s, 0, &err), RELM_ESETUP);
    assert_non_null(strstr(err.message, "segment_nos"));
    assert_int_equal(q(r, "SELECT count(*) FROM segment_header"), 0);
    test_db_free(r);
}

static void setting_the_template_fills_the_interaction_section(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Mailing", NULL, no);
    relm_segment_t ch, s;
    relm_mask_t given = 0;
    relm_record_init(&relm_segment_entity, &ch);
    set_field(&relm_segment_entity, &ch, &given, "interaction_template_code", "news");
    assert_int_equal(relm_segment_update(r, no, &ch, given, 0, &err), 0);
    assert_int_equal(relm_segment_get(r, no, &s, &err), 0);
    assert_string_equal(s.interaction_template_code, "NEWS");
    assert_string_equal(s.subject, "Newsletter");
    assert_string_equal(s.correspondence_type, "email");
    assert_int_equal(s.ignore_contact_corresp_type, 1);
    assert_string_equal(s.information_flow, "outbound");
    assert_string_equal(s.initiated_by, "us");
    assert_int_equal(s.unit_cost, 10);
    assert_int_equal(s.unit_duration, 500);
    assert_string_equal(s.language_code, "ENU");
    assert_string_equal(s.campaign_no, "CMP1001");
    assert_int_equal(s.campaign_target, 1);

    /* A field given alongside the template wins. */
    given = 0;
    relm_record_init(&relm_segment_entity, &ch);
    set_field(&relm_segment_entity, &ch, &given, "interaction_template_code", "LTR");
    set_field(&relm_segment_entity, &ch, &given, "unit_cost", "9.99");
    assert_int_equal(relm_segment_update(r, no, &ch, given, 0, &err), 0);
    assert_int_equal(relm_segment_get(r, no, &s, &err), 0);
    assert_int_equal(s.unit_cost, 999);
    assert_string_equal(s.correspondence_type, "hard_copy");

    given = 0;
    relm_record_init(&relm_segment_entity, &ch);
    set_field(&relm_segment_entity, &ch, &given, "interaction_template_code", "NOPE");
    assert_int_equal(relm_segment_update(r, no, &ch, given, 0, &err), RELM_EMISSINGTPL);
    given = 0;
    relm_record_init(&relm_segment_entity, &ch);
    set_field(&relm_segment_entity, &ch, &given, "salesperson_code", "NOBODY");
    assert_int_equal(relm_segment_update(r, no, &ch, given, 0, &err), RELM_ENOTFOUND);
    assert_string_equal(qs(r, "SELECT interaction_template_code || salesperson_code FROM "
                              "segment_header"),
                        "LTR");
    test_db_free(r);
}

static void a_new_line_takes_the_header_values_and_the_contact_rules(void **state)
{
    (void)state;
    relm_t *r = fixture();
    char no[RELM_CODE20_SZ];
    new_segment(r, "Mailing", "LTR", no);
    add_line(r, no, "P1"); /* e-mail preferred, no salesperson: setup default */
    add_line(r, no, "p2"); /* hard copy, salesperson AH */
    add_line(r, no, "P3"); /* e-mail, NOR */
    assert_string_equal(
        qs(r, "SELECT group_concat(line_no || ':' || contact_no || ':' || contact_company_no "
              "|| ':' || salesperson_code || ':' || correspondence_type || ':' || language_code "
              "|| ':' || date || ':' || cost || ':' || description, ' ') FROM "
              "(SELECT * FROM segment_line ORDER BY line_no) AS q"),
        "10000:P1:C1:JO:email:ENU:2026-03-15:250:Letter "
        "20000:P2:C1:AH:hard_copy:ENU:2026-03-15:250:Letter "
        "30000:P3:C2:JO:email:ENU:2026-03-15:250:Letter");

    /* NEWS ignores the contact's type and has a NOR variant. */
    char no2[RELM_CODE20_SZ];
    new_segment(r, "News", "NEWS", no2);
    add_line(r, no2, "P2");
    add_line(r, no2, "P3");
    assert_string_equal(
        qs(r, "SELECT group_concat(contact_no || ':' || correspondence_type || ':' || "
              "language_code || ':' || description || ':' || campaign_no, ' ') FROM "
              "(SELECT * FROM segment_line WHERE segment_no = 'SEG00002' ORDER BY line_no) AS q"),
        "P2:email:ENU:Newsletter:CMP1001 P3:email:NOR:Nyhetsbrev:CMP1001");

    /* The header's salesperson wins over the contact's. */
    relm_segment_t ch;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(&relm_segment_entity, &ch);
    set_field(&relm_segment_entity, &ch, &given, "salesperson_code", "AH");
    assert_int_equal(relm_segment_update(r, no, &ch, given, 0, &err), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line WHERE segment_no = 'SEG00001' AND "
                          "salesperson_code = 'AH'"),
                     3);
    /* A new template re-derives every line from it, the NOR variant included. */
    given = 0;
    relm_record_init(&relm_segment_entity, &ch);
    set_field(&relm_segment_entity, &ch, &given, "interaction_template_code", "NEWS");
    assert_int_equal(relm_segment_update(r, no, &ch, given, 0, &err), 0);
    assert_string_equal(
        qs(r, "SELECT group_concat(contact_no || ':' || salesperson_code || ':' || "
              "correspondence_type || ':' || language_code || ':' || description || ':' || cost "
              "|| ':' || campaign_no, ' ') FROM (SELECT * FROM segment_line WHERE segment_no = "
              "'SEG00001' ORDER BY line_no) AS q"),
        "P1:AH:email:ENU:Newsletter:10:CMP1001 P2:AH:email:ENU:Newsletter:10:CMP1001 "
        "P3:AH:email:NOR:Nyhetsbrev:10:CMP1001");
    test_db_free(r);
}

static void a_contact_appears_once_and_privacy_blocked_is_refused(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Mailing", "LTR", no);
    relm_segment_line_t l;
    assert_int_equal(relm_segment_line_add(r, no, "P1", &l, &err), 0);
    assert_int_equal(l.line_no, 10000);
    assert_int_equal(relm_segment_line_add(r, no, "P1", &l, &err), 0);
    assert_int_equal(l.line_no, 10000);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line"), 1);
    assert_int_equal(relm_segment_line_add(r, no, "B1", NULL, &err), RELM_EPRIVACY);
    assert_non_null(strstr(err.message, "B1"));
    assert_int_equal(relm_segment_line_add(r, no, "NOPE", NULL, &err), RELM_ENOTFOUND);
    assert_int_equal(relm_segment_line_add(r, "SEG99", "P1", NULL, &err), RELM_ENOTFOUND);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line"), 1);
    test_db_free(r);
}

static void personalised_lines_keep_their_values_unless_applied_to_all(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Mailing", "LTR", no);
    add_line(r, no, "P1");
    add_line(r, no, "P2");
    relm_segment_line_t lc;
    relm_mask_t lg = 0;
    relm_record_init(&relm_segment_line_entity, &lc);
    set_field(&relm_segment_line_entity, &lc, &lg, "subject", "Just for Sarah");
    set_field(&relm_segment_line_entity, &lc, &lg, "cost", "7");
    assert_int_equal(relm_segment_line_update(r, no, 20000, &lc, lg, &err), 0);
    assert_int_equal(q(r, "SELECT personalised FROM segment_line WHERE line_no = 20000"), 1);

    relm_segment_t ch;
    relm_mask_t given = 0;
    relm_record_init(&relm_segment_entity, &ch);
    set_field(&relm_segment_entity, &ch, &given, "interaction_template_code", "CALL");
    set_field(&relm_segment_entity, &ch, &given, "subject", "Calling you");
    assert_int_equal(relm_segment_update(r, no, &ch, given, 0, &err), 0);
    assert_string_equal(qs(r, "SELECT interaction_template_code || '|' || subject || '|' || cost "
                              "FROM segment_line WHERE line_no = 10000"),
                        "CALL|Calling you|0");
    assert_string_equal(qs(r, "SELECT interaction_template_code || '|' || subject || '|' || cost "
                              "FROM segment_line WHERE line_no = 20000"),
                        "LTR|Just for Sarah|700");

    given = 0;
    relm_record_init(&relm_segment_entity, &ch);
    assert_int_equal(relm_segment_update(r, no, &ch, given, 1, &err), 0);
    assert_string_equal(qs(r, "SELECT interaction_template_code || '|' || subject || '|' || cost "
                              "|| '|' || personalised FROM segment_line WHERE line_no = 20000"),
                        "CALL|Calling you|0|0");
    test_db_free(r);
}

static void a_line_template_brings_its_defaults_and_must_exist(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Mailing", "LTR", no);
    add_line(r, no, "P3");
    relm_segment_line_t lc;
    relm_mask_t lg = 0;
    relm_record_init(&relm_segment_line_entity, &lc);
    set_field(&relm_segment_line_entity, &lc, &lg, "interaction_template_code", "NEWS");
    assert_int_equal(relm_segment_line_update(r, no, 10000, &lc, lg, &err), 0);
    assert_string_equal(qs(r, "SELECT language_code || '|' || description || '|' || cost || '|' "
                              "|| campaign_no || '|' || personalised FROM segment_line"),
                        "NOR|Nyhetsbrev|10|CMP1001|1");
    lg = 0;
    relm_record_init(&relm_segment_line_entity, &lc);
    set_field(&relm_segment_line_entity, &lc, &lg, "interaction_template_code", "NOPE");
    assert_int_equal(relm_segment_line_update(r, no, 10000, &lc, lg, &err), RELM_EMISSINGTPL);
    assert_non_null(strstr(err.message, "line 10000"));
    assert_int_equal(relm_segment_line_update(r, no, 99, &lc, lg, &err), RELM_ENOTFOUND);
    assert_int_equal(relm_segment_line_delete(r, no, 10000, &err), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line"), 0);
    assert_int_equal(relm_segment_line_delete(r, no, 10000, &err), RELM_ENOTFOUND);
    test_db_free(r);
}

static int count_row(void *ctx, const void *rec)
{
    (void)rec;
    (*(int *)ctx)++;
    return 0;
}

/* Line numbers of the rows streamed, in order (at most 8). */
typedef struct line_nos {
    int64_t no[8];
    int n;
} line_nos_t;

static int collect_line_no(void *ctx, const void *rec)
{
    line_nos_t *l = ctx;
    if (l->n < 8)
        l->no[l->n++] = ((const relm_segment_line_t *)rec)->line_no;
    return 0;
}

/* The fixture with segment no holding the three London contacts. */
static relm_t *london_segment(char no[RELM_CODE20_SZ])
{
    relm_t *r = fixture();
    relm_error_t err = {0};
    new_segment(r, "Mailing", "LTR", no);
    relm_criteria_t c;
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "city=London", &err), 0);
    int64_t n = 0;
    assert_int_equal(relm_segment_add_contacts(r, no, &c, &n, &err), 0);
    assert_int_equal(n, 3);
    return r;
}

static void lines_page_by_line_no_after_the_cursor_up_to_the_limit(void **state)
{
    (void)state;
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    relm_t *r = london_segment(no);
    line_nos_t l = {0};
    assert_int_equal(relm_segment_lines(r, no, 0, 2, collect_line_no, &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_true(l.no[0] < l.no[1]);
    int64_t first = l.no[0], second = l.no[1];
    memset(&l, 0, sizeof(l));
    assert_int_equal(relm_segment_lines(r, no, second, 2, collect_line_no, &l, &err), 0);
    assert_int_equal(l.n, 1);
    assert_true(l.no[0] > second);
    memset(&l, 0, sizeof(l));
    assert_int_equal(relm_segment_lines(r, no, first, 0, collect_line_no, &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.no[0], second);
    assert_int_equal(relm_segment_lines(r, "SEG99999", 0, 0, collect_line_no, &l, &err),
                     RELM_ENOTFOUND);
    test_db_free(r);
}

static void segments_page_by_no_after_the_cursor_up_to_the_limit(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char a[RELM_CODE20_SZ], b[RELM_CODE20_SZ], c[RELM_CODE20_SZ];
    new_segment(r, "One", "LTR", a);
    new_segment(r, "Two", "LTR", b);
    new_segment(r, "Three", "LTR", c);
    int rows = 0;
    assert_int_equal(relm_segment_list(r, NULL, 0, 2, count_row, &rows, &err), 0);
    assert_int_equal(rows, 2);
    char text[RELM_CODE20_SZ + 8];
    relm_filter_t after;
    snprintf(text, sizeof(text), "no>%s", a);
    assert_int_equal(relm_filter_parse(&relm_segment_entity, text, &after, &err), 0);
    rows = 0;
    assert_int_equal(relm_segment_list(r, &after, 1, 0, count_row, &rows, &err), 0);
    assert_int_equal(rows, 2);
    snprintf(text, sizeof(text), "no>%s", c);
    assert_int_equal(relm_filter_parse(&relm_segment_entity, text, &after, &err), 0);
    rows = 0;
    assert_int_equal(relm_segment_list(r, &after, 1, 0, count_row, &rows, &err), 0);
    assert_int_equal(rows, 0);
    test_db_free(r);
}

/* The nos. and line counts of the segments streamed, in order (at most 8). */
typedef struct seg_rows {
    char no[8][RELM_CODE20_SZ];
    int64_t lines[8];
    int n;
} seg_rows_t;

static int collect_segment(void *ctx, const void *rec)
{
    seg_rows_t *rows = ctx;
    const relm_segment_t *s = rec;
    if (rows->n < 8) {
        memcpy(rows->no[rows->n], s->no, RELM_CODE20_SZ);
        rows->lines[rows->n++] = s->no_of_lines;
    }
    return 0;
}

static void segment_list_keeps_only_the_segments_every_filter_matches(void **state)
{
    (void)state;
    char london[RELM_CODE20_SZ], spring[RELM_CODE20_SZ], autumn[RELM_CODE20_SZ];
    relm_t *r = london_segment(london);
    relm_error_t err = {0};
    new_segment(r, "Spring mailing", "LTR", spring);
    new_segment(r, "Autumn mailing", "LTR", autumn);
    relm_filter_t f[2];
    assert_int_equal(relm_filter_parse(&relm_segment_entity, "description~MAILING", &f[0], &err),
                     0);
    seg_rows_t rows = {0};
    assert_int_equal(relm_segment_list(r, f, 1, 0, collect_segment, &rows, &err), 0);
    assert_int_equal(rows.n, 3);
    assert_string_equal(rows.no[0], london);
    assert_int_equal(rows.lines[0], 3); /* the counts still come with a filtered list */
    assert_int_equal(relm_filter_parse(&relm_segment_entity, "description!=Mailing", &f[1], &err),
                     0);
    memset(&rows, 0, sizeof(rows));
    assert_int_equal(relm_segment_list(r, f, 2, 0, collect_segment, &rows, &err), 0);
    assert_int_equal(rows.n, 2);
    assert_string_equal(rows.no[0], spring);
    assert_string_equal(rows.no[1], autumn);
    memset(&rows, 0, sizeof(rows));
    assert_int_equal(relm_segment_list(r, f, 2, 1, collect_segment, &rows, &err), 0);
    assert_int_equal(rows.n, 1);
    assert_string_equal(rows.no[0], spring);
    /* The counts are computed: no filter can name them. */
    assert_int_equal(relm_filter_parse(&relm_segment_entity, "no_of_lines>0", &f[0], &err),
                     RELM_EVALIDATION);
    test_db_free(r);
}

static void show_counts_lines_and_steps_and_delete_takes_them_along(void **state)
{
    (void)state;
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    relm_t *r = london_segment(no);
    relm_segment_t s;
    assert_int_equal(relm_segment_get(r, no, &s, &err), 0);
    assert_int_equal(s.no_of_lines, 3);
    assert_int_equal(s.no_of_criteria_actions, 1);
    int rows = 0;
    assert_int_equal(relm_segment_list(r, NULL, 0, 0, count_row, &rows, &err), 0);
    assert_int_equal(rows, 1);
    rows = 0;
    assert_int_equal(relm_segment_lines(r, no, 0, 0, count_row, &rows, &err), 0);
    assert_int_equal(rows, 3);
    assert_int_equal(relm_segment_delete(r, no, &err), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line"), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_criteria_step"), 0);
    assert_int_equal(relm_segment_delete(r, no, &err), RELM_ENOTFOUND);
    assert_int_equal(relm_segment_get(r, no, &s, &err), RELM_ENOTFOUND);
    test_db_free(r);
}

/* The lines of segment no by contact: language and description. */
static const char *variant_lines(relm_t *r, const char *no)
{
    return segment_lines_text(r, no, "contact_no || ':' || language_code || ':' || description",
                              "contact_no", " ");
}

/* The persons as new lines (by hand, by criteria, copied) and re-derived lines of MULTI. */
static void check_variants(relm_t *r, const char *expect)
{
    relm_error_t err = {0};
    char by_hand[RELM_CODE20_SZ], by_criteria[RELM_CODE20_SZ], copied[RELM_CODE20_SZ],
        derived[RELM_CODE20_SZ];
    new_segment(r, "By hand", "MULTI", by_hand);
    const char *persons[] = {"D1", "P1", "P2", "P3", "P4"};
    for (int i = 0; i < 5; i++)
        add_line(r, by_hand, persons[i]);
    assert_string_equal(variant_lines(r, by_hand), expect);

    new_segment(r, "By criteria", "MULTI", by_criteria);
    relm_criteria_t c;
    relm_criteria_init(&c);
    assert_int_equal(relm_criteria_where(&c, "type=person", &err), 0);
    int64_t n = 0;
    assert_int_equal(relm_segment_add_contacts(r, by_criteria, &c, &n, &err), 0);
    assert_int_equal(n, 5);
    assert_string_equal(variant_lines(r, by_criteria), expect);

    new_segment(r, "Copied", "MULTI", copied);
    assert_int_equal(relm_segment_copy_lines(r, copied, by_hand, &n, &err), 0);
    assert_int_equal(n, 5);
    assert_string_equal(variant_lines(r, copied), expect);

    new_segment(r, "Derived", "LTR", derived);
    for (int i = 0; i < 5; i++)
        add_line(r, derived, persons[i]);
    relm_segment_t ch;
    relm_mask_t given = 0;
    relm_record_init(&relm_segment_entity, &ch);
    set_field(&relm_segment_entity, &ch, &given, "interaction_template_code", "MULTI");
    assert_int_equal(relm_segment_update(r, derived, &ch, given, 0, &err), 0);
    assert_string_equal(variant_lines(r, derived), expect);
}

static void a_line_takes_the_variant_in_its_contact_language_however_many_there_are(void **state)
{
    (void)state;
    relm_t *r = fixture();
    add_template(r, "MULTI", "LETTER", "Multi", "1", "", "false", NULL);
    /* DAN has no description of its own: the line keeps the template's. */
    exec_sql(r, "INSERT INTO interaction_template_language (template_code, language_code, "
                "description) VALUES ('MULTI', 'NOR', 'Flerspraklig'), ('MULTI', 'DAN', '');"
                "INSERT INTO contact (no, type, name, language_code) VALUES "
                "('D1', 'person', 'Dansk Person', 'DAN')");
    const char *expect = "D1:DAN:Multi P1:ENU:Multi P2:ENU:Multi P3:NOR:Flerspraklig P4:ENU:Multi";
    check_variants(r, expect);
    /* More variants than a statement inlines: the same lines from a join. */
    char sql[256];
    for (int i = 0; i < 20; i++) {
        snprintf(sql, sizeof(sql),
                 "INSERT INTO interaction_template_language (template_code, language_code, "
                 "description) VALUES ('MULTI', 'X%02d', 'Other %d')",
                 i, i);
        exec_sql(r, sql);
    }
    check_variants(r, expect);
    test_db_free(r);
}

static void a_new_line_takes_no_salesperson_or_correspondence_type_from_setup(void **state)
{
    (void)state;
    relm_t *r = fixture();
    char no[RELM_CODE20_SZ], news[RELM_CODE20_SZ];
    exec_sql(r, "UPDATE marketing_setup SET default_correspondence_type = 'fax';"
                "UPDATE contact SET salesperson_code = '', correspondence_type = '' "
                "WHERE no = 'P1'");
    /* Setup's default salesperson JO and type fax are stamped on new contacts only. */
    new_segment(r, "Mailing", "CALL", no);
    add_line(r, no, "P1"); /* no salesperson, no preferred type: none from setup */
    add_line(r, no, "P2"); /* AH, hard copy */
    assert_string_equal(segment_lines_text(r, no,
                                           "contact_no || ':' || salesperson_code || ':' || "
                                           "correspondence_type",
                                           "line_no", " "),
                        "P1:: P2:AH:hard_copy");
    /* A template that ignores the contact's type gives the header's to every line. */
    new_segment(r, "News", "NEWS", news);
    add_line(r, news, "P1");
    add_line(r, news, "P2");
    assert_string_equal(segment_lines_text(r, news,
                                           "contact_no || ':' || salesperson_code || ':' || "
                                           "correspondence_type",
                                           "line_no", " "),
                        "P1::email P2:AH:email");
    /* Criteria and the header's changes follow the same rule, set-wise. */
    relm_segment_t ch;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(&relm_segment_entity, &ch);
    set_field(&relm_segment_entity, &ch, &given, "subject", "Again");
    assert_int_equal(relm_segment_update(r, no, &ch, given, 0, &err), 0);
    assert_string_equal(qs(r, "SELECT salesperson_code || ':' || correspondence_type FROM "
                              "segment_line WHERE segment_no = 'SEG00001' AND contact_no = 'P1'"),
                        ":");
    test_db_free(r);
}

static void a_new_segment_takes_the_signed_in_users_salesperson_and_the_work_date(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    relm_user_t u;
    relm_record_init(&relm_user_entity, &u);
    set_field(&relm_user_entity, &u, NULL, "name", "ann");
    set_field(&relm_user_entity, &u, NULL, "salesperson_code", "AH");
    assert_int_equal(relm_user_add(r, &u, "correct horse battery", &err), 0);
    relm_record_init(&relm_user_entity, &u);
    set_field(&relm_user_entity, &u, NULL, "name", "bob");
    assert_int_equal(relm_user_add(r, &u, "correct horse battery", &err), 0);
    char no[RELM_CODE20_SZ];
    relm_set_user(r, "ann");
    new_segment(r, "Ann's", NULL, no);
    assert_string_equal(qs(r, "SELECT salesperson_code || '|' || date FROM segment_header "
                              "WHERE no = 'SEG00001'"),
                        "AH|2026-03-15");
    /* Her salesperson reaches the lines as the header's. */
    add_line(r, no, "P1");
    assert_string_equal(qs(r, "SELECT salesperson_code FROM segment_line"), "AH");
    /* A salesperson given wins; a user without one, or without an account, brings none. */
    relm_segment_t s;
    relm_mask_t given = 0;
    relm_record_init(&relm_segment_entity, &s);
    set_field(&relm_segment_entity, &s, &given, "description", "Given");
    set_field(&relm_segment_entity, &s, &given, "salesperson_code", "jo");
    assert_int_equal(relm_segment_add(r, &s, given, &err), 0);
    assert_string_equal(s.salesperson_code, "JO");
    relm_set_user(r, "bob");
    new_segment(r, "Bob's", NULL, no);
    assert_string_equal(qs(r, "SELECT salesperson_code FROM segment_header WHERE no = 'SEG00003'"),
                        "");
    relm_set_user(r, "JO");
    new_segment(r, "No account", NULL, no);
    assert_string_equal(qs(r, "SELECT salesperson_code FROM segment_header WHERE no = 'SEG00004'"),
                        "");
    test_db_free(r);
}

static void set_line(relm_t *r, const char *no, int64_t line, const char *field, const char *value)
{
    relm_segment_line_t lc;
    relm_mask_t lg = 0;
    relm_error_t err = {0};
    relm_record_init(&relm_segment_line_entity, &lc);
    set_field(&relm_segment_line_entity, &lc, &lg, field, value);
    if (relm_segment_line_update(r, no, line, &lc, lg, &err))
        fail_msg("line %lld %s: %s", (long long)line, field, err.message);
}

static void a_typed_description_is_kept_when_the_line_template_changes(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Mailing", "LTR", no);
    add_line(r, no, "P3");
    const char *sql = "SELECT interaction_template_code || '|' || description || '|' || "
                      "description_typed FROM segment_line";
    assert_string_equal(qs(r, sql), "LTR|Letter|0");
    /* Untyped, the description follows the template (its variant in the contact's language). */
    set_line(r, no, 10000, "interaction_template_code", "NEWS");
    assert_string_equal(qs(r, sql), "NEWS|Nyhetsbrev|0");
    set_line(r, no, 10000, "description", "Kari's own letter");
    assert_string_equal(qs(r, sql), "NEWS|Kari's own letter|1");
    set_line(r, no, 10000, "interaction_template_code", "CALL");
    assert_string_equal(qs(r, sql), "CALL|Kari's own letter|1");
    /* The header applied to all lines brings its template, not over the typed text. */
    relm_segment_t ch;
    relm_mask_t given = 0;
    relm_record_init(&relm_segment_entity, &ch);
    set_field(&relm_segment_entity, &ch, &given, "interaction_template_code", "LTR");
    assert_int_equal(relm_segment_update(r, no, &ch, given, 1, &err), 0);
    assert_string_equal(qs(r, sql), "LTR|Kari's own letter|1");
    relm_segment_line_t l;
    assert_int_equal(relm_segment_line_get(r, no, 10000, &l, &err), 0);
    assert_int_equal(l.description_typed, 1);
    /* Undo of a removal restores the flag with the line. */
    assert_int_equal(relm_segment_line_delete(r, no, 10000, &err), 0);
    assert_int_equal(relm_segment_undo(r, no, &err), 0);
    assert_string_equal(qs(r, sql), "LTR|Kari's own letter|1");
    /* Typed blank, the line follows its template again. */
    set_line(r, no, 10000, "description", "");
    assert_string_equal(qs(r, sql), "LTR|Letter|0");
    set_line(r, no, 10000, "interaction_template_code", "NEWS");
    assert_string_equal(qs(r, sql), "NEWS|Nyhetsbrev|0");
    /* A description given with the new template is typed. */
    relm_segment_line_t lc;
    relm_mask_t lg = 0;
    relm_record_init(&relm_segment_line_entity, &lc);
    set_field(&relm_segment_line_entity, &lc, &lg, "interaction_template_code", "CALL");
    set_field(&relm_segment_line_entity, &lc, &lg, "description", "Ring Kari");
    assert_int_equal(relm_segment_line_update(r, no, 10000, &lc, lg, &err), 0);
    assert_string_equal(qs(r, sql), "CALL|Ring Kari|1");
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_numbers_from_segment_nos_and_dates_on_the_work_date),
        cmocka_unit_test(create_without_segment_nos_is_refused),
        cmocka_unit_test(setting_the_template_fills_the_interaction_section),
        cmocka_unit_test(a_new_line_takes_the_header_values_and_the_contact_rules),
        cmocka_unit_test(a_contact_appears_once_and_privacy_blocked_is_refused),
        cmocka_unit_test(personalised_lines_keep_their_values_unless_applied_to_all),
        cmocka_unit_test(a_line_template_brings_its_defaults_and_must_exist),
        cmocka_unit_test(show_counts_lines_and_steps_and_delete_takes_them_along),
        cmocka_unit_test(lines_page_by_line_no_after_the_cursor_up_to_the_limit),
        cmocka_unit_test(segments_page_by_no_after_the_cursor_up_to_the_limit),
        cmocka_unit_test(segment_list_keeps_only_the_segments_every_filter_matches),
        cmocka_unit_test(a_line_takes_the_variant_in_its_contact_language_however_many_there_are),
        cmocka_unit_test(a_new_line_takes_no_salesperson_or_correspondence_type_from_setup),
        cmocka_unit_test(a_new_segment_takes_the_signed_in_users_salesperson_and_the_work_date),
        cmocka_unit_test(a_typed_description_is_kept_when_the_line_template_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
