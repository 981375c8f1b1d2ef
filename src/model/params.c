/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: parameter vectors and initial states of a model definition
 * (itsim/model.h), without a simulation. */
#include <math.h>
#include <string.h>
#include "core/core.h"
#include "model/model.h"

int its__model_ok(const its_model_def *m)
{
    return m != NULL && m->version == ITS_MODEL_VERSION;
}

its_status its_model_check_param(const its_model_def *m, size_t i, double value,
                                 char *msg, size_t msglen)
{
    const its_param_def *d;
    its__fmt(msg, msglen, "%s", "");
    if (!its__model_ok(m) || i >= m->n_params)
        return ITS_EINVAL;
    d = &m->params[i];
    if (!isfinite(value)) {
        its__fmt(msg, msglen, "parameter %s: value is not finite", d->name);
        return ITS_ERANGE;
    }
    if (!its_domain_contains(d->domain, value)) {
        int unitless = d->unit == NULL || strcmp(d->unit, "1") == 0;
        its__fmt(msg, msglen,
                 "parameter %s = %g%s%s is outside its domain: it must be %s",
                 d->name, value, unitless ? "" : " ", unitless ? "" : d->unit,
                 its_domain_name(d->domain));
        return ITS_ERANGE;
    }
    return ITS_OK;
}

its_status its_model_apply_set(const its_model_def *m, const char *set_name,
                               double *p, char *msg, size_t msglen)
{
    const its_param_set *set;
    size_t i;
    int k;
    its__fmt(msg, msglen, "%s", "");
    if (!its__model_ok(m) || set_name == NULL || p == NULL)
        return ITS_EINVAL;
    k = its_model_set_index(m, set_name);
    if (k < 0) {
        its__fmt(msg, msglen, "model %s has no parameter set '%s'", m->name, set_name);
        return ITS_ENOTFOUND;
    }
    set = &m->sets[k];
    for (i = 0; i < set->n_values; i++) {
        int j = its_model_param_index(m, set->values[i].name);
        if (j < 0) {
            its__fmt(msg, msglen, "parameter set %s names unknown parameter '%s'",
                     set_name, set->values[i].name);
            return ITS_ENOTFOUND;
        }
        if (!its_domain_contains(m->params[j].domain, set->values[i].value)) {
            its__fmt(msg, msglen, "parameter set %s: %s = %g is outside its domain (%s)",
                     set_name, set->values[i].name, set->values[i].value,
                     its_domain_name(m->params[j].domain));
            return ITS_ERANGE;
        }
        p[j] = set->values[i].value;
    }
    return ITS_OK;
}

its_status its_model_apply_site(const its_model_def *m, size_t site, size_t lesion, double *p,
                                char *msg, size_t msglen)
{
    const its_site_def *s;
    size_t i;
    its__fmt(msg, msglen, "%s", "");
    if (!its__model_ok(m) || p == NULL || m->sites == NULL || site >= m->n_sites || lesion == 0)
        return ITS_EINVAL;
    s = &m->sites[site];
    if (s->n_values > 0 && s->values == NULL)
        return ITS_EINVAL;
    for (i = 0; i < s->n_values; i++) {
        char name[64];
        int j;
        its__fmt(name, sizeof name, "%s_%zu", s->values[i].name, lesion);
        j = its_model_param_index(m, name);
        if (j < 0) {
            its__fmt(msg, msglen, "site %s of model %s sets '%s', which is not a parameter",
                     s->name, m->name, name);
            return ITS_ENOTFOUND;
        }
        if (!its_domain_contains(m->params[j].domain, s->values[i].value)) {
            its__fmt(msg, msglen, "site %s: %s = %g is outside its domain (%s)", s->name, name,
                     s->values[i].value, its_domain_name(m->params[j].domain));
            return ITS_ERANGE;
        }
        p[j] = s->values[i].value;
    }
    return ITS_OK;
}

its_status its_model_default_params(const its_model_def *m, double *p,
                                    char *msg, size_t msglen)
{
    size_t i;
    its__fmt(msg, msglen, "%s", "");
    if (!its__model_ok(m) || p == NULL)
        return ITS_EINVAL;
    for (i = 0; i < m->n_params; i++)
        p[i] = m->params[i].value;
    return m->default_set != NULL ? its_model_apply_set(m, m->default_set, p, msg, msglen)
                                  : ITS_OK;
}

its_status its_model_initial_state(const its_model_def *m, const double *p,
                                   double *y0, char *msg, size_t msglen)
{
    size_t i;
    its__fmt(msg, msglen, "%s", "");
    if (!its__model_ok(m) || p == NULL || y0 == NULL)
        return ITS_EINVAL;
    for (i = 0; i < m->n_states; i++)
        y0[i] = m->states[i].initial;
    if (m->init == NULL)
        return ITS_OK;
    if (m->init(p, y0, m->data) != 0) {
        its__fmt(msg, msglen, "model %s: the initial state cannot be computed from "
                 "these parameters", m->name);
        return ITS_ERANGE;
    }
    for (i = 0; i < m->n_states; i++)
        if (!isfinite(y0[i])) {
            its__fmt(msg, msglen, "model %s: the initial value of %s implied by the "
                     "parameters is not finite", m->name, m->states[i].name);
            return ITS_ERANGE;
        }
    return ITS_OK;
}
