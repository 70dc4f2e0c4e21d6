#!/bin/sh
# Runs once, when the postgres container initialises an empty data volume
# (mounted into /docker-entrypoint-initdb.d). Creates the simulator's own
# role and database; Temporal's databases are created by the temporal-schema
# service with temporal-sql-tool.
#
# Environment (set on the postgres service in docker-compose.yml):
#   AGENTSIM_DB_USER, AGENTSIM_DB_PASSWORD  the simulator's login
#   AGENTSIM_DB_NAME                        its database (default agentsim)
# Deliberately no `set -u`: the image's entrypoint sources scripts that are
# not executable, and the option would leak into it.
set -e

agentsim_db="${AGENTSIM_DB_NAME:-agentsim}"
: "${AGENTSIM_DB_USER:?AGENTSIM_DB_USER must be set}"
: "${AGENTSIM_DB_PASSWORD:?AGENTSIM_DB_PASSWORD must be set}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  --set=db="$agentsim_db" \
  --set=db_user="$AGENTSIM_DB_USER" \
  --set=db_password="$AGENTSIM_DB_PASSWORD" <<'EOSQL'
CREATE ROLE :"db_user" LOGIN PASSWORD :'db_password';
CREATE DATABASE :"db" OWNER :"db_user";
EOSQL

echo "Created database ${agentsim_db} owned by ${AGENTSIM_DB_USER}"
