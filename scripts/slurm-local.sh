#!/usr/bin/env bash
# Starts or stops a real single-node Slurm cluster (munge, slurmctld, slurmd) on this machine, for
# testing meridian's batch scripts for real. Needs root and Debian's slurmctld, slurmd, slurm-client.
#   scripts/slurm-local.sh start   # prints the SLURM_CONF to export
#   scripts/slurm-local.sh stop
# State lives in $MERIDIAN_SLURM_DIR (default /tmp/meridian-slurm).
set -euo pipefail
dir="${MERIDIAN_SLURM_DIR:-/tmp/meridian-slurm}"
conf="$dir/slurm.conf"

start() {
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  local host cpus
  host="$(hostname -s)"
  # Advertise more CPUs than the machine has: with honest CPUs=2, `sbatch -n 4` pends forever.
  cpus=16
  cat >"$conf" <<CONF
ClusterName=meridian-local
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=pmix
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
MailProg=/bin/true
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
KillWait=10
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$conf"
  if ! pgrep -x munged >/dev/null; then
    install -d -o munge -g munge /run/munge
    runuser -u munge -- /usr/sbin/munged
  fi
  /usr/sbin/slurmctld -f "$conf"
  /usr/sbin/slurmd -f "$conf"
  for _ in $(seq 1 100); do
    state="$(sinfo -h -o %t 2>/dev/null || true)"
    if [[ "$state" == "idle" ]]; then
      echo "export SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.2
  done
  echo "slurm-local: the node did not become idle; see $dir/log" >&2
  return 1
}

stop() {
  local pids=()
  for d in slurmd slurmctld; do
    if [[ -f "$dir/$d.pid" ]]; then
      pids+=("$(cat "$dir/$d.pid")")
      kill "${pids[-1]}" 2>/dev/null || true
      rm -f "$dir/$d.pid"
    fi
  done
  # Wait for the daemons to exit: they write their state on the way out.
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
