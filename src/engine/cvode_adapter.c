/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: SUNDIALS CVODE adapter. The only file that includes
 * CVODE headers; everything it returns is an its_status. */
#include "engine/cvode_adapter.h"

#include "core/core.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_config.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_sparse.h>

/* The Newton matrix M = I - gamma J is factorised by KLU (SuiteSparse,
 * through SUNDIALS' SUNLinSol_KLU) from a compressed-sparse-column matrix.
 * KLU permutes M to block triangular form (maximum transversal, then the
 * strongly connected components of its pattern) and factorises each
 * diagonal block with partial pivoting inside the block only. A closed
 * subsystem (states whose equations depend on nothing outside it, such as
 * a drug's PK compartments) is then a block solved from its own right-hand
 * side: a drug never given stays exactly 0. SUNDIALS' dense LU pivoted over
 * the whole matrix, took a never-dosed drug's pivot from the row of a large
 * state depending on it and leaked round-off into the drug (untreated tme
 * reported anti-PD-1 up to 5.6e-19 nM, issue 9).
 *
 * Models give at most a dense Jacobian, and CVODE has no difference
 * quotients for sparse matrices, so the adapter forms J densely (the
 * model's, or difference quotients with CVODE's dense increments) in a
 * workspace, and packs it into the sparse matrix over a pattern: the union
 * of every entry seen nonzero since the run began, plus the whole diagonal
 * (so SUNMatScaleAddI never changes it). Entries of the pattern that are 0
 * now are stored as explicit zeros, so KLU's refactorisation can reuse its
 * symbolic analysis; only when the pattern grows is it redone. */
/* Most root functions (extinction floors) a run may have. */
#define MAX_ROOTS 64

struct its__cv {
    SUNContext ctx;
    void *mem;
    N_Vector y, atol, constraints;
    N_Vector ele, ewt;   /* scratch for the failure diagnosis */
    SUNMatrix A;         /* CSC, the pattern below */
    SUNLinearSolver LS;
    size_t n;
    double *jd;          /* dense Jacobian, n x n column-major */
    unsigned char *pat;  /* pattern: pat[i + j*n] for entry (i, j) */
    size_t nnz;          /* entries in the pattern */
    /* Structural pattern for difference quotients (large models without
     * an analytic Jacobian): CSC in scol/srow, column groups (Curtis,
     * Powell and Reid) in grp, found once per handle (sdone). */
    int sparse_dq;       /* 1: grouped difference quotients are used */
    int sdone;           /* the structural pattern is known */
    size_t *scol, *srow, *grp, ngrp, snnz;
    unsigned char *used; /* colouring scratch: used[i + g*n] */
    double *pz, *pf0, *pf1, *inc; /* probe and increment scratch (n each) */
    int nonneg;          /* constraints y >= 0 are on */
    long nfe_dq;         /* right-hand sides for difference quotients,
                            this segment */
    double rcond_ref;    /* KLU's cheap condition estimate at the last full
                            factorisation (kls_setup) */
    long klu_full, klu_refactor; /* factorisations of each kind (bench) */
    its_stats base;      /* CVODE's counters already added to a run's stats */
    int fresh;           /* no step since the last start (its__cv_advance) */
    int no_interp;       /* its__cv_set_interpolation(cv, 0) */
    long n_interp;       /* outputs interpolated without CVode, ever */
    long ng_own;         /* root-function evaluations of its__cv_advance,
                            not yet added to a run's stats */
    double gl[MAX_ROOTS], gn[MAX_ROOTS]; /* root functions at the last state
                            returned, and at an interpolated one */
    size_t nroots_set;   /* root functions currently registered with CVODE */
    int roots_init;
    its__ode_fns fns;
    char detail[256]; /* last message from CVODE's error handler */
    char msg[512];    /* composed message returned by its__cv_errmsg */
};

const char *its_sundials_version(void)
{
    return SUNDIALS_VERSION;
}

/* Translate a CVODE return flag into a status (CV_SUCCESS, CV_TSTOP_RETURN
 * and CV_ROOT_RETURN are successes; the caller looks at the flag itself). */
static its_status from_cv(int flag)
{
    switch (flag) {
    case CV_SUCCESS:
    case CV_TSTOP_RETURN:
    case CV_ROOT_RETURN:
    case CV_WARNING:
        return ITS_OK;
    case CV_MEM_FAIL:
        return ITS_ENOMEM;
    case CV_ILL_INPUT:
    case CV_MEM_NULL:
    case CV_NO_MALLOC:
    case CV_BAD_T:
        return ITS_EINVAL;
    default:
        return ITS_ESOLVER;
    }
}

static its_status fail(its__cv *cv, int flag, const char *what)
{
    its_status st = from_cv(flag);

    /* CVODE's error handler usually left a more precise message. */
    its__fmt(cv->msg, sizeof cv->msg, "%s failed (CVODE flag %d)%s%s", what,
             flag, cv->detail[0] ? ": " : "", cv->detail);
    return st == ITS_OK ? ITS_ESOLVER : st;
}

static void err_handler(int code, const char *module, const char *function,
                        char *m, void *ud)
{
    its__cv *cv = ud;
    (void)code;
    (void)module;
    its__fmt(cv->detail, sizeof cv->detail, "%s: %s", function, m);
}

static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *ud)
{
    its__cv *cv = ud;
    return cv->fns.rhs(t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot),
                       cv->fns.ud);
}

/* The pattern: the diagonal alone (a new run). */
static void pattern_reset(its__cv *cv)
{
    size_t j;
    memset(cv->pat, 0, cv->n * cv->n);
    for (j = 0; j < cv->n; j++)
        cv->pat[j + j * cv->n] = 1;
    cv->nnz = cv->n;
}

/* Smallest model whose difference-quotient Jacobian is formed by column
 * groups over a structural pattern: below it the n right-hand sides of the
 * dense quotients cost little, and the published models (2-20 states) keep
 * their validated numbers bit for bit. */
#define SPARSE_MIN_N 32
/* Probe states of the structural pattern. */
#define N_PROBES 4

/* The full structural pattern (every entry): models with an analytic
 * Jacobian, small models, and large ones until their pattern is found. */
static void structure_full(its__cv *cv)
{
    size_t i, j, n = cv->n;
    for (j = 0; j < n; j++) {
        cv->scol[j] = j * n;
        for (i = 0; i < n; i++)
            cv->srow[j * n + i] = i;
        cv->grp[j] = j;
    }
    cv->scol[n] = n * n;
    cv->snnz = n * n;
    cv->ngrp = n;
    cv->sdone = 0;
}

/* Increments of the difference quotients at (t, y) into cv->inc, those of
 * CVODE's own dense difference quotients: for column j,
 * max(sqrt(U) |y_j|, m / w_j) with U the unit round-off, w the error
 * weights and m = 1000 |h| U n ||fy||_wrms (1 when fy = 0); the increment's
 * sign is reversed where it would make a constrained y_j negative. */
static int dq_increments(its__cv *cv, N_Vector y, N_Vector fy)
{
    size_t j, n = cv->n;
    const double *yd = N_VGetArrayPointer(y), *w;
    double h = 0.0, fnorm, min_inc, srur = sqrt(DBL_EPSILON);

    if (CVodeGetErrWeights(cv->mem, cv->ewt) != CV_SUCCESS ||
        CVodeGetCurrentStep(cv->mem, &h) != CV_SUCCESS)
        return -1;
    w = N_VGetArrayPointer(cv->ewt);
    fnorm = N_VWrmsNorm(fy, cv->ewt);
    min_inc = fnorm != 0.0 ? 1000.0 * fabs(h) * DBL_EPSILON * (double)n * fnorm : 1.0;
    for (j = 0; j < n; j++) {
        double inc = fmax(srur * fabs(yd[j]), min_inc / w[j]);
        cv->inc[j] = cv->nonneg && yd[j] + inc < 0.0 ? -inc : inc;
    }
    return 0;
}

/* Difference-quotient Jacobian of f at (t, y): the entries of the
 * structural pattern into cv->jd (n x n, column-major), one right-hand side
 * per column group (Curtis, Powell and Reid: no two columns of a group
 * share a row, so each row's change belongs to one column). With the full
 * pattern every column is its own group: CVODE's dense quotients. y is
 * restored before returning; ftmp is scratch. */
static int dq_jac(its__cv *cv, double t, N_Vector y, N_Vector fy, N_Vector ftmp)
{
    size_t g, j, k, n = cv->n;
    double *yd = N_VGetArrayPointer(y), *fd = N_VGetArrayPointer(ftmp);
    const double *f0 = N_VGetArrayPointer(fy);

    if (dq_increments(cv, y, fy) != 0)
        return -1;
    memcpy(cv->pz, yd, n * sizeof *yd);
    for (g = 0; g < cv->ngrp; g++) {
        int rc;
        for (j = 0; j < n; j++)
            if (cv->grp[j] == g)
                yd[j] = cv->pz[j] + cv->inc[j];
        rc = cv->fns.rhs(t, yd, fd, cv->fns.ud);
        cv->nfe_dq++;
        for (j = 0; j < n; j++)
            if (cv->grp[j] == g)
                yd[j] = cv->pz[j];
        if (rc != 0)
            return rc;
        for (j = 0; j < n; j++)
            if (cv->grp[j] == g)
                for (k = cv->scol[j]; k < cv->scol[j + 1]; k++) {
                    size_t i = cv->srow[k];
                    cv->jd[i + j * n] = (fd[i] - f0[i]) / cv->inc[j];
                }
    }
    return 0;
}

/* A fixed spread in [-1, 1) (a Weyl sequence): probe states need only be
 * generic, not random. */
static double spread(size_t s, size_t j)
{
    double v = (double)(j + 1) * 0.6180339887498949 + (double)(s + 1) * 0.4142135623730950;
    return 2.0 * (v - floor(v)) - 1.0;
}

/* The structural pattern, marked in cv->used (n x n): the diagonal, and
 * every entry whose column, moved by 10 %, changes its row of f at one of
 * N_PROBES states near (t, y): each state scaled by 1 +- 25 %, a state at
 * 0 replaced by 0.5, 500, 5e5 and 5e8 in turn (a drug at 0 then shows the
 * states it binds, and a cell pool at 0 its effects on pools of 1e9).
 * Large moves keep weak couplings above the round-off of their rows.
 * Returns the probes whose right-hand sides all succeeded; with none,
 * every entry. */
static int structure_probe(its__cv *cv, double t, const double *y)
{
    size_t s, i, j, n = cv->n;
    int ok = 0;

    memset(cv->used, 0, n * n);
    for (s = 0; s < N_PROBES; s++) {
        int rc = 0;
        for (j = 0; j < n; j++)
            cv->pz[j] = (y[j] != 0.0 ? y[j] : 0.5 * pow(1e3, (double)s)) *
                        (1.0 + 0.25 * spread(s, j));
        rc = cv->fns.rhs(t, cv->pz, cv->pf0, cv->fns.ud);
        cv->nfe_dq++;
        for (j = 0; j < n && rc == 0; j++) {
            double zj = cv->pz[j];
            cv->pz[j] = zj + 0.1 * fabs(zj);
            rc = cv->fns.rhs(t, cv->pz, cv->pf1, cv->fns.ud);
            cv->nfe_dq++;
            cv->pz[j] = zj;
            for (i = 0; i < n && rc == 0; i++)
                if (!(cv->pf1[i] == cv->pf0[i]))
                    cv->used[i + j * n] = 1;
        }
        ok += rc == 0;
    }
    for (j = 0; j < n; j++)
        for (i = 0; i < n; i++)
            if (ok == 0 || i == j)
                cv->used[i + j * n] = 1;
    return ok;
}

/* The structural pattern of the model (once per handle): probed, stored
 * in CSC, its columns greedily coloured into groups. */
static void structure_find(its__cv *cv, double t, const double *y)
{
    size_t i, j, k, g, n = cv->n;

    (void)structure_probe(cv, t, y);
    k = 0;
    for (j = 0; j < n; j++) {
        cv->scol[j] = k;
        for (i = 0; i < n; i++)
            if (cv->used[i + j * n])
                cv->srow[k++] = i;
    }
    cv->scol[n] = k;
    cv->snnz = k;
    /* used[i + g n]: row i is taken by a column of group g */
    memset(cv->used, 0, n * n);
    cv->ngrp = 0;
    for (j = 0; j < n; j++) {
        for (g = 0;; g++) {
            for (k = cv->scol[j]; k < cv->scol[j + 1]; k++)
                if (cv->used[cv->srow[k] + g * n])
                    break;
            if (k == cv->scol[j + 1])
                break;
        }
        for (k = cv->scol[j]; k < cv->scol[j + 1]; k++)
            cv->used[cv->srow[k] + g * n] = 1;
        cv->grp[j] = g;
        if (g + 1 > cv->ngrp)
            cv->ngrp = g + 1;
    }
    cv->sdone = 1;
}

/* Pack the dense workspace into J over the pattern (CVODE cleared the
 * structure with SUNMatZero: it is written again). */
static void pack(its__cv *cv, SUNMatrix J)
{
    sunindextype *cp = SM_INDEXPTRS_S(J), *ri = SM_INDEXVALS_S(J);
    double *v = SM_DATA_S(J);
    size_t j, k, m = 0, n = cv->n;

    for (j = 0; j < n; j++) {
        cp[j] = (sunindextype)m;
        for (k = cv->scol[j]; k < cv->scol[j + 1]; k++) {
            size_t i = cv->srow[k];
            if (cv->pat[i + j * n]) {
                ri[m] = (sunindextype)i;
                v[m++] = cv->jd[i + j * n];
            }
        }
    }
    cp[n] = (sunindextype)m;
}

/* CVODE's Jacobian function for the sparse matrix J: the Jacobian in the
 * dense workspace (over the structural pattern), the pattern of nonzeros
 * grown by its new ones, J packed over that pattern. */
static int cv_jac(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J,
                  void *ud, N_Vector t1, N_Vector t2, N_Vector t3)
{
    its__cv *cv = ud;
    size_t j, k, n = cv->n, nnz = cv->nnz;
    int rc;
    (void)t2;
    (void)t3;

    if (cv->fns.jac != NULL) {
        memset(cv->jd, 0, n * n * sizeof *cv->jd);
        rc = cv->fns.jac(t, N_VGetArrayPointer(y), cv->jd, n, cv->fns.ud);
    } else {
        if (cv->sparse_dq && !cv->sdone)
            structure_find(cv, t, N_VGetArrayPointer(y));
        rc = dq_jac(cv, t, y, fy, t1);
    }
    if (rc != 0)
        return rc;
    for (j = 0; j < n; j++)
        for (k = cv->scol[j]; k < cv->scol[j + 1]; k++) {
            size_t e = cv->srow[k] + j * n;
            if (cv->jd[e] != 0.0 && !cv->pat[e])
                nnz++;
        }
    if (nnz != cv->nnz) {
        /* The pattern grew: room for it (CVODE's saved copy of J follows
         * by itself), and KLU's symbolic analysis is redone. The pattern
         * takes the new entries only once both succeeded, so that after a
         * failure it still matches the matrix's room (cv->nnz). */
        if ((size_t)SM_NNZ_S(J) < nnz &&
            SUNSparseMatrix_Reallocate(J, (sunindextype)nnz) != 0)
            return -1;
        if (SUNLinSol_KLUReInit(cv->LS, J, (sunindextype)nnz, SUNKLU_REINIT_PARTIAL) !=
            SUNLS_SUCCESS)
            return -1;
        for (j = 0; j < n; j++)
            for (k = cv->scol[j]; k < cv->scol[j + 1]; k++)
                if (cv->jd[cv->srow[k] + j * n] != 0.0)
                    cv->pat[cv->srow[k] + j * n] = 1;
        cv->nnz = nnz;
    }
    pack(cv, J);
    return 0;
}

/* Refactorisation with KLU's existing pivot order is accepted unless its
 * cheap reciprocal condition estimate (smallest over largest |u_ii|) fell
 * below this fraction of the one at the last full factorisation: a pivot
 * that shrank that much means the order no longer suits the matrix. */
#define REFACTOR_RCOND_DROP 1e-3

/* A full factorisation and its reciprocal condition estimate, the
 * reference of the refactorisations that follow: SUNLinSol_KLU's (with
 * the analysis) for a new pattern, else a numeric factorisation afresh
 * over the analysis KLU has (its pivot order is what changes). */
static int kls_factor(SUNLinearSolver S, SUNMatrix A, its__cv *cv)
{
    SUNLinearSolverContent_KLU c = S->content;
    int rc;
    if (!c->first_factorize && c->symbolic != NULL) {
        if (c->numeric != NULL)
            sun_klu_free_numeric(&c->numeric, &c->common);
        c->numeric = sun_klu_factor(SM_INDEXPTRS_S(A), SM_INDEXVALS_S(A), SM_DATA_S(A),
                                    c->symbolic, &c->common);
        rc = c->last_flag = c->numeric != NULL ? SUNLS_SUCCESS : SUNLS_PACKAGE_FAIL_UNREC;
    } else {
        rc = SUNLinSolSetup_KLU(S, A);
    }
    cv->klu_full++;
    if (rc == SUNLS_SUCCESS && sun_klu_rcond(c->symbolic, c->numeric, &c->common))
        cv->rcond_ref = c->common.rcond;
    return rc;
}

/* KLU's setup. SUNLinSol_KLU refactorises with the pivot order of the last
 * factorisation, then computes KLU's condition estimate whenever the cheap
 * one is below U^(2/3) and factorises afresh when that is above U^(-2/3).
 * The Newton matrices of models whose states differ by ten and more orders
 * of magnitude (tme: cells ~1e10, drugs ~1e-3) are always that badly
 * scaled, so every setup became a refactorisation, a condition estimate and
 * a full factorisation (3x the cost; issue 11). Here a refactorisation is
 * kept unless its cheap estimate fell below REFACTOR_RCOND_DROP times that
 * of the last full factorisation, or it failed.
 *
 * A singular matrix is recoverable (CVODE retries with a smaller step),
 * also at a first factorisation where SUNLinSol_KLU calls it unrecoverable.
 * After any failure the next setup starts afresh (a full analysis and
 * factorisation): a failed refactorisation whose fallback factorisation
 * found the matrix singular leaves SUNLinSol_KLU without a factorisation,
 * and its later refactorisations would all fail. */
static int kls_setup(SUNLinearSolver S, SUNMatrix A)
{
    SUNLinearSolverContent_KLU c = S->content;
    its__cv *cv = c->common.user_data;
    int rc;
    if (!c->first_factorize && c->numeric != NULL &&
        sun_klu_refactor(SM_INDEXPTRS_S(A), SM_INDEXVALS_S(A), SM_DATA_S(A), c->symbolic,
                         c->numeric, &c->common) &&
        sun_klu_rcond(c->symbolic, c->numeric, &c->common) &&
        c->common.rcond >= REFACTOR_RCOND_DROP * cv->rcond_ref) {
        cv->klu_refactor++;
        c->last_flag = SUNLS_SUCCESS;
        return SUNLS_SUCCESS;
    }
    rc = kls_factor(S, A, cv);
    if (rc == SUNLS_SUCCESS)
        return rc;
    const int singular = c->common.status == KLU_SINGULAR;
    if (SUNLinSol_KLUReInit(S, A, SM_NNZ_S(A), SUNKLU_REINIT_PARTIAL) != SUNLS_SUCCESS)
        return SUNLS_PACKAGE_FAIL_UNREC;
    if (rc == SUNLS_PACKAGE_FAIL_UNREC && singular)
        return SUNLS_PACKAGE_FAIL_REC;
    return rc;
}

/* KLU's initialisation, which CVODE calls at the first step after every
 * CVodeReInit: SUNLinSol_KLU's would drop the analysis and factors, which
 * depend only on the pattern (its__cv_new_run and a grown pattern reset
 * them through SUNLinSol_KLUReInit): they are kept. */
static int kls_initialize(SUNLinearSolver S)
{
    SUNLinearSolverContent_KLU c = S->content;
    if (c->symbolic == NULL)
        return SUNLinSolInitialize_KLU(S);
    c->last_flag = SUNLS_SUCCESS;
    return SUNLS_SUCCESS;
}

static int cv_roots(sunrealtype t, N_Vector y, sunrealtype *g, void *ud)
{
    its__cv *cv = ud;
    return cv->fns.roots(t, N_VGetArrayPointer(y), g, cv->fns.ud);
}

its_status its__cv_create(size_t n, int adams, const its__ode_fns *fns,
                          its__cv **out, char *msg, size_t msglen)
{
    its__cv *cv;
    int flag;
    sunindextype nn = (sunindextype)n;

    *out = NULL;
    cv = its__calloc(1, sizeof *cv);
    if (cv == NULL) {
        its__fmt(msg, msglen, "out of memory creating the CVODE workspace");
        return ITS_ENOMEM;
    }
    cv->n = n;
    cv->fns = *fns;
    if (SUNContext_Create(NULL, &cv->ctx) != 0)
        goto nomem;
    cv->y = N_VNew_Serial(nn, cv->ctx);
    cv->atol = N_VNew_Serial(nn, cv->ctx);
    cv->constraints = N_VNew_Serial(nn, cv->ctx);
    cv->ele = N_VNew_Serial(nn, cv->ctx);
    cv->ewt = N_VNew_Serial(nn, cv->ctx);
    /* room for the diagonal and a few entries per column; grown when needed */
    cv->A = SUNSparseMatrix(nn, nn, nn * (n < 8 ? nn : 8), CSC_MAT, cv->ctx);
    cv->jd = its__malloc(n * n * sizeof *cv->jd);
    cv->pat = its__malloc(n * n);
    cv->used = its__malloc(n * n);
    cv->scol = its__malloc((n + 1) * sizeof *cv->scol);
    cv->srow = its__malloc(n * n * sizeof *cv->srow);
    cv->grp = its__malloc(n * sizeof *cv->grp);
    cv->pz = its__malloc(4 * n * sizeof *cv->pz);
    if (!cv->y || !cv->atol || !cv->constraints || !cv->ele || !cv->ewt || !cv->A ||
        !cv->jd || !cv->pat || !cv->used || !cv->scol || !cv->srow || !cv->grp || !cv->pz)
        goto nomem;
    cv->pf0 = cv->pz + n;
    cv->pf1 = cv->pz + 2 * n;
    cv->inc = cv->pz + 3 * n;
    pattern_reset(cv);
    structure_full(cv);
    cv->sparse_dq = fns->jac == NULL && n >= SPARSE_MIN_N;
    /* Fused vector operations: CVODE's predictor and corrector then make one
     * pass over the history array instead of one call per vector, which
     * matters for the small systems itsim integrates. */
    N_VEnableFusedOps_Serial(cv->y, SUNTRUE);
    cv->LS = SUNLinSol_KLU(cv->y, cv->A, cv->ctx);
    cv->mem = CVodeCreate(adams ? CV_ADAMS : CV_BDF, cv->ctx);
    if (!cv->LS || !cv->mem)
        goto nomem;
    cv->LS->ops->setup = kls_setup;
    cv->LS->ops->initialize = kls_initialize;
    /* KLU reads user_data only for a user ordering (not used): kls_setup's
     * way back to the workspace */
    SUNLinSol_KLUGetCommon(cv->LS)->user_data = cv;
    CVodeSetErrHandlerFn(cv->mem, err_handler, cv);
    N_VConst(0.0, cv->y);
    flag = CVodeInit(cv->mem, cv_rhs, 0.0, cv->y);
    if (flag == CV_SUCCESS)
        flag = CVodeSetUserData(cv->mem, cv);
    if (flag == CV_SUCCESS)
        flag = CVodeSetLinearSolver(cv->mem, cv->LS, cv->A);
    if (flag == CV_SUCCESS)
        flag = CVodeSetJacFn(cv->mem, cv_jac);
    if (flag != CV_SUCCESS) {
        its__fmt(msg, msglen, "CVODE set-up failed (flag %d): %s", flag,
                 cv->detail);
        its__cv_free(cv);
        return ITS_ESOLVER;
    }
    *out = cv;
    return ITS_OK;
nomem:
    its__fmt(msg, msglen, "out of memory creating the CVODE workspace");
    its__cv_free(cv);
    return ITS_ENOMEM;
}

void its__cv_free(its__cv *cv)
{
    if (cv == NULL)
        return;
    if (cv->mem)
        CVodeFree(&cv->mem);
    if (cv->LS)
        SUNLinSolFree(cv->LS);
    if (cv->A)
        SUNMatDestroy(cv->A);
    if (cv->y)
        N_VDestroy(cv->y);
    if (cv->atol)
        N_VDestroy(cv->atol);
    if (cv->constraints)
        N_VDestroy(cv->constraints);
    if (cv->ele)
        N_VDestroy(cv->ele);
    if (cv->ewt)
        N_VDestroy(cv->ewt);
    its__free(cv->jd);
    its__free(cv->pat);
    its__free(cv->used);
    its__free(cv->scol);
    its__free(cv->srow);
    its__free(cv->grp);
    its__free(cv->pz);
    if (cv->ctx)
        SUNContext_Free(&cv->ctx);
    its__free(cv);
}

its_status its__cv_start(its__cv *cv, double t0, const double *y0,
                         double rtol, const double *atol, long mxstep,
                         int nonneg, size_t nroots, double tstop)
{
    int flag;
    double *ya = N_VGetArrayPointer(cv->y);

    cv->msg[0] = '\0';
    cv->detail[0] = '\0';
    memcpy(ya, y0, cv->n * sizeof *ya);
    memcpy(N_VGetArrayPointer(cv->atol), atol, cv->n * sizeof *atol);
    flag = CVodeReInit(cv->mem, t0, cv->y);
    if (flag != CV_SUCCESS)
        return fail(cv, flag, "CVodeReInit");
    flag = CVodeSVtolerances(cv->mem, rtol, cv->atol);
    if (flag != CV_SUCCESS)
        return fail(cv, flag, "CVodeSVtolerances");
    flag = CVodeSetMaxNumSteps(cv->mem, mxstep);
    if (flag != CV_SUCCESS)
        return fail(cv, flag, "CVodeSetMaxNumSteps");
    /* Constraint 1.0 means y_i >= 0: CVODE rejects and retries any step that
     * would make a state negative, so populations never go below zero. */
    N_VConst(1.0, cv->constraints);
    cv->nonneg = nonneg != 0;
    cv->nfe_dq = 0;
    memset(&cv->base, 0, sizeof cv->base); /* CVodeReInit zeroed its counters */
    cv->ng_own = 0;
    /* CVODE turns constraints off with NULL (an all-zero vector is illegal). */
    flag = CVodeSetConstraints(cv->mem, nonneg ? cv->constraints : NULL);
    if (flag != CV_SUCCESS)
        return fail(cv, flag, "CVodeSetConstraints");
    if (!cv->roots_init || nroots != cv->nroots_set) {
        flag = CVodeRootInit(cv->mem, (int)nroots, nroots ? cv_roots : NULL);
        if (flag != CV_SUCCESS)
            return fail(cv, flag, "CVodeRootInit");
        cv->nroots_set = nroots;
        cv->roots_init = 1;
    }
    if (nroots > 0) {
        /* Extinction floors are crossed from above only. */
        int dir[MAX_ROOTS];
        size_t i;
        if (nroots > sizeof dir / sizeof dir[0])
            return fail(cv, CV_ILL_INPUT, "too many root functions");
        for (i = 0; i < nroots; i++)
            dir[i] = -1;
        flag = CVodeSetRootDirection(cv->mem, dir);
        if (flag != CV_SUCCESS)
            return fail(cv, flag, "CVodeSetRootDirection");
        /* A state sitting exactly on its floor at a restart is not a root. */
        CVodeSetNoInactiveRootWarn(cv->mem);
    }
    flag = CVodeSetStopTime(cv->mem, tstop);
    if (flag != CV_SUCCESS)
        return fail(cv, flag, "CVodeSetStopTime");
    cv->fresh = 1; /* no step yet: outputs call CVode */
    return ITS_OK;
}

its_status its__cv_resume(its__cv *cv, double tstop)
{
    int flag;
    cv->msg[0] = '\0';
    cv->detail[0] = '\0';
    flag = CVodeSetStopTime(cv->mem, tstop);
    return flag == CV_SUCCESS ? ITS_OK : fail(cv, flag, "CVodeSetStopTime");
}

/* Whether tout lies within the last step, whose interpolating polynomial
 * CVODE keeps: then the state there (into cv->y) is what CVode(tout) would
 * return, without the call and its root check by interpolation (half the
 * cost of an hourly output row; bench/RESULTS.md), unless a root function
 * crossed zero from above since the last state returned, which CVode then
 * locates. gl holds the root functions at that state. */
static int interpolate(its__cv *cv, double tout)
{
    sunrealtype tn = 0.0, hu = 0.0;
    size_t i;
    if (cv->fresh || cv->no_interp || CVodeGetCurrentTime(cv->mem, &tn) != CV_SUCCESS ||
        CVodeGetLastStep(cv->mem, &hu) != CV_SUCCESS || !(tout <= tn) ||
        !(tout >= tn - fabs(hu)) || CVodeGetDky(cv->mem, tout, 0, cv->y) != CV_SUCCESS)
        return 0;
    if (cv->nroots_set == 0)
        return 1;
    cv->ng_own++;
    if (cv->fns.roots(tout, N_VGetArrayPointer(cv->y), cv->gn, cv->fns.ud) != 0)
        return 0;
    for (i = 0; i < cv->nroots_set; i++)
        if (cv->gl[i] > 0.0 && !(cv->gn[i] > 0.0))
            return 0;
    memcpy(cv->gl, cv->gn, cv->nroots_set * sizeof *cv->gl);
    return 1;
}

its_status its__cv_advance(its__cv *cv, double tout, double *t, double *y,
                           int *root, int *rootsfound)
{
    sunrealtype tret = 0.0;
    int flag;

    *root = 0;
    if (interpolate(cv, tout)) {
        cv->n_interp++;
        *t = tout;
        memcpy(y, N_VGetArrayPointer(cv->y), cv->n * sizeof *y);
        return ITS_OK;
    }
    flag = CVode(cv->mem, tout, cv->y, &tret, CV_NORMAL);
    if (flag < 0) {
        /* Failure: t and y are left as they were (the last state reported),
         * never replaced by a half-computed one. */
        its__fmt(cv->msg, sizeof cv->msg, "CVODE failed at t = %.10g: %s",
                 tret, cv->detail[0] ? cv->detail : "unknown error");
        return from_cv(flag) == ITS_OK ? ITS_ESOLVER : from_cv(flag);
    }
    *t = tret;
    memcpy(y, N_VGetArrayPointer(cv->y), cv->n * sizeof *y);
    cv->fresh = 0;
    if (cv->nroots_set > 0 && (cv->ng_own++, cv->fns.roots(tret, y, cv->gl, cv->fns.ud)) != 0)
        cv->fresh = 1; /* no baseline: the next output calls CVode */
    if (flag == CV_ROOT_RETURN) {
        *root = 1;
        if (CVodeGetRootInfo(cv->mem, rootsfound) != CV_SUCCESS)
            return fail(cv, CV_MEM_NULL, "CVodeGetRootInfo");
    }
    return ITS_OK;
}

/* CVODE's counter v, of which base was already added: add the rest. */
static void add_counter(long *sum, long *base, long v)
{
    *sum += v - *base;
    *base = v;
}

void its__cv_add_stats(its__cv *cv, its_stats *s)
{
    long v;
    its_stats *b = &cv->base;
    if (CVodeGetNumSteps(cv->mem, &v) == CV_SUCCESS)
        add_counter(&s->steps, &b->steps, v);
    if (CVodeGetNumRhsEvals(cv->mem, &v) == CV_SUCCESS)
        add_counter(&s->rhs_evals, &b->rhs_evals, v);
    s->rhs_evals += cv->nfe_dq;
    cv->nfe_dq = 0;
    if (CVodeGetNumJacEvals(cv->mem, &v) == CV_SUCCESS)
        add_counter(&s->jac_evals, &b->jac_evals, v);
    if (CVodeGetNumLinSolvSetups(cv->mem, &v) == CV_SUCCESS)
        add_counter(&s->lin_setups, &b->lin_setups, v);
    if (CVodeGetNumErrTestFails(cv->mem, &v) == CV_SUCCESS)
        add_counter(&s->err_test_fails, &b->err_test_fails, v);
    if (CVodeGetNumNonlinSolvIters(cv->mem, &v) == CV_SUCCESS)
        add_counter(&s->nonlin_iters, &b->nonlin_iters, v);
    if (CVodeGetNumNonlinSolvConvFails(cv->mem, &v) == CV_SUCCESS)
        add_counter(&s->nonlin_conv_fails, &b->nonlin_conv_fails, v);
    if (cv->nroots_set > 0 && CVodeGetNumGEvals(cv->mem, &v) == CV_SUCCESS)
        add_counter(&s->root_evals, &b->root_evals, v);
    s->root_evals += cv->ng_own;
    cv->ng_own = 0;
}

void its__cv_diagnose(its__cv *cv, its__cv_diag *d)
{
    sunrealtype v;
    int q;
    size_t i;
    const double *e, *w;

    d->t = d->h_last = d->h_cur = (double)NAN;
    d->order = 0;
    d->worst = (size_t)-1;
    d->worst_err = 0.0;
    if (CVodeGetCurrentTime(cv->mem, &v) == CV_SUCCESS)
        d->t = v;
    if (CVodeGetLastStep(cv->mem, &v) == CV_SUCCESS)
        d->h_last = v;
    if (CVodeGetCurrentStep(cv->mem, &v) == CV_SUCCESS)
        d->h_cur = v;
    if (CVodeGetLastOrder(cv->mem, &q) == CV_SUCCESS)
        d->order = q;
    /* The state that dominates the weighted local error estimate of the
     * last attempted step is the one limiting the step size. */
    if (CVodeGetEstLocalErrors(cv->mem, cv->ele) != CV_SUCCESS ||
        CVodeGetErrWeights(cv->mem, cv->ewt) != CV_SUCCESS)
        return;
    e = N_VGetArrayPointer(cv->ele);
    w = N_VGetArrayPointer(cv->ewt);
    for (i = 0; i < cv->n; i++) {
        double r = fabs(e[i] * w[i]);
        if (r > d->worst_err || (d->worst == (size_t)-1 && r == r)) {
            d->worst_err = r;
            d->worst = i;
        }
    }
}

void its__cv_new_run(its__cv *cv)
{
    pattern_reset(cv);
    /* KLU analyses the new pattern at its next factorisation */
    (void)SUNLinSol_KLUReInit(cv->LS, cv->A, SM_NNZ_S(cv->A), SUNKLU_REINIT_PARTIAL);
}

void its__cv_reprobe(its__cv *cv)
{
    structure_full(cv);
}

void its__cv_set_dense_jacobian(its__cv *cv, int dense)
{
    cv->sparse_dq = !dense && cv->fns.jac == NULL && cv->n >= SPARSE_MIN_N;
    structure_full(cv);
}

size_t its__cv_structure(its__cv *cv, double t, const double *y, size_t *groups)
{
    if (cv->sparse_dq && !cv->sdone)
        structure_find(cv, t, y);
    if (groups != NULL)
        *groups = cv->ngrp;
    return cv->snnz;
}

int its__cv_structure_has(const its__cv *cv, size_t i, size_t j)
{
    size_t k;
    for (k = cv->scol[j]; k < cv->scol[j + 1]; k++)
        if (cv->srow[k] == i)
            return 1;
    return 0;
}

void its__cv_set_interpolation(its__cv *cv, int on)
{
    cv->no_interp = !on;
}

long its__cv_interpolated(const its__cv *cv)
{
    return cv->n_interp;
}

void its__cv_factorisations(const its__cv *cv, long *full, long *refactor)
{
    *full = cv->klu_full;
    *refactor = cv->klu_refactor;
}

size_t its__cv_pattern_nnz(const its__cv *cv)
{
    return cv->nnz;
}

const char *its__cv_errmsg(const its__cv *cv)
{
    return cv->msg;
}
