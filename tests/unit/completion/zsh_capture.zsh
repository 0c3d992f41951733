# zsh_capture.zsh COMPLETION_DIR LINE: the matches that zsh's completion system, with the
# functions of COMPLETION_DIR first in fpath, offers for LINE, one a line. An interactive zsh
# in a pseudo-terminal gets LINE and a TAB; a compadd wrapper prints each match it adds, and
# the TAB's widget a marker when the completion is over. Nothing is typed while it runs (with
# keys waiting, matches went missing in CI's environment). Markers are printed as
# READY$((1+1)), so that the terminal's echo of the command that prints them does not match.
zmodload zsh/zpty || exit 1
zpty shell zsh -f -i
zpty -w shell "PS1='' RPROMPT=''; fpath=(${(q)1} \$fpath); autoload -U compinit && compinit -u -D"
zpty -w shell 'compadd() {
  (( ${@[(I)-(O|A|D)*]} )) && { builtin compadd "$@"; return; }
  local -a matches
  builtin compadd -A matches "$@"
  (( $#matches )) && print -rl -- "${(@)^matches/#/MATCH:}"
  builtin compadd "$@"
}'
zpty -w shell 'capture-complete() { zle complete-word; print -r -- "OVER$((1+1))" }; zle -N capture-complete'
zpty -w shell 'bindkey "^I" capture-complete; print READY$((1+1))'
zpty -r shell line '*READY2*' || exit 1
zpty -w -n shell "$2"$'\t'
zpty -r shell out '*OVER2*' || exit 1
zpty -d shell
print -r -- "$out" | tr -d '\r' | grep -ao 'MATCH:[^[:cntrl:]]*' | sed 's/^MATCH://' | sort -u
