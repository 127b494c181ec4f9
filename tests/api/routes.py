#!/usr/bin/env python3
"""docs/openapi.yaml describes exactly the routes the server registers."""
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


served = set(routes())
doc = documented(os.path.join(SRCDIR, "docs", "openapi.yaml"))
check("the server registers routes", len(served) > 20, len(served))
eq("routes served but not documented", [], sorted(served - doc))
eq("routes documented but not served", [], sorted(doc - served))
check("every route but /healthz and /metrics is under /api/",
      all(p.startswith("/api/") or p in ("/healthz", "/metrics") for _, p in served))
finish()
