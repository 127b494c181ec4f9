#!/usr/bin/env python3
"""Compile numbered SQL migrations into a C array: embed_sql.py OUT.c FILE.sql...

NNN_name.sql is migration NNN for every engine. NNN_name.pg.sql, when given, replaces it on
PostgreSQL (only where the dialects differ); it needs the NNN_name.sql beside it.
pg_functions.sql (functions SQLite has as functions of the connection) becomes
relm_pg_functions.

The PostgreSQL text of every migration is adjusted for two differences of the engines:
SQLite's INTEGER holds 64 bits, PostgreSQL's 32, so INTEGER becomes BIGINT (entry numbers,
Unix times and bound 64-bit values compared with a column fit on both); SQLite compares
and sorts text by its bytes, PostgreSQL by the database's locale, so TEXT columns are
COLLATE "C" (the same order, the same ranges, whatever locale the database was made with)."""
import os
import re
import sys


def literal(sql):
    return '"' + sql.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n\"\n\"") + '"'


out = sys.argv[1]
common, pg = {}, {}
functions = ""
for path in sys.argv[2:]:
    name = os.path.basename(path)
    with open(path, encoding="utf-8") as src:
        sql = src.read()
    if name == "pg_functions.sql":
        functions = sql
    elif name.endswith(".pg.sql"):
        pg[name[: -len(".pg.sql")] + ".sql"] = sql
    else:
        common[name] = sql
missing = sorted(set(pg) - set(common))
if missing:
    sys.exit("embed_sql.py: PostgreSQL variant without a common migration: " + ", ".join(missing))
names = sorted(common)
with open(out, "w", encoding="utf-8") as f:
    f.write("/* Generated at build time from the numbered SQL migrations. */\n")
    f.write('#include "schema.h"\n\n')
    f.write("const relm_migration_t relm_migrations[] = {\n")
    for name in names:
        version = int(name.split("_", 1)[0])
        pg_text = re.sub(r"\bINTEGER\b", "BIGINT", pg.get(name, common[name]))
        pg_text = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', pg_text)
        pg_sql = literal(pg_text)
        f.write('    {%d, "%s",\n%s,\n%s},\n' % (version, name, literal(common[name]), pg_sql))
    f.write("};\n")
    f.write("const int relm_migration_count = %d;\n" % len(names))
    f.write("const char relm_pg_functions[] =\n%s;\n" % literal(functions))
