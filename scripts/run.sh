#!/usr/bin/env bash
# Starts the job worker (with its scheduler) and the web server; stops both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=${DJANGO_DEBUG:-true}
port=${PORT:-8000}
mkdir -p var/broker/out var/broker/processed
.venv/bin/celery -A config worker --beat --pool=solo --loglevel=WARNING \
  --schedule=var/celerybeat-schedule >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  清零已启动：http://127.0.0.1:${port}/
  演示账号（密码均为 qingling-demo）：
    admin        系统管理员
    leader       领导（鄂尔多斯市）
    reviewer     审核人员（鄂托克前旗）
    inspector    执法检查员（鄂托克前旗）
    inspector_b  执法检查员（鄂托克旗）
  后台任务日志：var/worker.log    按 Ctrl-C 停止

MSG
.venv/bin/python manage.py runserver "0.0.0.0:${port}"
