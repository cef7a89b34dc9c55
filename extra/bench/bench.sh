#!/usr/bin/env bash
# bench.sh: drover multi against celery multi, side by side, on this machine (issue 7).
#
# Usage: extra/bench/bench.sh            (as root, or a user with sudo for the installs)
#
# Environment:
#   DROVER_HOME=DIR   the drover distribution to measure (default: the distribution this script
#                     is shipped in, else the repository's target/drover, built when missing)
#   ROUNDS=N          rounds of the drover/celery comparison (default 5)
#   DEMO_ROUNDS=N     of those, how many also measure drover's built-in demo app (default 3)
#   SCALING=0         skip the 1/10/50-node scaling section of drover
#   SCALE1_ROUNDS=N   rounds of the 1-node case (default 3)
#   SCALE50_ROUNDS=N  rounds of the 50-node case (default 1)
#   CELERY_PYTHON     the python that has celery (default /usr/bin/python3, Debian's)
#   KEEP=1            keep the work directory (pidfiles, node logs, command output)
#
# It installs Debian's python3-celery and hyperfine when missing (apt-get), compiles IdleApp.java
# against the distribution, runs every operation for drover and celery multi in turn within each
# round, and prints medians (min-max) and the ratios drover/celery against the issue's targets.
# Every process it starts carries DROVER_BENCH_TAG in its environment; on exit (also on failure
# or Ctrl-C) whatever still carries the tag is killed. Exit status: 0 when everything ran (a
# missed target is a result, not a failure), 1 when a node failed to start or stop, 2 on bad
# settings or a missing tool.
set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROUNDS=${ROUNDS:-5}
DEMO_ROUNDS=${DEMO_ROUNDS:-3}
SCALING=${SCALING:-1}
SCALE1_ROUNDS=${SCALE1_ROUNDS:-3}
SCALE50_ROUNDS=${SCALE50_ROUNDS:-1}
PY=${CELERY_PYTHON:-/usr/bin/python3}
NODES=10        # the table's node count
CONC=2          # -c for both
SETTLE=1        # seconds the nodes sit idle before their memory is read
NAMES_RUNS=3    # hyperfine runs of `multi names` per command and round (after 1 warm-up run)

START_US=${EPOCHREALTIME/./}

say() { printf '[%4ds] %s\n' $(( (${EPOCHREALTIME/./} - START_US) / 1000000 )) "$*" >&2; }
die() { printf 'bench.sh: %s\n' "$*" >&2; exit "${DIE_CODE:-1}"; }
usage_die() { DIE_CODE=2 die "$@"; }

for v in ROUNDS DEMO_ROUNDS SCALE1_ROUNDS SCALE50_ROUNDS; do
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
"$JAVAC" --release 17 -nowarn -cp "$DROVER_HOME/lib/*" -d "$WORK/app" "$BENCH_DIR/IdleApp.java" >> "$OUT" 2>&1 \
    || { cat "$OUT" >&2; die "javac IdleApp.java against $DROVER_HOME/lib failed"; }
# An application other than the demo runs as root only with --uid or this (see docs/daemonizing.md).
export DROVER_FORCE_ROOT=1

DROVER_VERSION=$("$DROVER" --version 2>&1 | head -n 1) || die "$DROVER --version failed"
CELERY_VERSION=$("$PY" -m celery --version 2>&1) || die "$PY -m celery --version failed"
HYPERFINE_VERSION=$(hyperfine --version)
JAVA_VERSION=$(java -version 2>&1 | head -n 1)

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

# names_round R: `multi names 10`, hyperfine, drover then celery
names_round() {
    local json=$WORK/names.$1.json
    run hyperfine -N --style none --warmup 1 --runs "$NAMES_RUNS" --export-json "$json" \
        "$(printf '%q ' "$DROVER" multi names "$NODES")" \
        "$(printf '%q ' "$PY" -m celery multi names "$NODES")" || die "hyperfine failed"
    "$PY" - "$json" "$RES/names_drover" "$RES/names_celery" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
for result, path in zip(results, sys.argv[2:]):
    with open(path, "a") as out:
        out.writelines("%.6f\n" % t for t in result["times"])
EOF
}

# drover_cycle KIND R N: start (timed, with CPU), [idle, N=10: restart (timed)], [N=10: settle,
# memory], stopwait (timed), all gone. Results under drover_KIND_N_*.
drover_cycle() {
    local kind=$1 r=$2 n=$3 key=drover_${1}_$3 dir=$WORK/r$2-drover-$1-$3 t0 cpu0
    local -a extra=()
    mkdir -p "$dir"
    drover_args "$kind" "$dir"
    # 50 JVMs on 2 cores take longer than the default --start-timeout (30 s) allows on a bad day
    ((n > NODES)) && extra=(--start-timeout=300)

    children_cpu_ms; cpu0=$CPU_MS
    now_us; t0=$NOW_US
    run "$DROVER" multi start "$n" "${extra[@]}" "${ARGS[@]}" || die "drover multi start $n ($kind) failed"
    now_us; record_us "${key}_start" $((NOW_US - t0))
    children_cpu_ms; local cli=$((CPU_MS - cpu0))
    nodes_cpu_ms "$dir" drover "$n"
    record "${key}_startcpu" "$(us_to_s $(( (cli + CPU_MS) * 1000 )))"
    record "${key}_startcpu_cli" "$(us_to_s $(( cli * 1000 )))"
    record "${key}_startcpu_nodes" "$(us_to_s $(( CPU_MS * 1000 )))"
    check_running "$dir" drover "$n" || die "a drover node is not running after multi start"

    if [[ $kind == idle && $n == "$NODES" ]]; then
        now_us; t0=$NOW_US
        run "$DROVER" multi restart "$n" "${ARGS[@]}" || die "drover multi restart $n failed"
        now_us; record_us "${key}_restart" $((NOW_US - t0))
        check_running "$dir" drover "$n" || die "a drover node is not running after multi restart"
    fi

    if [[ $n == "$NODES" ]]; then
        nap "$SETTLE"
        mem_sample "$key" "$dir" drover "$n" || die "reading node memory failed"
    fi

    now_us; t0=$NOW_US
    run "$DROVER" multi stopwait "$n" "${ARGS[@]}" || die "drover multi stopwait $n ($kind) failed"
    now_us; record_us "${key}_stopwait" $((NOW_US - t0))
    check_gone "drover multi stopwait $n ($kind, round $r)"
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

# ---- the run ---------------------------------------------------------------------------------

mapfile -t CELERY_NAMES < <("$PY" -m celery multi names "$NODES")
((${#CELERY_NAMES[@]} == NODES)) || die "celery multi names $NODES printed ${#CELERY_NAMES[@]} names"

read -r LOAD1 LOAD5 _ < /proc/loadavg
OTHER_DROVER=$(pgrep -fc 'io\.drover\.cli\.Main (worker|beat)' || true)
OTHER_CELERY=$(pgrep -fc -- '-m celery .*worker' || true)
say "drover: $DROVER ($DROVER_VERSION)"
say "celery: $PY -m celery ($CELERY_VERSION); work directory $WORK"
for ((r = 1; r <= ROUNDS; r++)); do
    say "round $r/$ROUNDS: multi names $NODES (hyperfine)"
    names_round "$r"
    say "round $r/$ROUNDS: drover, idle app: start, restart, stopwait"
    drover_cycle idle "$r" "$NODES"
    say "round $r/$ROUNDS: celery: start, restart, stopwait"
    celery_cycle "$r"
    if ((r <= DEMO_ROUNDS)); then
        say "round $r/$ROUNDS: drover, demo app: start, stopwait"
        drover_cycle demo "$r" "$NODES"
    fi
done
if ((SCALING)); then
    for ((r = 1; r <= SCALE1_ROUNDS; r++)); do
        say "scaling: drover, idle app, 1 node, round $r/$SCALE1_ROUNDS"
        drover_cycle idle "$r" 1
    done
    for ((r = 1; r <= SCALE50_ROUNDS; r++)); do
        say "scaling: drover, idle app, 50 nodes, round $r/$SCALE50_ROUNDS"
        drover_cycle idle "$r" 50
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
# cell KEY FORMAT UNIT -> "median (min-max) unit"
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
ratio() { awk -v d="$1" -v c="$2" 'BEGIN { if (c > 0 && d != "") printf "%.2fx", d / c; else printf "-" }'; }
# verdict DROVER CELERY TARGET: on the unrounded ratio
verdict() { awk -v d="$1" -v c="$2" -v t="$3" 'BEGIN { if (c > 0 && d != "") print (d / c <= t ? "met" : "MISSED"); else print "-" }'; }

# row LABEL CELERY_KEY DROVER_KEY FORMAT UNIT TARGET(ratio or -)
row() {
    local c d cm dm r
    cell "$2" "$4" "$5"; c=$CELL; cm=$MED
    cell "$3" "$4" "$5"; d=$CELL; dm=$MED
    r=$(ratio "$dm" "$cm")
    if [[ $6 == - ]]; then
        printf '| %s | %s | %s | %s | - | |\n' "$1" "$c" "$d" "$r"
    else
        printf '| %s | %s | %s | %s | <= %sx | %s |\n' "$1" "$c" "$d" "$r" "$6" "$(verdict "$dm" "$cm" "$6")"
    fi
}

N=$NODES
stats names_drover; names_n=$S_N
echo
echo "drover multi vs celery multi: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(uname -r)"
echo "drover: $DROVER_VERSION at $DROVER_HOME; $JAVA_VERSION"
echo "celery: $CELERY_VERSION ($PY -m celery, app Celery('bench', broker='memory://')); $HYPERFINE_VERSION"
echo "-c $CONC -l INFO for both; $ROUNDS rounds, each: drover then celery; median (min-max); ratio = drover median / celery median"
echo "before the run: load average $LOAD1 (1 min) $LOAD5 (5 min); other processes: $OTHER_DROVER drover nodes, $OTHER_CELERY celery workers"
echo "drover's row uses an idle application (IdleApp.java) unless it says demo; ${names_n} runs of multi names each"
echo
echo "| operation | celery multi | drover | ratio | target | |"
echo "| --- | --- | --- | --- | --- | --- |"
row "\`multi names $N\` (CLI latency)" names_celery names_drover "%.3f" s 0.6
row "\`multi start $N\` until every node is ready" "celery_${N}_start" "drover_idle_${N}_start" "%.2f" s 0.5
row "\`multi stopwait $N\` (idle nodes)" "celery_${N}_stopwait" "drover_idle_${N}_stopwait" "%.2f" s 0.1
row "\`multi restart $N\` until every node is ready" "celery_${N}_restart" "drover_idle_${N}_restart" "%.2f" s 0.15
row "idle node memory: RSS of node + its pool processes" "celery_${N}_rss" "drover_idle_${N}_rss" "%.1f" MiB 0.6
row "idle node memory: PSS of node + its pool processes" "celery_${N}_pss" "drover_idle_${N}_pss" "%.1f" MiB 1.0
row "CPU time to start $N nodes (CLI + nodes, until ready)" "celery_${N}_startcpu" "drover_idle_${N}_startcpu" "%.2f" s -
stats "celery_${N}_procs"; cp=$S_MED
stats "drover_idle_${N}_procs"; dp=$S_MED
stats "celery_${N}_start_returned"; cr=$S_MED
echo
echo "Processes per node: celery $cp (main + prefork pool), drover $dp. \`celery multi start\` itself returns"
printf 'after %.2f s (median), before its nodes are ready; the celery times run until every node logged "ready.".\n' "$cr"
if ((DEMO_ROUNDS > 0)); then
    echo
    echo "drover's built-in demo application (not idle: 2 threads running 1-s jobs; a warm stop waits"
    echo "for the job in flight), $DEMO_ROUNDS rounds, against the same idle celery nodes:"
    echo
    echo "| operation | celery multi (idle) | drover (demo app) | ratio | target | |"
    echo "| --- | --- | --- | --- | --- | --- |"
    row "\`multi start $N\` until every node is ready" "celery_${N}_start" "drover_demo_${N}_start" "%.2f" s 0.5
    row "\`multi stopwait $N\`" "celery_${N}_stopwait" "drover_demo_${N}_stopwait" "%.2f" s -
    row "node memory: RSS" "celery_${N}_rss" "drover_demo_${N}_rss" "%.1f" MiB -
    row "node memory: PSS" "celery_${N}_pss" "drover_demo_${N}_pss" "%.1f" MiB -
fi

if ((SCALING)); then
    echo
    echo "drover scaling (idle app; 1 node: $SCALE1_ROUNDS rounds, $N nodes: the table's $ROUNDS rounds, 50 nodes: $SCALE50_ROUNDS round(s)):"
    echo "start CPU = CPU time of the CLI and of all nodes from the command until every node is ready (medians);"
    echo "CPU/wall near $(nproc) (the core count) means starting is CPU-bound."
    echo
    echo "| nodes | start to ready | stopwait | start CPU | of which the CLI | node CPU per node | CPU/wall |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    declare -A START STOP
    for n in 1 "$N" 50; do
        cell "drover_idle_${n}_start" "%.2f" s; s=$CELL; START[$n]=$MED
        cell "drover_idle_${n}_stopwait" "%.2f" s; w=$CELL; STOP[$n]=$MED
        stats "drover_idle_${n}_startcpu"; cpu=$S_MED
        stats "drover_idle_${n}_startcpu_cli"; cli=$S_MED
        stats "drover_idle_${n}_startcpu_nodes"; nodes=$S_MED
        printf '| %s | %s | %s | %.2f s | %.2f s | %.3f s | %.2f |\n' "$n" "$s" "$w" "$cpu" "$cli" \
            "$(awk -v c="$nodes" -v n="$n" 'BEGIN { print c / n }')" \
            "$(awk -v c="$cpu" -v w="${START[$n]}" 'BEGIN { print c / w }')"
    done
    slope() { awk -v a="$1" -v b="$2" -v na="$3" -v nb="$4" 'BEGIN { printf "%.0f ms/node", (b - a) / (nb - na) * 1000 }'; }
    echo
    echo "slope, start to ready: 1->$N nodes $(slope "${START[1]}" "${START[$N]}" 1 "$N"), $N->50 nodes $(slope "${START[$N]}" "${START[50]}" "$N" 50)"
    echo "slope, stopwait:       1->$N nodes $(slope "${STOP[1]}" "${STOP[$N]}" 1 "$N"), $N->50 nodes $(slope "${STOP[$N]}" "${STOP[50]}" "$N" 50)"
fi
echo
for w in "${WARNINGS[@]}"; do echo "warning: $w"; done
echo "total run time: ${ELAPSED} s"
