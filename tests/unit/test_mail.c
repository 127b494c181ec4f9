/*
 * Mail captured as interactions: matching senders and recipients, decoded subjects and
 * dates, the kept message, replies to delivered entries, duplicates, unmatched and broken
 * messages, the setup check, mbox and Maildir reading, and all-or-nothing per message.
 *
 * The fixture: salespersons KARI (kari@firma.no) and OLE (ole@firma.no), templates EIN
 * (inbound) and EOUT (outbound) in group MAIL, contacts CT1 bjorn@kunde.no (salesperson
 * OLE), CT2 aase@eksempel.no (no salesperson), CT3 f.muller@example.de (KARI), CT4
 * blocked@kunde.no (privacy-blocked), CT5 and CT6 both felles@kunde.no, campaign CMP1.
 * The messages are the .eml files in tests/mail; times are read in Europe/Oslo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "helpers.h"
#include "internal.h"

#define KV(...) ((const char *const[]){__VA_ARGS__, NULL})

static void add(relm_t *r, const relm_entity_t *e, const char *const *kv)
{
    char rec[8192];
    relm_mask_t given = 0;
    relm_error_t err = {0};
    assert_true(e->size <= sizeof(rec));
    relm_record_init(e, rec);
    for (int i = 0; kv[i]; i += 2)
        if (relm_record_set(e, rec, &given, kv[i], kv[i + 1], &err))
            fail_msg("%s %s: %s", e->name, kv[i], err.message);
    if (e->add(r, rec, given, &err))
        fail_msg("%s: %s", e->name, err.message);
}

static void set_setup(relm_t *r, const char *inbound, const char *outbound)
{
    relm_setup_t s;
    relm_mask_t given = 0;
    relm_error_t err = {0};
    relm_record_init(&relm_setup_entity, &s);
    relm_record_set(&relm_setup_entity, &s, &given, "inbound_email_template_code", inbound, &err);
    relm_record_set(&relm_setup_entity, &s, &given, "outbound_email_template_code", outbound, &err);
    if (relm_setup_update(r, &s, given, &err))
        fail_msg("setup: %s", err.message);
}

static relm_t *mail_db(int with_setup)
{
    relm_t *r = test_db_new();
    add(r, &relm_salesperson_entity, KV("code", "KARI", "name", "Kari", "email", "kari@firma.no"));
    add(r, &relm_salesperson_entity, KV("code", "OLE", "name", "Ole", "email", "ole@firma.no"));
    add(r, &relm_group_entity, KV("code", "MAIL", "description", "E-mail"));
    add(r, &relm_template_entity,
        KV("code", "EIN", "interaction_group_code", "MAIL", "description", "E-mail received"));
    add(r, &relm_template_entity,
        KV("code", "EOUT", "interaction_group_code", "MAIL", "description", "E-mail sent"));
    add(r, &relm_contact_entity,
        KV("no", "CT1", "type", "company", "name", "Bjørn Ødegård AS", "email", "bjorn@kunde.no",
           "salesperson_code", "OLE"));
    add(r, &relm_contact_entity,
        KV("no", "CT2", "type", "person", "name", "Åse Ærø", "email", "aase@eksempel.no"));
    add(r, &relm_contact_entity,
        KV("no", "CT3", "type", "person", "name", "François Müller", "email", "f.muller@example.de",
           "salesperson_code", "KARI"));
    add(r, &relm_contact_entity,
        KV("no", "CT4", "type", "person", "name", "Sperret", "email", "blocked@kunde.no",
           "privacy_blocked", "true", "salesperson_code", "OLE"));
    add(r, &relm_contact_entity,
        KV("no", "CT5", "type", "person", "name", "Felles En", "email", "felles@kunde.no"));
    add(r, &relm_contact_entity,
        KV("no", "CT6", "type", "person", "name", "Felles To", "email", "Felles@Kunde.no"));
    add(r, &relm_campaign_entity, KV("no", "CMP1", "description", "Vårkampanje"));
    if (with_setup)
        set_setup(r, "EIN", "EOUT");
    return r;
}

/* Events kept for assertions. */
typedef struct seen {
    int n;
    int kind[32];
    char text[32][600];
    char source[32][300];
    int64_t entry_no[32];
    int64_t reply_to[32];
} seen_t;

static void on_event(void *ctx, const relm_mail_event_t *ev)
{
    seen_t *s = ctx;
    if (s->n >= 32)
        return;
    s->kind[s->n] = ev->kind;
    snprintf(s->text[s->n], sizeof(s->text[0]), "%s", ev->text);
    snprintf(s->source[s->n], sizeof(s->source[0]), "%s", ev->source);
    s->entry_no[s->n] = ev->entry_no;
    s->reply_to[s->n] = ev->reply_to_entry_no;
    s->n++;
}

static char *corpus_path(const char *name)
{
    const char *src = getenv("SRCDIR");
    return g_strdup_printf("%s/tests/mail/%s", src ? src : "..", name);
}

static int import_file(relm_t *r, const char *name, relm_mail_batch_t *b, relm_error_t *err)
{
    char *path = corpus_path(name);
    int rc = relm_mail_import_path(r, path, b, err);
    g_free(path);
    return rc;
}

/* The first column of the first row of sql as text (g_free it); runs any statement. */
static char *sql_text(relm_t *r, const char *sql)
{
    relm_error_t err = {0};
    relm_stmt_t *st;
    if (relm_stmt_prepare(r->store, sql, &st, &err))
        fail_msg("%s: %s", sql, err.message);
    int rc = relm_stmt_step(st, &err);
    char *out = g_strdup(rc == RELM_STEP_ROW ? relm_stmt_text(st, 0) : "");
    relm_stmt_release(st);
    if (rc < 0)
        fail_msg("%s: %s", sql, err.message);
    return out;
}

static void sql_exec(relm_t *r, const char *sql)
{
    relm_error_t err = {0};
    if (relm_store_exec(r->store, sql, &err))
        fail_msg("%s: %s", sql, err.message);
}

static void import_without_setup_templates_is_refused_naming_the_setting(void **state)
{
    (void)state;
    relm_t *r = mail_db(0);
    relm_error_t err = {0};
    relm_mail_batch_t b = {0};
    assert_int_equal(import_file(r, "latin1_inbound.eml", &b, &err), RELM_ESETUP);
    assert_non_null(strstr(err.message, "inbound_email_template_code"));
    set_setup(r, "EIN", "");
    relm_error_clear(&err);
    assert_int_equal(import_file(r, "latin1_inbound.eml", &b, &err), RELM_ESETUP);
    assert_non_null(strstr(err.message, "outbound_email_template_code"));
    assert_int_equal(b.messages, 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry"), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM attachment"), 0);
    test_db_free(r);
}

static void setup_naming_a_template_that_does_not_exist_is_refused(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    assert_int_equal(relm_mail_check_setup(r, &err), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_template"), 2);
    /* A template removed behind setup's back (setup does not guard it). */
    sql_exec(r, "UPDATE marketing_setup SET outbound_email_template_code = 'GONE'");
    assert_int_equal(relm_mail_check_setup(r, &err), RELM_EMISSINGTPL);
    assert_non_null(strstr(err.message, "outbound_email_template_code"));
    assert_non_null(strstr(err.message, "GONE"));
    test_db_free(r);
}

static void
inbound_latin1_message_is_logged_with_decoded_subject_local_date_and_kept_bytes(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(import_file(r, "latin1_inbound.eml", &b, &err), 0);
    assert_int_equal(b.messages, 1);
    assert_int_equal(b.logged, 1);
    assert_int_equal(b.warnings, 0);
    relm_interaction_t e;
    assert_int_equal(relm_interaction_get(r, s.entry_no[0], &e, &err), 0);
    /* From BJORN@Kunde.NO matches bjorn@kunde.no. */
    assert_string_equal(e.contact_no, "CT1");
    assert_string_equal(e.subject, "Tilbud på kontormøbler");
    assert_string_equal(e.date, "2026-03-10");
    assert_string_equal(e.time, "14:30:00");
    assert_string_equal(e.information_flow, "inbound");
    assert_string_equal(e.initiated_by, "them");
    assert_string_equal(e.interaction_template_code, "EIN");
    assert_string_equal(e.description, "E-mail received");
    assert_string_equal(e.salesperson_code, "OLE"); /* the contact's */
    assert_string_equal(e.correspondence_type, "email");
    assert_string_equal(e.contact_via, "BJORN@Kunde.NO");
    assert_string_equal(e.message_id, "<tilbud-1@kunde.no>");
    assert_true(e.attachment_no > 0);
    /* The message is ISO-8859-1 bytes, not UTF-8: kept in base64, decoding to the file. */
    char *q = g_strdup_printf("SELECT encoding || '|' || kind || '|' || content_type || '|' || "
                              "entry_no FROM attachment WHERE attachment_no = %lld",
                              (long long)e.attachment_no);
    char *row = sql_text(r, q);
    char *want = g_strdup_printf("base64|message|message/rfc822|%lld", (long long)e.entry_no);
    assert_string_equal(row, want);
    g_free(q);
    g_free(row);
    g_free(want);
    q = g_strdup_printf("SELECT body FROM attachment WHERE attachment_no = %lld",
                        (long long)e.attachment_no);
    char *b64 = sql_text(r, q);
    gsize n = 0;
    guchar *bytes = g_base64_decode(b64, &n);
    char *path = corpus_path("latin1_inbound.eml"), *file = NULL;
    gsize flen = 0;
    assert_true(g_file_get_contents(path, &file, &flen, NULL));
    assert_int_equal(n, flen);
    assert_memory_equal(bytes, file, flen);
    g_free(q);
    g_free(b64);
    g_free(bytes);
    g_free(path);
    g_free(file);
    test_db_free(r);
}

static void
utf8_multipart_message_is_kept_as_text_and_salesperson_is_the_one_it_was_sent_to(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(import_file(r, "utf8_attachment.eml", &b, &err), 0);
    assert_int_equal(b.logged, 1);
    relm_interaction_t e;
    assert_int_equal(relm_interaction_get(r, s.entry_no[0], &e, &err), 0);
    assert_string_equal(e.contact_no, "CT2");
    assert_string_equal(e.subject, "Møte om årsavtalen – ønsker ny dato");
    assert_string_equal(e.date, "2026-03-11");
    assert_string_equal(e.time, "10:05:00"); /* 09:05 UTC in Oslo */
    /* CT2 has no salesperson: the salesperson in To. */
    assert_string_equal(e.salesperson_code, "KARI");
    char *q = g_strdup_printf("SELECT encoding || '|' || length(body) FROM attachment WHERE "
                              "attachment_no = %lld",
                              (long long)e.attachment_no);
    char *row = sql_text(r, q);
    char *path = corpus_path("utf8_attachment.eml"), *file = NULL;
    gsize flen = 0;
    assert_true(g_file_get_contents(path, &file, &flen, NULL));
    char *want = g_strdup_printf("|%ld", g_utf8_strlen(file, (gssize)flen));
    assert_string_equal(row, want);
    g_free(q);
    g_free(row);
    g_free(path);
    g_free(file);
    g_free(want);
    test_db_free(r);
}

static void the_kept_message_reads_as_sender_subject_text_and_attachments(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(import_file(r, "utf8_attachment.eml", &b, &err), 0);
    assert_int_equal(import_file(r, "html_only.eml", &b, &err), 0);
    assert_int_equal(import_file(r, "latin1_inbound.eml", &b, &err), 0);
    assert_int_equal(b.logged, 3);

    json_t *m = NULL;
    assert_int_equal(relm_mail_entry_message(r, s.entry_no[0], &m, &err), 0);
    assert_non_null(strstr(json_string_value(json_object_get(m, "from")), "aase@eksempel.no"));
    assert_non_null(strstr(json_string_value(json_object_get(m, "from")), "Åse Ærø"));
    assert_non_null(strstr(json_string_value(json_object_get(m, "to")), "kari@firma.no"));
    assert_string_equal(json_string_value(json_object_get(m, "subject")),
                        "Møte om årsavtalen – ønsker ny dato");
    assert_string_equal(json_string_value(json_object_get(m, "date")), "2026-03-11T09:05:00Z");
    assert_string_equal(json_string_value(json_object_get(m, "message_id")),
                        "aarsavtale-2@eksempel.no");
    assert_non_null(strstr(json_string_value(json_object_get(m, "text")),
                           "kan vi flytte møtet om årsavtalen?"));
    json_t *a = json_object_get(m, "attachments");
    assert_int_equal(json_array_size(a), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "file_name")),
                        "forslag.pdf");
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "content_type")),
                        "application/pdf");
    /* The decoded size of the base64 text in the message. */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "size")), 54);
    json_decref(m);

    /* An HTML-only body reads as its text, without tags. */
    assert_int_equal(relm_mail_entry_message(r, s.entry_no[1], &m, &err), 0);
    const char *text = json_string_value(json_object_get(m, "text"));
    assert_non_null(strstr(text, "Sehr geehrte Frau Nordmann,"));
    assert_non_null(strstr(text, "wir bestellen 3 Stühle."));
    assert_null(strstr(text, "<p>"));
    assert_int_equal(json_array_size(json_object_get(m, "attachments")), 0);
    json_decref(m);

    /* A Latin-1 message, kept as base64, reads as UTF-8. */
    assert_int_equal(relm_mail_entry_message(r, s.entry_no[2], &m, &err), 0);
    assert_non_null(
        strstr(json_string_value(json_object_get(m, "text")), "18 kontormøbler til Ålesund"));
    assert_string_equal(json_string_value(json_object_get(m, "subject")), "Tilbud på kontormøbler");
    json_decref(m);

    /* An entry without a kept message, and no entry at all: not_found. */
    relm_interaction_t e;
    relm_mask_t given = 0;
    relm_record_init(&relm_interaction_entity, &e);
    relm_record_set(&relm_interaction_entity, &e, &given, "contact_no", "CT1", &err);
    relm_record_set(&relm_interaction_entity, &e, &given, "interaction_template_code", "EIN", &err);
    assert_int_equal(relm_interaction_create(r, &e, given, &err), 0);
    relm_error_t e2 = {0};
    assert_int_equal(relm_mail_entry_message(r, e.entry_no, &m, &e2), RELM_ENOTFOUND);
    assert_null(m);
    assert_non_null(strstr(e2.message, "keeps no mail message"));
    relm_error_t e3 = {0};
    assert_int_equal(relm_mail_entry_message(r, 999999, &m, &e3), RELM_ENOTFOUND);
    test_db_free(r);
}

static void html_only_message_with_raw_utf8_headers_is_logged(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(import_file(r, "html_only.eml", &b, &err), 0);
    assert_int_equal(b.logged, 1);
    relm_interaction_t e;
    assert_int_equal(relm_interaction_get(r, s.entry_no[0], &e, &err), 0);
    assert_string_equal(e.contact_no, "CT3");
    assert_string_equal(e.subject, "Grüße aus München – Bestellung");
    assert_string_equal(e.time, "16:45:10");
    assert_string_equal(e.salesperson_code, "KARI");
    test_db_free(r);
}

static void
message_without_date_gets_the_work_date_and_a_warning_and_long_subject_is_cut(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(import_file(r, "no_date.eml", &b, &err), 0);
    assert_int_equal(b.logged, 1);
    assert_int_equal(b.warnings, 1);
    assert_int_equal(s.kind[0], RELM_MAIL_WARNING);
    assert_non_null(strstr(s.text[0], "no Date"));
    relm_interaction_t e;
    assert_int_equal(relm_interaction_get(r, s.entry_no[1], &e, &err), 0);
    assert_string_equal(e.date, "2026-03-15");
    assert_int_equal(strlen(e.time), 8);
    assert_int_equal(g_utf8_strlen(e.subject, -1), 100);
    assert_true(g_str_has_prefix(e.subject, "Uten dato: spørsmål om levering"));
    test_db_free(r);
}

static void salesperson_message_logs_an_outbound_entry_per_contact_recipient(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(import_file(r, "outbound.eml", &b, &err), 0);
    assert_int_equal(b.messages, 1);
    assert_int_equal(b.logged, 2); /* unknown@else.example is no contact and is left out */
    assert_int_equal(b.unmatched, 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "information_flow = 'outbound' AND initiated_by = 'us' AND "
                                     "salesperson_code = 'KARI' AND interaction_template_code = "
                                     "'EOUT' AND subject = 'Referat fra møtet' AND date = "
                                     "'2026-03-13' AND time = '08:00:00'"),
                     2);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "contact_no = 'CT2' AND contact_via = 'aase@eksempel.no' AND "
                                     "message_id = '<referat-5@firma.no>'"),
                     1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "contact_no = 'CT3' AND contact_via = 'f.muller@example.de'"),
                     1);
    /* Each entry keeps the message. */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM attachment a JOIN "
                                     "interaction_log_entry e ON e.attachment_no = "
                                     "a.attachment_no AND a.entry_no = e.entry_no"),
                     2);
    /* Importing it again logs nothing. */
    assert_int_equal(import_file(r, "outbound.eml", &b, &err), 0);
    assert_int_equal(b.duplicates, 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry"), 2);
    test_db_free(r);
}

static void reply_to_a_delivered_entry_takes_its_campaign_and_is_a_response(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    sql_exec(r, "INSERT INTO campaign_entry (entry_no, campaign_no, description) "
                "VALUES (77, 'CMP1', 'Utsendelse');"
                "INSERT INTO interaction_log_entry (entry_no, contact_no, date, "
                "description, campaign_no, campaign_entry_no, message_id, "
                "delivered_at, interaction_template_code, salesperson_code) VALUES "
                "(900, 'CT2', '2026-03-01', 'Vårkampanje', 'CMP1', 77, "
                "'<campaign-1@relm.test>', '2026-03-01T10:00:00Z', 'EOUT', 'KARI')");
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(import_file(r, "reply.eml", &b, &err), 0);
    assert_int_equal(b.logged, 1);
    assert_int_equal(s.reply_to[0], 900);
    relm_interaction_t e;
    assert_int_equal(relm_interaction_get(r, s.entry_no[0], &e, &err), 0);
    assert_string_equal(e.campaign_no, "CMP1");
    assert_int_equal(e.campaign_entry_no, 77);
    assert_int_equal(e.campaign_response, 1);
    assert_string_equal(e.subject, "Re: Vårkampanje");
    /* No campaign entry of single interactions was made for it. */
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM campaign_entry"), 1);
    test_db_free(r);
}

static void reply_to_a_message_relm_did_not_deliver_is_no_campaign_response(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    sql_exec(r, "INSERT INTO interaction_log_entry (entry_no, contact_no, date, "
                "description, campaign_no, message_id) VALUES (900, 'CT2', "
                "'2026-03-01', 'Kladd', 'CMP1', '<campaign-1@relm.test>')");
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(import_file(r, "reply.eml", &b, &err), 0);
    relm_interaction_t e;
    assert_int_equal(relm_interaction_get(r, s.entry_no[0], &e, &err), 0);
    assert_string_equal(e.campaign_no, "");
    assert_int_equal(e.campaign_response, 0);
    assert_int_equal(s.reply_to[0], 0);
    test_db_free(r);
}

static int import_raw(relm_t *r, const char *raw, relm_mail_batch_t *b, relm_error_t *err)
{
    return relm_mail_import_message(r, raw, strlen(raw), "test", b, err);
}

static void inbound_salesperson_falls_back_to_the_signed_in_user_and_else_is_unmatched(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    /* CT2 has no salesperson and the message went to no salesperson. */
    const char *msg = "From: aase@eksempel.no\r\nTo: someone@else.example\r\nMessage-ID: "
                      "<u@k>\r\nDate: Tue, 10 Mar 2026 10:00:00 +0100\r\nSubject: Hei\r\n\r\nx\r\n";
    assert_int_equal(import_raw(r, msg, &b, &err), 0);
    assert_int_equal(b.unmatched, 1);
    assert_non_null(strstr(s.text[0], "salesperson_code is required"));
    relm_set_user(r, "OLE");
    assert_int_equal(import_raw(r, msg, &b, &err), 0);
    assert_int_equal(b.logged, 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "salesperson_code = 'OLE' AND contact_no = 'CT2'"),
                     1);
    test_db_free(r);
}

static void unknown_shared_and_blocked_senders_are_unmatched_with_a_reason(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(import_file(r, "unmatched.eml", &b, &err), 0);
    assert_int_equal(import_raw(r,
                                "From: felles@kunde.no\r\nMessage-ID: <f@k>\r\nDate: Tue, 10 Mar "
                                "2026 10:00:00 +0100\r\nSubject: Felles\r\n\r\nx\r\n",
                                &b, &err),
                     0);
    assert_int_equal(import_raw(r,
                                "From: blocked@kunde.no\r\nMessage-ID: <b@k>\r\nSubject: "
                                "Sperret\r\n\r\nx\r\n",
                                &b, &err),
                     0);
    assert_int_equal(import_raw(r,
                                "From: ole@firma.no\r\nTo: stranger@nowhere.example\r\n"
                                "Message-ID: <o@k>\r\nSubject: Ut\r\n\r\nx\r\n",
                                &b, &err),
                     0);
    assert_int_equal(b.messages, 4);
    assert_int_equal(b.unmatched, 4);
    assert_int_equal(b.logged, 0);
    assert_int_equal(b.warnings, 0);
    assert_non_null(strstr(s.text[0], "stranger@nowhere.example"));
    assert_non_null(strstr(s.text[1], "several contacts (CT5, CT6)"));
    assert_non_null(strstr(s.text[2], "CT4"));
    assert_non_null(strstr(s.text[2], "privacy_blocked"));
    assert_non_null(strstr(s.text[3], "no To or Cc address"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry"), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM attachment"), 0);
    test_db_free(r);
}

static void broken_message_is_a_warning_and_the_batch_goes_on(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(import_file(r, "broken.eml", &b, &err), 0);
    assert_int_equal(import_raw(r, "From: \r\nSubject: no sender\r\n\r\nx\r\n", &b, &err), 0);
    assert_int_equal(import_file(r, "html_only.eml", &b, &err), 0);
    assert_int_equal(b.messages, 3);
    assert_int_equal(b.warnings, 2);
    assert_int_equal(b.logged, 1);
    assert_int_equal(s.kind[0], RELM_MAIL_WARNING);
    assert_non_null(strstr(s.source[0], "broken.eml"));
    assert_non_null(strstr(s.text[0], "skipped"));
    assert_non_null(strstr(s.text[1], "no sender address"));
    test_db_free(r);
}

static void same_message_twice_is_logged_once_and_reported_as_duplicate(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(import_file(r, "latin1_inbound.eml", &b, &err), 0);
    assert_int_equal(import_file(r, "latin1_inbound.eml", &b, &err), 0);
    assert_int_equal(b.messages, 2);
    assert_int_equal(b.logged, 1);
    assert_int_equal(b.duplicates, 1);
    assert_int_equal(s.kind[1], RELM_MAIL_DUPLICATE);
    assert_int_equal(s.entry_no[1], s.entry_no[0]);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry"), 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM attachment"), 1);
    test_db_free(r);
}

static void write_file(const char *path, const char *text)
{
    assert_true(g_file_set_contents(path, text, -1, NULL));
}

/* Addresses match case-insensitively for all of Unicode: local part and IDN domain. */
static void addresses_match_with_unicode_case_folded(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    add(r, &relm_salesperson_entity,
        KV("code", "SOREN", "name", "Søren", "email", "søren@førma.no"));
    add(r, &relm_contact_entity,
        KV("no", "CT7", "type", "person", "name", "Åse Øvrebø", "email", "åse.øvrebø@blåbær.no",
           "salesperson_code", "OLE"));
    char dir[] = "/tmp/relm-mail-fold-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *in = g_strdup_printf("%s/in.eml", dir), *out = g_strdup_printf("%s/out.eml", dir);
    write_file(in, "From: ÅSE.ØVREBØ@BLÅBÆR.NO\r\nTo: ole@firma.no\r\nSubject: Hei\r\n"
                   "Message-ID: <fold-in@blåbær.no>\r\nDate: Fri, 13 Mar 2026 09:00:00 +0100\r\n"
                   "\r\nhei\r\n");
    /* The same recipient twice, in two cases: one entry. */
    write_file(out, "From: SØREN@FØRMA.NO\r\nTo: ÅSE.ØVREBØ@BLÅBÆR.NO, åse.øvrebø@blåbær.no\r\n"
                    "Subject: Svar\r\nMessage-ID: <fold-out@førma.no>\r\n"
                    "Date: Fri, 13 Mar 2026 10:00:00 +0100\r\n\r\nsvar\r\n");
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    assert_int_equal(relm_mail_import_path(r, in, &b, &err), 0);
    assert_int_equal(relm_mail_import_path(r, out, &b, &err), 0);
    assert_int_equal(b.logged, 2);
    assert_int_equal(b.unmatched, 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "contact_no = 'CT7' AND information_flow = 'inbound' AND "
                                     "message_id = '<fold-in@blåbær.no>'"),
                     1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry WHERE "
                                     "contact_no = 'CT7' AND information_flow = 'outbound' AND "
                                     "salesperson_code = 'SOREN'"),
                     1);
    unlink(in);
    unlink(out);
    rmdir(dir);
    g_free(in);
    g_free(out);
    test_db_free(r);
}

static void mbox_messages_are_split_and_from_lines_unescaped(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    char *dir = g_dir_make_tmp("relm-mbox-XXXXXX", NULL);
    char *path = g_build_filename(dir, "inbox.mbox", NULL);
    write_file(path, "From bjorn@kunde.no Tue Mar 10 10:00:00 2026\n"
                     "From: bjorn@kunde.no\nSubject: En\nMessage-ID: <m1@k>\n"
                     "Date: Tue, 10 Mar 2026 10:00:00 +0100\n\n"
                     ">From the start\nline\n\n"
                     "From aase@eksempel.no Wed Mar 11 10:00:00 2026\n"
                     "From: aase@eksempel.no\nTo: kari@firma.no\nSubject: To\nMessage-ID: <m2@k>\n"
                     "Date: Wed, 11 Mar 2026 10:00:00 +0100\n\nhei\n");
    assert_int_equal(relm_mail_import_path(r, path, &b, &err), 0);
    assert_int_equal(b.messages, 2);
    assert_int_equal(b.logged, 2);
    assert_true(g_str_has_suffix(s.source[0], "inbox.mbox#1"));
    assert_true(g_str_has_suffix(s.source[1], "inbox.mbox#2"));
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM attachment WHERE body LIKE "
                                     "'%\nFrom the start\nline\n' "
                                     "AND body NOT LIKE '%From bjorn%'"),
                     1);
    unlink(path);
    rmdir(dir);
    g_free(path);
    g_free(dir);
    test_db_free(r);
}

static void maildir_reads_cur_and_new_and_logs_a_copy_once(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, NULL};
    char *dir = g_dir_make_tmp("relm-maildir-XXXXXX", NULL);
    char *cur = g_build_filename(dir, "cur", NULL), *nw = g_build_filename(dir, "new", NULL);
    mkdir(cur, 0700);
    mkdir(nw, 0700);
    const char *msg = "From: f.muller@example.de\nSubject: Kopie\nMessage-ID: <copy@x>\n"
                      "Date: Thu, 12 Mar 2026 10:00:00 +0100\n\nx\n";
    char *f1 = g_build_filename(cur, "1.host:2,S", NULL),
         *f2 = g_build_filename(nw, "2.host", NULL);
    write_file(f1, msg);
    write_file(f2, msg);
    assert_int_equal(relm_mail_import_path(r, dir, &b, &err), 0);
    assert_int_equal(b.messages, 2);
    assert_int_equal(b.logged, 1);
    assert_int_equal(b.duplicates, 1);
    assert_non_null(strstr(s.source[0], "/cur/"));
    /* A directory that is no Maildir is refused. */
    unlink(f1);
    unlink(f2);
    rmdir(cur);
    rmdir(nw);
    relm_error_clear(&err);
    assert_int_equal(relm_mail_import_path(r, dir, &b, &err), RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "Maildir"));
    rmdir(dir);
    g_free(f1);
    g_free(f2);
    g_free(cur);
    g_free(nw);
    g_free(dir);
    test_db_free(r);
}

static int stop_after_one(void *ctx)
{
    return ((seen_t *)ctx)->n >= 1;
}

static void a_stopped_batch_ends_before_the_next_message_without_error(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    seen_t s = {0};
    relm_mail_batch_t b = {on_event, &s, 0, 0, 0, 0, 0, stop_after_one};
    char *dir = g_dir_make_tmp("relm-stop-XXXXXX", NULL);
    char *cur = g_build_filename(dir, "cur", NULL);
    mkdir(cur, 0700);
    char *files[3];
    for (int i = 0; i < 3; i++) {
        files[i] = g_strdup_printf("%s/%d.host", cur, i);
        char *msg = g_strdup_printf("From: bjorn@kunde.no\nSubject: %d\nMessage-ID: <s%d@k>\n"
                                    "Date: Tue, 10 Mar 2026 10:00:00 +0100\n\nx\n",
                                    i, i);
        write_file(files[i], msg);
        g_free(msg);
    }
    assert_int_equal(relm_mail_import_path(r, dir, &b, &err), 0);
    assert_int_equal(b.messages, 1);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry"), 1);
    for (int i = 0; i < 3; i++) {
        unlink(files[i]);
        g_free(files[i]);
    }
    rmdir(cur);
    rmdir(dir);
    g_free(cur);
    g_free(dir);
    test_db_free(r);
}

static void failure_while_writing_a_message_leaves_none_of_it(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    /* The attachment write fails after the entry was written. */
    test_fail_inserts(r, "no_attachments", "attachment", NULL, "disk full");
    relm_mail_batch_t b = {0};
    int rc = import_file(r, "outbound.eml", &b, &err);
    assert_true(rc < 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM interaction_log_entry"), 0);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM attachment"), 0);
    test_db_free(r);
}

static void password_comes_from_the_environment_or_a_file(void **state)
{
    (void)state;
    char buf[128];
    relm_error_t err = {0};
    unsetenv("RELM_IMAP_PASSWORD");
    unsetenv("RELM_IMAP_PASSWORD_FILE");
    assert_int_equal(relm_mail_password_from_env(buf, sizeof(buf), &err), RELM_EVALIDATION);
    char *dir = g_dir_make_tmp("relm-pw-XXXXXX", NULL);
    char *path = g_build_filename(dir, "pw", NULL);
    write_file(path, "hemmelig\n");
    setenv("RELM_IMAP_PASSWORD_FILE", path, 1);
    assert_int_equal(relm_mail_password_from_env(buf, sizeof(buf), &err), 0);
    assert_string_equal(buf, "hemmelig");
    setenv("RELM_IMAP_PASSWORD", "fra-miljø", 1);
    assert_int_equal(relm_mail_password_from_env(buf, sizeof(buf), &err), 0);
    assert_string_equal(buf, "fra-miljø");
    unsetenv("RELM_IMAP_PASSWORD");
    unsetenv("RELM_IMAP_PASSWORD_FILE");
    unlink(path);
    rmdir(dir);
    g_free(path);
    g_free(dir);
}

static void fetch_refuses_a_password_in_the_url_and_other_schemes(void **state)
{
    (void)state;
    relm_t *r = mail_db(1);
    relm_error_t err = {0};
    relm_mail_batch_t b = {0};
    assert_int_equal(relm_mail_fetch(r, "imaps://kari:pw@127.0.0.1/INBOX", "x", &b, &err),
                     RELM_EVALIDATION);
    assert_non_null(strstr(err.message, "RELM_IMAP_PASSWORD"));
    assert_int_equal(relm_mail_fetch(r, "http://kari@127.0.0.1/INBOX", "x", &b, &err),
                     RELM_EVALIDATION);
    assert_int_equal(relm_mail_fetch(r, "imap://127.0.0.1/INBOX", "x", &b, &err), RELM_EVALIDATION);
    assert_int_equal(test_sql_int(r, "SELECT count(*) FROM mail_fetch_position"), 0);
    test_db_free(r);
}

int main(void)
{
    setenv("TZ", "Europe/Oslo", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_without_setup_templates_is_refused_naming_the_setting),
        cmocka_unit_test(setup_naming_a_template_that_does_not_exist_is_refused),
        cmocka_unit_test(
            inbound_latin1_message_is_logged_with_decoded_subject_local_date_and_kept_bytes),
        cmocka_unit_test(
            utf8_multipart_message_is_kept_as_text_and_salesperson_is_the_one_it_was_sent_to),
        cmocka_unit_test(html_only_message_with_raw_utf8_headers_is_logged),
        cmocka_unit_test(the_kept_message_reads_as_sender_subject_text_and_attachments),
        cmocka_unit_test(
            message_without_date_gets_the_work_date_and_a_warning_and_long_subject_is_cut),
        cmocka_unit_test(salesperson_message_logs_an_outbound_entry_per_contact_recipient),
        cmocka_unit_test(reply_to_a_delivered_entry_takes_its_campaign_and_is_a_response),
        cmocka_unit_test(reply_to_a_message_relm_did_not_deliver_is_no_campaign_response),
        cmocka_unit_test(
            inbound_salesperson_falls_back_to_the_signed_in_user_and_else_is_unmatched),
        cmocka_unit_test(unknown_shared_and_blocked_senders_are_unmatched_with_a_reason),
        cmocka_unit_test(broken_message_is_a_warning_and_the_batch_goes_on),
        cmocka_unit_test(same_message_twice_is_logged_once_and_reported_as_duplicate),
        cmocka_unit_test(mbox_messages_are_split_and_from_lines_unescaped),
        cmocka_unit_test(maildir_reads_cur_and_new_and_logs_a_copy_once),
        cmocka_unit_test(a_stopped_batch_ends_before_the_next_message_without_error),
        cmocka_unit_test(failure_while_writing_a_message_leaves_none_of_it),
        cmocka_unit_test(password_comes_from_the_environment_or_a_file),
        cmocka_unit_test(fetch_refuses_a_password_in_the_url_and_other_schemes),
        cmocka_unit_test(addresses_match_with_unicode_case_folded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
