/*
 * Marketing setup: the one row of settings (number series codes and defaults).
 */
#ifndef RELM_SETUP_H
#define RELM_SETUP_H

#include "relm/record.h"

typedef struct relm_setup {
    char contact_nos[RELM_CODE20_SZ];
    char segment_nos[RELM_CODE20_SZ];
    char campaign_nos[RELM_CODE20_SZ];
    char opportunity_nos[RELM_CODE20_SZ];
    char task_nos[RELM_CODE20_SZ];
    char default_language_code[RELM_CODE10_SZ];
    char default_correspondence_type[16];
    char default_salesperson_code[RELM_CODE20_SZ];
    int inherit_salesperson_code;
    int inherit_address_details;
    char attachment_storage[16];
    char attachment_storage_path[RELM_TEXT250_SZ];
    char smtp_url[RELM_TEXT250_SZ]; /* smtp://host:port or smtps://host:port */
    char smtp_user[RELM_TEXT100_SZ];
    char sender_email[RELM_TEXT80_SZ];                 /* From when the salesperson has none */
    char inbound_email_template_code[RELM_CODE10_SZ];  /* captured mail from contacts */
    char outbound_email_template_code[RELM_CODE10_SZ]; /* captured mail from salespersons */
} relm_setup_t;

extern const relm_entity_t relm_setup_entity;
/* Choices shared by every correspondence_type field: "", hard_copy, email, fax. */
extern const char *const relm_correspondence_types[];

struct relm;

int relm_setup_get(struct relm *r, relm_setup_t *out, relm_error_t *err);
/* Change the fields set in given; series codes and the salesperson must exist. */
int relm_setup_update(struct relm *r, const relm_setup_t *changes, relm_mask_t given,
                      relm_error_t *err);

#endif
