/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the only interface to SUNDIALS CVODE. Translates CVODE's
 * return codes into its_status and keeps its workspace in one object. */
#ifndef ITS_ENGINE_CVODE_ADAPTER_H
#define ITS_ENGINE_CVODE_ADAPTER_H

#include <stddef.h>
#include "itsim/sim.h"

/* Callbacks seen by the adapter. Return 0 on success, > 0 recoverable,
 * < 0 fatal (CVODE's convention). */
typedef struct its__ode_fns {
    int (*rhs)(double t, const double *y, double *ydot, void *ud);
    int (*jac)(double t, const double *y, double *J, size_t ld, void *ud);
    int (*roots)(double t, const double *y, double *g, void *ud);
    void *ud;
} its__ode_fns;

typedef struct its__cv its__cv;

/* Allocate CVODE memory, vectors, a sparse matrix and KLU linear solver
 * (and the dense Jacobian workspace that feeds it) for n states. adams selects Adams-Moulton instead of BDF. fns is copied.
 * On failure *out is NULL and msg holds the reason. */
its_status its__cv_create(size_t n, int adams, const its__ode_fns *fns,
                          its__cv **out, char *msg, size_t msglen);
void its__cv_free(its__cv *cv);

/* (Re)start integration at (t0, y0): CVodeReInit, tolerances (rtol, atol
 * vector of n), mxstep, non-negativity constraints, nroots root functions
 * (all detected only while decreasing) and a stop time. */
its_status its__cv_start(its__cv *cv, double t0, const double *y0,
                         double rtol, const double *atol, long mxstep,
                         int nonneg, size_t nroots, double tstop);

/* Go on past the stop time reached, without restarting: CVODE keeps its
 * state, step, order, history and Jacobian; only the stop time is new. For
 * an instant where nothing changed (no state, no right-hand side). */
its_status its__cv_resume(its__cv *cv, double tstop);

/* Advance towards tout (never past the stop time). On success *t is the
 * time reached and y (n values) the state there; on failure both are left
 * unchanged. *root is set to 1 when a root
 * function vanished at *t (rootsfound, nroots ints, tells which), else 0.
 * A tout within the step CVODE last took is interpolated from that step
 * without calling CVode, unless a root function went from > 0 at the last
 * state returned to <= 0 there (then CVode locates the root first). */
its_status its__cv_advance(its__cv *cv, double tout, double *t, double *y,
                           int *root, int *rootsfound);

/* A new run begins: the Jacobian's sparsity pattern (the union of the
 * entries seen nonzero, which only grows within a run) is reset to the
 * diagonal, so a drug dosed in an earlier run of the same simulator does
 * not stay coupled to the states it acts on. */
void its__cv_new_run(its__cv *cv);

/* Forget the structural pattern, so that the next Jacobian probes it again
 * at the state it is formed at (after a pre-treatment history, whose probe
 * state differs from a run's: a run then does not depend on whether its
 * handle grew the history or reused one). */
void its__cv_reprobe(its__cv *cv);

/* Difference-quotient Jacobians of models without an analytic one and
 * with at least 32 states are formed by column groups over the model's
 * structural pattern (found once per handle, at the first Jacobian, by
 * probing the right-hand side; docs/engine.md): one right-hand side per
 * group instead of one per state. dense != 0 turns that off (every column
 * its own quotient, as for small models); 0 restores the default. Call
 * between runs. */
void its__cv_set_dense_jacobian(its__cv *cv, int dense);

/* The structural pattern (found now at (t, y) if not yet known; for an
 * analytic Jacobian, or when turned off, the full n x n pattern): returns
 * its entries (diagonal included) and sets *groups (may be NULL) to the
 * number of column groups. its__cv_structure_has tells whether entry
 * (row i, column j) is in it. For tests and benchmarks. */
size_t its__cv_structure(its__cv *cv, double t, const double *y, size_t *groups);
int its__cv_structure_has(const its__cv *cv, size_t i, size_t j);

/* Entries in the Jacobian's sparsity pattern now (diagonal included).
 * For tests only: the library does not call it; tests/test_linsol.c
 * checks with it that the pattern grows within a run and is reset by
 * its__cv_new_run. */
size_t its__cv_pattern_nnz(const its__cv *cv);

/* Output times within the last step are interpolated without calling
 * CVode (on != 0, the default) unless a root function may have crossed
 * zero; 0 calls CVode for every one. The rows are the same either way.
 * its__cv_interpolated counts the outputs interpolated since the handle
 * was made. For tests. */
void its__cv_set_interpolation(its__cv *cv, int on);
long its__cv_interpolated(const its__cv *cv);

/* KLU factorisations since the handle was made: full ones (analysis or
 * numeric factorisation afresh) and refactorisations over the last pivot
 * order. For tests and benchmarks. */
void its__cv_factorisations(const its__cv *cv, long *full, long *refactor);

/* Add to *stats CVODE's counters not yet added (since the last start or
 * the last call, whichever was later; a resumed segment adds only its own). */
void its__cv_add_stats(its__cv *cv, its_stats *stats);

/* Where the integrator stands (after a failure: where it gave up). */
typedef struct its__cv_diag {
    double t;          /* current internal time */
    double h_last;     /* last successful step */
    double h_cur;      /* step to be attempted next */
    int order;         /* method order of the last step */
    size_t worst;      /* state with the largest weighted local error
                          estimate on the last step ((size_t)-1: unknown) */
    double worst_err;  /* that weighted error (1 = at the tolerance) */
} its__cv_diag;

void its__cv_diagnose(its__cv *cv, its__cv_diag *d);

/* Message of the last failure ("" if none). */
const char *its__cv_errmsg(const its__cv *cv);

#endif
