#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent cross-check of itsim's clinical read-outs (RECIST 1.1, CTCAE v5.0, doses).

Re-derives, from the raw data that `itsim run -o DIR` writes, the clinical
endpoints and compares them with what itsim reports.  Written only from the
specification in docs/clinical.md and the RECIST 1.1 / CTCAE v5.0 definitions;
it does not call itsim and was written without reading its C implementation.

Usage:  python3 tools/crosscheck_clinical.py DIR [DIR ...]

DIR is a single run (summary.json, assessments.csv, ...) or a comparison
(ID.summary.json, ID.assessments.csv, ... for each arm).  Prints PASS / FAIL /
NOTE per check and exits 1 if any check FAILs.

Checks per run:
  recist-meas   scan diameters = true diameters in clinical.csv at the scan time,
                with < detection_limit recorded as 0 (only if clinical.csv has diam_k)
  recist-roles  target / non-target selection (>= measurable, largest first,
                max 5, max 2 per organ)
  recist-rows   per scan: sum_mm, nadir_mm, change columns, target, nontarget,
                new_lesion, overall
  recist-summ   summary.json clinical.recist fields
  ctcae-rows    grade_* of every row of clinical.csv
  ctcae-worst   summary.json clinical.worst_grade vs the hourly rows (a summary
                grade one band above the hourly maximum is a NOTE: itsim also
                grades the pre/post-dose values, which clinical.csv lacks)
  ctcae-ae      worst grade per term in adverse_events.csv vs worst_grade
  doses         counts from doses.csv vs summary.json clinical.doses
  death         run end / death time vs clinical.csv (lethal burden)
"""
import csv
import json
import math
import os
import re
import sys

# ----------------------------------------------------------------------------
# small helpers

DAY_UNITS = {"d": 1.0, "day": 1.0, "days": 1.0, "h": 1 / 24.0, "hour": 1 / 24.0,
             "hours": 1 / 24.0, "min": 1 / 1440.0, "week": 7.0, "weeks": 7.0,
             "wk": 7.0, "w": 7.0, "s": 1 / 86400.0}


def fnum(s):
    if s is None:
        return None
    s = s.strip()
    if s == "" or s.lower() in ("nan", "null", "none", "na"):
        return None
    try:
        return float(s)
    except ValueError:
        return None


def close(a, b, rel=2e-4, ab=1e-6):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(ab, rel * max(abs(a), abs(b)))


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def parse_clinical_settings(yaml_path):
    """Minimal reader of the `clinical:` block of *.scenario.resolved.yaml."""
    cfg = {}
    if not os.path.exists(yaml_path):
        return cfg
    inblock = False
    with open(yaml_path) as f:
        for line in f:
            if re.match(r"^clinical:\s*$", line):
                inblock = True
                continue
            if inblock:
                if line.strip() == "" or line.lstrip().startswith("#"):
                    continue
                if not line.startswith(" "):
                    break
                m = re.match(r"^\s+([A-Za-z_]+):\s*(.*?)\s*$", line)
                if m:
                    cfg[m.group(1)] = m.group(2).strip().strip('"').strip("'")
            # also catch flow style  clinical: {a: b, ...}
            m = re.match(r"^clinical:\s*\{(.*)\}\s*$", line)
            if m:
                for part in m.group(1).split(","):
                    if ":" in part:
                        k, v = part.split(":", 1)
                        cfg[k.strip()] = v.strip().strip('"')
    return cfg


def qty(s, default, kind="time"):
    """'56 d' -> 56.0 (days); '10 mm' -> 10; '2 1e9/L' -> 2; 'true' -> True."""
    if s is None:
        return default
    if s.lower() in ("true", "false"):
        return s.lower() == "true"
    m = re.match(r"^([-+0-9.eE]+)\s*(.*)$", s)
    if not m:
        return default
    v = float(m.group(1))
    unit = m.group(2).strip()
    if kind == "time" and unit:
        v *= DAY_UNITS.get(unit, 1.0)
    if kind == "length" and unit == "cm":
        v *= 10.0
    return v


# ----------------------------------------------------------------------------
# report

class Report:
    def __init__(self):
        self.failed = False
        self.lines = []

    def add(self, status, name, msg):
        if status == "FAIL":
            self.failed = True
        self.lines.append("  %-4s %-13s %s" % (status, name, msg))


# ----------------------------------------------------------------------------
# RECIST 1.1

RANK = {"CR": 0, "PR": 1, "SD": 2, "NON-CR/NON-PD": 2, "PD": 3}


def recist(scans, cfg, organs, death):
    """scans: list of (t, [true or recorded diameters]).  Returns dict."""
    meas = cfg["measurable"]
    det = cfg["detection_limit"]
    nles = len(scans[0][1])

    def measure(d):
        return 0.0 if (d is None or d < det) else d

    m = [(t, [measure(d) for d in ds]) for t, ds in scans]
    base = m[0][1]
    # baseline selection
    visible = [i for i in range(nles) if base[i] > 0]
    cand = sorted([i for i in visible if base[i] >= meas], key=lambda i: -base[i])
    targets, per_organ = [], {}
    for i in cand:
        o = organs[i]
        if len(targets) < 5 and per_organ.get(o, 0) < 2:
            targets.append(i)
            per_organ[o] = per_organ.get(o, 0) + 1
    nontargets = [i for i in visible if i not in targets]
    absent0 = [i for i in range(nles) if base[i] == 0]
    roles = ["target" if i in targets else "non-target" if i in nontargets
             else "absent" for i in range(nles)]

    rows = []
    sums = []
    ntsums = []
    boundary = []
    for k, (t, ds) in enumerate(m):
        s = sum(ds[i] for i in targets)
        nts = sum(ds[i] for i in nontargets)
        new = any(ds[i] >= meas for i in absent0)
        nadir_prev = min(sums) if sums else s          # smallest earlier sum
        ntmin_prev = min(ntsums) if ntsums else nts
        if k == 0:
            rows.append(dict(t=t, sum=s, nadir=s, tr="baseline", ntr="baseline",
                             new=False, ov="baseline", chb=0.0, chn=0.0))
        else:
            b0 = sums[0]
            if targets:
                pd = s >= 1.2 * nadir_prev and s - nadir_prev >= 5.0
                # boundary flag (6 significant digits in the CSV)
                for lhs, rhs in ((s, 1.2 * nadir_prev), (s - nadir_prev, 5.0),
                                 (s, 0.7 * b0)):
                    if abs(lhs - rhs) < 1e-4 * max(1.0, abs(rhs)):
                        boundary.append(t)
                if pd:
                    tr = "PD"
                elif all(ds[i] == 0 for i in targets):
                    tr = "CR"
                elif s <= 0.7 * b0:
                    tr = "PR"
                else:
                    tr = "SD"
            else:
                tr = None
            if nontargets:
                if nts >= 1.5 * ntmin_prev and nts - ntmin_prev >= 10.0:
                    ntr = "PD"
                elif all(ds[i] == 0 for i in nontargets):
                    ntr = "CR"
                else:
                    ntr = "NON-CR/NON-PD"
            else:
                ntr = None
            # Table 1 / Table 2
            if tr == "PD" or ntr == "PD" or new:
                ov = "PD"
            elif tr is None:
                ov = {"CR": "CR", "NON-CR/NON-PD": "NON-CR/NON-PD"}.get(ntr, "NE")
            elif tr == "CR":
                ov = "CR" if ntr in (None, "CR") else "PR"
            else:
                ov = tr
            chb = 100.0 * (s - b0) / b0 if b0 > 0 else None
            chn = 100.0 * (s - nadir_prev) / nadir_prev if nadir_prev > 0 else None
            rows.append(dict(t=t, sum=s, nadir=nadir_prev, tr=tr, ntr=ntr, new=new,
                             ov=ov, chb=chb, chn=chn))
        sums.append(s)
        ntsums.append(nts)

    # --- best overall response with confirmation (Table 3 as in clinical.md)
    post = rows[1:]
    ipd = next((k for k, r in enumerate(post) if r["ov"] == "PD"), None)
    pre = post if ipd is None else post[:ipd]       # scans before first PD
    ca, sdmin = cfg["confirm_after"], cfg["sd_min"]

    def confirmed(k, level):
        """response at pre[k]; level 'CR' or 'PR'."""
        ok = ("CR",) if level == "CR" else ("CR", "PR")
        if ca <= 0:
            return True
        for j in range(k + 1, len(pre)):
            if pre[j]["ov"] not in ok:
                return False                       # something worse in between
            if pre[j]["t"] - pre[k]["t"] >= ca - 1e-9:
                return True
        return False

    best, t_resp = None, None
    for level in ("CR", "PR"):
        for k, r in enumerate(pre):
            if r["ov"] in (("CR",) if level == "CR" else ("CR", "PR")) and confirmed(k, level):
                best, t_resp = level, r["t"]
                break
        if best:
            break
    if best == "CR":
        # time to response = first scan of a confirmed response (CR or PR)
        for k, r in enumerate(pre):
            if r["ov"] in ("CR", "PR") and confirmed(k, "PR"):
                t_resp = min(t_resp, r["t"])
                break
    if best is None:
        sd_ok = any(r["t"] - rows[0]["t"] >= sdmin - 1e-9 for r in pre)
        if not post:
            best = "NE"
        elif sd_ok:
            best = "NON-CR/NON-PD" if not targets else "SD"
        else:
            best = "PD"

    t_last = rows[-1]["t"]
    t_pd = post[ipd]["t"] if ipd is not None else None
    # PFS
    ev_times = [(t_pd, "progression")] if t_pd is not None else []
    if death is not None:
        ev_times.append((death, "death"))
    if ev_times:
        pfs, pfs_ev = min(ev_times, key=lambda x: x[0])
    else:
        pfs, pfs_ev = t_last, "censored"
    # duration of response
    dur, cens = None, False
    if t_resp is not None:
        ends = [x for x in (t_pd, death) if x is not None and x >= t_resp]
        if ends:
            dur, cens = min(ends) - t_resp, False
        else:
            dur, cens = t_last - t_resp, True
    # durable response: begins within 12 months, lasts >= 6 months
    durable_variants = set()
    for mo12, mo6 in ((365.0, 182.5), (365.25, 182.625), (360.0, 180.0), (365.0, 183.0)):
        durable_variants.add(bool(t_resp is not None and t_resp <= mo12 and dur >= mo6))
    # best change: smallest change from baseline over post-baseline scans up to
    # and including the first PD
    upto = post if ipd is None else post[:ipd + 1]
    chs = [r["chb"] for r in upto if r["chb"] is not None]
    best_change = min(chs) if chs else None
    nadir_all = min(sums)
    nadir_prepd = min(sums[:1 + (len(post) if ipd is None else ipd + 1)])
    return dict(rows=rows, roles=roles, targets=targets, nontargets=nontargets,
                best=best, t_resp=t_resp, dur=dur, cens=cens,
                durable=durable_variants, pfs=pfs, pfs_ev=pfs_ev, t_pd=t_pd,
                best_change=best_change, baseline=sums[0], nadir_all=nadir_all,
                nadir_prepd=nadir_prepd, boundary=boundary, nscans=len(rows))


def check_recist(rep, pre, d, cfg, summ):
    ap = os.path.join(d, pre + "assessments.csv")
    if not os.path.exists(ap):
        rep.add("FAIL", "recist", "no %s" % ap)
        return
    arows = read_csv(ap)
    # lesion columns: NAME_mm followed by role_k (NAME is the model's
    # diameter observable: diam_k for tme, diameter for hahnfeldt1999)
    keys = list(arows[0].keys())
    cols = [keys[i] for i in range(len(keys) - 1)
            if keys[i].endswith("_mm") and re.match(r"^role_\d+$", keys[i + 1])]
    nles = len(cols)
    scans = [(float(r["t"]), [fnum(r[c]) for c in cols]) for r in arows]

    # organs
    org = cfg.get("organs_raw")
    organs = list(range(nles))
    if org:
        parts = [p.strip() for p in org.split(",")]
        if len(parts) == nles:
            organs = parts
        else:
            rep.add("NOTE", "recist", "organs list has %d entries for %d lesions"
                    % (len(parts), nles))

    # measurement vs true diameters in clinical.csv (optional)
    cp = os.path.join(d, pre + "clinical.csv")
    if os.path.exists(cp):
        crow = read_csv(cp)
        dc = [c[:-len("_mm")] for c in cols]
        if crow and all(c in crow[0] for c in dc):
            ct = [float(r["t"]) for r in crow]
            bad = []
            for t, ds in scans:
                j = min(range(len(ct)), key=lambda i: abs(ct[i] - t))
                if abs(ct[j] - t) > 1e-6:
                    bad.append("t=%g: no clinical.csv row" % t)
                    continue
                for k in range(nles):
                    tru = fnum(crow[j][dc[k]])
                    exp = 0.0 if tru < cfg["detection_limit"] else tru
                    if not close(exp, ds[k] or 0.0, rel=2e-5, ab=1e-4):
                        bad.append("t=%g L%d true=%g recorded=%s" % (t, k + 1, tru, ds[k]))
            rep.add("FAIL" if bad else "PASS", "recist-meas",
                    "%d scans x %d lesions%s" % (len(scans), nles,
                                                 ("; " + "; ".join(bad[:4])) if bad else ""))

    # death for PFS
    c = summ.get("clinical", {})
    death = c.get("death")
    r = recist(scans, cfg, organs, death)

    # roles
    bad = []
    for k in range(nles):
        rc = "role_%d" % (k + 1)
        if rc in arows[0]:
            it = arows[0][rc].strip().lower()
            if it != r["roles"][k] and not (r["roles"][k] == "absent" and it in ("", "absent", "none", "-")):
                bad.append("L%d mine=%s itsim=%s" % (k + 1, r["roles"][k], it))
    rep.add("FAIL" if bad else "PASS", "recist-roles",
            "targets=%s non-targets=%s%s" % ([i + 1 for i in r["targets"]],
                                            [i + 1 for i in r["nontargets"]],
                                            ("; " + "; ".join(bad)) if bad else ""))

    # per-scan rows
    bad, notes = [], []
    for a, m in zip(arows, r["rows"]):
        t = m["t"]
        for col, mine in (("sum_mm", m["sum"]), ("nadir_mm", m["nadir"])):
            if not close(fnum(a[col]), mine, rel=2e-5, ab=1e-3):
                bad.append("t=%g %s mine=%.6g itsim=%s" % (t, col, mine, a[col]))
        for col, mine in (("change_baseline_pct", m["chb"]), ("change_nadir_pct", m["chn"])):
            if col in a and not close(fnum(a[col]), mine, rel=1e-3, ab=2e-3):
                bad.append("t=%g %s mine=%s itsim=%s" % (t, col, mine, a[col]))
        for col, mine in (("target", m["tr"]), ("nontarget", m["ntr"]), ("overall", m["ov"])):
            it = a[col].strip().upper()
            mv = (mine or "").upper()
            if it != mv and not (mine is None and it in ("", "NA", "NE", "NONE", "-")):
                (notes if t in r["boundary"] else bad).append(
                    "t=%g %s mine=%s itsim=%s" % (t, col, mine, a[col]))
        if "new_lesion" in a and int(float(a["new_lesion"] or 0)) != int(m["new"]):
            bad.append("t=%g new_lesion mine=%d itsim=%s" % (t, m["new"], a["new_lesion"]))
    if len(arows) != len(r["rows"]):
        bad.append("row count %d vs %d" % (len(arows), len(r["rows"])))
    seq = "".join({"baseline": "B", "CR": "C", "PR": "P", "SD": "S", "PD": "D"}.get(m["ov"], "?")
                  for m in r["rows"])
    rep.add("FAIL" if bad else "PASS", "recist-rows",
            "%d scans, overall %s%s" % (len(arows), seq, ("; " + "; ".join(bad[:6])) if bad else ""))
    for n in notes:
        rep.add("NOTE", "recist-rows", "boundary (6-digit CSV) " + n)

    # summary
    s = c.get("recist", {})
    bad = []

    def cmp(key, mine, ok):
        if key not in s:
            bad.append("%s missing" % key)
        elif not ok(s[key], mine):
            bad.append("%s mine=%s itsim=%s" % (key, mine, s[key]))

    eqf = lambda a, b: (a is None and b is None) or (a is not None and b is not None and close(float(a), float(b), rel=1e-6, ab=1e-6))
    eqf5 = lambda a, b: (a is None and b is None) or (a is not None and b is not None and close(float(a), float(b), rel=2e-5, ab=2e-4))
    eq = lambda a, b: a == b
    cmp("assessments", r["nscans"], eq)
    cmp("targets", len(r["targets"]), eq)
    cmp("non_targets", len(r["nontargets"]), eq)
    cmp("assess_every", cfg["assess_every"], eqf)
    cmp("confirm_after", cfg["confirm_after"], eqf)
    cmp("baseline_sum_mm", r["baseline"], eqf5)
    if r["nadir_all"] != r["nadir_prepd"] and "nadir_sum_mm" in s:
        rep.add("NOTE", "recist-summ", "nadir over all scans %.6g differs from nadir up to PD %.6g; itsim %s"
                % (r["nadir_all"], r["nadir_prepd"], s["nadir_sum_mm"]))
        cmp("nadir_sum_mm", None, lambda a, b: eqf5(a, r["nadir_all"]) or eqf5(a, r["nadir_prepd"]))
    else:
        cmp("nadir_sum_mm", r["nadir_all"], eqf5)
    cmp("best_change_pct", r["best_change"], lambda a, b: (a is None and b is None) or
        (a is not None and b is not None and close(float(a), float(b), rel=1e-4, ab=1e-3)))
    cmp("best_response", r["best"], lambda a, b: str(a).upper() == str(b).upper())
    cmp("responder", r["best"] in ("CR", "PR"), eq)
    cmp("time_to_response", r["t_resp"], eqf)
    cmp("response_duration", r["dur"], eqf)
    cmp("response_censored", r["cens"], eq)
    if len(r["durable"]) > 1:
        rep.add("NOTE", "recist-summ", "durable response depends on the month length (ambiguous)")
        cmp("durable_response", None, lambda a, b: a in r["durable"])
    else:
        cmp("durable_response", next(iter(r["durable"])), eq)
    cmp("pfs", r["pfs"], eqf)
    cmp("pfs_event", r["pfs_ev"], eq)
    cmp("t_progression", r["t_pd"], eqf)
    rep.add("FAIL" if bad else "PASS", "recist-summ",
            "BOR=%s best_change=%s TTR=%s DoR=%s%s durable=%s PFS=%s(%s)%s" % (
                r["best"], None if r["best_change"] is None else "%.3f%%" % r["best_change"],
                r["t_resp"], r["dur"], "+" if r["cens"] else "", "/".join(map(str, sorted(r["durable"]))),
                "%g" % r["pfs"], r["pfs_ev"], ("; " + "; ".join(bad)) if bad else ""))


# ----------------------------------------------------------------------------
# CTCAE v5.0

TERMS = ["hypotension", "fever", "flu_like", "fatigue", "neutropenia", "irae"]
OBS = {"hypotension": "SBP", "fever": "temperature", "flu_like": "flu_like",
       "fatigue": "fatigue_level", "neutropenia": "ANC", "irae": "irae_level"}


def bands(term, v, lln):
    """(instantaneous grade without persistence, list of thresholds)."""
    if term == "hypotension":
        th = [100, 90, 80, 70]
        g = sum(v < x for x in th)
    elif term == "fever":
        th = [38.0, 39.0, 40.0]
        g = (v >= 38.0) + (v > 39.0) + (v > 40.0)
    elif term == "flu_like":
        th = [0.2, 0.5, 0.8]
        g = sum(v >= x for x in th)
    elif term == "fatigue":
        th = [0.2, 0.4, 0.7]
        g = sum(v >= x for x in th)
    elif term == "neutropenia":
        th = [lln, 1.5, 1.0, 0.5]
        g = sum(v < x for x in th)
    else:
        th = [0.2, 0.4, 0.6, 0.8, 0.95]
        g = sum(v >= x for x in th[:4])
    return g, th


# persistence rules: term -> (condition, duration in days, grade, strict '>')
PERSIST = {
    "fever": (lambda v: v > 40.0, 1.0, 4, True),
    "hypotension": (lambda v: v < 60.0, 0.25, 5, False),
    "irae": (lambda v: v >= 0.95, 7.0, 5, False),
}


def grade_series(term, t, v, lln):
    """Returns per-row (g_lo, g_hi, near_threshold).  g_lo/g_hi bracket the grade
    for persistence rules: the condition may have begun anywhere between the last
    hourly row where it failed and the first where it held."""
    out = []
    rule = PERSIST.get(term)
    first_true = None   # first row of the current run
    last_false = None   # last row before the run
    for i, (ti, vi) in enumerate(zip(t, v)):
        if vi is None:
            out.append((None, None, False))
            continue
        g, th = bands(term, vi, lln)
        near = any(abs(vi - x) <= 2e-5 * max(1.0, abs(x)) for x in th)
        glo = ghi = g
        if rule:
            cond, dur, gp, strict = rule
            if cond(vi):
                if first_true is None:
                    first_true = ti
                span_lo = ti - first_true
                span_hi = ti - (last_false if last_false is not None else first_true)
                ok = (lambda sp: sp > dur + 1e-9) if strict else (lambda sp: sp >= dur - 1e-9)
                if ok(span_lo):
                    glo = ghi = gp
                elif ok(span_hi):
                    ghi = gp
            else:
                first_true = None
                last_false = ti
        out.append((glo, ghi, near))
    return out


def check_ctcae(rep, pre, d, cfg, summ):
    cp = os.path.join(d, pre + "clinical.csv")
    if not os.path.exists(cp):
        rep.add("FAIL", "ctcae", "no %s" % cp)
        return
    rows = read_csv(cp)
    t = [float(r["t"]) for r in rows]
    lln = cfg["anc_lln"]
    worst = {}
    bad, notes = [], []
    nchk = 0
    for term in TERMS:
        gc = "grade_" + term
        if gc not in rows[0]:
            continue
        obs = OBS[term]
        v = [fnum(r.get(obs)) for r in rows]
        gs = grade_series(term, t, v, lln)
        w = None
        nb = 0
        for i, r in enumerate(rows):
            it = fnum(r[gc])
            glo, ghi, near = gs[i]
            if it is None and glo is None:
                continue
            nchk += 1
            if it is None or glo is None:
                nb += 1
                if len(bad) < 8:
                    bad.append("%s t=%g %s=%s mine=%s itsim=%s" % (term, t[i], obs, r.get(obs), glo, r[gc]))
                continue
            it = int(it)
            w = it if w is None else max(w, it)
            if glo <= it <= ghi:
                if glo != ghi:
                    notes.append("%s t=%g persistence onset between rows: itsim G%d (bracket %d-%d)" % (term, t[i], it, glo, ghi))
                continue
            if near and abs(it - glo) == 1:
                notes.append("%s t=%g %s=%s at a threshold (6-digit CSV): mine G%d itsim G%d" % (term, t[i], obs, r[obs], glo, it))
                continue
            nb += 1
            if len(bad) < 8:
                bad.append("%s t=%g %s=%s mine=G%d itsim=G%d" % (term, t[i], obs, r[obs], glo, it))
        # my worst grade from my own grades
        mw = max([g[1] for g in gs if g[1] is not None], default=None)
        worst[term] = (mw, w)
    rep.add("FAIL" if bad else "PASS", "ctcae-rows",
            "%d rows, %d term-grades checked%s" % (len(rows), nchk, ("; " + "; ".join(bad)) if bad else ""))
    for n in notes[:5]:
        rep.add("NOTE", "ctcae-rows", n)
    if len(notes) > 5:
        rep.add("NOTE", "ctcae-rows", "... %d more notes" % (len(notes) - 5))

    wg = summ.get("clinical", {}).get("worst_grade", {})
    bad, notes, desc = [], [], []
    for term in TERMS:
        if term not in worst:
            continue
        mine, _ = worst[term]
        it = wg.get(term)
        desc.append("%s=%s" % (term, mine))
        if it is None and mine is None:
            continue
        if it is None or mine is None:
            bad.append("%s mine=%s itsim=%s" % (term, mine, it))
        elif it == mine:
            continue
        elif it == mine + 1:
            notes.append("%s summary G%d > hourly max G%d (dose-time grading?)" % (term, it, mine))
        else:
            bad.append("%s mine=%s itsim=%s" % (term, mine, it))
    allw = [worst[k][0] for k in worst if worst[k][0] is not None]
    rep.add("FAIL" if bad else "PASS", "ctcae-worst",
            " ".join(desc) + (("; " + "; ".join(bad)) if bad else ""))
    for n in notes:
        rep.add("NOTE", "ctcae-worst", n)
    # worst_grade_any and worst_term
    c = summ.get("clinical", {})
    graded = [g for g in wg.values() if g is not None] if wg else []
    if "worst_grade_any" in c and graded:
        wa = max(graded)
        ok = c["worst_grade_any"] == wa
        wt = c.get("worst_term")
        ok_t = (wa == 0 and wt is None) or (wt in wg and wg[wt] == wa)
        if not (ok and ok_t):
            rep.add("FAIL", "ctcae-worst", "worst_grade_any=%s worst_term=%s vs max %s"
                    % (c["worst_grade_any"], wt, wa))

    # adverse events file: worst grade per term
    ap = os.path.join(d, pre + "adverse_events.csv")
    if os.path.exists(ap):
        ae = read_csv(ap)
        aw = {}
        for r in ae:
            aw[r["term"]] = max(aw.get(r["term"], 0), int(float(r["grade"])))
        # terms not graded for the model (worst_grade null) have no episodes
        bad = ["%s episodes G%s vs worst_grade G%s" % (k, aw.get(k, 0), wg.get(k))
               for k in TERMS if aw.get(k, 0) != (wg.get(k) or 0)]
        rep.add("FAIL" if bad else "PASS", "ctcae-ae",
                "%d episodes%s" % (len(ae), ("; " + "; ".join(bad)) if bad else ""))


# ----------------------------------------------------------------------------
# doses

def check_doses(rep, pre, d, summ):
    sd = summ.get("clinical", {}).get("doses")
    dp = os.path.join(d, pre + "doses.csv")
    rows = read_csv(dp) if os.path.exists(dp) else []
    given = reduced = held = held_prog = not_reached = 0
    for r in rows:
        g = fnum(r.get("given"))
        rule = (r.get("rule") or "").strip().lower()
        if g is None or "reach" in rule or "death" in rule:
            not_reached += 1
        elif g <= 0:
            held += 1
            if "progression" in rule:
                held_prog += 1
        else:
            given += 1
            if g < 1 - 1e-9:
                reduced += 1
    mine = dict(planned=len(rows), given=given, reduced=reduced, held=held,
                held_after_progression=held_prog, not_reached=not_reached)
    if sd is None:
        rep.add("FAIL", "doses", "no clinical.doses in summary.json")
        return
    bad = ["%s mine=%d itsim=%s" % (k, v, sd.get(k)) for k, v in mine.items() if sd.get(k) != v]
    rep.add("FAIL" if bad else "PASS", "doses",
            "planned=%d given=%d reduced=%d held=%d (progression %d) not_reached=%d%s" % (
                len(rows), given, reduced, held, held_prog, not_reached,
                ("; " + "; ".join(bad)) if bad else ""))


# ----------------------------------------------------------------------------
# death / end of run

def check_death(rep, pre, d, cfg, summ):
    cp = os.path.join(d, pre + "clinical.csv")
    if not os.path.exists(cp):
        return
    rows = read_csv(cp)
    c = summ.get("clinical", {})
    t_end = float(rows[-1]["t"])
    bad = []
    death, cause = c.get("death"), c.get("death_cause")
    os_t = c.get("os")
    if death is None:
        if not (os_t is not None and close(os_t, t_end, rel=1e-9, ab=1e-6) and c.get("os_event") is False):
            bad.append("os=%s os_event=%s vs end %g" % (os_t, c.get("os_event"), t_end))
    else:
        if not close(death, t_end, rel=1e-9, ab=1e-6):
            bad.append("death=%g but clinical.csv ends at %g" % (death, t_end))
        if not (os_t is not None and close(os_t, death, rel=1e-12, ab=1e-9) and c.get("os_event") is True):
            bad.append("os=%s os_event=%s" % (os_t, c.get("os_event")))
        if cause == "disease" and "burden" in rows[-1]:
            lb = cfg["lethal_burden"]
            b = [fnum(r["burden"]) for r in rows]
            if not (b[-1] >= lb * (1 - 1e-5) and all(x < lb for x in b[:-1])):
                bad.append("burden at death %g, earlier max %g, lethal %g" % (b[-1], max(b[:-1]), lb))
    rep.add("FAIL" if bad else "PASS", "death",
            "death=%s cause=%s os=%s%s" % (death, cause, os_t, ("; " + "; ".join(bad)) if bad else ""))


# ----------------------------------------------------------------------------

def settings(d, pre):
    raw = parse_clinical_settings(os.path.join(d, pre + "scenario.resolved.yaml"))
    ae = qty(raw.get("assess_every"), 56.0)
    cfg = dict(
        assess_every=ae,
        first_assessment=qty(raw.get("first_assessment"), ae),
        confirm_after=qty(raw.get("confirm_after"), 28.0),
        sd_min=qty(raw.get("sd_min"), 42.0),
        anc_lln=qty(raw.get("anc_lln"), 2.0, "plain"),
        lethal_burden=qty(raw.get("lethal_burden"), 1e12, "plain"),
        measurable=qty(raw.get("measurable"), 10.0, "length"),
        detection_limit=qty(raw.get("detection_limit"), 5.0, "length"),
        organs_raw=raw.get("organs"),
    )
    return cfg


def runs_in(d):
    pres = sorted(f[:-len("summary.json")] for f in os.listdir(d)
                  if f.endswith(".summary.json"))
    if pres:
        return pres
    if os.path.exists(os.path.join(d, "summary.json")):
        return [""]
    return []


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    failed = False
    for d in argv[1:]:
        runs = runs_in(d)
        if not runs:
            print("%s: no runs found" % d)
            failed = True
            continue
        for pre in runs:
            rep = Report()
            with open(os.path.join(d, pre + "summary.json")) as f:
                summ = json.load(f)
            cfg = settings(d, pre)
            check_recist(rep, pre, d, cfg, summ)
            check_ctcae(rep, pre, d, cfg, summ)
            check_doses(rep, pre, d, summ)
            check_death(rep, pre, d, cfg, summ)
            name = os.path.join(d, pre.rstrip(".") or "(single run)")
            print("%s  %s" % ("FAIL" if rep.failed else "PASS", name))
            print("\n".join(rep.lines))
            failed |= rep.failed
        # comparison table consistency
        cp = os.path.join(d, "comparison.csv")
        if os.path.exists(cp):
            bad = []
            for r in read_csv(cp):
                with open(os.path.join(d, r["arm"] + ".summary.json")) as f:
                    c = json.load(f)["clinical"]
                rc = c["recist"]
                pairs = [("best_response", rc["best_response"], r["best_response"]),
                         ("pfs", rc["pfs"], fnum(r["pfs"])),
                         ("pfs_event", rc["pfs_event"], r["pfs_event"]),
                         ("worst_grade", c["worst_grade_any"], int(r["worst_grade"])),
                         ("doses_given", c["doses"]["given"], int(r["doses_given"])),
                         ("doses_held", c["doses"]["held"], int(r["doses_held"]))]
                for k, a, b in pairs:
                    if (isinstance(a, float) and not close(a, b)) or (not isinstance(a, float) and a != b):
                        bad.append("%s %s summary=%s csv=%s" % (r["arm"], k, a, b))
                if not close(rc["best_change_pct"], fnum(r["best_change_pct"]), rel=1e-3, ab=1e-3):
                    bad.append("%s best_change" % r["arm"])
            print("%s  %s/comparison.csv vs arm summaries%s" % ("FAIL" if bad else "PASS", d,
                                                                ("; " + "; ".join(bad)) if bad else ""))
            failed |= bool(bad)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
