#!/usr/bin/env python3
"""Every module a target imports is declared among its dependencies in Package.swift (a module reached only
through another target builds today and breaks when that target changes). Exit 1 naming each target that is not."""
import glob
import os
import re

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
pkg = open('Package.swift').read()
targets = {}
for m in re.finditer(r'\.(target|executableTarget|testTarget|systemLibrary)\(name: "([^"]+)"', pkg):
    kind, name = m.groups()
    i = m.end(); depth = 1
    while depth:
        c = pkg[i]; depth += (c == '(') - (c == ')'); i += 1
    rest = pkg[m.end():i]
    deps = set(re.findall(r'"([A-Za-z][A-Za-z0-9_-]*)"', rest))
    pm = re.search(r'path: "([^"]+)"', rest)
    targets[name] = (kind, deps, pm.group(1) if pm else None)
system = {'Foundation','Dispatch','Synchronization','Glibc','Testing','Darwin','FoundationEssentials'}
bad = 0
for name,(kind,deps,path) in targets.items():
    if kind == 'systemLibrary': continue
    path = path or (('Tests/' if kind=='testTarget' else 'Sources/')+name)
    imports=set()
    for f in glob.glob(path+'/**/*.swift', recursive=True):
        for line in open(f):
            mm = re.match(r'(?:@testable\s+)?import\s+(\w+)\s*$', line.strip())
            if mm: imports.add(mm.group(1))
    missing = imports - deps - system - {name}
    if missing: print(name, 'imports undeclared:', sorted(missing)); bad += 1
print(len(targets), "targets checked,", bad, "with undeclared imports")
raise SystemExit(1 if bad else 0)
