/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: global sensitivity analysis and calibration of virtual
 * populations (io layer; docs/calibration.md).
 *
 * Sensitivity (LHS-PRCC; Marino et al. 2008, J Theor Biol 254:178): a
 * trial file whose population draws the parameters to screen, best with
 * `sampling: latin_hypercube`, is run as a trial; then the partial rank
 * correlation of every drawn scalar of a patient (population parameters,
 * covariates, number of lesions, tumour burden) with every read-out of
 * every arm (best change of the sum of diameters, objective response,
 * progression-free days, doses given, any grade >= 3 adverse event) is
 * computed over the patients (its_prcc, include/itsim/survival.h). */
#ifndef ITSIM_CALIBRATE_H
#define ITSIM_CALIBRATE_H

#include <stddef.h>
#include <stdio.h>
#include "itsim/status.h"
#include "itsim/trial.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

/* Run trial t into dir as its_trial_run does (o: the same options; NULL
 * the defaults; o->resume continues a killed analysis), then write
 * DIR/sensitivity.csv, DIR/sensitivity.json and the figure
 * DIR/sensitivity.png (.svg, .gp, .dat; a note in its_trial_note when
 * gnuplot is missing and o->figures is set) (docs/calibration.md,
 * "Sensitivity"). Each file is written to a temporary name and renamed
 * when complete. alpha (in (0, 1); e.g. 0.05) is the family-wise level: a
 * PRCC is marked significant when its p-value is below alpha divided by
 * the number of PRCCs computed (Bonferroni). ITS_OK; the statuses of
 * its_trial_run; ITS_ERANGE when the trial draws no scalar that varies or
 * has too few patients for the inputs (at least inputs + 3 complete
 * ones); ITS_EINVAL (NULL arguments, alpha outside (0, 1)). Message in
 * its_trial_errmsg. */
its_status its_sensitivity_run(its_trial *t, const char *dir, const its_trial_opts *o,
                               double alpha);

/* Print the analysis stored in dir (after its_sensitivity_run) to fp: for
 * each arm and read-out that varies, the `top` inputs (1 to 100) of
 * largest |PRCC| with their p-values, significant ones marked with '*'.
 * ITS_OK; ITS_EINVAL (NULL arguments, top out of range, dir without this
 * trial stored), ITS_EIO, ITS_ENOMEM; message in its_trial_errmsg. */
its_status its_sensitivity_print(its_trial *t, const char *dir, double alpha, size_t top,
                                 FILE *fp);

/* Calibrate the population of trial t, a trial file with a
 * `calibration:` section (docs/calibration.md), into dir: rounds of pools
 * (DIR/round_R, each a trial store: o->resume is implied, a killed
 * calibration continues where it stopped and gives the same result),
 * the prevalence-weighting fit after each round (NLopt), then
 * DIR/calibrated.yaml (the file with the calibrated parameters' priors
 * replaced by the fitted population: `itsim trial` reads it), the
 * validation trial DIR/validation (a fresh draw of calibration.validate
 * patients), DIR/calibration.json, DIR/history.csv, DIR/report.md and
 * its figures. o: threads, progress, cancel and figures as for
 * its_trial_run (NULL: defaults). log (may be NULL) gets one line per
 * round. Deterministic given the file and its seed. ITS_OK; ITS_EINVAL
 * (no calibration section, NULL arguments), ITS_ERANGE, ITS_ECANCELLED,
 * ITS_ESOLVER (the optimiser failed), the statuses of its_trial_run;
 * message in its_trial_errmsg. */
its_status its_calibrate_run(its_trial *t, const char *dir, const its_trial_opts *o,
                             FILE *log);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
