#!/usr/bin/env bash
# Measures the packaged application on embedded defaults: time to serve its first request,
# then one batch of demo runs against the built-in demo agent: wall time, runs per second, and
# the process's peak resident memory.
#
#   bench/run.sh [runs] [concurrency]        defaults: 500 runs, 50 at a time
#
# JAVA_OPTS: the JVM options, by default those of the README's start command (empty for the JVM's own)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-500}
concurrency=${2:-50}
port=${BENCH_PORT:-18080}
jar=worker/target/agentsim.jar
[ -f "$jar" ] || ./mvnw -q -DskipTests package
base="http://localhost:$port"
scenario=00000000-0000-4000-8000-000000000003
log=$(mktemp)

started=$(date +%s%N)
read -r -a java_opts <<<"${JAVA_OPTS--XX:TieredStopAtLevel=1}"
java "${java_opts[@]}" -jar "$jar" --server.port="$port" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
until curl -sf "$base/v1/agents?projectId=demo" >/dev/null; do
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
ready=$(date +%s%N)

body=$(printf '{"projectReference":"demo","name":"benchmark","numberOfExecutions":%d,"concurrency":%d,
  "runConfig":{"flowReferenceId":"00000000-0000-4000-8000-000000000001","entrypoint":"demo",
  "largeLanguageModelReferenceId":"00000000-0000-4000-8000-000000000002"}}' "$runs" "$concurrency")
batch=$(curl -sf -X POST "$base/simulations/$scenario/schedule?projectId=demo" \
  -H 'Content-Type: application/json' -d "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
scheduled=$(date +%s%N)
status=""
until [ "$status" = completed ] || [ "$status" = failed ] || [ "$status" = stopped ]; do
  sleep 0.2
  status=$(curl -sf "$base/simulations/$scenario/batches/$batch?projectId=demo" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
done
finished=$(date +%s%N)
success=$(curl -sf "$base/simulations/$scenario/batches/$batch/runs?projectId=demo&filter=SUCCESS&limit=1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["pagination"]["total"])')
peak_kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)

python3 - "$started" "$ready" "$scheduled" "$finished" "$runs" "$concurrency" "$success" "$peak_kb" "$status" <<'PY'
import sys
started, ready, scheduled, finished = (int(v) for v in sys.argv[1:5])
runs, concurrency, success, peak_kb = (int(v) for v in sys.argv[5:9])
wall = (finished - scheduled) / 1e9
print(f"start-up to first request : {(ready - started) / 1e9:.1f} s")
print(f"batch                     : {runs} runs, {concurrency} at a time, {sys.argv[9]}, {success} SUCCESS")
print(f"batch wall time           : {wall:.1f} s ({runs / wall:.1f} runs/s, 10 messages per run)")
print(f"peak resident memory      : {peak_kb / 1024:.0f} MiB")
PY
