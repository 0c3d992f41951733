#!/usr/bin/env bash
# cluster-up.sh - a Slurm cluster of N nodes on one machine for skiff's multi-node tests. Run as
# root (scripts/test-all.sh does); stop it with cluster-down.sh, which leaves nothing behind.
#
#   sudo tests/e2e/cluster/cluster-up.sh PLUGIN.so SKIFF_BINARY [N]     # N nodes, default 4
#   SLURM_CONF=/var/lib/skiff-cluster/etc/slurm.conf srun -N4 hostname  # n1 n2 n3 n4
#
# Node nI (hostname nI, address NET.1I) is a network, UTS and mount namespace with its own
# slurmd, spool, /run, /tmp (tmpfs) and /etc/hosts. The rest of the file system is the host's, as
# a cluster's shared file systems are: users' homes (/home) and the image stores in them,
# /var/tmp, the plugin and skiff. So PLUGIN, SKIFF and the images must not lie under /tmp.
# The nodes' veths hang on a bridge in a namespace of their own (skiff-sw); the host reaches
# them through one more veth (skiff-cl0, NET.1), where the one slurmctld listens.
#
# Beside the single-node Slurm of tests/e2e/slurm/slurm-up.sh, not instead of it: its own
# configuration (SLURM_CONF above), ports (6827, 6828), munged (own socket and key) and
# directories: /var/lib/skiff-cluster (state, removed by cluster-down.sh) and
# /var/log/skiff-cluster (logs, kept). Network: SKIFF_CLUSTER_NET (default 10.78.0, a /24 that
# must be unused here). Up in a few seconds; a running cluster is stopped first.
set -euo pipefail
trap 'die "line $LINENO failed"' ERR
prog=cluster-up
die() { echo "$prog: ERROR: $*" >&2; [ -z "${here:-}" ] || bash "$here/cluster-down.sh" --quiet; exit 1; }
log() { echo "$prog: $*" >&2; }
[ "$(id -u)" = 0 ] || die "run as root: it makes network namespaces and starts Slurm's daemons"
[ $# = 2 ] || [ $# = 3 ] || die "usage: $0 PLUGIN.so SKIFF_BINARY [NODES]"
PLUGIN=$(realpath -e "$1") || die "no plugin $1"
SKIFF=$(realpath -e "$2") || die "no skiff binary $2"
N=${3:-4}
[[ $N =~ ^[1-9]$ ]] || die "NODES must be 1 to 9, not '$N'"
for f in "$PLUGIN" "$SKIFF"; do
  case $f in /tmp/*|/run/*) die "$f is under /tmp or /run, which are each node's own: put it on a shared path (/var/tmp)" ;; esac
done
for b in munged slurmctld slurmd srun sinfo nsenter unshare ip; do
  command -v "$b" >/dev/null || die "$b missing: run scripts/install-deps.sh"
done
NET=${SKIFF_CLUSTER_NET:-10.78.0}
[[ $NET =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "SKIFF_CLUSTER_NET must be three octets (10.78.0), not '$NET'"
STATE=/var/lib/skiff-cluster LOGS=/var/log/skiff-cluster
CTL=$(hostname -s)
t0=${EPOCHREALTIME/./}

here=$(dirname "$(realpath "$0")")
bash "$here/cluster-down.sh" --quiet
if ip -o route show | grep -q "^$NET\.0/24 "; then die "$NET.0/24 is already routed here: set SKIFF_CLUSTER_NET"; fi
install -d -m 0755 "$STATE" "$STATE/etc" "$STATE/run" "$STATE/spool" "$LOGS"
install -d -m 0755 -o munge -g munge "$STATE/munge" "$LOGS/munge"
rm -f "$LOGS"/*.log "$LOGS"/munge/*.log

# Network: a bridge in skiff-sw; per node a veth from the node's namespace to the bridge.
ip netns add skiff-sw
ip -n skiff-sw link add br0 type bridge
ip -n skiff-sw link set br0 up
ip link add skiff-cl0 type veth peer name host netns skiff-sw
ip -n skiff-sw link set host master br0 up
ip addr add "$NET.1/24" dev skiff-cl0
ip link set skiff-cl0 up
printf '127.0.0.1 localhost\n%s %s\n' "$NET.1" "$CTL" >"$STATE/etc/hosts"
nodes=''
for i in $(seq "$N"); do
  ip netns add "skiff-n$i"
  ip -n skiff-sw link add "n$i" type veth peer name eth0 netns "skiff-n$i"
  ip -n skiff-sw link set "n$i" master br0 up
  ip -n "skiff-n$i" addr add "$NET.1$i/24" dev eth0
  ip -n "skiff-n$i" link set eth0 up
  ip -n "skiff-n$i" link set lo up
  echo "$NET.1$i n$i" >>"$STATE/etc/hosts"
  nodes+="NodeName=n$i NodeAddr=$NET.1$i NodeHostname=n$i CPUs=$(nproc) RealMemory=1024 State=UNKNOWN"$'\n'
done

# munged with its own key and socket; AuthInfo points Slurm's auth and credentials at it.
dd if=/dev/urandom bs=1 count=1024 of="$STATE/munge/munge.key" status=none
chown munge:munge "$STATE/munge/munge.key"
chmod 0400 "$STATE/munge/munge.key"
runuser -u munge -- /usr/sbin/munged --socket="$STATE/munge/munge.socket" --key-file="$STATE/munge/munge.key" \
  --pid-file="$STATE/munge/munged.pid" --seed-file="$STATE/munge/munged.seed" --log-file="$LOGS/munge/munged.log" \
  || die "munged failed: $(tail -3 "$LOGS/munge/munged.log" 2>/dev/null)"

# proctrack/linuxproc and task/none: CI containers have no delegated cgroups.
cat >"$STATE/etc/slurm.conf" <<CONF
# written by skiff tests/e2e/cluster/cluster-up.sh
ClusterName=skiff-cluster
SlurmctldHost=$CTL($NET.1)
SlurmctldPort=6827
SlurmdPort=6828
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$STATE/munge/munge.socket
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd-%n.pid
StateSaveLocation=$STATE/spool/ctld
SlurmdSpoolDir=$STATE/spool/%n
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd-%n.log
PlugStackConfig=$STATE/etc/plugstack.conf
InactiveLimit=0
KillWait=5
MinJobAge=30
${nodes}PartitionName=debug Nodes=n[1-$N] Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:16
CONF
echo "required $PLUGIN skiff=$SKIFF" >"$STATE/etc/plugstack.conf"
chmod 0644 "$STATE/etc/slurm.conf" "$STATE/etc/plugstack.conf" "$STATE/etc/hosts"
export SLURM_CONF=$STATE/etc/slurm.conf

/usr/sbin/slurmctld -i -f "$SLURM_CONF" || die "slurmctld failed: $(tail -5 "$LOGS/slurmctld.log")"
# slurmd through nsenter --net, not `ip netns exec`, which remounts /sys and so hides the cgroup
# mount slurmd looks for. Steps and their containers inherit the node's namespaces.
for i in $(seq "$N"); do
  nsenter --net="/run/netns/skiff-n$i" unshare --uts --mount --propagation private sh -ec "
    hostname n$i
    mount -t tmpfs -o mode=1777 tmpfs /tmp
    mount -t tmpfs -o mode=0755 tmpfs /run
    mount --bind $STATE/etc/hosts /etc/hosts
    exec /usr/sbin/slurmd -f $SLURM_CONF -N n$i" || die "slurmd on n$i failed: $(tail -5 "$LOGS/slurmd-n$i.log")"
done
for _ in $(seq 150); do [ "$(sinfo -h -o %T 2>/dev/null | sort -u)" = idle ] && break; sleep 0.1; done
[ "$(sinfo -h -o %T | sort -u)" = idle ] || die "nodes not idle: $(sinfo -h -N -o '%N %T' | tr '\n' ' '); logs in $LOGS"
want=$(seq -f 'n%g' "$N" | tr '\n' ' ')
got=$(cd / && timeout 60 srun -N"$N" hostname | sort | tr '\n' ' ')
[ "$got" = "$want" ] || die "srun -N$N hostname printed '$got', not '$want'; logs in $LOGS"
log "up: $N nodes (${got% }) in $(( (${EPOCHREALTIME/./} - t0) / 1000 )) ms; SLURM_CONF=$SLURM_CONF"
