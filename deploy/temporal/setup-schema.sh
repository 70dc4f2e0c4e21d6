#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings their schemas to the
# latest version. Runs once per `docker compose up` in temporalio/admin-tools,
# before the Temporal server starts.
#
# Based on temporalio/samples-server compose/scripts/setup-postgres.sh (the
# replacement for the deprecated temporalio/auto-setup image). Every step is
# idempotent, so re-running against an existing volume is safe:
#   create         ignores "database already exists",
#   setup-schema   leaves a database whose version is above 0.0 alone,
#   update-schema  applies only the versions newer than the current one.
#
# Environment (set in docker-compose.yml):
#   POSTGRES_SEEDS  host of the PostgreSQL server
#   DB_PORT         its port (default 5432)
#   POSTGRES_USER   user that may create databases
#   SQL_PASSWORD    that user's password (read by temporal-sql-tool itself)
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS must name the PostgreSQL host}"
: "${POSTGRES_USER:?POSTGRES_USER must be set}"
: "${SQL_PASSWORD:?SQL_PASSWORD must be set}"
DB_PORT="${DB_PORT:-5432}"
DBNAME="${DBNAME:-temporal}"
VISIBILITY_DBNAME="${VISIBILITY_DBNAME:-temporal_visibility}"

echo "Waiting for PostgreSQL at ${POSTGRES_SEEDS}:${DB_PORT}..."
attempt=0
until nc -z -w 5 "$POSTGRES_SEEDS" "$DB_PORT"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 60 ]; then
    echo "PostgreSQL did not accept connections after ${attempt} attempts" >&2
    exit 1
  fi
  sleep 2
done
echo "PostgreSQL is reachable"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "$DB_PORT" "$@"
}

echo "Setting up database '${DBNAME}'"
sql_tool --db "$DBNAME" create
sql_tool --db "$DBNAME" setup-schema -v 0.0
sql_tool --db "$DBNAME" update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned

echo "Setting up database '${VISIBILITY_DBNAME}'"
sql_tool --db "$VISIBILITY_DBNAME" create
sql_tool --db "$VISIBILITY_DBNAME" setup-schema -v 0.0
sql_tool --db "$VISIBILITY_DBNAME" update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned

echo "Temporal schema setup complete"
