#!/usr/bin/env python3
"""docs/architecture.md agrees with Package.swift: its table names every target that is not a test target and no
target that is gone, each with the folder Package.swift gives it; its Mermaid graph (between <!-- graph:start -->
and <!-- graph:end -->) is the one generated here from the targets' `dependencies:` lists (internal targets only,
test targets left out); and every folder under Sources/ belongs to a target. Exit 1 naming each difference.

  python3 scripts/check-architecture.py           check
  python3 scripts/check-architecture.py --write   rewrite the Mermaid block in place, then check the rest"""
import difflib
import os
import re
import sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
DOC = 'docs/architecture.md'
START, END = '<!-- graph:start -->', '<!-- graph:end -->'


def call_end(text, i):
    """Index just past the `)` closing the call whose `(` is before `i`, skipping strings and // comments."""
    depth = 1
    while depth:
        c = text[i]
        if c == '"':
            i = text.index('"', i + 1) + 1
            continue
        if text.startswith('//', i):
            i = text.index('\n', i)
            continue
        depth += (c in '([') - (c in ')]')
        i += 1
    return i


def strip_comments(text):
    return re.sub(r'//[^\n]*', '', text)


def parse_package():
    """[(name, kind, path, [dependency strings])] in Package.swift's order."""
    pkg = open('Package.swift').read()
    targets = []
    for m in re.finditer(r'\.(target|executableTarget|systemLibrary|testTarget)\(\s*name:\s*"([^"]+)"', pkg):
        kind, name = m.groups()
        body = strip_comments(pkg[m.end():call_end(pkg, m.end()) - 1])
        deps = []
        d = re.search(r'\bdependencies:\s*\[', body)
        if d:
            listed = body[d.end():call_end(body, d.end()) - 1]
            # `.product(name:package:)` entries are other packages' products; what is left is targets, by name
            # ("X") or as `.target(name: "X")` / `.byName(name: "X")`.
            listed = re.sub(r'\.product\([^)]*\)', '', listed)
            deps = re.findall(r'"([^"]+)"', listed)
        p = re.search(r'\bpath:\s*"([^"]+)"', body)
        default = ('Tests/' if kind == 'testTarget' else 'Sources/') + name
        targets.append((name, kind, (p.group(1) if p else default).rstrip('/'), deps))
    return targets


def node(name):
    """A Mermaid node id: letters, digits and _ only (a `-` would read as part of an arrow)."""
    ident = re.sub(r'[^A-Za-z0-9_]', '_', name)
    return ident if ident == name else f'{ident}["{name}"]'


def mermaid(targets):
    shown = [t for t in targets if t[1] != 'testTarget']
    names = {t[0] for t in shown}
    lines = ['```mermaid', 'graph TD']
    for name, _, _, deps in shown:
        internal = sorted(set(d for d in deps if d in names))
        if internal:
            lines += [f'    {node(name)} --> {node(d)}' for d in internal]
        else:
            lines.append(f'    {node(name)}')
    lines.append('```')
    return '\n'.join(lines) + '\n'


def table_rows(doc):
    """(target, folder) of each row of the `| Target | Folder | Owns |` table."""
    rows, inside = [], False
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')] if line.lstrip().startswith('|') else None
        if cells and [c.lower() for c in cells[:3]] == ['target', 'folder', 'owns']:
            inside = True
            continue
        if inside:
            if cells is None:
                break
            if re.fullmatch(r':?-+:?', cells[0]):
                continue
            rows.append((cells[0].strip('`'), cells[1].strip('`').rstrip('/') if len(cells) > 1 else ''))
    return rows


def main():
    write = '--write' in sys.argv[1:]
    targets = parse_package()
    by_name = {t[0]: t for t in targets}
    problems = []

    doc = open(DOC).read()
    if doc.count(START) != 1 or doc.count(END) != 1 or doc.index(START) > doc.index(END):
        print(f'{DOC}: needs one {START} and, after it, one {END} around the Mermaid graph')
        return 1
    head, rest = doc.split(START)
    block, tail = rest.split(END)
    generated = '\n' + mermaid(targets)
    if block != generated:
        if write:
            doc = head + START + generated + END + tail
            with open(DOC, 'w') as f:
                f.write(doc)
            print(f'{DOC}: Mermaid graph rewritten from Package.swift')
        else:
            diff = difflib.unified_diff(block.splitlines(), generated.splitlines(), f'{DOC} (graph)',
                                        'generated from Package.swift', lineterm='')
            problems.append('the Mermaid graph differs from Package.swift\'s dependencies '
                            '(python3 scripts/check-architecture.py --write rewrites it):\n' + '\n'.join(diff))

    rows = table_rows(doc)
    if not rows:
        problems.append(f'{DOC} has no "| Target | Folder | Owns |" table')
    listed = {name for name, _ in rows}
    for name, kind, path, _ in targets:
        if kind != 'testTarget' and name not in listed:
            problems.append(f'target {name} ({path}) is in Package.swift but not in {DOC}\'s table')
    for name, folder in rows:
        if name not in by_name:
            problems.append(f'{DOC}\'s table names {name}, which is not a target in Package.swift')
        elif folder != by_name[name][2]:
            problems.append(f'{DOC}\'s table gives {name} the folder "{folder}"; Package.swift\'s is "{by_name[name][2]}"')

    paths = {t[2] for t in targets}
    for entry in sorted(os.listdir('Sources')):
        if os.path.isdir(os.path.join('Sources', entry)) and f'Sources/{entry}' not in paths:
            problems.append(f'Sources/{entry} is no target\'s folder in Package.swift')

    for p in problems:
        print(p)
    edges = sum(len(set(d for d in t[3] if d in by_name and by_name[d][1] != 'testTarget'))
                for t in targets if t[1] != 'testTarget')
    shown = sum(t[1] != 'testTarget' for t in targets)
    print(f'{shown} targets ({len(targets) - shown} test targets left out), {edges} dependencies:',
          f'{len(problems)} problem(s)' if problems else f'{DOC} agrees with Package.swift')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
