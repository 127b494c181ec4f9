/*
 * Campaigns and campaign entries.
 *
 * A campaign's number comes from marketing setup's campaign_nos, taken inside the same
 * transaction as the insert, so a refused or rolled-back add gives the number back. A
 * campaign named by templates is kept (a template's default would point at nothing).
 * Deleting a campaign deletes its campaign entries and keeps its interaction log entries:
 * they keep campaign_no, so the history still says which campaign they were for, and lose
 * campaign_entry_no, which named a row that is gone.
 *
 * Campaign entries are written by segment logging and single interactions; here they are
 * described (every field read-only) for lists, canceled (toggled together with their
 * interaction log entries) and, once canceled, deleted together with those entries.
 */
#include <string.h>

#include "internal.h"

typedef relm_campaign_t cmp_t;
typedef relm_campaign_entry_t ce_t;

/* Field indexes of campaign_fields[]: each entry below is placed at its index. */
enum {
    CMP_NO,
    CMP_DESCRIPTION,
    CMP_STARTING_DATE,
    CMP_ENDING_DATE,
    CMP_SALESPERSON,
    CMP_STATUS_CODE,
    CMP_ACTIVATED,
    CMP_COUNT
};

static const relm_field_t campaign_fields[] = {
    [CMP_NO] = FIELD(cmp_t, no, RELM_FT_CODE, RELM_FF_KEY, 20, NULL, NULL),
    [CMP_DESCRIPTION] = FIELD(cmp_t, description, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [CMP_STARTING_DATE] = FIELD(cmp_t, starting_date, RELM_FT_DATE, 0, 0, NULL, NULL),
    [CMP_ENDING_DATE] = FIELD(cmp_t, ending_date, RELM_FT_DATE, 0, 0, NULL, NULL),
    [CMP_SALESPERSON] = FIELD(cmp_t, salesperson_code, RELM_FT_CODE, 0, 20, NULL, NULL),
    [CMP_STATUS_CODE] = FIELD(cmp_t, status_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [CMP_ACTIVATED] = FIELD(cmp_t, activated, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
};

_Static_assert(sizeof(campaign_fields) / sizeof(campaign_fields[0]) == CMP_COUNT,
               "one entry per field index");

static int op_add(relm_t *r, void *rec, relm_mask_t given, relm_error_t *err)
{
    (void)given;
    return relm_campaign_add(r, rec, err);
}

static int op_get(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_campaign_get(r, key, out, err);
}

static int op_update(relm_t *r, const char *key, const void *changes, relm_mask_t given,
                     relm_error_t *err)
{
    return relm_campaign_update(r, key, changes, given, err);
}

static int op_remove(relm_t *r, const char *key, relm_error_t *err)
{
    return relm_campaign_delete(r, key, err);
}

static int op_stats(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_campaign_stats(r, key, out, err);
}

const relm_entity_t relm_campaign_entity = {
    "campaign",
    "campaign",
    sizeof(cmp_t),
    campaign_fields,
    sizeof(campaign_fields) / sizeof(campaign_fields[0]),
    op_add,
    op_get,
    op_update,
    op_remove,
    &relm_campaign_totals_entity,
    op_stats,
};

#define RO RELM_FF_READONLY

/* Field indexes of entry_fields[]: each entry below is placed at its index. */
enum {
    CE_ENTRY_NO,
    CE_CAMPAIGN_NO,
    CE_DESCRIPTION,
    CE_DATE,
    CE_USER_ID,
    CE_SEGMENT_NO,
    CE_LOGGED_SEGMENT_ENTRY_NO,
    CE_SALESPERSON_CODE,
    CE_CANCELED,
    CE_COUNT
};

static const relm_field_t entry_fields[] = {
    [CE_ENTRY_NO] = FIELD(ce_t, entry_no, RELM_FT_INT, RELM_FF_KEY | RO, 0, NULL, NULL),
    [CE_CAMPAIGN_NO] = FIELD(ce_t, campaign_no, RELM_FT_CODE, RO, 20, NULL, NULL),
    [CE_DESCRIPTION] = FIELD(ce_t, description, RELM_FT_TEXT, RO, 100, NULL, NULL),
    [CE_DATE] = FIELD(ce_t, date, RELM_FT_DATE, RO, 0, NULL, NULL),
    [CE_USER_ID] = FIELD(ce_t, user_id, RELM_FT_TEXT, RO, 50, NULL, NULL),
    [CE_SEGMENT_NO] = FIELD(ce_t, segment_no, RELM_FT_CODE, RO, 20, NULL, NULL),
    [CE_LOGGED_SEGMENT_ENTRY_NO] =
        FIELD(ce_t, logged_segment_entry_no, RELM_FT_INT, RO, 0, NULL, NULL),
    [CE_SALESPERSON_CODE] = FIELD(ce_t, salesperson_code, RELM_FT_CODE, RO, 20, NULL, NULL),
    [CE_CANCELED] = FIELD(ce_t, canceled, RELM_FT_BOOL, RELM_FF_INT32 | RO, 0, NULL, NULL),
};

_Static_assert(sizeof(entry_fields) / sizeof(entry_fields[0]) == CE_COUNT,
               "one entry per field index");

const relm_entity_t relm_campaign_entry_entity = {
    .name = "campaign entry",
    .table = "campaign_entry",
    .size = sizeof(ce_t),
    .fields = entry_fields,
    .nfields = sizeof(entry_fields) / sizeof(entry_fields[0]),
};

/* Rules on the fields of a campaign (c->no may still be blank on add). */
static int check_campaign(relm_t *r, const relm_campaign_t *c, int salesperson, relm_error_t *err)
{
    const char *no = c->no[0] ? c->no : "(new)";
    if (c->starting_date[0] && c->ending_date[0] && strcmp(c->ending_date, c->starting_date) < 0)
        return relm_error_set(err, RELM_EVALIDATION,
                              "campaign %s: ending_date %s is before starting_date %s", no,
                              c->ending_date, c->starting_date);
    if (salesperson && c->salesperson_code[0]) {
        int64_t n = 0;
        int rc = relm_count(r, "SELECT count(*) FROM salesperson WHERE code = ?",
                            c->salesperson_code, &n, err);
        if (rc)
            return rc;
        if (n == 0)
            return relm_error_set(err, RELM_ENOTFOUND, "campaign %s: salesperson %s does not exist",
                                  no, c->salesperson_code);
    }
    return 0;
}

/* Number the campaign and insert it; runs inside the caller's transaction. */
static int add_in_tx(relm_t *r, relm_campaign_t *c, relm_error_t *err)
{
    relm_setup_t setup;
    int rc = relm_setup_get(r, &setup, err);
    if (rc)
        return rc;
    if ((rc = check_campaign(r, c, 1, err)))
        return rc;
    if (!c->no[0]) {
        if (!setup.campaign_nos[0])
            return relm_error_set(err, RELM_ESETUP,
                                  "campaign no. is blank and marketing setup campaign_nos is not "
                                  "set");
        if ((rc = relm_numseries_next(r, setup.campaign_nos, NULL, c->no, err)))
            return rc;
    } else if (setup.campaign_nos[0]) {
        if ((rc = relm_numseries_check_manual(r, setup.campaign_nos, err)))
            return rc;
    }
    rc = relm_table_exists(r, &relm_campaign_entity, c, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return relm_error_set(err, RELM_EEXISTS, "campaign %s already exists", c->no);
    return relm_table_insert(r, &relm_campaign_entity, c, err);
}

typedef struct add_run {
    relm_campaign_t *c, orig;
} add_run_t;

/* One run of an add: each starts from the caller's record (a number taken is filled in). */
static int add_run(relm_t *r, void *ctx, relm_error_t *err)
{
    add_run_t *a = ctx;
    *a->c = a->orig;
    return add_in_tx(r, a->c, err);
}

int relm_campaign_add(relm_t *r, relm_campaign_t *c, relm_error_t *err)
{
    add_run_t a = {c, *c};
    int rc = relm_transaction(r, add_run, &a, err);
    if (rc) {
        memcpy(c->no, a.orig.no, sizeof(c->no)); /* a number given back is not the caller's */
    }
    return rc;
}

int relm_campaign_get(relm_t *r, const char *no, relm_campaign_t *out, relm_error_t *err)
{
    relm_record_init(&relm_campaign_entity, out);
    int rc = relm_record_set(&relm_campaign_entity, out, NULL, "no", no, err);
    if (rc)
        return rc;
    rc = relm_table_get(r, &relm_campaign_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "campaign %s does not exist", out->no);
    return rc;
}

int relm_campaign_update(relm_t *r, const char *no, const relm_campaign_t *changes,
                         relm_mask_t given, relm_error_t *err)
{
    relm_campaign_t cur;
    int rc = relm_campaign_get(r, no, &cur, err);
    if (rc)
        return rc;
    given &= ~RELM_BIT(CMP_NO); /* the no. is the key: renumbering is not an update */
    relm_record_merge(&relm_campaign_entity, &cur, changes, given);
    if ((rc = check_campaign(r, &cur, (given & RELM_BIT(CMP_SALESPERSON)) != 0, err)))
        return rc;
    return relm_table_update(r, &relm_campaign_entity, &cur, given, err);
}

static const char sql_clear_entry_nos[] =
    "UPDATE interaction_log_entry SET campaign_entry_no = 0 WHERE campaign_no = ?";
static const char sql_delete_entries_of[] = "DELETE FROM campaign_entry WHERE campaign_no = ?";

static int run_text(relm_t *r, const char *sql, const char *v, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, v);
    return relm_stmt_run(s, err);
}

static int delete_in_tx(relm_t *r, const char *no, relm_error_t *err)
{
    relm_campaign_t cur;
    int rc = relm_campaign_get(r, no, &cur, err);
    if (rc)
        return rc;
    int64_t n = 0;
    if ((rc = relm_count(r, "SELECT count(*) FROM interaction_template WHERE campaign_no = ?",
                         cur.no, &n, err)))
        return rc;
    if (n > 0)
        return relm_error_set(err, RELM_EINUSE,
                              "campaign %s is the campaign of %lld interaction template%s and "
                              "cannot be deleted",
                              cur.no, (long long)n, n == 1 ? "" : "s");
    if ((rc = run_text(r, sql_clear_entry_nos, cur.no, err)) ||
        (rc = run_text(r, sql_delete_entries_of, cur.no, err)))
        return rc;
    return relm_table_delete(r, &relm_campaign_entity, &cur, err);
}

static int delete_run(relm_t *r, void *ctx, relm_error_t *err)
{
    return delete_in_tx(r, ctx, err);
}

int relm_campaign_delete(relm_t *r, const char *no, relm_error_t *err)
{
    return relm_transaction(r, delete_run, (void *)no, err);
}

/* ---- campaign entries ---- */

static const char sql_entry_get[] =
    "SELECT entry_no, campaign_no, description, date, user_id, segment_no, "
    "logged_segment_entry_no, salesperson_code, canceled FROM campaign_entry WHERE entry_no = ?";

int relm_campaign_entry_get(relm_t *r, int64_t entry_no, relm_campaign_entry_t *out,
                            relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql_entry_get, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_int(s, 1, entry_no);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        relm_record_init(&relm_campaign_entry_entity, out);
        relm_table_read_row(&relm_campaign_entry_entity, s, out);
    }
    relm_stmt_release(s);
    if (rc == RELM_STEP_DONE)
        return relm_error_set(err, RELM_ENOTFOUND, "campaign entry %lld does not exist",
                              (long long)entry_no);
    return rc < 0 ? rc : 0;
}

static int run_entry(relm_t *r, const char *sql, const relm_campaign_entry_t *ce, int with_no,
                     relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    int i = 1;
    if (with_no)
        relm_stmt_bind_text(s, i++, ce->campaign_no);
    relm_stmt_bind_int(s, i, ce->entry_no);
    return relm_stmt_run(s, err);
}

/* Entries are found through the campaign index: campaign_no first, then the entry no. */
static const char sql_entry_toggle[] =
    "UPDATE campaign_entry SET canceled = 1 - canceled WHERE entry_no = ?";
static const char sql_entry_cancel_entries[] =
    "UPDATE interaction_log_entry SET canceled = ? WHERE campaign_no = ? AND campaign_entry_no = ?";
static const char sql_entry_delete_entries[] =
    "DELETE FROM interaction_log_entry WHERE campaign_no = ? AND campaign_entry_no = ?";
static const char sql_entry_delete[] = "DELETE FROM campaign_entry WHERE entry_no = ?";
static const char sql_ls_canceled[] = "SELECT canceled FROM logged_segment WHERE entry_no = ?";

static int cancel_in_tx(relm_t *r, int64_t entry_no, relm_error_t *err)
{
    relm_campaign_entry_t ce;
    int rc = relm_campaign_entry_get(r, entry_no, &ce, err);
    if (rc)
        return rc;
    if (ce.canceled && ce.logged_segment_entry_no) {
        /* Undoing the cancel under a canceled logged segment would split the mailing. */
        relm_stmt_t *s;
        if ((rc = relm_stmt_prepare(r->store, sql_ls_canceled, &s, err)))
            return rc;
        relm_stmt_bind_int(s, 1, ce.logged_segment_entry_no);
        rc = relm_stmt_step(s, err);
        int ls_canceled = rc == RELM_STEP_ROW && relm_stmt_int(s, 0);
        relm_stmt_release(s);
        if (rc < 0)
            return rc;
        if (ls_canceled)
            return relm_error_set(err, RELM_EVALIDATION,
                                  "campaign entry %lld belongs to logged segment %lld, which is "
                                  "canceled: undo the cancel of the logged segment instead",
                                  (long long)entry_no, (long long)ce.logged_segment_entry_no);
    }
    if ((rc = run_entry(r, sql_entry_toggle, &ce, 0, err)))
        return rc;
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store, sql_entry_cancel_entries, &s, err)))
        return rc;
    relm_stmt_bind_int(s, 1, !ce.canceled);
    relm_stmt_bind_text(s, 2, ce.campaign_no);
    relm_stmt_bind_int(s, 3, ce.entry_no);
    return relm_stmt_run(s, err);
}

static int cancel_run(relm_t *r, void *ctx, relm_error_t *err)
{
    return cancel_in_tx(r, *(const int64_t *)ctx, err);
}

int relm_campaign_entry_cancel(relm_t *r, int64_t entry_no, relm_error_t *err)
{
    return relm_transaction(r, cancel_run, &entry_no, err);
}

static int entry_delete_in_tx(relm_t *r, int64_t entry_no, int64_t *deleted, relm_error_t *err)
{
    relm_campaign_entry_t ce;
    int rc = relm_campaign_entry_get(r, entry_no, &ce, err);
    if (rc)
        return rc;
    if (!ce.canceled)
        return relm_error_set(err, RELM_EINUSE,
                              "campaign entry %lld is not canceled and cannot be deleted (cancel "
                              "it first)",
                              (long long)entry_no);
    /* The campaign entry's row first, then its entries: the order a cancel locks them in. */
    if ((rc = run_entry(r, sql_entry_delete, &ce, 0, err)) ||
        (rc = run_entry(r, sql_entry_delete_entries, &ce, 1, err)))
        return rc;
    *deleted = relm_store_changes(r->store);
    return 0;
}

typedef struct entry_delete_run {
    int64_t entry_no, deleted;
} entry_delete_run_t;

static int entry_delete_run(relm_t *r, void *ctx, relm_error_t *err)
{
    entry_delete_run_t *d = ctx;
    d->deleted = 0;
    return entry_delete_in_tx(r, d->entry_no, &d->deleted, err);
}

int relm_campaign_entry_delete(relm_t *r, int64_t entry_no, int64_t *deleted, relm_error_t *err)
{
    entry_delete_run_t d = {entry_no, 0};
    int rc = relm_transaction(r, entry_delete_run, &d, err);
    if (rc)
        return rc;
    if (deleted)
        *deleted = d.deleted;
    return 0;
}
