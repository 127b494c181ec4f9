/*
 * Salespersons. A salesperson named by contacts or interaction log entries is kept:
 * deleting it would leave history pointing at nobody.
 */
#include <string.h>

#include "internal.h"

typedef relm_salesperson_t sp_t;

/* Field indexes of fields[]: each entry below is placed at its index. */
enum { SP_CODE, SP_NAME, SP_EMAIL, SP_PHONE_NO, SP_JOB_TITLE, SP_BLOCKED, SP_COUNT };

static const relm_field_t fields[] = {
    [SP_CODE] = FIELD(sp_t, code, RELM_FT_CODE, RELM_FF_KEY, 20, NULL, NULL),
    [SP_NAME] = FIELD(sp_t, name, RELM_FT_TEXT, 0, 50, NULL, NULL),
    [SP_EMAIL] = FIELD(sp_t, email, RELM_FT_EMAIL, 0, 80, NULL, NULL),
    [SP_PHONE_NO] = FIELD(sp_t, phone_no, RELM_FT_TEXT, 0, 30, NULL, NULL),
    [SP_JOB_TITLE] = FIELD(sp_t, job_title, RELM_FT_TEXT, 0, 30, NULL, NULL),
    [SP_BLOCKED] = FIELD(sp_t, blocked, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
};

_Static_assert(sizeof(fields) / sizeof(fields[0]) == SP_COUNT, "one entry per field index");

static int op_add(relm_t *r, void *rec, relm_mask_t given, relm_error_t *err)
{
    (void)given;
    return relm_salesperson_add(r, rec, err);
}

static int op_get(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_salesperson_get(r, key, out, err);
}

static int op_update(relm_t *r, const char *key, const void *changes, relm_mask_t given,
                     relm_error_t *err)
{
    return relm_salesperson_update(r, key, changes, given, err);
}

static int op_remove(relm_t *r, const char *key, relm_error_t *err)
{
    return relm_salesperson_delete(r, key, err);
}

static int op_stats(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_salesperson_stats(r, key, out, err);
}

const relm_entity_t relm_salesperson_entity = {
    "salesperson", "salesperson", sizeof(sp_t), fields,    sizeof(fields) / sizeof(fields[0]),
    op_add,        op_get,        op_update,    op_remove, &relm_totals_entity,
    op_stats,
};

int relm_salesperson_add(relm_t *r, relm_salesperson_t *sp, relm_error_t *err)
{
    if (!sp->code[0])
        return relm_error_set(err, RELM_EVALIDATION, "salesperson code is required");
    int rc = relm_table_exists(r, &relm_salesperson_entity, sp, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return relm_error_set(err, RELM_EEXISTS, "salesperson %s already exists", sp->code);
    return relm_table_insert(r, &relm_salesperson_entity, sp, err);
}

int relm_salesperson_get(relm_t *r, const char *code, relm_salesperson_t *out, relm_error_t *err)
{
    relm_record_init(&relm_salesperson_entity, out);
    int rc = relm_record_set(&relm_salesperson_entity, out, NULL, "code", code, err);
    if (rc)
        return rc;
    rc = relm_table_get(r, &relm_salesperson_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "salesperson %s does not exist", out->code);
    return rc;
}

int relm_salesperson_update(relm_t *r, const char *code, const relm_salesperson_t *changes,
                            relm_mask_t given, relm_error_t *err)
{
    relm_salesperson_t cur;
    int rc = relm_salesperson_get(r, code, &cur, err);
    if (rc)
        return rc;
    given &= ~RELM_BIT(SP_CODE); /* the code is the key: rename is not an update */
    relm_record_merge(&relm_salesperson_entity, &cur, changes, given);
    return relm_table_update(r, &relm_salesperson_entity, &cur, given, err);
}

int relm_salesperson_delete(relm_t *r, const char *code, relm_error_t *err)
{
    relm_salesperson_t cur;
    int rc = relm_salesperson_get(r, code, &cur, err);
    if (rc)
        return rc;
    int64_t n = 0;
    rc = relm_count(r, "SELECT count(*) FROM interaction_log_entry WHERE salesperson_code = ?",
                    cur.code, &n, err);
    if (rc == 0 && n > 0)
        return relm_error_set(err, RELM_EINUSE,
                              "salesperson %s has %lld interaction log entries and cannot be "
                              "deleted",
                              cur.code, (long long)n);
    if (rc == 0)
        rc = relm_count(r, "SELECT count(*) FROM contact WHERE salesperson_code = ?", cur.code, &n,
                        err);
    if (rc == 0 && n > 0)
        return relm_error_set(err, RELM_EINUSE,
                              "salesperson %s is the salesperson of %lld contacts and cannot be "
                              "deleted",
                              cur.code, (long long)n);
    if (rc)
        return rc;
    return relm_table_delete(r, &relm_salesperson_entity, &cur, err);
}
