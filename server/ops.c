/*
 * Operating relm serve: the request log (one JSON line per request), the counters behind
 * GET /metrics (Prometheus text format) and GET /healthz.
 *
 * Counters are plain atomics indexed by route and status class, so recording a request
 * takes no lock; /metrics reads them without stopping the workers, so a scrape may see
 * one request counted in the total before it shows in a bucket.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"

/* The statuses relm answers with; anything else is counted as "other". */
static const unsigned statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
                                    409, 412, 413, 422, 429, 500, 503, 0};
#define NSTATUS       (sizeof(statuses) / sizeof(statuses[0]))
#define NSLOTS        (HTTP_MAX_ROUTES + 2) /* the routes, pages, and paths with no route */
#define SLOT_PAGES    HTTP_MAX_ROUTES
#define SLOT_NO_ROUTE (HTTP_MAX_ROUTES + 1)

static const double buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof(buckets) / sizeof(buckets[0]))

static atomic_ulong counts[NSLOTS][NSTATUS];
static atomic_ulong bucket_counts[NBUCKETS];
static atomic_ulong duration_count;
static atomic_ullong duration_us;

static FILE *log_out;

void ops_init(FILE *log)
{
    log_out = log;
}

static size_t status_slot(unsigned status)
{
    size_t i = 0;
    while (statuses[i] && statuses[i] != status)
        i++;
    return i;
}

void ops_record(const char *method, const route_t *route, int page, unsigned status, double seconds,
                const char *user, const char *address)
{
    int slot = route ? router_index(route) : page ? SLOT_PAGES : SLOT_NO_ROUTE;
    atomic_fetch_add(&counts[slot][status_slot(status)], 1);
    for (size_t i = 0; i < NBUCKETS; i++)
        if (seconds <= buckets[i])
            atomic_fetch_add(&bucket_counts[i], 1);
    atomic_fetch_add(&duration_count, 1);
    atomic_fetch_add(&duration_us, (unsigned long long)(seconds * 1e6));
    if (!log_out)
        return;
    struct timespec ts;
    struct tm tm;
    char when[40];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof(when) - n, ".%03ldZ", ts.tv_nsec / 1000000);
    /* Written as text in place (no JSON tree): the same line jansson printed. */
    const char *rt = route ? route->pattern : page ? "(page)" : "(none)";
    user = user ? user : "";
    address = address ? address : "";
    if (!jt_valid_utf8(method) || !jt_valid_utf8(user) || !jt_valid_utf8(address))
        return;
    char num[64];
    jtext_t t = {0};
    jt_puts(&t, "{\"time\":");
    jt_string(&t, when);
    jt_puts(&t, ",\"method\":");
    jt_string(&t, method);
    jt_puts(&t, ",\"route\":");
    jt_string(&t, rt);
    snprintf(num, sizeof(num), ",\"status\":%d,\"duration_ms\":", (int)status);
    jt_puts(&t, num);
    /* A real as jansson writes it: 17 significant digits, with ".0" when it looks whole. */
    snprintf(num, sizeof(num), "%.17g", (double)(int64_t)(seconds * 1e5) / 100);
    if (!strpbrk(num, ".eE"))
        strcat(num, ".0");
    jt_puts(&t, num);
    jt_puts(&t, ",\"user\":");
    jt_string(&t, user);
    jt_puts(&t, ",\"address\":");
    jt_string(&t, address);
    jt_put(&t, "}\n", 2);
    /*
     * One write(2) per line, on a file opened for appending: lines of two threads never mix,
     * and no stdio lock is held across the system call (with fwrite + fflush the pool
     * threads queued behind each other's writes, which on a busy machine costs a time slice).
     */
    const char *p = t.s;
    size_t left = t.failed ? 0 : t.len;
    while (left > 0) {
        ssize_t w = write(fileno(log_out), p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        p += w;
        left -= (size_t)w;
    }
    free(t.s);
}

/* A growing text buffer for the metrics page. */
typedef struct buf {
    char *s;
    size_t len, cap;
    int failed;
} buf_t;

static void add(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap + (size_t)n + 1) * 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

char *ops_metrics_text(relm_t *db)
{
    buf_t b = {0};
    add(&b, "# HELP relm_http_requests_total Requests answered, by route and status.\n"
            "# TYPE relm_http_requests_total counter\n");
    for (int slot = 0; slot < NSLOTS; slot++) {
        const route_t *r = slot < HTTP_MAX_ROUTES ? router_at(slot) : NULL;
        if (slot < HTTP_MAX_ROUTES && !r)
            continue;
        for (size_t i = 0; i < NSTATUS; i++) {
            unsigned long n = atomic_load(&counts[slot][i]);
            if (!n)
                continue;
            char status[16];
            if (statuses[i])
                snprintf(status, sizeof(status), "%u", statuses[i]);
            else
                snprintf(status, sizeof(status), "other");
            add(&b, "relm_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} %lu\n",
                r ? r->method : "",
                r                    ? r->pattern
                : slot == SLOT_PAGES ? "(page)"
                                     : "(none)",
                status, n);
        }
    }
    add(&b, "# HELP relm_http_request_duration_seconds Time from the request to its reply.\n"
            "# TYPE relm_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < NBUCKETS; i++)
        add(&b, "relm_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n", buckets[i],
            atomic_load(&bucket_counts[i]));
    unsigned long total = atomic_load(&duration_count);
    add(&b, "relm_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", total);
    add(&b, "relm_http_request_duration_seconds_sum %.6f\n",
        (double)atomic_load(&duration_us) / 1e6);
    add(&b, "relm_http_request_duration_seconds_count %lu\n", total);
    int64_t size = 0;
    relm_error_t err = {0};
    if (relm_database_size(db, &size, &err) != 0)
        size = 0; /* the page still reports the requests; /healthz tells of the database */
    add(&b,
        "# HELP relm_database_size_bytes Space the database takes (SQLite: file and write-ahead "
        "log).\n"
        "# TYPE relm_database_size_bytes gauge\n"
        "relm_database_size_bytes %lld\n",
        (long long)size);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

static int healthz(req_t *q)
{
    int rc = relm_ping(q->r, &q->err);
    if (rc)
        return rc;
    q->text = strdup("ok\n");
    return q->text ? 0 : req_fail(q, RELM_ENOMEM, "out of memory");
}

static int metrics(req_t *q)
{
    q->text = ops_metrics_text(q->r);
    q->text_type = "text/plain; version=0.0.4";
    return q->text ? 0 : req_fail(q, RELM_ENOMEM, "out of memory building the metrics");
}

void api_ops_routes(void)
{
    router_add_public("GET", "/healthz", healthz);
    router_add_public("GET", "/metrics", metrics);
}
