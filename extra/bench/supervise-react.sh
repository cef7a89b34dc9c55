#!/bin/sh
# supervise-react.sh: how soon `drover multi supervise` notices a node's death (issue 29) and has
# it back (issue 32): it kill -9s one of NODES demo nodes (default 10) ROUNDS times (default 10),
# each time waiting until supervise has started it again, and prints for each round, and their
# median and maximum:
#   - noticed: the kill to supervise's "exited unasked" line (its own timestamp, in ms);
#   - spawned: the kill to the new node process's birth (its start time in /proc/PID/stat, in
#     clock ticks since boot, against /proc/uptime read just before the kill: 10-ms steps);
#   - ready:   the kill to supervise's "started (pid N)" line, which it prints once the new node
#     reported ready; against a fresh `multi start 1` of another demo node (its wall time, run
#     in each round after the node is back), as a ratio.
# supervise is the nodes' parent (and a child subreaper): the death reaches it from a thread
# blocked in waitpid, with no polling. DETACH=1 runs the supervisor detached (`supervise
# --detach`), its lines read from its --supervisor-log.
#
# Usage: extra/bench/supervise-react.sh      (DROVER_HOME, NODES, ROUNDS, DETACH, BACKOFF (--backoff, default 1) to change them)
set -eu
here=$(cd -P "$(dirname "$0")" && pwd -P)
if [ -z "${DROVER_HOME:-}" ]; then
    if [ -x "$here/../../bin/drover" ]; then DROVER_HOME=$here/../..; else DROVER_HOME=$here/../../target/drover; fi
fi
drover=$DROVER_HOME/bin/drover
nodes=${NODES:-10}
rounds=${ROUNDS:-10}
detach=${DETACH:-0}
backoff=${BACKOFF:-1}
pid=
work=$(mktemp -d)
export DROVER_STATE_DIR="$work/state"
out=$work/supervise.out
stop() {
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
    if [ "$detach" = 1 ]; then
        while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    else
        wait "$pid" 2>/dev/null || true
    fi
    "$drover" multi stopwait 1 --range-prefix=fresh --pidfile="$work/%n.pid" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap stop EXIT INT TERM

if [ "$detach" = 1 ]; then
    "$drover" multi supervise --detach "$nodes" --range-prefix=react --pidfile="$work/%n.pid" \
        --logfile="$work/%n%I.log" --backoff="$backoff" --supervisor-log="$out" >"$work/detach.out" 2>&1 \
        || { cat "$work/detach.out"; exit 1; }
    pid=$(sed -n 's/.*Supervised by pid \([0-9]*\).*/\1/p' "$work/detach.out")
    [ -n "$pid" ] || { cat "$work/detach.out"; exit 1; }
else
    "$drover" multi supervise "$nodes" --range-prefix=react \
        --pidfile="$work/%n.pid" --logfile="$work/%n%I.log" --backoff="$backoff" \
        >"$out" 2>&1 &
    pid=$!
    until grep -q "all nodes ready" "$out"; do
        kill -0 "$pid" 2>/dev/null || { cat "$out"; exit 1; }
        sleep 0.2
    done
fi
host=$(cat /proc/sys/kernel/hostname)
hz=$(getconf CLK_TCK)
: > "$work/ms"; : > "$work/spawn"; : > "$work/ready"; : > "$work/fresh"
# the lines of node N in supervise's output that say WHAT
count() { grep -c "^[0-9].*react$1@$host: $2" "$out" || true; }
r=1
while [ "$r" -le "$rounds" ]; do
    n=$(( (r - 1) % nodes + 1 ))
    victim=$(cat "$work/react$n.pid")
    seen=$(count "$n" "exited unasked")
    started=$(count "$n" "started")
    up=$(cut -d' ' -f1 /proc/uptime)
    t0=$(date +%s%3N)
    kill -KILL "$victim"
    until [ "$(count "$n" "exited unasked")" -gt "$seen" ]; do sleep 0.01; done
    line=$(grep "^[0-9].*react$n@$host: exited unasked" "$out" | tail -n 1)
    t1=$(date -d "${line%% *}" +%s%3N)
    echo $((t1 - t0)) >> "$work/ms"
    until [ "$(count "$n" "started")" -gt "$started" ]; do sleep 0.05; done
    line=$(grep "^[0-9].*react$n@$host: started" "$out" | tail -n 1)
    t2=$(date -d "${line%% *}" +%s%3N)
    echo $((t2 - t0)) >> "$work/ready"
    new=${line##*pid }
    new=${new%%)*}
    # field 22 of stat, counted after the command's closing parenthesis (a name may hold spaces)
    birth=$(sed 's/.*) //' "/proc/$new/stat" | cut -d' ' -f20)
    awk -v b="$birth" -v hz="$hz" -v up="$up" 'BEGIN { printf "%d\n", (b / hz - up) * 1000 }' >> "$work/spawn"
    # a fresh start of one demo node, for the ratio
    f0=$(date +%s%3N)
    "$drover" multi start 1 --range-prefix=fresh --pidfile="$work/%n.pid" --logfile="$work/%n%I.log" >/dev/null 2>&1
    f1=$(date +%s%3N)
    echo $((f1 - f0)) >> "$work/fresh"
    "$drover" multi stopwait 1 --range-prefix=fresh --pidfile="$work/%n.pid" >/dev/null
    r=$((r + 1))
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
max() { sort -n "$1" | tail -n 1; }
mode=foreground; [ "$detach" = 1 ] && mode=detached
echo "supervise ($mode) of $nodes nodes, $rounds rounds, ms from the kill -9:"
echo "  noticed (its line): $(tr '\n' ' ' < "$work/ms")"
echo "  spawned (its birth): $(tr '\n' ' ' < "$work/spawn")"
echo "  ready again (its line): $(tr '\n' ' ' < "$work/ready")"
echo "  a fresh start 1: $(tr '\n' ' ' < "$work/fresh")"
echo "  median noticed $(median "$work/ms") ms (max $(max "$work/ms")), spawned $(median "$work/spawn") ms (max $(max "$work/spawn")), ready $(median "$work/ready") ms (max $(max "$work/ready")) against start 1's $(median "$work/fresh") ms: $(awk -v a="$(median "$work/ready")" -v b="$(median "$work/fresh")" 'BEGIN { printf "%.2fx", a / b }')"
