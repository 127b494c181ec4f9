/*
 * The data set shared by the segment, criteria and log tests: master data through the
 * API, contacts through SQL (see fixture()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "segment_fixture.h"

void exec_sql(relm_t *r, const char *sql)
{
    relm_error_t err = {0};
    if (relm_store_exec(r->store, sql, &err))
        fail_msg("%s: %s", sql, err.message);
}

void set_field(const relm_entity_t *e, void *rec, relm_mask_t *given, const char *name,
               const char *value)
{
    relm_error_t err = {0};
    if (relm_record_set(e, rec, given, name, value, &err))
        fail_msg("%s=%s: %s", name, value, err.message);
}

void add_template(relm_t *r, const char *code, const char *group, const char *desc,
                  const char *cost, const char *corresp, const char *ignore, const char *campaign)
{
    relm_interaction_template_t t;
    relm_error_t err = {0};
    const relm_entity_t *e = &relm_template_entity;
    relm_record_init(e, &t);
    set_field(e, &t, NULL, "code", code);
    set_field(e, &t, NULL, "interaction_group_code", group);
    set_field(e, &t, NULL, "description", desc);
    set_field(e, &t, NULL, "unit_cost", cost);
    set_field(e, &t, NULL, "unit_duration", "5");
    set_field(e, &t, NULL, "information_flow", "outbound");
    set_field(e, &t, NULL, "initiated_by", "us");
    set_field(e, &t, NULL, "correspondence_type", corresp);
    set_field(e, &t, NULL, "ignore_contact_corresp_type", ignore);
    set_field(e, &t, NULL, "language_code", "ENU");
    if (campaign) {
        set_field(e, &t, NULL, "campaign_no", campaign);
        t.campaign_target = 1;
    }
    if (relm_template_add(r, &t, &err))
        fail_msg("template %s: %s", code, err.message);
}

/*
 * Salespersons JO, AH (setup default JO); groups LETTER, EMAIL; campaign CMP1001;
 * templates LTR (hard copy, 2.50), NEWS (e-mail, ignores the contact's type, campaign
 * CMP1001, variant NOR "Nyhetsbrev"), CALL (no correspondence type).
 * Contacts: C1 company (London, JO) with persons P1 (e-mail, JO), P2 (no e-mail, hard copy,
 * AH); C2 company (Oslo, AH) with person P3 (NOR, e-mail, JO); X1 company in Oslo excluded
 * from segments (no salesperson); B1 person in Oslo, privacy blocked; P4 person (Oslo, no
 * company, JO, fax type, no fax no.).
 */
relm_t *fixture(void)
{
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    test_seed_series(r);
    exec_sql(r, "INSERT INTO salesperson (code, name) VALUES ('JO', 'Jim Olive'), "
                "('AH', 'Annette Hill');"
                "UPDATE marketing_setup SET default_salesperson_code = 'JO';"
                "INSERT INTO interaction_group (code, description) VALUES ('LETTER', 'Letters'), "
                "('EMAIL', 'E-mails');");
    relm_campaign_t cmp;
    relm_record_init(&relm_campaign_entity, &cmp);
    set_field(&relm_campaign_entity, &cmp, NULL, "description", "Spring");
    if (relm_campaign_add(r, &cmp, &err))
        fail_msg("campaign: %s", err.message);
    assert_string_equal(cmp.no, "CMP1001");
    add_template(r, "LTR", "LETTER", "Letter", "2.50", "hard_copy", "false", NULL);
    add_template(r, "NEWS", "EMAIL", "Newsletter", "0.10", "email", "true", "CMP1001");
    add_template(r, "CALL", "LETTER", "Call", "0", "", "false", NULL);
    exec_sql(r, "INSERT INTO interaction_template_language (template_code, language_code, "
                "description) VALUES ('NEWS', 'NOR', 'Nyhetsbrev')");
    exec_sql(r, "INSERT INTO contact (no, type, name, company_no, email, fax_no, salesperson_code, "
                "language_code, correspondence_type, city, address, exclude_from_segment, "
                "privacy_blocked) VALUES "
                "('C1', 'company', 'Cardoxy', 'C1', 'info@cardoxy.example', '', 'JO', 'ENU', "
                "'email', 'London', 'Fenwick Close 8', 0, 0),"
                "('P1', 'person', 'Mark McArthur', 'C1', 'mark@cardoxy.example', '', 'JO', 'ENU', "
                "'email', 'London', '', 0, 0),"
                "('P2', 'person', 'Sarah Lindgren', 'C1', '', '', 'AH', 'ENU', 'hard_copy', "
                "'London', 'Fenwick Close 8', 0, 0),"
                "('C2', 'company', 'Nordlys', 'C2', 'post@nordlys.example', '', 'AH', 'NOR', "
                "'email', 'Oslo', 'Storgata 12', 0, 0),"
                "('P3', 'person', 'Kari Nordmann', 'C2', 'kari@nordlys.example', '', 'JO', 'NOR', "
                "'email', 'Oslo', '', 0, 0),"
                "('X1', 'company', 'Excluded AS', 'X1', 'x@x.example', '', '', '', '', 'Oslo', '', "
                "1, 0),"
                "('B1', 'person', 'Blocked Person', '', 'b@b.example', '', '', '', '', 'Oslo', '', "
                "0, 1),"
                "('P4', 'person', 'Fax Person', '', '', '', 'JO', '', 'fax', 'Oslo', '', 0, 0)");
    return r;
}

/* A new segment with the given description and template (NULL: none); returns its no. */
void new_segment(relm_t *r, const char *description, const char *tpl, char no[RELM_CODE20_SZ])
{
    relm_segment_t s;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(&relm_segment_entity, &s);
    set_field(&relm_segment_entity, &s, &given, "description", description);
    if (tpl)
        set_field(&relm_segment_entity, &s, &given, "interaction_template_code", tpl);
    if (relm_segment_add(r, &s, given, &err))
        fail_msg("segment: %s", err.message);
    memcpy(no, s.no, RELM_CODE20_SZ);
}

void add_line(relm_t *r, const char *no, const char *contact)
{
    relm_error_t err = {0};
    if (relm_segment_line_add(r, no, contact, NULL, &err))
        fail_msg("line %s: %s", contact, err.message);
}

int64_t q(relm_t *r, const char *sql)
{
    return test_sql_int(r, sql);
}

/* One text value from SQL (for asserting database state). */
const char *qs(relm_t *r, const char *sql)
{
    static char buf[1024];
    relm_error_t err = {0};
    relm_stmt_t *s;
    if (relm_stmt_prepare(r->store, sql, &s, &err))
        fail_msg("%s: %s", sql, err.message);
    int rc = relm_stmt_step(s, &err);
    snprintf(buf, sizeof(buf), "%s", rc == RELM_STEP_ROW ? relm_stmt_text(s, 0) : "(none)");
    relm_stmt_release(s);
    return buf;
}

/* expr over the lines of segment no in the given order, joined by sep ('' for none). */
const char *segment_lines_text(relm_t *r, const char *no, const char *expr, const char *order,
                               const char *sep)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT coalesce(group_concat(%s, '%s'), '') FROM (SELECT * FROM segment_line "
             "WHERE segment_no = '%s' ORDER BY %s) AS q",
             expr, sep, no, order);
    return qs(r, sql);
}
