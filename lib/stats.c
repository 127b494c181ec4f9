/*
 * Statistics computed from the interaction log. Nothing here is stored: every figure is
 * one aggregate query over entries that are neither canceled nor postponed, served by the
 * log's indexes on contact, company, salesperson, template and campaign. A contact's
 * date_of_last_interaction is its latest entry whose attempt did not fail; its
 * last_date_attempted the latest one initiated by us, failed or not (§3).
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"

typedef relm_contact_stats_t cs_t;
typedef relm_totals_t tot_t;

/* Field indexes of contact_fields[]: each entry below is placed at its index. */
enum {
    CS_NO_OF_INTERACTIONS,
    CS_COST,
    CS_DURATION,
    CS_DATE_OF_LAST_INTERACTION,
    CS_LAST_DATE_ATTEMPTED,
    CS_NO_OF_POSTPONED_INTERACTIONS,
    CS_COUNT
};

static const relm_field_t contact_fields[] = {
    [CS_NO_OF_INTERACTIONS] = FIELD(cs_t, no_of_interactions, RELM_FT_INT,
                                    RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    [CS_COST] = FIELD(cs_t, cost, RELM_FT_MONEY, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    [CS_DURATION] =
        FIELD(cs_t, duration, RELM_FT_MINUTES, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    [CS_DATE_OF_LAST_INTERACTION] = FIELD(cs_t, date_of_last_interaction, RELM_FT_DATE,
                                          RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    [CS_LAST_DATE_ATTEMPTED] = FIELD(cs_t, last_date_attempted, RELM_FT_DATE,
                                     RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    [CS_NO_OF_POSTPONED_INTERACTIONS] = FIELD(cs_t, no_of_postponed_interactions, RELM_FT_INT,
                                              RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
};

_Static_assert(sizeof(contact_fields) / sizeof(contact_fields[0]) == CS_COUNT,
               "one entry per field index");

/* Field indexes of totals_fields[]: each entry below is placed at its index. */
enum {
    TS_NO_OF_INTERACTIONS,
    TS_COST,
    TS_DURATION,
    TS_NO_OF_ENTRIES,
    TS_NO_OF_RESPONSES,
    TS_COUNT
};

static const relm_field_t totals_fields[] = {
    [TS_NO_OF_INTERACTIONS] = FIELD(tot_t, no_of_interactions, RELM_FT_INT,
                                    RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    [TS_COST] =
        FIELD(tot_t, cost, RELM_FT_MONEY, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    [TS_DURATION] =
        FIELD(tot_t, duration, RELM_FT_MINUTES, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    [TS_NO_OF_ENTRIES] =
        FIELD(tot_t, no_of_entries, RELM_FT_INT, RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
    [TS_NO_OF_RESPONSES] = FIELD(tot_t, no_of_responses, RELM_FT_INT,
                                 RELM_FF_VIRTUAL | RELM_FF_READONLY, 0, NULL, NULL),
};

_Static_assert(sizeof(totals_fields) / sizeof(totals_fields[0]) == TS_COUNT,
               "one entry per field index");

const relm_entity_t relm_contact_stats_entity = {
    .name = "contact statistics",
    .table = "",
    .size = sizeof(cs_t),
    .fields = contact_fields,
    .nfields = 6,
};
/* Salesperson, group and template totals show the first three figures. */
const relm_entity_t relm_totals_entity = {
    .name = "statistics",
    .table = "",
    .size = sizeof(tot_t),
    .fields = totals_fields,
    .nfields = 3,
};
const relm_entity_t relm_campaign_totals_entity = {
    .name = "campaign statistics",
    .table = "",
    .size = sizeof(tot_t),
    .fields = totals_fields,
    .nfields = 5,
};

/*
 * Sums stay exact without overflowing: an amount within +-RELM_HUNDREDTHS_MAX (every amount
 * relm accepts; older logs may hold larger ones) is summed in SQL, where 10^9 of them still
 * fit an int64_t, and the entries beyond are counted and added in C with a saturating add
 * (add_outliers), so a log that holds absurd amounts still reads, with a warning.
 */
#define HMAX          "999999999" /* RELM_HUNDREDTHS_MAX */
#define IN_RANGE(col) col " BETWEEN -" HMAX " AND " HMAX
#define SAFE_SUMS                                                                                  \
    "count(*), coalesce(sum(CASE WHEN " IN_RANGE(                                                  \
        "cost") " THEN cost ELSE 0 END), 0), "                                                     \
                "coalesce(sum(CASE WHEN " IN_RANGE(                                                \
                    "duration") " THEN duration ELSE 0 END), 0), "                                 \
                                "count(CASE WHEN NOT (" IN_RANGE("cost") ") OR NOT (" IN_RANGE(    \
                                    "duration") ") THEN 1 END)"
#define LIVE " AND canceled = 0 AND postponed = 0"
#define OUTLIERS(col)                                                                              \
    "SELECT cost, duration FROM interaction_log_entry WHERE " col " = ?" LIVE                      \
    " AND (NOT (" IN_RANGE("cost") ") OR NOT (" IN_RANGE("duration") "))"

static const char sql_person[] = "SELECT " SAFE_SUMS ", "
                                 "coalesce(max(CASE WHEN attempt_failed = 0 THEN date END), ''), "
                                 "coalesce(max(CASE WHEN initiated_by = 'us' THEN date END), '') "
                                 "FROM interaction_log_entry WHERE contact_no = ?" LIVE;
static const char sql_company[] = "SELECT " SAFE_SUMS ", "
                                  "coalesce(max(CASE WHEN attempt_failed = 0 THEN date END), ''), "
                                  "coalesce(max(CASE WHEN initiated_by = 'us' THEN date END), '') "
                                  "FROM interaction_log_entry WHERE contact_company_no = ?" LIVE;
static const char sql_person_postponed[] =
    "SELECT count(*) FROM interaction_log_entry WHERE contact_no = ? AND postponed = 1";
static const char sql_company_postponed[] =
    "SELECT count(*) FROM interaction_log_entry WHERE contact_company_no = ? AND postponed = 1";

static int in_range(int64_t v)
{
    return v >= -RELM_HUNDREDTHS_MAX && v <= RELM_HUNDREDTHS_MAX;
}

/* *sum += v, held at INT64_MIN / INT64_MAX instead of wrapping; returns 1 when it saturated. */
static int add_saturating(int64_t *sum, int64_t v)
{
    int64_t t;
    if (!__builtin_add_overflow(*sum, v, &t)) {
        *sum = t;
        return 0;
    }
    *sum = v < 0 ? INT64_MIN : INT64_MAX;
    return 1;
}

/* Add the amounts beyond +-RELM_HUNDREDTHS_MAX (left out of the SQL sums) to cost and
 * duration; warns when a sum does not fit. */
static int add_outliers(relm_t *r, const char *what, const char *sql, const char *key,
                        int64_t *cost, int64_t *duration, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err), sat_cost = 0, sat_duration = 0;
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, key);
    while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
        int64_t c = relm_stmt_int(s, 0), d = relm_stmt_int(s, 1);
        if (!in_range(c))
            sat_cost |= add_saturating(cost, c);
        if (!in_range(d))
            sat_duration |= add_saturating(duration, d);
    }
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    if (sat_cost)
        relm_error_warn(err, "%s %s cost: the sum is too large and is shown as the largest value",
                        what, key);
    if (sat_duration)
        relm_error_warn(err,
                        "%s %s duration: the sum is too large and is shown as the largest value",
                        what, key);
    return 0;
}

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
    int64_t outliers = 0;
    if (rc == RELM_STEP_ROW) {
        out->no_of_interactions = relm_stmt_int(s, 0);
        out->cost = relm_stmt_int(s, 1);
        out->duration = relm_stmt_int(s, 2);
        outliers = relm_stmt_int(s, 3);
        relm_copy(out->date_of_last_interaction, RELM_DATE_SZ, relm_stmt_text(s, 4));
        relm_copy(out->last_date_attempted, RELM_DATE_SZ, relm_stmt_text(s, 5));
    }
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    if (outliers &&
        (rc = add_outliers(r, "contact",
                           company ? OUTLIERS("contact_company_no") : OUTLIERS("contact_no"), c.no,
                           &out->cost, &out->duration, err)))
        return rc;
    return relm_count(r, company ? sql_company_postponed : sql_person_postponed, c.no,
                      &out->no_of_postponed_interactions, err);
}

static int totals(relm_t *r, const char *what, const char *sql, const char *outliers_sql,
                  const char *key, relm_totals_t *out, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, key);
    rc = relm_stmt_step(s, err);
    int64_t outliers = 0;
    if (rc == RELM_STEP_ROW) {
        out->no_of_interactions = relm_stmt_int(s, 0);
        out->cost = relm_stmt_int(s, 1);
        out->duration = relm_stmt_int(s, 2);
        outliers = relm_stmt_int(s, 3);
        out->no_of_responses = relm_stmt_int(s, 4);
    }
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    if (outliers)
        return add_outliers(r, what, outliers_sql, key, &out->cost, &out->duration, err);
    return 0;
}

#define TOTALS_SQL(col)                                                                            \
    "SELECT " SAFE_SUMS ", coalesce(sum(campaign_response), 0) FROM interaction_log_entry "        \
    "WHERE " col " = ?" LIVE
#define TOTALS(col) TOTALS_SQL(col), OUTLIERS(col)

int relm_salesperson_stats(relm_t *r, const char *code, relm_totals_t *out, relm_error_t *err)
{
    relm_salesperson_t sp;
    memset(out, 0, sizeof(*out));
    int rc = relm_salesperson_get(r, code, &sp, err);
    return rc ? rc : totals(r, "salesperson", TOTALS("salesperson_code"), sp.code, out, err);
}

int relm_group_stats(relm_t *r, const char *code, relm_totals_t *out, relm_error_t *err)
{
    relm_interaction_group_t g;
    memset(out, 0, sizeof(*out));
    int rc = relm_group_get(r, code, &g, err);
    return rc ? rc
              : totals(r, "interaction group", TOTALS("interaction_group_code"), g.code, out, err);
}

int relm_template_stats(relm_t *r, const char *code, relm_totals_t *out, relm_error_t *err)
{
    relm_interaction_template_t t;
    memset(out, 0, sizeof(*out));
    int rc = relm_template_get(r, code, &t, err);
    return rc ? rc
              : totals(r, "interaction template", TOTALS("interaction_template_code"), t.code, out,
                       err);
}

int relm_campaign_stats(relm_t *r, const char *no, relm_totals_t *out, relm_error_t *err)
{
    relm_campaign_t c;
    memset(out, 0, sizeof(*out));
    int rc = relm_campaign_get(r, no, &c, err);
    if (rc == 0)
        rc = totals(r, "campaign", TOTALS("campaign_no"), c.no, out, err);
    if (rc == 0)
        rc = relm_count(r,
                        "SELECT count(*) FROM campaign_entry WHERE campaign_no = ? "
                        "AND canceled = 0",
                        c.no, &out->no_of_entries, err);
    return rc;
}
