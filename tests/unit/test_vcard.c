/*
 * vCards: an export read back gives the same contacts (3.0 and 4.0), lines are folded at 75
 * octets without splitting a character, cards from common address books are read, and a
 * bad card refuses the whole import naming the card and the property.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"

static void add_salesperson(relm_t *r, const char *code)
{
    relm_error_t err = {0};
    relm_salesperson_t sp;
    relm_record_init(&relm_salesperson_entity, &sp);
    relm_copy(sp.code, sizeof(sp.code), code);
    if (relm_salesperson_add(r, &sp, &err))
        fail_msg("salesperson: %s", err.message);
}

static void set_setup(relm_t *r, const char *field, const char *value)
{
    relm_error_t err = {0};
    relm_setup_t s;
    relm_mask_t given = 0;
    relm_record_init(&relm_setup_entity, &s);
    if (relm_record_set(&relm_setup_entity, &s, &given, field, value, &err) ||
        relm_setup_update(r, &s, given, &err))
        fail_msg("setup %s: %s", field, err.message);
}

/* A database with series CONT (typed numbers allowed), salespersons JO and AH. */
static relm_t *db(void)
{
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_error_t err = {0};
    relm_no_series_t ns;
    relm_mask_t given = 0;
    relm_record_init(&relm_no_series_entity, &ns);
    relm_record_set(&relm_no_series_entity, &ns, &given, "manual_nos", "true", &err);
    assert_relm_ok(relm_numseries_update(r, "CONT", &ns, given, &err));
    add_salesperson(r, "JO");
    add_salesperson(r, "AH");
    set_setup(r, "default_salesperson_code", "JO");
    set_setup(r, "default_correspondence_type", "email");
    set_setup(r, "default_language_code", "ENU");
    return r;
}

static void add(relm_t *r, const char *const *kv)
{
    relm_contact_t c;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(&relm_contact_entity, &c);
    for (int i = 0; kv[i]; i += 2)
        if (relm_record_set(&relm_contact_entity, &c, &given, kv[i], kv[i + 1], &err))
            fail_msg("%s=%s: %s", kv[i], kv[i + 1], err.message);
    if (relm_contact_add(r, &c, &err))
        fail_msg("add: %s", err.message);
}

#define KV(...) ((const char *const[]){__VA_ARGS__, NULL})

static char *export_with(relm_t *r, int vcard_version)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    relm_error_t err = {0};
    int rc = vcard_version ? relm_contact_export_vcard(r, f, vcard_version, &err)
                           : relm_contact_export_csv(r, f, &err);
    if (rc)
        fail_msg("export: %s", err.message);
    fclose(f);
    return buf;
}

static int import_text(relm_t *r, const char *text, int64_t *n, relm_error_t *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    int rc = relm_contact_import_vcard(r, f, n, err);
    fclose(f);
    return rc;
}

static void fill_tricky(relm_t *r)
{
    add(r, KV("no", "Z9", "name", "Zeta; \"the\", company\\AS", "address", "Line\nTwo", "address_2",
              "Bygg B, 3. etasje", "post_code", "0155", "city", "Oslo", "county", "Viken",
              "country_code", "NO", "salesperson_code", "AH", "email", "z@zeta.example", "phone_no",
              "+47 22 00 00 00", "fax_no", "+47 22 00 00 01", "territory_code", "EAST"));
    add(r, KV("no", "A1", "type", "person", "first_name", "Åse", "middle_name", "Marie", "surname",
              "Bø-Ødegård", "company_no", "Z9", "job_title", "Innkjøpssjef", "mobile_phone_no",
              "+47 900 00 000", "privacy_blocked", "true", "language_code", "NOR"));
    /* Blank where a new contact would take a default: the round trip must keep them blank. */
    assert_int_equal(test_sql_int(r, "UPDATE contact SET salesperson_code = '', "
                                     "correspondence_type = '' WHERE no = 'A1' RETURNING 1"),
                     1);
    add(r, KV("no", "B2", "type", "person", "name",
              "Ærlig Æsel Østensjø Åkerblom Ødegård Håkonsen Bjørnstjerne Kristiansen Sæther",
              "company_name", "Free text company", "exclude_from_segment", "true"));
}

static void export_read_back_gives_the_same_contacts(void **state)
{
    (void)state;
    for (int v = 3; v <= 4; v++) {
        relm_t *a = db();
        fill_tricky(a);
        char *csv_a = export_with(a, 0), *cards = export_with(a, v);
        relm_t *b = db();
        relm_error_t err = {0};
        int64_t n = 0;
        if (import_text(b, cards, &n, &err))
            fail_msg("vCard %d import: %s", v, err.message);
        assert_int_equal(n, 3);
        char *csv_b = export_with(b, 0);
        assert_string_equal(csv_a, csv_b);
        /* Blank fields stay blank: no setup default crept in. */
        assert_int_equal(test_sql_int(b, "SELECT count(*) FROM contact WHERE no = 'A1' AND "
                                         "salesperson_code = '' AND correspondence_type = ''"),
                         1);
        free(csv_a);
        free(csv_b);
        free(cards);
        test_db_free(b);
        test_db_free(a);
    }
}

static void lines_are_folded_at_75_octets_without_splitting_a_character(void **state)
{
    (void)state;
    relm_t *r = db();
    fill_tricky(r);
    char *cards = export_with(r, 4);
    int folded = 0;
    for (char *line = cards; *line;) {
        char *end = strstr(line, "\r\n");
        assert_non_null(end); /* every line ends in CRLF */
        size_t len = (size_t)(end - line);
        assert_true(len <= 75);
        char one[80];
        memcpy(one, line, len);
        one[len] = '\0';
        assert_true(relm_valid_utf8(one));
        if (line[0] == ' ')
            folded++;
        line = end + 2;
    }
    assert_true(folded >= 1);
    assert_non_null(strstr(cards, "FN:Zeta\\; \"the\"\\, company\\\\AS\r\n"));
    assert_non_null(strstr(cards, "ADR;TYPE=work:;Bygg B\\, 3. etasje;Line\\nTwo;Oslo;Viken;0155;"
                                  "NO\r\n"));
    assert_non_null(strstr(cards, "N:Bø-Ødegård;Åse;Marie;;\r\n"));
    assert_non_null(strstr(cards, "KIND:org\r\n"));
    free(cards);
    char *v3 = export_with(r, 3);
    assert_non_null(strstr(v3, "VERSION:3.0\r\n"));
    assert_null(strstr(v3, "KIND:"));
    assert_non_null(strstr(v3, "EMAIL;TYPE=INTERNET,WORK:z@zeta.example\r\n"));
    free(v3);
    test_db_free(r);
}

static const char apple[] =
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "PRODID:-//Apple Inc.//macOS 14.4//EN\r\n"
    "N:Nordmann;Kari;Anne;;\r\n"
    "FN:Kari Anne Nordmann\r\n"
    "ORG:Nordlys Kontormøbler AS;Salg\r\n"
    "TITLE:Innkjøpssjef\r\n"
    "EMAIL;type=INTERNET;type=HOME:kari@hjemme.example\r\n"
    "EMAIL;type=INTERNET;type=WORK;type=pref:kari.nordmann@nordlys.example\r\n"
    "TEL;type=CELL;type=VOICE;type=pref:+47 912 34 567\r\n"
    "TEL;type=WORK;type=VOICE:+47 22 11 22 33\r\n"
    "item1.ADR;type=WORK;type=pref:;;Storgata 12\\nBygg B;Oslo;;0155;Norway\r\n"
    "item1.X-ABADR:no\r\n"
    "item2.URL;type=pref:https://nordlys.example\r\n"
    "item2.X-ABLabel:_$!<HomePage>!$_\r\n"
    "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBk\r\n"
    "  SEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgy\r\n"
    "UID:5A8C9F7E-1B2C-4D3E-8F90-123456789ABC\r\n"
    "X-ABUID:5A8C9F7E-1B2C-4D3E-8F90-123456789ABC:ABPerson\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:;;;;\r\n"
    "FN:Fjord Consulting AS\r\n"
    "ORG:Fjord Consulting AS;\r\n"
    "X-ABShowAs:COMPANY\r\n"
    "TEL;type=WORK;type=VOICE;type=pref:+47 55 00 00 00\r\n"
    "TEL;type=WORK;type=FAX:+47 55 00 00 01\r\n"
    "item1.ADR;type=WORK;type=pref:;;Bryggen 1;Bergen;Vestland;5003;NO\r\n"
    "END:VCARD\r\n";

static const char google[] = "BEGIN:VCARD\n"
                             "VERSION:3.0\n"
                             "FN:Ola Hansen\n"
                             "N:Hansen;Ola;;;\n"
                             "EMAIL;TYPE=INTERNET;TYPE=HOME:ola.hansen@gmail.example\n"
                             "TEL;TYPE=CELL:+4798765432\n"
                             "ADR;TYPE=HOME:;;Kirkegata 5;Trondheim;;7011;Norge\n"
                             "NOTE:Met at the fair in Lillestrøm\\, spring 2025\n"
                             "CATEGORIES:myContacts\n"
                             "END:VCARD\n"
                             "\n"
                             "BEGIN:VCARD\n"
                             "VERSION:4.0\n"
                             "KIND:individual\n"
                             "FN:Åse Bø\n"
                             "N:Bø;Åse;;;\n"
                             "EMAIL;TYPE=work;PREF=1:ase.bo@firma.example\n"
                             "TEL;VALUE=uri;TYPE=\"voice,work\":tel:+47-22-00-00-00\n"
                             "TEL;VALUE=uri;TYPE=cell:tel:+47-900-00-000\n"
                             "LANG;PREF=1:nb\n"
                             "END:VCARD\n";

static void cards_from_apple_and_google_address_books_are_read(void **state)
{
    (void)state;
    relm_t *r = db();
    relm_error_t err = {0};
    int64_t n = 0;
    if (import_text(r, apple, &n, &err))
        fail_msg("apple: %s", err.message);
    assert_int_equal(n, 2);
    relm_contact_t c;
    assert_relm_ok(relm_contact_get(r, "CT000001", &c, &err));
    assert_string_equal(c.type, "person");
    assert_string_equal(c.name, "Kari Anne Nordmann");
    assert_string_equal(c.first_name, "Kari");
    assert_string_equal(c.middle_name, "Anne");
    assert_string_equal(c.surname, "Nordmann");
    assert_string_equal(c.company_name, "Nordlys Kontormøbler AS");
    assert_string_equal(c.job_title, "Innkjøpssjef");
    assert_string_equal(c.email, "kari.nordmann@nordlys.example"); /* the preferred one */
    assert_string_equal(c.mobile_phone_no, "+47 912 34 567");
    assert_string_equal(c.phone_no, "+47 22 11 22 33");
    assert_string_equal(c.address, "Storgata 12");
    assert_string_equal(c.address_2, "Bygg B");
    assert_string_equal(c.post_code, "0155");
    assert_string_equal(c.country_code, "NO");
    assert_string_equal(c.salesperson_code, "JO"); /* setup's default: the card had none */
    assert_relm_ok(relm_contact_get(r, "CT000002", &c, &err));
    assert_string_equal(c.type, "company");
    assert_string_equal(c.name, "Fjord Consulting AS");
    assert_string_equal(c.fax_no, "+47 55 00 00 01");
    assert_string_equal(c.county, "Vestland");

    if (import_text(r, google, &n, &err))
        fail_msg("google: %s", err.message);
    assert_int_equal(n, 2);
    assert_relm_ok(relm_contact_get(r, "CT000003", &c, &err));
    assert_string_equal(c.name, "Ola Hansen");
    assert_string_equal(c.city, "Trondheim");
    assert_string_equal(c.country_code, "NO");
    assert_string_equal(c.mobile_phone_no, "+4798765432");
    assert_relm_ok(relm_contact_get(r, "CT000004", &c, &err));
    assert_string_equal(c.name, "Åse Bø");
    assert_string_equal(c.phone_no, "+47-22-00-00-00");
    assert_string_equal(c.mobile_phone_no, "+47-900-00-000");
    assert_string_equal(c.language_code, "NB");
    test_db_free(r);
}

static void a_bad_card_refuses_the_import_naming_the_card_and_property(void **state)
{
    (void)state;
    relm_t *r = db();
    relm_error_t err = {0};
    int64_t n = 7;
    static const char bad_email[] = "BEGIN:VCARD\nVERSION:3.0\nFN:Good\nEND:VCARD\n"
                                    "BEGIN:VCARD\nVERSION:3.0\nFN:Bad\nEMAIL:not-an-address\n"
                                    "END:VCARD\n";
    assert_int_equal(import_text(r, bad_email, &n, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "card 2: EMAIL:"));
    assert_non_null(strstr(err.message, "not-an-address"));
    assert_int_equal(n, 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact"), 0);

    static const char old_version[] = "BEGIN:VCARD\nVERSION:2.1\nFN:Old\nEND:VCARD\n";
    assert_int_equal(import_text(r, old_version, &n, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "card 1: VERSION: 2.1"));

    static const char unclosed[] = "BEGIN:VCARD\nVERSION:4.0\nFN:Open\n";
    assert_int_equal(import_text(r, unclosed, &n, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "card 1: END:VCARD is missing"));

    static const char too_long[] =
        "BEGIN:VCARD\nVERSION:4.0\nFN:Fine\nEND:VCARD\nBEGIN:VCARD\nVERSION:4.0\nFN:x\n"
        "TITLE:A job title that is far longer than thirty characters\nEND:VCARD\n";
    assert_int_equal(import_text(r, too_long, &n, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "card 2: TITLE:"));

    static const char unknown_salesperson[] =
        "BEGIN:VCARD\nVERSION:4.0\nFN:Sp\nX-RELM-SALESPERSON-CODE:NOPE\nEND:VCARD\n";
    assert_int_equal(import_text(r, unknown_salesperson, &n, &err), RELM_ENOTFOUND);
    assert_non_null(strstr(err.message, "card 1:"));
    assert_non_null(strstr(err.message, "NOPE"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact"), 0);
    test_db_free(r);
}

static void cards_without_a_number_take_the_series_numbers_and_give_back_the_rest(void **state)
{
    (void)state;
    relm_t *r = db();
    relm_error_t err = {0};
    int64_t n = 0;
    static const char cards[] = "BEGIN:VCARD\nVERSION:4.0\nFN:One\nEND:VCARD\n"
                                "BEGIN:VCARD\nVERSION:4.0\nFN:Typed\nX-RELM-NO:T1\nEND:VCARD\n"
                                "BEGIN:VCARD\nVERSION:4.0\nFN:Two\nEND:VCARD\n"
                                "BEGIN:VCARD\nVERSION:4.0\nFN:Three\nEND:VCARD\n";
    if (import_text(r, cards, &n, &err))
        fail_msg("import: %s", err.message);
    assert_int_equal(n, 4);
    relm_contact_t c;
    assert_relm_ok(relm_contact_get(r, "CT000001", &c, &err));
    assert_string_equal(c.name, "One");
    assert_relm_ok(relm_contact_get(r, "T1", &c, &err));
    assert_string_equal(c.name, "Typed");
    assert_relm_ok(relm_contact_get(r, "CT000002", &c, &err));
    assert_string_equal(c.name, "Two");
    assert_relm_ok(relm_contact_get(r, "CT000003", &c, &err));
    assert_string_equal(c.name, "Three");
    /* The series stands at the last number handed out: the next contact has no gap. */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE series_code = "
                                     "'CONT' AND last_no_used = 'CT000003'"),
                     1);

    /* A refused card takes back every number of its import. */
    static const char refused[] = "BEGIN:VCARD\nVERSION:4.0\nFN:Four\nEND:VCARD\n"
                                  "BEGIN:VCARD\nVERSION:4.0\nFN:Bad\nEMAIL:nope\nEND:VCARD\n";
    assert_int_equal(import_text(r, refused, &n, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "card 2: EMAIL:"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact"), 4);
    add(r, KV("name", "Next"));
    assert_relm_ok(relm_contact_get(r, "CT000004", &c, &err));
    assert_string_equal(c.name, "Next");
    test_db_free(r);
}

static void folded_and_escaped_lines_are_read_and_a_bad_line_is_named_by_its_line(void **state)
{
    (void)state;
    relm_t *r = db();
    relm_error_t err = {0};
    int64_t n = 0;
    /* A byte order mark, values folded with a blank and with a tab, escaped ',', ';' and
     * '\', and a blank line between the cards. */
    static const char cards[] = "\xef\xbb\xbf"
                                "BEGIN:VCARD\r\n"
                                "VERSION:4.0\r\n"
                                "FN:Nordlys\\, Kontor\r\n"
                                " møbler\\; Salg \\\\ Service\r\n"
                                "KIND:org\r\n"
                                "X-RELM-NO:F1\r\n"
                                "ADR;TYPE=work:;;Storgata 1\\, bakgården;Os\r\n"
                                "\tlo;;0155;Norway\r\n"
                                "END:VCARD\r\n"
                                "\r\n"
                                "BEGIN:VCARD\r\n"
                                "VERSION:4.0\r\n"
                                "N:Bø;Åse;;;\r\n"
                                "EMAIL:ase@\r\n"
                                " firma.example\r\n"
                                "X-RELM-NO:F2\r\n"
                                "END:VCARD\r\n";
    if (import_text(r, cards, &n, &err))
        fail_msg("import: %s", err.message);
    assert_int_equal(n, 2);
    relm_contact_t c;
    assert_relm_ok(relm_contact_get(r, "F1", &c, &err));
    assert_string_equal(c.type, "company");
    assert_string_equal(c.name, "Nordlys, Kontormøbler; Salg \\ Service");
    assert_string_equal(c.address, "Storgata 1, bakgården");
    assert_string_equal(c.city, "Oslo");
    assert_string_equal(c.country_code, "NO");
    assert_relm_ok(relm_contact_get(r, "F2", &c, &err));
    assert_string_equal(c.type, "person");
    assert_string_equal(c.name, "Åse Bø");
    assert_string_equal(c.email, "ase@firma.example");
    /* What search compares is folded from what was read ('_': the separator U+001F). */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE no = 'F2' AND "
                                     "email_folded = 'ase@firma.example' AND search_folded "
                                     "LIKE 'f2_åse bø_ase@firma.example_'"),
                     1);

    /* Physical lines count: the folded lines and the blank line before the bad one. */
    static const char bad_line[] = "BEGIN:VCARD\nVERSION:4.0\nFN:A\n  long name\n"
                                   "END:VCARD\n\nBEGIN:VCARD\nVERSION:4.0\n"
                                   "no colon here\nEND:VCARD\n";
    assert_int_equal(import_text(r, bad_line, &n, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "line 9: \"no colon here\" is not a vCard property line"));
    static const char outside[] = "BEGIN:VCARD\nVERSION:4.0\nFN:A\nEND:VCARD\nFN:B\n";
    assert_int_equal(import_text(r, outside, &n, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "line 5: FN outside BEGIN:VCARD"));
    static const char unended[] = "BEGIN:VCARD\nVERSION:4.0\nFN:A\nBEGIN:VCARD\nEND:VCARD\n";
    assert_int_equal(import_text(r, unended, &n, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "card 1: END:VCARD is missing before line 4"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact"), 2);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(export_read_back_gives_the_same_contacts),
        cmocka_unit_test(lines_are_folded_at_75_octets_without_splitting_a_character),
        cmocka_unit_test(cards_from_apple_and_google_address_books_are_read),
        cmocka_unit_test(a_bad_card_refuses_the_import_naming_the_card_and_property),
        cmocka_unit_test(cards_without_a_number_take_the_series_numbers_and_give_back_the_rest),
        cmocka_unit_test(folded_and_escaped_lines_are_read_and_a_bad_line_is_named_by_its_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
