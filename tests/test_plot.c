/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the figure scripts (io/plot.c) and their renderer: no text of a
 * result reaches gnuplot as code; unsafe file-name prefixes are refused; a
 * failed run is drawn to its planned end and marked where it stopped; the
 * toxicity figure of the treatment period. */
#include "its_test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/io.h"
#include "run/run.h"
#include "itsim/itsim.h"

/* The description tries every way we know to run a command from a gnuplot
 * script: backquotes (run even inside double quotes), system(), an @macro,
 * leaving a single-quoted string ('), a trailing backslash (continues a
 * comment line), a newline (ends a comment). */
static const char scenario_text[] =
    "model: tme\n"
    "description: \"d `touch pwned_bq` ' . system('touch pwned_sys') . ' @m \\\" \\n"
    "# x `touch pwned_nl` \\\\\"\n"
    "therapy:\n"
    "  - {agent: aldesleukin, route: iv, dose: 600000 IU/kg, duration: 15 min, start: 2 d}\n"
    "simulate: {until: 20 d, output_every: 0.5 d}\n";

static char *read_in(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return its_test_slurp(path);
}

static int exists_in(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

/* 1 when no line of a script has a backquote or an '@' outside a
 * single-quoted string or a comment (gnuplot expands neither inside one; a
 * quote inside one is doubled), every string closes on its line and no
 * comment ends in a backslash (it would continue onto the next line). */
static int inert(const char *text)
{
    const char *p = text;
    while (*p) {
        int in_sq = 0, in_dq = 0, comment = 0;
        for (; *p && *p != '\n'; p++) {
            if (comment) {
                if (*p == '\\' && (p[1] == '\n' || !p[1]))
                    return 0;
            } else if (in_sq) {
                if (*p == '\'' && p[1] == '\'')
                    p++;
                else if (*p == '\'')
                    in_sq = 0;
            } else if (in_dq) {
                if (*p == '\\' && p[1])
                    p++;
                else if (*p == '"')
                    in_dq = 0;
                else if (*p == '`')
                    return 0;
            } else if (*p == '\'') {
                in_sq = 1;
            } else if (*p == '"') {
                in_dq = 1;
            } else if (*p == '#') {
                comment = 1;
            } else if (*p == '`' || *p == '@') {
                return 0;
            }
        }
        if (in_sq || in_dq)
            return 0;
        if (*p)
            p++;
    }
    return 1;
}

/* The number after "NAME = " at the start of a line or after "; ". */
static double var_of(const char *text, const char *name)
{
    char key[64];
    const char *p = text;
    const size_t len = (size_t)snprintf(key, sizeof key, "%s = ", name);
    while ((p = strstr(p, key)) != NULL) {
        if (p == text || p[-1] == '\n' || (p >= text + 2 && p[-2] == ';' && p[-1] == ' '))
            return strtod(p + len, NULL);
        p += len;
    }
    return NAN;
}

static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    char dir[1024], f[1100];
    while (path && *path) {
        size_t n = strcspn(path, ":");
        snprintf(dir, sizeof dir, "%.*s", (int)n, path);
        snprintf(f, sizeof f, "%s/gnuplot", dir);
        if (access(f, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

/* ---- figures pick states by the roles a model declares ---------------------- */

/* A copy of a model whose states are renamed "Zq000", "Zq001", ... and
 * whose kinds are renamed too; the roles, sites and labels stay. */
#define ZQ_MAX_STATES 512
#define ZQ_MAX_INPUTS 64
#define ZQ_MAX_SHOWN 128
typedef struct renamed {
    its_model_def m;
    its_state_def st[ZQ_MAX_STATES];
    char names[ZQ_MAX_STATES][24];
    its_input_def in[ZQ_MAX_INPUTS];
    its_state_shown sh[ZQ_MAX_SHOWN];
    char kinds[ZQ_MAX_SHOWN][24];
} renamed;

static int rename_model(renamed *z, const its_model_def *m)
{
    size_t i;
    if (m->n_states > ZQ_MAX_STATES || m->n_inputs > ZQ_MAX_INPUTS || m->n_shown > ZQ_MAX_SHOWN)
        return 0;
    z->m = *m;
    for (i = 0; i < m->n_states; i++) {
        z->st[i] = m->states[i];
        snprintf(z->names[i], sizeof z->names[i], "Zq%03zu", i);
        z->st[i].name = z->names[i];
    }
    for (i = 0; i < m->n_inputs; i++) {
        z->in[i] = m->inputs[i];
        z->in[i].state = z->names[its_model_state_index(m, m->inputs[i].state)];
    }
    for (i = 0; i < m->n_shown; i++) {
        const int j = its_model_state_index(m, m->shown[i].state);
        z->sh[i] = m->shown[i];
        z->sh[i].state = j >= 0 ? z->names[j] : "none";
        size_t k = 0;
        while (k < i && strcmp(m->shown[k].kind, m->shown[i].kind) != 0)
            k++;
        snprintf(z->kinds[i], sizeof z->kinds[i], "k%zu", k);
        z->sh[i].kind = z->kinds[i];
    }
    z->m.states = z->st;
    z->m.inputs = z->in;
    z->m.shown = z->sh;
    z->m.course = NULL;
    return 1;
}

/* text with every "ZqNNN" replaced by the name of state NNN of m. */
static char *unrename(const char *text, const its_model_def *m)
{
    size_t n = strlen(text), k = 0;
    char *o = malloc(n * 4 + 1);
    const char *p = text;
    while (o && *p) {
        if (p[0] == 'Z' && p[1] == 'q' && p[2] >= '0' && p[2] <= '9' && p[3] && p[4]) {
            const size_t j = (size_t)strtoul(p + 2, NULL, 10);
            const char *nm = j < m->n_states ? m->states[j].name : "?";
            memcpy(o + k, nm, strlen(nm));
            k += strlen(nm);
            p += 5;
        } else {
            o[k++] = *p++;
        }
    }
    if (o)
        o[k] = '\0';
    return o;
}

/* Every state a built-in model shows exists in it, at its site (an
 * immune population in cells), so no declaration is silently skipped. */
static void test_declarations(void)
{
    size_t i, k, bad = 0, total = 0;
    for (i = 0; i < its_model_count(); i++) {
        const its_model_def *base = its_model_at(i);
        const size_t nv = its_model_variants(base);
        size_t v;
        for (v = 0; v <= nv; v++) {
            char name[64];
            const its_model_def *m = base;
            if (v) {
                snprintf(name, sizeof name, "%s:%zu", base->name, v);
                m = its_model_find(name);
            }
            for (k = 0; m && k < m->n_shown; k++) {
                const its_state_shown *sh = &m->shown[k];
                const int j = its_model_state_index(m, sh->state);
                total++;
                if (j < 0 || !sh->label || !sh->kind || (v && sh->site > v) ||
                    (sh->role == ITS_STATE_IMMUNE_CELLS && strcmp(m->states[j].unit, "cell")))
                    bad++;
            }
        }
    }
    its_test_true(total > 0 && bad == 0, "%zu of %zu shown states declared wrong", bad, total);
}

/* The figures of res drawn from its own model and from the renamed copy
 * are the same but for the state names; without declarations, no state is
 * drawn (the immune and cytokine figures are left out). */
static void test_roles(its_result *res, const char *base)
{
    static renamed z;
    const its_model_def *orig = res->plan.model;
    char d1[1100], d2[1100], names1[16][128], names2[16][128], err[512];
    size_t n1 = 0, n2 = 0, i;
    its_status st;
    snprintf(d1, sizeof d1, "%s/roles_orig", base);
    snprintf(d2, sizeof d2, "%s/roles_renamed", base);
    mkdir(d1, 0700);
    mkdir(d2, 0700);
    if (!its_test_true(rename_model(&z, orig), "model fits the renamed copy"))
        return;
    st = its__plot_run(res, d1, "", names1, &n1, 16, err, sizeof err);
    /* 6 with clones.gp (tme's clone shares, issue 12) */
    its_test_true(st == ITS_OK && n1 == 6 && exists_in(d1, "clones.gp"), "own model: %zu scripts (%s)",
                  n1, err);
    res->plan.model = &z.m;
    st = its__plot_run(res, d2, "", names2, &n2, 16, err, sizeof err);
    its_test_true(st == ITS_OK && n2 == n1, "renamed model: %zu scripts (%s)", n2, err);
    for (i = 0; i < n1 && i < n2; i++) {
        char *a = read_in(d1, names1[i]), *b = read_in(d2, names2[i]);
        char *bu = b ? unrename(b, orig) : NULL;
        const int drawn = a && strstr(a, "ts using") != NULL;
        its_test_true(strcmp(names1[i], names2[i]) == 0 && b && drawn == (strstr(b, "Zq") != NULL),
                      "%s: the renamed states are drawn where the states were", names1[i]);
        its_test_true(a && bu && strcmp(a, bu) == 0, "%s: the same figure but for the names",
                      names1[i]);
        free(a);
        free(b);
        free(bu);
    }
    /* no declarations: nothing is picked by name */
    z.m.n_shown = 0;
    z.m.shown = NULL;
    n2 = 0;
    st = its__plot_run(res, d2, "none.", names2, &n2, 16, err, sizeof err);
    its_test_true(st == ITS_OK && n2 == 3 && !exists_in(d2, "none.immune.gp") &&
                  !exists_in(d2, "none.cytokines.gp") && !exists_in(d2, "none.clones.gp"),
                  "no shown states: tumour and toxicity figures only (%zu scripts)", n2);
    res->plan.model = orig;
}

/* Removes dir, its files and its subdirectories. */
static void rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[2048];
    struct stat sb;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            rm_tree(path);
        else
            unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

int main(void)
{
    char base[] = "/tmp/itsim_plot_XXXXXX";
    char names[16][128], err[512], out[1100];
    size_t n = 0, i;
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_status st;
    char *a;
    static const char *const bad[] = {"a/b.", "x`id`.", "x'y.", "x y.", "<in.", "|p.", "a\n."};

    if (!mkdtemp(base)) {
        its_test_true(0, "mkdtemp: %s", strerror(errno));
        return its_test_done();
    }
    its_scenario_create(&sc, NULL, 0);
    st = its_scenario_load_string(sc, scenario_text, sizeof scenario_text - 1, "plot.yaml");
    its_test_true(st == ITS_OK, "scenario loads: %s", its_scenario_errmsg(sc));
    st = st == ITS_OK ? its_scenario_run(sc, &res) : st;
    its_test_true(st == ITS_OK && res, "scenario runs: %s", its_scenario_errmsg(sc));
    if (!res) {
        its_scenario_free(sc);
        rm_tree(base);
        return its_test_done();
    }

    /* ---- file-name prefixes: only letters, digits, '.', '_', '-' */
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        n = 0;
        st = its__plot_run(res, base, bad[i], names, &n, 16, err, sizeof err);
        its_test_true(st == ITS_EINVAL && n == 0 && !exists_in(base, "x`id`.tumour.gp"),
                      "prefix %zu refused, nothing written (%s)", i, err);
    }
    {
        const its_result *arms[1];
        const char *labels[1] = {"arm"}, *prefixes[1] = {"x'y."};
        arms[0] = res;
        n = 0;
        st = its__plot_comparison(arms, labels, prefixes, 1, base, names, &n, 16, err,
                                  sizeof err);
        its_test_true(st == ITS_EINVAL && n == 0, "comparison: unsafe prefix refused (%s)", err);
    }
    n = 0;
    st = its__plot_run(res, base, "-e.arm_1.", names, &n, 16, err, sizeof err);
    its_test_true(st == ITS_OK && n == 6, "safe prefix (a leading '-' too): %zu scripts (%s)", n,
                  err);

    /* ---- every string is inert text */
    for (i = 0; i < n; i++) {
        a = read_in(base, names[i]);
        its_test_true(a && inert(a), "%s: no backquote or @ outside single quotes", names[i]);
        free(a);
    }
    a = read_in(base, "-e.arm_1.tumour.gp");
    its_test_true(a && strstr(a, "title 'd `touch pwned_bq` '' . system(''touch pwned_sys'') "
                                 ". '' @m \"  # x `touch pwned_nl` \\ (model tme)'"),
                  "description: one single-quoted literal, quotes doubled, newline a space "
                  "(%.160s)", a && strstr(a, "multiplot title") ? strstr(a, "multiplot title") : "");
    free(a);

    /* ---- the treatment period: dose at 2 d of a 20-day run */
    a = read_in(base, "-e.arm_1.toxicity_treatment.gp");
    its_test_true(a != NULL, "toxicity_treatment.gp written");
    if (a) {
        const double t0 = var_of(a, "t_start"), t1 = var_of(a, "t_end");
        /* from the dose (less a margin of at least 2 % of the run, 0.4 d)
         * to after the fever it causes, well short of half the run */
        its_test_true(t0 >= 1.0 && t0 <= 2.0 - 0.4 + 1e-9 && t1 > 2.5 && t1 < 10.0,
                      "treatment period %g to %g d", t0, t1);
        its_test_true(strstr(a, "with boxxyerror") && !strstr(a, "with steps"),
                      "grades in lanes of bars, not overplotted steps");
        free(a);
    }
    a = read_in(base, "-e.arm_1.toxicity.gp");
    its_test_true(a && var_of(a, "t_start") == 0.0 && var_of(a, "t_end") == 20.0,
                  "toxicity.gp: the whole run, 0 to 20 d");
    free(a);

    /* ---- a failed run: the data end at row k, the axis at the planned end */
    {
        const size_t rows = res->n_rows, k = rows / 2;
        /* the solver gave up between row k-1 and row k: the mark is where
         * it gave up (its_stats.t_reached), not at the last stored row */
        const double t_stop = 0.5 * (res->t[k - 1] + res->t[k]);
        res->status = ITS_ESOLVER;
        res->n_rows = k;
        res->stats.t_reached = t_stop;
        n = 0;
        st = its__plot_run(res, base, "f.", names, &n, 16, err, sizeof err);
        its_test_true(st == ITS_OK, "failed run: scripts written (%s)", err);
        a = read_in(base, "f.tumour.gp");
        its_test_true(a && var_of(a, "t_stop") == t_stop && var_of(a, "t_end") == 20.0,
                      "failed run: t_stop %g (where the solver gave up), t_end 20 (planned)",
                      a ? var_of(a, "t_stop") : (double)NAN);
        its_test_true(a && strstr(a, "run stopped: solver failure") &&
                      strstr(a, "set arrow from t_stop, graph 0 to t_stop, graph 1") &&
                      strstr(a, "THE SOLVER FAILED"),
                      "failed run: line, label and title at the stop");
        free(a);
        /* the whole output, rendered */
        snprintf(out, sizeof out, "%s/failed", base);
        st = its_result_write(res, out, NULL);
        its_test_true(st == ITS_OK, "failed run: output written (%s)", its_result_errmsg(res));
        if (have_gnuplot())
            its_test_true(exists_in(out, "tumour.png") && exists_in(out, "toxicity.png") &&
                          exists_in(out, "toxicity_treatment.png"),
                          "failed run: figures rendered");
        res->n_rows = rows;
        res->status = ITS_OK;
    }
    its_test_true(!exists_in(base, "pwned_bq") && !exists_in(base, "pwned_sys") &&
                  !exists_in(base, "pwned_nl") && !exists_in(out, "pwned_bq") &&
                  !exists_in(out, "pwned_sys") && !exists_in(out, "pwned_nl"),
                  "no command ran");

    test_declarations();
    test_roles(res, base);

    its_result_free(res);
    its_scenario_free(sc);
    rm_tree(base);
    return its_test_done();
}
