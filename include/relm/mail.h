/*
 * Mail captured as interactions (domain §11): messages read from Maildir folders, mbox files,
 * single .eml files or an IMAP mailbox become interaction log entries.
 *
 * Matching, by address and case-insensitively (ASCII letters):
 * - From a salesperson's e-mail: an outbound entry per contact among the To and Cc addresses,
 *   template setup.outbound_email_template_code, that salesperson. Recipients that are no
 *   contact are left out; with no contact among them the message is unmatched.
 * - Else From a contact's e-mail: an inbound entry (information_flow inbound, initiated_by
 *   them), template setup.inbound_email_template_code. Salesperson: the contact's, else the
 *   salesperson the message was sent to (To or Cc), else the rest of the Create Interaction
 *   chain (the signed-in user's salesperson); with none the message is unmatched.
 * - Otherwise, or when an address belongs to several contacts, or the contact is
 *   privacy-blocked, the message is unmatched: counted and reported with a reason, never
 *   guessed.
 * Every entry gets the decoded subject (cut to 100 characters), the message's Date in local
 * time (none: the work date and now, with a warning), correspondence_type email, contact_via
 * the address, and the raw message as its attachment (kind 'message', message/rfc822; the
 * text as is when it is valid UTF-8, else base64). The Message-ID is stored on the entry (on
 * the first of an outbound message's entries, as it is unique among entries): a message whose
 * Message-ID is already on an entry is a duplicate and is not logged again. An inbound reply
 * whose In-Reply-To or References names the Message-ID of an entry relm delivered takes that
 * entry's campaign and campaign entry, with campaign_response true.
 *
 * Each message is one transaction: its entries and attachments (and, when fetching, the
 * mailbox position) are written together or not at all, so a failure leaves nothing
 * half-written and importing again after a failure skips what was logged as duplicates.
 * A message that cannot be read as mail is reported as a warning and the batch goes on.
 */
#ifndef RELM_MAIL_H
#define RELM_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "relm/error.h"

struct relm;

/* What happened to a message (or, for logged, to one entry of it). */
enum {
    RELM_MAIL_LOGGED = 1,    /* an entry was written (entry_no, contact_no) */
    RELM_MAIL_DUPLICATE = 2, /* its Message-ID is already logged (entry_no: that entry) */
    RELM_MAIL_UNMATCHED = 3, /* nothing logged; text is the reason */
    RELM_MAIL_WARNING = 4,   /* text says what; a broken message is only this */
};

/* One report; every text is borrowed for the duration of the call and never NULL. */
typedef struct relm_mail_event {
    int kind;               /* RELM_MAIL_* */
    const char *source;     /* the file, "FILE#N" in an mbox, or the IMAP URL with ;UID=N */
    const char *from;       /* the sender's address */
    const char *subject;    /* decoded */
    const char *message_id; /* "<...>", or "" when the message has none */
    const char *text;       /* unmatched: the reason; warning: the warning */
    int64_t entry_no;
    const char *contact_no;
    int64_t reply_to_entry_no; /* logged: the delivered entry this message answers, or 0 */
} relm_mail_event_t;

typedef void (*relm_mail_event_fn)(void *ctx, const relm_mail_event_t *ev);

/* A batch: the caller sets fn and ctx (may be NULL) and zeroes the counts; relm counts. */
typedef struct relm_mail_batch {
    relm_mail_event_fn fn;
    void *ctx;
    int64_t messages;   /* messages read */
    int64_t logged;     /* entries written */
    int64_t duplicates; /* messages already logged */
    int64_t unmatched;  /* messages with no entry */
    int64_t warnings;   /* warnings, broken messages included */
    /* May be NULL; asked before each message: non-zero ends the batch there, which is no
     * error (what was read is logged, a fetch's position stays before the next message). */
    int (*stop)(void *ctx);
} relm_mail_batch_t;

/*
 * Check that marketing setup names both e-mail templates and that they exist: setup_missing
 * names the blank setting, missing_template the setting whose template does not exist.
 * Every import and fetch checks this before reading any message.
 */
int relm_mail_check_setup(struct relm *r, relm_error_t *err);

/*
 * Import the raw message (len bytes, borrowed) as described above, in one transaction.
 * source names it in reports. Outcomes of the message (logged, duplicate, unmatched, broken)
 * go to b and return 0; a negative code means the database failed (nothing of this message
 * is written) or setup is missing.
 */
int relm_mail_import_message(struct relm *r, const char *raw, size_t len, const char *source,
                             relm_mail_batch_t *b, relm_error_t *err);

/*
 * Import every message at path: a Maildir folder (a directory with cur/ and/or new/, files
 * read in name order, cur/ first), an mbox file (starts with "From "; ">From " lines are
 * unescaped), or a single message file (.eml). Errors: setup as relm_mail_check_setup, io
 * (path cannot be read), validation (a directory that is no Maildir), or a database failure;
 * messages imported before a failure stay imported.
 */
int relm_mail_import_path(struct relm *r, const char *path, relm_mail_batch_t *b,
                          relm_error_t *err);

/*
 * Fetch the messages of an IMAP mailbox not read before: url is imaps://USER@HOST[:PORT]/MAILBOX
 * (or imap://, which upgrades to TLS when the server offers it), password the login password
 * (borrowed; never taken from the URL, which is refused when it holds one). The position
 * (UIDVALIDITY and the last UID read) is kept per mailbox in mail_fetch_position and advances
 * with each message's transaction; when the server's UIDVALIDITY changed the mailbox is read
 * from the start (Message-IDs keep what was logged from being logged again). Messages are
 * fetched with BODY[], so the server marks them seen. Errors: validation (the URL), io (the
 * server: connection, login, mailbox), setup as relm_mail_check_setup, or a database failure.
 */
int relm_mail_fetch(struct relm *r, const char *url, const char *password, relm_mail_batch_t *b,
                    relm_error_t *err);

/*
 * The summary as JSON, shared by the CLI's --json and the HTTP API: relm_mail_json_new()
 * makes an object with the lists "entries", "duplicate_messages", "unmatched_messages" and
 * "warning_messages" (owned by the caller, json_decref); relm_mail_json_event (a
 * relm_mail_event_fn: ctx is that object) appends an event to its list;
 * relm_mail_json_counts() sets "messages", "logged", "duplicates", "unmatched", "warnings".
 */
struct json_t;
struct json_t *relm_mail_json_new(void);
void relm_mail_json_event(void *ctx, const relm_mail_event_t *ev);
void relm_mail_json_counts(struct json_t *summary, const relm_mail_batch_t *b);

/*
 * The mail message kept with entry entry_no (captured mail), read for display: *out receives
 * a new object (the caller json_decrefs it) {"from", "to", "cc" (address lists as text),
 * "subject", "date" (UTC, RFC 3339, "" without a Date), "message_id", "text" (the first
 * text/plain body, else the first text/html body without its tags; valid UTF-8),
 * "attachments": [{"file_name", "content_type", "size" (decoded bytes)}]}. Errors: not_found
 * when the entry does not exist or keeps no message, validation when the kept text cannot be
 * read as mail.
 */
int relm_mail_entry_message(struct relm *r, int64_t entry_no, struct json_t **out,
                            relm_error_t *err);

/*
 * The IMAP password from the environment: RELM_IMAP_PASSWORD, else the first line of the file
 * named by RELM_IMAP_PASSWORD_FILE. Copied into buf (n bytes). Errors: io (the file cannot be
 * read), validation (neither is set).
 */
int relm_mail_password_from_env(char *buf, size_t n, relm_error_t *err);

/* The stored position of mailbox key (the URL without password): 0, or not_found. */
int relm_mail_fetch_position(struct relm *r, const char *url, int64_t *uidvalidity,
                             int64_t *last_uid, relm_error_t *err);

#endif
