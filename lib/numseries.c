/*
 * Number series.
 *
 * Invariants: last_no_used only moves forward; a line past its ending_no is closed and
 * hands out nothing; taking a number is a compare-and-swap on last_no_used inside a write
 * transaction, so two takers never receive the same number and a rolled-back
 * transaction gives its number back.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef relm_no_series_t ns_t;
typedef relm_no_series_line_t nsl_t;

/* Field indexes of series_fields[]: each entry below is placed at its index. */
enum { NS_CODE, NS_DESCRIPTION, NS_DEFAULT_NOS, NS_MANUAL_NOS, NS_DATE_ORDER, NS_COUNT };

static const relm_field_t series_fields[] = {
    [NS_CODE] = FIELD(ns_t, code, RELM_FT_CODE, RELM_FF_KEY, 20, NULL, NULL),
    [NS_DESCRIPTION] = FIELD(ns_t, description, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [NS_DEFAULT_NOS] = FIELD(ns_t, default_nos, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, "true"),
    [NS_MANUAL_NOS] = FIELD(ns_t, manual_nos, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, "false"),
    [NS_DATE_ORDER] = FIELD(ns_t, date_order, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, "false"),
};

_Static_assert(sizeof(series_fields) / sizeof(series_fields[0]) == NS_COUNT,
               "one entry per field index");

/* Field indexes of line_fields[]: each entry below is placed at its index. */
enum {
    NL_SERIES_CODE,
    NL_LINE_NO,
    NL_STARTING_DATE,
    NL_STARTING_NO,
    NL_ENDING_NO,
    NL_WARNING_NO,
    NL_INCREMENT_BY,
    NL_LAST_NO_USED,
    NL_LAST_DATE_USED,
    NL_OPEN,
    NL_COUNT
};

static const relm_field_t line_fields[] = {
    [NL_SERIES_CODE] = FIELD(nsl_t, series_code, RELM_FT_CODE, RELM_FF_KEY, 20, NULL, NULL),
    [NL_LINE_NO] = FIELD(nsl_t, line_no, RELM_FT_INT, RELM_FF_KEY, 0, NULL, NULL),
    [NL_STARTING_DATE] = FIELD(nsl_t, starting_date, RELM_FT_DATE, 0, 0, NULL, NULL),
    [NL_STARTING_NO] = FIELD(nsl_t, starting_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [NL_ENDING_NO] = FIELD(nsl_t, ending_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [NL_WARNING_NO] = FIELD(nsl_t, warning_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [NL_INCREMENT_BY] = FIELD(nsl_t, increment_by, RELM_FT_INT, 0, 0, NULL, "1"),
    [NL_LAST_NO_USED] = FIELD(nsl_t, last_no_used, RELM_FT_CODE, 0, 20, NULL, NULL),
    [NL_LAST_DATE_USED] = FIELD(nsl_t, last_date_used, RELM_FT_DATE, 0, 0, NULL, NULL),
    [NL_OPEN] = FIELD(nsl_t, open, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, "true"),
};

_Static_assert(sizeof(line_fields) / sizeof(line_fields[0]) == NL_COUNT,
               "one entry per field index");

static int op_add(relm_t *r, void *rec, relm_mask_t given, relm_error_t *err)
{
    (void)given;
    return relm_numseries_add(r, rec, err);
}

static int op_get(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_numseries_get(r, key, out, err);
}

static int op_update(relm_t *r, const char *key, const void *changes, relm_mask_t given,
                     relm_error_t *err)
{
    return relm_numseries_update(r, key, changes, given, err);
}

static int op_remove(relm_t *r, const char *key, relm_error_t *err)
{
    return relm_numseries_delete(r, key, err);
}

const relm_entity_t relm_no_series_entity = {
    "number series", "no_series", sizeof(ns_t), series_fields, 5,    op_add,
    op_get,          op_update,   op_remove,    NULL,          NULL,
};

const relm_entity_t relm_no_series_line_entity = {
    .name = "number series line",
    .table = "no_series_line",
    .size = sizeof(nsl_t),
    .fields = line_fields,
    .nfields = 10,
};

/* The right-most run of digits in s: [*start, *start + *len). Returns 0 if none. */
static int digit_run(const char *s, size_t *start, size_t *len)
{
    size_t n = strlen(s), end = n;
    while (end > 0 && !isdigit((unsigned char)s[end - 1]))
        end--;
    if (end == 0)
        return 0;
    size_t b = end;
    while (b > 0 && isdigit((unsigned char)s[b - 1]))
        b--;
    *start = b;
    *len = end - b;
    return 1;
}

int relm_numseries_increment(const char *no, int64_t inc, char *out, size_t n, relm_error_t *err)
{
    size_t start, len;
    if (!digit_run(no, &start, &len))
        return relm_error_set(err, RELM_EVALIDATION, "number \"%s\" has no digits to increase", no);
    if (inc < 1)
        return relm_error_set(err, RELM_EVALIDATION, "increment %" PRId64 " is below 1", inc);
    /* Decimal addition on the digit run, so numbers of any width stay exact. */
    char digits[128];
    if (len >= sizeof(digits) - 24)
        return relm_error_set(err, RELM_EVALIDATION, "number \"%s\" is too long", no);
    memcpy(digits, no + start, len);
    digits[len] = '\0';
    char addend[24];
    snprintf(addend, sizeof(addend), "%" PRId64, inc);
    char sum[160];
    int i = (int)len - 1, j = (int)strlen(addend) - 1, k = 0, carry = 0;
    char rev[160];
    while (i >= 0 || j >= 0 || carry) {
        int d = carry + (i >= 0 ? digits[i--] - '0' : 0) + (j >= 0 ? addend[j--] - '0' : 0);
        rev[k++] = (char)('0' + d % 10);
        carry = d / 10;
    }
    for (int m = 0; m < k; m++)
        sum[m] = rev[k - 1 - m];
    sum[k] = '\0';
    size_t total = start + (size_t)k + strlen(no + start + len);
    if (total + 1 > n)
        return relm_error_set(err, RELM_EVALIDATION, "the number after \"%s\" does not fit", no);
    memcpy(out, no, start);
    memcpy(out + start, sum, (size_t)k);
    strcpy(out + start + k, no + start + len);
    return 0;
}

/* Compare digit runs by value (leading zeros ignored). */
static int compare_digits(const char *a, size_t al, const char *b, size_t bl)
{
    while (al > 1 && *a == '0')
        a++, al--;
    while (bl > 1 && *b == '0')
        b++, bl--;
    if (al != bl)
        return al < bl ? -1 : 1;
    int c = memcmp(a, b, al);
    return c < 0 ? -1 : c > 0;
}

int relm_numseries_compare(const char *a, const char *b)
{
    size_t as, al, bs, bl;
    if (digit_run(a, &as, &al) && digit_run(b, &bs, &bl) && as == bs && memcmp(a, b, as) == 0 &&
        strcmp(a + as + al, b + bs + bl) == 0)
        return compare_digits(a + as, al, b + bs, bl);
    int c = strcmp(a, b);
    return c < 0 ? -1 : c > 0;
}

int relm_numseries_add(relm_t *r, relm_no_series_t *ns, relm_error_t *err)
{
    if (!ns->code[0])
        return relm_error_set(err, RELM_EVALIDATION, "number series code is required");
    int rc = relm_table_exists(r, &relm_no_series_entity, ns, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return relm_error_set(err, RELM_EEXISTS, "number series %s already exists", ns->code);
    return relm_table_insert(r, &relm_no_series_entity, ns, err);
}

int relm_numseries_get(relm_t *r, const char *code, relm_no_series_t *out, relm_error_t *err)
{
    relm_record_init(&relm_no_series_entity, out);
    int rc = relm_record_set(&relm_no_series_entity, out, NULL, "code", code, err);
    if (rc)
        return rc;
    rc = relm_table_get(r, &relm_no_series_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "number series %s does not exist", out->code);
    return rc;
}

int relm_numseries_update(relm_t *r, const char *code, const relm_no_series_t *changes,
                          relm_mask_t given, relm_error_t *err)
{
    relm_no_series_t cur;
    int rc = relm_numseries_get(r, code, &cur, err);
    if (rc)
        return rc;
    given &= ~RELM_BIT(NS_CODE);
    relm_record_merge(&relm_no_series_entity, &cur, changes, given);
    return relm_table_update(r, &relm_no_series_entity, &cur, given, err);
}

int relm_numseries_delete(relm_t *r, const char *code, relm_error_t *err)
{
    relm_no_series_t cur;
    int rc = relm_numseries_get(r, code, &cur, err);
    if (rc)
        return rc;
    relm_setup_t s;
    if ((rc = relm_setup_get(r, &s, err)))
        return rc;
    const char *uses[] = {s.contact_nos, s.segment_nos, s.campaign_nos, s.opportunity_nos,
                          s.task_nos};
    const char *names[] = {"contact_nos", "segment_nos", "campaign_nos", "opportunity_nos",
                           "task_nos"};
    for (int i = 0; i < 5; i++)
        if (strcmp(uses[i], cur.code) == 0)
            return relm_error_set(err, RELM_EINUSE,
                                  "number series %s is marketing setup's %s and cannot be deleted",
                                  cur.code, names[i]);
    return relm_table_delete(r, &relm_no_series_entity, &cur, err);
}

static int check_line(const relm_no_series_line_t *l, relm_error_t *err)
{
    char tmp[RELM_CODE20_SZ];
    const char *nos[] = {l->starting_no, l->ending_no, l->warning_no};
    const char *names[] = {"starting_no", "ending_no", "warning_no"};
    if (l->increment_by < 1)
        return relm_error_set(err, RELM_EVALIDATION,
                              "number series %s line %" PRId64 ": increment_by must be 1 or more",
                              l->series_code, l->line_no);
    if (!l->starting_no[0])
        return relm_error_set(err, RELM_EVALIDATION,
                              "number series %s line %" PRId64 ": starting_no is required",
                              l->series_code, l->line_no);
    for (int i = 0; i < 3; i++)
        if (nos[i][0] && relm_numseries_increment(nos[i], 1, tmp, sizeof(tmp), NULL))
            return relm_error_set(err, RELM_EVALIDATION,
                                  "number series %s line %" PRId64 ": %s \"%s\" has no digits",
                                  l->series_code, l->line_no, names[i], nos[i]);
    if (l->ending_no[0] && relm_numseries_compare(l->ending_no, l->starting_no) < 0)
        return relm_error_set(err, RELM_EVALIDATION,
                              "number series %s line %" PRId64 ": ending_no %s is before "
                              "starting_no %s",
                              l->series_code, l->line_no, l->ending_no, l->starting_no);
    return 0;
}

int relm_numseries_line_add(relm_t *r, relm_no_series_line_t *line, relm_error_t *err)
{
    relm_no_series_t ns;
    int rc = relm_numseries_get(r, line->series_code, &ns, err);
    if (rc)
        return rc;
    if (line->line_no == 0) {
        int64_t max = 0;
        rc = relm_count(r,
                        "SELECT coalesce(max(line_no), 0) FROM no_series_line "
                        "WHERE series_code = ?",
                        ns.code, &max, err);
        if (rc)
            return rc;
        line->line_no = (max / 10000 + 1) * 10000;
    }
    if ((rc = check_line(line, err)))
        return rc;
    rc = relm_table_exists(r, &relm_no_series_line_entity, line, err);
    if (rc == 1)
        return relm_error_set(err, RELM_EEXISTS, "number series %s line %" PRId64 " already exists",
                              line->series_code, line->line_no);
    if (rc < 0)
        return rc;
    return relm_table_insert(r, &relm_no_series_line_entity, line, err);
}

static int get_line(relm_t *r, const char *code, int64_t line_no, relm_no_series_line_t *out,
                    relm_error_t *err)
{
    relm_record_init(&relm_no_series_line_entity, out);
    int rc = relm_record_set(&relm_no_series_line_entity, out, NULL, "series_code", code, err);
    if (rc)
        return rc;
    out->line_no = line_no;
    rc = relm_table_get(r, &relm_no_series_line_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "number series %s has no line %" PRId64, out->series_code,
                              line_no);
    return rc;
}

int relm_numseries_line_update(relm_t *r, const char *code, int64_t line_no,
                               const relm_no_series_line_t *changes, relm_mask_t given,
                               relm_error_t *err)
{
    relm_no_series_line_t cur;
    int rc = get_line(r, code, line_no, &cur, err);
    if (rc)
        return rc;
    given &= ~(RELM_BIT(NL_SERIES_CODE) | RELM_BIT(NL_LINE_NO));
    relm_record_merge(&relm_no_series_line_entity, &cur, changes, given);
    if ((rc = check_line(&cur, err)))
        return rc;
    int ending = relm_field_index(&relm_no_series_line_entity, "ending_no");
    if (given & RELM_BIT(ending)) {
        /* A new ending number reopens a line that has numbers left under it. */
        cur.open = !cur.ending_no[0] || !cur.last_no_used[0] ||
                   relm_numseries_compare(cur.last_no_used, cur.ending_no) < 0;
        given |= RELM_BIT(relm_field_index(&relm_no_series_line_entity, "open"));
    }
    return relm_table_update(r, &relm_no_series_line_entity, &cur, given, err);
}

int relm_numseries_line_delete(relm_t *r, const char *code, int64_t line_no, relm_error_t *err)
{
    relm_no_series_line_t cur;
    int rc = get_line(r, code, line_no, &cur, err);
    return rc ? rc : relm_table_delete(r, &relm_no_series_line_entity, &cur, err);
}

int relm_numseries_lines(relm_t *r, const char *code, relm_row_fn fn, void *ctx, relm_error_t *err)
{
    relm_no_series_t ns;
    int rc = relm_numseries_get(r, code, &ns, err);
    if (rc)
        return rc;
    relm_filter_t f = {.field = 0, .op = "="};
    relm_copy(f.value, sizeof(f.value), ns.code);
    return relm_list(r, &relm_no_series_line_entity, &f, 1, 0, fn, ctx, err);
}

int relm_numseries_check_manual(relm_t *r, const char *code, relm_error_t *err)
{
    relm_no_series_t ns;
    int rc = relm_numseries_get(r, code, &ns, err);
    if (rc)
        return rc;
    if (!ns.manual_nos)
        return relm_error_set(err, RELM_EMANUALNOS,
                              "number series %s does not allow manual numbers", ns.code);
    return 0;
}

static const char sql_pick_line[] =
    "SELECT series_code, line_no, starting_date, starting_no, ending_no, warning_no, "
    "increment_by, last_no_used, last_date_used, open FROM no_series_line "
    "WHERE series_code = ? AND starting_date <= ? "
    "ORDER BY starting_date DESC, line_no DESC LIMIT 1";

static const char sql_take[] =
    "UPDATE no_series_line SET last_no_used = ?, last_date_used = ?, open = ? "
    "WHERE series_code = ? AND line_no = ? AND last_no_used = ? AND open = 1";

static const char sql_give_back[] =
    "UPDATE no_series_line SET last_no_used = ?, last_date_used = ?, open = ? "
    "WHERE series_code = ? AND line_no = ? AND last_no_used = ?";

/* The line of series ns that hands out numbers on date into *l: 0, or an error. */
static int pick_line(relm_t *r, const relm_no_series_t *ns, const char *date,
                     relm_no_series_line_t *l, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql_pick_line, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, ns->code);
    relm_stmt_bind_text(s, 2, date);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        relm_record_init(&relm_no_series_line_entity, l);
        relm_table_read_row(&relm_no_series_line_entity, s, l);
    }
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    if (rc == RELM_STEP_DONE)
        return relm_error_set(err, RELM_ENOTFOUND,
                              "number series %s has no line starting on or before %s", ns->code,
                              date);
    if (!l->open)
        return relm_error_set(err, RELM_ENONUMBERS, "no more numbers in series %s", ns->code);
    if (ns->date_order && l->last_date_used[0] && strcmp(date, l->last_date_used) < 0)
        return relm_error_set(err, RELM_EDATEORDER,
                              "number series %s is in date order: %s is before the last date "
                              "used, %s",
                              ns->code, date, l->last_date_used);
    return 0;
}

/*
 * The number line l hands out after cur ("" = none handed out yet) into next; *last says
 * whether it is the line's ending_no. 0, or an error naming the series when there is none.
 */
static int number_after(const relm_no_series_line_t *l, const char *cur, char *next, int *last,
                        relm_error_t *err)
{
    int rc;
    if (!cur[0])
        relm_copy(next, RELM_CODE20_SZ, l->starting_no);
    else if ((rc = relm_numseries_increment(cur, l->increment_by, next, RELM_CODE20_SZ, err)))
        return rc;
    if (relm_utf8_len(next) > 20)
        return relm_error_set(err, RELM_ENONUMBERS,
                              "no more numbers in series %s: %s is longer than 20 characters",
                              l->series_code, next);
    *last = 0;
    if (l->ending_no[0]) {
        int c = relm_numseries_compare(next, l->ending_no);
        if (c > 0)
            return relm_error_set(err, RELM_ENONUMBERS, "no more numbers in series %s",
                                  l->series_code);
        *last = c == 0;
    }
    return 0;
}

/*
 * Set line l's last number used to `to` (open unless it is the ending_no) where it is still
 * `from`: 0, 1 when another taker moved it first, or an error. A give-back may reopen the
 * line its block closed; a take needs it open.
 */
static int move_last(relm_t *r, const relm_no_series_line_t *l, const char *from, const char *to,
                     const char *date, int still_open, int give_back, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, give_back ? sql_give_back : sql_take, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_text(s, 1, to);
    relm_stmt_bind_text(s, 2, date);
    relm_stmt_bind_int(s, 3, still_open);
    relm_stmt_bind_text(s, 4, l->series_code);
    relm_stmt_bind_int(s, 5, l->line_no);
    relm_stmt_bind_text(s, 6, from);
    if ((rc = relm_stmt_run(s, err)))
        return rc;
    return relm_store_changes(r->store) == 1 ? 0 : 1;
}

static void warn_past(const relm_no_series_line_t *l, const char *no, relm_error_t *err)
{
    if (l->warning_no[0] && relm_numseries_compare(no, l->warning_no) >= 0)
        relm_error_warn(err, "number %s of series %s is at or past the warning number %s", no,
                        l->series_code, l->warning_no);
}

/* One attempt: 0 and *out filled, 1 when another taker won the race, or an error. */
static int take_once(relm_t *r, const relm_no_series_t *ns, const char *date, char *out,
                     relm_error_t *err)
{
    relm_no_series_line_t l;
    char next[RELM_CODE20_SZ];
    int last = 0;
    int rc = pick_line(r, ns, date, &l, err);
    if (rc || (rc = number_after(&l, l.last_no_used, next, &last, err)) ||
        (rc = move_last(r, &l, l.last_no_used, next, date, !last, 0, err)))
        return rc;
    warn_past(&l, next, err);
    relm_copy(out, RELM_CODE20_SZ, next);
    return 0;
}

/* Numbers a block reserves at most: one UPDATE per this many rows of an import. */
enum { BLOCK_NUMBERS = 1024 };

int relm_numseries_block_next(relm_t *r, relm_numseries_block_t *b, const char *code, char *out,
                              relm_error_t *err)
{
    int rc, last = 0;
    if (b->left == 0 || strcmp(b->line.series_code, code) != 0) {
        /* A new block starts where the line stands: the previous one is used up. */
        if ((rc = relm_numseries_block_release(r, b, err)))
            return rc;
        relm_no_series_t ns;
        const char *date = r->workdate;
        if ((rc = relm_numseries_get(r, code, &ns, err)) ||
            (rc = pick_line(r, &ns, date, &b->line, err)))
            return rc;
        /* The first number fails as one taken alone would; the block ends before the
         * first number that would fail, which then fails when its row asks for it. */
        if ((rc = number_after(&b->line, b->line.last_no_used, b->next, &last, err)))
            return rc;
        char end[RELM_CODE20_SZ], cur[RELM_CODE20_SZ];
        relm_copy(end, sizeof(end), b->next);
        int64_t n = 1;
        while (!last && n < BLOCK_NUMBERS) {
            relm_error_t scratch = {0};
            if (number_after(&b->line, end, cur, &last, &scratch))
                break;
            relm_copy(end, sizeof(end), cur);
            n++;
        }
        if ((rc = move_last(r, &b->line, b->line.last_no_used, end, date, !last, 0, err)))
            return rc == 1 ? relm_error_set(err, RELM_ECONFLICT,
                                            "number series %s is busy: try again", code)
                           : rc;
        relm_copy(b->reserved, sizeof(b->reserved), end);
        relm_copy(b->date, sizeof(b->date), date);
        b->handed[0] = '\0';
        b->left = n;
    }
    relm_copy(out, RELM_CODE20_SZ, b->next);
    relm_copy(b->handed, sizeof(b->handed), b->next);
    warn_past(&b->line, out, err);
    if (--b->left > 0 && (rc = number_after(&b->line, b->handed, b->next, &last, err)))
        return rc;
    return 0;
}

int relm_numseries_block_release(relm_t *r, relm_numseries_block_t *b, relm_error_t *err)
{
    if (b->left == 0)
        return 0;
    /* The line goes back to the last number handed out, as if each had been taken alone;
     * with none handed out, to where it stood before the block. */
    const relm_no_series_line_t *l = &b->line;
    int rc;
    if (b->handed[0])
        rc = move_last(r, l, b->reserved, b->handed, b->date, 1, 1, err);
    else
        rc = move_last(r, l, b->reserved, l->last_no_used, l->last_date_used, 1, 1, err);
    if (rc == 1)
        rc = relm_error_set(err, RELM_ECONFLICT, "number series %s is busy: try again",
                            l->series_code);
    if (rc == 0)
        b->left = 0;
    return rc;
}

int relm_numseries_next(relm_t *r, const char *code, const char *date, char *out, relm_error_t *err)
{
    relm_no_series_t ns;
    int rc = relm_numseries_get(r, code, &ns, err);
    if (rc)
        return rc;
    if (!date || !*date)
        date = r->workdate;
    else if (!relm_valid_date(date))
        return relm_error_set(err, RELM_EVALIDATION, "\"%s\" is not a date (YYYY-MM-DD)", date);
    /*
     * No transaction of its own: the only write is one compare-and-swap UPDATE, atomic by
     * itself, and a caller that inserts the record in its transaction gets the number
     * back on rollback. A lost race (another taker moved last_no_used) is retried.
     */
    for (int attempt = 0; attempt < 100; attempt++) {
        rc = take_once(r, &ns, date, out, err);
        if (rc != 1)
            return rc;
    }
    return relm_error_set(err, RELM_ECONFLICT, "number series %s is busy: try again", ns.code);
}
