#!/usr/bin/env bash
# Installs everything the build and the test suite need: Debian packages and
# the npm test clients. Idempotent: a second run installs nothing new.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build ccache pkg-config clang clang-format libclang-rt-14-dev
  libboost1.81-dev libssl-dev libsqlite3-dev sqlite3 libjemalloc-dev
  libfmt-dev libspdlog-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libsimdjson-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  mosquitto mosquitto-clients python3-paho-mqtt python3-pytest
  libpq-dev postgresql libnats-dev nats-server
  openssl curl procps
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Debian starts mosquitto as a service on install; the tests start their own.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now mosquitto nats-server postgresql >/dev/null 2>&1 || true; fi

# Node.js: the machine image ships it (with npm); Debian's package is the fallback.
command -v npm >/dev/null 2>&1 || { apt-get install -y -qq nodejs npm; }

# npm packages: the console's build tools (web/) and the test clients
# (MQTT.js, Alibaba's device SDK, playwright-core driving Debian's chromium).
# `npm ci` again only when the lock file is newer than what is installed.
for dir in "$here/web" "$here/tests/integration"; do
  [ -f "$dir/package.json" ] || continue
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
