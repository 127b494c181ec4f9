/*
 * Mail captured as interactions over HTTP: POST /api/mail/messages logs one raw message
 * (relm_mail_import_message) and answers with the summary relm mail import --json prints;
 * GET /api/interactions/{entry_no}/message reads the message kept with an entry
 * (relm_mail_entry_message): sender, recipients, subject, text and attachments;
 * GET /api/mail/mailbox names the mailbox relm serve fetches (--fetch-mail) and
 * POST /api/mail/fetch (administrators) fetches it now, answering with the same summary.
 */
#include <string.h>

#include <glib.h>

#include "http.h"

static int message_import(req_t *q)
{
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 1);
    if (rc)
        return rc;
    json_t *text = q->body ? json_object_get(q->body, "message") : NULL;
    json_t *b64 = q->body ? json_object_get(q->body, "message_base64") : NULL;
    json_t *source = q->body ? json_object_get(q->body, "source") : NULL;
    if ((text && !json_is_string(text)) || (b64 && !json_is_string(b64)) || (!text == !b64) ||
        (source && !json_is_string(source)))
        return req_fail(q, HTTP_EBADREQUEST,
                        "send {\"message\": RAW TEXT} or {\"message_base64\": BYTES}, with an "
                        "optional \"source\" text");
    guchar *bytes = NULL;
    gsize len = 0;
    const char *raw;
    if (b64) {
        const char *in = json_string_value(b64);
        /* g_base64_decode takes anything; refuse text that is no base64 at all. */
        if (strspn(in, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n") !=
            strlen(in))
            return req_fail(q, HTTP_EBADREQUEST, "message_base64 is not base64");
        bytes = g_base64_decode(in, &len);
        raw = (const char *)bytes;
    } else {
        raw = json_string_value(text);
        len = json_string_length(text);
    }
    json_t *summary = relm_mail_json_new();
    relm_mail_batch_t batch = {relm_mail_json_event, summary, 0, 0, 0, 0, 0, NULL};
    rc = relm_mail_import_message(q->r, raw ? raw : "", raw ? len : 0,
                                  source ? json_string_value(source) : "api", &batch, &q->err);
    g_free(bytes);
    if (rc) {
        json_decref(summary);
        return rc;
    }
    relm_mail_json_counts(summary, &batch);
    q->out = summary;
    return 0;
}

/* The mailbox relm serve fetches (--fetch-mail), for the UI's Fetch mail. */
static int mailbox_get(req_t *q)
{
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 0);
    if (rc)
        return rc;
    const char *url = mail_worker_url();
    q->out = json_pack("{s:o}", "url", url ? json_string(url) : json_null());
    return 0;
}

/* Fetch that mailbox now (administrators): the summary of relm mail fetch --json. */
static int mailbox_fetch(req_t *q)
{
    int rc = req_may(q, RELM_AREA_SETUP, 1);
    if (rc)
        return rc;
    json_t *summary = relm_mail_json_new();
    relm_mail_batch_t batch = {relm_mail_json_event, summary, 0, 0, 0, 0, 0, NULL};
    if ((rc = mail_worker_fetch_now(q->r, &batch, &q->err))) {
        json_decref(summary);
        return rc;
    }
    relm_mail_json_counts(summary, &batch);
    q->out = summary;
    return 0;
}

static int entry_message(req_t *q)
{
    int64_t no;
    int rc = req_may(q, RELM_AREA_INTERACTIONS, 0);
    if (rc || (rc = relm_parse_positive(req_param(q, "entry_no"), "entry no.", &no, &q->err)))
        return rc;
    return relm_mail_entry_message(q->r, no, &q->out, &q->err);
}

void api_mail_routes(void)
{
    router_add("POST", "/api/mail/messages", message_import, NULL);
    router_add("GET", "/api/interactions/{entry_no}/message", entry_message, NULL);
    router_add("GET", "/api/mail/mailbox", mailbox_get, NULL);
    router_add_own_tx("POST", "/api/mail/fetch", mailbox_fetch);
}
