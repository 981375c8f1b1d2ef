/* itsim internal: dense LU in block triangular form, for CVODE's Newton
 * matrix. The states are ordered by the strongly connected components of
 * the matrix's nonzero pattern (Tarjan), so that the matrix is block lower
 * triangular; each diagonal block is factorised with partial pivoting
 * inside the block only, after equilibration W M W^-1 with the error
 * weights W. A closed subsystem (states whose equations depend on nothing
 * outside it, such as a drug's PK compartments) is then solved from its
 * own right-hand side alone: when that is exactly 0 (a drug never given),
 * so is its solution, free of round-off from large coupled states. */
#ifndef ITS_ENGINE_BLOCKLU_H
#define ITS_ENGINE_BLOCKLU_H

#include <stddef.h>

typedef struct its__blu its__blu;

/* Workspace for n x n matrices (everything allocated here, none later).
 * NULL when out of memory. */
its__blu *its__blu_create(size_t n);
void its__blu_free(its__blu *f);

/* Factorise the n x n column-major matrix m (entry (i, j) at m[i + j*ld]),
 * equilibrated with the positive weights w (n values; NULL: none). m is
 * only read. Returns 0, or k + 1 when the k-th pivot (in the factorised
 * order) is exactly 0. */
int its__blu_factor(its__blu *f, const double *m, size_t ld, const double *w);

/* Solve M x = b with the last factorisation (n values; x may be b). */
void its__blu_solve(its__blu *f, const double *b, double *x);

/* Number of diagonal blocks of the last factorisation. */
size_t its__blu_blocks(const its__blu *f);

#endif
