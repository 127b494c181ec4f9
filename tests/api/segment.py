#!/usr/bin/env python3
"""Segments over HTTP: header, lines and personalisation, criteria with undo/redo, saved
criteria, logging with follow-up, logged segments (cancel, delete, reuse), refused input, and two
clients logging the same segment at once (exactly one wins, the other gets 409)."""
import json
import threading

from lib import Server, check, eq, err_code, finish

s = Server()


def sql_exec(query):
    """Change the test database directly (committed)."""
    s.sql(query)


try:
    ann = s.client("ann")

    def lines(no):
        return s.sql("SELECT contact_no, interaction_template_code, personalised FROM segment_line "
                     "WHERE segment_no = ? ORDER BY line_no", no)

    # Header.
    r = ann.post("/api/segments", {"description": "Spring mailing",
                                   "interaction_template_code": "ABSTRACT"})
    eq("POST /api/segments is 201", 201, r.status)
    no = r.body.get("no", "")
    check("numbered from the segment series", no.startswith("SEG"), no)
    eq("the Interaction section comes from the template", "2.50", r.body.get("unit_cost"))
    eq("GET /api/segments/{no}", "Spring mailing", ann.get("/api/segments/" + no).body["description"])
    r = ann.get("/api/segments")
    eq("GET /api/segments lists it", [no], [x["no"] for x in r.body["items"]])

    # Criteria steps with undo / redo.
    r = ann.post("/api/segments/%s/add-contacts" % no, {"where": ["country_code=GB"]})
    eq("add-contacts is 200", 200, r.status)
    added = r.body.get("lines_added")
    check("add-contacts adds the matching contacts", added and added >= 2, r.body)
    eq("the header counts the lines", added, r.body.get("no_of_lines"))
    r = ann.post("/api/segments/%s/refine" % no, {"where": ["type=company"]})
    eq("refine keeps only companies", True,
       all(c.startswith("CT") for c, _, _ in lines(no)) and r.body["no_of_lines"] < added)
    after_refine = lines(no)
    r = ann.post("/api/segments/%s/undo" % no)
    eq("undo restores the removed lines", added, r.body.get("no_of_lines"))
    r = ann.post("/api/segments/%s/redo" % no)
    eq("redo applies the refine again", after_refine, lines(no))
    r = ann.post("/api/segments/%s/reduce" % no, {"where": ["city=Cambridge"]})
    eq("reduce removes the matching lines", 0,
       s.sql("SELECT count(*) FROM segment_line sl JOIN contact c ON c.no = sl.contact_no "
             "WHERE sl.segment_no = ? AND c.city = 'Cambridge'", no)[0][0])
    r = ann.get("/api/segments/%s/steps" % no)
    eq("GET steps lists the steps", ["add", "refine", "reduce"], [x["action"] for x in r.body["items"]])
    r = ann.post("/api/segments/%s/undo" % no)
    r = ann.post("/api/segments/%s/undo" % no)
    r = ann.post("/api/segments/%s/undo" % no)
    r = ann.post("/api/segments/%s/undo" % no)
    eq("undo with nothing left to undo is 404", 404, r.status)
    ann.post("/api/segments/%s/redo" % no)

    # Lines: add one, personalise, header changes skip personalised lines.
    r = ann.post("/api/segments/%s/lines" % no, {"contact_no": "CT000002"})
    eq("POST lines adds a contact", 201, r.status)
    line = r.body.get("line_no")
    r = ann.post("/api/segments/%s/lines" % no, {"contact_no": "CT000002"})
    eq("adding the same contact again keeps one line", 1,
       s.sql("SELECT count(*) FROM segment_line WHERE segment_no = ? AND contact_no = 'CT000002'",
             no)[0][0])
    r = ann.patch("/api/segments/%s/lines/%s" % (no, line), {"interaction_template_code": "COVERLTR"})
    eq("PATCH a line personalises it", (True, "COVERLTR"),
       (r.body.get("personalised"), r.body.get("interaction_template_code")))
    eq("GET a line", "CT000002", ann.get("/api/segments/%s/lines/%s" % (no, line)).body["contact_no"])
    r = ann.patch("/api/segments/" + no, {"interaction_template_code": "OUTGOING"})
    eq("PATCH the header", "OUTGOING", r.body.get("interaction_template_code"))
    tpl = dict((c, t) for c, t, _ in lines(no))
    eq("the personalised line keeps its template", "COVERLTR", tpl["CT000002"])
    check("the other lines take the header's template",
          all(t == "OUTGOING" for c, t in tpl.items() if c != "CT000002"), tpl)
    r = ann.get("/api/segments/%s/lines?limit=1" % no)
    check("lines page with a cursor", r.body["next_cursor"] is not None, r.body)
    r2 = ann.get("/api/segments/%s/lines?limit=100&after=%s" % (no, r.body["next_cursor"]))
    eq("the second page holds the rest", len(lines(no)) - 1, len(r2.body["items"]))

    # Saved criteria replayed on another segment.
    r = ann.post("/api/segments/%s/save-criteria" % no, {"code": "gbco", "description": "GB"})
    eq("save-criteria is 201", 201, r.status)
    other = ann.post("/api/segments", {"description": "Other"}).body["no"]
    r = ann.post("/api/segments/%s/reuse-criteria" % other, {"code": "GBCO"})
    eq("reuse-criteria replays the steps", 200, r.status)
    check("onto the other segment", r.body.get("no_of_lines", 0) > 0, r.body)
    first = ann.get("/api/segments?limit=1")
    eq("segments page one at a time", 1, len(first.body["items"]))
    check("a cursor follows the first of two segments", first.body["next_cursor"], first.body)
    rest = ann.get("/api/segments?after=%s" % first.body["next_cursor"])
    check("the next page of segments starts after the cursor",
          [x["no"] for x in rest.body["items"]] == [other], rest.body)
    r = ann.get("/api/segments?where=description%3DOther")
    eq("?where keeps only the matching segments", [other], [x["no"] for x in r.body["items"]])
    check("with their line counts", r.body["items"][0]["no_of_lines"] > 0, r.body)
    r = ann.get("/api/segments?where=description~SPRING&where=no!%3D" + other)
    eq("several filters all apply (~ ignores case)", [no], [x["no"] for x in r.body["items"]])
    r = ann.get("/api/segments?where=description!%3Dnone&limit=1")
    eq("a filtered list pages by ?limit", ([no], True),
       ([x["no"] for x in r.body["items"]], bool(r.body["next_cursor"])))
    r = ann.get("/api/segments?where=description!%3Dnone&after=" + r.body["next_cursor"])
    eq("and ?after", [other], [x["no"] for x in r.body["items"]])
    r = ann.get("/api/segments?where=no_of_lines>0")
    eq("a filter on a computed count is 422", (422, "validation"), (r.status, err_code(r)))
    r = ann.get("/api/segments?where=nosuchfield=1")
    eq("a filter on an unknown field is 422", 422, r.status)
    eq("DELETE /api/criteria/{code}", 204, ann.delete("/api/criteria/GBCO").status)
    r = ann.delete("/api/segments/%s/lines/%s" % (other, 10000))
    eq("DELETE a line", 204, r.status)

    # Refused input changes nothing.
    before = lines(no)
    r = ann.post("/api/segments/%s/add-contacts" % no, {"where": ["nosuchfield=1"]})
    eq("a filter on an unknown field is 422", 422, r.status)
    r = ann.post("/api/segments/%s/add-contacts" % no, {"where": "city=Oslo"})
    eq("where that is not a list is 400", 400, r.status)
    r = ann.post("/api/segments/%s/add-contacts" % no, {"bogus": True})
    eq("an unknown criteria member is 422", 422, r.status)
    r = ann.request("POST", "/api/segments/%s/add-contacts" % no, raw=b"{")
    eq("malformed JSON is 400", 400, r.status)
    eq("no refused step changed the lines", before, lines(no))
    empty = ann.post("/api/segments", {"description": "Empty"}).body["no"]
    r = ann.post("/api/segments/%s/log" % empty, {})
    eq("logging an empty segment is 422 segment_empty", (422, "segment_empty"),
       (r.status, err_code(r)))
    eq("and nothing was logged", 0, s.sql("SELECT count(*) FROM logged_segment")[0][0])
    eq("DELETE /api/segments/{no}", 204, ann.delete("/api/segments/" + empty).status)

    # Log with follow-up.
    r = ann.get("/api/segments/%s/log-progress" % no)
    eq("log-progress outside a log", False, r.body.get("logging"))
    n = len(lines(no))
    r = ann.post("/api/segments/%s/log" % no, {"follow_up": True})
    eq("log is 200", 200, r.status)
    eq("one entry per line", n, r.body.get("entries"))
    entry = r.body.get("logged_segment_entry_no")
    fu = r.body.get("follow_up_no")
    check("a follow-up segment was created", bool(fu), r.body)
    eq("the logged segment records the signed-in user", [("ann",)],
       s.sql("SELECT user_id FROM logged_segment WHERE entry_no = ?", entry))
    eq("so do its entries", [("ann",)] * n,
       s.sql("SELECT user_id FROM interaction_log_entry WHERE logged_segment_entry_no = ?", entry))
    eq("the logged segment is gone from the segments", 404, ann.get("/api/segments/" + no).status)
    eq("the follow-up holds the same contacts", sorted(c for c, _, _ in before),
       sorted(c for c, _, _ in lines(fu)))
    r = ann.get("/api/logged-segments")
    eq("GET /api/logged-segments", [entry], [x["entry_no"] for x in r.body["items"]])
    r = ann.get("/api/logged-segments?after=%s" % entry)
    eq("nothing is older than the only logged segment", [], r.body["items"])
    r = ann.get("/api/logged-segments/%s" % entry)
    eq("GET /api/logged-segments/{entry_no}", n, r.body.get("no_of_interactions"))
    r = ann.get("/api/interactions?logged_segment_entry_no=%s&limit=500" % entry)
    eq("the log lists the segment's entries", n, len(r.body["items"]))

    # Cancel toggles the logged segment and its entries; reuse makes a new segment.
    r = ann.post("/api/logged-segments/%s/cancel" % entry)
    eq("cancel is 200 and canceled", True, r.body.get("canceled"))
    eq("every entry is canceled", [(n,)],
       s.sql("SELECT count(*) FROM interaction_log_entry WHERE logged_segment_entry_no = ? "
             "AND canceled = 1", entry))
    r = ann.post("/api/logged-segments/%s/cancel" % entry)
    eq("cancel again undoes it", False, r.body.get("canceled"))
    r = ann.post("/api/logged-segments/%s/reuse" % entry, {})
    eq("reuse is 201", 201, r.status)
    eq("the new segment holds the contacts", n, r.body.get("no_of_lines"))
    r = ann.post("/api/logged-segments/%s/reuse" % entry, {"evaluation": "very_positive"})
    eq("reuse filtered by evaluation takes only matching entries", 0, r.body.get("no_of_lines"))

    # Counts follow the logged segment's own state; only a canceled one can be deleted.
    s.sql("UPDATE interaction_log_entry SET canceled = 1 WHERE entry_no = (SELECT min(entry_no) "
          "FROM interaction_log_entry WHERE logged_segment_entry_no = ?)", entry)
    r = ann.get("/api/logged-segments/%s" % entry)
    eq("an active logged segment counts its entries that are not canceled", n - 1,
       r.body.get("no_of_interactions"))
    r = ann.delete("/api/logged-segments/%s" % entry)
    eq("DELETE of a logged segment that is not canceled is 409 in_use", (409, "in_use"),
       (r.status, err_code(r)))
    eq("and it stays", 1, s.sql("SELECT count(*) FROM logged_segment WHERE entry_no = ?", entry)[0][0])
    r = ann.post("/api/logged-segments/%s/cancel" % entry)
    eq("a canceled logged segment counts its canceled entries", n, r.body.get("no_of_interactions"))
    r = ann.delete("/api/logged-segments/%s" % entry)
    eq("DELETE /api/logged-segments/{entry_no}", (200, n), (r.status, r.body.get("entries_kept")))
    eq("the logged segment is gone", 404, ann.get("/api/logged-segments/%s" % entry).status)
    eq("its entries stay, detached", [(n,)],
       s.sql("SELECT count(*) FROM interaction_log_entry WHERE segment_no = ? "
             "AND logged_segment_entry_no = 0", no))
    eq("DELETE /api/logged-segments/abc is 400", 400, ann.delete("/api/logged-segments/abc").status)

    # Deliver: every line with a correspondence type needs a body and goes to the outbox.
    s.sql("UPDATE interaction_template SET attachment = '' WHERE code = 'COVERLTR'")
    s.sql("DELETE FROM interaction_template_language WHERE template_code = 'COVERLTR'")
    dlv = ann.post("/api/segments", {"description": "Deliver",
                                     "interaction_template_code": "COVERLTR"}).body["no"]
    for c in ("CT000005", "CT000009"):
        ann.post("/api/segments/%s/lines" % dlv, {"contact_no": c})
    r = ann.post("/api/segments/%s/log" % dlv, {"deliver": True})
    eq("deliver without an attachment body is 422 validation", (422, "validation"),
       (r.status, err_code(r)))
    check("naming the line and the template",
          "line 10000: interaction template COVERLTR has no attachment" in
          r.body["error"]["message"], r.body)
    eq("nothing was logged", 0, s.sql("SELECT count(*) FROM interaction_log_entry "
                                      "WHERE segment_no = ?", dlv)[0][0])
    admin = s.client("admin")
    eq("set the body", 200, admin.put("/api/templates/COVERLTR/attachment",
                                      {"body": "Dear {{contact.name}}"}).status)
    r = ann.post("/api/segments/%s/log" % dlv, {"deliver": True})
    eq("then deliver logs", (200, 2), (r.status, r.body.get("entries")))
    delivered = r.body.get("logged_segment_entry_no")
    eq("every line with a correspondence type is in_progress", [("hard_copy", "in_progress", 2)],
       s.sql("SELECT correspondence_type, delivery_status, count(*) FROM interaction_log_entry "
             "WHERE segment_no = ? GROUP BY 1, 2", dlv))
    # relm sends no faxes: with deliver a fax line fails at once, saying so.
    s.sql("UPDATE contact SET fax_no = '+47 22 00 00 00' WHERE no = 'CT000009'")
    fax = ann.post("/api/segments", {"description": "Fax",
                                     "interaction_template_code": "COVERLTR"}).body["no"]
    ann.post("/api/segments/%s/lines" % fax, {"contact_no": "CT000009"})
    eq("make the line a fax", 200, ann.patch("/api/segments/%s/lines/10000" % fax,
                                             {"correspondence_type": "fax"}).status)
    r = ann.post("/api/segments/%s/log" % fax, {"deliver": True})
    eq("deliver logs a fax line as not sent", (200, 1), (r.status, r.body.get("faxes_not_sent")))
    check("and warns that relm does not send faxes",
          "relm does not send faxes" in r.body.get("warning", ""), r.body)
    eq("the fax entry is failed with the reason, not waiting",
       [("fax", "error", "relm does not send faxes")],
       s.sql("SELECT correspondence_type, delivery_status, delivery_error "
             "FROM interaction_log_entry WHERE segment_no = ?", fax))
    fax_ls = r.body.get("logged_segment_entry_no")
    r = ann.get("/api/logged-segments/%s/delivery" % fax_ls)
    eq("GET delivery: the fax failed, no letters wait", (1, 0, 0),
       (r.body.get("failed"), r.body.get("waiting"), r.body.get("letters")))
    r = ann.get("/api/logged-segments/%s/delivery" % delivered)
    eq("GET delivery counts the waiting letters", (2, 2), (r.body.get("waiting"),
                                                           r.body.get("letters")))
    r = ann.get("/api/logged-segments/%s/letters.pdf?mark=true" % delivered)
    eq("printing the letters (mark=true)", 200, r.status)
    r = ann.get("/api/logged-segments/%s/delivery" % delivered)
    eq("then no letters wait: both sent", (0, 0, 2),
       (r.body.get("waiting"), r.body.get("letters"), r.body.get("sent")))

    # Two clients log the same segment at once: exactly one wins, the other gets 409.
    rows = ["type,name,city"] + ["company,Bulk %d,Bulkby" % i for i in range(3000)]
    s.cli("contact", "import", "-", input="\n".join(rows) + "\n")
    # Imported contacts have no salesperson: the header gives the lines one.
    big = ann.post("/api/segments", {"description": "Race", "interaction_template_code": "OUTGOING",
                                     "salesperson_code": "JO"}).body["no"]
    r = ann.post("/api/segments/%s/add-contacts" % big, {"where": ["city=Bulkby"]})
    eq("the race segment has 3000 lines", 3000, r.body.get("no_of_lines"))
    other_client = s.client("admin")
    results = []
    barrier = threading.Barrier(2)

    def log(c):
        barrier.wait()
        results.append(c.post("/api/segments/%s/log" % big, {}))

    threads = [threading.Thread(target=log, args=(c,)) for c in (ann, other_client)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    statuses = sorted(x.status for x in results)
    eq("one log succeeds and the other is 409", [200, 409], statuses)
    eq("the loser's error is conflict", ["conflict"], [err_code(x) for x in results if x.status == 409])
    eq("the segment was logged once", [(1,)],
       s.sql("SELECT count(*) FROM logged_segment WHERE segment_no = ?", big))
    eq("with 3000 entries", [(3000,)],
       s.sql("SELECT count(*) FROM interaction_log_entry WHERE segment_no = ?", big))

    # r2: a new header takes the signed-in user's account salesperson and the work date.
    s.cli("user", "update", "ann", "--salesperson-code", "bd")
    r = ann.post("/api/segments", {"description": "Ann's own"})
    eq("a new segment takes the user's salesperson and today", ("BD", "2026-03-15"),
       (r.body.get("salesperson_code"), r.body.get("date")))
    r = ann.post("/api/segments", {"description": "Given", "salesperson_code": "jo"})
    eq("a salesperson given wins", "JO", r.body.get("salesperson_code"))
    s.cli("user", "update", "ann", "--salesperson-code", "")

    # r2: lines take the header's salesperson, else the contact's; no setup fallback.
    bare = ann.post("/api/segments", {"description": "Bare", "interaction_template_code": "abstract"}).body["no"]
    sql_exec("UPDATE contact SET salesperson_code = '' WHERE no = 'CT000008'")
    r = ann.post("/api/segments/%s/lines" % bare, {"contact_no": "ct000008"})
    eq("a contact without a salesperson gives the line none", "", r.body.get("salesperson_code"))
    line = r.body.get("line_no")

    # r2: a typed description stays when the line's template changes.
    r = ann.patch("/api/segments/%s/lines/%s" % (bare, line), {"interaction_template_code": "coverltr"})
    eq("an untyped description follows the template", ("Cover letter", False),
       (r.body.get("description"), r.body.get("description_typed")))
    ann.patch("/api/segments/%s/lines/%s" % (bare, line), {"description": "Ola's letter"})
    r = ann.patch("/api/segments/%s/lines/%s" % (bare, line), {"interaction_template_code": "abstract"})
    eq("a typed description stays", ("ABSTRACT", "Ola's letter", True),
       (r.body.get("interaction_template_code"), r.body.get("description"),
        r.body.get("description_typed")))

    # r2: adding and removing a line by hand are criteria steps.
    r = ann.get("/api/segments/" + bare)
    eq("the hand add is a step", 1, r.body.get("no_of_criteria_actions"))
    eq("DELETE the line", 204, ann.delete("/api/segments/%s/lines/%s" % (bare, line)).status)
    r = ann.post("/api/segments/%s/undo" % bare)
    eq("undo brings the line back exactly", (1, 1, [("Ola's letter", 1)]),
       (r.body.get("no_of_lines"), r.body.get("no_of_criteria_actions"),
        s.sql("SELECT description, description_typed FROM segment_line WHERE segment_no = ?", bare)))
    r = ann.post("/api/segments/%s/undo" % bare)
    eq("undo of the hand add empties the segment", 0, r.body.get("no_of_lines"))
    r = ann.post("/api/segments/%s/redo" % bare)
    eq("redo adds it again", 1, r.body.get("no_of_lines"))

    # r2: criteria options with the ERP's meanings.
    opt = ann.post("/api/segments", {"description": "Options"}).body["no"]

    def contacts(no):
        return [c for (c,) in s.sql("SELECT contact_no FROM segment_line WHERE segment_no = ? "
                                    "ORDER BY contact_no", no)]

    r = ann.post("/api/segments/%s/add-contacts" % opt,
                 {"where": ["no=ct000005"], "expand_company": True})
    eq("expand_company: a person brings its company and colleagues",
       ["CT000001", "CT000005", "CT000006"], contacts(opt))
    r = ann.post("/api/segments/%s/add-contacts" % opt,
                 {"where": ["city=Oslo", "type=person"], "allow_related_companies": True})
    eq("allow_related_companies: the persons' company comes too", 3, r.body.get("lines_added"))
    r = ann.post("/api/segments/%s/add-contacts" % opt,
                 {"where": ["city=Oslo"], "allow_company_with_persons": True})
    eq("r1's option name is refused", (422, "validation"), (r.status, err_code(r)))
    r = ann.post("/api/segments/%s/reduce" % opt, {"where": ["no=CT000007"], "entire_companies": True})
    eq("reduce with entire_companies removes the company's lines", 3, r.body.get("lines_removed"))
    r = ann.post("/api/segments/%s/refine" % opt, {"where": ["name~mark"], "entire_companies": True})
    eq("refine with entire_companies keeps the company's lines", (0, 3),
       (r.body.get("lines_removed"), r.body.get("no_of_lines")))
    r = ann.post("/api/segments/%s/reduce" % opt, {"where": ["no=CT000005"], "expand_company": True})
    eq("an add option on reduce is 422", 422, r.status)
    r = ann.post("/api/segments/%s/add-contacts" % opt, {"entire_companies": True})
    eq("entire_companies on add is 422", 422, r.status)
    r = ann.get("/api/segments/%s/steps" % opt)
    eq("the steps record their options",
       [{"expand_company": True}, {"allow_related_companies": True}, {"entire_companies": True},
        {"entire_companies": True}],
       [json.loads(x["options"]) for x in r.body["items"]])

    # Codes in criteria are normalised by the library, as on the command line.
    sql_exec("INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, date, "
               "interaction_template_code, salesperson_code, evaluation) VALUES "
               "(9001, 'CT000009', 'CT000003', '2026-02-01', 'NEWS', 'BD', 'positive')")
    hist = ann.post("/api/segments", {"description": "History"}).body["no"]
    r = ann.post("/api/segments/%s/add-contacts" % hist,
                 {"interaction_template_code": " news ", "salesperson_code": "bd",
                  "evaluation": "Positive", "from": "2026-01-01"})
    eq("lower-case codes select the same contacts", (1, ["CT000009"]),
       (r.body.get("lines_added"), contacts(hist)))
    sql_exec("INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, date, "
             "interaction_template_code, postponed) VALUES "
             "(9002, 'CT000010', 'CT000004', '2026-02-01', 'NEWS', 1)")
    r = ann.post("/api/segments/%s/add-contacts" % hist, {"interaction_template_code": "news",
                                                          "postponed": False})
    eq("postponed false leaves the postponed entry out", 0, r.body.get("lines_added"))
    r = ann.post("/api/segments/%s/add-contacts" % hist, {"interaction_template_code": "news"})
    eq("without it every entry counts", (1, ["CT000009", "CT000010"]),
       (r.body.get("lines_added"), contacts(hist)))
    r = ann.post("/api/segments/%s/add-contacts" % hist, {"evaluation": "great"})
    eq("a bad evaluation is 422", 422, r.status)
    r = ann.post("/api/segments/%s/add-contacts" % hist, {"to": "2026-02-30"})
    eq("a bad date is 422", 422, r.status)
    r = ann.post("/api/logged-segments/%s/reuse" % delivered, {"attempt_failed": "maybe"})
    eq("a bad reuse filter is 422", 422, r.status)
    r = ann.post("/api/logged-segments/%s/reuse" % delivered, {"attempt_failed": None,
                                                          "campaign_response": False})
    eq("null means any, false means not", 201, r.status)
finally:
    s.stop()
finish()
