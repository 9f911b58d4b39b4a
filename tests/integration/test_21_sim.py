"""`thingstead sim`: a fleet of simulated devices driven by a product's thing
model, against a running platform: registration, property posts within the
model's ranges, property sets adopted, sync (RRPC) and async services
answered, a clean stop on its duration and on signals, and clear errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from conftest import _thingstead_bin, free_port

pytestmark = pytest.mark.thingstead_only("the thingstead CLI and REST API")

TSL = {
    "properties": [
        {"identifier": "temperature", "name": "Temperature", "accessMode": "rw",
         "dataType": {"type": "float", "specs": {"min": "-40", "max": "120", "unit": "°C"}}},
        {"identifier": "mode", "name": "Mode", "accessMode": "rw",
         "dataType": {"type": "enum", "specs": {"0": "auto", "1": "manual", "2": "eco"}}},
    ],
    "events": [
        {"identifier": "alarm", "name": "Alarm", "type": "alert",
         "outputData": [{"identifier": "level", "name": "Level",
                         "dataType": {"type": "int", "specs": {"min": "0", "max": "5"}}}]},
    ],
    "services": [
        {"identifier": "calc", "name": "Calc", "callType": "sync",
         "inputData": [{"identifier": "a", "name": "A", "dataType": {"type": "int", "specs": {}}}],
         "outputData": [{"identifier": "sum", "name": "Sum",
                         "dataType": {"type": "int", "specs": {"min": "0", "max": "100"}}}]},
        {"identifier": "reboot", "name": "Reboot", "callType": "async",
         "inputData": [{"identifier": "delay", "name": "Delay",
                        "dataType": {"type": "int", "specs": {"min": "0", "max": "60"}}}],
         "outputData": []},
    ],
}

NAMES = ["sim_0001", "sim_0002", "sim_0003"]


def cli_env(platform, **extra) -> dict:
    env = dict(os.environ)
    env.update(THINGSTEAD_SERVER=f"http://{platform.host}:{platform.http_port}",
               THINGSTEAD_TOKEN=platform.admin_token)
    env.update(extra)
    return env


def start_sim(platform, pk, *args, env=None) -> subprocess.Popen:
    return subprocess.Popen([_thingstead_bin(), "sim", "--product", pk, "--port", str(platform.port),
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env or cli_env(platform))


def run_sim(platform, pk, *args, env=None, timeout=20.0) -> subprocess.CompletedProcess:
    return subprocess.run([_thingstead_bin(), "sim", "--product", pk, "--port", str(platform.port),
                           *args], capture_output=True, text=True, timeout=timeout,
                          env=env or cli_env(platform))


def wait_for(fn, timeout=6.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def product(api) -> str:
    pk = api.create_product()["productKey"]
    api.request("PUT", f"/products/{pk}/thing-model", TSL, expect=200)
    return pk


def latest(api, pk, dn) -> dict:
    items = api.get(f"/products/{pk}/devices/{dn}/properties", expect=200).json["items"]
    return {i["identifier"]: i for i in items}


def status(api, pk, dn) -> str | None:
    r = api.get(f"/products/{pk}/devices/{dn}")
    return r.json["status"] if r.status == 200 else None


def test_sim_fleet_posts_and_answers(platform):
    api = platform.api
    pk = product(api)
    proc = start_sim(platform, pk, "--devices", "3", "--interval-ms", "200", "--duration-s", "8",
                     "--json")
    try:
        # Registered and signed in.
        wait_for(lambda: all(status(api, pk, dn) == "online" for dn in NAMES), 6,
                 "3 simulated devices online")
        assert {d["deviceName"] for d in api.get(f"/products/{pk}/devices").json["items"]} == set(NAMES)

        # Property posts within the model's ranges.
        base = f"/products/{pk}/devices/sim_0001"
        t = wait_for(lambda: latest(api, pk, "sim_0001").get("temperature"), 5, "a temperature")
        assert -40 <= t["value"] <= 120, t
        m = wait_for(lambda: latest(api, pk, "sim_0001").get("mode"), 5, "a mode")
        assert m["value"] in (0, 1, 2), m

        # A property set is adopted: the next posts report it.
        api.post(f"{base}/properties", {"params": {"temperature": 33.5}}, expect=200)
        wait_for(lambda: latest(api, pk, "sim_0001")["temperature"]["value"] == 33.5, 5,
                 "the set temperature to be posted")

        # A sync service over RRPC answers within the timeout with valid output.
        t0 = time.monotonic()
        r = api.post(f"{base}/services/calc", {"params": {"a": 3}, "timeoutMs": 3000}, expect=200).json
        assert r["code"] == 200, r
        assert isinstance(r["data"]["sum"], int) and 0 <= r["data"]["sum"] <= 100, r
        assert time.monotonic() - t0 < 3

        # An async service gets a recorded reply.
        r = api.post(f"/products/{pk}/devices/sim_0002/services/reboot", {"params": {"delay": 1}},
                     expect=200).json
        call = wait_for(lambda: [c for c in api.get(f"/products/{pk}/devices/sim_0002/calls",
                                                    expect=200).json["items"]
                                 if c["messageId"] == r["messageId"] and c["status"] == "replied"],
                        5, "the reboot reply")[0]
        assert call["replyCode"] == 200, call

        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, f"stdout={out}\nstderr={err}"
    lines = [json.loads(ln) for ln in out.splitlines()]
    assert len(lines) >= 6, out  # one a second, and the totals at the end
    last = lines[-1]
    assert last["devices"] == 3 and last["online"] == 0, last
    assert last["posts"] >= 3 * 20 and last["replies200"] >= 3 * 15 and last["repliesOther"] == 0, last
    assert last["sets"] >= 1 and last["services"] >= 2 and last["errors"] == 0, last
    # Every device disconnected on the way out.
    wait_for(lambda: all(status(api, pk, dn) == "offline" for dn in NAMES), 5, "offline devices")


def test_sim_reuses_devices_and_stops_on_signals(platform):
    api = platform.api
    pk = product(api)
    existing = api.register(pk, "sim_0001")
    for sig in (signal.SIGINT, signal.SIGTERM):
        proc = start_sim(platform, pk, "--devices", "2", "--interval-ms", "100")
        try:
            header = proc.stdout.readline()
            assert "2 devices" in header, header
            totals = proc.stdout.readline()  # the first line of totals: running
            assert "online" in totals, totals
            wait_for(lambda: status(api, pk, "sim_0002") == "online", 5, "sim_0002 online")
            proc.send_signal(sig)
            rc = proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert rc == 0, proc.stderr.read()
        wait_for(lambda: status(api, pk, "sim_0001") == "offline", 5, "offline after the signal")
    # The device that existed kept its secret (it was read, not replaced).
    assert api.device(pk, "sim_0001")["deviceSecret"] == existing["deviceSecret"]


def test_sim_help_names_the_cap(platform):
    r = subprocess.run([_thingstead_bin(), "sim", "--help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0 and "500" in r.stdout, r.stdout
    r = run_sim(platform, "x", "--devices", "501")
    assert r.returncode == 2, r.stderr


def test_sim_errors_name_the_problem(platform):
    r = run_sim(platform, "a1NoSuchProd", "--duration-s", "1")
    assert r.returncode == 1 and "product a1NoSuchProd not found" in r.stderr, r.stderr

    pk = product(platform.api)
    r = run_sim(platform, pk, "--duration-s", "1", env=cli_env(platform, THINGSTEAD_TOKEN="wrong"))
    assert r.returncode == 1 and "refused the API token" in r.stderr, r.stderr

    dead = f"http://127.0.0.1:{free_port()}"
    r = run_sim(platform, pk, "--duration-s", "1", "--server", dead)
    assert r.returncode == 1 and f"cannot reach the platform API at {dead}" in r.stderr, r.stderr

    # No broker on the MQTT port: no device can sign in.
    r = subprocess.run([_thingstead_bin(), "sim", "--product", pk, "--devices", "2", "--port",
                        str(free_port()), "--duration-s", "5"], capture_output=True, text=True,
                       timeout=20, env=cli_env(platform))
    assert r.returncode == 1 and "no device could connect" in r.stderr, r.stderr


# `thingstead bench p2p`: the request/reply load generator, device and backend
# pairs over the test broker. Figures are never asserted, only that every
# request was answered and the report has its fields.
@pytest.mark.parametrize("qos", ["0", "1"])
def test_bench_p2p_pairs_answer_every_request(broker, qos):
    r = subprocess.run([_thingstead_bin(), "bench", "p2p", "--port", str(broker.port),
                        "--pairs", "5", "--qos", qos, "--duration", "1", "--warmup", "0",
                        "--broker-pid", str(broker.pid), "--json"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["scenario"] == "p2p" and rep["parameters"]["pairs"] == 5, rep
    assert rep["parameters"]["inflight_per_pair"] == 1, rep  # ping-pong by default
    assert rep["replies_per_s"] > 0 and rep["replies_total"] > 0, rep
    assert rep["lost"] == 0 and rep["connection_failures"] == 0, rep
    lat = rep["latency_us"]
    assert lat["samples"] > 0, rep
    for key in ("p50", "p99", "p99.9"):
        assert key in lat, rep
    assert "broker_cpu_us_per_round_trip" in rep and rep["broker_rss_kb"] > 0, rep


# `thingstead bench props`: signed-in devices post property values as fast as
# their replies allow; every post must be answered with code 200 and the
# values must be readable through the API. Figures are never asserted.
def test_bench_props_stores_every_post(platform):
    api = platform.api
    r = subprocess.run([_thingstead_bin(), "bench", "props", "--port", str(platform.port),
                        "--devices", "3", "--values", "2", "--inflight", "2", "--duration", "2",
                        "--warmup", "0", "--broker-pid", str(platform.pid), "--json"],
                       capture_output=True, text=True, timeout=60, env=cli_env(platform))
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    params = rep["parameters"]
    assert rep["scenario"] == "props" and params["devices"] == 3, rep
    assert params["values_per_post"] == 2 and params["inflight_per_device"] == 2, rep
    assert params["product_created"] is True, rep
    assert rep["stored_total"] > 0 and rep["values_stored_per_s"] > 0, rep
    assert rep["lost"] == 0 and rep["replies_not_200"] == 0, rep
    assert rep["connection_failures"] == 0 and rep["stored_total"] == rep["posts_total"], rep
    assert rep["values_stored_total"] == 2 * rep["stored_total"], rep
    lat = rep["reply_latency_us"]
    assert lat["samples"] > 0, rep
    for key in ("p50", "p99", "p99.9"):
        assert key in lat, rep
    assert "broker_cpu_us_per_stored_value" in rep and rep["broker_rss_kb"] > 0, rep

    # The bench's product: its devices, and the values they stored.
    pk = params["product"]
    names = [d["deviceName"] for d in api.get(f"/products/{pk}/devices").json["items"]]
    assert len(names) == 3, names
    for dn in names:
        props = latest(api, pk, dn)
        assert -40 <= props["temperature"]["value"] <= 120, props
        assert 0 <= props["humidity"]["value"] <= 100, props

    # Again on the same product, paced, with one value a post and the devices
    # registered through the API anew.
    r = subprocess.run([_thingstead_bin(), "bench", "props", "--port", str(platform.port),
                        "--product", pk, "--devices", "2", "--rate", "20", "--duration", "1",
                        "--warmup", "0", "--json"],
                       capture_output=True, text=True, timeout=60, env=cli_env(platform))
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["parameters"]["product_created"] is False, rep
    assert rep["stored_total"] > 0 and rep["lost"] == 0 and rep["replies_not_200"] == 0, rep
    assert len(api.get(f"/products/{pk}/devices").json["items"]) == 5


def test_bench_props_errors_name_the_problem(platform):
    pk = product(platform.api)  # temperature is its only number
    r = subprocess.run([_thingstead_bin(), "bench", "props", "--port", str(platform.port),
                        "--product", pk, "--values", "2", "--duration", "1", "--json"],
                       capture_output=True, text=True, timeout=30, env=cli_env(platform))
    assert r.returncode == 1 and "--values 2" in r.stderr, r.stderr
    r = subprocess.run([_thingstead_bin(), "bench", "props", "--port", str(platform.port),
                        "--duration", "1"], capture_output=True, text=True, timeout=30,
                       env=cli_env(platform, THINGSTEAD_TOKEN="wrong"))
    assert r.returncode == 1 and "refused the API token" in r.stderr, r.stderr


def bench_report(*args, env=None):
    """Runs `thingstead bench ARGS --json`; its report, once it exited 0."""
    r = subprocess.run([_thingstead_bin(), "bench", *args, "--json"],
                       capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


# `thingstead bench connect` signed in as registered devices: from the CSV
# `device batch --csv` writes, and registered by the bench itself.
def test_bench_connect_signs_in_as_devices(platform, tmp_path):
    pk = product(platform.api)
    csv = tmp_path / "devices.csv"
    r = subprocess.run([_thingstead_bin(), "device", "batch", "--product", pk, "--count", "4",
                        "--csv", str(csv)],
                       capture_output=True, text=True, timeout=30, env=cli_env(platform))
    assert r.returncode == 0, r.stderr
    for how in (["--devices-csv", str(csv)], ["--product", pk]):
        rep = bench_report("connect", "--port", str(platform.port), "--clients", "4",
                           "--concurrency", "2", "--duration", "10",
                           "--broker-pid", str(platform.pid), *how, env=cli_env(platform))
        assert rep["connected"] == 4 and rep["failed"] == 0, rep
        assert pk in rep["parameters"]["identity"], rep
    assert len(platform.api.get(f"/products/{pk}/devices").json["items"]) == 8


# `thingstead bench connect` / `idle` against the test broker (anonymous):
# every client connects, idle clients keep their connections alive with
# PINGREQs past the keep-alive, and failures are counted and named.
def test_bench_connect_and_idle_hold_their_clients(broker):
    rep = bench_report("connect", "--port", str(broker.port), "--clients", "50",
                       "--concurrency", "10", "--source-addresses", "2",
                       "--broker-pid", str(broker.pid))
    assert rep["connected"] == 50 and rep["failed"] == 0 and rep["not_finished"] == 0, rep
    assert rep["connect_latency_us"]["samples"] == 50, rep
    assert rep["broker_cpu_us_per_connect"] is not None, rep

    # Keep-alive 1 s held for 3.5 s: the broker drops a client silent for
    # 1.5 s, so only the pings keep these.
    rep = bench_report("idle", "--port", str(broker.port), "--clients", "20",
                       "--keepalive", "1", "--duration", "3.5", "--broker-pid", str(broker.pid))
    assert rep["connected"] == 20 and rep["dropped_while_idle"] == 0, rep
    assert rep["broker_kb_per_connection"] is not None, rep


def test_bench_connect_names_why_clients_failed(platform):
    # Nothing listens on the port.
    rep = bench_report("connect", "--port", str(free_port()), "--clients", "3")
    assert rep["connected"] == 0 and rep["failed"] == 3, rep
    assert any("Connection refused" in n for n in rep["notes"]), rep
    # The platform refuses anonymous clients.
    rep = bench_report("connect", "--port", str(platform.port), "--clients", "3")
    assert rep["connected"] == 0 and rep["failed"] == 3, rep
    assert any("Bad User Name or Password" in n for n in rep["notes"]), rep
