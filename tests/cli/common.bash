# itsim CLI tests: shared set-up, sourced by tests/cli/*.sh after they set
# NAME. Arguments of the sourcing script: ITSIM_BINARY SOURCE_DIR.
set -u
ITSIM=${1:?usage: $0 ITSIM_BINARY SOURCE_DIR}
SRC=${2:?usage: $0 ITSIM_BINARY SOURCE_DIR}
case $ITSIM in /*) ;; *) ITSIM=$PWD/$ITSIM ;; esac
case $SRC in /*) ;; *) SRC=$PWD/$SRC ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/itsim_${NAME}.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
npass=0
nfail=0
pass() { echo "PASS: $1"; npass=$((npass + 1)); }
fail() { echo "FAIL: $1"; nfail=$((nfail + 1)); }
check() { # check NAME COMMAND...: pass when the command succeeds
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}
