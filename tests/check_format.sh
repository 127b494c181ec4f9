#!/usr/bin/env bash
# The tree is formatted with the repository's .clang-format.
cd "${SRCDIR:-.}" || exit 1
if ! command -v clang-format >/dev/null; then
    echo "clang-format is not installed"; exit 1
fi
bad=0
while IFS= read -r f; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f"; bad=$((bad + 1))
    fi
done < <(git ls-files '*.c' '*.h' 2>/dev/null || find include lib cli tests bench -name '*.[ch]')
echo "$bad files not formatted"
[ "$bad" -eq 0 ]
