/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the clinical layer's private header (src/clinical): the
 * RECIST 1.1 (recist.c) and CTCAE (ctcae.c) evaluators. Neither depends on
 * a model or a simulation: they read observations handed to them. */
#ifndef ITS_CLINICAL_CLINICAL_H
#define ITS_CLINICAL_CLINICAL_H

#include "core/core.h"
#include "itsim/clinical.h"

#endif
