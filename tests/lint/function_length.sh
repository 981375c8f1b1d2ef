#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# itsim lint: no function in src/ or cli/ longer than MAX lines (issue 10),
# unless its body carries a comment "its-long: REASON" saying why splitting
# it would hurt readability. A function is counted from its opening "{" at
# column 0 to its closing "}" at column 0 (the project's layout).
#   tests/lint/function_length.sh [ROOT] [MAX]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
max=${2:-120}
status=0
while IFS= read -r f; do
    awk -v max="$max" -v file="${f#"$root"/}" '
        /^\{[ \t]*$/ { if (!inside) { inside = 1; start = NR; name = prev; reason = 0 } next }
        inside && /its-long:/ { reason = 1 }
        inside && /^\}/ {
            inside = 0
            n = NR - start + 1
            if (n > max && !reason) {
                sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
                printf "%s:%d: %s is %d lines (limit %d; split it or say why with its-long:)\n", file, start, name, n, max
                bad = 1
            }
            next
        }
        !inside && NF { prev = ($0 ~ /^[ \t]/ && prevhead != "") ? prevhead : $0; if ($0 !~ /^[ \t]/) prevhead = $0 }
        END { exit bad }
    ' "$f" || status=1
done < <(find "$root/src" "$root/cli" -name '*.c' | sort)
if [ "$status" -ne 0 ]; then
    echo "function_length: FAIL" >&2
else
    echo "function_length: every function is at most $max lines or says why"
fi
exit "$status"
