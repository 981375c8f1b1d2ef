#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian packages itsim needs, when they are missing.
# Usage: scripts/deps.sh [build|test|bench|fuzz|deb-src]   (default: build)
# As root it runs apt-get; otherwise it prints the exact command to run.
# build (and every mode that includes it) also makes sure, as root, that apt
# has a deb-src entry: cmake/sundials.cmake builds an optimised CVODE from
# Debian's source package (`deb-src` does only that).
set -euo pipefail

build_pkgs=(build-essential cmake pkg-config dpkg-dev libsundials-dev libsuitesparse-dev libgsl-dev libyaml-dev libsqlite3-dev librandom123-dev libnlopt-dev)
# MPI (mpirun -np R itsim trial; built without it when missing)
build_pkgs+=(libopenmpi-dev openmpi-bin)
# Figures: any gnuplot will do; gnuplot-nox when there is none.
command -v gnuplot >/dev/null 2>&1 || build_pkgs+=(gnuplot-nox)
# make test / make test-asan: R and its survival package, against which the
# trial statistics are checked (ctest survival_vs_r; skipped without R), and
# its posterior package, against which the MCMC diagnostics are checked
# (ctest mcmc_vs_r; skipped without it)
test_pkgs=(r-base-core r-cran-survival r-cran-posterior)
bench_pkgs=(python3 python3-numpy python3-scipy r-base-core r-cran-desolve)
# make fuzz: clang and its libFuzzer/sanitizer runtimes; llvm for the coverage
# report of make fuzz-coverage (none of them needed to build or test)
fuzz_pkgs=(clang libclang-rt-dev llvm)

# A deb-src entry mirroring every deb entry of the system's deb822 sources
# (Debian 12's /etc/apt/sources.list.d/debian.sources), when apt has none.
deb_src() {
  if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list.d/ /etc/apt/sources.list; then
    return 0
  fi
  if [ "$(id -u)" -ne 0 ] || [ ! -f /etc/apt/sources.list.d/debian.sources ]; then
    echo "deps.sh: apt has no deb-src entry; the build falls back to Debian's -O0 CVODE" \
      "(run scripts/deps.sh as root to add one)" >&2
    return 0
  fi
  echo "deps.sh: adding deb-src entries (/etc/apt/sources.list.d/itsim-deb-src.sources)" >&2
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
    >/etc/apt/sources.list.d/itsim-deb-src.sources
  apt-get update -qq
}

case "${1:-build}" in
  deb-src) deb_src; exit 0 ;;
  build) want=("${build_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  bench) want=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
  fuzz) want=("${build_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench|fuzz|deb-src]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  deb_src
  exit 0
fi

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "itsim needs these Debian packages: ${missing[*]}" >&2
  echo "run as root: apt-get update && $cmd" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd
deb_src
