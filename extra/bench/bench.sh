#!/usr/bin/env bash
# bench.sh: issue 32's target table in one run: drover multi against celery multi, against the
# floor of starting JVMs at all and against a bare Hello JVM, its supervisor (reaction to a node's
# death, idle cost), /metrics, log capture, and optionally the test suite, side by side on this
# machine, on one or more JDKs (issues 7, 15 and 32).
#
# Usage: extra/bench/bench.sh            (as root, or a user with sudo for the installs)
#
# Environment:
#   DROVER_HOME=DIR   the drover distribution to measure (default: the distribution this script
#                     is shipped in, else the repository's target/drover, built when missing)
#   JDKS="HOME..."    JDK homes to run drover on, each in every round (default: the java drover
#                     finds itself, JAVA_HOME or PATH); the report has a column per JDK
#   ROUNDS=N          rounds of the drover/celery comparison (default 5)
#   DEMO_ROUNDS=N     of those, how many also measure drover's built-in demo app (default 1)
#   SCALING=0         skip the 1/10/50-node section (and with it the 50-node rows of the table)
#   SCALE1_ROUNDS=N   rounds of the 1-node case (default 3)
#   SCALE50_ROUNDS=N  rounds of the 50-node case (default 1)
#   SUPERVISE_IDLE=S  seconds the supervisors with 10 nodes sit idle while their CPU is counted
#                     (default 60; 0 skips it)
#   REACT_ROUNDS=N    nodes killed with -9 under each supervisor, foreground and detached, one at
#                     a time (default 10; 0 skips it)
#   START1_ROUNDS=N   `multi start 1` runs, the reference of a node's death to ready (default 3)
#   METRICS_S=S       seconds /metrics is scraped once a second (default 60; 0 skips it)
#   FLOOD_LINES=N     lines the log flood writes to System.out (default 500000; 0 skips it)
#   FLOOD_RATE=N      lines a second it writes them at (default 100000)
#   SUITE=1           also run the test suite (`CI=true bash .ci/run`) in a clone of the
#                     repository's HEAD, last (default 0: not run; it takes many minutes)
#   CELERY_PYTHON     the python that has celery (default /usr/bin/python3, Debian's)
#   KEEP=1            keep the work directory (pidfiles, node logs, command output)
#
# It installs Debian's python3-celery and hyperfine when missing (apt-get), compiles the small
# applications next to it (IdleApp, Floor, Hello, LogFlood) against the distribution, builds the
# distribution's class-data archives for each JDK (bin/drover-cds, as a first command would), runs
# every operation for each JDK's drover and for celery multi in turn within each round, then the
# sections of their own (scaling, the supervisors, /metrics, the log flood, the suite), and prints
# medians (min-max) and the ratios against issue 32's targets, its rows in its order, then the
# rows without a target. With the defaults and two JDKs a run takes about 13 minutes on a 2-core
# machine (without the suite), more on a loaded one. Every process it starts carries DROVER_BENCH_TAG in its environment; on exit (also on
# failure or Ctrl-C) whatever still carries the tag is killed. Exit status: 0 when everything ran
# (a missed target is a result, not a failure), 1 when a node failed to start or stop, 2 on bad
# settings or a missing tool.
set -euo pipefail
# The caller's locale, for the suite (its tests pass non-ASCII words through a real sh and java).
ORIG_LC_ALL_SET=${LC_ALL+1}
ORIG_LC_ALL=${LC_ALL-}
export LC_ALL=C

BENCH_DIR=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROUNDS=${ROUNDS:-5}
DEMO_ROUNDS=${DEMO_ROUNDS:-1}
SCALING=${SCALING:-1}
SCALE1_ROUNDS=${SCALE1_ROUNDS:-3}
SCALE50_ROUNDS=${SCALE50_ROUNDS:-1}
SUPERVISE_IDLE=${SUPERVISE_IDLE:-60}
REACT_ROUNDS=${REACT_ROUNDS:-10}
START1_ROUNDS=${START1_ROUNDS:-3}
METRICS_S=${METRICS_S:-60}
FLOOD_LINES=${FLOOD_LINES:-500000}
FLOOD_RATE=${FLOOD_RATE:-100000}
SUITE=${SUITE:-0}
PY=${CELERY_PYTHON:-/usr/bin/python3}
NODES=10        # the table's node count
CONC=2          # -c for both
SETTLE=1        # seconds the nodes sit idle before their memory is read
NAMES_RUNS=3    # hyperfine runs of `multi names` per command and round (after 1 warm-up run)
STATUS_RUNS=5   # hyperfine runs of `multi status` per command (after 1 warm-up run), 50 nodes up

START_US=${EPOCHREALTIME/./}

say() { printf '[%4ds] %s\n' $(( (${EPOCHREALTIME/./} - START_US) / 1000000 )) "$*" >&2; }
die() { printf 'bench.sh: %s\n' "$*" >&2; exit "${DIE_CODE:-1}"; }
usage_die() { DIE_CODE=2 die "$@"; }

for v in ROUNDS DEMO_ROUNDS SCALE1_ROUNDS SCALE50_ROUNDS SUPERVISE_IDLE REACT_ROUNDS START1_ROUNDS \
    METRICS_S FLOOD_LINES FLOOD_RATE; do
    [[ ${!v} =~ ^[0-9]+$ ]] || usage_die "$v must be a whole number, not '${!v}'"
done
((ROUNDS >= 1)) || usage_die "ROUNDS must be at least 1"
((DEMO_ROUNDS <= ROUNDS)) || DEMO_ROUNDS=$ROUNDS
[[ $SCALING == 0 || $SCALING == 1 ]] || usage_die "SCALING is 0 or 1, not '$SCALING'"
[[ $SUITE == 0 || $SUITE == 1 ]] || usage_die "SUITE is 0 or 1, not '$SUITE'"
((FLOOD_RATE >= 1)) || usage_die "FLOOD_RATE must be at least 1"
((SCALE1_ROUNDS >= 1 && SCALE50_ROUNDS >= 1)) || SCALING=0
((BASH_VERSINFO[0] >= 5)) || usage_die "needs bash 5 (EPOCHREALTIME)"

# ---- tools ---------------------------------------------------------------------------------

install_missing() {
    local -a missing=() sudo=()
    "$PY" -c 'import celery' 2>/dev/null || missing+=(python3-celery)
    command -v hyperfine >/dev/null || missing+=(hyperfine)
    ((${#missing[@]})) || return 0
    if ((EUID != 0)); then
        command -v sudo >/dev/null || usage_die "missing ${missing[*]}: run as root or install them"
        sudo=(sudo)
    fi
    say "installing ${missing[*]} with apt-get"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
        || usage_die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 \
        || usage_die "apt-get install ${missing[*]} failed"
    "$PY" -c 'import celery' 2>/dev/null || usage_die "$PY cannot import celery after installing python3-celery"
    command -v hyperfine >/dev/null || usage_die "hyperfine is still missing"
}

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
            say "building drover: mvn -B -q package -DskipTests in $repo"
            (cd "$repo" && mvn -B -q package -DskipTests) >&2 || die "mvn package failed"
        fi
    fi
    DROVER_HOME=$(cd -P "$DROVER_HOME" && pwd -P)
    DROVER=$DROVER_HOME/bin/drover
}

install_missing
find_drover
JAVAC=javac
[[ -n ${JAVA_HOME:-} && -x ${JAVA_HOME:-}/bin/javac ]] && JAVAC=$JAVA_HOME/bin/javac
command -v "$JAVAC" >/dev/null || usage_die "javac not found (IdleApp.java is compiled at run time): install a JDK"
((METRICS_S == 0)) || command -v curl >/dev/null || usage_die "curl not found (the /metrics row scrapes with it; METRICS_S=0 skips it)"

# ---- work directory, and cleaning up after ourselves ----------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/drover-bench.XXXXXX")
OUT=$WORK/commands.log              # every command's own output
RES=$WORK/results                   # one file per measurement, one value per line
mkdir -p "$RES" "$WORK/py" "$WORK/app" "$WORK/tmp"
# Temporary files of what we start (python's multiprocessing leaves /tmp/pymp-* behind when a
# worker is killed) go to the work directory, and go with it.
# (the suite, run last, gets the caller's back)
ORIG_TMPDIR=${TMPDIR-}
ORIG_PYTHONPATH=${PYTHONPATH-}
export TMPDIR=$WORK/tmp
DROVER_BENCH_TAG=$(basename "$WORK")-$$
export DROVER_BENCH_TAG

# Processes started by this run: their environment holds our tag. Builtins only (no fork whose
# environment would match), and never this shell.
tagged_pids() {
    local e p
    local -a env
    for e in /proc/[0-9]*/environ; do
        p=${e#/proc/}
        p=${p%/environ}
        [[ $p == "$$" || $p == "$BASHPID" ]] && continue
        mapfile -d '' -t env 2>/dev/null < "$e" || continue
        ((${#env[@]})) || continue
        [[ $'\n'"${env[*]}"$'\n' == *"DROVER_BENCH_TAG=$DROVER_BENCH_TAG"* ]] && printf '%s\n' "$p"
    done
    return 0
}

kill_tagged() {
    local -a pids
    local i
    for i in 1 2 3; do
        mapfile -t pids < <(tagged_pids)
        ((${#pids[@]})) || return 0
        kill -KILL "${pids[@]}" 2>/dev/null || true
        nap 0.2
    done
    mapfile -t pids < <(tagged_pids)
    ((${#pids[@]} == 0)) || printf 'bench.sh: could not kill: %s\n' "${pids[*]}" >&2
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    local -a left
    mapfile -t left < <(tagged_pids)
    if ((${#left[@]})); then
        printf 'bench.sh: killing %d process(es) this run started:\n' "${#left[@]}" >&2
        ps -o pid=,etime=,args= -p "$(IFS=,; echo "${left[*]}")" 2>/dev/null | cut -c 1-200 >&2
        kill_tagged
    fi
    if [[ ${KEEP:-0} == 1 || $rc != 0 ]]; then
        printf 'bench.sh: work directory kept: %s (command output: %s)\n' "$WORK" "$OUT" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A sleep without a fork: read with a timeout from a fifo nobody writes to.
mkfifo "$WORK/nap"
exec {NAPFD}<>"$WORK/nap"
nap() { read -r -t "$1" -u "$NAPFD" _ || true; }

# ---- helpers ---------------------------------------------------------------------------------

now_us() { NOW_US=${EPOCHREALTIME/./}; }
# us_to_s MICROSECONDS -> prints seconds with 6 decimals
us_to_s() { printf '%d.%06d' $(( $1 / 1000000 )) $(( $1 % 1000000 )); }
record() { printf '%s\n' "$2" >> "$RES/$1"; }
record_us() { record "$1" "$(us_to_s "$2")"; }

# run CMD...: output to $OUT; on failure, show it
run() {
    local rc=0
    "$@" > "$WORK/last.out" 2>&1 || rc=$?
    { printf '\n$ %s\n' "$*"; cat "$WORK/last.out"; printf '[exit %d]\n' "$rc"; } >> "$OUT"
    if ((rc != 0)); then
        printf 'bench.sh: failed (exit %d): %s\n--- its output:\n' "$rc" "$*" >&2
        tail -n 40 "$WORK/last.out" >&2
    fi
    return "$rc"
}

# CPU seconds of the children this shell has reaped so far (the `times` builtin, no fork).
children_cpu_ms() {
    local line u s
    times > "$WORK/times"
    { read -r _; read -r u s; } < "$WORK/times"
    CPU_MS=$(( $(m_s_to_ms "$u") + $(m_s_to_ms "$s") ))
}
m_s_to_ms() { local x=${1%s} m; m=${x%%m*}; x=${x#*m}; printf '%d' $(( m * 60000 + 10#${x%.*} * 1000 + 10#${x#*.} )); }

# node_tree PID: the pid and its descendants (celery's pool processes), into TREE
node_tree() {
    TREE=()
    local -a queue=("$1") kids
    local p f
    while ((${#queue[@]})); do
        p=${queue[0]}
        queue=("${queue[@]:1}")
        [[ -d /proc/$p ]] || continue
        TREE+=("$p")
        for f in /proc/"$p"/task/*/children; do
            [[ -r $f ]] || continue
            read -r -a kids < "$f" || true
            queue+=("${kids[@]}")
        done
    done
}

# read_pid DIR PREFIX I -> PID (empty when there is no pidfile)
read_pid() {
    PID=
    [[ -f $1/$2$3.pid ]] || return 0
    read -r PID < "$1/$2$3.pid" || true
}

# check_running DIR PREFIX N: every node has a pidfile with a live pid
check_running() {
    local i
    for ((i = 1; i <= $3; i++)); do
        read_pid "$1" "$2" "$i"
        [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null && continue
        printf 'bench.sh: %s%d is not running (pidfile %s)\n' "$2" "$i" "$1/$2$i.pid" >&2
        tail -n 20 "$1/$2$i.log" >&2 2>/dev/null || true
        return 1
    done
}

# check_gone WHAT: nothing this run started is left (else report, kill, and count a warning)
WARNINGS=()
check_gone() {
    local -a left
    mapfile -t left < <(tagged_pids)
    ((${#left[@]})) || return 0
    WARNINGS+=("after $1, ${#left[@]} process(es) were still alive and were killed: ${left[*]}")
    say "warning: ${WARNINGS[-1]}"
    kill_tagged
}

# nodes_cpu_ms DIR PREFIX N: CPU time so far of every node and its pool processes -> CPU_MS
nodes_cpu_ms() {
    local i p line
    local -a f
    CPU_MS=0
    for ((i = 1; i <= $3; i++)); do
        read_pid "$1" "$2" "$i"
        [[ -n $PID ]] || continue
        node_tree "$PID"
        for p in "${TREE[@]}"; do
            read -r line 2>/dev/null < "/proc/$p/stat" || continue
            read -r -a f <<< "${line##*) }"
            CPU_MS=$(( CPU_MS + (f[11] + f[12]) * 1000 / CLK_TCK ))
        done
    done
}

# mem_sample KEY DIR PREFIX N: RSS and PSS of each node plus its pool processes, averaged per
# node, in MiB, recorded as KEY_rss and KEY_pss
mem_sample() {
    local key=$1 dir=$2 prefix=$3 n=$4 i p k v rss=0 pss=0 procs=0
    for ((i = 1; i <= n; i++)); do
        read_pid "$dir" "$prefix" "$i"
        [[ -n $PID ]] || { printf 'bench.sh: no pidfile for %s%d\n' "$prefix" "$i" >&2; return 1; }
        node_tree "$PID"
        for p in "${TREE[@]}"; do
            procs=$((procs + 1))
            while read -r k v _; do
                case $k in
                    Rss:) rss=$((rss + v)) ;;
                    Pss:) pss=$((pss + v)) ;;
                esac
            done < "/proc/$p/smaps_rollup"
        done
    done
    record "${key}_rss" "$(awk -v k="$rss" -v n="$n" 'BEGIN { printf "%.2f", k / n / 1024 }')"
    record "${key}_pss" "$(awk -v k="$pss" -v n="$n" 'BEGIN { printf "%.2f", k / n / 1024 }')"
    record "${key}_procs" "$((procs / n))"
}

# snapshot_logs DIR PREFIX N: remember how long each node's main logfile is (OFFS[i])
snapshot_logs() {
    local i buf
    OFFS=()
    for ((i = 1; i <= $3; i++)); do
        OFFS[i]=0
        [[ -f $1/$2$i.log ]] || continue
        IFS= read -r -d '' buf < "$1/$2$i.log" || true
        OFFS[i]=${#buf}
    done
}

# wait_ready DIR PREFIX N TIMEOUT_S: until each node's logfile says "NODENAME ready" after OFFS[i]
# (celery: "celery1@host ready."). Polls every 10 ms with builtins only.
wait_ready() {
    local dir=$1 prefix=$2 n=$3 i buf pending=$3 deadline
    local -a ok=()
    deadline=$(( ${EPOCHREALTIME/./} + $4 * 1000000 ))
    while :; do
        for ((i = 1; i <= n; i++)); do
            [[ -n ${ok[i]:-} || ! -f $dir/$prefix$i.log ]] && continue
            IFS= read -r -d '' buf < "$dir/$prefix$i.log" || true
            if [[ ${buf:OFFS[i]} == *"${NODENAMES[i]} ready"* ]]; then
                ok[i]=1
                pending=$((pending - 1))
            fi
        done
        ((pending > 0)) || return 0
        if (( ${EPOCHREALTIME/./} > deadline )); then
            for ((i = 1; i <= n; i++)); do
                [[ -n ${ok[i]:-} ]] && continue
                printf 'bench.sh: %s did not log "%s ready" within %d s; its log:\n' \
                    "${NODENAMES[i]}" "${NODENAMES[i]}" "$4" >&2
                tail -n 20 "$dir/$prefix$i.log" >&2 2>/dev/null || echo "(no logfile)" >&2
            done
            return 1
        fi
        nap 0.01
    done
}

# ---- what gets run ---------------------------------------------------------------------------

CLK_TCK=$(getconf CLK_TCK)
cp "$BENCH_DIR/benchapp.py" "$WORK/py/"
export PYTHONPATH=$WORK/py${PYTHONPATH:+:$PYTHONPATH}
"$JAVAC" --release 17 -nowarn -cp "$DROVER_HOME/lib/*" -d "$WORK/app" "$BENCH_DIR/IdleApp.java" "$BENCH_DIR/Floor.java" \
    "$BENCH_DIR/Hello.java" "$BENCH_DIR/LogFlood.java" \
    >> "$OUT" 2>&1 || { cat "$OUT" >&2; die "javac IdleApp.java Floor.java Hello.java LogFlood.java against $DROVER_HOME/lib failed"; }
# An application other than the demo runs as root only with --uid or this (see docs/daemonizing.md).
export DROVER_FORCE_ROOT=1
# The nodes' records go to the run's own node registry, not to the user's.
export DROVER_STATE_DIR=$WORK/state

# The JDKs drover runs on: JDK_LABELS (jdk17, jdk25...), and for each label its home (empty: the
# java drover finds itself), its java and its version line.
declare -A JDK_HOME JDK_JAVA JDK_VERSION
JDK_LABELS=()
add_jdk() {
    local home=$1 java version feature label
    if [[ -n $home ]]; then
        java=$home/bin/java
    elif [[ -n ${JAVA_HOME:-} ]]; then
        java=$JAVA_HOME/bin/java
    else
        java=$(command -v java) || usage_die "java not found: set JAVA_HOME or JDKS"
    fi
    [[ -x $java ]] || usage_die "$java is not executable (JDKS or JAVA_HOME)"
    version=$("$java" -version 2>&1 | head -n 1)
    feature=$(sed -n 's/.* version "\([0-9]*\).*/\1/p' <<< "$version")
    label=jdk${feature:-x}
    while [[ -n ${JDK_JAVA[$label]:-} ]]; do label+=b; done
    JDK_LABELS+=("$label")
    JDK_HOME[$label]=$home
    JDK_JAVA[$label]=$java
    JDK_VERSION[$label]=$version
}
if [[ -z ${JDKS:-} ]]; then
    add_jdk ""
else
    for home in $JDKS; do add_jdk "$home"; done
fi

# dj LABEL ARGS...: drover on that JDK
dj() {
    local label=$1
    shift
    if [[ -n ${JDK_HOME[$label]} ]]; then
        JAVA_HOME=${JDK_HOME[$label]} "$DROVER" "$@"
    else
        "$DROVER" "$@"
    fi
}
# dj_line LABEL ARGS...: the same as one command line for hyperfine (-N: no shell, so `env`)
dj_line() {
    local label=$1
    shift
    if [[ -n ${JDK_HOME[$label]} ]]; then
        printf '%q ' env "JAVA_HOME=${JDK_HOME[$label]}" "$DROVER" "$@"
    else
        printf '%q ' "$DROVER" "$@"
    fi
}

DROVER_VERSION=$("$DROVER" --version 2>/dev/null | head -n 1) || die "$DROVER --version failed"
CELERY_VERSION=$("$PY" -m celery --version 2>&1) || die "$PY -m celery --version failed"
HYPERFINE_VERSION=$(hyperfine --version)
# The archives a first command would build (bin/drover-cds), built now, outside every measurement.
for l in "${JDK_LABELS[@]}"; do
    run dj "$l" --version || die "drover --version on $l failed"
done

# The commit the distribution was built from: the repository's HEAD when DROVER_HOME is its
# target/drover (with a note when its work tree has changes a build may have taken), else unknown
# (an installed or unpacked distribution records none).
DROVER_COMMIT=unknown
REPO=
if repo=$(git -C "$DROVER_HOME" rev-parse --show-toplevel 2>/dev/null) && [[ $DROVER_HOME == "$(cd -P "$repo" && pwd -P)/target/drover" ]]; then
    REPO=$repo
    DROVER_COMMIT=$(git -C "$REPO" rev-parse HEAD)
    [[ -z $(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null) ]] \
        || DROVER_COMMIT+=" (its work tree has uncommitted changes)"
fi

# The JVM flags the launcher gives a short command such as `multi names`, read from the launcher
# itself rather than copied: it runs with JAVA_HOME a stand-in whose bin/java prints its
# arguments, and with DROVER_CDS_BUILDING set, so that it adds no class-data archive. Kept: every
# -X/-XX flag (JIT tiers and thresholds, the collector, no perf data): they are what the CLI's JVM
# is told, and Hello pays for them as the CLI does. Dropped: -XX:SharedArchiveFile/-XX:AOTCache and
# their -Xlog (the archive of drover's own classes, which Hello does not have: Hello keeps the
# JDK's default CDS archive, on unless a flag turns it off, as a bare java does), the -D
# properties (jffi's library path, drover.home: drover's own), and -cp with drover's jars, the main
# class and its arguments (Hello has its own). DROVER_JAVA_OPTS is emptied for the same reason.
mkdir -p "$WORK/echojava/bin"
printf '#!/bin/sh\nprintf "%%s\\n" "$@"\n' > "$WORK/echojava/bin/java"
chmod +x "$WORK/echojava/bin/java"
CLI_FLAGS=()
while IFS= read -r word; do
    case $word in
        -cp | -classpath | --class-path) break ;;
        -D*) ;;
        -X*) CLI_FLAGS+=("$word") ;;
    esac
done < <(JAVA_HOME=$WORK/echojava DROVER_CDS_BUILDING=1 DROVER_JAVA_OPTS="" "$DROVER" multi names "$NODES")
((${#CLI_FLAGS[@]})) || die "could not read the CLI's JVM flags from $DROVER"

# drover_args KIND DIR: the node options of a drover run (idle app or the built-in demo)
drover_args() {
    ARGS=(-c "$CONC" -l INFO "--pidfile=$2/%n.pid" "--logfile=$2/%n%I.log")
    [[ $1 == idle ]] && ARGS=(-A IdleApp "--classpath=$WORK/app" "${ARGS[@]}")
    return 0
}
celery_args() { ARGS=(-A benchapp -c "$CONC" -l INFO "--pidfile=$1/%n.pid" "--logfile=$1/%n%I.log"); }

# celery_multi OP ARGS...: celery multi exits 0 even when a node FAILED; we do not
celery_multi() {
    run "$PY" -m celery multi "$@" || return 1
    if grep -q FAILED "$WORK/last.out"; then
        printf 'bench.sh: celery multi %s: a node FAILED (celery multi exits 0 all the same):\n' "$1" >&2
        tail -n 40 "$WORK/last.out" >&2
        return 1
    fi
}

# hyperfine_to KEY... -- COMMAND...: hyperfine over the commands (1 warm-up run, RUNS timed runs),
# each command's times appended to the results under the KEY in the same place
hyperfine_to() {
    local runs=$1 json=$WORK/hyperfine.$RANDOM.json
    shift
    local -a keys=()
    while [[ $1 != -- ]]; do keys+=("$RES/$1"); shift; done
    shift
    run hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$json" "$@" || die "hyperfine failed"
    "$PY" - "$json" "${keys[@]}" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
for result, path in zip(results, sys.argv[2:]):
    with open(path, "a") as out:
        out.writelines("%.6f\n" % t for t in result["times"])
PY
}

# names_round: `multi names 10` on each JDK, a bare Hello with the CLI's flags on each JDK, then
# celery's
names_round() {
    local -a keys=() lines=()
    local l
    for l in "${JDK_LABELS[@]}"; do
        keys+=("names_$l" "hello_$l")
        lines+=("$(dj_line "$l" multi names "$NODES")")
        lines+=("$(printf '%q ' "${JDK_JAVA[$l]}" "${CLI_FLAGS[@]}" -cp "$WORK/app" Hello)")
    done
    hyperfine_to "$NAMES_RUNS" "${keys[@]}" names_celery -- "${lines[@]}" \
        "$(printf '%q ' "$PY" -m celery multi names "$NODES")"
}

# floor_round LABEL R: the floor of a start, NODES bare JVMs of that JDK spawned at once, each
# writing its pidfile (Floor.java) and exiting, timed until the last has
floor_round() {
    local l=$1 dir=$WORK/r$2-$1-floor i t0
    local -a pids=()
    mkdir -p "$dir"
    now_us; t0=$NOW_US
    for ((i = 1; i <= NODES; i++)); do
        "${JDK_JAVA[$l]}" -XX:+UseSerialGC -cp "$WORK/app" Floor "$dir/floor$i.pid" &
        pids+=($!)
    done
    wait "${pids[@]}" || die "a bare JVM ($l) failed"
    now_us; record_us "floor_$l" $((NOW_US - t0))
    for ((i = 1; i <= NODES; i++)); do
        [[ -s $dir/floor$i.pid ]] || die "a bare JVM ($l) wrote no pidfile"
    done
}

# status_round LABEL DIR: with 50 nodes up, `multi status --all` (all 50 of the run's registry)
# against `multi status` of one of them
status_round() {
    local l=$1
    drover_args idle "$2"
    hyperfine_to "$STATUS_RUNS" "status_all_$l" "status_one_$l" -- \
        "$(dj_line "$l" multi status --all)" "$(dj_line "$l" multi status 1 "${ARGS[@]}")"
}

# drover_cycle LABEL KIND R N: start (timed, with CPU), [idle, N=10: restart (timed)], [N=10:
# settle, memory], [N=50, round 1: status], stopwait (timed), all gone. Results under
# drover_LABEL_KIND_N_*.
drover_cycle() {
    local l=$1 kind=$2 r=$3 n=$4 key=drover_$1_$2_$4 dir=$WORK/r$3-$1-$2-$4 t0 cpu0
    local -a extra=()
    mkdir -p "$dir"
    drover_args "$kind" "$dir"
    # 50 JVMs on 2 cores take longer than the default --start-timeout (30 s) allows on a bad day
    ((n > NODES)) && extra=(--start-timeout=300)

    children_cpu_ms; cpu0=$CPU_MS
    now_us; t0=$NOW_US
    run dj "$l" multi start "$n" "${extra[@]}" "${ARGS[@]}" || die "drover multi start $n ($l, $kind) failed"
    now_us; record_us "${key}_start" $((NOW_US - t0))
    children_cpu_ms; local cli=$((CPU_MS - cpu0))
    nodes_cpu_ms "$dir" drover "$n"
    record "${key}_startcpu" "$(us_to_s $(( (cli + CPU_MS) * 1000 )))"
    record "${key}_startcpu_cli" "$(us_to_s $(( cli * 1000 )))"
    record "${key}_startcpu_nodes" "$(us_to_s $(( CPU_MS * 1000 )))"
    check_running "$dir" drover "$n" || die "a drover node is not running after multi start"

    if [[ $kind == idle && $n == "$NODES" ]]; then
        now_us; t0=$NOW_US
        run dj "$l" multi restart "$n" "${ARGS[@]}" || die "drover multi restart $n ($l) failed"
        now_us; record_us "${key}_restart" $((NOW_US - t0))
        check_running "$dir" drover "$n" || die "a drover node is not running after multi restart"
    fi

    if [[ $n == "$NODES" ]]; then
        nap "$SETTLE"
        mem_sample "$key" "$dir" drover "$n" || die "reading node memory failed"
    fi
    if ((n == 50 && r == 1)); then
        status_round "$l" "$dir"
        drover_args "$kind" "$dir"
    fi

    now_us; t0=$NOW_US
    run dj "$l" multi stopwait "$n" "${ARGS[@]}" || die "drover multi stopwait $n ($l, $kind) failed"
    now_us; record_us "${key}_stopwait" $((NOW_US - t0))
    check_gone "drover multi stopwait $n ($l, $kind, round $r)"
}

# celery_cycle R: start until every node logged ready (timed, with CPU), restart until ready
# again (timed), settle, memory, stopwait (timed), all gone.
celery_cycle() {
    local r=$1 n=$NODES key=celery_$NODES dir=$WORK/r$1-celery t0 cpu0 timeout=$((30 + 2 * NODES))
    mkdir -p "$dir"
    celery_args "$dir"
    NODENAMES=("" "${CELERY_NAMES[@]}")

    snapshot_logs "$dir" celery "$n"
    children_cpu_ms; cpu0=$CPU_MS
    now_us; t0=$NOW_US
    celery_multi start "$n" "${ARGS[@]}" || die "celery multi start failed"
    now_us; record_us "${key}_start_returned" $((NOW_US - t0))
    wait_ready "$dir" celery "$n" "$timeout" || die "celery nodes did not get ready"
    now_us; record_us "${key}_start" $((NOW_US - t0))
    children_cpu_ms; local cli=$((CPU_MS - cpu0))
    nodes_cpu_ms "$dir" celery "$n"
    record "${key}_startcpu" "$(us_to_s $(( (cli + CPU_MS) * 1000 )))"
    check_running "$dir" celery "$n" || die "a celery node is not running after multi start"

    snapshot_logs "$dir" celery "$n"
    now_us; t0=$NOW_US
    celery_multi restart "$n" "${ARGS[@]}" || die "celery multi restart failed"
    wait_ready "$dir" celery "$n" "$timeout" || die "celery nodes did not get ready after restart"
    now_us; record_us "${key}_restart" $((NOW_US - t0))
    check_running "$dir" celery "$n" || die "a celery node is not running after multi restart"

    nap "$SETTLE"
    mem_sample "$key" "$dir" celery "$n" || die "reading node memory failed"

    now_us; t0=$NOW_US
    celery_multi stopwait "$n" "${ARGS[@]}" || die "celery multi stopwait failed"
    now_us; record_us "${key}_stopwait" $((NOW_US - t0))
    check_gone "celery multi stopwait (round $r)"
}

# ---- the supervisors (issue 32, rows 5 to 7) -------------------------------------------------

# sup_lines FILE TEXT: the lines of FILE that hold TEXT, into SUP_LINES (builtins only)
sup_lines() {
    local line
    SUP_LINES=()
    [[ -f $1 ]] || return 0
    while IFS= read -r line; do
        [[ $line == *"$2"* ]] && SUP_LINES+=("$line")
    done < "$1"
    return 0
}

# iso_us TIME: supervise's "2026-05-01T10:00:00.123Z" as microseconds since the epoch -> ISO_US
iso_us() { ISO_US=$(date -u -d "$1" +%s%6N) || die "cannot read the time '$1'"; }

# proc_cpu PID -> TICKS, its utime + stime in clock ticks (0 when it is gone)
proc_cpu() {
    local line
    local -a f
    TICKS=0
    read -r line 2>/dev/null < "/proc/$1/stat" || return 0
    read -r -a f <<< "${line##*) }"
    TICKS=$((f[11] + f[12]))
}

# proc_mem PID -> RSS_KB PSS_KB
proc_mem() {
    local k v
    RSS_KB=0 PSS_KB=0
    while read -r k v _; do
        case $k in
            Rss:) RSS_KB=$v ;;
            Pss:) PSS_KB=$v ;;
        esac
    done < "/proc/$1/smaps_rollup"
}

# wait_gone PID WHAT: until PID is gone or a zombie (this machine's PID 1 may not reap), 120 s
wait_gone() {
    local deadline=$(( ${EPOCHREALTIME/./} + 120000000 )) line
    while [[ -d /proc/$1 ]]; do
        read -r line 2>/dev/null < "/proc/$1/stat" || break
        [[ ${line##*) } == Z* ]] && break
        (( ${EPOCHREALTIME/./} < deadline )) || die "$2 (pid $1) did not end within 120 s of its TERM"
        nap 0.05
    done
}

# react_round KEY OUT DIR PREFIX I: kill -9 node PREFIX I under the supervisor whose lines are in
# OUT, wait until that supervisor says it started the node again, and record:
#   KEY_noticed (ms) from the kill to the supervisor's "exited unasked" line (its own timestamp);
#   KEY_spawn (ms)   from the kill to the new node's process start: the start time of the pid the
#                    supervisor names in its "started (pid N)" line, read from /proc/N/stat (clock
#                    ticks since boot, 10 ms: the figure is rounded down to its tick, so it may read
#                    up to 10 ms short, never long). The kill's time is EPOCHREALTIME right before
#                    `kill`, carried to the boot clock with BOOT_OFFSET_US. The figure holds the
#                    kernel's delivery of the death to the supervisor, the supervisor's handling and
#                    its backoff (default settings), and its fork of the new node; the node's exec
#                    of java and everything after are not in it;
#   KEY_ready (s)    from the kill to the supervisor's "started (pid N)" line, which it prints once
#                    the new node reported ready (its timestamp, ms): the spawn, the JVM's start,
#                    the node's start-up and the handshake.
# Nothing here polls against the clock: the times are the kernel's and the supervisor's; the 20 ms
# poll only decides when to read them.
react_round() {
    local key=$1 out=$2 dir=$3 prefix=$4 i=$5 node t0 started exited deadline line pid
    local -a f
    node="$prefix$i@$HOST"
    sup_lines "$out" "> $node: started (pid"; started=${#SUP_LINES[@]}
    sup_lines "$out" "> $node: exited unasked"; exited=${#SUP_LINES[@]}
    read_pid "$dir" "$prefix" "$i"
    if [[ -z $PID ]] || ! kill -0 "$PID" 2>/dev/null; then die "$node has no live pid in $dir/$prefix$i.pid"; fi
    now_us; t0=$NOW_US
    kill -KILL "$PID"
    deadline=$((t0 + 120000000))
    while :; do
        sup_lines "$out" "> $node: started (pid"
        ((${#SUP_LINES[@]} > started)) && break
        if (( ${EPOCHREALTIME/./} > deadline )); then
            tail -n 20 "$out" >&2
            die "the supervisor did not start $node again within 120 s of its kill"
        fi
        nap 0.02
    done
    line=${SUP_LINES[-1]}
    pid=${line##*"(pid "}
    pid=${pid%%)*}
    iso_us "${line%% *}"
    record "${key}_ready" "$(us_to_s $((ISO_US - t0)))"
    read -r line < "/proc/$pid/stat" || die "the new $node (pid $pid) is gone"
    read -r -a f <<< "${line##*) }"
    record "${key}_spawn" $(( (f[19] * 1000000 / CLK_TCK + BOOT_OFFSET_US - t0) / 1000 ))
    sup_lines "$out" "> $node: exited unasked"
    if ((${#SUP_LINES[@]} > exited)); then
        line=${SUP_LINES[-1]}
        iso_us "${line%% *}"
        record "${key}_noticed" $(( (ISO_US - t0) / 1000 ))
    fi
}

# supervise_section LABEL: on that JDK,
# 1. START1_ROUNDS times `multi start 1` of the idle app (prefix bso) until ready (it returns
#    then), timed, and its stopwait: the reference of a node's death to ready again;
# 2. a detached supervisor, `multi supervise 10 --detach` (prefix bsd; a node registry of its own
#    under the run's, so that no other supervisor is handed its nodes; its lines go to
#    --supervisor-log), and a foreground `multi supervise 10` (prefix bsf), both of the idle app
#    with --heartbeat=5 --max-memory=1G (what a production supervisor watches; neither changes
#    the backoff) and the default backoff settings;
# 3. both idle for SUPERVISE_IDLE s: each supervisor's own CPU over the window (utime + stime of
#    its process, its nodes not counted), then its RSS and PSS;
# 4. REACT_ROUNDS rounds, each killing node I (round-robin) under the foreground supervisor, then
#    under the detached one (react_round); the nodes have then run at least the idle window,
#    which is what a healthy run is to a backoff that resets after one;
# 5. TERM to both (every node stops), all gone.
supervise_section() {
    local l=$1 dir=$WORK/supervise-$1 fg dpid r i t0 fg0 d0 fg1 d1 ready_line deadline
    local -a jh=() sargs
    mkdir -p "$dir"
    [[ -n ${JDK_HOME[$l]} ]] && jh=("JAVA_HOME=${JDK_HOME[$l]}")
    ARGS=(-A IdleApp "--classpath=$WORK/app" -c "$CONC" -l INFO "--pidfile=$dir/%n.pid" "--logfile=$dir/%n%I.log")
    for ((r = 1; r <= START1_ROUNDS; r++)); do
        now_us; t0=$NOW_US
        run dj "$l" multi start 1 --range-prefix=bso "${ARGS[@]}" || die "drover multi start 1 ($l) failed"
        now_us; record_us "start1_$l" $((NOW_US - t0))
        run dj "$l" multi stopwait 1 --range-prefix=bso "${ARGS[@]}" || die "drover multi stopwait 1 ($l) failed"
        check_gone "drover multi stopwait 1 ($l)"
    done
    ((SUPERVISE_IDLE > 0 || REACT_ROUNDS > 0)) || return 0

    sargs=("$NODES" "${ARGS[@]}" --heartbeat=5 --max-memory=1G)
    run env "${jh[@]}" DROVER_STATE_DIR="$dir/state-detached" "$DROVER" multi supervise "${sargs[@]}" \
        --range-prefix=bsd --detach "--supervisor-log=$dir/detached.log" \
        || die "drover multi supervise --detach ($l) failed"
    ready_line=$(grep -o 'Supervised by pid [0-9]*' "$WORK/last.out") || die "multi supervise --detach ($l) named no supervisor pid"
    dpid=${ready_line##* }
    (
        if [[ -n ${JDK_HOME[$l]} ]]; then export JAVA_HOME=${JDK_HOME[$l]}; fi
        exec "$DROVER" multi supervise "${sargs[@]}" --range-prefix=bsf
    ) > "$dir/foreground.out" 2>&1 &
    fg=$!
    deadline=$(( ${EPOCHREALTIME/./} + 120000000 ))
    until grep -q "all nodes ready" "$dir/foreground.out"; do
        if ! kill -0 "$fg" 2>/dev/null || (( ${EPOCHREALTIME/./} > deadline )); then
            cat "$dir/foreground.out" >&2
            die "multi supervise ($l) did not get its nodes ready"
        fi
        nap 0.05
    done

    if ((SUPERVISE_IDLE > 0)); then
        proc_cpu "$fg"; fg0=$TICKS
        proc_cpu "$dpid"; d0=$TICKS
        nap "$SUPERVISE_IDLE"
        proc_cpu "$fg"; fg1=$TICKS
        proc_cpu "$dpid"; d1=$TICKS
        record "supervise_${l}_cpu" "$(awk -v t=$((fg1 - fg0)) -v hz="$CLK_TCK" -v s="$SUPERVISE_IDLE" 'BEGIN { printf "%.3f", 100 * t / hz / s }')"
        record "detached_${l}_cpu" "$(awk -v t=$((d1 - d0)) -v hz="$CLK_TCK" -v s="$SUPERVISE_IDLE" 'BEGIN { printf "%.3f", 100 * t / hz / s }')"
        proc_mem "$fg"
        record "supervise_${l}_rss" "$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')"
        record "supervise_${l}_pss" "$(awk -v k="$PSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')"
        proc_mem "$dpid"
        record "detached_${l}_rss" "$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')"
        record "detached_${l}_pss" "$(awk -v k="$PSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')"
    fi

    for ((r = 1; r <= REACT_ROUNDS; r++)); do
        i=$(( (r - 1) % NODES + 1 ))
        react_round "react_fg_$l" "$dir/foreground.out" "$dir" bsf "$i"
        react_round "react_det_$l" "$dir/detached.log" "$dir" bsd "$i"
    done

    kill -TERM "$fg" "$dpid"
    wait "$fg" || true
    wait_gone "$dpid" "the detached supervisor ($l)"
    { cat "$dir/foreground.out"; cat "$dir/detached.log"; } >> "$OUT"
    check_gone "drover multi supervise, foreground and detached ($l)"
}

# ---- /metrics (issue 32, row 10) ---------------------------------------------------------------

# free_port -> PORT, one of 20000-29999 that nothing on 127.0.0.1 listens on now
free_port() {
    local try
    for ((try = 1; try <= 10; try++)); do
        PORT=$((20000 + RANDOM % 10000))
        (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || return 0
    done
    die "found no free port in 20000-29999"
}

# metrics_cost LABEL: two idle nodes of the idle app started side by side, bmw1 with --health-port
# and bmn1 without; one warm-up GET /metrics (the first scrape loads the page's code once: not
# what a scrape a second costs); then for METRICS_S s a GET every second (paced against the
# clock, curl's own CPU not counted: it is the scraper's), and each node's CPU (utime + stime)
# over that window. Recorded: the difference as % of one core, and each node's.
metrics_cost() {
    local l=$1 dir=$WORK/metrics-$1 s t0 w0 w1 n0 n1 wpid npid fails=0 elapsed
    mkdir -p "$dir"
    ARGS=(-A IdleApp "--classpath=$WORK/app" -c "$CONC" -l INFO "--pidfile=$dir/%n.pid" "--logfile=$dir/%n%I.log")
    free_port
    run dj "$l" multi start 1 --range-prefix=bmw "--health-port=$PORT" "${ARGS[@]}" || die "drover multi start 1 --health-port ($l) failed"
    run dj "$l" multi start 1 --range-prefix=bmn "${ARGS[@]}" || die "drover multi start 1 ($l) failed"
    read_pid "$dir" bmw 1; wpid=$PID
    read_pid "$dir" bmn 1; npid=$PID
    run curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics" || die "GET /metrics of bmw1 ($l) failed"
    nap 1
    proc_cpu "$wpid"; w0=$TICKS
    proc_cpu "$npid"; n0=$TICKS
    now_us; t0=$NOW_US
    for ((s = 1; s <= METRICS_S; s++)); do
        curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/metrics" || fails=$((fails + 1))
        now_us
        (( t0 + s * 1000000 > NOW_US )) && nap "$(us_to_s $((t0 + s * 1000000 - NOW_US)))"
    done
    proc_cpu "$wpid"; w1=$TICKS
    proc_cpu "$npid"; n1=$TICKS
    now_us; elapsed=$((NOW_US - t0))
    ((fails == 0)) || WARNINGS+=("$l: $fails of $METRICS_S GET /metrics failed")
    record "metrics_${l}_delta" "$(awk -v a=$((w1 - w0)) -v b=$((n1 - n0)) -v hz="$CLK_TCK" -v us="$elapsed" 'BEGIN { printf "%.3f", 100 * (a - b) / hz / (us / 1e6) }')"
    record "metrics_${l}_with" "$(awk -v a=$((w1 - w0)) -v hz="$CLK_TCK" -v us="$elapsed" 'BEGIN { printf "%.3f", 100 * a / hz / (us / 1e6) }')"
    record "metrics_${l}_without" "$(awk -v b=$((n1 - n0)) -v hz="$CLK_TCK" -v us="$elapsed" 'BEGIN { printf "%.3f", 100 * b / hz / (us / 1e6) }')"
    run dj "$l" multi stopwait 1 --range-prefix=bmw "${ARGS[@]}" || die "drover multi stopwait ($l) failed"
    run dj "$l" multi stopwait 1 --range-prefix=bmn "${ARGS[@]}" || die "drover multi stopwait ($l) failed"
    check_gone "the /metrics nodes ($l)"
}

# ---- log capture (issue 32, row 11) ------------------------------------------------------------

# log_flood LABEL: `multi start 1` of LogFlood (prefix blf), which once told to (a file) writes
# FLOOD_LINES numbered lines to System.out at FLOOD_RATE a second; the node's CPU (utime + stime)
# from the go to its last line in the logfile; then the logfile's "stdout: flood N" lines must be
# exactly 1..FLOOD_LINES, in order. Recorded: lines found in order, lines lost or out of place,
# the rate the app achieved (its own clock), the node's CPU (s) and the flood's length (s).
log_flood() {
    local l=$1 dir=$WORK/flood-$1 go log pid c0 c1 t0 t1 deadline tailtext size=-1 size2 done_seen=0 summary inorder lost wrote ms
    mkdir -p "$dir"
    go=$dir/go
    log=$dir/blf1.log
    ARGS=(-A LogFlood "--classpath=$WORK/app" -c "$CONC" -l INFO "--pidfile=$dir/%n.pid" "--logfile=$dir/%n%I.log")
    run dj "$l" multi start 1 --range-prefix=blf "${ARGS[@]}" -- "$go" "$FLOOD_LINES" "$FLOOD_RATE" \
        || die "drover multi start 1 of LogFlood ($l) failed"
    read_pid "$dir" blf 1; pid=$PID
    proc_cpu "$pid"; c0=$TICKS
    now_us; t0=$NOW_US
    : > "$go"
    # Done when the last number is in the log, or (a line lost) once the app said it was done and
    # the log stopped growing for a second.
    deadline=$(( t0 + (FLOOD_LINES * 10 / FLOOD_RATE + 60) * 1000000 ))
    while :; do
        nap 0.2
        tailtext=$(tail -c 4096 "$log")
        [[ $tailtext == *"stdout: flood $FLOOD_LINES"* ]] && break
        if ((done_seen)) || grep -q "flood done:" "$log"; then
            done_seen=1
            size2=$(stat -c %s "$log")
            [[ $size2 == "$size" ]] && break
            size=$size2
            nap 0.8
        fi
        (( ${EPOCHREALTIME/./} < deadline )) || die "LogFlood ($l) did not finish within $(( (deadline - t0) / 1000000 )) s"
    done
    proc_cpu "$pid"; c1=$TICKS
    now_us; t1=$NOW_US
    until grep -q "flood done:" "$log"; do
        (( ${EPOCHREALTIME/./} < deadline )) || die "LogFlood ($l) never said it was done"
        nap 0.1
    done
    # in order: the k-th flood line must be "flood k"; anything else is counted once as out of place
    summary=$(awk -v want="$FLOOD_LINES" '
        / stdout: flood [0-9]+$/ { n = $NF; if (n == k + 1) k++; else bad++ }
        /flood done: / { for (i = 1; i <= NF; i++) if ($i == "done:") { lines = $(i + 1); ms = $(i + 4) } }
        END { printf "%d %d %d %d", k, bad + (want - k), lines, ms }' "$log")
    read -r inorder lost wrote ms <<< "$summary"
    record "flood_${l}_inorder" "$inorder"
    record "flood_${l}_lost" "$lost"
    record "flood_${l}_rate" "$(awk -v n="$wrote" -v ms="$ms" 'BEGIN { printf "%.0f", (ms > 0 ? n / ms * 1000 : 0) }')"
    record "flood_${l}_cpu" "$(awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }')"
    record "flood_${l}_secs" "$(us_to_s $((t1 - t0)))"
    record "flood_${l}_bytes" "$(stat -c %s "$log")"
    run dj "$l" multi stopwait 1 --range-prefix=blf "${ARGS[@]}" || die "drover multi stopwait of LogFlood ($l) failed"
    check_gone "the LogFlood node ($l)"
}

# ---- the suite (issue 32, row 12) ----------------------------------------------------------------

# run_suite: `CI=true bash .ci/run` (the CI's command: install the test tools, mvn -B verify) in a
# clone of the repository's HEAD in the work directory, never in the repository itself; its wall
# time and its exit status. Run last: it loads the machine for many minutes. It gets the caller's
# environment back (not the run's DROVER_STATE_DIR, DROVER_FORCE_ROOT, TMPDIR, PYTHONPATH, LC_ALL=C).
SUITE_STATE="not run (SUITE=1 runs it)"
run_suite() {
    local t0 rc=0 commit
    if [[ -z $REPO ]]; then
        SUITE_STATE="not run: $DROVER_HOME is no repository's target/drover"
        return 0
    fi
    git clone -q "$REPO" "$WORK/suite" >> "$OUT" 2>&1 || die "git clone $REPO failed"
    # The suite's tests run the checkout's launcher as nobody and as throwaway users (attackers,
    # init scripts, supervisord): the clone must be reachable by them, as a CI's checkout is, and
    # mktemp made the work directory root's alone (0700).
    chmod 0711 "$WORK"
    chmod 0755 "$WORK/suite"
    commit=$(git -C "$WORK/suite" rev-parse --short HEAD)
    now_us; t0=$NOW_US
    (
        cd "$WORK/suite"
        unset DROVER_STATE_DIR DROVER_FORCE_ROOT
        if [[ -n $ORIG_TMPDIR ]]; then export TMPDIR=$ORIG_TMPDIR; else unset TMPDIR; fi
        if [[ -n $ORIG_PYTHONPATH ]]; then export PYTHONPATH=$ORIG_PYTHONPATH; else unset PYTHONPATH; fi
        if [[ -n $ORIG_LC_ALL_SET ]]; then export LC_ALL=$ORIG_LC_ALL; else unset LC_ALL; fi
        CI=true exec bash .ci/run < /dev/null
    ) > "$WORK/suite.log" 2>&1 || rc=$?
    now_us
    record_us suite $((NOW_US - t0))
    if ((rc == 0)); then
        SUITE_STATE="passed (clone of $commit)"
    else
        SUITE_STATE="FAILED, exit $rc (clone of $commit; its output: $WORK/suite.log)"
        KEEP=1
    fi
}

# ---- the run ---------------------------------------------------------------------------------

mapfile -t CELERY_NAMES < <("$PY" -m celery multi names "$NODES")
((${#CELERY_NAMES[@]} == NODES)) || die "celery multi names $NODES printed ${#CELERY_NAMES[@]} names"

# The host part of the nodenames, as drover writes it in supervise's lines
HOST=$("$DROVER" multi names 1 --range-prefix=h) || die "drover multi names failed"
HOST=${HOST#*@}
# CLOCK_REALTIME - CLOCK_BOOTTIME in microseconds, both read in one process: a process's start
# time in /proc/PID/stat counts on the boot clock, the kill's time on the real-time clock
BOOT_OFFSET_US=$("$PY" -c 'import time
r = time.clock_gettime_ns(time.CLOCK_REALTIME)
b = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
print((r - b) // 1000)') || die "cannot read the boot clock"

read -r LOAD1 LOAD5 _ < /proc/loadavg
OTHER_DROVER=$(pgrep -fc 'io\.drover\.cli\.Main (worker|beat)' || true)
OTHER_CELERY=$(pgrep -fc -- '-m celery .*worker' || true)
say "drover: $DROVER ($DROVER_VERSION) on ${JDK_LABELS[*]}"
say "celery: $PY -m celery ($CELERY_VERSION); work directory $WORK"
for ((r = 1; r <= ROUNDS; r++)); do
    say "round $r/$ROUNDS: multi names $NODES (hyperfine)"
    names_round
    for l in "${JDK_LABELS[@]}"; do
        say "round $r/$ROUNDS: $l: the floor ($NODES bare JVMs); drover, idle app: start, restart, stopwait"
        floor_round "$l" "$r"
        drover_cycle "$l" idle "$r" "$NODES"
    done
    say "round $r/$ROUNDS: celery: start, restart, stopwait"
    celery_cycle "$r"
    if ((r <= DEMO_ROUNDS)); then
        for l in "${JDK_LABELS[@]}"; do
            say "round $r/$ROUNDS: $l: drover, demo app: start, stopwait"
            drover_cycle "$l" demo "$r" "$NODES"
        done
    fi
done
if ((SCALING)); then
    for l in "${JDK_LABELS[@]}"; do
        for ((r = 1; r <= SCALE1_ROUNDS; r++)); do
            say "scaling: $l: drover, idle app, 1 node, round $r/$SCALE1_ROUNDS"
            drover_cycle "$l" idle "$r" 1
        done
        for ((r = 1; r <= SCALE50_ROUNDS; r++)); do
            say "scaling: $l: drover, idle app, 50 nodes, round $r/$SCALE50_ROUNDS"
            drover_cycle "$l" idle "$r" 50
        done
    done
fi
if ((START1_ROUNDS > 0 || SUPERVISE_IDLE > 0 || REACT_ROUNDS > 0)); then
    for l in "${JDK_LABELS[@]}"; do
        say "supervise: $l: multi start 1 x $START1_ROUNDS; multi supervise $NODES, foreground and detached: idle $SUPERVISE_IDLE s, $REACT_ROUNDS kill -9 each"
        supervise_section "$l"
    done
fi
if ((METRICS_S > 0)); then
    for l in "${JDK_LABELS[@]}"; do
        say "metrics: $l: a node with --health-port scraped every second for $METRICS_S s, beside one without"
        metrics_cost "$l"
    done
fi
if ((FLOOD_LINES > 0)); then
    for l in "${JDK_LABELS[@]}"; do
        say "log capture: $l: $FLOOD_LINES lines to System.out at $FLOOD_RATE lines/s"
        log_flood "$l"
    done
fi
now_us
ELAPSED=$(( (NOW_US - START_US) / 1000000 ))
say "measurements done in ${ELAPSED} s"
if ((SUITE)); then
    say "suite: CI=true bash .ci/run in a clone of $REPO (output: $WORK/suite.log)"
    run_suite
    say "suite: $SUITE_STATE"
fi

# ---- the report ------------------------------------------------------------------------------

# stats KEY -> S_N S_MED S_MIN S_MAX (empty S_N=0 when there is no such measurement)
stats() {
    S_N=0 S_MED="" S_MIN="" S_MAX=""
    [[ -s $RES/$1 ]] || return 0
    read -r S_N S_MED S_MIN S_MAX < <(sort -g "$RES/$1" | awk '
        { v[NR] = $1 }
        END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print NR, m, v[1], v[NR] }')
}
# cell KEY FORMAT UNIT -> CELL "median (min-max) unit", MED the median
cell() {
    stats "$1"
    if ((S_N == 0)); then CELL="-"; MED=; return; fi
    MED=$S_MED
    if ((S_N == 1)); then
        printf -v CELL "$2 %s" "$S_MED" "$3"
    else
        printf -v CELL "$2 %s ($2-$2)" "$S_MED" "$3" "$S_MIN" "$S_MAX"
    fi
}
# judge VALUE REFERENCE TARGET -> "0.57x, MISSED" (on the unrounded ratio); "-" without both
judge() {
    awk -v d="$1" -v c="$2" -v t="$3" 'BEGIN {
        if (d == "" || c == "" || c <= 0) { printf "-"; exit }
        printf "%.2fx, %s", d / c, (d / c <= t ? "met" : "MISSED") }'
}
# per_jdk FORMAT: one table cell per JDK from the function named in ROW_FN (LABEL -> ROW_CELL)
per_jdk() {
    local l out=""
    for l in "${JDK_LABELS[@]}"; do
        "$ROW_FN" "$l"
        out+=" $ROW_CELL |"
    done
    printf '%s' "$out"
}

# against celery: KEY_SUFFIX of drover_LABEL_..., the celery KEY
celery_row() {
    local label=$1 ckey=$2 fmt=$4 unit=$5 target=$6
    DKEY=$3 FMT=$fmt UNIT=$unit TARGET=$target
    cell "$ckey" "$fmt" "$unit"; CMED=$MED
    local ccell=$CELL
    ROW_FN=celery_cell
    [[ $target == - ]] || target="<= ${target}x"
    printf '| %s | celery multi: %s |%s %s |\n' "$label" "$ccell" "$(per_jdk)" "$target"
}
celery_cell() {
    cell "${DKEY//@/$1}" "$FMT" "$UNIT"
    if [[ $TARGET == - ]]; then
        ROW_CELL="$CELL: $(awk -v d="$MED" -v c="$CMED" 'BEGIN { if (d != "" && c > 0) printf "%.2fx", d / c; else printf "-" }')"
    else
        ROW_CELL="$CELL: $(judge "$MED" "$CMED" "$TARGET")"
    fi
}
# against_cell REFERENCE_KEY KEY FORMAT TARGET: "VALUE (min-max) s against REFERENCE s: RATIO, met"
against_cell() {
    stats "$1"; local reference=$S_MED
    cell "$2" "$3" s
    if [[ -z $reference || -z $MED ]]; then ROW_CELL="-"; return; fi
    local shown
    # shellcheck disable=SC2059 # the format is the caller's, as in cell
    printf -v shown "$3 s" "${reference:-0}"
    ROW_CELL="$CELL against $shown: $(judge "$MED" "$reference" "$4")"
}
floor_cell() { against_cell "floor_$1" "drover_$1_idle_${NODES}_start" "%.2f" 2.5; }
hello_cell() { against_cell "hello_$1" "names_$1" "%.3f" 1.25; }
cpu50_cell() {
    stats "drover_$1_idle_1_startcpu_nodes"; local one=$S_MED
    stats "drover_$1_idle_50_startcpu_nodes"; local fifty=$S_MED
    if [[ -z $one || -z $fifty ]]; then ROW_CELL="-"; return; fi
    local per50
    per50=$(awk -v c="$fifty" 'BEGIN { print c / 50 }')
    ROW_CELL="$(printf '%.3f s against %.3f s' "$per50" "$one"): $(judge "$per50" "$one" 1.15)"
}
status_cell() { against_cell "status_one_$1" "status_all_$1" "%.3f" 1.2; }
# the median and maximum of a measurement in ms: "27 ms (max 41)" -> MS_TEXT, MS_MED
ms_text() {
    stats "$1"
    MS_MED=$S_MED
    if ((S_N == 0)); then MS_TEXT="-"; return; fi
    MS_TEXT=$(printf '%.0f ms (max %.0f, %d rounds)' "$S_MED" "$S_MAX" "$S_N")
}
# verdict of medians against a bound: every given one must be at most it
at_most() {
    awk -v t="$1" 'BEGIN { ok = 1; n = 0
        for (i = 2; i < ARGC; i++) { if (ARGV[i] == "") continue; n++; if (ARGV[i] + 0 > t + 0) ok = 0 }
        printf "%s", n == 0 ? "-" : (ok ? "met" : "MISSED") }' "$@"
}
spawn_cell() {
    ms_text "react_fg_$1_spawn"; local fg=$MS_TEXT fgm=$MS_MED
    ms_text "react_det_$1_spawn"; local det=$MS_TEXT detm=$MS_MED
    [[ -z $fgm && -z $detm ]] && { ROW_CELL="-"; return; }
    ROW_CELL="foreground $fg, detached $det: $(at_most 100 "$fgm" "$detm")"
}
noticed_cell() {
    ms_text "react_fg_$1_noticed"; local fg=$MS_TEXT
    ms_text "react_det_$1_noticed"; local det=$MS_TEXT
    ROW_CELL="foreground $fg, detached $det"
}
ready_cell() {
    stats "start1_$1"; local one=$S_MED
    stats "react_fg_$1_ready"; local fg=$S_MED
    stats "react_det_$1_ready"; local det=$S_MED
    if [[ -z $one || ( -z $fg && -z $det ) ]]; then ROW_CELL="-"; return; fi
    ROW_CELL=$(awk -v o="$one" -v f="$fg" -v d="$det" 'BEGIN {
        printf "foreground %.2f s (%.2fx), detached %.2f s (%.2fx) against `start 1` %.2f s: %s",
            f, f / o, d, d / o, o, (f / o <= 1.2 && d / o <= 1.2 ? "met" : "MISSED") }')
}
supervise_cell() {
    stats "supervise_$1_cpu"; local cpu=$S_MED
    stats "supervise_$1_rss"; local rss=$S_MED
    stats "detached_$1_cpu"; local dcpu=$S_MED
    stats "detached_$1_rss"; local drss=$S_MED
    if [[ -z $cpu ]]; then ROW_CELL="-"; return; fi
    ROW_CELL=$(awk -v c="$cpu" -v r="$rss" -v dc="$dcpu" -v dr="$drss" 'BEGIN {
        printf "foreground CPU %.2f %% (%s), RSS %.1f MiB (%s); detached CPU %.2f %% (%s), RSS %.1f MiB (%s)",
            c, (c < 0.5 ? "met" : "MISSED"), r, (r <= 48 ? "met" : "MISSED"),
            dc, (dc < 0.5 ? "met" : "MISSED"), dr, (dr <= 48 ? "met" : "MISSED") }')
}
metrics_cell() {
    stats "metrics_$1_delta"; local d=$S_MED
    stats "metrics_$1_with"; local w=$S_MED
    stats "metrics_$1_without"; local wo=$S_MED
    if [[ -z $d ]]; then ROW_CELL="-"; return; fi
    ROW_CELL=$(awk -v d="$d" -v w="$w" -v wo="$wo" 'BEGIN {
        printf "%+.2f %% of a core (%.2f %% with the port, %.2f %% without): %s", d, w, wo, (d <= 1 ? "met" : "MISSED") }')
}
flood_cell() {
    stats "flood_$1_inorder"; local inorder=$S_MED
    stats "flood_$1_lost"; local lost=$S_MED
    stats "flood_$1_rate"; local rate=$S_MED
    stats "flood_$1_cpu"; local cpu=$S_MED
    stats "flood_$1_secs"; local secs=$S_MED
    if [[ -z $inorder ]]; then ROW_CELL="-"; return; fi
    ROW_CELL=$(awk -v k="$inorder" -v lost="$lost" -v want="$FLOOD_LINES" -v rate="$rate" -v c="$cpu" -v s="$secs" 'BEGIN {
        printf "%d of %d lines in order, %d lost or out of place; written at %.0f lines/s; node CPU %.2f s over %.1f s (%.0f %% of a core): %s",
            k, want, lost, rate, c, s, 100 * c / s, (lost == 0 && k == want ? "met" : "MISSED") }')
}
suite_cell() {
    stats suite
    if ((S_N == 0)); then ROW_CELL=$SUITE_STATE; return; fi
    ROW_CELL="$(awk -v s="$S_MED" 'BEGIN { printf "%.1f min (%.0f s)", s / 60, s }'), $SUITE_STATE: $(awk -v s="$S_MED" 'BEGIN { printf "%s", (s <= 600 ? "met" : "MISSED") }')"
    [[ $SUITE_STATE == passed* ]] || ROW_CELL="${ROW_CELL%: *}: MISSED"
}
pss_cell() {
    cell "drover_$1_idle_${NODES}_pss" "%.1f" MiB
    ROW_CELL="$CELL: $(awk -v d="$MED" -v c="$CMED" 'BEGIN { if (d != "" && c > 0) printf "%.2fx", d / c; else printf "-" }')"
}
# row LABEL REFERENCE CELL_FUNCTION TARGET: one row, a cell per JDK
row() {
    ROW_FN=$3
    printf '| %s | %s |%s %s |\n' "$1" "$2" "$(per_jdk)" "$4"
}

N=$NODES
stats "names_${JDK_LABELS[0]}"; names_n=$S_N
header="| operation | reference |"
rule="| --- | --- |"
for l in "${JDK_LABELS[@]}"; do header+=" drover on $l |"; rule+=" --- |"; done
header+=" target |"
rule+=" --- |"
echo
echo "drover, issue 32's targets: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); kernel $(uname -r)"
echo "drover: $DROVER_VERSION at $DROVER_HOME, commit $DROVER_COMMIT"
for l in "${JDK_LABELS[@]}"; do echo "  $l: ${JDK_JAVA[$l]} (${JDK_VERSION[$l]})"; done
echo "celery: $CELERY_VERSION ($PY -m celery, app Celery('bench', broker='memory://')); $HYPERFINE_VERSION"
echo "-c $CONC -l INFO for both; $ROUNDS rounds, each: every JDK's drover, then celery; median (min-max); ratio = drover's median / the reference's"
echo "before the run: load average $LOAD1 (1 min) $LOAD5 (5 min); other processes: $OTHER_DROVER drover nodes, $OTHER_CELERY celery workers"
echo "drover's nodes run an idle application (IdleApp.java) unless it says demo; ${names_n} runs of multi names each"
echo "the CLI's JVM flags (from bin/drover), given to Hello: ${CLI_FLAGS[*]}"
echo
echo "$header"
echo "$rule"
row "\`multi names $N\`" "a bare Hello JVM with the CLI's flags" hello_cell "<= 1.25x"
row "\`multi start $N\` until every node is ready, against the floor" "$N bare JVMs of the same JDK spawned at once, each writing its pidfile" floor_cell "<= 2.5x"
celery_row "\`multi start $N\` until every node is ready" "celery_${N}_start" "drover_@_idle_${N}_start" "%.2f" s 0.30
celery_row "\`multi restart $N\` until every node is ready" "celery_${N}_restart" "drover_@_idle_${N}_restart" "%.2f" s 0.06
row "a node's death (kill -9) to its new spawn under \`multi supervise $N\`, default backoff, median" "-" spawn_cell "<= 100 ms median"
row "a node's death to ready again under the supervisor" "a fresh \`multi start 1\` until ready" ready_cell "<= 1.2x"
row "\`multi supervise $N\`, idle for ${SUPERVISE_IDLE} s: its own CPU; its RSS" "-" supervise_cell "< 0.5 % of a core; <= 48 MiB"
row "\`multi status --all\` with 50 nodes" "\`multi status\` of 1 node" status_cell "<= 1.2x"
row "\`multi start 50\` until ready: node CPU per node" "\`start 1\`'s node CPU" cpu50_cell "<= 1.15x"
row "a node with \`--health-port\`, \`/metrics\` scraped every second for ${METRICS_S} s: its CPU" "an idle node without the port, beside it" metrics_cell "<= +1 % of a core"
row "log capture: $FLOOD_LINES lines to System.out at $FLOOD_RATE lines/s" "-" flood_cell "no line lost, node CPU stated"
ROW_FN=suite_cell
suite_cell
printf '| %s | - | %s |' "\`bash .ci/run\` (CI=true, a clone of HEAD, the default java, run last)" "$ROW_CELL"
for ((i = 1; i < ${#JDK_LABELS[@]}; i++)); do printf ' (the same run) |'; done
printf ' <= 10 minutes |\n'
echo
echo "Without a target in issue 32 (kept from issue 15's table):"
echo
echo "$header"
echo "$rule"
celery_row "\`multi names $N\` (CLI latency)" names_celery "names_@" "%.3f" s -
row "a node's death (kill -9) to the supervisor's \"exited unasked\" line" "-" noticed_cell "-"
celery_row "\`multi stopwait $N\` (idle nodes)" "celery_${N}_stopwait" "drover_@_idle_${N}_stopwait" "%.2f" s -
celery_row "idle node RSS (node + its pool processes)" "celery_${N}_rss" "drover_@_idle_${N}_rss" "%.1f" MiB -
cell "celery_${N}_pss" "%.1f" MiB; CMED=$MED
row "idle node PSS (node + its pool processes)" "celery multi: $CELL" pss_cell "-"
celery_row "CPU time to start $N nodes (CLI + nodes, until ready)" "celery_${N}_startcpu" "drover_@_idle_${N}_startcpu" "%.2f" s -

stats "celery_${N}_procs"; cp=$S_MED
stats "drover_${JDK_LABELS[0]}_idle_${N}_procs"; dp=$S_MED
stats "celery_${N}_start_returned"; cr=$S_MED
echo
echo "Processes per node: celery $cp (main + prefork pool), drover $dp. \`celery multi start\` itself returns"
printf 'after %.2f s (median), before its nodes are ready; the celery times run until every node logged "ready.".\n' "$cr"
echo "The supervisors: the idle app, --heartbeat=5 --max-memory=1G, default backoff; each supervisor's own process"
echo "(its nodes not counted); a node's death: kill -9 of one node at a time, round-robin, after the idle window;"
echo "the spawn is the new node's process start (/proc/PID/stat, 10 ms ticks, read down), ready is the supervisor's"
echo "\"started\" line. PSS of the supervisors:"
for l in "${JDK_LABELS[@]}"; do
    stats "supervise_${l}_pss"; fp=$S_MED
    stats "detached_${l}_pss"; dp=$S_MED
    printf '  %s foreground %s MiB, detached %s MiB\n' "$l" "${fp:--}" "${dp:--}"
done
if ((DEMO_ROUNDS > 0)); then
    echo
    echo "drover's built-in demo application (not idle: 2 threads running 1-s jobs; a warm stop waits"
    echo "for the job in flight), $DEMO_ROUNDS round(s), against the same idle celery nodes:"
    echo
    echo "$header"
    echo "$rule"
    celery_row "\`multi start $N\` until every node is ready" "celery_${N}_start" "drover_@_demo_${N}_start" "%.2f" s 0.30
    celery_row "\`multi stopwait $N\`" "celery_${N}_stopwait" "drover_@_demo_${N}_stopwait" "%.2f" s -
    celery_row "node memory: RSS" "celery_${N}_rss" "drover_@_demo_${N}_rss" "%.1f" MiB -
fi

if ((SCALING)); then
    for l in "${JDK_LABELS[@]}"; do
        echo
        echo "drover scaling on $l (idle app; 1 node: $SCALE1_ROUNDS rounds, $N nodes: the table's $ROUNDS rounds, 50 nodes: $SCALE50_ROUNDS round(s)):"
        echo "start CPU = CPU time of the CLI and of all nodes from the command until every node is ready (medians);"
        echo "CPU/wall near $(nproc) (the core count) means starting is CPU-bound."
        echo
        echo "| nodes | start to ready | stopwait | start CPU | of which the CLI | node CPU per node | CPU/wall |"
        echo "| --- | --- | --- | --- | --- | --- | --- |"
        declare -A START STOP
        for n in 1 "$N" 50; do
            cell "drover_${l}_idle_${n}_start" "%.2f" s; s=$CELL; START[$n]=$MED
            cell "drover_${l}_idle_${n}_stopwait" "%.2f" s; w=$CELL; STOP[$n]=$MED
            stats "drover_${l}_idle_${n}_startcpu"; cpu=$S_MED
            stats "drover_${l}_idle_${n}_startcpu_cli"; cli=$S_MED
            stats "drover_${l}_idle_${n}_startcpu_nodes"; nodes=$S_MED
            printf '| %s | %s | %s | %.2f s | %.2f s | %.3f s | %.2f |\n' "$n" "$s" "$w" "$cpu" "$cli" \
                "$(awk -v c="$nodes" -v n="$n" 'BEGIN { print c / n }')" \
                "$(awk -v c="$cpu" -v w="${START[$n]}" 'BEGIN { print c / w }')"
        done
        slope() { awk -v a="$1" -v b="$2" -v na="$3" -v nb="$4" 'BEGIN { printf "%.0f ms/node", (b - a) / (nb - na) * 1000 }'; }
        echo
        echo "slope, start to ready: 1->$N nodes $(slope "${START[1]}" "${START[$N]}" 1 "$N"), $N->50 nodes $(slope "${START[$N]}" "${START[50]}" "$N" 50)"
        echo "slope, stopwait:       1->$N nodes $(slope "${STOP[1]}" "${STOP[$N]}" 1 "$N"), $N->50 nodes $(slope "${STOP[$N]}" "${STOP[50]}" "$N" 50)"
    done
fi
echo
for w in "${WARNINGS[@]}"; do echo "warning: $w"; done
echo "total run time: ${ELAPSED} s (the measurements; the suite, when run, is in its own row)"
