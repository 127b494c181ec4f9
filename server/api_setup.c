/*
 * Marketing setup, number series lines and "next number", and the parts of templates
 * that are not plain fields (language variants and attachment bodies).
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"

static int setup_get(req_t *q)
{
    relm_setup_t s;
    int rc = req_may(q, RELM_AREA_SETUP, 0);
    if (rc == 0)
        rc = relm_setup_get(q->r, &s, &q->err);
    if (rc == 0)
        q->out = relm_record_json(&relm_setup_entity, &s);
    return rc;
}

static int setup_update(req_t *q)
{
    relm_setup_t s;
    relm_mask_t given = 0;
    int rc = req_may(q, RELM_AREA_SETUP, 1);
    if (rc)
        return rc;
    if ((rc = req_body_record(q, &relm_setup_entity, &s, &given, NULL)) ||
        (rc = relm_setup_update(q->r, &s, given, &q->err)))
        return rc;
    return setup_get(q);
}

static int lines_list(req_t *q)
{
    int rc = req_may(q, RELM_AREA_NUMSERIES, 0);
    if (rc)
        return rc;
    api_collect_t c = {.e = &relm_no_series_line_entity};
    rc = relm_numseries_lines(q->r, req_param(q, "code"), api_collect, &c, &q->err);
    return api_reply_items(q, &c, rc);
}

static int line_add(req_t *q)
{
    const relm_entity_t *e = &relm_no_series_line_entity;
    relm_no_series_line_t l;
    int rc = req_may(q, RELM_AREA_NUMSERIES, 1);
    if (rc)
        return rc;
    relm_record_init(e, &l);
    if (q->body && json_object_get(q->body, "series_code"))
        return req_fail(q, HTTP_EBADREQUEST, "the series code comes from the path");
    if ((q->body && (rc = relm_record_from_json(e, &l, NULL, q->body, &q->err))) ||
        (rc = relm_record_set(e, &l, NULL, "series_code", req_param(q, "code"), &q->err)) ||
        (rc = relm_numseries_line_add(q->r, &l, &q->err)))
        return rc;
    q->out = relm_record_json(e, &l);
    q->status = MHD_HTTP_CREATED;
    return 0;
}

static int line_update(req_t *q)
{
    const relm_entity_t *e = &relm_no_series_line_entity;
    relm_no_series_line_t l;
    relm_mask_t given = 0;
    int64_t line_no;
    int rc = req_may(q, RELM_AREA_NUMSERIES, 1);
    if (rc || (rc = req_param_no(q, "line_no", "line no.", &line_no)) ||
        (rc = req_body_record(q, e, &l, &given, NULL)) ||
        (rc = relm_numseries_line_update(q->r, req_param(q, "code"), line_no, &l, given, &q->err)))
        return rc;
    return lines_list(q);
}

static int line_delete(req_t *q)
{
    int64_t line_no;
    int rc = req_may(q, RELM_AREA_NUMSERIES, 1);
    if (rc || (rc = req_param_no(q, "line_no", "line no.", &line_no)) ||
        (rc = relm_numseries_line_delete(q->r, req_param(q, "code"), line_no, &q->err)))
        return rc;
    q->status = MHD_HTTP_NO_CONTENT;
    return 0;
}

static int series_next(req_t *q)
{
    char no[RELM_CODE20_SZ];
    int rc = req_may(q, RELM_AREA_NUMSERIES, 1);
    if (rc || (rc = relm_numseries_next(q->r, req_param(q, "code"), req_body_str(q, "date"), no,
                                        &q->err)))
        return rc;
    q->out = json_pack("{s:s,s:o}", "no", no, "warning",
                       q->err.warning[0] ? json_string(q->err.warning) : json_null());
    return 0;
}

static int languages_list(req_t *q)
{
    int rc = req_may(q, RELM_AREA_TEMPLATES, 0);
    if (rc)
        return rc;
    api_collect_t c = {.e = &relm_template_language_entity};
    rc = relm_template_languages(q->r, req_param(q, "code"), api_collect, &c, &q->err);
    return api_reply_items(q, &c, rc);
}

static int language_set(req_t *q)
{
    const relm_entity_t *e = &relm_template_language_entity;
    relm_template_language_t v;
    relm_mask_t given = 0;
    int rc = req_may(q, RELM_AREA_TEMPLATES, 1);
    if (rc)
        return rc;
    relm_record_init(e, &v);
    const char *attachment = req_body_str(q, "attachment");
    const char *description = req_body_str(q, "description");
    if ((rc = relm_record_set(e, &v, &given, "template_code", req_param(q, "code"), &q->err)) ||
        (rc = relm_record_set(e, &v, &given, "language_code", req_param(q, "language"), &q->err)) ||
        (description &&
         (rc = relm_record_set(e, &v, &given, "description", description, &q->err))) ||
        (rc = relm_template_language_put(q->r, &v, given, attachment, &q->err)))
        return rc;
    return languages_list(q);
}

static int language_delete(req_t *q)
{
    int rc = req_may(q, RELM_AREA_TEMPLATES, 1);
    if (rc || (rc = relm_template_language_delete(q->r, req_param(q, "code"),
                                                  req_param(q, "language"), &q->err)))
        return rc;
    q->status = MHD_HTTP_NO_CONTENT;
    return 0;
}

static int attachment_get(req_t *q)
{
    char *body = NULL;
    const char *lang = req_query(q, "language");
    int rc = req_may(q, RELM_AREA_TEMPLATES, 0);
    if (rc || (rc = relm_template_attachment_get(q->r, req_param(q, "code"), lang, &body, &q->err)))
        return rc;
    q->out = json_pack("{s:s,s:s}", "language", lang ? lang : "", "body", body ? body : "");
    free(body);
    return 0;
}

static int attachment_set(req_t *q)
{
    const char *body = req_body_str(q, "body");
    const char *lang = req_body_str(q, "language");
    int rc = req_may(q, RELM_AREA_TEMPLATES, 1);
    if (rc)
        return rc;
    if (!body)
        return req_fail(q, HTTP_EBADREQUEST, "send {\"body\": TEXT, \"language\": CODE}");
    if ((rc = relm_template_attachment_set(q->r, req_param(q, "code"), lang, body, &q->err)))
        return rc;
    q->out = json_pack("{s:s,s:s}", "language", lang ? lang : "", "body", body);
    return 0;
}

/*
 * POST /api/templates/{code}/preview {"contact_no", "language"?, "body"?}: the body (or the
 * saved body of the language variant) merged for the contact. Writes nothing.
 */
static int merge_preview(req_t *q)
{
    int rc = req_may(q, RELM_AREA_TEMPLATES, 0);
    if (rc || (rc = req_may(q, RELM_AREA_CONTACTS, 0)))
        return rc;
    if (!q->body)
        return req_fail(q, HTTP_EBADREQUEST,
                        "send {\"contact_no\": NO, \"language\": CODE, \"body\": TEXT}");
    const char *contact = req_body_str(q, "contact_no");
    const char *lang = req_body_str(q, "language");
    const char *body = req_body_str(q, "body");
    char *merged = NULL;
    int html = 0;
    if ((rc = relm_template_merge_preview(q->r, req_param(q, "code"), lang, body, contact, &merged,
                                          &html, &q->err)))
        return rc;
    q->out = json_pack("{s:s,s:s,s:s,s:b}", "contact_no", contact ? contact : "", "language",
                       lang ? lang : "", "body", merged, "html", html);
    free(merged);
    return 0;
}

void api_setup_routes(void)
{
    router_add("GET", "/api/setup", setup_get, NULL);
    router_add("PATCH", "/api/setup", setup_update, NULL);
    router_add("GET", "/api/number-series/{code}/lines", lines_list, NULL);
    router_add("POST", "/api/number-series/{code}/lines", line_add, NULL);
    router_add("PATCH", "/api/number-series/{code}/lines/{line_no}", line_update, NULL);
    router_add("DELETE", "/api/number-series/{code}/lines/{line_no}", line_delete, NULL);
    router_add("POST", "/api/number-series/{code}/next", series_next, NULL);
    router_add("GET", "/api/templates/{code}/languages", languages_list, NULL);
    router_add("PUT", "/api/templates/{code}/languages/{language}", language_set, NULL);
    router_add("DELETE", "/api/templates/{code}/languages/{language}", language_delete, NULL);
    router_add("GET", "/api/templates/{code}/attachment", attachment_get, NULL);
    router_add("PUT", "/api/templates/{code}/attachment", attachment_set, NULL);
    router_add("POST", "/api/templates/{code}/preview", merge_preview, NULL);
}
