/*
 * The SQL builder (sqlb.h): bounded text, copied parameters, one filter translation.
 */
#include "sqlb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

sqlb_t *sqlb_new(const char *fold)
{
    sqlb_t *b = malloc(sizeof(*b));
    if (b) {
        sqlb_reset(b);
        b->fold = fold ? fold : "lower";
    }
    return b;
}

void sqlb_reset(sqlb_t *b)
{
    b->sql[0] = '\0';
    b->len = 0;
    b->n = 0;
    b->text_len = 0;
    b->overflow = 0;
    b->mark = 0;
}

void sqlb_sql(sqlb_t *b, const char *text)
{
    size_t l = strlen(text);
    if (b->len + l + 1 > sizeof(b->sql)) {
        b->overflow = 1;
        return;
    }
    memcpy(b->sql + b->len, text, l + 1);
    b->len += l;
}

void sqlb_sqlf(sqlb_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = sizeof(b->sql) - b->len;
    int l = vsnprintf(b->sql + b->len, room, fmt, ap);
    va_end(ap);
    if (l < 0 || (size_t)l >= room) {
        b->sql[b->len] = '\0';
        b->overflow = 1;
        return;
    }
    b->len += (size_t)l;
}

/* Take the next parameter slot, or NULL (overflow set) when there is none. */
static int next_param(sqlb_t *b)
{
    if (b->n >= SQLB_BINDS) {
        b->overflow = 1;
        return -1;
    }
    return b->n++;
}

/* Reserve n bytes of text storage; NULL (overflow set) when they do not fit. */
static char *text_room(sqlb_t *b, size_t n, size_t *at)
{
    if (b->text_len + n > sizeof(b->text)) {
        b->overflow = 1;
        return NULL;
    }
    *at = b->text_len;
    b->text_len += n;
    return b->text + *at;
}

/* SIZE_MAX as the offset stands for SQL NULL. */
void sqlb_text(sqlb_t *b, const char *v)
{
    size_t at = SIZE_MAX;
    if (v) {
        size_t l = strlen(v);
        char *dst = text_room(b, l + 1, &at);
        if (!dst)
            return;
        memcpy(dst, v, l + 1);
    }
    int i = next_param(b);
    if (i < 0)
        return;
    b->b[i].is_int = 0;
    b->b[i].t = at;
}

void sqlb_int(sqlb_t *b, int64_t v)
{
    int i = next_param(b);
    if (i < 0)
        return;
    b->b[i].is_int = 1;
    b->b[i].i = v;
}

void sqlb_like(sqlb_t *b, const char *v)
{
    size_t at, l = 0;
    char *like = text_room(b, 2 * strlen(v) + 3, &at);
    if (!like)
        return;
    like[l++] = '%';
    for (const char *p = v; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            like[l++] = '\\';
        like[l++] = *p;
    }
    like[l++] = '%';
    like[l] = '\0';
    b->text_len = at + l + 1;
    int i = next_param(b);
    if (i < 0)
        return;
    b->b[i].is_int = 0;
    b->b[i].t = at;
}

void sqlb_binds_from(sqlb_t *b, const sqlb_t *src)
{
    for (int k = 0; k < src->n; k++) {
        if (src->b[k].is_int)
            sqlb_int(b, src->b[k].i);
        else
            sqlb_text(b, src->b[k].t == SIZE_MAX ? NULL : src->text + src->b[k].t);
    }
    if (src->overflow)
        b->overflow = 1;
}

void sqlb_columns(sqlb_t *b, const relm_entity_t *e)
{
    int first = 1;
    for (int i = 0; i < e->nfields; i++) {
        if (e->fields[i].flags & RELM_FF_VIRTUAL)
            continue;
        if (!first)
            sqlb_sql(b, ", ");
        sqlb_sql(b, e->fields[i].name);
        first = 0;
    }
}

void sqlb_filter(sqlb_t *b, const relm_entity_t *e, const relm_filter_t *f, const char *alias)
{
    const relm_field_t *fd = &e->fields[f->field];
    const char *dot = alias ? "." : "";
    if (!alias)
        alias = "";
    if (strcmp(f->op, "~") == 0) {
        sqlb_sqlf(b, " AND %s(%s%s%s) LIKE %s(?) ESCAPE '\\'", b->fold, alias, dot, fd->name,
                  b->fold);
        sqlb_like(b, f->value);
        return;
    }
    int eq = strcmp(f->op, "=") == 0;
    if (fd->type == RELM_FT_EMAIL && (eq || strcmp(f->op, "!=") == 0)) {
        sqlb_sqlf(b, " AND %s(%s%s%s) %s %s(?)", b->fold, alias, dot, fd->name, eq ? "=" : "<>",
                  b->fold);
        sqlb_text(b, f->value);
        return;
    }
    /* The operators relm_filter_parse() accepts, as SQL. */
    static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">=", NULL};
    static const char *const sql_ops[] = {"=", "<>", "<", "<=", ">", ">="};
    const char *op = "=";
    for (int k = 0; ops[k]; k++)
        if (strcmp(f->op, ops[k]) == 0)
            op = sql_ops[k];
    sqlb_sqlf(b, " AND %s%s%s %s ?", alias, dot, fd->name, op);
    if (relm_field_is_int(fd))
        sqlb_int(b, strtoll(f->value, NULL, 10));
    else
        sqlb_text(b, f->value);
}

void sqlb_limit(sqlb_t *b, int64_t limit)
{
    if (limit <= 0)
        return;
    sqlb_sql(b, " LIMIT ?");
    sqlb_int(b, limit);
}

void sqlb_bind(const sqlb_t *b, relm_stmt_t *s)
{
    for (int i = 0; i < b->n; i++) {
        if (b->b[i].is_int)
            relm_stmt_bind_int(s, i + 1, b->b[i].i);
        else if (b->b[i].t == SIZE_MAX)
            relm_stmt_bind_null(s, i + 1);
        else
            relm_stmt_bind_text(s, i + 1, b->text + b->b[i].t);
    }
}

int sqlb_prepare(relm_t *r, const sqlb_t *b, relm_stmt_t **out, relm_error_t *err)
{
    if (b->overflow)
        return relm_error_set(err, RELM_EVALIDATION, "the criteria are too long");
    int rc = relm_stmt_prepare(r->store, b->sql, out, err);
    if (rc == 0)
        sqlb_bind(b, *out);
    return rc;
}

int sqlb_run(relm_t *r, const sqlb_t *b, int64_t *changes, relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = sqlb_prepare(r, b, &s, err);
    if (rc)
        return rc;
    rc = relm_stmt_run(s, err);
    if (rc == 0 && changes)
        *changes = relm_store_changes(r->store);
    return rc;
}
