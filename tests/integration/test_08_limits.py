"""Limits that keep one client from exhausting the broker: memory and
connections before sign-in, retained messages, and log lines per flood.
(docs/limits.md lists each limit and its setting.)"""

from __future__ import annotations

import os
import re
import resource
import socket
import time

import pytest

import mqttraw as raw
from conftest import device_login

pytestmark = pytest.mark.thingstead_only("thingstead's own limits and settings")

SANITIZED = os.environ.get("THINGSTEAD_SANITIZED") == "1"


def _raise_fd_limit(n: int):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))


def _connect_header(claimed: int) -> bytes:
    """A CONNECT's fixed header claiming `claimed` bytes, and the first few."""
    return b"\x10" + raw.varint(claimed) + b"\x00\x04MQTT\x04\x02\x00\x3c"


def _open_claiming(broker, n: int, claimed: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.create_connection((broker.host, broker.port), timeout=5)
        s.sendall(_connect_header(claimed))
        socks.append(s)
    return socks


def _closed_by_peer(s: socket.socket, timeout: float = 5.0) -> bool:
    s.settimeout(timeout)
    try:
        while True:
            if not s.recv(4096):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def _metric(platform, name: str) -> int:
    text = platform.api.request("GET", "/metrics", expect=200).raw.decode()
    m = re.search(rf"^{name} (\d+)$", text, re.M)
    assert m, f"{name} not in /metrics"
    return int(m.group(1))


# ---------------------------------------------------------------- before sign-in
def test_oversized_connects_are_refused_from_their_header_and_memory_stays_flat(broker):
    """2,000 sockets that each claim a 1 MB CONNECT: refused at once (over
    max_connect_packet_size), the broker's memory does not follow the claims."""
    _raise_fd_limit(8192)
    before = broker.rss_kb()
    socks = _open_claiming(broker, 2000, 1_000_000)
    try:
        peak = broker.rss_kb()
        closed = sum(_closed_by_peer(s) for s in socks[:50])
        peak = max(peak, broker.rss_kb())
    finally:
        for s in socks:
            s.close()
    assert closed == 50, f"only {closed} of 50 oversized CONNECTs were refused"
    grown_mb = (peak - before) / 1024
    print(f"RSS before {before // 1024} MB, peak {peak // 1024} MB with 2,000 sockets claiming 1 MB")
    # A sanitized build starts far above 200 MB (its shadow memory): there
    # the growth is what the claims could have cost.
    if not SANITIZED:
        assert peak < 200 * 1024, f"broker RSS reached {peak // 1024} MB"
    assert grown_mb < 100, f"broker RSS grew by {grown_mb:.0f} MB"


@pytest.mark.broker_config({"mqtt": {"max_connect_packet_size": 1048576, "connect_timeout_ms": 30000}})
def test_read_buffers_grow_with_what_arrives_not_with_what_is_claimed(broker):
    """With a limit that lets 1 MB CONNECTs through, 1,000 clients that claim
    one and send a few bytes cost the broker what they sent, not 1 GB."""
    _raise_fd_limit(4096)
    before = broker.rss_kb()
    socks = _open_claiming(broker, 1000, 1_000_000)
    try:
        time.sleep(0.5)  # let the broker read what they sent (it answers nothing yet)
        peak = broker.rss_kb()
        assert broker.alive()
    finally:
        for s in socks:
            s.close()
    grown_mb = (peak - before) / 1024
    print(f"RSS grew {grown_mb:.0f} MB for 1,000 connections claiming 1 MB each")
    assert grown_mb < 150, f"broker RSS grew by {grown_mb:.0f} MB for 1,000 claimed megabytes"


@pytest.mark.broker_config({"mqtt": {"max_pending_connects_per_address": 8, "connect_timeout_ms": 30000}})
def test_connections_not_signed_in_are_limited_per_address(broker):
    """Past the per-address limit on connections that have not sent a whole
    CONNECT, a new one is closed at once; once they go, connecting works."""
    _raise_fd_limit(4096)
    # Each holds a partial CONNECT (accepted, not yet answered).
    holders = _open_claiming(broker, 40, 200)
    try:
        refused = 0
        for _ in range(20):
            with raw.RawClient(broker.host, broker.port) as c:
                try:
                    c.connect("late")
                except (raw.Closed, TimeoutError, ConnectionResetError):
                    refused += 1
        assert refused > 0, "no connection was refused past the per-address limit"
    finally:
        for s in holders:
            s.close()
    # The holders are gone: a client connects again.
    deadline = time.monotonic() + 10
    while True:
        try:
            with raw.RawClient(broker.host, broker.port) as c:
                assert c.connect("after").reason == 0
            break
        except (raw.Closed, TimeoutError, ConnectionResetError):
            assert time.monotonic() < deadline, "still refused after the pending connections closed"
            time.sleep(0.2)
    # A flood of refusals is a line per interval in the log, not a line each.
    lines = [l for l in broker.log.splitlines() if "connection(s) over the limits" in l]
    assert 1 <= len(lines) <= 3, lines


# ---------------------------------------------------------------- retained messages
def _device(platform, name):
    api = platform.api
    pk = api.create_product()["productKey"]
    dev = api.register(pk, name)
    return pk, dev


def _raw_device(platform, pk, dev, version):
    c = raw.RawClient(platform.host, platform.port, version=version)
    cid, user, pw = device_login(pk, dev["deviceName"], dev["deviceSecret"])
    assert c.connect(cid, username=user, password=pw).reason == 0
    return c


def _retained_seen(platform, topic_filter: str) -> dict[str, bytes]:
    with raw.RawClient(platform.host, platform.port, version=5) as app:
        assert app.connect(f"app-{time.monotonic_ns()}", username="app",
                           password=platform.admin_token).reason == 0
        app.subscribe(topic_filter, opts=1)
        seen = {}
        while True:
            try:
                p = app.read_packet(1.0)
            except TimeoutError:
                return seen
            if p.type == raw.PUBLISH:
                seen[p.topic] = p.payload


def _raw_app(platform, client_id, version):
    c = raw.RawClient(platform.host, platform.port, version=version)
    assert c.connect(client_id, username="app", password=platform.admin_token).reason == 0
    return c


@pytest.mark.broker_config({"mqtt": {"max_retained_per_client": 3, "max_retained_payload": 1000}})
def test_retained_messages_have_a_share_per_client_and_a_size_limit(platform):
    base = "/pk/retained/user"
    with _raw_app(platform, "retainer", 5) as c:
        reasons = []
        for i in range(5):
            c.send(raw.publish(f"{base}/r{i}", b"v%d" % i, qos=1, retain=True, packet_id=i + 1, version=5))
            reasons.append(c.expect(raw.PUBACK).reason)
        assert reasons == [0, 0, 0, 0x97, 0x97], [hex(r) for r in reasons]
        # Replacing one of its own topics is within its share.
        c.send(raw.publish(f"{base}/r0", b"again", qos=1, retain=True, packet_id=9, version=5))
        assert c.expect(raw.PUBACK).reason == 0
        # Too large to retain.
        c.send(raw.publish(f"{base}/r1", b"x" * 2000, qos=1, retain=True, packet_id=10, version=5))
        assert c.expect(raw.PUBACK).reason == 0x97
    # 3.1.1 cannot be told: the message is acknowledged, delivered, not retained.
    with _raw_app(platform, "retainer", 4) as c:
        c.send(raw.publish(f"{base}/r7", b"v7", qos=1, retain=True, packet_id=1))
        assert c.expect(raw.PUBACK).reason == 0
    seen = _retained_seen(platform, f"{base}/#")
    assert seen == {f"{base}/r0": b"again", f"{base}/r1": b"v1", f"{base}/r2": b"v2"}, seen
    assert _metric(platform, "thingstead_mqtt_retained_refused_total") == 4


def test_a_deleted_devices_retained_messages_go_with_it(platform):
    pk, dev = _device(platform, "gone")
    dn = dev["deviceName"]
    with _raw_device(platform, pk, dev, 4) as c:
        c.send(raw.publish(f"/{pk}/{dn}/user/update", b"mine", qos=1, retain=True, packet_id=1))
        c.expect(raw.PUBACK)
    # An application retains a command for the device on its topic.
    with raw.RawClient(platform.host, platform.port) as app:
        assert app.connect("app-retain", username="app", password=platform.admin_token).reason == 0
        app.send(raw.publish(f"/{pk}/{dn}/user/get", b"for-it", qos=1, retain=True, packet_id=1))
        app.expect(raw.PUBACK)
        app.send(raw.publish(f"/{pk}/other/user/get", b"not-its", qos=1, retain=True, packet_id=2))
        app.expect(raw.PUBACK)
    assert len(_retained_seen(platform, f"/{pk}/#")) == 3
    assert platform.api.delete(f"/products/{pk}/devices/{dn}").status in (200, 204)
    deadline = time.monotonic() + 5
    while True:
        seen = _retained_seen(platform, f"/{pk}/#")
        if seen == {f"/{pk}/other/user/get": b"not-its"}:
            break
        assert time.monotonic() < deadline, f"retained after the device was deleted: {seen}"
    # ... and they stay gone after a restart (cleared in the store too).
    platform.restart()
    assert _retained_seen(platform, f"/{pk}/#") == {f"/{pk}/other/user/get": b"not-its"}


# ---------------------------------------------------------------- log floods
def test_denied_publishes_are_counted_and_summarised_in_the_log(platform):
    pk, dev = _device(platform, "denied")
    with _raw_device(platform, pk, dev, 4) as c:
        for i in range(500):
            c.send(raw.publish(f"/{pk}/someone-else/user/update", b"x", qos=1, packet_id=i % 60000 + 1))
            c.expect(raw.PUBACK)
    assert _metric(platform, "thingstead_mqtt_publishes_denied_total") == 500
    lines = [l for l in platform.log.splitlines() if "may not publish" in l]
    assert 1 <= len(lines) <= 3, f"{len(lines)} log lines for 500 denied publishes"
