/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim tests: the version macros of itsim/version.h are generated from
 * the one project(VERSION) of CMakeLists.txt (passed to the tests as
 * ITS_PROJECT_VERSION), agree with each other, and its_version() reports
 * the same at run time. */
#include <stdio.h>
#include <string.h>

#include "its_test.h"
#include "itsim/itsim.h"

int main(void)
{
    char buf[64];

    snprintf(buf, sizeof buf, "%d.%d.%d", ITS_VERSION_MAJOR, ITS_VERSION_MINOR,
             ITS_VERSION_PATCH);
    its_test_true(strcmp(buf, ITS_PROJECT_VERSION) == 0,
                  "MAJOR.MINOR.PATCH %s is CMake's project version %s", buf, ITS_PROJECT_VERSION);
    its_test_true(strcmp(ITS_VERSION_STRING, ITS_PROJECT_VERSION) == 0,
                  "ITS_VERSION_STRING %s", ITS_VERSION_STRING);
    its_test_true(ITS_VERSION_NUMBER ==
                      ITS_VERSION_MAJOR * 10000 + ITS_VERSION_MINOR * 100 + ITS_VERSION_PATCH,
                  "ITS_VERSION_NUMBER %d = MAJOR*10000 + MINOR*100 + PATCH", ITS_VERSION_NUMBER);
#if ITS_VERSION_NUMBER < 100
    its_test_true(0, "ITS_VERSION_NUMBER usable in #if and at least 0.1.0");
#endif
    its_test_true(strcmp(its_version(), ITS_VERSION_STRING) == 0, "its_version() %s",
                  its_version());
    return its_test_done();
}
