/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: every named regimen schedules, for the default patient
 * (70 kg, 175 cm, Mosteller body-surface area), what its source prescribes:
 * the number of administrations, their times (doses per cycle, intervals,
 * rest), the route's tme input and the amount of each administration
 * converted through weight or body-surface area and the agent's IU per mg
 * and molecular weight. The numbers are read from the doses.csv a one-year
 * run writes. examples/regimens/NAME.yaml must be the regimen's scenario
 * (`test_regimens --write` regenerates the files). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itsim/itsim.h"
#include "its_test.h"

/* Default patient of every regimen: Mosteller sqrt(175 cm * 70 kg / 3600). */
#define WEIGHT_KG 70.0
#define BSA_M2 sqrt(175.0 * 70.0 / 3600.0)
#define MAX_PER_CYCLE 14

/* One phase of a regimen: `count` administrations; cycle c (from 0) starts
 * at start + c * cycle and holds n_offsets administrations at the given
 * offsets (days) from its start. */
typedef struct phase {
    const char *input;   /* tme input the agent and route reach */
    size_t count;
    double start, cycle; /* d */
    size_t n_offsets;
    double offsets[MAX_PER_CYCLE];
    double amount;       /* per administration, in the input's unit */
    double duration;     /* infusion duration in d; 0 for a bolus */
} phase;

typedef struct expect {
    const char *regimen;
    size_t n_phases;
    phase phases[2];
} expect;

/* pmol of `iu` international units of an agent: IU / (IU/mg) / (g/mol). */
static double iu_to_pmol(const char *agent, double iu)
{
    const its_agent *a = its_agent_find(agent);
    return iu / a->iu_per_mg * 1e-3 / a->mw * 1e12; /* mg -> g -> mol -> pmol */
}

/* mol of g grams of an agent. */
static double g_to_mol(const char *agent, double g)
{
    return g / its_agent_find(agent)->mw;
}

/* Every 8 h, 14 times (HD IL-2); daily, 14 times (GM-CSF); Mon-Fri and
 * Mon/Wed/Fri of a week that starts on a Monday. */
#define Q8H_X14 {0, 1 / 3.0, 2 / 3.0, 1, 4 / 3.0, 5 / 3.0, 2, 7 / 3.0, 8 / 3.0, 3, 10 / 3.0, 11 / 3.0, 4, 13 / 3.0}
#define DAILY_X14 {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}
#define MON_TO_FRI {0, 1, 2, 3, 4}
#define MON_WED_FRI {0, 2, 4}

static void fill(expect *e, size_t n)
{
    /* HD IL-2, Proleukin (aldesleukin) US label: 600,000 IU/kg by 15-minute
     * IV infusion every 8 hours for at most 14 doses; after 9 days of rest
     * another 14 doses. The second cycle starts 14 x 8 h + 9 d = 13.667 d
     * after the first. */
    const expect all[] = {
        {"hd_il2", 1,
         {{"il2", 28, 0.0, 14.0 / 3.0 + 9.0, 14, Q8H_X14,
           iu_to_pmol("aldesleukin", 600000.0 * WEIGHT_KG), 15.0 / 1440.0}}},
        /* Intron A (interferon alfa-2b) US label, melanoma (E1684, Kirkwood
         * 1996): induction 20 MIU/m2 IV over 20 minutes on 5 consecutive
         * days a week for 4 weeks, then 10 MIU/m2 SC three times a week for
         * 48 weeks. */
        {"hd_ifn", 2,
         {{"ifna", 20, 0.0, 7.0, 5, MON_TO_FRI,
           iu_to_pmol("interferon_alfa_2b", 20e6 * BSA_M2), 20.0 / 1440.0},
          {"ifna_sc", 144, 28.0, 7.0, 3, MON_WED_FRI,
           iu_to_pmol("interferon_alfa_2b", 10e6 * BSA_M2), 0.0}}},
        /* E1690 low-dose arm (Kirkwood et al. 2000, J Clin Oncol 18:2444):
         * 3 MIU SC three times a week; one year of it here. */
        {"ld_ifn", 1,
         {{"ifna_sc", 156, 0.0, 7.0, 3, MON_WED_FRI, iu_to_pmol("interferon_alfa_2b", 3e6), 0.0}}},
        /* E4697 (Kaufman et al. 2014, J Immunother Cancer 2:11, Table 1):
         * sargramostim 250 ug/m2 SC on days 1-14 of 28 for a year (13
         * cycles). */
        {"gmcsf", 1,
         {{"gmcsf_sc", 182, 0.0, 28.0, 14, DAILY_X14,
           g_to_mol("sargramostim", 250e-6 * BSA_M2) * 1e12, 0.0}}},
        /* Keytruda (pembrolizumab) US label: 200 mg IV over 30 minutes every
         * 3 weeks; doses on days 0, 21, ..., 357 before the 364-day stop. */
        {"pembrolizumab", 1,
         {{"antipd1", 18, 0.0, 21.0, 1, {0}, g_to_mol("pembrolizumab", 0.2) * 1e9,
           30.0 / 1440.0}}},
        /* CheckMate 066 / EORTC 18032 comparator: dacarbazine 1,000 mg/m2
         * IV on day 1 every 3 weeks (the regimen infuses over 60 minutes). */
        {"dacarbazine", 1,
         {{"dacarbazine", 18, 0.0, 21.0, 1, {0}, g_to_mol("dacarbazine", 1.0 * BSA_M2) * 1e6,
           60.0 / 1440.0}}},
    };
    memcpy(e, all, n * sizeof *e);
}
#define N_EXPECT 6

/* Time of administration k of phase p. */
static double time_of(const phase *p, size_t k)
{
    return p->start + (double)(k / p->n_offsets) * p->cycle + p->offsets[k % p->n_offsets];
}

/* Check the doses.csv of a run against e. Times: 1e-4 d, since the HD IL-2
 * regimen writes its cycle rounded to 13.6667 d (13.66667 by the label);
 * amounts: 1e-8 relative, the file's 10 significant digits for the rate
 * times the duration. */
static void check_doses(const expect *e, const char *path)
{
    FILE *fp = fopen(path, "r");
    char line[512];
    size_t ph = 0, k = 0, rows = 0, bad_time = 0, bad_amount = 0, bad_input = 0, want = 0;
    double worst_t = 0.0, worst_a = 0.0;

    for (ph = 0; ph < e->n_phases; ph++)
        want += e->phases[ph].count;
    ph = 0;
    if (fp == NULL || fgets(line, sizeof line, fp) == NULL ||
        strncmp(line, "t,input,kind,planned,unit,", 26) != 0) {
        its_test_true(0, "%s: doses file %s with its header", e->regimen, path);
        if (fp != NULL)
            fclose(fp);
        return;
    }
    while (fgets(line, sizeof line, fp) != NULL) {
        char input[64], kind[16];
        double t, planned, amount;
        const phase *p;
        if (sscanf(line, "%lf,%63[^,],%15[^,],%lf,", &t, input, kind, &planned) != 4)
            continue;
        rows++;
        if (ph >= e->n_phases)
            continue;
        p = &e->phases[ph];
        amount = p->duration > 0.0 ? planned * p->duration : planned;
        worst_t = fmax(worst_t, fabs(t - time_of(p, k)));
        worst_a = fmax(worst_a, fabs(amount / p->amount - 1.0));
        bad_time += fabs(t - time_of(p, k)) > 1e-4;
        bad_amount += fabs(amount / p->amount - 1.0) > 1e-8;
        bad_input += strcmp(input, p->input) != 0 ||
                     strcmp(kind, p->duration > 0.0 ? "infusion" : "bolus") != 0;
        if (++k == p->count) {
            ph++;
            k = 0;
        }
    }
    fclose(fp);
    its_test_true(rows == want, "%s: %zu administrations in the year (source: %zu)", e->regimen,
                  rows, want);
    its_test_true(bad_time == 0, "%s: every administration at its scheduled time (worst %.3g d)",
                  e->regimen, worst_t);
    its_test_true(bad_amount == 0,
                  "%s: every administration of the labelled amount for 70 kg, %.4f m2 "
                  "(worst relative error %.3g)", e->regimen, BSA_M2, worst_a);
    its_test_true(bad_input == 0, "%s: into %s%s%s by the route of the regimen", e->regimen,
                  e->phases[0].input, e->n_phases > 1 ? ", then " : "",
                  e->n_phases > 1 ? e->phases[1].input : "");
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char path[1024];
    while (d != NULL && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        unlink(path);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    int write = argc > 1 && strcmp(argv[1], "--write") == 0;
    char base[] = "/tmp/itsim_test_regimens_XXXXXX";
    expect e[N_EXPECT];
    size_t i;

    its_test_true(its_regimen_count() == N_EXPECT && its_regimen_find("nope") == NULL,
                  "%zu regimens, each checked below", its_regimen_count());
    fill(e, N_EXPECT);
    if (!write && mkdtemp(base) == NULL) {
        its_test_true(0, "mkdtemp: %s", strerror(errno));
        return its_test_done();
    }
    for (i = 0; i < its_regimen_count() && i < N_EXPECT; i++) {
        const its_regimen *r = its_regimen_at(i);
        char path[512], dir[600], doses[700];
        char *text;
        its_scenario *sc = NULL;
        its_result *res = NULL;
        its_output_opts o;
        its_status st;

        snprintf(path, sizeof path, "%s/examples/regimens/%s.yaml", ITS_SOURCE_DIR, r->name);
        if (write) {
            FILE *fp = fopen(path, "wb");
            if (fp != NULL) {
                fputs(r->scenario, fp);
                fclose(fp);
            }
            continue;
        }
        /* `itsim regimens` points users to these files as the regimens:
         * a stale copy would run something else than --regimen NAME. */
        text = its_test_slurp(path);
        its_test_true(text != NULL && strcmp(text, r->scenario) == 0,
                      "%s matches the library (regenerate: test_regimens --write)", path);
        free(text);
        its_test_true(strcmp(r->name, e[i].regimen) == 0, "regimen %zu is %s", i, e[i].regimen);
        its_scenario_create(&sc, NULL, 0);
        st = its_scenario_load_string(sc, r->scenario, strlen(r->scenario), r->name);
        if (st == ITS_OK)
            st = its_scenario_run(sc, &res);
        snprintf(dir, sizeof dir, "%s/%s", base, r->name);
        its_output_opts_default(&o);
        o.figures = 0;
        if (st == ITS_OK)
            st = its_result_write(res, dir, &o);
        its_test_true(st == ITS_OK, "regimen %s runs on tme for a year and writes its files: %s",
                      r->name, st == ITS_OK ? "ok" : its_scenario_errmsg(sc));
        snprintf(doses, sizeof doses, "%s/doses.csv", dir);
        if (st == ITS_OK)
            check_doses(&e[i], doses);
        remove_tree(dir);
        its_result_free(res);
        its_scenario_free(sc);
    }
    if (!write)
        rmdir(base);
    return write ? 0 : its_test_done();
}
