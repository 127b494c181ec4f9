#!/usr/bin/env python3
"""web/i18n.js: the English and the Norwegian table each name a key once (a repeated key
in an object literal silently replaces the first text), both tables have the same keys,
and every key the web UI asks for by name (t('key'), tn('key', n), both sides of
t(cond ? 'a' : 'b'), tv('kind', 'value')) is in both. Reads the files as text: no browser."""
import glob
import os
import re
import sys

SRCDIR = os.environ.get("SRCDIR") or os.path.join(os.path.dirname(__file__), "..", "..")
WEB = os.path.join(SRCDIR, "web")
failures = []


def fail(what):
    failures.append(what)
    print("not ok - " + what)


def string_end(text, i):
    """Index after the JS string literal that starts at text[i] (a quote)."""
    q, j = text[i], i + 1
    while text[j] != q:
        j += 2 if text[j] == "\\" else 1
    return j + 1


def unquote(lit):
    return re.sub(r"\\(.)", r"\1", lit[1:-1])


def table(src, name):
    """(key, line) of every member of `const NAME = { ... };`, in order."""
    m = re.search(r"^const %s = \{\n(.*?)^\};" % name, src, re.S | re.M)
    if not m:
        sys.exit("web/i18n.js has no table %s" % name)
    text, base = m.group(1), src.count("\n", 0, m.start(1)) + 1
    out, i, n = [], 0, len(text)
    while True:
        while i < n and (text[i].isspace() or text[i] == ","):
            i += 1
        if i >= n:
            return out
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
            continue
        line = base + text.count("\n", 0, i)
        if text[i] in "'\"":
            j = string_end(text, i)
            key = unquote(text[i:j])
        else:
            km = re.compile(r"[A-Za-z_$][\w$]*").match(text, i)
            if not km:
                sys.exit("web/i18n.js line %d: cannot read %r" % (line, text[i:i + 40]))
            key, j = km.group(0), km.end()
        vm = re.compile(r"\s*:\s*(['\"`])").match(text, j)
        if not vm:
            sys.exit("web/i18n.js line %d: %s is not followed by ': TEXT'" % (line, key))
        i = string_end(text, vm.start(1))
        out.append((key, line))


def first_argument(text, i):
    """The text of the call argument that starts at text[i], up to its ',' or ')'."""
    depth, j = 0, i
    while j < len(text):
        c = text[j]
        if c in "'\"`":
            j = string_end(text, j)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif c == "," and depth == 0:
            break
        j += 1
    return text[i:j]


def used_keys():
    """{key: [file:line, ...]} of the keys named literally in calls of t, tn and tv."""
    used = {}
    for path in sorted(glob.glob(os.path.join(WEB, "*.js"))):
        if os.path.basename(path) == "i18n.js":
            continue
        text = open(path, encoding="utf-8").read()
        where = lambda pos: "%s:%d" % (os.path.basename(path), text.count("\n", 0, pos) + 1)
        for m in re.finditer(r"(?<![\w.$])(tn?)\(", text):
            arg = first_argument(text, m.end())
            for lit in re.finditer(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", arg):
                used.setdefault(unquote(lit.group(0)), []).append(where(m.start()))
        for m in re.finditer(r"(?<![\w.$])tv\(\s*'([^']+)'\s*,\s*'([^']+)'", text):
            used.setdefault("%s.%s" % (m.group(1), m.group(2)), []).append(where(m.start()))
    return used


src = open(os.path.join(WEB, "i18n.js"), encoding="utf-8").read()
keys = {}
for name in ("en", "nb"):
    members = table(src, name)
    seen = {}
    for key, line in members:
        if key in seen:
            fail("%s names %s twice (lines %d and %d): the second text replaces the first"
                 % (name, key, seen[key], line))
        seen.setdefault(key, line)
    keys[name] = set(seen)
    if len(members) < 100:
        fail("%s has only %d keys: the table was not read" % (name, len(members)))
for a, b in (("en", "nb"), ("nb", "en")):
    for key in sorted(keys[a] - keys[b]):
        fail("%s has %s, %s has not" % (a, key, b))
used = used_keys()
if len(used) < 100:
    fail("only %d keys found in calls of t(): the web files were not read" % len(used))
for key, places in sorted(used.items()):
    for name in ("en", "nb"):
        if key not in keys[name]:
            fail("%s asks for %s, which %s has not" % (", ".join(places), key, name))
if failures:
    print("%d failures" % len(failures))
    sys.exit(1)
print("ok - %d keys in each table, once each; %d keys used by name, all in both"
      % (len(keys["en"]), len(used)))
