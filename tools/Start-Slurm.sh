#!/usr/bin/env bash
# Installs and starts a single-node Slurm on this machine for the Slurm tests (tests/pester/Slurm.Tests.ps1,
# docs/cluster.md): munged, slurmctld and slurmd, with a generated slurm.conf (this host, 2 CPUs, the license
# scylla_api:2 for the per-account cap). Idempotent: when the node already answers with this configuration, it only
# checks. Needs root (CI runs as root on Debian 12); without systemd, the daemons are started directly.
set -euo pipefail

node=$(hostname -s)
conf=/etc/slurm/slurm.conf
if ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null
fi

# A pid file whose process is alive.
running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wanted=$(cat <<EOF
# Written by tools/Start-Slurm.sh: a single-node cluster for the Scylla tests.
ClusterName=scylla
# The loopback address: the node's name need not resolve (a container's often does not).
SlurmctldHost=$node(127.0.0.1)
AuthType=auth/munge
SlurmUser=slurm
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
# No cgroups in a container: processes are tracked by their parent, so scancel signals the whole job step.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
KillWait=30
MinJobAge=30
Licenses=scylla_api:2
NodeName=$node NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
)

changed=0
if [ "$(cat "$conf" 2>/dev/null)" != "$wanted" ]; then
    printf '%s\n' "$wanted" > "$conf"
    changed=1
fi

install -d -o munge -g munge -m 0755 /run/munge
[ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey --create
if ! running /run/munge/munged.pid; then
    runuser -u munge -- /usr/sbin/munged
fi

install -d -o slurm -g slurm /var/lib/slurm/slurmctld /var/log/slurm
install -d /var/lib/slurm/slurmd
if [ "$changed" = 1 ]; then
    for pidfile in /run/slurmctld.pid /run/slurmd.pid; do
        if running "$pidfile"; then kill "$(cat "$pidfile")"; while running "$pidfile"; do sleep 0.2; done; fi
    done
fi
running /run/slurmctld.pid || /usr/sbin/slurmctld
running /run/slurmd.pid || /usr/sbin/slurmd

# Ready when the node takes jobs; a node left down by an earlier run is brought back.
for _ in $(seq 1 150); do
    state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
    case "$state" in
        idle*|mixed*|allocated*|completing*) echo "Slurm: node $node is $state"; exit 0 ;;
        down*|drain*) scontrol update NodeName="$node" State=RESUME 2>/dev/null || true ;;
    esac
    sleep 0.2
done
echo "Slurm did not come up; see /var/log/slurm/slurmctld.log and /var/log/slurm/slurmd.log" >&2
exit 1
