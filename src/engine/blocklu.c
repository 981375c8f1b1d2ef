/* itsim internal: dense LU in block triangular form (see blocklu.h). */
#include "engine/blocklu.h"

#include <math.h>
#include <stdlib.h>

struct its__blu {
    size_t n;
    size_t nblk;
    double *a;     /* n x n, column-major, in the permuted order */
    double *w;     /* weights of the last factorisation (1 without) */
    double *c;     /* solve workspace */
    size_t *ord;   /* position -> state */
    size_t *blk;   /* block k is positions [blk[k], blk[k+1]) */
    size_t *piv;   /* row swapped with each position during factorisation */
    /* Tarjan's algorithm, without recursion */
    long *index, *low;
    size_t *stk, *cs, *next;
    unsigned char *on;
};

its__blu *its__blu_create(size_t n)
{
    its__blu *f = calloc(1, sizeof *f);
    size_t m = n ? n : 1;
    if (f == NULL)
        return NULL;
    f->n = n;
    f->a = malloc(m * m * sizeof *f->a);
    f->w = malloc(m * sizeof *f->w);
    f->c = malloc(m * sizeof *f->c);
    f->ord = malloc(m * sizeof *f->ord);
    f->blk = malloc((m + 1) * sizeof *f->blk);
    f->piv = malloc(m * sizeof *f->piv);
    f->index = malloc(m * sizeof *f->index);
    f->low = malloc(m * sizeof *f->low);
    f->stk = malloc(m * sizeof *f->stk);
    f->cs = malloc(m * sizeof *f->cs);
    f->next = malloc(m * sizeof *f->next);
    f->on = malloc(m);
    if (!f->a || !f->w || !f->c || !f->ord || !f->blk || !f->piv || !f->index || !f->low ||
        !f->stk || !f->cs || !f->next || !f->on) {
        its__blu_free(f);
        return NULL;
    }
    return f;
}

void its__blu_free(its__blu *f)
{
    if (f == NULL)
        return;
    free(f->a);
    free(f->w);
    free(f->c);
    free(f->ord);
    free(f->blk);
    free(f->piv);
    free(f->index);
    free(f->low);
    free(f->stk);
    free(f->cs);
    free(f->next);
    free(f->on);
    free(f);
}

size_t its__blu_blocks(const its__blu *f)
{
    return f->nblk;
}

/* Strongly connected components of the graph i -> j (m[i + j*ld] != 0,
 * i != j: the equation of state i depends on state j), in the order
 * Tarjan's algorithm completes them: every component after all the
 * components it depends on. Fills ord, blk and nblk. */
static void order_blocks(its__blu *f, const double *m, size_t ld)
{
    const size_t n = f->n;
    size_t v, sp = 0, npos = 0;
    long idx = 0;
    f->nblk = 0;
    f->blk[0] = 0;
    for (v = 0; v < n; v++) {
        f->index[v] = -1;
        f->on[v] = 0;
    }
    for (v = 0; v < n; v++) {
        size_t depth = 0;
        if (f->index[v] >= 0)
            continue;
        f->index[v] = f->low[v] = idx++;
        f->stk[sp++] = v;
        f->on[v] = 1;
        f->next[v] = 0;
        f->cs[depth++] = v;
        while (depth > 0) {
            size_t u = f->cs[depth - 1];
            if (f->next[u] < n) {
                size_t j = f->next[u]++;
                if (j == u || m[u + j * ld] == 0.0)
                    continue;
                if (f->index[j] < 0) {
                    f->index[j] = f->low[j] = idx++;
                    f->stk[sp++] = j;
                    f->on[j] = 1;
                    f->next[j] = 0;
                    f->cs[depth++] = j;
                } else if (f->on[j] && f->index[j] < f->low[u]) {
                    f->low[u] = f->index[j];
                }
                continue;
            }
            depth--;
            if (f->low[u] == f->index[u]) {
                size_t x;
                do {
                    x = f->stk[--sp];
                    f->on[x] = 0;
                    f->ord[npos++] = x;
                } while (x != u);
                f->blk[++f->nblk] = npos;
            }
            if (depth > 0) {
                size_t p = f->cs[depth - 1];
                if (f->low[u] < f->low[p])
                    f->low[p] = f->low[u];
            }
        }
    }
}

int its__blu_factor(its__blu *f, const double *m, size_t ld, const double *w)
{
    const size_t n = f->n;
    double *a = f->a;
    size_t b, p, q;

    order_blocks(f, m, ld);
    for (p = 0; p < n; p++)
        f->w[p] = w != NULL ? w[p] : 1.0;
    /* Equilibrated entries in the permuted order; a row has nonzeros only
     * up to the end of its own block. */
    for (b = 0; b < f->nblk; b++) {
        const size_t e = f->blk[b + 1];
        for (p = f->blk[b]; p < e; p++) {
            const size_t i = f->ord[p];
            for (q = 0; q < e; q++) {
                const size_t j = f->ord[q];
                const double v = m[i + j * ld];
                a[p + q * n] = v != 0.0 ? v * f->w[i] / f->w[j] : 0.0;
            }
        }
    }
    /* LU with partial pivoting inside each diagonal block; whole rows
     * (their parts left of the block too) move with the pivot. */
    for (b = 0; b < f->nblk; b++) {
        const size_t s = f->blk[b], e = f->blk[b + 1];
        size_t k;
        for (k = s; k < e; k++) {
            size_t r = k, i, j;
            double big = fabs(a[k + k * n]), piv;
            for (i = k + 1; i < e; i++)
                if (fabs(a[i + k * n]) > big) {
                    big = fabs(a[i + k * n]);
                    r = i;
                }
            f->piv[k] = r;
            if (big == 0.0)
                return (int)(k + 1);
            if (r != k)
                for (j = 0; j < e; j++) {
                    double t = a[k + j * n];
                    a[k + j * n] = a[r + j * n];
                    a[r + j * n] = t;
                }
            piv = a[k + k * n];
            for (i = k + 1; i < e; i++) {
                const double l = a[i + k * n] / piv;
                a[i + k * n] = l;
                if (l != 0.0)
                    for (j = k + 1; j < e; j++)
                        a[i + j * n] -= l * a[k + j * n];
            }
        }
    }
    return 0;
}

void its__blu_solve(its__blu *f, const double *bvec, double *x)
{
    const size_t n = f->n;
    const double *a = f->a;
    double *c = f->c;
    size_t b, p, q;

    for (p = 0; p < n; p++)
        c[p] = bvec[f->ord[p]] * f->w[f->ord[p]];
    for (b = 0; b < f->nblk; b++) {
        const size_t s = f->blk[b], e = f->blk[b + 1];
        size_t k;
        for (k = s; k < e; k++)
            if (f->piv[k] != k) {
                double t = c[k];
                c[k] = c[f->piv[k]];
                c[f->piv[k]] = t;
            }
        /* the blocks solved before this one */
        for (p = s; p < e; p++)
            for (q = 0; q < s; q++)
                if (a[p + q * n] != 0.0)
                    c[p] -= a[p + q * n] * c[q];
        for (k = s; k < e; k++)
            for (p = k + 1; p < e; p++)
                c[p] -= a[p + k * n] * c[k];
        for (k = e; k-- > s;) {
            c[k] /= a[k + k * n];
            for (p = s; p < k; p++)
                c[p] -= a[p + k * n] * c[k];
        }
    }
    for (p = 0; p < n; p++)
        x[f->ord[p]] = c[p] / f->w[f->ord[p]];
}
