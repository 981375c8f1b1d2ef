/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the MCMC diagnostics (src/core/mcmc_diag.c,
 * its__mcmc_summarise) against the R package posterior (tests/r/
 * mcmc_diag.R: rhat, ess_bulk, ess_tail, ess_basic, mcse_mean, quantile2,
 * mean, sd) on the same draws. The datasets, from Random123 with fixed
 * keys: AR(1) chains with phi 0, 0.5 and 0.9 (4 x 1000) and 0.5 with an
 * odd length (4 x 999, the middle draw dropped by the split); an
 * antithetic chain (phi -0.7, whose ESS posterior caps at S log10 S);
 * Cauchy draws (heavy tails); a few integer values (ties in the ranks and
 * the quantiles); chains with shifted means; one constant chain among
 * varying ones; constant draws (NA); a single chain; chains of 7 and 11
 * draws (Geyer's sequence stops at once: posterior's 1:max_t with max_t =
 * 0); draws with +Inf and -Inf (ranked by rhat and ess_bulk, NA for the
 * others); a large offset with a small spread.
 *
 * Every statistic must agree within 1e-8 relative, and NA in R must be
 * NaN here: the algorithm is the same, step for step (posterior's own
 * conventions, src/core/mcmc.h), so the two differ only in the order of
 * floating-point sums (posterior's autocovariances come from an FFT, ours
 * from direct sums) and in the last bit of the normal quantile (R's qnorm
 * and GSL's are both Wichura's AS 241); such differences are ~1e-13 and
 * 1e-8 leaves room for their accumulation through the Geyer sums without
 * hiding a convention error (which moves an ESS by 1e-4 or more). The
 * draws go to R as hex floats so that both read the same doubles. Exit 77
 * (ctest SKIP_RETURN_CODE) without Rscript or posterior.
 * Usage: mcmc_vs_r SCRIPT.R */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"
#include "core/gsl_adapter.h"
#include "core/mcmc.h"
#include "run_r.h"

#define RTOL 1e-8
#define NSTAT 10

typedef struct dataset {
    const char *name;
    size_t chains, n;
    double phi;   /* AR(1) coefficient (kind 0) */
    int kind;     /* 0 AR(1), 1 Cauchy, 2 integers, 3 constant */
    double *x;
} dataset;

static const char *stat_names[NSTAT] = {"mean", "sd", "q05", "q50", "q95",
                                        "rhat", "ess_bulk", "ess_tail", "ess_basic",
                                        "mcse_mean"};

static double stat_of(const its__mcmc_summary *s, size_t k)
{
    const double v[NSTAT] = {s->mean, s->sd, s->q05, s->q50, s->q95,
                             s->rhat, s->ess_bulk, s->ess_tail, s->ess_basic, s->mcse_mean};
    return v[k];
}

/* One dataset's draws, chain-major, then its special cases. */
static int make(dataset *d, uint64_t which)
{
    its__rng_key key = {20260402u, which, ITS__RNG_MCMC, 0};
    double pi = 4.0 * atan(1.0);
    size_t c, i;
    d->x = malloc(d->chains * d->n * sizeof *d->x);
    if (d->x == NULL)
        return 1;
    for (c = 0; c < d->chains; c++) {
        double prev = 0.0, e = sqrt(1.0 - d->phi * d->phi);
        key.stream = (uint32_t)c;
        for (i = 0; i < d->n; i++) {
            double u = its__rng_u01(&key, i), z = its__normal_pinv(u), v;
            prev = i == 0 ? z : d->phi * prev + e * z;
            switch (d->kind) {
            case 1: v = tan(pi * (u - 0.5)); break;
            case 2: v = fmax(-3.0, fmin(3.0, floor(1.5 * prev))); break;
            case 3: v = 1.0; break;
            default: v = prev; break;
            }
            d->x[c * d->n + i] = v;
        }
    }
    if (strcmp(d->name, "shifted") == 0)
        for (i = 0; i < d->n; i++)
            d->x[3 * d->n + i] += 1.5;
    if (strcmp(d->name, "one_const") == 0)
        for (i = 0; i < d->n; i++)
            d->x[3 * d->n + i] = 0.25;
    if (strcmp(d->name, "with_inf") == 0) {
        d->x[17] = (double)INFINITY;
        d->x[450] = -(double)INFINITY;
    }
    if (strcmp(d->name, "offset") == 0)
        for (i = 0; i < d->chains * d->n; i++)
            d->x[i] = 1000.0 + 1e-3 * d->x[i];
    return 0;
}

static int write_csv(const char *path, const dataset *ds, size_t nds)
{
    FILE *fp = fopen(path, "w");
    size_t s, c, i;
    if (fp == NULL)
        return 1;
    fprintf(fp, "dataset,chain,iter,value\n");
    for (s = 0; s < nds; s++)
        for (c = 0; c < ds[s].chains; c++)
            for (i = 0; i < ds[s].n; i++) {
                double v = ds[s].x[c * ds[s].n + i];
                fprintf(fp, "%s,%zu,%zu,", ds[s].name, c, i);
                if (isinf(v))
                    fprintf(fp, "%sInf\n", v < 0 ? "-" : "");
                else
                    fprintf(fp, "%a\n", v);
            }
    return fclose(fp) != 0;
}


/* Relative difference (NaN and NaN agree; infinities must be equal). */
static int check(const char *rout, const char *key, double c, double *worst)
{
    double r = NAN, err = 0.0;
    int have = r_value(rout, key, &r), ok;
    if (!have)
        ok = 0;
    else if (isnan(r) || isnan(c))
        ok = isnan(r) && isnan(c);
    else if (isinf(r) || isinf(c) || r == 0.0)
        ok = c == r;
    else {
        err = fabs(c - r) / fabs(r);
        ok = err <= RTOL;
    }
    if (ok && err > *worst)
        *worst = err;
    printf("%s: %-22s itsim %.15g  R %.15g  rel %.2g\n", ok ? "PASS" : "FAIL", key, c,
           have ? r : (double)NAN, err);
    return !ok;
}

int main(int argc, char **argv)
{
    static dataset ds[] = {
        {"ar0", 4, 1000, 0.0, 0, NULL},       {"ar05", 4, 1000, 0.5, 0, NULL},
        {"ar09", 4, 1000, 0.9, 0, NULL},      {"ar05_odd", 4, 999, 0.5, 0, NULL},
        {"antithetic", 4, 1000, -0.7, 0, NULL}, {"cauchy", 4, 1000, 0.0, 1, NULL},
        {"ties", 4, 500, 0.5, 2, NULL},       {"shifted", 4, 1000, 0.5, 0, NULL},
        {"one_const", 4, 200, 0.5, 0, NULL},  {"constant", 3, 50, 0.0, 3, NULL},
        {"single", 1, 1000, 0.5, 0, NULL},    {"short", 3, 7, 0.3, 0, NULL},
        {"short_odd", 2, 11, 0.3, 0, NULL},   {"with_inf", 4, 200, 0.5, 0, NULL},
        {"offset", 4, 1000, 0.5, 0, NULL},
    };
    const size_t nds = sizeof ds / sizeof ds[0];
    char dir[] = "/tmp/its_mcmc_XXXXXX", csv[96], rout[96], msg[256], version[64] = "";
    char *probe[] = {"Rscript", "--version", NULL};
    double worst[NSTAT] = {0};
    size_t s, k;
    int bad = 0, rc;
    if (argc != 2) {
        fprintf(stderr, "usage: mcmc_vs_r SCRIPT.R\n");
        return 2;
    }
    if (run(probe) == 127) {
        printf("SKIP: Rscript is not installed (scripts/deps.sh test installs it)\n");
        return 77;
    }
    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(csv, sizeof csv, "%s/draws.csv", dir);
    snprintf(rout, sizeof rout, "%s/r.txt", dir);
    for (s = 0; s < nds; s++)
        if (make(&ds[s], s + 1) != 0)
            return 1;
    {
        char *rargv[] = {"Rscript", "--vanilla", argv[1], csv, rout, NULL};
        if (write_csv(csv, ds, nds))
            return 1;
        rc = run(rargv);
        if (rc == 77) {
            printf("SKIP: the R package posterior is not installed (r-cran-posterior; "
                   "scripts/deps.sh test)\n");
            unlink(csv);
            rmdir(dir);
            return 77;
        }
        if (rc != 0) {
            fprintf(stderr, "FAIL: R did not run on %s\n", csv);
            return 1;
        }
    }
    {
        FILE *fp = fopen(rout, "r");
        if (fp != NULL && fscanf(fp, "posterior.version %63s", version) != 1)
            version[0] = '\0';
        if (fp != NULL)
            fclose(fp);
        printf("posterior %s\n", version);
    }
    for (s = 0; s < nds; s++) {
        its__mcmc_summary sum;
        if (its__mcmc_summarise(ds[s].x, ds[s].chains, ds[s].n, &sum, msg, sizeof msg) !=
            ITS_OK) {
            printf("FAIL: %s: its__mcmc_summarise: %s\n", ds[s].name, msg);
            bad++;
            continue;
        }
        for (k = 0; k < NSTAT; k++) {
            char key[96];
            snprintf(key, sizeof key, "%s.%s", ds[s].name, stat_names[k]);
            bad += check(rout, key, stat_of(&sum, k), &worst[k]);
        }
        free(ds[s].x);
    }
    for (k = 0; k < NSTAT; k++)
        printf("worst relative difference %-10s %.3g\n", stat_names[k], worst[k]);
    printf("%s: MCMC diagnostics against posterior %s within %g relative\n",
           bad ? "FAIL" : "PASS", version, RTOL);
    unlink(csv);
    unlink(rout);
    rmdir(dir);
    return bad != 0;
}
