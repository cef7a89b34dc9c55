#!/bin/sh
# supervise-react.sh: how soon `drover multi supervise` notices a node's death (issue 29): it
# kill -9s one of NODES demo nodes (default 10) ROUNDS times (default 10), each time waiting
# until supervise has started it again, and prints the time from the kill to supervise's
# "exited unasked" line (its own timestamp, in ms) for each round, and their median and
# maximum. supervise is the nodes' parent (and a child subreaper): the death reaches it from
# a thread blocked in waitpid, with no polling.
#
# Usage: extra/bench/supervise-react.sh      (DROVER_HOME, NODES, ROUNDS to change them)
set -eu
here=$(cd -P "$(dirname "$0")" && pwd -P)
if [ -z "${DROVER_HOME:-}" ]; then
    if [ -x "$here/../../bin/drover" ]; then DROVER_HOME=$here/../..; else DROVER_HOME=$here/../../target/drover; fi
fi
drover=$DROVER_HOME/bin/drover
nodes=${NODES:-10}
rounds=${ROUNDS:-10}
pid=
work=$(mktemp -d)
trap 'kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM

DROVER_STATE_DIR=$work/state "$drover" multi supervise "$nodes" --range-prefix=react \
    --pidfile="$work/%n.pid" --logfile="$work/%n%I.log" --backoff=0.1 \
    >"$work/supervise.out" 2>&1 &
pid=$!
until grep -q "all nodes ready" "$work/supervise.out"; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/supervise.out"; exit 1; }
    sleep 0.2
done
host=$(cat /proc/sys/kernel/hostname)
: > "$work/ms"
r=1
while [ "$r" -le "$rounds" ]; do
    n=$(( (r - 1) % nodes + 1 ))
    victim=$(cat "$work/react$n.pid")
    seen=$(grep -c "^[0-9].*react$n@$host: exited unasked" "$work/supervise.out" || true)
    started=$(grep -c "react$n@$host: started" "$work/supervise.out" || true)
    t0=$(date +%s%3N)
    kill -KILL "$victim"
    until [ "$(grep -c "^[0-9].*react$n@$host: exited unasked" "$work/supervise.out" || true)" -gt "$seen" ]; do sleep 0.05; done
    line=$(grep "^[0-9].*react$n@$host: exited unasked" "$work/supervise.out" | tail -n 1)
    t1=$(date -d "${line%% *}" +%s%3N)
    echo $((t1 - t0)) >> "$work/ms"
    # back and ready before the next round
    until [ "$(grep -c "react$n@$host: started" "$work/supervise.out" || true)" -gt "$started" ]; do sleep 0.05; done
    r=$((r + 1))
done
echo "supervise of $nodes nodes: a kill -9 noticed after (ms, kill to its line): $(tr '\n' ' ' < "$work/ms")"
sort -n "$work/ms" | awk '{ v[NR] = $1 } END { printf "  median %d ms, max %d ms over %d rounds\n", v[int((NR + 1) / 2)], v[NR], NR }'
