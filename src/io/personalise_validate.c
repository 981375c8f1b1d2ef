/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: the validation study of personalised treatment (itsim/io.h
 * its_personalise_validate; docs/personalise.md, "Validation"): synthetic
 * patients one after another, each written to DIR/patient_NNNNNN.tsv as
 * soon as it is done (so a killed study continues where it stopped, with
 * the same results), then the coverage of the credible intervals, the
 * calibration of the predictions and the regret of the choice over all of
 * them, in DIR/validation.json and printed. */
#include "io/io.h"
#include "run/run.h"
#include "core/gsl_adapter.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void its_validate_opts_default(its_validate_opts *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->patients = 100;
    o->seed = 1;
    its_fit_opts_default(&o->fit);
    its_choice_opts_default(&o->choice);
    o->figures = o->render = 1;
}

static void put_patient(const void *ctx, FILE *fp)
{
    const its__val_patient *v = ctx;
    size_t j;
    /* no wall time: a patient's file is a pure function of the study */
    fprintf(fp, "patient\t%llu\t%d\t%.17g\t%.17g\n", (unsigned long long)v->patient,
            v->converged, v->max_rhat, v->min_ess);
    for (j = 0; j < v->d; j++)
        fprintf(fp, "var\t%zu\t%.17g\t%.17g\t%.17g\t%.17g\t%d\t%d\n", j, v->x_true[j], v->q05[j],
                v->q50[j], v->q95[j], v->covered[j], v->rank[j]);
    for (j = 0; j < v->n_opt; j++)
        fprintf(fp, "opt\t%s\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%d\t%d\t%d\t%.17g\n",
                v->id[j], v->p_or[j], v->p_g3[j], v->rmst[j], v->pfs_q05[j], v->pfs_q95[j],
                v->objective[j], v->feasible[j], v->t_resp[j], v->t_g3[j], v->t_pfs[j]);
    fputs("end\n", fp);
}

/* Read back a patient's file (a complete one ends with "end"): 1 when
 * complete, 0 when missing or incomplete (to be computed), -1 when
 * complete but not this study's (d variables, ranks in 0..draws, covered
 * 0 or 1): an error naming the file and line, in msg. */
static int read_patient(const char *path, size_t d, size_t draws, its__val_patient *v, char *msg,
                        size_t msglen)
{
    FILE *fp = fopen(path, "r");
    char line[512];
    int done = 0, bad = 0;
    long ln = 0;
    size_t nvar = 0;
    unsigned long long p;
    if (!fp)
        return 0;
    memset(v, 0, sizeof *v);
    while (!bad && fgets(line, sizeof line, fp)) {
        size_t j;
        ln++;
        if (strncmp(line, "end", 3) == 0)
            done = 1;
        else if (sscanf(line, "patient\t%llu\t%d\t%lf\t%lf", &p, &v->converged,
                        &v->max_rhat, &v->min_ess) == 4)
            v->patient = p;
        else if (sscanf(line, "var\t%zu", &j) == 1) {
            if (j >= d || j != nvar ||
                sscanf(line, "var\t%zu\t%lf\t%lf\t%lf\t%lf\t%d\t%d", &j, &v->x_true[j],
                       &v->q05[j], &v->q50[j], &v->q95[j], &v->covered[j], &v->rank[j]) != 7 ||
                (v->covered[j] != 0 && v->covered[j] != 1) || v->rank[j] < 0 ||
                (size_t)v->rank[j] > draws) {
                its__fmt(msg, msglen, "%s:%ld: not this study's variable line (want variable %zu "
                         "of %zu, then its truth, interval, covered 0 or 1 and a rank in "
                         "0..%zu)", path, ln, nvar, d, draws);
                bad = 1;
            }
            v->d = ++nvar;
        } else if (v->n_opt < ITS__VAL_MAXOPT) {
            size_t k = v->n_opt;
            if (sscanf(line, "opt\t%23s\t%lf\t%lf\t%lf\t%lf\t%lf\t%lf\t%d\t%d\t%d\t%lf", v->id[k],
                       &v->p_or[k], &v->p_g3[k], &v->rmst[k], &v->pfs_q05[k], &v->pfs_q95[k],
                       &v->objective[k], &v->feasible[k], &v->t_resp[k], &v->t_g3[k],
                       &v->t_pfs[k]) == 11)
                v->n_opt++;
        }
    }
    fclose(fp);
    if (!bad && done && nvar != d) {
        its__fmt(msg, msglen, "%s: %zu variables, this study has %zu", path, nvar, d);
        bad = 1;
    }
    return bad ? -1 : done;
}

/* What the study found, over its patients. */
typedef struct agg {
    size_t n, d, n_conv;
    const char *name[ITS__VAL_MAXD];
    double cover[ITS__VAL_MAXD];     /* share of patients covered */
    double cover_lo[ITS__VAL_MAXD];  /* its 95 % Clopper-Pearson interval */
    double cover_hi[ITS__VAL_MAXD];
    double cover_mean;               /* over the variables */
    double band_lo, band_hi;         /* the central 95 % of Binomial(n, 0.9) / n */
    size_t n_outside;                /* variables whose coverage lies outside it */
    double sbc_p[ITS__VAL_MAXD];     /* chi-square p of the ranks in 10 bins */
    size_t rank_bins[10];            /* the ranks pooled over the variables */
    double rank_share[10];           /* a correct posterior's share in each bin */
    double pfs_cover;                /* true PFS within the 90 % predictive interval */
    double brier;                    /* P(response) against the true response */
    double regret, regret_pop, regret_random;
    double chosen_true;
    size_t n_best;            /* patients whose chosen candidate is truly best */
    size_t n_differ;          /* patients whose feasible candidates' truths differ */
    size_t n_best_differ;     /* of those, chosen truly best */
    size_t n_pop_best_differ; /* of those, the population's best truly best */
    size_t n_pred;
    char pop_best[24];
    /* per candidate (patient 0's, matched by id): patients whose 90 %
     * predictive interval of PFS held the true PFS, out of pfs_n */
    size_t n_cand, pfs_k[ITS__VAL_MAXOPT], pfs_n[ITS__VAL_MAXOPT];
    double pfs_lo[ITS__VAL_MAXOPT], pfs_hi[ITS__VAL_MAXOPT];
    const char *cand[ITS__VAL_MAXOPT];
} agg;

/* The true objective of option k of patient v. */
static double true_objective(const its__val_patient *v, size_t k, int objective, double horizon)
{
    return objective ? v->t_pfs[k] / horizon : (double)v->t_resp[k];
}

static void aggregate(const its__val_patient *v, size_t n, size_t draws, int objective,
                      double horizon, double max_grade3, agg *a)
{
    size_t i, j, k, bins[10], size[10] = {0}, used = 0;
    double best_mean = -1.0;
    int best_safe = 0;
    a->n = n;
    /* a rank takes draws + 1 values; bin k holds those r with r 10 /
     * (draws + 1) = k, size[k] of them (not all equal): a correct
     * posterior puts n size[k] / (draws + 1) ranks in bin k */
    for (k = 0; k <= draws; k++)
        size[k * 10 / (draws + 1)]++;
    for (k = 0; k < 10; k++) {
        a->rank_share[k] = (double)size[k] / (double)(draws + 1);
        used += size[k] > 0;
    }
    for (j = 0; j < a->d; j++) {
        double chi = 0.0;
        memset(bins, 0, sizeof bins);
        for (i = 0, a->cover[j] = 0.0; i < n; i++) {
            a->cover[j] += v[i].covered[j];
            bins[(size_t)v[i].rank[j] * 10 / (draws + 1)]++;
            a->rank_bins[(size_t)v[i].rank[j] * 10 / (draws + 1)]++;
        }
        its__binom_ci((unsigned)a->cover[j], (unsigned)n, 0.95, &a->cover_lo[j],
                      &a->cover_hi[j]);
        a->cover[j] /= (double)n;
        a->cover_mean += a->cover[j] / (double)a->d;
        for (k = 0; k < 10; k++)
            if (size[k] > 0) {
                double e = (double)n * a->rank_share[k];
                chi += pow((double)bins[k] - e, 2) / e;
            }
        a->sbc_p[j] = used > 1 ? its__chisq_upper(chi, (double)(used - 1)) : (double)NAN;
    }
    /* where a correct posterior's coverage falls with probability 0.95 */
    a->band_lo = (double)its__binom_quantile(0.025, (unsigned)n, 0.9) / (double)n;
    a->band_hi = (double)its__binom_quantile(0.975, (unsigned)n, 0.9) / (double)n;
    for (j = 0; j < a->d; j++)
        a->n_outside += a->cover[j] < a->band_lo || a->cover[j] > a->band_hi;
    /* the option best on average over the patients' truths among those
     * whose share of true grade >= 3 events is within the bound (any
     * option when none is): the population's choice without
     * personalisation, under the same bound */
    for (k = 0; n > 0 && k < v[0].n_opt; k++) {
        double mean = 0.0, g3 = 0.0;
        for (i = 0; i < n; i++)
            for (j = 0; j < v[i].n_opt; j++)
                if (strcmp(v[i].id[j], v[0].id[k]) == 0) {
                    mean += true_objective(&v[i], j, objective, horizon) / (double)n;
                    g3 += (double)v[i].t_g3[j] / (double)n;
                }
        /* a safe option beats any unsafe one; then the better mean */
        if ((g3 <= max_grade3) > best_safe ||
            ((g3 <= max_grade3) == best_safe && mean > best_mean)) {
            best_safe = g3 <= max_grade3;
            best_mean = mean;
            its__fmt(a->pop_best, sizeof a->pop_best, "%s", v[0].id[k]);
        }
    }
    for (i = 0; i < n; i++) {
        double best = 0.0, worst = INFINITY, mean = 0.0, pop = 0.0, chosen;
        size_t nf = 0;
        a->n_conv += (size_t)v[i].converged;
        for (k = 0; k < v[i].n_opt; k++) {
            double t = true_objective(&v[i], k, objective, horizon);
            a->pfs_cover += v[i].t_pfs[k] >= v[i].pfs_q05[k] && v[i].t_pfs[k] <= v[i].pfs_q95[k];
            a->brier += pow(v[i].p_or[k] - (double)v[i].t_resp[k], 2);
            a->n_pred++;
            if (strcmp(v[i].id[k], a->pop_best) == 0)
                pop = t;
            if (!v[i].feasible[k])
                continue;
            best = fmax(best, t);
            worst = fmin(worst, t);
            mean += t;
            nf++;
        }
        chosen = true_objective(&v[i], 0, objective, horizon);
        /* the chosen candidate among the truly best feasible ones; where
         * these differ at all, the choice can be told from a guess */
        a->n_best += chosen >= best;
        if (nf > 1 && best > worst) {
            a->n_differ++;
            a->n_best_differ += chosen >= best;
            a->n_pop_best_differ += pop >= best;
        }
        a->chosen_true += chosen / (double)n;
        a->regret += (best - true_objective(&v[i], 0, objective, horizon)) / (double)n;
        a->regret_pop += (best - pop) / (double)n;
        a->regret_random += (nf ? best - mean / (double)nf : 0.0) / (double)n;
    }
    if (a->n_pred) {
        a->pfs_cover /= (double)a->n_pred;
        a->brier /= (double)a->n_pred;
    }
    a->n_cand = n > 0 ? v[0].n_opt : 0;
    for (k = 0; k < a->n_cand; k++) {
        a->cand[k] = v[0].id[k];
        for (i = 0; i < n; i++)
            for (j = 0; j < v[i].n_opt; j++)
                if (strcmp(v[i].id[j], a->cand[k]) == 0) {
                    a->pfs_n[k]++;
                    a->pfs_k[k] += v[i].t_pfs[j] >= v[i].pfs_q05[j] &&
                                   v[i].t_pfs[j] <= v[i].pfs_q95[j];
                }
        its__binom_ci((unsigned)a->pfs_k[k], (unsigned)a->pfs_n[k], 0.95, &a->pfs_lo[k],
                      &a->pfs_hi[k]);
    }
}

typedef struct vout {
    const agg *a;
    const its_validate_opts *o;
    int objective;
} vout;

/* key (with its separator) and the array [lo, hi] */
static void json_pair(FILE *fp, const char *key, double lo, double hi)
{
    fputs(key, fp);
    fputc('[', fp);
    its__json_num(fp, lo);
    fputs(", ", fp);
    its__json_num(fp, hi);
    fputc(']', fp);
}

static void put_json(const void *ctx, FILE *fp)
{
    const vout *x = ctx;
    const agg *a = x->a;
    size_t j;
    fprintf(fp, "{\n  \"patients\": %zu,\n  \"seed\": %llu,\n  \"converged\": %zu,\n"
            "  \"objective\": \"%s\",\n  \"variables\": [", a->n,
            (unsigned long long)x->o->seed, a->n_conv, x->objective ? "pfs" : "response");
    for (j = 0; j < a->d; j++) {
        fprintf(fp, "%s\n    {\"name\": ", j ? "," : "");
        its__json_string(fp, a->name[j] ? a->name[j] : "");
        fputs(", \"coverage_90\": ", fp);
        its__json_num(fp, a->cover[j]);
        json_pair(fp, ", \"coverage_90_ci95\": ", a->cover_lo[j], a->cover_hi[j]);
        fputs(", \"sbc_rank_p\": ", fp);
        its__json_num(fp, a->sbc_p[j]);
        fputc('}', fp);
    }
    fputs("\n  ],\n  \"coverage_90_mean\": ", fp);
    its__json_num(fp, a->cover_mean);
    json_pair(fp, ",\n  \"coverage_90_band95\": ", a->band_lo, a->band_hi);
    fprintf(fp, ",\n  \"variables_outside_band\": %zu", a->n_outside);
    fputs(",\n  \"pfs_coverage_90\": ", fp);
    its__json_num(fp, a->pfs_cover);
    fputs(",\n  \"pfs_coverage_90_by_candidate\": [", fp);
    for (j = 0; j < a->n_cand; j++) {
        fprintf(fp, "%s\n    {\"candidate\": ", j ? "," : "");
        its__json_string(fp, a->cand[j]);
        fprintf(fp, ", \"patients\": %zu, \"coverage_90\": ", a->pfs_n[j]);
        its__json_num(fp, a->pfs_n[j] ? (double)a->pfs_k[j] / (double)a->pfs_n[j] : (double)NAN);
        json_pair(fp, ", \"coverage_90_ci95\": ", a->pfs_lo[j], a->pfs_hi[j]);
        fputc('}', fp);
    }
    fputs("\n  ]", fp);
    fputs(",\n  \"brier_response\": ", fp);
    its__json_num(fp, a->brier);
    fputs(",\n  \"regret\": {\"chosen\": ", fp);
    its__json_num(fp, a->regret);
    fputs(", \"population_best\": ", fp);
    its__json_num(fp, a->regret_pop);
    fputs(", \"random\": ", fp);
    its__json_num(fp, a->regret_random);
    fputs(", \"population_best_option\": ", fp);
    its__json_string(fp, a->pop_best);
    fprintf(fp, "},\n  \"choice\": {\"patients_chosen_truly_best\": %zu, "
            "\"patients_where_candidates_differ\": %zu, \"of_those_chosen_truly_best\": %zu, "
            "\"of_those_population_best_truly_best\": %zu", a->n_best, a->n_differ,
            a->n_best_differ, a->n_pop_best_differ);
    fputs("},\n  \"chosen_true_objective\": ", fp);
    its__json_num(fp, a->chosen_true);
    fputs("\n}\n", fp);
}

/* validation_coverage: one row per variable (its index from 1, name,
 * coverage, interval); the script draws the band and the nominal 0.9. */
static void cov_dat(const void *ctx, FILE *fp)
{
    const agg *a = ((const vout *)ctx)->a;
    size_t j;
    fputs("variable,name,coverage_90,ci95_low,ci95_high\n", fp);
    for (j = 0; j < a->d; j++) {
        fprintf(fp, "%zu,", j + 1);
        its__csv_text(fp, a->name[j] ? a->name[j] : "");
        fprintf(fp, ",%.6f,%.6f,%.6f\n", a->cover[j], a->cover_lo[j], a->cover_hi[j]);
    }
}

static void cov_gp(const void *ctx, FILE *fp)
{
    const agg *a = ((const vout *)ctx)->a;
    fputs("# validation_coverage.gp: per variable, the share of synthetic patients whose 90 %\n"
          "# credible interval held the true value, with its 95 % Clopper-Pearson interval;\n"
          "# shaded, where a correct posterior's coverage falls with probability 0.95.\n", fp);
    its__gp_png_svg_head(fp, "validation_coverage", "'coverage of the 90 % credible intervals'");
    fprintf(fp, "    set ylabel 'coverage'; set yrange [0:1.05]; set xrange [0.5:%zu.5]\n"
            "    set xtics rotate by 45 right\n"
            "    set object 1 rect from graph 0, first %.6f to graph 1, first %.6f behind "
            "fc rgb '#1f77b4' fs transparent solid 0.15 noborder\n"
            "    set arrow 1 from graph 0, first 0.9 to graph 1, first 0.9 nohead dt 2 "
            "lc rgb '#1f77b4'\n"
            "    plot 'validation_coverage.dat' every ::1 using 1:3:4:5:xticlabels(2) with "
            "yerrorbars pt 7 lc rgb '#d62728' title 'coverage (%zu patients), 95 %% CI'\n"
            "    set output\n}\n", a->d, a->band_lo, a->band_hi, a->n);
}

/* validation_ranks: the truths' ranks among the kept draws, pooled over
 * the variables, in the 10 bins of the rank test (uniform if correct). */
static void rank_dat(const void *ctx, FILE *fp)
{
    const agg *a = ((const vout *)ctx)->a;
    size_t k;
    fputs("bin,count,expected\n", fp);
    for (k = 0; k < 10; k++)
        fprintf(fp, "%zu,%zu,%.17g\n", k + 1, a->rank_bins[k],
                (double)(a->n * a->d) * a->rank_share[k]);
}

static void rank_gp(const void *ctx, FILE *fp)
{
    (void)ctx;
    fputs("# validation_ranks.gp: the truths' ranks among the kept posterior draws, pooled over\n"
          "# the variables, in 10 bins: as the dashed steps for a correct posterior (flat up to\n"
          "# the bins' sizes); a U shape means intervals too narrow, a hump too wide, a slope a\n"
          "# bias (Talts et al. 2018).\n", fp);
    its__gp_png_svg_head(fp, "validation_ranks", "'ranks of the truths among the posterior draws'");
    fputs("    set xlabel 'rank bin (1: the truth below 90 % or more of the draws, 10: above)'\n"
          "    set ylabel '(patient, variable) pairs'; set yrange [0:*]; set xrange [0.5:10.5]\n"
          "    set xtics 1; set style fill solid 0.5\n", fp);
    fputs("    plot 'validation_ranks.dat' every ::1 using 1:2 with boxes lc rgb '#d62728' "
          "title 'truths', '' every ::1 using 1:3 with histeps dt 2 lw 2 lc rgb '#1f77b4' "
          "title 'a correct posterior'\n    set output\n}\n", fp);
}

static void print_agg(const agg *a, FILE *fp)
{
    size_t j;
    fprintf(fp, "validation over %zu synthetic patients (%zu fits converged)\n", a->n, a->n_conv);
    fprintf(fp, "%-22s %10s %15s %10s\n", "variable", "90% cover", "its 95% CI", "SBC p");
    for (j = 0; j < a->d; j++)
        fprintf(fp, "%-22s %10.3f %7.3f-%-7.3f %10.3g\n", a->name[j] ? a->name[j] : "",
                a->cover[j], a->cover_lo[j], a->cover_hi[j], a->sbc_p[j]);
    fprintf(fp, "mean coverage of the 90 %% credible intervals: %.3f\n", a->cover_mean);
    fprintf(fp, "a correct posterior's coverage lies in %.3f-%.3f with probability 0.95 (n = "
            "%zu): %zu of %zu variables outside\n", a->band_lo, a->band_hi, a->n, a->n_outside,
            a->d);
    fprintf(fp, "true PFS within the 90 %% predictive interval: %.3f; Brier score of "
            "P(response): %.4f\n", a->pfs_cover, a->brier);    for (j = 0; j < a->n_cand; j++)
        fprintf(fp, "  %-22s true PFS within its 90 %% predictive interval: %.3f (95 %% CI "
                "%.3f-%.3f, %zu patients)\n", a->cand[j],
                a->pfs_n[j] ? (double)a->pfs_k[j] / (double)a->pfs_n[j] : (double)NAN,
                a->pfs_lo[j], a->pfs_hi[j], a->pfs_n[j]);
    fprintf(fp, "regret (true objective of the best feasible candidate minus the chosen's): "
            "%.4f; the population's best (%s): %.4f; a random feasible candidate: %.4f\n",
            a->regret, a->pop_best, a->regret_pop, a->regret_random);
    fprintf(fp, "the chosen candidate truly best (among the feasible): %zu of %zu patients; where "
            "the feasible candidates' true outcomes differ (%zu patients): chosen %zu, the "
            "population's best %zu\n", a->n_best, a->n, a->n_differ, a->n_best_differ,
            a->n_pop_best_differ);
}

/* Patient i: its file if complete (resume), else computed and written. */
static its_status one_patient(its__post_ws *tw, const char *dir, uint64_t i,
                              const its_validate_opts *o, size_t d, size_t draws,
                              its__val_patient *v, char *msg, size_t msglen)
{
    char name[64], path[4200];
    its_status st;
    int have;
    its__fmt(name, sizeof name, "patient_%06llu.tsv", (unsigned long long)i);
    its__fmt(path, sizeof path, "%s/%s", dir, name);
    have = read_patient(path, d, draws, v, msg, msglen);
    if (have != 0)
        return have > 0 ? ITS_OK : ITS_EINVAL;
    st = its__validate_patient(tw, o->seed, i, &o->fit, &o->choice, v, msg, msglen);
    if (st == ITS_OK)
        st = its__write_file_atomic(dir, name, put_patient, v, msg, msglen);
    if (st == ITS_OK && o->progress)
        fprintf(o->progress, "itsim: synthetic patient %llu done in %.0f s (R-hat max %.3f)\n",
                (unsigned long long)i + 1, v->seconds, v->max_rhat);
    return st;
}

/* What identifies a study: its template and options. A directory holding
 * another study's patients is refused, not mixed in. */
static its_status same_study(const its_record *tmpl, const char *dir, const its_validate_opts *o,
                             char *msg, size_t msglen)
{
    char want[1024], have[1024] = "", path[4200], kern[32] = "";
    FILE *fp;
    /* the elliptical kernel since 5391826: the prior's reference every
     * ITS__FIT_PRIOR_EVERY-th step (a study of the earlier kernel is
     * another study) */
    if (o->fit.sampler == ITS_SAMPLER_ELLIPTICAL)
        its__fmt(kern, sizeof kern, "+prior/%d", ITS__FIT_PRIOR_EVERY);
    its__fmt(want, sizeof want,
             "template %s; seed %llu; fit %ld %ld %ld %ld %d %llu %s%s; choice %d %.17g %ld %s\n",
             tmpl->name, (unsigned long long)o->seed, o->fit.chains, o->fit.iterations,
             o->fit.warmup, o->fit.draws, o->fit.has_seed, (unsigned long long)o->fit.seed,
             its_fit_sampler_name(o->fit.sampler), kern,
             o->choice.objective, o->choice.max_grade3, o->choice.max_evals,
             o->choice.only ? o->choice.only : "(all)");
    its__fmt(path, sizeof path, "%s/study.txt", dir);
    if ((fp = fopen(path, "r")) != NULL) {
        if (!fgets(have, sizeof have, fp))
            have[0] = '\0';
        fclose(fp);
        if (strcmp(have, want) != 0) {
            its__fmt(msg, msglen, "%s holds another study (%s): use another directory", dir,
                     "study.txt differs");
            return ITS_EINVAL;
        }
        return ITS_OK;
    }
    if (!(fp = fopen(path, "w")) || fputs(want, fp) == EOF) {
        if (fp)
            fclose(fp);
        its__fmt(msg, msglen, "%s: cannot write", path);
        return ITS_EIO;
    }
    return fclose(fp) == 0 ? ITS_OK : ITS_EIO;
}

its_status its_personalise_validate(const its_record *tmpl, const char *dir,
                                    const its_validate_opts *o, FILE *out, char *msg,
                                    size_t msglen)
{
    its__post *p = NULL;
    its__post_ws *tw = NULL;
    its__val_patient *v = NULL;
    its_status st;
    char note[1024] = "";
    size_t draws;
    long i;
    agg a;
    vout x;
    its__fmt(msg, msglen, "%s", "");
    if (!tmpl || !dir || !o || o->patients < 1)
        return ITS_EINVAL;
    draws = (size_t)(o->fit.draws > 0 ? o->fit.draws : tmpl->fit.draws);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        its__fmt(msg, msglen, "%s: cannot create the directory", dir);
        return ITS_EIO;
    }
    st = same_study(tmpl, dir, o, msg, msglen);
    if (st == ITS_OK)
        st = its__post_create(tmpl, &p, msg, msglen);
    if (st == ITS_OK)
        st = its__post_ws_create(p, &tw);
    if (st == ITS_OK && !(v = its__calloc((size_t)o->patients, sizeof *v)))
        st = ITS_ENOMEM;
    for (i = 0; st == ITS_OK && i < o->patients; i++) {
        if (o->cancel && *o->cancel)
            st = ITS_ECANCELLED;
        else
            st = one_patient(tw, dir, (uint64_t)i, o, p->d < ITS__VAL_MAXD ? p->d : ITS__VAL_MAXD,
                             draws, &v[i], msg, msglen);
    }
    if (st == ITS_OK) {
        size_t j;
        memset(&a, 0, sizeof a);
        a.d = p->d < ITS__VAL_MAXD ? p->d : ITS__VAL_MAXD;
        for (j = 0; j < a.d; j++)
            a.name[j] = p->v[j].name;
        aggregate(v, (size_t)o->patients, draws,
                  o->choice.objective >= 0 ? o->choice.objective : tmpl->objective, tmpl->horizon,
                  isnan(o->choice.max_grade3) ? tmpl->max_grade3 : o->choice.max_grade3, &a);
        x.a = &a;
        x.o = o;
        x.objective = o->choice.objective >= 0 ? o->choice.objective : tmpl->objective;
        st = its__write_file_atomic(dir, "validation.json", put_json, &x, msg, msglen);
        if (st == ITS_OK && o->figures)
            st = its__figure_write(dir, "validation_coverage", cov_dat, cov_gp, &x, o->render,
                                   note, sizeof note, msg, msglen);
        if (st == ITS_OK && o->figures) {
            size_t len = strlen(note);
            st = its__figure_write(dir, "validation_ranks", rank_dat, rank_gp, &x, o->render,
                                   note + len, sizeof note - len, msg, msglen);
        }
        if (st == ITS_OK && out)
            print_agg(&a, out);
        if (st == ITS_OK && out && note[0])
            fprintf(out, "%s", note);
    }
    its__free(v);
    its__post_ws_free(tw);
    its__post_free(p);
    return st;
}
