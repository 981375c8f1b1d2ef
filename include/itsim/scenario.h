/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: scenarios, the data model of a simulation request. A scenario
 * names a model, parameter and initial-value overrides with units, a
 * patient, a therapy schedule, clinical settings, arms and the horizon.
 * Reading one from YAML: itsim/io.h; running it: itsim/run.h. */
#ifndef ITSIM_SCENARIO_H
#define ITSIM_SCENARIO_H

#include <stddef.h>
#include "itsim/status.h"
#include "itsim/model.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

typedef struct its_scenario its_scenario;

/* Create an empty scenario. *out receives a handle owned by the caller
 * (its_scenario_free), NULL on failure. ITS_OK, ITS_EINVAL (NULL out) or
 * ITS_ENOMEM; the reason goes to msg, at most msglen bytes, always
 * terminated, "" on success; msg may be NULL. */
its_status its_scenario_create(its_scenario **out, char *msg, size_t msglen);
/* Free a scenario. Accepts NULL. */
void its_scenario_free(its_scenario *sc);

/* Last error on the scenario: "FILE:LINE:COLUMN: KEY: message" for errors
 * found in a file; "" after a success. Owned by the handle, valid until the
 * next call on it; a static text for NULL. */
const char *its_scenario_errmsg(const its_scenario *sc);

/* Warnings of the last load or override, one per line ("FILE:LINE:COL:
 * KEY: warning: ...\n"), "" if none: e.g. a dose more than
 * ITS_DOSE_LABEL_FACTOR times its agent's largest labelled dose. The
 * scenario still runs. Owned by the handle, valid until the next load or
 * override; "" for NULL. */
const char *its_scenario_warnings(const its_scenario *sc);

/* The files a scenario was read from: i = 0 is its own file (when loaded
 * with its_scenario_load_file), then the files of its arms, as opened.
 * NULL past the end. Owned by the scenario, valid until the next load or
 * its_scenario_free. Writers keep these safe
 * (its_output_opts.keep). */
const char *its_scenario_file(const its_scenario *sc, size_t i);

/* Command-line style overrides, applied after loading; the strings are
 * copied. Each returns ITS_OK or an error with the message in
 * its_scenario_errmsg (the scenario is then as before), and ITS_EINVAL for
 * NULL arguments.
 * its_scenario_set_model: ITS_ENOTFOUND for an unknown model (the message
 * lists the models), or the status of checking the scenario against the new
 * model; ITS_ENOMEM.
 * its_scenario_override: ITS_EPARSE for a malformed assignment,
 * ITS_ENOTFOUND for an unknown name, ITS_EUNIT / ITS_ERANGE / ITS_EPARSE
 * for a value that does not convert; ITS_ENOMEM.
 * its_scenario_set_until: the horizon in model time units; ITS_ERANGE when
 * not finite.
 * `assignment` is
 * "NAME=VALUE" with an optional unit in VALUE; NAME is a parameter or a
 * state (initial value), parameters first; the dotted forms
 * "parameters.NAME", "initial.NAME", "simulate.KEY", "clinical.KEY" and
 * "patient.KEY" (e.g.
 * "simulate.until=400 d") name one explicitly. its_scenario_set_model replaces the model (and
 * drops a file's model-specific settings only if the names no longer
 * exist, which is then an error at resolve time). */
its_status its_scenario_set_model(its_scenario *sc, const char *model);
its_status its_scenario_override(its_scenario *sc, const char *assignment);
its_status its_scenario_set_until(its_scenario *sc, double t_end);

/* The embedded default scenario (YAML text; static, never NULL, not to be
 * freed). */
const char *its_scenario_default_text(void);

/* Arms: a scenario with an `arms:` list compares treatments on the same
 * patient. Each arm runs the shared settings and therapy plus the therapy
 * and rules of its regimen or file. its_scenario_arm_count is 0 for a
 * plain scenario. Names and identifiers (for file names) are owned by the
 * scenario; NULL for a bad index.
 * Running an arm: its_scenario_run_arm (itsim/run.h). */
size_t its_scenario_arm_count(const its_scenario *sc);
const char *its_scenario_arm_name(const its_scenario *sc, size_t i);
const char *its_scenario_arm_id(const its_scenario *sc, size_t i);


ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
