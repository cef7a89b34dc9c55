# fish completion for drover: asks the bash completion (drover.bash) for its words, so fish, bash
# and zsh offer the same ones: commands, options, their values, and the recorded nodenames of
# your node registry for the subcommands that take nodes. It needs bash (not bash-completion).
#
# Install, for yourself (drover.bash is found next to this file, else in the installation of the
# drover on your PATH):
#   ln -s /opt/drover/extra/completion/drover.fish ~/.config/fish/completions/drover.fish
# or for everyone:
#   ln -s /opt/drover/extra/completion/drover.fish /usr/share/fish/vendor_completions.d/drover.fish
# (/opt/drover is where drover is installed.)

set -l __drover_here (path resolve (status filename) 2>/dev/null; or realpath (status filename))
set -g __drover_bash_script (dirname $__drover_here)/drover.bash
if not test -r $__drover_bash_script; and command -sq drover
    set -g __drover_bash_script (dirname (realpath (command -s drover)))/../extra/completion/drover.bash
end

function __drover_complete
    set -l line (commandline -cp)
    set -l token (commandline -ct)
    # bash completes the text after the last = or : of the word (its COMP_WORDBREAKS, @ left out
    # so a nodename comes whole); fish replaces the whole token: the part before is put back
    set -l before (string match -r -- '^.*[=:]' $token)
    bash --norc --noprofile -c '
        source "$1" || exit
        COMP_WORDBREAKS=$'"'"' \t\n"\x27><=;|&(:'"'"'
        COMP_LINE=$2; COMP_POINT=${#COMP_LINE}
        _drover_complete 2>/dev/null
        printf "%s\n" "${COMPREPLY[@]}"' drover-complete $__drover_bash_script $line 2>/dev/null \
        | string match -rv '^$' | string replace -r -- '^' "$before"
end

complete -c drover -f -a '(__drover_complete)'
