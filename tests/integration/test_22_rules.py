"""Rules engine and data forwarding with real parts: a device posts
properties over MQTT (paho), a rule `WHERE temperature > 38` forwards the
matching ones, reshaped, to an HTTP receiver, a PostgreSQL table on a real
server, the embedded SQLite database, a NATS JetStream stream on a real
nats-server, and as a command to another device's topic (received by that
device over MQTT). A webhook that is down for a while loses nothing: every
row arrives or is in the error action with its reason, and the counts add up."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time

import pytest

from natsclient import NatsClient
from servers import HttpReceiver, Nats, Postgres

pytestmark = pytest.mark.thingstead_only("rules engine and REST API")

TSL = {
    "properties": [
        {"identifier": "temperature", "name": "Temperature", "accessMode": "rw",
         "dataType": {"type": "float", "specs": {"min": "-40", "max": "120"}}},
    ],
    "events": [], "services": [],
}


def _wait_for(fn, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def postgres():
    pg = Postgres()
    yield pg
    pg.stop()


@pytest.fixture(scope="module")
def nats():
    n = Nats()
    yield n
    n.stop()


@pytest.fixture
def receiver():
    r = HttpReceiver()
    yield r
    r.stop()


def _setup_devices(api, pclients):
    pk = api.create_product()["productKey"]
    api.request("PUT", f"/products/{pk}/thing-model", TSL, expect=200)
    api.post(f"/products/{pk}/topic-classes",
             {"topic": f"/{pk}/${{deviceName}}/user/cmd", "permission": "sub"}, expect=201)
    sensor = api.register(pk, "sensor1")
    fan = api.register(pk, "fan1")
    return pk, sensor, fan


def _post(client, pk, dn, temperature, msg_id):
    payload = {"id": str(msg_id), "version": "1.0", "method": "thing.event.property.post",
               "params": {"temperature": temperature}}
    client.publish(f"/sys/{pk}/{dn}/thing/event/property/post", json.dumps(payload).encode(), qos=1)


def _rule(api, body, expect=201):
    return api.post("/rules", body, expect=expect).json


def test_threshold_rule_forwards_to_every_target(platform, pclients, receiver, postgres, nats):
    api = platform.api
    pk, sensor, fan = _setup_devices(api, pclients)
    postgres.sql("CREATE TABLE hot (dev text, t double precision, at bigint)")
    js = NatsClient("127.0.0.1", nats.port)
    js.add_stream("HOT", ["hot.>"])

    fan_client = pclients.device(fan)
    got_cmds = []
    fan_client.c.on_message = lambda c, u, m: got_cmds.append(json.loads(m.payload))
    fan_client.subscribe(f"/{pk}/fan1/user/cmd", qos=1)

    sql = (f'SELECT items.temperature.value AS t, deviceName() AS dev, timestamp() AS at '
           f'FROM "/{pk}/+/thing/event/property/post" WHERE items.temperature.value > 38')
    rule = _rule(api, {
        "name": "too-hot", "sql": sql,
        "actions": [
            {"type": "webhook", "url": receiver.url, "headers": {"X-Token": "s3cret"}},
            {"type": "database", "table": "hot", "connection": postgres.url,
             "columns": {"dev": "dev", "t": "t", "at": "at"}},
            {"type": "database", "table": "hot_local", "columns": {"dev": "dev", "t": "t"}},
            {"type": "nats", "url": nats.url, "subject": "hot.${dev}"},
            {"type": "republish", "topic": f"/{pk}/fan1/user/cmd", "qos": 1},
        ]})
    assert rule["enabled"] is True and rule["source"] == f"/{pk}/+/thing/event/property/post"

    dev = pclients.device(sensor)
    temps = [30.0, 39.5, 12.0, 40.0, 38.0, 41.25]
    for i, t in enumerate(temps):
        _post(dev, pk, "sensor1", t, i + 1)
    hot = [t for t in temps if t > 38]

    _wait_for(lambda: len(receiver.received()) >= len(hot), what="webhook rows")
    _wait_for(lambda: len(got_cmds) >= len(hot), what="commands on fan1")
    _wait_for(lambda: len(postgres.sql("SELECT t FROM hot")) >= len(hot), what="PostgreSQL rows")
    _wait_for(lambda: len(js.stream_messages("HOT")) >= len(hot), what="JetStream messages")
    time.sleep(0.5)  # nothing more may come

    bodies = receiver.received()
    assert sorted(b["t"] for b in bodies) == sorted(hot)
    assert all(set(b) == {"t", "dev", "at"} and b["dev"] == "sensor1" for b in bodies), bodies
    assert all(h.get("x-token") == "s3cret" for h in receiver.headers)
    assert all(h.get("content-type", "").startswith("application/json") for h in receiver.headers)

    assert sorted(c["t"] for c in got_cmds) == sorted(hot)

    rows = postgres.sql("SELECT dev, t, at FROM hot ORDER BY t")
    assert [(r[0], float(r[1])) for r in rows] == [("sensor1", t) for t in sorted(hot)]
    assert all(int(r[2]) > 1_700_000_000_000 for r in rows)

    msgs = js.stream_messages("HOT")
    assert sorted(m["data"]["t"] for m in msgs) == sorted(hot)
    assert {m["subject"] for m in msgs} == {"hot.sensor1"}

    local = sqlite3.connect(platform.workdir / "data" / "rules-data.db")
    assert sorted(r[0] for r in local.execute("SELECT t FROM hot_local")) == sorted(hot)

    stats = api.get(f"/rules/{rule['id']}", expect=200).json["stats"]
    assert stats["matched"] == len(temps) and stats["passed"] == len(hot), stats
    for a in stats["actions"]:
        assert a["passed"] == len(hot) and a["failed"] == 0 and a["dropped"] == 0, stats
    metrics = api.get("/metrics", expect=200).raw.decode()
    assert f'thingstead_rule_messages_total{{rule="too-hot",id="{rule["id"]}",outcome="passed"}} {len(hot)}' in metrics

    # Disabled: nothing more is forwarded; enabled again: it is.
    api.post(f"/rules/{rule['id']}:disable", expect=200)
    _post(dev, pk, "sensor1", 50.0, 100)
    time.sleep(0.5)
    assert len(receiver.received()) == len(hot)
    api.post(f"/rules/{rule['id']}:enable", expect=200)
    _post(dev, pk, "sensor1", 51.0, 101)
    _wait_for(lambda: len(receiver.received()) == len(hot) + 1, what="row after enable")
    js.close()


def test_webhook_down_then_back_loses_nothing(platform, pclients, receiver):
    api = platform.api
    pk, sensor, _ = _setup_devices(api, pclients)
    errors = HttpReceiver()
    try:
        sql = (f'SELECT items.temperature.value AS t, messageId() AS mid '
               f'FROM "/{pk}/+/thing/event/property/post"')
        rule = _rule(api, {
            "name": "resilient", "sql": sql,
            "actions": [{"type": "webhook", "url": receiver.url, "timeoutMs": 1000,
                         "retry": {"maxAttempts": 6, "initialBackoffMs": 100, "maxBackoffMs": 800},
                         "queueLimit": 20, "overflow": "dropNewest"}],
            "errorAction": {"type": "webhook", "url": errors.url}})
        dev = pclients.device(sensor)
        receiver.stop()
        n = 40
        for i in range(n):
            _post(dev, pk, "sensor1", float(i), i + 1)
        time.sleep(1.5)
        receiver.start()

        def settled():
            s = api.get(f"/rules/{rule['id']}", expect=200).json["stats"]
            a = s["actions"][0]
            return s if s["passed"] == n and a["passed"] + a["failed"] + a["dropped"] == n \
                and a["queued"] == 0 and s["errorAction"]["passed"] == a["failed"] + a["dropped"] else None

        stats = _wait_for(settled, timeout=30, what="every row delivered or in the error action")
        a = stats["actions"][0]
        delivered = {b["t"] for b in receiver.received()}
        failed = errors.received()
        in_error = {e["row"]["t"] for e in failed}
        assert delivered | in_error == {float(i) for i in range(n)}, (sorted(delivered), sorted(in_error))
        assert len(failed) == a["failed"] + a["dropped"]
        # The queue bound applied while the receiver was down, and was counted.
        assert a["dropped"] > 0 and a["retries"] > 0, a
        reasons = {e["reason"] for e in failed}
        assert "queue full" in reasons, reasons
        for e in failed:
            assert e["ruleName"] == "resilient" and e["action"]["type"] == "webhook"
            assert e["deviceName"] == "sensor1" and e["topic"].endswith("/thing/event/property/post")
    finally:
        errors.stop()


def test_webhook_that_never_recovers_ends_in_the_error_action(platform, pclients):
    api = platform.api
    pk, sensor, _ = _setup_devices(api, pclients)
    errors = HttpReceiver()
    refusing = HttpReceiver()
    refusing.status = 503
    try:
        rule = _rule(api, {
            "name": "doomed",
            "sql": f'SELECT * FROM "/{pk}/+/thing/event/property/post"',
            "actions": [{"type": "webhook", "url": refusing.url,
                         "retry": {"maxAttempts": 3, "initialBackoffMs": 50, "maxBackoffMs": 100}}],
            "errorAction": {"type": "webhook", "url": errors.url}})
        dev = pclients.device(sensor)
        for i in range(3):
            _post(dev, pk, "sensor1", 20.0 + i, i + 1)
        _wait_for(lambda: len(errors.received()) == 3, what="rows in the error action")
        e = errors.received()[0]
        assert "503" in e["reason"] and e["attempts"] == 3, e
        assert e["row"]["items"]["temperature"]["value"] == 20.0
        s = api.get(f"/rules/{rule['id']}", expect=200).json["stats"]
        assert s["actions"][0]["failed"] == 3 and s["actions"][0]["retries"] == 6, s
    finally:
        errors.stop()
        refusing.stop()


def test_status_and_validation_failure_sources(platform, pclients, receiver):
    api = platform.api
    pk, sensor, _ = _setup_devices(api, pclients)
    _rule(api, {"name": "status", "sql": f'SELECT status, deviceName() AS dev FROM "/as/mqtt/status/{pk}/+"',
                "actions": [{"type": "webhook", "url": receiver.url}]})
    _rule(api, {"name": "bad-data",
                "sql": f'SELECT deviceName() AS dev, checkFailedData FROM "/{pk}/+/thing/validation/failed"',
                "actions": [{"type": "webhook", "url": receiver.url}]})
    dev = pclients.device(sensor)
    _wait_for(lambda: {"status": "online", "dev": "sensor1"} in receiver.received(), what="online row")
    _post(dev, pk, "sensor1", 500.0, 1)  # out of range: refused and forwarded as a failure
    row = _wait_for(lambda: next((b for b in receiver.received() if "checkFailedData" in b), None),
                    what="validation failure row")
    assert row["dev"] == "sensor1" and row["checkFailedData"]["temperature"]["code"] == 6307, row
    dev.disconnect()
    _wait_for(lambda: {"status": "offline", "dev": "sensor1"} in receiver.received(), what="offline row")


def test_rule_api_errors_and_dry_run(platform):
    api = platform.api
    r = api.post("/rules", {"name": "broken", "sql": "SELECT a FROM \"t/#\" WHERE"}, expect=400)
    assert r.code == "InvalidRuleSql" and "line 1, column" in r.message, r
    r = api.post("/rules", {"name": "nofrom", "sql": "SELECT a\nWHERE a > 1"}, expect=400)
    assert "line 2, column 1" in r.message, r
    r = api.post("/rules", {"name": "badaction", "sql": 'SELECT * FROM "t/#"',
                            "actions": [{"type": "webhook", "url": "ftp://x"}]}, expect=400)
    assert r.code == "InvalidRuleAction" and "actions[0].url" in r.message, r
    r = api.post("/rules", {"name": "unknown", "sql": 'SELECT * FROM "t/#"',
                            "actions": [{"type": "carrier-pigeon"}]}, expect=400)
    assert "actions[0].type" in r.message, r
    api.get("/rules/999999", expect=404)

    r = api.post("/rules:test", {
        "sql": 'SELECT upper(name) AS n, temp * 2 AS d FROM "a/+/b" WHERE temp > 10',
        "topic": "a/x/b", "payload": {"name": "pump", "temp": 21},
        "actions": [{"type": "republish", "topic": "out/${n}"}]}, expect=200).json
    assert r["matched"] is True and r["rows"] == [{"n": "PUMP", "d": 42}], r
    assert r["actions"][0]["fires"] is True and r["actions"][0]["topic"] == "out/PUMP", r
    r = api.post("/rules:test", {"sql": 'SELECT * FROM "a/+/b" WHERE temp > 10', "topic": "a/x/b",
                                 "payload": {"temp": 3}}, expect=200).json
    assert r["rows"] == []


def test_webhook_url_values_are_encoded_and_credentials_sealed(platform, receiver):
    """Data in a URL template stays inside its path segment or query value;
    the Authorization header is sealed in the database file, masked by the
    API, and kept when a client sends the masked rule back."""
    api = platform.api
    secret = "Bearer integ-S3CRET-value"
    rule = _rule(api, {
        "name": "encoded", "sql": 'SELECT v FROM "/enc/+/user/data"',
        "actions": [{"type": "webhook", "url": receiver.url + "/${v}?q=${v}&k=1",
                     "headers": {"Authorization": secret, "X-Trace": "t1"}}]})
    assert rule["actions"][0]["headers"] == {"Authorization": "****", "X-Trace": "t1"}
    hostile = ["../../admin?x=1#", "a&b=c", "%2e%2e", "a b+c"]
    for v in hostile:
        api.publish("/enc/d1/user/data", json.dumps({"v": v}).encode())
    _wait_for(lambda: len(receiver.received()) == len(hostile), what="every row delivered")
    assert receiver.paths == [
        "/hook/..%2F..%2Fadmin%3Fx%3D1%23?q=..%2F..%2Fadmin%3Fx%3D1%23&k=1",
        "/hook/a%26b%3Dc?q=a%26b%3Dc&k=1",
        "/hook/%252e%252e?q=%252e%252e&k=1",
        "/hook/a%20b%2Bc?q=a%20b%2Bc&k=1",
    ]
    assert all(h["authorization"] == secret for h in receiver.headers)

    # Shown masked; a PATCH that sends the masked rule back keeps the secret.
    shown = api.get(f"/rules/{rule['id']}", expect=200).json
    assert shown["actions"][0]["headers"]["Authorization"] == "****"
    listed = api.get("/rules", expect=200).json
    assert secret not in json.dumps(listed) and secret not in json.dumps(shown)
    api.request("PATCH", f"/rules/{rule['id']}",
                {"description": "edited", "actions": shown["actions"]}, expect=200)
    api.publish("/enc/d1/user/data", json.dumps({"v": "after"}).encode())
    _wait_for(lambda: len(receiver.received()) == len(hostile) + 1, what="the row after the PATCH")
    assert receiver.headers[-1]["authorization"] == secret

    # At rest: sealed in the database files, which only the owner may read.
    data_dir = platform.data_dir
    files = [p for p in data_dir.iterdir() if p.name.startswith("thingstead.db")]
    assert files
    for p in files:
        assert b"integ-S3CRET" not in p.read_bytes(), p
        assert stat.S_IMODE(os.stat(p).st_mode) == 0o600, p
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
