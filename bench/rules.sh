#!/usr/bin/env bash
# What the rules engine costs the broker. The same paced QoS 1 fan-in (1,000
# publishers x 20 msg/s, 1 subscriber) runs against mosquitto (no rules
# engine: the baseline a broker alone gives) and against Thingstead with:
#   none      no rule
#   where     1 rule on the fan-in topics whose WHERE never holds (matching
#             through the subscription index + evaluation only)
#   rules10   10 such rules
#   sqlite    1 rule that stores every message in the embedded SQLite
#             database (a full action pipeline: queue, thread, INSERT)
# and writes docs/benchmarks-rules.md: received msg/s, loss, p99 latency and
# broker CPU per delivered message, with the ratio to mosquitto. Run by hand;
# timings never gate anything.
#
#   bench/rules.sh                 # ~2 minutes after the build
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

DURATION=${BENCH_DURATION:-5}
WARMUP=${BENCH_WARMUP:-1}
TS_PORT=${TS_PORT:-21893}
HTTP_PORT=${HTTP_PORT:-21880}
MQ_PORT=${MQ_PORT:-21894}
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
OUT=${BENCH_OUT:-$ROOT/docs/benchmarks-rules.md}

cmake --preset release >/dev/null
cmake --build --preset release --target thingstead
BIN=$ROOT/build/release/src/app/thingstead

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
ulimit -n "$(ulimit -Hn)"

wait_for_port() {
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "rules.sh: nothing listening on port $1" >&2
    return 1
}

cat >"$WORK/mosquitto.conf" <<CONF
listener $MQ_PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
log_type error
CONF

BROKER_PID=
start_thingstead() {
    rm -rf "$WORK/ts-data"
    mkdir -p "$WORK/ts-data"
    THINGSTEAD_ADMIN_TOKEN=bench-token-0123456789abcdef \
        "$BIN" serve --allow-anonymous --data-dir "$WORK/ts-data" --bind 127.0.0.1 \
        --mqtt-port "$TS_PORT" --ws-port 0 --tls-port 0 --http-port "$HTTP_PORT" --log-level warn \
        >>"$WORK/thingstead.log" 2>&1 &
    BROKER_PID=$!
    PIDS+=("$BROKER_PID")
    wait_for_port "$TS_PORT"
    wait_for_port "$HTTP_PORT"
}
start_mosquitto() {
    "$MOSQUITTO" -c "$WORK/mosquitto.conf" >>"$WORK/mosquitto.log" 2>&1 &
    BROKER_PID=$!
    PIDS+=("$BROKER_PID")
    wait_for_port "$MQ_PORT"
}
stop_broker() {
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
}
add_rule() {  # name sql [actions-json]
    local body
    body=$(python3 -c 'import json,sys; print(json.dumps({"name": sys.argv[1], "sql": sys.argv[2], "actions": json.loads(sys.argv[3])}))' "$1" "$2" "${3:-[]}")
    curl -sf -o /dev/null -H "Authorization: Bearer bench-token-0123456789abcdef" \
        -H "Content-Type: application/json" -d "$body" "http://127.0.0.1:$HTTP_PORT/api/v1/rules"
}

ARGS=(fan-in --publishers 1000 --subscribers 1 --qos 1 --rate 20 --source-addresses 2
      --duration "$DURATION" --warmup "$WARMUP" --json)
run() {  # name port
    echo "== $1" >&2
    timeout 120 "$BIN" bench "${ARGS[@]}" --port "$2" --broker-pid "$BROKER_PID" \
        >"$WORK/$1.json" 2>"$WORK/$1.err" || { echo '{}' >"$WORK/$1.json"; cat "$WORK/$1.err" >&2; }
}

start_mosquitto; run mosquitto "$MQ_PORT"; stop_broker
start_thingstead; run none "$TS_PORT"; stop_broker
start_thingstead
add_rule where "SELECT topic(2) AS n FROM \"bench/+\" WHERE topic(2) = 'never'"
run where "$TS_PORT"; stop_broker
start_thingstead
for i in $(seq 10); do add_rule "where$i" "SELECT topic(2) AS n FROM \"bench/+\" WHERE topic(2) = 'never$i'"; done
run rules10 "$TS_PORT"; stop_broker
start_thingstead
add_rule sqlite "SELECT topic(2) AS n, timestamp() AS at FROM \"bench/+\"" \
    '[{"type":"database","table":"bench_rows","queueLimit":1000000}]'
run sqlite "$TS_PORT"
STATS=$(curl -sf -H "Authorization: Bearer bench-token-0123456789abcdef" "http://127.0.0.1:$HTTP_PORT/api/v1/rules" || echo '{}')
echo "$STATS" >"$WORK/sqlite-stats.json"
stop_broker

export WORK OUT DURATION WARMUP
export TS_VERSION=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
export MACHINE_CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') MACHINE_NPROC=$(nproc)
export MOSQUITTO_VERSION=$("$MOSQUITTO" -h 2>&1 | head -1)
python3 - <<'PY'
import json, os
work, out = os.environ["WORK"], os.environ["OUT"]
def load(n):
    try:
        return json.load(open(f"{work}/{n}.json"))
    except (OSError, ValueError):
        return {}
runs = [("mosquitto", "mosquitto (no rules engine)"), ("none", "Thingstead, no rule"),
        ("where", "Thingstead, 1 rule, WHERE never holds"), ("rules10", "Thingstead, 10 such rules"),
        ("sqlite", "Thingstead, 1 rule storing every message in SQLite")]
base = load("mosquitto")
def cell(r, key):
    v = r.get(key)
    return "—" if v is None else (f"{v:,.1f}" if isinstance(v, float) else f"{v:,}")
def ratio(r, key):
    a, b = r.get(key), base.get(key)
    return "—" if not a or not b else f"{a / b:.2f}"
lines = ["# Rules engine cost", "",
         "Written by `bench/rules.sh` (run by hand; numbers are from one run on a shared",
         f"{os.environ['MACHINE_NPROC']}-core machine, {os.environ['MACHINE_CPU']}; commit {os.environ['TS_VERSION']};",
         f"{os.environ['MOSQUITTO_VERSION']}). Scenario: QoS 1 fan-in, 1,000 publishers × 20 msg/s",
         f"(paced), 1 subscriber, {os.environ['DURATION']} s measured after {os.environ['WARMUP']} s warm-up.",
         "Ratios are to mosquitto in the same run (received: higher is better; CPU: lower is better).", "",
         "| run | received msg/s | ratio | lost | p99 latency (µs) | broker CPU µs/msg | ratio |",
         "| --- | --- | --- | --- | --- | --- | --- |"]
for key, title in runs:
    r = load(key)
    p99 = (r.get("latency_us") or {}).get("p99")
    lines.append(f"| {title} | {cell(r, 'received_per_s')} | {ratio(r, 'received_per_s')} | {cell(r, 'loss')} | "
                 f"{'—' if p99 is None else f'{p99:,}'} | {cell(r, 'broker_cpu_us_per_msg')} | {ratio(r, 'broker_cpu_us_per_msg')} |")
try:
    stats = json.load(open(f"{work}/sqlite-stats.json"))
    items = stats.get("items") or []
    if items:
        s = items[0].get("stats") or {}
        a = (s.get("actions") or [{}])[0]
        lines += ["", f"SQLite rule at the end: matched {s.get('matched')}, rows stored {a.get('passed')}, "
                  f"queued {a.get('queued')}, dropped {a.get('dropped')}, latency avg {a.get('latencyMs', {}).get('avg')} ms, "
                  f"max {a.get('latencyMs', {}).get('max')} ms."]
except (OSError, ValueError):
    pass
open(out, "w").write("\n".join(lines) + "\n")
PY
echo "rules.sh: wrote $OUT" >&2
