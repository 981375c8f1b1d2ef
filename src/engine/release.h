/* itsim internal: release-law helpers used by the engine (rate, end time,
 * validation); the public cumulative fraction is in itsim/sim.h. */
#ifndef ITS_ENGINE_RELEASE_H
#define ITS_ENGINE_RELEASE_H

#include "itsim/sim.h"

/* Non-zero when the release parameters are valid. */
int its__release_valid(const its_release *r);

/* Rate dF/dt of the non-burst part at t after administration. */
double its__release_rate(const its_release *r, double t);

/* Time after administration when release is complete (INFINITY for first
 * order and Weibull). */
double its__release_end(const its_release *r);

#endif
