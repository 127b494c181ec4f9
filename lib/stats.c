/*
 * Statistics computed from the interaction log. Nothing here is stored: every figure is
 * one aggregate query over entries that are neither canceled nor postponed, served by the
 * log's indexes on contact, company, salesperson, template and campaign. A contact's
 * date_of_last_interaction is its latest entry whose attempt did not fail; its
 * last_date_attempted the latest one initiated by us, failed or not (§3).
 */
#include <string.h>

#include "internal.h"

typedef relm_contact_stats_t cs_t;
typedef relm_totals_t tot_t;

static const relm_field_t contact_fields[] = {
    FIELD(cs_t, no_of_interactions, RELM_FT_INT, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    FIELD(cs_t, cost, RELM_FT_MONEY, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    FIELD(cs_t, duration, RELM_FT_MINUTES, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    FIELD(cs_t, date_of_last_interaction, RELM_FT_DATE, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL,
          NULL),
    FIELD(cs_t, last_date_attempted, RELM_FT_DATE, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL,
          NULL),
    FIELD(cs_t, no_of_postponed_interactions, RELM_FT_INT, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0,
          NULL, NULL),
};

static const relm_field_t totals_fields[] = {
    FIELD(tot_t, no_of_interactions, RELM_FT_INT, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL,
          NULL),
    FIELD(tot_t, cost, RELM_FT_MONEY, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    FIELD(tot_t, duration, RELM_FT_MINUTES, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    FIELD(tot_t, no_of_entries, RELM_FT_INT, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    FIELD(tot_t, no_of_responses, RELM_FT_INT, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
};

const relm_entity_t relm_contact_stats_entity = {
    "contact statistics", "", sizeof(cs_t), contact_fields, 6, NULL, NULL, NULL, NULL};
/* Salesperson, group and template totals show the first three figures. */
const relm_entity_t relm_totals_entity = {"statistics", "",   sizeof(tot_t), totals_fields, 3,
                                          NULL,         NULL, NULL,          NULL};
const relm_entity_t relm_campaign_totals_entity = {
    "campaign statistics", "", sizeof(tot_t), totals_fields, 5, NULL, NULL, NULL, NULL};

static const char sql_person[] =
    "SELECT count(*), coalesce(sum(cost), 0), coalesce(sum(duration), 0), "
    "coalesce(max(CASE WHEN attempt_failed = 0 THEN date END), ''), "
    "coalesce(max(CASE WHEN initiated_by = 'us' THEN date END), '') "
    "FROM interaction_log_entry WHERE contact_no = ? AND canceled = 0 AND postponed = 0";
static const char sql_company[] =
    "SELECT count(*), coalesce(sum(cost), 0), coalesce(sum(duration), 0), "
    "coalesce(max(CASE WHEN attempt_failed = 0 THEN date END), ''), "
    "coalesce(max(CASE WHEN initiated_by = 'us' THEN date END), '') "
    "FROM interaction_log_entry WHERE contact_company_no = ? AND canceled = 0 AND postponed = 0";
static const char sql_person_postponed[] =
    "SELECT count(*) FROM interaction_log_entry WHERE contact_no = ? AND postponed = 1";
static const char sql_company_postponed[] =
    "SELECT count(*) FROM interaction_log_entry WHERE contact_company_no = ? AND postponed = 1";

int relm_contact_stats(relm_t *r, const char *contact_no, relm_contact_stats_t *out,
                       relm_error_t *err)
{
    relm_contact_t c;
    memset(out, 0, sizeof(*out));
    int rc = relm_contact_get(r, contact_no, &c, err);
    if (rc)
        return rc;
    int company = strcmp(c.type, "company") == 0;
    relm_stmt_t *s;
    rc = relm_stmt_prepare(r->store, company ? sql_company : sql_person, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, c.no);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        out->no_of_interactions = relm_stmt_int(s, 0);
        out->cost = relm_stmt_int(s, 1);
        out->duration = relm_stmt_int(s, 2);
        relm_copy(out->date_of_last_interaction, RELM_DATE_SZ, relm_stmt_text(s, 3));
        relm_copy(out->last_date_attempted, RELM_DATE_SZ, relm_stmt_text(s, 4));
    }
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    return relm_count(r, company ? sql_company_postponed : sql_person_postponed, c.no,
                      &out->no_of_postponed_interactions, err);
}

static int totals(relm_t *r, const char *sql, const char *key, relm_totals_t *out,
                  relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, key);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        out->no_of_interactions = relm_stmt_int(s, 0);
        out->cost = relm_stmt_int(s, 1);
        out->duration = relm_stmt_int(s, 2);
        out->no_of_responses = relm_stmt_int(s, 3);
    }
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

#define TOTALS_SQL(col)                                                                            \
    "SELECT count(*), coalesce(sum(cost), 0), coalesce(sum(duration), 0), "                        \
    "coalesce(sum(campaign_response), 0) FROM interaction_log_entry WHERE " col " = ? "            \
    "AND canceled = 0 AND postponed = 0"

int relm_salesperson_stats(relm_t *r, const char *code, relm_totals_t *out, relm_error_t *err)
{
    relm_salesperson_t sp;
    memset(out, 0, sizeof(*out));
    int rc = relm_salesperson_get(r, code, &sp, err);
    return rc ? rc : totals(r, TOTALS_SQL("salesperson_code"), sp.code, out, err);
}

int relm_group_stats(relm_t *r, const char *code, relm_totals_t *out, relm_error_t *err)
{
    relm_interaction_group_t g;
    memset(out, 0, sizeof(*out));
    int rc = relm_group_get(r, code, &g, err);
    return rc ? rc : totals(r, TOTALS_SQL("interaction_group_code"), g.code, out, err);
}

int relm_template_stats(relm_t *r, const char *code, relm_totals_t *out, relm_error_t *err)
{
    relm_interaction_template_t t;
    memset(out, 0, sizeof(*out));
    int rc = relm_template_get(r, code, &t, err);
    return rc ? rc : totals(r, TOTALS_SQL("interaction_template_code"), t.code, out, err);
}

int relm_campaign_stats(relm_t *r, const char *no, relm_totals_t *out, relm_error_t *err)
{
    relm_campaign_t c;
    memset(out, 0, sizeof(*out));
    int rc = relm_campaign_get(r, no, &c, err);
    if (rc == 0)
        rc = totals(r, TOTALS_SQL("campaign_no"), c.no, out, err);
    if (rc == 0)
        rc = relm_count(r,
                        "SELECT count(*) FROM campaign_entry WHERE campaign_no = ? "
                        "AND canceled = 0",
                        c.no, &out->no_of_entries, err);
    return rc;
}
