/*
 * Segments, criteria steps with undo/redo, logging and logged segments.
 *
 * A segment is a header (who, when, which interaction) and lines (one per contact). A new
 * line takes the header's values; a line the user changed is "personalised" and keeps its
 * values when the header changes, unless the header is applied to all lines.
 *
 * Lines are added and removed set-wise: every criteria step is one INSERT ... SELECT or
 * DELETE over the contact table, never a loop per contact, so a step over a million
 * contacts takes seconds. Each step is recorded (with its filters as JSON) so that it can
 * be undone exactly, redone, saved under a code and replayed on another segment.
 *
 * Logging (relm_segment_log) turns the lines into interaction log entries in one
 * transaction and removes the segment; logged segments can be canceled (toggled) and
 * reused as the source of a new segment.
 *
 * Files: lib/segment.c (header, lines, set-wise selection), lib/criteria.c (steps),
 * lib/logseg.c (log, logged segments).
 */
#ifndef RELM_SEGMENT_H
#define RELM_SEGMENT_H

#include "relm/record.h"

typedef struct relm_segment {
    char no[RELM_CODE20_SZ];
    char description[RELM_TEXT100_SZ];
    char salesperson_code[RELM_CODE20_SZ];
    char date[RELM_DATE_SZ];
    char campaign_no[RELM_CODE20_SZ];
    int campaign_target;
    int campaign_response;
    /* Interaction section */
    char interaction_template_code[RELM_CODE10_SZ];
    char subject[RELM_TEXT100_SZ];
    char language_code[RELM_CODE10_SZ];
    char correspondence_type[16];
    int ignore_contact_corresp_type;
    char information_flow[16];
    char initiated_by[8];
    int64_t unit_cost;     /* hundredths */
    int64_t unit_duration; /* hundredths of a minute */
    int send_attachments_as_email_attachment;
    /* Computed (read-only) */
    int64_t no_of_lines;
    int64_t no_of_criteria_actions; /* steps in effect (not undone) */
} relm_segment_t;

typedef struct relm_segment_line {
    char segment_no[RELM_CODE20_SZ];
    int64_t line_no;
    char contact_no[RELM_CODE20_SZ];
    char contact_company_no[RELM_CODE20_SZ];
    char salesperson_code[RELM_CODE20_SZ];
    char date[RELM_DATE_SZ];
    char description[RELM_TEXT100_SZ];
    char interaction_template_code[RELM_CODE10_SZ];
    char subject[RELM_TEXT100_SZ];
    char language_code[RELM_CODE10_SZ];
    char correspondence_type[16];
    char information_flow[16];
    char initiated_by[8];
    int64_t cost;
    int64_t duration;
    char evaluation[16];
    int attempt_failed;
    char campaign_no[RELM_CODE20_SZ];
    int campaign_target;
    int campaign_response;
    char contact_via[RELM_TEXT250_SZ];
    char opportunity_no[RELM_CODE20_SZ];
    int personalised;      /* read-only: set when a field of the line is changed */
    int64_t added_by_step; /* read-only: the criteria step that added it (0: none, as a copy) */
    int description_typed; /* read-only: the user typed the description; the template's
                              description no longer replaces it */
} relm_segment_line_t;

/* A recorded criteria step (segment_criteria_step). filters/options are JSON text. */
typedef struct relm_criteria_step {
    int64_t id;
    char segment_no[RELM_CODE20_SZ];
    int64_t step_no;
    char action[16]; /* add | reduce | refine */
    char filters[4096];
    char options[RELM_TEXT250_SZ];
    int undone;
} relm_criteria_step_t;

typedef struct relm_logged_segment {
    int64_t entry_no;
    char segment_no[RELM_CODE20_SZ];
    char description[RELM_TEXT100_SZ];
    char created_at[RELM_STAMP_SZ];
    char user_id[RELM_CODE20_SZ * 2];
    int64_t no_of_interactions;     /* computed */
    int64_t no_of_campaign_entries; /* computed */
    int canceled;
} relm_logged_segment_t;

extern const relm_entity_t relm_segment_entity;
extern const relm_entity_t relm_segment_line_entity;
extern const relm_entity_t relm_criteria_step_entity;
extern const relm_entity_t relm_logged_segment_entity;

/* ---- criteria ---- */

#define RELM_CRITERIA_MAX_FILTERS 32

/*
 * Which contacts a step selects: every filter on a contact field (relm_filter_parse with
 * relm_contact_entity) and, when any of the interaction members is set, an interaction log
 * entry of the contact with that template, in that date range (inclusive), campaign,
 * segment, evaluation and salesperson. Canceled and postponed entries count as the ERP
 * counts them (all entries) unless canceled / postponed say "true" or "false".
 * privacy_blocked contacts are never added. The struct owns all its text.
 *
 * Every member but the filters is described by relm_criteria_entity and is filled only
 * through relm_record_set() (or relm_record_from_json()), so codes are trimmed and
 * upper-cased, dates and evaluations checked, in one place whichever shell passes them on.
 * Options (bools):
 * - add: allow_existing (accepted: a contact is in a segment once anyway), expand_company
 *   (every matched contact brings every contact sharing its company no.),
 *   allow_related_companies (the company of every matched person comes too),
 *   ignore_exclusion (exclude_from_segment contacts are added too);
 * - reduce, refine: entire_companies (the lines of every contact sharing a company no. with
 *   a matched contact are removed / kept).
 */
typedef struct relm_criteria {
    relm_filter_t filters[RELM_CRITERIA_MAX_FILTERS];
    int nfilters;
    char interaction_template_code[RELM_CODE10_SZ];
    char from[RELM_DATE_SZ];
    char to[RELM_DATE_SZ];
    char campaign_no[RELM_CODE20_SZ];
    char segment_no[RELM_CODE20_SZ];
    char evaluation[16];
    char salesperson_code[RELM_CODE20_SZ];
    char canceled[8];  /* "" = any, "true", "false" */
    char postponed[8]; /* "" = any, "true", "false" */
    int allow_existing;
    int expand_company;
    int allow_related_companies;
    int ignore_exclusion;
    int entire_companies;
} relm_criteria_t;

/* The members of relm_criteria_t besides the filters (name "criteria"). */
extern const relm_entity_t relm_criteria_entity;

/* Empty criteria (no filter, no option). */
void relm_criteria_init(relm_criteria_t *c);
/*
 * Add a filter on a contact field ("city=Oslo"); validation when it does not parse, names
 * no contact field, is not valid UTF-8, or is one too many.
 */
int relm_criteria_where(relm_criteria_t *c, const char *text, relm_error_t *err);

struct relm;

/* ---- segment header ---- */

/*
 * Create a segment. A blank no is taken from marketing setup's segment_nos (setup_missing
 * when it is not set); a typed one is allowed only when that series allows manual
 * numbers. date defaults to the work date; salesperson_code to the signed-in user's
 * account salesperson (relm_user(), none when the user has no account or no salesperson). With
 * interaction_template_code given, the Interaction section is filled from the template for the
 * fields not in given. s receives the segment as stored.
 */
int relm_segment_add(struct relm *r, relm_segment_t *s, relm_mask_t given, relm_error_t *err);

/* Fill *out (with no_of_lines and no_of_criteria_actions); not_found names the segment. */
int relm_segment_get(struct relm *r, const char *no, relm_segment_t *out, relm_error_t *err);

/*
 * Change the header fields set in given, in one transaction. A template given fills the
 * Interaction section from the template (fields given alongside win). The header's values
 * then go to every line that is not personalised; with apply_to_all_lines to every line,
 * which loses its personalisation. Salesperson, template and campaign must exist.
 */
int relm_segment_update(struct relm *r, const char *no, const relm_segment_t *changes,
                        relm_mask_t given, int apply_to_all_lines, relm_error_t *err);

/* Delete a segment with its lines and criteria steps. */
int relm_segment_delete(struct relm *r, const char *no, relm_error_t *err);

/*
 * Stream the segments (with their computed counts) in no. order, as relm_list() streams
 * the records of an entity: those that pass every filter (nfilters of them, parsed with
 * relm_filter_parse() on relm_segment_entity; the counts are computed and cannot be
 * filtered on), at most limit of them (<= 0: all). A page after a cursor is the filter
 * "no > CURSOR": a keyset in SQL, so a page far down costs what the first does.
 */
int relm_segment_list(struct relm *r, const relm_filter_t *filters, int nfilters, long limit,
                      relm_row_fn fn, void *ctx, relm_error_t *err);

/* ---- lines ---- */

/*
 * Add one contact by hand, recorded as a criteria step (an add of that contact, exclusion
 * ignored) so that undo removes it again and redo adds it back. The line takes the header's
 * values; salesperson: the header's, else the contact's; correspondence type: the contact's
 * preferred one unless the header ignores it (then, or when the contact has none, the
 * header's); language: the contact's when the template has a variant for it. A contact
 * already in the segment is a no-op and records no step (out receives its line).
 * Errors: not_found (segment, contact), privacy_blocked. out may be NULL.
 */
int relm_segment_line_add(struct relm *r, const char *no, const char *contact_no,
                          relm_segment_line_t *out, relm_error_t *err);

int relm_segment_line_get(struct relm *r, const char *no, int64_t line_no, relm_segment_line_t *out,
                          relm_error_t *err);

/*
 * Personalise a line: set the fields in given (template, subject, language, correspondence
 * type, flow, initiated by, cost, duration, evaluation, attempt_failed, campaign fields,
 * contact_via, opportunity_no, salesperson, date, description); the line becomes
 * personalised. Template, salesperson and campaign must exist. A new template brings its
 * defaults for the fields not given; its description only while the user has not typed
 * one (a description given non-blank is typed; given blank, the line follows its template
 * again).
 */
int relm_segment_line_update(struct relm *r, const char *no, int64_t line_no,
                             const relm_segment_line_t *changes, relm_mask_t given,
                             relm_error_t *err);

/*
 * Remove a line by hand, recorded as a criteria step (a reduce by that contact) so that
 * undo brings the line back exactly and redo removes it again (the line of a contact
 * deleted since is removed without a step: no step could select it). not_found names the
 * line.
 */
int relm_segment_line_delete(struct relm *r, const char *no, int64_t line_no, relm_error_t *err);

/*
 * Stream the lines of a segment in line order (never loaded as a whole): those with a line
 * no. above `after` (0: from the first), at most limit of them (<= 0: all). The start is
 * found through the key (segment_no, line_no), so the last page of a large segment costs
 * what the first does. not_found when the segment does not exist.
 */
int relm_segment_lines(struct relm *r, const char *no, int64_t after, long limit, relm_row_fn fn,
                       void *ctx, relm_error_t *err);

/*
 * Set-wise building blocks of the criteria steps, also usable on their own (they record no
 * step). added_by_step is stored on the new lines (0: none). *count (may be NULL) receives
 * the number of lines added or removed. Removed lines are first copied to
 * segment_removed_line under step_id when step_id > 0. Run inside the caller's transaction
 * or their own.
 */
int relm_segment_add_matching(struct relm *r, const char *no, const relm_criteria_t *c,
                              int64_t added_by_step, int64_t *count, relm_error_t *err);
/* keep = 0: remove the lines whose contacts match (reduce); 1: keep only those (refine). */
int relm_segment_remove_matching(struct relm *r, const char *no, const relm_criteria_t *c, int keep,
                                 int64_t step_id, int64_t *count, relm_error_t *err);

/*
 * Which entries of a logged segment to take contacts from (reuse, follow-up). Filled
 * through relm_record_set() with relm_reuse_filter_entity: evaluation one of
 * relm_evaluations, attempt_failed and campaign_response "true", "false" or "" (any).
 */
typedef struct relm_reuse_filter {
    char evaluation[16];       /* "" = any */
    char attempt_failed[8];    /* "" = any, "true", "false" */
    char campaign_response[8]; /* "" = any, "true", "false" */
} relm_reuse_filter_t;

extern const relm_entity_t relm_reuse_filter_entity;

/* Any entry: every member blank. */
void relm_reuse_filter_init(relm_reuse_filter_t *f);

/*
 * Add the contacts of logged segment entry_no's interaction log entries matching f (NULL:
 * all) to segment no as new lines (header values, contact rules as for relm_segment_line_add;
 * privacy_blocked contacts are left out).
 */
int relm_segment_add_from_logged(struct relm *r, const char *no, int64_t entry_no,
                                 const relm_reuse_filter_t *f, int64_t *count, relm_error_t *err);

/*
 * Copy the lines of segment `from` into the empty segment `to`, keeping their line numbers
 * and contacts and taking `to`'s header values (the follow-up segment of a log).
 * privacy_blocked contacts are left out; *count (may be NULL) receives the lines copied.
 */
int relm_segment_copy_lines(struct relm *r, const char *to, const char *from, int64_t *count,
                            relm_error_t *err);

/* ---- criteria steps (lib/criteria.c) ---- */

/*
 * Each call records one step (discarding undone steps first) and applies it in one
 * transaction; *count (may be NULL) receives the lines added or removed. The step is
 * recorded as text first and what runs is read back from that text, so redo and reuse run
 * exactly what ran. add: contacts matching c; reduce: remove the lines whose contacts
 * match; refine: keep only those. An option the action does not take is a validation
 * error, as is a filter value that is not valid UTF-8.
 */
int relm_segment_add_contacts(struct relm *r, const char *no, const relm_criteria_t *c,
                              int64_t *count, relm_error_t *err);
int relm_segment_reduce(struct relm *r, const char *no, const relm_criteria_t *c, int64_t *count,
                        relm_error_t *err);
int relm_segment_refine(struct relm *r, const char *no, const relm_criteria_t *c, int64_t *count,
                        relm_error_t *err);

/*
 * Undo the last step in effect exactly (lines removed by it come back with their
 * personalisation; lines added by it go). Redo re-applies the step undone last.
 * not_found names the segment, or says there is nothing to undo / redo.
 */
int relm_segment_undo(struct relm *r, const char *no, relm_error_t *err);
int relm_segment_redo(struct relm *r, const char *no, relm_error_t *err);

/* Stream the recorded steps of a segment in order (undone ones included, flagged). */
int relm_segment_steps(struct relm *r, const char *no, relm_row_fn fn, void *ctx,
                       relm_error_t *err);

/* Save the steps in effect of segment no under code (already_exists when taken). */
int relm_criteria_save(struct relm *r, const char *no, const char *code, const char *description,
                       relm_error_t *err);
/* Replay saved criteria code on segment no, each saved step as a new step, in one transaction. */
int relm_criteria_reuse(struct relm *r, const char *code, const char *no, relm_error_t *err);
int relm_criteria_delete(struct relm *r, const char *code, relm_error_t *err);

/* Text form of c for a step's filters / options (malloc'd, caller frees); NULL if no memory. */
char *relm_criteria_filters_json(const relm_criteria_t *c);
char *relm_criteria_options_json(const relm_criteria_t *c);
/* Rebuild c from that text (validation when it does not parse). */
int relm_criteria_from_json(relm_criteria_t *c, const char *filters, const char *options,
                            relm_error_t *err);

/* ---- logging (lib/logseg.c) ---- */

enum {
    RELM_LOG_FOLLOW_UP = 1, /* create a follow-up segment with the same contacts */
    RELM_LOG_DELIVER = 2,   /* e-mail and hard-copy lines wait in the outbox, fax lines fail */
};

typedef struct relm_log_result {
    int64_t logged_segment_entry_no;
    int64_t entries;                   /* interaction log entries written */
    int64_t campaign_entries;          /* campaign entries written */
    int64_t blank_correspondence;      /* lines logged with a blank correspondence type */
    int64_t faxes_not_sent;            /* with deliver: fax lines logged as failed */
    char follow_up_no[RELM_CODE20_SZ]; /* "" without RELM_LOG_FOLLOW_UP */
} relm_log_result_t;

/*
 * Log segment no (flags RELM_LOG_*). Every check runs before anything is written: the
 * segment exists (not_found) and is not being logged by another process (conflict), has a
 * description (validation) and lines (segment_empty), was not logged before (already_exists);
 * every line has a date, an existing contact that is not privacy-blocked (privacy_blocked),
 * an existing salesperson (missing_salesperson / not_found), an existing template
 * (missing_template) and campaign; follow-up needs marketing setup segment_nos
 * (setup_missing). An e-mail (fax) line whose contact has no e-mail (fax no.) is refused
 * with deliver (missing_email / missing_fax), otherwise logged with a blank correspondence
 * type. With deliver, every line with a correspondence type needs a body: the attachment of
 * its template's variant for the line's language (when there is one), else of the template
 * (validation, naming the line and template). Then, in one transaction: the logged segment,
 * one campaign entry per campaign, one interaction log entry per line (with deliver, those
 * with correspondence type email or hard_copy get delivery_status in_progress: e-mails are
 * sent by relm_deliver_run, letters wait to be printed; fax lines get delivery_status error
 * with delivery_error "relm does not send faxes", counted in faxes_not_sent and named in a
 * warning), the follow-up segment, and the segment is removed.
 * out and progress may be NULL; progress counts the steps (total 5) and names each.
 */
int relm_segment_log(struct relm *r, const char *no, unsigned flags, relm_log_result_t *out,
                     relm_progress_fn progress, void *pctx, relm_error_t *err);

/* ---- logged segments ---- */

int relm_logged_segment_get(struct relm *r, int64_t entry_no, relm_logged_segment_t *out,
                            relm_error_t *err);
/*
 * Stream logged segments, newest first: those with an entry no. below `after` (0: from the
 * newest), at most limit of them (<= 0: all); a keyset in SQL, like relm_segment_lines.
 */
int relm_logged_segment_list(struct relm *r, int64_t after, long limit, relm_row_fn fn, void *ctx,
                             relm_error_t *err);

/*
 * Toggle canceled on the logged segment, all its interaction log entries and its campaign
 * entries (cancel and undo-cancel), in one transaction.
 */
int relm_logged_segment_cancel(struct relm *r, int64_t entry_no, relm_error_t *err);

/*
 * Delete a canceled logged segment in one transaction. Its interaction log entries and
 * campaign entries stay, detached from it (logged_segment_entry_no = 0); they keep their
 * segment_no, so the history still says which segment a mailing came from. *kept (may be
 * NULL) receives the number of interaction log entries that stayed. not_found; in_use
 * while the logged segment is not canceled.
 */
int relm_logged_segment_delete(struct relm *r, int64_t entry_no, int64_t *kept, relm_error_t *err);

/*
 * New segment (numbered from segment_nos, described "Reuse of segment X") holding the
 * contacts of the logged segment's entries that match f (NULL: all). new_no receives its
 * no.; *count (may be NULL) the number of lines.
 */
int relm_logged_segment_reuse(struct relm *r, int64_t entry_no, const relm_reuse_filter_t *f,
                              char new_no[RELM_CODE20_SZ], int64_t *count, relm_error_t *err);

#endif
