"""5.0 subscription options, subscription identifiers, shared subscriptions,
unsubscribe and UNSUBACK reason codes.  (Retain-as-published and retain
handling are covered in test_03_retained.py.)"""

import collections

import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.subscribeoptions import SubscribeOptions

import mqttraw as raw
from pahoclient import V5, V311, props, unique_id


def test_no_local(broker, clients):
    c = clients.connected(version=V5)
    c.subscribe("so/nl", options=SubscribeOptions(qos=1, noLocal=True))
    other = clients.connected(version=V5)
    c.publish("so/nl", b"mine", 1)
    c.expect_none(0.5)
    other.publish("so/nl", b"theirs", 1)
    assert c.wait_message().payload == b"theirs"

    # without no-local a client does get its own messages
    d = clients.connected(version=V5)
    d.subscribe("so/nl2", options=SubscribeOptions(qos=1, noLocal=False))
    d.publish("so/nl2", b"echo", 1)
    assert d.wait_message().payload == b"echo"


def test_subscription_options_combined(broker, clients):
    """noLocal + retainAsPublished + retainHandling=1 on one subscription."""
    p = clients.connected(version=V5)
    p.publish("so/combo", b"old", 1, retain=True)
    c = clients.connected(version=V5)
    opts = SubscribeOptions(qos=2, noLocal=True, retainAsPublished=True,
                            retainHandling=SubscribeOptions.RETAIN_SEND_IF_NEW_SUB)
    rc = c.subscribe("so/combo", options=opts)
    assert [r.value for r in rc] == [2]
    m = c.wait_message()
    assert (m.payload, m.retain) == (b"old", True)
    c.subscribe("so/combo", options=opts)  # not new: no retained resend
    c.publish("so/combo", b"self", 1, retain=True)  # no local
    c.expect_none(0.5)
    p.publish("so/combo", b"new", 1, retain=True)
    m = c.wait_message()
    assert (m.payload, m.retain, m.qos) == (b"new", True, 1)


def _sub_ids(m):
    return sorted(getattr(m.properties, "SubscriptionIdentifier", []) or [])


def test_subscription_identifiers(broker, clients):
    c = clients.connected(version=V5)
    c.subscribe("sid/#", 1, properties=props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=5))
    c.subscribe("sid/+", 1, properties=props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=7))
    c.subscribe("sid/none", 1)  # no identifier
    p = clients.connected(version=V5)

    p.publish("sid/a/b", b"deep", 1)  # only sid/#
    m = c.wait_message()
    assert m.payload == b"deep"
    assert _sub_ids(m) == [5]
    c.expect_none(0.3)

    p.publish("sid/a", b"both", 1)  # sid/# and sid/+
    got = c.drain(0.7)
    assert got and all(m.payload == b"both" for m in got)
    ids = sorted(i for m in got for i in _sub_ids(m))
    assert ids == [5, 7], f"subscription ids over {len(got)} deliveries: {ids}"

    p.publish("sid/none", b"n", 1)  # sid/#, sid/+ and sid/none (no id)
    got = c.drain(0.7)
    assert sorted(i for m in got for i in _sub_ids(m)) == [5, 7]


def test_subscription_identifier_on_retained(broker, clients):
    p = clients.connected(version=V5)
    p.publish("sid/ret", b"r", 1, retain=True)
    c = clients.connected(version=V5)
    c.subscribe("sid/ret", 1, properties=props(PacketTypes.SUBSCRIBE, SubscriptionIdentifier=42))
    m = c.wait_message()
    assert m.retain and _sub_ids(m) == [42]


def _share_member(clients, version, group="g", topic="sh/t", qos=1):
    c = clients.connected(version=version)
    c.subscribe(f"$share/{group}/{topic}", qos)
    return c


@pytest.mark.parametrize("versions", [(V5, V5), (V311, V5)], ids=["v5+v5", "v311+v5"])
def test_shared_subscription_distribution(broker, clients, versions):
    a = _share_member(clients, versions[0])
    b = _share_member(clients, versions[1])
    plain = clients.connected(version=V5)
    plain.subscribe("sh/t", 1)
    p = clients.connected(version=V5)
    for i in range(100):
        p.publish("sh/t", str(i).encode(), 1, wait=False)
    p.publish("sh/end", b"", 1)  # barrier for the publisher's queue

    # the non-shared subscriber gets everything
    assert sorted(int(m.payload) for m in plain.wait_messages(100, 15)) == list(range(100))
    got_a = [int(m.payload) for m in a.drain(0.5)]
    got_b = [int(m.payload) for m in b.drain(0.3)]
    assert got_a and got_b, f"both members should get some: a={len(got_a)} b={len(got_b)}"
    both = got_a + got_b
    dups = [k for k, n in collections.Counter(both).items() if n > 1]
    assert not dups, f"duplicates across the group: {dups}"
    assert sorted(both) == list(range(100))


def test_shared_subscription_member_leaves(broker, clients):
    a = _share_member(clients, V5)
    b = _share_member(clients, V5)
    p = clients.connected(version=V5)
    for i in range(10):
        p.publish("sh/t", f"x{i}".encode(), 1)
    assert len(a.drain(0.5)) + len(b.drain(0.2)) == 10
    b.disconnect()
    for i in range(20):
        p.publish("sh/t", f"y{i}".encode(), 1)
    got = [m.payload for m in a.wait_messages(20)]
    assert sorted(got) == sorted(f"y{i}".encode() for i in range(20))

    # two groups each get a copy
    g2 = _share_member(clients, V5, group="other")
    p.publish("sh/t", b"z", 1)
    assert a.wait_message().payload == b"z"
    assert g2.wait_message().payload == b"z"


def test_shared_subscription_unsubscribe(broker, clients):
    a = _share_member(clients, V5)
    b = _share_member(clients, V5)
    rc = b.unsubscribe("$share/g/sh/t")
    assert [r.value for r in rc] == [0]
    p = clients.connected()
    for i in range(10):
        p.publish("sh/t", str(i).encode(), 1)
    assert len(a.wait_messages(10)) == 10
    b.expect_none(0.3)


@pytest.mark.parametrize("version", [V311, V5], ids=["v311", "v5"])
def test_unsubscribe_stops_delivery(broker, clients, version):
    c = clients.connected(version=version)
    c.subscribe("us/a", 1)
    c.subscribe("us/b", 1)
    p = clients.connected()
    p.publish("us/a", b"1", 1)
    assert c.wait_message().payload == b"1"
    c.unsubscribe("us/a")
    p.publish("us/a", b"2", 1)
    p.publish("us/b", b"3", 1)
    m = c.wait_message()
    assert (m.topic, m.payload) == ("us/b", b"3")
    c.expect_none(0.3)


def test_unsuback_reason_codes_v5(broker):
    with raw.RawClient(broker.host, broker.port, version=5) as r:
        r.connect(unique_id("unsub"))
        r.subscribe("ua/x", 1)
        r.send(raw.unsubscribe(9, ["ua/x", "ua/never"], version=5))
        ack = r.expect(raw.UNSUBACK)
        assert ack.packet_id == 9
        assert list(ack.payload) == [0x00, 0x11], f"UNSUBACK reason codes {ack.payload!r}"


def test_unsuback_v311(broker):
    with raw.RawClient(broker.host, broker.port) as r:
        r.connect(unique_id("unsub3"))
        r.send(raw.unsubscribe(3, ["ua/never"]))
        ack = r.expect(raw.UNSUBACK)
        assert ack.packet_id == 3 and ack.body == b"\x00\x03"


def test_suback_multiple_filters(broker):
    with raw.RawClient(broker.host, broker.port, version=5) as r:
        r.connect(unique_id("subm"))
        r.send(raw.subscribe(4, [("m/a", 0), ("m/b", 1), ("m/c", 2)], version=5))
        ack = r.expect(raw.SUBACK)
        assert ack.packet_id == 4 and list(ack.payload) == [0, 1, 2]
