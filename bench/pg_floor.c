/*
 * relm-bench-pgfloor: the floors of the PostgreSQL benchmark (bench/pg_run.py). The same
 * writes relm makes, by hand-written SQL sent through libpq in one transaction, on the same
 * schema and server, with no library in between: what any program must at least pay.
 *
 *   relm-bench-pgfloor log URL   log segment BENCH with a follow-up (as relm-bench floor)
 *   relm-bench-pgfloor add URL   the lines of adding every contact to a new segment
 *
 * Each prints one line of JSON: {"op": ..., "seconds": ..., "rss_kib": ..., COUNT: ...}.
 */
#include <libpq-fe.h>
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

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "log") == 0)
        return run(argv[2], log_sql, "pgfloor",
                   "SELECT count(*) FROM interaction_log_entry WHERE segment_no = 'BENCH'",
                   "entries");
    if (argc == 3 && strcmp(argv[1], "add") == 0)
        return run(argv[2], add_sql, "pgaddfloor",
                   "SELECT count(*) FROM segment_line WHERE segment_no = 'FLOOR'", "added");
    fprintf(stderr, "usage: relm-bench-pgfloor log|add URL\n");
    return 2;
}
