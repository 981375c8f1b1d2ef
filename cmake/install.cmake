# SPDX-License-Identifier: GPL-3.0-or-later
# Installation (cmake --install, GNUInstallDirs): the public headers with the
# generated version.h, libitsim.a and libitsim.so, the CLI, the CMake package
# itsim (find_package(itsim) gives itsim::itsim, the shared library, and
# itsim::itsim_static) and itsim.pc for pkg-config. Both the package and
# itsim.pc are relocatable: they find the prefix from their own location.
# Included by the top-level CMakeLists.txt.
include(CMakePackageConfigHelpers)

install(TARGETS itsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS itsim_static itsim_shared EXPORT itsimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/itsim
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/itsim/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/itsim)

# --- CMake package ------------------------------------------------------------
set(ITS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/itsim)
if(OpenMP_C_FOUND)
  set(ITS_WITH_OPENMP ON)
else()
  set(ITS_WITH_OPENMP OFF)
endif()
if(MPI_C_FOUND)
  set(ITS_WITH_MPI ON)
else()
  set(ITS_WITH_MPI OFF)
endif()
install(EXPORT itsimTargets NAMESPACE itsim:: DESTINATION ${ITS_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/itsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/itsimConfig.cmake INSTALL_DESTINATION ${ITS_CMAKE_DIR})
# 0.x: a new minor version may change the API, so only the same minor
# version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/itsimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/itsimConfig.cmake
        ${PROJECT_BINARY_DIR}/itsimConfigVersion.cmake DESTINATION ${ITS_CMAKE_DIR})

# --- pkg-config ---------------------------------------------------------------
# Libs.private: the libraries behind the SUNDIALS targets (walked through
# their link interfaces, in link order), -lm, the threads library (none
# with glibc >= 2.34) and OpenMP's flag; libyaml, SQLite, GSL and
# NLopt have their own .pc files (Requires.private). So
# `pkg-config --static --libs itsim` links libitsim.a.
function(its_pc_walk target)
  if(NOT TARGET ${target} OR ${target} IN_LIST ITS_PC_SEEN)
    return()
  endif()
  set(ITS_PC_SEEN ${ITS_PC_SEEN} ${target} PARENT_SCOPE)
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(loc ${target} LOCATION)
    set(ITS_PC_ITEMS ${ITS_PC_ITEMS} ${loc})
  endif()
  get_target_property(deps ${target} INTERFACE_LINK_LIBRARIES)
  foreach(dep IN LISTS deps)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" dep "${dep}")
    if(TARGET ${dep})
      its_pc_walk(${dep})
    elseif(dep)
      set(ITS_PC_ITEMS ${ITS_PC_ITEMS} ${dep})
    endif()
  endforeach()
  set(ITS_PC_ITEMS ${ITS_PC_ITEMS} PARENT_SCOPE)
  set(ITS_PC_SEEN ${ITS_PC_SEEN} PARENT_SCOPE)
endfunction()
set(ITS_PC_ITEMS "")
set(ITS_PC_SEEN "")
foreach(t IN LISTS SUNDIALS_LIBS)
  its_pc_walk(${t})
endforeach()
if(MPI_C_FOUND)
  its_pc_walk(MPI::MPI_C)
endif()
list(APPEND ITS_PC_ITEMS -lm ${CMAKE_THREAD_LIBS_INIT})
set(dirs "")
set(libs "")
foreach(item IN LISTS ITS_PC_ITEMS)
  if(item MATCHES "^(.*)/lib([^/]+)\\.(so|a)(\\.[0-9.]+)?$")
    if(NOT CMAKE_MATCH_1 IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
      list(APPEND dirs -L${CMAKE_MATCH_1})
    endif()
    list(APPEND libs -l${CMAKE_MATCH_2})
  elseif(item MATCHES "^-")
    list(APPEND libs ${item})
  else()
    list(APPEND libs -l${item})
  endif()
endforeach()
# the first of repeated -L; the last of repeated libraries (a static link
# needs them after their users)
list(REMOVE_DUPLICATES dirs)
list(REVERSE libs)
list(REMOVE_DUPLICATES libs)
list(REVERSE libs)
list(PREPEND libs ${dirs})
if(OpenMP_C_FOUND)
  list(APPEND libs ${OpenMP_C_FLAGS})
endif()
list(JOIN libs " " ITS_PC_LIBS_PRIVATE)
file(RELATIVE_PATH ITS_PC_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(${PROJECT_SOURCE_DIR}/cmake/itsim.pc.in ${PROJECT_BINARY_DIR}/itsim.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/itsim.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
