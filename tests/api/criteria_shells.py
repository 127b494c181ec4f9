#!/usr/bin/env python3
"""The same criteria through the CLI and through the HTTP API select the same contacts.

Two equal databases (the demo data and the same interaction history): the server runs on
one, the CLI on the other. Each scenario builds a segment step by step with the same
inputs (codes in lower and mixed case, dates, evaluations, options) in both shells, then
compares no_of_lines, the lines' contacts and the recorded steps. The library normalises
every input, so no shell may differ."""
import json
import os
import subprocess

from lib import RELM, TODAY, Server, check, eq, finish, new_db, sql_at

HISTORY = [
    # entry_no, contact_no, company, date, template, salesperson, evaluation, canceled
    (9001, "CT000005", "CT000001", "2026-01-10", "NEWS", "JO", "positive", 0),
    (9002, "CT000007", "CT000002", "2026-02-10", "NEWS", "AH", "very_positive", 0),
    (9003, "CT000009", "CT000003", "2026-02-20", "ABSTRACT", "BD", "negative", 0),
    (9004, "CT000010", "CT000004", "2026-03-01", "OUTGOING", "JO", "", 0),
    (9005, "CT000008", "CT000002", "2026-03-02", "NEWS", "AH", "", 1),
]

SCENARIOS = [
    ("a lower-case template code", [
        ("add", {"interaction_template_code": "news"}),
    ]),
    ("mixed-case codes, dates and an evaluation", [
        ("add", {"interaction_template_code": "News", "salesperson_code": " jo ",
                 "from": "2026-01-01", "to": "2026-03-31"}),
        ("add", {"evaluation": "Very-Positive"}),
    ]),
    ("contact filters in lower case with expand_company", [
        ("add", {"where": ["no=ct000007"], "expand_company": True}),
        ("add", {"where": ["type=Person", "country_code=gb"], "allow_related_companies": True}),
    ]),
    ("reduce and refine with entire_companies", [
        ("add", {"ignore_exclusion": True, "allow_existing": True}),
        ("reduce", {"where": ["no=ct000005"], "entire_companies": True}),
        ("refine", {"interaction_template_code": "abstract", "entire_companies": True}),
    ]),
    ("canceled entries by choice", [
        ("add", {"interaction_template_code": "news", "canceled": "False"}),
        ("add", {"interaction_template_code": "NEWS", "canceled": "true", "to": "2026-03-31"}),
    ]),
    ("a template and a contact filter together", [
        ("add", {"where": ["city~o"], "interaction_template_code": "outgoing"}),
        ("add", {"where": ["salesperson_code=ah"]}),
        ("refine", {"where": ["type=person"]}),
    ]),
]

VERB = {"add": ("add", "add-contacts"), "reduce": ("reduce", "reduce"),
        "refine": ("refine", "refine")}


def seed(db):
    for row in HISTORY:
        sql_at(db, "INSERT INTO interaction_log_entry (entry_no, contact_no, contact_company_no, "
               "date, interaction_template_code, salesperson_code, evaluation, canceled) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", *row)


def query(db, sql, *params):
    return sql_at(db, sql, *params)


def cli_args(criteria):
    args = []
    for key, value in criteria.items():
        if key == "where":
            for w in value:
                args += ["--where", w]
        elif value is True:
            args.append("--" + key.replace("_", "-"))
        else:
            args += ["--" + key.replace("_", "-"), value]
    return args


s = Server()
try:
    cli_db = new_db(s.dir, "cli")
    env = dict(os.environ, RELM_DB=cli_db, RELM_TODAY=TODAY)
    env.pop("RELM_USER", None)

    def relm(*args):
        p = subprocess.run([RELM, *args], env=env, text=True, capture_output=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("relm %s: %s" % (" ".join(args), p.stderr))
        return json.loads(p.stdout) if "--json" in args else p.stdout

    relm("init", "--demo")
    seed(s.db)
    seed(cli_db)
    eq("the two databases start equal",
       query(s.db, "SELECT no, type, company_no, city, salesperson_code FROM contact ORDER BY no"),
       query(cli_db, "SELECT no, type, company_no, city, salesperson_code FROM contact ORDER BY no"))
    ann = s.client("ann")

    for name, steps in SCENARIOS:
        via_cli = relm("segment", "create", "--description", name, "--json")["no"]
        r = ann.post("/api/segments", {"description": name})
        via_api = r.body["no"]
        counts_cli, counts_api = [], []
        for action, criteria in steps:
            verb, path = VERB[action]
            out = relm("segment", verb, via_cli, *cli_args(criteria), "--json")
            counts_cli.append(out["added" if action == "add" else "removed"])
            r = ann.post("/api/segments/%s/%s" % (via_api, path), criteria)
            check("%s: %s through the API is 200" % (name, action), r.status == 200, r.body)
            counts_api.append(r.body.get("lines_added" if action == "add" else "lines_removed"))
        eq("%s: each step changes as many lines" % name, counts_cli, counts_api)
        shown = relm("segment", "show", via_cli, "--json")
        r = ann.get("/api/segments/" + via_api)
        eq("%s: no_of_lines" % name, shown["no_of_lines"], r.body.get("no_of_lines"))
        eq("%s: no_of_criteria_actions" % name, shown["no_of_criteria_actions"],
           r.body.get("no_of_criteria_actions"))
        lines_sql = ("SELECT line_no, contact_no FROM segment_line WHERE segment_no = ? "
                     "ORDER BY line_no")
        cli_lines = query(cli_db, lines_sql, via_cli)
        eq("%s: the same contacts on the same lines" % name, cli_lines,
           query(s.db, lines_sql, via_api))
        check("%s: selects someone (the comparison means something)" % name,
              len(cli_lines) > 0, cli_lines)
        steps_sql = ("SELECT step_no, action, filters, options FROM segment_criteria_step "
                     "WHERE segment_no = ? ORDER BY step_no")
        eq("%s: the same recorded steps" % name, query(cli_db, steps_sql, via_cli),
           query(s.db, steps_sql, via_api))
finally:
    s.stop()
finish()
