#!/usr/bin/env python3
"""Interactions over HTTP: the Create Interaction dialog (prepare, create, postpone,
resume), the log (list with cursors, cancel, evaluate, delete), and refused input."""
import urllib.parse

from lib import Server, check, eq, err_code, finish

s = Server()
try:
    ann = s.client("ann")

    def rows(where, *params):
        return s.sql("SELECT entry_no, postponed, canceled, user_id, interaction_template_code "
                     "FROM interaction_log_entry WHERE " + where, *params)

    # Prepare fills the dialog's defaults and writes nothing.
    r = ann.post("/api/interactions/prepare",
                 {"contact_no": "CT000001", "interaction_template_code": "OUTGOING"})
    eq("prepare is 200", 200, r.status)
    eq("the salesperson defaults to the contact's", "JO", r.body.get("salesperson_code"))
    eq("the description comes from the template", "Outgoing call", r.body.get("description"))
    eq("the date defaults to the work date", "2026-03-15", r.body.get("date"))
    eq("prepare writes nothing", [], rows("1 = 1"))

    # Create.
    r = ann.post("/api/interactions", {"contact_no": "CT000001",
                                       "interaction_template_code": "OUTGOING",
                                       "subject": "Price list"})
    eq("POST /api/interactions is 201", 201, r.status)
    e1 = r.body.get("entry_no")
    created = r.body
    eq("the cost comes from the template", "0.50", r.body.get("cost"))
    eq("Location names the entry", "/api/interactions/%s" % e1, r.headers.get("Location"))
    eq("the entry is written with the signed-in user as user_id", [(e1, 0, 0, "ann", "OUTGOING")],
       rows("entry_no = ?", e1))
    r = ann.get("/api/interactions/%s" % e1)
    eq("GET /api/interactions/{entry_no}", "Price list", r.body.get("subject"))
    eq("the create reply (not read back) is the entry as GET reads it", r.body, created)
    r = ann.post("/api/interactions", {"contact_no": "CT000001",
                                       "interaction_template_code": "OUTGOING",
                                       "comments": ["First", "Second"]})
    created = r.body
    r = ann.get("/api/interactions/%s" % created.get("entry_no"))
    eq("with comment lines, the create reply is the entry as GET reads it", r.body, created)
    eq("and holds the comment lines", ["First", "Second"],
       [c["comment"] for c in created.get("comments", [])])
    s.sql("DELETE FROM interaction_comment WHERE entry_no = ?", created.get("entry_no"))
    s.sql("DELETE FROM interaction_log_entry WHERE entry_no = ?", created.get("entry_no"))
    r = ann.get("/api/contacts/CT000001/statistics")
    eq("the contact's statistics count it", 1, r.body.get("no_of_interactions"))

    # Create from an existing entry: contact and salesperson are taken from it.
    r = ann.post("/api/interactions/prepare", {"from_entry_no": e1,
                                               "interaction_template_code": "INCOMING"})
    eq("prepare from an entry takes its contact", "CT000001", r.body.get("contact_no"))
    r = ann.post("/api/interactions", {"from_entry_no": e1,
                                       "interaction_template_code": "ABSTRACT"})
    eq("create from an entry is 201", 201, r.status)
    e2 = r.body.get("entry_no")
    eq("with the entry's salesperson", "JO", r.body.get("salesperson_code"))

    # Refused creates write nothing.
    n = s.sql("SELECT count(*) FROM interaction_log_entry")[0][0]
    r = ann.post("/api/interactions", {"contact_no": "CT000001"})
    eq("without a template: 422 missing_template", (422, "missing_template"),
       (r.status, err_code(r)))
    r = ann.post("/api/interactions", {"contact_no": "NOPE", "interaction_template_code": "OUTGOING"})
    eq("an unknown contact is 404", 404, r.status)
    r = ann.post("/api/interactions", {"contact_no": "CT000004",
                                       "interaction_template_code": "NEWS"})
    eq("e-mail to a contact without an address: 422 missing_email", (422, "missing_email"),
       (r.status, err_code(r)))
    r = ann.post("/api/interactions", {"contact_no": "CT000001",
                                       "interaction_template_code": "OUTGOING",
                                       "canceled": True})
    eq("a read-only field is 422", 422, r.status)
    r = ann.post("/api/interactions", {"contact_no": "CT000001",
                                       "interaction_template_code": "OUTGOING",
                                       "subject": "x" * 101})
    eq("a subject over 100 characters is 422", 422, r.status)
    r = ann.request("POST", "/api/interactions", raw=b'{"contact_no": ')
    eq("malformed JSON is 400", 400, r.status)
    eq("no refused create wrote an entry", n,
       s.sql("SELECT count(*) FROM interaction_log_entry")[0][0])

    # Postpone (Cancel -> finish later): the required fields are checked, every default is
    # stored, the e-mail check is skipped and no campaign entry is written.
    r = ann.post("/api/interactions/postpone", {"contact_no": "CT000002", "subject": "Later"})
    eq("postpone without a template: 422 missing_template", (422, "missing_template"),
       (r.status, err_code(r)))
    r = ann.post("/api/interactions/postpone", {"contact_no": "CT000004",
                                                "interaction_template_code": "NEWS",
                                                "subject": "Later",
                                                "comments": ["Call after two"]})
    eq("postpone is 201", 201, r.status)
    p1 = r.body.get("entry_no")
    eq("the entry is postponed", True, r.body.get("postponed"))
    eq("with its comment", ["Call after two"], [c["comment"] for c in r.body.get("comments", [])])
    eq("stored with the defaults and no campaign entry",
       [(1, "Newsletter", "email", "CMP1001", "JO", 0, "2026-03-15")],
       s.sql("SELECT postponed, description, correspondence_type, campaign_no, salesperson_code, "
             "campaign_entry_no, date FROM interaction_log_entry WHERE entry_no = ?", p1))
    eq("no campaign entry written", [(0,)], s.sql("SELECT count(*) FROM campaign_entry"))
    r = ann.post("/api/interactions/postpone", {"entry_no": p1, "subject": "Later still"})
    eq("postponing again updates the same entry", (200, p1), (r.status, r.body.get("entry_no")))
    r = ann.get("/api/interactions?status=postponed&salesperson_code=JO")
    eq("the salesperson's postponed list holds it", [p1], [e["entry_no"] for e in r.body["items"]])
    r = ann.get("/api/interactions?contact_no=CT000004")
    eq("the log leaves postponed entries out", [], r.body["items"])
    r = ann.get("/api/contacts/CT000004")
    eq("the contact counts one postponed interaction", 1,
       r.body["statistics"]["no_of_postponed_interactions"])
    r = ann.post("/api/interactions/%s/resume" % p1, {})
    eq("resuming runs the e-mail check: 422 missing_email", (422, "missing_email"),
       (r.status, err_code(r)))
    eq("and the entry stays postponed", [(p1, 1, 0, "ann", "NEWS")], rows("entry_no = ?", p1))
    r = ann.post("/api/interactions/%s/resume" % p1, {"correspondence_type": "hard_copy"})
    eq("resume is 200", 200, r.status)
    eq("resume keeps the entry no.", p1, r.body.get("entry_no"))
    eq("and the values stored before", "Later still", r.body.get("subject"))
    eq("the entry is no longer postponed", [(p1, 0, 0, "ann", "NEWS")],
       rows("entry_no = ?", p1))
    eq("it joined the campaign's shared campaign entry", [(1, "Interactions")],
       s.sql("SELECT count(*), min(description) FROM campaign_entry"))
    r = ann.post("/api/interactions/postpone", {"contact_no": "CT000003",
                                                "interaction_template_code": "OUTGOING"})
    p2 = r.body.get("entry_no")
    r = ann.delete("/api/interactions/%s" % p1)
    eq("a finished entry cannot be deleted", 409, r.status)
    r = ann.delete("/api/interactions/%s" % p2)
    eq("DELETE of a postponed entry is 204", 204, r.status)
    eq("the entry is gone", [], rows("entry_no = ?", p2))

    # Comment lines: with the entry, added and deleted later.
    r = ann.post("/api/interactions", {"contact_no": "CT000003",
                                       "interaction_template_code": "OUTGOING",
                                       "comments": ["Asked for prices", "Call in May"]})
    eq("create with comments is 201", 201, r.status)
    c1 = r.body.get("entry_no")
    eq("the reply lists them", [(10000, "Asked for prices"), (20000, "Call in May")],
       [(c["line_no"], c["comment"]) for c in r.body.get("comments", [])])
    r = ann.post("/api/interactions/%s/comments" % c1, {"comment": "Sent the offer",
                                                        "date": "2026-03-20"})
    eq("POST a comment is 201", (201, 30000, "2026-03-20"),
       (r.status, r.body.get("line_no"), r.body.get("date")))
    r = ann.delete("/api/interactions/%s/comments/20000" % c1)
    eq("DELETE a comment is 204", 204, r.status)
    r = ann.get("/api/interactions/%s/comments" % c1)
    eq("GET the comments", [10000, 30000], [c["line_no"] for c in r.body["items"]])
    r = ann.get("/api/interactions/%s" % c1)
    eq("GET the entry includes them", [10000, 30000], [c["line_no"] for c in r.body["comments"]])
    eq("stored", [(2,)], s.sql("SELECT count(*) FROM interaction_comment WHERE entry_no = ?", c1))
    r = ann.post("/api/interactions/%s/comments" % c1, {"comment": "x" * 81})
    eq("a comment over 80 characters is 422", 422, r.status)
    r = ann.delete("/api/interactions/%s/comments/20000" % c1)
    eq("deleting it again is 404", 404, r.status)
    r = ann.post("/api/interactions/999999/comments", {"comment": "x"})
    eq("a comment on an unknown entry is 404", 404, r.status)
    n = s.sql("SELECT count(*) FROM interaction_log_entry")[0][0]
    r = ann.post("/api/interactions", {"contact_no": "CT000003",
                                       "interaction_template_code": "OUTGOING",
                                       "comments": ["fine", "y" * 81]})
    eq("a bad comment refuses the whole create", (422, n),
       (r.status, s.sql("SELECT count(*) FROM interaction_log_entry")[0][0]))
    r = ann.post("/api/interactions", {"contact_no": "CT000003",
                                       "interaction_template_code": "OUTGOING", "comments": "x"})
    eq("comments must be an array", 400, r.status)
    ann.post("/api/interactions/cancel", {"entry_nos": [c1]})
    r = ann.delete("/api/interactions/%s" % c1)
    eq("deleting the entry deletes its comments", (204, [(0,)]),
       (r.status, s.sql("SELECT count(*) FROM interaction_comment WHERE entry_no = ?", c1)))

    # Cancel toggles; evaluate; delete canceled.
    r = ann.post("/api/interactions/cancel", {"entry_nos": [e1, e2]})
    eq("cancel is 200", 200, r.status)
    eq("both entries are canceled", [(1,), (1,)],
       s.sql("SELECT canceled FROM interaction_log_entry WHERE entry_no IN (?, ?)", e1, e2))
    r = ann.get("/api/contacts/CT000001/statistics")
    eq("canceled entries drop out of the statistics", 0, r.body.get("no_of_interactions"))
    r = ann.get("/api/interactions?status=active&limit=500")
    eq("status=active leaves the canceled entries out", sorted(
        x[0] for x in s.sql("SELECT entry_no FROM interaction_log_entry "
                            "WHERE canceled = 0 AND postponed = 0")),
       sorted(e["entry_no"] for e in r.body.get("items", [])))
    eq("status=active lists neither canceled entry", [], [e["entry_no"] for e in r.body["items"]
                                                          if e["entry_no"] in (e1, e2)])
    r = ann.get("/api/interactions?status=all&limit=500")
    eq("status=all lists the canceled entries too", 2,
       len([e for e in r.body["items"] if e["entry_no"] in (e1, e2)]))
    r = ann.post("/api/interactions/cancel", {"entry_nos": [e2]})
    eq("cancel again undoes the cancel", [(0,)],
       s.sql("SELECT canceled FROM interaction_log_entry WHERE entry_no = ?", e2))
    r = ann.post("/api/interactions/cancel", {"entry_nos": ["x"]})
    eq("cancel with bad entry numbers is 400", 400, r.status)
    r = ann.post("/api/interactions/cancel", {"entry_nos": [e2, 999999]})
    eq("cancel with an unknown entry is refused", 404, r.status)
    eq("and toggles nothing (all or nothing)", [(0,)],
       s.sql("SELECT canceled FROM interaction_log_entry WHERE entry_no = ?", e2))
    r = ann.post("/api/interactions/%s/evaluate" % e2,
                 {"evaluation": "positive", "attempt_failed": True})
    eq("evaluate is 200", ("positive", True),
       (r.body.get("evaluation"), r.body.get("attempt_failed")))
    r = ann.post("/api/interactions/%s/evaluate" % e2, {"evaluation": "great"})
    eq("an unknown evaluation is 422", 422, r.status)
    r = ann.post("/api/interactions/delete-canceled", {"dry_run": True})
    eq("a dry run counts and deletes nothing", (200, 1, True, [(e1, 0, 1, "ann", "OUTGOING")]),
       (r.status, r.body.get("would_delete"), r.body.get("dry_run"), rows("entry_no = ?", e1)))
    r = ann.post("/api/interactions/delete-canceled", {"interaction_template_code": "ABSTRACT"})
    eq("filters that match nothing delete nothing", 0, r.body.get("deleted"))
    r = ann.post("/api/interactions/delete-canceled", {"from": "2026-13-01"})
    eq("a bad date is 422", 422, r.status)
    r = ann.post("/api/interactions/delete-canceled", {"entry_no_from": "x"})
    eq("a bad entry no. is 400", 400, r.status)
    r = ann.post("/api/interactions/delete-canceled",
                 {"entry_no_from": e1, "entry_no_to": e1, "contact_no": "CT000001",
                  "from": "2026-03-15", "to": "2026-03-15", "salesperson_code": "JO",
                  "interaction_group_code": "PHONE", "interaction_template_code": "OUTGOING"})
    eq("delete-canceled with every filter reports the count", 1, r.body.get("deleted"))
    eq("the canceled entry is gone", [], rows("entry_no = ?", e1))

    # Cursor paging: newest first, every entry once.
    for i in range(7):
        ann.post("/api/interactions", {"contact_no": "CT000003",
                                       "interaction_template_code": "OUTGOING",
                                       "date": "2026-03-%02d" % (i + 1), "time": "10:00:00"})
    seen, cursor, pages = [], None, 0
    while pages < 50:
        r = ann.get("/api/interactions?contact_no=CT000003&limit=3" +
                    ("&after=" + cursor if cursor else ""))
        if r.status != 200:
            break
        seen += [(e["date"], e["entry_no"]) for e in r.body["items"]]
        cursor = r.body.get("next_cursor")
        pages += 1
        if not cursor:
            break
    eq("paging with cursors visits all 7 entries once", 7, len(set(seen)))
    eq("newest first", sorted(seen, reverse=True), seen)
    eq("in 3 pages", 3, pages)
    r = ann.get("/api/interactions?after=garbage")
    eq("a malformed cursor is 400", 400, r.status)
    # ?sort=FIELD[:desc]: pages of 3 by cost, highest first; the cursor carries the key.
    want = [n for (n,) in s.sql("SELECT entry_no FROM interaction_log_entry WHERE postponed = 0 "
                                "ORDER BY cost DESC, entry_no DESC")]
    seen, cursor, pages = [], None, 0
    while pages < 50:
        r = ann.get("/api/interactions?sort=cost:desc&limit=3" +
                    ("&after=" + urllib.parse.quote(cursor) if cursor else ""))
        if r.status != 200:
            break
        seen += [e["entry_no"] for e in r.body["items"]]
        cursor = r.body.get("next_cursor")
        pages += 1
        if not cursor:
            break
    eq("sorted by cost, highest first, every entry once over the pages", want, seen)
    r = ann.get("/api/interactions?sort=contact_name&limit=500")
    want = [n for (n,) in s.sql("SELECT e.entry_no FROM interaction_log_entry e LEFT JOIN contact c "
                                "ON c.no = e.contact_no WHERE e.postponed = 0 "
                                "ORDER BY COALESCE(c.name, ''), e.entry_no")]
    eq("sorted by the contact's name", want, [e["entry_no"] for e in r.body["items"]])
    r = ann.get("/api/interactions?sort=" + urllib.parse.quote("cost; DROP TABLE contact"))
    eq("an unknown sort field is 422", 422, r.status)
    check("the error names the sort", "sort" in r.body["error"]["message"], r.body)
    r = ann.get("/api/interactions?sort=cost:sideways")
    eq("a bad direction is 422", 422, r.status)
    (name,), = s.sql("SELECT name FROM contact WHERE no = 'CT000003'")
    r = ann.get("/api/interactions?limit=500&q=" + urllib.parse.quote(name.upper()))
    eq("?q searches the contact's name, ignoring case",
       s.sql("SELECT count(*) FROM interaction_log_entry WHERE contact_no = 'CT000003' "
             "AND postponed = 0")[0][0], len(r.body["items"]))
    (waiting,), = s.sql("SELECT max(entry_no) FROM interaction_log_entry "
                        "WHERE canceled = 0 AND postponed = 0")
    s.sql("UPDATE interaction_log_entry SET delivery_status = 'in_progress' WHERE entry_no = ?",
          waiting)
    r = ann.get("/api/interactions?status=outbox")
    eq("?status=outbox lists the e-mails waiting, being sent or failed", [waiting],
       [e["entry_no"] for e in r.body["items"]])
    s.sql("UPDATE interaction_log_entry SET delivery_status = '' WHERE entry_no = ?", waiting)
    r = ann.get("/api/interactions?status=whatever")
    eq("an unknown status is 400", 400, r.status)
    r = ann.get("/api/interactions?salesperson_code=BD")
    check("the log filters by salesperson",
          r.body["items"] and all(e["salesperson_code"] == "BD" for e in r.body["items"]), r.body)
    eq("a list is an object with items and next_cursor", ["items", "next_cursor"],
       sorted(ann.get("/api/interactions?limit=1").body.keys()))

    # The signed-in user's account salesperson wins over the contact's; setup is no fallback.
    s.cli("user", "update", "ann", "--salesperson-code", "AH")
    r = ann.post("/api/interactions", {"contact_no": "CT000001",
                                       "interaction_template_code": "OUTGOING"})
    eq("the account's salesperson, not the contact's JO", (201, "AH"),
       (r.status, r.body.get("salesperson_code")))
    s.cli("user", "update", "ann", "--salesperson-code", "")
    s.sql("UPDATE contact SET salesperson_code = '' WHERE no = 'CT000004'")
    s.sql("UPDATE contact SET correspondence_type = '' WHERE no = 'CT000003'")
    s.sql("INSERT INTO interaction_template (code, interaction_group_code, description) "
          "VALUES ('NODESC', 'PHONE', '')")
    r = ann.post("/api/interactions", {"contact_no": "CT000004",
                                       "interaction_template_code": "OUTGOING"})
    eq("no salesperson anywhere: 422 missing_salesperson", (422, "missing_salesperson"),
       (r.status, err_code(r)))
    r = ann.post("/api/interactions", {"contact_no": "CT000001",
                                       "interaction_template_code": "NODESC"})
    check("a template without description: 422 naming description",
          r.status == 422 and "description" in r.body.get("error", {}).get("message", ""), r.body)
    r = ann.post("/api/interactions", {"contact_no": "CT000003",
                                       "interaction_template_code": "OUTGOING"})
    eq("contact and template without one: blank, not setup's e-mail", (201, ""),
       (r.status, r.body.get("correspondence_type")))

    # Single interactions of a campaign share one campaign entry; cancel toggles only the
    # entry; undo-cancel is refused while the campaign entry is canceled.
    r = ann.post("/api/interactions", {"contact_no": "CT000007",
                                       "interaction_template_code": "NEWS"})
    k1 = r.body.get("entry_no")
    eq("a second NEWS interaction joins the shared campaign entry",
       [(1, 2)], s.sql("SELECT count(DISTINCT campaign_entry_no), count(*) FROM "
                       "interaction_log_entry WHERE campaign_no = 'CMP1001'"))
    r = ann.post("/api/interactions/cancel", {"entry_nos": [k1]})
    eq("canceling the entry leaves the campaign entry alone", (200, [(0,)]),
       (r.status, s.sql("SELECT canceled FROM campaign_entry")))
    s.sql("UPDATE campaign_entry SET canceled = 1")
    r = ann.post("/api/interactions/cancel", {"entry_nos": [k1]})
    check("undo-cancel while the campaign entry is canceled: 422 naming both",
          r.status == 422 and "campaign entry 1" in r.body["error"]["message"]
          and str(k1) in r.body["error"]["message"], r.body)
    eq("and the entry stays canceled", [(1,)],
       s.sql("SELECT canceled FROM interaction_log_entry WHERE entry_no = ?", k1))

    # Statistics: last_date_attempted counts only what we initiated.
    ann.post("/api/interactions", {"contact_no": "CT000009", "interaction_template_code":
                                   "OUTGOING", "date": "2026-03-02"})
    ann.post("/api/interactions", {"contact_no": "CT000009", "interaction_template_code":
                                   "INCOMING", "date": "2026-03-09"})
    r = ann.get("/api/contacts/CT000009/statistics")
    eq("date_of_last_interaction is theirs, last_date_attempted ours",
       ("2026-03-09", "2026-03-02"),
       (r.body.get("date_of_last_interaction"), r.body.get("last_date_attempted")))
finally:
    s.stop()
finish()
