# zsh_capture.zsh COMPLETION_DIR LINE: the matches that zsh's completion system, with the
# functions of COMPLETION_DIR first in fpath, offers for LINE, one a line. An interactive zsh
# in a pseudo-terminal gets LINE and a TAB; a compadd wrapper prints each match it adds. The
# markers are printed as READY$((1+1)), so that the terminal's echo of the command that prints
# them does not match: the line is typed once the shell is ready, and read until its end.
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
zpty -w shell 'bindkey "^I" complete-word; print READY$((1+1))'
zpty -r shell line '*READY2*' || exit 1
zpty -w -n shell "$2"$'\t'
zpty -w shell $'\C-u''print DONE$((1+1))'
out=''
while zpty -r shell line; do
  out+=$line
  [[ $out == *DONE2* ]] && break
done
zpty -d shell
print -r -- "$out" | tr -d '\r' | grep -ao 'MATCH:[^[:cntrl:]]*' | sed 's/^MATCH://' | sort -u
