/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim benchmark (issue 11): tme's compiled right-hand side for R deSolve.
 *
 * deSolve's compiled-model interface (vignette "compiledCode"): R calls
 * ode(y, times, func = "tme_derivs", parms, dllname = "tme_desolve",
 * initfunc = "tme_initmod", ...). The model is the itsim library's own
 * (its_model_find("tme:N")->rhs), through the public API only; this file adds
 * nothing to the equations.
 *
 * State vector seen by deSolve: the model's n states, then one extra state u,
 * the rate of the infusion running now in the input's unit per day (piecewise
 * constant: deSolve events set it at each infusion's start and end; du/dt =
 * 0), which adds factor * u to the derivative of the input's target state
 * (itsim/model.h, its_input_def: scale / the volume parameter).
 *
 * parms (length n_params + 2): the model's parameters in definition order,
 * then the target state's index (0-based) and the factor.
 *
 * Helpers called from R with .C before each run:
 *   tme_select(model, n_states, n_params)     choose the model (tme:N)
 *   tme_param_index(name, i), tme_state_index(name, i)
 *   tme_input(name, p, target, factor)         target state and factor of an input
 */
#include <stddef.h>

#include "itsim/itsim.h"

#define MAX_PARMS 4096

static const its_model_def *model;
static double parms[MAX_PARMS];

void tme_select(char **name, int *n_states, int *n_params)
{
    model = its_model_find(*name);
    *n_states = model ? (int)model->n_states : -1;
    *n_params = model && model->n_params + 2 <= MAX_PARMS ? (int)model->n_params : -1;
}

void tme_param_index(char **name, int *i)
{
    *i = its_model_param_index(model, *name);
}

void tme_state_index(char **name, int *i)
{
    *i = its_model_state_index(model, *name);
}

void tme_input(char **name, double *p, int *target, double *factor)
{
    int i = its_model_input_index(model, *name), v;
    *target = -1;
    *factor = 0.0;
    if (i < 0)
        return;
    *target = its_model_state_index(model, model->inputs[i].state);
    *factor = model->inputs[i].scale;
    if (model->inputs[i].volume) {
        v = its_model_param_index(model, model->inputs[i].volume);
        *factor = v >= 0 ? *factor / p[v] : 0.0;
    }
}

/* deSolve: copies R's parms into ours (it checks that the lengths agree). */
void tme_initmod(void (*odeparms)(int *, double *))
{
    int n = model ? (int)model->n_params + 2 : 0;
    odeparms(&n, parms);
}

void tme_derivs(int *neq, double *t, double *y, double *ydot, double *yout, int *ip)
{
    size_t n = model->n_states;
    int target = (int)parms[model->n_params];
    (void)neq;
    (void)yout;
    (void)ip;
    /* a failing right-hand side (it never fails at valid states) gives NaN,
     * which makes deSolve reduce the step */
    if (model->rhs(*t, y, ydot, parms, model->data) != 0)
        ydot[0] = 0.0 / 0.0;
    if (target >= 0)
        ydot[target] += parms[model->n_params + 1] * y[n];
    ydot[n] = 0.0;
}
