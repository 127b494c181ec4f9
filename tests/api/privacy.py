#!/usr/bin/env python3
"""A person's data over HTTP: export and erase are for admins only; the export holds the
contact's entries with comments and kept bodies; erasure anonymises, records who erased
whom, keeps the statistics and leaves no personal value in the database file; contact
search folds case for all of Unicode."""
import json
import os

from lib import Server, check, db_is_pg, eq, err_code, finish

s = Server()
try:
    admin = s.client("admin")
    ann = s.client("ann")

    out = s.cli("contact", "add", "--type", "person", "--first-name", "Quintessa", "--surname",
                "Zyborowski", "--email", "q.zyborowski@private.example", "--city", "Zyborville",
                "--salesperson-code", "AH", "--json")
    no = json.loads(out)["no"]
    entry = json.loads(s.cli("interaction", "create", "--contact", no, "--template", "OUTGOING",
                             "--subject", "Zybor divorce", "--comment", "mornings only pls",
                             "--json"))["entry_no"]
    s.sql("INSERT INTO attachment (attachment_no, entry_no, kind, body) VALUES (9001, ?, 'sent', "
          "'Dear Quintessa')", entry)

    r = ann.get("/api/contacts/%s/export" % no)
    eq("a plain user may not export a person's data", 403, r.status)
    eq("forbidden", "forbidden", err_code(r))
    r = admin.get("/api/contacts/%s/export" % no)
    eq("GET /api/contacts/{no}/export is 200 for an admin", 200, r.status)
    eq("it holds the record", "q.zyborowski@private.example", r.body["contact"]["email"])
    eq("the entry with its comment and kept body",
       ("Zybor divorce", "mornings only pls", "Dear Quintessa"),
       (r.body["interactions"][0]["subject"], r.body["interactions"][0]["comments"][0]["comment"],
        r.body["interactions"][0]["attachments"][0]["body"]))
    r = admin.get("/api/contacts/CT999999/export")
    eq("an unknown contact is 404", 404, r.status)

    before = {
        "AH": admin.get("/api/salespersons/AH").body["statistics"],
        "OUTGOING": admin.get("/api/templates/OUTGOING").body["statistics"],
    }
    check("the figures count the person's entry", before["AH"]["no_of_interactions"] >= 1)
    r = ann.post("/api/contacts/%s/erase" % no)
    eq("a plain user may not erase", 403, r.status)
    eq("and nothing changed", [("Quintessa",)], s.sql("SELECT first_name FROM contact WHERE no = ?", no))
    r = admin.post("/api/contacts/CT999999/erase")
    eq("erasing an unknown contact is 404", 404, r.status)
    eq("and records nothing", 0, s.sql("SELECT count(*) FROM privacy_erasure")[0][0])
    r = admin.post("/api/contacts/%s/erase" % no)
    eq("POST /api/contacts/{no}/erase is 200", 200, r.status)
    eq("it reports the erasure", (no, "admin", 1, 1, 1),
       (r.body.get("contact_no"), r.body.get("erased_by"), r.body.get("entries_anonymised"),
        r.body.get("attachments_deleted"), r.body.get("comments_deleted")))
    eq("the record is blanked and blocked", [("Erased contact", "", "", 1)],
       s.sql("SELECT name, email, city, privacy_blocked FROM contact WHERE no = ?", no))
    eq("the entry stays without its subject", [("", "OUTGOING")],
       s.sql("SELECT subject, interaction_template_code FROM interaction_log_entry "
             "WHERE contact_no = ?", no))
    eq("the audit row names the admin", [(no, "admin")],
       s.sql("SELECT contact_no, erased_by FROM privacy_erasure"))
    eq("salesperson statistics unchanged", before["AH"],
       admin.get("/api/salespersons/AH").body["statistics"])
    eq("template statistics unchanged", before["OUTGOING"],
       admin.get("/api/templates/OUTGOING").body["statistics"])
    if not db_is_pg():  # the bytes of the SQLite file; PostgreSQL keeps its files on the server
        s.sql("PRAGMA wal_checkpoint(TRUNCATE)")
        raw = open(s.db, "rb").read()
        if os.path.exists(s.db + "-wal"):
            raw += open(s.db + "-wal", "rb").read()
        left = [v for v in ("Quintessa", "Zyborowski", "q.zyborowski@private.example",
                            "Zyborville", "Zybor divorce", "mornings only pls", "Dear Quintessa")
                if v.encode() in raw]
        eq("no personal value is left in the database file", [], left)

    # Contact search: number, name, e-mail and city at once, case folded for all of Unicode.
    def names(r):
        return sorted(c["name"] for c in r.body["items"])

    r = ann.get("/api/contacts?q=KONTORM%C3%98BLER")
    eq("?q= finds a name in another case", ["Nordlys Kontormøbler AS"], names(r))
    r = ann.get("/api/contacts?q=POST%40NORDLYS")
    eq("?q= finds an e-mail address", ["Nordlys Kontormøbler AS"], names(r))
    r = ann.get("/api/contacts?q=cambridge")
    eq("?q= finds a city", ["Cambridge"], sorted({c["city"] for c in r.body["items"]}))
    check("the company and its person", "Adatum Corporation" in names(r) and len(names(r)) == 2,
          names(r))
    r = ann.get("/api/contacts?q=ct000003")
    eq("?q= finds a number", ["CT000003"], [c["no"] for c in r.body["items"]])
    r = ann.get("/api/contacts?q=nordlys&where=type%3Dperson")
    check("?q= with where narrows to persons",
          r.status == 200 and all(c["type"] == "person" for c in r.body["items"]), r.body)
    r = ann.get("/api/contacts?where=name~KONTORM%C3%98BLER")
    eq("where name~ folds case", ["Nordlys Kontormøbler AS"], names(r))
    r = ann.get("/api/contacts?where=email%3DPOST%40NORDLYS.EXAMPLE")
    eq("where email= folds case", ["Nordlys Kontormøbler AS"], names(r))
    r = ann.get("/api/contacts?q=a&limit=2")
    first = [c["no"] for c in r.body["items"]]
    r2 = ann.get("/api/contacts?q=a&limit=2&after=" + r.body["next_cursor"])
    check("a search pages with after", len(first) == 2 and r2.body["items"]
          and r2.body["items"][0]["no"] > first[-1], r2.body)
finally:
    s.stop()
finish()
