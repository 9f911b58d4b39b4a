#!/usr/bin/env bash
# Builds and runs the whole test suite:
#  1. the `asan` preset (AddressSanitizer + UBSan, warnings as errors): unit
#     tests, the fuzz corpus replay, and the integration tests, which start the
#     sanitized binary and talk to it with real clients;
#     it also checks that no layer includes one above it (lint.layers);
#  2. the `tsan` preset (clang + ThreadSanitizer, thread-safety analysis as
#     errors): the unit tests of the threaded layers (core, mqtt, net, store,
#     broker), among them the broker with its threads and TCP listener under
#     concurrent clients; it compiles only those layers;
#  3. the `fuzz` preset (clang + libFuzzer): a short fuzzing run per target
#     (MQTT codec 30 s, thing model 20 s, rules SQL 20 s).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash scripts/setup.sh

# ccache keys on paths relative to the checkout, so a fresh clone elsewhere
# (CI) reuses what an earlier build compiled.
export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
# A small quarantine: the memory-bound tests measure the broker, not ASan.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:quarantine_size_mb=16}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs=$(nproc)

cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs"

cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$jobs"
ctest --preset tsan -j "$jobs"

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$jobs" --target mqtt_decode_fuzz tsl_fuzz alink_fuzz rules_sql_fuzz
ctest --test-dir build/fuzz -L fuzz --output-on-failure
