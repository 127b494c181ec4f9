/*
 * Users and login: every login attempt verifies one password hash, whether the name
 * exists or not, so the time a failed login takes does not tell which names exist.
 */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "internal.h"

#define PASSWORD "correct horse battery"

static relm_t *db_with_user(void)
{
    relm_t *r = test_db_new();
    relm_user_t u;
    relm_error_t err = {0};
    relm_record_init(&relm_user_entity, &u);
    snprintf(u.name, sizeof(u.name), "ann");
    if (relm_user_add(r, &u, PASSWORD, &err))
        fail_msg("user: %s", err.message);
    return r;
}

/* Password verifications one login attempt makes; *rc receives its result. */
static unsigned long verifications(relm_t *r, const char *name, const char *password, int *rc)
{
    relm_session_t s;
    int64_t retry = 0;
    relm_error_t err = {0};
    unsigned long before = atomic_load(&relm_password_verifications);
    *rc = relm_user_login(r, name, password, "192.0.2.1", &s, &retry, &err);
    return atomic_load(&relm_password_verifications) - before;
}

static void unknown_names_and_wrong_passwords_both_verify_one_hash(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    int rc;
    assert_int_equal(verifications(r, "nobody", "wrong password", &rc), 1);
    assert_int_equal(rc, RELM_EAUTH);
    assert_int_equal(verifications(r, "ann", "wrong password", &rc), 1);
    assert_int_equal(rc, RELM_EAUTH);
    assert_int_equal(verifications(r, "no such name!", "wrong password", &rc), 1);
    assert_int_equal(rc, RELM_EAUTH);
    char long_pw[1100];
    memset(long_pw, 'x', sizeof(long_pw) - 1);
    long_pw[sizeof(long_pw) - 1] = '\0';
    assert_int_equal(verifications(r, "ann", long_pw, &rc), 1);
    assert_int_equal(rc, RELM_EAUTH);
    assert_int_equal(verifications(r, "ann", PASSWORD, &rc), 1);
    assert_int_equal(rc, 0);
    test_db_free(r);
}

static void the_dummy_hash_has_the_parameters_of_real_hashes(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    /* needs_rehash is 0 only for an argon2id hash made with exactly these limits. */
    assert_int_equal(crypto_pwhash_str_needs_rehash(relm_dummy_password_hash,
                                                    crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                    crypto_pwhash_MEMLIMIT_INTERACTIVE),
                     0);
    relm_t *r = db_with_user();
    relm_error_t err = {0};
    relm_stmt_t *s;
    assert_int_equal(relm_stmt_prepare(r->store,
                                       "SELECT password_hash FROM app_user WHERE name = 'ann'", &s,
                                       &err),
                     0);
    assert_int_equal(relm_stmt_step(s, &err), RELM_STEP_ROW);
    const char *real = relm_stmt_text(s, 0);
    /* "$argon2id$v=19$m=65536,t=2,p=1$": everything up to the salt is the same. */
    const char *salt = strchr(strstr(real, "p="), '$');
    assert_non_null(salt);
    assert_int_equal(strncmp(real, relm_dummy_password_hash, (size_t)(salt - real)), 0);
    relm_stmt_release(s);
    test_db_free(r);
}

static int login_from(relm_t *r, const char *name, const char *password, const char *address)
{
    relm_session_t s;
    int64_t retry = 0;
    relm_error_t err = {0};
    return relm_user_login(r, name, password, address, &s, &retry, &err);
}

static int64_t throttle_rows(relm_t *r, const char *where)
{
    char sql[200];
    int64_t n = -1;
    relm_error_t err = {0};
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM login_throttle WHERE %s", where);
    assert_int_equal(relm_count(r, sql, NULL, &n, &err), 0);
    return n;
}

static void one_password_sprayed_over_many_names_is_throttled_by_address(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    char name[32];
    for (int i = 0; i < RELM_LOGIN_FREE_FAILURES_ADDRESS; i++) {
        snprintf(name, sizeof(name), "guess%d", i);
        assert_int_equal(login_from(r, name, "Summer2026!", "198.51.100.7"), RELM_EAUTH);
    }
    /* Right after the spray (the first block lasts only seconds, and hashing is slow). */
    unsigned long before = atomic_load(&relm_password_verifications);
    assert_int_equal(login_from(r, "ann", PASSWORD, "198.51.100.7"), RELM_ETHROTTLED);
    assert_int_equal(login_from(r, "guess99", "Summer2026!", "198.51.100.7"), RELM_ETHROTTLED);
    assert_int_equal(atomic_load(&relm_password_verifications) - before, 0);
    int rc;
    assert_int_equal(verifications(r, "ann", "Summer2026!", &rc), 1); /* another address */
    test_db_free(r);
}

static void a_name_is_throttled_whatever_address_it_comes_from(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    char address[32];
    for (int i = 0; i < RELM_LOGIN_FREE_FAILURES; i++) {
        snprintf(address, sizeof(address), "203.0.113.%d", i + 1);
        assert_int_equal(login_from(r, "ann", "wrong password", address), RELM_EAUTH);
    }
    assert_int_equal(login_from(r, "ann", PASSWORD, "203.0.113.200"), RELM_ETHROTTLED);
    /* The same holds for names that are no account, so throttling does not tell them. */
    for (int i = 0; i < RELM_LOGIN_FREE_FAILURES; i++) {
        snprintf(address, sizeof(address), "203.0.113.%d", i + 10);
        assert_int_equal(login_from(r, "nobody", "wrong password", address), RELM_EAUTH);
    }
    assert_int_equal(login_from(r, "nobody", "wrong password", "203.0.113.201"), RELM_ETHROTTLED);
    test_db_free(r);
}

/* A clock that moves on 5 s at each reading: each password check takes 5 s. */
static int64_t slow_now;
static int64_t slow_clock(void)
{
    int64_t t = slow_now;
    slow_now += 5;
    return t;
}

static int64_t (*system_clock)(void);

/* The real clock again, also after a failed check. */
static int restore_clock(void **state)
{
    (void)state;
    relm_login_clock = system_clock;
    return 0;
}

static void the_wait_after_a_failure_runs_from_the_failure_not_from_the_slow_check(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    relm_login_clock = slow_clock;
    slow_now = 1000000;
    /* Each failed attempt reads the clock when it is taken and when the check has failed. */
    for (int i = 0; i < RELM_LOGIN_FREE_FAILURES; i++)
        assert_int_equal(login_from(r, "ann", "wrong password", "192.0.2.77"), RELM_EAUTH);
    /* The next attempt comes as the third failure is answered: 5 s after it was taken, past
     * the 2 s wait counted from then, but within the 2 s counted from the failure. */
    slow_now -= 5;
    relm_session_t s;
    int64_t retry = 0;
    relm_error_t err = {0};
    assert_int_equal(relm_user_login(r, "ann", PASSWORD, "192.0.2.77", &s, &retry, &err),
                     RELM_ETHROTTLED);
    assert_int_equal(retry, 2);
    assert_int_equal(throttle_rows(r, "scope = 'name' AND subject = 'ann' AND blocked_until = "
                                      "1000027"),
                     1);
    test_db_free(r);
}

/*
 * A clock that moves on 5 s at each reading too, and at its sixth reading (the end of the
 * third attempt's check) lets an attempt on another connection in: one that comes while
 * that check, which outlasts the wait, is still running.
 */
static relm_t *meanwhile_db;
static int meanwhile_rc, readings;
static int64_t clock_with_an_attempt_during_the_check(void)
{
    if (++readings != 6)
        return slow_clock();
    int64_t t = slow_clock();
    meanwhile_rc = login_from(meanwhile_db, "ann", "wrong password", "192.0.2.78");
    return t;
}

static void an_attempt_during_a_slow_check_that_blocks_is_refused(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    relm_error_t err = {0};
    assert_int_equal(relm_open(test_db_path(r), 0, &meanwhile_db, &err), 0);
    relm_login_clock = clock_with_an_attempt_during_the_check;
    slow_now = 1000000;
    readings = 0;
    meanwhile_rc = -1;
    for (int i = 0; i < RELM_LOGIN_FREE_FAILURES; i++)
        assert_int_equal(login_from(r, "ann", "wrong password", "192.0.2.77"), RELM_EAUTH);
    assert_int_equal(meanwhile_rc, RELM_ETHROTTLED);
    /* Refused, so not counted: three failures, and the wait runs from the third. */
    assert_int_equal(throttle_rows(r, "scope = 'name' AND subject = 'ann' AND failures = 3 AND "
                                      "blocked_until = 1000027"),
                     1);
    relm_close(meanwhile_db);
    test_db_free(r);
}

/*
 * A success takes back the hold its attempt set on the address (at more than the free
 * failures, where taking back one failure still leaves the address over them).
 */
static void a_success_leaves_no_hold_on_the_address(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    char name[32];
    relm_login_clock = slow_clock; /* each wait has run out by the next attempt */
    slow_now = 1000000;
    for (int i = 0; i < RELM_LOGIN_FREE_FAILURES_ADDRESS; i++) {
        snprintf(name, sizeof(name), "guess%d", i);
        assert_int_equal(login_from(r, name, "Summer2026!", "198.51.100.9"), RELM_EAUTH);
    }
    assert_int_equal(login_from(r, "ann", PASSWORD, "198.51.100.9"), 0);
    assert_int_equal(throttle_rows(r, "scope = 'address' AND subject = '198.51.100.9' AND "
                                      "failures = 10 AND blocked_until = 0"),
                     1);
    assert_int_equal(login_from(r, "guess99", "Summer2026!", "198.51.100.9"), RELM_EAUTH);
    test_db_free(r);
}

static void a_successful_login_takes_back_its_attempt(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    assert_int_equal(login_from(r, "ann", "wrong password", "192.0.2.9"), RELM_EAUTH);
    assert_int_equal(login_from(r, "ann", PASSWORD, "192.0.2.9"), 0);
    assert_int_equal(throttle_rows(r, "scope = 'name'"), 0);
    assert_int_equal(throttle_rows(r, "scope = 'address' AND failures = 1"), 1);
    test_db_free(r);
}

static void failed_logins_for_unknown_names_keep_the_table_bounded(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    int saved = relm_login_rows_max;
    relm_login_rows_max = 6;
    assert_int_equal(login_from(r, "ann", "wrong password", "192.0.2.50"), RELM_EAUTH);
    char name[32], address[32];
    for (int i = 0; i < 12; i++) {
        snprintf(name, sizeof(name), "nobody%d", i);
        snprintf(address, sizeof(address), "192.0.2.%d", 100 + i);
        assert_int_equal(login_from(r, name, "wrong password", address), RELM_EAUTH);
        assert_true(throttle_rows(r, "1 = 1") <= 6);
    }
    /* Rows of names that are no account go first: ann's count is still there. */
    assert_int_equal(throttle_rows(r, "scope = 'name' AND subject = 'ann'"), 1);
    relm_login_rows_max = saved;
    test_db_free(r);
}

static void quiet_throttle_rows_are_forgotten(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    relm_error_t err = {0};
    assert_int_equal(login_from(r, "nobody", "wrong password", "192.0.2.60"), RELM_EAUTH);
    assert_int_equal(relm_store_exec(r->store,
                                     "UPDATE login_throttle SET last_failure = last_failure - "
                                     "7200",
                                     &err),
                     0);
    assert_int_equal(login_from(r, "ann", "wrong password", "192.0.2.61"), RELM_EAUTH);
    assert_int_equal(throttle_rows(r, "subject IN ('nobody', '192.0.2.60')"), 0);
    test_db_free(r);
}

static void tokens_expire(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    relm_error_t err = {0};
    relm_user_t u;
    char token[RELM_TOKEN_SZ];
    int64_t id = 0;
    assert_int_equal(relm_token_create(r, "ann", "", token, &id, &err), 0);
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT expires_at - %s FROM api_token", test_sql_unix_now());
    int64_t left = test_sql_int(r, sql);
    assert_true(left > RELM_TOKEN_DAYS * 86400 - 60 && left <= RELM_TOKEN_DAYS * 86400);
    assert_int_equal(relm_token_check(r, token, &u, &err), 0);
    assert_int_equal(relm_store_exec(r->store, "UPDATE api_token SET expires_at = 1000", &err), 0);
    assert_int_equal(relm_token_check(r, token, &u, &err), RELM_EAUTH);
    assert_non_null(strstr(err.message, "expired"));
    assert_int_equal(relm_token_create_expiring(r, "ann", "", 0, token, &id, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT expires_at FROM api_token WHERE id = 2"), 0);
    assert_int_equal(relm_token_check(r, token, &u, &err), 0);
    assert_int_equal(relm_token_create_expiring(r, "ann", "", -1, token, &id, &err),
                     RELM_EVALIDATION);
    test_db_free(r);
}

static void a_password_change_revokes_tokens_and_sessions(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    relm_error_t err = {0};
    relm_session_t s;
    relm_user_t u;
    int64_t retry = 0, id = 0;
    char token[RELM_TOKEN_SZ];
    assert_int_equal(relm_token_create(r, "ann", "", token, &id, &err), 0);
    assert_int_equal(relm_user_login(r, "ann", PASSWORD, "192.0.2.1", &s, &retry, &err), 0);
    assert_int_equal(relm_user_set_password(r, "ann", "a new good password", &err), 0);
    assert_int_equal(relm_token_check(r, token, &u, &err), RELM_EAUTH);
    relm_session_t again;
    assert_int_equal(relm_session_check(r, s.token, &again, &err), RELM_EAUTH);
    test_db_free(r);
}

static void csrf_tokens_are_stored_hashed(void **state)
{
    (void)state;
    relm_t *r = db_with_user();
    relm_error_t err = {0};
    relm_session_t s, again;
    int64_t retry = 0;
    assert_int_equal(relm_user_login(r, "ann", PASSWORD, "192.0.2.1", &s, &retry, &err), 0);
    assert_int_equal(strlen(s.csrf_token), 64);
    relm_stmt_t *st;
    assert_int_equal(relm_stmt_prepare(r->store, "SELECT csrf_token FROM user_session", &st, &err),
                     0);
    assert_int_equal(relm_stmt_step(st, &err), RELM_STEP_ROW);
    assert_string_not_equal(relm_stmt_text(st, 0), s.csrf_token);
    relm_stmt_release(st);
    assert_int_equal(relm_session_check(r, s.token, &again, &err), 0);
    assert_string_equal(again.csrf_token, s.csrf_token);
    test_db_free(r);
}

static void a_token_use_is_stamped_without_waiting_for_the_lock(void **state)
{
    (void)state;
    relm_t *r = db_with_user(), *job = NULL;
    relm_error_t err = {0};
    relm_user_t u;
    char token[RELM_TOKEN_SZ];
    assert_int_equal(relm_token_create(r, "ann", "", token, NULL, &err), 0);
    assert_int_equal(relm_open(test_db_path(r), 0, &job, &err), 0);
    assert_int_equal(relm_begin(job, &err), 0); /* a batch job holds the write lock */
    /* On PostgreSQL a writer locks the rows it writes: the job has written the token's. */
    if (test_on_pg())
        assert_int_equal(
            relm_store_exec(job->store, "UPDATE api_token SET revoked = revoked", &err), 0);
    time_t t0 = time(NULL);
    assert_int_equal(relm_token_check(r, token, &u, &err), 0);
    assert_true(time(NULL) - t0 < 2);
    relm_rollback(job);
    assert_int_equal(test_sql_int(r, "SELECT last_used_unix FROM api_token"), 0);
    assert_int_equal(relm_token_check(r, token, &u, &err), 0);
    assert_true(test_sql_int(r, "SELECT last_used_unix FROM api_token") >= (int64_t)t0);
    relm_close(job);
    test_db_free(r);
}

int main(void)
{
    system_clock = relm_login_clock;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unknown_names_and_wrong_passwords_both_verify_one_hash),
        cmocka_unit_test(the_dummy_hash_has_the_parameters_of_real_hashes),
        cmocka_unit_test(one_password_sprayed_over_many_names_is_throttled_by_address),
        cmocka_unit_test(a_name_is_throttled_whatever_address_it_comes_from),
        cmocka_unit_test_teardown(
            the_wait_after_a_failure_runs_from_the_failure_not_from_the_slow_check, restore_clock),
        cmocka_unit_test_teardown(an_attempt_during_a_slow_check_that_blocks_is_refused,
                                  restore_clock),
        cmocka_unit_test_teardown(a_success_leaves_no_hold_on_the_address, restore_clock),
        cmocka_unit_test(a_successful_login_takes_back_its_attempt),
        cmocka_unit_test(failed_logins_for_unknown_names_keep_the_table_bounded),
        cmocka_unit_test(quiet_throttle_rows_are_forgotten),
        cmocka_unit_test(tokens_expire),
        cmocka_unit_test(a_password_change_revokes_tokens_and_sessions),
        cmocka_unit_test(csrf_tokens_are_stored_hashed),
        cmocka_unit_test(a_token_use_is_stamped_without_waiting_for_the_lock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
