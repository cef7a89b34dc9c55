#!/bin/sh
# supervise-idle.sh: what `drover multi supervise` itself costs while its nodes just run (issue 13):
# its CPU over SECONDS (default 60) and its memory (RSS, PSS), with the heartbeat and the
# memory sampling on, for NODES demo nodes (default 3). The nodes' own costs are not counted.
#
# Usage: extra/bench/supervise-idle.sh      (DROVER_HOME, NODES, SECONDS_IDLE to change them)
set -eu
here=$(cd -P "$(dirname "$0")" && pwd -P)
if [ -z "${DROVER_HOME:-}" ]; then
    if [ -x "$here/../../bin/drover" ]; then DROVER_HOME=$here/../..; else DROVER_HOME=$here/../../target/drover; fi
fi
drover=$DROVER_HOME/bin/drover
nodes=${NODES:-3}
idle=${SECONDS_IDLE:-60}
pid=
work=$(mktemp -d)
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM

DROVER_STATE_DIR=$work/state "$drover" multi supervise "$nodes" --range-prefix=bench \
    --pidfile="$work/%n.pid" --logfile="$work/%n%I.log" --heartbeat=5 --max-memory=1G \
    >"$work/supervise.out" 2>&1 &
pid=$!
until grep -q "all nodes ready" "$work/supervise.out"; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/supervise.out"; exit 1; }
    sleep 0.2
done
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
sleep "$idle"
after=$(ticks)
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
pss=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup")
echo "supervise of $nodes nodes (--heartbeat=5 --max-memory=1G), idle for $idle s:"
awk -v t=$((after - before)) -v hz="$hz" -v s="$idle" \
    'BEGIN { printf "  CPU %.2f %% of one core (%d ticks of 1/%d s)\n", 100 * t / hz / s, t, hz }'
echo "  RSS $((rss / 1024)) MiB, PSS $((pss / 1024)) MiB"
