/*
 * A campaign's entries over HTTP (campaigns and the campaign entries themselves, shown,
 * canceled with their interactions and deleted, are generic, in api_entity.c):
 *
 *   GET    /api/campaigns/{no}/entries              the campaign's entries, by entry no.
 */
#include <string.h>

#include "http.h"

static int entries_list(req_t *q)
{
    relm_campaign_t cmp;
    int rc = req_may(q, RELM_AREA_CAMPAIGNS, 0);
    if (rc || (rc = relm_campaign_get(q->r, req_param(q, "no"), &cmp, &q->err)))
        return rc;
    const relm_entity_t *e = &relm_campaign_entry_entity;
    relm_filter_t f;
    memset(&f, 0, sizeof(f));
    f.field = relm_field_index(e, "campaign_no");
    strcpy(f.op, "=");
    snprintf(f.value, sizeof(f.value), "%s", cmp.no);
    return api_list_page(q, e, &f, 1);
}

void api_campaign_routes(void)
{
    router_add("GET", "/api/campaigns/{no}/entries", entries_list, NULL);
}
