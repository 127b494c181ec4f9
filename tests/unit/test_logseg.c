/*
 * Logging segments: the checks (nothing written on refusal), the entries written, campaign
 * entries, follow-up segments, all-or-nothing under an injected failure, two processes
 * logging at once, and logged segments (cancel, reuse).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "relm/deliver.h"
#include "segment_fixture.h"

/* Every row of every table, as text, through a second connection (committed state only). */
static char *dump_all(relm_t *r)
{
    relm_t *other = NULL;
    relm_error_t err = {0};
    if (relm_open(test_db_path(r), 0, &other, &err))
        fail_msg("open %s: %s", test_db_path(r), err.message);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    relm_stmt_t *tables;
    const char *list = test_on_pg() ? "SELECT table_name FROM information_schema.tables WHERE "
                                      "table_schema = current_schema() ORDER BY 1"
                                    : "SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "ORDER BY name";
    if (relm_stmt_prepare(other->store, list, &tables, &err))
        fail_msg("%s: %s", list, err.message);
    while (relm_stmt_step(tables, &err) == RELM_STEP_ROW) {
        char sql[256];
        const char *t = relm_stmt_text(tables, 0);
        snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" ORDER BY 1, 2", t);
        relm_stmt_t *rows;
        if (relm_stmt_prepare(other->store, sql, &rows, &err)) {
            snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" ORDER BY 1", t);
            if (relm_stmt_prepare(other->store, sql, &rows, &err))
                fail_msg("%s: %s", sql, err.message);
        }
        while (relm_stmt_step(rows, &err) == RELM_STEP_ROW) {
            for (int i = 0; i < relm_stmt_columns(rows); i++) {
                const char *v = relm_stmt_is_null(rows, i) ? "NULL" : relm_stmt_text(rows, i);
                size_t vl = strlen(v);
                while (len + vl + 4 > cap)
                    out = realloc(out, cap *= 2);
                len += (size_t)snprintf(out + len, cap - len, "%s|", v);
            }
            out[len++] = '\n';
            out[len] = '\0';
        }
        relm_stmt_release(rows);
    }
    relm_stmt_release(tables);
    relm_close(other);
    return out;
}

/* A segment "Mailing" with template LTR and lines P1, P2, P3 (P3 on NEWS, personalised). */
static void mailing(relm_t *r, char no[RELM_CODE20_SZ])
{
    relm_error_t err = {0};
    new_segment(r, "Mailing", "LTR", no);
    add_line(r, no, "P1");
    add_line(r, no, "P2");
    add_line(r, no, "P3");
    relm_segment_line_t lc;
    relm_mask_t lg = 0;
    relm_record_init(&relm_segment_line_entity, &lc);
    set_field(&relm_segment_line_entity, &lc, &lg, "interaction_template_code", "NEWS");
    set_field(&relm_segment_line_entity, &lc, &lg, "subject", "Nyheter");
    if (relm_segment_line_update(r, no, 30000, &lc, lg, &err))
        fail_msg("%s", err.message);
}

static void log_writes_one_entry_per_line_and_removes_the_segment(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    relm_set_user(r, "ANNA");
    exec_sql(r, "UPDATE relm_counter SET value = 41 WHERE name = 'interaction_log_entry'");
    char no[RELM_CODE20_SZ];
    mailing(r, no);
    relm_log_result_t res;
    assert_int_equal(relm_segment_log(r, no, 0, &res, NULL, NULL, &err), 0);
    assert_int_equal(res.logged_segment_entry_no, 1);
    assert_int_equal(res.entries, 3);
    assert_int_equal(res.campaign_entries, 1);
    assert_int_equal(res.blank_correspondence, 0);
    assert_string_equal(res.follow_up_no, "");
    assert_string_equal(
        qs(r, "SELECT group_concat(x, ' ') FROM (SELECT entry_no || ':' || contact_no || ':' || "
              "contact_company_no || ':' || interaction_template_code || ':' || "
              "interaction_group_code || ':' || subject || ':' || correspondence_type || ':' || "
              "contact_via || ':' || cost || ':' || salesperson_code || ':' || segment_no || ':' "
              "|| logged_segment_entry_no || ':' || campaign_no || ':' || campaign_entry_no || "
              "':' || user_id || ':' || date || ':' || delivery_status AS x FROM "
              "interaction_log_entry ORDER BY entry_no) AS q"),
        "42:P1:C1:LTR:LETTER:Letter:email:mark@cardoxy.example:250:JO:SEG00001:1::0:ANNA:2026-03-"
        "15: "
        "43:P2:C1:LTR:LETTER:Letter:hard_copy:Fenwick Close "
        "8:250:AH:SEG00001:1::0:ANNA:2026-03-15: "
        "44:P3:C2:NEWS:EMAIL:Nyheter:email:kari@nordlys.example:10:JO:SEG00001:1:CMP1001:1:ANNA:"
        "2026-03-15:");
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry WHERE created_at = '' OR "
                          "time = ''"),
                     0);
    assert_string_equal(qs(r, "SELECT entry_no || ':' || segment_no || ':' || description || ':' "
                              "|| user_id || ':' || canceled FROM logged_segment"),
                        "1:SEG00001:Mailing:ANNA:0");
    assert_string_equal(qs(r, "SELECT entry_no || ':' || campaign_no || ':' || description || ':' "
                              "|| date || ':' || segment_no || ':' || logged_segment_entry_no "
                              "FROM campaign_entry"),
                        "1:CMP1001:Mailing:2026-03-15:SEG00001:1");
    assert_int_equal(q(r, "SELECT count(*) FROM segment_header"), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line"), 0);
    assert_int_equal(q(r, "SELECT value FROM relm_counter WHERE name = 'interaction_log_entry'"),
                     44);

    /* A second log of the same segment is refused. */
    assert_int_equal(relm_segment_log(r, no, 0, &res, NULL, NULL, &err), RELM_ECONFLICT);
    assert_non_null(strstr(err.message, "already been logged"));
    /* So is a new segment typed with the logged segment's no. */
    exec_sql(r, "UPDATE no_series SET manual_nos = 1 WHERE code = 'SEG'");
    relm_segment_t s;
    relm_record_init(&relm_segment_entity, &s);
    set_field(&relm_segment_entity, &s, NULL, "no", "SEG00001");
    set_field(&relm_segment_entity, &s, NULL, "description", "Again");
    set_field(&relm_segment_entity, &s, NULL, "interaction_template_code", "LTR");
    assert_int_equal(relm_segment_add(r, &s, 0, &err), 0);
    add_line(r, "SEG00001", "P1");
    assert_int_equal(relm_segment_log(r, no, 0, &res, NULL, NULL, &err), RELM_EEXISTS);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry"), 3);
    test_db_free(r);
}

/* Log must fail with code and leave every table as it was. */
static void refused(relm_t *r, const char *no, unsigned flags, int code, const char *needle)
{
    relm_error_t err = {0};
    relm_log_result_t res;
    char *before = dump_all(r);
    assert_int_equal(relm_segment_log(r, no, flags, &res, NULL, NULL, &err), code);
    if (needle && !strstr(err.message, needle))
        fail_msg("\"%s\" does not name \"%s\"", err.message, needle);
    char *after = dump_all(r);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void every_check_refuses_before_anything_is_written(void **state)
{
    (void)state;
    relm_t *r = fixture();
    char no[RELM_CODE20_SZ];
    refused(r, "NOPE", 0, RELM_ENOTFOUND, "NOPE");
    new_segment(r, "Empty", "LTR", no);
    refused(r, no, 0, RELM_ESEGMENTEMPTY, "segment SEG00001 is empty");
    add_line(r, no, "P1");
    exec_sql(r, "UPDATE segment_header SET description = ''");
    refused(r, no, 0, RELM_EVALIDATION, "description");
    exec_sql(r, "UPDATE segment_header SET description = 'Back'");

    exec_sql(r, "UPDATE segment_line SET date = ''");
    refused(r, no, 0, RELM_EVALIDATION, "line 10000");
    exec_sql(r, "UPDATE segment_line SET date = '2026-03-15', interaction_template_code = ''");
    refused(r, no, 0, RELM_EMISSINGTPL, "line 10000");
    exec_sql(r, "UPDATE segment_line SET interaction_template_code = 'GONE'");
    refused(r, no, 0, RELM_EMISSINGTPL, "GONE");
    exec_sql(r, "UPDATE segment_line SET interaction_template_code = 'LTR', salesperson_code = ''");
    refused(r, no, 0, RELM_EMISSINGSP, "line 10000");
    exec_sql(r, "UPDATE segment_line SET salesperson_code = 'XX'");
    refused(r, no, 0, RELM_ENOTFOUND, "salesperson XX");
    exec_sql(r, "UPDATE segment_line SET salesperson_code = 'JO', campaign_no = 'CMP9'");
    refused(r, no, 0, RELM_ENOTFOUND, "campaign CMP9");
    exec_sql(r, "UPDATE segment_line SET campaign_no = ''; UPDATE contact SET privacy_blocked = 1 "
                "WHERE no = 'P1'");
    refused(r, no, 0, RELM_EPRIVACY, "P1");
    exec_sql(r, "UPDATE contact SET privacy_blocked = 0 WHERE no = 'P1'; "
                "UPDATE segment_line SET contact_no = 'ZZ'");
    refused(r, no, 0, RELM_ENOTFOUND, "contact ZZ");
    exec_sql(r, "UPDATE segment_line SET contact_no = 'P1'; UPDATE marketing_setup SET "
                "segment_nos = ''");
    refused(r, no, RELM_LOG_FOLLOW_UP, RELM_ESETUP, "marketing setup segment_nos");
    exec_sql(r, "UPDATE marketing_setup SET segment_nos = 'SEG'; UPDATE contact SET email = '' "
                "WHERE no = 'P1'");
    refused(r, no, RELM_LOG_DELIVER, RELM_EMISSINGEMAIL, "P1");
    exec_sql(r, "UPDATE segment_line SET correspondence_type = 'fax'");
    refused(r, no, RELM_LOG_DELIVER, RELM_EMISSINGFAX, "fax_no");
    assert_int_equal(q(r, "SELECT logging FROM segment_header"), 0);
    test_db_free(r);
}

static void missing_addresses_log_blank_without_deliver_and_deliver_marks_email(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Mailing", "LTR", no);
    add_line(r, no, "P1"); /* e-mail, has an address */
    add_line(r, no, "P4"); /* fax, no fax no. */
    relm_log_result_t res;
    assert_int_equal(relm_segment_log(r, no, 0, &res, NULL, NULL, &err), 0);
    assert_int_equal(res.blank_correspondence, 1);
    assert_non_null(strstr(err.warning, "1 lines"));
    assert_string_equal(qs(r, "SELECT group_concat(contact_no || ':' || correspondence_type || "
                              "':' || delivery_status, ' ') FROM interaction_log_entry"),
                        "P1:email: P4::");

    exec_sql(r, "UPDATE interaction_template SET attachment = 'Dear {{contact.name}}' "
                "WHERE code = 'LTR'");
    new_segment(r, "Deliver", "LTR", no);
    add_line(r, no, "P1");
    add_line(r, no, "P2");
    add_line(r, no, "C1");
    exec_sql(r, "UPDATE segment_line SET correspondence_type = '' WHERE contact_no = 'C1'");
    assert_int_equal(relm_segment_log(r, no, RELM_LOG_DELIVER, &res, NULL, NULL, &err), 0);
    /* Every line with a correspondence type goes out, hard copy as well as e-mail. */
    assert_string_equal(qs(r, "SELECT group_concat(contact_no || ':' || correspondence_type || "
                              "':' || delivery_status, ' ') FROM (SELECT * FROM "
                              "interaction_log_entry WHERE segment_no = 'SEG00002' "
                              "ORDER BY entry_no) AS q"),
                        "P1:email:in_progress P2:hard_copy:in_progress C1::");
    test_db_free(r);
}

static void deliver_fails_fax_lines_at_once_because_relm_sends_no_faxes(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    exec_sql(r, "UPDATE interaction_template SET attachment = 'Dear {{contact.name}}' "
                "WHERE code = 'LTR'; UPDATE contact SET fax_no = '+47 22 00 00 00' "
                "WHERE no = 'P4'");
    new_segment(r, "Deliver", "LTR", no);
    add_line(r, no, "P1"); /* e-mail */
    add_line(r, no, "P2"); /* hard copy */
    add_line(r, no, "P4"); /* fax */
    relm_log_result_t res;
    assert_int_equal(relm_segment_log(r, no, RELM_LOG_DELIVER, &res, NULL, NULL, &err), 0);
    assert_int_equal(res.faxes_not_sent, 1);
    assert_string_equal(err.warning,
                        "1 fax entries were logged as failed: relm does not send faxes");
    /* E-mail and letters wait in the outbox; the fax is failed with the reason, never
     * left waiting for a delivery that cannot come. */
    assert_string_equal(qs(r, "SELECT group_concat(contact_no || ':' || correspondence_type || "
                              "':' || delivery_status || ':' || delivery_error, ' ') FROM "
                              "(SELECT * FROM interaction_log_entry ORDER BY entry_no) AS q"),
                        "P1:email:in_progress: P2:hard_copy:in_progress: "
                        "P4:fax:error:relm does not send faxes");
    relm_delivery_counts_t n;
    assert_int_equal(relm_delivery_counts(r, res.logged_segment_entry_no, &n, NULL, NULL, &err), 0);
    assert_int_equal(n.waiting, 2);
    assert_int_equal(n.failed, 1);
    /* Retrying errors puts back e-mail only: a fax would fail again. */
    int64_t requeued = -1;
    assert_int_equal(relm_delivery_retry_errors(r, res.logged_segment_entry_no, &requeued, &err),
                     0);
    assert_int_equal(requeued, 0);
    /* Without deliver a fax line is logged as it always was: nothing to deliver. */
    relm_error_clear(&err);
    new_segment(r, "Plain", "LTR", no);
    add_line(r, no, "P4");
    assert_int_equal(relm_segment_log(r, no, 0, &res, NULL, NULL, &err), 0);
    assert_int_equal(res.faxes_not_sent, 0);
    assert_string_equal(err.warning, "");
    assert_string_equal(qs(r, "SELECT delivery_status || ':' || delivery_error FROM "
                              "interaction_log_entry WHERE segment_no = 'SEG00002'"),
                        ":");
    test_db_free(r);
}

static void delivery_counts_say_how_many_waiting_are_letters_until_they_are_printed(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    exec_sql(r, "UPDATE interaction_template SET attachment = 'Dear {{contact.name}}' "
                "WHERE code = 'LTR'");
    new_segment(r, "Deliver", "LTR", no);
    add_line(r, no, "P1"); /* e-mail */
    add_line(r, no, "P2"); /* hard copy */
    relm_log_result_t res;
    assert_int_equal(relm_segment_log(r, no, RELM_LOG_DELIVER, &res, NULL, NULL, &err), 0);
    int64_t ls = res.logged_segment_entry_no;
    relm_delivery_counts_t n;
    assert_int_equal(relm_delivery_counts(r, ls, &n, NULL, NULL, &err), 0);
    assert_int_equal(n.waiting, 2);
    assert_int_equal(n.letters, 1);
    /* A preview changes nothing; printing (mark) delivers the letter. */
    char *pdf = NULL;
    size_t len = 0;
    int64_t letters = 0;
    assert_int_equal(relm_letters_render_segment(r, ls, 0, &pdf, &len, &letters, &err), 0);
    free(pdf);
    assert_int_equal(relm_delivery_counts(r, ls, &n, NULL, NULL, &err), 0);
    assert_int_equal(n.letters, 1);
    assert_int_equal(relm_letters_render_segment(r, ls, 1, &pdf, &len, &letters, &err), 0);
    assert_int_equal(letters, 1);
    assert_true(len > 4 && memcmp(pdf, "%PDF", 4) == 0);
    free(pdf);
    assert_int_equal(relm_delivery_counts(r, ls, &n, NULL, NULL, &err), 0);
    assert_int_equal(n.letters, 0);
    assert_int_equal(n.waiting, 1); /* the e-mail */
    assert_int_equal(n.sent, 1);
    test_db_free(r);
}

static void deliver_needs_an_attachment_body_for_every_line_that_goes_out(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    new_segment(r, "Deliver", "LTR", no);
    add_line(r, no, "P1");
    add_line(r, no, "P3");
    relm_segment_line_t lc;
    relm_mask_t lg = 0;
    relm_record_init(&relm_segment_line_entity, &lc);
    set_field(&relm_segment_line_entity, &lc, &lg, "interaction_template_code", "NEWS");
    if (relm_segment_line_update(r, no, 20000, &lc, lg, &err))
        fail_msg("%s", err.message);
    assert_string_equal(qs(r, "SELECT language_code FROM segment_line WHERE line_no = 20000"),
                        "NOR");
    relm_log_result_t res;
    assert_int_equal(relm_segment_log(r, no, RELM_LOG_DELIVER, &res, NULL, NULL, &err),
                     RELM_EVALIDATION);
    assert_string_equal(err.message, "segment SEG00001 line 10000: interaction template LTR has "
                                     "no attachment to deliver");
    exec_sql(r, "UPDATE interaction_template SET attachment = 'Dear {{contact.name}}'");
    /* The NOR line's body is its variant's, which is still empty. */
    relm_error_clear(&err);
    assert_int_equal(relm_segment_log(r, no, RELM_LOG_DELIVER, &res, NULL, NULL, &err),
                     RELM_EVALIDATION);
    assert_string_equal(err.message, "segment SEG00001 line 20000: interaction template NEWS "
                                     "language NOR has no attachment to deliver");
    assert_int_equal(q(r, "SELECT count(*) FROM logged_segment"), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry"), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line"), 2);
    assert_int_equal(q(r, "SELECT logging FROM segment_header"), 0);
    /* Without deliver nothing needs a body. */
    exec_sql(r, "UPDATE interaction_template SET attachment = ''");
    assert_int_equal(relm_segment_log(r, no, 0, &res, NULL, NULL, &err), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry WHERE delivery_status = ''"),
                     2);
    new_segment(r, "Again", "NEWS", no);
    add_line(r, no, "P3");
    exec_sql(r, "UPDATE interaction_template_language SET attachment = 'Hei {{contact.name}}'");
    assert_int_equal(relm_segment_log(r, no, RELM_LOG_DELIVER, &res, NULL, NULL, &err), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry WHERE segment_no = "
                          "'SEG00002' AND delivery_status = 'in_progress'"),
                     1);
    test_db_free(r);
}

static void follow_up_holds_the_same_contacts_under_the_next_number(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    mailing(r, no);
    exec_sql(r, "UPDATE segment_header SET campaign_no = 'CMP1001'");
    relm_log_result_t res;
    assert_int_equal(relm_segment_log(r, no, RELM_LOG_FOLLOW_UP, &res, NULL, NULL, &err), 0);
    assert_string_equal(res.follow_up_no, "SEG00002");
    assert_string_equal(qs(r, "SELECT description || ':' || campaign_no || ':' || date || ':' || "
                              "interaction_template_code FROM segment_header"),
                        "Follow-up on segment SEG00001:CMP1001:2026-03-15:");
    assert_string_equal(qs(r, "SELECT group_concat(contact_no || ':' || personalised || ':' || "
                              "interaction_template_code, ',') FROM (SELECT * FROM segment_line "
                              "ORDER BY line_no) AS q"),
                        "P1:0:,P2:0:,P3:0:");
    test_db_free(r);
}

/* The follow-up's lines are staged while the logged ones are removed: the follow-up keeps
 * their line numbers, and the staging leaves nothing behind for the next log. */
static void follow_ups_keep_line_numbers_log_after_log(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    mailing(r, no);
    exec_sql(r, "UPDATE segment_line SET line_no = line_no * 3 + 7");
    char *before = strdup(qs(r, "SELECT group_concat(line_no || ':' || contact_no, ',') FROM "
                                "(SELECT * FROM segment_line ORDER BY line_no) x"));
    relm_log_result_t res;
    assert_int_equal(relm_segment_log(r, no, RELM_LOG_FOLLOW_UP, &res, NULL, NULL, &err), 0);
    assert_string_equal(qs(r,
                           "SELECT group_concat(segment_no || ':' || line_no || ':' || "
                           "contact_no, ',') FROM (SELECT * FROM segment_line ORDER BY line_no) x"),
                        "SEG00002:30007:P1,SEG00002:60007:P2,SEG00002:90007:P3");
    assert_string_equal(before, "30007:P1,60007:P2,90007:P3");
    free(before);
    /* The follow-up is logged in turn, on the same connection, with its own follow-up. */
    exec_sql(r, "UPDATE segment_header SET interaction_template_code = 'NEWS', "
                "salesperson_code = 'JO'");
    exec_sql(r, "UPDATE segment_line SET interaction_template_code = 'NEWS', "
                "salesperson_code = 'JO'");
    assert_int_equal(relm_segment_log(r, "SEG00002", RELM_LOG_FOLLOW_UP, &res, NULL, NULL, &err),
                     0);
    assert_string_equal(res.follow_up_no, "SEG00003");
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line WHERE segment_no = 'SEG00003'"), 3);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_line"), 3);
    assert_int_equal(q(r, test_on_pg() ? "SELECT count(*) FROM pg_class WHERE relname = "
                                         "'relm_staged_line'"
                                       : "SELECT count(*) FROM sqlite_temp_master"),
                     0);
    test_db_free(r);
}

static void progress_cb(void *ctx, int64_t done, int64_t total, const char *phase)
{
    assert_non_null(phase);
    assert_int_equal(total, 5);
    *(int *)ctx = (int)done;
}

static void a_failure_in_the_middle_leaves_the_database_as_it_was(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    mailing(r, no);
    test_fail_inserts(r, "boom", "interaction_log_entry", "NEW.contact_no = 'P2'",
                      "injected failure");
    char *before = dump_all(r);
    relm_log_result_t res;
    int done = -1;
    assert_int_not_equal(
        relm_segment_log(r, no, RELM_LOG_FOLLOW_UP, &res, progress_cb, &done, &err), 0);
    assert_non_null(strstr(err.message, "injected failure"));
    assert_int_equal(done, 2); /* it failed while writing the entries */
    char *after = dump_all(r);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* The same connection goes on working, and the log succeeds once the cause is gone. */
    test_drop_failure(r, "boom", "interaction_log_entry");
    assert_int_equal(relm_segment_log(r, no, RELM_LOG_FOLLOW_UP, &res, progress_cb, &done, &err),
                     0);
    assert_int_equal(done, 5);
    assert_int_equal(res.entries, 3);
    assert_int_equal(q(r, "SELECT min(entry_no) FROM interaction_log_entry"), 1);
    test_db_free(r);
}

static void two_processes_logging_at_once_write_the_entries_once(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    exec_sql(r,
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
             "INSERT INTO contact (no, type, name, email, correspondence_type, salesperson_code) "
             "SELECT 'R' || i, 'person', 'Racer ' || i, 'r' || i || '@x.example', 'email', 'JO' "
             "FROM n");
    new_segment(r, "Race", "LTR", no);
    relm_criteria_t c;
    relm_criteria_init(&c);
    assert_int_equal(relm_segment_add_contacts(r, no, &c, NULL, &err), 0);
    int64_t lines = q(r, "SELECT count(*) FROM segment_line");
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t pids[2];
    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            char b;
            close(go[1]);
            relm_t *cr = NULL;
            relm_error_t ce = {0};
            if (relm_open(test_db_path(r), 0, &cr, &ce))
                _exit(100);
            if (read(go[0], &b, 1) < 0)
                _exit(101);
            relm_log_result_t res;
            int rc = relm_segment_log(cr, no, RELM_LOG_FOLLOW_UP, &res, NULL, NULL, &ce);
            relm_close(cr);
            _exit(rc == 0 ? 0 : rc == RELM_ECONFLICT ? 3 : rc == RELM_ENOTFOUND ? 4 : 50 - rc);
        }
    }
    close(go[0]);
    close(go[1]); /* both readers wake at once */
    int ok = 0, refused_n = 0;
    for (int i = 0; i < 2; i++) {
        int st;
        waitpid(pids[i], &st, 0);
        assert_true(WIFEXITED(st));
        if (WEXITSTATUS(st) == 0)
            ok++;
        else if (WEXITSTATUS(st) == 3 || WEXITSTATUS(st) == 4)
            refused_n++;
        else
            fail_msg("child exited %d", WEXITSTATUS(st));
    }
    assert_int_equal(ok, 1);
    assert_int_equal(refused_n, 1);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry"), lines);
    assert_int_equal(q(r, "SELECT count(*) FROM logged_segment"), 1);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_header"), 1); /* the follow-up */
    test_db_free(r);
}

static int count_row(void *ctx, const void *rec)
{
    (void)rec;
    (*(int *)ctx)++;
    return 0;
}

static void cancel_toggles_the_logged_segment_its_entries_and_statistics(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    mailing(r, no);
    relm_log_result_t res;
    assert_int_equal(relm_segment_log(r, no, 0, &res, NULL, NULL, &err), 0);
    relm_contact_stats_t st;
    assert_int_equal(relm_contact_stats(r, "C1", &st, &err), 0);
    assert_int_equal(st.no_of_interactions, 2);
    assert_int_equal(st.cost, 500);

    relm_logged_segment_t ls;
    assert_int_equal(relm_logged_segment_get(r, 1, &ls, &err), 0);
    assert_int_equal(ls.no_of_interactions, 3);
    assert_int_equal(ls.no_of_campaign_entries, 1);
    int rows = 0;
    assert_int_equal(relm_logged_segment_list(r, 0, 0, count_row, &rows, &err), 0);
    assert_int_equal(rows, 1);
    /* Newest first: nothing is older than the only one. */
    rows = 0;
    assert_int_equal(relm_logged_segment_list(r, ls.entry_no, 0, count_row, &rows, &err), 0);
    assert_int_equal(rows, 0);

    assert_int_equal(relm_logged_segment_cancel(r, 1, &err), 0);
    assert_int_equal(q(r, "SELECT canceled FROM logged_segment"), 1);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry WHERE canceled = 1"), 3);
    assert_int_equal(q(r, "SELECT count(*) FROM campaign_entry WHERE canceled = 1"), 1);
    assert_int_equal(relm_contact_stats(r, "C1", &st, &err), 0);
    assert_int_equal(st.no_of_interactions, 0);
    assert_int_equal(st.cost, 0);

    assert_int_equal(relm_logged_segment_cancel(r, 1, &err), 0);
    assert_int_equal(q(r, "SELECT canceled FROM logged_segment"), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry WHERE canceled = 0"), 3);
    assert_int_equal(q(r, "SELECT count(*) FROM campaign_entry WHERE canceled = 0"), 1);
    assert_int_equal(relm_contact_stats(r, "C1", &st, &err), 0);
    assert_int_equal(st.no_of_interactions, 2);
    assert_int_equal(relm_logged_segment_cancel(r, 9, &err), RELM_ENOTFOUND);
    test_db_free(r);
}

static void counts_follow_the_logged_segments_own_canceled_flag(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    mailing(r, no);
    relm_log_result_t res;
    assert_int_equal(relm_segment_log(r, no, 0, &res, NULL, NULL, &err), 0);
    exec_sql(r, "UPDATE interaction_log_entry SET canceled = 1 WHERE contact_no = 'P1'");
    relm_logged_segment_t ls;
    assert_int_equal(relm_logged_segment_get(r, 1, &ls, &err), 0);
    assert_int_equal(ls.no_of_interactions, 2);
    assert_int_equal(ls.no_of_campaign_entries, 1);
    assert_int_equal(relm_logged_segment_cancel(r, 1, &err), 0);
    assert_int_equal(relm_logged_segment_get(r, 1, &ls, &err), 0);
    assert_int_equal(ls.canceled, 1);
    assert_int_equal(ls.no_of_interactions, 3);
    assert_int_equal(ls.no_of_campaign_entries, 1);
    /* A record out of step with a canceled logged segment is not counted either. */
    exec_sql(r, "UPDATE campaign_entry SET canceled = 0");
    assert_int_equal(relm_logged_segment_get(r, 1, &ls, &err), 0);
    assert_int_equal(ls.no_of_campaign_entries, 0);
    test_db_free(r);
}

static void delete_keeps_the_entries_of_a_canceled_logged_segment_detached(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ];
    mailing(r, no);
    relm_log_result_t res;
    assert_int_equal(relm_segment_log(r, no, 0, &res, NULL, NULL, &err), 0);
    int64_t kept = -1;
    assert_int_equal(relm_logged_segment_delete(r, 1, &kept, &err), RELM_EINUSE);
    assert_non_null(strstr(err.message, "logged segment 1 is not canceled"));
    assert_int_equal(kept, -1);
    assert_int_equal(q(r, "SELECT count(*) FROM logged_segment"), 1);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry "
                          "WHERE logged_segment_entry_no = 1"),
                     3);
    assert_int_equal(relm_logged_segment_cancel(r, 1, &err), 0);
    assert_int_equal(relm_logged_segment_delete(r, 1, &kept, &err), 0);
    assert_int_equal(kept, 3);
    assert_int_equal(q(r, "SELECT count(*) FROM logged_segment"), 0);
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry "
                          "WHERE logged_segment_entry_no = 0 AND canceled = 1"),
                     3);
    /* The segment no. stays: the history still names the mailing's segment. */
    assert_int_equal(q(r, "SELECT count(*) FROM interaction_log_entry WHERE segment_no = "
                          "'SEG00001'"),
                     3);
    assert_int_equal(q(r, "SELECT count(*) FROM campaign_entry WHERE logged_segment_entry_no = 0"),
                     1);
    assert_int_equal(relm_logged_segment_delete(r, 1, NULL, &err), RELM_ENOTFOUND);
    test_db_free(r);
}

static void reuse_makes_a_segment_from_the_entries_that_match(void **state)
{
    (void)state;
    relm_t *r = fixture();
    relm_error_t err = {0};
    char no[RELM_CODE20_SZ], new_no[RELM_CODE20_SZ];
    mailing(r, no);
    relm_log_result_t res;
    assert_int_equal(relm_segment_log(r, no, 0, &res, NULL, NULL, &err), 0);
    exec_sql(r, "UPDATE interaction_log_entry SET evaluation = 'positive' WHERE contact_no = 'P1';"
                "UPDATE interaction_log_entry SET attempt_failed = 1 WHERE contact_no = 'P2';"
                "UPDATE interaction_log_entry SET campaign_response = 1 WHERE contact_no = 'P3'");
    relm_reuse_filter_t f;
    int64_t n = 0;
    relm_reuse_filter_init(&f);
    assert_int_equal(relm_logged_segment_reuse(r, 1, &f, new_no, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(new_no, "SEG00002");
    assert_string_equal(qs(r, "SELECT description FROM segment_header WHERE no = 'SEG00002'"),
                        "Reuse of segment SEG00001");
    snprintf(f.evaluation, sizeof(f.evaluation), "positive");
    assert_int_equal(relm_logged_segment_reuse(r, 1, &f, new_no, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(qs(r, "SELECT contact_no FROM segment_line WHERE segment_no = 'SEG00003'"),
                        "P1");
    relm_reuse_filter_init(&f);
    set_field(&relm_reuse_filter_entity, &f, NULL, "attempt_failed", "TRUE");
    assert_int_equal(relm_logged_segment_reuse(r, 1, &f, new_no, &n, &err), 0);
    assert_string_equal(qs(r, "SELECT contact_no FROM segment_line WHERE segment_no = 'SEG00004'"),
                        "P2");
    relm_reuse_filter_init(&f);
    set_field(&relm_reuse_filter_entity, &f, NULL, "campaign_response", "true");
    assert_int_equal(relm_logged_segment_reuse(r, 1, &f, new_no, &n, &err), 0);
    assert_string_equal(qs(r, "SELECT contact_no FROM segment_line WHERE segment_no = 'SEG00005'"),
                        "P3");
    relm_error_t refused = {0};
    assert_int_equal(
        relm_record_set(&relm_reuse_filter_entity, &f, NULL, "evaluation", "great", &refused),
        RELM_EVALIDATION);
    assert_int_equal(
        relm_record_set(&relm_reuse_filter_entity, &f, NULL, "attempt_failed", "maybe", &refused),
        RELM_EVALIDATION);
    /* A library caller filling the struct by hand is checked too. */
    snprintf(f.evaluation, sizeof(f.evaluation), "great");
    assert_int_equal(relm_logged_segment_reuse(r, 1, &f, new_no, &n, &err), RELM_EVALIDATION);
    assert_int_equal(relm_logged_segment_reuse(r, 7, NULL, new_no, &n, &err), RELM_ENOTFOUND);
    assert_int_equal(q(r, "SELECT count(*) FROM segment_header"), 4);
    test_db_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(log_writes_one_entry_per_line_and_removes_the_segment),
        cmocka_unit_test(every_check_refuses_before_anything_is_written),
        cmocka_unit_test(missing_addresses_log_blank_without_deliver_and_deliver_marks_email),
        cmocka_unit_test(deliver_fails_fax_lines_at_once_because_relm_sends_no_faxes),
        cmocka_unit_test(delivery_counts_say_how_many_waiting_are_letters_until_they_are_printed),
        cmocka_unit_test(deliver_needs_an_attachment_body_for_every_line_that_goes_out),
        cmocka_unit_test(follow_up_holds_the_same_contacts_under_the_next_number),
        cmocka_unit_test(follow_ups_keep_line_numbers_log_after_log),
        cmocka_unit_test(a_failure_in_the_middle_leaves_the_database_as_it_was),
        cmocka_unit_test(two_processes_logging_at_once_write_the_entries_once),
        cmocka_unit_test(cancel_toggles_the_logged_segment_its_entries_and_statistics),
        cmocka_unit_test(counts_follow_the_logged_segments_own_canceled_flag),
        cmocka_unit_test(delete_keeps_the_entries_of_a_canceled_logged_segment_detached),
        cmocka_unit_test(reuse_makes_a_segment_from_the_entries_that_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
