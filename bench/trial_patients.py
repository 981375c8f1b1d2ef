# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of bench/trial_bench.sh (issue 11): turn the patients stored by
`itsim trial` into single-patient scenario files, check the outcomes of the
separate `itsim run` processes against the trial's rows, and prepare the
same patient-years for R deSolve.

  trial_patients.py scenarios TRIAL_DIR OUT_DIR N
      one scenario per (patient, arm) for the first N patients of
      TRIAL_DIR/trial.sqlite: OUT_DIR/pNNNNN_ARM.yaml; prints the file names
  trial_patients.py check TRIAL_DIR RUNS_DIR N
      compares RUNS_DIR/pNNNNN_ARM/summary.json with the trial's outcome rows
  trial_patients.py desolve RUNS_DIR N ARM... > cases.txt
      the model, parameters, initial state, infusions and end time of each
      run (from its scenario.resolved.yaml, doses.csv and summary.json), one
      block per run, for bench/trial_desolve.R
  trial_patients.py burden RUNS_DIR DESOLVE_CSV
      compares deSolve's final tumour burden with itsim's
  trial_patients.py time TIMES_FILE LABEL -- COMMAND...
      runs COMMAND, appends "LABEL WALL_S CPU_S" (CPU: user + system of
      the command and its children) to TIMES_FILE and prints it
  trial_patients.py report OUT_DIR
      the table of bench/RESULTS.md from OUT_DIR/times.txt, cpu.csv and
      desolve.csv; ends with the line of ratios

A drawn patient (docs/trial.md, "What a draw stores") becomes a scenario as
the trial resolves it (src/scenario/trial_file.c):
  - model tme:N with N = n_lesions; the drawn population parameters;
  - weight, height and age in `patient:` (bsa: mosteller, as the trial file);
  - C_k = rho pi (d_k / 10 mm)^3 / 6 (rho in cell/mL, the tme default 1e9:
    the population does not draw it), computed in the same order of
    operations as the C code so that it is the same double, and
    K_k = C_k * 2 * m_k (tme's default K_k / C_k is 2 for every lesion;
    m_k the drawn multiplier lesion_k_K);
  - clinical.organs: the lesions' sites in lesion order;
  - the trial's clinical settings, horizon, output step and rtol 1e-6;
  - the arm's regimen as the scenario's one arm.
Numbers are written with repr(), which reads back as the same double.
"""
import csv
import json
import math
import os
import sqlite3
import sys

# Must mirror bench/trials/six_arms.yaml.
SITES = ["lung", "lymph node", "skin", "liver"]
CLINICAL = "{assess_every: 8 weeks, confirm_after: 28 d, organs: \"%s\"}"
SIMULATE = "{until: 365 d, output_every: 1 d, rtol: 1e-6}"
RHO_PER_ML = 1e9          # tme's rho (parameter set melanoma), not drawn
K_RATIO = 2.0             # tme's default K_k / C_k, every lesion
REGIMEN = {"untreated": None, "hd_il2": "hd_il2", "hd_ifn": "hd_ifn", "gmcsf": "gmcsf",
           "pembrolizumab": "pembrolizumab", "dacarbazine": "dacarbazine"}


def first_patients(db, n):
    rows = db.execute("SELECT patient FROM patients WHERE accepted = 1 "
                      "ORDER BY patient LIMIT ?", (n,)).fetchall()
    return [r[0] for r in rows]


def values(db, patient):
    return {name: (value, unit, kind) for name, value, unit, kind in db.execute(
        "SELECT name, value, unit, kind FROM patient_values WHERE patient = ?", (patient,))}


def cells_of_diameter(d_mm):
    d_cm = d_mm / 10.0
    return RHO_PER_ML * math.pi * d_cm * d_cm * d_cm / 6.0


def scenario(v, arm):
    nl = int(v["n_lesions"][0])
    params, initial, organs = [], [], []
    for name, (value, unit, kind) in sorted(v.items()):
        if kind == "parameter" and not name.startswith("lesion_") and name != "n_lesions":
            params.append("%s: %r%s" % (name, value, " " + unit if unit else ""))
    for k in range(1, nl + 1):
        c = cells_of_diameter(v["lesion_%d_diameter_mm" % k][0])
        initial.append("C_%d: %r" % (k, c))
        initial.append("K_%d: %r" % (k, c * K_RATIO * v["lesion_%d_K" % k][0]))
        organs.append(SITES[int(v["lesion_%d_site" % k][0])])
    lines = [
        "model: tme:%d" % nl,
        "patient: {weight: %r kg, height: %r cm, age: %r y, bsa: mosteller}"
        % (v["weight"][0], v["height"][0], v["age"][0]),
        "parameters: {%s}" % ", ".join(params),
        "initial: {%s}" % ", ".join(initial),
        "clinical: " + CLINICAL % ", ".join(organs),
        "simulate: " + SIMULATE,
        "arms:",
        "  - {name: %s%s}" % (arm, ", regimen: " + REGIMEN[arm] if REGIMEN[arm] else ""),
    ]
    return "\n".join(lines) + "\n"


def cmd_scenarios(trial_dir, out_dir, n):
    db = sqlite3.connect(os.path.join(trial_dir, "trial.sqlite"))
    arms = [r[0] for r in db.execute("SELECT id FROM arms ORDER BY arm")]
    os.makedirs(out_dir, exist_ok=True)
    for p in first_patients(db, n):
        v = values(db, p)
        for arm in arms:
            path = os.path.join(out_dir, "p%05d_%s.yaml" % (p, arm))
            with open(path, "w") as f:
                f.write(scenario(v, arm))
            print(path)


def close(a, b, tol):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol * max(abs(a), abs(b), 1.0)


def cmd_check(trial_dir, runs_dir, n):
    """Every endpoint of every run against the trial's row. Times and
    counts must be equal (the same double, or within 1e-9 relative for
    round-off in a time computed two ways); best_change within 1e-6 %."""
    db = sqlite3.connect(os.path.join(trial_dir, "trial.sqlite"))
    db.row_factory = sqlite3.Row
    checked = bad = 0
    worst = 0.0
    for p in first_patients(db, n):
        for row in db.execute("SELECT * FROM outcomes WHERE patient = ? ORDER BY arm", (p,)):
            arm = row["arm"]
            path = os.path.join(runs_dir, "p%05d_%s" % (p, arm), "summary.json")
            a = json.load(open(path))["arms"][0]
            c = a["clinical"]
            r = c["recist"]
            mine = {
                "status": "ITS_OK" if a["status"] == "ok" else a["status"],
                # the store keeps non-CR/non-PD as SD (docs/trial.md, outcomes)
                "best_response": "SD" if r["best_response"] == "NON-CR/NON-PD"
                                 else r["best_response"],
                "pfs_days": r["pfs"], "pfs_event": int(r["pfs_event"] not in (None, "censored")),
                "os_days": c["os"], "os_event": int(bool(c["os_event"])),
                "ttr_days": r["time_to_response"], "dor_days": r["response_duration"],
                "doses_given": c["doses"]["given"], "doses_held": c["doses"]["held"],
            }
            diffs = []
            for key, val in mine.items():
                ref = row[key]
                if isinstance(val, float) or isinstance(ref, float):
                    if not close(val, ref, 1e-9):
                        diffs.append("%s %r vs trial %r" % (key, val, ref))
                elif val != ref:
                    diffs.append("%s %r vs trial %r" % (key, val, ref))
            bc, ref = r["best_change_pct"], row["best_change"]
            if bc is not None and ref is not None:
                worst = max(worst, abs(bc - ref))
            if not close(bc, ref, 1e-8):
                diffs.append("best_change %r vs trial %r" % (bc, ref))
            checked += 1
            if diffs:
                bad += 1
                print("check: patient %d arm %s: %s" % (p, arm, "; ".join(diffs)))
    print("check: %d runs of %d patients against the trial's rows: %d differ "
          "(best response (non-CR/non-PD as SD, as the store keeps it), PFS, OS, TTR, DoR, events, doses given/held exactly or within "
          "1e-9 relative; best change within 1e-8 relative); largest best-change "
          "difference %.3g percentage points" % (checked, n, bad, worst))
    return 1 if bad else 0


def read_resolved(path):
    """The parts of an itsim scenario.resolved.yaml this bench needs (model,
    parameters, initial, therapy), without a YAML library (PyYAML is not a
    bench dependency): itsim writes them as `key: value` lines, two spaces
    deep, and the therapy as a list of maps."""
    res, section, item = {"therapy": []}, None, None
    for line in open(path):
        line = line.rstrip("\n")
        if not line or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            key, _, val = line.partition(":")
            section = key
            if val.strip() and key != "therapy":
                res[key] = val.strip().strip('"')
            elif key in ("parameters", "initial"):
                res[key] = {}
            continue
        if section in ("parameters", "initial"):
            key, _, val = line.strip().partition(":")
            res[section][key] = val.strip()
        elif section == "therapy":
            text = line.strip()
            if text.startswith("- "):
                item = {}
                res["therapy"].append(item)
                text = text[2:]
            key, _, val = text.partition(":")
            item[key.strip()] = val.strip().strip('"')
    return res


def number(q):
    return float(str(q).split()[0])


def cmd_desolve(runs_dir, n, arms):
    """One block per run: model, t_end, params, states, infusions
    (input, start, duration, rate x fraction given)."""
    runs = sorted(d for d in os.listdir(runs_dir) if os.path.isdir(os.path.join(runs_dir, d)))
    patients = sorted({d.split("_")[0] for d in runs})[:n]
    for d in runs:
        pid, arm = d.split("_", 1)
        if pid not in patients or arm not in arms:
            continue
        base = os.path.join(runs_dir, d)
        res = read_resolved(os.path.join(base, arm + ".scenario.resolved.yaml"))
        summ = json.load(open(os.path.join(base, arm + ".summary.json")))
        print("run %s %s %s %.17g" % (d, res["model"], arm, summ["t_reached"]))
        for k, q in res["parameters"].items():
            print("p %s %.17g" % (k, number(q)))
        for k, q in res["initial"].items():
            print("y %s %.17g" % (k, number(q)))
        dpath = os.path.join(base, arm + ".doses.csv")
        doses = list(csv.DictReader(open(dpath))) if os.path.exists(dpath) else []
        times = []
        for item in res.get("therapy") or []:
            every = number(item.get("every", 0))
            cycles = int(item.get("cycles", 1))
            cycle = number(item.get("cycle", 0))
            start = number(item.get("start", 0))
            for c in range(cycles):
                for i in range(int(item.get("count", 1))):
                    times.append((start + c * cycle + i * every, item["input"],
                                  number(item["duration"]), number(item["rate"])))
        times.sort()
        rows = [r for r in doses if r["kind"] == "infusion"]
        if len(rows) != len(times):
            sys.exit("desolve: %s: %d doses in doses.csv, %d in the resolved therapy"
                     % (d, len(rows), len(times)))
        for (t, inp, dur, rate), r in zip(times, rows):
            if abs(float(r["t"]) - t) > 1e-8 * max(1.0, t) or r["input"] != inp:
                sys.exit("desolve: %s: dose at %s is not the therapy's %r" % (d, r["t"], t))
            print("i %s %.17g %.17g %.17g" % (inp, t, dur, rate * float(r["given"])))
        print("end")


def final_burden(base, arm):
    with open(os.path.join(base, arm + ".timeseries.csv")) as f:
        rows = list(csv.reader(f))
    head, last = rows[0], rows[-1]
    return sum(float(last[i]) for i, h in enumerate(head) if h.startswith("C_"))


def cmd_burden(runs_dir, desolve_csv, tol=1e-3, floor=1e3):
    """|itsim - deSolve| <= tol * max(|a|, |b|, floor): relative 1e-3, with
    an absolute floor of 1e3 cells (an eradicated tumour: itsim sets a
    lesion below 1 cell to 0, deSolve lets it decay smoothly)."""
    worst, where, bad, n = 0.0, "", 0, 0
    for r in csv.DictReader(open(desolve_csv)):
        a = final_burden(os.path.join(runs_dir, r["run"]), r["arm"])
        b = float(r["burden"])
        e = abs(a - b) / max(abs(a), abs(b), floor)
        n += 1
        if e > worst:
            worst, where = e, "%s (itsim %.6g, deSolve %.6g cells)" % (r["run"], a, b)
        if e > tol:
            bad += 1
    print("burden: %d runs, final tumour burden itsim vs deSolve: largest difference "
          "%.3g relative at %s; %d beyond %g" % (n, worst, where, bad, tol))
    return 1 if bad else 0


def per_year(rows):
    """CPU ms per simulated patient-year of rows (cpu_ms, t_days)."""
    years = sum(t for _, t in rows) / 365.0
    return sum(c for c, _ in rows) / years if years > 0 else float("nan")


def cmd_report(out):
    times = {}
    for line in open(os.path.join(out, "times.txt")):
        f = line.split()
        times[f[0]] = (float(f[1]), float(f[2]), float(f[3]) if len(f) > 3 else -1.0)
    meta = dict(line.split("=", 1) for line in open(os.path.join(out, "meta.txt")).read().split())
    patients, subset, arms = int(meta["patients"]), int(meta["subset"]), int(meta["arms"])
    db = sqlite3.connect(os.path.join(out, "trial_t1", "trial.sqlite"))
    sim_days = db.execute("SELECT sum(t_reached_days) FROM outcomes").fetchone()[0]
    draws = db.execute("SELECT sum(value) FROM patient_values WHERE name = 'draw_attempt'"
                       ).fetchone()[0] or 0
    w1, c1, o1 = times["trial_t1"]
    w2, c2, o2 = times["trial_t2"]
    print("Virtual trial benchmark (bench/trial_bench.sh): %d patients x %d arms, paired, "
          "1 year, rtol 1e-6; acceptance %.1f %% (%d replacement draws)"
          % (patients, arms, 100.0 * patients / (patients + draws), draws))
    print("")
    print("| what | wall | CPU | patients/s | CPU ms per simulated patient-year | "
          "other processes' load (cores) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    py = sim_days / 365.0
    print("| itsim trial, 1 thread | %.1f s | %.1f s | %.2f | %.1f | %.2f |"
          % (w1, c1, patients / w1, 1e3 * c1 / py, o1))
    print("| itsim trial, 2 threads | %.1f s | %.1f s | %.2f | %.1f | %.2f |"
          % (w2, c2, patients / w2, 1e3 * c2 / py, o2))
    eff = w1 / (2.0 * w2)
    for label, what in (("runs_seq", "separate `itsim run` processes, one at a time"),
                        ("runs_p2", "separate `itsim run` processes, 2 at a time")):
        if label in times:
            w, c, o = times[label]
            print("| %s (first %d patients, extrapolated to %d: %.0f s) | %.1f s | %.1f s | %.2f "
                  "| | %.2f |" % (what, subset, patients, w * patients / subset, w, c, subset / w, o))
    print("")
    print("parallel efficiency at 2 threads T1 / (2 T2) = %.3f (target 0.90)" % eff)
    # in-process CPU per arm, from trial_cpu
    cpu = list(csv.DictReader(open(os.path.join(out, "cpu.csv"))))
    scen = os.path.join(out, "scenarios")

    def lesions(f):
        return int(open(os.path.join(scen, f)).readline().split(":")[-1])
    print("")
    print("| arm (in process, first %d patients) | runs | CPU ms per patient-year | "
          "3 lesions only | 3-lesion runs |" % subset)
    print("| --- | ---: | ---: | ---: | ---: |")
    per_arm = {}
    for r in cpu:
        arm = r["file"][7:-5]
        per_arm.setdefault(arm, []).append((float(r["cpu_ms"]), float(r["t_reached_days"]),
                                            lesions(r["file"])))
    hd3 = float("nan")
    for arm, rows in per_arm.items():
        three = [(c, t) for c, t, n in rows if n == 3]
        v3 = per_year(three) if three else float("nan")
        if arm == "hd_il2":
            hd3 = v3
        print("| %s | %d | %.1f | %.1f | %d |" % (arm, len(rows), per_year([(c, t) for c, t, _ in rows]),
                                               v3, len(three)))
    print("")
    print("HD IL-2, 3 lesions: %.1f ms CPU per treated patient-year (target 10 ms)" % hd3)
    ratio_desolve = float("nan")
    dpath = os.path.join(out, "desolve.csv")
    if os.path.exists(dpath):
        des = list(csv.DictReader(open(dpath)))
        mine = {r["file"][:-5]: (float(r["cpu_ms"]), float(r["t_reached_days"])) for r in cpu}
        print("")
        print("| same runs (first %d patients) | itsim CPU ms per patient-year | "
              "deSolve %s CPU ms per patient-year | deSolve / itsim |" % (subset, meta["method"]))
        print("| --- | ---: | ---: | ---: |")
        tot_i, tot_d = [], []
        for arm in sorted({r["arm"] for r in des}):
            d = [(1e3 * float(r["cpu_s"]), float(r["t_end"])) for r in des if r["arm"] == arm]
            i = [mine[r["run"]] for r in des if r["arm"] == arm]
            tot_i += i
            tot_d += d
            print("| %s | %.1f | %.1f | %.2f |" % (arm, per_year(i), per_year(d),
                                                  per_year(d) / per_year(i)))
        ratio_desolve = per_year(tot_d) / per_year(tot_i)
    ratio_proc = float("nan")
    if "runs_seq" in times:
        ratio_proc = (times["runs_seq"][0] / subset) / (w1 / patients)
    print("")
    print("patients_per_s_1t=%.3g patients_per_s_2t=%.3g efficiency_2t=%.3g "
          "hd_il2_3lesions_ms_per_year=%.3g ratio_processes=%.3g ratio_desolve=%.3g"
          % (patients / w1, patients / w2, eff, hd3, ratio_proc, ratio_desolve))
    return 0


def cmd_time(times_file, label, command):
    import resource
    import subprocess
    import time
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    b0 = machine_busy()
    t0 = time.monotonic()
    rc = subprocess.call(command)
    wall = time.monotonic() - t0
    b1 = machine_busy()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    # the other processes' load meanwhile: busy CPU time of the machine
    # (/proc/stat) minus the command's, in cores
    others = max(0.0, (b1 - b0 - cpu) / wall) if b0 is not None and b1 is not None else -1.0
    line = "%s %.3f %.3f %.2f" % (label, wall, cpu, others)
    with open(times_file, "a") as f:
        f.write(line + "\n")
    print("time: %s: %.2f s wall, %.2f s CPU; other processes used %.2f cores meanwhile"
          % (label, wall, cpu, others))
    return rc


def machine_busy():
    """Busy CPU seconds of the machine since boot (all but idle and iowait),
    or None without /proc/stat."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def main(argv):
    if len(argv) >= 5 and argv[0] == "time" and argv[3] == "--":
        return cmd_time(argv[1], argv[2], argv[4:])
    if len(argv) == 2 and argv[0] == "report":
        return cmd_report(argv[1])
    if len(argv) >= 4 and argv[0] == "scenarios":
        return cmd_scenarios(argv[1], argv[2], int(argv[3]))
    if len(argv) >= 4 and argv[0] == "check":
        return cmd_check(argv[1], argv[2], int(argv[3]))
    if len(argv) >= 4 and argv[0] == "desolve":
        return cmd_desolve(argv[1], int(argv[2]), argv[3:])
    if len(argv) == 3 and argv[0] == "burden":
        return cmd_burden(argv[1], argv[2])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
