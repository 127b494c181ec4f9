/*
 * Criteria steps: add contacts, reduce, refine; undo, redo; save and reuse.
 *
 * Every step is recorded in segment_criteria_step with its filters and options as JSON, so
 * it can be replayed (redo, reuse) without the caller. Invariants:
 * - the steps of a segment in effect are a prefix by step_no; the undone ones follow them,
 *   and a new step discards the undone ones (with their removed-line copies);
 * - a line carries the id of the step that added it (added_by_step), and every line a step
 *   removed is copied to segment_removed_line under the step's id first, so undo restores
 *   exactly what was there (personalisation included) and deletes exactly what was added;
 * - a step and its bookkeeping commit together or not at all.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

typedef relm_criteria_step_t step_t;

#define RO RELM_FF_READONLY

/* Field indexes of step_fields[]: each entry below is placed at its index. */
enum { ST_ID, ST_SEGMENT_NO, ST_STEP_NO, ST_ACTION, ST_FILTERS, ST_OPTIONS, ST_UNDONE, ST_COUNT };

static const relm_field_t step_fields[] = {
    [ST_ID] = FIELD(step_t, id, RELM_FT_INT, RELM_FF_KEY | RO, 0, NULL, NULL),
    [ST_SEGMENT_NO] = FIELD(step_t, segment_no, RELM_FT_CODE, RO, 20, NULL, NULL),
    [ST_STEP_NO] = FIELD(step_t, step_no, RELM_FT_INT, RO, 0, NULL, NULL),
    [ST_ACTION] = FIELD(step_t, action, RELM_FT_TEXT, RO, 0, NULL, NULL),
    [ST_FILTERS] = FIELD(step_t, filters, RELM_FT_TEXT, RO, 0, NULL, NULL),
    [ST_OPTIONS] = FIELD(step_t, options, RELM_FT_TEXT, RO, 0, NULL, NULL),
    [ST_UNDONE] = FIELD(step_t, undone, RELM_FT_BOOL, RELM_FF_INT32 | RO, 0, NULL, NULL),
};

_Static_assert(sizeof(step_fields) / sizeof(step_fields[0]) == ST_COUNT,
               "one entry per field index");

const relm_entity_t relm_criteria_step_entity = {
    .name = "criteria step",
    .table = "segment_criteria_step",
    .size = sizeof(step_t),
    .fields = step_fields,
    .nfields = sizeof(step_fields) / sizeof(step_fields[0]),
};

typedef struct saved {
    char code[RELM_CODE20_SZ];
    char description[RELM_TEXT100_SZ];
} saved_t;

/* Field indexes of saved_fields[]: each entry below is placed at its index. */
enum { SV_CODE, SV_DESCRIPTION, SV_COUNT };

static const relm_field_t saved_fields[] = {
    [SV_CODE] = FIELD(saved_t, code, RELM_FT_CODE, RELM_FF_KEY, 20, NULL, NULL),
    [SV_DESCRIPTION] = FIELD(saved_t, description, RELM_FT_TEXT, 0, 100, NULL, NULL),
};

_Static_assert(sizeof(saved_fields) / sizeof(saved_fields[0]) == SV_COUNT,
               "one entry per field index");

static const relm_entity_t saved_entity = {
    .name = "saved criteria",
    .table = "saved_criteria",
    .size = sizeof(saved_t),
    .fields = saved_fields,
    .nfields = 2,
};

typedef relm_criteria_t crit_t;

/* Field indexes of criteria_fields[]: each entry below is placed at its index. */
enum {
    C_TEMPLATE,
    C_FROM,
    C_TO,
    C_CAMPAIGN,
    C_SEGMENT,
    C_EVALUATION,
    C_SALESPERSON,
    C_CANCELED,
    C_POSTPONED,
    C_ALLOW_EXISTING,
    C_EXPAND_COMPANY,
    C_ALLOW_RELATED,
    C_IGNORE_EXCLUSION,
    C_ENTIRE_COMPANIES,
    C_COUNT,
    C_OPTIONS = C_ALLOW_EXISTING /* the first of the options */
};

static const char *const any_or_bool[] = {"", "true", "false", NULL};

/*
 * Everything a step takes besides its contact filters. The text members (up to C_OPTIONS)
 * go to a step's filters JSON, the bools (options) to its options JSON, under these names.
 */
static const relm_field_t criteria_fields[] = {
    [C_TEMPLATE] = FIELD(crit_t, interaction_template_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [C_FROM] = FIELD(crit_t, from, RELM_FT_DATE, 0, 0, NULL, NULL),
    [C_TO] = FIELD(crit_t, to, RELM_FT_DATE, 0, 0, NULL, NULL),
    [C_CAMPAIGN] = FIELD(crit_t, campaign_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [C_SEGMENT] = FIELD(crit_t, segment_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [C_EVALUATION] = FIELD(crit_t, evaluation, RELM_FT_ENUM, 0, 0, relm_evaluations, NULL),
    [C_SALESPERSON] = FIELD(crit_t, salesperson_code, RELM_FT_CODE, 0, 20, NULL, NULL),
    [C_CANCELED] = FIELD(crit_t, canceled, RELM_FT_ENUM, 0, 0, any_or_bool, NULL),
    [C_POSTPONED] = FIELD(crit_t, postponed, RELM_FT_ENUM, 0, 0, any_or_bool, NULL),
    [C_ALLOW_EXISTING] = FIELD(crit_t, allow_existing, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [C_EXPAND_COMPANY] = FIELD(crit_t, expand_company, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [C_ALLOW_RELATED] =
        FIELD(crit_t, allow_related_companies, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [C_IGNORE_EXCLUSION] =
        FIELD(crit_t, ignore_exclusion, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [C_ENTIRE_COMPANIES] =
        FIELD(crit_t, entire_companies, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
};

_Static_assert(sizeof(criteria_fields) / sizeof(criteria_fields[0]) == C_COUNT,
               "one entry per field index");

#define NCRITERIA ((int)(sizeof(criteria_fields) / sizeof(criteria_fields[0])))

const relm_entity_t relm_criteria_entity = {
    .name = "criteria",
    .table = NULL,
    .size = sizeof(crit_t),
    .fields = criteria_fields,
    .nfields = NCRITERIA,
};

/* r1 called allow_related_companies this; saved steps may still hold it. */
static const char old_related_name[] = "allow_company_with_persons";

/* ---- JSON form ---- */

static char *dump(json_t *j)
{
    char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    return s;
}

char *relm_criteria_filters_json(const relm_criteria_t *c)
{
    json_t *o = json_object(), *a = json_array();
    int bad = !o || !a;
    for (int i = 0; !bad && i < c->nfilters; i++) {
        const relm_filter_t *f = &c->filters[i];
        /* json_pack refuses text that is not UTF-8: nothing may be left out silently. */
        bad = json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "field",
                                                 relm_contact_entity.fields[f->field].name, "op",
                                                 f->op, "value", f->value)) != 0;
    }
    if (!bad)
        bad = json_object_set(o, "filters", a) != 0;
    json_decref(a);
    for (int i = 0; !bad && i < C_OPTIONS; i++) {
        const char *v = (const char *)c + criteria_fields[i].offset;
        if (v[0])
            bad = json_object_set_new(o, criteria_fields[i].name, json_string(v)) != 0;
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return dump(o);
}

char *relm_criteria_options_json(const relm_criteria_t *c)
{
    json_t *o = json_object();
    for (int i = C_OPTIONS; o && i < NCRITERIA; i++)
        if (relm_record_int(&relm_criteria_entity, c, i))
            json_object_set_new(o, criteria_fields[i].name, json_true());
    return dump(o);
}

int relm_criteria_from_json(relm_criteria_t *c, const char *filters, const char *options,
                            relm_error_t *err)
{
    static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">=", "~", NULL};
    relm_criteria_init(c);
    json_t *f = json_loads(filters && *filters ? filters : "{}", 0, NULL);
    json_t *o = json_loads(options && *options ? options : "{}", 0, NULL);
    int rc = 0;
    if (!json_is_object(f) || !json_is_object(o)) {
        rc = relm_error_set(err, RELM_EVALIDATION, "criteria \"%.200s\" do not parse",
                            filters ? filters : "");
        goto out;
    }
    json_t *arr = json_object_get(f, "filters"), *item;
    size_t i;
    json_array_foreach(arr, i, item)
    {
        const char *field = json_string_value(json_object_get(item, "field"));
        const char *op = json_string_value(json_object_get(item, "op"));
        const char *value = json_string_value(json_object_get(item, "value"));
        int idx = field ? relm_field_index(&relm_contact_entity, field) : -1;
        int op_ok = 0;
        for (int k = 0; op && ops[k]; k++)
            op_ok |= strcmp(op, ops[k]) == 0;
        if (idx < 0 || (relm_contact_entity.fields[idx].flags & RELM_FF_VIRTUAL) || !op_ok ||
            !value || c->nfilters >= RELM_CRITERIA_MAX_FILTERS) {
            rc = relm_error_set(err, RELM_EVALIDATION, "criteria filter %zu is not valid", i + 1);
            goto out;
        }
        relm_filter_t *dst = &c->filters[c->nfilters++];
        dst->field = idx;
        relm_copy(dst->op, sizeof(dst->op), op);
        relm_copy(dst->value, sizeof(dst->value), value);
    }
    /* Through the field table, so text recorded before it normalised is read normalised. */
    for (int k = 0; rc == 0 && k < C_OPTIONS; k++) {
        const char *v = json_string_value(json_object_get(f, criteria_fields[k].name));
        if (v)
            rc = relm_record_set_index(&relm_criteria_entity, c, NULL, k, v, err);
    }
    for (int k = C_OPTIONS; rc == 0 && k < NCRITERIA; k++)
        if (json_is_true(json_object_get(o, criteria_fields[k].name)))
            relm_record_set_int(&relm_criteria_entity, c, k, 1);
    if (json_is_true(json_object_get(o, old_related_name)))
        c->allow_related_companies = 1;
out:
    json_decref(f);
    json_decref(o);
    return rc;
}

/* ---- steps ---- */

static const char sql_discard_undone[] =
    "DELETE FROM segment_criteria_step WHERE segment_no = ? AND undone = 1";
static const char sql_next_step_no[] =
    "SELECT coalesce(max(step_no), 0) + 1 FROM segment_criteria_step WHERE segment_no = ?";
static const char sql_insert_step[] =
    "INSERT INTO segment_criteria_step (id, segment_no, step_no, action, filters, options, undone) "
    "VALUES (?, ?, ?, ?, ?, ?, 0)";

/*
 * What the shells cannot check by field: the options an action takes, date order, and text
 * a step could not be recorded with (a filter value that is not UTF-8).
 */
static int check_criteria(const char *no, const char *action, const relm_criteria_t *c,
                          relm_error_t *err)
{
    int add = strcmp(action, "add") == 0;
    for (int i = C_OPTIONS; i < NCRITERIA; i++) {
        int for_add = strcmp(criteria_fields[i].name, "entire_companies") != 0;
        if (relm_record_int(&relm_criteria_entity, c, i) && for_add != add)
            return relm_error_set(err, RELM_EVALIDATION,
                                  "segment %s: %s takes no option %s (%s only)", no, action,
                                  criteria_fields[i].name, for_add ? "add" : "reduce and refine");
    }
    if (c->from[0] && c->to[0] && strcmp(c->from, c->to) > 0)
        return relm_error_set(err, RELM_EVALIDATION, "segment %s: criteria from %s is after to %s",
                              no, c->from, c->to);
    for (int i = 0; i < c->nfilters; i++)
        if (!relm_valid_utf8(c->filters[i].value))
            return relm_error_set(err, RELM_EVALIDATION,
                                  "segment %s: criteria filter %d on %s: the value is not valid "
                                  "UTF-8",
                                  no, i + 1, relm_contact_entity.fields[c->filters[i].field].name);
    return 0;
}

/*
 * Record a new step (discarding undone ones); *id receives its id and *ran the criteria
 * read back from the text recorded, which is what the step then runs: what is stored is
 * what ran, so redo and reuse repeat it.
 */
static int record_step(relm_t *r, const char *no, const char *action, const relm_criteria_t *c,
                       int64_t *id, relm_criteria_t *ran, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql_discard_undone, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, no);
    if ((rc = relm_stmt_run(s, err)))
        return rc;
    int64_t step_no = 1;
    if ((rc = relm_count(r, sql_next_step_no, no, &step_no, err)))
        return rc;
    if ((rc = relm_counter_take(r, "segment_criteria_step", 1, id, err)))
        return rc;
    char *filters = relm_criteria_filters_json(c), *options = relm_criteria_options_json(c);
    if (!filters || !options) {
        free(filters);
        free(options);
        return relm_error_set(err, RELM_EVALIDATION,
                              "segment %s: the criteria cannot be recorded (text that is not "
                              "UTF-8, or out of memory)",
                              no);
    }
    rc = relm_criteria_from_json(ran, filters, options, err);
    if (rc == 0)
        rc = relm_stmt_prepare(r->store, sql_insert_step, &s, err);
    if (rc == 0) {
        relm_stmt_bind_int(s, 1, *id);
        relm_stmt_bind_text(s, 2, no);
        relm_stmt_bind_int(s, 3, step_no);
        relm_stmt_bind_text(s, 4, action);
        relm_stmt_bind_text(s, 5, filters);
        relm_stmt_bind_text(s, 6, options);
        rc = relm_stmt_run(s, err);
    }
    free(filters);
    free(options);
    return rc;
}

static int apply_step(relm_t *r, const char *no, const char *action, const relm_criteria_t *c,
                      int64_t id, int64_t *count, relm_error_t *err)
{
    if (strcmp(action, "add") == 0)
        return relm_segment_add_matching(r, no, c, id, count, err);
    if (strcmp(action, "reduce") == 0)
        return relm_segment_remove_matching(r, no, c, 0, id, count, err);
    if (strcmp(action, "refine") == 0)
        return relm_segment_remove_matching(r, no, c, 1, id, count, err);
    return relm_error_set(err, RELM_EVALIDATION, "segment %s: unknown criteria action \"%s\"", no,
                          action);
}

int relm_segment_step_in_tx(relm_t *r, const char *no, const char *action, const relm_criteria_t *c,
                            int64_t *count, relm_error_t *err)
{
    int rc = check_criteria(no, action, c, err);
    if (rc)
        return rc;
    relm_criteria_t *ran = malloc(sizeof(*ran));
    if (!ran)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    int64_t id = 0;
    rc = record_step(r, no, action, c, &id, ran, err);
    if (rc == 0)
        rc = apply_step(r, no, action, ran, id, count, err);
    free(ran);
    return rc;
}

/* One criteria step on a segment, or the replay of saved criteria (relm_tx_fn runs). */
typedef struct step_run {
    const char *no, *action, *code;
    const relm_criteria_t *c;
    int64_t *count;
    int redo;
    struct found_step *st;
} step_run_t;

static int step_run(relm_t *r, void *ctx, relm_error_t *err)
{
    const step_run_t *p = ctx;
    return relm_segment_step_in_tx(r, p->no, p->action, p->c, p->count, err);
}

static int new_step(relm_t *r, const char *no, const char *action, const relm_criteria_t *c,
                    int64_t *count, relm_error_t *err)
{
    relm_segment_t seg;
    int rc = relm_segment_get(r, no, &seg, err);
    if (rc)
        return rc;
    step_run_t p = {.no = seg.no, .action = action, .c = c, .count = count};
    return relm_transaction(r, step_run, &p, err);
}

int relm_segment_add_contacts(relm_t *r, const char *no, const relm_criteria_t *c, int64_t *count,
                              relm_error_t *err)
{
    return new_step(r, no, "add", c, count, err);
}

int relm_segment_reduce(relm_t *r, const char *no, const relm_criteria_t *c, int64_t *count,
                        relm_error_t *err)
{
    return new_step(r, no, "reduce", c, count, err);
}

int relm_segment_refine(relm_t *r, const char *no, const relm_criteria_t *c, int64_t *count,
                        relm_error_t *err)
{
    return new_step(r, no, "refine", c, count, err);
}

/* The step to undo (last in effect) or redo (first undone): 0 with *id = 0 when none. */
static const char sql_last_active[] =
    "SELECT id, action, filters, options FROM segment_criteria_step WHERE segment_no = ? "
    "AND undone = 0 ORDER BY step_no DESC LIMIT 1";
static const char sql_first_undone[] =
    "SELECT id, action, filters, options FROM segment_criteria_step WHERE segment_no = ? "
    "AND undone = 1 ORDER BY step_no LIMIT 1";

typedef struct found_step {
    int64_t id;
    char action[16];
    relm_criteria_t c;
} found_step_t;

static int find_step(relm_t *r, const char *sql, const char *no, found_step_t *out,
                     relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, no);
    out->id = 0;
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        out->id = relm_stmt_int(s, 0);
        relm_copy(out->action, sizeof(out->action), relm_stmt_text(s, 1));
        rc = relm_criteria_from_json(&out->c, relm_stmt_text(s, 2), relm_stmt_text(s, 3), err);
    }
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

static const char sql_undo_add[] =
    "DELETE FROM segment_line WHERE segment_no = ? AND added_by_step = ?";
/*
 * A removed line comes back unless its contact or its line number is taken meanwhile: two
 * probes, one per key, since a single OR of the two would scan the segment for each line.
 */
static const char sql_restore[] =
    "INSERT INTO segment_line (segment_no, line_no, contact_no, contact_company_no, "
    "salesperson_code, date, description, interaction_template_code, subject, language_code, "
    "correspondence_type, information_flow, initiated_by, cost, duration, evaluation, "
    "attempt_failed, campaign_no, campaign_target, campaign_response, contact_via, opportunity_no, "
    "personalised, added_by_step, description_typed) "
    "SELECT segment_no, line_no, contact_no, contact_company_no, salesperson_code, date, "
    "description, interaction_template_code, subject, language_code, correspondence_type, "
    "information_flow, initiated_by, cost, duration, evaluation, attempt_failed, campaign_no, "
    "campaign_target, campaign_response, contact_via, opportunity_no, personalised, added_by_step, "
    "description_typed "
    "FROM segment_removed_line rl WHERE rl.step_id = ? AND NOT EXISTS (SELECT 1 FROM segment_line "
    "x WHERE x.segment_no = rl.segment_no AND x.contact_no = rl.contact_no) AND NOT EXISTS "
    "(SELECT 1 FROM segment_line y WHERE y.segment_no = rl.segment_no AND y.line_no = rl.line_no)";
static const char sql_drop_removed[] = "DELETE FROM segment_removed_line WHERE step_id = ?";
static const char sql_set_undone[] = "UPDATE segment_criteria_step SET undone = ? WHERE id = ?";

static int run_id(relm_t *r, const char *sql, const char *no, int64_t id, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    int p = 1;
    if (no)
        relm_stmt_bind_text(s, p++, no);
    relm_stmt_bind_int(s, p, id);
    return relm_stmt_run(s, err);
}

static int set_undone(relm_t *r, int64_t id, int undone, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql_set_undone, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_int(s, 1, undone);
    relm_stmt_bind_int(s, 2, id);
    return relm_stmt_run(s, err);
}

static int undo_in_tx(relm_t *r, const char *no, found_step_t *st, relm_error_t *err)
{
    int rc = find_step(r, sql_last_active, no, st, err);
    if (rc)
        return rc;
    if (!st->id)
        return relm_error_set(err, RELM_ENOTFOUND, "segment %s has no criteria step to undo", no);
    if (strcmp(st->action, "add") == 0) {
        rc = run_id(r, sql_undo_add, no, st->id, err);
    } else {
        rc = run_id(r, sql_restore, NULL, st->id, err);
        if (rc == 0)
            rc = run_id(r, sql_drop_removed, NULL, st->id, err);
    }
    if (rc == 0)
        rc = set_undone(r, st->id, 1, err);
    return rc;
}

static int redo_in_tx(relm_t *r, const char *no, found_step_t *st, relm_error_t *err)
{
    int rc = find_step(r, sql_first_undone, no, st, err);
    if (rc)
        return rc;
    if (!st->id)
        return relm_error_set(err, RELM_ENOTFOUND, "segment %s has no undone step to redo", no);
    rc = apply_step(r, no, st->action, &st->c, st->id, NULL, err);
    if (rc == 0)
        rc = set_undone(r, st->id, 0, err);
    return rc;
}

static int undo_redo_run(relm_t *r, void *ctx, relm_error_t *err)
{
    const step_run_t *p = ctx;
    return p->redo ? redo_in_tx(r, p->no, p->st, err) : undo_in_tx(r, p->no, p->st, err);
}

static int undo_redo(relm_t *r, const char *no, int redo, relm_error_t *err)
{
    relm_segment_t seg;
    int rc = relm_segment_get(r, no, &seg, err);
    if (rc)
        return rc;
    found_step_t *st = malloc(sizeof(*st));
    if (!st)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    step_run_t p = {.no = seg.no, .redo = redo, .st = st};
    rc = relm_transaction(r, undo_redo_run, &p, err);
    free(st);
    return rc;
}

int relm_segment_undo(relm_t *r, const char *no, relm_error_t *err)
{
    return undo_redo(r, no, 0, err);
}

int relm_segment_redo(relm_t *r, const char *no, relm_error_t *err)
{
    return undo_redo(r, no, 1, err);
}

int relm_segment_steps(relm_t *r, const char *no, relm_row_fn fn, void *ctx, relm_error_t *err)
{
    relm_segment_t seg;
    int rc = relm_segment_get(r, no, &seg, err);
    if (rc)
        return rc;
    relm_filter_t f = {.field = 1, .op = "="};
    relm_copy(f.value, sizeof(f.value), seg.no);
    return relm_list(r, &relm_criteria_step_entity, &f, 1, 0, fn, ctx, err);
}

/* ---- saved criteria ---- */

static const char sql_save_steps[] =
    "INSERT INTO saved_criteria_step (criteria_code, step_no, action, filters, options) "
    "SELECT ?, ROW_NUMBER() OVER (ORDER BY step_no), action, filters, options "
    "FROM segment_criteria_step WHERE segment_no = ? AND undone = 0";

static int save_in_tx(relm_t *r, const relm_segment_t *seg, const saved_t *sv, relm_error_t *err)
{
    int rc = relm_table_exists(r, &saved_entity, sv, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return relm_error_set(err, RELM_EEXISTS, "saved criteria %s already exist", sv->code);
    if ((rc = relm_table_insert(r, &saved_entity, sv, err)))
        return rc;
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store, sql_save_steps, &s, err)))
        return rc;
    relm_stmt_bind_text(s, 1, sv->code);
    relm_stmt_bind_text(s, 2, seg->no);
    return relm_stmt_run(s, err);
}

typedef struct save_run {
    relm_segment_t *seg;
    saved_t *sv;
} save_run_t;

static int save_run(relm_t *r, void *ctx, relm_error_t *err)
{
    save_run_t *p = ctx;
    return save_in_tx(r, p->seg, p->sv, err);
}

int relm_criteria_save(relm_t *r, const char *no, const char *code, const char *description,
                       relm_error_t *err)
{
    relm_segment_t seg;
    int rc = relm_segment_get(r, no, &seg, err);
    if (rc)
        return rc;
    if (seg.no_of_criteria_actions == 0)
        return relm_error_set(err, RELM_EVALIDATION, "segment %s has no criteria steps to save",
                              seg.no);
    saved_t sv;
    relm_record_init(&saved_entity, &sv);
    if ((rc = relm_record_set(&saved_entity, &sv, NULL, "code", code ? code : "", err)) ||
        (rc = relm_record_set(&saved_entity, &sv, NULL, "description",
                              description ? description : "", err)))
        return rc;
    if (!sv.code[0])
        return relm_error_set(err, RELM_EVALIDATION, "saved criteria code is required");
    save_run_t p = {&seg, &sv};
    return relm_transaction(r, save_run, &p, err);
}

static const char sql_saved_step_after[] =
    "SELECT step_no, action, filters, options FROM saved_criteria_step WHERE criteria_code = ? "
    "AND step_no > ? ORDER BY step_no LIMIT 1";

/* Replay the saved steps one at a time (no step list is held in memory). */
static int reuse_in_tx(relm_t *r, const char *code, const char *no, found_step_t *st,
                       relm_error_t *err)
{
    int64_t after = 0;
    for (;;) {
        relm_stmt_t *s;
        int rc = relm_stmt_prepare(r->store, sql_saved_step_after, &s, err);
        if (rc)
            return rc;
        relm_stmt_bind_text(s, 1, code);
        relm_stmt_bind_int(s, 2, after);
        rc = relm_stmt_step(s, err);
        if (rc == RELM_STEP_ROW) {
            after = relm_stmt_int(s, 0);
            relm_copy(st->action, sizeof(st->action), relm_stmt_text(s, 1));
            rc = relm_criteria_from_json(&st->c, relm_stmt_text(s, 2), relm_stmt_text(s, 3), err);
            if (rc == 0)
                rc = 1;
        }
        relm_stmt_release(s);
        if (rc <= 0)
            return rc;
        if ((rc = relm_segment_step_in_tx(r, no, st->action, &st->c, NULL, err)))
            return rc;
    }
}

static int reuse_run(relm_t *r, void *ctx, relm_error_t *err)
{
    const step_run_t *p = ctx;
    return reuse_in_tx(r, p->code, p->no, p->st, err);
}

int relm_criteria_reuse(relm_t *r, const char *code, const char *no, relm_error_t *err)
{
    relm_segment_t seg;
    int rc = relm_segment_get(r, no, &seg, err);
    if (rc)
        return rc;
    saved_t sv;
    relm_record_init(&saved_entity, &sv);
    if ((rc = relm_record_set(&saved_entity, &sv, NULL, "code", code ? code : "", err)))
        return rc;
    if ((rc = relm_table_exists(r, &saved_entity, &sv, err)) <= 0)
        return rc < 0
                   ? rc
                   : relm_error_set(err, RELM_ENOTFOUND, "saved criteria %s do not exist", sv.code);
    found_step_t *st = malloc(sizeof(*st));
    if (!st)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    step_run_t p = {.no = seg.no, .code = sv.code, .st = st};
    rc = relm_transaction(r, reuse_run, &p, err);
    free(st);
    return rc;
}

int relm_criteria_delete(relm_t *r, const char *code, relm_error_t *err)
{
    saved_t sv;
    relm_record_init(&saved_entity, &sv);
    int rc = relm_record_set(&saved_entity, &sv, NULL, "code", code ? code : "", err);
    if (rc)
        return rc;
    rc = relm_table_delete(r, &saved_entity, &sv, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "saved criteria %s do not exist", sv.code);
    return rc;
}
