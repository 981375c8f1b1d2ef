/* itsim tests: the model registry. Every built-in model is complete (units,
 * sources, consistent inputs and sets) and its analytic Jacobian agrees with
 * finite differences of its right-hand side. */
#include <math.h>
#include <string.h>

#include "itsim/itsim.h"
#include "its_test.h"

static void check_metadata(const its_model_def *m)
{
    size_t i, j;
    its_unit u, time;
    char msg[256];
    int ok = 1;

    ok = its_unit_parse(m->time_unit, &time, msg, sizeof msg) == ITS_OK &&
         time.dim[ITS_DIM_TIME] == 1;
    its_test_true(ok, "%s: time unit '%s' is a time", m->name, m->time_unit);
    for (i = 0; i < m->n_params; i++) {
        const its_param_def *p = &m->params[i];
        ok = p->unit != NULL && its_unit_parse(p->unit, &u, msg, sizeof msg) == ITS_OK &&
             p->source != NULL && strlen(p->source) > 3 && p->description != NULL &&
             strlen(p->description) > 3 && isfinite(p->value);
        if (!ok)
            its_test_true(0, "%s parameter %s: unit, source, description (%s)",
                          m->name, p->name, msg);
        for (j = 0; j < i; j++)
            if (strcmp(m->params[j].name, p->name) == 0)
                its_test_true(0, "%s: duplicate parameter %s", m->name, p->name);
    }
    its_test_true(1, "%s: %zu parameters have units, sources, descriptions",
                  m->name, m->n_params);
    for (i = 0; i < m->n_states; i++) {
        const its_state_def *s = &m->states[i];
        ok = its_unit_parse(s->unit, &u, msg, sizeof msg) == ITS_OK &&
             s->initial >= 0.0 && s->floor >= 0.0;
        its_test_true(ok, "%s state %s: unit '%s', initial %g", m->name, s->name,
                      s->unit, s->initial);
    }
    for (i = 0; i < m->n_inputs; i++) {
        const its_input_def *in = &m->inputs[i];
        int si = its_model_state_index(m, in->state);
        its_unit a, b;
        ok = si >= 0 && its_unit_parse(in->unit, &a, msg, sizeof msg) == ITS_OK &&
             its_unit_parse(m->states[si].unit, &b, msg, sizeof msg) == ITS_OK;
        if (ok && in->volume != NULL) {
            /* amount / volume must be the target's unit */
            int vi = its_model_param_index(m, in->volume), d;
            its_unit vu;
            ok = vi >= 0 && its_unit_parse(m->params[vi].unit, &vu, msg, sizeof msg) == ITS_OK;
            for (d = 0; ok && d < ITS_UNIT_NDIM; d++)
                ok = a.dim[d] - vu.dim[d] == b.dim[d];
        } else if (ok) {
            ok = in->scale != 1.0 || its_unit_compatible(&a, &b);
        }
        its_test_true(ok, "%s input %s -> %s: unit '%s' consistent", m->name,
                      in->name, in->state, in->unit);
    }
    for (i = 0; i < m->n_sets; i++)
        for (j = 0; j < m->sets[i].n_values; j++)
            if (its_model_param_index(m, m->sets[i].values[j].name) < 0)
                its_test_true(0, "%s set %s: unknown parameter %s", m->name,
                              m->sets[i].name, m->sets[i].values[j].name);
    if (m->default_set != NULL)
        its_test_true(its_model_set_index(m, m->default_set) >= 0,
                      "%s: default set %s exists", m->name, m->default_set);
}

/* Central differences with a relative step; compare column by column. */
static void check_jacobian(const its_model_def *m, const double *y0, const char *where)
{
    double J[64], Jfd[64], y[8], fp[8], fm[8], p[64], worst = 0.0;
    size_t n = m->n_states, i, j;

    for (i = 0; i < m->n_params; i++)
        p[i] = m->params[i].value;
    if (m->default_set != NULL) {
        const its_param_set *set = &m->sets[its_model_set_index(m, m->default_set)];
        for (i = 0; i < set->n_values; i++)
            p[its_model_param_index(m, set->values[i].name)] = set->values[i].value;
    }
    memset(J, 0, sizeof J);
    m->jac(0.0, y0, J, n, p, NULL);
    for (j = 0; j < n; j++) {
        double h = 1e-6 * fmax(fabs(y0[j]), 1.0);
        memcpy(y, y0, n * sizeof *y);
        y[j] = y0[j] + h;
        m->rhs(0.0, y, fp, p, NULL);
        y[j] = y0[j] - h;
        m->rhs(0.0, y, fm, p, NULL);
        for (i = 0; i < n; i++)
            Jfd[i + j * n] = (fp[i] - fm[i]) / (2.0 * h);
    }
    /* Scale-aware comparison: an entry's error relative to the largest
     * contribution in its row, so that tiny entries next to big ones are
     * judged by what matters to the Newton iteration. */
    for (i = 0; i < n; i++) {
        double rowscale = 0.0;
        for (j = 0; j < n; j++)
            rowscale = fmax(rowscale, fabs(Jfd[i + j * n] * fmax(fabs(y0[j]), 1.0)));
        for (j = 0; j < n; j++) {
            double err = fabs(J[i + j * n] - Jfd[i + j * n]) * fmax(fabs(y0[j]), 1.0);
            if (rowscale > 0.0)
                worst = fmax(worst, err / rowscale);
        }
    }
    /* Central differences with h ~ 1e-6 relative carry ~1e-8 error. */
    its_test_true(worst < 1e-6, "%s Jacobian at %s: worst scaled error %.3g < 1e-6",
                  m->name, where, worst);
}

int main(void)
{
    size_t i;
    its_test_true(its_model_count() == 7, "seven built-in models");
    its_test_true(its_model_at(its_model_count()) == NULL, "out-of-range index");
    its_test_true(its_model_find("nope") == NULL && its_model_find(NULL) == NULL,
                  "unknown model name");
    for (i = 0; i < its_model_count(); i++) {
        const its_model_def *m = its_model_at(i);
        its_test_true(its_model_find(m->name) == m, "find %s", m->name);
        check_metadata(m);
        if (m->jac != NULL) {
            double y[8];
            size_t k;
            for (k = 0; k < m->n_states; k++)
                y[k] = m->states[k].initial;
            check_jacobian(m, y, "default state");
            /* An interior point with every state and drug present. */
            for (k = 0; k < m->n_states; k++)
                y[k] = 1.7 * m->states[k].initial + 3.1e3 * (double)(k + 1);
            check_jacobian(m, y, "perturbed state");
        }
    }
    return its_test_done();
}
