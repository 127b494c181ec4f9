#!/usr/bin/env python3
"""docs/openapi.yaml describes exactly the routes the server registers."""
import glob
import os
import re

from lib import SRCDIR, check, eq, finish, routes

METHODS = ("get", "post", "put", "patch", "delete")


def documented(path):
    """(METHOD, path) pairs under `paths:` of an OpenAPI file (two-space indented YAML)."""
    out, cur, in_paths = set(), None, False
    for line in open(path, encoding="utf-8"):
        if re.match(r"^\S", line):
            in_paths = line.startswith("paths:")
            continue
        if not in_paths:
            continue
        m = re.match(r"^  (/\S*):\s*$", line)
        if m:
            cur = m.group(1)
            continue
        m = re.match(r"^    (\w+):", line)
        if m and cur and m.group(1) in METHODS:
            out.add((m.group(1).upper(), cur))
    return out


def yaml_text():
    return open(os.path.join(SRCDIR, "docs", "openapi.yaml"), encoding="utf-8").read()


def documented_query_names(text):
    """Names of the parameters `in: query`, inline or under components/parameters."""
    return set(re.findall(r"name: '?(\w+)'?\n\s+in: query\b", text))


def served_query_names():
    """Query arguments the server reads: req_query(q, "NAME") and the ?where callback."""
    names = set()
    for f in glob.glob(os.path.join(SRCDIR, "server", "*.c")):
        code = open(f, encoding="utf-8").read()
        names |= set(re.findall(r'req_query\(\w+, "(\w+)"\)', code))
        names |= set(re.findall(r'strcmp\(key, "(\w+)"\)', code))
    return names


served = set(routes())
doc = documented(os.path.join(SRCDIR, "docs", "openapi.yaml"))
check("the server registers routes", len(served) > 20, len(served))
eq("routes served but not documented", [], sorted(served - doc))
eq("routes documented but not served", [], sorted(doc - served))
check("every route but /healthz and /metrics is under /api/",
      all(p.startswith("/api/") or p in ("/healthz", "/metrics") for _, p in served))

text = yaml_text()
# YAML 1.1 readers (PyYAML, many OpenAPI tools) take a bare no/yes/on/off for a boolean:
# a key or parameter name spelt so must be quoted, or a $ref to it finds nothing.
eq("no bare YAML 1.1 boolean as a key or name", [],
   re.findall(r"(?m)^\s*(?:- )?(?:(?:no|yes|on|off|y|n|No|Yes|NO|YES):|name: (?:no|yes|on|off)\s*$)",
              text))
components = {}
section = None
for line in text.splitlines():
    m = re.match(r"^  (\w+):\s*$", line)
    if m:
        section = m.group(1)
        continue
    m = re.match(r"^    '?(\w+)'?:", line)
    if m and section:
        components.setdefault(section, set()).add(m.group(1))
    if re.match(r"^\S", line):
        section = None
refs = set(re.findall(r"\$ref: '#/components/(\w+)/(\w+)'", text))
eq("every $ref names a component that exists", [],
   sorted("%s/%s" % r for r in refs if r[1] not in components.get(r[0], set())))
doc_q, served_q = documented_query_names(text), served_query_names()
check("query parameters are found in both", len(doc_q) > 10 and len(served_q) > 10,
      (doc_q, served_q))
eq("query arguments the server reads but the documentation does not name", [],
   sorted(served_q - doc_q))
eq("query parameters documented but read nowhere in the server", [], sorted(doc_q - served_q))
finish()
