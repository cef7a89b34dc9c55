#!/usr/bin/env bash
# ab.sh: two drover distributions side by side, on this machine: `multi names 10`, `multi start 10`
# until every node reported ready, `multi status 10` and `multi status --all` of the running nodes,
# and `multi stopwait 10`,
# interleaved A, B, A, B... so that the
# machine's load falls on both alike. For "this change makes start-up no slower" (issue 11);
# bench.sh compares drover with celery multi.
#
# Usage: extra/bench/ab.sh DIST_A DIST_B        (each a distribution directory: bin/, lib/)
#   ROUNDS=N   rounds (default 5); each round runs `names` and `status` 5 times per distribution
#
# The nodes are ab1@HOST..ab10@HOST, with their pidfiles, logs and node registry (one for each
# distribution: their record formats may differ) in a temporary directory that is removed at the end. Prints every figure, then the medians (ms).
set -euo pipefail
export LC_ALL=C
(($# == 2)) || { echo "usage: extra/bench/ab.sh DIST_A DIST_B" >&2; exit 2; }
A=$1
B=$2
ROUNDS=${ROUNDS:-5}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "ab.sh: ROUNDS must be a whole number >= 1, not '$ROUNDS'" >&2; exit 2; }
for d in "$A" "$B"; do
    [[ -x $d/bin/drover ]] || { echo "ab.sh: $d has no bin/drover" >&2; exit 2; }
done
((BASH_VERSINFO[0] >= 5)) || { echo "ab.sh: needs bash 5 (EPOCHREALTIME)" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/drover-ab.XXXXXX")
cleanup() {
    local d
    for d in "$A" "$B"; do
        DROVER_STATE_DIR=$W/$(basename "$d")/state "$d/bin/drover" multi kill 10 --range-prefix=ab --pidfile="$W/$(basename "$d")/%n.pid" >/dev/null 2>&1 || true
    done
    rm -rf "$W"
}
trap cleanup EXIT

now_us() { echo "${EPOCHREALTIME/./}"; }
for ((r = 1; r <= ROUNDS; r++)); do
    for d in "$A" "$B"; do
        n=$(basename "$d")
        export DROVER_STATE_DIR=$W/$n/state
        opts=(10 --range-prefix=ab --pidfile="$W/$n/%n.pid" --logfile="$W/$n/%n%I.log")
        t0=$(now_us)
        for _ in 1 2 3 4 5; do "$d/bin/drover" multi names "${opts[@]}" >/dev/null; done
        t1=$(now_us)
        echo "$n names $(((t1 - t0) / 5000))"
        t0=$(now_us)
        "$d/bin/drover" multi start "${opts[@]}" >/dev/null
        t1=$(now_us)
        echo "$n start $(((t1 - t0) / 1000))"
        t0=$(now_us)
        for _ in 1 2 3 4 5; do "$d/bin/drover" multi status "${opts[@]}" >/dev/null; done
        t1=$(now_us)
        echo "$n status $(((t1 - t0) / 5000))"
        t0=$(now_us)
        for _ in 1 2 3 4 5; do "$d/bin/drover" multi status --all >/dev/null; done
        t1=$(now_us)
        echo "$n status-all $(((t1 - t0) / 5000))"
        t0=$(now_us)
        "$d/bin/drover" multi stopwait "${opts[@]}" >/dev/null
        t1=$(now_us)
        echo "$n stopwait $(((t1 - t0) / 1000))"
    done
done | tee "$W/raw.txt"
echo
echo "medians (ms), $ROUNDS rounds:"
awk '{ k = $1 " " $2; v[k] = v[k] " " $3 } END { for (k in v) print k, v[k] }' "$W/raw.txt" | sort | while read -r n op values; do
    # shellcheck disable=SC2086 # the values are numbers, one word each
    printf '%-24s %-9s %s\n' "$n" "$op" "$(printf '%s\n' $values | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')"
done
