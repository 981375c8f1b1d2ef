#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The itsim benchmark sweeps (bench/README.md) with scipy solve_ivp(LSODA).

    sweep_scipy.py MODEL RUNS OUT.csv      MODEL: kirschner1998 | depillis2009

Times the sweep loop only, writes the final state of every run to OUT.csv
after the clock stops, and prints one line:
    scipy MODEL runs=N elapsed_s=S runs_per_s=R
The right-hand sides are plain scalar Python, as a user would write them.
"""
import math
import sys
import time

from scipy.integrate import solve_ivp

DESIGN_RUNS = 1000
RTOL = 1e-8

# ---- kirschner1998 (Kirschner & Panetta 1998), time in days -----------------
KP_ATOL = 1e-6
KP_T_END = 150.0
KP_Y0 = [2e4, 2e4, 1e4]  # E, T, IL
KP_STATES = ["E", "T", "IL"]
mu2, p1, g1, r2, b, a, g2, p2, g3, mu3, s1 = (
    0.03, 0.1245, 2e7, 0.18, 1e-9, 1.0, 1e5, 5.0, 1e3, 10.0, 0.0)


def kirschner(t, y, c, s2):
    E, T, IL = y
    dE = c * T - mu2 * E + p1 * E * IL / (g1 + IL) + s1
    dT = r2 * T * (1 - b * T) - a * E * T / (g2 + T)
    dIL = p2 * E * T / (g3 + T) - mu3 * IL + s2
    return [dE, dT, dIL]


def kirschner_run(i):
    c = 0.02 + 0.03 * i / (DESIGN_RUNS - 1)
    s2 = 1e6 * (i % 10) / 9
    sol = solve_ivp(kirschner, (0.0, KP_T_END), KP_Y0, method="LSODA",
                    rtol=RTOL, atol=KP_ATOL, args=(c, s2))
    if not sol.success:
        raise RuntimeError(f"kirschner1998 run {i}: {sol.message}")
    return list(sol.y[:, -1])


# ---- depillis2009 (de Pillis et al. 2009), patient 9, time in days ----------
DP_ATOL = 1e-4
DP_T_END = 30.0
DP_Y0 = [1e7, 2.5e8, 5.268e5, 2.25e9, 0.0, 1073.0]  # T, N, L, C, M, I
DP_STATES = ["T", "N", "L", "C", "M", "I"]
# The paper's a, b, c and r2 are pa, pb, pc and r2_ here (kirschner uses them).
(pa, pb, pc, KT, dT, f, e, p, pN, gN, KN, dN, m, theta, q, r1, r2_, pI, gI,
 u, kappa, j, k, KL, dL, alpha, beta, KC, dC, gamma, muI, omega, phi, zeta,
 d, l, s) = (
    0.431, 1.02e-9, 2.9077e-13, 0.9, 1.8328, 0.0125, 0.111, 2.794e-13, 0.068,
    2.5036e5, 0.0675, 1.8328, 0.009, 2.5036e-3, 3.422e-10, 2.9077e-11,
    5.8467e-13, 2.971, 2503.6, 4.417e-14, 2503.6, 0.01245, 2.019e7, 0.0486,
    1.8328, 1.4175e7, 0.0063, 0.034, 1.8328, 0.5199, 11.7427, 0.07874,
    2.38405e-7, 2503.6, 2.34, 2.09, 3.8e-3)


def depillis(t, y, vL, vM, vI):
    T, N, L, C, M, I = y
    Tp, Lp = max(T, 0.0), max(L, 0.0)  # CD8+ kill d L^l T / (s T^l + L^l)
    den = s * Tp ** l + Lp ** l
    Dkill = d * Lp ** l * Tp / den if den > 0 else 0.0
    Tdot = pa * T * (1 - pb * T) - pc * N * T - Dkill - KT * (1 - math.exp(-dT * M)) * T
    Ndot = (f * (e * C - N) - p * N * T + pN * N * I / (gN + I)
            - KN * (1 - math.exp(-dN * M)) * N)
    Ldot = (-theta * m * L / (theta + I) + j * T * L / (k + T) - q * L * T
            + (r1 * N + r2_ * C) * T - u * L * L * C * I / (kappa + I)
            - KL * (1 - math.exp(-dL * M)) * L + pI * L * I / (gI + I) + vL)
    Cdot = alpha - beta * C - KC * (1 - math.exp(-dC * M)) * C
    Mdot = -gamma * M + vM
    Idot = -muI * I + phi * C + omega * L * I / (zeta + I) + vI
    return [Tdot, Ndot, Ldot, Cdot, Mdot, Idot]


def depillis_run(i):
    til = 1e9 * (0.5 + (i % 7) / 6)       # TIL rate on days 7-8 (cells/d)
    il2 = 1e6 * i / (DESIGN_RUNS - 1)     # IL-2 bolus on days 8..12 (IU/L)
    bolus_days = (8.0, 9.0, 10.0, 11.0, 12.0)
    cuts = [0.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, DP_T_END]
    y = list(DP_Y0)
    for t0, t1 in zip(cuts[:-1], cuts[1:]):
        if t0 in bolus_days:
            y[5] += il2
        vL = til if 7.0 <= t0 < 8.0 else 0.0
        sol = solve_ivp(depillis, (t0, t1), y, method="LSODA", rtol=RTOL,
                        atol=DP_ATOL, args=(vL, 0.0, 0.0))
        if not sol.success:
            raise RuntimeError(f"depillis2009 run {i}: {sol.message}")
        y = list(sol.y[:, -1])
    return y


MODELS = {"kirschner1998": (kirschner_run, KP_STATES),
          "depillis2009": (depillis_run, DP_STATES)}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in MODELS:
        sys.exit("usage: sweep_scipy.py kirschner1998|depillis2009 RUNS OUT.csv")
    name, runs, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    run, states = MODELS[name]
    t0 = time.perf_counter()
    finals = [run(i) for i in range(runs)]
    elapsed = time.perf_counter() - t0
    with open(path, "w") as fp:
        fp.write(",".join(["run"] + states) + "\n")
        for i, y in enumerate(finals):
            fp.write(",".join([str(i)] + [repr(float(v)) for v in y]) + "\n")
    print(f"scipy {name} runs={runs} elapsed_s={elapsed:.6f} "
          f"runs_per_s={runs / elapsed:.1f}")


if __name__ == "__main__":
    main()
