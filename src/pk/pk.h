/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the pk layer's private header (src/pk): agents with their
 * pharmacokinetics and labelled doses (agents.c) and the named regimens
 * (regimens.c). The layer reads the PK values the model layer keeps once
 * (model/pk_values.h) and shares nothing else between its files. */
#ifndef ITS_PK_PK_H
#define ITS_PK_PK_H

#include "core/core.h"
#include "model/model.h"
#include "model/pk_values.h"
#include "itsim/agents.h"
#include "itsim/units.h"

#endif
