/*
 * relm serve internals: the request every handler sees, the route table, and helpers
 * shared by the resource files (api_*.c).
 *
 * A handler is a thin shell: it reads path parameters, the query and the parsed JSON
 * body, makes one library call on the worker thread's relm_t (already set to the
 * signed-in user), and leaves a JSON reply in q->out. It returns 0 or a RELM_E* code
 * with q->err filled; http.c turns codes into HTTP statuses through one table.
 */
#ifndef RELM_SERVER_HTTP_H
#define RELM_SERVER_HTTP_H

#include <string.h>
#include <jansson.h>
#include <microhttpd.h>

#include "relm/json.h"
#include "relm/relm.h"

/* Errors that arise in the HTTP layer itself (mapped in the same table as RELM_E*). */
enum {
    HTTP_EBADREQUEST = -200,   /* malformed request: JSON syntax, nesting, wrong shape */
    HTTP_ETOOLARGE = -201,     /* body larger than the limit */
    HTTP_EMETHOD = -202,       /* route exists, method does not */
    HTTP_ECSRF = -203,         /* state-changing request without the session's CSRF token */
    HTTP_ENOROUTE = -204,      /* no such route */
    HTTP_EPRECONDITION = -205, /* If-Match names a version the record no longer has */
};

#define HTTP_MAX_BODY   (1024 * 1024)
#define HTTP_MAX_DEPTH  8
#define HTTP_MAX_PARAMS 4
#define HTTP_PAGE_MAX   500
#define HTTP_PAGE_DEF   50
#define HTTP_MAX_ROUTES 256

typedef struct req req_t;

/*
 * A reply's JSON text built in place (jtext.c): the same text json_dumps gives for the same
 * values with JSON_COMPACT | JSON_PRESERVE_ORDER, without building a tree first. Start
 * zeroed; after an allocation failure (failed) further writes are ignored.
 */
typedef struct jtext {
    char *s;
    size_t len, cap;
    int failed;
} jtext_t;
void jt_grow(jtext_t *t, const char *s, size_t n);
static inline void jt_put(jtext_t *t, const char *s, size_t n)
{
    if (t->len + n < t->cap) {
        memcpy(t->s + t->len, s, n);
        t->len += n;
        t->s[t->len] = '\0';
    } else {
        jt_grow(t, s, n);
    }
}
void jt_puts(jtext_t *t, const char *s);
/* s as a JSON string (quoted and escaped); s must be valid UTF-8 (jt_valid_utf8). */
void jt_string(jtext_t *t, const char *s);
int jt_valid_utf8(const char *s);
/* The record as relm_record_json() would print it. */
void jt_record(jtext_t *t, const relm_entity_t *e, const void *rec);
/* Make t's text the request's JSON reply (t is emptied); RELM_ENOMEM when it failed. */
int jt_reply(req_t *q, jtext_t *t);
typedef int (*handler_fn)(req_t *q);

typedef struct route {
    char method[8];
    char pattern[128]; /* "/api/contacts/{no}" */
    handler_fn fn;
    int public_route; /* 1: no credentials needed (login) */
    int own_tx;       /* 1: the handler commits its own work (it talks to a mail server) */
    const void *data; /* the resource a generic handler serves */
} route_t;

struct req {
    struct MHD_Connection *conn;
    const char *method;
    const route_t *route;
    int nparams;
    char pname[HTTP_MAX_PARAMS][32];
    char pvalue[HTTP_MAX_PARAMS][256];
    json_t *body; /* parsed body (an object) or NULL when none was sent */
    /*
     * Texts req_body_str made of the body's numbers (an array, owned by the request and
     * released with it, NULL until the first): each call gets its own text, so two calls
     * in one argument list never share a buffer.
     */
    json_t *body_texts;
    relm_t *r;
    relm_user_t user;
    int via_session;
    char session_token[RELM_TOKEN_SZ];
    char csrf_token[RELM_TOKEN_SZ];
    char address[64];
    relm_error_t err;
    /* reply */
    unsigned status; /* default 200 */
    json_t *out;     /* reply body (owned; NULL: no body) */
    /* A reply that is not JSON (a PDF): raw (malloc'd, owned) of raw_len bytes, raw_type. */
    char *raw;
    size_t raw_len;
    const char *raw_type;
    char disposition[128];
    char set_cookie[256];
    char location[256];
    int64_t retry_after;
    char *text;            /* a reply that is not JSON (owned; /healthz, /metrics) */
    const char *text_type; /* its Content-Type (default text/plain) */
    char allow[64];        /* 405: the methods the path has */
    int https;             /* the client reached us over TLS (a trusted proxy says so) */
    /*
     * A write request's reply, built inside its transaction (http.c commits only once the
     * reply is built; built: reply and reply_type hold it, reply NULL for none).
     */
    int built;
    char *reply;
    const char *reply_type;
    const char *url; /* the request's path, for a write request's run */
    int queued;      /* holds its place at the head of the writers' queue */
    req_t *wq_next;  /* the writer queued after this one */
    char etag[40];   /* the reply's ETag ("" for none) */
};

/* Path parameter by name ("" when absent). */
const char *req_param(const req_t *q, const char *name);
/* Query parameter (NULL when absent). */
const char *req_query(const req_t *q, const char *name);
/* Fill q->err and return code. */
int req_fail(req_t *q, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The role check of the library, for the signed-in user. */
int req_may(req_t *q, relm_area_t area, int write);
/*
 * Body member key as text (strings, numbers, booleans), or NULL when absent, null or of
 * another kind. The text belongs to the request (the body, or q->body_texts for a number)
 * and stays valid until the request is answered; the caller never frees it.
 */
const char *req_body_str(req_t *q, const char *key);
/*
 * The body's members as fields of e into rec (initialised first) and *given, leaving out
 * the members named in skip (NULL-terminated, or NULL): the shells' one way from a JSON
 * object to a record. No body is bad_request; field errors come from the library.
 */
int req_body_record(req_t *q, const relm_entity_t *e, void *rec, relm_mask_t *given,
                    const char *const *skip);
/* Body member key as a positive whole number into *out (0 when absent or null). */
int req_body_no(req_t *q, const char *key, int64_t *out);
/* Path parameter name as a positive whole number named `what` in messages (usage: 400). */
int req_param_no(req_t *q, const char *name, const char *what, int64_t *out);
/* Body member key as a boolean (0 when absent); a non-boolean is bad_request. */
int req_body_bool(req_t *q, const char *key, int *out);
/* Parse "limit" from the query into *limit (default, capped). */
int req_limit(req_t *q, long *limit);

/*
 * One page of a list the library pages by key (limit + after in SQL): page_begin reads
 * ?limit, the library is asked for p->limit + 1 rows with page_row as the callback (the
 * extra row only says that another page follows), and page_end replies
 * {"items": [...], "next_cursor": the key of the last item, or null}. key: the field index
 * of e's key (-1: no cursor).
 */
typedef struct page {
    const relm_entity_t *e;
    jtext_t items; /* the items' JSON text, comma-separated */
    long limit, n;
    int key;
    char last[RELM_TEXT250_SZ];
    int more;
} page_t;
int page_begin(req_t *q, page_t *p, const relm_entity_t *e, int key);
int page_row(void *ctx, const void *rec);
int page_end(req_t *q, page_t *p, int rc);

/*
 * Reply with one page of e's rows (api_entity.c): filters from ?where= (repeatable) and
 * extra, ?limit, and ?after=KEY for the next page. {"items": [...], "next_cursor": ...}.
 */
int api_list_page(req_t *q, const relm_entity_t *e, relm_filter_t *extra, int nextra);

/*
 * A relm_row_fn that appends each record as JSON text to items (a short, complete list);
 * start with {.e = entity}.
 */
typedef struct api_collect {
    jtext_t items;
    const relm_entity_t *e;
    long n;
} api_collect_t;
int api_collect(void *ctx, const void *rec);
/* Reply {"items": [c->items], "next_cursor": null} when rc is 0; frees items in any case. */
int api_reply_items(req_t *q, api_collect_t *c, int rc);
/* Reply {"items": [c->items], "next_cursor": cursor or null}; frees items in any case. */
int api_reply_page(req_t *q, api_collect_t *c, const char *cursor, int rc);

/* Route registration (router.c). Patterns use {name} for path parameters. */
void router_add(const char *method, const char *pattern, handler_fn fn, const void *data);
void router_add_public(const char *method, const char *pattern, handler_fn fn);
/*
 * A write route whose handler talks to a mail server: it runs outside the request's
 * transaction, so what it claims is committed before a message leaves and a conflict
 * never runs it (and its sending) again; the library call commits its own batches.
 */
void router_add_own_tx(const char *method, const char *pattern, handler_fn fn);
void router_init(void);
/* Find the route for method + path; params filled in q. HTTP_ENOROUTE / HTTP_EMETHOD. */
int router_match(req_t *q, const char *method, const char *path);
/* The methods path has ("GET, HEAD, PATCH"), into out; "" when none. */
void router_allowed(const char *path, char *out, size_t n);
/* Number of a registered route (0 .. HTTP_MAX_ROUTES-1), and the route of a number. */
int router_index(const route_t *r);
const route_t *router_at(int i);
void router_print(FILE *out);

/* Resource files: each adds its routes. */
void api_auth_routes(void);
void api_entity_routes(void);
void api_setup_routes(void);
void api_interaction_routes(void);
void api_segment_routes(void);
void api_campaign_routes(void);
void api_ops_routes(void);

/* Request log and metrics (ops.c). log may be NULL (no request log). */
void ops_init(FILE *log);
/* Count one answered request and log it; route NULL: a page (page 1) or no route. */
void ops_record(const char *method, const route_t *route, int page, unsigned status, double seconds,
                const char *user, const char *address);
/* The metrics page in Prometheus text format (malloc'd), or NULL when out of memory; the
   database size is read through db. */
char *ops_metrics_text(relm_t *db);
void api_mail_routes(void);
void api_privacy_routes(void);
void api_deliver_routes(void);

/* Authentication of a request (auth.c): fills q->user; 0 or an error code. */
int auth_request(req_t *q);

/* The mapping of error codes to HTTP statuses and names (http.c). */
unsigned http_status_of(int code);
const char *http_error_name(int code);

/* Embedded web files (generated by scripts/embed_web.py). */
typedef struct web_file {
    const char *path; /* "/index.html" */
    const char *type; /* MIME type */
    const unsigned char *data;
    size_t size;
} web_file_t;
extern const web_file_t relm_web_files[];
extern const int relm_web_file_count;

/* Options of relm serve and the server's entry point (server.c). */
typedef struct serve_opts {
    const char *db;
    const char *listen; /* "127.0.0.1:8080" */
    const char *today;  /* fixed work date, or NULL for the real date */
    int threads;
    int cache_kib;
    const char *log_file;   /* request log: NULL or "-" for stderr, "off" for none */
    int trust_proxy;        /* take the client from X-Forwarded-For/-Proto */
    const char *tls_cert;   /* PEM certificate (chain) file: serve https; NULL: http */
    const char *tls_key;    /* PEM private key file of tls_cert */
    const char *fetch_mail; /* IMAP mailbox URL fetched in the background, or NULL */
    long fetch_every;       /* seconds between fetches */
    long deliver_every;     /* seconds between runs of the delivery worker; 0: no worker */
    /*
     * Limits that keep slow or idle clients from starving everyone else: open connections
     * in all and per client address, seconds a connection may stay idle (slow headers or
     * bodies), and seconds a request may take to arrive in full once its first line came.
     * 0 takes the defaults below.
     */
    unsigned max_connections;
    unsigned max_per_address;
    unsigned idle_timeout;
    unsigned request_timeout;
    /* Seconds a write waits, in order of arrival, for other writers (batch jobs). */
    unsigned busy_timeout;
} serve_opts_t;

#define SERVE_MAX_CONNECTIONS 512
#define SERVE_MAX_PER_ADDRESS 32
#define SERVE_IDLE_TIMEOUT    15
#define SERVE_REQUEST_TIMEOUT 60
#define SERVE_BUSY_TIMEOUT    30

/*
 * The delivery worker (api_deliver.c): a thread with its own connection to db that runs the
 * outbox every `every` seconds while marketing setup has an smtp_url. stop waits for the
 * entry being sent to finish.
 */
int deliver_worker_start(const char *db, const char *today, long every, relm_error_t *err);
void deliver_worker_stop(void);

int serve_run(const serve_opts_t *o, relm_error_t *err);

/*
 * The mail fetch thread (mail_worker.c): start checks the password (environment) and the
 * setup, then fetches o->fetch_mail now and every o->fetch_every seconds; nothing when
 * o->fetch_mail is NULL. stop wakes it and waits for it to end.
 */
int mail_worker_start(const serve_opts_t *o, relm_error_t *err);
void mail_worker_stop(void);
/* The mailbox the thread fetches (the URL, which holds no password), or NULL without one. */
const char *mail_worker_url(void);
/*
 * Fetch the thread's mailbox now on r (a request's connection), one fetch at a time with the
 * thread; outcomes go to b. validation when relm serve runs without --fetch-mail.
 */
int mail_worker_fetch_now(relm_t *r, relm_mail_batch_t *b, relm_error_t *err);
/* One request, called by the MHD access handler (http.c). */
enum MHD_Result http_access(void *cls, struct MHD_Connection *conn, const char *url,
                            const char *method, const char *version, const char *upload_data,
                            size_t *upload_data_size, void **con_cls);
void http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                    enum MHD_RequestTerminationCode toe);
/* MHD's URI log callback: sees the address before decoding, to refuse an encoded NUL
 * (decoding would cut the path there and serve a shorter one). */
void *http_uri_log(void *cls, const char *uri, struct MHD_Connection *conn);
void http_set_db(const char *db, const char *today, int cache_kib);
/*
 * trust_proxy: X-Forwarded-For names the client and X-Forwarded-Proto its scheme (only
 * behind a proxy that sets both). fault_reply: a test hook (RELM_FAULT=reply) that fails
 * every request after its handler ran, to show that such a request changes nothing.
 */
void http_set_options(int trust_proxy, int fault_reply, int tls);
/* Seconds a request may take to arrive in full (headers and body) from its first line. */
void http_set_request_timeout(unsigned seconds);
/*
 * Seconds a request that may change data waits for the database: first behind the
 * server's other writers, in order of arrival, then for another process's write (a batch
 * import) to end. Past it the request is answered 503 busy with Retry-After.
 */
void http_set_busy_timeout(unsigned seconds);
void http_thread_cleanup_init(void);

#endif
