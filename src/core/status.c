/* SPDX-License-Identifier: GPL-3.0-or-later */
/* itsim: status messages, generated from the single list in status.h. */
#include "itsim/status.h"

const char *its_strerror(its_status status)
{
    switch (status) {
#define ITS__STATUS_MSG(sym, val, msg) \
    case sym: return msg;
        ITS_STATUS_LIST(ITS__STATUS_MSG)
#undef ITS__STATUS_MSG
    }
    return "unknown status";
}

const char *its_status_name(its_status status)
{
    switch (status) {
#define ITS__STATUS_NAME(sym, val, msg) \
    case sym: return #sym;
        ITS_STATUS_LIST(ITS__STATUS_NAME)
#undef ITS__STATUS_NAME
    }
    return "ITS_UNKNOWN";
}
