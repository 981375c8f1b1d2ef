/* itsim tests: allocation failure, SQLite's discipline. Every allocation the
 * library makes goes through src/core/alloc.c, where a test can make the
 * N-th one fail. Each main path (load, resolve, run, write, comparison) is
 * first run once to count its allocations, then again with a failure
 * injected at every N from 1 to that count: once failing only the N-th
 * allocation, once failing the N-th and every later one (so that clean-up
 * code which allocates is exercised too). Each attempt must either succeed
 * (when nothing was made to fail) or return ITS_ENOMEM, never another status
 * and never a crash; an output directory must not exist after a failed
 * write, nor a temporary sibling. Leaks are found by LeakSanitizer in the
 * sanitizer build (make test-asan), which runs this test too. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/core.h"
#include "itsim/itsim.h"
#include "its_test.h"

/* A short tme scenario: one lesion, two weeks, one HD IL-2 course day and a
 * scan, so that every stage (patient, agents, rules, clinical read-outs,
 * figures) allocates, while each of the hundreds of injected runs stays
 * short. */
static const char *scenario_text =
    "model: tme:1\n"
    "description: allocation-failure test\n"
    "patient: {weight: 70 kg, height: 175 cm}\n"
    "therapy:\n"
    "  - {agent: aldesleukin, route: iv, dose: 600000 IU/kg, start: 1 d, every: 8 h, count: 3}\n"
    "clinical: {assess_every: 7 d}\n"
    "simulate: {until: 14 d, output_every: 1 d}\n";

/* Two arms on the same patient. */
static const char *comparison_text =
    "model: tme:1\n"
    "patient: {weight: 70 kg, height: 175 cm}\n"
    "clinical: {assess_every: 7 d}\n"
    "simulate: {until: 10 d, output_every: 1 d}\n"
    "arms:\n"
    "  - {name: untreated}\n"
    "  - {name: anti-PD-1, regimen: pembrolizumab}\n";

static char tmp_root[PATH_MAX - 16]; /* room for "/out" and more */

/* The paths. Each returns the status of the step under test; the steps
 * before it run without injection (the fixture), so that the counted
 * allocations are the step's own. */
typedef its_status (*path_fn)(int inject, long n, int sticky);

static void arm(int inject, long n, int sticky)
{
    if (inject)
        its__alloc_fail_at(n, sticky);
    else
        its__alloc_fail_at(LONG_MAX, 0); /* count only */
}

/* What the last armed stretch did: allocations made and made to fail. */
static long last_count, last_failed;

static void disarm(void)
{
    last_count = its__alloc_count();
    last_failed = last_failed;
    its__alloc_fail_at(0, 0);
}

static its_status path_load(int inject, long n, int sticky)
{
    its_scenario *sc = NULL;
    its_status st;
    arm(inject, n, sticky);
    st = its_scenario_create(&sc, NULL, 0);
    if (st == ITS_OK)
        st = its_scenario_load_string(sc, scenario_text, strlen(scenario_text), "alloc.yaml");
    if (st == ITS_OK)
        st = its_scenario_override(sc, "simulate.until=12 d");
    disarm();
    its_scenario_free(sc);
    return st;
}

static its_scenario *fixture_scenario(const char *text)
{
    its_scenario *sc = NULL;
    if (its_scenario_create(&sc, NULL, 0) != ITS_OK)
        return NULL;
    if (its_scenario_load_string(sc, text, strlen(text), "alloc.yaml") != ITS_OK) {
        its_scenario_free(sc);
        return NULL;
    }
    return sc;
}

/* Running includes resolution against the model. */
static its_status path_run(int inject, long n, int sticky)
{
    its_scenario *sc = fixture_scenario(scenario_text);
    its_result *res = NULL;
    its_status st;
    if (sc == NULL)
        return ITS_EINVAL;
    arm(inject, n, sticky);
    st = its_scenario_run(sc, &res);
    disarm();
    its_result_free(res);
    its_scenario_free(sc);
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

static its_status path_write(int inject, long n, int sticky)
{
    its_scenario *sc = fixture_scenario(scenario_text);
    its_result *res = NULL;
    its_output_opts o;
    char dir[PATH_MAX];
    its_status st;
    if (sc == NULL || its_scenario_run(sc, &res) != ITS_OK) {
        its_scenario_free(sc);
        return ITS_EINVAL;
    }
    snprintf(dir, sizeof dir, "%s/out", tmp_root);
    its_output_opts_default(&o);
    o.render = 0; /* gnuplot is not the library's allocation */
    arm(inject, n, sticky);
    st = its_result_write(res, dir, &o);
    disarm();
    if (st != ITS_OK && leftovers() != 0)
        st = ITS_EIO; /* reported as a wrong status */
    remove_tree(dir);
    its_result_free(res);
    its_scenario_free(sc);
    return st;
}

static its_status path_comparison(int inject, long n, int sticky)
{
    its_scenario *sc = fixture_scenario(comparison_text);
    its_comparison *c = NULL;
    its_output_opts o;
    char dir[PATH_MAX];
    its_status st;
    if (sc == NULL)
        return ITS_EINVAL;
    snprintf(dir, sizeof dir, "%s/out", tmp_root);
    its_output_opts_default(&o);
    o.render = 0;
    arm(inject, n, sticky);
    st = its_comparison_run(sc, 1, &c);
    if (st == ITS_OK)
        st = its_comparison_write(c, dir, &o);
    disarm();
    if (st != ITS_OK && leftovers() != 0)
        st = ITS_EIO;
    remove_tree(dir);
    its_comparison_free(c);
    its_scenario_free(sc);
    return st;
}

/* Count the path's allocations, then fail each in turn, in both modes. */
static void sweep(const char *name, path_fn fn)
{
    long total, n, bad = 0, failed_runs = 0;
    int sticky;
    its_status st = fn(0, 0, 0);
    total = last_count;
    its_test_true(st == ITS_OK, "%s: runs without injection (%s)", name, its_status_name(st));
    its_test_true(total > 0, "%s: makes %ld allocations through the library allocator",
                  name, total);
    for (sticky = 0; sticky <= 1; sticky++)
        for (n = 1; n <= total; n++) {
            long failed;
            st = fn(1, n, sticky);
            failed = last_failed;
            failed_runs += failed > 0;
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
    /* Guard against a hook that never fires: the first allocation of every
     * path is reached in both modes. */
    its_test_true(failed_runs >= 2, "%s: injected failures took effect (%ld runs)", name,
                  failed_runs);
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmp_root, sizeof tmp_root, "%s/itsim-alloc-XXXXXX", base ? base : "/tmp");
    if (mkdtemp(tmp_root) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    sweep("load", path_load);
    sweep("run", path_run);
    sweep("write", path_write);
    sweep("comparison", path_comparison);
    remove_tree(tmp_root);
    return its_test_done();
}
