/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: allocation failure, SQLite's discipline. Every allocation the
 * library makes goes through src/core/alloc.c, where a test can make the
 * N-th one fail. Each main path (load, resolve, run, write, comparison) is
 * first run once to count its allocations, then again with a failure
 * injected at every N from 1 to that count: once failing only the N-th
 * allocation, once failing the N-th and every later one (so that clean-up
 * code which allocates is exercised too). Each attempt must either succeed
 * (when nothing was made to fail) or return ITS_ENOMEM, never another status
 * and never a crash; a handle the step ran on must say why (its message is
 * not empty); an output directory must not exist after a failed write, nor a
 * temporary sibling; and the path must run again as the first time. A
 * failure the library tolerated would show as success with an allocation
 * failed, and fails the test. Leaks are found by LeakSanitizer in the
 * sanitizer build (make test-asan), which runs this test too. Every N is
 * tried (no sampling). */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/core.h"
#include "run/run.h"
#include "itsim/itsim.h"
#include "its_test.h"

/* A short tme scenario with two lesions, two weeks long, that reaches every
 * stage that allocates: an HD IL-2 course held by a rule (17 doses in all,
 * more than the first capacity of the dose lists, so they grow), an
 * intratumoral depot with a release law, a second agent, RECIST scans with
 * treatment stopping at progression (evaluated during the run), CTCAE
 * grading (fever and hypotension occur), figures, and a YAML anchor with its
 * alias; each of the hundreds of injected runs stays short. */
static const char *scenario_text =
    "model: tme:2\n"
    "description: allocation-failure test\n"
    "patient: {weight: 70 kg, height: 175 cm}\n"
    "therapy:\n"
    "  - {agent: aldesleukin, route: iv, dose: 600000 IU/kg, duration: 15 min, start: 1 d,"
    " every: 8 h, count: 14}\n"
    "  - {agent: aldesleukin, route: it, lesion: 1, dose: 3 MIU, release: first_order,"
    " release_time: 69.25 h, burst: 0.2, start: 0 d, every: 3.5 d, count: 2}\n"
    "  - {agent: pembrolizumab, route: iv, dose: 200 mg, duration: 30 min, start: 0 d}\n"
    "provenance: {hold: &hold {hold_if: SBP < 90 mmHg, applies_to: il2}}\n"
    "rules: [*hold]\n"
    "clinical: {assess_every: 7 d, stop_at_progression: true}\n"
    "simulate: {until: 14 d, output_every: 1 d}\n";

/* A comparison of three arms on the same patient: none, a named regimen and
 * the therapy and rules of another file (arm_text, written as arm.yaml next
 * to it). */
static const char *comparison_text =
    "model: tme:2\n"
    "patient: {weight: 70 kg, height: 175 cm}\n"
    "clinical: {assess_every: 7 d}\n"
    "simulate: {until: 10 d, output_every: 1 d}\n"
    "arms:\n"
    "  - {name: untreated}\n"
    "  - {name: anti-PD-1, regimen: pembrolizumab}\n"
    "  - {name: HD IL-2, id: il2, file: arm.yaml}\n";

static const char *arm_text =
    "model: tme:2\n"
    "therapy:\n"
    "  - {agent: aldesleukin, route: iv, dose: 600000 IU/kg, duration: 15 min, start: 1 d,"
    " every: 8 h, count: 3}\n"
    "rules:\n"
    "  - {hold_if: SBP < 90 mmHg, applies_to: il2}\n";

static char tmp_root[PATH_MAX - 16]; /* room for "/out" and more */
static char comparison_file[PATH_MAX];

/* Rendering runs a program that does not exist: the adapter's own
 * allocations are made, gnuplot's are not the library's, and the test needs
 * no gnuplot (the failure to start it is a note, not an error). */
static const char *no_gnuplot = "/nonexistent/itsim-alloc-test-gnuplot";

/* What the paths start from, made once without injection: the scenario,
 * the comparison, a result of the scenario, and where outputs go. */
typedef struct fixture {
    its_scenario *sc, *cmp;
    its_result *res;
    its_record *rec;  /* record_text, loaded */
    its_fit *fit;     /* a tiny fit of it */
    char dir[PATH_MAX];
    /* out: the message of the handle that failed, when there is one */
    int has_msg;
    char msg[ITS__ERRLEN];
} fixture;

/* The message of the handle a failed step ran on (m), for the check that a
 * handle says why it failed. */
static its_status failed_on(fixture *f, its_status st, const char *m)
{
    if (st != ITS_OK) {
        f->has_msg = 1;
        snprintf(f->msg, sizeof f->msg, "%s", m);
    }
    return st;
}

/* A path runs the step under test on the fixture and returns its status;
 * its allocations are counted (and made to fail) around the call. */
typedef its_status (*path_fn)(fixture *f);

/* Loading a scenario from text with the changes the CLI makes (--set,
 * --model, --until), and a comparison from a file that names another file
 * (the file reader, arms, nested loads). */
static its_status path_load(fixture *f)
{
    its_scenario *sc = NULL, *cmp = NULL;
    its_status st = its_scenario_create(&sc, NULL, 0);
    if (st == ITS_OK)
        st = its_scenario_create(&cmp, NULL, 0);
    if (st != ITS_OK) { /* no handle to carry a message */
        its_scenario_free(sc);
        return st;
    }
    st = its_scenario_load_string(sc, scenario_text, strlen(scenario_text), "alloc.yaml");
    if (st == ITS_OK)
        st = its_scenario_override(sc, "simulate.until=12 d");
    if (st == ITS_OK)
        st = its_scenario_override(sc, "V_blood=6 L");
    if (st == ITS_OK)
        st = its_scenario_set_model(sc, "tme:2");
    if (st == ITS_OK)
        st = its_scenario_set_until(sc, 13.0);
    failed_on(f, st, its_scenario_errmsg(sc));
    if (st == ITS_OK)
        st = failed_on(f, its_scenario_load_file(cmp, comparison_file), its_scenario_errmsg(cmp));
    its_scenario_free(sc);
    its_scenario_free(cmp);
    return st;
}

/* Resolution without a run: the plan of the scenario (parameter vector,
 * initial state, doses, rules, grid) and the checks of every arm. */
static its_status path_resolve(fixture *f)
{
    its__plan plan;
    char err[ITS__ERRLEN];
    its_status st = failed_on(f, its__scenario_plan(f->sc, &plan), its_scenario_errmsg(f->sc));
    size_t i;
    its__plan_clear(&plan);
    for (i = 0; i < its_scenario_arm_count(f->cmp) && st == ITS_OK; i++)
        st = failed_on(f, its__scenario_resolve_arm(f->cmp, i, err), err);
    return st;
}

/* Running includes resolution against the model. */
static its_status path_run(fixture *f)
{
    its_result *res = NULL;
    its_status st = failed_on(f, its_scenario_run(f->sc, &res), its_scenario_errmsg(f->sc));
    its_result_free(res);
    return st;
}

/* A patient record with every section, its prior (the calibrated
 * population, a trial file) and its timeline (itsim/record.h). */
static const char *record_text =
    "patient: {id: A1, weight: 70 kg, height: 175 cm, sex: female, age: 60 y,\n"
    "          prior: " ITS_SOURCE_DIR "/examples/trials/calibration/melanoma_calibrated.yaml}\n"
    "lesions: [{id: L1, site: lung}, {id: L2, site: liver, target: false}]\n"
    "assessments:\n"
    "  - {date: 2025-01-06, diameters: {L1: 20 mm, L2: 15 mm}}\n"
    "  - {date: 2025-02-17, diameters: {L1: 18 mm, L2: \"< 5 mm\"}}\n"
    "labs:\n"
    "  - {date: 2025-01-01, ANC: 4 1e9/L}\n"
    "  - {date: 2025-01-05, ANC: 4.2 1e9/L, ALT: 30 U/L, LDH: 200 U/L}\n"
    "reference_limits: {ALT: 40 U/L}\n"
    "biomarkers: {tmb: 10, pdl1_tps: 1 %, clonal_share: 0.5}\n"
    "treatments:\n"
    "  - {agent: pembrolizumab, dose: 200 mg, duration: 30 min, dates: [2025-01-08, 2025-01-29]}\n"
    "  - {agent: aldesleukin, route: it, lesion: L1, dose: 3 MIU, carrier: thermogel,\n"
    "     start: 2025-02-01, every: 3.5 d, count: 2}\n"
    "decision: {date: 2025-02-18, objective: pfs}\n"
    "error: {diameter: {cv: 10 %}, ANC: {cv: 25 %}}\n"
    "fit: {chains: 2, iterations: 1000, warmup: 500, seed: 3}\n";

static its_status path_record(fixture *f)
{
    its_record *r = NULL;
    char msg[ITS__ERRLEN] = "";
    FILE *null = fopen("/dev/null", "w");
    its_status st = its_record_load_string(record_text, strlen(record_text), "rec.yaml", &r, msg,
                                           sizeof msg);
    failed_on(f, st, msg);
    if (st == ITS_OK && null != NULL)
        st = failed_on(f, its_record_print_timeline(r, null), "timeline");
    if (null != NULL)
        fclose(null);
    its_record_free(r);
    return st;
}

/* A patient's posterior and an evaluation workspace (what a fit makes
 * before its chains run). */
static its_status path_posterior(fixture *f)
{
    its__post *p = NULL;
    its__post_ws *w = NULL;
    char msg[ITS__ERRLEN] = "";
    its_status st = its__post_create(f->rec, &p, msg, sizeof msg);
    failed_on(f, st, msg);
    if (st == ITS_OK)
        st = failed_on(f, its__post_ws_create(p, &w), "workspace");
    its__post_ws_free(w);
    its__post_free(p);
    return st;
}

/* Nothing named out* left in tmp_root (the output or a temporary sibling). */
static int leftovers(void)
{
    DIR *d = opendir(tmp_root);
    struct dirent *e;
    int n = 0;
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "out", 3) == 0)
            n++;
    closedir(d);
    return n;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[PATH_MAX];
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (unlink(p) != 0)
            remove_tree(p);
    }
    closedir(d);
    rmdir(dir);
}

/* The status of a write into dir, ITS_EIO (a wrong status) when a failed
 * write left its directory or a temporary sibling; dir is removed. */
static its_status written(its_status st, const char *dir)
{
    if (st != ITS_OK && leftovers() != 0)
        st = ITS_EIO;
    remove_tree(dir);
    return st;
}

static void output_opts(its_output_opts *o)
{
    its_output_opts_default(o);
    o->gnuplot = no_gnuplot;
}

static its_status path_write(fixture *f)
{
    its_output_opts o;
    output_opts(&o);
    its_status st = its_result_write(f->res, f->dir, &o);
    return written(failed_on(f, st, its_result_errmsg(f->res)), f->dir);
}

static its_status path_comparison(fixture *f)
{
    its_comparison *c = NULL;
    its_output_opts o;
    its_status st = its_comparison_run(f->cmp, 1, &c); /* no handle when it fails */
    output_opts(&o);
    if (st == ITS_OK)
        st = failed_on(f, its_comparison_write(c, f->dir, &o), its_comparison_errmsg(c));
    its_comparison_free(c);
    return written(st, f->dir);
}

/* Run path on f with the allocator counting (inject 0) or failing the n-th
 * allocation (and every later one when sticky); the allocations made and
 * made to fail into *count and *failed. */
/* A fit's outputs (the figures' scripts, not rendered). */
static its_status path_fit_write(fixture *f)
{
    its_output_opts o;
    char msg[ITS__ERRLEN] = "";
    its_status st;
    its_output_opts_default(&o);
    o.render = 0;
    o.gnuplot = no_gnuplot;
    st = its_fit_write(f->fit, f->dir, &o, msg, sizeof msg);
    failed_on(f, st, msg);
    return written(st, f->dir);
}

static its_status attempt(path_fn path, fixture *f, int inject, long n, int sticky,
                          long *count, long *failed)
{
    its_status st;
    f->has_msg = 0;
    its__alloc_fail_at(inject ? n : LONG_MAX, inject ? sticky : 0);
    st = path(f);
    *count = its__alloc_count();
    *failed = its__alloc_failed();
    its__alloc_fail_at(0, 0);
    return st;
}

/* Count the path's allocations, then fail each in turn, in both modes. */
static void sweep(const char *name, path_fn fn, fixture *f)
{
    long total, n, bad = 0, silent = 0, failed_runs = 0, count, failed;
    int sticky;
    its_status st = attempt(fn, f, 0, 0, 0, &total, &failed);
    its_test_true(st == ITS_OK, "%s: runs without injection (%s)", name, its_status_name(st));
    its_test_true(total > 0, "%s: makes %ld allocations through the library allocator",
                  name, total);
    for (sticky = 0; sticky <= 1; sticky++)
        for (n = 1; n <= total; n++) {
            st = attempt(fn, f, 1, n, sticky, &count, &failed);
            failed_runs += failed > 0;
            if (st == ITS_ENOMEM && f->has_msg && f->msg[0] == '\0' && silent++ < 5)
                printf("      %s: failing allocation %ld%s: ITS_ENOMEM without a message\n",
                       name, n, sticky ? " and later" : "");
            if (failed > 0 ? st != ITS_ENOMEM : st != ITS_OK) {
                if (bad++ < 5)
                    printf("      %s: failing allocation %ld%s gave %s (%ld failed)\n",
                           name, n, sticky ? " and later" : "", its_status_name(st), failed);
            }
        }
    its_test_true(bad == 0,
                  "%s: each of %ld allocations failed in turn (once, and from there on) "
                  "gives ITS_ENOMEM, or success when none failed (%ld wrong)",
                  name, total, bad);
    its_test_true(silent == 0, "%s: the handle says why (%ld without a message)", name,
                  silent);
    /* Guard against a hook that never fires: the first allocation of every
     * path is reached in both modes. */
    its_test_true(failed_runs >= 2, "%s: injected failures took effect (%ld runs)", name,
                  failed_runs);
    /* The failures left the fixture (scenarios, result) as it was: the path
     * runs again as the first time. */
    st = attempt(fn, f, 0, 0, 0, &count, &failed);
    its_test_true(st == ITS_OK && count == total,
                  "%s: runs again after the failures (%s, %ld allocations)", name,
                  its_status_name(st), count);
}

static int write_file(const char *dir, const char *name, const char *text, char *path,
                      size_t n)
{
    FILE *fp;
    snprintf(path, n, "%s/%s", dir, name);
    fp = fopen(path, "w");
    if (fp == NULL)
        return -1;
    fputs(text, fp);
    return fclose(fp);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    char arm_file[PATH_MAX];
    fixture f = {0};
    snprintf(tmp_root, sizeof tmp_root, "%s/itsim-alloc-XXXXXX", base ? base : "/tmp");
    if (mkdtemp(tmp_root) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(f.dir, sizeof f.dir, "%s/out", tmp_root);
    if (write_file(tmp_root, "arm.yaml", arm_text, arm_file, sizeof arm_file) != 0 ||
        write_file(tmp_root, "arms.yaml", comparison_text, comparison_file,
                   sizeof comparison_file) != 0 ||
        its_scenario_create(&f.sc, NULL, 0) != ITS_OK ||
        its_scenario_load_string(f.sc, scenario_text, strlen(scenario_text), "alloc.yaml") !=
            ITS_OK ||
        its_scenario_create(&f.cmp, NULL, 0) != ITS_OK ||
        its_scenario_load_file(f.cmp, comparison_file) != ITS_OK ||
        its_scenario_run(f.sc, &f.res) != ITS_OK) {
        fprintf(stderr, "the fixture failed: %s\n",
                f.sc ? its_scenario_errmsg(f.sc) : "out of memory");
        its_test_true(0, "fixture: the scenarios load and run");
    } else {
        sweep("load", path_load, &f);
        sweep("resolve", path_resolve, &f);
        sweep("run", path_run, &f);
        sweep("write", path_write, &f);
        sweep("comparison", path_comparison, &f);
        sweep("record", path_record, &f);
        if (its_record_load_string(record_text, strlen(record_text), "rec.yaml", &f.rec, NULL,
                                   0) == ITS_OK) {
            its_fit_opts fo;
            its_fit_opts_default(&fo);
            fo.chains = 1;
            fo.iterations = 100;
            fo.warmup = 50;
            fo.draws = 2;
            fo.threads = 1;
            sweep("posterior", path_posterior, &f);
            if (its_fit_run(f.rec, &fo, &f.fit, NULL, 0) == ITS_OK)
                sweep("fit outputs", path_fit_write, &f);
            else
                its_test_true(0, "fixture: the tiny fit runs");
        }
    }
    its_result_free(f.res);
    its_fit_free(f.fit);
    its_record_free(f.rec);
    its_scenario_free(f.sc);
    its_scenario_free(f.cmp);
    remove_tree(tmp_root);
    return its_test_done();
}
