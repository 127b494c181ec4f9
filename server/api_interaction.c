/*
 * Interactions over HTTP: the Create Interaction dialog (prepare = defaults and checks
 * without writing, create, postpone = "finish later"), postponed entries (resume, delete),
 * and the log (list with cursor paging, cancel, evaluate, delete canceled entries).
 *
 *   GET    /api/interactions             ?contact_no ?salesperson_code ?interaction_template_code
 *                                        ?segment_no ?logged_segment_entry_no ?from ?to
 *                                        ?status=postponed|canceled|active|outbox ?limit
 *                                        ?after=CURSOR
 *                                        ?sort=FIELD[:asc|:desc] ?q=TEXT (search)
 *   POST   /api/interactions             create (body: fields, optional from_entry_no and
 *                                        comments: an array of comment texts)
 *   POST   /api/interactions/prepare     the dialog's defaults, nothing written
 *   POST   /api/interactions/postpone    store as postponed (entry_no: update that one)
 *   POST   /api/interactions/cancel      {"entry_nos": [..]} toggles canceled
 *   POST   /api/interactions/delete-canceled  filters entry_no_from, entry_no_to, contact_no,
 *                                        from, to, campaign_no, interaction_group_code,
 *                                        interaction_template_code, salesperson_code; dry_run
 *   GET    /api/interactions/{entry_no}  the entry with its comments
 *   DELETE /api/interactions/{entry_no}  a postponed or canceled entry
 *   POST   /api/interactions/{entry_no}/resume
 *   POST   /api/interactions/{entry_no}/evaluate  {"evaluation", "attempt_failed"}
 *   GET    /api/interactions/{entry_no}/comments
 *   POST   /api/interactions/{entry_no}/comments  {"comment", "date"}
 *   DELETE /api/interactions/{entry_no}/comments/{line_no}
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"

static const relm_entity_t *const E = &relm_interaction_entity;

static int comment_json(void *ctx, const void *row)
{
    json_array_append_new(ctx, relm_record_json(&relm_interaction_comment_entity, row));
    return 0;
}

/* A member "key": text, left out (as jansson leaves it out) when text is not valid UTF-8. */
static void put_member(jtext_t *t, const char *key, const char *text)
{
    if (text && !jt_valid_utf8(text))
        return;
    jt_puts(t, key);
    if (text)
        jt_string(t, text);
    else
        jt_put(t, "null", 4);
}

/*
 * The entry with its comment lines, written as JSON text. With fresh set, rec was just
 * written with no comment lines and no attachment (a new entry without comments): there
 * is nothing to read back, which keeps the write transaction short.
 */
static int reply_entry_as(req_t *q, const relm_interaction_t *rec, int fresh)
{
    api_collect_t c = {.e = &relm_interaction_comment_entity};
    int read = rec->entry_no > 0 && !fresh;
    int rc =
        read ? relm_interaction_comment_list(q->r, rec->entry_no, api_collect, &c, &q->err) : 0;
    char *body = NULL;
    if (rc == 0 && read)
        rc = relm_entry_attachment_get(q->r, rec->entry_no, &body, &q->err);
    if (rc) {
        free(c.items.s);
        return rc;
    }
    jtext_t t = {0};
    jt_record(&t, E, rec);
    if (t.len)
        t.len--; /* reopen the record's object for the members below */
    jt_puts(&t, ",\"comments\":[");
    if (c.items.s)
        jt_put(&t, c.items.s, c.items.len);
    t.failed |= c.items.failed;
    free(c.items.s);
    jt_put(&t, "]", 1);
    /* The body kept with the entry: the merged text that went out (null when none). */
    put_member(&t, ",\"attachment\":", body);
    free(body);
    if (q->err.warning[0])
        put_member(&t, ",\"warning\":", q->err.warning);
    jt_put(&t, "}", 1);
    return jt_reply(q, &t);
}

static int reply_entry(req_t *q, const relm_interaction_t *rec)
{
    return reply_entry_as(q, rec, 0);
}

#define MAX_COMMENTS 100

/* The body's "comments": an array of texts (borrowed from the body) into texts / *n. */
static int body_comments(req_t *q, const char **texts, int *n)
{
    json_t *a = q->body ? json_object_get(q->body, "comments") : NULL;
    *n = 0;
    if (!a || json_is_null(a))
        return 0;
    if (!json_is_array(a) || json_array_size(a) > MAX_COMMENTS)
        return req_fail(q, HTTP_EBADREQUEST, "comments must be an array of up to %d texts",
                        MAX_COMMENTS);
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_string(v))
            return req_fail(q, HTTP_EBADREQUEST, "comments must hold texts");
        texts[(*n)++] = json_string_value(v);
    }
    return 0;
}

/* The body's from_entry_no, when given: the contact and salesperson of that entry. */
static int from_entry(req_t *q, relm_interaction_t *rec, relm_mask_t *given)
{
    int64_t no;
    int rc = req_body_no(q, "from_entry_no", &no);
    if (rc || !no)
        return rc;
    return relm_interaction_init_from_entry(q->r, no, rec, given, &q->err);
}

/* What the Create Interaction dialog sends. */
typedef struct dialog {
    relm_interaction_t rec;
    relm_mask_t given;
    const char *texts[MAX_COMMENTS]; /* comment lines, borrowed from the body */
    int n;
} dialog_t;

/*
 * The dialog's body into d: the fields (not entry_no, from_entry_no or comments), with
 * write the comment lines, with postpone the entry_no of a postponed entry to update, and
 * the contact and salesperson of from_entry_no unless an entry_no was given.
 */
static int read_dialog(req_t *q, int write, int postpone, dialog_t *d)
{
    static const char *const skip[] = {"entry_no", "from_entry_no", "comments", NULL};
    int rc = req_may(q, RELM_AREA_INTERACTIONS, write);
    d->n = 0;
    if (rc || (rc = req_body_record(q, E, &d->rec, &d->given, skip)) ||
        (write && (rc = body_comments(q, d->texts, &d->n))) ||
        (postpone && (rc = req_body_no(q, "entry_no", &d->rec.entry_no))))
        return rc;
    return d->rec.entry_no ? 0 : from_entry(q, &d->rec, &d->given);
}

static int prepare(req_t *q)
{
    dialog_t d;
    int rc = read_dialog(q, 0, 0, &d);
    if (rc || (rc = relm_interaction_prepare(q->r, &d.rec, d.given, &q->err)))
        return rc;
    return reply_entry(q, &d.rec);
}

static int create(req_t *q)
{
    dialog_t d;
    int rc = read_dialog(q, 1, 0, &d);
    if (rc ||
        (rc = relm_interaction_create_commented(q->r, &d.rec, d.given, d.texts, d.n, &q->err)) ||
        (rc = reply_entry_as(q, &d.rec, d.n == 0 && d.rec.attachment_no == 0)))
        return rc;
    q->status = MHD_HTTP_CREATED;
    snprintf(q->location, sizeof(q->location), "/api/interactions/%lld", (long long)d.rec.entry_no);
    return 0;
}

/* A new postponed entry (201), or, with entry_no, a change to a postponed one (200). */
static int postpone(req_t *q)
{
    dialog_t d;
    int rc = read_dialog(q, 1, 1, &d);
    if (rc)
        return rc;
    int update = d.rec.entry_no > 0; /* before the postpone numbers a new entry */
    if ((rc = relm_interaction_postpone_commented(q->r, &d.rec, d.given, d.texts, d.n, &q->err)) ||
        (rc = reply_entry(q, &d.rec)))
        return rc;
    q->status = update ? MHD_HTTP_OK : MHD_HTTP_CREATED;
    return 0;
}

static int resume(req_t *q)
{
    static const char *const skip[] = {"entry_no", "comments", NULL};
    relm_interaction_t rec;
    relm_mask_t given = 0;
    const char *texts[MAX_COMMENTS];
    int n = 0;
    int64_t no;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)))
        return rc;
    if (q->body)
        rc = req_body_record(q, E, &rec, &given, skip);
    else
        relm_record_init(E, &rec);
    if (rc || (rc = body_comments(q, texts, &n)) ||
        (rc = relm_interaction_resume_commented(q->r, no, &rec, given, texts, n, &q->err)))
        return rc;
    return reply_entry(q, &rec);
}

static int get_one(req_t *q)
{
    relm_interaction_t rec;
    int64_t no;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 0);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)) ||
        (rc = relm_interaction_get(q->r, no, &rec, &q->err)))
        return rc;
    return reply_entry(q, &rec);
}

static int delete_one(req_t *q)
{
    int64_t no;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)) ||
        (rc = relm_interaction_delete(q->r, no, &q->err)))
        return rc;
    q->status = MHD_HTTP_NO_CONTENT;
    return 0;
}

#define MAX_CANCEL 1000

static int cancel(req_t *q)
{
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc)
        return rc;
    json_t *a = q->body ? json_object_get(q->body, "entry_nos") : NULL;
    size_t n = json_array_size(a);
    if (!json_is_array(a) || n == 0 || n > MAX_CANCEL)
        return req_fail(q, HTTP_EBADREQUEST,
                        "send {\"entry_nos\": [...]} with 1 to %d entry numbers", MAX_CANCEL);
    int64_t *nos = calloc(n, sizeof(*nos));
    if (!nos)
        return req_fail(q, RELM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
            rc = req_fail(q, HTTP_EBADREQUEST, "entry_nos must hold positive whole numbers");
        else
            nos[i] = json_integer_value(v);
    }
    if (rc == 0)
        rc = relm_interaction_cancel(q->r, nos, (int)n, &q->err);
    free(nos);
    if (rc == 0)
        q->out = json_pack("{s:I}", "toggled", (json_int_t)n);
    return rc;
}

static int evaluate(req_t *q)
{
    relm_interaction_t rec;
    int64_t no;
    int failed = -1;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)))
        return rc;
    if (!q->body)
        return req_fail(q, HTTP_EBADREQUEST, "send {\"evaluation\": ..., \"attempt_failed\": ...}");
    json_t *af = json_object_get(q->body, "attempt_failed");
    if (af && !json_is_null(af) && (rc = req_body_bool(q, "attempt_failed", &failed)))
        return rc;
    const char *ev = req_body_str(q, "evaluation");
    if ((rc = relm_interaction_evaluate(q->r, no, ev, failed, &q->err)) ||
        (rc = relm_interaction_get(q->r, no, &rec, &q->err)))
        return rc;
    return reply_entry(q, &rec);
}

static int delete_canceled(req_t *q)
{
    relm_interaction_filter_t f;
    int64_t count = 0;
    memset(&f, 0, sizeof(f));
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc || (rc = req_body_no(q, "entry_no_from", &f.entry_no_from)) ||
        (rc = req_body_no(q, "entry_no_to", &f.entry_no_to)) ||
        (rc = req_body_bool(q, "dry_run", &f.dry_run)))
        return rc;
    f.contact_no = req_body_str(q, "contact_no");
    f.from = req_body_str(q, "from");
    f.to = req_body_str(q, "to");
    f.campaign_no = req_body_str(q, "campaign_no");
    f.interaction_group_code = req_body_str(q, "interaction_group_code");
    f.interaction_template_code = req_body_str(q, "interaction_template_code");
    f.salesperson_code = req_body_str(q, "salesperson_code");
    if ((rc = relm_interaction_delete_canceled(q->r, &f, &count, &q->err)))
        return rc;
    q->out = json_pack("{s:I,s:b}", f.dry_run ? "would_delete" : "deleted", (json_int_t)count,
                       "dry_run", f.dry_run);
    return 0;
}

static int comments_list(req_t *q)
{
    int64_t no;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 0);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)))
        return rc;
    json_t *a = json_array();
    if ((rc = relm_interaction_comment_list(q->r, no, comment_json, a, &q->err))) {
        json_decref(a);
        return rc;
    }
    q->out = json_pack("{s:o,s:n}", "items", a, "next_cursor");
    return 0;
}

static int comment_add(req_t *q)
{
    int64_t no;
    relm_interaction_comment_t cm;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)))
        return rc;
    if (!q->body)
        return req_fail(q, HTTP_EBADREQUEST, "send {\"comment\": ..., \"date\": ...}");
    if ((rc = relm_interaction_comment_add(q->r, no, req_body_str(q, "date"),
                                           req_body_str(q, "comment"), &cm, &q->err)))
        return rc;
    q->out = relm_record_json(&relm_interaction_comment_entity, &cm);
    q->status = MHD_HTTP_CREATED;
    return 0;
}

static int comment_delete(req_t *q)
{
    int64_t no, line;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)) ||
        (rc = req_param_no(q, "line_no", "line no.", &line)) ||
        (rc = relm_interaction_comment_delete(q->r, no, line, &q->err)))
        return rc;
    q->status = MHD_HTTP_NO_CONTENT;
    return 0;
}

static int list(req_t *q)
{
    relm_interaction_query_t iq;
    relm_interaction_cursor_t next;
    long limit;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 0);
    if (rc || (rc = req_limit(q, &limit)))
        return rc;
    memset(&iq, 0, sizeof(iq));
    iq.contact_no = req_query(q, "contact_no");
    iq.salesperson_code = req_query(q, "salesperson_code");
    iq.interaction_template_code = req_query(q, "interaction_template_code");
    iq.segment_no = req_query(q, "segment_no");
    iq.from = req_query(q, "from");
    iq.to = req_query(q, "to");
    iq.sort = req_query(q, "sort");
    iq.search = req_query(q, "q");
    iq.limit = limit;
    const char *ls = req_query(q, "logged_segment_entry_no");
    if (ls && (rc = relm_parse_positive(ls, "logged_segment_entry_no", &iq.logged_segment_entry_no,
                                        &q->err)))
        return rc;
    const char *status = req_query(q, "status");
    if (status && strcmp(status, "postponed") == 0)
        iq.flags = RELM_IQ_POSTPONED;
    else if (status && strcmp(status, "canceled") == 0)
        iq.flags = RELM_IQ_CANCELED;
    else if (status && strcmp(status, "active") == 0)
        iq.flags = RELM_IQ_ACTIVE;
    else if (status && strcmp(status, "outbox") == 0)
        iq.flags = RELM_IQ_OUTBOX;
    else if (status && *status && strcmp(status, "all") != 0)
        return req_fail(q, HTTP_EBADREQUEST,
                        "status must be postponed, canceled, active, outbox or all");
    const char *after = req_query(q, "after");
    if (after && *after && (rc = relm_interaction_cursor_parse(after, &iq.after, &q->err)))
        return rc == RELM_EVALIDATION ? req_fail(q, HTTP_EBADREQUEST, "%s", q->err.message) : rc;
    api_collect_t c = {.e = E};
    rc = relm_interaction_list(q->r, &iq, api_collect, &c, &next, &q->err);
    char cur[RELM_INTERACTION_CURSOR_SZ];
    relm_interaction_cursor_format(&next, cur, sizeof(cur));
    return api_reply_page(q, &c, rc == 0 && next.entry_no ? cur : NULL, rc);
}

void api_interaction_routes(void)
{
    router_add("GET", "/api/interactions", list, NULL);
    router_add("POST", "/api/interactions", create, NULL);
    router_add("POST", "/api/interactions/prepare", prepare, NULL);
    router_add("POST", "/api/interactions/postpone", postpone, NULL);
    router_add("POST", "/api/interactions/cancel", cancel, NULL);
    router_add("POST", "/api/interactions/delete-canceled", delete_canceled, NULL);
    router_add("GET", "/api/interactions/{entry_no}", get_one, NULL);
    router_add("DELETE", "/api/interactions/{entry_no}", delete_one, NULL);
    router_add("POST", "/api/interactions/{entry_no}/resume", resume, NULL);
    router_add("POST", "/api/interactions/{entry_no}/evaluate", evaluate, NULL);
    router_add("GET", "/api/interactions/{entry_no}/comments", comments_list, NULL);
    router_add("POST", "/api/interactions/{entry_no}/comments", comment_add, NULL);
    router_add("DELETE", "/api/interactions/{entry_no}/comments/{line_no}", comment_delete, NULL);
}
