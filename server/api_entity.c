/*
 * Records over HTTP, generically: one table of resources (contacts, salespersons, groups,
 * templates, campaigns, number series, segments), each a relm_entity_t with its add / get /
 * update / remove operations, and five handlers that mirror the CLI's generic verbs. A
 * resource declares only what it does its own way (a delete or update with options, a
 * search, a list with computed fields):
 *
 *   GET    /api/RES               list: ?where=FIELD<op>VALUE (repeatable), ?limit, ?after;
 *                                 contacts also ?q=TEXT (no., name, e-mail or city contains)
 *   POST   /api/RES               add (JSON object of fields) -> 201 and the record
 *   GET    /api/RES/{key}         one record (with "statistics" where the entity has them)
 *   PATCH  /api/RES/{key}         change the given fields -> the record
 *   DELETE /api/RES/{key}         delete -> 204 (contacts: ?with_persons=true deletes a
 *                                 company's persons with it)
 *   GET    /api/RES/{key}/statistics
 *
 * Lists page by key: a page holds up to ?limit records in key order and next_cursor is
 * the last key (pass it back as ?after), or null on the last page.
 *
 * Segments: PATCH also takes "apply_to_all_lines" (true: the changed fields go to every
 * line too); their list (with the computed no_of_lines and no_of_criteria_actions) takes
 * ?where like every other.
 *
 * Entries (campaign entries, logged segments) are records keyed by an entry no. that are
 * shown, canceled and deleted alike, through a second table:
 *
 *   GET    /api/RES/{entry_no}          the entry
 *   POST   /api/RES/{entry_no}/cancel   cancel it (or undo the cancel) -> the entry
 *   DELETE /api/RES/{entry_no}          delete a canceled one -> {"deleted": ENTRY, COUNT: N}
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"

typedef struct resource {
    const char *path;
    const relm_entity_t *e;
    const char *key;
    relm_area_t area;
    int (*remove)(req_t *q, const char *key); /* a delete with options, or NULL */
    /* An update with options (body members named in options, not fields), or NULL. */
    int (*update)(req_t *q, const char *key, const void *changes, relm_mask_t given);
    const char *const *options;
    /* ?q=TEXT: a search over several fields (contacts), or NULL */
    int (*search)(relm_t *r, const char *text, const relm_filter_t *filters, int nfilters,
                  long limit, relm_row_fn fn, void *ctx, relm_error_t *err);
    /* A list of the entity's own (computed fields), or NULL: relm_list. Same filters. */
    int (*list)(relm_t *r, const relm_filter_t *filters, int nfilters, long limit, relm_row_fn fn,
                void *ctx, relm_error_t *err);
} resource_t;

/* DELETE /api/contacts/{no}?with_persons=true|false */
static int contact_remove(req_t *q, const char *key)
{
    const char *v = req_query(q, "with_persons");
    unsigned flags = 0;
    if (v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0))
        flags = RELM_CONTACT_WITH_PERSONS;
    else if (v && strcmp(v, "false") != 0 && strcmp(v, "0") != 0)
        return req_fail(q, HTTP_EBADREQUEST, "with_persons takes true or false, not \"%s\"", v);
    return relm_contact_delete_with(q->r, key, flags, &q->err);
}

/* PATCH /api/segments/{no} {"apply_to_all_lines": true, ...fields} */
static const char *const segment_options[] = {"apply_to_all_lines", NULL};

static int segment_update(req_t *q, const char *key, const void *changes, relm_mask_t given)
{
    int all = 0;
    int rc = req_body_bool(q, "apply_to_all_lines", &all);
    return rc ? rc : relm_segment_update(q->r, key, changes, given, all, &q->err);
}

static const resource_t resources[] = {
    {.path = "contacts",
     .e = &relm_contact_entity,
     .key = "no",
     .area = RELM_AREA_CONTACTS,
     .remove = contact_remove,
     .search = relm_contact_search},
    {.path = "salespersons",
     .e = &relm_salesperson_entity,
     .key = "code",
     .area = RELM_AREA_SALESPERSONS},
    {.path = "groups", .e = &relm_group_entity, .key = "code", .area = RELM_AREA_GROUPS},
    {.path = "templates", .e = &relm_template_entity, .key = "code", .area = RELM_AREA_TEMPLATES},
    {.path = "campaigns", .e = &relm_campaign_entity, .key = "no", .area = RELM_AREA_CAMPAIGNS},
    {.path = "number-series",
     .e = &relm_no_series_entity,
     .key = "code",
     .area = RELM_AREA_NUMSERIES},
    {.path = "segments",
     .e = &relm_segment_entity,
     .key = "no",
     .area = RELM_AREA_SEGMENTS,
     .update = segment_update,
     .options = segment_options,
     .list = relm_segment_list},
};

static const resource_t *res_of(const req_t *q)
{
    return q->route->data;
}

/* Key field index of a single-key entity (-1 when it has none or several). */
static int key_index(const relm_entity_t *e)
{
    int k = -1;
    for (int i = 0; i < e->nfields; i++)
        if (e->fields[i].flags & RELM_FF_KEY) {
            if (k >= 0)
                return -1;
            k = i;
        }
    return k;
}

/* Filters from ?where=... (repeatable) and ?after=CURSOR; returns the count or < 0. */
typedef struct where_ctx {
    const relm_entity_t *e;
    relm_filter_t *f;
    int n, max, rc;
    relm_error_t *err;
} where_ctx_t;

static enum MHD_Result where_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    where_ctx_t *w = cls;
    if (strcmp(key, "where") != 0 || w->rc)
        return MHD_YES;
    if (w->n >= w->max) {
        w->rc = relm_error_set(w->err, HTTP_EBADREQUEST, "at most %d where filters", w->max);
        return MHD_NO;
    }
    w->rc = relm_filter_parse(w->e, value ? value : "", &w->f[w->n], w->err);
    if (w->rc == 0)
        w->n++;
    return w->rc ? MHD_NO : MHD_YES;
}

static int list_page(req_t *q, const relm_entity_t *e, relm_filter_t *extra, int nextra,
                     const resource_t *res)
{
    relm_filter_t filters[24];
    where_ctx_t w = {e, filters, 0, 16, 0, &q->err};
    int k = key_index(e);
    page_t p;
    int rc = page_begin(q, &p, e, k);
    if (rc)
        return rc;
    MHD_get_connection_values(q->conn, MHD_GET_ARGUMENT_KIND, where_arg, &w);
    if (w.rc)
        return page_end(q, &p, w.rc);
    for (int i = 0; i < nextra && w.n < 23; i++)
        filters[w.n++] = extra[i];
    const char *after = req_query(q, "after");
    if (after && *after) {
        if (k < 0)
            return page_end(
                q, &p, req_fail(q, HTTP_EBADREQUEST, "%s lists do not page with after", e->name));
        relm_filter_t *f = &filters[w.n++];
        memset(f, 0, sizeof(*f));
        f->field = k;
        strcpy(f->op, ">");
        snprintf(f->value, sizeof(f->value), "%s", after);
    }
    const char *text = res && res->search ? req_query(q, "q") : NULL;
    if (text)
        rc = res->search(q->r, text, filters, w.n, p.limit + 1, page_row, &p, &q->err);
    else if (res && res->list)
        rc = res->list(q->r, filters, w.n, p.limit + 1, page_row, &p, &q->err);
    else
        rc = relm_list(q->r, e, filters, w.n, p.limit + 1, page_row, &p, &q->err);
    return page_end(q, &p, rc);
}

int api_list_page(req_t *q, const relm_entity_t *e, relm_filter_t *extra, int nextra)
{
    return list_page(q, e, extra, nextra, NULL);
}

static int do_list(req_t *q)
{
    const resource_t *res = res_of(q);
    int rc = req_may(q, res->area, 0);
    return rc ? rc : list_page(q, res->e, NULL, 0, res);
}

/* The record of key with its statistics, as the reply. */
static int reply_record(req_t *q, const resource_t *res, const char *key)
{
    void *rec = malloc(res->e->size);
    void *st = res->e->stats ? calloc(1, res->e->stats_entity->size) : NULL;
    int rc = !rec || (res->e->stats && !st) ? req_fail(q, RELM_ENOMEM, "out of memory") : 0;
    if (rc == 0)
        rc = res->e->get(q->r, key, rec, &q->err);
    if (rc == 0 && res->e->stats)
        rc = res->e->stats(q->r, key, st, &q->err);
    if (rc == 0) {
        q->out = relm_record_json(res->e, rec);
        if (res->e->stats)
            json_object_set_new(q->out, "statistics", relm_record_json(res->e->stats_entity, st));
        if (q->err.warning[0])
            json_object_set_new(q->out, "warning", json_string(q->err.warning));
    }
    free(rec);
    free(st);
    return rc;
}

static int do_get(req_t *q)
{
    const resource_t *res = res_of(q);
    int rc = req_may(q, res->area, 0);
    return rc ? rc : reply_record(q, res, req_param(q, res->key));
}

static int do_stats(req_t *q)
{
    const resource_t *res = res_of(q);
    int rc = req_may(q, res->area, 0);
    if (rc)
        return rc;
    void *st = calloc(1, res->e->stats_entity->size);
    if (!st)
        return req_fail(q, RELM_ENOMEM, "out of memory");
    rc = res->e->stats(q->r, req_param(q, res->key), st, &q->err);
    if (rc == 0)
        q->out = relm_record_json(res->e->stats_entity, st);
    if (rc == 0 && q->err.warning[0])
        json_object_set_new(q->out, "warning", json_string(q->err.warning));
    free(st);
    return rc;
}

static int do_add(req_t *q)
{
    const resource_t *res = res_of(q);
    int rc = req_may(q, res->area, 1);
    if (rc)
        return rc;
    void *rec = malloc(res->e->size);
    if (!rec)
        return req_fail(q, RELM_ENOMEM, "out of memory");
    relm_mask_t given = 0;
    rc = req_body_record(q, res->e, rec, &given, NULL);
    if (rc == 0)
        rc = res->e->add(q->r, rec, given, &q->err);
    if (rc == 0) {
        char key[128];
        relm_record_format(res->e, rec, key_index(res->e), key, sizeof(key));
        snprintf(q->location, sizeof(q->location), "/api/%s/%s", res->path, key);
        q->out = relm_record_json(res->e, rec);
        if (q->err.warning[0])
            json_object_set_new(q->out, "warning", json_string(q->err.warning));
        q->status = MHD_HTTP_CREATED;
    }
    free(rec);
    return rc;
}

static int do_update(req_t *q)
{
    const resource_t *res = res_of(q);
    int rc = req_may(q, res->area, 1);
    if (rc)
        return rc;
    const char *key = req_param(q, res->key);
    void *rec = malloc(res->e->size);
    if (!rec)
        return req_fail(q, RELM_ENOMEM, "out of memory");
    relm_mask_t given = 0;
    rc = req_body_record(q, res->e, rec, &given, res->options);
    if (rc == 0)
        rc = relm_record_check_key(res->e, rec, given, key, &q->err);
    if (rc == 0)
        rc = res->update ? res->update(q, key, rec, given)
                         : res->e->update(q->r, key, rec, given, &q->err);
    free(rec);
    return rc ? rc : reply_record(q, res, key);
}

static int do_delete(req_t *q)
{
    const resource_t *res = res_of(q);
    int rc = req_may(q, res->area, 1);
    if (rc == 0)
        rc = res->remove ? res->remove(q, req_param(q, res->key))
                         : res->e->remove(q->r, req_param(q, res->key), &q->err);
    if (rc == 0)
        q->status = MHD_HTTP_NO_CONTENT;
    return rc;
}

/* ---- entries ---- */

typedef struct entry_kind {
    const char *path;
    const relm_entity_t *e;
    relm_area_t area;
    int (*get)(relm_t *r, int64_t entry_no, void *out, relm_error_t *err);
    int (*cancel)(relm_t *r, int64_t entry_no, relm_error_t *err);
    /* delete; *n: what the reply reports under `counted` */
    int (*remove)(relm_t *r, int64_t entry_no, int64_t *n, relm_error_t *err);
    const char *counted;
} entry_kind_t;

static int campaign_entry_get(relm_t *r, int64_t entry_no, void *out, relm_error_t *err)
{
    return relm_campaign_entry_get(r, entry_no, out, err);
}

static int logged_segment_get(relm_t *r, int64_t entry_no, void *out, relm_error_t *err)
{
    return relm_logged_segment_get(r, entry_no, out, err);
}

static const entry_kind_t entry_kinds[] = {
    {"campaign-entries", &relm_campaign_entry_entity, RELM_AREA_CAMPAIGNS, campaign_entry_get,
     relm_campaign_entry_cancel, relm_campaign_entry_delete, "interactions_deleted"},
    {"logged-segments", &relm_logged_segment_entity, RELM_AREA_SEGMENTS, logged_segment_get,
     relm_logged_segment_cancel, relm_logged_segment_delete, "entries_kept"},
};

/* The kind of the route, the signed-in user's right to it, and the path's entry no. */
static int entry_begin(req_t *q, int write, const entry_kind_t **k, int64_t *no)
{
    *k = q->route->data;
    int rc = req_may(q, (*k)->area, write);
    return rc ? rc : req_param_no(q, "entry_no", "entry no.", no);
}

static int reply_entry(req_t *q, const entry_kind_t *k, int64_t no)
{
    void *rec = malloc(k->e->size);
    if (!rec)
        return req_fail(q, RELM_ENOMEM, "out of memory");
    int rc = k->get(q->r, no, rec, &q->err);
    if (rc == 0)
        q->out = relm_record_json(k->e, rec);
    free(rec);
    return rc;
}

static int entry_get(req_t *q)
{
    const entry_kind_t *k;
    int64_t no;
    int rc = entry_begin(q, 0, &k, &no);
    return rc ? rc : reply_entry(q, k, no);
}

static int entry_cancel(req_t *q)
{
    const entry_kind_t *k;
    int64_t no;
    int rc = entry_begin(q, 1, &k, &no);
    if (rc || (rc = k->cancel(q->r, no, &q->err)))
        return rc;
    return reply_entry(q, k, no);
}

static int entry_delete(req_t *q)
{
    const entry_kind_t *k;
    int64_t no, n = 0;
    int rc = entry_begin(q, 1, &k, &no);
    if (rc || (rc = k->remove(q->r, no, &n, &q->err)))
        return rc;
    q->out = json_pack("{s:I,s:I}", "deleted", (json_int_t)no, k->counted, (json_int_t)n);
    return 0;
}

void api_entity_routes(void)
{
    char coll[96], one[128], stats[160];
    for (size_t i = 0; i < sizeof(resources) / sizeof(resources[0]); i++) {
        const resource_t *r = &resources[i];
        snprintf(coll, sizeof(coll), "/api/%s", r->path);
        snprintf(one, sizeof(one), "/api/%s/{%s}", r->path, r->key);
        snprintf(stats, sizeof(stats), "%s/statistics", one);
        router_add("GET", coll, do_list, r);
        if (r->e->add)
            router_add("POST", coll, do_add, r);
        if (r->e->get)
            router_add("GET", one, do_get, r);
        if (r->e->update)
            router_add("PATCH", one, do_update, r);
        if (r->e->remove)
            router_add("DELETE", one, do_delete, r);
        if (r->e->stats)
            router_add("GET", stats, do_stats, r);
    }
    for (size_t i = 0; i < sizeof(entry_kinds) / sizeof(entry_kinds[0]); i++) {
        const entry_kind_t *k = &entry_kinds[i];
        char entry[96], cancel[128];
        snprintf(entry, sizeof(entry), "/api/%s/{entry_no}", k->path);
        snprintf(cancel, sizeof(cancel), "%s/cancel", entry);
        router_add("GET", entry, entry_get, k);
        router_add("POST", cancel, entry_cancel, k);
        router_add("DELETE", entry, entry_delete, k);
    }
}
