/*
 * Marketing setup: one row (id 1, created by the first migration). Every series code it
 * names must exist, so a later "take a number" can only fail for reasons the user can act
 * on (no numbers left), never for a dangling code.
 */
#include <string.h>

#include "internal.h"

typedef relm_setup_t setup_t;

const char *const relm_correspondence_types[] = {"", "hard_copy", "email", "fax", NULL};
/* Attachment bodies are kept in the database only: "disk" (a path in
 * attachment_storage_path) is refused, since nothing would write them there. A database
 * that holds "disk" from before still reads. */
static const char *const storages[] = {"embedded", NULL};

/* Field indexes of fields[]: each entry below is placed at its index. */
enum {
    MS_CONTACT_NOS,
    MS_SEGMENT_NOS,
    MS_CAMPAIGN_NOS,
    MS_OPPORTUNITY_NOS,
    MS_TASK_NOS,
    MS_DEFAULT_LANGUAGE_CODE,
    MS_DEFAULT_CORRESPONDENCE_TYPE,
    MS_DEFAULT_SALESPERSON_CODE,
    MS_INHERIT_SALESPERSON_CODE,
    MS_INHERIT_ADDRESS_DETAILS,
    MS_ATTACHMENT_STORAGE,
    MS_ATTACHMENT_STORAGE_PATH,
    MS_SMTP_URL,
    MS_SMTP_USER,
    MS_SENDER_EMAIL,
    MS_INBOUND_EMAIL_TEMPLATE_CODE,
    MS_OUTBOUND_EMAIL_TEMPLATE_CODE,
    MS_COUNT
};

static const relm_field_t fields[] = {
    [MS_CONTACT_NOS] = FIELD(setup_t, contact_nos, RELM_FT_CODE, 0, 20, NULL, NULL),
    [MS_SEGMENT_NOS] = FIELD(setup_t, segment_nos, RELM_FT_CODE, 0, 20, NULL, NULL),
    [MS_CAMPAIGN_NOS] = FIELD(setup_t, campaign_nos, RELM_FT_CODE, 0, 20, NULL, NULL),
    [MS_OPPORTUNITY_NOS] = FIELD(setup_t, opportunity_nos, RELM_FT_CODE, 0, 20, NULL, NULL),
    [MS_TASK_NOS] = FIELD(setup_t, task_nos, RELM_FT_CODE, 0, 20, NULL, NULL),
    [MS_DEFAULT_LANGUAGE_CODE] =
        FIELD(setup_t, default_language_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [MS_DEFAULT_CORRESPONDENCE_TYPE] = FIELD(setup_t, default_correspondence_type, RELM_FT_ENUM, 0,
                                             0, relm_correspondence_types, NULL),
    [MS_DEFAULT_SALESPERSON_CODE] =
        FIELD(setup_t, default_salesperson_code, RELM_FT_CODE, 0, 20, NULL, NULL),
    [MS_INHERIT_SALESPERSON_CODE] =
        FIELD(setup_t, inherit_salesperson_code, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, "true"),
    [MS_INHERIT_ADDRESS_DETAILS] =
        FIELD(setup_t, inherit_address_details, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, "true"),
    [MS_ATTACHMENT_STORAGE] =
        FIELD(setup_t, attachment_storage, RELM_FT_ENUM, 0, 0, storages, "embedded"),
    [MS_ATTACHMENT_STORAGE_PATH] =
        FIELD(setup_t, attachment_storage_path, RELM_FT_TEXT, 0, 250, NULL, NULL),
    [MS_SMTP_URL] = FIELD(setup_t, smtp_url, RELM_FT_TEXT, 0, 250, NULL, NULL),
    [MS_SMTP_USER] = FIELD(setup_t, smtp_user, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [MS_SENDER_EMAIL] = FIELD(setup_t, sender_email, RELM_FT_EMAIL, 0, 80, NULL, NULL),
    [MS_INBOUND_EMAIL_TEMPLATE_CODE] =
        FIELD(setup_t, inbound_email_template_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [MS_OUTBOUND_EMAIL_TEMPLATE_CODE] =
        FIELD(setup_t, outbound_email_template_code, RELM_FT_CODE, 0, 10, NULL, NULL),
};

_Static_assert(sizeof(fields) / sizeof(fields[0]) == MS_COUNT, "one entry per field index");

#define NFIELDS ((int)(sizeof(fields) / sizeof(fields[0])))

static int op_get(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    (void)key;
    return relm_setup_get(r, out, err);
}

static int op_update(relm_t *r, const char *key, const void *changes, relm_mask_t given,
                     relm_error_t *err)
{
    (void)key;
    return relm_setup_update(r, changes, given, err);
}

const relm_entity_t relm_setup_entity = {
    "marketing setup",
    "marketing_setup",
    sizeof(setup_t),
    fields,
    NFIELDS,
    NULL,
    op_get,
    op_update,
    NULL,
    NULL,
    NULL,
};

int relm_setup_get(relm_t *r, relm_setup_t *out, relm_error_t *err)
{
    relm_record_init(&relm_setup_entity, out);
    int rc = relm_table_get(r, &relm_setup_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, RELM_ESETUP, "marketing setup is missing");
    return rc;
}

int relm_setup_update(relm_t *r, const relm_setup_t *changes, relm_mask_t given, relm_error_t *err)
{
    relm_setup_t cur;
    int rc = relm_setup_get(r, &cur, err);
    if (rc)
        return rc;
    relm_record_merge(&relm_setup_entity, &cur, changes, given);
    for (int i = 0; i < NFIELDS; i++) {
        if (!(given & RELM_BIT(i)))
            continue;
        const char *name = fields[i].name;
        const char *v = relm_record_text(&relm_setup_entity, &cur, i);
        size_t nl = strlen(name);
        if (nl > 4 && strcmp(name + nl - 4, "_nos") == 0 && v[0]) {
            relm_no_series_t ns;
            if (relm_numseries_get(r, v, &ns, err))
                return relm_error_set(err, RELM_ENOTFOUND,
                                      "marketing setup %s: number series %s does not exist", name,
                                      v);
        }
    }
    if ((given & RELM_BIT(relm_field_index(&relm_setup_entity, "default_salesperson_code"))) &&
        cur.default_salesperson_code[0]) {
        relm_salesperson_t sp;
        if (relm_salesperson_get(r, cur.default_salesperson_code, &sp, err))
            return relm_error_set(err, RELM_ENOTFOUND,
                                  "marketing setup default_salesperson_code: salesperson %s does "
                                  "not exist",
                                  cur.default_salesperson_code);
    }
    return relm_table_update(r, &relm_setup_entity, &cur, given, err);
}
