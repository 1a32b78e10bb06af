#!/usr/bin/env bash
# Starts the job worker (with its scheduler) and the web server. Ctrl-C, SIGTERM or SIGHUP stops
# both and waits until they are gone, so the next start finds the port and the job queue free.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=${DJANGO_DEBUG:-true}
port=${PORT:-8000}
# Only this machine can reach the demo unless told otherwise (HOST=0.0.0.0 make run).
host=${HOST:-127.0.0.1}
var=${QINGLING_VAR_DIR:-var}
pidfile="$var/run.pids" # the process groups of the worker and of the server
mkdir -p "$var"

# The live (not zombie) processes of process group $1 that run in this directory.
members() {
  local pid
  for pid in $(ps -eo pid=,pgid=,stat= | awk -v g="$1" '$2 == g && $3 !~ /^Z/ { print $1 }'); do
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$PWD" ] && echo "$pid"
  done
  return 0
}

# Stop process groups: SIGTERM, up to 15 s to finish the current job, then SIGKILL.
stop_groups() {
  local pgid left
  for pgid in "$@"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
  for _ in $(seq 75); do
    left=""
    for pgid in "$@"; do left+=$(members "$pgid"); done
    [ -z "$left" ] && return 0
    sleep 0.2
  done
  for pgid in "$@"; do kill -KILL -- "-$pgid" 2>/dev/null || true; done
}

# One run per data directory: the lock lasts exactly as long as this script, so it is never stale.
exec 9>"$var/run.lock"
if ! flock -n 9; then
  echo "清零已经在运行（数据目录 $var）：请先在它的终端按 Ctrl-C 停止。" >&2
  exit 1
fi
# A run killed outright (kill -9) leaves its worker and server behind: stop them first.
if [ -f "$pidfile" ]; then
  stale=()
  for pgid in $(cat "$pidfile"); do [ -n "$(members "$pgid")" ] && stale+=("$pgid"); done
  if [ ${#stale[@]} -gt 0 ]; then
    echo "停止上次运行遗留的后台任务和网站进程……"
    stop_groups "${stale[@]}"
  fi
  rm -f "$pidfile"
fi

worker=""
server=""
finish() {
  trap - INT TERM HUP EXIT
  local running=()
  [ -n "$worker" ] && running+=("$worker")
  [ -n "$server" ] && running+=("$server")
  [ ${#running[@]} -gt 0 ] && stop_groups "${running[@]}"
  rm -f "$pidfile"
}
trap 'finish; exit 130' INT
trap 'finish; exit 143' TERM
trap 'finish; exit 129' HUP
trap finish EXIT

# Each in its own process group, so stopping it stops its children too (the scheduler, the
# server's autoreloaded child), and a Ctrl-C reaches only this script, which stops them in turn.
set -m
.venv/bin/celery -A config worker --beat --pool=solo --loglevel=WARNING \
  --schedule="$var/celerybeat-schedule" </dev/null >"$var/worker.log" 2>&1 9>&- &
worker=$!
.venv/bin/python manage.py runserver "${host}:${port}" </dev/null 9>&- &
server=$!
set +m
echo "$worker $server" >"$pidfile"
cat <<MSG

  清零已启动：http://${host/0.0.0.0/127.0.0.1}:${port}/
  演示账号（密码均为 qingling-demo）：
    admin        系统管理员
    leader       领导（鄂尔多斯市）
    reviewer     审核人员（鄂托克前旗）
    inspector    执法检查员（鄂托克前旗）
    inspector_b  执法检查员（鄂托克旗）
    qiye         企业用户（内蒙古上庙能源化工有限公司，企业端 /qiye/）
  后台任务日志：${var}/worker.log    按 Ctrl-C 停止

MSG
# Runs until a signal arrives or the server ends (for instance when the port is taken).
wait "$server"
