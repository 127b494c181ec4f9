/*
 * The e-mail outbox: entries with delivery_status in_progress and correspondence type
 * email are merged, built into one MIME message each (GMime) and sent over SMTP (libcurl).
 *
 * Invariants kept here:
 * - an entry is claimed by one UPDATE (in_progress -> sending) before its message leaves;
 *   only the run whose UPDATE changed the row sends it, so concurrent runs never send the
 *   same entry;
 * - an entry still in `sending` when a run starts was left by a run that stopped mid-send:
 *   it may or may not have gone out, so it is counted and named, never resent unless the
 *   caller asks to retry errors;
 * - the merged body and the Message-ID are stored with the entry before the message leaves,
 *   and a resent entry keeps its Message-ID (receivers can tell a resend);
 * - relm sends no faxes: a fax entry found in the outbox is failed at once (no attempt);
 * - the password is never stored: RELM_SMTP_PASSWORD or the file RELM_SMTP_PASSWORD_FILE.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <curl/curl.h>
#include <gmime/gmime.h>

#include "internal.h"
#include "relm/deliver.h"

/* The entries of one run's scope: e-mail, not canceled or postponed, of a logged segment. */
#define SCOPE                                                                                      \
    "correspondence_type = 'email' AND canceled = 0 AND postponed = 0 "                            \
    "AND (? = 0 OR logged_segment_entry_no = ?)"

static const char sql_count_status[] =
    "SELECT count(*) FROM interaction_log_entry WHERE delivery_status = ? AND " SCOPE;
static const char sql_next[] = "SELECT entry_no FROM interaction_log_entry "
                               "WHERE delivery_status = 'in_progress' AND " SCOPE
                               " AND entry_no > ? ORDER BY entry_no LIMIT ?";
static const char sql_stale_first[] =
    "SELECT entry_no FROM interaction_log_entry "
    "WHERE delivery_status = 'sending' AND " SCOPE " ORDER BY entry_no LIMIT 5";
static const char sql_requeue[] =
    "UPDATE interaction_log_entry SET delivery_status = 'in_progress' "
    "WHERE delivery_status IN ('error', 'sending') AND " SCOPE;
/*
 * Fax entries left in the outbox (by an older relm, which put them there): relm sends no
 * faxes, so a run fails them as a segment logged with deliver now does, with no attempt.
 */
static const char sql_fail_faxes[] =
    "UPDATE interaction_log_entry SET delivery_status = 'error', delivery_error = '" RELM_NO_FAX
    "' WHERE delivery_status = 'in_progress' AND correspondence_type = 'fax' AND canceled = 0 "
    "AND postponed = 0 AND (? = 0 OR logged_segment_entry_no = ?)";
static const char sql_claim[] =
    "UPDATE interaction_log_entry SET delivery_status = 'sending' "
    "WHERE entry_no = ? AND delivery_status = 'in_progress' AND canceled = 0";
static const char sql_message_id[] =
    "UPDATE interaction_log_entry SET message_id = ? WHERE entry_no = ?";
static const char sql_sent[] =
    "UPDATE interaction_log_entry SET delivery_status = '', delivered_at = ?, "
    "delivery_error = '', delivery_attempts = delivery_attempts + ? WHERE entry_no = ?";
static const char sql_failed[] =
    "UPDATE interaction_log_entry SET delivery_status = 'error', delivery_error = ?, "
    "delivery_attempts = delivery_attempts + ? WHERE entry_no = ?";

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_start(void)
{
    g_mime_init();
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int count_status(relm_t *r, const char *status, int64_t ls, int64_t *out, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql_count_status, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, status);
    relm_stmt_bind_int(s, 2, ls);
    relm_stmt_bind_int(s, 3, ls);
    rc = relm_stmt_step(s, err);
    *out = rc == RELM_STEP_ROW ? relm_stmt_int(s, 0) : 0;
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

/* Run an UPDATE binding (text, int, int) in the order given by fmt ('t', 'i'). */
static int exec_update(relm_t *r, const char *sql, const char *fmt, const char *t1, int64_t i1,
                       int64_t i2, int64_t i3, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    int64_t ints[3] = {i1, i2, i3};
    int ni = 0;
    for (int i = 0; fmt[i]; i++) {
        if (fmt[i] == 't')
            relm_stmt_bind_text(s, i + 1, t1);
        else
            relm_stmt_bind_int(s, i + 1, ints[ni++]);
    }
    return relm_stmt_run(s, err);
}

/* ---- the message ---- */

/* A text part holding text as UTF-8 (set_text would pick a narrower charset). */
static GMimeObject *text_part(const char *subtype, const char *text)
{
    GMimeTextPart *p = g_mime_text_part_new_with_subtype(subtype);
    GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, strlen(text));
    GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(st, GMIME_CONTENT_ENCODING_DEFAULT);
    g_mime_part_set_content(GMIME_PART(p), w);
    g_object_unref(w);
    g_object_unref(st);
    g_mime_text_part_set_charset(p, "utf-8");
    g_mime_part_set_content_encoding(
        GMIME_PART(p),
        g_mime_part_get_best_content_encoding(GMIME_PART(p), GMIME_ENCODING_CONSTRAINT_7BIT));
    return GMIME_OBJECT(p);
}

/*
 * The sender of an entry's message: its salesperson's e-mail and name (sp may be NULL: no
 * salesperson, or one without e-mail), else marketing setup's sender_email.
 */
static const char *sender_of(const relm_salesperson_t *sp, const relm_setup_t *st,
                             const char **name)
{
    if (sp && sp->email[0]) {
        *name = sp->name;
        return sp->email;
    }
    *name = "";
    return st->sender_email;
}

/* The message of entry e from the records it names, already read (sp, c may be NULL). */
static int build_message(const relm_interaction_t *e, const char *body, int html,
                         const relm_setup_t *st, const relm_salesperson_t *sp,
                         const relm_contact_t *c, char **out, char from[256], char to[256],
                         relm_error_t *err)
{
    *out = NULL;
    const char *from_name;
    relm_copy(from, 256, sender_of(sp, st, &from_name));
    if (!from[0])
        return relm_error_set(err, RELM_ESETUP,
                              "interaction log entry %lld: salesperson %s has no email and "
                              "marketing setup has no sender_email",
                              (long long)e->entry_no, e->salesperson_code);
    relm_copy(to, 256, e->contact_via);
    if (!to[0])
        return relm_error_set(err, RELM_EMISSINGEMAIL,
                              "interaction log entry %lld has no contact_via to send to",
                              (long long)e->entry_no);
    const char *to_name = c ? c->name : "";

    GMimeMessage *m = g_mime_message_new(TRUE);
    g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, from_name, from);
    g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, to_name, to);
    g_mime_message_set_subject(m, e->subject[0] ? e->subject : e->description, "utf-8");
    GDateTime *now = g_date_time_new_now_local();
    g_mime_message_set_date(m, now);
    g_date_time_unref(now);
    g_mime_message_set_message_id(m, e->message_id);
    if (html) {
        char *text = relm_html_to_text(body);
        if (!text) {
            g_object_unref(m);
            return relm_error_set(err, RELM_ENOMEM, "out of memory building a message");
        }
        GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
        GMimeObject *tp = text_part("plain", text), *hp = text_part("html", body);
        g_mime_multipart_add(alt, tp);
        g_mime_multipart_add(alt, hp);
        g_object_unref(tp);
        g_object_unref(hp);
        g_mime_message_set_mime_part(m, GMIME_OBJECT(alt));
        g_object_unref(alt);
        free(text);
    } else {
        GMimeObject *tp = text_part("plain", body);
        g_mime_message_set_mime_part(m, tp);
        g_object_unref(tp);
    }
    GMimeFormatOptions *fo = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
    char *s = g_mime_object_to_string(GMIME_OBJECT(m), fo);
    g_mime_format_options_free(fo);
    g_object_unref(m);
    *out = s ? strdup(s) : NULL;
    g_free(s);
    return *out ? 0 : relm_error_set(err, RELM_ENOMEM, "out of memory building a message");
}

int relm_deliver_message_new(relm_t *r, const relm_interaction_t *e, const char *body, int html,
                             char **out, char from[256], char to[256], relm_error_t *err)
{
    pthread_once(&gmime_once, gmime_start);
    *out = NULL;
    from[0] = to[0] = '\0';
    relm_setup_t st;
    relm_salesperson_t sp;
    relm_contact_t c;
    relm_error_t ignore = {0};
    int rc = relm_setup_get(r, &st, err);
    if (rc)
        return rc;
    int have_sp =
        e->salesperson_code[0] && relm_salesperson_get(r, e->salesperson_code, &sp, &ignore) == 0;
    int have_c = e->contact_no[0] && relm_contact_get(r, e->contact_no, &c, &ignore) == 0;
    return build_message(e, body, html, &st, have_sp ? &sp : NULL, have_c ? &c : NULL, out, from,
                         to, err);
}

/* A Message-ID (without angle brackets) in the domain of the sender's address. */
static void new_message_id(const char *from, int64_t entry_no, char out[RELM_TEXT250_SZ])
{
    const char *at = strrchr(from, '@');
    const char *domain = at && at[1] ? at + 1 : "relm.invalid";
    unsigned char rnd[12];
    /* getrandom() rather than opening /dev/urandom for every message of a run. */
    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
        uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 20);
        for (size_t i = 0; i < sizeof(rnd); i++)
            rnd[i] = (unsigned char)(t >> ((i % 8) * 8)) ^ (unsigned char)(i * 37);
    }
    char hex[sizeof(rnd) * 2 + 1];
    for (size_t i = 0; i < sizeof(rnd); i++)
        snprintf(hex + i * 2, 3, "%02x", rnd[i]);
    snprintf(out, RELM_TEXT250_SZ, "relm.%lld.%s@%.200s", (long long)entry_no, hex, domain);
}

/* ---- SMTP ---- */

typedef struct upload {
    const char *p;
    size_t left;
} upload_t;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *ctx)
{
    upload_t *u = ctx;
    size_t n = size * nitems;
    if (n > u->left)
        n = u->left;
    memcpy(buf, u->p, n);
    u->p += n;
    u->left -= n;
    return n;
}

/* The last refusal (4xx or 5xx) the server sent, kept for delivery_error. */
typedef struct reply {
    char last[RELM_TEXT250_SZ];
} reply_t;

static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *ctx)
{
    (void)h;
    if (type != CURLINFO_HEADER_IN)
        return 0;
    reply_t *rp = ctx;
    /* Only refusals are kept: the reply that explains a failure, not the closing "221". */
    if (size < 3 || (data[0] != '4' && data[0] != '5'))
        return 0;
    while (size && (data[size - 1] == '\n' || data[size - 1] == '\r'))
        size--;
    if (size >= sizeof(rp->last))
        size = sizeof(rp->last) - 1;
    memcpy(rp->last, data, size);
    rp->last[size] = '\0';
    return 0;
}

enum { SEND_OK = 0, SEND_TEMPORARY = 1, SEND_PERMANENT = 2 };

typedef struct smtp {
    const char *url;
    const char *user;
    const char *password;
    long connect_timeout, timeout;
    /* One handle per run: libcurl keeps the connection open between messages. */
    CURL *h;
} smtp_t;

/* Send one message; 0, or SEND_TEMPORARY / SEND_PERMANENT with why filled. */
static int smtp_send(smtp_t *sm, const char *from, const char *to, const char *msg,
                     char why[RELM_TEXT250_SZ])
{
    if (sm->h)
        curl_easy_reset(sm->h);
    else if (!(sm->h = curl_easy_init())) {
        relm_copy(why, RELM_TEXT250_SZ, "could not start an SMTP session");
        return SEND_TEMPORARY;
    }
    CURL *h = sm->h;
    char mail_from[300], rcpt[300], ebuf[CURL_ERROR_SIZE] = "";
    snprintf(mail_from, sizeof(mail_from), "<%s>", from);
    snprintf(rcpt, sizeof(rcpt), "<%s>", to);
    struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
    upload_t u = {msg, strlen(msg)};
    reply_t rp = {""};
    curl_easy_setopt(h, CURLOPT_URL, sm->url);
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.left);
    /* STARTTLS when the server offers it; smtps:// is TLS from the start. */
    curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, sm->connect_timeout);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, sm->timeout);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, &rp);
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    if (sm->user && sm->user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, sm->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, sm->password ? sm->password : "");
    }
    CURLcode cc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_slist_free_all(rcpts);
    if (cc == CURLE_OK)
        return SEND_OK;
    /* The server's answer when it gave one, else what went wrong on the way. */
    if (code >= 400 && rp.last[0])
        relm_copy(why, RELM_TEXT250_SZ, rp.last);
    else
        snprintf(why, RELM_TEXT250_SZ, "%s", ebuf[0] ? ebuf : curl_easy_strerror(cc));
    if (code >= 500 && code < 600)
        return SEND_PERMANENT;
    if (code >= 400 && code < 500)
        return SEND_TEMPORARY;
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return SEND_TEMPORARY;
    default:
        return SEND_PERMANENT;
    }
}

/* The SMTP password from the environment or its file (malloc'd, NULL for none). */
static int smtp_password(char **out, relm_error_t *err)
{
    *out = NULL;
    const char *pw = getenv("RELM_SMTP_PASSWORD");
    if (pw && pw[0]) {
        *out = strdup(pw);
        return *out ? 0 : relm_error_set(err, RELM_ENOMEM, "out of memory");
    }
    const char *path = getenv("RELM_SMTP_PASSWORD_FILE");
    if (!path || !path[0])
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return relm_error_set(err, RELM_EIO, "RELM_SMTP_PASSWORD_FILE %s cannot be read: %s", path,
                              strerror(errno));
    char line[1024];
    size_t n = fread(line, 1, sizeof(line) - 1, f);
    fclose(f);
    line[n] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    *out = strdup(line);
    return *out ? 0 : relm_error_set(err, RELM_ENOMEM, "out of memory");
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* ---- one entry ---- */

/*
 * Entries are claimed in batches: one transaction claims up to BATCH entries, keeps their
 * merged bodies and Message-IDs and records the outcomes of the previous batch, so a run
 * pays for one durable commit per batch rather than two per entry. The messages leave only
 * after the claims are committed; a crash leaves the batch's entries in `sending`, which
 * the next run reports (some of them may not have gone out: they are reported all the same,
 * never silently resent).
 */
#define BATCH 32

typedef struct job {
    int64_t entry_no;
    char *msg; /* NULL when the message could not be built (why says why) */
    char from[256], to[256];
    char why[RELM_TEXT250_SZ];
    int tries;
    int outcome; /* SEND_*, or -1: not sent (the run stopped): back to the outbox */
} job_t;

static const char sql_release[] =
    "UPDATE interaction_log_entry SET delivery_status = 'in_progress' WHERE entry_no = ? "
    "AND delivery_status = 'sending'";

/* Record the outcomes of jobs[0..n) (inside the caller's transaction) and free them. */
static int record_outcomes(relm_t *r, job_t *jobs, int n, relm_error_t *err)
{
    char now[RELM_STAMP_SZ];
    int rc = 0;
    relm_now_stamp(now);
    for (int i = 0; i < n; i++) {
        job_t *j = &jobs[i];
        if (rc == 0) {
            if (j->outcome == SEND_OK)
                rc = exec_update(r, sql_sent, "tii", now, j->tries, j->entry_no, 0, err);
            else if (j->outcome < 0)
                rc = exec_update(r, sql_release, "i", NULL, j->entry_no, 0, 0, err);
            else
                rc = exec_update(r, sql_failed, "tii", j->why, j->tries, j->entry_no, 0, err);
        }
        free(j->msg);
        j->msg = NULL;
    }
    return rc;
}

/*
 * What the entries of one batch share, read once per batch (inside its transaction, so the
 * batch sees one state of them): marketing setup, the salespersons and the template bodies
 * by template and language. Per message only the entry and its contact are read.
 */
#define CACHE_SLOTS 16

typedef struct batch_cache {
    int have_setup;
    relm_setup_t setup;
    int nsp;
    struct {
        char code[RELM_CODE20_SZ];
        int found;
        relm_salesperson_t sp;
    } sp[CACHE_SLOTS];
    int nbody;
    struct {
        char code[RELM_CODE10_SZ], language[RELM_CODE10_SZ];
        char *body;
    } body[CACHE_SLOTS];
} batch_cache_t;

static void cache_clear(batch_cache_t *c)
{
    for (int i = 0; i < c->nbody; i++)
        free(c->body[i].body);
    c->nbody = c->nsp = c->have_setup = 0;
}

static int cached_setup(relm_t *r, batch_cache_t *c, const relm_setup_t **out, relm_error_t *err)
{
    if (!c->have_setup) {
        int rc = relm_setup_get(r, &c->setup, err);
        if (rc)
            return rc;
        c->have_setup = 1;
    }
    *out = &c->setup;
    return 0;
}

/* The salesperson code names, NULL when there is none (or it no longer exists). */
static const relm_salesperson_t *cached_salesperson(relm_t *r, batch_cache_t *c, const char *code)
{
    if (!code[0])
        return NULL;
    for (int i = 0; i < c->nsp; i++)
        if (strcmp(c->sp[i].code, code) == 0)
            return c->sp[i].found ? &c->sp[i].sp : NULL;
    relm_error_t ignore = {0};
    int slot = c->nsp < CACHE_SLOTS ? c->nsp++ : CACHE_SLOTS - 1;
    relm_copy(c->sp[slot].code, sizeof(c->sp[slot].code), code);
    c->sp[slot].found = relm_salesperson_get(r, code, &c->sp[slot].sp, &ignore) == 0;
    return c->sp[slot].found ? &c->sp[slot].sp : NULL;
}

/* The unmerged body of e (the cache's: not to be freed). */
static int cached_body(relm_t *r, batch_cache_t *c, const relm_interaction_t *e, const char **out,
                       relm_error_t *err)
{
    for (int i = 0; i < c->nbody; i++)
        if (strcmp(c->body[i].code, e->interaction_template_code) == 0 &&
            strcmp(c->body[i].language, e->language_code) == 0) {
            *out = c->body[i].body;
            return 0;
        }
    char *body;
    int rc = relm_entry_template_body(r, e, &body, err);
    if (rc)
        return rc;
    if (c->nbody == CACHE_SLOTS)
        free(c->body[--c->nbody].body);
    int slot = c->nbody++;
    relm_copy(c->body[slot].code, sizeof(c->body[slot].code), e->interaction_template_code);
    relm_copy(c->body[slot].language, sizeof(c->body[slot].language), e->language_code);
    c->body[slot].body = body;
    *out = body;
    return 0;
}

/*
 * Claim entry entry_no (0 when another run claimed it first: *claimed stays 0), merge and
 * keep its body and Message-ID, and build its message into j. Problems of the entry itself
 * (no body, no address) go into j->why; errors of the database are returned.
 */
static int prepare_job(relm_t *r, batch_cache_t *cache, int64_t entry_no, job_t *j, int *claimed,
                       relm_error_t *err)
{
    relm_interaction_t *e = malloc(sizeof(*e));
    relm_contact_t *c = malloc(sizeof(*c));
    char *merged = NULL;
    relm_error_t perr = {0};
    memset(j, 0, sizeof(*j));
    j->entry_no = entry_no;
    j->outcome = SEND_PERMANENT;
    *claimed = 0;
    int rc = 0;
    if (!e || !c) {
        rc = relm_error_set(err, RELM_ENOMEM, "out of memory delivering entry %lld",
                            (long long)entry_no);
        goto out;
    }
    if ((rc = exec_update(r, sql_claim, "i", NULL, entry_no, 0, 0, err)) ||
        relm_store_changes(r->store) == 0)
        goto out;
    *claimed = 1;
    const relm_setup_t *st;
    if ((rc = relm_interaction_get(r, entry_no, e, err)) || (rc = cached_setup(r, cache, &st, err)))
        goto out;
    /* A contact or salesperson deleted since leaves its fields empty. */
    relm_error_t ignore = {0};
    const relm_contact_t *contact =
        e->contact_no[0] && relm_contact_get(r, e->contact_no, c, &ignore) == 0 ? c : NULL;
    const relm_salesperson_t *sp = cached_salesperson(r, cache, e->salesperson_code);
    const char *body;
    int html = 0;
    if (cached_body(r, cache, e, &body, &perr) == 0) {
        relm_merge_src_t src = {contact, sp, e, st};
        html = relm_merge_is_html(body);
        if (!(merged = relm_merge_new(body, &src, html))) {
            rc =
                relm_error_set(err, RELM_ENOMEM, "out of memory merging interaction log entry %lld",
                               (long long)entry_no);
            goto out;
        }
    }
    if (merged && relm_entry_attachment_store(
                      r, entry_no, html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
                      merged, NULL, &perr) == 0) {
        if (!e->message_id[0]) {
            const char *name;
            new_message_id(sender_of(sp, st, &name), entry_no, e->message_id);
            if ((rc = exec_update(r, sql_message_id, "ti", e->message_id, entry_no, 0, 0, err)))
                goto out;
        }
        build_message(e, merged, html, st, sp, contact, &j->msg, j->from, j->to, &perr);
    }
    if (perr.code)
        relm_copy(j->why, sizeof(j->why), perr.message);
out:
    free(e);
    free(c);
    free(merged);
    return rc;
}

/* Send j's message, trying again after temporary failures. */
static void send_job(smtp_t *sm, const relm_deliver_opts_t *o, job_t *j)
{
    int max = o->max_tries > 0 ? o->max_tries : 3;
    long wait = o->backoff_ms > 0 ? o->backoff_ms : 1000;
    if (!j->msg)
        return; /* recorded as failed with j->why */
    for (;;) {
        j->tries++;
        j->outcome = smtp_send(sm, j->from, j->to, j->msg, j->why);
        if (j->outcome != SEND_TEMPORARY || j->tries >= max)
            break;
        sleep_ms(wait);
        wait *= 2;
    }
}

int relm_deliver_run(relm_t *r, const relm_deliver_opts_t *o, relm_deliver_result_t *res,
                     relm_error_t *err)
{
    static const relm_deliver_opts_t defaults = {0};
    if (!o)
        o = &defaults;
    memset(res, 0, sizeof(*res));
    pthread_once(&gmime_once, gmime_start);
    relm_setup_t st;
    int rc = relm_setup_get(r, &st, err);
    if (rc)
        return rc;
    if (!st.smtp_url[0])
        return relm_error_set(err, RELM_ESETUP,
                              "marketing setup has no smtp_url to deliver e-mail through");
    char *password = NULL;
    if ((rc = smtp_password(&password, err)))
        return rc;
    if (st.smtp_user[0] && !password)
        return relm_error_set(err, RELM_ESETUP,
                              "marketing setup names smtp_user %s but neither "
                              "RELM_SMTP_PASSWORD nor RELM_SMTP_PASSWORD_FILE is set",
                              st.smtp_user);
    smtp_t sm = {st.smtp_url,
                 st.smtp_user,
                 password,
                 o->connect_timeout_s > 0 ? o->connect_timeout_s : 10,
                 o->timeout_s > 0 ? o->timeout_s : 60,
                 NULL};
    int64_t ls = o->logged_segment_entry_no, total = 0, last = 0, done = 0;
    relm_stmt_t *s;
    if ((rc = exec_update(r, sql_fail_faxes, "ii", NULL, ls, ls, 0, err)) == 0)
        res->failed = relm_store_changes(r->store);
    if (rc == 0 && o->retry_errors) {
        rc = exec_update(r, sql_requeue, "ii", NULL, ls, ls, 0, err);
    } else if (rc == 0 && (rc = count_status(r, "sending", ls, &res->stale, err)) == 0 &&
               res->stale > 0 &&
               (rc = relm_stmt_prepare(r->store, sql_stale_first, &s, err)) == 0) {
        char list[128] = "";
        relm_stmt_bind_int(s, 1, ls);
        relm_stmt_bind_int(s, 2, ls);
        while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof(list) - l, "%s%lld", l ? ", " : "",
                     (long long)relm_stmt_int(s, 0));
        }
        relm_stmt_release(s);
        if (rc == 0)
            relm_error_warn(err,
                            "%lld interaction log entries (%s%s) were being sent when a delivery "
                            "stopped and may have gone out; they are resent only with retry "
                            "errors",
                            (long long)res->stale, list, res->stale > 5 ? ", ..." : "");
    }
    if (rc == 0)
        rc = count_status(r, "in_progress", ls, &total, err);
    if (rc == 0 && o->limit > 0 && total > o->limit)
        total = o->limit;
    job_t *jobs = calloc(BATCH, sizeof(*jobs));
    batch_cache_t *cache = calloc(1, sizeof(*cache));
    int njobs = 0;
    if ((!jobs || !cache) && rc == 0)
        rc = relm_error_set(err, RELM_ENOMEM, "out of memory delivering e-mail");
    for (int more = 1; rc == 0 && more;) {
        /* One transaction: the previous batch's outcomes, then the next batch's claims. */
        int64_t nos[BATCH];
        int n = 0;
        long want = BATCH;
        if (o->limit > 0 && o->limit - done < want)
            want = (long)(o->limit - done);
        if (o->stop && o->stop(o->stop_ctx))
            want = 0;
        if ((rc = relm_store_begin(r->store, err)))
            break;
        rc = record_outcomes(r, jobs, njobs, err);
        njobs = 0;
        if (rc == 0 && want > 0 && (rc = relm_stmt_prepare(r->store, sql_next, &s, err)) == 0) {
            relm_stmt_bind_int(s, 1, ls);
            relm_stmt_bind_int(s, 2, ls);
            relm_stmt_bind_int(s, 3, last);
            relm_stmt_bind_int(s, 4, want);
            while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW)
                nos[n++] = relm_stmt_int(s, 0);
            relm_stmt_release(s);
        }
        for (int i = 0; rc == 0 && i < n; i++) {
            int claimed = 0;
            last = nos[i];
            rc = prepare_job(r, cache, nos[i], &jobs[njobs], &claimed, err);
            if (claimed)
                njobs++;
        }
        if (cache)
            cache_clear(cache);
        if (rc) {
            relm_store_rollback(r->store);
            for (int i = 0; i < njobs; i++)
                free(jobs[i].msg);
            njobs = 0;
            break;
        }
        if ((rc = relm_store_commit(r->store, err))) {
            for (int i = 0; i < njobs; i++)
                free(jobs[i].msg);
            njobs = 0;
            break;
        }
        more = n > 0;
        for (int i = 0; i < njobs; i++) {
            if (o->stop && o->stop(o->stop_ctx)) {
                jobs[i].outcome = -1;
                continue;
            }
            send_job(&sm, o, &jobs[i]);
            if (jobs[i].outcome == SEND_OK)
                res->sent++;
            else
                res->failed++;
            done++;
            if (o->progress)
                o->progress(o->pctx, done, total > done ? total : done, NULL);
        }
    }
    free(jobs);
    free(cache);
    if (sm.h)
        curl_easy_cleanup(sm.h);
    free(password);
    if (rc == 0)
        rc = count_status(r, "in_progress", ls, &res->waiting, err);
    return rc;
}

/* ---- per logged segment ---- */

static const char sql_counts[] =
    "SELECT coalesce(sum(CASE WHEN delivered_at <> '' AND delivery_status = '' THEN 1 ELSE 0 "
    "END), 0), "
    "coalesce(sum(CASE WHEN delivery_status IN ('in_progress', 'sending') THEN 1 ELSE 0 END), 0), "
    "coalesce(sum(CASE WHEN delivery_status = 'error' THEN 1 ELSE 0 END), 0), "
    "coalesce(sum(CASE WHEN delivery_status = 'in_progress' AND correspondence_type = "
    "'hard_copy' THEN 1 ELSE 0 END), 0) "
    "FROM interaction_log_entry WHERE logged_segment_entry_no = ? AND canceled = 0";
static const char sql_failed_list[] =
    "SELECT entry_no FROM interaction_log_entry WHERE logged_segment_entry_no = ? "
    "AND canceled = 0 AND delivery_status = 'error' ORDER BY entry_no";

int relm_delivery_counts(relm_t *r, int64_t entry_no, relm_delivery_counts_t *out, relm_row_fn fn,
                         void *ctx, relm_error_t *err)
{
    memset(out, 0, sizeof(*out));
    relm_logged_segment_t ls;
    int rc = relm_logged_segment_get(r, entry_no, &ls, err);
    if (rc)
        return rc;
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store, sql_counts, &s, err)))
        return rc;
    relm_stmt_bind_int(s, 1, entry_no);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        out->sent = relm_stmt_int(s, 0);
        out->waiting = relm_stmt_int(s, 1);
        out->failed = relm_stmt_int(s, 2);
        out->letters = relm_stmt_int(s, 3);
    }
    relm_stmt_release(s);
    if (rc < 0 || !fn)
        return rc < 0 ? rc : 0;
    if ((rc = relm_stmt_prepare(r->store, sql_failed_list, &s, err)))
        return rc;
    relm_stmt_bind_int(s, 1, entry_no);
    /* Read the numbers first: fn may use the database. */
    int64_t nos[256];
    int n = 0;
    while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW && n < 256)
        nos[n++] = relm_stmt_int(s, 0);
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    relm_interaction_t *e = malloc(sizeof(*e));
    if (!e)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        if ((rc = relm_interaction_get(r, nos[i], e, err)) == 0)
            rc = fn(ctx, e);
    free(e);
    return rc > 0 ? 0 : rc;
}

int relm_delivery_retry_errors(relm_t *r, int64_t entry_no, int64_t *count, relm_error_t *err)
{
    relm_logged_segment_t ls;
    int rc = relm_logged_segment_get(r, entry_no, &ls, err);
    if (rc)
        return rc;
    if ((rc = exec_update(r, sql_requeue, "ii", NULL, entry_no, entry_no, 0, err)))
        return rc;
    if (count)
        *count = relm_store_changes(r->store);
    return 0;
}
