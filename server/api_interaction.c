/*
 * Interactions over HTTP: the Create Interaction dialog (prepare = defaults and checks
 * without writing, create, postpone = "finish later"), postponed entries (resume, delete),
 * and the log (list with cursor paging, cancel, evaluate, delete canceled entries).
 *
 *   GET    /api/interactions             ?contact_no ?salesperson_code ?interaction_template_code
 *                                        ?segment_no ?logged_segment_entry_no ?from ?to
 *                                        ?status=postponed|canceled ?limit ?after=CURSOR
 *   POST   /api/interactions             create (body: fields, optional from_entry_no)
 *   POST   /api/interactions/prepare     the dialog's defaults, nothing written
 *   POST   /api/interactions/postpone    store as postponed (entry_no: update that one)
 *   POST   /api/interactions/cancel      {"entry_nos": [..]} toggles canceled
 *   POST   /api/interactions/delete-canceled  {"before", "interaction_template_code"}
 *   GET    /api/interactions/{entry_no}
 *   DELETE /api/interactions/{entry_no}  a postponed or canceled entry
 *   POST   /api/interactions/{entry_no}/resume
 *   POST   /api/interactions/{entry_no}/evaluate  {"evaluation", "attempt_failed"}
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"

static int parse_no(req_t *q, const char *s, const char *what, int64_t *out)
{
    return relm_parse_positive(s, what, out, &q->err);
}

/* Fields of the body (without the members named in skip) into rec / given. */
static int body_record(req_t *q, relm_interaction_t *rec, relm_mask_t *given,
                       const char *const *skip)
{
    relm_record_init(&relm_interaction_entity, rec);
    *given = 0;
    if (!q->body)
        return req_fail(q, HTTP_EBADREQUEST, "send the interaction's fields as a JSON object");
    json_t *fields = json_copy(q->body);
    if (!fields)
        return req_fail(q, RELM_ENOMEM, "out of memory");
    for (int i = 0; skip && skip[i]; i++)
        json_object_del(fields, skip[i]);
    int rc = relm_record_from_json(&relm_interaction_entity, rec, given, fields, &q->err);
    json_decref(fields);
    return rc;
}

static void reply_entry(req_t *q, const relm_interaction_t *rec)
{
    q->out = relm_record_json(&relm_interaction_entity, rec);
    if (q->err.warning[0])
        json_object_set_new(q->out, "warning", json_string(q->err.warning));
}

static int prepare(req_t *q)
{
    static const char *const skip[] = {"entry_no", "from_entry_no", NULL};
    relm_interaction_t rec;
    relm_mask_t given;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 0);
    if (rc || (rc = body_record(q, &rec, &given, skip)))
        return rc;
    const char *from = req_body_str(q, "from_entry_no");
    if (from) {
        int64_t no;
        if ((rc = parse_no(q, from, "from_entry_no", &no)) ||
            (rc = relm_interaction_init_from_entry(q->r, no, &rec, &given, &q->err)))
            return rc;
    }
    if ((rc = relm_interaction_prepare(q->r, &rec, given, &q->err)))
        return rc;
    reply_entry(q, &rec);
    return 0;
}

static int create(req_t *q)
{
    static const char *const skip[] = {"entry_no", "from_entry_no", NULL};
    relm_interaction_t rec;
    relm_mask_t given;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc || (rc = body_record(q, &rec, &given, skip)))
        return rc;
    const char *from = req_body_str(q, "from_entry_no");
    if (from) {
        int64_t no;
        if ((rc = parse_no(q, from, "from_entry_no", &no)) ||
            (rc = relm_interaction_create_from_entry(q->r, no, &rec, given, &q->err)))
            return rc;
    } else if ((rc = relm_interaction_create(q->r, &rec, given, &q->err))) {
        return rc;
    }
    reply_entry(q, &rec);
    q->status = MHD_HTTP_CREATED;
    snprintf(q->location, sizeof(q->location), "/api/interactions/%lld", (long long)rec.entry_no);
    return 0;
}

static int postpone(req_t *q)
{
    static const char *const skip[] = {"entry_no", "from_entry_no", NULL};
    relm_interaction_t rec;
    relm_mask_t given;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc || (rc = body_record(q, &rec, &given, skip)))
        return rc;
    const char *no = req_body_str(q, "entry_no");
    if (no && (rc = parse_no(q, no, "entry_no", &rec.entry_no)))
        return rc;
    if ((rc = relm_interaction_postpone(q->r, &rec, given, &q->err)))
        return rc;
    reply_entry(q, &rec);
    q->status = no ? MHD_HTTP_OK : MHD_HTTP_CREATED;
    return 0;
}

static int resume(req_t *q)
{
    static const char *const skip[] = {"entry_no", NULL};
    relm_interaction_t rec;
    relm_mask_t given = 0;
    int64_t no;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc || (rc = parse_no(q, req_param(q, "entry_no"), "entry no.", &no)))
        return rc;
    if (q->body)
        rc = body_record(q, &rec, &given, skip);
    else
        relm_record_init(&relm_interaction_entity, &rec);
    if (rc || (rc = relm_interaction_resume(q->r, no, &rec, given, &q->err)))
        return rc;
    reply_entry(q, &rec);
    return 0;
}

static int get_one(req_t *q)
{
    relm_interaction_t rec;
    int64_t no;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 0);
    if (rc || (rc = parse_no(q, req_param(q, "entry_no"), "entry no.", &no)) ||
        (rc = relm_interaction_get(q->r, no, &rec, &q->err)))
        return rc;
    reply_entry(q, &rec);
    return 0;
}

static int delete_one(req_t *q)
{
    int64_t no;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc || (rc = parse_no(q, req_param(q, "entry_no"), "entry no.", &no)) ||
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
    if (rc || (rc = parse_no(q, req_param(q, "entry_no"), "entry no.", &no)))
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
    reply_entry(q, &rec);
    return 0;
}

static int delete_canceled(req_t *q)
{
    int64_t count = 0;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc || (rc = relm_interaction_delete_canceled(q->r, req_body_str(q, "before"),
                                                     req_body_str(q, "interaction_template_code"),
                                                     &count, &q->err)))
        return rc;
    q->out = json_pack("{s:I}", "deleted", (json_int_t)count);
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
    iq.limit = limit;
    const char *ls = req_query(q, "logged_segment_entry_no");
    if (ls && (rc = parse_no(q, ls, "logged_segment_entry_no", &iq.logged_segment_entry_no)))
        return rc;
    const char *status = req_query(q, "status");
    if (status && strcmp(status, "postponed") == 0)
        iq.flags = RELM_IQ_POSTPONED;
    else if (status && strcmp(status, "canceled") == 0)
        iq.flags = RELM_IQ_CANCELED;
    else if (status && *status && strcmp(status, "all") != 0)
        return req_fail(q, HTTP_EBADREQUEST, "status must be postponed, canceled or all");
    const char *after = req_query(q, "after");
    if (after && *after && (rc = relm_interaction_cursor_parse(after, &iq.after, &q->err)))
        return rc == RELM_EVALIDATION ? req_fail(q, HTTP_EBADREQUEST, "%s", q->err.message) : rc;
    api_collect_t c = {json_array(), &relm_interaction_entity};
    rc = relm_interaction_list(q->r, &iq, api_collect, &c, &next, &q->err);
    if (rc) {
        json_decref(c.items);
        return rc;
    }
    char cur[128];
    relm_interaction_cursor_format(&next, cur, sizeof(cur));
    q->out = json_pack("{s:o,s:o}", "items", c.items, "next_cursor",
                       next.entry_no ? json_string(cur) : json_null());
    return 0;
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
}
