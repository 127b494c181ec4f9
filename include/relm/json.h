/*
 * Records as JSON objects (jansson), keyed by canonical field names. Shared by the CLI's
 * --json output and the HTTP API. Money and minutes are strings with two decimals
 * ("12.50") so that no value passes through binary floating point; booleans are true /
 * false; whole numbers are numbers.
 */
#ifndef RELM_JSON_H
#define RELM_JSON_H

#include <jansson.h>

#include "relm/record.h"

/* New object with every field of rec (a new reference, owned by the caller). */
json_t *relm_record_json(const relm_entity_t *e, const void *rec);

/* Add every field of rec to an existing object (for merging statistics into a record). */
void relm_record_json_into(json_t *obj, const relm_entity_t *e, const void *rec);

/*
 * Set the fields present in obj on rec (through relm_record_set, so the same checks
 * apply); unknown keys and read-only fields are validation errors.
 */
int relm_record_from_json(const relm_entity_t *e, void *rec, relm_mask_t *given, const json_t *obj,
                          relm_error_t *err);

#endif
