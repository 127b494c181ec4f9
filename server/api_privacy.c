/*
 * A person's data over HTTP (admins only, reading included: the export is the whole of what
 * relm holds about a person):
 *
 *   GET  /api/contacts/{no}/export   everything relm holds about the contact (docs/privacy.md)
 *   POST /api/contacts/{no}/erase    anonymise the contact -> the erasure record
 */
#include "http.h"

static int export_data(req_t *q)
{
    int rc = req_may(q, RELM_AREA_PRIVACY, 0);
    if (rc)
        return rc;
    json_t *doc = NULL;
    rc = relm_contact_export_data(q->r, req_param(q, "no"), &doc, &q->err);
    if (rc == 0)
        q->out = doc;
    return rc;
}

static int erase(req_t *q)
{
    int rc = req_may(q, RELM_AREA_PRIVACY, 1);
    if (rc)
        return rc;
    relm_erasure_t e;
    rc = relm_contact_erase(q->r, req_param(q, "no"), &e, &q->err);
    if (rc == 0)
        q->out = relm_record_json(&relm_erasure_entity, &e);
    return rc;
}

void api_privacy_routes(void)
{
    router_add("GET", "/api/contacts/{no}/export", export_data, NULL);
    router_add("POST", "/api/contacts/{no}/erase", erase, NULL);
}
