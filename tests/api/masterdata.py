#!/usr/bin/env python3
"""Master data over HTTP: the generic routes of every resource, paging, setup, number
series lines, template variants, and refused input (400/413/422) that changes nothing."""
import socket
import json

from lib import Server, check, eq, err_code, finish

s = Server()
try:
    admin = s.client("admin")
    ann = s.client("ann")

    def count(table):
        return s.sql("SELECT count(*) FROM %s" % table)[0][0]

    # Salespersons: add, get with statistics, update, list, delete.
    r = admin.post("/api/salespersons", {"code": "zz", "name": "Zoe Zed", "email": "zoe@x.example"})
    eq("POST /api/salespersons is 201", 201, r.status)
    eq("the code is upper-cased as everywhere", "ZZ", r.body.get("code"))
    eq("Location names the new record", "/api/salespersons/ZZ", r.headers.get("Location"))
    r = admin.get("/api/salespersons/ZZ")
    eq("GET /api/salespersons/{code}", "Zoe Zed", r.body.get("name"))
    eq("with statistics", 0, r.body.get("statistics", {}).get("no_of_interactions"))
    r = admin.patch("/api/salespersons/ZZ", {"job_title": "Closer"})
    eq("PATCH changes the given field", "Closer", r.body.get("job_title"))
    eq("and keeps the others", "Zoe Zed", r.body.get("name"))
    eq("the database holds the change", [("Closer",)],
       s.sql("SELECT job_title FROM salesperson WHERE code = 'ZZ'"))
    r = admin.get("/api/salespersons/ZZ/statistics")
    eq("GET /api/salespersons/{code}/statistics", "0.00", r.body.get("cost"))
    r = admin.post("/api/salespersons", {"code": "ZZ"})
    eq("adding it again is 409", 409, r.status)
    eq("already_exists", "already_exists", err_code(r))
    r = admin.delete("/api/salespersons/ZZ")
    eq("DELETE is 204", 204, r.status)
    eq("the row is gone", 0, s.sql("SELECT count(*) FROM salesperson WHERE code = 'ZZ'")[0][0])
    r = admin.get("/api/salespersons/ZZ")
    eq("a missing record is 404", 404, r.status)
    eq("not_found", "not_found", err_code(r))
    r = admin.delete("/api/salespersons/JO")
    eq("deleting a salesperson in use is 409", 409, r.status)

    # Paging with cursors over contacts.
    n = count("contact")
    seen, cursor, pages = [], None, 0
    while pages < 100:
        r = ann.get("/api/contacts?limit=3" + ("&after=" + cursor if cursor else ""))
        if r.status != 200:
            break
        seen += [c["no"] for c in r.body["items"]]
        cursor = r.body["next_cursor"]
        pages += 1
        if not cursor:
            break
    eq("paging with limit=3 visits every contact once", n, len(set(seen)))
    eq("in key order", sorted(seen), seen)
    check("in more than one page", pages > 1, pages)
    r = ann.get("/api/contacts?where=city=Oslo")
    check("where filters the list", r.body["items"] and all(c["city"] == "Oslo"
                                                            for c in r.body["items"]), r.body)
    r = ann.get("/api/contacts?where=nosuchfield=1")
    eq("a filter on an unknown field is refused", 422, r.status)
    r = ann.get("/api/contacts?limit=0")
    eq("limit=0 is 400", 400, r.status)

    # Contacts: add, get with statistics, update, delete.
    r = ann.post("/api/contacts", {"type": "company", "name": "Globex", "city": "Bergen"})
    eq("POST /api/contacts numbers the contact from the series", 201, r.status)
    no = r.body.get("no", "")
    check("with a number from CONT", no.startswith("CT"), no)
    r = ann.get("/api/contacts/" + no)
    eq("GET /api/contacts/{no} has statistics", 0,
       r.body.get("statistics", {}).get("no_of_interactions"))
    r = ann.get("/api/contacts/%s/statistics" % no)
    eq("GET /api/contacts/{no}/statistics", 0, r.body.get("no_of_postponed_interactions"))
    r = ann.patch("/api/contacts/" + no, {"city": "Stavanger"})
    eq("PATCH /api/contacts/{no}", "Stavanger", r.body.get("city"))
    r = ann.delete("/api/contacts/" + no)
    eq("DELETE /api/contacts/{no}", 204, r.status)

    # Deleting contacts keeps their entries: a person's move to its company, a company's
    # (with_persons) are detached; a contact on a segment not yet logged is refused.
    co = ann.post("/api/contacts", {"name": "Delco"}).body["no"]
    pe = ann.post("/api/contacts", {"type": "person", "name": "Del Person",
                                    "company_no": co}).body["no"]
    s.sql("INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, "
          "salesperson_code, cost) VALUES (90001, ?, ?, 'JO', 100), (90002, ?, ?, 'JO', 200)",
          pe, co, co, co)
    sp_before = ann.get("/api/salespersons/JO").body["statistics"]
    r = ann.delete("/api/contacts/" + co)
    eq("DELETE of a company with persons is 409 in_use", (409, "in_use"), (r.status, err_code(r)))
    r = ann.delete("/api/contacts/%s?with_persons=maybe" % co)
    eq("with_persons takes true or false", 400, r.status)
    eq("and nothing was deleted", 2, s.sql("SELECT count(*) FROM contact WHERE company_no = ?",
                                           co)[0][0])
    s.sql("INSERT INTO segment_header (no, description) VALUES ('SEGDEL', 'Open')")
    s.sql("INSERT INTO segment_line (segment_no, line_no, contact_no) VALUES ('SEGDEL', 10000, ?)",
          pe)
    r = ann.delete("/api/contacts/%s?with_persons=true" % co)
    eq("a person on a segment not yet logged blocks the delete", 409, r.status)
    check("naming the segment", "SEGDEL" in r.body["error"]["message"], r.body)
    s.sql("DELETE FROM segment_header WHERE no = 'SEGDEL'")
    s.sql("DELETE FROM segment_line WHERE segment_no = 'SEGDEL'")
    r = ann.delete("/api/contacts/%s?with_persons=true" % co)
    eq("DELETE /api/contacts/{no}?with_persons=true", 204, r.status)
    eq("company and person are gone", 0,
       s.sql("SELECT count(*) FROM contact WHERE company_no = ?", co)[0][0])
    eq("their entries stay, detached", [(90001, "", ""), (90002, "", "")],
       s.sql("SELECT entry_no, contact_no, contact_company_no FROM interaction_log_entry "
             "WHERE entry_no > 90000 ORDER BY entry_no"))
    eq("the salesperson's statistics are unchanged", sp_before,
       ann.get("/api/salespersons/JO").body["statistics"])

    # Groups and templates (admin), with variants and attachments.
    r = admin.post("/api/groups", {"code": "visit", "description": "Visits"})
    eq("POST /api/groups", 201, r.status)
    r = admin.patch("/api/groups/VISIT", {"description": "Customer visits"})
    eq("PATCH /api/groups/{code}", "Customer visits", r.body.get("description"))
    eq("GET /api/groups/{code}/statistics", 200, admin.get("/api/groups/VISIT/statistics").status)
    eq("GET /api/groups lists it", True,
       "VISIT" in [g["code"] for g in admin.get("/api/groups?limit=500").body["items"]])
    r = admin.post("/api/templates", {"code": "visit1", "interaction_group_code": "VISIT",
                                      "description": "Site visit", "unit_cost": "12.5",
                                      "unit_duration": 90})
    eq("POST /api/templates", 201, r.status)
    eq("money comes back with two decimals", "12.50", r.body.get("unit_cost"))
    eq("minutes too", "90.00", r.body.get("unit_duration"))
    eq("money is stored exactly in hundredths", [(1250,)],
       s.sql("SELECT unit_cost FROM interaction_template WHERE code = 'VISIT1'"))
    r = admin.patch("/api/templates/VISIT1", {"unit_cost": "13"})
    eq("PATCH /api/templates/{code}", "13.00", r.body.get("unit_cost"))
    r = admin.get("/api/templates/VISIT1")
    eq("GET /api/templates/{code}", "Site visit", r.body.get("description"))
    eq("GET /api/templates/{code}/statistics", 200,
       admin.get("/api/templates/VISIT1/statistics").status)
    eq("GET /api/templates", 200, ann.get("/api/templates").status)
    r = admin.put("/api/templates/VISIT1/languages/nor", {"description": "Besøk"})
    eq("PUT /api/templates/{code}/languages/{language}", 200, r.status)
    r = admin.get("/api/templates/VISIT1/languages")
    eq("GET /api/templates/{code}/languages", ["NOR"],
       [v["language_code"] for v in r.body["items"]])
    r = admin.put("/api/templates/VISIT1/attachment", {"body": "Dear {{contact.name}}"})
    eq("PUT /api/templates/{code}/attachment", 200, r.status)
    r = admin.get("/api/templates/VISIT1/attachment")
    eq("GET /api/templates/{code}/attachment", "Dear {{contact.name}}", r.body.get("body"))
    # Two numbers read from one body are two texts (each owned by the request), not one.
    r = admin.put("/api/templates/VISIT1/languages/nor", {"description": 11, "attachment": 22})
    eq("numbers given as a variant's description and attachment each keep their own value",
       ("11", "22"),
       ([v["description"] for v in r.body["items"] if v["language_code"] == "NOR"][0],
        admin.get("/api/templates/VISIT1/attachment?language=NOR").body.get("body")))
    # Merge preview for a chosen contact: the saved body of a variant, or text being edited.
    r = admin.put("/api/templates/VISIT1/attachment",
                  {"language": "NOR", "body": "Hei {{contact.first_name}}, hilsen {{salesperson.name}}"})
    eq("the NOR variant gets a body", 200, r.status)
    entries = count("interaction_log_entry")
    r = ann.post("/api/templates/VISIT1/preview", {"contact_no": "CT000007", "language": "NOR"})
    eq("POST /api/templates/{code}/preview merges the variant's body for the contact",
       ("Hei Kari, hilsen Annette Hill", False), (r.body.get("body"), r.body.get("html")))
    r = ann.post("/api/templates/VISIT1/preview", {"contact_no": "CT000007"})
    eq("without language: the template's own body", "Dear Kari Nordmann", r.body.get("body"))
    r = ann.post("/api/templates/VISIT1/preview",
                 {"contact_no": "CT000002", "body": "<p>{{contact.name}} {{entry.description}}</p>"})
    eq("an unsaved HTML body, values escaped, entry fields from the template",
       ("<p>Nordlys Kontormøbler AS Site visit</p>", True), (r.body.get("body"), r.body.get("html")))
    r = ann.post("/api/templates/VISIT1/preview", {"contact_no": "CT000007", "body": "{{contact.nme}}"})
    eq("an unknown merge field is refused", (422, "validation"), (r.status, err_code(r)))
    check("naming it", "contact.nme" in r.body["error"]["message"], r.body)
    r = ann.post("/api/templates/VISIT1/preview", {"contact_no": "CT999999"})
    eq("an unknown contact is 404", 404, r.status)
    r = ann.post("/api/templates/VISIT1/preview", {})
    eq("a preview without contact_no is refused", 422, r.status)
    eq("a preview writes nothing", entries, count("interaction_log_entry"))
    r = admin.delete("/api/templates/VISIT1/languages/NOR")
    eq("DELETE /api/templates/{code}/languages/{language}", 204, r.status)
    r = admin.delete("/api/groups/VISIT")
    eq("a group with templates cannot be deleted", 409, r.status)
    eq("DELETE /api/templates/{code}", 204, admin.delete("/api/templates/VISIT1").status)
    eq("DELETE /api/groups/{code}", 204, admin.delete("/api/groups/VISIT").status)

    # Campaigns.
    r = ann.post("/api/campaigns", {"description": "Autumn fair", "starting_date": "2026-09-01"})
    eq("POST /api/campaigns", 201, r.status)
    cno = r.body.get("no", "")
    r = ann.patch("/api/campaigns/" + cno, {"activated": True})
    eq("PATCH /api/campaigns/{no}", True, r.body.get("activated"))
    eq("GET /api/campaigns/{no}", cno, ann.get("/api/campaigns/" + cno).body.get("no"))
    r = ann.get("/api/campaigns/%s/statistics" % cno)
    eq("GET /api/campaigns/{no}/statistics", 0, r.body.get("no_of_entries"))
    eq("GET /api/campaigns", 200, ann.get("/api/campaigns").status)
    eq("DELETE /api/campaigns/{no}", 204, ann.delete("/api/campaigns/" + cno).status)

    # Number series and lines.
    r = admin.post("/api/number-series", {"code": "inv", "description": "Invoices"})
    eq("POST /api/number-series", 201, r.status)
    r = admin.post("/api/number-series/INV/lines", {"starting_no": "INV0001",
                                                    "ending_no": "INV0002"})
    eq("POST /api/number-series/{code}/lines", 201, r.status)
    line = r.body.get("line_no")
    r = admin.get("/api/number-series/INV/lines")
    eq("GET /api/number-series/{code}/lines", 1, len(r.body["items"]))
    r = admin.patch("/api/number-series/INV/lines/%s" % line, {"warning_no": "INV0002"})
    eq("PATCH /api/number-series/{code}/lines/{line_no}", "INV0002",
       r.body["items"][0].get("warning_no"))
    r = admin.post("/api/number-series/INV/next")
    eq("POST /api/number-series/{code}/next", "INV0001", r.body.get("no"))
    r = admin.post("/api/number-series/INV/next")
    eq("at the warning number the reply warns", True, bool(r.body.get("warning")))
    r = admin.post("/api/number-series/INV/next")
    eq("past the end: 422 no_numbers_left", (422, "no_numbers_left"), (r.status, err_code(r)))
    r = admin.patch("/api/number-series/INV", {"manual_nos": True})
    eq("PATCH /api/number-series/{code}", True, r.body.get("manual_nos"))
    eq("GET /api/number-series/{code}", "Invoices",
       admin.get("/api/number-series/INV").body.get("description"))
    eq("GET /api/number-series", 200, admin.get("/api/number-series").status)
    r = admin.delete("/api/number-series/INV/lines/%s" % line)
    eq("DELETE /api/number-series/{code}/lines/{line_no}", 204, r.status)
    eq("DELETE /api/number-series/{code}", 204, admin.delete("/api/number-series/INV").status)
    r = admin.delete("/api/number-series/CONT")
    eq("a series named by setup cannot be deleted", 409, r.status)

    # Campaign entries: cancel with their interactions, delete once canceled; deleting a
    # campaign deletes its campaign entries and keeps its interactions.
    r = ann.post("/api/campaigns", {"description": "Entries test"})
    eq("POST /api/campaigns", 201, r.status)
    cmp = r.body["no"]
    s.sql("INSERT INTO campaign_entry (entry_no, campaign_no, description) VALUES "
          "(8001, ?, 'Mailing'), (8002, ?, 'Interactions')", cmp, cmp)
    s.sql("INSERT INTO interaction_log_entry (entry_no, campaign_no, campaign_entry_no, cost) "
          "VALUES (98001, ?, 8001, 100), (98002, ?, 8001, 200), (98003, ?, 8002, 400)",
          cmp, cmp, cmp)
    r = ann.get("/api/campaigns/%s/entries" % cmp)
    eq("GET /api/campaigns/{no}/entries", [8001, 8002], [e["entry_no"] for e in r.body["items"]])
    eq("entries of a missing campaign are 404", 404, ann.get("/api/campaigns/NOPE/entries").status)
    r = ann.get("/api/campaign-entries/8001")
    eq("GET /api/campaign-entries/{entry_no}", ("Mailing", False),
       (r.body.get("description"), r.body.get("canceled")))
    r = ann.delete("/api/campaign-entries/8001")
    eq("DELETE of a campaign entry that is not canceled is 409 in_use", (409, "in_use"),
       (r.status, err_code(r)))
    r = ann.post("/api/campaign-entries/8001/cancel")
    eq("POST /api/campaign-entries/{entry_no}/cancel", (200, True), (r.status, r.body.get("canceled")))
    eq("its interactions are canceled with it", [(98001,), (98002,)],
       s.sql("SELECT entry_no FROM interaction_log_entry WHERE canceled = 1 AND entry_no > 98000 "
             "ORDER BY entry_no"))
    eq("the campaign's statistics drop them", 1,
       ann.get("/api/campaigns/%s" % cmp).body["statistics"]["no_of_interactions"])
    r = ann.post("/api/campaign-entries/8001/cancel")
    eq("cancel again undoes it", False, r.body.get("canceled"))
    eq("none canceled", 0, s.sql("SELECT count(*) FROM interaction_log_entry WHERE canceled = 1 "
                                 "AND entry_no > 98000")[0][0])
    ann.post("/api/campaign-entries/8001/cancel")
    r = ann.delete("/api/campaign-entries/8001")
    eq("DELETE /api/campaign-entries/{entry_no}", (200, 2),
       (r.status, r.body.get("interactions_deleted")))
    eq("the entry and its interactions are gone", (0, 0),
       (s.sql("SELECT count(*) FROM campaign_entry WHERE entry_no = 8001")[0][0],
        s.sql("SELECT count(*) FROM interaction_log_entry WHERE campaign_entry_no = 8001")[0][0]))
    eq("a missing campaign entry is 404", 404, ann.get("/api/campaign-entries/8001").status)
    eq("a bad entry no. is 400", 400, ann.post("/api/campaign-entries/x/cancel").status)
    r = ann.delete("/api/campaigns/" + cmp)
    eq("DELETE /api/campaigns/{no} with entries", 204, r.status)
    eq("its campaign entries went with it", 0,
       s.sql("SELECT count(*) FROM campaign_entry WHERE campaign_no = ?", cmp)[0][0])
    eq("its interactions stay, keeping campaign_no", [(98003, cmp, 0)],
       s.sql("SELECT entry_no, campaign_no, campaign_entry_no FROM interaction_log_entry "
             "WHERE entry_no > 98000"))

    # Setup.
    r = ann.get("/api/setup")
    eq("GET /api/setup", "CONT", r.body.get("contact_nos"))
    r = admin.patch("/api/setup", {"default_salesperson_code": "JO"})
    eq("setting the default salesperson", "JO", r.body.get("default_salesperson_code"))
    r = ann.post("/api/contacts", {"name": "Defaulted AS"})
    eq("a new contact without a salesperson takes the setup default", "JO",
       r.body.get("salesperson_code"))
    r = ann.post("/api/contacts", {"name": "Blank AS", "salesperson_code": ""})
    eq("one given blank stays blank", "", r.body.get("salesperson_code"))
    r = admin.patch("/api/setup", {"segment_nos": "NOPE"})
    eq("setup naming a missing series is refused", 404, r.status)
    eq("and setup is unchanged", [("SEG",)], s.sql("SELECT segment_nos FROM marketing_setup"))
    r = admin.patch("/api/setup", {"attachment_storage": "disk",
                                   "attachment_storage_path": "/srv/relm"})
    eq("disk attachment storage is refused: nothing writes there", (422, "validation"),
       (r.status, err_code(r)))
    eq("and the storage stays embedded", [("embedded", "")],
       s.sql("SELECT attachment_storage, attachment_storage_path FROM marketing_setup"))

    # Refused input changes nothing.
    before = count("salesperson")
    r = admin.request("POST", "/api/salespersons", raw=b'{"code": "BAD1", "name": ')
    eq("malformed JSON is 400", (400, "bad_request"), (r.status, err_code(r)))
    r = admin.request("POST", "/api/salespersons", raw=b'[1, 2]')
    eq("a JSON array instead of an object is 400", 400, r.status)
    deep = {"code": "BAD2"}
    for _ in range(20):
        deep = {"x": deep}
    r = admin.request("POST", "/api/salespersons", raw=json.dumps(deep).encode())
    eq("JSON nested too deep is 400", 400, r.status)
    r = admin.request("POST", "/api/salespersons",
                      raw=b'{"code": "BAD3", "code": "BAD4"}')
    eq("duplicate keys are 400", 400, r.status)
    r = admin.post("/api/salespersons", {"code": "BAD5", "name": "x" * 51})
    eq("a name over 50 characters is 422", (422, "validation"), (r.status, err_code(r)))
    check("and the message names the field", "name" in r.body["error"]["message"], r.body)
    r = admin.post("/api/salespersons", {"code": "BAD6", "name": "ø" * 50})
    eq("50 non-ASCII characters fit (limits count characters)", 201, r.status)
    admin.delete("/api/salespersons/BAD6")
    r = admin.post("/api/salespersons", {"code": "BAD7", "nosuchfield": 1})
    eq("an unknown field is 422", 422, r.status)
    r = admin.post("/api/salespersons", {"code": "BAD8", "blocked": "maybe"})
    eq("a bad boolean is 422", 422, r.status)
    r = admin.post("/api/salespersons", {"code": "BAD9", "name": {"nested": 1}})
    eq("an object as a value is 422", 422, r.status)
    # A body over 1 MiB is refused from its Content-Length, before it is sent (the server
    # closes the connection, so the reply is read from a socket that sends headers only).
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    sock.sendall(b"POST /api/salespersons HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                 + s.token.encode() + b"\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n" % (1024 * 1024 + 10))
    reply = b""
    while b"too_large" not in reply:
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
    sock.close()
    eq("a body over 1 MiB is 413 too_large", ("HTTP/1.1 413", True),
       (reply[:12].decode(errors="replace"), b'"too_large"' in reply))
    eq("none of the refused requests wrote anything", before, count("salesperson"))
    r = admin.patch("/api/salespersons/JO", {"email": "not an address"})
    eq("an invalid e-mail is 422", 422, r.status)
    eq("and the record is unchanged", [("jim.olive@cronus.example",)],
       s.sql("SELECT email FROM salesperson WHERE code = 'JO'"))
    r = admin.request("PUT", "/api/salespersons")
    eq("a method a route does not have is 405", 405, r.status)
    r = admin.get("/api/nothing-here")
    eq("an unknown route is 404", 404, r.status)
    r = admin.get("/")
    eq("the web UI is served at /", 200, r.status)
    r = admin.get("/api/contacts")
    eq("API replies are not cached", "no-store", r.headers.get("Cache-Control"))
    check("and carry a content security policy",
          "default-src 'self'" in (r.headers.get("Content-Security-Policy") or ""))
finally:
    s.stop()
finish()
