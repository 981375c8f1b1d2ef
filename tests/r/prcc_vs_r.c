/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: its_prcc (include/itsim/survival.h) against partial rank
 * correlation computed in base R (tests/r/prcc.R: rank(), lm() residuals,
 * cor(), pt()) on the same data. Five datasets from Random123 with fixed
 * seeds: a smooth nonlinear monotone output with two null inputs; heavy
 * ties (an input on five levels, a binary output) and a constant input;
 * missing values in inputs and the output; a small sample (df = 4); an
 * output almost equal to one input (PRCC near 1). PRCC and p-values are
 * compared absolutely within 1e-9, t within 1e-7 relative; NA in R must be
 * NaN here. The tolerances are those of two double-precision
 * factorisations of the same well-conditioned matrices (Cholesky here, QR
 * in lm()). Exit 77 (ctest SKIP_RETURN_CODE) without Rscript.
 * Usage: prcc_vs_r SCRIPT.R */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Random123/philox.h>

#include "itsim/survival.h"
#include "run_r.h"

#define MAXN 400
#define MAXK 6
#define NSETS 5

typedef struct dataset {
    const char *name;
    size_t n, k;
    double x[MAXN * MAXK], y[MAXN];
} dataset;

static double u01(uint64_t purpose, uint64_t row, uint64_t what)
{
    philox4x64_key_t key = {{20261207u, purpose}};
    philox4x64_ctr_t ctr = {{row, what, 0, 0}};
    philox4x64_ctr_t r = philox4x64(ctr, key);
    return ((double)(r.v[0] >> 11) + 0.5) * 0x1.0p-53;
}

static void make(dataset *d, size_t which)
{
    static const char *names[NSETS] = {"smooth", "ties", "missing", "small", "near_one"};
    static const size_t ns[NSETS] = {300, 200, 150, 8, 100}, ks[NSETS] = {5, 4, 3, 3, 3};
    size_t i, j;
    d->name = names[which];
    d->n = ns[which];
    d->k = ks[which];
    for (i = 0; i < d->n; i++) {
        double *x = d->x + i * d->k, e = u01(which + 1, i, 99) - 0.5;
        for (j = 0; j < d->k; j++)
            x[j] = u01(which + 1, i, j);
        switch (which) {
        case 0: d->y[i] = exp(2 * x[0]) - 3 * x[1] * x[1] * x[1] + 0.5 * x[2] + 0.8 * e; break;
        case 1:
            x[0] = floor(5 * x[0]);
            x[3] = 2.5;
            d->y[i] = x[0] / 5 + x[1] + 0.6 * e > 1.0;
            break;
        case 2:
            d->y[i] = x[0] - x[1] + 0.3 * e;
            if (i % 17 == 3)
                x[1] = NAN;
            if (i % 23 == 5)
                d->y[i] = NAN;
            break;
        case 3: d->y[i] = x[0] + 2 * e; break;
        default: d->y[i] = x[0] + 1e-3 * x[1] + 1e-4 * e; break;
        }
    }
}

static int write_csv(const char *path, const dataset *ds)
{
    FILE *fp = fopen(path, "w");
    size_t s, i, j;
    if (fp == NULL)
        return 1;
    fprintf(fp, "dataset,row,y");
    for (j = 0; j < MAXK; j++)
        fprintf(fp, ",x%zu", j + 1);
    fprintf(fp, "\n");
    for (s = 0; s < NSETS; s++)
        for (i = 0; i < ds[s].n; i++) {
            fprintf(fp, "%s,%zu,", ds[s].name, i);
            fprintf(fp, isnan(ds[s].y[i]) ? "NA" : "%.17g", ds[s].y[i]);
            for (j = 0; j < MAXK; j++) {
                double v = j < ds[s].k ? ds[s].x[i * ds[s].k + j] : (double)NAN;
                fprintf(fp, isnan(v) ? ",NA" : ",%.17g", v);
            }
            fprintf(fp, "\n");
        }
    return fclose(fp) != 0;
}


static int check(const char *rout, const char *key, double c, double tol, int relative,
                 double *worst)
{
    double r = NAN;
    int have = r_value(rout, key, &r), ok;
    double err = fabs(c - r) / (relative && r != 0.0 ? fabs(r) : 1.0);
    if (!have)
        ok = 0;
    else if (isnan(r) || isnan(c))
        ok = isnan(r) && isnan(c);
    else
        ok = err <= tol;
    if (ok && !isnan(r) && err > *worst)
        *worst = err;
    printf("%s: %-26s itsim %.12g  R %.12g\n", ok ? "PASS" : "FAIL", key, c, have ? r : (double)NAN);
    return !ok;
}

int main(int argc, char **argv)
{
    static dataset ds[NSETS];
    char dir[] = "/tmp/its_prcc_XXXXXX", csv[96], rout[96], msg[256];
    char *probe[] = {"Rscript", "--version", NULL};
    size_t s, j;
    int bad = 0;
    double worst = 0.0;
    if (argc != 2) {
        fprintf(stderr, "usage: prcc_vs_r SCRIPT.R\n");
        return 2;
    }
    if (run(probe) == 127) {
        printf("SKIP: Rscript is not installed (scripts/deps.sh test installs it)\n");
        return 77;
    }
    if (mkdtemp(dir) == NULL)
        return 1;
    snprintf(csv, sizeof csv, "%s/data.csv", dir);
    snprintf(rout, sizeof rout, "%s/r.txt", dir);
    for (s = 0; s < NSETS; s++)
        make(&ds[s], s);
    {
        char *rargv[] = {"Rscript", "--vanilla", argv[1], csv, rout, NULL};
        if (write_csv(csv, ds) || run(rargv) != 0) {
            fprintf(stderr, "FAIL: R did not run on %s\n", csv);
            return 1;
        }
    }
    for (s = 0; s < NSETS; s++) {
        its_prcc_result res[MAXK];
        char key[96];
        if (its_prcc(ds[s].x, ds[s].n, ds[s].k, ds[s].y, res, msg, sizeof msg) != ITS_OK) {
            printf("FAIL: %s: its_prcc: %s\n", ds[s].name, msg);
            bad++;
            continue;
        }
        snprintf(key, sizeof key, "%s.n", ds[s].name);
        bad += check(rout, key, (double)res[0].n, 0.0, 0, &worst);
        for (j = 0; j < ds[s].k; j++) {
            snprintf(key, sizeof key, "%s.x%zu.prcc", ds[s].name, j + 1);
            bad += check(rout, key, res[j].prcc, 1e-9, 0, &worst);
            snprintf(key, sizeof key, "%s.x%zu.p", ds[s].name, j + 1);
            bad += check(rout, key, res[j].p, 1e-9, 0, &worst);
            if (!isnan(res[j].prcc)) {
                snprintf(key, sizeof key, "%s.x%zu.t", ds[s].name, j + 1);
                bad += check(rout, key, res[j].t, 1e-7, 1, &worst);
            }
        }
    }
    /* the smooth set's signs and significance as constructed: x1 up, x2
     * down, x3 up, x4 and x5 null at the 1 % level */
    {
        its_prcc_result res[MAXK];
        its_prcc(ds[0].x, ds[0].n, ds[0].k, ds[0].y, res, NULL, 0);
        if (!(res[0].prcc > 0.5 && res[1].prcc < -0.5 && res[2].prcc > 0 && res[2].p < 0.01 &&
              res[3].p > 0.01 && res[4].p > 0.01)) {
            printf("FAIL: smooth set signs %g %g %g p %g %g\n", res[0].prcc, res[1].prcc,
                   res[2].prcc, res[3].p, res[4].p);
            bad++;
        }
    }
    printf("%s: PRCC against R, worst difference %.3g\n", bad ? "FAIL" : "PASS", worst);
    unlink(csv);
    unlink(rout);
    rmdir(dir);
    return bad != 0;
}
