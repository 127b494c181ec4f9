/*
 * Authentication: bearer API tokens for scripts, session cookies for browsers, and the
 * login / logout / me routes. The checks themselves (password hashes, token hashes,
 * throttling, roles) are the library's; this file only moves tokens between HTTP
 * headers and library calls.
 *
 * The session cookie is HttpOnly (scripts cannot read it) and SameSite=Strict (other
 * sites cannot send it); the CSRF token travels in the login reply and in GET /api/me and
 * must come back in X-CSRF-Token on every state-changing request (checked in http.c).
 */
#include <stdio.h>
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

void api_auth_routes(void)
{
    router_add_public("POST", "/api/login", login);
    router_add("POST", "/api/logout", logout, NULL);
    router_add("GET", "/api/me", me, NULL);
    router_add("GET", "/api/users", users_list, NULL);
}
