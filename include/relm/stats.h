/*
 * Statistics, computed from the interaction log on demand (never stored by hand).
 * Canceled and postponed entries never count.
 */
#ifndef RELM_STATS_H
#define RELM_STATS_H

#include "relm/record.h"

typedef struct relm_contact_stats {
    int64_t no_of_interactions;
    int64_t cost;                                /* hundredths */
    int64_t duration;                            /* hundredths of a minute */
    char date_of_last_interaction[RELM_DATE_SZ]; /* latest date, failed attempts excluded */
    char last_date_attempted[RELM_DATE_SZ];      /* latest date, failed attempts included */
    int64_t no_of_postponed_interactions;
} relm_contact_stats_t;

/* Salesperson, group, template and campaign totals share one shape. */
typedef struct relm_totals {
    int64_t no_of_interactions;
    int64_t cost;
    int64_t duration;
    int64_t no_of_entries;   /* campaigns: campaign entries not canceled */
    int64_t no_of_responses; /* campaigns: interactions with campaign_response */
} relm_totals_t;

extern const relm_entity_t relm_contact_stats_entity;
extern const relm_entity_t relm_totals_entity;
extern const relm_entity_t relm_campaign_totals_entity;

struct relm;

/* For a company the figures cover the company and all its persons. */
int relm_contact_stats(struct relm *r, const char *contact_no, relm_contact_stats_t *out,
                       relm_error_t *err);
int relm_salesperson_stats(struct relm *r, const char *code, relm_totals_t *out, relm_error_t *err);
int relm_group_stats(struct relm *r, const char *code, relm_totals_t *out, relm_error_t *err);
int relm_template_stats(struct relm *r, const char *code, relm_totals_t *out, relm_error_t *err);
int relm_campaign_stats(struct relm *r, const char *no, relm_totals_t *out, relm_error_t *err);

#endif
