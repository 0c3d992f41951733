#!/usr/bin/env bash
# slurm-up.sh - a one-node Slurm on localhost for skiff's Slurm tests: munged, slurmctld and
# slurmd with skiff's SPANK plugin in plugstack.conf. Run as root (scripts/test-all.sh does).
#
#   sudo tests/e2e/slurm/slurm-up.sh PLUGIN.so SKIFF_BINARY [GPU_DEVICES]
#   sudo tests/e2e/slurm/slurm-down.sh
#
# GPU_DEVICES: a directory with stand-in device files nvidia0 and nvidia1 (scripts/test-all.sh
# makes them); the node then has two GPUs as Slurm GRES (Name=gpu File=GPU_DEVICES/nvidia[0-1]).
# Idempotent: with the same configuration and the daemons up it only checks them. It owns
# /etc/slurm/slurm.conf, /etc/slurm/gres.conf, /etc/slurm/plugstack.conf, /run/skiff-slurm,
# /var/spool/skiff-slurm and /var/log/skiff-slurm; daemons listen on 127.0.0.1 (6817, 6818).
# The packages are installed by scripts/install-deps.sh.
set -euo pipefail
die() { echo "slurm-up: ERROR: $*" >&2; exit 1; }
log() { echo "slurm-up: $*" >&2; }
[ "$(id -u)" = 0 ] || die "run as root"
[ $# = 2 ] || [ $# = 3 ] || die "usage: $0 PLUGIN.so SKIFF_BINARY [GPU_DEVICES]"
PLUGIN=$(realpath -e "$1") || die "no plugin $1"
SKIFF=$(realpath -e "$2") || die "no skiff binary $2"
GPUS=''
if [ $# = 3 ]; then
  GPUS=$(realpath -e "$3") || die "no GPU device directory $3"
  for n in 0 1; do [ -c "$GPUS/nvidia$n" ] || die "$GPUS/nvidia$n is not a character device"; done
fi
for b in munged slurmctld slurmd srun sinfo scontrol; do
  command -v "$b" >/dev/null || die "$b missing: run scripts/install-deps.sh"
done

RUN=/run/skiff-slurm SPOOL=/var/spool/skiff-slurm LOGS=/var/log/skiff-slurm
NODE=$(hostname -s)
mkdir -p /etc/slurm "$RUN" "$SPOOL/ctld" "$SPOOL/d" "$LOGS"

# proctrack/linuxproc and task/none: containers in CI have no delegated cgroups.
# Slurm numbers a GPU by the digits ending its file name: nvidia1 is SLURM_STEP_GPUS=1.
node_gres='' gres=''
if [ -n "$GPUS" ]; then
  node_gres=' Gres=gpu:2'
  gres=$(printf '# written by skiff tests/e2e/slurm/slurm-up.sh\nAutoDetect=off\nName=gpu File=%s/nvidia[0-1]' "$GPUS")
fi
config=$(cat <<CONF
# written by skiff tests/e2e/slurm/slurm-up.sh
ClusterName=skiff-test
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdParameters=config_overrides
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
StateSaveLocation=$SPOOL/ctld
SlurmdSpoolDir=$SPOOL/d
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
PlugStackConfig=/etc/slurm/plugstack.conf
GresTypes=gpu
InactiveLimit=0
KillWait=5
MinJobAge=30
NodeName=$NODE NodeAddr=127.0.0.1 NodeHostname=$NODE CPUs=$(nproc) RealMemory=1024$node_gres State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:16
CONF
)
plugstack="required $PLUGIN skiff=$SKIFF"
changed=0
if [ "$(cat /etc/slurm/slurm.conf 2>/dev/null)" != "$config" ]; then echo "$config" >/etc/slurm/slurm.conf; changed=1; fi
if [ "$(cat /etc/slurm/gres.conf 2>/dev/null)" != "$gres" ]; then
  if [ -n "$gres" ]; then echo "$gres" >/etc/slurm/gres.conf; else rm -f /etc/slurm/gres.conf; fi
  changed=1
fi
# slurmstepd reads plugstack.conf at each step: no restart needed when only it changes.
echo "$plugstack" >/etc/slurm/plugstack.conf
chmod 644 /etc/slurm/slurm.conf /etc/slurm/plugstack.conf
[ -z "$gres" ] || chmod 644 /etc/slurm/gres.conf

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
fi
if ! alive /run/munge/munged.pid; then
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  rm -f /run/munge/munge.socket.2*
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid || die "munged failed"
  cp /run/munge/munged.pid "$RUN/munged.pid"
fi
for _ in $(seq 50); do munge -n | unmunge >/dev/null 2>&1 && break; sleep 0.2; done
munge -n | unmunge >/dev/null 2>&1 || die "munge does not work"

if [ $changed = 1 ]; then
  for d in slurmd slurmctld; do alive "$RUN/$d.pid" && kill "$(cat "$RUN/$d.pid")" && sleep 1; done
fi
alive "$RUN/slurmctld.pid" || /usr/sbin/slurmctld -i || { tail -20 "$LOGS/slurmctld.log" >&2; die "slurmctld failed"; }
for _ in $(seq 100); do scontrol ping >/dev/null 2>&1 && break; sleep 0.2; done
alive "$RUN/slurmd.pid" || /usr/sbin/slurmd || { tail -20 "$LOGS/slurmd.log" >&2; die "slurmd failed"; }
for _ in $(seq 100); do
  case $(sinfo -h -n "$NODE" -o %T 2>/dev/null) in idle*|mixed*|alloc*) break ;; down*|drain*) scontrol update nodename="$NODE" state=resume 2>/dev/null || true ;; esac
  sleep 0.2
done
state=$(sinfo -h -n "$NODE" -o %T)
case $state in idle*|mixed*|alloc*) ;; *) tail -20 "$LOGS/slurmd.log" >&2; die "node $NODE is '$state'" ;; esac
log "Slurm up on $NODE ($(nproc) CPUs${GPUS:+, GPUs $GPUS/nvidia[0-1]}); plugstack: $plugstack"
