#!/usr/bin/env bash
# The project runs itself through faults: a standalone Temporal (the Java test server), a
# PostgreSQL of its own, one `api` and two `worker` processes of the packaged jar, and the stub
# agent of bench/stub.py answering after 300 ms. Four rounds of one batch each (scripted, 5
# exchanges per run, a rule criterion):
#
#   undisturbed      nothing happens
#   worker killed    kill -9 of one worker at ~30% of the runs (the other carries on)
#   api killed       kill -9 of the api at ~30%, started again 5 s later
#   database down    PostgreSQL stopped (immediate) at ~30% for 20 s, then started again
#
# After each round it checks, from the database: every run final and judged SUCCESS, every
# transcript exactly the script's lines and the stub's answers in order, no turn stored after its
# run was final, the batch's counters equal to its rows; and prints the round's time against the
# undisturbed one. Exits non-zero when a check fails.
#
#   bench/chaos.sh [runs] [concurrency]      defaults: 200 runs, 40 at a time
#
# Needs PostgreSQL's server programs (Debian: apt-get install postgresql; PGBIN names their
# directory, default the newest /usr/lib/postgresql/*/bin) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
concurrency=${2:-40}
jar=worker/target/agentsim.jar
[ -f "$jar" ] || ./mvnw -q -DskipTests package
pgbin=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$pgbin/pg_ctl" ] || { echo "no PostgreSQL server programs (set PGBIN)" >&2; exit 1; }
work=$(mktemp -d /tmp/agentsim-chaos-XXXXXX)
temporal_port=${CHAOS_TEMPORAL_PORT:-17233}
pg_port=${CHAOS_PG_PORT:-15433}
# Every process on the database seals and reads secrets with the same key.
secrets_key=$(head -c 32 /dev/urandom | base64)
api_port=${CHAOS_API_PORT:-18085}
stub_port=${CHAOS_STUB_PORT:-18086}
api="http://127.0.0.1:$api_port"
project=chaos
# a database and Temporal of its own: the service requires a key, this one (read by every process)
admin_key="chaos-admin-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export SIMULATOR_ADMIN_KEY=$admin_key
declare -A pids

cleanup() {
  set +e
  for name in "${!pids[@]}"; do kill "${pids[$name]}" 2>/dev/null; done
  pg_ctl -m immediate stop >/dev/null 2>&1
  wait 2>/dev/null
  echo "logs and data: $work"
}
trap cleanup EXIT

psql_value() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -At -c "$1"; }

# PostgreSQL refuses to run as root: as root, its programs run as the postgres user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_ctl() { as_pg "$pgbin/pg_ctl" -D "$work/pg" "$@"; }

start_pg() {
  pg_ctl -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" -l "$work/pg/server.log" -w \
    start >/dev/null
}

# start NAME ROLE [PORT]: one process of the jar
start() {
  local name=$1 role=$2 port=${3:-0}
  # A worker-only process serves its health checks on a port of its own: 0, a free one.
  java -XX:TieredStopAtLevel=1 -jar "$jar" --simulator.roles="$role" --server.port="$port" \
    --simulator.worker.health-port="$port" \
    --spring.temporal.connection.target="127.0.0.1:$temporal_port" \
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:$pg_port/postgres" --spring.datasource.username=postgres \
    --simulator.secrets.key="$secrets_key" \
    --simulator.worker.sticky-queues=false --simulator.outbound.allow=127.0.0.1 >>"$work/$name.log" 2>&1 &
  pids[$name]=$!
}

await_api() {
  until curl -sf "$api/v1/agents?projectId=$project" -H "X-API-Key: $admin_key" >/dev/null; do sleep 0.2; done
}

call() {  # call METHOD PATH [BODY]: the answer's body; fails on anything but 2xx
  curl -sf -X "$1" "$api$2" -H 'Content-Type: application/json' -H "X-API-Key: $admin_key" ${3:+-d "$3"}
}
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

mkdir "$work/pg"
[ "$(id -u)" = 0 ] && chown postgres "$work/pg" && chmod 755 "$work"
as_pg "$pgbin/initdb" -D "$work/pg" -U postgres -A trust >"$work/initdb.log"
start_pg
python3 bench/stub.py serve "$stub_port" 300 0 >"$work/stub.log" 2>&1 &
pids[stub]=$!
java -cp "$jar" io.temporal.testserver.TestServer "$temporal_port" >"$work/temporal.log" 2>&1 &
pids[temporal]=$!
start api api "$api_port"
start worker1 worker
start worker2 worker
await_api

agent=$(call POST "/v1/agents?projectId=$project" "{\"name\": \"stub\", \"type\": \"http\",
  \"config\": {\"url\": \"http://127.0.0.1:$stub_port/agent\", \"timeoutMs\": 10000}}" | field id)
model=$(call POST "/v1/models?projectId=$project" "{\"name\": \"unused\", \"provider\": \"openai\",
  \"baseUrl\": \"http://127.0.0.1:$stub_port/v1\", \"model\": \"stub\"}" | field id)
lines='"I would like to change my order.", "The blue one.", "When will it arrive?", "And express?", "Thanks."'
scenario=$(call POST "/v1/scenarios?projectId=$project" "{\"name\": \"chaos\", \"maxTurns\": 5,
  \"persona\": {\"name\": \"Sam\", \"description\": \"A customer\"}, \"mission\": \"Change an order\",
  \"script\": [$lines], \"successCriteria\": [{\"type\": \"contains\", \"params\": {\"value\": \"noted\"}}]}" | field id)

# round NAME FAULT: runs one batch, doing FAULT once ~30% of its runs have finished
round() {
  local name=$1 fault=$2 batch started finished status done_runs faulted=0
  batch=$(call POST "/simulations/$scenario/schedule?projectId=$project" "{\"projectReference\": \"$project\",
    \"name\": \"$name\", \"numberOfExecutions\": $runs, \"concurrency\": $concurrency,
    \"runConfig\": {\"flowReferenceId\": \"$agent\", \"entrypoint\": \"main\",
    \"largeLanguageModelReferenceId\": \"$model\"}}" | field id)
  started=$(date +%s%N)
  while true; do
    sleep 0.5
    read -r status done_runs < <(call GET "/simulations/$scenario/batches/$batch?projectId=$project" 2>/dev/null \
      | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["completedRuns"])' \
      || echo "unreachable 0")
    if [ "$faulted" = 0 ] && [ "$done_runs" -ge $((runs * 3 / 10)) ]; then
      faulted=1
      $fault
    fi
    case "$status" in completed|failed|stopped) break ;; esac
    [ $(( ($(date +%s%N) - started) / 1000000000 )) -gt 600 ] && { echo "$name: not finished in 600 s"; return 1; }
  done
  finished=$(date +%s%N)
  check "$name" "$batch" "$status" $(( (finished - started) / 1000000 ))
}

nothing() { :; }
kill_worker() { { kill -9 "${pids[worker1]}"; wait "${pids[worker1]}"; } 2>/dev/null || true; }
kill_api() {
  { kill -9 "${pids[api]}"; wait "${pids[api]}"; } 2>/dev/null || true
  sleep 5
  start api api "$api_port"
  await_api
}
database_down() {
  pg_ctl -m immediate stop >/dev/null
  sleep 20
  start_pg
}

undisturbed_ms=0
failures=0
check() {
  local name=$1 batch=$2 status=$3 ms=$4 problems=""
  local total final success transcripts late counters
  total=$(psql_value "select count(*) from runs where batch_id = '$batch'")
  final=$(psql_value "select count(*) from runs where batch_id = '$batch' and status = 'COMPLETED'")
  success=$(psql_value "select count(*) from runs where batch_id = '$batch' and verdict = 'SUCCESS'")
  # Each run: 10 messages, sequences 0-9, the script's line then the stub's answer to that turn.
  transcripts=$(psql_value "select count(*) from runs r where r.batch_id = '$batch' and (
      (select count(*) from turns t where t.run_id = r.id) <> 10
      or exists (select 1 from turns t where t.run_id = r.id and (t.sequence > 9
        or (t.sequence % 2 = 0 and (t.role <> 'user' or t.text <> (array[$(echo "$lines" | tr '"' "'")])[t.sequence / 2 + 1]))
        or (t.sequence % 2 = 1 and (t.role <> 'agent'
          or t.text <> 'Your order is noted, anything else? (turn ' || (t.sequence / 2 + 1) || ')')))))")
  late=$(psql_value "select count(*) from turns t join runs r on r.id = t.run_id
      where r.batch_id = '$batch' and t.created_at > r.completed_at")
  counters=$(call GET "/simulations/$scenario/batches/$batch?projectId=$project" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["completedRuns"], d["succeededRuns"])')
  [ "$status" = completed ] || problems+=" status $status;"
  [ "$total" = "$runs" ] || problems+=" $total runs recorded;"
  [ "$final" = "$runs" ] || problems+=" $final final;"
  [ "$success" = "$runs" ] || problems+=" $success SUCCESS;"
  [ "$transcripts" = 0 ] || problems+=" $transcripts transcripts not exact;"
  [ "$late" = 0 ] || problems+=" $late turns after their run was final;"
  [ "$counters" = "$runs $runs" ] || problems+=" counters $counters;"
  [ "$name" = undisturbed ] && undisturbed_ms=$ms
  printf '%-15s %6.1f s (%4.2f x undisturbed)  %s\n' "$name" "$(echo "$ms / 1000" | bc -l)" \
    "$(echo "$ms / $undisturbed_ms" | bc -l)" "${problems:- every run final and exact, 0 late turns, counters = rows}"
  [ -z "$problems" ] || failures=$((failures + 1))
}

echo "$runs runs of 5 exchanges, $concurrency at a time, agent 300 ms; api, 2 workers, standalone Temporal, PostgreSQL"
round undisturbed nothing
round "worker killed" kill_worker
start worker1 worker
round "api killed" kill_api
round "database down" database_down
exit $failures
