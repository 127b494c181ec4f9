/*
 * relm-bench-pgfloor: the floors of the PostgreSQL benchmark (bench/pg_run.py). The same
 * writes relm makes, by hand-written SQL sent through libpq in one transaction, on the same
 * schema and server, with no library in between: what any program must at least pay.
 *
 *   relm-bench-pgfloor log URL   log segment BENCH with a follow-up (as relm-bench floor)
 *   relm-bench-pgfloor add URL   the lines of adding every contact to a new segment
 *   relm-bench-pgfloor history URL Q [SEED]   Q newest-20 history queries of random persons
 *                                      (those of relm-bench history DB Q SEED, in its order)
 *
 * Each prints one line of JSON: {"op": ..., "seconds": ..., "rss_kib": ..., COUNT: ...}.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib;
}

/* The statements of relm-bench floor (bench/bench.c), in PostgreSQL's transaction form. */
static const char *const log_sql[] = {
    "BEGIN",
    "UPDATE relm_counter SET value = value + 1 WHERE name = 'logged_segment'",
    "INSERT INTO logged_segment (entry_no, segment_no, description, created_at, user_id) "
    "SELECT (SELECT value FROM relm_counter WHERE name = 'logged_segment'), no, description, "
    "'2026-03-15T12:00:00', 'BENCH' FROM segment_header WHERE no = 'BENCH'",
    "INSERT INTO campaign_entry (entry_no, campaign_no, description, date, user_id, segment_no, "
    "logged_segment_entry_no, salesperson_code) "
    "SELECT (SELECT value FROM relm_counter WHERE name = 'campaign_entry') + ROW_NUMBER() "
    "OVER (ORDER BY d.campaign_no), d.campaign_no, 'Spring newsletter', '2026-03-15', 'BENCH', "
    "'BENCH', (SELECT max(entry_no) FROM logged_segment), '' FROM (SELECT DISTINCT campaign_no "
    "FROM segment_line WHERE segment_no = 'BENCH' AND campaign_no <> '') d",
    "UPDATE relm_counter SET value = value + (SELECT count(*) FROM campaign_entry WHERE "
    "logged_segment_entry_no = (SELECT max(entry_no) FROM logged_segment)) "
    "WHERE name = 'campaign_entry'",
    "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, date, time, "
    "description, subject, information_flow, initiated_by, attempt_failed, evaluation, "
    "interaction_group_code, interaction_template_code, cost, duration, salesperson_code, "
    "user_id, segment_no, logged_segment_entry_no, campaign_no, campaign_entry_no, "
    "campaign_target, campaign_response, correspondence_type, language_code, contact_via, "
    "opportunity_no, created_at) "
    "SELECT (SELECT value FROM relm_counter WHERE name = 'interaction_log_entry') + "
    "ROW_NUMBER() OVER (ORDER BY l.line_no), l.contact_no, c.company_no, l.date, '12:00:00', "
    "l.description, l.subject, l.information_flow, l.initiated_by, l.attempt_failed, "
    "l.evaluation, t.interaction_group_code, l.interaction_template_code, l.cost, l.duration, "
    "l.salesperson_code, 'BENCH', l.segment_no, (SELECT max(entry_no) FROM logged_segment), "
    "l.campaign_no, coalesce(ce.entry_no, 0), l.campaign_target, l.campaign_response, "
    "CASE WHEN l.correspondence_type = 'email' AND c.email = '' THEN '' "
    "ELSE l.correspondence_type END, l.language_code, "
    "CASE WHEN l.correspondence_type = 'email' THEN c.email ELSE c.address END, "
    "l.opportunity_no, '2026-03-15T12:00:00' "
    "FROM segment_line l JOIN contact c ON c.no = l.contact_no "
    "JOIN interaction_template t ON t.code = l.interaction_template_code "
    "LEFT JOIN campaign_entry ce ON ce.logged_segment_entry_no = (SELECT max(entry_no) FROM "
    "logged_segment) AND ce.campaign_no = l.campaign_no WHERE l.segment_no = 'BENCH'",
    "UPDATE relm_counter SET value = value + (SELECT count(*) FROM segment_line WHERE "
    "segment_no = 'BENCH') WHERE name = 'interaction_log_entry'",
    "INSERT INTO segment_header (no, description, date, campaign_no) "
    "SELECT 'FLOOR-FU', 'Follow-up on segment BENCH', date, campaign_no FROM segment_header "
    "WHERE no = 'BENCH'",
    "INSERT INTO segment_line (segment_no, line_no, contact_no, contact_company_no, "
    "salesperson_code, date, language_code, correspondence_type) "
    "SELECT 'FLOOR-FU', 10000 * ROW_NUMBER() OVER (ORDER BY c.no), c.no, c.company_no, "
    "c.salesperson_code, '2026-03-15', c.language_code, c.correspondence_type FROM contact c "
    "WHERE c.no IN (SELECT contact_no FROM interaction_log_entry WHERE "
    "logged_segment_entry_no = (SELECT max(entry_no) FROM logged_segment))",
    "DELETE FROM segment_line WHERE segment_no = 'BENCH'",
    "DELETE FROM segment_criteria_step WHERE segment_no = 'BENCH'",
    "DELETE FROM segment_header WHERE no = 'BENCH'",
    "COMMIT",
    NULL,
};

static const char *const add_sql[] = {
    "BEGIN",
    "INSERT INTO segment_header (no, description, interaction_template_code, date, "
    "information_flow, initiated_by) VALUES ('FLOOR', 'Criteria', 'OUTGOING', '2026-03-15', "
    "'outbound', 'us')",
    "INSERT INTO segment_line (segment_no, line_no, contact_no, contact_company_no, "
    "salesperson_code, date, description, interaction_template_code, language_code, "
    "correspondence_type, information_flow, initiated_by, added_by_step) "
    "SELECT 'FLOOR', 10000 * ROW_NUMBER() OVER (ORDER BY c.no), c.no, c.company_no, "
    "c.salesperson_code, '2026-03-15', 'Outgoing call', 'OUTGOING', c.language_code, "
    "c.correspondence_type, 'outbound', 'us', 1 FROM contact c WHERE c.privacy_blocked = 0",
    "COMMIT",
    NULL,
};

static int run(const char *url, const char *const *script, const char *op, const char *count_sql,
               const char *key)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "relm-bench-pgfloor: %s", PQerrorMessage(c));
        return 1;
    }
    double t0 = now();
    for (int i = 0; script[i]; i++) {
        PGresult *res = PQexec(c, script[i]);
        ExecStatusType st = PQresultStatus(res);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            fprintf(stderr, "relm-bench-pgfloor: %s step %d: %s", op, i, PQerrorMessage(c));
            return 1;
        }
        PQclear(res);
    }
    double t = now() - t0;
    PGresult *res = PQexec(c, count_sql);
    long long n = PQresultStatus(res) == PGRES_TUPLES_OK ? atoll(PQgetvalue(res, 0, 0)) : -1;
    PQclear(res);
    PQfinish(c);
    printf("{\"op\": \"%s\", \"seconds\": %.6f, \"rss_kib\": %ld, \"%s\": %lld}\n", op, t,
           rss_kib(), key, n);
    return 0;
}

/* The columns relm reads for an entry (the fields of relm_interaction_entity, in order). */
#define HISTORY_COLUMNS                                                                            \
    "entry_no, contact_no, contact_company_no, date, time, description, subject, "                 \
    "information_flow, initiated_by, attempt_failed, evaluation, "                                 \
    "interaction_group_code, interaction_template_code, cost, duration, "                          \
    "salesperson_code, user_id, segment_no, logged_segment_entry_no, campaign_no, "                \
    "campaign_entry_no, campaign_target, campaign_response, correspondence_type, "                 \
    "language_code, contact_via, opportunity_no, task_no, attachment_no, "                         \
    "delivery_status, canceled, postponed, created_at, message_id, delivered_at, "                 \
    "delivery_error, delivery_attempts"

/*
 * The history page relm reads (relm_interaction_list() of a person, limit 20: one row more
 * tells whether another page follows), as one prepared statement with every value fetched.
 * Relm also reads the contact's type first (a company's history includes its persons): that
 * round trip is relm's, not the floor's.
 */
static const char history_sql[] =
    "SELECT " HISTORY_COLUMNS " FROM interaction_log_entry WHERE postponed = $1 AND "
    "contact_no = $2 ORDER BY date DESC, time DESC, entry_no DESC LIMIT $3";

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int history(const char *url, long queries, uint64_t seed)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK || queries <= 0) {
        fprintf(stderr, "relm-bench-pgfloor: %s", PQerrorMessage(c));
        return 1;
    }
    PGresult *res = PQexec(c, "SELECT count(*) FROM contact");
    int64_t contacts = PQresultStatus(res) == PGRES_TUPLES_OK ? atoll(PQgetvalue(res, 0, 0)) : 0;
    PQclear(res);
    res = PQprepare(c, "history", history_sql, 3, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK || contacts == 0) {
        fprintf(stderr, "relm-bench-pgfloor: history: %s", PQerrorMessage(c));
        return 1;
    }
    PQclear(res);
    double *lat = calloc((size_t)queries, sizeof(double));
    long rows = 0;
    size_t bytes = 0;
    for (long q = 0; q < queries; q++) {
        /* The persons of relm-bench history (bench/bench.c, do_history), in its order. */
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        int64_t k = (int64_t)((seed >> 33) % (uint64_t)contacts) + 1;
        if ((k - 1) % 10 == 0)
            k++;
        char no[32];
        snprintf(no, sizeof(no), "CT%07" PRId64, k > contacts ? contacts : k);
        const char *params[3] = {"0", no, "21"};
        double t0 = now();
        res = PQexecPrepared(c, "history", 3, params, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            fprintf(stderr, "relm-bench-pgfloor: history: %s", PQerrorMessage(c));
            return 1;
        }
        int n = PQntuples(res) > 20 ? 20 : PQntuples(res), nf = PQnfields(res);
        for (int i = 0; i < n; i++)
            for (int f = 0; f < nf; f++)
                bytes += strlen(PQgetvalue(res, i, f));
        PQclear(res);
        lat[q] = now() - t0;
        rows += n;
    }
    qsort(lat, (size_t)queries, sizeof(double), cmp_double);
    printf("{\"op\": \"pghistoryfloor\", \"seconds\": %.9f, \"p99_seconds\": %.9f, "
           "\"max_seconds\": %.9f, \"rss_kib\": %ld, \"queries\": %ld, \"rows\": %ld, "
           "\"bytes\": %zu}\n",
           lat[queries / 2], lat[(long)((double)queries * 0.99)], lat[queries - 1], rss_kib(),
           queries, rows, bytes);
    free(lat);
    PQfinish(c);
    return 0;
}

int main(int argc, char **argv)
{
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "history") == 0)
        return history(argv[2], atol(argv[3]), argc == 5 ? strtoull(argv[4], NULL, 10) : 42);
    if (argc == 3 && strcmp(argv[1], "log") == 0)
        return run(argv[2], log_sql, "pgfloor",
                   "SELECT count(*) FROM interaction_log_entry WHERE segment_no = 'BENCH'",
                   "entries");
    if (argc == 3 && strcmp(argv[1], "add") == 0)
        return run(argv[2], add_sql, "pgaddfloor",
                   "SELECT count(*) FROM segment_line WHERE segment_no = 'FLOOR'", "added");
    fprintf(stderr, "usage: relm-bench-pgfloor log|add URL | history URL Q [SEED]\n");
    return 2;
}
