/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: in-silico cancer immunotherapy. Umbrella header of libitsim:
 * includes every public header. */
#ifndef ITSIM_ITSIM_H
#define ITSIM_ITSIM_H

#include "itsim/version.h"
#include "itsim/status.h"
#include "itsim/units.h"
#include "itsim/model.h"
#include "itsim/sim.h"
#include "itsim/scenario.h"
#include "itsim/run.h"
#include "itsim/io.h"
#include "itsim/clinical.h"
#include "itsim/survival.h"
#include "itsim/trial.h"
#include "itsim/validate.h"
#include "itsim/agents.h"
#include "itsim/calibrate.h"
#include "itsim/record.h"
#include "itsim/personalise.h"

#endif
