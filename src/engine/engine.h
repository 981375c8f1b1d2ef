/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the engine layer's private header (src/engine). What the
 * engine's files share besides the CVODE adapter (engine/cvode_adapter.h):
 * the release-law helpers (rate, end time, validation; the public
 * cumulative fraction is its_release_fraction in itsim/sim.h). */
#ifndef ITS_ENGINE_ENGINE_H
#define ITS_ENGINE_ENGINE_H

#include "core/core.h"
#include "model/model.h"
#include "itsim/sim.h"

/* Non-zero when the release parameters are valid. */
int its__release_valid(const its_release *r);

/* Rate dF/dt of the non-burst part at t after administration. */
double its__release_rate(const its_release *r, double t);

/* Time after administration when release is complete (INFINITY for first
 * order and Weibull). */
double its__release_end(const its_release *r);

/* Difference-quotient Jacobians by column groups over the model's structural
 * pattern (the default for models of >= 32 states without an analytic
 * Jacobian) or, with dense != 0, one quotient per column (as CVODE's dense
 * ones). Takes effect from the next run. For tests and benchmarks. */
void its__sim_set_dense_jacobian(its_sim *sim, int dense);

/* After an instant of doses where nothing changed (every dose held by the
 * gate, a rate of 0), the integration goes on without restarting CVODE
 * (on != 0, the default); 0 restarts it after every instant, as for a
 * change. For tests and benchmarks. */
void its__sim_set_resume(its_sim *sim, int on);

/* A place to keep a grown pre-treatment baseline (docs/engine.md,
 * "Pre-treatment history") that several handles share: runs of different
 * handles with the same model, parameters, targets, tolerances, floors and
 * method then grow it once (e.g. the arms of one trial patient, run one
 * after another by one thread). Not thread-safe: one per thread. create
 * returns NULL when out of memory; free accepts NULL. */
typedef struct its__hist_cache its__hist_cache;
its__hist_cache *its__hist_cache_create(void);
void its__hist_cache_free(its__hist_cache *c);

/* Use c (not owned; must outlive the handle's runs) instead of the handle's
 * own store; NULL goes back to the own. Sizes c for the model (the only
 * allocation). ITS_OK (also for a model without a history), ITS_EINVAL for
 * a NULL handle, ITS_ENOMEM. */
its_status its__sim_use_hist_cache(its_sim *sim, its__hist_cache *c);

/* The handle's CVODE adapter (engine/cvode_adapter.h), for white-box tests
 * of the structural pattern. */
struct its__cv *its__sim_cv(its_sim *sim);

#endif
