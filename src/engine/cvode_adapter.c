/* itsim internal: SUNDIALS CVODE adapter. The only file that includes
 * CVODE headers; everything it returns is an its_status. */
#include "engine/cvode_adapter.h"
#include "engine/blocklu.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_config.h>
#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>
#include <sunmatrix/sunmatrix_dense.h>

/* The Newton matrix M = I - gamma J of a model whose states differ in scale
 * by many orders of magnitude (cells ~1e10, nM ~1) was factorised by
 * SUNDIALS' dense LU with partial pivoting over the whole matrix. There a
 * column of a state that is exactly 0 (a drug never given) could take its
 * pivot from the row of a state that depends on it (anti-PD-1 occupancy
 * drives lesion T cells; dacarbazine kills cancer cells into debris): the
 * elimination then mixed round-off of that row into the drug's closed,
 * all-zero subsystem, and an untreated run reported anti-PD-1 up to
 * 5.6e-19 nM (issue 9). The engine's linear solver (blocklu.c) factorises
 * M in block triangular form, pivoting inside each strongly connected
 * block only, after equilibration with CVODE's error weights: a closed
 * subsystem is solved from its own right-hand side, exactly 0 stays 0. */
typedef struct its__sls {
    its__blu *lu;
    N_Vector w;              /* error weights at the last factorisation */
    void *cvmem;             /* CVODE memory, for its error weights */
    int last;                /* last factorisation result (0 or pivot + 1) */
} its__sls;

static its__sls *sls_content(SUNLinearSolver S)
{
    return (its__sls *)S->content;
}

static SUNLinearSolver_Type sls_gettype(SUNLinearSolver S)
{
    (void)S;
    return SUNLINEARSOLVER_DIRECT;
}

static SUNLinearSolver_ID sls_getid(SUNLinearSolver S)
{
    (void)S;
    return SUNLINEARSOLVER_CUSTOM;
}

static int sls_initialize(SUNLinearSolver S)
{
    sls_content(S)->last = 0;
    return SUNLS_SUCCESS;
}

static int sls_setup(SUNLinearSolver S, SUNMatrix A)
{
    its__sls *c = sls_content(S);
    if (c->cvmem == NULL || CVodeGetErrWeights(c->cvmem, c->w) != CV_SUCCESS)
        N_VConst(1.0, c->w);
    c->last = its__blu_factor(c->lu, SM_DATA_D(A), (size_t)SM_ROWS_D(A),
                              N_VGetArrayPointer(c->w));
    /* a zero pivot is recoverable: CVODE retries with a smaller step */
    return c->last == 0 ? SUNLS_SUCCESS : SUNLS_LUFACT_FAIL;
}

static int sls_solve(SUNLinearSolver S, SUNMatrix A, N_Vector x, N_Vector b, sunrealtype tol)
{
    (void)A;
    (void)tol;
    its__blu_solve(sls_content(S)->lu, N_VGetArrayPointer(b), N_VGetArrayPointer(x));
    return SUNLS_SUCCESS;
}

static sunindextype sls_lastflag(SUNLinearSolver S)
{
    return sls_content(S)->last;
}

static int sls_free(SUNLinearSolver S)
{
    if (S == NULL)
        return SUNLS_SUCCESS;
    if (S->content != NULL) {
        its__sls *c = sls_content(S);
        its__blu_free(c->lu);
        if (c->w)
            N_VDestroy(c->w);
        free(c);
        S->content = NULL;
    }
    SUNLinSolFreeEmpty(S);
    return SUNLS_SUCCESS;
}

/* The block triangular solver for vectors like y (NULL on failure). Its
 * CVODE memory is set once CVODE exists. */
static SUNLinearSolver sls_create(N_Vector y, SUNContext ctx)
{
    SUNLinearSolver S = SUNLinSolNewEmpty(ctx);
    its__sls *c;
    if (S == NULL)
        return NULL;
    c = calloc(1, sizeof *c);
    if (c == NULL) {
        SUNLinSolFreeEmpty(S);
        return NULL;
    }
    S->content = c;
    S->ops->gettype = sls_gettype;
    S->ops->getid = sls_getid;
    S->ops->initialize = sls_initialize;
    S->ops->setup = sls_setup;
    S->ops->solve = sls_solve;
    S->ops->lastflag = sls_lastflag;
    S->ops->free = sls_free;
    c->lu = its__blu_create((size_t)N_VGetLength(y));
    c->w = N_VClone(y);
    if (c->lu == NULL || c->w == NULL) {
        sls_free(S);
        return NULL;
    }
    return S;
}

struct its__cv {
    SUNContext ctx;
    void *mem;
    N_Vector y, atol, constraints;
    N_Vector ele, ewt;   /* scratch for the failure diagnosis */
    SUNMatrix A;
    SUNLinearSolver LS;
    size_t n;
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
    snprintf(cv->msg, sizeof cv->msg, "%s failed (CVODE flag %d)%s%s", what,
             flag, cv->detail[0] ? ": " : "", cv->detail);
    return st == ITS_OK ? ITS_ESOLVER : st;
}

static void err_handler(int code, const char *module, const char *function,
                        char *m, void *ud)
{
    its__cv *cv = ud;
    (void)code;
    (void)module;
    snprintf(cv->detail, sizeof cv->detail, "%s: %s", function, m);
}

static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *ud)
{
    its__cv *cv = ud;
    return cv->fns.rhs(t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot),
                       cv->fns.ud);
}

static int cv_jac(sunrealtype t, N_Vector y, N_Vector fy, SUNMatrix J,
                  void *ud, N_Vector t1, N_Vector t2, N_Vector t3)
{
    its__cv *cv = ud;
    (void)fy;
    (void)t1;
    (void)t2;
    (void)t3;
    SUNMatZero(J);
    return cv->fns.jac(t, N_VGetArrayPointer(y), SM_DATA_D(J),
                       (size_t)SM_ROWS_D(J), cv->fns.ud);
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
    cv = calloc(1, sizeof *cv);
    if (cv == NULL) {
        snprintf(msg, msglen, "out of memory creating the CVODE workspace");
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
    cv->A = SUNDenseMatrix(nn, nn, cv->ctx);
    if (!cv->y || !cv->atol || !cv->constraints || !cv->ele || !cv->ewt || !cv->A)
        goto nomem;
    /* Fused vector operations: CVODE's predictor and corrector then make one
     * pass over the history array instead of one call per vector, which
     * matters for the small systems itsim integrates. */
    N_VEnableFusedOps_Serial(cv->y, SUNTRUE);
    cv->LS = sls_create(cv->y, cv->ctx);
    cv->mem = CVodeCreate(adams ? CV_ADAMS : CV_BDF, cv->ctx);
    if (!cv->LS || !cv->mem)
        goto nomem;
    sls_content(cv->LS)->cvmem = cv->mem;
    CVodeSetErrHandlerFn(cv->mem, err_handler, cv);
    N_VConst(0.0, cv->y);
    flag = CVodeInit(cv->mem, cv_rhs, 0.0, cv->y);
    if (flag == CV_SUCCESS)
        flag = CVodeSetUserData(cv->mem, cv);
    if (flag == CV_SUCCESS)
        flag = CVodeSetLinearSolver(cv->mem, cv->LS, cv->A);
    if (flag == CV_SUCCESS && fns->jac != NULL)
        flag = CVodeSetJacFn(cv->mem, cv_jac);
    if (flag != CV_SUCCESS) {
        snprintf(msg, msglen, "CVODE set-up failed (flag %d): %s", flag,
                 cv->detail);
        its__cv_free(cv);
        return ITS_ESOLVER;
    }
    *out = cv;
    return ITS_OK;
nomem:
    snprintf(msg, msglen, "out of memory creating the CVODE workspace");
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
    if (cv->ctx)
        SUNContext_Free(&cv->ctx);
    free(cv);
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
        int dir[64];
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
    return ITS_OK;
}

its_status its__cv_advance(its__cv *cv, double tout, double *t, double *y,
                           int *root, int *rootsfound)
{
    sunrealtype tret = 0.0;
    int flag = CVode(cv->mem, tout, cv->y, &tret, CV_NORMAL);

    *root = 0;
    if (flag < 0) {
        /* Failure: t and y are left as they were (the last state reported),
         * never replaced by a half-computed one. */
        snprintf(cv->msg, sizeof cv->msg, "CVODE failed at t = %.10g: %s",
                 tret, cv->detail[0] ? cv->detail : "unknown error");
        return from_cv(flag) == ITS_OK ? ITS_ESOLVER : from_cv(flag);
    }
    *t = tret;
    memcpy(y, N_VGetArrayPointer(cv->y), cv->n * sizeof *y);
    if (flag == CV_ROOT_RETURN) {
        *root = 1;
        if (CVodeGetRootInfo(cv->mem, rootsfound) != CV_SUCCESS)
            return fail(cv, CV_MEM_NULL, "CVodeGetRootInfo");
    }
    return ITS_OK;
}

void its__cv_add_stats(its__cv *cv, its_stats *s)
{
    long v;
    if (CVodeGetNumSteps(cv->mem, &v) == CV_SUCCESS)
        s->steps += v;
    if (CVodeGetNumRhsEvals(cv->mem, &v) == CV_SUCCESS)
        s->rhs_evals += v;
    if (CVodeGetNumLinRhsEvals(cv->mem, &v) == CV_SUCCESS)
        s->rhs_evals += v;
    if (CVodeGetNumJacEvals(cv->mem, &v) == CV_SUCCESS)
        s->jac_evals += v;
    if (CVodeGetNumLinSolvSetups(cv->mem, &v) == CV_SUCCESS)
        s->lin_setups += v;
    if (CVodeGetNumErrTestFails(cv->mem, &v) == CV_SUCCESS)
        s->err_test_fails += v;
    if (CVodeGetNumNonlinSolvIters(cv->mem, &v) == CV_SUCCESS)
        s->nonlin_iters += v;
    if (CVodeGetNumNonlinSolvConvFails(cv->mem, &v) == CV_SUCCESS)
        s->nonlin_conv_fails += v;
    if (cv->nroots_set > 0 && CVodeGetNumGEvals(cv->mem, &v) == CV_SUCCESS)
        s->root_evals += v;
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

const char *its__cv_errmsg(const its__cv *cv)
{
    return cv->msg;
}
