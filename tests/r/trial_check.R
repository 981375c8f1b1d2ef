# SPDX-License-Identifier: GPL-3.0-or-later
# The read-outs of a real itsim trial recomputed by R's survival package
# from the trial's own outcomes.csv, and compared with itsim's arms.csv and
# comparisons.csv within 1e-6 (relative; absolute below 1e-12).
# Usage: Rscript trial_check.R DIR paired|randomised
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
paired <- args[2] == "paired"
o <- read.csv(file.path(dir, "outcomes.csv"), stringsAsFactors = FALSE)
a <- read.csv(file.path(dir, "arms.csv"), stringsAsFactors = FALSE)
k <- read.csv(file.path(dir, "comparisons.csv"), stringsAsFactors = FALSE)
o <- o[o$status == "ITS_OK", ]
npass <- 0
nfail <- 0
worst <- 0
same <- function(what, got, want) {
  ok <- (is.na(got) && is.na(want)) ||
    (!is.na(got) && !is.na(want) &&
       abs(got - want) <= 1e-6 * max(abs(want), 1e-6) + 1e-12)
  if (!is.na(got) && !is.na(want) && want != 0)
    worst <<- max(worst, abs(got - want) / abs(want))
  if (ok) {
    npass <<- npass + 1
  } else {
    nfail <<- nfail + 1
    cat(sprintf("FAIL: %s: itsim %.17g, R %.17g\n", what, got, want))
  }
}
num <- function(x) if (length(x) == 0) NA else as.numeric(x)

for (i in seq_len(nrow(a))) {
  id <- a$arm[i]
  x <- o[o$arm == id, ]
  resp <- sum(x$best_response %in% c("CR", "PR"))
  w <- prop.test(resp, nrow(x), correct = FALSE)$conf.int
  same(paste(id, "n"), a$n[i], nrow(x))
  same(paste(id, "ORR"), a$orr[i], resp / nrow(x))
  same(paste(id, "ORR low (Wilson)"), a$orr_low[i], w[1])
  same(paste(id, "ORR high (Wilson)"), a$orr_high[i], w[2])
  for (end in c("pfs", "os")) {
    fit <- survfit(Surv(x[[paste0(end, "_days")]], x[[paste0(end, "_event")]]) ~ 1)
    q <- quantile(fit, 0.5)
    col <- paste0(end, "_median_days")
    same(paste(id, end, "median"), num(a[[col]][i]), num(q$quantile))
    same(paste(id, end, "median low"), num(a[[paste0(col, "_low")]][i]), num(q$lower))
    same(paste(id, end, "median high"), num(a[[paste0(col, "_high")]][i]), num(q$upper))
  }
}

for (j in seq_len(nrow(k))) {
  x <- o[o$arm %in% c(k$arm_a[j], k$arm_b[j]), ]
  x$b <- as.integer(x$arm == k$arm_b[j])
  tag <- paste(k$arm_b[j], "vs", k$arm_a[j])
  for (end in c("pfs", "os")) {
    x$t <- x[[paste0(end, "_days")]]
    x$e <- x[[paste0(end, "_event")]]
    if (paired) {
      lr <- survdiff(Surv(t, e) ~ b + strata(patient), data = x)
      cx <- coxph(Surv(t, e) ~ b + cluster(patient), data = x, ties = "efron")
      same(paste(tag, end, "robust score p"), k[[paste0("robust_score_p_", end)]][j],
           1 - pchisq(cx$rscore, 1))
    } else {
      lr <- survdiff(Surv(t, e) ~ b, data = x)
      cx <- coxph(Surv(t, e) ~ b, data = x, ties = "efron")
    }
    ci <- exp(confint(cx))
    same(paste(tag, end, "log-rank p"), k[[paste0("logrank_p_", end)]][j],
         1 - pchisq(lr$chisq, 1))
    same(paste(tag, end, "HR"), k[[paste0("hr_", end)]][j], exp(coef(cx))[[1]])
    same(paste(tag, end, "HR low"), k[[paste0("hr_", end, "_low")]][j], ci[1])
    same(paste(tag, end, "HR high"), k[[paste0("hr_", end, "_high")]][j], ci[2])
  }
}
cat(sprintf("%s: %d numbers agree with R within 1e-6 (largest relative difference %.2g), %d differ\n",
            if (paired) "paired" else "randomised", npass, worst, nfail))
quit(status = if (nfail == 0 && npass > 0) 0 else 1)
