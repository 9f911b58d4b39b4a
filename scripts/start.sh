#!/usr/bin/env bash
# Builds Thingstead (release) and starts the platform with embedded storage
# in ./thingstead-data. Extra arguments go to `thingstead serve`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/setup.sh
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
cmake --preset release >/dev/null
cmake --build --preset release --target thingstead console
bin="$here/build/release/src/app/thingstead"
cat <<MSG

Thingstead is starting (data in ./thingstead-data, Ctrl-C stops it).
  Web console     http://localhost:8080/
  REST API        http://localhost:8080/api/v1  (OpenAPI: /api/v1/openapi.json)
  Log in with     the admin token (console login, or Authorization: Bearer <token>);
                  it is printed below on first start and kept in ./thingstead-data/admin.token
  MQTT            mqtt://localhost:1883 (devices sign in with Alibaba's scheme)
  MQTT/WebSocket  ws://localhost:8083/mqtt
  MQTT/TLS        port 8883 (and TLS on 1883), once [mqtt] tls_cert and tls_key are set
  The CLI talks to the same API:
    export THINGSTEAD_TOKEN=\$(cat thingstead-data/admin.token)
    $bin product create --name demo
    $bin device register --product <productKey> --name dev01

MSG
exec "$bin" serve "$@"
