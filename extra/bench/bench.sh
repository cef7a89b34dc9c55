#!/usr/bin/env bash
# bench.sh: drover multi against celery multi, and against the floor of starting JVMs at all, side
# by side on this machine, on one or more JDKs (issues 7 and 15).
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
#   SUPERVISE_IDLE=S  seconds `multi supervise 10` sits idle while its CPU is counted (default 60;
#                     0 skips it)
#   CELERY_PYTHON     the python that has celery (default /usr/bin/python3, Debian's)
#   KEEP=1            keep the work directory (pidfiles, node logs, command output)
#
# It installs Debian's python3-celery and hyperfine when missing (apt-get), compiles IdleApp.java
# and Floor.java against the distribution, builds the distribution's class-data archives for each
# JDK (bin/drover-cds, as a first command would), runs every operation for each JDK's drover and
# for celery multi in turn within each round, and prints medians (min-max) and the ratios against
# the issue's targets. Every process it starts carries DROVER_BENCH_TAG in its environment; on exit
# (also on failure or Ctrl-C) whatever still carries the tag is killed. Exit status: 0 when
# everything ran (a missed target is a result, not a failure), 1 when a node failed to start or
# stop, 2 on bad settings or a missing tool.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROUNDS=${ROUNDS:-5}
DEMO_ROUNDS=${DEMO_ROUNDS:-1}
SCALING=${SCALING:-1}
SCALE1_ROUNDS=${SCALE1_ROUNDS:-3}
SCALE50_ROUNDS=${SCALE50_ROUNDS:-1}
SUPERVISE_IDLE=${SUPERVISE_IDLE:-60}
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

for v in ROUNDS DEMO_ROUNDS SCALE1_ROUNDS SCALE50_ROUNDS SUPERVISE_IDLE; do
    [[ ${!v} =~ ^[0-9]+$ ]] || usage_die "$v must be a whole number, not '${!v}'"
done
((ROUNDS >= 1)) || usage_die "ROUNDS must be at least 1"
((DEMO_ROUNDS <= ROUNDS)) || DEMO_ROUNDS=$ROUNDS
[[ $SCALING == 0 || $SCALING == 1 ]] || usage_die "SCALING is 0 or 1, not '$SCALING'"
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

# ---- work directory, and cleaning up after ourselves ----------------------------------------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/drover-bench.XXXXXX")
OUT=$WORK/commands.log              # every command's own output
RES=$WORK/results                   # one file per measurement, one value per line
mkdir -p "$RES" "$WORK/py" "$WORK/app" "$WORK/tmp"
# Temporary files of what we start (python's multiprocessing leaves /tmp/pymp-* behind when a
# worker is killed) go to the work directory, and go with it.
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
    >> "$OUT" 2>&1 || { cat "$OUT" >&2; die "javac IdleApp.java Floor.java against $DROVER_HOME/lib failed"; }
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

# names_round: `multi names 10` on each JDK, then celery's
names_round() {
    local -a keys=() lines=()
    local l
    for l in "${JDK_LABELS[@]}"; do
        keys+=("names_$l")
        lines+=("$(dj_line "$l" multi names "$NODES")")
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

# supervise_idle LABEL: `multi supervise 10` (idle app, --heartbeat=5 --max-memory=1G) until
# every node is ready, then its own CPU over SUPERVISE_IDLE seconds and its memory; TERM stops it
# and its nodes.
supervise_idle() {
    local l=$1 dir=$WORK/supervise-$1 pid before after line rss=0 pss=0 k v deadline
    local -a f
    mkdir -p "$dir"
    drover_args idle "$dir"
    (
        if [[ -n ${JDK_HOME[$l]} ]]; then export JAVA_HOME=${JDK_HOME[$l]}; fi
        exec "$DROVER" multi supervise "$NODES" "${ARGS[@]}" --heartbeat=5 --max-memory=1G
    ) > "$dir/supervise.out" 2>&1 &
    pid=$!
    deadline=$(( ${EPOCHREALTIME/./} + 120000000 ))
    until grep -q "all nodes ready" "$dir/supervise.out"; do
        if ! kill -0 "$pid" 2>/dev/null || (( ${EPOCHREALTIME/./} > deadline )); then
            cat "$dir/supervise.out" >&2
            die "multi supervise ($l) did not get its nodes ready"
        fi
        nap 0.05
    done
    read -r line < "/proc/$pid/stat"
    read -r -a f <<< "${line##*) }"
    before=$((f[11] + f[12]))
    nap "$SUPERVISE_IDLE"
    read -r line < "/proc/$pid/stat"
    read -r -a f <<< "${line##*) }"
    after=$((f[11] + f[12]))
    while read -r k v _; do
        case $k in
            Rss:) rss=$v ;;
            Pss:) pss=$v ;;
        esac
    done < "/proc/$pid/smaps_rollup"
    record "supervise_${l}_cpu" "$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v s="$SUPERVISE_IDLE" \
        'BEGIN { printf "%.3f", 100 * t / hz / s }')"
    record "supervise_${l}_rss" "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
    record "supervise_${l}_pss" "$(awk -v k="$pss" 'BEGIN { printf "%.1f", k / 1024 }')"
    kill -TERM "$pid"
    wait "$pid" || true
    cat "$dir/supervise.out" >> "$OUT"
    check_gone "drover multi supervise ($l)"
}

# ---- the run ---------------------------------------------------------------------------------

mapfile -t CELERY_NAMES < <("$PY" -m celery multi names "$NODES")
((${#CELERY_NAMES[@]} == NODES)) || die "celery multi names $NODES printed ${#CELERY_NAMES[@]} names"

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
if ((SUPERVISE_IDLE > 0)); then
    for l in "${JDK_LABELS[@]}"; do
        say "supervise: $l: multi supervise $NODES, idle for $SUPERVISE_IDLE s"
        supervise_idle "$l"
    done
fi
now_us
ELAPSED=$(( (NOW_US - START_US) / 1000000 ))
say "done in ${ELAPSED} s"

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
    local shown
    # shellcheck disable=SC2059 # the format is the caller's, as in cell
    printf -v shown "$3 s" "${reference:-0}"
    ROW_CELL="$CELL against $shown: $(judge "$MED" "$reference" "$4")"
}
floor_cell() { against_cell "floor_$1" "drover_$1_idle_${NODES}_start" "%.2f" 3; }
cpu50_cell() {
    stats "drover_$1_idle_1_startcpu_nodes"; local one=$S_MED
    stats "drover_$1_idle_50_startcpu_nodes"; local fifty=$S_MED
    if [[ -z $one || -z $fifty ]]; then ROW_CELL="-"; return; fi
    local per50
    per50=$(awk -v c="$fifty" 'BEGIN { print c / 50 }')
    ROW_CELL="$(printf '%.3f s against %.3f s' "$per50" "$one"): $(judge "$per50" "$one" 1.15)"
}
status_cell() { against_cell "status_one_$1" "status_all_$1" "%.3f" 1.2; }
supervise_cell() {
    stats "supervise_$1_cpu"; local cpu=$S_MED
    stats "supervise_$1_rss"; local rss=$S_MED
    if [[ -z $cpu ]]; then ROW_CELL="-"; return; fi
    ROW_CELL=$(awk -v c="$cpu" -v r="$rss" 'BEGIN { printf "CPU %.2f %% (%s), RSS %.1f MiB (%s)", c,
        (c < 1 ? "met" : "MISSED"), r, (r <= 40 ? "met" : "MISSED") }')
}
pss_cell() {
    cell "drover_$1_idle_${NODES}_pss" "%.1f" MiB
    ROW_CELL="$CELL: $(judge "$MED" "$CMED" 0.5)"
}

N=$NODES
stats "names_${JDK_LABELS[0]}"; names_n=$S_N
header="| operation | reference |"
rule="| --- | --- |"
for l in "${JDK_LABELS[@]}"; do header+=" drover on $l |"; rule+=" --- |"; done
header+=" target |"
rule+=" --- |"
echo
echo "drover multi vs celery multi: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(uname -r)"
echo "drover: $DROVER_VERSION at $DROVER_HOME"
for l in "${JDK_LABELS[@]}"; do echo "  $l: ${JDK_JAVA[$l]} (${JDK_VERSION[$l]})"; done
echo "celery: $CELERY_VERSION ($PY -m celery, app Celery('bench', broker='memory://')); $HYPERFINE_VERSION"
echo "-c $CONC -l INFO for both; $ROUNDS rounds, each: every JDK's drover, then celery; median (min-max); ratio = drover's median / the reference's"
echo "before the run: load average $LOAD1 (1 min) $LOAD5 (5 min); other processes: $OTHER_DROVER drover nodes, $OTHER_CELERY celery workers"
echo "drover's nodes run an idle application (IdleApp.java) unless it says demo; ${names_n} runs of multi names each"
echo
echo "$header"
echo "$rule"
celery_row "\`multi start $N\` until every node is ready" "celery_${N}_start" "drover_@_idle_${N}_start" "%.2f" s 0.35
ROW_FN=floor_cell
printf '| the same, against the floor | %s bare JVMs of the same JDK spawned at once, each writing its pidfile |%s <= 3x |\n' "$N" "$(per_jdk)"
celery_row "\`multi restart $N\` until every node is ready" "celery_${N}_restart" "drover_@_idle_${N}_restart" "%.2f" s 0.08
celery_row "\`multi names $N\` (CLI latency)" names_celery "names_@" "%.3f" s 0.25
celery_row "\`multi stopwait $N\` (idle nodes)" "celery_${N}_stopwait" "drover_@_idle_${N}_stopwait" "%.2f" s 0.03
ROW_FN=cpu50_cell
printf "| \`multi start 50\` until ready: CPU per node | \`start 1\`'s node CPU |%s <= 1.15x |\n" "$(per_jdk)"
celery_row "idle node RSS (node + its pool processes)" "celery_${N}_rss" "drover_@_idle_${N}_rss" "%.1f" MiB 0.35
cell "celery_${N}_pss" "%.1f" MiB; CMED=$MED
ROW_FN=pss_cell
printf '| idle node PSS (node + its pool processes) | celery multi: %s |%s <= 0.5x |\n' "$CELL" "$(per_jdk)"
ROW_FN=supervise_cell
printf "| \`multi supervise %s\`, idle for %s s: its own CPU, its RSS | - |%s < 1 %% of one core, <= 40 MiB |\n" "$N" "$SUPERVISE_IDLE" "$(per_jdk)"
ROW_FN=status_cell
printf "| \`multi status --all\` with 50 nodes | \`multi status\` of 1 node |%s <= 1.2x |\n" "$(per_jdk)"
celery_row "CPU time to start $N nodes (CLI + nodes, until ready)" "celery_${N}_startcpu" "drover_@_idle_${N}_startcpu" "%.2f" s -

stats "celery_${N}_procs"; cp=$S_MED
stats "drover_${JDK_LABELS[0]}_idle_${N}_procs"; dp=$S_MED
stats "celery_${N}_start_returned"; cr=$S_MED
echo
echo "Processes per node: celery $cp (main + prefork pool), drover $dp. \`celery multi start\` itself returns"
printf 'after %.2f s (median), before its nodes are ready; the celery times run until every node logged "ready.".\n' "$cr"
echo "supervise: --heartbeat=5 --max-memory=1G, its own process only (the nodes are not counted); PSS:"
for l in "${JDK_LABELS[@]}"; do stats "supervise_${l}_pss"; printf '  %s %s MiB\n' "$l" "${S_MED:--}"; done
if ((DEMO_ROUNDS > 0)); then
    echo
    echo "drover's built-in demo application (not idle: 2 threads running 1-s jobs; a warm stop waits"
    echo "for the job in flight), $DEMO_ROUNDS round(s), against the same idle celery nodes:"
    echo
    echo "$header"
    echo "$rule"
    celery_row "\`multi start $N\` until every node is ready" "celery_${N}_start" "drover_@_demo_${N}_start" "%.2f" s 0.35
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
echo "total run time: ${ELAPSED} s"
