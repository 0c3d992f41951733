#!/bin/bash
# The NVIDIA hook on a real GPU (issue 17), for a machine that has one; CI has none.
#   tests/gpu/real-gpu.sh SKIFF IMAGES_DIR
# SKIFF: the (static) skiff binary; IMAGES_DIR: debian.sqsh and musl.sqsh of
# tests/fixtures/build-images.sh. gpu-smoke is built here with cc unless tests/gpu/gpu-smoke
# exists (build it on Debian 12, whose glibc is the image's). Prints each check and its output;
# exits non-zero if one fails. Run it as an unprivileged user.
set -u
SKIFF=${1:?usage: real-gpu.sh SKIFF IMAGES_DIR}
IMAGES=${2:?usage: real-gpu.sh SKIFF IMAGES_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)
SMOKE=$HERE/gpu-smoke
failures=0

step() { printf '\n== %s\n' "$*"; }
check() {  # check NAME COMMAND...: runs it, shows its output and status
  local name=$1 status
  shift
  step "$name: $*"
  "$@" 2>&1
  status=$?
  echo "-- exit $status"
  [ "$status" -eq 0 ] || failures=$((failures + 1))
}

step "host"
head -n 1 /proc/driver/nvidia/version 2>&1
ls /proc/driver/nvidia/gpus 2>&1
"$SKIFF" --version 2>&1 | head -n 1
if [ ! -x "$SMOKE" ]; then
  cc -O2 -Wall -o "$SMOKE" "$HERE/gpu_smoke.c" -ldl || { echo "cannot build gpu-smoke"; exit 2; }
fi

run() { "$SKIFF" run --image "$IMAGES/$1" "${@:2}"; }
check "plan" run debian.sqsh --dry-run --device nvidia.com/gpu=all -- true
check "nvidia-smi" run debian.sqsh --device nvidia.com/gpu=all -- nvidia-smi -L
check "driver API, all GPUs" run debian.sqsh --device nvidia.com/gpu=all \
  --mount "$SMOKE:/usr/local/bin/gpu-smoke:ro" -- gpu-smoke
check "driver API, GPU 0 only" run debian.sqsh --env NVIDIA_VISIBLE_DEVICES=0 \
  --mount "$SMOKE:/usr/local/bin/gpu-smoke:ro" -- sh -c 'ls /dev | grep nvidia; gpu-smoke'
check "driver API through MPS, all GPUs (the control log shows the client)" run debian.sqsh \
  --device nvidia.com/gpu=all --annotation com.hooks.nvidia_cuda_mps.enabled=true \
  --mount "$SMOKE:/usr/local/bin/gpu-smoke:ro" -- sh -c 'gpu-smoke && cat "$CUDA_MPS_LOG_DIRECTORY/control.log"'
sleep 3  # the supervisor's grace, then its kill of what the daemon left
check "nothing of MPS outlives the container" sh -c '! pgrep -a -u "$(id -u)" -f nvidia-cuda-mps'
check "musl image, the job's default: one warning, and it starts" \
  env NVIDIA_VISIBLE_DEVICES=all "$SKIFF" run --image "$IMAGES/musl.sqsh" -- sh -c 'ls /dev | grep -c nvidia; true'
echo
echo "real-gpu.sh: $failures check(s) failed"
[ "$failures" -eq 0 ]
