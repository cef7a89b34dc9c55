#!/usr/bin/env bash
# soak.sh: start/status/stopwait cycles of drover nodes with injected faults, checked after
# every cycle against /proc (issue 17, "keep the proof in the tree").
#
# Usage: extra/soak/soak.sh [--cycles N] [--nodes K] [--seed S] [--prefix P] [--only F,...] [--keep]
#   --cycles N   cycles to run (default 30, 3-4 minutes on 2 cores; the issue asks for 1000)
#   --nodes K    nodes per cycle (default 3)
#   --seed S     seed of bash's RANDOM, for the faults' choices and delays (default: random,
#                printed, so a run can be repeated)
#   --prefix P   the nodes' range prefix (default soak): a run beside the tests, or another run,
#                takes names of its own (drover runs one process per nodename)
#   --only F,... run only these faults, in turn (none, kill9, sigstop, fulllog, unwritable, race,
#                lostpidfile, hang, halfrequest, rotate)
#   --keep       keep the work directory (pidfiles, node logs, every command's output)
#
# Environment: DROVER_HOME=DIR, the drover distribution to soak (default: the one this script is
# shipped in, else the repository's target/drover, built when missing).
#
# Each cycle first runs a clean round (start K nodes, status, stopwait; timed, for the drift),
# then one fault, in turn: none, kill -9 of a node (while it starts, while it runs, while it
# stops, or of the `multi start` that started it), SIGSTOP of a running node under stopwait,
# a full tmpfs as the log directory, a read-only directory for pidfiles or logs, two
# `multi start` racing for the same nodes, a running node's pidfile removed, a node whose
# application hangs in its static initializer (at its start timeout, or until stopwait's TERM),
# clients holding half requests on a node's health port, and a node's log rotated (renamed or
# copytruncated) under `logs -f`. After the fault, and after every cycle, it checks:
# no process of this run is left, no pidfile is left where drover promises none, and `multi
# status` agrees with /proc for every node. The mount faults need root; without it they are
# skipped. The clean rounds' times, first tenth of the cycles against the last, are the drift; the
# 1-minute load average beside them says how busy the machine was meanwhile. Exit status: 0
# when every check held, 1 when one did not, 2 on bad usage.
set -euo pipefail
export LC_ALL=C

SOAK_DIR=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
CYCLES=30
NODES=3
SEED=$(( (RANDOM << 15) | RANDOM ))
KEEP=0
PREFIX=soak
ONLY=""

die() { printf 'soak.sh: %s\n' "$*" >&2; exit "${DIE_CODE:-1}"; }
usage_die() { DIE_CODE=2 die "$@"; }

while (($#)); do
    case $1 in
        --cycles) CYCLES=${2:-}; shift 2 || usage_die "--cycles needs a number" ;;
        --cycles=*) CYCLES=${1#*=}; shift ;;
        --nodes) NODES=${2:-}; shift 2 || usage_die "--nodes needs a number" ;;
        --nodes=*) NODES=${1#*=}; shift ;;
        --prefix) PREFIX=${2:-}; shift 2 || usage_die "--prefix needs a name" ;;
        --prefix=*) PREFIX=${1#*=}; shift ;;
        --seed) SEED=${2:-}; shift 2 || usage_die "--seed needs a number" ;;
        --seed=*) SEED=${1#*=}; shift ;;
        --only) ONLY=${2:-}; shift 2 || usage_die "--only needs faults" ;;
        --only=*) ONLY=${1#*=}; shift ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) usage_die "unknown argument '$1' (--cycles N, --nodes K, --seed S, --prefix P, --only F,..., --keep)" ;;
    esac
done
{ [[ $CYCLES =~ ^[0-9]+$ ]] && ((CYCLES >= 1)); } || usage_die "--cycles must be a whole number >= 1, not '$CYCLES'"
{ [[ $NODES =~ ^[0-9]+$ ]] && ((NODES >= 2 && NODES <= 20)); } || usage_die "--nodes must be 2..20, not '$NODES'"
[[ $SEED =~ ^[0-9]+$ ]] || usage_die "--seed must be a whole number, not '$SEED'"
[[ $PREFIX =~ ^[a-z][a-z0-9_-]*$ ]] || usage_die "--prefix must be a name (a-z, 0-9, - and _), not '$PREFIX'"
((BASH_VERSINFO[0] >= 5)) || usage_die "needs bash 5 (EPOCHREALTIME)"
RANDOM=$SEED

find_drover() {
    if [[ -n ${DROVER_HOME:-} ]]; then
        [[ -x $DROVER_HOME/bin/drover ]] || usage_die "DROVER_HOME=$DROVER_HOME has no bin/drover"
    elif [[ -x $SOAK_DIR/../../bin/drover && -d $SOAK_DIR/../../lib ]]; then
        DROVER_HOME=$SOAK_DIR/../..             # shipped in a distribution: extra/soak/
    else
        local repo
        repo=$(cd -P "$SOAK_DIR/../.." && pwd -P)
        DROVER_HOME=$repo/target/drover
        if [[ ! -x $DROVER_HOME/bin/drover ]]; then
            [[ -f $repo/pom.xml ]] || usage_die "no drover at $DROVER_HOME and no pom.xml to build it: set DROVER_HOME"
            printf 'soak.sh: building drover: mvn -B -q package -DskipTests in %s\n' "$repo" >&2
            (cd "$repo" && mvn -B -q package -DskipTests) >&2 || die "mvn package failed"
        fi
    fi
    DROVER_HOME=$(cd -P "$DROVER_HOME" && pwd -P)
    DROVER=$DROVER_HOME/bin/drover
}
find_drover
HOST=$(cat /proc/sys/kernel/hostname)

# ---- work directory; everything this run starts carries SOAK_TAG and is killed on exit --------

WORK=$(mktemp -d "${TMPDIR:-/tmp}/drover-soak.XXXXXX")
chmod 0755 "$WORK"
OUT=$WORK/commands.log
mkdir -p "$WORK/run" "$WORK/log" "$WORK/full" "$WORK/ro"
SOAK_TAG=$(basename "$WORK")-$$
export SOAK_TAG
MOUNTS=()

# Live (not zombie: PID 1 here may not reap) processes whose environment holds our tag,
# builtins only, never this shell.
tagged_pids() {
    local e p state rest joined
    local -a env
    for e in /proc/[0-9]*/environ; do
        p=${e#/proc/}
        p=${p%/environ}
        [[ $p == "$$" || $p == "$BASHPID" ]] && continue
        mapfile -d '' -t env 2>/dev/null < "$e" || continue
        ((${#env[@]})) || continue
        printf -v joined '\n%s' "${env[@]}"
        [[ $joined$'\n' == *$'\n'"SOAK_TAG=$SOAK_TAG"$'\n'* ]] || continue
        read -r _ rest 2>/dev/null < "/proc/$p/stat" || continue
        state=${rest##*) }
        [[ ${state:0:1} == Z ]] && continue
        printf '%s\n' "$p"
    done
    return 0
}

kill_tagged() {
    local -a pids
    local i
    for i in 1 2 3 4 5; do
        mapfile -t pids < <(tagged_pids)
        ((${#pids[@]})) || return 0
        kill -KILL "${pids[@]}" 2>/dev/null || true
        nap 0.2
    done
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    kill_tagged
    local m
    for m in "${MOUNTS[@]}"; do
        umount -l "$m" 2>/dev/null
    done
    if ((KEEP || rc == 1)); then
        printf 'soak.sh: work directory kept: %s (every command: %s)\n' "$WORK" "$OUT" >&2
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
# a random delay of 0..MAX milliseconds, as seconds for nap
rand_delay() { local ms=$((RANDOM % ($1 + 1))); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }

now_us() { NOW_US=${EPOCHREALTIME/./}; }

# drover ARGS...: runs the launcher, its output in LAST (and in $OUT), its status in RC
drover() {
    RC=0
    "$DROVER" "$@" > "$WORK/last.out" 2>&1 || RC=$?
    LAST=$(< "$WORK/last.out")
    { printf '\n$ drover %s\n%s\n[exit %d]\n' "$*" "$LAST" "$RC"; } >> "$OUT"
}

# ---- the nodes, what /proc says of them, and what status says ---------------------------------

PIDDIR=$WORK/run
LOGDIR=$WORK/log
node_args() { printf '%s\n' "$NODES" --range-prefix="$PREFIX" "--pidfile=$PIDDIR/%n.pid" "--logfile=$LOGDIR/%n%I.log"; }
mapfile -t NODE_ARGS < <(node_args)
set_dirs() { PIDDIR=$1; LOGDIR=$2; mapfile -t NODE_ARGS < <(node_args); }

# pid of a running JVM of node N (by its command line and our tag), or nothing
node_jvm() {
    local p
    for p in $(tagged_pids); do
        [[ $(tr '\0' ' ' 2>/dev/null < "/proc/$p/cmdline") == *" worker --detach -n $PREFIX$1@"* ]] && printf '%s\n' "$p"
    done
    return 0
}

# the pid in node N's pidfile, or 0
pidof_node() { local p; p=$(cat "$PIDDIR/$PREFIX$1.pid" 2>/dev/null) || true; [[ $p =~ ^[0-9]+$ ]] || p=0; printf '%s' "$p"; }

alive() { local rest; [[ -r /proc/$1/stat ]] && read -r _ rest < "/proc/$1/stat" 2>/dev/null && [[ ${rest##*) } != Z* ]]; }

# what /proc says node N is: running, dead (pidfile, no process), stale (pidfile, another
# process) or stopped (no pidfile)
truth() {
    local f=$PIDDIR/$PREFIX$1.pid pid
    # a node whose pidfile was removed while it ran still runs, and status finds it
    [[ -e $f || -z $(node_jvm "$1") ]] || { printf 'running'; return; }
    [[ -e $f ]] || { printf 'stopped'; return; }
    pid=$(< "$f") || { printf 'stopped'; return; }
    if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid"; then
        if [[ $(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline") == *" -n $PREFIX$1@"* ]]; then
            printf 'running'
        else
            printf 'stale'
        fi
    else
        printf 'dead'
    fi
}

FAIL_REASONS=()
failed() { FAIL_REASONS+=("$*"); }

# check_status WHEN: multi status against /proc, node by node
check_status() {
    local i line state want
    drover multi status "${NODE_ARGS[@]}"
    for ((i = 1; i <= NODES; i++)); do
        line=$(grep -F "> $PREFIX$i@$HOST: " <<< "$LAST" || true)
        state=${line#*"$PREFIX$i@$HOST: "}
        state=${state%%[ :;,]*}
        want=$(truth "$i")
        # a node hanging before it is ready is alive and not ready: starting, which /proc cannot tell
        [[ $state == starting && $want == running && $i == "${HANGING:-}" ]] && want=starting
        if [[ $state != "$want" ]]; then
            failed "$1: status says $PREFIX$i is '${state:-nothing}', /proc says $want"
            ((DISAGREE += 1))
        fi
    done
}

# check_clean WHEN [ALLOWED...]: no process left, and no pidfile but those of nodes ALLOWED
# to be dead (killed -9 after they were ready: drover cannot remove their pidfile)
check_clean() {
    local when=$1 f n
    shift
    local -a left
    mapfile -t left < <(tagged_pids)
    if ((${#left[@]})); then
        failed "$when: ${#left[@]} process(es) left: $(for p in "${left[@]}"; do tr '\0' ' ' < "/proc/$p/cmdline" | cut -c 1-80; printf '; '; done)"
        ((LEAKS += ${#left[@]}))
        kill_tagged
    fi
    for f in "$PIDDIR"/"$PREFIX"*.pid; do
        [[ -e $f ]] || continue
        n=${f##*/"$PREFIX"}
        n=${n%.pid}
        [[ " $* " == *" $n "* ]] && continue     # left for the next start to replace
        failed "$when: pidfile $f left ($(truth "$n"))"
        ((STALE += 1))
        rm -f "$f"
    done
}

# ---- the faults ------------------------------------------------------------------------------

FAULTS=(none kill9 sigstop fulllog unwritable race lostpidfile hang halfrequest rotate)
declare -A INJECTED SURVIVED
if [[ -n $ONLY ]]; then
    IFS=, read -r -a only <<< "$ONLY"
    for f in "${only[@]}"; do
        [[ " ${FAULTS[*]} " == *" $f "* ]] || usage_die "--only: no fault '$f' (${FAULTS[*]})"
    done
    FAULTS=("${only[@]}")
fi

fault_none() { :; }

# kill -9 of one node while it starts, while it runs, while it stops, or of the starter
fault_kill9() {
    local victim=$((1 + RANDOM % NODES)) pid="" bg i n ok
    local -a phases=(starting running stopping starter)
    local phase=${phases[RANDOM % 4]}
    PHASE=$phase
    case $phase in
        starting|starter)
            "$DROVER" multi start "${NODE_ARGS[@]}" > "$WORK/bg.out" 2>&1 &
            bg=$!
            for ((i = 0; i < 500; i++)); do
                pid=$(node_jvm "$victim")
                [[ -n $pid ]] && break
                nap 0.01
            done
            nap "$(rand_delay 400)"
            if [[ $phase == starting ]]; then
                [[ -n $pid ]] && { kill -KILL "$pid" 2>/dev/null || true; }
            else
                kill -KILL "$bg" 2>/dev/null || true
            fi
            { wait "$bg"; } 2>/dev/null || true     # bash would announce the starter's death
            { printf '\n$ drover multi start (background, %s killed)\n' "$phase"; cat "$WORK/bg.out"; } >> "$OUT"
            if [[ $phase == starter ]]; then
                # The nodes outlive their starter: each ends ready, or gone without a pidfile.
                # Wait until no node is still coming up (status says starting, or a JVM of a
                # node has no pidfile yet), then compare status with /proc.
                for ((i = 0; i < 300; i++)); do
                    ok=1
                    for ((n = 1; n <= NODES; n++)); do
                        [[ -n $(node_jvm "$n") && $(truth "$n") == stopped ]] && ok=0
                    done
                    if ((ok)); then
                        drover multi status "${NODE_ARGS[@]}"
                        [[ $LAST == *": starting"* ]] || break
                    fi
                    nap 0.1
                done
                check_status "kill -9 of multi start"
                drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
                check_clean "stopwait after the starter was killed"
            else
                if grep -q "$PREFIX$victim@$HOST: OK" "$WORK/bg.out"; then
                    ALLOWED_DEAD="$victim"     # it was ready before the kill: dead, pidfile left
                fi
                check_status "kill -9 while starting"
                drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
                check_clean "stopwait after a kill -9 while starting" ${ALLOWED_DEAD:+"$ALLOWED_DEAD"}
            fi
            ;;
        running)
            drover multi start "${NODE_ARGS[@]}"
            ((RC == 0)) || failed "start before kill -9: exit $RC"
            nap "$(rand_delay 500)"
            pid=$(pidof_node "$victim")
            kill -KILL "$pid" 2>/dev/null || failed "no pid to kill for $PREFIX$victim"
            for ((i = 0; i < 500; i++)); do alive "$pid" || break; nap 0.01; done
            check_status "kill -9 while running"
            ((RC == 1)) || failed "status with a node killed: exit $RC, not 1 (dead, pidfile left)"
            drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
            ((RC == 0)) || failed "stopwait after a kill -9: exit $RC"
            check_status "stopwait after a kill -9 while running"
            ALLOWED_DEAD=$victim
            check_clean "stopwait after a kill -9 while running" "$victim"
            ;;
        stopping)
            drover multi start "${NODE_ARGS[@]}"
            ((RC == 0)) || failed "start before kill -9 while stopping: exit $RC"
            pid=$(pidof_node "$victim")
            "$DROVER" multi stopwait "${NODE_ARGS[@]}" --timeout=60 > "$WORK/bg.out" 2>&1 &
            bg=$!
            nap "$(rand_delay 300)"
            kill -KILL "$pid" 2>/dev/null || true
            RC=0
            wait "$bg" || RC=$?
            { printf '\n$ drover multi stopwait (background, kill -9 of %s)\n' "$pid"; cat "$WORK/bg.out"; } >> "$OUT"
            ((RC == 0)) || failed "stopwait with a node killed while it stopped: exit $RC"
            # killed before stopwait signalled it, it was a kill while running: dead, pidfile left
            grep -q "$PREFIX$victim@$HOST: not running" "$WORK/bg.out" && ALLOWED_DEAD=$victim
            check_status "kill -9 while stopping"
            check_clean "kill -9 while stopping" ${ALLOWED_DEAD:+"$ALLOWED_DEAD"}
            ;;
    esac
}

# SIGSTOP of a running node: stopwait times out naming it; after SIGCONT it stops
fault_sigstop() {
    local victim=$((1 + RANDOM % NODES)) pid
    drover multi start "${NODE_ARGS[@]}"
    ((RC == 0)) || failed "start before SIGSTOP: exit $RC"
    pid=$(pidof_node "$victim")
    kill -STOP "$pid" 2>/dev/null || failed "no pid to stop for $PREFIX$victim"
    check_status "a node stopped with SIGSTOP"
    drover multi stopwait "${NODE_ARGS[@]}" --timeout=2
    ((RC == 1)) || failed "stopwait on a SIGSTOPped node: exit $RC, not 1"
    [[ $LAST == *"$PREFIX$victim@$HOST: still running (pid $pid)"* ]] || failed "stopwait did not name the stopped node"
    kill -CONT "$pid" 2>/dev/null || true
    drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
    ((RC == 0)) || failed "stopwait after SIGCONT: exit $RC"
    check_status "after SIGCONT and stopwait"
    check_clean "after SIGCONT and stopwait"
}

# a tmpfs mount of SIZE at DIR, read-only with ro
mount_tmpfs() {
    mount -t tmpfs -o "size=$2${3:+,$3}" tmpfs "$1" || return 1
    MOUNTS+=("$1")
}
unmount() { umount "$1" || umount -l "$1" || true; MOUNTS=("${MOUNTS[@]/$1}"); }

# the log directory a full tmpfs: whatever start says, status agrees and nothing is left
fault_fulllog() {
    mount_tmpfs "$WORK/full" 256k || { failed "cannot mount a tmpfs"; return; }
    dd if=/dev/zero of="$WORK/full/filler" bs=4k 2>/dev/null || true
    set_dirs "$WORK/run" "$WORK/full"
    drover multi start "${NODE_ARGS[@]}"
    PHASE="start exit $RC"
    check_status "start with a full log directory"
    drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
    ((RC == 0)) || failed "stopwait with a full log directory: exit $RC"
    check_status "stopwait with a full log directory"
    check_clean "stopwait with a full log directory"
    set_dirs "$WORK/run" "$WORK/log"
    unmount "$WORK/full"
}

# a read-only directory for the pidfiles or the logs: every node fails with exit 73. Nodes that
# drover recorded at their pidfile start with their recorded command line, logfile included, so
# for the logs the records are forgotten first: the nodes start as given, with the read-only one.
fault_unwritable() {
    mount_tmpfs "$WORK/ro" 64k ro || { failed "cannot mount a read-only tmpfs"; return; }
    if ((RANDOM % 2)); then
        PHASE=pidfiles
        set_dirs "$WORK/ro" "$WORK/log"
    else
        PHASE=logs
        drover multi forget "${NODE_ARGS[@]}"
        ((RC == 0)) || failed "forget before the read-only logs: exit $RC"
        set_dirs "$WORK/run" "$WORK/ro"
    fi
    drover multi start "${NODE_ARGS[@]}"
    ((RC == 73)) || failed "start with read-only $PHASE: exit $RC, not 73"
    check_status "start with read-only $PHASE"
    check_clean "start with read-only $PHASE"
    set_dirs "$WORK/run" "$WORK/log"
    unmount "$WORK/ro"
}

# two starts of the same nodes at once: one JVM per node, both starts succeed
fault_race() {
    local a b rca=0 rcb=0 i
    "$DROVER" multi start "${NODE_ARGS[@]}" > "$WORK/a.out" 2>&1 &
    a=$!
    nap "$(rand_delay 200)"
    "$DROVER" multi start "${NODE_ARGS[@]}" > "$WORK/b.out" 2>&1 &
    b=$!
    wait "$a" || rca=$?
    wait "$b" || rcb=$?
    { printf '\n$ drover multi start (racing, a)\n'; cat "$WORK/a.out"; printf '[exit %d]\n$ drover multi start (racing, b)\n' "$rca"; cat "$WORK/b.out"; printf '[exit %d]\n' "$rcb"; } >> "$OUT"
    ((rca == 0 && rcb == 0)) || failed "racing starts: exits $rca and $rcb, not 0 and 0"
    for ((i = 1; i <= NODES; i++)); do
        local -a jvms
        mapfile -t jvms < <(node_jvm "$i")
        ((${#jvms[@]} == 1)) || failed "racing starts: $PREFIX$i has ${#jvms[@]} JVMs (${jvms[*]})"
    done
    check_status "racing starts"
    drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
    ((RC == 0)) || failed "stopwait after racing starts: exit $RC"
    check_clean "stopwait after racing starts"
}

# a running node's pidfile removed: status still finds it, start refuses a second JVM of its
# name, stopwait stops it
fault_lostpidfile() {
    local victim=$((RANDOM % NODES + 1)) i
    drover multi start "${NODE_ARGS[@]}"
    ((RC == 0)) || failed "start before the pidfile was removed: exit $RC"
    rm -f "$PIDDIR/$PREFIX$victim.pid"
    check_status "pidfile removed"
    drover multi start "${NODE_ARGS[@]}"
    ((RC == 1)) || failed "start with $PREFIX$victim's pidfile removed: exit $RC, not 1"
    for ((i = 1; i <= NODES; i++)); do
        local -a jvms
        mapfile -t jvms < <(node_jvm "$i")
        ((${#jvms[@]} == 1)) || failed "pidfile removed: $PREFIX$i has ${#jvms[@]} JVMs (${jvms[*]})"
    done
    drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
    ((RC == 0)) || failed "stopwait with $PREFIX$victim's pidfile removed: exit $RC"
    check_clean "stopwait after the pidfile was removed"
}

# An application whose class never finishes initializing (its static initializer waits for
# ever), compiled once into $WORK/app with the javac beside drover's java; none: the fault is
# skipped.
HANG_APP=soak.HangsApp
hang_app() {
    [[ -e $WORK/app/soak/HangsApp.class ]] && return 0
    [[ -z ${HANG_APP_FAILED:-} ]] || return 1
    local javac
    javac=$(command -v javac 2>/dev/null) || { HANG_APP_FAILED=1; return 1; }
    mkdir -p "$WORK/app/soak"
    cat > "$WORK/app/soak/HangsApp.java" <<'JAVA'
package soak;

public final class HangsApp implements io.drover.api.NodeApp {
    static {
        while (!Boolean.getBoolean("soak.never")) {
            java.util.concurrent.locks.LockSupport.park();
        }
    }

    @Override
    public void start(io.drover.api.NodeContext context) {
    }

    @Override
    public void stop(io.drover.api.Shutdown mode) {
    }
}
JAVA
    "$javac" -nowarn -d "$WORK/app" -cp "$DROVER_HOME/lib/*" "$WORK/app/soak/HangsApp.java" >> "$OUT" 2>&1 \
        || { HANG_APP_FAILED=1; return 1; }
}

# waits (10 s at most) until node N has no JVM left; false if one is still there
gone_within() { local i; for ((i = 0; i < 1000; i++)); do [[ -z $(node_jvm "$1") ]] && return 0; nap 0.01; done; return 1; }

# one node's application hangs in its static initializer: the others are up regardless; it fails
# at its start timeout and ends itself (timeout), or, with no timeout, it ends on stopwait's TERM
fault_hang() {
    local victim=$((1 + RANDOM % NODES)) bg i rcs=0
    local -a hang=("-A:$victim" "$HANG_APP" "--classpath=$WORK/app")
    if ((RANDOM % 2)); then
        PHASE=timeout
        DROVER_FORCE_ROOT=1 drover multi start "${NODE_ARGS[@]}" "${hang[@]}" --start-timeout=4
        ((RC == 1)) || failed "start with $PREFIX$victim hanging: exit $RC, not 1"
        [[ $LAST == *"$PREFIX$victim@$HOST: FAILED"* ]] || failed "start did not say $PREFIX$victim FAILED"
        for ((i = 1; i <= NODES; i++)); do
            ((i == victim)) && continue
            [[ $LAST == *"$PREFIX$i@$HOST: OK"* ]] || failed "start with $PREFIX$victim hanging: $PREFIX$i not OK"
        done
        gone_within "$victim" || failed "the hung $PREFIX$victim outlived its start timeout"
    else
        PHASE=term
        DROVER_FORCE_ROOT=1 "$DROVER" multi start "${NODE_ARGS[@]}" "${hang[@]}" --start-timeout=0 > "$WORK/bg.out" 2>&1 &
        bg=$!
        # the good nodes come up while the hung one hangs
        for ((i = 0; i < 3000; i++)); do
            (($(grep -c ": OK (pid" "$WORK/bg.out") == NODES - 1)) && [[ -e $PIDDIR/$PREFIX$victim.pid ]] && break
            nap 0.01
        done
        (($(grep -c ": OK (pid" "$WORK/bg.out") == NODES - 1)) || failed "the good nodes were not up while $PREFIX$victim hung"
        HANGING=$victim check_status "a node hanging in its initializer"
        drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
        ((RC == 0)) || failed "stopwait with $PREFIX$victim hanging: exit $RC"
        wait "$bg" || rcs=$?
        { printf '\n$ drover multi start (background, %s hangs)\n' "$PREFIX$victim"; cat "$WORK/bg.out"; printf '[exit %d]\n' "$rcs"; } >> "$OUT"
        ((rcs == 1)) || failed "start of a node that hung until stopwait: exit $rcs, not 1"
        gone_within "$victim" || failed "the hung $PREFIX$victim did not end on TERM"
    fi
    check_status "a node hanging in its initializer ($PHASE)"
    drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
    ((RC == 0)) || failed "stopwait after a hung node ($PHASE): exit $RC"
    check_clean "stopwait after a hung node ($PHASE)"
}

# a port nothing listens on (python3 binds port 0), or nothing
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null; }

# clients that send half a request to a node's health port and hold it open: status still gets
# its answer from the node (health ready), and the node still stops
fault_halfrequest() {
    local victim=$((1 + RANDOM % NODES)) port n i fd
    local -a fds=() health
    port=$(free_port) || { failed "no free port"; return; }
    health=("--health-port:$victim=$port")
    drover multi start "${NODE_ARGS[@]}" "${health[@]}"
    ((RC == 0)) || failed "start with a health port: exit $RC"
    n=$((1 + RANDOM % 40))
    PHASE=$((n > 32 ? 33 : 1))+
    for ((i = 0; i < n; i++)); do
        exec {fd}<> "/dev/tcp/127.0.0.1/$port" || { failed "cannot connect to $port"; break; }
        printf 'GET /ready HTTP/1.1\r\nHost: soak\r\n' >&"$fd"
        fds+=("$fd")
    done
    drover multi status "${NODE_ARGS[@]}" "${health[@]}"
    [[ $LAST == *"$PREFIX$victim@$HOST: running"*", health ready, "* ]] \
        || failed "status with $n half requests on the health port: $(grep -F "$PREFIX$victim@" <<< "$LAST")"
    check_status "half requests on the health port"
    for fd in "${fds[@]}"; do exec {fd}>&-; done
    drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
    ((RC == 0)) || failed "stopwait after half requests: exit $RC"
    check_clean "stopwait after half requests"
}

# a running node's log rotated under `logs -f`, by renaming or by copytruncate, while lines are
# written to it: every line is printed once, in order. copytruncate loses by its nature what is
# written between its copy and its truncation, so the writer waits for the lines to be printed
# before such a rotation; a rename needs no wait (the old file is read to its end). A file
# renamed away before `logs -f` looked at the path (it looks every 200 ms) cannot be found, so
# each file's first line is printed before the rest is written.
printed() { local i; for ((i = 0; i < 1500; i++)); do grep -q -- "$1" "$2" 2>/dev/null && return 0; nap 0.01; done; return 1; }
fault_rotate() {
    local victim=$((1 + RANDOM % NODES)) log f bg r i n=0 k want got kinds=""
    drover multi start "${NODE_ARGS[@]}"
    ((RC == 0)) || failed "start before a rotation: exit $RC"
    log=$LOGDIR/$PREFIX$victim.log
    f=$WORK/follow.out
    : > "$f"
    "$DROVER" multi logs -f -n 0 "${NODE_ARGS[@]}" > "$f" 2>&1 &
    bg=$!
    # it follows once a line written now is printed
    for ((i = 0; i < 300; i++)); do
        printf 'soak-mark %d\n' "$i" >> "$log"
        grep -q 'soak-mark' "$f" && break
        nap 0.1
    done
    grep -q 'soak-mark' "$f" || failed "logs -f printed none of the lines written to $log"
    for ((r = 0; r <= 3; r++)); do
        k=$((50 + RANDOM % 450))
        printf 'soak-line %d\n' $((++n)) >> "$log"
        printed "soak-line $n\$" "$f" || failed "logs -f did not print line $n of $log"
        for ((i = 1; i < k; i++)); do printf 'soak-line %d\n' $((++n)) >> "$log"; done
        ((r == 3)) && break
        if ((RANDOM % 2)); then
            kinds+=r
            mv "$log" "$log.$r"
            : > "$log"
        else
            kinds+=c
            printed "soak-line $n\$" "$f" || failed "logs -f did not print line $n of $log"
            cp "$log" "$log.$r"
            : > "$log"
        fi
    done
    PHASE=$kinds
    printed "soak-line $n\$" "$f" || true
    kill "$bg" 2>/dev/null || true
    { wait "$bg"; } 2>/dev/null || true
    { printf '\n$ drover multi logs -f (background, rotations %s)\n' "$kinds"; cat "$f"; } >> "$OUT"
    want=$(seq 1 "$n")
    got=$(sed -n 's/.*soak-line \([0-9]*\)$/\1/p' "$f")
    [[ $got == "$want" ]] || failed "logs -f across rotations ($kinds): $(wc -l <<< "$got") lines of $n, $(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | grep -c '^[<>]') differing"
    rm -f "$log".[0-9]
    drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
    ((RC == 0)) || failed "stopwait after rotations: exit $RC"
    check_clean "stopwait after rotations"
}

# ---- the cycles ------------------------------------------------------------------------------

LEAKS=0 STALE=0 DISAGREE=0 CLEAN_FAILS=0 ALLOWED_DEAD=""
CLEAN_US=() LOADS=()
printf 'soak.sh: %d cycles of %d nodes, seed %d, drover %s, work directory %s\n' \
    "$CYCLES" "$NODES" "$SEED" "$DROVER_HOME" "$WORK" >&2
START_US=${EPOCHREALTIME/./}
for ((c = 1; c <= CYCLES; c++)); do
    FAIL_REASONS=()
    # the clean round: start (replacing the pidfile of a node the last cycle killed), status,
    # stopwait
    now_us; t0=$NOW_US
    drover multi start "${NODE_ARGS[@]}"
    ((RC == 0)) || failed "clean start: exit $RC"
    if [[ -n $ALLOWED_DEAD && $LAST != *"$PREFIX$ALLOWED_DEAD@$HOST: OK (pid "*"; replaced a stale pidfile"* ]]; then
        failed "clean start: $PREFIX$ALLOWED_DEAD's stale pidfile was not reported replaced"
    fi
    check_status "clean round"
    drover multi stopwait "${NODE_ARGS[@]}" --timeout=60
    ((RC == 0)) || failed "clean stopwait: exit $RC"
    now_us; CLEAN_US+=($((NOW_US - t0)))
    read -r load _ < /proc/loadavg
    LOADS+=("$load")
    check_clean "clean round"
    clean_failures=${#FAIL_REASONS[@]}
    ((clean_failures == 0)) || ((CLEAN_FAILS += 1))

    fault=${FAULTS[$(((c - 1) % ${#FAULTS[@]}))]}
    if [[ $fault == fulllog || $fault == unwritable ]] && ((EUID != 0)); then
        fault=none
    fi
    [[ $fault == hang ]] && ! hang_app && fault=none
    [[ $fault == halfrequest ]] && ! free_port > /dev/null && fault=none
    PHASE="" ALLOWED_DEAD=""
    "fault_$fault"
    check_clean "end of cycle" ${ALLOWED_DEAD:+"$ALLOWED_DEAD"}
    key=$fault${PHASE:+ ($PHASE)}
    INJECTED[$key]=$(( ${INJECTED[$key]:-0} + 1 ))
    if ((${#FAIL_REASONS[@]} == clean_failures)); then
        SURVIVED[$key]=$(( ${SURVIVED[$key]:-0} + 1 ))
    fi
    elapsed=$(( (${EPOCHREALTIME/./} - START_US) / 1000000 ))
    printf '[%4ds] cycle %d/%d (clean round %d ms, load %s): %s: %s\n' "$elapsed" "$c" "$CYCLES" \
        $((CLEAN_US[-1] / 1000)) "$load" "$key" \
        "$( ((${#FAIL_REASONS[@]})) && printf 'FAILED: %s' "$(IFS='|'; echo "${FAIL_REASONS[*]}")" || printf ok)" >&2
done

# ---- the table -------------------------------------------------------------------------------

median_ms() {   # median of the microsecond values given, in ms
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d", m / 1000 }'
}
tenth=$(( CYCLES >= 10 ? CYCLES / 10 : 1 ))
first=$(median_ms "${CLEAN_US[@]:0:tenth}")
last=$(median_ms "${CLEAN_US[@]: -tenth}")
drift=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }')
mean() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.1f", s / NR }'; }
load_first=$(mean "${LOADS[@]:0:tenth}")
load_last=$(mean "${LOADS[@]: -tenth}")
injected=0 survived=0
for k in "${!INJECTED[@]}"; do
    [[ $k == none* ]] && continue
    injected=$((injected + INJECTED[$k]))
    survived=$((survived + ${SURVIVED[$k]:-0}))
done
total_s=$(( (${EPOCHREALTIME/./} - START_US) / 1000000 ))

printf '\n'
printf '| cycles | faults injected | faults survived | leaked processes | stale pidfiles | status disagreements | clean rounds failed | clean round, first tenth (median) | last tenth | drift | load average, first tenth | last tenth |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
printf '| %d | %d | %d | %d | %d | %d | %d | %d ms | %d ms | %s | %s | %s |\n' "$CYCLES" "$injected" "$survived" "$LEAKS" \
    "$STALE" "$DISAGREE" "$CLEAN_FAILS" "$first" "$last" "$drift" "$load_first" "$load_last"
printf '\n| fault | injected | survived |\n| --- | --- | --- |\n'
mapfile -t keys < <(printf '%s\n' "${!INJECTED[@]}" | sort)
for k in "${keys[@]}"; do
    printf '| %s | %d | %d |\n' "$k" "${INJECTED[$k]}" "${SURVIVED[$k]:-0}"
done
printf '\n%d cycles of %d nodes in %d s (seed %d): extra/soak/soak.sh --cycles %d --nodes %d --seed %d\n' \
    "$CYCLES" "$NODES" "$total_s" "$SEED" "$CYCLES" "$NODES" "$SEED"

if ((LEAKS + STALE + DISAGREE + CLEAN_FAILS > 0 || survived < injected)); then
    exit 1
fi
