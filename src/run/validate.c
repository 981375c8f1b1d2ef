/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: published-outcome checks (numbers from the papers or derived from their equations).
 * Each check simulates a built-in model and compares one number. */
#include "itsim/validate.h"
#include "core/core.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/gsl_adapter.h"
#include "itsim/sim.h"

#define ITS__NAN ((double)NAN)

/* A check fills r->expected and r->computed. The simulation it creates is
 * left in *sp, so that its_check_run can report the simulation's message
 * when the check fails, and frees it. */
typedef its_status (*check_fn)(its_check_result *r, its_sim **sp);

/* ---- helpers ------------------------------------------------------------- */

/* Create a simulation of a built-in model into *sp, or fail with its
 * status. */
static its_status make(const char *model, its_sim **sp)
{
    const its_model_def *m = its_model_find(model);
    return m != NULL ? its_sim_create(m, sp, NULL, 0) : ITS_ENOTFOUND;
}

static double param(const its_sim *s, const char *name)
{
    double v = ITS__NAN;
    (void)its_sim_get_param(s, name, &v);
    return v;
}

/* Run [0, t_end] and copy the final value of `state`. */
static its_status final_value(its_sim *s, double t_end, const char *state,
                              double *out)
{
    double y[16];
    int i = its_model_state_index(its_sim_model(s), state);
    its_status st;
    if (i < 0 || its_sim_model(s)->n_states > 16)
        return ITS_EINVAL;
    st = its_sim_run(s, 0.0, t_end, NULL, 0, NULL, NULL);
    if (st == ITS_OK)
        st = its_sim_get_final_state(s, y);
    *out = y[i];
    return st;
}

/* Observer storing one state at the grid times (the grid is small). */
typedef struct grid_rec {
    int idx;
    size_t n;
    double v[32];
} grid_rec;

static int record_grid(double t, const double *y, size_t n, its_row_kind k,
                       void *ud)
{
    grid_rec *g = ud;
    (void)t;
    (void)n;
    if (k == ITS_ROW_GRID && g->n < 32)
        g->v[g->n++] = y[g->idx];
    return 0;
}

/* ---- Hahnfeldt 1999 ------------------------------------------------------ */

static its_status H1(its_check_result *r, its_sim **sp)
{
    its_sim *s;
    its_status st = make("hahnfeldt1999", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    /* Untreated set point V = K = (b/d)^(3/2) [P; derived from dK/dt = 0]. */
    r->expected = pow(param(s, "b") / param(s, "d"), 1.5);
    st = final_value(s, 1000.0, "V", &r->computed);
    return st;
}

/* V just before the last TNP-470 dose of a long q.o.d. course. */
static its_status tnp470_set_point(double v0, double k0, double *out, its_sim **sp)
{
    its_sim *s;
    int i;
    its_status st = make("hahnfeldt1999", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    its_sim_set_initial(s, "V", v0);
    its_sim_set_initial(s, "K", k0);
    for (i = 0; i < 200 && st == ITS_OK; i++)
        st = its_sim_add_bolus(s, "tnp470", 2.0 * i, 30.0);
    if (st == ITS_OK)
        st = final_value(s, 400.0, "V", out);
    return st;
}

static its_status H2a(its_check_result *r, its_sim **sp)
{
    r->expected = 12300.0;
    return tnp470_set_point(170.0, 625.0, &r->computed, sp);
}

static its_status H2b(its_check_result *r, its_sim **sp)
{
    r->expected = 12300.0;
    return tnp470_set_point(17300.0, 17300.0, &r->computed, sp);
}

/* Relative potency: with no vascular stimulation or inhibition (b = d =
 * lambda2 = 0), one bolus of 1 mg/kg lowers K by the factor exp(-e/clr). */
static its_status potency(const char *agent, double published,
                          its_check_result *r, its_sim **sp)
{
    its_sim *s;
    char name[64];
    double k_end = ITS__NAN;
    its_status st = make("hahnfeldt1999", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    its_sim_set_param(s, "b", 0.0);
    its_sim_set_param(s, "d", 0.0);
    its_sim_set_param(s, "lambda2", 0.0);
    its__fmt(name, sizeof name, "%s", agent);
    st = its_sim_add_bolus(s, name, 0.0, 1.0);
    if (st == ITS_OK)
        st = final_value(s, 200.0, "K", &k_end);
    r->expected = published;
    r->computed = -log(k_end / its_sim_initial(s)[1]);
    return st;
}

static its_status H5a(its_check_result *r, its_sim **sp) { return potency("tnp470", 0.13, r, sp); }
static its_status H5b(its_check_result *r, its_sim **sp) { return potency("endostatin", 0.39, r, sp); }
static its_status H5c(its_check_result *r, its_sim **sp) { return potency("angiostatin", 0.39, r, sp); }

/* Control growth curve from V0 = 192, K0 = 625 at day `day`. */
static its_status control_curve(double day, double expected, its_check_result *r, its_sim **sp)
{
    its_sim *s;
    grid_rec g;
    double t_out[1];
    its_status st = make("hahnfeldt1999", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    memset(&g, 0, sizeof g);
    t_out[0] = day;
    st = its_sim_run(s, 0.0, day, t_out, 1, record_grid, &g);
    r->expected = expected;
    r->computed = g.n == 1 ? g.v[0] : ITS__NAN;
    return st;
}

static its_status H6a(its_check_result *r, its_sim **sp) { return control_curve(10.0, 3796.0, r, sp); }
static its_status H6b(its_check_result *r, its_sim **sp) { return control_curve(19.0, 10604.0, r, sp); }

/* ---- Kirschner-Panetta 1998 ---------------------------------------------- */

/* Does a 1-cell tumour grow within 200 days under constant ACI rate s1,
 * starting from the tumour-free effector level s1/mu2? */
static its_status kp_tumour_grows(its_sim *s, double s1, int *grows)
{
    double t_end = ITS__NAN;
    its_status st;
    its_sim_set_param(s, "s1", s1);
    its_sim_set_initial(s, "E", s1 / param(s, "mu2"));
    its_sim_set_initial(s, "T", 1.0);
    its_sim_set_initial(s, "IL", 0.0);
    st = final_value(s, 200.0, "T", &t_end);
    *grows = t_end > 1.0;
    return st;
}

/* The threshold of a parameter value x in [lo, hi] where `grows` changes:
 * 30 bisections (a relative width of 1e-9 of the bracket). below = 1: the
 * system grows below the threshold, 0: above it. */
static its_status bisect(its_sim *s, double lo, double hi,
                         its_status (*grows_at)(its_sim *, double, int *), int below,
                         double *threshold)
{
    its_status st = ITS_OK;
    int i, grows = 0;
    for (i = 0; i < 30 && st == ITS_OK; i++) {
        double mid = 0.5 * (lo + hi);
        st = grows_at(s, mid, &grows);
        if ((grows != 0) == (below != 0))
            lo = mid;
        else
            hi = mid;
    }
    *threshold = 0.5 * (lo + hi);
    return st;
}

static its_status K1(its_check_result *r, its_sim **sp)
{
    its_sim *s;
    double lo = 400.0, hi = 700.0;
    its_status st = make("kirschner1998", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    /* Linear stability of T = 0: the T-row of the Jacobian is
     * r2 - a*s1/(mu2*g2), so s1* = r2*mu2*g2/a (derived). */
    r->expected = param(s, "r2") * param(s, "mu2") * param(s, "g2") / param(s, "a");
    return bisect(s, lo, hi, kp_tumour_grows, 1, &r->computed);
}

/* Net growth of effectors without tumour under constant IL-2 rate s2: does
 * E increase between days 1000 and 2000? */
static its_status kp_effectors_grow(its_sim *s, double s2, int *grows)
{
    double t_out[2] = {1000.0, 2000.0};
    grid_rec g;
    its_status st;
    memset(&g, 0, sizeof g);
    g.idx = 0; /* E */
    its_sim_set_param(s, "s2", s2);
    its_sim_set_initial(s, "E", 1e4);
    its_sim_set_initial(s, "T", 0.0);
    its_sim_set_initial(s, "IL", s2 / param(s, "mu3"));
    st = its_sim_run(s, 0.0, 2000.0, t_out, 2, record_grid, &g);
    *grows = g.n == 2 && g.v[1] > g.v[0];
    return st;
}

static its_status K2(its_check_result *r, its_sim **sp)
{
    its_sim *s;
    double lo = 3e7, hi = 1e8;
    its_status st = make("kirschner1998", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    /* E grows without bound iff p1*(s2/mu3)/(g1 + s2/mu3) > mu2 (derived). */
    r->expected = param(s, "mu2") * param(s, "mu3") * param(s, "g1") /
                  (param(s, "p1") - param(s, "mu2"));
    return bisect(s, lo, hi, kp_effectors_grow, 0, &r->computed);
}

/* Interior equilibrium at c = 0.035, reached by damped oscillations from
 * (E, T, IL) = (0, 1, 0) (BIOMD0000000732 initial state). */
static its_status kp_equilibrium(const char *state, double expected,
                                 its_check_result *r, its_sim **sp)
{
    its_sim *s;
    its_status st = make("kirschner1998", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    r->expected = expected;
    st = final_value(s, 10000.0, state, &r->computed);
    return st;
}

static its_status K6T(its_check_result *r, its_sim **sp) { return kp_equilibrium("T", 18198.0, r, sp); }
static its_status K6E(its_check_result *r, its_sim **sp) { return kp_equilibrium("E", 21275.0, r, sp); }

/* ---- Kuznetsov 1994 -------------------------------------------------------- */

static its_status Z1(its_check_result *r, its_sim **sp)
{
    its_sim *s;
    double t10 = ITS__NAN;
    its_status st = make("kuznetsov1994", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    /* T-eigenvalue at the tumour-free state (s/d, 0): a - n*s/d (derived). */
    r->expected = param(s, "a") - param(s, "n") * param(s, "s") / param(s, "d");
    its_sim_set_initial(s, "E", param(s, "s") / param(s, "d"));
    its_sim_set_initial(s, "T", 1.0);
    st = final_value(s, 10.0, "T", &t10);
    r->computed = log(t10) / 10.0;
    return st;
}

static its_status kz_equilibrium(double e0, double t0, double expected,
                                 its_check_result *r, its_sim **sp)
{
    its_sim *s;
    its_status st = make("kuznetsov1994", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    its_sim_set_initial(s, "E", e0);
    its_sim_set_initial(s, "T", t0);
    r->expected = expected;
    st = final_value(s, 5000.0, "T", &r->computed);
    return st;
}

/* From the BIOMD0000000762 initial state the dormant focus is reached. */
static its_status Z2(its_check_result *r, its_sim **sp) { return kz_equilibrium(3.2e5, 5e6, 8.186e6, r, sp); }
static its_status Z4(its_check_result *r, its_sim **sp) { return kz_equilibrium(1e5, 4e8, 4.470e8, r, sp); }

/* ---- de Pillis 2005 ---------------------------------------------------------- */

static its_status P1(its_check_result *r, its_sim **sp)
{
    its_sim *s;
    its_status st = make("depillis2005", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    r->expected = param(s, "sigma") / param(s, "f");
    its_sim_set_initial(s, "T", 0.0);
    its_sim_set_initial(s, "N", 0.0);
    its_sim_set_initial(s, "L", 0.0);
    st = final_value(s, 600.0, "N", &r->computed);
    return st;
}

/* Initial log-growth rate of a 1-cell tumour at N = sigma/f over two days,
 * against a - c*sigma/f (derived); c selects non-ligand or ligand tumour. The
 * criterion is the T-direction with L = 0 (NK cells alone), so the CD8 arm is
 * knocked out (r = 0 keeps L = 0): with the ratio-dependent kill even the
 * few CD8 cells made by r*N*T would kill a tiny tumour at a finite rate. */
static its_status dp_growth(double c, its_check_result *r, its_sim **sp)
{
    its_sim *s;
    double t2 = ITS__NAN;
    its_status st = make("depillis2005", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    its_sim_set_param(s, "c", c);
    its_sim_set_param(s, "r", 0.0);
    r->expected = param(s, "a") - c * param(s, "sigma") / param(s, "f");
    its_sim_set_initial(s, "T", 1.0);
    its_sim_set_initial(s, "N", param(s, "sigma") / param(s, "f"));
    its_sim_set_initial(s, "L", 0.0);
    st = final_value(s, 2.0, "T", &t2);
    r->computed = log(t2) / 2.0;
    return st;
}

static its_status P2a(its_check_result *r, its_sim **sp) { return dp_growth(3.23e-7, r, sp); }
static its_status P2b(its_check_result *r, its_sim **sp) { return dp_growth(3.5e-6, r, sp); }

/* ---- de Pillis 2009 ------------------------------------------------------------ */

/* Tumour-free, therapy-free equilibrium (derived): C* = alpha/beta; for a given
 * IL-2 level I the CD8 equation fixes L(I); the IL-2 equation then gives a
 * scalar equation in I, solved with Brent's method. N* follows from I*. */
typedef struct dp9_eq {
    double p[64];
    int pI, gI, theta, m, u, kappa, muI, phi, omega, zeta;
    double C;
} dp9_eq;

static double dp9_L_of_I(const dp9_eq *q, double I)
{
    const double *p = q->p;
    double growth = p[q->pI] * I / (p[q->gI] + I) -
                    p[q->theta] * p[q->m] / (p[q->theta] + I);
    return growth * (p[q->kappa] + I) / (p[q->u] * q->C * I);
}

static double dp9_residual(double I, void *ud)
{
    const dp9_eq *q = ud;
    const double *p = q->p;
    double L = dp9_L_of_I(q, I);
    return -p[q->muI] * I + p[q->phi] * q->C + p[q->omega] * L * I / (p[q->zeta] + I);
}

static its_status dp9_equilibrium(const char *state, its_check_result *r, its_sim **sp)
{
    its_sim *s;
    const its_model_def *m;
    dp9_eq q;
    double y[6], I_eq = ITS__NAN;
    size_t i;
    its_status st = make("depillis2009", sp);
    if (st != ITS_OK)
        return st;
    s = *sp;
    m = its_sim_model(s);
    memset(&q, 0, sizeof q);
    for (i = 0; i < m->n_params && i < 64; i++)
        q.p[i] = its_sim_params(s)[i];
    q.pI = its_model_param_index(m, "pI");
    q.gI = its_model_param_index(m, "gI");
    q.theta = its_model_param_index(m, "theta");
    q.m = its_model_param_index(m, "m");
    q.u = its_model_param_index(m, "u");
    q.kappa = its_model_param_index(m, "kappa");
    q.muI = its_model_param_index(m, "muI");
    q.phi = its_model_param_index(m, "phi");
    q.omega = its_model_param_index(m, "omega");
    q.zeta = its_model_param_index(m, "zeta");
    q.C = param(s, "alpha") / param(s, "beta");
    /* Bracket: at I = phi*C/muI (the L = 0 level) the residual is >= 0 when
     * L(I) > 0; it is negative for large I. */
    st = its__root_brent(dp9_residual, &q, q.p[q.phi] * q.C / q.p[q.muI],
                         1e6, 1e-12, &I_eq);
    if (st == ITS_OK) {
        if (strcmp(state, "C") == 0)
            r->expected = q.C;
        else if (strcmp(state, "I") == 0)
            r->expected = I_eq;
        else if (strcmp(state, "L") == 0)
            r->expected = dp9_L_of_I(&q, I_eq);
        else /* N: f*(e*C - N) + pN*N*I/(gN+I) = 0 */
            r->expected = param(s, "f") * param(s, "e") * q.C /
                          (param(s, "f") -
                           param(s, "pN") * I_eq / (param(s, "gN") + I_eq));
        its_sim_set_initial(s, "T", 0.0);
        st = its_sim_run(s, 0.0, 3000.0, NULL, 0, NULL, NULL);
        if (st == ITS_OK)
            st = its_sim_get_final_state(s, y);
        r->computed = y[its_model_state_index(m, state)];
    }
    return st;
}

static its_status G1C(its_check_result *r, its_sim **sp) { return dp9_equilibrium("C", r, sp); }
static its_status G1N(its_check_result *r, its_sim **sp) { return dp9_equilibrium("N", r, sp); }
static its_status G1L(its_check_result *r, its_sim **sp) { return dp9_equilibrium("L", r, sp); }
static its_status G1I(its_check_result *r, its_sim **sp) { return dp9_equilibrium("I", r, sp); }

/* ---- the table ---------------------------------------------------------------------- */

typedef struct check_def {
    const char *id, *model, *what, *source;
    double rel_tol;
    const char *tol_reason;
    check_fn fn;
} check_def;

#define ANALYTIC_TOL "analytic value; integration at rtol 1e-8 converges to ~1e-7"

static const check_def checks[] = {
    {"H1", "hahnfeldt1999", "untreated set point V (mm3) = (b/d)^(3/2)",
     "Hahnfeldt 1999 (in the paper) ~17,400; exact (b/d)^1.5 (derived)", 1e-5, ANALYTIC_TOL, H1},
    {"H2a", "hahnfeldt1999", "TNP-470 30 mg/kg q.o.d. set point: V (mm3) just before a dose, V0 = 170",
     "Hahnfeldt 1999 (in the paper) ~12,300", 0.01,
     "published to 3 significant figures ('about 12,300')", H2a},
    {"H2b", "hahnfeldt1999", "same set point from V0 = K0 = 17,300 mm3",
     "Hahnfeldt 1999 (in the paper): independent of start size", 0.01,
     "published to 3 significant figures", H2b},
    {"H5a", "hahnfeldt1999", "TNP-470 potency -ln(K/K0) per mg/kg = e/clr",
     "Hahnfeldt 1999 Table 1 (in the paper) e/clr = 0.13", 0.005 / 0.13,
     "published to 2 decimals (+-0.005)", H5a},
    {"H5b", "hahnfeldt1999", "endostatin potency e/clr",
     "Hahnfeldt 1999 Table 1 (in the paper) e/clr = 0.39", 0.005 / 0.39,
     "published to 2 decimals (+-0.005)", H5b},
    {"H5c", "hahnfeldt1999", "angiostatin potency e/clr",
     "Hahnfeldt 1999 Table 1 (in the paper) e/clr = 0.39", 0.005 / 0.39,
     "published to 2 decimals (+-0.005)", H5c},
    {"H6a", "hahnfeldt1999", "control curve V(day 10) (mm3), V0 = 192, K0 = 625",
     "independent RK45 integration by the itsim authors (not a published number); data 3590", 1e-3,
     "reference given to 4 significant figures", H6a},
    {"H6b", "hahnfeldt1999", "control curve V(day 19) (mm3)",
     "independent RK45 integration by the itsim authors (not a published number); data 10438", 1e-3,
     "reference given to 5 significant figures", H6b},
    {"K1", "kirschner1998", "ACI threshold s1* (cells/d) for tumour-free stability",
     "r2*mu2*g2/a = 540 (derived); Caravagna 2010: s1 = 5400 = 10x threshold", 0.005,
     "bisection on finite-time growth from a 1-cell tumour", K1},
    {"K2", "kirschner1998", "IL-2 runaway threshold s2* (au/d), no tumour",
     "mu2*mu3*g1/(p1-mu2) = 6.35e7 (derived); existence stated by Caravagna 2010",
     0.005, "bisection on growth of E between days 1000 and 2000", K2},
    {"K6T", "kirschner1998", "equilibrium T (cells) at c = 0.035",
     "(T,E,IL) = (18198, 21275, 10083) (derived)", 1e-3,
     "reference given to 5 significant figures; long damped approach", K6T},
    {"K6E", "kirschner1998", "equilibrium E (cells) at c = 0.035",
     "(T,E,IL) = (18198, 21275, 10083) (derived)", 1e-3,
     "reference given to 5 significant figures", K6E},
    {"Z1", "kuznetsov1994", "tumour growth rate (1/d) at the tumour-free state",
     "a - n*s/d = +0.1453 (derived)", 0.005,
     "finite-time log-slope over 10 days; effectors barely move", Z1},
    {"Z2", "kuznetsov1994", "dormant equilibrium T (cells)",
     "T = 8.186e6, E = 1.608e6 (derived)", 1e-3, "reference given to 4 significant figures", Z2},
    {"Z4", "kuznetsov1994", "large-tumour equilibrium T (cells)",
     "T = 4.470e8, E = 1.732e5 (derived)", 1e-3, "reference given to 4 significant figures", Z4},
    {"P1", "depillis2005", "tumour-free NK level N* = sigma/f (cells)",
     "3.1553e5 (derived)", 1e-6, ANALYTIC_TOL, P1},
    {"P2a", "depillis2005", "growth rate (1/d) of a small non-ligand tumour, NK only",
     "a - c*sigma/f = 0.412 > 0: escapes NK (derived)", 1e-4,
     "finite-time log-slope over 2 days; N drifts < 1e-6 relative", P2a},
    {"P2b", "depillis2005", "growth rate (1/d) of a small ligand tumour, NK only",
     "a - c*sigma/f = -0.590 < 0: rejected by NK alone (derived)", 1e-4,
     "finite-time log-slope over 2 days; N drifts < 1e-6 relative", P2b},
    {"G1C", "depillis2009", "tumour-free equilibrium C* = alpha/beta (cells)",
     "2.25e9 (derived)", 1e-6, ANALYTIC_TOL, G1C},
    {"G1N", "depillis2009", "tumour-free equilibrium N* (cells)",
     "f*e*C*/(f - pN*I*/(gN+I*)) (derived)", 1e-6, ANALYTIC_TOL, G1N},
    {"G1L", "depillis2009", "tumour-free equilibrium L* (cells)",
     "root of the L and I equations at T = M = 0 (derived)", 1e-6, ANALYTIC_TOL, G1L},
    {"G1I", "depillis2009", "tumour-free equilibrium I* (IU/L)",
     "root of the L and I equations at T = M = 0 (derived)", 1e-6, ANALYTIC_TOL, G1I},
};

size_t its_check_count(void)
{
    return sizeof checks / sizeof checks[0];
}

const char *its_check_id(size_t i)
{
    return i < its_check_count() ? checks[i].id : NULL;
}

its_status its_check_run(size_t i, its_check_result *r, char *msg, size_t msglen)
{
    const check_def *c;
    its_sim *sim = NULL;
    its_status st;
    its__fmt(msg, msglen, "%s", "");
    if (r == NULL || i >= its_check_count()) {
        its__fmt(msg, msglen, "%s", r == NULL ? "its_check_run: NULL result"
                                               : "its_check_run: no such check");
        return ITS_EINVAL;
    }
    c = &checks[i];
    memset(r, 0, sizeof *r);
    r->id = c->id;
    r->model = c->model;
    r->what = c->what;
    r->source = c->source;
    r->rel_tol = c->rel_tol;
    r->tol_reason = c->tol_reason;
    r->expected = ITS__NAN;
    r->computed = ITS__NAN;
    st = c->fn(r, &sim);
    r->passed = st == ITS_OK && isfinite(r->computed) && isfinite(r->expected) &&
                fabs(r->computed - r->expected) <= c->rel_tol * fabs(r->expected);
    if (st != ITS_OK) {
        const char *why = sim != NULL ? its_sim_errmsg(sim) : "";
        r->computed = ITS__NAN;
        its__fmt(msg, msglen, "check %s (%s): %s", c->id, c->model,
                 why[0] ? why : its_strerror(st));
    }
    its_sim_free(sim);
    return st;
}
