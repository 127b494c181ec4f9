/*
 * Contacts: companies and the persons who work for them.
 */
#ifndef RELM_CONTACT_H
#define RELM_CONTACT_H

#include <stdio.h>

#include "relm/record.h"

typedef struct relm_contact {
    char no[RELM_CODE20_SZ];
    char type[16]; /* company | person */
    char name[RELM_TEXT100_SZ];
    char company_no[RELM_CODE20_SZ];
    char company_name[RELM_TEXT100_SZ];
    char first_name[RELM_TEXT50_SZ];
    char middle_name[RELM_TEXT50_SZ];
    char surname[RELM_TEXT50_SZ];
    char job_title[RELM_TEXT50_SZ];
    char address[RELM_TEXT100_SZ];
    char address_2[RELM_TEXT50_SZ];
    char post_code[RELM_CODE20_SZ];
    char city[RELM_TEXT50_SZ];
    char county[RELM_TEXT50_SZ];
    char country_code[RELM_CODE10_SZ];
    char phone_no[RELM_TEXT50_SZ];
    char mobile_phone_no[RELM_TEXT50_SZ];
    char email[RELM_TEXT80_SZ];
    char fax_no[RELM_TEXT50_SZ];
    char salesperson_code[RELM_CODE20_SZ];
    char territory_code[RELM_CODE10_SZ];
    char language_code[RELM_CODE10_SZ];
    char correspondence_type[16];
    int exclude_from_segment;
    int privacy_blocked;
    char created_at[RELM_STAMP_SZ];
    char modified_at[RELM_STAMP_SZ];
} relm_contact_t;

extern const relm_entity_t relm_contact_entity;

struct relm;

/*
 * Add a contact. A blank no is taken from marketing setup's contact_nos; a typed one is
 * allowed only when that series allows manual numbers. A person's blank name is composed
 * from first/middle/surname; a person's company_no must be a company (its name is copied
 * to company_name); a company's company_no is its own no. c->no is filled on return.
 * Blank fields not given take marketing setup's defaults: salesperson_code (for a person
 * of a company with inherit_salesperson_code on, the company's salesperson comes first),
 * language_code and correspondence_type.
 */
int relm_contact_add(struct relm *r, relm_contact_t *c, relm_error_t *err);
int relm_contact_get(struct relm *r, const char *no, relm_contact_t *out, relm_error_t *err);
int relm_contact_update(struct relm *r, const char *no, const relm_contact_t *changes,
                        relm_mask_t given, relm_error_t *err);
/* relm_contact_delete_with() flag: delete a company's persons with it. */
#define RELM_CONTACT_WITH_PERSONS 1u

/*
 * Delete a contact in one transaction. Refused (in_use, naming the segment) while the
 * contact (or, with RELM_CONTACT_WITH_PERSONS, one of the company's persons) is on a
 * segment not yet logged, and for a company with persons unless flags has
 * RELM_CONTACT_WITH_PERSONS. Interaction log entries are kept: a person's move to its
 * company (contact_no and contact_company_no become the company's no.; without a company
 * contact_no becomes blank); a company's entries, its persons' included, are detached
 * (blank contact_no and contact_company_no). not_found when no does not exist.
 */
int relm_contact_delete_with(struct relm *r, const char *no, unsigned flags, relm_error_t *err);
/* relm_contact_delete_with() without flags. */
int relm_contact_delete(struct relm *r, const char *no, relm_error_t *err);

/*
 * List contacts that contain text in their no., name, e-mail or city (case folded for all
 * of Unicode, as the "~" filter) and match every filter, in no. order, up to limit (<= 0:
 * no limit). A blank text lists every contact the filters match.
 */
int relm_contact_search(struct relm *r, const char *text, const relm_filter_t *filters,
                        int nfilters, long limit, relm_row_fn fn, void *ctx, relm_error_t *err);

/* Progress of a long operation: done units so far, total (or -1 when unknown). */
typedef void (*relm_progress_fn)(void *ctx, int64_t done, int64_t total);

/*
 * Import contacts from CSV (header row of canonical field names) in one transaction:
 * a bad row is reported with its line number and nothing is imported. *imported receives
 * the row count. progress may be NULL; it is called with bytes read / total bytes.
 */
int relm_contact_import_csv(struct relm *r, FILE *in, int64_t total_bytes,
                            relm_progress_fn progress, void *pctx, int64_t *imported,
                            relm_error_t *err);
/* Write every contact as CSV with the same columns the import reads. */
int relm_contact_export_csv(struct relm *r, FILE *out, relm_error_t *err);

#endif
