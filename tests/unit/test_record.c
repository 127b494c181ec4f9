/*
 * Field tables: parsing, validation and formatting of values.
 */
#include <string.h>

#include "helpers.h"
#include "internal.h"
#include "relm/json.h"

static void money_parses_exactly_and_formats_with_two_decimals(void **state)
{
    (void)state;
    int64_t v;
    char buf[32];
    assert_int_equal(relm_parse_hundredths("12.5", &v), 0);
    assert_int_equal(v, 1250);
    assert_int_equal(relm_parse_hundredths("0.07", &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(relm_parse_hundredths("-3", &v), 0);
    assert_int_equal(v, -300);
    assert_int_not_equal(relm_parse_hundredths("1.234", &v), 0);
    assert_int_not_equal(relm_parse_hundredths("abc", &v), 0);
    assert_int_not_equal(relm_parse_hundredths("", &v), 0);
    relm_format_hundredths(1250, buf, sizeof(buf));
    assert_string_equal(buf, "12.50");
    relm_format_hundredths(-5, buf, sizeof(buf));
    assert_string_equal(buf, "-0.05");
}

static void dates_times_and_emails_are_checked(void **state)
{
    (void)state;
    assert_true(relm_valid_date("2024-02-29"));
    assert_false(relm_valid_date("2023-02-29"));
    assert_false(relm_valid_date("2023-13-01"));
    assert_false(relm_valid_date("2023-1-01"));
    assert_true(relm_valid_time("23:59:59"));
    assert_false(relm_valid_time("24:00:00"));
    assert_true(relm_valid_email("a.b@example.com"));
    assert_false(relm_valid_email("a.b@example"));
    assert_false(relm_valid_email("@example.com"));
    assert_false(relm_valid_email("a b@example.com"));
}

static void set_uppercases_codes_and_counts_characters_not_bytes(void **state)
{
    (void)state;
    relm_salesperson_t sp;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    const relm_entity_t *e = &relm_salesperson_entity;
    relm_record_init(e, &sp);
    assert_int_equal(relm_record_set(e, &sp, &given, "code", "  jo ", &err), 0);
    assert_string_equal(sp.code, "JO");
    assert_true(given & RELM_BIT(0));
    /* 50 two-byte characters fit a text50 field; 51 do not. */
    char name[256] = "";
    for (int i = 0; i < 50; i++)
        strcat(name, "\xc3\xa5");
    assert_int_equal(relm_record_set(e, &sp, &given, "name", name, &err), 0);
    strcat(name, "x");
    assert_int_equal(relm_record_set(e, &sp, &given, "name", name, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "salesperson name"));
    assert_int_equal(relm_record_set(e, &sp, &given, "email", "nope", &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "email"));
    assert_int_equal(relm_record_set(e, &sp, &given, "blocked", "maybe", &err), RELM_EVALIDATION);
    assert_int_equal(relm_record_set(e, &sp, &given, "blocked", "yes", &err), 0);
    assert_int_equal(sp.blocked, 1);
    assert_int_equal(relm_record_set(e, &sp, &given, "colour", "red", &err), RELM_EVALIDATION);
    assert_int_equal(relm_record_set(e, &sp, &given, "name", "\xff\xfe", &err), RELM_EVALIDATION);
}

static void kebab_case_names_find_fields(void **state)
{
    (void)state;
    assert_int_equal(relm_field_index(&relm_salesperson_entity, "phone-no"),
                     relm_field_index(&relm_salesperson_entity, "phone_no"));
    assert_true(relm_field_index(&relm_salesperson_entity, "phone_no") > 0);
    assert_int_equal(relm_field_index(&relm_salesperson_entity, "phone"), -1);
}

static void enums_accept_only_their_choices(void **state)
{
    (void)state;
    relm_setup_t s;
    relm_error_t err = {0};
    relm_record_init(&relm_setup_entity, &s);
    assert_string_equal(s.attachment_storage, "embedded");
    assert_int_equal(s.inherit_salesperson_code, 1);
    assert_int_equal(relm_record_set(&relm_setup_entity, &s, NULL, "default_correspondence_type",
                                     "Hard-Copy", &err),
                     0);
    assert_string_equal(s.default_correspondence_type, "hard_copy");
    assert_int_equal(relm_record_set(&relm_setup_entity, &s, NULL, "default_correspondence_type",
                                     "pigeon", &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "hard_copy, email, fax"));
}

static void filters_parse_operators_and_normalise_values(void **state)
{
    (void)state;
    relm_filter_t f;
    relm_error_t err = {0};
    assert_int_equal(relm_filter_parse(&relm_salesperson_entity, "code=jo", &f, &err), 0);
    assert_string_equal(f.op, "=");
    assert_string_equal(f.value, "JO");
    assert_int_equal(relm_filter_parse(&relm_salesperson_entity, "name~Hill", &f, &err), 0);
    assert_string_equal(f.op, "~");
    assert_int_equal(relm_filter_parse(&relm_salesperson_entity, "code!=JO", &f, &err), 0);
    assert_string_equal(f.op, "!=");
    assert_int_equal(relm_filter_parse(&relm_salesperson_entity, "nothing", &f, &err),
                     RELM_EVALIDATION);
    assert_int_equal(relm_filter_parse(&relm_salesperson_entity, "shoe=9", &f, &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "shoe"));
}

static void utf8_refuses_overlong_forms_surrogates_and_code_points_past_u10ffff(void **state)
{
    (void)state;
    assert_true(relm_valid_utf8("a\xc3\xa5\xe2\x82\xac\xf0\x9f\x98\x80"));
    assert_true(relm_valid_utf8("\xed\x9f\xbf"));      /* U+D7FF */
    assert_true(relm_valid_utf8("\xee\x80\x80"));      /* U+E000 */
    assert_true(relm_valid_utf8("\xf4\x8f\xbf\xbf"));  /* U+10FFFF */
    assert_false(relm_valid_utf8("\xc0\xaf"));         /* overlong "/" */
    assert_false(relm_valid_utf8("\xe0\x80\xaf"));     /* overlong "/" in three bytes */
    assert_false(relm_valid_utf8("\xe0\x9f\xbf"));     /* overlong U+07FF */
    assert_false(relm_valid_utf8("\xf0\x80\x80\xaf")); /* overlong "/" in four bytes */
    assert_false(relm_valid_utf8("\xf0\x8f\xbf\xbf")); /* overlong U+FFFF */
    assert_false(relm_valid_utf8("\xed\xa0\x80"));     /* U+D800 */
    assert_false(relm_valid_utf8("\xed\xbf\xbf"));     /* U+DFFF */
    assert_false(relm_valid_utf8("\xf4\x90\x80\x80")); /* U+110000 */
    assert_false(relm_valid_utf8("\xf5\x80\x80\x80"));
    assert_false(relm_valid_utf8("\xe2\x82")); /* cut short */

    relm_salesperson_t sp;
    relm_error_t err = {0};
    relm_record_init(&relm_salesperson_entity, &sp);
    assert_int_equal(
        relm_record_set(&relm_salesperson_entity, &sp, NULL, "name", "a\xed\xa0\x80z", &err),
        RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "salesperson name: the value is not valid UTF-8"));
    assert_int_equal(
        relm_record_set(&relm_salesperson_entity, &sp, NULL, "name", "\xe0\x80\xaf", &err),
        RELM_EVALIDATION);
    assert_string_equal(sp.name, "");
}

static void json_numbers_for_money_meet_the_same_checks_as_strings(void **state)
{
    (void)state;
    const relm_entity_t *e = &relm_template_entity;
    relm_interaction_template_t t;
    relm_error_t err = {0};
    json_error_t je;
    json_t *j = json_loads("{\"unit_cost\": 1.005}", 0, &je);
    relm_record_init(e, &t);
    assert_int_equal(relm_record_from_json(e, &t, NULL, j, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "unit_cost: \"1.005\" is not a number with at most two"));
    json_decref(j);
    relm_error_t err2 = {0};
    j = json_loads("{\"unit_cost\": \"1.005\"}", 0, &je);
    assert_int_equal(relm_record_from_json(e, &t, NULL, j, &err2), RELM_EVALIDATION);
    assert_string_equal(err.message, err2.message);
    json_decref(j);

    j = json_loads("{\"unit_cost\": 1.1, \"unit_duration\": 12.25}", 0, &je);
    assert_int_equal(relm_record_from_json(e, &t, NULL, j, &err), 0);
    assert_int_equal(t.unit_cost, 110);
    assert_int_equal(t.unit_duration, 1225);
    json_decref(j);
    j = json_loads("{\"unit_cost\": 9999999.99}", 0, &je);
    assert_int_equal(relm_record_from_json(e, &t, NULL, j, &err), 0);
    assert_int_equal(t.unit_cost, RELM_HUNDREDTHS_MAX);
    json_decref(j);
    j = json_loads("{\"unit_cost\": 1e300}", 0, &je);
    assert_int_equal(relm_record_from_json(e, &t, NULL, j, &err), RELM_EVALIDATION);
    json_decref(j);
}

static void whole_numbers_out_of_range_are_refused(void **state)
{
    (void)state;
    relm_interaction_t ie;
    relm_error_t err = {0};
    relm_record_init(&relm_interaction_entity, &ie);
    assert_int_equal(relm_record_set(&relm_interaction_entity, &ie, NULL, "entry_no",
                                     "99999999999999999999", &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "entry_no: \"99999999999999999999\" is out of range"));
    assert_int_equal(ie.entry_no, 0);
    assert_int_equal(relm_record_set(&relm_interaction_entity, &ie, NULL, "entry_no",
                                     "9223372036854775807", &err),
                     0);
    assert_int_equal(ie.entry_no, INT64_MAX);
}

static void filters_trim_blanks_around_the_operator_and_read_sql_not_equal(void **state)
{
    (void)state;
    relm_filter_t f;
    relm_error_t err = {0};
    const relm_entity_t *e = &relm_contact_entity;
    assert_int_equal(relm_filter_parse(e, "city = Oslo", &f, &err), 0);
    assert_int_equal(f.field, relm_field_index(e, "city"));
    assert_string_equal(f.op, "=");
    assert_string_equal(f.value, "Oslo");
    assert_int_equal(relm_filter_parse(e, "city ~  Os ", &f, &err), 0);
    assert_string_equal(f.value, "Os");
    assert_int_equal(relm_filter_parse(e, "city<>x", &f, &err), 0);
    assert_string_equal(f.op, "!=");
    assert_string_equal(f.value, "x");
    assert_int_equal(relm_filter_parse(e, "city <> New York", &f, &err), 0);
    assert_string_equal(f.op, "!=");
    assert_string_equal(f.value, "New York");
    assert_int_equal(relm_filter_parse(e, "  city=Oslo", &f, &err), 0);
    assert_int_equal(f.field, relm_field_index(e, "city"));
    assert_int_equal(relm_filter_parse(e, "city=\xed\xa0\x80", &f, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "not valid UTF-8"));
    assert_int_equal(relm_filter_parse(&relm_salesperson_entity, "code <= jo ", &f, &err), 0);
    assert_string_equal(f.op, "<=");
    assert_string_equal(f.value, "JO");
}

static void error_codes_have_stable_names(void **state)
{
    (void)state;
    assert_string_equal(relm_error_name(RELM_ENOTFOUND), "not_found");
    assert_string_equal(relm_error_name(RELM_ENONUMBERS), "no_numbers_left");
    assert_string_equal(relm_error_name(RELM_EMANUALNOS), "manual_nos_not_allowed");
    assert_string_equal(relm_error_name(RELM_EPRIVACY), "privacy_blocked");
    assert_string_equal(relm_error_name(RELM_EMISSINGEMAIL), "missing_email");
    assert_string_equal(relm_error_name(RELM_ESEGMENTEMPTY), "segment_empty");
    assert_string_equal(relm_error_name(RELM_EMISSINGTPL), "missing_template");
    assert_string_equal(relm_error_name(RELM_ESETUP), "setup_missing");
    assert_string_equal(relm_error_name(RELM_ECONFLICT), "conflict");
    assert_string_equal(relm_error_name(12345), "unknown");
    relm_error_t err = {0};
    relm_error_warn(&err, "first %d", 1);
    relm_error_warn(&err, "second");
    assert_string_equal(err.warning, "first 1; second");
}

static void positive_numbers_are_digits_only_and_never_clamped(void **state)
{
    (void)state;
    int64_t v = 7;
    relm_error_t err = {0};
    assert_int_equal(relm_parse_positive("42", "entry no.", &v, &err), 0);
    assert_int_equal(v, 42);
    assert_int_equal(relm_parse_positive("007", "entry no.", &v, &err), 0);
    assert_int_equal(v, 7);
    assert_int_equal(relm_parse_positive("9223372036854775807", "entry no.", &v, &err), 0);
    assert_true(v == INT64_MAX);
    static const char *const bad[] = {"",
                                      "0",
                                      "-1",
                                      "+1",
                                      " 1",
                                      "1 ",
                                      "1x",
                                      "1.0",
                                      "0x10",
                                      "9223372036854775808",
                                      "99999999999999999999",
                                      NULL};
    for (int i = 0; bad[i]; i++) {
        relm_error_t e2 = {0};
        v = 5;
        assert_int_equal(relm_parse_positive(bad[i], "--limit", &v, &e2), RELM_EUSAGE);
        assert_int_equal(v, 5);
        assert_non_null(strstr(e2.message, "--limit"));
    }
    relm_error_t e3 = {0};
    assert_int_equal(relm_parse_positive("99999999999999999999", "line no.", &v, &e3), RELM_EUSAGE);
    assert_string_equal(e3.message, "line no. \"99999999999999999999\" is too large");
    assert_int_equal(relm_parse_positive(NULL, "entry no.", &v, NULL), RELM_EUSAGE);
}

static void whole_number_fields_refuse_out_of_range_values(void **state)
{
    (void)state;
    relm_interaction_t rec;
    relm_error_t err = {0};
    const relm_entity_t *e = &relm_interaction_entity;
    int idx = relm_field_index(e, "entry_no");
    relm_record_init(e, &rec);
    assert_int_equal(relm_record_set_index(e, &rec, NULL, idx, "12", &err), 0);
    assert_int_equal(rec.entry_no, 12);
    assert_int_equal(relm_record_set_index(e, &rec, NULL, idx, "99999999999999999999", &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "out of range"));
    assert_int_equal(rec.entry_no, 12);
}

static void a_change_request_may_not_rename_the_record(void **state)
{
    (void)state;
    const relm_entity_t *e = &relm_salesperson_entity;
    relm_salesperson_t sp;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(e, &sp);
    assert_int_equal(relm_record_set(e, &sp, &given, "name", "Zoe", &err), 0);
    assert_int_equal(relm_record_check_key(e, &sp, given, "ZZ", &err), 0);
    assert_int_equal(relm_record_set(e, &sp, &given, "code", "zz", &err), 0);
    assert_int_equal(relm_record_check_key(e, &sp, given, "ZZ", &err), 0);
    assert_int_equal(relm_record_check_key(e, &sp, given, " zz ", &err), 0);
    assert_int_equal(relm_record_check_key(e, &sp, given, "YY", &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "code"));
    assert_non_null(strstr(err.message, "cannot be changed"));
}

static void take_copies_the_mapped_fields_not_given(void **state)
{
    (void)state;
    relm_interaction_template_t t;
    relm_segment_t seg;
    relm_record_init(&relm_template_entity, &t);
    relm_record_init(&relm_segment_entity, &seg);
    t.unit_cost = 1250;
    t.unit_duration = 300;
    relm_copy(t.information_flow, sizeof(t.information_flow), "outbound");
    relm_copy(t.language_code, sizeof(t.language_code), "NOR");
    int cost = relm_field_index(&relm_segment_entity, "unit_cost");
    int duration = relm_field_index(&relm_segment_entity, "unit_duration");
    int flow = relm_field_index(&relm_segment_entity, "information_flow");
    const relm_take_t map[] = {
        {TPL_UNIT_COST, cost}, {TPL_UNIT_DURATION, duration}, {TPL_INFORMATION_FLOW, flow}};
    seg.unit_duration = 7;
    relm_record_take(&relm_segment_entity, &seg, RELM_BIT(duration), &relm_template_entity, &t, map,
                     3);
    assert_int_equal(seg.unit_cost, 1250);
    assert_int_equal(seg.unit_duration, 7);
    assert_string_equal(seg.information_flow, "outbound");
    assert_string_equal(seg.language_code, "");
}

/*
 * Field tables are built with designated initialisers indexed by their field enums: an
 * index left without an entry would be a zeroed field with no name. Every field of every
 * entity has a name, a member inside the record, and a name no other field of it has.
 */
static void every_field_table_is_filled_without_holes_or_repeats(void **state)
{
    (void)state;
    static const relm_entity_t *const all[] = {
        &relm_campaign_entity,
        &relm_campaign_entry_entity,
        &relm_contact_entity,
        &relm_interaction_entity,
        &relm_interaction_comment_entity,
        &relm_no_series_entity,
        &relm_no_series_line_entity,
        &relm_salesperson_entity,
        &relm_segment_entity,
        &relm_segment_line_entity,
        &relm_criteria_step_entity,
        &relm_logged_segment_entity,
        &relm_criteria_entity,
        &relm_reuse_filter_entity,
        &relm_setup_entity,
        &relm_contact_stats_entity,
        &relm_totals_entity,
        &relm_campaign_totals_entity,
        &relm_group_entity,
        &relm_template_entity,
        &relm_template_language_entity,
        &relm_user_entity,
        &relm_api_token_entity,
    };
    for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++) {
        const relm_entity_t *e = all[k];
        assert_true(e->nfields > 0);
        for (int i = 0; i < e->nfields; i++) {
            const relm_field_t *f = &e->fields[i];
            if (!f->name)
                fail_msg("%s: field %d has no entry", e->name, i);
            assert_true(f->size > 0 && f->offset + f->size <= e->size);
            for (int j = 0; j < i; j++)
                if (strcmp(e->fields[j].name, f->name) == 0)
                    fail_msg("%s: field %s twice", e->name, f->name);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(money_parses_exactly_and_formats_with_two_decimals),
        cmocka_unit_test(dates_times_and_emails_are_checked),
        cmocka_unit_test(set_uppercases_codes_and_counts_characters_not_bytes),
        cmocka_unit_test(kebab_case_names_find_fields),
        cmocka_unit_test(enums_accept_only_their_choices),
        cmocka_unit_test(filters_parse_operators_and_normalise_values),
        cmocka_unit_test(error_codes_have_stable_names),
        cmocka_unit_test(utf8_refuses_overlong_forms_surrogates_and_code_points_past_u10ffff),
        cmocka_unit_test(json_numbers_for_money_meet_the_same_checks_as_strings),
        cmocka_unit_test(whole_numbers_out_of_range_are_refused),
        cmocka_unit_test(filters_trim_blanks_around_the_operator_and_read_sql_not_equal),
        cmocka_unit_test(positive_numbers_are_digits_only_and_never_clamped),
        cmocka_unit_test(whole_number_fields_refuse_out_of_range_values),
        cmocka_unit_test(a_change_request_may_not_rename_the_record),
        cmocka_unit_test(every_field_table_is_filled_without_holes_or_repeats),
        cmocka_unit_test(take_copies_the_mapped_fields_not_given),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
