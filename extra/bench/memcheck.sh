#!/usr/bin/env bash
# memcheck.sh: does a node's memory stay flat? One node under the demo application's load for
# a while; every interval its RSS, and its old generation after a full GC, sampled with jcmd
# (issue 17, "a memory check in extra/bench").
#
# Usage: extra/bench/memcheck.sh [--minutes N] [--interval SECONDS] [-c THREADS] [--keep]
#   --minutes N         how long the node runs (default 10)
#   --interval SECONDS  time between samples (default 30)
#   -c THREADS          the demo's threads, each running a job a second with its log lines
#                       (default 8)
#   --keep              keep the work directory (pidfile, the node's log, every sample)
#
# Environment: DROVER_HOME=DIR, the drover distribution to measure (default: the one this script
# is shipped in, else the repository's target/drover, built when missing); JAVA_HOME for jcmd.
#
# Each sample: `jcmd PID GC.run` (a full collection: the serial collector a node runs with
# compacts the old generation), then `jcmd PID GC.heap_info` for the old generation's use,
# and VmRSS from /proc/PID/status. The first sample is taken after a minute's warm-up (or
# one interval, if shorter); growth is the last sample against that first one. The node is
# stopped (stopwait) at the end, also on failure or Ctrl-C. Exit status: 0 when the node ran
# the whole time (a growth is a result, not a failure), 1 when it did not, 2 on bad usage.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
MINUTES=10
INTERVAL=30
THREADS=8
KEEP=0

die() { printf 'memcheck.sh: %s\n' "$*" >&2; exit "${DIE_CODE:-1}"; }
usage_die() { DIE_CODE=2 die "$@"; }

while (($#)); do
    case $1 in
        --minutes) MINUTES=${2:-}; shift 2 || usage_die "--minutes needs a number" ;;
        --minutes=*) MINUTES=${1#*=}; shift ;;
        --interval) INTERVAL=${2:-}; shift 2 || usage_die "--interval needs a number" ;;
        --interval=*) INTERVAL=${1#*=}; shift ;;
        -c) THREADS=${2:-}; shift 2 || usage_die "-c needs a number" ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) usage_die "unknown argument '$1' (--minutes N, --interval SECONDS, -c THREADS, --keep)" ;;
    esac
done
for v in MINUTES INTERVAL THREADS; do
    { [[ ${!v} =~ ^[0-9]+$ ]] && ((${!v} >= 1)); } || usage_die "$v must be a whole number >= 1, not '${!v}'"
done

find_drover() {
    if [[ -n ${DROVER_HOME:-} ]]; then
        [[ -x $DROVER_HOME/bin/drover ]] || usage_die "DROVER_HOME=$DROVER_HOME has no bin/drover"
    elif [[ -x $BENCH_DIR/../../bin/drover && -d $BENCH_DIR/../../lib ]]; then
        DROVER_HOME=$BENCH_DIR/../..            # shipped in a distribution: extra/bench/
    else
        local repo
        repo=$(cd -P "$BENCH_DIR/../.." && pwd -P)
        DROVER_HOME=$repo/target/drover
        if [[ ! -x $DROVER_HOME/bin/drover ]]; then
            [[ -f $repo/pom.xml ]] || usage_die "no drover at $DROVER_HOME and no pom.xml to build it: set DROVER_HOME"
            printf 'memcheck.sh: building drover: mvn -B -q package -DskipTests in %s\n' "$repo" >&2
            (cd "$repo" && mvn -B -q package -DskipTests) >&2 || die "mvn package failed"
        fi
    fi
    DROVER_HOME=$(cd -P "$DROVER_HOME" && pwd -P)
    DROVER=$DROVER_HOME/bin/drover
}
find_drover
JCMD=jcmd
[[ -n ${JAVA_HOME:-} && -x ${JAVA_HOME:-}/bin/jcmd ]] && JCMD=$JAVA_HOME/bin/jcmd
command -v "$JCMD" >/dev/null || usage_die "jcmd not found: install a JDK, or set JAVA_HOME to one"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/drover-memcheck.XXXXXX")
NODE_ARGS=(mem1 -c "$THREADS" "--pidfile=$WORK/%n.pid" "--logfile=$WORK/%n%I.log")
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    "$DROVER" multi stopwait "${NODE_ARGS[@]}" --timeout=30 >> "$WORK/commands.log" 2>&1 \
        || "$DROVER" multi kill "${NODE_ARGS[@]}" >> "$WORK/commands.log" 2>&1
    if ((KEEP || rc != 0)); then
        printf 'memcheck.sh: work directory kept: %s\n' "$WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$DROVER" multi start "${NODE_ARGS[@]}" > "$WORK/commands.log" 2>&1 || die "the node did not start: $(cat "$WORK/commands.log")"
PID=$(< "$WORK/mem1.pid")
alive() { [[ -r /proc/$PID/stat ]] && [[ $(cut -d' ' -f3 "/proc/$PID/stat") != Z ]]; }

# sample: RSS in KiB, and the old generation's used KiB after a full GC
sample() {
    "$JCMD" "$PID" GC.run > /dev/null || return 1
    "$JCMD" "$PID" GC.heap_info > "$WORK/heap" || return 1
    OLD_KB=$(awk '/tenured generation|ParOldGen|old gen|Old Gen/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); print v; exit } }' "$WORK/heap")
    RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status")
    [[ -n $OLD_KB && -n $RSS_KB ]]
}

printf 'memcheck.sh: node mem1 (pid %d, -c %d) for %d min, a sample every %d s; drover %s\n' \
    "$PID" "$THREADS" "$MINUTES" "$INTERVAL" "$DROVER_HOME" >&2
START=$SECONDS
END=$((START + MINUTES * 60))
WARMUP=$((INTERVAL < 60 ? 60 : INTERVAL))
((WARMUP <= MINUTES * 60)) || WARMUP=$((MINUTES * 60))
next=$((START + WARMUP))
printf '\n| minute | RSS (MiB) | old generation after a full GC (KiB) | jobs done |\n| --- | --- | --- | --- |\n'
FIRST_RSS="" FIRST_OLD="" MAX_RSS=0 MAX_OLD=0 N=0
while :; do
    while ((SECONDS < next)); do
        alive || die "the node (pid $PID) died after $((SECONDS - START)) s; its log: $WORK/mem1.log"
        sleep 1
    done
    alive || die "the node (pid $PID) died after $((SECONDS - START)) s; its log: $WORK/mem1.log"
    sample || die "jcmd could not sample pid $PID (see $WORK/heap)"
    jobs_done=$(grep -c ' done in ' "$WORK/mem1.log" || true)
    printf '| %.1f | %.1f | %d | %d |\n' "$(awk -v s=$((SECONDS - START)) 'BEGIN { print s / 60 }')" \
        "$(awk -v k="$RSS_KB" 'BEGIN { print k / 1024 }')" "$OLD_KB" "$jobs_done"
    N=$((N + 1))
    [[ -n $FIRST_RSS ]] || { FIRST_RSS=$RSS_KB; FIRST_OLD=$OLD_KB; }
    ((RSS_KB > MAX_RSS)) && MAX_RSS=$RSS_KB
    ((OLD_KB > MAX_OLD)) && MAX_OLD=$OLD_KB
    ((next + INTERVAL <= END)) || break
    next=$((next + INTERVAL))
done
growth() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+d KiB (%+.1f%%)", b - a, (b - a) * 100 / a }'; }
printf '\n%d samples over %.1f minutes of %d demo threads: RSS %s from the first sample to the last (max %.1f MiB);' \
    "$N" "$(awk -v s=$((SECONDS - START)) 'BEGIN { print s / 60 }')" "$THREADS" "$(growth "$FIRST_RSS" "$RSS_KB")" \
    "$(awk -v k="$MAX_RSS" 'BEGIN { print k / 1024 }')"
printf ' old generation after a full GC %s (max %d KiB)\n' "$(growth "$FIRST_OLD" "$OLD_KB")" "$MAX_OLD"
printf 'command: extra/bench/memcheck.sh --minutes %d --interval %d -c %d\n' "$MINUTES" "$INTERVAL" "$THREADS"
