/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: run-time version of libitsim (its_version, itsim/version.h). */
#include "itsim/version.h"

const char *its_version(void)
{
    return ITS_VERSION_STRING;
}
