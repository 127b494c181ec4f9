/*
 * Demo data: enough of a small sales organisation to try every flow by hand. Written
 * through the public API, so the demo also exercises the rules a user would meet.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Set name=value pairs (NULL-terminated) on rec; stops at the first error. */
static int fill(const relm_entity_t *e, void *rec, relm_error_t *err, const char *const *kv)
{
    relm_record_init(e, rec);
    for (int i = 0; kv[i]; i += 2) {
        int rc = relm_record_set(e, rec, NULL, kv[i], kv[i + 1], err);
        if (rc)
            return rc;
    }
    return 0;
}

#define KV(...) ((const char *const[]){__VA_ARGS__, NULL})

static int series(relm_t *r, const char *code, const char *desc, const char *start,
                  relm_error_t *err)
{
    relm_no_series_t ns;
    relm_no_series_line_t l;
    int rc = fill(&relm_no_series_entity, &ns, err, KV("code", code, "description", desc));
    if (!rc)
        rc = relm_numseries_add(r, &ns, err);
    if (!rc)
        rc = fill(&relm_no_series_line_entity, &l, err,
                  KV("series_code", code, "starting_no", start));
    if (!rc)
        rc = relm_numseries_line_add(r, &l, err);
    return rc;
}

static int demo(relm_t *r, relm_error_t *err)
{
    int rc;
    int64_t n = 0;
    if ((rc = relm_count(r, "SELECT count(*) FROM contact", NULL, &n, err)))
        return rc;
    if (n > 0)
        return relm_error_set(err, RELM_ECONFLICT,
                              "the database already holds %lld contacts: demo data goes only into "
                              "an empty database",
                              (long long)n);
    if ((rc = series(r, "CONT", "Contacts", "CT000001", err)) ||
        (rc = series(r, "SEG", "Segments", "SEG00001", err)) ||
        (rc = series(r, "CAMP", "Campaigns", "CMP1001", err)) ||
        (rc = series(r, "OPP", "Opportunities", "OP000001", err)) ||
        (rc = series(r, "TASK", "Tasks", "TK000001", err)))
        return rc;

    static const char *const sps[][4] = {
        {"JO", "Jim Olive", "jim.olive@cronus.example", "Sales Manager"},
        {"AH", "Annette Hill", "annette.hill@cronus.example", "Account Manager"},
        {"BD", "Benjamin Chiu", "benjamin.chiu@cronus.example", "Marketing Coordinator"},
    };
    for (size_t i = 0; i < sizeof(sps) / sizeof(sps[0]); i++) {
        relm_salesperson_t sp;
        if ((rc = fill(&relm_salesperson_entity, &sp, err,
                       KV("code", sps[i][0], "name", sps[i][1], "email", sps[i][2], "job_title",
                          sps[i][3]))) ||
            (rc = relm_salesperson_add(r, &sp, err)))
            return rc;
    }

    relm_setup_t s;
    relm_mask_t given = 0;
    relm_record_init(&relm_setup_entity, &s);
    static const char *const setup_kv[] = {"contact_nos",
                                           "CONT",
                                           "segment_nos",
                                           "SEG",
                                           "campaign_nos",
                                           "CAMP",
                                           "opportunity_nos",
                                           "OPP",
                                           "task_nos",
                                           "TASK",
                                           "default_language_code",
                                           "ENU",
                                           "default_correspondence_type",
                                           "email",
                                           "default_salesperson_code",
                                           "JO",
                                           NULL};
    for (int i = 0; setup_kv[i]; i += 2)
        if ((rc = relm_record_set(&relm_setup_entity, &s, &given, setup_kv[i], setup_kv[i + 1],
                                  err)))
            return rc;
    if ((rc = relm_setup_update(r, &s, given, err)))
        return rc;

    static const char *const groups[][2] = {
        {"LETTER", "Letters"}, {"PHONE", "Telephone calls"}, {"MEETING", "Meetings"},
        {"EMAIL", "E-mails"},  {"SALES", "Sales documents"},
    };
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        relm_interaction_group_t g;
        if ((rc = fill(&relm_group_entity, &g, err,
                       KV("code", groups[i][0], "description", groups[i][1]))) ||
            (rc = relm_group_add(r, &g, err)))
            return rc;
    }

    relm_campaign_t cmp;
    if ((rc = fill(&relm_campaign_entity, &cmp, err,
                   KV("description", "Spring product launch", "starting_date", "2026-03-01",
                      "ending_date", "2026-06-30", "salesperson_code", "JO", "status_code",
                      "ACTIVE", "activated", "true"))) ||
        (rc = relm_campaign_add(r, &cmp, err)))
        return rc;

    static const char *const tpls[][9] = {
        /* code, group, description, cost, duration, flow, initiated, corresp, ignore */
        {"ABSTRACT", "LETTER", "Abstract letter", "2.50", "5", "outbound", "us", "hard_copy", "0"},
        {"COVERLTR", "LETTER", "Cover letter", "1.75", "5", "outbound", "us", "hard_copy", "1"},
        {"OUTGOING", "PHONE", "Outgoing call", "0.50", "10", "outbound", "us", "", "0"},
        {"INCOMING", "PHONE", "Incoming call", "0", "10", "inbound", "them", "", "0"},
        {"MEETINV", "MEETING", "Meeting invitation", "0", "60", "outbound", "us", "email", "0"},
        {"NEWS", "EMAIL", "Newsletter", "0.10", "1", "outbound", "us", "email", "1"},
    };
    for (size_t i = 0; i < sizeof(tpls) / sizeof(tpls[0]); i++) {
        relm_interaction_template_t t;
        if ((rc = fill(&relm_template_entity, &t, err,
                       KV("code", tpls[i][0], "interaction_group_code", tpls[i][1], "description",
                          tpls[i][2], "unit_cost", tpls[i][3], "unit_duration", tpls[i][4],
                          "information_flow", tpls[i][5], "initiated_by", tpls[i][6],
                          "correspondence_type", tpls[i][7], "ignore_contact_corresp_type",
                          tpls[i][8], "language_code", "ENU"))))
            return rc;
        if (strcmp(t.code, "NEWS") == 0) {
            relm_copy(t.campaign_no, sizeof(t.campaign_no), cmp.no);
            t.campaign_target = 1;
        }
        if ((rc = relm_template_add(r, &t, err)))
            return rc;
    }
    relm_template_language_t v;
    if ((rc = fill(
             &relm_template_language_entity, &v, err,
             KV("template_code", "NEWS", "language_code", "NOR", "description", "Nyhetsbrev"))) ||
        (rc = relm_template_language_set(
             r, &v, "Hei {{contact.first_name}}, her er vårens nyheter.", err)) ||
        (rc = relm_template_attachment_set(r, "NEWS", NULL,
                                           "Dear {{contact.name}}, here is our spring news.", err)))
        return rc;

    static const char *const companies[][7] = {
        /* name, address, post code, city, country, e-mail, salesperson */
        {"Cronus Cardoxy Procurement", "Fenwick Close 8", "N12 5XY", "London", "GB",
         "info@cardoxy.example", "JO"},
        {"Nordlys Kontormøbler AS", "Storgata 12", "0155", "Oslo", "NO", "post@nordlys.example",
         "AH"},
        {"Adatum Corporation", "Station Road 21", "CB1 2JD", "Cambridge", "GB",
         "contact@adatum.example", "BD"},
        {"Fabrikam Inc.", "Main Street 1", "98052", "Redmond", "US", "", "JO"},
    };
    static const char *const persons[][6] = {
        /* company index, first, surname, job title, e-mail, language */
        {"0", "Mark", "McArthur", "Purchasing Manager", "mark@cardoxy.example", "ENU"},
        {"0", "Sarah", "Lindgren", "Accountant", "", "ENU"},
        {"1", "Kari", "Nordmann", "Daglig leder", "kari@nordlys.example", "NOR"},
        {"1", "Ola", "Hansen", "Innkjøper", "ola@nordlys.example", "NOR"},
        {"2", "Robin", "Brown", "IT Director", "robin@adatum.example", "ENU"},
        {"3", "Lee", "Chen", "Office Manager", "", "ENU"},
    };
    char company_nos[4][RELM_CODE20_SZ];
    for (size_t i = 0; i < 4; i++) {
        relm_contact_t c;
        if ((rc = fill(&relm_contact_entity, &c, err,
                       KV("type", "company", "name", companies[i][0], "address", companies[i][1],
                          "post_code", companies[i][2], "city", companies[i][3], "country_code",
                          companies[i][4], "email", companies[i][5], "salesperson_code",
                          companies[i][6], "correspondence_type",
                          companies[i][5][0] ? "email" : "hard_copy"))) ||
            (rc = relm_contact_add(r, &c, err)))
            return rc;
        relm_copy(company_nos[i], RELM_CODE20_SZ, c.no);
    }
    for (size_t i = 0; i < sizeof(persons) / sizeof(persons[0]); i++) {
        relm_contact_t c;
        if ((rc = fill(&relm_contact_entity, &c, err,
                       KV("type", "person", "company_no", company_nos[persons[i][0][0] - '0'],
                          "first_name", persons[i][1], "surname", persons[i][2], "job_title",
                          persons[i][3], "email", persons[i][4], "language_code", persons[i][5],
                          "correspondence_type", persons[i][4][0] ? "email" : "hard_copy"))) ||
            (rc = relm_contact_add(r, &c, err)))
            return rc;
    }
    return 0;
}

int relm_demo_fill(relm_t *r, relm_error_t *err)
{
    int rc = relm_store_begin(r->store, err);
    if (rc)
        return rc;
    rc = demo(r, err);
    return relm_tx_end(r, rc, err);
}
