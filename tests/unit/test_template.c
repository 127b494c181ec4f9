/*
 * Interaction groups and templates: required and existing references, refused deletes,
 * language variants, attachments, language choice and merge fields.
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static void add_group(relm_t *r, const char *code)
{
    relm_error_t err = {0};
    relm_interaction_group_t g;
    relm_record_init(&relm_group_entity, &g);
    relm_record_set(&relm_group_entity, &g, NULL, "code", code, &err);
    relm_record_set(&relm_group_entity, &g, NULL, "description", "A group", &err);
    if (relm_group_add(r, &g, &err))
        fail_msg("group %s: %s", code, err.message);
}

/* A template with the given code and group; language ENU, description "Newsletter". */
static int add_template(relm_t *r, const char *code, const char *group, relm_error_t *err)
{
    relm_interaction_template_t t;
    relm_record_init(&relm_template_entity, &t);
    relm_record_set(&relm_template_entity, &t, NULL, "code", code, err);
    relm_record_set(&relm_template_entity, &t, NULL, "interaction_group_code", group, err);
    relm_record_set(&relm_template_entity, &t, NULL, "description", "Newsletter", err);
    relm_record_set(&relm_template_entity, &t, NULL, "language_code", "enu", err);
    return relm_template_add(r, &t, err);
}

static void set_variant(relm_t *r, const char *tpl, const char *lang, const char *desc,
                        const char *attachment)
{
    relm_error_t err = {0};
    relm_template_language_t v;
    relm_record_init(&relm_template_language_entity, &v);
    relm_record_set(&relm_template_language_entity, &v, NULL, "template_code", tpl, &err);
    relm_record_set(&relm_template_language_entity, &v, NULL, "language_code", lang, &err);
    relm_record_set(&relm_template_language_entity, &v, NULL, "description", desc, &err);
    if (relm_template_language_set(r, &v, attachment, &err))
        fail_msg("variant %s %s: %s", tpl, lang, err.message);
}

static void groups_are_added_read_changed_and_refused_twice(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_interaction_group_t g, got;
    relm_record_init(&relm_group_entity, &g);
    assert_int_equal(relm_group_add(r, &g, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "code is required"));
    assert_int_equal(relm_record_set(&relm_group_entity, &g, NULL, "code", "toolongcode", &err),
                     RELM_EVALIDATION);
    relm_record_set(&relm_group_entity, &g, NULL, "code", " phone ", &err);
    relm_record_set(&relm_group_entity, &g, NULL, "description", "Calls", &err);
    assert_int_equal(relm_group_add(r, &g, &err), 0);
    assert_int_equal(relm_group_add(r, &g, &err), RELM_EEXISTS);
    assert_string_equal(err.message, "interaction group PHONE already exists");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_group WHERE code = 'PHONE'"),
                     1);

    relm_interaction_group_t ch;
    relm_mask_t given = 0;
    relm_record_init(&relm_group_entity, &ch);
    relm_record_set(&relm_group_entity, &ch, &given, "description", "Telephone calls", &err);
    relm_record_set(&relm_group_entity, &ch, &given, "code", "OTHER", &err);
    assert_int_equal(relm_group_update(r, "phone", &ch, given, &err), 0);
    assert_int_equal(relm_group_get(r, "Phone", &got, &err), 0);
    assert_string_equal(got.code, "PHONE");
    assert_string_equal(got.description, "Telephone calls");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_group"), 1);

    assert_int_equal(relm_group_get(r, "nope", &got, &err), RELM_ENOTFOUND);
    assert_string_equal(err.message, "interaction group NOPE does not exist");
    assert_int_equal(relm_group_update(r, "nope", &ch, given, &err), RELM_ENOTFOUND);
    assert_int_equal(relm_group_delete(r, "nope", &err), RELM_ENOTFOUND);
    test_db_free(r);
}

static void a_group_with_templates_cannot_be_deleted_and_stays(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    add_group(r, "EMAIL");
    assert_relm_ok(add_template(r, "NEWS", "EMAIL", &err));
    assert_relm_ok(add_template(r, "PROMO", "EMAIL", &err));
    assert_int_equal(relm_group_delete(r, "email", &err), RELM_EINUSE);
    assert_string_equal(
        err.message, "interaction group EMAIL has 2 interaction templates and cannot be deleted");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_group"), 1);
    assert_relm_ok(relm_template_delete(r, "NEWS", &err));
    assert_relm_ok(relm_template_delete(r, "PROMO", &err));
    assert_int_equal(relm_group_delete(r, "EMAIL", &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_group"), 0);
    test_db_free(r);
}

static void a_template_needs_an_existing_group(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_interaction_template_t t;
    relm_record_init(&relm_template_entity, &t);
    assert_int_equal(relm_template_add(r, &t, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "code is required"));
    relm_record_set(&relm_template_entity, &t, NULL, "code", "news", &err);
    assert_int_equal(relm_template_add(r, &t, &err), RELM_EVALIDATION);
    assert_string_equal(err.message,
                        "interaction template NEWS: interaction_group_code is required");
    assert_int_equal(add_template(r, "NEWS", "MAIL", &err), RELM_ENOTFOUND);
    assert_string_equal(err.message,
                        "interaction template NEWS: interaction group MAIL does not exist");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template"), 0);
    add_group(r, "MAIL");
    assert_int_equal(add_template(r, "NEWS", "MAIL", &err), 0);
    assert_int_equal(add_template(r, "news", "MAIL", &err), RELM_EEXISTS);
    assert_string_equal(err.message, "interaction template NEWS already exists");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template"), 1);
    test_db_free(r);
}

static void a_template_campaign_must_exist(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    add_group(r, "MAIL");
    relm_interaction_template_t t;
    relm_record_init(&relm_template_entity, &t);
    relm_record_set(&relm_template_entity, &t, NULL, "code", "NEWS", &err);
    relm_record_set(&relm_template_entity, &t, NULL, "interaction_group_code", "MAIL", &err);
    relm_record_set(&relm_template_entity, &t, NULL, "campaign_no", "cmp1", &err);
    assert_int_equal(relm_template_add(r, &t, &err), RELM_ENOTFOUND);
    assert_string_equal(err.message, "interaction template NEWS: campaign CMP1 does not exist");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template"), 0);
    relm_campaign_t c;
    relm_record_init(&relm_campaign_entity, &c);
    relm_record_set(&relm_campaign_entity, &c, NULL, "no", "CMP1", &err);
    assert_relm_ok(relm_campaign_add(r, &c, &err));
    assert_int_equal(relm_template_add(r, &t, &err), 0);
    assert_int_equal(
        test_sql_int(r, "SELECT count(*) FROM interaction_template WHERE campaign_no = 'CMP1'"), 1);
    test_db_free(r);
}

static void template_fields_are_typed_and_stored_exactly(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    const relm_entity_t *e = &relm_template_entity;
    relm_interaction_template_t t, got;
    add_group(r, "LETTER");
    relm_record_init(e, &t);
    assert_int_equal(relm_record_set(e, &t, NULL, "information_flow", "sideways", &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "information_flow"));
    assert_int_equal(relm_record_set(e, &t, NULL, "initiated-by", "nobody", &err),
                     RELM_EVALIDATION);
    assert_int_equal(relm_record_set(e, &t, NULL, "correspondence_type", "pigeon", &err),
                     RELM_EVALIDATION);
    assert_int_equal(relm_record_set(e, &t, NULL, "unit_cost", "1.234", &err), RELM_EVALIDATION);
    assert_relm_ok(relm_record_set(e, &t, NULL, "code", "abstract", &err));
    assert_relm_ok(relm_record_set(e, &t, NULL, "interaction_group_code", "letter", &err));
    assert_relm_ok(relm_record_set(e, &t, NULL, "unit_cost", "2.5", &err));
    assert_relm_ok(relm_record_set(e, &t, NULL, "unit_duration", "7.25", &err));
    assert_relm_ok(relm_record_set(e, &t, NULL, "information_flow", "Outbound", &err));
    assert_relm_ok(relm_record_set(e, &t, NULL, "initiated_by", "us", &err));
    assert_relm_ok(relm_record_set(e, &t, NULL, "correspondence_type", "hard-copy", &err));
    assert_relm_ok(relm_record_set(e, &t, NULL, "ignore_contact_corresp_type", "yes", &err));
    assert_relm_ok(relm_record_set(e, &t, NULL, "campaign_target", "true", &err));
    assert_int_equal(relm_template_add(r, &t, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT unit_cost * 1000000 + unit_duration FROM "
                                     "interaction_template WHERE code = 'ABSTRACT'"),
                     250 * 1000000 + 725);
    assert_int_equal(relm_template_get(r, "abstract", &got, &err), 0);
    assert_string_equal(got.interaction_group_code, "LETTER");
    assert_string_equal(got.information_flow, "outbound");
    assert_string_equal(got.correspondence_type, "hard_copy");
    assert_int_equal(got.ignore_contact_corresp_type, 1);
    assert_int_equal(got.campaign_target, 1);
    assert_int_equal(got.campaign_response, 0);
    char buf[32];
    assert_string_equal(
        relm_record_format(e, &got, relm_field_index(e, "unit_cost"), buf, sizeof(buf)), "2.50");
    assert_int_equal(relm_template_get(r, "nope", &got, &err), RELM_ENOTFOUND);
    assert_string_equal(err.message, "interaction template NOPE does not exist");
    test_db_free(r);
}

static void a_template_update_checks_group_and_campaign_and_keeps_the_code(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    const relm_entity_t *e = &relm_template_entity;
    add_group(r, "MAIL");
    add_group(r, "PHONE");
    assert_relm_ok(add_template(r, "NEWS", "MAIL", &err));
    relm_interaction_template_t ch, got;
    relm_mask_t given = 0;
    relm_record_init(e, &ch);
    relm_record_set(e, &ch, &given, "interaction_group_code", "NOPE", &err);
    assert_int_equal(relm_template_update(r, "NEWS", &ch, given, &err), RELM_ENOTFOUND);
    assert_non_null(strstr(err.message, "interaction group NOPE does not exist"));
    given = 0;
    relm_record_set(e, &ch, &given, "interaction_group_code", "", &err);
    assert_int_equal(relm_template_update(r, "NEWS", &ch, given, &err), RELM_EVALIDATION);
    given = 0;
    relm_record_set(e, &ch, &given, "campaign_no", "NOPE", &err);
    assert_int_equal(relm_template_update(r, "NEWS", &ch, given, &err), RELM_ENOTFOUND);
    assert_non_null(strstr(err.message, "campaign NOPE does not exist"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template WHERE "
                                     "interaction_group_code = 'MAIL' AND campaign_no = ''"),
                     1);
    given = 0;
    relm_record_set(e, &ch, &given, "code", "RENAMED", &err);
    relm_record_set(e, &ch, &given, "interaction_group_code", "phone", &err);
    relm_record_set(e, &ch, &given, "unit_cost", "3", &err);
    assert_int_equal(relm_template_update(r, "news", &ch, given, &err), 0);
    assert_int_equal(relm_template_get(r, "NEWS", &got, &err), 0);
    assert_string_equal(got.interaction_group_code, "PHONE");
    assert_int_equal(got.unit_cost, 300);
    assert_string_equal(got.description, "Newsletter");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template"), 1);
    test_db_free(r);
}

static void a_template_in_use_by_a_log_entry_cannot_be_deleted(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    add_group(r, "MAIL");
    assert_relm_ok(add_template(r, "NEWS", "MAIL", &err));
    set_variant(r, "NEWS", "NOR", "Nyhetsbrev", "Hei");
    assert_int_equal(test_sql_int(r, "INSERT INTO interaction_log_entry (entry_no, "
                                     "interaction_template_code, canceled) VALUES (1, 'NEWS', 1) "
                                     "RETURNING 1"),
                     1);
    assert_int_equal(relm_template_delete(r, "news", &err), RELM_EINUSE);
    assert_string_equal(err.message, "interaction template NEWS is used by 1 interaction log "
                                     "entries and cannot be deleted");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template"), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template_language"), 1);
    assert_int_equal(test_sql_int(r, "DELETE FROM interaction_log_entry RETURNING 1"), 1);
    assert_int_equal(relm_template_delete(r, "NEWS", &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template"), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template_language"), 0);
    assert_int_equal(relm_template_delete(r, "NEWS", &err), RELM_ENOTFOUND);
    test_db_free(r);
}

typedef struct langs {
    char codes[8][RELM_CODE10_SZ];
    char descs[8][RELM_TEXT100_SZ];
    int n;
} langs_t;

static int collect_lang(void *ctx, const void *rec)
{
    langs_t *l = ctx;
    const relm_template_language_t *v = rec;
    if (l->n < 8) {
        strcpy(l->codes[l->n], v->language_code);
        strcpy(l->descs[l->n], v->description);
    }
    l->n++;
    return 0;
}

static void language_variants_are_upserted_listed_in_order_and_deleted(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    add_group(r, "MAIL");
    assert_relm_ok(add_template(r, "NEWS", "MAIL", &err));
    add_template(r, "OTHER", "MAIL", &err);
    set_variant(r, "news", "nor", "Nyhetsbrev", "Hei {{contact.first_name}}");
    set_variant(r, "NEWS", "DEU", "Rundbrief", NULL);
    set_variant(r, "OTHER", "FRA", "Autre", NULL);
    /* Setting again without an attachment changes the description and keeps the body. */
    set_variant(r, "NEWS", "NOR", "Nyhetsbrev 2", NULL);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template_language WHERE "
                                     "template_code = 'NEWS' AND language_code = 'NOR' AND "
                                     "description = 'Nyhetsbrev 2' AND attachment = 'Hei "
                                     "{{contact.first_name}}'"),
                     1);
    set_variant(r, "NEWS", "NOR", "Nyhetsbrev 2", "");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template_language WHERE "
                                     "language_code = 'NOR' AND attachment = ''"),
                     1);
    langs_t l = {0};
    assert_int_equal(relm_template_languages(r, "news", collect_lang, &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.codes[0], "DEU");
    assert_string_equal(l.codes[1], "NOR");
    assert_string_equal(l.descs[1], "Nyhetsbrev 2");
    assert_int_equal(relm_template_languages(r, "nope", collect_lang, &l, &err), RELM_ENOTFOUND);

    relm_template_language_t v;
    relm_record_init(&relm_template_language_entity, &v);
    strcpy(v.template_code, "NOPE");
    strcpy(v.language_code, "NOR");
    assert_int_equal(relm_template_language_set(r, &v, NULL, &err), RELM_ENOTFOUND);
    assert_string_equal(err.message, "interaction template NOPE does not exist");
    strcpy(v.template_code, "NEWS");
    v.language_code[0] = '\0';
    assert_int_equal(relm_template_language_set(r, &v, NULL, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "language_code"));
    strcpy(v.language_code, "NOR");
    assert_int_equal(relm_template_language_set(r, &v, "\xff\xfe", &err), RELM_EVALIDATION);

    assert_int_equal(relm_template_language_delete(r, "NEWS", "deu", &err), 0);
    assert_int_equal(relm_template_language_delete(r, "NEWS", "DEU", &err), RELM_ENOTFOUND);
    assert_string_equal(err.message, "interaction template NEWS has no language variant DEU");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template_language"), 2);
    test_db_free(r);
}

static void attachments_are_kept_per_template_and_per_variant(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    char *body = NULL;
    add_group(r, "MAIL");
    assert_relm_ok(add_template(r, "NEWS", "MAIL", &err));
    assert_int_equal(relm_template_attachment_get(r, "NEWS", NULL, &body, &err), 0);
    assert_string_equal(body, "");
    free(body);
    assert_int_equal(
        relm_template_attachment_set(r, "news", NULL, "Dear {{contact.name}},\n", &err), 0);
    assert_int_equal(relm_template_attachment_get(r, "NEWS", "", &body, &err), 0);
    assert_string_equal(body, "Dear {{contact.name}},\n");
    free(body);

    assert_int_equal(relm_template_attachment_set(r, "NEWS", "nor", "Hei", &err), RELM_ENOTFOUND);
    assert_string_equal(err.message, "interaction template NEWS has no language variant NOR");
    set_variant(r, "NEWS", "NOR", "Nyhetsbrev", NULL);
    assert_int_equal(relm_template_attachment_set(r, "NEWS", "nor", "Hei {{contact.name}}", &err),
                     0);
    assert_int_equal(relm_template_attachment_get(r, "NEWS", "NOR", &body, &err), 0);
    assert_string_equal(body, "Hei {{contact.name}}");
    free(body);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template WHERE attachment "
                                     "= 'Dear {{contact.name}},\n'"),
                     1);

    assert_int_equal(relm_template_attachment_get(r, "NEWS", "DEU", &body, &err), RELM_ENOTFOUND);
    assert_null(body);
    assert_int_equal(relm_template_attachment_get(r, "NOPE", NULL, &body, &err), RELM_ENOTFOUND);
    assert_string_equal(err.message, "interaction template NOPE does not exist");
    assert_int_equal(relm_template_attachment_get(r, "NOPE", "NOR", &body, &err), RELM_ENOTFOUND);
    assert_string_equal(err.message, "interaction template NOPE does not exist");
    assert_int_equal(relm_template_attachment_set(r, "NOPE", NULL, "x", &err), RELM_ENOTFOUND);
    assert_int_equal(relm_template_attachment_set(r, "NEWS", NULL, "bad \xc3", &err),
                     RELM_EVALIDATION);
    assert_int_equal(relm_template_attachment_get(r, "NEWS", NULL, &body, &err), 0);
    assert_string_equal(body, "Dear {{contact.name}},\n");
    free(body);
    test_db_free(r);
}

static void pick_language_prefers_a_contact_variant_and_falls_back_to_the_template(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    relm_interaction_template_t t;
    char lang[RELM_CODE10_SZ], desc[RELM_TEXT100_SZ];
    add_group(r, "MAIL");
    assert_relm_ok(add_template(r, "NEWS", "MAIL", &err));
    set_variant(r, "NEWS", "NOR", "Nyhetsbrev", NULL);
    set_variant(r, "NEWS", "DEU", "", NULL);
    assert_relm_ok(relm_template_get(r, "NEWS", &t, &err));

    assert_int_equal(relm_template_pick_language(r, &t, "NOR", lang, desc, &err), 0);
    assert_string_equal(lang, "NOR");
    assert_string_equal(desc, "Nyhetsbrev");
    assert_int_equal(relm_template_pick_language(r, &t, "nor", lang, NULL, &err), 0);
    assert_string_equal(lang, "NOR");
    /* No variant for the contact's language: the template's. */
    assert_int_equal(relm_template_pick_language(r, &t, "FRA", lang, desc, &err), 0);
    assert_string_equal(lang, "ENU");
    assert_string_equal(desc, "Newsletter");
    assert_int_equal(relm_template_pick_language(r, &t, "", lang, desc, &err), 0);
    assert_string_equal(lang, "ENU");
    assert_int_equal(relm_template_pick_language(r, &t, NULL, lang, desc, &err), 0);
    assert_string_equal(lang, "ENU");
    /* A variant without a description uses the template's. */
    assert_int_equal(relm_template_pick_language(r, &t, "DEU", lang, desc, &err), 0);
    assert_string_equal(lang, "DEU");
    assert_string_equal(desc, "Newsletter");
    test_db_free(r);
}

static void merge_fills_contact_fields_and_leaves_unknown_ones(void **state)
{
    (void)state;
    relm_error_t err = {0};
    relm_contact_t c;
    relm_salesperson_t sp;
    relm_record_init(&relm_contact_entity, &c);
    relm_record_set(&relm_contact_entity, &c, NULL, "name", "Kari Nordmann", &err);
    relm_record_set(&relm_contact_entity, &c, NULL, "first_name", "Kari", &err);
    relm_record_set(&relm_contact_entity, &c, NULL, "city", "Oslo", &err);
    relm_record_init(&relm_salesperson_entity, &sp);
    relm_record_set(&relm_salesperson_entity, &sp, NULL, "name", "Jim Olive", &err);

    char *s = relm_template_merge_new("Hei {{contact.first_name}} i {{ contact.city }}! "
                                      "{{contact.shoe_size}} {{salesperson.name}} {{other}}",
                                      &c, NULL);
    assert_non_null(s);
    assert_string_equal(s, "Hei Kari i Oslo! {{contact.shoe_size}} {{salesperson.name}} {{other}}");
    free(s);
    s = relm_template_merge_new("{{contact.name}}, {{salesperson.name}} {{salesperson.code}}|"
                                "{{contact.exclude-from-segment}} {{ {{contact.city}} {{contact",
                                &c, &sp);
    assert_non_null(s);
    assert_string_equal(s, "Kari Nordmann, Jim Olive |false {{ Oslo {{contact");
    free(s);
    s = relm_template_merge_new("no fields {{contact.name}}", NULL, NULL);
    assert_string_equal(s, "no fields {{contact.name}}");
    free(s);
    s = relm_template_merge_new("", &c, NULL);
    assert_string_equal(s, "");
    free(s);
}

static void a_variant_put_without_its_description_keeps_it(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    add_group(r, "letter");
    assert_int_equal(add_template(r, "news", "letter", &err), 0);
    set_variant(r, "NEWS", "NOR", "Nyhetsbrev", "Hei");
    const relm_entity_t *e = &relm_template_language_entity;
    relm_template_language_t v;
    relm_mask_t given = 0;
    relm_record_init(e, &v);
    relm_record_set(e, &v, &given, "template_code", "news", &err);
    relm_record_set(e, &v, &given, "language_code", "nor", &err);
    assert_int_equal(relm_template_language_put(r, &v, given, NULL, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template_language WHERE "
                                     "description = 'Nyhetsbrev' AND attachment = 'Hei'"),
                     1);
    /* A new variant given without a description gets a blank one. */
    relm_record_set(e, &v, &given, "language_code", "deu", &err);
    assert_int_equal(relm_template_language_put(r, &v, given, "Hallo", &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template_language WHERE "
                                     "language_code = 'DEU' AND description = ''"),
                     1);
    /* Given, even blank, the description is replaced. */
    relm_record_set(e, &v, &given, "language_code", "nor", &err);
    relm_record_set(e, &v, &given, "description", "", &err);
    assert_int_equal(relm_template_language_put(r, &v, given, NULL, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template_language WHERE "
                                     "language_code = 'NOR' AND description = ''"),
                     1);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(groups_are_added_read_changed_and_refused_twice),
        cmocka_unit_test(a_group_with_templates_cannot_be_deleted_and_stays),
        cmocka_unit_test(a_template_needs_an_existing_group),
        cmocka_unit_test(a_template_campaign_must_exist),
        cmocka_unit_test(template_fields_are_typed_and_stored_exactly),
        cmocka_unit_test(a_template_update_checks_group_and_campaign_and_keeps_the_code),
        cmocka_unit_test(a_template_in_use_by_a_log_entry_cannot_be_deleted),
        cmocka_unit_test(language_variants_are_upserted_listed_in_order_and_deleted),
        cmocka_unit_test(attachments_are_kept_per_template_and_per_variant),
        cmocka_unit_test(pick_language_prefers_a_contact_variant_and_falls_back_to_the_template),
        cmocka_unit_test(merge_fills_contact_fields_and_leaves_unknown_ones),
        cmocka_unit_test(a_variant_put_without_its_description_keeps_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
