/*
 * libFuzzer target: the --where parser (relm_filter_parse), which the CLI, the API's
 * ?where= and saved segment criteria all use. The first byte picks the entity; the rest
 * is the text. A parsed filter must name a real field, a known operator and a value that
 * fits; anything else must be refused with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relm/campaign.h"
#include "relm/contact.h"
#include "relm/interaction.h"
#include "relm/salesperson.h"
#include "relm/segment.h"
#include "relm/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const relm_entity_t *const entities[] = {
    &relm_contact_entity,  &relm_salesperson_entity, &relm_interaction_entity,
    &relm_template_entity, &relm_campaign_entity,    &relm_segment_line_entity,
};

static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">=", "~", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const relm_entity_t *e = entities[data[0] % (sizeof(entities) / sizeof(entities[0]))];
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    relm_filter_t f;
    relm_error_t err = {0};
    memset(&f, 0xa5, sizeof(f));
    if (relm_filter_parse(e, text, &f, &err) == 0) {
        if (f.field < 0 || f.field >= e->nfields)
            abort();
        int known = 0;
        for (int i = 0; ops[i]; i++)
            known |= memchr(f.op, '\0', sizeof(f.op)) && strcmp(f.op, ops[i]) == 0;
        if (!known || !memchr(f.value, '\0', sizeof(f.value)))
            abort();
    } else if (!err.message[0]) {
        abort();
    }
    free(text);
    return 0;
}
