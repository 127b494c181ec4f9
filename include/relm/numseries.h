/*
 * Number series: document numbers such as SEG00001 handed out in order.
 *
 * A series has lines; the line used is the open one with the latest starting_date not
 * after the date asked for. Taking a number updates the line inside the caller's
 * transaction, so the number and the record that uses it commit or roll back together,
 * and two processes never receive the same number.
 */
#ifndef RELM_NUMSERIES_H
#define RELM_NUMSERIES_H

#include "relm/record.h"

typedef struct relm_no_series {
    char code[RELM_CODE20_SZ];
    char description[RELM_TEXT100_SZ];
    int default_nos;
    int manual_nos;
    int date_order;
} relm_no_series_t;

typedef struct relm_no_series_line {
    char series_code[RELM_CODE20_SZ];
    int64_t line_no;
    char starting_date[RELM_DATE_SZ];
    char starting_no[RELM_CODE20_SZ];
    char ending_no[RELM_CODE20_SZ];
    char warning_no[RELM_CODE20_SZ];
    int64_t increment_by;
    char last_no_used[RELM_CODE20_SZ];
    char last_date_used[RELM_DATE_SZ];
    int open;
} relm_no_series_line_t;

extern const relm_entity_t relm_no_series_entity;
extern const relm_entity_t relm_no_series_line_entity;

struct relm;

int relm_numseries_add(struct relm *r, relm_no_series_t *ns, relm_error_t *err);
int relm_numseries_get(struct relm *r, const char *code, relm_no_series_t *out, relm_error_t *err);
int relm_numseries_update(struct relm *r, const char *code, const relm_no_series_t *changes,
                          relm_mask_t given, relm_error_t *err);
/* Refused (in_use) while marketing setup names the series. Deletes its lines. */
int relm_numseries_delete(struct relm *r, const char *code, relm_error_t *err);

/* Add a line; line_no 0 means "after the last line" (10000, 20000, ...). */
int relm_numseries_line_add(struct relm *r, relm_no_series_line_t *line, relm_error_t *err);
int relm_numseries_line_update(struct relm *r, const char *code, int64_t line_no,
                               const relm_no_series_line_t *changes, relm_mask_t given,
                               relm_error_t *err);
int relm_numseries_line_delete(struct relm *r, const char *code, int64_t line_no,
                               relm_error_t *err);
/* Stream the lines of a series in line order. */
int relm_numseries_lines(struct relm *r, const char *code, relm_row_fn fn, void *ctx,
                         relm_error_t *err);

/*
 * Take the next number of series `code` for `date` (NULL: the work date) into out
 * (RELM_CODE20_SZ bytes). Errors: not_found (series or no line for the date),
 * no_numbers_left (past ending_no; nothing consumed), date_order. At or past warning_no
 * the number is handed out and err->warning says so.
 */
int relm_numseries_next(struct relm *r, const char *code, const char *date, char *out,
                        relm_error_t *err);

/* A number typed by hand for series `code`: manual_nos_not_allowed unless the series allows. */
int relm_numseries_check_manual(struct relm *r, const char *code, relm_error_t *err);

/*
 * Increase the right-most run of digits of `no` by inc, keeping width and zero padding
 * (growing the run only when it must): "SEG00009" -> "SEG00010", "X-099-B" -> "X-100-B".
 * validation when `no` has no digits or the result does not fit n bytes.
 */
int relm_numseries_increment(const char *no, int64_t inc, char *out, size_t n, relm_error_t *err);

/* Compare two numbers of one series (by their digit run, then as text): <0, 0, >0. */
int relm_numseries_compare(const char *a, const char *b);

#endif
