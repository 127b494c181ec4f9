/*
 * Delivery (domain.md §10): merging an entry's body, sending e-mail from the outbox over
 * SMTP, and rendering hard-copy letters to PDF.
 *
 * Merge fields are written {{SOURCE.FIELD}} with SOURCE one of contact, salesperson,
 * entry (the interaction log entry) and setup (marketing setup), and FIELD a canonical
 * field name of that record. A body is HTML when, after leading white space, it starts
 * with "<" or it contains "<html" (any case); merged values are then HTML-escaped.
 *
 * The outbox: entries whose delivery_status is in_progress. An entry is claimed by one
 * UPDATE that moves it to `sending` before its message leaves, so two workers never send
 * the same entry; the outcome then clears delivery_status (delivered_at set) or sets
 * `error` (delivery_error, delivery_attempts). Entries left in `sending` by a crash are
 * reported and resent only when errors are retried.
 */
#ifndef RELM_DELIVER_H
#define RELM_DELIVER_H

#include <stdint.h>
#include <stdio.h>

#include "relm/record.h"

struct relm;
struct relm_contact;
struct relm_salesperson;
struct relm_interaction;
struct relm_setup;

/* The records a body is merged with; any may be NULL (its fields merge as empty text). */
typedef struct relm_merge_src {
    const struct relm_contact *contact;
    const struct relm_salesperson *salesperson;
    const struct relm_interaction *entry;
    const struct relm_setup *setup;
} relm_merge_src_t;

/* 1 when body counts as HTML (see above), else 0. */
int relm_merge_is_html(const char *body);

/*
 * Check that every merge field of body names a known source and field. what names the
 * body in the message ("interaction template ABSTRACT"). Errors: validation naming the
 * first unknown field.
 */
int relm_merge_check(const char *body, const char *what, relm_error_t *err);

/*
 * Merge body with the records of src; values are HTML-escaped when html is set. Returns a
 * malloc'd string owned by the caller, or NULL when out of memory. Fields that are not
 * known merge as they are written.
 */
char *relm_merge_new(const char *body, const relm_merge_src_t *src, int html);

/*
 * The merged body of entry e: its template's attachment (the variant of the entry's
 * language when there is one), merged with the entry's contact, salesperson and marketing
 * setup. *out (malloc'd, the caller's) receives it, *html (may be NULL) whether it is HTML.
 * Errors: not_found (template), missing_template (the entry has none).
 */
int relm_entry_merge_new(struct relm *r, const struct relm_interaction *e, char **out, int *html,
                         relm_error_t *err);

/*
 * Preview of a template body merged for contact contact_no, as an entry of template
 * template_code for that contact on the work date would merge it: the contact, its
 * salesperson, the entry with the template's defaults (description, flow, campaign,
 * correspondence type; language: language, else the contact's) and marketing setup. body is
 * the text to merge (such as a body being edited and not saved yet); NULL: the saved body of
 * the template's language variant language (NULL or "": the template's own). *out
 * (malloc'd, the caller's) receives the merged text and *html (may be NULL) whether it is
 * HTML (merged values escaped). Nothing is written. Errors: validation (no contact_no; body
 * not UTF-8 or naming an unknown merge field, named), not_found (template, contact, variant).
 */
int relm_template_merge_preview(struct relm *r, const char *template_code, const char *language,
                                const char *body, const char *contact_no, char **out, int *html,
                                relm_error_t *err);

/*
 * Keep body with entry entry_no as its attachment of kind `merged` (replacing an earlier
 * merged one) and point the entry's attachment_no at it; *attachment_no (may be NULL)
 * receives its number. One transaction.
 */
int relm_entry_attachment_store(struct relm *r, int64_t entry_no, const char *content_type,
                                const char *body, int64_t *attachment_no, relm_error_t *err);

/*
 * The body kept with entry entry_no (its attachment_no); *out is malloc'd and the caller's,
 * NULL when the entry has none. Errors: not_found (the entry).
 */
int relm_entry_attachment_get(struct relm *r, int64_t entry_no, char **out, relm_error_t *err);

/* ---- e-mail ---- */

/* Which entries a delivery run sends and how it tries. Zero members take the defaults. */
typedef struct relm_deliver_opts {
    int64_t logged_segment_entry_no; /* 0: every logged segment and single entry */
    int retry_errors;                /* put error and sending entries back into the outbox first */
    long limit;                      /* at most this many entries (<= 0: all) */
    int max_tries;                   /* SMTP tries per entry on temporary failures (default 3) */
    long backoff_ms;        /* wait before the 2nd try, doubled for each next (default 1000) */
    long connect_timeout_s; /* default 10 */
    long timeout_s;         /* whole message, default 60 */
    /* called after each entry: done so far, total waiting at the start, phase NULL (may be
     * NULL) */
    relm_progress_fn progress;
    void *pctx;
    /* asked before each entry; nonzero ends the run there (may be NULL) */
    int (*stop)(void *ctx);
    void *stop_ctx;
} relm_deliver_opts_t;

typedef struct relm_deliver_result {
    int64_t sent;    /* entries sent in this run */
    int64_t failed;  /* entries that ended in error in this run */
    int64_t waiting; /* entries still in the outbox (in_progress) afterwards */
    int64_t stale;   /* entries found in `sending` (a run that stopped mid-send), not resent */
} relm_deliver_result_t;

/*
 * Send the waiting e-mail entries (delivery_status in_progress, correspondence_type email,
 * not canceled, not postponed) in entry order, each as one MIME message over SMTP to
 * marketing setup's smtp_url (login smtp_user with the password of RELM_SMTP_PASSWORD or
 * the file named by RELM_SMTP_PASSWORD_FILE). Failures of single entries are recorded on
 * them and counted, not returned. Errors: setup_missing (no smtp_url, or no password for
 * smtp_user), io (the password file), storage. Stale `sending` entries are counted in
 * res->stale and named in err->warning. Fax entries waiting in the outbox (left there by an
 * older relm) are failed at once with delivery_error "relm does not send faxes", no attempt
 * counted, and counted in res->failed; errors are not retried for them.
 */
int relm_deliver_run(struct relm *r, const relm_deliver_opts_t *o, relm_deliver_result_t *res,
                     relm_error_t *err);

/*
 * Build the MIME message of entry e whose merged body is body: *out (malloc'd, CRLF line
 * ends, the caller's) and its envelope sender and recipient. The Message-ID is
 * e->message_id when set. Errors: validation (no sender, no recipient), out_of_memory.
 */
int relm_deliver_message_new(struct relm *r, const struct relm_interaction *e, const char *body,
                             int html, char **out, char from[256], char to[256], relm_error_t *err);

/* Delivery counts of a logged segment's entries that are not canceled. */
typedef struct relm_delivery_counts {
    int64_t sent;    /* delivered_at set */
    int64_t waiting; /* in_progress or sending */
    int64_t failed;  /* error */
    int64_t letters; /* of the waiting: hard-copy entries, delivered only by printing them */
} relm_delivery_counts_t;

/*
 * Counts of logged segment entry_no; fn (may be NULL) receives each failed entry as a
 * relm_interaction_t (valid during the call). Errors: not_found (the logged segment).
 */
int relm_delivery_counts(struct relm *r, int64_t entry_no, relm_delivery_counts_t *out,
                         relm_row_fn fn, void *ctx, relm_error_t *err);

/*
 * Put the failed e-mail entries of logged segment entry_no (and those left in `sending`)
 * back into the outbox; *count (may be NULL) receives how many. Errors: not_found.
 */
int relm_delivery_retry_errors(struct relm *r, int64_t entry_no, int64_t *count, relm_error_t *err);

/* ---- hard copy ---- */

/*
 * Render the merged letters of the hard-copy entries of logged segment entry_no (not
 * canceled) to a PDF at path, one letter per page in entry (line) order, each with the
 * contact's postal address block; their delivery_status is cleared and delivered_at set
 * in the same transaction. *letters (may be NULL) receives the number of letters.
 * Errors: not_found, segment_empty (no hard-copy entries), io.
 */
int relm_letters_print_segment(struct relm *r, int64_t entry_no, const char *path, int64_t *letters,
                               relm_error_t *err);

/*
 * The same PDF in memory: *out (malloc'd, the caller's) receives it and *len its size. The
 * entries are marked delivered only when mark is set (without it: a preview).
 */
int relm_letters_render_segment(struct relm *r, int64_t entry_no, int mark, char **out, size_t *len,
                                int64_t *letters, relm_error_t *err);

/* The same for the single entry entry_no (of any correspondence type). */
int relm_letters_print_entry(struct relm *r, int64_t entry_no, const char *path, relm_error_t *err);

#endif
