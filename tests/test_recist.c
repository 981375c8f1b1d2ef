/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: RECIST 1.1 rules (Eisenhauer 2009; docs/clinical.md) on
 * constructed lesion trajectories. Every expected value follows from the
 * rule by hand; boundaries are tested at the exact threshold. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "itsim/clinical.h"
#include "its_test.h"

static its_recist *R;
static its_recist_opts O;

/* Evaluate rows of n_l diameters at times t; returns the endpoints. */
static its_recist_endpoints run(size_t n_t, size_t n_l, const double *t, const double *d,
                                const int *organ, double death)
{
    its_recist_endpoints e;
    its_status st = its_recist_evaluate(R, n_t, n_l, t, d, organ, death);
    memset(&e, 0, sizeof e);
    its_test_true(st == ITS_OK, "evaluate (%s)", its_recist_errmsg(R));
    its_recist_get_endpoints(R, &e);
    return e;
}

static its_response overall(size_t i)
{
    its_recist_assessment a;
    memset(&a, 0, sizeof a);
    its_recist_get_assessment(R, i, &a);
    return a.overall;
}

static void reset(const its_recist_opts *o)
{
    its_recist_free(R);
    R = NULL;
    its_test_true(its_recist_create(o, &R, NULL, 0) == ITS_OK, "create evaluator (msg NULL)");
}

static void test_selection(void)
{
    /* organs: lesions 1-3 in organ 1, 4 in 2, 5-6 in 3, 7 in 4, 8 in 5 */
    const double t[] = {0.0};
    const double d[] = {30, 25, 22, 9, 40, 15, 12, 3};
    const int organ[] = {1, 1, 1, 2, 3, 3, 4, 5};
    its_recist_endpoints e = run(1, 8, t, d, organ, NAN);
    /* largest first: 40 (o3), 30 (o1), 25 (o1), 22 (o1: 2 already),
     * 15 (o3), 12 (o4) -> five targets; 9 mm and 22 mm are non-targets;
     * 3 mm is below detection. */
    its_test_true(e.n_targets == 5 && e.n_nontargets == 2, "5 targets, 2 non-targets (got %d, %d)",
                  e.n_targets, e.n_nontargets);
    its_test_true(its_recist_is_target(R, 4) == 1 && its_recist_is_target(R, 0) == 1 &&
                      its_recist_is_target(R, 1) == 1 && its_recist_is_target(R, 5) == 1 &&
                      its_recist_is_target(R, 6) == 1,
                  "targets are 40, 30, 25, 15, 12 mm");
    its_test_true(its_recist_is_target(R, 2) == 0, "third lesion of an organ is a non-target (2 per organ)");
    its_test_true(its_recist_is_target(R, 3) == 0, "9 mm is not measurable: non-target");
    its_test_true(its_recist_is_target(R, 7) == -1, "3 mm is below detection: absent at baseline");
    its_test_abs(e.baseline_mm, 122.0, 0.0, "baseline sum 40+30+25+15+12");
    /* without organs each lesion is its own organ: 22 mm becomes a target
     * and 12 mm is the sixth measurable lesion, a non-target */
    e = run(1, 8, t, d, NULL, NAN);
    its_test_true(e.n_targets == 5 && its_recist_is_target(R, 2) == 1 &&
                      its_recist_is_target(R, 6) == 0,
                  "no organs: the five largest measurable lesions");
}

static void test_pr_boundary(void)
{
    const double t[] = {0, 56, 112};
    /* two targets 60 + 40 = 100 mm; -30 % exactly is PR */
    const double d[] = {60, 40, 42, 28, 42, 28};
    const double d2[] = {60, 40, 42.5, 28, 42.5, 28};
    its_recist_endpoints e = run(3, 2, t, d, NULL, NAN);
    its_test_true(overall(1) == ITS_RESP_PR, "sum 70 of 100 (-30.0 %%) is PR");
    its_test_true(e.best == ITS_RESP_PR && e.responder, "confirmed 56 d later: best PR");
    its_test_abs(e.best_change, -0.30, 1e-12, "best change -30 %%");
    its_test_abs(e.time_to_response, 56.0, 0.0, "time to response: first PR assessment");
    e = run(3, 2, t, d2, NULL, NAN);
    its_test_true(overall(1) == ITS_RESP_SD && e.best == ITS_RESP_SD, "sum 70.5 (-29.5 %%) is SD");
}

static void test_pd_rules(void)
{
    const double t[] = {0, 56, 112, 168};
    /* 100 -> 50 (PR) -> 60: +20 % over the nadir and +10 mm -> PD */
    const double d[] = {100, 50, 60, 60};
    /* one 20 mm lesion -> 15 -> 18: +20 % over the nadir but only +3 mm */
    const double s[] = {20, 15, 18, 18};
    /* 100 -> 50 -> 59.9: +19.8 % only */
    const double u[] = {100, 50, 59.9, 59.9};
    its_recist_endpoints e = run(4, 1, t, d, NULL, NAN);
    its_test_true(overall(1) == ITS_RESP_PR && overall(2) == ITS_RESP_PD,
                  "PD measured from the nadir (50 mm), not from baseline");
    its_test_true(e.best == ITS_RESP_SD, "PR not confirmed (next is PD): best SD (got %s)",
                  its_response_name(e.best));
    its_test_true(e.pfs_event == 1, "progression is an event");
    its_test_abs(e.pfs, 112.0, 0.0, "PFS at the PD assessment");
    its_test_abs(e.nadir_mm, 50.0, 0.0, "nadir before progression");
    e = run(4, 1, t, s, NULL, NAN);
    its_test_true(overall(2) == ITS_RESP_SD, "+20 %% but +3 mm is not PD (5 mm rule)");
    its_test_true(e.pfs_event == 0 && e.pfs == 168.0, "no progression: PFS censored at the last assessment");
    e = run(4, 1, t, u, NULL, NAN);
    its_test_true(overall(2) == ITS_RESP_PR, "+19.8 %% over the nadir is not PD (still -40 %%: PR)");
}

static void test_cr(void)
{
    const double t[] = {0, 56, 112};
    /* targets 20 + 15; non-target 8 */
    const double all[] = {20, 15, 8, 4, 0, 0, 0, 0, 0};
    const double nt_left[] = {20, 15, 8, 0, 4.9, 8, 0, 0, 8};
    its_recist_endpoints e = run(3, 3, t, all, NULL, NAN);
    its_test_true(overall(1) == ITS_RESP_CR,
                  "a 4 mm target is below detection (0 mm), the rest gone: CR");
    its_test_true(overall(2) == ITS_RESP_CR && e.best == ITS_RESP_CR, "confirmed CR");
    e = run(3, 3, t, nt_left, NULL, NAN);
    its_test_true(overall(1) == ITS_RESP_PR && overall(2) == ITS_RESP_PR,
                  "target CR with a non-target still visible: PR (Table 1)");
    its_test_true(e.best == ITS_RESP_PR, "confirmed PR");
}

static void test_confirmation(void)
{
    const double t[] = {0, 56, 70, 84};
    const double d[] = {50, 30, 30, 40}; /* PR, PR (14 d later), SD (28 d later) */
    const double c[] = {50, 0, 0, 0};    /* CR, CR, CR */
    const double cpr[] = {50, 0, 0, 30}; /* CR, CR 56 d later, then PD */
    const double t2[] = {0, 56, 112, 168};
    its_recist_endpoints e = run(4, 1, t, d, NULL, NAN);
    its_test_true(e.best == ITS_RESP_SD,
                  "PR met again only 14 d later, SD at 28 d: unconfirmed, best SD (got %s)",
                  its_response_name(e.best));
    its_test_true(isnan(e.time_to_response) && !e.responder, "no confirmed response");
    O.confirm_after = 0.0;
    reset(&O);
    e = run(4, 1, t, d, NULL, NAN);
    its_test_true(e.best == ITS_RESP_PR, "without confirmation (randomised trial): best PR");
    O.confirm_after = 28.0;
    reset(&O);
    e = run(4, 1, t, c, NULL, NAN);
    its_test_true(e.best == ITS_RESP_CR && e.time_to_response == 56.0, "CR confirmed 28 d later: CR at 56 d");
    e = run(4, 1, t2, cpr, NULL, NAN);
    its_test_true(overall(3) == ITS_RESP_PD, "reappearance after CR is PD (rise from a 0 mm nadir)");
    its_test_true(e.best == ITS_RESP_CR && e.response_duration == 112.0,
                  "CR confirmed before the relapse: best CR lasting 56 -> 168 d (got %s)",
                  its_response_name(e.best));
}

static void test_confirmation_window(void)
{
    /* CR at 56 and 70 (14 d), PD at 84: the confirming assessment must be
     * >= 28 d later, so the CR is not confirmed; SD since 56 >= 42 d. */
    const double t[] = {0, 56, 70, 84};
    const double c[] = {50, 0, 0, 30};
    its_recist_endpoints e = run(4, 1, t, c, NULL, NAN);
    its_test_true(e.best == ITS_RESP_SD, "CR never met again >= 28 d later: best SD (got %s)",
                  its_response_name(e.best));
}

static void test_sd_minimum(void)
{
    const double t[] = {0, 28, 56};
    const double d[] = {50, 48, 70}; /* SD at 28 d, PD at 56 d */
    its_recist_endpoints e = run(3, 1, t, d, NULL, NAN);
    its_test_true(e.best == ITS_RESP_PD, "SD only at 28 d (< 42 d minimum): best PD (got %s)",
                  its_response_name(e.best));
    O.sd_min = 21.0;
    reset(&O);
    e = run(3, 1, t, d, NULL, NAN);
    its_test_true(e.best == ITS_RESP_SD, "with a 21 d minimum: best SD");
    O.sd_min = 42.0;
    reset(&O);
}

static void test_new_and_nontarget(void)
{
    const double t[] = {0, 56, 112};
    /* target shrinking; lesion 2 absent at baseline (2 mm) appears at 12 mm */
    const double n[] = {40, 2, 20, 4, 20, 12};
    /* non-target 8 mm -> 20 mm: +150 %, +12 mm: unequivocal progression */
    const double nt[] = {40, 8, 40, 8, 40, 20};
    /* non-target 8 -> 12: +50 % but +4 mm: not unequivocal */
    const double nt2[] = {40, 8, 40, 8, 40, 12};
    its_recist_endpoints e = run(3, 2, t, n, NULL, NAN);
    its_test_true(overall(1) == ITS_RESP_PR && overall(2) == ITS_RESP_PD,
                  "a new lesion is PD although the targets respond");
    its_test_true(e.t_progression == 112.0, "progression at the new lesion");
    its_test_true(e.best == ITS_RESP_SD, "PR before a new lesion, unconfirmed: SD");
    e = run(3, 2, t, nt, NULL, NAN);
    its_test_true(overall(2) == ITS_RESP_PD, "unequivocal non-target progression is PD");
    e = run(3, 2, t, nt2, NULL, NAN);
    its_test_true(overall(2) == ITS_RESP_SD, "modest non-target growth is not PD");
}

static void test_nonmeasurable(void)
{
    const double t[] = {0, 56, 112};
    const double d[] = {8, 6, 8, 6, 8, 6};
    const double gone[] = {8, 6, 0, 0, 0, 0};
    its_recist_endpoints e = run(3, 2, t, d, NULL, NAN);
    its_test_true(e.n_targets == 0 && e.n_nontargets == 2, "lesions < 10 mm: no targets");
    its_test_true(overall(1) == ITS_RESP_NONCR_NONPD && e.best == ITS_RESP_NONCR_NONPD,
                  "non-measurable stable disease: NON-CR/NON-PD (Table 2)");
    its_test_true(isnan(e.best_change), "no sum of diameters without targets");
    e = run(3, 2, t, gone, NULL, NAN);
    its_test_true(e.best == ITS_RESP_CR, "all non-targets gone, confirmed: CR");
}

static void test_time_to_event(void)
{
    /* assessments every 8 weeks; PR at 56 (confirmed at 112), PD at 336 */
    const double t[] = {0, 56, 112, 168, 224, 280, 336};
    const double d[] = {50, 30, 25, 20, 20, 22, 30};
    its_recist_endpoints e = run(7, 1, t, d, NULL, NAN);
    its_test_true(e.best == ITS_RESP_PR, "best PR");
    its_test_abs(e.time_to_response, 56.0, 0.0, "time to response");
    its_test_abs(e.t_progression, 336.0, 0.0, "progression: 30 mm >= 1.2 x 20 and +10 mm");
    its_test_abs(e.response_duration, 280.0, 0.0, "duration of response 56 -> 336");
    its_test_true(!e.response_censored, "duration ends with progression");
    its_test_true(e.durable, "response from 56 d lasting 280 d >= 182.6 d: durable");
    its_test_abs(e.pfs, 336.0, 0.0, "PFS");
    /* shorter: PD at 224 -> duration 168 < 182.6: not durable */
    {
        const double d2[] = {50, 30, 25, 20, 30, 30, 30};
        e = run(7, 1, t, d2, NULL, NAN);
        its_test_true(e.responder && !e.durable && e.response_duration == 168.0,
                      "response of 168 d is not durable");
    }
    /* death without progression ends PFS and the response */
    e = run(5, 1, t, d, NULL, 250.0);
    its_test_true(e.pfs_event == 2 && e.pfs == 250.0, "death at 250 d: PFS event (death)");
    its_test_abs(e.response_duration, 194.0, 0.0, "response ends at death");
    /* censored response */
    e = run(4, 1, t, d, NULL, NAN);
    its_test_true(e.response_censored && e.response_duration == 112.0 && !e.durable,
                  "ongoing response censored at the last assessment (112 d < 6 months)");
}

static void test_bad_input(void)
{
    const double t[] = {0, 56, 40};
    const double d[] = {10, 10, 10};
    const double neg[] = {10, -1, 10};
    its_recist_opts bad = O;
    its_recist *r = NULL;
    its_test_true(its_recist_evaluate(R, 3, 1, t, d, NULL, NAN) == ITS_EINVAL &&
                      strstr(its_recist_errmsg(R), "increasing") != NULL,
                  "decreasing times rejected with a message");
    its_test_true(its_recist_evaluate(R, 2, 1, t, neg, NULL, NAN) == ITS_EINVAL,
                  "negative diameter rejected");
    its_test_true(its_recist_evaluate(R, 2, 1, t, d, NULL, 10.0) == ITS_EINVAL,
                  "assessment after death rejected");
    its_test_true(its_recist_count(R) == 0, "no results after a failed evaluation");
    bad.pr_fraction = 1.5;
    its_test_true(its_recist_create(&bad, &r, NULL, 0) == ITS_EINVAL && r == NULL,
                  "PR fraction 150 %% rejected (msg NULL)");
    bad = O;
    bad.detect_mm = 20.0;
    its_test_true(its_recist_create(&bad, &r, NULL, 0) == ITS_EINVAL,
                  "detection limit above measurable rejected");
}

/* Handle-less create: the reason goes to (msg, msglen), naming the option;
 * "" on success; a short buffer is cut but terminated. */
static void test_create_messages(void)
{
    its_recist_opts bad = O;
    its_recist *r = NULL;
    char msg[128], small[8];
    bad.pr_fraction = 1.5;
    its_test_true(its_recist_create(&bad, &r, msg, sizeof msg) == ITS_EINVAL && r == NULL &&
                      strstr(msg, "pr_fraction") != NULL && strstr(msg, "1.5") != NULL,
                  "bad pr_fraction named: '%s'", msg);
    bad = O;
    bad.max_per_organ = 0;
    its_test_true(its_recist_create(&bad, &r, msg, sizeof msg) == ITS_EINVAL &&
                      strstr(msg, "max_per_organ") != NULL,
                  "bad max_per_organ named: '%s'", msg);
    bad = O;
    bad.sd_min = NAN;
    its_test_true(its_recist_create(&bad, &r, msg, sizeof msg) == ITS_EINVAL &&
                      strstr(msg, "sd_min") != NULL,
                  "NaN sd_min named: '%s'", msg);
    memset(small, 'x', sizeof small);
    bad = O;
    bad.detect_mm = 20.0;
    its_test_true(its_recist_create(&bad, &r, small, sizeof small) == ITS_EINVAL &&
                      memchr(small, '\0', sizeof small) == small + sizeof small - 1,
                  "message cut to msglen bytes, terminated");
    its_test_true(its_recist_create(NULL, NULL, msg, sizeof msg) == ITS_EINVAL && msg[0],
                  "NULL out rejected with a message: '%s'", msg);
    its_test_true(its_recist_create(&O, &r, msg, sizeof msg) == ITS_OK && r != NULL && !msg[0],
                  "success writes \"\"");
    its_recist_free(r);
}

int main(void)
{
    its_recist_opts_default(&O);
    reset(&O);
    test_selection();
    test_pr_boundary();
    test_pd_rules();
    test_cr();
    test_confirmation();
    test_confirmation_window();
    test_sd_minimum();
    test_new_and_nontarget();
    test_nonmeasurable();
    test_time_to_event();
    test_bad_input();
    test_create_messages();
    its_recist_free(R);
    return its_test_done();
}
