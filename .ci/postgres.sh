#!/usr/bin/env bash
# Install (Debian's package), start a PostgreSQL cluster and create the saywho test
# database and user. Idempotent: safe to run again. The last line printed is the
# export to eval, e.g.:   eval "$(.ci/postgres.sh | tail -n 1)"
set -euo pipefail

PG_USER="${SAYWHO_PG_USER:-saywho}"
PG_PASSWORD="${SAYWHO_PG_PASSWORD:-saywho}"
PG_DB="${SAYWHO_PG_DB:-saywho_test}"
PG_PORT="${SAYWHO_PG_PORT:-5432}"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    as_root apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main"' | grep -q .; then
    as_root pg_createcluster "$version" main --port "$PG_PORT" >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
    as_root pg_ctlcluster "$version" main start >&2
fi

psql_admin() { as_root su postgres -c "psql -p $PG_PORT -v ON_ERROR_STOP=1 -qtA $*"; }

for _ in $(seq 1 30); do psql_admin "-c 'select 1'" >/dev/null 2>&1 && break; sleep 1; done

if [ -z "$(psql_admin "-c \"select 1 from pg_roles where rolname = '$PG_USER'\"")" ]; then
    psql_admin "-c \"create role $PG_USER login password '$PG_PASSWORD'\"" >&2
fi
if [ -z "$(psql_admin "-c \"select 1 from pg_database where datname = '$PG_DB'\"")" ]; then
    psql_admin "-c \"create database $PG_DB owner $PG_USER\"" >&2
fi

echo "export SAYWHO_TEST_PG=postgresql://$PG_USER:$PG_PASSWORD@localhost:$PG_PORT/$PG_DB"
