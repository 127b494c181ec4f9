/*
 * Interaction log entries: create (from a contact, a salesperson or an existing entry),
 * postpone, resume, delete, cancel, evaluate, comment lines, delete canceled entries, and
 * list with cursor paging.
 *
 * An entry is written by relm_interaction_create() (or finished by relm_interaction_resume())
 * after every rule of the Create Interaction dialog has passed: the contact exists and is not
 * privacy-blocked, the template exists, a salesperson is found (given, else the signed-in
 * user's account salesperson, else the contact's) and exists, a date and a description are
 * there (the template's, or typed when it has none), and the correspondence type can be
 * served (an e-mail address or fax no. is there). Fields not given are defaulted from the
 * template and the contact; marketing setup's defaults are not used (they are stamped onto
 * new contacts only). A postponed entry passes the same checks except the delivery checks,
 * holds every value the dialog would use, and never counts in statistics.
 *
 * Single interactions with a campaign share one campaign entry per campaign, described
 * "Interactions" and written by the first of them.
 *
 * Entry numbers come from the interaction_log_entry counter inside the writing transaction:
 * they increase, are never reused, and a refused call consumes none.
 */
#ifndef RELM_INTERACTION_H
#define RELM_INTERACTION_H

#include "relm/record.h"

typedef struct relm_interaction {
    int64_t entry_no;
    char contact_no[RELM_CODE20_SZ];
    char contact_company_no[RELM_CODE20_SZ];
    char date[RELM_DATE_SZ];
    char time[RELM_TIME_SZ];
    char description[RELM_TEXT100_SZ];
    char subject[RELM_TEXT100_SZ];
    char information_flow[16]; /* "" | outbound | inbound */
    char initiated_by[8];      /* "" | us | them */
    int attempt_failed;
    char evaluation[16]; /* "" | very_positive | positive | neutral | negative | very_negative */
    char interaction_group_code[RELM_CODE10_SZ];
    char interaction_template_code[RELM_CODE10_SZ];
    int64_t cost;     /* hundredths */
    int64_t duration; /* hundredths of a minute */
    char salesperson_code[RELM_CODE20_SZ];
    char user_id[RELM_CODE20_SZ * 2];
    char segment_no[RELM_CODE20_SZ];
    int64_t logged_segment_entry_no;
    char campaign_no[RELM_CODE20_SZ];
    int64_t campaign_entry_no;
    int campaign_target;
    int campaign_response;
    char correspondence_type[16]; /* "" | hard_copy | email | fax */
    char language_code[RELM_CODE10_SZ];
    char contact_via[RELM_TEXT250_SZ]; /* the address, e-mail or number used */
    char opportunity_no[RELM_CODE20_SZ];
    char task_no[RELM_CODE20_SZ];
    int64_t attachment_no;
    char delivery_status[16]; /* "" | in_progress | sending | error */
    int canceled;
    int postponed;
    char created_at[RELM_STAMP_SZ];
    char message_id[RELM_TEXT250_SZ]; /* of the e-mail sent for it or captured as it */
    char delivered_at[RELM_STAMP_SZ];
    char delivery_error[RELM_TEXT250_SZ]; /* the last failure, as the server answered */
    int64_t delivery_attempts;
} relm_interaction_t;

/*
 * Field table of interaction_log_entry. Fields the library always sets itself
 * (contact_company_no, interaction_group_code, user_id, segment and campaign entry links,
 * contact_via, attachment_no, delivery_status, canceled, postponed, created_at, message_id,
 * delivered_at, delivery_error, delivery_attempts) are read-only: relm_record_set() refuses them.
 */
extern const relm_entity_t relm_interaction_entity;
extern const char *const relm_evaluations[];
extern const char *const relm_delivery_statuses[];

struct relm;

/*
 * Fill in rec as Create Interaction would, without writing anything: apply every default
 * for the fields not set in given and run every check, the required fields in the order
 * contact_no, interaction_template_code, salesperson_code, date, description. Fields not in
 * given are overwritten. Errors: validation (contact_no or description missing), not_found
 * (contact, salesperson or campaign), privacy_blocked, missing_template, missing_salesperson,
 * missing_email, missing_fax.
 */
int relm_interaction_prepare(struct relm *r, relm_interaction_t *rec, relm_mask_t given,
                             relm_error_t *err);

/*
 * Create Interaction from a contact (contact_no given) or from a salesperson
 * (salesperson_code given; contact_no is still required): prepare as above, then write one
 * entry with the next entry_no in one transaction. An entry with a campaign joins the
 * campaign's shared campaign entry of single interactions (the first one not canceled),
 * written now if there is none (campaign_entry_no). rec receives the entry as written;
 * rec->entry_no in the input is ignored.
 */
int relm_interaction_create(struct relm *r, relm_interaction_t *rec, relm_mask_t given,
                            relm_error_t *err);

/*
 * relm_interaction_create with the n comment lines typed in the dialog (texts borrowed,
 * dated the work date), written in the same transaction: a refused comment writes nothing.
 */
int relm_interaction_create_commented(struct relm *r, relm_interaction_t *rec, relm_mask_t given,
                                      const char *const *comments, int n, relm_error_t *err);

/*
 * Start Create Interaction from an existing entry: set contact_no and salesperson_code of
 * rec from entry from_entry_no unless they are given, and add them to *given.
 * not_found names the entry.
 */
int relm_interaction_init_from_entry(struct relm *r, int64_t from_entry_no, relm_interaction_t *rec,
                                     relm_mask_t *given, relm_error_t *err);

/* Create Interaction from an existing entry: relm_interaction_init_from_entry, then create. */
int relm_interaction_create_from_entry(struct relm *r, int64_t from_entry_no,
                                       relm_interaction_t *rec, relm_mask_t given,
                                       relm_error_t *err);

/*
 * Postpone ("finish this interaction later"): check the required fields as
 * relm_interaction_prepare does (contact, template, salesperson, date, description, with the
 * same errors) and store, with postponed = true, every value the dialog holds, the defaults
 * included. The delivery checks (missing_email, missing_fax) are skipped and no campaign
 * entry is written. With rec->entry_no > 0 the postponed entry of that number is updated
 * instead (refused unless it is postponed), its stored values counting as given as in
 * relm_interaction_resume(). rec receives the stored entry.
 */
int relm_interaction_postpone(struct relm *r, relm_interaction_t *rec, relm_mask_t given,
                              relm_error_t *err);

/* relm_interaction_postpone with comment lines, as relm_interaction_create_commented. */
int relm_interaction_postpone_commented(struct relm *r, relm_interaction_t *rec, relm_mask_t given,
                                        const char *const *comments, int n, relm_error_t *err);

/*
 * The fields a user fills in that hold a value in rec (text not blank, number not zero):
 * what a postponed entry counts as given when it is resumed.
 */
relm_mask_t relm_interaction_filled(const relm_interaction_t *rec);

/*
 * Resume postponed entry entry_no: the fields set in given are taken from changes over the
 * stored values; the stored values that are filled in count as given, except the date and
 * time, which start again at the work date and now, and, when changes name another template,
 * the fields that template brings. Every check and default of relm_interaction_create()
 * applies; the entry keeps its entry_no and loses its postponed flag, in one transaction.
 * changes receives the finished entry.
 */
int relm_interaction_resume(struct relm *r, int64_t entry_no, relm_interaction_t *changes,
                            relm_mask_t given, relm_error_t *err);

/* relm_interaction_resume with comment lines, as relm_interaction_create_commented. */
int relm_interaction_resume_commented(struct relm *r, int64_t entry_no, relm_interaction_t *changes,
                                      relm_mask_t given, const char *const *comments, int n,
                                      relm_error_t *err);

/*
 * Delete a postponed or canceled entry (in_use otherwise) with its comment lines. A campaign
 * entry of single interactions goes with its last entry; one other entries use stays.
 */
int relm_interaction_delete(struct relm *r, int64_t entry_no, relm_error_t *err);

/*
 * Toggle canceled on each of the n entries (cancel and undo-cancel). Only the entries change:
 * a shared campaign entry is canceled on its own. Postponed entries are refused, and so is a
 * list that names an entry more than once, and undo-cancel of an entry whose logged segment
 * or campaign entry is canceled (validation, naming the entry and the logged segment or
 * campaign entry). All or nothing.
 */
int relm_interaction_cancel(struct relm *r, const int64_t *entry_nos, int n, relm_error_t *err);

/*
 * Set evaluation (one of relm_evaluations; "" clears it, NULL keeps it) and attempt_failed
 * (0 or 1; -1 keeps it) of entry_no.
 */
int relm_interaction_evaluate(struct relm *r, int64_t entry_no, const char *evaluation,
                              int attempt_failed, relm_error_t *err);

/* Which canceled entries to delete; every blank / zero member is "any". */
typedef struct relm_interaction_filter {
    int64_t entry_no_from; /* entry no. range, inclusive */
    int64_t entry_no_to;
    const char *contact_no; /* a company includes its persons */
    const char *from;       /* date range, inclusive */
    const char *to;
    const char *campaign_no;
    const char *interaction_group_code;
    const char *interaction_template_code;
    const char *salesperson_code;
    int dry_run; /* only count them */
} relm_interaction_filter_t;

/*
 * Delete every canceled entry matching f (NULL: all), with their comment lines, in one
 * transaction. A campaign entry of single interactions goes when none of its entries is
 * left; one other entries still use stays. *count (may be NULL) receives the number of
 * entries deleted (with f->dry_run: that would be deleted; nothing is). Errors: validation
 * (a bad date or code, an empty entry no. range).
 */
int relm_interaction_delete_canceled(struct relm *r, const relm_interaction_filter_t *f,
                                     int64_t *count, relm_error_t *err);

/* Comment lines -------------------------------------------------------------------- */

typedef struct relm_interaction_comment {
    int64_t entry_no;
    int64_t line_no; /* 10000, 20000, ... in the order they were added */
    char date[RELM_DATE_SZ];
    char comment[RELM_TEXT80_SZ];
} relm_interaction_comment_t;

/* Field table of interaction_comment (entry_no and line_no are set by relm). */
extern const relm_entity_t relm_interaction_comment_entity;

/*
 * Add a comment line to entry entry_no, dated date (NULL or "": the work date). out (may be
 * NULL) receives the line. Errors: not_found (the entry), validation (blank or too long a
 * comment, a bad date).
 */
int relm_interaction_comment_add(struct relm *r, int64_t entry_no, const char *date,
                                 const char *comment, relm_interaction_comment_t *out,
                                 relm_error_t *err);

/* Delete comment line line_no of entry entry_no; not_found names the line. */
int relm_interaction_comment_delete(struct relm *r, int64_t entry_no, int64_t line_no,
                                    relm_error_t *err);

/*
 * Stream the comment lines of entry entry_no to fn (rows are relm_interaction_comment_t, valid
 * during the call) in line order. not_found names the entry.
 */
int relm_interaction_comment_list(struct relm *r, int64_t entry_no, relm_row_fn fn, void *ctx,
                                  relm_error_t *err);

/* Fill *out with entry entry_no; not_found names the entry. */
int relm_interaction_get(struct relm *r, int64_t entry_no, relm_interaction_t *out,
                         relm_error_t *err);

/*
 * Listing position: the (date, time, entry_no) of the last row returned. Entries come
 * newest first, so the next page holds the entries ordered after this one. entry_no 0 = start.
 * A listing sorted by another field (relm_interaction_query_t.sort) carries that sort and
 * the last row's sort key instead of date and time, so that the next page starts after the
 * same (key, entry_no) pair in the same order.
 */
typedef struct relm_interaction_cursor {
    char date[RELM_DATE_SZ];
    char time[RELM_TIME_SZ];
    int64_t entry_no;
    char sort[48];             /* the canonical sort ("cost:desc"); "" = the default order */
    char key[RELM_TEXT100_SZ]; /* the last row's sort key in text form (with sort) */
} relm_interaction_cursor_t;

/* Room for a cursor's text form, NUL included. */
#define RELM_INTERACTION_CURSOR_SZ (48 + 2 * RELM_TEXT100_SZ + 32)

/*
 * Text form "DATE_TIME_ENTRYNO" (e.g. "2026-03-15_10:30:00_42") in the default order, or
 * "SORT~HEXKEY~ENTRYNO" (e.g. "cost:desc~3132353030~42") with a sort; "" for the start.
 * Parsing refuses (validation) text that is neither.
 */
void relm_interaction_cursor_format(const relm_interaction_cursor_t *c, char *buf, size_t n);
int relm_interaction_cursor_parse(const char *text, relm_interaction_cursor_t *out,
                                  relm_error_t *err);

enum {
    RELM_IQ_POSTPONED = 1, /* postponed entries only (otherwise they are left out) */
    RELM_IQ_CANCELED = 2,  /* canceled entries only (otherwise both are listed) */
    RELM_IQ_OUTBOX = 4,    /* the e-mail outbox: not canceled, waiting, being sent or failed
                              (delivery_status in_progress, sending or error) */
    RELM_IQ_ACTIVE = 8,    /* entries not canceled (with RELM_IQ_CANCELED: refused) */
};

/* A query; every blank / zero member is "any". */
typedef struct relm_interaction_query {
    const char *contact_no; /* a company includes its persons */
    const char *salesperson_code;
    const char *interaction_template_code;
    const char *segment_no;
    int64_t logged_segment_entry_no;
    const char *from; /* date range, inclusive */
    const char *to;
    unsigned flags; /* RELM_IQ_* */
    long limit;     /* <= 0: no limit */
    relm_interaction_cursor_t after;
    /*
     * "FIELD", "FIELD:asc" or "FIELD:desc": a column of relm_interaction_entity (entry_no,
     * date (with time), description, subject, cost, duration, salesperson_code, ...) or
     * contact_name (the contact's current name); ties go by entry_no in the same direction.
     * NULL or "": newest first.
     */
    const char *sort;
    /* Entries whose description, subject, contact no., contact name or contact_via contain
     * this text, ignoring case; NULL or "": any. */
    const char *search;
} relm_interaction_query_t;

/* Names relm_interaction_query_t.sort takes besides the entity's columns. */
#define RELM_INTERACTION_SORT_CONTACT_NAME "contact_name"

/*
 * Stream the entries matching q to fn, newest first (date, time, entry_no descending) or in
 * the order of q->sort, starting after q->after. next (may be NULL) receives the cursor of
 * the last row passed to fn when more rows follow, or entry_no 0 when the listing is
 * complete. Errors: validation naming the sort when it is no sortable field or direction,
 * or when q->after belongs to another sort.
 */
int relm_interaction_list(struct relm *r, const relm_interaction_query_t *q, relm_row_fn fn,
                          void *ctx, relm_interaction_cursor_t *next, relm_error_t *err);

#endif
