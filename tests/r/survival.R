# SPDX-License-Identifier: GPL-3.0-or-later
# The trial statistics in R's survival package, for tests/r/survival_vs_r.c:
# reads the outcome tables it wrote (dataset,time,event,arm,stratum,
# cluster), prints one "dataset.key value" line per number to OUT (NA when
# R has none).
# Usage: Rscript --vanilla survival.R TABLES.csv OUT.txt
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
out <- file(args[2], "w")
put <- function(ds, key, v) {
  v <- as.numeric(v)
  cat(sprintf("%s.%s %s\n", ds, key, if (is.na(v)) "NA" else sprintf("%.17g", v)), file = out)
}
put_est <- function(ds, key, v, lo, hi) {
  put(ds, key, v); put(ds, paste0(key, "_lo"), lo); put(ds, paste0(key, "_hi"), hi)
}
months <- c(s6 = 182.625, s12 = 365.25, s24 = 730.5)
for (ds in unique(d$dataset)) {
  x <- d[d$dataset == ds, ]
  for (a in 0:1) {
    fit <- survfit(Surv(time, event) ~ 1, data = x[x$arm == a, ])  # conf.type "log"
    q <- quantile(fit, 0.5)
    put_est(ds, sprintf("arm%d.median", a), q$quantile, q$lower, q$upper)
    for (m in names(months)) {
      t <- months[[m]]
      if (t > max(fit$time)) {  # summary() refuses times beyond the curve
        put_est(ds, sprintf("arm%d.%s", a, m), NA, NA, NA)
      } else {
        s <- summary(fit, times = t)
        put_est(ds, sprintf("arm%d.%s", a, m), s$surv, s$lower, s$upper)
      }
    }
  }
  lr <- survdiff(Surv(time, event) ~ arm, data = x)
  put(ds, "logrank.chisq", lr$chisq)
  put(ds, "logrank.p", pchisq(lr$chisq, 1, lower.tail = FALSE))
  lrs <- survdiff(Surv(time, event) ~ arm + strata(stratum), data = x)
  put(ds, "logrank_strata.chisq", lrs$chisq)
  put(ds, "logrank_strata.p", pchisq(lrs$chisq, 1, lower.tail = FALSE))
  for (ties in c("efron", "breslow")) {
    cx <- coxph(Surv(time, event) ~ arm, data = x, ties = ties)
    key <- paste0("cox_", ties)
    put(ds, paste0(key, ".beta"), coef(cx)); put(ds, paste0(key, ".se"), sqrt(vcov(cx)[1, 1]))
    if (ties == "efron") {
      ci <- exp(confint(cx))
      put_est(ds, paste0(key, ".hr"), exp(coef(cx)), ci[1], ci[2])
      put(ds, paste0(key, ".loglik"), cx$loglik[2])
      put(ds, paste0(key, ".p"), summary(cx)$coefficients[1, 5])
    }
  }
  cs <- suppressWarnings(coxph(Surv(time, event) ~ arm + strata(stratum), data = x))
  ci <- exp(confint(cs))
  put(ds, "cox_strata.beta", coef(cs)); put(ds, "cox_strata.se", sqrt(vcov(cs)[1, 1]))
  put_est(ds, "cox_strata.hr", exp(coef(cs)), ci[1], ci[2])
  put(ds, "cox_strata.loglik", cs$loglik[2])
  # The marginal model with the cluster-robust (Lin-Wei) variance: vcov is
  # the robust one, naive.var the model-based one, confint and the Wald p
  # of summary() use the robust se, rscore is the robust score test.
  for (ties in c("efron", "breslow")) {
    cc <- coxph(Surv(time, event) ~ arm + cluster(cluster), data = x, ties = ties)
    key <- if (ties == "efron") "cox_cluster" else "cox_cluster_breslow"
    put(ds, paste0(key, ".beta"), coef(cc)); put(ds, paste0(key, ".se"), sqrt(vcov(cc)[1, 1]))
    put(ds, paste0(key, ".rscore"), cc$rscore)
    if (ties == "efron") {
      ci <- exp(confint(cc))
      put(ds, paste0(key, ".naive_se"), sqrt(cc$naive.var[1, 1]))
      put_est(ds, paste0(key, ".hr"), exp(coef(cc)), ci[1], ci[2])
      put(ds, paste0(key, ".p"), summary(cc)$coefficients[1, "Pr(>|z|)"])
      put(ds, paste0(key, ".rscore_p"), pchisq(cc$rscore, 1, lower.tail = FALSE))
    }
  }
  cr <- coxph(Surv(time, event) ~ arm, data = x, robust = TRUE)
  put(ds, "cox_robust.se", sqrt(vcov(cr)[1, 1])); put(ds, "cox_robust.rscore", cr$rscore)
  ccs <- suppressWarnings(coxph(Surv(time, event) ~ arm + strata(stratum) + cluster(cluster),
                                data = x))
  ci <- exp(confint(ccs))
  put(ds, "cox_cluster_strata.beta", coef(ccs))
  put(ds, "cox_cluster_strata.se", sqrt(vcov(ccs)[1, 1]))
  put_est(ds, "cox_cluster_strata.hr", exp(coef(ccs)), ci[1], ci[2])
}
# Wilson (prop.test without continuity correction) and Newcombe's hybrid
# score interval for the difference (Newcombe 1998, method 10), written
# out from the Wilson limits.
props <- rbind(c(56, 70, 48, 80), c(9, 10, 3, 10), c(0, 10, 0, 20), c(17, 60, 25, 60),
               c(1, 29, 0, 31))
for (i in seq_len(nrow(props))) {
  p <- props[i, ]
  w1 <- prop.test(p[1], p[2], correct = FALSE)$conf.int
  w2 <- prop.test(p[3], p[4], correct = FALSE)$conf.int
  p1 <- p[1] / p[2]; p2 <- p[3] / p[4]
  put_est("props", sprintf("wilson%d", i), p1, w1[1], w1[2])
  dlt <- p1 - p2
  put_est("props", sprintf("diff%d", i), dlt, dlt - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2),
          dlt + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}
close(out)
