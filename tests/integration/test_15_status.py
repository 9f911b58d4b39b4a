"""Device status (PROTOCOL.md 3.16, API.md): inactive -> online -> offline in
the registry, status messages on /as/mqtt/status/{pk}/{dn}, disable / enable /
delete / rotateSecret acting on live connections, and secrets at rest."""

from __future__ import annotations

import datetime as dt
import json
import re
import time

import pytest

import mqttraw as raw
from conftest import device_login
from pahoclient import V5, V311

pytestmark = pytest.mark.thingstead_only("device registry and status")

STATUS_KEYS = {"status", "productKey", "deviceName", "time", "utcTime", "lastTime", "utcLastTime", "clientIp"}
CN_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$")
UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$")


def _setup(platform, n=1):
    api = platform.api
    pk = api.create_product()["productKey"]
    return api, pk, [api.register(pk, f"dev_{i}") for i in range(n)]


def wait_status(api, pk, dn, want: str, timeout: float = 3.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        d = api.device(pk, dn)
        if d["status"] == want:
            return d
        assert time.monotonic() < deadline, f"{pk}/{dn}: status {d['status']!r}, expected {want!r} within {timeout}s"
        time.sleep(0.05)


def now_ms() -> int:
    return int(time.time() * 1000)


def raw_device(platform, dev, version=5, secret=None) -> tuple[raw.RawClient, raw.Packet]:
    c = raw.RawClient(platform.host, platform.port, version=version)
    cid, user, pw = device_login(dev["productKey"], dev["deviceName"], secret or dev["deviceSecret"])
    return c, c.connect(cid, username=user, password=pw)


def _parse_utc(s: str) -> float:
    s = s.rstrip("Z")
    if "." not in s:
        s += ".000"
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=dt.timezone.utc).timestamp()


def check_status_message(msg, pk, dn, status, t0_ms, t1_ms):
    assert msg.topic == f"/as/mqtt/status/{pk}/{dn}", msg.topic
    body = json.loads(msg.payload)
    assert STATUS_KEYS <= set(body), f"missing keys {STATUS_KEYS - set(body)} in {body}"
    assert body["status"] == status and body["productKey"] == pk and body["deviceName"] == dn, body
    assert body["clientIp"] == "127.0.0.1", body
    for k in ("time", "lastTime"):
        assert CN_TIME.match(body[k]), f"{k}={body[k]!r} is not yyyy-MM-dd HH:mm:ss.SSS"
    for k in ("utcTime", "utcLastTime"):
        assert UTC_TIME.match(body[k]), f"{k}={body[k]!r} is not ISO-8601 UTC"
    t = _parse_utc(body["utcTime"])
    assert t0_ms / 1000 - 1 <= t <= t1_ms / 1000 + 1, f"utcTime {body['utcTime']} outside the test's window"
    assert _parse_utc(body["utcLastTime"]) <= t + 0.001, body
    # "time" is the same instant in UTC+8
    cn = dt.datetime.strptime(body["time"], "%Y-%m-%d %H:%M:%S.%f").replace(
        tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp()
    assert abs(cn - t) < 0.002, f"time {body['time']} is not utcTime {body['utcTime']} in UTC+8"
    return body


# ---------------------------------------------------------------- registry status
@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_inactive_online_offline(platform, pclients, version):
    api, pk, (dev,) = _setup(platform)
    dn = dev["deviceName"]
    d = api.device(pk, dn)
    assert d["status"] == "inactive" and d.get("lastOnlineTime") in (None, 0), d
    assert d.get("ipAddress") in (None, ""), d

    t0 = now_ms()
    c = pclients.device(dev, version=version)
    t1 = now_ms()
    d = wait_status(api, pk, dn, "online")
    assert t0 - 1000 <= d["lastOnlineTime"] <= t1 + 1000, (t0, d["lastOnlineTime"], t1)
    assert d["ipAddress"] == "127.0.0.1", d
    online_at = d["lastOnlineTime"]

    c.disconnect()
    d = wait_status(api, pk, dn, "offline")
    assert d["lastOnlineTime"] == online_at, d
    assert d["ipAddress"] == "127.0.0.1", d

    # online again; then a dropped connection (no DISCONNECT) also ends as offline
    time.sleep(0.01)
    c2 = pclients.device(dev, version=version)
    d = wait_status(api, pk, dn, "online")
    assert d["lastOnlineTime"] >= online_at
    c2.drop()
    wait_status(api, pk, dn, "offline")


def test_status_survives_restart(platform, pclients):
    api, pk, (dev, other) = _setup(platform, 2)
    c = pclients.device(dev)
    online = wait_status(api, pk, dev["deviceName"], "online")
    c.disconnect()
    wait_status(api, pk, dev["deviceName"], "offline")
    platform.restart()
    d = api.device(pk, dev["deviceName"])
    assert d["status"] == "offline" and d["lastOnlineTime"] == online["lastOnlineTime"], d
    assert d["ipAddress"] == "127.0.0.1"
    assert api.device(pk, other["deviceName"])["status"] == "inactive"
    # the device still signs in with the same secret after the restart
    pclients.device(dev)
    wait_status(api, pk, dev["deviceName"], "online")


def test_online_device_is_offline_after_restart(platform, pclients):
    """The broker stops with the device connected: it must not stay 'online'."""
    api, pk, (dev,) = _setup(platform)
    pclients.device(dev)
    wait_status(api, pk, dev["deviceName"], "online")
    platform.restart()
    assert api.device(pk, dev["deviceName"])["status"] == "offline"


# ---------------------------------------------------------------- status messages
@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_status_messages_reach_application(platform, pclients, version):
    api, pk, (dev,) = _setup(platform)
    dn = dev["deviceName"]
    app = pclients.app(version=version)
    app.subscribe("/as/mqtt/status/#", qos=1)
    other_app = pclients.app("app:other")  # application clients produce no status messages
    other_app.disconnect()
    app.expect_none(0.3)

    t0 = now_ms()
    c = pclients.device(dev, version=version)
    online = check_status_message(app.wait_message(3), pk, dn, "online", t0, now_ms())
    app.expect_none(0.2)

    t1 = now_ms()
    c.disconnect()
    offline = check_status_message(app.wait_message(3), pk, dn, "offline", t1, now_ms())
    assert _parse_utc(offline["utcTime"]) >= _parse_utc(online["utcTime"])
    app.expect_none(0.2)


def test_status_filter_per_device(platform, pclients):
    api, pk, (a, b) = _setup(platform, 2)
    app = pclients.app()
    app.subscribe(f"/as/mqtt/status/{pk}/{b['deviceName']}", qos=1)
    pclients.device(a)
    pclients.device(b)
    m = app.wait_message(3)
    assert m.topic == f"/as/mqtt/status/{pk}/{b['deviceName']}"
    app.expect_none(0.3)


# ---------------------------------------------------------------- disable / enable / delete
def test_disable_disconnects_v5_with_0x98_within_a_second(platform, pclients):
    api, pk, (dev,) = _setup(platform)
    dn = dev["deviceName"]
    app = pclients.app()
    app.subscribe("/as/mqtt/status/#", qos=1)
    c, ack = raw_device(platform, dev, 5)
    with c:
        assert ack.reason == 0
        assert json.loads(app.wait_message(3).payload)["status"] == "online"
        t0 = time.monotonic()
        r = api.post(f"/products/{pk}/devices/{dn}:disable", expect=200)
        assert r.json["status"] == "disabled", r
        seen = c.wait_closed(3)
        took = time.monotonic() - t0
        disc = [p for p in seen if p.type == raw.DISCONNECT]
        assert disc and disc[0].reason == 0x98, f"expected DISCONNECT 0x98 (administrative action), saw {seen}"
        assert took <= 1.0, f"disconnected {took:.2f}s after the disable request"
    assert json.loads(app.wait_message(3).payload)["status"] == "offline"
    assert api.device(pk, dn)["status"] == "disabled"

    c, ack = raw_device(platform, dev, 5)
    with c:
        assert ack.reason == 0x87, f"disabled device: CONNACK {ack.reason:#x}"
    c, ack = raw_device(platform, dev, 4)
    with c:
        assert ack.reason == 5, f"disabled device (3.1.1): CONNACK {ack.reason}"
    app.expect_none(0.2)

    r = api.post(f"/products/{pk}/devices/{dn}:enable", expect=200)
    assert r.json["status"] == "offline", r  # it has been online before
    assert api.device(pk, dn)["status"] == "offline"
    c, ack = raw_device(platform, dev, 5)
    with c:
        assert ack.reason == 0, f"re-enabled device: CONNACK {ack.reason:#x}"
        wait_status(api, pk, dn, "online")


def test_disable_disconnects_v311_within_a_second(platform, pclients):
    api, pk, (dev,) = _setup(platform)
    c = pclients.device(dev, version=V311)
    wait_status(api, pk, dev["deviceName"], "online")
    t0 = time.monotonic()
    api.post(f"/products/{pk}/devices/{dev['deviceName']}:disable", expect=200)
    assert c.wait_disconnected(3), "3.1.1 device still connected 3 s after disable"
    took = time.monotonic() - t0
    assert took <= 1.0, f"disconnected {took:.2f}s after the disable request"
    assert api.device(pk, dev["deviceName"])["status"] == "disabled"


def test_disable_leaves_other_devices_connected(platform, pclients):
    api, pk, (a, b) = _setup(platform, 2)
    ca = pclients.device(a)
    cb = pclients.device(b)
    api.post(f"/products/{pk}/devices/{a['deviceName']}:disable", expect=200)
    assert ca.wait_disconnected(2)
    assert not cb.wait_disconnected(0.5), "disabling dev_0 disconnected dev_1"
    assert api.device(pk, b["deviceName"])["status"] == "online"


def test_delete_disconnects_and_refuses(platform, pclients):
    api, pk, (dev,) = _setup(platform)
    dn = dev["deviceName"]
    c, ack = raw_device(platform, dev, 5)
    with c:
        assert ack.reason == 0
        wait_status(api, pk, dn, "online")
        t0 = time.monotonic()
        api.delete(f"/products/{pk}/devices/{dn}", expect=200)
        seen = c.wait_closed(3)
        took = time.monotonic() - t0
        disc = [p for p in seen if p.type == raw.DISCONNECT]
        assert all(p.reason == 0x98 for p in disc), f"expected DISCONNECT 0x98 if any, saw {seen}"
        assert took <= 1.0, f"disconnected {took:.2f}s after the delete"
    c, ack = raw_device(platform, dev, 5)
    with c:
        assert ack.reason == 0x87, f"deleted device: CONNACK {ack.reason:#x}"
    # registering the name again gives a new secret; the old one stays refused
    new = api.register(pk, dn)
    c, ack = raw_device(platform, dev, 4)
    with c:
        assert ack.reason == 4, f"old secret of a re-registered device: CONNACK {ack.reason}"
    c, ack = raw_device(platform, new, 4)
    with c:
        assert ack.reason == 0


def test_rotate_secret(platform, pclients):
    api, pk, (dev,) = _setup(platform)
    dn = dev["deviceName"]
    c, ack = raw_device(platform, dev, 4)
    c.close()
    assert ack.reason == 0
    r = api.post(f"/products/{pk}/devices/{dn}:rotateSecret", expect=200).json
    new_secret = r["deviceSecret"]
    assert new_secret != dev["deviceSecret"]
    for version, refused in ((4, 4), (5, 0x86)):
        c, ack = raw_device(platform, dev, version)
        c.close()
        assert ack.reason == refused, f"old secret after rotation (MQTT {version}): CONNACK {ack.reason:#x}"
        c, ack = raw_device(platform, dev, version, secret=new_secret)
        c.close()
        assert ack.reason == 0, f"new secret (MQTT {version}): CONNACK {ack.reason:#x}"
    # GET does not bring the old secret back
    assert api.device(pk, dn).get("deviceSecret") in (None, new_secret)


# ---------------------------------------------------------------- secrets at rest
def test_secrets_not_stored_in_plaintext(platform):
    api = platform.api
    prod = api.create_product()
    pk = prod["productKey"]
    devs = api.post(f"/products/{pk}/devices:batch", {"count": 20}, expect=201).json["items"]
    devs.append(api.register(pk, "single_dev"))
    rotated = api.post(f"/products/{pk}/devices/single_dev:rotateSecret", expect=200).json
    secrets = [d["deviceSecret"] for d in devs] + [rotated["deviceSecret"], prod["productSecret"]]
    assert all(len(s) >= 16 for s in secrets)

    def scan(when: str):
        files = [p for p in platform.data_dir.rglob("*") if p.is_file()]
        names = {p.name for p in files}
        assert "thingstead.db" in names, f"no thingstead.db in {sorted(names)}"
        for p in files:
            data = p.read_bytes()
            for s in secrets:
                for form in (s.encode(), s.encode().hex().encode(), s.encode("utf-16-le")):
                    assert form not in data, f"{when}: a secret is stored in plaintext in {p.name}"

    time.sleep(0.3)  # let write-behind happen
    scan("while running")
    platform.stop()
    scan("after shutdown")
    platform.start()
    # and the registry still knows the (encrypted) secrets after a restart
    c, ack = raw_device(platform, devs[0], 4)
    c.close()
    assert ack.reason == 0, f"device secret unusable after restart: CONNACK {ack.reason}"
    c, ack = raw_device(platform, devs[-1], 4, secret=rotated["deviceSecret"])
    c.close()
    assert ack.reason == 0
