#!/usr/bin/env bash
# metrics.sh: what /metrics costs a node (issue 30, item 5), for one or more drover distributions,
# interleaved round by round so that the machine's load falls on all alike:
#   - `multi start 1` until ready, without --health-port and with it (ms), and the CPU time the
#     node's JVM used until then (ms, utime + stime of /proc/PID/stat: steadier than wall time on a
#     loaded machine);
#   - the node's RSS with the port, before its first scrape and after it (KiB, VmRSS);
#   - the first and the second GET /metrics (ms, curl's time_total).
# A node nobody scrapes should cost what it did; the first scrape pays for loading the page's code.
#
# Usage: extra/bench/metrics.sh DIST [DIST...]   (each a distribution directory: bin/, lib/)
#   ROUNDS=N   rounds (default 5)
#
# The nodes are mb1@HOST, with pidfiles, logs and node registry in a temporary directory that is
# removed at the end; the port is 19470 (PORT=...). Prints every figure, then the medians.
set -euo pipefail
export LC_ALL=C
(($# >= 1)) || { echo "usage: extra/bench/metrics.sh DIST [DIST...]" >&2; exit 2; }
ROUNDS=${ROUNDS:-5}
PORT=${PORT:-19470}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "metrics.sh: ROUNDS must be a whole number >= 1, not '$ROUNDS'" >&2; exit 2; }
for d in "$@"; do
    [[ -x $d/bin/drover ]] || { echo "metrics.sh: $d has no bin/drover" >&2; exit 2; }
done
command -v curl >/dev/null || { echo "metrics.sh: needs curl" >&2; exit 2; }
((BASH_VERSINFO[0] >= 5)) || { echo "metrics.sh: needs bash 5 (EPOCHREALTIME)" >&2; exit 2; }

W=$(mktemp -d "${TMPDIR:-/tmp}/drover-metrics.XXXXXX")
export DROVER_STATE_DIR=$W/state DROVER_FORCE_ROOT=1
cleanup() {
    local d
    for d in "$@"; do
        "$d/bin/drover" multi kill 1 --range-prefix=mb --pidfile="$W/%n.pid" >/dev/null 2>&1 || true
    done
    rm -rf "$W"
}
trap 'cleanup "$@"' EXIT

now_us() { echo "${EPOCHREALTIME/./}"; }
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$(cat "$W/mb1.pid")/status"; }
# utime + stime in ms (USER_HZ is 100); the fields counted after the command's closing parenthesis
cpu() { sed 's/.*) //' "/proc/$(cat "$W/mb1.pid")/stat" | awk '{print ($12 + $13) * 10}'; }
opts=(1 --range-prefix=mb --pidfile="$W/%n.pid" --logfile="$W/%n.log")
for ((r = 1; r <= ROUNDS; r++)); do
    i=0
    for d in "$@"; do
        n="$i:$(basename "$d")"
        i=$((i + 1))
        t0=$(now_us)
        "$d/bin/drover" multi start "${opts[@]}" >/dev/null 2>&1
        t1=$(now_us)
        echo "$n start $(((t1 - t0) / 1000))"
        echo "$n node-cpu $(cpu)"
        "$d/bin/drover" multi stopwait "${opts[@]}" >/dev/null 2>&1
        t0=$(now_us)
        "$d/bin/drover" multi start "${opts[@]}" --health-port="$PORT" >/dev/null 2>&1
        t1=$(now_us)
        echo "$n start-port $(((t1 - t0) / 1000))"
        echo "$n node-cpu-port $(cpu)"
        echo "$n rss-port $(rss)"
        for k in first second; do
            s=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$PORT/metrics")
            echo "$n scrape-$k ${s#* } (HTTP ${s%% *})" | awk '{printf "%s %s %.1f %s %s\n", $1, $2, $3 * 1000, $4, $5}'
        done
        echo "$n rss-scraped $(rss)"
        "$d/bin/drover" multi stopwait "${opts[@]}" >/dev/null 2>&1
    done
done | tee "$W/figures"
echo "medians:"
awk '{v[$1" "$2] = v[$1" "$2] " " $3} END {for (k in v) print k, v[k]}' "$W/figures" | sort | while read -r dist what values; do
    # shellcheck disable=SC2086 # a list of numbers
    printf '%s %s %s\n' "$dist" "$what" "$(printf '%s\n' $values | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"
done
