/*
 * relm-bench: one measurement per process, so that the peak RSS it reports belongs to
 * that measurement alone. bench/run.sh interleaves the runs and writes RESULTS.md.
 *
 *   relm-bench prep DB           build segment BENCH with every contact (not timed)
 *   relm-bench log DB            log segment BENCH with follow-up through librelm
 *   relm-bench floor DB          the same writes with hand-written SQL (the floor)
 *   relm-bench criteria DB       add all contacts by criteria, reduce, refine, undo
 *   relm-bench addfloor DB       the add's lines written with hand-written SQL (its floor)
 *   relm-bench history DB Q [SEED]   Q newest-20 history queries of random persons (SEED 42)
 *   relm-bench list DB R [CASE]  the interaction listing's filters, sorts and search at
 *                                scale: first page and next page (median of R), with plans
 *   relm-bench cli RUNS CMD...   run a command RUNS times (median time, peak RSS)
 *
 * Each prints one line of JSON: {"op": ..., "seconds": ..., "rss_kib": ..., ...}.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include <sqlite3.h>

#include "internal.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Peak RSS of this process image. VmHWM starts afresh at exec, unlike ru_maxrss, which
 * keeps the high-water mark of the process that forked us.
 */
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

static void die(const char *what, const relm_error_t *err)
{
    fprintf(stderr, "relm-bench: %s: %s\n", what, err->message);
    exit(1);
}

static relm_t *open_db(const char *path)
{
    relm_t *r;
    relm_error_t err = {0};
    if (relm_open(path, 0, &r, &err))
        die(path, &err);
    relm_set_workdate(r, "2026-03-15", &err);
    relm_set_user(r, "BENCH");
    return r;
}

static int prep(const char *path)
{
    relm_t *r = open_db(path);
    relm_error_t err = {0};
    relm_segment_t s;
    relm_mask_t given = 0;
    relm_record_init(&relm_segment_entity, &s);
    relm_record_set(&relm_segment_entity, &s, &given, "no", "BENCH", &err);
    relm_record_set(&relm_segment_entity, &s, &given, "description", "Spring newsletter", &err);
    relm_record_set(&relm_segment_entity, &s, &given, "interaction_template_code", "NEWS", &err);
    /* BENCH is typed by hand: let the segment series accept it. */
    relm_no_series_t ns;
    relm_record_init(&relm_no_series_entity, &ns);
    ns.manual_nos = 1;
    if (relm_numseries_update(r, "SEG", &ns,
                              RELM_BIT(relm_field_index(&relm_no_series_entity, "manual_nos")),
                              &err) ||
        relm_segment_add(r, &s, given, &err))
        die("segment", &err);
    relm_criteria_t c;
    relm_criteria_init(&c);
    c.ignore_exclusion = 1;
    int64_t n = 0;
    if (relm_segment_add_contacts(r, "BENCH", &c, &n, &err))
        die("add contacts", &err);
    relm_close(r);
    printf("{\"op\": \"prep\", \"lines\": %" PRId64 "}\n", n);
    return 0;
}

/* Phase timings of a log, to stderr: where the time goes. */
static void log_phase(void *ctx, int64_t done, int64_t total, const char *phase)
{
    double *t0 = ctx;
    (void)total;
    fprintf(stderr, "relm-bench: log phase %lld (%s) starts at %.3f s\n", (long long)done, phase,
            now() - *t0);
}

static int do_log(const char *path)
{
    relm_t *r = open_db(path);
    relm_error_t err = {0};
    relm_log_result_t res;
    double t0 = now();
    if (relm_segment_log(r, "BENCH", RELM_LOG_FOLLOW_UP, &res, log_phase, &t0, &err))
        die("log", &err);
    double logged = now() - t0;
    /* The close checkpoints the WAL into the database: timed, as for the floors. */
    relm_close(r);
    double t = now() - t0;
    printf("{\"op\": \"log\", \"seconds\": %.6f, \"log_seconds\": %.6f, \"rss_kib\": %ld, "
           "\"entries\": %" PRId64 ", \"follow_up\": \"%s\"}\n",
           t, logged, rss_kib(), res.entries, res.follow_up_no);
    return 0;
}

/*
 * The floor: what a hand-written program on the same schema must write at least, in one
 * transaction, with no checks and no library in between.
 */
static const char *const floor_sql[] = {
    "BEGIN IMMEDIATE",
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

/*
 * Run a floor script on the database at path with the connection settings relm uses, then
 * count: one line of JSON {"op": op, "seconds", "rss_kib", key: count}.
 */
static int run_floor(const char *path, const char *const *script, const char *op,
                     const char *count_sql, const char *key, int timed_close)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "relm-bench: %s: %s\n", path, sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_exec(db,
                 "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                 "PRAGMA cache_size=-16384",
                 NULL, NULL, NULL);
    double t0 = now();
    for (int i = 0; script[i]; i++) {
        char *msg = NULL;
        if (sqlite3_exec(db, script[i], NULL, NULL, &msg) != SQLITE_OK) {
            fprintf(stderr, "relm-bench: %s step %d: %s\n", op, i, msg);
            return 1;
        }
    }
    /* The close checkpoints the WAL into the database: timed when relm's is. */
    double t = now() - t0;
    sqlite3_close(db);
    if (timed_close)
        t = now() - t0;
    sqlite3_int64 n = 0;
    sqlite3_stmt *s;
    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    sqlite3_prepare_v2(db, count_sql, -1, &s, NULL);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    printf("{\"op\": \"%s\", \"seconds\": %.6f, \"rss_kib\": %ld, \"%s\": %lld}\n", op, t,
           rss_kib(), key, (long long)n);
    return 0;
}

static int do_floor(const char *path)
{
    return run_floor(path, floor_sql, "floor",
                     "SELECT count(*) FROM interaction_log_entry WHERE segment_no = 'BENCH'",
                     "entries", 1);
}

/*
 * The lean floor: the same logical work as a log with follow-up, on the least schema any
 * CRM needs. Its own entry table has every column of interaction_log_entry but only the
 * two indexes every history needs (a contact's entries by date, a logged segment's
 * entries); its follow-up lines go into a table shaped like segment_line, clustered by
 * (segment_no, line_no), with no secondary index. One transaction writes the 1M entries
 * (joined with contact and template as relm's are) and the follow-up's copy of the
 * lines; the logged lines are left where they are. The tables are made before the clock
 * starts; the close that checkpoints the WAL is timed, as it is for relm.
 */
static const char *const leanfloor_setup_sql[] = {
    "CREATE TABLE lean_entry (entry_no INTEGER PRIMARY KEY, contact_no TEXT NOT NULL DEFAULT '', "
    "contact_company_no TEXT NOT NULL DEFAULT '', date TEXT NOT NULL DEFAULT '', "
    "time TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '', "
    "subject TEXT NOT NULL DEFAULT '', information_flow TEXT NOT NULL DEFAULT '', "
    "initiated_by TEXT NOT NULL DEFAULT '', attempt_failed INTEGER NOT NULL DEFAULT 0, "
    "evaluation TEXT NOT NULL DEFAULT '', interaction_group_code TEXT NOT NULL DEFAULT '', "
    "interaction_template_code TEXT NOT NULL DEFAULT '', cost BIGINT NOT NULL DEFAULT 0, "
    "duration BIGINT NOT NULL DEFAULT 0, salesperson_code TEXT NOT NULL DEFAULT '', "
    "user_id TEXT NOT NULL DEFAULT '', segment_no TEXT NOT NULL DEFAULT '', "
    "logged_segment_entry_no BIGINT NOT NULL DEFAULT 0, campaign_no TEXT NOT NULL DEFAULT '', "
    "campaign_entry_no BIGINT NOT NULL DEFAULT 0, campaign_target INTEGER NOT NULL DEFAULT 0, "
    "campaign_response INTEGER NOT NULL DEFAULT 0, correspondence_type TEXT NOT NULL DEFAULT '', "
    "language_code TEXT NOT NULL DEFAULT '', contact_via TEXT NOT NULL DEFAULT '', "
    "opportunity_no TEXT NOT NULL DEFAULT '', task_no TEXT NOT NULL DEFAULT '', "
    "attachment_no BIGINT NOT NULL DEFAULT 0, delivery_status TEXT NOT NULL DEFAULT '', "
    "canceled INTEGER NOT NULL DEFAULT 0, postponed INTEGER NOT NULL DEFAULT 0, "
    "created_at TEXT NOT NULL DEFAULT '', message_id TEXT NOT NULL DEFAULT '', "
    "delivered_at TEXT NOT NULL DEFAULT '', delivery_error TEXT NOT NULL DEFAULT '', "
    "delivery_attempts INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX lean_entry_contact ON lean_entry (contact_no, date, time, entry_no)",
    "CREATE INDEX lean_entry_logged ON lean_entry (logged_segment_entry_no)",
    "CREATE TABLE lean_line (segment_no TEXT NOT NULL, line_no BIGINT NOT NULL, "
    "contact_no TEXT NOT NULL, contact_company_no TEXT NOT NULL DEFAULT '', "
    "salesperson_code TEXT NOT NULL DEFAULT '', date TEXT NOT NULL DEFAULT '', "
    "description TEXT NOT NULL DEFAULT '', interaction_template_code TEXT NOT NULL DEFAULT '', "
    "subject TEXT NOT NULL DEFAULT '', language_code TEXT NOT NULL DEFAULT '', "
    "correspondence_type TEXT NOT NULL DEFAULT '', information_flow TEXT NOT NULL DEFAULT '', "
    "initiated_by TEXT NOT NULL DEFAULT '', cost BIGINT NOT NULL DEFAULT 0, "
    "duration BIGINT NOT NULL DEFAULT 0, evaluation TEXT NOT NULL DEFAULT '', "
    "attempt_failed INTEGER NOT NULL DEFAULT 0, campaign_no TEXT NOT NULL DEFAULT '', "
    "campaign_target INTEGER NOT NULL DEFAULT 0, campaign_response INTEGER NOT NULL DEFAULT 0, "
    "contact_via TEXT NOT NULL DEFAULT '', opportunity_no TEXT NOT NULL DEFAULT '', "
    "personalised INTEGER NOT NULL DEFAULT 0, added_by_step BIGINT NOT NULL DEFAULT 0, "
    "description_typed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (segment_no, line_no)) "
    "WITHOUT ROWID",
    "PRAGMA wal_checkpoint(TRUNCATE)",
    NULL,
};

static const char *const leanfloor_sql[] = {
    "BEGIN IMMEDIATE",
    "INSERT INTO lean_entry (entry_no, contact_no, contact_company_no, date, time, "
    "description, subject, information_flow, initiated_by, attempt_failed, evaluation, "
    "interaction_group_code, interaction_template_code, cost, duration, salesperson_code, "
    "user_id, segment_no, logged_segment_entry_no, campaign_no, campaign_entry_no, "
    "campaign_target, campaign_response, correspondence_type, language_code, contact_via, "
    "opportunity_no, task_no, attachment_no, delivery_status, canceled, postponed, created_at) "
    "SELECT ROW_NUMBER() OVER (ORDER BY l.line_no), l.contact_no, c.company_no, l.date, "
    "'12:00:00', l.description, l.subject, l.information_flow, l.initiated_by, "
    "l.attempt_failed, l.evaluation, t.interaction_group_code, l.interaction_template_code, "
    "l.cost, l.duration, l.salesperson_code, 'BENCH', l.segment_no, 1, l.campaign_no, 1, "
    "l.campaign_target, l.campaign_response, l.correspondence_type, l.language_code, "
    "CASE WHEN l.correspondence_type = 'email' THEN c.email ELSE c.address END, "
    "l.opportunity_no, '', 0, '', 0, 0, '2026-03-15T12:00:00' "
    "FROM segment_line l JOIN contact c ON c.no = l.contact_no "
    "JOIN interaction_template t ON t.code = l.interaction_template_code "
    "WHERE l.segment_no = 'BENCH' ORDER BY l.line_no",
    "INSERT INTO lean_line (segment_no, line_no, contact_no, contact_company_no, "
    "salesperson_code, date, description, interaction_template_code, subject, language_code, "
    "correspondence_type, information_flow, initiated_by, cost, duration, evaluation, "
    "attempt_failed, campaign_no, campaign_target, campaign_response, contact_via, "
    "opportunity_no, personalised, added_by_step) "
    "SELECT 'FLOOR-FU', l.line_no, l.contact_no, l.contact_company_no, l.salesperson_code, "
    "'2026-03-15', '', '', '', l.language_code, l.correspondence_type, '', '', 0, 0, '', 0, "
    "l.campaign_no, 0, 0, '', '', 0, 0 FROM segment_line l WHERE l.segment_no = 'BENCH'",
    "COMMIT",
    NULL,
};

static int do_leanfloor(const char *path)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "relm-bench: %s: %s\n", path, sqlite3_errmsg(db));
        return 1;
    }
    static const char pragmas[] = "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; "
                                  "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; "
                                  "PRAGMA cache_size=-16384";
    sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    for (int i = 0; leanfloor_setup_sql[i]; i++)
        if (sqlite3_exec(db, leanfloor_setup_sql[i], NULL, NULL, NULL) != SQLITE_OK) {
            fprintf(stderr, "relm-bench: leanfloor setup: %s\n", sqlite3_errmsg(db));
            return 1;
        }
    sqlite3_close(db);
    double t0 = now();
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        return 1;
    sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    for (int i = 0; leanfloor_sql[i]; i++) {
        char *msg = NULL;
        if (sqlite3_exec(db, leanfloor_sql[i], NULL, NULL, &msg) != SQLITE_OK) {
            fprintf(stderr, "relm-bench: leanfloor step %d: %s\n", i, msg);
            return 1;
        }
    }
    sqlite3_close(db);
    double t = now() - t0;
    sqlite3_int64 n = 0, lines = 0;
    sqlite3_stmt *s;
    sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    sqlite3_prepare_v2(db,
                       "SELECT (SELECT count(*) FROM lean_entry), (SELECT count(*) FROM lean_line)",
                       -1, &s, NULL);
    if (sqlite3_step(s) == SQLITE_ROW) {
        n = sqlite3_column_int64(s, 0);
        lines = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    printf("{\"op\": \"leanfloor\", \"seconds\": %.6f, \"rss_kib\": %ld, \"entries\": %lld, "
           "\"lines\": %lld}\n",
           t, rss_kib(), (long long)n, (long long)lines);
    return 0;
}

/*
 * The add's floor: the lines an add of every contact writes (numbered in contact order,
 * with the header's values), by one hand-written INSERT ... SELECT in one transaction.
 */
static const char *const addfloor_sql[] = {
    "BEGIN IMMEDIATE",
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

static int do_addfloor(const char *path)
{
    return run_floor(path, addfloor_sql, "addfloor",
                     "SELECT count(*) FROM segment_line WHERE segment_no = 'FLOOR'", "added", 0);
}

static int do_criteria(const char *path)
{
    relm_t *r = open_db(path);
    relm_error_t err = {0};
    relm_segment_t s;
    relm_mask_t given = 0;
    relm_record_init(&relm_segment_entity, &s);
    relm_record_set(&relm_segment_entity, &s, &given, "description", "Criteria", &err);
    relm_record_set(&relm_segment_entity, &s, &given, "interaction_template_code", "OUTGOING",
                    &err);
    if (relm_segment_add(r, &s, given, &err))
        die("segment", &err);
    relm_criteria_t all, oslo, persons;
    relm_criteria_init(&all);
    all.ignore_exclusion = 1;
    relm_criteria_init(&oslo);
    relm_criteria_init(&persons);
    if (relm_criteria_where(&oslo, "city=Oslo", &err) ||
        relm_criteria_where(&persons, "type=person", &err))
        die("criteria", &err);
    int64_t added = 0, reduced = 0, refined = 0;
    double t0 = now();
    if (relm_segment_add_contacts(r, s.no, &all, &added, &err))
        die("add", &err);
    double t1 = now();
    if (relm_segment_reduce(r, s.no, &oslo, &reduced, &err))
        die("reduce", &err);
    double t2 = now();
    if (relm_segment_refine(r, s.no, &persons, &refined, &err))
        die("refine", &err);
    double t3 = now();
    if (relm_segment_undo(r, s.no, &err))
        die("undo", &err);
    double t4 = now();
    relm_close(r);
    printf("{\"op\": \"criteria\", \"seconds\": %.6f, \"reduce_seconds\": %.6f, "
           "\"refine_seconds\": %.6f, \"undo_seconds\": %.6f, \"rss_kib\": %ld, "
           "\"added\": %" PRId64 ", \"reduced\": %" PRId64 ", \"refined\": %" PRId64 "}\n",
           t1 - t0, t2 - t1, t3 - t2, t4 - t3, rss_kib(), added, reduced, refined);
    return 0;
}

static int count_row(void *ctx, const void *rec)
{
    (void)rec;
    (*(int *)ctx)++;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The floor's connection: relm's settings (WAL, synchronous=FULL, 16 MiB page cache). */
static sqlite3 *floor_open(const char *path)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "relm-bench: %s: %s\n", path, sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_exec(db,
                 "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                 "PRAGMA cache_size=-16384;",
                 NULL, NULL, NULL);
    return db;
}

/*
 * The history query against its floor in the same process: for each random person the
 * library's listing (relm_interaction_list, limit 20) and the same SELECT written by hand
 * (every column of the entry, the same WHERE, ORDER BY and LIMIT 21, prepared once, on a
 * second connection with relm's settings), alternating which runs first.
 */
static int do_history(const char *path, long queries, uint64_t seed)
{
    relm_t *r = open_db(path);
    relm_error_t err = {0};
    int64_t contacts = 0;
    if (relm_count(r, "SELECT count(*) FROM contact", NULL, &contacts, &err) || contacts == 0)
        die("contacts", &err);
    /* On PostgreSQL (a URL) the floor is relm-bench-pgfloor's: only relm is timed here. */
    sqlite3 *fdb = strstr(path, "://") ? NULL : floor_open(path);
    char sql[2048];
    size_t len = (size_t)snprintf(sql, sizeof(sql), "SELECT ");
    for (int i = 0, first = 1; i < relm_interaction_entity.nfields; i++) {
        if (relm_interaction_entity.fields[i].flags & RELM_FF_VIRTUAL)
            continue;
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s%s", first ? "" : ", ",
                                relm_interaction_entity.fields[i].name);
        first = 0;
    }
    snprintf(sql + len, sizeof(sql) - len,
             " FROM interaction_log_entry WHERE postponed = 0 AND contact_no = ? ORDER BY "
             "date DESC, time DESC, entry_no DESC LIMIT 21");
    sqlite3_stmt *fs = NULL;
    if (fdb &&
        sqlite3_prepare_v3(fdb, sql, -1, SQLITE_PREPARE_PERSISTENT, &fs, NULL) != SQLITE_OK) {
        fprintf(stderr, "relm-bench: floor: %s\n", sqlite3_errmsg(fdb));
        return 1;
    }
    double *lat = calloc((size_t)queries, sizeof(double));
    double *flat = calloc((size_t)queries, sizeof(double));
    long rows = 0, frows = 0;
    for (long q = 0; q < queries; q++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        char no[32];
        /* Persons only (a company's history includes its persons: another query shape). */
        int64_t k = (int64_t)((seed >> 33) % (uint64_t)contacts) + 1;
        if ((k - 1) % 10 == 0)
            k++;
        snprintf(no, sizeof(no), "CT%07" PRId64, k > contacts ? contacts : k);
        for (int side = 0; side < 2; side++) {
            if ((side ^ (int)(q & 1)) == 0) {
                relm_interaction_query_t iq;
                memset(&iq, 0, sizeof(iq));
                iq.contact_no = no;
                iq.limit = 20;
                int n = 0;
                double t0 = now();
                if (relm_interaction_list(r, &iq, count_row, &n, NULL, &err))
                    die("history", &err);
                lat[q] = now() - t0;
                rows += n;
            } else if (fs) {
                double t0 = now();
                sqlite3_bind_text(fs, 1, no, -1, SQLITE_STATIC);
                int n = 0, cols = sqlite3_column_count(fs);
                while (sqlite3_step(fs) == SQLITE_ROW && n < 20) {
                    /* Read every column, as the library does into its record. */
                    for (int c = 0; c < cols; c++)
                        (void)sqlite3_column_text(fs, c);
                    n++;
                }
                sqlite3_reset(fs);
                flat[q] = now() - t0;
                frows += n;
            }
        }
    }
    qsort(lat, (size_t)queries, sizeof(double), cmp_double);
    qsort(flat, (size_t)queries, sizeof(double), cmp_double);
    long p = (long)((double)queries * 0.99);
    printf("{\"op\": \"history\", \"seconds\": %.9f, \"p99_seconds\": %.9f, \"max_seconds\": %.9f, "
           "\"floor_seconds\": %.9f, \"floor_p99_seconds\": %.9f, \"floor_max_seconds\": %.9f, "
           "\"rss_kib\": %ld, \"queries\": %ld, \"rows\": %ld, \"floor_rows\": %ld}\n",
           lat[queries / 2], lat[p], lat[queries - 1], flat[queries / 2], flat[p],
           flat[queries - 1], rss_kib(), queries, rows, frows);
    free(lat);
    free(flat);
    sqlite3_finalize(fs);
    sqlite3_close(fdb);
    relm_close(r);
    return 0;
}

/*
 * The interaction log listing at scale: for each filter, each sort and the search, the
 * first page of 20 and the page after it (through the cursor), timed, with SQLite's plan
 * of the statement the library ran (captured by a trace on relm's own connection).
 */
static sqlite3 *traced_db;
static char *traced_sql;

/* A page that runs longer than this is stopped (reported as "over the cap"). */
static double list_cap = 30, list_deadline;

static int list_progress(void *ctx)
{
    (void)ctx;
    return list_deadline > 0 && now() > list_deadline;
}

static int list_trace(unsigned type, void *ctx, void *p, void *x)
{
    (void)ctx;
    (void)x;
    if (type == SQLITE_TRACE_STMT) {
        const char *sql = sqlite3_sql(p);
        if (sql && strstr(sql, "FROM interaction_log_entry WHERE postponed")) {
            sqlite3_free(traced_sql);
            traced_sql = sqlite3_expanded_sql(p);
            traced_db = sqlite3_db_handle(p);
        }
    }
    return 0;
}

static int list_trace_attach(sqlite3 *db, char **msg, const void *api)
{
    (void)msg;
    (void)api;
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, list_trace, NULL);
    sqlite3_progress_handler(db, 100000, list_progress, NULL);
    return SQLITE_OK;
}

/* The plan of the last traced listing, its steps joined by "; ". */
static void list_plan(char *out, size_t n)
{
    out[0] = '\0';
    if (!traced_sql || !traced_db)
        return;
    char *sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", traced_sql);
    sqlite3_stmt *s;
    size_t len = 0;
    if (sqlite3_prepare_v2(traced_db, sql, -1, &s, NULL) == SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW && len + 1 < n)
            len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "; " : "",
                                    (const char *)sqlite3_column_text(s, 3));
        sqlite3_finalize(s);
    }
    sqlite3_free(sql);
    for (char *c = out; *c; c++)
        if (*c == '"' || *c == '\\')
            *c = '\'';
}

typedef struct list_case {
    char name[64];
    relm_interaction_query_t q;
} list_case_t;

static void list_json_text(const char *t)
{
    putchar('"');
    for (; *t; t++)
        putchar(*t == '"' || *t == '\\' ? '\'' : *t);
    putchar('"');
}

/* Time one page (median of rounds; one run when a page takes over half a second). */
static double list_page(relm_t *r, const relm_interaction_query_t *q, long rounds, int *rows,
                        relm_interaction_cursor_t *next, char *plan, size_t plan_n)
{
    relm_error_t err = {0};
    double t[64];
    long k = 0;
    if (rounds > 64)
        rounds = 64;
    for (; k < rounds; k++) {
        *rows = 0;
        double t0 = now();
        list_deadline = t0 + list_cap;
        int rc = relm_interaction_list(r, q, count_row, rows, next, &err);
        list_deadline = 0;
        if (rc && now() - t0 < list_cap)
            die("list", &err);
        if (rc) {
            /* Stopped at the cap: reported as a negative time. */
            list_plan(plan, plan_n);
            memset(next, 0, sizeof(*next));
            return -list_cap;
        }
        t[k] = now() - t0;
        if (k == 0)
            list_plan(plan, plan_n);
        if (t[k] > 0.5) {
            k++;
            break;
        }
    }
    qsort(t, (size_t)k, sizeof(double), cmp_double);
    return t[k / 2];
}

static int do_list(const char *path, long rounds, const char *only)
{
    sqlite3_auto_extension((void (*)(void))list_trace_attach);
    relm_t *r = open_db(path);
    static list_case_t cases[96];
    int n = 0;
#define CASE(label)                                                                                \
    (memset(&cases[n], 0, sizeof(cases[n])),                                                       \
     snprintf(cases[n].name, sizeof(cases[n].name), "%s", label), &cases[n++].q)
    relm_interaction_query_t *q;
    CASE("none (newest first)");
    q = CASE("contact (person)");
    q->contact_no = "CT0123457";
    q = CASE("contact (company)");
    q->contact_no = "CT0123451";
    q = CASE("salesperson");
    q->salesperson_code = "JO";
    q = CASE("template");
    q->interaction_template_code = "NEWS";
    q = CASE("segment (none match)");
    q->segment_no = "SM99999";
    q = CASE("logged segment (none match)");
    q->logged_segment_entry_no = 999999999;
    q = CASE("from (last month)");
    q->from = "2026-12-01";
    q = CASE("to (an old date)");
    q->to = "2020-01-31";
    q = CASE("from-to (one month)");
    q->from = "2023-06-01";
    q->to = "2023-06-30";
    q = CASE("salesperson + from-to");
    q->salesperson_code = "JO";
    q->from = "2023-06-01";
    q->to = "2023-06-30";
    q = CASE("canceled");
    q->flags = RELM_IQ_CANCELED;
    q = CASE("postponed");
    q->flags = RELM_IQ_POSTPONED;
    q = CASE("outbox");
    q->flags = RELM_IQ_OUTBOX;
    static char sorts[64][48];
    int ns = 0;
    for (int i = 0; i < relm_interaction_entity.nfields && ns < 60; i++) {
        const relm_field_t *f = &relm_interaction_entity.fields[i];
        if ((f->flags & RELM_FF_VIRTUAL) || (!relm_field_is_int(f) && f->size > RELM_TEXT100_SZ))
            continue;
        snprintf(sorts[ns++], sizeof(sorts[0]), "%s", f->name);
        if (i == 0 || strcmp(f->name, "date") == 0)
            snprintf(sorts[ns++], sizeof(sorts[0]), "%s:desc", f->name);
    }
    snprintf(sorts[ns++], sizeof(sorts[0]), "contact_name");
    for (int i = 0; i < ns && n < 90; i++) {
        char label[64];
        snprintf(label, sizeof(label), "sort=%.48s", sorts[i]);
        q = CASE(label);
        q->sort = sorts[i];
    }
    q = CASE("sort=cost + contact (person)");
    q->sort = "cost";
    q->contact_no = "CT0123457";
    q = CASE("search q=McArthur");
    q->search = "McArthur";
    q = CASE("search q=news");
    q->search = "news";
    q = CASE("search q=zzzz (no match)");
    q->search = "zzzz";
#undef CASE
    const char *cap = getenv("RELM_BENCH_LIST_CAP");
    if (cap && atof(cap) > 0)
        list_cap = atof(cap);
    for (int i = 0; i < n; i++) {
        /* only: cases whose name contains one of the |-separated texts */
        if (only) {
            int hit = 0;
            char alt[256];
            snprintf(alt, sizeof(alt), "%s", only);
            for (char *save = NULL, *w = strtok_r(alt, "|", &save); w && !hit;
                 w = strtok_r(NULL, "|", &save))
                hit = strstr(cases[i].name, w) != NULL;
            if (!hit)
                continue;
        }
        cases[i].q.limit = 20;
        int rows1 = 0, rows2 = 0;
        relm_interaction_cursor_t next;
        char plan1[1024], plan2[1024] = "";
        double t1 = list_page(r, &cases[i].q, rounds, &rows1, &next, plan1, sizeof(plan1));
        double t2 = 0;
        /* A page that reads the whole log costs the same after the cursor: skipped over 2 s. */
        if (next.entry_no > 0 && t1 >= 0 && t1 < 2) {
            relm_interaction_query_t q2 = cases[i].q;
            q2.after = next;
            relm_interaction_cursor_t next2;
            t2 = list_page(r, &q2, rounds, &rows2, &next2, plan2, sizeof(plan2));
        }
        printf("{\"case\": ");
        list_json_text(cases[i].name);
        printf(", \"first_seconds\": %.9f, \"first_rows\": %d, \"next_seconds\": %.9f, "
               "\"next_rows\": %d, \"plan\": ",
               t1, rows1, t2, rows2);
        list_json_text(plan1);
        printf(", \"next_plan\": ");
        list_json_text(plan2);
        printf("}\n");
        fflush(stdout);
    }
    sqlite3_free(traced_sql);
    relm_close(r);
    return 0;
}

/* A page of segment lines as the HTTP server asks for it: limit + 1 rows after a cursor
 * (PAGE is written out in the OFFSET below too). */
#define PAGE 50

static double page_seconds(relm_t *r, int64_t after)
{
    relm_error_t err = {0};
    int n = 0;
    double t0 = now();
    if (relm_segment_lines(r, "BENCH", after, PAGE + 1, count_row, &n, &err))
        die("lines", &err);
    double t = now() - t0;
    if (n == 0)
        die("lines: the page is empty", &err);
    return t;
}

/* Before keyset paging: every line streamed and the ones up to the cursor skipped. */
typedef struct skip {
    int64_t after;
    int n;
} skip_t;

static int skip_row(void *ctx, const void *rec)
{
    skip_t *k = ctx;
    if (((const relm_segment_line_t *)rec)->line_no <= k->after)
        return 0;
    return ++k->n > PAGE;
}

/*
 * The first and the last page of segment BENCH (made by prep), `rounds` times each,
 * alternating, in one process: the last page must cost what the first does. For scale,
 * the last page the way it was found before (stream and skip) is timed three times.
 */
static int do_pages(const char *path, long rounds)
{
    relm_t *r = open_db(path);
    relm_error_t err = {0};
    int64_t lines = 0, last_after = 0;
    if (relm_count(r, "SELECT count(*) FROM segment_line WHERE segment_no = ?", "BENCH", &lines,
                   &err) ||
        lines <= PAGE)
        die("pages: prep a segment of more than one page first", &err);
    if (relm_count(r,
                   "SELECT line_no FROM segment_line WHERE segment_no = ? "
                   "ORDER BY line_no DESC LIMIT 1 OFFSET 50",
                   "BENCH", &last_after, &err))
        die("pages", &err);
    double *first = calloc((size_t)rounds, sizeof(double));
    double *last = calloc((size_t)rounds, sizeof(double));
    for (long i = 0; i < rounds; i++) {
        if (i % 2) {
            last[i] = page_seconds(r, last_after);
            first[i] = page_seconds(r, 0);
        } else {
            first[i] = page_seconds(r, 0);
            last[i] = page_seconds(r, last_after);
        }
    }
    qsort(first, (size_t)rounds, sizeof(double), cmp_double);
    qsort(last, (size_t)rounds, sizeof(double), cmp_double);
    double skip[3];
    for (int i = 0; i < 3; i++) {
        skip_t k = {last_after, 0};
        double t0 = now();
        if (relm_segment_lines(r, "BENCH", 0, 0, skip_row, &k, &err))
            die("lines", &err);
        skip[i] = now() - t0;
    }
    qsort(skip, 3, sizeof(double), cmp_double);
    double f = first[rounds / 2], l = last[rounds / 2];
    printf("{\"op\": \"pages\", \"lines\": %" PRId64 ", \"rounds\": %ld, \"first_seconds\": %.9f, "
           "\"last_seconds\": %.9f, \"last_over_first\": %.3f, \"skip_seconds\": %.6f, "
           "\"rss_kib\": %ld}\n",
           lines, rounds, f, l, l / f, skip[1], rss_kib());
    free(first);
    free(last);
    relm_close(r);
    return 0;
}

/*
 * Run a command `runs` times; report the median wall time and the largest peak RSS. The
 * child is forked from this small process, so its inherited high-water mark is small.
 */
static int do_cli(int runs, char **cmd)
{
    double *lat = calloc((size_t)runs, sizeof(double));
    long rss = 0;
    for (int i = 0; i < runs; i++) {
        double t0 = now();
        pid_t pid = fork();
        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY);
            dup2(fd, 1);
            execvp(cmd[0], cmd);
            _exit(127);
        }
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
            fprintf(stderr, "relm-bench: %s failed\n", cmd[0]);
            return 1;
        }
        lat[i] = now() - t0;
        if (ru.ru_maxrss > rss)
            rss = ru.ru_maxrss;
    }
    qsort(lat, (size_t)runs, sizeof(double), cmp_double);
    printf("{\"op\": \"cli\", \"seconds\": %.6f, \"min_seconds\": %.6f, \"max_seconds\": "
           "%.6f, \"rss_kib\": %ld, \"runs\": %d}\n",
           lat[runs / 2], lat[0], lat[runs - 1], rss, runs);
    free(lat);
    return 0;
}

/*
 * Contact search (relm_contact_search: no, name, e-mail and city, folded for all of
 * Unicode) for each of a few texts, ROUNDS times, against its floor: the same rows found by
 * a plain LIKE over the same columns (SQLite's LIKE folds ASCII only). Prints one JSON
 * line with the median seconds of each.
 */
static const char *const search_texts[] = {"olsen", "OSLO", "mcarthur", "ltd", "zz-none"};
#define NSEARCH ((int)(sizeof(search_texts) / sizeof(search_texts[0])))
static const char search_floor_sql[] =
    "SELECT no, name, email, city FROM contact WHERE no LIKE ? OR name LIKE ? OR email LIKE ? "
    "OR city LIKE ? ORDER BY no";

static int do_search(const char *path, long rounds)
{
    relm_t *r = open_db(path);
    relm_error_t err = {0};
    double *tr = calloc((size_t)rounds, sizeof(double)),
           *tf = calloc((size_t)rounds, sizeof(double));
    int found_relm = 0, found_floor = 0;
    for (long k = 0; k < rounds; k++) {
        double t0 = now();
        for (int i = 0; i < NSEARCH; i++)
            if (relm_contact_search(r, search_texts[i], NULL, 0, 0, count_row, &found_relm, &err))
                die("search", &err);
        double t1 = now();
        for (int i = 0; i < NSEARCH; i++) {
            char like[64];
            snprintf(like, sizeof(like), "%%%s%%", search_texts[i]);
            relm_stmt_t *s;
            if (relm_stmt_prepare(r->store, search_floor_sql, &s, &err))
                die("prepare", &err);
            for (int b = 1; b <= 4; b++)
                relm_stmt_bind_text(s, b, like);
            int rc;
            while ((rc = relm_stmt_step(s, &err)) == RELM_STEP_ROW)
                found_floor++;
            relm_stmt_release(s);
            if (rc < 0)
                die("search floor", &err);
        }
        double t2 = now();
        tr[k] = t1 - t0;
        tf[k] = t2 - t1;
    }
    qsort(tr, (size_t)rounds, sizeof(double), cmp_double);
    qsort(tf, (size_t)rounds, sizeof(double), cmp_double);
    printf("{\"search_seconds\": %.6f, \"floor_seconds\": %.6f, \"rows\": %d, "
           "\"floor_rows\": %d, \"rss_kib\": %ld}\n",
           tr[rounds / 2], tf[rounds / 2], found_relm / (int)rounds, found_floor / (int)rounds,
           rss_kib());
    free(tr);
    free(tf);
    relm_close(r);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 3 && strcmp(argv[1], "cli") == 0)
        return do_cli(atoi(argv[2]), argv + 3);
    if (argc < 3) {
        fprintf(stderr,
                "usage: relm-bench prep|log|floor|criteria|addfloor|history|list|pages|search DB "
                "[QUERIES|ROUNDS]\n");
        return 2;
    }
    const char *op = argv[1], *db = argv[2];
    if (strcmp(op, "prep") == 0)
        return prep(db);
    if (strcmp(op, "log") == 0)
        return do_log(db);
    if (strcmp(op, "floor") == 0)
        return do_floor(db);
    if (strcmp(op, "criteria") == 0)
        return do_criteria(db);
    if (strcmp(op, "leanfloor") == 0)
        return do_leanfloor(db);
    if (strcmp(op, "addfloor") == 0)
        return do_addfloor(db);
    if (strcmp(op, "history") == 0)
        return do_history(db, argc > 3 ? atol(argv[3]) : 10000,
                          argc > 4 ? strtoull(argv[4], NULL, 10) : 42);
    if (strcmp(op, "search") == 0)
        return do_search(db, argc > 3 ? atol(argv[3]) : 5);
    if (strcmp(op, "list") == 0)
        return do_list(db, argc > 3 ? atol(argv[3]) : 5, argc > 4 ? argv[4] : NULL);
    if (strcmp(op, "pages") == 0)
        return do_pages(db, argc > 3 ? atol(argv[3]) : 201);
    fprintf(stderr, "relm-bench: unknown operation %s\n", op);
    return 2;
}
