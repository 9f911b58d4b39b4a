#!/usr/bin/env bash
# Builds the libFuzzer targets with the `fuzz` preset (clang, ASan+UBSan) and
# fuzzes the MQTT codec for N seconds (default 60). New interesting inputs go
# to build/fuzz/tests/fuzz/mqtt_decode_work; crashes are written to
# build/fuzz/tests/fuzz/crash-*. Add a crash input to
# tests/fuzz/corpus/mqtt_decode/ under a descriptive name once it is fixed.
#
# usage: scripts/fuzz.sh [seconds] [extra libFuzzer flags...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
jobs=${FUZZ_BUILD_JOBS:-2}

cmake --preset fuzz -S "$here" >/dev/null
cmake --build "$here/build/fuzz" --target mqtt_decode_fuzz -j"$jobs"

out="$here/build/fuzz/tests/fuzz"
mkdir -p "$out/mqtt_decode_work"
exec "$out/mqtt_decode_fuzz" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$out/" "$@" "$out/mqtt_decode_work" "$here/tests/fuzz/corpus/mqtt_decode"
