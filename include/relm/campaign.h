/*
 * Campaigns and campaign entries.
 */
#ifndef RELM_CAMPAIGN_H
#define RELM_CAMPAIGN_H

#include "relm/record.h"

typedef struct relm_campaign {
    char no[RELM_CODE20_SZ];
    char description[RELM_TEXT100_SZ];
    char starting_date[RELM_DATE_SZ];
    char ending_date[RELM_DATE_SZ];
    char salesperson_code[RELM_CODE20_SZ];
    char status_code[RELM_CODE10_SZ];
    int activated;
} relm_campaign_t;

typedef struct relm_campaign_entry {
    int64_t entry_no;
    char campaign_no[RELM_CODE20_SZ];
    char description[RELM_TEXT100_SZ];
    char date[RELM_DATE_SZ];
    char user_id[RELM_CODE20_SZ * 2];
    char segment_no[RELM_CODE20_SZ];
    int64_t logged_segment_entry_no;
    char salesperson_code[RELM_CODE20_SZ];
    int canceled;
} relm_campaign_entry_t;

extern const relm_entity_t relm_campaign_entity;
extern const relm_entity_t relm_campaign_entry_entity;

struct relm;

/* A blank no is taken from marketing setup's campaign_nos (manual numbers as for contacts). */
int relm_campaign_add(struct relm *r, relm_campaign_t *c, relm_error_t *err);
int relm_campaign_get(struct relm *r, const char *no, relm_campaign_t *out, relm_error_t *err);
int relm_campaign_update(struct relm *r, const char *no, const relm_campaign_t *changes,
                         relm_mask_t given, relm_error_t *err);
/* Refused (in_use) while the campaign has entries. */
int relm_campaign_delete(struct relm *r, const char *no, relm_error_t *err);

#endif
