# SPDX-License-Identifier: GPL-3.0-or-later
# MCMC diagnostics from the R package posterior, for tests/r/mcmc_vs_r.c:
# reads the draws it wrote (dataset,chain,iter,value; values as hex
# floats, so that R reads exactly the doubles C wrote), makes each dataset
# an iterations x chains matrix and prints, one "dataset.key value" line
# each (values as hex floats, NA as NA), posterior's rhat, ess_bulk,
# ess_tail, ess_basic, mcse_mean and quantile2 at 5, 50 and 95 %
# (type 7), and base R's mean and sd. The warning that an ESS was capped
# is expected (an antithetic dataset) and silenced. Exits 77 (skip) when
# posterior is not installed (Debian's r-cran-posterior).
# Usage: Rscript --vanilla mcmc_diag.R DRAWS.csv OUT.txt
args <- commandArgs(trailingOnly = TRUE)
if (!requireNamespace("posterior", quietly = TRUE)) {
  cat("posterior is not installed\n")
  quit(status = 77)
}
d <- read.csv(args[1], stringsAsFactors = FALSE)
out <- file(args[2], "w")
put <- function(ds, key, v) {
  v <- as.numeric(v)
  cat(sprintf("%s.%s %s\n", ds, key, if (is.na(v) && !is.nan(v)) "NA" else sprintf("%a", v)),
      file = out)
}
cat(sprintf("posterior.version %s\n", as.character(packageVersion("posterior"))), file = out)
for (ds in unique(d$dataset)) {
  x <- d[d$dataset == ds, ]
  x <- matrix(x$value[order(x$chain, x$iter)], nrow = max(x$iter) + 1)
  q <- posterior::quantile2(x, probs = c(0.05, 0.5, 0.95))
  put(ds, "mean", mean(x))
  put(ds, "sd", stats::sd(as.vector(x)))
  put(ds, "q05", q[1])
  put(ds, "q50", q[2])
  put(ds, "q95", q[3])
  suppressWarnings({
    put(ds, "rhat", posterior::rhat(x))
    put(ds, "ess_bulk", posterior::ess_bulk(x))
    put(ds, "ess_tail", posterior::ess_tail(x))
    put(ds, "ess_basic", posterior::ess_basic(x))
    put(ds, "mcse_mean", posterior::mcse_mean(x))
  })
}
close(out)
