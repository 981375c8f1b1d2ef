/* itsim: run-time version strings of libitsim and of libyaml
 * (its_version, its_yaml_version from itsim/itsim.h). */
#include "itsim/itsim.h"
#include "io/yaml_adapter.h"

const char *its_version(void)
{
    return ITS_VERSION_STRING;
}

const char *its_yaml_version(void)
{
    return its__yaml_version_string();
}
