#!/usr/bin/env python3
"""Compile the web UI's static files into a C table: embed_web.py OUT.c WEBDIR FILE...

Each file is served at its path below WEBDIR ("/index.html", "/js/app.js") with a MIME
type from its extension; nothing is fetched at run time.
"""
import os
import sys

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}

out, webdir, files = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3:]
with open(out, "w") as f:
    f.write("/* Generated at build time from web/ by scripts/embed_web.py. */\n")
    f.write('#include "http.h"\n\n')
    entries = []
    for i, path in enumerate(sorted(files)):
        rel = "/" + os.path.relpath(os.path.abspath(path), webdir).replace(os.sep, "/")
        ext = os.path.splitext(path)[1].lower()
        if ext not in TYPES:
            sys.exit("embed_web.py: no MIME type for %s" % path)
        data = open(path, "rb").read()
        f.write("static const unsigned char f%d[] = {" % i)
        for j in range(0, len(data), 16):
            f.write("\n    " + ", ".join("0x%02x" % b for b in data[j:j + 16]) + ",")
        f.write("\n    0x00};\n")
        entries.append((rel, TYPES[ext], "f%d" % i, len(data)))
    f.write("\nconst web_file_t relm_web_files[] = {\n")
    for rel, mime, name, size in entries:
        f.write('    {"%s", "%s", %s, %d},\n' % (rel, mime, name, size))
    f.write("};\n")
    f.write("const int relm_web_file_count = %d;\n" % len(entries))
