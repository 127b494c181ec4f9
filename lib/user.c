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

static int run2(relm_t *r, const char *sql, const char *a, const char *b, relm_error_t *err);

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
enum {
    TK_ID,
    TK_USER_NAME,
    TK_DESCRIPTION,
    TK_CREATED_AT,
    TK_LAST_USED_AT,
    TK_REVOKED,
    TK_EXPIRES_AT,
    TK_COUNT
};

static const relm_field_t token_fields[] = {
    [TK_ID] = FIELD(tok_t, id, RELM_FT_INT, RELM_FF_KEY | RELM_FF_READONLY, 0, NULL, NULL),
    [TK_USER_NAME] = FIELD(tok_t, user_name, RELM_FT_TEXT, 0, 50, NULL, NULL),
    [TK_DESCRIPTION] = FIELD(tok_t, description, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [TK_CREATED_AT] = FIELD(tok_t, created_at, RELM_FT_TIMESTAMP, RELM_FF_READONLY, 0, NULL, NULL),
    [TK_LAST_USED_AT] =
        FIELD(tok_t, last_used_at, RELM_FT_TIMESTAMP, RELM_FF_READONLY, 0, NULL, NULL),
    [TK_REVOKED] =
        FIELD(tok_t, revoked, RELM_FT_BOOL, RELM_FF_INT32 | RELM_FF_READONLY, 0, NULL, NULL),
    [TK_EXPIRES_AT] = FIELD(tok_t, expires_at, RELM_FT_INT, RELM_FF_READONLY, 0, NULL, NULL),
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
    .nfields = 7,
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
    [RELM_AREA_PRIVACY] = {"personal data exports and erasures", 0},
};

int relm_user_may(const relm_user_t *u, relm_area_t area, int write, relm_error_t *err)
{
    if ((unsigned)area >= sizeof(area_rules) / sizeof(area_rules[0]))
        return relm_error_set(err, RELM_EUSAGE, "unknown permission area %d", (int)area);
    if (strcmp(u->role, "admin") == 0)
        return 0;
    if (area == RELM_AREA_USERS || area == RELM_AREA_PRIVACY ||
        (write && !area_rules[area].user_writes))
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

/*
 * The CSRF token of a session: a keyed BLAKE2b of the session token, so it can be given
 * again (GET /api/me) without being stored; the database keeps only its hash.
 */
static void csrf_of(const char *token, char out[RELM_TOKEN_SZ])
{
    static const unsigned char key[] = "relm session csrf token";
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), key,
                       sizeof(key) - 1);
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

int relm_user_salesperson_code(relm_t *r, const char *name, char code[RELM_CODE20_SZ],
                               relm_error_t *err)
{
    char norm[RELM_TEXT50_SZ];
    relm_error_t scratch = {0};
    code[0] = '\0';
    if (normalise_name(name, norm, &scratch))
        return RELM_ENOTFOUND;
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, "SELECT salesperson_code FROM app_user WHERE name = ?", &s,
                               err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, norm);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW)
        relm_copy(code, RELM_CODE20_SZ, relm_stmt_text(s, 0));
    relm_stmt_release(s);
    return rc == RELM_STEP_ROW ? 0 : rc == RELM_STEP_DONE ? RELM_ENOTFOUND : rc;
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
    /* Whoever knew the old password may have made tokens with it. */
    if (rc == 0)
        rc = run2(r, "UPDATE api_token SET revoked = 1 WHERE user_name = ?", cur.name, NULL, err);
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

/* Rows of login_throttle at most; see prune_throttle(). Tests lower it. */
int relm_login_rows_max = RELM_LOGIN_ROWS;

static int64_t system_clock(void)
{
    return (int64_t)time(NULL);
}

/* The clock of the login throttle, in seconds; tests set their own. */
int64_t (*relm_login_clock)(void) = system_clock;

/* Seconds to wait after the given failures count, when free of them are allowed. */
static int64_t backoff(int64_t failures, int free_failures)
{
    if (failures < free_failures)
        return 0;
    int64_t shift = failures - free_failures;
    int64_t wait = shift >= 10 ? RELM_LOGIN_MAX_WAIT : (int64_t)2 << shift;
    return wait > RELM_LOGIN_MAX_WAIT ? RELM_LOGIN_MAX_WAIT : wait;
}

typedef struct throttle_row {
    const char *scope, *subject;
    int free_failures;
    int64_t failures, blocked_until;
} throttle_row_t;

/*
 * Lock one row for this transaction, creating it (no failures) when missing, so that
 * concurrent attempts for the same subject wait for each other between read and write.
 * SQLite's write transaction holds the whole database already; PostgreSQL's read committed
 * transactions would otherwise all read the same count and each write it plus one.
 */
static int throttle_lock(relm_t *r, const throttle_row_t *t, int64_t now, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(
        r->store,
        "INSERT INTO login_throttle (scope, subject, failures, last_failure, blocked_until) "
        "VALUES (?, ?, 0, ?, 0) ON CONFLICT (scope, subject) DO UPDATE SET failures = "
        "login_throttle.failures",
        &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, t->scope);
    relm_stmt_bind_text(s, 2, t->subject);
    relm_stmt_bind_int(s, 3, now);
    return relm_stmt_run(s, err);
}

/* Read one row; a row quiet for the window (and not blocked) counts as no failures. */
static int throttle_read(relm_t *r, throttle_row_t *t, int64_t now, relm_error_t *err)
{
    relm_stmt_t *s;
    t->failures = t->blocked_until = 0;
    int rc = relm_stmt_prepare(r->store,
                               "SELECT failures, last_failure, blocked_until FROM login_throttle "
                               "WHERE scope = ? AND subject = ?",
                               &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, t->scope);
    relm_stmt_bind_text(s, 2, t->subject);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        t->blocked_until = relm_stmt_int(s, 2);
        if (now - relm_stmt_int(s, 1) <= RELM_LOGIN_WINDOW || t->blocked_until > now)
            t->failures = relm_stmt_int(s, 0);
    }
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

static int throttle_write(relm_t *r, const throttle_row_t *t, int64_t now, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(
        r->store,
        "INSERT INTO login_throttle (scope, subject, failures, last_failure, blocked_until) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, subject) DO UPDATE SET failures = "
        "excluded.failures, last_failure = excluded.last_failure, blocked_until = "
        "excluded.blocked_until",
        &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, t->scope);
    relm_stmt_bind_text(s, 2, t->subject);
    relm_stmt_bind_int(s, 3, t->failures);
    relm_stmt_bind_int(s, 4, now);
    relm_stmt_bind_int(s, 5, t->blocked_until);
    return relm_stmt_run(s, err);
}

/*
 * Keep the table bounded: forget rows quiet for the window, then, while it holds more than
 * relm_login_rows_max rows, drop the oldest rows of names that are no account, then of
 * addresses, then of accounts. Guessed names can thus not push out an account's count.
 */
static int prune_throttle(relm_t *r, int64_t now, relm_error_t *err)
{
    static const char *const evict[] = {
        "DELETE FROM login_throttle WHERE scope = 'name' AND subject IN (SELECT subject FROM "
        "login_throttle t WHERE t.scope = 'name' AND NOT EXISTS (SELECT 1 FROM app_user u "
        "WHERE u.name = t.subject) ORDER BY t.last_failure LIMIT ?)",
        "DELETE FROM login_throttle WHERE scope = 'address' AND subject IN (SELECT subject "
        "FROM login_throttle WHERE scope = 'address' ORDER BY last_failure LIMIT ?)",
        "DELETE FROM login_throttle WHERE scope = 'name' AND subject IN (SELECT subject FROM "
        "login_throttle WHERE scope = 'name' ORDER BY last_failure LIMIT ?)",
    };
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(
        r->store, "DELETE FROM login_throttle WHERE last_failure < ? AND blocked_until <= ?", &s,
        err);
    if (rc)
        return rc;
    relm_stmt_bind_int(s, 1, now - RELM_LOGIN_WINDOW);
    relm_stmt_bind_int(s, 2, now);
    if ((rc = relm_stmt_run(s, err)))
        return rc;
    for (size_t i = 0; i < sizeof(evict) / sizeof(evict[0]); i++) {
        int64_t rows = 0;
        if ((rc = relm_count(r, "SELECT count(*) FROM login_throttle", NULL, &rows, err)))
            return rc;
        if (rows <= relm_login_rows_max)
            return 0;
        if ((rc = relm_stmt_prepare(r->store, evict[i], &s, err)))
            return rc;
        relm_stmt_bind_int(s, 1, rows - relm_login_rows_max);
        if ((rc = relm_stmt_run(s, err)))
            return rc;
    }
    return 0;
}

/*
 * Seconds an attempt that blocks further ones holds the block while its password is being
 * checked: the wait it earns runs from the end of the check (throttle_failed()), and until
 * then no other attempt may slip past however long the check takes. Bounds the block left
 * by a check that never ends (the process stopped).
 */
#define LOGIN_CHECK_HOLD 60

/* What an attempt set on its rows, [0] the address's, [1] the name's. */
typedef struct throttle_take {
    int64_t backoff[2]; /* the wait a failure earns (0: none) */
    int64_t held[2];    /* blocked_until while the check runs (0: none) */
} throttle_take_t;

/*
 * Take one login attempt for name (NULL: a name that cannot exist) from address, in one
 * write transaction, before the password is checked: the attempt counts as a failure
 * until throttle_release() takes it back, so concurrent attempts cannot all pass the check
 * before any of them is counted. *wait > 0: refused, nothing counted; *by_address tells
 * whether the address (rather than the name) is the one blocked. *take receives what the
 * attempt set, for throttle_failed() and throttle_release().
 */
static int throttle_take(relm_t *r, const char *name, const char *address, int64_t now,
                         int64_t *wait, int *by_address, throttle_take_t *take, relm_error_t *err)
{
    throttle_row_t rows[2] = {{"address", address, RELM_LOGIN_FREE_FAILURES_ADDRESS, 0, 0},
                              {"name", name, RELM_LOGIN_FREE_FAILURES, 0, 0}};
    int n = name ? 2 : 1;
    *wait = 0;
    *by_address = 0;
    memset(take, 0, sizeof(*take));
    int rc = relm_begin(r, err);
    if (rc)
        return rc;
    for (int i = 0; rc == 0 && i < n; i++)
        rc = throttle_lock(r, &rows[i], now, err);
    for (int i = 0; rc == 0 && i < n; i++) {
        rc = throttle_read(r, &rows[i], now, err);
        if (rc == 0 && rows[i].blocked_until - now > *wait) {
            *wait = rows[i].blocked_until - now;
            *by_address = i == 0;
        }
    }
    for (int i = 0; rc == 0 && *wait == 0 && i < n; i++) {
        rows[i].failures++;
        int64_t b = backoff(rows[i].failures, rows[i].free_failures);
        rows[i].blocked_until = b ? now + b + LOGIN_CHECK_HOLD : 0;
        take->backoff[i] = b;
        take->held[i] = rows[i].blocked_until;
        rc = throttle_write(r, &rows[i], now, err);
    }
    if (rc == 0 && *wait == 0)
        rc = prune_throttle(r, now, err);
    /* A refused attempt counts nothing, and leaves no row that throttle_lock() made. */
    if (rc || *wait > 0) {
        relm_rollback(r);
        return rc;
    }
    return relm_commit(r, err);
}

/*
 * A login failed at time failed, after a password check that began at the take: the wait
 * the failure earned runs from now on, so that a slow check, slow by design and slower on a
 * busy machine, does not use the wait up before the client even hears of the failure. Best
 * effort: when it cannot be written, the hold set at the take stands.
 */
static void throttle_failed(relm_t *r, const char *name, const char *address,
                            const throttle_take_t *take, int64_t failed)
{
    const char *subject[2] = {address, name};
    static const char *const scope[2] = {"address", "name"};
    for (int i = 0; i < 2; i++) {
        relm_stmt_t *s;
        relm_error_t ignored = {0};
        if (!take->held[i] || !subject[i])
            continue;
        if (relm_stmt_prepare(r->store,
                              "UPDATE login_throttle SET blocked_until = ? WHERE scope = ? AND "
                              "subject = ? AND blocked_until = ?",
                              &s, &ignored))
            continue;
        relm_stmt_bind_int(s, 1, failed + take->backoff[i]);
        relm_stmt_bind_text(s, 2, scope[i]);
        relm_stmt_bind_text(s, 3, subject[i]);
        relm_stmt_bind_int(s, 4, take->held[i]);
        relm_stmt_run(s, &ignored);
    }
}

/*
 * A login succeeded: forget the name's failures and take back the address's attempt, and
 * the hold it set (the block before it had run out, or the attempt would have been refused).
 */
static int throttle_release(relm_t *r, const char *name, const char *address,
                            const throttle_take_t *take, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc =
        run2(r, "DELETE FROM login_throttle WHERE scope = 'name' AND subject = ?", name, NULL, err);
    if (rc || (rc = relm_stmt_prepare(r->store,
                                      "UPDATE login_throttle SET failures = failures - 1, "
                                      "blocked_until = CASE WHEN failures - 1 < ? OR "
                                      "blocked_until = ? THEN 0 ELSE blocked_until END WHERE "
                                      "scope = 'address' AND subject = ? AND failures > 0",
                                      &s, err)))
        return rc;
    relm_stmt_bind_int(s, 1, RELM_LOGIN_FREE_FAILURES_ADDRESS);
    relm_stmt_bind_int(s, 2, take->held[0] ? take->held[0] : -1);
    relm_stmt_bind_text(s, 3, address);
    return relm_stmt_run(s, err);
}

int relm_user_login(relm_t *r, const char *name, const char *password, const char *address,
                    relm_session_t *out, int64_t *retry_after, relm_error_t *err)
{
    char uname[RELM_TEXT50_SZ], hash[crypto_pwhash_STRBYTES] = "";
    int64_t now = relm_login_clock();
    throttle_take_t take;
    relm_error_t ignored = {0};
    int rc;
    memset(out, 0, sizeof(*out));
    *retry_after = 0;
    if ((rc = sodium_ready(err)))
        return rc;
    int known_form = normalise_name(name ? name : "", uname, &ignored) == 0;
    if (!address)
        address = "";
    int by_address = 0;
    if ((rc = throttle_take(r, known_form ? uname : NULL, address, now, retry_after, &by_address,
                            &take, err)))
        return rc;
    if (*retry_after > 0 && by_address)
        return relm_error_set(err, RELM_ETHROTTLED,
                              "too many failed logins from %s: try again in %lld seconds", address,
                              (long long)*retry_after);
    if (*retry_after > 0)
        return relm_error_set(err, RELM_ETHROTTLED,
                              "too many failed logins for %s: try again in %lld seconds", uname,
                              (long long)*retry_after);
    if (!known_form) {
        verify_password(NULL, password);
        throttle_failed(r, NULL, address, &take, relm_login_clock());
        return relm_error_set(err, RELM_EAUTH, "unknown user or wrong password");
    }
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
        throttle_failed(r, uname, address, &take, relm_login_clock());
        return relm_error_set(err, RELM_EAUTH, "unknown user or wrong password");
    }
    if ((rc = relm_user_get(r, uname, &out->user, err)))
        return rc;
    char th[RELM_TOKEN_SZ], stamp[RELM_STAMP_SZ];
    char csrf_hash[RELM_TOKEN_SZ];
    random_token(out->token);
    csrf_of(out->token, out->csrf_token);
    token_hash(out->token, th);
    token_hash(out->csrf_token, csrf_hash);
    out->expires_at = now + RELM_SESSION_SECONDS;
    relm_now_stamp(stamp);
    if ((rc = relm_begin(r, err)))
        return rc;
    rc = throttle_release(r, uname, address, &take, err);
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
        relm_stmt_bind_text(s, 3, csrf_hash);
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
    char th[RELM_TOKEN_SZ], uname[RELM_TEXT50_SZ] = "", csrf_hash[RELM_TOKEN_SZ] = "";
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
        relm_copy(csrf_hash, sizeof(csrf_hash), relm_stmt_text(s, 1));
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
    csrf_of(token, out->csrf_token);
    token_hash(out->csrf_token, th);
    if (sodium_memcmp(th, csrf_hash, RELM_TOKEN_SZ - 1) != 0) {
        /* A session made before CSRF tokens were kept hashed: sign in again. */
        memset(out, 0, sizeof(*out));
        return relm_error_set(err, RELM_EAUTH, "the session has ended: sign in again");
    }
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
    return relm_token_create_expiring(r, user_name, description, RELM_TOKEN_DAYS, token_out, id,
                                      err);
}

int relm_token_create_expiring(relm_t *r, const char *user_name, const char *description, int days,
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
    if (days < 0 || days > RELM_TOKEN_MAX_DAYS)
        return relm_error_set(err, RELM_EVALIDATION,
                              "API token expires_in: %d days is not from 0 to %d", days,
                              RELM_TOKEN_MAX_DAYS);
    t.expires_at = days ? (int64_t)time(NULL) + (int64_t)days * 86400 : 0;
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
                                           "description, created_at, expires_at) VALUES (?, "
                                           "?, ?, ?, ?, ?)",
                                           &s, err)) == 0) {
        relm_stmt_bind_int(s, 1, t.id);
        relm_stmt_bind_text(s, 2, t.user_name);
        relm_stmt_bind_text(s, 3, th);
        relm_stmt_bind_text(s, 4, t.description);
        relm_stmt_bind_text(s, 5, t.created_at);
        relm_stmt_bind_int(s, 6, t.expires_at);
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

/*
 * Record the token's use at most every RELM_TOKEN_USE_STAMP_SECONDS, and never wait for the
 * write lock: a read signed in by a token must not queue behind a long write (or fail
 * because of one), so when the lock is taken the stamp is simply left for a later use.
 */
static void stamp_use(relm_t *r, int64_t id, int64_t last, int64_t now)
{
    relm_stmt_t *s;
    relm_error_t ignored = {0};
    char stamp[RELM_STAMP_SZ];
    if (now - last < RELM_TOKEN_USE_STAMP_SECONDS || relm_store_depth(r->store) > 0)
        return;
    relm_now_stamp(stamp);
    if (relm_stmt_prepare(r->store,
                          "UPDATE api_token SET last_used_at = ?, last_used_unix = ? WHERE id = ?",
                          &s, &ignored))
        return;
    relm_stmt_bind_text(s, 1, stamp);
    relm_stmt_bind_int(s, 2, now);
    relm_stmt_bind_int(s, 3, id);
    int wait = relm_store_busy_wait(r->store);
    relm_store_set_busy_wait(r->store, 0);
    relm_stmt_run(s, &ignored);
    relm_store_set_busy_wait(r->store, wait);
}

int relm_token_check(relm_t *r, const char *token, relm_user_t *out, relm_error_t *err)
{
    char th[RELM_TOKEN_SZ], uname[RELM_TEXT50_SZ] = "";
    int64_t id = 0, expires_at = 0, last_used = 0, now = (int64_t)time(NULL);
    if (!token || !valid_token_text(token))
        return relm_error_set(err, RELM_EAUTH, "the API token is not valid");
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    token_hash(token, th);
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store,
                                "SELECT id, user_name, expires_at, last_used_unix FROM api_token "
                                "WHERE token_hash = ? AND revoked = 0",
                                &s, err)))
        return rc;
    relm_stmt_bind_text(s, 1, th);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        id = relm_stmt_int(s, 0);
        relm_copy(uname, sizeof(uname), relm_stmt_text(s, 1));
        expires_at = relm_stmt_int(s, 2);
        last_used = relm_stmt_int(s, 3);
    }
    relm_error_t ignored = {0};
    int expired = uname[0] && expires_at && expires_at <= now;
    /*
     * The user is read while the token's statement is still pending: outside a transaction
     * SQLite keeps one read transaction while any statement is, so token and user come from
     * one snapshot, for the price of one read transaction.
     */
    int valid = rc == RELM_STEP_ROW && !expired && uname[0] &&
                relm_user_get(r, uname, out, &ignored) == 0 && !out->disabled;
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    if (expired)
        return relm_error_set(err, RELM_EAUTH, "API token %lld has expired", (long long)id);
    if (!valid)
        return relm_error_set(err, RELM_EAUTH, "the API token is not valid");
    stamp_use(r, id, last_used, now);
    return 0;
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
