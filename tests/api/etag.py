#!/usr/bin/env python3
"""ETags: every GET reply carries one, If-None-Match answers 304, and a PATCH or DELETE
with a stale If-Match is refused with 412 and changes nothing."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from lib import Server, check, eq, err_code, finish  # noqa: E402

s = Server(demo=False)
try:
    c = s.client("ann")
    eq("a contact is added", 201,
       c.post("/api/contacts", {"no": "E1", "type": "company", "name": "Etag Ltd",
                                "city": "Oslo"}).status)
    r = c.get("/api/contacts/E1")
    tag = r.headers.get("ETag") or ""
    check("a record GET carries a quoted ETag", len(tag) > 2 and tag[0] == tag[-1] == '"', tag)
    eq("the same record read again has the same ETag", tag,
       c.get("/api/contacts/E1").headers.get("ETag"))
    check("a list GET carries one too", bool(c.get("/api/contacts").headers.get("ETag")))

    r = c.get("/api/contacts/E1", headers={"If-None-Match": tag})
    eq("If-None-Match with the current ETag is 304", 304, r.status)
    eq("with no body", None, r.body)
    eq("If-None-Match with another ETag is 200", 200,
       c.get("/api/contacts/E1", headers={"If-None-Match": '"other"'}).status)

    r = c.patch("/api/contacts/E1", {"city": "Bergen"}, headers={"If-Match": tag})
    eq("PATCH with the current ETag succeeds", 200, r.status)
    new = c.get("/api/contacts/E1").headers.get("ETag")
    check("and the record's ETag changes", new and new != tag, new)

    r = c.patch("/api/contacts/E1", {"city": "Tromsø"}, headers={"If-Match": tag})
    eq("PATCH with a stale ETag is 412", 412, r.status)
    eq("with the error code precondition_failed", "precondition_failed", err_code(r))
    eq("and changes nothing", "Bergen", c.get("/api/contacts/E1").body["city"])

    r = c.delete("/api/contacts/E1", headers={"If-Match": tag})
    eq("DELETE with a stale ETag is 412", 412, r.status)
    eq("and deletes nothing", 1, s.sql("SELECT count(*) FROM contact WHERE no = 'E1'")[0][0])

    eq("PATCH with If-Match: * on an existing record succeeds", 200,
       c.patch("/api/contacts/E1", {"city": "Molde"}, headers={"If-Match": "*"}).status)
    eq("PATCH with If-Match on a missing record is 404", 404,
       c.patch("/api/contacts/NOPE", {"city": "X"}, headers={"If-Match": "*"}).status)
    eq("PATCH without If-Match still works", 200,
       c.patch("/api/contacts/E1", {"city": "Oslo"}).status)

    cur = c.get("/api/contacts/E1").headers.get("ETag")
    eq("DELETE with the current ETag succeeds", 204,
       c.delete("/api/contacts/E1", headers={"If-Match": cur}).status)
    eq("and the record is gone", 0, s.sql("SELECT count(*) FROM contact WHERE no = 'E1'")[0][0])
finally:
    s.stop()
finish()
