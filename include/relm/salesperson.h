/*
 * Salespersons: the people who own contacts and record interactions.
 */
#ifndef RELM_SALESPERSON_H
#define RELM_SALESPERSON_H

#include "relm/record.h"

typedef struct relm_salesperson {
    char code[RELM_CODE20_SZ];
    char name[RELM_TEXT50_SZ];
    char email[RELM_TEXT80_SZ];
    char phone_no[RELM_TEXT50_SZ];
    char job_title[RELM_TEXT50_SZ];
    int blocked;
} relm_salesperson_t;

extern const relm_entity_t relm_salesperson_entity;

struct relm;

/* Add sp, its fields set through relm_record_set() (which upper-cases the code); the code is
 * required. already_exists if the code is taken. */
int relm_salesperson_add(struct relm *r, relm_salesperson_t *sp, relm_error_t *err);
/* Fill *out; not_found names the code. */
int relm_salesperson_get(struct relm *r, const char *code, relm_salesperson_t *out,
                         relm_error_t *err);
/* Change the fields set in given. */
int relm_salesperson_update(struct relm *r, const char *code, const relm_salesperson_t *changes,
                            relm_mask_t given, relm_error_t *err);
/* Refused (in_use) while interaction log entries or contacts name the salesperson. */
int relm_salesperson_delete(struct relm *r, const char *code, relm_error_t *err);

#endif
