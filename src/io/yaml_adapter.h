/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: private adapter over libyaml (the only place that includes
 * <yaml.h>): parse a document into the scenario layer's node tree
 * (src/scenario/scenario.h: its__ydoc), translate errors. */
#ifndef ITSIM_IO_YAML_ADAPTER_H
#define ITSIM_IO_YAML_ADAPTER_H

#include <stddef.h>
#include "itsim/status.h"
#include "scenario/scenario.h"

/* Parse the first document of text[0..len), in time linear in len. On
 * error returns ITS_EPARSE (or ITS_ENOMEM, also for more than
 * ITS__YAML_MAX_NODES nodes), sets *out to NULL, writes the problem to msg
 * and its 1-based position to *line / *col (0 when unknown). A second
 * document in the same text, nesting deeper than ITS__YAML_MAX_DEPTH, an
 * undefined alias and an alias inside its own anchor are errors. Aliases
 * share the anchored node. An empty document gives a doc whose root is 0. */
its_status its__ydoc_load(const char *text, size_t len, its__ydoc **out,
                          char *msg, size_t msglen, int *line, int *col);

#endif
