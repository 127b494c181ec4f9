/*
 * Authentication: bearer API tokens for scripts, session cookies for browsers, and the
 * login / logout / me routes. The checks themselves (password hashes, token hashes,
 * throttling, roles) are the library's; this file only moves tokens between HTTP
 * headers and library calls.
 *
 * The session cookie is HttpOnly (scripts cannot read it) and SameSite=Strict (other
 * sites cannot send it); the CSRF token travels in the login reply and in GET /api/me and
 * must come back in X-CSRF-Token on every state-changing request (checked in http.c).
 *
 * Administrators manage the accounts here too (thin shells over lib/user.c): users are
 * listed, added, changed (role, full name, salesperson, disabled) and given a new password;
 * API tokens are listed, created (the secret is in the reply only) and revoked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

#define COOKIE "relm_session"

int auth_request(req_t *q)
{
    const char *h =
        MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (h) {
        if (strncasecmp(h, "Bearer ", 7) != 0)
            return req_fail(q, RELM_EAUTH, "the Authorization header must be \"Bearer TOKEN\"");
        return relm_token_check(q->r, h + 7, &q->user, &q->err);
    }
    const char *c = MHD_lookup_connection_value(q->conn, MHD_COOKIE_KIND, COOKIE);
    if (!c)
        return req_fail(q, RELM_EAUTH, "sign in first (session cookie or bearer token)");
    relm_session_t s;
    int rc = relm_session_check(q->r, c, &s, &q->err);
    if (rc)
        return rc;
    q->user = s.user;
    q->via_session = 1;
    snprintf(q->session_token, sizeof(q->session_token), "%s", s.token);
    snprintf(q->csrf_token, sizeof(q->csrf_token), "%s", s.csrf_token);
    return 0;
}

static json_t *me_json(const relm_user_t *u, const char *csrf)
{
    json_t *j = relm_record_json(&relm_user_entity, u);
    json_object_set_new(j, "csrf_token", csrf && *csrf ? json_string(csrf) : json_null());
    return j;
}

/*
 * Login takes only a JSON body: a form on another site can send text/plain or
 * form-encoded bodies without asking, but not application/json, so a page elsewhere cannot
 * sign a browser in under an account of its choosing (login CSRF).
 */
static int json_content(req_t *q)
{
    const char *ct =
        MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    size_t n = strlen("application/json");
    while (ct && (*ct == ' ' || *ct == '\t'))
        ct++;
    return ct && strncasecmp(ct, "application/json", n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static int login(req_t *q)
{
    if (!json_content(q))
        return req_fail(q, HTTP_EBADREQUEST,
                        "login needs a JSON body sent as Content-Type: application/json");
    const char *name = q->body ? req_body_str(q, "name") : NULL;
    const char *password = q->body ? req_body_str(q, "password") : NULL;
    if (!name || !password)
        return req_fail(q, HTTP_EBADREQUEST, "login needs {\"name\": ..., \"password\": ...}");
    relm_session_t s;
    int rc = relm_user_login(q->r, name, password, q->address, &s, &q->retry_after, &q->err);
    if (rc)
        return rc;
    /* Secure when the client came over TLS (a trusted proxy said https). */
    snprintf(q->set_cookie, sizeof(q->set_cookie),
             COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", s.token,
             RELM_SESSION_SECONDS, q->https ? "; Secure" : "");
    q->out = me_json(&s.user, s.csrf_token);
    return 0;
}

static int logout(req_t *q)
{
    int rc = relm_session_end(q->r, q->session_token, &q->err);
    if (rc)
        return rc;
    snprintf(q->set_cookie, sizeof(q->set_cookie),
             COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             q->https ? "; Secure" : "");
    q->status = MHD_HTTP_NO_CONTENT;
    return 0;
}

static int me(req_t *q)
{
    q->out = me_json(&q->user, q->via_session ? q->csrf_token : NULL);
    return 0;
}

static int users_list(req_t *q)
{
    int rc = req_may(q, RELM_AREA_USERS, 0);
    if (rc)
        return rc;
    api_collect_t c = {.e = &relm_user_entity};
    rc = relm_list(q->r, &relm_user_entity, NULL, 0, 0, api_collect, &c, &q->err);
    return api_reply_items(q, &c, rc);
}

/* The user's fields of the body (not its password) into u / *given. */
static int user_body(req_t *q, relm_user_t *u, relm_mask_t *given)
{
    relm_record_init(&relm_user_entity, u);
    *given = 0;
    if (!q->body)
        return req_fail(q, HTTP_EBADREQUEST, "send the user's fields as a JSON object");
    json_t *fields = json_copy(q->body);
    if (!fields)
        return req_fail(q, RELM_ENOMEM, "out of memory");
    json_object_del(fields, "password");
    int rc = relm_record_from_json(&relm_user_entity, u, given, fields, &q->err);
    json_decref(fields);
    return rc;
}

static int reply_user(req_t *q, const char *name)
{
    relm_user_t u;
    int rc = relm_user_get(q->r, name, &u, &q->err);
    if (rc == 0)
        q->out = relm_record_json(&relm_user_entity, &u);
    return rc;
}

static int user_add(req_t *q)
{
    relm_user_t u;
    relm_mask_t given;
    int rc = req_may(q, RELM_AREA_USERS, 1);
    if (rc || (rc = user_body(q, &u, &given)))
        return rc;
    const char *password = req_body_str(q, "password");
    if ((rc = relm_user_add(q->r, &u, password ? password : "", &q->err)))
        return rc;
    snprintf(q->location, sizeof(q->location), "/api/users/%s", u.name);
    q->status = MHD_HTTP_CREATED;
    return reply_user(q, u.name);
}

static int user_get(req_t *q)
{
    int rc = req_may(q, RELM_AREA_USERS, 0);
    return rc ? rc : reply_user(q, req_param(q, "name"));
}

static int user_update(req_t *q)
{
    relm_user_t u;
    relm_mask_t given;
    int rc = req_may(q, RELM_AREA_USERS, 1);
    if (rc || (rc = user_body(q, &u, &given)))
        return rc;
    if (json_object_get(q->body, "password"))
        return req_fail(q, HTTP_EBADREQUEST,
                        "a password is set with POST /api/users/{name}/password");
    if ((rc = relm_record_check_key(&relm_user_entity, &u, given, req_param(q, "name"), &q->err)) ||
        (rc = relm_user_update(q->r, req_param(q, "name"), &u, given, &q->err)))
        return rc;
    return reply_user(q, req_param(q, "name"));
}

/* A new password: the user's sessions end and their API tokens are revoked (library). */
static int user_password(req_t *q)
{
    int rc = req_may(q, RELM_AREA_USERS, 1);
    if (rc)
        return rc;
    const char *password = q->body ? req_body_str(q, "password") : NULL;
    if (!password)
        return req_fail(q, HTTP_EBADREQUEST, "send {\"password\": ...}");
    if ((rc = relm_user_set_password(q->r, req_param(q, "name"), password, &q->err)))
        return rc;
    return reply_user(q, req_param(q, "name"));
}

static int tokens_list(req_t *q)
{
    int rc = req_may(q, RELM_AREA_USERS, 0);
    if (rc)
        return rc;
    api_collect_t c = {.e = &relm_api_token_entity};
    rc = relm_list(q->r, &relm_api_token_entity, NULL, 0, 0, api_collect, &c, &q->err);
    return api_reply_items(q, &c, rc);
}

/* The secret is in this reply only: the database keeps its hash. */
static int token_create(req_t *q)
{
    int rc = req_may(q, RELM_AREA_USERS, 1);
    if (rc)
        return rc;
    const char *user = q->body ? req_body_str(q, "user_name") : NULL;
    const char *description = q->body ? req_body_str(q, "description") : NULL;
    const char *days_text = q->body ? req_body_str(q, "expires_in_days") : NULL;
    if (!user)
        return req_fail(q, HTTP_EBADREQUEST,
                        "send {\"user_name\": ..., \"description\": ..., \"expires_in_days\": N}");
    int64_t days = RELM_TOKEN_DAYS;
    if (days_text) {
        char *end = NULL;
        long long d = strtoll(days_text, &end, 10);
        if (!*days_text || *end || d < 0 || d > RELM_TOKEN_MAX_DAYS)
            return req_fail(q, RELM_EVALIDATION,
                            "API token expires_in_days must be a whole number from 0 to %d",
                            RELM_TOKEN_MAX_DAYS);
        days = d;
    }
    char token[RELM_TOKEN_SZ];
    int64_t id = 0;
    if ((rc = relm_token_create_expiring(q->r, user, description ? description : "", (int)days,
                                         token, &id, &q->err)))
        return rc;
    q->out = json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)id, "user_name", user, "description",
                       description ? description : "", "token", token);
    memset(token, 0, sizeof(token));
    snprintf(q->location, sizeof(q->location), "/api/tokens/%lld", (long long)id);
    q->status = MHD_HTTP_CREATED;
    return 0;
}

static int token_revoke(req_t *q)
{
    int64_t id;
    int rc = req_may(q, RELM_AREA_USERS, 1);
    if (rc || (rc = relm_parse_positive(req_param(q, "id"), "token id", &id, &q->err)) ||
        (rc = relm_token_revoke(q->r, id, &q->err)))
        return rc;
    q->status = MHD_HTTP_NO_CONTENT;
    return 0;
}

void api_auth_routes(void)
{
    router_add_public("POST", "/api/login", login);
    router_add("POST", "/api/logout", logout, NULL);
    router_add("GET", "/api/me", me, NULL);
    router_add("GET", "/api/users", users_list, NULL);
    router_add("POST", "/api/users", user_add, NULL);
    router_add("GET", "/api/users/{name}", user_get, NULL);
    router_add("PATCH", "/api/users/{name}", user_update, NULL);
    router_add("POST", "/api/users/{name}/password", user_password, NULL);
    router_add("GET", "/api/tokens", tokens_list, NULL);
    router_add("POST", "/api/tokens", token_create, NULL);
    router_add("DELETE", "/api/tokens/{id}", token_revoke, NULL);
}
