/*
 * Delivery in the library: merge fields checked when a body is saved and merged per entry
 * (every source, empty values, HTML escaping, language variants), the merged body kept with
 * the entry, the MIME message, and the outbox's bookkeeping that needs no SMTP server
 * (refusals before sending, temporary failures retried and recorded, entries left being
 * sent, counts and retry of a logged segment). Sending to a real server is tested by
 * tests/cli/deliver.sh and tests/api/deliver.py.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "relm/deliver.h"
#include "segment_fixture.h"

typedef relm_interaction_t ie_t;

static relm_t *demo_db(void)
{
    relm_t *r = test_db_new();
    relm_error_t err = {0};
    if (relm_demo_fill(r, &err))
        fail_msg("demo: %s", err.message);
    return r;
}

/* An e-mail entry on template tpl for contact ct, with subject subj; returns its number. */
static int64_t email_entry(relm_t *r, const char *ct, const char *tpl, const char *subj)
{
    ie_t rec;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(&relm_interaction_entity, &rec);
    set_field(&relm_interaction_entity, &rec, &given, "contact_no", ct);
    set_field(&relm_interaction_entity, &rec, &given, "interaction_template_code", tpl);
    set_field(&relm_interaction_entity, &rec, &given, "subject", subj);
    set_field(&relm_interaction_entity, &rec, &given, "correspondence_type", "email");
    if (relm_interaction_create(r, &rec, given, &err))
        fail_msg("create: %s", err.message);
    return rec.entry_no;
}

static void merge_check_names_the_first_unknown_field(void **state)
{
    (void)state;
    relm_error_t err = {0};
    assert_int_equal(relm_merge_check("Dear {{contact.name}}, {{ salesperson.email }} "
                                      "{{entry.subject}} {{setup.sender_email}} {{x}} {{ a b }}",
                                      "body", &err),
                     0);
    assert_int_equal(relm_merge_check("{{contact.name}} {{contact.shoe_size}} {{contact.x}}",
                                      "interaction template T", &err),
                     RELM_EVALIDATION);
    assert_string_equal(err.message, "interaction template T: unknown merge field "
                                     "{{contact.shoe_size}} (contact has no shoe_size)");
    relm_error_t err2 = {0};
    assert_int_equal(relm_merge_check("{{customer.name}}", "T", &err2), RELM_EVALIDATION);
    assert_non_null(strstr(err2.message, "{{customer.name}}"));
}

static void merge_fills_every_source_and_escapes_html(void **state)
{
    (void)state;
    relm_error_t err = {0};
    relm_contact_t c;
    relm_salesperson_t sp;
    ie_t e;
    relm_setup_t st;
    relm_record_init(&relm_contact_entity, &c);
    relm_record_init(&relm_salesperson_entity, &sp);
    relm_record_init(&relm_interaction_entity, &e);
    relm_record_init(&relm_setup_entity, &st);
    relm_record_set(&relm_contact_entity, &c, NULL, "name", "Ærlig & <Sønn>", &err);
    relm_record_set(&relm_salesperson_entity, &sp, NULL, "name", "Jim", &err);
    relm_record_set(&relm_interaction_entity, &e, NULL, "subject", "Vår", &err);
    relm_record_set(&relm_interaction_entity, &e, NULL, "date", "2026-03-03", &err);
    relm_record_set(&relm_setup_entity, &st, NULL, "sender_email", "a@b.example", &err);
    relm_merge_src_t src = {&c, &sp, &e, &st};
    char *s = relm_merge_new("{{contact.name}}|{{salesperson.name}}|{{entry.subject}} "
                             "{{entry.date}}|{{setup.sender_email}}|{{contact.city}}|",
                             &src, 0);
    assert_string_equal(s, "Ærlig & <Sønn>|Jim|Vår 2026-03-03|a@b.example||");
    free(s);
    s = relm_merge_new("<p>{{contact.name}}</p>", &src, 1);
    assert_string_equal(s, "<p>Ærlig &amp; &lt;Sønn&gt;</p>");
    free(s);
    relm_merge_src_t none = {0};
    s = relm_merge_new("[{{contact.name}}]", &none, 0);
    assert_string_equal(s, "[]");
    free(s);
}

static void a_body_is_html_when_it_starts_with_a_tag_or_holds_html(void **state)
{
    (void)state;
    assert_true(relm_merge_is_html("  <p>Hi</p>"));
    assert_true(relm_merge_is_html("Hi <HTML><body>x</body></HTML>"));
    assert_false(relm_merge_is_html("Hi a < b"));
    assert_false(relm_merge_is_html(""));
}

static void saving_a_body_with_an_unknown_field_is_refused_and_changes_nothing(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    assert_int_equal(relm_template_attachment_set(r, "NEWS", NULL, "Hi {{contact.nam}}", &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "interaction template NEWS: unknown merge field"));
    relm_template_language_t v;
    relm_record_init(&relm_template_language_entity, &v);
    strcpy(v.template_code, "NEWS");
    strcpy(v.language_code, "NOR");
    relm_error_t err2 = {0};
    assert_int_equal(relm_template_language_put(r, &v, 0, "Hei {{kontakt.navn}}", &err2),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err2.message, "language NOR: unknown merge field {{kontakt.navn}}"));
    char *body;
    assert_relm_ok(relm_template_attachment_get(r, "NEWS", "NOR", &body, &err));
    assert_string_equal(body, "Hei {{contact.first_name}}, her er vårens nyheter.");
    free(body);
    test_db_free(r);
}

static void an_entry_merges_its_language_variant_and_keeps_the_body(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t kari = email_entry(r, "CT000007", "NEWS", "Nytt");
    int64_t mark = email_entry(r, "CT000005", "NEWS", "News");
    ie_t e;
    char *body;
    int html = -1;
    assert_relm_ok(relm_interaction_get(r, kari, &e, &err));
    assert_relm_ok(relm_entry_merge_new(r, &e, &body, &html, &err));
    assert_string_equal(body, "Hei Kari, her er vårens nyheter.");
    assert_int_equal(html, 0);
    assert_relm_ok(relm_entry_attachment_store(r, kari, "text/plain", body, NULL, &err));
    free(body);
    assert_relm_ok(relm_interaction_get(r, mark, &e, &err));
    assert_relm_ok(relm_entry_merge_new(r, &e, &body, NULL, &err));
    assert_string_equal(body, "Dear Mark McArthur, here is our spring news.");
    free(body);
    /* Storing again replaces the merged body: one per entry. */
    int64_t no = 0;
    assert_relm_ok(relm_entry_attachment_store(r, kari, "text/plain", "second", &no, &err));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM attachment WHERE kind = 'merged'"), 1);
    assert_relm_ok(relm_interaction_get(r, kari, &e, &err));
    assert_int_equal(e.attachment_no, no);
    assert_relm_ok(relm_entry_attachment_get(r, kari, &body, &err));
    assert_string_equal(body, "second");
    free(body);
    assert_relm_ok(relm_entry_attachment_get(r, mark, &body, &err));
    assert_null(body);
    test_db_free(r);
}

static void a_merge_preview_merges_for_the_chosen_contact_and_writes_nothing(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    char *out = NULL;
    int html = -1;
    assert_relm_ok(relm_set_workdate(r, "2026-03-15", &err));
    int64_t entries = test_sql_int(r, "SELECT count(*) FROM interaction_log_entry");
    int64_t attachments = test_sql_int(r, "SELECT count(*) FROM attachment");
    /* The saved body of the variant, as an entry for Kari would merge it. */
    assert_relm_ok(
        relm_template_merge_preview(r, "news", "NOR", NULL, "CT000007", &out, &html, &err));
    assert_string_equal(out, "Hei Kari, her er vårens nyheter.");
    assert_int_equal(html, 0);
    free(out);
    assert_relm_ok(
        relm_template_merge_preview(r, "NEWS", NULL, NULL, "CT000007", &out, NULL, &err));
    assert_string_equal(out, "Dear Kari Nordmann, here is our spring news.");
    free(out);
    /* Text being edited: HTML escapes values; entry fields come from the template's defaults. */
    assert_relm_ok(relm_template_merge_preview(
        r, "NEWS", NULL,
        "<p>{{contact.name}} {{entry.date}} {{entry.interaction_template_code}} "
        "{{salesperson.name}} {{entry.language_code}}</p>",
        "CT000007", &out, &html, &err));
    assert_string_equal(out, "<p>Kari Nordmann 2026-03-15 NEWS Annette Hill NOR</p>");
    assert_int_equal(html, 1);
    free(out);
    assert_relm_ok(relm_template_merge_preview(r, "NEWS", NULL, "<b>{{contact.name}}</b>",
                                               "CT000006", &out, &html, &err));
    assert_string_equal(out, "<b>Sarah Lindgren</b>");
    free(out);
    /* Refusals name what is wrong. */
    assert_int_equal(relm_template_merge_preview(r, "NEWS", NULL, "Hi {{contact.nme}}", "CT000007",
                                                 &out, NULL, &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "contact.nme"));
    assert_null(out);
    assert_int_equal(
        relm_template_merge_preview(r, "NEWS", NULL, NULL, "CT999999", &out, NULL, &err),
        RELM_ENOTFOUND);
    assert_int_equal(
        relm_template_merge_preview(r, "NEWS", "DAN", NULL, "CT000007", &out, NULL, &err),
        RELM_ENOTFOUND);
    assert_non_null(strstr(err.message, "DAN"));
    assert_int_equal(relm_template_merge_preview(r, "NEWS", NULL, NULL, "", &out, NULL, &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "contact_no"));
    assert_int_equal(
        relm_template_merge_preview(r, "NOPE", NULL, NULL, "CT000007", &out, NULL, &err),
        RELM_ENOTFOUND);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry"), entries);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM attachment"), attachments);
    test_db_free(r);
}

static void the_message_has_encoded_subject_sender_recipient_and_id(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t no = email_entry(r, "CT000007", "NEWS", "Vårnytt æøå");
    ie_t e;
    assert_relm_ok(relm_interaction_get(r, no, &e, &err));
    strcpy(e.message_id, "x.1@cronus.example");
    char *msg, from[256], to[256];
    assert_relm_ok(relm_deliver_message_new(r, &e, "Hei", 0, &msg, from, to, &err));
    assert_string_equal(from, "annette.hill@cronus.example");
    assert_string_equal(to, "kari@nordlys.example");
    assert_non_null(strstr(msg, "Subject: =?UTF-8?B?VsOlcm55dHQgw6bDuMOl?=\r\n"));
    assert_non_null(strstr(msg, "Message-Id: <x.1@cronus.example>\r\n"));
    assert_non_null(strstr(msg, "charset=utf-8"));
    free(msg);
    /* Without the salesperson's address, setup's sender; without that, refused. */
    exec_sql(r, "UPDATE salesperson SET email = ''");
    relm_error_t err2 = {0};
    assert_int_equal(relm_deliver_message_new(r, &e, "Hei", 0, &msg, from, to, &err2), RELM_ESETUP);
    assert_non_null(strstr(err2.message, "sender_email"));
    exec_sql(r, "UPDATE marketing_setup SET sender_email = 'news@cronus.example'");
    assert_relm_ok(relm_deliver_message_new(r, &e, "<p>Hei</p>", 1, &msg, from, to, &err));
    assert_string_equal(from, "news@cronus.example");
    assert_non_null(strstr(msg, "multipart/alternative"));
    assert_non_null(strstr(msg, "text/html"));
    free(msg);
    test_db_free(r);
}

static void deliver_is_refused_without_smtp_url_or_password(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    relm_deliver_result_t res;
    assert_int_equal(relm_deliver_run(r, NULL, &res, &err), RELM_ESETUP);
    assert_non_null(strstr(err.message, "smtp_url"));
    exec_sql(r, "UPDATE marketing_setup SET smtp_url = 'smtp://127.0.0.1:9', smtp_user = 'u'");
    unsetenv("RELM_SMTP_PASSWORD");
    unsetenv("RELM_SMTP_PASSWORD_FILE");
    relm_error_t err2 = {0};
    assert_int_equal(relm_deliver_run(r, NULL, &res, &err2), RELM_ESETUP);
    assert_non_null(strstr(err2.message, "RELM_SMTP_PASSWORD"));
    test_db_free(r);
}

static int count_failed(void *ctx, const void *row)
{
    const ie_t *e = row;
    assert_string_equal(e->delivery_status, "error");
    (*(int *)ctx)++;
    return 0;
}

static void failures_are_retried_then_recorded_and_stale_entries_are_not_resent(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t a = email_entry(r, "CT000005", "NEWS", "A");
    int64_t b = email_entry(r, "CT000009", "NEWS", "B");
    int64_t c = email_entry(r, "CT000007", "NEWS", "C");
    int64_t d = email_entry(r, "CT000008", "NEWS", "D");
    exec_sql(r, "INSERT INTO logged_segment (entry_no, segment_no, description, created_at, "
                "user_id, canceled) VALUES (1, 'SEG9', 'Test', '', '', 0)");
    exec_sql(r, "UPDATE interaction_log_entry SET logged_segment_entry_no = 1, "
                "delivery_status = 'in_progress'");
    char sql[160];
    snprintf(sql, sizeof(sql),
             "UPDATE interaction_log_entry SET delivery_status = 'sending' WHERE entry_no = %lld",
             (long long)c);
    exec_sql(r, sql);
    snprintf(sql, sizeof(sql),
             "UPDATE interaction_log_entry SET canceled = 1 WHERE entry_no = %lld", (long long)d);
    exec_sql(r, sql);
    /* Port 9 on the loopback: nothing listens, so every try is refused (temporary). */
    exec_sql(r, "UPDATE marketing_setup SET smtp_url = 'smtp://127.0.0.1:9'");
    relm_deliver_opts_t o = {0};
    o.max_tries = 2;
    o.backoff_ms = 1;
    relm_deliver_result_t res;
    assert_relm_ok(relm_deliver_run(r, &o, &res, &err));
    assert_int_equal(res.sent, 0);
    assert_int_equal(res.failed, 2);
    assert_int_equal(res.waiting, 0);
    assert_int_equal(res.stale, 1);
    assert_non_null(strstr(err.warning, "were being sent"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "delivery_status = 'error' AND delivery_attempts = 2 AND "
                                     "delivery_error LIKE '%connect%' AND message_id <> ''"),
                     2);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM interaction_log_entry WHERE entry_no IN (%lld, %lld) AND "
             "delivery_status = 'error'",
             (long long)a, (long long)b);
    assert_int_equal(test_sql_int(r, sql), 2);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM interaction_log_entry WHERE entry_no = %lld AND "
             "delivery_status = 'sending' AND delivery_attempts = 0",
             (long long)c);
    assert_int_equal(test_sql_int(r, sql), 1);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM interaction_log_entry WHERE entry_no = %lld AND "
             "delivery_status = 'in_progress' AND delivery_attempts = 0",
             (long long)d);
    assert_int_equal(test_sql_int(r, sql), 1);

    relm_delivery_counts_t n;
    int failed = 0;
    assert_relm_ok(relm_delivery_counts(r, 1, &n, count_failed, &failed, &err));
    assert_int_equal(n.sent, 0);
    assert_int_equal(n.waiting, 1);
    assert_int_equal(n.failed, 2);
    assert_int_equal(failed, 2);

    int64_t k = 0;
    assert_relm_ok(relm_delivery_retry_errors(r, 1, &k, &err));
    assert_int_equal(k, 3);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "delivery_status = 'in_progress'"),
                     4);
    relm_error_t err2 = {0};
    assert_int_equal(relm_delivery_counts(r, 99, &n, NULL, NULL, &err2), RELM_ENOTFOUND);
    test_db_free(r);
}

static int stop_after_claiming(void *ctx)
{
    return ++*(int *)ctx > 1;
}

static void a_run_that_stops_puts_its_unsent_claims_back(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    email_entry(r, "CT000005", "NEWS", "A");
    email_entry(r, "CT000009", "NEWS", "B");
    exec_sql(r, "UPDATE interaction_log_entry SET delivery_status = 'in_progress'");
    exec_sql(r, "UPDATE marketing_setup SET smtp_url = 'smtp://127.0.0.1:9'");
    int calls = 0;
    relm_deliver_opts_t o = {0};
    o.stop = stop_after_claiming;
    o.stop_ctx = &calls;
    relm_deliver_result_t res;
    assert_relm_ok(relm_deliver_run(r, &o, &res, &err));
    assert_int_equal(res.sent + res.failed, 0);
    assert_int_equal(res.waiting, 2);
    /* Claimed and merged, then released unsent: back in the outbox, no attempt counted. */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "delivery_status = 'in_progress' AND delivery_attempts = 0 "
                                     "AND attachment_no > 0"),
                     2);
    test_db_free(r);
}

static void a_run_fails_fax_entries_left_in_the_outbox_because_relm_sends_no_faxes(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t fax = email_entry(r, "CT000005", "NEWS", "Fax");
    int64_t letter = email_entry(r, "CT000009", "NEWS", "Letter");
    exec_sql(r, "INSERT INTO logged_segment (entry_no, segment_no, description, created_at, "
                "user_id, canceled) VALUES (1, 'SEG9', 'Test', '', '', 0)");
    /* As an older relm left them: a fax entry waiting in the outbox next to a letter. */
    char sql[320];
    snprintf(sql, sizeof(sql),
             "UPDATE interaction_log_entry SET logged_segment_entry_no = 1, delivery_status = "
             "'in_progress', correspondence_type = 'fax' WHERE entry_no = %lld",
             (long long)fax);
    exec_sql(r, sql);
    snprintf(sql, sizeof(sql),
             "UPDATE interaction_log_entry SET logged_segment_entry_no = 1, delivery_status = "
             "'in_progress', correspondence_type = 'hard_copy' WHERE entry_no = %lld",
             (long long)letter);
    exec_sql(r, sql);
    exec_sql(r, "UPDATE marketing_setup SET smtp_url = 'smtp://127.0.0.1:9'");
    relm_deliver_result_t res;
    assert_relm_ok(relm_deliver_run(r, NULL, &res, &err));
    assert_int_equal(res.sent, 0);
    assert_int_equal(res.failed, 1);
    assert_int_equal(res.waiting, 0);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM interaction_log_entry WHERE entry_no = %lld AND "
             "delivery_status = 'error' AND delivery_error = 'relm does not send faxes' AND "
             "delivery_attempts = 0 AND message_id = '' AND delivered_at = ''",
             (long long)fax);
    assert_int_equal(test_sql_int(r, sql), 1);
    /* The letter keeps waiting to be printed. */
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM interaction_log_entry WHERE entry_no = %lld AND "
             "delivery_status = 'in_progress' AND delivery_error = '' AND delivery_attempts = 0",
             (long long)letter);
    assert_int_equal(test_sql_int(r, sql), 1);
    relm_delivery_counts_t n;
    assert_relm_ok(relm_delivery_counts(r, 1, &n, NULL, NULL, &err));
    assert_int_equal(n.waiting, 1);
    assert_int_equal(n.letters, 1);
    assert_int_equal(n.failed, 1);
    /* Not a temporary failure: retrying errors leaves the fax failed. */
    int64_t k = -1;
    assert_relm_ok(relm_delivery_retry_errors(r, 1, &k, &err));
    assert_int_equal(k, 0);
    relm_deliver_opts_t o = {0};
    o.retry_errors = 1;
    assert_relm_ok(relm_deliver_run(r, &o, &res, &err));
    assert_int_equal(res.failed, 0);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM interaction_log_entry WHERE entry_no = %lld AND "
             "delivery_status = 'error' AND delivery_attempts = 0",
             (long long)fax);
    assert_int_equal(test_sql_int(r, sql), 1);
    test_db_free(r);
}

/* Pages of a PDF made by cairo: its page objects ("/Type /Page", not "/Pages") are plain. */
static int pdf_pages(const char *pdf, size_t len)
{
    int n = 0;
    const char *end = pdf + len;
    for (const char *p = pdf; (p = memmem(p, (size_t)(end - p), "/Type /Page", 11)); p += 11)
        n += p + 11 < end && p[11] != 's';
    return n;
}

static void letters_render_one_page_per_hard_copy_entry_and_mark_only_when_asked(void **state)
{
    (void)state;
    relm_t *r = demo_db();
    relm_error_t err = {0};
    int64_t a = email_entry(r, "CT000005", "COVERLTR", "A");
    int64_t b = email_entry(r, "CT000007", "COVERLTR", "B");
    int64_t c = email_entry(r, "CT000009", "COVERLTR", "C");
    assert_relm_ok(
        relm_template_attachment_set(r, "COVERLTR", NULL, "Kjære {{contact.name}}", &err));
    exec_sql(r, "INSERT INTO logged_segment (entry_no, segment_no, description, created_at, "
                "user_id, canceled) VALUES (1, 'SEG9', 'Letters', '', '', 0)");
    exec_sql(r, "UPDATE interaction_log_entry SET logged_segment_entry_no = 1, "
                "correspondence_type = 'hard_copy', delivery_status = 'in_progress'");
    char sql[400];
    snprintf(sql, sizeof(sql),
             "UPDATE interaction_log_entry SET canceled = 1 WHERE entry_no = %lld", (long long)c);
    exec_sql(r, sql);
    char *pdf;
    size_t len;
    int64_t n = 0;
    assert_relm_ok(relm_letters_render_segment(r, 1, 0, &pdf, &len, &n, &err));
    assert_int_equal(n, 2);
    assert_memory_equal(pdf, "%PDF", 4);
    assert_int_equal(pdf_pages(pdf, len), 2);
    free(pdf);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "delivery_status = 'in_progress'"),
                     3);
    assert_relm_ok(relm_letters_render_segment(r, 1, 1, &pdf, &len, &n, &err));
    free(pdf);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM interaction_log_entry e JOIN attachment t ON t.attachment_no = "
             "e.attachment_no WHERE e.entry_no IN (%lld, %lld) AND e.delivery_status = '' AND "
             "e.delivered_at <> '' AND t.body LIKE 'Kjære %%'",
             (long long)a, (long long)b);
    assert_int_equal(test_sql_int(r, sql), 2);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM interaction_log_entry WHERE entry_no = %lld AND "
             "delivery_status = 'in_progress' AND delivered_at = ''",
             (long long)c);
    assert_int_equal(test_sql_int(r, sql), 1);
    relm_error_t err2 = {0};
    exec_sql(r, "UPDATE interaction_log_entry SET correspondence_type = 'email'");
    assert_int_equal(relm_letters_render_segment(r, 1, 0, &pdf, &len, &n, &err2),
                     RELM_ESEGMENTEMPTY);
    assert_null(pdf);
    relm_error_t err3 = {0};
    assert_int_equal(relm_letters_print_segment(r, 7, "/nonexistent/x.pdf", NULL, &err3),
                     RELM_ENOTFOUND);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(merge_check_names_the_first_unknown_field),
        cmocka_unit_test(merge_fills_every_source_and_escapes_html),
        cmocka_unit_test(a_body_is_html_when_it_starts_with_a_tag_or_holds_html),
        cmocka_unit_test(saving_a_body_with_an_unknown_field_is_refused_and_changes_nothing),
        cmocka_unit_test(an_entry_merges_its_language_variant_and_keeps_the_body),
        cmocka_unit_test(a_merge_preview_merges_for_the_chosen_contact_and_writes_nothing),
        cmocka_unit_test(the_message_has_encoded_subject_sender_recipient_and_id),
        cmocka_unit_test(deliver_is_refused_without_smtp_url_or_password),
        cmocka_unit_test(failures_are_retried_then_recorded_and_stale_entries_are_not_resent),
        cmocka_unit_test(a_run_that_stops_puts_its_unsent_claims_back),
        cmocka_unit_test(a_run_fails_fax_entries_left_in_the_outbox_because_relm_sends_no_faxes),
        cmocka_unit_test(letters_render_one_page_per_hard_copy_entry_and_mark_only_when_asked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
