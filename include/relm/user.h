/*
 * Users, browser sessions and API tokens for relm serve.
 *
 * A user has a role: "admin" may change marketing setup, number series, interaction
 * groups, templates and salespersons and manage users; "user" works with contacts,
 * campaigns, interactions and segments. A user may be linked to a salesperson (the
 * default salesperson of the interactions they create).
 *
 * Secrets are never stored: passwords are argon2id hashes (libsodium crypto_pwhash_str),
 * session and API tokens are stored as BLAKE2b hashes, so a copy of the database does not
 * let anyone sign in. Failed logins are counted per client address and per user name (in
 * the database, so servers sharing one database share the counts); after
 * RELM_LOGIN_FREE_FAILURES failures for a name, or RELM_LOGIN_FREE_FAILURES_ADDRESS from an
 * address, each further attempt must wait twice as long as the one before (up to
 * RELM_LOGIN_MAX_WAIT seconds, counted from when the failed password check ended). Counts
 * are forgotten after RELM_LOGIN_WINDOW quiet seconds, and at most RELM_LOGIN_ROWS of them
 * are kept.
 */
#ifndef RELM_USER_H
#define RELM_USER_H

#include "relm/record.h"

#define RELM_TOKEN_SZ                    65 /* 64 hex digits and the NUL */
#define RELM_LOGIN_FREE_FAILURES         3
#define RELM_LOGIN_FREE_FAILURES_ADDRESS 10
#define RELM_LOGIN_MAX_WAIT              900
#define RELM_LOGIN_WINDOW                3600
#define RELM_LOGIN_ROWS                  10000
#define RELM_SESSION_SECONDS             (12 * 3600)
#define RELM_TOKEN_DAYS                  90 /* lifetime of an API token unless told otherwise */
#define RELM_TOKEN_MAX_DAYS              3650
#define RELM_TOKEN_USE_STAMP_SECONDS     300 /* last_used_at is written at most this often */

typedef struct relm_user {
    char name[RELM_TEXT50_SZ]; /* lower-case letters, digits, . _ @ - */
    char role[8];              /* admin | user */
    char full_name[RELM_TEXT100_SZ];
    char salesperson_code[RELM_CODE20_SZ];
    int disabled;
    char created_at[RELM_STAMP_SZ];
} relm_user_t;

typedef struct relm_api_token {
    int64_t id;
    char user_name[RELM_TEXT50_SZ];
    char description[RELM_TEXT100_SZ];
    char created_at[RELM_STAMP_SZ];
    char last_used_at[RELM_STAMP_SZ];
    int revoked;
    int64_t expires_at; /* unix seconds; 0: never */
} relm_api_token_t;

/* A signed-in browser session. token is the cookie value; csrf_token must come back in
 * the X-CSRF-Token header of every state-changing request. Both are derived or random
 * secrets the database keeps only as hashes (the CSRF token is a keyed hash of the session
 * token, so it can be handed out again without being stored). */
typedef struct relm_session {
    char token[RELM_TOKEN_SZ];
    char csrf_token[RELM_TOKEN_SZ];
    int64_t expires_at; /* unix seconds */
    relm_user_t user;
} relm_session_t;

extern const relm_entity_t relm_user_entity;
extern const relm_entity_t relm_api_token_entity;

struct relm;

/* Name of a user's role check area; see relm_user_may(). */
typedef enum relm_area {
    RELM_AREA_SETUP,
    RELM_AREA_NUMSERIES,
    RELM_AREA_GROUPS,
    RELM_AREA_TEMPLATES,
    RELM_AREA_SALESPERSONS,
    RELM_AREA_CONTACTS,
    RELM_AREA_CAMPAIGNS,
    RELM_AREA_INTERACTIONS,
    RELM_AREA_SEGMENTS,
    RELM_AREA_USERS,
    RELM_AREA_PRIVACY, /* a person's data export and erasure: admins only, even to read */
} relm_area_t;

/*
 * May u read (write 0) or change (write 1) records of area? 0 when allowed, else
 * RELM_EFORBIDDEN naming the user and the area. Every signed-in user may read everything
 * but the user list and a person's data export (RELM_AREA_PRIVACY).
 */
int relm_user_may(const relm_user_t *u, relm_area_t area, int write, relm_error_t *err);

/*
 * Add user u with password (at least 8 characters). The name is trimmed and lower-cased
 * in u; the role defaults to "user"; a salesperson_code must exist. already_exists when
 * the name is taken.
 */
int relm_user_add(struct relm *r, relm_user_t *u, const char *password, relm_error_t *err);
int relm_user_get(struct relm *r, const char *name, relm_user_t *out, relm_error_t *err);
/* Change role, full_name, salesperson_code or disabled (the fields set in given). */
int relm_user_update(struct relm *r, const char *name, const relm_user_t *changes,
                     relm_mask_t given, relm_error_t *err);
/* Replace the password; the user's sessions end and their API tokens are revoked. */
int relm_user_set_password(struct relm *r, const char *name, const char *password,
                           relm_error_t *err);
/* Disable (or enable) a user; disabling ends their sessions and stops their tokens. */
int relm_user_disable(struct relm *r, const char *name, int disabled, relm_error_t *err);

/*
 * Check name and password for a login from address (the client's IP, for throttling).
 * On success fills *out with a new session. Errors: auth (unknown user, wrong password,
 * disabled: one message for all), too_many_attempts with *retry_after seconds filled.
 * The attempt is counted against the address and the name before the password is checked,
 * in one write transaction (so concurrent attempts cannot pass the limit together); a
 * success takes its count back. Call it outside a transaction of the caller's, so that the
 * count is committed even when the login fails.
 * Every attempt that is not throttled verifies one password hash, an unknown name against
 * a dummy hash, so the time taken does not tell whether the name exists.
 */
int relm_user_login(struct relm *r, const char *name, const char *password, const char *address,
                    relm_session_t *out, int64_t *retry_after, relm_error_t *err);
/* The session of a cookie token (user and csrf_token filled); auth when unknown/expired. */
int relm_session_check(struct relm *r, const char *token, relm_session_t *out, relm_error_t *err);
/* End a session (logout). Ending an unknown session is not an error. */
int relm_session_end(struct relm *r, const char *token, relm_error_t *err);

/*
 * Create an API token for user_name that expires after RELM_TOKEN_DAYS; token_out receives
 * the secret (shown once: only its hash is kept), *id its number (id may be NULL).
 */
int relm_token_create(struct relm *r, const char *user_name, const char *description,
                      char token_out[RELM_TOKEN_SZ], int64_t *id, relm_error_t *err);
/* The same with its lifetime in days (0: never expires); validation past 3650 days. */
int relm_token_create_expiring(struct relm *r, const char *user_name, const char *description,
                               int days, char token_out[RELM_TOKEN_SZ], int64_t *id,
                               relm_error_t *err);
/*
 * The user of a bearer token; auth when unknown, revoked, expired or the user is disabled.
 * Records the use in last_used_at at most every RELM_TOKEN_USE_STAMP_SECONDS, without
 * waiting for the write lock and without failing when it cannot.
 */
int relm_token_check(struct relm *r, const char *token, relm_user_t *out, relm_error_t *err);
int relm_token_revoke(struct relm *r, int64_t id, relm_error_t *err);

#endif
