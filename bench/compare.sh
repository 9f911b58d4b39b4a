#!/usr/bin/env bash
# Runs the same `thingstead bench` scenarios against Thingstead, Debian's
# mosquitto and the Aedes broker from npm (Node.js), one broker at a time on
# this machine (loopback only), and writes docs/benchmarks.md with the
# figures, the ratios, the machine and the commands. Timings never gate anything: this is run by hand and the result
# committed.
#
#   bench/compare.sh               # ~20 minutes after the build (two rate bisections)
#   BENCH_DURATION=10 bench/compare.sh
#
# Every step is bounded: each bench run has a fixed duration and a timeout,
# and both brokers are killed on exit whatever happens.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

DURATION=${BENCH_DURATION:-5}
WARMUP=${BENCH_WARMUP:-1}
TS_PORT=${TS_PORT:-21883}
TS_HTTP_PORT=${TS_HTTP_PORT:-28080}
MQ_PORT=${MQ_PORT:-21884}
AEDES_PORT=${AEDES_PORT:-21885}
MOSQUITTO=${MOSQUITTO:-/usr/sbin/mosquitto}
OUT=${BENCH_OUT:-$ROOT/docs/benchmarks.md}

cmake --preset release >/dev/null
cmake --build --preset release --target thingstead
BIN=$ROOT/build/release/src/app/thingstead

# Aedes comes from npm (bench/aedes/package-lock.json); without Node.js its
# columns stay empty.
BROKERS=(thingstead mosquitto)
if command -v node >/dev/null && command -v npm >/dev/null; then
    if [ ! -d bench/aedes/node_modules/aedes ]; then
        npm ci --prefix bench/aedes --no-audit --no-fund >/dev/null
    fi
    BROKERS+=(aedes)
    AEDES_VERSION=$(node -p 'require("./bench/aedes/node_modules/aedes/package.json").version')
else
    echo "compare.sh: no Node.js here, Aedes is left out" >&2
    AEDES_VERSION=
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# Both brokers and the generator hold one descriptor per connection.
ulimit -n "$(ulimit -Hn)"

wait_for_port() {  # port: up to 10 s
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "compare.sh: nothing listening on port $1" >&2
    return 1
}

cat >"$WORK/mosquitto.conf" <<CONF
listener $MQ_PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
log_type error
CONF

# A fresh broker for every scenario: a backlog left by an overloaded run (a
# single-threaded broker can take many seconds to work through what closed
# publishers left in its socket buffers) would otherwise be delivered to the
# next run's subscribers and spoil its figures, and idle memory is measured
# from a clean start.
BROKER_PID=
start_broker() {  # thingstead|mosquitto|aedes [http: Thingstead's REST API on too]
    rm -rf "$WORK/ts-data"
    if [ "$1" = thingstead ]; then
        local http=0
        [ "${2:-}" = http ] && http=$TS_HTTP_PORT
        THINGSTEAD_ADMIN_TOKEN=bench "$BIN" serve --allow-anonymous --data-dir "$WORK/ts-data" \
            --bind 127.0.0.1 --mqtt-port "$TS_PORT" --ws-port 0 --tls-port 0 \
            --http-port "$http" --log-level warn >>"$WORK/thingstead.log" 2>&1 &
        BROKER_PID=$!
        PIDS+=("$BROKER_PID")
        wait_for_port "$TS_PORT"
        [ "$http" = 0 ] || wait_for_port "$http"
    elif [ "$1" = mosquitto ]; then
        "$MOSQUITTO" -c "$WORK/mosquitto.conf" >>"$WORK/mosquitto.log" 2>&1 &
        BROKER_PID=$!
        PIDS+=("$BROKER_PID")
        wait_for_port "$MQ_PORT"
    else
        node "$ROOT/bench/aedes/server.js" "$AEDES_PORT" >>"$WORK/aedes.log" 2>&1 &
        BROKER_PID=$!
        PIDS+=("$BROKER_PID")
        wait_for_port "$AEDES_PORT"
    fi
}
port_of() {  # broker
    case "$1" in
        thingstead) echo "$TS_PORT" ;;
        mosquitto) echo "$MQ_PORT" ;;
        aedes) echo "$AEDES_PORT" ;;
    esac
}
stop_broker() {
    kill "$BROKER_PID" 2>/dev/null || true
    wait "$BROKER_PID" 2>/dev/null || true
}

SCENARIOS=(
    "idle-10k|idle --clients 10000 --concurrency 100 --source-addresses 4"
    "fan-in-qos0|fan-in --publishers 100 --subscribers 1 --qos 0"
    "fan-in-qos1|fan-in --publishers 100 --subscribers 1 --qos 1 --inflight 64"
    "fan-in-qos1-paced|fan-in --publishers 1000 --subscribers 1 --qos 1 --rate 20 --source-addresses 2"
    "fan-out-1000|fan-out --subscribers 1000 --qos 0 --source-addresses 2"
    "p2p-100|p2p --pairs 100 --qos 1"
    "connect-10k|connect --clients 10000 --concurrency 100 --source-addresses 4"
)

COMMANDS="$WORK/commands.txt"
: >"$COMMANDS"
run() {  # broker-name port pid scenario-name args...
    local broker=$1 port=$2 pid=$3 name=$4
    shift 4
    local args=("$@" --port "$port" --broker-pid "$pid" --duration "$DURATION" --json)
    case "$name" in
        connect*) ;;                          # --duration is only its time limit
        idle*) ;;
        *) args+=(--warmup "$WARMUP") ;;
    esac
    echo "thingstead bench ${args[*]}" | sed -e "s/--broker-pid $pid/--broker-pid PID/" -e "s/--port $port/--port PORT/" >>"$COMMANDS"
    echo "== $broker $name" >&2
    # Generous bound: warm-up + duration + drain + connect phases.
    if ! timeout 120 "$BIN" bench "${args[@]}" >"$WORK/$broker-$name.json" 2>"$WORK/$broker-$name.err"; then
        echo "compare.sh: $broker $name failed: $(cat "$WORK/$broker-$name.err")" >&2
        echo '{}' >"$WORK/$broker-$name.json"
    fi
    kill -0 "$pid" 2>/dev/null || echo "compare.sh: $broker died during $name" >&2
}

# The highest rate a broker sustains without loss: bisection on the offered
# rate (paced publishers), a fresh broker per step. A step passes when nothing
# was lost and the subscribers kept up within the window (received >= 98 % of
# sent). The passing run with the highest rate is kept as <broker>-<name>.json.
sustains() {  # json-file
    python3 - "$1" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    sys.exit(1)
copies = r["parameters"].get("subscribers", 1) if r.get("scenario") == "fan-out" else 1
sent, got = r.get("sent_per_s") or 0, r.get("received_per_s") or 0
sys.exit(0 if sent > 0 and r.get("loss") == 0 and got >= 0.98 * sent * copies else 1)
PY
}
sweep() {  # broker name steps lo hi divisor args... (rate per publisher = total / divisor)
    local broker=$1 name=$2 steps=$3 lo=$4 hi=$5 divisor=$6
    shift 6
    local best="" mid lowest=$hi
    for _ in $(seq "$steps"); do
        mid=$(( (lo + hi) / 2 ))
        [ "$mid" -lt "$lowest" ] && lowest=$mid
        start_broker "$broker"
        run "$broker" "$(port_of "$broker")" "$BROKER_PID" "$name-step" "$@" --rate "$(( mid / divisor ))"
        sed -i '$d' "$COMMANDS"  # one line per sweep, below
        stop_broker
        if sustains "$WORK/$broker-$name-step.json"; then
            lo=$mid
            best=$mid
            cp "$WORK/$broker-$name-step.json" "$WORK/$broker-$name.json"
        else
            hi=$mid
        fi
    done
    if [ -z "$best" ]; then
        echo "{\"notes\": [\"no offered rate the bisection tried was sustained; the lowest was $lowest msg/s\"]}" \
            >"$WORK/$broker-$name.json"
    fi
    echo "thingstead bench $* --rate R --port PORT --broker-pid PID --duration $DURATION --json --warmup $WARMUP   # R bisected, $steps steps" >>"$COMMANDS"
    echo "== $broker $name: highest sustained rate found ${best:-none} (total offered msg/s)" >&2
}
SWEEPS=(
    # name|steps|low|high|divisor (publishers)|bench arguments
    "fan-in-qos0-sustained|7|5000|1600000|100|fan-in --publishers 100 --subscribers 2 --qos 0"
    "fan-out-1000-sustained|6|5|2000|1|fan-out --subscribers 1000 --qos 0 --source-addresses 2"
)
for entry in "${SWEEPS[@]}"; do
    IFS='|' read -r name steps lo hi divisor rest <<<"$entry"
    read -r -a args <<<"$rest"
    for broker in "${BROKERS[@]}"; do
        sweep "$broker" "$name" "$steps" "$lo" "$hi" "$divisor" "${args[@]}"
    done
done

for entry in "${SCENARIOS[@]}"; do
    name=${entry%%|*}
    read -r -a args <<<"${entry#*|}"
    for broker in "${BROKERS[@]}"; do
        start_broker "$broker"
        run "$broker" "$(port_of "$broker")" "$BROKER_PID" "$name" "${args[@]}"
        stop_broker
    done
done

# Devices signing in with Alibaba's scheme: Thingstead registers 10,000
# devices through its API and checks every signature; mosquitto and Aedes,
# which know nothing of them, let the same CONNECTs in unchecked.
SIGNED="connect --clients 10000 --concurrency 100 --source-addresses 4 --devices-csv $WORK/devices.csv"
start_broker thingstead http
export THINGSTEAD_SERVER=http://127.0.0.1:$TS_HTTP_PORT THINGSTEAD_TOKEN=bench
PK=$("$BIN" product create --name bench-connect --json |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["productKey"])')
"$BIN" device batch --product "$PK" --count 10000 --csv "$WORK/devices.csv" >/dev/null
read -r -a args <<<"$SIGNED"
run thingstead "$TS_PORT" "$BROKER_PID" connect-signed-10k "${args[@]}"
stop_broker
for broker in "${BROKERS[@]:1}"; do
    start_broker "$broker"
    run "$broker" "$(port_of "$broker")" "$BROKER_PID" connect-signed-10k "${args[@]}"
    stop_broker
done
sed -i "s#$WORK/devices.csv#DEVICES.csv#" "$COMMANDS"

MACHINE_CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
export MACHINE_CPU MACHINE_NPROC=$(nproc) MACHINE_KERNEL=$(uname -r)
export MACHINE_MEM=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
export MOSQUITTO_VERSION=$("$MOSQUITTO" -h 2>&1 | head -1) AEDES_VERSION
export NODE_VERSION=$(node --version 2>/dev/null || echo none)
export TS_VERSION=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
export DURATION WARMUP WORK COMMANDS OUT
python3 "$ROOT/bench/write_report.py"
echo "compare.sh: wrote $OUT" >&2
