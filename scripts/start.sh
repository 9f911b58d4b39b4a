#!/usr/bin/env bash
# Builds Thingstead (release) and starts the platform with embedded storage
# in ./thingstead-data. Extra arguments go to `thingstead serve`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target thingstead
bin="$here/build/release/src/app/thingstead"
cat <<MSG

Thingstead is starting (data in ./thingstead-data, Ctrl-C stops it).
  MQTT            mqtt://localhost:1883
  MQTT/WebSocket  ws://localhost:8083/mqtt
  MQTT/TLS        port 8883, once [mqtt] tls_cert and tls_key are set
  Anonymous MQTT clients are accepted in this development setup.
  Try: mosquitto_sub -t 'demo/#' -v   and   mosquitto_pub -t demo/hello -m hi

MSG
exec "$bin" serve --allow-anonymous "$@"
