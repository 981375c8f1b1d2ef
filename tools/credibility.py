#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The clinical shape of a tme trial (issue 12, "Done when"; docs/models/tme.md,
"Credibility in a trial"): for each arm the best responses, the share of
partial responses among responses, the waterfall of best changes in 10 %
bins, time to response; for HD IL-2 grade >= 3 by CTCAE term and the doses
given; for anti-PD-1 the response rate by TMB and clonal-share tercile.

    python3 tools/credibility.py DIR [ARM_HD_IL2] [ARM_PD1]

DIR is the output of `itsim trial` (outcomes.csv and trial.sqlite). Reads
only; standard library only (csv, sqlite3)."""
import csv
import sqlite3
import statistics
import sys


def grade3(row):
    return max(int(row[k] or 0) for k in row if k.startswith("worst_grade_")) >= 3


def arm_shape(arm, rows):
    done = [r for r in rows if r["status"] == "ITS_OK"]
    best = {}
    for r in done:
        best[r["best_response"]] = best.get(r["best_response"], 0) + 1
    cr, pr = best.get("CR", 0), best.get("PR", 0)
    n = len(done)
    print(f"\n{arm}: {n} patients (of {len(rows)}); best response "
          + ", ".join(f"{k} {v}" for k, v in sorted(best.items())))
    if n:
        print(f"  ORR {100 * (cr + pr) / n:.1f} %, CR {100 * cr / n:.1f} %, "
              f"PR share of responses {100 * pr / (cr + pr) if cr + pr else float('nan'):.1f} %")
    changes = sorted(float(r["best_change"]) for r in done if r["best_change"] not in ("", "nan"))
    bins = {}
    for x in changes:
        b = max(-100, min(100, int((x + 100) // 10) * 10 - 100))
        bins[b] = bins.get(b, 0) + 1
    print("  waterfall (best change, 10 % bins from -100; count):")
    print("   " + " ".join(f"{b:+d}:{bins.get(b, 0)}" for b in range(-100, 101, 10)))
    if changes:
        print(f"  best change: median {statistics.median(changes):+.1f} %, "
              f"any shrinkage {100 * sum(x < 0 for x in changes) / len(changes):.1f} %, "
              f"-30 % or more {100 * sum(x <= -30 for x in changes) / len(changes):.1f} %")
    ttr = sorted(float(r["ttr_days"]) for r in done if r["ttr_days"])
    if ttr:
        q = statistics.quantiles(ttr, n=4) if len(ttr) > 1 else [ttr[0]] * 3
        print(f"  time to response: median {statistics.median(ttr):.0f} d "
              f"({statistics.median(ttr) / 30.4375:.1f} months), IQR {q[0]:.0f}-{q[2]:.0f} d, n {len(ttr)}")
    g3 = sum(grade3(r) for r in rows)
    print(f"  grade >= 3 (any term): {100 * g3 / len(rows):.1f} %")
    return done


def toxicity(done):
    terms = sorted(k for k in done[0] if k.startswith("worst_grade_"))
    print("  grade >= 3 by term: " + ", ".join(
        f"{t[12:]} {100 * sum(int(r[t] or 0) >= 3 for r in done) / len(done):.1f} %"
        for t in terms if any(int(r[t] or 0) >= 3 for r in done)))
    given = sorted(int(r["doses_given"]) for r in done)
    planned = sorted(int(r["doses_planned"]) for r in done)
    print(f"  doses given: median {statistics.median(given):.0f} of {statistics.median(planned):.0f} "
          f"planned (quartiles {statistics.quantiles(given, n=4)})")


def by_tercile(db, done, name):
    con = sqlite3.connect(db)
    val = dict(con.execute("SELECT patient, value FROM patient_values WHERE name = ?", (name,)))
    con.close()
    pts = sorted((val[int(r["patient"])], r["best_response"] in ("CR", "PR"))
                 for r in done if int(r["patient"]) in val)
    if not pts:
        return
    k = len(pts) // 3
    parts = [pts[:k], pts[k:2 * k], pts[2 * k:]]
    print(f"  ORR by {name} tercile: " + "; ".join(
        f"{p[0][0]:.3g}-{p[-1][0]:.3g}: {100 * sum(x[1] for x in p) / len(p):.1f} % (n {len(p)})"
        for p in parts))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    il2 = sys.argv[2] if len(sys.argv) > 2 else "hd_il2"
    pd1 = sys.argv[3] if len(sys.argv) > 3 else "pembrolizumab"
    with open(f"{out}/outcomes.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    for arm in dict.fromkeys(r["arm"] for r in rows):
        done = arm_shape(arm, [r for r in rows if r["arm"] == arm])
        if arm == il2 and done:
            toxicity(done)
        if arm == pd1 and done:
            by_tercile(f"{out}/trial.sqlite", done, "tmb")
            by_tercile(f"{out}/trial.sqlite", done, "clonal_share")


if __name__ == "__main__":
    main()
