# SPDX-License-Identifier: GPL-3.0-or-later
# The itsim benchmark sweeps (bench/README.md) with R deSolve::lsoda.
#
#   Rscript sweep_desolve.R MODEL RUNS OUT.csv [compiled]
#   MODEL: kirschner1998 | depillis2009
#
# Times the sweep loop only, writes the final state of every run to OUT.csv
# after the clock stops, and prints one line:
#   deSolve MODEL runs=N elapsed_s=S runs_per_s=R
# The models are plain R functions returning list(c(...)), as most deSolve
# users write them. With "compiled", the same equations are compiled C
# (deSolve's DLL interface, built with R CMD SHLIB before the clock starts)
# and the line starts with "deSolveC".
suppressPackageStartupMessages(library(deSolve))

DESIGN_RUNS <- 1000
RTOL <- 1e-8
MAXSTEPS <- 100000  # itsim's default CVODE mxstep

## ---- kirschner1998 (Kirschner & Panetta 1998), time in days ---------------
KP_ATOL <- 1e-6
KP_T_END <- 150
KP_Y0 <- c(E = 2e4, T = 2e4, IL = 1e4)
mu2 <- 0.03; p1 <- 0.1245; g1 <- 2e7; r2 <- 0.18; b <- 1e-9; a <- 1
g2 <- 1e5; p2 <- 5; g3 <- 1e3; mu3 <- 10; s1 <- 0

kirschner <- function(t, y, parms) {
  E <- y[1]; Tu <- y[2]; IL <- y[3]
  cc <- parms[1]; s2 <- parms[2]
  dE <- cc * Tu - mu2 * E + p1 * E * IL / (g1 + IL) + s1
  dT <- r2 * Tu * (1 - b * Tu) - a * E * Tu / (g2 + Tu)
  dIL <- p2 * E * Tu / (g3 + Tu) - mu3 * IL + s2
  list(c(dE, dT, dIL))
}

kirschner_run <- function(i) {
  cc <- 0.02 + 0.03 * i / (DESIGN_RUNS - 1)
  s2 <- 1e6 * (i %% 10) / 9
  out <- lsoda(KP_Y0, c(0, KP_T_END), kirschner, c(cc, s2), rtol = RTOL,
               atol = KP_ATOL, maxsteps = MAXSTEPS)
  if (attr(out, "istate")[1] != 2) stop("kirschner1998 run ", i, " failed")
  out[2, -1]
}

## ---- depillis2009 (de Pillis et al. 2009), patient 9, time in days --------
DP_ATOL <- 1e-4
DP_T_END <- 30
DP_Y0 <- c(T = 1e7, N = 2.5e8, L = 5.268e5, C = 2.25e9, M = 0, I = 1073)
# The paper's a, b, c and r2 are pa, pb, pc and r2_ here (kirschner uses them).
pa <- 0.431; pb <- 1.02e-9; pc <- 2.9077e-13; KT <- 0.9; dT <- 1.8328
f <- 0.0125; e <- 0.111; p <- 2.794e-13; pN <- 0.068; gN <- 2.5036e5
KN <- 0.0675; dN <- 1.8328; m <- 0.009; theta <- 2.5036e-3; q <- 3.422e-10
r1 <- 2.9077e-11; r2_ <- 5.8467e-13; pI <- 2.971; gI <- 2503.6
u <- 4.417e-14; kappa <- 2503.6; j <- 0.01245; k <- 2.019e7; KL <- 0.0486
dL <- 1.8328; alpha <- 1.4175e7; beta <- 0.0063; KC <- 0.034; dC <- 1.8328
gamma <- 0.5199; muI <- 11.7427; omega <- 0.07874; phi <- 2.38405e-7
zeta <- 2503.6; d <- 2.34; l <- 2.09; s <- 3.8e-3

depillis <- function(t, y, parms) {
  Tu <- y[1]; N <- y[2]; L <- y[3]; C <- y[4]; M <- y[5]; I <- y[6]
  vL <- parms[1]; vM <- parms[2]; vI <- parms[3]
  Tp <- max(Tu, 0); Lp <- max(L, 0)  # CD8+ kill d L^l T / (s T^l + L^l)
  den <- s * Tp^l + Lp^l
  Dkill <- if (den > 0) d * Lp^l * Tp / den else 0
  Tdot <- pa * Tu * (1 - pb * Tu) - pc * N * Tu - Dkill - KT * (1 - exp(-dT * M)) * Tu
  Ndot <- f * (e * C - N) - p * N * Tu + pN * N * I / (gN + I) -
    KN * (1 - exp(-dN * M)) * N
  Ldot <- -theta * m * L / (theta + I) + j * Tu * L / (k + Tu) - q * L * Tu +
    (r1 * N + r2_ * C) * Tu - u * L * L * C * I / (kappa + I) -
    KL * (1 - exp(-dL * M)) * L + pI * L * I / (gI + I) + vL
  Cdot <- alpha - beta * C - KC * (1 - exp(-dC * M)) * C
  Mdot <- -gamma * M + vM
  Idot <- -muI * I + phi * C + omega * L * I / (zeta + I) + vI
  list(c(Tdot, Ndot, Ldot, Cdot, Mdot, Idot))
}

depillis_run <- function(i) {
  til <- 1e9 * (0.5 + (i %% 7) / 6)    # TIL rate on days 7-8 (cells/d)
  il2 <- 1e6 * i / (DESIGN_RUNS - 1)    # IL-2 bolus on days 8..12 (IU/L)
  cuts <- c(0, 7, 8, 9, 10, 11, 12, DP_T_END)
  y <- DP_Y0
  for (s_ in seq_len(length(cuts) - 1)) {
    t0 <- cuts[s_]; t1 <- cuts[s_ + 1]
    if (t0 %in% c(8, 9, 10, 11, 12)) y[6] <- y[6] + il2
    vL <- if (t0 >= 7 && t0 < 8) til else 0
    out <- lsoda(y, c(t0, t1), depillis, c(vL, 0, 0), rtol = RTOL,
                 atol = DP_ATOL, maxsteps = MAXSTEPS)
    if (attr(out, "istate")[1] != 2) stop("depillis2009 run ", i, " failed")
    y <- out[2, -1]
  }
  y
}

## ---- the same models as compiled C (deSolve's DLL interface) -------------
C_SOURCE <- "
#include <math.h>
static double kp[2], dp[3];
void init_kp(void (*odeparms)(int *, double *)) { int n = 2; odeparms(&n, kp); }
void init_dp(void (*odeparms)(int *, double *)) { int n = 3; odeparms(&n, dp); }
void derivs_kp(int *neq, double *t, double *y, double *ydot, double *yout, int *ip)
{
  const double mu2 = 0.03, p1 = 0.1245, g1 = 2e7, r2 = 0.18, b = 1e-9, a = 1,
      g2 = 1e5, p2 = 5, g3 = 1e3, mu3 = 10, s1 = 0, c = kp[0], s2 = kp[1];
  double E = y[0], T = y[1], IL = y[2];
  ydot[0] = c * T - mu2 * E + p1 * E * IL / (g1 + IL) + s1;
  ydot[1] = r2 * T * (1 - b * T) - a * E * T / (g2 + T);
  ydot[2] = p2 * E * T / (g3 + T) - mu3 * IL + s2;
}
void derivs_dp(int *neq, double *t, double *y, double *ydot, double *yout, int *ip)
{
  const double pa = 0.431, pb = 1.02e-9, pc = 2.9077e-13, KT = 0.9, dT = 1.8328,
      f = 0.0125, e = 0.111, p = 2.794e-13, pN = 0.068, gN = 2.5036e5,
      KN = 0.0675, dN = 1.8328, m = 0.009, theta = 2.5036e-3, q = 3.422e-10,
      r1 = 2.9077e-11, r2 = 5.8467e-13, pI = 2.971, gI = 2503.6, u = 4.417e-14,
      kappa = 2503.6, j = 0.01245, k = 2.019e7, KL = 0.0486, dL = 1.8328,
      alpha = 1.4175e7, beta = 0.0063, KC = 0.034, dC = 1.8328, gamma = 0.5199,
      muI = 11.7427, omega = 0.07874, phi = 2.38405e-7, zeta = 2503.6, d = 2.34,
      l = 2.09, s = 3.8e-3, vL = dp[0], vM = dp[1], vI = dp[2];
  double T = y[0], N = y[1], L = y[2], C = y[3], M = y[4], I = y[5];
  double Tp = fmax(T, 0), Lp = fmax(L, 0), den = s * pow(Tp, l) + pow(Lp, l);
  double Dkill = den > 0 ? d * pow(Lp, l) * Tp / den : 0;
  ydot[0] = pa * T * (1 - pb * T) - pc * N * T - Dkill - KT * (1 - exp(-dT * M)) * T;
  ydot[1] = f * (e * C - N) - p * N * T + pN * N * I / (gN + I)
            - KN * (1 - exp(-dN * M)) * N;
  ydot[2] = -theta * m * L / (theta + I) + j * T * L / (k + T) - q * L * T
            + (r1 * N + r2 * C) * T - u * L * L * C * I / (kappa + I)
            - KL * (1 - exp(-dL * M)) * L + pI * L * I / (gI + I) + vL;
  ydot[3] = alpha - beta * C - KC * (1 - exp(-dC * M)) * C;
  ydot[4] = -gamma * M + vM;
  ydot[5] = -muI * I + phi * C + omega * L * I / (zeta + I) + vI;
}
"

load_compiled <- function() {
  src <- file.path(tempdir(), "itsim_bench_models.c")
  writeLines(C_SOURCE, src)
  rc <- system2(file.path(R.home("bin"), "R"), c("CMD", "SHLIB", "--clean", src),
                stdout = FALSE, stderr = FALSE)
  if (rc != 0) stop("R CMD SHLIB failed")
  dll <- sub("\\.c$", .Platform$dynlib.ext, src)
  dyn.load(dll)
  list(kp = list(func = "derivs_kp", initfunc = "init_kp"),
       dp = list(func = "derivs_dp", initfunc = "init_dp"),
       dllname = "itsim_bench_models")
}

args <- commandArgs(trailingOnly = TRUE)
runners <- list(kirschner1998 = kirschner_run, depillis2009 = depillis_run)
if (!(length(args) == 3 || (length(args) == 4 && args[4] == "compiled")) ||
    !(args[1] %in% names(runners)))
  stop("usage: sweep_desolve.R kirschner1998|depillis2009 RUNS OUT.csv [compiled]")
name <- args[1]; runs <- as.integer(args[2]); path <- args[3]
label <- "deSolve"
if (length(args) == 4) {
  # Same run functions, with lsoda given the compiled model instead.
  dll <- load_compiled()
  m <- if (name == "kirschner1998") dll$kp else dll$dp
  r_lsoda <- lsoda
  lsoda <- function(y, times, func, parms, ...)
    r_lsoda(y, times, m$func, parms, dllname = dll$dllname,
            initfunc = m$initfunc, ...)
  label <- "deSolveC"
}
run <- runners[[name]]

t_start <- proc.time()[["elapsed"]]
finals <- lapply(seq_len(runs) - 1, run)
elapsed <- proc.time()[["elapsed"]] - t_start

states <- names(finals[[1]])
lines <- vapply(seq_len(runs), function(r)
  paste(c(r - 1, sprintf("%.17g", finals[[r]])), collapse = ","), "")
writeLines(c(paste(c("run", states), collapse = ","), lines), path)
cat(sprintf("%s %s runs=%d elapsed_s=%.6f runs_per_s=%.1f\n", label, name,
            runs, elapsed, runs / elapsed))
