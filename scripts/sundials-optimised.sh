#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds an optimised CVODE from Debian's own sundials source package.
#
# Why: Debian 12's libsundials-dev (6.4.1+dfsg1-3) is compiled without
# optimisation (its CMake build drops dpkg's -O2; the disassembly is -O0
# code), which makes tme ~5x slower (bench/RESULTS.md). This script fetches
# the same version's source from the Debian archive (apt-get source, so
# nothing from elsewhere; scripts/deps.sh adds the deb-src entry as root),
# builds CVODE, the serial vector, the dense and sparse matrices and the
# dense and KLU linear solvers (KLU from Debian's libsuitesparse-dev) as
# static PIC libraries with -O2, and installs them under PREFIX with a stamp
# file last. cmake/sundials.cmake runs it once per version and per version
# of this script (the cache key: every flag is here) and links the result.
#
# Usage: scripts/sundials-optimised.sh PREFIX [VERSION]
#   VERSION defaults to the installed libsundials-dev's. Needs no root when
#   apt has deb-src indexes; otherwise, as root, it adds them itself.
set -euo pipefail

prefix=$(realpath -m "${1:?usage: $0 PREFIX [VERSION]}")
version=${2:-$(dpkg-query -W -f='${Version}' libsundials-dev 2>/dev/null || true)}
if [ -z "$version" ]; then
  echo "sundials-optimised.sh: install libsundials-dev first (scripts/deps.sh)" >&2
  exit 1
fi
for tool in dpkg-source cmake cc; do
  command -v "$tool" >/dev/null || {
    echo "sundials-optimised.sh: $tool is missing (scripts/deps.sh installs it)" >&2
    exit 1
  }
done
klu=$(find /usr/lib -name 'libklu.so' 2>/dev/null | head -n 1)
if [ -z "$klu" ] || [ ! -f /usr/include/suitesparse/klu.h ]; then
  echo "sundials-optimised.sh: KLU is missing (libsuitesparse-dev)" >&2
  exit 1
fi

work=$(mktemp -d "${prefix}.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
fetch() { (cd "$work" && apt-get source -qq "sundials=$version" >"$work/fetch.log" 2>&1); }
if ! fetch; then
  if [ "$(id -u)" -eq 0 ] && bash "$(dirname "$0")/deps.sh" deb-src &&
     apt-get update -qq && fetch; then
    :
  else
    echo "apt-get source sundials=$version failed (no deb-src entry, or no network):" \
      "$(tail -n 2 "$work/fetch.log" | tr '\n' ' ')" >&2
    exit 1
  fi
fi
srcdir=$(find "$work" -maxdepth 1 -mindepth 1 -type d -name 'sundials-*' | head -n 1)

cmake -S "$srcdir" -B "$work/build" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON \
  -DBUILD_ARKODE=OFF -DBUILD_CVODES=OFF -DBUILD_IDA=OFF -DBUILD_IDAS=OFF \
  -DBUILD_KINSOL=OFF -DBUILD_CVODE=ON -DEXAMPLES_ENABLE_C=OFF \
  -DEXAMPLES_INSTALL=OFF -DBUILD_TESTING=OFF \
  -DENABLE_KLU=ON -DKLU_INCLUDE_DIR=/usr/include/suitesparse \
  -DKLU_LIBRARY_DIR="$(dirname "$klu")" >"$work/cmake.log" 2>&1 ||
  { tail -n 20 "$work/cmake.log" >&2; exit 1; }
cmake --build "$work/build" -j "$(nproc)" >"$work/build.log" 2>&1 ||
  { tail -n 20 "$work/build.log" >&2; exit 1; }
rm -rf "$prefix"
cmake --install "$work/build" >/dev/null
echo "CVODE $version, -O2, KLU" >"$prefix/itsim-sundials.stamp"
echo "sundials-optimised.sh: CVODE $version (optimised) installed in $prefix"
