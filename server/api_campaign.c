/*
 * Campaign entries over HTTP (the campaigns themselves are generic, in api_entity.c):
 *
 *   GET    /api/campaigns/{no}/entries              the campaign's entries, by entry no.
 *   GET    /api/campaign-entries/{entry_no}         one campaign entry
 *   POST   /api/campaign-entries/{entry_no}/cancel  toggle canceled, with its interactions
 *   DELETE /api/campaign-entries/{entry_no}         a canceled one, with its interactions
 */
#include <stdlib.h>
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

static int reply_entry(req_t *q, int64_t no)
{
    relm_campaign_entry_t ce;
    int rc = relm_campaign_entry_get(q->r, no, &ce, &q->err);
    if (rc == 0)
        q->out = relm_record_json(&relm_campaign_entry_entity, &ce);
    return rc;
}

static int entry_get(req_t *q)
{
    int64_t no;
    int rc = req_may(q, RELM_AREA_CAMPAIGNS, 0);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)))
        return rc;
    return reply_entry(q, no);
}

static int entry_cancel(req_t *q)
{
    int64_t no;
    int rc = req_may(q, RELM_AREA_CAMPAIGNS, 1);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)) ||
        (rc = relm_campaign_entry_cancel(q->r, no, &q->err)))
        return rc;
    return reply_entry(q, no);
}

/* {"deleted": ENTRY, "interactions_deleted": N} */
static int entry_delete(req_t *q)
{
    int64_t no, n = 0;
    int rc = req_may(q, RELM_AREA_CAMPAIGNS, 1);
    if (rc || (rc = req_param_no(q, "entry_no", "entry no.", &no)) ||
        (rc = relm_campaign_entry_delete(q->r, no, &n, &q->err)))
        return rc;
    q->out =
        json_pack("{s:I,s:I}", "deleted", (json_int_t)no, "interactions_deleted", (json_int_t)n);
    return 0;
}

void api_campaign_routes(void)
{
    router_add("GET", "/api/campaigns/{no}/entries", entries_list, NULL);
    router_add("GET", "/api/campaign-entries/{entry_no}", entry_get, NULL);
    router_add("POST", "/api/campaign-entries/{entry_no}/cancel", entry_cancel, NULL);
    router_add("DELETE", "/api/campaign-entries/{entry_no}", entry_delete, NULL);
}
