#!/usr/bin/env bash
# Makes sure the local PostgreSQL and Redis the tests use are running (starts them if stopped).
set -euo pipefail
pg_host=127.0.0.1
if ! pg_isready -q -h "$pg_host" -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "启动 PostgreSQL $version …"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h "$pg_host" -p 5432 && break; sleep 1; done
fi
pg_isready -q -h "$pg_host" -p 5432 || { echo "PostgreSQL 未在 127.0.0.1:5432 运行" >&2; exit 1; }
# Local test servers trust the postgres user; elsewhere DATABASE_URL carries a password.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "启动 Redis …"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis 未在 127.0.0.1:6379 运行" >&2; exit 1; }
