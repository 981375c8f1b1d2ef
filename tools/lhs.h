/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tools: Latin-hypercube designs from Random123 (header-only; used by
 * tools/robustness.c and tests/test_lhs.c).
 *
 * Every random number is one Philox4x64-10 block, keyed by (seed, purpose)
 * and counted by (index, dimension): the design depends only on the seed,
 * never on the order of the calls or the number of threads.
 *
 *   - the stratum of unit k in dimension d: unit k's rank when the units
 *     are sorted by the block (seed, LHS_PERMUTATION; k, d), ties broken
 *     by k: a uniformly random permutation of 0..n-1 per dimension;
 *   - its position inside the stratum: the block (seed, LHS_JITTER; k, d),
 *     53 bits, uniform in [0, 1).
 *
 * x[k][d] = (stratum + jitter)/n: every dimension has exactly one unit in
 * each of its n strata [s/n, (s+1)/n). */
#ifndef ITS_TOOLS_LHS_H
#define ITS_TOOLS_LHS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <Random123/philox.h>

/* Purposes: one Philox key per use, so that streams never overlap. */
enum { LHS_PERMUTATION = 1, LHS_JITTER = 2 };

/* The 64-bit random word for (seed, purpose; index, dim). */
static inline uint64_t lhs_word(uint64_t seed, uint64_t purpose, uint64_t index, uint64_t dim)
{
    philox4x64_key_t key = {{seed, purpose}};
    philox4x64_ctr_t ctr = {{index, dim, 0, 0}};
    philox4x64_ctr_t r = philox4x64(ctr, key);
    return r.v[0];
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double lhs_u01(uint64_t w)
{
    return (double)(w >> 11) * 0x1p-53;
}

typedef struct lhs_sort_key {
    uint64_t r;
    size_t k;
} lhs_sort_key;

static inline int lhs_cmp(const void *pa, const void *pb)
{
    const lhs_sort_key *a = pa, *b = pb;
    if (a->r != b->r)
        return a->r < b->r ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k;
}

/* The strata of n units in dimension dim: stratum[k] in 0..n-1, each value
 * once. scratch holds n entries. */
static inline void lhs_strata(uint64_t seed, size_t n, size_t dim, size_t *stratum,
                              lhs_sort_key *scratch)
{
    size_t k;
    for (k = 0; k < n; k++) {
        scratch[k].r = lhs_word(seed, LHS_PERMUTATION, k, dim);
        scratch[k].k = k;
    }
    qsort(scratch, n, sizeof *scratch, lhs_cmp);
    for (k = 0; k < n; k++)
        stratum[scratch[k].k] = k;
}

/* (s + u)/n, kept inside stratum s, [s/n, (s+1)/n), against rounding
 * (s + u rounds up to s + 1 when u is within an ulp of 1). */
static inline double lhs_point(size_t s, size_t n, double u)
{
    double v = ((double)s + u) / (double)n;
    while ((size_t)(v * (double)n) > s)
        v = nextafter(v, 0.0);
    while ((size_t)(v * (double)n) < s)
        v = nextafter(v, 1.0);
    return v;
}

/* The n x dims design in [0, 1), row-major (x[k * dims + d]). Returns 0,
 * or -1 when out of memory. */
static inline int lhs_design(uint64_t seed, size_t n, size_t dims, double *x)
{
    size_t *stratum = malloc((n ? n : 1) * sizeof *stratum);
    lhs_sort_key *scratch = malloc((n ? n : 1) * sizeof *scratch);
    size_t k, d;
    if (stratum == NULL || scratch == NULL) {
        free(stratum);
        free(scratch);
        return -1;
    }
    for (d = 0; d < dims; d++) {
        lhs_strata(seed, n, d, stratum, scratch);
        for (k = 0; k < n; k++)
            x[k * dims + d] = lhs_point(stratum[k], n, lhs_u01(lhs_word(seed, LHS_JITTER, k, d)));
    }
    free(stratum);
    free(scratch);
    return 0;
}

#endif
