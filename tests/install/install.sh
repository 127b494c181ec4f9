#!/usr/bin/env bash
# What a packager installs: meson install into a staging directory, then a program
# outside the source tree built with the staged relm.pc, headers and shared library; the
# soname; the staged relm tool, its man pages and its bash and zsh completion; and that
# uninstalling (ninja uninstall) removes every file the install wrote (man pages and completion too).
: "${BUILDDIR:?BUILDDIR must name the meson build directory}"
: "${SRCDIR:?SRCDIR must name the source directory}"
RELM=relm # set to the staged tool below; lib.sh wants it named
. "$SRCDIR/tests/cli/lib.sh"
STAGE=$T/stage
trap 'exit 1' INT TERM # a timeout still removes $T (lib.sh's EXIT trap)

if meson install -C "$BUILDDIR" --no-rebuild --quiet --destdir "$STAGE" >"$T/install.log" 2>&1; then
    ok "meson install --destdir stages the install"
else
    not_ok "meson install --destdir stages the install" "$(cat "$T/install.log")"
    finish
    exit 1
fi

opt() { # opt NAME: a meson option of the build directory (prefix, libdir, ...)
    meson introspect --buildoptions "$BUILDDIR" |
        python3 -c "import json,sys; print([o['value'] for o in json.load(sys.stdin) if o['name'] == '$1'][0])"
}
prefix=$(opt prefix)
dir() { case $1 in /*) echo "$STAGE$1" ;; *) echo "$STAGE$prefix/$1" ;; esac; }
libdir=$(dir "$(opt libdir)")
incdir=$(dir "$(opt includedir)")
bindir=$(dir "$(opt bindir)")
mandir=$(dir "$(opt mandir)")
datadir=$(dir "$(opt datadir)")

# The library: a shared object with a soname, the static archive beside it.
soname=$(readelf -d "$libdir/librelm.so" 2>&1 | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
assert_eq "librelm.so carries the soname librelm.so.0" "librelm.so.0" "$soname"
[ -e "$libdir/librelm.so.0" ] && ok "the soname link is installed" || not_ok "the soname link is installed" "missing $libdir/librelm.so.0"
assert_eq "the shared library exports only relm_ names" "" \
    "$(nm -D --defined-only "$libdir/librelm.so" | awk '$3 !~ /^relm_/ && $3 != "RELM_0" {print $3}')"
[ -f "$libdir/librelm.a" ] && ok "the static library is installed" || not_ok "the static library is installed"

# The headers: only include/relm/*.h, each compiling on its own outside the tree.
assert_eq "the public headers are installed under include/relm" \
    "$(cd "$SRCDIR/include/relm" && ls *.h)" "$(cd "$incdir/relm" && ls)"
# relm.pc names its install paths (PREFIX); the sysroot puts the staging directory before them.
export PKG_CONFIG_SYSROOT_DIR=$STAGE PKG_CONFIG_PATH=$libdir/pkgconfig
if cflags=$(pkg-config --cflags relm 2>"$T/pc.err") && libs=$(pkg-config --libs relm 2>>"$T/pc.err"); then
    ok "pkg-config finds the staged relm.pc and its requirements"
else
    not_ok "pkg-config finds the staged relm.pc and its requirements" "$(cat "$T/pc.err")"
fi
assert_eq "relm.pc has the project's version" "$(sed -n "s/^#define RELM_VERSION \"\(.*\)\"/\1/p" "$SRCDIR/include/relm/relm.h")" "$(pkg-config --modversion relm)"
assert_contains "relm.pc keeps the storage library private" "sqlite3" "$(sed -n 's/^Requires.private: //p' "$libdir/pkgconfig/relm.pc")"
bad=""
for h in "$incdir"/relm/*.h; do
    for inc in $(sed -n 's/^#include "\(.*\)"/\1/p' "$h"); do
        [ -f "$incdir/$inc" ] || bad="$bad $(basename "$h"):$inc"
    done
    # shellcheck disable=SC2086
    printf '#include <relm/%s>\n' "$(basename "$h")" |
        cc -std=c11 -Wall -Wextra -Werror -fsyntax-only $cflags -x c - 2>>"$T/hdr.err" ||
        bad="$bad $(basename "$h")"
done
assert_eq "every public header includes only public headers and compiles alone" "" "$bad"
[ -z "$bad" ] || cat "$T/hdr.err"

# A consumer program: built against the staged files only (never the source tree).
cp "$SRCDIR/tests/install/consumer.c" "$T/consumer.c"
# shellcheck disable=SC2086
if (cd "$T" && cc -std=c11 -Wall -Werror -o consumer consumer.c $cflags $libs) 2>"$T/cc.err"; then
    ok "a program builds with the flags of the staged relm.pc"
else
    not_ok "a program builds with the flags of the staged relm.pc" "$(cat "$T/cc.err")"
fi
needed=$(readelf -d "$T/consumer" 2>/dev/null | sed -n 's/.*Shared library: \[\(librelm.*\)\]/\1/p')
assert_eq "it links the shared library by its soname" "librelm.so.0" "$needed"
out=$(LD_LIBRARY_PATH=$libdir "$T/consumer" "$T/consumer.db" 2>&1)
latest=$(LD_LIBRARY_PATH=$libdir "$bindir/relm" --version | sed 's/.*schema \([0-9]*\).*/\1/')
assert_eq "it creates a database, adds a salesperson and lists it" \
    "salesperson INST Installed Library
schema $latest of $latest, library $(pkg-config --modversion relm)" "$out"
assert_eq "the database it made is one the relm tool reads" "INST" \
    "$("$bindir/relm" --db "$T/consumer.db" --json salesperson show INST | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')"

# The tool.
assert_contains "the staged relm --version runs" "relm $(pkg-config --modversion relm) (schema" "$("$bindir/relm" --version 2>&1)"

# Man pages: relm.1 and one per noun, from the --help texts.
nouns=$("$bindir/relm" --help | sed -n '/^nouns:/,/^$/s/^  \([^ ]*\).*/\1/p')
missing=""
for n in $nouns; do [ -f "$mandir/man1/relm-$n.1" ] || missing="$missing relm-$n.1"; done
[ -f "$mandir/man1/relm.1" ] || missing="$missing relm.1"
assert_eq "a man page for relm and for every noun" "" "$missing"
page=$(MANWIDTH=100 man -l "$mandir/man1/relm-segment.1" 2>&1)
assert_contains "man relm-segment names the segment's flags" "--apply-to-all-lines" "$page"
assert_contains "man relm-segment has its summary" "relm-segment - segments: lines, criteria" "$page"
assert_contains "man relm lists the nouns" "logged-segment" "$(MANWIDTH=100 man -l "$mandir/man1/relm.1" 2>&1)"

# Bash completion.
comp=$datadir/bash-completion/completions/relm
complete_words() { # complete_words WORDS...: what <TAB> after WORDS offers
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _relm; echo "${COMPREPLY[*]}"' \
        _ "$comp" "$@"
}
assert_eq "relm seg<TAB> completes the noun" "segment" "$(complete_words relm seg)"
assert_eq "relm segment cr<TAB> completes the verb" "create criteria" "$(complete_words relm segment cr)"
assert_eq "relm segment line <TAB> offers its sub-verbs" "set remove" "$(complete_words relm segment line "")"
assert_eq "relm contact add --first<TAB> completes a field flag" "--first-name" "$(complete_words relm contact add --first)"
assert_eq "relm --ve<TAB> completes a global option" "--version" "$(complete_words relm --ve)"

# Zsh completion: the function zsh autoloads, run with stand-ins for zsh's completion
# builtins that print what would be offered (filtered by the word typed, as compadd does).
zcomp=$datadir/zsh/site-functions/_relm
zsh_words() { # zsh_words WORDS...: what <TAB> after WORDS offers
    zsh -f -c 'cur=${@[-1]}
        compadd() { [[ $1 == -- ]] && shift; local w; for w; do [[ $w == ${cur}* ]] && print -r -- $w; done; }
        _describe() { local w; for w in "${(@P)2}"; do w=${w%%:*}; [[ $w == ${cur}* ]] && print -r -- $w; done; }
        _files() { print -r -- "(files)"; }
        f=$1; shift; words=("$@"); CURRENT=$#
        source "$f"' _ "$zcomp" "$@" | tr '\n' ' ' | sed 's/ $//'
}
if [ -f "$zcomp" ] && command -v zsh >/dev/null; then
    assert_eq "zsh: the file is an autoloadable completion for relm" "#compdef relm" "$(head -1 "$zcomp")"
    assert_eq "zsh: relm seg<TAB> completes the noun" "segment" "$(zsh_words relm seg)"
    assert_eq "zsh: relm segment cr<TAB> completes the verb" "create criteria" "$(zsh_words relm segment cr)"
    assert_eq "zsh: relm segment line <TAB> offers its sub-verbs" "set remove" "$(zsh_words relm segment line "")"
    assert_eq "zsh: relm contact add --first<TAB> completes a field flag" "--first-name" "$(zsh_words relm contact add --first)"
    assert_eq "zsh: relm --ve<TAB> completes a global option" "--version" "$(zsh_words relm --ve)"
    assert_eq "zsh: relm --db <TAB> completes a file" "(files)" "$(zsh_words relm --db "")"
else
    not_ok "zsh completion is installed and zsh runs it" "missing $zcomp or zsh"
fi

# meson knows every file it installed (the install log `ninja uninstall` reads): the man
# pages and both completions included, so uninstalling leaves nothing behind.
log=$BUILDDIR/meson-logs/install-log.txt
for f in "$mandir/man1/relm.1" "$mandir/man1/relm-segment.1" "$comp" "$zcomp"; do
    grep -qxF "$f" "$log" && ok "the install log lists ${f#"$STAGE"}" || not_ok "the install log lists ${f#"$STAGE"}"
done
# Every path in the log lies in the staging directory, so uninstalling touches nothing else.
outside=$(grep -v '^#' "$log" | awk -v s="$STAGE" '$0 != s && index($0, s "/") != 1' || true)
assert_eq "the install log names only staged paths" "" "$outside"
if [ -z "$outside" ] && ninja -C "$BUILDDIR" uninstall >"$T/uninstall.log" 2>&1; then
    ok "ninja uninstall runs"
    assert_eq "ninja uninstall leaves no file behind" "" "$(find "$STAGE" -type f -o -type l)"
else
    not_ok "ninja uninstall runs" "$(cat "$T/uninstall.log" 2>/dev/null)"
fi

finish
