/*
 * Generic SQL over field tables: insert, update, get, delete and filtered listing.
 *
 * SQL text is assembled only from column names in the static field tables and fixed
 * operators; every value is a bound parameter. Statements are cached by the store, so
 * building the same text again costs a hash lookup, not a prepare.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "sqlb.h"

#define SQL_MAX 8192

static int is_column(const relm_field_t *f)
{
    return !(f->flags & RELM_FF_VIRTUAL);
}

int relm_field_is_int(const relm_field_t *f)
{
    return f->type == RELM_FT_BOOL || f->type == RELM_FT_INT || f->type == RELM_FT_MONEY ||
           f->type == RELM_FT_MINUTES;
}

/*
 * Append s to buf (length *len, size n), always NUL-terminated, cut when full. The SQL of
 * every get and insert is assembled on each call (then found in the statement cache), so
 * this runs on every request: memcpy, not snprintf.
 */
static void append(char *buf, size_t *len, size_t n, const char *s)
{
    size_t l = strlen(s);
    if (*len >= n)
        return;
    if (l > n - 1 - *len)
        l = n - 1 - *len;
    memcpy(buf + *len, s, l);
    *len += l;
    buf[*len] = '\0';
}

void relm_table_columns(const relm_entity_t *e, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < e->nfields; i++)
        if (is_column(&e->fields[i])) {
            if (len)
                append(buf, &len, n, ", ");
            append(buf, &len, n, e->fields[i].name);
        }
}

void relm_table_bind(const relm_entity_t *e, const void *rec, int idx, relm_stmt_t *s, int i)
{
    const relm_field_t *f = &e->fields[idx];
    if (relm_field_is_int(f))
        relm_stmt_bind_int(s, i, relm_record_int(e, rec, idx));
    else
        relm_stmt_bind_text(s, i, (const char *)rec + f->offset);
}

void relm_table_read_row(const relm_entity_t *e, relm_stmt_t *s, void *rec)
{
    int col = 0;
    for (int i = 0; i < e->nfields; i++) {
        const relm_field_t *f = &e->fields[i];
        if (!is_column(f))
            continue;
        if (relm_field_is_int(f))
            relm_record_set_int(e, rec, i, relm_stmt_int(s, col));
        else
            relm_copy((char *)rec + f->offset, f->size, relm_stmt_text(s, col));
        col++;
    }
}

static size_t key_where(const relm_entity_t *e, char *buf, size_t n)
{
    size_t len = 0;
    for (int i = 0; i < e->nfields; i++)
        if (e->fields[i].flags & RELM_FF_KEY)
            len += (size_t)snprintf(buf + len, len < n ? n - len : 0, "%s%s = ?",
                                    len ? " AND " : " WHERE ", e->fields[i].name);
    return len;
}

static int bind_key(const relm_entity_t *e, const void *rec, relm_stmt_t *s, int first)
{
    for (int i = 0; i < e->nfields; i++)
        if (e->fields[i].flags & RELM_FF_KEY)
            relm_table_bind(e, rec, i, s, first++);
    return first;
}

int relm_table_insert(relm_t *r, const relm_entity_t *e, const void *rec, relm_error_t *err)
{
    char sql[SQL_MAX], cols[SQL_MAX / 2];
    size_t len = 0;
    int first = 1;
    relm_table_columns(e, cols, sizeof(cols));
    sql[0] = '\0';
    append(sql, &len, sizeof(sql), "INSERT INTO ");
    append(sql, &len, sizeof(sql), e->table);
    append(sql, &len, sizeof(sql), " (");
    append(sql, &len, sizeof(sql), cols);
    append(sql, &len, sizeof(sql), ") VALUES (");
    for (int i = 0; i < e->nfields; i++)
        if (is_column(&e->fields[i])) {
            append(sql, &len, sizeof(sql), first ? "?" : ", ?");
            first = 0;
        }
    append(sql, &len, sizeof(sql), ")");
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    int p = 1;
    for (int i = 0; i < e->nfields; i++)
        if (is_column(&e->fields[i]))
            relm_table_bind(e, rec, i, s, p++);
    return relm_stmt_run(s, err);
}

int relm_table_update(relm_t *r, const relm_entity_t *e, const void *rec, relm_mask_t cols,
                      relm_error_t *err)
{
    char sql[SQL_MAX];
    size_t len = (size_t)snprintf(sql, sizeof(sql), "UPDATE %s SET ", e->table);
    int any = 0;
    for (int i = 0; i < e->nfields; i++)
        if ((cols & RELM_BIT(i)) && is_column(&e->fields[i]) && !(e->fields[i].flags & RELM_FF_KEY))
            len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s%s = ?", any++ ? ", " : "",
                                    e->fields[i].name);
    if (!any)
        return 0;
    key_where(e, sql + len, sizeof(sql) - len);
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    int p = 1;
    for (int i = 0; i < e->nfields; i++)
        if ((cols & RELM_BIT(i)) && is_column(&e->fields[i]) && !(e->fields[i].flags & RELM_FF_KEY))
            relm_table_bind(e, rec, i, s, p++);
    bind_key(e, rec, s, p);
    return relm_stmt_run(s, err);
}

int relm_table_get(relm_t *r, const relm_entity_t *e, const void *key, void *out, relm_error_t *err)
{
    char sql[SQL_MAX];
    size_t len = 7;
    memcpy(sql, "SELECT ", 8);
    relm_table_columns(e, sql + len, sizeof(sql) - len);
    len += strlen(sql + len);
    append(sql, &len, sizeof(sql), " FROM ");
    append(sql, &len, sizeof(sql), e->table);
    key_where(e, sql + len, sizeof(sql) - len);
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    bind_key(e, key, s, 1);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        if (out != key)
            relm_record_init(e, out);
        relm_table_read_row(e, s, out);
        rc = 0;
    } else if (rc == RELM_STEP_DONE) {
        rc = RELM_ENOTFOUND;
    }
    relm_stmt_release(s);
    return rc;
}

int relm_table_exists(relm_t *r, const relm_entity_t *e, const void *key, relm_error_t *err)
{
    char sql[SQL_MAX];
    size_t len = (size_t)snprintf(sql, sizeof(sql), "SELECT 1 FROM %s", e->table);
    key_where(e, sql + len, sizeof(sql) - len);
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    bind_key(e, key, s, 1);
    rc = relm_stmt_step(s, err);
    relm_stmt_release(s);
    return rc == RELM_STEP_ROW ? 1 : rc;
}

int relm_table_delete(relm_t *r, const relm_entity_t *e, const void *key, relm_error_t *err)
{
    char sql[SQL_MAX];
    size_t len = (size_t)snprintf(sql, sizeof(sql), "DELETE FROM %s", e->table);
    key_where(e, sql + len, sizeof(sql) - len);
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    bind_key(e, key, s, 1);
    rc = relm_stmt_run(s, err);
    if (rc == 0 && relm_store_changes(r->store) == 0)
        rc = RELM_ENOTFOUND;
    return rc;
}

int relm_list(relm_t *r, const relm_entity_t *e, const relm_filter_t *filters, int nfilters,
              long limit, relm_row_fn fn, void *ctx, relm_error_t *err)
{
    return relm_list_search(r, e, filters, nfilters, NULL, 0, NULL, limit, fn, ctx, err);
}

int relm_list_search(relm_t *r, const relm_entity_t *e, const relm_filter_t *filters, int nfilters,
                     const int *any, int nany, const char *text, long limit, relm_row_fn fn,
                     void *ctx, relm_error_t *err)
{
    sqlb_t *b = sqlb_new(relm_store_fold(r->store));
    if (!b)
        return relm_error_set(err, RELM_ENOMEM, "out of memory listing %s", e->name);
    if (!text || !*text)
        nany = 0;
    sqlb_sql(b, "SELECT ");
    sqlb_columns(b, e);
    sqlb_sqlf(b, " FROM %s WHERE 1 = 1", e->table);
    for (int i = 0; i < nfilters; i++)
        sqlb_filter(b, e, &filters[i], NULL);
    /* The search: one pattern, folded like "~", matched against each field in turn. */
    for (int k = 0; k < nany; k++) {
        sqlb_sqlf(b, "%s%s(%s) LIKE %s(?) ESCAPE '\\'", k ? " OR " : " AND (", b->fold,
                  e->fields[any[k]].name, b->fold);
        sqlb_like(b, text);
    }
    if (nany)
        sqlb_sql(b, ")");
    sqlb_sql(b, " ORDER BY ");
    int nk = 0;
    for (int i = 0; i < e->nfields; i++)
        if (e->fields[i].flags & RELM_FF_KEY)
            sqlb_sqlf(b, "%s%s", nk++ ? ", " : "", e->fields[i].name);
    sqlb_limit(b, limit);
    relm_stmt_t *s;
    int rc = sqlb_prepare(r, b, &s, err);
    free(b);
    if (rc)
        return rc;
    void *rec = malloc(e->size);
    if (!rec) {
        relm_stmt_release(s);
        return relm_error_set(err, RELM_ENOMEM, "out of memory listing %s", e->name);
    }
    while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
        relm_record_init(e, rec);
        relm_table_read_row(e, s, rec);
        if (fn(ctx, rec)) {
            rc = 0;
            break;
        }
    }
    free(rec);
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

int relm_count(relm_t *r, const char *sql, const char *p1, int64_t *out, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    if (p1)
        relm_stmt_bind_text(s, 1, p1);
    rc = relm_stmt_step(s, err);
    *out = rc == RELM_STEP_ROW ? relm_stmt_int(s, 0) : 0;
    relm_stmt_release(s);
    return rc < 0 ? rc : 0;
}

/* Run head expr tail; *sorted tells whether the rows went through a sort. */
static int run_ranked(relm_t *r, const char *head, const char *expr, const char *tail,
                      void (*bind)(void *ctx, relm_stmt_t *s), void *ctx, int64_t *changes,
                      int *sorted, relm_error_t *err)
{
    size_t hl = strlen(head), el = strlen(expr), tl = strlen(tail);
    char *sql = malloc(hl + el + tl + 1);
    if (!sql)
        return relm_error_set(err, RELM_ENOMEM, "out of memory");
    memcpy(sql, head, hl);
    memcpy(sql + hl, expr, el);
    memcpy(sql + hl + el, tail, tl + 1);
    relm_stmt_t *s = NULL;
    int rc = 0;
    /* The counter only when the engine foresees no sort: a sorting run would be wasted. */
    if (sorted && relm_store_plan_sorts(r->store, sql))
        rc = 1;
    else if ((rc = relm_stmt_prepare(r->store, sql, &s, err)) == 0) {
        relm_stmt_sorts(s);
        bind(ctx, s);
        while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW)
            ;
        if (rc >= 0) {
            rc = 0;
            *changes = relm_store_changes(r->store);
            if (sorted)
                *sorted = relm_stmt_sorts(s) > 0;
        }
        relm_stmt_release(s);
    }
    free(sql);
    return rc;
}

int relm_insert_ranked(relm_t *r, const char *head, const char *tail, const char *window,
                       void (*bind)(void *ctx, relm_stmt_t *s), void *ctx, int64_t *changes,
                       relm_error_t *err)
{
    int64_t n = 0;
    const char *seq = relm_store_sequence(r->store);
    if (seq) {
        /* A savepoint: a run that sorted after all is undone and numbered again. */
        int rc = relm_store_begin(r->store, err), sorted = 1;
        if (rc)
            return rc;
        rc = run_ranked(r, head, seq, tail, bind, ctx, &n, &sorted, err);
        if (rc == 0 && !sorted && relm_store_sequence_value(r->store) == n) {
            if ((rc = relm_store_commit(r->store, err)) == 0 && changes)
                *changes = n;
            return rc;
        }
        relm_store_rollback(r->store);
        if (rc < 0)
            return rc;
    }
    int rc = run_ranked(r, head, window, tail, bind, ctx, &n, NULL, err);
    if (rc == 0 && changes)
        *changes = n;
    return rc;
}

int relm_counter_take(relm_t *r, const char *name, int64_t n, int64_t *first, relm_error_t *err)
{
    static const char sql[] = "UPDATE relm_counter SET value = value + ? WHERE name = ? "
                              "RETURNING value";
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_int(s, 1, n);
    relm_stmt_bind_text(s, 2, name);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW) {
        *first = relm_stmt_int(s, 0) - n + 1;
        rc = 0;
    } else if (rc == RELM_STEP_DONE) {
        rc = relm_error_set(err, RELM_ESTORAGE, "counter %s is missing", name);
    }
    relm_stmt_release(s);
    return rc;
}

void relm_now_stamp(char out[RELM_STAMP_SZ])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, RELM_STAMP_SZ, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void relm_now_time(char out[RELM_TIME_SZ])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, RELM_TIME_SZ, "%H:%M:%S", &tm);
}
