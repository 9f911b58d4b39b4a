"""$SYS/broker/... statistics topics (sys_interval = 1)."""

import re
import time

import pytest

from conftest import IS_MOSQUITTO
from pahoclient import V5, V311

SYS_TOPICS = [
    "$SYS/broker/uptime",
    "$SYS/broker/clients/connected",
    "$SYS/broker/messages/received",
    "$SYS/broker/messages/sent",
    "$SYS/broker/bytes/received",
    "$SYS/broker/bytes/sent",
]

pytestmark = pytest.mark.broker_config({"mqtt": {"sys_interval": 1}})


def _value(payload: bytes) -> int:
    text = payload.decode()
    if IS_MOSQUITTO:
        text = text.removesuffix(" seconds")  # mosquitto's uptime format
    assert re.fullmatch(r"\d+", text), f"not a decimal number: {payload!r}"
    return int(text)


def _wait_value(client, topic, pred, timeout=6.0):
    """Read updates of `topic` until pred(value) holds; returns the value."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        try:
            m = client.wait_message(max(0.05, deadline - time.monotonic()))
        except AssertionError:
            break
        if m.topic != topic:
            continue
        v = _value(m.payload)
        seen.append(v)
        if pred(v):
            return v
    raise AssertionError(f"{topic}: condition not met within {timeout}s; values seen {seen}")


def test_sys_topics_published_and_retained(broker, clients):
    time.sleep(1.2)  # let at least one publication happen
    s = clients.connected()
    s.subscribe("$SYS/broker/#", 0)
    got = {}
    deadline = time.monotonic() + 4
    while set(SYS_TOPICS) - set(got) and time.monotonic() < deadline:
        try:
            m = s.wait_message(0.5)
        except AssertionError:
            continue
        got.setdefault(m.topic, m)
    missing = set(SYS_TOPICS) - set(got)
    assert not missing, f"missing $SYS topics: {sorted(missing)}"
    for t in SYS_TOPICS:
        _value(got[t].payload)
        assert got[t].retain, f"{t} should be retained"


def test_sys_clients_connected(broker, clients):
    s = clients.connected()
    s.subscribe("$SYS/broker/clients/connected", 0)
    base = _wait_value(s, "$SYS/broker/clients/connected", lambda v: v >= 1)
    extra = [clients.connected(version=V5 if i % 2 else V311) for i in range(3)]
    _wait_value(s, "$SYS/broker/clients/connected", lambda v: v == base + 3)
    for c in extra:
        c.disconnect()
    _wait_value(s, "$SYS/broker/clients/connected", lambda v: v == base)


def test_sys_messages_received_grows(broker, clients):
    s = clients.connected()
    s.subscribe("$SYS/broker/messages/received", 0)
    s.subscribe("$SYS/broker/bytes/received", 0)
    first = _wait_value(s, "$SYS/broker/messages/received", lambda v: True)
    bytes_first = _wait_value(s, "$SYS/broker/bytes/received", lambda v: True)
    p = clients.connected()
    for i in range(20):
        p.publish("sys/load", b"x" * 100, 1)
    _wait_value(s, "$SYS/broker/messages/received", lambda v: v >= first + 20)
    _wait_value(s, "$SYS/broker/bytes/received", lambda v: v >= bytes_first + 20 * 100)


def test_sys_messages_sent_grows(broker, clients):
    s = clients.connected()
    s.subscribe("$SYS/broker/messages/sent", 0)
    first = _wait_value(s, "$SYS/broker/messages/sent", lambda v: True)
    sub = clients.connected()
    sub.subscribe("sys/out", 0)
    p = clients.connected()
    for i in range(10):
        p.publish("sys/out", b"y", 1)
    sub.wait_messages(10)
    _wait_value(s, "$SYS/broker/messages/sent", lambda v: v >= first + 10)


def test_sys_uptime_increases(broker, clients):
    s = clients.connected()
    s.subscribe("$SYS/broker/uptime", 0)
    first = _wait_value(s, "$SYS/broker/uptime", lambda v: True)
    _wait_value(s, "$SYS/broker/uptime", lambda v: v >= first + 1, timeout=4)


@pytest.mark.thingstead_only("mosquitto still publishes static $SYS values with sys_interval 0")
@pytest.mark.broker_config({"mqtt": {"sys_interval": 0}})
def test_sys_disabled(broker, clients):
    s = clients.connected()
    s.subscribe("$SYS/#", 0)
    s.expect_none(2.0)
