#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the build into a temporary prefix (cmake --install), checks the
# installed files, then builds and runs tests/package/consumer/consumer.c
# (a real hahnfeldt1999 simulation checked against the published number)
# against the installed copy only:
#   1. pkg-config, shared:  cc consumer.c $(pkg-config --cflags --libs itsim)
#   2. pkg-config, static:  libitsim.a with `pkg-config --static --libs itsim`
#   3. CMake: find_package(itsim) with itsim::itsim and itsim::itsim_static
# The source tree is not on any include path, so only installed headers are
# used. Usage: install.sh BUILD_DIR SOURCE_DIR CC
build=$1 src=$2 cc=$3
NAME=install
. "$src/tests/lib.bash"
# run NAME COMMAND...: the consumer must succeed and report the set point
run() {
  local name=$1
  shift
  if "$@" >"$T/run.txt" 2>&1 && grep -q 'TNP-470 set point' "$T/run.txt"; then
    pass "$name: $(cat "$T/run.txt")"
  else
    fail "$name: $(cat "$T/run.txt")"
  fi
}

prefix=$T/prefix
if ! cmake --install "$build" --prefix "$prefix" >"$T/install.log" 2>&1; then
  fail "cmake --install: $(tail -n 5 "$T/install.log")"
  done_tests
  exit
fi
pc=$(find "$prefix" -name itsim.pc | head -n 1)
libdir=$(dirname "$(dirname "$pc")")
for f in include/itsim/itsim.h include/itsim/version.h include/itsim/export.h bin/itsim; do
  check "installed $f" test -f "$prefix/$f"
done
for f in libitsim.a libitsim.so cmake/itsim/itsimConfig.cmake cmake/itsim/itsimTargets.cmake pkgconfig/itsim.pc; do
  check "installed ${libdir#"$prefix"/}/$f" test -e "$libdir/$f"
done
check "version.h.in is not installed" test ! -e "$prefix/include/itsim/version.h.in"
v=$("$prefix/bin/itsim" version | sed -n 's/^itsim //p')
check "installed CLI runs (itsim $v)" test -n "$v"

export PKG_CONFIG_PATH=$libdir/pkgconfig
cons=$src/tests/package/consumer
check "pkg-config --modversion itsim is $v" test "$(pkg-config --modversion itsim)" = "$v"
# 1. shared
if $cc -std=c11 -o "$T/dyn" "$cons/consumer.c" $(pkg-config --cflags --libs itsim) -lm 2>"$T/cc.log"; then
  run "pkg-config, shared" env LD_LIBRARY_PATH="$libdir" "$T/dyn"
  check "pkg-config, shared: links the installed libitsim.so" \
    grep -q "$libdir/libitsim.so" <(LD_LIBRARY_PATH="$libdir" ldd "$T/dyn")
else
  fail "pkg-config, shared: does not build: $(head -n 5 "$T/cc.log")"
fi
# 2. static: -litsim replaced by the archive, the private libraries from
#    Requires.private / Libs.private
static_libs=$(pkg-config --static --libs itsim | sed "s|-litsim|$libdir/libitsim.a|")
if $cc -std=c11 -o "$T/static" "$cons/consumer.c" $(pkg-config --cflags itsim) $static_libs 2>"$T/cc.log"; then
  run "pkg-config --static" "$T/static"
  check "pkg-config --static: no libitsim.so needed" \
    test -z "$(ldd "$T/static" | grep libitsim)"
else
  fail "pkg-config --static: does not link: $(head -n 5 "$T/cc.log")"
fi
# 3. CMake package
if cmake -S "$cons" -B "$T/cmake" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$prefix" \
     -DCMAKE_BUILD_TYPE=Release >"$T/cmake.log" 2>&1 &&
   cmake --build "$T/cmake" >>"$T/cmake.log" 2>&1; then
  run "find_package(itsim), itsim::itsim" "$T/cmake/consumer"
  check "itsim::itsim is the installed libitsim.so" \
    grep -q "$libdir/libitsim.so" <(ldd "$T/cmake/consumer")
  run "find_package(itsim), itsim::itsim_static" "$T/cmake/consumer_static"
else
  fail "find_package(itsim): $(tail -n 15 "$T/cmake.log")"
fi

done_tests
