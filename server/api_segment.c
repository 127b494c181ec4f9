/*
 * Segments over HTTP (the header's add, list, show, change and delete are generic, in
 * api_entity.c): lines (personalisation), criteria steps (add /
 * reduce / refine with filters, undo / redo, saved criteria), logging with a
 * progress report, and logged segments (list, reuse; show, cancel and delete are generic,
 * in api_entity.c).
 *
 * Lists are paged by the library by key (limit + after in SQL): segments by
 * no., lines by line_no, logged segments by entry_no (newest first);
 * next_cursor is the last key.
 *
 * Logging runs on the worker thread that received the request; its progress
 * callback writes into a small table (one slot per segment being logged, under
 * a mutex) that GET /api/segments/{no}/log-progress reads from another thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

/* ?after as a positive key (0 when absent: from the start). */
static int after_no(req_t *q, int64_t *out)
{
    const char *after = req_query(q, "after");
    *out = 0;
    return after && *after ? relm_parse_positive(after, "after", out, &q->err) : 0;
}

/* ---- header ---- */

static int reply_segment(req_t *q, const char *no)
{
    relm_segment_t s;
    int rc = relm_segment_get(q->r, no, &s, &q->err);
    if (rc == 0)
        q->out = relm_record_json(&relm_segment_entity, &s);
    return rc;
}

/* ---- lines ---- */

static int lines_list(req_t *q)
{
    page_t p;
    int64_t after;
    int rc = req_may(q, RELM_AREA_SEGMENTS, 0);
    if (rc || (rc = after_no(q, &after)) ||
        (rc = page_begin(q, &p, &relm_segment_line_entity,
                         relm_field_index(&relm_segment_line_entity, "line_no"))))
        return rc;
    return page_end(
        q, &p,
        relm_segment_lines(q->r, req_param(q, "no"), after, p.limit + 1, page_row, &p, &q->err));
}

static int line_add(req_t *q)
{
    relm_segment_line_t l;
    const char *contact = req_body_str(q, "contact_no");
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc)
        return rc;
    if (!contact)
        return req_fail(q, HTTP_EBADREQUEST, "send {\"contact_no\": ...}");
    if ((rc = relm_segment_line_add(q->r, req_param(q, "no"), contact, &l, &q->err)))
        return rc;
    q->out = relm_record_json(&relm_segment_line_entity, &l);
    q->status = MHD_HTTP_CREATED;
    return 0;
}

static int line_get(req_t *q)
{
    relm_segment_line_t l;
    int64_t line_no;
    int rc = req_may(q, RELM_AREA_SEGMENTS, 0);
    if (rc || (rc = req_param_no(q, "line_no", "line no.", &line_no)) ||
        (rc = relm_segment_line_get(q->r, req_param(q, "no"), line_no, &l, &q->err)))
        return rc;
    q->out = relm_record_json(&relm_segment_line_entity, &l);
    return 0;
}

static int line_update(req_t *q)
{
    static const char *const skip[] = {"segment_no", "line_no", NULL};
    relm_segment_line_t l;
    relm_mask_t given;
    int64_t line_no;
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc || (rc = req_param_no(q, "line_no", "line no.", &line_no)) ||
        (rc = req_body_record(q, &relm_segment_line_entity, &l, &given, skip)) ||
        (rc = relm_segment_line_update(q->r, req_param(q, "no"), line_no, &l, given, &q->err)))
        return rc;
    return line_get(q);
}

static int line_delete(req_t *q)
{
    int64_t line_no;
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc || (rc = req_param_no(q, "line_no", "line no.", &line_no)) ||
        (rc = relm_segment_line_delete(q->r, req_param(q, "no"), line_no, &q->err)))
        return rc;
    q->status = MHD_HTTP_NO_CONTENT;
    return 0;
}

/* ---- criteria steps ---- */

/*
 * {"where": ["city=Oslo", ...], and any member of relm_criteria_entity:
 * "interaction_template_code", "from", "to", "campaign_no", "segment_no", "evaluation",
 * "salesperson_code", the options}: the library parses and checks every member.
 */
static int body_criteria(req_t *q, relm_criteria_t *c)
{
    relm_criteria_init(c);
    if (!q->body)
        return 0;
    if (!json_is_object(q->body))
        return req_fail(q, HTTP_EBADREQUEST, "send the criteria as a JSON object");
    json_t *where = json_object_get(q->body, "where"), *v;
    if (where && !json_is_array(where))
        return req_fail(q, HTTP_EBADREQUEST, "where must be a list of FIELD<op>VALUE strings");
    size_t i;
    json_array_foreach(where, i, v)
    {
        if (!json_is_string(v))
            return req_fail(q, HTTP_EBADREQUEST, "where must be a list of FIELD<op>VALUE strings");
        int rc = relm_criteria_where(c, json_string_value(v), &q->err);
        if (rc)
            return rc;
    }
    json_t *fields = json_copy(q->body);
    if (!fields)
        return req_fail(q, RELM_ENOMEM, "out of memory");
    json_object_del(fields, "where");
    int rc = relm_record_from_json(&relm_criteria_entity, c, NULL, fields, &q->err);
    json_decref(fields);
    return rc;
}

typedef int (*step_fn)(relm_t *r, const char *no, const relm_criteria_t *c, int64_t *count,
                       relm_error_t *err);

static int run_step(req_t *q, step_fn fn, const char *counted)
{
    relm_criteria_t c;
    int64_t count = 0;
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc || (rc = body_criteria(q, &c)) ||
        (rc = fn(q->r, req_param(q, "no"), &c, &count, &q->err)) ||
        (rc = reply_segment(q, req_param(q, "no"))))
        return rc;
    json_object_set_new(q->out, counted, json_integer(count));
    return 0;
}

static int step_add(req_t *q)
{
    return run_step(q, relm_segment_add_contacts, "lines_added");
}

static int step_reduce(req_t *q)
{
    return run_step(q, relm_segment_reduce, "lines_removed");
}

static int step_refine(req_t *q)
{
    return run_step(q, relm_segment_refine, "lines_removed");
}

static int step_undo(req_t *q)
{
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc || (rc = relm_segment_undo(q->r, req_param(q, "no"), &q->err)))
        return rc;
    return reply_segment(q, req_param(q, "no"));
}

static int step_redo(req_t *q)
{
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc || (rc = relm_segment_redo(q->r, req_param(q, "no"), &q->err)))
        return rc;
    return reply_segment(q, req_param(q, "no"));
}

static int steps_list(req_t *q)
{
    int rc = req_may(q, RELM_AREA_SEGMENTS, 0);
    if (rc)
        return rc;
    api_collect_t c = {.e = &relm_criteria_step_entity};
    rc = relm_segment_steps(q->r, req_param(q, "no"), api_collect, &c, &q->err);
    return api_reply_items(q, &c, rc);
}

static int criteria_save(req_t *q)
{
    const char *code = req_body_str(q, "code");
    const char *desc = req_body_str(q, "description");
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc)
        return rc;
    if (!code)
        return req_fail(q, HTTP_EBADREQUEST, "send {\"code\": ..., \"description\": ...}");
    if ((rc = relm_criteria_save(q->r, req_param(q, "no"), code, desc ? desc : "", &q->err)))
        return rc;
    q->out = json_pack("{s:s}", "code", code);
    q->status = MHD_HTTP_CREATED;
    return 0;
}

static int criteria_reuse(req_t *q)
{
    const char *code = req_body_str(q, "code");
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc)
        return rc;
    if (!code)
        return req_fail(q, HTTP_EBADREQUEST, "send {\"code\": ...}");
    if ((rc = relm_criteria_reuse(q->r, code, req_param(q, "no"), &q->err)))
        return rc;
    return reply_segment(q, req_param(q, "no"));
}

static int criteria_delete(req_t *q)
{
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc || (rc = relm_criteria_delete(q->r, req_param(q, "code"), &q->err)))
        return rc;
    q->status = MHD_HTTP_NO_CONTENT;
    return 0;
}

/* ---- logging, with progress visible to other requests ---- */

#define PROGRESS_SLOTS 32

static struct progress {
    char no[RELM_CODE20_SZ];
    int done, total;
    char phase[64];
} progress[PROGRESS_SLOTS];
static pthread_mutex_t progress_lock = PTHREAD_MUTEX_INITIALIZER;

static struct progress *progress_claim(const char *no)
{
    struct progress *p = NULL;
    pthread_mutex_lock(&progress_lock);
    for (int i = 0; i < PROGRESS_SLOTS && !p; i++)
        if (!progress[i].no[0]) {
            p = &progress[i];
            snprintf(p->no, sizeof(p->no), "%s", no);
            p->done = 0;
            p->total = 0;
            snprintf(p->phase, sizeof(p->phase), "checking");
        }
    pthread_mutex_unlock(&progress_lock);
    return p;
}

static void progress_release(struct progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&progress_lock);
    p->no[0] = '\0';
    pthread_mutex_unlock(&progress_lock);
}

static void on_progress(void *ctx, int64_t done, int64_t total, const char *phase)
{
    struct progress *p = ctx;
    if (!p)
        return;
    pthread_mutex_lock(&progress_lock);
    p->done = (int)done;
    p->total = (int)total;
    snprintf(p->phase, sizeof(p->phase), "%s", phase ? phase : "");
    pthread_mutex_unlock(&progress_lock);
}

static int seg_log(req_t *q)
{
    int follow_up = 0, deliver = 0;
    relm_log_result_t res;
    relm_segment_t s;
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc || (rc = req_body_bool(q, "follow_up", &follow_up)) ||
        (rc = req_body_bool(q, "deliver", &deliver)))
        return rc;
    /* The number as the field table normalises it, so that progress is found by it. */
    relm_record_init(&relm_segment_entity, &s);
    if ((rc = relm_record_set(&relm_segment_entity, &s, NULL, "no", req_param(q, "no"), &q->err)))
        return rc;
    memset(&res, 0, sizeof(res));
    struct progress *p = progress_claim(s.no);
    rc = relm_segment_log(q->r, s.no,
                          (follow_up ? RELM_LOG_FOLLOW_UP : 0) | (deliver ? RELM_LOG_DELIVER : 0),
                          &res, on_progress, p, &q->err);
    progress_release(p);
    if (rc)
        return rc;
    q->out = json_pack("{s:I,s:I,s:I,s:I,s:I,s:o}", "logged_segment_entry_no",
                       (json_int_t)res.logged_segment_entry_no, "entries", (json_int_t)res.entries,
                       "campaign_entries", (json_int_t)res.campaign_entries, "blank_correspondence",
                       (json_int_t)res.blank_correspondence, "faxes_not_sent",
                       (json_int_t)res.faxes_not_sent, "follow_up_no",
                       res.follow_up_no[0] ? json_string(res.follow_up_no) : json_null());
    if (q->err.warning[0])
        json_object_set_new(q->out, "warning", json_string(q->err.warning));
    return 0;
}

static int seg_log_progress(req_t *q)
{
    relm_segment_t s;
    int rc = req_may(q, RELM_AREA_SEGMENTS, 0);
    if (rc)
        return rc;
    relm_error_t ignored = {0};
    const char *no = req_param(q, "no");
    relm_record_init(&relm_segment_entity, &s);
    if (relm_record_set(&relm_segment_entity, &s, NULL, "no", no, &ignored) == 0)
        no = s.no;
    pthread_mutex_lock(&progress_lock);
    for (int i = 0; i < PROGRESS_SLOTS && !q->out; i++)
        if (progress[i].no[0] && strcmp(progress[i].no, no) == 0)
            q->out = json_pack("{s:b,s:i,s:i,s:s}", "logging", 1, "done", progress[i].done, "total",
                               progress[i].total, "phase", progress[i].phase);
    pthread_mutex_unlock(&progress_lock);
    if (!q->out)
        q->out = json_pack("{s:b}", "logging", 0);
    return 0;
}

/* ---- logged segments ---- */

static int logged_list(req_t *q)
{
    page_t p;
    int64_t after;
    int rc = req_may(q, RELM_AREA_SEGMENTS, 0);
    if (rc || (rc = after_no(q, &after)) ||
        (rc = page_begin(q, &p, &relm_logged_segment_entity,
                         relm_field_index(&relm_logged_segment_entity, "entry_no"))))
        return rc;
    return page_end(q, &p,
                    relm_logged_segment_list(q->r, after, p.limit + 1, page_row, &p, &q->err));
}

/* {"evaluation": "positive", "attempt_failed": false, "campaign_response":
 * true} */
static int logged_reuse(req_t *q)
{
    relm_reuse_filter_t f;
    char new_no[RELM_CODE20_SZ];
    int64_t no, count = 0;
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)))
        return rc;
    relm_reuse_filter_init(&f);
    if (q->body &&
        (rc = relm_record_from_json(&relm_reuse_filter_entity, &f, NULL, q->body, &q->err)))
        return rc;
    if ((rc = relm_logged_segment_reuse(q->r, no, &f, new_no, &count, &q->err)) ||
        (rc = reply_segment(q, new_no)))
        return rc;
    json_object_set_new(q->out, "lines_added", json_integer(count));
    q->status = MHD_HTTP_CREATED;
    snprintf(q->location, sizeof(q->location), "/api/segments/%s", new_no);
    return 0;
}

void api_segment_routes(void)
{
    router_add("GET", "/api/segments/{no}/lines", lines_list, NULL);
    router_add("POST", "/api/segments/{no}/lines", line_add, NULL);
    router_add("GET", "/api/segments/{no}/lines/{line_no}", line_get, NULL);
    router_add("PATCH", "/api/segments/{no}/lines/{line_no}", line_update, NULL);
    router_add("DELETE", "/api/segments/{no}/lines/{line_no}", line_delete, NULL);
    router_add("POST", "/api/segments/{no}/add-contacts", step_add, NULL);
    router_add("POST", "/api/segments/{no}/reduce", step_reduce, NULL);
    router_add("POST", "/api/segments/{no}/refine", step_refine, NULL);
    router_add("POST", "/api/segments/{no}/undo", step_undo, NULL);
    router_add("POST", "/api/segments/{no}/redo", step_redo, NULL);
    router_add("GET", "/api/segments/{no}/steps", steps_list, NULL);
    router_add("POST", "/api/segments/{no}/save-criteria", criteria_save, NULL);
    router_add("POST", "/api/segments/{no}/reuse-criteria", criteria_reuse, NULL);
    router_add("DELETE", "/api/criteria/{code}", criteria_delete, NULL);
    router_add("POST", "/api/segments/{no}/log", seg_log, NULL);
    router_add("GET", "/api/segments/{no}/log-progress", seg_log_progress, NULL);
    router_add("GET", "/api/logged-segments", logged_list, NULL);
    router_add("POST", "/api/logged-segments/{entry_no}/reuse", logged_reuse, NULL);
}
