/*
 * relm-bench-http-floor: the least an HTTP server must do to answer relm's history route,
 * the floor `relm serve` is measured against (bench/README.md).
 *
 *   relm-bench-http-floor DB PORT THREADS TOKEN [CACHE_KIB]
 *
 * libmicrohttpd with its internal epoll thread pool (as relm serve), one SQLite connection
 * per pool thread with relm's settings, a bearer token compared as a string, and one
 * prepared statement per thread: GET /api/interactions?contact_no=NO&limit=20 runs relm's
 * history query (the 21 newest entries, every column) and writes the first 20 as a JSON
 * page; POST /api/interactions?contact_no=NO inserts one entry (the columns relm's create
 * fills, numbered from relm_counter) in its own transaction and answers with its number.
 * No routing table, no JSON parser, no logging, no checks.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sqlite3.h>

static const char *g_db, *g_bearer;
static int g_cache_kib = 512; /* relm serve's page cache per pool thread */

static const char sql_history[] =
    "SELECT entry_no, contact_no, contact_company_no, date, time, description, subject, "
    "information_flow, initiated_by, attempt_failed, evaluation, interaction_group_code, "
    "interaction_template_code, cost, duration, salesperson_code, user_id, segment_no, "
    "logged_segment_entry_no, campaign_no, campaign_entry_no, campaign_target, "
    "campaign_response, correspondence_type, language_code, contact_via, opportunity_no, "
    "task_no, attachment_no, delivery_status, canceled, postponed, created_at, message_id, "
    "delivered_at, delivery_error, delivery_attempts FROM interaction_log_entry "
    "WHERE postponed = 0 AND contact_no = ? ORDER BY date DESC, time DESC, entry_no DESC "
    "LIMIT 21";

static const char sql_insert[] =
    "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, date, time, "
    "description, information_flow, initiated_by, interaction_group_code, "
    "interaction_template_code, salesperson_code, user_id, correspondence_type, created_at) "
    "SELECT (SELECT value FROM relm_counter WHERE name = 'interaction_log_entry'), c.no, "
    "c.company_no, '2026-03-15', '12:00:00', 'Benchmark call', 'outbound', 'us', 'SALES', "
    "'OUTGOING', c.salesperson_code, 'BENCH', '', '2026-03-15T12:00:00Z' FROM contact c "
    "WHERE c.no = ?";
static const char sql_counter[] =
    "UPDATE relm_counter SET value = value + 1 WHERE name = 'interaction_log_entry' "
    "RETURNING value";

typedef struct conn {
    sqlite3 *db;
    sqlite3_stmt *history, *insert, *counter;
} conn_t;

static pthread_key_t key;

static void conn_free(void *p)
{
    conn_t *c = p;
    sqlite3_finalize(c->history);
    sqlite3_finalize(c->insert);
    sqlite3_finalize(c->counter);
    sqlite3_close(c->db);
    free(c);
}

static conn_t *thread_conn(void)
{
    conn_t *c = pthread_getspecific(key);
    if (c)
        return c;
    c = calloc(1, sizeof(*c));
    if (!c || sqlite3_open_v2(g_db, &c->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        return NULL;
    char pragmas[256];
    snprintf(pragmas, sizeof(pragmas),
             "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
             "PRAGMA secure_delete=ON; PRAGMA cache_size=-%d",
             g_cache_kib);
    sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
    sqlite3_busy_timeout(c->db, 30000);
    if (sqlite3_prepare_v2(c->db, sql_history, -1, &c->history, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, sql_insert, -1, &c->insert, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, sql_counter, -1, &c->counter, NULL) != SQLITE_OK) {
        fprintf(stderr, "relm-bench-http-floor: %s\n", sqlite3_errmsg(c->db));
        return NULL;
    }
    pthread_setspecific(key, c);
    return c;
}

/* Append s as a JSON string; the floor escapes only what it must. */
static size_t json_str(char *out, size_t at, size_t cap, const char *s)
{
    if (at < cap)
        out[at] = '"';
    at++;
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\') {
            if (at < cap)
                out[at] = '\\';
            at++;
        }
        if ((unsigned char)*s >= 0x20) {
            if (at < cap)
                out[at] = *s;
            at++;
        }
    }
    if (at < cap)
        out[at] = '"';
    return at + 1;
}

static enum MHD_Result reply(struct MHD_Connection *mc, unsigned status, char *body, size_t len)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result r = MHD_queue_response(mc, status, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result history(conn_t *c, struct MHD_Connection *mc, const char *no)
{
    size_t cap = 64 * 1024, at = 0;
    char *out = malloc(cap);
    if (!out)
        return MHD_NO;
    at += (size_t)snprintf(out, cap, "{\"items\": [");
    sqlite3_bind_text(c->history, 1, no, -1, SQLITE_STATIC);
    int n = 0, more = 0;
    while (sqlite3_step(c->history) == SQLITE_ROW) {
        if (n == 20) {
            more = 1;
            break;
        }
        if (n++)
            out[at++] = ',';
        out[at++] = '{';
        int cols = sqlite3_column_count(c->history);
        for (int i = 0; i < cols && at < cap - 1024; i++) {
            if (i)
                out[at++] = ',';
            at = json_str(out, at, cap, sqlite3_column_name(c->history, i));
            out[at++] = ':';
            if (sqlite3_column_type(c->history, i) == SQLITE_INTEGER)
                at += (size_t)snprintf(out + at, cap - at, "%lld",
                                       (long long)sqlite3_column_int64(c->history, i));
            else
                at = json_str(out, at, cap, (const char *)sqlite3_column_text(c->history, i));
        }
        out[at++] = '}';
    }
    sqlite3_reset(c->history);
    at += (size_t)snprintf(out + at, cap - at, "], \"next_cursor\": %s}\n",
                           more ? "\"more\"" : "null");
    return reply(mc, 200, out, at);
}

static enum MHD_Result create(conn_t *c, struct MHD_Connection *mc, const char *no)
{
    long long entry = 0;
    sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (sqlite3_step(c->counter) == SQLITE_ROW)
        entry = sqlite3_column_int64(c->counter, 0);
    sqlite3_reset(c->counter);
    sqlite3_bind_text(c->insert, 1, no, -1, SQLITE_STATIC);
    int ok = sqlite3_step(c->insert) == SQLITE_DONE && sqlite3_changes(c->db) == 1;
    sqlite3_reset(c->insert);
    sqlite3_exec(c->db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    char *out = malloc(64);
    if (!out)
        return MHD_NO;
    int len = snprintf(out, 64, "{\"entry_no\": %lld}\n", ok ? entry : 0);
    return reply(mc, ok ? 201 : 422, out, (size_t)len);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *mc, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)cls, (void)version, (void)upload;
    if (!*state) {
        *state = mc; /* headers seen; the body (none expected) comes next */
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0;
        return MHD_YES;
    }
    const char *auth = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Authorization");
    if (!auth || strncmp(auth, "Bearer ", 7) != 0 || strcmp(auth + 7, g_bearer) != 0)
        return reply(mc, 401, strdup("{}"), 2);
    const char *no = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "contact_no");
    conn_t *c = thread_conn();
    if (!c || !no || strcmp(url, "/api/interactions") != 0)
        return reply(mc, 404, strdup("{}"), 2);
    return strcmp(method, "POST") == 0 ? create(c, mc, no) : history(c, mc, no);
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: relm-bench-http-floor DB PORT THREADS TOKEN [CACHE_KIB]\n");
        return 2;
    }
    if (argc == 6)
        g_cache_kib = atoi(argv[5]);
    g_db = argv[1];
    g_bearer = argv[4];
    pthread_key_create(&key, conn_free);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL,
                                            (uint16_t)atoi(argv[2]), NULL, NULL, handle, NULL,
                                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)atoi(argv[3]),
                                            MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "relm-bench-http-floor: cannot listen on port %s\n", argv[2]);
        return 1;
    }
    printf("listening on 127.0.0.1:%s\n", argv[2]);
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
