#!/usr/bin/env bash
# Tools the benchmarks measure against: nginx (serves the generated farm on loopback), wrk (the
# ceiling of a probe round on the same nginx) and linkchecker (the tool a user would pick for the
# crawl). Installs them from Debian with apt-get when they are missing and we may; otherwise says
# exactly what to install. The test suite needs none of them.
set -euo pipefail
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v linkchecker >/dev/null 2>&1 || need+=(linkchecker)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing benchmark tools: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts the packaged nginx on port 80; the benchmarks run their own instances.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
    systemctl stop nginx || true
  fi
  exit 0
fi
echo "missing benchmark tools: ${need[*]}" >&2
echo "install them with: sudo apt-get install ${need[*]}" >&2
exit 1
