/*
 * Users, sessions, API tokens and login throttling.
 *
 * Invariants: no secret is stored in clear (passwords: argon2id via crypto_pwhash_str;
 * session and API tokens: BLAKE2b of 32 random bytes, compared by hash lookup); a
 * disabled user has no sessions and their tokens are refused; one message covers every
 * failed login so that it does not tell which user names exist.
 */
#include <ctype.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

typedef relm_user_t user_t;
typedef relm_api_token_t tok_t;

static const char *const roles[] = {"user", "admin", NULL};

/* Field indexes of user_fields[]: each entry below is placed at its index. */
enum { U_NAME, U_ROLE, U_FULL_NAME, U_SALESPERSON_CODE, U_DISABLED, U_CREATED_AT, U_COUNT };

static const relm_field_t user_fields[] = {
    [U_NAME] = FIELD(user_t, name, RELM_FT_TEXT, RELM_FF_KEY, 50, NULL, NULL),
    [U_ROLE] = FIELD(user_t, role, RELM_FT_ENUM, 0, 0, roles, "user"),
    [U_FULL_NAME] = FIELD(user_t, full_name, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [U_SALESPERSON_CODE] = FIELD(user_t, salesperson_code, RELM_FT_CODE, 0, 20, NULL, NULL),
    [U_DISABLED] = FIELD(user_t, disabled, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [U_CREATED_AT] = FIELD(user_t, created_at, RELM_FT_TIMESTAMP, RELM_FF_READONLY, 0, NULL, NULL),
};

_Static_assert(sizeof(user_fields) / sizeof(user_fields[0]) == U_COUNT,
               "one entry per field index");

/* Field indexes of token_fields[]: each entry below is placed at its index. */
enum { TK_ID, TK_USER_NAME, TK_DESCRIPTION, TK_CREATED_AT, TK_LAST_USED_AT, TK_REVOKED, TK_COUNT };

static const relm_field_t token_fields[] = {
    [TK_ID] = FIELD(tok_t, id, RELM_FT_INT, RELM_FF_KEY | RELM_FF_READONLY, 0, NULL, NULL),
    [TK_USER_NAME] = FIELD(tok_t, user_name, RELM_FT_TEXT, 0, 50, NULL, NULL),
    [TK_DESCRIPTION] = FIELD(tok_t, description, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [TK_CREATED_AT] = FIELD(tok_t, created_at, RELM_FT_TIMESTAMP, RELM_FF_READONLY, 0, NULL, NULL),
    [TK_LAST_USED_AT] =
        FIELD(tok_t, last_used_at, RELM_FT_TIMESTAMP, RELM_FF_READONLY, 0, NULL, NULL),
    [TK_REVOKED] =
        FIELD(tok_t, revoked, RELM_FT_BOOL, RELM_FF_INT32 | RELM_FF_READONLY, 0, NULL, NULL),
};

_Static_assert(sizeof(token_fields) / sizeof(token_fields[0]) == TK_COUNT,
               "one entry per field index");

#define NUSER_FIELDS ((int)(sizeof(user_fields) / sizeof(user_fields[0])))

static int op_get(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_user_get(r, key, out, err);
}

static int op_update(relm_t *r, const char *key, const void *changes, relm_mask_t given,
                     relm_error_t *err)
{
    return relm_user_update(r, key, changes, given, err);
}

const relm_entity_t relm_user_entity = {
    "user", "app_user", sizeof(user_t), user_fields, NUSER_FIELDS, NULL,
    op_get, op_update,  NULL,           NULL,        NULL,
};

const relm_entity_t relm_api_token_entity = {
    .name = "API token",
    .table = "api_token",
    .size = sizeof(tok_t),
    .fields = token_fields,
    .nfields = 6,
};

/* Which areas a plain user may change; admins may change everything. */
static const struct area_rule {
    const char *name;
    int user_writes;
} area_rules[] = {
    [RELM_AREA_SETUP] = {"marketing setup", 0},
    [RELM_AREA_NUMSERIES] = {"number series", 0},
    [RELM_AREA_GROUPS] = {"interaction groups", 0},
    [RELM_AREA_TEMPLATES] = {"interaction templates", 0},
    [RELM_AREA_SALESPERSONS] = {"salespersons", 0},
    [RELM_AREA_CONTACTS] = {"contacts", 1},
    [RELM_AREA_CAMPAIGNS] = {"campaigns", 1},
    [RELM_AREA_INTERACTIONS] = {"interactions", 1},
    [RELM_AREA_SEGMENTS] = {"segments", 1},
    [RELM_AREA_USERS] = {"users", 0},
};

int relm_user_may(const relm_user_t *u, relm_area_t area, int write, relm_error_t *err)
{
    if ((unsigned)area >= sizeof(area_rules) / sizeof(area_rules[0]))
        return relm_error_set(err, RELM_EUSAGE, "unknown permission area %d", (int)area);
    if (strcmp(u->role, "admin") == 0)
        return 0;
    if (area == RELM_AREA_USERS || (write && !area_rules[area].user_writes))
        return relm_error_set(err, RELM_EFORBIDDEN, "user %s (role %s) may not %s %s", u->name,
                              u->role, write ? "change" : "see", area_rules[area].name);
    return 0;
}

static int normalise_name(const char *in, char out[RELM_TEXT50_SZ], relm_error_t *err)
{
    while (isspace((unsigned char)*in))
        in++;
    size_t n = strlen(in);
    while (n && isspace((unsigned char)in[n - 1]))
        n--;
    if (n == 0)
        return relm_error_set(err, RELM_EVALIDATION, "user name is required");
    if (n > 50)
        return relm_error_set(err, RELM_EVALIDATION, "user name is longer than 50 characters");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (!isalnum(c) && c != '.' && c != '_' && c != '@' && c != '-')
            return relm_error_set(err, RELM_EVALIDATION,
                                  "user name \"%.*s\" may hold only letters, digits and . _ @ -",
                                  (int)n, in);
        out[i] = (char)tolower(c);
    }
    out[n] = '\0';
    return 0;
}

static int sodium_ready(relm_error_t *err)
{
    if (sodium_init() < 0)
        return relm_error_set(err, RELM_ESTORAGE, "the cryptography library cannot start");
    return 0;
}

static int hash_password(const char *password, char out[crypto_pwhash_STRBYTES], relm_error_t *err)
{
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    size_t n = strlen(password);
    if (relm_utf8_len(password) < 8)
        return relm_error_set(err, RELM_EVALIDATION, "password must have at least 8 characters");
    if (n > 1024)
        return relm_error_set(err, RELM_EVALIDATION, "password is longer than 1024 bytes");
    if (crypto_pwhash_str_alg(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13))
        return relm_error_set(err, RELM_ENOMEM, "out of memory hashing the password");
    return 0;
}

/*
 * An argon2id hash of a random password nobody knows, made with the parameters
 * hash_password() uses (crypto_pwhash_*_INTERACTIVE: m=65536 KiB, t=2, p=1). A login for
 * a name that has no hash is verified against it, so an unknown name costs the same as a
 * known one and the reply time does not tell which names exist.
 */
const char relm_dummy_password_hash[] = "$argon2id$v=19$m=65536,t=2,p=1$kkoG7VX/72s7mwb4vazyxw$"
                                        "IkMXLY4B1T+QydiTGyUO6+A7A7/+s4dqcfI+NkIRXsc";

atomic_ulong relm_password_verifications;

/* 1 when password matches hash; every login attempt verifies exactly one hash. */
static int verify_password(const char *hash, const char *password)
{
    size_t n = password ? strlen(password) : 0;
    int usable = hash && hash[0] && n <= 1024;
    atomic_fetch_add(&relm_password_verifications, 1);
    /* Longer passwords cannot be set; their first 1024 bytes still cost one verification. */
    int ok = crypto_pwhash_str_verify(usable ? hash : relm_dummy_password_hash,
                                      password ? password : "", n > 1024 ? 1024 : n) == 0;
    return usable && ok;
}

/* Hex BLAKE2b-256 of a token's text. */
static void token_hash(const char *token, char out[RELM_TOKEN_SZ])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, RELM_TOKEN_SZ, h, sizeof(h));
}

static void random_token(char out[RELM_TOKEN_SZ])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof(b));
    sodium_bin2hex(out, RELM_TOKEN_SZ, b, sizeof(b));
}

static int check_salesperson(relm_t *r, const char *code, relm_error_t *err)
{
    relm_salesperson_t sp;
    if (!code[0])
        return 0;
    relm_error_t ignored = {0};
    if (relm_salesperson_get(r, code, &sp, &ignored))
        return relm_error_set(err, RELM_ENOTFOUND,
                              "user salesperson_code: salesperson %s does "
                              "not exist",
                              code);
    return 0;
}

int relm_user_add(relm_t *r, relm_user_t *u, const char *password, relm_error_t *err)
{
    char hash[crypto_pwhash_STRBYTES];
    int rc = normalise_name(u->name, u->name, err);
    if (rc)
        return rc;
    if (!u->role[0])
        relm_copy(u->role, sizeof(u->role), "user");
    if (strcmp(u->role, "user") && strcmp(u->role, "admin"))
        return relm_error_set(err, RELM_EVALIDATION,
                              "user %s role: \"%s\" is not one of user, "
                              "admin",
                              u->name, u->role);
    if ((rc = check_salesperson(r, u->salesperson_code, err)) ||
        (rc = hash_password(password ? password : "", hash, err)))
        return rc;
    relm_now_stamp(u->created_at);
    if ((rc = relm_begin(r, err)))
        return rc;
    rc = relm_table_exists(r, &relm_user_entity, u, err);
    if (rc == 1)
        rc = relm_error_set(err, RELM_EEXISTS, "user %s already exists", u->name);
    if (rc == 0)
        rc = relm_table_insert(r, &relm_user_entity, u, err);
    relm_stmt_t *s;
    if (rc == 0 &&
        (rc = relm_stmt_prepare(r->store, "UPDATE app_user SET password_hash = ? WHERE name = ?",
                                &s, err)) == 0) {
        relm_stmt_bind_text(s, 1, hash);
        relm_stmt_bind_text(s, 2, u->name);
        rc = relm_stmt_run(s, err);
    }
    sodium_memzero(hash, sizeof(hash));
    return relm_tx_end(r, rc, err);
}

int relm_user_get(relm_t *r, const char *name, relm_user_t *out, relm_error_t *err)
{
    relm_record_init(&relm_user_entity, out);
    int rc = normalise_name(name, out->name, err);
    if (rc)
        return rc;
    rc = relm_table_get(r, &relm_user_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "user %s does not exist", out->name);
    return rc;
}

static int end_sessions(relm_t *r, const char *name, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, "DELETE FROM user_session WHERE user_name = ?", &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, name);
    return relm_stmt_run(s, err);
}

int relm_user_update(relm_t *r, const char *name, const relm_user_t *changes, relm_mask_t given,
                     relm_error_t *err)
{
    relm_user_t cur;
    int rc = relm_user_get(r, name, &cur, err);
    if (rc)
        return rc;
    given &= ~(RELM_BIT(U_NAME) |
               RELM_BIT(U_CREATED_AT)); /* name is the key, created_at is the library's */
    relm_record_merge(&relm_user_entity, &cur, changes, given);
    if ((rc = check_salesperson(r, cur.salesperson_code, err)))
        return rc;
    if ((rc = relm_begin(r, err)))
        return rc;
    rc = relm_table_update(r, &relm_user_entity, &cur, given, err);
    if (rc == 0 && cur.disabled)
        rc = end_sessions(r, cur.name, err);
    return relm_tx_end(r, rc, err);
}

int relm_user_set_password(relm_t *r, const char *name, const char *password, relm_error_t *err)
{
    relm_user_t cur;
    char hash[crypto_pwhash_STRBYTES];
    int rc = relm_user_get(r, name, &cur, err);
    if (rc || (rc = hash_password(password ? password : "", hash, err)))
        return rc;
    relm_stmt_t *s;
    if ((rc = relm_begin(r, err)))
        return rc;
    rc = relm_stmt_prepare(r->store, "UPDATE app_user SET password_hash = ? WHERE name = ?", &s,
                           err);
    if (rc == 0) {
        relm_stmt_bind_text(s, 1, hash);
        relm_stmt_bind_text(s, 2, cur.name);
        rc = relm_stmt_run(s, err);
    }
    sodium_memzero(hash, sizeof(hash));
    if (rc == 0)
        rc = end_sessions(r, cur.name, err);
    return relm_tx_end(r, rc, err);
}

int relm_user_disable(relm_t *r, const char *name, int disabled, relm_error_t *err)
{
    relm_user_t ch;
    relm_mask_t given = 0;
    relm_record_init(&relm_user_entity, &ch);
    int rc = relm_record_set(&relm_user_entity, &ch, &given, "disabled",
                             disabled ? "true" : "false", err);
    return rc ? rc : relm_user_update(r, name, &ch, given, err);
}

/* Seconds a client must still wait before trying user@address again (0: may try). */
static int throttle_wait(relm_t *r, const char *name, const char *address, int64_t now,
                         int64_t *wait, relm_error_t *err)
{
    relm_stmt_t *s;
    *wait = 0;
    int rc = relm_stmt_prepare(
        r->store, "SELECT blocked_until FROM login_failure WHERE user_name = ? AND address = ?", &s,
        err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, name);
    relm_stmt_bind_text(s, 2, address);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW && relm_stmt_int(s, 0) > now)
        *wait = relm_stmt_int(s, 0) - now;
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

/* Count a failure; from the free failures on, block for 2, 4, 8, ... seconds (whole seconds:
 * 2 keeps the first block at least one second long). */
static int throttle_fail(relm_t *r, const char *name, const char *address, int64_t now,
                         relm_error_t *err)
{
    relm_stmt_t *s;
    int64_t failures = 1;
    int rc = relm_begin(r, err);
    if (rc)
        return rc;
    rc = relm_stmt_prepare(r->store,
                           "INSERT INTO login_failure (user_name, address, failures) VALUES (?, ?, "
                           "1) ON CONFLICT (user_name, address) DO UPDATE SET failures = "
                           "login_failure.failures + 1 RETURNING failures",
                           &s, err);
    if (rc == 0) {
        relm_stmt_bind_text(s, 1, name);
        relm_stmt_bind_text(s, 2, address);
        rc = relm_stmt_step(s, err);
        if (rc == RELM_STEP_ROW)
            failures = relm_stmt_int(s, 0);
        relm_stmt_release(s);
        rc = rc < 0 ? rc : 0;
    }
    if (rc == 0 && failures >= RELM_LOGIN_FREE_FAILURES) {
        int64_t shift = failures - RELM_LOGIN_FREE_FAILURES;
        int64_t wait = shift >= 10 ? RELM_LOGIN_MAX_WAIT : (int64_t)2 << shift;
        if (wait > RELM_LOGIN_MAX_WAIT)
            wait = RELM_LOGIN_MAX_WAIT;
        rc = relm_stmt_prepare(r->store,
                               "UPDATE login_failure SET blocked_until = ? WHERE user_name = ? AND "
                               "address = ?",
                               &s, err);
        if (rc == 0) {
            relm_stmt_bind_int(s, 1, now + wait);
            relm_stmt_bind_text(s, 2, name);
            relm_stmt_bind_text(s, 3, address);
            rc = relm_stmt_run(s, err);
        }
    }
    return relm_tx_end(r, rc, err);
}

static int run2(relm_t *r, const char *sql, const char *a, const char *b, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, a);
    if (b)
        relm_stmt_bind_text(s, 2, b);
    return relm_stmt_run(s, err);
}

int relm_user_login(relm_t *r, const char *name, const char *password, const char *address,
                    relm_session_t *out, int64_t *retry_after, relm_error_t *err)
{
    char uname[RELM_TEXT50_SZ], hash[crypto_pwhash_STRBYTES] = "";
    int64_t now = (int64_t)time(NULL);
    relm_error_t ignored = {0};
    int rc;
    memset(out, 0, sizeof(*out));
    *retry_after = 0;
    if ((rc = sodium_ready(err)))
        return rc;
    if (normalise_name(name ? name : "", uname, &ignored)) {
        verify_password(NULL, password);
        return relm_error_set(err, RELM_EAUTH, "unknown user or wrong password");
    }
    if (!address)
        address = "";
    if ((rc = throttle_wait(r, uname, address, now, retry_after, err)))
        return rc;
    if (*retry_after > 0)
        return relm_error_set(err, RELM_ETHROTTLED,
                              "too many failed logins for %s: try again in %lld seconds", uname,
                              (long long)*retry_after);
    relm_stmt_t *s;
    int disabled = 1;
    if ((rc = relm_stmt_prepare(
             r->store, "SELECT password_hash, disabled FROM app_user WHERE name = ?", &s, err)))
        return rc;
    relm_stmt_bind_text(s, 1, uname);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        relm_copy(hash, sizeof(hash), relm_stmt_text(s, 0));
        disabled = (int)relm_stmt_int(s, 1);
    }
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    int good = verify_password(hash, password);
    sodium_memzero(hash, sizeof(hash));
    if (!good || disabled) {
        if ((rc = throttle_fail(r, uname, address, now, err)))
            return rc;
        return relm_error_set(err, RELM_EAUTH, "unknown user or wrong password");
    }
    if ((rc = relm_user_get(r, uname, &out->user, err)))
        return rc;
    char th[RELM_TOKEN_SZ], stamp[RELM_STAMP_SZ];
    random_token(out->token);
    random_token(out->csrf_token);
    token_hash(out->token, th);
    out->expires_at = now + RELM_SESSION_SECONDS;
    relm_now_stamp(stamp);
    if ((rc = relm_begin(r, err)))
        return rc;
    rc = run2(r, "DELETE FROM login_failure WHERE user_name = ? AND address = ?", uname, address,
              err);
    if (rc == 0 && (rc = relm_stmt_prepare(
                        r->store, "DELETE FROM user_session WHERE expires_at < ?", &s, err)) == 0) {
        relm_stmt_bind_int(s, 1, now);
        rc = relm_stmt_run(s, err);
    }
    if (rc == 0 && (rc = relm_stmt_prepare(r->store,
                                           "INSERT INTO user_session (token_hash, user_name, "
                                           "csrf_token, created_at, expires_at) VALUES (?, ?, ?, "
                                           "?, ?)",
                                           &s, err)) == 0) {
        relm_stmt_bind_text(s, 1, th);
        relm_stmt_bind_text(s, 2, uname);
        relm_stmt_bind_text(s, 3, out->csrf_token);
        relm_stmt_bind_text(s, 4, stamp);
        relm_stmt_bind_int(s, 5, out->expires_at);
        rc = relm_stmt_run(s, err);
    }
    if (rc) {
        relm_rollback(r);
        memset(out, 0, sizeof(*out));
        return rc;
    }
    return relm_commit(r, err);
}

static int valid_token_text(const char *t)
{
    size_t n = 0;
    for (; t[n]; n++)
        if (!isxdigit((unsigned char)t[n]) || n >= RELM_TOKEN_SZ - 1)
            return 0;
    return n == RELM_TOKEN_SZ - 1;
}

int relm_session_check(relm_t *r, const char *token, relm_session_t *out, relm_error_t *err)
{
    char th[RELM_TOKEN_SZ], uname[RELM_TEXT50_SZ] = "";
    memset(out, 0, sizeof(*out));
    if (!token || !valid_token_text(token))
        return relm_error_set(err, RELM_EAUTH, "not signed in");
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    token_hash(token, th);
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store,
                                "SELECT user_name, csrf_token, expires_at FROM user_session WHERE "
                                "token_hash = ?",
                                &s, err)))
        return rc;
    relm_stmt_bind_text(s, 1, th);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        relm_copy(uname, sizeof(uname), relm_stmt_text(s, 0));
        relm_copy(out->csrf_token, sizeof(out->csrf_token), relm_stmt_text(s, 1));
        out->expires_at = relm_stmt_int(s, 2);
    }
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    relm_error_t ignored = {0};
    if (!uname[0] || out->expires_at < (int64_t)time(NULL) ||
        relm_user_get(r, uname, &out->user, &ignored) || out->user.disabled) {
        memset(out, 0, sizeof(*out));
        return relm_error_set(err, RELM_EAUTH, "the session has ended: sign in again");
    }
    relm_copy(out->token, sizeof(out->token), token);
    return 0;
}

int relm_session_end(relm_t *r, const char *token, relm_error_t *err)
{
    char th[RELM_TOKEN_SZ];
    if (!token || !valid_token_text(token))
        return 0;
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    token_hash(token, th);
    return run2(r, "DELETE FROM user_session WHERE token_hash = ?", th, NULL, err);
}

int relm_token_create(relm_t *r, const char *user_name, const char *description,
                      char token_out[RELM_TOKEN_SZ], int64_t *id, relm_error_t *err)
{
    relm_user_t u;
    relm_api_token_t t;
    char th[RELM_TOKEN_SZ];
    int rc = sodium_ready(err);
    if (rc || (rc = relm_user_get(r, user_name, &u, err)))
        return rc;
    relm_record_init(&relm_api_token_entity, &t);
    if ((rc = relm_record_set(&relm_api_token_entity, &t, NULL, "description",
                              description ? description : "", err)))
        return rc;
    relm_copy(t.user_name, sizeof(t.user_name), u.name);
    relm_now_stamp(t.created_at);
    random_token(token_out);
    token_hash(token_out, th);
    if ((rc = relm_begin(r, err)))
        return rc;
    rc = relm_counter_take(r, "api_token", 1, &t.id, err);
    relm_stmt_t *s;
    if (rc == 0 && (rc = relm_stmt_prepare(r->store,
                                           "INSERT INTO api_token (id, user_name, token_hash, "
                                           "description, created_at) VALUES (?, ?, ?, ?, ?)",
                                           &s, err)) == 0) {
        relm_stmt_bind_int(s, 1, t.id);
        relm_stmt_bind_text(s, 2, t.user_name);
        relm_stmt_bind_text(s, 3, th);
        relm_stmt_bind_text(s, 4, t.description);
        relm_stmt_bind_text(s, 5, t.created_at);
        rc = relm_stmt_run(s, err);
    }
    if (rc) {
        relm_rollback(r);
        sodium_memzero(token_out, RELM_TOKEN_SZ);
        return rc;
    }
    if (id)
        *id = t.id;
    return relm_commit(r, err);
}

int relm_token_check(relm_t *r, const char *token, relm_user_t *out, relm_error_t *err)
{
    char th[RELM_TOKEN_SZ], uname[RELM_TEXT50_SZ] = "";
    int64_t id = 0;
    if (!token || !valid_token_text(token))
        return relm_error_set(err, RELM_EAUTH, "the API token is not valid");
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    token_hash(token, th);
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(
             r->store, "SELECT id, user_name FROM api_token WHERE token_hash = ? AND revoked = 0",
             &s, err)))
        return rc;
    relm_stmt_bind_text(s, 1, th);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        id = relm_stmt_int(s, 0);
        relm_copy(uname, sizeof(uname), relm_stmt_text(s, 1));
    }
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    relm_error_t ignored = {0};
    if (!uname[0] || relm_user_get(r, uname, out, &ignored) || out->disabled)
        return relm_error_set(err, RELM_EAUTH, "the API token is not valid");
    char stamp[RELM_STAMP_SZ];
    relm_now_stamp(stamp);
    if ((rc = relm_stmt_prepare(r->store, "UPDATE api_token SET last_used_at = ? WHERE id = ?", &s,
                                err)))
        return rc;
    relm_stmt_bind_text(s, 1, stamp);
    relm_stmt_bind_int(s, 2, id);
    return relm_stmt_run(s, err);
}

int relm_token_revoke(relm_t *r, int64_t id, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, "UPDATE api_token SET revoked = 1 WHERE id = ?", &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_int(s, 1, id);
    rc = relm_stmt_run(s, err);
    if (rc == 0 && relm_store_changes(r->store) == 0)
        return relm_error_set(err, RELM_ENOTFOUND, "API token %lld does not exist", (long long)id);
    return rc;
}
