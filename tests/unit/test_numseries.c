/*
 * Number series: next-number rules, limits, manual numbers, date order, concurrency.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

static void add_series(relm_t *r, const char *code, int manual, int date_order)
{
    relm_no_series_t ns;
    relm_error_t err = {0};
    relm_record_init(&relm_no_series_entity, &ns);
    snprintf(ns.code, sizeof(ns.code), "%s", code);
    ns.manual_nos = manual;
    ns.date_order = date_order;
    if (relm_numseries_add(r, &ns, &err))
        fail_msg("%s", err.message);
}

static void add_line(relm_t *r, const char *code, const char *start, const char *end,
                     const char *warn, int64_t inc, const char *from)
{
    relm_no_series_line_t l;
    relm_error_t err = {0};
    relm_record_init(&relm_no_series_line_entity, &l);
    snprintf(l.series_code, sizeof(l.series_code), "%s", code);
    snprintf(l.starting_no, sizeof(l.starting_no), "%s", start);
    snprintf(l.ending_no, sizeof(l.ending_no), "%s", end);
    snprintf(l.warning_no, sizeof(l.warning_no), "%s", warn);
    snprintf(l.starting_date, sizeof(l.starting_date), "%s", from);
    l.increment_by = inc;
    if (relm_numseries_line_add(r, &l, &err))
        fail_msg("%s", err.message);
}

static void increment_keeps_width_and_padding(void **state)
{
    (void)state;
    char out[32];
    relm_error_t err = {0};
    assert_int_equal(relm_numseries_increment("SEG00009", 1, out, sizeof(out), &err), 0);
    assert_string_equal(out, "SEG00010");
    assert_int_equal(relm_numseries_increment("A9", 1, out, sizeof(out), &err), 0);
    assert_string_equal(out, "A10");
    assert_int_equal(relm_numseries_increment("X-099-B", 1, out, sizeof(out), &err), 0);
    assert_string_equal(out, "X-100-B");
    assert_int_equal(relm_numseries_increment("CT0095", 10, out, sizeof(out), &err), 0);
    assert_string_equal(out, "CT0105");
    assert_int_equal(relm_numseries_increment("99999999999999999999", 1, out, sizeof(out), &err),
                     0);
    assert_string_equal(out, "100000000000000000000");
    assert_int_equal(relm_numseries_increment("NODIGITS", 1, out, sizeof(out), &err),
                     RELM_EVALIDATION);
    assert_int_equal(relm_numseries_increment("AB12", 1, out, 4, &err), RELM_EVALIDATION);
}

static void compare_orders_by_digit_value(void **state)
{
    (void)state;
    assert_true(relm_numseries_compare("A9", "A10") < 0);
    assert_true(relm_numseries_compare("SEG00010", "SEG00009") > 0);
    assert_int_equal(relm_numseries_compare("SEG00010", "SEG00010"), 0);
}

static void first_number_is_starting_no_then_increments(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    add_series(r, "SEG", 0, 0);
    add_line(r, "SEG", "SEG00009", "", "", 1, "");
    assert_int_equal(relm_numseries_next(r, "SEG", NULL, no, &err), 0);
    assert_string_equal(no, "SEG00009");
    assert_int_equal(relm_numseries_next(r, "seg", NULL, no, &err), 0);
    assert_string_equal(no, "SEG00010");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE last_no_used = "
                                     "'SEG00010' AND last_date_used = '2026-03-15'"),
                     1);
    test_db_free(r);
}

static void ending_no_stops_and_consumes_nothing(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    add_series(r, "T", 0, 0);
    add_line(r, "T", "T1", "T5", "T4", 2, "");
    assert_int_equal(relm_numseries_next(r, "T", NULL, no, &err), 0);
    assert_string_equal(no, "T1");
    assert_int_equal(relm_numseries_next(r, "T", NULL, no, &err), 0);
    assert_string_equal(no, "T3");
    assert_string_equal(err.warning, "");
    assert_int_equal(relm_numseries_next(r, "T", NULL, no, &err), 0);
    assert_string_equal(no, "T5");
    assert_non_null(strstr(err.warning, "warning number T4"));
    relm_error_t err2 = {0};
    assert_int_equal(relm_numseries_next(r, "T", NULL, no, &err2), RELM_ENONUMBERS);
    assert_string_equal(err2.message, "no more numbers in series T");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE last_no_used = "
                                     "'T5' AND open = 0"),
                     1);
    test_db_free(r);
}

static void past_ending_no_without_closing_is_refused(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    add_series(r, "U", 0, 0);
    add_line(r, "U", "U1", "U4", "", 5, "");
    assert_int_equal(relm_numseries_next(r, "U", NULL, no, &err), 0);
    assert_int_equal(relm_numseries_next(r, "U", NULL, no, &err), RELM_ENONUMBERS);
    assert_int_equal(
        test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE last_no_used = 'U1'"), 1);
    test_db_free(r);
}

static void line_is_chosen_by_starting_date(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    add_series(r, "Y", 0, 0);
    add_line(r, "Y", "Y25-0001", "", "", 1, "2025-01-01");
    add_line(r, "Y", "Y26-0001", "", "", 1, "2026-01-01");
    assert_int_equal(relm_numseries_next(r, "Y", "2025-06-01", no, &err), 0);
    assert_string_equal(no, "Y25-0001");
    assert_int_equal(relm_numseries_next(r, "Y", NULL, no, &err), 0);
    assert_string_equal(no, "Y26-0001");
    assert_int_equal(relm_numseries_next(r, "Y", "2024-12-31", no, &err), RELM_ENOTFOUND);
    test_db_free(r);
}

static void date_order_refuses_an_earlier_date(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    add_series(r, "D", 0, 1);
    add_line(r, "D", "D001", "", "", 1, "");
    assert_int_equal(relm_numseries_next(r, "D", "2026-03-10", no, &err), 0);
    assert_int_equal(relm_numseries_next(r, "D", "2026-03-09", no, &err), RELM_EDATEORDER);
    assert_non_null(strstr(err.message, "2026-03-10"));
    assert_int_equal(relm_numseries_next(r, "D", "2026-03-10", no, &err), 0);
    assert_string_equal(no, "D002");
    test_db_free(r);
}

static void manual_numbers_need_the_series_to_allow_them(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    add_series(r, "M", 1, 0);
    add_series(r, "N", 0, 0);
    assert_int_equal(relm_numseries_check_manual(r, "M", &err), 0);
    assert_int_equal(relm_numseries_check_manual(r, "N", &err), RELM_EMANUALNOS);
    assert_non_null(strstr(err.message, "series N"));
    assert_int_equal(relm_numseries_check_manual(r, "ZZ", &err), RELM_ENOTFOUND);
    test_db_free(r);
}

static void a_rolled_back_transaction_gives_its_number_back(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    add_series(r, "R", 0, 0);
    add_line(r, "R", "R100", "", "", 1, "");
    assert_int_equal(relm_begin(r, &err), 0);
    assert_int_equal(relm_numseries_next(r, "R", NULL, no, &err), 0);
    assert_string_equal(no, "R100");
    relm_rollback(r);
    assert_int_equal(relm_numseries_next(r, "R", NULL, no, &err), 0);
    assert_string_equal(no, "R100");
    test_db_free(r);
}

static void lines_are_validated(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_no_series_line_t l;
    add_series(r, "V", 0, 0);
    relm_record_init(&relm_no_series_line_entity, &l);
    snprintf(l.series_code, sizeof(l.series_code), "V");
    snprintf(l.starting_no, sizeof(l.starting_no), "ABC");
    assert_int_equal(relm_numseries_line_add(r, &l, &err), RELM_EVALIDATION);
    snprintf(l.starting_no, sizeof(l.starting_no), "V10");
    snprintf(l.ending_no, sizeof(l.ending_no), "V9");
    assert_int_equal(relm_numseries_line_add(r, &l, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "ending_no"));
    l.ending_no[0] = '\0';
    l.increment_by = 0;
    assert_int_equal(relm_numseries_line_add(r, &l, &err), RELM_EVALIDATION);
    l.increment_by = 1;
    snprintf(l.series_code, sizeof(l.series_code), "NOPE");
    assert_int_equal(relm_numseries_line_add(r, &l, &err), RELM_ENOTFOUND);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line"), 0);
    test_db_free(r);
}

static void a_series_named_by_setup_cannot_be_deleted(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    test_seed_series(r);
    assert_int_equal(relm_numseries_delete(r, "SEG", &err), RELM_EINUSE);
    assert_non_null(strstr(err.message, "segment_nos"));
    add_series(r, "FREE", 0, 0);
    add_line(r, "FREE", "F1", "", "", 1, "");
    assert_int_equal(relm_numseries_delete(r, "FREE", &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE series_code = "
                                     "'FREE'"),
                     0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series WHERE code = 'SEG'"), 1);
    test_db_free(r);
}

#define TAKERS    2
#define PER_TAKER 150

static void two_processes_never_receive_the_same_number(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    add_series(r, "C", 0, 0);
    add_line(r, "C", "C00001", "", "", 1, "");
    const char *path = test_db_path(r);
    int fds[TAKERS][2];
    for (int t = 0; t < TAKERS; t++) {
        assert_int_equal(pipe(fds[t]), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            relm_t *mine;
            relm_error_t err = {0};
            close(fds[t][0]);
            if (relm_open(path, 0, &mine, &err))
                _exit(2);
            for (int i = 0; i < PER_TAKER; i++) {
                char no[RELM_CODE20_SZ];
                if (relm_numseries_next(mine, "C", NULL, no, &err))
                    _exit(3);
                dprintf(fds[t][1], "%s\n", no);
            }
            relm_close(mine);
            _exit(0);
        }
        close(fds[t][1]);
    }
    static char seen[TAKERS * PER_TAKER + 1][RELM_CODE20_SZ];
    int n = 0;
    for (int t = 0; t < TAKERS; t++) {
        FILE *f = fdopen(fds[t][0], "r");
        char line[64];
        while (fgets(line, sizeof(line), f) && n <= TAKERS * PER_TAKER) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(seen[n++], RELM_CODE20_SZ, "%s", line);
        }
        fclose(f);
    }
    for (int t = 0; t < TAKERS; t++) {
        int status;
        wait(&status);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_int_equal(n, TAKERS * PER_TAKER);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(seen[i], seen[j]) == 0)
                fail_msg("number %s handed out twice", seen[i]);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE last_no_used = "
                                     "'C00300'"),
                     1);
    test_db_free(r);
}

/*
 * Concurrent writers that take a series number and an entry number in one transaction, and
 * roll every fourth transaction back: the committed numbers are unique and without gaps
 * (a rolled-back number is handed out again), on SQLite (one writer at a time) and on
 * PostgreSQL (row locks) alike.
 */
static void numbers_taken_in_rolled_back_transactions_are_handed_out_again(void **state)
{
    (void)state;
    enum { WRITERS = 3, ROUNDS = 40 };
    relm_t *r = test_db_new();
    add_series(r, "T", 0, 0);
    add_line(r, "T", "T00001", "", "", 1, "");
    const char *path = test_db_path(r);
    int fds[WRITERS][2];
    for (int t = 0; t < WRITERS; t++) {
        assert_int_equal(pipe(fds[t]), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            relm_t *mine;
            relm_error_t err = {0};
            close(fds[t][0]);
            if (relm_open(path, 0, &mine, &err))
                _exit(2);
            for (int i = 0; i < ROUNDS; i++) {
                char no[RELM_CODE20_SZ];
                int64_t entry = 0;
                if (relm_begin(mine, &err) || relm_numseries_next(mine, "T", NULL, no, &err) ||
                    relm_counter_take(mine, "interaction_log_entry", 1, &entry, &err))
                    _exit(3);
                if (i % 4 == 3) {
                    relm_rollback(mine);
                    continue;
                }
                if (relm_commit(mine, &err))
                    _exit(4);
                dprintf(fds[t][1], "%s %lld\n", no, (long long)entry);
            }
            relm_close(mine);
            _exit(0);
        }
        close(fds[t][1]);
    }
    int committed = WRITERS * (ROUNDS - ROUNDS / 4), n = 0;
    static char nos[WRITERS * ROUNDS][RELM_CODE20_SZ];
    static int entries[WRITERS * ROUNDS + 1];
    for (int t = 0; t < WRITERS; t++) {
        FILE *f = fdopen(fds[t][0], "r");
        char no[64];
        long long entry;
        while (n < WRITERS * ROUNDS && fscanf(f, "%63s %lld", no, &entry) == 2) {
            snprintf(nos[n], RELM_CODE20_SZ, "%s", no);
            if (entry < 1 || entry > committed || entries[entry]++)
                fail_msg("entry number %lld handed out twice or out of 1..%d", entry, committed);
            n++;
        }
        fclose(f);
    }
    for (int t = 0; t < WRITERS; t++) {
        int status;
        wait(&status);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_int_equal(n, committed);
    for (int i = 0; i < n; i++) {
        int v = atoi(nos[i] + 1);
        if (v < 1 || v > committed)
            fail_msg("series number %s is past T%05d: a number was lost", nos[i], committed);
        for (int j = i + 1; j < n; j++)
            if (strcmp(nos[i], nos[j]) == 0)
                fail_msg("number %s handed out twice", nos[i]);
    }
    assert_int_equal(test_sql_int(r, "SELECT value FROM relm_counter WHERE name = "
                                     "'interaction_log_entry'"),
                     committed);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(increment_keeps_width_and_padding),
        cmocka_unit_test(compare_orders_by_digit_value),
        cmocka_unit_test(first_number_is_starting_no_then_increments),
        cmocka_unit_test(ending_no_stops_and_consumes_nothing),
        cmocka_unit_test(past_ending_no_without_closing_is_refused),
        cmocka_unit_test(line_is_chosen_by_starting_date),
        cmocka_unit_test(date_order_refuses_an_earlier_date),
        cmocka_unit_test(manual_numbers_need_the_series_to_allow_them),
        cmocka_unit_test(a_rolled_back_transaction_gives_its_number_back),
        cmocka_unit_test(lines_are_validated),
        cmocka_unit_test(a_series_named_by_setup_cannot_be_deleted),
        cmocka_unit_test(two_processes_never_receive_the_same_number),
        cmocka_unit_test(numbers_taken_in_rolled_back_transactions_are_handed_out_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
