#!/bin/sh
# Run by the postgres image on its first start (mounted into /docker-entrypoint-initdb.d/), as
# POSTGRES_USER, the migration role: creates the runtime role of deploy/postgres-init.sql.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" --no-psqlrc \
    -v runtime_role="${FAZHI_DB_RUNTIME_USER:-fazhi_app}" \
    -v runtime_password="$FAZHI_DB_RUNTIME_PASSWORD" \
    -f /fazhi/postgres-init.sql
