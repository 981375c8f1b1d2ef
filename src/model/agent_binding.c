/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: how a model interprets therapeutic agents. The model declares its
 * bindings (its_model_def.agents); the generic scenario code looks them up
 * here, so no model's input or parameter names appear outside the model. */
#include "model/model.h"

#include <string.h>

#include "core/core.h"

const its_agent_binding *its_model_agent_binding(const its_model_def *m, const char *agent,
                                                 const char *substance)
{
    size_t i, pass;
    if (!its__model_ok(m))
        return NULL;
    /* The agent's own binding first, then one for its substance. */
    for (pass = 0; pass < 2; pass++) {
        const char *key = pass == 0 ? agent : substance;
        for (i = 0; key != NULL && i < m->n_agents; i++)
            if (m->agents[i].agent != NULL && strcmp(m->agents[i].agent, key) == 0)
                return &m->agents[i];
    }
    return NULL;
}

int its_model_agent_input(const its_model_def *m, const its_agent_binding *b, const char *route,
                          const char *lesion)
{
    char name[128];
    if (!its__model_ok(m) || b == NULL || route == NULL)
        return -1;
    if (strcmp(route, "iv") == 0)
        return b->iv != NULL ? its_model_input_index(m, b->iv) : -1;
    if (strcmp(route, "sc") == 0)
        return b->sc != NULL ? its_model_input_index(m, b->sc) : -1;
    if (strcmp(route, "it") != 0 || b->it == NULL || lesion == NULL ||
        strlen(b->it) + strlen(lesion) >= sizeof name)
        return -1;
    its__fmt(name, sizeof name, "%s%s", b->it, lesion);
    return its_model_input_index(m, name);
}
