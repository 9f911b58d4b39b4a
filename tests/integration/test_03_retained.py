"""Retained messages: set, replace, clear, delivery on subscribe, retain
handling 0/1/2, retain-as-published, retain flag on normal delivery."""

import pytest
from paho.mqtt.subscribeoptions import SubscribeOptions

from pahoclient import V5, V311

VERSIONS = pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])


@VERSIONS
def test_retained_delivered_on_subscribe(broker, clients, version):
    p = clients.connected(version=version)
    p.publish("r/a", b"one", 1, retain=True)
    s = clients.connected(version=version)
    s.subscribe("r/a", 1)
    m = s.wait_message()
    assert (m.topic, m.payload, m.retain, m.qos) == ("r/a", b"one", True, 1)
    s.expect_none(0.3)


@VERSIONS
def test_retained_replace_and_clear(broker, clients, version):
    p = clients.connected(version=version)
    p.publish("r/b", b"first", 1, retain=True)
    p.publish("r/b", b"second", 1, retain=True)
    s = clients.connected(version=version)
    s.subscribe("r/b", 1)
    m = s.wait_message()
    assert (m.payload, m.retain) == (b"second", True)
    s.expect_none(0.3)

    # clearing with an empty payload: delivered normally to current subscribers ...
    p.publish("r/b", b"", 1, retain=True)
    m = s.wait_message()
    assert m.payload == b""
    # ... and nothing is retained any more
    s2 = clients.connected(version=version)
    s2.subscribe("r/b", 1)
    s2.expect_none(0.5)


def test_retained_wildcard_subscribe_and_qos_downgrade(broker, clients):
    p = clients.connected()
    for i, q in enumerate((0, 1, 2)):
        p.publish(f"r/w/{i}", f"v{i}".encode(), q, retain=True)
    p.publish("r/other", b"no", 1, retain=True)
    s = clients.connected()
    s.subscribe("r/w/+", 1)
    got = sorted((m.topic, m.payload, m.qos, m.retain) for m in s.wait_messages(3))
    assert got == [("r/w/0", b"v0", 0, True), ("r/w/1", b"v1", 1, True), ("r/w/2", b"v2", 1, True)]
    s.expect_none(0.3)


def test_retain_flag_false_on_normal_delivery_v311(broker, clients):
    s = clients.connected()
    s.subscribe("r/live", 1)
    p = clients.connected()
    p.publish("r/live", b"x", 1, retain=True)
    m = s.wait_message()
    assert m.payload == b"x"
    assert not m.retain, "3.1.1: retain must be 0 when delivered to an existing subscription"


def test_retain_as_published(broker, clients):
    rap = clients.connected(version=V5)
    rap.subscribe("r/rap", options=SubscribeOptions(qos=1, retainAsPublished=True))
    norap = clients.connected(version=V5)
    norap.subscribe("r/rap", options=SubscribeOptions(qos=1, retainAsPublished=False))
    p = clients.connected(version=V5)
    p.publish("r/rap", b"ret", 1, retain=True)
    p.publish("r/rap", b"plain", 1, retain=False)
    assert [(m.payload, m.retain) for m in rap.wait_messages(2)] == [(b"ret", True), (b"plain", False)]
    assert [(m.payload, m.retain) for m in norap.wait_messages(2)] == [(b"ret", False), (b"plain", False)]
    # the retained copy sent on subscribe always has retain=1, whatever RAP says
    late = clients.connected(version=V5)
    late.subscribe("r/rap", options=SubscribeOptions(qos=1, retainAsPublished=False))
    m = late.wait_message()
    assert (m.payload, m.retain) == (b"ret", True)


def test_retain_handling(broker, clients):
    p = clients.connected(version=V5)
    p.publish("r/rh", b"kept", 1, retain=True)

    # 0: send retained at every subscribe, even a repeated one
    s0 = clients.connected(version=V5)
    opts0 = SubscribeOptions(qos=1, retainHandling=SubscribeOptions.RETAIN_SEND_ON_SUBSCRIBE)
    s0.subscribe("r/rh", options=opts0)
    assert s0.wait_message().payload == b"kept"
    s0.subscribe("r/rh", options=opts0)
    assert s0.wait_message().payload == b"kept"

    # 1: only when the subscription did not exist yet
    s1 = clients.connected(version=V5)
    opts1 = SubscribeOptions(qos=1, retainHandling=SubscribeOptions.RETAIN_SEND_IF_NEW_SUB)
    s1.subscribe("r/rh", options=opts1)
    assert s1.wait_message().payload == b"kept"
    s1.subscribe("r/rh", options=opts1)
    s1.expect_none(0.5)

    # 2: never on subscribe, but live messages still flow
    s2 = clients.connected(version=V5)
    s2.subscribe("r/rh", options=SubscribeOptions(qos=1, retainHandling=SubscribeOptions.RETAIN_DO_NOT_SEND))
    s2.expect_none(0.5)
    p.publish("r/rh", b"live", 1)
    assert s2.wait_message().payload == b"live"


def test_retained_not_matched_by_hash_for_dollar_topics(broker, clients):
    p = clients.connected()
    p.publish("$rt/x", b"hidden", 1, retain=True)
    p.publish("rt/x", b"shown", 1, retain=True)
    s = clients.connected()
    s.subscribe("#", 0)
    got = [m for m in s.drain(0.7) if not m.topic.startswith("$SYS")]
    assert [(m.topic, m.payload) for m in got] == [("rt/x", b"shown")]
    s2 = clients.connected()
    s2.subscribe("$rt/#", 0)
    assert s2.wait_message().payload == b"hidden"
