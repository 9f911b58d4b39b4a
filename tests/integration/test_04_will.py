"""Last will: network loss, normal disconnect, keepalive timeout, 5.0 will
delay, DISCONNECT 0x04."""

import time

import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.reasoncodes import ReasonCodes

import mqttraw as raw
from pahoclient import V5, V311, props, unique_id

VERSIONS = pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])


def _watcher(clients, topic="will/#"):
    w = clients.connected(version=V5)
    w.subscribe(topic, 1)
    return w


@VERSIONS
def test_will_on_network_loss(broker, clients, version):
    w = _watcher(clients)
    c = clients.new(version=version)
    c.connect(will={"topic": "will/loss", "payload": b"lost", "qos": 1})
    c.drop()
    m = w.wait_message(5)
    assert (m.topic, m.payload, m.qos) == ("will/loss", b"lost", 1)


@VERSIONS
def test_no_will_after_normal_disconnect(broker, clients, version):
    w = _watcher(clients)
    c = clients.new(version=version)
    c.connect(will={"topic": "will/normal", "payload": b"should not", "qos": 1})
    c.disconnect()
    w.expect_none(1.0)


def test_will_retained(broker, clients):
    c = clients.new()
    c.connect(will={"topic": "will/ret", "payload": b"offline", "qos": 1, "retain": True})
    w = _watcher(clients)
    c.drop()
    assert w.wait_message(5).payload == b"offline"
    late = clients.connected()
    late.subscribe("will/ret", 1)
    m = late.wait_message()
    assert (m.payload, m.retain) == (b"offline", True)


def test_will_on_keepalive_timeout(broker, clients):
    w = _watcher(clients)
    with raw.RawClient(broker.host, broker.port) as r:
        r.connect(unique_id("kaw"), keepalive=1, will={"topic": "will/ka", "payload": b"timeout", "qos": 1})
        # stop talking; mosquitto's keepalive check is coarse (~6 s), ours ~1.5 s
        m = w.wait_message(10)
        assert (m.topic, m.payload) == ("will/ka", b"timeout")


def test_will_sent_on_disconnect_0x04(broker, clients):
    w = _watcher(clients)
    c = clients.new(version=V5)
    c.connect(will={"topic": "will/x04", "payload": b"asked", "qos": 1})
    c.disconnect(reasoncode=ReasonCodes(PacketTypes.DISCONNECT, "Disconnect with will message"))
    m = w.wait_message(5)
    assert (m.topic, m.payload) == ("will/x04", b"asked")


def test_will_sent_on_disconnect_0x04_raw(broker, clients):
    w = _watcher(clients)
    with raw.RawClient(broker.host, broker.port, version=5) as r:
        r.connect(unique_id("x04"), will={"topic": "will/x04raw", "payload": b"bye", "qos": 0})
        r.send(raw.disconnect(0x04))
        r.wait_closed(3)
    assert w.wait_message(5).payload == b"bye"


def _will_delay_client(clients, cid, delay, expiry=60):
    c = clients.new(cid, version=V5)
    c.connect(clean_start=False,
              properties=props(PacketTypes.CONNECT, SessionExpiryInterval=expiry),
              will={"topic": "will/delay", "payload": b"delayed", "qos": 1,
                    "properties": props(PacketTypes.WILLMESSAGE, WillDelayInterval=delay)})
    return c


def test_will_delay_interval(broker, clients):
    w = _watcher(clients)
    c = _will_delay_client(clients, unique_id("wd"), 2)
    t0 = time.monotonic()
    c.drop()
    m = w.wait_message(6)
    elapsed = time.monotonic() - t0
    assert m.payload == b"delayed"
    assert elapsed >= 1.8, f"will published after {elapsed:.2f}s, before its 2 s delay"


def test_will_delay_cancelled_by_reconnect(broker, clients):
    w = _watcher(clients)
    cid = unique_id("wdr")
    c = _will_delay_client(clients, cid, 2)
    c.drop()
    time.sleep(0.3)
    c2 = clients.new(cid, version=V5)
    c2.connect(clean_start=False, properties=props(PacketTypes.CONNECT, SessionExpiryInterval=60))
    assert c2.session_present
    w.expect_none(3.0)


def test_will_delay_capped_by_session_expiry(broker, clients):
    # The will is sent when the session ends, if that is before the will delay.
    w = _watcher(clients)
    c = _will_delay_client(clients, unique_id("wdse"), delay=30, expiry=1)
    t0 = time.monotonic()
    c.drop()
    m = w.wait_message(8)
    assert m.payload == b"delayed"
    assert time.monotonic() - t0 < 8
