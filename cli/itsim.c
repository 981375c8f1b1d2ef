/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim command-line tool: run scenarios, list and describe models, run the
 * validation checks. Uses only the public API (itsim/itsim.h). */
#include "itsim/itsim.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE 2   /* bad command line or bad input */
#define EXIT_RUN 1     /* the simulation itself failed */

/* The commands and their help: `itsim help` prints them all, `itsim CMD
 * --help` (or `itsim help CMD`) the one. */
static const struct {
    const char *name, *text;
} commands[] = {
    {"run",
     "  run [SCENARIO] [options]  run a scenario file (default: the built-in\n"
     "                            comparison of untreated, HD IL-2, HD IFN-alpha,\n"
     "                            GM-CSF, anti-PD-1 and dacarbazine on the default\n"
     "                            melanoma patient of tme; docs/clinical.md)\n"
     "      -o, --output DIR      also write timeseries.csv, summary.json,\n"
     "                            scenario.resolved.yaml, the clinical read-outs\n"
     "                            and the figures (gnuplot scripts, PNG, SVG)\n"
     "      --force               replace DIR if itsim wrote it (never the working\n"
     "                            directory or one holding an input file)\n"
     "      --no-render           write the figure scripts without running gnuplot\n"
     "      --model NAME          use this model instead of the file's (without a\n"
     "                            file: its defaults, untreated, over its default\n"
     "                            horizon: a year for tme, else 100 time units)\n"
     "      --set NAME=VALUE      override a parameter or initial value\n"
     "                            (VALUE may carry a unit: --set V=200 mm3)\n"
     "      --until T             end time (e.g. 90 d; bare = model time unit)\n"
     "      --regimen NAME        run a named regimen on tme (itsim regimens)\n"
     "      --threads N           run the arms of a comparison on N threads\n"
     "                            (default 0: OpenMP's default; results do not\n"
     "                            depend on N)\n"
     "                            SIGINT, SIGTERM or SIGHUP stop the run and leave\n"
     "                            no partial output (exit status 128 + signal)\n"},
    {"trial",
     "  trial [FILE] [options]    run a virtual clinical trial (default: the\n"
     "                            built-in melanoma trial of untreated vs HD IL-2\n"
     "                            vs anti-PD-1, examples/trials/; docs/trial.md)\n"
     "      -o, --output DIR      where the trial is stored (DIR/trial.sqlite) and\n"
     "                            its read-outs written (default: itsim-trial)\n"
     "      --resume              continue the trial stored in DIR (after a crash,\n"
     "                            kill -9 or a signal); the outcomes equal those of\n"
     "                            an uninterrupted run\n"
     "      --threads N           patients on N threads (default 0: OpenMP's\n"
     "                            default; results do not depend on N)\n"
     "      --patients N          override the file's number of patients\n"
     "      --seed S              override the file's seed (0 to 2^64-1)\n"
     "      --batch N             patients per thread and commit to the store\n"
     "                            (default 16; an interruption loses at most\n"
     "                            this many per thread)\n"
     "      --timeseries          also store each run's observables on the output\n"
     "                            grid (simulate.output_every) in DIR/trial.sqlite\n"
     "      --no-figures          write no figures\n"
     "      --quiet               no progress on stderr\n"
     "                            SIGINT, SIGTERM or SIGHUP stop the trial after\n"
     "                            the patients in progress; --resume continues\n"
     "                            mpirun -np R itsim trial ...: the patients are\n"
     "                            spread over R ranks (machines); rank 0 writes DIR\n"},
    {"sensitivity",
     "  sensitivity FILE [opts]   global sensitivity analysis of a trial file\n"
     "                            (LHS-PRCC, Marino et al. 2008): runs the trial,\n"
     "                            then the partial rank correlation of every drawn\n"
     "                            input with every arm's read-outs\n"
     "                            (docs/calibration.md, \"Sensitivity\")\n"
     "      -o, --output DIR      the trial and DIR/sensitivity.csv, .json and\n"
     "                            the figure sensitivity.png (default:\n"
     "                            itsim-sensitivity)\n"
     "      --alpha A             family-wise level of the significance marks\n"
     "                            (Bonferroni; default 0.05)\n"
     "      --top N               inputs printed per read-out (default 5)\n"
     "      --resume, --threads, --patients, --seed, --batch, --no-figures,\n"
     "      --quiet               as for trial\n"},
    {"calibrate",
     "  calibrate FILE [opts]     calibrate the population of a trial file with a\n"
     "                            calibration: section to published targets\n"
     "                            (prevalence weighting with NLopt), write the\n"
     "                            calibrated file, validate it in a fresh trial and\n"
     "                            report (docs/calibration.md)\n"
     "      -o, --output DIR      rounds, calibrated.yaml, validation/, report.md,\n"
     "                            calibration.json (default: itsim-calibration);\n"
     "                            a killed calibration continues in the same DIR\n"
     "      --threads, --seed, --batch, --no-figures, --quiet   as for trial\n"},
    {"personalise", "  personalise FILE [opts]   fit a patient record (docs/personalise.md): the\n"
                    "                            posterior of the patient's parameters with the\n"
                    "                            record's prior population, by MCMC; then every\n"
                    "                            candidate treatment over the posterior, its dose\n"
                    "                            optimised (NLopt) under the bound on P(grade >= 3),\n"
                    "                            ranked (DIR/summary.json)\n"
                    "      -o, --output DIR      summary.json, posterior.csv, diagnostics.json,\n"
                    "                            ppc.csv, option_K_* files and the figures\n"
                    "      --check               only read the record and print its timeline\n"
                    "      --fit-only            the fit without the choice\n"
                    "      --validate N          the validation study: N synthetic patients of\n"
                    "                            this record's design (drawn from its prior, with\n"
                    "                            --seed), each fitted and given the choice; DIR\n"
                    "                            keeps one file per patient (a killed study\n"
                    "                            continues) and validation.json\n"
                    "      --objective response|pfs, --max-grade3 P   override the record's decision:\n"
                    "      --candidates ID,...   only these candidates (ids in docs/personalise.md)\n"
                    "      --top N               candidates with trajectories (default 3)\n"
                    "      --max-evals N         NLopt evaluations per candidate (default 8)\n"
                    "      --chains, --iterations, --warmup, --draws, --seed N\n"
                    "                            override the record's fit: settings\n"
                    "      --sampler elliptical|metropolis   the MCMC transition (default\n"
                    "                            elliptical slice sampling)\n"
                    "      --threads N           chains at once (results do not depend on N)\n"
                    "      --force, --no-figures, --no-render, --quiet   as for run/trial\n"},
    {"models", "  models                    list the built-in models\n"},
    {"agents", "  agents                    list the therapeutic agents with PK and sources\n"},
    {"carriers", "  carriers [NAME]           list the delivery systems (carrier: NAME) with\n"
                 "                            release law, values and sources\n"},
    {"regimens", "  regimens                  list the named clinical regimens\n"},
    {"model", "  model NAME                describe a model: states, inputs, parameters\n"},
    {"validate", "  validate                  run the published-outcome checks\n"},
    {"version", "  version                   print the versions of itsim and its libraries\n"},
    {"help", "  help [COMMAND]            print this help, or a command's\n"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])
static const char exit_text[] =
    "\nexit status: 0 success, 1 solver failure or failed check, 2 bad input\n";

/* The help of one command (cmd NULL: all) on fp. */
static void print_usage(FILE *fp, const char *cmd)
{
    size_t i;
    if (cmd)
        fprintf(fp, "usage: itsim %s%s\n\n", cmd, strcmp(cmd, "run") == 0 ? " [SCENARIO] [options]"
                                                  : strcmp(cmd, "trial") == 0 ? " [FILE] [options]"
                                                  : strcmp(cmd, "sensitivity") == 0 ? " FILE [options]"
                                                  : strcmp(cmd, "calibrate") == 0 ? " FILE [options]"
                                                  : strcmp(cmd, "personalise") == 0 ? " FILE [options]"
                                                  : strcmp(cmd, "model") == 0 ? " NAME" : "");
    else
        fputs("usage: itsim COMMAND [ARGS]\n\ncommands:\n", fp);
    for (i = 0; i < N_COMMANDS; i++)
        if (!cmd || strcmp(cmd, commands[i].name) == 0)
            fputs(commands[i].text, fp);
    fputs(exit_text, fp);
}

static int is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

/* "itsim: PRE ARG POST" and the usage on stderr. */
static int usage_error(const char *pre, const char *arg, const char *post)
{
    fprintf(stderr, "itsim: %s%s%s\n", pre, arg, post);
    print_usage(stderr, NULL);
    return EXIT_USAGE;
}

static int exit_code(its_status st)
{
    switch (st) {
    case ITS_ESOLVER:
    case ITS_ECALLBACK:
    case ITS_ENOMEM:
        return EXIT_RUN;
    default:
        return EXIT_USAGE;
    }
}

/* Whether every arm of c has a result: the arms' failures are then their
 * simulations' (exit 1), not input errors. */
static int ran_all(const its_comparison *c)
{
    size_t i;
    for (i = 0; i < its_comparison_count(c); i++)
        if (its_comparison_result(c, i) == NULL)
            return 0;
    return 1;
}

/* The message for --until goes through the simulate.until override. */
static void print_scenario_error(const its_scenario *sc)
{
    const char *msg = its_scenario_errmsg(sc);
    const char *pfx = "--set: simulate.until: ";
    if (strncmp(msg, pfx, strlen(pfx)) == 0)
        fprintf(stderr, "itsim: --until: %s\n", msg + strlen(pfx));
    else
        fprintf(stderr, "itsim: %s\n", msg);
}

/* ---- signals: SIGINT, SIGTERM and SIGHUP during `itsim run` ----------------
 * While nothing is being written (loading, running) there is nothing to
 * clean up: the handler ends the process at once with the signal's default
 * action. While output is written, it only sets the flag that the library
 * polls (its_output_opts.cancel): the writer stops at the next file or
 * figure and removes its temporary directory, and then the process ends
 * with the signal (exit status 128 + signal in the shell). */
static volatile sig_atomic_t g_signal;  /* the signal received, 0 if none */
static volatile sig_atomic_t g_writing; /* output is being written */

static void on_signal(int sig)
{
    /* a second signal while the first is being honoured (a long patient
     * still running) ends the process at once */
    const int again = g_signal != 0;
    g_signal = sig;
    if (!g_writing || again) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

static void install_handlers(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    size_t i;
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa, old;
        /* a signal ignored by whoever started us (nohup) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(sigs[i], &sa, NULL);
    }
}

static its_output_opts output_opts(int force, int render, const char *const *keep)
{
    its_output_opts o;
    its_output_opts_default(&o);
    o.overwrite = force;
    o.render = render;
    o.keep = keep;
    o.cancel = &g_signal;
    return o;
}

/* The figures note with DIR replaced by the output directory. */
static void print_note(const char *note, const char *outdir)
{
    const char *p = strstr(note, "DIR");
    if (!*note)
        return;
    if (p)
        fprintf(stderr, "itsim: %.*s%s%s\n", (int)(p - note), note, outdir, p + 3);
    else
        fprintf(stderr, "itsim: %s\n", note);
}

/* After a write (status wst, message errmsg): end the process with the
 * signal that arrived meanwhile, else report; returns the exit status
 * (rc, or EXIT_USAGE for a failed write after a good run). */
static int write_done(its_status wst, const char *errmsg, const char *outdir,
                      const its_output_opts *o, int rc)
{
    int sig;
    g_writing = 0;
    sig = g_signal;
    if (sig) {
        fprintf(stderr, "itsim: stopped by %s; %s %s\n",
                sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP", outdir,
                wst == ITS_OK ? "was complete and is kept" : "not written");
        fflush(NULL);
        signal(sig, SIG_DFL);
        raise(sig);
        exit(128 + sig);
    }
    if (wst != ITS_OK) {
        fprintf(stderr, "itsim: %s\n", errmsg);
        return rc ? rc : EXIT_USAGE;
    }
    fprintf(stderr, "itsim: wrote %s\n", outdir);
    print_note(o->note, outdir);
    return rc;
}

/* A scenario with arms: run them all, print one table, write the files. */
static int run_comparison(its_scenario *sc, int threads, const char *outdir,
                          its_output_opts *o)
{
    its_comparison *c = NULL;
    its_status st = its_comparison_run(sc, threads, &c);
    int rc = 0;
    if (!c) {
        print_scenario_error(sc);
        return exit_code(st);
    }
    if (st != ITS_OK) {
        fprintf(stderr, "itsim: %s\n", its_comparison_errmsg(c));
        rc = ran_all(c) ? EXIT_RUN : exit_code(st);
    }
    its_comparison_print_table(c, stdout);
    fflush(stdout);
    if (outdir) {
        its_status wst;
        g_writing = 1;
        wst = its_comparison_write(c, outdir, o);
        rc = write_done(wst, its_comparison_errmsg(c), outdir, o, rc);
    } else {
        fprintf(stderr, "itsim: give -o DIR to write every arm's files and the figures\n");
    }
    its_comparison_free(c);
    return rc;
}

/* A scenario without arms: print the summary, write the files. */
static int run_single(its_scenario *sc, const char *outdir, its_output_opts *o)
{
    its_result *res = NULL;
    int rc = 0;
    its_status st = its_scenario_run(sc, &res);
    if (!res) {
        print_scenario_error(sc);
        return exit_code(st);
    }
    its_result_print_summary(res, stdout);
    fflush(stdout);
    if (st != ITS_OK) {
        /* a result exists: the simulation ran (or its baseline could not
         * be grown) and failed; input errors return no result */
        fprintf(stderr, "itsim: %s\n", its_scenario_errmsg(sc));
        rc = EXIT_RUN;
    }
    if (outdir) {
        its_status wst;
        g_writing = 1;
        wst = its_result_write(res, outdir, o);
        rc = write_done(wst, its_result_errmsg(res), outdir, o, rc);
    }
    its_result_free(res);
    return rc;
}

/* The options of `itsim run`. */
typedef struct run_args {
    const char *file, *outdir, *model, *until, *regimen;
    int force, render;
    int threads;         /* --threads: 0 for OpenMP's default */
    int n_set;
    const char **sets;   /* argc + 1 entries */
} run_args;

/* A thread count: a whole number in [0, 4096] written in decimal digits
 * only. 0 on success. */
static int parse_threads(const char *v, int *out)
{
    long n = 0;
    const char *c;
    if (*v == '\0' || strlen(v) > 4)
        return -1;
    for (c = v; *c; c++) {
        if (*c < '0' || *c > '9')
            return -1;
        n = 10 * n + (*c - '0');
    }
    if (n > 4096)
        return -1;
    *out = (int)n;
    return 0;
}

/* Parses argv into a (a->sets allocated by the caller). Returns -1 to go
 * on, else the exit code (0 after --help). */
static int parse_run_args(int argc, char **argv, run_args *a)
{
    int i;
    for (i = 0; i < argc; i++) {
        const char *o = argv[i];
        if (is_help(o)) {
            print_usage(stdout, "run");
            return 0;
        } else if (strcmp(o, "--force") == 0) {
            a->force = 1;
        } else if (strcmp(o, "--no-render") == 0) {
            a->render = 0;
        } else if (strcmp(o, "--threads") == 0 || strncmp(o, "--threads=", 10) == 0) {
            const char *v = o[9] == '=' ? o + 10 : (i + 1 < argc ? argv[++i] : NULL);
            if (v == NULL)
                return usage_error("option ", o, " needs a value");
            if (parse_threads(v, &a->threads) != 0)
                return usage_error("--threads needs a whole number from 0 to 4096, not '", v, "'");
        } else if (strcmp(o, "--regimen") == 0) {
            if (i + 1 >= argc)
                return usage_error("option ", o, " needs a value");
            a->regimen = argv[++i];
        } else if (strcmp(o, "-o") == 0 || strcmp(o, "--output") == 0 ||
                   strcmp(o, "--model") == 0 || strcmp(o, "--set") == 0 ||
                   strcmp(o, "--until") == 0) {
            if (i + 1 >= argc)
                return usage_error("option ", o, " needs a value");
            if (o[1] == 'o' || o[2] == 'o')
                a->outdir = argv[++i];
            else if (o[2] == 'm')
                a->model = argv[++i];
            else if (o[2] == 's')
                a->sets[a->n_set++] = argv[++i];
            else
                a->until = argv[++i];
        } else if (strncmp(o, "--output=", 9) == 0) {
            a->outdir = o + 9;
        } else if (strncmp(o, "--model=", 8) == 0) {
            a->model = o + 8;
        } else if (strncmp(o, "--set=", 6) == 0) {
            a->sets[a->n_set++] = o + 6;
        } else if (strncmp(o, "--until=", 8) == 0) {
            a->until = o + 8;
        } else if (o[0] == '-' && o[1] != '\0') {
            return usage_error("unknown option '", o, "'");
        } else if (!a->file) {
            a->file = o;
        } else {
            return usage_error("more than one scenario file ('", o, "')");
        }
    }
    if (a->outdir && !*a->outdir)
        return usage_error("empty output directory name", "", "");
    return -1;
}

/* Loads the scenario the options name into sc and applies --model, --set
 * and --until. */
static its_status load_run_scenario(its_scenario *sc, const run_args *a)
{
    its_status st;
    int i;
    if (a->regimen) {
        const its_regimen *r = its_regimen_find(a->regimen);
        st = its_scenario_load_string(sc, r->scenario, strlen(r->scenario), r->name);
    } else if (a->file) {
        st = its_scenario_load_file(sc, a->file);
    } else if (a->model) {
        /* --model without a file: the model's own defaults, untreated, over
         * the model's default horizon (100 time units if it has none)
         * unless --until says otherwise. */
        const its_model_def *md = its_model_find(a->model);
        char bare[64];
        snprintf(bare, sizeof bare, "simulate: {until: %.17g}\n",
                 md != NULL && md->default_until > 0.0 ? md->default_until : 100.0);
        st = its_scenario_load_string(sc, bare, strlen(bare), "<model defaults>");
    } else {
        const char *text = its_scenario_default_text();
        st = its_scenario_load_string(sc, text, strlen(text),
                                      "<default scenario>");
    }
    if (st == ITS_OK && a->model)
        st = its_scenario_set_model(sc, a->model);
    for (i = 0; st == ITS_OK && i < a->n_set; i++)
        st = its_scenario_override(sc, a->sets[i]);
    if (st == ITS_OK && a->until) {
        char *buf = malloc(strlen(a->until) + 16);
        if (!buf) {
            st = ITS_ENOMEM;
        } else {
            sprintf(buf, "simulate.until=%s", a->until);
            st = its_scenario_override(sc, buf);
            free(buf);
        }
    }
    return st;
}

/* Checks the output directory (before a possibly long run), then runs the
 * comparison or the single scenario. */
static int run_checked(its_scenario *sc, const run_args *a)
{
    const char **keep;
    size_t n_keep, i;
    char msg[1100];
    its_output_opts o;
    int rc;
    for (n_keep = 0; its_scenario_file(sc, n_keep); n_keep++)
        ;
    keep = calloc(n_keep + 1, sizeof *keep);
    if (!keep) {
        fprintf(stderr, "itsim: out of memory\n");
        return EXIT_RUN;
    }
    for (i = 0; i < n_keep; i++)
        keep[i] = its_scenario_file(sc, i);
    o = output_opts(a->force, a->render, keep);
    if (a->outdir && its_output_check(a->outdir, &o, msg, sizeof msg) != ITS_OK) {
        fprintf(stderr, "itsim: %s\n", msg);
        rc = EXIT_USAGE;
    } else if (its_scenario_arm_count(sc) > 0) {
        rc = run_comparison(sc, a->threads, a->outdir, &o);
    } else {
        rc = run_single(sc, a->outdir, &o);
    }
    free(keep);
    return rc;
}

static int cmd_run(int argc, char **argv)
{
    run_args a;
    int rc;
    its_scenario *sc = NULL;
    its_status st;
    char msg[256];

    memset(&a, 0, sizeof a);
    a.render = 1;
    a.sets = calloc((size_t)argc + 1, sizeof *a.sets);
    if (!a.sets) {
        fprintf(stderr, "itsim: out of memory\n");
        return EXIT_RUN;
    }
    rc = parse_run_args(argc, argv, &a);
    if (rc >= 0) {
        free(a.sets);
        return rc;
    }
    install_handlers();

    st = its_scenario_create(&sc, msg, sizeof msg);
    if (st != ITS_OK) {
        fprintf(stderr, "itsim: %s\n", msg);
        free(a.sets);
        return EXIT_RUN;
    }
    if (a.regimen && a.file) {
        its_scenario_free(sc);
        free(a.sets);
        return usage_error("give a scenario file or --regimen, not both", "", "");
    }
    if (a.regimen && !its_regimen_find(a.regimen)) {
        fprintf(stderr, "itsim: --regimen: unknown regimen '%s' (see `itsim regimens`)\n",
                a.regimen);
        its_scenario_free(sc);
        free(a.sets);
        return EXIT_USAGE;
    }
    st = load_run_scenario(sc, &a);
    if (st != ITS_OK) {
        print_scenario_error(sc);
        its_scenario_free(sc);
        free(a.sets);
        return exit_code(st);
    }
    {   /* warnings (a dose far above its label): printed, the run goes on */
        const char *w = its_scenario_warnings(sc), *nl;
        for (; *w && (nl = strchr(w, '\n')) != NULL; w = nl + 1)
            fprintf(stderr, "itsim: %.*s\n", (int)(nl - w), w);
    }
    rc = run_checked(sc, &a);
    its_scenario_free(sc);
    free(a.sets);
    return rc;
}

/* ---- itsim trial -------------------------------------------------------------- */

typedef struct trial_args {
    const char *cmd; /* "trial" or "sensitivity" */
    const char *file, *outdir, *patients, *seed, *batch, *alpha, *top;
    int resume, quiet, figures, threads, timeseries;
} trial_args;

/* A whole number in [lo, hi] in decimal digits only; 0 on success. */
static int parse_whole(const char *v, unsigned long long hi, unsigned long long lo,
                       unsigned long long *out)
{
    unsigned long long n = 0;
    const char *c;
    if (*v == '\0' || strlen(v) > 20)
        return -1;
    for (c = v; *c; c++) {
        unsigned d;
        if (*c < '0' || *c > '9')
            return -1;
        d = (unsigned)(*c - '0');
        if (n > (hi - d) / 10)
            return -1;
        n = 10 * n + d;
    }
    if (n < lo)
        return -1;
    *out = n;
    return 0;
}

static int parse_trial_args(int argc, char **argv, trial_args *a)
{
    int i;
    for (i = 0; i < argc; i++) {
        const char *o = argv[i];
        const char **slot = NULL;
        if (is_help(o)) {
            print_usage(stdout, a->cmd);
            return 0;
        } else if (strcmp(o, "--resume") == 0) {
            a->resume = 1;
        } else if (strcmp(o, "--quiet") == 0 || strcmp(o, "-q") == 0) {
            a->quiet = 1;
        } else if (strcmp(o, "--no-figures") == 0) {
            a->figures = 0;
        } else if (strcmp(o, "--timeseries") == 0) {
            a->timeseries = 1;
        } else if (strcmp(o, "-o") == 0 || strcmp(o, "--output") == 0) {
            slot = &a->outdir;
        } else if (strcmp(o, "--patients") == 0) {
            slot = &a->patients;
        } else if (strcmp(o, "--seed") == 0) {
            slot = &a->seed;
        } else if (strcmp(o, "--batch") == 0) {
            slot = &a->batch;
        } else if (strcmp(o, "--alpha") == 0 && strcmp(a->cmd, "sensitivity") == 0) {
            slot = &a->alpha;
        } else if (strcmp(o, "--top") == 0 && strcmp(a->cmd, "sensitivity") == 0) {
            slot = &a->top;
        } else if (strcmp(o, "--threads") == 0) {
            if (i + 1 >= argc)
                return usage_error("option ", o, " needs a value");
            if (parse_threads(argv[++i], &a->threads) != 0)
                return usage_error("--threads needs a whole number from 0 to 4096, not '",
                                   argv[i], "'");
        } else if (o[0] == '-' && o[1] != '\0') {
            return usage_error("unknown option '", o, "'");
        } else if (!a->file) {
            a->file = o;
        } else {
            return usage_error("more than one trial file ('", o, "')");
        }
        if (slot) {
            if (i + 1 >= argc)
                return usage_error("option ", o, " needs a value");
            *slot = argv[++i];
        }
    }
    if (a->outdir && !*a->outdir)
        return usage_error("empty output directory name", "", "");
    if (!a->file && strcmp(a->cmd, "trial") != 0)
        return usage_error(a->cmd, " needs a trial file", "");
    return -1;
}

/* Progress on a terminal: done/total, rate, ETA, failures (one line,
 * rewritten). */
typedef struct progress_state {
    int show;                 /* a terminal and not --quiet */
    its_trial_progress last;  /* the last report */
} progress_state;

static void trial_progress(const its_trial_progress *p, void *user)
{
    progress_state *ps = user;
    const double ran = (double)(p->done - p->resumed);
    const double rate = p->elapsed_s > 0.0 ? ran / p->elapsed_s : 0.0;
    const double eta = rate > 0.0 ? (double)(p->total - p->done) / rate : (double)NAN;
    ps->last = *p;
    if (!ps->show)
        return;
    fprintf(stderr, "\ritsim: %ld/%ld patients, %.2f/s, ETA %s%.0f s, %ld failed runs   ",
            p->done, p->total, rate, isfinite(eta) ? "" : "? ", isfinite(eta) ? eta : 0.0,
            p->failures);
    if (p->done == p->total)
        fputc('\n', stderr);
    fflush(stderr);
}

/* Apply --patients and --seed; an exit status or -1 to go on. */
static int trial_overrides(its_trial *t, const trial_args *a)
{
    unsigned long long v;
    if (a->patients) {
        if (parse_whole(a->patients, 10000000ULL, 1ULL, &v) != 0)
            return usage_error("--patients needs a whole number from 1 to 10000000, not '",
                               a->patients, "'");
        if (its_trial_set_patients(t, (long)v) != ITS_OK)
            return usage_error("--patients: ", its_trial_errmsg(t), "");
    }
    if (a->seed) {
        if (parse_whole(a->seed, 18446744073709551615ULL, 0ULL, &v) != 0)
            return usage_error("--seed needs a whole number from 0 to 18446744073709551615, "
                               "not '", a->seed, "'");
        if (its_trial_set_seed(t, (uint64_t)v) != ITS_OK)
            return usage_error("--seed: ", its_trial_errmsg(t), "");
    }
    if (a->batch) {
        if (parse_whole(a->batch, 100000ULL, 1ULL, &v) != 0)
            return usage_error("--batch needs a whole number from 1 to 100000, not '",
                               a->batch, "'");
    }
    return -1;
}

static int g_mpi_synced; /* every rank went through its_trial_run */

/* The targets table of DIR/report.md on stdout (after a calibration). */
static its_status print_targets(const char *dir)
{
    char path[4200], line[4096];
    int on = 0;
    FILE *fp;
    snprintf(path, sizeof path, "%s/report.md", dir);
    if ((fp = fopen(path, "r")) == NULL)
        return ITS_EIO;
    while (fgets(line, sizeof line, fp) != NULL) {
        if (strncmp(line, "## ", 3) == 0)
            on = strcmp(line, "## Targets\n") == 0;
        else if (on && line[0] != '!')
            fputs(line, stdout);
    }
    fclose(fp);
    printf("report: %s\n", path);
    return ITS_OK;
}

/* --alpha and --top of sensitivity; an exit status or -1 to go on. */
static int sensitivity_args(const trial_args *a, double *alpha, size_t *top)
{
    unsigned long long v;
    char *end = NULL;
    *alpha = 0.05;
    *top = 5;
    if (a->alpha) {
        errno = 0;
        *alpha = strtod(a->alpha, &end);
        if (errno || end == a->alpha || *end || !(*alpha > 0.0 && *alpha < 1.0))
            return usage_error("--alpha needs a number between 0 and 1, not '", a->alpha, "'");
    }
    if (a->top) {
        if (parse_whole(a->top, 100ULL, 1ULL, &v) != 0)
            return usage_error("--top needs a whole number from 1 to 100, not '", a->top, "'");
        *top = (size_t)v;
    }
    return -1;
}

static int cmd_trial(const char *cmd, int argc, char **argv)
{
    trial_args a;
    const int sens = strcmp(cmd, "sensitivity") == 0, calib = strcmp(cmd, "calibrate") == 0;
    double alpha;
    size_t top;
    its_trial *t = NULL;
    its_trial_opts o;
    progress_state ps;
    its_status st;
    char msg[1200];
    const char *dir;
    int rc, tty = isatty(2);
    double t0;

    memset(&a, 0, sizeof a);
    a.cmd = cmd;
    a.figures = 1;
    rc = parse_trial_args(argc, argv, &a);
    if (rc < 0)
        rc = sensitivity_args(&a, &alpha, &top);
    if (rc < 0 && calib && a.patients)
        rc = usage_error("--patients: calibrate takes its pool size from calibration.pool and "
                         "the validation's from calibration.validate", "", "");
    if (rc >= 0)
        return rc;
    install_handlers();
    if (a.file)
        st = its_trial_load_file(a.file, &t, msg, sizeof msg);
    else
        st = its_trial_load_default(&t, msg, sizeof msg);
    if (st != ITS_OK) {
        fprintf(stderr, "itsim: %s\n", msg);
        return exit_code(st);
    }
    rc = trial_overrides(t, &a);
    if (rc >= 0) {
        its_trial_free(t);
        return rc;
    }
    dir = a.outdir ? a.outdir : sens ? "itsim-sensitivity" : calib ? "itsim-calibration"
                                                                    : "itsim-trial";
    its_trial_opts_default(&o);
    o.threads = a.threads;
    o.resume = a.resume;
    o.figures = a.figures;
    o.batch = a.batch ? atoi(a.batch) : 0;
    o.timeseries = a.timeseries;
    o.cancel = &g_signal;
    memset(&ps, 0, sizeof ps);
    ps.show = tty && !a.quiet; /* under MPI only rank 0 stores, so reports */
    o.progress = trial_progress;
    o.user = &ps;
    g_writing = 1; /* signals stop the trial between patients */
    t0 = (double)clock();
    st = sens    ? its_sensitivity_run(t, dir, &o, alpha)
         : calib ? its_calibrate_run(t, dir, &o, a.quiet ? NULL : stderr)
                 : its_trial_run(t, dir, &o);
    g_writing = 0;
    g_mpi_synced = 1;
    if (g_signal) {
        if (its_mpi_rank() == 0)
            fprintf(stderr, "\nitsim: stopped by %s; the patients finished are kept in %s "
                        "(continue with --resume)\n",
                g_signal == SIGINT ? "SIGINT" : g_signal == SIGTERM ? "SIGTERM" : "SIGHUP", dir);
        its_trial_free(t);
        fflush(NULL);
        signal(g_signal, SIG_DFL);
        raise(g_signal);
        exit(128 + g_signal);
    }
    if (st != ITS_OK) {
        if (its_mpi_rank() == 0) /* MPI: rank 0 has every rank's failure */
            fprintf(stderr, "itsim: %s\n", its_trial_errmsg(t)[0] ? its_trial_errmsg(t)
                                                                    : its_strerror(st));
        its_trial_free(t);
        return exit_code(st);
    }
    if (its_mpi_rank() > 0) { /* MPI: rank 0 writes and prints */
        its_trial_free(t);
        return 0;
    }
    if (its_trial_note(t)[0])
        fprintf(stderr, "itsim: %s\n", its_trial_note(t));
    st = sens    ? its_sensitivity_print(t, dir, alpha, top, stdout)
         : calib ? print_targets(dir)
                 : its_trial_print_summary(t, dir, stdout);
    fflush(stdout);
    if (st != ITS_OK)
        fprintf(stderr, "itsim: %s\n", its_trial_errmsg(t));
    else if (!tty && !a.quiet)
        fprintf(stderr, "itsim: trial of %ld patients (%ld resumed, %ld failed runs) in %s, "
                        "CPU %.1f s\n", its_trial_patients(t), ps.last.resumed,
                ps.last.failures, dir, ((double)clock() - t0) / CLOCKS_PER_SEC);
    else if (!a.quiet)
        fprintf(stderr, "itsim: wrote %s\n", dir);
    its_trial_free(t);
    return st == ITS_OK ? 0 : exit_code(st);
}

static int cmd_models(void)
{
    size_t i, n = its_model_count();
    printf("%-16s %6s %6s %6s  %s\n", "model", "states", "params", "inputs",
           "title");
    for (i = 0; i < n; i++) {
        const its_model_def *m = its_model_at(i);
        printf("%-16s %6zu %6zu %6zu  %s\n", m->name, m->n_states, m->n_params,
               m->n_inputs, m->title);
    }
    return 0;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/* `itsim regimens`: the named regimens. */
static int cmd_regimens(void)
{
    size_t i;
    for (i = 0; i < its_regimen_count(); i++) {
        const its_regimen *r = its_regimen_at(i);
        printf("%-14s %s\n%-14s [%s]\n", r->name, r->title, "", r->source);
    }
    printf("\nrun one with: itsim run --regimen NAME (files in examples/regimens/)\n");
    return 0;
}

/* `itsim personalise FILE [--check | -o DIR] [options]`: read a patient
 * record; --check prints its timeline, else the fit (docs/personalise.md). */
typedef struct pers_args {
    const char *file, *outdir;
    int check, force, figures, render, quiet, threads, fit_only;
    long validate;          /* synthetic patients of a validation study, 0: none */
    its_fit_opts fo;
    its_choice_opts co;
} pers_args;

/* --objective, --max-grade3, --candidates, --top, --max-evals into co; -1
 * to go on, else the exit code. */
static int pers_choice_opt(const char *o, const char *v, its_choice_opts *co)
{
    unsigned long long n;
    if (strcmp(o, "--objective") == 0) {
        if (strcmp(v, "response") != 0 && strcmp(v, "pfs") != 0)
            return usage_error("--objective is response or pfs, not '", v, "'");
        co->objective = strcmp(v, "pfs") == 0;
    } else if (strcmp(o, "--max-grade3") == 0) {
        double x;
        if (its_quantity_parse(v, "1", &x, NULL, 0) != ITS_OK || !(x > 0.0 && x <= 1.0))
            return usage_error("--max-grade3 needs a probability above 0 and at most 1 (0.3 or "
                               "30 %), not '", v, "'");
        co->max_grade3 = x;
    } else if (strcmp(o, "--candidates") == 0) {
        co->only = v;
    } else {
        const int top = strcmp(o, "--top") == 0;
        if (parse_whole(v, top ? 15 : 100, top ? 1 : 0, &n) != 0) {
            fprintf(stderr, "itsim: %s needs a whole number from %d to %d, not '%s'\n", o,
                    top ? 1 : 0, top ? 15 : 100, v);
            return EXIT_USAGE;
        }
        if (top)
            co->top = (size_t)n;
        else
            co->max_evals = (long)n;
    }
    return -1;
}

/* One numeric option of personalise into fo; -1 to go on, else the exit
 * code. */
static int pers_number(const char *o, const char *v, its_fit_opts *fo)
{
    unsigned long long n;
    static const struct {
        const char *name;
        unsigned long long lo, hi;
    } lim[] = {{"--chains", 1, 64}, {"--iterations", 100, 100000000ULL},
               {"--warmup", 1, 100000000ULL}, {"--draws", 1, 100000},
               {"--seed", 0, 18446744073709551615ULL}};
    size_t k;
    for (k = 0; k < sizeof lim / sizeof lim[0] && strcmp(o, lim[k].name) != 0; k++)
        ;
    if (k == sizeof lim / sizeof lim[0])
        return usage_error("unknown option '", o, "'");
    if (parse_whole(v, lim[k].hi, lim[k].lo, &n) != 0) {
        fprintf(stderr, "itsim: %s needs a whole number from %llu to %llu, not '%s'\n", o,
                lim[k].lo, lim[k].hi, v);
        return EXIT_USAGE;
    }
    if (k == 0)
        fo->chains = (long)n;
    else if (k == 1)
        fo->iterations = (long)n;
    else if (k == 2)
        fo->warmup = (long)n;
    else if (k == 3)
        fo->draws = (long)n;
    else {
        fo->has_seed = 1;
        fo->seed = n;
    }
    return -1;
}

static int parse_pers_args(int argc, char **argv, pers_args *a)
{
    int i, rc;
    for (i = 0; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--check") == 0) {
            a->check = 1;
        } else if (strcmp(o, "--force") == 0) {
            a->force = 1;
        } else if (strcmp(o, "--no-figures") == 0) {
            a->figures = 0;
        } else if (strcmp(o, "--no-render") == 0) {
            a->render = 0;
        } else if (strcmp(o, "--quiet") == 0) {
            a->quiet = 1;
        } else if (strcmp(o, "--fit-only") == 0) {
            a->fit_only = 1;
        } else if (strcmp(o, "--sampler") == 0) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (strcmp(v, its_fit_sampler_name(ITS_SAMPLER_ELLIPTICAL)) == 0)
                a->fo.sampler = ITS_SAMPLER_ELLIPTICAL;
            else if (strcmp(v, its_fit_sampler_name(ITS_SAMPLER_METROPOLIS)) == 0)
                a->fo.sampler = ITS_SAMPLER_METROPOLIS;
            else
                return usage_error("--sampler needs elliptical or metropolis, not '", v, "'");
        } else if (strcmp(o, "--validate") == 0) {
            unsigned long long n;
            if (i + 1 >= argc)
                return usage_error("option ", o, " needs a value");
            if (parse_whole(argv[++i], 100000, 1, &n) != 0)
                return usage_error("--validate needs a whole number of patients from 1 to "
                                   "100000, not '", argv[i], "'");
            a->validate = (long)n;
        } else if (strcmp(o, "--objective") == 0 || strcmp(o, "--max-grade3") == 0 ||
                   strcmp(o, "--candidates") == 0 || strcmp(o, "--top") == 0 ||
                   strcmp(o, "--max-evals") == 0) {
            if (i + 1 >= argc)
                return usage_error("option ", o, " needs a value");
            if ((rc = pers_choice_opt(o, argv[++i], &a->co)) >= 0)
                return rc;
        } else if (strcmp(o, "-o") == 0 || strcmp(o, "--output") == 0 ||
                   strcmp(o, "--threads") == 0 || strcmp(o, "--chains") == 0 ||
                   strcmp(o, "--iterations") == 0 || strcmp(o, "--warmup") == 0 ||
                   strcmp(o, "--draws") == 0 || strcmp(o, "--seed") == 0) {
            const char *v = i + 1 < argc ? argv[++i] : NULL;
            if (v == NULL)
                return usage_error("option ", o, " needs a value");
            if (o[1] == 'o' || strcmp(o, "--output") == 0)
                a->outdir = v;
            else if (strcmp(o, "--threads") == 0) {
                if (parse_threads(v, &a->threads) != 0)
                    return usage_error("--threads needs a whole number from 0 to 4096, not '", v,
                                       "'");
            } else if ((rc = pers_number(o, v, &a->fo)) >= 0)
                return rc;
        } else if (o[0] == '-' && o[1] != '\0') {
            return usage_error("unknown option '", o, "'");
        } else if (a->file) {
            return usage_error("more than one patient record ('", o, "')");
        } else {
            a->file = o;
        }
    }
    if (!a->file)
        return usage_error("personalise needs a patient record file", "", "");
    if (!a->check && !a->outdir)
        return usage_error("personalise needs -o DIR (the fit's outputs) or --check", "", "");
    if (a->outdir && !*a->outdir)
        return usage_error("empty output directory name", "", "");
    return -1;
}

/* The fit of a record and its outputs. */
static int personalise_fit(const pers_args *a, its_record *r)
{
    const char *keep[3] = {a->file, NULL, NULL};
    its_output_opts oo = output_opts(a->force, a->render, keep);
    its_fit_opts fo = a->fo;
    its_fit *f = NULL;
    its_choice *c = NULL;
    its_status choice_st = ITS_OK;
    char msg[2048];
    its_status st;
    oo.figures = a->figures;
    if (its_output_check(a->outdir, &oo, msg, sizeof msg) != ITS_OK) {
        fprintf(stderr, "itsim: %s\n", msg);
        return EXIT_USAGE;
    }
    if (!a->fit_only && its_choice_opts_check(&a->co, msg, sizeof msg) != ITS_OK) {
        fprintf(stderr, "itsim: %s\n", msg);
        return EXIT_USAGE;
    }
    fo.threads = a->threads;
    fo.progress = a->quiet ? NULL : stderr;
    st = its_fit_run(r, &fo, &f, msg, sizeof msg);
    if (st != ITS_OK) {
        fprintf(stderr, "itsim: %s: %s\n", a->file, msg);
        return exit_code(st);
    }
    its_fit_print(f, stdout);
    if (!a->fit_only) {
        its_choice_opts co = a->co;
        co.threads = a->threads;
        co.progress = a->quiet ? NULL : stderr;
        st = its_choose(f, &co, &c, msg, sizeof msg);
        if (st != ITS_OK) /* the fit is written all the same */
            fprintf(stderr, "itsim: %s: the choice failed: %s\n", a->file, msg);
        else
            its_choice_print(c, stdout);
        choice_st = st;
    }
    g_writing = 1;
    st = its_personalise_write(f, c, a->outdir, &oo, msg, sizeof msg);
    g_writing = 0;
    its_choice_free(c);
    its_fit_free(f);
    if (st != ITS_OK) {
        fprintf(stderr, "itsim: %s\n", msg);
        return g_signal ? 128 + (int)g_signal : exit_code(st);
    }
    if (!a->quiet)
        fprintf(stderr, "itsim: wrote %s%s\n", a->outdir,
                choice_st == ITS_OK ? "" : " (the fit only)");
    print_note(oo.note, a->outdir);
    return choice_st == ITS_OK ? 0 : exit_code(choice_st);
}

/* The validation study on synthetic patients of the record's design. */
static int personalise_validate(const pers_args *a, its_record *r)
{
    its_validate_opts vo;
    char msg[2048];
    its_status st;
    its_validate_opts_default(&vo);
    vo.patients = a->validate;
    vo.seed = a->fo.has_seed ? a->fo.seed : 1;
    vo.fit = a->fo;
    vo.fit.has_seed = 0; /* --seed is the study's; each fit keeps the record's */
    vo.fit.threads = a->threads;
    vo.choice = a->co;
    vo.choice.threads = a->threads;
    vo.choice.top = 1;
    vo.progress = a->quiet ? NULL : stderr;
    vo.cancel = &g_signal;
    vo.figures = a->figures;
    vo.render = a->render;
    if (its_choice_opts_check(&a->co, msg, sizeof msg) != ITS_OK) {
        fprintf(stderr, "itsim: %s\n", msg);
        return EXIT_USAGE;
    }
    g_writing = 1; /* a signal stops the study between patients */
    st = its_personalise_validate(r, a->outdir, &vo, stdout, msg, sizeof msg);
    g_writing = 0;
    if (st != ITS_OK) {
        fprintf(stderr, "itsim: %s: %s\n", a->file, msg);
        return g_signal ? 128 + (int)g_signal : exit_code(st);
    }
    if (!a->quiet)
        fprintf(stderr, "itsim: wrote %s/validation.json\n", a->outdir);
    return 0;
}

static int cmd_personalise(int argc, char **argv)
{
    pers_args a;
    char msg[2048];
    its_record *r = NULL;
    its_status st;
    int rc;
    memset(&a, 0, sizeof a);
    a.figures = a.render = 1;
    its_fit_opts_default(&a.fo);
    its_choice_opts_default(&a.co);
    if ((rc = parse_pers_args(argc, argv, &a)) >= 0)
        return rc;
    st = its_record_load_file(a.file, &r, msg, sizeof msg);
    if (st != ITS_OK) {
        fprintf(stderr, "itsim: %s\n", msg);
        return exit_code(st);
    }
    if (a.check) {
        st = its_record_print_timeline(r, stdout);
        if (st != ITS_OK)
            fprintf(stderr, "itsim: %s: cannot print the timeline (%s)\n", a.file,
                    its_status_name(st));
        rc = st == ITS_OK ? 0 : exit_code(st);
    } else if (a.validate > 0) {
        install_handlers();
        rc = personalise_validate(&a, r);
    } else {
        install_handlers();
        rc = personalise_fit(&a, r);
    }
    its_record_free(r);
    return rc;
}

/* `itsim carriers [NAME]`: every carrier (or one) with its law, values,
 * yields and sources. */
static int cmd_carriers(const char *name)
{
    static const char *const laws[] = {"zero_order", "first_order", "higuchi", "peppas",
                                       "weibull"};
    size_t i, j;
    if (name != NULL && its_carrier_find(name) == NULL) {
        fprintf(stderr, "itsim: unknown carrier '%s' (itsim carriers lists them)\n", name);
        return EXIT_USAGE;
    }
    for (i = 0; i < its_carrier_count(); i++) {
        const its_carrier *c = its_carrier_at(i);
        if (name != NULL && strcmp(name, c->name) != 0)
            continue;
        printf("%s: %s\n  routes %s; law %s; measured with %s\n", c->name, c->title, c->routes,
               c->has_law ? laws[c->law] : "the item's (none of its own)",
               c->measured_with ? c->measured_with : "no payload");
        for (j = 0; j < c->n_params; j++)
            printf("  %-17s %10g %-4s %s [%s]\n", c->params[j].name, c->params[j].value,
                   c->params[j].unit, c->params[j].description, c->params[j].source);
        for (j = 0; j < c->n_yields; j++)
            printf("  yield %-11s %10g %-4s active share of the loaded dose [%s]\n",
                   c->yields[j].substance, c->yields[j].fraction, "1", c->yields[j].source);
        if (c->action)
            printf("  action: %s\n", c->action);
        printf("  notes: %s\n\n", c->notes);
    }
    printf("use one with: {agent: ..., route: it|sc|iv, dose: ..., carrier: NAME}; the item's\n"
           "release keys win over the carrier's (docs/scenario.md, \"Delivery systems\")\n");
    return 0;
}

/* `itsim agents`: every agent with its identity and PK parameters. */
static int cmd_agents(void)
{
    size_t i, j;
    for (i = 0; i < its_agent_count(); i++) {
        const its_agent *a = its_agent_at(i);
        printf("%s: %s\n  kind %s; substance %s; PK: %s\n", a->name, a->title, a->kind,
               a->substance, a->pk_model);
        printf("  MW %g g/mol", a->mw);
        if (a->iu_per_mg > 0.0)
            printf("; %g IU/mg", a->iu_per_mg);
        printf(" [%s]\n", a->identity_source);
        for (j = 0; j < a->n_params; j++)
            printf("  %-14s %12g %-12s %s [%s]\n", a->params[j].name, a->params[j].value,
                   a->params[j].unit, a->params[j].description, a->params[j].source);
        printf("\n");
    }
    return 0;
}

static int cmd_model(const char *name)
{
    const its_model_def *m = its_model_find(name);
    size_t i, k;
    if (!m) {
        char names[512];
        its_model_names(names, sizeof names);
        fprintf(stderr, "itsim: unknown model '%s' (models: %s)\n", name, names);
        return EXIT_USAGE;
    }
    printf("%s: %s\n\n", m->name, or_empty(m->title));
    printf("reference: %s\n", or_empty(m->reference));
    printf("time unit: %s\n", or_empty(m->time_unit));
    if (m->notes && *m->notes)
        printf("notes:     %s\n", m->notes);
    if (m->history != NULL)
        printf("history:   %s; baseline targets: %s (simulate: {history: false} to start "
               "from the initial values; docs/engine.md)\n",
               or_empty(m->history->description), or_empty(m->history->targets));
    printf("\nstates:\n  %-16s %-12s %14s  %s\n", "name", "unit", "initial",
           "description");
    for (i = 0; i < m->n_states; i++)
        printf("  %-16s %-12s %14.6g  %s\n", m->states[i].name,
               m->states[i].unit, m->states[i].initial,
               or_empty(m->states[i].description));
    printf("\ninputs:\n  %-16s %-16s %-12s  %s\n", "name", "target", "unit",
           "description");
    for (i = 0; i < m->n_inputs; i++)
        printf("  %-16s %-16s %-12s  %s\n", m->inputs[i].name,
               m->inputs[i].state, m->inputs[i].unit,
               or_empty(m->inputs[i].description));
    if (m->n_observables > 0) {
        printf("\nobservables (clinical read-outs, rules; docs/clinical.md):\n  %-16s %-12s  %s\n",
               "name", "unit", "definition");
        for (i = 0; i < m->n_observables; i++)
            printf("  %-16s %-12s  %s\n", m->observables[i].name, m->observables[i].unit,
                   or_empty(m->observables[i].description));
    }
    printf("\nparameters:\n  %-16s %14s %-14s %-20s %s\n", "name", "value", "unit",
           "domain", "description [source]");
    for (i = 0; i < m->n_params; i++)
        printf("  %-16s %14.6g %-14s %-20s %s [%s]\n", m->params[i].name,
               m->params[i].value, m->params[i].unit,
               its_domain_name(m->params[i].domain),
               or_empty(m->params[i].description),
               or_empty(m->params[i].source));
    printf("\nparameter sets%s%s%s:\n", m->default_set ? " (default: " : "",
           m->default_set ? m->default_set : "", m->default_set ? ")" : "");
    if (m->n_sets == 0)
        printf("  (none)\n");
    for (i = 0; i < m->n_sets; i++) {
        const its_param_set *s = &m->sets[i];
        printf("  %s: %s [%s]\n", s->name, or_empty(s->description),
               or_empty(s->source));
        for (k = 0; k < s->n_values; k++)
            printf("      %-16s %14.6g\n", s->values[k].name, s->values[k].value);
    }
    if (m->n_sites > 0) {
        printf("\nlesion sites (clinical: {organs: ...}; per-lesion parameters STEM_k):\n");
        for (i = 0; i < m->n_sites; i++) {
            const its_site_def *s = &m->sites[i];
            printf("  %s%s%s%s: %s [%s]\n", s->name, s->aliases ? " (also " : "",
                   or_empty(s->aliases), s->aliases ? ")" : "", or_empty(s->description),
                   or_empty(s->source));
            for (k = 0; k < s->n_values; k++)
                printf("      %-16s %14.6g\n", s->values[k].name, s->values[k].value);
        }
    }
    return 0;
}

static int cmd_validate(void)
{
    size_t i, n = its_check_count();
    int failed = 0;
    printf("%-6s %-14s %14s %14s %9s  %-4s  %s\n", "check", "model", "published",
           "itsim", "tolerance", "pass", "what");
    for (i = 0; i < n; i++) {
        its_check_result r;
        its_status st;
        char why[256];
        memset(&r, 0, sizeof r);
        st = its_check_run(i, &r, why, sizeof why);
        if (st != ITS_OK)
            r.passed = 0;
        if (!r.passed)
            failed++;
        printf("%-6s %-14s %14.6g %14.6g %9.2g  %-4s  %s\n",
               r.id ? r.id : or_empty(its_check_id(i)), or_empty(r.model),
               r.expected, r.computed, r.rel_tol, r.passed ? "PASS" : "FAIL",
               or_empty(r.what));
        if (st != ITS_OK)
            printf("       (run failed: %s)\n", why);
    }
    printf("%zu checks, %zu passed, %d failed\n", n, n - (size_t)failed, failed);
    return failed ? EXIT_RUN : 0;
}

static int cmd_version(void)
{
    const char *mpi = its_mpi_library();
    printf("itsim %s\nSUNDIALS %s\nlibyaml %s\n", its_version(),
           its_sundials_version(), its_yaml_version());
    printf("MPI %s\n", mpi ? mpi : "not compiled in (itsim trial runs in one process)");
    return 0;
}

/* itsim trial, under mpirun (Open MPI or PMIx in the environment) on
 * every rank: MPI is initialised only then (docs/trial.md, "Running on
 * several machines (MPI)"), and finalised when every rank went through
 * the trial (a rank that fails before, e.g. on a bad file, exits and
 * mpirun ends the others). */
static int trial_main(int argc, char **argv)
{
    const char *n = getenv("OMPI_COMM_WORLD_SIZE");
    char msg[256];
    int rc, mpi = n || getenv("PMIX_RANK");
    if (mpi && !its_mpi_library() && (!n || strcmp(n, "1") == 0))
        mpi = 0; /* built without MPI, one process: run as usual */
    if (mpi && its_mpi_init(&argc, &argv, msg, sizeof msg) != ITS_OK) {
        fprintf(stderr, "itsim: %s\n", msg);
        return EXIT_USAGE;
    }
    rc = cmd_trial(argv[1], argc - 2, argv + 2);
    if (mpi && g_mpi_synced)
        its_mpi_finalize();
    return rc;
}

int main(int argc, char **argv)
{
    const char *cmd;
    size_t i;
    if (argc < 2) {
        print_usage(stderr, NULL);
        return EXIT_USAGE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "trial") == 0 || strcmp(cmd, "sensitivity") == 0 ||
        strcmp(cmd, "calibrate") == 0)
        return trial_main(argc, argv);
    if (strcmp(cmd, "personalise") == 0 && !(argc == 3 && is_help(argv[2])))
        return cmd_personalise(argc - 2, argv + 2);
    if (strcmp(cmd, "help") == 0 || is_help(cmd)) {
        if (argc == 3)
            for (i = 0; i < N_COMMANDS; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    print_usage(stdout, argv[2]);
                    return 0;
                }
        if (argc > 2)
            return usage_error("help: unknown command '", argv[2], "'");
        print_usage(stdout, NULL);
        return 0;
    }
    if (argc == 3 && is_help(argv[2])) {
        for (i = 0; i < N_COMMANDS; i++)
            if (strcmp(cmd, commands[i].name) == 0) {
                print_usage(stdout, cmd);
                return 0;
            }
    }
    if (argc > 3 || (argc == 3 && strcmp(cmd, "model") != 0 && strcmp(cmd, "carriers") != 0))
        return usage_error("too many arguments for '", cmd, "'");
    if (strcmp(cmd, "models") == 0)
        return cmd_models();
    if (strcmp(cmd, "agents") == 0)
        return cmd_agents();
    if (strcmp(cmd, "regimens") == 0)
        return cmd_regimens();
    if (strcmp(cmd, "carriers") == 0)
        return cmd_carriers(argc == 3 ? argv[2] : NULL);
    if (strcmp(cmd, "model") == 0) {
        if (argc != 3)
            return usage_error("'model' needs a model name", "", "");
        return cmd_model(argv[2]);
    }
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate();
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
        return cmd_version();
    return usage_error("unknown command '", cmd, "'");
}
