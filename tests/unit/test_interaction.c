/*
 * Interaction log entries: Create Interaction defaults and checks, postpone / resume /
 * delete, cancel, evaluate, delete canceled, statistics and cursor paging.
 *
 * The fixture is the demo data (salespersons JO/AH/BD, setup default salesperson JO and
 * correspondence type email, which r2 no longer uses for interactions, templates
 * ABSTRACT/COVERLTR/OUTGOING/INCOMING/MEETINV/NEWS, campaign CMP1001, companies CT000001-CT000004
 * and persons CT000005-CT000010).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helpers.h"
#include "internal.h"

#define KV(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef relm_interaction_t ie_t;

static relm_t *demo_db(void)
{
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    if (relm_demo_fill(r, &err))
        fail_msg("demo: %s", err.message);
    return r;
}

static relm_mask_t fill(ie_t *rec, const char *const *kv)
{
    relm_mask_t given = 0;
    relm_record_init(&relm_interaction_entity, rec);
    for (int i = 0; kv[i]; i += 2) {
        relm_error_t err = {0};
        if (relm_record_set(&relm_interaction_entity, rec, &given, kv[i], kv[i + 1], &err))
            fail_msg("%s=%s: %s", kv[i], kv[i + 1], err.message);
    }
    return given;
}

static int create_kv(relm_t *r, ie_t *rec, relm_error_t *err, const char *const *kv)
{
    relm_mask_t given = fill(rec, kv);
    return relm_interaction_create(r, rec, given, err);
}

static int64_t log_ok(relm_t *r, const char *const *kv)
{
    ie_t rec;
    relm_error_t err = {0};
    if (create_kv(r, &rec, &err, kv))
        fail_msg("create: %s", err.message);
    return rec.entry_no;
}

static int64_t postpone_kv(relm_t *r, const char *const *kv)
{
    ie_t rec;
    relm_error_t err = {0};
    relm_mask_t given = fill(&rec, kv);
    if (relm_interaction_postpone(r, &rec, given, &err))
        fail_msg("postpone: %s", err.message);
    return rec.entry_no;
}

static void add_contact(relm_t *r, char no[RELM_CODE20_SZ], const char *const *kv)
{
    relm_contact_t c;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(&relm_contact_entity, &c);
    for (int i = 0; kv[i]; i += 2)
        if (relm_record_set(&relm_contact_entity, &c, &given, kv[i], kv[i + 1], &err))
            fail_msg("contact %s: %s", kv[i], err.message);
    /* With the given fields, so that one given blank is not filled from setup defaults. */
    if (relm_contact_entity.add(r, &c, given, &err))
        fail_msg("contact: %s", err.message);
    snprintf(no, RELM_CODE20_SZ, "%s", c.no);
}

static void update_contact(relm_t *r, const char *no, const char *field, const char *value)
{
    relm_contact_t c;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(&relm_contact_entity, &c);
    if (relm_record_set(&relm_contact_entity, &c, &given, field, value, &err) ||
        relm_contact_update(r, no, &c, given, &err))
        fail_msg("contact %s %s: %s", no, field, err.message);
}

static void set_setup(relm_t *r, const char *field, const char *value)
{
    relm_setup_t s;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(&relm_setup_entity, &s);
    if (relm_record_set(&relm_setup_entity, &s, &given, field, value, &err) ||
        relm_setup_update(r, &s, given, &err))
        fail_msg("setup %s: %s", field, err.message);
}

/* Set up a state no library call reaches (e.g. a canceled campaign entry). */
static void test_sql_exec(relm_t *r, const char *sql)
{
    relm_error_t err = {0};
    if (relm_store_exec(r->store, sql, &err))
        fail_msg("%s: %s", sql, err.message);
}

static int count_rows(void *ctx, const void *row)
{
    (void)row;
    ++*(int64_t *)ctx;
    return 0;
}

static int64_t entries(relm_t *r)
{
    return test_sql_int(r, "SELECT count(*) FROM interaction_log_entry");
}

static int64_t counter(relm_t *r, const char *name)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT value FROM relm_counter WHERE name = '%s'", name);
    return test_sql_int(r, sql);
}

static void create_takes_defaults_from_template_contact_and_setup(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_set_user(r, "alice");
    ie_t rec;
    relm_error_t err = {0};
    relm_contact_t mark;
    assert_int_equal(relm_contact_get(r, "CT000005", &mark, &err), 0);
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "ct000005", "interaction_template_code", "outgoing")),
        0);
    assert_int_equal(rec.entry_no, 1);
    assert_string_equal(rec.contact_no, "CT000005");
    assert_string_equal(rec.contact_company_no, "CT000001");
    assert_string_equal(rec.description, "Outgoing call");
    assert_int_equal(rec.cost, 50);
    assert_int_equal(rec.duration, 1000);
    assert_string_equal(rec.information_flow, "outbound");
    assert_string_equal(rec.initiated_by, "us");
    assert_string_equal(rec.interaction_group_code, "PHONE");
    assert_string_equal(rec.language_code, "ENU");
    /* The template has no correspondence type; the contact prefers e-mail. */
    assert_string_equal(rec.correspondence_type, "email");
    assert_string_equal(rec.contact_via, "mark@cardoxy.example");
    assert_string_equal(rec.date, "2026-03-15");
    assert_int_equal(strlen(rec.time), 8);
    assert_string_equal(rec.salesperson_code,
                        mark.salesperson_code[0] ? mark.salesperson_code : "JO");
    assert_string_equal(rec.user_id, "alice");
    assert_int_equal(rec.postponed, 0);
    assert_int_equal(rec.canceled, 0);
    assert_int_equal(strlen(rec.created_at), 20);
    assert_int_equal(rec.created_at[19], 'Z');
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "entry_no = 1 AND contact_no = 'CT000005' AND "
                                     "contact_company_no = 'CT000001' AND description = "
                                     "'Outgoing call' AND cost = 50 AND duration = 1000 AND "
                                     "interaction_group_code = 'PHONE' AND date = '2026-03-15' "
                                     "AND user_id = 'alice' AND postponed = 0 AND "
                                     "campaign_entry_no = 0"),
                     1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 0);
    assert_int_equal(counter(r, "interaction_log_entry"), 1);

    ie_t got;
    assert_int_equal(relm_interaction_get(r, 1, &got, &err), 0);
    for (int i = 0; i < relm_interaction_entity.nfields; i++) {
        char a[RELM_TEXT250_SZ], b[RELM_TEXT250_SZ];
        assert_string_equal(relm_record_format(&relm_interaction_entity, &got, i, a, sizeof(a)),
                            relm_record_format(&relm_interaction_entity, &rec, i, b, sizeof(b)));
    }
    relm_error_t nf = {0};
    assert_int_equal(relm_interaction_get(r, 99, &got, &nf), RELM_ENOTFOUND);
    assert_non_null(strstr(nf.message, "99"));
    test_db_free(r);
}

static void given_fields_win_over_the_template(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    ie_t rec;
    relm_error_t err = {0};
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING",
                     "description", "Called about the offer", "cost", "0", "duration", "12.5",
                     "information_flow", "inbound", "initiated_by", "them", "date", "2026-03-01",
                     "time", "09:30:00", "subject", "Offer", "evaluation", "positive",
                     "attempt_failed", "true", "opportunity_no", "op1")),
        0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "description = 'Called about the offer' AND cost = 0 AND "
                                     "duration = 1250 AND information_flow = 'inbound' AND "
                                     "initiated_by = 'them' AND date = '2026-03-01' AND time = "
                                     "'09:30:00' AND subject = 'Offer' AND evaluation = "
                                     "'positive' AND attempt_failed = 1 AND opportunity_no = "
                                     "'OP1' AND interaction_group_code = 'PHONE'"),
                     1);
    test_db_free(r);
}

static void correspondence_type_follows_contact_unless_template_ignores_it(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    ie_t rec;
    relm_error_t err = {0};
    /* ABSTRACT: hard copy, contact's type not ignored: Mark prefers e-mail. */
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000005", "interaction_template_code", "ABSTRACT")),
        0);
    assert_string_equal(rec.correspondence_type, "email");
    assert_string_equal(rec.contact_via, "mark@cardoxy.example");
    /* COVERLTR: hard copy, ignores the contact's type. */
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000005", "interaction_template_code", "COVERLTR")),
        0);
    assert_string_equal(rec.correspondence_type, "hard_copy");
    assert_true(rec.contact_via[0] != '\0');
    assert_null(strchr(rec.contact_via, '@'));
    /* A company's hard copy goes to its postal address. */
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000001", "interaction_template_code", "COVERLTR")),
        0);
    assert_string_equal(rec.contact_via, "Fenwick Close 8, N12 5XY London, GB");
    /* OUTGOING has none and Sarah prefers hard copy. */
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000006", "interaction_template_code", "OUTGOING")),
        0);
    assert_string_equal(rec.correspondence_type, "hard_copy");
    /* Both blank: blank, whatever marketing setup's default (email) says. */
    char no[RELM_CODE20_SZ];
    add_contact(r, no,
                KV("type", "company", "name", "Blank Ltd", "email", "hi@blank.example",
                   "salesperson_code", "JO"));
    update_contact(r, no, "correspondence_type", "");
    assert_int_equal(
        create_kv(r, &rec, &err, KV("contact_no", no, "interaction_template_code", "OUTGOING")), 0);
    assert_string_equal(rec.correspondence_type, "");
    set_setup(r, "default_correspondence_type", "hard_copy");
    assert_int_equal(
        create_kv(r, &rec, &err, KV("contact_no", no, "interaction_template_code", "OUTGOING")), 0);
    assert_string_equal(rec.correspondence_type, "");
    /* The template ignores the contact's type and has none itself: blank too. */
    char tsql[200];
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template WHERE code = "
                                     "'OUTGOING' AND correspondence_type = ''"),
                     1);
    snprintf(tsql, sizeof(tsql),
             "UPDATE interaction_template SET ignore_contact_corresp_type = 1 WHERE code = "
             "'OUTGOING'");
    test_sql_exec(r, tsql);
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING")),
        0);
    assert_string_equal(rec.correspondence_type, "");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "correspondence_type = ''"),
                     3);
    /* Given wins over everything. */
    assert_int_equal(create_kv(r, &rec, &err,
                               KV("contact_no", "CT000005", "interaction_template_code", "COVERLTR",
                                  "correspondence_type", "email")),
                     0);
    assert_string_equal(rec.correspondence_type, "email");
    assert_int_equal(entries(r), 8);
    test_db_free(r);
}

static void language_variant_is_picked_for_the_contact(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    ie_t rec;
    relm_error_t err = {0};
    /* Kari speaks NOR and NEWS has a NOR variant. */
    assert_int_equal(
        create_kv(r, &rec, &err, KV("contact_no", "CT000007", "interaction_template_code", "NEWS")),
        0);
    assert_string_equal(rec.language_code, "NOR");
    assert_string_equal(rec.description, "Nyhetsbrev");
    /* Mark speaks ENU: the template's own language and description. */
    assert_int_equal(
        create_kv(r, &rec, &err, KV("contact_no", "CT000005", "interaction_template_code", "NEWS")),
        0);
    assert_string_equal(rec.language_code, "ENU");
    assert_string_equal(rec.description, "Newsletter");
    /* A language given picks its variant's description. */
    assert_int_equal(create_kv(r, &rec, &err,
                               KV("contact_no", "CT000005", "interaction_template_code", "NEWS",
                                  "language_code", "nor")),
                     0);
    assert_string_equal(rec.language_code, "NOR");
    assert_string_equal(rec.description, "Nyhetsbrev");
    /* No variant for Kari's language: template's. */
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000007", "interaction_template_code", "OUTGOING")),
        0);
    assert_string_equal(rec.language_code, "ENU");
    assert_string_equal(rec.description, "Outgoing call");
    test_db_free(r);
}

static void single_interactions_of_a_campaign_share_one_campaign_entry(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    ie_t rec;
    relm_error_t err = {0};
    relm_set_user(r, "alice");
    assert_int_equal(
        create_kv(r, &rec, &err, KV("contact_no", "CT000005", "interaction_template_code", "NEWS")),
        0);
    assert_string_equal(rec.campaign_no, "CMP1001");
    assert_int_equal(rec.campaign_target, 1);
    assert_true(rec.campaign_entry_no > 0);
    char sql[600];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM campaign_entry WHERE entry_no = %lld AND campaign_no = "
             "'CMP1001' AND description = 'Interactions' AND date = '2026-03-15' AND user_id = "
             "'alice' AND logged_segment_entry_no = 0 AND salesperson_code = '%s' AND "
             "canceled = 0",
             (long long)rec.campaign_entry_no, rec.salesperson_code);
    assert_int_equal(test_sql_int(r, sql), 1);
    /* A second interaction joins the first one's campaign entry. */
    int64_t first = rec.campaign_entry_no;
    relm_set_user(r, "bob");
    assert_int_equal(
        create_kv(r, &rec, &err, KV("contact_no", "CT000007", "interaction_template_code", "NEWS")),
        0);
    assert_int_equal(rec.campaign_entry_no, first);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "campaign_entry_no = 1"),
                     2);
    /* A campaign given must exist; nothing is written otherwise. */
    relm_error_t e2 = {0};
    assert_int_equal(create_kv(r, &rec, &e2,
                               KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING",
                                  "campaign_no", "NOPE")),
                     RELM_ENOTFOUND);
    assert_non_null(strstr(e2.message, "NOPE"));
    assert_non_null(strstr(e2.message, "campaign_no"));
    assert_int_equal(entries(r), 2);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 1);
    /* A blank campaign given overrides the template's. */
    assert_int_equal(create_kv(r, &rec, &err,
                               KV("contact_no", "CT000005", "interaction_template_code", "NEWS",
                                  "campaign_no", "")),
                     0);
    assert_int_equal(rec.campaign_entry_no, 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 1);
    /* A canceled shared campaign entry is not joined: the next interaction starts another. */
    test_sql_exec(r, "UPDATE campaign_entry SET canceled = 1");
    assert_int_equal(
        create_kv(r, &rec, &err, KV("contact_no", "CT000005", "interaction_template_code", "NEWS")),
        0);
    assert_int_equal(rec.campaign_entry_no, first + 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry WHERE canceled = 0 AND "
                                     "description = 'Interactions'"),
                     1);
    test_db_free(r);
}

static void email_without_address_and_fax_without_number_are_refused(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    ie_t rec;
    relm_error_t err = {0};
    /* NEWS ignores Sarah's hard copy and wants e-mail; she has none. */
    assert_int_equal(
        create_kv(r, &rec, &err, KV("contact_no", "CT000006", "interaction_template_code", "NEWS")),
        RELM_EMISSINGEMAIL);
    assert_non_null(strstr(err.message, "contact CT000006 has no email"));
    assert_int_equal(entries(r), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 0);
    assert_int_equal(counter(r, "interaction_log_entry"), 0);
    assert_int_equal(counter(r, "campaign_entry"), 0);

    relm_error_t e2 = {0};
    assert_int_equal(create_kv(r, &rec, &e2,
                               KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING",
                                  "correspondence_type", "fax")),
                     RELM_EMISSINGFAX);
    assert_non_null(strstr(e2.message, "CT000005"));
    assert_non_null(strstr(e2.message, "fax_no"));
    assert_int_equal(entries(r), 0);

    char no[RELM_CODE20_SZ];
    add_contact(r, no,
                KV("type", "company", "name", "Fax Co", "fax_no", "+47 22 00 00 00",
                   "salesperson_code", "JO"));
    assert_int_equal(create_kv(r, &rec, &err,
                               KV("contact_no", no, "interaction_template_code", "OUTGOING",
                                  "correspondence_type", "fax")),
                     0);
    assert_string_equal(rec.contact_via, "+47 22 00 00 00");
    assert_int_equal(rec.entry_no, 1);
    test_db_free(r);
}

static void privacy_blocked_and_unknown_contacts_are_refused(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    ie_t rec;
    relm_error_t err = {0};
    relm_contact_t ch;
    relm_mask_t cg = 0;
    relm_record_init(&relm_contact_entity, &ch);
    assert_int_equal(
        relm_record_set(&relm_contact_entity, &ch, &cg, "privacy_blocked", "true", &err), 0);
    assert_int_equal(relm_contact_update(r, "CT000009", &ch, cg, &err), 0);
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000009", "interaction_template_code", "OUTGOING")),
        RELM_EPRIVACY);
    assert_non_null(strstr(err.message, "CT000009"));
    assert_int_equal(entries(r), 0);

    relm_error_t e2 = {0};
    assert_int_equal(
        create_kv(r, &rec, &e2,
                  KV("contact_no", "CT999999", "interaction_template_code", "OUTGOING")),
        RELM_ENOTFOUND);
    assert_non_null(strstr(e2.message, "CT999999"));
    relm_error_t e3 = {0};
    assert_int_equal(create_kv(r, &rec, &e3, KV("interaction_template_code", "OUTGOING")),
                     RELM_EVALIDATION);
    assert_non_null(strstr(e3.message, "contact_no"));
    assert_int_equal(entries(r), 0);
    test_db_free(r);
}

static void template_is_required_and_must_exist(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    ie_t rec;
    relm_error_t err = {0};
    assert_int_equal(create_kv(r, &rec, &err, KV("contact_no", "CT000005")), RELM_EMISSINGTPL);
    assert_non_null(strstr(err.message, "interaction_template_code"));
    relm_error_t e2 = {0};
    assert_int_equal(
        create_kv(r, &rec, &e2, KV("contact_no", "CT000005", "interaction_template_code", "NOPE")),
        RELM_EMISSINGTPL);
    assert_non_null(strstr(e2.message, "interaction_template_code"));
    assert_non_null(strstr(e2.message, "NOPE"));
    assert_int_equal(entries(r), 0);
    test_db_free(r);
}

static void the_signed_in_users_account_names_its_salesperson(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    ie_t rec;
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    add_contact(r, no,
                KV("type", "company", "name", "Unowned AS", "correspondence_type", "hard_copy",
                   "salesperson_code", ""));
    relm_user_t u;
    relm_record_init(&relm_user_entity, &u);
    assert_int_equal(relm_record_set(&relm_user_entity, &u, NULL, "name", "ann", &err), 0);
    assert_int_equal(relm_record_set(&relm_user_entity, &u, NULL, "salesperson_code", "BD", &err),
                     0);
    assert_int_equal(relm_user_add(r, &u, "correct horse", &err), 0);
    relm_set_user(r, "ann");
    assert_int_equal(
        create_kv(r, &rec, &err, KV("contact_no", no, "interaction_template_code", "OUTGOING")), 0);
    assert_string_equal(rec.salesperson_code, "BD");
    assert_string_equal(rec.user_id, "ann");
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "salesperson_code = 'BD' AND user_id = 'ann'"),
                     1);
    test_db_free(r);
}

static void salesperson_is_the_given_else_the_users_else_the_contacts(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    ie_t rec;
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    add_contact(r, no,
                KV("type", "company", "name", "Nobody's Ltd", "correspondence_type", "hard_copy"));
    update_contact(r, no, "salesperson_code", "");
    relm_user_t u;
    relm_record_init(&relm_user_entity, &u);
    assert_int_equal(relm_record_set(&relm_user_entity, &u, NULL, "name", "ann", &err), 0);
    assert_int_equal(relm_record_set(&relm_user_entity, &u, NULL, "salesperson_code", "BD", &err),
                     0);
    assert_int_equal(relm_user_add(r, &u, "correct horse", &err), 0);
    /* Given wins over the user's and the contact's (CT000002 has AH). */
    relm_set_user(r, "ann");
    assert_int_equal(create_kv(r, &rec, &err,
                               KV("contact_no", "CT000002", "interaction_template_code", "OUTGOING",
                                  "salesperson_code", "jo")),
                     0);
    assert_string_equal(rec.salesperson_code, "JO");
    /* The signed-in user's account salesperson wins over the contact's. */
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000002", "interaction_template_code", "OUTGOING")),
        0);
    assert_string_equal(rec.salesperson_code, "BD");
    /* A user known only by name that is a salesperson code counts as that salesperson. */
    relm_set_user(r, "jo");
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000002", "interaction_template_code", "OUTGOING")),
        0);
    assert_string_equal(rec.salesperson_code, "JO");
    /* An account without a salesperson does not borrow one by its name: the contact's. */
    relm_user_t ah;
    relm_record_init(&relm_user_entity, &ah);
    assert_int_equal(relm_record_set(&relm_user_entity, &ah, NULL, "name", "bd", &err), 0);
    assert_int_equal(relm_user_add(r, &ah, "correct horse", &err), 0);
    relm_set_user(r, "bd");
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000002", "interaction_template_code", "OUTGOING")),
        0);
    assert_string_equal(rec.salesperson_code, "AH");
    /* A user who is no salesperson: the contact's. */
    relm_set_user(r, "someone");
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("contact_no", "CT000002", "interaction_template_code", "OUTGOING")),
        0);
    assert_string_equal(rec.salesperson_code, "AH");
    /* Neither: refused, although marketing setup has a default salesperson (JO). */
    int64_t before = entries(r);
    relm_error_t e2 = {0};
    assert_int_equal(
        create_kv(r, &rec, &e2, KV("contact_no", no, "interaction_template_code", "OUTGOING")),
        RELM_EMISSINGSP);
    assert_non_null(strstr(e2.message, "salesperson_code"));
    assert_non_null(strstr(e2.message, no));
    assert_null(strstr(e2.message, "setup"));
    assert_int_equal(entries(r), before);
    /* A salesperson given must exist. */
    relm_error_t e3 = {0};
    assert_int_equal(create_kv(r, &rec, &e3,
                               KV("contact_no", "CT000002", "interaction_template_code", "OUTGOING",
                                  "salesperson_code", "ZZ")),
                     RELM_ENOTFOUND);
    assert_non_null(strstr(e3.message, "ZZ"));
    assert_int_equal(entries(r), before);
    test_db_free(r);
}

static void required_fields_are_checked_in_order_and_a_blank_description_is_refused(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    ie_t rec;
    char no[RELM_CODE20_SZ];
    add_contact(r, no, KV("type", "company", "name", "Quiet AS"));
    update_contact(r, no, "salesperson_code", "");
    update_contact(r, no, "correspondence_type", "");
    test_sql_exec(r, "INSERT INTO interaction_template (code, interaction_group_code, "
                     "description) VALUES ('NODESC', 'PHONE', '')");
    struct {
        const char *const *kv;
        int code;
        const char *names;
    } cases[] = {
        {KV("interaction_template_code", "NODESC"), RELM_EVALIDATION, "contact_no"},
        {KV("contact_no", no), RELM_EMISSINGTPL, "interaction_template_code"},
        {KV("contact_no", no, "interaction_template_code", "NODESC"), RELM_EMISSINGSP,
         "salesperson_code"},
        {KV("contact_no", no, "interaction_template_code", "NODESC", "salesperson_code", "AH"),
         RELM_EVALIDATION, "description"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        relm_error_t e = {0};
        assert_int_equal(create_kv(r, &rec, &e, cases[i].kv), cases[i].code);
        assert_non_null(strstr(e.message, cases[i].names));
        /* Postponing checks the same fields with the same errors. */
        relm_error_t ep = {0};
        relm_mask_t given = fill(&rec, cases[i].kv);
        assert_int_equal(relm_interaction_postpone(r, &rec, given, &ep), cases[i].code);
        assert_non_null(strstr(ep.message, cases[i].names));
    }
    assert_int_equal(entries(r), 0);
    assert_int_equal(counter(r, "interaction_log_entry"), 0);
    /* A description typed for such a template is enough. */
    assert_int_equal(create_kv(r, &rec, &(relm_error_t){0},
                               KV("contact_no", no, "interaction_template_code", "NODESC",
                                  "salesperson_code", "AH", "description", "Typed")),
                     0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "description = 'Typed'"),
                     1);
    test_db_free(r);
}

static void from_a_salesperson_the_contact_is_still_required(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    ie_t rec;
    relm_error_t err = {0};
    assert_int_equal(
        create_kv(r, &rec, &err,
                  KV("salesperson_code", "AH", "interaction_template_code", "OUTGOING")),
        RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "contact_no"));
    assert_int_equal(create_kv(r, &rec, &err,
                               KV("salesperson_code", "BD", "contact_no", "CT000001",
                                  "interaction_template_code", "OUTGOING")),
                     0);
    assert_string_equal(rec.salesperson_code, "BD");
    test_db_free(r);
}

static void from_an_entry_takes_its_contact_and_salesperson(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t n = log_ok(r, KV("contact_no", "CT000007", "interaction_template_code", "OUTGOING",
                             "salesperson_code", "BD"));
    ie_t rec;
    relm_mask_t given = fill(&rec, KV("interaction_template_code", "INCOMING"));
    assert_int_equal(relm_interaction_create_from_entry(r, n, &rec, given, &err), 0);
    assert_int_equal(rec.entry_no, n + 1);
    assert_string_equal(rec.contact_no, "CT000007");
    assert_string_equal(rec.salesperson_code, "BD");
    assert_string_equal(rec.description, "Incoming call");
    /* The contact given wins. */
    given = fill(&rec, KV("interaction_template_code", "INCOMING", "contact_no", "CT000008"));
    assert_int_equal(relm_interaction_create_from_entry(r, n, &rec, given, &err), 0);
    assert_string_equal(rec.contact_no, "CT000008");
    assert_string_equal(rec.salesperson_code, "BD");
    relm_error_t e2 = {0};
    given = fill(&rec, KV("interaction_template_code", "INCOMING"));
    assert_int_equal(relm_interaction_create_from_entry(r, 77, &rec, given, &e2), RELM_ENOTFOUND);
    assert_non_null(strstr(e2.message, "77"));
    assert_int_equal(entries(r), 3);
    test_db_free(r);
}

static void postpone_checks_required_fields_and_stores_every_default(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    /* Sarah (CT000006) has no e-mail and NEWS wants it: postponing skips delivery checks. */
    ie_t rec;
    relm_mask_t given = fill(&rec, KV("contact_no", "CT000006", "interaction_template_code", "NEWS",
                                      "subject", "Spring"));
    assert_int_equal(relm_interaction_postpone(r, &rec, given, &err), 0);
    assert_int_equal(rec.entry_no, 1);
    assert_int_equal(rec.postponed, 1);
    char sql[800];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM interaction_log_entry WHERE entry_no = 1 AND postponed = 1 "
             "AND contact_no = 'CT000006' AND contact_company_no = 'CT000001' AND description = "
             "'Newsletter' AND interaction_template_code = 'NEWS' AND interaction_group_code <> '' "
             "AND cost = %lld AND duration = %lld AND date = '2026-03-15' AND time <> '' AND "
             "salesperson_code = '%s' AND correspondence_type = 'email' AND campaign_no = "
             "'CMP1001' AND campaign_entry_no = 0 AND language_code <> '' AND subject = 'Spring'",
             (long long)rec.cost, (long long)rec.duration, rec.salesperson_code);
    assert_true(rec.salesperson_code[0] != '\0');
    assert_int_equal(test_sql_int(r, sql), 1);
    /* No campaign entry for a postponed entry. */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 0);
    relm_contact_stats_t cs;
    assert_int_equal(relm_contact_stats(r, "CT000006", &cs, &err), 0);
    assert_int_equal(cs.no_of_interactions, 0);
    assert_int_equal(cs.no_of_postponed_interactions, 1);
    assert_int_equal(relm_contact_stats(r, "CT000001", &cs, &err), 0);
    assert_int_equal(cs.no_of_postponed_interactions, 1);
    /* It shows in its salesperson's postponed list. */
    relm_interaction_query_t q;
    memset(&q, 0, sizeof(q));
    q.salesperson_code = rec.salesperson_code;
    q.flags = RELM_IQ_POSTPONED;
    int64_t seen = 0;
    assert_int_equal(relm_interaction_list(r, &q, count_rows, &seen, NULL, &err), 0);
    assert_int_equal(seen, 1);

    /* Postponing again updates the same entry. */
    given = fill(&rec, KV("subject", "Prices"));
    rec.entry_no = 1;
    assert_int_equal(relm_interaction_postpone(r, &rec, given, &err), 0);
    assert_int_equal(rec.entry_no, 1);
    assert_string_equal(rec.description, "Newsletter");
    assert_string_equal(rec.subject, "Prices");
    assert_int_equal(entries(r), 1);
    /* Refused without a template or with an unknown salesperson; nothing written. */
    relm_error_t e1 = {0};
    given = fill(&rec, KV("contact_no", "CT000005", "description", "Call back"));
    assert_int_equal(relm_interaction_postpone(r, &rec, given, &e1), RELM_EMISSINGTPL);
    relm_error_t e4 = {0};
    given = fill(&rec, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING",
                          "salesperson_code", "NOBODY"));
    assert_int_equal(relm_interaction_postpone(r, &rec, given, &e4), RELM_ENOTFOUND);
    assert_non_null(strstr(e4.message, "NOBODY"));
    assert_int_equal(entries(r), 1);
    /* A normal entry cannot be postponed again. */
    int64_t n = log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING"));
    given = fill(&rec, KV("subject", "x"));
    rec.entry_no = n;
    relm_error_t e2 = {0};
    assert_int_equal(relm_interaction_postpone(r, &rec, given, &e2), RELM_EVALIDATION);
    assert_non_null(strstr(e2.message, "postponed"));
    test_db_free(r);
}

static void resume_keeps_the_entry_no_and_resets_date_and_time(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    /* Stored twelve hours away from now, so that "now" can never be the stored time. */
    char stored[RELM_TIME_SZ], before[RELM_TIME_SZ], after[RELM_TIME_SZ];
    time_t later = time(NULL) + 12 * 3600;
    struct tm tm;
    localtime_r(&later, &tm);
    strftime(stored, sizeof(stored), "%H:%M:%S", &tm);
    int64_t p = postpone_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING",
                                  "description", "Call back", "date", "2026-03-01", "time", stored,
                                  "cost", "7"));
    int64_t n = log_ok(r, KV("contact_no", "CT000006", "interaction_template_code", "OUTGOING"));
    assert_int_equal(n, p + 1);
    ie_t ch;
    relm_mask_t given = fill(&ch, KV("subject", "Prices"));
    relm_now_time(before);
    assert_int_equal(relm_interaction_resume(r, p, &ch, given, &err), 0);
    relm_now_time(after);
    assert_int_equal(ch.entry_no, p);
    assert_int_equal(ch.postponed, 0);
    /* Stored values are kept; date and time start again at today and now. */
    assert_string_equal(ch.description, "Call back");
    assert_int_equal(ch.cost, 700);
    assert_string_equal(ch.date, "2026-03-15");
    assert_string_not_equal(ch.time, stored);
    /* The clock time of the call: between the readings before and after it (which are in
     * the wrong order when the call spans midnight). */
    if (strcmp(before, after) <= 0)
        assert_true(strcmp(before, ch.time) <= 0 && strcmp(ch.time, after) <= 0);
    else
        assert_true(strcmp(before, ch.time) <= 0 || strcmp(ch.time, after) <= 0);
    assert_string_equal(ch.subject, "Prices");
    assert_int_equal(entries(r), 2);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "postponed = 1"),
                     0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "entry_no = 1 AND description = 'Call back' AND cost = 700 "
                                     "AND date = '2026-03-15' AND subject = 'Prices'"),
                     1);
    assert_int_equal(counter(r, "interaction_log_entry"), 2);
    relm_contact_stats_t cs;
    assert_int_equal(relm_contact_stats(r, "CT000005", &cs, &err), 0);
    assert_int_equal(cs.no_of_interactions, 1);
    assert_int_equal(cs.no_of_postponed_interactions, 0);
    /* Resuming again: it is no longer postponed. */
    relm_error_t e2 = {0};
    assert_int_equal(relm_interaction_resume(r, p, &ch, given, &e2), RELM_EVALIDATION);
    relm_error_t e3 = {0};
    assert_int_equal(relm_interaction_resume(r, 99, &ch, given, &e3), RELM_ENOTFOUND);
    /* Another template on resume brings its own defaults. */
    int64_t q =
        postpone_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING"));
    given = fill(&ch, KV("interaction_template_code", "ABSTRACT"));
    assert_int_equal(relm_interaction_resume(r, q, &ch, given, &err), 0);
    assert_string_equal(ch.description, "Abstract letter");
    assert_int_equal(ch.cost, 250);
    test_db_free(r);
}

static void resume_runs_every_check_and_stays_postponed_when_refused(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    /* Sarah has no e-mail and NEWS wants it. */
    int64_t p = postpone_kv(r, KV("contact_no", "CT000006", "interaction_template_code", "NEWS"));
    ie_t ch;
    relm_mask_t given = fill(&ch, KV("subject", "Spring"));
    assert_int_equal(relm_interaction_resume(r, p, &ch, given, &err), RELM_EMISSINGEMAIL);
    assert_non_null(strstr(err.message, "CT000006"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "postponed = 1 AND subject = '' AND campaign_entry_no = 0"),
                     1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 0);
    /* Changing the correspondence type finishes it, with the campaign's shared entry. */
    given = fill(&ch, KV("correspondence_type", "hard_copy"));
    relm_error_t e3 = {0};
    assert_int_equal(relm_interaction_resume(r, p, &ch, given, &e3), 0);
    assert_int_equal(ch.entry_no, p);
    assert_string_equal(ch.correspondence_type, "hard_copy");
    assert_true(ch.campaign_entry_no > 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry WHERE description = "
                                     "'Interactions'"),
                     1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "postponed = 1"),
                     0);
    test_db_free(r);
}

static void only_postponed_or_canceled_entries_can_be_deleted(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t n = log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "NEWS"));
    int64_t m = log_ok(r, KV("contact_no", "CT000007", "interaction_template_code", "NEWS"));
    int64_t p =
        postpone_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING"));
    relm_error_t e1 = {0};
    assert_int_equal(relm_interaction_delete(r, n, &e1), RELM_EINUSE);
    char want[64];
    snprintf(want, sizeof(want), "entry %lld", (long long)n);
    assert_non_null(strstr(e1.message, want));
    assert_int_equal(entries(r), 3);
    assert_int_equal(relm_interaction_delete(r, p, &err), 0);
    assert_int_equal(entries(r), 2);
    assert_int_equal(relm_interaction_cancel(r, &n, 1, &err), 0);
    assert_int_equal(relm_interaction_delete(r, n, &err), 0);
    assert_int_equal(entries(r), 1);
    /* The shared campaign entry stays while another entry uses it ... */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 1);
    /* ... and goes with its last entry. */
    assert_int_equal(relm_interaction_cancel(r, &m, 1, &err), 0);
    assert_int_equal(relm_interaction_delete(r, m, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 0);
    relm_error_t e2 = {0};
    assert_int_equal(relm_interaction_delete(r, n, &e2), RELM_ENOTFOUND);
    /* Entry numbers are never reused. */
    assert_int_equal(
        log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING")), p + 1);
    test_db_free(r);
}

static void cancel_toggles_only_the_entries(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t a = log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "NEWS"));
    int64_t b = log_ok(r, KV("contact_no", "CT000007", "interaction_template_code", "OUTGOING"));
    int64_t both[] = {a, b};
    assert_int_equal(relm_interaction_cancel(r, both, 2, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "canceled = 1"),
                     2);
    /* The shared campaign entry is canceled on its own, not with one of its entries. */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry WHERE canceled = 0"), 1);
    relm_totals_t ct;
    assert_int_equal(relm_campaign_stats(r, "CMP1001", &ct, &err), 0);
    assert_int_equal(ct.no_of_interactions, 0);
    /* Undo-cancel. */
    assert_int_equal(relm_interaction_cancel(r, &a, 1, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT canceled FROM interaction_log_entry WHERE "
                                     "entry_no = 1"),
                     0);
    /* All or nothing: an unknown entry in the list changes none. */
    int64_t bad[] = {a, 99};
    relm_error_t e2 = {0};
    assert_int_equal(relm_interaction_cancel(r, bad, 2, &e2), RELM_ENOTFOUND);
    assert_non_null(strstr(e2.message, "99"));
    assert_int_equal(test_sql_int(r, "SELECT canceled FROM interaction_log_entry WHERE "
                                     "entry_no = 1"),
                     0);
    /* Postponed entries are not canceled. */
    int64_t p =
        postpone_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING"));
    relm_error_t e3 = {0};
    assert_int_equal(relm_interaction_cancel(r, &p, 1, &e3), RELM_EVALIDATION);
    assert_non_null(strstr(e3.message, "postponed"));
    test_db_free(r);
}

static void
undo_cancel_is_refused_while_the_campaign_entry_or_logged_segment_is_canceled(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t a = log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "NEWS"));
    int64_t b = log_ok(r, KV("contact_no", "CT000007", "interaction_template_code", "OUTGOING"));
    int64_t both[] = {b, a};
    assert_int_equal(relm_interaction_cancel(r, both, 2, &err), 0);
    test_sql_exec(r, "UPDATE campaign_entry SET canceled = 1");
    relm_error_t e1 = {0};
    assert_int_equal(relm_interaction_cancel(r, both, 2, &e1), RELM_EVALIDATION);
    assert_non_null(strstr(e1.message, "entry 1 "));
    assert_non_null(strstr(e1.message, "campaign entry 1"));
    /* All or nothing: entry 2 (no campaign) stays canceled too. */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "canceled = 1"),
                     2);
    /* An entry of a canceled logged segment. */
    test_sql_exec(r, "INSERT INTO logged_segment (entry_no, segment_no, canceled) VALUES "
                     "(5, 'SEG-X', 1)");
    test_sql_exec(r, "UPDATE interaction_log_entry SET logged_segment_entry_no = 5 WHERE "
                     "entry_no = 2");
    relm_error_t e2 = {0};
    assert_int_equal(relm_interaction_cancel(r, &b, 1, &e2), RELM_EVALIDATION);
    assert_non_null(strstr(e2.message, "entry 2 "));
    assert_non_null(strstr(e2.message, "logged segment 5"));
    assert_int_equal(test_sql_int(r, "SELECT canceled FROM interaction_log_entry WHERE "
                                     "entry_no = 2"),
                     1);
    /* Once they are restored, so can the entries be. */
    test_sql_exec(r, "UPDATE campaign_entry SET canceled = 0");
    test_sql_exec(r, "UPDATE logged_segment SET canceled = 0");
    assert_int_equal(relm_interaction_cancel(r, both, 2, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "canceled = 1"),
                     0);
    test_db_free(r);
}

static void evaluate_sets_evaluation_and_attempt_failed(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t n = log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING"));
    assert_int_equal(relm_interaction_evaluate(r, n, "very-positive", 1, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "evaluation = 'very_positive' AND attempt_failed = 1"),
                     1);
    assert_int_equal(relm_interaction_evaluate(r, n, NULL, 0, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "evaluation = 'very_positive' AND attempt_failed = 0"),
                     1);
    assert_int_equal(relm_interaction_evaluate(r, n, "negative", -1, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "evaluation = 'negative' AND attempt_failed = 0"),
                     1);
    relm_error_t e2 = {0};
    assert_int_equal(relm_interaction_evaluate(r, n, "great", -1, &e2), RELM_EVALIDATION);
    assert_non_null(strstr(e2.message, "evaluation"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "evaluation = 'negative'"),
                     1);
    relm_error_t e3 = {0};
    assert_int_equal(relm_interaction_evaluate(r, 42, "neutral", -1, &e3), RELM_ENOTFOUND);
    test_db_free(r);
}

static int64_t delete_canceled(relm_t *r, relm_interaction_filter_t f)
{
    relm_error_t err = {0};
    int64_t count = -1;
    if (relm_interaction_delete_canceled(r, &f, &count, &err))
        fail_msg("delete canceled: %s", err.message);
    return count;
}

static void delete_canceled_filters_and_reports_the_count(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t nos[8];
    nos[0] = log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "NEWS", "date",
                          "2026-01-10", "salesperson_code", "AH"));
    nos[1] = log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING", "date",
                          "2026-01-20", "salesperson_code", "AH"));
    nos[2] = log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING", "date",
                          "2026-03-01", "salesperson_code", "BD"));
    nos[3] = log_ok(r, KV("contact_no", "CT000006", "interaction_template_code", "INCOMING", "date",
                          "2026-03-02", "salesperson_code", "AH"));
    nos[4] = log_ok(r, KV("contact_no", "CT000007", "interaction_template_code", "NEWS", "date",
                          "2026-03-03", "salesperson_code", "AH"));
    nos[5] = log_ok(r, KV("contact_no", "CT000002", "interaction_template_code", "ABSTRACT", "date",
                          "2026-03-04", "salesperson_code", "AH"));
    nos[6] = log_ok(r, KV("contact_no", "CT000006", "interaction_template_code", "INCOMING", "date",
                          "2026-01-02", "salesperson_code", "AH"));
    assert_int_equal(relm_interaction_cancel(r, nos, 6, &err), 0);
    relm_error_t ce = {0};
    assert_int_equal(relm_interaction_comment_add(r, nos[1], NULL, "Goes with it", NULL, &ce), 0);
    relm_interaction_filter_t f;

    /* A dry run counts and deletes nothing. */
    memset(&f, 0, sizeof(f));
    f.dry_run = 1;
    assert_int_equal(delete_canceled(r, f), 6);
    assert_int_equal(entries(r), 7);
    /* Template and date range. */
    memset(&f, 0, sizeof(f));
    f.interaction_template_code = "outgoing";
    f.to = "2026-02-01";
    assert_int_equal(delete_canceled(r, f), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "entry_no = 2"),
                     0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_comment"), 0);
    /* Salesperson. */
    memset(&f, 0, sizeof(f));
    f.salesperson_code = "bd";
    assert_int_equal(delete_canceled(r, f), 1);
    /* Interaction group (INCOMING is in PHONE, ABSTRACT in LETTER): from a date. */
    memset(&f, 0, sizeof(f));
    f.interaction_group_code = "PHONE";
    f.from = "2026-03-01";
    assert_int_equal(delete_canceled(r, f), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "entry_no = 4"),
                     0);
    /* A company includes its persons; the entry no. range. */
    memset(&f, 0, sizeof(f));
    f.contact_no = "CT000002";
    f.entry_no_from = 6;
    f.entry_no_to = 6;
    assert_int_equal(delete_canceled(r, f), 1);
    /* Campaign: only one of its two entries is in range; their campaign entry stays. */
    memset(&f, 0, sizeof(f));
    f.campaign_no = "CMP1001";
    f.entry_no_to = 1;
    assert_int_equal(delete_canceled(r, f), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 1);
    /* The last one takes it along. */
    memset(&f, 0, sizeof(f));
    f.campaign_no = "cmp1001";
    assert_int_equal(delete_canceled(r, f), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 0);
    /* Only the entry that was never canceled is left. */
    assert_int_equal(entries(r), 1);
    assert_int_equal(test_sql_int(r, "SELECT entry_no FROM interaction_log_entry"), nos[6]);
    /* Bad filters: refused, nothing deleted. */
    relm_error_t e2 = {0};
    memset(&f, 0, sizeof(f));
    f.from = "2026-13-01";
    assert_int_equal(relm_interaction_delete_canceled(r, &f, NULL, &e2), RELM_EVALIDATION);
    relm_error_t e3 = {0};
    memset(&f, 0, sizeof(f));
    f.entry_no_from = 5;
    f.entry_no_to = 2;
    assert_int_equal(relm_interaction_delete_canceled(r, &f, NULL, &e3), RELM_EVALIDATION);
    assert_non_null(strstr(e3.message, "entry_no"));
    assert_int_equal(relm_interaction_delete_canceled(r, NULL, NULL, &err), 0);
    assert_int_equal(entries(r), 1);
    test_db_free(r);
}

static int comment_rows(void *ctx, const void *row)
{
    const relm_interaction_comment_t *cm = row;
    char *out = ctx;
    size_t len = strlen(out);
    snprintf(out + len, 512 - len, "%lld|%s|%s;", (long long)cm->line_no, cm->date, cm->comment);
    return 0;
}

static void comment_lines_are_added_listed_and_deleted_with_the_entry(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    ie_t rec;
    relm_mask_t given =
        fill(&rec, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING"));
    const char *const typed[] = {"Asked for prices", "Call again in May"};
    assert_int_equal(relm_interaction_create_commented(r, &rec, given, typed, 2, &err), 0);
    relm_interaction_comment_t cm;
    assert_int_equal(
        relm_interaction_comment_add(r, rec.entry_no, "2026-03-20", "Sent the offer", &cm, &err),
        0);
    assert_int_equal(cm.line_no, 30000);
    char out[512] = "";
    assert_int_equal(relm_interaction_comment_list(r, rec.entry_no, comment_rows, out, &err), 0);
    assert_string_equal(out, "10000|2026-03-15|Asked for prices;20000|2026-03-15|Call again in "
                             "May;30000|2026-03-20|Sent the offer;");
    assert_int_equal(relm_interaction_comment_delete(r, rec.entry_no, 20000, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_comment"), 2);
    /* Refusals name the entry or line; nothing changes. */
    relm_error_t e1 = {0}, e2 = {0}, e3 = {0}, e4 = {0}, e5 = {0};
    assert_int_equal(relm_interaction_comment_delete(r, rec.entry_no, 20000, &e1), RELM_ENOTFOUND);
    assert_non_null(strstr(e1.message, "20000"));
    assert_int_equal(relm_interaction_comment_add(r, 99, NULL, "x", NULL, &e2), RELM_ENOTFOUND);
    assert_non_null(strstr(e2.message, "99"));
    assert_int_equal(relm_interaction_comment_add(r, rec.entry_no, NULL, "  ", NULL, &e3),
                     RELM_EVALIDATION);
    assert_non_null(strstr(e3.message, "comment"));
    char longer[100];
    memset(longer, 'x', 81);
    longer[81] = '\0';
    assert_int_equal(relm_interaction_comment_add(r, rec.entry_no, NULL, longer, NULL, &e4),
                     RELM_EVALIDATION);
    /* A refused comment in the dialog writes no entry either. */
    const char *const bad[] = {"fine", longer};
    given = fill(&rec, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING"));
    int64_t before = entries(r);
    assert_int_equal(relm_interaction_create_commented(r, &rec, given, bad, 2, &e5),
                     RELM_EVALIDATION);
    assert_int_equal(entries(r), before);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_comment"), 2);
    /* Postponed with comments; deleted with its comments. */
    given = fill(&rec, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING"));
    assert_int_equal(relm_interaction_postpone_commented(r, &rec, given, typed, 1, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_comment"), 3);
    assert_int_equal(relm_interaction_delete(r, rec.entry_no, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_comment"), 2);
    test_db_free(r);
}

static void statistics_count_finished_entries_and_attempts_we_initiated(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    /* Mark (person of CT000001): two counted, one failed attempt later, one canceled. */
    log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING", "date",
                 "2026-03-01", "salesperson_code", "AH"));
    log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "ABSTRACT", "date",
                 "2026-03-05", "salesperson_code", "AH"));
    log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING", "date",
                 "2026-03-10", "attempt_failed", "true", "salesperson_code", "AH"));
    int64_t c = log_ok(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING",
                             "date", "2026-03-12", "salesperson_code", "AH"));
    assert_int_equal(relm_interaction_cancel(r, &c, 1, &err), 0);
    postpone_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING", "date",
                      "2026-03-14", "salesperson_code", "AH"));
    /* The company itself: a call it made to us, later than any attempt of ours. */
    int64_t them = log_ok(r, KV("contact_no", "CT000001", "interaction_template_code", "INCOMING",
                                "date", "2026-03-11", "salesperson_code", "AH"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "initiated_by = 'them' AND date = '2026-03-11'"),
                     1);

    relm_contact_stats_t cs;
    assert_int_equal(relm_contact_stats(r, "CT000005", &cs, &err), 0);
    assert_int_equal(cs.no_of_interactions, 3);
    assert_int_equal(cs.cost, 50 + 250 + 50);
    assert_int_equal(cs.duration, 1000 + 500 + 1000);
    assert_string_equal(cs.date_of_last_interaction, "2026-03-05");
    assert_string_equal(cs.last_date_attempted, "2026-03-10");
    assert_int_equal(cs.no_of_postponed_interactions, 1);

    /* last_date_attempted counts only what we initiated; the last interaction anything. */
    assert_int_equal(relm_contact_stats(r, "CT000001", &cs, &err), 0);
    assert_int_equal(cs.no_of_interactions, 4);
    assert_int_equal(cs.duration, 1000 + 500 + 1000 + 1000);
    assert_string_equal(cs.date_of_last_interaction, "2026-03-11");
    assert_string_equal(cs.last_date_attempted, "2026-03-10");
    assert_int_equal(cs.no_of_postponed_interactions, 1);
    /* A failed attempt of theirs is no last interaction either. */
    assert_int_equal(relm_interaction_evaluate(r, them, NULL, 1, &err), 0);
    assert_int_equal(relm_contact_stats(r, "CT000001", &cs, &err), 0);
    assert_string_equal(cs.date_of_last_interaction, "2026-03-05");
    assert_string_equal(cs.last_date_attempted, "2026-03-10");
    assert_int_equal(relm_interaction_evaluate(r, them, NULL, 0, &err), 0);

    relm_totals_t t;
    assert_int_equal(relm_salesperson_stats(r, "AH", &t, &err), 0);
    assert_int_equal(t.no_of_interactions, 4);
    assert_int_equal(t.cost, 350);
    assert_int_equal(relm_group_stats(r, "PHONE", &t, &err), 0);
    assert_int_equal(t.no_of_interactions, 3);
    assert_int_equal(t.duration, 3000);
    assert_int_equal(relm_template_stats(r, "OUTGOING", &t, &err), 0);
    assert_int_equal(t.no_of_interactions, 2);
    assert_int_equal(t.cost, 100);
    assert_int_equal(relm_template_stats(r, "ABSTRACT", &t, &err), 0);
    assert_int_equal(t.no_of_interactions, 1);

    /* Canceling moves the figures; undoing moves them back. */
    int64_t one = 1;
    assert_int_equal(relm_interaction_cancel(r, &one, 1, &err), 0);
    assert_int_equal(relm_contact_stats(r, "CT000001", &cs, &err), 0);
    assert_int_equal(cs.no_of_interactions, 3);
    assert_int_equal(relm_salesperson_stats(r, "AH", &t, &err), 0);
    assert_int_equal(t.no_of_interactions, 3);
    assert_int_equal(relm_interaction_cancel(r, &one, 1, &err), 0);
    assert_int_equal(relm_salesperson_stats(r, "AH", &t, &err), 0);
    assert_int_equal(t.no_of_interactions, 4);
    test_db_free(r);
}

/* Paging --------------------------------------------------------------------------- */

typedef struct seen {
    int64_t nos[128];
    int n;
    char last_key[64];
    int out_of_order;
} seen_t;

static int collect(void *ctx, const void *row)
{
    seen_t *s = ctx;
    const ie_t *e = row;
    char key[64];
    snprintf(key, sizeof(key), "%s %s %010lld", e->date, e->time, (long long)e->entry_no);
    if (s->n && strcmp(key, s->last_key) >= 0)
        s->out_of_order = 1;
    snprintf(s->last_key, sizeof(s->last_key), "%s", key);
    s->nos[s->n++] = e->entry_no;
    return 0;
}

static int page_all(relm_t *r, relm_interaction_query_t *q, seen_t *s)
{
    relm_error_t err = {0};
    int pages = 0;
    memset(s, 0, sizeof(*s));
    memset(&q->after, 0, sizeof(q->after));
    for (;;) {
        relm_interaction_cursor_t next;
        int before = s->n;
        if (relm_interaction_list(r, q, collect, s, &next, &err))
            fail_msg("list: %s", err.message);
        pages++;
        if (q->limit > 0)
            assert_true(s->n - before <= q->limit);
        if (next.entry_no == 0)
            break;
        /* Through the text form, as the CLI does. */
        char text[128];
        relm_interaction_cursor_format(&next, text, sizeof(text));
        assert_int_equal(relm_interaction_cursor_parse(text, &q->after, &err), 0);
        assert_true(pages < 100);
    }
    return pages;
}

static void cursor_paging_returns_every_entry_once_newest_first(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    static const char *const contacts[] = {"CT000001", "CT000005", "CT000006", "CT000007"};
    static const char *const dates[] = {"2026-03-01", "2026-02-14", "2026-03-01", "2026-01-05"};
    static const char *const times[] = {"10:00:00", "09:00:00", "10:00:00"};
    int total = 30;
    for (int i = 0; i < total; i++) {
        /* Many entries share date and time: the entry no. breaks the tie. */
        log_ok(r, KV("contact_no", contacts[i % 4], "interaction_template_code", "OUTGOING", "date",
                     dates[i % 4], "time", times[i % 3]));
    }
    int64_t p =
        postpone_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING"));
    int64_t c1 = 3;
    assert_int_equal(relm_interaction_cancel(r, &c1, 1, &err), 0);

    relm_interaction_query_t q;
    seen_t s;
    memset(&q, 0, sizeof(q));
    q.limit = 7;
    assert_int_equal(page_all(r, &q, &s), 5);
    assert_int_equal(s.n, total);
    assert_int_equal(s.out_of_order, 0);
    for (int want = 1; want <= total; want++) {
        int hits = 0;
        for (int i = 0; i < s.n; i++)
            hits += s.nos[i] == want;
        assert_int_equal(hits, 1);
    }
    /* An exact multiple of the page size ends without an empty page. */
    q.limit = 10;
    assert_int_equal(page_all(r, &q, &s), 3);
    assert_int_equal(s.n, total);
    q.limit = 0;
    assert_int_equal(page_all(r, &q, &s), 1);
    assert_int_equal(s.n, total);
    assert_int_equal(s.out_of_order, 0);

    /* A company includes its persons (CT000001, CT000005 and CT000006: 23 entries). */
    q.limit = 4;
    q.contact_no = "ct000001";
    page_all(r, &q, &s);
    assert_int_equal(s.n, 23);
    assert_int_equal(s.out_of_order, 0);
    q.contact_no = "CT000005";
    page_all(r, &q, &s);
    assert_int_equal(s.n, 8);
    q.contact_no = NULL;

    q.from = "2026-02-01";
    q.to = "2026-02-28";
    page_all(r, &q, &s);
    assert_int_equal(s.n, 8);
    q.from = q.to = NULL;

    q.flags = RELM_IQ_CANCELED;
    page_all(r, &q, &s);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.nos[0], 3);
    q.flags = RELM_IQ_POSTPONED;
    page_all(r, &q, &s);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.nos[0], p);
    /* The outbox: waiting, being sent or failed, not canceled. */
    q.flags = RELM_IQ_OUTBOX;
    page_all(r, &q, &s);
    assert_int_equal(s.n, 0);
    test_sql_exec(r, "UPDATE interaction_log_entry SET delivery_status = 'in_progress' "
                     "WHERE entry_no IN (5, 3)");
    test_sql_exec(r, "UPDATE interaction_log_entry SET delivery_status = 'error' "
                     "WHERE entry_no = 7");
    page_all(r, &q, &s);
    assert_int_equal(s.n, 2); /* 3 is canceled */
    assert_true((s.nos[0] == 5 && s.nos[1] == 7) || (s.nos[0] == 7 && s.nos[1] == 5));
    q.flags = 0;

    q.interaction_template_code = "INCOMING";
    page_all(r, &q, &s);
    assert_int_equal(s.n, 0);
    q.interaction_template_code = NULL;
    q.salesperson_code = "JO";
    page_all(r, &q, &s);
    assert_int_equal(s.n, (int)test_sql_int(r, "SELECT count(*) FROM interaction_log_entry "
                                               "WHERE salesperson_code = 'JO' AND postponed = 0"));

    relm_interaction_cursor_t cur;
    relm_error_t e2 = {0};
    assert_int_equal(relm_interaction_cursor_parse("yesterday", &cur, &e2), RELM_EVALIDATION);
    assert_int_equal(relm_interaction_cursor_parse("2026-02-30_10:00:00_4", &cur, &e2),
                     RELM_EVALIDATION);
    assert_int_equal(relm_interaction_cursor_parse("__4", &cur, &e2), 0);
    assert_int_equal(cur.entry_no, 4);
    test_db_free(r);
}

/* Rows of a sorted listing, kept whole for the order checks. */
typedef struct rows {
    ie_t e[64];
    int n;
} rows_t;

static int keep_row(void *ctx, const void *row)
{
    rows_t *s = ctx;
    if (s->n < 64)
        s->e[s->n++] = *(const ie_t *)row;
    return 0;
}

/* Every page of q (limit per page) through the cursor's text form into s. */
static void sorted_pages(relm_t *r, relm_interaction_query_t *q, long limit, rows_t *s)
{
    relm_error_t err = {0};
    memset(s, 0, sizeof(*s));
    memset(&q->after, 0, sizeof(q->after));
    q->limit = limit;
    for (int pages = 0; pages < 100; pages++) {
        relm_interaction_cursor_t next;
        if (relm_interaction_list(r, q, keep_row, s, &next, &err))
            fail_msg("list sorted by %s: %s", q->sort, err.message);
        if (next.entry_no == 0)
            return;
        char text[RELM_INTERACTION_CURSOR_SZ];
        relm_interaction_cursor_format(&next, text, sizeof(text));
        assert_int_equal(relm_interaction_cursor_parse(text, &q->after, &err), 0);
    }
    fail_msg("paging sorted by %s did not end", q->sort);
}

static void each_entry_once(const rows_t *s, int total)
{
    assert_int_equal(s->n, total);
    for (int i = 0; i < s->n; i++)
        for (int j = i + 1; j < s->n; j++)
            assert_true(s->e[i].entry_no != s->e[j].entry_no);
}

static void sort_orders_the_log_by_a_field_and_pages_through_the_sort_key(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    static const char *const contacts[] = {"CT000007", "CT000001", "CT000005", "CT000003"};
    static const char *const costs[] = {"5", "12.50", "0", "12.50", "3"};
    int total = 17;
    for (int i = 0; i < total; i++)
        log_ok(r, KV("contact_no", contacts[i % 4], "interaction_template_code", "OUTGOING", "cost",
                     costs[i % 5], "date", i % 2 ? "2026-03-01" : "2026-02-01", "time",
                     i % 3 ? "10:00:00" : "09:00:00"));
    relm_interaction_query_t q;
    rows_t s;
    memset(&q, 0, sizeof(q));

    /* Cost, highest first; equal costs by entry no. descending; pages of 4. */
    q.sort = "cost:desc";
    sorted_pages(r, &q, 4, &s);
    each_entry_once(&s, total);
    for (int i = 1; i < s.n; i++)
        assert_true(s.e[i - 1].cost > s.e[i].cost ||
                    (s.e[i - 1].cost == s.e[i].cost && s.e[i - 1].entry_no > s.e[i].entry_no));
    assert_int_equal(s.e[0].cost, 1250);

    /* Ascending is the default direction. */
    q.sort = "cost";
    sorted_pages(r, &q, 3, &s);
    each_entry_once(&s, total);
    for (int i = 1; i < s.n; i++)
        assert_true(s.e[i - 1].cost < s.e[i].cost ||
                    (s.e[i - 1].cost == s.e[i].cost && s.e[i - 1].entry_no < s.e[i].entry_no));

    /* The contact's name: Adatum, Cronus, Kari Nordmann, Mark McArthur. */
    q.sort = "contact_name";
    sorted_pages(r, &q, 5, &s);
    each_entry_once(&s, total);
    static const char *const by_name[] = {"CT000003", "CT000001", "CT000007", "CT000005"};
    int group = 0;
    for (int i = 0; i < s.n; i++) {
        while (group < 4 && strcmp(s.e[i].contact_no, by_name[group]) != 0)
            group++;
        assert_true(group < 4);
    }

    /* The date sorts with its time, oldest first. */
    q.sort = "date:asc";
    sorted_pages(r, &q, 4, &s);
    each_entry_once(&s, total);
    for (int i = 1; i < s.n; i++) {
        int c = strcmp(s.e[i - 1].date, s.e[i].date);
        if (c == 0)
            c = strcmp(s.e[i - 1].time, s.e[i].time);
        assert_true(c < 0 || (c == 0 && s.e[i - 1].entry_no < s.e[i].entry_no));
    }

    /* Kebab-case names the same field; filters still apply. */
    q.sort = "salesperson-code:desc";
    q.contact_no = "CT000007";
    sorted_pages(r, &q, 2, &s);
    each_entry_once(&s, (total + 3) / 4);
    q.contact_no = NULL;

    /* Search: description, subject, contact no., contact name; any case. */
    q.sort = NULL;
    q.search = "nordMANN";
    sorted_pages(r, &q, 0, &s);
    assert_int_equal(s.n, (total + 3) / 4);
    for (int i = 0; i < s.n; i++)
        assert_string_equal(s.e[i].contact_no, "CT000007");
    q.search = "100%";
    sorted_pages(r, &q, 0, &s);
    assert_int_equal(s.n, 0);
    q.search = NULL;

    /* Refused: unknown fields, long texts, SQL in the name, a bad direction. */
    static const char *const bad[] = {"price",   "contact_via", "cost; DROP TABLE contact",
                                      "cost:up", ":desc",       "comments"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        relm_error_t e2 = {0};
        q.sort = bad[i];
        memset(&q.after, 0, sizeof(q.after));
        assert_int_equal(relm_interaction_list(r, &q, keep_row, &s, NULL, &e2), RELM_EVALIDATION);
        assert_non_null(strstr(e2.message, "sort"));
    }
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact"), 10);

    /* A cursor of one sort is refused by another (and by the default order). */
    relm_interaction_cursor_t next;
    q.sort = "cost:desc";
    q.limit = 4;
    memset(&q.after, 0, sizeof(q.after));
    memset(&s, 0, sizeof(s));
    assert_int_equal(relm_interaction_list(r, &q, keep_row, &s, &next, &err), 0);
    assert_string_equal(next.sort, "cost:desc");
    q.after = next;
    q.sort = "cost:asc";
    relm_error_t e3 = {0};
    assert_int_equal(relm_interaction_list(r, &q, keep_row, &s, NULL, &e3), RELM_EVALIDATION);
    q.sort = NULL;
    relm_error_t e4 = {0};
    assert_int_equal(relm_interaction_list(r, &q, keep_row, &s, NULL, &e4), RELM_EVALIDATION);

    /* The text form keeps any key; a key with no hex pairs is refused. */
    relm_interaction_cursor_t cur, back;
    memset(&cur, 0, sizeof(cur));
    snprintf(cur.sort, sizeof(cur.sort), "contact_name:asc");
    snprintf(cur.key, sizeof(cur.key), "Nordlys Kontormøbler ~_ AS");
    cur.entry_no = 9;
    char text[RELM_INTERACTION_CURSOR_SZ];
    relm_interaction_cursor_format(&cur, text, sizeof(text));
    assert_int_equal(relm_interaction_cursor_parse(text, &back, &err), 0);
    assert_string_equal(back.key, cur.key);
    assert_string_equal(back.sort, cur.sort);
    assert_int_equal(back.entry_no, 9);
    relm_error_t e5 = {0};
    assert_int_equal(relm_interaction_cursor_parse("cost:asc~4g~3", &back, &e5), RELM_EVALIDATION);
    test_db_free(r);
}

/* The entry numbers of s joined by commas, for comparing with an order written in SQL. */
static void joined_nos(const rows_t *s, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < s->n && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%lld", i ? "," : "",
                                (long long)s->e[i].entry_no);
}

/* The entry numbers SQL lists for a condition and an order, joined by commas. */
static void sql_nos(relm_t *r, const char *where, const char *order, char *buf, size_t n)
{
    char sql[512];
    snprintf(sql, sizeof(sql), "SELECT entry_no FROM interaction_log_entry WHERE %s ORDER BY %s",
             where, order);
    relm_stmt_t *st;
    relm_error_t err = {0};
    assert_int_equal(relm_stmt_prepare(r->store, sql, &st, &err), 0);
    size_t len = 0;
    buf[0] = '\0';
    while (relm_stmt_step(st, &err) == RELM_STEP_ROW && len < n)
        len += (size_t)snprintf(buf + len, n - len, "%s%lld", len ? "," : "",
                                (long long)relm_stmt_int(st, 0));
    relm_stmt_release(st);
}

/*
 * The date order is served by the columns (date, time, entry_no) rather than by the text
 * "DATE TIME": every page size gives the order the text gave, ties, a blank time and a
 * blank date included, in both directions, and so do the canceled, postponed, outbox and
 * logged segment listings, which read their own indexes.
 */
static void date_order_pages_as_the_date_and_time_text_did(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    static const char *const dates[] = {"2026-03-01", "2025-12-31", "2026-03-01", "2026-01-05"};
    static const char *const times[] = {"10:00:00", "09:00:00", "10:00:00", "23:59:59", "00:00:00"};
    for (int i = 0; i < 23; i++)
        log_ok(r, KV("contact_no", i % 2 ? "CT000005" : "CT000007", "interaction_template_code",
                     "OUTGOING", "date", dates[i % 4], "time", times[i % 5]));
    for (int i = 0; i < 4; i++)
        postpone_kv(r, KV("contact_no", "CT000005", "interaction_template_code", "OUTGOING"));
    test_sql_exec(r, "UPDATE interaction_log_entry SET time = '' WHERE entry_no IN (4, 9)");
    test_sql_exec(r, "UPDATE interaction_log_entry SET date = '' WHERE entry_no = 11");
    test_sql_exec(r, "UPDATE interaction_log_entry SET canceled = 1 WHERE entry_no % 3 = 0");
    test_sql_exec(r, "UPDATE interaction_log_entry SET delivery_status = 'error' "
                     "WHERE entry_no % 4 = 1");
    test_sql_exec(r, "UPDATE interaction_log_entry SET date = '2026-02-02', time = '08:00:00' "
                     "WHERE postponed = 1 AND entry_no % 2 = 0");
    static const struct {
        const char *sort;
        unsigned flags;
        const char *where, *order;
    } cases[] = {
        {"date:desc", 0, "postponed = 0", "date || ' ' || time DESC, entry_no DESC"},
        {"date", 0, "postponed = 0", "date || ' ' || time ASC, entry_no ASC"},
        {NULL, 0, "postponed = 0", "date || ' ' || time DESC, entry_no DESC"},
        {NULL, RELM_IQ_CANCELED, "postponed = 0 AND canceled = 1",
         "date || ' ' || time DESC, entry_no DESC"},
        {"date", RELM_IQ_CANCELED, "postponed = 0 AND canceled = 1",
         "date || ' ' || time ASC, entry_no ASC"},
        {NULL, RELM_IQ_POSTPONED, "postponed = 1", "date || ' ' || time DESC, entry_no DESC"},
        {NULL, RELM_IQ_ACTIVE, "postponed = 0 AND canceled = 0",
         "date || ' ' || time DESC, entry_no DESC"},
        {"cost:desc", RELM_IQ_ACTIVE, "postponed = 0 AND canceled = 0", "cost DESC, entry_no DESC"},
        {NULL, RELM_IQ_OUTBOX, "postponed = 0 AND canceled = 0 AND delivery_status <> ''",
         "date || ' ' || time DESC, entry_no DESC"},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char want[512], got[512];
        sql_nos(r, cases[c].where, cases[c].order, want, sizeof(want));
        assert_true(strlen(want) > 0);
        for (long limit = 0; limit <= 5; limit++) {
            relm_interaction_query_t q;
            rows_t s;
            memset(&q, 0, sizeof(q));
            q.sort = cases[c].sort;
            q.flags = cases[c].flags;
            sorted_pages(r, &q, limit, &s);
            joined_nos(&s, got, sizeof(got));
            if (strcmp(want, got) != 0)
                fail_msg("sort %s, flags %u, pages of %ld: %s, not %s",
                         cases[c].sort ? cases[c].sort : "(default)", cases[c].flags, limit, got,
                         want);
        }
    }
    /* A logged segment's entries, read through its own index, in the same order. */
    test_sql_exec(r, "UPDATE interaction_log_entry SET logged_segment_entry_no = 5 "
                     "WHERE entry_no % 5 IN (1, 2)");
    {
        char want[512], got[512];
        sql_nos(r, "postponed = 0 AND logged_segment_entry_no = 5",
                "date || ' ' || time DESC, entry_no DESC", want, sizeof(want));
        assert_true(strlen(want) > 0);
        for (long limit = 0; limit <= 3; limit++) {
            relm_interaction_query_t lq;
            rows_t ls;
            memset(&lq, 0, sizeof(lq));
            lq.logged_segment_entry_no = 5;
            sorted_pages(r, &lq, limit, &ls);
            joined_nos(&ls, got, sizeof(got));
            assert_string_equal(got, want);
        }
    }
    /* A page after a cursor on the blank date starts after it. */
    relm_interaction_query_t q;
    rows_t s;
    memset(&q, 0, sizeof(q));
    q.sort = "date";
    q.limit = 1;
    memset(&s, 0, sizeof(s));
    relm_interaction_cursor_t next;
    assert_int_equal(relm_interaction_list(r, &q, keep_row, &s, &next, &err), 0);
    assert_int_equal(s.e[0].entry_no, 11);
    assert_string_equal(next.key, " 10:00:00");
    /* Active (not canceled) and canceled only cannot both hold. */
    memset(&q, 0, sizeof(q));
    q.flags = RELM_IQ_ACTIVE | RELM_IQ_CANCELED;
    assert_int_equal(relm_interaction_list(r, &q, keep_row, &s, &next, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "active and canceled exclude each other"));
    test_db_free(r);
}

static void field_table_matches_the_schema(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    assert_int_equal(relm_interaction_entity.nfields,
                     test_column_count(r, "interaction_log_entry"));
    relm_interaction_t rec;
    relm_error_t err = {0};
    relm_record_init(&relm_interaction_entity, &rec);
    assert_int_equal(
        relm_record_set(&relm_interaction_entity, &rec, NULL, "canceled", "true", &err),
        RELM_EVALIDATION);
    relm_error_t e2 = {0};
    assert_int_equal(
        relm_record_set(&relm_interaction_entity, &rec, NULL, "evaluation", "meh", &e2),
        RELM_EVALIDATION);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_takes_defaults_from_template_contact_and_setup),
        cmocka_unit_test(given_fields_win_over_the_template),
        cmocka_unit_test(correspondence_type_follows_contact_unless_template_ignores_it),
        cmocka_unit_test(language_variant_is_picked_for_the_contact),
        cmocka_unit_test(single_interactions_of_a_campaign_share_one_campaign_entry),
        cmocka_unit_test(email_without_address_and_fax_without_number_are_refused),
        cmocka_unit_test(privacy_blocked_and_unknown_contacts_are_refused),
        cmocka_unit_test(template_is_required_and_must_exist),
        cmocka_unit_test(salesperson_is_the_given_else_the_users_else_the_contacts),
        cmocka_unit_test(required_fields_are_checked_in_order_and_a_blank_description_is_refused),
        cmocka_unit_test(the_signed_in_users_account_names_its_salesperson),
        cmocka_unit_test(from_a_salesperson_the_contact_is_still_required),
        cmocka_unit_test(from_an_entry_takes_its_contact_and_salesperson),
        cmocka_unit_test(postpone_checks_required_fields_and_stores_every_default),
        cmocka_unit_test(resume_keeps_the_entry_no_and_resets_date_and_time),
        cmocka_unit_test(resume_runs_every_check_and_stays_postponed_when_refused),
        cmocka_unit_test(only_postponed_or_canceled_entries_can_be_deleted),
        cmocka_unit_test(cancel_toggles_only_the_entries),
        cmocka_unit_test(
            undo_cancel_is_refused_while_the_campaign_entry_or_logged_segment_is_canceled),
        cmocka_unit_test(evaluate_sets_evaluation_and_attempt_failed),
        cmocka_unit_test(delete_canceled_filters_and_reports_the_count),
        cmocka_unit_test(comment_lines_are_added_listed_and_deleted_with_the_entry),
        cmocka_unit_test(statistics_count_finished_entries_and_attempts_we_initiated),
        cmocka_unit_test(cursor_paging_returns_every_entry_once_newest_first),
        cmocka_unit_test(sort_orders_the_log_by_a_field_and_pages_through_the_sort_key),
        cmocka_unit_test(date_order_pages_as_the_date_and_time_text_did),
        cmocka_unit_test(field_table_matches_the_schema),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
