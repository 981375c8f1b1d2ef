# SPDX-License-Identifier: GPL-3.0-or-later
# SUNDIALS (CVODE with KLU) for itsim. Included by the top-level CMakeLists.txt;
# sets SUNDIALS_LIBS (the imported targets to link) and ITS_SUNDIALS_ROOT (the
# prefix of the optimised build in use, "" for Debian's library).
#
# Debian 12's libsundials-dev is compiled without optimisation (-O0), which
# makes tme ~5x slower. ITS_SUNDIALS chooses:
#   auto    (default) an optimised CVODE built from Debian's own source
#           package (scripts/sundials-optimised.sh, apt-get source) into a
#           cache shared by every build tree; Debian's library, with a
#           warning, when the source cannot be had;
#   source  the optimised build, or fail;
#   system  Debian's library.
# ITS_SUNDIALS_ROOT, when set, names a prefix of such a build and wins.
# The cache directory is keyed on the Debian version and the build script
# (which holds every flag), so a build is made once and reused (the ASan
# build tree links the same one: SUNDIALS itself is not instrumented).
set(ITS_SUNDIALS "auto" CACHE STRING "SUNDIALS: auto, source (optimised, from Debian's source package) or system (Debian's -O0 library)")
set_property(CACHE ITS_SUNDIALS PROPERTY STRINGS auto source system)
set(ITS_SUNDIALS_ROOT "" CACHE PATH "prefix of an optimised SUNDIALS build (wins over ITS_SUNDIALS)")
if(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
  set(its_cache_default "$ENV{XDG_CACHE_HOME}/itsim")
elseif(DEFINED ENV{HOME} AND NOT "$ENV{HOME}" STREQUAL "")
  set(its_cache_default "$ENV{HOME}/.cache/itsim")
else()
  set(its_cache_default "${PROJECT_BINARY_DIR}/_deps")
endif()
set(ITS_SUNDIALS_CACHE "${its_cache_default}" CACHE PATH "where optimised SUNDIALS builds are kept")
if(NOT ITS_SUNDIALS MATCHES "^(auto|source|system)$")
  message(FATAL_ERROR "ITS_SUNDIALS must be auto, source or system, not '${ITS_SUNDIALS}'")
endif()

set(ITS_SUNDIALS_COMPONENTS cvode nvecserial sunmatrixsparse sunlinsolklu)
set(its_sundials_prefix "${ITS_SUNDIALS_ROOT}")
set(its_sundials_script ${PROJECT_SOURCE_DIR}/scripts/sundials-optimised.sh)

# The optimised build: from the cache, or made now (a lock keeps two build
# trees configured at once from making it twice).
function(its_sundials_optimised out)
  execute_process(COMMAND dpkg-query -W -f=\${Version} libsundials-dev
                  OUTPUT_VARIABLE version RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0 OR version STREQUAL "")
    set(${out} "" PARENT_SCOPE)
    set(ITS_SUNDIALS_WHY "libsundials-dev is not installed (dpkg-query)" PARENT_SCOPE)
    return()
  endif()
  file(SHA256 ${its_sundials_script} key)
  string(SUBSTRING "${key}" 0 12 key)
  string(REGEX REPLACE "[^A-Za-z0-9.+-]" "_" tag "${version}")
  set(prefix "${ITS_SUNDIALS_CACHE}/sundials-${tag}-${key}")
  if(NOT EXISTS "${prefix}/itsim-sundials.stamp")
    file(MAKE_DIRECTORY "${ITS_SUNDIALS_CACHE}")
    file(LOCK "${prefix}.lock" GUARD FUNCTION TIMEOUT 3600 RESULT_VARIABLE lock_rc)
    if(NOT EXISTS "${prefix}/itsim-sundials.stamp")
      message(STATUS "itsim: building an optimised CVODE ${version} from Debian's source into ${prefix} (once; ~10 s on 2 cores)")
      string(TIMESTAMP t0 "%s")
      execute_process(COMMAND bash ${its_sundials_script} "${prefix}" "${version}"
                      RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
      string(TIMESTAMP t1 "%s")
      math(EXPR secs "${t1} - ${t0}")
      if(NOT rc EQUAL 0)
        string(STRIP "${log}" log)
        set(${out} "" PARENT_SCOPE)
        set(ITS_SUNDIALS_WHY "${log}" PARENT_SCOPE)
        return()
      endif()
      message(STATUS "itsim: optimised CVODE built in ${secs} s")
    endif()
  endif()
  set(${out} "${prefix}" PARENT_SCOPE)
endfunction()

if(NOT its_sundials_prefix AND NOT ITS_SUNDIALS STREQUAL "system")
  its_sundials_optimised(its_sundials_prefix)
  if(NOT its_sundials_prefix)
    set(its_fix "run `bash scripts/deps.sh` as root (it adds a deb-src entry) and configure again, or pass -DITS_SUNDIALS=system to silence this")
    if(ITS_SUNDIALS STREQUAL "source")
      message(FATAL_ERROR "itsim: the optimised CVODE could not be built: ${ITS_SUNDIALS_WHY}\nTo fix: ${its_fix}")
    endif()
    message(WARNING "itsim: the optimised CVODE could not be built (${ITS_SUNDIALS_WHY}). "
            "Falling back to Debian's libsundials, compiled -O0: simulations are ~5x slower. "
            "To fix: ${its_fix}.")
  endif()
endif()

unset(SUNDIALS_DIR CACHE)   # found again on every configure: the prefix may change
if(its_sundials_prefix)
  find_package(SUNDIALS CONFIG REQUIRED COMPONENTS ${ITS_SUNDIALS_COMPONENTS}
               PATHS ${its_sundials_prefix} NO_DEFAULT_PATH)
  message(STATUS "itsim: optimised SUNDIALS from ${its_sundials_prefix}")
else()
  find_package(SUNDIALS CONFIG REQUIRED COMPONENTS ${ITS_SUNDIALS_COMPONENTS})
  message(STATUS "itsim: Debian's SUNDIALS (-O0) from ${SUNDIALS_DIR}")
endif()
# the installed package (cmake/itsimConfig.cmake.in) finds the same build
set(ITS_SUNDIALS_ROOT_USED "${its_sundials_prefix}" CACHE INTERNAL "prefix of the optimised SUNDIALS in use")
list(TRANSFORM ITS_SUNDIALS_COMPONENTS PREPEND SUNDIALS:: OUTPUT_VARIABLE SUNDIALS_LIBS)
