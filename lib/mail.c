/*
 * Mail captured as interactions (include/relm/mail.h): parsing with GMime, matching senders
 * and recipients to contacts and salespersons, writing one entry per matched contact with
 * the message kept as its attachment, and the readers for Maildir, mbox, .eml and IMAP.
 *
 * Invariant: one message, one transaction. Everything a message writes (its entries, their
 * attachments, and the IMAP position past it) commits together, and a Message-ID on an entry
 * means the message is logged, which is what makes a second import report a duplicate.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <gmime/gmime.h>

#include "internal.h"
#include "relm/json.h"

/* ------------------------------------------------------------------------------------ */
/* Setup                                                                                  */

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
    g_mime_init();
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The two templates captured mail is logged with. */
typedef struct mail_setup {
    char inbound[RELM_CODE10_SZ];
    char outbound[RELM_CODE10_SZ];
} mail_setup_t;

static int load_setup(relm_t *r, mail_setup_t *ms, relm_error_t *err)
{
    relm_setup_t s;
    relm_interaction_template_t t;
    relm_error_t scratch = {0};
    int rc = relm_setup_get(r, &s, err);
    if (rc)
        return rc;
    const char *names[2] = {"inbound_email_template_code", "outbound_email_template_code"};
    const char *codes[2] = {s.inbound_email_template_code, s.outbound_email_template_code};
    for (int i = 0; i < 2; i++) {
        if (!codes[i][0])
            return relm_error_set(err, RELM_ESETUP,
                                  "marketing setup: %s is blank; set it to the template captured "
                                  "mail is logged with before importing mail",
                                  names[i]);
        rc = relm_template_get(r, codes[i], &t, &scratch);
        if (rc == RELM_ENOTFOUND)
            return relm_error_set(err, RELM_EMISSINGTPL,
                                  "marketing setup: %s names template %s, which does not exist",
                                  names[i], codes[i]);
        if (rc)
            return relm_error_set(err, rc, "%s", scratch.message);
    }
    relm_copy(ms->inbound, sizeof(ms->inbound), s.inbound_email_template_code);
    relm_copy(ms->outbound, sizeof(ms->outbound), s.outbound_email_template_code);
    return 0;
}

int relm_mail_check_setup(relm_t *r, relm_error_t *err)
{
    mail_setup_t ms;
    return load_setup(r, &ms, err);
}

/* ------------------------------------------------------------------------------------ */
/* Reading a message                                                                      */

#define MAX_RECIPIENTS 200
#define MAX_REFS       50
#define WHY_SZ         6000 /* room for every name a reason quotes */

typedef struct mail_info {
    char from[RELM_TEXT250_SZ];
    char subject[RELM_TEXT100_SZ];
    char message_id[RELM_TEXT250_SZ]; /* "<id>" or "" */
    char date[RELM_DATE_SZ];          /* "" when the message has no readable Date */
    char time[RELM_TIME_SZ];
    int date_header;          /* a Date header is there (readable or not) */
    char *to[MAX_RECIPIENTS]; /* To then Cc, owned */
    int nto;
    char *refs[MAX_REFS]; /* In-Reply-To, then References newest first; "<id>", owned */
    int nrefs;
} mail_info_t;

static void info_free(mail_info_t *mi)
{
    for (int i = 0; i < mi->nto; i++)
        g_free(mi->to[i]);
    for (int i = 0; i < mi->nrefs; i++)
        g_free(mi->refs[i]);
    mi->nto = mi->nrefs = 0;
}

/* Text cut to max characters (UTF-8), control characters as spaces, ends trimmed. */
static void clean_text(char *dst, size_t n, const char *src, int max)
{
    char *tmp = g_strdup(src ? src : "");
    for (char *p = tmp; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    g_strstrip(tmp);
    if (!g_utf8_validate(tmp, -1, NULL)) {
        char *valid = g_utf8_make_valid(tmp, -1);
        g_free(tmp);
        tmp = valid;
    }
    if (g_utf8_strlen(tmp, -1) > max)
        *g_utf8_offset_to_pointer(tmp, max) = '\0';
    relm_copy(dst, n, tmp);
    g_free(tmp);
}

static void add_addresses(mail_info_t *mi, InternetAddressList *l)
{
    if (!l)
        return;
    int n = internet_address_list_length(l);
    for (int i = 0; i < n && mi->nto < MAX_RECIPIENTS; i++) {
        InternetAddress *a = internet_address_list_get_address(l, i);
        if (INTERNET_ADDRESS_IS_GROUP(a)) {
            add_addresses(mi, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
        } else if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
            const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
            if (addr && *addr)
                mi->to[mi->nto++] = g_strdup(addr);
        }
    }
}

static const char *first_address(InternetAddressList *l)
{
    int n = l ? internet_address_list_length(l) : 0;
    for (int i = 0; i < n; i++) {
        InternetAddress *a = internet_address_list_get_address(l, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
            const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
            if (addr && *addr)
                return addr;
        } else if (INTERNET_ADDRESS_IS_GROUP(a)) {
            const char *addr =
                first_address(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
            if (addr)
                return addr;
        }
    }
    return NULL;
}

static void add_refs(mail_info_t *mi, GMimeObject *o, const char *header, int newest_first)
{
    const char *text = g_mime_object_get_header(o, header);
    if (!text)
        return;
    GMimeReferences *refs = g_mime_references_parse(NULL, text);
    if (!refs)
        return;
    int n = g_mime_references_length(refs);
    for (int k = 0; k < n && mi->nrefs < MAX_REFS; k++) {
        const char *id = g_mime_references_get_message_id(refs, newest_first ? n - 1 - k : k);
        if (id && *id)
            mi->refs[mi->nrefs++] = g_strdup_printf("<%s>", id);
    }
    g_mime_references_free(refs);
}

/*
 * Parse raw into mi. Returns NULL and sets why when the bytes are no mail message: GMime
 * cannot parse them, or no header a message has is there, or From holds no address.
 */
static int read_info(const char *raw, size_t len, mail_info_t *mi, char *why, size_t nwhy)
{
    memset(mi, 0, sizeof(*mi));
    GMimeStream *st = g_mime_stream_mem_new_with_byte_array(g_byte_array_new());
    g_mime_stream_write(st, raw, len);
    g_mime_stream_seek(st, 0, GMIME_STREAM_SEEK_SET);
    GMimeParser *p = g_mime_parser_new_with_stream(st);
    g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
    /* Raw 8-bit headers: UTF-8 when they are valid UTF-8, else Windows-1252 (Latin-1). */
    GMimeParserOptions *opts = g_mime_parser_options_new();
    const char *fallback[] = {"UTF-8", "windows-1252", NULL};
    g_mime_parser_options_set_fallback_charsets(opts, fallback);
    GMimeMessage *m = g_mime_parser_construct_message(p, opts);
    g_object_unref(p);
    g_object_unref(st);
    int ok = 0;
    if (!m) {
        snprintf(why, nwhy, "cannot be read as a mail message");
        goto out;
    }
    GMimeObject *o = GMIME_OBJECT(m);
    const char *from_h = g_mime_object_get_header(o, "From");
    const char *mid = g_mime_message_get_message_id(m);
    const char *date_h = g_mime_object_get_header(o, "Date");
    if (!from_h && !mid && !date_h && !g_mime_object_get_header(o, "Subject")) {
        snprintf(why, nwhy, "is not a mail message (it has no From, Date, Subject or Message-ID)");
        goto out;
    }
    const char *from = first_address(g_mime_message_get_from(m));
    if (!from) {
        snprintf(why, nwhy, "has no sender address in From");
        if (mid)
            snprintf(mi->message_id, sizeof(mi->message_id), "<%s>", mid);
        clean_text(mi->subject, sizeof(mi->subject), g_mime_message_get_subject(m), 100);
        goto out;
    }
    relm_copy(mi->from, sizeof(mi->from), from);
    clean_text(mi->subject, sizeof(mi->subject), g_mime_message_get_subject(m), 100);
    if (mid && *mid) {
        char *clean = g_strstrip(g_strdup(mid));
        snprintf(mi->message_id, sizeof(mi->message_id), "<%s>", clean);
        g_free(clean);
    }
    mi->date_header = date_h != NULL;
    GDateTime *dt = g_mime_message_get_date(m);
    if (dt) {
        GDateTime *local = g_date_time_to_local(dt);
        if (local) {
            char *d = g_date_time_format(local, "%Y-%m-%d");
            char *t = g_date_time_format(local, "%H:%M:%S");
            if (d && t && strlen(d) == 10) {
                relm_copy(mi->date, sizeof(mi->date), d);
                relm_copy(mi->time, sizeof(mi->time), t);
            }
            g_free(d);
            g_free(t);
            g_date_time_unref(local);
        }
    }
    add_addresses(mi, g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_TO));
    add_addresses(mi, g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_CC));
    add_refs(mi, o, "In-Reply-To", 0);
    add_refs(mi, o, "References", 1);
    ok = 1;
out:
    g_mime_parser_options_free(opts);
    if (m)
        g_object_unref(m);
    return ok;
}

/* ------------------------------------------------------------------------------------ */
/* Reports                                                                                */

typedef struct msg_ctx {
    relm_mail_batch_t *b;
    const char *source;
    const mail_info_t *mi;
} msg_ctx_t;

static void report(msg_ctx_t *m, int kind, const char *text, int64_t entry_no,
                   const char *contact_no, int64_t reply_to)
{
    relm_mail_batch_t *b = m->b;
    switch (kind) {
    case RELM_MAIL_LOGGED:
        b->logged++;
        break;
    case RELM_MAIL_DUPLICATE:
        b->duplicates++;
        break;
    case RELM_MAIL_UNMATCHED:
        b->unmatched++;
        break;
    default:
        b->warnings++;
        break;
    }
    if (!b->fn)
        return;
    relm_mail_event_t ev = {kind,
                            m->source ? m->source : "",
                            m->mi->from,
                            m->mi->subject,
                            m->mi->message_id,
                            text ? text : "",
                            entry_no,
                            contact_no ? contact_no : "",
                            reply_to};
    b->fn(b->ctx, &ev);
}

/* ------------------------------------------------------------------------------------ */
/* The summary as JSON                                                                    */

json_t *relm_mail_json_new(void)
{
    json_t *o = json_object();
    json_object_set_new(o, "entries", json_array());
    json_object_set_new(o, "duplicate_messages", json_array());
    json_object_set_new(o, "unmatched_messages", json_array());
    json_object_set_new(o, "warning_messages", json_array());
    return o;
}

void relm_mail_json_event(void *ctx, const relm_mail_event_t *ev)
{
    json_t *summary = ctx, *o = json_object();
    const char *list = "warning_messages";
    json_object_set_new(o, "source", json_string(ev->source));
    json_object_set_new(o, "from", json_string(ev->from));
    json_object_set_new(o, "subject", json_string(ev->subject));
    json_object_set_new(o, "message_id", json_string(ev->message_id));
    switch (ev->kind) {
    case RELM_MAIL_LOGGED:
        json_object_set_new(o, "entry_no", json_integer(ev->entry_no));
        json_object_set_new(o, "contact_no", json_string(ev->contact_no));
        json_object_set_new(o, "reply_to_entry_no", json_integer(ev->reply_to_entry_no));
        list = "entries";
        break;
    case RELM_MAIL_DUPLICATE:
        json_object_set_new(o, "entry_no", json_integer(ev->entry_no));
        list = "duplicate_messages";
        break;
    case RELM_MAIL_UNMATCHED:
        json_object_set_new(o, "reason", json_string(ev->text));
        list = "unmatched_messages";
        break;
    default:
        json_object_set_new(o, "warning", json_string(ev->text));
        break;
    }
    json_array_append_new(json_object_get(summary, list), o);
}

void relm_mail_json_counts(json_t *summary, const relm_mail_batch_t *b)
{
    json_object_set_new(summary, "messages", json_integer(b->messages));
    json_object_set_new(summary, "logged", json_integer(b->logged));
    json_object_set_new(summary, "duplicates", json_integer(b->duplicates));
    json_object_set_new(summary, "unmatched", json_integer(b->unmatched));
    json_object_set_new(summary, "warnings", json_integer(b->warnings));
}

/* ------------------------------------------------------------------------------------ */
/* Matching                                                                               */

/* Hard failures end the batch; the others are the outcome of one message. */
static int hard_failure(int rc)
{
    return rc == RELM_ESTORAGE || rc == RELM_ENOMEM || rc == RELM_ECONFLICT ||
           rc == RELM_ENONUMBERS || rc == RELM_ESETUP;
}

/*
 * Codes of rows of table (contact or salesperson) whose email is addr, ignoring case (the
 * full Unicode fold, relm_fold_new(), as contact search and criteria): *n receives how many (at
 * most 8 are kept in codes, comma-separated into list), first the first code and *blocked whether
 * the first one is privacy-blocked.
 */
static int lookup(relm_t *r, int contact, const char *addr, int *n, char *first, size_t nfirst,
                  int *blocked, char *list, size_t nlist, relm_error_t *err)
{
    /* Contacts by their stored folded e-mail (indexed); salespersons are few. */
    static const char sql_ct[] = "SELECT no, privacy_blocked FROM contact WHERE email <> '' AND "
                                 "email_folded = ? ORDER BY no";
    static const char sql_sp[] = "SELECT code, email FROM salesperson WHERE email <> '' "
                                 "ORDER BY code";
    char *folded = relm_fold_new(addr);
    if (!folded)
        return relm_error_set(err, RELM_ENOMEM, "out of memory matching %s", addr);
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, contact ? sql_ct : sql_sp, &s, err);
    if (rc) {
        free(folded);
        return rc;
    }
    if (contact)
        relm_stmt_bind_text(s, 1, folded);
    *n = 0;
    first[0] = '\0';
    list[0] = '\0';
    *blocked = 0;
    size_t len = 0;
    while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
        const char *code = relm_stmt_text(s, 0);
        if (!contact) {
            char *e = relm_fold_new(relm_stmt_text(s, 1));
            int same = e && strcmp(e, folded) == 0;
            free(e);
            if (!same)
                continue;
        }
        if (*n == 0) {
            relm_copy(first, nfirst, code);
            *blocked = contact ? (int)relm_stmt_int(s, 1) : 0;
        }
        if (*n < 8 && len < nlist)
            len += (size_t)snprintf(list + len, nlist - len, "%s%s", *n ? ", " : "", code);
        (*n)++;
    }
    relm_stmt_release(s);
    free(folded);
    return rc < 0 ? rc : 0;
}

/* The entry logged for a message id (either "<id>" or the bare id), or 0. */
static int entry_by_message_id(relm_t *r, const char *mid, int delivered, int64_t *entry_no,
                               char *campaign_no, size_t ncampaign, int64_t *campaign_entry_no,
                               relm_error_t *err)
{
    /*
     * "message_id <> ''" lets the engine use the unique index, which holds only non-blank
     * Message-IDs: without it every message of an import scanned all entries.
     */
    static const char sql_any[] = "SELECT entry_no, campaign_no, campaign_entry_no FROM "
                                  "interaction_log_entry WHERE message_id IN (?, ?) AND "
                                  "message_id <> '' ORDER BY entry_no";
    static const char sql_delivered[] = "SELECT entry_no, campaign_no, campaign_entry_no FROM "
                                        "interaction_log_entry WHERE message_id IN (?, ?) AND "
                                        "message_id <> '' AND delivered_at <> '' ORDER BY entry_no";
    char bare[RELM_TEXT250_SZ];
    size_t l = strlen(mid);
    if (l >= 2 && mid[0] == '<' && mid[l - 1] == '>') {
        memcpy(bare, mid + 1, l - 2);
        bare[l - 2] = '\0';
    } else {
        relm_copy(bare, sizeof(bare), mid);
    }
    char angled[RELM_TEXT250_SZ + 2];
    snprintf(angled, sizeof(angled), "<%s>", bare);
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, delivered ? sql_delivered : sql_any, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, angled);
    relm_stmt_bind_text(s, 2, bare);
    *entry_no = 0;
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        *entry_no = relm_stmt_int(s, 0);
        if (campaign_no)
            relm_copy(campaign_no, ncampaign, relm_stmt_text(s, 1));
        if (campaign_entry_no)
            *campaign_entry_no = relm_stmt_int(s, 2);
    }
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

static void give(relm_mask_t *given, const char *field)
{
    int i = relm_field_index(&relm_interaction_entity, field);
    if (i >= 0)
        *given |= RELM_BIT(i);
}

/* What an entry of this message takes besides its contact. */
typedef struct entry_plan {
    const char *template_code;
    const char *salesperson_code; /* NULL: the Create Interaction chain */
    int inbound;
    const char *campaign_no; /* a reply: the delivered entry's campaign, or NULL */
    int64_t campaign_entry_no;
    int reply;
} entry_plan_t;

static int insert_attachment(relm_t *r, int64_t no, int64_t entry_no, const char *raw, size_t len,
                             const char *file_name, relm_error_t *err)
{
    static const char sql[] =
        "INSERT INTO attachment (attachment_no, entry_no, kind, content_type, file_name, "
        "encoding, body, created_at) VALUES (?, ?, 'message', 'message/rfc822', ?, ?, ?, ?)";
    char stamp[RELM_STAMP_SZ];
    relm_now_stamp(stamp);
    /* g_utf8_validate_len refuses NUL bytes too, which a TEXT column would cut off. */
    int text = g_utf8_validate_len(raw, len, NULL);
    char *body = text ? g_strndup(raw, len) : g_base64_encode((const guchar *)raw, len);
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc == 0) {
        relm_stmt_bind_int(s, 1, no);
        relm_stmt_bind_int(s, 2, entry_no);
        relm_stmt_bind_text(s, 3, file_name);
        relm_stmt_bind_text(s, 4, text ? "" : "base64");
        relm_stmt_bind_text(s, 5, body);
        relm_stmt_bind_text(s, 6, stamp);
        rc = relm_stmt_run(s, err);
    }
    g_free(body);
    return rc;
}

/*
 * Log the message for contact_no reached at address: prepare as Create Interaction, then
 * complete and write the entry and its attachment. A refusal of the Create Interaction rules
 * returns 1 with why filled (the caller reports it); hard failures return negative.
 */
static int log_entry(relm_t *r, const char *contact_no, const char *address, const entry_plan_t *p,
                     const char *message_id, const mail_info_t *mi, const char *raw, size_t len,
                     const char *file_name, relm_interaction_t *rec, char *why, size_t nwhy,
                     relm_error_t *err)
{
    relm_error_t scratch = {0};
    relm_mask_t given = 0;
    relm_record_init(&relm_interaction_entity, rec);
    relm_copy(rec->contact_no, sizeof(rec->contact_no), contact_no);
    give(&given, "contact_no");
    relm_copy(rec->interaction_template_code, sizeof(rec->interaction_template_code),
              p->template_code);
    give(&given, "interaction_template_code");
    if (p->salesperson_code) {
        relm_copy(rec->salesperson_code, sizeof(rec->salesperson_code), p->salesperson_code);
        give(&given, "salesperson_code");
    }
    if (mi->date[0]) {
        relm_copy(rec->date, sizeof(rec->date), mi->date);
        relm_copy(rec->time, sizeof(rec->time), mi->time);
        give(&given, "date");
        give(&given, "time");
    }
    relm_copy(rec->subject, sizeof(rec->subject), mi->subject);
    give(&given, "subject");
    relm_copy(rec->information_flow, sizeof(rec->information_flow),
              p->inbound ? "inbound" : "outbound");
    give(&given, "information_flow");
    relm_copy(rec->initiated_by, sizeof(rec->initiated_by), p->inbound ? "them" : "us");
    give(&given, "initiated_by");
    relm_copy(rec->correspondence_type, sizeof(rec->correspondence_type), "email");
    give(&given, "correspondence_type");
    if (p->reply) {
        if (p->campaign_no && p->campaign_no[0]) {
            relm_copy(rec->campaign_no, sizeof(rec->campaign_no), p->campaign_no);
            give(&given, "campaign_no");
        }
        rec->campaign_response = 1;
        give(&given, "campaign_response");
    }
    int rc = relm_interaction_prepare(r, rec, given, &scratch);
    if (rc) {
        if (hard_failure(rc))
            return relm_error_set(err, rc, "%s", scratch.message);
        relm_copy(why, nwhy, scratch.message);
        return 1;
    }
    relm_copy(rec->contact_via, sizeof(rec->contact_via), address);
    relm_copy(rec->message_id, sizeof(rec->message_id), message_id);
    if (p->reply && p->campaign_no && p->campaign_no[0] &&
        strcmp(rec->campaign_no, p->campaign_no) == 0)
        rec->campaign_entry_no = p->campaign_entry_no;
    int64_t ano;
    if ((rc = relm_counter_take(r, "attachment", 1, &ano, err)))
        return rc;
    rec->attachment_no = ano;
    if ((rc = relm_interaction_insert_prepared(r, rec, err)))
        return rc;
    return insert_attachment(r, ano, rec->entry_no, raw, len, file_name, err);
}

/* Where an IMAP fetch stands: written with the message that moves it on. */
typedef struct fetch_pos {
    const char *mailbox;
    int64_t uidvalidity;
    int64_t uid;
} fetch_pos_t;

static int save_position(relm_t *r, const fetch_pos_t *pos, relm_error_t *err)
{
    static const char sql[] =
        "INSERT INTO mail_fetch_position (mailbox, uidvalidity, last_uid, fetched_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = "
        "excluded.uidvalidity, last_uid = excluded.last_uid, fetched_at = excluded.fetched_at";
    char stamp[RELM_STAMP_SZ];
    relm_now_stamp(stamp);
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, pos->mailbox);
    relm_stmt_bind_int(s, 2, pos->uidvalidity);
    relm_stmt_bind_int(s, 3, pos->uid);
    relm_stmt_bind_text(s, 4, stamp);
    return relm_stmt_run(s, err);
}

static int same_address(const char *a, const char *b)
{
    return relm_fold_equal(a, b);
}

/* The warnings of a message that is logged: said once, before its first entry. */
static void warn_headers(msg_ctx_t *m)
{
    const mail_info_t *mi = m->mi;
    if (!mi->date[0])
        report(m, RELM_MAIL_WARNING,
               mi->date_header ? "its Date cannot be read; logged with today's date and the "
                                 "time now"
                               : "it has no Date; logged with today's date and the time now",
               0, "", 0);
    if (!mi->message_id[0])
        report(m, RELM_MAIL_WARNING,
               "it has no Message-ID, so importing it again would log it again", 0, "", 0);
}

/* Match and log one parsed message inside the open transaction. */
static int match_and_log(relm_t *r, const mail_setup_t *ms, msg_ctx_t *m, const char *raw,
                         size_t len, const char *file_name, relm_error_t *err)
{
    const mail_info_t *mi = m->mi;
    char first[RELM_CODE20_SZ], list[256], why[WHY_SZ];
    int n, blocked, rc;
    relm_interaction_t rec;

    if (mi->message_id[0]) {
        int64_t dup = 0;
        if ((rc = entry_by_message_id(r, mi->message_id, 0, &dup, NULL, 0, NULL, err)))
            return rc;
        if (dup) {
            snprintf(why, sizeof(why), "Message-ID %s is already logged as entry %" PRId64,
                     mi->message_id, dup);
            report(m, RELM_MAIL_DUPLICATE, why, dup, "", 0);
            return 0;
        }
    }
    if ((rc = lookup(r, 0, mi->from, &n, first, sizeof(first), &blocked, list, sizeof(list), err)))
        return rc;
    if (n > 1) {
        snprintf(why, sizeof(why), "several salespersons (%s) have the sender's e-mail %s", list,
                 mi->from);
        report(m, RELM_MAIL_UNMATCHED, why, 0, "", 0);
        return 0;
    }
    if (n == 1) {
        /* Sent by a salesperson: one outbound entry per contact among the recipients. */
        char sp[RELM_CODE20_SZ];
        relm_copy(sp, sizeof(sp), first);
        entry_plan_t p = {ms->outbound, sp, 0, NULL, 0, 0};
        char logged_nos[MAX_RECIPIENTS][RELM_CODE20_SZ];
        int nlogged = 0, refused = 0;
        char last_why[WHY_SZ] = "";
        for (int i = 0; i < mi->nto; i++) {
            int seen = 0;
            for (int k = 0; k < i; k++)
                seen |= same_address(mi->to[k], mi->to[i]);
            if (seen)
                continue;
            if ((rc = lookup(r, 1, mi->to[i], &n, first, sizeof(first), &blocked, list,
                             sizeof(list), err)))
                return rc;
            if (n == 0)
                continue;
            if (n > 1) {
                snprintf(last_why, sizeof(last_why),
                         "recipient %s is the e-mail of several contacts (%s)", mi->to[i], list);
                report(m, RELM_MAIL_WARNING, last_why, 0, "", 0);
                refused++;
                continue;
            }
            if (blocked) {
                snprintf(last_why, sizeof(last_why),
                         "recipient %s is contact %s, which is privacy_blocked", mi->to[i], first);
                report(m, RELM_MAIL_WARNING, last_why, 0, "", 0);
                refused++;
                continue;
            }
            for (int k = 0; k < nlogged; k++)
                seen |= strcmp(logged_nos[k], first) == 0;
            if (seen)
                continue;
            /* The unique Message-ID goes on the first entry of the message. */
            rc = log_entry(r, first, mi->to[i], &p, nlogged ? "" : mi->message_id, mi, raw, len,
                           file_name, &rec, why, 600, err);
            if (rc < 0)
                return rc;
            if (rc == 1) {
                snprintf(last_why, sizeof(last_why), "recipient %s: %.600s", mi->to[i], why);
                report(m, RELM_MAIL_WARNING, last_why, 0, "", 0);
                refused++;
                continue;
            }
            if (nlogged == 0)
                warn_headers(m);
            relm_copy(logged_nos[nlogged++], RELM_CODE20_SZ, rec.contact_no);
            report(m, RELM_MAIL_LOGGED, "", rec.entry_no, rec.contact_no, 0);
        }
        if (nlogged == 0) {
            if (!refused)
                snprintf(last_why, sizeof(last_why),
                         "sent by salesperson %s, but no To or Cc address is a contact's e-mail",
                         sp);
            report(m, RELM_MAIL_UNMATCHED, last_why, 0, "", 0);
        }
        return 0;
    }

    /* Sent by a contact: one inbound entry. */
    if ((rc = lookup(r, 1, mi->from, &n, first, sizeof(first), &blocked, list, sizeof(list), err)))
        return rc;
    if (n == 0) {
        snprintf(why, sizeof(why), "no contact or salesperson has the sender's e-mail %s",
                 mi->from);
        report(m, RELM_MAIL_UNMATCHED, why, 0, "", 0);
        return 0;
    }
    if (n > 1) {
        snprintf(why, sizeof(why), "several contacts (%s) have the sender's e-mail %s", list,
                 mi->from);
        report(m, RELM_MAIL_UNMATCHED, why, 0, "", 0);
        return 0;
    }
    if (blocked) {
        snprintf(why, sizeof(why), "the sender is contact %s, which is privacy_blocked", first);
        report(m, RELM_MAIL_UNMATCHED, why, 0, "", 0);
        return 0;
    }
    char contact_no[RELM_CODE20_SZ];
    relm_copy(contact_no, sizeof(contact_no), first);
    relm_contact_t c;
    relm_error_t scratch = {0};
    if ((rc = relm_contact_get(r, contact_no, &c, &scratch)))
        return relm_error_set(err, rc, "%s", scratch.message);

    /* Salesperson: the contact's, else the one the message was sent to, else the chain. */
    char sp[RELM_CODE20_SZ] = "";
    if (c.salesperson_code[0]) {
        relm_copy(sp, sizeof(sp), c.salesperson_code);
    } else {
        for (int i = 0; i < mi->nto && !sp[0]; i++) {
            if ((rc = lookup(r, 0, mi->to[i], &n, first, sizeof(first), &blocked, list,
                             sizeof(list), err)))
                return rc;
            if (n == 1)
                relm_copy(sp, sizeof(sp), first);
        }
    }
    entry_plan_t p = {ms->inbound, sp[0] ? sp : NULL, 1, NULL, 0, 0};
    char campaign[RELM_CODE20_SZ] = "";
    int64_t reply_to = 0;
    for (int i = 0; i < mi->nrefs && !reply_to; i++)
        if ((rc = entry_by_message_id(r, mi->refs[i], 1, &reply_to, campaign, sizeof(campaign),
                                      &p.campaign_entry_no, err)))
            return rc;
    if (reply_to) {
        p.reply = 1;
        p.campaign_no = campaign;
    }
    rc = log_entry(r, contact_no, mi->from, &p, mi->message_id, mi, raw, len, file_name, &rec, why,
                   sizeof(why), err);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        report(m, RELM_MAIL_UNMATCHED, why, 0, "", 0);
        return 0;
    }
    warn_headers(m);
    report(m, RELM_MAIL_LOGGED, "", rec.entry_no, rec.contact_no, reply_to);
    return 0;
}

static const char *base_name(const char *source)
{
    const char *slash = strrchr(source, '/');
    return slash ? slash + 1 : source;
}

/*
 * One message in one transaction, with the fetch position (may be NULL) moved past it in
 * the same transaction whatever its outcome.
 */
static int stopped(const relm_mail_batch_t *b)
{
    return b->stop && b->stop(b->ctx);
}

static int import_one(relm_t *r, const mail_setup_t *ms, const char *raw, size_t len,
                      const char *source, const char *file_name, const fetch_pos_t *pos,
                      relm_mail_batch_t *b, relm_error_t *err)
{
    mail_info_t mi;
    char why[256] = "";
    msg_ctx_t m = {b, source, &mi};
    b->messages++;
    int parsed = read_info(raw, len, &mi, why, sizeof(why));
    int rc = relm_begin(r, err);
    if (rc) {
        info_free(&mi);
        return rc;
    }
    if (!parsed) {
        char text[300];
        snprintf(text, sizeof(text), "the message %s; skipped", why);
        report(&m, RELM_MAIL_WARNING, text, 0, "", 0);
    } else {
        rc = match_and_log(r, ms, &m, raw, len, file_name, err);
    }
    if (rc == 0 && pos)
        rc = save_position(r, pos, err);
    info_free(&mi);
    if (rc) {
        relm_rollback(r);
        return rc;
    }
    return relm_commit(r, err);
}

int relm_mail_import_message(relm_t *r, const char *raw, size_t len, const char *source,
                             relm_mail_batch_t *b, relm_error_t *err)
{
    pthread_once(&gmime_once, gmime_start);
    mail_setup_t ms;
    int rc = load_setup(r, &ms, err);
    if (rc)
        return rc;
    return import_one(r, &ms, raw, len, source ? source : "", base_name(source ? source : ""), NULL,
                      b, err);
}

/* ------------------------------------------------------------------------------------ */
/* Files: .eml, mbox, Maildir                                                             */

static int read_file(const char *path, char **out, size_t *len, relm_error_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return relm_error_set(err, RELM_EIO, "mail file %s cannot be read: %s", path,
                              strerror(errno));
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        char *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int failed = ferror(f);
    fclose(f);
    if (!buf)
        return relm_error_set(err, RELM_ENOMEM, "mail file %s is too large to read", path);
    if (failed) {
        free(buf);
        return relm_error_set(err, RELM_EIO, "mail file %s cannot be read", path);
    }
    *out = buf;
    *len = n;
    return 0;
}

/* Split an mbox at "From " lines that start the file or follow an empty line. */
static int import_mbox(relm_t *r, const mail_setup_t *ms, const char *path, const char *data,
                       size_t len, relm_mail_batch_t *b, relm_error_t *err)
{
    GString *msg = g_string_new(NULL);
    size_t pos = 0;
    int count = 0, in_msg = 0, prev_blank = 1, rc = 0;
    char source[4200];
    while (pos <= len && rc == 0 && !stopped(b)) {
        const char *line = data + pos;
        const char *nl = pos < len ? memchr(line, '\n', len - pos) : NULL;
        size_t ll = nl ? (size_t)(nl - line) + 1 : len - pos;
        int at_end = pos >= len;
        int from = !at_end && prev_blank && ll >= 5 && memcmp(line, "From ", 5) == 0;
        if ((from || at_end) && in_msg) {
            /* The empty line before the next "From " belongs to the separator. */
            if (!at_end && msg->len && msg->str[msg->len - 1] == '\n') {
                g_string_truncate(msg, msg->len - 1);
                if (msg->len && msg->str[msg->len - 1] == '\r')
                    g_string_truncate(msg, msg->len - 1);
            }
            snprintf(source, sizeof(source), "%s#%d", path, count);
            char file_name[64];
            snprintf(file_name, sizeof(file_name), "message-%d.eml", count);
            rc = import_one(r, ms, msg->str, msg->len, source, file_name, NULL, b, err);
            g_string_truncate(msg, 0);
            in_msg = 0;
        }
        if (at_end)
            break;
        if (from) {
            in_msg = 1;
            count++;
        } else if (in_msg) {
            /* mboxrd: ">From ", ">>From " ... lose one '>'. */
            size_t k = 0;
            while (k < ll && line[k] == '>')
                k++;
            if (k > 0 && ll - k >= 5 && memcmp(line + k, "From ", 5) == 0)
                g_string_append_len(msg, line + 1, (gssize)ll - 1);
            else
                g_string_append_len(msg, line, (gssize)ll);
        }
        prev_blank = (ll == 1 && line[0] == '\n') || (ll == 2 && line[0] == '\r');
        pos += ll;
    }
    g_string_free(msg, TRUE);
    return rc;
}

static int import_file(relm_t *r, const mail_setup_t *ms, const char *path, relm_mail_batch_t *b,
                       relm_error_t *err)
{
    char *data = NULL;
    size_t len = 0;
    int rc = read_file(path, &data, &len, err);
    if (rc)
        return rc;
    if (len >= 5 && memcmp(data, "From ", 5) == 0)
        rc = import_mbox(r, ms, path, data, len, b, err);
    else
        rc = import_one(r, ms, data, len, path, base_name(path), NULL, b, err);
    free(data);
    return rc;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int visible(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static int import_maildir(relm_t *r, const mail_setup_t *ms, const char *path, relm_mail_batch_t *b,
                          relm_error_t *err)
{
    static const char *const subs[] = {"cur", "new"};
    int rc = 0;
    for (int i = 0; i < 2 && rc == 0; i++) {
        char *dir = g_build_filename(path, subs[i], NULL);
        struct dirent **names = NULL;
        int n = is_dir(dir) ? scandir(dir, &names, visible, alphasort) : 0;
        if (n < 0) {
            rc = relm_error_set(err, RELM_EIO, "Maildir folder %s cannot be read: %s", dir,
                                strerror(errno));
            n = 0;
        }
        for (int k = 0; k < n; k++) {
            char *file = g_build_filename(dir, names[k]->d_name, NULL);
            struct stat st;
            if (rc == 0 && !stopped(b) && stat(file, &st) == 0 && S_ISREG(st.st_mode))
                rc = import_file(r, ms, file, b, err);
            g_free(file);
            free(names[k]);
        }
        free(names);
        g_free(dir);
    }
    return rc;
}

int relm_mail_import_path(relm_t *r, const char *path, relm_mail_batch_t *b, relm_error_t *err)
{
    pthread_once(&gmime_once, gmime_start);
    mail_setup_t ms;
    int rc = load_setup(r, &ms, err);
    if (rc)
        return rc;
    struct stat st;
    if (stat(path, &st) != 0)
        return relm_error_set(err, RELM_EIO, "mail path %s cannot be read: %s", path,
                              strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        char *cur = g_build_filename(path, "cur", NULL), *nw = g_build_filename(path, "new", NULL);
        int maildir = is_dir(cur) || is_dir(nw);
        g_free(cur);
        g_free(nw);
        if (!maildir)
            return relm_error_set(err, RELM_EVALIDATION,
                                  "mail path %s is a directory without cur/ or new/, so no "
                                  "Maildir folder",
                                  path);
        return import_maildir(r, &ms, path, b, err);
    }
    return import_file(r, &ms, path, b, err);
}

/* ------------------------------------------------------------------------------------ */
/* IMAP                                                                                   */

int relm_mail_password_from_env(char *buf, size_t n, relm_error_t *err)
{
    const char *pw = getenv("RELM_IMAP_PASSWORD");
    if (pw && *pw) {
        relm_copy(buf, n, pw);
        return 0;
    }
    const char *file = getenv("RELM_IMAP_PASSWORD_FILE");
    if (!file || !*file)
        return relm_error_set(err, RELM_EVALIDATION,
                              "IMAP password: set RELM_IMAP_PASSWORD or RELM_IMAP_PASSWORD_FILE");
    FILE *f = fopen(file, "r");
    if (!f)
        return relm_error_set(err, RELM_EIO,
                              "IMAP password file %s (RELM_IMAP_PASSWORD_FILE) cannot be read: %s",
                              file, strerror(errno));
    if (!fgets(buf, (int)n, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

int relm_mail_fetch_position(relm_t *r, const char *url, int64_t *uidvalidity, int64_t *last_uid,
                             relm_error_t *err)
{
    static const char sql[] =
        "SELECT uidvalidity, last_uid FROM mail_fetch_position WHERE mailbox = ?";
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, url);
    *uidvalidity = *last_uid = 0;
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        *uidvalidity = relm_stmt_int(s, 0);
        *last_uid = relm_stmt_int(s, 1);
    }
    relm_stmt_release(s);
    if (rc == RELM_STEP_DONE)
        return relm_error_set(err, RELM_ENOTFOUND, "mailbox %s has not been fetched", url);
    return rc < 0 ? rc : 0;
}

typedef struct imap {
    CURL *h;
    char errbuf[CURL_ERROR_SIZE];
    GByteArray *body;
    GByteArray *lines; /* every line of the last response, literals included */
    char *server;      /* scheme://host[:port]/ */
    char *path;        /* the mailbox as in the URL (encoded) */
    char *mailbox;     /* decoded */
    char *key;         /* scheme://user@host[:port]/path: the position key */
} imap_t;

static size_t imap_write(char *p, size_t sz, size_t n, void *ctx)
{
    g_byte_array_append(((imap_t *)ctx)->body, (const guint8 *)p, (guint)(sz * n));
    return sz * n;
}

/* libcurl hands every line of a response to the header callback, a literal's lines too. */
static size_t imap_header(char *p, size_t sz, size_t n, void *ctx)
{
    g_byte_array_append(((imap_t *)ctx)->lines, (const guint8 *)p, (guint)(sz * n));
    return sz * n;
}

static int imap_run(imap_t *im, const char *url, const char *custom, relm_error_t *err)
{
    g_byte_array_set_size(im->body, 0);
    g_byte_array_set_size(im->lines, 0);
    im->errbuf[0] = '\0';
    curl_easy_setopt(im->h, CURLOPT_URL, url);
    curl_easy_setopt(im->h, CURLOPT_CUSTOMREQUEST, custom);
    CURLcode c = curl_easy_perform(im->h);
    if (c != CURLE_OK)
        return relm_error_set(err, RELM_EIO, "IMAP mailbox %s: %s", im->key,
                              im->errbuf[0] ? im->errbuf : curl_easy_strerror(c));
    return 0;
}

/*
 * The message of a "UID FETCH n BODY.PEEK[]" response in im->lines: the literal after
 * "BODY[] {size}". *msg points into im->lines. Errors: io when there is none, or when it
 * is shorter than announced.
 */
static int imap_literal(imap_t *im, int64_t uid, const char **msg, size_t *len, relm_error_t *err)
{
    const char *p = (const char *)im->lines->data, *end = p + im->lines->len;
    static const char tag[] = "BODY[] {";
    for (const char *line = p; line < end;) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        if (!nl)
            break;
        const char *hit = (size_t)(nl - line) > sizeof(tag) && line[0] == '*'
                              ? g_strstr_len(line, nl - line, tag)
                              : NULL;
        if (hit) {
            char *after;
            unsigned long long n = strtoull(hit + sizeof(tag) - 1, &after, 10);
            /* The literal is followed by the rest of the FETCH response (")" or an item). */
            if (after[0] == '}' && (size_t)(end - (nl + 1)) > n &&
                (nl[1 + n] == ')' || nl[1 + n] == ' ')) {
                *msg = nl + 1;
                *len = (size_t)n;
                return 0;
            }
            return relm_error_set(err, RELM_EIO,
                                  "IMAP mailbox %s: message UID %" PRId64
                                  " arrived incomplete (%llu bytes announced)",
                                  im->key, uid, n);
        }
        line = nl + 1;
    }
    return relm_error_set(err, RELM_EIO,
                          "IMAP mailbox %s: the server sent no message for UID %" PRId64, im->key,
                          uid);
}

static void imap_close(imap_t *im)
{
    if (im->h)
        curl_easy_cleanup(im->h);
    if (im->body)
        g_byte_array_free(im->body, TRUE);
    if (im->lines)
        g_byte_array_free(im->lines, TRUE);
    g_free(im->server);
    g_free(im->path);
    g_free(im->mailbox);
    g_free(im->key);
}

static int imap_open(imap_t *im, const char *url, const char *password, relm_error_t *err)
{
    memset(im, 0, sizeof(*im));
    CURLU *u = curl_url();
    char *scheme = NULL, *user = NULL, *pw = NULL, *host = NULL, *port = NULL, *path = NULL,
         *query = NULL;
    int rc = 0;
    if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        (strcmp(scheme, "imap") != 0 && strcmp(scheme, "imaps") != 0) ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        rc = relm_error_set(err, RELM_EVALIDATION,
                            "mailbox URL %s is not imaps://USER@HOST[:PORT]/MAILBOX", url);
        goto out;
    }
    curl_url_get(u, CURLUPART_USER, &user, CURLU_URLDECODE);
    curl_url_get(u, CURLUPART_PASSWORD, &pw, 0);
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    curl_url_get(u, CURLUPART_PATH, &path, 0);
    curl_url_get(u, CURLUPART_QUERY, &query, 0);
    if (pw) {
        rc = relm_error_set(err, RELM_EVALIDATION,
                            "mailbox URL: the password does not belong in the URL; set "
                            "RELM_IMAP_PASSWORD or RELM_IMAP_PASSWORD_FILE");
        goto out;
    }
    if (!user || !*user) {
        rc = relm_error_set(err, RELM_EVALIDATION, "mailbox URL %s names no user (USER@HOST)", url);
        goto out;
    }
    const char *p = path && path[0] == '/' ? path + 1 : (path ? path : "");
    if (strchr(p, ';') || query) {
        rc = relm_error_set(err, RELM_EVALIDATION,
                            "mailbox URL %s: only a mailbox name may follow the host", url);
        goto out;
    }
    if (!*p)
        p = "INBOX";
    im->path = g_strdup(p);
    im->mailbox = g_uri_unescape_string(p, NULL);
    if (!im->mailbox || strchr(im->mailbox, '"') || strchr(im->mailbox, '\\') ||
        strchr(im->mailbox, '\r') || strchr(im->mailbox, '\n')) {
        rc = relm_error_set(err, RELM_EVALIDATION, "mailbox URL %s: the mailbox name is not valid",
                            url);
        goto out;
    }
    im->server = g_strdup_printf("%s://%s%s%s/", scheme, host, port ? ":" : "", port ? port : "");
    char *euser = g_uri_escape_string(user, NULL, FALSE);
    im->key = g_strdup_printf("%s://%s@%s%s%s/%s", scheme, euser, host, port ? ":" : "",
                              port ? port : "", im->path);
    g_free(euser);
    im->body = g_byte_array_new();
    im->lines = g_byte_array_new();
    im->h = curl_easy_init();
    if (!im->h) {
        rc = relm_error_set(err, RELM_ENOMEM, "IMAP: cannot start a connection");
        goto out;
    }
    curl_easy_setopt(im->h, CURLOPT_USERNAME, user);
    curl_easy_setopt(im->h, CURLOPT_PASSWORD, password ? password : "");
    curl_easy_setopt(im->h, CURLOPT_PROTOCOLS_STR, "imap,imaps");
    curl_easy_setopt(im->h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(im->h, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(im->h, CURLOPT_TIMEOUT, 600L);
    curl_easy_setopt(im->h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(im->h, CURLOPT_ERRORBUFFER, im->errbuf);
    curl_easy_setopt(im->h, CURLOPT_WRITEFUNCTION, imap_write);
    curl_easy_setopt(im->h, CURLOPT_WRITEDATA, im);
    curl_easy_setopt(im->h, CURLOPT_HEADERFUNCTION, imap_header);
    curl_easy_setopt(im->h, CURLOPT_HEADERDATA, im);
    /* A literal's lines pass through libcurl's response buffer: room for long lines. */
    curl_easy_setopt(im->h, CURLOPT_BUFFERSIZE, 512L * 1024);
out:
    curl_free(scheme);
    curl_free(user);
    curl_free(pw);
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    return rc;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int relm_mail_fetch(relm_t *r, const char *url, const char *password, relm_mail_batch_t *b,
                    relm_error_t *err)
{
    pthread_once(&gmime_once, gmime_start);
    mail_setup_t ms;
    int rc = load_setup(r, &ms, err);
    if (rc)
        return rc;
    imap_t im;
    if ((rc = imap_open(&im, url, password, err))) {
        imap_close(&im);
        return rc;
    }
    int64_t *uids = NULL;
    size_t nuids = 0, cap = 0;
    int64_t stored_validity = 0, last = 0, validity = 0;
    relm_error_t scratch = {0};
    rc = relm_mail_fetch_position(r, im.key, &stored_validity, &last, &scratch);
    if (rc && rc != RELM_ENOTFOUND) {
        relm_error_set(err, rc, "%s", scratch.message);
        goto out;
    }
    rc = 0;

    /* EXAMINE opens the mailbox read-only and tells its UIDVALIDITY. */
    char *cmd = g_strdup_printf("EXAMINE \"%s\"", im.mailbox);
    rc = imap_run(&im, im.server, cmd, err);
    g_free(cmd);
    if (rc)
        goto out;
    g_byte_array_append(im.body, (const guint8 *)"", 1);
    const char *v = strstr((const char *)im.body->data, "[UIDVALIDITY ");
    if (!v) {
        rc = relm_error_set(err, RELM_EIO, "IMAP mailbox %s: the server gave no UIDVALIDITY",
                            im.key);
        goto out;
    }
    validity = strtoll(v + 13, NULL, 10);
    if (validity != stored_validity)
        last = 0; /* the UIDs of before name other messages now */

    /*
     * Every command goes to the server's URL, not the mailbox's: with a mailbox in the URL
     * libcurl would SELECT it (read-write) and fetch with BODY[], which marks the message
     * \Seen. In the mailbox EXAMINE opened (read-only), BODY.PEEK[] leaves the flags as
     * they were, so mail relm logs stays unread for its reader.
     */
    cmd = g_strdup_printf("UID SEARCH UID %" PRId64 ":*", last + 1);
    rc = imap_run(&im, im.server, cmd, err);
    g_free(cmd);
    if (rc)
        goto out;
    g_byte_array_append(im.body, (const guint8 *)"", 1);
    for (char *line = (char *)im.body->data; line && *line;) {
        char *next = strchr(line, '\n');
        if (strncmp(line, "* SEARCH", 8) == 0) {
            char *p = line + 8, *end;
            for (;;) {
                long long uid = strtoll(p, &end, 10);
                if (end == p)
                    break;
                p = end;
                /* "N:*" always includes the highest UID, even one below N. */
                if (uid <= last)
                    continue;
                if (nuids == cap) {
                    cap = cap ? cap * 2 : 64;
                    int64_t *bigger = realloc(uids, cap * sizeof(*uids));
                    if (!bigger) {
                        rc = relm_error_set(err, RELM_ENOMEM, "IMAP: out of memory");
                        goto out;
                    }
                    uids = bigger;
                }
                uids[nuids++] = uid;
            }
        }
        line = next ? next + 1 : NULL;
    }
    if (nuids)
        qsort(uids, nuids, sizeof(*uids), cmp_i64);

    if (validity != stored_validity && nuids == 0) {
        fetch_pos_t pos = {im.key, validity, 0};
        if ((rc = relm_begin(r, err)))
            goto out;
        if ((rc = save_position(r, &pos, err))) {
            relm_rollback(r);
            goto out;
        }
        if ((rc = relm_commit(r, err)))
            goto out;
    }
    for (size_t i = 0; i < nuids && rc == 0 && !stopped(b); i++) {
        cmd = g_strdup_printf("UID FETCH %" PRId64 " BODY.PEEK[]", uids[i]);
        rc = imap_run(&im, im.server, cmd, err);
        g_free(cmd);
        const char *msg = NULL;
        size_t msg_len = 0;
        if (rc || (rc = imap_literal(&im, uids[i], &msg, &msg_len, err)))
            break;
        char *source = g_strdup_printf("%s;UID=%" PRId64, im.key, uids[i]);
        char file_name[64];
        snprintf(file_name, sizeof(file_name), "%" PRId64 ".eml", uids[i]);
        fetch_pos_t pos = {im.key, validity, uids[i]};
        rc = import_one(r, &ms, msg, msg_len, source, file_name, &pos, b, err);
        g_free(source);
    }
out:
    free(uids);
    imap_close(&im);
    return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Reading a kept message                                                                 */

typedef struct view_ctx {
    json_t *attachments;
    GString *text; /* the first text/plain body that is no attachment */
    GString *html; /* else the first text/html body, for want of a plain one */
} view_ctx_t;

/* Text of an HTML body without its tags, for reading (entities &amp; &lt; &gt; &nbsp;). */
static void html_to_text(GString *out, const char *html)
{
    int in_tag = 0;
    for (const char *p = html; *p; p++) {
        if (*p == '<') {
            in_tag = 1;
            if (g_ascii_strncasecmp(p, "<br", 3) == 0 || g_ascii_strncasecmp(p, "<p", 2) == 0 ||
                g_ascii_strncasecmp(p, "</p", 3) == 0 || g_ascii_strncasecmp(p, "<div", 4) == 0)
                g_string_append_c(out, '\n');
        } else if (*p == '>') {
            in_tag = 0;
        } else if (!in_tag) {
            static const struct {
                const char *entity, *text;
            } ents[] = {
                {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&nbsp;", " "}, {"&quot;", "\""}};
            size_t i = 0;
            for (; i < sizeof(ents) / sizeof(ents[0]); i++)
                if (strncmp(p, ents[i].entity, strlen(ents[i].entity)) == 0)
                    break;
            if (i < sizeof(ents) / sizeof(ents[0])) {
                g_string_append(out, ents[i].text);
                p += strlen(ents[i].entity) - 1;
            } else {
                g_string_append_c(out, *p);
            }
        }
    }
}

static void view_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
    (void)parent;
    view_ctx_t *v = data;
    if (!GMIME_IS_PART(part))
        return;
    GMimePart *p = GMIME_PART(part);
    GMimeContentType *ct = g_mime_object_get_content_type(part);
    const char *file_name = g_mime_part_get_filename(p);
    int attachment = g_mime_part_is_attachment(p) || (file_name && *file_name);
    if (!attachment && GMIME_IS_TEXT_PART(part) && g_mime_content_type_is_type(ct, "text", "*")) {
        int plain = g_mime_content_type_is_type(ct, "text", "plain");
        GString **slot = plain ? &v->text : &v->html;
        if (!*slot && (plain || g_mime_content_type_is_type(ct, "text", "html"))) {
            char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
            *slot = g_string_new("");
            if (plain)
                g_string_append(*slot, text ? text : "");
            else
                html_to_text(*slot, text ? text : "");
            g_free(text);
        }
        return;
    }
    /* The decoded size: the content written to a stream that only counts. */
    gint64 size = 0;
    GMimeDataWrapper *w = g_mime_part_get_content(p);
    if (w) {
        GMimeStream *null = g_mime_stream_null_new();
        size = g_mime_data_wrapper_write_to_stream(w, null);
        g_object_unref(null);
    }
    char *type = g_mime_content_type_get_mime_type(ct);
    char name[RELM_TEXT250_SZ];
    clean_text(name, sizeof(name), file_name ? file_name : "", 250);
    json_array_append_new(v->attachments,
                          json_pack("{s:s,s:s,s:I}", "file_name", name, "content_type",
                                    type ? type : "application/octet-stream", "size",
                                    (json_int_t)(size > 0 ? size : 0)));
    g_free(type);
}

static json_t *addresses_json(InternetAddressList *l)
{
    char *s = l ? internet_address_list_to_string(l, NULL, FALSE) : NULL;
    char clean[RELM_TEXT250_SZ];
    clean_text(clean, sizeof(clean), s ? s : "", 250);
    g_free(s);
    return json_string(clean);
}

static const char sql_kept_message[] =
    "SELECT a.encoding, a.body FROM interaction_log_entry e JOIN attachment a "
    "ON a.attachment_no = e.attachment_no WHERE e.entry_no = ? AND a.kind = 'message'";

int relm_mail_entry_message(relm_t *r, int64_t entry_no, json_t **out, relm_error_t *err)
{
    *out = NULL;
    pthread_once(&gmime_once, gmime_start);
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql_kept_message, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_int(s, 1, entry_no);
    rc = relm_stmt_step(s, err);
    if (rc != RELM_STEP_ROW) {
        relm_stmt_release(s);
        return rc < 0 ? rc
                      : relm_error_set(err, RELM_ENOTFOUND,
                                       "interaction log entry %" PRId64 " keeps no mail message",
                                       entry_no);
    }
    int base64 = strcmp(relm_stmt_text(s, 0), "base64") == 0;
    gsize len = 0;
    guchar *raw = base64 ? g_base64_decode(relm_stmt_text(s, 1), &len)
                         : (guchar *)g_strdup(relm_stmt_text(s, 1));
    if (!base64)
        len = strlen((const char *)raw);
    relm_stmt_release(s);

    GMimeStream *st = g_mime_stream_mem_new_with_byte_array(g_byte_array_new());
    g_mime_stream_write(st, (const char *)raw, len);
    g_mime_stream_seek(st, 0, GMIME_STREAM_SEEK_SET);
    g_free(raw);
    GMimeParser *p = g_mime_parser_new_with_stream(st);
    g_mime_parser_set_format(p, GMIME_FORMAT_MESSAGE);
    GMimeParserOptions *opts = g_mime_parser_options_new();
    const char *fallback[] = {"UTF-8", "windows-1252", NULL};
    g_mime_parser_options_set_fallback_charsets(opts, fallback);
    GMimeMessage *m = g_mime_parser_construct_message(p, opts);
    g_object_unref(p);
    g_object_unref(st);
    g_mime_parser_options_free(opts);
    if (!m)
        return relm_error_set(
            err, RELM_EVALIDATION,
            "interaction log entry %" PRId64 ": the kept message cannot be read as mail", entry_no);
    view_ctx_t v = {json_array(), NULL, NULL};
    g_mime_message_foreach(m, view_part, &v);
    char subject[RELM_TEXT250_SZ], date[64] = "";
    clean_text(subject, sizeof(subject), g_mime_message_get_subject(m), 250);
    GDateTime *dt = g_mime_message_get_date(m);
    if (dt) {
        GDateTime *utc = g_date_time_to_utc(dt);
        char *d = utc ? g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ") : NULL;
        relm_copy(date, sizeof(date), d ? d : "");
        g_free(d);
        if (utc)
            g_date_time_unref(utc);
    }
    const char *mid = g_mime_message_get_message_id(m);
    GString *body = v.text ? v.text : v.html;
    /* The text as valid UTF-8 whatever the part claimed, so that JSON can carry it. */
    char *text = body ? g_utf8_make_valid(body->str, (gssize)body->len) : g_strdup("");
    *out = json_pack(
        "{s:o,s:o,s:o,s:s,s:s,s:s,s:s,s:o}", "from", addresses_json(g_mime_message_get_from(m)),
        "to", addresses_json(g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_TO)), "cc",
        addresses_json(g_mime_message_get_addresses(m, GMIME_ADDRESS_TYPE_CC)), "subject", subject,
        "date", date, "message_id", mid ? mid : "", "text", text, "attachments", v.attachments);
    g_free(text);
    if (v.text)
        g_string_free(v.text, TRUE);
    if (v.html)
        g_string_free(v.html, TRUE);
    g_object_unref(m);
    return *out
               ? 0
               : relm_error_set(err, RELM_ENOMEM, "out of memory reading entry %" PRId64, entry_no);
}
