/*
 * libFuzzer target: merging a template body with a contact and a salesperson
 * (relm_template_merge_new). The input is split at NUL bytes: the body, then values for
 * the contact's name, city and e-mail and the salesperson's name. Unknown or broken
 * {{...}} fields must be left as they are; nothing may crash or read past the body.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relm/contact.h"
#include "relm/salesperson.h"
#include "relm/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next NUL-separated piece of the input into out (truncated to fit). */
static const uint8_t *piece(const uint8_t *p, const uint8_t *end, char *out, size_t n)
{
    size_t i = 0;
    while (p < end && *p) {
        if (i + 1 < n)
            out[i++] = (char)*p;
        p++;
    }
    out[i] = '\0';
    return p < end ? p + 1 : p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *end = data + size, *p = data;
    char *body = malloc(size + 1);
    if (!body)
        return 0;
    relm_contact_t c;
    relm_salesperson_t sp;
    relm_record_init(&relm_contact_entity, &c);
    relm_record_init(&relm_salesperson_entity, &sp);
    snprintf(c.no, sizeof(c.no), "CT000001");
    snprintf(sp.code, sizeof(sp.code), "JO");
    p = piece(p, end, body, size + 1);
    p = piece(p, end, c.name, sizeof(c.name));
    p = piece(p, end, c.city, sizeof(c.city));
    p = piece(p, end, c.email, sizeof(c.email));
    piece(p, end, sp.name, sizeof(sp.name));
    char *merged = relm_template_merge_new(body, &c, size % 2 ? &sp : NULL);
    /* Text outside {{ }} is kept: a body without braces comes back unchanged. */
    if (merged && !strchr(body, '{') && strcmp(merged, body) != 0)
        abort();
    free(merged);
    free(body);
    return 0;
}
