#!/usr/bin/env python3
"""Input limits over HTTP: money as JSON numbers and strings, statistics over amounts past
the bound, JSON-only login, encoded NUL bytes in addresses, out-of-range numbers, UTF-8,
and cancel lists that name an entry twice."""
import http.client
import json

from lib import PASSWORD, Server, check, eq, err_code, finish

s = Server()
try:
    admin = s.client("admin")
    ann = s.client("ann")

    def unit_cost():
        return s.sql("SELECT unit_cost FROM interaction_template WHERE code = 'OUTGOING'")[0][0]

    # money: a JSON number means the digits the client wrote -------------------------------
    r = admin.patch("/api/templates/OUTGOING", {"unit_cost": 1.005})
    eq("a number with three decimals is refused", 422, r.status)
    eq("unchanged", 50, unit_cost())
    as_number = r.body["error"]["message"]
    r = admin.patch("/api/templates/OUTGOING", {"unit_cost": "1.005"})
    eq("the same digits as a string are refused", 422, r.status)
    eq("with the same message", as_number, r.body["error"]["message"])
    check("naming the field", "unit_cost" in as_number, as_number)
    r = admin.patch("/api/templates/OUTGOING", {"unit_cost": 1.1, "unit_duration": 12.25})
    eq("a number with two decimals or fewer is taken", 200, r.status)
    eq("exactly", (110, 1225),
       tuple(s.sql("SELECT unit_cost, unit_duration FROM interaction_template "
                   "WHERE code = 'OUTGOING'")[0]))
    r = admin.patch("/api/templates/OUTGOING", {"unit_cost": 10000000})
    eq("a unit cost past 9999999.99 is refused", 422, r.status)
    check("naming the bound", "9999999.99" in r.body["error"]["message"], r.body)
    r = admin.patch("/api/templates/OUTGOING", {"unit_duration": -1})
    eq("a negative unit duration is refused", 422, r.status)
    check("naming the field", "unit_duration" in r.body["error"]["message"], r.body)
    eq("unchanged", 110, unit_cost())

    n = s.sql("SELECT count(*) FROM interaction_log_entry")[0][0]
    r = ann.post("/api/interactions", {"contact_no": "CT000005",
                                       "interaction_template_code": "OUTGOING",
                                       "cost": "92233720368547749.99"})
    eq("a cost past the bound is refused", 422, r.status)
    r = ann.post("/api/interactions", {"contact_no": "CT000005",
                                       "interaction_template_code": "OUTGOING", "cost": -2.5})
    eq("a negative cost is refused", 422, r.status)
    check("naming the field", "cost" in r.body["error"]["message"], r.body)
    eq("nothing was logged", n, s.sql("SELECT count(*) FROM interaction_log_entry")[0][0])

    # statistics over amounts written before the bound ------------------------------------
    for _ in range(2):
        r = ann.post("/api/interactions", {"contact_no": "CT000005",
                                           "interaction_template_code": "OUTGOING"})
        eq("an entry is logged", 201, r.status)
    s.sql("UPDATE interaction_log_entry SET cost = 9223372036854774999")
    r = ann.get("/api/contacts/CT000005")
    eq("the contact still reads", 200, r.status)
    eq("its cost sum is held at the largest value", "92233720368547758.07",
       r.body.get("statistics", {}).get("cost"))
    eq("with a warning naming the contact and field",
       "contact CT000005 cost: the sum is too large and is shown as the largest value",
       r.body.get("warning"))
    for path in ("/api/contacts/CT000001/statistics", "/api/salespersons/JO",
                 "/api/templates/OUTGOING", "/api/groups/PHONE"):
        r = admin.get(path)
        eq("GET %s still reads" % path, 200, r.status)
        check("and warns that the sum is held", "too large" in (r.body.get("warning") or ""),
              r.body)

    # login takes JSON only -----------------------------------------------------------------
    body = json.dumps({"name": "admin", "password": PASSWORD}).encode()
    for ctype in ("text/plain", "application/x-www-form-urlencoded", None):
        c = s.client()
        r = c.request("POST", "/api/login", raw=body, csrf=False,
                      headers={"Content-Type": ctype} if ctype else {})
        if ctype is None:
            # urllib adds a form content type to a body without one: send it by hand.
            conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
            conn.putrequest("POST", "/api/login")
            conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            status, cookie = resp.status, resp.getheader("Set-Cookie")
            resp.read()
            conn.close()
        else:
            status, cookie = r.status, r.headers.get("Set-Cookie")
        eq("a login sent as %s is 400" % (ctype or "no content type"), 400, status)
        check("and sets no session cookie", not cookie, cookie)
    c = s.client()
    r = c.request("POST", "/api/login", raw=body, csrf=False,
                  headers={"Content-Type": "application/json; charset=utf-8"})
    eq("a login sent as application/json; charset=utf-8 works", 200, r.status)

    # encoded NUL bytes ---------------------------------------------------------------------
    r = ann.get("/api/contacts/CT000005%00xyz")
    eq("%00 in a path parameter is 400", 400, r.status)
    eq("with the error code bad_request", "bad_request", err_code(r))
    r = ann.get("/api/contacts?city=London%00x")
    eq("%00 in a query value is 400", 400, r.status)
    r = ann.get("/api/contacts/CT000005")
    eq("the same address without it is 200", 200, r.status)

    # numbers out of range ------------------------------------------------------------------
    r = ann.get("/api/contacts?limit=99999999999999999999")
    eq("a limit past int64 is 400", 400, r.status)
    r = ann.get("/api/contacts?limit=1000")
    eq("a large limit that fits is capped, not refused", 200, r.status)
    r = ann.get("/api/interactions/99999999999999999999")
    eq("an entry number past int64 is 400", 400, r.status)
    r = ann.post("/api/interactions/99999999999999999999/resume", {})
    eq("and on a POST", 400, r.status)
    r = ann.request("POST", "/api/interactions/cancel",
                    raw=b'{"entry_nos": [99999999999999999999]}')
    eq("a body number past int64 is 400", 400, r.status)
    r = ann.get("/api/interactions?logged_segment_entry_no=99999999999999999999")
    eq("a query number past int64 is 400", 400, r.status)

    # UTF-8 ----------------------------------------------------------------------------------
    n = s.sql("SELECT count(*) FROM contact")[0][0]
    for desc, raw in (("a surrogate", b'"a\xed\xa0\x80"'), ("an overlong form", b'"\xc0\xaf"'),
                      ("a code point past U+10FFFF", b'"\xf4\x90\x80\x80"')):
        r = ann.request("POST", "/api/contacts",
                        raw=b'{"no": "U1", "type": "company", "name": ' + raw + b'}')
        check("%s in a name is refused" % desc, r.status in (400, 422), r.status, r.body)
    r = ann.post("/api/contacts", {"no": "U1", "type": "company", "name": "a\ud800b"})
    check("an escaped lone surrogate is refused", r.status in (400, 422), r.status, r.body)
    eq("no contact was added", n, s.sql("SELECT count(*) FROM contact")[0][0])

    # cancel lists --------------------------------------------------------------------------
    first = s.sql("SELECT min(entry_no) FROM interaction_log_entry")[0][0]
    r = ann.post("/api/interactions/cancel", {"entry_nos": [first, first]})
    eq("a cancel list naming an entry twice is 422", 422, r.status)
    check("naming the entry", "listed more than once" in r.body["error"]["message"], r.body)
    eq("the entry is not canceled", 0,
       s.sql("SELECT canceled FROM interaction_log_entry WHERE entry_no = ?", first)[0][0])
finally:
    s.stop()
finish()
