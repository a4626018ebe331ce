#!/usr/bin/env bash
# Issue 3's scaling target: epoch time of `train` on a standalone cluster of 8 one-core workers against one
# one-core worker, on 784-1024-1024-10 (float, batch 4096). Writes what it measured into OUT_DIR: machine.txt,
# one folder per configuration (training.json, the driver's log, the steps' split from Spark's event log),
# and scaling.json / scaling.txt with the per-epoch medians and the ratios.
#
# usage: benchmarks/scaling/run-scaling.sh OUT_DIR [DATA [EPOCHS_EIGHT [EPOCHS_ONE]]]
#   DATA          builtin:digits (default, 8,000 rows: 2 steps an epoch) or rows:N, N generated rows of the same
#                 shape (784 features in [0,1], 10 classes), written as 8 CSV files with numpy
#   EPOCHS_EIGHT  epochs on the 8-worker cluster (default 11); EPOCHS_ONE on the one-worker cluster (default 6).
#                 The first epoch is warm-up; the medians are over the others.
# Environment:
#   JAVA_HOME             the JRE/JDK 17 to run (default: java on the PATH)
#   SPARKPROP_SPARK_HOME  the Spark runtime (default deploy/target/spark-home)
#   SPARKPROP_JOBS_JAR    the application jar (default jobs/target/sparkprop-jobs.jar)
#   SCALING_CLUSTER_DIR   the clusters' folder (default a fresh temporary one)
#   SCALING_WORKERS, SCALING_HIDDEN  the larger cluster's workers (default 8) and the hidden layers
#                         (default 1024,1024): smaller values make a quick check of this script on a small machine
#   SCALING_PORT, SCALING_WEBUI_PORT  the master's ports (default 7077 and 8080)
#   SCALING_BATCH         the global batch (default 4096, the target's)
# On a machine without a JDK, benchmarks/scaling/bundle.sh packs all three; see docs/benchmarks.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: run-scaling.sh OUT_DIR [DATA [EPOCHS_EIGHT [EPOCHS_ONE]]]}
data=${2:-builtin:digits}
epochs_eight=${3:-11}
epochs_one=${4:-6}
jar=${SPARKPROP_JOBS_JAR:-$root/jobs/target/sparkprop-jobs.jar}
mkdir -p "$out"
out=$(cd "$out" && pwd)
base=${SCALING_CLUSTER_DIR:-}
[[ -n $base ]] || { base=$(mktemp -d); made_base=$base; }
mkdir -p "$base"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
workers=${SCALING_WORKERS:-8}
hidden=${SCALING_HIDDEN:-1024,1024}
batch=${SCALING_BATCH:-4096}
ports=(--port "${SCALING_PORT:-7077}" --webui-port "${SCALING_WEBUI_PORT:-8080}")

{
  echo "date        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc       $(nproc)"
  echo "cpu         $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "flags       $(grep -o -w -E 'avx2|avx512f|avx512_bf16|amx_tile' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "memory      $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "kernel      $(uname -sr)"
  echo "java        $("$java" -version 2>&1 | tail -1)"
  echo "spark       $(head -1 "${SPARKPROP_SPARK_HOME:-$root/deploy/target/spark-home}/RELEASE")"
  echo "jar         $jar ($(sha256sum "$jar" | cut -c1-16))"
  echo "data        $data, batch $batch, hidden $hidden"
  echo "loadavg     $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

train_args=(--train "$data")
if [[ $data == rows:* ]]; then
  rows=${data#rows:}
  mkdir -p "$base/data"
  python3 - "$rows" "$base/data" <<'PY'
import sys, numpy as np
rows, dest = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(7)
centres = rng.random((10, 784), dtype=np.float32)
header = ",".join(f"f{i}" for i in range(784)) + ",label"
for part, idx in enumerate(np.array_split(np.arange(rows), 8)):
    labels = rng.integers(0, 10, len(idx))
    x = np.clip(centres[labels] + rng.normal(0, 0.3, (len(idx), 784)).astype(np.float32), 0, 1)
    np.savetxt(f"{dest}/part-{part}.csv", np.column_stack([x, labels]), fmt=["%.3f"] * 784 + ["%d"],
               delimiter=",", header=header, comments="")
PY
  train_args=(--train "$base/data" --format csv)
fi

# run NAME WORKERS PARTITIONS EPOCHS [--reuse]: trains on a cluster of WORKERS one-core workers.
run() {
  local name=$1 workers=$2 partitions=$3 epochs=$4 dir=$base/cluster-$2
  mkdir -p "$out/$name"
  if [[ ${5:-} != --reuse ]]; then
    "$root/deploy/bin/spark-cluster" start --workers "$workers" --cores 1 --memory 4g "${ports[@]}" --dir "$dir" > "$out/$name/cluster.txt"
  fi
  local start=$SECONDS
  # All executors registered before the first job (else the data may be cached on fewer of them, and the
  # BLAS line covers only some): standalone counts the ratio against spark.cores.max, so both are set. The
  # driver's default 1g is short for 8 gradients of 7.4 MB arriving at once plus the optimizer's state.
  SPARK_CONF_DIR=$dir/client-conf "$root/deploy/bin/spark-submit" --driver-memory 4g \
    --conf spark.executor.memory=3g --conf spark.cores.max="$workers" \
    --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
    --conf spark.scheduler.maxRegisteredResourcesWaitingTime=120s \
    --conf spark.eventLog.compress=false --conf spark.eventLog.rolling.enabled=false \
    --class org.sparkprop.jobs.Main "$jar" train "${train_args[@]}" \
    --hidden "$hidden" --batch-size "$batch" --precision float --epochs "$epochs" --partitions "$partitions" \
    --progress lines --output "$base/model-$name" > "$out/$name/driver.log" 2>&1 \
    || { echo "$name: train failed; the end of its log:"; tail -40 "$out/$name/driver.log"; return 1; }
  echo "$name: $workers worker(s), $partitions partitions, $epochs epochs, $((SECONDS - start)) s in all"
  cp "$base/model-$name/training.json" "$out/$name/"
  local events
  events=$(ls -t "$dir"/events/app-* | grep -v '\.crc$' | head -1)
  python3 - "$events" > "$out/$name/steps.json" <<'PY'
# Per step (a job described "train epoch E/N step S/M"): the job's time from submission to end, its slowest
# task's time on the executor (run time, and launch to finish), and the bytes its tasks returned.
import json, statistics, sys
jobs, stage_job, tasks = {}, {}, {}
with open(sys.argv[1]) as f:
    for line in f:
        e = json.loads(line)
        kind = e["Event"]
        if kind == "SparkListenerJobStart":
            desc = (e.get("Properties") or {}).get("spark.job.description", "")
            jobs[e["Job ID"]] = {"desc": desc, "submit": e["Submission Time"]}
            for s in e["Stage IDs"]:
                stage_job[s] = e["Job ID"]
        elif kind == "SparkListenerJobEnd":
            jobs[e["Job ID"]]["end"] = e["Completion Time"]
        elif kind == "SparkListenerTaskEnd":
            info, metrics = e["Task Info"], e.get("Task Metrics") or {}
            tasks.setdefault(stage_job.get(e["Stage ID"]), []).append({
                "run": metrics.get("Executor Run Time", 0),
                "wall": info["Finish Time"] - info["Launch Time"],
                "result": metrics.get("Result Size", 0),
                "deserialize": metrics.get("Executor Deserialize Time", 0),
                "gc": metrics.get("JVM GC Time", 0),
                "result_serialize": metrics.get("Result Serialization Time", 0),
                "getting_result": max(0, info["Finish Time"] - info["Getting Result Time"]) if info.get("Getting Result Time") else 0,
                "executor": info["Executor ID"]})
steps = []
for jid, j in sorted(jobs.items()):
    if not j["desc"].startswith("train epoch") or "end" not in j:
        continue
    ts = tasks.get(jid, [])
    steps.append({"job": jid, "step": j["desc"], "epoch": int(j["desc"].split()[2].split("/")[0]),
                  "job_ms": j["end"] - j["submit"], "tasks": len(ts),
                  "executors": len({t["executor"] for t in ts}),
                  "slowest_task_run_ms": max((t["run"] for t in ts), default=0),
                  "slowest_task_wall_ms": max((t["wall"] for t in ts), default=0),
                  "sum_task_run_ms": sum(t["run"] for t in ts),
                  "result_bytes": sum(t["result"] for t in ts),
                  "slowest_deserialize_ms": max((t["deserialize"] for t in ts), default=0),
                  "slowest_gc_ms": max((t["gc"] for t in ts), default=0),
                  "slowest_result_serialize_ms": max((t["result_serialize"] for t in ts), default=0),
                  "slowest_getting_result_ms": max((t["getting_result"] for t in ts), default=0)})
later = [s for s in steps if s["epoch"] > 1]
med = lambda k: statistics.median(s[k] for s in later) if later else None
print(json.dumps({"median_after_epoch_1": {k: med(k) for k in
                  ("job_ms", "slowest_task_run_ms", "slowest_task_wall_ms", "sum_task_run_ms", "result_bytes", "executors",
                   "slowest_deserialize_ms", "slowest_gc_ms", "slowest_result_serialize_ms", "slowest_getting_result_ms")},
                  "steps": steps}, indent=1))
PY
  grep -h -E "BLAS on" "$out/$name/driver.log" | sed 's/^/  /' || true
}

stop() {
  "$root/deploy/bin/spark-cluster" stop --dir "$base/cluster-$1" > /dev/null || true
}
trap 'stop "$workers"; stop 1; [[ -z ${made_base:-} ]] || rm -rf "$made_base"' EXIT

run eight-workers "$workers" "$workers" "$epochs_eight"
stop "$workers"
run one-worker-p1 1 1 "$epochs_one"
run one-worker-p8 1 "$workers" "$epochs_one" --reuse
stop 1

python3 - "$out" <<'PY' | tee "$out/scaling.txt"
import json, os, statistics, sys
out = sys.argv[1]
res = {}
for name in ("eight-workers", "one-worker-p1", "one-worker-p8"):
    t = json.load(open(os.path.join(out, name, "training.json")))
    hist = t["epochs"]
    ends = [h["elapsedSeconds"] for h in hist]
    per_epoch = [ends[0]] + [b - a for a, b in zip(ends, ends[1:])]
    steps = json.load(open(os.path.join(out, name, "steps.json")))["median_after_epoch_1"]
    res[name] = {"epoch_seconds": per_epoch, "median_epoch_seconds": statistics.median(per_epoch[1:]),
                 "samples_per_second": [h["samplesPerSecond"] for h in hist], "step_split_ms": steps}
e = res["eight-workers"]["median_epoch_seconds"]
for one in ("one-worker-p1", "one-worker-p8"):
    res["ratio_" + one] = res[one]["median_epoch_seconds"] / e
for name in ("eight-workers", "one-worker-p1", "one-worker-p8"):
    r = res[name]
    print(f"{name:14s} median epoch {r['median_epoch_seconds']:.3f} s  epochs {' '.join(f'{x:.3f}' for x in r['epoch_seconds'])}")
    s = r["step_split_ms"]
    print(f"{'':14s} step job {s['job_ms']} ms, slowest task run {s['slowest_task_run_ms']} ms "
          f"(wall {s['slowest_task_wall_ms']}, deserialize {s['slowest_deserialize_ms']}, gc {s['slowest_gc_ms']}), "
          f"tasks' run summed {s['sum_task_run_ms']} ms, results {s['result_bytes']} B, executors {s['executors']}")
print(f"ratio one worker (1 partition) / eight workers: {res['ratio_one-worker-p1']:.2f}")
print(f"ratio one worker (8 partitions) / eight workers: {res['ratio_one-worker-p8']:.2f}")
json.dump(res, open(os.path.join(out, "scaling.json"), "w"), indent=1)
PY
