/* itsim: in-silico cancer immunotherapy. Umbrella header of libitsim. */
#ifndef ITSIM_ITSIM_H
#define ITSIM_ITSIM_H

#define ITS_VERSION_MAJOR 0
#define ITS_VERSION_MINOR 1
#define ITS_VERSION_PATCH 0
#define ITS_VERSION_STRING "0.1.0"

#include "itsim/status.h"
#include "itsim/units.h"
#include "itsim/model.h"
#include "itsim/sim.h"
#include "itsim/scenario.h"
#include "itsim/run.h"
#include "itsim/io.h"
#include "itsim/clinical.h"
#include "itsim/validate.h"
#include "itsim/agents.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the library at run time ("0.1.0"). Static string. */
const char *its_version(void);

/* Version of libyaml in use ("0.2.5"). Static string. */
const char *its_yaml_version(void);

#ifdef __cplusplus
}
#endif
#endif
