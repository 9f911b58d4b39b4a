"""Backpressure: a subscriber that cannot keep up pauses the publishers feeding it.

DESIGN.md, "Backpressure, not collapse": when a subscriber's queue is over its
high-water mark the broker stops reading the clients that publish into it,
instead of queueing without bound or dropping acknowledged QoS 1 messages.
These tests assert behaviour, never timing: the bounds hold however slow or
fast the broker is, and the final checks wait for completion.
"""

from __future__ import annotations

import socket
import time

import pytest

import mqttraw as m

MAX_INFLIGHT = 5
MAX_QUEUED = 20
PER_PUBLISHER = 150
# A client's messages to one session are queued in runs of up to this many
# (Broker::kDeliveryRun), and a run that fills the queue pauses its
# publisher after the run: the queue's bound is max_queued_messages plus one
# run per publisher.
DELIVERY_RUN = 32

pytestmark = pytest.mark.thingstead_only("mosquitto drops from a full queue instead of pausing publishers")

CONFIG = {"mqtt": {"max_inflight": MAX_INFLIGHT, "max_queued_messages": MAX_QUEUED}}


def _publish_burst(c: m.RawClient, name: str, count: int) -> dict[int, bytes]:
    """Sends `count` QoS 1 messages at once (3.1.1 has no receive maximum)."""
    sent = {}
    data = bytearray()
    for i in range(1, count + 1):
        payload = f"{name}-{i}".encode()
        sent[i] = payload
        data += m.publish("bp/" + name, payload, qos=1, packet_id=i)
    c.send(bytes(data))
    return sent


def _collect_acks(c: m.RawClient, acked: set[int], seconds: float) -> None:
    """PUBACKs that arrive within `seconds` (a bound on waiting, not an assertion)."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        try:
            p = c.read_packet(left)
        except TimeoutError:
            return
        assert p.type == m.PUBACK, p
        acked.add(p.packet_id)


@pytest.mark.broker_config(CONFIG)
def test_slow_subscriber_pauses_publishers_and_loses_nothing(broker):
    with m.RawClient(broker.host, broker.port) as sub, \
            m.RawClient(broker.host, broker.port) as pa, \
            m.RawClient(broker.host, broker.port) as pb:
        assert sub.connect("bp-sub").reason == 0
        assert sub.subscribe("bp/#", opts=1).payload == b"\x01"
        # From here on the subscriber reads nothing until told to.
        pubs = {"a": pa, "b": pb}
        for name, c in pubs.items():
            assert c.connect("bp-pub-" + name).reason == 0
        sent = {name: _publish_burst(c, name, PER_PUBLISHER) for name, c in pubs.items()}
        acked: dict[str, set[int]] = {name: set() for name in pubs}
        for name, c in pubs.items():
            _collect_acks(c, acked[name], 1.0)
        total_acked = sum(len(a) for a in acked.values())
        # Paused: what was acknowledged fits in the subscriber's window and
        # bounded queue (plus the run of each publisher that crossed the mark).
        assert total_acked <= MAX_INFLIGHT + MAX_QUEUED + len(pubs) * DELIVERY_RUN, acked
        assert total_acked < 2 * PER_PUBLISHER

        # The subscriber reads and acknowledges: everything flows again, and
        # every acknowledged message (so every message) arrives.
        received: list[bytes] = []
        want = 2 * PER_PUBLISHER
        deadline = time.monotonic() + 30
        sub.sock.setblocking(True)
        for c in pubs.values():
            c.sock.setblocking(False)
        while (len(set(received)) < want or any(len(acked[n]) < PER_PUBLISHER for n in pubs)) \
                and time.monotonic() < deadline:
            try:
                p = sub.read_packet(0.05)
                assert p.type == m.PUBLISH and p.qos == 1, p
                received.append(p.payload)
                sub.send(m.ack(m.PUBACK, p.packet_id))
            except TimeoutError:
                pass
            for name, c in pubs.items():
                c.sock.settimeout(0.0)
                try:
                    c.buf += c.sock.recv(65536)
                except (BlockingIOError, socket.timeout):
                    pass
                while len(c.buf) >= 4 and c.buf[0] >> 4 == m.PUBACK:
                    acked[name].add(int.from_bytes(c.buf[2:4], "big"))
                    del c.buf[:4]
        for name in pubs:
            assert acked[name] == set(range(1, PER_PUBLISHER + 1)), f"publisher {name} not resumed"
        got = set(received)
        for name in pubs:
            missing = [p for i, p in sent[name].items() if p not in got]
            assert not missing, f"acknowledged but never delivered: {missing[:10]}"
        assert len(got) == want
        # Paused and resumed in runs, each publisher's messages keep their order.
        for name in pubs:
            order = [int(p.split(b"-")[1]) for p in received if p.startswith(name.encode() + b"-")]
            assert order == sorted(order), f"publisher {name}: out of order"
    assert "queue full" not in broker.log


@pytest.mark.broker_config(CONFIG)
def test_paused_publisher_resumes_when_subscriber_leaves(broker):
    with m.RawClient(broker.host, broker.port) as pub:
        with m.RawClient(broker.host, broker.port) as sub:
            assert sub.connect("bp-gone").reason == 0
            assert sub.subscribe("bp/#", opts=1).payload == b"\x01"
            assert pub.connect("bp-pub").reason == 0
            _publish_burst(pub, "x", PER_PUBLISHER)
            acked: set[int] = set()
            _collect_acks(pub, acked, 1.0)
            assert len(acked) <= MAX_INFLIGHT + MAX_QUEUED + DELIVERY_RUN
        # The subscriber's clean session ends with its connection: nothing
        # holds the publisher back any more.
        deadline = time.monotonic() + 30
        while len(acked) < PER_PUBLISHER and time.monotonic() < deadline:
            _collect_acks(pub, acked, 0.5)
        assert acked == set(range(1, PER_PUBLISHER + 1))


@pytest.mark.broker_config(CONFIG)
def test_client_publishing_to_itself_is_not_paused_by_its_own_queue(broker):
    """A client waiting on its own queue would never read the PUBACKs that drain it."""
    with m.RawClient(broker.host, broker.port) as c:
        assert c.connect("bp-self").reason == 0
        assert c.subscribe("bp/#", opts=1).payload == b"\x01"
        _publish_burst(c, "self", PER_PUBLISHER)
        acked: set[int] = set()
        delivered = set()
        deadline = time.monotonic() + 30
        while (len(acked) < PER_PUBLISHER or len(delivered) < PER_PUBLISHER) \
                and time.monotonic() < deadline:
            try:
                p = c.read_packet(0.5)
            except TimeoutError:
                continue
            if p.type == m.PUBACK:
                acked.add(p.packet_id)
            elif p.type == m.PUBLISH:
                delivered.add(p.payload)
                c.send(m.ack(m.PUBACK, p.packet_id))
        assert acked == set(range(1, PER_PUBLISHER + 1))
        # The queue keeps its drop policy here (nobody to pause): what was
        # delivered is at least what the window and the queue hold.
        assert len(delivered) >= MAX_INFLIGHT + MAX_QUEUED


@pytest.mark.broker_config(CONFIG)
@pytest.mark.parametrize("qos", [1, 2])
def test_acknowledgements_sent_together_refill_the_window(broker, qos):
    """A client that acknowledges a whole window in one write (as fast
    clients do) gets the next window, in order, and nothing twice; with
    QoS 2 every PUBREC in the write gets its PUBREL."""
    # Two windows: the queue stays under its high-water mark (20), so the
    # publisher is never paused (a paused client's PUBRELs wait in its socket).
    total = MAX_INFLIGHT * 2
    with m.RawClient(broker.host, broker.port) as sub, m.RawClient(broker.host, broker.port) as pub:
        sub.connect("acks-sub")
        sub.subscribe("acks/t", qos)
        pub.connect("acks-pub")
        for i in range(total):
            pub.send(m.publish("acks/t", str(i).encode(), qos=qos, packet_id=i + 1))
            if qos == 2:  # released one by one: 5 unreleased is the receive maximum
                assert pub.expect(m.PUBREC).packet_id == i + 1
                pub.send(m.ack(m.PUBREL, i + 1))
                assert pub.expect(m.PUBCOMP).packet_id == i + 1
        got = []
        while len(got) < total:
            window = [sub.expect(m.PUBLISH) for _ in range(MAX_INFLIGHT)]
            # The window is full: nothing more comes until it is acknowledged.
            with pytest.raises(TimeoutError):
                sub.read_packet(0.3)
            got += [int(p.payload) for p in window]
            if qos == 1:
                sub.send(b"".join(m.ack(m.PUBACK, p.packet_id) for p in window))
            else:
                sub.send(b"".join(m.ack(m.PUBREC, p.packet_id) for p in window))
                rels = [sub.expect(m.PUBREL) for _ in window]
                assert [r.packet_id for r in rels] == [p.packet_id for p in window]
                sub.send(b"".join(m.ack(m.PUBCOMP, p.packet_id) for p in window))
        assert got == list(range(total))
        with pytest.raises(TimeoutError):
            sub.read_packet(0.3)
