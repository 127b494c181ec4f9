/*
 * A person's data: the export holds everything relm keeps about one contact; erasure
 * anonymises it in one transaction, leaves no personal value in the database file, and
 * keeps the statistics of salespersons, templates and campaigns.
 *
 * The fixture is the demo data (salesperson AH, templates OUTGOING and MEETINV, campaign
 * CMP1001) and one person with values found nowhere else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "internal.h"

#define KV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Personal values of the person, each unique in the database. */
static const char *const personal[] = {
    "Quintessa",
    "Zyborowski",
    "q.zyborowski@private.example",
    "Ugleveien 77",
    "Zyborville",
    "+47 99887766",
    "Zybor divorce",
    "mornings only pls",
    "Dear Quintessa, your contract",
    "Zyborowski-typed",
    NULL,
};

static void fill(const relm_entity_t *e, void *rec, relm_mask_t *given, const char *const *kv)
{
    relm_error_t err = {0};
    relm_record_init(e, rec);
    for (int i = 0; kv[i]; i += 2)
        if (relm_record_set(e, rec, given, kv[i], kv[i + 1], &err))
            fail_msg("%s=%s: %s", kv[i], kv[i + 1], err.message);
}

static int64_t log_kv(relm_t *r, const char *const *kv)
{
    relm_interaction_t rec;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    fill(&relm_interaction_entity, &rec, &given, kv);
    if (relm_interaction_create(r, &rec, given, &err))
        fail_msg("create: %s", err.message);
    return rec.entry_no;
}

typedef struct fixture {
    relm_t *r;
    char no[RELM_CODE20_SZ];
    int64_t call, meeting;
    char open_segment[RELM_CODE20_SZ];
} fixture_t;

static void person_fixture(fixture_t *f)
{
    relm_error_t err = {0};
    f->r = test_db_new();
    relm_set_user(f->r, "dpo");
    if (relm_demo_fill(f->r, &err))
        fail_msg("demo: %s", err.message);
    relm_contact_t c;
    relm_mask_t given = 0;
    fill(&relm_contact_entity, &c, &given,
         KV("type", "person", "first_name", "Quintessa", "surname", "Zyborowski", "email",
            "q.zyborowski@private.example", "address", "Ugleveien 77", "city", "Zyborville",
            "mobile_phone_no", "+47 99887766", "salesperson_code", "AH"));
    if (relm_contact_add(f->r, &c, &err))
        fail_msg("contact: %s", err.message);
    strcpy(f->no, c.no);
    f->call = log_kv(f->r, KV("contact_no", c.no, "interaction_template_code", "OUTGOING",
                              "salesperson_code", "AH", "subject", "Zybor divorce"));
    f->meeting = log_kv(f->r, KV("contact_no", c.no, "interaction_template_code", "MEETINV",
                                 "salesperson_code", "AH", "campaign_no", "CMP1001", "description",
                                 "Zyborowski-typed"));
    relm_interaction_comment_t cm;
    assert_relm_ok(
        relm_interaction_comment_add(f->r, f->call, NULL, "mornings only pls", &cm, &err));
    char sql[256];
    snprintf(sql, sizeof(sql),
             "INSERT INTO attachment (attachment_no, entry_no, kind, content_type, body) VALUES "
             "(9001, %lld, 'sent', 'text/plain', 'Dear Quintessa, your contract') "
             "RETURNING attachment_no",
             (long long)f->meeting);
    assert_int_equal(test_sql_int(f->r, sql), 9001);

    /* A segment not yet logged, its line personalised with the person's text. */
    relm_segment_t s;
    given = 0;
    fill(&relm_segment_entity, &s, &given,
         KV("description", "Spring visits", "interaction_template_code", "OUTGOING",
            "salesperson_code", "AH"));
    assert_relm_ok(relm_segment_add(f->r, &s, given, &err));
    strcpy(f->open_segment, s.no);
    relm_segment_line_t line, ch;
    assert_relm_ok(relm_segment_line_add(f->r, s.no, c.no, &line, &err));
    given = 0;
    fill(&relm_segment_line_entity, &ch, &given, KV("subject", "Zybor divorce"));
    assert_relm_ok(relm_segment_line_update(f->r, s.no, line.line_no, &ch, given, &err));

    /* A logged segment with a campaign: the person's entry points at both. */
    given = 0;
    fill(&relm_segment_entity, &s, &given,
         KV("description", "Launch letters", "interaction_template_code", "ABSTRACT",
            "salesperson_code", "AH", "campaign_no", "CMP1001"));
    assert_relm_ok(relm_segment_add(f->r, &s, given, &err));
    assert_relm_ok(relm_segment_line_add(f->r, s.no, c.no, NULL, &err));
    relm_log_result_t res;
    if (relm_segment_log(f->r, s.no, 0, &res, NULL, NULL, &err))
        fail_msg("log: %s", err.message);
}

typedef struct figures {
    relm_totals_t sp, outgoing, meetinv, abstract, campaign;
} figures_t;

static void figures_of(relm_t *r, figures_t *out)
{
    relm_error_t err = {0};
    memset(out, 0, sizeof(*out));
    assert_relm_ok(relm_salesperson_stats(r, "AH", &out->sp, &err));
    assert_relm_ok(relm_template_stats(r, "OUTGOING", &out->outgoing, &err));
    assert_relm_ok(relm_template_stats(r, "MEETINV", &out->meetinv, &err));
    assert_relm_ok(relm_template_stats(r, "ABSTRACT", &out->abstract, &err));
    assert_relm_ok(relm_campaign_stats(r, "CMP1001", &out->campaign, &err));
}

static json_t *find_entry(json_t *items, int64_t no)
{
    size_t i;
    json_t *e;
    json_array_foreach(items, i,
                       e) if (json_integer_value(json_object_get(e, "entry_no")) == no) return e;
    return NULL;
}

static void
export_holds_record_entries_comments_bodies_segment_lines_and_campaign_entries(void **state)
{
    (void)state;
    fixture_t f;
    person_fixture(&f);
    relm_error_t err = {0};
    json_t *doc = NULL;
    assert_relm_ok(relm_contact_export_data(f.r, f.no, &doc, &err));
    json_t *ct = json_object_get(doc, "contact");
    assert_string_equal(json_string_value(json_object_get(ct, "no")), f.no);
    assert_string_equal(json_string_value(json_object_get(ct, "email")),
                        "q.zyborowski@private.example");
    json_t *entries = json_object_get(doc, "interactions");
    assert_int_equal(json_array_size(entries), 3);
    json_t *call = find_entry(entries, f.call);
    assert_non_null(call);
    assert_string_equal(json_string_value(json_object_get(call, "subject")), "Zybor divorce");
    json_t *comments = json_object_get(call, "comments");
    assert_int_equal(json_array_size(comments), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(comments, 0), "comment")),
                        "mornings only pls");
    json_t *meeting = find_entry(entries, f.meeting);
    json_t *att = json_object_get(meeting, "attachments");
    assert_int_equal(json_array_size(att), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(att, 0), "body")),
                        "Dear Quintessa, your contract");
    json_t *lines = json_object_get(doc, "segment_lines");
    assert_int_equal(json_array_size(lines), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(lines, 0), "segment_no")),
                        f.open_segment);
    /* The meeting's single-interaction campaign entry and the logged segment's one. */
    assert_int_equal(json_array_size(json_object_get(doc, "campaign_entries")), 2);
    json_t *logged = json_object_get(doc, "logged_segments");
    assert_int_equal(json_array_size(logged), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(logged, 0), "description")),
        "Launch letters");
    json_decref(doc);

    assert_int_equal(relm_contact_export_data(f.r, "NOSUCH", &doc, &err), RELM_ENOTFOUND);
    assert_null(doc);
    test_db_free(f.r);
}

static void erase_blanks_personal_fields_deletes_bodies_and_comments_and_records_who(void **state)
{
    (void)state;
    fixture_t f;
    person_fixture(&f);
    relm_error_t err = {0};
    figures_t before, after;
    figures_of(f.r, &before);
    relm_erasure_t e;
    assert_relm_ok(relm_contact_erase(f.r, f.no, &e, &err));
    assert_int_equal(e.entries_anonymised, 3);
    assert_int_equal(e.attachments_deleted, 1);
    assert_int_equal(e.comments_deleted, 1);
    assert_int_equal(e.segment_lines_anonymised, 1);
    assert_string_equal(e.erased_by, "dpo");

    relm_contact_t c;
    assert_relm_ok(relm_contact_get(f.r, f.no, &c, &err));
    assert_string_equal(c.name, RELM_ERASED_NAME);
    assert_string_equal(c.first_name, "");
    assert_string_equal(c.surname, "");
    assert_string_equal(c.email, "");
    assert_string_equal(c.city, "");
    assert_string_equal(c.mobile_phone_no, "");
    assert_int_equal(c.privacy_blocked, 1);
    assert_string_equal(c.salesperson_code, "AH");

    relm_interaction_t x;
    assert_relm_ok(relm_interaction_get(f.r, f.meeting, &x, &err));
    assert_string_equal(x.description, "");
    assert_string_equal(x.contact_via, "");
    assert_int_equal(x.attachment_no, 0);
    assert_string_equal(x.interaction_template_code, "MEETINV");
    assert_string_equal(x.campaign_no, "CMP1001");
    assert_relm_ok(relm_interaction_get(f.r, f.call, &x, &err));
    assert_string_equal(x.subject, "");
    assert_int_equal(test_sql_int(f.r, "SELECT count(*) FROM attachment"), 0);
    assert_int_equal(test_sql_int(f.r, "SELECT count(*) FROM interaction_comment"), 0);
    assert_int_equal(test_sql_int(f.r, "SELECT count(*) FROM segment_line WHERE subject <> ''"), 0);
    assert_int_equal(test_sql_int(f.r, "SELECT count(*) FROM privacy_erasure WHERE "
                                       "erased_by = 'dpo' AND erased_at <> ''"),
                     1);

    figures_of(f.r, &after);
    assert_memory_equal(&before, &after, sizeof(before));

    /* The erased contact gets no new interactions. */
    relm_interaction_t rec;
    relm_mask_t given = 0;
    fill(&relm_interaction_entity, &rec, &given,
         KV("contact_no", f.no, "interaction_template_code", "OUTGOING", "salesperson_code", "AH"));
    assert_int_equal(relm_interaction_create(f.r, &rec, given, &err), RELM_EPRIVACY);
    test_db_free(f.r);
}

static void erasing_an_unknown_contact_is_refused_and_records_nothing(void **state)
{
    (void)state;
    fixture_t f;
    person_fixture(&f);
    relm_error_t err = {0};
    assert_int_equal(relm_contact_erase(f.r, "CT999999", NULL, &err), RELM_ENOTFOUND);
    assert_non_null(strstr(err.message, "CT999999"));
    assert_int_equal(test_sql_int(f.r, "SELECT count(*) FROM privacy_erasure"), 0);
    assert_int_equal(test_sql_int(f.r, "SELECT count(*) FROM attachment"), 1);
    test_db_free(f.r);
}

/* Close r with its log of recent writes checkpointed into the file and truncated. */
static void close_checkpointed(relm_t *r)
{
    relm_error_t err = {0};
    assert_relm_ok(relm_store_exec(r->store, "PRAGMA wal_checkpoint(TRUNCATE)", &err));
    relm_close(r);
}

static char *read_all(const char *path, size_t *n)
{
    *n = 0;
    FILE *in = fopen(path, "rb");
    if (!in)
        return NULL;
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    *n = fread(buf, 1, (size_t)size, in);
    fclose(in);
    return buf;
}

/* The first personal value found in the file (or its WAL), or NULL. */
static const char *personal_value_in_files(const char *path)
{
    char wal[300];
    snprintf(wal, sizeof(wal), "%s-wal", path);
    const char *paths[] = {path, wal};
    for (int p = 0; p < 2; p++) {
        size_t n;
        char *buf = read_all(paths[p], &n);
        if (!buf)
            continue;
        for (int i = 0; personal[i]; i++)
            if (memmem(buf, n, personal[i], strlen(personal[i]))) {
                free(buf);
                return personal[i];
            }
        free(buf);
    }
    return NULL;
}

static void no_personal_value_remains_in_the_database_file_after_erasure(void **state)
{
    (void)state;
    if (test_on_pg()) {
        /* The server's files are not the client's to read; old row versions stay there until
         * VACUUM (docs/operations.md). */
        print_message("skipped on PostgreSQL: the check reads SQLite's database file\n");
        return;
    }
    fixture_t f;
    person_fixture(&f);
    char path[256];
    snprintf(path, sizeof(path), "%s", test_db_path(f.r));
    relm_error_t err = {0};
    figures_t before, after;
    figures_of(f.r, &before);
    close_checkpointed(f.r);
    /* The values are in the file before: the check below can see them. */
    for (int i = 0; personal[i]; i++) {
        size_t n;
        char *buf = read_all(path, &n);
        assert_non_null(buf);
        if (!memmem(buf, n, personal[i], strlen(personal[i])))
            fail_msg("\"%s\" is not in the file before erasure", personal[i]);
        free(buf);
    }

    relm_t *r = NULL;
    assert_relm_ok(relm_open(path, 0, &r, &err));
    relm_set_user(r, "dpo");
    assert_relm_ok(relm_contact_erase(r, f.no, NULL, &err));
    figures_of(r, &after);
    assert_memory_equal(&before, &after, sizeof(before));
    close_checkpointed(r);

    const char *left = personal_value_in_files(path);
    if (left)
        fail_msg("\"%s\" is still in the database file after erasure", left);

    char p[300];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

static void
erasing_a_company_renames_it_on_its_persons_and_the_export_lists_the_erasure(void **state)
{
    (void)state;
    relm_error_t err = {0};
    relm_t *r = test_db_new();
    relm_set_user(r, "dpo");
    if (relm_demo_fill(r, &err))
        fail_msg("demo: %s", err.message);
    /* Demo company CT000001 has persons; their company_name is a copy of its name. */
    int64_t persons = test_sql_int(r, "SELECT count(*) FROM contact WHERE company_no = "
                                      "'CT000001' AND type = 'person'");
    assert_true(persons > 0);
    relm_erasure_t e;
    assert_relm_ok(relm_contact_erase(r, "CT000001", &e, &err));
    assert_string_equal(e.contact_type, "company");
    relm_contact_t c;
    assert_relm_ok(relm_contact_get(r, "CT000001", &c, &err));
    assert_string_equal(c.name, RELM_ERASED_NAME);
    assert_string_equal(c.company_name, RELM_ERASED_NAME);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE company_no = "
                                     "'CT000001' AND type = 'person' AND company_name = "
                                     "'Erased contact'"),
                     persons);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM contact WHERE name LIKE "
                                     "'%Cardoxy%' OR company_name LIKE '%Cardoxy%'"),
                     0);
    json_t *doc = NULL;
    assert_relm_ok(relm_contact_export_data(r, "CT000001", &doc, &err));
    json_t *er = json_object_get(doc, "erasures");
    assert_int_equal(json_array_size(er), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(er, 0), "erased_by")),
                        "dpo");
    json_decref(doc);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            export_holds_record_entries_comments_bodies_segment_lines_and_campaign_entries),
        cmocka_unit_test(erase_blanks_personal_fields_deletes_bodies_and_comments_and_records_who),
        cmocka_unit_test(erasing_an_unknown_contact_is_refused_and_records_nothing),
        cmocka_unit_test(
            erasing_a_company_renames_it_on_its_persons_and_the_export_lists_the_erasure),
        cmocka_unit_test(no_personal_value_remains_in_the_database_file_after_erasure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
