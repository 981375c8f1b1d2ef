/* itsim tests: the engine's block triangular LU (src/engine/blocklu.c),
 * white-box: solutions against known vectors, the block order, exact zeros
 * of a closed subsystem where plain partial pivoting leaks round-off, and
 * zero pivots. */
#include <math.h>
#include <string.h>

#include "engine/blocklu.h"
#include "its_test.h"

#define N 6

/* A x for the column-major n x n matrix a. */
static void matvec(const double *a, const double *x, double *y, size_t n)
{
    size_t i, j;
    for (i = 0; i < n; i++) {
        y[i] = 0.0;
        for (j = 0; j < n; j++)
            y[i] += a[i + j * n] * x[j];
    }
}

/* Plain LU with partial pivoting over the whole matrix (what SUNDIALS'
 * dense solver does), for the contrast. a is overwritten. */
static void plain_solve(double *a, double *b, size_t n)
{
    size_t k, i, j, r;
    for (k = 0; k < n; k++) {
        r = k;
        for (i = k + 1; i < n; i++)
            if (fabs(a[i + k * n]) > fabs(a[r + k * n]))
                r = i;
        for (j = 0; j < n; j++) {
            double t = a[k + j * n];
            a[k + j * n] = a[r + j * n];
            a[r + j * n] = t;
        }
        {
            double t = b[k];
            b[k] = b[r];
            b[r] = t;
        }
        for (i = k + 1; i < n; i++) {
            double l = a[i + k * n] / a[k + k * n];
            for (j = k; j < n; j++)
                a[i + j * n] -= l * a[k + j * n];
            b[i] -= l * b[k];
        }
    }
    for (k = n; k-- > 0;) {
        for (j = k + 1; j < n; j++)
            b[k] -= a[k + j * n] * b[j];
        b[k] /= a[k + k * n];
    }
}

static void test_dense_solve(void)
{
    /* a full matrix: one block; x known, b = A x */
    double a[N * N], x[N], b[N], got[N], err = 0.0;
    size_t i, j;
    its__blu *f = its__blu_create(N);
    int rc;
    for (j = 0; j < N; j++)
        for (i = 0; i < N; i++)
            a[i + j * N] = (i == j ? 10.0 : 0.0) + sin(1.0 + i * 7.0 + j * 3.0);
    for (i = 0; i < N; i++)
        x[i] = 1.0 + i * i;
    matvec(a, x, b, N);
    rc = its__blu_factor(f, a, N, NULL);
    its_test_true(rc == 0 && its__blu_blocks(f) == 1, "full matrix: one block (%zu)",
                  its__blu_blocks(f));
    its__blu_solve(f, b, got);
    for (i = 0; i < N; i++)
        err = fmax(err, fabs(got[i] - x[i]) / x[i]);
    /* condition number ~ a few: a few ulps of 1e-16 each */
    its_test_true(err < 1e-13, "full matrix solved to %.2g relative", err);
    its__blu_free(f);
}

/* States 0-1: a closed subsystem (a drug's two compartments) that the
 * other states depend on strongly (column entries 1e8). States 2-5:
 * coupled among themselves. Diagonal 1 + gamma k as in I - gamma J. */
static void closed_system(double *a)
{
    size_t i, j;
    memset(a, 0, sizeof(double) * N * N);
    a[0 + 0 * N] = 1.3;
    a[0 + 1 * N] = -0.2;
    a[1 + 0 * N] = -0.3;
    a[1 + 1 * N] = 1.2;
    for (i = 2; i < N; i++) {
        for (j = 2; j < N; j++)
            a[i + j * N] = (i == j ? 2.0 : 0.1 * sin(1.0 + i + 2.0 * j)) * (1.0 + i);
        a[i + 0 * N] = 3e8 * (1.0 + i);  /* depends on state 0 */
    }
}

static void test_closed_subsystem(void)
{
    double a[N * N], b[N], x[N], xw[N], xp[N], w[N], r[N], res = 0.0;
    size_t i;
    int leak = 0;
    its__blu *f = its__blu_create(N);
    closed_system(a);
    for (i = 0; i < N; i++) {
        b[i] = i < 2 ? 0.0 : 1e-3 * (1.0 + cos(3.0 * i));
        w[i] = i < 2 ? 1e10 : 1e-2; /* zero states: weight 1/atol */
    }
    its_test_true(its__blu_factor(f, a, N, NULL) == 0, "factorised");
    its_test_true(its__blu_blocks(f) == 2, "two blocks: the closed pair, then the rest (%zu)",
                  its__blu_blocks(f));
    its__blu_solve(f, b, x);
    its_test_true(x[0] == 0.0 && x[1] == 0.0, "closed subsystem with b = 0: x exactly 0");
    matvec(a, x, r, N);
    for (i = 0; i < N; i++)
        res = fmax(res, fabs(r[i] - b[i]));
    its_test_true(res < 1e-15, "residual %.2g", res);
    its__blu_factor(f, a, N, w);
    its__blu_solve(f, b, xw);
    its_test_true(xw[0] == 0.0 && xw[1] == 0.0, "... also equilibrated");
    for (i = 2; i < N; i++)
        its_test_rel(xw[i], x[i], 1e-13, "equilibration leaves x_%zu unchanged", i);
    /* plain partial pivoting takes the pivot of column 0 from a large row
     * and leaks round-off into the pair (what tme's anti-PD-1 showed) */
    memcpy(xp, b, sizeof xp);
    plain_solve(a, xp, N);
    for (i = 0; i < 2; i++)
        leak |= xp[i] != 0.0;
    printf("      plain LU: x_0 = %.3g, x_1 = %.3g\n", xp[0], xp[1]);
    its_test_true(leak, "plain partial pivoting does not keep them at 0 (the old behaviour)");
    its__blu_free(f);
}

static void test_zero_pivot(void)
{
    double a[4] = {1.0, 2.0, 2.0, 4.0}; /* singular 2 x 2 */
    its__blu *f = its__blu_create(2);
    its_test_true(its__blu_factor(f, a, 2, NULL) == 2, "singular matrix: zero pivot 2 reported");
    a[0] = 0.0; /* [0 2; 2 4]: needs a row swap, not singular */
    its_test_true(its__blu_factor(f, a, 2, NULL) == 0, "zero diagonal with a pivot in the block");
    its__blu_free(f);
}

/* A lower triangular chain 0 <- 1 <- 2 ...: n blocks of one, solved by
 * substitution in the dependency order. */
static void test_chain(void)
{
    double a[N * N] = {0}, x[N], b[N], got[N], err = 0.0;
    size_t i;
    its__blu *f = its__blu_create(N);
    for (i = 0; i < N; i++) {
        a[i + i * N] = 2.0 + i;
        if (i > 0)
            a[(i - 1) + i * N] = -1.0; /* state i-1 depends on state i */
        x[i] = i + 1.0;
    }
    matvec(a, x, b, N);
    its__blu_factor(f, a, N, NULL);
    its_test_true(its__blu_blocks(f) == N, "chain: %zu blocks of one", its__blu_blocks(f));
    its__blu_solve(f, b, got);
    for (i = 0; i < N; i++)
        err = fmax(err, fabs(got[i] - x[i]));
    its_test_true(err < 1e-14, "chain solved (error %.2g)", err);
    its__blu_free(f);
}

int main(void)
{
    test_dense_solve();
    test_closed_subsystem();
    test_zero_pivot();
    test_chain();
    return its_test_done();
}
