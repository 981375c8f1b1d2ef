/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the binomial statistics of the personalisation study
 * (src/core/gsl_adapter.c: its__binom_ci, the Clopper-Pearson interval;
 * its__binom_quantile) against R's binom.test and qbinom, for every k of
 * n = 1, 2, 3, 14, 100, 259, 260, 291, 437, 534 and 1000 (GSL's beta
 * quantile does not converge for some of the larger n, where the adapter
 * bisects). Within 1e-9 relative (absolute below 1e-12): the same beta
 * quantiles, to the solvers' precision. Exit 77 without Rscript.
 * Usage: binom_vs_r */
#include <stdio.h>
#include <stdlib.h>

#include "core/gsl_adapter.h"
#include "run_r.h"

static const char *script =
    "a <- read.table(commandArgs(TRUE)[1], col.names = c('n','k','lo','hi','q1','q2'))\n"
    "bad <- 0\n"
    "for (i in seq_len(nrow(a))) {\n"
    "  ci <- binom.test(a$k[i], a$n[i])$conf.int\n"
    "  q <- qbinom(c(0.025, 0.975), a$n[i], 0.9)\n"
    "  d <- abs(c(a$lo[i], a$hi[i]) - ci)\n"
    "  if (any(d > 1e-9 * pmax(abs(ci), 1e-3)) || any(c(a$q1[i], a$q2[i]) != q)) {\n"
    "    bad <- bad + 1\n"
    "    if (bad <= 10) cat(sprintf('FAIL: n %d k %d: itsim %.17g %.17g %d %d, R %.17g %.17g %d %d\\n',\n"
    "        a$n[i], a$k[i], a$lo[i], a$hi[i], a$q1[i], a$q2[i], ci[1], ci[2], q[1], q[2]))\n"
    "  }\n"
    "}\n"
    "cat(sprintf('binomial statistics against R: %d of %d (n, k) pairs differ\\n', bad, nrow(a)))\n"
    "quit(status = if (bad == 0) 0 else 1)\n";

int main(void)
{
    static const unsigned ns[] = {1, 2, 3, 14, 100, 259, 260, 291, 437, 534, 1000};
    char dir[] = "/tmp/binom_vs_r.XXXXXX", data[64], rs[64];
    char *argv[] = {"Rscript", rs, data, NULL};
    FILE *fp;
    size_t i;
    unsigned k;
    int rc, nan = 0;
    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(data, sizeof data, "%s/binom.txt", dir);
    snprintf(rs, sizeof rs, "%s/check.R", dir);
    if ((fp = fopen(rs, "w")) == NULL || fputs(script, fp) == EOF || fclose(fp) != 0)
        return 1;
    if ((fp = fopen(data, "w")) == NULL)
        return 1;
    for (i = 0; i < sizeof ns / sizeof ns[0]; i++)
        for (k = 0; k <= ns[i]; k++) {
            double lo, hi;
            its__binom_ci(k, ns[i], 0.95, &lo, &hi);
            nan += isnan(lo) || isnan(hi);
            fprintf(fp, "%u %u %.17g %.17g %ld %ld\n", ns[i], k, lo, hi,
                    its__binom_quantile(0.025, ns[i], 0.9), its__binom_quantile(0.975, ns[i], 0.9));
        }
    if (fclose(fp) != 0)
        return 1;
    rc = run(argv);
    remove(data);
    remove(rs);
    rmdir(dir);
    if (rc == 127) {
        printf("SKIP: no Rscript\n");
        return 77;
    }
    printf("%s: %d NaN bounds\n", nan ? "FAIL" : "PASS", nan);
    return rc == 0 && nan == 0 ? 0 : 1;
}
