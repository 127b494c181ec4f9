#!/usr/bin/env python3
"""Write relm's man pages and bash and zsh completion from the built tool's --help texts.

    gen_docs.py RELM OUTDIR NOUN...

writes OUTDIR/relm.1, OUTDIR/relm-NOUN.1 for each NOUN, OUTDIR/relm (bash completion) and
OUTDIR/_relm (zsh completion). The build runs it (a custom_target, so meson installs and
uninstalls what it writes). `relm --help` lists the nouns (the noun table in cli/main.c)
and `relm NOUN --help` each noun's verbs and flags (the tables the CLI parses with), so the
pages and the completion say what the tool does without a second copy to keep in step.
The NOUNs are the build's list of pages to write; a list that differs from the tool's
nouns fails the build, so a new noun cannot go without its page.
"""
import os
import re
import subprocess
import sys


def help_text(relm, *args):
    env = dict(os.environ, RELM_DB='/nonexistent/relm.db')
    return subprocess.run([relm, *args, '--help'], check=True, capture_output=True,
                          text=True, env=env).stdout


def nouns_of(main_help):
    """(name, summary) of every noun in `relm --help`."""
    out, inside = [], False
    for line in main_help.splitlines():
        if line == 'nouns:':
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            m = re.match(r'  (\S+)\s+(.*)', line)
            if m:
                out.append((m.group(1), m.group(2)))
    return out


def verbs_of(noun, text):
    """{verb: [sub-verbs]} named by the usage lines and the verbs: list of a noun's help."""
    verbs = {}

    def add(words):
        # The leading lower-case words: a verb and perhaps its sub-verb ("line set").
        n = 0
        while n < len(words) and re.fullmatch(r'[a-z][a-z0-9-]*', words[n]):
            n += 1
        words = words[:n]
        if not words:
            return
        subs = verbs.setdefault(words[0], [])
        if len(words) > 1 and words[1] not in subs:
            subs.append(words[1])

    inside = False
    for line in text.splitlines():
        m = re.match(r'(?:usage:|      ) relm ' + re.escape(noun) + r' (.*)', line)
        if m:
            first = m.group(1).split()
            add(first[:1] + ([first[1]] if len(first) > 1 else []))
            continue
        if line == 'verbs:':
            inside = True
            continue
        if inside and not line.strip():
            inside = False
        if inside and re.match(r'  [a-z]', line):
            # One space joins a verb to its sub-verb; a wider gap starts the description.
            for part in line.strip().split(' | '):
                add(re.split(r'\s{2,}', part)[0].split(' ')[:2])
    return verbs


def flags_of(text):
    return sorted(set(re.findall(r'(?<![\w-])(--[a-z][a-z0-9-]*)', text)))


def roff(text):
    lines = []
    for line in text.rstrip('\n').splitlines():
        line = line.replace('\\', '\\e')
        if line.startswith(('.', "'")):
            line = '\\&' + line
        lines.append(line)
    return '\n'.join(lines)


def man_page(name, summary, version, text, see_also):
    return (f'.TH {name.upper()} 1 "" "relm {version}" "relm manual"\n'
            f'.SH NAME\n{name} \\- {roff(summary)}\n'
            f'.SH DESCRIPTION\n.nf\n{roff(text)}\n.fi\n'
            f'.SH SEE ALSO\n{see_also}\n')


def completion(globals_, nouns, verbs, flags):
    q = lambda words: ' '.join(words)
    out = ['# bash completion for relm (generated from relm --help by scripts/gen_docs.py)',
           '_relm()', '{',
           '    local cur=${COMP_WORDS[COMP_CWORD]} noun="" verb="" sub="" i w',
           '    for ((i = 1; i < COMP_CWORD; i++)); do',
           '        w=${COMP_WORDS[i]}',
           '        case $w in',
           '        --db) ((i++)) ;;',
           '        -*) ;;',
           '        *) if [ -z "$noun" ]; then noun=$w; elif [ -z "$verb" ]; then verb=$w;'
           ' elif [ -z "$sub" ]; then sub=$w; fi ;;',
           '        esac',
           '    done',
           '    if [ "${COMP_WORDS[COMP_CWORD-1]}" = --db ]; then',
           '        COMPREPLY=($(compgen -f -- "$cur"))',
           '        return',
           '    fi',
           '    if [ -z "$noun" ]; then',
           '        case $cur in',
           f'        -*) COMPREPLY=($(compgen -W "{q(globals_)}" -- "$cur")) ;;',
           f'        *) COMPREPLY=($(compgen -W "{q(n for n, _ in nouns)}" -- "$cur")) ;;',
           '        esac',
           '        return',
           '    fi',
           '    local words=""',
           '    case $cur in',
           '    -*)',
           '        case $noun in']
    for n, _ in nouns:
        out.append(f'        {n}) words="{q(sorted(set(flags[n]) | {"--json", "--db"}))}" ;;')
    out += ['        esac ;;',
            '    *)',
            '        if [ -z "$verb" ]; then',
            '            case $noun in']
    for n, _ in nouns:
        if verbs[n]:
            out.append(f'            {n}) words="{q(verbs[n])}" ;;')
    out += ['            esac',
            '        elif [ -z "$sub" ]; then',
            '            case "$noun $verb" in']
    for n, _ in nouns:
        for v, subs in verbs[n].items():
            if subs:
                out.append(f'            "{n} {v}") words="{q(subs)}" ;;')
    out += ['            esac',
            '        fi',
            '        if [ -z "$words" ]; then',
            '            COMPREPLY=($(compgen -f -- "$cur"))',
            '            return',
            '        fi ;;',
            '    esac',
            '    COMPREPLY=($(compgen -W "$words" -- "$cur"))',
            '}',
            'complete -F _relm relm', '']
    return '\n'.join(out)


def zsh_completion(globals_, nouns, verbs, flags):
    q = lambda words: ' '.join(words)
    esc = lambda text: text.replace("'", "'\\''").replace(':', '\\:')
    out = ['#compdef relm',
           '# zsh completion for relm (generated from relm --help by scripts/gen_docs.py)',
           '_relm() {',
           '    local noun="" verb="" sub="" i w cur=${words[CURRENT]}',
           '    local -a nouns cands',
           '    nouns=(']
    out += [f"        '{n}:{esc(summary)}'" for n, summary in nouns]
    out += ['    )',
            '    for ((i = 2; i < CURRENT; i++)); do',
            '        w=${words[i]}',
            '        case $w in',
            '        --db) ((i++)) ;;',
            '        -*) ;;',
            '        *) if [[ -z $noun ]]; then noun=$w; elif [[ -z $verb ]]; then verb=$w;'
            ' elif [[ -z $sub ]]; then sub=$w; fi ;;',
            '        esac',
            '    done',
            '    if [[ ${words[CURRENT-1]} == --db ]]; then',
            '        _files',
            '        return',
            '    fi',
            '    if [[ -z $noun ]]; then',
            '        if [[ $cur == -* ]]; then',
            f'            compadd -- {q(globals_)}',
            '        else',
            "            _describe 'noun' nouns",
            '        fi',
            '        return',
            '    fi',
            '    if [[ $cur == -* ]]; then',
            '        case $noun in']
    for n, _ in nouns:
        out.append(f'        {n}) cands=({q(sorted(set(flags[n]) | {"--json", "--db"}))}) ;;')
    out += ['        esac',
            '    elif [[ -z $verb ]]; then',
            '        case $noun in']
    for n, _ in nouns:
        if verbs[n]:
            out.append(f'        {n}) cands=({q(verbs[n])}) ;;')
    out += ['        esac',
            '    elif [[ -z $sub ]]; then',
            '        case "$noun $verb" in']
    for n, _ in nouns:
        for v, subs in verbs[n].items():
            if subs:
                out.append(f'        "{n} {v}") cands=({q(subs)}) ;;')
    out += ['        esac',
            '    fi',
            '    if ((${#cands})); then',
            '        compadd -- $cands',
            '    else',
            '        _files',
            '    fi',
            '}',
            '_relm "$@"', '']
    return '\n'.join(out)


def main():
    relm, outdir, expected = sys.argv[1], sys.argv[2], sys.argv[3:]
    version = subprocess.run([relm, '--version'], check=True, capture_output=True,
                             text=True).stdout.split()[1]
    main_help = help_text(relm)
    nouns = nouns_of(main_help)
    if [n for n, _ in nouns] != expected:
        sys.exit('gen_docs.py: relm --help lists the nouns %s, but the build expects %s; '
                 'update relm_nouns in meson.build' % ([n for n, _ in nouns], expected))
    verbs, flags = {}, {}
    summary = main_help.splitlines()[2].rstrip('.')
    pages = {'relm': man_page('relm', summary[:1].lower() + summary[1:], version, main_help,
                              ',\n'.join(f'.BR relm-{n} (1)' for n, _ in nouns))}
    for noun, summary in nouns:
        text = help_text(relm, noun)
        verbs[noun] = verbs_of(noun, text)
        flags[noun] = flags_of(text)
        pages['relm-' + noun] = man_page('relm-' + noun, summary, version, text, '.BR relm (1)')
    for name, page in pages.items():
        with open(os.path.join(outdir, name + '.1'), 'w') as f:
            f.write(page)
    globals_ = flags_of(main_help.split('options:', 1)[1].split('\n\n', 1)[0])
    with open(os.path.join(outdir, 'relm'), 'w') as f:
        f.write(completion(globals_, nouns, verbs, flags))
    with open(os.path.join(outdir, '_relm'), 'w') as f:
        f.write(zsh_completion(globals_, nouns, verbs, flags))


if __name__ == '__main__':
    main()
