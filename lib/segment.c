/*
 * Segments: the header, its lines, and the set-wise selection of contacts that both the
 * criteria steps and logging build on.
 *
 * Invariants kept here:
 * - a contact appears at most once in a segment (unique index segment_line_contact; every
 *   insert skips contacts already there);
 * - privacy-blocked contacts never become lines;
 * - a line that is not personalised carries exactly the values the header would give it
 *   now (sb_line_values below), so the header's changes reach it with one UPDATE;
 * - lines are added by one INSERT ... SELECT over contact, numbered 10000 apart after the
 *   highest line number, never by a loop per contact.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqlb.h"

typedef relm_segment_t seg_t;
typedef relm_segment_line_t line_t;

#define RO RELM_FF_READONLY

enum {
    H_NO,
    H_DESCRIPTION,
    H_SALESPERSON,
    H_DATE,
    H_CAMPAIGN_NO,
    H_CAMPAIGN_TARGET,
    H_CAMPAIGN_RESPONSE,
    H_TEMPLATE,
    H_SUBJECT,
    H_LANGUAGE,
    H_CORRESP,
    H_IGNORE_CORRESP,
    H_FLOW,
    H_INITIATED,
    H_UNIT_COST,
    H_UNIT_DURATION,
    H_SEND_ATTACH,
    H_NO_OF_LINES,
    H_NO_OF_ACTIONS,
    H_COUNT
};

static const relm_field_t header_fields[] = {
    [H_NO] = FIELD(seg_t, no, RELM_FT_CODE, RELM_FF_KEY, 20, NULL, NULL),
    [H_DESCRIPTION] = FIELD(seg_t, description, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [H_SALESPERSON] = FIELD(seg_t, salesperson_code, RELM_FT_CODE, 0, 20, NULL, NULL),
    [H_DATE] = FIELD(seg_t, date, RELM_FT_DATE, 0, 0, NULL, NULL),
    [H_CAMPAIGN_NO] = FIELD(seg_t, campaign_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [H_CAMPAIGN_TARGET] = FIELD(seg_t, campaign_target, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [H_CAMPAIGN_RESPONSE] =
        FIELD(seg_t, campaign_response, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [H_TEMPLATE] = FIELD(seg_t, interaction_template_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [H_SUBJECT] = FIELD(seg_t, subject, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [H_LANGUAGE] = FIELD(seg_t, language_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [H_CORRESP] =
        FIELD(seg_t, correspondence_type, RELM_FT_ENUM, 0, 0, relm_correspondence_types, NULL),
    [H_IGNORE_CORRESP] =
        FIELD(seg_t, ignore_contact_corresp_type, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [H_FLOW] = FIELD(seg_t, information_flow, RELM_FT_ENUM, 0, 0, relm_information_flows, NULL),
    [H_INITIATED] = FIELD(seg_t, initiated_by, RELM_FT_ENUM, 0, 0, relm_initiators, NULL),
    [H_UNIT_COST] = FIELD(seg_t, unit_cost, RELM_FT_MONEY, 0, 0, NULL, NULL),
    [H_UNIT_DURATION] = FIELD(seg_t, unit_duration, RELM_FT_MINUTES, 0, 0, NULL, NULL),
    [H_SEND_ATTACH] = FIELD(seg_t, send_attachments_as_email_attachment, RELM_FT_BOOL,
                            RELM_FF_INT32, 0, NULL, NULL),
    [H_NO_OF_LINES] = FIELD(seg_t, no_of_lines, RELM_FT_INT, RELM_FF_VIRTUAL | RO, 0, NULL, NULL),
    [H_NO_OF_ACTIONS] =
        FIELD(seg_t, no_of_criteria_actions, RELM_FT_INT, RELM_FF_VIRTUAL | RO, 0, NULL, NULL),
};

_Static_assert(sizeof(header_fields) / sizeof(header_fields[0]) == H_COUNT,
               "one entry per field index");

enum {
    L_SEGMENT_NO,
    L_LINE_NO,
    L_CONTACT_NO,
    L_CONTACT_COMPANY_NO,
    L_SALESPERSON,
    L_DATE,
    L_DESCRIPTION,
    L_TEMPLATE,
    L_SUBJECT,
    L_LANGUAGE,
    L_CORRESP,
    L_FLOW,
    L_INITIATED,
    L_COST,
    L_DURATION,
    L_EVALUATION,
    L_ATTEMPT_FAILED,
    L_CAMPAIGN_NO,
    L_CAMPAIGN_TARGET,
    L_CAMPAIGN_RESPONSE,
    L_CONTACT_VIA,
    L_OPPORTUNITY,
    L_PERSONALISED,
    L_ADDED_BY_STEP,
    L_DESCRIPTION_TYPED,
    L_COUNT
};

static const relm_field_t line_fields[] = {
    [L_SEGMENT_NO] = FIELD(line_t, segment_no, RELM_FT_CODE, RELM_FF_KEY | RO, 20, NULL, NULL),
    [L_LINE_NO] = FIELD(line_t, line_no, RELM_FT_INT, RELM_FF_KEY | RO, 0, NULL, NULL),
    [L_CONTACT_NO] = FIELD(line_t, contact_no, RELM_FT_CODE, RO, 20, NULL, NULL),
    [L_CONTACT_COMPANY_NO] = FIELD(line_t, contact_company_no, RELM_FT_CODE, RO, 20, NULL, NULL),
    [L_SALESPERSON] = FIELD(line_t, salesperson_code, RELM_FT_CODE, 0, 20, NULL, NULL),
    [L_DATE] = FIELD(line_t, date, RELM_FT_DATE, 0, 0, NULL, NULL),
    [L_DESCRIPTION] = FIELD(line_t, description, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [L_TEMPLATE] = FIELD(line_t, interaction_template_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [L_SUBJECT] = FIELD(line_t, subject, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [L_LANGUAGE] = FIELD(line_t, language_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [L_CORRESP] =
        FIELD(line_t, correspondence_type, RELM_FT_ENUM, 0, 0, relm_correspondence_types, NULL),
    [L_FLOW] = FIELD(line_t, information_flow, RELM_FT_ENUM, 0, 0, relm_information_flows, NULL),
    [L_INITIATED] = FIELD(line_t, initiated_by, RELM_FT_ENUM, 0, 0, relm_initiators, NULL),
    [L_COST] = FIELD(line_t, cost, RELM_FT_MONEY, 0, 0, NULL, NULL),
    [L_DURATION] = FIELD(line_t, duration, RELM_FT_MINUTES, 0, 0, NULL, NULL),
    [L_EVALUATION] = FIELD(line_t, evaluation, RELM_FT_ENUM, 0, 0, relm_evaluations, NULL),
    [L_ATTEMPT_FAILED] = FIELD(line_t, attempt_failed, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [L_CAMPAIGN_NO] = FIELD(line_t, campaign_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [L_CAMPAIGN_TARGET] =
        FIELD(line_t, campaign_target, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [L_CAMPAIGN_RESPONSE] =
        FIELD(line_t, campaign_response, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [L_CONTACT_VIA] = FIELD(line_t, contact_via, RELM_FT_TEXT, 0, 250, NULL, NULL),
    [L_OPPORTUNITY] = FIELD(line_t, opportunity_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [L_PERSONALISED] = FIELD(line_t, personalised, RELM_FT_BOOL, RELM_FF_INT32 | RO, 0, NULL, NULL),
    [L_ADDED_BY_STEP] = FIELD(line_t, added_by_step, RELM_FT_INT, RO, 0, NULL, NULL),
    [L_DESCRIPTION_TYPED] =
        FIELD(line_t, description_typed, RELM_FT_BOOL, RELM_FF_INT32 | RO, 0, NULL, NULL),
};

_Static_assert(sizeof(line_fields) / sizeof(line_fields[0]) == L_COUNT,
               "one entry per field index");

static int op_add(relm_t *r, void *rec, relm_mask_t given, relm_error_t *err)
{
    return relm_segment_add(r, rec, given, err);
}

static int op_get(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_segment_get(r, key, out, err);
}

static int op_update(relm_t *r, const char *key, const void *changes, relm_mask_t given,
                     relm_error_t *err)
{
    return relm_segment_update(r, key, changes, given, 0, err);
}

static int op_remove(relm_t *r, const char *key, relm_error_t *err)
{
    return relm_segment_delete(r, key, err);
}

const relm_entity_t relm_segment_entity = {
    "segment", "segment_header", sizeof(seg_t), header_fields, H_COUNT, op_add,
    op_get,    op_update,        op_remove,     NULL,          NULL,
};

const relm_entity_t relm_segment_line_entity = {
    .name = "segment line",
    .table = "segment_line",
    .size = sizeof(line_t),
    .fields = line_fields,
    .nfields = L_COUNT,
};

/* ---- SQL assembled from static pieces, with its bindings in order ---- */

/* A template's language variants written into a statement; a template with more is joined. */
#define INLINE_VARIANTS 16

/* What a new line takes besides its header's own fields (see sb_line_values). */
typedef struct line_defaults {
    char description[RELM_TEXT100_SZ]; /* the template's description, else the header's */
    int nvariants;                     /* the template's variants, inlined or not */
    struct {
        char language_code[RELM_CODE10_SZ];
        char description[RELM_TEXT100_SZ];
    } variant[INLINE_VARIANTS];
} line_defaults_t;

/*
 * A condition on the entries a text member of a request struct asks for, when it is not
 * blank: the member at `off`, bound as text, or (is_bool) as 1 for "true" and 0 otherwise.
 */
typedef struct entry_cond {
    size_t off;
    const char *sql;
    int is_bool;
} entry_cond_t;

#define CRIT(m) offsetof(relm_criteria_t, m)
static const entry_cond_t history_conds[] = {
    {CRIT(interaction_template_code), " AND e.interaction_template_code = ?", 0},
    {CRIT(from), " AND e.date >= ?", 0},
    {CRIT(to), " AND e.date <= ?", 0},
    {CRIT(campaign_no), " AND e.campaign_no = ?", 0},
    {CRIT(segment_no), " AND e.segment_no = ?", 0},
    {CRIT(evaluation), " AND e.evaluation = ?", 0},
    {CRIT(salesperson_code), " AND e.salesperson_code = ?", 0},
    /* Every entry counts, canceled and postponed ones too, unless these say otherwise. */
    {CRIT(canceled), " AND e.canceled = ?", 1},
    {CRIT(postponed), " AND e.postponed = ?", 1},
};
#undef CRIT
#define NHISTORY ((int)(sizeof(history_conds) / sizeof(history_conds[0])))

/* Append the conditions of rec's members that are not blank; how many there were. */
static int sb_entry_conds(sqlb_t *b, const void *rec, const entry_cond_t *conds, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) {
        const char *v = (const char *)rec + conds[i].off;
        if (!v[0])
            continue;
        k++;
        if (!b)
            continue;
        sqlb_sql(b, conds[i].sql);
        if (conds[i].is_bool)
            sqlb_int(b, strcmp(v, "true") == 0);
        else
            sqlb_text(b, v);
    }
    return k;
}

/*
 * Append " AND ..." for every filter of c on contact alias `a` (a fixed one-letter alias),
 * and the interaction-history condition. Column names come only from relm_contact_entity;
 * "~" and e-mail equality fold case with b's fold function (relm_store_fold()).
 */
static void match_clause(sqlb_t *b, const relm_criteria_t *c, const char *a)
{
    for (int i = 0; i < c->nfilters; i++)
        sqlb_filter(b, &relm_contact_entity, &c->filters[i], a);
    if (sb_entry_conds(NULL, c, history_conds, NHISTORY) == 0)
        return;
    /*
     * An uncorrelated IN list: built once from the entries (through the template or
     * campaign index), then probed per contact. A correlated EXISTS could be planned
     * through the template index and rescan its entries for every contact.
     */
    sqlb_sqlf(b, " AND %s.no IN (SELECT e.contact_no FROM interaction_log_entry e WHERE 1 = 1", a);
    sb_entry_conds(b, c, history_conds, NHISTORY);
    sqlb_sql(b, ")");
}

static const char line_columns[] =
    "segment_no, line_no, contact_no, contact_company_no, salesperson_code, date, description, "
    "interaction_template_code, subject, language_code, correspondence_type, information_flow, "
    "initiated_by, cost, duration, evaluation, attempt_failed, campaign_no, campaign_target, "
    "campaign_response, contact_via, opportunity_no, personalised, added_by_step, "
    "description_typed";

/*
 * The values a line takes from its header, its contact c and the template's variant in the
 * contact's language: the one definition of "a line takes the header's values" (5.1's
 * contact rules included), in line_columns order from contact_company_no to personalised.
 * The header's side is worked out once (line_defaults_load) and bound, not joined: every
 * join or function call here runs once per contact. For the same reason the template's
 * variants are written into the statement as a CASE over the contact's language; only a
 * template with more than INLINE_VARIANTS of them is joined (sb_line_variant).
 */
#define LINE_VALUE_COLUMNS                                                                         \
    "contact_company_no, salesperson_code, date, description, interaction_template_code, "         \
    "subject, language_code, correspondence_type, information_flow, initiated_by, cost, "          \
    "duration, evaluation, attempt_failed, campaign_no, campaign_target, campaign_response, "      \
    "contact_via, opportunity_no, personalised"

static int collect_variant(void *ctx, const void *rec)
{
    line_defaults_t *d = ctx;
    const relm_template_language_t *v = rec;
    if (d->nvariants < INLINE_VARIANTS) {
        relm_copy(d->variant[d->nvariants].language_code, sizeof(d->variant[0].language_code),
                  v->language_code);
        relm_copy(d->variant[d->nvariants].description, sizeof(d->variant[0].description),
                  v->description);
    }
    d->nvariants++;
    return 0;
}

/* Load what the lines of header seg take besides the header's own fields, into b->line. */
static int line_defaults_load(relm_t *r, line_defaults_t *d, const relm_segment_t *seg,
                              relm_error_t *err)
{
    relm_interaction_template_t t;
    relm_error_t missing = {0};
    int rc;
    /* The template's description when the template exists, else the header's. */
    relm_copy(d->description, sizeof(d->description), seg->description);
    d->nvariants = 0;
    if (!seg->interaction_template_code[0])
        return 0;
    rc = relm_template_get(r, seg->interaction_template_code, &t, &missing);
    if (rc == RELM_ENOTFOUND)
        return 0;
    if (rc)
        return relm_error_set(err, rc, "%s", missing.message);
    relm_copy(d->description, sizeof(d->description), t.description);
    return relm_template_languages(r, t.code, collect_variant, d, err);
}

/*
 * Append LINE_VALUE_COLUMNS' values for header seg, after line_defaults_load(). With
 * keep_typed (an UPDATE of segment_line) a description the user typed stays.
 */
static void sb_line_values(sqlb_t *b, const line_defaults_t *d, const relm_segment_t *seg,
                           int keep_typed)
{
    int joined = d->nvariants > INLINE_VARIANTS;
    /* The salesperson: the header's, else the contact's (marketing setup's is no fallback). */
    if (seg->salesperson_code[0]) {
        sqlb_sql(b, "c.company_no, ?, ?, ");
        sqlb_text(b, seg->salesperson_code);
    } else {
        sqlb_sql(b, "c.company_no, c.salesperson_code, ?, ");
    }
    sqlb_text(b, seg->date);
    if (keep_typed)
        sqlb_sql(b, "CASE WHEN segment_line.description_typed = 1 THEN segment_line.description "
                    "ELSE ");
    /* The description: the variant's in the contact's language when it has one. */
    int described = 0;
    if (joined) {
        sqlb_sql(b, "CASE WHEN v.description IS NOT NULL AND v.description <> '' "
                    "THEN v.description");
        described = 1;
    } else {
        for (int i = 0; i < d->nvariants; i++) {
            if (!d->variant[i].description[0])
                continue;
            sqlb_sql(b, described++ ? " WHEN ? THEN ?" : "CASE c.language_code WHEN ? THEN ?");
            sqlb_text(b, d->variant[i].language_code);
            sqlb_text(b, d->variant[i].description);
        }
    }
    sqlb_sql(b, described ? " ELSE ? END" : "?");
    sqlb_sql(b, keep_typed ? " END, ?, ?, " : ", ?, ?, ");
    sqlb_text(b, d->description);
    sqlb_text(b, seg->interaction_template_code);
    sqlb_text(b, seg->subject);
    /* The language: the contact's when the template has a variant in it, else the header's. */
    if (joined) {
        sqlb_sql(b, "CASE WHEN v.language_code IS NOT NULL THEN v.language_code ELSE ? END, ");
    } else if (d->nvariants > 0) {
        sqlb_sql(b, "CASE WHEN c.language_code IN (");
        for (int i = 0; i < d->nvariants; i++) {
            sqlb_sql(b, i ? ", ?" : "?");
            sqlb_text(b, d->variant[i].language_code);
        }
        sqlb_sql(b, ") THEN c.language_code ELSE ? END, ");
    } else {
        sqlb_sql(b, "?, ");
    }
    sqlb_text(b, seg->language_code);
    /* The contact's correspondence type unless the header ignores it. */
    if (seg->ignore_contact_corresp_type)
        sqlb_sql(b, "?, ");
    else
        sqlb_sql(b, "CASE WHEN c.correspondence_type <> '' THEN c.correspondence_type "
                    "ELSE ? END, ");
    sqlb_text(b, seg->correspondence_type);
    sqlb_sql(b, "?, ?, ?, ?, '', 0, ?, ?, ?, '', '', 0");
    sqlb_text(b, seg->information_flow);
    sqlb_text(b, seg->initiated_by);
    sqlb_int(b, seg->unit_cost);
    sqlb_int(b, seg->unit_duration);
    sqlb_text(b, seg->campaign_no);
    sqlb_int(b, seg->campaign_target);
    sqlb_int(b, seg->campaign_response);
}

/* Append the join sb_line_values() reads variants from when they are not inlined. */
static void sb_line_variant(sqlb_t *b, const line_defaults_t *d, const relm_segment_t *seg)
{
    if (d->nvariants <= INLINE_VARIANTS)
        return;
    sqlb_sql(b, " LEFT JOIN interaction_template_language v ON v.template_code = ? "
                "AND v.language_code = c.language_code");
    sqlb_text(b, seg->interaction_template_code);
}

/*
 * The new lines of a segment, one per contact c: the caller appends its conditions on c.
 * The line number is ? + 10000 * the row's rank in contact order, put at sqlb_t.mark
 * by relm_insert_ranked().
 */
static const char insert_select_head[] = "SELECT ?, ? + 10000 * ";
static const char rank_window[] = "ROW_NUMBER() OVER (ORDER BY c.no)";

/*
 * The lines of segment `from` copied to segment `to` under the same line numbers, with
 * `to`'s header values (a follow-up segment holds the same contacts as the one logged).
 */
static const char sql_copy_lines[] =
    "INSERT INTO segment_line (segment_no, line_no, contact_no, " LINE_VALUE_COLUMNS
    ", added_by_step) SELECT ?, o.line_no, c.no, ";

/*
 * Copy lines into the empty segment `to` from `source` (a FROM clause naming the lines o
 * and contact c) under `where` (a condition on them, its ? bound to param when not NULL).
 */
static int copy_lines(relm_t *r, const char *to, const char *source, const char *where,
                      const char *param, int64_t *count, relm_error_t *err)
{
    relm_segment_t seg;
    line_defaults_t d;
    int rc = relm_segment_get(r, to, &seg, err);
    if (rc)
        return rc;
    sqlb_t *b = sqlb_new(relm_store_fold(r->store));
    if (!b)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    if ((rc = line_defaults_load(r, &d, &seg, err)) == 0) {
        sqlb_sql(b, sql_copy_lines);
        sqlb_text(b, seg.no);
        sb_line_values(b, &d, &seg, 0);
        sqlb_sql(b, ", 0");
        sqlb_sql(b, source);
        sb_line_variant(b, &d, &seg);
        sqlb_sql(b, where);
        if (param)
            sqlb_text(b, param);
        rc = sqlb_run(r, b, count, err);
    }
    free(b);
    return rc;
}

int relm_segment_copy_lines(relm_t *r, const char *to, const char *from, int64_t *count,
                            relm_error_t *err)
{
    return copy_lines(r, to, " FROM segment_line o JOIN contact c ON c.no = o.contact_no",
                      " WHERE o.segment_no = ? AND c.privacy_blocked = 0", from, count, err);
}

int relm_segment_copy_staged(relm_t *r, const char *to, int64_t *count, relm_error_t *err)
{
    return copy_lines(r, to, " FROM " RELM_STAGED_LINES " o JOIN contact c ON c.no = o.contact_no",
                      " WHERE c.privacy_blocked = 0", NULL, count, err);
}

/* The segment's last line number; -1 when it has no line (numbers are positive). */
static const char sql_last_line[] =
    "SELECT coalesce(max(line_no), -1) FROM segment_line WHERE segment_no = ?";

/*
 * Begin an INSERT of new lines into segment seg, after the CTE cte (or NULL): the caller
 * appends the source condition, then runs it with insert_lines(). *empty tells whether the segment
 * has no line yet (nothing in it to skip or to look up).
 */
static int insert_begin(relm_t *r, sqlb_t *b, const relm_segment_t *seg, int64_t step,
                        const char *cte, int *empty, relm_error_t *err)
{
    line_defaults_t d;
    int64_t base = 0;
    int rc = relm_count(r, sql_last_line, seg->no, &base, err);
    if (rc)
        return rc;
    *empty = base < 0;
    if (*empty)
        base = 0;
    sqlb_sql(b, "INSERT INTO segment_line (");
    sqlb_sql(b, line_columns);
    sqlb_sql(b, ") ");
    if (cte)
        sqlb_sql(b, cte);
    if ((rc = line_defaults_load(r, &d, seg, err)))
        return rc;
    sqlb_sql(b, insert_select_head);
    sqlb_text(b, seg->no);
    sqlb_int(b, base);
    b->mark = b->len;
    sqlb_sql(b, ", c.no, ");
    sb_line_values(b, &d, seg, 0);
    sqlb_sql(b, ", ?, 0 FROM contact c");
    sqlb_int(b, step);
    sb_line_variant(b, &d, seg);
    sqlb_sql(b, " WHERE c.privacy_blocked = 0");
    /* A contact already in the segment keeps its line. */
    if (!*empty) {
        sqlb_sql(b, " AND NOT EXISTS (SELECT 1 FROM segment_line x WHERE x.segment_no = ? "
                    "AND x.contact_no = c.no)");
        sqlb_text(b, seg->no);
    }
    return 0;
}

static void bind_built(void *b, relm_stmt_t *s)
{
    sqlb_bind(b, s);
}

/* Run an INSERT begun with insert_begin(), lines numbered in contact order. */
static int insert_lines(relm_t *r, sqlb_t *b, int64_t *count, relm_error_t *err)
{
    sqlb_sql(b, " ORDER BY c.no");
    if (b->overflow)
        return relm_error_set(err, RELM_EVALIDATION, "the criteria are too long");
    char *head = strndup(b->sql, b->mark);
    if (!head)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    int rc = relm_insert_ranked(r, head, b->sql + b->mark, rank_window, bind_built, b, count, err);
    free(head);
    return rc;
}

/* ---- header ---- */

static int exists(relm_t *r, const char *sql, const char *key, relm_error_t *err)
{
    int64_t n = 0;
    int rc = relm_count(r, sql, key, &n, err);
    return rc ? rc : n > 0;
}

static const char sql_sp_exists[] = "SELECT count(*) FROM salesperson WHERE code = ?";
static const char sql_campaign_exists[] = "SELECT count(*) FROM campaign WHERE no = ?";
static const char sql_template_exists[] =
    "SELECT count(*) FROM interaction_template WHERE code = ?";

/* Salesperson, campaign and template named by a header or line must exist. */
static int check_refs(relm_t *r, const char *what, const char *salesperson, const char *campaign,
                      const char *tpl, relm_error_t *err)
{
    int rc;
    if (salesperson[0] && (rc = exists(r, sql_sp_exists, salesperson, err)) <= 0)
        return rc < 0 ? rc
                      : relm_error_set(err, RELM_ENOTFOUND, "%s: salesperson %s does not exist",
                                       what, salesperson);
    if (campaign[0] && (rc = exists(r, sql_campaign_exists, campaign, err)) <= 0)
        return rc < 0 ? rc
                      : relm_error_set(err, RELM_ENOTFOUND, "%s: campaign %s does not exist", what,
                                       campaign);
    if (tpl[0] && (rc = exists(r, sql_template_exists, tpl, err)) <= 0)
        return rc < 0 ? rc
                      : relm_error_set(err, RELM_EMISSINGTPL,
                                       "%s: interaction template %s does not exist", what, tpl);
    return 0;
}

/*
 * What a header and a line take from their template, field by field; the campaign fields
 * only from a template that names a campaign.
 */
#define TAKES(a) a, (int)(sizeof(a) / sizeof(a[0]))
static const relm_take_t header_takes[] = {
    {TPL_LANGUAGE_CODE, H_LANGUAGE},
    {TPL_CORRESPONDENCE_TYPE, H_CORRESP},
    {TPL_IGNORE_CONTACT_CORRESP_TYPE, H_IGNORE_CORRESP},
    {TPL_INFORMATION_FLOW, H_FLOW},
    {TPL_INITIATED_BY, H_INITIATED},
    {TPL_UNIT_COST, H_UNIT_COST},
    {TPL_UNIT_DURATION, H_UNIT_DURATION},
};
static const relm_take_t header_campaign_takes[3] = {
    {TPL_CAMPAIGN, H_CAMPAIGN_NO},
    {TPL_CAMPAIGN_TARGET, H_CAMPAIGN_TARGET},
    {TPL_CAMPAIGN_RESPONSE, H_CAMPAIGN_RESPONSE},
};
/* A line's language and correspondence type depend on its contact (line_take_template). */
static const relm_take_t line_takes[] = {
    {TPL_INFORMATION_FLOW, L_FLOW},
    {TPL_INITIATED_BY, L_INITIATED},
    {TPL_UNIT_COST, L_COST},
    {TPL_UNIT_DURATION, L_DURATION},
};
static const relm_take_t line_campaign_takes[3] = {
    {TPL_CAMPAIGN, L_CAMPAIGN_NO},
    {TPL_CAMPAIGN_TARGET, L_CAMPAIGN_TARGET},
    {TPL_CAMPAIGN_RESPONSE, L_CAMPAIGN_RESPONSE},
};

/* Take takes[] (n of them), and campaign_takes[] when t names a campaign (3 of them). */
static void take_template(const relm_entity_t *e, void *rec, relm_mask_t given,
                          const relm_interaction_template_t *t, const relm_take_t *takes, int n,
                          const relm_take_t *campaign_takes)
{
    relm_record_take(e, rec, given, &relm_template_entity, t, takes, n);
    if (t->campaign_no[0])
        relm_record_take(e, rec, given, &relm_template_entity, t, campaign_takes, 3);
}

/* Copy the template's defaults into the Interaction section, except the fields in given. */
static int apply_template(relm_t *r, relm_segment_t *s, relm_mask_t given, relm_error_t *err)
{
    relm_interaction_template_t t;
    char what[128];
    snprintf(what, sizeof(what), "segment %s", s->no[0] ? s->no : "(new)");
    int rc = check_refs(r, what, "", "", s->interaction_template_code, err);
    if (rc)
        return rc;
    if ((rc = relm_template_get(r, s->interaction_template_code, &t, err)))
        return rc;
    take_template(&relm_segment_entity, s, given, &t, TAKES(header_takes), header_campaign_takes);
    if (!(given & RELM_BIT(H_SUBJECT)) && !s->subject[0])
        relm_copy(s->subject, sizeof(s->subject), t.description);
    return 0;
}

static int add_in_tx(relm_t *r, relm_segment_t *s, relm_mask_t given, relm_error_t *err)
{
    relm_setup_t setup;
    int rc = relm_setup_get(r, &setup, err);
    if (rc)
        return rc;
    if (!s->date[0])
        relm_copy(s->date, sizeof(s->date), r->workdate);
    if (!s->salesperson_code[0] && r->user_id[0]) {
        /* The signed-in user's account salesperson; a name without an account brings none. */
        relm_user_t account;
        relm_error_t scratch = {0};
        if (relm_user_get(r, r->user_id, &account, &scratch) == 0)
            relm_copy(s->salesperson_code, sizeof(s->salesperson_code), account.salesperson_code);
    }
    if (!s->no[0]) {
        if (!setup.segment_nos[0])
            return relm_error_set(
                err, RELM_ESETUP,
                "segment no. is blank and marketing setup segment_nos is not set");
        if ((rc = relm_numseries_next(r, setup.segment_nos, NULL, s->no, err)))
            return rc;
    } else if (setup.segment_nos[0] &&
               (rc = relm_numseries_check_manual(r, setup.segment_nos, err))) {
        return rc;
    }
    rc = relm_table_exists(r, &relm_segment_entity, s, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return relm_error_set(err, RELM_EEXISTS, "segment %s already exists", s->no);
    if (s->interaction_template_code[0] && (rc = apply_template(r, s, given, err)))
        return rc;
    char what[128];
    snprintf(what, sizeof(what), "segment %s", s->no);
    if ((rc = check_refs(r, what, s->salesperson_code, s->campaign_no, "", err)))
        return rc;
    return relm_table_insert(r, &relm_segment_entity, s, err);
}

typedef struct add_run {
    relm_segment_t *s, orig;
    relm_mask_t given;
} add_run_t;

/* One run of an add: each starts from the caller's record (a number taken is filled in). */
static int add_run(relm_t *r, void *ctx, relm_error_t *err)
{
    add_run_t *a = ctx;
    *a->s = a->orig;
    return add_in_tx(r, a->s, a->given, err);
}

int relm_segment_add(relm_t *r, relm_segment_t *s, relm_mask_t given, relm_error_t *err)
{
    add_run_t a = {s, *s, given};
    int rc = relm_transaction(r, add_run, &a, err);
    if (rc) {
        memcpy(s->no, a.orig.no, sizeof(s->no));
        return rc;
    }
    s->no_of_lines = s->no_of_criteria_actions = 0;
    return 0;
}

static const char sql_count_lines[] = "SELECT count(*) FROM segment_line WHERE segment_no = ?";
static const char sql_count_steps[] =
    "SELECT count(*) FROM segment_criteria_step WHERE segment_no = ? AND undone = 0";

/* The header's stored fields, without the counts (they cost a scan of the lines). */
static int header_get(relm_t *r, const char *no, relm_segment_t *out, relm_error_t *err)
{
    relm_record_init(&relm_segment_entity, out);
    int rc = relm_record_set(&relm_segment_entity, out, NULL, "no", no, err);
    if (rc)
        return rc;
    rc = relm_table_get(r, &relm_segment_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "segment %s does not exist", out->no);
    return rc;
}

int relm_segment_get(relm_t *r, const char *no, relm_segment_t *out, relm_error_t *err)
{
    int rc = header_get(r, no, out, err);
    if (rc == 0)
        rc = relm_count(r, sql_count_lines, out->no, &out->no_of_lines, err);
    if (rc == 0)
        rc = relm_count(r, sql_count_steps, out->no, &out->no_of_criteria_actions, err);
    return rc;
}

/* Re-derive the lines of segment seg from its header (all lines, or the unpersonalised). */
static const char sql_propagate[] = "UPDATE segment_line SET (" LINE_VALUE_COLUMNS ") = (";

static int propagate(relm_t *r, const relm_segment_t *seg, int all, relm_error_t *err)
{
    line_defaults_t d;
    sqlb_t *b = sqlb_new(relm_store_fold(r->store));
    if (!b)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    int rc = line_defaults_load(r, &d, seg, err);
    if (rc == 0) {
        sqlb_sql(b, sql_propagate);
        sb_line_values(b, &d, seg, 1);
        sqlb_sql(b, ") FROM contact c");
        sb_line_variant(b, &d, seg);
        /* The personalised lines keep their values unless all lines follow the header. */
        sqlb_sql(b, all ? " WHERE segment_line.segment_no = ? AND c.no = segment_line.contact_no"
                        : " WHERE segment_line.segment_no = ? AND c.no = segment_line.contact_no "
                          "AND segment_line.personalised = 0");
        sqlb_text(b, seg->no);
        rc = sqlb_run(r, b, NULL, err);
    }
    free(b);
    return rc;
}

static int update_in_tx(relm_t *r, const char *no, const relm_segment_t *changes, relm_mask_t given,
                        int all, relm_error_t *err)
{
    relm_segment_t cur;
    int rc = relm_segment_get(r, no, &cur, err);
    if (rc)
        return rc;
    given &= ~(RELM_BIT(H_NO) | RELM_BIT(H_NO_OF_LINES) | RELM_BIT(H_NO_OF_ACTIONS));
    relm_record_merge(&relm_segment_entity, &cur, changes, given);
    relm_mask_t cols = given;
    if ((given & RELM_BIT(H_TEMPLATE)) && cur.interaction_template_code[0]) {
        if ((rc = apply_template(r, &cur, given, err)))
            return rc;
        cols = ~(relm_mask_t)0;
    }
    char what[128];
    snprintf(what, sizeof(what), "segment %s", cur.no);
    if ((rc = check_refs(r, what, cur.salesperson_code, cur.campaign_no, "", err)))
        return rc;
    if (cols && (rc = relm_table_update(r, &relm_segment_entity, &cur, cols, err)))
        return rc;
    if (given || all)
        rc = propagate(r, &cur, all, err);
    return rc;
}

typedef struct update_run {
    const char *no;
    const relm_segment_t *changes;
    relm_mask_t given;
    int all;
} update_run_t;

static int update_run(relm_t *r, void *ctx, relm_error_t *err)
{
    const update_run_t *u = ctx;
    return update_in_tx(r, u->no, u->changes, u->given, u->all, err);
}

int relm_segment_update(relm_t *r, const char *no, const relm_segment_t *changes, relm_mask_t given,
                        int apply_to_all_lines, relm_error_t *err)
{
    update_run_t u = {no, changes, given, apply_to_all_lines};
    return relm_transaction(r, update_run, &u, err);
}

int relm_segment_delete(relm_t *r, const char *no, relm_error_t *err)
{
    relm_segment_t cur;
    int rc = relm_segment_get(r, no, &cur, err);
    if (rc)
        return rc;
    /* Lines and steps go with the header (ON DELETE CASCADE), removed-line copies with steps. */
    return relm_table_delete(r, &relm_segment_entity, &cur, err);
}

static const char sql_list[] =
    "SELECT no, description, salesperson_code, date, campaign_no, campaign_target, "
    "campaign_response, interaction_template_code, subject, language_code, correspondence_type, "
    "ignore_contact_corresp_type, information_flow, initiated_by, unit_cost, unit_duration, "
    "send_attachments_as_email_attachment, "
    "(SELECT count(*) FROM segment_line l WHERE l.segment_no = h.no), "
    "(SELECT count(*) FROM segment_criteria_step s WHERE s.segment_no = h.no AND s.undone = 0) "
    "FROM segment_header h WHERE 1 = 1";

int relm_segment_list(relm_t *r, const relm_filter_t *filters, int nfilters, long limit,
                      relm_row_fn fn, void *ctx, relm_error_t *err)
{
    sqlb_t *b = sqlb_new(relm_store_fold(r->store));
    if (!b)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    sqlb_sql(b, sql_list);
    for (int i = 0; i < nfilters; i++)
        sqlb_filter(b, &relm_segment_entity, &filters[i], "h");
    sqlb_sql(b, " ORDER BY h.no");
    sqlb_limit(b, limit);
    relm_stmt_t *s;
    int rc = sqlb_prepare(r, b, &s, err);
    free(b);
    if (rc)
        return rc;
    relm_segment_t rec;
    while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
        relm_record_init(&relm_segment_entity, &rec);
        relm_table_read_row(&relm_segment_entity, s, &rec);
        rec.no_of_lines = relm_stmt_int(s, H_NO_OF_LINES);
        rec.no_of_criteria_actions = relm_stmt_int(s, H_NO_OF_ACTIONS);
        if (fn(ctx, &rec))
            break;
    }
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

/* ---- lines ---- */

static const char sql_contact_state[] = "SELECT privacy_blocked, name FROM contact WHERE no = ?";
static const char sql_line_of_contact[] =
    "SELECT line_no FROM segment_line WHERE segment_no = ? AND contact_no = ?";

static int line_of_contact(relm_t *r, const char *no, const char *contact_no, int64_t *line_no,
                           relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql_line_of_contact, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, no);
    relm_stmt_bind_text(s, 2, contact_no);
    rc = relm_stmt_step(s, err);
    *line_no = rc == RELM_STEP_ROW ? relm_stmt_int(s, 0) : 0;
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

/* A criteria step on one contact: "no = contact" (adds ignore the exclusion, as by hand). */
static void one_contact(relm_criteria_t *c, const char *contact, int add)
{
    relm_criteria_init(c);
    c->filters[0].field = relm_field_index(&relm_contact_entity, "no");
    relm_copy(c->filters[0].op, sizeof(c->filters[0].op), "=");
    relm_copy(c->filters[0].value, sizeof(c->filters[0].value), contact);
    c->nfilters = 1;
    c->ignore_exclusion = add;
}

static int line_add_in_tx(relm_t *r, const relm_segment_t *seg, const char *contact,
                          int64_t *line_no, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql_contact_state, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, contact);
    rc = relm_stmt_step(s, err);
    int blocked = rc == RELM_STEP_ROW ? (int)relm_stmt_int(s, 0) : 0;
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    if (rc == RELM_STEP_DONE)
        return relm_error_set(err, RELM_ENOTFOUND, "contact %s does not exist", contact);
    if (blocked)
        return relm_error_set(err, RELM_EPRIVACY,
                              "contact %s is privacy blocked and cannot be added to segment %s",
                              contact, seg->no);
    if ((rc = line_of_contact(r, seg->no, contact, line_no, err)) || *line_no)
        return rc;
    relm_criteria_t *c = malloc(sizeof(*c));
    if (!c)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    one_contact(c, contact, 1);
    rc = relm_segment_step_in_tx(r, seg->no, "add", c, NULL, err);
    free(c);
    if (rc == 0)
        rc = line_of_contact(r, seg->no, contact, line_no, err);
    return rc;
}

typedef struct line_add_run {
    relm_segment_t *seg;
    const char *contact_no;
    int64_t line_no;
} line_add_run_t;

static int line_add_run(relm_t *r, void *ctx, relm_error_t *err)
{
    line_add_run_t *l = ctx;
    l->line_no = 0;
    return line_add_in_tx(r, l->seg, l->contact_no, &l->line_no, err);
}

int relm_segment_line_add(relm_t *r, const char *no, const char *contact_no,
                          relm_segment_line_t *out, relm_error_t *err)
{
    relm_segment_t seg;
    int rc = relm_segment_get(r, no, &seg, err);
    if (rc)
        return rc;
    relm_contact_t key;
    relm_record_init(&relm_contact_entity, &key);
    if ((rc = relm_record_set(&relm_contact_entity, &key, NULL, "no", contact_no, err)))
        return rc;
    line_add_run_t l = {&seg, key.no, 0};
    if ((rc = relm_transaction(r, line_add_run, &l, err)))
        return rc;
    return out ? relm_segment_line_get(r, seg.no, l.line_no, out, err) : 0;
}

int relm_segment_line_get(relm_t *r, const char *no, int64_t line_no, relm_segment_line_t *out,
                          relm_error_t *err)
{
    relm_segment_t key;
    relm_record_init(&relm_segment_entity, &key);
    int rc = relm_record_set(&relm_segment_entity, &key, NULL, "no", no, err);
    if (rc)
        return rc;
    relm_record_init(&relm_segment_line_entity, out);
    relm_copy(out->segment_no, sizeof(out->segment_no), key.no);
    out->line_no = line_no;
    rc = relm_table_get(r, &relm_segment_line_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "segment %s has no line %lld", out->segment_no,
                              (long long)line_no);
    return rc;
}

static const char sql_contact_prefs[] =
    "SELECT language_code, correspondence_type FROM contact WHERE no = ?";

/*
 * A line's new template brings its defaults for the fields not given (5.1's rules); its
 * description (the variant's in the contact's language) only while none is typed. With
 * only_description, the description is all it takes (a typed one was cleared).
 */
static int line_take_template(relm_t *r, relm_segment_line_t *l, relm_mask_t given,
                              int only_description, relm_error_t *err)
{
    relm_interaction_template_t t;
    int rc = relm_template_get(r, l->interaction_template_code, &t, err);
    if (rc)
        return rc;
    char lang[RELM_CODE10_SZ] = "", corr[16] = "";
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store, sql_contact_prefs, &s, err)))
        return rc;
    relm_stmt_bind_text(s, 1, l->contact_no);
    if ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
        relm_copy(lang, sizeof(lang), relm_stmt_text(s, 0));
        relm_copy(corr, sizeof(corr), relm_stmt_text(s, 1));
    }
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    char picked[RELM_CODE10_SZ], desc[RELM_TEXT100_SZ];
    if ((rc = relm_template_pick_language(r, &t, lang, picked, desc, err)))
        return rc;
    if (!l->description_typed)
        relm_copy(l->description, sizeof(l->description), desc);
    if (only_description)
        return 0;
    if (!(given & RELM_BIT(L_LANGUAGE)))
        relm_copy(l->language_code, sizeof(l->language_code), picked);
    if (!(given & RELM_BIT(L_CORRESP)))
        relm_copy(l->correspondence_type, sizeof(l->correspondence_type),
                  !t.ignore_contact_corresp_type && corr[0] ? corr : t.correspondence_type);
    take_template(&relm_segment_line_entity, l, given, &t, TAKES(line_takes), line_campaign_takes);
    return 0;
}

int relm_segment_line_update(relm_t *r, const char *no, int64_t line_no,
                             const relm_segment_line_t *changes, relm_mask_t given,
                             relm_error_t *err)
{
    relm_segment_line_t cur;
    int rc = relm_segment_line_get(r, no, line_no, &cur, err);
    if (rc)
        return rc;
    relm_mask_t editable = 0;
    for (int i = L_SALESPERSON; i <= L_OPPORTUNITY; i++)
        editable |= RELM_BIT(i);
    given &= editable;
    if (!given)
        return 0;
    relm_record_merge(&relm_segment_line_entity, &cur, changes, given);
    char what[160];
    snprintf(what, sizeof(what), "segment %s line %lld", cur.segment_no, (long long)line_no);
    if ((rc = check_refs(r, what, cur.salesperson_code, cur.campaign_no,
                         cur.interaction_template_code, err)))
        return rc;
    /* A description typed is the user's; typed blank, the line follows its template again. */
    int cleared = 0;
    if (given & RELM_BIT(L_DESCRIPTION)) {
        cur.description_typed = cur.description[0] != '\0';
        cleared = !cur.description_typed;
    }
    if (cur.interaction_template_code[0] && ((given & RELM_BIT(L_TEMPLATE)) || cleared) &&
        (rc = line_take_template(r, &cur, given, !(given & RELM_BIT(L_TEMPLATE)), err)))
        return rc;
    cur.personalised = 1;
    return relm_table_update(r, &relm_segment_line_entity, &cur,
                             editable | RELM_BIT(L_PERSONALISED) | RELM_BIT(L_DESCRIPTION_TYPED),
                             err);
}

int relm_segment_line_delete(relm_t *r, const char *no, int64_t line_no, relm_error_t *err)
{
    relm_segment_line_t cur;
    int rc = relm_segment_line_get(r, no, line_no, &cur, err);
    if (rc)
        return rc;
    relm_criteria_t *c = malloc(sizeof(*c));
    if (!c)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    one_contact(c, cur.contact_no, 0);
    int64_t removed = 0;
    if ((rc = relm_store_begin(r->store, err)) == 0) {
        rc = relm_segment_step_in_tx(r, cur.segment_no, "reduce", c, &removed, err);
        /*
         * A step selects through the contact table: the line of a contact deleted since
         * cannot be a step (nothing would replay it), so it goes without one.
         */
        if (rc == 0 && removed == 0) {
            relm_store_rollback(r->store);
            free(c);
            return relm_table_delete(r, &relm_segment_line_entity, &cur, err);
        }
        rc = relm_tx_end(r, rc, err);
    }
    free(c);
    return rc;
}

int relm_segment_lines(relm_t *r, const char *no, int64_t after, long limit, relm_row_fn fn,
                       void *ctx, relm_error_t *err)
{
    relm_segment_t seg;
    int rc = header_get(r, no, &seg, err);
    if (rc)
        return rc;
    relm_filter_t f[2] = {{.field = L_SEGMENT_NO, .op = "="}, {.field = L_LINE_NO, .op = ">"}};
    relm_copy(f[0].value, sizeof(f[0].value), seg.no);
    snprintf(f[1].value, sizeof(f[1].value), "%" PRId64, after);
    return relm_list(r, &relm_segment_line_entity, f, 2, limit, fn, ctx, err);
}

/* ---- criteria ---- */

void relm_criteria_init(relm_criteria_t *c)
{
    relm_record_init(&relm_criteria_entity, c);
}

int relm_criteria_where(relm_criteria_t *c, const char *text, relm_error_t *err)
{
    if (c->nfilters >= RELM_CRITERIA_MAX_FILTERS)
        return relm_error_set(err, RELM_EVALIDATION, "at most %d filters per step",
                              RELM_CRITERIA_MAX_FILTERS);
    /* Checked here: a value that is not UTF-8 could not be recorded as the step that ran. */
    if (!relm_valid_utf8(text ? text : ""))
        return relm_error_set(err, RELM_EVALIDATION,
                              "criteria filter %d: the filter is not valid UTF-8", c->nfilters + 1);
    int rc = relm_filter_parse(&relm_contact_entity, text, &c->filters[c->nfilters], err);
    if (rc == 0)
        c->nfilters++;
    return rc;
}

/*
 * The candidates of an add with company options, as a CTE "m" (the matched contacts) and
 * "cand" (those, every contact sharing a company no. with one with expand_company, and the
 * company of every matched person with allow_related_companies), all set-wise.
 */
static void sb_candidates(sqlb_t *b, const relm_criteria_t *c)
{
    sqlb_sql(b, "WITH m AS (SELECT c.no AS no, c.company_no AS company_no, c.type AS type "
                "FROM contact c WHERE 1 = 1");
    match_clause(b, c, "c");
    sqlb_sql(b, "), cand AS (SELECT no FROM m");
    if (c->expand_company)
        sqlb_sql(b, " UNION SELECT p.no FROM contact p WHERE p.company_no IN "
                    "(SELECT company_no FROM m WHERE company_no <> '')");
    if (c->allow_related_companies)
        sqlb_sql(b, " UNION SELECT company_no FROM m WHERE type = 'person' AND company_no <> ''");
    sqlb_sql(b, ") ");
}

int relm_segment_add_matching(relm_t *r, const char *no, const relm_criteria_t *c,
                              int64_t added_by_step, int64_t *count, relm_error_t *err)
{
    relm_segment_t seg;
    int rc = relm_segment_get(r, no, &seg, err);
    if (rc)
        return rc;
    int widen = c->expand_company || c->allow_related_companies;
    sqlb_t *b = sqlb_new(relm_store_fold(r->store));
    sqlb_t *full = sqlb_new(relm_store_fold(r->store));
    if (!b || !full) {
        free(b);
        free(full);
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    }
    if (widen) {
        sb_candidates(b, c);
        /* The CTE (and its bindings) come first in the statement. */
        sqlb_binds_from(full, b);
    }
    int empty;
    rc = insert_begin(r, full, &seg, added_by_step, widen ? b->sql : NULL, &empty, err);
    /* Without company options the filters apply to the contact itself: no candidate list. */
    if (widen)
        sqlb_sql(full, " AND c.no IN (SELECT no FROM cand)");
    else
        match_clause(full, c, "c");
    /* Exclusion applies to every candidate, the ones the options bring included. */
    if (!c->ignore_exclusion)
        sqlb_sql(full, " AND c.exclude_from_segment = 0");
    if (rc == 0)
        rc = insert_lines(r, full, count, err);
    free(b);
    free(full);
    return rc;
}

static const char removed_columns[] =
    "step_id, segment_no, line_no, contact_no, contact_company_no, salesperson_code, date, "
    "description, interaction_template_code, subject, language_code, correspondence_type, "
    "information_flow, initiated_by, cost, duration, evaluation, attempt_failed, campaign_no, "
    "campaign_target, campaign_response, contact_via, opportunity_no, personalised, added_by_step, "
    "description_typed";

/*
 * Append the lines whose contact c matches (a reduce removes them): the contacts matched
 * and, with entire_companies, every contact sharing a company no. with one of them
 * (through the contact's company index, not per line). A positive IN: both engines plan
 * it set-wise (PostgreSQL as a semi-join, SQLite as one list probed per line).
 */
static void sb_matched(sqlb_t *b, const relm_criteria_t *c)
{
    sqlb_sql(b, " AND contact_no IN (SELECT c.no FROM contact c WHERE 1 = 1");
    match_clause(b, c, "c");
    if (c->entire_companies) {
        sqlb_sql(b, " UNION SELECT p.no FROM contact p WHERE p.company_no <> '' AND "
                    "p.company_no IN (SELECT c.company_no FROM contact c WHERE 1 = 1");
        match_clause(b, c, "c");
        sqlb_sql(b, ")");
    }
    sqlb_sql(b, ")");
}

/*
 * Append the lines whose contact c does not match (a refine removes them): the complement
 * of sb_matched(), written NOT EXISTS per contact rather than NOT IN a list. PostgreSQL
 * cannot plan NOT IN as an anti-join (a NULL in the list would change its result), and a
 * list larger than work_mem is then scanned again for every line; NOT EXISTS is an
 * anti-join on either engine. The results agree because contact.no, contact.company_no
 * and segment_line.contact_no are all NOT NULL. With entire_companies a line stays when
 * its contact's company no. is one of the matched contacts' (the inner IN is built once).
 */
static void sb_unmatched(sqlb_t *b, const relm_criteria_t *c)
{
    sqlb_sql(b, " AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.no = segment_line.contact_no");
    match_clause(b, c, "c");
    sqlb_sql(b, ")");
    if (c->entire_companies) {
        sqlb_sql(b, " AND NOT EXISTS (SELECT 1 FROM contact p WHERE p.no = "
                    "segment_line.contact_no AND p.company_no <> '' AND p.company_no IN "
                    "(SELECT c.company_no FROM contact c WHERE 1 = 1");
        match_clause(b, c, "c");
        sqlb_sql(b, "))");
    }
}

int relm_segment_remove_matching(relm_t *r, const char *no, const relm_criteria_t *c, int keep,
                                 int64_t step_id, int64_t *count, relm_error_t *err)
{
    relm_segment_t seg;
    int rc = relm_segment_get(r, no, &seg, err);
    if (rc)
        return rc;
    sqlb_t *b = sqlb_new(relm_store_fold(r->store));
    if (!b)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    for (int pass = step_id > 0 ? 0 : 1; rc == 0 && pass < 2; pass++) {
        sqlb_reset(b);
        if (pass == 0) {
            /* Removed lines are copied under the step first, so undo restores them. */
            sqlb_sql(b, "INSERT INTO segment_removed_line (");
            sqlb_sql(b, removed_columns);
            sqlb_sql(b, ") SELECT ?, ");
            sqlb_sql(b, line_columns);
            sqlb_sql(b, " FROM segment_line WHERE segment_no = ?");
            sqlb_int(b, step_id);
        } else {
            sqlb_sql(b, "DELETE FROM segment_line WHERE segment_no = ?");
        }
        sqlb_text(b, seg.no);
        if (keep)
            sb_unmatched(b, c);
        else
            sb_matched(b, c);
        rc = sqlb_run(r, b, pass == 1 ? count : NULL, err);
    }
    free(b);
    return rc;
}

static const char *const any_or_bool[] = {"", "true", "false", NULL};

typedef relm_reuse_filter_t reuse_t;

/* Field indexes of reuse_fields[]: each entry below is placed at its index. */
enum { RF_EVALUATION, RF_ATTEMPT_FAILED, RF_CAMPAIGN_RESPONSE, RF_COUNT };

static const relm_field_t reuse_fields[] = {
    [RF_EVALUATION] = FIELD(reuse_t, evaluation, RELM_FT_ENUM, 0, 0, relm_evaluations, NULL),
    [RF_ATTEMPT_FAILED] = FIELD(reuse_t, attempt_failed, RELM_FT_ENUM, 0, 0, any_or_bool, NULL),
    [RF_CAMPAIGN_RESPONSE] =
        FIELD(reuse_t, campaign_response, RELM_FT_ENUM, 0, 0, any_or_bool, NULL),
};

_Static_assert(sizeof(reuse_fields) / sizeof(reuse_fields[0]) == RF_COUNT,
               "one entry per field index");

const relm_entity_t relm_reuse_filter_entity = {
    .name = "reuse filter",
    .table = NULL,
    .size = sizeof(reuse_t),
    .fields = reuse_fields,
    .nfields = 3,
};

void relm_reuse_filter_init(relm_reuse_filter_t *f)
{
    relm_record_init(&relm_reuse_filter_entity, f);
}

static const entry_cond_t reuse_conds[] = {
    {offsetof(relm_reuse_filter_t, evaluation), " AND e.evaluation = ?", 0},
    {offsetof(relm_reuse_filter_t, attempt_failed), " AND e.attempt_failed = ?", 1},
    {offsetof(relm_reuse_filter_t, campaign_response), " AND e.campaign_response = ?", 1},
};

int relm_segment_add_from_logged(relm_t *r, const char *no, int64_t entry_no,
                                 const relm_reuse_filter_t *f, int64_t *count, relm_error_t *err)
{
    relm_segment_t seg;
    int rc = relm_segment_get(r, no, &seg, err);
    if (rc)
        return rc;
    sqlb_t *b = sqlb_new(relm_store_fold(r->store));
    if (!b)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    int empty;
    rc = insert_begin(r, b, &seg, 0, NULL, &empty, err);
    sqlb_sql(b, " AND c.no IN (SELECT e.contact_no FROM interaction_log_entry e "
                "WHERE e.logged_segment_entry_no = ?");
    sqlb_int(b, entry_no);
    if (f)
        sb_entry_conds(b, f, reuse_conds, (int)(sizeof(reuse_conds) / sizeof(reuse_conds[0])));
    sqlb_sql(b, ")");
    if (rc == 0)
        rc = insert_lines(r, b, count, err);
    free(b);
    return rc;
}
