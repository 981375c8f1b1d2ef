# SPDX-License-Identifier: GPL-3.0-or-later
# Partial rank correlation in base R, for tests/r/prcc_vs_r.c: reads the
# datasets it wrote (dataset,row,y,x1..xk; NA marks a missing value),
# drops incomplete rows, ranks every column with rank() (average ties) and,
# for each input j, correlates the residuals of lm(rank y ~ other ranks)
# and lm(rank x_j ~ other ranks) (Marino et al. 2008, J Theor Biol 254:178).
# A constant column is left out of the regressions and its PRCC is NA. The
# test of PRCC = 0: t = r sqrt(df / (1 - r^2)), df = n - 2 - p (p inputs
# held fixed), two-sided p from pt(). Prints "dataset.xj.key value".
# Usage: Rscript --vanilla prcc.R DATA.csv OUT.txt
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
out <- file(args[2], "w")
put <- function(ds, key, v) {
  v <- as.numeric(v)
  cat(sprintf("%s.%s %s\n", ds, key, if (is.na(v)) "NA" else sprintf("%.17g", v)), file = out)
}
for (ds in unique(d$dataset)) {
  x <- d[d$dataset == ds, ]
  xs <- grep("^x[0-9]+$", names(x), value = TRUE)
  xs <- xs[!sapply(xs, function(v) all(is.na(x[[v]])))]
  x <- x[complete.cases(x[, c("y", xs)]), ]
  r <- as.data.frame(lapply(x[, c("y", xs)], rank))
  varying <- xs[sapply(xs, function(v) length(unique(r[[v]])) > 1)]
  yvar <- length(unique(r$y)) > 1
  put(ds, "n", nrow(r))
  for (v in xs) {
    if (!(v %in% varying) || !yvar) {
      put(ds, paste0(v, ".prcc"), NA); put(ds, paste0(v, ".p"), NA)
      next
    }
    others <- setdiff(varying, v)
    f <- function(lhs) {
      if (length(others) == 0) return(r[[lhs]] - mean(r[[lhs]]))
      residuals(lm(reformulate(others, lhs), data = r))
    }
    pr <- cor(f(v), f("y"))
    df <- nrow(r) - 2 - length(others)
    t <- pr * sqrt(df / (1 - pr^2))
    put(ds, paste0(v, ".prcc"), pr)
    put(ds, paste0(v, ".t"), t)
    put(ds, paste0(v, ".p"), 2 * pt(abs(t), df, lower.tail = FALSE))
  }
}
close(out)
