/*
 * Contacts: numbering, company links, inheritance, the name rule, refused deletes, and CSV
 * import/export. Every test checks what the database holds afterwards.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "internal.h"

/*
 * A contact from "field", "value" pairs (NULL-terminated); *given receives their bits.
 * The result is one static record: copy it before building the next.
 */
static relm_contact_t *make(relm_mask_t *given, ...)
{
    static relm_contact_t c;
    relm_error_t err = {0};
    va_list ap;
    relm_record_init(&relm_contact_entity, &c);
    if (given)
        *given = 0;
    va_start(ap, given);
    for (const char *k; (k = va_arg(ap, const char *));) {
        const char *v = va_arg(ap, const char *);
        if (relm_record_set(&relm_contact_entity, &c, given, k, v, &err))
            fail_msg("%s=%s: %s", k, v, err.message);
    }
    va_end(ap);
    return &c;
}

#define C(...) make(NULL, __VA_ARGS__, NULL)

static void add_ok(relm_t *r, relm_contact_t *c)
{
    relm_error_t err = {0};
    if (relm_contact_add(r, c, &err))
        fail_msg("add: %s", err.message);
}

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

static void allow_manual_nos(relm_t *r)
{
    relm_error_t err = {0};
    relm_no_series_t ns;
    relm_mask_t given = 0;
    relm_record_init(&relm_no_series_entity, &ns);
    relm_record_set(&relm_no_series_entity, &ns, &given, "manual_nos", "true", &err);
    if (relm_numseries_update(r, "CONT", &ns, given, &err))
        fail_msg("series: %s", err.message);
}

static void exec(relm_t *r, const char *sql)
{
    relm_error_t err = {0};
    if (relm_store_exec(r->store, sql, &err))
        fail_msg("%s: %s", sql, err.message);
}

static int64_t contacts(relm_t *r)
{
    return test_sql_int(r, "SELECT count(*) FROM contact");
}

static int contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle)) {
        print_error("\"%s\" does not contain \"%s\"\n", hay, needle);
        return 0;
    }
    return 1;
}

/* ---- add ---- */

static void company_takes_its_number_from_contact_nos(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_contact_t *c = C("name", "Cronus Cardoxy", "city", "London");
    add_ok(r, c);
    assert_string_equal(c->no, "CT000001");
    assert_string_equal(c->company_no, "CT000001");
    assert_string_equal(c->company_name, "Cronus Cardoxy");
    assert_int_equal(strlen(c->created_at), 20);
    assert_int_equal(c->created_at[10], 'T');
    assert_int_equal(c->created_at[19], 'Z');
    assert_string_equal(c->created_at, c->modified_at);
    relm_contact_t got;
    relm_error_t err = {0};
    assert_relm_ok(relm_contact_get(r, "ct000001", &got, &err));
    assert_string_equal(got.name, "Cronus Cardoxy");
    assert_string_equal(got.type, "company");
    assert_string_equal(got.company_no, "CT000001");
    add_ok(r, C("name", "Second"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE no = 'CT000002'"), 1);
    assert_int_equal(test_sql_int(r, "SELECT last_no_used = 'CT000002' FROM no_series_line "
                                     "WHERE series_code = 'CONT'"),
                     1);
    test_db_free(r);
}

static void blank_no_without_contact_nos_is_refused(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    assert_int_equal(relm_contact_add(r, C("name", "Nobody"), &err), RELM_ESETUP);
    assert_true(contains(err.message, "marketing setup contact_nos"));
    assert_int_equal(contacts(r), 0);
    test_db_free(r);
}

static void typed_no_without_series_is_taken_as_is(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_contact_t *c = C("no", "k-1", "name", "Kay");
    add_ok(r, c);
    assert_string_equal(c->no, "K-1");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE no = 'K-1'"), 1);
    test_db_free(r);
}

static void manual_number_refused_when_series_disallows(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_error_t err = {0};
    assert_int_equal(relm_contact_add(r, C("no", "X1", "name", "Typed"), &err), RELM_EMANUALNOS);
    assert_true(contains(err.message, "CONT"));
    assert_int_equal(contacts(r), 0);
    allow_manual_nos(r);
    add_ok(r, C("no", "X1", "name", "Typed"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE no = 'X1'"), 1);
    assert_int_equal(test_sql_int(r, "SELECT last_no_used = '' FROM no_series_line "
                                     "WHERE series_code = 'CONT'"),
                     1);
    test_db_free(r);
}

static void existing_number_is_refused(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    add_ok(r, C("no", "A1", "name", "First"));
    assert_int_equal(relm_contact_add(r, C("no", "a1", "name", "Second"), &err), RELM_EEXISTS);
    assert_true(contains(err.message, "contact A1 already exists"));
    assert_int_equal(contacts(r), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE name = 'First'"), 1);
    test_db_free(r);
}

static void failed_insert_gives_the_number_back(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    allow_manual_nos(r);
    relm_error_t err = {0};
    /* A typed number the series is about to hand out: the insert fails, the take is undone. */
    add_ok(r, C("no", "CT000001", "name", "Typed"));
    assert_int_equal(relm_contact_add(r, C("name", "Numbered"), &err), RELM_EEXISTS);
    assert_true(contains(err.message, "contact CT000001 already exists"));
    assert_int_equal(contacts(r), 1);
    assert_int_equal(test_sql_int(r, "SELECT last_no_used = '' FROM no_series_line "
                                     "WHERE series_code = 'CONT'"),
                     1);
    assert_int_equal(relm_store_depth(r->store), 0);
    test_db_free(r);
}

static void person_name_is_composed_from_its_parts(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_contact_t *p =
        C("type", "person", "first_name", "Ann", "middle_name", "B.", "surname", "Lee");
    add_ok(r, p);
    assert_string_equal(p->name, "Ann B. Lee");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE name = 'Ann B. Lee' "
                                     "AND company_no = '' AND type = 'person'"),
                     1);
    relm_contact_t *q = C("type", "person", "first_name", "Bo", "name", "Dr. Bo");
    add_ok(r, q);
    assert_string_equal(q->name, "Dr. Bo");
    test_db_free(r);
}

static void a_contact_must_have_a_name(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_error_t err = {0};
    assert_int_equal(relm_contact_add(r, C("city", "Oslo"), &err), RELM_EVALIDATION);
    assert_true(contains(err.message, "name is required"));
    assert_int_equal(relm_contact_add(r, C("type", "person", "job_title", "CEO"), &err),
                     RELM_EVALIDATION);
    assert_int_equal(contacts(r), 0);
    assert_int_equal(test_sql_int(r, "SELECT last_no_used = '' FROM no_series_line "
                                     "WHERE series_code = 'CONT'"),
                     1);
    test_db_free(r);
}

static void person_needs_an_existing_company(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_error_t err = {0};
    assert_int_equal(
        relm_contact_add(r, C("type", "person", "name", "Ann", "company_no", "CT999"), &err),
        RELM_ENOTFOUND);
    assert_true(contains(err.message, "company_no CT999 does not exist"));
    relm_contact_t p = *C("type", "person", "name", "Ann");
    add_ok(r, &p);
    assert_int_equal(
        relm_contact_add(r, C("type", "person", "name", "Bob", "company_no", p.no), &err),
        RELM_EVALIDATION);
    assert_true(contains(err.message, "is a person, not a company"));
    assert_int_equal(contacts(r), 1);
    test_db_free(r);
}

static void person_inherits_company_salesperson_and_address(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    add_salesperson(r, "JO");
    relm_contact_t co = *C("name", "Nordlys AS", "address", "Storgata 1", "address_2", "3rd floor",
                           "post_code", "0155", "city", "Oslo", "county", "Oslo", "country_code",
                           "no", "salesperson_code", "jo");
    add_ok(r, &co);
    relm_contact_t *p =
        C("type", "person", "first_name", "Kari", "surname", "Nordmann", "company_no", co.no);
    add_ok(r, p);
    assert_string_equal(p->company_name, "Nordlys AS");
    assert_string_equal(p->salesperson_code, "JO");
    assert_string_equal(p->address, "Storgata 1");
    assert_string_equal(p->address_2, "3rd floor");
    assert_string_equal(p->post_code, "0155");
    assert_string_equal(p->city, "Oslo");
    assert_string_equal(p->county, "Oslo");
    assert_string_equal(p->country_code, "NO");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE type = 'person' AND "
                                     "company_name = 'Nordlys AS' AND salesperson_code = 'JO' AND "
                                     "city = 'Oslo' AND country_code = 'NO'"),
                     1);
    /* An address of its own is kept whole: nothing is mixed in from the company. */
    relm_contact_t *q = C("type", "person", "name", "Ola", "company_no", co.no, "city", "Bergen");
    add_ok(r, q);
    assert_string_equal(q->city, "Bergen");
    assert_string_equal(q->address, "");
    test_db_free(r);
}

static void inheritance_follows_marketing_setup(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    add_salesperson(r, "JO");
    set_setup(r, "inherit_salesperson_code", "false");
    set_setup(r, "inherit_address_details", "false");
    relm_contact_t co = *C("name", "Nordlys AS", "city", "Oslo", "salesperson_code", "JO");
    add_ok(r, &co);
    relm_contact_t *p = C("type", "person", "name", "Kari", "company_no", co.no);
    add_ok(r, p);
    assert_string_equal(p->company_name, "Nordlys AS");
    assert_string_equal(p->salesperson_code, "");
    assert_string_equal(p->city, "");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE type = 'person' AND "
                                     "salesperson_code = '' AND city = ''"),
                     1);
    test_db_free(r);
}

static void a_field_given_blank_is_not_inherited(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    add_salesperson(r, "JO");
    relm_contact_t co = *C("name", "Nordlys AS", "salesperson_code", "JO");
    add_ok(r, &co);
    relm_mask_t given;
    relm_contact_t *p = make(&given, "type", "person", "name", "Kari", "company_no", co.no,
                             "salesperson_code", "", NULL);
    relm_error_t err = {0};
    assert_relm_ok(relm_contact_entity.add(r, p, given, &err));
    assert_string_equal(p->salesperson_code, "");
    test_db_free(r);
}

static void company_fields_are_its_own(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_contact_t *c = C("no", "C1", "name", "Acme", "company_no", "OTHER", "company_name", "X");
    add_ok(r, c);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE company_no = 'C1' AND "
                                     "company_name = 'Acme'"),
                     1);
    test_db_free(r);
}

static void unknown_salesperson_is_refused(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_error_t err = {0};
    assert_int_equal(relm_contact_add(r, C("name", "Acme", "salesperson_code", "ZZ"), &err),
                     RELM_ENOTFOUND);
    assert_true(contains(err.message, "salesperson_code ZZ does not exist"));
    assert_int_equal(contacts(r), 0);
    test_db_free(r);
}

static void invalid_values_are_refused_by_the_field_table(void **state)
{
    (void)state;
    relm_contact_t c;
    relm_error_t err = {0};
    relm_record_init(&relm_contact_entity, &c);
    assert_string_equal(c.type, "company");
    assert_int_equal(relm_record_set(&relm_contact_entity, &c, NULL, "email", "not-mail", &err),
                     RELM_EVALIDATION);
    assert_true(contains(err.message, "contact email"));
    assert_int_equal(relm_record_set(&relm_contact_entity, &c, NULL, "type", "robot", &err),
                     RELM_EVALIDATION);
    assert_int_equal(
        relm_record_set(&relm_contact_entity, &c, NULL, "correspondence_type", "pigeon", &err),
        RELM_EVALIDATION);
    assert_int_equal(
        relm_record_set(&relm_contact_entity, &c, NULL, "correspondence_type", "hard-copy", &err),
        0);
    assert_string_equal(c.correspondence_type, "hard_copy");
    assert_int_equal(relm_record_set(&relm_contact_entity, &c, NULL, "created_at", "x", &err),
                     RELM_EVALIDATION);
    char longname[120];
    memset(longname, 'a', 101);
    longname[101] = '\0';
    assert_int_equal(relm_record_set(&relm_contact_entity, &c, NULL, "name", longname, &err),
                     RELM_EVALIDATION);
    assert_int_equal(
        relm_record_set(&relm_contact_entity, &c, NULL, "privacy-blocked", "yes", &err), 0);
    assert_int_equal(c.privacy_blocked, 1);
}

static void new_contacts_take_setup_defaults(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    set_setup(r, "default_language_code", "NOR");
    set_setup(r, "default_correspondence_type", "email");
    relm_contact_t *c = C("name", "Acme");
    add_ok(r, c);
    assert_string_equal(c->language_code, "NOR");
    assert_string_equal(c->correspondence_type, "email");
    relm_contact_t *d = C("name", "Beta", "language_code", "ENU", "correspondence_type", "fax");
    add_ok(r, d);
    assert_string_equal(d->language_code, "ENU");
    assert_string_equal(d->correspondence_type, "fax");
    test_db_free(r);
}

static void new_contacts_take_the_setup_salesperson_unless_a_company_gives_one(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    add_salesperson(r, "JO");
    add_salesperson(r, "AH");
    add_salesperson(r, "KL");
    set_setup(r, "default_salesperson_code", "AH");
    relm_contact_t co = *C("name", "Nordlys AS");
    add_ok(r, &co);
    assert_string_equal(co.salesperson_code, "AH");
    relm_contact_t co2 = *C("name", "Fjord AS", "salesperson_code", "JO");
    add_ok(r, &co2);
    assert_string_equal(co2.salesperson_code, "JO");
    /* Inherit on: the company's salesperson wins over the default. */
    relm_contact_t *p = C("type", "person", "name", "Kari", "company_no", co2.no);
    add_ok(r, p);
    assert_string_equal(p->salesperson_code, "JO");
    relm_contact_t *own =
        C("type", "person", "name", "Per", "company_no", co2.no, "salesperson_code", "KL");
    add_ok(r, own);
    assert_string_equal(own->salesperson_code, "KL");
    /* A field given blank stays blank. */
    relm_mask_t given;
    relm_contact_t blank = *make(&given, "name", "Blank AS", "salesperson_code", "", NULL);
    relm_error_t err = {0};
    assert_relm_ok(relm_contact_entity.add(r, &blank, given, &err));
    assert_string_equal(blank.salesperson_code, "");
    /* Inherit off: a person of a company takes the default, not the company's. */
    set_setup(r, "inherit_salesperson_code", "false");
    relm_contact_t *q = C("type", "person", "name", "Ola", "company_no", co2.no);
    add_ok(r, q);
    assert_string_equal(q->salesperson_code, "AH");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE salesperson_code = 'AH'"),
                     2);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE salesperson_code = 'JO'"),
                     2);
    /* The default is only for new contacts: an update leaves a blank salesperson blank. */
    relm_contact_t ch;
    relm_record_init(&relm_contact_entity, &ch);
    relm_copy(ch.city, sizeof(ch.city), "Oslo");
    assert_relm_ok(relm_contact_update(
        r, blank.no, &ch, RELM_BIT(relm_field_index(&relm_contact_entity, "city")), &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE name = 'Blank AS' AND "
                                     "salesperson_code = '' AND city = 'Oslo'"),
                     1);
    test_db_free(r);
}

static void composed_name_of_the_longest_parts_fits(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    char part[31];
    memset(part, 'x', 30);
    part[30] = '\0';
    /* 3 x 30 characters and 2 spaces fit; a 4th part is not possible. */
    relm_contact_t *p =
        C("no", "P1", "type", "person", "first_name", part, "middle_name", part, "surname", part);
    add_ok(r, p);
    assert_int_equal(strlen(p->name), 92);
    test_db_free(r);
}

/* ---- update ---- */

static void update_merges_and_recomposes_a_persons_name(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_contact_t p = *C("type", "person", "first_name", "Ann", "surname", "Lee", "city", "Oslo");
    add_ok(r, &p);
    relm_mask_t given;
    relm_contact_t *ch = make(&given, "surname", "Larsen", NULL);
    relm_error_t err = {0};
    assert_relm_ok(relm_contact_update(r, p.no, ch, given, &err));
    relm_contact_t got;
    assert_relm_ok(relm_contact_get(r, p.no, &got, &err));
    assert_string_equal(got.name, "Ann Larsen");
    assert_string_equal(got.city, "Oslo");
    assert_string_equal(got.created_at, p.created_at);
    assert_int_equal(strlen(got.modified_at), 20);
    assert_int_equal(got.modified_at[19], 'Z');
    /* A name given alongside the parts wins. */
    ch = make(&given, "first_name", "Anna", "name", "Mrs Larsen", NULL);
    assert_relm_ok(relm_contact_update(r, p.no, ch, given, &err));
    assert_relm_ok(relm_contact_get(r, p.no, &got, &err));
    assert_string_equal(got.name, "Mrs Larsen");
    assert_string_equal(got.first_name, "Anna");
    /* Changing something else keeps the given name. */
    ch = make(&given, "job_title", "CFO", NULL);
    assert_relm_ok(relm_contact_update(r, p.no, ch, given, &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE name = 'Mrs Larsen' "
                                     "AND job_title = 'CFO'"),
                     1);
    test_db_free(r);
}

static void renaming_a_company_renames_it_on_its_persons(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_contact_t co = *C("name", "Old Name");
    add_ok(r, &co);
    add_ok(r, C("type", "person", "name", "A", "company_no", co.no));
    add_ok(r, C("type", "person", "name", "B", "company_no", co.no));
    relm_mask_t given;
    relm_contact_t *ch = make(&given, "name", "New Name", NULL);
    relm_error_t err = {0};
    assert_relm_ok(relm_contact_update(r, co.no, ch, given, &err));
    assert_int_equal(
        test_sql_int(r, "SELECT count(*) FROM contact WHERE company_name = 'New Name'"), 3);
    assert_int_equal(
        test_sql_int(r, "SELECT count(*) FROM contact WHERE company_name = 'Old Name'"), 0);
    test_db_free(r);
}

static void company_with_persons_cannot_become_a_person(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_contact_t co = *C("name", "Acme");
    add_ok(r, &co);
    relm_contact_t pe = *C("type", "person", "name", "A", "company_no", co.no);
    add_ok(r, &pe);
    relm_mask_t given;
    relm_contact_t *ch = make(&given, "type", "person", NULL);
    relm_error_t err = {0};
    assert_int_equal(relm_contact_update(r, co.no, ch, given, &err), RELM_EINUSE);
    assert_true(contains(err.message, co.no));
    assert_true(contains(err.message, "1 person "));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE type = 'company'"), 1);
    /* Without persons it can; its company link is cleared. */
    relm_contact_t lone = *C("name", "Lone");
    add_ok(r, &lone);
    ch = make(&given, "type", "person", NULL);
    assert_relm_ok(relm_contact_update(r, lone.no, ch, given, &err));
    relm_contact_t got;
    assert_relm_ok(relm_contact_get(r, lone.no, &got, &err));
    assert_string_equal(got.type, "person");
    assert_string_equal(got.company_no, "");
    assert_string_equal(got.company_name, "");
    /* And back: a company is its own company again. */
    ch = make(&given, "type", "company", NULL);
    assert_relm_ok(relm_contact_update(r, lone.no, ch, given, &err));
    assert_relm_ok(relm_contact_get(r, lone.no, &got, &err));
    assert_string_equal(got.company_no, lone.no);
    assert_string_equal(got.company_name, "Lone");
    test_db_free(r);
}

static void moving_a_person_to_another_company(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_contact_t a = *C("name", "Alpha", "city", "Oslo");
    relm_contact_t b = *C("name", "Beta", "city", "Bergen");
    add_ok(r, &a);
    add_ok(r, &b);
    relm_contact_t p = *C("type", "person", "name", "Pat", "company_no", a.no);
    add_ok(r, &p);
    relm_mask_t given;
    relm_contact_t *ch = make(&given, "company_no", b.no, NULL);
    relm_error_t err = {0};
    assert_relm_ok(relm_contact_update(r, p.no, ch, given, &err));
    relm_contact_t got;
    assert_relm_ok(relm_contact_get(r, p.no, &got, &err));
    assert_string_equal(got.company_no, b.no);
    assert_string_equal(got.company_name, "Beta");
    ch = make(&given, "company_no", "NOPE", NULL);
    assert_int_equal(relm_contact_update(r, p.no, ch, given, &err), RELM_ENOTFOUND);
    assert_true(contains(err.message, "company_no NOPE"));
    ch = make(&given, "company_no", p.no, NULL);
    assert_int_equal(relm_contact_update(r, p.no, ch, given, &err), RELM_EVALIDATION);
    assert_relm_ok(relm_contact_get(r, p.no, &got, &err));
    assert_string_equal(got.company_no, b.no);
    test_db_free(r);
}

static void update_refuses_what_add_refuses(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_contact_t co = *C("name", "Acme");
    add_ok(r, &co);
    relm_mask_t given;
    relm_error_t err = {0};
    relm_contact_t *ch = make(&given, "name", "", NULL);
    assert_int_equal(relm_contact_update(r, co.no, ch, given, &err), RELM_EVALIDATION);
    ch = make(&given, "salesperson_code", "ZZ", NULL);
    assert_int_equal(relm_contact_update(r, co.no, ch, given, &err), RELM_ENOTFOUND);
    assert_int_equal(relm_contact_update(r, "NOPE", ch, given, &err), RELM_ENOTFOUND);
    assert_true(contains(err.message, "contact NOPE does not exist"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE name = 'Acme' AND "
                                     "salesperson_code = ''"),
                     1);
    assert_int_equal(relm_store_depth(r->store), 0);
    test_db_free(r);
}

/* ---- delete ---- */

static void deleting_a_company_with_persons_is_refused(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_contact_t co = *C("name", "Acme");
    add_ok(r, &co);
    relm_contact_t pe = *C("type", "person", "name", "A", "company_no", co.no);
    add_ok(r, &pe);
    relm_error_t err = {0};
    assert_int_equal(relm_contact_delete(r, co.no, &err), RELM_EINUSE);
    assert_true(contains(err.message, co.no));
    assert_true(contains(err.message, "1 person"));
    assert_true(contains(err.message, "with_persons"));
    assert_int_equal(contacts(r), 2);
    assert_relm_ok(relm_contact_delete(r, pe.no, &err));
    assert_relm_ok(relm_contact_delete(r, co.no, &err));
    assert_int_equal(contacts(r), 0);
    assert_int_equal(relm_contact_delete(r, co.no, &err), RELM_ENOTFOUND);
    assert_true(contains(err.message, "does not exist"));
    test_db_free(r);
}

/* Companies C1 (persons P1, P2) and C2, person P9 without a company; entries on each. */
static void entries_fixture(relm_t *r)
{
    add_ok(r, C("no", "C1", "name", "Acme"));
    add_ok(r, C("no", "C2", "name", "Beta"));
    add_ok(r, C("no", "P1", "type", "person", "name", "Ann", "company_no", "C1"));
    add_ok(r, C("no", "P2", "type", "person", "name", "Bob", "company_no", "C1"));
    add_ok(r, C("no", "P9", "type", "person", "name", "Solo"));
    add_salesperson(r, "JO");
    exec(r, "INSERT INTO interaction_group (code) VALUES ('G');"
            "INSERT INTO interaction_template (code, interaction_group_code) VALUES ('T', 'G');"
            "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, "
            "salesperson_code, interaction_template_code, description, cost, duration, canceled) "
            "VALUES (1, 'C1', 'C1', 'JO', 'T', 'c1', 100, 10, 0),"
            " (2, 'P1', 'C1', 'JO', 'T', 'p1', 200, 20, 0),"
            " (3, 'P2', 'C1', 'JO', 'T', 'p2', 400, 40, 1),"
            " (4, 'P9', '', 'JO', 'T', 'p9', 800, 80, 0),"
            " (5, 'C2', 'C2', 'JO', 'T', 'c2', 1600, 160, 0)");
}

static void deleting_a_person_moves_its_entries_to_its_company(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    entries_fixture(r);
    relm_error_t err = {0};
    relm_contact_stats_t before, after;
    assert_relm_ok(relm_contact_stats(r, "C1", &before, &err));
    assert_relm_ok(relm_contact_delete(r, "P1", &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE no = 'P1'"), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "entry_no = 2 AND contact_no = 'C1' AND "
                                     "contact_company_no = 'C1' AND description = 'p1' AND "
                                     "cost = 200"),
                     1);
    assert_relm_ok(relm_contact_stats(r, "C1", &after, &err));
    assert_int_equal(after.no_of_interactions, before.no_of_interactions);
    assert_int_equal(after.cost, before.cost);
    /* Without a company the entry keeps its data with a blank contact_no. */
    assert_relm_ok(relm_contact_delete(r, "P9", &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "entry_no = 4 AND contact_no = '' AND description = 'p9' AND "
                                     "cost = 800 AND salesperson_code = 'JO'"),
                     1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry"), 5);
    test_db_free(r);
}

static void deleting_a_company_with_persons_detaches_every_entry(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    entries_fixture(r);
    relm_error_t err = {0};
    assert_int_equal(relm_contact_delete_with(r, "C1", 0, &err), RELM_EINUSE);
    assert_int_equal(contacts(r), 5);
    assert_relm_ok(relm_contact_delete_with(r, "C1", RELM_CONTACT_WITH_PERSONS, &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE company_no = 'C1'"), 0);
    assert_int_equal(contacts(r), 2);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "contact_no = '' AND contact_company_no = '' AND "
                                     "entry_no IN (1, 2, 3)"),
                     3);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "entry_no = 5 AND contact_no = 'C2'"),
                     1);
    /* The flag on a company without persons, or on a person, changes nothing. */
    assert_relm_ok(relm_contact_delete_with(r, "C2", RELM_CONTACT_WITH_PERSONS, &err));
    assert_relm_ok(relm_contact_delete_with(r, "P9", RELM_CONTACT_WITH_PERSONS, &err));
    assert_int_equal(contacts(r), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "contact_no = '' AND contact_company_no = ''"),
                     5);
    test_db_free(r);
}

static void statistics_of_what_remains_stay_true_after_deletes(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    entries_fixture(r);
    relm_error_t err = {0};
    relm_totals_t sp0, sp1, tpl0, tpl1;
    assert_relm_ok(relm_salesperson_stats(r, "JO", &sp0, &err));
    assert_relm_ok(relm_template_stats(r, "T", &tpl0, &err));
    assert_int_equal(sp0.no_of_interactions, 4);
    assert_int_equal(sp0.cost, 2700);
    assert_relm_ok(relm_contact_delete(r, "P9", &err));
    assert_relm_ok(relm_contact_delete_with(r, "C1", RELM_CONTACT_WITH_PERSONS, &err));
    assert_relm_ok(relm_salesperson_stats(r, "JO", &sp1, &err));
    assert_relm_ok(relm_template_stats(r, "T", &tpl1, &err));
    assert_memory_equal(&sp0, &sp1, sizeof(sp0));
    assert_memory_equal(&tpl0, &tpl1, sizeof(tpl0));
    relm_contact_stats_t c2;
    assert_relm_ok(relm_contact_stats(r, "C2", &c2, &err));
    assert_int_equal(c2.no_of_interactions, 1);
    assert_int_equal(c2.cost, 1600);
    test_db_free(r);
}

static void deleting_a_contact_on_a_segment_not_yet_logged_is_refused(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    entries_fixture(r);
    exec(r, "INSERT INTO segment_header (no, description) VALUES ('SEG7', 'Mailing');"
            "INSERT INTO segment_line (segment_no, line_no, contact_no, contact_company_no) "
            "VALUES ('SEG7', 10000, 'P2', 'C1'), ('SEG7', 20000, 'C2', 'C2')");
    relm_error_t err = {0};
    assert_int_equal(relm_contact_delete(r, "C2", &err), RELM_EINUSE);
    assert_true(contains(err.message, "contact C2 is on segment SEG7"));
    assert_int_equal(relm_contact_delete(r, "P2", &err), RELM_EINUSE);
    assert_true(contains(err.message, "segment SEG7"));
    /* With its persons, a company is refused for a person's line, naming both. */
    assert_int_equal(relm_contact_delete_with(r, "C1", RELM_CONTACT_WITH_PERSONS, &err),
                     RELM_EINUSE);
    assert_true(contains(err.message, "person P2 is on segment SEG7"));
    assert_int_equal(contacts(r), 5);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "contact_no IN ('C1', 'P1', 'P2') AND "
                                     "contact_company_no = 'C1'"),
                     3);
    /* Once the line is gone, the delete goes through. */
    exec(r, "DELETE FROM segment_line WHERE contact_no = 'P2'");
    assert_relm_ok(relm_contact_delete(r, "P2", &err));
    test_db_free(r);
}

/* ---- CSV ---- */

static int import_text(relm_t *r, const char *text, int64_t *n, relm_error_t *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(f);
    int rc = relm_contact_import_csv(r, f, (int64_t)strlen(text), NULL, NULL, n, err);
    fclose(f);
    return rc;
}

static char *export_text(relm_t *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    relm_error_t err = {0};
    if (relm_contact_export_csv(r, f, &err))
        fail_msg("export: %s", err.message);
    fclose(f);
    return buf;
}

static void import_adds_companies_and_persons(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    add_salesperson(r, "JO");
    int64_t n = -1;
    relm_error_t err = {0};
    const char *csv = "type,name,first_name,surname,company_no,city,salesperson_code,email\r\n"
                      "company,\"Acme, Inc.\",,,,Oslo,jo,info@acme.example\r\n"
                      "person,,Ann,\"O\"\"Neil\",CT000001,,,ann@acme.example\r\n"
                      "\r\n"
                      "company,\"Two\nLines\",,,,Bergen,,\n";
    assert_relm_ok(import_text(r, csv, &n, &err));
    assert_int_equal(n, 3);
    assert_int_equal(contacts(r), 3);
    relm_contact_t got;
    assert_relm_ok(relm_contact_get(r, "CT000002", &got, &err));
    assert_string_equal(got.name, "Ann O\"Neil");
    assert_string_equal(got.company_name, "Acme, Inc.");
    /* The column is in the file, so a blank cell is taken as written, not inherited. */
    assert_string_equal(got.salesperson_code, "");
    assert_string_equal(got.city, "");
    assert_relm_ok(relm_contact_get(r, "CT000003", &got, &err));
    assert_string_equal(got.name, "Two\nLines");
    test_db_free(r);
}

/* n rows "company,Name i" with no number: the series numbers them. */
static char *unnumbered_csv(int n)
{
    size_t cap = 32 + (size_t)n * 24;
    char *csv = malloc(cap), *p = csv;
    assert_non_null(csv);
    p += sprintf(p, "type,name\n");
    for (int i = 1; i <= n; i++)
        p += sprintf(p, "company,Name %d\n", i);
    return csv;
}

static void import_numbers_rows_as_one_by_one_and_gives_the_rest_back(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    int64_t n = 0;
    relm_error_t err = {0};
    assert_relm_ok(import_text(r, "type,name\ncompany,A\ncompany,B\ncompany,C\n", &n, &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE "
                                     "(no, name) IN (VALUES ('CT000001', 'A'), ('CT000002', 'B'), "
                                     "('CT000003', 'C'))"),
                     3);
    /* The line stands where three numbers taken alone leave it, open, so the next contact
     * follows without a gap. */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE series_code = "
                                     "'CONT' AND last_no_used = 'CT000003' AND last_date_used = "
                                     "'2026-03-15' AND open = 1"),
                     1);
    relm_contact_t *c = C("name", "Next");
    add_ok(r, c);
    assert_string_equal(c->no, "CT000004");
    test_db_free(r);
}

static void import_numbers_stay_gap_free_across_blocks(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    allow_manual_nos(r);
    int64_t n = 0;
    relm_error_t err = {0};
    char *csv = unnumbered_csv(2500);
    assert_relm_ok(import_text(r, csv, &n, &err));
    free(csv);
    assert_int_equal(n, 2500);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE no BETWEEN 'CT000001' "
                                     "AND 'CT002500' AND name = 'Name ' || CAST(substr(no, 3) AS "
                                     "INTEGER)"),
                     2500);
    /* Typed numbers between series numbers take none from the series. */
    assert_relm_ok(
        import_text(r, "no,type,name\n,company,X\nT1,company,Y\n,company,Z\n", &n, &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE (no, name) IN (VALUES "
                                     "('CT002501', 'X'), ('T1', 'Y'), ('CT002502', 'Z'))"),
                     3);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE series_code = "
                                     "'CONT' AND last_no_used = 'CT002502'"),
                     1);
    test_db_free(r);
}

static void import_past_the_ending_no_fails_as_one_by_one(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    exec(r, "UPDATE no_series_line SET ending_no = 'CT000005', warning_no = 'CT000004' "
            "WHERE series_code = 'CONT'");
    int64_t n = 0;
    relm_error_t err = {0};
    char *csv = unnumbered_csv(6);
    assert_int_equal(import_text(r, csv, &n, &err), RELM_ENONUMBERS);
    free(csv);
    assert_true(contains(err.message, "line 7: "));
    assert_int_equal(contacts(r), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE series_code = "
                                     "'CONT' AND last_no_used = '' AND open = 1"),
                     1);
    /* Four numbers leave the line open before its ending number, five close it; the
     * numbers at and past the warning number say so. */
    relm_error_clear(&err);
    csv = unnumbered_csv(4);
    assert_relm_ok(import_text(r, csv, &n, &err));
    free(csv);
    assert_true(contains(err.warning, "number CT000004 of series CONT is at or past the warning"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE series_code = "
                                     "'CONT' AND last_no_used = 'CT000004' AND open = 1"),
                     1);
    assert_relm_ok(import_text(r, "type,name\ncompany,Last\n", &n, &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE series_code = "
                                     "'CONT' AND last_no_used = 'CT000005' AND open = 0"),
                     1);
    assert_int_equal(import_text(r, "type,name\ncompany,None\n", &n, &err), RELM_ENONUMBERS);
    assert_int_equal(contacts(r), 5);
    test_db_free(r);
}

static void a_failed_import_takes_no_number(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    int64_t n = 0;
    relm_error_t err = {0};
    assert_int_equal(
        import_text(r, "type,name,company_no\ncompany,A,\nperson,Ann,CT404\n", &n, &err),
        RELM_ENOTFOUND);
    assert_int_equal(contacts(r), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM no_series_line WHERE series_code = "
                                     "'CONT' AND last_no_used = '' AND last_date_used = ''"),
                     1);
    relm_contact_t *c = C("name", "First");
    add_ok(r, c);
    assert_string_equal(c->no, "CT000001");
    test_db_free(r);
}

static void import_inherits_fields_missing_from_the_file(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    add_salesperson(r, "JO");
    int64_t n = 0;
    relm_error_t err = {0};
    assert_int_equal(import_text(r, "no,type,name\nC1,company,Acme\n", &n, &err), RELM_EMANUALNOS);
    assert_true(contains(err.message, "line 2: contact C1: "));
    allow_manual_nos(r);
    add_ok(r, C("no", "C0", "name", "Zero", "salesperson_code", "JO", "city", "Oslo"));
    assert_relm_ok(import_text(r, "no,type,name,company_no\nP1,person,Ann,C0\n", &n, &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE no = 'P1' AND "
                                     "salesperson_code = 'JO' AND city = 'Oslo' AND "
                                     "company_name = 'Zero'"),
                     1);
    test_db_free(r);
}

static void a_failed_import_leaves_zero_contacts(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    int64_t n = -1;
    relm_error_t err = {0};
    const char *csv = "name,email\n"
                      "\"Good\nOne\",a@b.example\n"
                      "Good Two,c@d.example\n"
                      "Bad,not-an-address\n"
                      "Never,\n";
    assert_int_equal(import_text(r, csv, &n, &err), RELM_EVALIDATION);
    assert_true(contains(err.message, "line 5: "));
    assert_true(contains(err.message, "email"));
    assert_int_equal(n, 0);
    assert_int_equal(contacts(r), 0);
    assert_int_equal(test_sql_int(r, "SELECT last_no_used = '' FROM no_series_line "
                                     "WHERE series_code = 'CONT'"),
                     1);
    assert_int_equal(relm_store_depth(r->store), 0);
    /* A rule broken by a row (an unknown company) is reported the same way. */
    assert_int_equal(import_text(r, "type,name,company_no\nperson,Ann,CT404\n", &n, &err),
                     RELM_ENOTFOUND);
    assert_true(contains(err.message, "line 2: "));
    assert_true(contains(err.message, "CT404"));
    assert_int_equal(contacts(r), 0);
    test_db_free(r);
}

static void import_refuses_bad_headers_and_records(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    int64_t n;
    relm_error_t err = {0};
    assert_int_equal(import_text(r, "no,name,shoe_size\nA,B,42\n", &n, &err), RELM_EVALIDATION);
    assert_true(contains(err.message, "line 1: contact has no field \"shoe_size\""));
    assert_int_equal(import_text(r, "no,name,created_at\n", &n, &err), RELM_EVALIDATION);
    assert_true(contains(err.message, "created_at"));
    assert_int_equal(import_text(r, "no,name,name\n", &n, &err), RELM_EVALIDATION);
    assert_true(contains(err.message, "twice"));
    assert_int_equal(import_text(r, "no,name\nA,B\nC\n", &n, &err), RELM_EVALIDATION);
    assert_true(contains(err.message, "line 3: the record has 1 fields, the header has 2"));
    assert_int_equal(import_text(r, "no,name\nA,\"B\n", &n, &err), RELM_EVALIDATION);
    assert_true(contains(err.message, "line 2: a quoted field is not closed"));
    assert_int_equal(import_text(r, "no,name\nA,B\nA,C\n", &n, &err), RELM_EEXISTS);
    assert_true(contains(err.message, "line 3: contact A already exists"));
    assert_int_equal(contacts(r), 0);
    /* An empty file imports nothing and is not an error. */
    assert_relm_ok(import_text(r, "", &n, &err));
    assert_int_equal(n, 0);
    test_db_free(r);
}

static void import_accepts_kebab_case_headers(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    int64_t n;
    relm_error_t err = {0};
    assert_relm_ok(import_text(r, "no, name ,privacy-blocked\nA,B,true\n", &n, &err));
    assert_int_equal(test_sql_int(r, "SELECT privacy_blocked FROM contact WHERE no = 'A'"), 1);
    test_db_free(r);
}

typedef struct progress {
    int calls;
    int64_t last_done, last_total;
} progress_t;

static void on_progress(void *ctx, int64_t done, int64_t total, const char *phase)
{
    (void)phase;
    progress_t *p = ctx;
    p->calls++;
    assert_true(done >= p->last_done);
    p->last_done = done;
    p->last_total = total;
}

static void import_reports_progress(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    size_t cap = 300000, len = 0;
    char *csv = malloc(cap);
    len += (size_t)snprintf(csv, cap, "no,name,city\n");
    for (int i = 0; len + 64 < cap; i++)
        len += (size_t)snprintf(csv + len, cap - len, "N%06d,Name %d,City\n", i, i);
    FILE *f = fmemopen(csv, len, "r");
    progress_t p = {0};
    int64_t n = 0;
    relm_error_t err = {0};
    assert_relm_ok(relm_contact_import_csv(r, f, (int64_t)len, on_progress, &p, &n, &err));
    fclose(f);
    assert_true(p.calls >= 4);
    assert_int_equal(p.last_done, (int64_t)len);
    assert_int_equal(p.last_total, (int64_t)len);
    assert_int_equal(contacts(r), n);
    assert_true(n > 10000);
    free(csv);
    test_db_free(r);
}

static void export_then_import_into_a_fresh_db_gives_identical_rows(void **state)
{
    (void)state;
    relm_t *a = test_db_new();
    test_seed_series(a);
    add_salesperson(a, "JO");
    set_setup(a, "default_correspondence_type", "email");
    /* The person is numbered before its company: export must still list the company first. */
    allow_manual_nos(a);
    add_ok(a, C("no", "Z9", "name", "Zeta, \"the\" company", "address", " Line\nTwo",
                "salesperson_code", "JO", "city", "Oslo", "email", "z@zeta.example"));
    add_ok(a, C("no", "A1", "type", "person", "first_name", "Ann", "surname", "Lee", "company_no",
                "Z9", "privacy_blocked", "true"));
    relm_mask_t given;
    relm_contact_t *ch =
        make(&given, "salesperson_code", "", "city", "", "correspondence_type", "", NULL);
    relm_error_t err = {0};
    assert_relm_ok(relm_contact_update(a, "A1", ch, given, &err));
    add_ok(a, C("name", "Ærlig Æsel ÅS", "exclude_from_segment", "true", "language_code", "NOR"));
    char *first = export_text(a);

    relm_t *b = test_db_new();
    add_salesperson(b, "JO");
    set_setup(b, "default_correspondence_type", "email");
    int64_t n = 0;
    FILE *f = fmemopen(first, strlen(first), "r");
    assert_relm_ok(relm_contact_import_csv(b, f, -1, NULL, NULL, &n, &err));
    fclose(f);
    assert_int_equal(n, 3);
    char *second = export_text(b);
    assert_string_equal(first, second);
    assert_int_equal(test_sql_int(b, "SELECT count(*) FROM contact WHERE no = 'A1' AND "
                                     "salesperson_code = '' AND city = '' AND "
                                     "correspondence_type = '' AND privacy_blocked = 1"),
                     1);
    free(first);
    free(second);
    test_db_free(b);
    test_db_free(a);
}

static void export_writes_a_header_and_every_contact(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    char *empty = export_text(r);
    assert_true(contains(empty, "no,type,name,company_no,company_name,first_name,"));
    assert_true(contains(empty, ",exclude_from_segment,privacy_blocked\r\n"));
    assert_null(strstr(empty, "created_at"));
    free(empty);
    add_ok(r, C("no", "C1", "name", "Acme, Inc."));
    char *one = export_text(r);
    assert_true(contains(one, "\r\nC1,company,\"Acme, Inc.\",C1,\"Acme, Inc.\","));
    free(one);
    test_db_free(r);
}

typedef struct nos {
    char text[512];
} nos_t;

static int collect_no(void *ctx, const void *rec)
{
    nos_t *n = ctx;
    size_t l = strlen(n->text);
    snprintf(n->text + l, sizeof(n->text) - l, "%s%s", l ? "," : "",
             ((const relm_contact_t *)rec)->no);
    return 0;
}

/* The numbers of the contacts a list filter (or, with search, a search) finds. */
static const char *found(relm_t *r, const char *where, const char *search)
{
    static nos_t n;
    relm_error_t err = {0};
    relm_filter_t f;
    n.text[0] = '\0';
    if (where && relm_filter_parse(&relm_contact_entity, where, &f, &err))
        fail_msg("%s: %s", where, err.message);
    int rc = search ? relm_contact_search(r, search, &f, where ? 1 : 0, 0, collect_no, &n, &err)
                    : relm_list(r, &relm_contact_entity, &f, 1, 0, collect_no, &n, &err);
    if (rc)
        fail_msg("list: %s", err.message);
    return n.text;
}

static void contains_and_email_equality_fold_case_for_all_of_unicode(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    add_ok(r, C("no", "K1", "name", "Nordlys Kontormøbler AS", "city", "Tromsø", "email",
                "Post@Nordlys.example"));
    add_ok(r, C("no", "K2", "name", "Café Straße", "city", "Oslo", "email", "kari@cafe.example"));
    add_ok(r, C("no", "K3", "name", "Acme", "city", "ÅLESUND"));
    assert_string_equal(found(r, "name~KONTORMØBLER", NULL), "K1");
    assert_string_equal(found(r, "name~kontormøbler", NULL), "K1");
    assert_string_equal(found(r, "name~STRASSE", NULL), "K2");
    /* A decomposed "é" (e + combining acute) finds the composed one. */
    assert_string_equal(found(r, "name~CAFE\xcc\x81", NULL), "K2");
    assert_string_equal(found(r, "city~ålesund", NULL), "K3");
    assert_string_equal(found(r, "email=POST@NORDLYS.EXAMPLE", NULL), "K1");
    assert_string_equal(found(r, "email!=POST@NORDLYS.EXAMPLE", NULL), "K2,K3");
    /* Equality on other text stays exact; wildcards in the value are literal. */
    assert_string_equal(found(r, "city=TROMSØ", NULL), "");
    assert_string_equal(found(r, "name~%", NULL), "");
    test_db_free(r);
}

static void search_finds_text_in_number_name_email_or_city(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    add_ok(r, C("no", "K1", "name", "Nordlys Kontormøbler AS", "city", "Tromsø", "email",
                "post@nordlys.example"));
    add_ok(r, C("no", "K2", "name", "Acme", "city", "Oslo", "email", "kari@acme.example"));
    add_ok(r, C("no", "TROMS1", "name", "Other", "city", "Bergen"));
    assert_string_equal(found(r, NULL, "TROMSØ"), "K1");
    assert_string_equal(found(r, NULL, "troms"), "K1,TROMS1");
    assert_string_equal(found(r, NULL, "KARI@"), "K2");
    assert_string_equal(found(r, NULL, "kontormØbler"), "K1");
    assert_string_equal(found(r, NULL, ""), "K1,K2,TROMS1");
    /* Filters narrow the search. */
    assert_string_equal(found(r, "city=Bergen", "troms"), "TROMS1");
    test_db_free(r);
}

/* The folded copies searched (search_folded) follow every write of name, e-mail or city. */
static void search_follows_updates_and_erasure_of_the_searched_fields(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    add_ok(r, C("no", "K1", "name", "Nordlys Kontormøbler AS", "city", "Tromsø", "email",
                "Post@Nordlys.example"));
    add_ok(r, C("no", "K2", "type", "person", "name", "Åse Ærø", "city", "Ålesund", "email",
                "åse@blåbær.no"));
    assert_string_equal(found(r, NULL, "ÅSE@BLÅBÆR"), "K2");
    relm_contact_t ch;
    relm_record_init(&relm_contact_entity, &ch);
    relm_copy(ch.name, sizeof(ch.name), "Straße Møbler AS");
    relm_copy(ch.city, sizeof(ch.city), "Bodø");
    assert_relm_ok(relm_contact_update(r, "K1", &ch,
                                       RELM_BIT(relm_field_index(&relm_contact_entity, "name")) |
                                           RELM_BIT(relm_field_index(&relm_contact_entity, "city")),
                                       &err));
    assert_string_equal(found(r, NULL, "kontormøbler"), "");
    assert_string_equal(found(r, NULL, "STRASSE"), "K1");
    assert_string_equal(found(r, NULL, "BODØ"), "K1");
    assert_string_equal(found(r, NULL, "tromsø"), "");
    /* Erased: nothing personal is found any more; its number still is. */
    relm_erasure_t e;
    assert_relm_ok(relm_contact_erase(r, "K2", &e, &err));
    assert_string_equal(found(r, NULL, "blåbær"), "");
    assert_string_equal(found(r, NULL, "ålesund"), "");
    assert_string_equal(found(r, NULL, "k2"), "K2");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE no = 'K1' AND "
                                     "email_folded = 'post@nordlys.example'"),
                     1);
    test_db_free(r);
}

static int import_with(relm_t *r, const char *text, const relm_contact_csv_opts_t *o, int64_t *n,
                       int64_t *refused, relm_error_t *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(f);
    int rc = relm_contact_import_csv_with(r, f, -1, NULL, NULL, o, n, refused, err);
    fclose(f);
    return rc;
}

/* An Outlook-style export: semicolons, windows-1252, headers of its own. */
static const char crm_export[] =
    "First Name;Last Name;E-mail Address;Company;Business Phone;Mobile Phone;City;"
    "ZIP/Postal Code;Country/Region;Notes\r\n"
    "K\xe5re;\xd8stby;kare@nordlys.example;Nordlys AS;+47 22 00 00 00;+47 900 00 000;"
    "Troms\xf8;9008;Norway;likes coffee\r\n"
    ";;post@firma.example;Firma AS;;;Bergen;5003;NO;\r\n";

static void crm_headers_delimiter_and_encoding_are_read(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_error_t err = {0};
    int64_t n = 0;
    static const char *const skip_notes[] = {"notes="};
    relm_contact_csv_opts_t o = {.delimiter = ';', .encoding = "windows-1252"};
    /* The Notes column has no field: refused, with the way out in the message. */
    assert_int_equal(import_with(r, crm_export, &o, &n, NULL, &err), RELM_EVALIDATION);
    assert_true(contains(err.message, "--map \"Notes=\""));
    o.map = skip_notes;
    o.nmap = 1;
    assert_relm_ok(import_with(r, crm_export, &o, &n, NULL, &err));
    assert_int_equal(n, 2);
    relm_contact_t c;
    assert_relm_ok(relm_contact_get(r, "CT000001", &c, &err));
    assert_string_equal(c.type, "person");
    assert_string_equal(c.name, "Kåre Østby");
    assert_string_equal(c.surname, "Østby");
    assert_string_equal(c.company_name, "Nordlys AS");
    assert_string_equal(c.email, "kare@nordlys.example");
    assert_string_equal(c.phone_no, "+47 22 00 00 00");
    assert_string_equal(c.mobile_phone_no, "+47 900 00 000");
    assert_string_equal(c.city, "Tromsø");
    assert_string_equal(c.post_code, "9008");
    assert_string_equal(c.country_code, "NO");
    assert_relm_ok(relm_contact_get(r, "CT000002", &c, &err));
    assert_string_equal(c.type, "company");
    assert_string_equal(c.name, "Firma AS");
    test_db_free(r);
}

static void a_map_names_the_field_of_a_column(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_error_t err = {0};
    int64_t n = 0;
    static const char *const maps[] = {"Kundenavn=name", "Sted=city", "Intern="};
    relm_contact_csv_opts_t o = {.map = maps, .nmap = 3};
    assert_relm_ok(import_with(r, "Kundenavn,Sted,Intern\nAcme,Oslo,x\n", &o, &n, NULL, &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE name = 'Acme' AND "
                                     "city = 'Oslo' AND type = 'company'"),
                     1);
    static const char *const bad[] = {"Kundenavn=shoe_size"};
    o.map = bad;
    o.nmap = 1;
    assert_int_equal(import_with(r, "Kundenavn\nX\n", &o, &n, NULL, &err), RELM_EUSAGE);
    assert_true(contains(err.message, "shoe_size"));
    o.nmap = 0;
    o.skip_unknown = 1;
    assert_relm_ok(import_with(r, "name,Whatever\nBeta,1\n", &o, &n, NULL, &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact"), 2);
    test_db_free(r);
}

typedef struct rows {
    char text[1024];
} rows_t;

static void note_row(void *ctx, int64_t line, const relm_contact_t *c, const relm_error_t *refused)
{
    rows_t *x = ctx;
    size_t l = strlen(x->text);
    snprintf(x->text + l, sizeof(x->text) - l, "%lld:%s|", (long long)line,
             refused ? refused->message : c->name);
}

static void a_dry_run_reports_every_row_and_writes_nothing(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    relm_error_t err = {0};
    int64_t n = 0, refused = 0;
    rows_t x = {""};
    relm_contact_csv_opts_t o = {.dry_run = 1, .row = note_row, .ctx = &x};
    const char *csv = "no,type,name,company_no,email\n"
                      ",company,Acme,,\n"
                      ",person,Ann,CT000001,bad-address\n"
                      ",person,Bo,CT000001,bo@acme.example\n"
                      ",person,Cy,CT000099,\n";
    assert_relm_ok(import_with(r, csv, &o, &n, &refused, &err));
    assert_int_equal(n, 2);
    assert_int_equal(refused, 2);
    /* Bo sees the company added by an earlier row of the same run. */
    assert_true(contains(x.text, "2:Acme|"));
    assert_true(contains(x.text, "3:line 3: contact email: \"bad-address\""));
    assert_true(contains(x.text, "4:Bo|"));
    assert_true(contains(x.text, "5:line 5: new contact: company_no CT000099 does not exist"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact"), 0);
    /* Numbers taken in the dry run are given back. */
    assert_int_equal(import_text(r, "name\nReal\n", &n, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE no = 'CT000001'"), 1);
    test_db_free(r);
}

static void excel_export_has_a_bom_and_neutralises_formulas(void **state)
{
    (void)state;
    relm_t *r = test_db_new();
    test_seed_series(r);
    add_ok(r, C("name", "=HYPERLINK(\"http://evil.example\")", "phone_no", "+47 22 00 00 00",
                "city", "@home"));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    relm_error_t err = {0};
    assert_relm_ok(relm_contact_export_csv_with(r, f, RELM_CSV_EXCEL, &err));
    fclose(f);
    assert_memory_equal(buf, "\xef\xbb\xbfno,type,name", 15);
    assert_true(contains(buf, "\"'=HYPERLINK(\"\"http://evil.example\"\")\""));
    assert_true(contains(buf, ",'+47 22 00 00 00,"));
    assert_true(contains(buf, ",'@home,"));
    free(buf);
    char *plain = export_text(r);
    assert_true(contains(plain, ",+47 22 00 00 00,"));
    free(plain);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(contains_and_email_equality_fold_case_for_all_of_unicode),
        cmocka_unit_test(search_finds_text_in_number_name_email_or_city),
        cmocka_unit_test(search_follows_updates_and_erasure_of_the_searched_fields),
        cmocka_unit_test(crm_headers_delimiter_and_encoding_are_read),
        cmocka_unit_test(a_map_names_the_field_of_a_column),
        cmocka_unit_test(a_dry_run_reports_every_row_and_writes_nothing),
        cmocka_unit_test(excel_export_has_a_bom_and_neutralises_formulas),
        cmocka_unit_test(company_takes_its_number_from_contact_nos),
        cmocka_unit_test(blank_no_without_contact_nos_is_refused),
        cmocka_unit_test(typed_no_without_series_is_taken_as_is),
        cmocka_unit_test(manual_number_refused_when_series_disallows),
        cmocka_unit_test(existing_number_is_refused),
        cmocka_unit_test(failed_insert_gives_the_number_back),
        cmocka_unit_test(person_name_is_composed_from_its_parts),
        cmocka_unit_test(a_contact_must_have_a_name),
        cmocka_unit_test(person_needs_an_existing_company),
        cmocka_unit_test(person_inherits_company_salesperson_and_address),
        cmocka_unit_test(inheritance_follows_marketing_setup),
        cmocka_unit_test(a_field_given_blank_is_not_inherited),
        cmocka_unit_test(new_contacts_take_the_setup_salesperson_unless_a_company_gives_one),
        cmocka_unit_test(company_fields_are_its_own),
        cmocka_unit_test(unknown_salesperson_is_refused),
        cmocka_unit_test(invalid_values_are_refused_by_the_field_table),
        cmocka_unit_test(new_contacts_take_setup_defaults),
        cmocka_unit_test(composed_name_of_the_longest_parts_fits),
        cmocka_unit_test(update_merges_and_recomposes_a_persons_name),
        cmocka_unit_test(renaming_a_company_renames_it_on_its_persons),
        cmocka_unit_test(company_with_persons_cannot_become_a_person),
        cmocka_unit_test(moving_a_person_to_another_company),
        cmocka_unit_test(update_refuses_what_add_refuses),
        cmocka_unit_test(deleting_a_company_with_persons_is_refused),
        cmocka_unit_test(deleting_a_person_moves_its_entries_to_its_company),
        cmocka_unit_test(deleting_a_company_with_persons_detaches_every_entry),
        cmocka_unit_test(statistics_of_what_remains_stay_true_after_deletes),
        cmocka_unit_test(deleting_a_contact_on_a_segment_not_yet_logged_is_refused),
        cmocka_unit_test(import_adds_companies_and_persons),
        cmocka_unit_test(import_numbers_rows_as_one_by_one_and_gives_the_rest_back),
        cmocka_unit_test(import_numbers_stay_gap_free_across_blocks),
        cmocka_unit_test(import_past_the_ending_no_fails_as_one_by_one),
        cmocka_unit_test(a_failed_import_takes_no_number),
        cmocka_unit_test(import_inherits_fields_missing_from_the_file),
        cmocka_unit_test(a_failed_import_leaves_zero_contacts),
        cmocka_unit_test(import_refuses_bad_headers_and_records),
        cmocka_unit_test(import_accepts_kebab_case_headers),
        cmocka_unit_test(import_reports_progress),
        cmocka_unit_test(export_then_import_into_a_fresh_db_gives_identical_rows),
        cmocka_unit_test(export_writes_a_header_and_every_contact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
