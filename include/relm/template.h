/*
 * Interaction groups and interaction templates, with per-language variants and an
 * optional attachment body (text with merge fields such as {{contact.name}}).
 */
#ifndef RELM_TEMPLATE_H
#define RELM_TEMPLATE_H

#include "relm/record.h"

typedef struct relm_interaction_group {
    char code[RELM_CODE10_SZ];
    char description[RELM_TEXT100_SZ];
} relm_interaction_group_t;

typedef struct relm_interaction_template {
    char code[RELM_CODE10_SZ];
    char interaction_group_code[RELM_CODE10_SZ];
    char description[RELM_TEXT100_SZ];
    int64_t unit_cost;         /* hundredths */
    int64_t unit_duration;     /* hundredths of a minute */
    char information_flow[16]; /* "" | outbound | inbound */
    char initiated_by[8];      /* "" | us | them */
    char correspondence_type[16];
    int ignore_contact_corresp_type;
    char language_code[RELM_CODE10_SZ];
    char campaign_no[RELM_CODE20_SZ];
    int campaign_target;
    int campaign_response;
} relm_interaction_template_t;

typedef struct relm_template_language {
    char template_code[RELM_CODE10_SZ];
    char language_code[RELM_CODE10_SZ];
    char description[RELM_TEXT100_SZ];
} relm_template_language_t;

extern const relm_entity_t relm_group_entity;
extern const relm_entity_t relm_template_entity;
extern const relm_entity_t relm_template_language_entity;
extern const char *const relm_information_flows[];
extern const char *const relm_initiators[];

struct relm;
struct relm_contact;

int relm_group_add(struct relm *r, relm_interaction_group_t *g, relm_error_t *err);
int relm_group_get(struct relm *r, const char *code, relm_interaction_group_t *out,
                   relm_error_t *err);
int relm_group_update(struct relm *r, const char *code, const relm_interaction_group_t *changes,
                      relm_mask_t given, relm_error_t *err);
/* Refused (in_use) while templates belong to the group. */
int relm_group_delete(struct relm *r, const char *code, relm_error_t *err);

/* The group must exist; a campaign_no must exist. */
int relm_template_add(struct relm *r, relm_interaction_template_t *t, relm_error_t *err);
int relm_template_get(struct relm *r, const char *code, relm_interaction_template_t *out,
                      relm_error_t *err);
int relm_template_update(struct relm *r, const char *code,
                         const relm_interaction_template_t *changes, relm_mask_t given,
                         relm_error_t *err);
/* Refused (in_use) while log entries use the template. Its language variants go with it. */
int relm_template_delete(struct relm *r, const char *code, relm_error_t *err);

/*
 * Add or replace a language variant (attachment may be NULL: keep / none). An attachment
 * naming an unknown merge field is refused (validation, naming it; see relm/deliver.h).
 */
int relm_template_language_set(struct relm *r, const relm_template_language_t *v,
                               const char *attachment, relm_error_t *err);
/*
 * The same for a variant given field by field: `given` holds the bits of the fields of
 * relm_template_language_entity that were given. An existing variant keeps its
 * description when that bit is not set (a new one gets a blank description), just as it
 * keeps its attachment when attachment is NULL.
 */
int relm_template_language_put(struct relm *r, const relm_template_language_t *v, relm_mask_t given,
                               const char *attachment, relm_error_t *err);
int relm_template_language_delete(struct relm *r, const char *template_code,
                                  const char *language_code, relm_error_t *err);
/* Stream a template's variants in language order. */
int relm_template_languages(struct relm *r, const char *template_code, relm_row_fn fn, void *ctx,
                            relm_error_t *err);

/*
 * Attachment body of a template (language NULL or "": the template's own; otherwise
 * that variant's). *out is malloc'd and owned by the caller ("" when none).
 */
int relm_template_attachment_get(struct relm *r, const char *template_code, const char *language,
                                 char **out, relm_error_t *err);
/* Errors: validation when body is not UTF-8 or names an unknown merge field (named). */
int relm_template_attachment_set(struct relm *r, const char *template_code, const char *language,
                                 const char *body, relm_error_t *err);

/*
 * Language for an interaction with template t and a contact speaking contact_lang: the
 * contact's language when the template has a variant for it, else the template's.
 * The variant's description (or the template's) goes into description_out when not NULL.
 */
int relm_template_pick_language(struct relm *r, const relm_interaction_template_t *t,
                                const char *contact_lang, char language_out[RELM_CODE10_SZ],
                                char description_out[RELM_TEXT100_SZ], relm_error_t *err);

/*
 * Fill merge fields ({{contact.FIELD}}, {{salesperson.FIELD}} when sp is not NULL) in
 * body. Returns a malloc'd string owned by the caller, or NULL when out of memory.
 * Unknown fields, and fields of a record not given, are left as they are. Delivery merges
 * with relm_merge_new() (relm/deliver.h), which knows every source.
 */
char *relm_template_merge_new(const char *body, const struct relm_contact *c,
                              const void *salesperson);

#endif
