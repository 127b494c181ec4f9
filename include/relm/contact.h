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

/*
 * Import contacts from CSV (header row of canonical field names) in one transaction:
 * a bad row is reported with its line number and nothing is imported. *imported receives
 * the row count. progress may be NULL; it is called with bytes read / total bytes (phase
 * NULL).
 */
int relm_contact_import_csv(struct relm *r, FILE *in, int64_t total_bytes,
                            relm_progress_fn progress, void *pctx, int64_t *imported,
                            relm_error_t *err);
/* Options of relm_contact_import_csv_with(); zero for the defaults. */
typedef struct relm_contact_csv_opts {
    char delimiter;       /* field separator; 0: ',' */
    const char *encoding; /* iconv name of the input's encoding; NULL or "": UTF-8 */
    /*
     * "Header=field" (field in snake_ or kebab-case; "Header=" skips the column), checked
     * before the built-in names. Headers are matched without regard to case; without a map,
     * a header is a field name or one of the headers of common CRM exports ("First Name",
     * "Last Name", "E-mail Address", "Company", "Business Phone", "Mobile Phone", "City",
     * "ZIP/Postal Code", ...: docs/cli.md).
     */
    const char *const *map;
    int nmap;
    int skip_unknown; /* skip columns no map or name matches instead of refusing the file */
    /* Check every row and report it, then write nothing. */
    int dry_run;
    /* Dry run: called for every row with the contact as it would be added, and refused
     * (NULL when the row would be imported) saying "line N: ...". */
    void (*row)(void *ctx, int64_t line, const relm_contact_t *c, const relm_error_t *refused);
    void *ctx;
} relm_contact_csv_opts_t;

/*
 * relm_contact_import_csv with options. Without a type column a row with a first, middle
 * or surname is a person, any other a company; a country column may hold names ("Norway").
 * A dry run counts in *imported the rows that would be imported and in *refused (may be
 * NULL) the rows that would be refused, returns 0 and leaves the database as it was.
 * Errors: usage (a bad map, an unknown encoding), validation naming the line (or the byte
 * of input that is not valid in the encoding).
 */
int relm_contact_import_csv_with(struct relm *r, FILE *in, int64_t total_bytes,
                                 relm_progress_fn progress, void *pctx,
                                 const relm_contact_csv_opts_t *opts, int64_t *imported,
                                 int64_t *refused, relm_error_t *err);

/* Write every contact as CSV with the same columns the import reads. */
int relm_contact_export_csv(struct relm *r, FILE *out, relm_error_t *err);

/* relm_contact_export_csv_with() flag: a file for spreadsheets (a UTF-8 byte order mark, and
 * cells starting with =, +, -, @ neutralised with a leading apostrophe). */
#define RELM_CSV_EXCEL 1u
int relm_contact_export_csv_with(struct relm *r, FILE *out, unsigned flags, relm_error_t *err);

#endif
