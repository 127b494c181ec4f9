#!/usr/bin/env python3
"""Mail over HTTP: POST /api/mail/messages logs a raw message as the CLI's import does,
answers with the same summary, reports duplicates and unmatched senders, and refuses
missing setup and malformed bodies without writing anything."""
import base64
import os

from lib import SRCDIR, Server, eq, err_code, finish

# The local date of a message depends on the time zone: the server runs in a known one (as
# tests/cli/mail.sh does), not the machine's.
os.environ["TZ"] = "Europe/Oslo"

s = Server()
try:
    ann = s.client("ann")
    admin = s.client("admin")
    count = lambda: s.sql("SELECT count(*) FROM interaction_log_entry")[0][0]
    corpus = os.path.join(SRCDIR, "tests", "mail")
    latin1 = open(os.path.join(corpus, "latin1_inbound.eml"), "rb").read()
    n0 = count()

    # The demo's contact CT000005 gets the address the corpus message comes from.
    r = ann.patch("/api/contacts/CT000005", {"email": "bjorn@kunde.no", "salesperson_code": "AH"})
    eq("the contact takes the corpus sender's address", 200, r.status)

    r = ann.post("/api/mail/messages", {"message_base64": base64.b64encode(latin1).decode()})
    eq("without the setup templates: 422 setup_missing", (422, "setup_missing"),
       (r.status, err_code(r)))
    eq("naming the setting", True, "inbound_email_template_code" in r.body.get("error", {}).get("message", ""))
    eq("nothing written", n0, count())

    r = admin.patch("/api/setup", {"inbound_email_template_code": "INCOMING",
                                   "outbound_email_template_code": "OUTGOING"})
    eq("setup takes the two templates", 200, r.status)

    r = ann.post("/api/mail/messages", {"message_base64": base64.b64encode(latin1).decode(),
                                        "source": "latin1_inbound.eml"})
    eq("a Latin-1 message is logged: 200", 200, r.status)
    eq("the summary counts", (1, 1, 0, 0), tuple(r.body.get(k) for k in
                                                ("messages", "logged", "duplicates", "unmatched")))
    e = r.body["entries"][0]
    eq("the entry as logged", ("CT000005", "Tilbud på kontormøbler", "latin1_inbound.eml"),
       (e["contact_no"], e["subject"], e["source"]))
    eq("stored with the template, the contact's salesperson and the local date",
       [("INCOMING", "AH", "inbound", "them", "2026-03-10", "<tilbud-1@kunde.no>", "base64")],
       s.sql("SELECT e.interaction_template_code, e.salesperson_code, e.information_flow, "
             "e.initiated_by, e.date, e.message_id, a.encoding FROM interaction_log_entry e "
             "JOIN attachment a ON a.attachment_no = e.attachment_no WHERE e.entry_no = ?",
             e["entry_no"]))

    r = ann.post("/api/mail/messages", {"message_base64": base64.b64encode(latin1).decode()})
    eq("the same message again is a duplicate, not an error", (200, 1, 0),
       (r.status, r.body.get("duplicates"), r.body.get("logged")))
    eq("naming the entry holding it", e["entry_no"], r.body["duplicate_messages"][0]["entry_no"])

    r = ann.get("/api/mail/mailbox")
    eq("without --fetch-mail relm serve names no mailbox", (200, None), (r.status, r.body.get("url")))
    eq("a user may not fetch the mailbox", 403, ann.post("/api/mail/fetch").status)
    r = admin.post("/api/mail/fetch")
    eq("an administrator is told there is no mailbox to fetch", (422, "validation"),
       (r.status, err_code(r)))
    eq("naming --fetch-mail", True, "--fetch-mail" in r.body["error"]["message"])

    r = ann.get("/api/interactions/%d/message" % e["entry_no"])
    eq("the kept message reads as sender, subject and text", (200, "Tilbud på kontormøbler", True, True),
       (r.status, r.body.get("subject"), "bjorn@kunde.no" in r.body.get("from", "").lower(),
        "kontormøbler til Ålesund" in r.body.get("text", "")))
    eq("with its attachments listed", [], r.body.get("attachments"))
    plain = ann.post("/api/interactions", {"contact_no": "CT000001",
                                           "interaction_template_code": "OUTGOING"}).body["entry_no"]
    n0 += 1  # that entry is no mail
    r = ann.get("/api/interactions/%d/message" % plain)
    eq("an entry without a kept message is 404", (404, "not_found"), (r.status, err_code(r)))
    eq("an unknown entry is 404", 404, ann.get("/api/interactions/999999/message").status)
    eq("a bad entry no. is refused", 400, ann.get("/api/interactions/x/message").status)

    r = ann.post("/api/mail/messages", {"message": open(os.path.join(corpus, "unmatched.eml"),
                                                         encoding="utf-8").read()})
    eq("an unknown sender is unmatched with a reason", (200, 1),
       (r.status, r.body.get("unmatched")))
    eq("the reason names the address", True,
       "stranger@nowhere.example" in r.body["unmatched_messages"][0]["reason"])
    eq("one entry in all", n0 + 1, count())

    for body, what in (({}, "no message"), ({"message": "x", "message_base64": "eA=="}, "both"),
                       ({"message": 5}, "not text"), ({"message_base64": "!!"}, "no base64")):
        r = ann.post("/api/mail/messages", body)
        eq("a body with %s is 400" % what, 400, r.status)
    eq("refusals write nothing", n0 + 1, count())
finally:
    s.stop()
finish()
