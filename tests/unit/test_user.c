/*
 * Users and login: every login attempt verifies one password hash, whether the name
 * exists or not, so the time a failed login takes does not tell which names exist.
 */
#include <sodium.h>
#include <string.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unknown_names_and_wrong_passwords_both_verify_one_hash),
        cmocka_unit_test(the_dummy_hash_has_the_parameters_of_real_hashes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
