#!/usr/bin/env bash
# A long batch on the embedded default: the packaged jar runs one batch of the scripted demo
# scenario against the built-in demo agent, and every 10 s this prints the runs finished, the runs
# per second over those 10 s, the JVM's resident memory and its live heap (after a full GC, which
# jcmd asks for: it costs the batch a little time). At the end, 35 s after the batch (once the
# in-process Temporal server has forgotten its closed workflows), the live heap once more and the
# peak resident memory.
#
#   bench/long.sh [runs] [concurrency]       defaults: 10000 runs, 50 at a time
#
# JAVA_OPTS: the JVM options, by default those of the README's start command.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10000}
concurrency=${2:-50}
port=${BENCH_PORT:-18081}
jar=worker/target/agentsim.jar
[ -f "$jar" ] || ./mvnw -q -DskipTests package
base="http://127.0.0.1:$port"
scenario=00000000-0000-4000-8000-000000000003
log=$(mktemp)
read -r -a java_opts <<<"${JAVA_OPTS--XX:TieredStopAtLevel=1}"
java "${java_opts[@]}" -jar "$jar" --server.port="$port" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
until curl -sf "$base/v1/agents?projectId=demo" >/dev/null; do
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.2
done

live_heap() {  # MiB in use after a full GC
  jcmd "$pid" GC.run >/dev/null
  jcmd "$pid" GC.heap_info | sed -n 's/.*garbage-first heap.* used \([0-9]*\)K.*/\1/p' | awk '{print int($1/1024)}'
}
rss() { awk "/$1/ {print int(\$2/1024)}" "/proc/$pid/status"; }

body=$(printf '{"projectReference":"demo","name":"long batch","numberOfExecutions":%d,"concurrency":%d,
  "runConfig":{"flowReferenceId":"00000000-0000-4000-8000-000000000001","entrypoint":"demo",
  "largeLanguageModelReferenceId":"00000000-0000-4000-8000-000000000002"}}' "$runs" "$concurrency")
batch=$(curl -sf -X POST "$base/simulations/$scenario/schedule?projectId=demo" -H 'Content-Type: application/json' \
  -d "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
started=$(date +%s)
previous=0
echo "batch of $runs runs, $concurrency at a time, on $(java -version 2>&1 | head -n 1) ${java_opts[*]}"
while true; do
  sleep 10
  read -r status finished < <(curl -sf "$base/simulations/$scenario/batches/$batch?projectId=demo" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["completedRuns"])')
  printf '%4ds  %-9s %6d runs  %4d runs/s  RSS %5d MiB  live heap %4d MiB\n' $(( $(date +%s) - started )) \
    "$status" "$finished" $(( (finished - previous) / 10 )) "$(rss VmRSS)" "$(live_heap)"
  previous=$finished
  case "$status" in completed|failed|stopped) break ;; esac
done
sleep 35
echo "35 s after the batch: live heap $(live_heap) MiB; peak RSS $(rss VmHWM) MiB"
