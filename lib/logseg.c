/*
 * Logging a segment, and logged segments (list, show, cancel, delete, reuse).
 *
 * A log is one write transaction: it claims the segment (logging = 1, so a second logger
 * finds it claimed, or gone once the first commits), runs every check as one aggregate
 * query over the lines, then writes with set-based statements only: the logged segment,
 * one campaign entry per distinct campaign, one interaction log entry per line (a single
 * INSERT ... SELECT numbered from a block of the entry counter), the follow-up segment,
 * and removes the segment. With a follow-up, the lines' numbers and contacts are staged
 * in a temporary table first and the follow-up's lines written after the removal, into
 * the pages it freed: copying before removing grew the database by the segment's size
 * and wrote every page of it twice. Memory stays bounded whatever the number of lines,
 * and a failure anywhere rolls everything back, counters included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sqlb.h"

typedef relm_logged_segment_t ls_t;

#define RO RELM_FF_READONLY

/* Field indexes of ls_fields[]: each entry below is placed at its index. */
enum {
    LS_ENTRY_NO,
    LS_SEGMENT_NO,
    LS_DESCRIPTION,
    LS_CREATED_AT,
    LS_USER_ID,
    LS_NO_OF_INTERACTIONS,
    LS_NO_OF_CAMPAIGN_ENTRIES,
    LS_CANCELED,
    LS_COUNT
};

static const relm_field_t ls_fields[] = {
    [LS_ENTRY_NO] = FIELD(ls_t, entry_no, RELM_FT_INT, RELM_FF_KEY | RO, 0, NULL, NULL),
    [LS_SEGMENT_NO] = FIELD(ls_t, segment_no, RELM_FT_CODE, RO, 20, NULL, NULL),
    [LS_DESCRIPTION] = FIELD(ls_t, description, RELM_FT_TEXT, RO, 100, NULL, NULL),
    [LS_CREATED_AT] = FIELD(ls_t, created_at, RELM_FT_TIMESTAMP, RO, 0, NULL, NULL),
    [LS_USER_ID] = FIELD(ls_t, user_id, RELM_FT_TEXT, RO, 50, NULL, NULL),
    [LS_NO_OF_INTERACTIONS] =
        FIELD(ls_t, no_of_interactions, RELM_FT_INT, RELM_FF_VIRTUAL | RO, 0, NULL, NULL),
    [LS_NO_OF_CAMPAIGN_ENTRIES] =
        FIELD(ls_t, no_of_campaign_entries, RELM_FT_INT, RELM_FF_VIRTUAL | RO, 0, NULL, NULL),
    [LS_CANCELED] = FIELD(ls_t, canceled, RELM_FT_BOOL, RELM_FF_INT32 | RO, 0, NULL, NULL),
};

_Static_assert(sizeof(ls_fields) / sizeof(ls_fields[0]) == LS_COUNT, "one entry per field index");

const relm_entity_t relm_logged_segment_entity = {
    .name = "logged segment",
    .table = "logged_segment",
    .size = sizeof(ls_t),
    .fields = ls_fields,
    .nfields = sizeof(ls_fields) / sizeof(ls_fields[0]),
};

enum { PHASES = 5 };

static void phase(relm_progress_fn fn, void *ctx, int done, const char *what)
{
    if (fn)
        fn(ctx, done, PHASES, what);
}

static int run_text_int(relm_t *r, const char *sql, const char *t, int64_t i, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, t);
    if (i)
        relm_stmt_bind_int(s, 2, i);
    return relm_stmt_run(s, err);
}

/* ---- claim ---- */

static const char sql_claim[] =
    "UPDATE segment_header SET logging = 1 WHERE no = ? AND logging = 0";
static const char sql_logged_entry_of[] =
    "SELECT coalesce(max(entry_no), 0) FROM logged_segment WHERE segment_no = ?";
static const char sql_header_exists[] = "SELECT count(*) FROM segment_header WHERE no = ?";

static int claim(relm_t *r, const char *no, relm_error_t *err)
{
    int rc = run_text_int(r, sql_claim, no, 0, err);
    if (rc || relm_store_changes(r->store) == 1)
        return rc;
    int64_t n = 0, logged = 0;
    if ((rc = relm_count(r, sql_header_exists, no, &n, err)) ||
        (rc = relm_count(r, sql_logged_entry_of, no, &logged, err)))
        return rc;
    if (n > 0)
        return relm_error_set(err, RELM_ECONFLICT, "segment %s is being logged by another process",
                              no);
    if (logged > 0)
        return relm_error_set(err, RELM_ECONFLICT,
                              "segment %s has already been logged (logged segment %lld)", no,
                              (long long)logged);
    return relm_error_set(err, RELM_ENOTFOUND, "segment %s does not exist", no);
}

/* ---- checks: one aggregate pass over the lines ---- */

enum {
    K_NO_DATE,
    K_NO_CONTACT,
    K_PRIVACY,
    K_NO_SP,
    K_BAD_SP,
    K_NO_TPL,
    K_BAD_CAMPAIGN,
    K_NO_EMAIL,
    K_NO_FAX,
    K_BLANKED,
    K_CAMPAIGNS,
    K_LINES,
    K_FAXES,
};

#define BLANKED                                                                                    \
    "((l.correspondence_type = 'email' AND c.email = '') OR "                                      \
    "(l.correspondence_type = 'fax' AND c.fax_no = ''))"

static const char sql_checks[] =
    "SELECT min(CASE WHEN l.date = '' THEN l.line_no END), "
    "min(CASE WHEN c.no IS NULL THEN l.line_no END), "
    "min(CASE WHEN c.privacy_blocked = 1 THEN l.line_no END), "
    "min(CASE WHEN l.salesperson_code = '' THEN l.line_no END), "
    "min(CASE WHEN l.salesperson_code <> '' AND sp.code IS NULL THEN l.line_no END), "
    "min(CASE WHEN t.code IS NULL THEN l.line_no END), "
    "min(CASE WHEN l.campaign_no <> '' AND cm.no IS NULL THEN l.line_no END), "
    "min(CASE WHEN l.correspondence_type = 'email' AND c.email = '' THEN l.line_no END), "
    "min(CASE WHEN l.correspondence_type = 'fax' AND c.fax_no = '' THEN l.line_no END), "
    "coalesce(sum(CASE WHEN " BLANKED " THEN 1 ELSE 0 END), 0), "
    "count(DISTINCT CASE WHEN l.campaign_no <> '' THEN l.campaign_no END), count(*), "
    "coalesce(sum(CASE WHEN l.correspondence_type = 'fax' AND c.fax_no <> '' THEN 1 ELSE 0 END), "
    "0) FROM segment_line l LEFT JOIN contact c ON c.no = l.contact_no "
    "LEFT JOIN salesperson sp ON sp.code = l.salesperson_code "
    "LEFT JOIN interaction_template t ON t.code = l.interaction_template_code "
    "LEFT JOIN campaign cm ON cm.no = l.campaign_no WHERE l.segment_no = ?";

typedef struct checks {
    int64_t first[K_LINES]; /* first offending line per check, 0 = none */
    int64_t blanked, campaigns, lines;
    int64_t faxes; /* fax lines whose contact has a fax no. */
} checks_t;

static int line_error(relm_t *r, const char *no, int kind, int64_t line_no, relm_error_t *err)
{
    relm_segment_line_t l;
    int rc = relm_segment_line_get(r, no, line_no, &l, err);
    if (rc)
        return rc;
    long long ln = (long long)line_no;
    switch (kind) {
    case K_NO_DATE:
        return relm_error_set(err, RELM_EVALIDATION, "segment %s line %lld has no date", no, ln);
    case K_NO_CONTACT:
        return relm_error_set(err, RELM_ENOTFOUND,
                              "segment %s line %lld: contact %s does not exist", no, ln,
                              l.contact_no);
    case K_PRIVACY:
        return relm_error_set(err, RELM_EPRIVACY,
                              "segment %s line %lld: contact %s is privacy blocked", no, ln,
                              l.contact_no);
    case K_NO_SP:
        return relm_error_set(err, RELM_EMISSINGSP, "segment %s line %lld has no salesperson_code",
                              no, ln);
    case K_BAD_SP:
        return relm_error_set(err, RELM_ENOTFOUND,
                              "segment %s line %lld: salesperson %s does not exist", no, ln,
                              l.salesperson_code);
    case K_NO_TPL:
        if (!l.interaction_template_code[0])
            return relm_error_set(err, RELM_EMISSINGTPL,
                                  "segment %s line %lld has no interaction_template_code", no, ln);
        return relm_error_set(err, RELM_EMISSINGTPL,
                              "segment %s line %lld: interaction template %s does not exist", no,
                              ln, l.interaction_template_code);
    case K_BAD_CAMPAIGN:
        return relm_error_set(err, RELM_ENOTFOUND,
                              "segment %s line %lld: campaign %s does not exist", no, ln,
                              l.campaign_no);
    case K_NO_EMAIL:
        return relm_error_set(err, RELM_EMISSINGEMAIL,
                              "segment %s line %lld: contact %s has no email to deliver to", no, ln,
                              l.contact_no);
    default:
        return relm_error_set(err, RELM_EMISSINGFAX,
                              "segment %s line %lld: contact %s has no fax_no to deliver to", no,
                              ln, l.contact_no);
    }
}

/*
 * With deliver, the first line with a correspondence type whose body would be empty: the
 * language variant's attachment when the template has a variant for the line's language,
 * else the template's. Run only with deliver, so a plain log never reads the bodies.
 */
static const char sql_no_body[] =
    "SELECT l.line_no, l.interaction_template_code, coalesce(v.language_code, '') "
    "FROM segment_line l JOIN interaction_template t ON t.code = l.interaction_template_code "
    "LEFT JOIN interaction_template_language v ON v.template_code = t.code "
    "AND v.language_code = l.language_code "
    "WHERE l.segment_no = ? AND l.correspondence_type <> '' "
    "AND coalesce(v.attachment, t.attachment) = '' ORDER BY l.line_no LIMIT 1";

static int check_bodies(relm_t *r, const char *no, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql_no_body, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, no);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        long long ln = (long long)relm_stmt_int(s, 0);
        const char *tpl = relm_stmt_text(s, 1), *lang = relm_stmt_text(s, 2);
        if (lang[0])
            rc = relm_error_set(err, RELM_EVALIDATION,
                                "segment %s line %lld: interaction template %s language %s has no "
                                "attachment to deliver",
                                no, ln, tpl, lang);
        else
            rc = relm_error_set(err, RELM_EVALIDATION,
                                "segment %s line %lld: interaction template %s has no attachment "
                                "to deliver",
                                no, ln, tpl);
    } else if (rc == RELM_STEP_DONE) {
        rc = 0;
    }
    relm_stmt_release(s);
    return rc;
}

static int run_checks(relm_t *r, const char *no, unsigned flags, checks_t *k, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql_checks, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, no);
    memset(k, 0, sizeof(*k));
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        for (int i = 0; i < K_BLANKED; i++)
            k->first[i] = relm_stmt_is_null(s, i) ? 0 : relm_stmt_int(s, i);
        k->blanked = relm_stmt_int(s, K_BLANKED);
        k->campaigns = relm_stmt_int(s, K_CAMPAIGNS);
        k->lines = relm_stmt_int(s, K_LINES);
        k->faxes = relm_stmt_int(s, K_FAXES);
        rc = 0;
    }
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    for (int i = 0; i < K_BLANKED; i++) {
        if (!k->first[i])
            continue;
        if ((i == K_NO_EMAIL || i == K_NO_FAX) && !(flags & RELM_LOG_DELIVER))
            continue;
        return line_error(r, no, i, k->first[i], err);
    }
    return (flags & RELM_LOG_DELIVER) ? check_bodies(r, no, err) : 0;
}

/* ---- writes ---- */

static const char sql_insert_logged[] =
    "INSERT INTO logged_segment (entry_no, segment_no, description, created_at, user_id, canceled) "
    "VALUES (?, ?, ?, ?, ?, 0)";

static const char sql_campaign_entries[] =
    "INSERT INTO campaign_entry (entry_no, campaign_no, description, date, user_id, segment_no, "
    "logged_segment_entry_no, salesperson_code, canceled) "
    "SELECT ? + ROW_NUMBER() OVER (ORDER BY d.campaign_no) - 1, d.campaign_no, ?, ?, ?, ?, ?, ?, 0 "
    "FROM (SELECT DISTINCT campaign_no FROM segment_line WHERE segment_no = ? "
    "AND campaign_no <> '') d";

#define CORR "CASE WHEN " BLANKED " THEN '' ELSE l.correspondence_type END"

/* One entry per line, numbered in line order from ? (relm_insert_ranked() puts the rank). */
static const char sql_entries_head[] =
    "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, date, time, "
    "description, subject, information_flow, initiated_by, attempt_failed, evaluation, "
    "interaction_group_code, interaction_template_code, cost, duration, salesperson_code, user_id, "
    "segment_no, logged_segment_entry_no, campaign_no, campaign_entry_no, campaign_target, "
    "campaign_response, correspondence_type, language_code, contact_via, opportunity_no, task_no, "
    "attachment_no, delivery_status, delivery_error, canceled, postponed, created_at) "
    "SELECT ? - 1 + ";
static const char sql_entries_tail[] =
    ", l.contact_no, c.company_no, l.date, ?, "
    "l.description, l.subject, l.information_flow, l.initiated_by, l.attempt_failed, l.evaluation, "
    "t.interaction_group_code, l.interaction_template_code, l.cost, l.duration, "
    "l.salesperson_code, "
    "?, l.segment_no, ?, l.campaign_no, coalesce(ce.entry_no, 0), l.campaign_target, "
    "l.campaign_response, " CORR ", l.language_code, "
    "CASE WHEN l.contact_via <> '' THEN l.contact_via ELSE CASE " CORR
    " WHEN 'email' THEN c.email WHEN 'fax' THEN c.fax_no WHEN 'hard_copy' THEN c.address "
    "ELSE '' END END, l.opportunity_no, '', 0, "
    "CASE WHEN ? = 1 AND " CORR " <> '' THEN CASE " CORR " WHEN 'fax' THEN 'error' "
    "ELSE 'in_progress' END ELSE '' END, "
    "CASE WHEN ? = 1 AND " CORR " = 'fax' THEN '" RELM_NO_FAX "' ELSE '' END, 0, 0, ? "
    "FROM segment_line l JOIN contact c ON c.no = l.contact_no "
    "JOIN interaction_template t ON t.code = l.interaction_template_code "
    "LEFT JOIN campaign_entry ce ON ce.logged_segment_entry_no = ? "
    "AND ce.campaign_no = l.campaign_no WHERE l.segment_no = ? ORDER BY l.line_no";
static const char entries_window[] = "ROW_NUMBER() OVER (ORDER BY l.line_no)";

typedef struct entries_args {
    int64_t first, logged_segment;
    const char *now, *user, *stamp, *segment_no;
    int deliver;
} entries_args_t;

static void bind_entries(void *ctx, relm_stmt_t *s)
{
    const entries_args_t *a = ctx;
    relm_stmt_bind_int(s, 1, a->first);
    relm_stmt_bind_text(s, 2, a->now);
    relm_stmt_bind_text(s, 3, a->user);
    relm_stmt_bind_int(s, 4, a->logged_segment);
    relm_stmt_bind_int(s, 5, a->deliver);
    relm_stmt_bind_int(s, 6, a->deliver);
    relm_stmt_bind_text(s, 7, a->stamp);
    relm_stmt_bind_int(s, 8, a->logged_segment);
    relm_stmt_bind_text(s, 9, a->segment_no);
}

static const char sql_stage_create[] =
    "CREATE TEMP TABLE " RELM_STAGED_LINES " (line_no BIGINT NOT NULL, contact_no TEXT NOT NULL)";
static const char sql_stage_lines[] =
    "INSERT INTO " RELM_STAGED_LINES " (line_no, contact_no) SELECT line_no, contact_no "
    "FROM segment_line WHERE segment_no = ? ORDER BY line_no";
static const char sql_stage_drop[] = "DROP TABLE " RELM_STAGED_LINES;
static const char sql_drop_lines[] = "DELETE FROM segment_line WHERE segment_no = ?";
static const char sql_drop_steps[] = "DELETE FROM segment_criteria_step WHERE segment_no = ?";
static const char sql_drop_header[] = "DELETE FROM segment_header WHERE no = ?";

static int write_log(relm_t *r, const relm_segment_t *h, const checks_t *k, unsigned flags,
                     relm_log_result_t *res, relm_progress_fn progress, void *pctx,
                     relm_error_t *err)
{
    char stamp[RELM_STAMP_SZ], now[RELM_TIME_SZ];
    relm_now_stamp(stamp);
    relm_now_time(now);
    int64_t ls = 0;
    int rc = relm_counter_take(r, "logged_segment", 1, &ls, err);
    relm_stmt_t *s;
    if (rc == 0 && (rc = relm_stmt_prepare(r->store, sql_insert_logged, &s, err)) == 0) {
        relm_stmt_bind_int(s, 1, ls);
        relm_stmt_bind_text(s, 2, h->no);
        relm_stmt_bind_text(s, 3, h->description);
        relm_stmt_bind_text(s, 4, stamp);
        relm_stmt_bind_text(s, 5, relm_user(r));
        rc = relm_stmt_run(s, err);
    }
    if (rc)
        return rc;
    res->logged_segment_entry_no = ls;
    if (k->campaigns > 0) {
        int64_t first = 0;
        if ((rc = relm_counter_take(r, "campaign_entry", k->campaigns, &first, err)) ||
            (rc = relm_stmt_prepare(r->store, sql_campaign_entries, &s, err)))
            return rc;
        relm_stmt_bind_int(s, 1, first);
        relm_stmt_bind_text(s, 2, h->description);
        relm_stmt_bind_text(s, 3, h->date);
        relm_stmt_bind_text(s, 4, relm_user(r));
        relm_stmt_bind_text(s, 5, h->no);
        relm_stmt_bind_int(s, 6, ls);
        relm_stmt_bind_text(s, 7, h->salesperson_code);
        relm_stmt_bind_text(s, 8, h->no);
        if ((rc = relm_stmt_run(s, err)))
            return rc;
        res->campaign_entries = relm_store_changes(r->store);
    }
    phase(progress, pctx, 2, "interaction log entries");
    entries_args_t ea = {0, ls, now, relm_user(r), stamp, h->no, (flags & RELM_LOG_DELIVER) != 0};
    if ((rc = relm_counter_take(r, "interaction_log_entry", k->lines, &ea.first, err)) ||
        (rc = relm_insert_ranked(r, sql_entries_head, sql_entries_tail, entries_window,
                                 bind_entries, &ea, &res->entries, err)))
        return rc;
    if (res->entries != k->lines)
        return relm_error_set(err, RELM_ECONFLICT,
                              "segment %s changed while it was being logged: try again", h->no);
    res->blank_correspondence = k->blanked;
    if (flags & RELM_LOG_DELIVER)
        res->faxes_not_sent = k->faxes;
    phase(progress, pctx, 3, "follow-up segment");
    if (flags & RELM_LOG_FOLLOW_UP) {
        relm_segment_t fu;
        relm_mask_t given = 0;
        relm_record_init(&relm_segment_entity, &fu);
        snprintf(fu.description, sizeof(fu.description), "Follow-up on segment %s", h->no);
        relm_copy(fu.campaign_no, sizeof(fu.campaign_no), h->campaign_no);
        relm_segment_t *fup = &fu;
        if ((rc = relm_segment_add(r, fup, given, err)) ||
            (rc = relm_store_exec(r->store, sql_stage_create, err)) ||
            (rc = run_text_int(r, sql_stage_lines, h->no, 0, err)))
            return rc;
        relm_copy(res->follow_up_no, sizeof(res->follow_up_no), fu.no);
    }
    phase(progress, pctx, 4, "removing the segment");
    if ((rc = run_text_int(r, sql_drop_lines, h->no, 0, err)) ||
        (rc = run_text_int(r, sql_drop_steps, h->no, 0, err)) ||
        (rc = run_text_int(r, sql_drop_header, h->no, 0, err)))
        return rc;
    /* The follow-up's lines go where the removed ones were. */
    if (res->follow_up_no[0] && ((rc = relm_segment_copy_staged(r, res->follow_up_no, NULL, err)) ||
                                 (rc = relm_store_exec(r->store, sql_stage_drop, err))))
        return rc;
    return 0;
}

static int log_in_tx(relm_t *r, const char *no, unsigned flags, relm_log_result_t *res,
                     relm_progress_fn progress, void *pctx, relm_error_t *err)
{
    int rc = claim(r, no, err);
    if (rc)
        return rc;
    relm_segment_t h;
    if ((rc = relm_segment_get(r, no, &h, err)))
        return rc;
    if (!h.description[0])
        return relm_error_set(err, RELM_EVALIDATION, "segment %s has no description", h.no);
    if (h.no_of_lines == 0)
        return relm_error_set(err, RELM_ESEGMENTEMPTY, "segment %s is empty", h.no);
    int64_t logged = 0;
    if ((rc = relm_count(r, sql_logged_entry_of, h.no, &logged, err)))
        return rc;
    if (logged > 0)
        return relm_error_set(err, RELM_EEXISTS,
                              "segment %s has already been logged (logged segment %lld)", h.no,
                              (long long)logged);
    if (flags & RELM_LOG_FOLLOW_UP) {
        relm_setup_t setup;
        if ((rc = relm_setup_get(r, &setup, err)))
            return rc;
        if (!setup.segment_nos[0])
            return relm_error_set(err, RELM_ESETUP,
                                  "a follow-up segment needs marketing setup segment_nos: set it "
                                  "or log segment %s without follow-up",
                                  h.no);
    }
    checks_t k;
    if ((rc = run_checks(r, h.no, flags, &k, err)))
        return rc;
    phase(progress, pctx, 1, "logged segment");
    return write_log(r, &h, &k, flags, res, progress, pctx, err);
}

typedef struct log_run {
    const char *no;
    unsigned flags;
    relm_log_result_t res;
    relm_progress_fn progress;
    void *pctx;
} log_run_t;

/* One run of a segment log (relm_tx_fn): counts and progress start again with each run. */
static int log_run(relm_t *r, void *ctx, relm_error_t *err)
{
    log_run_t *l = ctx;
    memset(&l->res, 0, sizeof(l->res));
    phase(l->progress, l->pctx, 0, "checks");
    return log_in_tx(r, l->no, l->flags, &l->res, l->progress, l->pctx, err);
}

int relm_segment_log(relm_t *r, const char *no, unsigned flags, relm_log_result_t *out,
                     relm_progress_fn progress, void *pctx, relm_error_t *err)
{
    relm_segment_t key;
    relm_record_init(&relm_segment_entity, &key);
    int rc = relm_record_set(&relm_segment_entity, &key, NULL, "no", no ? no : "", err);
    if (rc)
        return rc;
    log_run_t l = {.no = key.no, .flags = flags, .progress = progress, .pctx = pctx};
    if ((rc = relm_transaction(r, log_run, &l, err)))
        return rc;
    relm_log_result_t res = l.res;
    phase(progress, pctx, PHASES, "done");
    if (res.blank_correspondence > 0)
        relm_error_warn(err,
                        "%lld lines were logged with a blank correspondence type: their contacts "
                        "have no e-mail address or fax no.",
                        (long long)res.blank_correspondence);
    if (res.faxes_not_sent > 0)
        relm_error_warn(err, "%lld fax entries were logged as failed: " RELM_NO_FAX,
                        (long long)res.faxes_not_sent);
    if (out)
        *out = res;
    return 0;
}

/* ---- logged segments ---- */

/* The counts are of the records in the logged segment's own state: a canceled logged
 * segment counts its canceled entries, an active one those not canceled. */
#define LS_SELECT                                                                                  \
    "SELECT entry_no, segment_no, description, created_at, user_id, canceled, "                    \
    "(SELECT count(*) FROM interaction_log_entry e WHERE e.logged_segment_entry_no = "             \
    "ls.entry_no AND e.canceled = ls.canceled), "                                                  \
    "(SELECT count(*) FROM campaign_entry ce WHERE ce.logged_segment_entry_no = ls.entry_no "      \
    "AND ce.canceled = ls.canceled) "                                                              \
    "FROM logged_segment ls"

static void read_ls(relm_stmt_t *s, relm_logged_segment_t *out)
{
    relm_record_init(&relm_logged_segment_entity, out);
    relm_table_read_row(&relm_logged_segment_entity, s, out);
    out->no_of_interactions = relm_stmt_int(s, 6);
    out->no_of_campaign_entries = relm_stmt_int(s, 7);
}

int relm_logged_segment_get(relm_t *r, int64_t entry_no, relm_logged_segment_t *out,
                            relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, LS_SELECT " WHERE entry_no = ?", &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_int(s, 1, entry_no);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW)
        read_ls(s, out);
    relm_stmt_release(s);
    if (rc == RELM_STEP_DONE)
        return relm_error_set(err, RELM_ENOTFOUND, "logged segment %lld does not exist",
                              (long long)entry_no);
    return rc < 0 ? rc : 0;
}

int relm_logged_segment_list(relm_t *r, int64_t after, long limit, relm_row_fn fn, void *ctx,
                             relm_error_t *err)
{
    sqlb_t *b = sqlb_new(relm_store_fold(r->store));
    if (!b)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    sqlb_sql(b, LS_SELECT);
    /* No cursor means no condition, not a stand-in bound (INT64_MAX) that every engine's
       type for the column would have to hold. */
    if (after > 0) {
        sqlb_sql(b, " WHERE entry_no < ?");
        sqlb_int(b, after);
    }
    sqlb_sql(b, " ORDER BY entry_no DESC");
    sqlb_limit(b, limit);
    relm_stmt_t *s;
    int rc = sqlb_prepare(r, b, &s, err);
    free(b);
    if (rc)
        return rc;
    relm_logged_segment_t rec;
    while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
        read_ls(s, &rec);
        if (fn(ctx, &rec))
            break;
    }
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

static const char sql_toggle_ls[] =
    "UPDATE logged_segment SET canceled = 1 - canceled WHERE entry_no = ?";
static const char sql_cancel_entries[] =
    "UPDATE interaction_log_entry SET canceled = (SELECT canceled FROM logged_segment "
    "WHERE entry_no = ?) WHERE logged_segment_entry_no = ?";
static const char sql_cancel_campaign_entries[] =
    "UPDATE campaign_entry SET canceled = (SELECT canceled FROM logged_segment "
    "WHERE entry_no = ?) WHERE logged_segment_entry_no = ?";

static int run_ids(relm_t *r, const char *sql, int64_t id, int n, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    for (int i = 1; i <= n; i++)
        relm_stmt_bind_int(s, i, id);
    return relm_stmt_run(s, err);
}

static int cancel_run(relm_t *r, void *ctx, relm_error_t *err)
{
    int64_t entry_no = *(const int64_t *)ctx;
    /*
     * Entries follow the logged segment's new state, so the three stay in step. Campaign
     * entries are locked before interaction entries, in the order every write takes them
     * (a campaign entry cancel: its row, then its entries), so the two cannot deadlock.
     */
    int rc = run_ids(r, sql_toggle_ls, entry_no, 1, err);
    if (rc == 0 && (rc = run_ids(r, sql_cancel_campaign_entries, entry_no, 2, err)) == 0)
        rc = run_ids(r, sql_cancel_entries, entry_no, 2, err);
    return rc;
}

int relm_logged_segment_cancel(relm_t *r, int64_t entry_no, relm_error_t *err)
{
    relm_logged_segment_t ls;
    int rc = relm_logged_segment_get(r, entry_no, &ls, err);
    if (rc)
        return rc;
    return relm_transaction(r, cancel_run, &entry_no, err);
}

static const char sql_detach_entries[] =
    "UPDATE interaction_log_entry SET logged_segment_entry_no = 0 "
    "WHERE logged_segment_entry_no = ?";
static const char sql_detach_campaign_entries[] =
    "UPDATE campaign_entry SET logged_segment_entry_no = 0 WHERE logged_segment_entry_no = ?";
static const char sql_delete_ls[] =
    "DELETE FROM logged_segment WHERE entry_no = ? AND canceled = 1";

typedef struct ls_delete {
    int64_t entry_no, kept;
} ls_delete_t;

static int ls_delete_run(relm_t *r, void *ctx, relm_error_t *err)
{
    ls_delete_t *d = ctx;
    int64_t entry_no = d->entry_no;
    relm_logged_segment_t ls;
    int rc = relm_logged_segment_get(r, entry_no, &ls, err);
    if (rc == 0 && !ls.canceled)
        rc = relm_error_set(err, RELM_EINUSE,
                            "logged segment %lld is not canceled and cannot be deleted (cancel "
                            "it first)",
                            (long long)entry_no);
    int64_t n = 0;
    if (rc == 0 && (rc = run_ids(r, sql_detach_entries, entry_no, 1, err)) == 0) {
        n = relm_store_changes(r->store);
        rc = run_ids(r, sql_detach_campaign_entries, entry_no, 1, err);
    }
    if (rc == 0 && (rc = run_ids(r, sql_delete_ls, entry_no, 1, err)) == 0 &&
        relm_store_changes(r->store) != 1)
        rc = relm_error_set(err, RELM_ECONFLICT,
                            "logged segment %lld changed while it was being deleted: try again",
                            (long long)entry_no);
    d->kept = n;
    return rc;
}

int relm_logged_segment_delete(relm_t *r, int64_t entry_no, int64_t *kept, relm_error_t *err)
{
    ls_delete_t d = {.entry_no = entry_no};
    int rc = relm_transaction(r, ls_delete_run, &d, err);
    if (rc)
        return rc;
    if (kept)
        *kept = d.kept;
    return 0;
}

typedef struct reuse_run {
    int64_t entry_no;
    const relm_reuse_filter_t *f;
    int64_t *count;
    char description[sizeof(((relm_segment_t *)0)->description)];
    relm_segment_t seg;
} reuse_run_t;

/* A new segment (its number taken afresh on each run) filled from the logged segment. */
static int reuse_run(relm_t *r, void *ctx, relm_error_t *err)
{
    reuse_run_t *u = ctx;
    relm_record_init(&relm_segment_entity, &u->seg);
    relm_copy(u->seg.description, sizeof(u->seg.description), u->description);
    int rc = relm_segment_add(r, &u->seg, 0, err);
    if (rc == 0)
        rc = relm_segment_add_from_logged(r, u->seg.no, u->entry_no, u->f, u->count, err);
    return rc;
}

int relm_logged_segment_reuse(relm_t *r, int64_t entry_no, const relm_reuse_filter_t *f,
                              char new_no[RELM_CODE20_SZ], int64_t *count, relm_error_t *err)
{
    relm_logged_segment_t ls;
    int rc = relm_logged_segment_get(r, entry_no, &ls, err);
    if (rc)
        return rc;
    if (f && f->evaluation[0]) {
        int ok = 0;
        for (int i = 0; relm_evaluations[i]; i++)
            ok |= strcmp(relm_evaluations[i], f->evaluation) == 0;
        if (!ok)
            return relm_error_set(err, RELM_EVALIDATION,
                                  "evaluation \"%s\" is not one of "
                                  "very_positive, positive, neutral, negative, very_negative",
                                  f->evaluation);
    }
    reuse_run_t u = {.entry_no = entry_no, .f = f, .count = count};
    snprintf(u.description, sizeof(u.description), "Reuse of segment %s", ls.segment_no);
    if ((rc = relm_transaction(r, reuse_run, &u, err)))
        return rc;
    relm_copy(new_no, RELM_CODE20_SZ, u.seg.no);
    return 0;
}
