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
/*
 * Delete a campaign and its campaign entries in one transaction. Its interaction log
 * entries stay, keeping campaign_no, with campaign_entry_no cleared. Refused (in_use)
 * while an interaction template names the campaign; not_found.
 */
int relm_campaign_delete(struct relm *r, const char *no, relm_error_t *err);

/* One campaign entry into *out (caller-owned); not_found. */
int relm_campaign_entry_get(struct relm *r, int64_t entry_no, relm_campaign_entry_t *out,
                            relm_error_t *err);
/*
 * Toggle canceled on a campaign entry and set its interaction log entries to the same
 * state, in one transaction. Undoing the cancel of an entry whose logged segment is
 * canceled is refused (validation): the logged segment is undone as a whole. not_found.
 */
int relm_campaign_entry_cancel(struct relm *r, int64_t entry_no, relm_error_t *err);
/*
 * Delete a canceled campaign entry together with its interaction log entries, in one
 * transaction; *deleted (may be NULL) receives how many interaction log entries went.
 * Refused (in_use) while the campaign entry is not canceled; not_found.
 */
int relm_campaign_entry_delete(struct relm *r, int64_t entry_no, int64_t *deleted,
                               relm_error_t *err);

#endif
