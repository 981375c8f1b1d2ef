# SPDX-License-Identifier: GPL-3.0-or-later
# The coverage statistics of itsim's personalisation study
# (validation.json, src/io/personalise_validate.c) recomputed by R from
# the study's own patient files: per variable the share of 90 % credible
# intervals holding the truth and its Clopper-Pearson 95 % interval
# (binom.test), the band in which a correct posterior's coverage falls
# with probability 0.95 (qbinom at 0.025 and 0.975 of Binomial(n, 0.9)),
# the variables outside it, the mean coverage, and the chi-square p of the
# truths' ranks in 10 bins (chisq.test), and the ranks pooled over the
# variables (validation_ranks.dat, the figure's data); per candidate, the
# share of true PFS within its 90 % predictive interval and its
# Clopper-Pearson interval. Within 1e-9 relative.
# Usage: Rscript validation_check.R DIR DRAWS
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
draws <- as.integer(args[2])
files <- sort(list.files(dir, pattern = "^patient_[0-9]+\\.tsv$", full.names = TRUE))
n <- length(files)
vars <- do.call(rbind, lapply(files, function(f) {
  l <- readLines(f)
  l <- strsplit(l[startsWith(l, "var\t")], "\t")
  data.frame(j = sapply(l, function(x) as.integer(x[2])),
             covered = sapply(l, function(x) as.integer(x[7])),
             rank = sapply(l, function(x) as.integer(x[8])))
}))
js <- readLines(file.path(dir, "validation.json"))
js <- paste(js, collapse = "\n")
num_after <- function(key, text) {
  m <- regmatches(text, regexpr(paste0("\"", key, "\": \\[?[-0-9.eE+]+(, [-0-9.eE+]+)?"), text))
  as.numeric(strsplit(sub(".*: \\[?", "", m), ", ")[[1]])
}
vlines <- strsplit(js, "\n")[[1]]
vlines <- vlines[grepl("\"name\": ", vlines) & grepl("\"coverage_90\": ", vlines)]
npass <- 0
nfail <- 0
same <- function(what, got, want) {
  if (abs(got - want) <= 1e-9 * max(abs(want), 1e-9)) {
    npass <<- npass + 1
  } else {
    nfail <<- nfail + 1
    cat(sprintf("FAIL: %s: itsim %.17g, R %.17g\n", what, got, want))
  }
}
d <- length(vlines)
if (d != length(unique(vars$j)) || n < 2) {
  cat(sprintf("FAIL: %d variables in validation.json, %d in the patient files (%d patients)\n",
              d, length(unique(vars$j)), n))
  quit(status = 1)
}
band <- qbinom(c(0.025, 0.975), n, 0.9) / n
same("band low", num_after("coverage_90_band95", js)[1], band[1])
same("band high", num_after("coverage_90_band95", js)[2], band[2])
# a rank takes draws + 1 values, not equally many per bin
size <- tabulate(floor((0:draws) * 10 / (draws + 1)) + 1, nbins = 10)
share <- size / (draws + 1)
cov <- numeric(d)
for (j in seq_len(d)) {
  v <- vars[vars$j == j - 1, ]
  k <- sum(v$covered)
  cov[j] <- k / n
  ci <- binom.test(k, n)$conf.int
  same(sprintf("variable %d coverage", j - 1), num_after("coverage_90", vlines[j]), k / n)
  got <- num_after("coverage_90_ci95", vlines[j])
  same(sprintf("variable %d CI low", j - 1), got[1], ci[1])
  same(sprintf("variable %d CI high", j - 1), got[2], ci[2])
  bins <- tabulate(floor(v$rank * 10 / (draws + 1)) + 1, nbins = 10)
  p <- suppressWarnings(chisq.test(bins[size > 0], p = share[size > 0])$p.value)
  same(sprintf("variable %d SBC p", j - 1), num_after("sbc_rank_p", vlines[j]), p)
}
pooled <- tabulate(floor(vars$rank * 10 / (draws + 1)) + 1, nbins = 10)
rk <- read.csv(file.path(dir, "validation_ranks.dat"))
for (b in 1:10) {
  same(sprintf("pooled rank bin %d", b), rk$count[b], pooled[b])
  same(sprintf("pooled rank bin %d expected", b), rk$expected[b], n * d * share[b])
}
# per candidate: the true PFS within its 90 % predictive interval
opts <- do.call(rbind, lapply(files, function(f) {
  l <- readLines(f)
  l <- strsplit(l[startsWith(l, "opt\t")], "\t")
  data.frame(id = sapply(l, function(x) x[2]),
             q05 = sapply(l, function(x) as.numeric(x[6])),
             q95 = sapply(l, function(x) as.numeric(x[7])),
             t = sapply(l, function(x) as.numeric(x[12])), stringsAsFactors = FALSE)
}))
clines <- strsplit(js, "\n")[[1]]
clines <- clines[grepl("\"candidate\": ", clines)]
if (length(clines) != length(unique(opts$id))) {
  cat(sprintf("FAIL: %d candidates in validation.json, %d in the files\n", length(clines),
              length(unique(opts$id))))
  nfail <- nfail + 1
}
for (cl in clines) {
  id <- sub(".*\"candidate\": \"([^\"]*)\".*", "\\1", cl)
  o <- opts[opts$id == id, ]
  k <- sum(o$t >= o$q05 & o$t <= o$q95)
  ci <- binom.test(k, nrow(o))$conf.int
  same(sprintf("%s PFS coverage", id), num_after("coverage_90", cl), k / nrow(o))
  got <- num_after("coverage_90_ci95", cl)
  same(sprintf("%s PFS CI low", id), got[1], ci[1])
  same(sprintf("%s PFS CI high", id), got[2], ci[2])
}
same("mean coverage", num_after("coverage_90_mean", js), mean(cov))
same("variables outside the band", num_after("variables_outside_band", js),
     sum(cov < band[1] | cov > band[2]))
cat(sprintf("validation.json against R: %d agree, %d differ (%d patients, %d variables)\n",
            npass, nfail, n, d))
quit(status = if (nfail == 0) 0 else 1)
