#!/usr/bin/env bash
# The tree is formatted with the repository's .clang-format. One clang-format process per
# batch of files (not per file), so the check stays quick on a loaded machine.
cd "${SRCDIR:-.}" || exit 1
if ! command -v clang-format >/dev/null; then
    echo "clang-format is not installed"; exit 1
fi
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find include lib cli server tests bench -name '*.[ch]')
bad=$(printf '%s\n' $files | xargs clang-format --dry-run --Werror 2>&1 |
    sed -n 's/^\([^:]*\.[ch]\):[0-9]*:[0-9]*: error:.*/\1/p' | sort -u)
for f in $bad; do echo "not formatted: $f"; done
n=$(printf '%s' "$bad" | grep -c .)
echo "$n files not formatted"
[ "$n" -eq 0 ]
