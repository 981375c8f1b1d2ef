/* itsim: scenario files (YAML, read with libyaml) and run outputs.
 * A scenario names a model, parameter and initial-value overrides with
 * units, a therapy schedule, and the simulation horizon; running it gives a
 * result that can be printed or written to an output directory. */
#ifndef ITSIM_SCENARIO_H
#define ITSIM_SCENARIO_H

#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include "itsim/clinical.h"
#include "itsim/status.h"
#include "itsim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct its_scenario its_scenario;
typedef struct its_result its_result;

/* Create an empty scenario. ITS_OK or ITS_ENOMEM; *out NULL on failure. */
its_status its_scenario_create(its_scenario **out);
/* Free a scenario. Accepts NULL. */
void its_scenario_free(its_scenario *sc);

/* Last error on the scenario: "FILE:LINE:COLUMN: KEY: message" for errors
 * found in a file. Owned by the handle. */
const char *its_scenario_errmsg(const its_scenario *sc);

/* Warnings of the last load or override, one per line ("FILE:LINE:COL:
 * KEY: warning: ...\n"), "" if none: e.g. a dose more than
 * ITS_DOSE_LABEL_FACTOR times its agent's largest labelled dose. The
 * scenario still runs. Owned by the handle. */
const char *its_scenario_warnings(const its_scenario *sc);

/* Load a scenario from a YAML file / from text (`name` is used in messages).
 * Every quantity is checked and converted to model units; names are checked
 * against the model. ITS_EIO, ITS_EPARSE, ITS_ENOTFOUND, ITS_EUNIT,
 * ITS_ERANGE, ITS_EINVAL (NULL argument) or ITS_ENOMEM on error, with the
 * position in its_scenario_errmsg. */
its_status its_scenario_load_file(its_scenario *sc, const char *path);
its_status its_scenario_load_string(its_scenario *sc, const char *text,
                                    size_t len, const char *name);
/* A path that is not a regular file (a FIFO, directory or device) is
 * refused with ITS_EIO before anything is read from it, for the scenario
 * and for the files of its arms. */

/* The files a scenario was read from: i = 0 is its own file (when loaded
 * with its_scenario_load_file), then the files of its arms, as opened.
 * NULL past the end. Owned by the scenario. Writers keep these safe
 * (its_output_opts.keep). */
const char *its_scenario_file(const its_scenario *sc, size_t i);

/* Command-line style overrides, applied after loading. `assignment` is
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

/* The embedded default scenario (YAML text, static). */
const char *its_scenario_default_text(void);

/* Arms: a scenario with an `arms:` list compares treatments on the same
 * patient. Each arm runs the shared settings and therapy plus the therapy
 * and rules of its regimen or file. its_scenario_arm_count is 0 for a
 * plain scenario. Names and identifiers (for file names) are owned by the
 * scenario; NULL for a bad index. its_scenario_run_arm is
 * its_scenario_run for arm i (same statuses; the message names the arm). */
size_t its_scenario_arm_count(const its_scenario *sc);
const char *its_scenario_arm_name(const its_scenario *sc, size_t i);
const char *its_scenario_arm_id(const its_scenario *sc, size_t i);
its_status its_scenario_run_arm(its_scenario *sc, size_t i, its_result **out);

/* Check everything and run the scenario (ITS_EINVAL for a scenario with
 * arms). *out receives a result owned by the
 * caller (its_result_free). On a solver failure (ITS_ESOLVER) *out still
 * receives the partial result up to the failure, whose summary and output
 * files record the status; on any other error *out is NULL. */
its_status its_scenario_run(its_scenario *sc, its_result **out);

void its_result_free(its_result *res);

/* Clinical read-outs of a run (models with observables; docs/clinical.md):
 * RECIST endpoints, the worst CTCAE grade of each term, death, survival and
 * what happened to the doses. Times are in model units from the start. */
typedef struct its_clinical_summary {
    int available;                  /* 0: the model has no observables */
    int recist_available;           /* lesions were assessed */
    its_recist_endpoints recist;
    size_t n_assessments;
    int worst_grade[ITS_AE_NTERMS]; /* -1: term not graded for this model */
    int worst_any;                  /* highest grade over all terms */
    its_ae_term worst_term;         /* its term (first if tied) */
    double death;                   /* time of death, NaN if alive at the end */
    int death_cause;                /* 0 alive, 1 disease (lethal tumour
                                       burden), 2 treatment (grade-5 event) */
    its_ae_term death_term;         /* for cause 2 */
    double os;                      /* overall survival: death or end (censored) */
    int os_event;
    size_t doses_planned;           /* scheduled administrations */
    size_t doses_given;             /* given in full */
    size_t doses_reduced;           /* given at a reduced fraction */
    size_t doses_held;              /* held or stopped by a rule, or after
                                       progression (stop_at_progression) */
    size_t doses_after_progression; /* of those, held after progression */
    size_t doses_not_reached;       /* after death or the end of the run */
} its_clinical_summary;

its_status its_result_clinical(const its_result *res, its_clinical_summary *s);
/* The evaluators behind the summary (per-assessment detail, AE episodes),
 * owned by the result; NULL when not available. */
const its_recist *its_result_recist(const its_result *res);
const its_ctcae *its_result_ctcae(const its_result *res);

/* Solver statistics of the run (its_stats; t_reached is where the run
 * ended: the horizon, the time of death, or where the solver gave up).
 * ITS_EINVAL for NULL arguments. */
its_status its_result_stats(const its_result *res, its_stats *stats);

/* Print a readable summary (model, horizon, doses, final and extreme
 * values of each state, solver statistics). */
its_status its_result_print_summary(const its_result *res, FILE *fp);

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

void its_output_opts_default(its_output_opts *o);

/* Check, without writing, that dir can take an output with these options
 * (NULL: defaults): it is missing, an empty directory, or (with overwrite) a
 * directory itsim wrote that may be replaced. ITS_OK, or ITS_EIO /
 * ITS_EINVAL with a message naming dir in msg (msglen bytes). The writers
 * make the same check. */
its_status its_output_check(const char *dir, const its_output_opts *o, char *msg,
                            size_t msglen);

/* Write a result's files into dir as its_result_write_dir does, with the
 * options (NULL: defaults). o->note is filled in. ITS_ECANCELLED when
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
const char *its_result_errmsg(const its_result *res);

/* ---- comparisons ------------------------------------------------------------

 * The arms of a scenario run side by side on the same patient (a plain
 * scenario is one arm). The default `itsim run` is such a comparison. */
typedef struct its_comparison its_comparison;

/* Run every arm (in parallel when built with OpenMP; results do not depend
 * on the number of threads). *out receives the comparison (caller frees)
 * unless the status is ITS_ENOMEM or the arguments are NULL (ITS_EINVAL);
 * when an arm fails, the others still run and the first failure is
 * returned with its message in its_comparison_errmsg (ITS_ESOLVER: the
 * arm's partial result is kept; other failures: the arm has no result). */
its_status its_comparison_run(its_scenario *sc, its_comparison **out);
void its_comparison_free(its_comparison *c);
size_t its_comparison_count(const its_comparison *c);
/* Arm label (as written), identifier (file-name prefix) and result (NULL
 * if the arm could not run); owned by the comparison. */
const char *its_comparison_label(const its_comparison *c, size_t i);
const char *its_comparison_id(const its_comparison *c, size_t i);
const its_result *its_comparison_result(const its_comparison *c, size_t i);

/* One compact table: best response, best change of the sum of diameters,
 * progression-free time, overall survival, worst CTCAE grade, doses given
 * and held. ITS_EIO on a write error. */
its_status its_comparison_print_table(const its_comparison *c, FILE *fp);

/* Write every arm's files prefixed "ID." plus comparison.csv and
 * summary.json into dir, atomically as its_result_write_dir. Like the
 * result writers, these record their error on the handle: do not write the
 * same comparison (or result) from two threads at once. */
its_status its_comparison_write_dir(const its_comparison *c, const char *dir, int overwrite);
/* The same with output options (NULL: defaults; figures include
 * comparison.gp); o->note is filled in. */
its_status its_comparison_write(const its_comparison *c, const char *dir, its_output_opts *o);
const char *its_comparison_errmsg(const its_comparison *c);

#ifdef __cplusplus
}
#endif
#endif
