/*
 * The route table: every resource file adds its routes once at start-up (router_init),
 * before the server accepts connections; afterwards the table is only read, so worker
 * threads share it without locks. `relm serve --print-routes` prints it, and a test
 * compares that list with the paths of docs/openapi.yaml.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define MAX_ROUTES HTTP_MAX_ROUTES

static route_t routes[MAX_ROUTES];
static int nroutes;

static void add(const char *method, const char *pattern, handler_fn fn, const void *data,
                int public_route, int own_tx)
{
    if (nroutes >= MAX_ROUTES) {
        fprintf(stderr, "relm: too many routes (raise MAX_ROUTES)\n");
        abort();
    }
    route_t *r = &routes[nroutes++];
    snprintf(r->method, sizeof(r->method), "%s", method);
    snprintf(r->pattern, sizeof(r->pattern), "%s", pattern);
    r->fn = fn;
    r->data = data;
    r->public_route = public_route;
    r->own_tx = own_tx;
}

void router_add(const char *method, const char *pattern, handler_fn fn, const void *data)
{
    add(method, pattern, fn, data, 0, 0);
}

void router_add_public(const char *method, const char *pattern, handler_fn fn)
{
    add(method, pattern, fn, NULL, 1, 0);
}

void router_add_own_tx(const char *method, const char *pattern, handler_fn fn)
{
    add(method, pattern, fn, NULL, 0, 1);
}

void router_init(void)
{
    if (nroutes)
        return;
    api_auth_routes();
    api_entity_routes();
    api_setup_routes();
    api_interaction_routes();
    api_segment_routes();
    api_campaign_routes();
    api_deliver_routes();
    api_privacy_routes();
    api_mail_routes();
    api_ops_routes();
}

static int match(const route_t *r, const char *path, req_t *q);

int router_index(const route_t *r)
{
    return (int)(r - routes);
}

const route_t *router_at(int i)
{
    return i >= 0 && i < nroutes ? &routes[i] : NULL;
}

void router_allowed(const char *path, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < nroutes; i++) {
        if (!match(&routes[i], path, NULL))
            continue;
        int seen = 0; /* a method registered twice (two patterns) is named once */
        for (int j = 0; j < i; j++)
            seen |=
                strcmp(routes[j].method, routes[i].method) == 0 && match(&routes[j], path, NULL);
        if (seen)
            continue;
        int w = snprintf(out + len, n - len, "%s%s%s", len ? ", " : "", routes[i].method,
                         strcmp(routes[i].method, "GET") == 0 ? ", HEAD" : "");
        if (w < 0 || (size_t)w >= n - len)
            break;
        len += (size_t)w;
    }
}

/* Match one pattern against path, capturing {name} segments into q. */
static int match(const route_t *r, const char *path, req_t *q)
{
    const char *p = r->pattern, *u = path;
    int n = 0;
    while (*p && *u) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *ue = strchr(u, '/');
            size_t ul = ue ? (size_t)(ue - u) : strlen(u);
            size_t pl = (size_t)(pe - p - 1);
            if (ul == 0 || ul >= sizeof(q->pvalue[0]) || pl >= sizeof(q->pname[0]) ||
                n >= HTTP_MAX_PARAMS)
                return 0;
            if (q) {
                memcpy(q->pname[n], p + 1, pl);
                q->pname[n][pl] = '\0';
                memcpy(q->pvalue[n], u, ul);
                q->pvalue[n][ul] = '\0';
            }
            n++;
            p = pe + 1;
            u += ul;
            continue;
        }
        if (*p != *u)
            return 0;
        p++, u++;
    }
    if (*p || (*u && strcmp(u, "/") != 0))
        return 0;
    if (q)
        q->nparams = n;
    return 1;
}

/* The method's route with the fewest parameters wins, so "/x/postponed" beats "/x/{no}". */
int router_match(req_t *q, const char *method, const char *path)
{
    int path_found = 0, best = -1, best_params = HTTP_MAX_PARAMS + 1;
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    for (int i = 0; i < nroutes; i++) {
        if (!match(&routes[i], path, NULL))
            continue;
        path_found = 1;
        int np = 0;
        for (const char *c = routes[i].pattern; *c; c++)
            np += *c == '{';
        if (strcmp(routes[i].method, m) == 0 && np < best_params) {
            best = i;
            best_params = np;
        }
    }
    if (best < 0)
        return path_found ? HTTP_EMETHOD : HTTP_ENOROUTE;
    match(&routes[best], path, q);
    q->route = &routes[best];
    return 0;
}

static int cmp_route(const void *a, const void *b)
{
    const route_t *x = a, *y = b;
    int c = strcmp(x->pattern, y->pattern);
    return c ? c : strcmp(x->method, y->method);
}

void router_print(FILE *out)
{
    route_t *sorted = malloc(sizeof(routes[0]) * (size_t)(nroutes ? nroutes : 1));
    if (!sorted)
        return;
    memcpy(sorted, routes, sizeof(routes[0]) * (size_t)nroutes);
    qsort(sorted, (size_t)nroutes, sizeof(sorted[0]), cmp_route);
    for (int i = 0; i < nroutes; i++)
        fprintf(out, "%s %s\n", sorted[i].method, sorted[i].pattern);
    free(sorted);
}
