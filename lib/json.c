/*
 * Records to and from JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "relm/json.h"

void relm_record_json_into(json_t *obj, const relm_entity_t *e, const void *rec)
{
    char buf[RELM_TEXT250_SZ * 4];
    for (int i = 0; i < e->nfields; i++) {
        const relm_field_t *f = &e->fields[i];
        json_t *v;
        if (f->type == RELM_FT_BOOL)
            v = json_boolean(relm_record_int(e, rec, i));
        else if (f->type == RELM_FT_INT)
            v = json_integer(relm_record_int(e, rec, i));
        else
            v = json_string(relm_record_format(e, rec, i, buf, sizeof(buf)));
        json_object_set_new(obj, f->name, v);
    }
}

json_t *relm_record_json(const relm_entity_t *e, const void *rec)
{
    json_t *obj = json_object();
    if (obj)
        relm_record_json_into(obj, e, rec);
    return obj;
}

/*
 * The shortest decimal text that reads back as d: the number the client wrote, as far as a
 * double can tell ("1.005" stays "1.005" instead of being rounded to "1.00"), so a JSON
 * number meets the same checks as the same digits sent as a string.
 */
static void real_text(double d, char *buf, size_t n)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

int relm_record_from_json(const relm_entity_t *e, void *rec, relm_mask_t *given, const json_t *obj,
                          relm_error_t *err)
{
    const char *key;
    json_t *v;
    if (!json_is_object(obj))
        return relm_error_set(err, RELM_EVALIDATION, "%s: expected a JSON object", e->name);
    json_object_foreach((json_t *)obj, key, v)
    {
        char buf[64];
        const char *text;
        if (json_is_string(v)) {
            text = json_string_value(v);
        } else if (json_is_boolean(v)) {
            text = json_is_true(v) ? "true" : "false";
        } else if (json_is_integer(v)) {
            snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            text = buf;
        } else if (json_is_real(v)) {
            real_text(json_real_value(v), buf, sizeof(buf));
            text = buf;
        } else if (json_is_null(v)) {
            text = "";
        } else {
            return relm_error_set(err, RELM_EVALIDATION,
                                  "%s %s: expected a string, number or "
                                  "boolean",
                                  e->name, key);
        }
        int rc = relm_record_set(e, rec, given, key, text, err);
        if (rc)
            return rc;
    }
    return 0;
}
