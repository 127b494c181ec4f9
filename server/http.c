/*
 * libmicrohttpd glue: collects a request (bounded body), opens the worker thread's
 * database connection, authenticates, parses JSON, calls the route's handler and writes
 * the reply; a request that may change data runs in one transaction committed only once
 * its reply is built. Also serves the embedded web UI, counts and logs every request
 * (ops.c) and holds the one table that maps error codes to HTTP statuses.
 *
 * Each worker thread of the pool owns one relm_t, opened on its first request and closed
 * when the thread ends (a pthread key destructor), so connections are never shared.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>

#include "http.h"

static const struct error_map {
    int code;
    unsigned status;
    const char *name; /* NULL: the library's name (relm_error_name) */
} error_map[] = {
    {RELM_ENOTFOUND, 404, NULL},
    {RELM_EVALIDATION, 422, NULL},
    {RELM_ECONFLICT, 409, NULL},
    {RELM_ENONUMBERS, 422, NULL},
    {RELM_EMANUALNOS, 422, NULL},
    {RELM_EPRIVACY, 422, NULL},
    {RELM_EMISSINGEMAIL, 422, NULL},
    {RELM_ESEGMENTEMPTY, 422, NULL},
    {RELM_EMISSINGTPL, 422, NULL},
    {RELM_ESETUP, 422, NULL},
    {RELM_EINUSE, 409, NULL},
    {RELM_EEXISTS, 409, NULL},
    {RELM_EMISSINGFAX, 422, NULL},
    {RELM_EDATEORDER, 422, NULL},
    {RELM_ESCHEMA, 500, NULL},
    {RELM_ESTORAGE, 500, NULL},
    {RELM_ENOMEM, 503, NULL},
    {RELM_EIO, 500, NULL},
    {RELM_EMISSINGSP, 422, NULL},
    {RELM_EUSAGE, 400, NULL},
    {RELM_EAUTH, 401, NULL},
    {RELM_EFORBIDDEN, 403, NULL},
    {RELM_ETHROTTLED, 429, NULL},
    {RELM_EBUSY, 503, NULL},
    {HTTP_EBADREQUEST, 400, "bad_request"},
    {HTTP_ETOOLARGE, 413, "too_large"},
    {HTTP_EMETHOD, 405, "method_not_allowed"},
    {HTTP_ECSRF, 403, "csrf"},
    {HTTP_ENOROUTE, 404, "not_found"},
    {HTTP_EPRECONDITION, 412, "precondition_failed"},
};

#define NERRORS (sizeof(error_map) / sizeof(error_map[0]))

unsigned http_status_of(int code)
{
    for (size_t i = 0; i < NERRORS; i++)
        if (error_map[i].code == code)
            return error_map[i].status;
    return 500;
}

const char *http_error_name(int code)
{
    for (size_t i = 0; i < NERRORS; i++)
        if (error_map[i].code == code)
            return error_map[i].name ? error_map[i].name : relm_error_name(code);
    return relm_error_name(code);
}

/* Per-request state, kept across the access handler's calls for one request. */
typedef struct pending {
    char *body;
    size_t len, cap;
    int started; /* the access handler has seen the request's headers */
    int too_large;
    int encoded_nul;       /* the raw address holds %00, which decoding would cut the path at */
    struct timespec begun; /* when the request line arrived */
} pending_t;

static const char *g_db;
static const char *g_today;
static int g_cache_kib = 512;
static int g_trust_proxy;
static int g_tls; /* served over TLS (--tls-cert) */
static int g_fault_reply;
static unsigned g_request_timeout = 60;
static int g_busy_ms = 30000;
/* The writers' queue: requests that may change data take the database in arrival order. */
static pthread_mutex_t wq_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wq_cond = PTHREAD_COND_INITIALIZER;
static req_t *wq_head, *wq_tail;
static pthread_key_t relm_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void close_relm(void *p)
{
    relm_close(p);
}

static void make_key(void)
{
    pthread_key_create(&relm_key, close_relm);
}

void http_set_db(const char *db, const char *today, int cache_kib)
{
    g_db = db;
    g_today = today;
    if (cache_kib > 0)
        g_cache_kib = cache_kib;
    pthread_once(&key_once, make_key);
}

void http_set_options(int trust_proxy, int fault_reply, int tls)
{
    g_trust_proxy = trust_proxy;
    g_fault_reply = fault_reply;
    g_tls = tls;
}

void http_set_request_timeout(unsigned seconds)
{
    g_request_timeout = seconds;
}

void http_set_busy_timeout(unsigned seconds)
{
    g_busy_ms = (int)(seconds > 86400 ? 86400 : seconds) * 1000;
}

static void wq_unlink(req_t *q)
{
    req_t **pp = &wq_head, *prev = NULL;
    while (*pp && *pp != q) {
        prev = *pp;
        pp = &(*pp)->wq_next;
    }
    if (!*pp)
        return;
    *pp = q->wq_next;
    if (wq_tail == q)
        wq_tail = prev;
    q->wq_next = NULL;
}

/*
 * Wait until q heads the writers' queue, up to deadline (CLOCK_REALTIME): 0, or
 * RELM_EBUSY after leaving the queue. SQLite's own busy wait is not first come, first
 * served: without the queue, a request could wait out its whole timeout while later
 * ones get through.
 */
static int wq_enter(req_t *q, const struct timespec *deadline)
{
    int rc = 0;
    pthread_mutex_lock(&wq_mutex);
    q->wq_next = NULL;
    if (wq_tail)
        wq_tail->wq_next = q;
    else
        wq_head = q;
    wq_tail = q;
    while (wq_head != q) {
        if (pthread_cond_timedwait(&wq_cond, &wq_mutex, deadline) != 0 && wq_head != q) {
            wq_unlink(q);
            pthread_cond_broadcast(&wq_cond);
            rc = RELM_EBUSY;
            break;
        }
    }
    pthread_mutex_unlock(&wq_mutex);
    if (rc == 0)
        q->queued = 1;
    return rc;
}

static void wq_leave(req_t *q)
{
    pthread_mutex_lock(&wq_mutex);
    wq_unlink(q);
    q->queued = 0;
    pthread_cond_broadcast(&wq_cond);
    pthread_mutex_unlock(&wq_mutex);
}

/* Whether the request has taken longer than the request timeout to arrive. */
static int overdue(const pending_t *p)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec - p->begun.tv_sec > (time_t)g_request_timeout;
}

static relm_t *thread_relm(relm_error_t *err)
{
    relm_t *r = pthread_getspecific(relm_key);
    if (r)
        return r;
    if (relm_open(g_db, RELM_OPEN_NO_MIGRATE, &r, err))
        return NULL;
    if (relm_set_cache_size(r, g_cache_kib, err)) {
        relm_close(r);
        return NULL;
    }
    relm_set_busy_timeout(r, g_busy_ms);
    pthread_setspecific(relm_key, r);
    return r;
}

const char *req_param(const req_t *q, const char *name)
{
    for (int i = 0; i < q->nparams; i++)
        if (strcmp(q->pname[i], name) == 0)
            return q->pvalue[i];
    return "";
}

const char *req_query(const req_t *q, const char *name)
{
    return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}

int req_fail(req_t *q, int code, const char *fmt, ...)
{
    va_list ap;
    q->err.code = code;
    va_start(ap, fmt);
    vsnprintf(q->err.message, sizeof(q->err.message), fmt, ap);
    va_end(ap);
    return code;
}

int req_may(req_t *q, relm_area_t area, int write)
{
    return relm_user_may(&q->user, area, write, &q->err);
}

const char *req_body_str(req_t *q, const char *key)
{
    json_t *v = q->body ? json_object_get(q->body, key) : NULL;
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        char buf[32];
        snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        json_t *text = json_string(buf);
        if (!q->body_texts)
            q->body_texts = json_array();
        if (!text || !q->body_texts || json_array_append_new(q->body_texts, text))
            return NULL;
        return json_string_value(text); /* kept alive by q->body_texts */
    }
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    return NULL;
}

int req_body_record(req_t *q, const relm_entity_t *e, void *rec, relm_mask_t *given,
                    const char *const *skip)
{
    relm_record_init(e, rec);
    *given = 0;
    if (!q->body)
        return req_fail(q, HTTP_EBADREQUEST, "send the %s's fields as a JSON object", e->name);
    if (!skip)
        return relm_record_from_json(e, rec, given, q->body, &q->err);
    json_t *fields = json_copy(q->body);
    if (!fields)
        return req_fail(q, RELM_ENOMEM, "out of memory");
    for (int i = 0; skip[i]; i++)
        json_object_del(fields, skip[i]);
    int rc = relm_record_from_json(e, rec, given, fields, &q->err);
    json_decref(fields);
    return rc;
}

int req_body_no(req_t *q, const char *key, int64_t *out)
{
    const char *v = req_body_str(q, key);
    *out = 0;
    return v ? relm_parse_positive(v, key, out, &q->err) : 0;
}

int req_param_no(req_t *q, const char *name, const char *what, int64_t *out)
{
    return relm_parse_positive(req_param(q, name), what, out, &q->err);
}

int req_body_bool(req_t *q, const char *key, int *out)
{
    json_t *v = q->body ? json_object_get(q->body, key) : NULL;
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return req_fail(q, HTTP_EBADREQUEST, "%s must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

int req_limit(req_t *q, long *limit)
{
    const char *s = req_query(q, "limit");
    *limit = HTTP_PAGE_DEF;
    if (!s)
        return 0;
    int64_t v;
    int rc = relm_parse_positive(s, "limit", &v, &q->err);
    if (rc)
        return rc;
    /* A page holds at most HTTP_PAGE_MAX rows; a larger limit asks for the largest page. */
    *limit = v > HTTP_PAGE_MAX ? HTTP_PAGE_MAX : (long)v;
    return 0;
}

int page_begin(req_t *q, page_t *p, const relm_entity_t *e, int key)
{
    memset(p, 0, sizeof(*p));
    p->e = e;
    p->key = key;
    return req_limit(q, &p->limit);
}

int page_row(void *ctx, const void *rec)
{
    page_t *p = ctx;
    if (p->n == p->limit) {
        p->more = 1;
        return 1;
    }
    if (p->n)
        jt_put(&p->items, ",", 1);
    jt_record(&p->items, p->e, rec);
    if (p->key >= 0)
        relm_record_format(p->e, rec, p->key, p->last, sizeof(p->last));
    p->n++;
    return 0;
}

int jt_reply(req_t *q, jtext_t *t)
{
    if (t->failed || !t->s) {
        free(t->s);
        memset(t, 0, sizeof(*t));
        return req_fail(q, RELM_ENOMEM, "out of memory building the reply");
    }
    free(q->text);
    q->text = t->s;
    q->text_type = "application/json";
    memset(t, 0, sizeof(*t));
    return 0;
}

/* {"items": [items], "next_cursor": cursor or null} as the reply; items is freed. */
static int reply_page(req_t *q, jtext_t *items, const char *cursor, int rc)
{
    if (rc) {
        free(items->s);
        memset(items, 0, sizeof(*items));
        return rc;
    }
    jtext_t t = {0};
    jt_put(&t, "{\"items\":[", 10);
    if (items->s)
        jt_put(&t, items->s, items->len);
    t.failed |= items->failed;
    free(items->s);
    memset(items, 0, sizeof(*items));
    jt_puts(&t, "],\"next_cursor\":");
    if (cursor && jt_valid_utf8(cursor))
        jt_string(&t, cursor);
    else
        jt_put(&t, "null", 4);
    jt_put(&t, "}", 1);
    return jt_reply(q, &t);
}

int page_end(req_t *q, page_t *p, int rc)
{
    return reply_page(q, &p->items, p->more && p->key >= 0 ? p->last : NULL, rc);
}

int api_collect(void *ctx, const void *rec)
{
    api_collect_t *c = ctx;
    if (c->n++)
        jt_put(&c->items, ",", 1);
    jt_record(&c->items, c->e, rec);
    return 0;
}

int api_reply_items(req_t *q, api_collect_t *c, int rc)
{
    return reply_page(q, &c->items, NULL, rc);
}

int api_reply_page(req_t *q, api_collect_t *c, const char *cursor, int rc)
{
    return reply_page(q, &c->items, cursor, rc);
}

/* Deepest nesting of arrays/objects in a JSON text (strings skipped). */
static int json_depth(const char *s, size_t n)
{
    int depth = 0, max = 0, in_str = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                max = depth;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return max;
}

static void add_common_headers(struct MHD_Response *resp, int api)
{
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                            "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
                            "base-uri 'none'; form-action 'self'");
    MHD_add_response_header(resp, "Cache-Control", api ? "no-store" : "no-cache");
}

/* Queue a reply; text (malloc'd, may be NULL: no body) is taken over. */
static enum MHD_Result send_text(struct MHD_Connection *conn, unsigned status, char *text,
                                 const char *type, const req_t *q)
{
    size_t len = text ? strlen(text) : 0;
    struct MHD_Response *resp =
        text ? MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE)
             : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(text);
        return MHD_NO;
    }
    if (text)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    add_common_headers(resp, 1);
    if (q && q->set_cookie[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, q->set_cookie);
    if (q && q->location[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, q->location);
    if (q && q->etag[0])
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, q->etag);
    if (q && q->retry_after > 0) {
        char ra[32];
        snprintf(ra, sizeof(ra), "%lld", (long long)q->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    if (status == 401)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"relm\"");
    if (status == 405)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
                                q && q->allow[0] ? q->allow : "GET, HEAD");
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *conn, unsigned status, json_t *body,
                                 const req_t *q)
{
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    return send_text(conn, status, text, "application/json", q);
}

/* A reply that is not JSON (q->raw); the buffer stays q's. */
static enum MHD_Result send_raw(struct MHD_Connection *conn, const req_t *q)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(q->raw_len, q->raw, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, q->raw_type);
    if (q->disposition[0])
        MHD_add_response_header(resp, "Content-Disposition", q->disposition);
    add_common_headers(resp, 1);
    enum MHD_Result ret = MHD_queue_response(conn, q->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *conn, int code, const char *message,
                                  const req_t *q)
{
    json_t *e = json_pack("{s:{s:s,s:s}}", "error", "code", http_error_name(code), "message",
                          message && *message ? message : http_error_name(code));
    enum MHD_Result ret = send_json(conn, http_status_of(code), e, q);
    json_decref(e);
    return ret;
}

static const web_file_t *find_web_file(const char *url)
{
    if (strcmp(url, "/") == 0)
        url = "/index.html";
    for (int i = 0; i < relm_web_file_count; i++)
        if (strcmp(relm_web_files[i].path, url) == 0)
            return &relm_web_files[i];
    return NULL;
}

static enum MHD_Result send_static(struct MHD_Connection *conn, const char *url)
{
    const web_file_t *f = find_web_file(url);
    if (!f)
        return send_error(conn, HTTP_ENOROUTE, "no such page", NULL);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(f->size, (void *)f->data, MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, f->type);
    add_common_headers(resp, 0);
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void client_address(struct MHD_Connection *conn, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "unknown");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)n);
}

/* The last (rightmost) entry of a comma-separated header: the one our proxy added. */
static void last_entry(const char *h, char *out, size_t n)
{
    const char *c = strrchr(h, ',');
    const char *s = c ? c + 1 : h;
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strcspn(s, " \t");
    if (len == 0 || len >= n)
        return;
    memcpy(out, s, len);
    out[len] = '\0';
}

static void forwarded(req_t *q)
{
    /* Served over TLS: every request came over https. */
    q->https = g_tls;
    if (!g_trust_proxy || g_tls)
        return;
    const char *h = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, "X-Forwarded-For");
    if (h)
        last_entry(h, q->address, sizeof(q->address));
    h = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
    char proto[16] = "";
    if (h)
        last_entry(h, proto, sizeof(proto));
    q->https = strcasecmp(proto, "https") == 0;
}

static int is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/*
 * The ETag of a reply body: a quoted hash of its exact text. A record's reply is built the
 * same way every time from the same stored values, so the tag changes exactly when the
 * record (as the reader sees it) does.
 */
static void etag_of(const char *text, size_t len, char out[40])
{
    unsigned char h[16];
    crypto_generichash(h, sizeof(h), (const unsigned char *)text, len, NULL, 0);
    out[0] = '"';
    sodium_bin2hex(out + 1, 33, h, sizeof(h));
    out[33] = '"';
    out[34] = '\0';
}

/* Whether a list header (If-Match, If-None-Match: "a", "b" or *) names etag. */
static int etag_listed(const char *header, const char *etag)
{
    size_t n = strlen(etag);
    for (const char *p = header; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*')
            return 1;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        size_t len = strcspn(p, ", \t");
        if (len == n && strncmp(p, etag, n) == 0)
            return 1;
        p += len;
    }
    return 0;
}

/*
 * If-Match on a change: read the record as GET on the same address would (inside the
 * change's transaction, so nobody changes it in between) and refuse with 412 unless its
 * ETag is one the client names. The record must exist for If-Match: * too.
 */
static int check_if_match(req_t *q, const char *url)
{
    const char *want = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, "If-Match");
    if (!want)
        return 0;
    req_t *g = calloc(1, sizeof(*g));
    if (!g)
        return req_fail(q, RELM_ENOMEM, "out of memory checking If-Match");
    g->conn = q->conn;
    g->method = "GET";
    g->r = q->r;
    g->user = q->user;
    g->status = MHD_HTTP_OK;
    int rc = router_match(g, "GET", url);
    if (rc) {
        free(g);
        return req_fail(q, HTTP_EPRECONDITION, "%s has no version to match (If-Match)", url);
    }
    rc = g->route->fn(g);
    char *text = NULL;
    if (rc == 0 && g->text) {
        text = g->text; /* a reply written as JSON text */
        g->text = NULL;
    } else if (rc == 0 && g->out) {
        text = json_dumps(g->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    }
    if (rc) {
        q->err = g->err;
    } else if (!text) {
        rc = req_fail(q, RELM_ENOMEM, "out of memory checking If-Match");
    } else {
        char tag[40];
        etag_of(text, strlen(text), tag);
        if (!etag_listed(want, tag))
            rc = req_fail(q, HTTP_EPRECONDITION,
                          "%s was changed since it was read (If-Match %s, now %s); read it "
                          "again and retry",
                          url, want, tag);
    }
    free(text);
    json_decref(g->out);
    free(g->text);
    free(g);
    return rc;
}

static int build_reply(req_t *q, char **text, const char **type);

/* Forget what an earlier run of a write request's handler left in its reply. */
static void reset_reply(req_t *q)
{
    json_decref(q->out);
    q->out = NULL;
    free(q->text);
    q->text = NULL;
    q->text_type = NULL;
    free(q->raw);
    q->raw = NULL;
    q->raw_len = 0;
    q->raw_type = NULL;
    q->disposition[0] = q->set_cookie[0] = q->location[0] = '\0';
    q->retry_after = 0;
    free(q->reply);
    q->reply = NULL;
    q->reply_type = NULL;
    q->built = 0;
    q->status = MHD_HTTP_OK;
    relm_error_clear(&q->err);
}

/* One run of a write request: If-Match, the handler, its reply (relm_tx_fn; ctx is q). */
static int write_attempt(relm_t *r, void *ctx, relm_error_t *err)
{
    req_t *q = ctx;
    (void)r, (void)err; /* err is &q->err, which the handler and req_fail fill */
    reset_reply(q);
    int rc = check_if_match(q, q->url);
    if (rc == 0)
        rc = q->route->fn(q);
    if (rc == 0 && (rc = build_reply(q, &q->reply, &q->reply_type)) == 0)
        q->built = 1;
    return rc;
}

/* Authenticate, parse the body and run the handler; the reply goes into q. */
static int dispatch(req_t *q, const char *url, const pending_t *p)
{
    int rc = router_match(q, q->method, url);
    if (rc == HTTP_ENOROUTE)
        return req_fail(q, rc, "no route %s %s", q->method, url);
    if (rc == HTTP_EMETHOD) {
        router_allowed(url, q->allow, sizeof(q->allow));
        return req_fail(q, rc, "%s is not allowed on %s (allowed: %s)", q->method, url, q->allow);
    }
    if (p->too_large)
        return req_fail(q, HTTP_ETOOLARGE, "the request body is larger than %d bytes",
                        HTTP_MAX_BODY);
    if (!(q->r = thread_relm(&q->err)))
        return q->err.code;
    if (relm_set_workdate(q->r, g_today, &q->err))
        return q->err.code;
    relm_set_user(q->r, "");
    if (!q->route->public_route) {
        if ((rc = auth_request(q)))
            return rc;
        if (q->via_session && is_write(q->method)) {
            const char *h = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, "X-CSRF-Token");
            if (!h || strlen(h) != strlen(q->csrf_token) ||
                sodium_memcmp(h, q->csrf_token, strlen(h)) != 0)
                return req_fail(q, HTTP_ECSRF,
                                "the X-CSRF-Token header is missing or does not match the "
                                "session");
        }
        relm_set_user(q->r, q->user.name);
    }
    if (p->len > 0) {
        if (json_depth(p->body, p->len) > HTTP_MAX_DEPTH)
            return req_fail(q, HTTP_EBADREQUEST, "the JSON body is nested deeper than %d levels",
                            HTTP_MAX_DEPTH);
        json_error_t je;
        q->body = json_loadb(p->body, p->len, JSON_REJECT_DUPLICATES, &je);
        if (!q->body)
            return req_fail(q, HTTP_EBADREQUEST, "the body is not valid JSON: %s (line %d)",
                            je.text, je.line);
        if (!json_is_object(q->body))
            return req_fail(q, HTTP_EBADREQUEST, "the body must be a JSON object");
    }
    q->status = MHD_HTTP_OK;
    /*
     * A request that may change data runs in one transaction, committed only once its
     * reply is built: a request either succeeds and says so, or changes nothing. Login
     * keeps its own transactions (its failed attempts must stay counted), and so do the
     * routes that send or fetch mail (router_add_own_tx): a message that has left cannot be
     * rolled back, so its claim must be committed before it leaves.
     */
    if (is_write(q->method) && !q->route->public_route && !q->route->own_tx) {
        struct timespec deadline, now;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += g_busy_ms / 1000;
        deadline.tv_nsec += (long)(g_busy_ms % 1000) * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        if (wq_enter(q, &deadline))
            return req_fail(q, RELM_EBUSY, "the database is busy with another job; try again");
        /* What is left of the wait goes to waiting for other processes' writes. */
        clock_gettime(CLOCK_REALTIME, &now);
        long long left = (long long)(deadline.tv_sec - now.tv_sec) * 1000 +
                         (deadline.tv_nsec - now.tv_nsec) / 1000000L;
        relm_set_busy_timeout(q->r, left > 0 ? (int)left : 0);
        /*
         * The handler and its reply in one transaction, run again from the start when the
         * database aborts it for a conflict with another job (relm_transaction).
         */
        q->url = url;
        return relm_transaction(q->r, write_attempt, q, &q->err);
    }
    return q->route->fn(q);
}

/* The reply body of a handler that succeeded into *text (NULL: none), or an error. */
static int build_reply(req_t *q, char **text, const char **type)
{
    *text = NULL;
    *type = "application/json";
    if (g_fault_reply)
        return req_fail(q, RELM_ESTORAGE, "the reply cannot be built (RELM_FAULT=reply test hook)");
    if (q->text) {
        *text = q->text;
        q->text = NULL;
        *type = q->text_type ? q->text_type : "text/plain; charset=utf-8";
        return 0;
    }
    if (q->status == MHD_HTTP_NO_CONTENT || !q->out)
        return 0;
    *text = json_dumps(q->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    return *text ? 0 : req_fail(q, RELM_ENOMEM, "out of memory building the reply");
}

void *http_uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls, (void)conn;
    pending_t *p = calloc(1, sizeof(*p));
    if (p) {
        p->encoded_nul = uri && strstr(uri, "%00") != NULL;
        clock_gettime(CLOCK_MONOTONIC, &p->begun);
    }
    return p;
}

enum MHD_Result http_access(void *cls, struct MHD_Connection *conn, const char *url,
                            const char *method, const char *version, const char *upload_data,
                            size_t *upload_data_size, void **con_cls)
{
    (void)cls, (void)version;
    pending_t *p = *con_cls;
    if (!p || !p->started) {
        if (!p) {
            if (!(p = calloc(1, sizeof(*p))))
                return MHD_NO;
            clock_gettime(CLOCK_MONOTONIC, &p->begun);
        }
        *con_cls = p;
        p->started = 1;
        /* Headers that trickled in for longer than a request may take: drop the client. */
        if (overdue(p))
            return MHD_NO;
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > HTTP_MAX_BODY) {
            /*
             * Answer at once, before any of the body is read: the reply ends the connection,
             * so a client cannot make the server take in a body it will refuse anyway.
             */
            p->too_large = 1;
            req_t q = {.conn = conn};
            client_address(conn, q.address, sizeof(q.address));
            forwarded(&q);
            char msg[96];
            snprintf(msg, sizeof(msg), "the request body is larger than %d bytes", HTTP_MAX_BODY);
            enum MHD_Result ret = send_error(conn, HTTP_ETOOLARGE, msg, NULL);
            ops_record(method, NULL, strncmp(url, "/api", 4) != 0, 413, 0.0, "", q.address);
            return ret;
        }
        return MHD_YES;
    }
    /* A body that trickles in for longer than a request may take: drop the client. */
    if (*upload_data_size && overdue(p))
        return MHD_NO;
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (p->too_large || p->len + n > HTTP_MAX_BODY) {
            p->too_large = 1;
            return MHD_YES;
        }
        if (p->len + n + 1 > p->cap) {
            size_t cap = (p->len + n + 1) * 2;
            if (cap > HTTP_MAX_BODY + 1)
                cap = HTTP_MAX_BODY + 1;
            char *b = realloc(p->body, cap);
            if (!b)
                return MHD_NO;
            p->body = b;
            p->cap = cap;
        }
        memcpy(p->body + p->len, upload_data, n);
        p->len += n;
        p->body[p->len] = '\0';
        return MHD_YES;
    }
    if (p->encoded_nul)
        return send_error(conn, HTTP_EBADREQUEST,
                          "the address holds an encoded NUL byte (%00), which no name or value "
                          "may contain",
                          NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (strncmp(url, "/api/", 5) != 0 && strcmp(url, "/api") != 0 && strcmp(url, "/healthz") &&
        strcmp(url, "/metrics")) {
        req_t page = {.conn = conn};
        enum MHD_Result ret;
        unsigned status = 200;
        client_address(conn, page.address, sizeof(page.address));
        forwarded(&page);
        if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
            status = 405;
            ret = send_error(conn, HTTP_EMETHOD, "only GET is allowed on pages", NULL);
        } else {
            status = find_web_file(url) ? 200 : 404;
            ret = send_static(conn, url);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        ops_record(method, NULL, 1, status,
                   (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, "",
                   page.address);
        return ret;
    }
    req_t *q = calloc(1, sizeof(*q));
    if (!q)
        return MHD_NO;
    q->conn = conn;
    q->method = method;
    client_address(conn, q->address, sizeof(q->address));
    forwarded(q);
    int rc = dispatch(q, url, p);
    const char *type = "application/json";
    char *text = NULL;
    if (rc == 0 && q->built) {
        text = q->reply; /* a write request's, built before it committed */
        type = q->reply_type;
        q->reply = NULL;
    } else if (rc == 0) {
        rc = build_reply(q, &text, &type);
    }
    if (q->queued) {
        wq_leave(q);
        relm_set_busy_timeout(q->r, g_busy_ms);
    }
    if (rc == RELM_EBUSY && q->retry_after <= 0)
        q->retry_after = 2;
    if (rc == 0 && !is_write(method) && q->status == MHD_HTTP_OK && text &&
        strcmp(type, "application/json") == 0) {
        etag_of(text, strlen(text), q->etag);
        const char *none =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
        if (none && etag_listed(none, q->etag)) {
            q->status = MHD_HTTP_NOT_MODIFIED;
            free(text);
            text = NULL;
        }
    }
    enum MHD_Result ret;
    unsigned status = rc ? http_status_of(rc) : q->status;
    if (rc)
        ret = send_error(conn, rc, q->err.message, q);
    else if (q->raw)
        ret = send_raw(conn, q);
    else
        ret = send_text(conn, q->status, text, type, q);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ops_record(method, q->route, 0, status,
               (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
               q->user.name, q->address);
    free(q->raw);
    if (q->r)
        relm_set_user(q->r, "");
    json_decref(q->body);
    json_decref(q->body_texts);
    json_decref(q->out);
    free(q->text);
    free(q->reply);
    sodium_memzero(q->session_token, sizeof(q->session_token));
    free(q);
    return ret;
}

void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    pending_t *p = *con_cls;
    if (p) {
        free(p->body);
        free(p);
        *con_cls = NULL;
    }
}
