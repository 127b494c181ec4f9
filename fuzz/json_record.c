/*
 * libFuzzer target: a JSON request body to a record, as every PATCH and POST of the API
 * does (relm_record_from_json), then the record back to JSON. The first byte picks the
 * entity. Anything may be refused; nothing may crash, overflow a field or leak.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relm/campaign.h"
#include "relm/contact.h"
#include "relm/interaction.h"
#include "relm/json.h"
#include "relm/salesperson.h"
#include "relm/segment.h"
#include "relm/setup.h"
#include "relm/template.h"
#include "relm/user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const relm_entity_t *const entities[] = {
    &relm_contact_entity,  &relm_salesperson_entity,  &relm_interaction_entity,
    &relm_template_entity, &relm_campaign_entity,     &relm_campaign_entry_entity,
    &relm_segment_entity,  &relm_setup_entity,        &relm_user_entity,
    &relm_group_entity,    &relm_segment_line_entity,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const relm_entity_t *e = entities[data[0] % (sizeof(entities) / sizeof(entities[0]))];
    json_error_t je;
    json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, &je);
    if (!body)
        return 0;
    void *rec = malloc(e->size);
    if (!rec) {
        json_decref(body);
        return 0;
    }
    relm_record_init(e, rec);
    relm_mask_t given = 0;
    relm_error_t err = {0};
    if (relm_record_from_json(e, rec, &given, body, &err) == 0) {
        json_t *back = relm_record_json(e, rec);
        char *text = back ? json_dumps(back, JSON_COMPACT) : NULL;
        /* Every stored text field is terminated within its member. */
        for (int i = 0; i < e->nfields; i++)
            if (e->fields[i].type <= RELM_FT_ENUM)
                if (!memchr((char *)rec + e->fields[i].offset, '\0', e->fields[i].size))
                    abort();
        free(text);
        json_decref(back);
    } else if (!err.message[0]) {
        abort(); /* a refusal always says why */
    }
    free(rec);
    json_decref(body);
    return 0;
}
