/*
 * relm-bench-http-floor: the least an HTTP JSON server on libmicrohttpd and SQLite must
 * do to answer relm's two benchmarked routes, as the floor `relm serve` is measured
 * against (bench/http_bench.py).
 *
 *   relm-bench-http-floor DB PORT THREADS TOKEN
 *
 *   GET  /api/interactions?contact_no=NO&limit=N   the newest N entries of a person, as
 *        {"items": [...], "next_cursor": ...} with the same fields and formats as relm
 *   POST /api/interactions {"contact_no", "interaction_template_code", "description"}
 *        inserts the same row relm writes (next entry_no from relm_counter, the contact's
 *        company and e-mail read from the contact) in one transaction, answered 201 with it
 *
 * Same libmicrohttpd mode as relm serve (internal epoll thread pool of THREADS threads),
 * the same connection settings (WAL, synchronous=FULL, foreign keys, 512 KiB page cache
 * per thread) and one connection and prepared statements per pool thread. Authorization
 * must be "Bearer TOKEN", compared in memory. Nothing is logged; SIGINT/SIGTERM stop it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <microhttpd.h>
#include <sqlite3.h>

static const char *g_db;
static char g_auth[128];

/* The interaction log entry's columns in relm's order, with how each is written in JSON. */
static const struct col {
    const char *name;
    char kind; /* s: text, i: integer, b: boolean, m: hundredths as "1.50" */
} cols[] = {
    {"entry_no", 'i'},
    {"contact_no", 's'},
    {"contact_company_no", 's'},
    {"date", 's'},
    {"time", 's'},
    {"description", 's'},
    {"subject", 's'},
    {"information_flow", 's'},
    {"initiated_by", 's'},
    {"attempt_failed", 'b'},
    {"evaluation", 's'},
    {"interaction_group_code", 's'},
    {"interaction_template_code", 's'},
    {"cost", 'm'},
    {"duration", 'm'},
    {"salesperson_code", 's'},
    {"user_id", 's'},
    {"segment_no", 's'},
    {"logged_segment_entry_no", 'i'},
    {"campaign_no", 's'},
    {"campaign_entry_no", 'i'},
    {"campaign_target", 'b'},
    {"campaign_response", 'b'},
    {"correspondence_type", 's'},
    {"language_code", 's'},
    {"contact_via", 's'},
    {"opportunity_no", 's'},
    {"task_no", 's'},
    {"attachment_no", 'i'},
    {"delivery_status", 's'},
    {"canceled", 'b'},
    {"postponed", 'b'},
    {"created_at", 's'},
    {"message_id", 's'},
    {"delivered_at", 's'},
    {"delivery_error", 's'},
    {"delivery_attempts", 'i'},
};
#define NCOLS (int)(sizeof(cols) / sizeof(cols[0]))

/* One database connection and its statements per pool thread. */
typedef struct conn {
    sqlite3 *db;
    sqlite3_stmt *history, *counter, *contact, *insert, *begin, *commit, *rollback;
} conn_t;

static pthread_key_t conn_key;

static void conn_free(void *p)
{
    conn_t *c = p;
    sqlite3_finalize(c->history);
    sqlite3_finalize(c->counter);
    sqlite3_finalize(c->contact);
    sqlite3_finalize(c->insert);
    sqlite3_finalize(c->begin);
    sqlite3_finalize(c->commit);
    sqlite3_finalize(c->rollback);
    sqlite3_close(c->db);
    free(c);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "relm-bench-http-floor: %s: %s\n", sql, sqlite3_errmsg(db));
        exit(1);
    }
    return s;
}

static conn_t *thread_conn(void)
{
    conn_t *c = pthread_getspecific(conn_key);
    if (c)
        return c;
    c = calloc(1, sizeof(*c));
    if (!c || sqlite3_open_v2(g_db, &c->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "relm-bench-http-floor: cannot open %s\n", g_db);
        exit(1);
    }
    sqlite3_busy_timeout(c->db, 30000);
    sqlite3_exec(c->db,
                 "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                 "PRAGMA secure_delete=ON; PRAGMA cache_size=-512;",
                 NULL, NULL, NULL);
    char sql[2048];
    size_t n = (size_t)snprintf(sql, sizeof(sql), "SELECT ");
    for (int i = 0; i < NCOLS; i++)
        n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s%s", i ? ", " : "", cols[i].name);
    snprintf(sql + n, sizeof(sql) - n,
             " FROM interaction_log_entry WHERE postponed = 0 AND contact_no = ? ORDER BY date "
             "DESC, time DESC, entry_no DESC LIMIT ?");
    c->history = prep(c->db, sql);
    c->counter = prep(c->db, "UPDATE relm_counter SET value = value + 1 WHERE name = "
                             "'interaction_log_entry' RETURNING value");
    c->contact = prep(c->db, "SELECT company_no, email FROM contact WHERE no = ?");
    c->insert =
        prep(c->db, "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, "
                    "date, time, description, information_flow, initiated_by, "
                    "interaction_group_code, interaction_template_code, cost, duration, "
                    "salesperson_code, user_id, correspondence_type, language_code, contact_via, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?, 'outbound', 'us', 'PHONE', ?, 50, "
                    "1000, 'JO', 'bench', 'email', 'ENU', ?, ?)");
    c->begin = prep(c->db, "BEGIN IMMEDIATE");
    c->commit = prep(c->db, "COMMIT");
    c->rollback = prep(c->db, "ROLLBACK");
    pthread_setspecific(conn_key, c);
    return c;
}

/* A growing reply text. */
typedef struct buf {
    char *s;
    size_t len, cap;
} buf_t;

static void put(buf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void puts_(buf_t *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_string(buf_t *b, const char *s)
{
    put(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char e[2] = {'\\', (char)*p};
            put(b, e, 2);
        } else if (*p < 0x20) {
            char e[8];
            snprintf(e, sizeof(e), "\\u%04x", *p);
            put(b, e, 6);
        } else {
            put(b, (const char *)p, 1);
        }
    }
    put(b, "\"", 1);
}

static void put_field(buf_t *b, int i, const char *text, long long v)
{
    char num[48];
    put(b, i ? ",\"" : "\"", i ? 2 : 1);
    puts_(b, cols[i].name);
    put(b, "\":", 2);
    switch (cols[i].kind) {
    case 's':
        put_string(b, text ? text : "");
        break;
    case 'b':
        puts_(b, v ? "true" : "false");
        break;
    case 'm':
        snprintf(num, sizeof(num), "\"%s%lld.%02lld\"", v < 0 ? "-" : "", llabs(v) / 100,
                 llabs(v) % 100);
        puts_(b, num);
        break;
    default:
        snprintf(num, sizeof(num), "%lld", v);
        puts_(b, num);
    }
}

static void put_row(buf_t *b, sqlite3_stmt *s)
{
    put(b, "{", 1);
    for (int i = 0; i < NCOLS; i++)
        put_field(b, i, (const char *)sqlite3_column_text(s, i), sqlite3_column_int64(s, i));
    put(b, "}", 1);
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, buf_t *b)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(b->len, b->s, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(b->s);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result fail(struct MHD_Connection *conn, unsigned status, const char *msg)
{
    buf_t b = {0};
    puts_(&b, "{\"error\":{\"code\":\"floor\",\"message\":");
    put_string(&b, msg);
    puts_(&b, "}}");
    return reply(conn, status, &b);
}

static enum MHD_Result history(struct MHD_Connection *conn, conn_t *c)
{
    const char *no = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "contact_no");
    const char *ls = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "limit");
    long limit = ls ? atol(ls) : 50;
    if (!no || limit <= 0 || limit > 500)
        return fail(conn, 400, "contact_no and a limit from 1 to 500");
    sqlite3_stmt *s = c->history;
    sqlite3_bind_text(s, 1, no, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, limit + 1);
    buf_t b = {0};
    char cursor[80] = "";
    long rows = 0;
    int more = 0;
    puts_(&b, "{\"items\":[");
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (rows == limit) {
            more = 1;
            break;
        }
        if (rows++)
            put(&b, ",", 1);
        put_row(&b, s);
        snprintf(cursor, sizeof(cursor), "%s_%s_%lld", sqlite3_column_text(s, 3),
                 sqlite3_column_text(s, 4), sqlite3_column_int64(s, 0));
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        free(b.s);
        return fail(conn, 500, sqlite3_errmsg(c->db));
    }
    puts_(&b, "],\"next_cursor\":");
    if (more)
        put_string(&b, cursor);
    else
        puts_(&b, "null");
    puts_(&b, "}");
    return reply(conn, 200, &b);
}

static enum MHD_Result create(struct MHD_Connection *conn, conn_t *c, const char *body, size_t len)
{
    json_t *j = json_loadb(body, len, 0, NULL);
    const char *no = json_string_value(json_object_get(j, "contact_no"));
    const char *tpl = json_string_value(json_object_get(j, "interaction_template_code"));
    const char *desc = json_string_value(json_object_get(j, "description"));
    if (!no || !tpl || !desc) {
        json_decref(j);
        return fail(conn, 400, "contact_no, interaction_template_code and description");
    }
    char date[16], tm[16], stamp[32], company[64] = "", email[256] = "";
    time_t t = time(NULL);
    struct tm lt, ut;
    localtime_r(&t, &lt);
    gmtime_r(&t, &ut);
    strftime(date, sizeof(date), "%Y-%m-%d", &lt);
    strftime(tm, sizeof(tm), "%H:%M:%S", &lt);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &ut);
    long long entry = 0;
    int ok = sqlite3_step(c->begin) == SQLITE_DONE;
    sqlite3_reset(c->begin);
    if (ok) {
        sqlite3_bind_text(c->contact, 1, no, -1, SQLITE_STATIC);
        ok = sqlite3_step(c->contact) == SQLITE_ROW;
        if (ok) {
            snprintf(company, sizeof(company), "%s", sqlite3_column_text(c->contact, 0));
            snprintf(email, sizeof(email), "%s", sqlite3_column_text(c->contact, 1));
        }
        sqlite3_reset(c->contact);
    }
    if (ok && (ok = sqlite3_step(c->counter) == SQLITE_ROW))
        entry = sqlite3_column_int64(c->counter, 0);
    sqlite3_reset(c->counter);
    if (ok) {
        sqlite3_stmt *s = c->insert;
        sqlite3_bind_int64(s, 1, entry);
        sqlite3_bind_text(s, 2, no, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, company, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, date, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, tm, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, desc, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 7, tpl, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 8, email, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 9, stamp, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    if (ok) {
        ok = sqlite3_step(c->commit) == SQLITE_DONE;
        sqlite3_reset(c->commit);
    }
    if (!ok) {
        sqlite3_step(c->rollback);
        sqlite3_reset(c->rollback);
        json_decref(j);
        return fail(conn, 422, sqlite3_errmsg(c->db));
    }
    /* The row as written, in relm's field order and formats. */
    const char *text[NCOLS] = {0};
    long long v[NCOLS] = {0};
    text[1] = no, text[2] = company, text[3] = date, text[4] = tm, text[5] = desc;
    text[7] = "outbound", text[8] = "us", text[11] = "PHONE", text[12] = tpl;
    text[15] = "JO", text[16] = "bench", text[23] = "email", text[24] = "ENU", text[25] = email;
    text[32] = stamp;
    v[0] = entry, v[13] = 50, v[14] = 1000;
    buf_t b = {0};
    put(&b, "{", 1);
    for (int i = 0; i < NCOLS; i++)
        put_field(&b, i, text[i], v[i]);
    puts_(&b, ",\"comments\":[],\"attachment\":null}");
    json_decref(j);
    return reply(conn, 201, &b);
}

typedef struct pending {
    char *body;
    size_t len;
} pending_t;

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *data,
                                 size_t *data_size, void **con_cls)
{
    (void)cls, (void)version;
    pending_t *p = *con_cls;
    if (!p) {
        if (!(p = calloc(1, sizeof(*p))))
            return MHD_NO;
        *con_cls = p;
        return MHD_YES;
    }
    if (*data_size) {
        if (p->len + *data_size > 65536)
            return MHD_NO;
        p->body = realloc(p->body, p->len + *data_size + 1);
        memcpy(p->body + p->len, data, *data_size);
        p->len += *data_size;
        *data_size = 0;
        return MHD_YES;
    }
    const char *auth =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!auth || strcmp(auth, g_auth) != 0)
        return fail(conn, 401, "bearer token");
    if (strcmp(url, "/api/interactions") != 0)
        return fail(conn, 404, "no route");
    conn_t *c = thread_conn();
    if (strcmp(method, "GET") == 0)
        return history(conn, c);
    if (strcmp(method, "POST") == 0)
        return create(conn, c, p->body ? p->body : "", p->len);
    return fail(conn, 405, "GET or POST");
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
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

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: relm-bench-http-floor DB PORT THREADS TOKEN\n");
        return 2;
    }
    g_db = argv[1];
    snprintf(g_auth, sizeof(g_auth), "Bearer %s", argv[4]);
    pthread_key_create(&conn_key, conn_free);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
        (uint16_t)atoi(argv[2]), NULL, NULL, access_cb, NULL, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)atoi(argv[3]), MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, 15u, MHD_OPTION_CONNECTION_LIMIT, 512u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "relm-bench-http-floor: cannot listen on port %s\n", argv[2]);
        return 1;
    }
    printf("relm-bench-http-floor serving %s on port %s\n", g_db, argv[2]);
    fflush(stdout);
    int sig;
    while (sigwait(&set, &sig) != 0)
        ;
    MHD_stop_daemon(d);
    return 0;
}
