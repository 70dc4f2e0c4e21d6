#!/usr/bin/env bash
# Measures the packaged application on embedded defaults against stub remote parties
# (bench/stub.py: an `http` agent and an OpenAI-compatible model, each answering after a set
# latency and counting its requests in flight). Starts the stub and the jar, times the jar's first
# answered request, creates an agent, a model and three scenarios in project `bench` through the
# native API, schedules batches through the Cognigy endpoint, and prints one block per measurement:
#
#   throughput   scenario (a): scripted, 5 exchanges, 3 rule criteria; agent 0 ms; 500 runs, 50
#                at a time: wall time, conversations/s, CPU ms per conversation (JVM + embedded
#                PostgreSQL, its exited backends included)
#   scripted     scenario (b): scripted, 10 exchanges; agent 200 ms; 200 runs, 50 at a time:
#                makespan against ideal = ceil(runs/concurrency) x 10 x 0.2 s, CPU ms per
#                conversation, the agent's average and maximum requests in flight
#   llm          scenario (c): an LLM persona, 10 exchanges, rule criteria; agent 200 ms, model
#                300 ms: the same, ideal = ceil(runs/concurrency) x 10 x (0.2 + 0.3) s
#
# then the JVM's peak resident memory and version. Every block shows the batch's SUCCESS, FAILED
# and ERROR counts and the stub's request counts, so a broken batch is not mistaken for a fast one.
#
#   bench/turns.sh [all|throughput|scripted|llm] [runs] [concurrency]
#       runs overrides the run count of every selected measurement (default 500 for throughput,
#       200 for the others); concurrency defaults to 50
#
# Environment: BENCH_JAR (default worker/target/agentsim.jar), JAVA (default java), JAVA_OPTS (the
# JVM options of the README's start command, -XX:TieredStopAtLevel=1; empty for the JVM's defaults), BENCH_PORT
# (service, 18090), BENCH_STUB_PORT (18091), BENCH_THROUGHPUT_RUNS, BENCH_LATENCY_RUNS,
# BENCH_CONCURRENCY, BENCH_AGENT_MS (200), BENCH_LLM_MS (300), BENCH_WARMUP (runs of scenario
# (a) before the first measurement, not measured; default 0: a cold JVM, as bench/run.sh),
# BENCH_POLL (seconds between batch polls, 0.2), BENCH_KEEP_LOG=1 keeps the service's log.
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
case "$what" in all|throughput|scripted|llm) ;; *) sed -n '2,/^set -e/p' "$0" | sed '$d'; exit 2 ;; esac
throughput_runs=${2:-${BENCH_THROUGHPUT_RUNS:-500}}
latency_runs=${2:-${BENCH_LATENCY_RUNS:-200}}
concurrency=${3:-${BENCH_CONCURRENCY:-50}}
agent_ms=${BENCH_AGENT_MS:-200}
llm_ms=${BENCH_LLM_MS:-300}
warmup=${BENCH_WARMUP:-0}
poll=${BENCH_POLL:-0.2}
port=${BENCH_PORT:-18090}
stub_port=${BENCH_STUB_PORT:-18091}
java=${JAVA:-java}
read -r -a java_opts <<<"${JAVA_OPTS--XX:TieredStopAtLevel=1}"
jar=${BENCH_JAR:-worker/target/agentsim.jar}
project=bench
base="http://127.0.0.1:$port"
stub="http://127.0.0.1:$stub_port"

if [ ! -f "$jar" ]; then
  [ "$jar" = worker/target/agentsim.jar ] || { echo "no jar at $jar" >&2; exit 1; }
  ./mvnw -q -B -ntp -DskipTests package
fi

log=$(mktemp /tmp/bench-turns-XXXXXX.log)
stub_pid="" jvm_pid="" pg_pid=""
cleanup() {
  set +e
  if [ -n "$jvm_pid" ] && kill -0 "$jvm_pid" 2>/dev/null; then
    kill "$jvm_pid"
    for _ in $(seq 300); do kill -0 "$jvm_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$jvm_pid" 2>/dev/null
    wait "$jvm_pid" 2>/dev/null
  fi
  # the JVM stops its PostgreSQL on the way out; if it could not, a fast shutdown
  [ -n "$pg_pid" ] && kill -0 "$pg_pid" 2>/dev/null && kill -INT "$pg_pid"
  [ -n "$stub_pid" ] && kill "$stub_pid" 2>/dev/null && wait "$stub_pid" 2>/dev/null
  if [ "${BENCH_KEEP_LOG:-0}" = 1 ]; then echo "service log: $log"; else rm -f "$log"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "error: $*" >&2; tail -n 40 "$log" >&2; exit 1; }

# api METHOD PATH [BODY]: the answer's body; dies on anything but 2xx
api() {
  local out code
  out=$(curl -s -w '\n%{http_code}' -X "$1" "$base$2" -H 'Content-Type: application/json' ${3:+-d "$3"}) || true
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  [[ $code == 2* ]] || die "$1 $2 answered HTTP $code: $out"
  printf '%s' "$out"
}
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# --- the stub and the service ----------------------------------------------------------------

# Waits until URL answers, failing when process PID has exited first.
await_answer() {
  until curl -sf "$1" >/dev/null; do
    kill -0 "$2" 2>/dev/null || die "$3"
    sleep 0.1
  done
}

python3 bench/stub.py serve "$stub_port" 0 0 &
stub_pid=$!
await_answer "$stub/stats" "$stub_pid" "the stub did not start on port $stub_port"

started=$(date +%s%N)
"$java" "${java_opts[@]}" -jar "$jar" --server.port="$port" >"$log" 2>&1 &
jvm_pid=$!
await_answer "$base/v1/agents?projectId=demo" "$jvm_pid" "the service exited during start-up"
ready=$(date +%s%N)

# The embedded PostgreSQL is started by pg_ctl, so its postmaster is no child of the JVM: find it
# by the port the service logged, in its command line (.../bin/postgres -D <dir> -p <port> ...).
pg_port=$(sed -n 's/.*Embedded PostgreSQL on port \([0-9]*\).*/\1/p' "$log" | head -n 1)
if [ -n "$pg_port" ]; then
  for cmdline in /proc/[0-9]*/cmdline; do
    args=$(tr '\0' ' ' 2>/dev/null <"$cmdline") || continue
    if [[ $args == */bin/postgres\ * && " $args" == *" -p $pg_port "* ]]; then
      pg_pid=${cmdline#/proc/}
      pg_pid=${pg_pid%/cmdline}
    fi
  done
fi
[ -n "$pg_pid" ] || echo "warning: embedded PostgreSQL not found (not embedded?): its CPU is not counted" >&2

# --- definitions -----------------------------------------------------------------------------

agent=$(api POST "/v1/agents?projectId=$project" "{\"name\": \"bench stub agent\", \"type\": \"http\",
  \"config\": {\"url\": \"$stub/agent\", \"timeoutMs\": 30000}}" | json_field id)
model=$(api POST "/v1/models?projectId=$project" "{\"name\": \"bench stub model\", \"provider\": \"openai\",
  \"baseUrl\": \"$stub/v1\", \"model\": \"bench-stub\", \"apiKey\": \"sk-bench\"}" | json_field id)
model_test=$(api POST "/v1/models/$model/test?projectId=$project")
[ "$(json_field ok <<<"$model_test")" = True ] || die "the stub model failed its test: $model_test"

lines='"Hi, I would like to change my order, please.", "It is the order I placed yesterday.",
  "Can you tell me when it will arrive?", "What would express delivery cost?", "Is there anything else you need?"'
more_lines='"Could you check the delivery address?", "Yes, that address is right.",
  "What happens if I am not at home?", "One more question about the invoice.", "Can you e-mail it to me?"'
persona='"persona": {"name": "Bench user", "description": "A customer with an open order", "style": "short"}'
criteria() {  # the rule criteria of a scenario of $1 exchanges
  printf '[{"type": "contains", "params": {"value": "order"}},
    {"type": "not_contains", "params": {"value": "error"}},
    {"type": "max_turns", "params": {"max": %d}}]' "$1"
}
scenario_a=$(api POST "/v1/scenarios?projectId=$project" "{\"name\": \"bench (a) scripted 5\", $persona,
  \"mission\": \"Change an open order\", \"maxTurns\": 5, \"script\": [$lines],
  \"successCriteria\": $(criteria 5)}" | json_field id)
scenario_b=$(api POST "/v1/scenarios?projectId=$project" "{\"name\": \"bench (b) scripted 10\", $persona,
  \"mission\": \"Change an open order\", \"maxTurns\": 10, \"script\": [$lines, $more_lines],
  \"successCriteria\": $(criteria 10)}" | json_field id)
scenario_c=$(api POST "/v1/scenarios?projectId=$project" "{\"name\": \"bench (c) LLM persona 10\", $persona,
  \"mission\": \"Change an open order and ask about its delivery\", \"maxTurns\": 10,
  \"successCriteria\": $(criteria 10)}" | json_field id)

# --- one measured batch ----------------------------------------------------------------------

# cpu_sample: CPU ms of the JVM, of PostgreSQL (postmaster, reaped and live backends), of the machine
cpu_sample() { python3 bench/stub.py cpu "$jvm_pid" "${pg_pid:-0}" | tr '\n' ' '; }

# batch KIND SCENARIO RUNS AGENT_MS LLM_MS TURNS TITLE: runs one batch and prints its block
# (KIND: throughput, latency or quiet; quiet prints nothing)
batch() {
  local kind=$1 scenario=$2 runs=$3 a_ms=$4 l_ms=$5 turns=$6 title=$7
  curl -sf -X POST "$stub/config" -d "{\"agentMs\": $a_ms, \"llmMs\": $l_ms}" >/dev/null
  curl -sf -X POST "$stub/reset" >/dev/null
  local body cpu0 cpu1 t0 t1 id status="" answer
  body="{\"projectReference\": \"$project\", \"name\": \"bench $kind\", \"numberOfExecutions\": $runs,
    \"concurrency\": $concurrency, \"runConfig\": {\"flowReferenceId\": \"$agent\", \"entrypoint\": \"bench\",
    \"largeLanguageModelReferenceId\": \"$model\"}}"
  cpu0=$(cpu_sample)
  t0=$(date +%s%N)
  id=$(api POST "/simulations/$scenario/schedule?projectId=$project" "$body" | json_field id)
  until [ "$status" = completed ] || [ "$status" = failed ] || [ "$status" = stopped ]; do
    sleep "$poll"
    answer=$(api GET "/simulations/$scenario/batches/$id?projectId=$project")
    [[ $answer =~ \"status\":\"([a-z]+)\" ]] && status=${BASH_REMATCH[1]}
  done
  t1=$(date +%s%N)
  cpu1=$(cpu_sample)
  [ "$kind" = quiet ] && return
  python3 - "$kind" "$title" "$runs" "$concurrency" "$turns" "$a_ms" "$l_ms" "$t0" "$t1" \
    "$cpu0" "$cpu1" "$answer" "$stub" "$(nproc)" <<'PY'
import json, math, sys, urllib.request
kind, title = sys.argv[1:3]
runs, conc, turns = (int(v) for v in sys.argv[3:6])
a_ms, l_ms = float(sys.argv[6]), float(sys.argv[7])
t0, t1 = int(sys.argv[8]), int(sys.argv[9])
(jvm0, pg0, all0), (jvm1, pg1, all1) = (tuple(float(v) for v in s.split()) for s in sys.argv[10:12])
b, stub, cores = json.loads(sys.argv[12]), sys.argv[13], int(sys.argv[14])

created, completed = b["createdAt"], b.get("completedAt") or t1 // 1_000_000
stats = json.load(urllib.request.urlopen(f"{stub}/stats?from={created}&to={completed}"))
makespan = (completed - created) / 1000
wall = (t1 - t0) / 1e9
jvm, pg = jvm1 - jvm0, pg1 - pg0
pg_known = not math.isnan(pg)
cpu = jvm + (pg if pg_known else 0)
failed = b["failedRuns"] - b["erroredRuns"]
llm_calls = stats["llm"]["requests"]

print(f"== {title} ==")
print(f"batch                : {runs} runs, {conc} at a time: {b['status']}"
      + (f" ({b['stopReason']})" if b.get("stopReason") else "")
      + f"; {b['succeededRuns']} SUCCESS, {failed} FAILED, {b['erroredRuns']} ERROR, {b['stoppedRuns']} stopped"
      + (f"  errors: {b['errorsByCategory']}" if b.get("errorsByCategory") else ""))
if kind == "throughput":
    print(f"wall time            : {makespan:.1f} s from scheduled to completed ({wall:.1f} s as polled)")
    print(f"conversations/s      : {runs / makespan:.1f}  ({turns} exchanges, {2 * turns} messages each)")
else:
    waves = math.ceil(runs / conc)
    ideal = waves * turns * (a_ms + l_ms) / 1000
    per_turn = f"({a_ms / 1000:g} + {l_ms / 1000:g})" if l_ms else f"{a_ms / 1000:g}"
    print(f"makespan             : {makespan:.1f} s from scheduled to completed ({wall:.1f} s as polled)")
    print(f"ideal                : ceil({runs}/{conc}) x {turns} x {per_turn} s = {ideal:.1f} s;"
          f" makespan / ideal = {makespan / ideal:.2f}")
print(f"CPU per conversation : {cpu / runs:.1f} ms  (JVM {jvm / runs:.1f} ms"
      + (f", PostgreSQL {pg / runs:.1f} ms" if pg_known else ", PostgreSQL not found")
      + f"); {cpu / 1000 / wall / cores:.0%} of {cores} cores over the batch")
others = (all1 - all0) - cpu - stats["stubCpuMs"]
print(f"machine              : {(all1 - all0) / 1000 / wall / cores:.0%} busy, other processes {max(others, 0) / 1000 / wall / cores:.0%}"
      + ("  << others used the cores: figures are not clean" if others / 1000 / wall / cores > 0.05 else ""))
a = stats["agent"]
print(f"agent calls          : {a['requests']} (expected {runs * turns}); in flight: average {a['avgInFlight']:.1f}"
      f" = {a['avgInFlight'] / conc:.2f} of concurrency, max {a['maxInFlight']}")
if llm_calls or l_ms:
    l = stats["llm"]
    kinds = ", ".join(f"{k} {v}" for k, v in l["kinds"].items() if v)
    print(f"model calls          : {llm_calls} ({kinds}; expected user {runs * turns}, summary {runs}); in flight:"
          f" average {l['avgInFlight']:.1f} = {l['avgInFlight'] / conc:.2f} of concurrency, max {l['maxInFlight']}")
    print(f"waiting on either    : {(a['avgInFlight'] + l['avgInFlight']) / conc:.2f} of concurrency")
print(f"stub CPU             : {stats['stubCpuMs'] / runs:.1f} ms per conversation (not counted above; it shares the cores)")
print()
PY
}

# --- the measurements ------------------------------------------------------------------------

echo "java                 : $("$java" -version 2>&1 | head -n 1)  ($java ${java_opts[*]})"
echo "jar                  : $jar"
printf 'start-up             : %.1f s to the first answered request\n' "$(( (ready - started) / 1000000 ))e-3"
if [ -n "$pg_pid" ]; then
  echo "postgres             : embedded, postmaster pid $pg_pid, port $pg_port"
else
  echo "postgres             : not found"
fi
if [ "$warmup" -gt 0 ]; then
  batch quiet "$scenario_a" "$warmup" 0 0 5 warm-up
  echo "warm-up              : $warmup runs of scenario (a), not measured"
else
  echo "warm-up              : none (cold JVM, as bench/run.sh)"
fi
echo

if [ "$what" = all ] || [ "$what" = throughput ]; then
  batch throughput "$scenario_a" "$throughput_runs" 0 0 5 \
    "throughput: scenario (a), scripted, 5 exchanges, 3 rule criteria; agent 0 ms"
fi
if [ "$what" = all ] || [ "$what" = scripted ]; then
  batch latency "$scenario_b" "$latency_runs" "$agent_ms" 0 10 \
    "latency-bound, scripted: scenario (b), 10 exchanges; agent $agent_ms ms"
fi
if [ "$what" = all ] || [ "$what" = llm ]; then
  batch latency "$scenario_c" "$latency_runs" "$agent_ms" "$llm_ms" 10 \
    "latency-bound, LLM persona: scenario (c), 10 exchanges, rule criteria; agent $agent_ms ms, model $llm_ms ms"
fi

peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$jvm_pid/status")
echo "JVM peak RSS (VmHWM) : $(( peak_kb / 1024 )) MiB"
echo "java                 : $("$java" -version 2>&1 | head -n 1)  (${java_opts[*]:-JVM defaults})"
