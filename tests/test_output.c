/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the library side of the output directory's safety (issue 9):
 * the mark, its_output_check with keep files and the working directory,
 * cancellation through its_output_opts.cancel, its_scenario_file, and
 * scenario files that are not regular files. */
#include "its_test.h"
#include "core/core.h"
#include "itsim/itsim.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[] = "/tmp/itsim_test_output_XXXXXX";

static void path_of(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", base, name);
}

static void write_text(const char *name, const char *text)
{
    char p[512];
    FILE *fp;
    path_of(p, sizeof p, name);
    fp = fopen(p, "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

static int exists(const char *name)
{
    char p[512];
    path_of(p, sizeof p, name);
    return access(p, F_OK) == 0;
}

/* Entries of base whose name starts with prefix. */
static int count_prefixed(const char *prefix)
{
    DIR *d = opendir(base);
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

static const char scenario_text[] =
    "model: hahnfeldt1999\n"
    "therapy:\n"
    "  - {input: tnp470, dose: 30 mg/kg, start: 0 d, every: 2 d, until: 10 d}\n"
    "simulate: {until: 10 d, output_every: 1 d}\n";

/* The writers take const handles but record their error on them: each
 * write starts by clearing it (a success leaves ""), and running out of
 * memory for the figure list (the first allocation of a write) leaves a
 * message too. sc holds scenario_text. */
static void test_writer_errors(its_scenario *sc, const its_result *res)
{
    its_comparison *c = NULL;
    its_output_opts o;
    char q[512];
    its_status st;
    int k;
    its_output_opts_default(&o);
    o.render = 0;
    st = its_comparison_run(sc, 1, &c);
    its_test_true(st == ITS_OK && c, "comparison of one arm runs: %s",
                  c ? its_comparison_errmsg(c) : its_scenario_errmsg(sc));
    if (!c)
        return;
    path_of(q, sizeof q, "enomem");
    for (k = 0; k < 2; k++) { /* the result, then the comparison */
        const char *why;
        its__alloc_fail_at(1, 0);
        st = k == 0 ? its_result_write(res, q, &o) : its_comparison_write(c, q, &o);
        its__alloc_fail_at(0, 0);
        why = k == 0 ? its_result_errmsg(res) : its_comparison_errmsg(c);
        its_test_true(st == ITS_ENOMEM && strstr(why, "out of memory") && !exists("enomem"),
                      "%s: out of memory for the figures, with a message: '%s'",
                      k == 0 ? "result" : "comparison", why);
    }
    path_of(q, sizeof q, "mine"); /* unmarked and not empty: refused */
    st = its_comparison_write(c, q, &o);
    its_test_true(st == ITS_EIO && its_comparison_errmsg(c)[0], "refused: '%s'",
                  its_comparison_errmsg(c));
    path_of(q, sizeof q, "cmp_out");
    st = its_comparison_write(c, q, &o);
    its_test_true(st == ITS_OK && its_comparison_errmsg(c)[0] == '\0',
                  "a successful write clears the comparison's last error: '%s'",
                  its_comparison_errmsg(c));
    path_of(q, sizeof q, "res_out");
    st = its_result_write(res, q, &o);
    its_test_true(st == ITS_OK && its_result_errmsg(res)[0] == '\0',
                  "a successful write clears the result's last error: '%s'",
                  its_result_errmsg(res));
    its_comparison_free(c);
}

int main(void)
{
    char p[512], q[512], msg[1024];
    its_scenario *sc = NULL;
    its_result *res = NULL;
    its_output_opts o;
    volatile sig_atomic_t stop = 0;
    const char *keep[2];
    its_status st;

    if (!mkdtemp(base)) {
        its_test_true(0, "mkdtemp: %s", strerror(errno));
        return its_test_done();
    }
    write_text("h.yaml", scenario_text);
    path_of(p, sizeof p, "h.yaml");
    its_scenario_create(&sc, NULL, 0);
    st = its_scenario_load_file(sc, p);
    its_test_true(st == ITS_OK, "scenario loads: %s", its_scenario_errmsg(sc));
    its_test_true(its_scenario_file(sc, 0) && strcmp(its_scenario_file(sc, 0), p) == 0 &&
                      its_scenario_file(sc, 1) == NULL,
                  "its_scenario_file: the file itself, then NULL");
    st = its_scenario_run(sc, &res);
    its_test_true(st == ITS_OK && res, "scenario runs: %s", its_scenario_errmsg(sc));
    if (!res)
        return its_test_done();

    /* the mark: written into every output directory, exact text */
    its_output_opts_default(&o);
    o.render = 0;
    path_of(q, sizeof q, "out");
    st = its_result_write(res, q, &o);
    its_test_true(st == ITS_OK && exists("out/" ITS_OUTPUT_MARK), "output carries %s",
                  ITS_OUTPUT_MARK);

    /* replacing: only with overwrite, never when it holds a kept file */
    its_test_true(its_output_check(q, &o, msg, sizeof msg) == ITS_EIO && strstr(msg, "not empty"),
                  "non-empty without overwrite refused: %s", msg);
    o.overwrite = 1;
    its_test_true(its_output_check(q, &o, msg, sizeof msg) == ITS_OK, "marked with overwrite: ok");
    write_text("out/input.yaml", scenario_text);
    path_of(p, sizeof p, "out/input.yaml");
    keep[0] = p;
    keep[1] = NULL;
    o.keep = keep;
    st = its_result_write(res, q, &o);
    its_test_true(st == ITS_EIO && exists("out/input.yaml") &&
                      strstr(its_result_errmsg(res), "holds the input file"),
                  "a directory holding a kept file is not replaced: %s", its_result_errmsg(res));
    o.keep = NULL;
    st = its_result_write(res, q, &o);
    its_test_true(st == ITS_OK && !exists("out/input.yaml"), "without keep it is replaced");

    /* unmarked, and a file in the way */
    path_of(p, sizeof p, "mine");
    mkdir(p, 0755);
    write_text("mine/notes.txt", "precious\n");
    its_test_true(its_output_check(p, &o, msg, sizeof msg) == ITS_EIO &&
                      strstr(msg, "itsim did not write it"),
                  "unmarked directory refused: %s", msg);
    write_text("afile", "x\n");
    path_of(p, sizeof p, "afile");
    its_test_true(its_output_check(p, &o, msg, sizeof msg) == ITS_EIO &&
                      strstr(msg, "is a file, not a directory"),
                  "a file in the way: %s", msg);

    /* the working directory and its parents */
    if (chdir(base) == 0) {
        its_test_true(its_output_check(base, &o, msg, sizeof msg) == ITS_EIO &&
                          strstr(msg, "working directory"),
                      "the working directory is refused: %s", msg);
        if (chdir("/") != 0)
            its_test_true(0, "chdir /");
    }

    /* cancelled before anything is written: nothing left behind */
    stop = 1;
    o.cancel = &stop;
    path_of(q, sizeof q, "cancelled");
    st = its_result_write(res, q, &o);
    its_test_true(st == ITS_ECANCELLED && !exists("cancelled") && count_prefixed("cancelled.") == 0,
                  "cancel flag set: ITS_ECANCELLED, nothing written (%s)", its_result_errmsg(res));
    its_test_true(strcmp(its_status_name(ITS_ECANCELLED), "ITS_ECANCELLED") == 0,
                  "ITS_ECANCELLED has a name");

    /* stale temporaries: one marked partial goes, an unmarked one stays,
     * and so does a finished output that happens to be called out.tmp.*
     * (its mark says done), with a file the user added to it */
    path_of(p, sizeof p, "out.tmp.Ab12Cd");
    mkdir(p, 0700);
    write_text("out.tmp.Ab12Cd/" ITS_OUTPUT_MARK, ITS_OUTPUT_MARK_PARTIAL);
    write_text("out.tmp.Ab12Cd/timeseries.csv", "partial\n");
    path_of(p, sizeof p, "out.tmp.Xy34Zw");
    mkdir(p, 0700);
    write_text("out.tmp.Xy34Zw/notes.txt", "precious\n");
    stop = 0;
    path_of(q, sizeof q, "out.tmp.Qr56St");
    st = its_result_write(res, q, &o);
    its_test_true(st == ITS_OK && exists("out.tmp.Qr56St/" ITS_OUTPUT_MARK),
                  "a finished output called out.tmp.Qr56St: %s", its_result_errmsg(res));
    write_text("out.tmp.Qr56St/notes.txt", "precious\n");
    path_of(q, sizeof q, "out");
    st = its_result_write(res, q, &o);
    its_test_true(st == ITS_OK && !exists("out.tmp.Ab12Cd") && exists("out.tmp.Xy34Zw/notes.txt"),
                  "stale marked out.tmp.* removed, unmarked kept: %s", its_result_errmsg(res));
    its_test_true(exists("out.tmp.Qr56St/notes.txt") && exists("out.tmp.Qr56St/timeseries.csv"),
                  "a finished output called out.tmp.* is not taken for a stale one");

    /* not a regular file: refused before reading */
    path_of(p, sizeof p, "fifo.yaml");
    if (mkfifo(p, 0600) == 0) {
        st = its_scenario_load_file(sc, p);
        its_test_true(st == ITS_EIO && strstr(its_scenario_errmsg(sc), "not a regular file (a FIFO)"),
                      "a FIFO is refused: %s", its_scenario_errmsg(sc));
    }
    st = its_scenario_load_file(sc, base);
    its_test_true(st == ITS_EIO && strstr(its_scenario_errmsg(sc), "(a directory)"),
                  "a directory is refused: %s", its_scenario_errmsg(sc));

    st = its_scenario_load_string(sc, scenario_text, strlen(scenario_text), "h.yaml");
    its_test_true(st == ITS_OK, "reloaded: %s", its_scenario_errmsg(sc));
    test_writer_errors(sc, res);

    /* a comparison lists its arm files */
    write_text("arm.yaml", "model: tme\n");
    write_text("cmp.yaml", "model: tme\nsimulate: {until: 1 d}\narms:\n"
                           "  - {name: a, file: arm.yaml}\n  - {name: b, regimen: hd_il2}\n");
    path_of(p, sizeof p, "cmp.yaml");
    path_of(q, sizeof q, "arm.yaml");
    st = its_scenario_load_file(sc, p);
    its_test_true(st == ITS_OK && its_scenario_file(sc, 0) && strcmp(its_scenario_file(sc, 0), p) == 0 &&
                      its_scenario_file(sc, 1) && strcmp(its_scenario_file(sc, 1), q) == 0 &&
                      its_scenario_file(sc, 2) == NULL,
                  "its_scenario_file: the comparison, its arm file, no regimen: %s",
                  its_scenario_errmsg(sc));
    st = its_scenario_load_string(sc, scenario_text, strlen(scenario_text), p);
    its_test_true(st == ITS_OK && its_scenario_file(sc, 0) == NULL,
                  "loaded from text: no files");

    /* model names: tme's range, and a small buffer stays terminated */
    its_model_names(msg, sizeof msg);
    its_test_true(strncmp(msg, "tme, tme:1 to tme:8, ", 21) == 0, "model names: %s", msg);
    memset(msg, 'x', 16);
    its_model_names(msg, 8);
    its_test_true(strlen(msg) == 7, "model names cut short to 7 chars: '%s'", msg);
    its_model_names(NULL, 8); /* no buffer: nothing written, no crash */
    its_model_names(msg, 0);
    its_test_true(strlen(msg) == 7, "model names: n = 0 writes nothing");
    its_test_true(its_model_variants(its_model_find("tme")) == 8 &&
                      its_model_variants(its_model_find("pk2cpt")) == 0 &&
                      its_model_find("tme:8") && !its_model_find("tme:9") && !its_model_find("tme:0"),
                  "tme has 8 variants, tme:9 and tme:0 are unknown");

    its_result_free(res);
    its_scenario_free(sc);
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
        if (system(cmd) != 0)
            its_test_true(0, "clean-up");
    }
    return its_test_done();
}
