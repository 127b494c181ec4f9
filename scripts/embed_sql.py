#!/usr/bin/env python3
"""Compile numbered SQL migrations into a C array: embed_sql.py OUT.c FILE.sql..."""
import os
import sys

out, files = sys.argv[1], sorted(sys.argv[2:], key=os.path.basename)
with open(out, "w") as f:
    f.write("/* Generated at build time from the numbered SQL migrations. */\n")
    f.write('#include "schema.h"\n\n')
    f.write("const relm_migration_t relm_migrations[] = {\n")
    for path in files:
        name = os.path.basename(path)
        version = int(name.split("_", 1)[0])
        with open(path) as src:
            sql = src.read()
        lit = sql.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n\"\n\"")
        f.write('    {%d, "%s",\n"%s"},\n' % (version, name, lit))
    f.write("};\n")
    f.write("const int relm_migration_count = %d;\n" % len(files))
