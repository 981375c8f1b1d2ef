#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the benchmark outputs of bench/run.sh and print the speed ratios.

    compare.py OUT_DIR

Reads OUT_DIR/<model>_<tool>.csv (tool: itsim, scipy, desolve, and the
optional desolvec: deSolve with a compiled-C model) and OUT_DIR/times.txt
(the one-line reports of the sweep programs). Two final values a, b agree
when |a - b| <= 1e-4 * max(|a|, |b|, 1): relative agreement to 1e-4, with an
absolute floor of 1e-4 model units for values below 1 (states are in cells,
IU/L, mg/L or KP's "au"). Prints the largest difference per model and pair
of tools (all pairs must agree), then, when everything agrees, the last line
    ratio_vs_scipy=X ratio_vs_desolve=Y
(total wall time of the peer / total wall time of itsim, both models).
Exits 1 if any value disagrees or a file is missing or inconsistent.
"""
import csv
import math
import os
import sys

MODELS = ("kirschner1998", "depillis2009")
PEERS = ("scipy", "desolve")
TOOLS = ("itsim",) + PEERS
PAIRS = (("itsim", "scipy"), ("itsim", "desolve"), ("scipy", "desolve"))
REL_TOL = 1e-4
FLOOR = 1.0


def load(path):
    with open(path, newline="") as fp:
        rows = list(csv.reader(fp))
    return rows[0], [[float(v) for v in r] for r in rows[1:]]


def max_diff(ref, other, states):
    """Largest |a-b|/max(|a|,|b|,FLOOR) and where it is."""
    worst = (0.0, -1, "")
    for ra, rb in zip(ref, other):
        for k, name in enumerate(states, start=1):
            a, b = ra[k], rb[k]
            d = abs(a - b) / max(abs(a), abs(b), FLOOR)
            if math.isnan(d):
                return (math.inf, int(ra[0]), name)
            if d > worst[0]:
                worst = (d, int(ra[0]), name)
    return worst


def sig3(x):
    """x > 0 to 3 significant figures, plain notation, zeros kept (45.0)."""
    v = float(f"{x:.3g}")
    return f"{v:.{max(0, 2 - math.floor(math.log10(v)))}f}"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: compare.py OUT_DIR")
    out = sys.argv[1]
    ok = True
    for model in MODELS:
        tools, pairs = TOOLS, PAIRS
        if os.path.exists(f"{out}/{model}_desolvec.csv"):  # optional extra
            tools, pairs = TOOLS + ("desolvec",), PAIRS + (("itsim", "desolvec"),)
        data = {tool: load(f"{out}/{model}_{tool}.csv") for tool in tools}
        header = data["itsim"][0]
        for a, b in pairs:
            (ha, ra), (hb, rb) = data[a], data[b]
            if ha != header or hb != header or len(ra) != len(rb) or not ra:
                print(f"{model}: {a} and {b} outputs differ in shape")
                ok = False
                continue
            d, run, state = max_diff(ra, rb, header[1:])
            verdict = "ok" if d <= REL_TOL else "FAIL"
            print(f"{model}: max rel diff {a} vs {b} = {d:.2e} "
                  f"(run {run}, state {state}) {verdict}")
            ok = ok and d <= REL_TOL
    if not ok:
        print("FAIL: final states do not agree within 1e-4 relative")
        sys.exit(1)

    times = {}
    with open(f"{out}/times.txt") as fp:
        for line in fp:
            f = line.split()
            if len(f) < 3:
                continue
            kv = dict(x.split("=", 1) for x in f[2:])
            times[(f[0].lower(), f[1])] = (int(kv["runs"]), float(kv["elapsed_s"]))
    total = {}
    for tool in TOOLS:
        runs = {times[(tool, m)][0] for m in MODELS}
        if len(runs) != 1 or runs != {times[("itsim", MODELS[0])][0]}:
            sys.exit(f"FAIL: {tool} did not run the same number of runs")
        total[tool] = sum(times[(tool, m)][1] for m in MODELS)
    if all(("desolvec", m) in times for m in MODELS):
        tc = sum(times[("desolvec", m)][1] for m in MODELS)
        print(f"(extra) ratio_vs_desolve_compiled={sig3(tc / total['itsim'])}")
    print(f"ratio_vs_scipy={sig3(total['scipy'] / total['itsim'])} "
          f"ratio_vs_desolve={sig3(total['desolve'] / total['itsim'])}")


if __name__ == "__main__":
    main()
