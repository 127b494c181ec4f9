/*
 * Delivery over HTTP (thin shells over lib/deliver.c and lib/letter.c) and the delivery
 * worker of relm serve.
 *
 *   POST /api/deliver                                 run the outbox now (admins)
 *   GET  /api/logged-segments/{entry_no}/delivery     sent / waiting / failed, failures
 *   POST /api/logged-segments/{entry_no}/retry-errors put failed entries back
 *   GET  /api/logged-segments/{entry_no}/letters.pdf  the merged letters (?mark=true marks
 *                                                     the hard-copy entries delivered)
 *
 * The worker is one thread with its own connection: every `every` seconds it runs the
 * outbox when marketing setup has an smtp_url. Claims in the database keep it from sending
 * what a request (or another process) is sending at the same time.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"

static int deliver_now(req_t *q)
{
    int rc = req_may(q, RELM_AREA_SETUP, 1);
    relm_deliver_opts_t o = {0};
    int64_t ls = 0, limit = 0, tries = 0, backoff = 0;
    int retry = 0;
    if (rc || (rc = req_body_no(q, "logged_segment_entry_no", &ls)) ||
        (rc = req_body_no(q, "limit", &limit)) || (rc = req_body_no(q, "tries", &tries)) ||
        (rc = req_body_no(q, "backoff_ms", &backoff)) ||
        (rc = req_body_bool(q, "retry_errors", &retry)))
        return rc;
    o.logged_segment_entry_no = ls;
    o.limit = (long)limit;
    o.max_tries = (int)tries;
    o.backoff_ms = (long)backoff;
    o.retry_errors = retry;
    relm_deliver_result_t res;
    if ((rc = relm_deliver_run(q->r, &o, &res, &q->err)))
        return rc;
    q->out = json_pack("{s:I, s:I, s:I, s:I}", "sent", (json_int_t)res.sent, "failed",
                       (json_int_t)res.failed, "waiting", (json_int_t)res.waiting, "stale",
                       (json_int_t)res.stale);
    if (q->err.warning[0])
        json_object_set_new(q->out, "warning", json_string(q->err.warning));
    return 0;
}

static int failure_json(void *ctx, const void *row)
{
    const relm_interaction_t *e = row;
    json_array_append_new(
        ctx, json_pack("{s:I, s:s, s:s, s:s, s:I}", "entry_no", (json_int_t)e->entry_no,
                       "contact_no", e->contact_no, "contact_via", e->contact_via, "delivery_error",
                       e->delivery_error, "delivery_attempts", (json_int_t)e->delivery_attempts));
    return 0;
}

static int delivery_counts(req_t *q)
{
    int64_t no;
    int rc = req_may(q, RELM_AREA_SEGMENTS, 0);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)))
        return rc;
    relm_delivery_counts_t n;
    json_t *failures = json_array();
    if ((rc = relm_delivery_counts(q->r, no, &n, failure_json, failures, &q->err))) {
        json_decref(failures);
        return rc;
    }
    q->out =
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "logged_segment_entry_no", (json_int_t)no,
                  "sent", (json_int_t)n.sent, "waiting", (json_int_t)n.waiting, "failed",
                  (json_int_t)n.failed, "letters", (json_int_t)n.letters, "failures", failures);
    return 0;
}

static int retry_errors(req_t *q)
{
    int64_t no, n = 0;
    int rc = req_may(q, RELM_AREA_SEGMENTS, 1);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)) ||
        (rc = relm_delivery_retry_errors(q->r, no, &n, &q->err)))
        return rc;
    q->out = json_pack("{s:I}", "requeued", (json_int_t)n);
    return 0;
}

static int letters_pdf(req_t *q)
{
    int64_t no, n = 0;
    const char *m = req_query(q, "mark");
    int mark = m && (strcmp(m, "true") == 0 || strcmp(m, "1") == 0);
    int rc = req_may(q, RELM_AREA_SEGMENTS, mark);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)))
        return rc;
    if ((rc = relm_letters_render_segment(q->r, no, mark, &q->raw, &q->raw_len, &n, &q->err)))
        return rc;
    q->raw_type = "application/pdf";
    snprintf(q->disposition, sizeof(q->disposition), "inline; filename=\"letters-%lld.pdf\"",
             (long long)no);
    return 0;
}

void api_deliver_routes(void)
{
    router_add_own_tx("POST", "/api/deliver", deliver_now);
    router_add("GET", "/api/logged-segments/{entry_no}/delivery", delivery_counts, NULL);
    router_add("POST", "/api/logged-segments/{entry_no}/retry-errors", retry_errors, NULL);
    router_add("GET", "/api/logged-segments/{entry_no}/letters.pdf", letters_pdf, NULL);
}

/* ---- the worker ---- */

static struct worker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int running;
    int stopping;
    relm_t *r;
    long every;
} w = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static int worker_stopping(void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&w.lock);
    int s = w.stopping;
    pthread_mutex_unlock(&w.lock);
    return s;
}

static void *worker_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += w.every;
        pthread_mutex_lock(&w.lock);
        while (!w.stopping && pthread_cond_timedwait(&w.wake, &w.lock, &until) == 0)
            ;
        int stop = w.stopping;
        pthread_mutex_unlock(&w.lock);
        if (stop)
            break;
        relm_setup_t st;
        relm_error_t err = {0};
        if (relm_setup_get(w.r, &st, &err) || !st.smtp_url[0])
            continue;
        relm_deliver_opts_t o = {0};
        o.stop = worker_stopping;
        relm_deliver_result_t res;
        if (relm_deliver_run(w.r, &o, &res, &err))
            fprintf(stderr, "relm: delivery: %s\n", err.message);
        else if (res.sent || res.failed || err.warning[0])
            fprintf(stderr, "relm: delivery: sent %lld, failed %lld, waiting %lld%s%s\n",
                    (long long)res.sent, (long long)res.failed, (long long)res.waiting,
                    err.warning[0] ? "; " : "", err.warning);
    }
    return NULL;
}

int deliver_worker_start(const char *db, const char *today, long every, relm_error_t *err)
{
    int rc = relm_open(db, 0, &w.r, err);
    if (rc)
        return rc;
    if (today && (rc = relm_set_workdate(w.r, today, err))) {
        relm_close(w.r);
        return rc;
    }
    w.every = every;
    w.stopping = 0;
    if (pthread_create(&w.thread, NULL, worker_main, NULL) != 0) {
        relm_close(w.r);
        return relm_error_set(err, RELM_EIO, "cannot start the delivery worker");
    }
    w.running = 1;
    return 0;
}

void deliver_worker_stop(void)
{
    if (!w.running)
        return;
    pthread_mutex_lock(&w.lock);
    w.stopping = 1;
    pthread_cond_signal(&w.wake);
    pthread_mutex_unlock(&w.lock);
    pthread_join(w.thread, NULL);
    relm_close(w.r);
    w.running = 0;
}
