#!/usr/bin/env python3
"""The CLI and the HTTP API are two shells over the same library calls, so the same input
must give the same records. Two equal databases (one copied from the other) are driven
step by step, one through `relm` and one through `relm serve`; after each step the
resulting records are read back through each shell and compared (JSON of show / list,
without the stamps of when they were written), a refusal must be a refusal in both with
the same sentence, and at the end every table of the two databases must be equal."""
import json
import os
import subprocess

from lib import RELM, TODAY, Server, check, copy_db, eq, finish, sql_at, table_columns, table_names

# Written when the record was written: differ between the two runs by nature.
VOLATILE = {"created_at", "modified_at", "last_used_at", "time"}
# Accounts and sessions exist only on the server side.
SKIP_TABLES = {"app_user", "user_session", "api_token", "login_throttle"}


def clean(x):
    """x without volatile keys; a record's "statistics" merged in as the CLI shows it."""
    if isinstance(x, list):
        return [clean(v) for v in x]
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            if k == "statistics" and isinstance(v, dict):
                out.update(clean(v))
            elif k not in VOLATILE:
                out[k] = clean(v)
        return out
    return x


s = Server()
try:
    cli_db = copy_db(s.db, s.dir, "cli")
    clients = {"ann": s.client("ann"), "admin": s.client("admin")}

    def cli(args, user="ann"):
        env = dict(os.environ, RELM_DB=cli_db, RELM_TODAY=TODAY, RELM_USER=user)
        p = subprocess.run([RELM, "--json", *args], env=env, text=True, capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=60)
        try:
            out = json.loads(p.stdout) if p.stdout.strip() else None
        except ValueError:
            out = p.stdout
        return p.returncode, out, p.stderr.strip()

    def api(method, path, body=None, user="ann"):
        return clients[user].request(method, path, body)

    def api_items(path, user="ann"):
        sep = "&" if "?" in path else "?"
        r = api("GET", path + sep + "limit=500", user=user)
        return r.body["items"] if r.status == 200 else r.body

    def same_reads(desc, reads, user):
        for cli_args, path in reads:
            rc, out, err = cli(cli_args, user)
            if path.endswith("#items"):
                got = api_items(path[:-len("#items")], user)
            else:
                r = api("GET", path, user=user)
                got = r.body if r.status == 200 else (r.status, r.body)
            if rc != 0:
                out = (rc, err)
            if isinstance(out, dict) and "entries" in out and "next_cursor" in out:
                out = out["entries"]
            eq("%s: %s reads the same in both shells" % (desc, " ".join(cli_args)),
               clean(got), clean(out))

    def same(desc, cli_args, method, path, body=None, reads=(), user="ann"):
        """Run one step through both shells; compare outcome, message and records."""
        rc, out, err = cli(cli_args, user)
        r = api(method, path, body, user)
        api_ok = 200 <= r.status < 300
        if not check("%s: succeeds or is refused alike" % desc, api_ok == (rc == 0),
                     "cli: exit %d %s" % (rc, err), "api: %s %s" % (r.status, r.body)):
            return None, None
        if rc != 0:
            msg = r.body.get("error", {}).get("message") if isinstance(r.body, dict) else None
            eq("%s: the same refusal" % desc, "relm: %s" % msg, err)
            print("#   refused: %s" % err, flush=True)
        same_reads(desc, reads, user)
        return out, r.body

    # ---- master data ------------------------------------------------------------------
    same("add a salesperson", ["salesperson", "add", "--code", "zz", "--name", "Zed Zulu",
                               "--email", "zed@example.com"],
         "POST", "/api/salespersons", {"code": "zz", "name": "Zed Zulu", "email": "zed@example.com"},
         [(["salesperson", "show", "ZZ"], "/api/salespersons/ZZ")], "admin")
    same("update a salesperson", ["salesperson", "update", "zz", "--phone-no", "555"],
         "PATCH", "/api/salespersons/zz", {"phone_no": "555"},
         [(["salesperson", "show", "ZZ"], "/api/salespersons/ZZ")], "admin")
    same("a bad e-mail is refused", ["salesperson", "add", "--code", "yy", "--email", "nope"],
         "POST", "/api/salespersons", {"code": "yy", "email": "nope"}, user="admin")
    same("add a group", ["group", "add", "--code", "visit", "--description", "Visits"],
         "POST", "/api/groups", {"code": "visit", "description": "Visits"},
         [(["group", "show", "VISIT"], "/api/groups/VISIT")], "admin")
    same("add a template", ["template", "add", "--code", "visit", "--interaction-group-code",
                            "visit", "--description", "Site visit", "--unit-cost", "12.5",
                            "--unit-duration", "90"],
         "POST", "/api/templates", {"code": "visit", "interaction_group_code": "visit",
                                    "description": "Site visit", "unit_cost": "12.5",
                                    "unit_duration": "90"},
         [(["template", "show", "VISIT"], "/api/templates/VISIT")], "admin")
    same("update a template", ["template", "update", "visit", "--information-flow", "inbound"],
         "PATCH", "/api/templates/visit", {"information_flow": "inbound"},
         [(["template", "show", "VISIT"], "/api/templates/VISIT")], "admin")
    same("set a language variant", ["template", "language", "set", "visit", "nor",
                                    "--description", "Besok"],
         "PUT", "/api/templates/visit/languages/nor", {"description": "Besok"},
         [(["template", "language", "list", "VISIT"], "/api/templates/VISIT/languages#items")],
         "admin")
    same("set it again without a description", ["template", "language", "set", "visit", "nor"],
         "PUT", "/api/templates/visit/languages/nor", {},
         [(["template", "language", "list", "VISIT"], "/api/templates/VISIT/languages#items")],
         "admin")
    same("set an attachment", ["template", "attachment", "set", "visit", "--text",
                               "Dear {{contact.name}}"],
         "PUT", "/api/templates/visit/attachment", {"body": "Dear {{contact.name}}"},
         user="admin")
    same("delete a language variant", ["template", "language", "delete", "visit", "nor"],
         "DELETE", "/api/templates/visit/languages/nor",
         reads=[(["template", "language", "list", "VISIT"],
                 "/api/templates/VISIT/languages#items")], user="admin")
    same("add a campaign", ["campaign", "add", "--description", "Autumn", "--starting-date",
                            "2026-09-01", "--ending-date", "2026-10-31",
                            "--salesperson-code", "zz"],
         "POST", "/api/campaigns", {"description": "Autumn", "starting_date": "2026-09-01",
                                    "ending_date": "2026-10-31", "salesperson_code": "zz"},
         [(["campaign", "show", "CMP1002"], "/api/campaigns/CMP1002")])
    same("campaign dates out of order are refused",
         ["campaign", "update", "CMP1002", "--ending-date", "2026-08-01"],
         "PATCH", "/api/campaigns/CMP1002", {"ending_date": "2026-08-01"})
    same("add a number series", ["numseries", "add", "--code", "vis", "--description", "Visits"],
         "POST", "/api/number-series", {"code": "vis", "description": "Visits"},
         [(["numseries", "show", "VIS"], "/api/number-series/VIS")], "admin")
    same("add a series line", ["numseries", "line", "add", "vis", "--starting-no", "V0001",
                               "--warning-no", "V0002", "--ending-no", "V0003"],
         "POST", "/api/number-series/vis/lines",
         {"starting_no": "V0001", "warning_no": "V0002", "ending_no": "V0003"},
         [(["numseries", "line", "list", "VIS"], "/api/number-series/VIS/lines#items")], "admin")
    for i in range(4):
        out, body = same("take number %d" % (i + 1), ["numseries", "next", "vis"],
                         "POST", "/api/number-series/vis/next", {}, user="admin")
        if out is not None:
            eq("number %d is the same in both" % (i + 1), clean(body), clean(out))
    same("update a series line", ["numseries", "line", "update", "vis", "10000", "--open", "false"],
         "PATCH", "/api/number-series/vis/lines/10000", {"open": False},
         [(["numseries", "line", "list", "VIS"], "/api/number-series/VIS/lines#items")], "admin")
    same("a line number out of range is refused",
         ["numseries", "line", "delete", "vis", "99999999999999999999"],
         "DELETE", "/api/number-series/vis/lines/99999999999999999999", user="admin")
    same("set up marketing", ["setup", "set", "--default-salesperson-code", "zz"],
         "PATCH", "/api/setup", {"default_salesperson_code": "zz"},
         [(["setup", "show"], "/api/setup")], "admin")

    # ---- contacts -----------------------------------------------------------------------
    same("add a company", ["contact", "add", "--name", "Parity AS", "--city", "Bergen",
                           "--country-code", "no", "--email", "post@parity.example"],
         "POST", "/api/contacts", {"name": "Parity AS", "city": "Bergen", "country_code": "no",
                                   "email": "post@parity.example"})
    company = cli(["contact", "list", "--where", "name=Parity AS"])[1][0]["no"]
    same("add a person", ["contact", "add", "--type", "person", "--company-no", company.lower(),
                          "--first-name", "Per", "--surname", "Paritet", "--email",
                          "per@parity.example"],
         "POST", "/api/contacts", {"type": "person", "company_no": company.lower(),
                                   "first_name": "Per", "surname": "Paritet",
                                   "email": "per@parity.example"},
         [(["contact", "show", company], "/api/contacts/" + company),
          (["contact", "list", "--where", "company_no=" + company],
           "/api/contacts?where=company_no%3D" + company + "#items")])
    person = cli(["contact", "list", "--where", "type=person", "--where",
                  "company_no=" + company])[1][0]["no"]
    same("update a person", ["contact", "update", person, "--surname", "Likhet"],
         "PATCH", "/api/contacts/" + person, {"surname": "Likhet"},
         [(["contact", "show", person], "/api/contacts/" + person)])
    same("a company with persons cannot be deleted", ["contact", "delete", company],
         "DELETE", "/api/contacts/" + company)
    same("add a contact to delete", ["contact", "add", "--name", "Gone"],
         "POST", "/api/contacts", {"name": "Gone"})
    gone = cli(["contact", "list", "--where", "name=Gone"])[1][0]["no"]
    same("delete a contact", ["contact", "delete", gone], "DELETE", "/api/contacts/" + gone,
         reads=[(["contact", "list"], "/api/contacts#items")])

    # ---- interactions ------------------------------------------------------------------
    def entries():
        return [(["interaction", "list", "--limit", "500"], "/api/interactions#items")]

    out, _ = same("create an interaction", ["interaction", "create", "--contact", person.lower(),
                                            "--template", "visit", "--time", "09:30:00",
                                            "--description", "First visit"],
                  "POST", "/api/interactions",
                  {"contact_no": person.lower(), "interaction_template_code": "visit",
                   "time": "09:30:00", "description": "First visit"}, entries())
    first = out["entry_no"] if isinstance(out, dict) else 1
    same("create from an entry", ["interaction", "create", "--from-entry", str(first),
                                  "--template", "outgoing"],
         "POST", "/api/interactions",
         {"from_entry_no": first, "interaction_template_code": "outgoing"}, entries())
    same("postpone checks the contact", ["interaction", "create", "--template", "visit",
                                         "--postpone", "--contact", "CT999999"],
         "POST", "/api/interactions/postpone",
         {"contact_no": "CT999999", "interaction_template_code": "visit"})
    out, _ = same("postpone an interaction", ["interaction", "create", "--contact", company,
                                              "--description", "Call back", "--postpone"],
                  "POST", "/api/interactions/postpone",
                  {"contact_no": company, "description": "Call back"}, entries())
    postponed = out["entry_no"] if isinstance(out, dict) else 1
    same("resume it", ["interaction", "resume", str(postponed), "--template", "visit"],
         "POST", "/api/interactions/%d/resume" % postponed,
         {"interaction_template_code": "visit"}, entries())
    same("evaluate an entry", ["interaction", "evaluate", str(first), "--evaluation", "positive",
                               "--attempt-failed", "true"],
         "POST", "/api/interactions/%d/evaluate" % first,
         {"evaluation": "positive", "attempt_failed": True}, entries())
    same("cancel an entry", ["interaction", "cancel", str(first)],
         "POST", "/api/interactions/cancel", {"entry_nos": [first]}, entries())
    out, _ = same("postpone another", ["interaction", "create", "--contact", company,
                                       "--template", "visit", "--postpone"],
                  "POST", "/api/interactions/postpone",
                  {"contact_no": company, "interaction_template_code": "visit"}, entries())
    other = out["entry_no"] if isinstance(out, dict) else 1
    same("delete a postponed entry", ["interaction", "delete", str(other)],
         "DELETE", "/api/interactions/%d" % other, reads=entries())
    same("a normal entry cannot be deleted", ["interaction", "delete", str(first + 1)],
         "DELETE", "/api/interactions/%d" % (first + 1))
    same("an entry number out of range is refused",
         ["interaction", "show", "99999999999999999999"],
         "GET", "/api/interactions/99999999999999999999")
    same("delete canceled entries", ["interaction", "delete-canceled", "--template", "visit"],
         "POST", "/api/interactions/delete-canceled", {"interaction_template_code": "visit"},
         entries())

    # ---- segments ----------------------------------------------------------------------
    out, _ = same("create a segment", ["segment", "create", "--description", "Parity run",
                                       "--interaction-template-code", "abstract"],
                  "POST", "/api/segments",
                  {"description": "Parity run", "interaction_template_code": "abstract"})
    seg = out["no"] if isinstance(out, dict) else ""
    low = seg.lower()

    def seg_reads():
        return [(["segment", "show", seg], "/api/segments/" + seg),
                (["segment", "lines", seg], "/api/segments/%s/lines#items" % seg),
                (["segment", "steps", seg], "/api/segments/%s/steps#items" % seg)]

    same("add contacts by criteria", ["segment", "add", low, "--where", "country_code=GB"],
         "POST", "/api/segments/%s/add-contacts" % low, {"where": ["country_code=GB"]}, seg_reads())
    same("add a contact by hand", ["segment", "add", low, "--contact", company.lower()],
         "POST", "/api/segments/%s/lines" % low, {"contact_no": company.lower()}, seg_reads())
    same("add with interaction history", ["segment", "add", low, "--has-interaction", "outgoing",
                                          "--from", "2026-01-01", "--allow-existing"],
         "POST", "/api/segments/%s/add-contacts" % low,
         {"interaction_template_code": "outgoing", "from": "2026-01-01", "allow_existing": True},
         seg_reads())
    same("refine", ["segment", "refine", low, "--where", "type=company"],
         "POST", "/api/segments/%s/refine" % low, {"where": ["type=company"]}, seg_reads())
    same("reduce", ["segment", "reduce", low, "--where", "city=Cambridge"],
         "POST", "/api/segments/%s/reduce" % low, {"where": ["city=Cambridge"]}, seg_reads())
    same("undo", ["segment", "undo", low], "POST", "/api/segments/%s/undo" % low, {}, seg_reads())
    same("redo", ["segment", "redo", low], "POST", "/api/segments/%s/redo" % low, {}, seg_reads())
    same("a filter on an unknown field is refused", ["segment", "add", low, "--where", "bogus=1"],
         "POST", "/api/segments/%s/add-contacts" % low, {"where": ["bogus=1"]}, seg_reads())
    same("add the persons", ["segment", "add", low, "--where", "type=person"],
         "POST", "/api/segments/%s/add-contacts" % low, {"where": ["type=person"]}, seg_reads())
    line_nos = [x["line_no"] for x in cli(["segment", "lines", seg])[1]]
    check("the segment has lines to work on", len(line_nos) >= 2, line_nos)
    line_nos += [10000, 20000]
    same("personalise a line", ["segment", "line", "set", low, str(line_nos[0]),
                                "--interaction-template-code", "coverltr"],
         "PATCH", "/api/segments/%s/lines/%d" % (low, line_nos[0]),
         {"interaction_template_code": "coverltr"}, seg_reads())
    same("change the header", ["segment", "set", low, "--interaction-template-code", "outgoing"],
         "PATCH", "/api/segments/" + low, {"interaction_template_code": "outgoing"}, seg_reads())
    same("change the header for all lines", ["segment", "set", low, "--subject", "Hello",
                                             "--apply-to-all-lines"],
         "PATCH", "/api/segments/" + low, {"subject": "Hello", "apply_to_all_lines": True},
         seg_reads())
    same("a criteria date that is not a date is refused",
         ["segment", "add", low, "--has-interaction", "outgoing", "--from", "2026-13-01"],
         "POST", "/api/segments/%s/add-contacts" % low,
         {"interaction_template_code": "outgoing", "from": "2026-13-01"}, seg_reads())
    same("a campaign criterion in lower case", ["segment", "add", low, "--campaign", "cmp1001"],
         "POST", "/api/segments/%s/add-contacts" % low, {"campaign_no": "cmp1001"}, seg_reads())
    same("remove a line", ["segment", "line", "remove", low, str(line_nos[1])],
         "DELETE", "/api/segments/%s/lines/%d" % (low, line_nos[1]), reads=seg_reads())
    same("save the criteria", ["segment", "criteria", "save", low, "parity", "--description",
                               "Parity"],
         "POST", "/api/segments/%s/save-criteria" % low, {"code": "parity",
                                                          "description": "Parity"})
    out, _ = same("create another segment", ["segment", "create", "--description", "Replay"],
                  "POST", "/api/segments", {"description": "Replay"})
    replay = out["no"] if isinstance(out, dict) else ""
    same("reuse the saved criteria", ["segment", "criteria", "reuse", "parity", replay.lower()],
         "POST", "/api/segments/%s/reuse-criteria" % replay.lower(), {"code": "parity"},
         [(["segment", "show", replay], "/api/segments/" + replay),
          (["segment", "lines", replay], "/api/segments/%s/lines#items" % replay)])
    same("delete a segment", ["segment", "delete", replay.lower()],
         "DELETE", "/api/segments/" + replay.lower(),
         reads=[(["segment", "list"], "/api/segments#items")])
    out, body = same("log the segment", ["segment", "log", low, "--follow-up"],
                     "POST", "/api/segments/%s/log" % low, {"follow_up": True},
                     [(["segment", "list"], "/api/segments#items")] + entries())
    if out is not None:
        eq("the log results are the same", clean(body), clean(out))
    logged = out.get("logged_segment_entry_no", 1) if isinstance(out, dict) else 1

    def logged_reads():
        return [(["logged-segment", "list"], "/api/logged-segments#items"),
                (["logged-segment", "show", str(logged)], "/api/logged-segments/%d" % logged)]

    same("cancel the logged segment", ["logged-segment", "cancel", str(logged)],
         "POST", "/api/logged-segments/%d/cancel" % logged, {}, logged_reads() + entries())
    same("cancel it again", ["logged-segment", "cancel", str(logged)],
         "POST", "/api/logged-segments/%d/cancel" % logged, {}, logged_reads() + entries())
    same("reuse the logged segment", ["logged-segment", "reuse", str(logged), "--attempt-failed",
                                      "false"],
         "POST", "/api/logged-segments/%d/reuse" % logged, {"attempt_failed": False},
         [(["segment", "list"], "/api/segments#items")])
    same("reuse with an evaluation filter", ["logged-segment", "reuse", str(logged),
                                             "--evaluation", "positive", "--campaign-response"],
         "POST", "/api/logged-segments/%d/reuse" % logged,
         {"evaluation": "positive", "campaign_response": True},
         [(["segment", "list"], "/api/segments#items")])
    same("reuse with an unknown evaluation", ["logged-segment", "reuse", str(logged),
                                              "--evaluation", "Splendid"],
         "POST", "/api/logged-segments/%d/reuse" % logged, {"evaluation": "Splendid"},
         [(["segment", "list"], "/api/segments#items")])
    same_reads("the log, filtered", [
        (["interaction", "list", "--contact", company.lower()],
         "/api/interactions?contact_no=%s#items" % company.lower()),
        (["interaction", "list", "--template", "outgoing", "--from", "2026-01-01"],
         "/api/interactions?interaction_template_code=outgoing&from=2026-01-01#items"),
        (["interaction", "list", "--logged-segment", str(logged)],
         "/api/interactions?logged_segment_entry_no=%d#items" % logged),
        (["interaction", "list", "--canceled"], "/api/interactions?status=canceled#items"),
        (["interaction", "list", "--postponed"], "/api/interactions?status=postponed#items"),
    ], "ann")
    same("a logged segment entry of 0 is refused", ["logged-segment", "show", "0"],
         "GET", "/api/logged-segments/0")
    same_reads("after the log", [(["campaign", "show", "CMP1001"], "/api/campaigns/CMP1001"),
                                 (["contact", "show", company], "/api/contacts/" + company)],
               "ann")

    # ---- deletes of master data ------------------------------------------------------------
    same("show an attachment", ["template", "attachment", "show", "visit"],
         "GET", "/api/templates/visit/attachment", user="admin")
    same("a template in use cannot be deleted", ["template", "delete", "visit"],
         "DELETE", "/api/templates/visit", user="admin")
    same("update a group", ["group", "update", "visit", "--description", "Site visits"],
         "PATCH", "/api/groups/visit", {"description": "Site visits"},
         [(["group", "show", "VISIT"], "/api/groups/VISIT")], "admin")
    same("a group with templates cannot be deleted", ["group", "delete", "visit"],
         "DELETE", "/api/groups/visit", user="admin")
    same("update a number series", ["numseries", "update", "vis", "--manual-nos", "true"],
         "PATCH", "/api/number-series/vis", {"manual_nos": True},
         [(["numseries", "show", "VIS"], "/api/number-series/VIS")], "admin")
    same("delete a series line", ["numseries", "line", "delete", "vis", "10000"],
         "DELETE", "/api/number-series/vis/lines/10000",
         reads=[(["numseries", "line", "list", "VIS"], "/api/number-series/VIS/lines#items")],
         user="admin")
    same("delete a number series", ["numseries", "delete", "vis"],
         "DELETE", "/api/number-series/vis",
         reads=[(["numseries", "list"], "/api/number-series#items")], user="admin")
    same("delete a campaign", ["campaign", "delete", "cmp1002"], "DELETE", "/api/campaigns/cmp1002",
         reads=[(["campaign", "list"], "/api/campaigns#items")])
    same("set up marketing again", ["setup", "set", "--default-salesperson-code", ""],
         "PATCH", "/api/setup", {"default_salesperson_code": ""},
         [(["setup", "show"], "/api/setup")], "admin")
    same("a salesperson in use cannot be deleted", ["salesperson", "delete", "jo"],
         "DELETE", "/api/salespersons/jo", user="admin")
    same("a salesperson with entries cannot be deleted", ["salesperson", "delete", "zz"],
         "DELETE", "/api/salespersons/zz", reads=[(["salesperson", "list"], "/api/salespersons#items")], user="admin")

    # ---- numbers are refused alike --------------------------------------------------------
    for value in ["", "0", "-1", "+1", "1.5", "99999999999999999999"]:
        rc, _, err = cli(["contact", "list", "--limit=" + value])
        r = api("GET", "/api/contacts?limit=" + value)
        eq("limit %r is a usage error in both" % value, (2, 400, "usage"),
           (rc, r.status, (r.body.get("error") or {}).get("code")))
    r = api("GET", "/api/segments/%s/lines?after=abc" % seg)
    eq("a line cursor that is not a number is 400", 400, r.status)

    # ---- the two databases hold the same records ---------------------------------------
    def table_rows(db, table):
        cols = [c for c in table_columns(db, table) if c not in VOLATILE]
        q = "SELECT %s FROM %s ORDER BY %s" % (", ".join(cols), table,
                                              ", ".join(str(i + 1) for i in range(len(cols))))
        return cols, sql_at(db, q)

    tables = [t for t in table_names(s.db) if t not in SKIP_TABLES]
    for t in tables:
        a, b = table_rows(s.db, t), table_rows(cli_db, t)
        eq("table %s is the same after both runs" % t, a, b)
finally:
    s.stop()
finish()
