/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim internal: the io layer's private header. Helpers shared by the
 * writers in src/io (the C locale while numbers are written), the gnuplot
 * figure scripts for run outputs (io/plot.c) and their renderer
 * (io/gnuplot_adapter.c, the only code that runs gnuplot).
 *
 * The scripts read the CSV files of an output directory (timeseries.csv,
 * clinical.csv, assessments.csv, adverse_events.csv, doses.csv and, for a
 * comparison, comparison.csv) by relative name, select columns by their
 * header names, and write NAME.png (pngcairo, 1200x900) and NAME.svg with
 * the same content when run as `gnuplot NAME.gp` in that directory. */
#ifndef ITS_IO_IO_H
#define ITS_IO_IO_H

#include <locale.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include "core/core.h"
#include "run/run.h"
#include "itsim/io.h"

/* Numbers are always written with a '.' decimal point: switch this thread
 * to the C locale while writing (thread-local, nothing global). */
typedef struct its__c_locale {
    locale_t c, old;
} its__c_locale;

void its__c_locale_enter(its__c_locale *g);
void its__c_locale_leave(its__c_locale *g);

/* A figure directory's temporary (DIR/.NAME.tmp.XXXXXX, flat): move every
 * file not starting with '.' into dir (rename; ITS_EIO with a message in
 * err naming the file that could not be moved), and remove the
 * temporary with whatever is left in it. */
its_status its__tmpdir_move_all(const char *tmp, const char *dir, char *err, size_t errlen);
void its__tmpdir_remove(const char *tmp);
/* One figure into dir: STEM.dat filled by dat and STEM.gp by gp (in the C
 * locale) in a temporary directory, rendered by gnuplot when render (a
 * missing or failing gnuplot is a note in note, not an error), then every
 * file moved into dir. ITS_OK, ITS_EIO or ITS_ENOMEM with a message in
 * err. stem: letters, digits and '_' (a constant of the caller). */
typedef void (*its__fig_fill)(const void *ctx, FILE *fp);
its_status its__figure_write(const char *dir, const char *stem, its__fig_fill dat,
                             its__fig_fill gp, const void *ctx, int render, char *note,
                             size_t notelen, char *err, size_t errlen);

/* output.c: JSON and CSV pieces shared by the writers. A JSON string in
 * double quotes (also valid YAML; control characters escaped, invalid UTF-8
 * bytes become U+FFFD); the shortest of %.15g..%.17g that reads back to
 * exactly x; a JSON number, null when x is not finite; a CSV field in
 * double quotes (quotes doubled, RFC 4180). Call in the C locale. */
void its__json_string(FILE *fp, const char *str);
void its__num_exact(FILE *fp, double x);
void its__json_num(FILE *fp, double x);
void its__csv_text(FILE *fp, const char *s);

/* load.c: a whole regular file into *buf (its__malloc'ed, caller frees);
 * ITS_EIO or ITS_ENOMEM with a message naming path. */
its_status its__io_read_file(const char *path, char **buf, size_t *len, char *msg,
                             size_t msglen);

/* The calibrated melanoma population the default trial takes its
 * population from (examples/trials/calibration/melanoma_calibrated.yaml,
 * embedded when itsim was built; generated/default_trial.c): static. */
const char *its__default_population_text(void);
#define ITS__DEFAULT_POPULATION_PATH "calibration/melanoma_calibrated.yaml"

/* trial_io.c: whether dir holds a trial store (DIR/trial.sqlite exists):
 * a run there resumes it. */
int its__has_store(const char *dir);

/* trial_io.c: create dir when missing (one level, mode 0777 & umask);
 * ITS_EIO with a message when it cannot be made or is not a directory. */
its_status its__make_dir(const char *dir, char *msg, size_t msglen);

/* trial_io.c: whether a drawn value of a trial is a scalar of the patient
 * (histograms, sensitivity inputs): the population's parameters, the
 * covariates and the numbers of lesions and their burden; not the
 * per-lesion values (NaN for absent lesions), categories (sex, sites) or
 * the draw number. */
int its__trial_value_scalar(const char *name);

/* trial_io.c: open the store of trial t in dir (resume: it must hold t,
 * identified by its text, overrides, itsim version and arm files;
 * timeseries: create the table). ITS_OK with *out (its__store_close), or
 * the store's status with the message on t. Tests read stores with it. */
struct its__store;
its_status its__trial_open_store(its_trial *t, const char *dir, int resume, int timeseries,
                                 struct its__store **out);

/* trial_out.c: the summary of a trial (docs/trial.md, "summary.json").
 * summary.json: trial_name and arm_ids[s->n_arms] (any text; escaped);
 * patients, accepted draws, all draws (accepted and refused; the
 * acceptance rate is accepted / draws) and failed rows; horizon in days; s from
 * its__trial_summarise. Rates are fractions, times days, NaN is null.
 * arms.csv: a header and one row per arm, the same values flattened
 * (NaN: empty field). Both switch to the C locale while writing. ITS_EINVAL
 * (message in msg) for NULL arguments, ITS_EIO when fp reports an error. */
its_status its__trial_write_summary_json(FILE *fp, const char *trial_name, size_t patients,
                                         size_t accepted, size_t draws, size_t failures,
                                         double horizon_days,
                                         const char *const *arm_ids,
                                         const its__trial_summary *s, char *msg, size_t msglen);
its_status its__trial_write_arms_csv(FILE *fp, const char *const *arm_ids,
                                     const its__trial_summary *s, char *msg, size_t msglen);
/* comparisons.csv: a header and one row per pair of arms (a, b), the
 * values of summary.json's "comparisons" flattened (NaN: empty field). */
its_status its__trial_write_comparisons_csv(FILE *fp, const char *const *arm_ids,
                                            const its__trial_summary *s, char *msg,
                                            size_t msglen);

/* ---- trial outcomes, figures (issue 11) ----------------------------------- */

/* The code of a best response as stored and written: CR, PR, SD (also for
 * NON-CR/NON-PD), PD or NE (sqlite_adapter.c). */
const char *its__response_code(its_response r);

/* dir/name written by fill into a temporary sibling (name.tmp.XXXXXX, mode
 * 0644) renamed onto dir/name once complete and flushed; nothing is left
 * behind on failure. ITS_EINVAL (too long a path), ITS_EIO (message in
 * msg) when the file cannot be created, written or renamed. */
typedef void (*its__file_fill_fn)(const void *ctx, FILE *fp);
its_status its__write_file_atomic(const char *dir, const char *name, its__file_fill_fn fill,
                                  const void *ctx, char *msg, size_t msglen);

/* trial_out.c: DIR/outcomes.csv (docs/trial.md, "Read-outs"), written
 * atomically: a header and one record per row in the order given, every
 * column of its__outcome (arm by arm_ids[row.arm]; status by symbolic name;
 * best response as its__response_code; NaN as an empty field; a worst grade
 * not graded as an empty field; text fields quoted per RFC 4180). The C
 * locale while writing. ITS_EINVAL for NULL arguments or an arm out of
 * range, ITS_EIO when the file cannot be written (message in msg). */
its_status its__trial_write_outcomes_csv(const char *dir, const char *const *arm_ids,
                                         size_t n_arms, const its__outcome *rows, size_t n,
                                         char *msg, size_t msglen);

/* plot_trial.c: the figures of a trial (docs/trial.md, "Figures"). */
typedef struct its__plot_param {
    const char *name;     /* any text (drawn as a quoted literal) */
    const char *unit;     /* NULL or "" for dimensionless */
    const double *values; /* n drawn values (its__store_values); NaN skipped */
    size_t n;
} its__plot_param;

#define ITS__PLOT_TRIAL_FIGS 5       /* trial_km, _waterfall, _swimmer, _spider, _parameters */
#define ITS__PLOT_TRIAL_MAX_PARAMS 36 /* histograms drawn (the first ones) */

typedef struct its__plot_trial_in {
    size_t n_arms;
    const char *const *arm_names;    /* display names, any text */
    const its__outcome *rows;        /* any order; failed rows are left out */
    size_t n_rows;
    const its__trial_summary *summary; /* medians in the KM legends; may be NULL */
    double horizon_days;             /* time axes, numbers at risk; <= 0: the longest OS */
    const its__plot_param *params;   /* histograms; none when n_params is 0 */
    size_t n_params;
    size_t sample_per_arm;           /* swimmer/spider: the first by patient id; 0:
                                        30 (<= 2 arms), else max(8, 60 / n_arms) */
    const char *gnuplot;             /* NULL: gnuplot on PATH */
    int render;                      /* 0: data and scripts only */
} its__plot_trial_in;

/* Writes into dir, for each figure NAME, NAME.dat (the numbers drawn; the
 * Kaplan-Meier figure also trial_km_risk.dat, the numbers at risk), NAME.gp
 * and, when rendered, NAME.png and NAME.svg. Everything is written into a
 * temporary directory inside dir (.trial_figures.tmp.XXXXXX), rendered
 * there and renamed into dir, and the temporary directory removed. Arm and
 * parameter names reach the scripts only as single-quoted literals. A
 * missing or failing gnuplot is a note (note, "" when none), not an error.
 * ITS_EINVAL (message in err) for bad arguments (no arm, NULL arrays, a row
 * naming an arm out of range), ITS_ENOMEM, ITS_EIO when a file cannot be
 * written or renamed. Switches to the C locale while writing. */
its_status its__plot_trial(const char *dir, const its__plot_trial_in *in, char *note,
                           size_t notelen, char *err, size_t errlen);

/* clinical_out.c: summary section and CSV writers. */
void its__clin_print(const its_result *res, FILE *fp);
void its__write_assessments(const its_result *res, FILE *fp);
void its__write_adverse(const its_result *res, FILE *fp);
void its__write_monitor(const its_result *res, FILE *fp);
void its__write_doses(const its_result *res, FILE *fp);

/* output.c: every file of a run into dir with names prefixed; a
 * directory written atomically (temporary sibling, renamed when complete)
 * by a fill callback. Errors go to err (ITS__ERRLEN bytes). */
typedef struct its__figs {
    its_output_opts *opts;           /* the caller's, or def */
    its_output_opts def;             /* defaults when the caller gave none */
    char (*names)[128];              /* scripts written */
    size_t n, cap;
} its__figs;
/* Set up figs for one write with room for cap scripts (o NULL: defaults;
 * o->note is cleared); ITS_ENOMEM with a message in err (ITS__ERRLEN
 * bytes, may be NULL). its__figs_end frees it. */
its_status its__figs_begin(its__figs *figs, its_output_opts *o, size_t cap, char *err);
void its__figs_end(its__figs *figs);
its_status its__write_run_files(const its_result *res, const char *tmp, const char *prefix,
                                mode_t *fmode, its__figs *figs, char *err);
/* Render the scripts in figs (if asked) and fill its options' note. A
 * failure of gnuplot is a note, not an error; ITS_ENOMEM (message in err)
 * when the library ran out of memory, else ITS_OK. */
its_status its__render_figs(const char *tmp, its__figs *figs, char *err);
/* Write dir with fill into a marked temporary sibling and rename it into
 * place (its_output_check first; stale temporaries removed); fill returns
 * ITS_ECANCELLED, or the write stops so, once o's cancel flag is set. */
typedef its_status (*its__fill_fn)(void *ctx, const char *tmp, mode_t *fmode, char *err);
its_status its__write_dir_atomic(const char *dir, const its_output_opts *o, its__fill_fn fill,
                                 void *ctx, char *err);
/* comparison.csv and summary.json of a comparison (arm files are
 * prefixed "ID."); results may be NULL for arms that did not run. */
its_status its__write_comparison_files(const its_result *const *res, const char *const *labels,
                                       const char *const *ids, size_t n, const char *tmp,
                                       char *err);

/* plot.c: s as a gnuplot single-quoted string literal (quotes doubled,
 * control characters as spaces; gnuplot expands neither `backquotes` nor
 * @macros in it) into buf of n bytes, truncated to fit; returns buf. */
const char *its__gp_quote(char *buf, size_t n, const char *s);
/* plot.c: opens the loop of a figure script that draws it twice, as
 * STEM.png (pngcairo) and STEM.svg, w x h pixels, font Sans at font_pt
 * points, each format from gnuplot's defaults ("reset"); the body follows
 * inside the loop and ends with "    set output\n}\n". stem: letters,
 * digits and '_', written as a file name literal; NULL: the script's
 * gnuplot variable `fig` names the files. */
void its__gp_formats(FILE *fp, const char *stem, int w, int h, int font_pt);
/* plot.c: "set encoding utf8", its__gp_formats at 900 x 520 and 10 points,
 * comma-separated data, and the title (a quoted gnuplot string,
 * its__gp_quote, or a constant single-quoted literal). */
void its__gp_png_svg_head(FILE *fp, const char *stem, const char *title);

/* Most scripts its__plot_run writes for one run. */
#define ITS__PLOT_RUN_MAX 6

/* Writes the figures of one run into dir; every file name starts with
 * prefix ("" for a single run, e.g. "hd_il2." for an arm of a comparison):
 * PREFIXtumour.gp, PREFIXimmune.gp, PREFIXcytokines.gp, PREFIXclones.gp,
 * PREFIXtoxicity.gp and PREFIXtoxicity_treatment.gp (immune, cytokines and
 * clones only when the model
 * declares states for them (its_model_def.shown: the figures pick states by
 * role and site, never by name); toxicity_treatment, the toxicity timeline zoomed
 * on the treatment period, only when that period is shorter than half the
 * run). A run that failed (res->status != ITS_OK) is drawn to its planned
 * end with the time after its last row shaded and marked "run stopped".
 * No text of the result reaches a script as gnuplot code: strings are
 * written as single-quoted literals, in which gnuplot expands neither
 * `backquotes` nor @macros; prefix (a file name) may hold only letters,
 * digits, '.', '_' and '-' (else ITS_EINVAL).
 * The scripts read PREFIXtimeseries.csv, PREFIXclinical.csv,
 * PREFIXassessments.csv and (when the run has doses) PREFIXdoses.csv, which
 * the caller writes (its__write_run_files) into the same directory.
 * Appends the names of the scripts written (without dir) to names[*n_names]
 * (each at most 127 chars; capacity max_names). Returns ITS_OK, or ITS_EIO
 * with a message in err (ITS_EINVAL for bad arguments: NULL pointers, too
 * long a name, too few free names). Writes nothing and returns ITS_OK for
 * results without clinical read-outs (res->plan.clin.on == 0). */
its_status its__plot_run(const its_result *res, const char *dir, const char *prefix,
                         char names[][128], size_t *n_names, size_t max_names,
                         char *err, size_t errlen);

/* The comparison figure over n arms: arm i's data files start with prefixes[i],
 * its display name is labels[i]. Writes prefix-free "comparison.gp" reading the
 * arms' PREFIXassessments.csv and PREFIXclinical.csv and "comparison.csv"
 * (one row per arm in arm order, written by the caller). Prefixes must be
 * safe as for its__plot_run; labels may hold any text. Arms without
 * clinical read-outs are left out of the curves; nothing is written (ITS_OK)
 * when no arm has them. Errors as for its__plot_run. */
its_status its__plot_comparison(const its_result *const *res, const char *const *labels,
                                const char *const *prefixes, size_t n, const char *dir,
                                char names[][128], size_t *n_names, size_t max_names,
                                char *err, size_t errlen);

/* Runs `program` (NULL: "gnuplot" found on PATH) on each script in dir, with
 * dir as the working directory (fork, chdir in the child, execvp; no shell).
 * stdin is /dev/null, stdout is discarded, stderr is captured. Returns 0 when
 * every script rendered (exit status 0), 1 when the program cannot be found
 * or executed (msg starts "gnuplot not found"), 2 when a script failed (msg
 * names the script and gnuplot's first error line) or could not be started
 * (fork, pipe, chdir into dir; msg says which), 3 when *cancel (polled
 * before each script when cancel is not NULL) became non-zero, 4 when out of
 * memory (before any script ran). Stops at the first failure. */
int its__gnuplot_render(const char *dir, char names[][128], size_t n, const char *program,
                        const volatile sig_atomic_t *cancel, char *msg, size_t msglen);

/* ---- calibration (calibrate.c, calibrate_out.c; docs/calibration.md) ---- */
#define ITS__CAL_MAX_ROUNDS 10
struct its__store;
/* A calibration in progress: the pools of the rounds so far (patients in
 * store order, round by round), their proposals and fits. */
typedef struct its__cal {
    its_trial *t;                   /* the calibration file */
    const its_model_def *m;
    const its__calib_spec *spec;
    const char *dir;
    size_t n, cap;                  /* pool patients */
    double *x;                      /* n x n_vary calibrated values */
    long *pat;                      /* their patient numbers (in their round) */
    int *round;                     /* their round */
    double *y[ITS__CALIB_MAX_TARGETS]; /* per target: each patient's value (NaN: none) */
    double *yflat;                  /* the same, n_targets x n, for the weighting */
    its__dist *prop;                /* (rounds + 1) x n_vary proposals */
    double draws[ITS__CAL_MAX_ROUNDS]; /* draws of each round */
    double theta[ITS__CAL_MAX_ROUNDS][2 * ITS__CALIB_MAX_VARY]; /* the fit after each round */
    double ess[ITS__CAL_MAX_ROUNDS], loss[ITS__CAL_MAX_ROUNDS];
    double est[ITS__CAL_MAX_ROUNDS][ITS__CALIB_MAX_TARGETS]; /* weighted pool estimates */
    double *hist;                   /* n_hist x 5: round, evaluation, start, loss, ESS */
    size_t n_hist, cap_hist;
    its__vpop v;                    /* the last fit's weighting */
} its__cal;

void its__cal_free(its__cal *c);
/* A trial of text (a calibration file's) with patients, seed and the
 * calibrated parameters drawn from theta (NULL: the file's priors); tag
 * and theta join its store identity. Message on c->t. */
its_status its__cal_trial(its__cal *c, const char *text, size_t len, long patients,
                          uint64_t seed, const double *theta, const char *tag, its_trial **out);
/* Append the patients of store (trial tr) to c's pool as round r. */
its_status its__cal_read_store(its__cal *c, its_trial *tr, struct its__store *store, int r,
                               double *draws);
/* calibrate_out.c: one line per round on log (may be NULL); the outputs
 * (calibrated.yaml, the validation trial, calibration.json, history.csv,
 * report.md and its figures). */
void its__cal_log_round(its__cal *c, int r, FILE *log);
/* Whether every calibrated prior is a one-line flow mapping that the
 * calibrated file can replace (ITS_EPARSE with FILE:LINE:COL on c->t). */
its_status its__cal_check_file(its__cal *c);
its_status its__cal_outputs(its__cal *c, const its_trial_opts *o, FILE *log);

#endif
