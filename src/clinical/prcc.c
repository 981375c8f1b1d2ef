/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: partial rank correlation coefficients (PRCC) for global
 * sensitivity analysis (Marino, Hogue, Ray & Kirschner 2008, J Theor Biol
 * 254:178, "LHS-PRCC"; include/itsim/survival.h, its_prcc).
 *
 * Every column (the k inputs and the output) is replaced by its ranks,
 * ties by their average rank (R's rank(), ties.method = "average"). The
 * partial correlation of input j with the output, given the other inputs,
 * is read off the inverse P of the covariance matrix of the ranks:
 * r = -P[j][y] / sqrt(P[j][j] P[y][y]). This equals the correlation of the
 * two residuals of the linear regressions on the other inputs (Marino's
 * definition), computed once for all j. The test of r = 0 is Student's t
 * with df = n - 2 - p, p the number of inputs held fixed (Marino et al.
 * 2008, section 2.3). */
#include "clinical/clinical.h"
#include "core/gsl_adapter.h"
#include "itsim/survival.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct rank_key {
    double v;
    size_t i;
} rank_key;

static int cmp_key(const void *pa, const void *pb)
{
    const rank_key *a = pa, *b = pb;
    if (a->v < b->v)
        return -1;
    if (a->v > b->v)
        return 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* Average ranks (1-based) of v[0..m-1] into r; keys is scratch of m. */
static void average_ranks(const double *v, size_t m, double *r, rank_key *keys)
{
    size_t i, j;
    for (i = 0; i < m; i++) {
        keys[i].v = v[i];
        keys[i].i = i;
    }
    qsort(keys, m, sizeof *keys, cmp_key);
    for (i = 0; i < m; i = j) {
        double avg;
        size_t q;
        for (j = i + 1; j < m && keys[j].v == keys[i].v; j++)
            ;
        avg = 0.5 * (double)(i + 1 + j); /* mean of ranks i+1 .. j */
        for (q = i; q < j; q++)
            r[keys[q].i] = avg;
    }
}

static void set_nan(its_prcc_result *out, size_t k, long n)
{
    size_t j;
    for (j = 0; j < k; j++) {
        out[j].prcc = NAN;
        out[j].t = NAN;
        out[j].p = NAN;
        out[j].df = 0;
        out[j].n = n;
    }
}

/* The rows of x and y without a NaN or infinity, as rank columns: col[c]
 * holds m ranks of column c (c = k is the output). Returns m. */
static size_t rank_columns(const double *x, size_t n, size_t k, const double *y, double *col,
                           double *tmp, rank_key *keys)
{
    size_t i, c, m = 0;
    for (c = 0; c <= k; c++) {
        m = 0;
        for (i = 0; i < n; i++) {
            size_t q;
            int ok = isfinite(y[i]);
            for (q = 0; q < k && ok; q++)
                ok = isfinite(x[i * k + q]);
            if (ok)
                tmp[m++] = c < k ? x[i * k + c] : y[i];
        }
        average_ranks(tmp, m, col + c * n, keys);
    }
    return m;
}

/* Covariance of the ranks of the columns used (use[c] != 0, in order) into
 * the q x q matrix cov. */
static void rank_cov(const double *col, size_t n, size_t m, const size_t *idx, size_t q,
                     double *cov)
{
    size_t a, b, i;
    double mean = 0.5 * (double)(m + 1); /* the mean of any rank column */
    for (a = 0; a < q; a++)
        for (b = a; b < q; b++) {
            const double *ca = col + idx[a] * n, *cb = col + idx[b] * n;
            double s = 0.0;
            for (i = 0; i < m; i++)
                s += (ca[i] - mean) * (cb[i] - mean);
            cov[a * q + b] = cov[b * q + a] = s / (double)(m - 1);
        }
}

/* its-long: the one flow of the estimate (rank, select the non-constant
 * columns, invert, read off, test) with its allocations kept together. */
its_status its_prcc(const double *x, size_t n, size_t k, const double *y,
                    its_prcc_result *out, char *msg, size_t msglen)
{
    double *col = NULL, *tmp = NULL, *cov = NULL;
    rank_key *keys = NULL;
    size_t *idx = NULL, m, c, q = 0, j;
    its_status st = ITS_OK;

    if (x == NULL || y == NULL || out == NULL || k == 0 || n == 0) {
        its__fmt(msg, msglen, "PRCC needs inputs, an output and at least one row and column");
        return ITS_EINVAL;
    }
    if (k > 10000 || n > (size_t)1 << 26) {
        its__fmt(msg, msglen, "PRCC: %zu rows x %zu inputs is too large", n, k);
        return ITS_ERANGE;
    }
    col = its__malloc((k + 1) * n * sizeof *col);
    tmp = its__malloc(n * sizeof *tmp);
    keys = its__malloc(n * sizeof *keys);
    idx = its__malloc((k + 1) * sizeof *idx);
    cov = its__malloc((k + 1) * (k + 1) * sizeof *cov);
    if (col == NULL || tmp == NULL || keys == NULL || idx == NULL || cov == NULL) {
        its__fmt(msg, msglen, "out of memory");
        st = ITS_ENOMEM;
        goto done;
    }
    m = rank_columns(x, n, k, y, col, tmp, keys);
    set_nan(out, k, (long)m);
    /* the non-constant columns: a constant input has no rank correlation
     * and conditions nothing; a constant output leaves every PRCC NaN */
    for (c = 0; c <= k; c++) {
        const double *cc = col + c * n;
        size_t i;
        int varies = 0;
        for (i = 1; i < m && !varies; i++)
            varies = cc[i] != cc[0];
        if (varies)
            idx[q++] = c;
    }
    if (q < 2 || idx[q - 1] != k)
        goto ok; /* the output is constant, or every input is */
    if ((long)m - 2 - (long)(q - 2) < 1) {
        its__fmt(msg, msglen, "PRCC: %zu complete rows are too few for %zu varying inputs "
                 "(need at least %zu)", m, q - 1, q + 1);
        st = ITS_ERANGE;
        goto done;
    }
    rank_cov(col, n, m, idx, q, cov);
    st = its__spd_invert(cov, q, q);
    if (st == ITS_ERANGE) {
        its__fmt(msg, msglen, "PRCC: the ranks of the inputs are collinear (each input must "
                 "vary independently of the others, as in a Latin hypercube)");
        goto done;
    }
    if (st != ITS_OK) {
        its__fmt(msg, msglen, "PRCC: the covariance of the ranks could not be inverted");
        goto done;
    }
    for (j = 0; j + 1 < q; j++) {
        its_prcc_result *o = &out[idx[j]];
        double pjj = cov[j * q + j], pyy = cov[(q - 1) * q + (q - 1)];
        double r = -cov[j * q + (q - 1)] / sqrt(pjj * pyy);
        long df = (long)m - 2 - (long)(q - 2);
        if (r > 1.0)
            r = 1.0;
        if (r < -1.0)
            r = -1.0;
        o->prcc = r;
        o->df = df;
        o->t = fabs(r) < 1.0 ? r * sqrt((double)df / (1.0 - r * r)) : copysign(INFINITY, r);
        o->p = fabs(r) < 1.0 ? 2.0 * its__t_upper(fabs(o->t), (double)df) : 0.0;
    }
ok:
    its__fmt(msg, msglen, "%s", "");
    st = ITS_OK;
done:
    its__free(col);
    its__free(tmp);
    its__free(keys);
    its__free(idx);
    its__free(cov);
    return st;
}
