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

int main(void)
{
    double root = 0.0;
    its_status st;
    pid_t pid;
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
