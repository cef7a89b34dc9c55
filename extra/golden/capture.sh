#!/usr/bin/env bash
# capture.sh: runs a fixed scenario of drover multi commands (show, start, status, stop,
# stopwait, restart, kill, forget) and writes what each printed, normalised, so that two
# drovers' outputs can be compared byte for byte (issue 26: "output byte-identical to before").
#
# Usage: extra/golden/capture.sh [LAUNCHER [OUT]]
#   LAUNCHER  the drover to run (default target/drover/bin/drover)
#   OUT       the directory to write, which must not exist or be empty (default golden-out)
#
# OUT gets one directory per command, NN-what/, with `command` (its arguments), `stdout`,
# `stderr` and `exit`. The scenario runs in a fresh temporary directory with its own
# DROVER_STATE_DIR and node names (golden1.., goldenh1), from inside that directory, with
# drover's own environment switches unset. Every node it starts is killed on exit, also when
# it fails or is interrupted.
#
# Normalised, because they change from run to run or from machine to machine (and nothing
# else is touched):
#   the temporary directory -> <DIR>          the drover installation -> <HOME>
#   the java binary nodes run -> <JAVA>        drover's version -> <VERSION>
#   this host's name after `@` -> <HOST>       the health port -> <PORT>
#   pids (`pid N`, `TERM -> N`, "pid":N) -> <PID>
#   uptime, RSS and CPU figures -> <N>
#   `> Still waiting after N s for ...`, printed only when a stop takes over a second: left out
#   the class-data archive options (Java 17's -XX:SharedArchiveFile=.. -Xlog:cds=off
#   -Xlog:cds+dynamic=off, or Java 25's -XX:AOTCache=.. -Xlog:aot=off -Xlog:cds=off) -> <ARCHIVE>
#   the order of a run of per-node lines (`\t> NODE: ...` on stdout, `drover: NODE: ...` on
#   stderr): sorted by node, each node's own lines kept in their order, as nodes start and
#   stop in parallel and report in the order they finish.
#
# How a node last exited (`last exit status 0`) depends on whether drover saw its zombie, so
# the scenario runs as a child subreaper (prctl PR_SET_CHILD_SUBREAPER, through perl) that
# never reaps an orphan: every node that ends stays a zombie until the scenario is over,
# wherever it runs (a PID 1 that reaps, or one that does not, as on the machines of issue 26).
#
# Exit status: 0 when the scenario ran (whatever the commands themselves exited), 1 when it
# could not (a node left running, a wait that timed out), 2 on bad usage.
set -euo pipefail
export LC_ALL=C

die() { printf 'capture.sh: %s\n' "$*" >&2; exit "${DIE_CODE:-1}"; }

# ---- the subreaper: re-run this script under perl, which waits only for it ------------------

if [[ -z ${GOLDEN_SUBREAPER:-} ]]; then
    case $(uname -m) in
        x86_64) prctl=157 ;;
        aarch64) prctl=167 ;;
        *) prctl= ;;
    esac
    if [[ -n $prctl ]]; then
        # PR_SET_CHILD_SUBREAPER is 36; waitpid for the script's pid only, never -1
        # shellcheck disable=SC2016 # perl's own variables
        exec env GOLDEN_SUBREAPER=1 perl -e '
            syscall($ARGV[0], 36, 1, 0, 0, 0) == 0 or die "capture.sh: prctl: $!\n";
            shift @ARGV;
            my $pid = fork() // die "capture.sh: fork: $!\n";
            if ($pid == 0) { exec @ARGV or die "capture.sh: exec: $!\n"; }
            $SIG{$_} = sub { kill "TERM", $pid } for qw(TERM INT HUP);
            while (waitpid($pid, 0) != $pid) {}
            exit($? & 127 ? 128 + ($? & 127) : $? >> 8);
        ' "$prctl" bash "${BASH_SOURCE[0]}" "$@"
    fi
    printf 'capture.sh: warning: no subreaper on %s: "last exit" may differ from run to run\n' "$(uname -m)" >&2
fi

LAUNCHER=${1:-target/drover/bin/drover}
OUT=${2:-golden-out}
(($# <= 2)) || DIE_CODE=2 die "usage: capture.sh [LAUNCHER [OUT]]"
[[ -x $LAUNCHER ]] || DIE_CODE=2 die "$LAUNCHER is not an executable drover launcher"
if [[ -e $OUT ]]; then
    [[ -d $OUT && -z $(ls -A "$OUT") ]] || DIE_CODE=2 die "$OUT exists and is not an empty directory"
fi
mkdir -p "$OUT"
OUT=$(cd -P "$OUT" && pwd -P)
LAUNCHER=$(readlink -f "$LAUNCHER")
HOME_DIR=$(cd -P "$(dirname "$LAUNCHER")/.." && pwd -P)

unset DROVER_FORCE_ROOT DROVER_FAKEFORK DROVER_HANDSHAKE_FD DROVER_JAVA_OPTS DROVER_NAMESPACE NOTIFY_SOCKET
# drover -V: "drover VERSION", then "Java RELEASE (JAVA_HOME)"
mapfile -t about < <("$LAUNCHER" -V)
VERSION=${about[0]#drover }
JAVA=${about[1]#*(}
JAVA=${JAVA%)}/bin/java
HOST=$(cat /proc/sys/kernel/hostname)

DIR=$(mktemp -d "${TMPDIR:-/tmp}/drover-golden.XXXXXX")
DIR=$(cd -P "$DIR" && pwd -P)
chmod 0755 "$DIR"
export DROVER_STATE_DIR=$DIR/state
cd "$DIR"
OTHER=

# Whether a process is gone: a zombie counts as gone (nothing here reaps the nodes).
gone() {
    local rest
    read -r _ rest 2>/dev/null < "/proc/$1/stat" || return 0
    rest=${rest##*) }
    [[ ${rest:0:1} == Z ]]
}

# Live processes whose command line names DIR (the nodes, and drover commands), never this shell.
mine() {
    local c p joined
    local -a argv
    for c in /proc/[0-9]*/cmdline; do
        p=${c#/proc/}
        p=${p%/cmdline}
        mapfile -d '' -t argv 2>/dev/null < "$c" || continue
        printf -v joined '%s ' "${argv[@]}"
        if [[ $joined == *"$DIR/"* && $p != "$$" && $p != "$BASHPID" ]] && ! gone "$p"; then
            printf '%s\n' "$p"
        fi
    done
    return 0
}

# Waits (at most 60 s) until process $1 is gone.
await_gone() {
    local deadline=$((SECONDS + 60))
    until gone "$1"; do
        ((SECONDS < deadline)) || die "pid $1 still running 60 s after $2"
        sleep 0.05
    done
}

# Waits (at most 60 s) until no node of the scenario runs: `stop` only sends the signal.
await_quiet() {
    local deadline=$((SECONDS + 60))
    while [[ -n $(mine) ]]; do
        ((SECONDS < deadline)) || die "still running 60 s after $1: $(mine | tr '\n' ' ')"
        sleep 0.05
    done
}

cleanup() {
    local rc=$?
    local -a pids
    trap - EXIT INT TERM HUP
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        mapfile -t pids < <(mine)
        if [[ -n $OTHER ]]; then
            kill -KILL "$OTHER" 2>/dev/null || true
            OTHER=
        fi
        ((${#pids[@]})) || break
        kill -KILL "${pids[@]}" 2>/dev/null || true
        sleep 0.2
    done
    cd /
    rm -rf "$DIR"
    ((${#pids[@]} == 0)) || { printf 'capture.sh: left running: %s\n' "${pids[*]}" >&2; rc=1; }
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# A free port on loopback for the node with --health-port: one nothing answers on.
PORT=
for ((candidate = 20000 + $$ % 20000; candidate < 45000; candidate += 7)); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
        PORT=$candidate
        break
    fi
done
[[ -n $PORT ]] || die "no free port for --health-port"

normalise() {
    DIR=$DIR HOME_DIR=$HOME_DIR JAVA=$JAVA VERSION=$VERSION HOST=$HOST PORT=$PORT perl -e '
        my @lines = <STDIN>;
        for (@lines) {
            s/\Q$ENV{DIR}\E/<DIR>/g;
            s/\Q$ENV{JAVA}\E/<JAVA>/g;
            s/\Q$ENV{HOME_DIR}\E/<HOME>/g;
            s/\Q$ENV{VERSION}\E/<VERSION>/g;
            s/(?<=@)\Q$ENV{HOST}\E(?![A-Za-z0-9.-])/<HOST>/g;
            s/-XX:SharedArchiveFile=\S+ -Xlog:cds=off -Xlog:cds\+dynamic=off/<ARCHIVE>/g;
            s/-XX:AOTCache=\S+ -Xlog:aot=off -Xlog:cds=off/<ARCHIVE>/g;
            s/"-XX:SharedArchiveFile=[^"]*","-Xlog:cds=off","-Xlog:cds\+dynamic=off"/"<ARCHIVE>"/g;
            s/"-XX:AOTCache=[^"]*","-Xlog:aot=off","-Xlog:cds=off"/"<ARCHIVE>"/g;
            s/\bpid \d+/pid <PID>/g;
            s/ -> \d+/ -> <PID>/g;
            s/"pid":\d+/"pid":<PID>/g;
            s/\bup [0-9dhms]+/up <N>/g;
            s/\brss [0-9.]+[KMG]/rss <N>/g;
            s/\bcpu [0-9.]+%/cpu <N>/g;
            s/"uptime_seconds":\d+/"uptime_seconds":<N>/g;
            s/"rss_bytes":\d+/"rss_bytes":<N>/g;
            s/"cpu_percent":[0-9.eE+-]+/"cpu_percent":<N>/g;
            s/(?<![0-9])\Q$ENV{PORT}\E(?![0-9])/<PORT>/g;
        }
        # a run of per-node lines, sorted by node (stably: a node keeps its own order)
        my @out;
        my @run;
        my $flush = sub {
            push @out, map { $_->[2] } sort { $a->[0] cmp $b->[0] || $a->[1] <=> $b->[1] } @run;
            @run = ();
        };
        for my $line (@lines) {
            # a progress line only a slow stop prints
            next if $line =~ /^> Still waiting after \d+ s for /;
            if ($line =~ /^(?:\t> |drover: )([^\s:]+@[^\s:]*):/) {
                push @run, [$1, scalar @run, $line];
            } else {
                $flush->();
                push @out, $line;
            }
        }
        $flush->();
        print @out;
    '
}

STEP=0
# run NAME [VAR=VALUE...] -- ARGS...: `drover ARGS...`, its output normalised into OUT/NN-NAME/
run() {
    local name=$1 rc
    shift
    local -a env=()
    while [[ $1 != -- ]]; do
        env+=("$1")
        shift
    done
    shift
    STEP=$((STEP + 1))
    local step
    printf -v step '%s/%02d-%s' "$OUT" "$STEP" "$name"
    mkdir "$step"
    local shown
    printf -v shown ' %q' "${env[@]}" drover "$@"
    printf '%s\n' "${shown# }" | normalise > "$step/command"
    rc=0
    env "${env[@]}" "$LAUNCHER" "$@" > "$step/stdout.raw" 2> "$step/stderr.raw" < /dev/null || rc=$?
    normalise < "$step/stdout.raw" > "$step/stdout"
    normalise < "$step/stderr.raw" > "$step/stderr"
    rm "$step/stdout.raw" "$step/stderr.raw"
    printf '%s\n' "$rc" > "$step/exit"
}

# the pid in a node's pidfile
pid_of() { read -r pid < "$DIR/$1.pid" && printf '%s\n' "$pid"; }

FILES=(--pidfile="$DIR/%n.pid" --logfile="$DIR/%n%I.log")
G=(--range-prefix=golden "${FILES[@]}")

# ---- show: touches nothing ------------------------------------------------------------------
run show -- multi show 2 -c 3 -Q a,b "${G[@]}"
run show-namespaced -- multi show 3 -c 3 -Q a,b -c:2 5 -l:1,3 DEBUG --append:3=--fast "${G[@]}" -- --extra 'x y'
run show-json -- multi show 3 -c 3 -Q a,b -c:2 5 -l:1,3 DEBUG "${G[@]}" --json -- --extra 'x y'

# ---- start, status, stop --------------------------------------------------------------------
run start -- multi start 2 -c 3 -Q a,b "${G[@]}"
run start-again -- multi start 2 "${G[@]}"
run status -- multi status 2 "${G[@]}"
run status-json -- multi status 2 "${G[@]}" --json
run status-all -- multi status --all
run forget-running -- multi forget 2 "${G[@]}"
run stop -- multi stop 2 "${G[@]}"
await_quiet stop
run status-stopped -- multi status 2 "${G[@]}"
run start-recorded -- multi start 2 "${G[@]}"
run stopwait -- multi stopwait 2 "${G[@]}"
run status-stopped-json -- multi status 2 "${G[@]}" --json

# ---- restart --------------------------------------------------------------------------------
run restart-stopped -- multi restart 2 "${G[@]}"
run restart-running -- multi restart 2 "${G[@]}"
run restart-options -- multi restart 2 -c 2 -Q a,b "${G[@]}" -- --extra 'x y'
run restart-dropping -- multi restart 2 -c 2 "${G[@]}"
run restart-rolling -- multi restart 2 --rolling --batch=1 "${G[@]}"
run restart-json -- multi restart 2 "${G[@]}" --json

# ---- stale pidfiles: a node killed behind drover's back, a pidfile naming another process ----
victim=$(pid_of golden1)
kill -KILL "$victim"
await_gone "$victim" "kill -9"
sleep 600 > /dev/null 2>&1 &
OTHER=$!
disown "$OTHER" # no "Killed" from the shell when it goes
printf '%s\n' "$OTHER" > "$DIR/golden3.pid"
run status-stale -- multi status 3 "${G[@]}"
run status-stale-json -- multi status 3 "${G[@]}" --json
run stop-stale -- multi stop 3 "${G[@]}"
await_quiet "stop 3"
run stop-stale-json -- multi stop 3 "${G[@]}" --json
run start-over-stale -- multi start 3 "${G[@]}"
kill -KILL "$OTHER"
OTHER=

# ---- quiet and json -------------------------------------------------------------------------
run stop-quiet -- multi stop 3 "${G[@]}" --quiet
await_quiet "stop 3 --quiet"
run start-quiet -- multi start 3 "${G[@]}" --quiet
run stop-json -- multi stop 3 "${G[@]}" --json
await_quiet "stop 3 --json"
run start-json -- multi start 2 "${G[@]}" --json
run stopwait-json -- multi stopwait 2 "${G[@]}" --json
run restart-quiet -- multi restart 3 "${G[@]}" --quiet
run stopwait-quiet -- multi stopwait 3 "${G[@]}" -q

# ---- kill, status --all, forget -------------------------------------------------------------
run start-some -- multi start 1 "${G[@]}" --quiet
run kill -- multi kill 3 "${G[@]}"
run status-all-stopped -- multi status --all
run status-all-stopped-json -- multi status --all --json
run forget -- multi forget 2 "${G[@]}"
run forget-again -- multi forget 2 "${G[@]}"
run forget-all -- multi forget --all
run status-all-empty -- multi status --all

# ---- a start that fails: no such application class ------------------------------------------
run start-failing DROVER_FORCE_ROOT=1 -- multi start 2 -A no.such.App "${G[@]}"
run start-failing-json DROVER_FORCE_ROOT=1 -- multi start 2 -A no.such.App "${G[@]}" --json
run start-failing-quiet DROVER_FORCE_ROOT=1 -- multi start 2 -A no.such.App "${G[@]}" --quiet
run status-after-failing -- multi status 2 "${G[@]}"

# ---- health: status asks a node that serves --health-port -----------------------------------
H=(--range-prefix=goldenh "${FILES[@]}")
run health-start -- multi start 1 --health-port="$PORT" "${H[@]}"
run health-status -- multi status 1 "${H[@]}"
run health-status-json -- multi status 1 "${H[@]}" --json
run health-stopwait -- multi stopwait 1 "${H[@]}"

[[ -z $(mine) ]] || die "nodes left running at the end: $(mine | tr '\n' ' ')"
