/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: reading scenarios from YAML (libyaml) and writing results:
 * output directories of CSV, JSON, resolved YAML and figures, and printed
 * summaries. */
#ifndef ITSIM_IO_H
#define ITSIM_IO_H

#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include "itsim/run.h"
#include "itsim/personalise.h"
#include "itsim/scenario.h"
#include "itsim/status.h"

#ifdef __cplusplus
extern "C" {
#endif
ITS_API_BEGIN

/* Load a scenario from a YAML file / from text (len bytes; `name` is used
 * in messages, NULL: "scenario"). Whatever sc held before is replaced; the
 * text and path are not kept (the scenario copies what it needs). Every
 * quantity is checked and converted to model units; names are checked
 * against the model. ITS_OK, or ITS_EIO, ITS_EPARSE, ITS_ENOTFOUND,
 * ITS_EUNIT, ITS_ERANGE, ITS_EINVAL (NULL argument) or ITS_ENOMEM, with
 * "FILE:LINE:COL: KEY: message" in its_scenario_errmsg; warnings in
 * its_scenario_warnings. */
its_status its_scenario_load_file(its_scenario *sc, const char *path);
its_status its_scenario_load_string(its_scenario *sc, const char *text,
                                    size_t len, const char *name);
/* A path that is not a regular file (a FIFO, directory or device) is
 * refused with ITS_EIO before anything is read from it, for the scenario
 * and for the files of its arms. */


/* Print a readable summary (model, horizon, doses, final and extreme
 * values of each state in model units, solver statistics) to fp (not
 * closed). ITS_OK; ITS_EINVAL for NULL arguments; ITS_EIO when fp reports
 * a write error (ferror). No message: res is not changed. */
its_status its_result_print_summary(const its_result *res, FILE *fp);

/* One compact table: best response, best change of the sum of diameters,
 * progression-free time, overall survival (in the model's time unit),
 * worst CTCAE grade, doses given and held, to fp (not closed). ITS_OK;
 * ITS_EINVAL for NULL arguments; ITS_EIO when fp reports a write error. No
 * message: c is not changed. */
its_status its_comparison_print_table(const its_comparison *c, FILE *fp);

/* How outputs are written. Figures are gnuplot scripts (with the CSV files
 * as their data) for models with clinical read-outs; rendering runs gnuplot
 * on them, in the temporary directory before it is renamed, for a PNG and an
 * SVG of each. A missing or failing gnuplot is not an error: `note` says
 * what happened and how to render the scripts by hand.
 *
 * Every output directory carries a mark file, ITS_OUTPUT_MARK, written
 * first. `overwrite` replaces only a directory with that mark and no
 * subdirectories, and never the working directory, a directory holding one
 * of the `keep` files, or an ancestor of either (compared by device and
 * inode after resolving links). While a directory is being written its
 * mark holds ITS_OUTPUT_MARK_PARTIAL, replaced by ITS_OUTPUT_MARK_DONE just
 * before the directory is put in place. Stale temporary directories
 * DIR.tmp.XXXXXX of an interrupted writer (killed before it could clean up)
 * are removed by the next write to DIR when their mark says partial and no
 * writer holds it; anything else (a finished output of that name included)
 * is left alone. */
#define ITS_OUTPUT_MARK ".itsim-output"
#define ITS_OUTPUT_MARK_DONE "itsim output directory: itsim may replace it (--force)\n"
#define ITS_OUTPUT_MARK_PARTIAL "itsim output being written (removed when stale)\n"
typedef struct its_output_opts {
    int overwrite;        /* replace a directory itsim wrote (--force) */
    int figures;          /* write the figure scripts (default 1) */
    int render;           /* render them with gnuplot (default 1) */
    const char *gnuplot;  /* program name or path; NULL: "gnuplot" on PATH */
    const char *const *keep; /* NULL-terminated list of input files that must
                                survive (e.g. its_scenario_file), or NULL */
    const volatile sig_atomic_t *cancel; /* polled between files and figures
                                when not NULL: once non-zero, writing stops,
                                the temporary directory is removed and
                                ITS_ECANCELLED is returned (set it from a
                                signal handler) */
    char note[512];       /* out: what happened to the figures ("" if none) */
} its_output_opts;

/* Defaults: no overwrite, figures written and rendered, gnuplot from PATH,
 * no keep list, no cancel flag, empty note (nothing for NULL). */
void its_output_opts_default(its_output_opts *o);

/* Check, without writing, that dir can take an output with these options
 * (NULL: defaults): it is missing, an empty directory, or (with overwrite) a
 * directory itsim wrote that may be replaced. ITS_OK, or ITS_EIO /
 * ITS_EINVAL with a message naming dir in msg (msglen bytes). The writers
 * make the same check. */
its_status its_output_check(const char *dir, const its_output_opts *o, char *msg,
                            size_t msglen);

/* The writers below take a const handle, yet each records its error on
 * it: it clears the handle's last error first and leaves the reason there
 * on failure (its_result_errmsg, its_comparison_errmsg). That error buffer
 * is the only thing they change. So do not write the same result or
 * comparison (or read its errmsg) from two threads at once; different
 * handles may be written in parallel. dir is a path (not kept). Statuses:
 * ITS_OK; ITS_EINVAL for a NULL handle or dir; ITS_EIO when dir may not be
 * taken (its_output_check) or a file cannot be written; ITS_ENOMEM;
 * ITS_ECANCELLED (below). On any error nothing is left behind and an
 * existing dir is unchanged. */

/* Write a result's files into dir as its_result_write_dir does, with the
 * options (NULL: defaults; o->note is filled in). ITS_ECANCELLED when
 * o->cancel was set (nothing is left behind). */
its_status its_result_write(const its_result *res, const char *dir, its_output_opts *o);

/* Write timeseries.csv, summary.json and scenario.resolved.yaml into dir
 * (and, for models with observables, the clinical files and the figure
 * scripts, not rendered: its_result_write with render = 0).
 * Files are written into a temporary sibling directory which is renamed to
 * dir only when complete; on any error nothing is left behind. An existing
 * non-empty dir is an error unless overwrite is non-zero and dir may be
 * replaced (its_output_opts), in which case it is replaced only after the
 * new one is complete. */
its_status its_result_write_dir(const its_result *res, const char *dir,
                                int overwrite);
/* Write every arm's files prefixed "ID." plus comparison.csv and
 * summary.json into dir, atomically as its_result_write_dir (figure
 * scripts not rendered). Like the result writers, these record their error
 * on the handle (see above). */
its_status its_comparison_write_dir(const its_comparison *c, const char *dir, int overwrite);
/* The same with output options (NULL: defaults; figures include
 * comparison.gp); o->note is filled in. */
its_status its_comparison_write(const its_comparison *c, const char *dir, its_output_opts *o);

/* Version of libyaml in use ("0.2.5"). Static string, never NULL. */
const char *its_yaml_version(void);

/* Write the fit into dir (docs/personalise.md, "Outputs"): posterior.csv
 * (every kept draw of every chain, in the parameters' units, with its log
 * posterior), diagnostics.json, ppc.csv (each measurement's posterior
 * predictive quantiles and PIT) and, unless o->figures is 0, the figures
 * ppc_diameters and trace (gnuplot scripts, rendered when o->render). The
 * directory is written atomically, as its_output_check allows (o NULL:
 * defaults; o->note says what happened to the figures). ITS_OK; ITS_EIO,
 * ITS_EINVAL, ITS_ECANCELLED, ITS_ENOMEM with the reason in msg.
 * Implemented by the io layer. */
its_status its_fit_write(const its_fit *f, const char *dir, its_output_opts *o, char *msg,
                         size_t msglen);
/* The fit's files and, when c is not NULL, the choice's: summary.json
 * (the ranked "options", best first: treatment, dose, regimen,
 * p_response, p_grade3plus and pfs_median_days as {value, ci_low,
 * ci_high}, rmst_pfs_days, feasible, calibrated, ...) and option_K/ for the
 * top candidates (trajectories.csv, toxicity.csv, regimen.yaml and their
 * figures). As its_fit_write otherwise. */
its_status its_personalise_write(const its_fit *f, const its_choice *c, const char *dir,
                                 its_output_opts *o, char *msg, size_t msglen);

/* The validation study of personalised treatment (docs/personalise.md,
 * "Validation"): synthetic patients drawn from the template record's prior
 * (same lesions, dates, treatments and decision; readings from the error
 * models), each fitted and given the choice, compared with its truth. */
typedef struct its_validate_opts {
    long patients;          /* default 100 */
    uint64_t seed;          /* of the truths and their readings (default 1) */
    its_fit_opts fit;       /* the fit of each patient (0: the template's) */
    its_choice_opts choice; /* the choice (only: the candidates compared) */
    FILE *progress;         /* a line per patient, or NULL */
    const volatile sig_atomic_t *cancel; /* polled between patients */
    int figures;            /* 1 (default): validation_coverage and
                               validation_ranks (.dat, .gp) */
    int render;             /* 1 (default): the figures' PNG and SVG by
                               gnuplot (missing gnuplot: a note, not an
                               error) */
} its_validate_opts;
void its_validate_opts_default(its_validate_opts *o);
/* Run the study into dir (created if missing): DIR/patient_NNNNNN.tsv per
 * patient, written when it is done; a patient whose file is complete is
 * not computed again, so a killed study continues with the same results
 * (only with the same template and options). Then DIR/validation.json:
 * per variable the coverage of the 90 % credible interval and the
 * chi-square p of the truth's ranks among the kept draws (10 bins); the
 * share of candidates whose 90 % predictive interval of PFS held the true
 * PFS; the Brier score of P(response); the regret of the choice against
 * the best feasible candidate, with the population's best candidate and a
 * random feasible one as references; each coverage's 95 % Clopper-Pearson
 * interval and the band a correct posterior's coverage falls in with
 * probability 0.95. With figures, DIR/validation_coverage.* (coverage per
 * variable, its interval, the band) and DIR/validation_ranks.* (the
 * truths' ranks pooled over the variables, 10 bins). Printed to out (may
 * be NULL). ITS_OK;
 * ITS_EIO, ITS_EINVAL, ITS_ECANCELLED, ITS_ENOMEM, or a patient's failure,
 * with msg. */
its_status its_personalise_validate(const its_record *tmpl, const char *dir,
                                    const its_validate_opts *o, FILE *out, char *msg,
                                    size_t msglen);

ITS_API_END
#ifdef __cplusplus
}
#endif
#endif
