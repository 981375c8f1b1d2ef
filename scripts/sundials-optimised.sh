#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds an optimised CVODE from Debian's own sundials source package.
#
# Why: Debian 12's libsundials-dev (6.4.1+dfsg1-3) is compiled without
# optimisation (its CMake build drops dpkg's -O2; the disassembly is -O0
# code), which makes every CVODE step ~2.7x slower than it need be
# (bench/RESULTS.md). This script fetches the same version's source from the
# Debian archive (apt-get source, so nothing from elsewhere), builds CVODE,
# the serial vector, the sparse matrix and the KLU linear solver (against
# Debian's libsuitesparse-dev) as static PIC libraries with
# -O2, and installs them under PREFIX. `make` then links itsim against them
# when PREFIX exists (see the Makefile); results are bit-identical.
#
# Usage: scripts/sundials-optimised.sh [PREFIX]   (default: build-sundials)
# Needs root for apt (it adds a deb-src entry mirroring the deb entries).
set -euo pipefail

prefix=$(realpath -m "${1:-build-sundials}")
work="$prefix.work"
version=$(dpkg-query -W -f='${Version}' libsundials-dev 2>/dev/null || true)
if [ -z "$version" ]; then
  echo "sundials-optimised.sh: install libsundials-dev first (scripts/deps.sh)" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "sundials-optimised.sh: run as root (it uses apt-get source)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
command -v dpkg-source >/dev/null || apt-get install -y --no-install-recommends dpkg-dev

# A deb-src entry for every deb entry of the system's deb822 sources.
src_list=/etc/apt/sources.list.d/itsim-deb-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ /etc/apt/sources.list; then
  sed -n 's/^Types: deb$/Types: deb-src/;p' /etc/apt/sources.list.d/debian.sources >"$src_list"
  apt-get update -qq
fi

rm -rf "$work"
mkdir -p "$work"
(cd "$work" && apt-get source -qq "sundials=$version" >/dev/null)
srcdir=$(find "$work" -maxdepth 1 -mindepth 1 -type d -name 'sundials-*' | head -n 1)

cmake -S "$srcdir" -B "$work/build" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON \
  -DBUILD_ARKODE=OFF -DBUILD_CVODES=OFF -DBUILD_IDA=OFF -DBUILD_IDAS=OFF \
  -DBUILD_KINSOL=OFF -DBUILD_CVODE=ON -DEXAMPLES_ENABLE_C=OFF \
  -DEXAMPLES_INSTALL=OFF -DBUILD_TESTING=OFF \
  -DENABLE_KLU=ON -DKLU_INCLUDE_DIR=/usr/include/suitesparse \
  -DKLU_LIBRARY_DIR="$(dirname "$(find /usr/lib -name 'libklu.so' | head -n 1)")" >/dev/null
cmake --build "$work/build" -j "$(nproc)" >/dev/null
cmake --install "$work/build" >/dev/null
rm -rf "$work"
echo "sundials-optimised.sh: CVODE $version (optimised) installed in $prefix"
