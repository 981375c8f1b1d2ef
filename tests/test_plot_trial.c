/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The trial figures (src/io/plot_trial.c): with synthetic rows of two arms
 * (some censored, some NE, failed rows, a hostile arm name), the data files
 * hold what a hand count gives (numbers at risk, the waterfall sorted with
 * the response colours, the deterministic sample), the scripts hold the
 * names only as quoted literals, PNG and SVG are rendered when gnuplot is
 * there, nothing temporary is left, and every allocation failing in turn
 * gives ITS_ENOMEM. */
#include "io/io.h"
#include "its_test.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PER_ARM 50
#define N_ROWS (2 * PER_ARM + 4)
#define N_ASSESS 5

static const char *const names[2] = {"untreated", "HD \"IL-2\" 'x';\\ `id` @m\nnext & <b>"};
static its__outcome rows[N_ROWS];
static double day[N_ROWS][N_ASSESS], sum[N_ROWS][N_ASSESS];
static double pvals[2][2 * PER_ARM];

/* Patient i of arm a (ids interleaved and given in reverse order, so the
 * sample must sort them): times from a simple formula, every third
 * censored, every seventh NE without a best change. */
static void make_rows(void)
{
    static const its_response best[5] = {ITS_RESP_CR, ITS_RESP_PR, ITS_RESP_SD, ITS_RESP_PD,
                                         ITS_RESP_NONCR_NONPD};
    size_t n = 0;
    for (int i = PER_ARM - 1; i >= 0; i--)
        for (size_t a = 0; a < 2; a++) {
            its__outcome *o = &rows[n];
            memset(o, 0, sizeof *o);
            o->patient = 2 * i + (long)a + 100;
            o->arm = a;
            o->status = ITS_OK;
            o->best = i % 7 == 3 ? ITS_RESP_NE : best[i % 5];
            o->best_change = o->best == ITS_RESP_NE ? (double)NAN : 60.0 - 3.1 * i - 5.0 * (double)a;
            o->pfs_days = 30.0 + 17.0 * i + 40.0 * (double)a;
            o->pfs_event = i % 3 != 0;
            o->os_days = o->pfs_days + 100.0;
            o->os_event = i % 4 != 0;
            o->ttr_days = o->best >= ITS_RESP_PR ? 56.0 : (double)NAN;
            o->n_assess = N_ASSESS;
            o->assess_day = day[n];
            o->assess_sum_mm = sum[n];
            for (size_t k = 0; k < N_ASSESS; k++) {
                day[n][k] = 56.0 * (double)k;
                sum[n][k] = 80.0 * (1.0 + 0.01 * o->best_change * (double)k / 4.0);
            }
            pvals[0][n] = 0.01 * pow(1.2, i);   /* positive, spans > 1 decade: log bins */
            pvals[1][n] = 70.0 + (double)(i % 9) - 4.0;
            n++;
        }
    for (; n < N_ROWS; n++) { /* failed runs: left out */
        memset(&rows[n], 0, sizeof rows[n]);
        rows[n].patient = 1000 + (long)n;
        rows[n].arm = n % 2;
        rows[n].status = ITS_ESOLVER;
        rows[n].pfs_days = rows[n].os_days = (double)NAN;
    }
}

static its__plot_trial_in input(const its__plot_param *p)
{
    its__plot_trial_in in = {0};
    in.n_arms = 2;
    in.arm_names = names;
    in.rows = rows;
    in.n_rows = N_ROWS;
    in.horizon_days = 730.5;
    in.params = p;
    in.n_params = 2;
    in.render = 0;
    return in;
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[256], *buf = NULL;
    size_t n = 0;
    FILE *fp, *mem;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if ((fp = fopen(path, "r")) == NULL)
        return NULL;
    mem = open_memstream(&buf, &n);
    for (int ch; (ch = fgetc(fp)) != EOF;)
        fputc(ch, mem);
    fclose(mem);
    fclose(fp);
    if (len)
        *len = n;
    return buf;
}

/* Entries of dir other than the expected files, and whether one is a
 * temporary. */
static int leftovers(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int bad = 0;
    while (d && (e = readdir(d)) != NULL)
        bad += strstr(e->d_name, ".tmp") != NULL;
    if (d)
        closedir(d);
    return bad;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char path[512];
        if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || e->d_name[1] == '.'))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Numbers at risk (time >= t) of arm a counted directly. */
static long hand_risk(size_t a, int os, double t)
{
    long n = 0;
    for (size_t i = 0; i < N_ROWS; i++)
        if (rows[i].arm == a && rows[i].status == ITS_OK)
            n += (os ? rows[i].os_days : rows[i].pfs_days) >= t;
    return n;
}

/* Block b (0-based, blocks separated by two blank lines) of a .dat text. */
static const char *block(const char *text, int b)
{
    const char *p = text;
    for (; b > 0 && p; b--)
        if ((p = strstr(p, "\n\n\n")) != NULL)
            p += 3;
    return p;
}

static void test_risk(const char *dir)
{
    char *txt = slurp(dir, "trial_km_risk.dat", NULL);
    int ok = txt != NULL, lines = 0;
    for (int os = 0; ok && os < 2; os++) {
        const char *p = block(txt, os);
        for (int k = 0; ok && p && k < 5; k++) {
            double m;
            long n0, n1;
            p = strchr(p, '\n') + 1; /* the comment, then line k */
            ok = sscanf(p, "%lf %ld %ld", &m, &n0, &n1) == 3 &&
                 fabs(m - 6.0 * k) < 1e-9 && n0 == hand_risk(0, os, k * 182.625) &&
                 n1 == hand_risk(1, os, k * 182.625);
            if (!ok)
                printf("      %s at %d months: %g %ld %ld (hand count %ld %ld)\n",
                       os ? "OS" : "PFS", 6 * k, m, n0, n1, hand_risk(0, os, k * 182.625),
                       hand_risk(1, os, k * 182.625));
            lines++;
        }
    }
    its_test_true(ok && lines == 10 && hand_risk(0, 0, 0.0) == PER_ARM,
                  "numbers at risk at 0, 6, 12, 18 and 24 months equal a hand count "
                  "(PFS and OS, both arms; failed rows left out)");
    free(txt);
}

/* KM: arm 0's PFS curve ends at the product-limit value computed here. */
static void test_km(const char *dir)
{
    char *txt = slurp(dir, "trial_km.dat", NULL);
    double s = 1.0, last = NAN, m, v;
    int cens, censored = 0;
    for (int i = 0; i < PER_ARM; i++) /* arm 0 times are 30 + 17 i, distinct */
        if (i % 3 != 0)
            s *= 1.0 - 1.0 / (double)(PER_ARM - i);
    for (const char *p = txt ? strchr(txt, '\n') + 1 : NULL; p && *p != '\n'; p = strchr(p, '\n') + 1)
        if (sscanf(p, "%lf %lf %d", &m, &v, &cens) == 3) {
            last = v;
            censored += cens;
        }
    its_test_true(fabs(last - s) < 1e-8 && censored == 17,
                  "arm 0 PFS: the curve ends at the product-limit %.6f (got %.6f; 1e-8: 9 "
                  "digits written), 17 censoring marks (got %d)", s, last, censored);
    free(txt);
}

static void test_waterfall(const char *dir)
{
    char *txt = slurp(dir, "trial_waterfall.dat", NULL);
    int ok = txt != NULL, n = 0;
    double prev = INFINITY;
    const char *p = txt ? strchr(txt, '\n') + 1 : NULL;
    for (; ok && p && *p != '\n'; p = strchr(p, '\n') + 1) {
        unsigned rgb;
        char code[8];
        long patient, rank;
        double x;
        ok = sscanf(p, "%ld %lf %u %7s %ld", &rank, &x, &rgb, code, &patient) == 5 &&
             rank == n + 1 && x <= prev;
        for (size_t i = 0; ok && i < N_ROWS; i++)
            if (rows[i].patient == patient)
                ok = fabs(rows[i].best_change - x) < 1e-6 && /* 9 digits written */
                     !strcmp(code, its__response_code(rows[i].best)) &&
                     rgb == (!strcmp(code, "CR") ? 0x1a9641u : !strcmp(code, "PR") ? 0xa6d96au
                             : !strcmp(code, "SD") ? 0xa0a0a0u : !strcmp(code, "PD") ? 0xd7191cu
                                                                                   : 0x5e3c99u);
        prev = x;
        n++;
    }
    its_test_true(ok && n == PER_ARM - 7, "waterfall arm 0: %d bars (7 NE without a change "
                  "left out), best change descending, each bar's response and colour its "
                  "patient's (NON-CR/NON-PD as SD)", n);
    free(txt);
}

static void test_sample(const char *dir)
{
    char *txt = slurp(dir, "trial_swimmer.dat", NULL);
    int ok = txt != NULL, n = 0;
    for (int a = 0; ok && a < 2; a++) {
        const char *p = block(txt, a);
        for (p = p ? strchr(p, '\n') + 1 : NULL; ok && p && *p != '\n'; p = strchr(p, '\n') + 1) {
            char f[8][32];
            ok = sscanf(p, "%31s %31s %31s %31s %31s %31s %31s %31s", f[0], f[1], f[2], f[3],
                        f[4], f[5], f[6], f[7]) == 8 &&
                 atol(f[7]) == 100 + 2 * (n % 30) + a && atol(f[0]) == 30 - n % 30;
            n++;
        }
    }
    its_test_true(ok && n == 60, "swimmer: the first 30 patients of each arm by id, in id "
                  "order (%d lanes)", n);
    free(txt);
}

static void test_scripts(const char *dir)
{
    static const char *const figs[] = {"trial_km", "trial_waterfall", "trial_swimmer",
                                       "trial_spider", "trial_parameters"};
    int ok = 1;
    for (size_t i = 0; i < 4; i++) { /* the parameters' figure has no arm names */
        char name[64];
        snprintf(name, sizeof name, "%s.gp", figs[i]);
        char *gp = slurp(dir, name, NULL);
        ok &= gp != NULL && strstr(gp, "'HD \"IL-2\" ''x'';\\ `id` @m next & <b>'") != NULL;
        ok &= gp != NULL && strstr(gp, "IL-2\" 'x'") == NULL; /* no unquoted quote */
        free(gp);
    }
    its_test_true(ok, "every script has the hostile arm name only as one single-quoted "
                      "literal (quote doubled, newline a space)");
    char *p = slurp(dir, "trial_parameters.gp", NULL);
    its_test_true(p && strstr(p, "set logscale x") && strstr(p, "'k_growth [1/d]'") &&
                      strstr(p, "'weight [kg]'"),
                  "parameter panels: titles with units, a log axis for the one spanning "
                  "more than a decade");
    free(p);
}

static int have_gnuplot(void)
{
    const char *path = getenv("PATH");
    char dirs[4096], f[4200];
    snprintf(dirs, sizeof dirs, "%s", path ? path : "");
    for (char *d = strtok(dirs, ":"); d; d = strtok(NULL, ":")) {
        snprintf(f, sizeof f, "%s/gnuplot", d);
        if (access(f, X_OK) == 0)
            return 1;
    }
    return 0;
}

static void test_render(const its__plot_param *par)
{
    static const char *const figs[] = {"trial_km", "trial_waterfall", "trial_swimmer",
                                       "trial_spider", "trial_parameters"};
    char dir[] = "/tmp/its_plot_trial_XXXXXX", note[1200] = "", err[512] = "";
    its__plot_trial_in in = input(par);
    int ok = 1;
    if (!have_gnuplot() || !mkdtemp(dir)) {
        printf("      gnuplot not found: rendering not checked\n");
        return;
    }
    in.render = 1;
    its_status s = its__plot_trial(dir, &in, note, sizeof note, err, sizeof err);
    its_test_true(s == ITS_OK && note[0] == '\0', "rendered (%s%s)", err, note);
    for (size_t i = 0; i < 5; i++) {
        char name[64];
        size_t png = 0, svg = 0;
        snprintf(name, sizeof name, "%s.png", figs[i]);
        char *b = slurp(dir, name, &png);
        ok &= b != NULL && png > 1000 && !memcmp(b, "\x89PNG", 4);
        free(b);
        snprintf(name, sizeof name, "%s.svg", figs[i]);
        b = slurp(dir, name, &svg);
        ok &= b != NULL && svg > 1000 && strstr(b, "<svg") && strstr(b, "</svg>");
        if (i < 4)
            ok &= b != NULL && strstr(b, "next &amp; &lt;b>") != NULL && strstr(b, "<b>") == NULL;
        if (!ok)
            printf("      %s: png %zu bytes, svg %zu bytes\n", figs[i], png, svg);
        free(b);
    }
    its_test_true(ok, "PNG and SVG of each figure exist and are not empty; the SVG is a whole "
                      "document with the arm name escaped as XML (&amp; &lt;)");
    its_test_true(leftovers(dir) == 0, "no temporary left after rendering");
    remove_dir(dir);
    in.gnuplot = "/nonexistent/gnuplot";
    if (mkdtemp(strcpy(dir, "/tmp/its_plot_trial_XXXXXX"))) {
        s = its__plot_trial(dir, &in, note, sizeof note, err, sizeof err);
        its_test_true(s == ITS_OK && strstr(note, "gnuplot not found") != NULL,
                      "gnuplot missing: a note, not an error (%s)", note);
        remove_dir(dir);
    }
}

static void test_alloc_fail(const its__plot_param *par)
{
    its__plot_trial_in in = input(par);
    int all = 1, n;
    for (n = 1; n < 50; n++) {
        char dir[] = "/tmp/its_plot_trial_XXXXXX", note[256], err[256] = "";
        if (!mkdtemp(dir))
            break;
        its__alloc_fail_at(n, 1);
        its_status s = its__plot_trial(dir, &in, note, sizeof note, err, sizeof err);
        its__alloc_fail_at(0, 0);
        if (s != ITS_OK && (s != ITS_ENOMEM || err[0] == '\0'))
            all = 0;
        all &= s == ITS_OK || leftovers(dir) == 0;
        remove_dir(dir);
        if (s == ITS_OK)
            break;
    }
    its_test_true(all && n > 1 && n < 50, "each of %d allocations failing gives ITS_ENOMEM "
                  "with a message, nothing left behind", n - 1);
}

int main(void)
{
    char dir[] = "/tmp/its_plot_trial_XXXXXX", note[256], err[512] = "";
    its__plot_param par[2] = {{"k_growth", "1/d", pvals[0], 2 * PER_ARM},
                              {"weight", "kg", pvals[1], 2 * PER_ARM}};
    its__plot_trial_in in;
    make_rows();
    in = input(par);
    if (!mkdtemp(dir))
        return 1;
    its_status s = its__plot_trial(dir, &in, note, sizeof note, err, sizeof err);
    its_test_true(s == ITS_OK, "data and scripts written (%s)", err);
    test_risk(dir);
    test_km(dir);
    test_waterfall(dir);
    test_sample(dir);
    test_scripts(dir);
    its_test_true(leftovers(dir) == 0, "no temporary left");
    if (getenv("ITS_KEEP"))
        printf("      kept %s\n", dir);
    else
        remove_dir(dir);
    in.rows = NULL;
    its_test_true(its__plot_trial("/tmp", &in, note, sizeof note, err, sizeof err) == ITS_EINVAL,
                  "NULL rows: EINVAL (%s)", err);
    in = input(par);
    s = its__plot_trial("/nonexistent/itsim", &in, note, sizeof note, err, sizeof err);
    its_test_true(s == ITS_EIO && strstr(err, "/nonexistent/itsim"), "a directory that does not "
                  "exist: EIO (%s)", err);
    test_render(par);
    test_alloc_fail(par);
    return its_test_done();
}
