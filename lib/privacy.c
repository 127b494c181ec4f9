/*
 * A person's data (domain §12): export everything relm holds about one contact as one JSON
 * document, and erase it.
 *
 * Which values are personal, and so go on erasure (docs/privacy.md):
 * - contact: every name, address, number and e-mail field (name becomes "Erased contact"),
 *   job title and preferred correspondence type; kept: no, type, the company link and the
 *   company's name (a company's own name is personal to it and goes), salesperson,
 *   territory and language codes, the exclusion flag, the stamps;
 * - interaction log entries of the contact: description, subject, contact_via (typed or
 *   merged text and the address used), message_id and delivery_error (which carry
 *   addresses); kept: every value a statistic reads, so salesperson, template, group and
 *   campaign figures stay what they were;
 * - bodies kept with those entries (table attachment) and their comment lines: deleted;
 * - segment lines of the contact (current and removed by steps): description, subject and
 *   contact_via.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "relm/json.h"
#include "relm/privacy.h"

typedef relm_erasure_t er_t;

/* Field indexes of erasure_fields[]: each entry below is placed at its index. */
enum {
    ER_ERASURE_NO,
    ER_CONTACT_NO,
    ER_CONTACT_TYPE,
    ER_ERASED_BY,
    ER_ERASED_AT,
    ER_ENTRIES_ANONYMISED,
    ER_ATTACHMENTS_DELETED,
    ER_COMMENTS_DELETED,
    ER_SEGMENT_LINES_ANONYMISED,
    ER_COUNT
};

static const relm_field_t erasure_fields[] = {
    [ER_ERASURE_NO] =
        FIELD(er_t, erasure_no, RELM_FT_INT, RELM_FF_KEY | RELM_FF_READONLY, 0, NULL, NULL),
    [ER_CONTACT_NO] = FIELD(er_t, contact_no, RELM_FT_CODE, RELM_FF_READONLY, 20, NULL, NULL),
    [ER_CONTACT_TYPE] = FIELD(er_t, contact_type, RELM_FT_TEXT, RELM_FF_READONLY, 15, NULL, NULL),
    [ER_ERASED_BY] = FIELD(er_t, erased_by, RELM_FT_TEXT, RELM_FF_READONLY, 0, NULL, NULL),
    [ER_ERASED_AT] = FIELD(er_t, erased_at, RELM_FT_TIMESTAMP, RELM_FF_READONLY, 0, NULL, NULL),
    [ER_ENTRIES_ANONYMISED] =
        FIELD(er_t, entries_anonymised, RELM_FT_INT, RELM_FF_READONLY, 0, NULL, NULL),
    [ER_ATTACHMENTS_DELETED] =
        FIELD(er_t, attachments_deleted, RELM_FT_INT, RELM_FF_READONLY, 0, NULL, NULL),
    [ER_COMMENTS_DELETED] =
        FIELD(er_t, comments_deleted, RELM_FT_INT, RELM_FF_READONLY, 0, NULL, NULL),
    [ER_SEGMENT_LINES_ANONYMISED] =
        FIELD(er_t, segment_lines_anonymised, RELM_FT_INT, RELM_FF_READONLY, 0, NULL, NULL),
};

_Static_assert(sizeof(erasure_fields) / sizeof(erasure_fields[0]) == ER_COUNT,
               "one entry per field index");

const relm_entity_t relm_erasure_entity = {
    .name = "erasure",
    .table = "privacy_erasure",
    .size = sizeof(er_t),
    .fields = erasure_fields,
    .nfields = ER_COUNT,
};

/* ---- export ---- */

typedef struct collect {
    const relm_entity_t *e;
    json_t *items;
    /* Entries: the campaign entries and logged segments they point at, once each. */
    int64_t *links[2];
    size_t nlinks[2], caplinks[2];
    int nomem;
} collect_t;

static void remember(collect_t *c, int which, int64_t v)
{
    if (v <= 0)
        return;
    for (size_t i = 0; i < c->nlinks[which]; i++)
        if (c->links[which][i] == v)
            return;
    if (c->nlinks[which] == c->caplinks[which]) {
        size_t cap = c->caplinks[which] ? c->caplinks[which] * 2 : 16;
        int64_t *p = realloc(c->links[which], cap * sizeof(*p));
        if (!p) {
            c->nomem = 1;
            return;
        }
        c->links[which] = p;
        c->caplinks[which] = cap;
    }
    c->links[which][c->nlinks[which]++] = v;
}

static int collect_row(void *ctx, const void *rec)
{
    collect_t *c = ctx;
    json_t *j = relm_record_json(c->e, rec);
    if (!j || json_array_append_new(c->items, j)) {
        c->nomem = 1;
        return 1;
    }
    if (c->e == &relm_interaction_entity) {
        const relm_interaction_t *x = rec;
        remember(c, 0, x->campaign_entry_no);
        remember(c, 1, x->logged_segment_entry_no);
    }
    return 0;
}

static int filter_on(const relm_entity_t *e, const char *field, const char *value, relm_filter_t *f)
{
    memset(f, 0, sizeof(*f));
    f->field = relm_field_index(e, field);
    strcpy(f->op, "=");
    relm_copy(f->value, sizeof(f->value), value);
    return f->field;
}

/* The bodies kept with entry entry_no as an array: one object per attachment row. */
static int attachments_json(relm_t *r, int64_t entry_no, json_t **out, relm_error_t *err)
{
    static const char sql[] = "SELECT attachment_no, kind, content_type, file_name, encoding, "
                              "body, created_at FROM attachment WHERE entry_no = ? "
                              "ORDER BY attachment_no";
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    relm_stmt_bind_int(s, 1, entry_no);
    json_t *a = json_array();
    while (a && (rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
        json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "attachment_no",
                              (json_int_t)relm_stmt_int(s, 0), "kind", relm_stmt_text(s, 1),
                              "content_type", relm_stmt_text(s, 2), "file_name",
                              relm_stmt_text(s, 3), "encoding", relm_stmt_text(s, 4), "body",
                              relm_stmt_text(s, 5), "created_at", relm_stmt_text(s, 6));
        if (!o || json_array_append_new(a, o)) {
            rc = relm_error_set(err, RELM_ENOMEM, "out of memory exporting entry %lld",
                                (long long)entry_no);
            break;
        }
    }
    relm_stmt_release(s);
    if (!a)
        return relm_error_set(err, RELM_ENOMEM, "out of memory exporting entry %lld",
                              (long long)entry_no);
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}

/* Comment lines and kept bodies added to every entry object of items. */
static int entry_details(relm_t *r, json_t *items, relm_error_t *err)
{
    size_t i;
    json_t *entry;
    json_array_foreach(items, i, entry)
    {
        int64_t no = json_integer_value(json_object_get(entry, "entry_no"));
        collect_t cm = {
            &relm_interaction_comment_entity, json_array(), {NULL, NULL}, {0, 0}, {0, 0}, 0};
        if (!cm.items)
            return relm_error_set(err, RELM_ENOMEM, "out of memory exporting entry %lld",
                                  (long long)no);
        int rc = relm_interaction_comment_list(r, no, collect_row, &cm, err);
        if (rc == 0 && cm.nomem)
            rc = relm_error_set(err, RELM_ENOMEM, "out of memory exporting entry %lld",
                                (long long)no);
        json_object_set_new(entry, "comments", cm.items);
        json_t *att = NULL;
        if (rc == 0 && (rc = attachments_json(r, no, &att, err)) == 0)
            json_object_set_new(entry, "attachments", att);
        if (rc)
            return rc;
    }
    return 0;
}

/* The records of e keyed by the entry numbers in nos, in that order. */
static int records_by_no(relm_t *r, const relm_entity_t *e, const int64_t *nos, size_t n,
                         json_t *items, relm_error_t *err)
{
    void *rec = malloc(e->size);
    if (!rec)
        return relm_error_set(err, RELM_ENOMEM, "out of memory exporting %s", e->name);
    int key = relm_field_index(e, "entry_no");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        relm_record_init(e, rec);
        relm_record_set_int(e, rec, key, nos[i]);
        rc = relm_table_get(r, e, rec, rec, err);
        if (rc == RELM_ENOTFOUND) {
            rc = 0; /* a link to a record since deleted: nothing held */
            continue;
        }
        if (rc == 0 && json_array_append_new(items, relm_record_json(e, rec)))
            rc = relm_error_set(err, RELM_ENOMEM, "out of memory exporting %s", e->name);
    }
    free(rec);
    return rc;
}

/* Lines criteria steps removed from segments, kept for undo: same columns as a line. */
static int removed_lines(relm_t *r, const char *no, json_t *items, relm_error_t *err)
{
    const relm_entity_t *e = &relm_segment_line_entity;
    char cols[2048], sql[2300];
    relm_table_columns(e, cols, sizeof(cols));
    snprintf(sql, sizeof(sql),
             "SELECT %s FROM segment_removed_line WHERE contact_no = ? ORDER BY step_id, "
             "segment_no, line_no",
             cols);
    void *rec = malloc(e->size);
    relm_stmt_t *s;
    int rc = rec ? relm_stmt_prepare(r->store, sql, &s, err)
                 : relm_error_set(err, RELM_ENOMEM, "out of memory exporting contact %s", no);
    if (rc) {
        free(rec);
        return rc;
    }
    relm_stmt_bind_text(s, 1, no);
    while ((rc = relm_stmt_step(s, err)) == RELM_STEP_ROW) {
        relm_record_init(e, rec);
        relm_table_read_row(e, s, rec);
        if (json_array_append_new(items, relm_record_json(e, rec))) {
            rc = relm_error_set(err, RELM_ENOMEM, "out of memory exporting contact %s", no);
            break;
        }
    }
    relm_stmt_release(s);
    free(rec);
    return rc < 0 ? rc : 0;
}

static int list_into(relm_t *r, collect_t *c, const char *field, const char *no, relm_error_t *err)
{
    relm_filter_t f;
    filter_on(c->e, field, no, &f);
    int rc = relm_list(r, c->e, &f, 1, 0, collect_row, c, err);
    if (rc == 0 && c->nomem)
        rc = relm_error_set(err, RELM_ENOMEM, "out of memory exporting contact %s", no);
    return rc;
}

static int export_locked(relm_t *r, const relm_contact_t *ct, json_t *doc, relm_error_t *err)
{
    char stamp[RELM_STAMP_SZ];
    relm_now_stamp(stamp);
    json_object_set_new(doc, "format", json_string("relm-personal-data/1"));
    json_object_set_new(doc, "exported_at", json_string(stamp));
    json_object_set_new(doc, "contact", relm_record_json(&relm_contact_entity, ct));

    collect_t en = {&relm_interaction_entity, json_array(), {NULL, NULL}, {0, 0}, {0, 0}, 0};
    collect_t sl = {&relm_segment_line_entity, json_array(), {NULL, NULL}, {0, 0}, {0, 0}, 0};
    json_t *removed = json_array(), *ce = json_array(), *ls = json_array(), *er = json_array();
    int rc = 0;
    if (!en.items || !sl.items || !removed || !ce || !ls || !er)
        rc = relm_error_set(err, RELM_ENOMEM, "out of memory exporting contact %s", ct->no);
    if (rc == 0)
        rc = list_into(r, &en, "contact_no", ct->no, err);
    if (rc == 0)
        rc = entry_details(r, en.items, err);
    if (rc == 0)
        rc = list_into(r, &sl, "contact_no", ct->no, err);
    if (rc == 0)
        rc = removed_lines(r, ct->no, removed, err);
    if (rc == 0)
        rc = records_by_no(r, &relm_campaign_entry_entity, en.links[0], en.nlinks[0], ce, err);
    if (rc == 0)
        rc = records_by_no(r, &relm_logged_segment_entity, en.links[1], en.nlinks[1], ls, err);
    if (rc == 0) {
        collect_t ec = {&relm_erasure_entity, er, {NULL, NULL}, {0, 0}, {0, 0}, 0};
        rc = list_into(r, &ec, "contact_no", ct->no, err);
    }
    json_object_set_new(doc, "interactions", en.items ? en.items : json_array());
    json_object_set_new(doc, "segment_lines", sl.items ? sl.items : json_array());
    json_object_set_new(doc, "removed_segment_lines", removed ? removed : json_array());
    json_object_set_new(doc, "campaign_entries", ce ? ce : json_array());
    json_object_set_new(doc, "logged_segments", ls ? ls : json_array());
    json_object_set_new(doc, "erasures", er ? er : json_array());
    free(en.links[0]);
    free(en.links[1]);
    free(sl.links[0]);
    free(sl.links[1]);
    return rc;
}

int relm_contact_export_data(relm_t *r, const char *no, json_t **out, relm_error_t *err)
{
    *out = NULL;
    relm_contact_t *ct = malloc(sizeof(*ct));
    json_t *doc = json_object();
    if (!ct || !doc) {
        free(ct);
        json_decref(doc);
        return relm_error_set(err, RELM_ENOMEM, "out of memory exporting contact %s", no);
    }
    /* One read transaction: the document is a consistent picture of one moment. */
    int rc = relm_store_begin(r->store, err);
    if (rc == 0) {
        rc = relm_contact_get(r, no, ct, err);
        if (rc == 0)
            rc = export_locked(r, ct, doc, err);
        relm_store_rollback(r->store);
    }
    free(ct);
    if (rc) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return 0;
}

/* ---- erase ---- */

static const char sql_blank_contact[] =
    "UPDATE contact SET name = ?, first_name = '', middle_name = '', surname = '', "
    "job_title = '', address = '', address_2 = '', post_code = '', city = '', county = '', "
    "country_code = '', phone_no = '', mobile_phone_no = '', email = '', fax_no = '', "
    "correspondence_type = '', privacy_blocked = 1, modified_at = ? WHERE no = ?";
/* A company's own name is personal to it; its persons hold a copy of that name. */
static const char sql_blank_company_name[] =
    "UPDATE contact SET company_name = ? WHERE company_no = ?";
static const char sql_delete_attachments[] =
    "DELETE FROM attachment WHERE entry_no IN "
    "(SELECT entry_no FROM interaction_log_entry WHERE contact_no = ?)";
static const char sql_delete_comments[] =
    "DELETE FROM interaction_comment WHERE entry_no IN "
    "(SELECT entry_no FROM interaction_log_entry WHERE contact_no = ?)";
static const char sql_blank_entries[] =
    "UPDATE interaction_log_entry SET description = '', subject = '', contact_via = '', "
    "message_id = '', delivery_error = '', attachment_no = 0 WHERE contact_no = ?";
static const char sql_blank_lines[] =
    "UPDATE segment_line SET description = '', subject = '', contact_via = '' "
    "WHERE contact_no = ?";
static const char sql_blank_removed[] =
    "UPDATE segment_removed_line SET description = '', subject = '', contact_via = '' "
    "WHERE contact_no = ?";

/* Run sql with text parameters v[0..n-1]; *changes (may be NULL) receives the rows changed. */
static int run(relm_t *r, const char *sql, const char *const *v, int n, int64_t *changes,
               relm_error_t *err)
{
    relm_stmt_t *s;
    int rc = relm_stmt_prepare(r->store, sql, &s, err);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        relm_stmt_bind_text(s, i + 1, v[i]);
    rc = relm_stmt_run(s, err);
    if (rc == 0 && changes)
        *changes = relm_store_changes(r->store);
    return rc;
}

static int erase_locked(relm_t *r, const char *no, relm_erasure_t *e, relm_error_t *err)
{
    relm_contact_t *ct = malloc(sizeof(*ct));
    if (!ct)
        return relm_error_set(err, RELM_ENOMEM, "out of memory erasing contact %s", no);
    int rc = relm_contact_get(r, no, ct, err);
    if (rc) {
        free(ct);
        return rc;
    }
    relm_record_init(&relm_erasure_entity, e);
    relm_copy(e->contact_no, sizeof(e->contact_no), ct->no);
    relm_copy(e->contact_type, sizeof(e->contact_type), ct->type);
    relm_copy(e->erased_by, sizeof(e->erased_by), relm_user(r));
    relm_now_stamp(e->erased_at);
    int company = strcmp(ct->type, "company") == 0;
    const char *one[] = {ct->no};
    {
        const char *v[] = {RELM_ERASED_NAME, e->erased_at, ct->no};
        rc = run(r, sql_blank_contact, v, 3, NULL, err);
    }
    if (rc == 0)
        rc = relm_contact_refold(r, ct->no, err);
    if (rc == 0 && company) {
        const char *v[] = {RELM_ERASED_NAME, ct->no};
        rc = run(r, sql_blank_company_name, v, 2, NULL, err);
    }
    if (rc == 0)
        rc = run(r, sql_delete_attachments, one, 1, &e->attachments_deleted, err);
    if (rc == 0)
        rc = run(r, sql_delete_comments, one, 1, &e->comments_deleted, err);
    if (rc == 0)
        rc = run(r, sql_blank_entries, one, 1, &e->entries_anonymised, err);
    int64_t lines = 0, removed = 0;
    if (rc == 0)
        rc = run(r, sql_blank_lines, one, 1, &lines, err);
    if (rc == 0)
        rc = run(r, sql_blank_removed, one, 1, &removed, err);
    e->segment_lines_anonymised = lines + removed;
    if (rc == 0)
        rc = relm_counter_take(r, "privacy_erasure", 1, &e->erasure_no, err);
    if (rc == 0)
        rc = relm_table_insert(r, &relm_erasure_entity, e, err);
    free(ct);
    return rc;
}

int relm_contact_erase(relm_t *r, const char *no, relm_erasure_t *out, relm_error_t *err)
{
    relm_erasure_t e;
    int rc = relm_store_begin(r->store, err);
    if (rc)
        return rc;
    rc = erase_locked(r, no, &e, err);
    if (rc) {
        relm_store_rollback(r->store);
        return rc;
    }
    if ((rc = relm_store_commit(r->store, err)) == 0 && out)
        *out = e;
    return rc;
}

int relm_erasure_list(relm_t *r, const char *no, relm_row_fn fn, void *ctx, relm_error_t *err)
{
    relm_filter_t f = {0};
    int n = no && *no ? 1 : 0;
    if (n)
        filter_on(&relm_erasure_entity, "contact_no", no, &f);
    return relm_list(r, &relm_erasure_entity, &f, n, 0, fn, ctx, err);
}
