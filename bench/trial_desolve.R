# SPDX-License-Identifier: GPL-3.0-or-later
# itsim benchmark (issue 11): R deSolve integrating tme's compiled right-hand
# side (bench/tme_desolve.c, linked with libitsim) over the same patient-years
# as the `itsim run` processes of bench/trial_bench.sh.
#
#   Rscript bench/trial_desolve.R SHIM.so CASES.txt OUT.csv [lsoda|bdf]
#
# CASES.txt (bench/trial_patients.py desolve): per run, "run ID MODEL ARM
# T_END", "p NAME VALUE" for every parameter, "y NAME VALUE" for every
# initial state (from itsim's scenario.resolved.yaml: the same parameters,
# agent bindings and derived initial state), "i INPUT START DURATION RATE"
# per infusion (the rate times the fraction itsim gave: a held dose is 0),
# "end". Infusions are deSolve events that set the extra rate state u at the
# start and back to 0 at the end (method "rep"); the event times are in the
# output times, so the integrator restarts there, as itsim's does.
#
# Tolerances: rtol 1e-6 (the trial's) and itsim's default absolute
# tolerances, 1e-10 * max(|y0|, 1) per state (docs/scenario.md). Only the
# ode() call is timed (proc.time: CPU = user + system, and elapsed).
suppressMessages(library(deSolve))
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 3) stop("usage: trial_desolve.R SHIM.so CASES.txt OUT.csv [lsoda|bdf]")
shim <- args[1]
method <- if (length(args) >= 4) args[4] else "lsoda"
dll <- sub("\\.so$", "", basename(shim))
dyn.load(shim)

lines <- readLines(args[2])
starts <- which(startsWith(lines, "run "))
ends <- which(lines == "end")
out <- data.frame()
for (k in seq_along(starts)) {
  head <- strsplit(lines[starts[k]], " ")[[1]]
  body <- strsplit(lines[(starts[k] + 1):(ends[k] - 1)], " ")
  kind <- vapply(body, `[`, "", 1)
  sel <- .C("tme_select", head[3], ns = integer(1), np = integer(1), PACKAGE = dll)
  if (sel$ns < 0 || sel$np < 0) stop("unknown model ", head[3])
  p <- rep(NA_real_, sel$np)
  y <- rep(NA_real_, sel$ns)
  for (b in body[kind == "p"]) {
    i <- .C("tme_param_index", b[2], i = integer(1), PACKAGE = dll)$i
    if (i < 0) stop("not a parameter: ", b[2])
    p[i + 1] <- as.numeric(b[3])
  }
  for (b in body[kind == "y"]) {
    i <- .C("tme_state_index", b[2], i = integer(1), PACKAGE = dll)$i
    if (i < 0) stop("not a state: ", b[2])
    y[i + 1] <- as.numeric(b[3])
  }
  if (anyNA(p) || anyNA(y)) stop(head[2], ": parameters or states missing")
  inf <- body[kind == "i"]
  target <- -1
  factor <- 0
  ev <- NULL
  if (length(inf) > 0) {
    inputs <- unique(vapply(inf, `[`, "", 2))
    if (length(inputs) != 1) stop(head[2], ": one infusion input only")
    tf <- .C("tme_input", inputs, p, target = integer(1), factor = double(1), PACKAGE = dll)
    target <- tf$target
    factor <- tf$factor
    t0 <- vapply(inf, function(b) as.numeric(b[3]), 0)
    dur <- vapply(inf, function(b) as.numeric(b[4]), 0)
    rate <- vapply(inf, function(b) as.numeric(b[5]), 0)
    ev <- data.frame(var = "u", time = c(t0, t0 + dur), value = c(rate, 0 * rate),
                     method = "rep")
    ev <- ev[order(ev$time, -ev$value), ]
  }
  t_end <- as.numeric(head[5])
  y0 <- c(y, u = 0)
  names(y0) <- c(paste0("s", seq_along(y)), "u")
  atol <- 1e-10 * pmax(abs(y0), 1)
  times <- sort(unique(c(0, if (!is.null(ev)) ev$time[ev$time < t_end], t_end)))
  parms <- c(p, target, factor)
  clock <- proc.time()
  sol <- ode(y0, times, func = "tme_derivs", parms = parms, dllname = dll,
             initfunc = "tme_initmod", nout = 0, method = method, rtol = 1e-6, atol = atol,
             maxsteps = 100000,
             events = if (is.null(ev)) NULL else list(data = ev[ev$time < t_end, ]))
  dt <- proc.time() - clock
  last <- sol[nrow(sol), ]
  cnames <- grep("^C_[0-9]+$", vapply(body[kind == "y"], `[`, "", 2), value = TRUE)
  ci <- vapply(cnames, function(n) .C("tme_state_index", n, i = integer(1), PACKAGE = dll)$i, 0L)
  burden <- sum(last[1 + ci + 1])
  ok <- last[1] >= t_end * (1 - 1e-12)
  out <- rbind(out, data.frame(run = head[2], arm = head[4], model = head[3], t_end = t_end,
                               reached = ok, burden = sprintf("%.17g", burden),
                               cpu_s = dt[["user.self"]] + dt[["sys.self"]],
                               wall_s = dt[["elapsed"]],
                               steps = attr(sol, "istate")[2], rhs = attr(sol, "istate")[3]))
}
write.csv(out, args[3], row.names = FALSE, quote = FALSE)
years <- sum(out$t_end) / 365
cat(sprintf("deSolve %s (compiled tme rhs): %d runs, %.3f patient-years, %.3f s CPU, %.1f ms CPU per patient-year\n",
            method, nrow(out), years, sum(out$cpu_s), 1e3 * sum(out$cpu_s) / years))
for (a in unique(out$arm)) {
  s <- out[out$arm == a, ]
  cat(sprintf("deSolve %s %s: %d runs, %.1f ms CPU per patient-year, %.0f steps per run\n",
              method, a, nrow(s), 1e3 * sum(s$cpu_s) / (sum(s$t_end) / 365), mean(s$steps)))
}
