/*
 * Interaction groups and interaction templates, their language variants and attachment
 * bodies, and the merge of {{contact.FIELD}} / {{salesperson.FIELD}} fields into a body.
 *
 * Invariants kept here: every template belongs to an existing group, a template's
 * campaign exists, a group with templates is never deleted, and a template named by the
 * interaction log is never deleted (history would point at nothing). A template's
 * variants are deleted with it, in the same transaction.
 *
 * The attachment bodies live in the `attachment` columns of interaction_template and
 * interaction_template_language; they are not members of the record structs because
 * they have no length limit. They are read and written only through the attachment calls,
 * which refuse a body naming an unknown merge field (lib/merge.c does the merging).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "relm/deliver.h"

typedef relm_interaction_group_t group_t;
typedef relm_interaction_template_t tpl_t;
typedef relm_template_language_t lang_t;

const char *const relm_information_flows[] = {"", "outbound", "inbound", NULL};
const char *const relm_initiators[] = {"", "us", "them", NULL};

/* ---- interaction groups ---- */

/* Field indexes of group_fields[]: each entry below is placed at its index. */
enum { GRP_CODE, GRP_DESCRIPTION, GRP_COUNT };

static const relm_field_t group_fields[] = {
    [GRP_CODE] = FIELD(group_t, code, RELM_FT_CODE, RELM_FF_KEY, 10, NULL, NULL),
    [GRP_DESCRIPTION] = FIELD(group_t, description, RELM_FT_TEXT, 0, 100, NULL, NULL),
};

_Static_assert(sizeof(group_fields) / sizeof(group_fields[0]) == GRP_COUNT,
               "one entry per field index");

static int group_op_add(relm_t *r, void *rec, relm_mask_t given, relm_error_t *err)
{
    (void)given;
    return relm_group_add(r, rec, err);
}

static int group_op_get(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_group_get(r, key, out, err);
}

static int group_op_update(relm_t *r, const char *key, const void *changes, relm_mask_t given,
                           relm_error_t *err)
{
    return relm_group_update(r, key, changes, given, err);
}

static int group_op_remove(relm_t *r, const char *key, relm_error_t *err)
{
    return relm_group_delete(r, key, err);
}

static int group_op_stats(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_group_stats(r, key, out, err);
}

const relm_entity_t relm_group_entity = {
    "interaction group",
    "interaction_group",
    sizeof(group_t),
    group_fields,
    sizeof(group_fields) / sizeof(group_fields[0]),
    group_op_add,
    group_op_get,
    group_op_update,
    group_op_remove,
    &relm_totals_entity,
    group_op_stats,
};

int relm_group_add(relm_t *r, relm_interaction_group_t *g, relm_error_t *err)
{
    if (!g->code[0])
        return relm_error_set(err, RELM_EVALIDATION, "interaction group code is required");
    int rc = relm_table_exists(r, &relm_group_entity, g, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return relm_error_set(err, RELM_EEXISTS, "interaction group %s already exists", g->code);
    return relm_table_insert(r, &relm_group_entity, g, err);
}

int relm_group_get(relm_t *r, const char *code, relm_interaction_group_t *out, relm_error_t *err)
{
    relm_record_init(&relm_group_entity, out);
    int rc = relm_record_set(&relm_group_entity, out, NULL, "code", code, err);
    if (rc)
        return rc;
    rc = relm_table_get(r, &relm_group_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "interaction group %s does not exist", out->code);
    return rc;
}

int relm_group_update(relm_t *r, const char *code, const relm_interaction_group_t *changes,
                      relm_mask_t given, relm_error_t *err)
{
    relm_interaction_group_t cur;
    int rc = relm_group_get(r, code, &cur, err);
    if (rc)
        return rc;
    given &= ~RELM_BIT(GRP_CODE); /* the code is the key: rename is not an update */
    relm_record_merge(&relm_group_entity, &cur, changes, given);
    return relm_table_update(r, &relm_group_entity, &cur, given, err);
}

int relm_group_delete(relm_t *r, const char *code, relm_error_t *err)
{
    relm_interaction_group_t cur;
    int rc = relm_group_get(r, code, &cur, err);
    if (rc)
        return rc;
    int64_t n = 0;
    rc = relm_count(r, "SELECT count(*) FROM interaction_template WHERE interaction_group_code = ?",
                    cur.code, &n, err);
    if (rc)
        return rc;
    if (n > 0)
        return relm_error_set(err, RELM_EINUSE,
                              "interaction group %s has %lld interaction templates and cannot be "
                              "deleted",
                              cur.code, (long long)n);
    return relm_table_delete(r, &relm_group_entity, &cur, err);
}

/* ---- interaction templates ---- */

static const relm_field_t template_fields[] = {
    [TPL_CODE] = FIELD(tpl_t, code, RELM_FT_CODE, RELM_FF_KEY, 10, NULL, NULL),
    [TPL_GROUP] = FIELD(tpl_t, interaction_group_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [TPL_DESCRIPTION] = FIELD(tpl_t, description, RELM_FT_TEXT, 0, 100, NULL, NULL),
    [TPL_UNIT_COST] = FIELD(tpl_t, unit_cost, RELM_FT_MONEY, 0, 0, NULL, NULL),
    [TPL_UNIT_DURATION] = FIELD(tpl_t, unit_duration, RELM_FT_MINUTES, 0, 0, NULL, NULL),
    [TPL_INFORMATION_FLOW] =
        FIELD(tpl_t, information_flow, RELM_FT_ENUM, 0, 0, relm_information_flows, NULL),
    [TPL_INITIATED_BY] = FIELD(tpl_t, initiated_by, RELM_FT_ENUM, 0, 0, relm_initiators, NULL),
    [TPL_CORRESPONDENCE_TYPE] =
        FIELD(tpl_t, correspondence_type, RELM_FT_ENUM, 0, 0, relm_correspondence_types, NULL),
    [TPL_IGNORE_CONTACT_CORRESP_TYPE] =
        FIELD(tpl_t, ignore_contact_corresp_type, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [TPL_LANGUAGE_CODE] = FIELD(tpl_t, language_code, RELM_FT_CODE, 0, 10, NULL, NULL),
    [TPL_CAMPAIGN] = FIELD(tpl_t, campaign_no, RELM_FT_CODE, 0, 20, NULL, NULL),
    [TPL_CAMPAIGN_TARGET] =
        FIELD(tpl_t, campaign_target, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
    [TPL_CAMPAIGN_RESPONSE] =
        FIELD(tpl_t, campaign_response, RELM_FT_BOOL, RELM_FF_INT32, 0, NULL, NULL),
};

_Static_assert(sizeof(template_fields) / sizeof(template_fields[0]) == TPL_COUNT,
               "one entry per field index");

static int tpl_op_add(relm_t *r, void *rec, relm_mask_t given, relm_error_t *err)
{
    (void)given;
    return relm_template_add(r, rec, err);
}

static int tpl_op_get(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_template_get(r, key, out, err);
}

static int tpl_op_update(relm_t *r, const char *key, const void *changes, relm_mask_t given,
                         relm_error_t *err)
{
    return relm_template_update(r, key, changes, given, err);
}

static int tpl_op_remove(relm_t *r, const char *key, relm_error_t *err)
{
    return relm_template_delete(r, key, err);
}

static int tpl_op_stats(relm_t *r, const char *key, void *out, relm_error_t *err)
{
    return relm_template_stats(r, key, out, err);
}

const relm_entity_t relm_template_entity = {
    "interaction template",
    "interaction_template",
    sizeof(tpl_t),
    template_fields,
    sizeof(template_fields) / sizeof(template_fields[0]),
    tpl_op_add,
    tpl_op_get,
    tpl_op_update,
    tpl_op_remove,
    &relm_totals_entity,
    tpl_op_stats,
};

/* The group a template names must exist; so must its campaign when it names one. */
static int check_template_refs(relm_t *r, const tpl_t *t, int group, int campaign,
                               relm_error_t *err)
{
    int64_t n = 0;
    int rc;
    if (group) {
        if (!t->interaction_group_code[0])
            return relm_error_set(err, RELM_EVALIDATION,
                                  "interaction template %s: interaction_group_code is required",
                                  t->code);
        rc = relm_count(r, "SELECT count(*) FROM interaction_group WHERE code = ?",
                        t->interaction_group_code, &n, err);
        if (rc)
            return rc;
        if (n == 0)
            return relm_error_set(err, RELM_ENOTFOUND,
                                  "interaction template %s: interaction group %s does not exist",
                                  t->code, t->interaction_group_code);
    }
    if (campaign && t->campaign_no[0]) {
        rc = relm_count(r, "SELECT count(*) FROM campaign WHERE no = ?", t->campaign_no, &n, err);
        if (rc)
            return rc;
        if (n == 0)
            return relm_error_set(err, RELM_ENOTFOUND,
                                  "interaction template %s: campaign %s does not exist", t->code,
                                  t->campaign_no);
    }
    return 0;
}

int relm_template_add(relm_t *r, relm_interaction_template_t *t, relm_error_t *err)
{
    if (!t->code[0])
        return relm_error_set(err, RELM_EVALIDATION, "interaction template code is required");
    int rc = relm_table_exists(r, &relm_template_entity, t, err);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return relm_error_set(err, RELM_EEXISTS, "interaction template %s already exists", t->code);
    if ((rc = check_template_refs(r, t, 1, 1, err)))
        return rc;
    return relm_table_insert(r, &relm_template_entity, t, err);
}

int relm_template_get(relm_t *r, const char *code, relm_interaction_template_t *out,
                      relm_error_t *err)
{
    relm_record_init(&relm_template_entity, out);
    int rc = relm_record_set(&relm_template_entity, out, NULL, "code", code, err);
    if (rc)
        return rc;
    rc = relm_table_get(r, &relm_template_entity, out, out, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "interaction template %s does not exist", out->code);
    return rc;
}

int relm_template_update(relm_t *r, const char *code, const relm_interaction_template_t *changes,
                         relm_mask_t given, relm_error_t *err)
{
    relm_interaction_template_t cur;
    int rc = relm_template_get(r, code, &cur, err);
    if (rc)
        return rc;
    given &= ~RELM_BIT(TPL_CODE);
    relm_record_merge(&relm_template_entity, &cur, changes, given);
    if ((rc = check_template_refs(r, &cur, (given & RELM_BIT(TPL_GROUP)) != 0,
                                  (given & RELM_BIT(TPL_CAMPAIGN)) != 0, err)))
        return rc;
    return relm_table_update(r, &relm_template_entity, &cur, given, err);
}

int relm_template_delete(relm_t *r, const char *code, relm_error_t *err)
{
    relm_interaction_template_t cur;
    int rc = relm_template_get(r, code, &cur, err);
    if (rc)
        return rc;
    int64_t n = 0;
    rc = relm_count(
        r, "SELECT count(*) FROM interaction_log_entry WHERE interaction_template_code = ?",
        cur.code, &n, err);
    if (rc)
        return rc;
    if (n > 0)
        return relm_error_set(err, RELM_EINUSE,
                              "interaction template %s is used by %lld interaction log entries "
                              "and cannot be deleted",
                              cur.code, (long long)n);
    if ((rc = relm_store_begin(r->store, err)))
        return rc;
    /* The foreign key cascades too; deleting here keeps that true on any engine setting. */
    relm_stmt_t *s;
    rc = relm_stmt_prepare(
        r->store, "DELETE FROM interaction_template_language WHERE template_code = ?", &s, err);
    if (rc == 0) {
        relm_stmt_bind_text(s, 1, cur.code);
        rc = relm_stmt_run(s, err);
    }
    if (rc == 0)
        rc = relm_table_delete(r, &relm_template_entity, &cur, err);
    return relm_tx_end(r, rc, err);
}

/* ---- language variants ---- */

/* Field indexes of language_fields[]: each entry below is placed at its index. */
enum { TL_TEMPLATE_CODE, TL_LANGUAGE_CODE, TL_DESCRIPTION, TL_COUNT };

static const relm_field_t language_fields[] = {
    [TL_TEMPLATE_CODE] = FIELD(lang_t, template_code, RELM_FT_CODE, RELM_FF_KEY, 10, NULL, NULL),
    [TL_LANGUAGE_CODE] = FIELD(lang_t, language_code, RELM_FT_CODE, RELM_FF_KEY, 10, NULL, NULL),
    [TL_DESCRIPTION] = FIELD(lang_t, description, RELM_FT_TEXT, 0, 100, NULL, NULL),
};

_Static_assert(sizeof(language_fields) / sizeof(language_fields[0]) == TL_COUNT,
               "one entry per field index");

const relm_entity_t relm_template_language_entity = {
    .name = "interaction template language",
    .table = "interaction_template_language",
    .size = sizeof(lang_t),
    .fields = language_fields,
    .nfields = sizeof(language_fields) / sizeof(language_fields[0]),
};

/* Normalise a language code as the field does (trimmed, upper case, at most 10). */
static int norm_language(const char *language, char out[RELM_CODE10_SZ], relm_error_t *err)
{
    lang_t v;
    relm_record_init(&relm_template_language_entity, &v);
    int rc =
        relm_record_set(&relm_template_language_entity, &v, NULL, "language_code", language, err);
    if (rc == 0)
        memcpy(out, v.language_code, RELM_CODE10_SZ);
    return rc;
}

static const char sql_language_upsert[] =
    "INSERT INTO interaction_template_language (template_code, language_code, description, "
    "attachment) VALUES (?, ?, ?, coalesce(?, '')) "
    "ON CONFLICT (template_code, language_code) DO UPDATE SET description = excluded.description, "
    "attachment = coalesce(?, interaction_template_language.attachment)";

/* The same, keeping the description of an existing variant. */
static const char sql_language_upsert_keep[] =
    "INSERT INTO interaction_template_language (template_code, language_code, description, "
    "attachment) VALUES (?, ?, ?, coalesce(?, '')) "
    "ON CONFLICT (template_code, language_code) DO UPDATE SET "
    "attachment = coalesce(?, interaction_template_language.attachment)";

int relm_template_language_set(relm_t *r, const relm_template_language_t *v, const char *attachment,
                               relm_error_t *err)
{
    return relm_template_language_put(r, v, ~(relm_mask_t)0, attachment, err);
}

int relm_template_language_put(relm_t *r, const relm_template_language_t *v, relm_mask_t given,
                               const char *attachment, relm_error_t *err)
{
    int keep_description =
        !(given & RELM_BIT(relm_field_index(&relm_template_language_entity, "description")));
    relm_interaction_template_t t;
    lang_t n;
    int rc = relm_template_get(r, v->template_code, &t, err);
    if (rc)
        return rc;
    relm_record_init(&relm_template_language_entity, &n);
    memcpy(n.template_code, t.code, sizeof(n.template_code));
    if ((rc = norm_language(v->language_code, n.language_code, err)))
        return rc;
    if (!n.language_code[0])
        return relm_error_set(err, RELM_EVALIDATION,
                              "interaction template %s: language_code of a variant is required",
                              t.code);
    if ((rc = relm_record_set(&relm_template_language_entity, &n, NULL, "description",
                              v->description, err)))
        return rc;
    if (attachment && !relm_valid_utf8(attachment))
        return relm_error_set(err, RELM_EVALIDATION,
                              "interaction template %s language %s: the attachment is not valid "
                              "UTF-8 text",
                              t.code, n.language_code);
    if (attachment) {
        char what[128];
        snprintf(what, sizeof(what), "interaction template %s language %s", t.code,
                 n.language_code);
        if ((rc = relm_merge_check(attachment, what, err)))
            return rc;
    }
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(
             r->store, keep_description ? sql_language_upsert_keep : sql_language_upsert, &s, err)))
        return rc;
    relm_stmt_bind_text(s, 1, n.template_code);
    relm_stmt_bind_text(s, 2, n.language_code);
    relm_stmt_bind_text(s, 3, n.description);
    relm_stmt_bind_text(s, 4, attachment);
    relm_stmt_bind_text(s, 5, attachment);
    return relm_stmt_run(s, err);
}

int relm_template_language_delete(relm_t *r, const char *template_code, const char *language_code,
                                  relm_error_t *err)
{
    relm_interaction_template_t t;
    lang_t key;
    int rc = relm_template_get(r, template_code, &t, err);
    if (rc)
        return rc;
    relm_record_init(&relm_template_language_entity, &key);
    memcpy(key.template_code, t.code, sizeof(key.template_code));
    if ((rc = norm_language(language_code, key.language_code, err)))
        return rc;
    rc = relm_table_delete(r, &relm_template_language_entity, &key, err);
    if (rc == RELM_ENOTFOUND)
        return relm_error_set(err, rc, "interaction template %s has no language variant %s", t.code,
                              key.language_code);
    return rc;
}

int relm_template_languages(relm_t *r, const char *template_code, relm_row_fn fn, void *ctx,
                            relm_error_t *err)
{
    relm_interaction_template_t t;
    int rc = relm_template_get(r, template_code, &t, err);
    if (rc)
        return rc;
    relm_filter_t f;
    memset(&f, 0, sizeof(f));
    f.field = 0;
    strcpy(f.op, "=");
    relm_copy(f.value, sizeof(f.value), t.code);
    return relm_list(r, &relm_template_language_entity, &f, 1, 0, fn, ctx, err);
}

/* ---- attachments ---- */

static const char sql_attachment_get[] =
    "SELECT attachment FROM interaction_template WHERE code = ?";
static const char sql_variant_attachment_get[] =
    "SELECT attachment FROM interaction_template_language "
    "WHERE template_code = ? AND language_code = ?";
static const char sql_attachment_set[] =
    "UPDATE interaction_template SET attachment = ? WHERE code = ?";
static const char sql_variant_attachment_set[] =
    "UPDATE interaction_template_language SET attachment = ? "
    "WHERE template_code = ? AND language_code = ?";

/* Template code and (possibly blank) language code, normalised. */
static int attachment_key(const char *template_code, const char *language, tpl_t *t,
                          char lang[RELM_CODE10_SZ], relm_error_t *err)
{
    relm_record_init(&relm_template_entity, t);
    int rc = relm_record_set(&relm_template_entity, t, NULL, "code", template_code, err);
    if (rc == 0)
        rc = norm_language(language ? language : "", lang, err);
    return rc;
}

int relm_template_attachment_get(relm_t *r, const char *template_code, const char *language,
                                 char **out, relm_error_t *err)
{
    tpl_t t;
    char lang[RELM_CODE10_SZ];
    *out = NULL;
    int rc = attachment_key(template_code, language, &t, lang, err);
    if (rc)
        return rc;
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store, lang[0] ? sql_variant_attachment_get : sql_attachment_get,
                                &s, err)))
        return rc;
    relm_stmt_bind_text(s, 1, t.code);
    if (lang[0])
        relm_stmt_bind_text(s, 2, lang);
    rc = relm_stmt_step(s, err);
    if (rc == RELM_STEP_ROW)
        *out = strdup(relm_stmt_text(s, 0));
    relm_stmt_release(s);
    if (rc < 0)
        return rc;
    if (rc == RELM_STEP_ROW)
        return *out ? 0
                    : relm_error_set(err, RELM_ENOMEM,
                                     "out of memory reading the attachment of interaction "
                                     "template %s",
                                     t.code);
    if (!lang[0])
        return relm_error_set(err, RELM_ENOTFOUND, "interaction template %s does not exist",
                              t.code);
    tpl_t exists;
    if ((rc = relm_template_get(r, t.code, &exists, err)))
        return rc;
    return relm_error_set(err, RELM_ENOTFOUND, "interaction template %s has no language variant %s",
                          t.code, lang);
}

int relm_template_attachment_set(relm_t *r, const char *template_code, const char *language,
                                 const char *body, relm_error_t *err)
{
    tpl_t t;
    char lang[RELM_CODE10_SZ];
    int rc = attachment_key(template_code, language, &t, lang, err);
    if (rc)
        return rc;
    if (!body)
        body = "";
    if (!relm_valid_utf8(body))
        return relm_error_set(err, RELM_EVALIDATION,
                              "interaction template %s: the attachment is not valid UTF-8 text",
                              t.code);
    char what[128];
    if (lang[0])
        snprintf(what, sizeof(what), "interaction template %s language %s", t.code, lang);
    else
        snprintf(what, sizeof(what), "interaction template %s", t.code);
    if ((rc = relm_merge_check(body, what, err)))
        return rc;
    relm_stmt_t *s;
    if ((rc = relm_stmt_prepare(r->store, lang[0] ? sql_variant_attachment_set : sql_attachment_set,
                                &s, err)))
        return rc;
    relm_stmt_bind_text(s, 1, body);
    relm_stmt_bind_text(s, 2, t.code);
    if (lang[0])
        relm_stmt_bind_text(s, 3, lang);
    if ((rc = relm_stmt_run(s, err)))
        return rc;
    if (relm_store_changes(r->store) > 0)
        return 0;
    tpl_t exists;
    if ((rc = relm_template_get(r, t.code, &exists, err)))
        return rc;
    return relm_error_set(err, RELM_ENOTFOUND, "interaction template %s has no language variant %s",
                          t.code, lang);
}

/* ---- language choice and merge ---- */

static const char sql_variant_description[] =
    "SELECT description FROM interaction_template_language "
    "WHERE template_code = ? AND language_code = ?";

int relm_template_pick_language(relm_t *r, const relm_interaction_template_t *t,
                                const char *contact_lang, char language_out[RELM_CODE10_SZ],
                                char description_out[RELM_TEXT100_SZ], relm_error_t *err)
{
    char lang[RELM_CODE10_SZ];
    int rc = norm_language(contact_lang ? contact_lang : "", lang, err);
    if (rc)
        return rc;
    int found = 0;
    char desc[RELM_TEXT100_SZ] = "";
    if (lang[0]) {
        relm_stmt_t *s;
        if ((rc = relm_stmt_prepare(r->store, sql_variant_description, &s, err)))
            return rc;
        relm_stmt_bind_text(s, 1, t->code);
        relm_stmt_bind_text(s, 2, lang);
        rc = relm_stmt_step(s, err);
        if (rc == RELM_STEP_ROW) {
            found = 1;
            relm_copy(desc, sizeof(desc), relm_stmt_text(s, 0));
        }
        relm_stmt_release(s);
        if (rc < 0)
            return rc;
    }
    if (found) {
        relm_copy(language_out, RELM_CODE10_SZ, lang);
    } else {
        relm_copy(language_out, RELM_CODE10_SZ, t->language_code);
    }
    /* A variant without a description of its own speaks with the template's. */
    if (description_out)
        relm_copy(description_out, RELM_TEXT100_SZ, found && desc[0] ? desc : t->description);
    return 0;
}
