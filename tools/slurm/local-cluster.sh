#!/usr/bin/env bash
# A real single-node Slurm cluster in a folder, for tests and for trying `launcher=slurm` on one
# machine. Needs root and Debian's `slurm-wlm` and `munge` (installed by .ci/run).
#
#   tools/slurm/local-cluster.sh start DIR   # writes DIR/slurm.conf, starts munged, slurmctld, slurmd
#   tools/slurm/local-cluster.sh stop DIR    # stops them
#   export SLURM_CONF=DIR/slurm.conf         # then sbatch/squeue/scancel talk to it
#
# Ports above 10000, state and spool under DIR, ProctrackType=proctrack/linuxproc and
# TaskPlugin=task/none (no cgroups needed), munge on a private socket and key.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
sock="$dir/munge/munge.sock"

case "$cmd" in
start)
  for bin in munged slurmctld slurmd sbatch; do
    command -v "$bin" >/dev/null 2>&1 || { echo "local-cluster: '$bin' not found: apt-get install slurm-wlm munge" >&2; exit 3; }
  done
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
  chmod 700 "$dir/munge"
  if [ ! -f "$dir/munge/munge.key" ]; then
    head -c 1024 /dev/urandom >"$dir/munge/munge.key"
    chmod 400 "$dir/munge/munge.key"
  fi
  munged --force --key-file="$dir/munge/munge.key" --socket="$sock" --pid-file="$dir/munge/munged.pid" \
    --seed-file="$dir/munge/munged.seed" --log-file="$dir/log/munged.log"
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(( $(awk '/MemTotal/{print int($2/1024)}' /proc/meminfo) - 1024 ))
  # Ports derived from the folder so that two clusters (e.g. parallel CI runs) do not collide.
  base=$(( 20000 + $(echo -n "$dir" | cksum | cut -d' ' -f1) % 20000 ))
  cat >"$dir/slurm.conf" <<CONF
ClusterName=workbench
SlurmctldHost=$host
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MinJobAge=3600
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -f "$SLURM_CONF"
  slurmd -f "$SLURM_CONF"
  for _ in $(seq 1 60); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      echo "local-cluster: up (SLURM_CONF=$SLURM_CONF)"
      exit 0
    fi
    sleep 0.5
  done
  echo "local-cluster: the node did not become idle; logs in $dir/log" >&2
  exit 4
  ;;
stop)
  if [ -f "$dir/slurm.conf" ]; then
    SLURM_CONF="$dir/slurm.conf" scontrol shutdown >/dev/null 2>&1 || true
  fi
  for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill "$pid" 2>/dev/null || true
    fi
  done
  echo "local-cluster: stopped"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
