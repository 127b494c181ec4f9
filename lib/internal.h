/*
 * Library-internal declarations: the handle, the generic table operations that domain
 * files build on, and small helpers. Nothing here is part of the public API.
 */
#ifndef RELM_INTERNAL_H
#define RELM_INTERNAL_H

#include <stdatomic.h>

#include "relm/relm.h"
#include "store/store.h"

struct relm {
    relm_store_t *store;
    char user_id[RELM_CODE20_SZ * 2];
    char workdate[RELM_DATE_SZ];
    int schema_version;
    char migration_backup[4096]; /* where the copy made before the last upgrade went */
};

#define FIELD(type, name, ft, flags, maxlen, choices, def)                                         \
    {                                                                                              \
#name, ft, flags, offsetof(type, name), sizeof(((type *)0)->name), maxlen, choices, def    \
    }

/*
 * Current UTC timestamp in RFC 3339 form, "YYYY-MM-DDTHH:MM:SSZ" (created_at, modified_at,
 * last_used_at, ...), and the local time "HH:MM:SS" (the time of an entry, like its date).
 * Databases written before the "Z" was added hold stamps without it; they are the same
 * UTC instants, and as text they still sort and compare in time order with the new ones.
 */
void relm_now_stamp(char out[RELM_STAMP_SZ]);
void relm_now_time(char out[RELM_TIME_SZ]);

/*
 * Generic row operations over an entity's table. Keys are the RELM_FF_KEY fields of rec
 * (or of the key record). They do not check domain rules: the entity's file does.
 * get: RELM_ENOTFOUND (without a message) when no row matches.
 */
int relm_table_insert(relm_t *r, const relm_entity_t *e, const void *rec, relm_error_t *err);
int relm_table_update(relm_t *r, const relm_entity_t *e, const void *rec, relm_mask_t cols,
                      relm_error_t *err);
int relm_table_get(relm_t *r, const relm_entity_t *e, const void *key, void *out,
                   relm_error_t *err);
int relm_table_delete(relm_t *r, const relm_entity_t *e, const void *key, relm_error_t *err);
/* Exists: 1, not: 0, or a negative error. */
int relm_table_exists(relm_t *r, const relm_entity_t *e, const void *key, relm_error_t *err);

/*
 * relm_list() with a search: rows that also contain text (case folded, as "~") in at least
 * one of the fields any[0..nany-1]. A blank text searches nothing (plain relm_list()).
 */
int relm_list_search(relm_t *r, const relm_entity_t *e, const relm_filter_t *filters, int nfilters,
                     const int *any, int nany, const char *text, long limit, relm_row_fn fn,
                     void *ctx, relm_error_t *err);

/*
 * Field indexes of relm_template_entity (lib/template.c places each entry at its index), for
 * the maps of template defaults that segments and interactions take (relm_record_take).
 */
enum {
    TPL_CODE,
    TPL_GROUP,
    TPL_DESCRIPTION,
    TPL_UNIT_COST,
    TPL_UNIT_DURATION,
    TPL_INFORMATION_FLOW,
    TPL_INITIATED_BY,
    TPL_CORRESPONDENCE_TYPE,
    TPL_IGNORE_CONTACT_CORRESP_TYPE,
    TPL_LANGUAGE_CODE,
    TPL_CAMPAIGN,
    TPL_CAMPAIGN_TARGET,
    TPL_CAMPAIGN_RESPONSE,
    TPL_COUNT
};

/* One field a record takes from another: field `from` of the source, `to` of the target. */
typedef struct relm_take {
    int from, to;
} relm_take_t;

/*
 * Copy the n fields of map from src (entity src_e) into dst (entity dst_e), except the
 * target fields set in given: a template's defaults filling what the caller did not give.
 * The two fields of a pair have the same kind (text, or integer of any width); text is
 * cut at the target's size on a character boundary.
 */
void relm_record_take(const relm_entity_t *dst_e, void *dst, relm_mask_t given,
                      const relm_entity_t *src_e, const void *src, const relm_take_t *map, int n);

/* Whether field f is stored as an integer (bool, int, money, minutes) rather than text. */
int relm_field_is_int(const relm_field_t *f);

/* Read the current row of s (columns in field order, virtual fields skipped) into rec. */
void relm_table_read_row(const relm_entity_t *e, relm_stmt_t *s, void *rec);
/* The comma-separated column list of e (virtual fields skipped), into buf. */
void relm_table_columns(const relm_entity_t *e, char *buf, size_t n);
/* Bind field idx of rec to parameter i. */
void relm_table_bind(const relm_entity_t *e, const void *rec, int idx, relm_stmt_t *s, int i);

/*
 * Login (user.c): the hash an unknown name is verified against, and the number of
 * password verifications made, so tests can see that every login attempt pays for one.
 */
extern const char relm_dummy_password_hash[];
extern atomic_ulong relm_password_verifications;
/* Rows the login throttle table keeps at most (RELM_LOGIN_ROWS; tests lower it). */
extern int relm_login_rows_max;
/* The clock of the login throttle (time() in seconds; tests set their own). */
extern int64_t (*relm_login_clock)(void);

/*
 * The salesperson_code of user account name (normalised as relm_user_get does) into code:
 * 0, RELM_ENOTFOUND when there is no such account (or the name is not a valid one), or a
 * storage error. Reads only that column: Create Interaction asks for it on every entry.
 */
int relm_user_salesperson_code(relm_t *r, const char *name, char code[RELM_CODE20_SZ],
                               relm_error_t *err);

/*
 * End the transaction level opened by relm_begin/relm_store_begin: commit when rc is 0,
 * otherwise roll back and return rc. Either way the level is closed (a failed commit rolls
 * back), so a caller writes `return relm_tx_end(r, rc, err);`.
 */
int relm_tx_end(relm_t *r, int rc, relm_error_t *err);

/* Transactions relm_transaction() has run again after the database aborted them (tests). */
extern atomic_ulong relm_tx_retries;

/* Count rows from SQL with one text parameter (p1 may be NULL for none). */
int relm_count(relm_t *r, const char *sql, const char *p1, int64_t *out, relm_error_t *err);

/*
 * Run INSERT ... SELECT ... ORDER BY with its rows numbered in that order: the rank goes
 * between head and tail, window is the ORDER BY's ROW_NUMBER() OVER (...), and bind(ctx,
 * s) binds the parameters. *changes (may be NULL) receives the rows inserted. Where the
 * store counts rows as the statement produces them (relm_store_sequence) and the plan
 * reads in that order, the counter numbers them; a window copies every row it numbers.
 */
int relm_insert_ranked(relm_t *r, const char *head, const char *tail, const char *window,
                       void (*bind)(void *ctx, relm_stmt_t *s), void *ctx, int64_t *changes,
                       relm_error_t *err);

/* Take n numbers from a counter (entry numbers); *first receives the first one. */
/*
 * A temporary table of (line_no, contact_no) that a log fills from the logged segment's
 * lines before it removes them, so that the follow-up's lines, written after the removal,
 * reuse the pages the removal freed instead of growing the database by as many.
 */
#define RELM_STAGED_LINES "relm_staged_line"

/* The delivery_error of a fax entry logged with deliver: nothing in relm sends faxes, so
 * such an entry fails at once rather than waiting in the outbox for ever. */
#define RELM_NO_FAX "relm does not send faxes"

/* relm_segment_copy_lines() from the staged lines instead of a segment's. */
int relm_segment_copy_staged(relm_t *r, const char *to, int64_t *count, relm_error_t *err);

/*
 * Numbers of one series taken in blocks inside one write transaction (an import): the
 * numbers, warnings and errors are those taking them one by one would give, but the
 * series line is written once per block instead of once per number. Zero-initialise;
 * call relm_numseries_block_release() before the transaction commits, which gives the
 * numbers not handed out back (a gap-free series stays gap-free). A rollback of the
 * transaction gives everything back by itself. Not for savepoints rolled back per row:
 * the block would still count numbers the rollback returned.
 */
typedef struct relm_numseries_block {
    relm_no_series_line_t line;    /* the line as it was before this block */
    char date[RELM_DATE_SZ];       /* the date the block was taken for */
    char next[RELM_CODE20_SZ];     /* the number handed out next */
    char handed[RELM_CODE20_SZ];   /* the last number handed out from this block, or "" */
    char reserved[RELM_CODE20_SZ]; /* the block's last number: the line's last_no_used */
    int64_t left;                  /* numbers of the block not handed out yet */
} relm_numseries_block_t;

/* The next number of series `code` for the work date into out (RELM_CODE20_SZ bytes),
 * from block b; errors as relm_numseries_next(). */
int relm_numseries_block_next(relm_t *r, relm_numseries_block_t *b, const char *code, char *out,
                              relm_error_t *err);

/* Give the numbers of block b not handed out back to their series line. */
int relm_numseries_block_release(relm_t *r, relm_numseries_block_t *b, relm_error_t *err);

int relm_counter_take(relm_t *r, const char *name, int64_t n, int64_t *first, relm_error_t *err);

/*
 * Record criteria step `action` (add, reduce, refine) of c on segment no and apply it as
 * recorded, inside the caller's transaction (lib/criteria.c); *count may be NULL.
 */
int relm_segment_step_in_tx(relm_t *r, const char *no, const char *action, const relm_criteria_t *c,
                            int64_t *count, relm_error_t *err);

/*
 * Write rec, already through relm_interaction_prepare() and then completed by the caller
 * (captured mail sets contact_via, message_id, attachment_no and campaign links), as a new
 * entry with the next entry_no, inside the caller's transaction. With a campaign_no and no
 * campaign_entry_no it joins the campaign's shared entry of single interactions.
 */
int relm_interaction_insert_prepared(relm_t *r, relm_interaction_t *rec, relm_error_t *err);

/*
 * Adding many contacts inside the caller's transaction (imports): marketing setup is read
 * once and lookups are remembered across rows. relm_contact_batch_add() applies every rule
 * of relm_contact_add(); given holds the fields the row set explicitly (a blank field not
 * given takes defaults and inherited values). NULL from _new with err filled.
 */
typedef struct relm_contact_batch relm_contact_batch_t;
relm_contact_batch_t *relm_contact_batch_new(relm_t *r, relm_error_t *err);
int relm_contact_batch_add(relm_t *r, relm_contact_batch_t *b, relm_contact_t *c, relm_mask_t given,
                           relm_error_t *err);
void relm_contact_batch_free(relm_contact_batch_t *b);
/*
 * Take the batch's numbers from contact_nos in blocks (relm_numseries_block_t): the same
 * numbers, one series update per block. Only for a batch in one transaction with no row
 * rolled back on its own; call relm_contact_batch_release() before it commits.
 */
void relm_contact_batch_use_blocks(relm_contact_batch_t *b);
/* Give the numbers of the batch's block not handed out back to the series; 0 or an error. */
int relm_contact_batch_release(relm_t *r, relm_contact_batch_t *b, relm_error_t *err);

/* A country as address books and CRM exports write it ("Norway", "Norge", "NO") as a
 * country code where it is a name relm knows; otherwise v itself. */
const char *relm_country_code(const char *v);

/*
 * Plain text of an HTML body (lib/merge.c): tags dropped, a line break for <br> and the end
 * of a block, the common entities decoded. Malloc'd, the caller's; NULL when out of memory.
 */
char *relm_html_to_text(const char *html);

/*
 * The unmerged body entry e is merged from (lib/merge.c): its template's attachment, or the
 * variant of the entry's language when there is one. *body is malloc'd, the caller's.
 * Errors: missing_template (no template on the entry), not_found.
 */
int relm_entry_template_body(relm_t *r, const relm_interaction_t *e, char **body,
                             relm_error_t *err);

/*
 * The case fold of s (lib/fold.c): full Unicode case folding with canonical composition,
 * the same as the store's relm_fold() SQL function. Malloc'd, the caller's; NULL when out
 * of memory. Text that is not valid UTF-8 is returned unchanged.
 */
char *relm_fold_new(const char *s);
/*
 * The fold of s written to out when s is ASCII (out holds n + 1 bytes, n = strlen(s)):
 * 1; 0 when s is not ASCII (out untouched: fold it with relm_fold_new).
 */
int relm_fold_ascii(const char *s, size_t n, char *out);
/* Whether a and b are equal once folded (out of memory: only when they are the same). */
int relm_fold_equal(const char *a, const char *b);

/*
 * Write the folded copies (search_folded, email_folded; migration 027) of contact no, or
 * of every contact (after the migration that adds them), from what the rows hold now
 * (lib/contact.c). For writes that change name, e-mail or city outside contact.c.
 */
int relm_contact_refold(relm_t *r, const char *no, relm_error_t *err);
int relm_contact_refold_all(relm_t *r, relm_error_t *err);

/* Copy src into a text buffer of size n, truncating at a character boundary. */
void relm_copy(char *dst, size_t n, const char *src);

#endif
