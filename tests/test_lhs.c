/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the Latin-hypercube design of the robustness sweep
 * (tools/lhs.h, Random123 Philox keyed by seed and purpose), with fixed
 * seeds: one unit per stratum in every dimension, uniform margins, uniform
 * permutations, independent dimensions, and a design that depends on the
 * seed only. */
#include <math.h>
#include <string.h>

#include "../tools/lhs.h"
#include "its_test.h"

/* every dimension has exactly one unit in each stratum [s/n, (s+1)/n) */
static int one_per_stratum(const double *x, size_t n, size_t dims)
{
    size_t d, k;
    unsigned char *hit = calloc(n, 1);
    int ok = hit != NULL;
    for (d = 0; ok && d < dims; d++) {
        memset(hit, 0, n);
        for (k = 0; k < n; k++) {
            double v = x[k * dims + d];
            size_t s = (size_t)(v * (double)n);
            if (!(v >= 0.0 && v < 1.0) || s >= n || hit[s]) {
                ok = 0;
                break;
            }
            hit[s] = 1;
        }
    }
    free(hit);
    return ok;
}

static void test_strata(void)
{
    static const size_t sizes[] = {1, 2, 7, 100, 1000};
    size_t i;
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        const size_t n = sizes[i], dims = 12;
        double *x = malloc(n * dims * sizeof *x);
        int ok = x != NULL && lhs_design(42, n, dims, x) == 0 && one_per_stratum(x, n, dims);
        its_test_true(ok, "n = %zu, 12 dimensions: each stratum hit exactly once per dimension", n);
        free(x);
    }
}

/* Rounding at the top of a stratum: (s + u)/n with u = 1 - 2^-53 stays in
 * stratum s. */
static void test_stratum_edges(void)
{
    const double u = 1.0 - 0x1p-53;
    size_t n, s, bad = 0;
    for (n = 1; n <= 2000; n += 37)
        for (s = 0; s < n; s++) {
            double v = lhs_point(s, n, u), w = lhs_point(s, n, 0.0);
            bad += (size_t)(v * (double)n) != s || !(v < 1.0) || (size_t)(w * (double)n) != s;
        }
    its_test_true(bad == 0, "points at both edges of every stratum stay in it (%zu outside)", bad);
}

/* Kolmogorov-Smirnov distance of the n values of dimension d from U(0, 1).
 * With one value per stratum it cannot exceed 1/n. */
static double ks_distance(const double *x, size_t n, size_t dims, size_t d)
{
    double *v = malloc(n * sizeof *v), dmax = 0.0;
    size_t k, j;
    for (k = 0; k < n; k++)
        v[k] = x[k * dims + d];
    for (k = 1; k < n; k++) { /* insertion sort: n is small */
        double t = v[k];
        for (j = k; j > 0 && v[j - 1] > t; j--)
            v[j] = v[j - 1];
        v[j] = t;
    }
    for (k = 0; k < n; k++) {
        dmax = fmax(dmax, fabs((k + 1.0) / (double)n - v[k]));
        dmax = fmax(dmax, fabs(v[k] - (double)k / (double)n));
    }
    free(v);
    return dmax;
}

static void test_margins_and_independence(void)
{
    const size_t n = 500, dims = 12;
    double *x = malloc(n * dims * sizeof *x), worst = 0.0, rmax = 0.0;
    double jit[10] = {0};
    size_t d, e, k;
    lhs_design(2024, n, dims, x);
    for (d = 0; d < dims; d++)
        worst = fmax(worst, ks_distance(x, n, dims, d));
    its_test_true(worst <= 1.0 / n, "margins: KS distance %.3g <= 1/n", worst);
    /* Dimensions are permuted independently: Pearson correlation of two
     * columns has sd 1/sqrt(n - 1) = 0.045; 66 pairs, all within 4 sd. */
    for (d = 0; d < dims; d++)
        for (e = d + 1; e < dims; e++) {
            double sxy = 0.0;
            for (k = 0; k < n; k++)
                sxy += (x[k * dims + d] - 0.5) * (x[k * dims + e] - 0.5);
            /* variance of each margin 1/12 */
            rmax = fmax(rmax, fabs(sxy / n * 12.0));
        }
    its_test_true(rmax < 4.0 / sqrt(n - 1.0), "largest correlation between dimensions %.3f < %.3f",
                  rmax, 4.0 / sqrt(n - 1.0));
    /* Positions within the strata: frac(x n) ~ U(0, 1), chi-square on 10
     * bins over all 6,000 values (9 df: 99.9 % quantile 27.9). */
    for (k = 0; k < n * dims; k++) {
        double f = x[k] * n - floor(x[k] * n);
        jit[(size_t)(f * 10.0)]++;
    }
    {
        double chi = 0.0, ex = n * dims / 10.0;
        for (k = 0; k < 10; k++)
            chi += (jit[k] - ex) * (jit[k] - ex) / ex;
        its_test_true(chi < 27.9, "jitter inside the strata uniform: chi-square %.2f (9 df)", chi);
    }
    free(x);
}

/* Over 6,000 seeds the 3! = 6 orders of a 3-unit design are equally likely:
 * chi-square with 5 df below its 99.9 % quantile 20.5. */
static void test_uniform_permutations(void)
{
    size_t count[6] = {0}, seed;
    size_t stratum[3];
    lhs_sort_key scratch[3];
    double chi = 0.0;
    int i;
    for (seed = 0; seed < 6000; seed++) {
        size_t code;
        lhs_strata(seed, 3, 0, stratum, scratch);
        /* the permutation as a number 0..5 */
        code = stratum[0] * 2 + (stratum[1] > stratum[2]);
        count[code]++;
    }
    for (i = 0; i < 6; i++)
        chi += (count[i] - 1000.0) * (count[i] - 1000.0) / 1000.0;
    its_test_true(chi < 20.5, "permutations uniform over seeds: chi-square %.2f (5 df)", chi);
}

static void test_seed_only(void)
{
    const size_t n = 50, dims = 4;
    double a[50 * 4], b[50 * 4], c[50 * 4];
    lhs_design(5, n, dims, a);
    lhs_design(5, n, dims, b);
    lhs_design(6, n, dims, c);
    its_test_true(memcmp(a, b, sizeof a) == 0, "same seed, same design (bit for bit)");
    its_test_true(memcmp(a, c, sizeof a) != 0, "another seed, another design");
    /* the words are keyed: different purposes and counters differ */
    its_test_true(lhs_word(5, LHS_PERMUTATION, 3, 1) != lhs_word(5, LHS_JITTER, 3, 1) &&
                      lhs_word(5, LHS_JITTER, 3, 1) != lhs_word(5, LHS_JITTER, 1, 3),
                  "purpose and counter select independent words");
    /* the position inside the stratum is the documented word */
    its_test_true(fabs(a[0] * n - floor(a[0] * n) -
                       lhs_u01(lhs_word(5, LHS_JITTER, 0, 0))) < 1e-12,
                  "jitter of unit 0 is the Philox word (seed 5, jitter; 0, 0)");
}

int main(void)
{
    test_strata();
    test_stratum_edges();
    test_margins_and_independence();
    test_uniform_permutations();
    test_seed_only();
    return its_test_done();
}
