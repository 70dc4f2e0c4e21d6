#!/bin/sh
# Waits for the Temporal server, creates the namespace if it is missing and
# registers the custom search attributes the simulator's workflows set.
# Runs once per `docker compose up` in temporalio/admin-tools; the simulator's
# api and worker start only after it has exited 0.
#
# Based on temporalio/samples-server compose/scripts/create-namespace.sh.
# Idempotent: an existing namespace is kept, and `temporal operator
# search-attribute create` is a no-op for an attribute that already exists
# with the same type (it fails if the type differs, which is what we want).
#
# Arguments: the search attributes, each as NAME=TYPE (e.g. SimulationBatch=Keyword).
# Environment (set in docker-compose.yml):
#   TEMPORAL_ADDRESS     host:port of the Temporal frontend (default temporal:7233)
#   NAMESPACE            namespace to create (default "default")
#   NAMESPACE_RETENTION  retention of closed workflows for a new namespace (default 72h)
set -eu

NAMESPACE="${NAMESPACE:-default}"
NAMESPACE_RETENTION="${NAMESPACE_RETENTION:-72h}"
TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
TEMPORAL_HOST="${TEMPORAL_ADDRESS%:*}"
TEMPORAL_PORT="${TEMPORAL_ADDRESS##*:}"

if [ "$#" -eq 0 ]; then
  echo "usage: $0 NAME=TYPE..." >&2
  exit 2
fi

echo "Waiting for ${TEMPORAL_ADDRESS} to accept connections..."
attempt=0
until nc -z -w 5 "$TEMPORAL_HOST" "$TEMPORAL_PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "Temporal did not accept connections after ${attempt} attempts" >&2
    exit 1
  fi
  sleep 2
done

# Like the official script: talk to the resolved IPv4 address, which avoids
# the CLI picking an IPv6 address the server does not listen on.
TEMPORAL_IP="$(getent ahosts "$TEMPORAL_HOST" | grep STREAM | grep -v ':' | head -1 | awk '{print $1}')"
ADDRESS="${TEMPORAL_IP:-$TEMPORAL_HOST}:${TEMPORAL_PORT}"
echo "Using Temporal at ${ADDRESS}"

attempt=0
until temporal operator cluster health --address "$ADDRESS"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "Temporal did not report healthy after ${attempt} attempts" >&2
    exit 1
  fi
  echo "Temporal not healthy yet (attempt ${attempt}), retrying..."
  sleep 2
done

changed=false
if temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  echo "Namespace '${NAMESPACE}' already exists"
else
  echo "Creating namespace '${NAMESPACE}' (retention ${NAMESPACE_RETENTION})"
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$NAMESPACE_RETENTION" --address "$ADDRESS"
  changed=true
fi

for spec in "$@"; do
  name="${spec%%=*}"
  type="${spec#*=}"
  if [ -z "$name" ] || [ "$name" = "$spec" ] || [ -z "$type" ]; then
    echo "Bad search attribute '${spec}', expected NAME=TYPE" >&2
    exit 2
  fi
  if temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS" | grep -qw "$name"; then
    echo "Search attribute ${name} already exists"
  else
    changed=true
  fi
  # Create (or confirm) the attribute; retried because a namespace created a
  # moment ago can take a few seconds to be visible to every frontend call.
  attempt=0
  until temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type" --address "$ADDRESS"; do
    attempt=$((attempt + 1))
    if [ "$attempt" -ge 10 ]; then
      echo "Could not create search attribute ${name} (${type})" >&2
      exit 1
    fi
    sleep 3
  done
done

if [ "$changed" = true ]; then
  # The frontend caches namespaces (search attribute aliases included) and
  # refreshes them about every 10 s; wait so the simulator's first workflow
  # does not meet a stale cache.
  echo "Waiting for the namespace cache to pick up the changes..."
  sleep 15
fi

echo "Namespace '${NAMESPACE}' and search attributes are ready"
temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS"
