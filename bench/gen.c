/*
 * relm-bench-gen: a deterministic data set for the benchmarks.
 *
 *   relm-bench-gen DB N [M]
 *
 * Creates DB with N contacts (10% companies, every person linked to a company, names,
 * cities and e-mails from fixed lists), three salespersons, interaction groups and
 * templates, a campaign, number series and marketing setup, and M existing interaction
 * log entries spread over the contacts and the years 2020-2026. The same N and M always
 * give the same database. Contacts and history are written with prepared statements in
 * one transaction each; master data goes through the library so that it obeys its rules.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
    /* xorshift64*: fast, deterministic, good enough for test data. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static const char *const first_names[] = {
    "Anna", "Bjørn", "Clara", "David",   "Elin",   "Frank", "Greta", "Hans", "Ingrid", "Jonas",
    "Kari", "Lars",  "Maja",  "Nils",    "Olivia", "Per",   "Rita",  "Sven", "Tone",   "Ulf",
    "Vera", "Willy", "Åse",   "Øystein", "Mark",   "Sarah", "Robin", "Lee",  "Nora",   "Emil"};
static const char *const surnames[] = {
    "Hansen", "Johansen", "Olsen",  "Larsen", "Andersen", "Pedersen", "Nilsen",   "Kristiansen",
    "Jensen", "Karlsen",  "Berg",   "Haugen", "Hagen",    "Eriksen",  "Bakken",   "Lund",
    "Smith",  "Brown",    "Miller", "Wilson", "Moore",    "Taylor",   "McArthur", "Chen"};
static const char *const suffixes[] = {"AS", "Ltd", "Inc.", "GmbH", "AB", "Group", "Partners"};
static const char *const cities[][3] = {
    {"Oslo", "0150", "NO"},        {"Bergen", "5003", "NO"},     {"Trondheim", "7010", "NO"},
    {"Stavanger", "4006", "NO"},   {"London", "N12 5XY", "GB"},  {"Cambridge", "CB1 2JD", "GB"},
    {"Stockholm", "111 20", "SE"}, {"Copenhagen", "1050", "DK"}, {"Berlin", "10115", "DE"},
    {"Redmond", "98052", "US"}};
static const char *const sps[] = {"JO", "AH", "BD"};
static const char *const templates[] = {"ABSTRACT", "OUTGOING", "INCOMING", "MEETINV", "NEWS"};

#define PICK(a) (a[rng() % (sizeof(a) / sizeof(a[0]))])

static void die(const char *what, const relm_error_t *err)
{
    fprintf(stderr, "relm-bench-gen: %s: %s\n", what, err->message);
    exit(1);
}

static void exec_or_die(relm_t *r, const char *sql)
{
    relm_error_t err = {0};
    if (relm_store_exec(r->store, sql, &err))
        die(sql, &err);
}

static void contacts(relm_t *r, long n)
{
    static const char sql[] =
        "INSERT INTO contact (no, type, name, company_no, company_name, first_name, surname, "
        "job_title, address, post_code, city, country_code, phone_no, email, salesperson_code, "
        "language_code, correspondence_type, exclude_from_segment, created_at, modified_at, "
        "search_folded, email_folded) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    relm_error_t err = {0};
    long companies = n / 10 > 0 ? n / 10 : 1;
    char company_name[128] = "";
    for (long i = 1; i <= n; i++) {
        relm_stmt_t *s;
        char no[32], company_no[32], name[128], email[160], address[64], phone[32];
        /* Every 10th contact is a company; the 9 after it are its persons. */
        int is_company = (i - 1) % 10 == 0 || i > companies * 10;
        long company = (i - 1) / 10 * 10 + 1;
        const char *fn = PICK(first_names), *sn = PICK(surnames);
        const char *const *city = cities[rng() % (sizeof(cities) / sizeof(cities[0]))];
        snprintf(no, sizeof(no), "CT%07ld", i);
        snprintf(company_no, sizeof(company_no), "CT%07ld", is_company ? i : company);
        if (is_company) {
            snprintf(company_name, sizeof(company_name), "%s %s", sn, PICK(suffixes));
            snprintf(name, sizeof(name), "%s", company_name);
            snprintf(email, sizeof(email), "post@%s%ld.example", sn, i);
        } else {
            snprintf(name, sizeof(name), "%s %s", fn, sn);
            if (rng() % 10 == 0)
                email[0] = '\0';
            else
                snprintf(email, sizeof(email), "%s.%s%ld@example.com", fn, sn, i);
        }
        for (char *p = email; *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = 'x';
        snprintf(address, sizeof(address), "%s street %ld", sn, i % 200 + 1);
        snprintf(phone, sizeof(phone), "+47 %08ld", 20000000 + i);
        if (relm_stmt_prepare(r->store, sql, &s, &err))
            die("prepare", &err);
        relm_stmt_bind_text(s, 1, no);
        relm_stmt_bind_text(s, 2, is_company ? "company" : "person");
        relm_stmt_bind_text(s, 3, name);
        relm_stmt_bind_text(s, 4, company_no);
        relm_stmt_bind_text(s, 5, company_name);
        relm_stmt_bind_text(s, 6, is_company ? "" : fn);
        relm_stmt_bind_text(s, 7, is_company ? "" : sn);
        relm_stmt_bind_text(s, 8, is_company ? "" : "Purchaser");
        relm_stmt_bind_text(s, 9, address);
        relm_stmt_bind_text(s, 10, city[1]);
        relm_stmt_bind_text(s, 11, city[0]);
        relm_stmt_bind_text(s, 12, city[2]);
        relm_stmt_bind_text(s, 13, phone);
        relm_stmt_bind_text(s, 14, email);
        relm_stmt_bind_text(s, 15, sps[i % 3]);
        relm_stmt_bind_text(s, 16, strcmp(city[2], "NO") == 0 ? "NOR" : "ENU");
        relm_stmt_bind_text(s, 17, email[0] ? "email" : "hard_copy");
        relm_stmt_bind_int(s, 18, i % 97 == 0);
        relm_stmt_bind_text(s, 19, "2026-01-01T00:00:00");
        relm_stmt_bind_text(s, 20, "2026-01-01T00:00:00");
        /* The folded copies relm writes with every contact (migration 027). */
        char *fno = relm_fold_new(no), *fname = relm_fold_new(name), *femail = relm_fold_new(email),
             *fcity = relm_fold_new(city[0]), search[512];
        if (!fno || !fname || !femail || !fcity)
            die("fold", &err);
        snprintf(search, sizeof(search), "%s\x1f%s\x1f%s\x1f%s", fno, fname, femail, fcity);
        relm_stmt_bind_text(s, 21, search);
        relm_stmt_bind_text(s, 22, femail);
        free(fno);
        free(fname);
        free(femail);
        free(fcity);
        if (relm_stmt_run(s, &err))
            die("insert contact", &err);
    }
}

static void history(relm_t *r, long n, long m)
{
    static const char sql[] =
        "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, date, time, "
        "description, information_flow, initiated_by, interaction_group_code, "
        "interaction_template_code, cost, duration, salesperson_code, correspondence_type, "
        "language_code, attempt_failed, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, 'outbound', 'us', ?, ?, ?, ?, ?, '', 'ENU', ?, ?)";
    static const char *const groups[] = {"LETTER", "PHONE", "PHONE", "MEETING", "EMAIL"};
    relm_error_t err = {0};
    int64_t first;
    if (relm_counter_take(r, "interaction_log_entry", m, &first, &err))
        die("counter", &err);
    for (long k = 0; k < m; k++) {
        relm_stmt_t *s;
        long c = (long)(rng() % (uint64_t)n) + 1;
        long company = (c - 1) / 10 * 10 + 1;
        char no[32], cno[32], date[16], tm[16];
        int t = (int)(rng() % 5);
        snprintf(no, sizeof(no), "CT%07ld", c);
        snprintf(cno, sizeof(cno), "CT%07ld", company);
        snprintf(date, sizeof(date), "%04d-%02d-%02d", 2020 + (int)(rng() % 7),
                 1 + (int)(rng() % 12), 1 + (int)(rng() % 28));
        snprintf(tm, sizeof(tm), "%02d:%02d:00", 8 + (int)(rng() % 9), (int)(rng() % 60));
        if (relm_stmt_prepare(r->store, sql, &s, &err))
            die("prepare", &err);
        relm_stmt_bind_int(s, 1, first + k);
        relm_stmt_bind_text(s, 2, no);
        relm_stmt_bind_text(s, 3, cno);
        relm_stmt_bind_text(s, 4, date);
        relm_stmt_bind_text(s, 5, tm);
        relm_stmt_bind_text(s, 6, templates[t]);
        relm_stmt_bind_text(s, 7, groups[t]);
        relm_stmt_bind_text(s, 8, templates[t]);
        relm_stmt_bind_int(s, 9, 50 * t);
        relm_stmt_bind_int(s, 10, 500 + 100 * t);
        relm_stmt_bind_text(s, 11, sps[c % 3]);
        relm_stmt_bind_int(s, 12, rng() % 20 == 0);
        relm_stmt_bind_text(s, 13, "2026-01-01T00:00:00");
        if (relm_stmt_run(s, &err))
            die("insert entry", &err);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: relm-bench-gen DB N [M]\n");
        return 2;
    }
    long n = atol(argv[2]), m = argc > 3 ? atol(argv[3]) : 0;
    if (n < 10) {
        fprintf(stderr, "relm-bench-gen: N must be at least 10\n");
        return 2;
    }
    relm_t *r;
    relm_error_t err = {0};
    if (relm_open(argv[1], RELM_OPEN_CREATE, &r, &err))
        die(argv[1], &err);
    relm_set_workdate(r, "2026-03-15", &err);
    /* Demo master data (series, setup, salespersons, groups, templates, campaign and 10
     * contacts CT000001..CT000010), then the generated contacts replace those 10. */
    if (relm_demo_fill(r, &err))
        die("master data", &err);
    exec_or_die(r, "PRAGMA synchronous=OFF");
    exec_or_die(r, "BEGIN");
    exec_or_die(r, "DELETE FROM contact");
    contacts(r, n);
    exec_or_die(r, "UPDATE no_series_line SET last_no_used = 'CT9000000' WHERE series_code = "
                   "'CONT'");
    exec_or_die(r, "COMMIT");
    if (m > 0) {
        /*
         * Millions of entries load fastest without the log's secondary indexes, which are
         * rebuilt afterwards by sorting (their definitions are read back from the schema).
         */
        char ddl[16][512];
        int nddl = 0;
        relm_stmt_t *s;
        if (relm_stmt_prepare(r->store,
                              "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                              "tbl_name = 'interaction_log_entry' AND sql IS NOT NULL",
                              &s, &err))
            die("indexes", &err);
        char drops[16][128];
        while (relm_stmt_step(s, &err) == RELM_STEP_ROW && nddl < 16) {
            snprintf(drops[nddl], sizeof(drops[nddl]), "DROP INDEX %s", relm_stmt_text(s, 0));
            snprintf(ddl[nddl], sizeof(ddl[nddl]), "%s", relm_stmt_text(s, 1));
            nddl++;
        }
        relm_stmt_release(s);
        exec_or_die(r, "PRAGMA cache_size=-524288");
        exec_or_die(r, "BEGIN");
        for (int i = 0; i < nddl; i++)
            exec_or_die(r, drops[i]);
        history(r, n, m);
        for (int i = 0; i < nddl; i++)
            exec_or_die(r, ddl[i]);
        exec_or_die(r, "COMMIT");
    }
    exec_or_die(r, "ANALYZE");
    exec_or_die(r, "PRAGMA wal_checkpoint(TRUNCATE)");
    relm_close(r);
    printf("%s: %ld contacts, %ld interaction log entries\n", argv[1], n, m);
    return 0;
}
