"""Persistent sessions: offline queueing at QoS 1/2, session expiry, offline
queue bound, DUP redelivery of unacknowledged messages."""

import re
import time

import pytest
from paho.mqtt.packettypes import PacketTypes

import mqttraw as raw
from conftest import IS_MOSQUITTO
from pahoclient import V5, V311, props, unique_id


def _persistent(clients, cid, version, expiry=300):
    c = clients.new(cid, version=version, clean_session=False)
    if version == V5:
        c.connect(clean_start=False, properties=props(PacketTypes.CONNECT, SessionExpiryInterval=expiry))
    else:
        c.connect()
    return c


@pytest.mark.parametrize("qos", [1, 2])
@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_offline_messages_delivered_in_order(broker, clients, version, qos):
    cid = unique_id("sess")
    c = _persistent(clients, cid, version)
    c.subscribe("s/q", qos)
    c.disconnect()

    p = clients.connected(version=version)
    for i in range(10):
        p.publish("s/q", f"m{i}".encode(), qos)

    c2 = _persistent(clients, cid, version)
    assert c2.session_present
    got = c2.wait_messages(10)
    assert [m.payload for m in got] == [f"m{i}".encode() for i in range(10)]
    assert all(m.qos == qos for m in got)
    c2.expect_none(0.3)


def test_session_expiry_zero_keeps_nothing(broker, clients):
    cid = unique_id("se0")
    c = clients.new(cid, version=V5)
    c.connect(clean_start=False)  # no Session Expiry Interval property = 0
    c.subscribe("s/zero", 1)
    c.disconnect()
    p = clients.connected()
    p.publish("s/zero", b"lost", 1)
    c2 = clients.new(cid, version=V5)
    c2.connect(clean_start=False)
    assert not c2.session_present
    c2.expect_none(0.5)


def test_session_expires_after_interval(broker, clients):
    cid = unique_id("se2")
    c = _persistent(clients, cid, V5, expiry=2)
    c.subscribe("s/exp", 1)
    c.disconnect()
    # still there shortly after the disconnect
    c2 = _persistent(clients, cid, V5, expiry=2)
    assert c2.session_present
    c2.disconnect()
    time.sleep(3.5 if not IS_MOSQUITTO else 6.5)
    p = clients.connected()
    p.publish("s/exp", b"after expiry", 1)
    c3 = clients.new(cid, version=V5)
    c3.connect(clean_start=False, properties=props(PacketTypes.CONNECT, SessionExpiryInterval=2))
    assert not c3.session_present, "session should have expired 2 s after the disconnect"
    c3.expect_none(0.5)


def _subscribe_then_leave(broker, cid, version):
    """A persistent session subscribed to s/bound whose client has left, and
    the broker knows it: the client waits for the broker to close the
    connection after its DISCONNECT (a client that only closes its own side
    races the messages published next, which could still reach the session
    while it is online)."""
    kw = {"clean": False}
    if version == V5:
        kw["properties"] = raw.props(raw.prop(raw.P_SESSION_EXPIRY, 300))
    with raw.RawClient(broker.host, broker.port, version=version) as r:
        assert r.connect(cid, **kw).reason == 0
        assert r.subscribe("s/bound", 1).payload == b"\x01"
        r.send(raw.disconnect())
        r.wait_closed()


@pytest.mark.broker_config({"mqtt": {"max_queued_messages": 5}})
def test_offline_queue_bound(broker, clients):
    cid = unique_id("bound")
    _subscribe_then_leave(broker, cid, V311)
    p = clients.connected()
    for i in range(10):
        p.publish("s/bound", str(i).encode(), 1)
    c2 = _persistent(clients, cid, V311)
    got = [int(m.payload) for m in c2.wait_messages(5)]
    c2.expect_none(0.7)
    assert got == sorted(got)
    if not IS_MOSQUITTO:
        # default queue_overflow = "drop-oldest": the newest 5 survive
        assert got == [5, 6, 7, 8, 9]
    assert re.search(r"drop", broker.log, re.IGNORECASE), "the broker log should mention dropped messages"


@pytest.mark.thingstead_only("queue_overflow is a thingstead option")
@pytest.mark.broker_config({"mqtt": {"max_queued_messages": 5, "queue_overflow": "drop-new"}})
def test_offline_queue_bound_drop_new(broker, clients):
    cid = unique_id("boundnew")
    _subscribe_then_leave(broker, cid, V5)
    p = clients.connected()
    for i in range(10):
        p.publish("s/bound", str(i).encode(), 1)
    c2 = _persistent(clients, cid, V5)
    got = [int(m.payload) for m in c2.wait_messages(5)]
    c2.expect_none(0.7)
    assert got == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("version", [4, 5])
def test_dup_redelivery_after_reconnect(broker, clients, version):
    cid = unique_id("dup")
    ckw = {"clean": False}
    if version == 5:
        ckw["properties"] = raw.props(raw.prop(raw.P_SESSION_EXPIRY, 300))
    with raw.RawClient(broker.host, broker.port, version=version) as r:
        assert r.connect(cid, **ckw).reason == 0
        assert r.subscribe("s/dup", 1).payload == b"\x01"
        p = clients.connected()
        p.publish("s/dup", b"unacked", 1)
        first = r.expect(raw.PUBLISH)
        assert (first.payload, first.qos, first.dup) == (b"unacked", 1, False)
        # no PUBACK; drop the connection
    with raw.RawClient(broker.host, broker.port, version=version) as r:
        ack = r.connect(cid, **ckw)
        assert ack.session_present
        again = r.expect(raw.PUBLISH)
        assert again.payload == b"unacked"
        assert again.qos == 1
        assert again.dup, "a redelivered QoS 1 PUBLISH must have DUP=1"
        assert again.packet_id == first.packet_id
        r.send(raw.ack(raw.PUBACK, again.packet_id))
        # acknowledged: not sent a third time
        with pytest.raises(TimeoutError):
            r.read_packet(0.5)
    with raw.RawClient(broker.host, broker.port, version=version) as r:
        assert r.connect(cid, **ckw).session_present
        with pytest.raises(TimeoutError):
            r.read_packet(0.5)


def test_qos2_pubrel_resumed_after_reconnect(broker, clients):
    """Client received QoS 2 PUBLISH and sent PUBREC, then lost the connection:
    the broker resends PUBREL (not the PUBLISH) after reconnect."""
    cid = unique_id("q2r")
    with raw.RawClient(broker.host, broker.port) as r:
        r.connect(cid, clean=False)
        r.subscribe("s/q2r", 2)
        p = clients.connected()
        p.publish("s/q2r", b"two", 2)
        pub = r.expect(raw.PUBLISH)
        assert pub.qos == 2
        r.send(raw.ack(raw.PUBREC, pub.packet_id))
        rel = r.expect(raw.PUBREL)
        assert rel.packet_id == pub.packet_id
        # lose connection before PUBCOMP
    with raw.RawClient(broker.host, broker.port) as r:
        assert r.connect(cid, clean=False).session_present
        rel = r.expect(raw.PUBREL)
        assert rel.packet_id == pub.packet_id
        r.send(raw.ack(raw.PUBCOMP, pub.packet_id))
        with pytest.raises(TimeoutError):
            r.read_packet(0.5)
