/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the GSL adapter (src/core/gsl_adapter.c). Brent's root is
 * found to its tolerance; a GSL error comes back as a status and never
 * aborts; GSL's process-wide error handler is set once and an application's
 * own handler is left in place (the old adapter switched the handler off on
 * every call, overriding the application's). */
#include <math.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

#include "its_test.h"
#include "core/gsl_adapter.h"

static double sq2(double x, void *ud)
{
    (void)ud;
    return x * x - 2.0;
}

/* finite at the bracket [0, 3], not finite inside: GSL's Brent iteration
 * reports GSL_EBADFUNC through the error handler */
static double nan_inside(double x, void *ud)
{
    (void)ud;
    return (x == 0.0 || x == 3.0) ? x - 1.0 : (double)NAN;
}

static int app_calls;

static void app_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason;
    (void)file;
    (void)line;
    (void)gsl_errno;
    app_calls++;
}

/* Student's t: the log density against GSL's density where it does not
 * underflow (rounding only: 1e-12), its tails against each other, and in
 * the far tail (where the density underflows) against the power law. */
static void test_student_t(void)
{
    static const double xs[] = {-30.0, -3.5, -1.0, 0.0, 0.4, 2.0, 12.0};
    static const double dfs[] = {1.0, 4.0, 30.0};
    size_t i, j;
    for (j = 0; j < 3; j++)
        for (i = 0; i < sizeof xs / sizeof xs[0]; i++) {
            double want = log(gsl_ran_tdist_pdf(xs[i], dfs[j]));
            its_test_rel(its__t_logpdf(xs[i], dfs[j]), want, 1e-12, "t log density at %g, df %g",
                         xs[i], dfs[j]);
            its_test_abs(its__t_lower(xs[i], dfs[j]) + its__t_upper(xs[i], dfs[j]), 1.0, 1e-15,
                         "P(T <= t) + P(T > t) = 1 at %g, df %g", xs[i], dfs[j]);
        }
    /* df 1 (Cauchy): log density -log(pi) - log(1 + t^2), finite at 1e200 */
    its_test_rel(its__t_logpdf(1e200, 1.0), -log(3.14159265358979323846) - 2.0 * log(1e200),
                 1e-12, "Cauchy log density at 1e200");
    its_test_true(isnan(its__t_logpdf(NAN, 4.0)) && isnan(its__t_lower(1.0, 0.0)),
                  "NaN for a NaN t or df 0");
}

int main(void)
{
    double root = 0.0;
    its_status st;
    pid_t pid;
    test_student_t();
    int wst = 0;

    /* In a fresh process with GSL's default (aborting) handler, a GSL error
     * is a status: the child exits 0 instead of dying of SIGABRT. */
    pid = fork();
    if (pid == 0) {
        st = its__root_brent(nan_inside, NULL, 0.0, 3.0, 1e-12, &root);
        _exit(st == ITS_ESOLVER ? 0 : 1);
    }
    its_test_true(pid > 0 && waitpid(pid, &wst, 0) == pid && WIFEXITED(wst) &&
                  WEXITSTATUS(wst) == 0,
                  "default GSL handler: a GSL error returns ITS_ESOLVER, no abort");

    /* An application's handler, installed before itsim first uses GSL, is
     * kept: it sees GSL's error, and is still installed afterwards. */
    gsl_set_error_handler(app_handler);
    st = its__root_brent(nan_inside, NULL, 0.0, 3.0, 1e-12, &root);
    its_test_true(st == ITS_ESOLVER, "non-finite f inside the bracket: ITS_ESOLVER (%d)", st);
    its_test_true(app_calls == 1, "the application's GSL handler was called once (%d)", app_calls);
    st = its__root_brent(sq2, NULL, 0.0, 2.0, 1e-12, &root);
    its_test_true(st == ITS_OK, "x^2 = 2 on [0, 2]: ITS_OK");
    /* rtol 1e-12 on the bracket; 4e-12 allows the last bracket's width */
    its_test_rel(root, sqrt(2.0), 4e-12, "root of x^2 - 2 is sqrt(2)");
    its_test_true(gsl_set_error_handler(NULL) == app_handler,
                  "the application's GSL handler is still installed after itsim's calls");

    st = its__root_brent(sq2, NULL, 2.0, 3.0, 1e-12, &root);
    its_test_true(st == ITS_ERANGE, "no sign change on [2, 3]: ITS_ERANGE");
    return its_test_done();
}
