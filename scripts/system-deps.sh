#!/usr/bin/env bash
# System packages govinspect needs beyond Python: free CJK TrueType fonts for the notice PDF
# and poppler-utils (pdftotext, pdffonts) used by the tests; for the tests of the Airflow
# deployment also chromium (headless screenshots of the Inspection view) and docker-compose
# (v1, validates docker-compose.yml without a Docker engine). Installs them with apt-get when
# they are missing and we may; otherwise says exactly what to install.
#   scripts/system-deps.sh        what running govinspect needs (fonts, poppler)
#   scripts/system-deps.sh test   and what the test suite needs besides (chromium, docker-compose)
set -euo pipefail
packages=(fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei poppler-utils)
[ "${1:-}" = "test" ] && packages+=(chromium docker-compose)
need=()
[ -f /usr/share/fonts/truetype/arphic/uming.ttc ] || need+=(fonts-arphic-uming)
[ -f /usr/share/fonts/truetype/arphic/ukai.ttc ] || need+=(fonts-arphic-ukai)
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ -n "${GOVINSPECT_FONT_SONG:-}" ] && command -v pdftotext >/dev/null 2>&1; then
  need=()  # fonts of the operator's choice
fi
if [ "${1:-}" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
  command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "${need[@]}" >/dev/null
  exit 0
fi
echo "missing system packages: ${need[*]}" >&2
echo "install them with: sudo apt-get install ${packages[*]}" >&2
echo "(or point GOVINSPECT_FONT_SONG/HEI/KAI at TrueType CJK fonts you have)" >&2
exit 1
