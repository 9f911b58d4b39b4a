#!/usr/bin/env python3
"""Turns the JSON results of bench/compare.sh into docs/benchmarks.md.

Reads $WORK/<broker>-<scenario>.json (one `thingstead bench --json` object
each) and the machine facts compare.sh exports; writes $OUT.
"""
import json
import os

WORK = os.environ["WORK"]
OUT = os.environ["OUT"]
BROKERS = ["thingstead", "mosquitto", "aedes"]

# scenario -> (title, [(label, json path, better: "higher"/"lower"/"")])
LATENCY = [
    ("latency p50 (µs)", "latency_us.p50", "lower"),
    ("latency p99 (µs)", "latency_us.p99", "lower"),
    ("latency p99.9 (µs)", "latency_us.p99.9", "lower"),
]
BROKER = [
    ("broker CPU µs / delivered msg", "broker_cpu_us_per_msg", "lower"),
    ("broker RSS at end (KiB)", "broker_rss_kb", "lower"),
]
SUSTAINED = [
    ("broker CPU µs / delivered msg", "broker_cpu_us_per_msg", "lower"),
    ("latency p50 (µs)", "latency_us.p50", "lower"),
    ("latency p99 (µs)", "latency_us.p99", "lower"),
    ("broker RSS at end (KiB)", "broker_rss_kb", "lower"),
]
SCENARIOS = [
    ("fan-in-qos0-sustained",
     "Fan-in, QoS 0, highest rate sustained without loss (100 paced publishers, 2 shared-subscription consumers)",
     [("sent msg/s", "sent_per_s", "higher"), ("received msg/s", "received_per_s", "higher"),
      ("lost", "loss", "lower")] + SUSTAINED),
    ("fan-out-1000-sustained",
     "Fan-out, QoS 0, highest rate sustained without loss (1 paced publisher, 1,000 subscribers)",
     [("published msg/s", "sent_per_s", "higher"),
      ("deliveries/s", "deliveries_per_s", "higher"), ("lost deliveries", "loss", "lower")]
     + SUSTAINED),
    ("fan-in-qos0", "Fan-in, QoS 0, 100 publishers flat out, 1 subscriber",
     [("sent msg/s", "sent_per_s", "higher"), ("received msg/s", "received_per_s", "higher"),
      ("lost", "loss", "lower")] + LATENCY + BROKER),
    ("fan-in-qos1", "Fan-in, QoS 1 (inflight 64), 100 publishers flat out, 1 subscriber",
     [("sent msg/s", "sent_per_s", "higher"), ("acknowledged msg/s", "acked_per_s", "higher"),
      ("received msg/s", "received_per_s", "higher"), ("lost", "loss", "lower")]
     + LATENCY + BROKER),
    ("fan-in-qos1-paced", "Fan-in, QoS 1, 1,000 publishers × 20 msg/s (paced), 1 subscriber",
     [("received msg/s", "received_per_s", "higher"), ("lost", "loss", "lower")]
     + LATENCY + BROKER),
    ("fan-out-1000", "Fan-out, QoS 0, 1 publisher flat out, 1,000 subscribers",
     [("published msg/s", "sent_per_s", "higher"),
      ("deliveries/s", "deliveries_per_s", "higher"), ("lost deliveries", "loss", "lower")]
     + LATENCY + BROKER),
    ("p2p-100", "Request/reply, QoS 1, 100 device/backend pairs, ping-pong (1 outstanding each)",
     [("requests/s", "requests_per_s", "higher"), ("replies/s", "replies_per_s", "higher"),
      ("lost", "lost", "lower"),
      ("round trip p50 (µs)", "latency_us.p50", "lower"),
      ("round trip p99 (µs)", "latency_us.p99", "lower"),
      ("round trip p99.9 (µs)", "latency_us.p99.9", "lower"),
      ("broker CPU µs / round trip", "broker_cpu_us_per_round_trip", "lower"),
      ("broker RSS at end (KiB)", "broker_rss_kb", "lower")]),
    ("connect-10k", "Connect, 10,000 anonymous clients, 100 outstanding",
     [("connects/s", "connects_per_s", "higher"), ("failed", "failed", "lower"),
      ("not finished in time", "not_finished", "lower"),
      ("connect latency p50 (µs)", "connect_latency_us.p50", "lower"),
      ("connect latency p99 (µs)", "connect_latency_us.p99", "lower"),
      ("broker CPU µs / connect", "broker_cpu_us_per_connect", "lower")]),
    ("connect-signed-10k",
     "Connect, 10,000 devices signing in (Alibaba's scheme; mosquitto and Aedes let them in "
     "unchecked), "
     "100 outstanding",
     [("connects/s", "connects_per_s", "higher"), ("failed", "failed", "lower"),
      ("not finished in time", "not_finished", "lower"),
      ("connect latency p50 (µs)", "connect_latency_us.p50", "lower"),
      ("connect latency p99 (µs)", "connect_latency_us.p99", "lower"),
      ("broker CPU µs / connect", "broker_cpu_us_per_connect", "lower")]),
    ("idle-10k", "Idle, 10,000 connections held",
     [("connected", "connected", "higher"),
      ("broker KiB / connection", "broker_kb_per_connection", "lower"),
      ("broker RSS (KiB)", "broker_rss_kb", "lower"),
      ("dropped while idle", "dropped_while_idle", "lower")]),
]


def load(broker, scenario):
    try:
        with open(os.path.join(WORK, f"{broker}-{scenario}.json")) as f:
            return json.loads(f.read() or "{}")
    except (OSError, ValueError):
        return {}


def get(obj, path):
    # Keys may hold dots ("p99.9"): try the longest key first.
    if not path:
        return obj
    if not isinstance(obj, dict):
        return None
    if path in obj:
        return obj[path]
    parts = path.split(".")
    for i in range(len(parts) - 1, 0, -1):
        head = ".".join(parts[:i])
        if head in obj:
            return get(obj[head], ".".join(parts[i:]))
    return None


def fmt(v):
    if v is None:
        return "–"
    if isinstance(v, float):
        if abs(v) >= 100:
            return f"{v:,.0f}"
        return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def ratio(a, b):
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or b == 0:
        return "–"
    return f"{a / b:.2f}×"


lines = []
w = lines.append
w("# Benchmarks: Thingstead, mosquitto and Aedes")
w("")
w("Written by `bench/compare.sh` (the tables and the machine); the observations at the end")
w("are written by hand after a run. Timings never decide a test; they are measured by hand")
w("and committed. What the rules engine costs: `docs/benchmarks-rules.md` (`bench/rules.sh`).")
w("Property posts validated, stored and answered, and signed connects: `docs/benchmarks-props.md`.")
w("")
w("## Machine")
w("")
w(f"- CPU: {os.environ.get('MACHINE_CPU', '?')}, {os.environ.get('MACHINE_NPROC', '?')} cores"
  f" (`nproc`); memory {os.environ.get('MACHINE_MEM', '?')}")
w(f"- Kernel: {os.environ.get('MACHINE_KERNEL', '?')}")
w(f"- Thingstead: release preset (`-O2 -g`), commit {os.environ.get('TS_VERSION', '?')},"
  " `serve --allow-anonymous`, default threads (one per core), no TLS/WS/HTTP listeners")
w(f"- mosquitto: Debian's `{os.environ.get('MOSQUITTO_VERSION', '?')}`, `persistence false`,"
  " `allow_anonymous true`, otherwise default limits (single-threaded)")
aedes_version = os.environ.get("AEDES_VERSION") or ""
if aedes_version:
    w(f"- Aedes {aedes_version} (npm, `bench/aedes/`) on Node.js {os.environ.get('NODE_VERSION', '?')}:"
      " its default in-memory persistence, no authentication (single-threaded)")
else:
    w("- Aedes: not run (no Node.js on this machine)")
w(f"- Each measured window: {os.environ.get('DURATION')} s after a"
  f" {os.environ.get('WARMUP')} s warm-up; one broker loaded at a time, all on loopback.")
w("- The load generator (`thingstead bench`, 2 threads) runs on the same 2 cores as the"
  " broker under test.")
w("")
w("## Results")
w("")
w("Ratios are Thingstead / mosquitto and Thingstead / Aedes; the last column says which")
w("direction is better.")
w("The first two tables come from a bisection of the offered rate (a fresh broker per step):")
w("the highest rate at which nothing was lost and the consumers kept up (received ≥ 98 % of")
w("sent in the window). The others load the broker flat out (overload) or at a fixed pace.")
for key, title, rows in SCENARIOS:
    res = {b: load(b, key) for b in BROKERS}
    w("")
    w(f"### {title}")
    w("")
    w("| figure | Thingstead | mosquitto | Aedes | vs mosquitto | vs Aedes | better |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, path, better in rows:
        a, b, c = (get(res[broker], path) for broker in BROKERS)
        w(f"| {label} | {fmt(a)} | {fmt(b)} | {fmt(c)} | {ratio(a, b)} | {ratio(a, c)} | {better} |")
    notes = [f"{b}: {n}" for b in BROKERS for n in res[b].get("notes", [])]
    if not res["thingstead"] or not res["mosquitto"] or (aedes_version and not res["aedes"]):
        notes.append("a run failed or produced no result (see compare.sh's output)")
    for n in notes:
        w(f"\n> {n}")
w("")
w("## Commands")
w("")
w("Brokers:")
w("")
w("```")
w("thingstead serve --allow-anonymous --data-dir $(mktemp -d) --bind 127.0.0.1 \\")
w("    --mqtt-port PORT --ws-port 0 --tls-port 0 --http-port 0 --log-level warn")
w("/usr/sbin/mosquitto -c mosquitto.conf   # listener PORT 127.0.0.1, allow_anonymous true,")
w("                                        # persistence false, log_type error")
w("node bench/aedes/server.js PORT          # Aedes on 127.0.0.1:PORT")
w("```")
w("")
w("Load, the same for every broker (`PORT` and `PID` are the broker's):")
w("")
w("```")
seen = []
with open(os.environ["COMMANDS"]) as f:
    for line in f:
        line = line.strip()
        if line and line not in seen:
            seen.append(line)
for line in seen:
    w(line)
w("```")
w("")
w("Everything: `bench/compare.sh` (`BENCH_DURATION`, `BENCH_WARMUP` to change the window).")
w("")
w("## How to read these figures")
w("")
w("- Rates are over the measured window only. Loss counts every message sent since the")
w("  start (warm-up included) that had not arrived a second after the last delivery.")
w("- Latency is from the publisher's send stamp (taken when the message is queued in the")
w("  generator) to the subscriber's read, on the same steady clock. Flat out, it includes")
w("  time queued in the generator and the broker: it is latency under overload, not the")
w("  broker's best case. The paced QoS 1 run is the latency figure.")
w("- Broker CPU µs per message is the run time of the broker's threads over the window")
w("  (`/proc/PID/task/*/schedstat`, nanoseconds; the 10 ms ticks of `/proc/PID/stat` when a")
w("  thread came or went meanwhile) divided by the messages delivered in it. The generator")
w("  shares the two cores, so rates partly measure the generator; CPU per message does not.")
w("")
# What follows the marker in the existing file is written by hand after a
# run (what changed, observations): kept as it is.
MARKER = "<!-- Written by hand below this line; bench/compare.sh keeps it. -->"
w(MARKER)
tail = ""
try:
    with open(OUT) as f:
        old = f.read()
    if MARKER in old:
        tail = old.split(MARKER, 1)[1].lstrip("\n")
except OSError:
    pass
with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n" + ("\n" + tail if tail else ""))
