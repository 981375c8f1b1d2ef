# SPDX-License-Identifier: GPL-3.0-or-later
# itsim CLI tests: shared set-up, sourced by tests/cli/*.sh after they set
# NAME. Arguments of the sourcing script: ITSIM_BINARY SOURCE_DIR.
# The temporary directory $T and pass/fail/check come from tests/lib.bash.
set -u
ITSIM=${1:?usage: $0 ITSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: $0 ITSIM_BINARY SOURCE_DIR}
case $ITSIM in /*) ;; *) ITSIM=$PWD/$ITSIM ;; esac
case $SRC in /*) ;; *) SRC=$PWD/$SRC ;; esac
. "$SRC/tests/lib.bash"
cd "$T" || exit 1
