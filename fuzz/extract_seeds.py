#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Collect the scenarios and unit strings written inline in tests/ into
fuzz/seeds/ (the seed corpus of the fuzz targets; docs/fuzzing.md).

Scenario seeds: the default comparison (src/scenario/scenario.c), C string literals (adjacent literals and string macros such
as BASE joined) that contain "model:", heredocs and single-quoted strings of
the shell tests that contain "model:". Unit seeds: the string arguments of the
unit tests, one per file, and "QUANTITY\\nUNIT" pairs for the quantity and
conversion calls (the input format of fuzz_units.c).

Re-run after changing the tests:  python3 fuzz/extract_seeds.py
The files are named by a hash of their contents, so re-running adds only
what is new (delete fuzz/seeds/*/x-* first to drop stale ones)."""

import hashlib
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "seeds"

STR = r'"(?:[^"\\\n]|\\.)*"'
ESC = re.compile(r'\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{4}|[0-7]{1,3}|.)', re.S)
SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"',
          "'": "'", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "?": "?"}


def c_unescape(lit):
    """Bytes of one C string literal (with its quotes)."""
    out = bytearray()
    body = lit[1:-1]
    pos = 0
    for m in ESC.finditer(body):
        out += body[pos:m.start()].encode()
        e = m.group(1)
        if e[0] == "x":
            out.append(int(e[1:], 16))
        elif e[0] == "u":
            out += chr(int(e[1:], 16)).encode()
        elif e[0] in "01234567":
            out.append(int(e, 8) & 0xFF)
        else:
            out += SIMPLE.get(e, e).encode()
        pos = m.end()
    out += body[pos:].encode()
    return bytes(out)


def c_runs(text, macros):
    """Runs of adjacent string literals and string macros, joined."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    tok = re.compile(STR + r"|[A-Za-z_][A-Za-z0-9_]*|\S", re.S)
    run, runs = None, []
    for m in tok.finditer(text):
        t = m.group(0)
        if t.startswith('"'):
            run = (run or b"") + c_unescape(t)
        elif t in macros:
            run = (run or b"") + macros[t]
        else:
            if run is not None:
                runs.append(run)
            run = None
    if run is not None:
        runs.append(run)
    return runs


def c_macros(text):
    macros = {}
    for m in re.finditer(r"#define\s+(\w+)\s+((?:[^\n]*\\\n)*[^\n]*)", text):
        body = m.group(2).replace("\\\n", " ").strip()
        if body.startswith('"') and re.fullmatch(r'(\s*' + STR + r')+\s*', body):
            macros[m.group(1)] = b"".join(
                c_unescape(s) for s in re.findall(STR, body))
    return macros


def shell_scenarios(text):
    found = []
    for m in re.finditer(r"<<'?(\w+)'?\n(.*?)\n\1\n", text, re.S):
        found.append(m.group(2).encode() + b"\n")
    for m in re.finditer(r"(?:=|variant \S+ |printf )'([^']*model:[^']*)'",
                         text):
        s = m.group(1)
        if "\n" in s:
            found.append(s.encode() + b"\n")
        elif "\\n" in s:  # printf format
            found.append(s.replace("\\n", "\n").replace("\\t", "\t")
                         .encode())
    return found


def unit_calls(text):
    """(text, unit) pairs of the quantity and conversion calls, and every
    string argument of the unit-parser calls."""
    pairs, atoms = [], []
    for m in re.finditer(r"\b(check_q|qerr)\(\s*(" + STR + r")\s*,\s*(" + STR
                         + r")", text):
        pairs.append((c_unescape(m.group(2)), c_unescape(m.group(3))))
    for m in re.finditer(r"\b(check_conv|its_unit_convert)\(\s*[^,]+,\s*("
                         + STR + r")\s*,\s*(" + STR + r")", text):
        pairs.append((b"1 " + c_unescape(m.group(2)), c_unescape(m.group(3))))
    for m in re.finditer(r"\b(uerr|its_unit_parse|check_u\w*)\(\s*(" + STR
                         + r")", text):
        atoms.append(c_unescape(m.group(2)))
    return pairs, atoms


def write(kind, data):
    d = OUT / kind
    d.mkdir(parents=True, exist_ok=True)
    name = "x-" + hashlib.sha1(data).hexdigest()[:12]
    (d / name).write_bytes(data)


def main():
    scen = set()
    for path in sorted((ROOT / "tests").glob("*.c")):
        text = path.read_text(errors="replace")
        for run in c_runs(text, c_macros(text)):
            if b"model:" in run or b"therapy:" in run or b"arms:" in run:
                scen.add(run)
    # the default comparison of `itsim run` (arms of every regimen)
    text = (ROOT / "src" / "scenario" / "scenario.c").read_text(errors="replace")
    m = re.search(r"default_text\[\]\s*=(.*?);", text, re.S)
    if m:
        scen.add(b"".join(c_unescape(s) for s in re.findall(STR, m.group(1))))
    for path in sorted((ROOT / "tests" / "cli").glob("*.sh")):
        scen.update(shell_scenarios(path.read_text(errors="replace")))
    units = set()
    text = (ROOT / "tests" / "test_units.c").read_text(errors="replace")
    pairs, atoms = unit_calls(text)
    for q, u in pairs:
        units.add(q + b"\n" + u)
    units.update(atoms)
    for s in sorted(scen):
        write("scenario", s)
    for s in sorted(units):
        write("units", s)
    print(f"{len(scen)} scenario seeds, {len(units)} unit seeds in {OUT}")


if __name__ == "__main__":
    main()
