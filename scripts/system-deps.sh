#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing. Usage: system-deps.sh run|test
set -euo pipefail
mode=${1:-test}
packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
if [ "$mode" = test ]; then
  packages+=(chromium chromium-driver redis-server postgresql)
fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# PostgreSQL counts as present when any server version is installed.
if printf '%s\n' "${missing[@]}" | grep -qx postgresql && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  missing=("${missing[@]/postgresql}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "缺少系统软件包：${missing[*]}（本机没有 apt-get，请手动安装）" >&2
  [ "$mode" = test ] && exit 1 || exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "安装系统软件包：${missing[*]}"
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
  echo "无法安装系统软件包：${missing[*]}" >&2
  [ "$mode" = test ] && exit 1
fi
exit 0
