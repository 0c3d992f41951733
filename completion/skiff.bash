# bash completion for skiff(1), with bash-completion's helpers. It completes commands and
# options; EDF names for -e (skiff-edf(5): NAME for each DIR/NAME.toml, DIR from EDF_PATH, else
# ~/.edf); the image store's references for --image and `image rm|stop` (the REFERENCE column
# of `skiff image ls`); the built-in hooks' annotations for --annotation; paths elsewhere.

_skiff_commands='run edf ldcache image doctor --help --version'
_skiff_run_options='-e --environment --image -m --mount --device --env --annotation -w --workdir
  --writable --read-only --overlay --force --root --entrypoint --no-entrypoint --save --save-always --cold --dry-run -v --verbose -h --help --'
# The settings of the built-in hooks (hooks/hook_table.cpp; README.md's hook sections).
_skiff_annotations='com.hooks.slurm.enabled= com.hooks.cxi.enabled= com.hooks.aws_ofi_nccl.enabled=
  com.hooks.aws_ofi_nccl.variant= com.hooks.nvidia.enabled= com.hooks.nvidia_cuda_mps.enabled=
  com.hooks.ssh.enabled= com.hooks.ssh.authorize_ssh_key= com.hooks.ssh.port='

# The EDF names of the search path: absolute entries of EDF_PATH (empty: ~/.edf).
_skiff_edf_names() {
  local dirs dir file
  IFS=: read -r -a dirs <<< "${EDF_PATH:-$HOME/.edf}"
  for dir in "${dirs[@]}"; do
    [[ $dir == /* ]] || continue
    for file in "$dir"/*.toml; do
      [[ -f $file ]] || continue
      file=${file##*/}
      printf '%s\n' "${file%.toml}"
    done
  done
}

# The references of the store's images ("-" is a file without one).
_skiff_store_images() {
  "$1" image ls 2>/dev/null | awk 'NR > 1 && $1 != "-" { print $1 }'
}

# A host path as skiff wants it: a relative one starts with ./ (a bare name is an image
# reference or an error).
_skiff_host_path() {
  local word=$cur
  [[ $cur == [/.~]* ]] || cur=./$cur
  _filedir
  cur=$word
}

_skiff_words() { mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W "$1" -- "$cur"); }
# No space after a completion that ends in "=" (compopt fails outside a completion; no matter).
_skiff_nospace() { compopt -o nospace 2>/dev/null; return 0; }

# -e/--environment and edf show|check: names, .toml files here, or any path with a /.
_skiff_environment() {
  if [[ $cur == */* ]]; then
    _filedir toml
  else
    _skiff_words "$(_skiff_edf_names)"
    mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -X '!*.toml' -- "$cur")
  fi
}

# --image and image stop: a store reference, or a path to a squashfs file or a directory.
_skiff_image() {
  if [[ $cur == [/.~]* ]]; then
    _filedir '@(sqsh|squashfs)'
  else
    _skiff_words "$(_skiff_store_images "$1")"
  fi
}

# The value of run's option $prev, or return 1 if $prev takes none.
_skiff_run_value() {
  case $prev in
    -e | --environment) _skiff_environment ;;
    --image) _skiff_image "$1" ;;
    -m | --mount) [[ $cur == *:* ]] || _skiff_host_path ;;
    --device) if [[ $cur == /* ]]; then _filedir; else _skiff_words 'nvidia.com/gpu=all /dev/'; fi ;;
    --env) mapfile -t COMPREPLY < <(compgen -e -S = -- "$cur") && _skiff_nospace ;;
    --annotation) _skiff_words "$_skiff_annotations" && _skiff_nospace ;;
    -w | --workdir) ;;  # a path in the container
    --overlay) _filedir -d ;;
    *) return 1 ;;
  esac
}

# skiff run: options until the command; then the command and its arguments.
_skiff_run() {
  local i=2
  while ((i < cword)); do
    case ${words[i]} in
      --) ((i++)) && break ;;
      -e | --environment | --image | -m | --mount | --device | --env | --annotation | -w | --workdir | --overlay) ((i += 2)) ;;
      -*) ((i++)) ;;
      *) break ;;
    esac
  done
  if ((i < cword)); then
    _filedir                      # an argument of the command
  elif ((i > cword)) || [[ $prev == -* ]] && _skiff_run_value "${words[0]}"; then
    :                             # an option's value
  elif [[ $cur == -* ]]; then
    _skiff_words "$_skiff_run_options"
  else
    mapfile -t COMPREPLY < <(compgen -c -- "$cur")  # the command
  fi
}

_skiff_ldcache() {
  case ${words[2]},$prev in
    *,--root | *,--inject) _filedir -d ;;
    *,--image) _filedir ;;
    *,-o | *,--output | *,--probe-memo) _filedir ;;
    *,--add-dir) ;;  # a directory inside the root
    build,*) _skiff_words '--root --image --add-dir --inject -o --output --probe-memo --timing' ;;
    print,*) _skiff_words '--root' && _filedir ;;
  esac
}

_skiff_image_command() {
  case ${words[2]},$prev in
    import,-o) _filedir '@(sqsh|squashfs)' ;;
    import,*) if [[ $cur == -* ]]; then _skiff_words '-o --gzip'; else _filedir; fi ;;
    rm,rm) _skiff_words "$(_skiff_store_images "${words[0]}")" ;;
    resolve,-e | resolve,--environment) _skiff_environment ;;
    resolve,resolve) if [[ $cur == -* ]]; then _skiff_words '-e --environment'; else _skiff_words "$(_skiff_store_images "${words[0]}")"; fi ;;
    stop,*) if [[ $cur == -* ]]; then _skiff_words '--force'; else _skiff_image "${words[0]}"; fi ;;
  esac
}

_skiff() {
  # shellcheck disable=SC2034  # split: set by _init_completion -s
  local cur prev words cword split
  _init_completion -s -n : || return
  if ((cword == 1)); then
    _skiff_words "$_skiff_commands"
    return
  fi
  case ${words[1]} in
    run) _skiff_run ;;
    edf)
      if ((cword == 2)); then _skiff_words 'show check'
      elif [[ ${words[2]} == show && $cur == -* ]]; then _skiff_words '--json'
      else _skiff_environment; fi ;;
    ldcache) if ((cword == 2)); then _skiff_words 'build print'; else _skiff_ldcache; fi ;;
    image)
      if ((cword == 2)); then _skiff_words 'pull import ls rm resolve servers stop'; else _skiff_image_command; fi ;;
    doctor) _skiff_words '--json' ;;
  esac
  __ltrim_colon_completions "$cur"
}
complete -F _skiff skiff
