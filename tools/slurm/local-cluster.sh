#!/usr/bin/env bash
# A real single-node Slurm cluster in a folder, for tests and for trying `launcher=slurm` on one
# machine. Needs root (munged, slurmctld and slurmd run as root, SlurmUser=root) and Debian's
# `slurm-wlm` and `munge` (installed by .ci/run).
#
#   sudo tools/slurm/local-cluster.sh start DIR   # writes DIR/slurm.conf, starts munged, slurmctld, slurmd
#   export SLURM_CONF=DIR/slurm.conf              # then sbatch/squeue/scancel (and launcher=slurm) use it
#   sudo tools/slurm/local-cluster.sh stop DIR    # stops them
#
# Ports above 10000, state and spool under DIR, ProctrackType=proctrack/linuxproc and
# TaskPlugin=task/none (no cgroups needed), munge on a private socket and key.
# When `start` fails it says why on stderr (with the last lines of the failing daemon's log in
# DIR/log) and stops the daemons it had started; exit codes: 2 usage, 3 not root or missing
# binaries, 4 a daemon did not start or the node did not come up.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "local-cluster: must run as root (munged, slurmctld and slurmd run as root here); try: sudo $0 $cmd $dir" >&2
  exit 3
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
sock="$dir/munge/munge.sock"
pidfiles=("$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid")

# Stop the daemons of DIR (the pid files they wrote), waiting up to 5 s each before SIGKILL.
stop_daemons() {
  local pidfile pid
  for pidfile in "${pidfiles[@]}"; do
    # a daemon shutting down (scontrol shutdown above) removes its own pid file: a missing one is fine
    pid=$(cat "$pidfile" 2>/dev/null) || continue
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

# A failed start: the reason, the last lines of the daemon's log, then stop what was started.
fail_start() {
  local reason=$1 logfile=${2:-}
  echo "local-cluster: $reason" >&2
  if [ -n "$logfile" ] && [ -s "$logfile" ]; then
    echo "--- last lines of $logfile:" >&2
    tail -n 15 "$logfile" >&2
  fi
  stop_daemons
  echo "local-cluster: stopped the daemons it had started; logs in $dir/log" >&2
  exit 4
}

# Is the daemon of this pid file alive? (daemonized: the pid file appears once it runs)
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

case "$cmd" in
start)
  for bin in munged slurmctld slurmd sbatch; do
    command -v "$bin" >/dev/null 2>&1 || { echo "local-cluster: '$bin' not found: apt-get install slurm-wlm munge" >&2; exit 3; }
  done
  for pidfile in "${pidfiles[@]}"; do
    if alive "$pidfile"; then
      echo "local-cluster: a cluster is already running in $dir ($(basename "$pidfile" .pid) pid $(cat "$pidfile")); stop it first: $0 stop $dir" >&2
      exit 3
    fi
  done
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
  chmod 700 "$dir/munge"
  if [ ! -f "$dir/munge/munge.key" ]; then
    head -c 1024 /dev/urandom >"$dir/munge/munge.key"
    chmod 400 "$dir/munge/munge.key"
  fi
  if ! out=$(munged --force --key-file="$dir/munge/munge.key" --socket="$sock" --pid-file="$dir/munge/munged.pid" \
    --seed-file="$dir/munge/munged.seed" --log-file="$dir/log/munged.log" 2>&1); then
    fail_start "munged did not start: ${out//$'\n'/ }" "$dir/log/munged.log"
  fi
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
# SIGTERM -> SIGKILL grace (Slurm's default): a run checkpoints and exits within it, also on a loaded machine
KillWait=30
MinJobAge=3600
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  # Both daemonize: a failure before that is on stderr, one after it only in their logs.
  out=$(slurmctld -f "$SLURM_CONF" 2>&1) || fail_start "slurmctld did not start: ${out//$'\n'/ }" "$dir/log/slurmctld.log"
  out=$(slurmd -f "$SLURM_CONF" 2>&1) || fail_start "slurmd did not start: ${out//$'\n'/ }" "$dir/log/slurmd.log"
  for _ in $(seq 1 120); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      echo "local-cluster: up; now: export SLURM_CONF=$SLURM_CONF"
      exit 0
    fi
    for d in slurmctld slurmd; do
      if [ -f "$dir/$d.pid" ] && ! alive "$dir/$d.pid"; then fail_start "$d exited after starting" "$dir/log/$d.log"; fi
    done
    sleep 0.5
  done
  for d in slurmctld slurmd; do
    alive "$dir/$d.pid" || fail_start "$d is not running (it wrote no pid file or exited)" "$dir/log/$d.log"
  done
  fail_start "the node did not become idle within 60 s (sinfo: $(sinfo -h -o '%T %E' 2>&1 | head -n 1))" "$dir/log/slurmd.log"
  ;;
stop)
  if [ -f "$dir/slurm.conf" ]; then
    # bounded: on a busy machine a slow controller must not keep the daemons below from being stopped
    SLURM_CONF="$dir/slurm.conf" timeout 20 scontrol shutdown >/dev/null 2>&1 || true
  fi
  stop_daemons
  echo "local-cluster: stopped"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
