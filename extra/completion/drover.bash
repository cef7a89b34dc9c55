# bash completion for drover: its commands, multi's subcommands, the options of drover worker
# and drover beat, and for the nodes of drover multi both the worker's options and multi's own
# (naming options, output switches, --timeout, --start-timeout, signals, --all, status's
# --watch, logs' -n and -f). It completes values
# too: log levels after -l/--loglevel (also -l:4,5 and --loglevel=), pools, users after --uid,
# groups after --gid, files and directories where a path goes; and where a subcommand takes
# nodes, the nodenames of the caller's node registry (the names of its NODENAME.node files, and
# the short name of a node on this host), read from the directory: no JVM is started.
#
# Install it, one of:
#   for everyone, where the bash-completion package is installed (Debian, Ubuntu, Fedora):
#     install -m 0644 /opt/drover/extra/completion/drover.bash /usr/share/bash-completion/completions/drover
#   for yourself, with bash-completion:
#     mkdir -p ~/.local/share/bash-completion/completions
#     cp /opt/drover/extra/completion/drover.bash ~/.local/share/bash-completion/completions/drover
#   for yourself, without it: this line in ~/.bashrc
#     . /opt/drover/extra/completion/drover.bash
# (/opt/drover is where drover is installed.) For zsh, see _drover next to this file; for fish,
# drover.fish.
#
# The lists below are drover's own options: CompletionIT keeps them equal to the commands'.

# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)): compgen prints one word a line

_drover_subcommands="start stop stopwait restart supervise kill status show names expand get dryrun forget logs export help"
_drover_daemon_options="-A --app -l --loglevel -f --logfile --pidfile --workdir --umask --classpath
    --jvm-opts --executable --uid --gid --detach --start-timeout --verbose --heap-dump-dir --heap-dump-keep
    --log-format --log-max-size --log-keep --log-rotate"
_drover_worker_options="$_drover_daemon_options -n --hostname -c --concurrency -P --pool -Q --queues
    --health-port --health-timeout --health-address --wait-for --wait-for-timeout --env-file"
_drover_beat_options="$_drover_daemon_options -s --schedule --max-interval --no-catch-up --stop-timeout"
_drover_help_options="-h --help -V --version"
_drover_multi_naming="--range-prefix --prefix --suffix --append --after"
_drover_multi_switches="-q --quiet --verbose --no-color --nosplash --json"
_drover_signals="-TERM -INT -HUP -QUIT -KILL -USR1 -USR2 -9"
_drover_levels="DEBUG INFO WARNING ERROR CRITICAL"
_drover_export_engines="systemd kubernetes supervisord"
_drover_export_options="--out --beat --schedule --image --namespace --max-memory --timeout"

# Completes the value of option $1 (without its :NAMESPACE) from the text $2; fails when $1
# takes no value.
_drover_value() {
    case $1 in
        -l | --loglevel) COMPREPLY=($(compgen -W "$_drover_levels" -- "$2")) ;;
        -P | --pool) COMPREPLY=($(compgen -W "threads solo" -- "$2")) ;;
        --log-format) COMPREPLY=($(compgen -W "text json" -- "$2")) ;;
        --log-rotate) COMPREPLY=($(compgen -W "daily size daily,size" -- "$2")) ;;
        --uid) COMPREPLY=($(compgen -u -- "$2")) ;;
        --gid) COMPREPLY=($(compgen -g -- "$2")) ;;
        --workdir | --out | --heap-dump-dir)
            type compopt >/dev/null 2>&1 && compopt -o filenames
            COMPREPLY=($(compgen -d -- "$2"))
            ;;
        -f | --logfile | --pidfile | -s | --schedule | --executable | --classpath | --env-file)
            type compopt >/dev/null 2>&1 && compopt -o filenames
            COMPREPLY=($(compgen -f -- "$2"))
            ;;
        -A | --app | -n | --hostname | -c | --concurrency | -Q | --queues | --umask | --jvm-opts | \
            --start-timeout | --timeout | --range-prefix | --prefix | --suffix | --max-interval | --stop-timeout | \
            --health-port | --health-timeout | --health-address | --log-max-size | --log-keep | --image | --namespace | --max-memory | --append | --after | \
            --heap-dump-keep | --wait-for | --wait-for-timeout)
            COMPREPLY=()
            ;;
        *) return 1 ;;
    esac
    return 0
}

# The node registry's directory, as drover finds it (docs/cli.md, "The node registry").
_drover_registry() {
    if [ -n "${DROVER_STATE_DIR:-}" ]; then
        printf '%s\n' "$DROVER_STATE_DIR"
    elif [ "${EUID:-$(id -u)}" = 0 ]; then
        printf '%s\n' /var/lib/drover-registry
    else
        printf '%s\n' "${XDG_STATE_HOME:-$HOME/.local/state}/drover"
    fi
}

# The recorded nodenames, one a line: each NODENAME.node file's name, and the short name of a
# node on this host (what "stop NAME" means). A name with a blank or a control character is no
# nodename drover wrote: left out.
_drover_nodenames() {
    local dir file name host
    dir=$(_drover_registry)
    [ -d "$dir" ] && [ -r "$dir" ] && [ -x "$dir" ] || return 0
    host=$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname 2>/dev/null)
    while IFS= read -r file; do
        name=${file##*/}
        name=${name%.node}
        case $name in *[[:space:][:cntrl:]]* | '' | @* | _@*) continue ;; esac
        printf '%s\n' "$name"
        case $name in *@"$host") printf '%s\n' "${name%@*}" ;; esac
    done < <(compgen -G "$dir/*.node" 2>/dev/null)
}

# COMPREPLY as the nodenames that start with $1. bash replaces only the text after the last
# character of COMP_WORDBREAKS in the word (an @ is one by default): the replies are cut to match.
_drover_complete_nodes() {
    local word=$1 cut='' i
    for ((i = ${#word} - 1; i >= 0; i--)); do
        if [[ $COMP_WORDBREAKS == *"${word:$i:1}"* ]]; then
            cut=${word:0:$((i + 1))}
            break
        fi
    done
    COMPREPLY=($(compgen -W "$(_drover_nodenames)" -- "$word"))
    if [ -n "$cut" ]; then
        local cutoff=() reply
        for reply in "${COMPREPLY[@]}"; do
            cutoff+=("${reply#"$cut"}")
        done
        COMPREPLY=("${cutoff[@]}")
    fi
}

_drover_complete() {
    COMPREPLY=()
    # The words before the cursor as typed, split at blanks only: bash's COMP_WORDS also splits
    # at : and =, which would tear -l:4,5 and --loglevel=DEBUG apart.
    local line=${COMP_LINE:0:$COMP_POINT} words word prev n i options sub
    local noglob=
    case $- in *f*) noglob=1 ;; esac
    set -f
    # shellcheck disable=SC2206 # split at blanks on purpose, globbing is off
    words=($line)
    [ -z "$noglob" ] && set +f
    case $line in *[[:space:]] | '') words+=("") ;; esac
    n=${#words[@]}
    word=${words[n - 1]}
    prev=
    if [ "$n" -gt 1 ]; then
        prev=${words[n - 2]}
    fi

    if [ "$n" -le 2 ]; then
        COMPREPLY=($(compgen -W "multi worker beat help $_drover_help_options" -- "$word"))
        return 0
    fi
    if [ "${words[1]}" = help ]; then
        case $n in
            3) COMPREPLY=($(compgen -W "multi worker beat" -- "$word")) ;;
            4) [ "${words[2]}" = multi ] && COMPREPLY=($(compgen -W "$_drover_subcommands" -- "$word")) ;;
        esac
        return 0
    fi
    for ((i = 2; i < n - 1; i++)); do
        if [ "${words[i]}" = "--" ]; then
            return 0 # the rest is for the workers' application
        fi
    done

    case ${words[1]} in
        multi)
            # multi's output switches may come before its subcommand
            i=2
            while [ "$i" -lt $((n - 1)) ] && [[ ${words[i]} == -* ]]; do
                i=$((i + 1))
            done
            if [ "$i" -eq $((n - 1)) ]; then
                if [[ $word == -* ]]; then
                    COMPREPLY=($(compgen -W "$_drover_multi_switches $_drover_help_options" -- "$word"))
                else
                    COMPREPLY=($(compgen -W "$_drover_subcommands" -- "$word"))
                fi
                return 0
            fi
            sub=${words[i]}
            if [ "$sub" = help ]; then
                COMPREPLY=($(compgen -W "$_drover_subcommands" -- "$word"))
                return 0
            fi
            if [ "$sub" = export ] && [ "$i" -eq $((n - 2)) ]; then
                COMPREPLY=($(compgen -W "$_drover_export_engines" -- "$word"))
                return 0
            fi
            options="$_drover_worker_options $_drover_multi_naming $_drover_multi_switches -h --help"
            case $sub in export) options="$options $_drover_export_options" ;; esac
            case $sub in stopwait | restart) options="$options --timeout" ;; esac
            case $sub in stopwait) options="$options --kill-after-timeout" ;; esac
            case $sub in stop | stopwait | restart) options="$options $_drover_signals" ;; esac
            case $sub in status | stop | stopwait | kill | restart | forget | logs) options="$options --all" ;; esac
            case $sub in
                status) options="$options --watch" ;;
                restart) options="$options --start-new" ;;
                logs) options="--all -n --lines -f --follow --logfile --range-prefix --prefix --suffix --hostname $_drover_multi_switches -h --help" ;;
            esac
            ;;
        worker) options="$_drover_worker_options $_drover_help_options" ;;
        beat) options="$_drover_beat_options $_drover_help_options" ;;
        *) return 0 ;;
    esac

    # --name=VALUE, --name:NS=VALUE: the value (bash completes the text after the =)
    if [[ $word == --*=* ]]; then
        local name=${word%%=*}
        _drover_value "${name%%:*}" "${word#*=}"
        return 0
    fi
    # the value of the option before: -l DEBUG, -l:4,5 DEBUG, --uid nobody
    if [[ $prev == -* ]] && _drover_value "${prev%%:*}" "$word"; then
        return 0
    fi
    if [[ $word == -* && $word != *:* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$word"))
    elif [[ $word != -* && ${words[1]} == multi && $sub != expand ]]; then
        _drover_complete_nodes "$word"
    fi
    return 0
}

complete -F _drover_complete drover
