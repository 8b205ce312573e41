#!/usr/bin/env bash
# A sweep on a real Slurm cluster, started here and stopped at the end:
# munged, slurmctld and four slurmd (nodes n1..n4 on this machine), with a
# slurm.conf of the test's own (SLURM_CONF, nothing written to /etc). The
# job array of experiments/slurm/submit runs one shard per task and the
# merge after them; the merged trials must be a one-machine run's, cell for
# cell and trial for trial. Then a shard is cancelled mid-run (scancel),
# checked for whole rows, requeued and resumed to completion.
# Skips, saying why, without the packages (make deps-cluster) or root.
. "$(dirname "$0")/lib.sh"

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
for b in munged slurmctld slurmd sbatch squeue scontrol scancel; do
	command -v "$b" >/dev/null || PATH=$PATH:/usr/sbin command -v "$b" >/dev/null ||
		skip_all "$b not installed (make deps-cluster)"
done
PATH=$PATH:/usr/sbin
[ "$(id -u)" = 0 ] || skip_all "slurmd must run as root"
id munge >/dev/null 2>&1 || skip_all "no munge user (make deps-cluster)"
[ -r /etc/munge/munge.key ] || skip_all "no /etc/munge/munge.key (make deps-cluster)"
plan 9
t_start=$(date +%s)

# --- the cluster -------------------------------------------------------
C=$TMP/cluster
mkdir -p "$C/state" "$C/munge" "$C/out"
chmod 755 "$TMP" "$C"
chown munge:munge "$C/munge"
chmod 711 "$C/munge" # munged wants its socket's folder searchable by all
read -r -a port < <(/usr/bin/python3 -c '
import socket
ss = [socket.socket() for _ in range(5)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
host=$(hostname)
ncpu=$(nproc)
cat > "$C/slurm.conf" <<EOF
ClusterName=racelab-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${port[0]}
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$C/munge/munge.sock
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$C/jobcomp.txt
StateSaveLocation=$C/state
SlurmdSpoolDir=$C/spool-%n
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd-%n.pid
SlurmctldLogFile=$C/slurmctld.log
SlurmdLogFile=$C/slurmd-%n.log
ReturnToService=2
SlurmctldTimeout=10
SlurmdTimeout=10
MinJobAge=600
KillWait=10
EOF
for k in 1 2 3 4; do
	echo "NodeName=n$k NodeHostname=$host NodeAddr=127.0.0.1 Port=${port[$k]} CPUs=$ncpu State=UNKNOWN" >> "$C/slurm.conf"
done
echo "PartitionName=test Nodes=n1,n2,n3,n4 Default=YES MaxTime=INFINITE State=UP" >> "$C/slurm.conf"
export SLURM_CONF=$C/slurm.conf

pids=()
all_pids=()
stop_cluster() {
	local p
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	# a daemon is gone when its /proc entry is, or is a zombie (PID 1 may reap it late)
	for _ in $(seq 100); do
		local alive=0
		for p in "${pids[@]}"; do
			st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) && [ "$st" != Z ] && alive=1
		done
		[ $alive -eq 0 ] && break
		sleep 0.1
	done
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	pids=()
}
trap 'stop_cluster; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT

runuser -u munge -- munged -F --socket="$C/munge/munge.sock" --pid-file="$C/munge/munged.pid" \
	--log-file="$C/munge/munged.log" --seed-file="$C/munge/munged.seed" > "$C/munged.out" 2>&1 &
pids+=($!)
all_pids+=($!)
for _ in $(seq 50); do [ -S "$C/munge/munge.sock" ] && break; sleep 0.1; done
slurmctld -D > "$C/slurmctld.out" 2>&1 &
pids+=($!)
all_pids+=($!)
for k in 1 2 3 4; do
	slurmd -D -N "n$k" > "$C/slurmd-n$k.out" 2>&1 &
	pids+=($!)
	all_pids+=($!)
done
t0=$(date +%s%N)
up=0
for _ in $(seq 100); do
	[ "$(sinfo -h -t idle -o '%D' 2>/dev/null | awk '{s+=$1} END{print s+0}')" -eq 4 ] && { up=1; break; }
	sleep 0.1
done
t1=$(date +%s%N)
ok $([ $up -eq 1 ]; echo $?) "a private cluster of 4 nodes is up in $(( (t1 - t0) / 1000000 )) ms (munged, slurmctld, 4 slurmd)"
[ $up -eq 1 ] || { diag "$(tail -5 "$C/slurmctld.log" 2>/dev/null)"; exit 1; }

# wait_job ID SECONDS: until the job (every task of an array) has ended
job_state() { scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u | tr '\n' ' '; }
wait_job() {
	for _ in $(seq $(($2 * 10))); do
		st=$(job_state "$1")
		case $st in *PENDING*|*RUNNING*|*CONFIGURING*|*COMPLETING*|*REQUEUE*|"") sleep 0.1;; *) return 0;; esac
	done
	return 1
}
keys() { awk -F, 'FNR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {print $c["experiment"]","$c["strategy"]","$c["procs"]","$c["iters"]","$c["trial"]}' "$@" | sort; }

# --- a sweep in 4 shards and its merge ----------------------------------
printf 'strategy = plain,atomic,mutex,private\nprocs = 1,2\niters = 1e3,1e5\ntrials = 6\n' > "$TMP/sweep.conf"
$RACE -q "$TMP/sweep.conf" --seed 8 -o "$TMP/one.csv"
out=$(RACELAB_OUT="$C/out" experiments/slurm/submit "$TMP/sweep.conf" 4 4 2>&1); rc=$?
array=$(echo "$out" | sed -n 's/^array \([0-9]*\) .*/\1/p'); merge=$(echo "$out" | sed -n 's/.*merge \([0-9]*\);.*/\1/p')
ok $([ $rc -eq 0 ] && [ -n "$array" ] && [ -n "$merge" ]; echo $?) "submit: the array and the merge (afterany) submitted ($out)"
wait_job "$merge" 120
mstate=$(job_state "$merge")
hosts=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {print $c["host"]}' "$C/out/merged.csv" 2>/dev/null | sort -u | tr '\n' ' ')
ok $([ "$mstate" = "COMPLETED " ] && [ -s "$C/out/stats/summary.csv" ] && [ -s "$C/out/report/report.html" ]; echo $?) \
	"the merge ran after the array: racestat and the report over every shard ($mstate; rows from hosts $hosts)"
ok $(cmp -s <(keys "$TMP/one.csv") <(keys "$C/out"/shard-[1-4].csv); echo $?) \
	"the union of the 4 shards is exactly the one-machine sweep: $(keys "$TMP/one.csv" | wc -l) trials, every cell and trial number"
dup=$(keys "$C/out"/shard-[1-4].csv | uniq -d | wc -l)
cells_per=$(for k in 1 2 3 4; do awk -F, 'NR>1{print $3","$5","$6}' "$C/out/shard-$k.csv" | sort -u | wc -l; done | tr '\n' ' ')
ok $([ "$dup" -eq 0 ] && [ "$(for k in 1 2 3 4; do awk -F, 'NR>1{print $3","$5","$6}' "$C/out/shard-$k.csv" | sort -u; done | sort | uniq -d | wc -l)" -eq 0 ]; echo $?) \
	"the shards are disjoint, whole cells each (cells per shard: $cells_per)"
ok $([ "$(echo $hosts | wc -w)" -ge 2 ] && ! echo "$hosts" | grep -q "$host"; echo $?) \
	"each row names its node (SLURMD_NODENAME): $hosts"

# --- a shard cancelled mid-run, requeued, resumed -----------------------
printf 'strategy = plain,atomic\nprocs = 2\niters = 1e6,2e6\ntrials = 60\n' > "$TMP/long.conf"
mkdir -p "$C/long"
export RACELAB_DIR=$PWD RACELAB_EXPERIMENT=$TMP/long.conf RACELAB_OUT=$C/long
j=$(sbatch --parsable --array=1-2 --cpus-per-task=2 --chdir="$C/long" --export=ALL experiments/slurm/racelab.sbatch); j=${j%%;*}
f=$C/long/shard-2.csv
for _ in $(seq 300); do [ "$( (wc -l < "$f") 2>/dev/null || echo 0)" -gt 10 ] && break; sleep 0.1; done
scancel "${j}_2"
for _ in $(seq 100); do case $(job_state "${j}_2") in *CANCELLED*) break;; esac; sleep 0.1; done
sleep 0.5
rows=$(($(wc -l < "$f") - 1))
whole=$(awk -F, 'NR==1{n=NF} NF!=n{bad++} END{print bad+0}' "$f")
ok $([ "$whole" -eq 0 ] && [ "$(tail -c1 "$f" | od -An -c | tr -d ' ')" = '\n' ] && [ "$rows" -lt 120 ] &&
	[ "$(ls /dev/shm | grep -c '^racelab-')" -eq 0 ]; echo $?) \
	"scancel of a running shard: $rows of 120 trials kept, whole rows, nothing in /dev/shm"
scontrol requeue "${j}_2"
scontrol update jobid="${j}_2" StartTime=now >/dev/null 2>&1 # a requeue otherwise waits two minutes
wait_job "$j" 120
rows2=$(($(wc -l < "$f") - 1))
want=$($RACE "$TMP/long.conf" --shard 2/2 --dry-run | sed -n '1s/.*cells, \([0-9]*\) trials.*/\1/p')
ok $([ "$rows2" -eq "$want" ] && [ "$(keys "$f" | uniq -d | wc -l)" -eq 0 ] &&
	[ "$(job_state "${j}_2")" = "COMPLETED " ] && grep -q '^resumed' "$f.meta"; echo $?) \
	"requeued, the shard resumed its CSV to the end: $rows2 of $want trials, none twice"

stop_cluster
left=0
for p in "${all_pids[@]}"; do
	st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) && [ "$st" != Z ] && left=$((left + 1))
done
ok $([ $left -eq 0 ] && [ "$(pgrep -f "$C" | wc -l)" -eq 0 ]; echo $?) \
	"every daemon stopped (${#all_pids[@]} started, $left left), no process left ($(( $(date +%s) - t_start )) s in all)"
