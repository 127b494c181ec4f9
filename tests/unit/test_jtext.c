/*
 * The server's JSON text writer (server/jtext.c) gives byte for byte the text jansson gives
 * for the same record (json_dumps of relm_record_json, compact, in field order), so
 * replies and their ETags are the same whichever way a reply is built.
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "http.h"
#include "internal.h"
#include "relm/json.h"

static void assert_same_as_jansson(const relm_entity_t *e, const void *rec)
{
    json_t *j = relm_record_json(e, rec);
    char *want = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    jtext_t t = {0};
    jt_record(&t, e, rec);
    assert_false(t.failed);
    assert_string_equal(t.s, want);
    free(t.s);
    free(want);
    json_decref(j);
}

static void an_interaction_is_written_as_jansson_writes_it(void **state)
{
    (void)state;
    relm_interaction_t rec;
    relm_record_init(&relm_interaction_entity, &rec);
    rec.entry_no = 1234567890123LL;
    rec.cost = 150;
    rec.duration = -5;
    rec.canceled = 1;
    relm_copy(rec.contact_no, sizeof(rec.contact_no), "CT000001");
    relm_copy(rec.date, sizeof(rec.date), "2026-03-15");
    relm_copy(rec.description, sizeof(rec.description), "Quote \"this\" \\ and / that");
    relm_copy(rec.subject, sizeof(rec.subject), "tab\there\nnew\rline\b\f\x01\x1f end");
    relm_copy(rec.evaluation, sizeof(rec.evaluation), "Ørjan Åsmund – “smart” 😀 \x7f");
    assert_same_as_jansson(&relm_interaction_entity, &rec);
}

static void a_field_that_is_not_valid_utf8_is_left_out_as_jansson_leaves_it_out(void **state)
{
    (void)state;
    static const char *const bad[] = {"\xff",         "a\xc3",        "\xc0\xaf",
                                      "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        relm_interaction_t rec;
        relm_record_init(&relm_interaction_entity, &rec);
        relm_copy(rec.description, sizeof(rec.description), bad[i]);
        relm_copy(rec.contact_no, sizeof(rec.contact_no), bad[i]);
        assert_false(jt_valid_utf8(bad[i]));
        assert_same_as_jansson(&relm_interaction_entity, &rec);
    }
}

static void a_contact_and_a_user_are_written_as_jansson_writes_them(void **state)
{
    (void)state;
    relm_contact_t c;
    relm_record_init(&relm_contact_entity, &c);
    relm_copy(c.no, sizeof(c.no), "CT9");
    relm_copy(c.name, sizeof(c.name), "Bjørn \"Bear\" Hansen");
    relm_copy(c.email, sizeof(c.email), "b@example.com");
    assert_same_as_jansson(&relm_contact_entity, &c);
    relm_user_t u;
    relm_record_init(&relm_user_entity, &u);
    relm_copy(u.name, sizeof(u.name), "admin");
    u.disabled = 1;
    assert_same_as_jansson(&relm_user_entity, &u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_interaction_is_written_as_jansson_writes_it),
        cmocka_unit_test(a_field_that_is_not_valid_utf8_is_left_out_as_jansson_leaves_it_out),
        cmocka_unit_test(a_contact_and_a_user_are_written_as_jansson_writes_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
